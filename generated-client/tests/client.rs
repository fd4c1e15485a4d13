//! The async client against a local wiremock server: what goes on the wire,
//! how answers and failures come back, retries, timeouts and secrecy.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use common::fault_server::{Action, FaultServer};
use common::*;
use segmind::{Error, ImageInput, RequestOptions, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{any, body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn jpeg() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(JPEG, "image/jpeg")
}

async fn server_answering(template: ResponseTemplate, expected_calls: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .expect(expected_calls)
        .mount(&server)
        .await;
    server
}

// ---------------------------------------------------------------- the wire

#[tokio::test]
async fn sends_post_to_the_path_with_key_and_exact_json_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(IMAGE_PATH))
        .and(header("x-api-key", KEY))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "prompt": "a cat",
            "image": "https://example.invalid/cat.png",
            "samples": 2
        })))
        .respond_with(jpeg().insert_header("x-remaining-credits", "41.5"))
        .expect(1)
        .mount(&server)
        .await;

    let client = builder(&server.uri()).build().unwrap();
    let mut request = TestImageRequest::new("a cat");
    request.samples = Some(2);
    let response = client.send(&request).await.unwrap();

    assert_eq!(&response.bytes()[..], JPEG);
    assert_eq!(response.content_type(), "image/jpeg");
    assert_eq!(response.images().len(), 1);
    assert_eq!(response.remaining_credits(), Some(41.5));
    assert_eq!(response.meta().status, 200);
    assert_eq!(response.meta().endpoint, "test-img2img");

    let received = &server.received_requests().await.unwrap()[0];
    let agent = received
        .headers
        .get("user-agent")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(agent.starts_with("segmind-rs/"), "{agent}");
    for name in ["x-api-key", "content-type", "user-agent"] {
        assert_eq!(received.headers.get_all(name).iter().count(), 1, "{name}");
    }
}

#[tokio::test]
async fn unset_optionals_are_absent_and_custom_user_agent_is_sent() {
    let server = MockServer::start().await;
    Mock::given(body_json(json!({
        "prompt": "p",
        "image": "https://example.invalid/cat.png"
    })))
    .and(header("user-agent", "my-tool/2"))
    .respond_with(jpeg())
    .expect(1)
    .mount(&server)
    .await;
    let client = builder(&server.uri())
        .user_agent("my-tool/2")
        .build()
        .unwrap();
    client.send(&TestImageRequest::new("p")).await.unwrap();
}

#[tokio::test]
async fn configure_http_adjusts_the_client_but_cannot_turn_redirects_back_on() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(IMAGE_PATH))
        .and(header("x-api-key", KEY))
        .and(header("content-type", "application/json"))
        .and(header("user-agent", "my-tool/3"))
        .and(header("x-proxy-tag", "blue"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/v1/elsewhere"))
        .expect(2)
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .user_agent("my-tool/3")
        .configure_http(|http| {
            let mut tag = reqwest::header::HeaderMap::new();
            tag.insert(
                "x-proxy-tag",
                reqwest::header::HeaderValue::from_static("blue"),
            );
            http.default_headers(tag)
                .redirect(reqwest::redirect::Policy::limited(10))
        })
        .build()
        .unwrap();
    let clone = client.clone();
    for client in [clone, client] {
        let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(307), "{error}");
    }
    for received in server.received_requests().await.unwrap() {
        assert_eq!(received.url.path(), IMAGE_PATH, "the redirect was followed");
        let keys = received.headers.get_all("x-api-key").iter().count();
        assert_eq!(keys, 1, "the key is sent once");
    }
}

// ---------------------------------------------------------------- responses

#[tokio::test]
async fn base64_json_with_one_image_decodes_like_raw_bytes() {
    let body = json!({ "image": b64(PNG) });
    let server = server_answering(ResponseTemplate::new(200).set_body_json(body), 1).await;
    let client = builder(&server.uri()).build().unwrap();
    let mut request = TestImageRequest::new("p");
    request.base64 = Some(true);
    let response = client.send(&request).await.unwrap();
    assert_eq!(&response.bytes()[..], PNG);
    assert_eq!(response.content_type(), "image/png");
}

