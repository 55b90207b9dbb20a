//! A small sample corpus made by code (no downloads), used by tests and the demo.
//!
//! Two datasets of 24 works each, as a folder of files plus a `records.jsonl` that gives
//! every work a creator, a license, an 8-dimensional feature vector and a 0/1 label:
//! - `atelier/`: all by creator A under license 1;
//! - `harbor/`: 18 works by creator B under license 0 and 6 by creator C under license 2.
//!
//! Labels follow a noisy linear rule of the features, so a classifier trained on the
//! sample learns something real. The creators are anvil's well-known dev accounts 1-3
//! (addresses only; no keys live here).

use serde_json::json;

/// Creator of the `atelier` dataset (anvil dev account 1).
pub const CREATOR_A: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
/// Main creator of the `harbor` dataset (anvil dev account 2).
pub const CREATOR_B: &str = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
/// Second creator in `harbor` (anvil dev account 3).
pub const CREATOR_C: &str = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
/// Works per sample dataset.
pub const WORKS_PER_DATASET: usize = 24;
/// Feature dimension of the sample records.
pub const FEATURES: usize = 8;
/// The sample datasets' folder names.
pub const DATASETS: [&str; 2] = ["atelier", "harbor"];

/// One file of the sample, by path relative to the sample's root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleFile {
    /// Relative path with `/` separators.
    pub path: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// SplitMix64: a tiny deterministic generator, enough for sample data (and for the test
/// vectors and benchmarks that must not depend on a crate's RNG). The field is the state:
/// `SplitMix(seed)`.
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 bits.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [-1, 1), on a 1/1024 grid so values print exactly.
    fn unit(&mut self) -> f64 {
        ((self.next() >> 53) as f64 - 1024.0) / 1024.0
    }
}

/// Records of the default sample ([`WORKS_PER_DATASET`] per dataset): the demo's.
pub const DEFAULT_RECORDS: usize = DATASETS.len() * WORKS_PER_DATASET;

/// Every file of the default sample corpus, in a fixed order.
pub fn sample_files() -> Vec<SampleFile> {
    sample_corpus(DEFAULT_RECORDS)
}

/// Every file of a sample corpus of `records` works, in a fixed order: the first dataset
/// holds `ceil(records / 2)` of them, the second the rest, with the same creators,
/// licenses and labelling rule as the default sample (whose files are
/// `sample_corpus(DEFAULT_RECORDS)`). Deterministic: the same `records`, the same bytes.
pub fn sample_corpus(records: usize) -> Vec<SampleFile> {
    let weights = [0.9, -0.7, 0.5, 0.3, -0.4, 0.6, -0.2, 0.1];
    let mut rng = SplitMix(0x0114_EA6E);
    let mut files = Vec::new();
    for (d, name) in DATASETS.iter().enumerate() {
        let mut lines = Vec::new();
        let works = records / DATASETS.len() + usize::from(d < records % DATASETS.len());
        for i in 0..works {
            let path = format!("works/{name}-{i:03}.txt");
            let mut body = format!("Lineage sample work {name}/{i:03}\n");
            for _ in 0..(4 + rng.next() % 12) {
                body.push_str(&format!("{:016x}{:016x}\n", rng.next(), rng.next()));
            }
            files.push(SampleFile { path: format!("{name}/{path}"), bytes: body.into_bytes() });

            let features: Vec<f64> = (0..FEATURES).map(|_| rng.unit()).collect();
            let score: f64 =
                features.iter().zip(weights).map(|(x, w)| x * w).sum::<f64>() + 0.15 * rng.unit();
            let (creator, license) = match (d, i % 4) {
                (0, _) => (CREATOR_A, 1),
                (_, 3) => (CREATOR_C, 2),
                _ => (CREATOR_B, 0),
            };
            let line = json!({
                "path": path,
                "creator": creator,
                "license": license,
                "features": features,
                "label": u32::from(score > 0.0),
            });
            lines.push(line.to_string());
        }
        let jsonl = lines.join("\n") + "\n";
        files.push(SampleFile { path: format!("{name}/records.jsonl"), bytes: jsonl.into_bytes() });
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    use sha2::{Digest, Sha256};

    fn digest(files: &[SampleFile]) -> String {
        let mut sorted: Vec<&SampleFile> = files.iter().collect();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        let mut h = Sha256::new();
        for f in sorted {
            h.update(&f.bytes);
        }
        hex::encode(h.finalize())
    }

    /// The default sample is the demo's, byte for byte: its digest was taken before
    /// `sample_corpus` took a size (`lineage sample -o S && find S -type f | sort | xargs
    /// cat | sha256sum`).
    #[test]
    fn the_default_sample_is_unchanged() {
        assert_eq!(
            digest(&sample_files()),
            "6a1a54fba4aaafa7f9160ca8b2ec780656a8fd28abdcc5198aa0761a7e57a691"
        );
    }

    #[test]
    fn any_size_splits_between_the_datasets_and_stays_learnable() {
        for n in [2, 3, 49, 1000] {
            let files = sample_corpus(n);
            let jsonl: Vec<String> = files
                .iter()
                .filter(|f| f.path.ends_with("records.jsonl"))
                .map(|f| String::from_utf8(f.bytes.clone()).unwrap())
                .collect();
            let counts: Vec<usize> = jsonl.iter().map(|j| j.lines().count()).collect();
            assert_eq!(counts, vec![n.div_ceil(2), n / 2], "n = {n}");
            assert_eq!(files.len(), n + 2);
            let ones: usize = jsonl.iter().map(|j| j.matches("\"label\":1").count()).sum();
            if n >= 1000 {
                assert!(ones > n / 4 && ones < 3 * n / 4, "labels mixed: {ones} of {n}");
            }
        }
        assert_eq!(sample_corpus(1000), sample_corpus(1000));
    }

    #[test]
    fn deterministic_and_mixed() {
        let a = sample_files();
        assert_eq!(a, sample_files());
        assert_eq!(a.len(), 2 * (WORKS_PER_DATASET + 1));
        let jsonl = String::from_utf8(a[WORKS_PER_DATASET].bytes.clone()).unwrap();
        let ones = jsonl.matches("\"label\":1").count();
        assert!(ones > 4 && ones < 20, "labels should be mixed, got {ones} ones");
    }
}
