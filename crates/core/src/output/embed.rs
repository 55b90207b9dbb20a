//! The receipt inside the file: in a PNG one uncompressed `iTXt` chunk with keyword
//! [`RECEIPT_KEYWORD`], placed right before `IEND` (below); in a JPEG an `APP9` segment
//! ([`jpeg`](super::jpeg)); in a WebP an `LNRC` chunk ([`webp`](super::webp)).
//! [`embed_receipt`] and [`read_receipt`] take the format from the file's first bytes.
//!
//! The chunk's data is, as the PNG specification's iTXt layout:
//! `lineage-receipt` `\0`, compression flag `0`, compression method `0`, an empty language
//! tag `\0`, an empty translated keyword `\0`, then the receipt's compact JSON in UTF-8.
//! Writing replaces any receipt chunk already there and leaves every other chunk, and any
//! bytes after `IEND`, as they were; the pixels, and so the content hash, do not change.

use super::{
    content_hash, content_hash_as, hash::PNG_SIGNATURE, jpeg, webp, Error, HashKind, Receipt,
    Result,
};

/// The iTXt keyword of the receipt chunk.
pub const RECEIPT_KEYWORD: &str = "lineage-receipt";

const ITXT: [u8; 4] = *b"iTXt";
const IHDR: [u8; 4] = *b"IHDR";
const IEND: [u8; 4] = *b"IEND";
/// The PNG specification caps a chunk's length at 2^31 - 1.
const MAX_CHUNK_LEN: usize = (1 << 31) - 1;

/// One chunk as it lies in the file.
struct Chunk<'a> {
    /// Offset of the chunk's length field.
    offset: usize,
    ty: [u8; 4],
    data: &'a [u8],
    stored_crc: u32,
    /// The whole chunk: length, type, data and CRC.
    raw: &'a [u8],
}

impl Chunk<'_> {
    fn computed_crc(&self) -> u32 {
        let mut h = crc32fast::Hasher::new();
        h.update(&self.ty);
        h.update(self.data);
        h.finalize()
    }

    fn type_name(&self) -> String {
        String::from_utf8_lossy(&self.ty).into_owned()
    }

    /// Whether this is an iTXt chunk whose keyword is ours (its CRC not yet checked).
    fn is_receipt(&self) -> bool {
        self.ty == ITXT
            && self.data.len() > RECEIPT_KEYWORD.len()
            && self.data.starts_with(RECEIPT_KEYWORD.as_bytes())
            && self.data[RECEIPT_KEYWORD.len()] == 0
    }
}

/// The chunks from `IHDR` to `IEND` inclusive, and the offset just past `IEND`.
fn chunks(png: &[u8]) -> Result<(Vec<Chunk<'_>>, usize)> {
    let malformed = |offset: usize, reason: String| Error::PngMalformed { offset, reason };
    if !png.starts_with(&PNG_SIGNATURE) {
        return Err(malformed(0, "no PNG signature".into()));
    }
    let mut chunks = Vec::new();
    let mut at = PNG_SIGNATURE.len();
    loop {
        let header = png
            .get(at..at + 8)
            .ok_or_else(|| malformed(at, "file ends before IEND (truncated?)".into()))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let ty = [header[4], header[5], header[6], header[7]];
        if len > MAX_CHUNK_LEN {
            return Err(malformed(at, format!("chunk length {len} exceeds 2^31-1")));
        }
        let end = at + 12 + len;
        let raw = png.get(at..end).ok_or_else(|| {
            malformed(
                at,
                format!(
                    "chunk {} of {len} bytes runs past the end of the file",
                    String::from_utf8_lossy(&ty)
                ),
            )
        })?;
        let crc = &raw[8 + len..];
        let chunk = Chunk {
            offset: at,
            ty,
            data: &raw[8..8 + len],
            stored_crc: u32::from_be_bytes([crc[0], crc[1], crc[2], crc[3]]),
            raw,
        };
        if chunks.is_empty() && ty != IHDR {
            return Err(malformed(
                at,
                format!("first chunk is {} instead of IHDR", chunk.type_name()),
            ));
        }
        chunks.push(chunk);
        at = end;
        if ty == IEND {
            return Ok((chunks, at));
        }
    }
}

