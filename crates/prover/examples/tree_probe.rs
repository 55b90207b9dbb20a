//! Step S0 of the proof-tree plan (`crates/prover/docs/proof-tree-plan.md`): measures the
//! three aggregation shapes a tree needs before any of them is built for real.
//!
//! 1. **leaf** (`W_0`): one demo dataset proof aggregated with the Poseidon transcript, so a
//!    parent can verify it in-circuit; exposes the accumulator and the dataset's 11 words.
//! 2. **node** (`M_1`): two leaf proofs (the same proof twice, as a padded right child would
//!    be), their vk loaded as constants (`VerifierUniversality::None`); exposes the folded
//!    accumulator and both children's words without their old accumulators.
//! 3. **root**: one node proof with its vk loaded as a witness
//!    (`VerifierUniversality::PreprocessedAsWitness`), proven with the Keccak transcript for
//!    the EVM; writes its Solidity verifier and calldata so that forge can measure the gas.
//!
//! For each: cells, the column layout at `K` (default 21), keygen and proving time, and the
//! peak resident memory of the stage (`VmHWM`, reset between stages).
//!
//! ```text
//! script/e2e.sh   # leaves the demo datasets in target/e2e/
//! /usr/bin/time -v target/debug/examples/tree_probe \
//!     target/e2e/atelier.json,target/e2e/harbor.json target/tree-probe [K]
//! ```
//!
//! The dataset keys come from the demo-declared profile's cached artifacts (or are made
//! and cached); the three aggregation keys are generated afresh (INSECURE dev SRS).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use halo2_base::{
    gates::circuit::CircuitBuilderStage,
    halo2_proofs::{
        halo2curves::bn256::{Bn256, G1Affine},
        plonk::{keygen_pk, keygen_vk, ProvingKey},
        poly::{commitment::Params, kzg::commitment::ParamsKZG},
    },
};
use lineage_circuits::{
    chunk::ChunkWitness, circuit::BLINDING_ROWS, profile::DEMO_DECLARED, LineageCircuit,
};
use lineage_core::{manifest::DatasetManifest, record::sort_training_order, Record};
use lineage_prover::{
    artifacts::{self, SrsSource},
    kzg, srs,
};
use snark_verifier_sdk::{
    evm::{encode_calldata, gen_evm_proof_shplonk, gen_evm_verifier_sol_code},
    halo2::{
        aggregation::{AggregationCircuit, AggregationConfigParams, VerifierUniversality},
        gen_snark_shplonk,
    },
    CircuitExt, Snark, SHPLONK,
};
use std::{fs, path::PathBuf, time::Instant};

/// Peak resident memory since the last [`reset_peak`], in GB.
fn peak_gb() -> f64 {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1e6
}

/// Resets the kernel's peak-RSS mark (Linux `clear_refs` 5).
fn reset_peak() {
    let _ = fs::write("/proc/self/clear_refs", "5");
}

/// One aggregation's circuit over `snarks`, exposing the children's words (without their
/// accumulators when they are aggregations themselves).
fn circuit(
    stage: CircuitBuilderStage,
    config: AggregationConfigParams,
    params: &ParamsKZG<Bn256>,
    snarks: Vec<Snark>,
    universality: VerifierUniversality,
    children_are_aggregations: bool,
) -> AggregationCircuit {
    let mut agg = AggregationCircuit::new::<SHPLONK>(stage, config, params, snarks, universality);
    agg.expose_previous_instances(children_are_aggregations);
    agg
}

struct Stage {
    pk: ProvingKey<G1Affine>,
    config: AggregationConfigParams,
    circuit: AggregationCircuit,
}

/// Keys one aggregation shape and returns the prover-stage circuit for the same snarks.
fn keygen(
    name: &str,
    params: &ParamsKZG<Bn256>,
    snarks: Vec<Snark>,
    universality: VerifierUniversality,
    children_are_aggregations: bool,
    log: &mut dyn FnMut(&str),
) -> Stage {
    let k = params.k();
    let start =
        AggregationConfigParams { degree: k, lookup_bits: k as usize - 1, ..Default::default() };
    reset_peak();
    let t = Instant::now();
    let mut agg = circuit(
        CircuitBuilderStage::Keygen,
        start,
        params,
        snarks.clone(),
        universality,
        children_are_aggregations,
    );
    let config = agg.calculate_params(Some(BLINDING_ROWS));
    let stats = agg.builder.statistics();
    log(&format!(
        "{name}: advice cells {:?}, lookup cells {:?}, constants {}, config {config:?}, \
         public words {}",
        stats.gate.total_advice_per_phase,
        stats.total_lookup_advice_per_phase,
        stats.gate.total_fixed,
        agg.num_instance()[0],
    ));
    let vk = keygen_vk(params, &agg).unwrap();
    let pk = keygen_pk(params, vk, &agg).unwrap();
    let break_points = agg.break_points();
    log(&format!("{name}: keygen {:.1} s, peak {:.2} GB", t.elapsed().as_secs_f64(), peak_gb()));
    drop(agg);
    let circuit = circuit(
        CircuitBuilderStage::Prover,
        config,
        params,
        snarks,
        universality,
        children_are_aggregations,
    )
    .use_break_points(break_points);
    Stage { pk, config, circuit }
}

