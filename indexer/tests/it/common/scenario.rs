//! Real Lineage activity on anvil: datasets, certifications, attestations with the
//! committed demo proof, output anchors, royalty payments and claims, revocations, and
//! declared-training attestations (on a stub verifier: see `DECLARED_PROFILE`).

use alloy::{
    network::TransactionBuilder,
    primitives::{keccak256, Address, Bytes, B256, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
    signers::{local::PrivateKeySigner, SignerSync},
    sol_types::SolCall,
};
use lineage_chain::bindings::{ILineageRegistry, LineageRegistry, RoyaltyVault};
use lineage_core::output::{OutputHash, Receipt, RECEIPT_V1};

use super::Chain;

/// The committed aggregated demo proof and its 26 public words.
pub struct DemoProof {
    pub words: Vec<U256>,
    pub proof: Bytes,
}

pub fn demo_proof() -> DemoProof {
    let path = super::root().join("contracts/test/fixtures/demo-proof.json");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let words = v["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().parse().unwrap())
        .collect();
    let proof = v["proof"].as_str().unwrap().parse().unwrap();
    DemoProof { words, proof }
}

/// What `populate` made.
pub struct World {
    /// Certified with the proof's first / second root; the third never certified; the
    /// fourth certified with a root of its own and revoked after attestation.
    pub datasets: Vec<u32>,
    /// Sorted creator accounts.
    pub creators: Vec<Address>,
    /// valid (publisher 1), revoked (publisher 2), tainted (publisher 8, on the stub
    /// profile: see `STUB_PROFILE`).
    pub models: Vec<B256>,
    /// The five outputs anchored as batch 0 of models[0].
    pub outputs: Vec<B256>,
    pub batch_root: B256,
}

/// Sends a call from `from` and waits for its receipt (automine on).
pub async fn send(
    chain: &Chain,
    from: Address,
    to: Address,
    input: Vec<u8>,
    value: U256,
    gas: Option<u64>,
) -> B256 {
    let mut tx = TransactionRequest::default()
        .with_from(from)
        .with_to(to)
        .with_input(input)
        .with_value(value);
    if let Some(gas) = gas {
        tx = tx.with_gas_limit(gas);
    }
    // Poll the receipt directly: after evm_revert the same transaction can be sent twice
    // (same sender, nonce and data), which confuses a block-watching receipt wait.
    let hash = *chain.provider.send_transaction(tx).await.unwrap().tx_hash();
    let started = std::time::Instant::now();
    let receipt = loop {
        if let Some(r) = chain.provider.get_transaction_receipt(hash).await.unwrap() {
            break r;
        }
        assert!(started.elapsed().as_secs() < 30, "no receipt for {hash}");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    };
    assert!(receipt.status(), "transaction reverted: {receipt:?}");
    receipt.transaction_hash
}

/// Sends without waiting (automine off: the transaction waits for `evm_mine`).
pub async fn submit(chain: &Chain, from: Address, to: Address, input: Vec<u8>, gas: u64) {
    let tx = TransactionRequest::default()
        .with_from(from)
        .with_to(to)
        .with_input(input)
        .with_gas_limit(gas);
    let _pending = chain.provider.send_transaction(tx).await.unwrap();
}

pub fn register_call(
    root: U256,
    leaves: u64,
    uri: &str,
    creators: &[Address],
    weights: &[u64],
) -> Vec<u8> {
    LineageRegistry::registerDatasetCall {
        root,
        leafCount: leaves,
        uri: uri.into(),
        creators: creators.to_vec(),
        weights: weights.to_vec(),
    }
    .abi_encode()
}

/// The profile whose verifier `populate` makes a stub that accepts every proof (one STOP
/// opcode, put in place with `anvil_setCode`). A root has one dataset id, forever, so a
/// model on the demo proof's datasets cannot be tainted while another on them stays valid;
/// the tainted model is attested on this profile against a dataset with a root of its own.
pub const STUB_PROFILE: u32 = 2;

/// The start the registry requires on `STUB_PROFILE` (standard: the hash of its d = 16 zero
/// weights, as `contracts/generated/PublicStart.sol` has it; the registry refuses any other).
fn stub_profile_start() -> U256 {
    let start = lineage_core::train::Weights::zeros(16).hash();
    U256::from_be_bytes(lineage_core::field::fr_to_be_bytes(&start))
}

/// `attest` on `profile` with the demo proof's words and proof, naming `ids` (on
/// `STUB_PROFILE`, from that profile's start instead of the demo's).
pub fn attest_call(p: &DemoProof, profile: u32, ids: [u32; 2]) -> Vec<u8> {
    let w = &p.words;
    let start = if profile == STUB_PROFILE { stub_profile_start() } else { w[23] };
    let request = ILineageRegistry::AttestRequest {
        profileId: profile,
        datasetIds: ids.to_vec(),
        counts: vec![w[16].to(), w[17].to()],
        trainRoot: w[20],
        licenseMask: w[21].to(),
        nRecords: w[22].to(),
        w0Hash: start,
        baseModelId: B256::ZERO,
        wHash: w[24],
        hyperHash: w[25],
        accumulator: w[..12].to_vec(),
    };
    LineageRegistry::attestCall { request, proof: p.proof.clone() }.abi_encode()
}

/// `attest` on `STUB_PROFILE` (any proof passes) of weights `w_hash` trained on `ids`, from
/// `base` (a model attested on that profile, with its weights: the training's start) or,
/// with `None`, from the profile's zero weights.
pub fn stub_attest_call(
    p: &DemoProof,
    ids: [u32; 2],
    w_hash: U256,
    base: Option<(B256, U256)>,
) -> Vec<u8> {
    let mut call = LineageRegistry::attestCall::abi_decode(&attest_call(p, STUB_PROFILE, ids))
        .expect("decode the call just encoded");
    if let Some((base, start)) = base {
        call.request.baseModelId = base;
        call.request.w0Hash = start;
    }
    call.request.wHash = w_hash;
    call.abi_encode()
}

/// A model attested on `STUB_PROFILE`: its id and weights (the start of models fine-tuned
/// from it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StubModel {
    pub id: B256,
    pub w_hash: U256,
    pub publisher: Address,
}

/// Attests `w_hash` on `STUB_PROFILE` from `publisher`, trained on `ids`, fine-tuned from
/// `base` (or from zero weights).
pub async fn attest_stub(
    chain: &Chain,
    publisher: Address,
    ids: [u32; 2],
    w_hash: u64,
    base: Option<StubModel>,
) -> StubModel {
    let w_hash = U256::from(w_hash);
    let call = stub_attest_call(&demo_proof(), ids, w_hash, base.map(|b| (b.id, b.w_hash)));
    send(chain, publisher, chain.registry, call, U256::ZERO, Some(1_500_000)).await;
    StubModel { id: model_id(publisher, w_hash), w_hash, publisher }
}

/// What `fine_tunes` made.
pub struct FineTunes {
    /// A dataset registered and certified for `root` alone.
    pub dataset: u32,
    /// Trained from zero weights on `dataset` and dataset 1.
    pub root: StubModel,
    /// `chain[0]` fine-tuned from `root`, each next one from the one before: `chain[k]` has
    /// `k + 1` bases, the last the registry's maximum (8).
    pub chain: Vec<StubModel>,
    /// Another model fine-tuned from `root`.
    pub sibling: StubModel,
    /// Trained from zero weights on datasets 1 and 2.
    pub other_root: StubModel,
    /// Fine-tuned from `other_root`.
    pub other_child: StubModel,
}

/// Fine-tuned models on `STUB_PROFILE`, after `populate`: a root base on a dataset of its
/// own with a chain of 8 fine-tuned descendants and a sibling, and a second root with one
/// child. All valid when made.
pub async fn fine_tunes(chain: &Chain) -> FineTunes {
    let a = &chain.accounts;
    let registry = LineageRegistry::new(chain.registry, &chain.provider);
    let call = register_call(U256::from(4_242_424u64), 24, "ipfs://base-data", &[a[9]], &[1]);
    send(chain, a[4], chain.registry, call, U256::ZERO, None).await;
    let dataset = registry.datasetCount().call().await.unwrap();
    let certify = LineageRegistry::certifyCall { datasetId: dataset }.abi_encode();
    send(chain, a[0], chain.registry, certify, U256::ZERO, None).await;

    let root = attest_stub(chain, a[5], [dataset, 1], 1_000, None).await;
    let mut tunes = Vec::new();
    let mut base = root;
    for k in 0..8u64 {
        let publisher = a[6 + (k as usize % 3)];
        base = attest_stub(chain, publisher, [1, 2], 1_001 + k, Some(base)).await;
        tunes.push(base);
    }
    let sibling = attest_stub(chain, a[9], [2, 1], 1_100, Some(root)).await;
    let other_root = attest_stub(chain, a[5], [1, 2], 2_000, None).await;
    let other_child = attest_stub(chain, a[6], [1, 2], 2_001, Some(other_root)).await;
    FineTunes { dataset, root, chain: tunes, sibling, other_root, other_child }
}

pub fn model_id(publisher: Address, w_hash: U256) -> B256 {
    keccak256(
        [B256::left_padding_from(publisher.as_slice()).as_slice(), &w_hash.to_be_bytes::<32>()]
            .concat(),
    )
}

pub fn output_hashes(tag: &str, n: usize) -> Vec<B256> {
    (0..n).map(|i| keccak256(format!("{tag} output {i}"))).collect()
}

/// Registers, certifies, attests, anchors, pays, claims and revokes.
pub async fn populate(chain: &Chain) -> World {
    let a = &chain.accounts;
    let (registry, vault) = (chain.registry, chain.vault);
    let p = demo_proof();
    let mut creators = vec![a[5], a[6], a[7]];
    creators.sort();
    let curator = a[4];

    let roots = [p.words[12], p.words[13], U256::from(12_345u64), U256::from(67_890u64)];
    let sets: [(&[Address], &[u64]); 4] = [
        (&[creators[0], creators[1]], &[1, 3]),
        (&[creators[2]], &[1]),
        (&[creators[0], creators[2]], &[2, 2]),
        (&[creators[1]], &[5]),
    ];
    for (i, (root, (c, w))) in roots.iter().zip(sets).enumerate() {
        send(
            chain,
            curator,
            registry,
            register_call(*root, 24, &format!("ipfs://dataset-{i}"), c, w),
            U256::ZERO,
            None,
        )
        .await;
    }
    let datasets = vec![1, 2, 3, 4];
    for id in [1u32, 2, 4] {
        send(
            chain,
            a[0],
            registry,
            LineageRegistry::certifyCall { datasetId: id }.abi_encode(),
            U256::ZERO,
            None,
        )
        .await;
    }
    let stub = Address::repeat_byte(0x57);
    chain.rpc::<()>("anvil_setCode", serde_json::json!([stub, "0x00"])).await;
    let set_stub = LineageRegistry::setVerifierCall { profileId: STUB_PROFILE, verifier: stub };
    send(chain, a[0], registry, set_stub.abi_encode(), U256::ZERO, None).await;
    let gas = Some(1_500_000);
    send(chain, a[1], registry, attest_call(&p, 1, [1, 2]), U256::ZERO, gas).await;
    send(chain, a[2], registry, attest_call(&p, 1, [1, 2]), U256::ZERO, gas).await;
    send(chain, a[8], registry, attest_call(&p, STUB_PROFILE, [4, 2]), U256::ZERO, gas).await;
    let models: Vec<B256> = [a[1], a[2], a[8]].iter().map(|x| model_id(*x, p.words[24])).collect();

    let outputs = output_hashes("m0", 5);
    let batch_root = lineage_indexer::outputs::root(&outputs);
    let anchor = LineageRegistry::anchorOutputsCall {
        modelId: models[0],
        batchRoot: batch_root,
        count: 5,
        uri: "ipfs://batch-0".into(),
    };
    send(chain, a[1], registry, anchor.abi_encode(), U256::ZERO, None).await;

    let ether = U256::from(10u64).pow(U256::from(18u64));
    for (m, amount) in [
        (models[0], ether),
        (models[1], ether / U256::from(2u64)),
        (models[2], ether / U256::from(4u64)),
    ] {
        send(
            chain,
            a[3],
            vault,
            RoyaltyVault::payRoyaltyCall { modelId: m }.abi_encode(),
            amount,
            None,
        )
        .await;
    }
    // creators[0] claims on dataset 1; then more royalties arrive.
    send(
        chain,
        creators[0],
        vault,
        RoyaltyVault::claimCall { datasetId: 1, token: Address::ZERO }.abi_encode(),
        U256::ZERO,
        None,
    )
    .await;
    send(
        chain,
        a[3],
        vault,
        RoyaltyVault::payRoyaltyCall { modelId: models[0] }.abi_encode(),
        U256::from(777_777u64),
        None,
    )
    .await;

    send(
        chain,
        a[2],
        registry,
        LineageRegistry::revokeAttestationCall { modelId: models[1] }.abi_encode(),
        U256::ZERO,
        None,
    )
    .await;
    let revoke =
        LineageRegistry::revokeDatasetCall { datasetId: 4, reason: "works without consent".into() };
    send(chain, a[0], registry, revoke.abi_encode(), U256::ZERO, None).await;
    // A payment to the tainted model: dataset 4's share is held.
    send(
        chain,
        a[3],
        vault,
        RoyaltyVault::payRoyaltyCall { modelId: models[2] }.abi_encode(),
        U256::from(1000u64),
        None,
    )
    .await;

    World { datasets, creators, models, outputs, batch_root }
}

/// One cheap, distinct event per call: a dataset registration whose root depends on `seed`.
pub async fn register_seeded(chain: &Chain, from: Address, seed: u64) {
    let creator = chain.accounts[9];
    let call =
        register_call(U256::from(1_000_000 + seed), 1, &format!("seed-{seed}"), &[creator], &[1]);
    send(chain, from, chain.registry, call, U256::ZERO, None).await;
}

/// Pays `amount` wei of royalties to `model` from account 3.
pub async fn pay(chain: &Chain, model: B256, amount: u64) {
    let call = RoyaltyVault::payRoyaltyCall { modelId: model }.abi_encode();
    send(chain, chain.accounts[3], chain.vault, call, U256::from(amount), None).await;
}

/// `creator` claims its ETH royalties in `dataset` (or, with nothing to claim, registers a
/// dataset: one block with one event either way).
pub async fn claim(chain: &Chain, creator: Address, dataset: u32) {
    let vault = RoyaltyVault::new(chain.vault, &chain.provider);
    if vault.claimable(dataset, Address::ZERO, creator).call().await.unwrap().is_zero() {
        return register_seeded(chain, creator, u64::from(dataset) + 9_000_000).await;
    }
    let call = RoyaltyVault::claimCall { datasetId: dataset, token: Address::ZERO }.abi_encode();
    send(chain, creator, chain.vault, call, U256::ZERO, None).await;
}

/// A `size` x `size` RGBA PNG whose pixels depend on `seed`.
pub fn png(size: u32, seed: u8) -> Vec<u8> {
    let data: Vec<u8> =
        (0..size * size * 4).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect();
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, size, size);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&data).unwrap();
    w.finish().unwrap();
    out
}