/// The receipt chunk: keyword, no compression, empty language and translated keyword.
fn receipt_chunk(json: &str) -> Vec<u8> {
    let mut data = Vec::with_capacity(RECEIPT_KEYWORD.len() + 5 + json.len());
    data.extend_from_slice(RECEIPT_KEYWORD.as_bytes());
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(json.as_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(&ITXT);
    crc.update(&data);
    let mut chunk = Vec::with_capacity(data.len() + 12);
    chunk.extend_from_slice(&(data.len() as u32).to_be_bytes());
    chunk.extend_from_slice(&ITXT);
    chunk.extend_from_slice(&data);
    chunk.extend_from_slice(&crc.finalize().to_be_bytes());
    chunk
}

/// Writes `receipt` into `file` (a PNG, a JPEG or a WebP, by its first bytes), replacing
/// any receipt there, and returns the new file. The receipt must be for this file under
/// the kind of its format: its content hash is recomputed.
///
/// # Errors
/// For a PNG: [`Error::PngMalformed`] for a broken chunk layout, [`Error::PngChunkCrc`]
/// when a chunk other than an old receipt is corrupted, [`Error::PngDecode`] when the image
/// does not decode. For a JPEG or WebP: [`Error::JpegMalformed`], [`Error::WebpMalformed`]
/// or [`Error::WebpUnsupported`]. For any format: [`Error::ReceiptNotEmbeddable`] when the
/// receipt's kind is not the format's (any other file is [`Error::PngMalformed`], as it has
/// no PNG signature), [`Error::ReceiptMismatch`] when the receipt is for other content.
pub fn embed_receipt(file: &[u8], receipt: &Receipt) -> Result<Vec<u8>> {
    let kind = HashKind::sniff(file);
    let embed: fn(&[u8], &str) -> Result<Vec<u8>> = match kind {
        HashKind::Jpeg => jpeg::embed,
        HashKind::Webp => webp::embed,
        HashKind::PngPixels | HashKind::Bytes => return embed_png(file, receipt),
    };
    if receipt.hash_kind != kind {
        return Err(Error::ReceiptNotEmbeddable { kind: receipt.hash_kind, format: kind.format() });
    }
    let hash = content_hash_as(file, kind)?;
    if hash != receipt.output_hash() {
        return Err(Error::ReceiptMismatch { receipt: receipt.content_hash, file: hash.hash });
    }
    embed(file, &receipt.to_json()?)
}

/// [`embed_receipt`] for a PNG.
fn embed_png(png: &[u8], receipt: &Receipt) -> Result<Vec<u8>> {
    let (chunks, end) = chunks(png)?;
    let json = receipt.to_json()?;
    if json.len() > MAX_CHUNK_LEN - RECEIPT_KEYWORD.len() - 5 {
        return Err(Error::ReceiptChunkMalformed {
            offset: end,
            reason: format!("receipt of {} bytes does not fit one chunk", json.len()),
        });
    }
    let mut out = Vec::with_capacity(png.len() + json.len() + 64);
    out.extend_from_slice(&PNG_SIGNATURE);
    for chunk in &chunks {
        if chunk.is_receipt() {
            // An old receipt, corrupted or not, is replaced.
            continue;
        }
        let computed = chunk.computed_crc();
        if computed != chunk.stored_crc {
            return Err(Error::PngChunkCrc {
                chunk: chunk.type_name(),
                offset: chunk.offset,
                stored: chunk.stored_crc,
                computed,
            });
        }
        if chunk.ty == IEND {
            // The pixels must be the receipt's: hash the file as it is without a receipt.
            let file = content_hash(&[out.as_slice(), chunk.raw].concat())?;
            if file != receipt.output_hash() {
                return Err(Error::ReceiptMismatch {
                    receipt: receipt.content_hash,
                    file: file.hash,
                });
            }
            out.extend_from_slice(&receipt_chunk(&json));
        }
        out.extend_from_slice(chunk.raw);
    }
    out.extend_from_slice(&png[end..]);
    Ok(out)
}

/// Reads the receipt embedded in `file` (a PNG, a JPEG or a WebP, by its first bytes), if
/// there is one.
///
/// # Errors
/// [`Error::PngMalformed`] for a broken chunk layout (and for a file of no format that
/// embeds), [`Error::JpegMalformed`], [`Error::WebpMalformed`] or
/// [`Error::WebpUnsupported`] likewise, [`Error::ReceiptChunkDuplicate`] for more than one
/// receipt, [`Error::ReceiptChunkCrc`] when a PNG's receipt chunk was damaged,
/// [`Error::ReceiptChunkMalformed`] when it is not an uncompressed UTF-8 iTXt chunk (or a
/// JPEG's or WebP's text is not UTF-8), [`Error::ReceiptParse`] / [`Error::ReceiptVersion`]
/// when its text is not a receipt this build reads.
pub fn read_receipt(file: &[u8]) -> Result<Option<Receipt>> {
    let text = match HashKind::sniff(file) {
        HashKind::Jpeg => jpeg::receipt_text(file)?,
        HashKind::Webp => webp::receipt_text(file)?,
        HashKind::PngPixels | HashKind::Bytes => return read_png_receipt(file),
    };
    text.map(|t| Receipt::from_json(t.as_bytes())).transpose()
}

/// [`read_receipt`] for a PNG.
fn read_png_receipt(png: &[u8]) -> Result<Option<Receipt>> {
    let (chunks, _) = chunks(png)?;
    let found: Vec<&Chunk<'_>> = chunks.iter().filter(|c| c.is_receipt()).collect();
    let chunk = match found.as_slice() {
        [] => return Ok(None),
        [one] => *one,
        more => return Err(Error::ReceiptChunkDuplicate { count: more.len() }),
    };
    let computed = chunk.computed_crc();
    if computed != chunk.stored_crc {
        return Err(Error::ReceiptChunkCrc {
            offset: chunk.offset,
            stored: chunk.stored_crc,
            computed,
        });
    }
    let malformed = |reason: &str| Error::ReceiptChunkMalformed {
        offset: chunk.offset,
        reason: reason.to_owned(),
    };
    let rest = &chunk.data[RECEIPT_KEYWORD.len() + 1..];
    let [flag, method, rest @ ..] = rest else {
        return Err(malformed("ends before its compression fields"));
    };
    if *flag != 0 || *method != 0 {
        return Err(malformed("compressed; receipts are written uncompressed"));
    }
    let mut parts = rest.splitn(3, |&b| b == 0);
    let (Some(_language), Some(_translated), Some(text)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("missing the language tag or translated keyword terminator"));
    };
    let text = std::str::from_utf8(text).map_err(|_| malformed("text is not UTF-8"))?;
    Receipt::from_json(text.as_bytes()).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{
        receipt::tests::anchor,
        testutil::{encode, rgba_image, with_text_chunk, Image},
        Batch, HashKind,
    };
    use png::Compression;
    use proptest::prelude::*;

    /// A PNG and a receipt for it in a batch with other outputs.
    fn png_and_receipt(seed: u64) -> (Vec<u8>, Receipt) {
        let png = encode(&rgba_image(16, 9, seed));
        let mut hashes: Vec<_> = (0..4u8).map(|i| content_hash(&[i]).unwrap()).collect();
        hashes.insert(2, content_hash(&png).unwrap());
        let receipt = Batch::new(hashes).unwrap().receipt(2, &anchor()).unwrap();
        (png, receipt)
    }

    fn find(png: &[u8], needle: &[u8]) -> usize {
        png.windows(needle.len()).position(|w| w == needle).unwrap()
    }

    #[test]
    fn embed_then_read_round_trips_and_keeps_the_hash() {
        let (png, receipt) = png_and_receipt(1);
        assert_eq!(read_receipt(&png).unwrap(), None);
        let with = embed_receipt(&png, &receipt).unwrap();
        assert_eq!(read_receipt(&with).unwrap(), Some(receipt.clone()));
        assert_eq!(content_hash(&with).unwrap(), content_hash(&png).unwrap());
        assert_eq!(content_hash(&with).unwrap().kind, HashKind::PngPixels);
        // The chunk sits right before IEND and the file still ends with IEND.
        let itxt = find(&with, b"iTXtlineage-receipt\0");
        let iend = find(&with, b"IEND");
        assert!(itxt < iend);
        assert!(with.ends_with(&[0xae, 0x42, 0x60, 0x82]));
        // The png crate reads the text back as an ordinary iTXt chunk.
        let decoder = png::Decoder::new(std::io::Cursor::new(&with));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        reader.finish().unwrap();
        let texts = &reader.info().utf8_text;
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0].keyword, RECEIPT_KEYWORD);
        assert_eq!(texts[0].get_text().unwrap(), receipt.to_json().unwrap());
    }

    #[test]
    fn embedding_again_replaces_the_receipt() {
        let (png, receipt) = png_and_receipt(2);
        let once = embed_receipt(&png, &receipt).unwrap();
        let mut other = receipt.clone();
        other.anchor_block = 99;
        let twice = embed_receipt(&once, &other).unwrap();
        assert_eq!(twice.windows(15).filter(|w| w == b"lineage-receipt").count(), 1);
        assert_eq!(read_receipt(&twice).unwrap(), Some(other));
        assert_eq!(content_hash(&twice).unwrap(), content_hash(&png).unwrap());
        // Embedding the same receipt twice is idempotent.
        assert_eq!(embed_receipt(&once, &receipt).unwrap(), once);
    }

    #[test]
    fn other_metadata_and_recompression_keep_the_hash() {
        let img = rgba_image(20, 10, 3);
        let base = content_hash(&encode(&img)).unwrap();
        for compression in [Compression::Fastest, Compression::High] {
            let png = encode(&Image { compression, ..img.clone() });
            let tagged = with_text_chunk(&png, "Comment", "made by a model");
            assert_eq!(content_hash(&tagged).unwrap(), base);
            let (_, receipt) = png_and_receipt(3);
            let receipt = Receipt { content_hash: base.hash, ..receipt };
            let with = embed_receipt(&tagged, &receipt).unwrap();
            assert_eq!(content_hash(&with).unwrap(), base);
            assert_eq!(read_receipt(&with).unwrap(), Some(receipt));
        }
    }

    #[test]
    fn bytes_after_iend_are_kept_and_do_not_count() {
        let (png, receipt) = png_and_receipt(10);
        let trailing = [png.as_slice(), b"trailing bytes"].concat();
        assert_eq!(content_hash(&trailing).unwrap(), content_hash(&png).unwrap());
        let with = embed_receipt(&trailing, &receipt).unwrap();
        assert!(with.ends_with(b"IEND\xaeB`\x82trailing bytes"));
        assert_eq!(read_receipt(&with).unwrap(), Some(receipt));
        assert_eq!(content_hash(&with).unwrap(), content_hash(&png).unwrap());
    }

    #[test]
    fn a_receipt_for_other_content_is_not_embedded() {
        let (_, receipt) = png_and_receipt(4);
        let other_png = encode(&rgba_image(16, 9, 5));
        let err = embed_receipt(&other_png, &receipt).unwrap_err();
        assert!(matches!(err, Error::ReceiptMismatch { .. }), "{err}");
    }

    #[test]
    fn corrupted_receipt_crc_is_a_typed_error() {
        let (png, receipt) = png_and_receipt(6);
        let mut with = embed_receipt(&png, &receipt).unwrap();
        let at = find(&with, b"\"leafIndex\"") + 2;
        with[at] ^= 0x20;
        let err = read_receipt(&with).unwrap_err();
        assert!(matches!(err, Error::ReceiptChunkCrc { .. }), "{err}");
        assert!(err.to_string().contains("corrupted"), "{err}");
        // The pixels are intact: the damaged ancillary chunk is skipped, as libpng does, so
        // a sidecar receipt can still vouch for the file.
        assert_eq!(content_hash(&with).unwrap(), content_hash(&png).unwrap());
        // A fresh receipt repairs the file.
        let repaired = embed_receipt(&with, &receipt).unwrap();
        assert_eq!(read_receipt(&repaired).unwrap(), Some(receipt));
    }

    #[test]
    fn bad_json_in_a_valid_chunk_is_a_typed_error() {
        let (png, _) = png_and_receipt(7);
        let bad = with_text_chunk_before_iend(&png, b"{\"version\": 1, \"chainId\": }");
        let err = read_receipt(&bad).unwrap_err();
        assert!(matches!(err, Error::ReceiptParse { .. }), "{err}");
        let newer = with_text_chunk_before_iend(&png, b"{\"version\": 7}");
        assert!(matches!(
            read_receipt(&newer).unwrap_err(),
            Error::ReceiptVersion { found: 7, expected: 2 }
        ));
        let not_utf8 = with_text_chunk_before_iend(&png, &[0xff, 0xfe]);
        assert!(matches!(
            read_receipt(&not_utf8).unwrap_err(),
            Error::ReceiptChunkMalformed { .. }
        ));
        // Two receipt chunks: which one is meant is unknown.
        let two = with_text_chunk_before_iend(&newer, b"{}");
        assert!(matches!(
            read_receipt(&two).unwrap_err(),
            Error::ReceiptChunkDuplicate { count: 2 }
        ));
    }

    #[test]
    fn compressed_receipt_chunk_is_refused() {
        let (png, _) = png_and_receipt(8);
        let mut data = RECEIPT_KEYWORD.as_bytes().to_vec();
        data.extend_from_slice(&[0, 1, 0, 0, 0, b'x']);
        let bad = raw_chunk_before_iend(&png, b"iTXt", &data);
        let err = read_receipt(&bad).unwrap_err();
        assert!(matches!(err, Error::ReceiptChunkMalformed { .. }), "{err}");
        assert!(err.to_string().contains("compressed"));
    }

    #[test]
    fn broken_layouts_are_typed_errors() {
        let (png, receipt) = png_and_receipt(9);
        let truncated = &png[..png.len() - 6];
        assert!(matches!(read_receipt(truncated), Err(Error::PngMalformed { .. })));
        assert!(matches!(embed_receipt(truncated, &receipt), Err(Error::PngMalformed { .. })));
        assert!(matches!(read_receipt(b"not a png"), Err(Error::PngMalformed { offset: 0, .. })));
        // A damaged IDAT: no receipt is written into it.
        let mut bad = png.clone();
        let idat = find(&bad, b"IDAT");
        bad[idat + 5] ^= 1;
        assert!(matches!(
            embed_receipt(&bad, &receipt),
            Err(Error::PngChunkCrc { ref chunk, .. }) if chunk == "IDAT"
        ));
    }

    /// `png` with a chunk of type `ty` and data `data` inserted before IEND.
    fn raw_chunk_before_iend(png: &[u8], ty: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let iend = png.len() - 12;
        let mut crc = crc32fast::Hasher::new();
        crc.update(ty);
        crc.update(data);
        [
            &png[..iend],
            &(data.len() as u32).to_be_bytes(),
            ty,
            data,
            &crc.finalize().to_be_bytes(),
            &png[iend..],
        ]
        .concat()
    }

    /// `png` with a well-formed receipt chunk holding `text` (any bytes) before IEND.
    fn with_text_chunk_before_iend(png: &[u8], text: &[u8]) -> Vec<u8> {
        let mut data = RECEIPT_KEYWORD.as_bytes().to_vec();
        data.extend_from_slice(&[0, 0, 0, 0, 0]);
        data.extend_from_slice(text);
        raw_chunk_before_iend(png, b"iTXt", &data)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Embedding never changes the hash and always reads back, for any image.
        #[test]
        fn embedding_keeps_the_hash(w in 1u32..24, h in 1u32..24, seed in any::<u64>(), interlaced in any::<bool>()) {
            let png = encode(&Image { interlaced, ..rgba_image(w, h, seed) });
            let hash = content_hash(&png).unwrap();
            let receipt = Batch::new(vec![hash]).unwrap().receipt(0, &anchor()).unwrap();
            let with = embed_receipt(&png, &receipt).unwrap();
            prop_assert_eq!(content_hash(&with).unwrap(), hash);
            prop_assert_eq!(read_receipt(&with).unwrap(), Some(receipt));
        }
    }
}
