//! What a successful call gives back: images, video, audio, text or JSON,
//! with the response's
//! status, headers and remaining credits.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::Value;

use crate::error::Undecodable;
use crate::{Error, Medium};

/// The header in which the API reports the account's remaining credits.
pub const REMAINING_CREDITS_HEADER: &str = "x-remaining-credits";

/// The same as a header name, so looking it up parses nothing.
static REMAINING_CREDITS: HeaderName = HeaderName::from_static(REMAINING_CREDITS_HEADER);

/// The content type assumed for image bytes that carry none and whose magic
/// bytes are not recognised.
const DEFAULT_IMAGE_TYPE: &str = "image/jpeg";

/// Standard base64, with or without padding.
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// URL-safe base64, with or without padding.
const LENIENT_URL_SAFE: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Facts about a response other than its body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The slug of the endpoint that answered.
    pub endpoint: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The `x-remaining-credits` header, when present and numeric.
    pub remaining_credits: Option<f64>,
}

impl ResponseMeta {
    /// Collects a response's metadata, parsing `x-remaining-credits`.
    pub fn new(endpoint: &'static str, status: StatusCode, headers: HeaderMap) -> Self {
        let remaining_credits = headers
            .get(&REMAINING_CREDITS)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<f64>().ok())
            .filter(|credits| credits.is_finite());
        Self {
            endpoint,
            status,
            headers,
            remaining_credits,
        }
    }

    /// The `Content-Type` without parameters, lower-cased (`image/png`).
    pub fn content_type(&self) -> Option<String> {
        self.media_type().map(str::to_ascii_lowercase)
    }

    /// The `Content-Type` without parameters, in the case it was sent.
    fn media_type(&self) -> Option<&str> {
        let value = self.headers.get(CONTENT_TYPE)?.to_str().ok()?;
        let end = value.bytes().position(|byte| byte == b';');
        let essence = end.and_then(|end| value.get(..end)).unwrap_or(value).trim();
        (!essence.is_empty()).then_some(essence)
    }
}

/// Turns a successful response into an endpoint's output.
///
/// [`Endpoint::Output`](crate::Endpoint::Output) must implement it
/// for the client to send that endpoint's requests; the crate implements it
/// for [`ImageResponse`] and [`JsonResponse`].
pub trait DecodeResponse: Sized {
    /// Whether the output keeps the server's text (as [`JsonResponse`]
    /// does), so the client must redact the API key from the body before
    /// decoding. Image outputs keep only image bytes and leave it `false`,
    /// which spares scanning megabytes of image.
    const MAY_QUOTE_BODY: bool = false;

    /// Decodes the body of a 2xx response, or explains in an
    /// [`Error::Decode`] why it cannot.
    fn decode(meta: ResponseMeta, body: Bytes) -> Result<Self, Error>;
}

/// One file an endpoint answered with (an image, a video, a sound): its
/// bytes and their content type.
#[derive(Clone, PartialEq, Eq)]
pub struct MediaFile {
    bytes: Bytes,
    /// Borrowed for the common types, so most answers allocate no string
    /// for it.
    content_type: Cow<'static, str>,
}

/// An image an endpoint answered with: a [`MediaFile`] by its older name.
pub type Image = MediaFile;

impl MediaFile {
    /// A file from its bytes and content type (`image/png`, `video/mp4`).
    pub fn new(bytes: impl Into<Bytes>, content_type: impl Into<String>) -> Self {
        Self::with_type(bytes.into(), Cow::Owned(content_type.into()))
    }

    fn with_type(bytes: Bytes, content_type: Cow<'static, str>) -> Self {
        Self {
            bytes,
            content_type,
        }
    }

    /// The encoded file (JPEG, PNG, MP4, WAV, ...), as the API produced it.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// Takes the encoded file out.
    pub fn into_bytes(self) -> Bytes {
        self.bytes
    }

