//! The async client, its builder, and the configuration the blocking client
//! shares with it.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, USER_AGENT};
use reqwest::StatusCode;

use crate::runtime::error::redact_headers;
use crate::runtime::{ApiError, DecodeResponse, Endpoint, Error, ResponseMeta, RetryPolicy};

/// The API's address, with its version.
pub const DEFAULT_BASE_URL: &str = "https://api.segmind.com/v1";

/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "SEGMIND_API_KEY";

/// The header the API key travels in.
const API_KEY_HEADER: &str = "x-api-key";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longer timeouts are cut to this: a deadline is the current instant plus
/// the timeout, which overflows (and panics in the blocking client) for
/// `Duration::MAX`. A year is as good as no timeout.
const LONGEST_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// An API key. It prints as `***` in `Debug` and `Display`, so it cannot end
/// up in logs or error messages by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key; surrounding whitespace is dropped when the client is built.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself. Keep it out of logs.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self(key.to_owned())
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
#[derive(Debug)]
pub(crate) struct Config {
    base_url: String,
    api_key: ApiKey,
    /// The headers every request carries: the key (its value marked
    /// sensitive, so HTTP debugging output leaves it out too), the content
    /// type and the user agent.
    headers: HeaderMap,
    /// Whether the HTTP client adds `headers` itself, as its default
    /// headers: true when the builder created it. A supplied client knows
    /// nothing of them, so then each request carries them.
    client_adds_headers: bool,
    timeout: Duration,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
    skip_validation: bool,
}

/// One request, encoded and ready for its attempts.
pub(crate) struct Prepared {
    pub(crate) url: String,
    pub(crate) body: Bytes,
    pub(crate) timeout: Duration,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
}

/// When a call must be over, if it has a total timeout: each attempt's
/// timeout is cut to what is left, and a retry is given up when its wait
/// would not leave time for another attempt.
pub(crate) struct Deadline(Option<Instant>);

impl Deadline {
    pub(crate) fn start(total: Option<Duration>) -> Self {
        Self(total.and_then(|total| Instant::now().checked_add(total)))
    }

    /// The next attempt's timeout: `per_attempt`, or less when the call's
    /// deadline is nearer.
    pub(crate) fn attempt_timeout(&self, per_attempt: Duration) -> Duration {
        match self.0 {
            Some(end) => per_attempt.min(end.saturating_duration_since(Instant::now())),
            None => per_attempt,
        }
    }

    /// How long to wait before trying again after `attempt` failed with
    /// `error`: the retry policy's wait, or `None` when the policy gives up
    /// or the wait would leave no time for another attempt.
    pub(crate) fn next_wait(
        &self,
        policy: &RetryPolicy,
        attempt: u32,
        error: &Error,
    ) -> Option<Duration> {
        let delay = policy.delay_after(attempt, error)?;
        let time_left = |end: Instant| end.saturating_duration_since(Instant::now());
        self.0
            .is_none_or(|end| time_left(end) > delay)
            .then_some(delay)
    }
}

impl Config {
    /// Validates (unless told not to) and encodes a request.
    pub(crate) fn prepare<E: Endpoint>(
        &self,
        request: &E,
        options: &RequestOptions,
    ) -> Result<Prepared, Error> {
        if !options.skip_validation.unwrap_or(self.skip_validation) {
            request.validate()?;
        }
        let encode_error = |source| Error::Encode {
            endpoint: E::SLUG,
            source,
        };
        let body = if options.body_fields.is_empty() {
            serde_json::to_vec(request).map_err(encode_error)?
        } else {
            let mut body = serde_json::to_value(request).map_err(encode_error)?;
            if let serde_json::Value::Object(fields) = &mut body {
                for (name, value) in &options.body_fields {
                    fields.insert(name.clone(), value.clone());
                }
            }
            serde_json::to_vec(&body).map_err(encode_error)?
        };
        let mut url = String::with_capacity(self.base_url.len() + E::PATH.len());
        url.push_str(&self.base_url);
        url.push_str(E::PATH);
        Ok(Prepared {
            url,
            body: Bytes::from(body),
            timeout: options.timeout.unwrap_or(self.timeout),
            total_timeout: options.total_timeout.or(self.total_timeout),
            retry: options.retry.unwrap_or(self.retry),
        })
    }

