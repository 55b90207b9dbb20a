//! Test PNGs made in code: the `png` crate's encoder, plus a small hand-written writer for
//! Adam7-interlaced images (which that encoder does not produce).

use png::{BitDepth, ColorType, Compression};
use rand::{RngCore, SeedableRng};

/// An image to encode.
#[derive(Clone, Debug)]
pub(crate) struct Image {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) color: ColorType,
    pub(crate) depth: BitDepth,
    /// Packed scanlines without filter bytes, as the encoder takes them.
    pub(crate) data: Vec<u8>,
    pub(crate) palette: Option<Vec<u8>>,
    pub(crate) trns: Option<Vec<u8>>,
    pub(crate) compression: Compression,
    /// Adam7 (only for 8-bit RGBA).
    pub(crate) interlaced: bool,
}

impl Default for Image {
    fn default() -> Self {
        Self {
            width: 1,
            height: 1,
            color: ColorType::Rgba,
            depth: BitDepth::Eight,
            data: vec![0; 4],
            palette: None,
            trns: None,
            compression: Compression::Balanced,
            interlaced: false,
        }
    }
}

/// A `width` x `height` 8-bit RGBA image of pseudo-random pixels.
pub(crate) fn rgba_image(width: u32, height: u32, seed: u64) -> Image {
    let mut data = vec![0u8; (width * height * 4) as usize];
    rand_chacha::ChaCha8Rng::seed_from_u64(seed).fill_bytes(&mut data);
    Image { width, height, data, ..Image::default() }
}

/// Encodes `img` as a PNG file.
pub(crate) fn encode(img: &Image) -> Vec<u8> {
    if img.interlaced {
        return encode_adam7_rgba8(img);
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, img.width, img.height);
    enc.set_color(img.color);
    enc.set_depth(img.depth);
    enc.set_compression(img.compression);
    if let Some(p) = &img.palette {
        enc.set_palette(p.clone());
    }
    if let Some(t) = &img.trns {
        enc.set_trns(t.clone());
    }
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&img.data).unwrap();
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
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// An Adam7-interlaced 8-bit RGBA PNG, every scanline with filter type 0.
fn encode_adam7_rgba8(img: &Image) -> Vec<u8> {
    assert_eq!((img.color, img.depth), (ColorType::Rgba, BitDepth::Eight));
    const PASSES: [(u32, u32, u32, u32); 7] = [
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    ];
    let (w, h) = (img.width, img.height);
    let mut raw = Vec::new();
    for (x0, y0, dx, dy) in PASSES {
        if x0 >= w || y0 >= h {
            continue;
        }
        for y in (y0..h).step_by(dy as usize) {
            raw.push(0);
            for x in (x0..w).step_by(dx as usize) {
                let i = ((y * w + x) * 4) as usize;
                raw.extend_from_slice(&img.data[i..i + 4]);
            }
        }
    }
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 1]);
    let mut out = super::hash::PNG_SIGNATURE.to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

/// `png` with a `tEXt` chunk inserted right after `IHDR` (metadata before the image data).
pub(crate) fn with_text_chunk(png: &[u8], keyword: &str, text: &str) -> Vec<u8> {
    let after_ihdr = 8 + 12 + 13;
    let mut out = png[..after_ihdr].to_vec();
    chunk(&mut out, b"tEXt", &[keyword.as_bytes(), &[0], text.as_bytes()].concat());
    out.extend_from_slice(&png[after_ihdr..]);
    out
}

/// `width` x `height` pseudo-random 8-bit samples, `channels` a pixel.
pub(crate) fn noise(width: u32, height: u32, channels: u32, seed: u64) -> Vec<u8> {
    let mut data = vec![0u8; (width * height * channels) as usize];
    rand_chacha::ChaCha8Rng::seed_from_u64(seed).fill_bytes(&mut data);
    data
}

