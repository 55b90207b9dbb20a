//! WebP files: the `webp-v1` content hash, and the receipt in an `LNRC` chunk.
//!
//! The exact conventions are in the [module docs](super#webp). The RIFF container's
//! top-level chunks are parsed strictly; no chunk is descended into (a nested `RIFF` or
//! `LIST` is an opaque payload) and no image data is decoded, beyond the few header bytes
//! of `VP8 ` and `VP8L` that give the canvas size.

use super::{jpeg::RECEIPT_ID, Error, Result};
use alloy_primitives::B256;
use sha2::{Digest, Sha256};
use std::ops::Range;

/// Domain prefix of [`HashKind::Webp`](super::HashKind::Webp).
pub const WEBP_DOMAIN: &[u8] = b"lineage.output.webp.v1\0";

/// The FourCC of the receipt's chunk (its payload starts with [`RECEIPT_ID`]).
pub const RECEIPT_FOURCC: [u8; 4] = *b"LNRC";

const VP8X: [u8; 4] = *b"VP8X";
const VP8: [u8; 4] = *b"VP8 ";
const VP8L: [u8; 4] = *b"VP8L";
const C2PA: [u8; 4] = *b"C2PA";
/// VP8X flags: ICC, alpha, EXIF, XMP, animation (the bits `webp-v1` hashes).
const FLAG_BITS: u8 = 0x3E;
const FLAG_ALPHA: u8 = 0x10;
const FLAG_ANIMATION: u8 = 0x02;
/// The largest RIFF size the container allows (the format's own cap, 2^32 - 10).
const MAX_RIFF: u64 = (1 << 32) - 10;

/// Whether `bytes` start as a WebP does: `RIFF`, a size, `WEBP`.
pub fn is_webp(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP"
}

/// One top-level chunk.
struct Chunk {
    fourcc: [u8; 4],
    /// From its FourCC to the end of its pad byte, if any.
    span: Range<usize>,
    data: Range<usize>,
}

/// A parsed file: its chunks, the hashed flags byte, the canvas size, and where the RIFF
/// ends (bytes after it are not the container's).
struct Parsed {
    chunks: Vec<Chunk>,
    /// `VP8X` flags & [`FLAG_BITS`], or for a simple file those it would have.
    flags: u8,
    /// The bitstream's width and height.
    canvas: (u32, u32),
    extended: bool,
    riff_end: usize,
}

impl Chunk {
    fn is_receipt(&self, webp: &[u8]) -> bool {
        self.fourcc == RECEIPT_FOURCC && webp[self.data.clone()].starts_with(RECEIPT_ID)
    }

    /// Left out of the bytes `webp-v1` hashes.
    fn is_excluded(&self, webp: &[u8]) -> bool {
        self.fourcc == VP8X || self.fourcc == C2PA || self.is_receipt(webp)
    }
}

fn u24(b: &[u8]) -> u32 {
    u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16
}

