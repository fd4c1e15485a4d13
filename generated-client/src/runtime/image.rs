//! Input images: the API takes a URL or a base64 string in the same field.

use std::fmt;
use std::path::Path;

use base64::Engine as _;

use crate::runtime::Error;

/// An image sent to the API: a URL it fetches, or the image itself as plain
/// base64 (no `data:` prefix).
///
/// Each kind is said explicitly: [`url`](Self::url),
/// [`base64`](Self::base64), bytes (`Vec<u8>`, `&[u8]` and `Bytes` convert
/// into one, encoded as base64) or [`from_file`](Self::from_file). A plain
/// string does not convert, so a prompt passed where the image goes, or a
/// local path meant as a file, does not compile. `validate()` refuses a URL
/// that is not http(s) and base64 that is not base64; a value the API
/// accepts in another form (a site-relative path, say) is sent as it is with
/// [`verbatim`](Self::verbatim).
///
/// A request read from JSON holds its images verbatim: the JSON is the
/// wire form, and says exactly what to send.
#[derive(Clone)]
pub struct ImageInput {
    value: String,
    kind: ImageKind,
}

/// Equal when the same string is sent, however each was made.
impl PartialEq for ImageInput {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for ImageInput {}

/// What an [`ImageInput`] was made as, which decides how it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImageKind {
    /// Must be an http(s) URL.
    Url,
    /// Must be base64.
    Base64,
    /// Sent as given: made with `verbatim`, or read from JSON, which is
    /// already the wire form.
    Verbatim,
}

impl ImageInput {
    fn with_kind(value: String, kind: ImageKind) -> Self {
        Self { value, kind }
    }

    /// An image the API downloads from `url` (http or https).
    pub fn url(url: impl Into<String>) -> Self {
        Self::with_kind(url.into(), ImageKind::Url)
    }

    /// An image already encoded as standard base64.
    pub fn base64(encoded: impl Into<String>) -> Self {
        Self::with_kind(encoded.into(), ImageKind::Base64)
    }

    /// A value sent exactly as given and not checked by `validate()`: for a
    /// form the API accepts that is neither an http(s) URL nor base64, such
    /// as the site-relative path in the sd1.5 page's example.
    pub fn verbatim(value: impl Into<String>) -> Self {
        Self::with_kind(value.into(), ImageKind::Verbatim)
    }

    /// Encodes image bytes held in memory.
    pub fn from_bytes(bytes: impl AsRef<[u8]>) -> Self {
        Self::base64(base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    /// Reads an image file and encodes it as base64.
    ///
    /// An unreadable or empty file is an [`Error::Io`] naming the path, so
    /// nothing is sent (or paid for) with a missing image. In async code,
    /// [`from_file_async`](Self::from_file_async) reads without blocking the
    /// runtime's thread.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| read_error(path, source))?;
        Self::from_file_bytes(path, bytes)
    }

    /// Reads an image file and encodes it as base64, without blocking the
    /// async runtime (through `tokio::fs`, so it must run inside a Tokio
    /// runtime).
    ///
    /// Fails like [`from_file`](Self::from_file): an unreadable or empty
    /// file is an [`Error::Io`] naming the path.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), segmind::Error> {
    /// let image = segmind::ImageInput::from_file_async("input.png").await?;
    /// # let _ = image; Ok(()) }
    /// ```
    pub async fn from_file_async(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|source| read_error(path, source))?;
        Self::from_file_bytes(path, bytes)
    }

    /// The encoded contents of the file at `path`, refusing an empty one.
    fn from_file_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self, Error> {
        if bytes.is_empty() {
            return Err(read_error(
                path,
                std::io::Error::new(std::io::ErrorKind::InvalidData, "the file is empty"),
            ));
        }
        Ok(Self::from_bytes(bytes))
    }

    /// The string sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Whether nothing would be sent (the request then fails validation).
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// Why `validate()` refuses the value, if it does: what it must be.
    pub(crate) fn problem(&self) -> Option<&'static str> {
        let url = || is_http_url(&self.value);
        let base64 = || is_base64(&self.value);
        let fine = match self.kind {
            ImageKind::Verbatim => !self.value.is_empty(),
            ImageKind::Url => url(),
            ImageKind::Base64 => base64(),
        };
        (!fine).then_some(match self.kind {
            ImageKind::Url => "an http(s) URL (ImageInput::verbatim sends a value as it is)",
            ImageKind::Base64 => "base64",
            ImageKind::Verbatim => "non-empty",
        })
    }
}

/// `http://` or `https://` followed by a host.
fn is_http_url(value: &str) -> bool {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
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

fn read_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        action: "cannot read image file",
        path: path.to_owned(),
        source,
    }
}

impl From<Vec<u8>> for ImageInput {
    /// Encodes the bytes as base64.
    fn from(bytes: Vec<u8>) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<&Vec<u8>> for ImageInput {
    /// Encodes the bytes as base64.
    fn from(bytes: &Vec<u8>) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<&[u8]> for ImageInput {
    /// Encodes the bytes as base64.
    fn from(bytes: &[u8]) -> Self {
        Self::from_bytes(bytes)
    }
}

impl<const N: usize> From<&[u8; N]> for ImageInput {
    /// Encodes the bytes as base64.
    fn from(bytes: &[u8; N]) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<bytes::Bytes> for ImageInput {
    /// Encodes the bytes as base64.
    fn from(bytes: bytes::Bytes) -> Self {
        Self::from_bytes(bytes)
    }
}

impl serde::Serialize for ImageInput {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.value)
    }
}

/// A JSON string is the wire form already, so it is kept verbatim: a body
/// says exactly what to send (the sd1.5 page's example sends a
/// site-relative path).
impl<'de> serde::Deserialize<'de> for ImageInput {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|value| Self::with_kind(value, ImageKind::Verbatim))
    }
}

/// Shows URLs whole but only the length of inline base64, which can be
/// megabytes and is useless in logs.
impl fmt::Debug for ImageInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 64;
        if self.value.len() <= SHOWN || self.value.contains("://") {
            f.debug_tuple("ImageInput").field(&self.value).finish()
        } else {
            write!(f, "ImageInput(<{} bytes of base64>)", self.value.len())
        }
    }
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
        assert!(problem.contains("verbatim"), "{problem}");
        let read: ImageInput = serde_json::from_str(r#""/assets/a.png""#).unwrap();
        assert_eq!(read.problem(), None, "JSON is sent as written");
        let read: ImageInput = serde_json::from_str(r#""https://h/x.jpg""#).unwrap();
        assert_eq!(read.problem(), None);
        assert_eq!(
            serde_json::to_string(&read).unwrap(),
            r#""https://h/x.jpg""#
        );
    }
}
