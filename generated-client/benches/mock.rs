//! The mock server's speed: a fresh 512×512 image drawn and encoded
//! (Divan), then requests per second and p50/p99 latency over loopback at
//! concurrency 1 and 64, for a fresh image each time and for a repeated
//! (cached) request, raw and as base64 JSON. `ssd-1b` answers at its spec
//! default size, 1024×1024. `cargo bench -p segmind --features mock --bench mock`;
//! results in BENCHMARKS.md.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use segmind::mock::{render_image, ImageFormat, MockConfig, MockServer};

fn main() {
    divan::main();
    load();
}

static SEED: AtomicU64 = AtomicU64::new(1);

/// Draw and encode a 512×512 image never drawn before.
#[divan::bench(args = [ImageFormat::Png, ImageFormat::Jpeg])]
fn fresh_512(format: ImageFormat) -> Option<bytes::Bytes> {
    let seed = SEED.fetch_add(1, Ordering::Relaxed) as i64;
    render_image("ssd-1b", "a lighthouse", seed, (512, 512), format, 0)
}

/// Requests per second and latency percentiles for one scenario.
struct Row {
    scenario: &'static str,
    concurrency: usize,
    requests: usize,
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

fn load() {
    let server =
        MockServer::start_blocking_with(MockConfig::default().credits(1e12).log_capacity(1000))
            .expect("the mock starts");
    let url = format!("{}/ssd-1b", server.base_url());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(128)
        .build()
        .expect("a client");
    let scenarios = [
        ("fresh", 1, 1_000),
        ("repeated", 1, 2_000),
        ("repeated base64", 1, 2_000),
        ("fresh", 64, 5_000),
        ("repeated", 64, 50_000),
        ("repeated base64", 64, 50_000),
    ];
    let mut rows = Vec::new();
    for (scenario, concurrency, requests) in scenarios {
        let row = runtime.block_on(run(&client, &url, scenario, concurrency, requests));
        rows.push(row);
    }
    println!("\nmock over loopback, 1024x1024 PNG (`ssd-1b`), reqwest client in the same process:");
    println!("| image | concurrency | requests | requests/s | p50 | p99 |");
    println!("|---|---:|---:|---:|---:|---:|");
    for row in rows {
        println!(
            "| {} | {} | {} | {:.0} | {:.2} ms | {:.2} ms |",
            row.scenario,
            row.concurrency,
            row.requests,
            row.per_second,
            row.p50.as_secs_f64() * 1e3,
            row.p99.as_secs_f64() * 1e3
        );
    }
}

async fn run(
    client: &reqwest::Client,
    url: &str,
    scenario: &'static str,
    concurrency: usize,
    requests: usize,
) -> Row {
    let fresh = scenario == "fresh";
    let base64 = scenario.ends_with("base64");
    let next = Arc::new(AtomicU64::new(0));
    // Warm the connections (and, for the repeated request, the cache).
    for _ in 0..concurrency.min(8) {
        let _ = call(client, url, 0, base64).await;
    }
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (client, url, next) = (client.clone(), url.to_owned(), Arc::clone(&next));
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= requests as u64 {
                    return latencies;
                }
                let seed = if fresh {
                    1_000_000_000 + SEED.fetch_add(1, Ordering::Relaxed)
                } else {
                    0
                };
                let sent = Instant::now();
                assert_eq!(call(&client, &url, seed, base64).await, 200);
                latencies.push(sent.elapsed());
            }
        }));
    }
    let mut latencies = Vec::with_capacity(requests);
    for worker in workers {
        latencies.extend(worker.await.expect("a worker"));
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Row {
        scenario,
        concurrency,
        requests,
        per_second: requests as f64 / elapsed.as_secs_f64(),
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
    }
}

/// One call; the status.
async fn call(client: &reqwest::Client, url: &str, seed: u64, base64: bool) -> u16 {
    let body = format!(r#"{{"prompt":"a lighthouse at dawn","seed":{seed},"base64":{base64}}}"#);
    let response = client
        .post(url)
        .header("x-api-key", "bench")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the mock answers");
    let status = response.status().as_u16();
    let _ = response.bytes().await.expect("a whole body");
    status
}
