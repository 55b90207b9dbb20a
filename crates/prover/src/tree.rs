//! The proof tree's nodes (issue 17; design in `docs/proof-tree-plan.md`): aggregations of
//! two child proofs whose public words are the merged body of their children
//! (`lineage_circuits::tree::merge`) after the node's own folded accumulator, then the
//! node's height and a verifying-key digest ([`NodeLayout`]).
//!
//! Two keys serve every height of a profile's tree ([`TreeKeys`]):
//! - **the leaf key** (height 1) verifies two chunk proofs under the chunk key, loaded as
//!   constants. It exposes height 1 and key digest 0.
//! - **the inner key** (every height `h ≥ 2`) verifies two node proofs with their keys
//!   loaded as witnesses (`VerifierUniversality::PreprocessedAsWitness`). Its height is its
//!   children's plus one, within `2..=max_height`, and selects its level from constant
//!   tables. At height 2 its children must have been verified under the leaf key (a
//!   constant digest); above, under the key whose digest the node exposes, which its
//!   children must expose too (`lineage_circuits::tree::bind_inner_child`). The root fixes
//!   that digest to the inner key's, so by induction every node was verified under the
//!   profile's keys. A tree of any height up to `train_depth − chunk_depth` thus needs two
//!   node keys, not one per height, and a root table of two digests.
//!
//! Both node keys are laid out in one configuration (columns, lookup bits), found at key
//! generation, so that their proofs have one shape: an inner node, and the root, verify
//! either kind with the key as a witness. [`keygen`] checks that their compiled protocols
//! differ only in the key itself.
//!
//! A node without a right subtree verifies its left child twice with `pad` set. Node
//! proofs use the Poseidon transcript (a parent verifies them in-circuit); only the root,
//! which the EVM verifies, uses Keccak. Children are verified natively before a node is
//! proven, under the key their position requires, so a bad child is an error, not a panic
//! in snark-verifier-sdk or an unsatisfied proof.

use crate::{
    aggregate::{self, start_config, AggregateKeys, AggregateProof, HeldKey},
    kzg, Error,
};
use halo2_base::{
    gates::{
        circuit::CircuitBuilderStage, flex_gate::MultiPhaseThreadBreakPoints, GateChip,
        GateInstructions,
    },
    halo2_proofs::{
        arithmetic::CurveAffine,
        halo2curves::bn256::{Bn256, Fr, G1Affine},
        halo2curves::ff::Field as _,
        plonk::{create_proof, keygen_pk, keygen_vk, VerifyingKey},
        poly::kzg::{
            commitment::{KZGCommitmentScheme, ParamsKZG},
            multiopen::ProverSHPLONK,
        },
    },
    utils::{decompose_biguint, fe_to_biguint},
    AssignedValue,
    QuantumCell::Constant,
};
use lineage_circuits::{
    chunk::ChunkCircuit,
    circuit::BLINDING_ROWS,
    layout::{BodyLayout, NodeLayout},
    poseidon::GatePermutation,
    tree::{
        bind_inner_child, bind_root_child, extend_root_from, merge, vk_digest as vk_digest_cells,
        Body, Height, Level, NodeTail,
    },
    PoseidonChip, Profile,
};
use lineage_core::{
    poseidon::{self, Domain},
    record::ContentHash,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use snark_verifier_sdk::{
    halo2::{
        aggregation::{AggregationCircuit, AggregationConfigParams, VerifierUniversality},
        gen_dummy_snark_from_vk, PoseidonTranscript, POSEIDON_SPEC,
    },
    snark_verifier::system::halo2::{compile, Config},
    CircuitExt, NativeLoader, Snark, BITS, LIMBS, SHPLONK,
};

/// The two kinds of node key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// Height 1: two chunk proofs.
    Leaf,
    /// Every height above 1: two node proofs.
    Inner,
}

/// A node key with the layout pinned at key generation.
#[derive(Debug)]
pub struct NodeKeys {
    /// Which node key.
    pub kind: NodeKind,
    /// The proving key, or its verifying key alone.
    pub key: HeldKey,
    /// Column configuration (the same for both kinds of a profile).
    pub config: AggregationConfigParams,
    /// Where the witness breaks across columns.
    pub break_points: MultiPhaseThreadBreakPoints,
}

impl NodeKeys {
    /// The verifying key.
    pub fn vk(&self) -> &VerifyingKey<G1Affine> {
        self.key.vk()
    }
}

