//! A proof tree as a plan of tasks that any executor can run one at a time, on any machine
//! (issue 17; `docs/proof-tree-plan.md` §5). `lineage prove --plan-only` writes the plan and
//! each chunk's witness file; `lineage prove-task PLAN TASK` runs one task from explicit
//! input files to an explicit output file; `lineage prove` runs the same tasks in order
//! ([`Setup::prove_set`]) through the same [`Setup::run_task`]. The file names are the work
//! folder's ([`crate::work`]), so a proof written by any of them is reused by the others.
//!
//! - `plan.json` ([`Plan`], format `lineage-plan-v1`): the profile, the SRS, the SHA-256 of
//!   each verifying key, the set's size, and the tasks, each after its dependencies, with
//!   its input and output files (relative to the plan's folder), the key its output is
//!   named by, and the memory, cores and time it needs (for an executor's placement).
//! - a chunk's witness (`chunk.00003-<key>.in.json`, format `lineage-chunk-v1`): the chunk's
//!   private inputs, records included. Keep the folder as private as the data.
//! - a chunk or node proof: a [`crate::work`] proof file.
//! - the root's output: the attestation.
//!
//! A task refuses input files that are not its own: a chunk witness whose public words give
//! another key than the plan's, a child proof of another slot or key, or one that does not
//! verify, and keys other than those the plan was made with. None of these checks is what
//! makes the tree sound (the node and root circuits are); they turn an executor's mix-up
//! into a clear error instead of a proof the root refuses later.

use crate::{
    aggregate::AggregateProof,
    artifacts::vk_sha256,
    inputs::Witnesses,
    kzg,
    pipeline::Setup,
    plan::{Slot, Tree},
    tree::{self, Proof},
    work::{self, Key},
    Error,
};
use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use lineage_circuits::{chunk::ChunkWitness, profile::TrainingKind, LineageCircuit, Profile};
use lineage_core::{attestation::SrsInfo, record::ContentHash};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The format of a plan file.
pub const PLAN_FORMAT: &str = "lineage-plan-v1";

/// The format of a chunk's witness file.
pub const CHUNK_FORMAT: &str = "lineage-chunk-v1";

/// The plan's file name in its folder.
pub const PLAN_FILE: &str = "plan.json";

/// What a task proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum What {
    /// The chunk proof of chunk `chunk` (`records` records).
    Chunk {
        /// The chunk's index.
        chunk: usize,
        /// Its records.
        records: usize,
    },
    /// A node over one or two children.
    Node {
        /// Height above the chunks.
        height: u32,
        /// Position among its height's nodes.
        index: usize,
        /// Whether it has a left child only.
        padded: bool,
    },
    /// The root over the top node: the attestation.
    Root,
}

impl What {
    /// The slot its output fills (none for the root).
    pub fn slot(self) -> Option<Slot> {
        match self {
            Self::Chunk { chunk, .. } => Some(Slot::Chunk(chunk)),
            Self::Node { height, index, .. } => Some(Slot::Node { height, index }),
            Self::Root => None,
        }
    }
}

/// One task of a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskSpec {
    /// `chunk.00003`, `node.h01.00000` or `root`.
    pub id: String,
    /// What it proves.
    #[serde(flatten)]
    pub what: What,
    /// The tasks whose outputs are its inputs.
    pub deps: Vec<String>,
    /// Its input files, relative to the plan's folder: a chunk's witness; a node's left and
    /// right children's proofs; the root's top node proof.
    pub inputs: Vec<String>,
    /// Its output file, relative to the plan's folder.
    pub output: String,
    /// The key its output is named by ([`work::chunk_key`], [`work::node_key`]), in hex;
    /// none for the root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Peak memory of a process running it alone, in GB (keys loaded and proving).
    pub mem_gb: f64,
    /// Cores it keeps busy.
    pub cpus: u32,
    /// Rough seconds on 2 cores (BENCHMARKS.md).
    pub est_s: u64,
}

impl TaskSpec {
    /// Its place in the tree (none for the root).
    pub fn slot(&self) -> Option<Slot> {
        self.what.slot()
    }

    /// The key its output is named by.
    pub fn key_bytes(&self) -> Result<Key, Error> {
        let bad = || Error::Plan(format!("task {} has no valid key", self.id));
        let bytes = hex::decode(self.key.as_deref().ok_or_else(bad)?).map_err(|_| bad())?;
        bytes.try_into().map_err(|_| bad())
    }
}

