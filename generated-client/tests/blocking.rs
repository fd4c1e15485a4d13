//! The blocking client (cargo feature `blocking`) against wiremock, which
//! runs on a runtime of its own while the test thread blocks.
#![cfg(feature = "blocking")]

mod common;

use std::time::Duration;

use common::fault_server::{Action, FaultServer};
use common::*;
use serde_json::json;
use wiremock::matchers::{any, body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn blocking_client_sends_and_decodes() {
    let runtime = runtime();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(IMAGE_PATH))
            .and(header("x-api-key", KEY))
            .and(header("content-type", "application/json"))
            .and(body_json(json!({
                "prompt": "p",
                "image": "https://example.invalid/cat.png"
            })))
            .respond_with(ResponseTemplate::new(200).set_body_raw(JPEG, "image/jpeg"))
            .expect(1)
            .mount(&server)
            .await;
        server
    });
    let client = builder(&server.uri()).build_blocking().unwrap();
    let response = client.send(&TestImageRequest::new("p")).unwrap();
    assert_eq!(&response.bytes()[..], JPEG);
    assert!(!format!("{client:?}").contains(KEY));
    drop(client);
    runtime.block_on(server.verify());
}

#[test]
fn a_supplied_blocking_client_gets_the_headers() {
    let runtime = runtime();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(IMAGE_PATH))
            .and(header("x-api-key", KEY))
            .and(header("content-type", "application/json"))
            .and(header("user-agent", "my-tool/4"))
            .and(header("x-proxy-tag", "green"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(JPEG, "image/jpeg"))
            .expect(1)
            .mount(&server)
            .await;
        server
    });
    let client = builder(&server.uri())
        .user_agent("my-tool/4")
        .configure_blocking_http(|http| {
            let mut tag = reqwest::header::HeaderMap::new();
            tag.insert(
                "x-proxy-tag",
                reqwest::header::HeaderValue::from_static("green"),
            );
            http.default_headers(tag)
        })
        .build_blocking()
        .unwrap();
    client.send(&TestImageRequest::new("p")).unwrap();
    drop(client);
    runtime.block_on(server.verify());
}

#[test]
fn blocking_client_retries_maps_errors_and_validates() {
    let runtime = runtime();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
            .expect(3)
            .mount(&server)
            .await;
        server
    });
    let client = builder(&server.uri()).build_blocking().unwrap();
    let error = client.send(&TestImageRequest::new("p")).unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.api_error().unwrap().message, "busy");

    let mut invalid = TestImageRequest::new("p");
    invalid.samples = Some(0);
    let error = client.send(&invalid).unwrap_err();
    assert_eq!(variant(&error), "Validation");
    drop(client);
    runtime.block_on(server.verify());
}

#[test]
fn blocking_client_retries_a_closed_connection_only_when_told_it_may_charge_twice() {
    let server = FaultServer::start(|_| Action::CloseAfterRead);
    let no_wait = segmind::RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::ZERO);
    let client = builder(&format!("http://{}", server.address))
        .retry(no_wait)
        .build_blocking()
        .unwrap();
    let error = client.send(&TestImageRequest::new("p")).unwrap_err();
    assert_eq!(variant(&error), "Connection", "{error}");
    assert_eq!(server.requests(), 1);
    let risky = segmind::RequestOptions::new().retry(no_wait.retry_may_charge_twice(true));
    let error = client
        .send_with(&TestImageRequest::new("p"), risky)
        .unwrap_err();
    assert_eq!(variant(&error), "Connection", "{error}");
    assert_eq!(error.attempts(), 3);
    assert_eq!(server.requests(), 4);
}

#[test]
fn blocking_client_times_out() {
    let runtime = runtime();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
            .mount(&server)
            .await;
        server
    });
    let client = builder(&server.uri()).build_blocking().unwrap();
    let options = once().timeout(Duration::from_millis(100));
    let error = client
        .send_with(&TestImageRequest::new("p"), options)
        .unwrap_err();
    assert_eq!(variant(&error), "Timeout", "{error}");
}

#[test]
fn an_unbounded_timeout_is_accepted_rather_than_overflowing() {
    let runtime = runtime();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_raw(JPEG, "image/jpeg"))
            .expect(2)
            .mount(&server)
            .await;
        server
    });
    // A deadline is now + timeout; `Duration::MAX` must not overflow it.
    let client = builder(&server.uri())
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .build_blocking()
        .unwrap();
    client.send(&TestImageRequest::new("p")).unwrap();
    let options = once().timeout(Duration::MAX);
    client
        .send_with(&TestImageRequest::new("p"), options)
        .unwrap();
    drop(client);
    runtime.block_on(server.verify());
}

#[test]
fn the_blocking_client_keeps_to_the_total_timeout() {
    let runtime = runtime();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "5"))
            .expect(1)
            .mount(&server)
            .await;
        server
    });
    let client = builder(&server.uri())
        .retry(fast_retry().max_delay(Duration::from_secs(10)))
        .total_timeout(Duration::from_secs(2))
        .build_blocking()
        .unwrap();
    let start = std::time::Instant::now();
    let error = client.send(&TestImageRequest::new("p")).unwrap_err();
    assert_eq!(variant(&error), "RateLimited", "{error}");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    drop(client);
    runtime.block_on(server.verify());
}
