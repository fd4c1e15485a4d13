//! A loopback HTTP/1.1 server that misbehaves on purpose, written on raw TCP
//! so that it can send what no well-behaved server library would: resets,
//! silence, malformed status lines, too many headers, bodies that break off
//! or never end.
//!
//! It runs on a thread of its own with its own runtime, so async and
//! blocking clients alike can be tested against it, and it stops when
//! dropped. Every loop in it is bounded: by the connection closing, by a
//! read timeout, or by a count.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with the next request.
#[derive(Clone)]
pub enum Action {
    /// Writes these bytes (a whole response) and keeps the connection open.
    Send(Vec<u8>),
    /// Writes these bytes, then closes the connection.
    SendAndClose(Vec<u8>),
    /// Waits until the request's bytes have arrived, then resets the
    /// connection without reading them: the request is never seen.
    ResetBeforeRead,
    /// Reads the request, then resets the connection.
    ResetAfterRead,
    /// Reads the request, then closes the connection without a word.
    CloseAfterRead,
    /// Reads the request and says nothing for this long, then closes.
    Silent(Duration),
    /// Writes `head`, then `chunk` every `every`, `count` times, then closes.
    Drip {
        head: Vec<u8>,
        chunk: Vec<u8>,
        every: Duration,
        count: usize,
    },
    /// Writes `head`, then `total` bytes of zeros as fast as the client
    /// takes them (or until it stops), then closes.
    Stream { head: Vec<u8>, total: u64 },
}

/// Decides the action for request number `n` (from 0) the server sees.
pub type Plan = Arc<dyn Fn(usize) -> Action + Send + Sync>;

/// A running fault server.
pub struct FaultServer {
    pub address: SocketAddr,
    stats: Arc<Stats>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Default)]
struct Stats {
    connections: AtomicUsize,
    /// Requests read in full.
    requests: AtomicUsize,
    /// Plans consulted: requests read, and connections reset before reading.
    planned: AtomicUsize,
}

/// How long the server waits for a request's bytes before giving up on a
/// connection.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The most requests one connection serves.
const REQUESTS_PER_CONNECTION: usize = 10_000;
/// The largest request head and body accepted.
const MAX_REQUEST: usize = 1 << 20;

impl FaultServer {
    /// Starts a server on 127.0.0.1 that answers each request as `plan`
    /// says.
    pub fn start(plan: impl Fn(usize) -> Action + Send + Sync + 'static) -> Self {
        Self::start_on(IpAddr::V4(Ipv4Addr::LOCALHOST), plan)
    }

    /// [`start`](Self::start) on another loopback address (`127.0.0.2`,
    /// a different host as far as a client can tell).
    pub fn start_on(ip: IpAddr, plan: impl Fn(usize) -> Action + Send + Sync + 'static) -> Self {
        let plan: Plan = Arc::new(plan);
        let listener = std::net::TcpListener::bind((ip, 0)).expect("bind the fault server");
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let address = listener.local_addr().expect("its address");
        let stats = Arc::new(Stats::default());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread_stats = Arc::clone(&stats);
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("the fault server's runtime");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("tokio listener");
                tokio::select! {
                    _ = stopped => {}
                    _ = accept_loop(listener, plan, thread_stats) => {}
                }
            });
            runtime.shutdown_timeout(Duration::from_millis(100));
        });
        Self {
            address,
            stats,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// The base URL a client should use (`http://127.0.0.1:port/v1`).
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.address)
    }

    /// Requests read in full so far.
    pub fn requests(&self) -> usize {
        self.stats.requests.load(Ordering::SeqCst)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.stats.connections.load(Ordering::SeqCst)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(listener: TcpListener, plan: Plan, stats: Arc<Stats>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of descriptors, say: wait rather than spin.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        stats.connections.fetch_add(1, Ordering::SeqCst);
        let plan = Arc::clone(&plan);
        let stats = Arc::clone(&stats);
        tokio::spawn(async move {
            let _ = serve(stream, plan, stats).await;
        });
    }
}

async fn serve(mut stream: TcpStream, plan: Plan, stats: Arc<Stats>) -> std::io::Result<()> {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::new();
    for _ in 0..REQUESTS_PER_CONNECTION {
        if buffer.is_empty() {
            // Nothing pipelined: wait for the next request, or the close.
            match tokio::time::timeout(READ_TIMEOUT, stream.readable()).await {
                Ok(Ok(())) => {}
                _ => return Ok(()),
            }
        }
        let mut probe = [0_u8; 1];
        if buffer.is_empty() && stream.peek(&mut probe).await? == 0 {
            return Ok(()); // closed by the client
        }
        // Decided before reading, so the plan can say not to read.
        let number = stats.planned.fetch_add(1, Ordering::SeqCst);
        let action = plan(number);
        if let Action::ResetBeforeRead = action {
            stream.set_zero_linger()?;
            return Ok(());
        }
        if !read_request(&mut stream, &mut buffer).await? {
            return Ok(());
        }
        stats.requests.fetch_add(1, Ordering::SeqCst);
        match action {
            Action::Send(bytes) => {
                stream.write_all(&bytes).await?;
                stream.flush().await?;
            }
            Action::SendAndClose(bytes) => {
                stream.write_all(&bytes).await?;
                stream.flush().await?;
                return Ok(());
            }
            Action::ResetBeforeRead => unreachable!("handled before reading"),
            Action::ResetAfterRead => {
                stream.set_zero_linger()?;
                return Ok(());
            }
            Action::CloseAfterRead => return Ok(()),
            Action::Silent(how_long) => {
                tokio::time::sleep(how_long).await;
                return Ok(());
            }
            Action::Drip {
                head,
                chunk,
                every,
                count,
            } => {
                stream.write_all(&head).await?;
                for _ in 0..count {
                    tokio::time::sleep(every).await;
                    stream.write_all(&chunk).await?;
                    stream.flush().await?;
                }
                return Ok(());
            }
            Action::Stream { head, total } => {
                stream.write_all(&head).await?;
                let zeros = vec![0_u8; 64 << 10];
                let mut left = total;
                while left > 0 {
                    let n = left.min(zeros.len() as u64) as usize;
                    stream.write_all(&zeros[..n]).await?;
                    left -= n as u64;
                }
                return Ok(());
            }
        }
    }
    Ok(())
}

/// Reads one request (head, and the body its `Content-Length` announces)
/// off the front of `buffer` plus the stream; `false` when the connection
/// closed or stalled first.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> std::io::Result<bool> {
    let mut chunk = [0_u8; 16 << 10];
    loop {
        if let Some(length) = complete_request_length(buffer) {
            buffer.drain(..length);
            return Ok(true);
        }
        if buffer.len() > MAX_REQUEST {
            return Ok(false);
        }
        match tokio::time::timeout(READ_TIMEOUT, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Err(_) => return Ok(false),
            Ok(Ok(n)) => buffer.extend_from_slice(&chunk[..n]),
            Ok(Err(error)) => return Err(error),
        }
    }
}

/// The length of the first complete request in `bytes`, if there is one.
pub fn complete_request_length(bytes: &[u8]) -> Option<usize> {
    let end = bytes.windows(4).position(|window| window == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&bytes[..end]);
    let body = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let total = end + 4 + body;
    (bytes.len() >= total).then_some(total)
}

/// A whole HTTP/1.1 response with a `Content-Length`.
pub fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = head(status, headers);
    // `head` ends the header block; put the length in before that.
    out.truncate(out.len() - 2);
    out.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

/// A status line and headers, ending the header block.
pub fn head(status: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out
}
