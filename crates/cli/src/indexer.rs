//! The few calls the CLI makes to a Lineage indexer (`lineage-indexer`'s REST API): post a
//! batch manifest once the batch is indexed (`lineage anchor --indexer`), and look up the
//! anchored outputs near a fingerprint (`lineage verify-image --indexer`). Answers are
//! `{data, chain}`; errors `{error: {status, code, message}}`, reported as they are.

use alloy::{primitives::B256, transports::http::reqwest};
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::time::{Duration, Instant};

/// An indexer at a base URL (`http://host:port`).
pub(crate) struct Indexer {
    base: String,
    http: reqwest::Client,
}

impl Indexer {
    /// A client whose every request is bounded by `timeout`.
    pub(crate) fn new(base: &str, timeout: Duration) -> Result<Self> {
        let http = reqwest::Client::builder().timeout(timeout).build()?;
        Ok(Self { base: base.trim_end_matches('/').to_owned(), http })
    }

    /// `GET path`: the status and the JSON body.
    async fn get(&self, path: &str) -> Result<(u16, Value)> {
        let url = format!("{}{path}", self.base);
        let r = self.http.get(&url).send().await.with_context(|| format!("GET {url}"))?;
        let status = r.status().as_u16();
        let text = r.text().await.with_context(|| format!("GET {url}"))?;
        Ok((status, serde_json::from_str(&text).with_context(|| format!("GET {url}: {text}"))?))
    }

    /// Waits until the indexer has indexed batch `index` of `model`, polling every half
    /// second for at most `wait`.
    pub(crate) async fn wait_for_batch(
        &self,
        model: B256,
        index: u64,
        wait: Duration,
    ) -> Result<()> {
        let started = Instant::now();
        loop {
            let (status, body) = self.get(&format!("/v1/models/{model}/batches/{index}")).await?;
            match status {
                200 => return Ok(()),
                404 if started.elapsed() < wait => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                404 => bail!(
                    "{} has not indexed batch {index} of model {model} after {}s (is it following \
                     this chain and registry?)",
                    self.base,
                    wait.as_secs()
                ),
                _ => bail!("{}: {}", self.base, error_of(&body)),
            }
        }
    }

    /// `POST /v1/outputs/batches`: the indexer checks the manifest against the anchored
    /// root and count, and indexes its fingerprints.
    pub(crate) async fn post_manifest(&self, manifest: &Value) -> Result<Value> {
        let url = format!("{}/v1/outputs/batches", self.base);
        let r = self
            .http
            .post(&url)
            .header("content-type", "application/json")
            .body(serde_json::to_vec(manifest)?)
            .send()
            .await
            .with_context(|| format!("POST {url}"))?;
        let status = r.status().as_u16();
        let body: Value = serde_json::from_str(&r.text().await?)?;
        if status != 201 {
            bail!("the indexer refused the manifest ({status}): {}", error_of(&body));
        }
        Ok(body["data"].clone())
    }

    /// `GET /v1/outputs/similar`: the anchored outputs within 31 bits of `fingerprint`,
    /// nearest first (their `distance`, `content_hash` and `anchor` with the model).
    pub(crate) async fn similar(&self, fingerprint: B256, limit: u32) -> Result<Vec<Value>> {
        let (status, body) = self
            .get(&format!("/v1/outputs/similar?fingerprint={fingerprint}&limit={limit}"))
            .await?;
        if status != 200 {
            bail!("{}: {}", self.base, error_of(&body));
        }
        Ok(body["data"]["candidates"].as_array().cloned().unwrap_or_default())
    }
}

/// The message of an error answer, or the body itself.
fn error_of(body: &Value) -> String {
    body["error"]["message"].as_str().map_or_else(|| body.to_string(), str::to_owned)
}
