//! The indexer's small web page: browse datasets, models (with their lineage drawn:
//! datasets and creators) and creators, and verify an image. Static files compiled in;
//! everything dynamic comes from the `/v1` API in the browser.
//!
//! Verifying happens in the browser: `/verify.js` (the `@lineage/verify` package bundled
//! with viem, built from `verify-entry.js` by `sdk/js/scripts/page.mjs` and checked for
//! drift by `script/sdk-js.sh test`) hashes the image and reads its receipt in the page; for
//! an image without a receipt, only its content hash is sent, to `GET /v1/outputs/{hash}`.
//! With `--page-rpc-url`, the page reads the chain over that RPC, and the
//! Content-Security-Policy's `connect-src` names this origin and the RPC's origin, nothing
//! wider. Without one, it judges on the facts this indexer serves (`/v1/models/{id}` and
//! `/v1/models/{id}/batches/{index}`). Either way the image never leaves the browser;
//! `POST /v1/verify-image` stays for other clients.

use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

use crate::api::AppState;

const INDEX: &str = include_str!("index.html");
const APP: &str = include_str!("app.js");
const VERIFY: &str = include_str!("verify.js");

/// A JSON-RPC endpoint the page may read the chain through: an `http` or `https` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRpc {
    url: String,
    origin: String,
}

/// Why a `--page-rpc-url` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PageRpcError {
    /// Not a URL.
    #[error("--page-rpc-url {0:?} is not a URL: {1}")]
    Invalid(String, url::ParseError),
    /// A scheme a browser's `fetch` cannot post JSON-RPC to.
    #[error("--page-rpc-url {0:?}: the page reads the chain over http or https, not {1}")]
    Scheme(String, String),
    /// A user name or password: every visitor of the page would read it.
    #[error("--page-rpc-url {0:?} holds credentials, which every visitor of the page would read")]
    Credentials(String),
}

impl std::str::FromStr for PageRpc {
    type Err = PageRpcError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let url = url::Url::parse(s).map_err(|e| PageRpcError::Invalid(s.to_owned(), e))?;
        if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
            return Err(PageRpcError::Scheme(s.to_owned(), url.scheme().to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(PageRpcError::Credentials(s.to_owned()));
        }
        // `scheme://host[:port]`: a CSP source, with no path or query.
        let origin = url.origin().ascii_serialization();
        Ok(Self { url: url.into(), origin })
    }
}

impl PageRpc {
    /// The URL the page posts JSON-RPC to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its origin, as the page's `connect-src` names it.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// Only this origin's scripts; inline styles (the page's own `<style>`); images from data
/// and `blob:` URLs (the preview of the image being verified, which stays in the browser);
/// connections to this origin and, when the page reads the chain itself, the RPC's.
pub(crate) fn content_security_policy(rpc: Option<&PageRpc>) -> String {
    let connect = rpc.map_or_else(String::new, |r| format!(" {}", r.origin()));
    format!(
        "default-src 'self'; connect-src 'self'{connect}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:"
    )
}

/// `GET /`
pub(crate) async fn index(State(state): State<AppState>) -> Response {
    let csp = content_security_policy(state.config.page_rpc_url.as_ref());
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (header::CONTENT_SECURITY_POLICY, csp),
        ],
        INDEX,
    )
        .into_response()
}

/// `GET /app.js`
pub(crate) async fn app() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], APP).into_response()
}

/// `GET /verify.js`: the page's in-browser verifier, loaded when it is first needed.
pub(crate) async fn verify_bundle() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], VERIFY).into_response()
}

/// `GET /page.json`: what the page needs to verify in the browser: the RPC (or `null`: the
/// indexer's facts), and the deployment this indexer follows (a receipt found by content
/// hash is of it; one of another is refused).
pub(crate) async fn page_config(State(state): State<AppState>) -> Json<serde_json::Value> {
    let chain_id = state.status.borrow().tip.chain_id;
    Json(json!({
        "rpc_url": state.config.page_rpc_url.as_ref().map(PageRpc::url),
        "chain_id": chain_id,
        "registry": state.registry,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rpc_origin_alone_joins_connect_src() {
        let rpc: PageRpc = "https://rpc.example.org:8443/v2/key?x=1".parse().unwrap();
        assert_eq!(rpc.origin(), "https://rpc.example.org:8443");
        let csp = content_security_policy(Some(&rpc));
        assert!(csp.contains("connect-src 'self' https://rpc.example.org:8443;"), "{csp}");
        assert!(!csp.contains("key"), "{csp}");
        assert!(content_security_policy(None).contains("connect-src 'self';"));
    }

    #[test]
    fn only_http_urls_with_a_host_are_page_rpcs() {
        for bad in [
            "ws://127.0.0.1:8545",
            "file:///tmp/x",
            "data:,x",
            "127.0.0.1:8545",
            "",
            "https://user:pw@rpc.example.org/",
        ] {
            assert!(bad.parse::<PageRpc>().is_err(), "{bad}");
        }
        let ok: PageRpc = "http://127.0.0.1:8545".parse().unwrap();
        assert_eq!((ok.url(), ok.origin()), ("http://127.0.0.1:8545/", "http://127.0.0.1:8545"));
    }
}
