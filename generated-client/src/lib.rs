//! Typed, validated requests for Segmind-style image-generation endpoints.
//!
//! Every endpoint's request type, its enums, validators and docs are
//! generated from the YAML specs in the repository's `spec/` folder by
//! `cargo xtask gen`; the small runtime they build on lives in [`runtime`].
//! See `API.md` beside this crate for one parameter table per endpoint.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod runtime;

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
