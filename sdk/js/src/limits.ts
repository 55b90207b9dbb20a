/**
 * The size limit every implementation of `png-pixels-v1` shares, as
 * `crates/core/src/output/mod.rs` ("Size limit") writes it down: a PNG over it is
 * {@link PngTooLargeError} (`png.too_large`), judged on its IHDR before anything is
 * allocated for the image.
 */

/** Largest width and largest height of a PNG hashed as pixels (Rust: `output::MAX_DIMENSION`). */
export const MAX_DIMENSION = 65_535

/**
 * Largest canonical RGBA encoding of a PNG hashed as pixels, 256 MiB (Rust:
 * `output::MAX_DECODED_BYTES`). The file, the inflated scanlines and the canonical RGBA
 * together stay near twice this, under what a mobile browser lets a tab use.
 */
export const MAX_DECODED_BYTES = 2 ** 28
