//! `lineage prove`: ONE proof the chain verifies, written as an attestation file with the
//! named public values, the verifier calldata, versions and per-stage timings. Two kinds:
//! - `--model model.json` (a proven-training profile such as `demo`): one chunk proof of
//!   the dataset and the training run of a trained logistic head, aggregated;
//! - `--model-file PATH` (a declared-training profile such as `demo-declared`): any model,
//!   a file or a folder of weights, named by its SHA-256 (`model-sha256-v1`). The chunk
//!   proof of the dataset alone is aggregated, bound to that hash: the training set is
//!   proven, the training declared.
//!
//! A training set of more records than the profile's one chunk (`C`, 64 for the demo
//! profiles) is proven under the profile's proof-tree twin (`demo-declared` → its
//! `demo-declared-tree`, said on stderr): chunk proofs of `C` records, a binary tree of
//! node proofs over them and a root, whose public words are those of a single proof. The
//! registry maps the twin's id to its own verifier. Each finished chunk and node proof is
//! kept in a work folder (`--work`, default `<out>.work`) and reused by a rerun.
//!
//! Everything that can be checked natively is checked before any proving starts: the
//! records come from the named datasets under allowed licenses, and (proven training)
//! training them as `model.json` declares gives exactly its weights. A fine-tuned model
//! (`lineage train --base`) is proved the same way: its start is public as `w0_hash`, and
//! `lineage attest --base` names the attested model with those weights.

use crate::{
    cmd::setup::KeyArgs,
    io::{print_json, read_json, write_json, Bar, Stages},
    records::Source,
};
use anyhow::{bail, Context, Result};
use lineage_circuits::profile::{self, Profile, TrainingKind};
use lineage_core::{
    attestation::ModelValues,
    field::fr_to_hex,
    model::model_hash,
    record::parse_address,
    train::{ModelFile, Weights},
    Address, DatasetManifest, License,
};
use lineage_prover::{
    aggregate::AggregateProof,
    artifacts::Need,
    inputs::{self, Claim, InputError, Witnesses},
    pipeline::Setup,
    plan::Tree,
    task::Plan,
    work::Work,
};
use serde::Serialize;
use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    time::Instant,
};

/// Arguments of `lineage prove`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    keys: KeyArgs,
    /// Certified dataset manifests, comma-separated; their order is the slot order.
    #[arg(long, value_delimiter = ',', required = true)]
    datasets: Vec<PathBuf>,
    /// The training records, comma-separated: JSONL records or manifests exactly as
    /// `lineage train --data` read them, or works named by content hash or path (a `.txt`
    /// list, one a line) or a folder of the works, looked up in the --datasets manifests.
    #[arg(long, value_delimiter = ',', required = true)]
    train: Vec<PathBuf>,
    /// The trained logistic head (`lineage train -o`): proven training.
    #[arg(long, required_unless_present = "model_file", conflicts_with = "model_file")]
    model: Option<PathBuf>,
    /// Any model's weights, a file or a folder (safetensors shards, a LoRA adapter, a GGUF):
    /// training declared, training set proven, under a declared profile
    /// (`--profile demo-declared`).
    #[arg(long)]
    model_file: Option<PathBuf>,
    /// Allowed license codes, comma-separated [default: exactly the training records'].
    #[arg(long, value_delimiter = ',')]
    licenses: Vec<License>,
    /// Creator for JSONL records that do not name one.
    #[arg(long, env = "LINEAGE_CREATOR", value_parser = parse_address)]
    creator: Option<Address>,
    /// License code for JSONL records that do not name one.
    #[arg(long, env = "LINEAGE_LICENSE")]
    license: Option<License>,
    /// Where to write the attestation.
    #[arg(short, long)]
    out: PathBuf,
    /// A proof tree's work folder: each chunk and node proof is written there as it
    /// finishes, named by what it proves, and a rerun (after a crash or `kill -9`) reuses
    /// every finished one [default: the attestation's path with `.work` appended].
    #[arg(long)]
    work: Option<PathBuf>,
    /// A proof tree's tasks to run at once (chunks, nodes), as the memory available allows:
    /// a task starts beside others only while their stated peaks and its own fit.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    jobs: u16,
    /// Prove nothing: check the inputs, then write the proof tree's plan (`plan.json`, the
    /// tasks with their files, memory and cores) and each chunk's witness file into the work
    /// folder, for `lineage prove-task` (any executor, one task at a time). Plans under the
    /// profile's proof-tree twin whatever the set's size.
    #[arg(long)]
    plan_only: bool,
    /// Print a JSON summary on stdout.
    #[arg(long)]
    json: bool,
}

/// What `--plan-only` wrote.
#[derive(Serialize)]
struct PlanSummary {
    plan: PathBuf,
    profile: String,
    profile_id: u32,
    n_records: usize,
    chunks: usize,
    height: u32,
    tasks: usize,
    /// The most memory one task needs, in GB.
    max_task_mem_gb: f64,
}

