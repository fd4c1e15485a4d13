//! The queued API (`/v2`): submit a request, poll its status, fetch its
//! result.
//!
//! Submitting is quick and polling is an idempotent `GET`, so a slow model
//! no longer forces a choice between a timeout and a second paid call: a
//! wait that runs out (or a process that exits) leaves the job running, and
//! its [`Job`] handle, or just its request id, collects the result later.
//!
//! The async [`Queue`] and the blocking [`blocking::Queue`] are written once,
//! by `queue_methods!` below; the decisions they share (what an answer
//! means, how long to wait next) are plain functions.

use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::{Answer, Api, Config};
use crate::endpoint::{check_slug, endpoint_name};
use crate::error::Undecodable;
use crate::redact::{redact_body, redact_text};
use crate::response::decode_base64;
use crate::{ApiError, Endpoint, Error, MediaFile, Medium, OutputKind, ResponseMeta};

/// How the poll interval grows after each poll that finds the job still
/// running: gently, so a short job is seen soon and a long one is not
/// polled every second for ten minutes.
const BACKOFF_FACTOR: f64 = 1.5;

/// The longest request id accepted from a server or a caller.
const MAX_REQUEST_ID_LEN: usize = 200;

/// A submitted job: which endpoint, its request id, and where its status
/// and result are.
///
/// It is plain data, and serialisable: save it (or just its request id),
/// and collect the result later, in another process, with
/// [`Queue::wait`]. `O` is what waiting for it ends with: the same output
/// type as the endpoint's synchronous call.
///
/// ```
/// # use segmind::{ImageResponse, Job};
/// let saved = r#"{"request_id":"7c1d0b8e","slug":"ssd-1b",
///   "status_url":"https://api.segmind.com/v2/requests/7c1d0b8e/status",
///   "response_url":"https://api.segmind.com/v2/requests/7c1d0b8e"}"#;
/// let job: Job<ImageResponse> = serde_json::from_str(saved).unwrap();
/// assert_eq!(job.request_id(), "7c1d0b8e");
/// ```
pub struct Job<O> {
    request_id: String,
    slug: String,
    status_url: String,
    response_url: String,
    output: PhantomData<fn() -> O>,
}

impl<O> Job<O> {
    /// The request id the API gave the job.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The endpoint's slug.
    pub fn slug(&self) -> &str {
        &self.slug
    }

    /// Where its status is polled.
    pub fn status_url(&self) -> &str {
        &self.status_url
    }

    /// Where its result is fetched.
    pub fn response_url(&self) -> &str {
        &self.response_url
    }

    /// The same job, waited for as another output type (for a job made
    /// from a slug, say).
    pub fn with_output<P>(self) -> Job<P> {
        Job {
            request_id: self.request_id,
            slug: self.slug,
            status_url: self.status_url,
            response_url: self.response_url,
            output: PhantomData,
        }
    }

    /// The job `request_id` of `slug`, at the URLs the queue's base gives.
    fn at(config: &Config, slug: &str, request_id: &str) -> Result<Self, Error> {
        check_request_id(request_id)
            .map_err(|why| Error::config(format!("invalid request id: {why}")))?;
        endpoint_name(slug)?;
        let base = config.base(Api::Queue)?;
        Ok(Self {
            request_id: request_id.to_owned(),
            slug: slug.to_owned(),
            status_url: format!("{base}/requests/{request_id}/status"),
            response_url: format!("{base}/requests/{request_id}"),
            output: PhantomData,
        })
    }

    /// The endpoint's slug as errors name it.
    fn endpoint(&self) -> Result<&'static str, Error> {
        endpoint_name(&self.slug)
    }
}

impl<O> Clone for Job<O> {
    fn clone(&self) -> Self {
        Self {
            request_id: self.request_id.clone(),
            slug: self.slug.clone(),
            status_url: self.status_url.clone(),
            response_url: self.response_url.clone(),
            output: PhantomData,
        }
    }
}

impl<O> PartialEq for Job<O> {
    fn eq(&self, other: &Self) -> bool {
        (
            &self.request_id,
            &self.slug,
            &self.status_url,
            &self.response_url,
        ) == (
            &other.request_id,
            &other.slug,
            &other.status_url,
            &other.response_url,
        )
    }
}

impl<O> Eq for Job<O> {}

