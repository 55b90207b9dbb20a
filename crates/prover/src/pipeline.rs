//! A profile's whole proving setup (dev SRS, the circuits' keys) and the path from
//! witnesses to one aggregated proof: of the chunk proof of the dataset and the training
//! run (proven training), or of the chunk proof of the dataset and a model hash (declared
//! training).

use crate::{
    aggregate::{self, AggregateKeys, AggregateProof, Inner},
    artifacts::{vk_sha256, SrsSource},
    inputs::Witnesses,
    kzg::{self, Keys},
    srs,
    task::{Input, Output, Plan, What},
    tree::{self, Proof, TreeKeys},
    work::Work,
    Error,
};
use halo2_base::halo2_proofs::{
    halo2curves::bn256::{Bn256, Fr},
    poly::{commitment::Params, kzg::commitment::ParamsKZG},
};
use lineage_circuits::layout::{AggregateLayout, DeclaredLayout, ACCUMULATOR_LEN, SLOTS};
use lineage_circuits::{
    chunk::{ChunkCircuit, ChunkWitness},
    dataset::DatasetWitness,
    profile::TrainingKind,
    training::TrainingWitness,
    LineageCircuit, Profile,
};
use lineage_core::attestation::{
    Attestation, DeclaredModel, ModelValues, PublicValues, SrsInfo, Trained, ATTESTATION_VERSION,
};
use lineage_core::{field::fr_to_be_bytes, record::ContentHash};
use std::collections::BTreeMap;
use std::time::Instant;

/// The parameters and keys of one profile.
#[derive(Debug)]
pub struct Setup {
    /// The profile.
    pub profile: Profile,
    /// The SRS the keys were made under.
    pub srs: SrsInfo,
    /// The chunk circuit: the dataset circuit (`chunk.dataset` builds its witness), with
    /// the training circuit for proven training.
    pub chunk: ChunkCircuit,
    /// SRS parameters by k (chunk and aggregation), all from one secret.
    pub params: BTreeMap<u32, ParamsKZG<Bn256>>,
    /// Chunk circuit keys.
    pub chunk_keys: Keys,
    /// The final proof's keys: the single aggregation's, or a tree profile's root's.
    pub aggregate_keys: AggregateKeys,
    /// A tree profile's two node keys.
    pub tree: Option<TreeKeys>,
}

impl Setup {
    /// Generates everything for `profile` under the INSECURE dev SRS, reporting each stage
    /// to `progress`.
    pub fn dev(profile: &Profile, progress: &mut dyn FnMut(&str)) -> Result<Self, Error> {
        Self::generate(profile, SrsSource::Dev.info()?, None, progress)
    }

    /// Generates everything for `profile`: from `ceremony` params (downsized to each
    /// circuit) when given, else from the INSECURE dev SRS.
    pub fn generate(
        profile: &Profile,
        srs_info: SrsInfo,
        ceremony: Option<&ParamsKZG<Bn256>>,
        progress: &mut dyn FnMut(&str),
    ) -> Result<Self, Error> {
        let chunk = ChunkCircuit::new(profile);
        let mut params = BTreeMap::new();
        for k in circuit_ks(profile) {
            if params.contains_key(&k) {
                continue;
            }
            let p = match ceremony {
                None => {
                    progress(&format!("dev SRS k={k} ({})", srs::DEV_WARNING));
                    srs::dev_params(k)
                }
                Some(c) if c.k() < k => {
                    return Err(Error::SrsTooSmall { available: c.k(), needed: k })
                }
                Some(c) => {
                    progress(&format!("downsizing the ceremony SRS to k={k}"));
                    let mut p = c.clone();
                    if p.k() > k {
                        p.downsize(k);
                    }
                    p
                }
            };
            params.insert(k, p);
        }
        progress("chunk circuit keys");
        let chunk_params = &params[&chunk.k()];
        let chunk_keys = kzg::keygen(chunk_params, &chunk)?;
        let agg_params = &params[&profile.aggregation_k];
        let chunk = (chunk_params, chunk_keys.vk());
        let (aggregate_keys, tree) = if profile.tree {
            progress("proof-tree node keys (leaf and inner, one configuration)");
            let keys = tree::keygen(agg_params, profile, chunk)?;
            progress("proof-tree root keys");
            (tree::keygen_root(agg_params, profile, &keys)?, Some(keys))
        } else {
            progress("aggregation keys");
            (aggregate::keygen(agg_params, profile, chunk)?, None)
        };
        Ok(Self::from_parts(*profile, srs_info, params, chunk_keys, aggregate_keys, tree))
    }