    /// The content type: the response's, or for base64 answers the one the
    /// magic bytes show (for an image endpoint `image/jpeg` when
    /// unrecognised).
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// A file extension matching the content type (`jpg`, `png`, `mp4`,
    /// `webm`, `wav`, `mp3`, ..., else `bin`).
    pub fn extension(&self) -> &'static str {
        extension_of(&self.content_type)
    }

    /// Writes the file to `path`, replacing any file there.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        let path = path.as_ref();
        std::fs::write(path, &self.bytes).map_err(|source| write_error(path, source))
    }

    /// Writes the file to `path` without blocking the async runtime.
    pub async fn save_async(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        let path = path.as_ref();
        tokio::fs::write(path, &self.bytes)
            .await
            .map_err(|source| write_error(path, source))
    }
}

/// The extension a content type calls for; `bin` for one not known here.
fn extension_of(content_type: &str) -> &'static str {
    KNOWN_TYPES
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(content_type))
        .map_or("bin", |(_, extension)| extension)
}

/// The content types answers are known to come in, each with its file
/// extension. A declared type outside this list is not kept (it is the
/// server's text), but sniffed from the bytes instead.
const KNOWN_TYPES: [(&str, &str); 20] = [
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/webp", "webp"),
    ("image/gif", "gif"),
    ("image/jpg", "jpg"),
    ("video/mp4", "mp4"),
    ("video/webm", "webm"),
    ("video/quicktime", "mov"),
    ("video/x-matroska", "mkv"),
    ("video/x-msvideo", "avi"),
    ("audio/mpeg", "mp3"),
    ("audio/mp3", "mp3"),
    ("audio/wav", "wav"),
    ("audio/x-wav", "wav"),
    ("audio/wave", "wav"),
    ("audio/ogg", "ogg"),
    ("audio/flac", "flac"),
    ("audio/aac", "aac"),
    ("audio/mp4", "m4a"),
    ("text/plain", "txt"),
];

fn write_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        action: "cannot write output file",
        path: path.to_owned(),
        source,
    }
}

/// Shows the size rather than the bytes.
impl fmt::Debug for MediaFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaFile")
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// What [`first`](ImageResponse::first) would give for an empty list, which
/// decoding never produces; it spares that method a panicking path.
static NO_FILE: MediaFile = MediaFile {
    bytes: Bytes::new(),
    content_type: Cow::Borrowed("application/octet-stream"),
};

/// Writes one response type for answers that are files of one medium:
/// access, saving with the right extension, iteration and decoding.
macro_rules! file_response {
    (
        $(#[doc = $doc:expr])*
        $name:ident, $medium:ident, $what:literal
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            /// Never empty: decoding refuses a response without a file.
            files: Vec<MediaFile>,
            meta: ResponseMeta,
        }

        impl $name {
            #[doc = concat!("The first (often the only) ", $what, ".")]
            pub fn first(&self) -> &MediaFile {
                self.files.first().unwrap_or(&NO_FILE)
            }

            /// Every file, in the order the API returned them; never empty.
            pub fn files(&self) -> &[MediaFile] {
                &self.files
            }

            /// Takes every file out.
            pub fn into_files(self) -> Vec<MediaFile> {
                self.files
            }

            /// The first file's bytes.
            pub fn bytes(&self) -> &Bytes {
                self.first().bytes()
            }

            /// The first file's content type.
            pub fn content_type(&self) -> &str {
                self.first().content_type()
            }

            /// Status, headers and remaining credits.
            pub fn meta(&self) -> &ResponseMeta {
                &self.meta
            }

            /// The account's credits after this call, when the API said.
            pub fn remaining_credits(&self) -> Option<f64> {
                self.meta.remaining_credits
            }

            /// Iterates over the files.
            pub fn iter(&self) -> std::slice::Iter<'_, MediaFile> {
                self.files.iter()
            }

            /// Writes every file, and returns where: the first at `path`,
            /// the others beside it numbered from 2 (`out.png`, `out-2.png`,
            /// ...). Each file takes the extension its content type calls
            /// for, so `out.jpg` becomes `out.png` for a PNG and `out.mp4`
            /// for an MP4; a path without an extension gets one.
            pub fn save(&self, path: impl AsRef<Path>) -> Result<Vec<PathBuf>, Error> {
                let paths = numbered_paths(path.as_ref(), &self.files);
                for (file, path) in self.files.iter().zip(&paths) {
                    file.save(path)?;
                }
                Ok(paths)
            }

            /// [`save`](Self::save) without blocking the async runtime.
            pub async fn save_async(&self, path: impl AsRef<Path>) -> Result<Vec<PathBuf>, Error> {
                let paths = numbered_paths(path.as_ref(), &self.files);
                for (file, path) in self.files.iter().zip(&paths) {
                    file.save_async(path).await?;
                }
                Ok(paths)
            }

            /// The files of a finished queued job; an error when there are
            /// none.
            pub(crate) fn from_files(meta: ResponseMeta, files: Vec<MediaFile>) -> Result<Self, Error> {
                if files.is_empty() {
                    return Err(Error::decode(meta.endpoint, concat!("the result holds no ", $what)));
                }
                Ok(Self { files, meta })
            }
        }

        impl<'a> IntoIterator for &'a $name {
            type Item = &'a MediaFile;
            type IntoIter = std::slice::Iter<'a, MediaFile>;

            fn into_iter(self) -> Self::IntoIter {
                self.files.iter()
            }
        }

        impl IntoIterator for $name {
            type Item = MediaFile;
            type IntoIter = std::vec::IntoIter<MediaFile>;

            fn into_iter(self) -> Self::IntoIter {
                self.files.into_iter()
            }
        }

        impl DecodeResponse for $name {
            fn decode(meta: ResponseMeta, body: Bytes) -> Result<Self, Error> {
                let files = decode_files(&meta, body, Medium::$medium)
                    .map_err(|m| Error::decode(meta.endpoint, m))?;
                if files.is_empty() {
                    return Err(Error::decode(meta.endpoint, concat!("the response holds no ", $what)));
                }
                Ok(Self { files, meta })
            }
        }
    };
}

