//! The web page in a real headless Chromium (Debian's `chromium`, installed by
//! `script/chromium.sh`): it loads, shows a model's lineage and its kind of training, and
//! verifies an uploaded image.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use alloy::primitives::B256;
use common::{caught_up, scenario, spawn_indexer, Chain, TestDb};
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
    let image = scenario::png(32, 5);
    let hash = content_hash(&image).unwrap();
    let leaves = vec![hash.hash, B256::repeat_byte(9)];
    let (index, tx) = scenario::anchor(&chain, chain.accounts[1], world.models[0], &leaves).await;
    let db = TestDb::sqlite();
    let running = spawn_indexer(&chain, &db).await;
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
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/web/upload.mjs");
    let page = format!("{base}/#/verify");
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("--experimental-websocket")
            .arg(script)
            .args([&ws, &page, &file.display().to_string()])
            .output()
            .expect("run node")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let shown: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(shown["outcome"], "valid", "{shown}");
    let text = shown["text"].as_str().unwrap();
    assert!(text.contains("output.anchored") && text.contains("model.attested"), "{text}");
    assert_eq!(shown["datasets"], 2, "the verdict shows the model's two datasets");

    running.shutdown().await.unwrap();
}