fn parse(webp: &[u8]) -> Result<Parsed> {
    let malformed = |offset: usize, reason: String| Error::WebpMalformed { offset, reason };
    if !is_webp(webp) {
        return Err(malformed(0, "not a RIFF file of form WEBP".into()));
    }
    let size = u64::from(u32::from_le_bytes([webp[4], webp[5], webp[6], webp[7]]));
    if size < 4 || size % 2 == 1 {
        return Err(malformed(4, format!("RIFF size {size} (even, at least 4)")));
    }
    if 8 + size > webp.len() as u64 {
        return Err(malformed(
            4,
            format!("RIFF size {size} runs past the end of the file ({} bytes)", webp.len()),
        ));
    }
    let riff_end = 8 + size as usize;
    let mut chunks = Vec::new();
    let mut at = 12;
    while at < riff_end {
        if riff_end - at < 8 {
            return Err(malformed(at, "a chunk header runs past the RIFF's end".into()));
        }
        let fourcc = [webp[at], webp[at + 1], webp[at + 2], webp[at + 3]];
        let len =
            u32::from_le_bytes([webp[at + 4], webp[at + 5], webp[at + 6], webp[at + 7]]) as u64;
        let room = (riff_end - at - 8) as u64;
        if len > room || (len % 2 == 1 && len == room) {
            return Err(malformed(
                at,
                format!(
                    "chunk {} of {len} bytes (and its pad byte) runs past the RIFF's end",
                    String::from_utf8_lossy(&fourcc)
                ),
            ));
        }
        let data = at + 8..at + 8 + len as usize;
        let end = data.end + (len % 2) as usize;
        chunks.push(Chunk { fourcc, span: at..end, data });
        at = end;
    }
    let images: Vec<&Chunk> =
        chunks.iter().filter(|c| c.fourcc == VP8 || c.fourcc == VP8L).collect();
    if chunks.iter().skip(1).any(|c| c.fourcc == VP8X) {
        return Err(malformed(12, "a VP8X chunk that is not the first".into()));
    }
    let extended = chunks.first().is_some_and(|c| c.fourcc == VP8X);
    let animated = chunks.iter().any(|c| matches!(&c.fourcc, b"ANIM" | b"ANMF"));
    if animated {
        return Err(Error::WebpUnsupported { reason: "an animated WebP".into() });
    }
    let image = match images.as_slice() {
        [one] => *one,
        [] => return Err(malformed(12, "no VP8 or VP8L image chunk".into())),
        [_, two, ..] => return Err(malformed(two.span.start, "a second image chunk".into())),
    };
    let (canvas, alpha) = bitstream(webp, image)?;
    let flags = if extended {
        let x = &webp[chunks[0].data.clone()];
        if x.len() < 10 {
            return Err(malformed(12, format!("a VP8X chunk of {} bytes (10)", x.len())));
        }
        if x[0] & FLAG_ANIMATION != 0 {
            return Err(Error::WebpUnsupported { reason: "an animated WebP".into() });
        }
        let declared = (u24(&x[4..7]) + 1, u24(&x[7..10]) + 1);
        if declared != canvas {
            return Err(malformed(
                12,
                format!(
                    "VP8X canvas {}x{} is not the image's {}x{}",
                    declared.0, declared.1, canvas.0, canvas.1
                ),
            ));
        }
        x[0] & FLAG_BITS
    } else {
        if chunks.len() != 1 {
            return Err(malformed(
                chunks[1].span.start,
                "a simple WebP (no VP8X) holds its image chunk alone".into(),
            ));
        }
        if alpha {
            FLAG_ALPHA
        } else {
            0
        }
    };
    Ok(Parsed { chunks, flags, canvas, extended, riff_end })
}

