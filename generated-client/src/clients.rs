//! The clients users hold: thin wrappers of the runtime's, so that each
//! generated endpoint can add its method (`client.ssd_1b(..)`) to them.
//!
//! Rust lets only the crate that defines a type add inherent methods to it,
//! and the runtime is a crate of its own (so that regenerating the endpoints
//! never recompiles it). Each wrapper holds the runtime's value, dereferences
//! to it for every method that is not per endpoint (`send`, `credits`,
//! `wait`, ...), and replaces the few that return a client or a queue, so
//! that what they return has the endpoint methods too.

use std::ops::Deref;

use crate::runtime;
use crate::{ApiKey, Error, RequestOptions};

/// What every wrapper has: `Deref` to the runtime's value, `From` it (so
/// the builder can make one), and a `Debug` that is the runtime's.
macro_rules! wrapper_impls {
    ($wrapper:ident, $inner:ty) => {
        impl Deref for $wrapper {
            type Target = $inner;
            fn deref(&self) -> &$inner {
                &self.0
            }
        }

        impl From<$inner> for $wrapper {
            fn from(inner: $inner) -> Self {
                Self(inner)
            }
        }

        impl From<$wrapper> for $inner {
            fn from(wrapper: $wrapper) -> Self {
                wrapper.0
            }
        }

        impl std::fmt::Debug for $wrapper {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.0, f)
            }
        }
    };
}

/// What either client's wrapper writes itself: its constructors, and the
/// two methods whose runtime versions would return the runtime's client or
/// queue rather than the wrappers. `$build` is the builder's method that
/// makes this client.
macro_rules! client_constructors {
    ($build:ident) => {
        /// A client with this API key and the default settings.
        pub fn new(api_key: impl Into<ApiKey>) -> Result<Self, Error> {
            Self::builder().api_key(api_key).$build()
        }

        /// A client with the key from `SEGMIND_API_KEY` (and the base URL
        /// from `SEGMIND_BASE_URL`, when set); a clear [`Error::Config`]
        /// when the key is unset or empty.
        pub fn from_env() -> Result<Self, Error> {
            Self::builder().$build()
        }

        /// A builder for every other setting, the same for both clients:
        #[doc = concat!("finish it with `", stringify!($build), "()` to make this one.")]
        pub fn builder() -> ClientBuilder {
            ClientBuilder::new()
        }

        /// A client whose every call uses `options` over this one's
        /// settings (the same connection pool; `send_with`'s options still
        /// go over them): per-call settings without another call shape.
        pub fn with_options(&self, options: RequestOptions) -> Self {
            Self(self.0.with_options(options))
        }

        /// The queued API: submit a request, then poll and fetch its
        /// result.
        pub fn queue(&self) -> Queue {
            Queue(self.0.queue())
        }
    };
}

/// Builds a [`Client`] (or, with the `blocking` feature, a
/// [`blocking::Client`](crate::blocking::Client)); see the runtime's
/// [`GenericClientBuilder`](runtime::GenericClientBuilder) for every setting;
/// `build()` returns a `segmind::Client`.
#[cfg(feature = "blocking")]
pub type ClientBuilder = runtime::GenericClientBuilder<Client, blocking::Client>;
/// Builds a [`Client`]; see the runtime's
/// [`GenericClientBuilder`](runtime::GenericClientBuilder) for every setting;
/// `build()` returns a `segmind::Client`.
#[cfg(not(feature = "blocking"))]
pub type ClientBuilder = runtime::GenericClientBuilder<Client, runtime::DefaultBlocking>;

/// The async client: cheap to clone (clones share one connection pool and
/// configuration).
///
/// Each endpoint has a method generated from its spec (`client.ssd_1b(..)`);
/// [`send`](runtime::Client::send) takes any request type, and every other
/// method is the runtime's [`Client`](runtime::Client)'s, reached through
/// `Deref`.
///
/// ```no_run
/// # async fn run() -> Result<(), segmind::Error> {
/// let client = segmind::Client::from_env()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client(runtime::Client);

impl Client {
    client_constructors!(build);
}

/// The queued API of a [`Client`] (`POST /v2/<slug>`, then polls): each
/// endpoint has a method that submits its request (`queue.ssd_1b(..)`);
/// waiting, status and results are the runtime's
/// [`Queue`](runtime::Queue)'s methods, reached through `Deref`.
#[derive(Clone)]
pub struct Queue(runtime::Queue);

/// The synchronous client (cargo feature `blocking`).
///
/// It behaves like the async [`Client`](crate::Client) — same builder,
/// validation, retries and errors — but each call blocks the calling thread.
/// Create, use and drop it outside any async runtime: the reqwest blocking
/// client it wraps runs a runtime of its own and panics when dropped or
/// waited on from async code. In async code use [`Client`](crate::Client),
/// or move the blocking calls onto `tokio::task::spawn_blocking`.
///
/// ```no_run
/// # fn main() -> Result<(), segmind::Error> {
/// let client = segmind::blocking::Client::from_env()?;
/// # let _ = client; Ok(()) }
/// ```
#[cfg(feature = "blocking")]
pub mod blocking {
    use std::ops::Deref;

    use crate::runtime;
    use crate::{ApiKey, ClientBuilder, Error, RequestOptions};

    /// The blocking client: cheap to clone (clones share one connection
    /// pool and configuration). Each endpoint has a method generated from
    /// its spec; every other method is the runtime's
    /// [`blocking::Client`](runtime::blocking::Client)'s, reached through
    /// `Deref`.
    #[derive(Clone)]
    pub struct Client(runtime::blocking::Client);

    impl Client {
        client_constructors!(build_blocking);
    }

    /// The queued API of a blocking [`Client`]: each endpoint has a method
    /// that submits its request; waiting, status and results are the
    /// runtime's [`blocking::Queue`](runtime::blocking::Queue)'s methods.
    #[derive(Clone)]
    pub struct Queue(runtime::blocking::Queue);

    wrapper_impls!(Client, runtime::blocking::Client);
    wrapper_impls!(Queue, runtime::blocking::Queue);
}

wrapper_impls!(Client, runtime::Client);
wrapper_impls!(Queue, runtime::Queue);
