//! `lineage setup / prove / verify` through the real binary, on what is refused before
//! any key is loaded or generated (the full run is `script/e2e.sh`, which CI runs).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use lineage_core::{
    attestation::{Attestation, ModelValues, PublicValues, SrsInfo, Trained, ATTESTATION_VERSION},
    Fr,
};
use std::{
    path::Path,
    process::{Command, Output},
};

fn lineage(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lineage"))
        .args(args)
        .env("LINEAGE_CACHE", cache)
        .env_remove("LINEAGE_CREATOR")
        .env_remove("LINEAGE_LICENSE")
        .env_remove("LINEAGE_PROFILE")
        .env_remove("LINEAGE_SRS")
        .output()
        .expect("runs lineage")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn fails(cache: &Path, args: &[&str], expect: &str) {
    let out = lineage(cache, args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail: {err}");
    assert!(err.contains(expect), "stderr {err:?} should mention {expect:?}");
}

#[test]
fn setup_needs_an_explicit_srs_choice() {
    let dir = tempfile::tempdir().unwrap();
    fails(dir.path(), &["setup", "--profile", "demo"], "--dev-srs");
    fails(dir.path(), &["setup", "--profile", "nope", "--dev-srs"], "unknown profile");
}

#[test]
fn prove_refuses_before_touching_keys() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let d = |name: &str| dir.path().join(name);
    let ok = |args: &[&str]| {
        let out = lineage(&cache, args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    ok(&["sample", "-o", s(&d("s"))]);
    for name in ["atelier", "harbor"] {
        let jsonl = d(&format!("s/{name}/records.jsonl"));
        ok(&["dataset", "build", s(&jsonl), "--depth", "10", "-o", s(&d(&format!("{name}.json")))]);
    }
    let (a, h) = (d("atelier.json"), d("harbor.json"));
    let both = format!("{},{}", s(&a), s(&h));
    ok(&["train", "--data", s(&a), "--lr", "0.25", "-o", s(&d("atelier-model.json"))]);
    ok(&["train", "--data", s(&a), "--data", s(&h), "--lr", "0.25", "-o", s(&d("model.json"))]);
    let out = d("attestation.json");
    let prove = |datasets: &str, model: &Path, extra: &[&str], expect: &str| {
        let mut args = vec![
            "prove",
            "--dev-srs",
            "--datasets",
            datasets,
            "--train",
            &both,
            "--model",
            s(model),
            "-o",
            s(&out),
        ];
        args.extend(extra);
        fails(&cache, &args, expect);
        assert!(!out.exists(), "a refused run must not write an attestation");
    };
    // A model trained on other records.
    prove(&both, &d("atelier-model.json"), &[], "does not give its weights");
    // A model that declares another start than the one it was trained from: its own weights,
    // say (the registry takes only zero weights or an attested base's, `lineage attest`).
    let mut fine_tuned: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d("model.json")).unwrap()).unwrap();
    fine_tuned["w0"] = fine_tuned["weights"].clone();
    std::fs::write(d("w0-model.json"), fine_tuned.to_string()).unwrap();
    prove(&both, &d("w0-model.json"), &[], "does not give its weights");
    // Records from a dataset that is not named.
    prove(s(&a), &d("model.json"), &[], "do not all come from the named datasets");
    // A license the policy does not allow (harbor has licenses 0 and 2).
    prove(&both, &d("model.json"), &["--licenses", "1"], "allowed licenses");

    // Declared training: a model file under a profile of proven training, and the reverse,
    // each naming the profile to use.
    std::fs::write(d("weights.bin"), b"a diffusion model's weights").unwrap();
    let declared = |profile: &str, model: &[&str], train: &str, expect: &str| {
        let mut args =
            vec!["prove", "--dev-srs", "--profile", profile, "--datasets", &both, "--train", train];
        args.extend(model);
        args.extend(["-o", s(&out)]);
        fails(&cache, &args, expect);
        assert!(!out.exists(), "a refused run must not write an attestation");
    };
    let weights = d("weights.bin");
    let file = ["--model-file", s(&weights)];
    declared("demo", &file, &both, "(--profile demo-declared)");
    let model = d("model.json");
    declared("demo-declared", &["--model", s(&model)], &both, "(--profile demo)");
    // Works named by content hash or path must be in a named dataset.
    let missing = format!("# the training set\n0x{}\n", "ab".repeat(32));
    std::fs::write(d("unknown.txt"), missing).unwrap();
    declared("demo-declared", &file, s(&d("unknown.txt")), "unknown.txt:2: no named dataset");
    std::fs::write(d("absent.txt"), "no-such-image.png\n").unwrap();
    declared("demo-declared", &file, s(&d("absent.txt")), "absent.txt:1");
    std::fs::write(d("foreign.txt"), "weights.bin\n").unwrap();
    declared("demo-declared", &file, s(&d("foreign.txt")), "no named dataset holds the work");
    // A folder of works: each file is hashed and looked up.
    std::fs::create_dir_all(d("works")).unwrap();
    std::fs::write(d("works/not-in-any-dataset.png"), b"pixels").unwrap();
    declared(
        "demo-declared",
        &file,
        s(&d("works")),
        "works/not-in-any-dataset.png: no named dataset holds the work",
    );
    assert!(!cache.exists(), "nothing was set up or loaded for refused input");
}

#[test]
fn verify_says_why_it_cannot_check() {
    let dir = tempfile::tempdir().unwrap();
    let zero = Fr::zero();
    let att = Attestation {
        version: ATTESTATION_VERSION,
        profile: "demo".into(),
        profile_id: 1,
        kind: Default::default(),
        srs: SrsInfo { kind: "dev".into(), sha256: "00".into(), insecure: true },
        vk_sha256: "00".into(),
        public: PublicValues {
            accumulator: vec![zero; 12],
            cert_roots: vec![zero; 4],
            counts: vec![0; 4],
            train_root: zero,
            license_mask: 1,
            n_records: 0,
            model: ModelValues::Trained(Trained { w0_hash: zero, w_hash: zero, hyper_hash: zero }),
        },
        instances: vec![zero; 26],
        proof: vec![1, 2, 3],
        calldata: vec![],
        versions: Default::default(),
        timings_ms: Default::default(),
    };
    let path = dir.path().join("attestation.json");
    std::fs::write(&path, serde_json::to_vec(&att).unwrap()).unwrap();
    fails(dir.path(), &["verify", s(&path)], "cannot check");

    let out = lineage(dir.path(), &["verify", s(&path), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert!(v["reason"].as_str().unwrap().contains("lineage setup"));

    std::fs::write(&path, b"{}").unwrap();
    fails(dir.path(), &["verify", s(&path)], "not a valid attestation");
}
