//! The async client, its builder, and the configuration the blocking client
//! shares with it.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret as _, SecretString};
use serde::Serialize;

use crate::endpoint::slug_path;
use crate::error::LimitedBody;
use crate::redact::{redact_body, redact_headers};
use crate::response::decode_files;
use crate::retry::GiveUp;
use crate::{
    ApiError, Credits, DecodeResponse, Endpoint, Error, JsonResponse, MediaFile, Medium,
    ResponseMeta, RetryPolicy,
};

/// The API's address, with its version.
pub const DEFAULT_BASE_URL: &str = "https://api.segmind.com/v1";

/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "SEGMIND_API_KEY";

/// The environment variable a [`ClientBuilder`] without a
/// [`base_url`](ClientBuilder::base_url) reads the base URL from.
pub const BASE_URL_ENV: &str = "SEGMIND_BASE_URL";

/// The default limit on a successful response body.
const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 << 20;
/// The default limit on an error response body: room for any explanation.
const DEFAULT_MAX_ERROR_BODY_BYTES: u64 = 64 << 10;

/// The account endpoint's name, which is also its path.
pub(crate) const CREDITS: &str = "get-user-credits";

/// The header the API key travels in.
pub(crate) const API_KEY_HEADER: &str = "x-api-key";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longer timeouts are cut to this: a deadline is the current instant plus
/// the timeout, which overflows (and panics in the blocking client) for
/// `Duration::MAX`. A year is as good as no timeout.
const LONGEST_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// reqwest's builder of its async client, which
/// [`ClientBuilder::configure_http`] hands over: a name of its own, so that
/// signatures tell it apart from this crate's [`ClientBuilder`].
pub type HttpClientBuilder = reqwest::ClientBuilder;

/// reqwest's builder of its blocking client, which
/// [`ClientBuilder::configure_blocking_http`] hands over.
#[cfg(feature = "blocking")]
pub type BlockingHttpClientBuilder = reqwest::blocking::ClientBuilder;

/// An API key, held in a [`secrecy::SecretString`]: zeroed when dropped,
/// printed as `***` by `Debug` and `Display`, so it cannot end up in logs
/// or error messages by accident.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps a key; surrounding whitespace is dropped when the client is built.
    pub fn new(key: impl Into<String>) -> Self {
        Self(SecretString::from(key.into()))
    }

    /// The key itself. Keep it out of logs.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl PartialEq for ApiKey {
    fn eq(&self, other: &Self) -> bool {
        self.expose_secret() == other.expose_secret()
    }
}

impl Eq for ApiKey {}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self::new(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self::new(key)
    }
}

impl From<SecretString> for ApiKey {
    fn from(key: SecretString) -> Self {
        Self(key)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Overrides of the client's settings for one call, for
/// [`Client::send_with`].
///
/// ```
/// use std::time::Duration;
/// let options = segmind::RequestOptions::new()
///     .timeout(Duration::from_secs(300))
///     .no_retries();
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestOptions {
    timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    skip_validation: Option<bool>,
    body_fields: Vec<(String, serde_json::Value)>,
}

impl RequestOptions {
    /// No overrides: the client's settings apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// The total time one attempt may take (connect, send, read the body);
    /// see [`Error::Timeout`] for what running out of it returns.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout.min(LONGEST_TIMEOUT));
        self
    }

    /// The longest this call may take in all, attempts and the waits
    /// between them included; see [`ClientBuilder::total_timeout`].
    pub fn total_timeout(mut self, total: Duration) -> Self {
        self.total_timeout = Some(total.min(LONGEST_TIMEOUT));
        self
    }

    /// The retry policy for this call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// One attempt only.
    pub fn no_retries(self) -> Self {
        self.retry(RetryPolicy::none())
    }

    /// Sends the request without checking it against the spec first.
    ///
    /// For when the server has relaxed a limit (a larger `samples`) that
    /// the spec has not caught up with. The server still rejects what it
    /// does not accept, with [`Error::BadRequest`]. For a value the typed
    /// request cannot hold, such as a new scheduler, see
    /// [`body_field`](Self::body_field).
    pub fn skip_validation(mut self, skip: bool) -> Self {
        self.skip_validation = Some(skip);
        self
    }

    /// Sends `name` with `value` in the JSON body, in place of what the
    /// request holds for it, or in addition when the spec does not know it.
    ///
    /// The typed request cannot hold a value its spec does not list, such as
    /// a scheduler the API added last week; this can. The field is sent as
    /// given: it is not validated (the request itself still is, unless
    /// [`skip_validation`](Self::skip_validation) is set), and the server
    /// rejects what it does not accept, with [`Error::BadRequest`].
    ///
    /// ```
    /// let options = segmind::RequestOptions::new()
    ///     .body_field("scheduler", "DPM++ 3M SDE")
    ///     .body_field("tile_size", 512);
    /// # let _ = options;
    /// ```
    pub fn body_field(
        mut self,
        name: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.body_fields.push((name.into(), value.into()));
        self
    }
}

/// Settings shared by the async and blocking clients once built.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    base_url: String,
    api_key: ApiKey,
    /// The headers every request carries, as the HTTP client's default
    /// headers: the content type and the user agent.
    headers: HeaderMap,
    /// The key as a header value, marked sensitive so HTTP debugging output
    /// leaves it out. Added per request, and only to the API's own origin:
    /// a queued job's output URL may be on a storage host that must never
    /// see it.
    key_header: HeaderValue,
    /// The queued API's base URL (`.../v2`), when one can be derived.
    queue_base_url: Option<String>,
    timeout: Duration,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
    skip_validation: bool,
    /// Fields added to every request's body ([`Client::with_options`]).
    body_fields: Vec<(String, serde_json::Value)>,
    max_response_bytes: u64,
    max_error_body_bytes: u64,
    /// The base URL is plain http to loopback: it must not go through a
    /// proxy, which would carry the key unencrypted over the network.
    unencrypted_loopback: bool,
}

/// One request, encoded and ready for its attempts.
pub(crate) struct Prepared {
    pub(crate) endpoint: &'static str,
    pub(crate) method: Method,
    pub(crate) url: String,
    /// The JSON body of a `POST`; `None` for a `GET`.
    pub(crate) body: Option<Bytes>,
    /// Whether `x-api-key` goes with it: only to the API's own origin.
    pub(crate) send_key: bool,
    pub(crate) timeout: Duration,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
}

