//! The routes and the accept loop.
//!
//! Endpoint calls go through one pipeline, in the order the real API
//! appears to check: faults (header, then script), the API key, the slug,
//! the rate limit, the body (through the generated request types and their
//! `validate()`), the credits, and only then the answer.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use bytes::Bytes;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

use crate::mock::config::{MAX_SAMPLES, MAX_SIDE};
use crate::mock::fault::{BodyFault, Fault, FaultRule, JobFault};
use crate::mock::media::Clip;
use crate::mock::picture::{render, Form, ImageFormat, Picture};
use crate::mock::state::{
    key_fingerprint, lock, Job, Phase, RecordedRequest, Refusal, Shared, MAX_JOBS,
};
use crate::runtime::{EndpointInfo, Medium, Returns, REMAINING_CREDITS_HEADER};
use crate::AnyRequest;

/// The largest request body read (base64 input images can be large).
const MAX_BODY: usize = 32 << 20;

/// The most of a non-JSON body the request log keeps.
const LOGGED_TEXT: usize = 4096;

/// Into how many pieces a slow body is cut.
const SLOW_PIECES: usize = 10;

static REMAINING: HeaderName = HeaderName::from_static(REMAINING_CREDITS_HEADER);
static API_KEY: HeaderName = HeaderName::from_static("x-api-key");

/// Lets a handler reset its own connection.
#[derive(Clone)]
struct ResetHandle(Arc<Notify>);

type AppState = State<Arc<Shared>>;

/// Every route the mock serves.
fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/get-user-credits", get(user_credits))
        .route("/v1/{*path}", post(sync_call))
        .route("/v2/requests/{id}/status", get(job_status))
        .route("/v2/requests/{id}", get(job_result))
        .route("/v2/requests/{id}/images/{file}", get(job_image))
        .route("/v2/requests/{id}/files/{file}", get(job_image))
        .route("/v2/{*path}", post(queued_call))
        .route("/mock/requests", get(list_requests).delete(clear_requests))
        .route(
            "/mock/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route("/mock/accounts", get(list_accounts))
        .fallback(not_found)
        .with_state(shared)
}

/// Accepts connections on `listener` until `shutdown` changes or is dropped.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let router = router(shared);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors and the like: wait, then go on.
                tracing::warn!(%error, "segmind-mock: accept failed");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(stream, router.clone(), shutdown.clone()));
    }
}

/// Serves one connection; a handler may ask for it to be reset.
async fn connection(
    stream: tokio::net::TcpStream,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    // A second handle on the socket, so that a reset can set SO_LINGER to
    // zero: the socket then closes with RST once both handles are dropped.
    let twin = socket2::SockRef::from(&stream).try_clone().ok();
    let reset = Arc::new(Notify::new());
    let handle = ResetHandle(Arc::clone(&reset));
    let service =
        hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(handle.clone());
            let mut router = router.clone();
            async move { tower_service::Service::call(&mut router, request).await }
        });
    let connection = hyper::server::conn::http1::Builder::new()
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        _ = reset.notified() => {
            if let Some(twin) = &twin {
                let _ = twin.set_linger(Some(Duration::ZERO));
            }
        }
        _ = shutdown.changed() => {}
    }
}

fn error_response(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// An error answer not yet built: a status and the `error` message.
struct Reject(StatusCode, String);

impl Reject {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self(status, message.into())
    }
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        error_response(self.0, self.1)
    }
}

async fn not_found(request: Request) -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        format!("no route for {} {}", request.method(), request.uri().path()),
    )
}

/// Whether a call is synchronous (`/v1`) or queued (`/v2`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Api {
    Sync,
    Queued,
}

async fn sync_call(
    State(shared): AppState,
    Path(path): Path<String>,
    request: Request,
) -> Response {
    logged(&shared, request, |shared, call| {
        endpoint_call(shared, call, path, Api::Sync)
    })
    .await
}

async fn queued_call(
    State(shared): AppState,
    Path(path): Path<String>,
    request: Request,
) -> Response {
    logged(&shared, request, |shared, call| {
        endpoint_call(shared, call, path, Api::Queued)
    })
    .await
}

