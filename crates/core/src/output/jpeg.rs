//! JPEG files: the `jpeg-v1` content hash, and the receipt in an `APP9` segment.
//!
//! The exact conventions are in the [module docs](super#jpeg). Only the header is parsed:
//! the marker segments from `SOI` to the first `SOS`. Everything from that `SOS` marker to
//! the end of the file (the scans, later tables, `EOI` and any trailer) is hashed as it is
//! and never parsed, so there is no entropy decoding and nothing here depends on it.

use super::{Error, Result};
use alloy_primitives::B256;
use sha2::{Digest, Sha256};
use std::ops::Range;

/// Domain prefix of [`HashKind::Jpeg`](super::HashKind::Jpeg).
pub const JPEG_DOMAIN: &[u8] = b"lineage.output.jpeg.v1\0";

/// What starts the payload of the receipt's `APP9` segment, before its JSON.
pub const RECEIPT_ID: &[u8; 16] = b"lineage-receipt\0";

/// The `APP9` marker code, the receipt's segment.
const APP9: u8 = 0xE9;
/// The `APP11` marker code, C2PA's JUMBF boxes.
const APP11: u8 = 0xEB;
const SOS: u8 = 0xDA;
/// A segment's payload is at most this long (its 16-bit length counts itself).
const MAX_PAYLOAD: usize = 0xFFFF - 2;

/// Whether `bytes` start as a JPEG does: `SOI` and the `FF` of a marker.
pub fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
}

/// One marker segment of the header.
struct Segment {
    /// Its marker code (the byte after `FF`).
    code: u8,
    /// From the marker's `FF` (the last one, after any fill bytes) to the end of its payload.
    span: Range<usize>,
    /// The payload, after the two length bytes.
    payload: Range<usize>,
}

impl Segment {
    fn payload<'a>(&self, jpeg: &'a [u8]) -> &'a [u8] {
        &jpeg[self.payload.clone()]
    }

    /// The Lineage receipt: `APP9` whose payload starts with [`RECEIPT_ID`].
    fn is_receipt(&self, jpeg: &[u8]) -> bool {
        self.code == APP9 && self.payload(jpeg).starts_with(RECEIPT_ID)
    }

    /// A C2PA manifest store: `APP11` holding a JPEG XT box of type `jumb` (the common
    /// identifier `JP`, then box instance, sequence number, box length and type).
    fn is_c2pa(&self, jpeg: &[u8]) -> bool {
        let p = self.payload(jpeg);
        self.code == APP11 && p.len() >= 16 && p.starts_with(b"JP") && &p[12..16] == b"jumb"
    }

    /// Cut out of the bytes `jpeg-v1` hashes.
    fn is_excluded(&self, jpeg: &[u8]) -> bool {
        self.is_receipt(jpeg) || self.is_c2pa(jpeg)
    }
}

/// A start-of-frame marker: `C0`-`CF` but `C4` (DHT), `C8` (JPG) and `CC` (DAC).
fn is_sof(code: u8) -> bool {
    (0xC0..=0xCF).contains(&code) && !matches!(code, 0xC4 | 0xC8 | 0xCC)
}

/// The header's segments, from `SOI` to the first `SOS`.
fn header(jpeg: &[u8]) -> Result<Vec<Segment>> {
    let malformed = |offset: usize, reason: String| Error::JpegMalformed { offset, reason };
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return Err(malformed(0, "no SOI marker (FF D8)".into()));
    }
    let mut segments = Vec::new();
    let mut frame = false;
    let mut at = 2;
    loop {
        match jpeg.get(at) {
            None => return Err(malformed(at, "the file ends before its first scan (SOS)".into())),
            Some(0xFF) => {}
            Some(b) => return Err(malformed(at, format!("{b:#04x} where a marker is due"))),
        }
        // Fill bytes: any number of FF before the marker's own.
        while jpeg.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let code = *jpeg
            .get(at + 1)
            .ok_or_else(|| malformed(at, "the file ends inside a marker".into()))?;
        if matches!(code, 0x00 | 0x01 | 0xD0..=0xD9) {
            return Err(malformed(at, format!("marker FF {code:02X} before the first scan")));
        }
        let len = jpeg
            .get(at + 2..at + 4)
            .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
            .ok_or_else(|| malformed(at, "the file ends inside a segment length".into()))?;
        if len < 2 {
            return Err(malformed(at, format!("segment length {len} (at least 2)")));
        }
        let end = at + 2 + len;
        if end > jpeg.len() {
            return Err(malformed(
                at,
                format!("segment FF {code:02X} of {len} bytes runs past the end of the file"),
            ));
        }
        if code == SOS {
            if !frame {
                return Err(malformed(at, "a scan before any frame header (SOFn)".into()));
            }
            return Ok(segments);
        }
        frame |= is_sof(code);
        segments.push(Segment { code, span: at..end, payload: at + 4..end });
        at = end;
    }
}

