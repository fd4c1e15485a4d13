//! ControlNet: SSD-1B guided by the Canny edges of an input image, asking for
//! base64 JSON (decoded by the client into the same image type) and several
//! samples.
//!
//! ```sh
//! SEGMIND_API_KEY=... cargo run -p segmind --example controlnet -- https://example.com/pose.png
//! ```

use std::time::Duration;

use segmind::{Client, ImageInput, RequestOptions, Scheduler, SsdCannyRequest};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let input = std::env::args().nth(1).unwrap_or_else(|| {
        "https://segmind-sd-models.s3.amazonaws.com/outputs/ssd_canny_input.png".to_owned()
    });
    let request = SsdCannyRequest::new(
        "portrait, black hair, soft light, city bokeh background",
        ImageInput::url(input),
    )
    .controlnet_scale(0.5)
    .scheduler(Scheduler::UniPc)
    .samples(2)
    .base64(true);
    let client = Client::builder()
        .api_key(std::env::var("SEGMIND_API_KEY")?)
        .timeout(Duration::from_secs(120))
        .build()?;
    // A slow model: allow this one call more time than the client's default.
    let options = RequestOptions::new().timeout(Duration::from_secs(180));
    let response = client.send_with(&request, options).await?;
    for (index, image) in response.images().iter().enumerate() {
        let path = format!("ssd-canny-{index}.{}", image.extension());
        image.save(&path)?;
        println!("saved {path}");
    }
    Ok(())
}
