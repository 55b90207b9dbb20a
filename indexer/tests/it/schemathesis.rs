//! The API document against a live indexer. Schemathesis, pinned by
//! `script/schemathesis/requirements.txt` and installed by `script/schemathesis.sh` (which
//! runs this test with `LINEAGE_SCHEMATHESIS` set), fuzzes every documented operation of an
//! indexer serving the tests' scenario, with every check: no server error, answers that
//! conform to the document, invalid requests refused, and no request the document allows
//! refused except with 404 for an unknown id (`script/schemathesis/schemathesis.toml`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::{path::PathBuf, process::Stdio, time::Duration};

use common::{caught_up, get, post, root, scenario, spawn_indexer, Chain, TestDb};
use serde_json::Value;

/// A run takes about a minute; a hung one still ends the test.
const RUN_TIMEOUT: Duration = Duration::from_secs(540);

/// `path` with its parameters replaced by the examples the document gives for them.
fn with_examples(path: &str, parameters: &[Value]) -> String {
    let mut concrete = path.to_owned();
    let mut query = Vec::new();
    for p in parameters {
        let name = p["name"].as_str().unwrap();
        let example = match &p["example"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match p["in"].as_str() {
            Some("path") => concrete = concrete.replace(&format!("{{{name}}}"), &example),
            Some("query") => query.push(format!("{name}={example}")),
            other => panic!("{path}: a parameter in {other:?}"),
        }
    }
    if query.is_empty() {
        concrete
    } else {
        format!("{concrete}?{}", query.join("&"))
    }
}

/// Posts the document's example manifest, then gets every `GET` operation with the
/// document's examples: each is a record of the scenario, so all are accepted.
async fn examples_are_real(running: &lineage_indexer::Running, doc: &Value) {
    let manifest = &doc["paths"]["/v1/outputs/batches"]["post"]["requestBody"]["content"]
        ["application/json"]["example"];
    let (status, body) = post(running, "/v1/outputs/batches", manifest).await;
    assert_eq!(status, 201, "the example manifest: {body}");
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let Some(op) = ops.get("get") else { continue };
        let parameters = op["parameters"].as_array().map_or(&[][..], Vec::as_slice);
        if parameters.is_empty() {
            continue;
        }
        let url = with_examples(path, parameters);
        let (status, body) = get(running, &url).await;
        assert_eq!(status, 200, "{url}, from the document's examples: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_fault() {
    let Some(schemathesis) = std::env::var_os("LINEAGE_SCHEMATHESIS") else {
        eprintln!("skipped: LINEAGE_SCHEMATHESIS is not set (script/schemathesis.sh sets it)");
        return;
    };
    let db = TestDb::sqlite();
    let chain = Chain::deploy().await;
    scenario::populate(&chain).await;
    // Fine-tuned models too: lists then hold models with a base; and declared models, of
    // the other kind of training.
    scenario::fine_tunes(&chain).await;
    scenario::declared_models(&chain).await;
    let running = spawn_indexer(&chain, &db).await;
    caught_up(&running, &chain).await;
    let (status, doc) = get(&running, "/openapi.json").await;
    assert_eq!(status, 200);
    examples_are_real(&running, &doc).await;

    let dir: PathBuf = root().join("script/schemathesis");
    // Hypothesis keeps a folder of its own in the working directory: not in the clone.
    let scratch = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(schemathesis)
        .current_dir(scratch.path())
        .arg("--config-file")
        .arg(dir.join("schemathesis.toml"))
        .arg("run")
        .arg(format!("http://{}/openapi.json", running.addr))
        .env("SCHEMATHESIS_HOOKS", dir.join("hooks.py"))
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("run schemathesis");
    let status = tokio::time::timeout(RUN_TIMEOUT, child.wait())
        .await
        .unwrap_or_else(|_| panic!("schemathesis ran longer than {RUN_TIMEOUT:?}"))
        .unwrap();
    assert!(status.success(), "schemathesis failed ({status}): its report is above");
    running.shutdown().await.unwrap();
}
