//! `lineage dataset …` end to end through the real binary: the happy path on the sample
//! corpus, and bad input that must fail loudly without leaving a manifest behind.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

const CREATOR: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

fn lineage(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lineage"))
        .args(args)
        .env_remove("LINEAGE_CREATOR")
        .env_remove("LINEAGE_LICENSE")
        .env_remove("LINEAGE_DEPTH")
        .output()
        .expect("runs lineage")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

fn sample(dir: &Path) -> PathBuf {
    let out = lineage(&["sample", "-o", s(dir)]);
    assert!(out.status.success(), "{out:?}");
    dir.to_path_buf()
}

/// The `error:` line says each of its causes once (a library error that prints its source
/// and also returns it once made it "x: No such file (os error 2): No such file (os error 2)").
fn each_cause_once(stderr: &str) {
    for line in stderr.lines().filter(|l| l.starts_with("error: ")) {
        for part in line.split(": ").filter(|p| p.len() > 8) {
            assert_eq!(line.matches(part).count(), 1, "{part:?} said twice in {line:?}");
        }
    }
}

/// Runs a build that must fail; checks the message and that no manifest was written.
fn build_fails(args: &[&str], manifest: &Path, expect: &str) {
    let out = lineage(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "should fail: {args:?}");
    assert!(err.contains(expect), "stderr {err:?} should mention {expect:?}");
    each_cause_once(&err);
    assert!(!manifest.exists(), "a failed build must not leave {manifest:?}");
    let leftovers: Vec<_> = std::fs::read_dir(manifest.parent().expect("parent"))
        .expect("read dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
}

#[test]
fn build_prove_verify_on_the_sample() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root_dir = sample(dir.path());
    let manifest = dir.path().join("out/atelier.json");
    let jsonl = root_dir.join("atelier/records.jsonl");
    let out = lineage(&["dataset", "build", s(&jsonl), "-o", s(&manifest)]);
    assert!(out.status.success(), "{out:?}");
    let root = stdout(&out);
    assert!(root.starts_with("0x") && root.len() == 66, "{root}");

    // The same works as a folder, with the same creator and license, but no features:
    // a different commitment, built deterministically.
    let folder = lineage(&[
        "dataset",
        "build",
        s(&root_dir.join("atelier/works")),
        "--creator",
        CREATOR,
        "--license",
        "1",
        "--json",
        "-o",
        s(&dir.path().join("out/folder.json")),
    ]);
    assert!(folder.status.success(), "{folder:?}");
    let summary: serde_json::Value = serde_json::from_slice(&folder.stdout).expect("json summary");
    assert_eq!(summary["leaf_count"], 24);
    assert_ne!(summary["root"].as_str(), Some(root.as_str()));

    let work = root_dir.join("atelier/works/atelier-007.txt");
    let proof = dir.path().join("proof.json");
    let out = lineage(&[
        "dataset",
        "prove-inclusion",
        s(&manifest),
        "--content",
        s(&work),
        "-o",
        s(&proof),
    ]);
    assert!(out.status.success(), "{out:?}");

    let ok = lineage(&[
        "dataset",
        "verify-inclusion",
        s(&proof),
        "--root",
        &root,
        "--content",
        s(&work),
    ]);
    assert!(ok.status.success(), "{ok:?}");
    assert!(stdout(&ok).starts_with("valid: record 7"));

    // Another root, another work, a tampered proof: all rejected with exit code 1.
    let other_root = summary["root"].as_str().expect("root");
    let wrong_root = lineage(&["dataset", "verify-inclusion", s(&proof), "--root", other_root]);
    assert_eq!(wrong_root.status.code(), Some(1));
    let other = root_dir.join("atelier/works/atelier-008.txt");
    let wrong_work = lineage(&["dataset", "verify-inclusion", s(&proof), "--content", s(&other)]);
    assert_eq!(wrong_work.status.code(), Some(1));
    let text = std::fs::read_to_string(&proof).expect("proof");
    std::fs::write(&proof, text.replacen("\"license\": 1", "\"license\": 2", 1)).expect("write");
    let tampered = lineage(&["dataset", "verify-inclusion", s(&proof), "--json"]);
    assert_eq!(tampered.status.code(), Some(1));
    let verdict: serde_json::Value =
        serde_json::from_slice(&tampered.stdout).expect("json verdict");
    assert_eq!(verdict["valid"], false);
}

#[test]
fn bad_input_fails_clearly_and_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root_dir = sample(dir.path());
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).expect("mkdir");
    let m = out_dir.join("m.json");
    let works = root_dir.join("harbor/works");
    let build = |source: &Path, extra: &[&str]| -> Vec<String> {
        let mut v =
            vec!["dataset".into(), "build".into(), s(source).into(), "-o".into(), s(&m).into()];
        v.extend(extra.iter().map(|x| x.to_string()));
        v
    };
    let run = |args: Vec<String>, expect: &str| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        build_fails(&refs, &m, expect);
    };
    let ok_flags = ["--creator", CREATOR, "--license", "1"];

    // An empty folder.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    run(build(&empty, &ok_flags), "no records found");

    // A missing source, and an unreadable file inside a folder (a dangling link).
    run(build(&dir.path().join("missing"), &ok_flags), "missing");
    let broken = dir.path().join("broken");
    std::fs::create_dir_all(&broken).expect("mkdir");
    std::fs::write(broken.join("a.txt"), b"a").expect("write");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), broken.join("b.txt")).expect("symlink");
    run(build(&broken, &ok_flags), "b.txt");

    // Malformed JSONL: the error names the line.
    let jsonl = dir.path().join("bad.jsonl");
    std::fs::write(&jsonl, "{\"content\": \"0x00\"}\n").expect("write");
    run(build(&jsonl, &ok_flags), "bad.jsonl:1");
    let good_line = format!("{{\"content\": \"0x{}\"}}", "ab".repeat(32));
    std::fs::write(&jsonl, format!("{good_line}\n\n{{\"content\": oops}}\n")).expect("write");
    run(build(&jsonl, &ok_flags), "bad.jsonl:3");
    std::fs::write(&jsonl, format!("{good_line}\n{{\"path\": \"gone.txt\"}}\n")).expect("write");
    run(build(&jsonl, &ok_flags), "gone.txt");
    std::fs::write(&jsonl, "{\"path\": \"harbor\"}\n").expect("write");
    std::fs::rename(&jsonl, root_dir.join("dir.jsonl")).expect("move");
    run(build(&root_dir.join("dir.jsonl"), &ok_flags), "harbor");
    std::fs::write(&jsonl, format!("{good_line}\n{good_line}\n")).expect("write");
    run(build(&jsonl, &ok_flags), "appears twice");
    std::fs::write(&jsonl, format!("{{\"content\": \"0x{}\", \"licence\": 1}}\n", "ab".repeat(32)))
        .expect("write");
    run(build(&jsonl, &ok_flags), "unknown field");

    // A depth too small for the record count (24 records need depth 5).
    run(build(&works, &["--creator", CREATOR, "--license", "1", "--depth", "4"]), "--depth 5");

    // Invalid addresses and licenses, from flags and from JSONL lines.
    run(build(&works, &["--creator", "0x1234", "--license", "1"]), "invalid address");
    run(
        build(
            &works,
            &["--creator", "0x70997970c51812dc3A010C7d01b50e0d17dc79C8", "--license", "1"],
        ),
        "checksum",
    );
    run(build(&works, &["--creator", CREATOR, "--license", "64"]), "invalid license");
    run(build(&works, &["--creator", CREATOR, "--license", "cc-by"]), "invalid license");
    run(build(&works, &["--license", "1"]), "no creator");
    std::fs::write(
        &jsonl,
        format!("{good_line}\n{{\"content\": \"0x{}\", \"license\": 99}}\n", "cd".repeat(32)),
    )
    .expect("write");
    run(build(&jsonl, &ok_flags), "bad.jsonl:2: invalid license");
    std::fs::write(
        &jsonl,
        format!("{{\"content\": \"0x{}\", \"creator\": \"bob\"}}\n", "cd".repeat(32)),
    )
    .expect("write");
    run(build(&jsonl, &ok_flags), "bad.jsonl:1: invalid address");
}

#[test]
fn prove_inclusion_refuses_a_tampered_manifest_and_unknown_content() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root_dir = sample(dir.path());
    let manifest = dir.path().join("m.json");
    let out = lineage(&[
        "dataset",
        "build",
        s(&root_dir.join("harbor/records.jsonl")),
        "-o",
        s(&manifest),
    ]);
    assert!(out.status.success(), "{out:?}");

    let stranger = dir.path().join("stranger.txt");
    std::fs::write(&stranger, b"not in the dataset").expect("write");
    let out = lineage(&["dataset", "prove-inclusion", s(&manifest), "--content", s(&stranger)]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no record with content"));

    let text = std::fs::read_to_string(&manifest).expect("manifest");
    std::fs::write(&manifest, text.replacen("\"label\": 1", "\"label\": 0", 1)).expect("write");
    let out = lineage(&["dataset", "prove-inclusion", s(&manifest), "--index", "0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("inconsistent"));
}
