//! The endpoints.

use axum::{
    extract::{rejection::JsonRejection, rejection::QueryRejection, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};

use super::{
    params::{self, ListQuery, PathParam, PathParams, SimilarQuery},
    Answer, ApiError, AppState, List,
};
use crate::{
    model::{
        Creator, Dataset, Model, ModelProof, ModelUse, Output, OutputBatch, Provenance,
        RoyaltyEvent, Similar,
    },
    outputs,
    store::{ManifestEntry, PageKey, ProofLookup, UsesOf},
};

type ApiResult<T> = Result<Json<T>, ApiError>;

fn list_query(q: Result<Query<ListQuery>, QueryRejection>) -> Result<ListQuery, ApiError> {
    Ok(q?.0)
}

/// `GET /v1/datasets`
pub(super) async fn datasets(
    State(state): State<AppState>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<List<Dataset>> {
    let q = list_query(q)?;
    let limit = q.limit()?;
    let after = match q.key()? {
        None => None,
        Some(PageKey::Dataset(id)) => Some(id),
        Some(_) => return Err(ApiError::bad_request("invalid_cursor", "not a datasets cursor")),
    };
    let tip = state.tip();
    let page = state.store.datasets(after, limit, &tip).await?;
    Ok(Json(List { data: page.items, next_cursor: page.next.map(PageKey::cursor), chain: tip }))
}

/// `GET /v1/datasets/{id}`
pub(super) async fn dataset(
    State(state): State<AppState>,
    PathParam(id): PathParam,
) -> ApiResult<Answer<Dataset>> {
    let id = params::dataset_id(&id)?;
    let tip = state.tip();
    let dataset = state
        .store
        .dataset(id, params::DEFAULT_LIMIT, &tip)
        .await?
        .ok_or_else(|| ApiError::not_found("dataset_not_found", format!("no dataset {id}")))?;
    Ok(Json(Answer { data: dataset, chain: tip }))
}

/// `GET /v1/models`
pub(super) async fn models(
    State(state): State<AppState>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<List<Model>> {
    let (after, limit) = models_page(q)?;
    let tip = state.tip();
    let page = state.store.models(after, limit, &tip).await?;
    Ok(Json(List { data: page.items, next_cursor: page.next.map(PageKey::cursor), chain: tip }))
}

/// The position to continue after (from a models cursor) and the page size of a list of
/// models.
fn models_page(
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<(Option<(u64, u64)>, u32), ApiError> {
    let q = list_query(q)?;
    let after = match q.key()? {
        None => None,
        Some(PageKey::Model(block, log)) => Some((block, log)),
        Some(_) => return Err(ApiError::bad_request("invalid_cursor", "not a models cursor")),
    };
    Ok((after, q.limit()?))
}

/// `GET /v1/models/{id}` and `GET /v1/attestations/{id}`
pub(super) async fn model(
    State(state): State<AppState>,
    PathParam(id): PathParam,
) -> ApiResult<Answer<Model>> {
    let id = params::hash(&id, "a model id")?;
    let tip = state.tip();
    let model =
        state.store.model(id, &tip).await?.ok_or_else(|| {
            ApiError::not_found("model_not_found", format!("no attestation {id}"))
        })?;
    Ok(Json(Answer { data: model, chain: tip }))
}

/// `GET /v1/models/{id}/derived`: the models fine-tuned directly from one (an unknown
/// model has none: an empty page, not a 404).
pub(super) async fn derived(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<List<Model>> {
    let id = params::hash(&id, "a model id")?;
    let (after, limit) = models_page(q)?;
    let tip = state.tip();
    let page = state.store.derived(id, after, limit, &tip).await?;
    Ok(Json(List { data: page.items, next_cursor: page.next.map(PageKey::cursor), chain: tip }))
}

/// `GET /v1/models/{id}/proof`
pub(super) async fn model_proof(
    State(state): State<AppState>,
    PathParam(id): PathParam,
) -> ApiResult<Answer<ModelProof>> {
    let id = params::hash(&id, "a model id")?;
    let tip = state.tip();
    match state.store.model_proof(id, &tip).await? {
        ProofLookup::Found(proof) => Ok(Json(Answer { data: *proof, chain: tip })),
        ProofLookup::UnknownModel => {
            Err(ApiError::not_found("model_not_found", format!("no attestation {id}")))
        }
        ProofLookup::Unavailable => Err(ApiError::not_found(
            "proof_unavailable",
            "the attestation was not a direct registry call; its proof is not indexed",
        )),
    }
}

/// A batch manifest: an anchored batch's outputs, in leaf order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Manifest {
    model_id: String,
    batch_index: u64,
    outputs: Vec<ManifestOutput>,
}

/// One output of a manifest: its content hash (a version-1 leaf), or its content hash and
/// the PDQ fingerprint its version-2 leaf commits to.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum ManifestOutput {
    /// A version-1 leaf.
    Hash(String),
    /// A version-2 leaf when `perceptual_hash` is given.
    Entry(ManifestEntryBody),
}

/// The object form of [`ManifestOutput`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ManifestEntryBody {
    content_hash: String,
    perceptual_hash: Option<String>,
}

impl ManifestOutput {
    fn parse(&self) -> Result<ManifestEntry, ApiError> {
        let (content, perceptual) = match self {
            Self::Hash(h) => (h, None),
            Self::Entry(e) => (&e.content_hash, e.perceptual_hash.as_ref()),
        };
        Ok(ManifestEntry {
            content_hash: params::hash(content, "each output content hash")?,
            perceptual_hash: perceptual
                .map(|p| params::hash(p, "each output perceptual hash"))
                .transpose()?,
        })
    }
}

/// What a posted manifest was matched with.
#[derive(Debug, Serialize)]
pub(super) struct ManifestAccepted {
    model_id: alloy::primitives::B256,
    batch_index: u64,
    batch_root: alloy::primitives::B256,
    count: u64,
    provenance: Provenance,
}

/// `POST /v1/outputs/batches`
pub(super) async fn post_manifest(
    State(state): State<AppState>,
    body: Result<Json<Manifest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(m) = body?;
    let model = params::hash(&m.model_id, "model_id")?;
    let entries = m.outputs.iter().map(ManifestOutput::parse).collect::<Result<Vec<_>, _>>()?;
    if entries.is_empty() {
        // The registry refuses to anchor an empty batch: no empty manifest can match one.
        return Err(ApiError::bad_request("empty_manifest", "outputs lists no content hash"));
    }
    let tip = state.tip();
    let batch = state.store.batch(model, m.batch_index).await?.ok_or_else(|| {
        ApiError::not_found(
            "batch_not_found",
            format!("no batch {} anchored for model {model} (yet?)", m.batch_index),
        )
    })?;
    if entries.len() as u64 != batch.count {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "count_mismatch",
            format!(
                "the batch anchors {} outputs, the manifest lists {}",
                batch.count,
                entries.len()
            ),
        ));
    }
    let leaves: Vec<_> = entries.iter().map(ManifestEntry::leaf).collect();
    let root = outputs::root(&leaves);
    if root != batch.root {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "root_mismatch",
            format!("the manifest's root is {root}, the anchored root is {}", batch.root),
        ));
    }
    state.store.insert_manifest(model, m.batch_index, root, &entries).await?;
    // Answers naming this batch (`manifest_posted`) or its outputs are stale now.
    state.cache.clear();
    let accepted = ManifestAccepted {
        model_id: model,
        batch_index: m.batch_index,
        batch_root: root,
        count: batch.count,
        provenance: tip.provenance(batch.at),
    };
    Ok((StatusCode::CREATED, Json(Answer { data: accepted, chain: tip })).into_response())
}

