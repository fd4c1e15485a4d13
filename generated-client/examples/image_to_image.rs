//! Image to image with Stable Diffusion 1.5, from a local file or a URL.
//!
//! ```sh
//! SEGMIND_API_KEY=... cargo run -p segmind --example image_to_image -- input.jpg "a fantasy landscape"
//! ```

use segmind::{Client, Error, ImageInput, Scheduler, Sd15Img2imgRequest};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let input = args
        .next()
        .unwrap_or_else(|| "https://example.com/input.jpg".to_owned());
    let prompt = args
        .next()
        .unwrap_or_else(|| "a fantasy landscape, trending on artstation, mystical sky".to_owned());
    // A URL is passed through for the API to fetch; a path is read (without
    // blocking the runtime) and sent as base64.
    let image = if input.starts_with("http://") || input.starts_with("https://") {
        ImageInput::url(input)
    } else {
        ImageInput::from_file_async(&input).await?
    };
    let request = Sd15Img2imgRequest::new(prompt, image)
        .strength(0.75)
        .guidance_scale(10.5)
        .scheduler(Scheduler::Ddim)
        .img_width(512)
        .img_height(768);
    let client = Client::from_env()?;
    match client.sd1_5_img2img(&request).await {
        Ok(response) => {
            response.save("sd1.5-img2img.jpg")?;
            println!("saved sd1.5-img2img.jpg");
        }
        // Rejected locally: nothing was sent and no credits were spent.
        Err(Error::Validation(errors)) => eprintln!("{errors}"),
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