/// A `width` x `height` RGB picture (waves and finer detail, as a photograph has: its PDQ
/// fingerprint's quality is high) whose content depends on `seed`.
pub fn picture(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let s = f64::from(seed % 89);
    let mut rgb = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let (u, v) = (f64::from(x) / f64::from(width), f64::from(y) / f64::from(height));
            let detail = 60.0 * (40.0 * u + s).sin() * (30.0 * v + 2.0 * s).sin();
            let r = 127.0 + 100.0 * (6.0 * u + 3.0 * s).sin() * (4.0 * v).cos() + detail;
            let g = 127.0 + 90.0 * (5.0 * v + 7.0 * s).sin() + detail;
            let b = 90.0 + 80.0 * (9.0 * u * v + s).sin() + detail;
            rgb.extend([r, g, b].map(|c| c.clamp(0.0, 255.0) as u8));
        }
    }
    rgb
}

/// `rgb` as an 8-bit RGB PNG.
pub fn png_of(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(rgb).unwrap();
    w.finish().unwrap();
    out
}

/// `rgb` as a baseline JPEG at `quality` (a re-encoded copy).
pub fn jpeg_of(width: u32, height: u32, rgb: &[u8], quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, quality)
        .encode(rgb, width as u16, height as u16, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

/// The receipt of the first output of the batch `leaves` of `model`, anchored as batch
/// `index` by `tx`; `output` is that output's content hash (`leaves[0]`).
pub fn first_output_receipt(
    chain: &Chain,
    model: B256,
    (index, tx): (u64, B256),
    leaves: &[B256],
    output: &OutputHash,
) -> Receipt {
    assert_eq!(leaves[0], output.hash, "the output is the batch's first leaf");
    Receipt {
        version: RECEIPT_V1,
        chain_id: 31337,
        registry: chain.registry,
        model_id: model,
        batch_index: index,
        batch_root: lineage_indexer::outputs::root(leaves),
        batch_count: leaves.len() as u64,
        leaf_index: 0,
        content_hash: output.hash,
        hash_kind: output.kind,
        proof: lineage_indexer::outputs::proof(leaves, 0),
        anchor_tx: tx,
        anchor_block: 0,
        perceptual_hash: None,
    }
}

/// Anchors `leaves` as the next batch of `model` (published by `publisher`); returns the
/// batch index and the anchoring transaction.
pub async fn anchor(
    chain: &Chain,
    publisher: Address,
    model: B256,
    leaves: &[B256],
) -> (u64, B256) {
    let registry = LineageRegistry::new(chain.registry, &chain.provider);
    let index: u64 = registry.outputBatchCount(model).call().await.unwrap().to();
    let call = LineageRegistry::anchorOutputsCall {
        modelId: model,
        batchRoot: lineage_indexer::outputs::root(leaves),
        count: leaves.len() as u64,
        uri: "ipfs://images".into(),
    };
    let tx = send(chain, publisher, chain.registry, call.abi_encode(), U256::ZERO, None).await;
    (index, tx)
}

/// The declared profile `declared_models` attests on: demo-declared (`ProfileKinds`).
///
/// The profile gets a stub verifier that accepts every proof, as `STUB_PROFILE` does, so the
/// scenario can attest several declared models with model hashes of its choosing: the
/// registry still builds the declared public values (the certified roots, counts, the model
/// hash's halves) and calls the verifier with them, which is what the indexer must read
/// back. The real verifier and a real declared proof
/// (`contracts/verifiers/LineageVerifierDemoDeclared.sol`,
/// `contracts/test/fixtures/demo-declared-proof.json`) are exercised by forge
/// (`RealVerifierDeclared.t.sol`) and on anvil by `tests/demo.sh`.
pub const DECLARED_PROFILE: u32 = 3;

/// The stub `DECLARED_PROFILE`'s verifier is (one STOP opcode).
pub const DECLARED_STUB: Address = Address::repeat_byte(0xde);

/// A model attested with declared training.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeclaredModel {
    pub id: B256,
    /// The model file's SHA-256.
    pub model_hash: B256,
    pub publisher: Address,
    /// Who sent the attesting transaction (the publisher, or the relayer of a signature).
    pub submitter: Address,
    /// The attesting transaction.
    pub tx: B256,
}

