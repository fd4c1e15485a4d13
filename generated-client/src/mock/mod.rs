//! A mock of the Segmind API, derived from the specs (cargo feature `mock`).
//!
//! [`MockServer`] listens on 127.0.0.1 and serves every endpoint compiled
//! into the crate, so an application can test its own code against this
//! crate without a network or an API key. It is also the `segmind-mock`
//! binary (`cargo run -p segmind --features mock --bin segmind-mock -- --port 0`).
//!
//! What it answers is derived from the generated request types, so a new
//! spec needs no mock code:
//!
//! - `POST /v1/<slug>`: the synchronous call. The body is read by
//!   [`AnyRequest::from_json`](crate::AnyRequest::from_json) and checked by
//!   its `validate()`; a rejected body gets 400 with the message the client
//!   itself would give. What was not sent takes the spec's default
//!   ([`AnyRequest::with_defaults`](crate::AnyRequest::with_defaults)), as
//!   the server would. The answer is a real image (PNG by default, JPEG
//!   with [`ImageFormat::Jpeg`] or the `x-mock-format: jpeg` header) drawn
//!   from a hash of slug, prompt, seed, size and sample index, sized by
//!   `img_width`/`img_height` (else [`MockConfig::default_size`]), at most
//!   [`MAX_SAMPLES`] of them with sides up to [`MAX_SIDE`] (a larger value
//!   the spec allows is drawn at the limit, never refused); raw bytes
//!   for one image, `{"image": "<base64>"}` with `base64: true`, and
//!   `{"image": [...]}` when `samples` asks for several. `seed: -1` picks a
//!   random seed, as the API documents. Every success carries
//!   `x-remaining-credits`.
//! - `POST /v2/<slug>`: the queued call, answering `request_id`, `status`,
//!   `poll_url`, `status_url` and `response_url`; `GET
//!   /v2/requests/<id>/status` and `GET /v2/requests/<id>` follow the job
//!   through `QUEUED`, `PROCESSING` and `COMPLETED` (or `FAILED`, as 422),
//!   the result's `output` being the URL of the image, which the mock
//!   serves. Results expire ([`MockConfig::result_ttl`]; 404 after).
//! - `GET /v1/get-user-credits`: `{"credits": .., "free-credits": ..}`.
//!
//! A missing API key gets 401, as does an unknown one when
//! [`MockConfig::accept_keys`] restricts them; each key has its own credit
//! ledger (406 once spent) and, with [`MockConfig::rate_limit_per_minute`],
//! its own rate window (429 with `Retry-After`).
//!
//! Faults ([`Fault`]) are asked for per request with headers
//! (`x-mock-status: 503`, `x-mock-retry-after: 2`,
//! `x-mock-retry-after-date: 2`, or any fault's text in `x-mock-fault`),
//! or scripted for the next calls ([`FaultRule`]: [`MockConfig::fault`] at
//! start, [`MockServer::push_fault`] or `POST /mock/faults` later). The
//! request log ([`MockServer::requests`], `GET /mock/requests`) shows what
//! a client sent, with the API key replaced by its fingerprint.
//!
//! Any non-empty key is accepted, but give the client a test key of eight
//! characters or more: the client redacts its key wherever a server's text
//! holds it, so a one-letter key turns every `e` in an error message into
//! `***`.
//!
//! ```
//! use segmind::mock::{Fault, FaultRule, MockServer};
//! use segmind::{Client, RetryPolicy, Ssd1bRequest};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::start().await?;
//! let client = Client::builder()
//!     .api_key("any key")
//!     .base_url(server.base_url())
//!     .retry(RetryPolicy::none())
//!     .build()?;
//!
//! let image = client.ssd_1b(&Ssd1bRequest::new("a lighthouse").seed(7)).await?;
//! assert_eq!(image.content_type(), "image/png");
//! assert_eq!(image.remaining_credits(), Some(999.0));
//!
//! // The next call to ssd-1b answers 503.
//! server.push_fault(FaultRule::new("ssd-1b", 1, Fault::status(503)));
//! let error = client.ssd_1b(&Ssd1bRequest::new("a lighthouse")).await.unwrap_err();
//! assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
//!
//! assert_eq!(server.requests().len(), 2);
//! # Ok(())
//! # }
//! ```
//!
//! The blocking form, for tests without an async runtime of their own, is
//! [`MockServer::start_blocking`]: the server then runs on a thread of its
//! own until it is dropped.

mod config;
mod fault;
mod media;
mod picture;
mod server;
mod state;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use config::{MockConfig, MAX_SAMPLES, MAX_SIDE};
pub use fault::{parse_duration, BodyFault, Fault, FaultRule, JobFault, ParseError, RetryAfter};
pub use picture::ImageFormat;
pub use state::{key_fingerprint, RecordedRequest};

use state::{lock, Shared};

