//! The hand-written runtime the generated `segmind` crate builds on: the
//! client and its queue, errors, media inputs and answers, validation, and
//! the macros each generated declaration expands through. Nothing in here is
//! specific to one endpoint.
//!
//! It is a crate of its own so that regenerating the endpoints recompiles
//! only the generated code, not this. Use it through `segmind`, which
//! re-exports it as `segmind::runtime` and names its types at its root; the
//! endpoint methods (`client.ssd_1b(..)`) are on `segmind::Client`, a thin
//! wrapper that dereferences to this crate's [`Client`].

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// Nothing a user sends, and nothing a server answers, may panic the client.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![warn(missing_docs)]

mod argument;
#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
mod define;
mod endpoint;
mod error;
mod fields;
mod future;
mod media;
mod queue;
mod redact;
mod response;
mod retry;
mod validation;
mod wire_enum;

pub use argument::{IntoAudio, IntoFile, IntoImage, IntoInteger, IntoNumber, IntoText, IntoVideo};
#[cfg(feature = "blocking")]
pub use client::BlockingHttpClientBuilder;
pub use client::{
    ApiKey, Client, ClientBuilder, DefaultBlocking, GenericClientBuilder, HttpClientBuilder,
    RequestOptions, API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL,
};
pub use endpoint::{Checked, Endpoint, EndpointInfo, OutputKind, Returns};
pub use error::{ApiError, Error, HttpError};
#[doc(hidden)]
pub use fields::as_whole;
#[doc(hidden)]
pub use fields::{
    debug_request, deserialize_request, request_from_json, request_to_json, serialize_request,
    validate_request, Check, Constraint, FieldReader, FieldWriter, RequestFields, ToWire, Wire,
    WireList,
};
pub use future::ResponseFuture;
pub use media::{AudioInput, FileInput, ImageInput, Media, Medium, VideoInput};
#[doc(hidden)]
pub use queue::JobOutput;
pub use queue::{Job, JobState, JobStatus, JobUpdate, Queue, WaitOptions};
pub use response::{
    AudioResponse, Credits, DecodeResponse, Image, ImageResponse, JsonResponse, MediaFile,
    ResponseMeta, TextResponse, VideoResponse, REMAINING_CREDITS_HEADER,
};
pub use retry::RetryPolicy;
pub use validation::{Rule, ValidationErrors, Violation};
pub use wire_enum::UnknownVariant;
// What the generated code calls, not a user: out of the docs.
#[doc(hidden)]
pub use validation::Checker;
#[doc(hidden)]
pub use wire_enum::{deserialize_wire, parse_wire, WireEnum};