/// The `DeclaredRequest` of a model file `model_hash` trained on `ids`, with the demo
/// proof's dataset words (its counts, training root, license mask and size) and
/// accumulator: the datasets `populate` certified with the proof's roots fit it.
pub fn declared_request(
    p: &DemoProof,
    ids: [u32; 2],
    model_hash: B256,
) -> ILineageRegistry::DeclaredRequest {
    let w = &p.words;
    ILineageRegistry::DeclaredRequest {
        profileId: DECLARED_PROFILE,
        datasetIds: ids.to_vec(),
        counts: vec![w[16].to(), w[17].to()],
        trainRoot: w[20],
        licenseMask: w[21].to(),
        nRecords: w[22].to(),
        modelHash: model_hash,
        accumulator: w[..12].to_vec(),
    }
}

/// A proof's bytes for a declared attestation on the stub: any bytes pass it; distinct
/// ones show that the indexer serves the attesting call's own.
fn declared_proof(model_hash: B256) -> Bytes {
    Bytes::from([b"declared proof for ".as_slice(), model_hash.as_slice()].concat())
}

/// What `declared_models` made.
pub struct Declared {
    /// `attestDeclared` sent by its publisher (anvil's account 6) on datasets 1 and 2.
    pub direct: DeclaredModel,
    /// `attestDeclaredBySig`: signed by `signer`, relayed by anvil's account 3.
    pub by_sig: DeclaredModel,
    /// The publisher of `by_sig`: a key of its own, which never sends a transaction.
    pub signer: PrivateKeySigner,
}

