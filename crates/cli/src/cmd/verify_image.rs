//! `lineage verify-image FILE`: what a wallet asks of a generated image, with nothing but an
//! RPC endpoint. Recomputes the content hash, checks the receipt's Merkle proof against the
//! batch root anchored on-chain, the model's attestation status, and walks the lineage:
//! model -> datasets (certified or revoked) -> creators.
//!
//! The receipt comes from `--receipt`, else the one embedded in the PNG, JPEG or WebP, else
//! the `FILE.lineage.json` sidecar; the file is then hashed under the kind the receipt
//! names (a JPEG anchored as `bytes-v1` keeps verifying). A version-2 receipt anchors the
//! image's PDQ fingerprint too: the file's own is recomputed and must lie within 31 bits of
//! it (`output.fingerprint_match`, else `output.fingerprint_mismatch`, INVALID: the
//! publisher anchored another picture's fingerprint). Exit codes: 0 valid, 1 invalid,
//! 2 cannot tell (no receipt, too few confirmations, bad input, unreachable RPC).
//!
//! Without a receipt, `--indexer URL` asks that Lineage indexer for the anchored outputs
//! whose fingerprints are within 31 bits of the file's own: the nearest gives
//! `output.similar` (cannot tell, exit 2) with its model and datasets. A fingerprint is
//! evidence, not proof, so this is never VALID.
//!
//! The verdict names the model's kind of training, `model.training_proven` or
//! `model.training_declared`; `--require-proven-training` makes a declared one INVALID
//! (exit 1).

use crate::{
    chain::{block_on, ChainArgs},
    cmd::status::render_lineage,
    indexer::Indexer,
    io::print_json,
};
use anyhow::{bail, Context, Result};
use lineage_chain::{client::ModelLineage, Client, Deployment};
use lineage_core::output::{
    content_hash, content_hash_as, decode::fingerprint_file, judge, read_receipt, sidecar_path,
    verdict::Outcome, Candidate, HashKind, OutputHash, Policy, Receipt, Verdict,
};
use serde::Serialize;
use std::{path::PathBuf, process::ExitCode};

/// Arguments of `lineage verify-image`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The generated file (a PNG, a JPEG, a WebP, or any file anchored by its bytes).
    pub(crate) file: PathBuf,
    /// The receipt [default: the one embedded in the PNG, JPEG or WebP, else
    /// FILE.lineage.json].
    #[arg(long)]
    pub(crate) receipt: Option<PathBuf>,
    /// Confirmations the anchoring needs before the output counts as anchored.
    #[arg(long, default_value_t = 1)]
    pub(crate) min_confirmations: u64,
    /// Refuse a model whose training is declared rather than proven: its
    /// `model.training_declared` check becomes INVALID (exit 1).
    #[arg(long)]
    pub(crate) require_proven_training: bool,
    /// A Lineage indexer (http://host:port) to ask for anchored outputs that look like the
    /// file when it has no receipt.
    #[arg(long, env = "LINEAGE_INDEXER")]
    pub(crate) indexer: Option<String>,
    #[command(flatten)]
    pub(crate) chain: ChainArgs,
    /// Print the verdict (codes, checks, lineage) as JSON on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

/// The verdict with what it rests on.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Report {
    pub(crate) file: PathBuf,
    pub(crate) content_hash: OutputHash,
    pub(crate) verdict: Verdict,
    pub(crate) lineage: Option<ModelLineage>,
    pub(crate) receipt: Option<Receipt>,
    /// Without a receipt, with `--indexer`: the anchored outputs near the file's
    /// fingerprint, nearest first, as the indexer lists them (model and datasets included).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) similar: Vec<serde_json::Value>,
}

const CANNOT_TELL: u8 = 2;

impl Args {
    pub(crate) fn run(self) -> Result<ExitCode> {
        let report = match block_on(verify(&self)) {
            Ok(report) => report,
            Err(err) => {
                eprintln!("error: {err:#}");
                eprintln!("verdict: cannot tell");
                return Ok(ExitCode::from(CANNOT_TELL));
            }
        };
        if self.json {
            print_json(&report)?;
        } else {
            print!("{}", render_report(&report));
        }
        Ok(ExitCode::from(report.verdict.outcome.exit_code() as u8))
    }
}

/// Verifies `args.file` against the chain.
pub(crate) async fn verify(args: &Args) -> Result<Report> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let receipt = find_receipt(args, &bytes)?;
    let Some(receipt) = receipt else {
        if HashKind::sniff(&bytes) == HashKind::Bytes {
            bail!(
                "{} is not a PNG, JPEG or WebP image and has no receipt (--receipt or {})",
                args.file.display(),
                sidecar_path(&args.file).display()
            );
        }
        let hash = content_hash(&bytes).with_context(|| format!("{}", args.file.display()))?;
        let (verdict, similar) = match &args.indexer {
            Some(url) => by_fingerprint(url, &bytes, &hash, args).await?,
            None => (Verdict::no_receipt(&hash), vec![]),
        };
        return Ok(Report {
            file: args.file.clone(),
            content_hash: hash,
            verdict,
            lineage: None,
            receipt: None,
            similar,
        });
    };
    // The kind the receipt names, whatever the format: a JPEG anchored as bytes-v1 keeps
    // verifying.
    let hash = content_hash_as(&bytes, receipt.hash_kind)
        .with_context(|| format!("{}", args.file.display()))?;
    let options = args.chain.options();
    let served = Client::chain_id(&options).await?;
    receipt.check_chain(served)?;
    if let Some(want) = args.chain.chain_id {
        if want != served {
            bail!("{} serves chain {served}, not the chain {want} asked for", options.rpc_url);
        }
    }
    let deployment = Deployment::registry_only(served, receipt.registry);
    let client = Client::connect(options, deployment, None).await?;
    let facts = client.output_facts(&receipt).await?;
    let policy = Policy {
        min_confirmations: args.min_confirmations,
        require_proven_training: args.require_proven_training,
    };
    let fingerprint = match receipt.perceptual_hash {
        Some(_) => own_fingerprint(&bytes, args),
        None => None,
    };
    let verdict = judge(&hash, fingerprint, &receipt, &facts, &policy);
    let lineage = match facts.attestation {
        lineage_core::output::AttestationStatus::None => None,
        _ => Some(client.lineage(receipt.model_id).await?),
    };
    Ok(Report {
        file: args.file.clone(),
        content_hash: hash,
        verdict,
        lineage,
        receipt: Some(receipt),
        similar: vec![],
    })
}