/// Proves a stage with the Poseidon transcript (verified natively by the sdk).
fn prove_poseidon(
    name: &str,
    params: &ParamsKZG<Bn256>,
    stage: Stage,
    log: &mut dyn FnMut(&str),
) -> Snark {
    reset_peak();
    let t = Instant::now();
    let snark = gen_snark_shplonk(params, &stage.pk, stage.circuit, None::<&str>);
    log(&format!(
        "{name}: prove {:.1} s, peak {:.2} GB, proof {} B",
        t.elapsed().as_secs_f64(),
        peak_gb(),
        snark.proof.len()
    ));
    snark
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (datasets, out, k) = match args.as_slice() {
        [d, o] => (d, o, 21),
        [d, o, k] => (d, o, k.parse().unwrap()),
        _ => panic!("usage: tree_probe A.json,B.json OUT_DIR [K]"),
    };
    let out = PathBuf::from(out);
    fs::create_dir_all(&out).unwrap();
    let t0 = Instant::now();
    let mut log = |s: &str| eprintln!("[{:>7.1?}] {s}", t0.elapsed());

    let profile = DEMO_DECLARED;
    let (setup, _, _) =
        artifacts::open(&artifacts::default_root(), &profile, &SrsSource::Dev, false, &mut log)
            .unwrap();
    let manifests: Vec<DatasetManifest> = datasets
        .split(',')
        .map(|p| serde_json::from_str(&fs::read_to_string(p).unwrap()).unwrap())
        .collect();
    let mut records: Vec<Record> =
        manifests.iter().flat_map(|m| m.records.iter().map(|r| r.record.clone())).collect();
    sort_training_order(&mut records);
    let mask = records.iter().fold(0, |m, r| m | r.license.mask_bit());
    let witness = ChunkWitness {
        dataset: setup.chunk.dataset.witness(&manifests, &records, mask).unwrap(),
        training: None,
    };
    let ds_params = &setup.params[&setup.chunk.k()];
    reset_peak();
    let t = Instant::now();
    let (proof, instances) =
        kzg::prove(ds_params, &setup.chunk_keys, &setup.chunk, &witness).unwrap();
    log(&format!(
        "dataset chunk: prove {:.1} s, peak {:.2} GB",
        t.elapsed().as_secs_f64(),
        peak_gb()
    ));
    let dataset = kzg::snark(ds_params, setup.chunk_keys.vk(), proof, instances);
    drop(setup);

    log(&format!("dev SRS k={k} ({})", srs::DEV_WARNING));
    let params = srs::dev_params(k);
    let none = VerifierUniversality::None;

    let leaf = keygen("leaf", &params, vec![dataset], none, false, &mut log);
    let leaf = prove_poseidon("leaf", &params, leaf, &mut log);

    let node = keygen("node", &params, vec![leaf.clone(), leaf], none, true, &mut log);
    let node = prove_poseidon("node", &params, node, &mut log);

    let witness_vk = VerifierUniversality::PreprocessedAsWitness;
    let root = keygen("root", &params, vec![node], witness_vk, true, &mut log);
    let instances = root.circuit.instances();
    reset_peak();
    let t = Instant::now();
    let proof = gen_evm_proof_shplonk(&params, &root.pk, root.circuit, instances.clone());
    log(&format!(
        "root: prove (Keccak) {:.1} s, peak {:.2} GB, proof {} B",
        t.elapsed().as_secs_f64(),
        peak_gb(),
        proof.len()
    ));
    let sol = gen_evm_verifier_sol_code::<AggregationCircuit, SHPLONK>(
        &params,
        root.pk.get_vk(),
        vec![instances[0].len()],
    )
    .replacen("pragma solidity 0.8.19;", "pragma solidity ^0.8.19;", 1)
    .replacen("contract Halo2Verifier", "contract LineageVerifierTreeProbe", 1);
    fs::write(out.join("LineageVerifierTreeProbe.sol"), sol).unwrap();
    let calldata = hex::encode(encode_calldata(&instances, &proof));
    fs::write(out.join("calldata.hex"), format!("0x{calldata}\n")).unwrap();
    log(&format!("root config {:?}; wrote {}", root.config, out.display()));
}