/// Gives `DECLARED_PROFILE` its stub verifier and attests two declared models on datasets 1
/// and 2 (certified by `populate` with the demo proof's roots): one by `attestDeclared`,
/// one by `attestDeclaredBySig`.
pub async fn declared_models(chain: &Chain) -> Declared {
    let a = &chain.accounts;
    chain.rpc::<()>("anvil_setCode", serde_json::json!([DECLARED_STUB, "0x00"])).await;
    let set =
        LineageRegistry::setVerifierCall { profileId: DECLARED_PROFILE, verifier: DECLARED_STUB };
    send(chain, a[0], chain.registry, set.abi_encode(), U256::ZERO, None).await;
    let p = demo_proof();
    let gas = Some(1_500_000);

    let model_hash = keccak256("a declared model file");
    let call = LineageRegistry::attestDeclaredCall {
        request: declared_request(&p, [1, 2], model_hash),
        proof: declared_proof(model_hash),
    };
    let tx = send(chain, a[6], chain.registry, call.abi_encode(), U256::ZERO, gas).await;
    let id = model_id(a[6], U256::from_be_bytes(model_hash.0));
    let direct = DeclaredModel { id, model_hash, publisher: a[6], submitter: a[6], tx };

    let signer = PrivateKeySigner::from_bytes(&B256::repeat_byte(0x42)).unwrap();
    let publisher = signer.address();
    let model_hash = keccak256("a declared model file, signed");
    let request = declared_request(&p, [2, 1], model_hash);
    let registry = LineageRegistry::new(chain.registry, &chain.provider);
    let nonce = registry.nonces(publisher).call().await.unwrap();
    let deadline = U256::from(u64::MAX);
    let digest = registry
        .attestDeclaredDigest(request.clone(), publisher, nonce, deadline)
        .call()
        .await
        .unwrap();
    let signature = signer.sign_hash_sync(&digest).unwrap();
    let call = LineageRegistry::attestDeclaredBySigCall {
        request,
        proof: declared_proof(model_hash),
        publisher,
        deadline,
        signature: Bytes::from(signature.as_bytes().to_vec()),
    };
    let tx = send(chain, a[3], chain.registry, call.abi_encode(), U256::ZERO, gas).await;
    let id = model_id(publisher, U256::from_be_bytes(model_hash.0));
    let by_sig = DeclaredModel { id, model_hash, publisher, submitter: a[3], tx };
    Declared { direct, by_sig, signer }
}

