//! Testing an application's own code against the in-process mock: no
//! network, no API key, faults on demand.
//!
//! ```sh
//! cargo run -p segmind --features mock --example mock_server
//! ```
//!
//! `thumbnail` stands for application code: it calls the API and handles
//! a busy server by retrying. The checks below are what its tests would
//! assert.

use std::time::Duration;

use segmind::mock::{Fault, FaultRule, MockServer};
use segmind::{Client, RetryPolicy, Ssd1bRequest};

/// Application code: one image for `prompt`, retried while the API is busy.
async fn thumbnail(client: &Client, prompt: &str) -> Result<Vec<u8>, segmind::Error> {
    let request = Ssd1bRequest::new(prompt).seed(42);
    let image = client.ssd_1b(&request).await?;
    Ok(image.bytes().to_vec())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await?;
    let client = Client::builder()
        .api_key("test-key")
        .base_url(server.base_url())
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .base_delay(Duration::from_millis(10)),
        )
        .build()?;

    // The API is busy twice, then answers: the application copes.
    server.push_fault(FaultRule::new(
        "ssd-1b",
        2,
        Fault::status(503).with_retry_after(0),
    ));
    let bytes = thumbnail(&client, "a lighthouse at dawn").await?;
    println!(
        "got a {} byte image after {} requests",
        bytes.len(),
        server.requests().len()
    );
    assert_eq!(server.requests().len(), 3);

    // What the application sent, as the mock received it (the key is only
    // a fingerprint in the log).
    let sent = &server.requests()[2];
    println!(
        "it sent {} with {}",
        sent.path,
        sent.body
            .as_ref()
            .map_or_else(String::new, ToString::to_string)
    );

    // Out of credits: the application sees `InsufficientCredits` (406).
    server.set_credits("test-key", 0.0);
    let error = thumbnail(&client, "another").await.unwrap_err();
    println!("with no credits left: {error}");
    Ok(())
}
