//! Typed, validated requests for Segmind-style image-generation endpoints.
//!
//! Every endpoint's request type, its enums, validators and docs are
//! generated from the YAML specs in the repository's `spec/` folder by
//! `cargo xtask gen`; the runtime they build on is the crate
//! `segmind-runtime`, re-exported as [`runtime`], whose types this crate
//! names at its root.
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
//! | `cli` | no | the `segmind` command-line tool (`cargo install` it with `--features cli`) |
//!
//! # Handling errors
//!
//! One [`Error`] type says what happened and whether the credits were at
//! stake. Refused and unreachable calls are retried by the
//! [`RetryPolicy`] before an error comes back; nothing that may have been
//! charged is sent twice unless you say so.
//!
//! ```no_run
//! use segmind::{Client, Error, Ssd1bRequest};
//!
//! # async fn run() -> Result<(), Error> {
//! let client = Client::from_env()?;
//! let request = Ssd1bRequest::new("a lighthouse at dawn").samples(2);
//! match client.ssd_1b(request).await {
//!     Ok(images) => {
//!         images.save("lighthouse")?;
//!     }
//!     // Refused before sending, so nothing was charged; the message names
//!     // each parameter and what it allows.
//!     Err(Error::Validation(errors)) => eprintln!("fix the request: {errors}"),
//!     // 429 after the policy's retries; the server may say how long to wait.
//!     Err(Error::RateLimited(api)) => eprintln!("slow down (retry after {:?})", api.retry_after),
//!     // 406: retrying will not help until the account has credits again.
//!     Err(Error::InsufficientCredits(api)) => eprintln!("out of credits: {}", api.message),
//!     // A timeout, a broken connection, a 500: the server may have done
//!     // the work, so it was not sent again. (An unreachable server or a
//!     // 503 is safe to retry, and was, as the policy allows.)
//!     Err(error) if error.is_retryable() && !error.is_safe_to_retry() => eprintln!(
//!         "may have been charged ({} attempts, {:?}): {error}",
//!         error.attempts(),
//!         error.elapsed()
//!     ),
//!     Err(error) => return Err(error),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Mistakes that do not compile
//!
//! Required parameters are the arguments of `new`, text before images; an
//! image is said explicitly ([`ImageInput::url`], [`ImageInput::base64`],
//! [`ImageInput::from_file`], bytes, or [`ImageInput::verbatim`] for a
//! value to send as it is); request types are built with `new` and
//! setters. So a forgotten parameter, a prompt and an image swapped, or a
//! local path given as a string is a compile error at your own line. The
//! crate's `tests/ui` holds one file per such mistake and the error it gives.

#![forbid(unsafe_code)]
// On docs.rs (`--cfg docsrs`, a nightly rustdoc), everything behind a cargo
// feature is badged with it.
#![cfg_attr(docsrs, feature(doc_cfg))]
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
mod clients;
#[cfg(feature = "mock")]
pub mod mock;
/// The hand-written runtime (the crate `segmind-runtime`): the types below
/// are its, and the generated declarations expand through its macros.
pub use segmind_runtime as runtime;
// What the generated declarations invoke, as `crate::define_request!`.
#[doc(hidden)]
pub use segmind_runtime::{define_any_request, define_object, define_request, define_wire_enum};

// Formatted by prettyplease at generation time; rustfmt would fight the
// freshness check over it.
#[rustfmt::skip]
mod generated;

#[cfg(feature = "blocking")]
pub use clients::blocking;
pub use clients::{Client, ClientBuilder, Queue};
pub use generated::*;
#[doc(inline)]
pub use runtime::{
    ApiError, ApiKey, AudioInput, AudioResponse, Checked, Credits, DecodeResponse, Error,
    FileInput, Image, ImageInput, ImageResponse, Job, JobState, JobStatus, JobUpdate, JsonResponse,
    MediaFile, RequestOptions, ResponseMeta, RetryPolicy, TextResponse, ValidationErrors,
    VideoInput, VideoResponse, Violation, WaitOptions,
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
