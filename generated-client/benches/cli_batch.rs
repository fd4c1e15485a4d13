//! The `segmind` tool's own cost: `segmind batch` over 1,000 lines at
//! concurrency 32 against the mock (every line the same prompt and seed,
//! so the mock answers from its image cache), beside the same 1,000 calls
//! made through the crate directly with the same concurrency, each image
//! written to its own file as the tool does. The difference, divided by
//! 1,000, is what the tool adds per request: starting the process, reading
//! the lines, the manifest, the progress bookkeeping.
//! `cargo bench -p segmind --features cli,mock --bench cli_batch`
//! (`ROUNDS=N` for other than 8 alternating rounds); results in
//! BENCHMARKS.md.

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use segmind::mock::{MockConfig, MockServer};
use segmind::{Client, Ssd1bRequest};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

const REQUESTS: usize = 1_000;
const CONCURRENCY: usize = 32;
const KEY: &str = "sk-bench";

fn main() {
    divan::main();
    compare();
}

fn server() -> &'static MockServer {
    static SERVER: OnceLock<MockServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        MockServer::start_blocking_with(MockConfig::default().credits(1e12).log_capacity(100))
            .expect("the mock starts")
    })
}

/// The requests file, written once.
fn requests_file() -> &'static Path {
    static FILE: OnceLock<tempfile::TempPath> = OnceLock::new();
    FILE.get_or_init(|| {
        let lines: Vec<String> = (0..REQUESTS)
            .map(|n| {
                format!(
                    r#"{{"slug":"ssd-1b","params":{{"prompt":"a lighthouse","seed":7}},"id":"req-{n}"}}"#
                )
            })
            .collect();
        let file = tempfile::NamedTempFile::new().expect("a temporary file");
        std::fs::write(file.path(), lines.join("\n")).expect("written");
        file.into_temp_path()
    })
}

/// `segmind batch` as a user runs it, into the empty folder `out`.
fn tool(server: &MockServer, requests: &Path, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_segmind"))
        .env("SEGMIND_API_KEY", KEY)
        .env("SEGMIND_BASE_URL", server.base_url())
        .arg("batch")
        .arg(requests)
        .args(["--concurrency", &CONCURRENCY.to_string(), "--out-dir"])
        .arg(out)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the tool runs");
    assert!(status.success());
}

/// The same calls through the crate, `CONCURRENCY` at a time, each image
/// saved to its own file in `out`.
fn crate_directly(runtime: &tokio::runtime::Runtime, client: &Client, out: &Path) {
    runtime.block_on(async {
        let permits = Arc::new(Semaphore::new(CONCURRENCY));
        let mut calls = JoinSet::new();
        for n in 0..REQUESTS {
            let permit = Arc::clone(&permits).acquire_owned().await.expect("open");
            let client = client.clone();
            let path = out.join(format!("req-{n}.png"));
            calls.spawn(async move {
                let request = Ssd1bRequest::new("a lighthouse").seed(7);
                let image = client.ssd_1b(&request).await.expect("the call succeeds");
                image.save_async(path).await.expect("saved");
                drop(permit);
            });
        }
        while let Some(done) = calls.join_next().await {
            done.expect("no panic");
        }
    });
}

/// Alternating rounds of both, so that the machine's load, which changes
/// by the second on a shared machine, falls on both alike; prints each
/// round and the medians.
fn compare() {
    let server = server();
    let requests = requests_file();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .build()
        .expect("a client");
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(8);
    let time = |run: &dyn Fn(&Path)| {
        let out = tempfile::tempdir().expect("a temporary folder");
        let started = Instant::now();
        run(out.path());
        started.elapsed()
    };
    // One of each first, unmeasured: the page cache, the pool, the mock's cache.
    time(&|out| crate_directly(&runtime, &client, out));
    time(&|out| tool(server, requests, out));
    let mut rows = Vec::new();
    for round in 0..rounds {
        let (direct, cli) = if round % 2 == 0 {
            let direct = time(&|out| crate_directly(&runtime, &client, out));
            (direct, time(&|out| tool(server, requests, out)))
        } else {
            let cli = time(&|out| tool(server, requests, out));
            (time(&|out| crate_directly(&runtime, &client, out)), cli)
        };
        rows.push((direct, cli));
    }
    let per_request = |d: Duration| d.as_secs_f64() * 1e6 / REQUESTS as f64;
    println!("\n{REQUESTS} ssd-1b calls at concurrency {CONCURRENCY}, cached image, per request:");
    println!("| round | crate directly | segmind batch | difference |");
    println!("|---:|---:|---:|---:|");
    let mut ratios = Vec::new();
    for (round, (direct, cli)) in rows.iter().enumerate() {
        let ratio = cli.as_secs_f64() / direct.as_secs_f64() - 1.0;
        ratios.push(ratio);
        println!(
            "| {} | {:.0} µs | {:.0} µs | {:+.1} % |",
            round + 1,
            per_request(*direct),
            per_request(*cli),
            ratio * 100.0
        );
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values.get(values.len() / 2).copied().unwrap_or_default()
    };
    println!(
        "median: crate {:.0} µs, tool {:.0} µs, difference {:+.1} % (min {:+.1} %, max {:+.1} %)",
        median(rows.iter().map(|r| per_request(r.0)).collect()),
        median(rows.iter().map(|r| per_request(r.1)).collect()),
        median(ratios.clone()) * 100.0,
        ratios.iter().copied().fold(f64::INFINITY, f64::min) * 100.0,
        ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max) * 100.0,
    );
}

/// A fixed cost inside `tool`: starting the process (to `--version`).
#[divan::bench(sample_count = 20, sample_size = 1)]
fn tool_start() {
    let status = Command::new(env!("CARGO_BIN_EXE_segmind"))
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("the tool runs");
    assert!(status.success());
}