/// A baseline JPEG of pseudo-random RGB pixels at `quality` (jpeg-encoder), with `apps`
/// (`APPn` number, payload) segments after its JFIF `APP0`.
pub(crate) fn jpeg_file(width: u16, height: u16, seed: u64, apps: &[(u8, &[u8])]) -> Vec<u8> {
    let data = noise(u32::from(width), u32::from(height), 3, seed);
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 85);
    for (n, payload) in apps {
        enc.add_app_segment(*n, payload.to_vec()).unwrap();
    }
    enc.encode(&data, width, height, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

/// A JPEG's pixels as zune-jpeg decodes them (RGB).
pub(crate) fn jpeg_pixels(jpeg: &[u8]) -> Vec<u8> {
    zune_jpeg::JpegDecoder::new(zune_jpeg::zune_core::bytestream::ZCursor::new(jpeg))
        .decode()
        .unwrap()
}

/// A lossless WebP (image-webp's encoder) of pseudo-random RGB or RGBA pixels: the simple
/// format (one `VP8L` chunk), or the extended one when `exif` is given.
pub(crate) fn webp_file(
    width: u32,
    height: u32,
    seed: u64,
    alpha: bool,
    exif: Option<&[u8]>,
) -> Vec<u8> {
    let (channels, color) =
        if alpha { (4, image_webp::ColorType::Rgba8) } else { (3, image_webp::ColorType::Rgb8) };
    let data = noise(width, height, channels, seed);
    let mut out = Vec::new();
    let mut enc = image_webp::WebPEncoder::new(&mut out);
    if let Some(exif) = exif {
        enc.set_exif_metadata(exif.to_vec());
    }
    enc.encode(&data, width, height, color).unwrap();
    out
}

/// A WebP's pixels as image-webp decodes them, and whether it has alpha.
pub(crate) fn webp_pixels(webp: &[u8]) -> (Vec<u8>, bool) {
    let mut dec = image_webp::WebPDecoder::new(std::io::Cursor::new(webp)).unwrap();
    let mut buf = vec![0; dec.output_buffer_size().unwrap()];
    dec.read_image(&mut buf).unwrap();
    (buf, dec.has_alpha())
}

/// A smooth picture: low-frequency waves and a disc, `seed` shifting them.
pub(crate) fn picture(width: usize, height: usize, seed: u64) -> Vec<u8> {
    let s = (seed % 97) as f64 / 97.0;
    let mut out = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            let (u, v) = (x as f64 / width as f64, y as f64 / height as f64);
            let disc = ((u - 0.3 - s * 0.4).powi(2) + (v - 0.6).powi(2) < 0.04) as u8 as f64;
            let r = 127.0 + 100.0 * (6.0 * u + 3.0 * s).sin() * (4.0 * v).cos();
            let g = 127.0 + 90.0 * (5.0 * v + 7.0 * s).sin() + 30.0 * disc;
            let b = 60.0 + 150.0 * disc + 40.0 * (9.0 * u * v).sin();
            out.extend([r, g, b].map(|c| c.clamp(0.0, 255.0) as u8));
        }
    }
    out
}

/// [`picture`] with finer detail on top, so that its fingerprint's quality is well above
/// [`MIN_QUALITY`](super::pdq::MIN_QUALITY) as a photograph's is.
pub(crate) fn busy_picture(width: usize, height: usize, seed: u64) -> Vec<u8> {
    let mut out = picture(width, height, seed);
    let s = (seed % 89) as f64;
    for (i, px) in out.chunks_exact_mut(3).enumerate() {
        let (u, v) = ((i % width) as f64 / width as f64, (i / width) as f64 / height as f64);
        let detail = 60.0 * (40.0 * u + s).sin() * (30.0 * v + 2.0 * s).sin();
        for c in px {
            *c = (f64::from(*c) + detail).clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// An 8-bit RGB PNG of `rgb`.
pub(crate) fn png_rgb(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    encode(&Image { width, height, color: ColorType::Rgb, data: rgb.to_vec(), ..Image::default() })
}

/// A 16-bit greyscale PNG of `samples`.
pub(crate) fn png_grey16(width: u32, height: u32, samples: &[u16]) -> Vec<u8> {
    let data = samples.iter().flat_map(|s| s.to_be_bytes()).collect();
    encode(&Image {
        width,
        height,
        color: ColorType::Grayscale,
        depth: BitDepth::Sixteen,
        data,
        ..Image::default()
    })
}

/// A baseline JPEG of `rgb` at `quality` (jpeg-encoder).
pub(crate) fn jpeg_of(width: u16, height: u16, rgb: &[u8], quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, quality)
        .encode(rgb, width, height, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

/// A simple lossless WebP of `rgb` (image-webp).
pub(crate) fn webp_of(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    image_webp::WebPEncoder::new(&mut out)
        .encode(rgb, width, height, image_webp::ColorType::Rgb8)
        .unwrap();
    out
}