impl Prepared {
    /// The span a call's attempts run in: the endpoint, the method, the
    /// path (never the key, which is a header) and the attempt number.
    pub(crate) fn span(&self) -> tracing::Span {
        let path = self
            .url
            .split_once("://")
            .map_or(self.url.as_str(), |(_, rest)| {
                rest.find('/').map_or("/", |at| &rest[at..])
            });
        tracing::info_span!(
            "segmind",
            endpoint = self.endpoint,
            method = %self.method,
            path,
            attempt = tracing::field::Empty,
        )
    }
}

/// When a call began, and when it must be over if it has a total timeout:
/// each attempt's timeout is cut to what is left, and a retry is given up
/// when its wait would not leave time for another attempt.
pub(crate) struct Deadline {
    started: Instant,
    end: Option<Instant>,
}

impl Deadline {
    pub(crate) fn start(total: Option<Duration>) -> Self {
        let started = Instant::now();
        Self {
            started,
            end: total.and_then(|total| started.checked_add(total)),
        }
    }

    /// How long the call has lasted so far.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The next attempt's timeout: `per_attempt`, or less when the call's
    /// deadline is nearer.
    pub(crate) fn attempt_timeout(&self, per_attempt: Duration) -> Duration {
        match self.end {
            Some(end) => per_attempt.min(end.saturating_duration_since(Instant::now())),
            None => per_attempt,
        }
    }

    /// How long to wait before trying `prepared` again after `attempt`
    /// failed with `error`: the retry policy's wait, or `None` when the
    /// policy gives up or the wait would leave no time for another attempt.
    /// Logs the decision (with the error, which holds no key).
    pub(crate) fn next_wait(
        &self,
        prepared: &Prepared,
        attempt: u32,
        error: &Error,
    ) -> Option<Duration> {
        let endpoint = prepared.endpoint;
        let delay = match prepared.retry.delay_after(attempt, error) {
            Ok(delay) => delay,
            Err(GiveUp::WaitTooLong(wait)) => {
                tracing::warn!(
                    endpoint,
                    attempt,
                    retry_after_s = wait.as_secs(),
                    error = %error,
                    "not retrying: the server asked for a longer wait than the retry policy allows"
                );
                return None;
            }
            Err(GiveUp::NotRetried | GiveUp::OutOfAttempts) => return None,
        };
        let time_left = |end: Instant| end.saturating_duration_since(Instant::now());
        if self.end.is_some_and(|end| time_left(end) <= delay) {
            tracing::info!(endpoint, attempt, error = %error, "not retrying: the total timeout would run out");
            return None;
        }
        tracing::info!(
            endpoint,
            attempt,
            delay_ms = delay.as_millis() as u64,
            error = %error,
            "retrying"
        );
        Some(delay)
    }
}

/// Which of the API's two bases a call goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    /// `.../v1`: the synchronous calls.
    Sync,
    /// `.../v2`: the queue.
    Queue,
}

/// A complete answer, its body read up to the limit, before it is decoded.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: LimitedBody,
}

impl Config {
    /// These settings with `options` over them, for
    /// [`Client::with_options`].
    pub(crate) fn with_options(&self, options: &RequestOptions) -> Self {
        let mut config = self.clone();
        config.timeout = options.timeout.unwrap_or(self.timeout);
        config.total_timeout = options.total_timeout.or(self.total_timeout);
        config.retry = options.retry.unwrap_or(self.retry);
        config.skip_validation = options.skip_validation.unwrap_or(self.skip_validation);
        config
            .body_fields
            .extend(options.body_fields.iter().cloned());
        config
    }

    /// Validates (unless told not to) and encodes a request to a generated
    /// endpoint.
    pub(crate) fn prepare<E: Endpoint>(
        &self,
        api: Api,
        request: &E,
        options: &RequestOptions,
    ) -> Result<Prepared, Error> {
        if !options.skip_validation.unwrap_or(self.skip_validation) {
            request.validate()?;
        }
        self.prepare_post(api, E::SLUG, E::PATH, request, options)
    }

    /// Encodes a request to `path` (`/<slug>`) on the chosen base: the
    /// shared last step of typed and by-slug calls.
    pub(crate) fn prepare_post(
        &self,
        api: Api,
        endpoint: &'static str,
        path: &str,
        request: &impl Serialize,
        options: &RequestOptions,
    ) -> Result<Prepared, Error> {
        let encode_error = |source| Error::Encode { endpoint, source };
        let body = if options.body_fields.is_empty() && self.body_fields.is_empty() {
            serde_json::to_vec(request).map_err(encode_error)?
        } else {
            let mut body = serde_json::to_value(request).map_err(encode_error)?;
            if let serde_json::Value::Object(fields) = &mut body {
                for (name, value) in self.body_fields.iter().chain(&options.body_fields) {
                    fields.insert(name.clone(), value.clone());
                }
            }
            serde_json::to_vec(&body).map_err(encode_error)?
        };
        let base = self.base(api)?;
        let mut url = String::with_capacity(base.len() + path.len());
        url.push_str(base);
        url.push_str(path);
        Ok(Prepared {
            endpoint,
            method: Method::POST,
            url,
            body: Some(Bytes::from(body)),
            send_key: true,
            timeout: options.timeout.unwrap_or(self.timeout),
            total_timeout: options.total_timeout.or(self.total_timeout),
            retry: options.retry.unwrap_or(self.retry),
        })
    }

    /// [`prepare_post`](Self::prepare_post) for a slug given at run time,
    /// checked first: a call by slug is not validated.
    pub(crate) fn prepare_slug(
        &self,
        api: Api,
        slug: &str,
        body: &impl Serialize,
        options: &RequestOptions,
    ) -> Result<Prepared, Error> {
        let (endpoint, path) = slug_path(slug)?;
        self.prepare_post(api, endpoint, &path, body, options)
    }

    /// A `GET` of `url` (a job's status or result, an output image, the
    /// credits). Reading changes nothing and costs nothing, so every
    /// transient failure is retried, as the retry policy's attempts and
    /// waits allow; the key goes only to the API's own origin.
    pub(crate) fn prepare_get(&self, endpoint: &'static str, url: String) -> Prepared {
        Prepared {
            endpoint,
            method: Method::GET,
            send_key: self.is_api_origin(&url),
            url,
            body: None,
            timeout: self.timeout,
            total_timeout: self.total_timeout,
            retry: self.retry.retry_may_charge_twice(true),
        }
    }