file_response! {
    /// The images an image endpoint generated: one, or several when
    /// `samples` asked for more. Raw-bytes and base64 JSON answers decode to
    /// the same type.
    ///
    /// ```no_run
    /// # async fn run(client: segmind::Client) -> Result<(), segmind::Error> {
    /// let images = client.ssd_1b(segmind::Ssd1bRequest::new("a fox").samples(2)).await?;
    /// for path in images.save("fox")? {
    ///     println!("wrote {}", path.display()); // fox.jpg, fox-2.jpg
    /// }
    /// # Ok(()) }
    /// ```
    ImageResponse, Image, "image"
}

impl ImageResponse {
    /// Every image, in the order the API returned them; never empty (the
    /// same as [`files`](Self::files)).
    pub fn images(&self) -> &[Image] {
        &self.files
    }

    /// Takes every image out.
    pub fn into_images(self) -> Vec<Image> {
        self.files
    }
}

file_response! {
    /// The video a video endpoint generated (sound included, where the
    /// model makes it): raw bytes, base64 JSON, or for a queued job the
    /// files its result links to, fetched. [`save`](Self::save) writes it
    /// with the extension its content type calls for (`.mp4`, `.webm`).
    VideoResponse, Video, "video"
}

file_response! {
    /// The audio a speech or music endpoint generated: raw bytes, base64
    /// JSON, or for a queued job the files its result links to, fetched.
    /// [`save`](Self::save) writes it with the extension its content type
    /// calls for (`.wav`, `.mp3`, `.flac`).
    AudioResponse, Audio, "audio"
}

/// Where `save` writes each file: the first at `path` and the others
/// numbered from 2, each with its own extension.
fn numbered_paths(path: &Path, files: &[MediaFile]) -> Vec<PathBuf> {
    let stem = path.with_extension("");
    let stem = stem.as_os_str();
    files
        .iter()
        .enumerate()
        .map(|(index, file)| {
            let mut name = stem.to_owned();
            if index > 0 {
                name.push(format!("-{}", index + 1));
            }
            name.push(".");
            name.push(file.extension());
            PathBuf::from(name)
        })
        .collect()
}

/// The text a text endpoint answered with (a transcript, a caption, a
/// chat model's reply when it answers plain text).
///
/// Its `Debug` shows the start of the text, not all of it.
#[derive(Clone)]
pub struct TextResponse {
    text: String,
    meta: ResponseMeta,
}

