//! `POST /v1/verify-image`: a wallet's check of one image, done server-side with the same
//! code as `lineage verify-image` (`lineage_core::output`): the content hash over the
//! decoded pixels, the receipt embedded in the PNG (or, without one, the anchor found by
//! content hash among posted manifests), and `judge` over the facts the index holds, the
//! model's kind of training included (`model.training_proven` or `model.training_declared`,
//! under the default policy: a declared model's output is valid, and says so).

use alloy::primitives::B256;
use axum::{
    body::Bytes,
    extract::{rejection::BytesRejection, State},
    http::{header, HeaderMap, StatusCode},
    Json,
};
use lineage_core::output::{
    content_hash, decode::fingerprint_file, is_png, judge, read_receipt, AttestationStatus,
    BaseFact, ChainFacts, DatasetFact, DatasetStatus, HashKind, OnChainBatch, Policy, Receipt,
    Verdict, RECEIPT_V1,
};
use serde::Serialize;

use super::{Answer, ApiError, AppState};
use crate::model::{Model, Tip};

/// The largest image accepted.
pub(super) const MAX_IMAGE_BYTES: usize = 16 << 20;
/// The one content type accepted.
pub(super) const IMAGE_MEDIA_TYPE: &str = "image/png";

/// Whether the request says it carries [`IMAGE_MEDIA_TYPE`] (parameters aside).
fn is_png_media_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(IMAGE_MEDIA_TYPE))
}

/// A verdict and the lineage behind it.
#[derive(Debug, Serialize)]
pub(super) struct ImageCheck {
    /// Where the receipt came from: `embedded`, `index` (a posted manifest) or `none`.
    receipt: &'static str,
    /// `lineage verify-image`'s verdict: outcome, stable codes, checks.
    verdict: Verdict,
    /// The model, its datasets, status and bases, when the output is anchored.
    model: Option<Model>,
}

fn attestation(status: &str) -> AttestationStatus {
    match status {
        "valid" => AttestationStatus::Valid,
        "revoked" => AttestationStatus::Revoked,
        "tainted" => AttestationStatus::Tainted,
        _ => AttestationStatus::None,
    }
}

fn dataset(status: &str) -> DatasetStatus {
    match status {
        "registered" => DatasetStatus::Registered,
        "certified" => DatasetStatus::Certified,
        "revoked" => DatasetStatus::Revoked,
        _ => DatasetStatus::None,
    }
}

/// The receipt a posted manifest stands for, when the image carries none.
async fn receipt_from_index(
    state: &AppState,
    hash: B256,
    kind: HashKind,
    tip: &Tip,
) -> Result<Option<Receipt>, ApiError> {
    let Some(output) = state.store.output(hash, tip).await? else { return Ok(None) };
    let Some(anchor) = output.anchors.into_iter().next() else { return Ok(None) };
    let b = anchor.batch;
    Ok(Some(Receipt {
        // Posted manifests list content hashes: version-1 leaves.
        version: RECEIPT_V1,
        chain_id: tip.chain_id,
        registry: state.registry,
        model_id: b.model_id,
        batch_index: b.batch_index,
        batch_root: b.batch_root,
        batch_count: b.count.parse().unwrap_or(0),
        leaf_index: anchor.leaf_index,
        content_hash: hash,
        hash_kind: kind,
        proof: anchor.merkle_proof,
        anchor_tx: b.provenance.tx_hash,
        anchor_block: b.provenance.block_number,
        perceptual_hash: None,
    }))
}

/// `POST /v1/verify-image` with the PNG as the body.
pub(super) async fn verify_image(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Answer<ImageCheck>>, ApiError> {
    if !is_png_media_type(&headers) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("send the image as content-type: {IMAGE_MEDIA_TYPE}"),
        ));
    }
    let bytes = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("images up to {MAX_IMAGE_BYTES} bytes"),
            )
        } else {
            ApiError::bad_request("invalid_body", r.body_text())
        }
    })?;
    if !is_png(&bytes) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_an_image",
            "upload a PNG image (the body must start with the PNG signature)",
        ));
    }
    // Decoding a large PNG takes milliseconds: keep it off the async workers.
    let decoded = tokio::task::spawn_blocking(move || {
        let file = content_hash(&bytes)?;
        let receipt = read_receipt(&bytes)?;
        // A version-2 receipt's fingerprint is checked against the image's own; one that
        // does not decode is `output.fingerprint_unchecked`.
        let fingerprint = match receipt.as_ref().and_then(|r| r.perceptual_hash) {
            Some(_) => fingerprint_file(&bytes).ok().flatten().map(|f| f.hash),
            None => None,
        };
        Ok::<_, lineage_core::output::Error>((file, receipt, fingerprint))
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    let (file, embedded, fingerprint) = decoded.map_err(|e| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_image", e.to_string())
    })?;

    let tip = *state.status.borrow();
    let tip = tip.tip;
    let (source, receipt) = match embedded {
        Some(r) => ("embedded", Some(r)),
        None => match receipt_from_index(&state, file.hash, file.kind, &tip).await? {
            Some(r) => ("index", Some(r)),
            None => ("none", None),
        },
    };
    let Some(receipt) = receipt else {
        let data = ImageCheck { receipt: source, verdict: Verdict::no_receipt(&file), model: None };
        return Ok(Json(Answer { data, chain: tip }));
    };
    if receipt.chain_id != tip.chain_id || receipt.registry != state.registry {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "other_deployment",
            format!(
                "the receipt is for registry {} on chain {}; this indexer follows {} on chain {}",
                receipt.registry, receipt.chain_id, state.registry, tip.chain_id
            ),
        ));
    }
    let batch = state.store.batch(receipt.model_id, receipt.batch_index).await?;
    let model = state.store.model(receipt.model_id, &tip).await?;
    let facts = ChainFacts {
        batch: batch.as_ref().map(|b| OnChainBatch { root: b.root, count: b.count }),
        attestation: model.as_ref().map_or(AttestationStatus::None, |m| attestation(&m.status)),
        // `attestation(modelId).kind`, as `lineage verify-image` reads it: the verdict
        // says `model.training_proven` or `model.training_declared`.
        training: model.as_ref().map(|m| m.kind),
        datasets: model.as_ref().map_or_else(Vec::new, |m| {
            m.datasets
                .iter()
                .map(|d| DatasetFact { id: d.dataset_id, status: dataset(&d.status) })
                .collect()
        }),
        bases: model.as_ref().and_then(|m| m.bases.as_ref()).map_or_else(Vec::new, |bases| {
            bases
                .iter()
                .map(|b| BaseFact { model_id: b.model_id, status: attestation(&b.status) })
                .collect()
        }),
        confirmations: batch.as_ref().map(|b| tip.confirmations(b.at.block_number)),
    };
    let verdict = judge(&file, fingerprint, &receipt, &facts, &Policy::default());
    Ok(Json(Answer { data: ImageCheck { receipt: source, verdict, model }, chain: tip }))
}