    /// Assembles a setup from loaded parts.
    pub fn from_parts(
        profile: Profile,
        srs: SrsInfo,
        params: BTreeMap<u32, ParamsKZG<Bn256>>,
        chunk_keys: Keys,
        aggregate_keys: AggregateKeys,
        tree: Option<TreeKeys>,
    ) -> Self {
        Self {
            chunk: ChunkCircuit::new(&profile),
            profile,
            srs,
            params,
            chunk_keys,
            aggregate_keys,
            tree,
        }
    }

    /// The aggregation's parameters.
    pub fn aggregate_params(&self) -> &ParamsKZG<Bn256> {
        &self.params[&self.profile.aggregation_k]
    }

    /// Proves the chunk (the dataset and the training run) and aggregates it into one
    /// proof (proven training).
    pub fn prove(
        &self,
        dataset: &DatasetWitness,
        training: &TrainingWitness,
        progress: &mut dyn FnMut(&str),
    ) -> Result<AggregateProof, Error> {
        self.prove_timed(dataset, training, progress).map(|(p, _)| p)
    }

    /// [`Self::prove`], with the milliseconds each stage took.
    pub fn prove_timed(
        &self,
        dataset: &DatasetWitness,
        training: &TrainingWitness,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(AggregateProof, BTreeMap<String, u64>), Error> {
        if self.profile.kind != TrainingKind::Proven {
            return Err(Error::Kind { profile: self.profile.name, kind: self.profile.kind });
        }
        let mut timings = BTreeMap::new();
        let witness = ChunkWitness { dataset: dataset.clone(), training: Some(training.clone()) };
        let chunk = self.chunk_snark(&witness, &mut timings, progress)?;
        let proof = self.aggregate(Inner::Proven { chunk }, &mut timings, progress)?;
        Ok((proof, timings))
    }

    /// Proves the chunk (the dataset) and aggregates it with the model file's SHA-256 into
    /// one proof (declared training), with the milliseconds each stage took.
    pub fn prove_declared(
        &self,
        dataset: &DatasetWitness,
        model: ContentHash,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(AggregateProof, BTreeMap<String, u64>), Error> {
        if self.profile.kind != TrainingKind::Declared {
            return Err(Error::Kind { profile: self.profile.name, kind: self.profile.kind });
        }
        let mut timings = BTreeMap::new();
        let witness = ChunkWitness { dataset: dataset.clone(), training: None };
        let chunk = self.chunk_snark(&witness, &mut timings, progress)?;
        let proof = self.aggregate(Inner::Declared { chunk, model }, &mut timings, progress)?;
        Ok((proof, timings))
    }

    /// Proves a training set's chunks ([`crate::inputs::witnesses`]) as ONE proof the chain
    /// verifies: the single aggregation of its one chunk, or (a tree profile) the root of
    /// a proof tree over its chunks ([`Plan`]), reporting each proof to `progress` with
    /// the tasks done of all and an estimate of the time left. With a `work` folder, a
    /// tree's chunk and node proofs are written there as they finish and reused by a rerun
    /// ([`Work`]); up to `jobs` of its tasks run at once, as memory allows. Returns the proof
    /// with the milliseconds each stage took.
    pub fn prove_set(
        &self,
        set: &Witnesses,
        work: Option<&Work>,
        jobs: usize,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(AggregateProof, BTreeMap<String, u64>), Error> {
        if self.tree.is_none() {
            let [chunk] = set.chunks.as_slice() else {
                return Err(Error::TreeShape(format!(
                    "profile {:?} proves one chunk, not {}",
                    self.profile.name,
                    set.chunks.len()
                )));
            };
            return match (&chunk.training, set.model) {
                (Some(t), _) => self.prove_timed(&chunk.dataset, t, progress),
                (None, Some(model)) => self.prove_declared(&chunk.dataset, model, progress),
                (None, None) => {
                    Err(Error::Kind { profile: self.profile.name, kind: self.profile.kind })
                }
            };
        }
        self.prove_tree(set, work, jobs, progress)
    }

    /// A tree profile's proof: the tasks of its [`Plan`], each reused from `work` when
    /// finished there, up to `jobs` at once. A task starts once its dependencies are done
    /// and, beside others, only while the running tasks' stated peaks (`mem_gb`) and its
    /// own fit the memory available when the tree started.
    fn prove_tree(
        &self,
        set: &Witnesses,
        work: Option<&Work>,
        jobs: usize,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(AggregateProof, BTreeMap<String, u64>), Error> {
        let plan = Plan::new(self, set)?;
        let budget = available_memory_gb();
        let nodes = plan.tasks.iter().filter(|t| matches!(t.what, What::Node { .. })).count();
        let mut eta = Eta::new(&self.profile, plan.chunks, nodes);
        let mut timings = BTreeMap::new();
        let mut laps: BTreeMap<&str, Instant> = BTreeMap::new();
        // Each task's dependencies by index; a finished output is kept until its parent
        // starts (one parent each), so memory holds the frontier, not the tree.
        let index: BTreeMap<&str, usize> =
            plan.tasks.iter().enumerate().map(|(i, t)| (t.id.as_str(), i)).collect();
        let deps = plan
            .tasks
            .iter()
            .map(|t| {
                t.deps
                    .iter()
                    .map(|d| {
                        index.get(d.as_str()).copied().ok_or_else(|| {
                            Error::Plan(format!("task {} depends on no task {d}", t.id))
                        })
                    })
                    .collect::<Result<Vec<usize>, Error>>()
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let mut outputs: Vec<Option<Proof>> = vec![None; plan.tasks.len()];
        let mut done = vec![false; plan.tasks.len()];
        let mut started = vec![false; plan.tasks.len()];
        let mut running: Vec<(usize, f64)> = Vec::new();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            loop {
                while let Some(i) =
                    next_ready(&plan, &deps, &done, &started, &running, jobs, budget)
                {
                    let task = &plan.tasks[i];
                    started[i] = true;
                    let kind = Task::of(task.what);
                    laps.entry(kind.stage()).or_insert_with(Instant::now);
                    if let Some(slot) = task.slot() {
                        let key = task.key_bytes()?;
                        let reused = work
                            .and_then(|d| d.load(slot, &key))
                            .filter(|p| self.is_output_of(&plan, task, p));
                        if let Some(p) = reused {
                            progress(&eta.reused(kind, &format!("{slot} proof")));
                            lap(&mut timings, kind.stage(), laps[kind.stage()]);
                            deps[i].iter().for_each(|&d| outputs[d] = None);
                            (outputs[i], done[i]) = (Some(p), true);
                            continue;
                        }
                    }
                    let what = match task.what {
                        What::Chunk { records, .. } => {
                            format!("{} proof of {records} records", task.id)
                        }
                        What::Node { padded: true, .. } => format!("{} proof, padded", task.id),
                        _ => format!("{} proof", task.id),
                    };
                    progress(&eta.start(kind, &what));
                    let children: Vec<Proof> =
                        deps[i].iter().filter_map(|&d| outputs[d].take()).collect();
                    let (tx, plan) = (tx.clone(), &plan);
                    running.push((i, task.mem_gb));
                    scope.spawn(move || {
                        let t0 = Instant::now();
                        let input = match (task.what, children.as_slice()) {
                            (What::Chunk { chunk, .. }, _) => Input::Chunk(&set.chunks[chunk]),
                            (What::Root, [top]) => Input::Root(top),
                            (_, [left, right @ ..]) => Input::Node { left, right: right.first() },
                            _ => unreachable!("a node or root has a child"),
                        };
                        // The receiver outlives the scope: a send cannot fail.
                        let _ = tx.send((i, t0, self.run_task(plan, task, input)));
                    });
                }
                if running.is_empty() {
                    return Err(Error::Plan("a plan whose root never became ready".into()));
                }
                let (i, t0, out) = rx.recv().map_err(|_| Error::Plan("a task vanished".into()))?;
                running.retain(|r| r.0 != i);
                let task = &plan.tasks[i];
                let kind = Task::of(task.what);
                eta.finish(kind, t0);
                lap(&mut timings, kind.stage(), laps[kind.stage()]);
                match (out?, task.slot()) {
                    (Output::Root(proof), None) => return Ok((proof, timings)),
                    (Output::Proof(p), Some(slot)) => {
                        work.map(|d| d.store(slot, &task.key_bytes()?, &p)).transpose()?;
                        (outputs[i], done[i]) = (Some(p), true);
                    }
                    _ => {
                        return Err(Error::Plan(format!("{} gave another kind of output", task.id)))
                    }
                }
            }
        })
    }

    fn chunk_snark(
        &self,
        witness: &ChunkWitness,
        timings: &mut BTreeMap<String, u64>,
        progress: &mut dyn FnMut(&str),
    ) -> Result<snark_verifier_sdk::Snark, Error> {
        progress("chunk proof");
        let t = Instant::now();
        let p = &self.params[&self.chunk.k()];
        let (proof, inst) = kzg::prove(p, &self.chunk_keys, &self.chunk, witness)?;
        let snark = kzg::snark(p, self.chunk_keys.vk(), proof, inst);
        lap(timings, "chunk_proof", t);
        Ok(snark)
    }

    fn aggregate(
        &self,
        inner: Inner,
        timings: &mut BTreeMap<String, u64>,
        progress: &mut dyn FnMut(&str),
    ) -> Result<AggregateProof, Error> {
        progress("aggregation proof");
        let t = Instant::now();
        let proof =
            aggregate::prove(self.aggregate_params(), &self.aggregate_keys, &self.profile, inner)?;
        lap(timings, "aggregation_proof", t);
        Ok(proof)
    }

    /// The attestation file of `proof`.
    pub fn attestation(
        &self,
        proof: &AggregateProof,
        timings_ms: BTreeMap<String, u64>,
    ) -> Attestation {
        Attestation {
            version: ATTESTATION_VERSION,
            profile: self.profile.name.to_owned(),
            profile_id: self.profile.id,
            kind: self.profile.kind,
            srs: self.srs.clone(),
            vk_sha256: vk_sha256(self.aggregate_keys.vk()),
            public: public_values(self.profile.kind, &proof.instances),
            instances: proof.instances.clone(),
            proof: proof.proof.clone(),
            calldata: aggregate::calldata(proof),
            versions: versions(),
            timings_ms,
        }
    }

    /// Whether an aggregated proof verifies under this setup.
    pub fn verify(&self, proof: &AggregateProof) -> bool {
        aggregate::verify(
            self.aggregate_params(),
            self.aggregate_keys.vk(),
            self.profile.kind,
            proof,
        )
    }

    /// The Solidity verifier contract of this profile.
    pub fn verifier_solidity(&self) -> String {
        let name = verifier_contract_name(&self.profile);
        let header = format!(
            "// GENERATED by lineage-prover for profile `{}` under the {}.\n\
             // Do not edit. The generator writes `pragma solidity ^0.8.19` (snark-verifier\n\
             // emits `0.8.19` exactly) so forge compiles it with the project's one solc.\n",
            self.profile.name,
            srs::DEV_WARNING
        );
        aggregate::verifier_solidity(
            self.aggregate_params(),
            self.aggregate_keys.vk(),
            self.profile.kind,
            &name,
            &header,
        )
    }
}

/// The kinds of task in a proof tree, for the time estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Task {
    Chunk,
    Node,
    Root,
}

impl Task {
    fn of(what: What) -> Self {
        match what {
            What::Chunk { .. } => Self::Chunk,
            What::Node { .. } => Self::Node,
            What::Root => Self::Root,
        }
    }

    /// Its stage's name in the attestation's timings.
    fn stage(self) -> &'static str {
        ["chunk_proofs", "node_proofs", "root_proof"][self as usize]
    }
}

/// The next task to start: the first not started whose dependencies are done, while fewer
/// than `jobs` run, and, beside running tasks, only if their stated peaks and its own fit
/// `budget` GB (alone, a task always starts).
fn next_ready(
    plan: &Plan,
    deps: &[Vec<usize>],
    done: &[bool],
    started: &[bool],
    running: &[(usize, f64)],
    jobs: usize,
    budget: f64,
) -> Option<usize> {
    if running.len() >= jobs.max(1) {
        return None;
    }
    let used: f64 = running.iter().map(|r| r.1).sum();
    (0..plan.tasks.len()).find(|&i| {
        !started[i]
            && deps[i].iter().all(|&d| done[d])
            && (running.is_empty() || used + plan.tasks[i].mem_gb <= budget)
    })
}

/// The memory available now (`MemAvailable`), in GB; 0 where it cannot be read, so that
/// tasks run one at a time.
fn available_memory_gb() -> f64 {
    let info = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    info.lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1e6)
}

/// Tasks done of all and the time left: each kind's remaining tasks at the mean time of
/// its tasks proven so far, or, before the first, a rough prior from BENCHMARKS.md (2
/// cores: ~0.25 s per record of chunk capacity, ~250 s a node, ~200 s the root), one after
/// another.
struct Eta {
    started: Instant,
    running: [usize; 3],
    left: [usize; 3],
    done: usize,
    total: usize,
    measured: [(u32, f64); 3],
    prior: [f64; 3],
}

impl Eta {
    fn new(profile: &Profile, chunks: usize, nodes: usize) -> Self {
        Self {
            started: Instant::now(),
            running: [0; 3],
            left: [chunks, nodes, 1],
            done: 0,
            total: chunks + nodes + 1,
            measured: [(0, 0.0); 3],
            prior: [0.25 * profile.records as f64, 250.0, 200.0],
        }
    }

