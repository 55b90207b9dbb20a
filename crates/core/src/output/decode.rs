//! Pixels for fingerprints: a PNG, JPEG or WebP decoded to 8-bit RGB(A) rows, within the
//! [size limit](super#size-limit) every format shares.
//!
//! Content hashes never depend on this: only the [PDQ fingerprint](super::pdq) does, and
//! fingerprints are compared with a distance threshold because decoders differ by a few
//! levels (IDCT, chroma upsampling). The decoders here are the reference ones:
//! - PNG: the `png` crate, palette and low bit depths expanded, 16-bit samples cut to their
//!   high byte (the canonical RGBA of `png-pixels-v1` with each sample `v >> 8`);
//! - JPEG: `zune-jpeg`, to RGB; EXIF orientation is *not* applied;
//! - WebP: `image-webp`, to RGB or RGBA; animated files are refused.

use super::{
    hash::{check_png_size, MAX_DECODED_BYTES, MAX_DIMENSION},
    pdq::{self, Fingerprint},
    Error, HashKind, Result,
};
use std::io::Cursor;

/// A decoded image: `height` rows of `width` pixels of `channels` bytes (R, G, B first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pixels {
    /// Pixels a row.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// Bytes a pixel: 3 (RGB) or 4 (RGBA).
    pub channels: usize,
    /// The rows, top to bottom.
    pub data: Vec<u8>,
}

impl Pixels {
    /// The image's PDQ fingerprint; `quality` 0 for sides under 5 pixels.
    pub fn fingerprint(&self) -> Fingerprint {
        pdq::fingerprint(self.width, self.height, self.channels, &self.data)
            .expect("decoded buffers are width x height x channels")
    }
}

/// Decodes a PNG, JPEG or WebP (told apart by its first bytes); `None` for any other file,
/// which has no fingerprint.
///
/// # Errors
/// [`Error::ImageTooLarge`] / [`Error::PngTooLarge`] over the size limit (judged from the
/// header, before decoding), [`Error::ImageDecode`] when the JPEG or WebP decoder refuses
/// the file, [`Error::PngDecode`] for a PNG that `png-pixels-v1` would refuse too (read to
/// `IEND`), [`Error::PngUnsupported`] / [`Error::WebpUnsupported`] for animations.
pub fn decode(bytes: &[u8]) -> Result<Option<Pixels>> {
    match HashKind::sniff(bytes) {
        HashKind::PngPixels => png(bytes).map(Some),
        HashKind::Jpeg => jpeg(bytes).map(Some),
        HashKind::Webp => webp(bytes).map(Some),
        HashKind::Bytes => Ok(None),
    }
}

/// The fingerprint of a PNG, JPEG or WebP file; `None` for any other file.
///
/// # Errors
/// As [`decode`].
pub fn fingerprint_file(bytes: &[u8]) -> Result<Option<Fingerprint>> {
    Ok(decode(bytes)?.map(|p| p.fingerprint()))
}

fn check_size(format: &'static str, width: usize, height: usize) -> Result<()> {
    let rgba = (width as u64).saturating_mul(height as u64).saturating_mul(4);
    if width > MAX_DIMENSION as usize || height > MAX_DIMENSION as usize || rgba > MAX_DECODED_BYTES
    {
        return Err(Error::ImageTooLarge { format, width, height });
    }
    Ok(())
}

fn refused(format: &'static str, reason: impl ToString) -> Error {
    Error::ImageDecode { format, reason: reason.to_string() }
}

fn png(bytes: &[u8]) -> Result<Pixels> {
    check_png_size(bytes)?;
    // As `png-pixels-v1` decodes: a file that has no content hash has no fingerprint.
    let mut options = png::DecodeOptions::default();
    options.set_skip_ancillary_crc_failures(true);
    let mut decoder = png::Decoder::new_with_options(Cursor::new(bytes), options);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    let png_err = |source| Error::PngDecode { source };
    let mut reader = decoder.read_info().map_err(png_err)?;
    if reader.info().is_animated() {
        return Err(Error::PngUnsupported {
            reason: "animated PNG (acTL): a fingerprint would cover its first frame only".into(),
        });
    }
    let size = reader.output_buffer_size().ok_or_else(|| refused("PNG", "image too large"))?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(png_err)?;
    buf.truncate(info.buffer_size());
    // Read to IEND, so a truncated or corrupted tail is an error here too.
    reader.finish().map_err(png_err)?;
    let (width, height) = (info.width as usize, info.height as usize);
    let row = info.line_size;
    let channels = info.color_type.samples();
    let grey =
        matches!(info.color_type, png::ColorType::Grayscale | png::ColorType::GrayscaleAlpha);
    if !grey {
        let data = buf.chunks_exact(row).flat_map(|r| &r[..width * channels]).copied().collect();
        return Ok(Pixels { width, height, channels, data });
    }
    let mut data = Vec::with_capacity(width * height * 3);
    for r in buf.chunks_exact(row) {
        for px in r[..width * channels].chunks_exact(channels) {
            data.extend_from_slice(&[px[0]; 3]);
        }
    }
    Ok(Pixels { width, height, channels: 3, data })
}