#[derive(Serialize)]
struct Summary {
    attestation: PathBuf,
    profile: String,
    kind: TrainingKind,
    insecure_srs: bool,
    /// Proven training: the trained weights' commitment.
    #[serde(skip_serializing_if = "Option::is_none")]
    w_hash: Option<String>,
    /// Declared training: the model's SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    model_sha256: Option<String>,
    train_root: String,
    n_records: u64,
    counts: Vec<u64>,
    /// Chunk proofs (more than one: a proof tree, under a tree profile).
    chunks: usize,
    proof_bytes: usize,
    calldata_bytes: usize,
    timings_ms: BTreeMap<String, u64>,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        let t0 = Instant::now();
        let named = self.keys.profile()?;
        check_kind(&named, self.model_file.is_some())?;
        let datasets = self
            .datasets
            .iter()
            .map(|p| read_json::<DatasetManifest>(p, "dataset manifest"))
            .collect::<Result<Vec<_>>>()?;
        let source = Source {
            profile: named.name,
            frac_bits: named.training.frac_bits,
            creator: self.creator,
            license: self.license,
            lookup: &datasets,
        };
        let records = source.load_training_set(&self.train)?;
        let profile = match (self.plan_only, named.tree_twin()) {
            (false, _) => chosen_profile(&named, records.len())?,
            (true, Some(twin)) => twin,
            (true, None) => bail!("profile {:?} has no proof-tree profile to plan", named.name),
        };
        let mask = if self.licenses.is_empty() {
            records.iter().fold(0, |m, r| m | r.license.mask_bit())
        } else {
            self.licenses.iter().fold(0, |m, l| m | l.mask_bit())
        };
        let (claim, model) = match (&self.model, &self.model_file) {
            (Some(path), _) => self.trained(&profile, path)?,
            (None, Some(path)) => {
                let bar = Bar::new("hashing the model");
                let m = model_hash(path, &bar)
                    .with_context(|| format!("hashing the model at {}", path.display()))?;
                bar.finish();
                (Claim::Declared { model: m.sha256 }, None)
            }
            (None, None) => bail!("give --model (proven training) or --model-file (declared)"),
        };
        let set =
            inputs::witnesses(&profile, &datasets, &records, mask, &claim).map_err(
                |e| match e {
                    InputError::Dataset { .. } | InputError::Order(_) => anyhow::Error::new(e)
                        .context(
                            "the training records do not all come from the named datasets under \
                         allowed licenses, once each in the training order",
                        ),
                    _ => e.into(),
                },
            )?;
        if let (Some((hyper, end)), Some((path, model))) = (&set.run, &model) {
            if end != &model.weights || hyper != &model.hyper {
                bail!(
                    "{}: training these records with its hyperparameters does not give its weights \
                     (was it trained on other data, by an older lineage that kept the sources' order, \
                     or with other settings?)",
                    path.display()
                );
            }
        }

        let work_dir = self.work.clone().unwrap_or_else(|| work_dir(&self.out));
        if self.plan_only {
            let (setup, ..) = self.keys.srs.open(&profile, false, Need::NONE)?;
            return self.write_plan(&setup, &set, &work_dir);
        }
        // A tree of height 1 never proves with the inner node key: it stays on disk.
        let height = Tree::new(records.len(), profile.records, profile.max_records)?.height();
        let need = Need { inner: !profile.tree || height > 1, ..Need::ALL };
        let (setup, _, _, setup_time) = self.keys.srs.open(&profile, false, need)?;
        let work = setup.tree.as_ref().map(|_| Work::open(&work_dir)).transpose()?;
        let (proof, mut timings) = prove(&setup, &set, work.as_ref(), usize::from(self.jobs))?;
        timings.insert("load_keys".into(), setup_time.as_millis() as u64);
        timings.insert("total".into(), t0.elapsed().as_millis() as u64);
        let att = setup.attestation(&proof, timings);
        write_json(&self.out, &att).context("writing the attestation")?;

