//! The queued (v2) API, calls by slug and the credits, against the mock
//! server on 127.0.0.1 (and wiremock for answers the mock never gives):
//! every endpoint's lifecycle, typed and by slug, async and blocking;
//! failed jobs served with 200 and with 422; errors on a poll; a missing
//! request id; a deadline and a resumed wait; an expired result; a poll
//! that hits 503 and recovers; one submission per job; and the key in no
//! error, log line or `Debug`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use segmind::mock::{Fault, FaultRule, MockConfig, MockServer, RecordedRequest};
use segmind::{
    AnyRequest, Client, Error, ImageResponse, Job, JobStatus, JobUpdate, RetryPolicy, Ssd1bRequest,
    WaitOptions,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer as WireMock, ResponseTemplate};

mod common;

use common::logs::{capture_logs, captured_logs};

const KEY: &str = "sk-queue-test-SECRET-5e2b";

/// Jobs that pass through both running phases quickly.
fn quick_jobs() -> MockConfig {
    MockConfig::default().job_timing(Duration::from_millis(100), Duration::from_millis(100))
}

/// The statuses a wait reported: queued first (the first poll follows the
/// submission at once), completed last, each once and in order. Processing
/// is expected too, unless a loaded machine slept through all of it.
fn assert_lifecycle(seen: &[JobStatus], slug: &str) {
    use JobStatus::{Completed, Processing, Queued};
    assert!(
        seen == [Queued, Processing, Completed] || seen == [Queued, Completed],
        "{slug}: {seen:?}"
    );
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(5)))
        .build()
        .expect("client builds")
}

/// Polls every few milliseconds, and records the updates.
fn fast_wait() -> (WaitOptions, Arc<Mutex<Vec<JobUpdate>>>) {
    let updates = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&updates);
    let options = WaitOptions::new()
        .poll_interval(Duration::from_millis(5))
        .max_poll_interval(Duration::from_millis(10))
        .deadline(Duration::from_secs(20))
        .on_update(move |update| seen.lock().unwrap().push(update.clone()));
    (options, updates)
}

fn statuses(updates: &Mutex<Vec<JobUpdate>>) -> Vec<JobStatus> {
    updates
        .lock()
        .unwrap()
        .iter()
        .map(|update| update.status.clone())
        .collect()
}

fn seed_example(slug: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/seed-examples/{slug}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn requests_to(server: &MockServer, method: &str, path: &str) -> Vec<RecordedRequest> {
    server
        .requests()
        .into_iter()
        .filter(|request| request.method == method && request.path == path)
        .collect()
}

/// Submits any request through the queue's typed path (`submit`), as the
/// generated per-endpoint methods do.
macro_rules! submit_any {
    ($queue:expr, $request:expr; $($variant:ident),* $(,)?) => {
        match $request {
            $(AnyRequest::$variant(request) => Some($queue.submit(request).await),)*
            _ => None,
        }
    };
}

#[tokio::test]
async fn every_endpoint_goes_from_queued_to_its_image_typed_and_by_slug() {
    let server = MockServer::start_with(quick_jobs()).await.unwrap();
    let client = client(&server.base_url());
    let queue = client.queue();
    let image_endpoints = segmind::ENDPOINT_INFO
        .iter()
        .filter(|info| info.returns == segmind::runtime::Returns::Image);
    for info in image_endpoints {
        let slug = info.slug;
        let mut body = seed_example(slug);
        // A random seed (-1) would draw a new picture each time.
        if body.get("seed") == Some(&serde_json::json!(-1)) {
            body["seed"] = serde_json::json!(12345);
        }
        let synchronous: ImageResponse = client.call(slug, &body).await.unwrap();

        let request = AnyRequest::from_json(slug, body.clone()).unwrap().unwrap();
        let mut jobs = 0;
        for typed in [true, false] {
            // Each job is waited for as soon as it is submitted, so the wait
            // sees it queued.
            let job = if typed {
                // Endpoints added after this list go by slug only, so a new
                // spec passes without test code.
                let submitted = submit_any!(queue, &request;
                    Sd15Img2imgRequest, Sd3MedImg2imgRequest, Ssd1bRequest, SsdCannyRequest,
                    SsdImg2imgRequest);
                match submitted {
                    Some(job) => job.unwrap(),
                    None => continue,
                }
            } else {
                queue.call::<ImageResponse>(slug, &body).await.unwrap()
            };
            assert_eq!(job.slug(), slug);
            let (options, updates) = fast_wait();
            let image = queue.wait_with(&job, options).await.unwrap();
            assert_lifecycle(&statuses(&updates), slug);
            // The mock draws the same picture for the same request, so the
            // queued result is the synchronous call's image.
            assert_eq!(image.bytes(), synchronous.bytes(), "{slug}");
            assert_eq!(image.content_type(), synchronous.content_type());
            jobs += 1;
        }
        assert_eq!(
            requests_to(&server, "POST", &format!("/v2/{slug}")).len(),
            jobs,
            "{slug}: one submission per job"
        );
    }
}

#[tokio::test]
async fn the_generated_method_and_run_give_what_the_synchronous_call_gives() {
    let server = MockServer::start_with(quick_jobs()).await.unwrap();
    let client = client(&server.base_url());
    let request = Ssd1bRequest::new("a lighthouse at dawn").seed(7).samples(2);
    let synchronous = client.ssd_1b(&request).await.unwrap();
    let job = client.queue().ssd_1b(&request).await.unwrap();
    let (options, _) = fast_wait();
    let queued = client.queue().wait_with(&job, options).await.unwrap();
    assert_eq!(queued.images().len(), 2);
    assert_eq!(queued.images(), synchronous.images());
    // `run` submits and waits with the defaults (a first poll at once,
    // then a second later).
    let ran = client.queue().run(&request).await.unwrap();
    assert_eq!(ran.images(), synchronous.images());
}

#[tokio::test]
async fn an_invalid_request_is_not_submitted() {
    let server = MockServer::start().await.unwrap();
    let client = client(&server.base_url());
    let error = client
        .queue()
        .ssd_1b(Ssd1bRequest::new("x").samples(99))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Validation(_)), "{error}");
    assert!(server.requests().is_empty());
}

