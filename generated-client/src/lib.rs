//! Typed, validated requests for Segmind-style image-generation endpoints.
//!
//! Every endpoint's request type, its enums, validators and docs are
//! generated from the YAML specs in the repository's `spec/` folder by
//! `cargo xtask gen`; the small runtime they build on lives in [`runtime`].
//! See `API.md` beside this crate for one parameter table per endpoint.
//!
//! ```no_run
//! use segmind::{Client, Scheduler, Ssd1bRequest};
//!
//! # async fn run() -> Result<(), segmind::Error> {
//! let client = Client::from_env()?; // reads SEGMIND_API_KEY
//! let request = Ssd1bRequest::new("a lighthouse at dawn").scheduler(Scheduler::DpmMulti);
//! let image = client.ssd_1b(&request).await?;
//! image.save("lighthouse.jpg")?;
//! # Ok(())
//! # }
//! ```
//!
//! Required parameters are the arguments of `new`, so forgetting one does
//! not compile:
//!
//! ```compile_fail
//! let request = segmind::SsdCannyRequest::new("https://example.com/edges.png");
//! ```
//!
//! and request types cannot be built field by field (they are
//! `#[non_exhaustive]`, so adding a parameter later breaks nobody):
//!
//! ```compile_fail
//! let request = segmind::Ssd1bRequest { prompt: "a cat".into(), ..segmind::Ssd1bRequest::new("") };
//! ```

#![forbid(unsafe_code)]
// Nothing a user sends, and nothing a server answers, may panic the client.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![warn(missing_docs)]

// The README's Rust examples are compiled as doctests, so they cannot drift
// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
#[cfg(feature = "mock")]
pub mod mock;
pub mod runtime;

// Formatted by prettyplease at generation time; rustfmt would fight the
// freshness check over it.
#[rustfmt::skip]
mod generated;

pub use generated::*;
pub use runtime::{
    ApiError, ApiKey, Client, ClientBuilder, DecodeResponse, Error, Image, ImageInput,
    ImageResponse, JsonResponse, RequestOptions, ResponseMeta, RetryPolicy, ValidationErrors,
    Violation,
};

/// The synchronous client (cargo feature `blocking`).
#[cfg(feature = "blocking")]
pub use runtime::blocking;