/// Holds nothing secret: the URLs are checked for the key when the job is
/// made from a server's answer.
impl<O> fmt::Debug for Job<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("request_id", &self.request_id)
            .field("slug", &self.slug)
            .field("status_url", &self.status_url)
            .field("response_url", &self.response_url)
            .finish()
    }
}

/// A job as it is saved.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JobRecord<'a> {
    #[serde(borrow)]
    request_id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    slug: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    status_url: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    response_url: std::borrow::Cow<'a, str>,
}

impl<O> Serialize for Job<O> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        JobRecord {
            request_id: self.request_id.as_str().into(),
            slug: self.slug.as_str().into(),
            status_url: self.status_url.as_str().into(),
            response_url: self.response_url.as_str().into(),
        }
        .serialize(serializer)
    }
}

/// Checks what it reads: a saved job is input like any other.
impl<'de, O> Deserialize<'de> for Job<O> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let record = JobRecord::deserialize(deserializer)?;
        check_request_id(&record.request_id).map_err(D::Error::custom)?;
        check_slug(&record.slug).map_err(D::Error::custom)?;
        for url in [&record.status_url, &record.response_url] {
            check_job_url(url).map_err(D::Error::custom)?;
        }
        Ok(Self {
            request_id: record.request_id.into_owned(),
            slug: record.slug.into_owned(),
            status_url: record.status_url.into_owned(),
            response_url: record.response_url.into_owned(),
            output: PhantomData,
        })
    }
}

/// A request id is one URL path segment: the API's are UUIDs.
fn check_request_id(id: &str) -> Result<(), &'static str> {
    if id.is_empty() || id.len() > MAX_REQUEST_ID_LEN {
        return Err("a request id has 1 to 200 characters");
    }
    if !id
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~'))
        || id.starts_with('.')
    {
        return Err("a request id holds only letters, digits, `-`, `_`, `.` and `~`");
    }
    Ok(())
}

/// An absolute http(s) URL.
fn check_job_url(url: &str) -> Result<(), String> {
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(()),
        Ok(_) => Err(format!("`{url}` is not an http(s) URL")),
        Err(error) => Err(format!("`{url}` is not a URL: {error}")),
    }
}

/// Where a queued job is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JobStatus {
    /// Waiting for a worker.
    Queued,
    /// Running.
    Processing,
    /// Done: the result can be fetched.
    Completed,
    /// Ended without a result.
    Failed,
    /// A status this version of the crate does not know, as the server
    /// spelled it (upper case, at most 32 characters; longer or odd text is
    /// `UNKNOWN`). Waiting goes on, as for a running job.
    Other(String),
}

impl JobStatus {
    /// Reads the API's spelling, in any case.
    pub fn parse(text: &str) -> Self {
        match text.trim().to_ascii_uppercase().as_str() {
            "QUEUED" | "IN_QUEUE" => JobStatus::Queued,
            "PROCESSING" | "IN_PROGRESS" | "RUNNING" => JobStatus::Processing,
            "COMPLETED" | "SUCCEEDED" => JobStatus::Completed,
            "FAILED" | "ERROR" => JobStatus::Failed,
            other
                if !other.is_empty()
                    && other.len() <= 32
                    && other.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') =>
            {
                JobStatus::Other(other.to_owned())
            }
            _ => JobStatus::Other("UNKNOWN".to_owned()),
        }
    }

    /// The API's spelling (`QUEUED`).
    pub fn as_str(&self) -> &str {
        match self {
            JobStatus::Queued => "QUEUED",
            JobStatus::Processing => "PROCESSING",
            JobStatus::Completed => "COMPLETED",
            JobStatus::Failed => "FAILED",
            JobStatus::Other(other) => other,
        }
    }

    /// Whether the job is over: completed or failed.
    pub fn is_terminal(&self) -> bool {
        matches!(self, JobStatus::Completed | JobStatus::Failed)
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One report of a job's status, from [`Queue::status`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JobState {
    /// Where the job is.
    pub status: JobStatus,
    /// How long the model has run so far (`metrics.inference_time`), when
    /// the server said.
    pub inference_time: Option<Duration>,
    /// Status and headers of the answer.
    pub meta: ResponseMeta,
    /// For a failed job, the answer that said so.
    failure: Option<Box<ApiError>>,
}

impl JobState {
    /// For a failed job, the server's answer: its message, status (200 or
    /// 422) and body.
    pub fn failure(&self) -> Option<&ApiError> {
        self.failure.as_deref()
    }