    /// The headers each request must carry itself: none when the HTTP
    /// client sends them as its default headers, all of them when it is a
    /// client the user supplied.
    pub(crate) fn request_headers(&self) -> Option<&HeaderMap> {
        (!self.client_adds_headers).then_some(&self.headers)
    }

    /// Turns a complete answer into the output or the error its status means.
    pub(crate) fn finish<O: DecodeResponse>(
        &self,
        endpoint: &'static str,
        status: StatusCode,
        mut headers: HeaderMap,
        body: Bytes,
    ) -> Result<O, Error> {
        redact_headers(&mut headers, &self.api_key);
        let meta = ResponseMeta::new(endpoint, status, headers);
        if status.is_success() {
            O::decode(meta, body).map_err(|error| error.redacted(&self.api_key))
        } else {
            Err(Error::from_api(ApiError::new(meta, body, &self.api_key)))
        }
    }
}

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
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    base_url: String,
    connect_timeout: Option<Duration>,
    timeout: Duration,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: String,
    skip_validation: bool,
    http_client: Option<reqwest::Client>,
    #[cfg(feature = "blocking")]
    blocking_http_client: Option<reqwest::blocking::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            connect_timeout: None,
            timeout: DEFAULT_TIMEOUT,
            total_timeout: None,
            retry: RetryPolicy::default(),
            user_agent: concat!("segmind-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            skip_validation: false,
            http_client: None,
            #[cfg(feature = "blocking")]
            blocking_http_client: None,
        }
    }
}

