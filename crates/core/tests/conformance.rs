//! Writes the output conformance vectors in `tests/vectors/` (the contract with wallets in
//! other languages, `sdk/js` among them) and fails when the committed folder differs from
//! what this build produces: the conventions of `lineage_core::output` must not drift
//! silently. `LINEAGE_BLESS=1 cargo test --workspace --test conformance` rewrites the
//! folder. The folder's README.md says what each file holds.
//!
//! Every expected value is what the Rust implementation computes; valid images are also
//! checked here against the canonical RGBA built by hand from the documented convention,
//! so a vector cannot pin a Rust bug unnoticed.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use alloy_primitives::{address, b256, B256};
use lineage_core::attestation::TrainingKind;
use lineage_core::output::{
    content_hash, content_hash_as, embed_receipt, judge, leaf_v2, read_receipt, verify_proof,
    Anchor, AttestationStatus, BaseFact, Batch, Candidate, ChainFacts, Code, DatasetFact,
    DatasetStatus, Error, HashKind, OnChainBatch, Output, OutputHash, OutputTree, Policy, Receipt,
    Verdict,
};
use png::{BitDepth, ColorType, Filter};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::{collections::BTreeMap, fs, path::Path};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

/// A stable name for each error a vector expects; the TypeScript errors carry the same
/// `code`.
fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::PngDecode { .. } => "png.decode",
        Error::PngUnsupported { .. } => "png.unsupported",
        Error::PngTooLarge { .. } => "png.too_large",
        Error::PngMalformed { .. } => "png.malformed",
        Error::PngChunkCrc { .. } => "png.chunk_crc",
        Error::ReceiptChunkCrc { .. } => "receipt.chunk_crc",
        Error::ReceiptChunkMalformed { .. } => "receipt.chunk_malformed",
        Error::ReceiptChunkDuplicate { .. } => "receipt.chunk_duplicate",
        Error::ReceiptParse { .. } => "receipt.parse",
        Error::ReceiptVersion { .. } => "receipt.version",
        Error::ReceiptInconsistent { .. } => "receipt.inconsistent",
        Error::ReceiptEncode { .. } => "receipt.encode",
        Error::ChainMismatch { .. } => "chain.mismatch",
        Error::EmptyBatch => "batch.empty",
        Error::LeafIndexOutOfRange { .. } => "batch.leaf_index",
        Error::ProofIndexOutOfRange { .. } => "proof.index",
        Error::UnknownStatus { .. } => "status.unknown",
        Error::ReceiptMismatch { .. } => "receipt.mismatch",
        Error::JpegMalformed { .. } => "jpeg.malformed",
        Error::WebpMalformed { .. } => "webp.malformed",
        Error::WebpUnsupported { .. } => "webp.unsupported",
        Error::ReceiptNotEmbeddable { .. } => "receipt.not_embeddable",
        Error::ImageDecode { .. } => "image.decode",
        Error::ImageTooLarge { .. } => "image.too_large",
    }
}

// ---------------------------------------------------------------------------------------
// Images: samples, packing, encoders
// ---------------------------------------------------------------------------------------

/// An image as samples at its bit depth (indices for indexed colour).
#[derive(Clone)]
struct Img {
    w: u32,
    h: u32,
    color: ColorType,
    depth: u8,
    samples: Vec<u16>,
    palette: Option<Vec<u8>>,
    trns: Option<Vec<u8>>,
}

fn channels(c: ColorType) -> usize {
    match c {
        ColorType::Grayscale | ColorType::Indexed => 1,
        ColorType::GrayscaleAlpha => 2,
        ColorType::Rgb => 3,
        ColorType::Rgba => 4,
    }
}

fn color_byte(c: ColorType) -> u8 {
    match c {
        ColorType::Grayscale => 0,
        ColorType::Rgb => 2,
        ColorType::Indexed => 3,
        ColorType::GrayscaleAlpha => 4,
        ColorType::Rgba => 6,
    }
}

fn bit_depth(d: u8) -> BitDepth {
    match d {
        1 => BitDepth::One,
        2 => BitDepth::Two,
        4 => BitDepth::Four,
        8 => BitDepth::Eight,
        _ => BitDepth::Sixteen,
    }
}

/// A deterministic generator (splitmix64), so the vectors never depend on a crate's RNG.
use lineage_core::sample::SplitMix as Rng;

/// Pseudo-random samples; for indexed colour, indices below `palette_len`.
fn image(w: u32, h: u32, color: ColorType, depth: u8, seed: u64, palette_len: usize) -> Img {
    let mut rng = Rng(seed);
    let n = (w * h) as usize * channels(color);
    let max = if color == ColorType::Indexed { palette_len as u64 } else { 1u64 << depth };
    let samples = (0..n).map(|_| (rng.next() % max) as u16).collect();
    let palette = (color == ColorType::Indexed)
        .then(|| (0..palette_len * 3).map(|_| rng.next() as u8).collect());
    Img { w, h, color, depth, samples, palette, trns: None }
}

impl Img {
    /// The samples of an 8-bit image, as bytes.
    fn samples_u8(&self) -> Vec<u8> {
        self.samples.iter().map(|&s| s as u8).collect()
    }

    fn with_trns(mut self, trns: Vec<u8>) -> Self {
        // Make some pixels the transparent colour, so the tRNS rule is exercised.
        if self.color != ColorType::Indexed {
            let c = channels(self.color);
            let value = |i: usize| {
                if self.depth == 16 {
                    u16::from_be_bytes([trns[2 * i], trns[2 * i + 1]])
                } else {
                    u16::from(trns[2 * i + 1]) & ((1u16 << self.depth) - 1)
                }
            };
            let colour: Vec<u16> = (0..c).map(value).collect();
            let n = (self.w * self.h) as usize;
            for p in [0, 3, n - 1] {
                self.samples[p * c..(p + 1) * c].copy_from_slice(&colour);
            }
        }
        self.trns = Some(trns);
        self
    }

    /// Packed bytes of the pixels at `xs` on row `y`.
    fn pack(&self, y: u32, xs: impl Iterator<Item = u32>) -> Vec<u8> {
        let c = channels(self.color);
        let mut out = Vec::new();
        let (mut acc, mut bits) = (0u8, 0u8);
        for x in xs {
            let i = (y * self.w + x) as usize * c;
            for &s in &self.samples[i..i + c] {
                match self.depth {
                    16 => out.extend_from_slice(&s.to_be_bytes()),
                    8 => out.push(s as u8),
                    d => {
                        acc |= (s as u8) << (8 - d - bits);
                        bits += d;
                        if bits == 8 {
                            out.push(acc);
                            (acc, bits) = (0, 0);
                        }
                    }
                }
            }
        }
        if bits > 0 {
            out.push(acc);
        }
        out
    }

    fn ihdr(&self, interlaced: bool) -> Vec<u8> {
        let mut d = Vec::new();
        d.extend_from_slice(&self.w.to_be_bytes());
        d.extend_from_slice(&self.h.to_be_bytes());
        d.extend_from_slice(&[self.depth, color_byte(self.color), 0, 0, u8::from(interlaced)]);
        d
    }

    /// The canonical RGBA of the documented convention, and its depth (8 or 16).
    fn canonical(&self) -> (u8, Vec<u8>) {
        let c = channels(self.color);
        let out_depth = if self.depth == 16 { 16 } else { 8 };
        let mut px = Vec::new();
        let mut put = |v: u16| {
            if out_depth == 16 {
                px.extend_from_slice(&v.to_be_bytes());
            } else {
                px.push(v as u8);
            }
        };
        let max = if self.depth == 16 { 0xffff } else { 0xff };
        let scale = |v: u16| if self.depth < 8 { v * (255 / ((1 << self.depth) - 1)) } else { v };
        for p in self.samples.chunks(c) {
            let transparent = self.trns.as_ref().is_some_and(|t| {
                self.color != ColorType::Indexed
                    && p.iter().enumerate().all(|(i, &s)| {
                        let t = if self.depth == 16 {
                            u16::from_be_bytes([t[2 * i], t[2 * i + 1]])
                        } else {
                            u16::from(t[2 * i + 1])
                        };
                        s == t
                    })
            });
            let alpha = if transparent { 0 } else { max };
            match self.color {
                ColorType::Indexed => {
                    let pal = self.palette.as_ref().unwrap();
                    let i = p[0] as usize;
                    for k in 0..3 {
                        put(u16::from(pal[3 * i + k]));
                    }
                    put(self.trns.as_ref().and_then(|t| t.get(i)).map_or(255, |&a| u16::from(a)));
                }
                ColorType::Grayscale => {
                    for _ in 0..3 {
                        put(scale(p[0]));
                    }
                    put(alpha);
                }
                ColorType::GrayscaleAlpha => {
                    for _ in 0..3 {
                        put(p[0]);
                    }
                    put(p[1]);
                }
                ColorType::Rgb => {
                    for &s in p {
                        put(s);
                    }
                    put(alpha);
                }
                ColorType::Rgba => p.iter().for_each(|&s| put(s)),
            }
        }
        (out_depth, px)
    }

    fn reference_hash(&self) -> B256 {
        let (depth, px) = self.canonical();
        let mut h = Sha256::new();
        h.update(b"lineage.output.png-rgba.v1\0");
        h.update(self.w.to_be_bytes());
        h.update(self.h.to_be_bytes());
        h.update([depth]);
        h.update(px);
        B256::from(<[u8; 32]>::from(h.finalize()))
    }
}

/// The `png` crate's encoder: zlib-compressed, with the given filter strategy.
fn encode(img: &Img, filter: Filter) -> Vec<u8> {
    let mut data = Vec::new();
    for y in 0..img.h {
        data.extend(img.pack(y, 0..img.w));
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, img.w, img.h);
    enc.set_color(img.color);
    enc.set_depth(bit_depth(img.depth));
    enc.set_filter(filter);
    if let Some(p) = &img.palette {
        enc.set_palette(p.clone());
    }
    if let Some(t) = &img.trns {
        enc.set_trns(t.clone());
    }
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&data).unwrap();
    w.finish().unwrap();
    out
}