    /// `GET /get-user-credits` on the synchronous base.
    pub(crate) fn prepare_credits(&self) -> Prepared {
        self.prepare_get(CREDITS, format!("{}/{CREDITS}", self.base_url))
    }

    /// The base URL of `api`, without a trailing slash.
    pub(crate) fn base(&self, api: Api) -> Result<&str, Error> {
        match api {
            Api::Sync => Ok(&self.base_url),
            Api::Queue => self.queue_base_url.as_deref().ok_or_else(|| {
                Error::config(format!(
                    "the base URL `{}` has no `/v1` segment to derive the queue's `/v2` base \
                     from; set one with `ClientBuilder::queue_base_url`",
                    self.base_url
                ))
            }),
        }
    }

    /// Whether `url` is on the same origin (scheme, host and port) as the
    /// base URL: the only place the key may go.
    pub(crate) fn is_api_origin(&self, url: &str) -> bool {
        let origin = |url: &str| reqwest::Url::parse(url).ok().map(|url| url.origin());
        let Some(theirs) = origin(url) else {
            return false;
        };
        let ours = std::iter::once(&self.base_url).chain(&self.queue_base_url);
        ours.filter_map(|base| origin(base))
            .any(|origin| origin == theirs)
    }

    /// The key's header value, marked sensitive.
    pub(crate) fn key_header(&self) -> &HeaderValue {
        &self.key_header
    }

    /// The API key, for redacting it from what a server sends.
    pub(crate) fn api_key(&self) -> &ApiKey {
        &self.api_key
    }

    /// How much of a body with this status is read: the full limit for a
    /// success, the much smaller one for an error's explanation.
    pub(crate) fn body_limit(&self, status: StatusCode) -> u64 {
        if status.is_success() {
            self.max_response_bytes
        } else {
            self.max_error_body_bytes
        }
    }

    /// The error for a success whose `Content-Length` already says it is
    /// over the limit, so its body need not be read at all.
    pub(crate) fn refuse_declared_size(
        &self,
        endpoint: &'static str,
        status: StatusCode,
        declared: Option<u64>,
    ) -> Option<Error> {
        let limit = self.max_response_bytes;
        (status.is_success() && declared.is_some_and(|size| size > limit)).then_some(
            Error::ResponseTooLarge {
                endpoint,
                attempts: 0,
                elapsed: Duration::ZERO,
                limit,
                declared,
            },
        )
    }

    /// Turns a complete answer into the output or the error its status means.
    pub(crate) fn finish<O: DecodeResponse>(
        &self,
        endpoint: &'static str,
        answer: Answer,
    ) -> Result<O, Error> {
        let (meta, body) = self.success(endpoint, answer, O::MAY_QUOTE_BODY)?;
        O::decode(meta, body).map_err(|error| error.redacted(&self.api_key))
    }

    /// Turns a complete answer into the files of `medium` it holds (a
    /// queued job's output fetched from its URL), or the error its status
    /// means.
    pub(crate) fn finish_files(
        &self,
        endpoint: &'static str,
        answer: Answer,
        medium: Medium,
    ) -> Result<Vec<MediaFile>, Error> {
        let (meta, body) = self.success(endpoint, answer, false)?;
        decode_files(&meta, body, medium)
            .map_err(|why| Error::decode(endpoint, why).redacted(&self.api_key))
    }

    /// A 2xx answer's metadata and whole body (redacted when it may quote
    /// the key), or the error its status or size means.
    fn success(
        &self,
        endpoint: &'static str,
        answer: Answer,
        may_quote: bool,
    ) -> Result<(ResponseMeta, Bytes), Error> {
        if !answer.status.is_success() {
            return Err(Error::from_api(self.api_error(endpoint, answer)));
        }
        if answer.body.truncated {
            return Err(self.too_large(endpoint, &answer.headers));
        }
        let body = if may_quote {
            redact_body(answer.body.bytes, &self.api_key, false)
        } else {
            answer.body.bytes
        };
        let meta = ResponseMeta::new(
            endpoint,
            answer.status,
            redacted(answer.headers, &self.api_key),
        );
        Ok((meta, body))
    }

    /// An answer's metadata, its headers redacted.
    pub(crate) fn meta(&self, endpoint: &'static str, answer: Answer) -> ResponseMeta {
        ResponseMeta::new(
            endpoint,
            answer.status,
            redacted(answer.headers, &self.api_key),
        )
    }

    /// An answer as the server's explanation of an error (or of a failed
    /// job): redacted, and cut at the error body limit however large a
    /// success status let it be.
    pub(crate) fn api_error(&self, endpoint: &'static str, answer: Answer) -> ApiError {
        let Answer {
            status,
            headers,
            mut body,
        } = answer;
        let limit = usize::try_from(self.max_error_body_bytes).unwrap_or(usize::MAX);
        if body.bytes.len() > limit {
            body.bytes.truncate(limit);
            body.truncated = true;
        }
        let meta = ResponseMeta::new(endpoint, status, redacted(headers, &self.api_key));
        ApiError::new(meta, body, &self.api_key)
    }

    /// The error for a success whose body went past the limit.
    pub(crate) fn too_large(&self, endpoint: &'static str, headers: &HeaderMap) -> Error {
        let declared = headers
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse().ok());
        Error::ResponseTooLarge {
            endpoint,
            attempts: 0,
            elapsed: Duration::ZERO,
            limit: self.max_response_bytes,
            declared,
        }
    }
}

/// `headers` with any spelling of the key replaced.
fn redacted(mut headers: HeaderMap, key: &ApiKey) -> HeaderMap {
    redact_headers(&mut headers, key);
    headers
}

/// Collects a body chunk by chunk up to a limit, so that memory stays near
/// the limit whatever the server sends: the buffer grows by doubling but
/// never past the limit, and what comes after it is dropped. A body that
/// arrives in one chunk is kept as it came, without a copy.
pub(crate) struct BodyBuffer {
    limit: usize,
    /// The declared size, when within the limit: what to allocate first.
    expected: usize,
    collected: Collected,
    truncated: bool,
}