async fn user_credits(State(shared): AppState, request: Request) -> Response {
    logged(&shared, request, |shared, call| async move {
        if let Some(response) = apply_fault(&shared, &call, None).await {
            return response;
        }
        let key = match authorise(&shared, &call.headers) {
            Ok(key) => key,
            Err(reject) => return reject.into_response(),
        };
        match shared.balance(&key) {
            Ok(credits) => Json(json!({
                "credits": credits,
                "free-credits": shared.config.free_credits,
            }))
            .into_response(),
            Err(refusal) => refused(refusal),
        }
    })
    .await
}

/// A request taken apart: what the pipeline needs of it.
struct Call {
    headers: HeaderMap,
    body: Bytes,
    reset: Option<ResetHandle>,
}

/// Runs `handle` on the request and records it, with the status answered,
/// in the request log.
async fn logged<F, Fut>(shared: &Arc<Shared>, request: Request, handle: F) -> Response
where
    F: FnOnce(Arc<Shared>, Call) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    let received_ms = shared.clock_ms();
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(_) => {
            return error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body could not be read or is over {MAX_BODY} bytes"),
            )
        }
    };
    let id = lock(&shared.log).next_id();
    let mut entry = RecordedRequest {
        id,
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        slug: None,
        key: api_key(&parts.headers).map(key_fingerprint),
        headers: parts
            .headers
            .iter()
            .filter(|(name, _)| **name != API_KEY)
            .map(|(name, value)| {
                (
                    name.to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: None,
        body_text: None,
        status: None,
        received_ms,
    };
    match serde_json::from_slice::<Value>(&body) {
        Ok(value) => entry.body = Some(value),
        Err(_) if body.is_empty() => {}
        Err(_) => {
            let text = String::from_utf8_lossy(&body);
            let cut = text
                .char_indices()
                .nth(LOGGED_TEXT)
                .map_or(text.len(), |(at, _)| at);
            entry.body_text = text.get(..cut).map(str::to_owned);
        }
    }
    let call = Call {
        reset: parts.extensions.get::<ResetHandle>().cloned(),
        headers: parts.headers,
        body,
    };
    entry.slug = slug_of(&entry.path).map(|info| info.slug.to_owned());
    // A reset never answers, and its handler is dropped: the guard logs the
    // request then.
    let guard = ResetLog {
        shared: Arc::clone(shared),
        entry: Some(entry.clone()),
    };
    let response = handle(Arc::clone(shared), call).await;
    guard.disarm();
    entry.status = Some(response.status().as_u16());
    lock(&shared.log).push(entry);
    response
}

/// Logs a request whose handler was dropped without answering (a reset).
struct ResetLog {
    shared: Arc<Shared>,
    entry: Option<RecordedRequest>,
}

impl ResetLog {
    fn disarm(mut self) {
        self.entry = None;
    }
}

impl Drop for ResetLog {
    fn drop(&mut self) {
        if let Some(entry) = self.entry.take() {
            lock(&self.shared.log).push(entry);
        }
    }
}

/// The name scripted faults use for the queue's status and result routes
/// (`--fault requests:2:503` fails the next two polls or fetches).
pub(crate) const QUEUE_ROUTES: &str = "requests";

/// The endpoint a `/v1/...` or `/v2/...` path names: by slug, or by the
/// spec's path when it differs.
fn slug_of(path: &str) -> Option<&'static EndpointInfo> {
    let rest = path
        .strip_prefix("/v1")
        .or_else(|| path.strip_prefix("/v2"))?;
    crate::ENDPOINT_INFO
        .iter()
        .find(|info| rest.strip_prefix('/') == Some(info.slug))
        .or_else(|| crate::ENDPOINT_INFO.iter().find(|info| info.path == rest))
}

fn api_key(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(&API_KEY)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|key| !key.is_empty())
}

/// The key's fingerprint, or the 401 answer.
fn authorise(shared: &Shared, headers: &HeaderMap) -> Result<String, Reject> {
    let Some(key) = api_key(headers) else {
        return Err(Reject::new(
            StatusCode::UNAUTHORIZED,
            "missing API key: send it in the x-api-key header",
        ));
    };
    if let Some(keys) = &shared.config.keys {
        if !keys.iter().any(|known| known == key) {
            return Err(Reject::new(StatusCode::UNAUTHORIZED, "invalid API key"));
        }
    }
    Ok(key_fingerprint(key))
}

