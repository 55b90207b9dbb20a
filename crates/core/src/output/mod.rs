//! Output anchoring and wallet verification, the pure half: content hashes of generated
//! files, the batch's keccak Merkle tree, receipts (JSON sidecar, PNG `iTXt` chunk, JPEG
//! `APP9` segment, WebP `LNRC` chunk),
//! and the verdict from facts read off the chain.
//!
//! No network and no chain here: `lineage anchor` and `lineage verify-image` read and
//! write the chain and files on top of this API. The flow:
//!
//! - anchor: [`content_hash`] and [`decode::fingerprint_file`] of each file -> an
//!   [`Output`] each -> [`Batch::new`] -> anchor [`Batch::root`] and
//!   [`Batch::count`] -> [`Batch::receipt`] per file with the [`Anchor`] -> write
//!   [`Receipt::to_json_pretty`] to [`sidecar_path`], and for a PNG, a JPEG or a WebP
//!   [`embed_receipt`];
//! - verify: the file's receipt from [`read_receipt`] or the sidecar
//!   ([`Receipt::from_json`]), [`content_hash_as`] the file under its kind (and its
//!   fingerprint for a version-2 receipt), [`Receipt::check_chain`] against the RPC's
//!   chain id, read [`ChainFacts`], then [`judge`] -> [`Verdict`] ([`Outcome::exit_code`]: valid 0,
//!   invalid 1, cannot tell 2); with no receipt, [`Verdict::no_receipt`].
//!
//! The conventions below are the contract with wallets written in other languages.
//!
//! # Content hash
//!
//! A file is hashed under the kind its first bytes call for ([`HashKind::sniff`],
//! [`content_hash`]): a file whose first 8 bytes are the PNG signature `89 50 4E 47 0D 0A
//! 1A 0A` over its decoded pixels ([`HashKind::PngPixels`], tag `"png-pixels-v1"`); one
//! that starts `FF D8 FF` as a [JPEG](#jpeg) (`"jpeg-v1"`); one that starts `RIFF`, four
//! bytes, `WEBP` as a [WebP](#webp) (`"webp-v1"`); any other file over its bytes
//! ([`HashKind::Bytes`], tag `"bytes-v1"`). A verifier hashes a file under the kind its
//! receipt names ([`content_hash_as`]), and sniffs only when there is no receipt: a JPEG or
//! WebP anchored as `bytes-v1` (before `jpeg-v1` and `webp-v1` existed) keeps verifying,
//! and its receipt stays a sidecar (embedding would change its bytes:
//! [`Error::ReceiptNotEmbeddable`]). A file that starts as a JPEG or a WebP but does not
//! parse as one is an error, never hashed as bytes, as for a PNG. A file with the signature
//! that does not decode as a PNG (a bad CRC in a critical chunk, bad zlib data, too few
//! scanlines, truncated, no `IEND`) is an error, never hashed as bytes; so is a PNG over
//! the [size limit](#size-limit), and an animated PNG (`acTL`), whose later frames the
//! pixel hash would not cover. An ancillary chunk with a bad CRC is skipped, as libpng does
//! by default (a damaged receipt chunk thus leaves the hash alone; a damaged `tRNS` counts
//! as absent).
//!
//! **Bytes**: `SHA-256("lineage.output.bytes.v1" || 0x00 || file bytes)`.
//!
//! **PNG pixels**: `SHA-256("lineage.output.png-rgba.v1" || 0x00 || width as u32
//! big-endian || height as u32 big-endian || depth as one byte || pixels)`, where `depth`
//! is 16 when the `IHDR` bit depth is 16 and 8 otherwise, and `pixels` are all pixels in
//! row-major order (top row first, left to right), each as R, G, B, A samples of `depth`
//! bits (16-bit samples big-endian), obtained from the image data as follows:
//!
//! - Adam7 interlacing is undone (an interlaced and a plain encoding hash the same);
//! - indexed colour: the palette entry's R, G, B, and A from the `tRNS` entry of that index,
//!   or 255 when `tRNS` has no entry for it;
//! - greyscale below 8 bits: the value scaled to 8 bits by multiplying it by
//!   `255 / (2^bitdepth - 1)` (1-bit: x255, 2-bit: x85, 4-bit: x17);
//! - greyscale: R = G = B = the grey value; greyscale with alpha likewise plus its alpha;
//! - greyscale or truecolour without alpha: A is 0 when the pixel's raw value equals the
//!   `tRNS` value (compared at the image's bit depth; for depths below 16 only the low
//!   byte of each 2-byte `tRNS` sample counts), else the maximum (255 or 65535);
//! - no colour management: `gAMA`, `cHRM`, `sRGB`, `iCCP`, `sBIT` and every text or other
//!   ancillary chunk play no part, nor do the compression level, the filters or how the
//!   data is split into `IDAT` chunks. Bytes after `IEND` are ignored.
//!
//! Damaged or unusual files decode as the `png` crate decodes them with the options
//! [`content_hash`] sets; each case below is pinned by a conformance vector in
//! `crates/core/tests/vectors`:
//!
//! - the zlib stream's Adler-32 is not checked: a wrong one hashes like a right one;
//! - the image data must inflate to at least the scanlines `IHDR` asks for; more
//!   scanlines, and bytes after the end of the zlib stream, are ignored;
//! - indexed colour needs a `PLTE`; an index past the palette's end is opaque black
//!   (0, 0, 0, 255); a `tRNS` with more entries than the palette is ignored whole;
//! - a `PLTE` in a greyscale or truecolour image plays no part;
//! - a `tRNS` is ignored when it is too short (under 2 bytes for greyscale, 6 for
//!   truecolour; a longer one counts by its first 2 or 6 bytes), when it comes after the
//!   image data, when it is a second one (the first counts), or when the image has an
//!   alpha channel;
//! - an unknown ancillary chunk is ignored, an unknown critical one is an error; the
//!   `IDAT` chunks must be consecutive (an empty one among them is fine).
//!
//! So the same picture stored as RGB or as opaque RGBA hashes the same, and re-encoding
//! or adding metadata (the receipt chunk included) leaves the hash unchanged, while any
//! changed sample changes it.
//!
//! # JPEG
//!
//! **`jpeg-v1`**: `SHA-256("lineage.output.jpeg.v1" || 0x00 || S)`, where `S` is the file
//! with every *excluded segment* of its header cut out, every other byte kept as it is.
//!
//! The header is read from offset 2 (after `SOI`, `FF D8`) to the first `SOS` marker, and
//! nothing after it is parsed: the scans, later tables, `EOI` and any bytes after it (MPF
//! images, trailers) are hashed as they are. At each step a marker is due: any number of
//! `FF` fill bytes, then the marker's own `FF` and its code. A byte other than `FF` where a
//! marker is due, the file ending before a scan, a code `00`, `01` (TEM), `D0`-`D7` (RSTn),
//! `D8` (SOI) or `D9` (EOI), a 16-bit big-endian length below 2 or running past the end of
//! the file, and an `SOS` before any frame header (`SOFn`: `C0`-`CF` but `C4`, `C8`, `CC`)
//! are [`Error::JpegMalformed`] (`jpeg.malformed`). A segment spans from its marker's own
//! `FF` (fill bytes before it are not part of it) through its payload.
//!
//! Excluded: the receipt, an `APP9` segment (`FF E9`) whose payload starts with
//! `lineage-receipt` `0x00`; and C2PA's manifest store, an `APP11` segment (`FF EB`) whose
//! payload starts with `JP` and has `jumb` at payload bytes 12..16 (the JPEG XT box header:
//! identifier, instance, sequence number, box length, box type), so that a file can be
//! C2PA-signed after its receipt is embedded. Any other `APP9` or `APP11` is hashed.
//!
//! The receipt is the payload `lineage-receipt` `0x00` then the receipt's compact JSON in
//! UTF-8 (at most 65,517 bytes), in one `APP9` segment, placed right after the leading
//! `APP0` and `APP1` segments (JFIF, Exif, XMP), before ICC profiles, MPF, C2PA, tables and
//! the frame ([`embed`]); writing one removes any other. Inserting it anywhere in the header
//! and cutting it out gives back the file's bytes, so the hash is the same before and after.
//!
//! # WebP
//!
//! **`webp-v1`**: `SHA-256("lineage.output.webp.v1" || 0x00 || F || C1 || ... || Cn)`,
//! where `F` is one byte of flags and the `Ci` are the file's top-level chunks in file
//! order, but `VP8X`, the receipt and C2PA's, each as its FourCC, its size as u32
//! little-endian and its payload (no pad byte).
//!
//! The container: `RIFF`, a u32 little-endian size (even, at least 4, counted from byte 8,
//! not past the end of the file), `WEBP`, then chunks up to the RIFF's end: FourCC, u32
//! little-endian size, payload, and one pad byte after an odd payload. Bytes after the
//! RIFF's end are not hashed (as a PNG's after `IEND`). No chunk is descended into (a
//! `RIFF` or `LIST` chunk is an opaque payload). [`Error::WebpMalformed`]
//! (`webp.malformed`): a size past the end, a chunk (or its pad byte) past the RIFF's end,
//! a `VP8X` that is not the first chunk or of fewer than 10 bytes, no or two `VP8 `/`VP8L`
//! chunks, a `VP8 ` chunk that does not start with a key frame header (bit 0 of byte 0
//! clear, `9D 01 2A` at bytes 3..6, nonzero 14-bit width and height at 6..10), a `VP8L`
//! chunk without its signature byte `2F` or of a version other than 0, an extended file
//! whose `VP8X` canvas (u24 width - 1 and height - 1 at payload bytes 4..10) is not the
//! bitstream's, a simple file (no `VP8X`) with any chunk beside its image.
//! [`Error::WebpUnsupported`] (`webp.unsupported`): an animated file (an `ANIM` or `ANMF`
//! chunk, or the `VP8X` animation flag).
//!
//! `F`: in an extended file `VP8X`'s flags byte AND `3E` (ICC, alpha, EXIF, XMP,
//! animation; the reserved bits and bytes are not hashed); in a simple file the flags a
//! `VP8X` for it would have: `10` for a `VP8L` image whose alpha-is-used bit (bit 28 of
//! the u32 after its signature) is set, else `00`.
//!
//! Excluded chunks: the receipt, a chunk `LNRC` whose payload starts with `lineage-receipt`
//! `0x00` (any other `LNRC` is hashed); C2PA's `C2PA` chunk; `VP8X`, which `F` stands for.
//!
//! The receipt is the payload `lineage-receipt` `0x00` then the compact JSON, in one `LNRC`
//! chunk placed last in the RIFF ([`embed`]); writing one removes any other. A simple file
//! becomes an extended one: a `VP8X` is put first with flags `F` and the bitstream's
//! canvas, which `F` and the chunks hashed leave unchanged, so the hash is the same before
//! and after.
//!
//! # Size limit
//!
//! A PNG is hashed as pixels only when its width and its height are each at most
//! [`MAX_DIMENSION`] (65,535) and its canonical RGBA (width x height x 4 bytes, x 8 at 16
//! bits: what the hash covers, whatever the stored colour type and depth) is at most
//! [`MAX_DECODED_BYTES`] (256 MiB: 8192 x 8192 pixels at 8 bits, 8192 x 4096 at 16). A
//! larger one is [`Error::PngTooLarge`] (`png.too_large` in the vectors). The limit is
//! judged on a well-formed `IHDR`, before any other chunk is read and before anything is
//! allocated for the image; a malformed `IHDR` is a decode error whatever sizes it
//! declares. Every implementation enforces the same limit, so that a file one of them
//! verifies, all do; `lineage anchor` hashes every output, so it never anchors one that
//! a wallet would refuse.
//!
//! Why these values: a decoder in a browser tab holds the whole image (the file, the
//! inflated scanlines and the canonical RGBA, about twice 256 MiB at worst), which stays
//! under what mobile browsers let a tab use (of the order of 1 GiB before the tab is
//! killed, less on older phones) and far under the largest typed array; the Rust side
//! streams non-interlaced images row by row and holds at most 256 MiB for an interlaced
//! one. 65,535 a side keeps a decoded row under 512 KiB, far below the `png` crate's
//! 64 MiB allocation budget, so that budget never decides for an image within the limit.
//! 67 megapixels is more than image generators and most cameras produce.
//!
//! # Fingerprint
//!
//! An image's PDQ hash (Meta's ThreatExchange algorithm; [`pdq`] states every step, in
//! f32 and in order, and `script/pdq-reference.sh` checks it bit for bit against Meta's
//! C++): 256 bits and a quality from 0 to 100. Two fingerprints within
//! [`pdq::MATCH_DISTANCE`] (31) bits are the same picture; one of quality under
//! [`pdq::MIN_QUALITY`] (50) says too little and is not anchored. The pixels are 8-bit R,
//! G, B ([`decode`]): a PNG's `png-pixels-v1` pixels (a 16-bit sample's high byte), a
//! JPEG's as `zune-jpeg` decodes it (no EXIF orientation), a WebP's as `image-webp` does;
//! alpha is ignored. Bit `k` of the DCT's 16 x 16 (row-major) is bit `k % 8` of byte
//! `31 - k / 8`, so the hex is Meta's hash string. PNG pixels are the same in every
//! implementation, so its fingerprints are exact (`pdq.json` in the vectors); JPEG and
//! WebP decoders differ by a few levels, so a fingerprint is only ever compared by distance.
//!
//! A fingerprint is a claim, not a proof: it says what the image looks like, so that a
//! copy whose bytes differ (re-encoded, resized, stripped of its receipt) can be found, as
//! a lead for a person. Perceptual hashes can be attacked both ways: an adversary can
//! alter an image until its fingerprint is far from the original's, or craft an image
//! whose fingerprint is near another's. A match never makes an output valid.
//!
//! # Batch tree
//!
//! Exactly `contracts/libraries/OutputMerkle.sol` (see [`merkle`]): a version-1 leaf is the
//! 32-byte content hash as it is; a version-2 leaf is
//! `keccak256("lineage.output.leaf.v2" 0x00 || contentHash || perceptualHash)`
//! ([`leaf_v2`], `OutputMerkle.leafV2`), which binds the fingerprint to the output on
//! chain: nobody but the publisher can attach one to its batch. Nodes are
//! `keccak256(left || right)` ordered by position, odd
//! levels padded with one zero node, depth `ceil(log2 n)`, a batch of one has depth 0.
//! A proof is valid for a batch of `count` outputs only with `index < count` and exactly
//! `ceil(log2 count)` siblings ([`verify_proof`], as `LineageRegistry.verifyOutput`).
//!
//! # Receipt
//!
//! JSON, camelCase, `"version": 1` or `2` ([`Receipt`] shows every field), read as serde
//! reads it ([`Receipt::from_json`]): one object; unknown fields are ignored, a known field
//! given twice is an error; an integer field takes an integer as written (`1.0`, `1e0` and
//! `-0` are floats, and errors); `version` is read first, so an integer other than 1 and 2
//! there is a version error and anything else wrong a parse error. Version 2 has a
//! `perceptualHash` (the fingerprint its leaf commits to) and version 1 none: anything
//! else is [`Error::ReceiptInconsistent`]. A version-1 reader refuses a version-2 receipt
//! (cannot tell) rather than misread its leaf as the content hash (`receipt/json-*.json` in the
//! vectors pin each case, including serde's reading of a one-element array as the
//! version). The sidecar of
//! `FILE` is `FILE.lineage.json` ([`sidecar_path`]). In a PNG it is the text of one
//! uncompressed `iTXt` chunk with keyword `lineage-receipt` and empty language tag and
//! translated keyword, placed right before `IEND` ([`embed`]); in a JPEG and a WebP as
//! their sections above say. Whichever receipt the caller finds, the verdict compares its
//! content hash with the file's, taken under the receipt's kind, proves the receipt's leaf,
//! and for version 2 compares the anchored fingerprint with the file's own
//! (`output.fingerprint_match` within 31 bits, else `output.fingerprint_mismatch`).

pub mod decode;
pub mod embed;
mod error;
pub mod hash;
pub mod jpeg;
pub mod merkle;
pub mod pdq;
pub mod receipt;
#[cfg(test)]
mod testutil;
pub mod verdict;
pub mod webp;

pub use embed::{embed_receipt, read_receipt, RECEIPT_KEYWORD};
pub use error::{Error, Result};
pub use hash::{
    content_hash, content_hash_as, is_png, HashKind, OutputHash, MAX_DECODED_BYTES, MAX_DIMENSION,
};
pub use merkle::{compute_root, leaf_v2, tree_depth, verify_proof, OutputTree, LEAF_V2_DOMAIN};
pub use receipt::{
    leaf, sidecar_path, Anchor, Batch, Output, Receipt, RECEIPT_V1, RECEIPT_V2, SIDECAR_SUFFIX,
};
pub use verdict::{
    judge, AttestationStatus, BaseFact, Candidate, ChainFacts, Check, Code, DatasetFact,
    DatasetStatus, OnChainBatch, Outcome, Policy, Verdict,
};
