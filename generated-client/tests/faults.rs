//! The fault suite: the async and the blocking client against a loopback
//! server that sends what real servers and proxies send when things go
//! wrong. For every kind of fault each client is checked for
//!
//! - the error it returns (or that it succeeds),
//! - how many requests the server read, and how many attempts the error
//!   reports: a paid call is sent again only when it cannot have been
//!   charged (it never left, or the server refused it with 429 or 503),
//! - how long the call took, within bounds,
//! - that a distinctive fake key appears nowhere: not in `Display`, `{:?}`
//!   or `{:#?}` of the error, the client or the response, nor in any log
//!   line captured at TRACE, in any spelling a server may echo it in.
//!
//! Peak memory and open file descriptors are measured in
//! `fault_resources.rs`, a process of its own.
#![cfg(feature = "blocking")]

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use common::fault_server::{head, response, Action, FaultServer};
use common::logs::{capture_logs, captured_logs};
use common::{variant, TestImageRequest, TestJsonRequest, JPEG};
use segmind::{ClientBuilder, Error, RetryPolicy};

/// The fake key: a `/` so that `\/` escaping applies, a `+` so that
/// percent-encoding changes it.
const KEY: &str = "sk-fault/KEY+7f3a9c";
/// The key as `json_encode` writes it, and with its first letter
/// `\u`-escaped, and percent-encoded.
const KEY_SLASH_ESCAPED: &str = r"sk-fault\/KEY+7f3a9c";
const KEY_U_ESCAPED: &str = r"\u0073k-fault\/KEY+7f3a9c";
const KEY_PERCENT: &str = "sk-fault%2FKEY%2B7f3a9c";

// ------------------------------------------------------------- the cases

/// A further assertion on a case's error.
type Check = Box<dyn Fn(&Error) + Send + Sync>;

/// One kind of fault and what a client must do with it.
struct Case {
    plan: Arc<dyn Fn(usize) -> Action + Send + Sync>,
    /// The error variant, or `"Ok"`.
    expect: &'static str,
    /// Requests the server reads in full.
    seen: usize,
    /// Attempts the error reports (for an error).
    attempts: u32,
    within: (Duration, Duration),
    configure: Box<dyn Fn(ClientBuilder) -> ClientBuilder + Send + Sync>,
    /// Sends a request to a JSON endpoint instead of an image one.
    json: bool,
    /// A server that must see no request at all (a redirect's target).
    untouched: Option<FaultServer>,
    /// More checks on the error.
    check: Option<Check>,
    /// Calls the server with `https`, which it does not speak.
    https: bool,
}

impl Case {
    fn new(plan: impl Fn(usize) -> Action + Send + Sync + 'static) -> Self {
        Self {
            plan: Arc::new(plan),
            expect: "Ok",
            seen: 1,
            attempts: 1,
            within: (Duration::ZERO, Duration::from_secs(5)),
            configure: Box::new(|builder| builder),
            json: false,
            untouched: None,
            check: None,
            https: false,
        }
    }

    /// Always the same action.
    fn always(action: Action) -> Self {
        Self::new(move |_| action.clone())
    }

    /// `action` for the first `times` requests, then a JPEG.
    fn then_ok(action: Action, times: usize) -> Self {
        Self::new(move |n| if n < times { action.clone() } else { jpeg() })
    }

    fn expect(mut self, variant: &'static str, seen: usize) -> Self {
        self.expect = variant;
        self.seen = seen;
        self.attempts = seen as u32;
        self
    }

    fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    fn within(mut self, min: Duration, max: Duration) -> Self {
        self.within = (min, max);
        self
    }

    fn client(
        mut self,
        configure: impl Fn(ClientBuilder) -> ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.configure = Box::new(configure);
        self
    }

    fn https(mut self) -> Self {
        self.https = true;
        self
    }

    fn json(mut self) -> Self {
        self.json = true;
        self
    }

    fn untouched(mut self, server: FaultServer) -> Self {
        self.untouched = Some(server);
        self
    }