fn refused(refusal: Refusal) -> Response {
    match refusal {
        Refusal::RateLimited(seconds) => {
            let mut response = error_response(
                StatusCode::TOO_MANY_REQUESTS,
                format!("rate limit reached: try again in {seconds} s"),
            );
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
            response
        }
        Refusal::NoCredits(left) => error_response(
            StatusCode::NOT_ACCEPTABLE,
            format!("insufficient credits: {left} left"),
        ),
        Refusal::TooManyKeys => error_response(
            StatusCode::FORBIDDEN,
            "the mock keeps ledgers for at most 100000 keys; restart it or use a known key",
        ),
    }
}

/// The fault the request's headers ask for: `x-mock-fault`, and the
/// shorthands `x-mock-status`, `x-mock-retry-after` (seconds) and
/// `x-mock-retry-after-date` (seconds from now, sent as a date).
fn header_fault(headers: &HeaderMap) -> Result<Option<Fault>, String> {
    let text = |name: &str| -> Result<Option<&str>, String> {
        match headers.get(name) {
            None => Ok(None),
            Some(value) => value
                .to_str()
                .map(Some)
                .map_err(|_| format!("the {name} header is not text")),
        }
    };
    let mut items: Vec<String> = Vec::new();
    if let Some(fault) = text("x-mock-fault")? {
        items.push(fault.to_owned());
    }
    if let Some(status) = text("x-mock-status")? {
        items.push(format!("status={status}"));
    }
    if let Some(seconds) = text("x-mock-retry-after")? {
        items.push(format!("retry-after={seconds}"));
    }
    if let Some(seconds) = text("x-mock-retry-after-date")? {
        items.push(format!("retry-after-date={seconds}"));
    }
    if items.is_empty() {
        return Ok(None);
    }
    items
        .join(",")
        .parse::<Fault>()
        .map(Some)
        .map_err(|error| format!("invalid mock fault headers: {error}"))
}

/// The fault for this call (headers first, else the script for `slug`).
fn choose_fault(shared: &Shared, call: &Call, slug: Option<&str>) -> Result<Fault, Reject> {
    let from_headers = header_fault(&call.headers)
        .map_err(|message| Reject::new(StatusCode::BAD_REQUEST, message))?;
    let fault = match (from_headers, slug) {
        (Some(fault), _) => fault,
        (None, Some(slug)) => shared.scripted_fault(slug).unwrap_or_default(),
        (None, None) => Fault::default(),
    };
    Ok(fault)
}

/// Waits the configured and faulted latency; answers for the call when the
/// fault replaces the answer (a status) or there is none (a reset).
async fn apply_fault(shared: &Shared, call: &Call, slug: Option<&str>) -> Option<Response> {
    let fault = match choose_fault(shared, call, slug) {
        Ok(fault) => fault,
        Err(reject) => return Some(reject.into_response()),
    };
    run_fault(shared, call, &fault).await
}

async fn run_fault(shared: &Shared, call: &Call, fault: &Fault) -> Option<Response> {
    let delay = shared.config.latency + fault.added_latency().unwrap_or_default();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if fault.body() == Some(BodyFault::Reset) {
        if let Some(handle) = &call.reset {
            handle.0.notify_one();
        }
        // The connection task drops this handler with the connection.
        std::future::pending::<()>().await;
    }
    let status = fault.status_code()?;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let reason = status.canonical_reason().unwrap_or("error");
    let mut response = error_response(status, format!("mock fault: {} {reason}", status.as_u16()));
    match fault.retry_after() {
        Some(crate::mock::fault::RetryAfter::Seconds(seconds)) => {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        Some(crate::mock::fault::RetryAfter::Date(seconds)) => {
            let when = SystemTime::now() + Duration::from_secs(seconds);
            if let Ok(value) = HeaderValue::from_str(&httpdate::fmt_http_date(when)) {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
        }
        None => {}
    }
    Some(with_body_fault(response, fault.body()).await)
}

/// Applies a truncated or slow body to a ready answer.
async fn with_body_fault(response: Response, fault: Option<BodyFault>) -> Response {
    let (chunks, delay, fail) = match fault {
        Some(BodyFault::Truncated) => (None, Duration::ZERO, true),
        Some(BodyFault::Slow(over)) => (Some(SLOW_PIECES), over / SLOW_PIECES as u32, false),
        _ => return response,
    };
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "mock: could not build the body",
        );
    };
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let pieces: VecDeque<Bytes> = match chunks {
        Some(count) => {
            let size = bytes.len().div_ceil(count).max(1);
            (0..bytes.len())
                .step_by(size)
                .map(|at| bytes.slice(at..(at + size).min(bytes.len())))
                .collect()
        }
        None => VecDeque::from([bytes.slice(..bytes.len() / 2)]),
    };
    let body = FaultyBody {
        pieces,
        delay,
        sleep: None,
        fail_at_end: fail,
    };
    Response::from_parts(parts, Body::new(body))
}

