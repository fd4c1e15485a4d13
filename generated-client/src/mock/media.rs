//! The mock's video and audio answers: real, playable files made from what
//! was asked, as long as the request asks for.
//!
//! A video is an MP4 of Motion-JPEG frames (each frame a JPEG from the
//! `image` crate, the container written here: no muxer crate writes
//! MJPEG into MP4), which ffprobe reads as `mov,mp4,...` with one `mjpeg`
//! stream. A sound is a 16-bit mono WAV of a tone (written by `hound`).
//! Both are small: a 5-second clip is a few tens of kilobytes.

use std::io::Cursor;

use bytes::Bytes;
use image::codecs::jpeg::JpegEncoder;
use image::ExtendedColorType;
use serde_json::Value;

use crate::runtime::Medium;

/// Frames a second in the mock's videos.
pub const FRAMES_PER_SECOND: u32 = 8;
/// The size of the mock's video frames (16:9).
pub const FRAME_SIZE: (u16, u16) = (256, 144);
/// Samples a second in the mock's audio.
pub const SAMPLE_RATE: u32 = 16_000;
/// The longest clip the mock makes, in seconds; a longer request gets this.
pub const MAX_SECONDS: f64 = 120.0;
/// The length of a clip whose request names none, in seconds.
pub const DEFAULT_SECONDS: f64 = 5.0;

/// A video or sound to make.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clip {
    pub medium: Medium,
    /// Its length, in seconds.
    pub seconds: f64,
    /// Varies the picture or the pitch.
    pub seed: u64,
}

impl Clip {
    /// The clip a video or audio request asks for: its length from the
    /// first of `duration`, `duration_seconds`, `seconds` or `length` that
    /// holds a number (or text starting with one, as in `"5s"`).
    pub fn for_request(medium: Medium, request: &Value, seed: u64) -> Self {
        let seconds = ["duration", "duration_seconds", "seconds", "length"]
            .iter()
            .find_map(|name| request.get(*name).and_then(seconds_in))
            .unwrap_or(DEFAULT_SECONDS)
            .clamp(0.1, MAX_SECONDS);
        Self {
            medium,
            seconds,
            seed,
        }
    }

    /// The file and its content type.
    pub fn render(&self) -> Result<(Bytes, &'static str), String> {
        match self.medium {
            Medium::Audio => wav(self).map(|bytes| (bytes, "audio/wav")),
            _ => mp4(self).map(|bytes| (bytes, "video/mp4")),
        }
    }

    /// The usual extension of what [`render`](Self::render) makes.
    pub fn extension(&self) -> &'static str {
        match self.medium {
            Medium::Audio => "wav",
            _ => "mp4",
        }
    }
}

/// A length in seconds: a positive number, or text that starts with one.
fn seconds_in(value: &Value) -> Option<f64> {
    let seconds = match value {
        Value::Number(n) => n.as_f64()?,
        Value::String(text) => {
            let digits: String = text
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            digits.parse().ok()?
        }
        _ => return None,
    };
    (seconds.is_finite() && seconds > 0.0).then_some(seconds)
}

/// A tone whose pitch follows the seed, faded in and out.
fn wav(clip: &Clip) -> Result<Bytes, String> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let samples = (clip.seconds * f64::from(SAMPLE_RATE)).round() as u32;
    let pitch = 220.0 + (clip.seed % 440) as f64;
    let mut out = Cursor::new(Vec::with_capacity(44 + 2 * samples as usize));
    let mut writer = hound::WavWriter::new(&mut out, spec).map_err(|e| e.to_string())?;
    let fade = f64::from(SAMPLE_RATE) / 50.0;
    for n in 0..samples {
        let t = f64::from(n) / f64::from(SAMPLE_RATE);
        let edge = f64::from(n.min(samples - n)) / fade;
        let level = 0.3 * edge.min(1.0);
        let sample =
            (level * (std::f64::consts::TAU * pitch * t).sin() * f64::from(i16::MAX)) as i16;
        writer.write_sample(sample).map_err(|e| e.to_string())?;
    }
    writer.finalize().map_err(|e| e.to_string())?;
    Ok(Bytes::from(out.into_inner()))
}

/// A bar sweeping across a background whose colour follows the seed.
fn frame(clip: &Clip, index: u32, frames: u32) -> Result<Vec<u8>, String> {
    let (width, height) = (u32::from(FRAME_SIZE.0), u32::from(FRAME_SIZE.1));
    let hue = clip.seed.to_le_bytes();
    let bar = index * width / frames.max(1);
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            if x.abs_diff(bar) < 8 {
                pixels.extend_from_slice(&[240, 240, 240]);
            } else {
                let shade = (y * 255 / height) as u8;
                pixels.extend_from_slice(&[hue[0] / 2 + shade / 2, hue[1] / 2, hue[2] / 2 + 64]);
            }
        }
    }
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 75)
        .encode(&pixels, width, height, ExtendedColorType::Rgb8)
        .map_err(|e| e.to_string())?;
    Ok(jpeg)
}

