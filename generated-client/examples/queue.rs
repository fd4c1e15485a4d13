//! The queued API: submit a job, save its handle, wait with progress, and
//! resume a wait from the request id alone; then the account's credits.
//!
//! ```sh
//! # against the mock (no key, no network):
//! cargo run -p segmind --features mock --bin segmind-mock -- --port 8787 &
//! SEGMIND_BASE_URL=http://127.0.0.1:8787/v1 SEGMIND_API_KEY=anything \
//!   cargo run -p segmind --example queue -- "a lighthouse at dawn"
//! # resume a job another run submitted:
//! ... cargo run -p segmind --example queue -- --resume <request-id>
//! ```

use std::time::Duration;

use segmind::{Client, ImageResponse, Job, Ssd1bRequest, WaitOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let client = Client::from_env()?;
    let queue = client.queue();

    let job: Job<ImageResponse> = match args.as_slice() {
        [flag, request_id] if flag == "--resume" => queue.job_for::<Ssd1bRequest>(request_id)?,
        _ => {
            let prompt = args.first().map_or("a lighthouse at dawn", String::as_str);
            let request = Ssd1bRequest::new(prompt).seed(42);
            // Submitting is quick; the job runs on the server from here on.
            let job = queue.ssd_1b(&request).await?;
            // The handle is plain data: save it to collect the result later.
            std::fs::write("ssd-1b.job.json", serde_json::to_string_pretty(&job)?)?;
            println!("submitted {} (saved to ssd-1b.job.json)", job.request_id());
            job
        }
    };

    let options = WaitOptions::new()
        .deadline(Duration::from_secs(300))
        .on_update(|update| {
            println!(
                "  {} after {:.1} s ({} polls)",
                update.status,
                update.elapsed.as_secs_f64(),
                update.polls
            )
        });
    let image = match queue.wait_with(&job, options).await {
        Ok(image) => image,
        Err(segmind::Error::JobDeadline { request_id, .. }) => {
            println!("still running; resume with: --resume {request_id}");
            return Ok(());
        }
        Err(error) => return Err(error.into()),
    };
    let path = format!("ssd-1b-queued.{}", image.first().extension());
    image.save(&path)?;
    println!("saved {path}");

    let credits = client.credits().await?;
    println!(
        "credits left: {} (and {} free)",
        credits.credits, credits.free_credits
    );
    Ok(())
}