/// A proof tree's tasks over one training set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// [`PLAN_FORMAT`].
    pub format: String,
    /// The tree profile.
    pub profile: String,
    /// Its id (the registry's verifier).
    pub profile_id: u32,
    /// Its kind of training.
    pub kind: TrainingKind,
    /// The SRS the keys were made under.
    pub srs: SrsInfo,
    /// SHA-256 of each verifying key: `[chunk, leaf, inner, root]`.
    pub vk_sha256: [String; 4],
    /// The records in all.
    pub n_records: usize,
    /// Records per chunk.
    pub capacity: usize,
    /// Chunk proofs.
    pub chunks: usize,
    /// The top node's height.
    pub height: u32,
    /// Declared training: the model hash the root binds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_sha256: Option<ContentHash>,
    /// The tasks, each after its dependencies; the root last.
    pub tasks: Vec<TaskSpec>,
}

/// The input of one task.
#[derive(Clone, Copy, Debug)]
pub enum Input<'a> {
    /// A chunk's witness.
    Chunk(&'a ChunkWitness),
    /// A node's children.
    Node {
        /// The left child.
        left: &'a Proof,
        /// The right child, if any.
        right: Option<&'a Proof>,
    },
    /// The root's top node.
    Root(&'a Proof),
}

/// The output of one task.
#[derive(Clone, Debug)]
pub enum Output {
    /// A chunk or node proof.
    Proof(Proof),
    /// The root's proof, which the attestation carries.
    Root(AggregateProof),
}

/// A chunk's witness file.
#[derive(Serialize, Deserialize)]
struct ChunkFile {
    format: String,
    profile: String,
    chunk: usize,
    witness: ChunkWitness,
}

/// What [`run_files`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    /// The output was already there, whole and this task's: nothing was proven.
    Reused,
    /// The task was run and its output written.
    Proved,
}

/// Peak memory (GB), cores and seconds of a `lineage prove-task` process on 2 cores, keys
/// loaded included, rounded up from BENCHMARKS.md ("The proof tree, task by task": a chunk
/// of 64 records 3.47 GB and ~20 s, a node 9.69 GB and ~287 s, the root 8.29 GB and
/// ~231 s, demo shapes).
fn needs(profile: &Profile, what: What) -> (f64, u32, u64) {
    match what {
        What::Chunk { .. } => (4.0, 2, (0.35 * profile.records as f64).ceil() as u64),
        What::Node { .. } => (10.0, 2, 290),
        What::Root => (9.0, 2, 235),
    }
}

impl Plan {
    /// The plan of `set` under a tree profile's `setup`.
    pub fn new(setup: &Setup, set: &Witnesses) -> Result<Self, Error> {
        let profile = &setup.profile;
        let keys = setup.tree.as_ref().ok_or_else(|| {
            Error::Plan(format!("profile {:?} is not a proof-tree profile", profile.name))
        })?;
        let vk_sha256 = [
            vk_sha256(setup.chunk_keys.vk()),
            vk_sha256(keys.leaf.vk()),
            vk_sha256(keys.inner.vk()),
            vk_sha256(setup.aggregate_keys.vk()),
        ];
        let words: Vec<Vec<Fr>> = set.chunks.iter().map(|w| setup.chunk.instances(w)).collect();
        Self::of(profile, setup.srs.clone(), vk_sha256, &words, set.n_records, set.model)
    }

