//! What the mock remembers between calls: the fault script, the request
//! log, each key's ledger and rate window, queued jobs and the image cache.
//! Every collection is bounded.

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::mock::config::MockConfig;
use crate::mock::fault::{Fault, FaultRule, JobFault};
use crate::mock::picture::{Cache, Picture};

/// The most keys the mock keeps a ledger for; a new key beyond them gets 403.
pub(crate) const MAX_ACCOUNTS: usize = 100_000;

/// The most queued jobs kept at once; a submission beyond them gets 503.
pub(crate) const MAX_JOBS: usize = 100_000;

/// The most images the cache holds, whatever their size.
const MAX_CACHED_IMAGES: usize = 4096;

/// Locks a mutex, carrying on after a panic elsewhere (the data stays
/// usable: every update is a single step).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the mock keeps of an API key: a fingerprint, never the key.
///
/// Stable within one build of the crate, so a test can compare
/// [`RecordedRequest::key`] with `key_fingerprint("its key")`.
pub fn key_fingerprint(key: &str) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    "segmind-mock key".hash(&mut hasher);
    key.hash(&mut hasher);
    format!("key-{:016x}", hasher.finish())
}

/// One request the mock received, as the admin route and
/// [`MockServer::requests`](crate::mock::MockServer::requests) list it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// Numbered from 1 in the order requests arrived.
    pub id: u64,
    /// `POST`, `GET`, ...
    pub method: String,
    /// The path (`/v1/ssd-1b`), without the query.
    pub path: String,
    /// The endpoint, for calls to one.
    pub slug: Option<String>,
    /// The API key's fingerprint ([`key_fingerprint`]); the key itself is
    /// never stored.
    pub key: Option<String>,
    /// The request headers in the order sent, without `x-api-key`.
    pub headers: Vec<(String, String)>,
    /// The body, when it was JSON.
    pub body: Option<serde_json::Value>,
    /// The body as text (at most 4 KiB), when it was not empty and not JSON.
    pub body_text: Option<String>,
    /// The status answered; `None` when the connection was reset instead.
    pub status: Option<u16>,
    /// When it arrived, in milliseconds since the server started.
    pub received_ms: u64,
}

impl RecordedRequest {
    /// The value of header `name` (any case), if it was sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(own, _)| own.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// The latest requests, oldest out first.
#[derive(Debug)]
pub(crate) struct Log {
    entries: VecDeque<RecordedRequest>,
    capacity: usize,
    next_id: u64,
}

impl Log {
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn push(&mut self, entry: RecordedRequest) {
        if self.capacity == 0 {
            return;
        }
        if self.entries.len() >= self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub fn entries(&self) -> Vec<RecordedRequest> {
        self.entries.iter().cloned().collect()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// One key's credits and the times of its calls in the last minute.
#[derive(Debug)]
pub(crate) struct Account {
    pub credits: f64,
    calls: VecDeque<Instant>,
}

/// Why a call was turned away before it was served.
pub(crate) enum Refusal {
    /// Over the rate limit; retry after this many seconds.
    RateLimited(u64),
    /// Not enough credits for a call.
    NoCredits(f64),
    /// Too many distinct keys.
    TooManyKeys,
}

/// A queued job.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub owner: String,
    pub slug: &'static str,
    /// The images it makes, for an image endpoint.
    pub pictures: Vec<Picture>,
    /// The video or sound it makes, for a video or audio endpoint.
    pub clip: Option<crate::mock::media::Clip>,
    /// The answer it gives, for a JSON endpoint.
    pub document: Option<serde_json::Value>,
    pub created: Instant,
    pub queued_for: Duration,
    pub processing_for: Duration,
    pub ttl: Duration,
    pub fault: Option<JobFault>,
}

/// Where a job is at a moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Phase {
    Queued,
    /// Seconds processed so far.
    Processing(f64),
    /// Seconds of processing in all.
    Completed(f64),
    Failed(f64),
    Expired,
}

impl Job {
    pub fn phase(&self, now: Instant) -> Phase {
        let elapsed = now.saturating_duration_since(self.created);
        let done_at = self.queued_for + self.processing_for;
        if elapsed < self.queued_for {
            return Phase::Queued;
        }
        if elapsed < done_at {
            return Phase::Processing((elapsed - self.queued_for).as_secs_f64());
        }
        let ttl = match self.fault {
            Some(JobFault::Expire) => Duration::ZERO,
            _ => self.ttl,
        };
        if elapsed >= done_at + ttl {
            return Phase::Expired;
        }
        let seconds = self.processing_for.as_secs_f64();
        match self.fault {
            Some(JobFault::Fail | JobFault::FailWithOk) => Phase::Failed(seconds),
            _ => Phase::Completed(seconds),
        }
    }
}

/// Everything shared by the handlers of one server.
pub(crate) struct Shared {
    pub config: MockConfig,
    /// `http://127.0.0.1:PORT`, for the URLs the queued API hands out.
    pub origin: String,
    pub started: Instant,
    pub faults: Mutex<VecDeque<FaultRule>>,
    pub log: Mutex<Log>,
    pub accounts: Mutex<HashMap<String, Account>>,
    pub jobs: Mutex<HashMap<String, Job>>,
    pub cache: Mutex<Cache>,
}

impl Shared {
    pub fn new(config: MockConfig, origin: String) -> Self {
        let faults = config.faults.iter().cloned().collect();
        let log = Log {
            entries: VecDeque::new(),
            capacity: config.log_capacity,
            next_id: 0,
        };
        let cache = Cache::new(config.cache_bytes, MAX_CACHED_IMAGES);
        Self {
            origin,
            started: Instant::now(),
            faults: Mutex::new(faults),
            log: Mutex::new(log),
            accounts: Mutex::new(HashMap::new()),
            jobs: Mutex::new(HashMap::new()),
            cache: Mutex::new(cache),
            config,
        }
    }

