//! Measures one circuit of a profile: dev SRS, keygen, proving and verification times, and
//! the circuit's layout (advice columns, cells). Used for BENCHMARKS.md:
//!
//! ```text
//! /usr/bin/time -v cargo run --release -p lineage-prover --example circuit_report -- dataset demo
//! ```
//!
//! `--layout-only` prints the layout (columns, cells) and stops before the SRS and keygen;
//! `--k K` lays the same circuit out at another k.
//! `dataset demo without-distinct` measures the baseline the distinctness constraint is
//! compared with: the same circuit with that one constraint relaxed (with `--k`, at the k
//! the profile had before it).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use lineage_circuits::{circuit, dataset::DatasetCircuit, poseidon::lane, profile, LineageCircuit};
use lineage_prover::{kzg, srs};
use std::time::Instant;

fn report<C: LineageCircuit>(name: &str, c: &C, layout_only: bool) {
    // The layout first: it needs no SRS and no keys (`--layout-only` stops here).
    let builder = circuit::keygen(c);
    let stats = builder.base.statistics();
    let cells: usize = stats.gate.total_advice_per_phase.iter().sum();
    let lookups: usize = stats.total_lookup_advice_per_phase.iter().sum();
    let params = builder.params();
    println!("{name}: config {:?}, poseidon lanes {}", params.base, params.lanes);
    println!(
        "{name}: builder advice cells {cells}, lookup cells {lookups}, fixed cells {}; \
         {} permutations in lanes ({} cells)",
        stats.gate.total_fixed,
        builder.poseidon.len(),
        builder.poseidon.len() * lane::ROWS,
    );
    drop(builder);
    if layout_only {
        return;
    }

    let t = Instant::now();
    let params = srs::dev_params(c.k());
    println!("{name}: dev SRS k={} in {:.1?}", c.k(), t.elapsed());

    let t = Instant::now();
    let keys = kzg::keygen(&params, c).unwrap();
    println!("{name}: keygen {:.1?}", t.elapsed());

    let witness = c.sample_witness();
    let t = Instant::now();
    let (proof, instances) = kzg::prove(&params, &keys, c, &witness).unwrap();
    println!("{name}: prove {:.1?} ({} B proof)", t.elapsed(), proof.len());

    let t = Instant::now();
    assert!(kzg::verify(&params, keys.vk(), &proof, &instances));
    println!("{name}: verify {:.1?}", t.elapsed());
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let layout_only = args.iter().any(|a| a == "--layout-only");
    args.retain(|a| a != "--layout-only");
    // `--k K`: the same circuit at another k (the columns follow).
    let k: Option<u32> = args.iter().position(|a| a == "--k").map(|i| {
        let k = args[i + 1].parse().expect("--k takes a number");
        args.drain(i..i + 2);
        k
    });
    let (which, name, variant) = match args.as_slice() {
        [w, p] => (w.as_str(), p.as_str(), None),
        [w, p, v] => (w.as_str(), p.as_str(), Some(v.as_str())),
        _ => panic!(
            "usage: circuit_report dataset PROFILE [without-distinct] [--k K] [--layout-only]"
        ),
    };
    let p = profile::by_name(name).unwrap_or_else(|| panic!("no profile {name}"));
    let mut c = DatasetCircuit::new(&p);
    c.shape.k = k.unwrap_or(c.shape.k);
    match (which, variant) {
        ("dataset", None) => report(&format!("dataset/{name}, k = {}", c.shape.k), &c, layout_only),
        ("dataset", Some("without-distinct")) => {
            c.relax.distinct = true;
            report(
                &format!("dataset/{name} without distinctness, k = {}", c.shape.k),
                &c,
                layout_only,
            )
        }
        (_, Some(v)) => panic!("unknown variant {v}"),
        (other, None) => {
            panic!("unknown circuit {other} (the training circuit has its own training_report)")
        }
    }
}