fn mp4(clip: &Clip) -> Result<Bytes, String> {
    let frames = ((clip.seconds * f64::from(FRAMES_PER_SECOND)).round() as u32).max(1);
    let samples = (0..frames)
        .map(|index| frame(clip, index, frames))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Bytes::from(mp4_of_jpegs(
        &samples,
        FRAME_SIZE,
        FRAMES_PER_SECOND,
    )))
}

/// An ISO base media file (MP4) holding one Motion-JPEG track of `frames`,
/// `fps` a second, with the movie box first so that players can start
/// before the end.
pub(crate) fn mp4_of_jpegs(frames: &[Vec<u8>], size: (u16, u16), fps: u32) -> Vec<u8> {
    // Time in milliseconds, both for the movie and the track.
    const TIMESCALE: u32 = 1000;
    let delta = TIMESCALE / fps;
    let duration = delta * frames.len() as u32;
    let ftyp = boxed(b"ftyp", b"isom\0\0\x02\0isomiso2mp41");
    // The chunk offset depends on the movie box's length, which does not
    // depend on the offset's value: build it once to measure, then again.
    let moov_for = |offset: u32| moov(frames, size, delta, duration, TIMESCALE, offset);
    let moov_len = moov_for(0).len();
    let offset = (ftyp.len() + moov_len + 8) as u32;
    let data: Vec<u8> = frames.concat();
    [ftyp, moov_for(offset), boxed(b"mdat", &data)].concat()
}

fn moov(
    frames: &[Vec<u8>],
    (width, height): (u16, u16),
    delta: u32,
    duration: u32,
    timescale: u32,
    chunk_offset: u32,
) -> Vec<u8> {
    let count = frames.len() as u32;
    let matrix: Vec<u8> = [0x10000_u32, 0, 0, 0, 0x10000, 0, 0, 0, 0x4000_0000]
        .iter()
        .flat_map(|n| n.to_be_bytes())
        .collect();
    let mvhd = full_box(
        b"mvhd",
        0,
        &[
            &[0; 8][..],
            &timescale.to_be_bytes(),
            &duration.to_be_bytes(),
            &0x0001_0000_u32.to_be_bytes(),
            &0x0100_u16.to_be_bytes(),
            &[0; 10],
            &matrix,
            &[0; 24],
            &2_u32.to_be_bytes(),
        ]
        .concat(),
    );
    let tkhd = full_box(
        b"tkhd",
        3,
        &[
            &[0; 8][..],
            &1_u32.to_be_bytes(),
            &[0; 4],
            &duration.to_be_bytes(),
            &[0; 8],
            &[0; 4], // layer, alternate group
            &[0; 4], // volume, reserved
            &matrix,
            &(u32::from(width) << 16).to_be_bytes(),
            &(u32::from(height) << 16).to_be_bytes(),
        ]
        .concat(),
    );
    let mdhd = full_box(
        b"mdhd",
        0,
        &[
            &[0; 8][..],
            &timescale.to_be_bytes(),
            &duration.to_be_bytes(),
            &0x55C4_u16.to_be_bytes(), // "und"
            &[0; 2],
        ]
        .concat(),
    );
    let hdlr = full_box(
        b"hdlr",
        0,
        &[&[0; 4][..], b"vide", &[0; 12], b"Video\0"].concat(),
    );
    let vmhd = full_box(b"vmhd", 1, &[0; 8]);
    let dinf = boxed(
        b"dinf",
        &full_box(
            b"dref",
            0,
            &[&1_u32.to_be_bytes()[..], &full_box(b"url ", 1, &[])].concat(),
        ),
    );
    let mut compressor = [0_u8; 32];
    compressor[0] = 10;
    compressor[1..11].copy_from_slice(b"Photo-JPEG");
    let sample_entry = boxed(
        b"jpeg",
        &[
            &[0; 6][..],
            &1_u16.to_be_bytes(), // data reference index
            &[0; 16],
            &width.to_be_bytes(),
            &height.to_be_bytes(),
            &0x0048_0000_u32.to_be_bytes(),
            &0x0048_0000_u32.to_be_bytes(),
            &[0; 4],
            &1_u16.to_be_bytes(), // frames per sample
            &compressor,
            &0x0018_u16.to_be_bytes(),
            &(-1_i16).to_be_bytes(),
        ]
        .concat(),
    );
    let stsd = full_box(
        b"stsd",
        0,
        &[&1_u32.to_be_bytes()[..], &sample_entry].concat(),
    );
    let stts = full_box(
        b"stts",
        0,
        &[1_u32, count, delta]
            .iter()
            .flat_map(|n| n.to_be_bytes())
            .collect::<Vec<_>>(),
    );
    let stsc = full_box(
        b"stsc",
        0,
        &[1_u32, 1, count, 1]
            .iter()
            .flat_map(|n| n.to_be_bytes())
            .collect::<Vec<_>>(),
    );
    let sizes: Vec<u8> = [0_u32, count]
        .into_iter()
        .chain(frames.iter().map(|frame| frame.len() as u32))
        .flat_map(u32::to_be_bytes)
        .collect();
    let stsz = full_box(b"stsz", 0, &sizes);
    let stco = full_box(
        b"stco",
        0,
        &[1_u32, chunk_offset]
            .iter()
            .flat_map(|n| n.to_be_bytes())
            .collect::<Vec<_>>(),
    );
    let stbl = boxed(b"stbl", &[stsd, stts, stsc, stsz, stco].concat());
    let minf = boxed(b"minf", &[vmhd, dinf, stbl].concat());
    let mdia = boxed(b"mdia", &[mdhd, hdlr, minf].concat());
    let trak = boxed(b"trak", &[tkhd, mdia].concat());
    boxed(b"moov", &[mvhd, trak].concat())
}

