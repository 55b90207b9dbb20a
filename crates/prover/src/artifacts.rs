//! Artifacts: a profile's SRS parameters and keys, cached on disk under
//! `<root>/v4/<profile>/<srs>/` and reused while present and consistent.
//!
//! `<root>` is `$LINEAGE_CACHE`, else `~/.cache/lineage`. `<srs>` is `dev` for the
//! INSECURE dev SRS or `ceremony-<first 16 hex of its SHA-256>`. A directory holds
//! `manifest.json` (format version, profile and its exact shape, SRS, column
//! configurations, break points, SHA-256 of each verifying key), `params-k<k>.bin` per
//! circuit size, `chunk.pk` and `aggregate.pk` (the final proof's key: the single
//! aggregation's, or a tree profile's root's), a tree profile's `leaf.pk` and `inner.pk`
//! (its node keys), and `aggregate.vk` (what off-chain verification needs). A setup is
//! written to a temporary directory and renamed into place once complete, so a crash never
//! leaves half a setup.

use crate::{
    aggregate::{AggregateKeys, HeldKey},
    kzg::{Error, Keys},
    pipeline::Setup,
    srs,
    tree::{self, NodeKeys, NodeKind, TreeKeys},
};
use halo2_base::halo2_proofs::{
    halo2curves::bn256::{Bn256, G1Affine},
    plonk::{ProvingKey, VerifyingKey},
    poly::{commitment::Params, kzg::commitment::ParamsKZG},
    SerdeFormat,
};
use lineage_circuits::{
    builder::{LineageBuilder, LineageParams},
    chunk::ChunkCircuit,
    LineageCircuit, Profile,
};
use lineage_core::{attestation::SrsInfo, field::fr_to_hex};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use snark_verifier_sdk::halo2::aggregation::{AggregationCircuit, AggregationConfigParams};
use std::{
    collections::BTreeMap,
    fs::File,
    io::{BufReader, BufWriter, Read, Write},
    path::{Path, PathBuf},
};

/// Layout version of an artifacts directory (2: circuits with Poseidon lanes, whose key
/// metadata holds the lane count; 3: one chunk circuit (`chunk.pk`) instead of the dataset
/// and training circuits, aggregations that extend `train_root` to depth 20; 4: tree
/// profiles, with their node keys `leaf.pk` and `inner.pk`).
pub const ARTIFACTS_VERSION: u32 = 4;

/// Where the SRS comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SrsSource {
    /// The INSECURE development SRS ([`srs::dev_params`]).
    Dev,
    /// A ceremony SRS file in halo2's KZG format, downsized to each circuit.
    Ceremony(PathBuf),
}

impl SrsSource {
    /// What the SRS is, with its SHA-256 (of the file, or of the dev seed).
    pub fn info(&self) -> Result<SrsInfo, Error> {
        Ok(match self {
            Self::Dev => SrsInfo {
                kind: "dev".into(),
                sha256: hex::encode(Sha256::digest(srs::DEV_SEED)),
                insecure: true,
            },
            Self::Ceremony(path) => {
                let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
                let mut h = Sha256::new();
                let mut buf = vec![0u8; 1 << 20];
                loop {
                    let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
                    if n == 0 {
                        break;
                    }
                    h.update(&buf[..n]);
                }
                SrsInfo {
                    kind: "ceremony".into(),
                    sha256: hex::encode(h.finalize()),
                    insecure: false,
                }
            }
        })
    }
}

/// The directory name of an SRS under a profile.
pub fn srs_dir_name(info: &SrsInfo) -> String {
    if info.kind == "dev" {
        "dev".into()
    } else {
        format!("ceremony-{}", &info.sha256[..16.min(info.sha256.len())])
    }
}

/// `$LINEAGE_CACHE`, else `~/.cache/lineage`.
pub fn default_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("LINEAGE_CACHE") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    home.join(".cache").join("lineage")
}

