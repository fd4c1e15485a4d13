//! Input images: the API takes a URL or a base64 string in the same field.

use std::fmt;
use std::path::Path;

use base64::Engine as _;

use crate::runtime::Error;

/// An image sent to the API: a URL it fetches, or the image itself as plain
/// base64 (no `data:` prefix).
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
    /// nothing is sent (or paid for) with a missing image.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let io_error = |source| Error::Io {
            action: "cannot read image file",
            path: path.to_owned(),
            source,
        };
        let bytes = std::fs::read(path).map_err(io_error)?;
        if bytes.is_empty() {
            return Err(io_error(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the file is empty",
            )));
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
