//! What every generated request type tells the client about its endpoint.

use crate::queue::JobOutput;
use crate::{
    AudioResponse, Error, ImageResponse, JsonResponse, Medium, ResponseMeta, TextResponse,
    ValidationErrors, VideoResponse,
};

/// A request to one endpoint: where it goes, what comes back, and how to
/// check it before any credits are spent.
///
/// Implemented by the generated request types; the client's generic `send`
/// and the queue's `submit` work with any of them, and with a type of your
/// own, for a model the specs do not cover yet:
///
/// ```no_run
/// use segmind::runtime::Endpoint;
///
/// #[derive(serde::Serialize)]
/// struct FluxSchnell {
///     prompt: String,
///     steps: u32,
/// }
///
/// impl Endpoint for FluxSchnell {
///     const SLUG: &'static str = "flux-schnell";
///     const PATH: &'static str = "/flux-schnell";
///     type Output = segmind::ImageResponse;
///     fn validate(&self) -> Result<(), segmind::ValidationErrors> {
///         Ok(()) // or check what the model's page documents
///     }
/// }
///
/// # async fn run(client: segmind::Client) -> Result<(), segmind::Error> {
/// let request = FluxSchnell { prompt: "a red fox in snow".into(), steps: 4 };
/// let image = client.send(&request).await?;
/// let job = client.queue().submit(&request).await?;
/// let queued = client.queue().wait(&job).await?;
/// # let _ = (image, queued); Ok(()) }
/// ```
pub trait Endpoint: serde::Serialize {
    /// The endpoint's slug as the API names it (`sd1.5-img2img`).
    const SLUG: &'static str;
    /// The path, relative to the versioned base URL (`/sd1.5-img2img`).
    const PATH: &'static str;
    /// What a successful call yields.
    type Output;
    /// Checks every documented range and allowed value, reporting all
    /// violations at once.
    fn validate(&self) -> Result<(), ValidationErrors>;
}

/// What an endpoint answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Returns {
    /// Image bytes, or base64 JSON when the request asks for it (`returns: image`).
    Image,
    /// A JSON document (`returns: json`).
    Json,
    /// A video file (`returns: video`).
    Video,
    /// An audio file (`returns: audio`).
    Audio,
    /// Text (`returns: text`).
    Text,
}

impl Returns {
    /// The medium of the files an endpoint answers with; `None` for JSON
    /// and text.
    pub const fn medium(self) -> Option<Medium> {
        match self {
            Returns::Image => Some(Medium::Image),
            Returns::Video => Some(Medium::Video),
            Returns::Audio => Some(Medium::Audio),
            Returns::Json | Returns::Text => None,
        }
    }
}

/// The output types of generated endpoints, which say what the endpoint
/// answers with; implemented for [`ImageResponse`](crate::ImageResponse),
/// [`VideoResponse`](crate::VideoResponse),
/// [`AudioResponse`](crate::AudioResponse),
/// [`TextResponse`](crate::TextResponse) and
/// [`JsonResponse`](crate::JsonResponse).
pub trait OutputKind: Sized {
    /// What the endpoint answers with.
    const RETURNS: Returns;

    /// The output of a finished queued job.
    #[doc(hidden)]
    fn from_job_output(meta: ResponseMeta, output: JobOutput) -> Result<Self, Error>;
}

/// `OutputKind` for a response type made of files.
macro_rules! files_output {
    ($($ty:ident: $returns:ident, $what:literal;)*) => {$(
        impl OutputKind for $ty {
            const RETURNS: Returns = Returns::$returns;

            fn from_job_output(meta: ResponseMeta, output: JobOutput) -> Result<Self, Error> {
                match output {
                    JobOutput::Files(files) => $ty::from_files(meta, files),
                    JobOutput::Json(_) => Err(Error::decode(
                        meta.endpoint,
                        concat!("the job's output holds no ", $what),
                    )),
                }
            }
        }
    )*};
}

files_output! {
    ImageResponse: Image, "image";
    VideoResponse: Video, "video";
    AudioResponse: Audio, "audio";
}

impl OutputKind for JsonResponse {
    const RETURNS: Returns = Returns::Json;

    fn from_job_output(meta: ResponseMeta, output: JobOutput) -> Result<Self, Error> {
        match output {
            JobOutput::Json(value) => Ok(JsonResponse::from_value(meta, value)),
            JobOutput::Files(_) => {
                Err(Error::decode(meta.endpoint, "the job's output is not JSON"))
            }
        }
    }
}

impl OutputKind for TextResponse {
    const RETURNS: Returns = Returns::Text;

    fn from_job_output(meta: ResponseMeta, output: JobOutput) -> Result<Self, Error> {
        match output {
            JobOutput::Json(value) => TextResponse::from_value(meta, &value),
            JobOutput::Files(_) => {
                Err(Error::decode(meta.endpoint, "the job's output is not text"))
            }
        }
    }
}

/// One endpoint compiled in, as the generated crate's `ENDPOINT_INFO`
/// lists it: for code that serves or calls every endpoint alike, such as
/// the mock server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct EndpointInfo {
    /// The slug (`ssd-1b`).
    pub slug: &'static str,
    /// The path relative to the versioned base URL (`/ssd-1b`).
    pub path: &'static str,
    /// What the endpoint answers with.
    pub returns: Returns,
}

