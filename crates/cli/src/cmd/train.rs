//! `lineage train`: the fixed-point logistic-regression trainer whose run the training
//! proof re-executes.
//!
//! Training data: one or more `--data` sources, put in the training order: ascending
//! content hash, whatever the order of the sources (that order is the SGD order and the
//! `train_root` leaf order; the dataset circuit requires it to prove no work counts twice). A `.json` file is a dataset manifest
//! (`lineage dataset build`; verified, and its `frac_bits` must be the profile's); any
//! other file is JSONL records as `dataset build` ingests them, with features quantised
//! at the profile's fractional bits.
//!
//! Training starts from the profile's zero weights, or, with `--base MODEL`, from the
//! weights of a model trained before (fine-tuning): the registry accepts the second only
//! when that model is attested, and the attestation names it (`lineage attest --base`).

use crate::{
    io::{print_json, read_json, write_json},
    records::Source,
};
use anyhow::{bail, Context, Result};
use lineage_circuits::{profile, training::TrainingCircuit};
use lineage_core::{
    field::fr_to_hex,
    ingest::quantize,
    record::{parse_address, Record},
    train::{self, to_real, ModelFile, Weights, MODEL_VERSION},
    License, MerkleTree,
};
use std::path::PathBuf;

/// Arguments of `lineage train`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Training records: a JSONL of records or a dataset manifest (`.json`); repeat for
    /// several (trained in ascending content order, whatever the order given).
    #[arg(long, required = true)]
    data: Vec<PathBuf>,
    /// Circuit profile: fixes features, epochs, fractional bits and capacity.
    #[arg(long, env = "LINEAGE_PROFILE", default_value = "demo")]
    profile: String,
    /// Epochs (must be the profile's; defaults to it).
    #[arg(long)]
    epochs: Option<u32>,
    /// Learning rate, a real in (0, 1]; stored in fixed point at the profile's bits.
    #[arg(long)]
    lr: f64,
    /// Creator for JSONL records that do not name one.
    #[arg(long, env = "LINEAGE_CREATOR", value_parser = parse_address)]
    creator: Option<lineage_core::Address>,
    /// License code for JSONL records that do not name one.
    #[arg(long, env = "LINEAGE_LICENSE")]
    license: Option<License>,
    /// Fine-tune: start from this model's weights (a `lineage train -o` file of the same
    /// profile) instead of zero weights.
    #[arg(long, value_name = "MODEL")]
    base: Option<PathBuf>,
    /// Where to write the model.
    #[arg(short, long)]
    out: PathBuf,
    /// Print the model as JSON on stdout instead of the bare `w_hash`.
    #[arg(long)]
    json: bool,
}

impl Args {
    pub(crate) fn run(self) -> Result<()> {
        let Some(p) = profile::by_name(&self.profile) else {
            let names: Vec<&str> = profile::ALL.iter().map(|p| p.name).collect();
            bail!("unknown profile {:?} (profiles: {})", self.profile, names.join(", "));
        };
        let shape = p.training;
        if let Some(e) = self.epochs.filter(|&e| e != shape.epochs) {
            bail!(
                "the {} profile trains (and proves) exactly {} epochs, not {e}",
                p.name,
                shape.epochs
            );
        }
        let lr = quantize(self.lr, shape.frac_bits).context("--lr")?;

        let source = Source {
            profile: p.name,
            frac_bits: shape.frac_bits,
            creator: self.creator,
            license: self.license,
            lookup: &[],
        };
        let records = source.load_training_set(&self.data)?;
        let w0 = match &self.base {
            None => Weights::zeros(shape.features),
            Some(path) => {
                let base: ModelFile = read_json(path, "base model")?;
                if base.profile != p.name {
                    bail!(
                        "{}: the base model is of profile {:?}, not {:?}",
                        path.display(),
                        base.profile,
                        p.name
                    );
                }
                base.weights
            }
        };
        // Natively, as the proofs will re-execute it: any number of records up to the
        // profile's `max_records` (more than its chunk capacity is proven in chunks).
        let leaves: Vec<_> = records.iter().map(Record::leaf).collect();
        let train_root = MerkleTree::new(leaves, p.train_depth())
            .with_context(|| {
                format!("the {} profile trains at most {} records", p.name, p.max_records)
            })?
            .root();
        let hyper = TrainingCircuit::new(&p).hyper(lr, records.len());
        let weights = train::train(&hyper, &records, &w0)
            .context("the training data or hyperparameters cannot be trained (or proved)")?;
        let f = shape.frac_bits;
        let model = ModelFile {
            version: MODEL_VERSION,
            profile: p.name.to_owned(),
            hyper,
            lr: to_real(lr, f),
            capacity: p.records,
            weights_real: weights.w.iter().map(|&w| to_real(w, f)).collect(),
            bias_real: to_real(weights.bias, f),
            training_accuracy: weights.accuracy(&records, f),
            train_root,
            w0_hash: w0.hash(),
            w_hash: weights.hash(),
            hyper_hash: hyper.hash(),
            weights,
            w0,
        };
        write_json(&self.out, &model).context("writing the model")?;
        if self.json {
            print_json(&model)?;
        } else {
            eprintln!(
                "trained on {} records ({} epochs, lr {}, profile {}{}): training accuracy {:.1}% -> {}",
                model.hyper.samples,
                model.hyper.epochs,
                model.lr,
                model.profile,
                match &self.base {
                    Some(_) => format!(", fine-tuned from w_hash {}", fr_to_hex(&model.w0_hash)),
                    None => String::new(),
                },
                100.0 * model.training_accuracy,
                self.out.display()
            );
            println!("{}", fr_to_hex(&model.w_hash));
        }
        Ok(())
    }
}
