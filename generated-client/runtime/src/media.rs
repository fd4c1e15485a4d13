//! Input files: images, videos, audio and other files, each sent as a URL
//! the API fetches or as the file itself in base64 (plain, or as a data URL
//! that names its content type).
//!
//! The four input types ([`ImageInput`], [`VideoInput`], [`AudioInput`],
//! [`FileInput`]) are one type written four times by `media_input!`, so a
//! video can never be passed where an image goes; what they share, the
//! wire string and the form it was made in, is [`Media`].

use std::fmt;
use std::path::Path;

use base64::Engine as _;

use crate::Error;

/// The kind of file an input holds, which names it in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Medium {
    /// A picture.
    Image,
    /// A video clip.
    Video,
    /// Speech, music or another sound.
    Audio,
    /// Any other file.
    File,
}

impl Medium {
    /// The word for it in messages (`image`, `video`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Medium::Image => "image",
            Medium::Video => "video",
            Medium::Audio => "audio",
            Medium::File => "file",
        }
    }

    /// What `validate()` says a URL-made input must be.
    const fn url_rule(self) -> &'static str {
        match self {
            Medium::Image => "an http(s) URL (ImageInput::verbatim sends a value as it is)",
            Medium::Video => "an http(s) URL (VideoInput::verbatim sends a value as it is)",
            Medium::Audio => "an http(s) URL (AudioInput::verbatim sends a value as it is)",
            Medium::File => "an http(s) URL (FileInput::verbatim sends a value as it is)",
        }
    }
}

/// What an input was made as, which decides how it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// Must be an http(s) URL.
    Url,
    /// Must be base64, plain or as a `data:` URL.
    Base64,
    /// Sent as given: made with `verbatim`, or read from JSON, which is
    /// already the wire form.
    Verbatim,
}

/// The value of any input file: the string sent on the wire and what it
/// was made as. Reached through each input type's `Deref`.
#[derive(Clone)]
pub struct Media {
    value: String,
    form: Form,
    medium: Medium,
}

/// Equal when the same string is sent, however each was made.
impl PartialEq for Media {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for Media {}

impl Media {
    /// The string sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Whether nothing would be sent (the request then fails validation).
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// What kind of file this is.
    pub fn medium(&self) -> Medium {
        self.medium
    }

    /// Why `validate()` refuses the value, if it does: what it must be.
    pub(crate) fn problem(&self) -> Option<&'static str> {
        let fine = match self.form {
            Form::Verbatim => !self.value.is_empty(),
            Form::Url => is_http_url(&self.value),
            Form::Base64 => is_base64(strip_data_url(&self.value)),
        };
        (!fine).then_some(match self.form {
            Form::Url => self.medium.url_rule(),
            Form::Base64 => "base64 (plain, or a data: URL)",
            Form::Verbatim => "non-empty",
        })
    }
}

/// Shows URLs whole but only the length of inline base64, which can be
/// megabytes and is useless in logs.
impl fmt::Debug for Media {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 64;
        let name = match self.medium {
            Medium::Image => "ImageInput",
            Medium::Video => "VideoInput",
            Medium::Audio => "AudioInput",
            Medium::File => "FileInput",
        };
        if self.value.len() <= SHOWN || (self.value.contains("://") && self.form != Form::Base64) {
            f.debug_tuple(name).field(&self.value).finish()
        } else {
            write!(f, "{name}(<{} bytes of base64>)", self.value.len())
        }
    }
}

/// `http://` or `https://` followed by a host.
fn is_http_url(value: &str) -> bool {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
}

/// The base64 part of a `data:<type>;base64,<data>` URL, or the value as it
/// is when it is not one.
fn strip_data_url(value: &str) -> &str {
    value
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once(','))
        .filter(|(header, _)| header.ends_with(";base64"))
        .map_or(value, |(_, data)| data)
}