#[test]
fn the_blocking_queue_waits_for_the_image_too() {
    let server = MockServer::start_blocking_with(quick_jobs()).unwrap();
    let client = segmind::blocking::Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .build_blocking()
        .unwrap();
    let request = Ssd1bRequest::new("a red fox in snow").seed(1);
    let synchronous = client.ssd_1b(&request).unwrap();
    let queue = client.queue();
    let job = queue.ssd_1b(&request).unwrap();
    let (options, updates) = fast_wait();
    let image = queue.wait_with(&job, options).unwrap();
    assert_eq!(image.bytes(), synchronous.bytes());
    assert_eq!(statuses(&updates).last(), Some(&JobStatus::Completed));
    assert_eq!(queue.status(&job).unwrap().status, JobStatus::Completed);
    let credits = client.credits().unwrap();
    assert!(credits.credits > 0.0);
}

#[tokio::test]
async fn a_failed_job_is_an_error_with_the_servers_message_whatever_the_status_code() {
    for (fault, code) in [
        (Fault::failed_job(), 422),
        (Fault::failed_job_with_ok(), 200),
    ] {
        let server = MockServer::start_with(quick_jobs()).await.unwrap();
        server.push_fault(FaultRule::new("ssd-1b", 1, fault));
        let queue = client(&server.base_url()).queue();
        let job = queue.ssd_1b(Ssd1bRequest::new("x")).await.unwrap();
        let (options, updates) = fast_wait();
        let error = queue.wait_with(&job, options).await.unwrap_err();
        let Error::JobFailed {
            request_id, api, ..
        } = &error
        else {
            panic!("expected JobFailed, got {error:?}");
        };
        assert_eq!(request_id, job.request_id());
        assert_eq!(api.status().as_u16(), code);
        assert!(api.message.contains("job failed"), "{}", api.message);
        assert!(api.body_text().contains("FAILED"));
        assert_eq!(statuses(&updates).last(), Some(&JobStatus::Failed));
        // Reported once, it is a state, not an error.
        let state = queue.status(&job).await.unwrap();
        assert_eq!(state.status, JobStatus::Failed);
        assert!(state.failure().unwrap().message.contains("job failed"));
        assert_eq!(requests_to(&server, "POST", "/v2/ssd-1b").len(), 1);
    }
}

#[tokio::test]
async fn a_401_on_a_poll_is_an_ordinary_error_not_a_failed_job() {
    let server = MockServer::start_with(quick_jobs().accept_keys([KEY]))
        .await
        .unwrap();
    let job = client(&server.base_url())
        .queue()
        .ssd_1b(Ssd1bRequest::new("x"))
        .await
        .unwrap();
    let stranger = Client::builder()
        .api_key("sk-someone-else")
        .base_url(server.base_url())
        .build()
        .unwrap()
        .queue();
    let (options, _) = fast_wait();
    let error = stranger.wait_with(&job, options).await.unwrap_err();
    assert!(matches!(error, Error::Unauthorized(_)), "{error:?}");
    assert_eq!(error.attempts(), 1, "a 401 is not retried");
    assert!(matches!(
        stranger.status(&job).await.unwrap_err(),
        Error::Unauthorized(_)
    ));
}

