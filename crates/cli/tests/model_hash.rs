//! `lineage model-hash` through the real binary: a file's hash is `sha256sum`'s, a
//! folder's is stable and lists its files, and a missing path is a clear error.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::{path::Path, process::Command};

fn lineage(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lineage")).args(args).output().expect("runs lineage")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn hashes_a_file_like_sha256sum_and_a_folder_by_its_listing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("model.gguf");
    std::fs::write(&file, b"not really a gguf").unwrap();
    let out = lineage(&["model-hash", s(&file)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let sum = Command::new("sha256sum").arg(&file).output().expect("sha256sum runs");
    let expected = String::from_utf8(sum.stdout).unwrap();
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(printed.trim(), format!("0x{}", expected.split_whitespace().next().unwrap()));

    let folder = dir.path().join("adapter");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("adapter_model.safetensors"), b"lora").unwrap();
    std::fs::write(folder.join("adapter_config.json"), b"{\"r\": 8}").unwrap();
    let out = lineage(&["model-hash", s(&folder), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["layout"], "folder");
    assert_eq!(v["files"][0]["path"], "adapter_config.json");
    assert_eq!(v["files"][1]["path"], "adapter_model.safetensors");
    assert_eq!(v["files"][1]["bytes"], 4);
    let plain = lineage(&["model-hash", s(&folder)]);
    assert_eq!(String::from_utf8(plain.stdout).unwrap().trim(), v["sha256"]);

    let out = lineage(&["model-hash", s(&dir.path().join("missing"))]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("hashing the model at") && err.contains("missing"), "{err}");
}