/// A profile's two node keys and their digests (what an inner node and the root check
/// their children's keys against).
#[derive(Debug)]
pub struct TreeKeys {
    /// The height-1 key.
    pub leaf: NodeKeys,
    /// The key of every height above 1.
    pub inner: NodeKeys,
    /// `[digest(leaf vk), digest(inner vk)]`.
    pub digests: [Fr; 2],
}

/// A proof as the tree passes it between tasks: its public words and bytes. Its protocol is
/// always recompiled from the key its position requires, never taken from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// The public words.
    pub instances: Vec<Fr>,
    /// The proof bytes (Poseidon transcript).
    pub proof: Vec<u8>,
}

/// The highest node of a profile's tree: `train_depth − chunk_depth` (the chunks of
/// `max_records` records under one node).
pub fn max_height(profile: &Profile) -> u32 {
    profile.train_depth() - profile.chunk_depth()
}

fn epochs(profile: &Profile) -> Option<usize> {
    ChunkCircuit::new(profile).epochs()
}

/// The number of public words of a node proof.
pub fn node_len(profile: &Profile) -> usize {
    NodeLayout::len(epochs(profile))
}

/// A node proof's height (its word), if it has a node's shape.
pub fn height_of(profile: &Profile, node: &Proof) -> Option<u64> {
    if node.instances.len() != node_len(profile) {
        return None;
    }
    let word = node.instances[NodeLayout::height(epochs(profile))];
    (1..=u64::from(max_height(profile))).find(|h| Fr::from(*h) == word)
}

/// A node's body (its words after the accumulator).
pub fn body_of(profile: &Profile, node: &Proof) -> Option<Body<Fr>> {
    let e = epochs(profile);
    (node.instances.len() == node_len(profile))
        .then(|| Body::from_words(&node.instances[NodeLayout::BODY..NodeLayout::height(e)], e))?
}

/// A node proof as its parent verifies it: compiled with the accumulator indices.
fn node_snark(params: &ParamsKZG<Bn256>, vk: &VerifyingKey<G1Affine>, node: &Proof) -> Snark {
    let protocol = compile(
        params,
        vk,
        Config::kzg()
            .with_num_instance(vec![node.instances.len()])
            .with_accumulator_indices(AggregationCircuit::accumulator_indices()),
    );
    Snark::new(protocol, vec![node.instances.clone()], node.proof.clone())
}

/// The digest of a verifying key as a node loads it as a witness: its preprocessed
/// commitments' coordinates as `LIMBS` limbs of `BITS` bits, then its transcript's initial
/// state, hashed in `Domain::VerifyingKey` (`lineage_circuits::tree::vk_digest`).
pub fn vk_digest(params: &ParamsKZG<Bn256>, vk: &VerifyingKey<G1Affine>) -> Fr {
    let protocol = compile(params, vk, Config::kzg().with_num_instance(vec![0]));
    let mut limbs = Vec::new();
    for point in &protocol.preprocessed {
        let c = point.coordinates().expect("a commitment is not the identity");
        for coordinate in [c.x(), c.y()] {
            limbs.extend(decompose_biguint::<Fr>(&fe_to_biguint(coordinate), LIMBS, BITS));
        }
    }
    limbs.extend(protocol.transcript_initial_state);
    poseidon::hash(Domain::VerifyingKey, &limbs)
}

/// What a node circuit verifies, with the constants and witnesses that are not words.
#[derive(Clone, Copy, Debug)]
enum Children {
    /// Chunk proofs (the leaf key).
    Chunks,
    /// Node proofs (the inner key): the leaf key's digest (a constant) and the inner key's
    /// (a witness, exposed).
    Nodes { leaf_vk: Fr, own_vk: Fr },
}

