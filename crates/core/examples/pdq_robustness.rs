//! How PDQ fingerprints survive what happens to images, for BENCHMARKS.md (issue 21):
//! `script/bench-pdq-robustness.sh` gives it real photographs. Each source image (PNG, JPEG
//! or WebP, decoded by `lineage_core::output::decode`) is cut into non-overlapping tiles of
//! `TILE` pixels (at most `PER_SOURCE` per source, spread over the image); a tile whose
//! fingerprint has quality under 50 is left out, as `lineage anchor` anchors none for it.
//! Each tile is then transformed:
//! - JPEG at quality 50, 70, 85 and 95 (jpeg-encoder, decoded by zune-jpeg);
//! - a 50% resize (2x2 box average), and the same then JPEG 85;
//! - lossless WebP (image-webp) and back, and PNG -> JPEG 85 -> WebP -> PNG;
//! - metadata stripped: the pixels, and so the fingerprint, are unchanged by construction.
//!
//! It prints, per transform, the match rate (distance <= 31) and the distance
//! percentiles; and the false-match rate over every pair of distinct tiles, and over every
//! (JPEG 85 copy, other tile) pair.
//!
//! `cargo run -p lineage-core --example pdq_robustness -- TILE PER_SOURCE FILE...`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use lineage_core::output::{
    decode::{decode, Pixels},
    pdq::{distance, MATCH_DISTANCE, MIN_QUALITY},
};

fn rgb(p: &Pixels) -> Pixels {
    if p.channels == 3 {
        return p.clone();
    }
    let data = p.data.chunks_exact(p.channels).flat_map(|px| [px[0], px[1], px[2]]).collect();
    Pixels { channels: 3, data, ..*p }
}

fn tile(p: &Pixels, x0: usize, y0: usize, side: usize) -> Pixels {
    let mut data = Vec::with_capacity(side * side * 3);
    for y in y0..y0 + side {
        let row = (y * p.width + x0) * 3;
        data.extend_from_slice(&p.data[row..row + side * 3]);
    }
    Pixels { width: side, height: side, channels: 3, data }
}

fn jpeg(p: &Pixels, quality: u8) -> Pixels {
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, quality)
        .encode(&p.data, p.width as u16, p.height as u16, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    decode(&out).unwrap().unwrap()
}

fn webp(p: &Pixels) -> Pixels {
    let mut out = Vec::new();
    image_webp::WebPEncoder::new(&mut out)
        .encode(&p.data, p.width as u32, p.height as u32, image_webp::ColorType::Rgb8)
        .unwrap();
    rgb(&decode(&out).unwrap().unwrap())
}

fn half(p: &Pixels) -> Pixels {
    let (w, h) = (p.width / 2, p.height / 2);
    let mut data = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let at = |dx: usize, dy: usize| {
                    u32::from(p.data[((2 * y + dy) * p.width + 2 * x + dx) * 3 + c])
                };
                data.push(((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1) + 2) / 4) as u8);
            }
        }
    }
    Pixels { width: w, height: h, channels: 3, data }
}

fn percentiles(mut v: Vec<u32>) -> String {
    v.sort_unstable();
    let at = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    format!("{} / {} / {} / {}", at(0.5), at(0.9), at(0.99), v[v.len() - 1])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    assert!(args.len() > 3, "usage: pdq_robustness TILE PER_SOURCE FILE...");
    let side: usize = args[1].parse().unwrap();
    let per_source: usize = args[2].parse().unwrap();
    let mut tiles = Vec::new();
    let (mut sources, mut flat) = (0, 0);
    for path in &args[3..] {
        let bytes = std::fs::read(path).unwrap();
        let Ok(Some(p)) = decode(&bytes) else {
            eprintln!("skipped {path}: not decodable");
            continue;
        };
        let p = rgb(&p);
        let (cols, rows) = (p.width / side, p.height / side);
        if cols * rows == 0 {
            continue;
        }
        sources += 1;
        let step = (cols * rows).div_ceil(per_source).max(1);
        for k in (0..cols * rows).step_by(step) {
            let t = tile(&p, (k % cols) * side, (k / cols) * side, side);
            let f = t.fingerprint();
            if f.quality < MIN_QUALITY {
                flat += 1;
                continue;
            }
            tiles.push((t, f.hash));
        }
    }
    eprintln!(
        "{sources} sources, {} tiles of {side}x{side} ({flat} under quality 50 left out)",
        tiles.len()
    );

    type Transform = (&'static str, fn(&Pixels) -> Pixels);
    let transforms: [Transform; 8] = [
        ("JPEG q50", |p| jpeg(p, 50)),
        ("JPEG q70", |p| jpeg(p, 70)),
        ("JPEG q85", |p| jpeg(p, 85)),
        ("JPEG q95", |p| jpeg(p, 95)),
        ("resize 50%", half),
        ("resize 50%, then JPEG q85", |p| jpeg(&half(p), 85)),
        ("WebP (lossless) round trip", webp),
        ("PNG -> JPEG q85 -> WebP -> PNG", |p| webp(&jpeg(p, 85))),
    ];
    println!("| transformation | matched (<= {MATCH_DISTANCE}) | distance p50 / p90 / p99 / max |");
    println!("|---|---|---|");
    let mut copies = Vec::new();
    for (name, f) in transforms {
        let d: Vec<u32> =
            tiles.iter().map(|(t, h)| distance(h, &f(t).fingerprint().hash)).collect();
        let matched = d.iter().filter(|&&x| x <= MATCH_DISTANCE).count();
        println!(
            "| {name} | {matched} of {} ({:.1}%) | {} |",
            d.len(),
            100.0 * matched as f64 / d.len() as f64,
            percentiles(d)
        );
        if name == "JPEG q85" {
            copies = tiles.iter().map(|(t, _)| f(t).fingerprint().hash).collect();
        }
    }
    println!("| metadata stripped | all (the pixels are unchanged) | 0 |");

    let mut pairs = Vec::new();
    let mut cross = Vec::new();
    for i in 0..tiles.len() {
        for j in 0..tiles.len() {
            if i < j {
                pairs.push(distance(&tiles[i].1, &tiles[j].1));
            }
            if i != j {
                cross.push(distance(&copies[i], &tiles[j].1));
            }
        }
    }
    for (name, mut d) in
        [("distinct tiles, every pair", pairs), ("JPEG q85 copy vs every other tile", cross)]
    {
        d.sort_unstable();
        let false_matches = d.partition_point(|&x| x <= MATCH_DISTANCE);
        println!(
            "\n{name}: {false_matches} false matches of {} ({:.4}%); distance min {}, p1 {}, p50 {}",
            d.len(),
            100.0 * false_matches as f64 / d.len() as f64,
            d[0],
            d[d.len() / 100],
            d[d.len() / 2],
        );
    }
}
