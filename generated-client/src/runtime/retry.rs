//! When to try a request again, and how long to wait first.

use std::time::{Duration, SystemTime};

use crate::runtime::Error;

/// How failed calls are retried: 429, 500, 502, 503, 504, timeouts and
/// connection failures are tried again up to a bounded number of attempts;
/// every other error is returned at once.
///
/// Between attempts the client waits the server's `Retry-After` when it sent
/// one (capped at [`max_delay`](Self::max_delay)), otherwise an exponential
/// backoff — `base_delay`, doubled each retry, capped at `max_delay` — with
/// full jitter (a random wait between zero and that bound).
///
/// ```
/// use std::time::Duration;
/// let policy = segmind::RetryPolicy::default()
///     .max_attempts(5)
///     .base_delay(Duration::from_millis(250));
/// # let _ = policy;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    /// Three attempts in all, backoff from 500 ms up to 30 s, with jitter.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// One attempt, never retried.
    pub fn none() -> Self {
        Self::default().max_attempts(1)
    }

    /// Attempts in all, the first included; `0` counts as `1`.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the first retry; it doubles for each later one.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest wait between attempts, for backoff and `Retry-After` alike.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Whether backoff waits are randomised (full jitter, the default), which
    /// keeps many clients from retrying in lockstep.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// How long to wait after attempt number `attempt` (counting from 1)
    /// failed with `error`, or `None` when it must not be retried.
    pub(crate) fn delay_after(&self, attempt: u32, error: &Error) -> Option<Duration> {
        if attempt >= self.max_attempts || !error.is_retryable() {
            return None;
        }
        Some(self.delay(attempt, error.retry_after()))
    }

    /// The wait after `failures` failed attempts: the server's `Retry-After`
    /// when given, otherwise the (jittered) exponential backoff.
    fn delay(&self, failures: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(wait) => wait.min(self.max_delay),
            None if self.jitter => self.backoff_ceiling(failures).mul_f64(fastrand::f64()),
            None => self.backoff_ceiling(failures),
        }
    }

    /// `base_delay * 2^(failures - 1)`, capped at `max_delay`.
    fn backoff_ceiling(&self, failures: u32) -> Duration {
        let exponent = failures.saturating_sub(1).min(31);
        self.base_delay
            .saturating_mul(1_u32 << exponent)
            .min(self.max_delay)
    }
}

/// Reads a `Retry-After` value: delta seconds, or an HTTP date (a date in
/// the past means "now"). Anything else is ignored.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_secs(1))
            .jitter(false)
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let delays: Vec<_> = (1..=6).map(|n| policy().delay(n, None)).collect();
        let millis: Vec<_> = delays.iter().map(Duration::as_millis).collect();
        assert_eq!(millis, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(policy().delay(u32::MAX, None), Duration::from_secs(1));
        assert_eq!(
            RetryPolicy::default()
                .max_delay(Duration::MAX)
                .jitter(false)
                .delay(u32::MAX, None),
            Duration::from_millis(500).saturating_mul(1 << 31)
        );
    }

    #[test]
    fn jitter_stays_between_zero_and_the_ceiling() {
        let policy = policy().jitter(true);
        for failures in 1..=5 {
            let ceiling = policy.backoff_ceiling(failures);
            for _ in 0..100 {
                assert!(policy.delay(failures, None) <= ceiling);
            }
        }
    }

    #[test]
    fn retry_after_wins_over_backoff_but_is_capped() {
        let policy = policy().jitter(true);
        let wait = Some(Duration::from_millis(300));
        assert_eq!(policy.delay(1, wait), Duration::from_millis(300));
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(90))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }

    #[test]
    fn zero_attempts_means_one() {
        assert_eq!(RetryPolicy::default().max_attempts(0), RetryPolicy::none());
    }
}