    fn check(mut self, check: impl Fn(&Error) + Send + Sync + 'static) -> Self {
        self.check = Some(Box::new(check));
        self
    }
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn jpeg() -> Action {
    Action::Send(response("200 OK", &[("content-type", "image/jpeg")], JPEG))
}

/// A status with a JSON error body.
fn status(line: &str, message: &str) -> Action {
    let body = format!(r#"{{"error":"{message}"}}"#);
    Action::Send(response(
        line,
        &[("content-type", "application/json")],
        body.as_bytes(),
    ))
}

fn status_with(line: &str, headers: &[(&str, &str)]) -> Action {
    Action::Send(response(line, headers, b"{\"error\":\"busy\"}"))
}

/// A 200 with this content type and body.
fn ok_body(content_type: &str, body: &[u8]) -> Action {
    Action::Send(response("200 OK", &[("content-type", content_type)], body))
}

fn http_date(from_now: Duration) -> String {
    httpdate::fmt_http_date(SystemTime::now() + from_now)
}

fn may_charge_twice(builder: ClientBuilder) -> ClientBuilder {
    builder.retry(suite_retry().retry_may_charge_twice(true))
}

fn short_timeout(builder: ClientBuilder) -> ClientBuilder {
    builder.timeout(ms(300))
}

/// Followed redirects, asked for through the HTTP client hook, which the
/// client must override.
fn redirects_asked_for(builder: ClientBuilder) -> ClientBuilder {
    builder
        .configure_http(|http| http.redirect(reqwest::redirect::Policy::limited(10)))
        .configure_blocking_http(|http| http.redirect(reqwest::redirect::Policy::limited(10)))
}

/// A redirect from the fault server to another loopback host, 127.0.0.2,
/// which must never see the request (nor the key in its header).
fn redirect_elsewhere(line: &'static str) -> Case {
    let elsewhere = FaultServer::start_on(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)), |_| jpeg());
    let location = format!("http://{}/v1/test-img2img", elsewhere.address);
    Case::always(Action::Send(response(
        line,
        &[("location", &location)],
        b"",
    )))
    .expect("OtherStatus", 1)
    .untouched(elsewhere)
}

fn headers_echoing_the_key(line: &str) -> Action {
    Action::Send(response(
        line,
        &[
            ("content-type", "image/jpeg"),
            ("x-echo-raw", KEY),
            ("x-echo-json", KEY_U_ESCAPED),
            ("x-echo-slash", KEY_SLASH_ESCAPED),
            ("x-echo-percent", KEY_PERCENT),
            ("set-cookie", &format!("session={KEY}; Path=/")),
        ],
        JPEG,
    ))
}

fn many_headers(count: usize) -> Action {
    let names: Vec<String> = (0..count).map(|n| format!("x-filler-{n}")).collect();
    let headers: Vec<(&str, &str)> = names
        .iter()
        .map(|name| (name.as_str(), "1"))
        .chain([("content-type", "image/jpeg")])
        .collect();
    Action::Send(response("200 OK", &headers, JPEG))
}

/// Every case, by name; the macro below makes an async and a blocking test
/// of each.
macro_rules! fault_cases {
    ($($name:ident => $case:expr;)*) => {
        mod async_client {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    run_async($case).await;
                }
            )*
        }
        mod blocking_client {
            use super::*;
            $(
                #[test]
                fn $name() {
                    run_blocking($case);
                }
            )*
        }
        /// The suite holds the kinds it promises.
        #[test]
        fn the_suite_covers_at_least_25_kinds() {
            let names = [$(stringify!($name)),*];
            assert!(names.len() >= 25, "{} kinds", names.len());
        }
    };
}