/// The `jpeg-v1` hash: SHA-256 of [`JPEG_DOMAIN`] and the file without its excluded
/// segments.
///
/// # Errors
/// [`Error::JpegMalformed`] when the header does not parse.
pub fn jpeg_hash(jpeg: &[u8]) -> Result<B256> {
    let header = header(jpeg)?;
    let excluded: Vec<Range<usize>> =
        header.iter().filter(|s| s.is_excluded(jpeg)).map(|s| s.span.clone()).collect();
    let mut h = Sha256::new();
    h.update(JPEG_DOMAIN);
    for piece in without(jpeg, &excluded, 0..jpeg.len()) {
        h.update(piece);
    }
    Ok(B256::from(<[u8; 32]>::from(h.finalize())))
}

/// The bytes of `jpeg[range]` but the `cut` spans within it (in file order, not
/// overlapping), as consecutive pieces.
fn without<'a>(jpeg: &'a [u8], cut: &[Range<usize>], range: Range<usize>) -> Vec<&'a [u8]> {
    let inside: Vec<&Range<usize>> =
        cut.iter().filter(|c| range.start <= c.start && c.end <= range.end).collect();
    let starts = std::iter::once(range.start).chain(inside.iter().map(|c| c.end));
    let ends = inside.iter().map(|c| c.start).chain(std::iter::once(range.end));
    starts.zip(ends).map(|(a, b)| &jpeg[a..b]).collect()
}

/// `jpeg` with `json` as its only receipt segment: every receipt segment in the header is
/// removed and one is inserted right before the first header segment that is neither
/// `APP0` nor `APP1` (after JFIF, Exif and XMP; before ICC, MPF, C2PA, tables and frame).
/// The caller has checked that the receipt is for this file.
///
/// # Errors
/// [`Error::JpegMalformed`] when the header does not parse, [`Error::ReceiptChunkMalformed`]
/// when the receipt does not fit one segment.
pub(crate) fn embed(jpeg: &[u8], json: &str) -> Result<Vec<u8>> {
    let header = header(jpeg)?;
    if json.len() > MAX_PAYLOAD - RECEIPT_ID.len() {
        return Err(Error::ReceiptChunkMalformed {
            offset: 0,
            reason: format!("a receipt of {} bytes does not fit one JPEG segment", json.len()),
        });
    }
    let kept: Vec<&Segment> = header.iter().filter(|s| !s.is_receipt(jpeg)).collect();
    // Right after the last leading APP0/APP1, or after SOI. (A frame header always
    // follows, so the segment lands in the header.)
    let at =
        kept.iter().take_while(|s| matches!(s.code, 0xE0 | 0xE1)).last().map_or(2, |s| s.span.end);
    let mut segment = Vec::with_capacity(4 + RECEIPT_ID.len() + json.len());
    segment.extend_from_slice(&[0xFF, APP9]);
    segment.extend_from_slice(&((2 + RECEIPT_ID.len() + json.len()) as u16).to_be_bytes());
    segment.extend_from_slice(RECEIPT_ID);
    segment.extend_from_slice(json.as_bytes());
    let receipts: Vec<Range<usize>> =
        header.iter().filter(|s| s.is_receipt(jpeg)).map(|s| s.span.clone()).collect();
    // `at` is a kept segment's end (or SOI's), never inside a receipt segment.
    let mut out = Vec::with_capacity(jpeg.len() + segment.len());
    without(jpeg, &receipts, 0..at).into_iter().for_each(|p| out.extend_from_slice(p));
    out.extend_from_slice(&segment);
    without(jpeg, &receipts, at..jpeg.len()).into_iter().for_each(|p| out.extend_from_slice(p));
    Ok(out)
}

