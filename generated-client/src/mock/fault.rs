//! Faults on demand: what a call should suffer instead of (or on top of) a
//! normal answer, and the scripts that schedule them.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// A fault's text could not be read; the message says which part and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub(crate) String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

fn error(message: impl Into<String>) -> ParseError {
    ParseError(message.into())
}

/// How a faulty answer asks the client to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: <seconds>`.
    Seconds(u64),
    /// `Retry-After: <HTTP date>`, this many seconds after the answer.
    Date(u64),
}

/// What happens to the body of an answer, or to the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFault {
    /// The full length is declared but only half the body is sent before
    /// the connection closes.
    Truncated,
    /// The body is sent in ten pieces spread over this long.
    Slow(Duration),
    /// The connection is reset (TCP RST) without an answer.
    Reset,
}

/// What happens to a queued (`/v2`) job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobFault {
    /// The job ends `FAILED` (HTTP 422 on its status and result URLs).
    Fail,
    /// The job ends `FAILED`, served with HTTP 200: the body, not the
    /// status code, says it failed.
    FailWithOk,
    /// The job's result has expired by the time it completes.
    Expire,
}

/// What one call suffers instead of, or on top of, a normal answer.
///
/// One text form is shared by the `x-mock-fault` header, the binary's
/// `--fault` flag and the admin route, so a fault is written the same way
/// everywhere. A fault is a comma-separated list of items:
///
/// | item | effect |
/// |---|---|
/// | `503` or `status=503` | answer with this status (400–599) and `{"error": "..."}` |
/// | `retry-after=5` | with a status: send `Retry-After: 5` |
/// | `retry-after-date=5` | with a status: send `Retry-After` as the HTTP date 5 seconds from now |
/// | `latency=250ms` | wait this long before answering |
/// | `truncate` | declare the whole body's length but send half of it, then close |
/// | `slow-body=2s` | trickle the body out in ten pieces over this long |
/// | `reset` | reset the connection without answering |
/// | `fail-job` | a queued (`/v2`) job fails after it has been processed (HTTP 422) |
/// | `fail-job-200` | the same, served with HTTP 200 |
/// | `expire-job` | a queued job's result has expired by the time it completes |
///
/// Durations take a unit: `ms`, `s`, `m` or `h` (`1.5s`).
///
/// ```
/// use std::time::Duration;
/// use segmind::mock::Fault;
///
/// let fault = Fault::status(503).with_retry_after(2).with_latency(Duration::from_millis(50));
/// assert_eq!(fault.to_string(), "503,retry-after=2,latency=50ms");
/// assert_eq!("503,retry-after=2,latency=50ms".parse::<Fault>(), Ok(fault));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fault {
    status: Option<u16>,
    retry_after: Option<RetryAfter>,
    latency: Option<Duration>,
    body: Option<BodyFault>,
    job: Option<JobFault>,
}

impl Fault {
    /// Answer with this HTTP status (400–599; others are treated as 500)
    /// and a JSON `{"error": "..."}` body.
    pub fn status(status: u16) -> Self {
        let status = if (400..=599).contains(&status) {
            status
        } else {
            500
        };
        Self {
            status: Some(status),
            ..Self::default()
        }
    }

    /// Wait this long, then answer normally.
    pub fn latency(delay: Duration) -> Self {
        Self::default().with_latency(delay)
    }

    /// Declare the whole body's length, send half, then close the connection.
    pub fn truncated_body() -> Self {
        Self::with_body(BodyFault::Truncated)
    }

    /// Send the body in ten pieces spread over `over`.
    pub fn slow_body(over: Duration) -> Self {
        Self::with_body(BodyFault::Slow(over))
    }

    /// Reset the connection without answering.
    pub fn reset_connection() -> Self {
        Self::with_body(BodyFault::Reset)
    }

    /// A queued job that fails once processed.
    pub fn failed_job() -> Self {
        Self {
            job: Some(JobFault::Fail),
            ..Self::default()
        }
    }

    /// A queued job that fails once processed, reported with HTTP 200.
    pub fn failed_job_with_ok() -> Self {
        Self {
            job: Some(JobFault::FailWithOk),
            ..Self::default()
        }
    }

    /// A queued job whose result has expired when it completes.
    pub fn expired_job() -> Self {
        Self {
            job: Some(JobFault::Expire),
            ..Self::default()
        }
    }

    fn with_body(body: BodyFault) -> Self {
        Self {
            body: Some(body),
            ..Self::default()
        }
    }

