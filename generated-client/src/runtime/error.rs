//! The one error type every call returns.

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::StatusCode;

use crate::runtime::retry::parse_retry_after;
use crate::runtime::{ApiKey, ResponseMeta, ValidationErrors};

/// The longest server message kept in [`ApiError::message`] when the body is
/// plain text; the whole body is still in [`ApiError::body`].
const MESSAGE_LIMIT: usize = 1_000;

/// Everything that can go wrong with a call: before sending, on the wire, in
/// the server's answer, or in reading it.
///
/// No variant's `Display` or `Debug` contains the API key. The status
/// variants box their [`ApiError`] to keep `Result<_, Error>` small.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request broke the spec's rules, so it was not sent and no credits
    /// were spent. See [`RequestOptions::skip_validation`](crate::RequestOptions::skip_validation)
    /// to send it anyway.
    #[error(transparent)]
    Validation(#[from] ValidationErrors),
    /// 400: the server rejected the request.
    #[error("bad request: {0}")]
    BadRequest(Box<ApiError>),
    /// 401: the API key is missing or wrong.
    #[error("unauthorized (check the API key): {0}")]
    Unauthorized(Box<ApiError>),
    /// 403: the key may not use this endpoint.
    #[error("forbidden: {0}")]
    Forbidden(Box<ApiError>),
    /// 404: no such endpoint (check the base URL).
    #[error("not found: {0}")]
    NotFound(Box<ApiError>),
    /// 406: the account has too few credits left.
    #[error("insufficient credits: {0}")]
    InsufficientCredits(Box<ApiError>),
    /// 429: too many requests; [`ApiError::retry_after`] says how long the
    /// server asked to wait, when it did.
    #[error("rate limited: {0}")]
    RateLimited(Box<ApiError>),
    /// 500: the server failed.
    #[error("server error: {0}")]
    Server(Box<ApiError>),
    /// 502: a gateway in front of the server failed.
    #[error("bad gateway: {0}")]
    BadGateway(Box<ApiError>),
    /// 504: the server took too long behind its gateway.
    #[error("gateway timeout: {0}")]
    GatewayTimeout(Box<ApiError>),
    /// Any other non-success status (503, a redirect, ...).
    #[error("unexpected status: {0}")]
    OtherStatus(Box<ApiError>),
    /// No answer arrived within the timeout. (A success status whose body
    /// is still arriving when the timeout ends is [`Error::Decode`] instead,
    /// and not retried: the server may have charged for the call.)
    #[error("`{endpoint}` did not answer within the timeout: {}", chain(source))]
    Timeout {
        /// The endpoint's slug.
        endpoint: &'static str,
        /// The underlying transport error.
        #[source]
        source: reqwest::Error,
    },
    /// The server could not be reached, or the connection broke.
    #[error("could not reach `{endpoint}`: {}", chain(source))]
    Connection {
        /// The endpoint's slug.
        endpoint: &'static str,
        /// The underlying transport error.
        #[source]
        source: reqwest::Error,
    },
    /// A successful response whose body could not be read as the endpoint's
    /// output (invalid or truncated JSON, invalid base64, no image, a body
    /// that broke off, ...). Never retried: the call succeeded, so the
    /// server may already have charged for it.
    #[error("could not decode the `{endpoint}` response: {message}")]
    Decode {
        /// The endpoint's slug.
        endpoint: &'static str,
        /// What was wrong with the body.
        message: String,
    },
    /// The request could not be encoded as JSON.
    #[error("could not encode the `{endpoint}` request as JSON: {source}")]
    Encode {
        /// The endpoint's slug.
        endpoint: &'static str,
        /// The serializer's error.
        #[source]
        source: serde_json::Error,
    },
    /// The client was configured wrongly: no API key, a bad base URL, ...
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// A file could not be read or written.
    #[error("{action} `{}`: {source}", path.display())]
    Io {
        /// What was being done (`cannot read image file`).
        action: &'static str,
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The server's answer, for the status variants.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::BadRequest(api)
            | Error::Unauthorized(api)
            | Error::Forbidden(api)
            | Error::NotFound(api)
            | Error::InsufficientCredits(api)
            | Error::RateLimited(api)
            | Error::Server(api)
            | Error::BadGateway(api)
            | Error::GatewayTimeout(api)
            | Error::OtherStatus(api) => Some(api.as_ref()),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered with an error status.
    pub fn status(&self) -> Option<StatusCode> {
        self.api_error().map(ApiError::status)
    }

    /// How long the server asked to wait before trying again (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(|api| api.retry_after)
    }

    /// Whether trying the same request again may succeed: 429, 500, 502, 503,
    /// 504, timeouts and connection failures. The client retries these itself
    /// within its [`RetryPolicy`](crate::RetryPolicy).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Connection { .. } => true,
            _ => self
                .status()
                .is_some_and(|status| matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)),
        }
    }

    /// Whether this is [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    pub(crate) fn from_api(api: ApiError) -> Self {
        let api = Box::new(api);
        match api.status().as_u16() {
            400 => Error::BadRequest(api),
            401 => Error::Unauthorized(api),
            403 => Error::Forbidden(api),
            404 => Error::NotFound(api),
            406 => Error::InsufficientCredits(api),
            429 => Error::RateLimited(api),
            500 => Error::Server(api),
            502 => Error::BadGateway(api),
            504 => Error::GatewayTimeout(api),
            _ => Error::OtherStatus(api),
        }
    }

    pub(crate) fn transport(endpoint: &'static str, source: reqwest::Error) -> Self {
        if source.is_timeout() {
            Error::Timeout { endpoint, source }
        } else {
            Error::Connection { endpoint, source }
        }
    }

    /// A success status whose body broke off (a dropped connection or a
    /// timeout while reading it). Not a transport error, so it is not
    /// retried: the server has done the work and may have charged for it,
    /// and sending the request again would pay twice.
    pub(crate) fn unread_success_body(
        endpoint: &'static str,
        status: StatusCode,
        source: reqwest::Error,
    ) -> Self {
        Error::decode(
            endpoint,
            format!(
                "the server answered {status} but its body could not be read in full ({}); \
                 not retried, as the call may already have been charged",
                chain(&source)
            ),
        )
    }

    /// This error with any trace of `key` in a [`Decode`](Error::Decode)
    /// message (which may quote a successful response's body) replaced by
    /// `***`. Status errors are redacted when they are built.
    pub(crate) fn redacted(self, key: &ApiKey) -> Self {
        match self {
            Error::Decode { endpoint, message }
                if contains_secret(message.as_bytes(), key.expose_secret()) =>
            {
                Error::Decode {
                    endpoint,
                    message: message.replace(key.expose_secret(), "***"),
                }
            }
            other => other,
        }
    }

    pub(crate) fn decode(endpoint: &'static str, message: impl Into<String>) -> Self {
        Error::Decode {
            endpoint,
            message: message.into(),
        }
    }
}