fault_cases! {
    // Every documented status, and two that are not documented.
    bad_request_400 => Case::always(status("400 Bad Request", "prompt is required")).expect("BadRequest", 1);
    unauthorized_401 => Case::always(status("401 Unauthorized", "invalid api key")).expect("Unauthorized", 1);
    forbidden_403 => Case::always(status("403 Forbidden", "not for this key")).expect("Forbidden", 1);
    not_found_404 => Case::always(status("404 Not Found", "no such model")).expect("NotFound", 1);
    insufficient_credits_406 => Case::always(status("406 Not Acceptable", "insufficient credits")).expect("InsufficientCredits", 1);
    teapot_418 => Case::always(status("418 I'm a teapot", "short and stout")).expect("OtherStatus", 1);
    gone_410 => Case::always(status("410 Gone", "model retired")).expect("OtherStatus", 1);
    // After these the server may have started (and billed) the work.
    server_error_500_sent_once => Case::always(status("500 Internal Server Error", "oops")).expect("Server", 1);
    server_error_500_retried_when_opted_in => Case::always(status("500 Internal Server Error", "oops"))
        .client(may_charge_twice)
        .expect("Server", 3);
    bad_gateway_502_sent_once => Case::always(status("502 Bad Gateway", "upstream")).expect("BadGateway", 1);
    gateway_timeout_504_sent_once => Case::always(status("504 Gateway Timeout", "slow")).expect("GatewayTimeout", 1);
    // Refusals: retried, waiting as long as the server asks.
    rate_limited_429_retry_after_seconds => Case::then_ok(status_with("429 Too Many Requests", &[("retry-after", "1")]), 1)
        .expect("Ok", 2)
        .within(ms(950), Duration::from_secs(5));
    rate_limited_429_retry_after_date => Case::then_ok(status_with("429 Too Many Requests", &[("retry-after", &http_date(Duration::from_secs(2)))]), 1)
        .expect("Ok", 2)
        .within(ms(900), Duration::from_secs(5));
    rate_limited_429_retry_after_huge => Case::always(status_with("429 Too Many Requests", &[("retry-after", "99999")]))
        .expect("RateLimited", 1)
        .within(Duration::ZERO, Duration::from_secs(2))
        .check(|error| assert_eq!(error.retry_after(), Some(Duration::from_secs(99999))));
    rate_limited_429_until_out_of_attempts => Case::always(status_with("429 Too Many Requests", &[]))
        .expect("RateLimited", 3);
    unavailable_503_retry_after_seconds => Case::then_ok(status_with("503 Service Unavailable", &[("retry-after", "1")]), 1)
        .expect("Ok", 2)
        .within(ms(950), Duration::from_secs(5));
    unavailable_503_retry_after_date => Case::then_ok(status_with("503 Service Unavailable", &[("retry-after", &http_date(Duration::from_secs(2)))]), 1)
        .expect("Ok", 2)
        .within(ms(900), Duration::from_secs(5));
    unavailable_503_retry_after_huge => Case::always(status_with("503 Service Unavailable", &[("retry-after", "99999")]))
        .expect("ServiceUnavailable", 1)
        .within(Duration::ZERO, Duration::from_secs(2));
    // The connection misbehaves.
    reset_before_the_request_is_read => Case::always(Action::ResetBeforeRead)
        .expect("Connection", 0)
        .attempts(1);
    reset_after_the_request_is_read => Case::always(Action::ResetAfterRead).expect("Connection", 1);
    closed_after_the_request_is_read => Case::always(Action::CloseAfterRead).expect("Connection", 1);
    closed_unanswered_retried_when_opted_in => Case::always(Action::CloseAfterRead)
        .client(may_charge_twice)
        .expect("Connection", 3);
    accepted_and_silent => Case::always(Action::Silent(Duration::from_secs(8)))
        .client(short_timeout)
        .expect("Timeout", 1)
        .within(ms(280), Duration::from_secs(4));
    truncated_body => Case::always(Action::SendAndClose({
            let mut bytes = head("200 OK", &[("content-type", "image/jpeg"), ("content-length", "100")]);
            bytes.extend_from_slice(&JPEG[..6]);
            bytes
        }))
        .expect("Decode", 1);
    slow_drip_body => Case::always(Action::Drip {
            head: head("200 OK", &[("content-type", "image/jpeg"), ("content-length", "1000")]),
            chunk: vec![0xFF],
            every: ms(50),
            count: 100,
        })
        .client(short_timeout)
        .expect("Decode", 1)
        .within(ms(280), Duration::from_secs(4));
    // The body is not what it says.
    invalid_json => Case::always(ok_body("application/json", b"{\"image\": \"/9j/")).expect("Decode", 1);
    bad_base64 => Case::always(ok_body("application/json", br#"{"image": "%%%not base64%%%"}"#)).expect("Decode", 1);
    html_instead_of_an_image => Case::always(ok_body("text/html", b"<html><body>502 Bad Gateway</body></html>")).expect("Decode", 1);
    empty_image => Case::always(ok_body("image/jpeg", b"")).expect("Decode", 1);
    // Not HTTP the client can read: delivered, so never retried.
    too_many_headers => Case::always(many_headers(120)).expect("MalformedResponse", 1);
    malformed_status_line => Case::always(Action::Send(b"HTTP/1.1 2OO OK\r\ncontent-length: 0\r\n\r\n".to_vec()))
        .expect("MalformedResponse", 1);
    not_http_at_all => Case::always(Action::SendAndClose(b"SSH-2.0-OpenSSH_9.6\r\n".to_vec()))
        .expect("MalformedResponse", 1);
    // Bodies over the limits.
    huge_body_without_a_length => Case::always(Action::Stream {
            head: head("200 OK", &[("content-type", "image/jpeg"), ("connection", "close")]),
            total: 1 << 30,
        })
        .client(|builder| builder.max_response_bytes(8 << 20))
        .expect("ResponseTooLarge", 1);
    huge_body_with_its_length => Case::always(Action::Stream {
            head: head("200 OK", &[("content-type", "image/jpeg"), ("content-length", "1073741824")]),
            total: 1 << 30,
        })
        .expect("ResponseTooLarge", 1)
        .check(|error| assert!(matches!(error, Error::ResponseTooLarge { declared: Some(1073741824), .. }), "{error:?}"));
    huge_error_body => Case::always(Action::Stream {
            head: head("500 Internal Server Error", &[("content-type", "text/plain"), ("content-length", "134217728")]),
            total: 128 << 20,
        })
        .expect("Server", 1)
        .check(|error| {
            let api = error.api_error().unwrap();
            assert!(api.body_truncated);
            assert_eq!(api.body.len(), 64 << 10);
            assert!(format!("{error:?}").len() < 8 << 10, "Debug is {} bytes", format!("{error:?}").len());
            assert!(error.to_string().len() < 2 << 10);
        });
    // The key echoed back, in every spelling.
    key_echoed_raw_in_an_error_body => Case::always(status("401 Unauthorized", &format!("invalid api key {KEY}")))
        .expect("Unauthorized", 1)
        .check(|error| assert_eq!(error.api_error().unwrap().message, "invalid api key ***"));
    key_echoed_u_escaped_in_an_error_body => Case::always(status("401 Unauthorized", &format!("invalid api key {KEY_U_ESCAPED}")))
        .expect("Unauthorized", 1)
        .check(|error| assert_eq!(error.api_error().unwrap().message, "invalid api key ***"));
    key_echoed_slash_escaped_in_a_retried_error => Case::then_ok(status("503 Service Unavailable", &format!("busy, key {KEY_SLASH_ESCAPED}")), 1)
        .expect("Ok", 2);
    key_echoed_percent_encoded_in_an_error_body => Case::always(status("403 Forbidden", &format!("see /keys?k={KEY_PERCENT}")))
        .expect("Forbidden", 1);
    key_echoed_in_an_html_error => Case::always(Action::Send(response("502 Bad Gateway", &[("content-type", "text/html")], format!("<p>upstream refused key {KEY}</p>").as_bytes())))
        .expect("BadGateway", 1);
    key_echoed_in_headers_of_an_error => Case::always(headers_echoing_the_key("401 Unauthorized")).expect("Unauthorized", 1);
    key_echoed_in_headers_of_a_success => Case::always(headers_echoing_the_key("200 OK")).expect("Ok", 1);
    key_echoed_in_a_success_json_body => Case::always(ok_body("application/json", format!(r#"{{"echo":"{KEY_U_ESCAPED}","raw":"{KEY}"}}"#).as_bytes()))
        .json()
        .expect("Ok", 1);
    key_echoed_in_a_decode_error => Case::always(ok_body("application/json", format!(r#"{{"error":"no image for {KEY_U_ESCAPED}"}}"#).as_bytes()))
        .expect("Decode", 1);
    key_in_a_location => Case::always(Action::Send(response("302 Found", &[("location", &format!("https://elsewhere.invalid/?key={KEY_PERCENT}&raw={KEY}"))], b"")))
        .expect("OtherStatus", 1);
    // Redirects are never followed: not to another host, not to the same.
    redirect_307_to_another_host => redirect_elsewhere("307 Temporary Redirect");
    redirect_302_to_another_host_with_a_configured_client => redirect_elsewhere("302 Found").client(redirects_asked_for);
    redirect_301_to_another_host => redirect_elsewhere("301 Moved Permanently");
    redirect_303_to_another_host_with_a_configured_client => redirect_elsewhere("303 See Other").client(redirects_asked_for);
    redirect_308_to_the_same_host => Case::always(Action::Send(response("308 Permanent Redirect", &[("location", "/v1/test-img2img")], b"")))
        .expect("OtherStatus", 1);
    // The key where a cut could break it in two.
    key_straddling_the_error_body_limit => Case::always(Action::Send(response(
            "500 Internal Server Error",
            &[("content-type", "text/plain")],
            format!("{}{KEY}", "y".repeat((64 << 10) - 8)).as_bytes(),
        )))
        .expect("Server", 1)
        .check(|error| {
            let api = error.api_error().unwrap();
            assert!(api.body_truncated);
            assert!(api.body_text().ends_with("y***"), "{}", &api.body_text()[api.body.len() - 20..]);
        });
    key_straddling_the_message_limit => Case::always(ok_body(
            "application/json",
            format!(r#"{{"error":"{}{KEY_U_ESCAPED}"}}"#, "x".repeat(960)).as_bytes(),
        ))
        .expect("Decode", 1)
        .check(|error| assert!(!error.to_string().contains("sk-fault"), "{error}"));
    key_as_a_data_url_type => Case::always(ok_body(
            "application/json",
            format!(r#"{{"image":"data:image/{KEY};base64,/9j/4AAQ"}}"#).as_bytes(),
        ))
        .expect("Ok", 1);
    verbose_logging_asked_for => Case::always(jpeg())
        .client(|builder| {
            builder
                .configure_http(|http| http.connection_verbose(true))
                .configure_blocking_http(|http| http.connection_verbose(true))
        })
        .expect("Ok", 1);
    // TLS that fails: the request never left, so it is retried.
    tls_handshake_reset => Case::always(Action::ResetBeforeRead)
        .https()
        .expect("Connect", 0)
        .attempts(3);
    redirect_307_to_the_same_host_with_a_configured_client => Case::always(Action::Send(response("307 Temporary Redirect", &[("location", "/v1/test-img2img")], b"")))
        .client(redirects_asked_for)
        .expect("OtherStatus", 1);
}

// ------------------------------------------------------------- the runner

fn suite_retry() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(ms(5))
        .max_delay(Duration::from_secs(3))
}

fn builder(server: &FaultServer, case: &Case) -> ClientBuilder {
    let base_url = if case.https {
        format!("https://{}/v1", server.address)
    } else {
        server.base_url()
    };
    let builder = segmind::Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .timeout(Duration::from_secs(3))
        .retry(suite_retry());
    (case.configure)(builder)
}

/// What a call gave: its output's `Debug`, or the error.
type Outcome = Result<String, Error>;

async fn run_async(case: Case) {
    capture_logs();
    let server = FaultServer::start(case.plan_handle());
    let client = builder(&server, &case).build().unwrap();
    let start = Instant::now();
    let outcome: Outcome = if case.json {
        let request = TestJsonRequest { prompt: "p".into() };
        client
            .send(&request)
            .await
            .map(|out| format!("{out:?} {out:#?}"))
    } else {
        let request = TestImageRequest::new("p");
        client
            .send(&request)
            .await
            .map(|out| format!("{out:?} {out:#?}"))
    };
    let elapsed = start.elapsed();
    let client_debug = format!("{client:?} {client:#?}");
    drop(client);
    judge(&case, &server, outcome, elapsed, &client_debug);
}

fn run_blocking(case: Case) {
    capture_logs();
    let server = FaultServer::start(case.plan_handle());
    let client = builder(&server, &case).build_blocking().unwrap();
    let start = Instant::now();
    let outcome: Outcome = if case.json {
        let request = TestJsonRequest { prompt: "p".into() };
        client.send(&request).map(|out| format!("{out:?} {out:#?}"))
    } else {
        let request = TestImageRequest::new("p");
        client.send(&request).map(|out| format!("{out:?} {out:#?}"))
    };
    let elapsed = start.elapsed();
    let client_debug = format!("{client:?} {client:#?}");
    drop(client);
    judge(&case, &server, outcome, elapsed, &client_debug);
}

impl Case {
    /// The plan, shared with the server's thread.
    fn plan_handle(&self) -> impl Fn(usize) -> Action + Send + Sync + 'static {
        let plan = Arc::clone(&self.plan);
        move |n| plan(n)
    }
}

fn judge(
    case: &Case,
    server: &FaultServer,
    outcome: Outcome,
    elapsed: Duration,
    client_debug: &str,
) {
    let mut shown = vec![client_debug.to_owned()];
    match &outcome {
        Ok(output) => {
            assert_eq!(
                case.expect, "Ok",
                "expected {}, got Ok: {output}",
                case.expect
            );
            shown.push(output.clone());
        }
        Err(error) => {
            assert_eq!(variant(error), case.expect, "{error}");
            assert_eq!(
                error.attempts(),
                case.attempts,
                "attempts reported: {error}"
            );
            if let Some(check) = &case.check {
                check(error);
            }
            shown.extend([
                error.to_string(),
                format!("{error:?}"),
                format!("{error:#?}"),
                std::error::Error::source(error)
                    .map_or(String::new(), |cause| format!("{cause} {cause:?}")),
            ]);
        }
    }
    assert_eq!(server.requests(), case.seen, "requests the server read");
    let (min, max) = case.within;
    assert!(
        elapsed >= min && elapsed <= max,
        "took {elapsed:?}, expected {min:?}..{max:?}"
    );
    if let Some(untouched) = &case.untouched {
        assert_eq!(
            untouched.connections(),
            0,
            "the redirect's target was contacted"
        );
    }
    for text in shown {
        assert!(!reveals_key(&text), "the key leaked: {text}");
    }
    let logs = captured_logs();
    assert!(!reveals_key(&logs), "the key leaked into the logs");
}

// ------------------------------------------------------------- secrecy checks

/// Whether `text` spells the key, or its distinctive tail, once any number
/// of JSON, Rust-`Debug` and percent escapes are undone.
fn reveals_key(text: &str) -> bool {
    let mut current = text.to_owned();
    for _ in 0..4 {
        if current.contains(KEY) || current.contains("KEY+7f3a9c") || current.contains("7f3a9c") {
            return true;
        }
        let next = unescape_once(&current);
        if next == current {
            return false;
        }
        current = next;
    }
    current.contains("7f3a9c")
}

fn unescape_once(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let rest = &bytes[index..];
        if rest.starts_with(b"\\u") && rest.len() >= 6 {
            if let Ok(code) =
                u8::from_str_radix(std::str::from_utf8(&rest[2..6]).unwrap_or("zz"), 16)
            {
                out.push(code);
                index += 6;
                continue;
            }
        }
        if rest.starts_with(b"\\") && rest.len() >= 2 {
            out.push(rest[1]);
            index += 2;
            continue;
        }
        if rest.starts_with(b"%") && rest.len() >= 3 {
            if let Ok(code) =
                u8::from_str_radix(std::str::from_utf8(&rest[1..3]).unwrap_or("zz"), 16)
            {
                out.push(code);
                index += 3;
                continue;
            }
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn the_leak_check_sees_every_spelling() {
    for spelled in [
        KEY.to_owned(),
        KEY_SLASH_ESCAPED.to_owned(),
        KEY_U_ESCAPED.to_owned(),
        KEY_PERCENT.to_owned(),
        format!("{:?}", KEY_U_ESCAPED),
        format!("{:?}", format!("{:?}", KEY_SLASH_ESCAPED)),
    ] {
        assert!(reveals_key(&format!("error: {spelled}!")), "{spelled}");
    }
    assert!(!reveals_key("error: *** (the key was redacted)"));
}

// ------------------------------------------------------------- log capture

#[test]
fn the_log_capture_sees_the_clients_and_the_http_librarys_events() {
    let case = Case::then_ok(status_with("503 Service Unavailable", &[]), 1).expect("Ok", 2);
    run_blocking(case);
    let logs = captured_logs();
    assert!(logs.contains("sending request"), "the crate's own events");
    assert!(logs.contains("retrying"), "the retry decision");
    assert!(logs.contains("starting new connection"), "reqwest's events");
    // Every event of a call is in its span, which names the endpoint and
    // the attempt.
    assert!(
        logs.contains("attempt=2"),
        "the attempt in the span: {logs}"
    );
    assert!(logs.contains("method=POST"), "the method in the span");
}

// ------------------------------------------------------------- pooled connections

/// The server answers with keep-alive, then closes the idle connection: the
/// client must notice, send the next call on a new connection, and send
/// each call once.
fn answers_then_closes() -> FaultServer {
    FaultServer::start(|_| {
        Action::SendAndClose(response("200 OK", &[("content-type", "image/jpeg")], JPEG))
    })
}

#[tokio::test]
async fn a_pooled_connection_the_server_closed_is_replaced_without_sending_twice() {
    let server = answers_then_closes();
    let client = segmind::Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for call in 1..=5 {
        client.send(&TestImageRequest::new("p")).await.unwrap();
        assert_eq!(server.requests(), call);
        tokio::time::sleep(ms(20)).await;
    }
}

#[test]
fn a_pooled_connection_the_server_closed_is_replaced_without_sending_twice_blocking() {
    let server = answers_then_closes();
    let client = segmind::Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry(RetryPolicy::none())
        .build_blocking()
        .unwrap();
    for call in 1..=5 {
        client.send(&TestImageRequest::new("p")).unwrap();
        assert_eq!(server.requests(), call);
        std::thread::sleep(ms(20));
    }
}

/// A base URL where nothing listens: a port that was just free.
fn nothing_listening() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}/v1")
}

fn refused_builder() -> ClientBuilder {
    segmind::Client::builder()
        .api_key(KEY)
        .base_url(nothing_listening())
        .retry(suite_retry())
}

fn judge_refused(result: Result<segmind::ImageResponse, Error>, elapsed: Duration) {
    let error = result.unwrap_err();
    assert_eq!(variant(&error), "Connect", "{error}");
    assert_eq!(error.attempts(), 3, "retried: nothing was sent");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert!(!reveals_key(&format!("{error} {error:?} {error:#?}")));
}

#[tokio::test]
async fn connection_refused_is_retried_because_nothing_was_sent() {
    let client = refused_builder().build().unwrap();
    let start = Instant::now();
    let result = client.send(&TestImageRequest::new("p")).await;
    judge_refused(result, start.elapsed());
}

#[test]
fn connection_refused_is_retried_because_nothing_was_sent_blocking() {
    let client = refused_builder().build_blocking().unwrap();
    let start = Instant::now();
    let result = client.send(&TestImageRequest::new("p"));
    judge_refused(result, start.elapsed());
}