fn chunk(out: &mut Vec<u8>, ty: &[u8; 4], data: &[u8]) {
    let mut crc = crc32fast::Hasher::new();
    crc.update(ty);
    crc.update(data);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(ty);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

/// A zlib stream of stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> =
        if data.is_empty() { vec![&[][..]] } else { data.chunks(65_535).collect() };
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// A PNG written by hand: IHDR, PLTE and tRNS when the image has them, one IDAT of `raw`
/// (filtered scanlines) as stored zlib, IEND.
fn assemble(img: &Img, interlaced: bool, raw: &[u8]) -> Vec<u8> {
    let mut out = PNG_SIGNATURE.to_vec();
    chunk(&mut out, b"IHDR", &img.ihdr(interlaced));
    if let Some(p) = &img.palette {
        chunk(&mut out, b"PLTE", p);
    }
    if let Some(t) = &img.trns {
        chunk(&mut out, b"tRNS", t);
    }
    chunk(&mut out, b"IDAT", &zlib_stored(raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

/// An Adam7-interlaced PNG written by hand; rows alternate filter types None and Sub.
fn encode_adam7(img: &Img) -> Vec<u8> {
    const PASSES: [(u32, u32, u32, u32); 7] = [
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    ];
    let bpp = (channels(img.color) * usize::from(img.depth)).div_ceil(8);
    let mut raw = Vec::new();
    let mut row_no = 0;
    for (x0, y0, dx, dy) in PASSES {
        if x0 >= img.w || y0 >= img.h {
            continue;
        }
        for y in (y0..img.h).step_by(dy as usize) {
            let line = img.pack(y, (x0..img.w).step_by(dx as usize));
            if row_no % 2 == 0 {
                raw.push(0);
                raw.extend_from_slice(&line);
            } else {
                raw.push(1);
                raw.extend(
                    (0..line.len())
                        .map(|i| line[i].wrapping_sub(if i >= bpp { line[i - bpp] } else { 0 })),
                );
            }
            row_no += 1;
        }
    }
    assemble(img, true, &raw)
}

/// Unfiltered (filter type 0) scanlines of a non-interlaced image.
fn raw_plain(img: &Img) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..img.h {
        raw.push(0);
        raw.extend(img.pack(y, 0..img.w));
    }
    raw
}

/// Offset of the first chunk of type `ty` (its length field).
fn find_chunk(png: &[u8], ty: &[u8; 4]) -> usize {
    png.windows(4).position(|w| w == ty).unwrap() - 4
}

fn chunk_len(png: &[u8], at: usize) -> usize {
    u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize
}

/// `png` with a chunk inserted at byte `at` (a chunk boundary).
fn insert_chunk(png: &[u8], at: usize, ty: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = png[..at].to_vec();
    chunk(&mut out, ty, data);
    out.extend_from_slice(&png[at..]);
    out
}

/// `png` with the first chunk of type `ty` removed.
fn remove_chunk(png: &[u8], ty: &[u8; 4]) -> Vec<u8> {
    let at = find_chunk(png, ty);
    let end = at + 12 + chunk_len(png, at);
    [&png[..at], &png[end..]].concat()
}

/// `png` with its IDAT data replaced by `data` (CRC recomputed).
fn replace_idat(png: &[u8], data: &[u8]) -> Vec<u8> {
    let at = find_chunk(png, b"IDAT");
    let end = at + 12 + chunk_len(png, at);
    let mut out = png[..at].to_vec();
    chunk(&mut out, b"IDAT", data);
    out.extend_from_slice(&png[end..]);
    out
}

// ---------------------------------------------------------------------------------------
// The vector set
// ---------------------------------------------------------------------------------------

#[derive(Default)]
struct Vectors {
    /// Path under tests/vectors -> contents.
    files: BTreeMap<String, Vec<u8>>,
    hashes: Vec<Value>,
    receipts: Vec<Value>,
}

impl Vectors {
    fn file(&mut self, path: &str, bytes: Vec<u8>) {
        assert!(self.files.insert(path.to_owned(), bytes).is_none(), "{path} twice");
    }

    /// A file and its expected content hash or error; `reference` is the hand-built
    /// expectation when there is one.
    fn hash_case(&mut self, path: &str, note: &str, bytes: Vec<u8>, reference: Option<B256>) {
        let entry = match content_hash(&bytes) {
            Ok(h) => {
                if let Some(r) = reference {
                    assert_eq!(h.hash, r, "{path}: Rust disagrees with the documented convention");
                }
                json!({"file": path, "note": note, "kind": h.kind, "hash": h.hash})
            }
            Err(e) => {
                assert!(reference.is_none(), "{path}: expected a hash, got {e}");
                json!({"file": path, "note": note, "error": error_kind(&e)})
            }
        };
        self.hashes.push(entry);
        self.file(path, bytes);
    }

    /// A file already written, hashed under `kind` whatever its format (a receipt's kind).
    fn hash_as_case(&mut self, path: &str, note: &str, bytes: &[u8], kind: HashKind) {
        let h = content_hash_as(bytes, kind).unwrap();
        self.hashes
            .push(json!({"file": path, "note": note, "as": kind, "kind": h.kind, "hash": h.hash}));
    }

    fn json(&mut self, path: &str, value: &Value) {
        let mut s = serde_json::to_string_pretty(value).unwrap();
        s.push('\n');
        self.file(path, s.into_bytes());
    }
}

fn colour_name(c: ColorType) -> &'static str {
    match c {
        ColorType::Grayscale => "grey",
        ColorType::GrayscaleAlpha => "grey-alpha",
        ColorType::Rgb => "rgb",
        ColorType::Rgba => "rgba",
        ColorType::Indexed => "indexed",
    }
}

fn valid_images(v: &mut Vectors) {
    let mut seed = 1;
    let mut cases: Vec<(String, Img)> = Vec::new();
    let mut add = |name: String, img: Img| cases.push((name, img));
    for (color, depths) in [
        (ColorType::Grayscale, &[1u8, 2, 4, 8, 16][..]),
        (ColorType::Rgb, &[8, 16]),
        (ColorType::Indexed, &[1, 2, 4, 8]),
        (ColorType::GrayscaleAlpha, &[8, 16]),
        (ColorType::Rgba, &[8, 16]),
    ] {
        for &d in depths {
            seed += 1;
            let pal = if color == ColorType::Indexed { (1usize << d).min(20) } else { 0 };
            let img = image(7, 5, color, d, seed, pal);
            add(format!("{}{d}", colour_name(color)), img);
        }
    }
    // tRNS: a transparent grey or RGB value; the 8-bit grey one carries a junk high byte,
    // which only the low byte of counts; the indexed one is shorter than the palette.
    add("grey2-trns".into(), image(7, 5, ColorType::Grayscale, 2, 40, 0).with_trns(vec![0, 1]));
    add("grey8-trns".into(), image(7, 5, ColorType::Grayscale, 8, 41, 0).with_trns(vec![1, 77]));
    add(
        "grey16-trns".into(),
        image(7, 5, ColorType::Grayscale, 16, 42, 0).with_trns(vec![0x12, 0x34]),
    );
    add(
        "rgb8-trns".into(),
        image(7, 5, ColorType::Rgb, 8, 43, 0).with_trns(vec![0, 9, 0, 8, 0, 7]),
    );
    add(
        "rgb16-trns".into(),
        image(7, 5, ColorType::Rgb, 16, 44, 0).with_trns(vec![1, 2, 3, 4, 5, 6]),
    );
    add(
        "indexed4-trns".into(),
        image(7, 5, ColorType::Indexed, 4, 45, 16).with_trns(vec![0, 64, 128, 255, 7]),
    );
    add(
        "indexed8-trns".into(),
        image(7, 5, ColorType::Indexed, 8, 46, 20).with_trns(vec![10, 20, 30]),
    );
    for (name, img) in &cases {
        let reference = img.reference_hash();
        let plain = encode(img, Filter::Adaptive);
        v.hash_case(
            &format!("png/{name}.png"),
            "png crate encoder, adaptive filters",
            plain,
            Some(reference),
        );
        v.hash_case(
            &format!("png/{name}-adam7.png"),
            "Adam7, written by hand, filters None and Sub",
            encode_adam7(img),
            Some(reference),
        );
    }
    // Every filter type on its own; sizes where most Adam7 passes are empty.
    let img = image(9, 6, ColorType::Rgba, 8, 50, 0);
    for (name, f) in [
        ("none", Filter::NoFilter),
        ("sub", Filter::Sub),
        ("up", Filter::Up),
        ("avg", Filter::Avg),
        ("paeth", Filter::Paeth),
    ] {
        v.hash_case(
            &format!("png/filter-{name}.png"),
            "png crate encoder, one filter type",
            encode(&img, f),
            Some(img.reference_hash()),
        );
    }
    for (w, h) in [(1, 1), (3, 2), (1, 9)] {
        let img = image(w, h, ColorType::Rgb, 8, 60 + u64::from(w), 0);
        v.hash_case(
            &format!("png/rgb8-{w}x{h}-adam7.png"),
            "Adam7 with empty passes",
            encode_adam7(&img),
            Some(img.reference_hash()),
        );
    }
}

/// The base image of the broken and receipt cases.
fn base() -> (Img, Vec<u8>) {
    let img = image(9, 6, ColorType::Rgba, 8, 99, 0);
    let png = encode(&img, Filter::Adaptive);
    (img, png)
}

fn broken_images(v: &mut Vectors) {
    let (img, good) = base();
    let ok = Some(img.reference_hash());
    let idat = find_chunk(&good, b"IDAT");
    let flip = |at: usize| {
        let mut b = good.clone();
        b[at] ^= 0x01;
        b
    };
    v.hash_case("png/base.png", "the base of the broken cases", good.clone(), ok);
    v.hash_case("png/broken-crc-idat.png", "a flipped bit in IDAT's data", flip(idat + 10), None);
    v.hash_case("png/broken-crc-ihdr.png", "a flipped bit in IHDR's CRC", flip(8 + 8 + 13), None);
    let text = insert_chunk(&good, 33, b"tEXt", b"Comment\0hello");
    let text_at = find_chunk(&text, b"tEXt");
    let mut bad_text = text.clone();
    bad_text[text_at + 10] ^= 0x01;
    v.hash_case("png/text-chunk.png", "a tEXt chunk: metadata does not count", text, ok);
    v.hash_case(
        "png/broken-crc-text.png",
        "an ancillary chunk with a bad CRC is skipped",
        bad_text,
        ok,
    );
    v.hash_case(
        "png/broken-truncated.png",
        "cut in the middle of IDAT",
        good[..idat + 8 + chunk_len(&good, idat) / 2].to_vec(),
        None,
    );
    v.hash_case("png/broken-no-iend.png", "IEND missing", good[..good.len() - 12].to_vec(), None);
    v.hash_case(
        "png/broken-signature-only.png",
        "only the signature",
        PNG_SIGNATURE.to_vec(),
        None,
    );
    v.hash_case(
        "png/trailing-bytes.png",
        "bytes after IEND are ignored",
        [good.as_slice(), b"trailing"].concat(),
        ok,
    );
    v.hash_case("png/no-idat.png", "IDAT missing", remove_chunk(&good, b"IDAT"), None);

    // Hand-written, stored zlib: the IDAT layout itself.
    let raw = raw_plain(&img);
    let stored = assemble(&img, false, &raw);
    v.hash_case("png/stored-zlib.png", "stored deflate blocks", stored.clone(), ok);
    let z = zlib_stored(&raw);
    let (a, b) = z.split_at(z.len() / 3);
    let (b, c) = b.split_at(b.len() / 2);
    let mut split = stored[..find_chunk(&stored, b"IDAT")].to_vec();
    for part in [a, &[][..], b, c] {
        chunk(&mut split, b"IDAT", part);
    }
    chunk(&mut split, b"IEND", &[]);
    v.hash_case("png/idat-split.png", "the zlib stream split over 4 IDATs, one empty", split, ok);
    let mut bad_adler = z.clone();
    let n = bad_adler.len();
    bad_adler[n - 1] ^= 0xff;
    v.hash_case(
        "png/zlib-bad-adler.png",
        "a wrong Adler-32 is not checked: this hashes",
        replace_idat(&stored, &bad_adler),
        ok,
    );
    let mut rng = Rng(7);
    let garbage: Vec<u8> = (0..40).map(|_| rng.next() as u8).collect();
    v.hash_case(
        "png/zlib-garbage.png",
        "IDAT of random bytes",
        replace_idat(&stored, &garbage),
        None,
    );
    v.hash_case(
        "png/zlib-short.png",
        "a complete zlib stream with too few scanlines",
        replace_idat(&stored, &zlib_stored(&raw[..raw.len() - 10])),
        None,
    );
    let mut extra = raw.clone();
    extra.extend_from_slice(&[0; 37]);
    v.hash_case(
        "png/zlib-extra.png",
        "a zlib stream with bytes past the last scanline: they are ignored",
        replace_idat(&stored, &zlib_stored(&extra)),
        ok,
    );
    let mut bad_filter = raw.clone();
    bad_filter[(raw.len() / img.h as usize) * 2] = 5;
    v.hash_case(
        "png/bad-filter-type.png",
        "filter type 5 on row 2",
        replace_idat(&stored, &zlib_stored(&bad_filter)),
        None,
    );
    let mut bad_depth = img.clone();
    bad_depth.depth = 4; // RGBA at 4 bits is not a valid combination
    v.hash_case(
        "png/bad-ihdr-depth.png",
        "RGBA at 4 bits",
        assemble(&bad_depth, false, &raw),
        None,
    );

    // Chunk order and header rules.
    v.hash_case(
        "png/chunk-before-ihdr.png",
        "a tEXt chunk before IHDR",
        insert_chunk(&good, 8, b"tEXt", b"Comment\0early"),
        None,
    );
    v.hash_case(
        "png/unknown-critical-chunk.png",
        "an unknown critical chunk (upper-case first letter) before IDAT",
        insert_chunk(&good, idat, b"ABCD", b"x"),
        None,
    );
    v.hash_case(
        "png/unknown-ancillary-chunk.png",
        "an unknown ancillary chunk before IDAT",
        insert_chunk(&good, idat, b"abCD", b"x"),
        ok,
    );
    let mut gap = stored[..find_chunk(&stored, b"IDAT")].to_vec();
    chunk(&mut gap, b"IDAT", a);
    chunk(&mut gap, b"tEXt", b"Comment\0between");
    chunk(&mut gap, b"IDAT", &z[a.len()..]);
    chunk(&mut gap, b"IEND", &[]);
    v.hash_case("png/idat-not-consecutive.png", "a tEXt chunk between two IDATs", gap, None);
    let mut after = z.clone();
    after.extend_from_slice(b"garbage after the zlib stream");
    v.hash_case(
        "png/zlib-trailing-garbage.png",
        "bytes after the end of the zlib stream, inside IDAT, are ignored",
        replace_idat(&stored, &after),
        ok,
    );
    v.hash_case(
        "png/trns-with-alpha.png",
        "a tRNS chunk in an RGBA image is ignored",
        insert_chunk(&good, idat, b"tRNS", &[0, 1, 0, 2, 0, 3]),
        ok,
    );
    let grey = image(7, 5, ColorType::Grayscale, 8, 80, 0);
    let grey_png = encode(&grey, Filter::Adaptive);
    let grey_idat = find_chunk(&grey_png, b"IDAT");
    let key = grey.samples[0] as u8;
    v.hash_case(
        "png/grey-trns-wrong-length.png",
        "a grey tRNS of 4 bytes: its first 2 count",
        insert_chunk(&grey_png, grey_idat, b"tRNS", &[0, key, 0, key.wrapping_add(1)]),
        Some(Img { trns: Some(vec![0, key]), ..grey.clone() }.reference_hash()),
    );
    v.hash_case(
        "png/grey-trns-short.png",
        "a grey tRNS of 1 byte is ignored",
        insert_chunk(&grey_png, grey_idat, b"tRNS", &[key]),
        Some(grey.reference_hash()),
    );
    v.hash_case(
        "png/grey-with-plte.png",
        "a PLTE chunk in a greyscale image plays no part",
        insert_chunk(&grey_png, grey_idat, b"PLTE", &[1, 2, 3]),
        Some(grey.reference_hash()),
    );
    let mut zero = img.clone();
    zero.w = 0;
    v.hash_case("png/ihdr-zero-width.png", "width 0", assemble(&zero, false, &[]), None);
    let mut method = stored.clone();
    method[8 + 8 + 12] = 2;
    let crc = crc32fast::hash(&method[12..29]);
    method[29..33].copy_from_slice(&crc.to_be_bytes());
    v.hash_case("png/ihdr-interlace-2.png", "interlace method 2", method, None);
    let rgb_long = image(7, 5, ColorType::Rgb, 8, 81, 0);
    let mut rgb_long_png = encode(&rgb_long, Filter::Adaptive);
    let at = find_chunk(&rgb_long_png, b"IDAT");
    rgb_long_png = insert_chunk(&rgb_long_png, at, b"PLTE", &[9; 30]);
    v.hash_case(
        "png/rgb-with-plte.png",
        "a suggested palette in an RGB image plays no part",
        rgb_long_png,
        Some(rgb_long.reference_hash()),
    );

    // Indexed: PLTE missing, an index past the palette, tRNS longer than the palette.
    let pal = image(7, 5, ColorType::Indexed, 8, 70, 4);
    let pal_png = encode(&pal, Filter::NoFilter);
    v.hash_case("png/indexed-no-plte.png", "PLTE missing", remove_chunk(&pal_png, b"PLTE"), None);
    let mut oob = pal.clone();
    oob.samples[5] = 9;
    // The reference: the same indices with the palette padded to index 9 by black entries,
    // so index 9 reads as opaque black.
    let mut padded = oob.clone();
    padded.palette.as_mut().unwrap().resize(10 * 3, 0);
    v.hash_case(
        "png/indexed-index-past-palette.png",
        "an index past the palette's end is opaque black",
        assemble(&oob, false, &raw_plain(&oob)),
        Some(padded.reference_hash()),
    );
    let long = Img { trns: Some(vec![1, 2, 3, 4, 5, 6]), ..pal.clone() };
    v.hash_case(
        "png/indexed-trns-longer-than-palette.png",
        "tRNS with more entries than PLTE is ignored whole",
        assemble(&long, false, &raw_plain(&long)),
        Some(pal.reference_hash()),
    );
    let rgb_t = image(7, 5, ColorType::Rgb, 8, 43, 0).with_trns(vec![0, 9, 0, 8, 0, 7]);
    let t_png = encode(&rgb_t, Filter::Adaptive);
    let t_at = find_chunk(&t_png, b"tRNS");
    let mut bad_t = t_png.clone();
    bad_t[t_at + 9] ^= 0x01;
    let no_t = Img { trns: None, ..rgb_t.clone() };
    v.hash_case(
        "png/broken-crc-trns.png",
        "tRNS with a bad CRC counts as absent",
        bad_t,
        Some(no_t.reference_hash()),
    );
    v.hash_case(
        "png/trns-duplicate.png",
        "a second tRNS is ignored: the first one counts",
        insert_chunk(&t_png, t_at + 12 + chunk_len(&t_png, t_at), b"tRNS", &[0, 1, 0, 2, 0, 3]),
        Some(rgb_t.reference_hash()),
    );
    let no_t_png = encode(&no_t, Filter::Adaptive);
    let t_iend = find_chunk(&no_t_png, b"IEND");
    v.hash_case(
        "png/trns-after-idat.png",
        "a tRNS after the image data is ignored",
        insert_chunk(&no_t_png, t_iend, b"tRNS", &[0, 9, 0, 8, 0, 7]),
        Some(no_t.reference_hash()),
    );
    let no_t_adam7 = encode_adam7(&no_t);
    let t_iend = find_chunk(&no_t_adam7, b"IEND");
    v.hash_case(
        "png/trns-after-idat-adam7.png",
        "a tRNS after the image data is ignored, interlaced",
        insert_chunk(&no_t_adam7, t_iend, b"tRNS", &[0, 9, 0, 8, 0, 7]),
        Some(no_t.reference_hash()),
    );

    // Animated; huge dimensions.
    let mut apng = Vec::new();
    {
        let data = {
            let mut d = Vec::new();
            for y in 0..img.h {
                d.extend(img.pack(y, 0..img.w));
            }
            d
        };
        let mut enc = png::Encoder::new(&mut apng, img.w, img.h);
        enc.set_color(ColorType::Rgba);
        enc.set_depth(BitDepth::Eight);
        enc.set_animated(2, 0).unwrap();
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&data).unwrap();
        w.write_image_data(&data).unwrap();
        w.finish().unwrap();
    }
    v.hash_case("png/animated.png", "an APNG (acTL): refused", apng, None);
    // The size limit (MAX_DIMENSION a side, MAX_DECODED_BYTES of canonical RGBA), judged
    // on IHDR before anything else: each file declares its size and holds 64 bytes of image
    // data, so one within the limit fails to decode (too few scanlines) and one over it is
    // refused as too large, whatever follows.
    let declared = |w: u32, h: u32, color: ColorType, depth: u8, interlaced: bool| {
        let big = Img { w, h, color, depth, samples: vec![], palette: None, trns: None };
        let mut out = PNG_SIGNATURE.to_vec();
        chunk(&mut out, b"IHDR", &big.ihdr(interlaced));
        out
    };
    let finish = |mut out: Vec<u8>| {
        chunk(&mut out, b"IDAT", &zlib_stored(&[0; 64]));
        chunk(&mut out, b"IEND", &[]);
        out
    };
    for (name, note, w, h, color, depth, interlaced) in [
        (
            "huge",
            "100000 x 100000 RGBA8: over every limit",
            100_000,
            100_000,
            ColorType::Rgba,
            8,
            false,
        ),
        (
            "huge-adam7",
            "100000 x 100000 RGBA8, interlaced",
            100_000,
            100_000,
            ColorType::Rgba,
            8,
            true,
        ),
        (
            "limit-width-over",
            "65536 x 1 grey8: one pixel wider than the limit",
            65_536,
            1,
            ColorType::Grayscale,
            8,
            false,
        ),
        (
            "limit-width-at",
            "65535 x 1 RGBA16: the widest allowed, too little data",
            65_535,
            1,
            ColorType::Rgba,
            16,
            false,
        ),
        (
            "limit-height-over",
            "1 x 65536 grey8: one pixel taller than the limit",
            1,
            65_536,
            ColorType::Grayscale,
            8,
            false,
        ),
        (
            "limit-height-at",
            "1 x 65535 grey8: the tallest allowed, too little data",
            1,
            65_535,
            ColorType::Grayscale,
            8,
            false,
        ),
        (
            "limit-bytes-at",
            "8192 x 8192 RGBA8: exactly 256 MiB canonical, too little data",
            8192,
            8192,
            ColorType::Rgba,
            8,
            false,
        ),
        (
            "limit-bytes-over",
            "8192 x 8193 RGBA8: 32 KiB over 256 MiB canonical",
            8192,
            8193,
            ColorType::Rgba,
            8,
            false,
        ),
        (
            "limit-bytes-over-adam7",
            "8192 x 8193 RGBA8, interlaced",
            8192,
            8193,
            ColorType::Rgba,
            8,
            true,
        ),
        (
            "limit-bytes16-over",
            "8192 x 4097 RGBA16: 16-bit samples count 8 bytes a pixel",
            8192,
            4097,
            ColorType::Rgba,
            16,
            false,
        ),
        (
            "limit-bytes-grey1-over",
            "16384 x 16384 grey1: 32 MiB stored, 1 GiB canonical",
            16_384,
            16_384,
            ColorType::Grayscale,
            1,
            false,
        ),
    ] {
        v.hash_case(
            &format!("png/{name}.png"),
            note,
            finish(declared(w, h, color, depth, interlaced)),
            None,
        );
    }
    let mut bad_crc = declared(100_000, 100_000, ColorType::Rgba, 8, false);
    bad_crc[29] ^= 0x01;
    v.hash_case(
        "png/limit-over-bad-ihdr-crc.png",
        "100000 x 100000 with a bad IHDR CRC: a broken header is a decode error first",
        finish(bad_crc),
        None,
    );
    let mut bad_depth = declared(100_000, 100_000, ColorType::Rgba, 4, false);
    bad_depth = finish(bad_depth);
    v.hash_case(
        "png/limit-over-bad-ihdr-depth.png",
        "100000 x 100000 RGBA at 4 bits: an invalid header is a decode error first",
        bad_depth,
        None,
    );
    let mut apng_huge = declared(100_000, 100_000, ColorType::Rgba, 8, false);
    chunk(&mut apng_huge, b"acTL", &[0, 0, 0, 2, 0, 0, 0, 0]);
    v.hash_case(
        "png/limit-over-animated.png",
        "100000 x 100000 with acTL: the size is judged first",
        finish(apng_huge),
        None,
    );

    // Not PNGs: hashed as bytes.
    v.hash_case("bytes/hello.txt", "text", b"hello, lineage\n".to_vec(), None);
    v.hash_case("bytes/empty.bin", "an empty file", vec![], None);
    v.hash_case(
        "bytes/almost-png.bin",
        "7 of the 8 signature bytes",
        PNG_SIGNATURE[..7].to_vec(),
        None,
    );
    v.hash_case(
        "bytes/jpeg-header.jpg",
        "a JPEG's first bytes and no more: a malformed JPEG, never hashed as bytes",
        vec![0xff, 0xd8, 0xff, 0xe0, 0, 0x10, b'J', b'F', b'I', b'F', 0],
        None,
    );
    v.hash_case("bytes/riff-wave.wav", "a RIFF file of another form", riff(b"WAVE", &[]), None);
}

// ---------------------------------------------------------------------------------------
// JPEG and WebP: jpeg-v1, webp-v1 and their embedded receipts
// ---------------------------------------------------------------------------------------

/// A baseline JPEG of 8x8 pseudo-random pixels (jpeg-encoder, quality 85), with `apps`
/// after its JFIF APP0.
fn jpeg(seed: u64, apps: &[(u8, &[u8])]) -> Vec<u8> {
    let img = image(8, 8, ColorType::Rgb, 8, seed, 0);
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 85);
    for (n, payload) in apps {
        enc.add_app_segment(*n, payload.to_vec()).unwrap();
    }
    enc.encode(&img.samples_u8(), 8, 8, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

/// A JPEG marker segment.
fn segment(code: u8, payload: &[u8]) -> Vec<u8> {
    [&[0xFF, code][..], &((payload.len() + 2) as u16).to_be_bytes(), payload].concat()
}

/// `jpeg` with `bytes` inserted at `at`.
fn insert(file: &[u8], at: usize, bytes: &[u8]) -> Vec<u8> {
    [&file[..at], bytes, &file[at..]].concat()
}

/// A RIFF file of `form` holding `chunks` (each padded to even length).
fn riff(form: &[u8; 4], chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
    let mut body = form.to_vec();
    for (id, data) in chunks {
        body.extend_from_slice(*id);
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(data);
        if data.len() % 2 == 1 {
            body.push(0);
        }
    }
    [&b"RIFF"[..], &(body.len() as u32).to_le_bytes(), &body].concat()
}

/// A lossless WebP of 8x8 pseudo-random pixels (image-webp's encoder: one VP8L chunk).
fn webp(seed: u64, alpha: bool, exif: Option<&[u8]>) -> Vec<u8> {
    let (color, webp_color) = if alpha {
        (ColorType::Rgba, image_webp::ColorType::Rgba8)
    } else {
        (ColorType::Rgb, image_webp::ColorType::Rgb8)
    };
    let img = image(8, 8, color, 8, seed, 0);
    let mut out = Vec::new();
    let mut enc = image_webp::WebPEncoder::new(&mut out);
    if let Some(exif) = exif {
        enc.set_exif_metadata(exif.to_vec());
    }
    enc.encode(&img.samples_u8(), 8, 8, webp_color).unwrap();
    out
}

/// The top-level chunks of a RIFF file.
fn riff_chunks(file: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = 12;
    while at + 8 <= file.len() {
        let n = u32::from_le_bytes(file[at + 4..at + 8].try_into().unwrap()) as usize;
        out.push((file[at..at + 4].try_into().unwrap(), file[at + 8..at + 8 + n].to_vec()));
        at += 8 + n + n % 2;
    }
    out
}

/// A C2PA manifest store's first box header in APP11 (`JP`, instance, sequence, `jumb`).
const C2PA_APP11: &[u8] = b"JP\x02\x11\0\0\0\x01\0\0\0\x20jumbc2pa manifest bytes";

fn containers(v: &mut Vectors) {
    // JPEG: the convention pinned by hand on one file, then its variants.
    let plain = jpeg(1, &[]);
    let mut sha = Sha256::new();
    sha.update(b"lineage.output.jpeg.v1\0");
    sha.update(&plain);
    let jpeg_ref = B256::from(<[u8; 32]>::from(sha.finalize()));
    v.hash_case("jpeg/plain.jpg", "a baseline JPEG (jpeg-encoder)", plain.clone(), Some(jpeg_ref));
    v.hash_as_case(
        "jpeg/plain.jpg",
        "the same JPEG under a bytes-v1 receipt",
        &plain,
        HashKind::Bytes,
    );
    let app0_end = 20; // SOI and the 16-byte JFIF APP0
    let ours = segment(0xE9, b"lineage-receipt\0{}");
    v.hash_case(
        "jpeg/receipt-segment.jpg",
        "a receipt APP9 right after APP0: cut out of the hash",
        insert(&plain, app0_end, &ours),
        Some(jpeg_ref),
    );
    v.hash_case(
        "jpeg/receipt-segment-first.jpg",
        "a receipt APP9 right after SOI: cut out wherever it is in the header",
        insert(&plain, 2, &ours),
        Some(jpeg_ref),
    );
    v.hash_case(
        "jpeg/c2pa-app11.jpg",
        "a C2PA APP11 JUMBF box: cut out of the hash",
        insert(&plain, app0_end, &segment(0xEB, C2PA_APP11)),
        Some(jpeg_ref),
    );
    let other = [
        (
            "jpeg/app9-other.jpg",
            "an APP9 of another identifier: hashed",
            segment(0xE9, b"lineage-receipX{}"),
        ),
        (
            "jpeg/app11-other.jpg",
            "an APP11 that is no JUMBF box: hashed",
            segment(0xEB, b"JP\x02\x11short"),
        ),
        ("jpeg/fill-bytes.jpg", "two fill bytes before DQT: hashed", vec![0xFF, 0xFF]),
    ];
    for (path, note, bytes) in other {
        v.hash_case(path, note, insert(&plain, app0_end, &bytes), None);
    }
    v.hash_case(
        "jpeg/trailer.jpg",
        "bytes after EOI: hashed",
        [&plain[..], b"trailer"].concat(),
        None,
    );
    let exif = jpeg(2, &[(1, b"Exif\0\0II*\0"), (2, b"ICC_PROFILE\0\x01\x01icc")]);
    v.hash_case("jpeg/exif-icc.jpg", "Exif APP1 and ICC APP2", exif.clone(), None);
    let broken: [(&str, &str, Vec<u8>); 8] = [
        ("jpeg/truncated-header.jpg", "the file ends inside DQT", plain[..30].to_vec()),
        ("jpeg/no-sos.jpg", "the header and no scan", plain[..sos(&plain)].to_vec()),
        (
            "jpeg/length-past-end.jpg",
            "an APP9 length past the end of the file",
            [&plain[..app0_end], &[0xFF, 0xE9, 0xFF, 0xF0][..]].concat(),
        ),
        (
            "jpeg/length-1.jpg",
            "a segment length of 1",
            insert(&plain, app0_end, &[0xFF, 0xE3, 0, 1]),
        ),
        ("jpeg/rst-before-sos.jpg", "RST0 in the header", insert(&plain, app0_end, &[0xFF, 0xD0])),
        ("jpeg/eoi-before-sos.jpg", "EOI in the header", insert(&plain, app0_end, &[0xFF, 0xD9])),
        (
            "jpeg/garbage-between.jpg",
            "a byte that is not FF where a marker is due",
            insert(&plain, app0_end, &[0x00]),
        ),
        ("jpeg/no-sof.jpg", "a scan before any frame header", without_segment(&plain, 0xC0)),
    ];
    for (path, note, bytes) in broken {
        v.hash_case(path, note, bytes, None);
    }

    // WebP: simple lossless, with alpha, extended with EXIF, and the hand-pinned convention.
    let simple = webp(3, false, None);
    let chunks = riff_chunks(&simple);
    assert_eq!(chunks.len(), 1, "image-webp writes a simple file");
    let mut sha = Sha256::new();
    sha.update(b"lineage.output.webp.v1\0");
    sha.update([0u8]); // no alpha: the flags a VP8X would have
    for (id, data) in &chunks {
        sha.update(id);
        sha.update((data.len() as u32).to_le_bytes());
        sha.update(data);
    }
    let webp_ref = B256::from(<[u8; 32]>::from(sha.finalize()));
    v.hash_case(
        "webp/lossless.webp",
        "a simple lossless WebP (image-webp)",
        simple.clone(),
        Some(webp_ref),
    );
    v.hash_as_case(
        "webp/lossless.webp",
        "the same WebP under a bytes-v1 receipt",
        &simple,
        HashKind::Bytes,
    );
    let vp8l = &chunks[0].1;
    let vp8x = |flags: u8| [&[flags, 0, 0, 0][..], &[7, 0, 0, 7, 0, 0]].concat();
    let receipt_chunk: &[u8] = b"lineage-receipt\0{}";
    v.hash_case(
        "webp/extended-receipt.webp",
        "the same image as extended, with a receipt chunk: the same hash",
        riff(b"WEBP", &[(b"VP8X", &vp8x(0)), (b"VP8L", vp8l), (b"LNRC", receipt_chunk)]),
        Some(webp_ref),
    );
    v.hash_case(
        "webp/c2pa.webp",
        "a C2PA chunk and reserved VP8X bits: not hashed",
        riff(b"WEBP", &[(b"VP8X", &vp8x(0xC1)), (b"VP8L", vp8l), (b"C2PA", b"manifest")]),
        Some(webp_ref),
    );
    v.hash_case(
        "webp/trailing.webp",
        "bytes after the RIFF: not hashed",
        [&simple[..], b"trailing"].concat(),
        Some(webp_ref),
    );
    let hashed = [
        (
            "webp/icc-flag.webp",
            "the ICC flag set: hashed",
            riff(b"WEBP", &[(b"VP8X", &vp8x(0x20)), (b"VP8L", vp8l), (b"ICCP", b"icc")]),
        ),
        (
            "webp/lnrc-other.webp",
            "an LNRC chunk without the receipt identifier: hashed",
            riff(b"WEBP", &[(b"VP8X", &vp8x(0)), (b"VP8L", vp8l), (b"LNRC", b"other")]),
        ),
        (
            "webp/nested-list.webp",
            "a LIST chunk: an opaque payload, hashed",
            riff(
                b"WEBP",
                &[(b"VP8X", &vp8x(0)), (b"VP8L", vp8l), (b"LIST", b"RIFF\xff\xff\xff\xffLIST")],
            ),
        ),
    ];
    for (path, note, bytes) in hashed {
        v.hash_case(path, note, bytes, None);
    }
    v.hash_case("webp/alpha.webp", "a lossless WebP with alpha", webp(4, true, None), None);
    v.hash_case(
        "webp/exif.webp",
        "extended with EXIF (image-webp)",
        webp(5, false, Some(b"II*\0exif")),
        None,
    );
    // A lossy VP8 key frame header of 16x8 (the hash decodes nothing past it).
    let vp8 = [0x50, 0x02, 0x00, 0x9D, 0x01, 0x2A, 16, 0, 8, 0, 0, 0];
    v.hash_case(
        "webp/vp8-header.webp",
        "a simple lossy WebP's VP8 frame header",
        riff(b"WEBP", &[(b"VP8 ", &vp8)]),
        None,
    );
    let mut odd = simple.clone();
    odd[4] |= 1;
    let mut past = simple.clone();
    past[4..8].copy_from_slice(&(simple.len() as u32).to_le_bytes());
    let mut huge = simple.clone();
    huge[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
    let unpadded = {
        let f = riff(b"WEBP", &[(b"VP8X", &vp8x(0)), (b"VP8L", vp8l), (b"EXIF", b"odd")]);
        let mut f = f[..f.len() - 1].to_vec();
        let n = (f.len() - 8) as u32;
        f[4..8].copy_from_slice(&n.to_le_bytes());
        f
    };
    let broken: Vec<(&str, &str, Vec<u8>)> = vec![
        ("webp/riff-size-odd.webp", "an odd RIFF size", odd),
        ("webp/riff-size-past-end.webp", "a RIFF size past the end of the file", past),
        ("webp/chunk-size-huge.webp", "a chunk size of 2^32 - 1", huge),
        ("webp/missing-pad.webp", "an odd chunk without its pad byte", unpadded),
        (
            "webp/vp8x-not-first.webp",
            "VP8X after the image",
            riff(b"WEBP", &[(b"VP8L", vp8l), (b"VP8X", &vp8x(0))]),
        ),
        (
            "webp/vp8x-short.webp",
            "a VP8X of 6 bytes",
            riff(b"WEBP", &[(b"VP8X", &vp8x(0)[..6]), (b"VP8L", vp8l)]),
        ),
        (
            "webp/canvas-mismatch.webp",
            "a VP8X canvas that is not the image's",
            riff(b"WEBP", &[(b"VP8X", &[0, 0, 0, 0, 8, 0, 0, 7, 0, 0]), (b"VP8L", vp8l)]),
        ),
        (
            "webp/two-images.webp",
            "two image chunks",
            riff(b"WEBP", &[(b"VP8X", &vp8x(0)), (b"VP8L", vp8l), (b"VP8L", vp8l)]),
        ),
        ("webp/no-image.webp", "no image chunk", riff(b"WEBP", &[(b"VP8X", &vp8x(0))])),
        (
            "webp/simple-extra-chunk.webp",
            "a simple file (no VP8X) with a chunk beside its image",
            riff(b"WEBP", &[(b"VP8L", vp8l), (b"EXIF", b"ex")]),
        ),
        (
            "webp/vp8l-bad-signature.webp",
            "a VP8L chunk without its 0x2F signature",
            riff(b"WEBP", &[(b"VP8L", &[0x2E, 7, 0xC0, 1, 0])]),
        ),
        (
            "webp/animated.webp",
            "an animated WebP (ANIM): refused",
            riff(b"WEBP", &[(b"VP8X", &vp8x(0x02)), (b"ANIM", &[0; 6]), (b"VP8L", vp8l)]),
        ),
    ];
    for (path, note, bytes) in broken {
        v.hash_case(path, note, bytes, None);
    }

    // Receipts embedded in JPEG and WebP.
    let (_, base) = base_receipt();
    let for_file = |file: &[u8]| Receipt {
        content_hash: content_hash(file).unwrap().hash,
        hash_kind: content_hash(file).unwrap().kind,
        ..base.clone()
    };
    for (path, note, file) in [
        ("receipt/embedded.jpg", "a receipt in a JPEG (APP9, after Exif)", exif.clone()),
        ("receipt/embedded.webp", "a receipt in a simple WebP (made extended)", simple.clone()),
        (
            "receipt/embedded-alpha.webp",
            "a receipt in a lossless WebP with alpha",
            webp(4, true, None),
        ),
        (
            "receipt/embedded-exif.webp",
            "a receipt in an extended WebP",
            webp(5, false, Some(b"II*\0exif")),
        ),
    ] {
        receipt_case(v, path, note, embed_receipt(&file, &for_file(&file)).unwrap());
    }
    receipt_case(v, "receipt/none.jpg", "a JPEG without a receipt", plain.clone());
    receipt_case(v, "receipt/none.webp", "a WebP without a receipt", simple.clone());
    let two = insert(&insert(&plain, app0_end, &ours), app0_end, &ours);
    receipt_case(v, "receipt/two.jpg", "two receipt segments", two);
    receipt_case(
        v,
        "receipt/latin1.jpg",
        "a receipt segment whose text is not UTF-8",
        insert(&plain, app0_end, &segment(0xE9, b"lineage-receipt\0\xff")),
    );
    receipt_case(
        v,
        "receipt/bad-json.webp",
        "a receipt chunk whose text is not a receipt",
        riff(
            b"WEBP",
            &[
                (b"VP8X", &vp8x(0)),
                (b"VP8L", vp8l),
                (b"LNRC", b"lineage-receipt\0{\"version\": 1}"),
            ],
        ),
    );
    receipt_case(
        v,
        "receipt/two.webp",
        "two receipt chunks",
        riff(
            b"WEBP",
            &[
                (b"VP8X", &vp8x(0)),
                (b"VP8L", vp8l),
                (b"LNRC", receipt_chunk),
                (b"LNRC", receipt_chunk),
            ],
        ),
    );
    receipt_case(
        v,
        "receipt/malformed.webp",
        "a receipt in a malformed WebP",
        riff(b"WEBP", &[(b"VP8X", &vp8x(0)), (b"LNRC", receipt_chunk)]),
    );
}

/// Where the first SOS marker is.
fn sos(jpeg: &[u8]) -> usize {
    jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap()
}

/// `jpeg` without its first segment of marker `code` (in the header).
fn without_segment(jpeg: &[u8], code: u8) -> Vec<u8> {
    let at = jpeg.windows(2).position(|w| w == [0xFF, code]).unwrap();
    let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
    [&jpeg[..at], &jpeg[at + 2 + len..]].concat()
}

fn anchor() -> Anchor {
    Anchor {
        chain_id: 31337,
        registry: address!("5FbDB2315678afecb367f032d93F642f64180aa3"),
        model_id: b256!("1111111111111111111111111111111111111111111111111111111111111111"),
        batch_index: 2,
        tx_hash: b256!("2222222222222222222222222222222222222222222222222222222222222222"),
        block_number: 42,
    }
}

/// The base image's receipt, in a batch of five with byte outputs around it.
fn base_receipt() -> (Vec<u8>, Receipt) {
    let (_, png) = base();
    let mut hashes: Vec<OutputHash> = (0..4u8).map(|i| content_hash(&[i]).unwrap()).collect();
    hashes.insert(2, content_hash(&png).unwrap());
    (png, Batch::new(hashes).unwrap().receipt(2, &anchor()).unwrap())
}

fn receipt_case(v: &mut Vectors, path: &str, note: &str, bytes: Vec<u8>) {
    let entry = match read_receipt(&bytes) {
        Ok(r) => json!({"file": path, "note": note, "receipt": r}),
        Err(e) => json!({"file": path, "note": note, "error": error_kind(&e)}),
    };
    v.receipts.push(entry);
    v.hash_case(path, note, bytes, None);
}

/// A version-2 receipt: output 1 of a batch of three, each with a fingerprint.
fn v2_receipt() -> Receipt {
    let outputs: Vec<Output> = (0..3u8)
        .map(|i| Output {
            hash: content_hash(&[i]).unwrap(),
            perceptual_hash: Some(alloy_primitives::keccak256([b'p', i])),
        })
        .collect();
    Batch::new(outputs).unwrap().receipt(1, &anchor()).unwrap()
}

/// `png` with an iTXt chunk of `data` right before IEND.
fn itxt_before_iend(png: &[u8], data: &[u8]) -> Vec<u8> {
    insert_chunk(png, png.len() - 12, b"iTXt", data)
}

fn receipt_data(flags: [u8; 5], text: &[u8]) -> Vec<u8> {
    [b"lineage-receipt".as_slice(), &flags, text].concat()
}

fn receipts(v: &mut Vectors) {
    let (png, receipt) = base_receipt();
    let with = embed_receipt(&png, &receipt).unwrap();
    let json = receipt.to_json().unwrap();
    receipt_case(v, "receipt/none.png", "no receipt chunk", png.clone());
    receipt_case(
        v,
        "receipt/embedded.png",
        "the receipt as lineage anchor embeds it",
        with.clone(),
    );
    let mut bad = with.clone();
    let at = with.windows(11).position(|w| w == b"\"leafIndex\"").unwrap() + 2;
    bad[at] ^= 0x20;
    receipt_case(v, "receipt/damaged-crc.png", "a damaged receipt chunk (bad CRC)", bad);
    receipt_case(
        v,
        "receipt/duplicate.png",
        "two receipt chunks",
        itxt_before_iend(&with, &receipt_data([0; 5], json.as_bytes())),
    );
    receipt_case(
        v,
        "receipt/compressed.png",
        "compression flag 1",
        itxt_before_iend(&png, &receipt_data([0, 1, 0, 0, 0], b"x")),
    );
    receipt_case(
        v,
        "receipt/not-utf8.png",
        "text that is not UTF-8",
        itxt_before_iend(&png, &receipt_data([0; 5], &[0xff, 0xfe, b'{'])),
    );
    receipt_case(
        v,
        "receipt/no-terminators.png",
        "no language tag or translated keyword terminators",
        itxt_before_iend(&png, &[b"lineage-receipt".as_slice(), &[0, 0, 0]].concat()),
    );
    receipt_case(
        v,
        "receipt/bad-json.png",
        "text that is not JSON",
        itxt_before_iend(&png, &receipt_data([0; 5], b"{\"version\": 1,")),
    );
    let mut v3: Value = serde_json::from_str(&json).unwrap();
    v3["version"] = 3.into();
    receipt_case(
        v,
        "receipt/version-3.png",
        "a receipt of a later version",
        itxt_before_iend(&png, &receipt_data([0; 5], v3.to_string().as_bytes())),
    );
    let mut extra: Value = serde_json::from_str(&json).unwrap();
    extra["futureField"] = "ignored".into();
    receipt_case(
        v,
        "receipt/unknown-field.png",
        "an unknown field is ignored",
        itxt_before_iend(&png, &receipt_data([0; 5], extra.to_string().as_bytes())),
    );
    let mut short: Value = serde_json::from_str(&json).unwrap();
    short["contentHash"] = "0x12".into();
    receipt_case(
        v,
        "receipt/short-hash.png",
        "a content hash of one byte",
        itxt_before_iend(&png, &receipt_data([0; 5], short.to_string().as_bytes())),
    );
    receipt_case(
        v,
        "receipt/other-keyword.png",
        "an iTXt chunk with another keyword is not a receipt",
        itxt_before_iend(&png, &[b"comment".as_slice(), &[0; 5], b"hi"].concat()),
    );
    receipt_case(
        v,
        "receipt/truncated.png",
        "the file ends inside a chunk",
        with[..with.len() - 6].to_vec(),
    );
    receipt_case(
        v,
        "receipt/trailing-bytes.png",
        "bytes after IEND",
        [with.as_slice(), b"tail"].concat(),
    );
    receipt_case(v, "receipt/not-png.bin", "not a PNG at all", b"not a png".to_vec());
    // The sidecar form.
    v.receipts.push(json!({
        "sidecar": "receipt/embedded.png.lineage.json", "receipt": receipt,
        "note": "the sidecar of receipt/embedded.png"
    }));
    v.file("receipt/embedded.png.lineage.json", receipt.to_json_pretty().unwrap().into_bytes());

    // Version 2: a fingerprint, and the leaf that commits to it.
    let v2 = v2_receipt();
    v.receipts.push(json!({
        "sidecar": "receipt/v2.lineage.json", "receipt": v2,
        "note": "version 2: perceptualHash, leaf keccak256(domain || contentHash || perceptualHash)",
        "leaf": v2.leaf(),
    }));
    v.file("receipt/v2.lineage.json", v2.to_json_pretty().unwrap().into_bytes());
    let mut no_fp: Value = serde_json::to_value(&v2).unwrap();
    no_fp.as_object_mut().unwrap().remove("perceptualHash");
    let mut v1_fp: Value = serde_json::to_value(&v2).unwrap();
    v1_fp["version"] = json!(1);
    for (name, note, value) in [
        ("v2-no-fingerprint", "version 2 without a perceptualHash", no_fp),
        ("v1-fingerprint", "version 1 with a perceptualHash", v1_fp),
    ] {
        let path = format!("receipt/json-{name}.json");
        let e = Receipt::from_json(value.to_string().as_bytes()).unwrap_err();
        v.receipts.push(json!({"sidecar": path, "note": note, "error": error_kind(&e)}));
        v.file(&path, value.to_string().into_bytes());
    }

    // JSON that a JavaScript `JSON.parse` reads differently from serde: numbers written as
    // floats, duplicate keys, the struct written as an array (serde reads a struct from a
    // sequence in field order, but the version probe of `Receipt::from_json` takes a
    // one-element sequence only).
    let compact = receipt.to_json().unwrap();
    let edit = |from: &str, to: &str| {
        assert!(compact.contains(from), "{from}");
        compact.replacen(from, to, 1)
    };
    let fields: Vec<Value> = match serde_json::to_value(&receipt).unwrap() {
        Value::Object(m) => [
            "version",
            "chainId",
            "registry",
            "modelId",
            "batchIndex",
            "batchRoot",
            "batchCount",
            "leafIndex",
            "contentHash",
            "hashKind",
            "proof",
            "anchorTx",
            "anchorBlock",
        ]
        .iter()
        .map(|k| m[*k].clone())
        .collect(),
        _ => unreachable!(),
    };
    for (name, note, text) in [
        (
            "version-float-2",
            "\"version\":2.0, a float: a parse error, not a version error",
            edit("\"version\":1", "\"version\":2.0"),
        ),
        (
            "version-float-1",
            "\"version\":1.0, a float: not the integer 1",
            edit("\"version\":1", "\"version\":1.0"),
        ),
        (
            "version-exponent",
            "\"version\":1e0, an exponent makes a float",
            edit("\"version\":1", "\"version\":1e0"),
        ),
        ("version-null", "\"version\":null", edit("\"version\":1", "\"version\":null")),
        (
            "version-huge",
            "a version past 2^64 - 1 fits no integer",
            edit("\"version\":1", "\"version\":18446744073709551616"),
        ),
        (
            "version-u64-max",
            "version 2^64 - 1: a version error",
            edit("\"version\":1", "\"version\":18446744073709551615"),
        ),
        (
            "chain-id-float",
            "\"chainId\":31337.0, a float",
            edit("\"chainId\":31337", "\"chainId\":31337.0"),
        ),
        (
            "batch-index-negative-zero",
            "\"batchIndex\":-0 reads as a float",
            edit("\"batchIndex\":2", "\"batchIndex\":-0"),
        ),
        (
            "duplicate-field",
            "chainId twice, the same value both times",
            edit("\"chainId\":31337", "\"chainId\":31337,\"chainId\":31337"),
        ),
        ("duplicate-version", "version 1, then version 2 at the end", edit("}", ",\"version\":2}")),
        (
            "duplicate-unknown",
            "an unknown field twice is ignored",
            edit("{", "{\"note\":1,\"note\":2,"),
        ),
        (
            "array",
            "the 13 fields as an array in field order",
            Value::Array(fields.clone()).to_string(),
        ),
        ("array-one", "[1]: the version alone", "[1]".to_owned()),
        ("array-version-3", "[3]: the version probe reads a later version", "[3]".to_owned()),
        ("array-version-3-more", "[3, ...]: more than the probe's one element", {
            let mut f = fields.clone();
            f[0] = json!(3);
            Value::Array(f).to_string()
        }),
    ] {
        let path = format!("receipt/json-{name}.json");
        let entry = match Receipt::from_json(text.as_bytes()) {
            Ok(r) => json!({"sidecar": path, "note": note, "receipt": r}),
            Err(e) => json!({"sidecar": path, "note": note, "error": error_kind(&e)}),
        };
        v.receipts.push(entry);
        v.file(&path, text.into_bytes());
    }
}

fn merkle(v: &mut Vectors) {
    let mut cases = Vec::new();
    let mut case = |note: &str, root: B256, leaf: B256, index: u64, count: u64, proof: &[B256]| {
        let valid = verify_proof(root, leaf, index, count, proof);
        cases.push(json!({
            "note": note, "root": root, "leaf": leaf, "index": index, "count": count,
            "proof": proof, "valid": valid,
        }));
        valid
    };
    let leaves = |n: u64| -> Vec<B256> {
        (0..n).map(|i| alloy_primitives::keccak256((i + 1).to_be_bytes())).collect()
    };
    for n in [1u64, 2, 3, 5, 8] {
        let tree = OutputTree::new(leaves(n)).unwrap();
        for i in 0..n {
            let proof = tree.proof(i).unwrap();
            assert!(case(
                "a leaf of the tree",
                tree.root(),
                tree.leaves()[i as usize],
                i,
                n,
                &proof
            ));
        }
    }
    let tree = OutputTree::new(leaves(5)).unwrap();
    let (root, l) = (tree.root(), tree.leaves().to_vec());
    let p = |i| tree.proof(i).unwrap();
    assert!(!case("another index", root, l[1], 0, 5, &p(1)));
    assert!(!case("index equal to the count", root, l[4], 5, 5, &p(4)));
    assert!(!case("proof one short", root, l[0], 0, 5, &p(0)[1..]));
    let mut long = p(0);
    long.push(B256::ZERO);
    assert!(!case("proof one long", root, l[0], 0, 5, &long));
    let mut flipped = p(3);
    flipped[1].0[31] ^= 1;
    assert!(!case("a flipped sibling", root, l[3], 3, 5, &flipped));
    let mut bad_root = root;
    bad_root.0[0] ^= 0x80;
    assert!(!case("a flipped root", bad_root, l[3], 3, 5, &p(3)));
    let mut pad = p(4);
    pad[0] = l[4];
    assert!(!case("the zero padding at position 5", root, B256::ZERO, 5, 5, &pad));
    assert!(!case("index with bits above the depth", root, l[1], 1 + 8, 5, &p(1)));
    assert!(!case("a count too small for the index", root, l[4], 4, 4, &p(4)[..2]));
    assert!(!case("count zero", l[0], l[0], 0, 0, &[]));
    let word = |i: u8| B256::with_last_byte(i);
    let leaves_v2: Vec<Value> = [(word(1), word(2)), (word(2), word(1)), (B256::ZERO, B256::ZERO)]
        .into_iter()
        .chain(
            (0..3u8).map(|i| (content_hash(&[i]).unwrap().hash, alloy_primitives::keccak256([i]))),
        )
        .map(|(c, p)| json!({"contentHash": c, "perceptualHash": p, "leaf": leaf_v2(&c, &p)}))
        .collect();
    v.json(
        "merkle.json",
        &json!({
            "about": "verifyProof(root, leaf, index, count, proof) -> valid; leafV2(contentHash, perceptualHash) -> leaf; see README.md",
            "cases": cases,
            "leafV2": leaves_v2,
        }),
    );
}

fn verdicts(v: &mut Vectors) {
    let batch = Batch::new((0..5u8).map(|i| content_hash(&[i]).unwrap()).collect()).unwrap();
    let receipt = batch.receipt(3, &anchor()).unwrap();
    let file = batch.outputs()[3].hash;
    let good = ChainFacts {
        batch: Some(OnChainBatch { root: batch.root(), count: 5 }),
        attestation: AttestationStatus::Valid,
        training: None,
        datasets: vec![
            DatasetFact { id: 1, status: DatasetStatus::Certified },
            DatasetFact { id: 2, status: DatasetStatus::Certified },
        ],
        bases: vec![],
        confirmations: Some(3),
    };
    let (near, far) = (B256::repeat_byte(0xb1), B256::repeat_byte(0xb2));
    let base = |model_id, status| BaseFact { model_id, status };
    let mut cases = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut with_policy =
        |name: &str, file: OutputHash, receipt: &Receipt, facts: ChainFacts, policy: Policy| {
            let verdict = judge(&file, None, receipt, &facts, &policy);
            seen.extend(verdict.codes.iter().map(|c| c.as_str()));
            cases.push(json!({
                "name": name, "file": file, "receipt": receipt, "facts": facts,
                "policy": policy, "verdict": verdict,
            }));
        };
    let strict = Policy { require_proven_training: true, ..Policy::default() };
    let proven = ChainFacts { training: Some(TrainingKind::Proven), ..good.clone() };
    let declared = ChainFacts { training: Some(TrainingKind::Declared), ..good.clone() };
    with_policy("training proven", file, &receipt, proven.clone(), Policy::default());
    with_policy("training proven, proven required", file, &receipt, proven, strict);
    with_policy("training declared", file, &receipt, declared.clone(), Policy::default());
    with_policy("training declared, proven required", file, &receipt, declared, strict);
    let mut case =
        |name: &str, file: OutputHash, receipt: &Receipt, facts: ChainFacts, min: u64| {
            with_policy(
                name,
                file,
                receipt,
                facts,
                Policy { min_confirmations: min, ..Policy::default() },
            )
        };
    case("all valid", file, &receipt, good.clone(), 1);
    case("tampered file", content_hash(b"tampered").unwrap(), &receipt, good.clone(), 1);
    let other_kind = OutputHash { kind: lineage_core::output::HashKind::PngPixels, ..file };
    case("same digest, other kind", other_kind, &receipt, good.clone(), 1);
    case("no such batch", file, &receipt, ChainFacts { batch: None, ..good.clone() }, 1);
    let forged = OnChainBatch { root: B256::repeat_byte(7), count: 5 };
    case(
        "another anchored root",
        file,
        &receipt,
        ChainFacts { batch: Some(forged), ..good.clone() },
        1,
    );
    let fewer = OnChainBatch { root: batch.root(), count: 3 };
    case(
        "anchored count too small",
        file,
        &receipt,
        ChainFacts { batch: Some(fewer), ..good.clone() },
        1,
    );
    let mut flipped = receipt.clone();
    flipped.proof[1].0[0] ^= 1;
    case("a flipped proof element", file, &flipped, good.clone(), 1);
    case("too few confirmations", file, &receipt, good.clone(), 12);
    case(
        "confirmations unknown",
        file,
        &receipt,
        ChainFacts { confirmations: None, ..good.clone() },
        12,
    );
    for (name, status) in
        [("model revoked", AttestationStatus::Revoked), ("model unknown", AttestationStatus::None)]
    {
        let facts = ChainFacts { attestation: status, datasets: vec![], ..good.clone() };
        case(name, file, &receipt, facts, 1);
    }
    let mut tainted = good.clone();
    tainted.attestation = AttestationStatus::Tainted;
    tainted.datasets[1].status = DatasetStatus::Revoked;
    case("a dataset revoked", file, &receipt, tainted, 1);
    let mut registered = good.clone();
    registered.datasets[0].status = DatasetStatus::Registered;
    registered.datasets.push(DatasetFact { id: 9, status: DatasetStatus::None });
    case("datasets registered and unknown", file, &receipt, registered, 1);
    let bases = ChainFacts {
        bases: vec![base(near, AttestationStatus::Valid), base(far, AttestationStatus::Valid)],
        ..good.clone()
    };
    case("fine-tuned from valid bases", file, &receipt, bases, 1);
    let bases = ChainFacts {
        attestation: AttestationStatus::Tainted,
        bases: vec![base(near, AttestationStatus::Tainted), base(far, AttestationStatus::Tainted)],
        ..good.clone()
    };
    case("a base tainted", file, &receipt, bases, 1);
    let bases = ChainFacts {
        attestation: AttestationStatus::Tainted,
        bases: vec![base(near, AttestationStatus::Revoked), base(far, AttestationStatus::None)],
        ..good.clone()
    };
    case("a base revoked, one unknown", file, &receipt, bases, 1);
    let worst = ChainFacts { batch: None, attestation: AttestationStatus::Revoked, ..good.clone() };
    case("invalid wins over cannot tell", file, &receipt, worst, 1);

    // Version 2: the proof is from the leaf over the fingerprint, which is checked against
    // the file's own (`fingerprint`, absent when the verifier did not decode the image).
    let v2 = v2_receipt();
    let anchored = v2.perceptual_hash.unwrap();
    let v2_facts = ChainFacts {
        batch: Some(OnChainBatch { root: v2.batch_root, count: v2.batch_count }),
        ..good.clone()
    };
    let off_by = |bits: usize| {
        let mut fp = anchored;
        for b in 0..bits {
            fp.0[31 - b / 8] ^= 1 << (b % 8);
        }
        fp
    };
    let v2_file = v2.output_hash();
    let policy = Policy::default();
    for (name, fingerprint) in [
        ("v2: the same fingerprint", Some(anchored)),
        ("v2: a fingerprint 31 bits off", Some(off_by(31))),
        ("v2: a fingerprint 32 bits off", Some(off_by(32))),
        ("v2: the image not decoded", None),
    ] {
        let verdict = judge(&v2_file, fingerprint, &v2, &v2_facts, &policy);
        seen.extend(verdict.codes.iter().map(|c| c.as_str()));
        cases.push(json!({
            "name": name, "file": v2_file, "fingerprint": fingerprint, "receipt": v2,
            "facts": v2_facts, "policy": policy, "verdict": verdict,
        }));
    }
    let mut swapped = v2.clone();
    swapped.perceptual_hash = Some(off_by(1));
    let verdict = judge(&v2_file, Some(off_by(1)), &swapped, &v2_facts, &policy);
    assert!(verdict.has(Code::OutputProofInvalid));
    cases.push(json!({
        "name": "v2: a receipt claiming another fingerprint", "file": v2_file,
        "fingerprint": off_by(1), "receipt": swapped, "facts": v2_facts, "policy": policy,
        "verdict": verdict,
    }));

    let candidate = Candidate {
        distance: 14,
        model_id: anchor().model_id,
        batch_index: 2,
        leaf_index: 1,
        content_hash: v2.content_hash,
    };
    let similar = Verdict::similar(&file, anchored, &candidate);
    seen.extend(similar.codes.iter().map(|c| c.as_str()));

    // Every code appears in some case; the match fails to compile when a code is added.
    let all = [
        Code::OutputAnchored,
        Code::OutputHashMismatch,
        Code::OutputUnknown,
        Code::OutputProofInvalid,
        Code::OutputUnconfirmed,
        Code::OutputFingerprintMatch,
        Code::OutputFingerprintMismatch,
        Code::OutputFingerprintUnchecked,
        Code::OutputSimilar,
        Code::ModelAttested,
        Code::ModelRevoked,
        Code::ModelTainted,
        Code::ModelUnknown,
        Code::ModelTrainingProven,
        Code::ModelTrainingDeclared,
        Code::DatasetCertified,
        Code::DatasetRevoked,
        Code::DatasetUncertified,
        Code::BaseAttested,
        Code::BaseRevoked,
        Code::BaseTainted,
        Code::BaseUnknown,
    ];
    for c in all {
        match c {
            Code::OutputAnchored
            | Code::OutputHashMismatch
            | Code::OutputUnknown
            | Code::OutputProofInvalid
            | Code::OutputUnconfirmed
            | Code::OutputFingerprintMatch
            | Code::OutputFingerprintMismatch
            | Code::OutputFingerprintUnchecked
            | Code::OutputSimilar
            | Code::ModelAttested
            | Code::ModelRevoked
            | Code::ModelTainted
            | Code::ModelUnknown
            | Code::ModelTrainingProven
            | Code::ModelTrainingDeclared
            | Code::DatasetCertified
            | Code::DatasetRevoked
            | Code::DatasetUncertified
            | Code::BaseAttested
            | Code::BaseRevoked
            | Code::BaseTainted
            | Code::BaseUnknown => assert!(seen.contains(c.as_str()), "no vector yields {c}"),
        }
    }
    let no_receipt = Verdict::no_receipt(&file);
    v.json(
        "verdicts.json",
        &json!({
            "about": "judge(file, receipt, facts, policy, fingerprint) -> verdict, as `lineage verify-image --json` prints it; see README.md",
            "codes": all.iter().map(|c| json!({"code": c.as_str(), "outcome": c.outcome()})).collect::<Vec<_>>(),
            "cases": cases,
            "noReceipt": {"file": file, "verdict": no_receipt},
            "similar": {"file": file, "fingerprint": anchored, "candidate": candidate, "verdict": similar},
        }),
    );
}

const README: &str = "\
# Output conformance vectors

GENERATED by `crates/core/tests/conformance.rs`: do not edit. `cargo test --workspace
--test conformance` fails when this folder differs from what the Rust implementation
(`lineage_core::output`) produces; `LINEAGE_BLESS=1 cargo test --workspace --test
conformance` rewrites it. The conventions are written down in
`crates/core/src/output/mod.rs`; every implementation (`sdk/js` among them) must pass
every vector.

- `content-hash.json`: `cases[]` of `{file, note, kind, hash}` (the file's content hash
  under the kind its first bytes call for, `kind` `png-pixels-v1`, `jpeg-v1`, `webp-v1` or
  `bytes-v1`), `{file, note, as, kind, hash}` (its hash under the kind `as`, as a receipt
  naming that kind asks: `contentHashAs(file, as)`) or `{file, note, error}` where `error`
  is `png.decode` (starts with the PNG signature but does not decode), `png.too_large`
  (over the size limit, judged on `IHDR` before anything else), `png.unsupported`
  (animated), `jpeg.malformed` (starts as a JPEG, its header does not parse),
  `webp.malformed` (starts as a WebP, its container does not parse) or `webp.unsupported`
  (animated). The files lie under `png/`, `jpeg/`, `webp/`, `bytes/` and `receipt/`.
- `receipts.json`: `cases[]` of `{file, note, receipt}` (`readReceipt` of the file:
  the receipt, or `null` when there is none; a PNG's, a JPEG's or a WebP's), `{file, note,
  error}` with `error` one of `png.malformed`, `jpeg.malformed`, `webp.malformed`,
  `receipt.chunk_crc`, `receipt.chunk_malformed`,
  `receipt.chunk_duplicate`, `receipt.parse`, `receipt.version`, `receipt.inconsistent`;
  or `{sidecar, note, receipt}` / `{sidecar, note, error}`: a JSON sidecar
  (`Receipt::from_json`) and the receipt it parses to or its error, among them the JSON a
  `JSON.parse` reads otherwise than serde (`receipt/json-*.json`: floats for integers,
  duplicate keys, arrays). A version-2 receipt's case also has `leaf`, its Merkle leaf.
- `merkle.json`: `cases[]` of `{root, leaf, index, count, proof, valid}`:
  `verifyProof(root, leaf, index, count, proof)` must return `valid`; `leafV2[]` of
  `{contentHash, perceptualHash, leaf}`: `leafV2(contentHash, perceptualHash)` must return
  `leaf`.
- `verdicts.json`: `codes[]`, every verdict code with its outcome; `cases[]` of
  `{name, file, fingerprint?, receipt, facts, policy, verdict}`: `judge(file, receipt,
  facts, policy, fingerprint)` must return `verdict` (its `detail` strings included, though
  no one should parse them). `fingerprint` is the file's recomputed PDQ hash, absent when
  the verifier did not decode the image.
  `facts.training` is `attestation(modelId).kind` as `\"proven\"` or `\"declared\"`
  (absent: unknown, no training code); `policy.requireProvenTraining` makes
  `model.training_declared` Invalid. `noReceipt`: the verdict on a file without a receipt;
  `similar`: `similar(file, fingerprint, candidate)`, the verdict on a file without a
  receipt whose fingerprint is near an anchored output's (`candidate`).
";

/// A smooth picture with finer detail, as a photograph has (its fingerprint's quality is
/// well above 50): `channels` 3 or 4 samples a pixel at `depth` 8 or 16.
fn pdq_picture(w: u32, h: u32, seed: u64, channels: usize, depth: u8) -> Img {
    let s = (seed % 97) as f64 / 97.0;
    let max = if depth == 16 { 65535.0 } else { 255.0 };
    let mut samples = Vec::with_capacity((w * h) as usize * channels);
    for y in 0..h {
        for x in 0..w {
            let (u, v) = (f64::from(x) / f64::from(w), f64::from(y) / f64::from(h));
            let disc = f64::from(u8::from((u - 0.3 - s * 0.4).powi(2) + (v - 0.6).powi(2) < 0.04));
            let detail = 0.23 * (40.0 * u + 9.0 * s).sin() * (30.0 * v + 2.0 * s).sin();
            let rgb = [
                0.5 + 0.39 * (6.0 * u + 3.0 * s).sin() * (4.0 * v).cos() + detail,
                0.5 + 0.35 * (5.0 * v + 7.0 * s).sin() + 0.12 * disc + detail,
                0.23 + 0.59 * disc + 0.16 * (9.0 * u * v).sin() + detail,
            ];
            for c in rgb {
                samples.push((c.clamp(0.0, 1.0) * max).round() as u16);
            }
            if channels == 4 {
                samples.push(((u * 7.0).sin().abs() * max) as u16);
            }
        }
    }
    let color = if channels == 4 { ColorType::Rgba } else { ColorType::Rgb };
    Img { w, h, color, depth, samples, palette: None, trns: None }
}

/// An 8-bit RGB image as a baseline JPEG at `quality` (jpeg-encoder).
fn jpeg_of(img: &Img, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let (w, h) = (u16::try_from(img.w).unwrap(), u16::try_from(img.h).unwrap());
    jpeg_encoder::Encoder::new(&mut out, quality)
        .encode(&img.samples_u8(), w, h, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

/// The DCT basis of PDQ as the module docs state it, independently of `output::pdq`: rows
/// 1 to 16, `f32(f32(sqrt(2/64)) * cos(pi / 128 * (i + 1) * (2j + 1)))`, little-endian.
fn pdq_dct_sha256() -> B256 {
    let scale = (2.0f64 / 64.0).sqrt() as f32;
    let mut h = Sha256::new();
    for i in 0..16u32 {
        for j in 0..64u32 {
            let angle = std::f64::consts::PI / 2.0 / 64.0 * f64::from(i + 1) * f64::from(2 * j + 1);
            h.update(((f64::from(scale) * angle.cos()) as f32).to_le_bytes());
        }
    }
    B256::from(<[u8; 32]>::from(h.finalize()))
}

/// PDQ fingerprints: of pictures made for it (every size path of the filter), and of every
/// PNG vector that decodes; exact, since they are PNGs (the pixels are the same everywhere).
fn pdq(v: &mut Vectors) {
    for (w, h, channels, depth, note) in [
        (300, 200, 3, 8, "RGB, both sides filtered"),
        (257, 129, 3, 8, "odd sides"),
        (64, 64, 3, 8, "exactly 64x64: no filter"),
        (130, 70, 4, 8, "RGBA: alpha ignored"),
        (96, 80, 3, 16, "16 bits: each sample's high byte"),
        (640, 48, 3, 8, "wide: windows of 5 along rows, 1 along columns"),
        (5, 5, 3, 8, "the smallest sides with a fingerprint"),
        (4, 9, 3, 8, "a side under 5: the zero hash, quality 0"),
    ] {
        let img = pdq_picture(w, h, u64::from(w * h), channels, depth);
        let path = format!("pdq/picture-{w}x{h}-{}.png", if depth == 16 { "16" } else { "8" });
        let bytes = encode(&img, Filter::Paeth);
        v.hash_case(&path, note, bytes, None);
        if (w, h) == (300, 200) {
            // A JPEG re-encoding of it (jpeg-encoder, quality 80): another file, the same
            // picture: its fingerprint (zune-jpeg's pixels) is near the PNG's, not equal.
            let jpeg = jpeg_of(&img, 80);
            v.hash_case(
                "pdq/picture-300x200-q80.jpg",
                "a JPEG re-encoding of picture-300x200-8.png",
                jpeg,
                None,
            );
        }
    }
    let cases: Vec<Value> = v
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".png"))
        .filter_map(|(path, bytes)| {
            let f = lineage_core::output::decode::fingerprint_file(bytes).ok()??;
            Some(json!({"file": path, "hash": f.hash, "quality": f.quality}))
        })
        .collect();
    assert!(cases.iter().filter(|c| c["quality"].as_u64() >= Some(50)).count() >= 6);
    let fingerprint = |path: &str| {
        lineage_core::output::decode::fingerprint_file(&v.files[path]).unwrap().unwrap().hash
    };
    let (png, jpeg) =
        (fingerprint("pdq/picture-300x200-8.png"), fingerprint("pdq/picture-300x200-q80.jpg"));
    let reencoded = json!({
        "file": "pdq/picture-300x200-q80.jpg", "of": "pdq/picture-300x200-8.png",
        "hash": jpeg, "distance": lineage_core::output::pdq::distance(&png, &jpeg),
    });
    assert!(reencoded["distance"].as_u64() <= Some(31), "{reencoded}");
    v.json(
        "pdq.json",
        &json!({
            "about": "pngFingerprint(file) -> {hash, quality}; dctSha256: SHA-256 of the f32 DCT basis; see README.md",
            "dctSha256": pdq_dct_sha256(),
            "cases": cases,
            "reencoded": [reencoded],
        }),
    );
}

fn generate() -> BTreeMap<String, Vec<u8>> {
    let mut v = Vectors::default();
    valid_images(&mut v);
    broken_images(&mut v);
    receipts(&mut v);
    containers(&mut v);
    pdq(&mut v);
    merkle(&mut v);
    verdicts(&mut v);
    let hashes = std::mem::take(&mut v.hashes);
    v.json(
        "content-hash.json",
        &json!({"about": "contentHash(file) -> {kind, hash} or an error; see README.md", "cases": hashes}),
    );
    let receipts = std::mem::take(&mut v.receipts);
    v.json(
        "receipts.json",
        &json!({"about": "readReceipt(file) -> receipt | null, or an error; see README.md", "cases": receipts}),
    );
    v.file("README.md", README.as_bytes().to_vec());
    v.files
}

fn on_disk(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn vectors_are_up_to_date() {
    let dir = Path::new(DIR);
    let want = generate();
    let total: usize = want.values().map(Vec::len).sum();
    assert!(total < 1 << 20, "the vectors take {total} bytes; keep them under 1 MiB");
    let have = on_disk(dir);
    if std::env::var_os("LINEAGE_BLESS").is_some() {
        for path in have.keys().filter(|p| !want.contains_key(*p)) {
            fs::remove_file(dir.join(path)).unwrap();
        }
        for (path, bytes) in &want {
            let p = dir.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, bytes).unwrap();
        }
        return;
    }
    let mut stale: Vec<String> = Vec::new();
    for (path, bytes) in &want {
        match have.get(path) {
            None => stale.push(format!("missing: {path}")),
            Some(b) if b != bytes => stale.push(format!("differs: {path}")),
            Some(_) => {}
        }
    }
    stale.extend(have.keys().filter(|p| !want.contains_key(*p)).map(|p| format!("extra: {p}")));
    assert!(
        stale.is_empty(),
        "crates/core/tests/vectors is stale ({} files):\n  {}\nthe output conventions changed: \
         if on purpose, run `LINEAGE_BLESS=1 cargo test --workspace --test conformance` and \
         update every other implementation (sdk/js)",
        stale.len(),
        stale.join("\n  ")
    );
}