/// An error and its causes on one line: reqwest's own message leaves out
/// the cause (`connection refused`), which is usually the useful part.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// What the server said when it answered with an error status.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// Status, headers and endpoint of the response.
    pub meta: ResponseMeta,
    /// The server's message: the JSON body's `error` (or `message`) field,
    /// else the body as text, else the status's reason phrase.
    pub message: String,
    /// The body exactly as received.
    pub body: Bytes,
    /// How long the server asked to wait before retrying (`Retry-After`, in
    /// seconds or as an HTTP date), when it said.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// Reads an error response. Any trace of `key` in the body is replaced by
    /// `***`, so not even a server echoing it can leak it into an error.
    pub(crate) fn new(meta: ResponseMeta, body: Bytes, key: &ApiKey) -> Self {
        let body = redact(body, key.expose_secret());
        let message = server_message(&body, meta.status);
        let retry_after = meta
            .headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| parse_retry_after(value, SystemTime::now()));
        Self {
            meta,
            message,
            body,
            retry_after,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.meta.status
    }

    /// The slug of the endpoint that answered.
    pub fn endpoint(&self) -> &'static str {
        self.meta.endpoint
    }

    /// The raw body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` answered {}: {}",
            self.meta.endpoint, self.meta.status, self.message
        )
    }
}

impl std::error::Error for ApiError {}

fn contains_secret(haystack: &[u8], secret: &str) -> bool {
    let needle = secret.as_bytes();
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

/// Replaces any trace of `key` in response header values by `***`, so that
/// the headers kept in a [`ResponseMeta`] (and shown by its `Debug`) cannot
/// leak it even when a server echoes it.
pub(crate) fn redact_headers(headers: &mut reqwest::header::HeaderMap, key: &ApiKey) {
    let secret = key.expose_secret();
    for value in headers.values_mut() {
        if contains_secret(value.as_bytes(), secret) {
            let cleaned = redact(Bytes::copy_from_slice(value.as_bytes()), secret);
            *value = reqwest::header::HeaderValue::from_maybe_shared(cleaned)
                .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("***"));
        }
    }
}

fn redact(body: Bytes, secret: &str) -> Bytes {
    if !contains_secret(&body, secret) {
        return body;
    }
    let needle = secret.as_bytes();
    let mut out = Vec::with_capacity(body.len());
    let mut rest: &[u8] = &body;
    while !rest.is_empty() {
        if rest.starts_with(needle) {
            out.extend_from_slice(b"***");
            rest = &rest[needle.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    Bytes::from(out)
}

/// The most useful one-line message in an error body.
fn server_message(body: &[u8], status: StatusCode) -> String {
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(body) {
        for key in ["error", "message", "detail", "msg"] {
            let text = match map.get(key) {
                Some(serde_json::Value::String(text)) => Some(text.as_str()),
                Some(serde_json::Value::Object(inner)) => {
                    inner.get("message").and_then(serde_json::Value::as_str)
                }
                _ => None,
            };
            if let Some(text) = text.map(str::trim).filter(|text| !text.is_empty()) {
                return text.to_owned();
            }
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return status.canonical_reason().unwrap_or("no message").to_owned();
    }
    match text.char_indices().nth(MESSAGE_LIMIT) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_from_json_fields_or_text() {
        let status = StatusCode::BAD_REQUEST;
        assert_eq!(
            server_message(br#"{"error":"bad prompt"}"#, status),
            "bad prompt"
        );
        assert_eq!(server_message(br#"{"message":" nope "}"#, status), "nope");
        assert_eq!(
            server_message(br#"{"error":{"message":"nested"}}"#, status),
            "nested"
        );
        assert_eq!(server_message(b"plain text\n", status), "plain text");
        assert_eq!(server_message(br#"{"other":1}"#, status), r#"{"other":1}"#);
        assert_eq!(server_message(b"", status), "Bad Request");
        let long = "x".repeat(MESSAGE_LIMIT + 10);
        assert_eq!(
            server_message(long.as_bytes(), status).len(),
            MESSAGE_LIMIT + 3
        );
    }

    #[test]
    fn the_key_is_redacted_from_bodies() {
        let body = Bytes::from_static(b"key sk-123 is invalid: sk-123");
        assert_eq!(&redact(body, "sk-123")[..], b"key *** is invalid: ***");
        let body = Bytes::from_static(b"nothing here");
        assert_eq!(&redact(body, "sk-123")[..], b"nothing here");
    }
}
