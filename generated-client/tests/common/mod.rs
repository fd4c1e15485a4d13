//! Hand-written stand-ins for generated request types, and helpers shared by
//! the runtime's integration tests. Everything runs against wiremock on
//! 127.0.0.1.

#![allow(dead_code)]

pub mod fault_server;
pub mod logs;

use std::time::Duration;

use segmind::runtime::{Checker, Endpoint};
use segmind::{ClientBuilder, Error, ImageInput, ImageResponse, JsonResponse, RetryPolicy};
use segmind::{RequestOptions, ValidationErrors};

/// A key distinctive enough that finding it in any output is a real leak.
pub const KEY: &str = "sk-test-SECRET-7f3a9c";

/// The start of a JPEG file, enough for content sniffing.
pub const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];

/// The start of a PNG file.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// Like a generated image-to-image request.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TestImageRequest {
    pub prompt: String,
    pub image: ImageInput,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub samples: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base64: Option<bool>,
}

impl TestImageRequest {
    pub fn new(prompt: &str) -> Self {
        Self {
            prompt: prompt.to_owned(),
            image: ImageInput::url("https://example.invalid/cat.png"),
            samples: None,
            base64: None,
        }
    }
}

impl Endpoint for TestImageRequest {
    const SLUG: &'static str = "test-img2img";
    const PATH: &'static str = "/test-img2img";
    type Output = ImageResponse;

    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut checker = Checker::new(Self::SLUG);
        checker.non_empty("image", self.image.as_str());
        if let Some(samples) = self.samples {
            checker.int_range("samples", samples, Some(1), Some(4));
        }
        checker.finish()
    }
}

/// Like a generated request to an endpoint that answers JSON.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TestJsonRequest {
    pub prompt: String,
}

impl Endpoint for TestJsonRequest {
    const SLUG: &'static str = "test-json";
    const PATH: &'static str = "/test-json";
    type Output = JsonResponse;

    fn validate(&self) -> Result<(), ValidationErrors> {
        Ok(())
    }
}

/// The path the test endpoints are mounted under (`/v1` is in the base URL).
pub const IMAGE_PATH: &str = "/v1/test-img2img";
pub const JSON_PATH: &str = "/v1/test-json";

/// Retries with waits of a few milliseconds, so tests stay fast.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(20))
}

/// A builder pointed at `server_uri` with the test key and fast retries.
pub fn builder(server_uri: &str) -> ClientBuilder {
    segmind::Client::builder()
        .api_key(KEY)
        .base_url(format!("{server_uri}/v1"))
        .retry(fast_retry())
}

/// One attempt only.
pub fn once() -> RequestOptions {
    RequestOptions::new().no_retries()
}

/// Each documented error status (and 503) with the `Error` variant it maps to.
pub const DOCUMENTED_STATUSES: [(u16, &str); 10] = [
    (400, "BadRequest"),
    (401, "Unauthorized"),
    (403, "Forbidden"),
    (404, "NotFound"),
    (406, "InsufficientCredits"),
    (429, "RateLimited"),
    (500, "Server"),
    (502, "BadGateway"),
    (503, "ServiceUnavailable"),
    (504, "GatewayTimeout"),
];

/// The variant's name, for compact assertions.
pub fn variant(error: &Error) -> &'static str {
    match error {
        Error::Validation(_) => "Validation",
        Error::BadRequest(_) => "BadRequest",
        Error::Unauthorized(_) => "Unauthorized",
        Error::Forbidden(_) => "Forbidden",
        Error::NotFound(_) => "NotFound",
        Error::InsufficientCredits(_) => "InsufficientCredits",
        Error::RateLimited(_) => "RateLimited",
        Error::Server(_) => "Server",
        Error::BadGateway(_) => "BadGateway",
        Error::ServiceUnavailable(_) => "ServiceUnavailable",
        Error::GatewayTimeout(_) => "GatewayTimeout",
        Error::OtherStatus(_) => "OtherStatus",
        Error::Timeout { .. } => "Timeout",
        Error::Connect { .. } => "Connect",
        Error::Connection { .. } => "Connection",
        Error::MalformedResponse { .. } => "MalformedResponse",
        Error::ResponseTooLarge { .. } => "ResponseTooLarge",
        Error::Decode { .. } => "Decode",
        Error::Encode { .. } => "Encode",
        Error::Config { .. } => "Config",
        Error::Io { .. } => "Io",
        _ => "unknown",
    }
}