    fn into_failure(self, endpoint: &'static str, request_id: &str) -> Error {
        let api = self
            .failure
            .unwrap_or_else(|| Box::new(ApiError::from_message(self.meta, "the job failed")));
        Error::JobFailed {
            endpoint,
            request_id: request_id.to_owned(),
            api,
        }
    }
}

/// What a progress callback is told: each time a wait sees the job's
/// status change, and on the first poll.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct JobUpdate {
    /// The job's request id.
    pub request_id: String,
    /// The status now.
    pub status: JobStatus,
    /// The time since the wait began.
    pub elapsed: Duration,
    /// Polls made so far in this wait.
    pub polls: u32,
    /// How long the model has run, when the server said.
    pub inference_time: Option<Duration>,
}

/// A callback for status changes.
type OnUpdate = Box<dyn FnMut(&JobUpdate) + Send>;

/// How [`Queue::wait_with`] polls: the first interval, its cap, the
/// deadline and an optional progress callback.
///
/// The defaults follow the vendor's own SDK (poll every second, give up
/// after ten minutes), with the interval growing by half after each poll up
/// to 5 s, so a long job is not polled every second throughout.
///
/// ```
/// use std::time::Duration;
/// let options = segmind::WaitOptions::new()
///     .poll_interval(Duration::from_millis(500))
///     .deadline(Duration::from_secs(120))
///     .on_update(|update| eprintln!("{} after {:?}", update.status, update.elapsed));
/// # let _ = options;
/// ```
pub struct WaitOptions {
    poll_interval: Duration,
    max_poll_interval: Duration,
    deadline: Option<Duration>,
    on_update: Option<OnUpdate>,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(1),
            max_poll_interval: Duration::from_secs(5),
            deadline: Some(Duration::from_secs(600)),
            on_update: None,
        }
    }
}

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("poll_interval", &self.poll_interval)
            .field("max_poll_interval", &self.max_poll_interval)
            .field("deadline", &self.deadline)
            .field("on_update", &self.on_update.is_some())
            .finish()
    }
}

impl WaitOptions {
    /// The defaults: 1 s between the first polls, growing to 5 s, and a
    /// deadline of 600 s.
    pub fn new() -> Self {
        Self::default()
    }

    /// The wait before the second poll (the first is made at once).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self.max_poll_interval = self.max_poll_interval.max(interval);
        self
    }

    /// The longest wait between polls.
    pub fn max_poll_interval(mut self, interval: Duration) -> Self {
        self.max_poll_interval = interval;
        self.poll_interval = self.poll_interval.min(interval);
        self
    }

    /// How long to wait in all before giving up with
    /// [`Error::JobDeadline`]; the job itself goes on.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Waits as long as the job takes.
    pub fn no_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }

    /// Calls `on_update` on the first poll and whenever the status changes,
    /// for a progress display.
    pub fn on_update(mut self, on_update: impl FnMut(&JobUpdate) + Send + 'static) -> Self {
        self.on_update = Some(Box::new(on_update));
        self
    }
}

/// The state of one wait: polls made, the next interval, the last status.
struct Waiter {
    started: Instant,
    interval: Duration,
    max_interval: Duration,
    deadline: Option<Duration>,
    polls: u32,
    last: Option<JobStatus>,
    /// Whether the job has been seen to exist, so that a later 404 means
    /// its result expired rather than a wrong id.
    seen: bool,
}

impl Waiter {
    fn new(options: &WaitOptions) -> Self {
        Self {
            started: Instant::now(),
            interval: options.poll_interval,
            max_interval: options.max_poll_interval,
            deadline: options.deadline,
            polls: 0,
            last: None,
            seen: false,
        }
    }

    /// Records a poll's answer; the update to report when the status is new.
    fn observe(&mut self, request_id: &str, state: &JobState) -> Option<JobUpdate> {
        self.polls += 1;
        self.seen = true;
        if self.last.as_ref() == Some(&state.status) {
            return None;
        }
        self.last = Some(state.status.clone());
        Some(JobUpdate {
            request_id: request_id.to_owned(),
            status: state.status.clone(),
            elapsed: self.started.elapsed(),
            polls: self.polls,
            inference_time: state.inference_time,
        })
    }

