//! The mock's settings.

use std::time::Duration;

use crate::mock::fault::{Fault, FaultRule};
use crate::mock::picture::ImageFormat;

/// How a [`MockServer`](crate::mock::MockServer) behaves; every setting has
/// a default, so `MockConfig::default()` is a working server.
///
/// ```
/// use std::time::Duration;
/// use segmind::mock::{Fault, FaultRule, ImageFormat, MockConfig};
///
/// let config = MockConfig::default()
///     .credits(10.0)
///     .cost_per_call(0.5)
///     .accept_keys(["key-a", "key-b"])
///     .image_format(ImageFormat::Jpeg)
///     .job_timing(Duration::from_millis(50), Duration::from_millis(100))
///     .fault(FaultRule::new("ssd-1b", 2, Fault::status(503)));
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
pub struct MockConfig {
    pub(crate) port: u16,
    pub(crate) keys: Option<Vec<String>>,
    pub(crate) credits: f64,
    pub(crate) free_credits: f64,
    pub(crate) cost: f64,
    pub(crate) queued_for: Duration,
    pub(crate) processing_for: Duration,
    pub(crate) result_ttl: Duration,
    pub(crate) rate_limit: Option<u32>,
    pub(crate) format: ImageFormat,
    pub(crate) latency: Duration,
    pub(crate) faults: Vec<FaultRule>,
    pub(crate) log_capacity: usize,
    pub(crate) default_size: (u32, u32),
    pub(crate) cache_bytes: usize,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            port: 0,
            keys: None,
            credits: 1000.0,
            free_credits: 0.0,
            cost: 1.0,
            queued_for: Duration::from_millis(200),
            processing_for: Duration::from_millis(800),
            result_ttl: Duration::from_secs(3600),
            rate_limit: None,
            format: ImageFormat::Png,
            latency: Duration::ZERO,
            faults: Vec::new(),
            log_capacity: 1000,
            default_size: (512, 512),
            cache_bytes: 64 << 20,
        }
    }
}

impl MockConfig {
    /// The port to listen on, on 127.0.0.1; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Accepts only these API keys; any other gets 401. By default any
    /// non-empty key is accepted, each with its own credit ledger.
    pub fn accept_keys<I, K>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = K>,
        K: Into<String>,
    {
        self.keys = Some(keys.into_iter().map(Into::into).collect());
        self
    }

    /// Each key's starting balance (default 1000).
    pub fn credits(mut self, credits: f64) -> Self {
        self.credits = credits;
        self
    }

    /// The `free-credits` that `GET /v1/get-user-credits` reports (default 0);
    /// calls are paid from `credits`.
    pub fn free_credits(mut self, credits: f64) -> Self {
        self.free_credits = credits;
        self
    }

    /// What each successful call costs (default 1). A key whose balance is
    /// below this gets 406.
    pub fn cost_per_call(mut self, cost: f64) -> Self {
        self.cost = cost;
        self
    }

    /// How long a queued job stays `QUEUED`, then `PROCESSING` (default
    /// 200 ms and 800 ms).
    pub fn job_timing(mut self, queued: Duration, processing: Duration) -> Self {
        self.queued_for = queued;
        self.processing_for = processing;
        self
    }

    /// How long a queued job's result stays available after it completes
    /// (default one hour).
    pub fn result_ttl(mut self, ttl: Duration) -> Self {
        self.result_ttl = ttl;
        self
    }

    /// At most `calls` calls per key in any minute; more get 429 with
    /// `Retry-After` (default: no limit).
    pub fn rate_limit_per_minute(mut self, calls: u32) -> Self {
        self.rate_limit = Some(calls);
        self
    }

    /// How images are encoded (default PNG); a request's `x-mock-format:
    /// jpeg` header overrides it.
    pub fn image_format(mut self, format: ImageFormat) -> Self {
        self.format = format;
        self
    }

    /// A wait added before every answer (default none).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Schedules a fault from the start; rules apply in the order given.
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.faults.push(rule);
        self
    }

    /// Every call to every endpoint suffers `fault`, for as many calls as a
    /// `u32` counts.
    pub fn fault_always(self, fault: Fault) -> Self {
        self.fault(FaultRule::any(u32::MAX, fault))
    }

    /// How many of the latest requests the request log keeps (default 1000).
    pub fn log_capacity(mut self, entries: usize) -> Self {
        self.log_capacity = entries;
        self
    }

    /// The size drawn when a request sets no `img_width`/`img_height` and
    /// its spec documents no default for them (default 512×512).
    pub fn default_size(mut self, width: u32, height: u32) -> Self {
        self.default_size = (width.clamp(1, MAX_SIDE), height.clamp(1, MAX_SIDE));
        self
    }

    /// How many bytes of encoded images are kept for repeated requests
    /// (default 64 MiB; 0 turns the cache off).
    pub fn cache_bytes(mut self, bytes: usize) -> Self {
        self.cache_bytes = bytes;
        self
    }
}

/// The largest side of an image the mock draws. A size the spec allows
/// outside 1 to this is answered at the nearest of the two, not refused.
pub const MAX_SIDE: u32 = 4096;

/// The most images the mock draws for one call. A `samples` the spec allows
/// outside 1 to this is answered with the nearest count, not refused.
pub const MAX_SAMPLES: u32 = 16;