#[tokio::test]
async fn base64_json_with_several_images_keeps_them_all() {
    let body = json!({ "image": [b64(JPEG), b64(PNG)] });
    let server = server_answering(ResponseTemplate::new(200).set_body_json(body), 1).await;
    let client = builder(&server.uri()).build().unwrap();
    let response = client.send(&TestImageRequest::new("p")).await.unwrap();
    let images = response.images();
    assert_eq!(images.len(), 2);
    assert_eq!(&images[0].bytes()[..], JPEG);
    assert_eq!(images[0].content_type(), "image/jpeg");
    assert_eq!(&images[1].bytes()[..], PNG);
    assert_eq!(images[1].content_type(), "image/png");
    assert_eq!(response.first(), &images[0]);
}

#[tokio::test]
async fn images_are_saved_to_files() {
    let server = server_answering(jpeg(), 1).await;
    let client = builder(&server.uri()).build().unwrap();
    let response = client.send(&TestImageRequest::new("p")).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir
        .path()
        .join(format!("out.{}", response.first().extension()));
    response.save(&file).unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), JPEG);
    let other = dir.path().join("async.jpg");
    response.save_async(&other).await.unwrap();
    assert_eq!(std::fs::read(&other).unwrap(), JPEG);
    let error = response
        .save(dir.path().join("no/such/dir.jpg"))
        .unwrap_err();
    assert_eq!(variant(&error), "Io");
    assert!(error.to_string().contains("dir.jpg"), "{error}");
}

#[tokio::test]
async fn json_endpoints_give_parsed_json() {
    let body = json!({ "status": "ok", "count": 3 });
    let server = MockServer::start().await;
    Mock::given(path(JSON_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let request = TestJsonRequest { prompt: "p".into() };
    let response = client.send(&request).await.unwrap();
    assert_eq!(response.value(), &body);
    #[derive(serde::Deserialize)]
    struct Out {
        count: u32,
    }
    assert_eq!(response.json::<Out>().unwrap().count, 3);
}

#[tokio::test]
async fn truncated_and_invalid_bodies_are_decode_errors_and_not_retried() {
    use std::error::Error as _;
    // The last column: whether a parser's error is behind the message, kept
    // as `source()`.
    let cases: [(&[u8], &str, &str, bool); 4] = [
        (
            br#"{"image": "iVBORw0"#,
            "application/json",
            "invalid JSON",
            true,
        ),
        (
            br#"{"image": "@@not base64@@"}"#,
            "application/json",
            "not valid base64",
            true,
        ),
        (
            br#"{"status": "done"}"#,
            "application/json",
            "no `image`",
            false,
        ),
        (b"", "image/jpeg", "empty", false),
    ];
    for (body, content_type, expected, caused) in cases {
        let template = ResponseTemplate::new(200).set_body_raw(body, content_type);
        let server = server_answering(template, 1).await;
        let client = builder(&server.uri()).build().unwrap();
        let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
        assert_eq!(variant(&error), "Decode", "{error}");
        assert!(error.to_string().contains(expected), "{error}");
        assert!(!error.is_retryable());
        assert_eq!(error.source().is_some(), caused, "{error:?}");
        assert_eq!(error.attempts(), 1);
        assert!(error.elapsed() > Duration::ZERO, "{error:?}");
    }
    let template = ResponseTemplate::new(200).set_body_raw(&b"[1,"[..], "application/json");
    let server = server_answering(template, 1).await;
    let client = builder(&server.uri()).build().unwrap();
    let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
    let cause = error.source().expect("the JSON error is kept");
    let json = cause
        .downcast_ref::<serde_json::Error>()
        .expect("a serde_json error");
    assert!(json.is_eof(), "{json}");
    let template = ResponseTemplate::new(200).set_body_raw(&b"{\"a\": [1,"[..], "application/json");
    let server = server_answering(template, 1).await;
    let client = builder(&server.uri()).build().unwrap();
    let error = client
        .send(&TestJsonRequest { prompt: "p".into() })
        .await
        .unwrap_err();
    assert_eq!(variant(&error), "Decode", "{error}");
}

/// A client for a raw loopback server at `address` that retries up to
/// `attempts` times without waiting.
fn client_without_waits(address: std::net::SocketAddr, attempts: u32) -> segmind::Client {
    let no_wait = RetryPolicy::default()
        .max_attempts(attempts)
        .base_delay(Duration::ZERO);
    builder(&format!("http://{address}"))
        .retry(no_wait)
        .build()
        .unwrap()
}

/// A loopback server that reads each request in full, then answers 200 with
/// a `Content-Length` of 100 and closes after 10 bytes; returns its address
/// and the count of requests it has answered.
async fn answer_with_a_body_that_breaks_off() -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let answered = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&answered);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = Vec::new();
            let mut chunk = [0u8; 4096];
            // Headers, then as many body bytes as they announce.
            while !request_is_complete(&request) {
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&chunk[..n]),
                }
            }
            let head = "HTTP/1.1 200 OK\r\ncontent-type: image/jpeg\r\ncontent-length: 100\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&JPEG[..10]).await;
            let _ = stream.flush().await;
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (address, answered)
}