/// Standard or URL-safe base64, with or without padding, of at least one
/// byte; whitespace (line breaks) allowed.
fn is_base64(value: &str) -> bool {
    let mut digits = 0_usize;
    let mut padding = 0_usize;
    for byte in value.bytes() {
        match byte {
            b'=' => padding += 1,
            _ if padding > 0 && !byte.is_ascii_whitespace() => return false,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' | b'-' | b'_' => digits += 1,
            _ if byte.is_ascii_whitespace() => {}
            _ => return false,
        }
    }
    digits >= 2 && padding <= 2 && digits % 4 != 1
}

fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The content type a file's extension names, for a data URL; `None` for
/// one not known here.
pub(crate) fn content_type_of(path: &Path) -> Option<&'static str> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "mkv" => "video/x-matroska",
        "avi" => "video/x-msvideo",
        "wav" => "audio/wav",
        "mp3" => "audio/mpeg",
        "ogg" | "oga" => "audio/ogg",
        "flac" => "audio/flac",
        "m4a" => "audio/mp4",
        "aac" => "audio/aac",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "json" => "application/json",
        _ => return None,
    })
}

/// The bytes of the file at `path`, refusing an empty one.
fn read_file(path: &Path, medium: Medium) -> Result<Vec<u8>, Error> {
    let bytes = std::fs::read(path).map_err(|source| read_error(path, medium, source))?;
    non_empty(path, medium, bytes)
}

async fn read_file_async(path: &Path, medium: Medium) -> Result<Vec<u8>, Error> {
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|source| read_error(path, medium, source))?;
    non_empty(path, medium, bytes)
}

fn non_empty(path: &Path, medium: Medium, bytes: Vec<u8>) -> Result<Vec<u8>, Error> {
    if bytes.is_empty() {
        let empty = std::io::Error::new(std::io::ErrorKind::InvalidData, "the file is empty");
        return Err(read_error(path, medium, empty));
    }
    Ok(bytes)
}

fn read_error(path: &Path, medium: Medium, source: std::io::Error) -> Error {
    Error::Io {
        action: match medium {
            Medium::Image => "cannot read image file",
            Medium::Video => "cannot read video file",
            Medium::Audio => "cannot read audio file",
            Medium::File => "cannot read input file",
        },
        path: path.to_owned(),
        source,
    }
}

