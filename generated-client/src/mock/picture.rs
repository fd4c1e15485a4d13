//! The mock's images: a cheap pattern drawn from a hash of what was asked
//! (slug, prompt, seed, size, sample index), encoded as PNG or JPEG by the
//! `image` crate, and a small cache of encoded images for repeated requests.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::str::FromStr;

use bytes::Bytes;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};

use crate::mock::fault::ParseError;

/// How the mock encodes its images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ImageFormat {
    /// `image/png`, zlib level 1 without filtering: about 1 ms for a fresh
    /// 512×512 image, even unoptimised (see BENCHMARKS.md).
    #[default]
    Png,
    /// `image/jpeg`, quality 85: several times slower to encode, and much
    /// slower in unoptimised builds, where the encoder's generic code is
    /// compiled with this crate's settings.
    Jpeg,
}

impl ImageFormat {
    /// The content type it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Png => "image/png",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Png => "png",
        }
    }
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImageFormat::Jpeg => "jpeg",
            ImageFormat::Png => "png",
        })
    }
}

impl FromStr for ImageFormat {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "jpeg" | "jpg" => Ok(ImageFormat::Jpeg),
            "png" => Ok(ImageFormat::Png),
            _ => Err(ParseError(format!(
                "unknown image format `{text}`; expected png or jpeg"
            ))),
        }
    }
}

/// Everything an image depends on: two equal pictures have the same bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Picture {
    pub slug: &'static str,
    pub prompt: String,
    pub seed: i64,
    pub width: u32,
    pub height: u32,
    pub format: ImageFormat,
    pub index: u32,
}

/// FNV-1a, 64 bits: stable across builds and platforms, so the same
/// request draws the same picture everywhere.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &byte in *part {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// SplitMix64: spreads one hash into several independent-looking numbers.
fn mix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn byte(value: u64) -> i32 {
    (value & 0xff) as i32
}

/// Draws the picture as packed RGB: a diagonal gradient between two
/// colours, crossed by horizontal bands of a darker shade, with a disc in a
/// third colour, all chosen by the hash.
///
/// Every row is copied out of precomputed lines rather than computed pixel
/// by pixel, so drawing costs a few copies per row and stays fast even
/// unoptimised (in tests).
pub(crate) fn draw(picture: &Picture) -> Vec<u8> {
    let mut state = fnv1a(&[
        picture.slug.as_bytes(),
        picture.prompt.as_bytes(),
        &picture.seed.to_le_bytes(),
        &picture.width.to_le_bytes(),
        &picture.height.to_le_bytes(),
        &picture.index.to_le_bytes(),
    ]);
    let from = mix(&mut state);
    let to = mix(&mut state);
    let disc = mix(&mut state);
    let shape = mix(&mut state);
    let (width, height) = (picture.width as usize, picture.height as usize);
    let from = [byte(from), byte(from >> 8), byte(from >> 16)];
    let to = [byte(to), byte(to >> 8), byte(to >> 16)];
    let ink = [
        byte(disc) as u8,
        byte(disc >> 8) as u8,
        byte(disc >> 16) as u8,
    ];
    // The gradient along the diagonal x + y, plain and shaded.
    let span = width + height;
    let mut plain = Vec::with_capacity(span * 3);
    let mut shaded = Vec::with_capacity(span * 3);
    for step in 0..span {
        let t = (step * 256 / span.max(1)) as i32;
        for channel in 0..3 {
            let value = from[channel] + (to[channel] - from[channel]) * t / 256;
            plain.push(value.clamp(0, 255) as u8);
            shaded.push((value - 24).clamp(0, 255) as u8);
        }
    }
    let ink_row: Vec<u8> = ink.iter().copied().cycle().take(width * 3).collect();
    let (cx, cy) = (
        (shape & 0xffff) as i64 * width as i64 / 0x1_0000,
        ((shape >> 16) & 0xffff) as i64 * height as i64 / 0x1_0000,
    );
    let side = width.min(height).max(1) as i64;
    let radius = side / 8 + ((shape >> 32) & 0xffff) as i64 * side / 4 / 0x1_0000;
    let band = 8 + ((shape >> 48) & 0x3f) as usize;
    let mut pixels = vec![0; width * height * 3];
    for (y, row) in pixels.chunks_exact_mut(width * 3).enumerate() {
        let line = if (y / band).is_multiple_of(2) {
            &plain
        } else {
            &shaded
        };
        if let Some(source) = line.get(y * 3..(y + width) * 3) {
            row.copy_from_slice(source);
        }
        // The disc's chord on this row, if it crosses it.
        let dy = y as i64 - cy;
        let reach = radius * radius - dy * dy;
        if reach >= 0 {
            let half = (reach as f64).sqrt() as i64;
            let start = (cx - half).clamp(0, width as i64) as usize;
            let end = (cx + half + 1).clamp(0, width as i64) as usize;
            if let (Some(target), Some(source)) = (
                row.get_mut(start * 3..end * 3),
                ink_row.get(start * 3..end * 3),
            ) {
                target.copy_from_slice(source);
            }
        }
    }
    pixels
}

