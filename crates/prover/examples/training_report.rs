//! Measures the training circuit of a profile: its layout (advice columns, cells, the
//! cells of one SGD step and of one feature in a step), then dev SRS, keygen, proving and
//! verification times. Used for BENCHMARKS.md:
//!
//! ```text
//! /usr/bin/time -v cargo run --release -p lineage-prover --example training_report -- demo
//! cargo run --release -p lineage-prover --example training_report -- demo --layout-only --k 19
//! ```

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use lineage_circuits::{
    circuit, poseidon::lane, profile, training::TrainingCircuit, LineageCircuit,
};
use lineage_prover::{kzg, srs};
use std::time::Instant;

/// Advice cells (gate + lookup) of the circuit laid out on its sample witness.
fn cells(c: &TrainingCircuit) -> (usize, usize) {
    let builder = circuit::keygen(c);
    let stats = builder.base.statistics();
    (
        stats.gate.total_advice_per_phase.iter().sum::<usize>()
            + builder.poseidon.len() * lane::ROWS,
        stats.total_lookup_advice_per_phase.iter().sum(),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = args.first().map(String::as_str).unwrap_or("demo");
    let p = profile::by_name(name).unwrap_or_else(|| panic!("no profile {name}"));
    let layout_only = args.iter().any(|a| a == "--layout-only");
    let mut c = TrainingCircuit::new(&p);
    if let Some(i) = args.iter().position(|a| a == "--k") {
        c.shape.k = args[i + 1].parse().unwrap();
        c.shape.lookup_bits = c.shape.k as usize - 1;
    }
    let s = c.shape;
    println!(
        "training/{name}: N={} d={} E={} F={} k={} lookup_bits={}",
        c.records, s.features, s.epochs, s.frac_bits, s.k, s.lookup_bits
    );

    let builder = circuit::keygen(&c);
    let stats = builder.base.statistics();
    let advice: usize = stats.gate.total_advice_per_phase.iter().sum();
    let lookups: usize = stats.total_lookup_advice_per_phase.iter().sum();
    let params = builder.params();
    println!("config {:?}, poseidon lanes {}", params.base, params.lanes);
    println!(
        "builder advice cells {advice}, lookup cells {lookups}, fixed cells {}; \
         {} permutations in lanes ({} cells)",
        stats.gate.total_fixed,
        builder.poseidon.len(),
        builder.poseidon.len() * lane::ROWS,
    );
    let total = advice + builder.poseidon.len() * lane::ROWS;
    drop(builder);

    // SGD cost by difference, on a 4-slot circuit of the same d and F (a step's cost does
    // not depend on N): one more epoch is 4 more steps; one more feature adds its
    // multiply-accumulate, rescale, update and range checks to every step (and its share
    // of hashing, which the same difference on a one-epoch circuit cancels).
    const SLOTS: usize = 4;
    let with = |epochs: u32, features: usize| {
        let mut v = TrainingCircuit::with_shape(SLOTS, s);
        v.shape.epochs = epochs;
        v.shape.features = features;
        cells(&v)
    };
    let (a1, l1) = with(1, s.features);
    let (a2, l2) = with(2, s.features);
    let (b1, m1) = with(1, s.features + 1);
    let (b2, m2) = with(2, s.features + 1);
    let per = |x: usize| x as f64 / SLOTS as f64;
    let (step, step_lookups) = (per(a2 - a1), per(l2 - l1));
    let (feature, feature_lookups) = (per(b2 - b1) - step, per(m2 - m1) - step_lookups);
    let steps = (c.records as f64) * f64::from(s.epochs);
    println!(
        "per SGD step: {step:.0} advice + {step_lookups:.0} lookup cells; each feature adds \
         {feature:.0} advice + {feature_lookups:.0} lookup cells per step; step / d = {:.0}",
        step / s.features as f64
    );
    println!(
        "SGD: {} steps, {:.0} advice cells ({:.1}% of {total}, lanes included); the rest is \
         hashing (leaves, tree, commitments)",
        steps,
        step * steps,
        100.0 * step * steps / total as f64
    );
    if layout_only {
        return;
    }

    let t = Instant::now();
    let params = srs::dev_params(c.k());
    println!("dev SRS {:.1?}", t.elapsed());
    let t = Instant::now();
    let keys = kzg::keygen(&params, &c).unwrap();
    println!("keygen {:.1?}", t.elapsed());
    let witness = c.sample_witness();
    let t = Instant::now();
    let (proof, instances) = kzg::prove(&params, &keys, &c, &witness).unwrap();
    println!("prove {:.1?} ({} B proof)", t.elapsed(), proof.len());
    let t = Instant::now();
    assert!(kzg::verify(&params, keys.vk(), &proof, &instances));
    println!("verify {:.1?}", t.elapsed());
}
