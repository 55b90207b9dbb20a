//! `lineage demo`: the whole product on a local chain, in order. Starts anvil (or uses
//! `--rpc-url`), deploys with the forge script, builds the two sample datasets (different
//! creators), registers and certifies them, trains and proves (demo profile, INSECURE dev
//! SRS), attests on-chain, anchors a batch of generated PNGs, verifies one as a wallet
//! would, pays royalties and has a creator claim them; then prints a summary.
//!
//! Beside the logistic head (training proven), a second model shows training *declared*:
//! a stand-in "diffusion model" that is plainly a file of pseudo-random bytes, with a
//! training set of 24 records drawn from both datasets (16 from atelier, 8 from harbor),
//! named by content hash. Its training set is proven (profile demo-declared) and bound to
//! the file's SHA-256, it is attested with `attestDeclared`, its outputs verify with
//! `model.training_declared`, and royalties paid to it split 16:8 by its proven counts.
//!
//! Idempotent: files that exist are reused (the proof is redone only when its inputs
//! changed), and on a chain that already holds the deployment, datasets and attestation,
//! those are found rather than created again. Run it from the repository root (it needs
//! `script/Deploy.s.sol` and the pinned Foundry in `node_modules/.bin`).

use crate::{
    chain::{ChainArgs, SignerArgs},
    cmd::{anchor, attest, dataset::register, royalties, verify_image},
    io::{print_json, read_json, write_atomic},
};
use alloy::primitives::{utils::format_ether, utils::parse_ether, Address, B256};
use anyhow::{bail, Context, Result};
use lineage_chain::{
    client::{dataset_status, DatasetStatus, Signer},
    Client,
};
use lineage_core::{
    attestation::{Attestation, ModelValues, TrainingKind},
    content::hash_bytes,
    field::fr_to_hex,
    manifest::DatasetManifest,
};
use serde::Serialize;
use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// anvil's well-known development accounts (mnemonic "test test ... junk"): public
/// knowledge, used ONLY on chain 31337 and only when LINEAGE_PRIVATE_KEY is unset.
/// Account 0 deploys, certifies and publishes; account 2 is harbor's main creator.
const ANVIL_KEYS: [&str; 3] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
];
const ANVIL_CHAIN_ID: u64 = 31337;
const DATASETS: [&str; 2] = ["atelier", "harbor"];
/// Records the declared model's training set takes from each dataset, in manifest order.
const DECLARED_DRAW: [usize; 2] = [16, 8];
/// Generated outputs anchored in one batch.
const OUTPUTS: usize = 4;

/// Arguments of `lineage demo`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Use this chain instead of starting anvil (it must have funded accounts).
    #[arg(long, env = "LINEAGE_RPC_URL")]
    rpc_url: Option<String>,
    /// Working folder: datasets, model, attestation, outputs and receipts.
    #[arg(long, default_value = "target/demo")]
    out: PathBuf,
    /// Royalties paid to the model, in ETH.
    #[arg(long, default_value = "1")]
    royalty: String,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    json: bool,
}

/// One stage's wall time.
#[derive(Debug, Serialize)]
struct Stage {
    name: &'static str,
    seconds: f64,
}

/// One transaction of the demo.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Tx {
    what: String,
    gas_used: u64,
    tx_hash: B256,
}

/// What the demo did and found.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    rpc_url: String,
    chain_id: u64,
    registry: Address,
    vault: Address,
    verifier: Address,
    dataset_ids: Vec<u32>,
    model_id: String,
    attestation_reused: bool,
    transactions: Vec<Tx>,
    verified_file: PathBuf,
    verdict: String,
    verdict_codes: Vec<String>,
    claimed_by: Address,
    claimed_wei: String,
    claimed_eth: String,
    declared: DeclaredSummary,
    stages: Vec<Stage>,
    insecure_dev_srs: bool,
}

/// The second model: training declared, training set proven.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct DeclaredSummary {
    model_file: PathBuf,
    model_sha256: String,
    model_id: String,
    verifier: Address,
    attestation_reused: bool,
    counts: Vec<u64>,
    verified_file: PathBuf,
    verdict: String,
    verdict_codes: Vec<String>,
}

/// Times stages and prints progress on stderr.
struct Clock {
    start: Instant,
    stages: Vec<Stage>,
}

