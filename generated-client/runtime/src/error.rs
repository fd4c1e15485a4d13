//! The one error type every call returns.

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::StatusCode;

use crate::redact::{redact_body, redact_text};
use crate::retry::parse_retry_after;
use crate::{ApiKey, ResponseMeta, ValidationErrors};

/// The longest server message kept in [`ApiError::message`] when the body is
/// plain text; the whole body is still in [`ApiError::body`].
const MESSAGE_LIMIT: usize = 1_000;

/// Everything that can go wrong with a call: before sending, on the wire, in
/// the server's answer, or in reading it.
///
/// No variant's `Display` or `Debug` contains the API key, in any spelling a
/// server may echo it in. Every error that followed a request says how many
/// attempts were made ([`attempts`](Self::attempts)) and how long the call
/// took ([`elapsed`](Self::elapsed)); errors with a cause give it through
/// [`source`](std::error::Error::source). The status variants box their
/// [`ApiError`] to keep `Result<_, Error>` small.
///
/// Which errors are retried, and which only when the caller accepts paying
/// twice, is told by [`is_safe_to_retry`](Self::is_safe_to_retry) and
/// [`is_retryable`](Self::is_retryable); see [`RetryPolicy`](crate::RetryPolicy).
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
    /// server asked to wait, when it did. The server refused the request, so
    /// it is retried by default.
    #[error("rate limited: {0}")]
    RateLimited(Box<ApiError>),
    /// 500: the server failed, possibly after starting paid work.
    #[error("server error: {0}")]
    Server(Box<ApiError>),
    /// 502: a gateway in front of the server failed.
    #[error("bad gateway: {0}")]
    BadGateway(Box<ApiError>),
    /// 503: the server is not taking requests now; it refused this one, so it
    /// is retried by default.
    #[error("service unavailable: {0}")]
    ServiceUnavailable(Box<ApiError>),
    /// 504: the server took too long behind its gateway (and may still be
    /// working on the request).
    #[error("gateway timeout: {0}")]
    GatewayTimeout(Box<ApiError>),
    /// Any other non-success status (418, 410, a redirect, ...). Redirects
    /// are never followed: following one would send the request, and the
    /// key, again, possibly to another host.
    #[error("unexpected status: {0}")]
    OtherStatus(Box<ApiError>),
    /// The request never left: the server could not be reached (refused,
    /// DNS, TLS, connect timeout) or the connection closed before the request
    /// was written. No credits can have been spent, so it is retried by
    /// default.
    #[error("could not reach `{endpoint}` ({}): {}", tries(*attempts), chain(source))]
    Connect {
        /// The endpoint's slug.
        endpoint: &'static str,
        /// Attempts made.
        attempts: u32,
        /// How long the call took, retries and waits included.
        elapsed: Duration,
        /// reqwest's error, the cause.
        #[source]
        source: HttpError,
    },
    /// No answer arrived within the timeout, after the request was (or may
    /// have been) sent: the server may be generating, and charging for, the
    /// image. Retried only with
    /// [`RetryPolicy::retry_may_charge_twice`](crate::RetryPolicy::retry_may_charge_twice).
    /// (A success status whose body is still arriving when the timeout ends
    /// is [`Error::Decode`] instead, and never retried.)
    #[error("`{endpoint}` did not answer within the timeout ({}): {}", tries(*attempts), chain(source))]
    Timeout {
        /// The endpoint's slug.
        endpoint: &'static str,
        /// Attempts made.
        attempts: u32,
        /// How long the call took, retries and waits included.
        elapsed: Duration,
        /// reqwest's error, the cause.
        #[source]
        source: HttpError,
    },
    /// The connection broke after the request was (or may have been) sent,
    /// before an answer arrived. Retried only with
    /// [`RetryPolicy::retry_may_charge_twice`](crate::RetryPolicy::retry_may_charge_twice).
    #[error("the connection to `{endpoint}` broke before an answer arrived ({}): {}", tries(*attempts), chain(source))]
    Connection {
        /// The endpoint's slug.
        endpoint: &'static str,
        /// Attempts made.
        attempts: u32,
        /// How long the call took, retries and waits included.
        elapsed: Duration,
        /// reqwest's error, the cause.
        #[source]
        source: HttpError,
    },
    /// The server answered, but not in HTTP the client can read: a malformed
    /// status line, more headers than allowed, ... The request was delivered
    /// and may have been charged, so this is never retried.
    #[error("`{endpoint}` sent an answer that is not valid HTTP ({}): {}", tries(*attempts), chain(source))]
    MalformedResponse {
        /// The endpoint's slug.
        endpoint: &'static str,
        /// Attempts made.
        attempts: u32,
        /// How long the call took, retries and waits included.
        elapsed: Duration,
        /// reqwest's error, the cause.
        #[source]
        source: HttpError,
    },
    /// A successful response's body is larger than
    /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes);
    /// reading stopped at the limit. Never retried: the call succeeded.
    #[error(
        "the `{endpoint}` response is larger than the limit of {limit} bytes{} ({}); \
         not retried, as the call may already have been charged",
        declared.map(|size| format!(" (it declared {size})")).unwrap_or_default(),
        tries(*attempts)
    )]
    ResponseTooLarge {
        /// The endpoint's slug.
        endpoint: &'static str,
        /// Attempts made.
        attempts: u32,
        /// How long the call took, retries and waits included.
        elapsed: Duration,
        /// The limit that was reached.
        limit: u64,
        /// The size the response declared in `Content-Length`, if it did.
        declared: Option<u64>,
    },
    /// A successful response whose body could not be read as the endpoint's
    /// output (invalid or truncated JSON, invalid base64, no image, a body
    /// that broke off, ...). Never retried: the call succeeded, so the
    /// server may already have charged for it.
    #[error("could not decode the `{endpoint}` response ({}): {message}", tries(*attempts))]
    Decode {
        /// The endpoint's slug.
        endpoint: &'static str,
        /// Attempts made.
        attempts: u32,
        /// How long the call took, retries and waits included.
        elapsed: Duration,
        /// What was wrong with the body.
        message: String,
        /// The parser's or the reader's error, when one was behind it.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A queued job ended `FAILED`: the server ran it and reports it did not
    /// produce a result. The server's answer (HTTP 200 or 422, its message
    /// and body) is in the [`ApiError`]. Not retried: the job was accepted,
    /// and may have been charged.
    #[error("the `{endpoint}` job `{request_id}` failed: {}", api.message)]
    JobFailed {
        /// The endpoint's slug.
        endpoint: &'static str,
        /// The job's request id.
        request_id: String,
        /// The answer that said so.
        api: Box<ApiError>,
    },
    /// Waiting for a queued job outlived its deadline
    /// ([`WaitOptions::deadline`](crate::WaitOptions::deadline)). The job
    /// may still finish: wait again for the same [`Job`](crate::Job), or
    /// one made from its request id, to collect it without paying again.
    #[error(
        "gave up waiting for the `{endpoint}` job `{request_id}` after {:.1} s \
         (last status {last_status}); it may still finish: wait again with its request id",
        waited.as_secs_f64()
    )]
    JobDeadline {
        /// The endpoint's slug.
        endpoint: &'static str,
        /// The job's request id, to resume with.
        request_id: String,
        /// How long this wait lasted.
        waited: Duration,
        /// The status the last poll reported.
        last_status: crate::JobStatus,
    },
    /// A queued job's result is no longer kept: the API deletes results
    /// about an hour after the job completes. The server's answer is in
    /// the [`ApiError`].
    #[error("the result of the `{endpoint}` job `{request_id}` has expired: {api}")]
    JobExpired {
        /// The endpoint's slug.
        endpoint: &'static str,
        /// The job's request id.
        request_id: String,
        /// The answer that said so.
        api: Box<ApiError>,
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
    #[error("invalid client configuration: {message}")]
    Config {
        /// What is wrong, and how to put it right.
        message: String,
        /// The error behind it (the URL parser's, the HTTP client's), when
        /// there was one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
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

/// reqwest's error, the cause of a transport failure: a name of its own, so
/// that signatures tell it apart from this crate's [`Error`].
pub type HttpError = reqwest::Error;

/// `1 attempt`, `3 attempts`.
fn tries(attempts: u32) -> String {
    match attempts {
        1 => "1 attempt".to_owned(),
        n => format!("{n} attempts"),
    }
}

/// Matches the status variants, which all hold a boxed [`ApiError`], binding
/// it to `$api`; anything else gives `$otherwise`.
macro_rules! with_api_error {
    ($error:expr, $api:ident => $then:expr, _ => $otherwise:expr) => {
        match $error {
            Error::BadRequest($api)
            | Error::Unauthorized($api)
            | Error::Forbidden($api)
            | Error::NotFound($api)
            | Error::InsufficientCredits($api)
            | Error::RateLimited($api)
            | Error::Server($api)
            | Error::BadGateway($api)
            | Error::ServiceUnavailable($api)
            | Error::GatewayTimeout($api)
            | Error::OtherStatus($api) => $then,
            _ => $otherwise,
        }
    };
}

/// Matches the variants that record their attempts and time taken: the
/// transport and decode ones, binding their fields to `$attempts` and
/// `$elapsed`, and those holding an [`ApiError`], binding it to `$api`;
/// anything else gives `$otherwise`.
macro_rules! with_attempt_record {
    (
        $error:expr,
        ($attempts:ident, $elapsed:ident) => $fields:expr,
        $api:ident => $in_api:expr,
        _ => $otherwise:expr
    ) => {
        match $error {
            Error::Connect {
                attempts: $attempts,
                elapsed: $elapsed,
                ..
            }
            | Error::Timeout {
                attempts: $attempts,
                elapsed: $elapsed,
                ..
            }
            | Error::Connection {
                attempts: $attempts,
                elapsed: $elapsed,
                ..
            }
            | Error::MalformedResponse {
                attempts: $attempts,
                elapsed: $elapsed,
                ..
            }
            | Error::ResponseTooLarge {
                attempts: $attempts,
                elapsed: $elapsed,
                ..
            }
            | Error::Decode {
                attempts: $attempts,
                elapsed: $elapsed,
                ..
            } => $fields,
            Error::JobFailed { api: $api, .. } | Error::JobExpired { api: $api, .. } => $in_api,
            other => with_api_error!(other, $api => $in_api, _ => $otherwise),
        }
    };
}

impl Error {
    /// The server's answer, for the status variants.
    pub fn api_error(&self) -> Option<&ApiError> {
        with_api_error!(self, api => Some(api.as_ref()), _ => None)
    }

    /// The HTTP status, when the server answered with an error status.
    pub fn status(&self) -> Option<StatusCode> {
        self.api_error().map(ApiError::status)
    }

    /// How long the server asked to wait before trying again (`Retry-After`).
    /// A wait longer than the retry policy's
    /// [`max_delay`](crate::RetryPolicy::max_delay) is not waited for: the
    /// error is returned at once, carrying it here.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(|api| api.retry_after)
    }

    /// How many requests were sent, or tried, for this call: 0 when the
    /// error came before sending (validation, configuration, encoding).
    pub fn attempts(&self) -> u32 {
        self.attempt_record().0
    }

    /// How long the call took until it failed, from its first attempt to
    /// this error, retries and the waits between them included: zero when
    /// the error came before sending (validation, configuration, encoding).
    /// For a queued job's errors it is the call that brought the answer
    /// (the submit or the last poll), not the whole wait; see
    /// [`JobDeadline::waited`](Error::JobDeadline).
    pub fn elapsed(&self) -> Duration {
        match self {
            Error::JobDeadline { waited, .. } => *waited,
            _ => self.attempt_record().1,
        }
    }

    /// The attempts made and the time taken, as [`at_attempt`](Self::at_attempt)
    /// recorded them; `(0, 0)` for an error that came before sending.
    fn attempt_record(&self) -> (u32, Duration) {
        with_attempt_record!(
            self,
            (attempts, elapsed) => (*attempts, *elapsed),
            api => (api.attempts, api.elapsed),
            _ => (0, Duration::ZERO)
        )
    }

    /// Whether the same request can be sent again without any risk of paying
    /// twice: it never left ([`Error::Connect`]), or the server refused it
    /// before doing any work (429, 503). The default
    /// [`RetryPolicy`](crate::RetryPolicy) retries exactly these.
    pub fn is_safe_to_retry(&self) -> bool {
        match self {
            Error::Connect { .. } => true,
            _ => self
                .status()
                .is_some_and(|status| matches!(status.as_u16(), 429 | 503)),
        }
    }

    /// Whether trying the same request again may succeed: everything
    /// [`is_safe_to_retry`](Self::is_safe_to_retry), and failures after the
    /// request was delivered (timeouts, connections broken after sending,
    /// 500, 502, 504). Sending one of the latter again **may charge twice**:
    /// the first request may still be running, and will be paid for.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Connection { .. } => true,
            _ => {
                self.is_safe_to_retry()
                    || self
                        .status()
                        .is_some_and(|status| matches!(status.as_u16(), 500 | 502 | 504))
            }
        }
    }

    /// The request id of the queued job the error is about
    /// ([`JobFailed`](Error::JobFailed), [`JobDeadline`](Error::JobDeadline),
    /// [`JobExpired`](Error::JobExpired)).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::JobFailed { request_id, .. }
            | Error::JobDeadline { request_id, .. }
            | Error::JobExpired { request_id, .. } => Some(request_id),
            _ => None,
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
            503 => Error::ServiceUnavailable(api),
            504 => Error::GatewayTimeout(api),
            _ => Error::OtherStatus(api),
        }
    }

    /// A failure of the HTTP exchange, sorted by what it tells about the
    /// request: it never left, the answer was unreadable, none came in time,
    /// or the connection broke after sending.
    pub(crate) fn transport(endpoint: &'static str, source: reqwest::Error) -> Self {
        let (attempts, elapsed) = (0, Duration::ZERO);
        match Delivery::of(&source) {
            Delivery::NotSent => Error::Connect {
                endpoint,
                attempts,
                elapsed,
                source,
            },
            Delivery::Unreadable => Error::MalformedResponse {
                endpoint,
                attempts,
                elapsed,
                source,
            },
            Delivery::Unknown if source.is_timeout() => Error::Timeout {
                endpoint,
                attempts,
                elapsed,
                source,
            },
            Delivery::Unknown => Error::Connection {
                endpoint,
                attempts,
                elapsed,
                source,
            },
        }
    }

    /// A success status whose body broke off (a dropped connection or a
    /// timeout while reading it). Not a transport error, so it is not
    /// retried: the server has done the work and may have charged for it,
    /// and sending the request again would pay twice.
    pub(crate) fn unread_success_body(
        endpoint: &'static str,
        status: StatusCode,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        let message = format!(
            "the server answered {status} but its body could not be read in full ({}); \
             not retried, as the call may already have been charged",
            chain(&source)
        );
        Error::decode(endpoint, Undecodable::caused_by(message, source))
    }

    /// This error as the `attempt`-th attempt of a call that has lasted
    /// `so_far`.
    pub(crate) fn at_attempt(mut self, attempt: u32, so_far: Duration) -> Self {
        with_attempt_record!(
            &mut self,
            (attempts, elapsed) => (*attempts, *elapsed) = (attempt, so_far),
            api => api.stamp(attempt, so_far),
            _ => {}
        );
        self
    }

    /// This error with any spelling of `key` in a [`Decode`](Error::Decode)
    /// message or its cause (either may quote a successful response's body)
    /// replaced by `***`, then the message cut to a bounded length: in that
    /// order, so that the cut cannot break a key in two and leave half of
    /// it. Status errors are redacted when they are built.
    pub(crate) fn redacted(self, key: &ApiKey) -> Self {
        match self {
            Error::Decode {
                endpoint,
                attempts,
                elapsed,
                message,
                source,
            } => Error::Decode {
                endpoint,
                attempts,
                elapsed,
                message: clip(&redact_text(message, key)),
                source: source.map(|cause| redact_cause(cause, key)),
            },
            other => other,
        }
    }

    pub(crate) fn decode(endpoint: &'static str, why: impl Into<Undecodable>) -> Self {
        let Undecodable { message, source } = why.into();
        Error::Decode {
            endpoint,
            attempts: 0,
            elapsed: Duration::ZERO,
            message,
            source,
        }
    }

    /// A configuration error with nothing behind it but `message`.
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
            source: None,
        }
    }

    /// A configuration error that `source` caused; `message` says what was
    /// being configured.
    pub(crate) fn config_caused_by(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Config {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}

/// Why a successful answer could not be read as the endpoint's output: the
/// message [`Error::Decode`] shows, and the error behind it when there was
/// one. Decoders return it; the caller adds the endpoint.
#[derive(Debug)]
pub(crate) struct Undecodable {
    pub(crate) message: String,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Undecodable {
    pub(crate) fn caused_by(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    /// This reason with `context` before its message.
    pub(crate) fn after(mut self, context: &str) -> Self {
        self.message.insert_str(0, context);
        self
    }
}

impl From<String> for Undecodable {
    fn from(message: String) -> Self {
        Self {
            message,
            source: None,
        }
    }
}

impl From<&str> for Undecodable {
    fn from(message: &str) -> Self {
        message.to_owned().into()
    }
}

/// A cause whose text quoted the key, replaced by its text with the key
/// redacted: a JSON parser's message can quote the body it choked on. The
/// cause's type is lost then, but never the key's secrecy.
fn redact_cause(
    cause: Box<dyn std::error::Error + Send + Sync>,
    key: &ApiKey,
) -> Box<dyn std::error::Error + Send + Sync> {
    let text = chain(cause.as_ref());
    let redacted = redact_text(text.clone(), key);
    if redacted == text {
        cause
    } else {
        Box::new(RedactedCause(clip(&redacted)))
    }
}

/// The text of an error that quoted the API key, with the key redacted.
#[derive(Debug)]
struct RedactedCause(String);

impl fmt::Display for RedactedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedactedCause {}

/// What a transport error tells about whether the request reached the
/// server.
enum Delivery {
    /// It cannot have: connecting failed, or the connection closed before
    /// the request was written (hyper calls that canceled).
    NotSent,
    /// The server answered, with something that is not valid HTTP.
    Unreadable,
    /// It may have: a reset, a timeout or a close once the request could
    /// have been written. From the client's side a reset before the server
    /// read the request looks the same as one after.
    Unknown,
}

impl Delivery {
    fn of(error: &reqwest::Error) -> Self {
        match Self::from_causes(std::error::Error::source(error)) {
            Delivery::Unknown if error.is_connect() => Delivery::NotSent,
            delivery => delivery,
        }
    }

    /// What the chain of causes under a transport error tells.
    fn from_causes(mut cause: Option<&(dyn std::error::Error + 'static)>) -> Self {
        while let Some(current) = cause {
            if let Some(hyper) = current.downcast_ref::<hyper::Error>() {
                if hyper.is_parse() {
                    return Delivery::Unreadable;
                }
                // Hyper cancels a request it had queued but never started
                // writing when the connection closes.
                if hyper.is_canceled() {
                    return Delivery::NotSent;
                }
            }
            // HTTP/2's way of saying the server did not process the stream.
            if let Some(h2) = current.downcast_ref::<h2::Error>() {
                if h2.reason() == Some(h2::Reason::REFUSED_STREAM) {
                    return Delivery::NotSent;
                }
            }
            cause = current.source();
        }
        Delivery::Unknown
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
///
/// Its `Debug` shows the start of the body and its length, not all of it.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// Status, headers and endpoint of the response.
    pub meta: ResponseMeta,
    /// The server's message: the JSON body's `error` (or `message`) field,
    /// else the body as text, else the status's reason phrase; cut after
    /// 1,000 characters (with `...`).
    pub message: String,
    /// The body as received, with the API key redacted in whatever spelling
    /// it was echoed, and cut at
    /// [`ClientBuilder::max_error_body_bytes`](crate::ClientBuilder::max_error_body_bytes)
    /// (see [`body_truncated`](Self::body_truncated)).
    pub body: Bytes,
    /// Whether the body was longer than the limit and is only its start.
    pub body_truncated: bool,
    /// How long the server asked to wait before retrying (`Retry-After`, in
    /// seconds or as an HTTP date), when it said.
    pub retry_after: Option<Duration>,
    /// Which attempt this answer came to (1 for the first).
    pub attempts: u32,
    /// How long the call had taken when this answer came, retries and the
    /// waits between them included.
    pub elapsed: Duration,
}

impl ApiError {
    /// Reads an error response. Any spelling of `key` in the body, and so in
    /// the message decoded from it, is replaced by `***`, so not even a server
    /// echoing it can leak it into an error.
    pub(crate) fn new(meta: ResponseMeta, body: LimitedBody, key: &ApiKey) -> Self {
        let body_truncated = body.truncated;
        let body = redact_body(body.bytes, key, body_truncated);
        // Redacted again after decoding: JSON may spell the key in escapes
        // that only decoding joins up.
        let message = clip(&redact_text(server_message(&body, meta.status), key));
        let retry_after = meta
            .headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| parse_retry_after(value, SystemTime::now()));
        Self {
            meta,
            message,
            body,
            body_truncated,
            retry_after,
            attempts: 0,
            elapsed: Duration::ZERO,
        }
    }

    /// An answer whose explanation is `message` (a failed job that said
    /// nothing more).
    pub(crate) fn from_message(meta: ResponseMeta, message: &str) -> Self {
        Self {
            meta,
            message: message.to_owned(),
            body: Bytes::new(),
            body_truncated: false,
            retry_after: None,
            attempts: 0,
            elapsed: Duration::ZERO,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.meta.status
    }

    /// Records which attempt of the call this answer came to, and when.
    fn stamp(&mut self, attempt: u32, so_far: Duration) {
        (self.attempts, self.elapsed) = (attempt, so_far);
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

/// A response body read up to a limit.
pub(crate) struct LimitedBody {
    pub(crate) bytes: Bytes,
    /// Whether the body went on past the limit.
    pub(crate) truncated: bool,
}

/// How much of a body `Debug` shows.
const DEBUG_BODY_LIMIT: usize = 512;

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = &self.body[..self.body.len().min(DEBUG_BODY_LIMIT)];
        f.debug_struct("ApiError")
            .field("meta", &self.meta)
            .field("message", &self.message)
            .field("body_len", &self.body.len())
            .field("body_start", &String::from_utf8_lossy(shown))
            .field("body_truncated", &self.body_truncated)
            .field("retry_after", &self.retry_after)
            .field("attempts", &self.attempts)
            .field("elapsed", &self.elapsed)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` answered {} ({}): {}",
            self.meta.endpoint,
            self.meta.status,
            tries(self.attempts),
            self.message
        )?;
        if let Some(wait) = self.retry_after {
            write!(
                f,
                " (it asked to wait {} s before retrying)",
                wait.as_secs()
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The most useful one-line message in an error body, not yet cut: the
/// caller redacts it, then cuts it with [`clip`].
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
    text.to_owned()
}

/// `text` cut to [`MESSAGE_LIMIT`] characters, with `...` when cut: a
/// server's text in a message is bounded however long the server made it.
pub(crate) fn clip(text: &str) -> String {
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
    }

    fn api_error(status: StatusCode, body: &str, key: &str, truncated: bool) -> ApiError {
        let meta = ResponseMeta::new("t", status, Default::default());
        let limited = LimitedBody {
            bytes: Bytes::from(body.to_owned()),
            truncated,
        };
        ApiError::new(meta, limited, &ApiKey::new(key))
    }

    #[test]
    fn long_messages_are_cut_after_the_key_is_redacted() {
        let status = StatusCode::BAD_REQUEST;
        let long = "x".repeat(MESSAGE_LIMIT + 10);
        assert_eq!(
            api_error(status, &long, "k-1", false).message.len(),
            MESSAGE_LIMIT + 3
        );
        let long_json = format!(r#"{{"error":"{long}"}}"#);
        assert_eq!(
            api_error(status, &long_json, "k-1", false).message.len(),
            MESSAGE_LIMIT + 3
        );
        // A key across the cut is redacted whole, not cut in half.
        let key = "sk-0123456789abcdef";
        let straddling = format!(r#"{{"error":"{}{key}"}}"#, "x".repeat(MESSAGE_LIMIT - 5));
        let message = api_error(status, &straddling, key, false).message;
        assert!(!message.contains("sk-01"), "{message}");
        // And so is one that the body limit cut in half.
        let cut = format!("{}sk-0123", "y".repeat(100));
        let api = api_error(status, &cut, key, true);
        assert_eq!(api.body_text(), format!("{}***", "y".repeat(100)));
    }

    #[test]
    fn an_escaped_key_leaves_neither_the_body_nor_the_message() {
        let key = ApiKey::new("sk-AB/CD");
        for body in [
            r#"{"error":"invalid api key \u0073k-AB\/CD"}"#,
            r#"{"error":"invalid api key sk-AB\/CD"}"#,
            r#"{"error":"invalid api key sk-AB/CD"}"#,
        ] {
            let meta = ResponseMeta::new("t", StatusCode::UNAUTHORIZED, Default::default());
            let limited = LimitedBody {
                bytes: Bytes::from(body),
                truncated: false,
            };
            let api = ApiError::new(meta, limited, &key);
            assert_eq!(api.message, "invalid api key ***", "{body}");
            assert_eq!(api.body_text(), r#"{"error":"invalid api key ***"}"#);
        }
    }

    #[test]
    fn a_refused_http2_stream_was_not_sent_and_other_resets_may_have_been() {
        #[derive(Debug)]
        struct Wrapper(h2::Error);
        impl fmt::Display for Wrapper {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("request failed")
            }
        }
        impl std::error::Error for Wrapper {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let refused = Wrapper(h2::Error::from(h2::Reason::REFUSED_STREAM));
        assert!(matches!(
            Delivery::from_causes(Some(&refused)),
            Delivery::NotSent
        ));
        let reset = Wrapper(h2::Error::from(h2::Reason::INTERNAL_ERROR));
        assert!(matches!(
            Delivery::from_causes(Some(&reset)),
            Delivery::Unknown
        ));
        assert!(matches!(Delivery::from_causes(None), Delivery::Unknown));
    }

    #[test]
    fn a_cause_that_quotes_the_key_is_redacted_and_others_are_kept_as_they_are() {
        use std::error::Error as _;
        let key = ApiKey::new("sk-secret-1");
        let quoting = serde_json::from_str::<u8>(r#""sk-secret-1""#).unwrap_err();
        assert!(quoting.to_string().contains("sk-secret-1"), "{quoting}");
        let error = Error::decode("t", Undecodable::caused_by("bad", quoting)).redacted(&key);
        let cause = error.source().expect("still has a cause");
        assert!(
            !format!("{cause} {cause:?} {error:?}").contains("secret"),
            "{cause}"
        );
        assert!(cause.to_string().contains("***"), "{cause}");

        let plain = serde_json::from_str::<u8>("[").unwrap_err();
        let error = Error::decode("t", Undecodable::caused_by("bad", plain)).redacted(&key);
        let cause = error.source().expect("still has a cause");
        assert!(
            cause.downcast_ref::<serde_json::Error>().is_some(),
            "{cause:?}"
        );
    }

    #[test]
    fn configuration_errors_keep_their_cause() {
        use std::error::Error as _;
        let io = std::io::Error::other("no such thing");
        let error = Error::config_caused_by("cannot set up", io);
        assert_eq!(
            error.to_string(),
            "invalid client configuration: cannot set up"
        );
        assert_eq!(error.source().unwrap().to_string(), "no such thing");
        assert!(Error::config("plain").source().is_none());
        assert_eq!(Error::config("plain").elapsed(), Duration::ZERO);
    }

    #[test]
    fn debug_shows_the_start_of_a_long_body() {
        let meta = ResponseMeta::new("t", StatusCode::BAD_GATEWAY, Default::default());
        let limited = LimitedBody {
            bytes: Bytes::from(vec![b'x'; 1 << 20]),
            truncated: true,
        };
        let api = ApiError::new(meta, limited, &ApiKey::new("k-123"));
        let debug = format!("{api:?}");
        assert!(debug.len() < 4 * DEBUG_BODY_LIMIT, "{} bytes", debug.len());
        assert!(debug.contains("body_len: 1048576"), "{debug}");
        assert!(format!("{api}").len() < 2 * MESSAGE_LIMIT);
    }
}
