//! PDQ, the perceptual hash of an image (`pdq-v1`): 256 bits that stay within a small
//! Hamming distance of each other across re-encoding, resizing and metadata stripping,
//! and a quality score. The algorithm is Meta's (ThreatExchange `pdq/`, and its paper
//! `hashing.pdf`): a fingerprint computed here matches the reference implementation's bit
//! for bit on the same RGB pixels (`script/pdq-reference.sh` checks the conformance
//! vectors against it).
//!
//! Steps, all in `f32` and in the order written (so that other implementations can be
//! exact too):
//! 1. luma `Y = 0.299 R + 0.587 G + 0.114 B` per pixel (alpha ignored), summed left to
//!    right; an image under 5 pixels a side has no fingerprint (all zeros, quality 0);
//! 2. unless the image is exactly 64 x 64: two passes of a box filter along each row
//!    (window `ceil(width / 128)`) then along each column (window `ceil(height / 128)`),
//!    each output the running sum of its window divided by the window's size (which
//!    shrinks at the edges), then the 64 x 64 samples at `floor((i + 0.5) h / 64)`,
//!    `floor((j + 0.5) w / 64)` (in `f64`);
//! 3. quality: the sum over vertical then horizontal neighbour pairs `(u, v)` of
//!    `|trunc((u - v) * 100 / 255)|`, divided by 90 (integers), at most 100;
//! 4. the 16 x 16 DCT coefficients after the first, `B = D A Dᵀ` with `D[i][j] =
//!    f32(f64(f32(sqrt(2/64))) * cos(π / 128 * (i + 1) * (2 j + 1)))`, each sum over `k`
//!    from 0 up;
//! 5. bit `k = 16 i + j` is set when `B[i][j]` is above the median of the 256 that Torben's
//!    method gives; the 32 bytes hold bit `k` in byte `31 - k / 8` at bit `k % 8` (the
//!    reference's hex string).
//!
//! Matches are by Hamming distance ([`distance`]): Meta counts a distance of at most 31
//! as a match ([`MATCH_DISTANCE`]) and ignores fingerprints of quality under 50
//! ([`MIN_QUALITY`]). A fingerprint is evidence, never proof: perceptual hashes can be
//! evaded and collided on purpose.

use alloy_primitives::B256;

/// Hamming distance at or below which two fingerprints are the same picture (Meta's
/// ThreatExchange threshold).
pub const MATCH_DISTANCE: u32 = 31;

/// Quality below which a fingerprint says too little (a flat or tiny image).
pub const MIN_QUALITY: u8 = 50;

/// Sides below this have no fingerprint.
const MIN_SIDE: usize = 5;

/// An image's PDQ hash and quality.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    /// The 256 bits.
    pub hash: B256,
    /// 0 (nothing to see) to 100.
    pub quality: u8,
}

impl Fingerprint {
    /// Whether it says enough to find copies by: quality [`MIN_QUALITY`] or more. Only such
    /// fingerprints are anchored and looked up.
    pub fn usable(&self) -> bool {
        self.quality >= MIN_QUALITY
    }
}

/// The number of bits in which two fingerprints differ, 0 to 256.
pub fn distance(a: &B256, b: &B256) -> u32 {
    a.iter().zip(b.iter()).map(|(x, y)| (x ^ y).count_ones()).sum()
}

/// The fingerprint of a `width` x `height` image given as rows of pixels of `channels`
/// bytes (R, G, B first; 3 or more), or `None` when `pixels` is not that many bytes.
pub fn fingerprint(
    width: usize,
    height: usize,
    channels: usize,
    pixels: &[u8],
) -> Option<Fingerprint> {
    if channels < 3 || width.checked_mul(height)?.checked_mul(channels)? != pixels.len() {
        return None;
    }
    if width < MIN_SIDE || height < MIN_SIDE {
        return Some(Fingerprint { hash: B256::ZERO, quality: 0 });
    }
    let mut luma: Vec<f32> = pixels
        .chunks_exact(channels)
        .map(|p| {
            0.299f32 * f32::from(p[0]) + 0.587f32 * f32::from(p[1]) + 0.114f32 * f32::from(p[2])
        })
        .collect();
    let mut a = [[0f32; 64]; 64];
    if width == 64 && height == 64 {
        for (i, row) in a.iter_mut().enumerate() {
            row.copy_from_slice(&luma[i * 64..(i + 1) * 64]);
        }
    } else {
        let mut scratch = vec![0f32; luma.len()];
        let (along_rows, along_cols) = (width.div_ceil(128), height.div_ceil(128));
        for _ in 0..2 {
            for (src, dst) in luma.chunks_exact(width).zip(scratch.chunks_exact_mut(width)) {
                box_filter(src, dst, 0, 1, width, along_rows);
            }
            for j in 0..width {
                box_filter(&scratch, &mut luma, j, width, height, along_cols);
            }
        }
        for (i, row) in a.iter_mut().enumerate() {
            let y = ((i as f64 + 0.5) * height as f64 / 64.0) as usize;
            for (j, v) in row.iter_mut().enumerate() {
                let x = ((j as f64 + 0.5) * width as f64 / 64.0) as usize;
                *v = luma[y * width + x];
            }
        }
    }
    let quality = quality(&a);
    let b = dct16(&a);
    let flat: Vec<f32> = b.iter().flatten().copied().collect();
    let median = torben(&flat);
    let mut hash = [0u8; 32];
    for (k, v) in flat.iter().enumerate() {
        if *v > median {
            hash[31 - k / 8] |= 1 << (k % 8);
        }
    }
    Some(Fingerprint { hash: B256::from(hash), quality })
}