impl Clock {
    fn stage<T>(&mut self, name: &'static str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        eprintln!("[{:>7.1}s] == {name}", self.start.elapsed().as_secs_f64());
        let t = Instant::now();
        let out = f().with_context(|| format!("demo stage {name:?}"))?;
        self.stages.push(Stage { name, seconds: t.elapsed().as_secs_f64() });
        Ok(out)
    }
}

/// anvil, killed when dropped.
struct Anvil(Child);

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        if !Path::new("script/Deploy.s.sol").exists() {
            bail!(
                "run lineage demo from the repository root (it deploys with script/Deploy.s.sol)"
            );
        }
        let mut clock = Clock { start: Instant::now(), stages: Vec::new() };
        let mut s = Summary::default();
        let out = self.out.clone();
        std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;

        let _anvil;
        let rpc_url = match &self.rpc_url {
            Some(url) => url.clone(),
            None => {
                let (child, url) = clock.stage("start anvil", start_anvil)?;
                _anvil = child;
                url
            }
        };
        s.rpc_url = rpc_url.clone();
        let chain = ChainArgs {
            rpc_url: rpc_url.clone(),
            deployment: None,
            chain_id: None,
            confirmations: 1,
            timeout: 30,
        };
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        s.chain_id = rt.block_on(Client::chain_id(&chain.options()))?;
        let keys = Keys::for_chain(s.chain_id)?;

        clock.stage("deploy (forge script)", || {
            match rt.block_on(chain.connect(None)) {
                Ok(_) => eprintln!("deployment found on chain {}", s.chain_id),
                Err(_) => deploy(&rpc_url, &keys.publisher_hex)?,
            }
            Ok(())
        })?;
        let publisher = rt.block_on(chain.connect(Some(keys.publisher.clone())))?;
        let d = publisher.deployment().clone();
        (s.registry, s.vault, s.verifier) = (d.registry, d.vault, d.verifiers.demo);

        s.declared.verifier = d.verifiers.demo_declared;

        let manifests = clock.stage("sample datasets and models", || data(&out))?;
        let att_path = out.join("attestation.json");
        s.attestation_reused = clock.stage("prove (demo profile, INSECURE dev SRS)", || {
            prove(&out, &manifests, &att_path, &Model::Trained)
        })?;
        let att: Attestation = read_json(&att_path, "attestation")?;
        s.insecure_dev_srs = att.srs.insecure;
        let declared_path = out.join("attestation-declared.json");
        let declared_model = Model::Declared;
        s.declared.attestation_reused = clock
            .stage("prove the diffusion model's training set (demo-declared)", || {
                prove(&out, &manifests, &declared_path, &declared_model)
            })?;
        let declared: Attestation = read_json(&declared_path, "attestation")?;
        s.declared.model_file = declared_model.file(&out);
        s.declared.counts = declared.public.counts[..DATASETS.len()].to_vec();
        if let Some(m) = declared.public.model.declared() {
            s.declared.model_sha256 = m.model_sha256.to_string();
        }

        clock.stage("register and certify datasets", || {
            rt.block_on(async {
                for (name, path) in DATASETS.iter().zip(&manifests) {
                    let m: DatasetManifest = read_json(path, "dataset manifest")?;
                    let r = register::register(&publisher, &m, &format!("sample://{name}")).await?;
                    if let Some(tx) = &r.tx {
                        s.transactions.push(tx_of(format!("registerDataset {name}"), tx));
                    }
                    let status = dataset_status(publisher.dataset(r.dataset_id).await?.status);
                    if status != DatasetStatus::Certified {
                        let tx = publisher.certify(r.dataset_id).await?;
                        s.transactions.push(tx_of(format!("certify {name}"), &tx));
                    }
                    s.dataset_ids.push(r.dataset_id);
                }
                Ok(())
            })
        })?;

        let model_id = clock.stage("attest on-chain (proof verified in the tx)", || {
            rt.block_on(attest_model(&publisher, &att, &s.dataset_ids, &mut s.transactions))
        })?;
        s.model_id = model_id.to_string();
        let declared_id = clock.stage("attest the diffusion model (training declared)", || {
            rt.block_on(attest_model(&publisher, &declared, &s.dataset_ids, &mut s.transactions))
        })?;
        s.declared.model_id = declared_id.to_string();

        let outputs = clock.stage("generate and anchor outputs", || {
            anchor_outputs(
                &rt,
                &publisher,
                model_id,
                &att,
                &out.join("outputs"),
                &mut s.transactions,
            )
        })?;
        let declared_outputs =
            clock.stage("generate and anchor the diffusion model's outputs", || {
                let dir = out.join("outputs-declared");
                anchor_outputs(&rt, &publisher, declared_id, &declared, &dir, &mut s.transactions)
            })?;

        clock.stage("verify an output of each model as a wallet", || {
            let verdict = |file: &Path| -> Result<(PathBuf, String, Vec<String>)> {
                let args = verify_image::Args {
                    file: file.to_owned(),
                    receipt: None,
                    min_confirmations: 1,
                    require_proven_training: false,
                    indexer: None,
                    chain: chain.clone(),
                    json: false,
                };
                let report = rt.block_on(verify_image::verify(&args))?;
                eprint!("{}", verify_image::render_report(&report));
                let codes = report.verdict.codes.iter().map(|c| c.as_str().to_owned()).collect();
                Ok((report.file.clone(), report.verdict.outcome.to_string(), codes))
            };
            (s.verified_file, s.verdict, s.verdict_codes) = verdict(&outputs[0])?;
            (s.declared.verified_file, s.declared.verdict, s.declared.verdict_codes) =
                verdict(&declared_outputs[0])?;
            Ok(())
        })?;

        clock.stage("pay royalties and claim", || {
            rt.block_on(async {
                let wei = parse_ether(&self.royalty).context("--royalty: an amount of ETH")?;
                let creator = chain.connect(Some(keys.creator.clone())).await?;
                let me = keys.creator.address();
                s.claimed_by = me;
                let harbor = s.dataset_ids[1];
                let before = creator.claimed(harbor, me).await?;
                if !before.is_zero() {
                    eprintln!("creator {me} already claimed from dataset {harbor}");
                    s.claimed_wei = before.to_string();
                    s.claimed_eth = format_ether(before);
                    return Ok(());
                }
                for (what, id) in [("", model_id), (" to the diffusion model", declared_id)] {
                    let tx = publisher.pay_royalty(id, wei).await?;
                    let what = format!("payRoyalty {} ETH{what}", self.royalty);
                    s.transactions.push(tx_of(what, &tx));
                }
                let rows = royalties::positions(&creator, model_id, Some(me)).await?;
                if rows.iter().all(|r| r.claimable_wei.is_zero()) {
                    bail!("creator {me} has nothing to claim from model {model_id}");
                }
                let (amount, tx) = creator.claim(harbor).await?;
                s.transactions.push(tx_of(format!("claim dataset {harbor}"), &tx));
                s.claimed_wei = amount.to_string();
                s.claimed_eth = format_ether(amount);
                Ok(())
            })
        })?;

        s.stages = std::mem::take(&mut clock.stages);
        write_atomic(&out.join("summary.json"), &serde_json::to_vec_pretty(&s)?)?;
        if self.json {
            print_json(&s)?;
        } else {
            print_summary(&s);
        }
        Ok(())
    }
}

