//! `POST /v1/verify-image`: a wallet's check of one image (PNG, JPEG or WebP), done
//! server-side with the same code as `lineage verify-image` (`lineage_core::output`): the
//! content hash, the receipt embedded in the file (or, without one, the anchor found by
//! content hash among posted manifests), and `judge` over the facts the index holds, the
//! model's kind of training included (`model.training_proven` or `model.training_declared`,
//! under the default policy: a declared model's output is valid, and says so). A file with
//! neither gets its fingerprint looked up among the posted manifests' (`output.similar`,
//! cannot tell, with the nearest anchored outputs and their lineage).

use alloy::primitives::B256;
use axum::{
    body::Bytes,
    extract::{rejection::BytesRejection, State},
    http::{header, HeaderMap, StatusCode},
    Json,
};
use lineage_core::output::{
    content_hash, decode::fingerprint_file, judge, pdq, read_receipt, AttestationStatus, BaseFact,
    Candidate, ChainFacts, DatasetFact, DatasetStatus, HashKind, OnChainBatch, Policy, Receipt,
    Verdict, RECEIPT_V1, RECEIPT_V2,
};
use serde::Serialize;

use super::{Answer, ApiError, AppState};
use crate::model::{Model, SimilarOutput, Tip};

/// The largest image accepted.
pub(super) const MAX_IMAGE_BYTES: usize = 16 << 20;
/// The content types accepted, each with the format its body must be.
pub(super) const IMAGE_MEDIA_TYPES: [(&str, HashKind); 3] = [
    ("image/png", HashKind::PngPixels),
    ("image/jpeg", HashKind::Jpeg),
    ("image/webp", HashKind::Webp),
];
/// How many similar outputs an answer lists at most.
const SIMILAR_LIMIT: usize = 5;

/// The format the request's content type names (parameters aside), if it is one of
/// [`IMAGE_MEDIA_TYPES`].
fn media_kind(headers: &HeaderMap) -> Option<HashKind> {
    let essence = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())?
        .trim();
    IMAGE_MEDIA_TYPES.iter().find(|(t, _)| essence.eq_ignore_ascii_case(t)).map(|&(_, k)| k)
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
    /// Without a receipt: the anchored outputs whose fingerprints are near the image's,
    /// nearest first (the verdict is then `output.similar`); otherwise empty.
    similar: Vec<SimilarOutput>,
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
        version: if anchor.perceptual_hash.is_some() { RECEIPT_V2 } else { RECEIPT_V1 },
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
        perceptual_hash: anchor.perceptual_hash,
    }))
}

/// `POST /v1/verify-image` with the PNG, JPEG or WebP as the body.
pub(super) async fn verify_image(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Answer<ImageCheck>>, ApiError> {
    let Some(kind) = media_kind(&headers) else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the image as content-type: image/png, image/jpeg or image/webp",
        ));
    };
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
    if HashKind::sniff(&bytes) != kind {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_an_image",
            format!("the body is not the {} image its content type says", kind.format()),
        ));
    }
    // Decoding a large image takes milliseconds: keep it off the async workers.
    let decoded = tokio::task::spawn_blocking(move || {
        let file = content_hash(&bytes)?;
        let receipt = read_receipt(&bytes)?;
        // A version-2 receipt's fingerprint is checked against the image's own (one that
        // does not decode is `output.fingerprint_unchecked`); without a receipt it is what
        // a similarity lookup needs, unless it says too little (quality under 50).
        let fingerprint = match &receipt {
            Some(r) if r.perceptual_hash.is_some() => {
                fingerprint_file(&bytes).ok().flatten().map(|f| f.hash)
            }
            Some(_) => None,
            None => fingerprint_file(&bytes).ok().flatten().filter(|f| f.usable()).map(|f| f.hash),
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
        return Ok(Json(Answer {
            data: by_fingerprint(&state, &file, fingerprint, &tip).await?,
            chain: tip,
        }));
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
    let data = ImageCheck { receipt: source, verdict, model, similar: vec![] };
    Ok(Json(Answer { data, chain: tip }))
}

/// The answer for an image with no receipt and no exact match: `output.similar` with the
/// nearest anchored outputs when its fingerprint is near some, else `output.unknown`.
async fn by_fingerprint(
    state: &AppState,
    file: &lineage_core::output::OutputHash,
    fingerprint: Option<B256>,
    tip: &Tip,
) -> Result<ImageCheck, ApiError> {
    let none = ImageCheck {
        receipt: "none",
        verdict: Verdict::no_receipt(file),
        model: None,
        similar: vec![],
    };
    let Some(fp) = fingerprint else { return Ok(none) };
    let found = state.store.similar(fp, pdq::MATCH_DISTANCE, SIMILAR_LIMIT, tip).await?;
    let Some(nearest) = found.candidates.first() else { return Ok(none) };
    let a = &nearest.anchor;
    let candidate = Candidate {
        distance: nearest.distance,
        model_id: a.batch.model_id,
        batch_index: a.batch.batch_index,
        leaf_index: a.leaf_index,
        content_hash: nearest.content_hash,
    };
    Ok(ImageCheck {
        receipt: "none",
        verdict: Verdict::similar(file, fp, &candidate),
        model: Some(a.model.clone()),
        similar: found.candidates,
    })
}