    /// The plan of a set of `n_records` whose chunks expose `chunk_words`, under the keys of
    /// SHA-256 `vk_sha256` (`[chunk, leaf, inner, root]`).
    pub fn of(
        profile: &Profile,
        srs: SrsInfo,
        vk_sha256: [String; 4],
        chunk_words: &[Vec<Fr>],
        n_records: usize,
        model_sha256: Option<ContentHash>,
    ) -> Result<Self, Error> {
        let tree = Tree::new(n_records, profile.records, profile.max_records)
            .map_err(|e| Error::TreeShape(e.to_string()))?;
        if tree.chunks.len() != chunk_words.len() {
            return Err(Error::TreeShape(format!(
                "{} chunk witnesses for a plan of {} chunks",
                chunk_words.len(),
                tree.chunks.len()
            )));
        }
        let mut tasks = Vec::new();
        let mut keys_of = std::collections::BTreeMap::new();
        let task = |what: What, deps: Vec<String>, inputs, output, key: Option<Key>| {
            let (mem_gb, cpus, est_s) = needs(profile, what);
            TaskSpec {
                id: what.slot().map_or_else(|| "root".to_owned(), |s| s.to_string()),
                what,
                deps,
                inputs,
                output,
                key: key.map(hex::encode),
                mem_gb,
                cpus,
                est_s,
            }
        };
        for (i, (words, range)) in chunk_words.iter().zip(&tree.chunks).enumerate() {
            let slot = Slot::Chunk(i);
            let key = work::chunk_key(&vk_sha256[0], words);
            let what = What::Chunk { chunk: i, records: range.len() };
            tasks.push(task(
                what,
                vec![],
                vec![chunk_file_name(i, &key)],
                work::file_name(slot, &key),
                Some(key),
            ));
            keys_of.insert(slot, key);
        }
        for node in &tree.nodes {
            let Slot::Node { height, index } = node.slot else { continue };
            let sha = &vk_sha256[if height == 1 { 1 } else { 2 }];
            let children: Vec<Slot> = std::iter::once(node.left).chain(node.right).collect();
            let key = work::node_key(sha, &keys_of[&node.left], node.right.map(|r| &keys_of[&r]));
            let what = What::Node { height, index, padded: node.right.is_none() };
            tasks.push(task(
                what,
                children.iter().map(Slot::to_string).collect(),
                children.iter().map(|c| work::file_name(*c, &keys_of[c])).collect(),
                work::file_name(node.slot, &key),
                Some(key),
            ));
            keys_of.insert(node.slot, key);
        }
        let top = tree.top();
        tasks.push(task(
            What::Root,
            vec![top.to_string()],
            vec![work::file_name(top, &keys_of[&top])],
            "attestation.json".to_owned(),
            None,
        ));
        Ok(Self {
            format: PLAN_FORMAT.to_owned(),
            profile: profile.name.to_owned(),
            profile_id: profile.id,
            kind: profile.kind,
            srs,
            vk_sha256,
            n_records,
            capacity: profile.records,
            chunks: tree.chunks.len(),
            height: tree.height(),
            model_sha256,
            tasks,
        })
    }

    /// Writes `plan.json` and each chunk's witness file into `dir` (created if missing).
    pub fn write(&self, dir: &Path, set: &Witnesses) -> Result<PathBuf, Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        for t in &self.tasks {
            if let What::Chunk { chunk, .. } = t.what {
                let file = ChunkFile {
                    format: CHUNK_FORMAT.to_owned(),
                    profile: self.profile.clone(),
                    chunk,
                    witness: set.chunks[chunk].clone(),
                };
                let json = serde_json::to_vec(&file).map_err(Error::json)?;
                work::write_atomic(&dir.join(&t.inputs[0]), &json)?;
            }
        }
        let path = dir.join(PLAN_FILE);
        let json = serde_json::to_vec_pretty(self).map_err(Error::json)?;
        work::write_atomic(&path, &json)?;
        Ok(path)
    }

    /// Reads a plan file.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let plan: Self = serde_json::from_str(&text).map_err(Error::json)?;
        if plan.format != PLAN_FORMAT {
            return Err(Error::Plan(format!(
                "{} is of format {:?}, this build reads {PLAN_FORMAT:?}",
                path.display(),
                plan.format
            )));
        }
        Ok(plan)
    }

    /// The task called `id`, or an error listing a few.
    pub fn task(&self, id: &str) -> Result<&TaskSpec, Error> {
        self.tasks.iter().find(|t| t.id == id).ok_or_else(|| {
            let ids: Vec<&str> = self.tasks.iter().map(|t| t.id.as_str()).take(6).collect();
            Error::Plan(format!("the plan has no task {id:?} (its tasks: {}, …)", ids.join(", ")))
        })
    }

    /// Refuses a setup other than the one the plan was made with.
    pub fn check_setup(&self, setup: &Setup) -> Result<(), Error> {
        let keys = setup.tree.as_ref().map(|k| [vk_sha256(k.leaf.vk()), vk_sha256(k.inner.vk())]);
        let same = self.profile == setup.profile.name
            && self.srs == setup.srs
            && self.vk_sha256[0] == vk_sha256(setup.chunk_keys.vk())
            && keys.is_some_and(|[l, i]| self.vk_sha256[1] == l && self.vk_sha256[2] == i)
            && self.vk_sha256[3] == vk_sha256(setup.aggregate_keys.vk());
        if !same {
            return Err(Error::Plan(format!(
                "the plan was made for profile {:?} with other keys or another SRS than these",
                self.profile
            )));
        }
        Ok(())
    }
}