    fn line(&mut self, task: Task, what: &str, note: &str) -> String {
        self.done += 1;
        self.left[task as usize] -= 1;
        let left: f64 = (0..3)
            .map(|k| {
                let (n, secs) = self.measured[k];
                let each = if n > 0 { secs / f64::from(n) } else { self.prior[k] };
                each * (self.left[k] + self.running[k]) as f64
            })
            .sum();
        format!(
            "[{}/{}] {what}{note} (elapsed {}, about {} left)",
            self.done,
            self.total,
            minutes(self.started.elapsed().as_secs_f64()),
            minutes(left)
        )
    }

    /// A task starts.
    fn start(&mut self, task: Task, what: &str) -> String {
        self.running[task as usize] += 1;
        self.line(task, what, "")
    }

    /// A task was found finished in the work folder.
    fn reused(&mut self, task: Task, what: &str) -> String {
        self.line(task, what, ": reused from the work folder")
    }

    /// A task of `task`'s kind started `at` finished.
    fn finish(&mut self, task: Task, at: Instant) {
        self.running[task as usize] = self.running[task as usize].saturating_sub(1);
        let m = &mut self.measured[task as usize];
        *m = (m.0 + 1, m.1 + at.elapsed().as_secs_f64());
    }
}

/// Seconds as `1 h 02 min`, `7 min 40 s` or `12 s`.
fn minutes(secs: f64) -> String {
    let s = secs.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

fn lap(timings: &mut BTreeMap<String, u64>, name: &str, t: Instant) {
    timings.insert(name.to_owned(), t.elapsed().as_millis() as u64);
}

/// The SRS sizes a profile's circuits need: the chunk circuit's and the aggregation's.
pub fn circuit_ks(profile: &Profile) -> Vec<u32> {
    vec![ChunkCircuit::new(profile).k(), profile.aggregation_k]
}

/// `LineageVerifier<Profile>` in camel case, e.g. `LineageVerifierDemo`,
/// `LineageVerifierDemoDeclared`.
pub fn verifier_contract_name(profile: &Profile) -> String {
    let camel: String = profile
        .name
        .split('-')
        .flat_map(|word| {
            let mut chars = word.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars)
        })
        .collect();
    format!("LineageVerifier{camel}")
}

/// The named public values of a `kind`'s aggregated proof's instances ([`AggregateLayout`]
/// or [`DeclaredLayout`]). Instances of another length give zeros where they fall short.
pub fn public_values(kind: TrainingKind, instances: &[Fr]) -> PublicValues {
    let at = |i: usize| instances.get(i).copied().unwrap_or_default();
    let small = |i: usize| {
        let bytes = at(i).to_bytes();
        let mut low = [0u8; 8];
        low.copy_from_slice(&bytes[..8]);
        u64::from_le_bytes(low)
    };
    PublicValues {
        accumulator: (0..ACCUMULATOR_LEN).map(|i| at(AggregateLayout::ACCUMULATOR + i)).collect(),
        cert_roots: (0..SLOTS).map(|s| at(AggregateLayout::cert_root(s))).collect(),
        counts: (0..SLOTS).map(|s| small(AggregateLayout::count(s))).collect(),
        train_root: at(AggregateLayout::TRAIN_ROOT),
        license_mask: small(AggregateLayout::LICENSE_MASK),
        n_records: small(AggregateLayout::N_RECORDS),
        model: match kind {
            TrainingKind::Proven => ModelValues::Trained(Trained {
                w0_hash: at(AggregateLayout::W0_HASH),
                w_hash: at(AggregateLayout::W_HASH),
                hyper_hash: at(AggregateLayout::HYPER_HASH),
            }),
            TrainingKind::Declared => {
                let (hi, lo) =
                    (at(DeclaredLayout::MODEL_HASH_HI), at(DeclaredLayout::MODEL_HASH_LO));
                // The hash is the halves' low 16 bytes each, big-endian. A half of 128 bits or
                // more would name the same hex; no proof has one (the aggregation circuit
                // range-checks both), and the registry builds them from a bytes32.
                let mut sha = [0u8; 32];
                sha[..16].copy_from_slice(&fr_to_be_bytes(&hi)[16..]);
                sha[16..].copy_from_slice(&fr_to_be_bytes(&lo)[16..]);
                ModelValues::Declared(DeclaredModel {
                    model_sha256: ContentHash(sha),
                    model_hash_hi: hi,
                    model_hash_lo: lo,
                })
            }
        },
    }
}

/// The instances of named public values, in [`AggregateLayout`] or [`DeclaredLayout`]
/// order by their kind.
pub fn instances_of(v: &PublicValues) -> Vec<Fr> {
    let mut out = vec![Fr::zero(); aggregate::instances_len(v.model.kind())];
    for (i, x) in v.accumulator.iter().take(ACCUMULATOR_LEN).enumerate() {
        out[AggregateLayout::ACCUMULATOR + i] = *x;
    }
    for s in 0..SLOTS {
        out[AggregateLayout::cert_root(s)] = v.cert_roots.get(s).copied().unwrap_or_default();
        out[AggregateLayout::count(s)] = Fr::from(v.counts.get(s).copied().unwrap_or_default());
    }
    out[AggregateLayout::TRAIN_ROOT] = v.train_root;
    out[AggregateLayout::LICENSE_MASK] = Fr::from(v.license_mask);
    out[AggregateLayout::N_RECORDS] = Fr::from(v.n_records);
    match &v.model {
        ModelValues::Trained(t) => {
            out[AggregateLayout::W0_HASH] = t.w0_hash;
            out[AggregateLayout::W_HASH] = t.w_hash;
            out[AggregateLayout::HYPER_HASH] = t.hyper_hash;
        }
        ModelValues::Declared(d) => {
            out[DeclaredLayout::MODEL_HASH_HI] = d.model_hash_hi;
            out[DeclaredLayout::MODEL_HASH_LO] = d.model_hash_lo;
        }
    }
    out
}

fn versions() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("lineage".to_owned(), env!("CARGO_PKG_VERSION").to_owned()),
        ("snark-verifier-sdk".to_owned(), "0.2.7".to_owned()),
        ("halo2-base".to_owned(), "0.5.5".to_owned()),
    ])
}