/// A box: its size, its type, its contents.
fn boxed(kind: &[u8; 4], contents: &[u8]) -> Vec<u8> {
    let size = (8 + contents.len()) as u32;
    [&size.to_be_bytes()[..], kind, contents].concat()
}

/// A full box: a box whose contents start with a version (0) and flags.
fn full_box(kind: &[u8; 4], flags: u32, contents: &[u8]) -> Vec<u8> {
    boxed(
        kind,
        &[&(flags & 0x00FF_FFFF).to_be_bytes()[..], contents].concat(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The top-level boxes of an MP4: (type, size).
    fn top_boxes(file: &[u8]) -> Vec<(String, usize)> {
        let mut boxes = Vec::new();
        let mut at = 0;
        while at + 8 <= file.len() {
            let size = u32::from_be_bytes(file[at..at + 4].try_into().unwrap()) as usize;
            boxes.push((
                String::from_utf8_lossy(&file[at + 4..at + 8]).into_owned(),
                size,
            ));
            assert!(size >= 8, "box at {at} has size {size}");
            at += size;
        }
        assert_eq!(at, file.len(), "the boxes fill the file exactly");
        boxes
    }

    #[test]
    fn a_video_lasts_as_long_as_asked_and_its_boxes_add_up() {
        let request = serde_json::json!({"duration": 2});
        let clip = Clip::for_request(Medium::Video, &request, 7);
        assert_eq!(clip.seconds, 2.0);
        let (file, content_type) = clip.render().unwrap();
        assert_eq!(content_type, "video/mp4");
        let kinds: Vec<String> = top_boxes(&file).into_iter().map(|(kind, _)| kind).collect();
        assert_eq!(kinds, ["ftyp", "moov", "mdat"]);
        // The sample sizes add up to the media data, whose first frame is
        // where the chunk offset points: a JPEG.
        let at = |pattern: &[u8]| file.windows(4).position(|w| w == pattern).unwrap();
        let stco = at(b"stco");
        let offset = u32::from_be_bytes(file[stco + 12..stco + 16].try_into().unwrap()) as usize;
        assert_eq!(&file[offset..offset + 3], &[0xFF, 0xD8, 0xFF]);
        let stsz = at(b"stsz");
        let count = u32::from_be_bytes(file[stsz + 12..stsz + 16].try_into().unwrap());
        assert_eq!(count, 2 * FRAMES_PER_SECOND);
    }

    #[test]
    fn a_sound_is_a_wav_of_the_asked_length() {
        let request = serde_json::json!({"duration_seconds": "3s"});
        let clip = Clip::for_request(Medium::Audio, &request, 1);
        let (file, content_type) = clip.render().unwrap();
        assert_eq!(content_type, "audio/wav");
        let reader = hound::WavReader::new(Cursor::new(file.to_vec())).unwrap();
        assert_eq!(reader.duration(), 3 * SAMPLE_RATE);
    }

    #[test]
    fn a_length_is_read_from_numbers_and_text_and_bounded() {
        let seconds = |value: Value| Clip::for_request(Medium::Video, &value, 0).seconds;
        assert_eq!(seconds(serde_json::json!({})), DEFAULT_SECONDS);
        assert_eq!(seconds(serde_json::json!({"duration": "10"})), 10.0);
        assert_eq!(seconds(serde_json::json!({"duration": 1e9})), MAX_SECONDS);
        assert_eq!(
            seconds(serde_json::json!({"duration": -3})),
            DEFAULT_SECONDS
        );
    }
}