/// The witness file name of chunk `i` under `key`.
fn chunk_file_name(i: usize, key: &Key) -> String {
    format!("{}-{}.in.json", Slot::Chunk(i), &hex::encode(key)[..16])
}

impl Setup {
    /// Runs one task of `plan` on its input: proves a chunk (and verifies it), a node (its
    /// children verified first) or the root.
    pub fn run_task(
        &self,
        plan: &Plan,
        task: &TaskSpec,
        input: Input<'_>,
    ) -> Result<Output, Error> {
        let keys = self.tree.as_ref().ok_or_else(|| {
            Error::Plan(format!("profile {:?} is not a proof-tree profile", self.profile.name))
        })?;
        let cp = &self.params[&self.chunk.k()];
        let params = self.aggregate_params();
        match (task.what, input) {
            (What::Chunk { .. }, Input::Chunk(w)) => {
                let (proof, instances) = kzg::prove(cp, &self.chunk_keys, &self.chunk, w)?;
                if !kzg::verify(cp, self.chunk_keys.vk(), &proof, &instances) {
                    return Err(Error::Plan(format!(
                        "{}: the chunk's witness does not satisfy the chunk circuit",
                        task.id
                    )));
                }
                Ok(Output::Proof(Proof { instances, proof }))
            }
            (What::Node { height: 1, .. }, Input::Node { left, right }) => {
                let chunk = (cp, self.chunk_keys.vk());
                tree::prove_leaf(params, keys, &self.profile, chunk, left, right).map(Output::Proof)
            }
            (What::Node { .. }, Input::Node { left, right }) => {
                tree::prove_inner(params, keys, &self.profile, left, right).map(Output::Proof)
            }
            (What::Root, Input::Root(top)) => tree::prove_root(
                params,
                &self.aggregate_keys,
                keys,
                &self.profile,
                top,
                plan.model_sha256,
            )
            .map(Output::Root),
            _ => Err(Error::Plan(format!("task {} was given another kind of input", task.id))),
        }
    }

    /// Whether `proof` is a finished output of the chunk or node `task`: it verifies under
    /// the task's key and (a chunk) its public words give the task's key.
    pub fn is_output_of(&self, plan: &Plan, task: &TaskSpec, proof: &Proof) -> bool {
        let Ok(key) = task.key_bytes() else { return false };
        match (task.what, &self.tree) {
            (What::Chunk { .. }, _) => {
                let cp = &self.params[&self.chunk.k()];
                work::chunk_key(&plan.vk_sha256[0], &proof.instances) == key
                    && kzg::verify(cp, self.chunk_keys.vk(), &proof.proof, &proof.instances)
            }
            (What::Node { height, .. }, Some(keys)) => {
                let vk = if height == 1 { keys.leaf.vk() } else { keys.inner.vk() };
                tree::verify(self.aggregate_params(), vk, proof)
            }
            _ => false,
        }
    }
}