/// Draws and encodes the picture.
pub(crate) fn render(picture: &Picture) -> Result<Bytes, image::ImageError> {
    let pixels = draw(picture);
    let (width, height) = (picture.width, picture.height);
    let mut out = Vec::with_capacity(pixels.len() / 16);
    match picture.format {
        ImageFormat::Png => {
            PngEncoder::new_with_quality(&mut out, CompressionType::Level(1), FilterType::NoFilter)
                .write_image(&pixels, width, height, ExtendedColorType::Rgb8)?
        }
        ImageFormat::Jpeg => JpegEncoder::new_with_quality(&mut out, 85).write_image(
            &pixels,
            width,
            height,
            ExtendedColorType::Rgb8,
        )?,
    }
    Ok(Bytes::from(out))
}

/// The form an image is served in: its bytes, or their base64 text (for
/// the JSON answers), each cached on its own so that a repeated base64
/// answer costs what a repeated raw one does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Form {
    Raw,
    Base64,
}

/// Encoded images by picture and form, oldest out first, bounded in
/// entries and bytes.
#[derive(Debug)]
pub(crate) struct Cache {
    images: HashMap<(Picture, Form), Bytes>,
    order: VecDeque<(Picture, Form)>,
    bytes: usize,
    max_bytes: usize,
    max_entries: usize,
}

impl Cache {
    pub fn new(max_bytes: usize, max_entries: usize) -> Self {
        Self {
            images: HashMap::new(),
            order: VecDeque::new(),
            bytes: 0,
            max_bytes,
            max_entries,
        }
    }

    pub fn get(&self, picture: &Picture, form: Form) -> Option<Bytes> {
        self.images.get(&(picture.clone(), form)).cloned()
    }

    pub fn insert(&mut self, picture: Picture, form: Form, image: Bytes) {
        let key = (picture, form);
        if image.len() > self.max_bytes || self.max_entries == 0 || self.images.contains_key(&key) {
            return;
        }
        // Each turn removes one entry, so this ends after at most `len` turns.
        while self.images.len() >= self.max_entries || self.bytes + image.len() > self.max_bytes {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(old) = self.images.remove(&oldest) {
                self.bytes -= old.len();
            }
        }
        self.bytes += image.len();
        self.order.push_back(key.clone());
        self.images.insert(key, image);
    }

    /// Entries and bytes held.
    pub fn usage(&self) -> (usize, usize) {
        (self.images.len(), self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(seed: i64, format: ImageFormat) -> Picture {
        Picture {
            slug: "ssd-1b",
            prompt: "a lighthouse".into(),
            seed,
            width: 64,
            height: 48,
            format,
            index: 0,
        }
    }

    #[test]
    fn pictures_are_deterministic_and_decodable() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg] {
            let first = render(&picture(1, format)).unwrap();
            assert_eq!(first, render(&picture(1, format)).unwrap());
            assert_ne!(first, render(&picture(2, format)).unwrap());
            let decoded = image::load_from_memory(&first).unwrap();
            assert_eq!((decoded.width(), decoded.height()), (64, 48));
        }
    }

    #[test]
    fn the_cache_stays_within_its_bounds() {
        let mut cache = Cache::new(10, 2);
        for seed in 0..5 {
            cache.insert(
                picture(seed, ImageFormat::Png),
                Form::Raw,
                Bytes::from(vec![0; 4]),
            );
        }
        assert_eq!(cache.usage(), (2, 8));
        assert!(cache
            .get(&picture(4, ImageFormat::Png), Form::Raw)
            .is_some());
        assert!(cache
            .get(&picture(4, ImageFormat::Png), Form::Base64)
            .is_none());
        assert!(cache
            .get(&picture(0, ImageFormat::Png), Form::Raw)
            .is_none());
        cache.insert(
            picture(9, ImageFormat::Png),
            Form::Raw,
            Bytes::from(vec![0; 11]),
        );
        assert_eq!(cache.usage(), (2, 8));
        // Each form is an entry of its own.
        cache.insert(
            picture(4, ImageFormat::Png),
            Form::Base64,
            Bytes::from(vec![0; 2]),
        );
        assert!(cache
            .get(&picture(4, ImageFormat::Png), Form::Base64)
            .is_some());
        assert!(cache
            .get(&picture(4, ImageFormat::Png), Form::Raw)
            .is_some());
    }
}
