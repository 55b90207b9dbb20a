//! The web page in a real headless Chromium (Debian's `chromium`, installed by
//! `script/chromium.sh`): it loads, draws a model's lineage and says its kind of training,
//! shows royalties in ETH and an ERC-20's units with a chart over blocks, and verifies an
//! image in the browser, over the page's RPC or, when the indexer names none, on the
//! indexer's facts: the image never reaches the indexer. Screenshots of a model page and
//! of a verdict and of a creator page are kept in `target/web-screenshots/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use alloy::primitives::{B256, U256};
use common::{caught_up, fast_follower, scenario, spawn_indexer, Chain, TestDb};
use lineage_core::output::{content_hash, embed_receipt};

/// `chromium`, or `None` (skipped) unless `LINEAGE_REQUIRE_CHROMIUM` is set.
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).map(|p| p.join("chromium")).find(|p| p.exists())
    });
    if found.is_none() {
        assert!(
            std::env::var("LINEAGE_REQUIRE_CHROMIUM").is_err(),
            "LINEAGE_REQUIRE_CHROMIUM is set but chromium is not on PATH (script/chromium.sh)"
        );
        eprintln!("skipped: chromium is not installed (script/chromium.sh installs it)");
    }
    found
}

const HEADLESS: [&str; 5] =
    ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"];