/// Writes one input type: its constructors, conversions from bytes, serde
/// and `Debug`, over the shared [`Media`].
macro_rules! media_input {
    (@file_doc base64) => {
        " as plain base64, which image parameters take."
    };
    (@file_doc data_url) => {
        " as a `data:` URL naming the content type its extension says (`data:video/mp4;base64,...`), or as plain base64 when the extension is not a known one."
    };
    (@encode base64, $path:ident, $bytes:ident) => {
        Self::from_bytes($bytes)
    };
    (@encode data_url, $path:ident, $bytes:ident) => {
        match content_type_of($path) {
            Some(content_type) => Self::data_url(content_type, $bytes),
            None => Self::from_bytes($bytes),
        }
    };
    (
        $(#[doc = $doc:expr])*
        $name:ident, $medium:ident,
        file: $file_form:ident, example: $example:literal
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(Media);

        impl $name {
            fn with_form(value: String, form: Form) -> Self {
                Self(Media {
                    value,
                    form,
                    medium: Medium::$medium,
                })
            }

            #[doc = concat!("A ", stringify!($medium), " the API downloads from `url` (http or https).")]
            pub fn url(url: impl Into<String>) -> Self {
                Self::with_form(url.into(), Form::Url)
            }

            /// The file already encoded as standard base64, or as a
            /// `data:<type>;base64,...` URL.
            pub fn base64(encoded: impl Into<String>) -> Self {
                Self::with_form(encoded.into(), Form::Base64)
            }

            /// The file's bytes as a `data:` URL that names its content
            /// type (`video/mp4`), for a server that reads the type from it.
            pub fn data_url(content_type: &str, bytes: impl AsRef<[u8]>) -> Self {
                let encoded = encode(bytes.as_ref());
                Self::with_form(format!("data:{content_type};base64,{encoded}"), Form::Base64)
            }

            /// A value sent exactly as given and not checked by
            /// `validate()`: for a form the API accepts that is neither an
            /// http(s) URL nor base64, such as a site-relative path.
            pub fn verbatim(value: impl Into<String>) -> Self {
                Self::with_form(value.into(), Form::Verbatim)
            }

            /// Encodes bytes held in memory as plain base64.
            pub fn from_bytes(bytes: impl AsRef<[u8]>) -> Self {
                Self::with_form(encode(bytes.as_ref()), Form::Base64)
            }

            #[doc = concat!("Reads a ", stringify!($medium), " file now and encodes it")]
            #[doc = media_input!(@file_doc $file_form)]
            ///
            /// An unreadable or empty file is an [`Error::Io`] naming the
            /// path, so nothing is sent (or paid for) with a missing file.
            /// In async code, `from_file_async` reads without blocking the
            /// runtime's thread.
            ///
            /// ```no_run
            #[doc = concat!("let input = segmind::", stringify!($name), "::from_file(\"", $example, "\")?;")]
            /// # let _ = input; Ok::<(), segmind::Error>(())
            /// ```
            pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
                let path = path.as_ref();
                let bytes = read_file(path, Medium::$medium)?;
                Ok(media_input!(@encode $file_form, path, bytes))
            }

            /// Reads the file like [`from_file`](Self::from_file), without
            /// blocking the async runtime (through `tokio::fs`, so it must
            /// run inside a Tokio runtime).
            pub async fn from_file_async(path: impl AsRef<Path>) -> Result<Self, Error> {
                let path = path.as_ref();
                let bytes = read_file_async(path, Medium::$medium).await?;
                Ok(media_input!(@encode $file_form, path, bytes))
            }
        }

        impl std::ops::Deref for $name {
            type Target = Media;

            fn deref(&self) -> &Media {
                &self.0
            }
        }

        impl From<Vec<u8>> for $name {
            /// Encodes the bytes as base64.
            fn from(bytes: Vec<u8>) -> Self {
                Self::from_bytes(bytes)
            }
        }

        impl From<&Vec<u8>> for $name {
            /// Encodes the bytes as base64.
            fn from(bytes: &Vec<u8>) -> Self {
                Self::from_bytes(bytes)
            }
        }

        impl From<&[u8]> for $name {
            /// Encodes the bytes as base64.
            fn from(bytes: &[u8]) -> Self {
                Self::from_bytes(bytes)
            }
        }

        impl<const N: usize> From<&[u8; N]> for $name {
            /// Encodes the bytes as base64.
            fn from(bytes: &[u8; N]) -> Self {
                Self::from_bytes(bytes)
            }
        }

        impl From<bytes::Bytes> for $name {
            /// Encodes the bytes as base64.
            fn from(bytes: bytes::Bytes) -> Self {
                Self::from_bytes(bytes)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0.value)
            }
        }

        /// A JSON string is the wire form already, so it is kept verbatim:
        /// a body says exactly what to send.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(|value| Self::with_form(value, Form::Verbatim))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }
    };
}

media_input! {
    /// An image sent to the API: a URL it fetches, or the image itself as
    /// plain base64 (no `data:` prefix needed).
    ///
    /// Each kind is said explicitly: [`url`](Self::url),
    /// [`base64`](Self::base64), bytes (`Vec<u8>`, `&[u8]` and `Bytes`
    /// convert into one, encoded as base64) or [`from_file`](Self::from_file).
    /// A plain string does not convert, so a prompt passed where the image
    /// goes, or a local path meant as a file, does not compile. `validate()`
    /// refuses a URL that is not http(s) and base64 that is not base64; a
    /// value the API accepts in another form (a site-relative path, say) is
    /// sent as it is with [`verbatim`](Self::verbatim).
    ///
    /// A request read from JSON holds its images verbatim: the JSON is the
    /// wire form, and says exactly what to send.
    ImageInput, Image, file: base64, example: "input.png"
}

media_input! {
    /// A video sent to the API: a URL it fetches, or the clip itself in
    /// base64 (a `data:video/mp4;base64,...` URL from
    /// [`from_file`](Self::from_file) or [`data_url`](Self::data_url)).
    ///
    /// Made explicitly, like [`ImageInput`]: a plain string does not
    /// convert, so a local path is never sent as if it were a URL.
    VideoInput, Video, file: data_url, example: "clip.mp4"
}