/// The artifacts directory of `profile` under `srs`.
pub fn dir(root: &Path, profile: &Profile, srs: &SrsInfo) -> PathBuf {
    root.join(format!("v{ARTIFACTS_VERSION}")).join(profile.name).join(srs_dir_name(srs))
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct InnerMeta {
    config: LineageParams,
    break_points: Vec<Vec<usize>>,
    vk_sha256: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct AggregateMeta {
    config: AggregationConfigParams,
    break_points: Vec<Vec<usize>>,
    vk_sha256: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    warning: Option<String>,
    profile: String,
    shape: String,
    srs: SrsInfo,
    params_k: Vec<u32>,
    /// The chunk circuit's keys (`lineage_circuits::chunk`: the dataset circuit, with the
    /// training circuit for proven training).
    chunk: InnerMeta,
    /// The final proof's key: the single aggregation's, or the tree's root's.
    aggregate: AggregateMeta,
    /// A tree profile's node keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tree: Option<TreeMeta>,
    lineage: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct TreeMeta {
    leaf: AggregateMeta,
    inner: AggregateMeta,
    /// `lineage_prover::tree::vk_digest` of each, in hex: what the circuits bind.
    digests: [String; 2],
}

impl AggregateMeta {
    fn of(
        config: AggregationConfigParams,
        break_points: &[Vec<usize>],
        vk: &VerifyingKey<G1Affine>,
    ) -> Self {
        Self { config, break_points: break_points.to_vec(), vk_sha256: vk_sha256(vk) }
    }
}

/// SHA-256 of a verifying key's `RawBytes` encoding.
pub fn vk_sha256(vk: &VerifyingKey<G1Affine>) -> String {
    hex::encode(Sha256::digest(vk.to_bytes(SerdeFormat::RawBytes)))
}

fn shape(profile: &Profile) -> String {
    format!("{profile:?}")
}

/// What [`open`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opened {
    /// The cached setup was consistent and loaded.
    Loaded,
    /// No (or no consistent) cached setup: generated and saved.
    Generated,
}

/// Which aggregation proving keys to load (the chunk key is small and always loaded): the
/// others are read as verifying keys alone, from the head of their files. A proof-tree
/// task proves with one key, so it loads that one (`lineage prove-task`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    /// The height-1 node key.
    pub leaf: bool,
    /// The node key of the heights above 1.
    pub inner: bool,
    /// The final proof's key (the single aggregation's or the tree's root's).
    pub root: bool,
}

impl Need {
    /// Every proving key.
    pub const ALL: Self = Self { leaf: true, inner: true, root: true };
    /// No aggregation proving key (chunk proofs, planning, verifying).
    pub const NONE: Self = Self { leaf: false, inner: false, root: false };
}

/// Loads the setup of `profile` under `srs` from `root`, or generates and saves it when
/// absent or inconsistent (another shape of the profile, a damaged file). With `force`,
/// always regenerates.
pub fn open(
    root: &Path,
    profile: &Profile,
    srs: &SrsSource,
    force: bool,
    progress: &mut dyn FnMut(&str),
) -> Result<(Setup, Opened, PathBuf), Error> {
    open_for(root, profile, srs, force, Need::ALL, progress)
}

/// [`open`], loading only the proving keys `need` names when the setup is cached (a
/// generated one holds them all).
pub fn open_for(
    root: &Path,
    profile: &Profile,
    srs: &SrsSource,
    force: bool,
    need: Need,
    progress: &mut dyn FnMut(&str),
) -> Result<(Setup, Opened, PathBuf), Error> {
    let info = srs.info()?;
    let dir = dir(root, profile, &info);
    if !force && dir.join("manifest.json").exists() {
        match load(&dir, profile, &info, need, progress) {
            Ok(setup) => return Ok((setup, Opened::Loaded, dir)),
            Err(e) => progress(&format!("cached setup unusable ({e}); regenerating")),
        }
    }
    let params = match srs {
        SrsSource::Dev => None,
        SrsSource::Ceremony(path) => Some(read_ceremony(path)?),
    };
    let setup = Setup::generate(profile, info, params.as_ref(), progress)?;
    progress(&format!("saving artifacts to {}", dir.display()));
    save(&setup, &dir)?;
    Ok((setup, Opened::Generated, dir))
}

fn read_ceremony(path: &Path) -> Result<ParamsKZG<Bn256>, Error> {
    let mut r = BufReader::new(File::open(path).map_err(|e| Error::io(path, e))?);
    ParamsKZG::<Bn256>::read(&mut r).map_err(|e| Error::io(path, e))
}

fn save(setup: &Setup, dir: &Path) -> Result<(), Error> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let tmp = parent.join(format!(".{}.tmp-{}", srs_dir_name(&setup.srs), std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    for (k, p) in &setup.params {
        write_with(&tmp.join(format!("params-k{k}.bin")), |w| {
            p.write_custom(w, SerdeFormat::RawBytesUnchecked)
        })?;
    }
    write_with(&tmp.join("chunk.pk"), |w| {
        setup.chunk_keys.pk.write(w, SerdeFormat::RawBytesUnchecked)
    })?;
    let pk = setup.aggregate_keys.key.pk("final proof's")?;
    write_with(&tmp.join("aggregate.pk"), |w| pk.write(w, SerdeFormat::RawBytesUnchecked))?;
    write_with(&tmp.join("aggregate.vk"), |w| {
        setup.aggregate_keys.vk().write(w, SerdeFormat::RawBytes)
    })?;
    let tree = match &setup.tree {
        None => None,
        Some(keys) => {
            let node = |name: &str, k: &NodeKeys| {
                let pk = k.key.pk("node")?;
                write_with(&tmp.join(format!("{name}.pk")), |w| {
                    pk.write(w, SerdeFormat::RawBytesUnchecked)
                })?;
                Ok::<_, Error>(AggregateMeta::of(k.config, &k.break_points, k.vk()))
            };
            Some(TreeMeta {
                leaf: node("leaf", &keys.leaf)?,
                inner: node("inner", &keys.inner)?,
                digests: keys.digests.map(|d| fr_to_hex(&d)),
            })
        }
    };
    let inner = |k: &Keys| InnerMeta {
        config: k.config.clone(),
        break_points: k.break_points.clone(),
        vk_sha256: vk_sha256(k.vk()),
    };
    let manifest = Manifest {
        version: ARTIFACTS_VERSION,
        warning: setup.srs.insecure.then(|| srs::DEV_WARNING.to_owned()),
        profile: setup.profile.name.to_owned(),
        shape: shape(&setup.profile),
        srs: setup.srs.clone(),
        params_k: setup.params.keys().copied().collect(),
        chunk: inner(&setup.chunk_keys),
        aggregate: AggregateMeta::of(
            setup.aggregate_keys.config,
            &setup.aggregate_keys.break_points,
            setup.aggregate_keys.vk(),
        ),
        tree,
        lineage: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(Error::json)?;
    write_with(&tmp.join("manifest.json"), |w| w.write_all(&json))?;
    if let Some(id) = this_executable() {
        record_checked(&tmp, &id).map_err(|e| Error::io(&tmp.join(CHECKED_BY), e))?;
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::rename(&tmp, dir).map_err(|e| Error::io(dir, e))
}

fn write_with(
    path: &Path,
    f: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), Error> {
    let mut w = BufWriter::new(File::create(path).map_err(|e| Error::io(path, e))?);
    f(&mut w).and_then(|()| w.flush()).map_err(|e| Error::io(path, e))
}

fn read_with<T>(
    path: &Path,
    f: impl FnOnce(&mut BufReader<File>) -> std::io::Result<T>,
) -> Result<T, Error> {
    let mut r = BufReader::new(File::open(path).map_err(|e| Error::io(path, e))?);
    f(&mut r).map_err(|e| Error::io(path, e))
}

fn read_manifest(dir: &Path, profile: &Profile, srs: &SrsInfo) -> Result<Manifest, Error> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::Artifacts {
            dir: dir.to_owned(),
            what: "there are none (no manifest.json)".into(),
        },
        _ => Error::io(&path, e),
    })?;
    let m: Manifest = serde_json::from_str(&text).map_err(Error::json)?;
    let mismatch = |what: String| Error::Artifacts { dir: dir.to_owned(), what };
    if m.version != ARTIFACTS_VERSION {
        return Err(mismatch(format!(
            "format version {} (this build reads {ARTIFACTS_VERSION})",
            m.version
        )));
    }
    if m.profile != profile.name || m.shape != shape(profile) {
        return Err(mismatch(format!(
            "they are for profile {:?} of another shape or name",
            m.profile
        )));
    }
    if m.srs != *srs {
        return Err(mismatch(format!(
            "they were made under another SRS ({} {})",
            m.srs.kind, m.srs.sha256
        )));
    }
    Ok(m)
}

fn load(
    dir: &Path,
    profile: &Profile,
    srs: &SrsInfo,
    need: Need,
    progress: &mut dyn FnMut(&str),
) -> Result<Setup, Error> {
    let m = read_manifest(dir, profile, srs)?;
    progress(&format!("loading artifacts from {}", dir.display()));
    let mut params = BTreeMap::new();
    for k in &m.params_k {
        let p = read_with(&dir.join(format!("params-k{k}.bin")), |r| {
            ParamsKZG::<Bn256>::read_custom(r, SerdeFormat::RawBytesUnchecked)
        })?;
        params.insert(*k, p);
    }
    let inner = |name: &str, meta: &InnerMeta| -> Result<Keys, Error> {
        let pk = read_with(&dir.join(format!("{name}.pk")), |r| {
            ProvingKey::<G1Affine>::read::<_, LineageBuilder>(
                r,
                SerdeFormat::RawBytesUnchecked,
                meta.config.clone(),
            )
        })?;
        check_vk(dir, name, pk.get_vk(), &meta.vk_sha256)?;
        Ok(Keys { pk, config: meta.config.clone(), break_points: meta.break_points.clone() })
    };
    let chunk_keys = inner("chunk", &m.chunk)?;
    let exe = this_executable();
    if exe.as_ref().is_some_and(|id| checked_by(dir).contains(id)) {
        progress("the cached keys were checked against this executable's circuits before");
    } else {
        progress("checking the cached keys against the circuits");
        let chunk = ChunkCircuit::new(profile);
        check_fresh(dir, "chunk", &params, &chunk, &m.chunk.vk_sha256)?;
        if let Some(id) = &exe {
            // Best effort: without the record the next run checks again.
            let _ = record_checked(dir, id);
        }
    }
    // A proving key, or (not needed) its verifying key alone: the head of the same file.
    let aggregation = |name: &str, meta: &AggregateMeta, needed: bool| -> Result<_, Error> {
        let path = dir.join(format!("{name}.pk"));
        let format = SerdeFormat::RawBytesUnchecked;
        let key = if needed {
            HeldKey::Proving(read_with(&path, |r| {
                ProvingKey::<G1Affine>::read::<_, AggregationCircuit>(r, format, meta.config)
            })?)
        } else {
            HeldKey::Verifying(read_with(&path, |r| {
                VerifyingKey::<G1Affine>::read::<_, AggregationCircuit>(r, format, meta.config)
            })?)
        };
        check_vk(dir, name, key.vk(), &meta.vk_sha256)?;
        Ok(AggregateKeys { key, config: meta.config, break_points: meta.break_points.clone() })
    };
    let aggregate_keys = aggregation("aggregate", &m.aggregate, need.root)?;
    let tree = match (&m.tree, profile.tree) {
        (None, false) => None,
        (Some(t), true) => Some(load_tree(dir, &params, profile, t, |name, meta| {
            aggregation(name, meta, if name == "leaf" { need.leaf } else { need.inner })
        })?),
        _ => {
            return Err(Error::Artifacts {
                dir: dir.to_owned(),
                what: "the manifest's node keys do not fit the profile".into(),
            })
        }
    };
    let setup = Setup::from_parts(*profile, m.srs, params, chunk_keys, aggregate_keys, tree);
    for k in crate::pipeline::circuit_ks(profile) {
        if !setup.params.contains_key(&k) {
            return Err(Error::Artifacts {
                dir: dir.to_owned(),
                what: format!("no params for k = {k}"),
            });
        }
    }
    Ok(setup)
}

/// A tree profile's node keys, their digests recomputed and checked against the manifest's.
fn load_tree(
    dir: &Path,
    params: &BTreeMap<u32, ParamsKZG<Bn256>>,
    profile: &Profile,
    meta: &TreeMeta,
    aggregation: impl Fn(&str, &AggregateMeta) -> Result<AggregateKeys, Error>,
) -> Result<TreeKeys, Error> {
    let node = |kind, name: &str, meta: &AggregateMeta| -> Result<NodeKeys, Error> {
        let AggregateKeys { key, config, break_points } = aggregation(name, meta)?;
        Ok(NodeKeys { kind, key, config, break_points })
    };
    let leaf = node(NodeKind::Leaf, "leaf", &meta.leaf)?;
    let inner = node(NodeKind::Inner, "inner", &meta.inner)?;
    let p = params.get(&profile.aggregation_k).ok_or_else(|| Error::Artifacts {
        dir: dir.to_owned(),
        what: format!("no params for k = {}", profile.aggregation_k),
    })?;
    let digests = [tree::vk_digest(p, leaf.vk()), tree::vk_digest(p, inner.vk())];
    if digests.map(|d| fr_to_hex(&d)) != meta.digests {
        return Err(Error::Artifacts {
            dir: dir.to_owned(),
            what: "the node keys' digests are not the manifest's".into(),
        });
    }
    Ok(TreeKeys { leaf, inner, digests })
}

/// The file of an artifacts directory listing, one SHA-256 a line, the executables whose
/// circuits were found to give the cached keys (or that made them). The same executable
/// builds the same circuits, so it skips [`check_fresh`] next time; another build (a code
/// change, another version) checks once and is added.
const CHECKED_BY: &str = "checked-by";

/// SHA-256 of the running executable, if it can be read.
fn this_executable() -> Option<String> {
    let mut exe = File::open(std::env::current_exe().ok()?).ok()?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut exe, &mut hasher).ok()?;
    Some(hex::encode(hasher.finalize()))
}

