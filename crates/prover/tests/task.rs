//! The proof tree's task interface (`lineage prove --plan-only`, `lineage prove-task`) on
//! real keys: the plan of 80 records under `demo-declared-tree` (two chunks, one node, the
//! root), its chunk tasks run from their files with only the chunk key loaded, a rerun
//! that keeps a finished output, and input files that are not a task's own refused before
//! anything is proven: another chunk's witness, a witness of another shape, a damaged one,
//! a node's children swapped, a child proof with a flipped byte, and keys other than the
//! plan's. The node and root tasks prove in `script/e2e.sh` (minutes each).
//!
//! Uses the cached keys of `demo-declared-tree` (`tree_fixture.rs`, which runs first in
//! CI, makes them when absent).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::inputs_of;
use lineage_circuits::profile::DEMO_DECLARED_TREE;
use lineage_core::content::hash_bytes;
use lineage_prover::{
    artifacts::{self, Need, SrsSource},
    inputs::{witnesses, Claim},
    task::{self, Done, Plan},
};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn edit(from: &Path, to: &Path, f: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(from).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(to, serde_json::to_string(&v).unwrap()).unwrap();
}

#[test]
fn tasks_run_from_their_files_and_refuse_files_that_are_not_theirs() {
    let mut log = common::logger();
    let profile = DEMO_DECLARED_TREE;
    let root = artifacts::default_root();
    let (setup, ..) =
        artifacts::open_for(&root, &profile, &SrsSource::Dev, false, Need::NONE, &mut log).unwrap();
    let (datasets, training) = inputs_of(40);
    let model = hash_bytes(b"a diffusion model's weights");
    let set = witnesses(&profile, &datasets, &training, 0b11, &Claim::Declared { model }).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = Plan::new(&setup, &set).unwrap().write(dir.path(), &set).unwrap();
    let plan = Plan::read(&path).unwrap();
    assert_eq!((plan.chunks, plan.height, plan.tasks.len()), (2, 1, 4));
    let at = |name: &str| dir.path().join(name);
    let files = |id: &str| {
        let t = plan.task(id).unwrap();
        (t.inputs.iter().map(|x| at(x)).collect::<Vec<PathBuf>>(), at(&t.output))
    };
    let run = |id: &str, inputs: &[PathBuf], out: &Path| {
        task::run_files(&setup, &plan, id, inputs, out, Default::default)
    };
    let refused = |id: &str, inputs: &[PathBuf], why: &str| {
        let e = run(id, inputs, &at("refused.json")).unwrap_err().to_string();
        assert!(e.contains(why), "{id}: {e}");
        assert!(!at("refused.json").exists(), "{id}: nothing written");
    };

    log("chunk.00000, twice: the second keeps the output");
    let (in0, out0) = files("chunk.00000");
    assert_eq!(run("chunk.00000", &in0, &out0).unwrap(), Done::Proved);
    assert_eq!(run("chunk.00000", &in0, &out0).unwrap(), Done::Reused);

    log("chunk.00001 from files that are not its own");
    let (in1, out1) = files("chunk.00001");
    refused("chunk.00001", &in0, "is not the witness of chunk.00001");
    edit(&in0[0], &at("relabelled.in.json"), |v| v["chunk"] = 1.into());
    refused("chunk.00001", &[at("relabelled.in.json")], "not those of the plan's chunk 1");
    edit(&in1[0], &at("short.in.json"), |v| {
        v["witness"]["dataset"]["records"].as_array_mut().unwrap().pop();
    });
    refused("chunk.00001", &[at("short.in.json")], "63 record positions, not 64");
    // The same public words, another opening: the words name the chunk, the proof fails.
    edit(&in1[0], &at("damaged.in.json"), |v| {
        v["witness"]["dataset"]["records"][0]["siblings"][0] = format!("0x{:064x}", 5).into();
    });
    refused("chunk.00001", &[at("damaged.in.json")], "does not satisfy the chunk circuit");
    refused("chunk.00001", &[], "takes 1 input files");
    assert_eq!(run("chunk.00001", &in1, &out1).unwrap(), Done::Proved);

    log("node.h01.00000 from children that are not its own (refused before proving)");
    let (children, _) = files("node.h01.00000");
    let swapped = [children[1].clone(), children[0].clone()];
    refused("node.h01.00000", &swapped, "not the finished output of chunk.00000");
    edit(&children[0], &at("flipped.json"), |v| {
        let p = v["proof"].as_str().unwrap();
        let flipped = if p.ends_with('0') { "1" } else { "0" };
        v["proof"] = format!("{}{flipped}", &p[..p.len() - 1]).into();
    });
    refused("node.h01.00000", &[at("flipped.json"), children[1].clone()], "does not verify");

    log("a plan made with other keys");
    let mut other = plan.clone();
    other.vk_sha256[1] = "00".repeat(32);
    let e = task::run_files(&setup, &other, "chunk.00000", &in0, &out0, Default::default);
    assert!(e.unwrap_err().to_string().contains("other keys"));
    log("done");
}
