//! One proof for the chain: a chunk proof aggregated with snark-verifier's
//! `AggregationCircuit` (SHPLONK), its EVM verifier, and its native verification (the same
//! checks the verifier contract runs).
//!
//! The inner proof is the profile's chunk circuit (`lineage_circuits::chunk`), whose public
//! words are a chunk body (`BodyLayout`). Two kinds of aggregation ([`TrainingKind`]):
//! - **proven training**: the chunk proves the dataset and the training run. The public
//!   values follow [`AggregateLayout`]: the 12 accumulator limbs, the 11 dataset words, then
//!   `w0_hash`, `w_hash` and `hyper_hash`, which the aggregation derives from the chunk's
//!   epoch segments (chained, `lineage_circuits::tree::run_commitments`).
//! - **declared training**: the chunk proves the dataset alone, bound to a model file's
//!   SHA-256. The public values follow [`DeclaredLayout`]: the accumulator, the dataset
//!   words, then the hash's two 128-bit big-endian halves. The halves are witnesses of the
//!   aggregation circuit, range-checked to 128 bits and exposed: the proof verifies for that
//!   hash only.
//!
//! In both, the chunk's `train_root` is the root of its subtree of the training-set tree
//! (depth `log2` of the profile's chunk capacity). The aggregation extends it with empty
//! subtrees to the profile's `train_depth` and exposes that: `train_root` has one depth
//! for any training set, one chunk or a proof tree of many. The chunk's `first`/`last`
//! words only matter between chunks and are not exposed.

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
            commitment::Params,
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
    chunk::ChunkCircuit,
    circuit::BLINDING_ROWS,
    layout::{AggregateLayout, DatasetLayout, DeclaredLayout},
    poseidon::GatePermutation,
    profile::TrainingKind,
    tree::{extend_root, run_commitments, Body},
    PoseidonChip, Profile,
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
    snark_verifier::system::halo2::{compile, transcript::evm::EvmTranscript, Config},
    CircuitExt, NativeLoader, Snark, SHPLONK,
};

/// A proving key, or only its verifying key where a process proves nothing with it: a
/// proof-tree task loads the one proving key it proves with
/// ([`crate::artifacts::Need`]) and reads the others' verifying keys alone.
#[derive(Debug)]
pub enum HeldKey {
    /// The proving key (it holds the verifying key).
    Proving(ProvingKey<G1Affine>),
    /// The verifying key alone.
    Verifying(VerifyingKey<G1Affine>),
}

impl HeldKey {
    /// The verifying key.
    pub fn vk(&self) -> &VerifyingKey<G1Affine> {
        match self {
            Self::Proving(pk) => pk.get_vk(),
            Self::Verifying(vk) => vk,
        }
    }

    /// The proving key, or an error naming the key (`what`) when only its verifying key was
    /// loaded.
    pub fn pk(&self, what: &'static str) -> Result<&ProvingKey<G1Affine>, Error> {
        match self {
            Self::Proving(pk) => Ok(pk),
            Self::Verifying(_) => Err(Error::NotLoaded(what)),
        }
    }
}

/// The aggregation circuit's proving key with the layout pinned at key generation.
#[derive(Debug)]
pub struct AggregateKeys {
    /// The proving key, or its verifying key alone.
    pub key: HeldKey,
    /// Column configuration computed at key generation.
    pub config: AggregationConfigParams,
    /// Where the witness breaks across columns, computed at key generation.
    pub break_points: MultiPhaseThreadBreakPoints,
}

impl AggregateKeys {
    /// The verifying key.
    pub fn vk(&self) -> &VerifyingKey<G1Affine> {
        self.key.vk()
    }
}