    /// How long to sleep before the next poll, or the deadline error when
    /// the wait is over. The last sleep is cut to end at the deadline, so
    /// one poll is made there.
    fn pause(&mut self, endpoint: &'static str, request_id: &str) -> Result<Duration, Error> {
        let elapsed = self.started.elapsed();
        let sleep = match self.deadline {
            Some(deadline) if elapsed >= deadline => {
                return Err(Error::JobDeadline {
                    endpoint,
                    request_id: request_id.to_owned(),
                    waited: elapsed,
                    last_status: self.last.clone().unwrap_or(JobStatus::Queued),
                })
            }
            Some(deadline) => self.interval.min(deadline - elapsed),
            None => self.interval,
        };
        self.interval = self.interval.mul_f64(BACKOFF_FACTOR).min(self.max_interval);
        Ok(sleep)
    }

    /// A poll's or fetch's error, as the wait reports it: a 404 or 410 for
    /// a job seen alive, or one the server says expired, is
    /// [`Error::JobExpired`].
    fn explain(&self, error: Error, endpoint: &'static str, request_id: &str) -> Error {
        expired(error, self.seen, endpoint, request_id)
    }
}

/// `error` as [`Error::JobExpired`] when it says the job's result is gone.
fn expired(error: Error, seen: bool, endpoint: &'static str, request_id: &str) -> Error {
    let gone = |api: &ApiError| {
        matches!(api.status().as_u16(), 404 | 410)
            && (seen || api.status().as_u16() == 410 || api.message.contains("expire"))
    };
    match error {
        Error::NotFound(api) | Error::OtherStatus(api) if gone(&api) => Error::JobExpired {
            endpoint,
            request_id: request_id.to_owned(),
            api,
        },
        other => other,
    }
}

/// The JSON object of a body, when it is one.
fn json_object(body: &[u8]) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// The `status` a JSON body names.
fn named_status(body: Option<&serde_json::Map<String, Value>>) -> Option<JobStatus> {
    body?.get("status")?.as_str().map(JobStatus::parse)
}

/// `metrics.inference_time`, in seconds.
fn inference_time(body: Option<&serde_json::Map<String, Value>>) -> Option<Duration> {
    let seconds = body?.get("metrics")?.get("inference_time")?.as_f64()?;
    Duration::try_from_secs_f64(seconds).ok()
}

/// A string field of a submission's answer, required.
fn required_text<'a>(
    body: &'a serde_json::Map<String, Value>,
    field: &str,
) -> Result<&'a str, String> {
    match body.get(field) {
        Some(Value::String(text)) if !text.trim().is_empty() => Ok(text.trim()),
        Some(_) => Err(format!("`{field}` is not a non-empty string")),
        None => Err(format!("it has no `{field}`")),
    }
}

/// What a submission's 2xx answer means: the job, or an error. The URLs
/// the server gave are used when they are on the queue's own origin and do
/// not hold the key; otherwise they are built from the request id, so the
/// key never follows a URL elsewhere.
fn read_submission<O>(
    config: &Config,
    endpoint: &'static str,
    slug: &str,
    answer: Answer,
) -> Result<Job<O>, Error> {
    if !answer.status.is_success() {
        return Err(Error::from_api(config.api_error(endpoint, answer)));
    }
    let body = redact_body(answer.body.bytes, config.api_key(), answer.body.truncated);
    let invalid = |why: String| {
        Error::decode(
            endpoint,
            format!("the queue accepted the request but its answer is unusable: {why}"),
        )
        .redacted(config.api_key())
    };
    let object = json_object(&body).ok_or_else(|| invalid("it is not a JSON object".to_owned()))?;
    let request_id = required_text(&object, "request_id").map_err(invalid)?;
    check_request_id(request_id).map_err(|why| invalid(why.to_owned()))?;
    if redact_text(request_id.to_owned(), config.api_key()) != request_id {
        return Err(invalid("the request id holds the API key".to_owned()));
    }
    let status_url = required_text(&object, "status_url").map_err(invalid)?;
    let response_url = required_text(&object, "response_url").map_err(invalid)?;
    let mut job = Job::at(config, slug, request_id)?;
    let usable = |url: &str| {
        config.is_api_origin(url)
            && check_job_url(url).is_ok()
            && redact_text(url.to_owned(), config.api_key()) == url
    };
    if usable(status_url) && usable(response_url) {
        job.status_url = status_url.to_owned();
        job.response_url = response_url.to_owned();
    } else {
        tracing::debug!(
            endpoint,
            request_id,
            "the queue's URLs are not on its own origin; using ones built from the request id"
        );
    }
    tracing::info!(endpoint, request_id, "job submitted");
    Ok(job)
}

