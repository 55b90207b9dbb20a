//! The proof tree's nodes (issue 17; design in `docs/proof-tree-plan.md`): an aggregation
//! of two child proofs at a height `h ≥ 1`, whose public words are the merged body of its
//! children (`lineage_circuits::tree::merge`) after its own folded accumulator.
//!
//! - At height 1 the children are chunk proofs (`lineage_circuits::chunk`); above, node
//!   proofs of height `h − 1`, whose accumulators the node folds into its own (they are
//!   compiled with the aggregation's accumulator indices, so their deferred pairing is
//!   checked, never taken as ordinary words).
//! - A node without a right subtree verifies its left child twice with `pad` set.
//! - Node proofs use the Poseidon transcript (a parent verifies them in-circuit); only the
//!   root, which the EVM verifies, uses Keccak.
//! - A node's key fixes its height (the child capacity and the empty subtree it pads with)
//!   and its children's verifying key (loaded as constants): one key per height.

use crate::{kzg, Error};
use halo2_base::{
    gates::{circuit::CircuitBuilderStage, flex_gate::MultiPhaseThreadBreakPoints, GateChip},
    halo2_proofs::{
        halo2curves::bn256::{Bn256, Fr, G1Affine},
        plonk::{create_proof, keygen_pk, keygen_vk, ProvingKey, VerifyingKey},
        poly::{
            commitment::Params,
            kzg::{
                commitment::{KZGCommitmentScheme, ParamsKZG},
                multiopen::ProverSHPLONK,
            },
        },
    },
};
use lineage_circuits::{
    chunk::ChunkCircuit,
    circuit::BLINDING_ROWS,
    layout::ACCUMULATOR_LEN,
    poseidon::GatePermutation,
    tree::{merge, Body, Level},
    PoseidonChip, Profile,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use snark_verifier_sdk::{
    halo2::{
        aggregation::{AggregationCircuit, AggregationConfigParams, VerifierUniversality},
        PoseidonTranscript, POSEIDON_SPEC,
    },
    snark_verifier::system::halo2::{compile, Config},
    CircuitExt, NativeLoader, Snark, SHPLONK,
};

/// A node height's proving key with the layout pinned at key generation.
#[derive(Debug)]
pub struct NodeKeys {
    /// The node's height (1: chunk children).
    pub height: u32,
    /// The proving key (it holds the verifying key).
    pub pk: ProvingKey<G1Affine>,
    /// Column configuration (one for every height of a profile).
    pub config: AggregationConfigParams,
    /// Where the witness breaks across columns.
    pub break_points: MultiPhaseThreadBreakPoints,
}

impl NodeKeys {
    /// The verifying key.
    pub fn vk(&self) -> &VerifyingKey<G1Affine> {
        self.pk.get_vk()
    }
}

/// What a node of `height` fixes about its children.
pub fn level(profile: &Profile, height: u32) -> Level {
    assert!(height >= 1, "nodes start at height 1");
    Level {
        child_capacity: (profile.records as u64) << (height - 1),
        child_height: profile.chunk_depth() + height - 1,
    }
}

/// The public words of a node proof: its accumulator, then a body.
pub fn node_len(profile: &Profile) -> usize {
    ACCUMULATOR_LEN + ChunkCircuit::new(profile).instances_len()
}

/// A node proof as its parent verifies it: compiled with the accumulator indices.
pub fn node_snark(
    params: &ParamsKZG<Bn256>,
    vk: &VerifyingKey<G1Affine>,
    proof: Vec<u8>,
    instances: Vec<Fr>,
) -> Snark {
    let protocol = compile(
        params,
        vk,
        Config::kzg()
            .with_num_instance(vec![instances.len()])
            .with_accumulator_indices(AggregationCircuit::accumulator_indices()),
    );
    Snark::new(protocol, vec![instances], proof)
}

/// The merged body after the folded accumulator. Must run identically at key generation
/// and proving (`pad` only changes a witness).
fn lay_out(agg: &mut AggregationCircuit, profile: &Profile, height: u32, pad: bool) {
    let prev = agg.previous_instances().clone();
    let [a, b] = prev.as_slice() else { panic!("a node verifies two proofs") };
    // A node child's first words are its old accumulator, folded, not merged.
    let skip = if height == 1 { 0 } else { ACCUMULATOR_LEN };
    let epochs = ChunkCircuit::new(profile).epochs();
    let body = |words: &[_]| Body::from_words(&words[skip..], epochs).expect("a child body");
    let (a, b) = (body(a), body(b));
    let gate = GateChip::<Fr>::default();
    let chip = PoseidonChip::new(GatePermutation::new());
    let ctx = agg.builder.main(0);
    let pad = ctx.load_witness(Fr::from(u64::from(pad)));
    let merged = merge(ctx, &gate, &chip, level(profile, height), &a, &b, pad);
    agg.builder.assigned_instances[0].extend(merged.words());
}

fn circuit(
    stage: CircuitBuilderStage,
    config: AggregationConfigParams,
    params: &ParamsKZG<Bn256>,
    profile: &Profile,
    height: u32,
    left: Snark,
    right: Option<Snark>,
) -> AggregationCircuit {
    let pad = right.is_none();
    let right = right.unwrap_or_else(|| left.clone());
    let mut agg = AggregationCircuit::new::<SHPLONK>(
        stage,
        config,
        params,
        [left, right],
        VerifierUniversality::None,
    );
    lay_out(&mut agg, profile, height, pad);
    agg
}

/// Generates the keys of a node of `height` whose children are proofs like `child` (a
/// real or shape-only proof of the child key). With `pinned`, the node is laid out in that
/// configuration (every height of a profile shares one, so a root can verify any height);
/// without, the configuration is computed and returned in the keys.
pub fn keygen(
    params: &ParamsKZG<Bn256>,
    profile: &Profile,
    height: u32,
    child: Snark,
    pinned: Option<AggregationConfigParams>,
) -> Result<NodeKeys, Error> {
    let k = params.k();
    let start = pinned.unwrap_or(AggregationConfigParams {
        degree: k,
        lookup_bits: k as usize - 1,
        ..Default::default()
    });
    let mut agg = circuit(CircuitBuilderStage::Keygen, start, params, profile, height, child, None);
    let config = match pinned {
        Some(c) => c,
        None => agg.calculate_params(Some(BLINDING_ROWS)),
    };
    let vk = keygen_vk(params, &agg)?;
    let pk = keygen_pk(params, vk, &agg)?;
    let break_points = agg.break_points();
    Ok(NodeKeys { height, pk, config, break_points })
}

/// Proves a node over `left` and `right` (`None`: no right subtree), with the Poseidon
/// transcript. The children are not verified natively first yet: a malformed child proof
/// panics in snark-verifier-sdk's reader (`aggregate_snarks` unwraps); the task runner
/// (plan step S8) will verify children before proving.
pub fn prove(
    params: &ParamsKZG<Bn256>,
    keys: &NodeKeys,
    profile: &Profile,
    left: Snark,
    right: Option<Snark>,
) -> Result<Snark, Error> {
    let agg = circuit(
        CircuitBuilderStage::Prover,
        keys.config,
        params,
        profile,
        keys.height,
        left,
        right,
    )
    .use_break_points(keys.break_points.clone());
    let instances = agg.instances();
    let mut transcript =
        PoseidonTranscript::<NativeLoader, Vec<u8>>::from_spec(vec![], POSEIDON_SPEC.clone());
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
    Ok(node_snark(params, keys.vk(), proof, instances))
}

/// Whether a node proof verifies under `vk` (the KZG opening only; its accumulator is
/// decided where the tree ends, as the root's verifier does).
pub fn verify(params: &ParamsKZG<Bn256>, vk: &VerifyingKey<G1Affine>, node: &Snark) -> bool {
    node.instances.first().is_some_and(|words| kzg::verify(params, vk, &node.proof, words))
}