impl ClientBuilder {
    /// A builder with the defaults: the key from `SEGMIND_API_KEY`, the
    /// public API, a 120 s timeout per attempt, 10 s to connect, and
    /// [`RetryPolicy::default`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The API key. Without one, [`build`](Self::build) reads
    /// `SEGMIND_API_KEY`.
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The versioned base URL endpoint paths are appended to
    /// (default `https://api.segmind.com/v1`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// How long establishing a connection may take (default 10 s). Applies
    /// only to the HTTP client this builder creates itself.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout.min(LONGEST_TIMEOUT));
        self
    }

    /// The total time one attempt may take: connect, send and read the whole
    /// body (default 120 s). Retries get a fresh timeout each.
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

    /// How failed calls are retried (default [`RetryPolicy::default`]).
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

    /// Uses this HTTP client (for proxies, custom TLS, ...) instead of
    /// creating one. Configure its connect timeout on it; beware that it
    /// follows redirects unless told not to, and that would carry the
    /// `x-api-key` header to wherever the redirect points.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Uses this blocking HTTP client in [`build_blocking`](Self::build_blocking);
    /// see [`http_client`](Self::http_client).
    #[cfg(feature = "blocking")]
    pub fn blocking_http_client(mut self, client: reqwest::blocking::Client) -> Self {
        self.blocking_http_client = Some(client);
        self
    }

    /// Builds the async client.
    pub fn build(self) -> Result<Client, Error> {
        let config = self.config(self.http_client.is_none())?;
        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .default_headers(config.headers.clone())
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|error| {
                    Error::Config(format!("cannot create the HTTP client: {error}"))
                })?,
        };
        Ok(Client {
            inner: Arc::new(Inner { http, config }),
        })
    }

    /// Builds the blocking client. Call it outside any async runtime.
    #[cfg(feature = "blocking")]
    pub fn build_blocking(self) -> Result<crate::blocking::Client, Error> {
        let config = self.config(self.blocking_http_client.is_none())?;
        let http = match self.blocking_http_client {
            Some(client) => client,
            None => reqwest::blocking::Client::builder()
                .default_headers(config.headers.clone())
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .timeout(config.timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|error| {
                    Error::Config(format!("cannot create the HTTP client: {error}"))
                })?,
        };
        Ok(crate::blocking::Client::from_parts(http, config))
    }

    /// The settings; `client_adds_headers` when the HTTP client is created
    /// here, with the fixed headers as its default headers.
    fn config(&self, client_adds_headers: bool) -> Result<Config, Error> {
        let has_own_client = self.http_client.is_some();
        #[cfg(feature = "blocking")]
        let has_own_client = has_own_client || self.blocking_http_client.is_some();
        if has_own_client && self.connect_timeout.is_some() {
            return Err(Error::Config(
                "connect_timeout cannot be applied to a supplied HTTP client; \
                 set it on that client instead"
                    .to_owned(),
            ));
        }
        let api_key = match &self.api_key {
            Some(key) => key.clone(),
            None => key_from_env(std::env::var(API_KEY_ENV).ok())?,
        };
        let api_key = ApiKey(api_key.0.trim().to_owned());
        if api_key.0.is_empty() {
            return Err(Error::Config("the API key is empty".to_owned()));
        }
        let mut key_header = HeaderValue::from_str(&api_key.0).map_err(|_| {
            Error::Config(
                "the API key contains characters that cannot be sent in an HTTP header".to_owned(),
            )
        })?;
        key_header.set_sensitive(true);
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            Error::Config(format!(
                "the user agent `{}` cannot be sent in an HTTP header",
                self.user_agent.escape_debug()
            ))
        })?;
        let mut headers = HeaderMap::with_capacity(3);
        headers.insert(API_KEY_HEADER, key_header);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, user_agent);
        Ok(Config {
            base_url: check_base_url(&self.base_url)?,
            api_key,
            headers,
            client_adds_headers,
            timeout: self.timeout,
            total_timeout: self.total_timeout,
            retry: self.retry,
            skip_validation: self.skip_validation,
        })
    }
}

/// The key from the environment variable's value, or why there is none.
fn key_from_env(value: Option<String>) -> Result<ApiKey, Error> {
    match value {
        None => Err(Error::Config(format!(
            "no API key: pass one to the client or set the {API_KEY_ENV} environment variable"
        ))),
        Some(value) if value.trim().is_empty() => Err(Error::Config(format!(
            "the {API_KEY_ENV} environment variable is empty"
        ))),
        Some(value) => Ok(ApiKey(value)),
    }
}

