//! One proof for the chain: the dataset proof and the training proof aggregated with
//! snark-verifier's `AggregationCircuit` (SHPLONK), its EVM verifier, and its native
//! verification (the same checks the verifier contract runs).
//!
//! The aggregated proof's public values follow [`AggregateLayout`]: the 12 accumulator
//! limbs, the 11 dataset instances, then the training proof's `w0_hash`, `w_hash` and
//! `hyper_hash`. The two proofs' `train_root`s are constrained equal in-circuit and
//! exposed once.

use crate::Error;
use halo2_base::{
    gates::{circuit::CircuitBuilderStage, flex_gate::MultiPhaseThreadBreakPoints},
    halo2_proofs::{
        halo2curves::bn256::{Bn256, Fr, G1Affine},
        plonk::{create_proof, keygen_pk, keygen_vk, ProvingKey, VerifyingKey},
        poly::{
            commitment::{Params, ParamsProver},
            kzg::{
                commitment::{KZGCommitmentScheme, ParamsKZG},
                multiopen::ProverSHPLONK,
            },
        },
        transcript::TranscriptWriterBuffer,
    },
};
use lineage_circuits::{
    circuit::BLINDING_ROWS,
    layout::{AggregateLayout, DatasetLayout, TrainingLayout},
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use snark_verifier_sdk::{
    evm::gen_evm_verifier_sol_code,
    halo2::{
        aggregation::{AggregationCircuit, AggregationConfigParams, VerifierUniversality},
        gen_dummy_snark_from_vk,
    },
    snark_verifier::{
        pcs::kzg::KzgDecidingKey,
        system::halo2::{compile, transcript::evm::EvmTranscript, Config},
        verifier::SnarkVerifier,
    },
    CircuitExt, NativeLoader, PlonkVerifier, Snark, SHPLONK,
};

/// The aggregation circuit's proving key with the layout pinned at key generation.
#[derive(Debug)]
pub struct AggregateKeys {
    /// The proving key (it holds the verifying key).
    pub pk: ProvingKey<G1Affine>,
    /// Column configuration computed at key generation.
    pub config: AggregationConfigParams,
    /// Where the witness breaks across columns, computed at key generation.
    pub break_points: MultiPhaseThreadBreakPoints,
}

impl AggregateKeys {
    /// The verifying key.
    pub fn vk(&self) -> &VerifyingKey<G1Affine> {
        self.pk.get_vk()
    }
}

/// An aggregated proof and its public values ([`AggregateLayout`] order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AggregateProof {
    /// The public values.
    pub instances: Vec<Fr>,
    /// The proof bytes (Keccak transcript: what the EVM verifier reads).
    pub proof: Vec<u8>,
}

/// Exposes the inner instances in [`AggregateLayout`] order and ties the two
/// `train_root`s together. Must run identically at key generation and proving.
fn lay_out(agg: &mut AggregationCircuit) {
    let prev = agg.previous_instances().clone();
    let (dataset, training) = (&prev[0], &prev[1]);
    assert_eq!(dataset.len(), DatasetLayout::LEN, "dataset snark first");
    assert_eq!(training.len(), TrainingLayout::LEN, "training snark second");
    agg.builder.main(0).constrain_equal(
        &dataset[DatasetLayout::TRAIN_ROOT],
        &training[TrainingLayout::TRAIN_ROOT],
    );
    let out = &mut agg.builder.assigned_instances[0];
    debug_assert_eq!(out.len(), AggregateLayout::DATASET);
    out.extend(dataset.iter().copied());
    let rest = [TrainingLayout::W0_HASH, TrainingLayout::W_HASH, TrainingLayout::HYPER_HASH];
    for i in rest {
        debug_assert_eq!(out.len(), AggregateLayout::from_training(i));
        out.push(training[i]);
    }
    debug_assert_eq!(out.len(), AggregateLayout::LEN);
}