/// A body sent in pieces with a pause between them, optionally breaking
/// off at the end.
struct FaultyBody {
    pieces: VecDeque<Bytes>,
    delay: Duration,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    fail_at_end: bool,
}

impl http_body::Body for FaultyBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, io::Error>>> {
        let this = &mut *self;
        if let Some(sleep) = this.sleep.as_mut() {
            if std::future::Future::poll(sleep.as_mut(), cx).is_pending() {
                return Poll::Pending;
            }
            this.sleep = None;
        }
        match this.pieces.pop_front() {
            Some(piece) => {
                // A pause before the next piece, and before breaking off, so
                // what was sent so far is flushed to the client first.
                let pause = if this.pieces.is_empty() && this.fail_at_end {
                    this.delay.max(Duration::from_millis(20))
                } else if this.pieces.is_empty() {
                    Duration::ZERO
                } else {
                    this.delay
                };
                if !pause.is_zero() {
                    this.sleep = Some(Box::pin(tokio::time::sleep(pause)));
                }
                Poll::Ready(Some(Ok(http_body::Frame::data(piece))))
            }
            None if this.fail_at_end => {
                this.fail_at_end = false;
                Poll::Ready(Some(Err(io::Error::other("segmind-mock: body cut off"))))
            }
            None => Poll::Ready(None),
        }
    }
}

/// What a valid endpoint call asks for.
struct Order {
    info: &'static EndpointInfo,
    pictures: Vec<Picture>,
    /// The video or sound it makes, for a video or audio endpoint.
    clip: Option<Clip>,
    base64: bool,
    request: Value,
    /// A random seed: its images will not be asked for again, so they are
    /// not cached.
    random: bool,
}

/// Reads, checks and sizes the body as the real API would; a 400 answer
/// names the parameter and what is allowed, in the client's own words.
fn read_order(
    info: &'static EndpointInfo,
    body: &[u8],
    format: ImageFormat,
) -> Result<Order, Reject> {
    let bad = |message: String| Reject::new(StatusCode::BAD_REQUEST, message);
    let value: Value = serde_json::from_slice(body)
        .map_err(|error| bad(format!("the body is not valid JSON: {error}")))?;
    let request = match AnyRequest::from_json(info.slug, value) {
        Some(Ok(request)) => request,
        Some(Err(error)) => return Err(bad(format!("invalid `{}` request: {error}", info.slug))),
        None => {
            return Err(Reject::new(
                StatusCode::NOT_FOUND,
                format!("no endpoint `{}`", info.slug),
            ))
        }
    };
    request
        .validate()
        .map_err(|errors| bad(errors.to_string()))?;
    // What the server does with what was not sent: the spec's defaults.
    let request = request
        .with_defaults()
        .to_json()
        .map_err(|error| bad(format!("the request cannot be encoded: {error}")))?;
    let int = |name: &str| request.get(name).and_then(Value::as_i64);
    // What the spec allows is answered, never refused: where it leaves a
    // size or a count open, the mock draws within its own means (1 to
    // MAX_SIDE pixels a side, 1 to MAX_SAMPLES images), so that a body the
    // OpenAPI document accepts is a body the mock accepts.
    // 0 stands for "not set" until the configured default is applied.
    let side = |name: &str| int(name).map_or(0, |n| n.clamp(1, i64::from(MAX_SIDE)) as u32);
    let width = side("img_width");
    let height = side("img_height");
    let samples = int("samples").map_or(1, |n| n.clamp(1, i64::from(MAX_SAMPLES)) as u32);
    let random = int("seed") == Some(-1);
    let seed = match int("seed") {
        // The API's "random seed".
        Some(-1) => fastrand::i64(0..i64::MAX),
        Some(seed) => seed,
        None => 0,
    };
    let prompt = request
        .get("prompt")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let base64 = request
        .get("base64")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    // A video or audio endpoint makes a clip as long as the request asks;
    // an image endpoint, pictures.
    let clip = info
        .returns
        .medium()
        .filter(|medium| *medium != Medium::Image)
        .map(|medium| Clip::for_request(medium, &request, seed as u64));
    let samples = if clip.is_some() || info.returns.medium().is_none() {
        0
    } else {
        samples
    };
    let pictures = (0..samples)
        .map(|index| Picture {
            slug: info.slug,
            prompt: prompt.clone(),
            seed,
            width,
            height,
            format,
            index,
        })
        .collect();
    Ok(Order {
        info,
        pictures,
        clip,
        base64,
        request,
        random,
    })
}