/// Runs `plan`'s task `id` with `setup` (loaded for it: `Need` of [`needs_keys`]), reading
/// `inputs` (the task's input files in the plan's order) and writing `output`. A chunk or
/// node output already there, whole and this task's, is kept and nothing is proven
/// ([`Done::Reused`]): an executor may retry a task that finished. The root proves anew.
pub fn run_files(
    setup: &Setup,
    plan: &Plan,
    id: &str,
    inputs: &[PathBuf],
    output: &Path,
    timings_ms: impl FnOnce() -> std::collections::BTreeMap<String, u64>,
) -> Result<Done, Error> {
    plan.check_setup(setup)?;
    let task = plan.task(id)?;
    if inputs.len() != task.inputs.len() {
        return Err(Error::Plan(format!(
            "task {id} takes {} input files ({}), {} given",
            task.inputs.len(),
            task.inputs.join(", "),
            inputs.len()
        )));
    }
    if let Some(slot) = task.slot() {
        let key = task.key_bytes()?;
        if work::read(output, slot, &key).is_some_and(|p| setup.is_output_of(plan, task, &p)) {
            return Ok(Done::Reused);
        }
    }
    let out = match task.what {
        What::Chunk { chunk, .. } => {
            let w = read_chunk(plan, task, chunk, &inputs[0])?;
            let key = task.key_bytes()?;
            if work::chunk_key(&plan.vk_sha256[0], &setup.chunk.instances(&w)) != key {
                return Err(Error::Plan(format!(
                    "{}: its public words are not those of the plan's chunk {chunk} (another \
                     chunk's or another training set's witness?)",
                    inputs[0].display()
                )));
            }
            setup.run_task(plan, task, Input::Chunk(&w))?
        }
        What::Node { .. } => {
            let children = children(plan, task, inputs)?;
            let input = Input::Node { left: &children[0], right: children.get(1) };
            setup.run_task(plan, task, input)?
        }
        What::Root => {
            let top = children(plan, task, inputs)?;
            setup.run_task(plan, task, Input::Root(&top[0]))?
        }
    };
    match (out, task.slot()) {
        (Output::Proof(p), Some(slot)) => work::write(output, slot, &task.key_bytes()?, &p)?,
        (Output::Root(p), None) => {
            if !setup.verify(&p) {
                return Err(Error::TreeShape("a root proof that does not verify".into()));
            }
            let att = setup.attestation(&p, timings_ms());
            let json = serde_json::to_vec_pretty(&att).map_err(Error::json)?;
            work::write_atomic(output, &json)?;
        }
        _ => return Err(Error::Plan(format!("task {id} gave an output of another kind"))),
    }
    Ok(Done::Proved)
}

/// The proving keys a process running `task` loads.
pub fn needs_keys(task: &TaskSpec) -> crate::artifacts::Need {
    use crate::artifacts::Need;
    match task.what {
        What::Chunk { .. } => Need::NONE,
        What::Node { height: 1, .. } => Need { leaf: true, ..Need::NONE },
        What::Node { .. } => Need { inner: true, ..Need::NONE },
        What::Root => Need { root: true, ..Need::NONE },
    }
}

fn read_chunk(
    plan: &Plan,
    task: &TaskSpec,
    chunk: usize,
    path: &Path,
) -> Result<ChunkWitness, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let f: ChunkFile = serde_json::from_str(&text).map_err(Error::json)?;
    if f.format != CHUNK_FORMAT || f.profile != plan.profile || f.chunk != chunk {
        return Err(Error::Plan(format!(
            "{} is not the witness of {} under profile {:?} (format {:?}, profile {:?}, chunk {})",
            path.display(),
            task.id,
            plan.profile,
            f.format,
            f.profile,
            f.chunk
        )));
    }
    check_shape(plan, &f.witness).map_err(|what| {
        Error::Plan(format!("{}: a witness of another shape: {what}", path.display()))
    })?;
    Ok(f.witness)
}

/// Refuses a witness the circuit could not even be laid out over (it would panic).
fn check_shape(plan: &Plan, w: &ChunkWitness) -> Result<(), String> {
    let profile = lineage_circuits::profile::by_name(&plan.profile)
        .ok_or_else(|| format!("unknown profile {:?}", plan.profile))?;
    let n = profile.records;
    let depth = profile.dataset.depth as usize;
    if w.dataset.records.len() != n {
        return Err(format!("{} record positions, not {n}", w.dataset.records.len()));
    }
    if let Some(r) = w.dataset.records.iter().find(|r| r.siblings.len() != depth) {
        return Err(format!("an opening of {} siblings, not {depth}", r.siblings.len()));
    }
    match (&w.training, profile.kind) {
        (None, TrainingKind::Declared) => Ok(()),
        (Some(t), TrainingKind::Proven) => {
            let (d, e) = (profile.training.features, profile.training.epochs as usize);
            let weights = t.starts.iter().chain(&t.ends);
            if t.records.len() > n || t.starts.len() != e || t.ends.len() != e {
                return Err(format!(
                    "{} training records, {} segments",
                    t.records.len(),
                    t.starts.len()
                ));
            }
            if weights.clone().any(|w| w.w.len() != d)
                || t.records.iter().any(|r| r.features.len() != d)
            {
                return Err(format!("weights or features of another width than {d}"));
            }
            Ok(())
        }
        _ => Err(format!("not a witness of {} training", profile.kind)),
    }
}

