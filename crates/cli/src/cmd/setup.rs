//! `lineage setup`: the SRS parameters and the keys of a profile's circuits (the chunk
//! circuit, and the single aggregation or, for a tree profile, the two node keys and the
//! root), cached and reused; optionally the Solidity verifier of its final proof.

use crate::io::{print_json, write_atomic, Stages};
use anyhow::{bail, Result};
use lineage_circuits::{profile, Profile};
use lineage_prover::{
    artifacts::{self, Need, Opened, SrsSource},
    pipeline::{verifier_contract_name, Setup},
    srs::DEV_WARNING,
};
use serde::Serialize;
use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

/// Which SRS, where the artifacts live, which profile: shared by `setup` and `prove`.
#[derive(Debug, clap::Args)]
pub(crate) struct KeyArgs {
    /// Circuit profile.
    #[arg(long, env = "LINEAGE_PROFILE", default_value = "demo")]
    pub(crate) profile: String,
    #[command(flatten)]
    pub(crate) srs: SrsArgs,
}

/// Which SRS and where the artifacts live: `prove-task` takes the profile from its plan.
#[derive(Debug, clap::Args)]
pub(crate) struct SrsArgs {
    /// Use the deterministic development SRS: INSECURE (its secret is public), for tests
    /// and local demos only.
    #[arg(long, conflicts_with = "srs")]
    pub(crate) dev_srs: bool,
    /// A ceremony SRS file in halo2's KZG format (its SHA-256 is pinned in the artifacts).
    #[arg(long, env = "LINEAGE_SRS")]
    pub(crate) srs: Option<PathBuf>,
    /// Artifacts cache [default: $LINEAGE_CACHE or ~/.cache/lineage].
    #[arg(long)]
    pub(crate) cache: Option<PathBuf>,
}

impl SrsArgs {
    pub(crate) fn source(&self) -> Result<SrsSource> {
        match (&self.srs, self.dev_srs) {
            (Some(path), _) => Ok(SrsSource::Ceremony(path.clone())),
            (None, true) => Ok(SrsSource::Dev),
            (None, false) => bail!(
                "choose the SRS: --srs FILE (a ceremony SRS) or --dev-srs (INSECURE, local only)"
            ),
        }
    }

    pub(crate) fn root(&self) -> PathBuf {
        self.cache.clone().unwrap_or_else(artifacts::default_root)
    }

    /// Loads `profile`'s cached setup with the proving keys `need` names, or generates it
    /// all (minutes) and caches it.
    pub(crate) fn open(
        &self,
        profile: &Profile,
        force: bool,
        need: Need,
    ) -> Result<(Setup, Opened, PathBuf, Duration)> {
        let source = self.source()?;
        if source == SrsSource::Dev {
            eprintln!("warning: {DEV_WARNING}");
        }
        let t0 = Instant::now();
        let stages = Stages::new();
        let mut progress = |stage: &str| stages.stage(stage);
        let (setup, opened, dir) =
            artifacts::open_for(&self.root(), profile, &source, force, need, &mut progress)?;
        Ok((setup, opened, dir, t0.elapsed()))
    }
}

impl KeyArgs {
    pub(crate) fn profile(&self) -> Result<Profile> {
        profile_named(&self.profile)
    }

    /// Loads the cached setup, or generates it (minutes) and caches it.
    pub(crate) fn open(&self, force: bool) -> Result<(Setup, Opened, PathBuf, Duration)> {
        self.srs.open(&self.profile()?, force, Need::ALL)
    }
}

/// The profile called `name`, or an error listing the profiles.
pub(crate) fn profile_named(name: &str) -> Result<Profile> {
    match profile::by_name(name) {
        Some(p) => Ok(p),
        None => {
            let names: Vec<&str> = profile::ALL.iter().map(|p| p.name).collect();
            bail!("unknown profile {name:?} (profiles: {})", names.join(", "))
        }
    }
}

/// Arguments of `lineage setup`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    keys: KeyArgs,
    /// Regenerate even when consistent artifacts are cached.
    #[arg(long)]
    force: bool,
    /// Also write the profile's Solidity verifier here (e.g.
    /// contracts/verifiers/LineageVerifierDemo.sol).
    #[arg(long)]
    verifier_out: Option<PathBuf>,
    /// Print a JSON summary on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Summary {
    profile: String,
    srs: lineage_core::attestation::SrsInfo,
    artifacts: PathBuf,
    generated: bool,
    seconds: f64,
    aggregation_vk_sha256: String,
    verifier: Option<PathBuf>,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        let (setup, opened, dir, took) = self.keys.open(self.force)?;
        if let Some(out) = &self.verifier_out {
            write_atomic(out, setup.verifier_solidity().as_bytes())?;
            eprintln!("wrote {} ({})", out.display(), verifier_contract_name(&setup.profile));
        }
        let summary = Summary {
            profile: setup.profile.name.to_owned(),
            srs: setup.srs.clone(),
            artifacts: dir,
            generated: opened == Opened::Generated,
            seconds: took.as_secs_f64(),
            aggregation_vk_sha256: artifacts::vk_sha256(setup.aggregate_keys.vk()),
            verifier: self.verifier_out,
        };
        if self.json {
            return print_json(&summary);
        }
        eprintln!(
            "{} setup for profile {} ({} SRS) in {:.1} s: {}",
            if summary.generated { "generated" } else { "loaded" },
            summary.profile,
            summary.srs.kind,
            summary.seconds,
            summary.artifacts.display()
        );
        Ok(())
    }
}
