//! What every generated request type tells the client about its endpoint.

use crate::runtime::ValidationErrors;

/// A request to one endpoint: where it goes, what comes back, and how to
/// check it before any credits are spent.
///
/// Implemented by the generated request types; the client's generic `send`
/// works with any of them.
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

/// What an endpoint answers with: an image, or a JSON document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Returns {
    /// Image bytes, or base64 JSON when the request asks for it (`returns: image`).
    Image,
    /// A JSON document (`returns: json`).
    Json,
}

/// The output types of generated endpoints, which say what the endpoint
/// answers with; implemented for [`ImageResponse`](crate::ImageResponse)
/// and [`JsonResponse`](crate::JsonResponse).
pub trait OutputKind {
    /// What the endpoint answers with.
    const RETURNS: Returns;
}

impl OutputKind for crate::runtime::ImageResponse {
    const RETURNS: Returns = Returns::Image;
}

impl OutputKind for crate::runtime::JsonResponse {
    const RETURNS: Returns = Returns::Json;
}

/// One endpoint compiled in, as [`ENDPOINT_INFO`](crate::ENDPOINT_INFO)
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

    /// The endpoint compiled in with this slug.
    pub fn find(slug: &str) -> Option<&'static EndpointInfo> {
        crate::ENDPOINT_INFO.iter().find(|info| info.slug == slug)
    }
}