/// What a status answer means. A body naming a terminal status is that
/// status, whatever the HTTP status (the API serves a failed job with 422);
/// any other error status is an ordinary error.
fn read_status(config: &Config, endpoint: &'static str, answer: Answer) -> Result<JobState, Error> {
    let object = json_object(&answer.body.bytes);
    let status = named_status(object.as_ref());
    let terminal = status.as_ref().is_some_and(JobStatus::is_terminal);
    if !answer.status.is_success() && !terminal {
        return Err(Error::from_api(config.api_error(endpoint, answer)));
    }
    let Some(status) = status else {
        let api = config.api_error(endpoint, answer);
        return Err(Error::decode(
            endpoint,
            format!("the job's status answer names no `status`: {}", api.message),
        ));
    };
    let inference_time = inference_time(object.as_ref());
    let (meta, failure) = if status == JobStatus::Failed {
        let api = config.api_error(endpoint, answer);
        (api.meta.clone(), Some(Box::new(api)))
    } else {
        (config.meta(endpoint, answer), None)
    };
    Ok(JobState {
        status,
        inference_time,
        meta,
        failure,
    })
}

/// Where a completed job's files are, or the JSON it produced.
pub(crate) enum Outcome {
    /// The result says the job is not done yet: poll again.
    NotReady,
    /// Files (images, video, audio), inline or still to fetch from a URL.
    Files(ResponseMeta, Medium, Vec<FileSource>),
    /// A JSON or text endpoint's output.
    Json(ResponseMeta, Value),
}

/// One file of a result.
pub(crate) enum FileSource {
    /// Sent inline, as base64 or a data URL.
    Inline(MediaFile),
    /// To be fetched from this URL.
    Url(String),
}

/// What a result answer means.
fn read_result<O: OutputKind>(
    config: &Config,
    endpoint: &'static str,
    request_id: &str,
    answer: Answer,
) -> Result<Outcome, Error> {
    let object = json_object(&answer.body.bytes);
    let status = named_status(object.as_ref());
    if status == Some(JobStatus::Failed) {
        return Err(Error::JobFailed {
            endpoint,
            request_id: request_id.to_owned(),
            api: Box::new(config.api_error(endpoint, answer)),
        });
    }
    if !answer.status.is_success() {
        return Err(Error::from_api(config.api_error(endpoint, answer)));
    }
    if answer.body.truncated {
        return Err(config.too_large(endpoint, &answer.headers));
    }
    if status.as_ref().is_some_and(|status| !status.is_terminal()) {
        return Ok(Outcome::NotReady);
    }
    let unusable = |why: Undecodable| {
        Error::decode(endpoint, why.after("the job's result is unusable: "))
            .redacted(config.api_key())
    };
    let mut object = object.ok_or_else(|| unusable("it is not a JSON object".into()))?;
    let output = match object.remove("output") {
        Some(Value::Null) | None => return Err(unusable("it has no `output`".into())),
        Some(output) => output,
    };
    let meta = config.meta(endpoint, answer);
    match O::RETURNS.medium() {
        None => {
            // Kept for the caller: redacted like a synchronous JSON answer.
            let text = redact_text(output.to_string(), config.api_key());
            let output = serde_json::from_str(&text).unwrap_or(Value::String(text));
            Ok(Outcome::Json(meta, output))
        }
        Some(medium) => Ok(Outcome::Files(
            meta,
            medium,
            file_sources(&output, medium).map_err(unusable)?,
        )),
    }
}

/// The files a job's `output` names: a URL, base64 or a data URL, or an
/// array of them (or of `{"url": ...}` objects, or objects naming the
/// medium: `{"video": ...}`).
fn file_sources(output: &Value, medium: Medium) -> Result<Vec<FileSource>, Undecodable> {
    let one = |item: &Value, field: &str| -> Result<FileSource, Undecodable> {
        let text = match item {
            Value::String(text) => text.as_str(),
            Value::Object(map) => match map.get("url").or_else(|| map.get(medium.as_str())) {
                Some(Value::String(text)) => text.as_str(),
                _ => return Err(format!("`{field}` has no `url`").into()),
            },
            _ => return Err(format!("`{field}` is not a URL or base64 string").into()),
        };
        let text = text.trim();
        if text.starts_with("https://") || text.starts_with("http://") {
            check_job_url(text)?;
            Ok(FileSource::Url(text.to_owned()))
        } else {
            decode_base64(text, field, medium).map(FileSource::Inline)
        }
    };
    match output {
        Value::Array(items) if items.is_empty() => Err("`output` is an empty array".into()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| one(item, &format!("output[{index}]")))
            .collect(),
        single => Ok(vec![one(single, "output")?]),
    }
}