#[tokio::test]
async fn a_poll_that_hits_503_is_retried_and_the_wait_goes_on() {
    let server = MockServer::start_with(quick_jobs()).await.unwrap();
    let queue = client(&server.base_url()).queue();
    let job = queue.ssd_1b(Ssd1bRequest::new("x")).await.unwrap();
    server.push_fault(FaultRule::new("requests", 2, Fault::status(503)));
    let (options, _) = fast_wait();
    queue.wait_with(&job, options).await.unwrap();
    let status_url = format!("/v2/requests/{}/status", job.request_id());
    let polls = requests_to(&server, "GET", &status_url);
    let refused = polls.iter().filter(|poll| poll.status == Some(503)).count();
    assert_eq!(refused, 2);
    assert!(polls.len() > 2);
    assert_eq!(requests_to(&server, "POST", "/v2/ssd-1b").len(), 1);
}

#[tokio::test]
async fn a_wait_past_its_deadline_leaves_the_job_to_be_resumed_from_its_request_id() {
    let server = MockServer::start_with(
        MockConfig::default().job_timing(Duration::from_millis(10), Duration::from_millis(700)),
    )
    .await
    .unwrap();
    let queue = client(&server.base_url()).queue();
    let job = queue.ssd_1b(Ssd1bRequest::new("x")).await.unwrap();
    let short = WaitOptions::new()
        .poll_interval(Duration::from_millis(10))
        .deadline(Duration::from_millis(100));
    let error = queue.wait_with(&job, short).await.unwrap_err();
    let Error::JobDeadline {
        request_id,
        waited,
        last_status,
        ..
    } = &error
    else {
        panic!("expected JobDeadline, got {error:?}");
    };
    assert_eq!(request_id, job.request_id());
    assert!(*waited >= Duration::from_millis(100), "{waited:?}");
    assert_eq!(*last_status, JobStatus::Processing);
    assert!(error.to_string().contains(job.request_id()));

    // Another process: a new client, and only the request id (or the saved
    // handle) from the first.
    let saved = serde_json::to_string(&job).unwrap();
    let later = client(&server.base_url()).queue();
    let resumed: Job<ImageResponse> = later.job("ssd-1b", request_id).unwrap();
    assert_eq!(resumed, job);
    let from_file: Job<ImageResponse> = serde_json::from_str(&saved).unwrap();
    assert_eq!(from_file, job);
    let (options, _) = fast_wait();
    let image = later.wait_with(&resumed, options).await.unwrap();
    assert!(!image.bytes().is_empty());
    assert_eq!(
        requests_to(&server, "POST", "/v2/ssd-1b").len(),
        1,
        "resuming submits nothing"
    );
}

#[tokio::test]
async fn an_expired_result_is_its_own_error() {
    let server = MockServer::start_with(quick_jobs()).await.unwrap();
    server.push_fault(FaultRule::new("ssd-1b", 1, Fault::expired_job()));
    let queue = client(&server.base_url()).queue();
    let job = queue.ssd_1b(Ssd1bRequest::new("x")).await.unwrap();
    let (options, _) = fast_wait();
    let error = queue.wait_with(&job, options).await.unwrap_err();
    assert!(matches!(error, Error::JobExpired { .. }), "{error:?}");
    assert_eq!(error.request_id(), Some(job.request_id()));

    // A result that outlived its time to live, asked for later by id.
    let server = MockServer::start_with(quick_jobs().result_ttl(Duration::from_millis(50)))
        .await
        .unwrap();
    let queue = client(&server.base_url()).queue();
    let job = queue.ssd_1b(Ssd1bRequest::new("x")).await.unwrap();
    let (options, _) = fast_wait();
    let mut finished = None;
    let wait = queue.wait_with(&job, options).await;
    if let Ok(image) = wait {
        finished = Some(image);
    }
    assert!(finished.is_some());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let error = queue.status(&job).await.unwrap_err();
    assert!(matches!(error, Error::JobExpired { .. }), "{error:?}");
    // An id that never existed is not "expired".
    let unknown: Job<ImageResponse> = queue.job("ssd-1b", "no-such-job").unwrap();
    assert!(matches!(
        queue.status(&unknown).await.unwrap_err(),
        Error::NotFound(_)
    ));
}