/// The format asked for by `x-mock-format`, else the configured one.
fn format_for(shared: &Shared, headers: &HeaderMap) -> Result<ImageFormat, Reject> {
    match headers.get("x-mock-format").map(|value| value.to_str()) {
        None => Ok(shared.config.format),
        Some(Ok(text)) => text.parse().map_err(|error: crate::mock::ParseError| {
            Reject::new(StatusCode::BAD_REQUEST, error.to_string())
        }),
        Some(Err(_)) => Err(Reject::new(
            StatusCode::BAD_REQUEST,
            "the x-mock-format header is not text",
        )),
    }
}

async fn endpoint_call(shared: Arc<Shared>, call: Call, path: String, api: Api) -> Response {
    let info = slug_of(&format!("/v1/{path}"));
    let fault = match choose_fault(&shared, &call, info.map(|info| info.slug)) {
        Ok(fault) => fault,
        Err(reject) => return reject.into_response(),
    };
    if let Some(response) = run_fault(&shared, &call, &fault).await {
        return response;
    }
    let key = match authorise(&shared, &call.headers) {
        Ok(key) => key,
        Err(reject) => return reject.into_response(),
    };
    let Some(info) = info else {
        let known = crate::ENDPOINTS.join(", ");
        return error_response(
            StatusCode::NOT_FOUND,
            format!("model `{path}` not found; this mock serves: {known}"),
        );
    };
    if let Err(refusal) = shared.admit(&key, Instant::now()) {
        return refused(refusal);
    }
    let format = match format_for(&shared, &call.headers) {
        Ok(format) => format,
        Err(reject) => return reject.into_response(),
    };
    let mut order = match read_order(info, &call.body, format) {
        Ok(order) => order,
        Err(reject) => return reject.into_response(),
    };
    let (default_width, default_height) = shared.config.default_size;
    for picture in &mut order.pictures {
        if picture.width == 0 {
            picture.width = default_width;
        }
        if picture.height == 0 {
            picture.height = default_height;
        }
    }
    if api == Api::Queued && lock(&shared.jobs).len() >= MAX_JOBS && !purge_jobs(&shared) {
        return error_response(StatusCode::SERVICE_UNAVAILABLE, "the mock's queue is full");
    }
    let left = match shared.charge(&key) {
        Ok(left) => left,
        Err(refusal) => return refused(refusal),
    };
    let response = match api {
        Api::Sync => answer(&shared, &order).await,
        Api::Queued => enqueue(&shared, key, order, &fault),
    };
    let mut response = with_body_fault(response, fault.body()).await;
    response.headers_mut().insert(
        REMAINING.clone(),
        HeaderValue::from_str(&left.to_string()).unwrap_or(HeaderValue::from_static("0")),
    );
    response
}

/// The image, from the cache or freshly drawn (and cached when `keep`).
fn image(shared: &Shared, picture: &Picture, keep: bool) -> Result<Bytes, Reject> {
    image_as(shared, picture, Form::Raw, keep)
}

/// The image in `form`: from the cache, or drawn (a base64 form encodes
/// the cached raw bytes when there are some) and cached when `keep`.
fn image_as(shared: &Shared, picture: &Picture, form: Form, keep: bool) -> Result<Bytes, Reject> {
    let cacheable = keep && shared.config.cache_bytes > 0;
    let cached = |form| {
        cacheable
            .then(|| lock(&shared.cache).get(picture, form))
            .flatten()
    };
    if let Some(bytes) = cached(form) {
        return Ok(bytes);
    }
    let raw = match cached(Form::Raw) {
        Some(raw) => raw,
        None => render(picture).map_err(|error| {
            Reject::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("mock: could not encode the image: {error}"),
            )
        })?,
    };
    let bytes = match form {
        Form::Raw => raw,
        Form::Base64 => Bytes::from(base64::engine::general_purpose::STANDARD.encode(&raw)),
    };
    if cacheable {
        lock(&shared.cache).insert(picture.clone(), form, bytes.clone());
    }
    Ok(bytes)
}