/// Why an attestation does not verify.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Rejection {
    /// A format version this build does not read.
    #[error("attestation format version {0} (this build reads {ATTESTATION_VERSION})")]
    Version(u32),
    /// The attestation names another profile than the verifier's.
    #[error("the attestation is for profile {found:?} (id {found_id}), the verifier for {expected:?} (id {expected_id})")]
    Profile {
        /// Profile named by the attestation.
        found: String,
        /// Its id.
        found_id: u32,
        /// Profile of the verifier.
        expected: String,
        /// Its id.
        expected_id: u32,
    },
    /// Made with other keys than the local verifier's.
    #[error(
        "the proof was made with aggregation key {found}, the local artifacts hold {expected}"
    )]
    Key {
        /// Key hash in the attestation.
        found: String,
        /// Key hash of the local artifacts.
        expected: String,
    },
    /// The attestation's kind is not its profile's, or its public values are of another
    /// kind.
    #[error("the attestation says training {found}, but profile {profile:?} and its public values are of training {expected}")]
    Kind {
        /// The kind the attestation names.
        found: TrainingKind,
        /// The profile's kind.
        expected: TrainingKind,
        /// The profile.
        profile: String,
    },
    /// The instance list is not the named public values (for declared training: or the
    /// model's SHA-256 in hex is not its two halves).
    #[error("the instance list does not match the named public values")]
    Instances,
    /// The calldata is not the instances and the proof.
    #[error("the calldata is not the instances followed by the proof")]
    Calldata,
    /// The proof does not verify for these public values.
    #[error("the proof does not verify for these public values")]
    Proof,
}

