//! `lineage status MODEL_ID`: a model's attestation status (valid, revoked, tainted), its
//! kind of training (proven, or declared with the model file's SHA-256) and its lineage:
//! the datasets it was trained on, their status and creators, and the models it was
//! fine-tuned from (a revoked or tainted base taints it).

use crate::{
    chain::{block_on, ChainArgs},
    io::print_json,
};
use alloy::primitives::B256;
use anyhow::{Context, Result};
use lineage_chain::client::ModelLineage;
use lineage_core::attestation::TrainingKind;
use std::process::ExitCode;

/// Arguments of `lineage status`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The model id (0x + 64 hex digits; `lineage attest` printed it).
    model_id: String,
    #[command(flatten)]
    chain: ChainArgs,
    /// Print the lineage as JSON on stdout.
    #[arg(long)]
    json: bool,
}

impl Args {
    /// Exit 0 when the model's attestation is valid, 1 when it is revoked or tainted.
    pub(crate) fn run(self) -> Result<ExitCode> {
        let id: B256 = self
            .model_id
            .parse()
            .with_context(|| format!("{:?} is not a model id (0x + 64 hex)", self.model_id))?;
        let lineage = block_on(async { Ok(self.chain.connect(None).await?.lineage(id).await?) })?;
        if self.json {
            print_json(&lineage)?;
        } else {
            print!("{}", render_lineage(&lineage));
        }
        Ok(match lineage.status {
            lineage_chain::client::AttestationStatus::Valid => ExitCode::SUCCESS,
            _ => ExitCode::FAILURE,
        })
    }
}

/// The lineage as a person reads it.
pub(crate) fn render_lineage(l: &ModelLineage) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(o, "model {}: {:?}", l.model_id, l.status);
    let _ = writeln!(o, "  publisher   {}", l.publisher);
    let _ = writeln!(o, "  profile     {}", l.profile_id);
    let training = match (l.training, l.model_hash) {
        (Some(TrainingKind::Proven), _) => "proven (the proof re-executes it)".to_owned(),
        (Some(TrainingKind::Declared), hash) => format!(
            "declared by the publisher, NOT proven; training set proven{}",
            hash.map(|h| format!(", model file sha256 {h}")).unwrap_or_default()
        ),
        (None, _) => "unknown kind".to_owned(),
    };
    let _ = writeln!(o, "  training    {training}");
    let _ = writeln!(o, "  records     {} (license mask {:#x})", l.n_records, l.license_mask);
    if let (Some(block), Some(conf)) = (l.attested_block, l.confirmations) {
        let _ = writeln!(o, "  attested    block {block} ({conf} confirmations)");
    }
    for (depth, b) in l.bases.iter().enumerate() {
        let lead = if depth == 0 { "fine-tuned from" } else { "  which was fine-tuned from" };
        let _ = writeln!(
            o,
            "  {lead} model {}: {:?} (publisher {})",
            b.model_id, b.status, b.publisher
        );
    }
    for d in &l.datasets {
        let _ = writeln!(
            o,
            "  dataset {}: {:?}, {} records used, root {:#066x}",
            d.id, d.status, d.count, d.root
        );
        for c in &d.creators {
            let _ = writeln!(o, "    creator {} (weight {})", c.address, c.weight);
        }
    }
    o
}