enum Collected {
    Empty,
    One(Bytes),
    Many(Vec<u8>),
}

impl BodyBuffer {
    /// A buffer for at most `limit` bytes; `declared` (the `Content-Length`)
    /// sizes it, but never beyond the limit.
    pub(crate) fn new(limit: u64, declared: Option<u64>) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let expected = declared
            .and_then(|size| usize::try_from(size).ok())
            .unwrap_or(0)
            .min(limit);
        Self {
            limit,
            expected,
            collected: Collected::Empty,
            truncated: false,
        }
    }

    /// Adds a chunk; `false` once the limit is reached and reading must stop
    /// (the part over the limit is dropped and the body marked truncated).
    pub(crate) fn push(&mut self, chunk: Bytes) -> bool {
        if matches!(self.collected, Collected::Empty) && chunk.len() <= self.limit {
            self.collected = Collected::One(chunk);
            return true;
        }
        self.push_slice(&chunk)
    }

    /// [`push`](Self::push) for bytes that are not already a [`Bytes`].
    pub(crate) fn push_slice(&mut self, chunk: &[u8]) -> bool {
        let mut buffer = match std::mem::replace(&mut self.collected, Collected::Empty) {
            Collected::Empty => Vec::with_capacity(self.expected),
            Collected::One(first) => {
                let mut buffer = Vec::with_capacity(self.expected.max(first.len()));
                buffer.extend_from_slice(&first);
                buffer
            }
            Collected::Many(buffer) => buffer,
        };
        let room = self.limit.saturating_sub(buffer.len());
        let taken = &chunk[..chunk.len().min(room)];
        self.truncated = taken.len() < chunk.len();
        if buffer.capacity() - buffer.len() < taken.len() {
            let wanted = (buffer.capacity() * 2)
                .max(buffer.len() + taken.len())
                .min(self.limit);
            buffer.reserve_exact(wanted - buffer.len());
        }
        buffer.extend_from_slice(taken);
        self.collected = Collected::Many(buffer);
        !self.truncated
    }

    pub(crate) fn finish(self) -> LimitedBody {
        let bytes = match self.collected {
            Collected::Empty => Bytes::new(),
            Collected::One(bytes) => bytes,
            Collected::Many(bytes) => Bytes::from(bytes),
        };
        LimitedBody {
            bytes,
            truncated: self.truncated,
        }
    }
}

/// Settings applied to an HTTP client builder the user configures, as
/// [`ClientBuilder::configure_http`] takes it.
type Configure<B> = Arc<dyn Fn(B) -> B + Send + Sync>;

/// Sets, after whatever [`ClientBuilder::configure_http`] did, what keeps
/// the key and the credits safe, and builds the reqwest client (async or
/// blocking: their builders have the same methods).
macro_rules! finish_http {
    ($http:expr, $config:expr) => {{
        let mut http = $http
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .connection_verbose(false)
            .default_headers($config.headers.clone());
        if $config.unencrypted_loopback {
            http = http.no_proxy();
        }
        http.build().map_err(|error| {
            let message = format!("cannot create the HTTP client: {error}");
            Error::config_caused_by(message, error)
        })?
    }};
}

/// A builder that uses rustls when a rustls feature is on, even if
/// `native-tls` is on too (cargo features add up across a build, and the
/// choice should not change with what else depends on the crate); the
/// caller's `configure_http` may still choose otherwise.
macro_rules! prefer_rustls {
    ($builder:expr) => {{
        let builder = $builder;
        #[cfg(any(feature = "rustls", feature = "rustls-native-roots"))]
        let builder = builder.use_rustls_tls();
        builder
    }};
}

/// One attempt's request from `prepared` (async or blocking: their
/// builders have the same methods): the key only where `send_key` says.
macro_rules! build_request {
    ($http:expr, $prepared:expr, $config:expr, $timeout:expr) => {{
        let mut request = $http
            .request($prepared.method.clone(), &$prepared.url)
            .timeout($timeout);
        if let Some(body) = &$prepared.body {
            request = request.body(body.clone());
        }
        if $prepared.send_key {
            request = request.header(API_KEY_HEADER, $config.key_header().clone());
        }
        request
    }};
}
#[cfg(feature = "blocking")]
pub(crate) use build_request;

/// Configures a [`Client`] (or a [`blocking::Client`](crate::blocking::Client)
/// with the `blocking` feature).
///
/// ```no_run
/// use std::time::Duration;
/// # fn main() -> Result<(), segmind::Error> {
/// let client = segmind::Client::builder()
///     .api_key("sg_...")
///     .timeout(Duration::from_secs(300))
///     .retry(segmind::RetryPolicy::default().max_attempts(5))
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
///
/// `C` and `B` are what [`build`](Self::build) and `build_blocking` return:
/// this crate's clients, or the generated crate's, which wrap them
/// (`segmind::ClientBuilder` names the latter).
pub struct GenericClientBuilder<C, B> {
    /// What `build` and `build_blocking` make; `fn() -> _` so that the
    /// builder is `Send`, `Sync` and `Clone` whatever the clients are.
    builds: PhantomData<fn() -> (C, B)>,
    api_key: Option<ApiKey>,
    base_url: Option<String>,
    queue_base_url: Option<String>,
    allow_plain_http: bool,
    connect_timeout: Duration,
    timeout: Duration,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: String,
    skip_validation: bool,
    max_response_bytes: u64,
    max_error_body_bytes: u64,
    configure_http: Option<Configure<reqwest::ClientBuilder>>,
    #[cfg(feature = "blocking")]
    configure_blocking_http: Option<Configure<reqwest::blocking::ClientBuilder>>,
}

/// The builder of this crate's own clients (which have no endpoint
/// methods; `segmind::ClientBuilder` builds `segmind`'s).
pub type ClientBuilder = GenericClientBuilder<Client, DefaultBlocking>;

/// What `build_blocking` returns by default: the blocking client, with the
/// `blocking` feature.
#[cfg(feature = "blocking")]
pub type DefaultBlocking = crate::blocking::Client;
/// What `build_blocking` returns by default: nothing, without the
/// `blocking` feature.
#[cfg(not(feature = "blocking"))]
pub type DefaultBlocking = ();