impl TextResponse {
    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Takes the text out.
    pub fn into_text(self) -> String {
        self.text
    }

    /// Status, headers and remaining credits.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// The account's credits after this call, when the API said.
    pub fn remaining_credits(&self) -> Option<f64> {
        self.meta.remaining_credits
    }

    /// The text of a finished queued job's output: a string, or an object
    /// holding one.
    pub(crate) fn from_value(meta: ResponseMeta, value: &Value) -> Result<Self, Error> {
        let text = text_in(value).map_err(|m| Error::decode(meta.endpoint, m))?;
        Ok(Self { text, meta })
    }
}

impl fmt::Debug for TextResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = match self.text.char_indices().nth(DEBUG_JSON_LIMIT) {
            Some((cut, _)) => &self.text[..cut],
            None => &self.text,
        };
        f.debug_struct("TextResponse")
            .field("text_start", &shown)
            .field("len", &self.text.len())
            .field("meta", &self.meta)
            .finish()
    }
}

impl fmt::Display for TextResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl DecodeResponse for TextResponse {
    const MAY_QUOTE_BODY: bool = true;

    fn decode(meta: ResponseMeta, body: Bytes) -> Result<Self, Error> {
        let text = match meta.media_type() {
            Some(kind) if is_json(kind) => parse_json(&body).and_then(|value| text_in(&value)),
            _ => String::from_utf8(body.to_vec())
                .map_err(|error| Undecodable::caused_by("the text is not UTF-8", error)),
        };
        let text = text.map_err(|m| Error::decode(meta.endpoint, m))?;
        Ok(Self { text, meta })
    }
}

/// The text a JSON answer holds: a string, or the string under `text`,
/// `output`, `result` or `content`.
fn text_in(value: &Value) -> Result<String, Undecodable> {
    const FIELDS: [&str; 4] = ["text", "output", "result", "content"];
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Object(map) => FIELDS
            .iter()
            .find_map(|field| map.get(*field).and_then(Value::as_str))
            .map(str::to_owned)
            .ok_or_else(|| {
                let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                format!("the JSON holds no text (found: {})", keys.join(", ")).into()
            }),
        _ => Err("the JSON is not text or an object holding text".into()),
    }
}

/// The parsed JSON answer of an endpoint that returns JSON.
///
/// Its `Debug` shows the start of the JSON, not all of it.
#[derive(Clone)]
pub struct JsonResponse {
    value: Value,
    meta: ResponseMeta,
}

impl JsonResponse {
    /// The parsed body.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Takes the parsed body out.
    pub fn into_value(self) -> Value {
        self.value
    }

    /// Deserializes the body into `T`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        T::deserialize(&self.value).map_err(|error| {
            let message = format!(
                "the JSON does not match `{}`: {error}",
                std::any::type_name::<T>()
            );
            Error::decode(self.meta.endpoint, Undecodable::caused_by(message, error))
        })
    }

    /// Status, headers and remaining credits.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// The account's credits after this call, when the API said.
    pub fn remaining_credits(&self) -> Option<f64> {
        self.meta.remaining_credits
    }
}

/// How much of a JSON answer `Debug` shows.
const DEBUG_JSON_LIMIT: usize = 1 << 10;

impl fmt::Debug for JsonResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut start = BoundedText::new(DEBUG_JSON_LIMIT);
        // Stops with an error once the bound is reached: the rest is not
        // serialised at all.
        let _ = serde_json::to_writer(&mut start, &self.value);
        f.debug_struct("JsonResponse")
            .field("value_start", &start.text())
            .field("cut", &start.cut)
            .field("meta", &self.meta)
            .finish()
    }
}

/// A writer that keeps the first `limit` bytes and then refuses more.
struct BoundedText {
    bytes: Vec<u8>,
    limit: usize,
    cut: bool,
}

impl BoundedText {
    fn new(limit: usize) -> Self {
        Self {
            bytes: Vec::new(),
            limit,
            cut: false,
        }
    }

    fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }
}

