//! When to try a request again, and how long to wait first.

use std::time::{Duration, SystemTime};

use crate::Error;

/// How failed calls are retried.
///
/// Every call costs money, so by default only what cannot have started paid
/// work is tried again, up to a bounded number of attempts: a request that
/// never left ([`Error::Connect`]: refused, DNS, TLS, a connection closed
/// before the request was written) and one the server refused (429, 503).
/// Everything else is returned at once, including timeouts, connections
/// broken after sending and 500, 502 and 504, after which the server may
/// still be generating, and charging for, the first image.
/// [`retry_may_charge_twice`](Self::retry_may_charge_twice) retries those
/// too, for callers who accept that risk.
///
/// Between attempts the client waits the server's `Retry-After` when it sent
/// one, otherwise an exponential backoff — `base_delay`, doubled each retry,
/// capped at `max_delay` — with full jitter (a random wait between zero and
/// that bound). A `Retry-After` longer than `max_delay` is not cut short,
/// which would only be refused again: the error is returned at once, with
/// the wait in [`Error::retry_after`].
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
    may_charge_twice: bool,
}

impl Default for RetryPolicy {
    /// Three attempts in all, backoff from 500 ms up to 30 s, with jitter;
    /// only requests that cannot have been charged are retried.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            jitter: true,
            may_charge_twice: false,
        }
    }
}

/// Why a failed attempt is not tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GiveUp {
    /// The error is not one the policy retries.
    NotRetried,
    /// The attempts are used up.
    OutOfAttempts,
    /// The server asked for a longer wait than the policy allows.
    WaitTooLong(Duration),
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

    /// The longest wait between attempts, for backoff and `Retry-After` alike
    /// (a longer `Retry-After` ends the call with its error).
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

    /// Also retries requests that reached the server: timeouts, connections
    /// broken after sending, 500, 502 and 504 (everything
    /// [`Error::is_retryable`]). **This may charge twice**: the server may
    /// still be working on the first request, and bills both. Off by default;
    /// for long generations prefer a longer timeout.
    pub fn retry_may_charge_twice(mut self, accept: bool) -> Self {
        self.may_charge_twice = accept;
        self
    }

    /// How long to wait after attempt number `attempt` (counting from 1)
    /// failed with `error`, or why it must not be retried.
    pub(crate) fn delay_after(&self, attempt: u32, error: &Error) -> Result<Duration, GiveUp> {
        let retried = error.is_safe_to_retry() || (self.may_charge_twice && error.is_retryable());
        if !retried {
            return Err(GiveUp::NotRetried);
        }
        if attempt >= self.max_attempts {
            return Err(GiveUp::OutOfAttempts);
        }
        match error.retry_after() {
            Some(wait) if wait > self.max_delay => Err(GiveUp::WaitTooLong(wait)),
            retry_after => Ok(self.delay(attempt, retry_after)),
        }
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
        // Too large for a `Duration` is as good as forever; negative or not
        // a number is ignored.
        return match Duration::try_from_secs_f64(seconds) {
            Ok(wait) => Some(wait),
            Err(_) if seconds.is_finite() && seconds > 0.0 => Some(Duration::MAX),
            Err(_) => None,
        };
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
    fn retry_after_wins_over_backoff() {
        let policy = policy().jitter(true);
        let wait = Some(Duration::from_millis(300));
        assert_eq!(policy.delay(1, wait), Duration::from_millis(300));
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
        assert_eq!(parse_retry_after("1e23", now), Some(Duration::MAX));
        assert_eq!(
            parse_retry_after("99999999999999999999", now),
            Some(Duration::MAX)
        );
        assert_eq!(parse_retry_after("NaN", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }

    fn status_error(code: u16, retry_after: Option<&str>) -> Error {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(wait) = retry_after {
            headers.insert(reqwest::header::RETRY_AFTER, wait.parse().unwrap());
        }
        let status = reqwest::StatusCode::from_u16(code).unwrap();
        let meta = crate::ResponseMeta::new("t", status, headers);
        let body = crate::error::LimitedBody {
            bytes: bytes::Bytes::new(),
            truncated: false,
        };
        Error::from_api(crate::ApiError::new(meta, body, &crate::ApiKey::new("k")))
    }

    #[test]
    fn by_default_only_refusals_are_retried() {
        let policy = policy();
        for code in [429, 503] {
            assert!(policy.delay_after(1, &status_error(code, None)).is_ok());
        }
        for code in [400, 401, 403, 404, 406, 410, 418, 500, 502, 504] {
            let decision = policy.delay_after(1, &status_error(code, None));
            assert_eq!(decision, Err(GiveUp::NotRetried), "{code}");
        }
    }

    #[test]
    fn delivered_failures_are_retried_only_when_paying_twice_is_accepted() {
        let policy = policy().retry_may_charge_twice(true);
        for code in [429, 500, 502, 503, 504] {
            assert!(
                policy.delay_after(1, &status_error(code, None)).is_ok(),
                "{code}"
            );
        }
        for code in [400, 401, 403, 404, 406] {
            let decision = policy.delay_after(1, &status_error(code, None));
            assert_eq!(decision, Err(GiveUp::NotRetried), "{code}");
        }
    }

    #[test]
    fn attempts_run_out_and_long_waits_are_not_cut_short() {
        let policy = policy().max_attempts(3);
        let busy = status_error(503, None);
        assert!(policy.delay_after(2, &busy).is_ok());
        assert_eq!(policy.delay_after(3, &busy), Err(GiveUp::OutOfAttempts));
        let asked = status_error(429, Some("1"));
        assert_eq!(policy.delay_after(1, &asked), Ok(Duration::from_secs(1)));
        let too_long = status_error(429, Some("99999"));
        assert_eq!(
            policy.delay_after(1, &too_long),
            Err(GiveUp::WaitTooLong(Duration::from_secs(99999)))
        );
    }

    #[test]
    fn zero_attempts_means_one() {
        assert_eq!(RetryPolicy::default().max_attempts(0), RetryPolicy::none());
    }
}