// By hand: a derive would ask `C` and `B` to be `Clone`.
impl<C, B> Clone for GenericClientBuilder<C, B> {
    fn clone(&self) -> Self {
        Self {
            builds: PhantomData,
            api_key: self.api_key.clone(),
            base_url: self.base_url.clone(),
            queue_base_url: self.queue_base_url.clone(),
            allow_plain_http: self.allow_plain_http,
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            total_timeout: self.total_timeout,
            retry: self.retry,
            user_agent: self.user_agent.clone(),
            skip_validation: self.skip_validation,
            max_response_bytes: self.max_response_bytes,
            max_error_body_bytes: self.max_error_body_bytes,
            configure_http: self.configure_http.clone(),
            #[cfg(feature = "blocking")]
            configure_blocking_http: self.configure_blocking_http.clone(),
        }
    }
}

impl<C, B> fmt::Debug for GenericClientBuilder<C, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url)
            .field("queue_base_url", &self.queue_base_url)
            .field("allow_plain_http", &self.allow_plain_http)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("skip_validation", &self.skip_validation)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_error_body_bytes", &self.max_error_body_bytes)
            .field("configure_http", &self.configure_http.is_some())
            .finish_non_exhaustive()
    }
}

impl<C, B> Default for GenericClientBuilder<C, B> {
    fn default() -> Self {
        Self {
            builds: PhantomData,
            api_key: None,
            base_url: None,
            queue_base_url: None,
            allow_plain_http: false,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            total_timeout: None,
            retry: RetryPolicy::default(),
            user_agent: concat!("segmind-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            skip_validation: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_error_body_bytes: DEFAULT_MAX_ERROR_BODY_BYTES,
            configure_http: None,
            #[cfg(feature = "blocking")]
            configure_blocking_http: None,
        }
    }
}

impl<C, B> GenericClientBuilder<C, B> {
    /// A builder with the defaults: the key from `SEGMIND_API_KEY`, the base
    /// URL from `SEGMIND_BASE_URL` or else the public API, a 120 s timeout
    /// per attempt, 10 s to connect, [`RetryPolicy::default`], and bodies of
    /// at most 64 MiB (64 KiB for error bodies).
    pub fn new() -> Self {
        Self::default()
    }

    /// The API key. Without one, [`build`](Self::build) reads
    /// `SEGMIND_API_KEY`.
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The versioned base URL endpoint paths are appended to. Without one,
    /// [`build`](Self::build) reads `SEGMIND_BASE_URL` (for a mock or a
    /// staging server), and else uses `https://api.segmind.com/v1`.
    ///
    /// It must be `https`, or plain `http` to a loopback address
    /// (`127.0.0.1`, `::1`, `localhost`): anything else would send the key
    /// unencrypted, and needs [`allow_plain_http`](Self::allow_plain_http).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The queued API's base URL (default: the base URL with its last `/v1`
    /// segment changed to `/v2`, so `https://api.segmind.com/v1` queues at
    /// `https://api.segmind.com/v2`). Only needed for a base URL without a
    /// `/v1` segment; the same rules as for [`base_url`](Self::base_url)
    /// apply.
    pub fn queue_base_url(mut self, url: impl Into<String>) -> Self {
        self.queue_base_url = Some(url.into());
        self
    }

    /// Accepts a plain `http://` base URL to a host that is not loopback,
    /// which sends the API key, and the requests, unencrypted over the
    /// network (for a test server on a private network, say).
    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = allow;
        self
    }

    /// How long establishing a connection may take (default 10 s). A
    /// connection that is never established cannot have cost anything, so
    /// running out of this time is an [`Error::Connect`], retried by default.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout.min(LONGEST_TIMEOUT);
        self
    }

    /// The total time one attempt may take: connect, send and read the whole
    /// body (default 120 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.min(LONGEST_TIMEOUT);
        self
    }

    /// The longest a call may take in all, retries and the waits between
    /// them included (default: no limit beyond [`timeout`](Self::timeout)
    /// per attempt and the retry policy). Each attempt's timeout is cut to
    /// what is left, so running out is an [`Error::Timeout`], and a retry
    /// whose wait (a `Retry-After`, say) would use up the rest is not made:
    /// the call returns the last error instead.
    pub fn total_timeout(mut self, total: Duration) -> Self {
        self.total_timeout = Some(total.min(LONGEST_TIMEOUT));
        self
    }

    /// How failed calls are retried (default [`RetryPolicy::default`], which
    /// retries only what cannot have been charged).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` header (default `segmind-rs/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends requests without validating them first; see
    /// [`RequestOptions::skip_validation`].
    pub fn skip_validation(mut self, skip: bool) -> Self {
        self.skip_validation = skip;
        self
    }

    /// The largest successful response body read (default 64 MiB, room for
    /// four base64-encoded 2048×2048 PNGs). Reading stops at the limit, so
    /// memory stays near it whatever a server sends, and the call fails with
    /// [`Error::ResponseTooLarge`].
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The largest error response body kept (default 64 KiB); a longer one is
    /// cut there, and the error says so
    /// ([`ApiError::body_truncated`](crate::ApiError::body_truncated)).
    pub fn max_error_body_bytes(mut self, limit: u64) -> Self {
        self.max_error_body_bytes = limit;
        self
    }

    /// Adjusts the HTTP client the builder creates: a proxy, root
    /// certificates, pool settings, ... `configure` gets reqwest's builder
    /// with this builder's connect timeout set, and may change anything but
    /// what keeps the key and the credits safe, which the client sets last:
    /// redirects are never followed (following one would carry `x-api-key`
    /// to wherever it points, and send the paid request again); reqwest's
    /// own retries are off (the client's [`RetryPolicy`] decides, and counts
    /// [`attempts`](Error::attempts)); verbose connection logging, which
    /// would print the key, is off; a plain-http loopback base URL bypasses
    /// any proxy; and the key, content type and user agent go on every
    /// request.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), segmind::Error> {
    /// let client = segmind::Client::builder()
    ///     .configure_http(|http| http.pool_max_idle_per_host(4).tcp_nodelay(true))
    ///     .build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn configure_http(
        mut self,
        configure: impl Fn(HttpClientBuilder) -> HttpClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.configure_http = Some(Arc::new(configure));
        self
    }

    /// [`configure_http`](Self::configure_http) for the blocking client.
    #[cfg(feature = "blocking")]
    pub fn configure_blocking_http(
        mut self,
        configure: impl Fn(BlockingHttpClientBuilder) -> BlockingHttpClientBuilder
            + Send
            + Sync
            + 'static,
    ) -> Self {
        self.configure_blocking_http = Some(Arc::new(configure));
        self
    }

    /// Builds the async client.
    pub fn build(self) -> Result<C, Error>
    where
        C: From<Client>,
    {
        self.plain().build_client().map(C::from)
    }

    /// Builds the blocking client, a [`blocking::Client`](crate::blocking::Client).
    /// Call it outside any async runtime.
    #[cfg(feature = "blocking")]
    pub fn build_blocking(self) -> Result<B, Error>
    where
        B: From<crate::blocking::Client>,
    {
        self.plain().build_blocking_client().map(B::from)
    }

    /// The same settings as a builder of this crate's own clients, whose
    /// build code is then compiled once here rather than again in every
    /// crate that wraps the clients.
    fn plain(self) -> ClientBuilder {
        ClientBuilder {
            builds: PhantomData,
            api_key: self.api_key,
            base_url: self.base_url,
            queue_base_url: self.queue_base_url,
            allow_plain_http: self.allow_plain_http,
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            total_timeout: self.total_timeout,
            retry: self.retry,
            user_agent: self.user_agent,
            skip_validation: self.skip_validation,
            max_response_bytes: self.max_response_bytes,
            max_error_body_bytes: self.max_error_body_bytes,
            configure_http: self.configure_http,
            #[cfg(feature = "blocking")]
            configure_blocking_http: self.configure_blocking_http,
        }
    }
}