impl std::io::Write for BoundedText {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let room = self.limit - self.bytes.len();
        if bytes.len() > room {
            self.bytes.extend_from_slice(&bytes[..room]);
            self.cut = true;
            return Err(std::io::Error::other("enough"));
        }
        self.bytes.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl JsonResponse {
    pub(crate) fn from_value(meta: ResponseMeta, value: Value) -> Self {
        Self { value, meta }
    }
}

/// The account's balance, from [`Client::credits`](crate::Client::credits)
/// (`GET /get-user-credits`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[non_exhaustive]
pub struct Credits {
    /// Paid credits left.
    pub credits: f64,
    /// Free credits left.
    #[serde(rename = "free-credits")]
    pub free_credits: f64,
}

impl DecodeResponse for JsonResponse {
    const MAY_QUOTE_BODY: bool = true;

    fn decode(meta: ResponseMeta, body: Bytes) -> Result<Self, Error> {
        let value = parse_json(&body).map_err(|message| Error::decode(meta.endpoint, message))?;
        Ok(Self { value, meta })
    }
}

fn parse_json(body: &[u8]) -> Result<Value, Undecodable> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err("the response body is empty".into());
    }
    serde_json::from_slice(body)
        .map_err(|error| Undecodable::caused_by(format!("invalid JSON: {error}"), error))
}

/// Whether `media_type` (any case) is JSON: `application/json` or `*/*+json`.
fn is_json(media_type: &str) -> bool {
    media_type.eq_ignore_ascii_case("application/json")
        || ends_with_ignore_case(media_type, "+json")
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
}

fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    text.len()
        .checked_sub(suffix.len())
        .and_then(|start| text.as_bytes().get(start..))
        .is_some_and(|end| end.eq_ignore_ascii_case(suffix.as_bytes()))
}

/// A media type, lower-cased: borrowed when it is a known one, so the usual
/// response allocates no string for it.
fn media_type(media_type: &str) -> Cow<'static, str> {
    match known_type(media_type) {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(media_type.to_ascii_lowercase()),
    }
}

/// The known type `media_type` names, compared without regard to case.
fn known_type(media_type: &str) -> Option<&'static str> {
    KNOWN_TYPES
        .iter()
        .map(|(known, _)| *known)
        .find(|known| known.eq_ignore_ascii_case(media_type))
}

impl Medium {
    /// The content type assumed for bytes of this medium that carry none
    /// and whose magic bytes are not recognised.
    fn default_type(self) -> &'static str {
        match self {
            Medium::Image => DEFAULT_IMAGE_TYPE,
            Medium::Video => "video/mp4",
            Medium::Audio => "audio/mpeg",
            _ => "application/octet-stream",
        }
    }

    /// The JSON fields an answer of this medium is looked for under.
    fn json_fields(self) -> [&'static str; 2] {
        match self {
            Medium::Image => ["image", "images"],
            Medium::Video => ["video", "videos"],
            Medium::Audio => ["audio", "audios"],
            _ => ["file", "files"],
        }
    }
}

/// Reads an endpoint's body by its content type: JSON carries base64; a
/// type of the endpoint's medium (`image/*` for an image endpoint), an
/// octet stream or none is the file itself.
pub(crate) fn decode_files(
    meta: &ResponseMeta,
    body: Bytes,
    medium: Medium,
) -> Result<Vec<MediaFile>, Undecodable> {
    let own_prefix = match medium {
        Medium::Image => "image/",
        Medium::Video => "video/",
        Medium::Audio => "audio/",
        _ => "application/",
    };
    match meta.media_type() {
        Some(kind) if is_json(kind) => files_from_json(&body, medium),
        Some(kind) if starts_with_ignore_case(kind, own_prefix) => {
            raw_file(body, Some(media_type(kind)), medium)
        }
        Some(kind) if kind.eq_ignore_ascii_case("application/octet-stream") => {
            raw_file(body, None, medium)
        }
        None => raw_file(body, None, medium),
        Some(kind) => {
            let first = body.iter().find(|byte| !byte.is_ascii_whitespace());
            if sniff(&body).is_some() {
                raw_file(body, None, medium)
            } else if matches!(first, Some(b'{' | b'[')) {
                files_from_json(&body, medium)
            } else {
                Err(format!(
                    "expected {} or JSON, got `{}` ({} bytes)",
                    match medium {
                        Medium::Image => "an image",
                        Medium::Video => "a video",
                        Medium::Audio => "audio",
                        _ => "a file",
                    },
                    kind.to_ascii_lowercase(),
                    body.len()
                )
                .into())
            }
        }
    }
}