        let (w_hash, model_sha256) = match &att.public.model {
            ModelValues::Trained(t) => (Some(fr_to_hex(&t.w_hash)), None),
            ModelValues::Declared(d) => (None, Some(d.model_sha256.to_string())),
        };
        let summary = Summary {
            attestation: self.out.clone(),
            profile: att.profile.clone(),
            kind: att.kind,
            insecure_srs: att.srs.insecure,
            w_hash,
            model_sha256,
            train_root: fr_to_hex(&att.public.train_root),
            n_records: att.public.n_records,
            counts: att.public.counts.clone(),
            chunks: set.chunks.len(),
            proof_bytes: att.proof.len(),
            calldata_bytes: att.calldata.len(),
            timings_ms: att.timings_ms.clone(),
        };
        if self.json {
            return print_json(&summary);
        }
        let what = match (&summary.w_hash, &summary.model_sha256) {
            (Some(w), _) => format!("the weights with w_hash {w} (training proven)"),
            (None, Some(m)) => {
                format!("the training set of the model file {m} (training declared, not proven)")
            }
            (None, None) => String::new(),
        };
        eprintln!(
            "proved {what} on {} records (per dataset: {:?}) in {:.1} s: {} ({} B proof, profile \
             {}){}; the model id is fixed at attestation: keccak256(publisher, {})",
            summary.n_records,
            &summary.counts[..datasets.len()],
            t0.elapsed().as_secs_f64(),
            self.out.display(),
            summary.proof_bytes,
            summary.profile,
            if summary.insecure_srs { "; INSECURE dev SRS" } else { "" },
            if summary.w_hash.is_some() { "w_hash" } else { "model hash" },
        );
        if let (Claim::Trained { w0, .. }, ModelValues::Trained(t)) = (&claim, &att.public.model) {
            if *w0 != Weights::zeros(profile.training.features) {
                eprintln!("{}", crate::cmd::attest::fine_tune_hint(t));
            }
        }
        Ok(())
    }

    /// `--plan-only`: the plan and the chunks' witness files in `dir`.
    fn write_plan(&self, setup: &Setup, set: &Witnesses, dir: &Path) -> Result<()> {
        let plan = Plan::new(setup, set)?;
        let path = plan.write(dir, set)?;
        let summary = PlanSummary {
            plan: path.clone(),
            profile: plan.profile.clone(),
            profile_id: plan.profile_id,
            n_records: plan.n_records,
            chunks: plan.chunks,
            height: plan.height,
            tasks: plan.tasks.len(),
            max_task_mem_gb: plan.tasks.iter().map(|t| t.mem_gb).fold(0.0, f64::max),
        };
        if self.json {
            return print_json(&summary);
        }
        eprintln!(
            "planned {} records under profile {} (id {}): {} tasks ({} chunk proofs, nodes up to \
             height {}, a root), each needing at most {:.1} GB: {}; run each with `lineage \
             prove-task {} TASK` after its dependencies",
            plan.n_records,
            plan.profile,
            plan.profile_id,
            plan.tasks.len(),
            plan.chunks,
            plan.height,
            summary.max_task_mem_gb,
            path.display(),
            path.display()
        );
        Ok(())
    }

    /// The claim of the trained logistic head at `path`, with the model file (whose weights
    /// the run must end at).
    fn trained(
        &self,
        profile: &Profile,
        path: &Path,
    ) -> Result<(Claim, Option<(PathBuf, ModelFile)>)> {
        let model: ModelFile = read_json(path, "model file")?;
        let trained_for = profile::by_name(&model.profile);
        if trained_for.and_then(|p| p.tree_twin()) != profile.tree_twin() {
            bail!(
                "{} was trained for profile {:?}, not {:?}",
                path.display(),
                model.profile,
                profile.name
            );
        }
        let claim = Claim::Trained { lr: model.hyper.lr, w0: model.w0.clone() };
        Ok((claim, Some((path.to_owned(), model))))
    }
}

/// The profile that proves `records` records under the `named` one: itself when they fit
/// its one chunk (or it is a tree profile), else its proof-tree twin, said on stderr.
fn chosen_profile(named: &Profile, records: usize) -> Result<Profile> {
    if named.tree || records <= named.records {
        return Ok(*named);
    }
    let Some(twin) = named.tree_twin() else {
        bail!("profile {:?} has no proof-tree profile for {records} records", named.name)
    };
    let plan = Tree::new(records, twin.records, twin.max_records)?;
    let n =
        |count: usize, what: &str| format!("{count} {what}{}", if count == 1 { "" } else { "s" });
    eprintln!(
        "{records} records exceed profile {}'s one chunk of {}: proving them under its proof-tree \
         profile {} (id {}): {}, {} (height {}) and a root",
        named.name,
        named.records,
        twin.name,
        twin.id,
        n(plan.chunks.len(), "chunk proof"),
        n(plan.nodes.len(), "node proof"),
        plan.height()
    );
    Ok(twin)
}

/// Refuses a model argument of the other kind than the profile's, naming the profile to use.
fn check_kind(profile: &Profile, declared: bool) -> Result<()> {
    let wanted = if declared { TrainingKind::Declared } else { TrainingKind::Proven };
    if profile.kind == wanted {
        return Ok(());
    }
    let twin = profile::ALL
        .iter()
        .find(|p| p.kind == wanted && p.dataset == profile.dataset && p.records == profile.records)
        .map(|p| format!(" (--profile {})", p.name))
        .unwrap_or_default();
    let arg = if declared { "--model-file" } else { "--model" };
    bail!(
        "{arg} proves {wanted} training, but profile {:?} is of {} training: use a profile of \
         {wanted} training{twin}",
        profile.name,
        profile.kind
    )
}

/// `attestation.json` → `attestation.json.work`.
fn work_dir(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_owned();
    name.push(".work");
    out.with_file_name(name)
}

/// Proves and verifies off-chain, reporting each stage.
fn prove(
    setup: &Setup,
    set: &Witnesses,
    work: Option<&Work>,
    jobs: usize,
) -> Result<(AggregateProof, BTreeMap<String, u64>)> {
    let stages = Stages::new();
    let mut progress = |stage: &str| stages.stage(stage);
    let (proof, timings) = setup.prove_set(set, work, jobs, &mut progress)?;
    progress("verifying off-chain");
    if !setup.verify(&proof) {
        bail!("the aggregated proof does not verify (a prover bug: please report it)");
    }
    Ok((proof, timings))
}