/// A finished job's output, as an output type is built from it.
#[doc(hidden)]
#[derive(Debug)]
pub enum JobOutput {
    /// An image, video or audio endpoint's files, fetched.
    Files(Vec<MediaFile>),
    /// A JSON or text endpoint's output.
    Json(Value),
}

/// Writes the queue's methods for one client type: the async one with
/// `.await` after each call and `tokio::time::sleep`, the blocking one with
/// neither. Everything the two share that is not I/O is in the functions
/// above.
macro_rules! queue_methods {
    (
        $(#[doc = $doc:expr])*
        $queue:ident for $client:ty,
        async: [$($async:tt)*],
        await: [$($await:tt)*],
        sleep: $sleep:expr,
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone)]
        pub struct $queue {
            client: $client,
        }

        impl $queue {
            pub(crate) fn new(client: $client) -> Self {
                Self { client }
            }

            /// Submits a request to a generated endpoint's queue
            /// (`POST {base}/v2/<slug>`), after validating it, and returns
            /// its job. Retried only where it cannot have been accepted, as
            /// the client's retry policy says for any paid call.
            pub $($async)* fn submit<E>(&self, request: &E) -> Result<Job<E::Output>, Error>
            where
                E: Endpoint,
                E::Output: OutputKind,
            {
                self.submit_with(request, crate::RequestOptions::default()) $($await)*
            }

            /// [`submit`](Self::submit) with per-call overrides.
            pub $($async)* fn submit_with<E>(
                &self,
                request: &E,
                options: crate::RequestOptions,
            ) -> Result<Job<E::Output>, Error>
            where
                E: Endpoint,
                E::Output: OutputKind,
            {
                let config = self.client.config();
                let prepared = config.prepare(Api::Queue, request, &options)?;
                self.client
                    .execute(&prepared, |answer| read_submission(config, E::SLUG, E::SLUG, answer))
                    $($await)*
            }

            /// Submits `body` to the queue of the endpoint `slug`, for
            /// models without a request type; see
            /// [`Client::call`](crate::Client::call). `O` is what the job
            /// ends with.
            pub $($async)* fn call<O: OutputKind>(
                &self,
                slug: &str,
                body: &impl Serialize,
            ) -> Result<Job<O>, Error> {
                self.call_with(slug, body, crate::RequestOptions::default()) $($await)*
            }

            /// [`call`](Self::call) with per-call overrides.
            pub $($async)* fn call_with<O: OutputKind>(
                &self,
                slug: &str,
                body: &impl Serialize,
                options: crate::RequestOptions,
            ) -> Result<Job<O>, Error> {
                let config = self.client.config();
                let prepared = config.prepare_slug(Api::Queue, slug, body, &options)?;
                self.client
                    .execute(&prepared, |answer| read_submission(config, prepared.endpoint, slug, answer))
                    $($await)*
            }

            /// Submits a request and waits for its result with the default
            /// [`WaitOptions`]: the queued counterpart of the synchronous
            /// call, with the same output.
            pub $($async)* fn run<E>(&self, request: &E) -> Result<E::Output, Error>
            where
                E: Endpoint,
                E::Output: OutputKind,
            {
                let job = self.submit(request) $($await)* ?;
                self.wait(&job) $($await)*
            }

            /// The job `request_id` of the endpoint `slug`, to resume a
            /// wait in another process from the request id alone. Its URLs
            /// are the queue's own (`{base}/v2/requests/<id>`).
            pub fn job<O>(&self, slug: &str, request_id: &str) -> Result<Job<O>, Error> {
                Job::at(self.client.config(), slug, request_id)
            }

            /// [`job`](Self::job) for a generated endpoint's request type.
            pub fn job_for<E: Endpoint>(&self, request_id: &str) -> Result<Job<E::Output>, Error> {
                Job::at(self.client.config(), E::SLUG, request_id)
            }

            /// Polls the job's status once. A failed job is reported as
            /// such ([`JobStatus::Failed`], with
            /// [`JobState::failure`]), not as an error; a 401, a 404 or a
            /// 500 is an error.
            pub $($async)* fn status<O>(&self, job: &Job<O>) -> Result<JobState, Error> {
                let endpoint = job.endpoint()?;
                self.poll(job, endpoint) $($await)*
                    .map_err(|error| expired(error, false, endpoint, &job.request_id))
            }

            /// Waits for the job with the default [`WaitOptions`] and
            /// returns its result: the same output type as the endpoint's
            /// synchronous call (images fetched from the result's URLs,
            /// or the JSON).
            pub $($async)* fn wait<O: OutputKind>(&self, job: &Job<O>) -> Result<O, Error> {
                self.wait_with(job, WaitOptions::default()) $($await)*
            }

            /// Waits for the job as `options` say. Ends with the output,
            /// [`Error::JobFailed`], [`Error::JobDeadline`] (the job goes
            /// on: wait again to collect it), [`Error::JobExpired`], or an
            /// error of a poll that retries could not get past.
            pub $($async)* fn wait_with<O: OutputKind>(
                &self,
                job: &Job<O>,
                mut options: WaitOptions,
            ) -> Result<O, Error> {
                let endpoint = job.endpoint()?;
                let request_id = job.request_id.as_str();
                let mut waiter = Waiter::new(&options);
                loop {
                    let state = self.poll(job, endpoint) $($await)*
                        .map_err(|error| waiter.explain(error, endpoint, request_id))?;
                    if let Some(update) = waiter.observe(request_id, &state) {
                        tracing::debug!(endpoint, request_id, status = %update.status, "job status");
                        if let Some(on_update) = options.on_update.as_mut() {
                            on_update(&update);
                        }
                    }
                    match state.status {
                        JobStatus::Completed => {
                            let fetched = self.fetch(job, endpoint) $($await)*
                                .map_err(|error| waiter.explain(error, endpoint, request_id))?;
                            if let Some(output) = fetched {
                                return Ok(output);
                            }
                        }
                        JobStatus::Failed => return Err(state.into_failure(endpoint, request_id)),
                        _ => {}
                    }
                    let pause = waiter.pause(endpoint, request_id)?;
                    ($sleep)(pause) $($await)*;
                }
            }

            $($async)* fn poll<O>(&self, job: &Job<O>, endpoint: &'static str) -> Result<JobState, Error> {
                let config = self.client.config();
                let prepared = config.prepare_get(endpoint, job.status_url.clone());
                self.client
                    .execute(&prepared, |answer| read_status(config, endpoint, answer))
                    $($await)*
            }

            /// The result, or `None` when the server says it is not ready.
            $($async)* fn fetch<O: OutputKind>(
                &self,
                job: &Job<O>,
                endpoint: &'static str,
            ) -> Result<Option<O>, Error> {
                let config = self.client.config();
                let prepared = config.prepare_get(endpoint, job.response_url.clone());
                let outcome = self
                    .client
                    .execute(&prepared, |answer| {
                        read_result::<O>(config, endpoint, &job.request_id, answer)
                    })
                    $($await)* ?;
                let (meta, output) = match outcome {
                    Outcome::NotReady => return Ok(None),
                    Outcome::Json(meta, value) => (meta, JobOutput::Json(value)),
                    Outcome::Files(meta, medium, sources) => {
                        let mut files = Vec::with_capacity(sources.len());
                        for source in sources {
                            match source {
                                FileSource::Inline(file) => files.push(file),
                                FileSource::Url(url) => {
                                    let prepared = config.prepare_get(endpoint, url);
                                    let fetched: Vec<MediaFile> = self
                                        .client
                                        .execute(&prepared, |answer| {
                                            config.finish_files(endpoint, answer, medium)
                                        })
                                        $($await)* ?;
                                    files.extend(fetched);
                                }
                            }
                        }
                        (meta, JobOutput::Files(files))
                    }
                };
                O::from_job_output(meta, output).map(Some)
            }
        }
    };
}

