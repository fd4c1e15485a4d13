//! What constructors and setters accept, each a trait of its own so that
//! a wrong argument gets an error that says what to pass instead.

use std::borrow::Cow;

use crate::{AudioInput, FileInput, ImageInput, VideoInput};

/// An integer type a setter takes for a parameter whose allowed values all
/// fit in an `i32`: every signed and unsigned type up to 32 bits, and
/// `i64`. So `samples(n)` works with `n: u32` or `u8`, and `samples(2)`
/// with a plain literal.
///
/// Parameters whose range goes past `i32` (seeds) take an `i64` instead:
/// a generic setter lets an unsuffixed literal fall back to `i32`, and
/// `seed(98_877_465_625)` would not compile. `usize` and `u64` are left
/// out, as they do not convert to `i64` without loss on every platform;
/// use `i64::try_from`. The trait is sealed: the set of types is the
/// crate's promise.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an integer type this setter takes",
    label = "expected an integer (`i8` to `i64`, `u8` to `u32`)",
    note = "convert a `usize` or `u64` with `i64::try_from(n)`, which fails instead of wrapping"
)]
pub trait IntoInteger: sealed::Sealed {
    /// The value as the `i64` the request holds.
    fn into_i64(self) -> i64;
}

mod sealed {
    pub trait Sealed {}
}

/// What a text parameter takes: `&str`, `String`, `&String`, `Box<str>`
/// or `Cow<str>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not text",
    label = "expected text (`&str`, `String`, ...)",
    note = "every `new` takes its text parameters (the prompt) first, then its images"
)]
pub trait IntoText {
    /// The text as the request holds it.
    fn into_text(self) -> String;
}

/// What an image parameter takes: an [`ImageInput`] that says what the
/// image is, or bytes (`Vec<u8>`, `&[u8]`, `Bytes`), sent as base64.
///
/// Not a string: a local path given as one would be sent as text. Say
/// which it is with [`ImageInput::url`], [`ImageInput::base64`],
/// [`ImageInput::from_file`], or [`ImageInput::verbatim`] for a value to
/// send exactly as it is.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an image",
    label = "expected an `ImageInput` or bytes",
    note = "say what the image is: `ImageInput::url(..)`, `ImageInput::base64(..)`, \
            `ImageInput::from_file(path)?`, bytes (`Vec<u8>`, `&[u8]`), or \
            `ImageInput::verbatim(..)` to send a value exactly as it is",
    note = "if this is the prompt, check the order: every `new` takes text first, then images"
)]
pub trait IntoImage {
    /// The image as the request holds it.
    fn into_image(self) -> ImageInput;
}

/// What a video parameter takes: a [`VideoInput`] that says what the clip
/// is, or bytes (`Vec<u8>`, `&[u8]`, `Bytes`), sent as base64.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a video",
    label = "expected a `VideoInput` or bytes",
    note = "say what the video is: `VideoInput::url(..)`, `VideoInput::from_file(path)?`, \
            `VideoInput::base64(..)`, bytes (`Vec<u8>`, `&[u8]`), or \
            `VideoInput::verbatim(..)` to send a value exactly as it is"
)]
pub trait IntoVideo {
    /// The video as the request holds it.
    fn into_video(self) -> VideoInput;
}

/// What an audio parameter takes: an [`AudioInput`] that says what the
/// sound is, or bytes (`Vec<u8>`, `&[u8]`, `Bytes`), sent as base64.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not audio",
    label = "expected an `AudioInput` or bytes",
    note = "say what the audio is: `AudioInput::url(..)`, `AudioInput::from_file(path)?`, \
            `AudioInput::base64(..)`, bytes (`Vec<u8>`, `&[u8]`), or \
            `AudioInput::verbatim(..)` to send a value exactly as it is"
)]
pub trait IntoAudio {
    /// The audio as the request holds it.
    fn into_audio(self) -> AudioInput;
}

/// What a file parameter takes: a [`FileInput`] that says what the file
/// is, or bytes (`Vec<u8>`, `&[u8]`, `Bytes`), sent as base64.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an input file",
    label = "expected a `FileInput` or bytes",
    note = "say what the file is: `FileInput::url(..)`, `FileInput::from_file(path)?`, \
            `FileInput::base64(..)`, bytes (`Vec<u8>`, `&[u8]`), or \
            `FileInput::verbatim(..)` to send a value exactly as it is"
)]
pub trait IntoFile {
    /// The file as the request holds it.
    fn into_file(self) -> FileInput;
}

/// What a number parameter takes: `f64`, `f32`, or an integer type up to 32
/// bits, all of which convert to `f64` without loss, so `guidance_scale(7)`
/// works with a plain literal.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a number this setter takes",
    label = "expected a number (`f64`, `f32`, or an integer of up to 32 bits)",
    note = "an `i64`, `u64` or `usize` may not fit an `f64` exactly: convert it with `n as f64`"
)]
pub trait IntoNumber: sealed::Sealed {
    /// The value as the `f64` the request holds.
    fn into_f64(self) -> f64;
}

/// `impl $trait for` each type, converting with `From` into what the
/// request holds.
macro_rules! converting {
    ($trait:ident::$method:ident -> $target:ty: $($ty:ty),*) => {$(
        impl $trait for $ty {
            #[inline]
            fn $method(self) -> $target {
                <$target>::from(self)
            }
        }
    )*};
}

converting!(IntoInteger::into_i64 -> i64: i8, i16, i32, i64, u8, u16, u32);
converting!(IntoNumber::into_f64 -> f64: f64, f32, i8, i16, i32, u8, u16, u32);
converting!(IntoText::into_text -> String: &str, String, &String, Box<str>, Cow<'_, str>);
converting!(IntoImage::into_image -> ImageInput: ImageInput, Vec<u8>, &Vec<u8>, &[u8], bytes::Bytes);
converting!(IntoVideo::into_video -> VideoInput: VideoInput, Vec<u8>, &Vec<u8>, &[u8], bytes::Bytes);
converting!(IntoAudio::into_audio -> AudioInput: AudioInput, Vec<u8>, &Vec<u8>, &[u8], bytes::Bytes);
converting!(IntoFile::into_file -> FileInput: FileInput, Vec<u8>, &Vec<u8>, &[u8], bytes::Bytes);

/// The types the sealed traits are implemented for.
macro_rules! sealed {
    ($($ty:ty),*) => {$(impl sealed::Sealed for $ty {})*};
}

sealed!(i8, i16, i32, i64, u8, u16, u32, f32, f64);

/// A byte array literal (`b"..."`) converts too, for each input type.
macro_rules! from_byte_array {
    ($($trait:ident::$method:ident -> $target:ty),*) => {$(
        impl<const N: usize> $trait for &[u8; N] {
            #[inline]
            fn $method(self) -> $target {
                <$target>::from(self)
            }
        }
    )*};
}

from_byte_array!(
    IntoImage::into_image -> ImageInput,
    IntoVideo::into_video -> VideoInput,
    IntoAudio::into_audio -> AudioInput,
    IntoFile::into_file -> FileInput
);