/// The inner proof of one aggregation, by kind.
#[derive(Debug)]
pub enum Inner {
    /// Proven training: the chunk proof of the dataset and the training run.
    Proven {
        /// The chunk proof.
        chunk: Snark,
    },
    /// Declared training: the chunk proof of the dataset and the model file's SHA-256.
    Declared {
        /// The chunk proof.
        chunk: Snark,
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

/// The instance count of a profile's chunk proof.
fn chunk_len(profile: &Profile) -> usize {
    ChunkCircuit::new(profile).instances_len()
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
/// and proving (`model` only changes witness values): the chunk's root is extended to the
/// profile's `train_depth`, then [`statement`].
fn lay_out(agg: &mut AggregationCircuit, profile: &Profile, model: Option<[Fr; 2]>) {
    let prev = agg.previous_instances().clone();
    let [words] = prev.as_slice() else { panic!("an aggregation of one chunk proof") };
    let (from, to) = (profile.chunk_depth(), profile.train_depth());
    statement(agg, profile, words, model, |ctx, chip, root| extend_root(ctx, chip, root, from, to));
}

/// The attestation's public values after the accumulator, from a `body` of the whole
/// training set (a chunk's, or the top node's of a proof tree):
/// - proven training (`model` is `None`): the dataset words, then the run's commitments
///   from the body's segments ([`AggregateLayout`]);
/// - declared training (`model` is the hash's halves): the dataset words, then each half
///   as a witness range-checked to 128 bits ([`DeclaredLayout`]).
///
/// `train_root` is the body's subtree root extended to the profile's depth by `extend`.
pub(crate) fn statement(
    agg: &mut AggregationCircuit,
    profile: &Profile,
    body: &[AssignedValue<Fr>],
    model: Option<[Fr; 2]>,
    extend: impl FnOnce(
        &mut Context<Fr>,
        &PoseidonChip<GatePermutation>,
        AssignedValue<Fr>,
    ) -> AssignedValue<Fr>,
) {
    let epochs = ChunkCircuit::new(profile).epochs();
    let parsed = Body::from_words(body, epochs).expect("a body of the profile's shape");
    let range = agg.builder.range_chip();
    let chip = PoseidonChip::new(GatePermutation::new());
    let ctx = agg.builder.main(0);
    let tail = match (model, &parsed.training) {
        (None, Some(t)) => run_commitments(
            ctx,
            range.gate(),
            &chip,
            &profile.training,
            t.lr,
            parsed.n,
            &t.w_in,
            &t.w_out,
        )
        .to_vec(),
        (Some(halves), None) => model_hash_cells(ctx, &range, halves).to_vec(),
        _ => panic!("a proven aggregation takes no model hash, a declared one needs one"),
    };
    let train_root = extend(ctx, &chip, parsed.root);
    let out = &mut agg.builder.assigned_instances[0];
    debug_assert_eq!(out.len(), AggregateLayout::DATASET);
    out.extend_from_slice(&body[..DatasetLayout::LEN]);
    out[AggregateLayout::TRAIN_ROOT] = train_root;
    out.extend(tail);
    debug_assert_eq!(out.len(), instances_len(profile.kind));
}

/// The model hash's halves an aggregation takes (`None` for proven training), or an error
/// if the inner proof's kind is not the profile's.
pub(crate) fn model_words(
    profile: &Profile,
    model: Option<ContentHash>,
) -> Result<Option<[Fr; 2]>, Error> {
    let kind = if model.is_some() { TrainingKind::Declared } else { TrainingKind::Proven };
    if kind != profile.kind {
        return Err(Error::Kind { profile: profile.name, kind: profile.kind });
    }
    Ok(model.map(|m| {
        let (hi, lo) = m.to_fields();
        [hi, lo]
    }))
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

/// Generates the aggregation keys of a `profile` (its kind and depths) for its chunk
/// circuit's verifying key and params. Only the chunk key's shape matters, so this
/// aggregates a shape-only placeholder proof and proves nothing.
///
/// `params` are the aggregation's (2^`k` rows), from the same SRS as the chunk's.
pub fn keygen(
    params: &ParamsKZG<Bn256>,
    profile: &Profile,
    chunk: (&ParamsKZG<Bn256>, &VerifyingKey<G1Affine>),
) -> Result<AggregateKeys, Error> {
    let snark =
        gen_dummy_snark_from_vk::<SHPLONK>(chunk.0, chunk.1, vec![chunk_len(profile)], None);
    let mut agg = AggregationCircuit::new::<SHPLONK>(
        CircuitBuilderStage::Keygen,
        start_config(params),
        params,
        [snark],
        VerifierUniversality::None,
    );
    lay_out(&mut agg, profile, shape_model(profile));
    keygen_circuit(params, agg)
}

/// The configuration an aggregation's layout is computed from: the params' `k`, lookups
/// of `k − 1` bits.
pub(crate) fn start_config(params: &ParamsKZG<Bn256>) -> AggregationConfigParams {
    let k = params.k();
    AggregationConfigParams { degree: k, lookup_bits: k as usize - 1, ..Default::default() }
}

/// A model hash for key generation (declared training), which only its shape matters to.
pub(crate) fn shape_model(profile: &Profile) -> Option<[Fr; 2]> {
    match profile.kind {
        TrainingKind::Proven => None,
        TrainingKind::Declared => Some([Fr::ZERO; 2]),
    }
}

/// The keys of an aggregation laid out at the key-generation stage, in the configuration
/// its layout needs.
pub(crate) fn keygen_circuit(
    params: &ParamsKZG<Bn256>,
    mut agg: AggregationCircuit,
) -> Result<AggregateKeys, Error> {
    let config = agg.calculate_params(Some(BLINDING_ROWS));
    let vk = keygen_vk(params, &agg)?;
    let pk = keygen_pk(params, vk, &agg)?;
    let break_points = agg.break_points();
    Ok(AggregateKeys { key: HeldKey::Proving(pk), config, break_points })
}

/// Aggregates the inner proofs into one EVM-verifiable proof, under keys made for their
/// kind.
pub fn prove(
    params: &ParamsKZG<Bn256>,
    keys: &AggregateKeys,
    profile: &Profile,
    inner: Inner,
) -> Result<AggregateProof, Error> {
    let (chunk, model) = match inner {
        Inner::Proven { chunk } => (chunk, None),
        Inner::Declared { chunk, model } => (chunk, Some(model)),
    };
    let model = model_words(profile, model)?;
    let expected = chunk_len(profile);
    let got = chunk.instances.first().map_or(0, Vec::len);
    if got != expected {
        return Err(Error::ChunkShape { expected, got });
    }
    let mut agg = AggregationCircuit::new::<SHPLONK>(
        CircuitBuilderStage::Prover,
        keys.config,
        params,
        [chunk],
        VerifierUniversality::None,
    )
    .use_break_points(keys.break_points.clone());
    lay_out(&mut agg, profile, model);
    prove_evm(params, keys, agg)
}

/// Proves a laid-out aggregation with the Keccak transcript the EVM verifier reads.
pub(crate) fn prove_evm(
    params: &ParamsKZG<Bn256>,
    keys: &AggregateKeys,
    agg: AggregationCircuit,
) -> Result<AggregateProof, Error> {
    let instances = agg.instances();
    let mut transcript =
        <EvmTranscript<G1Affine, NativeLoader, Vec<u8>, Vec<u8>> as TranscriptWriterBuffer<
            _,
            G1Affine,
            _,
        >>::init(Vec::new());
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
        params,
        keys.key.pk("final proof's")?,
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
    let mut transcript =
        EvmTranscript::<G1Affine, NativeLoader, &[u8], Vec<u8>>::new(proof.proof.as_slice());
    crate::kzg::verify_aggregation(params, &protocol, &proof.instances, &mut transcript)
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