impl ClientBuilder {
    fn build_client(self) -> Result<Client, Error> {
        let config = self.config()?;
        let mut http =
            prefer_rustls!(reqwest::Client::builder().connect_timeout(self.connect_timeout));
        if let Some(configure) = &self.configure_http {
            http = configure(http);
        }
        let http = finish_http!(http, config);
        Ok(Client {
            inner: Arc::new(Inner { http, config }),
        })
    }

    #[cfg(feature = "blocking")]
    fn build_blocking_client(self) -> Result<crate::blocking::Client, Error> {
        let config = self.config()?;
        let mut http = prefer_rustls!(reqwest::blocking::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(config.timeout));
        if let Some(configure) = &self.configure_blocking_http {
            http = configure(http);
        }
        let http = finish_http!(http, config);
        Ok(crate::blocking::Client::from_parts(http, config))
    }

    fn config(&self) -> Result<Config, Error> {
        let api_key = match &self.api_key {
            Some(key) => key.clone(),
            None => key_from_env(std::env::var(API_KEY_ENV).ok())?,
        };
        let api_key = ApiKey::new(api_key.expose_secret().trim());
        if api_key.expose_secret().is_empty() {
            return Err(Error::config("the API key is empty"));
        }
        // Visible ASCII and spaces only, which is also what redaction can recognise in
        // every escaped spelling.
        if !api_key
            .expose_secret()
            .bytes()
            .all(|byte| byte.is_ascii_graphic() || byte == b' ')
        {
            return Err(Error::config(
                "the API key contains characters that cannot be sent in an HTTP header",
            ));
        }
        let mut key_header = HeaderValue::from_str(api_key.expose_secret()).map_err(|_| {
            Error::config("the API key contains characters that cannot be sent in an HTTP header")
        })?;
        key_header.set_sensitive(true);
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            Error::config(format!(
                "the user agent `{}` cannot be sent in an HTTP header",
                self.user_agent.escape_debug()
            ))
        })?;
        let mut headers = HeaderMap::with_capacity(2);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, user_agent);
        let base_url = match &self.base_url {
            Some(url) => url.clone(),
            None => std::env::var(BASE_URL_ENV)
                .ok()
                .filter(|url| !url.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        };
        let base_url = check_base_url(&base_url, self.allow_plain_http)?;
        let queue_base_url = match &self.queue_base_url {
            Some(url) => Some(check_base_url(url, self.allow_plain_http)?),
            None => queue_base_from(&base_url),
        };
        Ok(Config {
            unencrypted_loopback: base_url.starts_with("http:") && !self.allow_plain_http,
            base_url,
            api_key,
            headers,
            key_header,
            queue_base_url,
            timeout: self.timeout,
            total_timeout: self.total_timeout,
            retry: self.retry,
            skip_validation: self.skip_validation,
            body_fields: Vec::new(),
            max_response_bytes: self.max_response_bytes,
            max_error_body_bytes: self.max_error_body_bytes,
        })
    }
}

/// The queued API's base from the synchronous one: its last `/v1` path
/// segment becomes `/v2`, so a staging or mock base keeps its host and
/// prefix. `None` when it has no such segment.
fn queue_base_from(base_url: &str) -> Option<String> {
    let url = reqwest::Url::parse(base_url).ok()?;
    let path = url.path();
    // The path as written, which the parsed one is unless it was normalised.
    let prefix = base_url.strip_suffix(path)?;
    let at = path
        .match_indices("/v1")
        .map(|(at, _)| at)
        .filter(|&at| matches!(path.as_bytes().get(at + 3), None | Some(b'/')))
        .last()?;
    let (before, after) = (path.get(..at)?, path.get(at + 3..)?);
    Some(format!("{prefix}{before}/v2{after}"))
}

/// The key from the environment variable's value, or why there is none.
fn key_from_env(value: Option<String>) -> Result<ApiKey, Error> {
    match value {
        None => Err(Error::config(format!(
            "no API key: pass one to the client or set the {API_KEY_ENV} environment variable"
        ))),
        Some(value) if value.trim().is_empty() => Err(Error::config(format!(
            "the {API_KEY_ENV} environment variable is empty"
        ))),
        Some(value) => Ok(ApiKey::new(value)),
    }
}