/// The executables recorded in `dir`'s [`CHECKED_BY`] (none when it is absent).
fn checked_by(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join(CHECKED_BY))
        .map(|t| t.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Adds `exe` to `dir`'s [`CHECKED_BY`].
fn record_checked(dir: &Path, exe: &str) -> std::io::Result<()> {
    let mut f = File::options().create(true).append(true).open(dir.join(CHECKED_BY))?;
    writeln!(f, "{exe}")
}

/// Refuses cached keys of `circuit` made by other circuit code: the shape string cannot
/// see a code change, so the verifying key is recomputed (seconds) and compared. The
/// aggregation key is a function of the chunk key, of the snark-verifier version (pinned
/// exactly) and of `aggregate::lay_out`, whose changes bump [`ARTIFACTS_VERSION`].
fn check_fresh<C: LineageCircuit>(
    dir: &Path,
    name: &str,
    params: &BTreeMap<u32, ParamsKZG<Bn256>>,
    circuit: &C,
    want: &str,
) -> Result<(), Error> {
    let artifacts = |what: String| Error::Artifacts { dir: dir.to_owned(), what };
    let p = params
        .get(&circuit.k())
        .ok_or_else(|| artifacts(format!("no params for k = {}", circuit.k())))?;
    if vk_sha256(&crate::kzg::vk(p, circuit)?) != want {
        return Err(artifacts(format!("the {name} circuit changed since these keys were made")));
    }
    Ok(())
}

fn check_vk(dir: &Path, name: &str, vk: &VerifyingKey<G1Affine>, want: &str) -> Result<(), Error> {
    if vk_sha256(vk) != want {
        return Err(Error::Artifacts {
            dir: dir.to_owned(),
            what: format!("{name}.pk does not hold the verifying key the manifest pins"),
        });
    }
    Ok(())
}

/// What off-chain verification of a profile needs: the aggregation's parameters and
/// verifying key (not the multi-GB proving keys).
#[derive(Debug)]
pub struct VerifierArtifacts {
    /// The aggregation's SRS parameters.
    pub params: ParamsKZG<Bn256>,
    /// The aggregation's verifying key.
    pub vk: VerifyingKey<G1Affine>,
    /// Its SHA-256.
    pub vk_sha256: String,
    /// The SRS.
    pub srs: SrsInfo,
}

/// Loads the verifier artifacts of `profile` under `srs` (an [`SrsInfo`] as an attestation
/// names it) from `root`.
pub fn load_verifier(
    root: &Path,
    profile: &Profile,
    srs: &SrsInfo,
) -> Result<VerifierArtifacts, Error> {
    let dir = dir(root, profile, srs);
    let m = read_manifest(&dir, profile, srs)?;
    let k = profile.aggregation_k;
    let params = read_with(&dir.join(format!("params-k{k}.bin")), |r| {
        ParamsKZG::<Bn256>::read_custom(r, SerdeFormat::RawBytesUnchecked)
    })?;
    if params.k() != k {
        return Err(Error::Artifacts {
            dir,
            what: format!("params-k{k}.bin holds k = {}", params.k()),
        });
    }
    let vk = read_with(&dir.join("aggregate.vk"), |r| {
        VerifyingKey::<G1Affine>::read::<_, AggregationCircuit>(
            r,
            SerdeFormat::RawBytes,
            m.aggregate.config,
        )
    })?;
    check_vk(&dir, "aggregate", &vk, &m.aggregate.vk_sha256)?;
    Ok(VerifierArtifacts { params, vk, vk_sha256: m.aggregate.vk_sha256, srs: m.srs })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lineage_circuits::profile::{DEMO, STANDARD};

    fn dev() -> SrsInfo {
        SrsSource::Dev.info().unwrap()
    }

    fn manifest(profile: &Profile, srs: SrsInfo) -> Manifest {
        let inner = InnerMeta {
            config: LineageParams::default(),
            break_points: Vec::new(),
            vk_sha256: "00".into(),
        };
        Manifest {
            version: ARTIFACTS_VERSION,
            warning: None,
            profile: profile.name.into(),
            shape: shape(profile),
            srs,
            params_k: vec![profile.aggregation_k],
            chunk: inner,
            aggregate: AggregateMeta {
                config: AggregationConfigParams::default(),
                break_points: Vec::new(),
                vk_sha256: "00".into(),
            },
            tree: None,
            lineage: "test".into(),
        }
    }

    /// Writes `m` as a manifest and reads it back as `profile` under `srs`.
    fn read_back(m: &Manifest, profile: &Profile, srs: &SrsInfo) -> Result<Manifest, Error> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("manifest.json"), serde_json::to_vec(m).unwrap()).unwrap();
        read_manifest(dir.path(), profile, srs)
    }

    fn refusal(r: Result<Manifest, Error>) -> String {
        match r {
            Err(Error::Artifacts { what, .. }) => what,
            Err(other) => panic!("expected an artifacts mismatch, got {other}"),
            Ok(_) => panic!("a mismatched manifest was accepted"),
        }
    }

    #[test]
    fn a_matching_manifest_is_read() {
        assert!(read_back(&manifest(&DEMO, dev()), &DEMO, &dev()).is_ok());
    }

    #[test]
    fn artifacts_of_another_profile_are_refused() {
        let what = refusal(read_back(&manifest(&STANDARD, dev()), &DEMO, &dev()));
        assert!(what.contains("\"standard\""), "{what}");
    }

    #[test]
    fn artifacts_of_another_shape_of_the_profile_are_refused() {
        let mut m = manifest(&DEMO, dev());
        m.shape = m.shape.replace("depth: 10", "depth: 12");
        assert_ne!(m.shape, shape(&DEMO));
        let what = refusal(read_back(&m, &DEMO, &dev()));
        assert!(what.contains("another shape"), "{what}");
    }

    #[test]
    fn artifacts_under_another_srs_are_refused() {
        let ceremony =
            SrsInfo { kind: "ceremony".into(), sha256: "ab".repeat(32), insecure: false };
        let what = refusal(read_back(&manifest(&DEMO, ceremony), &DEMO, &dev()));
        assert!(what.contains("another SRS"), "{what}");
    }

    #[test]
    fn artifacts_of_another_format_version_are_refused() {
        let mut m = manifest(&DEMO, dev());
        m.version = ARTIFACTS_VERSION + 1;
        let what = refusal(read_back(&m, &DEMO, &dev()));
        assert!(what.contains("format version"), "{what}");
    }

    /// A ceremony SRS: any file in halo2's KZG format (here the dev parameters, written as
    /// a ceremony would publish them).
    fn ceremony_file(dir: &Path, k: u32) -> PathBuf {
        let path = dir.join(format!("ceremony-k{k}.srs"));
        let mut f = File::create(&path).unwrap();
        srs::dev_params(k).write(&mut f).unwrap();
        path
    }

    #[test]
    fn a_ceremony_srs_is_pinned_by_the_sha256_of_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = ceremony_file(dir.path(), 6);
        let info = SrsSource::Ceremony(path.clone()).info().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(info.sha256, hex::encode(Sha256::digest(bytes)));
        assert_eq!((info.kind.as_str(), info.insecure), ("ceremony", false));
        assert_ne!(srs_dir_name(&info), srs_dir_name(&dev()));
    }

    #[test]
    fn a_ceremony_srs_is_downsized_to_each_circuit() {
        let dir = tempfile::tempdir().unwrap();
        let mut params = read_ceremony(&ceremony_file(dir.path(), 8)).unwrap();
        params.downsize(5);
        let bytes = |p: &ParamsKZG<Bn256>| {
            let mut v = Vec::new();
            p.write(&mut v).unwrap();
            v
        };
        // One secret for every k: the k = 8 file cut to k = 5 is the k = 5 SRS.
        assert_eq!(bytes(&params), bytes(&srs::dev_params(5)));
    }

    #[test]
    fn a_ceremony_srs_smaller_than_a_circuit_is_refused_before_any_keygen() {
        let dir = tempfile::tempdir().unwrap();
        let srs = SrsSource::Ceremony(ceremony_file(dir.path(), 12));
        let refused = open(dir.path(), &DEMO, &srs, false, &mut |_| {}).unwrap_err();
        // The dataset circuit's params come first.
        assert!(
            matches!(refused, Error::SrsTooSmall { available: 12, needed } if needed == DEMO.dataset.k),
            "{refused}"
        );
    }

    #[test]
    fn checked_executables_are_recorded_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        assert!(checked_by(dir.path()).is_empty());
        let me = this_executable().unwrap();
        assert_eq!(me.len(), 64);
        record_checked(dir.path(), &me).unwrap();
        record_checked(dir.path(), &"ab".repeat(32)).unwrap();
        assert_eq!(checked_by(dir.path()), [me, "ab".repeat(32)]);
    }

    #[test]
    fn a_missing_setup_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let what = refusal(read_manifest(dir.path(), &DEMO, &dev()));
        assert!(what.contains("no manifest.json"), "{what}");
    }

    #[test]
    fn the_dev_and_ceremony_srs_live_in_different_directories() {
        let root = Path::new("/cache");
        let ceremony =
            SrsInfo { kind: "ceremony".into(), sha256: "ab".repeat(32), insecure: false };
        assert_ne!(dir(root, &DEMO, &dev()), dir(root, &DEMO, &ceremony));
        assert_ne!(dir(root, &DEMO, &dev()), dir(root, &STANDARD, &dev()));
    }
}