/// The image the mock answers for `slug` with this prompt, seed, size and
/// sample index (0 for the first): the same bytes a call gets, for tests
/// that compare them and for the benchmark. `None` for a slug not compiled
/// in, a side outside 1 to [`MAX_SIDE`], or an encoder failure.
pub fn render_image(
    slug: &str,
    prompt: &str,
    seed: i64,
    (width, height): (u32, u32),
    format: ImageFormat,
    sample: u32,
) -> Option<bytes::Bytes> {
    let info = crate::ENDPOINT_INFO.iter().find(|info| info.slug == slug)?;
    let sides = 1..=MAX_SIDE;
    if !sides.contains(&width) || !sides.contains(&height) {
        return None;
    }
    let picture = picture::Picture {
        slug: info.slug,
        prompt: prompt.to_owned(),
        seed,
        width,
        height,
        format,
        index: sample,
    };
    picture::render(&picture).ok()
}

/// A running mock of the API on 127.0.0.1; it stops when dropped.
///
/// See the [module docs](self) for what it serves.
pub struct MockServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    /// The thread of a blocking server, which runs its own runtime.
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

async fn bind(port: u16) -> io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

fn origin(addr: SocketAddr) -> String {
    format!("http://{addr}")
}

impl MockServer {
    /// Starts a server with the default settings on a free port, as a task
    /// of the current tokio runtime.
    pub async fn start() -> io::Result<Self> {
        Self::start_with(MockConfig::default()).await
    }

    /// Starts a server with these settings, as a task of the current tokio
    /// runtime.
    pub async fn start_with(config: MockConfig) -> io::Result<Self> {
        let (listener, addr) = bind(config.port).await?;
        let shared = Arc::new(Shared::new(config, origin(addr)));
        let (shutdown, stopped) = watch::channel(false);
        tokio::spawn(server::serve(listener, Arc::clone(&shared), stopped));
        Ok(Self {
            shared,
            addr,
            shutdown,
            thread: None,
        })
    }

    /// Starts a server with the default settings on a thread of its own,
    /// for code without an async runtime.
    pub fn start_blocking() -> io::Result<Self> {
        Self::start_blocking_with(MockConfig::default())
    }

    /// Starts a server with these settings on a thread of its own (with a
    /// two-thread tokio runtime).
    pub fn start_blocking_with(config: MockConfig) -> io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("segmind-mock")
            .enable_all()
            .build()?;
        let (listener, addr) = runtime.block_on(bind(config.port))?;
        let shared = Arc::new(Shared::new(config, origin(addr)));
        let (shutdown, stopped) = watch::channel(false);
        let serving = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("segmind-mock".into())
            .spawn(move || runtime.block_on(server::serve(listener, serving, stopped)))?;
        Ok(Self {
            shared,
            addr,
            shutdown,
            thread: Some(thread),
        })
    }

    /// The address it listens on (127.0.0.1 and its port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the root of every route.
    pub fn url(&self) -> String {
        origin(self.addr)
    }

    /// `http://127.0.0.1:PORT/v1`, the base URL to give the client
    /// ([`ClientBuilder::base_url`](crate::ClientBuilder::base_url)).
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.url())
    }

    /// Schedules a fault after those already scheduled.
    pub fn push_fault(&self, rule: FaultRule) {
        lock(&self.shared.faults).push_back(rule);
    }

    /// The scheduled faults that have uses left, in order.
    pub fn faults(&self) -> Vec<FaultRule> {
        lock(&self.shared.faults).iter().cloned().collect()
    }

    /// Drops every scheduled fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// The latest requests received (up to [`MockConfig::log_capacity`]),
    /// oldest first; admin routes are not logged.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).entries()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// The key's balance, if it has been used.
    pub fn credits(&self, key: &str) -> Option<f64> {
        lock(&self.shared.accounts)
            .get(&key_fingerprint(key))
            .map(|account| account.credits)
    }

    /// Sets the key's balance (opening its ledger if need be), to test what
    /// happens when credits run out.
    pub fn set_credits(&self, key: &str, credits: f64) {
        let fingerprint = key_fingerprint(key);
        // Opens the ledger; only refused beyond the ledger limit.
        if self.shared.balance(&fingerprint).is_ok() {
            if let Some(account) = lock(&self.shared.accounts).get_mut(&fingerprint) {
                account.credits = credits;
            }
        }
    }

    /// How much the server holds: requests logged, images cached and their
    /// bytes, and queued jobs. Every one is bounded.
    pub fn usage(&self) -> Usage {
        let (images, image_bytes) = lock(&self.shared.cache).usage();
        Usage {
            logged: lock(&self.shared.log).len(),
            images,
            image_bytes,
            jobs: lock(&self.shared.jobs).len(),
        }
    }
}

/// What a [`MockServer`] holds in memory; see [`MockServer::usage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Usage {
    /// Requests in the log.
    pub logged: usize,
    /// Encoded images in the cache.
    pub images: usize,
    /// Their bytes.
    pub image_bytes: usize,
    /// Queued jobs not yet purged.
    pub jobs: usize,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