/// The DOM after the page's scripts ran.
fn dump_dom(chromium: &Path, profile: &Path, url: &str) -> String {
    let out = Command::new(chromium)
        .args(HEADLESS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--virtual-time-budget=15000", "--dump-dom", url])
        .stderr(Stdio::null())
        .output()
        .expect("run chromium");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A Chromium listening for the DevTools protocol, killed on drop.
struct Browser(std::process::Child);

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn devtools(chromium: &Path, profile: &Path) -> (Browser, String) {
    let child = Command::new(chromium)
        .args(HEADLESS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--remote-debugging-port=0", "about:blank"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let browser = Browser(child);
    let file = profile.join("DevToolsActivePort");
    let started = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&file) {
            let mut lines = text.lines();
            if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                return (browser, format!("ws://127.0.0.1:{port}{path}"));
            }
        }
        assert!(started.elapsed() < Duration::from_secs(30), "chromium did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_lineage_and_verifies_an_uploaded_image() {
    let Some(chromium) = chromium() else { return };
    let chain = Chain::deploy().await;
    let world = scenario::populate(&chain).await;
    let tunes = scenario::fine_tunes(&chain).await;
    let declared = scenario::declared_models(&chain).await.direct;
    // 1.5 MOCK (18 decimals) of royalties to the first model, beside its ETH.
    let mock = U256::from(15u64) * U256::from(10u64).pow(U256::from(17u64));
    let token = scenario::pay_in_token(&chain, world.models[0], mock).await;
    let image = scenario::png(32, 5);
    let hash = content_hash(&image).unwrap();
    let leaves = vec![hash.hash, B256::repeat_byte(9)];
    let (index, tx) = scenario::anchor(&chain, chain.accounts[1], world.models[0], &leaves).await;
    // This indexer's page verifies in the browser, reading the chain at anvil's RPC.
    let db = TestDb::sqlite();
    let mut config = common::config(&chain, &db, fast_follower());
    config.api.page_rpc_url = Some(chain.anvil.url.parse().unwrap());
    let running = lineage_indexer::start(config).await.expect("start the indexer");
    caught_up(&running, &chain).await;
    let base = format!("http://{}", running.addr);
    let dir = tempfile::tempdir().unwrap();

    // The page loads and shows the model's lineage: its datasets and their creators.
    let url = format!("{base}/#/models/{}", world.models[0]);
    let chromium2 = chromium.clone();
    let profile = dir.path().join("dump");
    let dom = tokio::task::spawn_blocking(move || dump_dom(&chromium2, &profile, &url))
        .await
        .unwrap()
        .to_lowercase();
    assert!(dom.contains("id=\"lineage\"") && dom.contains("data-status=\"valid\""), "{dom}");
    assert!(dom.contains("data-dataset=\"1\"") && dom.contains("data-dataset=\"2\""), "{dom}");
    for creator in &world.creators {
        assert!(dom.contains(&creator.to_string().to_lowercase()), "creator {creator} missing");
    }
    // ... drawn: the model, its two datasets, and each creator with a share of royalties.
    assert!(dom.contains("id=\"lineage-diagram\"") && dom.contains("<svg"), "{dom}");
    assert!(dom.contains(&format!("class=\"node node-model\" data-id=\"{}\"", world.models[0])));
    for d in ["1", "2"] {
        assert!(dom.contains(&format!("class=\"node node-dataset\" data-id=\"{d}\"")), "{dom}");
    }
    for creator in &world.creators {
        let node = format!("class=\"node node-creator\" data-id=\"{creator}\"").to_lowercase();
        assert!(dom.contains(&node), "creator {creator} not drawn: {dom}");
    }
    assert!(dom.contains("% of royalties"), "{dom}");
    // ... and says plainly that its training is proven.
    let proven = "<span class=\"kind kind-proven\" data-kind=\"proven\">training proven</span>";
    assert!(dom.contains(proven) && !dom.contains("training declared"), "{dom}");

    // A fine-tuned model's page links the model it was fine-tuned from and lists its bases;
    // a base's page lists the models fine-tuned from it.
    let (root, near, tuned) = (tunes.root.id, tunes.chain[0].id, tunes.chain[1].id);
    let dump = |at: B256, name: &str| {
        let (chromium, url) = (chromium.clone(), format!("{base}/#/models/{at}"));
        let profile = dir.path().join(name);
        async move {
            tokio::task::spawn_blocking(move || dump_dom(&chromium, &profile, &url))
                .await
                .unwrap()
                .to_lowercase()
        }
    };
    let dom = dump(tuned, "tuned").await;
    let from = format!(
        "<div class=\"card base\" data-base=\"{near}\">fine-tuned from model \
         <a href=\"#/models/{near}\"><span class=\"hash\">{near}</span></a>"
    );
    assert!(dom.contains(&from), "{dom}");
    assert!(dom.contains(&format!("href=\"#/models/{root}\"")), "the base's base: {dom}");
    // A declared model's page says that its training is declared and only its training set
    // proven, names its model file's hash, and shows no weights.
    let dom = dump(declared.id, "declared").await;
    assert!(dom.contains("id=\"lineage\" data-status=\"valid\" data-kind=\"declared\""), "{dom}");
    let shown = "<span class=\"kind kind-declared\" data-kind=\"declared\">training declared, \
        training set proven</span> · model file sha-256 <span class=\"hash\">";
    assert!(dom.contains(&format!("{shown}{}</span>", declared.model_hash)), "{dom}");
    assert!(!dom.contains("training proven<") && !dom.contains(" · weights "), "{dom}");
    // The models list says which is which.
    let (chromium2, url) = (chromium.clone(), format!("{base}/#/models"));
    let profile = dir.path().join("list");
    let list = tokio::task::spawn_blocking(move || dump_dom(&chromium2, &profile, &url))
        .await
        .unwrap()
        .to_lowercase();
    for (id, kind) in [(declared.id, "declared"), (world.models[0], "proven")] {
        let row = format!(
            "<a href=\"#/models/{id}\"><span class=\"hash\">{id}</span></a></td>\
             <td><span class=\"status-valid\">valid</span></td>\
             <td><span class=\"kind kind-{kind}\" data-kind=\"{kind}\">"
        );
        assert!(list.contains(&row), "{kind} model {id}: {list}");
    }

    // A creator's royalties are in ETH, the raw wei only in the title.
    let (chromium2, url) = (chromium.clone(), format!("{base}/#/creators/{}", world.creators[0]));
    let profile = dir.path().join("creator");
    let page =
        tokio::task::spawn_blocking(move || dump_dom(&chromium2, &profile, &url)).await.unwrap();
    assert!(page.contains(" ETH</span>") && page.contains(" base units\""), "{page}");
    assert!(!page.contains("base units of token"), "ETH or MOCK in base units: {page}");
    // ... and the ERC-20's in its symbol and decimals (read over the page's RPC), beside its
    // address: a quarter of dataset 1's half of 1.5 MOCK.
    let mock = format!("0.1875 MOCK (token <span class=\"hash\">{token}</span>)</span>");
    assert!(page.to_lowercase().contains(&mock.to_lowercase()), "{mock} in {page}");
    // ... with a chart per token (ETH and MOCK) of what was paid and claimed over blocks.
    assert_eq!(page.matches("<figure class=\"royalty-chart\"").count(), 2, "{page}");
    assert!(page.contains("class=\"series-paid\"") && page.contains("class=\"series-claimed\""));

    let dom = dump(root, "root").await;
    assert!(!dom.contains("fine-tuned from model"), "{dom}");
    let derived = dom.split("id=\"derived\"").nth(1).unwrap_or_else(|| panic!("{dom}"));
    for child in [near, tunes.sibling.id] {
        assert!(derived.contains(&format!("href=\"#/models/{child}\"")), "{child}: {dom}");
    }

    // An image with its receipt, uploaded through the page's file input.
    let receipt =
        scenario::first_output_receipt(&chain, world.models[0], (index, tx), &leaves, &hash);
    let file = dir.path().join("generated.png");
    std::fs::write(&file, embed_receipt(&image, &receipt).unwrap()).unwrap();
    let (_browser, ws) = devtools(&chromium, &dir.path().join("devtools"));
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/web-screenshots");
    let _ = std::fs::remove_dir_all(&shots);
    let model_page = format!("{base}/#/models/{}", world.models[0]);
    let creator_page = format!("{base}/#/creators/{}", world.creators[0]);
    let pages = (shots.as_path(), model_page.as_str(), creator_page.as_str());
    let shown = upload(&ws, &format!("{base}/#/verify"), &file, Some(pages)).await;
    assert_eq!(shown["outcome"], "valid", "{shown}");
    assert_eq!(shown["where"], "rpc", "verified in the page over its RPC: {shown}");
    let text = shown["text"].as_str().unwrap();
    assert!(text.contains("output.anchored") && text.contains("model.attested"), "{text}");
    assert!(text.contains("the image was not uploaded"), "{text}");
    assert_eq!(shown["datasets"], 2, "the verdict shows the model's two datasets");
    // The image, the model, two datasets and the creators, drawn; and the image previewed.
    assert_eq!(shown["drawn"], 4 + world.creators.len(), "{shown}");
    assert_eq!(shown["preview"], true, "{shown}");
    for name in ["verdict.png", "model.png", "creator.png"] {
        let png = std::fs::read(shots.join(name)).unwrap();
        assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{name}: {} bytes", png.len());
    }
    // Another image under the same receipt: invalid, in the browser.
    let other = dir.path().join("other.png");
    let with_receipt = std::fs::read(&file).unwrap();
    std::fs::write(&other, scenario::graft_receipt(&with_receipt, &scenario::png(32, 6))).unwrap();
    mismatch_not_uploaded(&ws, &base, &other, "rpc").await;

    // An indexer with no page RPC: the page verifies on its facts, still without the image.
    let db2 = TestDb::sqlite();
    let facts = spawn_indexer(&chain, &db2).await;
    caught_up(&facts, &chain).await;
    let base2 = format!("http://{}", facts.addr);
    let shown = upload(&ws, &format!("{base2}/#/verify"), &file, None).await;
    assert_eq!((&shown["outcome"], &shown["where"]), (&"valid".into(), &"facts".into()));
    let text = shown["text"].as_str().unwrap();
    assert!(text.contains("on this indexer's facts") && text.contains("model.attested"), "{text}");
    let metrics = mismatch_not_uploaded(&ws, &base2, &other, "facts").await;
    assert!(metrics.contains("route=\"/v1/models/{id}/batches/{index}\""), "{metrics}");
    facts.shutdown().await.unwrap();

    running.shutdown().await.unwrap();
}

/// Runs `tests/web/upload.mjs`: the verify page at `page` given `file`; with `shots` (a
/// folder, a model page and a creator page), the screenshots of the verdict and those pages.
async fn upload(
    ws: &str,
    page: &str,
    file: &Path,
    shots: Option<(&Path, &str, &str)>,
) -> serde_json::Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/web/upload.mjs");
    let mut cmd = Command::new("node");
    cmd.arg("--experimental-websocket").arg(script).args([ws, page]).arg(file);
    if let Some((dir, model, creator)) = shots {
        cmd.arg(dir).arg(model).arg(creator);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("run node")).await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(stdout.trim()).unwrap()
}

/// `other` (an image under another image's receipt) is `output.hash_mismatch` on the verify
/// page of the indexer at `base`, verified `where`; no image ever reached that indexer
/// (no `/v1/verify-image` request in its metrics). Returns the metrics.
async fn mismatch_not_uploaded(ws: &str, base: &str, other: &Path, place: &str) -> String {
    let shown = upload(ws, &format!("{base}/#/verify"), other, None).await;
    assert_eq!((&shown["outcome"], &shown["where"]), (&"invalid".into(), &place.into()));
    assert!(shown["text"].as_str().unwrap().contains("output.hash_mismatch"), "{shown}");
    let metrics = alloy::transports::http::reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!metrics.contains("route=\"/v1/verify-image\""), "{metrics}");
    metrics
}