fn raw_file(
    body: Bytes,
    content_type: Option<Cow<'static, str>>,
    medium: Medium,
) -> Result<Vec<MediaFile>, Undecodable> {
    if body.is_empty() {
        return Err("the response body is empty".into());
    }
    let content_type = content_type
        .unwrap_or_else(|| Cow::Borrowed(sniff(&body).unwrap_or(medium.default_type())));
    Ok(vec![MediaFile::with_type(body, content_type)])
}

/// `{"image": "<base64>"}`, `{"image": ["..", ".."]}`, the same under
/// `images` (or `video`/`videos`, `audio`/`audios` for those media), or a
/// bare string or array.
fn files_from_json(body: &[u8], medium: Medium) -> Result<Vec<MediaFile>, Undecodable> {
    let value = parse_json(body)?;
    let [one, many] = medium.json_fields();
    let (field, found) = match &value {
        Value::Object(map) => match map.get(one).map(|v| (one, v)) {
            Some(found) => found,
            None => match map.get(many) {
                Some(files) => (many, files),
                None => return Err(missing_file(map, medium).into()),
            },
        },
        other => ("body", other),
    };
    match found {
        Value::String(encoded) => Ok(vec![decode_base64(encoded, field, medium)?]),
        Value::Array(items) if items.is_empty() => {
            Err(format!("`{field}` is an empty array").into())
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::String(encoded) => {
                    decode_base64(encoded, &format!("{field}[{index}]"), medium)
                }
                _ => Err(format!("`{field}[{index}]` is not a base64 string").into()),
            })
            .collect(),
        _ => Err(format!("`{field}` is not a base64 string or an array of them").into()),
    }
}

fn missing_file(map: &serde_json::Map<String, Value>, medium: Medium) -> String {
    let [one, many] = medium.json_fields();
    let said = ["error", "message"]
        .iter()
        .find_map(|key| map.get(*key).and_then(Value::as_str));
    match said {
        // Not cut here: the client redacts the key first, then cuts.
        Some(message) => format!("the JSON has no `{one}` field; the server said: {message}"),
        None => {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            format!(
                "the JSON has no `{one}` or `{many}` field (found: {})",
                keys.join(", ")
            )
        }
    }
}

/// Decodes one base64 file, with or without padding or a `data:` prefix.
pub(crate) fn decode_base64(
    encoded: &str,
    field: &str,
    medium: Medium,
) -> Result<MediaFile, Undecodable> {
    let (declared, data) = match encoded.strip_prefix("data:") {
        Some(rest) => match rest.split_once(',') {
            Some((header, data)) => (header.strip_suffix(";base64"), data),
            None => (None, encoded),
        },
        None => (None, encoded),
    };
    let data: std::borrow::Cow<'_, str> = if data.bytes().any(|b| b.is_ascii_whitespace()) {
        data.chars().filter(|c| !c.is_ascii_whitespace()).collect()
    } else {
        data.into()
    };
    let engine = if data.contains(['-', '_']) {
        &LENIENT_URL_SAFE
    } else {
        &LENIENT_STANDARD
    };
    let bytes = engine.decode(data.as_bytes()).map_err(|error| {
        Undecodable::caused_by(format!("`{field}` is not valid base64: {error}"), error)
    })?;
    if bytes.is_empty() {
        return Err(format!("`{field}` is empty").into());
    }
    // A declared type is kept only when it is a known one: it is the
    // server's text, and could hold anything (the key, megabytes).
    let content_type = match declared.and_then(known_type) {
        Some(kind) => Cow::Borrowed(kind),
        None => Cow::Borrowed(sniff(&bytes).unwrap_or(medium.default_type())),
    };
    Ok(MediaFile::with_type(Bytes::from(bytes), content_type))
}

