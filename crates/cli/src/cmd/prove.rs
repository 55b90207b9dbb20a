//! `lineage prove`: the dataset proof and the training proof of a trained model,
//! aggregated into ONE proof the chain verifies, written as an attestation file with the
//! named public values, the verifier calldata, versions and per-stage timings.
//!
//! Everything that can be checked natively is checked before any proving starts: the
//! records come from the named datasets under allowed licenses, and training them as
//! `model.json` declares gives exactly its weights. A fine-tuned model (`lineage train
//! --base`) is proved the same way: its start is public as `w0_hash`, and `lineage attest
//! --base` names the attested model with those weights.

use crate::{
    cmd::setup::KeyArgs,
    io::{print_json, read_json, write_json, Stages},
    records::Source,
};
use anyhow::{bail, Context, Result};
use lineage_circuits::{dataset::DatasetCircuit, training::TrainingCircuit};
use lineage_core::{
    field::fr_to_hex,
    record::parse_address,
    train::{ModelFile, Weights},
    Address, DatasetManifest, License,
};
use serde::Serialize;
use std::{collections::BTreeMap, path::PathBuf, time::Instant};

/// Arguments of `lineage prove`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    keys: KeyArgs,
    /// Certified dataset manifests, comma-separated; their order is the slot order.
    #[arg(long, value_delimiter = ',', required = true)]
    datasets: Vec<PathBuf>,
    /// The training records exactly as `lineage train --data` read them, comma-separated,
    /// in order.
    #[arg(long, value_delimiter = ',', required = true)]
    train: Vec<PathBuf>,
    /// The trained model (`lineage train -o`).
    #[arg(long)]
    model: PathBuf,
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
    /// Print a JSON summary on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Summary {
    attestation: PathBuf,
    profile: String,
    insecure_srs: bool,
    w_hash: String,
    train_root: String,
    n_records: u64,
    counts: Vec<u64>,
    proof_bytes: usize,
    calldata_bytes: usize,
    timings_ms: BTreeMap<String, u64>,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        let t0 = Instant::now();
        let profile = self.keys.profile()?;
        let model: ModelFile = read_json(&self.model, "model file")?;
        if model.profile != profile.name {
            bail!(
                "{} was trained for profile {:?}, not {:?}",
                self.model.display(),
                model.profile,
                profile.name
            );
        }
        let source = Source {
            profile: profile.name,
            frac_bits: profile.training.frac_bits,
            creator: self.creator,
            license: self.license,
        };
        let records = source.load_training_set(&self.train)?;
        let datasets = self
            .datasets
            .iter()
            .map(|p| read_json::<DatasetManifest>(p, "dataset manifest"))
            .collect::<Result<Vec<_>>>()?;
        let mask = if self.licenses.is_empty() {
            records.iter().fold(0, |m, r| m | r.license.mask_bit())
        } else {
            self.licenses.iter().fold(0, |m, l| m | l.mask_bit())
        };

        let dataset_witness = DatasetCircuit::new(&profile)
            .witness(&datasets, &records, mask)
            .context(
            "the training records do not all come from the named datasets under allowed licenses",
        )?;
        let fine_tuned = model.w0 != Weights::zeros(profile.training.features);
        let training = TrainingCircuit::new(&profile);
        let training_witness = training
            .witness(records, model.hyper.lr, model.w0.clone())
            .context("these records cannot be trained as the model declares")?;
        if training_witness.weights != model.weights
            || training.hyper(model.hyper.lr, training_witness.records.len()) != model.hyper
        {
            bail!(
                "{}: training these records with its hyperparameters does not give its weights \
                 (was it trained on other data, by an older lineage that kept the sources' order, or \
                 with other settings?)",
                self.model.display()
            );
        }

        let (setup, _, _, setup_time) = self.keys.open(false)?;
        let stages = Stages::new();
        let mut progress = |stage: &str| stages.stage(stage);
        let (proof, mut timings) =
            setup.prove_timed(&dataset_witness, &training_witness, &mut progress)?;
        timings.insert("load_keys".into(), setup_time.as_millis() as u64);
        progress("verifying off-chain");
        if !setup.verify(&proof) {
            bail!("the aggregated proof does not verify (a prover bug: please report it)");
        }
        timings.insert("total".into(), t0.elapsed().as_millis() as u64);
        let att = setup.attestation(&proof, timings);
        write_json(&self.out, &att).context("writing the attestation")?;

        let summary = Summary {
            attestation: self.out.clone(),
            profile: att.profile.clone(),
            insecure_srs: att.srs.insecure,
            w_hash: fr_to_hex(&att.public.w_hash),
            train_root: fr_to_hex(&att.public.train_root),
            n_records: att.public.n_records,
            counts: att.public.counts.clone(),
            proof_bytes: att.proof.len(),
            calldata_bytes: att.calldata.len(),
            timings_ms: att.timings_ms.clone(),
        };
        if self.json {
            return print_json(&summary);
        }
        eprintln!(
            "proved the weights with w_hash {} on {} records (per dataset: {:?}) in {:.1} s: {} \
             ({} B proof){}; the model id is fixed at attestation: keccak256(publisher, w_hash)",
            summary.w_hash,
            summary.n_records,
            &summary.counts[..datasets.len()],
            t0.elapsed().as_secs_f64(),
            self.out.display(),
            summary.proof_bytes,
            if summary.insecure_srs { "; INSECURE dev SRS" } else { "" }
        );
        if fine_tuned {
            eprintln!(
                "training started from weights with w0_hash {} (a fine-tune): attest it with \
                 --base MODEL_ID, the attested model with those weights",
                fr_to_hex(&att.public.w0_hash)
            );
        }
        Ok(())
    }
}
