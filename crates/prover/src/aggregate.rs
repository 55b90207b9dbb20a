//! One proof for the chain: the dataset proof and the training proof aggregated with
//! snark-verifier's `AggregationCircuit` (SHPLONK), its EVM verifier, and its native
//! verification (the same checks the verifier contract runs).
//!
//! Two kinds of aggregation ([`TrainingKind`]):
//! - **proven training**: the dataset and training proofs. The public values follow
//!   [`AggregateLayout`]: the 12 accumulator limbs, the 11 dataset instances, then the
//!   training proof's `w0_hash`, `w_hash` and `hyper_hash`. The two proofs' `train_root`s
//!   are constrained equal in-circuit and exposed once.
//! - **declared training**: the dataset proof alone, bound to a model file's SHA-256. The
//!   public values follow [`DeclaredLayout`]: the accumulator, the dataset instances, then
//!   the hash's two 128-bit big-endian halves. The halves are witnesses of the aggregation
//!   circuit, range-checked to 128 bits and exposed: the proof verifies for that hash only.

use crate::Error;
use halo2_base::{
    gates::{
        circuit::CircuitBuilderStage, flex_gate::MultiPhaseThreadBreakPoints, RangeChip,
        RangeInstructions,
    },
    halo2_proofs::{
        halo2curves::bn256::{Bn256, Fr, G1Affine},
        halo2curves::ff::Field as _,
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
    AssignedValue, Context,
};
use lineage_circuits::{
    circuit::BLINDING_ROWS,
    layout::{AggregateLayout, DatasetLayout, DeclaredLayout, TrainingLayout},
    profile::TrainingKind,
};
use lineage_core::record::ContentHash;
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

/// The inner proofs of one aggregation, by kind.
#[derive(Debug)]
pub enum Inner {
    /// Proven training: the dataset proof and the training proof of the same records.
    Proven {
        /// The dataset proof.
        dataset: Snark,
        /// The training proof.
        training: Snark,
    },
    /// Declared training: the dataset proof and the model file's SHA-256.
    Declared {
        /// The dataset proof.
        dataset: Snark,
        /// The model hash (`model-sha256-v1`).
        model: ContentHash,
    },
}

/// The number of public values of a `kind`'s aggregated proof.
pub const fn instances_len(kind: TrainingKind) -> usize {
    match kind {
        TrainingKind::Proven => AggregateLayout::LEN,
        TrainingKind::Declared => DeclaredLayout::LEN,
    }
}

/// The instance counts of a `kind`'s inner proofs, in aggregation order.
fn inner_lens(kind: TrainingKind) -> &'static [usize] {
    match kind {
        TrainingKind::Proven => &[DatasetLayout::LEN, TrainingLayout::LEN],
        TrainingKind::Declared => &[DatasetLayout::LEN],
    }
}

/// An aggregated proof and its public values ([`AggregateLayout`] or [`DeclaredLayout`]
/// order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AggregateProof {
    /// The public values.
    pub instances: Vec<Fr>,
    /// The proof bytes (Keccak transcript: what the EVM verifier reads).
    pub proof: Vec<u8>,
}

/// Exposes the public values after the accumulator. Must run identically at key generation
/// and proving (`model` only changes witness values).
/// - Proven (`model` is `None`): the dataset instances and the training instances in
///   [`AggregateLayout`] order, the two `train_root`s constrained equal.
/// - Declared (`model` is the hash's halves): the dataset instances, then each half as a
///   witness range-checked to 128 bits ([`DeclaredLayout`]).
fn lay_out(agg: &mut AggregationCircuit, model: Option<[Fr; 2]>) {
    let prev = agg.previous_instances().clone();
    let dataset = &prev[0];
    assert_eq!(dataset.len(), DatasetLayout::LEN, "dataset snark first");
    let mut tail = Vec::new();
    match (model, prev.get(1)) {
        (None, Some(training)) => {
            assert_eq!(training.len(), TrainingLayout::LEN, "training snark second");
            agg.builder.main(0).constrain_equal(
                &dataset[DatasetLayout::TRAIN_ROOT],
                &training[TrainingLayout::TRAIN_ROOT],
            );
            let rest =
                [TrainingLayout::W0_HASH, TrainingLayout::W_HASH, TrainingLayout::HYPER_HASH];
            for i in rest {
                debug_assert_eq!(
                    AggregateLayout::DATASET + DatasetLayout::LEN + tail.len(),
                    AggregateLayout::from_training(i)
                );
                tail.push(training[i]);
            }
        }
        (Some(halves), None) => {
            let range = agg.builder.range_chip();
            tail.extend(model_hash_cells(agg.builder.main(0), &range, halves));
        }
        _ => panic!("a proven aggregation takes two snarks, a declared one a snark and a hash"),
    }
    let out = &mut agg.builder.assigned_instances[0];
    debug_assert_eq!(out.len(), AggregateLayout::DATASET);
    out.extend(dataset.iter().copied());
    out.extend(tail);
}

/// The model hash's two halves as witnesses, each range-checked to 128 bits: the only
/// encoding of a 256-bit hash the declared layout admits.
fn model_hash_cells(
    ctx: &mut Context<Fr>,
    range: &RangeChip<Fr>,
    halves: [Fr; 2],
) -> [AssignedValue<Fr>; 2] {
    halves.map(|half| {
        let cell = ctx.load_witness(half);
        range.range_check(ctx, cell, 128);
        cell
    })
}