/// The canvas size a `VP8 ` or `VP8L` chunk's bitstream gives, and whether a lossless one
/// says it uses alpha.
fn bitstream(webp: &[u8], image: &Chunk) -> Result<((u32, u32), bool)> {
    let d = &webp[image.data.clone()];
    let bad =
        |reason: &str| Error::WebpMalformed { offset: image.span.start, reason: reason.into() };
    if image.fourcc == VP8 {
        if d.len() < 10 || d[0] & 1 != 0 || d[3..6] != [0x9D, 0x01, 0x2A] {
            return Err(bad("a VP8 chunk that does not start with a key frame header"));
        }
        let w = u32::from(u16::from_le_bytes([d[6], d[7]]) & 0x3FFF);
        let h = u32::from(u16::from_le_bytes([d[8], d[9]]) & 0x3FFF);
        if w == 0 || h == 0 {
            return Err(bad("a VP8 frame of zero width or height"));
        }
        Ok(((w, h), false))
    } else {
        if d.len() < 5 || d[0] != 0x2F {
            return Err(bad("a VP8L chunk without its signature byte 0x2F"));
        }
        let bits = u32::from_le_bytes([d[1], d[2], d[3], d[4]]);
        if bits >> 29 != 0 {
            return Err(bad("a VP8L bitstream of a version other than 0"));
        }
        Ok((((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1), bits >> 28 & 1 == 1))
    }
}

/// The `webp-v1` hash: SHA-256 of [`WEBP_DOMAIN`], the flags byte, and each hashed chunk as
/// FourCC, size and payload.
///
/// # Errors
/// [`Error::WebpMalformed`] when the container does not parse, [`Error::WebpUnsupported`]
/// for an animated WebP.
pub fn webp_hash(webp: &[u8]) -> Result<B256> {
    let parsed = parse(webp)?;
    let mut h = Sha256::new();
    h.update(WEBP_DOMAIN);
    h.update([parsed.flags]);
    for c in parsed.chunks.iter().filter(|c| !c.is_excluded(webp)) {
        h.update(c.fourcc);
        h.update((c.data.len() as u32).to_le_bytes());
        h.update(&webp[c.data.clone()]);
    }
    Ok(B256::from(<[u8; 32]>::from(h.finalize())))
}

/// `webp` with `json` as its only receipt chunk, the last chunk of the RIFF. A simple file
/// becomes an extended one: a `VP8X` with the alpha flag of a lossless image that uses
/// alpha and no other flag, and the bitstream's canvas, is put first. Bytes after the
/// RIFF are kept. The caller has checked that the receipt is for this file.
///
/// # Errors
/// [`Error::WebpMalformed`] / [`Error::WebpUnsupported`] as [`webp_hash`],
/// [`Error::ReceiptChunkMalformed`] when the file would outgrow the RIFF size field.
pub(crate) fn embed(webp: &[u8], json: &str) -> Result<Vec<u8>> {
    let parsed = parse(webp)?;
    let mut body = Vec::with_capacity(webp.len() + json.len() + 64);
    body.extend_from_slice(b"WEBP");
    if !parsed.extended {
        let (w, h) = parsed.canvas;
        body.extend_from_slice(&VP8X);
        body.extend_from_slice(&10u32.to_le_bytes());
        body.extend_from_slice(&[parsed.flags, 0, 0, 0]);
        body.extend_from_slice(&(w - 1).to_le_bytes()[..3]);
        body.extend_from_slice(&(h - 1).to_le_bytes()[..3]);
    }
    for c in parsed.chunks.iter().filter(|c| !c.is_receipt(webp)) {
        body.extend_from_slice(&webp[c.span.clone()]);
    }
    let payload = RECEIPT_ID.len() + json.len();
    body.extend_from_slice(&RECEIPT_FOURCC);
    body.extend_from_slice(&(payload as u32).to_le_bytes());
    body.extend_from_slice(RECEIPT_ID);
    body.extend_from_slice(json.as_bytes());
    if payload % 2 == 1 {
        body.push(0);
    }
    if body.len() as u64 > MAX_RIFF || payload as u64 > u64::from(u32::MAX) {
        return Err(Error::ReceiptChunkMalformed {
            offset: parsed.riff_end,
            reason: format!("a receipt of {} bytes does not fit the RIFF container", json.len()),
        });
    }
    let mut out = Vec::with_capacity(8 + body.len() + webp.len() - parsed.riff_end);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(&body);
    out.extend_from_slice(&webp[parsed.riff_end..]);
    Ok(out)
}

/// The receipt chunk's JSON text, if there is one.
///
/// # Errors
/// As [`webp_hash`]; [`Error::ReceiptChunkDuplicate`] for more than one receipt chunk,
/// [`Error::ReceiptChunkMalformed`] when its text is not UTF-8.
pub(crate) fn receipt_text(webp: &[u8]) -> Result<Option<&str>> {
    let parsed = parse(webp)?;
    let found: Vec<&Chunk> = parsed.chunks.iter().filter(|c| c.is_receipt(webp)).collect();
    let chunk = match found.as_slice() {
        [] => return Ok(None),
        [one] => *one,
        more => return Err(Error::ReceiptChunkDuplicate { count: more.len() }),
    };
    let text = &webp[chunk.data.start + RECEIPT_ID.len()..chunk.data.end];
    std::str::from_utf8(text).map(Some).map_err(|_| Error::ReceiptChunkMalformed {
        offset: chunk.span.start,
        reason: "text is not UTF-8".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{
        content_hash, embed_receipt, read_receipt,
        receipt::tests::anchor,
        testutil::{webp_file, webp_pixels},
        Batch, HashKind, Receipt,
    };
    use proptest::prelude::*;

    fn receipt_for(webp: &[u8]) -> Receipt {
        let hash = content_hash(webp).unwrap();
        Batch::new(vec![hash, content_hash(b"x").unwrap()]).unwrap().receipt(0, &anchor()).unwrap()
    }

    #[test]
    fn a_simple_webp_becomes_extended_and_keeps_its_hash_and_pixels() {
        for alpha in [false, true] {
            let w = webp_file(13, 6, 1, alpha, None);
            assert!(!parse(&w).unwrap().extended, "image-webp writes a simple file");
            let hash = content_hash(&w).unwrap();
            assert_eq!(hash.kind, HashKind::Webp);
            let receipt = receipt_for(&w);
            let with = embed_receipt(&w, &receipt).unwrap();
            let parsed = parse(&with).unwrap();
            assert!(parsed.extended);
            assert_eq!(parsed.flags, if alpha { FLAG_ALPHA } else { 0 });
            assert_eq!(content_hash(&with).unwrap(), hash);
            assert_eq!(read_receipt(&with).unwrap(), Some(receipt.clone()));
            assert_eq!(webp_pixels(&with), webp_pixels(&w), "a decoder reads the same image");
            let again = embed_receipt(&with, &receipt).unwrap();
            assert_eq!(again, with, "embedding the same receipt again changes nothing");
        }
    }

    #[test]
    fn an_extended_webp_takes_the_receipt_last() {
        let w = webp_file(7, 9, 2, false, Some(b"II*\0exif"));
        assert!(parse(&w).unwrap().extended);
        let with = [embed_receipt(&w, &receipt_for(&w)).unwrap(), b"tail".to_vec()].concat();
        assert_eq!(content_hash(&with).unwrap(), content_hash(&w).unwrap());
        assert_eq!(webp_pixels(&with), webp_pixels(&w));
        let chunks = parse(&with).unwrap().chunks;
        assert_eq!(chunks.last().unwrap().fourcc, RECEIPT_FOURCC);
        assert_eq!(chunks.len(), parse(&w).unwrap().chunks.len() + 1);
        // Bytes after the RIFF are kept by a new receipt.
        let mut other = receipt_for(&w);
        other.anchor_block = 7;
        assert!(embed_receipt(&with, &other).unwrap().ends_with(b"tail"));
    }

    #[test]
    fn every_truncation_is_a_typed_error() {
        let w = embed_receipt(
            &webp_file(5, 5, 3, true, None),
            &receipt_for(&webp_file(5, 5, 3, true, None)),
        )
        .unwrap();
        for n in 0..w.len() {
            match webp_hash(&w[..n]) {
                Err(Error::WebpMalformed { .. }) => {}
                other => panic!("{n} bytes: {other:?}"),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any changed byte inside the RIFF but the receipt's and the pad bytes changes the
        /// hash or is refused; never a panic.
        #[test]
        fn any_changed_byte_changes_the_hash(seed in any::<u64>(), pick in any::<usize>(), flip in 1u8..) {
            let w = webp_file(6, 4, seed, seed % 2 == 0, None);
            let w = embed_receipt(&w, &receipt_for(&w)).unwrap();
            let parsed = parse(&w).unwrap();
            let receipt = parsed.chunks.last().unwrap().span.clone();
            let pads: Vec<usize> = parsed.chunks.iter().filter(|c| c.data.end < c.span.end).map(|c| c.data.end).collect();
            let at = pick % w.len();
            // The VP8X's reserved bits and bytes and its canvas (checked, not hashed), the
            // pad bytes and the RIFF size (a smaller one could leave the receipt outside)
            // play no part; flags bits 0x3E do.
            let vp8x_unhashed = (20..30).contains(&at) && !(at == 20 && flip & FLAG_BITS != 0);
            let unhashed = receipt.contains(&at) || pads.contains(&at) || (4..8).contains(&at);
            prop_assume!(!unhashed && !vp8x_unhashed);
            let mut changed = w.clone();
            changed[at] ^= flip;
            if let Ok(h) = webp_hash(&changed) {
                prop_assert_ne!(h, webp_hash(&w).unwrap());
            }
        }
    }
}
