//! The one error type of the [`output`](super) module.

use alloy_primitives::B256;

/// Result alias for the [`output`](super) module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while hashing outputs, building their batch tree, and
/// writing or reading receipts.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file starts with the PNG signature but its image does not decode (bad chunk,
    /// bad CRC, bad zlib stream, truncated, ...). Such a file is never hashed as bytes.
    #[error("not a valid PNG (it starts with the PNG signature but does not decode): {source}")]
    PngDecode {
        /// What the decoder reported.
        #[source]
        source: png::DecodingError,
    },
    /// A PNG this convention does not hash: an animated PNG (its frames beyond the default
    /// image would not be covered).
    #[error("unsupported PNG: {reason}")]
    PngUnsupported {
        /// Why it was refused.
        reason: String,
    },
    /// A PNG over the size limit every implementation shares
    /// ([`MAX_DIMENSION`](super::hash::MAX_DIMENSION) pixels a side,
    /// [`MAX_DECODED_BYTES`](super::hash::MAX_DECODED_BYTES) of canonical RGBA): refused
    /// from its `IHDR`, before any image data is decoded.
    #[error(
        "PNG of {width}x{height} pixels is over the size limit ({bytes} bytes of canonical RGBA; \
         at most {} pixels a side and {} bytes)",
        super::hash::MAX_DIMENSION,
        super::hash::MAX_DECODED_BYTES
    )]
    PngTooLarge {
        /// The `IHDR` width.
        width: u32,
        /// The `IHDR` height.
        height: u32,
        /// Bytes of its canonical RGBA: width x height x 4, or x 8 at 16 bits.
        bytes: u64,
    },
    /// The PNG's chunk layout is broken where the receipt is read or written: no
    /// signature, a chunk running past the end of the file, no `IHDR` first or no `IEND`.
    #[error("malformed PNG at byte {offset}: {reason}")]
    PngMalformed {
        /// Byte offset of the problem in the file.
        offset: usize,
        /// What is wrong there.
        reason: String,
    },
    /// A chunk other than the receipt chunk has a CRC that does not match its contents;
    /// no receipt is written into a damaged file.
    #[error("PNG chunk {chunk} at byte {offset} is corrupted: CRC {stored:#010x} stored, {computed:#010x} computed")]
    PngChunkCrc {
        /// The chunk type, e.g. `IDAT`.
        chunk: String,
        /// Byte offset of the chunk (its length field).
        offset: usize,
        /// The CRC in the file.
        stored: u32,
        /// The CRC of the chunk's type and data.
        computed: u32,
    },
    /// The embedded receipt chunk's CRC does not match its contents: the receipt was
    /// damaged after it was written.
    #[error("the embedded receipt (iTXt chunk at byte {offset}) is corrupted: CRC {stored:#010x} stored, {computed:#010x} computed")]
    ReceiptChunkCrc {
        /// Byte offset of the chunk (its length field).
        offset: usize,
        /// The CRC in the file.
        stored: u32,
        /// The CRC of the chunk's type and data.
        computed: u32,
    },
    /// The embedded receipt is not well-formed: a PNG's is not an uncompressed iTXt chunk,
    /// or any format's text is not UTF-8, or it does not fit its segment or chunk.
    #[error("the embedded receipt (at byte {offset}) is malformed: {reason}")]
    ReceiptChunkMalformed {
        /// Byte offset of the chunk (its length field).
        offset: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// More than one receipt chunk (or JPEG segment) in one file: which one is meant
    /// cannot be told.
    #[error("the file holds {count} embedded receipts; expected at most one")]
    ReceiptChunkDuplicate {
        /// How many there are.
        count: usize,
    },
    /// The file starts as a JPEG (`FF D8`) but its header, the marker segments up to the
    /// first scan, does not parse: a byte where a marker is due, a length running past the
    /// end of the file, a scan before a frame header, the end of the file before a scan.
    /// Such a file is never hashed as bytes.
    #[error("malformed JPEG at byte {offset}: {reason}")]
    JpegMalformed {
        /// Byte offset of the problem (a marker's `FF`).
        offset: usize,
        /// What is wrong there.
        reason: String,
    },
    /// The file starts as a WebP (`RIFF` size `WEBP`) but its container does not parse: a
    /// size running past the end, a missing pad byte, no or two image chunks, a `VP8X` not
    /// first or whose canvas is not the image's, a chunk beside a simple file's image.
    #[error("malformed WebP at byte {offset}: {reason}")]
    WebpMalformed {
        /// Byte offset of the problem.
        offset: usize,
        /// What is wrong there.
        reason: String,
    },
    /// A WebP this convention does not hash: an animated one (as an animated PNG).
    #[error("unsupported WebP: {reason}")]
    WebpUnsupported {
        /// Why it was refused.
        reason: String,
    },
    /// A PNG, JPEG or WebP that its decoder refuses while decoding pixels for a
    /// fingerprint ([`decode`](super::decode)). Content hashes do not decode JPEG or WebP,
    /// so a file can have a content hash and still no fingerprint.
    #[error("cannot decode the {format} image for its fingerprint: {reason}")]
    ImageDecode {
        /// `"PNG"`, `"JPEG"` or `"WebP"`.
        format: &'static str,
        /// What the decoder reported.
        reason: String,
    },
    /// An image over the [size limit](super#size-limit) shared with PNG hashing, judged
    /// from its header before any pixel is decoded.
    #[error(
        "{format} of {width}x{height} pixels is over the size limit (at most {} pixels a side \
         and {} bytes of RGBA)",
        super::hash::MAX_DIMENSION,
        super::hash::MAX_DECODED_BYTES
    )]
    ImageTooLarge {
        /// `"JPEG"` or `"WebP"` (a PNG's is [`Error::PngTooLarge`]).
        format: &'static str,
        /// Its width.
        width: usize,
        /// Its height.
        height: usize,
    },
    /// A receipt whose hash kind is not the file's format's cannot be embedded: embedding
    /// would change what a `bytes-v1` hash covers (keep it as a sidecar).
    #[error("a {kind} receipt cannot be embedded in a {format} file (keep it as a sidecar)")]
    ReceiptNotEmbeddable {
        /// The receipt's hash kind.
        kind: super::HashKind,
        /// The file's format, by its first bytes.
        format: &'static str,
    },
    /// A receipt (sidecar or embedded) is not valid receipt JSON.
    #[error("not a valid Lineage receipt: {source}")]
    ReceiptParse {
        /// The JSON error, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// A receipt of a format version this build does not read.
    #[error("unsupported receipt version {found} (this build reads versions 1 to {expected})")]
    ReceiptVersion {
        /// The version in the receipt.
        found: u64,
        /// The newest version this build reads.
        expected: u32,
    },
    /// A receipt whose fields do not fit its version: a version 2 without a
    /// `perceptualHash`, or a version 1 with one (its leaf would be misread).
    #[error("inconsistent receipt: {reason}")]
    ReceiptInconsistent {
        /// What does not fit.
        reason: String,
    },
    /// A receipt could not be serialized.
    #[error("cannot encode the receipt as JSON: {source}")]
    ReceiptEncode {
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The receipt names another chain than the one the RPC endpoint serves.
    #[error("the receipt is for chain {receipt} but the RPC endpoint serves chain {rpc}")]
    ChainMismatch {
        /// The receipt's chain id.
        receipt: u64,
        /// The endpoint's chain id.
        rpc: u64,
    },
    /// A batch needs at least one output.
    #[error("a batch needs at least one output")]
    EmptyBatch,
    /// A leaf index at or past the batch's end.
    #[error("leaf index {index} is out of range for a batch of {count}")]
    LeafIndexOutOfRange {
        /// The requested index.
        index: u64,
        /// The number of outputs in the batch.
        count: u64,
    },
    /// An index with bits above the proof's depth, as `OutputMerkleIndexOutOfRange`.
    #[error("index {index} does not fit a proof of depth {depth}")]
    ProofIndexOutOfRange {
        /// The index given.
        index: u64,
        /// The proof length given.
        depth: usize,
    },
    /// A status code read from the chain that the registry's enum does not have.
    #[error("unknown {what} status {value}")]
    UnknownStatus {
        /// `"attestation"` or `"dataset"`.
        what: &'static str,
        /// The raw enum value.
        value: u8,
    },
    /// The receipt disagrees with the file it belongs to.
    #[error("the receipt is for content {receipt} but the file hashes to {file}")]
    ReceiptMismatch {
        /// The receipt's content hash.
        receipt: B256,
        /// The file's recomputed content hash.
        file: B256,
    },
}