/// `GET /v1/outputs/{hash}`
pub(super) async fn output(
    State(state): State<AppState>,
    PathParam(hash): PathParam,
) -> ApiResult<Answer<Output>> {
    let hash = params::hash(&hash, "a content hash")?;
    let tip = state.tip();
    let output = state.store.output(hash, &tip).await?.ok_or_else(|| {
        ApiError::not_found("output_not_found", format!("no posted manifest lists {hash}"))
    })?;
    Ok(Json(Answer { data: output, chain: tip }))
}

/// `GET /v1/outputs/similar?fingerprint=...`
pub(super) async fn similar(
    State(state): State<AppState>,
    q: Result<Query<SimilarQuery>, QueryRejection>,
) -> ApiResult<Answer<Similar>> {
    let Query(q) = q?;
    let (fingerprint, max_distance, limit) = q.parse()?;
    let tip = state.tip();
    let similar = state.store.similar(fingerprint, max_distance, limit as usize, &tip).await?;
    Ok(Json(Answer { data: similar, chain: tip }))
}

/// `GET /v1/creators/{address}`
pub(super) async fn creator(
    State(state): State<AppState>,
    PathParam(address): PathParam,
) -> ApiResult<Answer<Creator>> {
    let address = params::address(&address)?;
    let tip = state.tip();
    let creator =
        state.store.creator(address, params::DEFAULT_LIMIT, &tip).await?.ok_or_else(|| {
            ApiError::not_found("creator_not_found", format!("no dataset names {address}"))
        })?;
    Ok(Json(Answer { data: creator, chain: tip }))
}

