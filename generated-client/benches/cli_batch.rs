//! The `segmind` tool's own cost: `segmind batch` over 1,000 lines at
//! concurrency 32 against the mock (every line the same prompt and seed,
//! so the mock answers from its image cache), beside the same 1,000 calls
//! made through the crate directly with the same concurrency, each image
//! written to its own file as the tool does. The crate's calls are made
//! twice: in this process, with a warm client, and in a fresh process of
//! their own (this bench binary run again), which starts its runtime, its
//! client and its connections cold as the tool does. The difference,
//! divided by 1,000, is what the tool adds per request: reading the lines,
//! the manifest, the progress bookkeeping, and against the warm client its
//! start-up too.
//! `TMPDIR=/dev/shm cargo bench -p segmind --features cli,mock --bench cli_batch`
//! (`ROUNDS=N` for other than 8 alternating rounds; `TMPDIR` on a tmpfs
//! keeps the file system's cost of creating 1,000 files, the same for
//! both, from drowning the difference); results in BENCHMARKS.md.

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

/// Set, with the mock's base URL, in the fresh process that makes the
/// crate's calls; the output folder is its argument.
const CHILD: &str = "CLI_BATCH_CRATE_CHILD";

fn main() {
    if let Ok(base_url) = std::env::var(CHILD) {
        let out = std::env::args_os().last().expect("an output folder");
        crate_in_a_fresh_process(&base_url, Path::new(&out));
        return;
    }
    divan::main();
    compare();
}

/// What a program of the user's that makes the batch's calls with the crate
/// does: a runtime, a client, then the calls.
fn crate_in_a_fresh_process(base_url: &str, out: &Path) {
    let (runtime, client) = runtime_and_client(base_url);
    crate_directly(&runtime, &client, out);
}

/// A multi-threaded runtime and a client of the mock at `base_url`.
fn runtime_and_client(base_url: &str) -> (tokio::runtime::Runtime, Client) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let client = Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .build()
        .expect("a client");
    (runtime, client)
}

/// This bench binary again, as the fresh process of the crate's calls.
fn crate_cold(server: &MockServer, out: &Path) {
    let status = Command::new(std::env::current_exe().expect("the bench binary"))
        .env(CHILD, server.base_url())
        .arg(out)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the bench binary runs");
    assert!(status.success());
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

/// Rounds of all three, so that the machine's load, which changes by the
/// second on a shared machine, falls on each alike; prints each round and
/// the medians.
fn compare() {
    let server = server();
    let requests = requests_file();
    let (runtime, client) = runtime_and_client(&server.base_url());
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
    let warm = |out: &Path| crate_directly(&runtime, &client, out);
    let cold = |out: &Path| crate_cold(server, out);
    let cli = |out: &Path| tool(server, requests, out);
    let runs: [&dyn Fn(&Path); 3] = [&warm, &cold, &cli];
    for run in runs {
        time(run);
    }
    // Each round runs the three in a rotated order, so that none always
    // goes first after the others' files are deleted.
    let mut rows = Vec::new();
    for round in 0..rounds {
        let mut row = [Duration::ZERO; 3];
        for step in 0..3 {
            let which = (round + step) % 3;
            row[which] = time(runs[which]);
        }
        rows.push(row);
    }
    let per_request = |d: Duration| d.as_secs_f64() * 1e6 / REQUESTS as f64;
    let ratio = |tool: Duration, base: Duration| tool.as_secs_f64() / base.as_secs_f64() - 1.0;
    println!("\n{REQUESTS} ssd-1b calls at concurrency {CONCURRENCY}, cached image, per request:");
    println!("| round | crate, warm client | crate, fresh process | segmind batch | vs warm | vs fresh |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for (round, [warm, cold, cli]) in rows.iter().enumerate() {
        println!(
            "| {} | {:.1} µs | {:.1} µs | {:.1} µs | {:+.1} % | {:+.1} % |",
            round + 1,
            per_request(*warm),
            per_request(*cold),
            per_request(*cli),
            ratio(*cli, *warm) * 100.0,
            ratio(*cli, *cold) * 100.0,
        );
    }
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values.get(values.len() / 2).copied().unwrap_or_default()
    };
    let column = |index: usize| median(rows.iter().map(|row| per_request(row[index])).collect());
    let ratios = |base: usize| -> (f64, f64, f64) {
        let values: Vec<f64> = rows
            .iter()
            .map(|row| ratio(row[2], row[base]) * 100.0)
            .collect();
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (median(values), min, max)
    };
    let (warm_median, warm_min, warm_max) = ratios(0);
    let (cold_median, cold_min, cold_max) = ratios(1);
    println!(
        "median: crate warm {:.1} µs, crate fresh {:.1} µs, tool {:.1} µs; \
         tool vs warm {warm_median:+.1} % ({warm_min:+.1} to {warm_max:+.1}), \
         vs fresh {cold_median:+.1} % ({cold_min:+.1} to {cold_max:+.1})",
        column(0),
        column(1),
        column(2),
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