fn request_is_complete(request: &[u8]) -> bool {
    let text = String::from_utf8_lossy(request);
    let Some(end) = text.find("\r\n\r\n") else {
        return false;
    };
    let length = text[..end]
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    request.len() >= end + 4 + length
}

#[tokio::test]
async fn a_success_whose_body_breaks_off_is_a_decode_error_and_not_paid_for_twice() {
    let (address, answered) = answer_with_a_body_that_breaks_off().await;
    let client = client_without_waits(address, 3);
    let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
    assert_eq!(variant(&error), "Decode", "{error}");
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("200 OK"), "{error}");
    assert!(error.to_string().contains("not retried"), "{error}");
    assert_eq!(answered.load(Ordering::SeqCst), 1);
    // The transport's error is the cause, for a caller who wants to look.
    let cause = std::error::Error::source(&error).expect("the read error is kept");
    assert!(
        cause.downcast_ref::<reqwest::Error>().is_some(),
        "{cause:?}"
    );
}

// ---------------------------------------------------------------- statuses

#[tokio::test]
async fn each_status_maps_to_its_error_with_the_servers_message() {
    let undocumented = [(418, "OtherStatus")];
    for (status, expected) in DOCUMENTED_STATUSES.into_iter().chain(undocumented) {
        let body = json!({ "error": format!("message for {status}") });
        let template = ResponseTemplate::new(status).set_body_json(&body);
        let server = server_answering(template, 1).await;
        let client = builder(&server.uri()).build().unwrap();
        let error = client
            .send_with(&TestImageRequest::new("p"), once())
            .await
            .unwrap_err();
        assert_eq!(variant(&error), expected, "status {status}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        let api = error.api_error().unwrap();
        assert_eq!(api.message, format!("message for {status}"));
        assert_eq!(api.body_text(), body.to_string());
        assert_eq!(api.endpoint(), "test-img2img");
        assert!(error.to_string().contains(&format!("message for {status}")));
    }
}

#[tokio::test]
async fn plain_text_error_bodies_become_the_message() {
    let template = ResponseTemplate::new(406).set_body_string("Not enough credits\n");
    let server = server_answering(template, 1).await;
    let client = builder(&server.uri()).build().unwrap();
    let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
    assert_eq!(variant(&error), "InsufficientCredits");
    let api = error.api_error().unwrap();
    assert_eq!(api.message, "Not enough credits");
    assert_eq!(&api.body[..], b"Not enough credits\n");
}

// ---------------------------------------------------------------- retries

#[tokio::test]
async fn refused_statuses_are_retried_up_to_the_bound() {
    for status in [429, 503] {
        let server = server_answering(ResponseTemplate::new(status), 3).await;
        let client = builder(&server.uri()).build().unwrap();
        let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert!(error.is_safe_to_retry());
        assert_eq!(error.attempts(), 3);
        assert!(error.to_string().contains("(3 attempts)"), "{error}");
        // The mock's `expect(3)` is verified when the server drops.
    }
}

#[tokio::test]
async fn statuses_after_which_work_may_have_started_are_sent_once_by_default() {
    for status in [500, 502, 504] {
        let server = server_answering(ResponseTemplate::new(status), 1).await;
        let client = builder(&server.uri()).build().unwrap();
        let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
        assert!(error.is_retryable() && !error.is_safe_to_retry());
        assert_eq!(error.attempts(), 1);
        assert!(error.to_string().contains("(1 attempt)"), "{error}");
    }
}

#[tokio::test]
async fn per_request_retry_policy_overrides_the_clients() {
    let server = server_answering(ResponseTemplate::new(500), 5).await;
    let client = builder(&server.uri()).build().unwrap();
    let risky = fast_retry().max_attempts(5).retry_may_charge_twice(true);
    let options = RequestOptions::new().retry(risky);
    let error = client
        .send_with(&TestImageRequest::new("p"), options)
        .await
        .unwrap_err();
    assert_eq!(variant(&error), "Server");
    assert_eq!(error.attempts(), 5);

    let server = server_answering(ResponseTemplate::new(503), 1).await;
    let client = builder(&server.uri())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    client.send(&TestImageRequest::new("p")).await.unwrap_err();
}

/// A server that answers `status` twice, then an image.
async fn failing_twice_then_an_image(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(jpeg())
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_retry_that_succeeds_returns_the_image() {
    let server = failing_twice_then_an_image(503).await;
    let client = builder(&server.uri()).build().unwrap();
    let response = client.send(&TestImageRequest::new("p")).await.unwrap();
    assert_eq!(&response.bytes()[..], JPEG);

    let server = failing_twice_then_an_image(502).await;
    let client = builder(&server.uri())
        .retry(fast_retry().retry_may_charge_twice(true))
        .build()
        .unwrap();
    let response = client.send(&TestImageRequest::new("p")).await.unwrap();
    assert_eq!(&response.bytes()[..], JPEG);
}

#[tokio::test]
async fn errors_tell_how_long_the_call_took_with_its_retries() {
    let server = server_answering(ResponseTemplate::new(503), 3).await;
    let wait = Duration::from_millis(40);
    let client = builder(&server.uri())
        .retry(
            RetryPolicy::default()
                .base_delay(wait)
                .max_delay(wait)
                .jitter(false),
        )
        .build()
        .unwrap();
    let start = Instant::now();
    let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
    let took = start.elapsed();
    assert_eq!(error.attempts(), 3);
    // Two waits of 40 ms came between the three attempts.
    assert!(error.elapsed() >= 2 * wait, "{:?}", error.elapsed());
    assert!(error.elapsed() <= took, "{:?} > {took:?}", error.elapsed());
    assert_eq!(error.api_error().unwrap().elapsed, error.elapsed());

    let invalid = TestImageRequest {
        samples: Some(99),
        ..TestImageRequest::new("p")
    };
    let error = client.send(&invalid).await.unwrap_err();
    assert_eq!((error.attempts(), error.elapsed()), (0, Duration::ZERO));
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for status in [400, 401, 403, 404, 406] {
        let server = server_answering(ResponseTemplate::new(status), 1).await;
        let client = builder(&server.uri()).build().unwrap();
        let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
        assert!(!error.is_retryable(), "status {status}");
    }
}

/// A server that answers 429 with `retry_after` once, then an image; returns
/// how long the call took.
async fn time_retry_after(retry_after: &str, max_delay: Duration) -> Duration {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", retry_after))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(jpeg())
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .retry(fast_retry().max_delay(max_delay))
        .build()
        .unwrap();
    let start = Instant::now();
    client.send(&TestImageRequest::new("p")).await.unwrap();
    start.elapsed()
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let elapsed = time_retry_after("1", Duration::from_secs(10)).await;
    assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    // Dates have whole-second precision: two seconds ahead is at least one.
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let elapsed = time_retry_after(&date, Duration::from_secs(10)).await;
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
}

#[tokio::test]
async fn a_retry_after_longer_than_the_policy_allows_ends_the_call_at_once() {
    // Retrying before the server said would only be refused again.
    let template = ResponseTemplate::new(429).insert_header("retry-after", "99999");
    let server = server_answering(template, 1).await;
    let client = builder(&server.uri())
        .retry(fast_retry().max_delay(Duration::from_secs(30)))
        .build()
        .unwrap();
    let start = Instant::now();
    let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(variant(&error), "RateLimited");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(99999)));
    assert_eq!(error.attempts(), 1);
    assert!(error.to_string().contains("99999 s"), "{error}");
}

