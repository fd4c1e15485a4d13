//! Text to image with SSD-1B: the shortest useful program.
//!
//! ```sh
//! SEGMIND_API_KEY=... cargo run -p segmind --example text_to_image -- "a lighthouse at dawn"
//! ```

use segmind::{Client, Scheduler, Ssd1bRequest};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let prompt = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "a lighthouse at dawn, volumetric light, ultrarealistic".to_owned());
    let client = Client::from_env()?;
    let request = Ssd1bRequest::new(prompt)
        .negative_prompt("blurry, out of focus")
        .scheduler(Scheduler::DpmMulti)
        .num_inference_steps(30)
        .seed(42);
    let response = client.ssd_1b(&request).await?;
    let path = format!("ssd-1b.{}", response.first().extension());
    response.save(&path)?;
    println!(
        "saved {path} ({} bytes, {})",
        response.bytes().len(),
        response.content_type()
    );
    if let Some(credits) = response.remaining_credits() {
        println!("remaining credits: {credits}");
    }
    Ok(())
}