#[tokio::test]
async fn a_submission_without_a_request_id_or_urls_is_an_error_and_is_not_resent() {
    let wire = WireMock::start().await;
    for (answer, missing) in [
        (json!({ "status": "QUEUED" }), "request_id"),
        (
            json!({ "request_id": "r-1", "status": "QUEUED", "response_url": "x" }),
            "status_url",
        ),
        (
            json!({ "request_id": "r-1", "status_url": "x", "status": "QUEUED" }),
            "response_url",
        ),
        (
            json!({ "request_id": "../../v1/ssd-1b", "status_url": "x", "response_url": "x" }),
            "request id",
        ),
    ] {
        wire.reset().await;
        Mock::given(method("POST"))
            .and(path("/v2/ssd-1b"))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .expect(1)
            .mount(&wire)
            .await;
        let error = client(&format!("{}/v1", wire.uri()))
            .queue()
            .ssd_1b(Ssd1bRequest::new("x"))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
        assert!(error.to_string().contains(missing), "{missing}: {error}");
        wire.verify().await;
    }
}

#[tokio::test]
async fn urls_on_another_host_or_holding_the_key_are_not_followed() {
    let wire = WireMock::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/ssd-1b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "request_id": "r-2",
            "status": "QUEUED",
            "status_url": "https://elsewhere.example/v2/requests/r-2/status",
            "response_url": format!("{}/v2/requests/r-2?key={KEY}", wire.uri()),
        })))
        .mount(&wire)
        .await;
    let job = client(&format!("{}/v1", wire.uri()))
        .queue()
        .ssd_1b(Ssd1bRequest::new("x"))
        .await
        .unwrap();
    assert_eq!(
        job.status_url(),
        format!("{}/v2/requests/r-2/status", wire.uri())
    );
    assert_eq!(
        job.response_url(),
        format!("{}/v2/requests/r-2", wire.uri())
    );
}

#[tokio::test]
async fn output_images_on_another_host_are_fetched_without_the_key() {
    let api = WireMock::start().await;
    let storage = WireMock::start().await;
    let png =
        segmind::mock::render_image("ssd-1b", "x", 1, (8, 8), segmind::mock::ImageFormat::Png, 0)
            .unwrap();
    Mock::given(method("GET"))
        .and(path("/v2/requests/r-3/status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "COMPLETED"})))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/requests/r-3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "COMPLETED",
            "output": format!("{}/out/r-3.png", storage.uri()),
        })))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/out/r-3.png"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(png.to_vec(), "image/png"))
        .mount(&storage)
        .await;
    let queue = client(&format!("{}/v1", api.uri())).queue();
    let job: Job<ImageResponse> = queue.job("ssd-1b", "r-3").unwrap();
    let image = queue.wait(&job).await.unwrap();
    assert_eq!(image.bytes().as_ref(), png.as_ref());
    let to_storage = storage.received_requests().await.unwrap();
    assert_eq!(to_storage.len(), 1);
    assert!(!to_storage[0].headers.contains_key("x-api-key"));
    let to_api = api.received_requests().await.unwrap();
    assert!(to_api
        .iter()
        .all(|r| r.headers.get("x-api-key").unwrap() == KEY));
}

#[tokio::test]
async fn credits_and_calls_by_slug() {
    let server = MockServer::start_with(MockConfig::default().credits(25.0).free_credits(3.0))
        .await
        .unwrap();
    let client = client(&server.base_url());
    let credits = client.credits().await.unwrap();
    assert_eq!((credits.credits, credits.free_credits), (25.0, 3.0));

    let body = json!({ "prompt": "a cat", "seed": 5 });
    let by_slug: ImageResponse = client.call("ssd-1b", &body).await.unwrap();
    let typed = client
        .ssd_1b(Ssd1bRequest::new("a cat").seed(5))
        .await
        .unwrap();
    assert_eq!(by_slug.bytes(), typed.bytes());

    let unknown = client
        .call::<ImageResponse>("no-such-model", &body)
        .await
        .unwrap_err();
    assert!(matches!(unknown, Error::NotFound(_)), "{unknown:?}");
    let sent = server.requests().len();
    let bad = client
        .call::<ImageResponse>("../v1/ssd-1b", &body)
        .await
        .unwrap_err();
    assert!(matches!(bad, Error::Config { .. }), "{bad:?}");
    assert_eq!(server.requests().len(), sent, "an invalid slug is not sent");
}

