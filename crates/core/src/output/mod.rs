//! Output anchoring and wallet verification, the pure half: content hashes of generated
//! files, the batch's keccak Merkle tree, receipts (JSON sidecar and PNG `iTXt` chunk),
//! and the verdict from facts read off the chain.
//!
//! No network and no chain here: `lineage anchor` and `lineage verify-image` read and
//! write the chain and files on top of this API. The flow:
//!
//! - anchor: [`content_hash`] of each file -> [`Batch::new`] -> anchor [`Batch::root`] and
//!   [`Batch::count`] -> [`Batch::receipt`] per file with the [`Anchor`] -> write
//!   [`Receipt::to_json_pretty`] to [`sidecar_path`], and for a PNG [`embed_receipt`];
//! - verify: [`content_hash`] of the file, its receipt from [`read_receipt`] or the sidecar
//!   ([`Receipt::from_json`]), [`Receipt::check_chain`] against the RPC's chain id, read
//!   [`ChainFacts`], then [`judge`] -> [`Verdict`] ([`Outcome::exit_code`]: valid 0,
//!   invalid 1, cannot tell 2); with no receipt, [`Verdict::no_receipt`].
//!
//! The conventions below are the contract with wallets written in other languages.
//!
//! # Content hash
//!
//! A file whose first 8 bytes are the PNG signature `89 50 4E 47 0D 0A 1A 0A` is hashed
//! over its decoded pixels ([`HashKind::PngPixels`], tag `"png-pixels-v1"`); any other
//! file over its bytes ([`HashKind::Bytes`], tag `"bytes-v1"`). A file with the signature
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
//! # Batch tree
//!
//! Exactly `contracts/libraries/OutputMerkle.sol` (see [`merkle`]): leaves are the 32-byte
//! content hashes as they are, nodes `keccak256(left || right)` ordered by position, odd
//! levels padded with one zero node, depth `ceil(log2 n)`, a batch of one has depth 0.
//! A proof is valid for a batch of `count` outputs only with `index < count` and exactly
//! `ceil(log2 count)` siblings ([`verify_proof`], as `LineageRegistry.verifyOutput`).
//!
//! # Receipt
//!
//! JSON, camelCase, `"version": 1` ([`Receipt`] shows every field), read as serde reads
//! it ([`Receipt::from_json`]): one object; unknown fields are ignored, a known field given
//! twice is an error; an integer field takes an integer as written (`1.0`, `1e0` and `-0`
//! are floats, and errors); `version` is read first, so an integer other than 1 there is a
//! version error and anything else wrong a parse error (`receipt/json-*.json` in the
//! vectors pin each case, including serde's reading of a one-element array as the
//! version). The sidecar of
//! `FILE` is `FILE.lineage.json` ([`sidecar_path`]). In a PNG it is the text of one
//! uncompressed `iTXt` chunk with keyword `lineage-receipt` and empty language tag and
//! translated keyword, placed right before `IEND` ([`embed`]). Whichever receipt the
//! caller finds, the verdict compares its content hash with the file's.

pub mod embed;
mod error;
pub mod hash;
pub mod merkle;
pub mod receipt;
#[cfg(test)]
mod testutil;
pub mod verdict;

pub use embed::{embed_receipt, read_receipt, RECEIPT_KEYWORD};
pub use error::{Error, Result};
pub use hash::{content_hash, is_png, HashKind, OutputHash, MAX_DECODED_BYTES, MAX_DIMENSION};
pub use merkle::{compute_root, tree_depth, verify_proof, OutputTree};
pub use receipt::{sidecar_path, Anchor, Batch, Receipt, RECEIPT_VERSION, SIDECAR_SUFFIX};
pub use verdict::{
    judge, AttestationStatus, BaseFact, ChainFacts, Check, Code, DatasetFact, DatasetStatus,
    OnChainBatch, Outcome, Policy, Verdict,
};
