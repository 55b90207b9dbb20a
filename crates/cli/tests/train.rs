//! `lineage train` through the real binary: a real model on the sample corpus whose
//! commitments check out natively and whose `train_root` commits to the same records in the
//! training order, and bad input refused clearly without leaving a model behind.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use lineage_core::{
    field::fr_to_hex, record::sort_training_order, train::ModelFile, DatasetManifest, MerkleTree,
    Record,
};
use std::{
    path::Path,
    process::{Command, Output},
};

fn lineage(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lineage"))
        .args(args)
        .env_remove("LINEAGE_CREATOR")
        .env_remove("LINEAGE_LICENSE")
        .env_remove("LINEAGE_PROFILE")
        .env_remove("LINEAGE_FRAC_BITS")
        .output()
        .expect("runs lineage")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn ok(args: &[&str]) -> String {
    let out = lineage(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[test]
fn trains_a_real_model_on_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    ok(&["sample", "-o", s(&dir.path().join("s"))]);
    let atelier = dir.path().join("s/atelier/records.jsonl");
    let harbor = dir.path().join("s/harbor/records.jsonl");
    let model_path = dir.path().join("out/model.json");

    let stdout = ok(&[
        "train",
        "--data",
        s(&atelier),
        "--data",
        s(&harbor),
        "--lr",
        "0.25",
        "--epochs",
        "2",
        "-o",
        s(&model_path),
        "--json",
    ]);
    let printed: ModelFile = serde_json::from_str(&stdout).unwrap();
    let model: ModelFile =
        serde_json::from_str(&std::fs::read_to_string(&model_path).unwrap()).unwrap();
    assert_eq!(printed, model);
    assert_eq!(model.hyper.samples, 48);
    assert_eq!((model.hyper.epochs, model.hyper.features, model.hyper.frac_bits), (2, 8, 16));
    assert_eq!(model.hyper.lr, 1 << 14);
    assert!(model.training_accuracy >= 0.85, "accuracy {}", model.training_accuracy);
    // The commitments are the native ones of the written values.
    assert_eq!(model.w_hash, model.weights.hash());
    assert_eq!(model.w0_hash, model.w0.hash());
    assert_eq!(model.hyper_hash, model.hyper.hash());
    assert!(model.weights.w.iter().any(|&w| w < 0) && model.weights.w.iter().any(|&w| w > 0));

    // Without --json: the bare w_hash.
    let plain = ok(&["train", "--data", s(&atelier), "--lr", "0.25", "-o", s(&model_path)]);
    let atelier_model: ModelFile =
        serde_json::from_str(&std::fs::read_to_string(&model_path).unwrap()).unwrap();
    assert_eq!(plain, fr_to_hex(&atelier_model.w_hash));

    // train_root is the depth-20 tree (the profile's max_records) of the same records in
    // the training order (ascending content, not the file's order), and a manifest trains
    // exactly as its JSONL.
    let manifest = dir.path().join("atelier.json");
    let root = ok(&["dataset", "build", s(&atelier), "--depth", "6", "-o", s(&manifest)]);
    let built: DatasetManifest =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    let mut records: Vec<Record> = built.records.into_iter().map(|r| r.record).collect();
    sort_training_order(&mut records);
    let leaves = records.iter().map(Record::leaf).collect();
    let in_training_order = MerkleTree::new(leaves, 20).unwrap().root();
    assert_eq!(atelier_model.train_root, in_training_order);
    assert_ne!(fr_to_hex(&in_training_order), root, "the sample file is not in content order");
    let from_manifest =
        ok(&["train", "--data", s(&manifest), "--lr", "0.25", "-o", s(&model_path)]);
    assert_eq!(from_manifest, plain);
}

#[test]
fn fine_tunes_from_a_base_model() {
    let dir = tempfile::tempdir().unwrap();
    ok(&["sample", "-o", s(&dir.path().join("s"))]);
    let atelier = dir.path().join("s/atelier/records.jsonl");
    let harbor = dir.path().join("s/harbor/records.jsonl");
    let (base, tuned) = (dir.path().join("base.json"), dir.path().join("tuned.json"));
    let read = |p: &Path| -> ModelFile {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    ok(&["train", "--data", s(&atelier), "--lr", "0.25", "-o", s(&base)]);
    let printed =
        ok(&["train", "--base", s(&base), "--data", s(&harbor), "--lr", "0.125", "-o", s(&tuned)]);
    let (b, t) = (read(&base), read(&tuned));
    // It starts where the base ended: its w0 is the base's weights, its w0_hash the base's
    // w_hash (the start the registry accepts when the attestation names the base).
    assert_eq!(t.w0, b.weights);
    assert_eq!(t.w0_hash, b.w_hash);
    assert_eq!(printed, fr_to_hex(&t.w_hash));
    assert_ne!(t.weights, b.weights, "fine-tuning changed nothing");
    // Trained from zero on the same records, the weights are others.
    let scratch = dir.path().join("scratch.json");
    ok(&["train", "--data", s(&harbor), "--lr", "0.125", "-o", s(&scratch)]);
    assert_ne!(read(&scratch).weights, t.weights);

    // A base of another profile (its weights have another shape) is refused.
    let mut other: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    other["profile"] = serde_json::json!("standard");
    let other_path = dir.path().join("other.json");
    std::fs::write(&other_path, other.to_string()).unwrap();
    let out = lineage(&[
        "train",
        "--base",
        s(&other_path),
        "--data",
        s(&harbor),
        "--lr",
        "0.125",
        "-o",
        s(&dir.path().join("x.json")),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("the base model is of profile"), "{err}");
}

#[test]
fn refuses_what_cannot_be_trained_or_proved() {
    let dir = tempfile::tempdir().unwrap();
    ok(&["sample", "-o", s(&dir.path().join("s"))]);
    let atelier = dir.path().join("s/atelier/records.jsonl");
    let model = dir.path().join("model.json");
    let fails = |args: &[&str], expect: &str| {
        let mut all = vec!["train", "-o", s(&model)];
        all.extend(args);
        let out = lineage(&all);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "should fail: {args:?}");
        assert!(err.contains(expect), "stderr {err:?} should mention {expect:?}");
        assert!(!model.exists(), "a refused run must not write a model");
    };
    let a = s(&atelier);
    fails(&["--data", a, "--lr", "0.25", "--epochs", "3"], "exactly 2 epochs");
    fails(&["--data", a, "--lr", "2"], "outside [2^-16, 1]");
    fails(&["--data", a, "--lr", "0"], "outside [2^-16, 1]");
    fails(&["--data", a, "--lr", "0.25", "--profile", "huge"], "unknown profile");
    fails(
        &["--data", a, "--data", a, "--lr", "0.25"],
        "appears more than once in the training data",
    );

    let manifest = dir.path().join("coarse.json");
    ok(&["dataset", "build", a, "--frac-bits", "8", "-o", s(&manifest)]);
    fails(&["--data", s(&manifest), "--lr", "0.25"], "--frac-bits 16");

    let content = format!("\"content\": \"0x{}\"", "ab".repeat(32));
    let creator = "\"creator\": \"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\", \"license\": 1";
    let write = |name: &str, line: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, format!("{{{content}, {creator}, {line}}}\n")).unwrap();
        p
    };
    let label = write("label.jsonl", "\"features\": [0, 0, 0, 0, 0, 0, 0, 0], \"label\": 2");
    fails(&["--data", s(&label), "--lr", "0.25"], "labels 0 and 1");
    let short = write("short.jsonl", "\"features\": [0.5, 0.25], \"label\": 1");
    fails(&["--data", s(&short), "--lr", "0.25"], "has 2 features, expected 8");
    let big = write("big.jsonl", "\"features\": [16, 0, 0, 0, 0, 0, 0, 0], \"label\": 1");
    fails(&["--data", s(&big), "--lr", "0.25"], "outside the fixed-point bound");
}

/// `lineage sample --records N` writes a larger corpus that `dataset build` and `train`
/// take: 300 records (over the demo's chunk capacity of 64) train into one model whose
/// `train_root` is the depth-20 tree of all of them; a size below 2 is refused.
#[test]
fn trains_on_a_larger_sample_than_one_chunk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("big");
    ok(&["sample", "--records", "300", "-o", s(&root)]);
    let mut manifests = Vec::new();
    for name in ["atelier", "harbor"] {
        let m = dir.path().join(format!("{name}.json"));
        let jsonl = root.join(name).join("records.jsonl");
        ok(&["dataset", "build", s(&jsonl), "--depth", "8", "-o", s(&m)]);
        manifests.push(m);
    }
    let model_path = dir.path().join("model.json");
    let (a, b) = (s(&manifests[0]), s(&manifests[1]));
    ok(&["train", "--data", a, "--data", b, "--lr", "0.25", "-o", s(&model_path)]);
    let model: ModelFile =
        serde_json::from_str(&std::fs::read_to_string(&model_path).unwrap()).unwrap();
    assert_eq!(model.hyper.samples, 300);
    assert!(model.training_accuracy > 0.8, "learnable: {}", model.training_accuracy);
    let mut records: Vec<Record> = manifests
        .iter()
        .flat_map(|m| {
            let m: DatasetManifest =
                serde_json::from_str(&std::fs::read_to_string(m).unwrap()).unwrap();
            m.records.into_iter().map(|r| r.record)
        })
        .collect();
    sort_training_order(&mut records);
    let leaves = records.iter().map(Record::leaf).collect();
    assert_eq!(model.train_root, MerkleTree::new(leaves, 20).unwrap().root());

    let out = lineage(&["sample", "--records", "1", "-o", s(&dir.path().join("tiny"))]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--records"));
}
