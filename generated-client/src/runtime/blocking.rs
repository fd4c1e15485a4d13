//! A synchronous client for scripts and command-line tools (cargo feature
//! `blocking`).
//!
//! It behaves like the async [`Client`](crate::Client) — same builder,
//! validation, retries and errors — but each call blocks the calling thread.
//! Create, use and drop it outside any async runtime: the reqwest blocking
//! client it wraps runs a runtime of its own and panics when dropped or
//! waited on from async code. In async code use [`Client`](crate::Client),
//! or move the blocking calls onto `tokio::task::spawn_blocking`.
//!
//! ```no_run
//! # fn main() -> Result<(), segmind::Error> {
//! let client = segmind::blocking::Client::from_env()?;
//! # let _ = client; Ok(()) }
//! ```

use std::fmt;
use std::io::Read as _;
use std::sync::Arc;
use std::time::Duration;

use crate::runtime::client::{BodyBuffer, Config, Deadline, Prepared};
use crate::runtime::{ApiKey, ClientBuilder, DecodeResponse, Endpoint, Error, RequestOptions};

/// How much of a body one read takes.
const READ_CHUNK: usize = 64 << 10;

/// The blocking client: cheap to clone (clones share one connection pool and
/// configuration).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::blocking::Client,
    config: Config,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn from_parts(http: reqwest::blocking::Client, config: Config) -> Self {
        Self {
            inner: Arc::new(Inner { http, config }),
        }
    }

    /// A client with this API key and the default settings.
    pub fn new(api_key: impl Into<ApiKey>) -> Result<Self, Error> {
        Self::builder().api_key(api_key).build_blocking()
    }

    /// A client with the key from `SEGMIND_API_KEY`; a clear
    /// [`Error::Config`] when it is unset or empty.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().build_blocking()
    }

    /// A builder for every other setting; finish it with
    /// [`ClientBuilder::build_blocking`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// Validates and sends a request, retrying as the client's policy says.
    pub fn send<E>(&self, request: &E) -> Result<E::Output, Error>
    where
        E: Endpoint,
        E::Output: DecodeResponse,
    {
        self.send_with(request, RequestOptions::default())
    }

    /// [`send`](Self::send) with per-call overrides of timeout, retries and
    /// validation.
    pub fn send_with<E>(&self, request: &E, options: RequestOptions) -> Result<E::Output, Error>
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
            let error = match self.attempt(&prepared, timeout) {
                Ok(output) => return Ok(output),
                Err(error) => error.at_attempt(attempt),
            };
            let Some(delay) = deadline.next_wait(&prepared, attempt, &error) else {
                return Err(error);
            };
            std::thread::sleep(delay);
            attempt += 1;
        }
    }

    fn attempt<O: DecodeResponse>(
        &self,
        prepared: &Prepared,
        timeout: Duration,
    ) -> Result<O, Error> {
        let endpoint = prepared.endpoint;
        let config = &self.inner.config;
        let mut response = self
            .inner
            .http
            .post(&prepared.url)
            .timeout(timeout)
            .body(prepared.body.clone())
            .send()
            .map_err(|error| Error::transport(endpoint, error))?;
        let status = response.status();
        let declared = response.content_length();
        if let Some(error) = config.refuse_declared_size(endpoint, status, declared) {
            return Err(error);
        }
        // Taken rather than cloned: reading the body does not need them.
        let headers = std::mem::take(response.headers_mut());
        let mut body = BodyBuffer::new(config.body_limit(status), declared);
        let mut chunk = vec![0_u8; READ_CHUNK];
        loop {
            match response.read(&mut chunk) {
                Ok(0) => break,
                Ok(read) if body.push_slice(&chunk[..read]) => {}
                Ok(_) => break,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) if status.is_success() => {
                    return Err(Error::unread_success_body(endpoint, status, &error))
                }
                // An error status matters more than the rest of its body.
                Err(_) => break,
            }
        }
        config.finish(endpoint, status, headers, body.finish())
    }
}
