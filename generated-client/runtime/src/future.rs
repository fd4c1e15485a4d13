//! The future every async endpoint method returns.
//!
//! `client.ssd_1b(request)` must give a future that is `Send` and
//! `'static`, so it can be handed to `tokio::spawn`. Returned as
//! `impl Future + Send + 'static` from each generated method, that promise
//! made the compiler prove `Send` for the whole state machine of a call
//! (the request, the retry loop, reqwest's futures) once per endpoint and
//! per client: 60 % of the generated crate's type checking at 200
//! endpoints (see BENCHMARKS.md, §4). Here it is proved once, in the
//! generic [`Client::send_owned`] and [`Queue::submit_owned`], and the
//! endpoint methods return this named type. The price is one allocation
//! per call, next to an HTTP request.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::{Client, DecodeResponse, Endpoint, Error, Job, OutputKind, Queue, WaitOptions};

/// A call in flight: resolves to the endpoint's answer (or, from a
/// [`Queue`], its [`Job`]). `Send` and `'static`, so it can be spawned;
/// it owns a clone of the client and the request.
#[must_use = "a call does nothing until it is awaited"]
pub struct ResponseFuture<T> {
    inner: Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>,
}

impl<T> ResponseFuture<T> {
    fn new(future: impl Future<Output = Result<T, Error>> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(future),
        }
    }
}

impl<T> Future for ResponseFuture<T> {
    type Output = Result<T, Error>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl<T> fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl Client {
    /// [`send`](Self::send) of a request it owns, as a future that owns a
    /// clone of the client. What the generated endpoint methods call.
    #[doc(hidden)]
    pub fn send_owned<E>(&self, request: E) -> ResponseFuture<E::Output>
    where
        E: Endpoint + Send + Sync + 'static,
        E::Output: DecodeResponse + Send + 'static,
    {
        let client = self.clone();
        ResponseFuture::new(async move { client.send(&request).await })
    }
}

impl Client {
    /// Submits a request it owns to the queue and waits for its result, up
    /// to `deadline_secs`: what the generated methods of long-running models
    /// call, with their spec's deadline.
    #[doc(hidden)]
    pub fn run_queued_owned<E>(&self, request: E, deadline_secs: u64) -> ResponseFuture<E::Output>
    where
        E: Endpoint + Send + Sync + 'static,
        E::Output: OutputKind + Send + 'static,
    {
        let queue = self.queue();
        ResponseFuture::new(async move {
            let job = queue.submit(&request).await?;
            queue.wait_with(&job, queued_wait(deadline_secs)).await
        })
    }
}

/// How a generated method of a long-running model waits: up to its spec's
/// deadline.
pub(crate) fn queued_wait(deadline_secs: u64) -> WaitOptions {
    WaitOptions::new().deadline(std::time::Duration::from_secs(deadline_secs))
}

impl Queue {
    /// [`submit`](Self::submit) of a request it owns, as a future that owns
    /// a clone of the queue. What the generated endpoint methods call.
    #[doc(hidden)]
    pub fn submit_owned<E>(&self, request: E) -> ResponseFuture<Job<E::Output>>
    where
        E: Endpoint + Send + Sync + 'static,
        E::Output: OutputKind + Send + 'static,
    {
        let queue = self.clone();
        ResponseFuture::new(async move { queue.submit(&request).await })
    }
}
