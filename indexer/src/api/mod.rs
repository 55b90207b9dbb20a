//! The REST API: `/v1` lookups, `/openapi.json`, `/health`, `/ready`, `/metrics`.
//!
//! Every `/v1` answer is `{"data": ..., "chain": {...}}` (lists add `next_cursor`): `chain`
//! says where the index stands (head, finalized and indexed block) and each fact in
//! `data` carries the provenance of the event it rests on. Errors all have one shape
//! ([`ApiError`]).

mod cache;
mod error;
mod handlers;
pub mod openapi;
mod params;
mod verify;

use std::{sync::Arc, time::Duration};

use axum::{
    extract::{DefaultBodyLimit, MatchedPath, Request, State},
    http::StatusCode,
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use serde::Serialize;
use tokio::sync::watch;
use tower_http::trace::{DefaultOnFailure, TraceLayer};

pub use cache::ResponseCache;
pub use error::ApiError;
pub use params::{DEFAULT_LIMIT, MAX_LIMIT};

use crate::{follower::SyncStatus, metrics::Metrics, model::Tip, store::Store};

/// Limits the API enforces.
#[derive(Clone, Debug)]
pub struct ApiConfig {
    /// Longest time a request may take before a 503.
    pub request_timeout: Duration,
    /// Largest request body (batch manifests), in bytes.
    pub body_limit: usize,
    /// Answers kept by the response cache (0: no cache).
    pub cache_entries: usize,
    /// The JSON-RPC endpoint the web page reads the chain through, to verify images in the
    /// browser (`--page-rpc-url`); its origin is added to the page's `connect-src`. `None`:
    /// the page verifies through `POST /v1/verify-image`.
    pub page_rpc_url: Option<crate::web::PageRpc>,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(10),
            body_limit: 1 << 20,
            cache_entries: 10_000,
            page_rpc_url: None,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The follower's (or the store poller's) view of the chain.
    pub status: watch::Receiver<SyncStatus>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Limits.
    pub config: Arc<ApiConfig>,
    /// Cached answers.
    pub cache: Arc<ResponseCache>,
    /// The registry followed (receipts of other deployments are refused).
    pub registry: alloy::primitives::Address,
}

impl AppState {
    fn tip(&self) -> Tip {
        self.status.borrow().tip
    }
}

/// One answer.
#[derive(Serialize)]
pub struct Answer<T> {
    /// The answer.
    pub data: T,
    /// Where the index stands.
    pub chain: Tip,
}

/// One page of a list.
#[derive(Serialize)]
pub struct List<T> {
    /// The items.
    pub data: Vec<T>,
    /// Pass as `?cursor=` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// Where the index stands.
    pub chain: Tip,
}

/// The service's router.
pub fn router(state: AppState) -> Router {
    let v1 = Router::new()
        .route("/datasets", get(handlers::datasets))
        .route("/datasets/{id}", get(handlers::dataset))
        .route("/datasets/{id}/models", get(handlers::dataset_models))
        .route("/models", get(handlers::models))
        .route("/models/{id}", get(handlers::model))
        .route("/attestations/{id}", get(handlers::model))
        .route("/models/{id}/proof", get(handlers::model_proof))
        .route("/models/{id}/derived", get(handlers::derived))
        .route("/models/{id}/batches/{index}", get(handlers::model_batch))
        .route("/outputs/batches", post(handlers::post_manifest))
        .route("/outputs/similar", get(handlers::similar))
        .route("/outputs/{hash}", get(handlers::output))
        .route("/creators/{address}", get(handlers::creator))
        .route("/creators/{address}/usage", get(handlers::creator_usage))
        .route("/creators/{address}/royalties", get(handlers::creator_royalties))
        .route(
            "/verify-image",
            post(verify::verify_image).layer(DefaultBodyLimit::max(verify::MAX_IMAGE_BYTES)),
        )
        .route("/status", get(handlers::status))
        .layer(middleware::from_fn_with_state(state.clone(), cache::cached));
    Router::new()
        .nest("/v1", v1)
        .route("/", get(crate::web::index))
        .route("/app.js", get(crate::web::app))
        .route("/verify.js", get(crate::web::verify_bundle))
        .route("/page.json", get(crate::web::page_config))
        .route("/health", get(handlers::health))
        .route("/ready", get(handlers::ready))
        .route("/metrics", get(handlers::metrics))
        .route("/openapi.json", get(handlers::openapi))
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(handlers::method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        // 5xx answers are expected (/ready while catching up, timeouts) and internal errors
        // are logged where they happen: no error-level log per failed response.
        .layer(
            TraceLayer::new_for_http()
                .on_failure(DefaultOnFailure::new().level(tracing::Level::DEBUG)),
        )
        .with_state(state)
}

/// Times out slow requests (503 in the error shape) and records each request's route,
/// status and latency.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = match tokio::time::timeout(state.config.request_timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!("the request took longer than {:?}", state.config.request_timeout),
        )
        .into_response(),
    };
    state.metrics.request(&route, response.status().as_u16(), started.elapsed());
    response
}
