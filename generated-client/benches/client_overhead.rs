//! Client overhead: batches of `ssd-1b` calls to a loopback HTTP server,
//! through the generated `segmind::Client` and through hand-written reqwest
//! code that sends the same bytes (same body, same headers) and reads the
//! answer, at concurrency 1 and 32. The difference is what the generated
//! client costs on top of plain reqwest: validation, encoding, status
//! handling and decoding the image response.
//!
//! The server is a minimal HTTP/1.1 keep-alive responder, answering every
//! request with a 4 KiB image/jpeg body, on the same single-threaded Tokio
//! runtime as the clients. Nothing leaves 127.0.0.1.
//!
//! Run: `cargo bench -p segmind --bench client_overhead`
//! (`CLIENT_OVERHEAD_CONCURRENCY=32 cargo bench ...` for one level only).

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use divan::counter::ItemsCount;
use divan::Bencher;
use reqwest::header::{HeaderValue, CONTENT_TYPE, USER_AGENT};
use segmind::{Scheduler, Ssd1bRequest};
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

fn main() {
    divan::main();
}

/// Requests per measured batch.
const BATCH: usize = 256;
/// The concurrency levels measured: 1 and 32, or only the one that
/// `CLIENT_OVERHEAD_CONCURRENCY` names (the instruction-count script
/// measures each level on its own).
fn concurrency_levels() -> Vec<usize> {
    match std::env::var("CLIENT_OVERHEAD_CONCURRENCY") {
        Ok(level) => vec![level
            .trim()
            .parse()
            .expect("CLIENT_OVERHEAD_CONCURRENCY is a number")],
        Err(_) => vec![1, 32],
    }
}
const API_KEY: &str = "bench-key";
const USER_AGENT_VALUE: &str = concat!("segmind-rs/", env!("CARGO_PKG_VERSION"));

/// The response body: JPEG start and end markers around filler, 4 KiB.
fn jpeg_body() -> Vec<u8> {
    let mut body = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ];
    body.resize(4094, 0x5A);
    body.extend_from_slice(&[0xFF, 0xD9]);
    body
}

/// Starts the loopback server once, on the bench runtime; returns its
/// address.
fn server() -> SocketAddr {
    static ADDRESS: OnceLock<SocketAddr> = OnceLock::new();
    *ADDRESS.get_or_init(|| {
        let listener = runtime()
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind loopback");
        let address = listener.local_addr().expect("address");
        let mut response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: image/jpeg\r\ncontent-length: {}\r\n\r\n",
            jpeg_body().len()
        )
        .into_bytes();
        response.extend_from_slice(&jpeg_body());
        let response: Arc<[u8]> = response.into();
        runtime().spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(stream, Arc::clone(&response)));
            }
        });
        address
    })
}

/// Answers every request on one connection until the client closes it.
async fn serve(mut stream: TcpStream, response: Arc<[u8]>) {
    let mut buffer = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // Read the head, then as much body as content-length says.
        let head_end = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..head_end + length);
        if stream.write_all(&response).await.is_err() {
            return;
        }
    }
}

/// One single-threaded runtime for server and client alike: no thread
/// hand-offs, so the figures are the CPU cost of each request on both
/// sides, with little scheduling noise, and the difference between the two
/// clients is their own work.
fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("bench runtime")
    })
}

/// The request both clients send: the `ssd-1b` page's example.
fn request() -> Ssd1bRequest {
    Ssd1bRequest::new(
        "a futuristic cityscape at dusk, neon lights, reflections in water, ultrarealistic, high contrast, vibrant",
    )
    .negative_prompt("blurry,out of focus")
    .samples(1)
    .scheduler(Scheduler::DpmMulti)
    .num_inference_steps(45)
    .guidance_scale(7.0)
    .seed(9_876_543_210)
    .img_width(1024)
    .img_height(1024)
    .base64(false)
}