    /// Takes one use of the first scripted rule that applies to `slug`.
    pub fn scripted_fault(&self, slug: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let index = faults.iter().position(|rule| rule.matches(slug))?;
        let rule = faults.get_mut(index)?;
        rule.times -= 1;
        let fault = rule.fault.clone();
        if rule.times == 0 {
            faults.remove(index);
        }
        Some(fault)
    }

    /// Counts a call against the key's rate limit.
    pub fn admit(&self, key: &str, now: Instant) -> Result<(), Refusal> {
        let mut accounts = lock(&self.accounts);
        let account = self.account(&mut accounts, key)?;
        let Some(limit) = self.config.rate_limit else {
            return Ok(());
        };
        let minute = Duration::from_secs(60);
        // Each turn removes one entry, so this ends.
        while account
            .calls
            .front()
            .is_some_and(|&at| now.saturating_duration_since(at) >= minute)
        {
            account.calls.pop_front();
        }
        if account.calls.len() >= limit as usize {
            let wait = account.calls.front().map_or(minute, |&oldest| {
                minute.saturating_sub(now.saturating_duration_since(oldest))
            });
            // Whole seconds, rounded up, at least one.
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Err(Refusal::RateLimited(seconds.max(1)));
        }
        account.calls.push_back(now);
        Ok(())
    }

    /// Takes the cost of a call from the key's credits; the balance left.
    pub fn charge(&self, key: &str) -> Result<f64, Refusal> {
        let mut accounts = lock(&self.accounts);
        let cost = self.config.cost;
        let account = self.account(&mut accounts, key)?;
        if account.credits < cost || account.credits <= 0.0 {
            return Err(Refusal::NoCredits(account.credits));
        }
        account.credits -= cost;
        Ok(account.credits)
    }

    /// The key's balance, opening its ledger if it is new.
    pub fn balance(&self, key: &str) -> Result<f64, Refusal> {
        let mut accounts = lock(&self.accounts);
        Ok(self.account(&mut accounts, key)?.credits)
    }

    fn account<'a>(
        &self,
        accounts: &'a mut HashMap<String, Account>,
        key: &str,
    ) -> Result<&'a mut Account, Refusal> {
        if !accounts.contains_key(key) {
            if accounts.len() >= MAX_ACCOUNTS {
                return Err(Refusal::TooManyKeys);
            }
            let account = Account {
                credits: self.config.credits,
                calls: VecDeque::new(),
            };
            accounts.insert(key.to_owned(), account);
        }
        accounts.get_mut(key).ok_or(Refusal::TooManyKeys)
    }

    /// Milliseconds since the server started.
    pub fn clock_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}