queue_methods! {
    /// The queued API of a [`Client`](crate::Client), from
    /// [`Client::queue`](crate::Client::queue): submit, poll, wait. The
    /// endpoint methods (`queue.ssd_1b(..)` below) are on `segmind::Queue`,
    /// which dereferences to this type.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), segmind::Error> {
    /// let client = segmind::Client::from_env()?;
    /// let queue = client.queue();
    /// let job = queue.ssd_1b(&segmind::Ssd1bRequest::new("a lighthouse at dawn")).await?;
    /// println!("submitted {}", job.request_id());
    /// let image = queue.wait(&job).await?;
    /// image.save("lighthouse.jpg")?;
    /// # Ok(()) }
    /// ```
    Queue for crate::Client,
    async: [async],
    await: [.await],
    sleep: tokio::time::sleep,
}

/// The blocking queue.
#[cfg(feature = "blocking")]
pub mod blocking {
    use super::*;

    queue_methods! {
        /// The queued API of a
        /// [`blocking::Client`](crate::blocking::Client), from
        /// [`blocking::Client::queue`](crate::blocking::Client::queue):
        /// submit, poll, wait; each call blocks.
        Queue for crate::blocking::Client,
        async: [],
        await: [],
        sleep: std::thread::sleep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_in_any_case_and_odd_text_is_not_kept() {
        assert_eq!(JobStatus::parse("queued"), JobStatus::Queued);
        assert_eq!(JobStatus::parse(" COMPLETED "), JobStatus::Completed);
        assert_eq!(
            JobStatus::parse("CANCELLED"),
            JobStatus::Other("CANCELLED".into())
        );
        assert_eq!(
            JobStatus::parse("sk-secret-key"),
            JobStatus::Other("UNKNOWN".into())
        );
        assert!(JobStatus::Failed.is_terminal());
        assert!(!JobStatus::Processing.is_terminal());
    }

    #[test]
    fn the_interval_grows_gently_to_its_cap_and_the_deadline_ends_the_wait() {
        let options = WaitOptions::new()
            .poll_interval(Duration::from_millis(100))
            .max_poll_interval(Duration::from_millis(300))
            .no_deadline();
        let mut waiter = Waiter::new(&options);
        let pauses: Vec<u128> = (0..5)
            .map(|_| waiter.pause("t", "id").unwrap().as_millis())
            .collect();
        assert_eq!(pauses, [100, 150, 225, 300, 300]);

        let mut waiter = Waiter::new(&WaitOptions::new().deadline(Duration::ZERO));
        let error = waiter.pause("t", "id-1").unwrap_err();
        assert!(matches!(error, Error::JobDeadline { .. }), "{error}");
        assert_eq!(error.request_id(), Some("id-1"));
    }

    #[test]
    fn request_ids_are_one_path_segment() {
        assert!(check_request_id("0b6c1e2a-55f4-4c2e-9d7e-3f1a2b3c4d5e").is_ok());
        for bad in ["", "a/b", "..", ".x", "a?b", "a b", &"x".repeat(201)] {
            assert!(check_request_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn outputs_name_urls_or_carry_base64() {
        let image = Medium::Image;
        let sources = file_sources(
            &serde_json::json!([
                "https://cdn.example/a.png",
                {"url": "https://cdn.example/b.png"},
                "iVBORw0KGgo="
            ]),
            image,
        )
        .unwrap();
        assert!(matches!(&sources[0], FileSource::Url(url) if url.ends_with("a.png")));
        assert!(matches!(&sources[1], FileSource::Url(url) if url.ends_with("b.png")));
        assert!(
            matches!(&sources[2], FileSource::Inline(file) if file.content_type() == "image/png")
        );
        assert!(file_sources(&serde_json::json!([]), image).is_err());
        assert!(file_sources(&serde_json::json!(7), image).is_err());
        assert!(file_sources(&serde_json::json!("http://"), image).is_err());
        // A video job may name its file under `video`.
        let video = file_sources(
            &serde_json::json!({"video": "https://cdn.example/v.mp4"}),
            Medium::Video,
        )
        .unwrap();
        assert!(matches!(&video[0], FileSource::Url(url) if url.ends_with("v.mp4")));
    }

    #[test]
    fn saved_jobs_are_checked_when_read() {
        let read = |text: &str| serde_json::from_str::<Job<crate::ImageResponse>>(text);
        let good = r#"{"request_id":"r-1","slug":"ssd-1b","status_url":"https://h/v2/requests/r-1/status","response_url":"https://h/v2/requests/r-1"}"#;
        let job = read(good).unwrap();
        assert_eq!(serde_json::to_string(&job).unwrap(), good);
        for bad in [
            good.replace("r-1\",\"slug", "r/1\",\"slug"),
            good.replace("ssd-1b", "../x"),
            good.replace("https://h/v2/requests/r-1/status", "file:///etc/passwd"),
            good.replace('}', ",\"extra\":1}"),
        ] {
            assert!(read(&bad).is_err(), "{bad}");
        }
    }
}