media_input! {
    /// Audio sent to the API (speech to lip-sync, a reference voice, a
    /// melody): a URL it fetches, or the sound itself in base64 (a
    /// `data:audio/wav;base64,...` URL from [`from_file`](Self::from_file)).
    ///
    /// Made explicitly, like [`ImageInput`]: a plain string does not
    /// convert.
    AudioInput, Audio, file: data_url, example: "voice.wav"
}

media_input! {
    /// Any other file sent to the API: a URL it fetches, or the file itself
    /// in base64 (a data URL naming its type from
    /// [`from_file`](Self::from_file)).
    ///
    /// Made explicitly, like [`ImageInput`]: a plain string does not
    /// convert.
    FileInput, File, file: data_url, example: "input.pdf"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_checked_for_what_it_claims_to_be() {
        assert_eq!(ImageInput::url("https://example.com/a.png").problem(), None);
        assert!(ImageInput::url("photos/input.png").problem().is_some());
        assert!(ImageInput::url("ftp://host/a.png").problem().is_some());
        assert!(ImageInput::url("https:///a.png").problem().is_some());
        assert_eq!(ImageInput::base64("iVBORw0KGgo=").problem(), None);
        assert_eq!(ImageInput::from(vec![1_u8, 2, 3]).problem(), None);
        assert!(ImageInput::base64("not base64!").problem().is_some());
        assert_eq!(ImageInput::verbatim("/assets/a.png").problem(), None);
        let problem = ImageInput::url("photos/input.png").problem().unwrap();
        assert!(problem.contains("ImageInput::verbatim"), "{problem}");
        let read: ImageInput = serde_json::from_str(r#""/assets/a.png""#).unwrap();
        assert_eq!(read.problem(), None, "JSON is sent as written");
        let read: ImageInput = serde_json::from_str(r#""https://h/x.jpg""#).unwrap();
        assert_eq!(read.problem(), None);
        assert_eq!(
            serde_json::to_string(&read).unwrap(),
            r#""https://h/x.jpg""#
        );
    }

    #[test]
    fn a_video_names_its_own_type_and_takes_a_data_url() {
        let problem = VideoInput::url("clip.mp4").problem().unwrap();
        assert!(problem.contains("VideoInput::verbatim"), "{problem}");
        let clip = VideoInput::data_url("video/mp4", b"\0\0\0\x18ftypmp42");
        assert!(clip.as_str().starts_with("data:video/mp4;base64,"));
        assert_eq!(clip.problem(), None);
        assert_eq!(clip.medium(), Medium::Video);
        assert!(VideoInput::base64("data:video/mp4;base64,!!")
            .problem()
            .is_some());
        assert_eq!(
            format!("{:?}", AudioInput::url("https://h/a.wav")),
            "AudioInput(\"https://h/a.wav\")"
        );
        let long = AudioInput::data_url("audio/wav", vec![7_u8; 200]);
        assert!(format!("{long:?}").contains("bytes of base64"), "{long:?}");
    }

    #[test]
    fn a_file_is_read_with_the_type_its_extension_names() {
        let dir = std::env::temp_dir().join(format!("segmind-media-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let clip = dir.join("clip.MP4");
        std::fs::write(&clip, b"\0\0\0\x18ftypmp42").unwrap();
        let video = VideoInput::from_file(&clip).unwrap();
        assert!(
            video.as_str().starts_with("data:video/mp4;base64,"),
            "{video:?}"
        );
        // Images stay plain base64, as the image endpoints' pages show.
        let image = ImageInput::from_file(&clip).unwrap();
        assert!(!image.as_str().starts_with("data:"));
        let unknown = dir.join("sound.xyz");
        std::fs::write(&unknown, b"abc").unwrap();
        assert_eq!(AudioInput::from_file(&unknown).unwrap().as_str(), "YWJj");
        let empty = dir.join("empty.wav");
        std::fs::write(&empty, b"").unwrap();
        let error = AudioInput::from_file(&empty).unwrap_err().to_string();
        assert!(
            error.contains("audio") && error.contains("empty"),
            "{error}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