/// What a careful hand-written caller would serialise: the same fields in
/// the same order, checked at start-up to give the same bytes.
#[derive(Serialize)]
struct HandWrittenBody<'a> {
    prompt: &'a str,
    base64: bool,
    guidance_scale: f64,
    img_height: i64,
    img_width: i64,
    negative_prompt: &'a str,
    num_inference_steps: i64,
    samples: i64,
    scheduler: &'a str,
    seed: i64,
}

const HAND_WRITTEN: HandWrittenBody<'static> = HandWrittenBody {
    prompt: "a futuristic cityscape at dusk, neon lights, reflections in water, ultrarealistic, high contrast, vibrant",
    base64: false,
    guidance_scale: 7.0,
    img_height: 1024,
    img_width: 1024,
    negative_prompt: "blurry,out of focus",
    num_inference_steps: 45,
    samples: 1,
    scheduler: "DPM Multi",
    seed: 9_876_543_210,
};

/// One side of the comparison.
trait Caller: Clone + Send + Sync + 'static {
    fn call(&self) -> impl std::future::Future<Output = usize> + Send;
}

#[derive(Clone)]
struct Generated {
    client: segmind::Client,
    request: Arc<Ssd1bRequest>,
}

impl Caller for Generated {
    async fn call(&self) -> usize {
        let response = self
            .client
            .ssd_1b(&*self.request)
            .await
            .expect("generated client call");
        response.images().len()
    }
}

#[derive(Clone)]
struct HandWritten {
    http: reqwest::Client,
    url: Arc<str>,
}

impl Caller for HandWritten {
    async fn call(&self) -> usize {
        let body = serde_json::to_vec(&HAND_WRITTEN).expect("encode");
        let response = self
            .http
            .post(&*self.url)
            .header("x-api-key", HeaderValue::from_static(API_KEY))
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE))
            .timeout(Duration::from_secs(120))
            .body(body)
            .send()
            .await
            .expect("hand-written call");
        assert!(
            response.status().is_success(),
            "status {}",
            response.status()
        );
        response.bytes().await.expect("body").len()
    }
}

fn generated() -> Generated {
    let client = segmind::Client::builder()
        .api_key(API_KEY)
        .base_url(format!("http://{}/v1", server()))
        .build()
        .expect("generated client");
    Generated {
        client,
        request: Arc::new(request()),
    }
}

fn hand_written() -> HandWritten {
    let generated = serde_json::to_vec(&request()).expect("encode");
    assert_eq!(
        serde_json::to_vec(&HAND_WRITTEN).expect("encode"),
        generated,
        "both sides must send the same bytes"
    );
    HandWritten {
        http: reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("reqwest client"),
        url: format!("http://{}/v1/ssd-1b", server()).into(),
    }
}

/// `BATCH` calls, `concurrency` at a time.
async fn batch<C: Caller>(caller: &C, concurrency: usize) {
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let caller = caller.clone();
        let calls = BATCH / concurrency + usize::from(worker < BATCH % concurrency);
        tasks.spawn(async move {
            for _ in 0..calls {
                divan::black_box(caller.call().await);
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task");
    }
}

fn measure<C: Caller>(bencher: Bencher, caller: C, concurrency: usize) {
    // Open the connections before measuring.
    runtime().block_on(batch(&caller, concurrency));
    bencher
        .counter(ItemsCount::new(BATCH))
        .bench(|| runtime().block_on(batch(&caller, concurrency)));
}

/// Through `segmind::Client::ssd_1b`.
#[divan::bench(args = concurrency_levels())]
fn generated_client(bencher: Bencher, concurrency: usize) {
    measure(bencher, generated(), concurrency);
}

/// Through hand-written reqwest code sending the same bytes.
#[divan::bench(args = concurrency_levels())]
fn hand_written_reqwest(bencher: Bencher, concurrency: usize) {
    measure(bencher, hand_written(), concurrency);
}