/// Attests `att` unless the publisher already has (either kind), recording the transaction.
async fn attest_model(
    publisher: &Client,
    att: &Attestation,
    dataset_ids: &[u32],
    transactions: &mut Vec<Tx>,
) -> Result<B256> {
    let a = attest::attest(publisher, att, Some(dataset_ids.to_vec()), None).await?;
    if let Some(tx) = &a.tx {
        let what = match att.kind {
            TrainingKind::Proven => "attest",
            TrainingKind::Declared => "attestDeclared",
        };
        transactions.push(tx_of(what.into(), tx));
    }
    Ok(a.model_id.parse::<B256>()?)
}

/// Generates `model`'s outputs in `dir` and anchors them, unless they are already.
fn anchor_outputs(
    rt: &tokio::runtime::Runtime,
    publisher: &Client,
    model: B256,
    att: &Attestation,
    dir: &Path,
    transactions: &mut Vec<Tx>,
) -> Result<Vec<PathBuf>> {
    let files = generate_outputs(dir, att)?;
    if rt.block_on(anchored_already(publisher, &files))? {
        eprintln!("the outputs' receipts match a batch already anchored");
    } else {
        let anchored = rt.block_on(anchor::anchor(publisher, model, &files, "demo://", true))?;
        transactions.push(tx_of("anchorOutputs".into(), &anchored.tx));
    }
    Ok(files)
}

