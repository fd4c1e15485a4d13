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
//! The same call through the queue (`POST /v2/ssd-1b`, then polls) ends
//! with the same type; see [`Queue`]:
//!
//! ```no_run
//! # async fn run(client: segmind::Client, request: segmind::Ssd1bRequest) -> Result<(), segmind::Error> {
//! let job = client.queue().ssd_1b(&request).await?;
//! let image = client.queue().wait(&job).await?;
//! # let _ = image; Ok(()) }
//! ```
//!
//! # Cargo features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | one per endpoint (`ssd_1b`, `sd1_5_img2img`, ...) | yes | that endpoint's request type and methods |
//! | `rustls` | yes | TLS by rustls with the Mozilla roots bundled |
//! | `rustls-native-roots` | no | rustls with the operating system's roots |
//! | `native-tls` | no | the operating system's TLS library (rustls wins when both are on) |
//! | `blocking` | no | `blocking::Client` and its queue |
//! | `mock` | no | `mock::MockServer` and the `segmind-mock` binary |
//!
//! Required parameters are the arguments of `new`, so forgetting one does
//! not compile:
//!
//! ```compile_fail
//! let request = segmind::SsdCannyRequest::new("https://example.com/edges.png");
//! ```
//!
//! An image is said explicitly (`ImageInput::url`, `::base64`, bytes, a
//! file), and text comes first in every `new`, so neither a prompt in the
//! image's place nor a local path given as a string compiles:
//!
//! ```compile_fail
//! let request = segmind::SsdCannyRequest::new("https://example.com/edges.png", "a portrait");
//! ```
//!
//! ```compile_fail
//! let request = segmind::SsdCannyRequest::new("a portrait", "photos/edges.png");
//! ```
//!
//! ```
//! let request = segmind::SsdCannyRequest::new("a portrait", segmind::ImageInput::url("https://example.com/edges.png"));
//! let from_bytes = segmind::SsdCannyRequest::new("a portrait", vec![0x89, b'P', b'N', b'G']);
//! # let _ = (request, from_bytes);
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
    ApiError, ApiKey, Checked, Client, ClientBuilder, Credits, DecodeResponse, Error, Image,
    ImageInput, ImageResponse, Job, JobState, JobStatus, JobUpdate, JsonResponse, Queue,
    RequestOptions, ResponseMeta, RetryPolicy, ValidationErrors, Violation, WaitOptions,
};

// Crates whose types appear in the public API, so callers use the same
// versions without naming them in their own Cargo.toml.
/// The byte buffers images and bodies are held in.
#[doc(no_inline)]
pub use bytes::{self, Bytes};
/// The HTTP client the crate is built on (for
/// [`ClientBuilder::configure_http`]).
#[doc(no_inline)]
pub use reqwest;
/// The HTTP status and headers in [`ResponseMeta`] and [`ApiError`].
#[doc(no_inline)]
pub use reqwest::{header::HeaderMap, StatusCode};
/// The secret type an [`ApiKey`] can be made from.
#[doc(no_inline)]
pub use secrecy::{self, SecretString};

/// The synchronous client (cargo feature `blocking`).
#[cfg(feature = "blocking")]
pub use runtime::blocking;
