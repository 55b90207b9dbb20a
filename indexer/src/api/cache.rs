//! A cache of `/v1` GET answers, valid while the index and the chain view are unchanged.
//!
//! An answer depends on the indexed data (its generation) and on the head and finalized
//! block (confirmations and finality), so an entry is served only while all of those are
//! what they were when it was computed: at most until the next block. Errors are never
//! cached. The cache is bounded; when full it is emptied (answers are cheap to recompute,
//! and the bound only guards memory).

use std::{
    collections::HashMap,
    sync::{Mutex, PoisonError},
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::AppState;

/// Largest answer kept.
const MAX_ENTRY_BYTES: usize = 256 * 1024;

type Stamp = (u64, u64, u64, u64);

/// The cache.
#[derive(Debug, Default)]
pub struct ResponseCache {
    max_entries: usize,
    entries: Mutex<HashMap<String, (Stamp, Bytes)>>,
}

impl ResponseCache {
    /// A cache of at most `max_entries` answers (0 disables it).
    pub fn new(max_entries: usize) -> Self {
        Self { max_entries, entries: Mutex::default() }
    }

    fn get(&self, key: &str, stamp: Stamp) -> Option<Bytes> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.get(key).filter(|(s, _)| *s == stamp).map(|(_, b)| b.clone())
    }

    /// Drops every answer: the index changed without a new block (a posted manifest).
    /// Another process serving the same database keeps its answers until its next block.
    pub(super) fn clear(&self) {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    fn put(&self, key: String, stamp: Stamp, body: Bytes) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.max_entries {
            entries.clear();
        }
        entries.insert(key, (stamp, body));
    }
}

fn json(body: Bytes, hit: bool) -> Response {
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("x-cache", HeaderValue::from_static(if hit { "hit" } else { "miss" }));
    response
}

/// Serves GET answers from the cache, and fills it.
pub(super) async fn cached(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cache = &state.cache;
    if cache.max_entries == 0 || req.method() != Method::GET {
        return next.run(req).await;
    }
    let stamp = {
        let s = state.status.borrow();
        (s.generation, s.tip.head_block, s.tip.finalized_block, s.tip.indexed_block)
    };
    let key = req.uri().to_string();
    if let Some(body) = cache.get(&key, stamp) {
        return json(body, true);
    }
    let response = next.run(req).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let body = response.into_body();
    // Answers are built in memory and bounded (pages of at most 100 items), so buffering
    // them costs nothing new; only small ones are kept.
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            if bytes.len() <= MAX_ENTRY_BYTES {
                cache.put(key, stamp, bytes.clone());
            }
            json(bytes, false)
        }
        Err(e) => super::ApiError::internal(&e).into_response(),
    }
}
