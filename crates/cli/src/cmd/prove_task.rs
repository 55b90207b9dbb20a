//! `lineage prove-task PLAN TASK`: one task of a proof tree's plan (`lineage prove
//! --plan-only`), from explicit input files to an explicit output file, so that an executor
//! without a shared file system (a cluster's workers) can ship them. By default the files
//! are the plan's, in the plan's folder. The process loads only the proving key its task
//! proves with. A chunk or node output already there, whole and this task's, is kept: a
//! retried task that had finished proves nothing again (the root's attestation is proven
//! anew).

use crate::{
    cmd::setup::{profile_named, SrsArgs},
    io::print_json,
};
use anyhow::{Context, Result};
use lineage_prover::task::{self, Done, Plan};
use serde::Serialize;
use std::{collections::BTreeMap, path::PathBuf, time::Instant};

/// Arguments of `lineage prove-task`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    srs: SrsArgs,
    /// The plan (`plan.json` of `lineage prove --plan-only`).
    plan: PathBuf,
    /// The task's id in the plan (`chunk.00003`, `node.h01.00000`, `root`).
    task: String,
    /// The task's input files in the plan's order (a chunk's witness; a node's left and
    /// right children; the root's top node) [default: the plan's, in its folder].
    #[arg(long = "input", value_name = "FILE")]
    inputs: Vec<PathBuf>,
    /// Where to write the output [default: the plan's name for it, in its folder].
    #[arg(long)]
    output: Option<PathBuf>,
    /// Print a JSON summary on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Summary {
    task: String,
    output: PathBuf,
    /// Whether the output was already there (nothing proven).
    reused: bool,
    seconds: f64,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        let t0 = Instant::now();
        let plan = Plan::read(&self.plan)?;
        let spec = plan.task(&self.task)?;
        let dir = self.plan.parent().map(PathBuf::from).unwrap_or_default();
        let inputs = if self.inputs.is_empty() {
            spec.inputs.iter().map(|f| dir.join(f)).collect()
        } else {
            self.inputs.clone()
        };
        let output = self.output.clone().unwrap_or_else(|| dir.join(&spec.output));
        let profile = profile_named(&plan.profile)?;
        let (setup, _, _, load) = self.srs.open(&profile, false, task::needs_keys(spec))?;
        eprintln!("[{}] running ({} input files) → {}", self.task, inputs.len(), output.display());
        let timings = || {
            BTreeMap::from([
                ("load_keys".to_owned(), load.as_millis() as u64),
                ("root_proof".to_owned(), (t0.elapsed() - load).as_millis() as u64),
            ])
        };
        let done = task::run_files(&setup, &plan, &self.task, &inputs, &output, timings)
            .with_context(|| format!("task {} of {}", self.task, self.plan.display()))?;
        let summary = Summary {
            task: self.task.clone(),
            output: output.clone(),
            reused: done == Done::Reused,
            seconds: t0.elapsed().as_secs_f64(),
        };
        if self.json {
            return print_json(&summary);
        }
        let what = if summary.reused { "already done, kept" } else { "proven" };
        eprintln!("[{}] {what}: {} ({:.1} s)", self.task, output.display(), summary.seconds);
        Ok(())
    }
}