/// One pass of the box filter over the `len` samples of `src` from `start` every `stride`,
/// into the same places of `dst`: each output is the mean of the `window` samples around
/// it (fewer at the ends), by a running sum.
fn box_filter(
    src: &[f32],
    dst: &mut [f32],
    start: usize,
    stride: usize,
    len: usize,
    window: usize,
) {
    let half = (window + 2) / 2;
    let at = |i: usize| start + i * stride;
    let (mut sum, mut size) = (0f32, 0usize);
    let (mut right, mut left, mut out) = (0, 0, 0);
    for _ in 0..half - 1 {
        sum += src[at(right)];
        size += 1;
        right += 1;
    }
    for _ in 0..window - half + 1 {
        sum += src[at(right)];
        size += 1;
        dst[at(out)] = sum / size as f32;
        right += 1;
        out += 1;
    }
    for _ in 0..len - window {
        sum += src[at(right)];
        sum -= src[at(left)];
        dst[at(out)] = sum / size as f32;
        left += 1;
        right += 1;
        out += 1;
    }
    for _ in 0..half - 1 {
        sum -= src[at(left)];
        size -= 1;
        dst[at(out)] = sum / size as f32;
        left += 1;
        out += 1;
    }
}

fn quality(a: &[[f32; 64]; 64]) -> u8 {
    let step = |u: f32, v: f32| (((u - v) * 100f32) / 255f32) as i32;
    let mut sum: i32 = 0;
    for i in 0..63 {
        for j in 0..64 {
            sum += step(a[i][j], a[i + 1][j]).abs();
        }
    }
    for row in a {
        for j in 0..63 {
            sum += step(row[j], row[j + 1]).abs();
        }
    }
    (sum / 90).min(100) as u8
}

/// The DCT basis rows 1 to 16 over 64 samples.
fn dct_matrix() -> [[f32; 64]; 16] {
    let scale = (2.0f64 / 64.0).sqrt() as f32;
    let mut d = [[0f32; 64]; 16];
    for (i, row) in d.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            let angle = std::f64::consts::PI / 2.0 / 64.0 * (i + 1) as f64 * (2 * j + 1) as f64;
            *v = (f64::from(scale) * angle.cos()) as f32;
        }
    }
    d
}

fn dct16(a: &[[f32; 64]; 64]) -> [[f32; 16]; 16] {
    let d = dct_matrix();
    let mut t = [[0f32; 64]; 16];
    for i in 0..16 {
        for j in 0..64 {
            let mut sum = 0f32;
            for k in 0..64 {
                sum += d[i][k] * a[k][j];
            }
            t[i][j] = sum;
        }
    }
    let mut b = [[0f32; 16]; 16];
    for i in 0..16 {
        for j in 0..16 {
            let mut sum = 0f32;
            for k in 0..64 {
                sum += t[i][k] * d[j][k];
            }
            b[i][j] = sum;
        }
    }
    b
}

