//! Content hashes of output files: decoded pixels for a PNG, the file less its receipt (and
//! C2PA) segments or chunks for a JPEG or a WebP, bytes for anything else.
//!
//! The exact conventions are in the [module docs](super#content-hash).

use super::{
    jpeg::{is_jpeg, jpeg_hash},
    webp::{is_webp, webp_hash},
    Error, Result,
};
use alloy_primitives::B256;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::{fmt, io::Cursor};

/// The 8-byte signature every PNG file starts with.
pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

/// Domain prefix of [`HashKind::Bytes`]: hashed before the file's bytes.
pub const BYTES_DOMAIN: &[u8] = b"lineage.output.bytes.v1\0";

/// Domain prefix of [`HashKind::PngPixels`]: hashed before the canonical pixel encoding.
pub const PNG_PIXELS_DOMAIN: &[u8] = b"lineage.output.png-rgba.v1\0";

/// Largest width and largest height of a PNG hashed as pixels; see the
/// [size limit](super#size-limit).
pub const MAX_DIMENSION: u32 = 65_535;

/// Largest canonical RGBA encoding (width x height x 4 bytes, x 8 at 16 bits) of a PNG
/// hashed as pixels, 256 MiB; see the [size limit](super#size-limit).
pub const MAX_DECODED_BYTES: u64 = 1 << 28;

/// Which convention a content hash follows. Serialized as `"png-pixels-v1"`,
/// `"jpeg-v1"`, `"webp-v1"` or `"bytes-v1"`: a future change of convention gets a new tag,
/// never a silent change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HashKind {
    /// SHA-256 over [`PNG_PIXELS_DOMAIN`] and the PNG's decoded pixels in canonical RGBA.
    #[serde(rename = "png-pixels-v1")]
    PngPixels,
    /// SHA-256 over [`JPEG_DOMAIN`](super::jpeg::JPEG_DOMAIN) and the file without its
    /// receipt and C2PA segments.
    #[serde(rename = "jpeg-v1")]
    Jpeg,
    /// SHA-256 over [`WEBP_DOMAIN`](super::webp::WEBP_DOMAIN), the flags and the chunks but
    /// `VP8X`, the receipt and C2PA's.
    #[serde(rename = "webp-v1")]
    Webp,
    /// SHA-256 over [`BYTES_DOMAIN`] and the file's bytes.
    #[serde(rename = "bytes-v1")]
    Bytes,
}

impl HashKind {
    /// The tag as it appears in receipts.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PngPixels => "png-pixels-v1",
            Self::Jpeg => "jpeg-v1",
            Self::Webp => "webp-v1",
            Self::Bytes => "bytes-v1",
        }
    }

    /// The format this kind is for, in words.
    pub const fn format(self) -> &'static str {
        match self {
            Self::PngPixels => "PNG",
            Self::Jpeg => "JPEG",
            Self::Webp => "WebP",
            Self::Bytes => "non-image",
        }
    }

    /// The kind a file's first bytes call for: its format's, or [`HashKind::Bytes`] for
    /// anything but a PNG, a JPEG (`FF D8 FF`) or a WebP (`RIFF` size `WEBP`).
    pub fn sniff(bytes: &[u8]) -> Self {
        if is_png(bytes) {
            Self::PngPixels
        } else if is_jpeg(bytes) {
            Self::Jpeg
        } else if is_webp(bytes) {
            Self::Webp
        } else {
            Self::Bytes
        }
    }
}

impl fmt::Display for HashKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An output's content hash and the convention it was taken under. The hash is the leaf
/// of the batch's Merkle tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputHash {
    /// How the hash was taken.
    pub kind: HashKind,
    /// The 32-byte SHA-256 digest.
    pub hash: B256,
}

impl fmt::Display for OutputHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.hash, self.kind)
    }
}

/// Whether `bytes` start with the PNG signature (and so are hashed as pixels).
pub fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(&PNG_SIGNATURE)
}

/// The content hash of an output file's bytes under the kind its format calls for
/// ([`HashKind::sniff`]): what `lineage anchor` takes.
///
/// # Errors
/// As [`content_hash_as`]: a file that starts as a PNG, a JPEG or a WebP but does not
/// parse as one is an error, never hashed as bytes.
pub fn content_hash(bytes: &[u8]) -> Result<OutputHash> {
    content_hash_as(bytes, HashKind::sniff(bytes))
}