/// The image, video or audio format the magic bytes show, if any.
pub(crate) fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let riff =
        |form: &[u8]| bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == form;
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if riff(b"WEBP") {
        Some("image/webp")
    } else if riff(b"WAVE") {
        Some("audio/wav")
    } else if riff(b"AVI ") {
        Some("video/x-msvideo")
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        // ISO media: `M4A ` is sound, `qt  ` QuickTime, the rest MP4.
        Some(match &bytes[8..12] {
            b"M4A " => "audio/mp4",
            b"qt  " => "video/quicktime",
            _ => "video/mp4",
        })
    } else if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Some("video/webm")
    } else if bytes.starts_with(b"OggS") {
        Some("audio/ogg")
    } else if bytes.starts_with(b"fLaC") {
        Some("audio/flac")
    } else if bytes.starts_with(b"ID3")
        || (bytes.len() >= 2 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0)
    {
        Some("audio/mpeg")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_image_is_saved_with_its_own_extension() {
        let dir = std::env::temp_dir().join(format!("segmind-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let images = vec![
            Image::new(&b"\x89PNG\r\n\x1a\none"[..], "image/png"),
            Image::new(&b"\xFF\xD8\xFFtwo"[..], "image/jpeg"),
        ];
        let response = ImageResponse::from_files(meta(None), images).unwrap();
        let paths = response.save(dir.join("out.jpg")).unwrap();
        assert_eq!(paths, [dir.join("out.png"), dir.join("out-2.jpg")]);
        for (path, image) in paths.iter().zip(&response) {
            assert_eq!(std::fs::read(path).unwrap(), image.bytes().as_ref());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\nrest";

    fn meta(content_type: Option<&str>) -> ResponseMeta {
        let mut headers = HeaderMap::new();
        if let Some(kind) = content_type {
            headers.insert(CONTENT_TYPE, kind.parse().unwrap());
        }
        ResponseMeta::new("test", StatusCode::OK, headers)
    }

    fn decode(content_type: Option<&str>, body: &'static [u8]) -> Result<ImageResponse, String> {
        ImageResponse::decode(meta(content_type), Bytes::from_static(body))
            .map_err(|error| error.to_string())
    }

    #[test]
    fn magic_bytes_are_recognised() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Some("image/jpeg"));
        assert_eq!(sniff(PNG), Some("image/png"));
        assert_eq!(sniff(b"GIF89a.."), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), Some("audio/wav"));
        assert_eq!(sniff(b"\0\0\0\x18ftypisom"), Some("video/mp4"));
        assert_eq!(sniff(b"\x1A\x45\xDF\xA3rest"), Some("video/webm"));
        assert_eq!(sniff(b"ID3\x04rest"), Some("audio/mpeg"));
        assert_eq!(sniff(b"RIFF\0\0\0\0XXXX"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn raw_bodies_keep_or_sniff_their_type() {
        let response = decode(Some("image/png; charset=binary"), b"abc").unwrap();
        assert_eq!(response.content_type(), "image/png");
        assert_eq!(&response.bytes()[..], b"abc");
        let response = decode(Some(" Image/PNG "), b"abc").unwrap();
        assert_eq!(response.content_type(), "image/png");
        let response = decode(Some("IMAGE/AVIF"), b"abc").unwrap();
        assert_eq!(response.content_type(), "image/avif");
        let response = decode(Some("Application/Octet-Stream"), PNG).unwrap();
        assert_eq!(response.content_type(), "image/png");
        let response = decode(Some("application/octet-stream"), PNG).unwrap();
        assert_eq!(response.content_type(), "image/png");
        let response = decode(None, b"unknown").unwrap();
        assert_eq!(response.content_type(), "image/jpeg");
        assert!(decode(Some("image/jpeg"), b"")
            .unwrap_err()
            .contains("empty"));
    }

    #[test]
    fn base64_json_decodes_to_images() {
        let response = decode(Some("application/json"), br#"{"image":"iVBORw0KGgpyZXN0"}"#);
        let response = response.unwrap();
        assert_eq!(response.images().len(), 1);
        assert_eq!(&response.bytes()[..], PNG);
        assert_eq!(response.content_type(), "image/png");

        let body = br#"{"images":["/9j/4A","data:image/webp;base64,AAAA"]}"#;
        let response = decode(Some("application/json"), body).unwrap();
        let types: Vec<_> = response.images().iter().map(Image::content_type).collect();
        assert_eq!(types, ["image/jpeg", "image/webp"]);

        // Media types compare without regard to case.
        let body = br#"{"image":"iVBORw0KGgpyZXN0"}"#;
        for kind in [
            "Application/JSON; charset=utf-8",
            "application/vnd.api+JSON",
        ] {
            let response = decode(Some(kind), body).unwrap();
            assert_eq!(response.content_type(), "image/png", "{kind}");
        }
        assert_eq!(
            meta(Some(" Application/JSON ; charset=utf-8")).content_type(),
            Some("application/json".to_owned())
        );
        assert_eq!(meta(Some(" ; x=y")).content_type(), None);
    }

    #[test]
    fn bad_json_bodies_are_decode_errors() {
        let json = Some("application/json");
        assert!(decode(json, br#"{"image": "abc"#)
            .unwrap_err()
            .contains("invalid JSON"));
        assert!(decode(json, br#"{"image":"!!!"}"#)
            .unwrap_err()
            .contains("`image` is not valid base64"));
        assert!(decode(json, br#"{"image":[]}"#)
            .unwrap_err()
            .contains("empty array"));
        assert!(decode(json, br#"{"image":["AAAA", 3]}"#)
            .unwrap_err()
            .contains("`image[1]` is not a base64 string"));
        assert!(decode(json, br#"{"status":"ok"}"#)
            .unwrap_err()
            .contains("found: status"));
        assert!(decode(json, br#"{"error":"queue full"}"#)
            .unwrap_err()
            .contains("the server said: queue full"));
        assert!(decode(Some("Text/HTML; charset=utf-8"), b"<html>")
            .unwrap_err()
            .contains("got `text/html`"));
    }

    #[test]
    fn remaining_credits_are_parsed() {
        let mut headers = HeaderMap::new();
        headers.insert(REMAINING_CREDITS_HEADER, " 12.5 ".parse().unwrap());
        let meta = ResponseMeta::new("test", StatusCode::OK, headers);
        assert_eq!(meta.remaining_credits, Some(12.5));
        assert_eq!(self::meta(None).remaining_credits, None);
    }

    #[test]
    fn a_data_url_declares_only_a_common_image_type() {
        let body = br#"{"image":"data:image/secret-sk-123;base64,iVBORw0KGgpyZXN0"}"#;
        let response = decode(Some("application/json"), body).unwrap();
        assert_eq!(response.content_type(), "image/png");
        let body = br#"{"image":"data:IMAGE/WEBP;base64,AAAA"}"#;
        let response = decode(Some("application/json"), body).unwrap();
        assert_eq!(response.content_type(), "image/webp");
    }

    #[test]
    fn a_large_json_answer_shows_only_its_start_in_debug() {
        let big = format!(r#"{{"text":"{}"}}"#, "x".repeat(1 << 20));
        let response = JsonResponse::decode(meta(None), Bytes::from(big)).unwrap();
        let debug = format!("{response:?}");
        assert!(debug.len() < 2 * DEBUG_JSON_LIMIT, "{} bytes", debug.len());
        assert!(debug.contains("cut: true"));
        let small = JsonResponse::decode(meta(None), Bytes::from_static(b"[1]")).unwrap();
        assert!(format!("{small:?}").contains("cut: false"));
    }

    #[test]
    fn json_responses_deserialize() {
        let response =
            JsonResponse::decode(meta(None), Bytes::from_static(br#"{"n": 3}"#)).unwrap();
        #[derive(serde::Deserialize)]
        struct Out {
            n: u32,
        }
        assert_eq!(response.json::<Out>().unwrap().n, 3);
        assert!(response.json::<Vec<u8>>().is_err());
        assert!(JsonResponse::decode(meta(None), Bytes::new())
            .unwrap_err()
            .to_string()
            .contains("empty"));
    }
}