/// Checks an attestation against a profile's verifier artifacts: format, profile, key,
/// that the named values, the instances and the calldata agree, and the proof itself.
pub fn check_attestation(
    profile: &Profile,
    verifier: &crate::artifacts::VerifierArtifacts,
    att: &Attestation,
) -> Result<(), Rejection> {
    if att.version != ATTESTATION_VERSION {
        return Err(Rejection::Version(att.version));
    }
    if att.profile != profile.name || att.profile_id != profile.id {
        return Err(Rejection::Profile {
            found: att.profile.clone(),
            found_id: att.profile_id,
            expected: profile.name.to_owned(),
            expected_id: profile.id,
        });
    }
    if att.kind != profile.kind || att.public.model.kind() != profile.kind {
        return Err(Rejection::Kind {
            found: att.kind,
            expected: profile.kind,
            profile: profile.name.to_owned(),
        });
    }
    if att.vk_sha256 != verifier.vk_sha256 {
        return Err(Rejection::Key {
            found: att.vk_sha256.clone(),
            expected: verifier.vk_sha256.clone(),
        });
    }
    if att.instances != instances_of(&att.public)
        || public_values(profile.kind, &att.instances) != att.public
    {
        return Err(Rejection::Instances);
    }
    let proof = AggregateProof { instances: att.instances.clone(), proof: att.proof.clone() };
    if att.calldata != aggregate::calldata(&proof) {
        return Err(Rejection::Calldata);
    }
    if !aggregate::verify(&verifier.params, &verifier.vk, profile.kind, &proof) {
        return Err(Rejection::Proof);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lineage_circuits::profile::DEMO_DECLARED_TREE;
    use lineage_core::attestation::SrsInfo;

    #[test]
    fn the_estimate_counts_the_running_task_and_learns_from_finished_ones() {
        // Priors: 16 s a chunk of 64 records, 250 s the node, 200 s the root.
        let mut eta = Eta::new(&DEMO_DECLARED_TREE, 2, 1);
        let line = eta.start(Task::Chunk, "chunk.00000 proof");
        assert_eq!(line, "[1/4] chunk.00000 proof (elapsed 0 s, about 8 min 02 s left)");
        eta.finish(Task::Chunk, Instant::now());
        // Chunk 0 took no time: the measured mean replaces the prior.
        let line = eta.reused(Task::Chunk, "chunk.00001 proof");
        assert_eq!(
            line,
            "[2/4] chunk.00001 proof: reused from the work folder (elapsed 0 s, about 7 min 30 s left)"
        );
        let line = eta.start(Task::Node, "node.h01.00000 proof");
        assert!(line.starts_with("[3/4] node.h01.00000 proof (elapsed"), "{line}");
        assert!(line.ends_with("about 7 min 30 s left)"), "the running node counts: {line}");
    }

    #[test]
    fn tasks_start_when_their_children_are_done_within_jobs_and_memory() {
        let srs = SrsInfo { kind: "dev".into(), sha256: "00".into(), insecure: true };
        let words: Vec<Vec<Fr>> = (0..4).map(|i| vec![Fr::from(i)]).collect();
        let shas = ["c", "l", "i", "r"].map(String::from);
        let plan = Plan::of(&DEMO_DECLARED_TREE, srs, shas, &words, 256, None).unwrap();
        // chunk.0..3 (4 GB), node.h01.0 over 0-1, node.h01.1 over 2-3, node.h02.0 (10 GB each),
        // root (9 GB).
        let deps =
            vec![vec![], vec![], vec![], vec![], vec![0, 1], vec![2, 3], vec![4, 5], vec![6]];
        let n = plan.tasks.len();
        let (mut done, mut started) = (vec![false; n], vec![false; n]);
        let next = |done: &[bool], started: &[bool], running: &[(usize, f64)], jobs, budget| {
            next_ready(&plan, &deps, done, started, running, jobs, budget)
        };
        assert_eq!(next(&done, &started, &[], 1, 0.0), Some(0), "alone, a task always starts");
        started[0] = true;
        assert_eq!(next(&done, &started, &[(0, 2.0)], 1, 64.0), None, "one job");
        assert_eq!(next(&done, &started, &[(0, 2.0)], 2, 64.0), Some(1));
        assert_eq!(next(&done, &started, &[(0, 4.0)], 2, 7.0), None, "4 + 4 GB exceed 7");
        started[..4].fill(true);
        done[..2].fill(true);
        assert_eq!(next(&done, &started, &[(2, 2.0)], 2, 64.0), Some(4), "node over 0 and 1");
        assert_eq!(next(&done, &started, &[(2, 4.0)], 2, 13.0), None, "4 + 10 GB exceed 13");
        started[4] = true;
        assert_eq!(next(&done, &started, &[(4, 10.0)], 4, 64.0), None, "node.h01.1 waits for 3");
        done[2..5].fill(true);
        assert_eq!(next(&done, &started, &[], 4, 0.0), Some(5));
    }

    #[test]
    fn durations_read_as_a_person_would() {
        assert_eq!(minutes(12.4), "12 s");
        assert_eq!(minutes(460.0), "7 min 40 s");
        assert_eq!(minutes(3725.0), "1 h 02 min");
    }
}
