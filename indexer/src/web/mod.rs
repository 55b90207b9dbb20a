//! The indexer's small web page: browse datasets, models (with their lineage: datasets
//! and creators) and creators, and verify an uploaded image. Static files compiled in;
//! everything dynamic comes from the `/v1` API in the browser.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};

const INDEX: &str = include_str!("index.html");
const APP: &str = include_str!("app.js");

/// Only this origin's scripts; inline styles (the page's own `<style>`).
const CSP: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";

/// `GET /`
pub(crate) async fn index() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
        ],
        INDEX,
    )
        .into_response()
}

/// `GET /app.js`
pub(crate) async fn app() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], APP).into_response()
}