#[test]
fn the_queue_base_follows_the_base_url_and_can_be_set() {
    let queue_base = |base: &str| {
        Client::builder()
            .api_key(KEY)
            .base_url(base)
            .build()
            .unwrap()
            .queue()
            .job::<ImageResponse>("ssd-1b", "r")
            .map(|job| job.status_url().to_owned())
    };
    assert_eq!(
        queue_base("https://api.segmind.com/v1").unwrap(),
        "https://api.segmind.com/v2/requests/r/status"
    );
    assert_eq!(
        queue_base("https://staging.example/api/v1/").unwrap(),
        "https://staging.example/api/v2/requests/r/status"
    );
    assert_eq!(
        queue_base("https://h.example/v1/x/v1").unwrap(),
        "https://h.example/v1/x/v2/requests/r/status"
    );
    let error = queue_base("https://h.example/v10").unwrap_err();
    assert!(error.to_string().contains("queue_base_url"), "{error}");
    let set = Client::builder()
        .api_key(KEY)
        .base_url("https://h.example/api")
        .queue_base_url("https://q.example/queue")
        .build()
        .unwrap();
    assert_eq!(
        set.queue()
            .job::<ImageResponse>("ssd-1b", "r")
            .unwrap()
            .response_url(),
        "https://q.example/queue/requests/r"
    );
}

// ------------------------------------------------------------- the key

#[tokio::test]
async fn the_key_is_in_no_error_log_line_or_debug_even_when_a_server_echoes_it() {
    capture_logs();
    let wire = WireMock::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/ssd-1b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "request_id": "r-4",
            "status": "QUEUED",
            "status_url": format!("{}/v2/requests/r-4/status", wire.uri()),
            "response_url": format!("{}/v2/requests/r-4", wire.uri()),
            "echo": KEY,
        })))
        .mount(&wire)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/requests/r-4/status"))
        .respond_with(
            ResponseTemplate::new(422)
                .insert_header("x-echo", KEY)
                .set_body_json(json!({
                    "status": "FAILED",
                    "error": format!("the key {KEY} may not run this model"),
                })),
        )
        .mount(&wire)
        .await;
    let queue = client(&format!("{}/v1", wire.uri())).queue();
    let job = queue.ssd_1b(Ssd1bRequest::new("x")).await.unwrap();
    let error = queue.wait(&job).await.unwrap_err();
    assert!(matches!(error, Error::JobFailed { .. }), "{error:?}");
    let state = queue.status(&job).await.unwrap();
    let shown = format!(
        "{error} {error:?} {job:?} {state:?} {queue:?} {}",
        serde_json::to_string(&job).unwrap()
    );
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("may not run this model"));
    let logs = captured_logs();
    assert!(logs.contains("job submitted"), "the capture works");
    assert!(!logs.contains(KEY), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_can_be_spawned_and_take_their_request_by_value_or_by_reference() {
    let server = MockServer::start_with(quick_jobs()).await.unwrap();
    let client = client(&server.base_url());
    let request = Ssd1bRequest::new("a kite").seed(11);
    // No borrow outlives the call: the futures are `'static` and `Send`.
    let by_reference = tokio::spawn(client.ssd_1b(&request));
    let by_value = tokio::spawn(client.ssd_1b(request.clone()));
    let queued = tokio::spawn(client.queue().ssd_1b(request.clone()));
    let (a, b) = (
        by_reference.await.unwrap().unwrap(),
        by_value.await.unwrap().unwrap(),
    );
    assert_eq!(a.bytes(), b.bytes());
    let job = queued.await.unwrap().unwrap();
    let (options, _) = fast_wait();
    assert_eq!(
        client
            .queue()
            .wait_with(&job, options)
            .await
            .unwrap()
            .bytes(),
        a.bytes()
    );
}

#[tokio::test]
async fn with_options_applies_to_every_call_of_the_client_it_returns() {
    let server = MockServer::start_with(quick_jobs()).await.unwrap();
    let plain = client(&server.base_url());
    let tagged = plain.with_options(segmind::RequestOptions::new().body_field("seed", 99));
    tagged.ssd_1b(Ssd1bRequest::new("a")).await.unwrap();
    tagged.queue().ssd_1b(Ssd1bRequest::new("b")).await.unwrap();
    plain.ssd_1b(Ssd1bRequest::new("c")).await.unwrap();
    let seeds: Vec<Value> = server
        .requests()
        .iter()
        .filter(|request| request.method == "POST")
        .map(|request| request.body.as_ref().unwrap()["seed"].clone())
        .collect();
    assert_eq!(seeds, [json!(99), json!(99), Value::Null]);
}
