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

use serde::Serialize;

use crate::client::{
    build_request, Answer, Api, BodyBuffer, Config, Deadline, Prepared, API_KEY_HEADER, CREDITS,
};
pub use crate::queue::blocking::Queue;
use crate::{
    ApiKey, ClientBuilder, Credits, DecodeResponse, Endpoint, Error, JsonResponse, RequestOptions,
};

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

    /// Submits a request to the queue and waits for its result, up to
    /// `deadline_secs`: what the generated methods of long-running models
    /// call, with their spec's deadline.
    #[doc(hidden)]
    pub fn run_queued<E>(&self, request: &E, deadline_secs: u64) -> Result<E::Output, Error>
    where
        E: Endpoint,
        E::Output: crate::OutputKind,
    {
        let queue = self.queue();
        let job = queue.submit(request)?;
        queue.wait_with(&job, crate::future::queued_wait(deadline_secs))
    }

    /// [`send`](Self::send) with per-call overrides of timeout, retries and
    /// validation.
    pub fn send_with<E>(&self, request: &E, options: RequestOptions) -> Result<E::Output, Error>
    where
        E: Endpoint,
        E::Output: DecodeResponse,
    {
        let config = &self.inner.config;
        let prepared = config.prepare(Api::Sync, request, &options)?;
        self.execute(&prepared, |answer| config.finish(E::SLUG, answer))
    }

    /// A client whose every call uses `options` over this one's settings;
    /// see [`Client::with_options`](crate::Client::with_options).
    pub fn with_options(&self, options: RequestOptions) -> Self {
        Self::from_parts(
            self.inner.http.clone(),
            self.inner.config.with_options(&options),
        )
    }

    /// The queued API, blocking too (this module's [`Queue`], not the
    /// async [`crate::Queue`]): submit a request, then poll and fetch its
    /// result.
    pub fn queue(&self) -> Queue {
        Queue::new(self.clone())
    }

    /// The account's credits (`GET /get-user-credits` on the base URL).
    pub fn credits(&self) -> Result<Credits, Error> {
        let config = &self.inner.config;
        let prepared = config.prepare_credits();
        self.execute(&prepared, |answer| {
            config.finish::<JsonResponse>(CREDITS, answer)?.json()
        })
    }

    /// Calls the endpoint `slug` with `body`; see
    /// [`Client::call`](crate::Client::call).
    pub fn call<O: DecodeResponse>(&self, slug: &str, body: &impl Serialize) -> Result<O, Error> {
        self.call_with(slug, body, RequestOptions::default())
    }

    /// [`call`](Self::call) with per-call overrides.
    pub fn call_with<O: DecodeResponse>(
        &self,
        slug: &str,
        body: &impl Serialize,
        options: RequestOptions,
    ) -> Result<O, Error> {
        let config = &self.inner.config;
        let prepared = config.prepare_slug(Api::Sync, slug, body, &options)?;
        self.execute(&prepared, |answer| config.finish(prepared.endpoint, answer))
    }

    pub(crate) fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Sends `prepared`, turning each answer into a result with `interpret`,
    /// and retries as its policy says.
    pub(crate) fn execute<T>(
        &self,
        prepared: &Prepared,
        interpret: impl Fn(Answer) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let span = prepared.span();
        let _entered = span.enter();
        let deadline = Deadline::start(prepared.total_timeout);
        let mut attempt = 1;
        loop {
            span.record("attempt", attempt);
            tracing::debug!("sending request");
            let timeout = deadline.attempt_timeout(prepared.timeout);
            let error = match self.attempt(prepared, timeout).and_then(&interpret) {
                Ok(output) => return Ok(output),
                Err(error) => error.at_attempt(attempt, deadline.elapsed()),
            };
            let Some(delay) = deadline.next_wait(prepared, attempt, &error) else {
                return Err(error);
            };
            std::thread::sleep(delay);
            attempt += 1;
        }
    }

    fn attempt(&self, prepared: &Prepared, timeout: Duration) -> Result<Answer, Error> {
        let endpoint = prepared.endpoint;
        let config = &self.inner.config;
        let mut response = build_request!(self.inner.http, prepared, config, timeout)
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