    /// Adds `Retry-After: <seconds>` to the faulty status.
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(RetryAfter::Seconds(seconds));
        self
    }

    /// Adds `Retry-After` as the HTTP date `seconds` after the answer.
    pub fn with_retry_after_date(mut self, seconds: u64) -> Self {
        self.retry_after = Some(RetryAfter::Date(seconds));
        self
    }

    /// Adds a wait before the answer.
    pub fn with_latency(mut self, delay: Duration) -> Self {
        self.latency = Some(delay);
        self
    }

    /// The status answered instead of the normal one.
    pub fn status_code(&self) -> Option<u16> {
        self.status
    }

    /// The `Retry-After` sent with the status.
    pub fn retry_after(&self) -> Option<RetryAfter> {
        self.retry_after
    }

    /// The wait before answering.
    pub fn added_latency(&self) -> Option<Duration> {
        self.latency
    }

    /// What happens to the body or the connection.
    pub fn body(&self) -> Option<BodyFault> {
        self.body
    }

    /// What happens to a queued job.
    pub fn job(&self) -> Option<JobFault> {
        self.job
    }

    /// Whether the fault does anything.
    pub(crate) fn is_none(&self) -> bool {
        *self == Self::default()
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut items: Vec<String> = Vec::new();
        if let Some(status) = self.status {
            items.push(status.to_string());
        }
        match self.retry_after {
            Some(RetryAfter::Seconds(s)) => items.push(format!("retry-after={s}")),
            Some(RetryAfter::Date(s)) => items.push(format!("retry-after-date={s}")),
            None => {}
        }
        if let Some(delay) = self.latency {
            items.push(format!("latency={}", show_duration(delay)));
        }
        match self.body {
            Some(BodyFault::Truncated) => items.push("truncate".into()),
            Some(BodyFault::Slow(over)) => items.push(format!("slow-body={}", show_duration(over))),
            Some(BodyFault::Reset) => items.push("reset".into()),
            None => {}
        }
        match self.job {
            Some(JobFault::Fail) => items.push("fail-job".into()),
            Some(JobFault::FailWithOk) => items.push("fail-job-200".into()),
            Some(JobFault::Expire) => items.push("expire-job".into()),
            None => {}
        }
        if items.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&items.join(","))
        }
    }
}

impl FromStr for Fault {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        let mut fault = Fault::default();
        for item in text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
        {
            let (name, value) = match item.split_once('=') {
                Some((name, value)) => (name.trim(), Some(value.trim())),
                None => (item, None),
            };
            let needs =
                || value.ok_or_else(|| error(format!("`{name}` needs a value (`{name}=...`)")));
            match name {
                "status" => fault.status = Some(parse_status(needs()?)?),
                "retry-after" => fault.retry_after = Some(RetryAfter::Seconds(seconds(needs()?)?)),
                "retry-after-date" => {
                    fault.retry_after = Some(RetryAfter::Date(seconds(needs()?)?))
                }
                "latency" => fault.latency = Some(parse_duration(needs()?)?),
                "slow-body" => fault.body = Some(BodyFault::Slow(parse_duration(needs()?)?)),
                "truncate" | "reset" | "fail-job" | "fail-job-200" | "expire-job"
                    if value.is_some() =>
                {
                    return Err(error(format!("`{name}` takes no value")));
                }
                "truncate" => fault.body = Some(BodyFault::Truncated),
                "reset" => fault.body = Some(BodyFault::Reset),
                "fail-job" => fault.job = Some(JobFault::Fail),
                "fail-job-200" => fault.job = Some(JobFault::FailWithOk),
                "expire-job" => fault.job = Some(JobFault::Expire),
                "none" => {}
                _ if value.is_none() && name.bytes().all(|b| b.is_ascii_digit()) => {
                    fault.status = Some(parse_status(name)?);
                }
                _ => {
                    return Err(error(format!(
                        "unknown fault `{item}`; expected a status (503), retry-after=SECONDS, \
                         retry-after-date=SECONDS, latency=DURATION, truncate, slow-body=DURATION, \
                         reset, fail-job, fail-job-200 or expire-job"
                    )))
                }
            }
        }
        if fault.retry_after.is_some() && fault.status.is_none() {
            return Err(error(
                "`retry-after` needs a status to go with (`429,retry-after=2`)",
            ));
        }
        if fault.body == Some(BodyFault::Reset) && fault.status.is_some() {
            return Err(error("`reset` sends no answer, so it cannot have a status"));
        }
        Ok(fault)
    }
}

fn parse_status(text: &str) -> Result<u16, ParseError> {
    match text.parse::<u16>() {
        Ok(status) if (400..=599).contains(&status) => Ok(status),
        _ => Err(error(format!(
            "status `{text}` must be a number from 400 to 599"
        ))),
    }
}

fn seconds(text: &str) -> Result<u64, ParseError> {
    text.parse::<u64>()
        .map_err(|_| error(format!("`{text}` is not a whole number of seconds")))
}

/// The longest duration accepted anywhere: a day.
const LONGEST: Duration = Duration::from_secs(24 * 60 * 60);