/// `other` with the receipt chunk of `with_receipt` copied in after its header: a
/// well-formed PNG whose pixels are not the ones the receipt was made for.
pub fn graft_receipt(with_receipt: &[u8], other: &[u8]) -> Vec<u8> {
    let at = with_receipt.windows(4).position(|w| w == b"iTXt").unwrap() - 4;
    let len = u32::from_be_bytes(with_receipt[at..at + 4].try_into().unwrap()) as usize;
    let chunk = &with_receipt[at..at + 12 + len];
    let ihdr_end = 8 + 12 + 13;
    [&other[..ihdr_end], chunk, &other[ihdr_end..]].concat()
}

alloy::sol! {
    /// `contracts/test/mocks/MockERC20.sol` ("Mock", "MOCK", 18 decimals).
    interface IMockERC20 {
        function mint(address to, uint256 amount) external;
        function approve(address spender, uint256 amount) external returns (bool);
    }
}

/// Deploys `MockERC20` (forge's artifact from `Chain::deploy`'s build), and pays `amount`
/// of it (in base units) as royalties to `model` from account 3. Returns the token.
pub async fn pay_in_token(chain: &Chain, model: B256, amount: U256) -> Address {
    let path = super::root().join("out/MockERC20.sol/MockERC20.json");
    let artifact: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let code = artifact["bytecode"]["object"].as_str().unwrap();
    let tx = TransactionRequest::default()
        .with_from(chain.accounts[3])
        .with_deploy_code(Bytes::from(alloy::hex::decode(code).unwrap()));
    let pending = chain.provider.send_transaction(tx).await.unwrap();
    let receipt = pending.get_receipt().await.unwrap();
    let token = receipt.contract_address.expect("MockERC20 deployed");
    let payer = chain.accounts[3];
    let mint = IMockERC20::mintCall { to: payer, amount }.abi_encode();
    send(chain, payer, token, mint, U256::ZERO, None).await;
    let approve = IMockERC20::approveCall { spender: chain.vault, amount }.abi_encode();
    send(chain, payer, token, approve, U256::ZERO, None).await;
    let pay = RoyaltyVault::payRoyaltyTokenCall { modelId: model, token, amount }.abi_encode();
    send(chain, payer, chain.vault, pay, U256::ZERO, None).await;
    token
}
