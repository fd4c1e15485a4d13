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