/// Whether every file has a receipt whose batch is anchored on this chain with its root.
async fn anchored_already(client: &Client, files: &[PathBuf]) -> Result<bool> {
    for file in files {
        let Ok(text) = std::fs::read(lineage_core::output::sidecar_path(file)) else {
            return Ok(false);
        };
        let Ok(receipt) = lineage_core::output::Receipt::from_json(&text) else {
            return Ok(false);
        };
        let batch = client.output_batch(receipt.model_id, receipt.batch_index).await?;
        if receipt.registry != client.deployment().registry
            || batch.is_none_or(|b| b.root != receipt.batch_root)
        {
            return Ok(false);
        }
    }
    Ok(true)
}

fn tx_of(what: String, tx: &lineage_chain::Sent) -> Tx {
    Tx { what, gas_used: tx.gas_used, tx_hash: tx.tx_hash }
}

/// The demo's accounts.
struct Keys {
    publisher: Signer,
    publisher_hex: String,
    creator: Signer,
}

impl Keys {
    fn for_chain(chain_id: u64) -> Result<Self> {
        let from_env = std::env::var("LINEAGE_PRIVATE_KEY").ok();
        if from_env.is_none() && chain_id != ANVIL_CHAIN_ID {
            bail!("chain {chain_id} is not anvil's: set LINEAGE_PRIVATE_KEY (and fund it)");
        }
        let publisher_hex = from_env.unwrap_or_else(|| ANVIL_KEYS[0].to_owned());
        let creator_hex =
            std::env::var("LINEAGE_DEMO_CREATOR_KEY").unwrap_or_else(|_| ANVIL_KEYS[2].to_owned());
        Ok(Self {
            publisher: SignerArgs::parse_key(&publisher_hex)?,
            publisher_hex,
            creator: SignerArgs::parse_key(&creator_hex)?,
        })
    }
}

/// Starts anvil on a free loopback port and waits until it answers.
fn start_anvil() -> Result<(Anvil, String)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let bin = tool("anvil");
    let child = Command::new(&bin)
        .args(["--port", &port.to_string(), "--silent"])
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {} (run make bootstrap)", bin.display()))?;
    let anvil = Anvil(child);
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            bail!("anvil did not open port {port} within 20 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("anvil listening at {url}");
    Ok((anvil, url))
}

/// The pinned Foundry binary: the link to the platform package's own executable that
/// script/bootstrap.sh makes (not the Node wrapper in node_modules/.bin, which always exits 0
/// and which a kill would orphan the tool from), else the one on PATH.
fn tool(name: &str) -> PathBuf {
    let native = Path::new("node_modules/.foundry-native").join(name);
    if native.is_file() {
        native
    } else {
        PathBuf::from(name)
    }
}

/// Deploys with the forge script; it writes deployments/<chainid>.json.
fn deploy(rpc_url: &str, key: &str) -> Result<()> {
    let solc = std::fs::canonicalize("script/solc-shim.js")?;
    let status = Command::new(tool("forge"))
        .args(["script", "script/Deploy.s.sol", "--rpc-url", rpc_url, "--broadcast", "--silent"])
        .env("LINEAGE_DEPLOYER_KEY", key)
        .env("FOUNDRY_SOLC", solc)
        .stdout(Stdio::null())
        .status()
        .context("running forge script (run make bootstrap)")?;
    if !status.success() {
        bail!("forge script script/Deploy.s.sol failed ({status})");
    }
    Ok(())
}

/// Runs this binary's own subcommand `args` (its progress goes to stderr).
fn lineage(args: &[&str]) -> Result<()> {
    let exe = std::env::current_exe()?;
    let status = Command::new(exe).args(args).stdout(Stdio::null()).status()?;
    if !status.success() {
        bail!("lineage {} failed ({status})", args.join(" "));
    }
    Ok(())
}