/// The merged body, then the node's height and key digest, after the folded accumulator.
/// Runs identically at key generation and proving (`pad` and `own_vk` only change
/// witnesses). Returns the digests of the children's keys as loaded (inner key), for a
/// check before proving.
fn lay_out(
    agg: &mut AggregationCircuit,
    profile: &Profile,
    children: Children,
    pad: bool,
) -> Vec<AssignedValue<Fr>> {
    let prev = agg.previous_instances().clone();
    let [a, b] = prev.as_slice() else { panic!("a node verifies two proofs") };
    let keys: Vec<_> = agg.preprocessed().iter().map(|p| p.preprocessed.clone()).collect();
    let e = epochs(profile);
    let gate = GateChip::<Fr>::default();
    let chip = PoseidonChip::new(GatePermutation::new());
    let ctx = agg.builder.main(0);
    let pad = ctx.load_witness(Fr::from(u64::from(pad)));
    let body = |words: &[_], at| Body::from_words(&words[at..at + BodyLayout::len(e)], e);
    let (merged, tail, digests) = match children {
        Children::Chunks => {
            let (a, b) = (body(a, 0), body(b, 0));
            let (a, b) = (a.expect("a chunk body"), b.expect("a chunk body"));
            let level = Level::of(profile.chunk_depth(), 1).assign(ctx);
            let merged = merge(ctx, &gate, &chip, &level, &a, &b, pad);
            let tail = NodeTail { height: ctx.load_constant(Fr::ONE), vk: ctx.load_zero() };
            (merged, tail, vec![])
        }
        Children::Nodes { leaf_vk, own_vk } => {
            let at = NodeLayout::BODY;
            let (ba, bb) = (body(a, at).expect("a node body"), body(b, at).expect("a node body"));
            let tail_of = |w: &[AssignedValue<Fr>]| NodeTail {
                height: w[NodeLayout::height(e)],
                vk: w[NodeLayout::vk(e)],
            };
            let value = gate.add(ctx, a[NodeLayout::height(e)], Constant(Fr::ONE));
            let height = Height::new(ctx, &gate, value, 2, max_height(profile));
            let level = height.level(ctx, &gate, profile.chunk_depth());
            let merged = merge(ctx, &gate, &chip, &level, &ba, &bb, pad);
            let own = ctx.load_witness(own_vk);
            let mut digests = Vec::with_capacity(2);
            for (words, limbs) in [a, b].into_iter().zip(&keys) {
                let digest = vk_digest_cells(ctx, &gate, &chip, limbs);
                bind_inner_child(ctx, &gate, &height, own, leaf_vk, &tail_of(words), digest);
                digests.push(digest);
            }
            (merged, NodeTail { height: value, vk: own }, digests)
        }
    };
    let out = &mut agg.builder.assigned_instances[0];
    out.extend(merged.words());
    out.extend([tail.height, tail.vk]);
    debug_assert_eq!(out.len(), node_len(profile));
    digests
}

/// A node circuit over `left` and `right` (`None`: the left verified twice, padded).
#[allow(clippy::too_many_arguments)]
fn circuit(
    stage: CircuitBuilderStage,
    config: AggregationConfigParams,
    params: &ParamsKZG<Bn256>,
    profile: &Profile,
    children: Children,
    left: Snark,
    right: Option<Snark>,
) -> (AggregationCircuit, Vec<AssignedValue<Fr>>) {
    let pad = right.is_none();
    let right = right.unwrap_or_else(|| left.clone());
    let universality = match children {
        Children::Chunks => VerifierUniversality::None,
        Children::Nodes { .. } => VerifierUniversality::PreprocessedAsWitness,
    };
    let mut agg =
        AggregationCircuit::new::<SHPLONK>(stage, config, params, [left, right], universality);
    let digests = lay_out(&mut agg, profile, children, pad);
    (agg, digests)
}

/// The keys of one node kind laid out in `config`.
fn keygen_kind(
    params: &ParamsKZG<Bn256>,
    profile: &Profile,
    children: Children,
    child: Snark,
    config: AggregationConfigParams,
) -> Result<NodeKeys, Error> {
    let (agg, _) =
        circuit(CircuitBuilderStage::Keygen, config, params, profile, children, child, None);
    let vk = keygen_vk(params, &agg)?;
    let pk = keygen_pk(params, vk, &agg)?;
    let kind = match children {
        Children::Chunks => NodeKind::Leaf,
        Children::Nodes { .. } => NodeKind::Inner,
    };
    Ok(NodeKeys { kind, key: HeldKey::Proving(pk), config, break_points: agg.break_points() })
}

/// A shape-only node proof of `vk` (it does not verify): what key generation aggregates.
fn dummy_node(params: &ParamsKZG<Bn256>, profile: &Profile, vk: &VerifyingKey<G1Affine>) -> Snark {
    gen_dummy_snark_from_vk::<SHPLONK>(
        params,
        vk,
        vec![node_len(profile)],
        AggregationCircuit::accumulator_indices(),
    )
}