/// Generates the aggregation keys for the two inner verifying keys. Only the inner keys'
/// shapes matter, so this aggregates shape-only placeholder proofs and proves nothing.
///
/// `params` are the aggregation's (2^`k` rows); `dataset_params` / `training_params` the
/// inner circuits', from the same SRS.
pub fn keygen(
    params: &ParamsKZG<Bn256>,
    dataset_params: &ParamsKZG<Bn256>,
    dataset_vk: &VerifyingKey<G1Affine>,
    training_params: &ParamsKZG<Bn256>,
    training_vk: &VerifyingKey<G1Affine>,
) -> Result<AggregateKeys, Error> {
    let k = params.k();
    let snarks = [
        gen_dummy_snark_from_vk::<SHPLONK>(
            dataset_params,
            dataset_vk,
            vec![DatasetLayout::LEN],
            None,
        ),
        gen_dummy_snark_from_vk::<SHPLONK>(
            training_params,
            training_vk,
            vec![TrainingLayout::LEN],
            None,
        ),
    ];
    let start =
        AggregationConfigParams { degree: k, lookup_bits: k as usize - 1, ..Default::default() };
    let mut agg = AggregationCircuit::new::<SHPLONK>(
        CircuitBuilderStage::Keygen,
        start,
        params,
        snarks,
        VerifierUniversality::None,
    );
    lay_out(&mut agg);
    let config = agg.calculate_params(Some(BLINDING_ROWS));
    let vk = keygen_vk(params, &agg)?;
    let pk = keygen_pk(params, vk, &agg)?;
    let break_points = agg.break_points();
    Ok(AggregateKeys { pk, config, break_points })
}

/// Aggregates the dataset and training proofs into one EVM-verifiable proof.
pub fn prove(
    params: &ParamsKZG<Bn256>,
    keys: &AggregateKeys,
    dataset: Snark,
    training: Snark,
) -> Result<AggregateProof, Error> {
    let ds_root = dataset.instances.first().and_then(|i| i.get(DatasetLayout::TRAIN_ROOT));
    let tr_root = training.instances.first().and_then(|i| i.get(TrainingLayout::TRAIN_ROOT));
    if ds_root.is_none() || ds_root != tr_root {
        return Err(Error::TrainRootMismatch);
    }
    let mut agg = AggregationCircuit::new::<SHPLONK>(
        CircuitBuilderStage::Prover,
        keys.config,
        params,
        [dataset, training],
        VerifierUniversality::None,
    )
    .use_break_points(keys.break_points.clone());
    lay_out(&mut agg);
    let instances = agg.instances();
    let mut transcript =
        <EvmTranscript<G1Affine, NativeLoader, Vec<u8>, Vec<u8>> as TranscriptWriterBuffer<
            _,
            G1Affine,
            _,
        >>::init(Vec::new());
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
        params,
        &keys.pk,
        &[agg],
        &[&[&instances[0]]],
        ChaCha20Rng::from_entropy(),
        &mut transcript,
    )?;
    let proof = transcript.finalize();
    let instances = instances.into_iter().next().unwrap_or_default();
    Ok(AggregateProof { instances, proof })
}

/// Whether `proof` verifies for `instances`: exactly the checks of the generated verifier
/// contract (the inner proofs' accumulator included), run natively.
pub fn verify(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    proof: &AggregateProof,
) -> bool {
    if proof.instances.len() != AggregateLayout::LEN {
        return false;
    }
    let protocol = compile(
        params,
        vk,
        Config::kzg()
            .with_num_instance(vec![AggregateLayout::LEN])
            .with_accumulator_indices(AggregationCircuit::accumulator_indices()),
    );
    let dk: KzgDecidingKey<Bn256> = (params.get_g()[0], params.g2(), params.s_g2()).into();
    let instances = vec![proof.instances.clone()];
    let mut transcript =
        EvmTranscript::<G1Affine, NativeLoader, &[u8], Vec<u8>>::new(proof.proof.as_slice());
    PlonkVerifier::<SHPLONK>::read_proof(&dk, &protocol, &instances, &mut transcript)
        .and_then(|p| PlonkVerifier::<SHPLONK>::verify(&dk, &protocol, &instances, &p))
        .is_ok()
}

/// The Solidity verifier of the aggregation, as contract `contract_name`, compiled by forge
/// with the project's one solc (the generator's exact `0.8.19` pragma is relaxed to
/// `^0.8.19`).
pub fn verifier_solidity(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    contract_name: &str,
    header: &str,
) -> String {
    let code = gen_evm_verifier_sol_code::<AggregationCircuit, SHPLONK>(
        params,
        vk,
        vec![AggregateLayout::LEN],
    );
    let code = code.replacen("pragma solidity 0.8.19;", "pragma solidity ^0.8.19;", 1).replacen(
        "contract Halo2Verifier",
        &format!("contract {contract_name}"),
        1,
    );
    format!("{header}{code}")
}

/// The verifier calldata: the public values as 32-byte big-endian words, then the proof.
pub fn calldata(proof: &AggregateProof) -> Vec<u8> {
    snark_verifier_sdk::evm::encode_calldata(std::slice::from_ref(&proof.instances), &proof.proof)
}
