//! The hand-written runtime the generated code builds on. Nothing in here is
//! specific to one endpoint.

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
    ApiKey, Client, ClientBuilder, HttpClientBuilder, RequestOptions, API_KEY_ENV, BASE_URL_ENV,
    DEFAULT_BASE_URL,
};
pub use endpoint::{Checked, Endpoint, EndpointInfo, OutputKind, Returns};
pub use error::{ApiError, Error, HttpError};
#[cfg(feature = "cli")]
pub(crate) use fields::as_whole;
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