/// Generates a profile's two node keys over its chunk key (`chunk`: the chunk's params and
/// verifying key), in one configuration: the inner key's, the larger circuit. The inner
/// circuit's size depends a little on its children's shape, which is the configuration
/// itself, so the leaf is laid out in the inner configuration found for the previous leaf
/// shape until the two agree (twice in practice). The search needs only layouts and the
/// leaf's verifying key; the proving keys are made once, in the configuration it settles
/// on. Fails if their compiled protocols differ in more than the key.
pub fn keygen(
    params: &ParamsKZG<Bn256>,
    profile: &Profile,
    chunk: (&ParamsKZG<Bn256>, &VerifyingKey<G1Affine>),
) -> Result<TreeKeys, Error> {
    let chunk_len = ChunkCircuit::new(profile).instances_len();
    let chunk_dummy = gen_dummy_snark_from_vk::<SHPLONK>(chunk.0, chunk.1, vec![chunk_len], None);
    // The leaf's verifying key in `config` (`None`: its own configuration).
    let leaf_shape = |config: Option<AggregationConfigParams>| {
        let start = config.unwrap_or_else(|| start_config(params));
        let (mut leaf, _) = circuit(
            CircuitBuilderStage::Keygen,
            start,
            params,
            profile,
            Children::Chunks,
            chunk_dummy.clone(),
            None,
        );
        if config.is_none() {
            leaf.calculate_params(Some(BLINDING_ROWS));
        }
        keygen_vk(params, &leaf)
    };
    // The inner configuration over children of the `leaf` key's shape (a layout, no key).
    let inner_config = |leaf: &VerifyingKey<G1Affine>| {
        let children = Children::Nodes { leaf_vk: vk_digest(params, leaf), own_vk: Fr::ZERO };
        let child = dummy_node(params, profile, leaf);
        let stage = CircuitBuilderStage::Keygen;
        let (mut inner, _) =
            circuit(stage, start_config(params), params, profile, children, child, None);
        inner.calculate_params(Some(BLINDING_ROWS))
    };
    let mut config = inner_config(&leaf_shape(None)?);
    for _ in 0..3 {
        let next = inner_config(&leaf_shape(Some(config))?);
        if !same_config(&next, &config) {
            config = next;
            continue;
        }
        let leaf = keygen_kind(params, profile, Children::Chunks, chunk_dummy, config)?;
        let leaf_vk = vk_digest(params, leaf.vk());
        let children = Children::Nodes { leaf_vk, own_vk: Fr::ZERO };
        let child = dummy_node(params, profile, leaf.vk());
        let inner = keygen_kind(params, profile, children, child, config)?;
        same_shape(params, profile, leaf.vk(), inner.vk())?;
        let digests = [leaf_vk, vk_digest(params, inner.vk())];
        return Ok(TreeKeys { leaf, inner, digests });
    }
    Err(Error::TreeShape("the node configurations did not settle".into()))
}

fn same_config(a: &AggregationConfigParams, b: &AggregationConfigParams) -> bool {
    (a.degree, a.num_advice, a.num_lookup_advice, a.num_fixed, a.lookup_bits)
        == (b.degree, b.num_advice, b.num_lookup_advice, b.num_fixed, b.lookup_bits)
}

/// Fails unless the two node keys compile to one protocol up to the key itself
/// (`preprocessed` and `transcript_initial_state`): what loading a key as a witness needs.
fn same_shape(
    params: &ParamsKZG<Bn256>,
    profile: &Profile,
    leaf: &VerifyingKey<G1Affine>,
    inner: &VerifyingKey<G1Affine>,
) -> Result<(), Error> {
    let shape = |vk| {
        let mut p = dummy_node(params, profile, vk).protocol;
        p.preprocessed.clear();
        p.transcript_initial_state = None;
        serde_json::to_value(&p).map_err(Error::json)
    };
    if shape(leaf)? != shape(inner)? {
        return Err(Error::TreeShape("the leaf and inner node keys differ in shape".into()));
    }
    Ok(())
}