/// An absolute http(s) URL without query or fragment, returned without a
/// trailing slash so endpoint paths can be appended. Plain http only to
/// loopback, unless `allow_plain_http`.
fn check_base_url(url: &str, allow_plain_http: bool) -> Result<String, Error> {
    let url = url.trim();
    let invalid = |why: &str| Error::config(format!("invalid base URL `{url}`: {why}"));
    let parsed = reqwest::Url::parse(url).map_err(|error| {
        Error::config_caused_by(format!("invalid base URL `{url}`: {error}"), error)
    })?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // Not echoed: the URL holds a credential.
        return Err(Error::config(
            "invalid base URL: it must not hold a user name or password, which would travel \
             with every request and show in transport errors; the API key is set with `api_key`",
        ));
    }
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        // Not echoed either: a query may hold a credential.
        return Err(Error::config(
            "invalid base URL: it must not have a query or fragment",
        ));
    }
    if parsed.scheme() == "http" && !allow_plain_http && !is_loopback(&parsed) {
        return Err(invalid(
            "plain http to a host that is not loopback would send the API key unencrypted; \
             use https, or opt in with `ClientBuilder::allow_plain_http(true)`",
        ));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// Whether the URL's host is this machine: a loopback address or
/// `localhost`.
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        // Only the name itself: other names ending in `.localhost` are left
        // to resolvers, which may send them anywhere.
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// The async client: cheap to clone (clones share one connection pool and
/// configuration).
///
/// [`send`](Self::send) takes any request type. This type has no endpoint
/// methods: `segmind::Client`, which dereferences to it, has one per
/// endpoint (`client.ssd_1b(..)`) and is the client to hold.
///
/// ```no_run
/// # async fn run() -> Result<(), segmind::Error> {
/// let client = segmind::Client::from_env()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: Config,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client with this API key and the default settings.
    pub fn new(api_key: impl Into<ApiKey>) -> Result<Self, Error> {
        Self::builder().api_key(api_key).build()
    }

    /// A client with the key from `SEGMIND_API_KEY` (and the base URL from
    /// `SEGMIND_BASE_URL`, when set); a clear [`Error::Config`] when the key
    /// is unset or empty.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().build()
    }

    /// A builder for every other setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// Validates and sends a request, retrying as the client's policy says.
    pub async fn send<E>(&self, request: &E) -> Result<E::Output, Error>
    where
        E: Endpoint,
        E::Output: DecodeResponse,
    {
        self.send_with(request, RequestOptions::default()).await
    }

    /// [`send`](Self::send) with per-call overrides of timeout, retries and
    /// validation.
    pub async fn send_with<E>(
        &self,
        request: &E,
        options: RequestOptions,
    ) -> Result<E::Output, Error>
    where
        E: Endpoint,
        E::Output: DecodeResponse,
    {
        let config = &self.inner.config;
        let prepared = config.prepare(Api::Sync, request, &options)?;
        self.execute(&prepared, |answer| config.finish(E::SLUG, answer))
            .await
    }

    /// A client whose every call uses `options` over this one's settings
    /// (the same connection pool; `send_with`'s options still go over
    /// them): per-call settings without another call shape.
    ///
    /// ```no_run
    /// # async fn run(client: segmind::Client) -> Result<(), segmind::Error> {
    /// use std::time::Duration;
    /// let patient = client.with_options(segmind::RequestOptions::new().timeout(Duration::from_secs(600)));
    /// let image = patient.ssd_1b(&segmind::Ssd1bRequest::new("a slow, detailed castle")).await?;
    /// # let _ = image; Ok(()) }
    /// ```
    pub fn with_options(&self, options: RequestOptions) -> Self {
        Self {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                config: self.inner.config.with_options(&options),
            }),
        }
    }

    /// The queued API: submit a request, then poll and fetch its result.
    pub fn queue(&self) -> crate::Queue {
        crate::Queue::new(self.clone())
    }

    /// The account's credits (`GET /get-user-credits` on the base URL).
    pub async fn credits(&self) -> Result<Credits, Error> {
        let config = &self.inner.config;
        let prepared = config.prepare_credits();
        self.execute(&prepared, |answer| {
            config.finish::<JsonResponse>(CREDITS, answer)?.json()
        })
        .await
    }

    /// Calls the endpoint `slug` with `body`, for models the crate has no
    /// request type for: the same retries, key handling, errors and
    /// decoding as a generated endpoint, without validation. `O` is what it
    /// answers with: [`ImageResponse`](crate::ImageResponse) for an image
    /// model, [`JsonResponse`] for one that answers with JSON.
    ///
    /// ```no_run
    /// # async fn run(client: segmind::Client) -> Result<(), segmind::Error> {
    /// let body = serde_json::json!({ "prompt": "a red fox in snow", "steps": 4 });
    /// let image: segmind::ImageResponse = client.call("flux-schnell", &body).await?;
    /// # let _ = image; Ok(()) }
    /// ```
    pub async fn call<O: DecodeResponse>(
        &self,
        slug: &str,
        body: &impl Serialize,
    ) -> Result<O, Error> {
        self.call_with(slug, body, RequestOptions::default()).await
    }

    /// [`call`](Self::call) with per-call overrides.
    pub async fn call_with<O: DecodeResponse>(
        &self,
        slug: &str,
        body: &impl Serialize,
        options: RequestOptions,
    ) -> Result<O, Error> {
        let config = &self.inner.config;
        let prepared = config.prepare_slug(Api::Sync, slug, body, &options)?;
        self.execute(&prepared, |answer| config.finish(prepared.endpoint, answer))
            .await
    }

    pub(crate) fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Sends `prepared`, turning each answer into a result with `interpret`,
    /// and retries as its policy says.
    pub(crate) async fn execute<T>(
        &self,
        prepared: &Prepared,
        interpret: impl Fn(Answer) -> Result<T, Error>,
    ) -> Result<T, Error> {
        use tracing::Instrument as _;
        let span = prepared.span();
        async {
            let deadline = Deadline::start(prepared.total_timeout);
            let mut attempt = 1;
            loop {
                tracing::Span::current().record("attempt", attempt);
                tracing::debug!("sending request");
                let timeout = deadline.attempt_timeout(prepared.timeout);
                let error = match self.attempt(prepared, timeout).await.and_then(&interpret) {
                    Ok(output) => return Ok(output),
                    Err(error) => error.at_attempt(attempt, deadline.elapsed()),
                };
                let Some(delay) = deadline.next_wait(prepared, attempt, &error) else {
                    return Err(error);
                };
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
        }
        .instrument(span)
        .await
    }

    async fn attempt(&self, prepared: &Prepared, timeout: Duration) -> Result<Answer, Error> {
        let endpoint = prepared.endpoint;
        let config = &self.inner.config;
        let mut response = build_request!(self.inner.http, prepared, config, timeout)
            .send()
            .await
            .map_err(|error| Error::transport(endpoint, error))?;
        let status = response.status();
        let declared = response.content_length();
        if let Some(error) = config.refuse_declared_size(endpoint, status, declared) {
            return Err(error);
        }
        // Taken rather than cloned: reading the body does not need them.
        let headers = std::mem::take(response.headers_mut());
        let mut body = BodyBuffer::new(config.body_limit(status), declared);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if !body.push(chunk) {
                        break;
                    }
                }
                Ok(None) => break,
                Err(error) if status.is_success() => {
                    return Err(Error::unread_success_body(endpoint, status, error))
                }
                // An error status matters more than the rest of its body.
                Err(_) => break,
            }
        }
        Ok(Answer {
            status,
            headers,
            body: body.finish(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<impl fmt::Debug, Error>) -> String {
        match result {
            Ok(value) => panic!("expected an error, got {value:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn a_base_url_that_does_not_parse_keeps_the_parsers_error() {
        let error = check_base_url("no scheme here", false).unwrap_err();
        let cause = std::error::Error::source(&error).expect("the parser's error is kept");
        assert!(error.to_string().contains(&cause.to_string()), "{error}");
        assert!(error.to_string().contains("no scheme here"), "{error}");
    }

    #[test]
    fn missing_or_empty_env_keys_are_clear_errors() {
        assert!(message(key_from_env(None)).contains("SEGMIND_API_KEY"));
        assert!(message(key_from_env(Some("  ".into()))).contains("SEGMIND_API_KEY"));
        assert!(key_from_env(Some("k".into())).is_ok());
    }

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        let check = |url| check_base_url(url, false);
        assert_eq!(
            check("http://127.0.0.1:8080/v1/").unwrap(),
            "http://127.0.0.1:8080/v1"
        );
        assert_eq!(
            check(" https://api.segmind.com/v1 ").unwrap(),
            DEFAULT_BASE_URL
        );
        assert!(message(check("api.segmind.com")).contains("invalid base URL"));
        assert!(message(check("ftp://host/v1")).contains("scheme"));
        let with_query = message(check("https://host/v1?key=sk-in-query"));
        assert!(with_query.contains("query"), "{with_query}");
        assert!(!with_query.contains("sk-in-query"), "{with_query}");
        let with_password = message(check("https://me:hunter2@host/v1"));
        assert!(
            with_password.contains("user name or password"),
            "{with_password}"
        );
        assert!(!with_password.contains("hunter2"), "{with_password}");
    }

    #[test]
    fn plain_http_is_only_for_loopback_unless_allowed() {
        for url in [
            "http://127.0.0.1:1/v1",
            "http://127.8.9.10/v1",
            "http://[::1]:8080/v1",
            "http://localhost:3000/v1",
            "http://LocalHost/v1",
        ] {
            assert!(check_base_url(url, false).is_ok(), "{url}");
        }
        for url in [
            "http://api.segmind.com/v1",
            "http://10.0.0.2/v1",
            "http://[::2]/v1",
            "http://localhost.example.com/v1",
            "http://mock.localhost/v1",
        ] {
            let error = message(check_base_url(url, false));
            assert!(error.contains("allow_plain_http"), "{url}: {error}");
            assert!(check_base_url(url, true).is_ok(), "{url}");
        }
    }

    #[test]
    fn bad_keys_are_rejected_without_echoing_them() {
        for bad in ["sk-se\ncret", "sk-se\tcret", "sk-sé-cret"] {
            let error = message(Client::new(bad));
            assert!(error.contains("HTTP header"), "{error}");
            assert!(!error.contains("sk-se"));
        }
        let error = message(Client::new("sk-se\ncret"));
        assert!(error.contains("HTTP header"), "{error}");
        assert!(!error.contains("sk-se"));
        assert!(message(Client::new("   ")).contains("empty"));
    }

    #[test]
    fn the_fixed_headers_are_built_once_and_the_key_is_sensitive() {
        let builder = Client::builder().api_key(" sk-secret ").user_agent("t/1");
        let config = builder.config().unwrap();
        let key = config.key_header();
        assert_eq!(key, "sk-secret");
        assert!(key.is_sensitive());
        assert!(
            config.headers.get(API_KEY_HEADER).is_none(),
            "the key is added per request, only to the API's origin"
        );
        assert_eq!(
            config.headers.get(CONTENT_TYPE).unwrap(),
            "application/json"
        );
        assert_eq!(config.headers.get(USER_AGENT).unwrap(), "t/1");
        assert_eq!(config.headers.len(), 2);
        let debug = format!("{config:?} {builder:?}");
        assert!(!debug.contains("sk-secret"), "{debug}");
    }

    #[test]
    fn bodies_stop_at_the_limit_and_keep_a_single_chunk_as_it_came() {
        let chunk = Bytes::from_static(b"0123456789");
        let mut body = BodyBuffer::new(100, Some(10));
        assert!(body.push(chunk.clone()));
        let single = body.finish();
        assert!(!single.truncated);
        assert_eq!(single.bytes.as_ptr(), chunk.as_ptr(), "copied");

        let mut body = BodyBuffer::new(25, None);
        assert!(body.push(chunk.clone()));
        assert!(body.push(chunk.clone()));
        assert!(!body.push(chunk.clone()));
        let cut = body.finish();
        assert!(cut.truncated);
        assert_eq!(&cut.bytes[..], b"0123456789012345678901234");

        let mut body = BodyBuffer::new(4, None);
        assert!(!body.push(chunk));
        assert_eq!(&body.finish().bytes[..], b"0123");

        let mut body = BodyBuffer::new(10, None);
        assert!(body.push_slice(b"01234"));
        assert!(body.push_slice(b"56789"));
        let exact = body.finish();
        assert!(!exact.truncated, "a body exactly at the limit is whole");
        assert_eq!(&exact.bytes[..], b"0123456789");
    }

    #[test]
    fn a_lying_content_length_allocates_no_more_than_the_limit() {
        let mut body = BodyBuffer::new(1 << 10, Some(u64::MAX));
        for _ in 0..100 {
            body.push_slice(&[7; 100]);
        }
        let Collected::Many(buffer) = &body.collected else {
            panic!("not collected");
        };
        assert!(buffer.capacity() <= 1 << 10, "{}", buffer.capacity());
    }
}