fn jpeg(bytes: &[u8]) -> Result<Pixels> {
    use zune_jpeg::zune_core::{
        bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions,
    };
    let options = DecoderOptions::default()
        .set_max_width(MAX_DIMENSION as usize)
        .set_max_height(MAX_DIMENSION as usize)
        .jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(|e| refused("JPEG", format!("{e:?}")))?;
    let info = decoder.info().ok_or_else(|| refused("JPEG", "no frame header"))?;
    let (width, height) = (usize::from(info.width), usize::from(info.height));
    check_size("JPEG", width, height)?;
    let data = decoder.decode().map_err(|e| refused("JPEG", format!("{e:?}")))?;
    if data.len() != width * height * 3 {
        return Err(refused(
            "JPEG",
            format!("decoded {} bytes for {width}x{height} RGB", data.len()),
        ));
    }
    Ok(Pixels { width, height, channels: 3, data })
}

fn webp(bytes: &[u8]) -> Result<Pixels> {
    let mut decoder =
        image_webp::WebPDecoder::new(Cursor::new(bytes)).map_err(|e| refused("WebP", e))?;
    if decoder.is_animated() {
        return Err(Error::WebpUnsupported {
            reason: "animated WebP: a fingerprint would cover its first frame only".into(),
        });
    }
    let (w, h) = decoder.dimensions();
    let (width, height) = (w as usize, h as usize);
    check_size("WebP", width, height)?;
    let channels = if decoder.has_alpha() { 4 } else { 3 };
    let mut data = vec![0; width * height * channels];
    decoder.read_image(&mut data).map_err(|e| refused("WebP", e))?;
    Ok(Pixels { width, height, channels, data })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{
        pdq::{distance, MATCH_DISTANCE},
        testutil,
    };

    #[test]
    fn every_format_decodes_to_the_encoders_pixels() {
        let picture = testutil::busy_picture(96, 80, 7);
        let png = testutil::png_rgb(96, 80, &picture);
        let p = decode(&png).unwrap().unwrap();
        assert_eq!((p.width, p.height, p.channels), (96, 80, 3));
        assert_eq!(p.data, picture);
        let webp = testutil::webp_of(96, 80, &picture);
        assert_eq!(decode(&webp).unwrap().unwrap(), p, "lossless WebP is exact");
        let jpeg = testutil::jpeg_of(96, 80, &picture, 90);
        let j = decode(&jpeg).unwrap().unwrap();
        assert_eq!((j.width, j.height, j.channels), (96, 80, 3));
        let (fp, fj) = (p.fingerprint(), j.fingerprint());
        assert!(fp.quality >= pdq::MIN_QUALITY, "{fp:?}");
        assert!(distance(&fp.hash, &fj.hash) <= MATCH_DISTANCE);
        assert_eq!(decode(b"not an image").unwrap(), None);
        assert_eq!(fingerprint_file(b"not an image").unwrap(), None);
    }

    #[test]
    fn grey_palette_and_sixteen_bits_become_rgb() {
        // 16-bit grey: each sample's high byte, widened to R = G = B.
        let samples: Vec<u16> = (0..36u16).map(|i| i * 1800 + 0x00ff).collect();
        let png = testutil::png_grey16(6, 6, &samples);
        let p = decode(&png).unwrap().unwrap();
        assert_eq!(p.channels, 3);
        let want: Vec<u8> = samples.iter().flat_map(|s| [(s >> 8) as u8; 3]).collect();
        assert_eq!(p.data, want);
    }

    #[test]
    fn broken_and_oversized_images_are_typed_errors() {
        let jpeg = testutil::jpeg_of(16, 16, &testutil::picture(16, 16, 1), 80);
        // A cut header is refused (zune-jpeg pads a truncated scan instead).
        let header = &jpeg[..40];
        assert!(matches!(decode(header), Err(Error::ImageDecode { format: "JPEG", .. })));
        let webp = testutil::webp_of(16, 16, &testutil::picture(16, 16, 1));
        assert!(matches!(
            decode(&webp[..webp.len() - 8]),
            Err(Error::ImageDecode { format: "WebP", .. })
        ));
        assert!(matches!(
            check_size("JPEG", 65_536, 1),
            Err(Error::ImageTooLarge { width: 65_536, .. })
        ));
        assert!(matches!(check_size("WebP", 8_000, 8_000), Ok(())));
        assert!(matches!(check_size("WebP", 16_383, 16_383), Err(Error::ImageTooLarge { .. })));
        assert!(matches!(check_size("JPEG", 65_535, 65_535), Err(Error::ImageTooLarge { .. })));
        // A JPEG whose frame header claims more than the limit: refused before decoding.
        let mut big = jpeg.clone();
        let sof = big.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        big[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
        assert!(matches!(
            decode(&big),
            Err(Error::ImageTooLarge { .. } | Error::ImageDecode { .. })
        ));
    }
}