/// The sample corpus, its two dataset manifests (demo depth), the trained logistic head and
/// the stand-in diffusion model with its training-set list; files that exist are kept.
fn data(out: &Path) -> Result<Vec<PathBuf>> {
    let p = |x: &Path| x.to_string_lossy().into_owned();
    let sample = out.join("sample");
    if !sample.exists() {
        lineage(&["sample", "-o", &p(&sample)])?;
    }
    let depth = lineage_circuits::profile::DEMO.dataset.depth.to_string();
    let mut manifests = Vec::new();
    for d in DATASETS {
        let m = out.join(format!("{d}.json"));
        if !m.exists() {
            let records = sample.join(d).join("records.jsonl");
            lineage(&["dataset", "build", &p(&records), "--depth", &depth, "-o", &p(&m)])?;
        }
        manifests.push(m);
    }
    let model = out.join("model.json");
    if !model.exists() {
        let mut args = vec!["train".to_owned()];
        for m in &manifests {
            args.extend(["--data".into(), p(m)]);
        }
        args.extend(["--lr".into(), "0.25".into(), "-o".into(), p(&model)]);
        lineage(&args.iter().map(String::as_str).collect::<Vec<_>>())?;
    }
    diffusion_model(out, &manifests)?;
    Ok(manifests)
}

/// The stand-in "diffusion model": `diffusion/weights.bin`, 256 KiB of deterministic
/// pseudo-random bytes (NOT a real checkpoint: any file is a model to the declared kind,
/// which binds its SHA-256), and `diffusion/training-set.txt`, its training set named by
/// content hash: the first [`DECLARED_DRAW`] records of each dataset.
fn diffusion_model(out: &Path, manifests: &[PathBuf]) -> Result<()> {
    let dir = out.join("diffusion");
    std::fs::create_dir_all(&dir)?;
    let weights = dir.join("weights.bin");
    if !weights.exists() {
        let mut bytes = Vec::with_capacity(256 * 1024);
        let mut block = hash_bytes(b"lineage demo diffusion model").0;
        while bytes.len() < 256 * 1024 {
            bytes.extend_from_slice(&block);
            block = hash_bytes(&block).0;
        }
        write_atomic(&weights, &bytes)?;
    }
    let list = dir.join("training-set.txt");
    if !list.exists() {
        let mut text = String::from(
            "# The demo diffusion model's training set: one work a line, by content hash.\n",
        );
        for (path, take) in manifests.iter().zip(DECLARED_DRAW) {
            let m: DatasetManifest = read_json(path, "dataset manifest")?;
            text.push_str(&format!("# {take} records of {}\n", path.display()));
            for r in m.records.iter().take(take) {
                text.push_str(&format!("{}\n", r.record.content));
            }
        }
        write_atomic(&list, text.as_bytes())?;
    }
    Ok(())
}

/// Which of the demo's two models a proof is for.
enum Model {
    /// The logistic head (`model.json`), training proven under profile `demo`.
    Trained,
    /// The stand-in diffusion model, training declared under profile `demo-declared`.
    Declared,
}

impl Model {
    fn profile(&self) -> &'static str {
        match self {
            Model::Trained => "demo",
            Model::Declared => "demo-declared",
        }
    }

    /// The model's file: what `prove` reads and what the attestation names.
    fn file(&self, out: &Path) -> PathBuf {
        match self {
            Model::Trained => out.join("model.json"),
            Model::Declared => out.join("diffusion").join("weights.bin"),
        }
    }

    /// `prove`'s arguments naming the model and its training records.
    fn args(&self, out: &Path, data: &str) -> Vec<String> {
        let p = |x: PathBuf| x.to_string_lossy().into_owned();
        match self {
            Model::Trained => {
                vec!["--train".into(), data.into(), "--model".into(), p(self.file(out))]
            }
            Model::Declared => vec![
                "--train".into(),
                p(out.join("diffusion").join("training-set.txt")),
                "--model-file".into(),
                p(self.file(out)),
            ],
        }
    }

    /// The files the proof depends on besides the manifests.
    fn inputs(&self, out: &Path) -> Vec<PathBuf> {
        match self {
            Model::Trained => vec![self.file(out)],
            Model::Declared => {
                vec![self.file(out), out.join("diffusion").join("training-set.txt")]
            }
        }
    }
}