impl EndpointInfo {
    /// The facts about the endpoint of the request type `E`.
    pub const fn of<E>() -> Self
    where
        E: Endpoint,
        E::Output: OutputKind,
    {
        Self {
            slug: E::SLUG,
            path: E::PATH,
            returns: <E::Output as OutputKind>::RETURNS,
        }
    }
}

/// The most distinct slugs that [`static_slug`] keeps; a program calling
/// more models than this by slug is refused rather than let grow without
/// bound. (Typed requests name their endpoint by a constant and never come
/// here.)
const MAX_OTHER_SLUGS: usize = 1024;

/// The longest slug accepted.
const MAX_SLUG_LEN: usize = 128;

/// Checks a slug given at run time and returns it with the path it is
/// called at (`/<slug>`).
pub(crate) fn slug_path(slug: &str) -> Result<(&'static str, String), crate::Error> {
    Ok((endpoint_name(slug)?, format!("/{slug}")))
}

/// Checks a slug given at run time and returns the name errors give the
/// endpoint, as a `&'static str`: a copy kept for the life of the process
/// (at most [`MAX_OTHER_SLUGS`] of them, a few hundred bytes each).
pub(crate) fn endpoint_name(slug: &str) -> Result<&'static str, crate::Error> {
    check_slug(slug).map_err(|why| {
        crate::Error::config(format!(
            "invalid endpoint slug `{}`: {why}",
            slug.escape_debug()
        ))
    })?;
    static_slug(slug).ok_or_else(|| {
        crate::Error::config(format!(
            "more than {MAX_OTHER_SLUGS} distinct endpoint slugs called in one process"
        ))
    })
}

/// A slug is one path segment of letters, digits, `.`, `_` and `-`, which
/// cannot climb out of the base URL or reach the queue's own routes.
pub(crate) fn check_slug(slug: &str) -> Result<(), &'static str> {
    if slug.is_empty() || slug.len() > MAX_SLUG_LEN {
        return Err("it must have 1 to 128 characters");
    }
    if !slug
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-'))
    {
        return Err("only letters, digits, `.`, `_` and `-` are allowed");
    }
    if slug.starts_with('.') {
        return Err("it must not start with `.`");
    }
    if slug == "requests" {
        return Err("`requests` is the queue's own route, not a model");
    }
    Ok(())
}

/// `slug` as a `&'static str`, kept for good (once per distinct slug);
/// `None` once [`MAX_OTHER_SLUGS`] are kept.
pub(crate) fn static_slug(slug: &str) -> Option<&'static str> {
    static OTHERS: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut others = OTHERS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(kept) = others.iter().find(|kept| **kept == slug) {
        return Some(kept);
    }
    if others.len() >= MAX_OTHER_SLUGS {
        return None;
    }
    let kept: &'static str = Box::leak(slug.to_owned().into_boxed_str());
    others.push(kept);
    Some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_one_safe_path_segment() {
        for good in ["ssd-1b", "sd1.5-img2img", "flux_schnell", "a"] {
            assert_eq!(slug_path(good).unwrap().1, format!("/{good}"));
        }
        for bad in [
            "", "..", ".hidden", "a/b", "a?b", "a#b", "a b", "requests", "é",
        ] {
            let error = slug_path(bad).unwrap_err().to_string();
            assert!(error.contains("invalid endpoint slug"), "{bad}: {error}");
        }
        assert!(slug_path(&"x".repeat(129)).is_err());
    }

    #[test]
    fn a_slug_is_kept_once() {
        let first = static_slug("some-model-not-compiled-in").unwrap();
        let again = static_slug("some-model-not-compiled-in").unwrap();
        assert!(std::ptr::eq(first, again));
    }
}

/// A request that passed [`Endpoint::validate`]: deserialise one as
/// `Checked<Ssd1bRequest>` to refuse, with the violations as the error, a
/// body that reads but breaks the spec (`"samples": 99`), which plain
/// deserialisation accepts.
///
/// ```
/// use segmind::{Checked, Ssd1bRequest};
///
/// let ok: Checked<Ssd1bRequest> = serde_json::from_str(r#"{"prompt": "a fox", "samples": 2}"#).unwrap();
/// assert_eq!(ok.samples, Some(2));
///
/// let error = serde_json::from_str::<Checked<Ssd1bRequest>>(r#"{"prompt": "a fox", "samples": 99}"#)
///     .unwrap_err();
/// assert!(error.to_string().contains("`samples` is 99"), "{error}");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Checked<E>(E);

impl<E: Endpoint> Checked<E> {
    /// Validates `request`.
    pub fn new(request: E) -> Result<Self, ValidationErrors> {
        request.validate()?;
        Ok(Self(request))
    }
}

impl<E> Checked<E> {
    /// The request.
    pub fn into_inner(self) -> E {
        self.0
    }
}

impl<E> std::ops::Deref for Checked<E> {
    type Target = E;

    fn deref(&self) -> &E {
        &self.0
    }
}

impl<'de, E> serde::Deserialize<'de> for Checked<E>
where
    E: Endpoint + serde::Deserialize<'de>,
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let request = E::deserialize(deserializer)?;
        Self::new(request).map_err(serde::de::Error::custom)
    }
}
