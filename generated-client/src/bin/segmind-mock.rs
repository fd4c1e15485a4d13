//! `segmind-mock`: a local mock of the Segmind API, derived from the specs.
//!
//! ```sh
//! cargo run -p segmind --features mock --bin segmind-mock -- --port 0
//! ```
//!
//! It prints the base URL to give the client and serves until interrupted.
//! See `segmind::mock` for the routes and the fault syntax.

use std::time::Duration;

use clap::Parser;
use segmind::mock::{parse_duration, FaultRule, ImageFormat, MockConfig, MockServer};

/// A local mock of the Segmind API: every endpoint in the specs, real
/// images, credits, the queued API and faults on demand.
#[derive(Debug, Parser)]
#[command(name = "segmind-mock", version)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Accept only this API key (repeat for several); by default any
    /// non-empty key is accepted.
    #[arg(long = "key", value_name = "KEY")]
    keys: Vec<String>,
    /// Each key's starting credits.
    #[arg(long, default_value_t = 1000.0)]
    credits: f64,
    /// The free credits `GET /v1/get-user-credits` reports.
    #[arg(long, default_value_t = 0.0)]
    free_credits: f64,
    /// What each successful call costs.
    #[arg(long, default_value_t = 1.0)]
    cost: f64,
    /// How long a queued job stays QUEUED.
    #[arg(long, default_value = "200ms", value_parser = duration)]
    queued: Duration,
    /// How long a queued job stays PROCESSING.
    #[arg(long, default_value = "800ms", value_parser = duration)]
    processing: Duration,
    /// How long a queued job's result stays available.
    #[arg(long, default_value = "1h", value_parser = duration)]
    result_ttl: Duration,
    /// Calls per minute per key before 429 (default: no limit).
    #[arg(long, value_name = "CALLS")]
    rate_limit: Option<u32>,
    /// Image encoding: png or jpeg.
    #[arg(long, default_value = "png", value_parser = format)]
    format: ImageFormat,
    /// A wait added before every answer.
    #[arg(long, default_value = "0ms", value_parser = duration)]
    latency: Duration,
    /// A scripted fault, SLUG:TIMES:FAULT (`ssd-1b:2:503,retry-after=1`,
    /// `*:1:reset`); repeat for several, applied in order.
    #[arg(long = "fault", value_name = "RULE", value_parser = rule)]
    faults: Vec<FaultRule>,
    /// How many of the latest requests `GET /mock/requests` keeps.
    #[arg(long, default_value_t = 1000)]
    log_capacity: usize,
}

fn duration(text: &str) -> Result<Duration, String> {
    parse_duration(text).map_err(|error| error.to_string())
}

fn format(text: &str) -> Result<ImageFormat, String> {
    text.parse()
        .map_err(|error: segmind::mock::ParseError| error.to_string())
}

fn rule(text: &str) -> Result<FaultRule, String> {
    text.parse()
        .map_err(|error: segmind::mock::ParseError| error.to_string())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let mut config = MockConfig::default()
        .port(args.port)
        .credits(args.credits)
        .free_credits(args.free_credits)
        .cost_per_call(args.cost)
        .job_timing(args.queued, args.processing)
        .result_ttl(args.result_ttl)
        .image_format(args.format)
        .latency(args.latency)
        .log_capacity(args.log_capacity);
    if !args.keys.is_empty() {
        config = config.accept_keys(args.keys);
    }
    if let Some(calls) = args.rate_limit {
        config = config.rate_limit_per_minute(calls);
    }
    for rule in args.faults {
        config = config.fault(rule);
    }
    let server = MockServer::start_with(config).await?;
    // Written, not printed: a reader that closes the pipe after the first
    // lines (a test, `head`) must not panic the server.
    let banner = format!(
        "segmind-mock listening on {url}\nSEGMIND_BASE_URL={base}\n\
         endpoints: {endpoints}; admin: {url}/mock/requests, {url}/mock/faults; Ctrl-C stops\n",
        url = server.url(),
        base = server.base_url(),
        endpoints = segmind::ENDPOINTS.join(", "),
    );
    let mut stdout = std::io::stdout();
    let _ = std::io::Write::write_all(&mut stdout, banner.as_bytes());
    let _ = std::io::Write::flush(&mut stdout);
    tokio::signal::ctrl_c().await?;
    drop(server);
    Ok(())
}