/// The synchronous answer: raw bytes for one image, base64 JSON when asked
/// or for several (raw bytes cannot carry more than one).
async fn answer(shared: &Shared, order: &Order) -> Response {
    if order.info.returns == Returns::Json {
        return Json(json_document(order)).into_response();
    }
    if order.info.returns == Returns::Text {
        return (
            [(CONTENT_TYPE, "text/plain; charset=utf-8")],
            text_answer(order),
        )
            .into_response();
    }
    if let Some(clip) = &order.clip {
        return clip_answer(clip, order.base64);
    }
    let several = order.pictures.len() > 1;
    let form = if order.base64 || several {
        Form::Base64
    } else {
        Form::Raw
    };
    let mut images = Vec::with_capacity(order.pictures.len());
    for picture in &order.pictures {
        match image_as(shared, picture, form, !order.random) {
            Ok(bytes) => images.push(bytes),
            Err(reject) => return reject.into_response(),
        }
    }
    let content_type = order
        .pictures
        .first()
        .map_or(ImageFormat::Png, |p| p.format)
        .content_type();
    match (form, images.as_slice()) {
        (Form::Raw, [only, ..]) => ([(CONTENT_TYPE, content_type)], only.clone()).into_response(),
        // Base64 text needs no escaping in JSON, so the cached text is
        // copied into the body as it is.
        (_, encoded) => {
            let length = encoded.iter().map(|text| text.len() + 3).sum::<usize>() + 16;
            let mut body = Vec::with_capacity(length);
            body.extend_from_slice(br#"{"image":"#);
            if several {
                body.push(b'[');
            }
            for (index, text) in encoded.iter().enumerate() {
                if index > 0 {
                    body.push(b',');
                }
                body.push(b'"');
                body.extend_from_slice(text);
                body.push(b'"');
            }
            if several {
                body.push(b']');
            }
            body.push(b'}');
            ([(CONTENT_TYPE, "application/json")], Bytes::from(body)).into_response()
        }
    }
}

/// What a JSON endpoint answers: the request it understood.
fn json_document(order: &Order) -> Value {
    json!({ "mock": true, "endpoint": order.info.slug, "request": order.request })
}

/// What a text endpoint answers: a sentence naming the endpoint.
fn text_answer(order: &Order) -> String {
    format!("mock answer from `{}`", order.info.slug)
}

/// A video or sound, raw, or as base64 JSON under its medium's name when
/// the request asks for base64.
fn clip_answer(clip: &Clip, base64: bool) -> Response {
    match clip.render() {
        Ok((bytes, _)) if base64 => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
            Json(json!({ clip.medium.as_str(): encoded })).into_response()
        }
        Ok((bytes, content_type)) => ([(CONTENT_TYPE, content_type)], bytes).into_response(),
        Err(error) => error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("mock: could not make the {}: {error}", clip.medium.as_str()),
        ),
    }
}

/// Drops expired jobs; whether there is room for another.
fn purge_jobs(shared: &Shared) -> bool {
    let now = Instant::now();
    let mut jobs = lock(&shared.jobs);
    jobs.retain(|_, job| job.phase(now) != Phase::Expired);
    jobs.len() < MAX_JOBS
}

fn enqueue(shared: &Shared, owner: String, order: Order, fault: &Fault) -> Response {
    let now = Instant::now();
    let id = format!("mock-{:016x}", fastrand::u64(..));
    let document = match order.info.returns {
        Returns::Json => Some(json_document(&order)),
        Returns::Text => Some(Value::from(text_answer(&order))),
        _ => None,
    };
    let job = Job {
        owner,
        slug: order.info.slug,
        pictures: order.pictures,
        clip: order.clip,
        document,
        created: now,
        queued_for: shared.config.queued_for,
        processing_for: shared.config.processing_for,
        ttl: shared.config.result_ttl,
        fault: fault.job(),
    };
    {
        let mut jobs = lock(&shared.jobs);
        // Now and then, drop what has expired, so the map stays small.
        if jobs.len() % 256 == 255 {
            jobs.retain(|_, job| job.phase(now) != Phase::Expired);
        }
        jobs.insert(id.clone(), job);
    }
    let status_url = format!("{}/v2/requests/{id}/status", shared.origin);
    Json(json!({
        "request_id": id,
        "status": "QUEUED",
        "poll_url": status_url,
        "status_url": status_url,
        "response_url": format!("{}/v2/requests/{id}", shared.origin),
    }))
    .into_response()
}