#[tokio::test]
async fn the_retry_after_header_is_exposed_on_the_error() {
    let template = ResponseTemplate::new(429).insert_header("retry-after", "7");
    let server = server_answering(template, 1).await;
    let client = builder(&server.uri()).build().unwrap();
    let error = client
        .send_with(&TestImageRequest::new("p"), once())
        .await
        .unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
}

// ---------------------------------------------------------------- transport

#[tokio::test]
async fn a_slow_server_times_out_per_request() {
    let slow = jpeg().set_delay(Duration::from_secs(2));
    let server = server_answering(slow, 1).await;
    let client = builder(&server.uri()).build().unwrap();
    let options = once().timeout(Duration::from_millis(100));
    let start = Instant::now();
    let error = client
        .send_with(&TestImageRequest::new("p"), options)
        .await
        .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(variant(&error), "Timeout", "{error}");
    assert!(error.is_timeout() && error.is_retryable());
}

#[tokio::test]
async fn timeouts_are_retried_only_when_the_caller_accepts_paying_twice() {
    let slow = jpeg().set_delay(Duration::from_secs(2));
    let server = server_answering(slow.clone(), 1).await;
    let client = builder(&server.uri())
        .timeout(Duration::from_millis(100))
        .retry(fast_retry().max_attempts(2))
        .build()
        .unwrap();
    let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
    assert_eq!(variant(&error), "Timeout", "{error}");
    assert_eq!(error.attempts(), 1);

    let server = server_answering(slow, 2).await;
    let client = builder(&server.uri())
        .timeout(Duration::from_millis(100))
        .retry(fast_retry().max_attempts(2).retry_may_charge_twice(true))
        .build()
        .unwrap();
    let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
    assert_eq!(variant(&error), "Timeout", "{error}");
    assert_eq!(error.attempts(), 2);
}