/// `GET /v1/datasets/{id}/models`
pub(super) async fn dataset_models(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<List<ModelUse>> {
    let id = params::dataset_id(&id)?;
    uses(&state, UsesOf::Dataset(id), q).await
}

/// `GET /v1/creators/{address}/usage`
pub(super) async fn creator_usage(
    State(state): State<AppState>,
    PathParam(address): PathParam,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<List<ModelUse>> {
    let address = params::address(&address)?;
    uses(&state, UsesOf::Creator(address), q).await
}

/// `GET /v1/models/{id}/batches/{index}`: an anchored batch as the chain has it (root,
/// count, event), whether or not its manifest was posted; what a page verifying an image
/// with this indexer's facts needs besides the model.
pub(super) async fn model_batch(
    State(state): State<AppState>,
    PathParams(id, index): PathParams,
) -> ApiResult<Answer<OutputBatch>> {
    let model = params::hash(&id, "model id")?;
    let index = params::batch_index(&index)?;
    let tip = state.tip();
    match state.store.output_batch(model, index, &tip).await? {
        Some(data) => Ok(Json(Answer { data, chain: tip })),
        None => Err(ApiError::not_found(
            "batch_not_found",
            format!("model {model} has no batch {index}"),
        )),
    }
}

/// `GET /v1/creators/{address}/royalties`: the creator's royalty events in chain order (an
/// address no dataset names has none: an empty page, not a 404).
pub(super) async fn creator_royalties(
    State(state): State<AppState>,
    PathParam(address): PathParam,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<List<RoyaltyEvent>> {
    let address = params::address(&address)?;
    let q = list_query(q)?;
    let limit = q.limit()?;
    let after = match q.key()? {
        None => None,
        Some(PageKey::Royalty(block, log)) => Some((block, log)),
        Some(_) => return Err(ApiError::bad_request("invalid_cursor", "not a royalties cursor")),
    };
    let tip = state.tip();
    let page = state.store.royalty_events(address, after, limit, &tip).await?;
    Ok(Json(List { data: page.items, next_cursor: page.next.map(PageKey::cursor), chain: tip }))
}

/// A page of uses (an unknown dataset or creator has none: an empty page, not a 404).
async fn uses(
    state: &AppState,
    of: UsesOf,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> ApiResult<List<ModelUse>> {
    let q = list_query(q)?;
    let limit = q.limit()?;
    let after = match q.key()? {
        None => None,
        Some(PageKey::Use(block, log, slot)) => Some((block, log, slot)),
        Some(_) => return Err(ApiError::bad_request("invalid_cursor", "not a usage cursor")),
    };
    let tip = state.tip();
    let page = state.store.uses(of, after, limit, &tip).await?;
    Ok(Json(List { data: page.items, next_cursor: page.next.map(PageKey::cursor), chain: tip }))
}

#[derive(Serialize)]
pub(super) struct Status {
    ready: bool,
    backend: &'static str,
    blocks_behind: u64,
    events_processed: u64,
}

/// `GET /v1/status`
pub(super) async fn status(State(state): State<AppState>) -> Json<Answer<Status>> {
    let s = *state.status.borrow();
    Json(Answer {
        data: Status {
            ready: s.ready,
            backend: state.store.backend_name(),
            blocks_behind: s.tip.head_block.saturating_sub(s.tip.indexed_block),
            events_processed: state.metrics.events_total(),
        },
        chain: s.tip,
    })
}

/// `GET /health`: the process is up.
pub(super) async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// `GET /ready`: 200 once caught up, 503 while catching up.
pub(super) async fn ready(State(state): State<AppState>) -> Response {
    let s = *state.status.borrow();
    let body = serde_json::json!({"ready": s.ready, "chain": s.tip});
    if s.ready {
        (StatusCode::OK, Json(body)).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
    }
}

/// `GET /metrics`: Prometheus text format.
pub(super) async fn metrics(State(state): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render())
        .into_response()
}

/// `GET /openapi.json`
pub(super) async fn openapi() -> Json<serde_json::Value> {
    Json(super::openapi::document())
}

/// Any unknown path.
pub(super) async fn not_found() -> ApiError {
    ApiError::not_found("route_not_found", "no such endpoint; see /openapi.json")
}

/// A known path with the wrong method.
pub(super) async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "see /openapi.json")
}