/// The job, if it exists and belongs to the caller's key.
fn find_job(shared: &Shared, call: &Call, id: &str) -> Result<Job, Reject> {
    let key = authorise(shared, &call.headers)?;
    match lock(&shared.jobs).get(id) {
        Some(job) if job.owner == key => Ok(job.clone()),
        _ => Err(Reject::new(
            StatusCode::NOT_FOUND,
            format!("no request `{id}`"),
        )),
    }
}

fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Queued => "QUEUED",
        Phase::Processing(_) => "PROCESSING",
        Phase::Completed(_) => "COMPLETED",
        Phase::Failed(_) | Phase::Expired => "FAILED",
    }
}

fn metrics(phase: Phase) -> Value {
    let seconds = match phase {
        Phase::Queued | Phase::Expired => 0.0,
        Phase::Processing(s) | Phase::Completed(s) | Phase::Failed(s) => s,
    };
    json!({ "inference_time": seconds })
}

/// The answer for a job that failed or expired; `None` while it is fine.
fn job_trouble(id: &str, job: &Job, phase: Phase) -> Option<Response> {
    match phase {
        Phase::Failed(_) => Some(
            (
                match job.fault {
                    Some(JobFault::FailWithOk) => StatusCode::OK,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                },
                Json(json!({ "status": "FAILED", "error": format!("mock: the `{}` job failed", job.slug) })),
            )
                .into_response(),
        ),
        Phase::Expired => Some(error_response(
            StatusCode::NOT_FOUND,
            format!("the result of request `{id}` has expired"),
        )),
        _ => None,
    }
}

/// What the status and result routes share: faults, the key, the job and
/// its phase; a failed or expired job, or none, is answered here.
async fn job_now(shared: &Shared, call: &Call, id: &str) -> Result<(Job, Phase), Box<Response>> {
    if let Some(response) = apply_fault(shared, call, Some(QUEUE_ROUTES)).await {
        return Err(Box::new(response));
    }
    let job = find_job(shared, call, id).map_err(|reject| Box::new(reject.into_response()))?;
    let phase = job.phase(Instant::now());
    match job_trouble(id, &job, phase) {
        Some(response) => Err(Box::new(response)),
        None => Ok((job, phase)),
    }
}

async fn job_status(State(shared): AppState, Path(id): Path<String>, request: Request) -> Response {
    logged(&shared, request, |shared, call| async move {
        let (_, phase) = match job_now(&shared, &call, &id).await {
            Ok(found) => found,
            Err(response) => return *response,
        };
        Json(json!({ "status": phase_name(phase), "request_id": id, "metrics": metrics(phase) }))
            .into_response()
    })
    .await
}

async fn job_result(State(shared): AppState, Path(id): Path<String>, request: Request) -> Response {
    logged(&shared, request, |shared, call| async move {
        let (job, phase) = match job_now(&shared, &call, &id).await {
            Ok(found) => found,
            Err(response) => return *response,
        };
        let output = match (phase, &job.document) {
            (Phase::Completed(_), Some(document)) => document.clone(),
            (Phase::Completed(_), None) if job.clip.is_some() => {
                let extension = job.clip.as_ref().map_or("bin", Clip::extension);
                Value::from(format!(
                    "{}/v2/requests/{id}/files/0.{extension}",
                    shared.origin
                ))
            }
            (Phase::Completed(_), None) => {
                let urls: Vec<String> = job
                    .pictures
                    .iter()
                    .map(|picture| {
                        format!(
                            "{}/v2/requests/{id}/images/{}.{}",
                            shared.origin,
                            picture.index,
                            picture.format.extension()
                        )
                    })
                    .collect();
                match urls.as_slice() {
                    [one] => Value::from(one.as_str()),
                    _ => Value::from(urls),
                }
            }
            _ => Value::Null,
        };
        Json(json!({ "status": phase_name(phase), "metrics": metrics(phase), "output": output }))
            .into_response()
    })
    .await
}