/// Generates the aggregation keys of a `kind` for its inner verifying keys, each with its
/// circuit's params (the dataset's first, then the training's for proven training). Only
/// the inner keys' shapes matter, so this aggregates shape-only placeholder proofs and
/// proves nothing.
///
/// `params` are the aggregation's (2^`k` rows), from the same SRS as the inner ones.
pub fn keygen(
    params: &ParamsKZG<Bn256>,
    kind: TrainingKind,
    inner: &[(&ParamsKZG<Bn256>, &VerifyingKey<G1Affine>)],
) -> Result<AggregateKeys, Error> {
    let k = params.k();
    let lens = inner_lens(kind);
    assert_eq!(inner.len(), lens.len(), "one verifying key per inner proof of the kind");
    let snarks = inner
        .iter()
        .zip(lens)
        .map(|((p, vk), &len)| gen_dummy_snark_from_vk::<SHPLONK>(p, vk, vec![len], None));
    let model = match kind {
        TrainingKind::Proven => None,
        TrainingKind::Declared => Some([Fr::ZERO; 2]),
    };
    let start =
        AggregationConfigParams { degree: k, lookup_bits: k as usize - 1, ..Default::default() };
    let mut agg = AggregationCircuit::new::<SHPLONK>(
        CircuitBuilderStage::Keygen,
        start,
        params,
        snarks,
        VerifierUniversality::None,
    );
    lay_out(&mut agg, model);
    let config = agg.calculate_params(Some(BLINDING_ROWS));
    let vk = keygen_vk(params, &agg)?;
    let pk = keygen_pk(params, vk, &agg)?;
    let break_points = agg.break_points();
    Ok(AggregateKeys { pk, config, break_points })
}

/// Aggregates the inner proofs into one EVM-verifiable proof, under keys made for their
/// kind.
pub fn prove(
    params: &ParamsKZG<Bn256>,
    keys: &AggregateKeys,
    inner: Inner,
) -> Result<AggregateProof, Error> {
    let (snarks, model) = match inner {
        Inner::Proven { dataset, training } => {
            let ds_root = dataset.instances.first().and_then(|i| i.get(DatasetLayout::TRAIN_ROOT));
            let tr_root =
                training.instances.first().and_then(|i| i.get(TrainingLayout::TRAIN_ROOT));
            if ds_root.is_none() || ds_root != tr_root {
                return Err(Error::TrainRootMismatch);
            }
            (vec![dataset, training], None)
        }
        Inner::Declared { dataset, model } => {
            let (hi, lo) = model.to_fields();
            (vec![dataset], Some([hi, lo]))
        }
    };
    let mut agg = AggregationCircuit::new::<SHPLONK>(
        CircuitBuilderStage::Prover,
        keys.config,
        params,
        snarks,
        VerifierUniversality::None,
    )
    .use_break_points(keys.break_points.clone());
    lay_out(&mut agg, model);
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

/// Whether `proof` verifies for `instances` under a `kind`'s aggregation key: exactly the
/// checks of the generated verifier contract (the inner proofs' accumulator included), run
/// natively.
pub fn verify(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    kind: TrainingKind,
    proof: &AggregateProof,
) -> bool {
    let len = instances_len(kind);
    if proof.instances.len() != len {
        return false;
    }
    let protocol = compile(
        params,
        vk,
        Config::kzg()
            .with_num_instance(vec![len])
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
    kind: TrainingKind,
    contract_name: &str,
    header: &str,
) -> String {
    let code = gen_evm_verifier_sol_code::<AggregationCircuit, SHPLONK>(
        params,
        vk,
        vec![instances_len(kind)],
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

#[cfg(test)]
mod tests {
    use super::*;
    use halo2_base::{gates::circuit::builder::BaseCircuitBuilder, halo2_proofs::dev::MockProver};

    /// MockProver's verdict on the halves' cells alone, in a small circuit.
    fn accepts(halves: [Fr; 2]) -> bool {
        let k = 10;
        let mut b = BaseCircuitBuilder::<Fr>::from_stage(CircuitBuilderStage::Mock)
            .use_k(k)
            .use_lookup_bits(k - 1);
        let range = b.range_chip();
        let cells = model_hash_cells(b.main(0), &range, halves);
        assert_eq!(cells.map(|c| *c.value()), halves);
        b.calculate_params(Some(9));
        MockProver::run(k as u32, &b, vec![]).unwrap().verify().is_ok()
    }

    #[test]
    fn model_hash_halves_are_range_checked_to_128_bits() {
        let (hi, lo) = ContentHash([0xff; 32]).to_fields();
        assert!(accepts([hi, lo]), "the largest hash's halves");
        let two_32 = Fr::from(1u64 << 32);
        let two_128 = two_32 * two_32 * two_32 * two_32;
        assert!(!accepts([two_128, lo]), "a high half of 2^128");
        assert!(!accepts([hi, lo + two_128]), "a low half with a bit above 128");
        assert!(!accepts([hi, -Fr::ONE]), "a low half of p - 1");
    }
}