/// The content hash of an output file's bytes under `kind`, whatever their format: a
/// verifier takes the kind its receipt names (a JPEG anchored as `bytes-v1` before
/// `jpeg-v1` existed keeps its receipt).
///
/// # Errors
/// [`Error::PngDecode`] when the bytes do not decode as a PNG, [`Error::PngTooLarge`] for a
/// PNG over the [size limit](super#size-limit), [`Error::PngUnsupported`] for an animated
/// PNG; [`Error::JpegMalformed`], [`Error::WebpMalformed`] and [`Error::WebpUnsupported`]
/// likewise for the other formats.
pub fn content_hash_as(bytes: &[u8], kind: HashKind) -> Result<OutputHash> {
    let hash = match kind {
        HashKind::PngPixels => png_pixels_hash(bytes)?,
        HashKind::Jpeg => jpeg_hash(bytes)?,
        HashKind::Webp => webp_hash(bytes)?,
        HashKind::Bytes => {
            let mut h = Sha256::new();
            h.update(BYTES_DOMAIN);
            h.update(bytes);
            B256::from(<[u8; 32]>::from(h.finalize()))
        }
    };
    Ok(OutputHash { kind, hash })
}

fn decode_err(source: png::DecodingError) -> Error {
    Error::PngDecode { source }
}

/// Feeds decoded rows to the hasher in canonical RGBA. The decoder (with
/// `Transformations::ALPHA`) already yields RGBA or grey+alpha at depth 8 or 16; grey is
/// widened here to R = G = B = grey.
struct PixelSink {
    hasher: Sha256,
    grey: bool,
    sample: usize,
    scratch: Vec<u8>,
}

impl PixelSink {
    fn row(&mut self, row: &[u8]) {
        if !self.grey {
            self.hasher.update(row);
            return;
        }
        let s = self.sample;
        self.scratch.clear();
        for px in row.chunks_exact(2 * s) {
            let (g, a) = px.split_at(s);
            self.scratch.extend_from_slice(g);
            self.scratch.extend_from_slice(g);
            self.scratch.extend_from_slice(g);
            self.scratch.extend_from_slice(a);
        }
        self.hasher.update(&self.scratch);
    }
}

/// Refuses a PNG over the [size limit](super#size-limit) from its `IHDR` alone, before the
/// decoder reads another chunk or allocates anything. Only a well-formed `IHDR` is judged
/// here (the first chunk, 13 bytes, its CRC right, a valid colour type and bit depth, known
/// methods, sides of 1 to 2^31 - 1): any other is left to the decoder, which refuses it as
/// [`Error::PngDecode`], so a broken header is a decode error in every implementation.
pub(super) fn check_png_size(bytes: &[u8]) -> Result<()> {
    let Some(ihdr) = bytes.get(8..33) else { return Ok(()) };
    if ihdr[..8] != *b"\0\0\0\x0dIHDR" || crc32fast::hash(&ihdr[4..21]).to_be_bytes() != ihdr[21..]
    {
        return Ok(());
    }
    let d = &ihdr[8..21];
    let side = |at: usize| u32::from_be_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]]);
    let (width, height, depth, colour) = (side(0), side(4), d[8], d[9]);
    let valid = matches!(
        (colour, depth),
        (0, 1 | 2 | 4 | 8 | 16) | (2 | 4 | 6, 8 | 16) | (3, 1 | 2 | 4 | 8)
    ) && d[10] == 0
        && d[11] == 0
        && d[12] <= 1
        && (1..=i32::MAX as u32).contains(&width)
        && (1..=i32::MAX as u32).contains(&height);
    let canonical = u64::from(width) * u64::from(height) * if depth == 16 { 8 } else { 4 };
    if valid && (width > MAX_DIMENSION || height > MAX_DIMENSION || canonical > MAX_DECODED_BYTES) {
        return Err(Error::PngTooLarge { width, height, bytes: canonical });
    }
    Ok(())
}