#[tokio::test]
async fn the_total_timeout_cuts_the_attempt_that_would_outlast_it() {
    let slow = jpeg().set_delay(Duration::from_secs(3));
    let server = server_answering(slow, 1).await;
    let client = builder(&server.uri())
        .timeout(Duration::from_secs(30))
        .total_timeout(Duration::from_millis(300))
        .retry(fast_retry().max_attempts(5))
        .build()
        .unwrap();
    let start = Instant::now();
    let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
    let elapsed = start.elapsed();
    assert_eq!(variant(&error), "Timeout", "{error}");
    assert!(elapsed >= Duration::from_millis(290), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn a_retry_whose_wait_outlasts_the_total_timeout_is_not_made() {
    let template = ResponseTemplate::new(429).insert_header("retry-after", "5");
    let server = server_answering(template, 1).await;
    let client = builder(&server.uri())
        .retry(fast_retry().max_delay(Duration::from_secs(10)))
        .build()
        .unwrap();
    let options = RequestOptions::new().total_timeout(Duration::from_secs(2));
    let start = Instant::now();
    let error = client
        .send_with(&TestImageRequest::new("p"), options)
        .await
        .unwrap_err();
    assert_eq!(variant(&error), "RateLimited", "{error}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(5)));
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn retries_that_fit_in_the_total_timeout_are_made() {
    let server = failing_twice_then_an_image(503).await;
    let client = builder(&server.uri())
        .total_timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    client.send(&TestImageRequest::new("p")).await.unwrap();
}

#[tokio::test]
async fn a_connection_closed_after_sending_is_not_retried_unless_the_caller_accepts_paying_twice() {
    let server = FaultServer::start(|_| Action::CloseAfterRead);
    let client = client_without_waits(server.address, 4);
    let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
    assert_eq!(variant(&error), "Connection", "{error}");
    assert!(error.is_retryable() && !error.is_safe_to_retry());
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.requests(), 1);

    // Opting in retries it, within the bound; an attempt can fail only
    // after the server has read the request and closed, so the count is
    // exact.
    let risky = RequestOptions::new().retry(
        RetryPolicy::default()
            .max_attempts(4)
            .base_delay(Duration::ZERO)
            .retry_may_charge_twice(true),
    );
    let error = client
        .send_with(&TestImageRequest::new("p"), risky)
        .await
        .unwrap_err();
    assert_eq!(variant(&error), "Connection", "{error}");
    assert_eq!(error.attempts(), 4);
    assert_eq!(server.requests(), 5);
}

// ---------------------------------------------------------------- validation

#[tokio::test]
async fn an_invalid_request_sends_nothing() {
    let server = server_answering(jpeg(), 0).await;
    let client = builder(&server.uri()).build().unwrap();
    let mut request = TestImageRequest::new("p");
    request.samples = Some(9);
    request.image = ImageInput::base64("");
    let error = client.send(&request).await.unwrap_err();
    let Error::Validation(errors) = &error else {
        panic!("expected a validation error, got {error:?}");
    };
    let params: Vec<_> = errors.violations.iter().map(|v| v.param).collect();
    assert_eq!(params, ["image", "samples"]);
    assert!(error.to_string().contains("`samples` is 9"), "{error}");
}

#[tokio::test]
async fn validation_can_be_skipped_per_request_or_per_client() {
    let server = server_answering(jpeg(), 2).await;
    let mut request = TestImageRequest::new("p");
    request.samples = Some(9);
    let client = builder(&server.uri()).build().unwrap();
    let options = RequestOptions::new().skip_validation(true);
    client.send_with(&request, options).await.unwrap();
    let client = builder(&server.uri())
        .skip_validation(true)
        .build()
        .unwrap();
    client.send(&request).await.unwrap();
}

#[tokio::test]
async fn body_fields_replace_or_add_to_what_the_request_sends() {
    let server = MockServer::start().await;
    Mock::given(body_json(json!({
        "prompt": "p",
        "image": "https://example.invalid/cat.png",
        "samples": 9,
        "scheduler": "a scheduler the spec does not list",
    })))
    .respond_with(jpeg())
    .expect(1)
    .mount(&server)
    .await;
    let client = builder(&server.uri()).build().unwrap();
    let mut request = TestImageRequest::new("p");
    request.samples = Some(2);
    let options = RequestOptions::new()
        .body_field("samples", 9)
        .body_field("scheduler", "a scheduler the spec does not list");
    client.send_with(&request, options).await.unwrap();
}

// ---------------------------------------------------------------- secrecy

#[tokio::test]
async fn the_key_never_appears_in_debug_output_or_errors() {
    let echo = json!({ "error": format!("invalid key {KEY}") });
    let template = ResponseTemplate::new(401).set_body_json(echo);
    let server = server_answering(template, 1).await;
    let builder = builder(&server.uri());
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();

    let outputs = [
        builder_debug,
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{error}"),
        format!("{error:?}"),
        format!("{:?}", segmind::ApiKey::new(KEY)),
        format!("{}", segmind::ApiKey::new(KEY)),
    ];
    for output in &outputs {
        assert!(!output.contains(KEY), "key leaked: {output}");
        assert!(!output.contains("SECRET"), "key leaked: {output}");
    }
    assert!(outputs[1].contains("***"), "{}", outputs[1]);
    assert!(error.to_string().contains("invalid key ***"), "{error}");
    assert!(!error.api_error().unwrap().body_text().contains(KEY));
}

#[tokio::test]
async fn a_key_echoed_in_headers_or_a_success_body_is_redacted() {
    let echoed = ResponseTemplate::new(200)
        .insert_header("x-debug-key", format!("key={KEY}").as_str())
        .set_body_raw(JPEG, "image/jpeg");
    let server = server_answering(echoed, 1).await;
    let client = builder(&server.uri()).build().unwrap();
    let image = client.send(&TestImageRequest::new("p")).await.unwrap();
    let debug = format!("{image:?} {:?}", image.meta().headers);
    assert!(!debug.contains(KEY), "key leaked: {debug}");
    assert_eq!(image.meta().headers["x-debug-key"], "key=***");

    let said = json!({ "error": format!("key {KEY} has no image for you") });
    let template = ResponseTemplate::new(200)
        .insert_header("x-debug-key", KEY)
        .set_body_json(said);
    let server = server_answering(template, 1).await;
    let client = builder(&server.uri()).build().unwrap();
    let error = client.send(&TestImageRequest::new("p")).await.unwrap_err();
    assert_eq!(variant(&error), "Decode", "{error}");
    let output = format!("{error} {error:?}");
    assert!(!output.contains(KEY), "key leaked: {output}");
    assert!(output.contains("key *** has no image"), "{output}");
}

#[tokio::test]
async fn transport_errors_do_not_contain_the_key() {
    let server = FaultServer::start(|_| Action::CloseAfterRead);
    let client = builder(&format!("http://{}", server.address))
        .build()
        .unwrap();
    let error = client
        .send_with(&TestImageRequest::new("p"), once())
        .await
        .unwrap_err();
    assert_eq!(variant(&error), "Connection", "{error}");
    let output = format!("{error} {error:?} {:?}", std::error::Error::source(&error));
    assert!(!output.contains(KEY), "key leaked: {output}");

    let slow = jpeg().set_delay(Duration::from_secs(2));
    let server = server_answering(slow, 1).await;
    let client = builder(&server.uri()).build().unwrap();
    let options = once().timeout(Duration::from_millis(100));
    let error = client
        .send_with(&TestImageRequest::new("p"), options)
        .await
        .unwrap_err();
    assert_eq!(variant(&error), "Timeout", "{error}");
    let output = format!("{error} {error:?} {:?}", std::error::Error::source(&error));
    assert!(!output.contains(KEY), "key leaked: {output}");
}

#[test]
fn connection_and_config_errors_do_not_contain_the_key() {
    let error = segmind::Client::builder()
        .api_key(KEY)
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert_eq!(variant(&error), "Config");
    assert!(!format!("{error} {error:?}").contains(KEY));
}

// ---------------------------------------------------------------- image inputs

#[test]
fn image_files_are_read_as_plain_base64() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.png");
    std::fs::write(&file, PNG).unwrap();
    let input = ImageInput::from_file(&file).unwrap();
    assert_eq!(input.as_str(), b64(PNG));
    assert!(!input.as_str().starts_with("data:"));
}

#[test]
fn unreadable_or_empty_image_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.png");
    let error = ImageInput::from_file(&missing).unwrap_err();
    assert_eq!(variant(&error), "Io");
    let message = error.to_string();
    assert!(message.contains("cannot read image file"), "{message}");
    assert!(message.contains("missing.png"), "{message}");

    let empty = dir.path().join("empty.png");
    std::fs::write(&empty, b"").unwrap();
    let message = ImageInput::from_file(&empty).unwrap_err().to_string();
    assert!(
        message.contains("empty.png") && message.contains("empty"),
        "{message}"
    );
}

#[tokio::test]
async fn image_files_are_read_without_blocking_too() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.png");
    std::fs::write(&file, PNG).unwrap();
    let input = ImageInput::from_file_async(&file).await.unwrap();
    assert_eq!(input, ImageInput::from_file(&file).unwrap());
    assert_eq!(input.as_str(), b64(PNG));
}

#[tokio::test]
async fn unreadable_or_empty_image_files_are_clear_errors_when_read_async() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.png");
    let error = ImageInput::from_file_async(&missing).await.unwrap_err();
    assert_eq!(variant(&error), "Io");
    let message = error.to_string();
    assert!(message.contains("cannot read image file"), "{message}");
    assert!(message.contains("missing.png"), "{message}");
    let Error::Io { source, .. } = &error else {
        unreachable!()
    };
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);

    let empty = dir.path().join("empty.png");
    std::fs::write(&empty, b"").unwrap();
    let error = ImageInput::from_file_async(&empty).await.unwrap_err();
    assert_eq!(variant(&error), "Io");
    let message = error.to_string();
    assert!(
        message.contains("empty.png") && message.contains("the file is empty"),
        "{message}"
    );

    // A directory is not a readable file either.
    let error = ImageInput::from_file_async(dir.path()).await.unwrap_err();
    assert_eq!(variant(&error), "Io", "{error}");
}
