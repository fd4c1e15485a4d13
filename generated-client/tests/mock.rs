//! The mock server (feature `mock`) against the real client and plain
//! reqwest, on 127.0.0.1: every spec endpoint, raw and base64, one and
//! several samples, determinism, every fault kind, keys, credits, the rate
//! limit, invalid bodies, the queued API, the request log, the binary, a
//! bounded load test and the vendor pages' own Python snippets.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use segmind::mock::{key_fingerprint, Fault, FaultRule, ImageFormat, MockConfig, MockServer};
use segmind::{
    AnyRequest, Client, Error, ImageResponse, RequestOptions, RetryPolicy, Ssd1bRequest,
};
use serde_json::{json, Value};

mod common;

use common::{variant, DOCUMENTED_STATUSES};

const KEY: &str = "sk-mock-test-SECRET-91d4";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The vendor page's example body for `slug`.
fn seed_example(slug: &str) -> Value {
    let path = manifest_dir().join(format!("tests/fixtures/seed-examples/{slug}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("seed example is JSON")
}

/// A client with no retries (so request counts are exact) pointed at `server`.
fn client(server: &MockServer) -> Client {
    client_with(server, KEY, RetryPolicy::none())
}

fn client_with(server: &MockServer, key: &str, retry: RetryPolicy) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(server.base_url())
        .retry(retry)
        .build()
        .expect("client builds")
}

/// Sends any request through the client's typed path. Endpoints added
/// after this list are sent with plain reqwest instead (`None`), so a new
/// spec still passes without test code.
macro_rules! send_any {
    ($client:expr, $request:expr, $options:expr; $($variant:ident),* $(,)?) => {
        match $request {
            $(AnyRequest::$variant(request) => Some($client.send_with(request, $options).await),)*
            _ => None,
        }
    };
}

async fn send(
    client: &Client,
    request: &AnyRequest,
    options: RequestOptions,
) -> Option<Result<ImageResponse, Error>> {
    send_any!(client, request, options;
        Sd15Img2imgRequest, Sd3MedImg2imgRequest, Ssd1bRequest, SsdCannyRequest, SsdImg2imgRequest)
}

/// The images for `body` to `slug`: through the client when it knows the
/// endpoint, else through reqwest and the same decoding rules.
async fn images(server: &MockServer, slug: &str, body: Value) -> Vec<(Vec<u8>, String)> {
    let request = AnyRequest::from_json(slug, body.clone())
        .expect("endpoint compiled in")
        .expect("body reads");
    if let Some(result) = send(&client(server), &request, RequestOptions::new()).await {
        let response = result.unwrap_or_else(|e| panic!("{slug}: {e}"));
        assert!(
            response.remaining_credits().is_some(),
            "{slug}: x-remaining-credits"
        );
        return response
            .images()
            .iter()
            .map(|image| (image.bytes().to_vec(), image.content_type().to_owned()))
            .collect();
    }
    eprintln!("{slug}: not in the test's typed list, sent with reqwest");
    let response = post(server, &format!("/v1/{slug}"), &[], &body).await;
    assert_eq!(response.status(), 200, "{slug}");
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let bytes = response.bytes().await.unwrap().to_vec();
    if kind == "application/json" {
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        let list = match &value["image"] {
            Value::Array(items) => items.clone(),
            one => vec![one.clone()],
        };
        use base64::Engine as _;
        return list
            .iter()
            .map(|item| {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(item.as_str().unwrap())
                    .unwrap();
                (bytes, "image/png".to_owned())
            })
            .collect();
    }
    vec![(bytes, kind)]
}

async fn post(
    server: &MockServer,
    path: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", server.url()))
        .header("x-api-key", KEY)
        .json(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("the mock answers")
}

async fn get(url: &str, key: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(url);
    if let Some(key) = key {
        request = request.header("x-api-key", key);
    }
    request.send().await.expect("the mock answers")
}

fn dimensions(bytes: &[u8]) -> (u32, u32) {
    let image = image::load_from_memory(bytes).expect("a decodable image");
    (image.width(), image.height())
}

/// The size the mock should draw for `body` to `slug`: its
/// `img_width`/`img_height`, else their spec defaults, else 512.
fn expected_size(slug: &str, body: &Value) -> (u32, u32) {
    let read = AnyRequest::from_json(slug, body.clone())
        .expect("endpoint compiled in")
        .expect("body reads")
        .with_defaults()
        .to_json()
        .unwrap();
    let side = |name: &str| {
        read.get(name)
            .and_then(Value::as_u64)
            .map_or(512, |n| n as u32)
    };
    (side("img_width"), side("img_height"))
}

fn with(mut body: Value, name: &str, value: Value) -> Value {
    body[name] = value;
    body
}

/// Whether `body` is a valid request to `slug` (a spec may lack `samples`).
fn accepted(slug: &str, body: &Value) -> bool {
    matches!(AnyRequest::from_json(slug, body.clone()), Some(Ok(request)) if request.validate().is_ok())
}

#[tokio::test]
async fn every_endpoint_answers_images_raw_base64_and_several() {
    let server = MockServer::start().await.unwrap();
    assert!(!segmind::ENDPOINTS.is_empty());
    let image_endpoints = segmind::ENDPOINT_INFO
        .iter()
        .filter(|info| info.returns == segmind::runtime::Returns::Image)
        .map(|info| &info.slug);
    for slug in image_endpoints {
        // A page that asks for a random seed (-1) gets a fixed one, so that
        // the same body draws the same picture.
        let mut example = seed_example(slug);
        if example.get("seed") == Some(&json!(-1)) {
            example["seed"] = json!(12345);
        }
        // The page's example as it is: one image, raw unless it asks for base64.
        let raw = images(&server, slug, example.clone()).await;
        assert_eq!(raw.len(), 1, "{slug}");
        assert_eq!(raw[0].1, "image/png", "{slug}");
        assert_eq!(
            dimensions(&raw[0].0),
            expected_size(slug, &example),
            "{slug}"
        );

        // The same picture, whether sent as bytes or as base64 JSON (for
        // specs that have `base64`).
        for flag in [false, true] {
            let body = with(example.clone(), "base64", json!(flag));
            if accepted(slug, &body) {
                let answer = images(&server, slug, body).await;
                assert_eq!(answer.len(), 1, "{slug}");
                assert_eq!(
                    answer[0].0, raw[0].0,
                    "{slug}: base64 {flag} carries the same bytes"
                );
            } else {
                eprintln!("{slug}: has no `base64`; not tried");
            }
        }

        let several = with(example.clone(), "samples", json!(3));
        if accepted(slug, &several) {
            let three = images(&server, slug, several).await;
            assert_eq!(three.len(), 3, "{slug}");
            assert_eq!(
                three[0].0, raw[0].0,
                "{slug}: the first sample is the single one"
            );
            assert_ne!(three[1].0, three[0].0, "{slug}: samples differ");
            assert_ne!(three[2].0, three[1].0, "{slug}: samples differ");
        } else {
            eprintln!("{slug}: takes no `samples` of 3; several samples not tried");
        }
    }
    let logged = server.requests();
    assert!(
        logged.iter().all(|entry| entry.status == Some(200)),
        "{logged:?}"
    );
}

#[tokio::test]
async fn images_depend_on_slug_prompt_seed_and_size_only() {
    let server = MockServer::start_with(MockConfig::default().image_format(ImageFormat::Jpeg))
        .await
        .unwrap();
    let client = client(&server);
    let call = |request: Ssd1bRequest| {
        let client = client.clone();
        async move {
            client
                .ssd_1b(&request)
                .await
                .expect("success")
                .bytes()
                .to_vec()
        }
    };
    let base = Ssd1bRequest::new("a lighthouse").seed(5);
    let first = call(base.clone()).await;
    assert_eq!(&first[..3], b"\xff\xd8\xff", "a JPEG");
    assert_eq!(call(base.clone()).await, first, "same request, same bytes");
    assert_eq!(
        call(base.clone().guidance_scale(12.0)).await,
        first,
        "other parameters do not matter"
    );
    assert_ne!(
        call(base.clone().seed(6)).await,
        first,
        "another seed, another picture"
    );
    assert_ne!(
        call(Ssd1bRequest::new("a harbour").seed(5)).await,
        first,
        "another prompt"
    );
    // A fresh server draws the same bytes: nothing depends on the process.
    let again = MockServer::start_with(
        MockConfig::default()
            .image_format(ImageFormat::Jpeg)
            .cache_bytes(0),
    )
    .await
    .unwrap();
    assert_eq!(
        client_with(&again, "other", RetryPolicy::none())
            .ssd_1b(&base)
            .await
            .unwrap()
            .bytes()
            .to_vec(),
        first
    );
    // seed -1 is the API's random seed.
    let random = base.clone().seed(-1);
    assert_ne!(call(random.clone()).await, call(random).await);
}

async fn failing_call(server: &MockServer) -> Error {
    client(server)
        .ssd_1b(Ssd1bRequest::new("a lighthouse"))
        .await
        .expect_err("the fault fails the call")
}

#[tokio::test]
async fn every_documented_status_can_be_scripted() {
    let server = MockServer::start().await.unwrap();
    for (status, name) in DOCUMENTED_STATUSES {
        server.push_fault(FaultRule::new("ssd-1b", 1, Fault::status(status)));
        let error = failing_call(&server).await;
        assert_eq!(variant(&error), name, "{status}: {error}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert!(error.to_string().contains("mock fault"), "{error}");
    }
    assert!(server.faults().is_empty(), "each rule is used up");
    // Failed calls cost nothing.
    assert_eq!(server.credits(KEY), None, "no call reached the ledger");
}

#[tokio::test]
async fn retry_after_comes_in_seconds_or_as_a_date() {
    let server = MockServer::start().await.unwrap();
    server.push_fault(FaultRule::new(
        "ssd-1b",
        1,
        Fault::status(429).with_retry_after(7),
    ));
    assert_eq!(
        failing_call(&server).await.retry_after(),
        Some(Duration::from_secs(7))
    );
    server.push_fault(FaultRule::new(
        "ssd-1b",
        1,
        Fault::status(503).with_retry_after_date(30),
    ));
    let wait = failing_call(&server)
        .await
        .retry_after()
        .expect("a date is read");
    // An HTTP date has whole seconds and the clock moves on: a generous bound.
    assert!(
        wait > Duration::from_secs(20) && wait <= Duration::from_secs(31),
        "{wait:?}"
    );
}

#[tokio::test]
async fn scripted_503s_then_success_are_retried_by_the_client() {
    let server = MockServer::start_with(
        MockConfig::default().fault("ssd-1b:2:503,retry-after=0".parse().unwrap()),
    )
    .await
    .unwrap();
    let retrying = RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5));
    let client = client_with(&server, KEY, retrying);
    // Another endpoint is not touched by the rule.
    let canny = AnyRequest::from_json("ssd-canny", seed_example("ssd-canny"))
        .unwrap()
        .unwrap();
    send(&client, &canny, RequestOptions::new().no_retries())
        .await
        .unwrap()
        .expect("ssd-canny succeeds");
    let image = client
        .ssd_1b(Ssd1bRequest::new("a lighthouse"))
        .await
        .expect("the third attempt succeeds");
    assert_eq!(image.remaining_credits(), Some(998.0));
    let statuses: Vec<_> = server
        .requests()
        .iter()
        .filter(|entry| entry.slug.as_deref() == Some("ssd-1b"))
        .map(|entry| entry.status)
        .collect();
    assert_eq!(statuses, [Some(503), Some(503), Some(200)]);
}

#[tokio::test]
async fn latency_truncation_resets_and_slow_bodies() {
    let server = MockServer::start().await.unwrap();
    let request = Ssd1bRequest::new("a lighthouse");

    server.push_fault(FaultRule::any(
        1,
        Fault::latency(Duration::from_millis(300)),
    ));
    let started = Instant::now();
    client(&server)
        .ssd_1b(&request)
        .await
        .expect("late but fine");
    assert!(started.elapsed() >= Duration::from_millis(300));

    server.push_fault(FaultRule::any(1, Fault::truncated_body()));
    let error = failing_call(&server).await;
    assert_eq!(variant(&error), "Decode", "{error}");

    server.push_fault(FaultRule::any(1, Fault::reset_connection()));
    let error = failing_call(&server).await;
    assert_eq!(variant(&error), "Connection", "{error}");

    server.push_fault(FaultRule::any(
        1,
        Fault::slow_body(Duration::from_millis(500)),
    ));
    let started = Instant::now();
    let slow = client(&server)
        .ssd_1b(&request)
        .await
        .expect("slow but whole");
    assert!(started.elapsed() >= Duration::from_millis(400));
    // ssd-1b's spec default size.
    assert_eq!(dimensions(slow.bytes()), (1024, 1024));

    // A slow body that outlasts the client's timeout: the success broke off.
    server.push_fault(FaultRule::any(1, Fault::slow_body(Duration::from_secs(3))));
    let error = client(&server)
        .send_with(
            &request,
            RequestOptions::new().timeout(Duration::from_millis(300)),
        )
        .await
        .expect_err("the body does not arrive in time");
    assert!(matches!(variant(&error), "Decode" | "Timeout"), "{error}");

    let statuses: Vec<_> = server.requests().iter().map(|entry| entry.status).collect();
    assert_eq!(statuses, [Some(200), Some(200), None, Some(200), Some(200)]);
}

#[tokio::test]
async fn faults_by_header_and_through_the_admin_route() {
    let server = MockServer::start().await.unwrap();
    let body = json!({ "prompt": "a lighthouse" });
    let response = post(
        &server,
        "/v1/ssd-1b",
        &[("x-mock-status", "429"), ("x-mock-retry-after", "3")],
        &body,
    )
    .await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "3");
    let response = post(
        &server,
        "/v1/ssd-1b",
        &[("x-mock-status", "503"), ("x-mock-retry-after-date", "60")],
        &body,
    )
    .await;
    assert_eq!(response.status(), 503);
    let date = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(httpdate::parse_http_date(&date).is_ok(), "{date}");
    let response = post(
        &server,
        "/v1/ssd-1b",
        &[("x-mock-fault", "502,latency=10ms")],
        &body,
    )
    .await;
    assert_eq!(response.status(), 502);
    // On the wire: base64 JSON when asked, an array for several samples.
    let one: Value = post(
        &server,
        "/v1/ssd-1b",
        &[],
        &json!({ "prompt": "x", "base64": true }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(one["image"].is_string(), "{one}");
    let two: Value = post(
        &server,
        "/v1/ssd-1b",
        &[],
        &json!({ "prompt": "x", "samples": 2 }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(two["image"].as_array().map(Vec::len), Some(2));
    let response = post(&server, "/v1/ssd-1b", &[("x-mock-format", "jpeg")], &body).await;
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    let jpeg = response.bytes().await.unwrap();
    assert_eq!(
        dimensions(&jpeg),
        (1024, 1024),
        "ssd-1b's spec default size"
    );
    let response = post(&server, "/v1/ssd-1b", &[("x-mock-format", "gif")], &body).await;
    assert_eq!(response.status(), 400);
    let response = post(&server, "/v1/ssd-1b", &[("x-mock-fault", "explode")], &body).await;
    assert_eq!(response.status(), 400);
    let message = response.json::<Value>().await.unwrap()["error"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("unknown fault `explode`"), "{message}");

    let admin = reqwest::Client::new();
    let faults = format!("{}/mock/faults", server.url());
    let added = admin
        .post(&faults)
        .json(&json!({ "slug": "ssd-1b", "times": 2, "fault": "500" }))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 201);
    let added = admin.post(&faults).body("*:1:504").send().await.unwrap();
    assert_eq!(added.status(), 201);
    let listed: Value = admin
        .get(&faults)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed,
        json!([{ "slug": "ssd-1b", "times": 2, "fault": "500" }, { "slug": null, "times": 1, "fault": "504" }])
    );
    let bad = admin
        .post(&faults)
        .json(&json!({ "fault": "200" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(post(&server, "/v1/ssd-1b", &[], &body).await.status(), 500);
    assert_eq!(
        post(
            &server,
            "/v1/ssd-canny",
            &[],
            &json!({"prompt": "x", "image": "u"})
        )
        .await
        .status(),
        504
    );
    assert_eq!(admin.delete(&faults).send().await.unwrap().status(), 204);
    assert!(server.faults().is_empty());
    assert_eq!(post(&server, "/v1/ssd-1b", &[], &body).await.status(), 200);
}

#[tokio::test]
async fn keys_are_checked_and_never_logged() {
    let server = MockServer::start_with(MockConfig::default().accept_keys([KEY]))
        .await
        .unwrap();
    let body = json!({ "prompt": "a lighthouse" });
    let missing = reqwest::Client::new()
        .post(format!("{}/ssd-1b", server.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 401);
    let message: Value = missing.json().await.unwrap();
    assert!(
        message["error"].as_str().unwrap().contains("x-api-key"),
        "{message}"
    );

    let error = client_with(&server, "sk-someone-else", RetryPolicy::none())
        .ssd_1b(Ssd1bRequest::new("a lighthouse"))
        .await
        .unwrap_err();
    assert_eq!(variant(&error), "Unauthorized");
    assert!(error.to_string().contains("invalid API key"), "{error}");
    client(&server)
        .ssd_1b(Ssd1bRequest::new("a lighthouse"))
        .await
        .expect("the known key works");

    let log = serde_json::to_string(&server.requests()).unwrap();
    assert!(
        !log.contains(KEY) && !log.contains("sk-someone-else"),
        "{log}"
    );
    let keys: Vec<_> = server
        .requests()
        .into_iter()
        .map(|entry| entry.key)
        .collect();
    assert_eq!(
        keys,
        [
            None,
            Some(key_fingerprint("sk-someone-else")),
            Some(key_fingerprint(KEY))
        ]
    );
    let admin_log = get(&format!("{}/mock/requests", server.url()), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(!admin_log.contains(KEY), "{admin_log}");
}

/// What the document says of a body, the mock does: a whole-number float
/// is an integer, `null` is not sent, what is not sent takes the spec's
/// default, and a count the spec leaves open is drawn, not refused.
#[tokio::test]
async fn bodies_are_read_as_the_document_reads_them() {
    let server = MockServer::start().await.unwrap();
    let call = |body: Value| {
        let server = &server;
        async move {
            let response = post(server, "/v1/ssd-1b", &[], &body).await;
            let status = response.status().as_u16();
            let kind = response.headers()["content-type"]
                .to_str()
                .unwrap()
                .to_owned();
            (status, kind, response.bytes().await.unwrap().to_vec())
        }
    };
    // No size: the spec's default, 1024x1024, not the mock's 512.
    let (status, kind, bytes) = call(json!({"prompt": "a fox", "seed": 1})).await;
    assert_eq!((status, kind.as_str()), (200, "image/png"));
    let default = (
        Ssd1bRequest::DEFAULT_IMG_WIDTH as u32,
        Ssd1bRequest::DEFAULT_IMG_HEIGHT as u32,
    );
    assert_eq!(default, (1024, 1024));
    assert_eq!(dimensions(&bytes), default);
    // `2.0` is 2, `1.0` is 1, and null members are not sent.
    let (status, kind, body) = call(json!({
        "prompt": "a fox", "seed": 1.0, "samples": 2.0, "scheduler": null, "base64": null
    }))
    .await;
    assert_eq!((status, kind.as_str()), (200, "application/json"));
    let several: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(several["image"].as_array().map(Vec::len), Some(2));
    // A fraction is refused, naming the parameter.
    let (status, _, body) = call(json!({"prompt": "a fox", "num_inference_steps": 30.5})).await;
    assert_eq!(status, 400);
    let message = String::from_utf8_lossy(&body);
    assert!(
        message.contains("`num_inference_steps`: 30.5 is not a whole number"),
        "{message}"
    );
    // A required parameter cannot be null.
    let (status, _, _) = call(json!({"prompt": null})).await;
    assert_eq!(status, 400);
    // flux-schnell's spec bounds no `samples`: the mock answers what it
    // can draw (1 to MAX_SAMPLES) rather than refuse what the spec allows.
    for (asked, drawn) in [(40, segmind::mock::MAX_SAMPLES as usize), (-3, 1), (0, 1)] {
        let body =
            json!({"prompt": "a fox", "seed": 3, "samples": asked, "width": 64, "height": 64});
        let response = post(&server, "/v1/flux-schnell", &[], &body).await;
        assert_eq!(response.status(), 200, "samples {asked}");
        let bytes = response.bytes().await.unwrap();
        let count = match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => map["image"].as_array().map_or(1, Vec::len),
            _ => 1,
        };
        assert_eq!(count, drawn, "samples {asked}");
    }
}

/// A repeated base64 answer comes from the cache, like a raw one: the
/// encoded text is kept beside the bytes.
#[tokio::test]
async fn repeated_base64_answers_are_cached() {
    let server = MockServer::start().await.unwrap();
    let body = json!({"prompt": "a fox", "seed": 5, "base64": true});
    let first = post(&server, "/v1/ssd-1b", &[], &body)
        .await
        .bytes()
        .await
        .unwrap();
    let held = server.usage().images;
    assert_eq!(held, 1, "the base64 text");
    let again = post(&server, "/v1/ssd-1b", &[], &body)
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(first, again);
    assert_eq!(
        server.usage().images,
        held,
        "nothing drawn or encoded again"
    );
    let value: Value = serde_json::from_slice(&first).unwrap();
    use base64::Engine as _;
    let image = base64::engine::general_purpose::STANDARD
        .decode(value["image"].as_str().unwrap())
        .unwrap();
    let raw = post(
        &server,
        "/v1/ssd-1b",
        &[],
        &json!({"prompt": "a fox", "seed": 5}),
    )
    .await
    .bytes()
    .await
    .unwrap();
    assert_eq!(image, raw.to_vec(), "the same image, raw or base64");
    assert_eq!(
        server.usage().images,
        2,
        "the raw bytes kept beside their text"
    );
}

#[tokio::test]
async fn invalid_bodies_get_400_with_the_clients_own_message() {
    let server = MockServer::start().await.unwrap();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry(RetryPolicy::none())
        .skip_validation(true)
        .build()
        .unwrap();
    let request = Ssd1bRequest::new("a lighthouse").img_width(640).samples(9);
    let expected = request.validate().unwrap_err().to_string();
    let error = client.ssd_1b(&request).await.unwrap_err();
    assert_eq!(variant(&error), "BadRequest");
    assert_eq!(error.api_error().unwrap().message, expected);
    assert!(
        expected.contains("`img_width` is 640, but must be one of 1024"),
        "{expected}"
    );

    let unknown = RequestOptions::new().body_field("sharpness", json!(3));
    let error = client
        .send_with(&Ssd1bRequest::new("x"), unknown)
        .await
        .unwrap_err();
    let message = &error.api_error().unwrap().message;
    assert!(message.contains("unknown field `sharpness`"), "{message}");

    let wrong_type = RequestOptions::new().body_field("samples", json!("two"));
    let error = client
        .send_with(&Ssd1bRequest::new("x"), wrong_type)
        .await
        .unwrap_err();
    let message = &error.api_error().unwrap().message;
    assert!(message.contains("invalid value for `samples`"), "{message}");

    let response = post(
        &server,
        "/v1/ssd-1b",
        &[],
        &json!({ "negative_prompt": "x" }),
    )
    .await;
    assert_eq!(response.status(), 400);
    let message: Value = response.json().await.unwrap();
    assert!(
        message["error"]
            .as_str()
            .unwrap()
            .contains("missing field `prompt`"),
        "{message}"
    );

    let not_json = reqwest::Client::new()
        .post(format!("{}/ssd-1b", server.base_url()))
        .header("x-api-key", KEY)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);

    let error = client
        .send_with(&Ssd1bRequest::new("x"), RequestOptions::new())
        .await;
    assert!(error.is_ok());
    let unknown_slug = post(&server, "/v1/ssd-2c", &[], &json!({})).await;
    assert_eq!(unknown_slug.status(), 404);
    assert_eq!(
        server.credits(KEY),
        Some(999.0),
        "only the valid call was charged"
    );
}

#[tokio::test]
async fn credits_run_out_per_key_and_are_reported() {
    let server = MockServer::start_with(
        MockConfig::default()
            .credits(3.0)
            .cost_per_call(1.5)
            .free_credits(2.0),
    )
    .await
    .unwrap();
    let request = Ssd1bRequest::new("a lighthouse");
    let ours = client(&server);
    assert_eq!(
        ours.ssd_1b(&request).await.unwrap().remaining_credits(),
        Some(1.5)
    );
    assert_eq!(
        ours.ssd_1b(&request).await.unwrap().remaining_credits(),
        Some(0.0)
    );
    let error = ours.ssd_1b(&request).await.unwrap_err();
    assert_eq!(variant(&error), "InsufficientCredits", "{error}");
    // Another key has its own ledger.
    let theirs = client_with(&server, "sk-other", RetryPolicy::none());
    assert_eq!(
        theirs.ssd_1b(&request).await.unwrap().remaining_credits(),
        Some(1.5)
    );

    let credits: Value = get(
        &format!("{}/get-user-credits", server.base_url()),
        Some(KEY),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(credits, json!({ "credits": 0.0, "free-credits": 2.0 }));
    server.set_credits(KEY, 10.0);
    assert_eq!(
        ours.ssd_1b(&request).await.unwrap().remaining_credits(),
        Some(8.5)
    );
    let missing = get(&format!("{}/get-user-credits", server.base_url()), None).await;
    assert_eq!(missing.status(), 401);
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let server = MockServer::start_with(MockConfig::default().rate_limit_per_minute(2))
        .await
        .unwrap();
    let client = client(&server);
    let request = Ssd1bRequest::new("a lighthouse");
    client.ssd_1b(&request).await.unwrap();
    client.ssd_1b(&request).await.unwrap();
    let error = client.ssd_1b(&request).await.unwrap_err();
    assert_eq!(variant(&error), "RateLimited");
    let wait = error.retry_after().expect("Retry-After is sent");
    assert!(
        wait >= Duration::from_secs(1) && wait <= Duration::from_secs(60),
        "{wait:?}"
    );
    // Per key: another key is not limited.
    client_with(&server, "sk-other", RetryPolicy::none())
        .ssd_1b(&request)
        .await
        .unwrap();
}

/// Submits `body` to the queued API; the submission's JSON.
async fn submit(server: &MockServer, slug: &str, headers: &[(&str, &str)], body: &Value) -> Value {
    let response = post(server, &format!("/v2/{slug}"), headers, body).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-remaining-credits"));
    response.json().await.unwrap()
}

/// Polls a job's status or result URL until it says `COMPLETED`; the last
/// answer. Bounded: the tests' jobs take 20 ms, well under 200 polls of
/// 10 ms.
async fn poll_until_completed(url: &Value) -> Value {
    let mut answer = Value::Null;
    for _ in 0..200 {
        answer = get(url.as_str().unwrap(), Some(KEY))
            .await
            .json()
            .await
            .unwrap();
        if answer["status"] == "COMPLETED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    answer
}

#[tokio::test]
async fn queued_jobs_move_through_their_phases() {
    let body = json!({ "prompt": "a lighthouse", "seed": 3 });
    // Phases that last an hour, or no time at all, show each status without
    // any race against the clock.
    let queued = MockServer::start_with(
        MockConfig::default().job_timing(Duration::from_secs(3600), Duration::ZERO),
    )
    .await
    .unwrap();
    let job = submit(&queued, "ssd-1b", &[], &body).await;
    assert_eq!(job["status"], "QUEUED");
    let id = job["request_id"].as_str().unwrap();
    assert_eq!(
        job["status_url"],
        format!("{}/v2/requests/{id}/status", queued.url())
    );
    assert_eq!(job["poll_url"], job["status_url"]);
    assert_eq!(
        job["response_url"],
        format!("{}/v2/requests/{id}", queued.url())
    );
    let status: Value = get(job["status_url"].as_str().unwrap(), Some(KEY))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        status,
        json!({ "status": "QUEUED", "request_id": id, "metrics": { "inference_time": 0.0 } })
    );
    let result: Value = get(job["response_url"].as_str().unwrap(), Some(KEY))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(result["output"], Value::Null);
    // Someone else's key, or none, does not see the job.
    assert_eq!(
        get(job["status_url"].as_str().unwrap(), Some("sk-other"))
            .await
            .status(),
        404
    );
    assert_eq!(
        get(job["status_url"].as_str().unwrap(), None)
            .await
            .status(),
        401
    );

    let processing = MockServer::start_with(
        MockConfig::default().job_timing(Duration::ZERO, Duration::from_secs(3600)),
    )
    .await
    .unwrap();
    let job = submit(&processing, "ssd-1b", &[], &body).await;
    let status: Value = get(job["status_url"].as_str().unwrap(), Some(KEY))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["status"], "PROCESSING");
    assert!(status["metrics"]["inference_time"].as_f64().unwrap() >= 0.0);

    let done = MockServer::start_with(
        MockConfig::default().job_timing(Duration::ZERO, Duration::from_millis(20)),
    )
    .await
    .unwrap();
    let job = submit(&done, "ssd-1b", &[], &body).await;
    let status = poll_until_completed(&job["status_url"]).await;
    assert_eq!(status["status"], "COMPLETED", "{status}");
    assert_eq!(status["metrics"]["inference_time"], 0.02);
    let result: Value = get(job["response_url"].as_str().unwrap(), Some(KEY))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(result["status"], "COMPLETED");
    let image = get(result["output"].as_str().unwrap(), None).await;
    assert_eq!(image.headers()["content-type"], "image/png");
    let bytes = image.bytes().await.unwrap();
    // The queued API draws what the synchronous one does for the same request.
    let direct = post(&done, "/v1/ssd-1b", &[], &body)
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes, direct);

    // Several samples: an array of URLs.
    let job = submit(
        &done,
        "ssd-1b",
        &[],
        &with(body.clone(), "samples", json!(2)),
    )
    .await;
    let result = poll_until_completed(&job["response_url"]).await;
    assert_eq!(
        result["output"].as_array().map(Vec::len),
        Some(2),
        "{result}"
    );
    assert_eq!(
        get(&format!("{}/v2/requests/nope", done.url()), Some(KEY))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn queued_jobs_fail_or_expire_on_demand() {
    let server =
        MockServer::start_with(MockConfig::default().job_timing(Duration::ZERO, Duration::ZERO))
            .await
            .unwrap();
    let body = json!({ "prompt": "a lighthouse" });
    let job = submit(&server, "ssd-1b", &[("x-mock-fault", "fail-job")], &body).await;
    for url in [&job["status_url"], &job["response_url"]] {
        let response = get(url.as_str().unwrap(), Some(KEY)).await;
        assert_eq!(response.status(), 422);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["status"], "FAILED");
        assert!(
            answer["error"].as_str().unwrap().contains("failed"),
            "{answer}"
        );
    }
    server.push_fault(FaultRule::new("ssd-1b", 1, Fault::expired_job()));
    let job = submit(&server, "ssd-1b", &[], &body).await;
    for url in [&job["status_url"], &job["response_url"]] {
        let response = get(url.as_str().unwrap(), Some(KEY)).await;
        assert_eq!(response.status(), 404);
        let answer: Value = response.json().await.unwrap();
        assert!(
            answer["error"].as_str().unwrap().contains("expired"),
            "{answer}"
        );
    }
    // A result's lifetime is configurable: zero means gone on completion.
    let short = MockServer::start_with(
        MockConfig::default()
            .job_timing(Duration::ZERO, Duration::ZERO)
            .result_ttl(Duration::ZERO),
    )
    .await
    .unwrap();
    let job = submit(&short, "ssd-1b", &[], &body).await;
    assert_eq!(
        get(job["response_url"].as_str().unwrap(), Some(KEY))
            .await
            .status(),
        404
    );
    // The queued API checks bodies like the synchronous one.
    let bad = post(
        &server,
        "/v2/ssd-1b",
        &[],
        &json!({ "prompt": "x", "samples": 9 }),
    )
    .await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn the_request_log_shows_what_the_client_sent() {
    let server = MockServer::start_with(MockConfig::default().log_capacity(2))
        .await
        .unwrap();
    let request = Ssd1bRequest::new("a lighthouse")
        .seed(11)
        .negative_prompt("fog");
    client(&server).ssd_1b(&request).await.unwrap();
    let entry = &server.requests()[0];
    assert_eq!(entry.method, "POST");
    assert_eq!(entry.path, "/v1/ssd-1b");
    assert_eq!(entry.slug.as_deref(), Some("ssd-1b"));
    assert_eq!(
        entry.body.as_ref(),
        Some(&serde_json::to_value(&request).unwrap())
    );
    assert_eq!(entry.header("content-type"), Some("application/json"));
    assert_eq!(entry.header("x-api-key"), None);
    assert_eq!(entry.status, Some(200));
    for _ in 0..3 {
        client(&server).ssd_1b(&request).await.unwrap();
    }
    let ids: Vec<_> = server.requests().iter().map(|entry| entry.id).collect();
    assert_eq!(ids, [3, 4], "only the latest are kept");
    let admin: Value = get(&format!("{}/mock/requests", server.url()), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(admin.as_array().map(Vec::len), Some(2));
    server.clear_requests();
    assert!(server.requests().is_empty());
}

#[cfg(feature = "blocking")]
#[test]
fn the_blocking_server_serves_the_blocking_client() {
    let server = MockServer::start_blocking().unwrap();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry(RetryPolicy::none())
        .build_blocking()
        .unwrap();
    server.push_fault(FaultRule::new("ssd-1b", 1, Fault::status(500)));
    let error = client.ssd_1b(Ssd1bRequest::new("x")).unwrap_err();
    assert_eq!(variant(&error), "Server");
    let image = client.ssd_1b(Ssd1bRequest::new("x")).unwrap();
    assert_eq!(
        dimensions(image.bytes()),
        (1024, 1024),
        "ssd-1b's spec default size"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_binary_prints_its_url_and_follows_its_flags() {
    use std::io::BufRead as _;
    /// Kills the binary however the test ends.
    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Running(
        std::process::Command::new(env!("CARGO_BIN_EXE_segmind-mock"))
            .args([
                "--port",
                "0",
                "--key",
                KEY,
                "--credits",
                "5",
                "--format",
                "jpeg",
            ])
            .args(["--fault", "ssd-1b:1:503"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the binary starts"),
    );
    let stdout = child.0.stdout.take().unwrap();
    let base_url = tokio::task::spawn_blocking(move || {
        // Bounded: the URL is on the second of the lines it prints.
        std::io::BufReader::new(stdout)
            .lines()
            .take(3)
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix("SEGMIND_BASE_URL=").map(str::to_owned))
    })
    .await
    .unwrap();
    let base_url = base_url.expect("a SEGMIND_BASE_URL line");
    assert!(
        base_url.starts_with("http://127.0.0.1:") && base_url.ends_with("/v1"),
        "{base_url}"
    );
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&base_url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let request = Ssd1bRequest::new("a lighthouse");
    assert_eq!(
        client
            .ssd_1b(&request)
            .await
            .unwrap_err()
            .status()
            .map(|s| s.as_u16()),
        Some(503)
    );
    let image = client.ssd_1b(&request).await.unwrap();
    assert_eq!(image.content_type(), "image/jpeg");
    assert_eq!(image.remaining_credits(), Some(4.0));
    let stranger = Client::builder()
        .api_key("sk-x")
        .base_url(&base_url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(
        variant(&stranger.ssd_1b(&request).await.unwrap_err()),
        "Unauthorized"
    );
    drop(child);
}

/// The resident memory of this process in KiB (Linux), for the load test.
fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_requests_at_concurrency_64_without_errors() {
    const TOTAL: usize = 10_000;
    const CONCURRENCY: usize = 64;
    let server = MockServer::start_with(
        MockConfig::default()
            .credits(1e9)
            .log_capacity(500)
            .cache_bytes(4 << 20),
    )
    .await
    .unwrap();
    let client = client(&server);
    let before = resident_kib();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, next) = (client.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut failures = Vec::new();
            // Bounded: each turn takes one of TOTAL numbers.
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= TOTAL {
                    return failures;
                }
                // Mostly repeated requests, one in ten a fresh picture.
                let seed = if n % 10 == 0 {
                    n as i64
                } else {
                    (n % 7) as i64
                };
                let request = Ssd1bRequest::new("load").seed(seed);
                if let Err(error) = client.ssd_1b(&request).await {
                    failures.push(error.to_string());
                }
            }
        }));
    }
    let mut failures = Vec::new();
    for worker in workers {
        failures.extend(worker.await.unwrap());
    }
    assert!(
        failures.is_empty(),
        "{} failures, first: {:?}",
        failures.len(),
        failures.first()
    );
    assert_eq!(server.credits(KEY), Some(1e9 - TOTAL as f64));
    let usage = server.usage();
    assert_eq!(usage.logged, 500, "the log keeps its capacity");
    assert!(usage.image_bytes <= 4 << 20, "{usage:?}");
    if let (Some(before), Some(after)) = (before, resident_kib()) {
        // Generous: the server holds at most ~5 MiB of state here.
        assert!(
            after.saturating_sub(before) < 256 * 1024,
            "grew from {before} to {after} KiB"
        );
    }
}

/// Where the pages' snippets are kept, one per slug.
fn snippets_dir() -> PathBuf {
    manifest_dir().join("tests/fixtures/seed-snippets")
}

/// Whether `python3` with `requests` can run; in CI (`CI=true`) it must.
fn python_with_requests() -> bool {
    let found = std::process::Command::new("python3")
        .args(["-c", "import requests"])
        .output()
        .map(|output| output.status.success())
        .unwrap_or(false);
    if !found {
        assert!(
            std::env::var("CI").map_or(true, |ci| ci != "true"),
            "CI=true but python3 with `requests` is missing: .ci/run installs it"
        );
        eprintln!(
            "\n!!! SKIPPED: the seed pages' Python snippets were NOT run: python3 with `requests` \
             is missing (python3 -m pip install requests). CI fails here instead.\n"
        );
    }
    found
}

/// The vendor pages' own Python `requests` snippets, copied as they are and
/// run with only the URL and key substituted, get a 200 and an image.
///
/// Two things the pages get wrong show on the way, and the test checks
/// both, so that a fixed page (or a mock that papered over them) is noticed:
///
/// - The snippets write the JSON literal `false` in Python code, so run in a
///   bare namespace they stop with `NameError: name 'false' is not defined`
///   before sending anything. The runner (`run_snippet.py`) then runs the
///   same code with `false`/`true`/`null` bound, the least a reader must add.
/// - On a 200 each snippet calls `response.json()`. With `"base64": false`
///   the API answers raw image bytes, and so does the mock, so that line
///   raises a JSON decode error: the pages' success branch cannot work as
///   written, whatever "Returns: Text/JSON" says. The bytes the snippet
///   received (`response.content`) are an image, decoded here.
#[test]
fn the_seed_pages_python_snippets_get_an_image() {
    if !python_with_requests() {
        return;
    }
    let server = MockServer::start_blocking().unwrap();
    let mut ran = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(snippets_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "py") && !path.ends_with("run_snippet.py")
        })
        .collect();
    entries.sort();
    let out_dir = tempfile::tempdir().unwrap();
    for snippet in entries {
        let slug = snippet.file_stem().unwrap().to_str().unwrap().to_owned();
        assert!(
            segmind::ENDPOINTS.contains(&slug.as_str()),
            "{slug}: no such endpoint"
        );
        let text = std::fs::read_to_string(&snippet).unwrap();
        assert!(
            text.contains("https://api.segmind.com/v1") && text.contains("YOUR_API_KEY"),
            "{slug}"
        );
        let code = text
            .replace("https://api.segmind.com/v1", &server.base_url())
            .replace("YOUR_API_KEY", KEY);
        let code_path = out_dir.path().join(format!("{slug}.py"));
        std::fs::write(&code_path, code).unwrap();
        let image_path = out_dir.path().join(format!("{slug}.out"));
        let output = std::process::Command::new("python3")
            .arg(snippets_dir().join("run_snippet.py"))
            .arg(&code_path)
            .arg(&image_path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{slug}: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{slug}: {e}: {stdout}"));
        assert!(
            report["bare_run_raised"]
                .as_str()
                .is_some_and(|raised| raised.contains("NameError") && raised.contains("false")),
            "{slug}: the page's `false` should stop a bare run: {report}"
        );
        assert_eq!(report["status_code"], 200, "{slug}: {report}");
        assert_eq!(report["content_type"], "image/png", "{slug}");
        assert!(
            report["raised"]
                .as_str()
                .is_some_and(|raised| raised.contains("JSONDecodeError")),
            "{slug}: response.json() on image bytes should raise: {report}"
        );
        let bytes = std::fs::read(&image_path).unwrap();
        let body = seed_example(&slug);
        assert_eq!(dimensions(&bytes), expected_size(&slug, &body), "{slug}");
        ran.push(slug);
    }
    assert!(ran.len() >= 5, "every seed page has a snippet: {ran:?}");
    let logged: Vec<_> = server
        .requests()
        .iter()
        .map(|entry| entry.header("user-agent").map(str::to_owned))
        .collect();
    assert!(
        logged.iter().all(|agent| agent
            .as_deref()
            .is_some_and(|a| a.starts_with("python-requests"))),
        "{logged:?}"
    );
}

#[test]
fn every_seed_page_with_a_snippet_has_its_fixture() {
    // The fixtures are the pages' code: the body each posts is the page's
    // example request, also kept in seed-examples/.
    for entry in std::fs::read_dir(snippets_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.ends_with("run_snippet.py") || path.extension().is_none_or(|ext| ext != "py") {
            continue;
        }
        let slug = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(&format!("\"https://api.segmind.com/v1/{slug}\"")),
            "{slug}"
        );
        assert!(Path::new(
            &manifest_dir().join(format!("tests/fixtures/seed-examples/{slug}.json"))
        )
        .exists());
    }
}