/// A completed job's image; no key needed, like a storage URL.
async fn job_image(State(shared): AppState, Path((id, file)): Path<(String, String)>) -> Response {
    let gone = || {
        error_response(
            StatusCode::NOT_FOUND,
            format!("no image `{file}` for request `{id}`"),
        )
    };
    let Some(job) = lock(&shared.jobs).get(&id).cloned() else {
        return gone();
    };
    if !matches!(job.phase(Instant::now()), Phase::Completed(_)) {
        return gone();
    }
    let index = file.split('.').next().and_then(|n| n.parse::<usize>().ok());
    if let Some(clip) = &job.clip {
        return match index {
            Some(0) => clip_answer(clip, false),
            _ => gone(),
        };
    }
    let Some(picture) = index.and_then(|index| job.pictures.get(index)) else {
        return gone();
    };
    match image(&shared, picture, true) {
        Ok(bytes) => ([(CONTENT_TYPE, picture.format.content_type())], bytes).into_response(),
        Err(reject) => reject.into_response(),
    }
}

async fn list_requests(State(shared): AppState) -> Response {
    Json(lock(&shared.log).entries()).into_response()
}

async fn clear_requests(State(shared): AppState) -> Response {
    lock(&shared.log).clear();
    StatusCode::NO_CONTENT.into_response()
}

fn rule_json(rule: &FaultRule) -> Value {
    json!({ "slug": rule.slug, "times": rule.times, "fault": rule.fault.to_string() })
}

async fn list_faults(State(shared): AppState) -> Response {
    let rules: Vec<Value> = lock(&shared.faults).iter().map(rule_json).collect();
    Json(rules).into_response()
}

/// Adds rules: `{"slug": "ssd-1b", "times": 2, "fault": "503"}` (slug
/// optional, for any; times default 1), an array of those, or the text
/// form `ssd-1b:2:503`.
async fn add_faults(State(shared): AppState, body: Bytes) -> Response {
    let rules = match parse_rules(&body) {
        Ok(rules) => rules,
        Err(message) => return error_response(StatusCode::BAD_REQUEST, message),
    };
    let added: Vec<Value> = rules.iter().map(rule_json).collect();
    lock(&shared.faults).extend(rules);
    (StatusCode::CREATED, Json(added)).into_response()
}

fn parse_rules(body: &[u8]) -> Result<Vec<FaultRule>, String> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        let text = String::from_utf8_lossy(body);
        return text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(|line| line.parse::<FaultRule>().map_err(|error| error.to_string()))
            .collect();
    };
    let items = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    items.iter().map(rule_from_json).collect()
}

fn rule_from_json(item: &Value) -> Result<FaultRule, String> {
    let Value::Object(map) = item else {
        return Err(
            "a fault rule is an object: {\"slug\": \"ssd-1b\", \"times\": 2, \"fault\": \"503\"}"
                .into(),
        );
    };
    if let Some(unknown) = map
        .keys()
        .find(|key| !["slug", "times", "fault"].contains(&key.as_str()))
    {
        return Err(format!(
            "unknown field `{unknown}` in a fault rule; expected slug, times, fault"
        ));
    }
    let slug = match map.get("slug") {
        None | Some(Value::Null) => None,
        Some(Value::String(slug)) if slug == "*" => None,
        Some(Value::String(slug)) => Some(slug.clone()),
        Some(_) => return Err("`slug` must be a string".into()),
    };
    let times = match map.get("times") {
        None => 1,
        Some(value) => value
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|&n| n > 0)
            .ok_or("`times` must be a count of at least 1")?,
    };
    let fault: Fault = map
        .get("fault")
        .and_then(Value::as_str)
        .ok_or("`fault` must be a string such as \"503,retry-after=2\"")?
        .parse()
        .map_err(|error: crate::mock::ParseError| error.to_string())?;
    if fault.is_none() {
        return Err("the rule has no fault".into());
    }
    Ok(FaultRule { slug, times, fault })
}

async fn clear_faults(State(shared): AppState) -> Response {
    lock(&shared.faults).clear();
    StatusCode::NO_CONTENT.into_response()
}

async fn list_accounts(State(shared): AppState) -> Response {
    let mut accounts: Vec<Value> = lock(&shared.accounts)
        .iter()
        .map(|(key, account)| json!({ "key": key, "credits": account.credits }))
        .collect();
    accounts.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
    Json(accounts).into_response()
}