/// The receipt segment's JSON text, if there is one.
///
/// # Errors
/// [`Error::JpegMalformed`] when the header does not parse,
/// [`Error::ReceiptChunkDuplicate`] for more than one receipt segment,
/// [`Error::ReceiptChunkMalformed`] when its text is not UTF-8.
pub(crate) fn receipt_text(jpeg: &[u8]) -> Result<Option<&str>> {
    let header = header(jpeg)?;
    let found: Vec<&Segment> = header.iter().filter(|s| s.is_receipt(jpeg)).collect();
    let segment = match found.as_slice() {
        [] => return Ok(None),
        [one] => one,
        more => return Err(Error::ReceiptChunkDuplicate { count: more.len() }),
    };
    let text = &segment.payload(jpeg)[RECEIPT_ID.len()..];
    std::str::from_utf8(text).map(Some).map_err(|_| Error::ReceiptChunkMalformed {
        offset: segment.span.start,
        reason: "text is not UTF-8".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{
        content_hash, content_hash_as, embed_receipt, read_receipt,
        receipt::tests::anchor,
        testutil::{jpeg_file, jpeg_pixels},
        Batch, HashKind,
    };
    use proptest::prelude::*;

    /// A minimal JPEG header around a scan: SOI, APP0 JFIF, DQT, SOF0, SOS, scan bytes, EOI.
    fn tiny() -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8];
        j.extend_from_slice(&[0xFF, 0xE0, 0, 16]);
        j.extend_from_slice(b"JFIF\0\x01\x02\0\0\x01\0\x01\0\0");
        j.extend_from_slice(&[0xFF, 0xDB, 0, 4, 0, 1]);
        j.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
        j.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0]);
        j.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        j.extend_from_slice(&[0xFF, 0xD9]);
        j
    }

    /// A C2PA manifest store's first APP11 segment payload (JPEG XT box header, `jumb`).
    const C2PA: &[u8] = b"JP\x02\x11\0\0\0\x01\0\0\0\x20jumbc2pa manifest bytes";

    fn segment(code: u8, payload: &[u8]) -> Vec<u8> {
        [&[0xFF, code][..], &((payload.len() + 2) as u16).to_be_bytes(), payload].concat()
    }

    fn receipt_for(jpeg: &[u8]) -> crate::output::Receipt {
        let hash = content_hash(jpeg).unwrap();
        Batch::new(vec![content_hash(b"x").unwrap(), hash]).unwrap().receipt(1, &anchor()).unwrap()
    }

    #[test]
    fn an_encoded_jpeg_takes_a_receipt_and_keeps_its_hash_and_pixels() {
        let j =
            jpeg_file(33, 17, 1, &[(1, b"Exif\0\0fake exif"), (2, b"ICC_PROFILE\0\x01\x01icc")]);
        let hash = content_hash(&j).unwrap();
        assert_eq!(hash.kind, HashKind::Jpeg);
        assert_ne!(hash, content_hash_as(&j, HashKind::Bytes).unwrap());
        assert_eq!(read_receipt(&j).unwrap(), None);
        let receipt = receipt_for(&j);
        let with = embed_receipt(&j, &receipt).unwrap();
        assert_eq!(content_hash(&with).unwrap(), hash);
        assert_eq!(read_receipt(&with).unwrap(), Some(receipt.clone()));
        assert_eq!(jpeg_pixels(&with), jpeg_pixels(&j), "a decoder skips the segment");
        // After JFIF and Exif, before the ICC profile.
        let app9 = with.windows(4).position(|w| w == [0xFF, 0xE9, w[2], w[3]]).unwrap();
        let icc = with.windows(11).position(|w| w == b"ICC_PROFILE").unwrap();
        let exif = with.windows(4).position(|w| w == b"Exif").unwrap();
        assert!(exif < app9 && app9 < icc);
        // Embedding again replaces it; the same receipt twice is idempotent.
        let mut other = receipt.clone();
        other.anchor_block = 99;
        let twice = embed_receipt(&with, &other).unwrap();
        assert_eq!(read_receipt(&twice).unwrap(), Some(other));
        assert_eq!(embed_receipt(&twice, &receipt).unwrap(), with);
        // Another file's receipt, and a bytes-v1 receipt, are refused.
        let err = embed_receipt(&jpeg_file(33, 17, 2, &[]), &receipt).unwrap_err();
        assert!(matches!(err, Error::ReceiptMismatch { .. }), "{err}");
        let bytes = crate::output::Receipt { hash_kind: HashKind::Bytes, ..receipt };
        let err = embed_receipt(&j, &bytes).unwrap_err();
        assert!(matches!(err, Error::ReceiptNotEmbeddable { .. }), "{err}");
    }

    #[test]
    fn the_hash_covers_every_byte_but_the_receipt_and_c2pa_segments() {
        let j = tiny();
        let h = jpeg_hash(&j).unwrap();
        let with = embed(&j, "{\"a\":1}").unwrap();
        assert_eq!(jpeg_hash(&with).unwrap(), h);
        assert_eq!(receipt_text(&with).unwrap(), Some("{\"a\":1}"));
        assert_eq!(&with[20..24], &[0xFF, APP9, 0, 2 + 16 + 7], "after APP0, before DQT");
        // A C2PA APP11 box is cut out too; another APP11 or APP9 is hashed.
        let at = 20;
        let insert = |seg: Vec<u8>| [&j[..at], &seg, &j[at..]].concat();
        assert_eq!(jpeg_hash(&insert(segment(APP11, C2PA))).unwrap(), h);
        assert_ne!(jpeg_hash(&insert(segment(APP11, b"JP\x02\x11not a box"))).unwrap(), h);
        assert_ne!(jpeg_hash(&insert(segment(APP9, b"lineage-receipX"))).unwrap(), h);
        // Fill bytes and the tail after the first scan (trailers included) count.
        assert_ne!(jpeg_hash(&[&j[..at], &[0xFF][..], &j[at..]].concat()).unwrap(), h);
        assert_ne!(jpeg_hash(&[&j[..], b"trailer"].concat()).unwrap(), h);
        // The domain: SHA-256 of the prefix and the file.
        let mut sha = Sha256::new();
        sha.update(b"lineage.output.jpeg.v1\0");
        sha.update(&j);
        assert_eq!(h, B256::from(<[u8; 32]>::from(sha.finalize())));
    }

    #[test]
    fn hostile_headers_are_typed_errors() {
        let j = tiny();
        let bad = |b: &[u8]| match jpeg_hash(b) {
            Err(Error::JpegMalformed { offset, reason }) => (offset, reason),
            other => panic!("{other:?} for {b:02x?}"),
        };
        // Every truncation inside the header.
        for n in 0..30 {
            bad(&j[..n]);
        }
        bad(&[0xFF, 0xD8, 0xFF, 0xFF, 0xFF]);
        assert!(bad(&[&j[..2], &[0x00], &j[2..]].concat()).1.contains("where a marker is due"));
        for code in [0x00, 0x01, 0xD0, 0xD8, 0xD9] {
            bad(&[&j[..2], &[0xFF, code], &j[2..]].concat());
        }
        for len in [0u16, 1, 0xFFFF] {
            bad(&[&j[..2], &[0xFF, 0xE3], &len.to_be_bytes(), &j[2..]].concat());
        }
        // A scan before the frame header.
        let sof = 26;
        assert!(bad(&[&j[..sof], &j[sof + 13..]].concat()).1.contains("before any frame header"));
        // Both receipts readers refuse two receipts and non-UTF-8 text.
        let two = [
            &j[..2],
            &segment(APP9, b"lineage-receipt\0{}"),
            &segment(APP9, b"lineage-receipt\0{}"),
            &j[2..],
        ]
        .concat();
        assert!(matches!(receipt_text(&two), Err(Error::ReceiptChunkDuplicate { count: 2 })));
        let latin = [&j[..2], &segment(APP9, b"lineage-receipt\0\xff"), &j[2..]].concat();
        assert!(matches!(receipt_text(&latin), Err(Error::ReceiptChunkMalformed { .. })));
        assert!(embed(&j, &"x".repeat(65_518)).is_err());
        assert!(embed(&j, &"x".repeat(65_517)).is_ok());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// A receipt segment inserted at any segment boundary of the header hashes as the
        /// file without it, and reads back.
        #[test]
        fn a_receipt_anywhere_in_the_header_is_cut(seed in any::<u64>(), pick in any::<usize>()) {
            let j = jpeg_file(9, 7, seed, &[(1, b"Exif\0\0x"), (11, C2PA)]);
            let bounds: Vec<usize> = std::iter::once(2).chain(header(&j).unwrap().iter().map(|s| s.span.end)).collect();
            let at = bounds[pick % bounds.len()];
            let with = [&j[..at], &segment(APP9, b"lineage-receipt\0{}"), &j[at..]].concat();
            prop_assert_eq!(jpeg_hash(&with).unwrap(), jpeg_hash(&j).unwrap());
            prop_assert_eq!(receipt_text(&with).unwrap(), Some("{}"));
        }

        /// One changed byte outside the receipt and C2PA segments changes the hash or
        /// makes the file malformed; never a panic.
        #[test]
        fn any_other_changed_byte_changes_the_hash(seed in any::<u64>(), pick in any::<usize>(), flip in 1u8..) {
            let j = embed(&jpeg_file(9, 7, seed, &[]), "{}").unwrap();
            let h = jpeg_hash(&j).unwrap();
            let receipt = header(&j).unwrap().into_iter().find(|s| s.is_receipt(&j)).unwrap().span;
            let at = pick % j.len();
            prop_assume!(!receipt.contains(&at));
            let mut changed = j.clone();
            changed[at] ^= flip;
            if let Ok(other) = jpeg_hash(&changed) {
                prop_assert_ne!(other, h);
            }
        }
    }
}