/// Proves `model` unless `att` exists, is newer than its inputs and verifies. Returns
/// whether the existing attestation was reused.
fn prove(out: &Path, manifests: &[PathBuf], att: &Path, model: &Model) -> Result<bool> {
    let p = |x: &Path| x.to_string_lossy().into_owned();
    let modified = |x: &Path| std::fs::metadata(x).and_then(|m| m.modified()).ok();
    let inputs = model.inputs(out);
    let fresh = modified(att).is_some_and(|t| {
        manifests.iter().chain(&inputs).all(|i| modified(i).is_some_and(|m| m <= t))
    });
    if fresh && lineage(&["verify", &p(att)]).is_ok() {
        eprintln!("reusing {} (newer than its inputs, and it verifies)", att.display());
        return Ok(true);
    }
    let data = manifests.iter().map(|m| p(m)).collect::<Vec<_>>().join(",");
    let profile = model.profile();
    lineage(&["setup", "--profile", profile, "--dev-srs"])?;
    let mut args: Vec<String> =
        ["prove", "--profile", profile, "--dev-srs", "--datasets", &data].map(String::from).into();
    args.extend(model.args(out, &data));
    args.extend(["-o".into(), p(att)]);
    lineage(&args.iter().map(String::as_str).collect::<Vec<_>>())?;
    Ok(false)
}

/// Writes `OUTPUTS` small PNGs standing in for the model's generations (deterministic
/// pictures seeded by the model commitment); files that exist are kept with their receipts.
fn generate_outputs(dir: &Path, att: &Attestation) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let seed = match &att.public.model {
        ModelValues::Trained(t) => fr_to_hex(&t.w_hash),
        ModelValues::Declared(d) => d.model_sha256.to_string(),
    };
    let seed = seed.as_bytes();
    let (w, h) = (96u32, 96u32);
    let mut files = Vec::new();
    for i in 0..OUTPUTS {
        let path = dir.join(format!("output-{i}.png"));
        if path.exists() {
            files.push(path);
            continue;
        }
        let mut pixels = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h {
            for x in 0..w {
                let k = seed[(i * 7 + (x as usize / 12) + (y as usize / 12)) % seed.len()];
                pixels.extend([
                    (x * 255 / w) as u8 ^ k,
                    (y * 255 / h) as u8,
                    k.wrapping_mul(37).wrapping_add(i as u8 * 60),
                ]);
            }
        }
        let mut png = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut png, w, h);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc.write_header()?;
            writer.write_image_data(&pixels)?;
        }
        write_atomic(&path, &png)?;
        files.push(path);
    }
    Ok(files)
}

fn print_summary(s: &Summary) {
    println!("\nLineage demo: done");
    println!("  chain        {} (chain id {})", s.rpc_url, s.chain_id);
    println!("  registry     {}", s.registry);
    println!("  vault        {}", s.vault);
    println!(
        "  verifier     {} (demo profile{})",
        s.verifier,
        if s.insecure_dev_srs { ", INSECURE dev SRS" } else { "" }
    );
    println!("  datasets     {:?}", s.dataset_ids);
    println!(
        "  model        {}{}",
        s.model_id,
        if s.attestation_reused { " (proof reused)" } else { "" }
    );
    println!(
        "  verdict      {} for {}: {}",
        s.verdict,
        s.verified_file.display(),
        s.verdict_codes.join(", ")
    );
    let d = &s.declared;
    println!(
        "  model 2      {}{}: a stand-in diffusion model ({}, sha256 {}), training DECLARED, \
         training set proven ({:?} records per dataset)",
        d.model_id,
        if d.attestation_reused { " (proof reused)" } else { "" },
        d.model_file.display(),
        d.model_sha256,
        d.counts
    );
    println!("  verifier 2   {} (demo-declared profile)", d.verifier);
    println!(
        "  verdict 2    {} for {}: {}",
        d.verdict,
        d.verified_file.display(),
        d.verdict_codes.join(", ")
    );
    println!("  claimed      {} ETH by {}", s.claimed_eth, s.claimed_by);
    println!("  gas");
    for t in &s.transactions {
        println!("    {:<28} {:>9}", t.what, t.gas_used);
    }
    println!("  time");
    for st in &s.stages {
        println!("    {:<42} {:>7.1} s", st.name, st.seconds);
    }
}