/// Proves a height-1 node over two chunk proofs (`right` `None`: no right subtree), each
/// first verified natively under the chunk key (`chunk`: its params and verifying key).
pub fn prove_leaf(
    params: &ParamsKZG<Bn256>,
    keys: &TreeKeys,
    profile: &Profile,
    chunk: (&ParamsKZG<Bn256>, &VerifyingKey<G1Affine>),
    left: &Proof,
    right: Option<&Proof>,
) -> Result<Proof, Error> {
    let expected = ChunkCircuit::new(profile).instances_len();
    let snark = |side, p: &Proof| {
        if p.instances.len() != expected {
            return Err(Error::ChunkShape { expected, got: p.instances.len() });
        }
        if !kzg::verify(chunk.0, chunk.1, &p.proof, &p.instances) {
            return Err(child(side, "does not verify under the chunk key"));
        }
        Ok(kzg::snark(chunk.0, chunk.1, p.proof.clone(), p.instances.clone()))
    };
    let left = snark("left", left)?;
    let right = right.map(|r| snark("right", r)).transpose()?;
    prove_node(params, &keys.leaf, profile, Children::Chunks, left, right)
}

/// Proves a node at height `h ≥ 2` over two node proofs of height `h − 1` (`right` `None`:
/// no right subtree), each first verified natively under the key of its height.
pub fn prove_inner(
    params: &ParamsKZG<Bn256>,
    keys: &TreeKeys,
    profile: &Profile,
    left: &Proof,
    right: Option<&Proof>,
) -> Result<Proof, Error> {
    let h = height_of(profile, left).ok_or_else(|| child("left", "is not a node proof"))?;
    if h >= u64::from(max_height(profile)) {
        return Err(child("left", "is at the tree's top height already"));
    }
    let vk = if h == 1 { keys.leaf.vk() } else { keys.inner.vk() };
    let snark = |side, p: &Proof| {
        if height_of(profile, p) != Some(h) {
            return Err(child(side, "is not a node proof of its sibling's height"));
        }
        if !verify(params, vk, p) {
            return Err(child(side, "does not verify under the node key of its height"));
        }
        Ok(node_snark(params, vk, p))
    };
    let left = snark("left", left)?;
    let right = right.map(|r| snark("right", r)).transpose()?;
    let children = Children::Nodes { leaf_vk: keys.digests[0], own_vk: keys.digests[1] };
    prove_node(params, &keys.inner, profile, children, left, right)
}

fn child(side: &'static str, what: &str) -> Error {
    Error::Child { side, what: what.to_owned() }
}

fn prove_node(
    params: &ParamsKZG<Bn256>,
    keys: &NodeKeys,
    profile: &Profile,
    children: Children,
    left: Snark,
    right: Option<Snark>,
) -> Result<Proof, Error> {
    let stage = CircuitBuilderStage::Prover;
    let (agg, digests) = circuit(stage, keys.config, params, profile, children, left, right);
    let agg = agg.use_break_points(keys.break_points.clone());
    if let Children::Nodes { leaf_vk, own_vk } = children {
        // The children were verified under the key of their height: the digests loaded in
        // the circuit must be that key's, or the proof would not verify.
        for (side, d) in ["left", "right"].into_iter().zip(digests) {
            if ![leaf_vk, own_vk].contains(d.value()) {
                return Err(child(side, "was loaded with a key digest of no node key"));
            }
        }
    }
    let instances = agg.instances();
    let mut transcript =
        PoseidonTranscript::<NativeLoader, Vec<u8>>::from_spec(vec![], POSEIDON_SPEC.clone());
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
        params,
        keys.key.pk(match keys.kind {
            NodeKind::Leaf => "leaf node",
            NodeKind::Inner => "inner node",
        })?,
        &[agg],
        &[&[&instances[0]]],
        ChaCha20Rng::from_entropy(),
        &mut transcript,
    )?;
    let node = Proof {
        instances: instances.into_iter().next().unwrap_or_default(),
        proof: transcript.finalize(),
    };
    if !verify(params, keys.vk(), &node) {
        return Err(Error::TreeShape("a node proof that does not verify".into()));
    }
    Ok(node)
}