/// An absolute http(s) URL without query or fragment, returned without a
/// trailing slash so endpoint paths can be appended.
fn check_base_url(url: &str) -> Result<String, Error> {
    let url = url.trim();
    let invalid = |why: &str| Error::Config(format!("invalid base URL `{url}`: {why}"));
    let parsed = reqwest::Url::parse(url).map_err(|error| invalid(&error.to_string()))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // Not echoed: the URL holds a credential.
        return Err(Error::Config(
            "invalid base URL: it must not hold a user name or password, which would travel \
             with every request and show in transport errors; the API key is set with `api_key`"
                .into(),
        ));
    }
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// The async client: cheap to clone (clones share one connection pool and
/// configuration).
///
/// Each endpoint has a method generated from the spec; [`send`](Self::send)
/// takes any request type.
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

    /// A client with the key from `SEGMIND_API_KEY`; a clear
    /// [`Error::Config`] when it is unset or empty.
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
        let prepared = self.inner.config.prepare(request, &options)?;
        let deadline = Deadline::start(prepared.total_timeout);
        let mut attempt = 1;
        loop {
            tracing::debug!(endpoint = E::SLUG, attempt, "sending request");
            let timeout = deadline.attempt_timeout(prepared.timeout);
            let error = match self.attempt(E::SLUG, &prepared, timeout).await {
                Ok(output) => return Ok(output),
                Err(error) => error,
            };
            let Some(delay) = deadline.next_wait(&prepared.retry, attempt, &error) else {
                return Err(error);
            };
            tracing::debug!(
                endpoint = E::SLUG,
                attempt,
                delay_ms = delay.as_millis() as u64,
                error = %error,
                "retrying"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn attempt<O: DecodeResponse>(
        &self,
        endpoint: &'static str,
        prepared: &Prepared,
        timeout: Duration,
    ) -> Result<O, Error> {
        let mut request = self.inner.http.post(&prepared.url);
        if let Some(headers) = self.inner.config.request_headers() {
            for (name, value) in headers {
                request = request.header(name, value.clone());
            }
        }
        let mut response = request
            .timeout(timeout)
            .body(prepared.body.clone())
            .send()
            .await
            .map_err(|error| Error::transport(endpoint, error))?;
        let status = response.status();
        // Taken rather than cloned: reading the body does not need them.
        let headers = std::mem::take(response.headers_mut());
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(error) if status.is_success() => {
                return Err(Error::unread_success_body(endpoint, status, error))
            }
            // An error status matters more than its unreadable body.
            Err(_) => Bytes::new(),
        };
        self.inner.config.finish(endpoint, status, headers, body)
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
    fn missing_or_empty_env_keys_are_clear_errors() {
        assert!(message(key_from_env(None)).contains("SEGMIND_API_KEY"));
        assert!(message(key_from_env(Some("  ".into()))).contains("SEGMIND_API_KEY"));
        assert!(key_from_env(Some("k".into())).is_ok());
    }

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        assert_eq!(
            check_base_url("http://127.0.0.1:8080/v1/").unwrap(),
            "http://127.0.0.1:8080/v1"
        );
        assert_eq!(
            check_base_url(" https://api.segmind.com/v1 ").unwrap(),
            DEFAULT_BASE_URL
        );
        assert!(message(check_base_url("api.segmind.com")).contains("invalid base URL"));
        assert!(message(check_base_url("ftp://host/v1")).contains("scheme"));
        assert!(message(check_base_url("https://host/v1?x=1")).contains("query"));
        let with_password = message(check_base_url("https://me:hunter2@host/v1"));
        assert!(
            with_password.contains("user name or password"),
            "{with_password}"
        );
        assert!(!with_password.contains("hunter2"), "{with_password}");
    }

    #[test]
    fn bad_keys_are_rejected_without_echoing_them() {
        let error = message(Client::new("sk-se\ncret"));
        assert!(error.contains("HTTP header"), "{error}");
        assert!(!error.contains("sk-se"));
        assert!(message(Client::new("   ")).contains("empty"));
    }

    #[test]
    fn fixed_headers_go_on_a_created_client_or_on_each_request() {
        let builder = Client::builder().api_key(" sk-secret ").user_agent("t/1");
        let created = builder.config(true).unwrap();
        assert!(created.request_headers().is_none());
        let supplied = builder.config(false).unwrap();
        let headers = supplied.request_headers().unwrap();
        let key = headers.get(API_KEY_HEADER).unwrap();
        assert_eq!(key, "sk-secret");
        assert!(key.is_sensitive());
        assert_eq!(headers.get(CONTENT_TYPE).unwrap(), "application/json");
        assert_eq!(headers.get(USER_AGENT).unwrap(), "t/1");
        assert_eq!(headers.len(), 3);
        let debug = format!("{created:?} {supplied:?}");
        assert!(!debug.contains("sk-secret"), "{debug}");
    }

    #[test]
    fn connect_timeout_conflicts_with_a_supplied_client() {
        let result = Client::builder()
            .api_key("k")
            .http_client(reqwest::Client::new())
            .connect_timeout(Duration::from_secs(1))
            .build();
        assert!(message(result).contains("connect_timeout"));
    }
}