/// The child proofs of a node or root task from its input files, each checked to be its
/// dependency's finished output.
fn children(plan: &Plan, task: &TaskSpec, inputs: &[PathBuf]) -> Result<Vec<Proof>, Error> {
    task.deps
        .iter()
        .zip(inputs)
        .map(|(dep, path)| {
            let child = plan.task(dep)?;
            let (slot, key) = (child.slot(), child.key_bytes()?);
            slot.and_then(|s| work::read(path, s, &key)).ok_or_else(|| {
                Error::Plan(format!(
                    "{}: not the finished output of {dep} (a missing or damaged file, or another \
                     task's output)",
                    path.display()
                ))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lineage_circuits::profile::DEMO_DECLARED_TREE;

    fn plan(words: &[Vec<Fr>], n: usize) -> Plan {
        let srs = SrsInfo { kind: "dev".into(), sha256: "00".into(), insecure: true };
        let shas = ["c", "l", "i", "r"].map(String::from);
        Plan::of(&DEMO_DECLARED_TREE, srs, shas, words, n, None).unwrap()
    }

    fn words(k: u64) -> Vec<Vec<Fr>> {
        (0..k).map(|i| vec![Fr::from(i), Fr::from(100 + i)]).collect()
    }

    #[test]
    fn three_chunks_plan_chunks_nodes_and_a_root_each_after_what_it_takes() {
        let p = plan(&words(3), 150);
        let ids: Vec<&str> = p.tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "chunk.00000",
                "chunk.00001",
                "chunk.00002",
                "node.h01.00000",
                "node.h01.00001",
                "node.h02.00000",
                "root"
            ]
        );
        assert_eq!((p.chunks, p.height, p.capacity), (3, 2, 64));
        assert_eq!(p.tasks[2].what, What::Chunk { chunk: 2, records: 22 });
        assert_eq!(p.tasks[4].what, What::Node { height: 1, index: 1, padded: true });
        for (i, t) in p.tasks.iter().enumerate() {
            let own = usize::from(matches!(t.what, What::Chunk { .. }));
            assert_eq!(t.deps.len() + own, t.inputs.len(), "{}: one input per dependency", t.id);
            for (dep, input) in t.deps.iter().zip(&t.inputs) {
                let d = p.tasks.iter().position(|x| &x.id == dep).unwrap();
                assert!(d < i, "{} comes after {dep}", t.id);
                assert_eq!(&p.tasks[d].output, input, "{} reads {dep}'s output", t.id);
            }
            assert!(t.mem_gb > 0.0 && t.cpus > 0, "{} states its needs", t.id);
        }
        assert!(p.tasks[0].inputs[0].ends_with(".in.json"), "a chunk reads its witness file");
        let text = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Plan>(&text).unwrap(), p, "the file reads back");
    }

    #[test]
    fn outputs_are_named_by_what_they_prove() {
        let p = plan(&words(2), 80);
        let mut swapped = words(2);
        swapped.swap(0, 1);
        let q = plan(&swapped, 80);
        let out = |p: &Plan, id: &str| p.task(id).unwrap().output.clone();
        assert_eq!(out(&p, "chunk.00000")[..12], out(&q, "chunk.00000")[..12], "the same slot");
        assert_ne!(out(&p, "chunk.00000"), out(&q, "chunk.00000"), "other words, another key");
        assert_ne!(out(&p, "node.h01.00000"), out(&q, "node.h01.00000"), "children swapped");
        assert!(p.task("node.h09.00000").is_err());
        assert!(
            Plan::of(&DEMO_DECLARED_TREE, p.srs.clone(), p.vk_sha256.clone(), &words(3), 80, None)
                .is_err(),
            "3 chunks of words for 2 chunks"
        );
    }

    #[test]
    fn a_plan_of_another_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = plan(&words(2), 80);
        p.format = "lineage-plan-v0".into();
        let path = dir.path().join(PLAN_FILE);
        std::fs::write(&path, serde_json::to_string(&p).unwrap()).unwrap();
        let e = Plan::read(&path).unwrap_err().to_string();
        assert!(e.contains("lineage-plan-v0"), "{e}");
    }
}