/// The root's statement over its one child, a node of any height (its key a witness):
/// the child is bound to the profile's node keys (`lineage_circuits::tree::bind_root_child`),
/// its subtree root is extended from its height to `train_depth`, and its body becomes the
/// attestation's words as a single aggregation's would ([`aggregate::statement`]). Returns
/// the digest of the child's key as loaded.
fn root_lay_out(
    agg: &mut AggregationCircuit,
    profile: &Profile,
    digests: [Fr; 2],
    model: Option<[Fr; 2]>,
) -> AssignedValue<Fr> {
    let prev = agg.previous_instances().clone();
    let [words] = prev.as_slice() else { panic!("a root verifies one node proof") };
    let limbs = agg.preprocessed()[0].preprocessed.clone();
    let e = epochs(profile);
    let gate = GateChip::<Fr>::default();
    let chip = PoseidonChip::new(GatePermutation::new());
    let ctx = agg.builder.main(0);
    let tail = NodeTail { height: words[NodeLayout::height(e)], vk: words[NodeLayout::vk(e)] };
    let height = Height::new(ctx, &gate, tail.height, 1, max_height(profile));
    let digest = vk_digest_cells(ctx, &gate, &chip, &limbs);
    bind_root_child(ctx, &gate, &height, digests, &tail, digest);
    let body = &words[NodeLayout::BODY..NodeLayout::height(e)];
    let (c, d) = (profile.chunk_depth(), profile.train_depth());
    aggregate::statement(agg, profile, body, model, |ctx, chip, root| {
        extend_root_from(ctx, &gate, chip, root, &height, c, d)
    });
    digest
}

/// The root's keys: one per profile, over a node of any height of its tree (`keys`), its
/// proofs verified by the EVM like a single aggregation's and with the same public words.
pub fn keygen_root(
    params: &ParamsKZG<Bn256>,
    profile: &Profile,
    keys: &TreeKeys,
) -> Result<AggregateKeys, Error> {
    let mut agg = AggregationCircuit::new::<SHPLONK>(
        CircuitBuilderStage::Keygen,
        start_config(params),
        params,
        [dummy_node(params, profile, keys.inner.vk())],
        VerifierUniversality::PreprocessedAsWitness,
    );
    root_lay_out(&mut agg, profile, keys.digests, aggregate::shape_model(profile));
    aggregate::keygen_circuit(params, agg)
}

/// Proves the root over the tree's top node (`model`: the model file's hash, for declared
/// training), first verifying the node natively under the key of its height. The proof
/// verifies with [`aggregate::verify`] and the root key's generated verifier.
pub fn prove_root(
    params: &ParamsKZG<Bn256>,
    root: &AggregateKeys,
    keys: &TreeKeys,
    profile: &Profile,
    top: &Proof,
    model: Option<ContentHash>,
) -> Result<AggregateProof, Error> {
    let model = aggregate::model_words(profile, model)?;
    let h = height_of(profile, top).ok_or_else(|| child("top", "is not a node proof"))?;
    let vk = if h == 1 { keys.leaf.vk() } else { keys.inner.vk() };
    if !verify(params, vk, top) {
        return Err(child("top", "does not verify under the node key of its height"));
    }
    let mut agg = AggregationCircuit::new::<SHPLONK>(
        CircuitBuilderStage::Prover,
        root.config,
        params,
        [node_snark(params, vk, top)],
        VerifierUniversality::PreprocessedAsWitness,
    )
    .use_break_points(root.break_points.clone());
    let digest = root_lay_out(&mut agg, profile, keys.digests, model);
    if !keys.digests.contains(digest.value()) {
        return Err(child("top", "was loaded with a key digest of no node key"));
    }
    aggregate::prove_evm(params, root, agg)
}

/// Whether a node proof verifies under `vk`: its KZG opening and the accumulator it
/// carries (its children's, folded), decided natively.
pub fn verify(params: &ParamsKZG<Bn256>, vk: &VerifyingKey<G1Affine>, node: &Proof) -> bool {
    let snark = node_snark(params, vk, node);
    kzg::verify_aggregation(
        params,
        &snark.protocol,
        &node.instances,
        &mut PoseidonTranscript::<NativeLoader, &[u8]>::from_spec(
            node.proof.as_slice(),
            POSEIDON_SPEC.clone(),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_tree_reaches_the_training_depth() {
        let p = lineage_circuits::profile::DEMO_DECLARED;
        assert_eq!(max_height(&p), 20 - 6);
        let len = node_len(&p);
        let mut node = Proof { instances: vec![Fr::ZERO; len], proof: vec![] };
        assert_eq!(height_of(&p, &node), None, "height 0");
        node.instances[NodeLayout::height(None)] = Fr::from(14);
        assert_eq!(height_of(&p, &node), Some(14));
        node.instances[NodeLayout::height(None)] = Fr::from(15);
        assert_eq!(height_of(&p, &node), None, "above the top");
        node.instances.pop();
        assert_eq!(body_of(&p, &node), None, "another length");
    }
}