/// Torben's median (the reference's, which for an even count may return a value between
/// the two middle ones).
fn torben(m: &[f32]) -> f32 {
    let n = m.len();
    let (mut min, mut max) = (m[0], m[0]);
    for &v in &m[1..] {
        min = min.min(v);
        max = max.max(v);
    }
    loop {
        let guess = (min + max) / 2.0;
        let (mut less, mut greater, mut equal) = (0, 0, 0);
        let (mut max_lt, mut min_gt) = (min, max);
        for &v in m {
            if v < guess {
                less += 1;
                if v > max_lt {
                    max_lt = v;
                }
            } else if v > guess {
                greater += 1;
                if v < min_gt {
                    min_gt = v;
                }
            } else {
                equal += 1;
            }
        }
        let half = n.div_ceil(2);
        if less <= half && greater <= half {
            return if less >= half {
                max_lt
            } else if less + equal >= half {
                guess
            } else {
                min_gt
            };
        }
        if less > greater {
            max = max_lt;
        } else {
            min = min_gt;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testutil::{noise, picture};

    /// The images `script/pdq-reference.sh` compares with the reference implementation.
    fn reference_cases() -> Vec<(usize, usize, Vec<u8>)> {
        vec![
            (64, 64, noise(64, 64, 3, 1)),
            (100, 70, noise(100, 70, 3, 2)),
            (300, 200, picture(300, 200, 3)),
            (1000, 700, picture(1000, 700, 4)),
            (5, 5, noise(5, 5, 3, 5)),
            (4, 9, noise(4, 9, 3, 6)),
            (50, 50, vec![128; 50 * 50 * 3]),
            (257, 129, picture(257, 129, 8)),
            (128, 96, picture(128, 96, 9)),
            (333, 5, noise(333, 5, 3, 10)),
        ]
    }

    /// Writes each reference image as raw RGB into `$LINEAGE_PDQ_IMAGES` and prints its
    /// fingerprint (`script/pdq-reference.sh`).
    #[test]
    #[ignore = "script/pdq-reference.sh runs it beside the reference implementation"]
    fn reference_images() {
        let dir = std::path::PathBuf::from(std::env::var("LINEAGE_PDQ_IMAGES").unwrap());
        for (w, h, px) in reference_cases() {
            let f = fingerprint(w, h, 3, &px).unwrap();
            std::fs::write(dir.join(format!("{w}x{h}.rgb")), &px).unwrap();
            println!("pdq {w} {h} {} {}", hex::encode(f.hash), f.quality);
        }
    }

    #[test]
    fn tiny_images_have_none_and_bad_buffers_are_refused() {
        let zero = Fingerprint { hash: B256::ZERO, quality: 0 };
        assert_eq!(fingerprint(4, 9, 3, &noise(4, 9, 3, 1)), Some(zero));
        assert_eq!(fingerprint(9, 4, 4, &noise(9, 4, 4, 1)), Some(zero));
        assert_eq!(fingerprint(9, 9, 3, &[0; 9 * 9 * 3 - 1]), None);
        assert_eq!(fingerprint(9, 9, 2, &[0; 9 * 9 * 2]), None);
        assert_eq!(fingerprint(usize::MAX, 2, 3, &[]), None);
    }

    #[test]
    fn only_quality_fifty_or_more_is_usable() {
        let at = |quality| Fingerprint { hash: B256::ZERO, quality };
        assert!(!at(MIN_QUALITY - 1).usable());
        assert!(at(MIN_QUALITY).usable() && at(100).usable());
    }

    #[test]
    fn alpha_is_ignored_and_the_hash_survives_a_halving_but_not_another_picture() {
        let (w, h) = (400, 300);
        let rgb = picture(w, h, 11);
        let a = fingerprint(w, h, 3, &rgb).unwrap();
        let rgba: Vec<u8> = rgb.chunks(3).flat_map(|p| [p[0], p[1], p[2], 7]).collect();
        assert_eq!(fingerprint(w, h, 4, &rgba).unwrap(), a);
        // Half the size by 2 x 2 means.
        let mut half = Vec::with_capacity(w * h * 3 / 4);
        for y in 0..h / 2 {
            for x in 0..w / 2 {
                for c in 0..3 {
                    let at = |dx: usize, dy: usize| {
                        u32::from(rgb[((2 * y + dy) * w + 2 * x + dx) * 3 + c])
                    };
                    half.push(((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1) + 2) / 4) as u8);
                }
            }
        }
        let b = fingerprint(w / 2, h / 2, 3, &half).unwrap();
        assert!(distance(&a.hash, &b.hash) <= MATCH_DISTANCE, "{}", distance(&a.hash, &b.hash));
        let other = fingerprint(w, h, 3, &picture(w, h, 50)).unwrap();
        assert!(
            distance(&a.hash, &other.hash) > MATCH_DISTANCE,
            "{}",
            distance(&a.hash, &other.hash)
        );
        assert_eq!(distance(&a.hash, &a.hash), 0);
        assert_eq!(distance(&B256::ZERO, &B256::repeat_byte(0xff)), 256);
    }
}