/// Reads `250ms`, `2s`, `1.5s`, `3m` or `1h` (at most a day).
pub fn parse_duration(text: &str) -> Result<Duration, ParseError> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit.trim() {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "" => {
            return Err(error(format!(
                "duration `{text}` needs a unit: ms, s, m or h (`250ms`, `2s`)"
            )))
        }
        other => {
            return Err(error(format!(
                "unknown unit `{other}` in `{text}`; expected ms, s, m or h"
            )))
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| error(format!("`{text}` is not a duration (`250ms`, `2s`)")))?;
    let seconds = value * scale;
    if !seconds.is_finite() || seconds > LONGEST.as_secs_f64() {
        return Err(error(format!("duration `{text}` is longer than a day")));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// The shortest exact text `parse_duration` reads back.
pub(crate) fn show_duration(duration: Duration) -> String {
    let millis = duration.as_millis();
    if !duration.subsec_nanos().is_multiple_of(1_000_000) {
        format!("{}s", duration.as_secs_f64())
    } else if !millis.is_multiple_of(1000) {
        format!("{millis}ms")
    } else {
        format!("{}s", duration.as_secs())
    }
}

/// A scripted fault: the next `times` calls to `slug` (any endpoint when
/// `None`) suffer `fault`, then calls succeed again.
///
/// Its text form, used by the `--fault` flag, is `SLUG:TIMES:FAULT`, with
/// `*` for any endpoint: `ssd-1b:2:503` makes the next two calls to
/// `ssd-1b` answer 503.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// The endpoint it applies to (`requests` for the queue's status and
    /// result routes); `None` for any call.
    pub slug: Option<String>,
    /// How many more calls it applies to.
    pub times: u32,
    /// What those calls suffer.
    pub fault: Fault,
}

impl FaultRule {
    /// The next `times` calls to `slug` suffer `fault`.
    pub fn new(slug: impl Into<String>, times: u32, fault: Fault) -> Self {
        Self {
            slug: Some(slug.into()),
            times,
            fault,
        }
    }

    /// The next `times` calls to any endpoint suffer `fault`.
    pub fn any(times: u32, fault: Fault) -> Self {
        Self {
            slug: None,
            times,
            fault,
        }
    }

    pub(crate) fn matches(&self, slug: &str) -> bool {
        self.times > 0 && self.slug.as_deref().is_none_or(|own| own == slug)
    }
}

impl fmt::Display for FaultRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let slug = self.slug.as_deref().unwrap_or("*");
        write!(f, "{slug}:{}:{}", self.times, self.fault)
    }
}

impl FromStr for FaultRule {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        let mut parts = text.trim().splitn(3, ':');
        let (Some(slug), Some(times), Some(fault)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(error(format!(
                "fault rule `{text}` must be SLUG:TIMES:FAULT, such as `ssd-1b:2:503` or `*:1:reset`"
            )));
        };
        let times = times
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| {
                error(format!(
                    "`{times}` in `{text}` must be a count of at least 1"
                ))
            })?;
        let slug = match slug.trim() {
            "*" => None,
            "" => {
                return Err(error(format!(
                    "fault rule `{text}` names no endpoint (use `*` for any)"
                )))
            }
            slug => Some(slug.to_owned()),
        };
        let fault: Fault = fault.parse()?;
        if fault.is_none() {
            return Err(error(format!("fault rule `{text}` has no fault")));
        }
        Ok(Self { slug, times, fault })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_text() {
        let faults = [
            Fault::status(429).with_retry_after(3),
            Fault::status(503).with_retry_after_date(60),
            Fault::latency(Duration::from_millis(250)),
            Fault::truncated_body(),
            Fault::slow_body(Duration::from_secs(2)),
            Fault::reset_connection(),
            Fault::failed_job(),
            Fault::failed_job_with_ok(),
            Fault::expired_job().with_latency(Duration::from_secs_f64(1.5)),
        ];
        for fault in faults {
            let text = fault.to_string();
            assert_eq!(text.parse::<Fault>(), Ok(fault), "{text}");
        }
        assert_eq!("status=404".parse(), Ok(Fault::status(404)));
    }

    #[test]
    fn mistakes_are_explained() {
        let message = |text: &str| text.parse::<Fault>().unwrap_err().to_string();
        assert!(message("200").contains("400 to 599"));
        assert!(message("latency=5").contains("needs a unit"));
        assert!(message("latency=2d").contains("unknown unit"));
        assert!(message("latency=1000h").contains("longer than a day"));
        assert!(message("retry-after=2").contains("needs a status"));
        assert!(message("reset,503").contains("cannot have a status"));
        assert!(message("explode").contains("unknown fault"));
        assert!(message("truncate=1").contains("takes no value"));
    }

    #[test]
    fn rules_name_an_endpoint_or_any() {
        let rule: FaultRule = "ssd-1b:2:503,retry-after=1".parse().unwrap();
        assert_eq!(
            rule,
            FaultRule::new("ssd-1b", 2, Fault::status(503).with_retry_after(1))
        );
        assert!(rule.matches("ssd-1b") && !rule.matches("ssd-canny"));
        assert_eq!(rule.to_string(), "ssd-1b:2:503,retry-after=1");
        let any: FaultRule = "*:1:reset".parse().unwrap();
        assert!(any.matches("sd1.5-img2img"));
        assert!("ssd-1b:0:503".parse::<FaultRule>().is_err());
        assert!("ssd-1b:503".parse::<FaultRule>().is_err());
        assert!("ssd-1b:1:none".parse::<FaultRule>().is_err());
    }
}
