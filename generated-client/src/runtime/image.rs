//! Input images: the API takes a URL or a base64 string in the same field.

use std::fmt;
use std::path::Path;

use base64::Engine as _;

use crate::runtime::Error;

/// An image sent to the API: a URL it fetches, or the image itself as plain
/// base64 (no `data:` prefix).
///
/// A string converts into one as it is (`"https://…".into()`), so it must
/// already be a URL or base64: a local path such as `"photo.jpg"` is not
/// read but sent as text, and the server rejects it. Read files with
/// [`from_file`](Self::from_file).
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct ImageInput(String);

impl ImageInput {
    /// An image the API downloads from `url`.
    pub fn url(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// An image already encoded as standard base64.
    pub fn base64(encoded: impl Into<String>) -> Self {
        Self(encoded.into())
    }

    /// Encodes image bytes held in memory.
    pub fn from_bytes(bytes: impl AsRef<[u8]>) -> Self {
        Self(base64::engine::general_purpose::STANDARD.encode(bytes))
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
        &self.0
    }

    /// Whether nothing would be sent (the request then fails validation).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn read_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        action: "cannot read image file",
        path: path.to_owned(),
        source,
    }
}

impl From<&str> for ImageInput {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl From<String> for ImageInput {
    fn from(value: String) -> Self {
        Self(value)
    }
}

/// Shows URLs whole but only the length of inline base64, which can be
/// megabytes and is useless in logs.
impl fmt::Debug for ImageInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 64;
        if self.0.len() <= SHOWN || self.0.contains("://") {
            f.debug_tuple("ImageInput").field(&self.0).finish()
        } else {
            write!(f, "ImageInput(<{} bytes of base64>)", self.0.len())
        }
    }
}
