//! Faults measured by what they cost the process: peak memory while a
//! server sends a body far over the limit, and open file descriptors under
//! load (2,000 requests at concurrency 64). One test, run steps in order, in a test binary of its own, so that
//! nothing else in the process moves the numbers.
#![cfg(all(feature = "blocking", target_os = "linux"))]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::fault_server::{head, response, Action, FaultServer};
use common::{variant, TestImageRequest, JPEG};

const KEY: &str = "sk-resources-0b5e1d";
const MIB: u64 = 1 << 20;

/// A field of `/proc/self/status`, in bytes.
fn status_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with(field))
        .unwrap_or_else(|| panic!("no {field}"));
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|value| value.parse().ok())
        .unwrap();
    kib * 1024
}

/// Runs `step` and returns how far the process's peak resident memory
/// rose above what was resident before it.
fn peak_growth(step: impl FnOnce()) -> u64 {
    // Writing 5 resets the peak (VmHWM) to the current resident size.
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let before = status_bytes("VmRSS:");
    step();
    status_bytes("VmHWM:").saturating_sub(before)
}

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn builder(server: &FaultServer) -> segmind::ClientBuilder {
    segmind::Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_secs(30))
}

#[test]
fn memory_stays_near_the_limits_and_descriptors_stay_bounded() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    // A gibibyte of body, without a length: the client reads up to its
    // 64 MiB default and stops.
    let huge = FaultServer::start(|_| Action::Stream {
        head: head(
            "200 OK",
            &[("content-type", "image/jpeg"), ("connection", "close")],
        ),
        total: 1 << 30,
    });
    let client = builder(&huge).build().unwrap();
    let growth = peak_growth(|| {
        let error = runtime
            .block_on(client.send(&TestImageRequest::new("p")))
            .unwrap_err();
        assert_eq!(variant(&error), "ResponseTooLarge", "{error}");
    });
    println!(
        "async, 1 GiB body, 64 MiB limit: peak grew {} MiB",
        growth / MIB
    );
    assert!(
        growth < 64 * MIB + 48 * MIB,
        "peak grew {} MiB",
        growth / MIB
    );

    let blocking = builder(&huge).build_blocking().unwrap();
    let growth = peak_growth(|| {
        let error = blocking.send(&TestImageRequest::new("p")).unwrap_err();
        assert_eq!(variant(&error), "ResponseTooLarge", "{error}");
    });
    println!(
        "blocking, 1 GiB body, 64 MiB limit: peak grew {} MiB",
        growth / MIB
    );
    assert!(
        growth < 64 * MIB + 48 * MIB,
        "peak grew {} MiB",
        growth / MIB
    );

    // A smaller limit bounds memory lower still.
    let small = builder(&huge).max_response_bytes(4 * MIB).build().unwrap();
    let growth = peak_growth(|| {
        let error = runtime
            .block_on(small.send(&TestImageRequest::new("p")))
            .unwrap_err();
        assert_eq!(variant(&error), "ResponseTooLarge", "{error}");
    });
    println!(
        "async, 1 GiB body, 4 MiB limit: peak grew {} MiB",
        growth / MIB
    );
    assert!(
        growth < 4 * MIB + 24 * MIB,
        "peak grew {} MiB",
        growth / MIB
    );
    drop((client, blocking, small, huge));

    // A 128 MiB error body: 64 KiB of it is kept.
    let error_body = FaultServer::start(|_| Action::Stream {
        head: head(
            "502 Bad Gateway",
            &[
                ("content-type", "text/html"),
                ("content-length", "134217728"),
            ],
        ),
        total: 128 * MIB,
    });
    let client = builder(&error_body).build().unwrap();
    let growth = peak_growth(|| {
        let error = runtime
            .block_on(client.send(&TestImageRequest::new("p")))
            .unwrap_err();
        assert_eq!(variant(&error), "BadGateway", "{error}");
        assert!(format!("{error:?}").len() < 8 << 10);
    });
    println!("async, 128 MiB error body: peak grew {} MiB", growth / MIB);
    assert!(growth < 24 * MIB, "peak grew {} MiB", growth / MIB);
    let blocking = builder(&error_body).build_blocking().unwrap();
    let growth = peak_growth(|| {
        let error = blocking.send(&TestImageRequest::new("p")).unwrap_err();
        assert_eq!(variant(&error), "BadGateway", "{error}");
        assert!(format!("{error:?}").len() < 8 << 10);
    });
    println!(
        "blocking, 128 MiB error body: peak grew {} MiB",
        growth / MIB
    );
    assert!(growth < 24 * MIB, "peak grew {} MiB", growth / MIB);
    drop((client, blocking, error_body));

    // A 12 MiB JSON answer full of `\/` escapes, which the client scans
    // for the key before decoding: the scan allocates nothing, so the peak
    // is the body and the parsed value.
    let body = {
        let mut body = b"{\"text\":\"".to_vec();
        body.extend(b"a\\/".repeat(4 * MIB as usize));
        body.extend_from_slice(b"\"}");
        body
    };
    let body_len = body.len() as u64;
    let json = FaultServer::start(move |_| {
        Action::Send(response(
            "200 OK",
            &[("content-type", "application/json")],
            &body,
        ))
    });
    let client = builder(&json).build().unwrap();
    let growth = peak_growth(|| {
        let request = common::TestJsonRequest { prompt: "p".into() };
        let answer = runtime.block_on(client.send(&request)).unwrap();
        assert!(format!("{answer:?}").len() < 4 << 10);
    });
    println!(
        "async, {} MiB JSON body full of escapes: peak grew {} MiB",
        body_len / MIB,
        growth / MIB
    );
    // The body, the server's copy of it, and the parsed string.
    assert!(growth < 4 * body_len, "peak grew {} MiB", growth / MIB);
    drop((client, json));

    // 2,000 requests at concurrency 64: every one answered, descriptors
    // bounded by the pool (both ends of each connection are in this
    // process), and none left over.
    let ok = FaultServer::start(|_| {
        Action::Send(response("200 OK", &[("content-type", "image/jpeg")], JPEG))
    });
    let client = builder(&ok).build().unwrap();
    let baseline = open_descriptors();
    let started = Instant::now();
    let most = runtime.block_on(async {
        let most = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&most);
        let sampler = tokio::spawn(async move {
            for _ in 0..6_000 {
                seen.fetch_max(open_descriptors(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        });
        let mut tasks = tokio::task::JoinSet::new();
        for worker in 0..64 {
            let client = client.clone();
            tasks.spawn(async move {
                for _ in 0..(2_000 / 64 + usize::from(worker < 2_000 % 64)) {
                    client.send(&TestImageRequest::new("p")).await.unwrap();
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        sampler.abort();
        most.load(Ordering::Relaxed).max(open_descriptors())
    });
    println!(
        "2,000 requests at concurrency 64 in {:?}: descriptors {baseline} before, at most {most}",
        started.elapsed()
    );
    assert_eq!(ok.requests(), 2_000);
    // Connections are reused: hyper's pool may open a few more than the
    // concurrency when a request finds none idle for a moment, but their
    // number follows the concurrency, not the 2,000 requests.
    let connections = ok.connections();
    println!("{connections} connections");
    assert!(connections <= 4 * 64, "{connections} connections");
    assert!(
        most <= baseline + 2 * connections + 32,
        "{most} descriptors open for {connections} connections"
    );
    drop(client);

    // The same load through the blocking client, from 64 threads.
    let blocking = builder(&ok).build_blocking().unwrap();
    let before = ok.requests();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for worker in 0..64 {
            let blocking = &blocking;
            scope.spawn(move || {
                for _ in 0..(2_000 / 64 + usize::from(worker < 2_000 % 64)) {
                    blocking.send(&TestImageRequest::new("p")).unwrap();
                }
            });
        }
    });
    let most_blocking = open_descriptors();
    assert!(
        most_blocking <= baseline + 2 * ok.connections() + 32,
        "{most_blocking} descriptors open for {} connections",
        ok.connections()
    );
    println!(
        "blocking: 2,000 requests from 64 threads in {:?}, {most_blocking} descriptors after",
        started.elapsed()
    );
    assert_eq!(ok.requests() - before, 2_000);
    assert!(
        ok.connections() <= 8 * 64,
        "{} connections",
        ok.connections()
    );
    drop(blocking);
    drop(ok);
    drop(runtime);
    assert!(
        open_descriptors() <= baseline + 4,
        "{} descriptors left open",
        open_descriptors()
    );
}