fn png_pixels_hash(bytes: &[u8]) -> Result<B256> {
    check_png_size(bytes)?;
    let mut options = png::DecodeOptions::default();
    // Critical chunks (IHDR, PLTE, IDAT, IEND) with a bad CRC are errors; ancillary ones
    // are skipped, as libpng does by default. Set explicitly: it is part of the convention.
    options.set_skip_ancillary_crc_failures(true);
    let mut decoder = png::Decoder::new_with_options(Cursor::new(bytes), options);
    // Palette -> RGBA (alpha from tRNS, else opaque); grey below 8 bits -> 8 bits scaled;
    // grey and RGB gain an alpha channel from tRNS (else opaque). 16 bits stay 16 bits.
    decoder.set_transformations(png::Transformations::ALPHA);
    // Metadata plays no part in the hash: skip decoding it (CRCs are still checked).
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    let mut reader = decoder.read_info().map_err(decode_err)?;
    if reader.info().is_animated() {
        return Err(Error::PngUnsupported {
            reason: "animated PNG (acTL): only still images are hashed as pixels".into(),
        });
    }
    let (width, height) = reader.info().size();
    let interlaced = reader.info().interlaced;
    let (color, depth) = reader.output_color_type();
    let grey = match color {
        png::ColorType::Rgba => false,
        png::ColorType::GrayscaleAlpha => true,
        other => {
            // Unreachable with `Transformations::ALPHA`; refuse rather than hash it wrong.
            return Err(Error::PngUnsupported {
                reason: format!("decoder produced {other:?} instead of RGBA or grey+alpha"),
            });
        }
    };
    let depth_bits: u8 = match depth {
        png::BitDepth::Eight => 8,
        png::BitDepth::Sixteen => 16,
        other => {
            return Err(Error::PngUnsupported {
                reason: format!("decoder produced bit depth {other:?} instead of 8 or 16"),
            });
        }
    };
    let mut sink = PixelSink {
        hasher: Sha256::new(),
        grey,
        sample: usize::from(depth_bits / 8),
        scratch: vec![],
    };
    sink.hasher.update(PNG_PIXELS_DOMAIN);
    sink.hasher.update(width.to_be_bytes());
    sink.hasher.update(height.to_be_bytes());
    sink.hasher.update([depth_bits]);

    if interlaced {
        // Adam7 rows come pass by pass: decode the whole frame, then hash it row by row.
        // `check_png_size` bounds the frame by MAX_DECODED_BYTES (the output is never larger
        // than the canonical RGBA); the decoder's sizes are checked again all the same.
        let too_large = || Error::PngTooLarge {
            width,
            height,
            bytes: u64::from(width) * u64::from(height) * u64::from(depth_bits / 2),
        };
        let size = reader.output_buffer_size().ok_or_else(too_large)?;
        let line = reader.output_line_size(width).ok_or_else(too_large)?;
        if u64::try_from(size).map_or(true, |s| s > MAX_DECODED_BYTES) {
            return Err(too_large());
        }
        let mut buf = vec![0u8; size];
        reader.next_frame(&mut buf).map_err(decode_err)?;
        if line > 0 {
            for row in buf.chunks_exact(line) {
                sink.row(row);
            }
        }
    } else {
        while let Some(row) = reader.next_row().map_err(decode_err)? {
            sink.row(row.data());
        }
    }
    // Read to IEND so a truncated or corrupted tail is an error, not silently ignored.
    reader.finish().map_err(decode_err)?;
    Ok(B256::from(<[u8; 32]>::from(sink.hasher.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testutil::{encode, rgba_image, with_text_chunk, Image};
    use png::{BitDepth, ColorType, Compression};
    use proptest::prelude::*;

    /// The canonical encoding built by hand from the documented convention.
    fn reference(width: u32, height: u32, depth: u8, rgba: &[u8]) -> B256 {
        let mut h = Sha256::new();
        h.update(b"lineage.output.png-rgba.v1\0");
        h.update(width.to_be_bytes());
        h.update(height.to_be_bytes());
        h.update([depth]);
        h.update(rgba);
        B256::from(<[u8; 32]>::from(h.finalize()))
    }

    fn pixels_hash(png: &[u8]) -> B256 {
        let h = content_hash(png).unwrap();
        assert_eq!(h.kind, HashKind::PngPixels);
        h.hash
    }

    #[test]
    fn bytes_known_vector() {
        // sha256("lineage.output.bytes.v1\0abc"), computed with coreutils' sha256sum:
        // printf 'lineage.output.bytes.v1\0abc' | sha256sum
        let h = content_hash(b"abc").unwrap();
        assert_eq!(h.kind, HashKind::Bytes);
        assert_eq!(
            h.hash.to_string(),
            "0xbb17db5d4e0749aff81e813326a55cb60bac8eca291e374ab2288e9a5822393d"
        );
    }

    #[test]
    fn rgba8_matches_the_documented_encoding() {
        let img = rgba_image(3, 2, 7);
        assert_eq!(pixels_hash(&encode(&img)), reference(3, 2, 8, &img.data));
    }

    #[test]
    fn rgb8_gains_an_opaque_alpha() {
        let rgb = vec![1, 2, 3, 4, 5, 6];
        let img = Image {
            width: 2,
            height: 1,
            color: ColorType::Rgb,
            depth: BitDepth::Eight,
            data: rgb,
            ..Image::default()
        };
        assert_eq!(pixels_hash(&encode(&img)), reference(2, 1, 8, &[1, 2, 3, 255, 4, 5, 6, 255]));
    }

    #[test]
    fn rgb8_with_trns_makes_that_colour_transparent() {
        let img = Image {
            width: 2,
            height: 1,
            color: ColorType::Rgb,
            depth: BitDepth::Eight,
            data: vec![1, 2, 3, 4, 5, 6],
            trns: Some(vec![0, 4, 0, 5, 0, 6]),
            ..Image::default()
        };
        assert_eq!(pixels_hash(&encode(&img)), reference(2, 1, 8, &[1, 2, 3, 255, 4, 5, 6, 0]));
    }

    #[test]
    fn grey_expands_to_rgb() {
        let img = Image {
            width: 2,
            height: 1,
            color: ColorType::Grayscale,
            depth: BitDepth::Eight,
            data: vec![9, 200],
            ..Image::default()
        };
        assert_eq!(
            pixels_hash(&encode(&img)),
            reference(2, 1, 8, &[9, 9, 9, 255, 200, 200, 200, 255])
        );
        let ga = Image { color: ColorType::GrayscaleAlpha, data: vec![9, 1, 200, 2], ..img };
        assert_eq!(pixels_hash(&encode(&ga)), reference(2, 1, 8, &[9, 9, 9, 1, 200, 200, 200, 2]));
    }

    #[test]
    fn low_bit_grey_scales_to_eight_bits() {
        // 2-bit grey 0,1,2,3 -> 0,85,170,255 (multiplied by 255/3).
        let img = Image {
            width: 4,
            height: 1,
            color: ColorType::Grayscale,
            depth: BitDepth::Two,
            data: vec![0b00_01_10_11],
            ..Image::default()
        };
        let expected: Vec<u8> = [0u8, 85, 170, 255].iter().flat_map(|&g| [g, g, g, 255]).collect();
        assert_eq!(pixels_hash(&encode(&img)), reference(4, 1, 8, &expected));
    }

    #[test]
    fn palette_expands_with_trns_alpha() {
        // 1-bit palette: entry 0 red with alpha 10, entry 1 green without a tRNS entry.
        let img = Image {
            width: 3,
            height: 1,
            color: ColorType::Indexed,
            depth: BitDepth::One,
            data: vec![0b010_00000],
            palette: Some(vec![255, 0, 0, 0, 255, 0]),
            trns: Some(vec![10]),
            ..Image::default()
        };
        assert_eq!(
            pixels_hash(&encode(&img)),
            reference(3, 1, 8, &[255, 0, 0, 10, 0, 255, 0, 255, 255, 0, 0, 10])
        );
    }

    #[test]
    fn sixteen_bit_stays_sixteen_bit_big_endian() {
        let img = Image {
            width: 1,
            height: 1,
            color: ColorType::Rgb,
            depth: BitDepth::Sixteen,
            data: vec![0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc],
            ..Image::default()
        };
        assert_eq!(
            pixels_hash(&encode(&img)),
            reference(1, 1, 16, &[0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xff, 0xff])
        );
        let grey = Image { color: ColorType::Grayscale, data: vec![0xab, 0xcd], ..img };
        assert_eq!(
            pixels_hash(&encode(&grey)),
            reference(1, 1, 16, &[0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xff, 0xff])
        );
    }

    #[test]
    fn same_pixels_in_another_colour_type_hash_the_same() {
        // Opaque RGB stored as RGB or as RGBA: the same picture, the same hash.
        let rgba = rgba_image(5, 4, 3);
        let opaque: Vec<u8> = rgba.data.chunks(4).flat_map(|p| [p[0], p[1], p[2], 255]).collect();
        let rgb: Vec<u8> = rgba.data.chunks(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
        let as_rgba = Image { data: opaque, ..rgba.clone() };
        let as_rgb = Image { color: ColorType::Rgb, data: rgb, ..rgba };
        assert_eq!(pixels_hash(&encode(&as_rgba)), pixels_hash(&encode(&as_rgb)));
    }

    #[test]
    fn interlacing_and_compression_do_not_change_the_hash() {
        let img = rgba_image(33, 17, 11);
        let base = pixels_hash(&encode(&img));
        assert_eq!(base, reference(33, 17, 8, &img.data));
        for compression in [Compression::Fastest, Compression::Fast, Compression::High] {
            let other = Image { compression, ..img.clone() };
            assert_eq!(pixels_hash(&encode(&other)), base);
        }
        let adam7 = Image { interlaced: true, ..img.clone() };
        let adam7_bytes = encode(&adam7);
        assert_ne!(adam7_bytes, encode(&img));
        assert_eq!(pixels_hash(&adam7_bytes), base);
    }

    #[test]
    fn a_png_that_does_not_decode_is_an_error_not_bytes() {
        let good = encode(&rgba_image(8, 8, 1));
        // Truncated in the middle of the image data.
        let err = content_hash(&good[..good.len() / 2]).unwrap_err();
        assert!(matches!(err, Error::PngDecode { .. }), "{err}");
        // A flipped bit inside IDAT's compressed data: CRC mismatch.
        let idat = good.windows(4).position(|w| w == b"IDAT").unwrap();
        let mut bad = good.clone();
        bad[idat + 6] ^= 0x01;
        let err = content_hash(&bad).unwrap_err();
        assert!(matches!(err, Error::PngDecode { .. }), "{err}");
        // Only the signature.
        assert!(matches!(content_hash(&PNG_SIGNATURE).unwrap_err(), Error::PngDecode { .. }));
        // A damaged ancillary chunk is skipped, a damaged critical one is not.
        let tagged = with_text_chunk(&good, "Comment", "hello");
        let text = tagged.windows(4).position(|w| w == b"tEXt").unwrap();
        let mut bad_text = tagged.clone();
        bad_text[text + 5] ^= 0x01;
        assert_eq!(content_hash(&bad_text).unwrap(), content_hash(&good).unwrap());
        let mut bad_ihdr = good.clone();
        bad_ihdr[8 + 8 + 12] ^= 0x01; // IHDR's interlace method byte; its CRC no longer matches
        assert!(matches!(content_hash(&bad_ihdr).unwrap_err(), Error::PngDecode { .. }));
        // Missing IEND.
        let err = content_hash(&good[..good.len() - 12]).unwrap_err();
        assert!(matches!(err, Error::PngDecode { .. }), "{err}");
    }

    /// Files and hashes made outside Rust (Python's `zlib`, `struct` and `hashlib`, PNG
    /// chunks written by hand, the canonical RGBA spelled out by hand): what a wallet in
    /// another language must reproduce.
    #[test]
    fn cross_language_vectors() {
        // 3x2 indexed 2-bit, palette red / (0,128,255) / (10,20,30), tRNS [0, 128], a gAMA
        // and a tEXt chunk; pixels [0,1,2],[2,2,1].
        let indexed = "89504e470d0a1a0a0000000d4948445200000003000000020203000000e01a8e890000000467414d410000b18f0bfc610500000009504c5445ff00000080ff0a141e7cf93c080000000274524e5300809b2b4e180000000c4944415478da63906058020000f000bdf84246f60000001574455874436f6d6d656e7400707974686f6e20766563746f721662b0960000000049454e44ae426082";
        assert_eq!(
            pixels_hash(&hex::decode(indexed).unwrap()).to_string(),
            "0xd98294e598c41aca7be12e8abe1c4a84d7cd93c64d25774f316b5573cb9dffa8"
        );
        // 2x1 16-bit grey 0x1234, 0xabcd with tRNS 0xabcd (the second pixel transparent).
        let grey16 = "89504e470d0a1a0a0000000d494844520000000200000001100000000081d9fc150000000274524e53abcddeb516170000000d49444154789c631032597d1600030c01bf6eb9c65d0000000049454e44ae426082";
        assert_eq!(
            pixels_hash(&hex::decode(grey16).unwrap()).to_string(),
            "0x9d9e3458d1c78905dd5c28c5093db4f16c1c8f21f53401b09637dc9a55527aa7"
        );
    }

    #[test]
    fn animated_png_is_refused() {
        let img = rgba_image(2, 2, 1);
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, 2, 2);
        enc.set_color(ColorType::Rgba);
        enc.set_depth(BitDepth::Eight);
        enc.set_animated(2, 0).unwrap();
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&img.data).unwrap();
        w.write_image_data(&img.data).unwrap();
        w.finish().unwrap();
        let err = content_hash(&out).unwrap_err();
        assert!(matches!(err, Error::PngUnsupported { .. }), "{err}");
        assert!(err.to_string().contains("animated"), "{err}");
    }

    #[test]
    fn the_size_limit_is_judged_on_ihdr_before_any_data() {
        // A header alone, no image data: over the limit it is too large, at the limit the
        // decoder goes on and finds the data missing.
        let header = |w: u32, h: u32, depth: u8| {
            let mut ihdr = w.to_be_bytes().to_vec();
            ihdr.extend_from_slice(&h.to_be_bytes());
            ihdr.extend_from_slice(&[depth, 6, 0, 0, 0]);
            let mut out = PNG_SIGNATURE.to_vec();
            out.extend_from_slice(&13u32.to_be_bytes());
            out.extend_from_slice(b"IHDR");
            out.extend_from_slice(&ihdr);
            out.extend_from_slice(&crc32fast::hash(&out[12..29]).to_be_bytes());
            out
        };
        let err = content_hash(&header(MAX_DIMENSION + 1, 1, 8)).unwrap_err();
        assert!(
            matches!(err, Error::PngTooLarge { width: 65_536, height: 1, bytes: 262_144 }),
            "{err}"
        );
        let err = content_hash(&header(8192, 4097, 16)).unwrap_err();
        assert!(
            matches!(err, Error::PngTooLarge { bytes, .. } if bytes > MAX_DECODED_BYTES),
            "{err}"
        );
        assert!(err.to_string().contains("65535 pixels a side and 268435456 bytes"), "{err}");
        let err = content_hash(&header(8192, 4096, 16)).unwrap_err();
        assert!(matches!(err, Error::PngDecode { .. }), "{err}");
    }

    #[test]
    fn non_image_bytes_hash_as_bytes() {
        let text = b"a generated poem";
        let h = content_hash(text).unwrap();
        assert_eq!(h.kind, HashKind::Bytes);
        let mut expected = Sha256::new();
        expected.update(BYTES_DOMAIN);
        expected.update(text);
        assert_eq!(h.hash, B256::from(<[u8; 32]>::from(expected.finalize())));
        // A file that starts as a JPEG but does not parse is an error when sniffed, and
        // hashes as bytes only when a receipt says bytes-v1 (anchored before jpeg-v1).
        let jpeg_ish = [0xffu8, 0xd8, 0xff, 0xe0, 1, 2, 3];
        assert!(matches!(content_hash(&jpeg_ish), Err(Error::JpegMalformed { .. })));
        assert_eq!(content_hash_as(&jpeg_ish, HashKind::Bytes).unwrap().kind, HashKind::Bytes);
        assert_eq!(HashKind::sniff(b"RIFF\0\0\0\0WEBP"), HashKind::Webp);
        assert_eq!(HashKind::sniff(b"RIFF\0\0\0\0WAVE"), HashKind::Bytes);
        // Almost a PNG signature is not one.
        assert_eq!(content_hash(&PNG_SIGNATURE[..7]).unwrap().kind, HashKind::Bytes);
        assert_eq!(content_hash(b"").unwrap().kind, HashKind::Bytes);
    }

    #[test]
    fn serde_tags_are_stable() {
        assert_eq!(serde_json::to_string(&HashKind::PngPixels).unwrap(), "\"png-pixels-v1\"");
        assert_eq!(serde_json::to_string(&HashKind::Bytes).unwrap(), "\"bytes-v1\"");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// One changed sample anywhere changes the hash; the hash follows the reference.
        #[test]
        fn one_changed_sample_changes_the_hash(
            w in 1u32..12, h in 1u32..12, seed in any::<u64>(), pick in any::<usize>(), flip in 1u8..=255,
        ) {
            let img = rgba_image(w, h, seed);
            let base = pixels_hash(&encode(&img));
            prop_assert_eq!(base, reference(w, h, 8, &img.data));
            let mut changed = img.clone();
            let i = pick % changed.data.len();
            changed.data[i] ^= flip;
            prop_assert_ne!(pixels_hash(&encode(&changed)), base);
        }

        /// Any byte string that is not a PNG hashes as bytes, deterministically.
        #[test]
        fn arbitrary_bytes_hash_as_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            prop_assume!(!is_png(&bytes));
            let a = content_hash(&bytes).unwrap();
            prop_assert_eq!(a.kind, HashKind::Bytes);
            prop_assert_eq!(a, content_hash(&bytes).unwrap());
        }
    }
}