/// `output.similar` with the indexer's nearest outputs when the file's fingerprint is near
/// some, else `output.unknown`.
async fn by_fingerprint(
    url: &str,
    bytes: &[u8],
    hash: &OutputHash,
    args: &Args,
) -> Result<(Verdict, Vec<serde_json::Value>)> {
    let fingerprint =
        fingerprint_file(bytes).with_context(|| format!("{}", args.file.display()))?;
    let Some(fp) = fingerprint.filter(|f| f.usable()) else {
        eprintln!("{}: its fingerprint says too little to look it up", args.file.display());
        return Ok((Verdict::no_receipt(hash), vec![]));
    };
    let indexer = Indexer::new(url, std::time::Duration::from_secs(args.chain.timeout))?;
    let similar = indexer.similar(fp.hash, 5).await?;
    let Some(nearest) = similar.first() else { return Ok((Verdict::no_receipt(hash), similar)) };
    let field = |v: &serde_json::Value, what: &str| -> Result<alloy::primitives::B256> {
        Ok(v.as_str().with_context(|| format!("the indexer's {what}"))?.parse()?)
    };
    let anchor = &nearest["anchor"];
    let index = |v: &serde_json::Value, what: &str| {
        v.as_u64().with_context(|| format!("the indexer's {what}"))
    };
    let candidate = Candidate {
        distance: index(&nearest["distance"], "distance")? as u32,
        model_id: field(&anchor["batch"]["model_id"], "model id")?,
        batch_index: index(&anchor["batch"]["batch_index"], "batch index")?,
        leaf_index: index(&anchor["leaf_index"], "leaf index")?,
        content_hash: field(&nearest["content_hash"], "content hash")?,
    };
    Ok((Verdict::similar(hash, fp.hash, &candidate), similar))
}

/// The file's own fingerprint, or `None` (`output.fingerprint_unchecked`) when it does not
/// decode: the content hash, which does not decode, still says whether it is the anchored
/// file.
fn own_fingerprint(bytes: &[u8], args: &Args) -> Option<alloy::primitives::B256> {
    match fingerprint_file(bytes) {
        Ok(f) => f.map(|f| f.hash),
        Err(e) => {
            eprintln!("{}: no fingerprint: {e}", args.file.display());
            None
        }
    }
}

/// The receipt from `--receipt`, the embedded chunk, or the sidecar, in that order.
fn find_receipt(args: &Args, bytes: &[u8]) -> Result<Option<Receipt>> {
    if let Some(path) = &args.receipt {
        let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        return Ok(Some(Receipt::from_json(&text).with_context(|| format!("{}", path.display()))?));
    }
    if HashKind::sniff(bytes) != HashKind::Bytes {
        if let Some(r) = read_receipt(bytes)
            .with_context(|| format!("the receipt embedded in {}", args.file.display()))?
        {
            return Ok(Some(r));
        }
    }
    let sidecar = sidecar_path(&args.file);
    if sidecar.exists() {
        let text = std::fs::read(&sidecar)?;
        return Ok(Some(
            Receipt::from_json(&text).with_context(|| format!("{}", sidecar.display()))?,
        ));
    }
    Ok(None)
}

/// The verdict as a person reads it.
pub(crate) fn render_report(r: &Report) -> String {
    use std::fmt::Write;
    let outcome = match r.verdict.outcome {
        Outcome::Valid => "VALID",
        Outcome::Invalid => "INVALID",
        Outcome::CannotTell => "CANNOT TELL",
    };
    let mut o = format!("{}: {outcome}\n", r.file.display());
    for check in &r.verdict.checks {
        let _ = writeln!(o, "  {:<22} {}", check.code.as_str(), check.detail);
    }
    if let Some(l) = &r.lineage {
        o.push_str(&render_lineage(l));
    }
    for s in &r.similar {
        let model = &s["anchor"]["model"];
        let _ = writeln!(
            o,
            "  similar: {} bits from output {} of batch {} of model {} ({})",
            s["distance"],
            s["anchor"]["leaf_index"],
            s["anchor"]["batch"]["batch_index"],
            model["model_id"].as_str().unwrap_or("?"),
            model["status"].as_str().unwrap_or("?"),
        );
        for d in model["datasets"].as_array().into_iter().flatten() {
            let _ = writeln!(
                o,
                "    dataset {}: {}",
                d["dataset_id"],
                d["status"].as_str().unwrap_or("?")
            );
        }
    }
    o
}
