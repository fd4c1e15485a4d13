//! The request path before any I/O: build a request with the setters,
//! validate it and serialise it to the JSON bytes the client sends, for
//! each of the five endpoints, with the values of its page's example
//! request. Also each step alone, to show where the time goes.
//!
//! Run: `cargo bench -p segmind --bench request_path`.

use divan::black_box;
use segmind::{
    ImageInput, Scheduler, Sd15Img2imgRequest, Sd3MedImg2imgRequest, Sd3MedImg2imgSampler,
    Sd3MedImg2imgScheduler, Ssd1bRequest, SsdCannyRequest, SsdImg2imgRequest,
};

fn main() {
    divan::main();
}

fn ssd_img2img() -> SsdImg2imgRequest {
    SsdImg2imgRequest::new(
        black_box("photo of beautiful age 18 girl, pink hair, beautiful, close up, young, dslr, 8k, 4k, ultrarealistic, realistic, natural skin, textured skin"),
        black_box(ImageInput::url("https://segmind-sd-models.s3.amazonaws.com/outputs/ssd_img2img_input.jpeg")),
    )
    .negative_prompt(black_box("painting, drawing, sketch, cartoon, anime, manga, render, CG, 3d, watermark, signature, label, long neck"))
    .samples(black_box(1))
    .scheduler(black_box(Scheduler::EulerA))
    .num_inference_steps(black_box(30))
    .guidance_scale(black_box(7.5))
    .seed(black_box(452_361_789))
    .strength(black_box(0.9))
    .base64(black_box(false))
}

fn ssd_1b() -> Ssd1bRequest {
    Ssd1bRequest::new(black_box(
        "a futuristic cityscape at dusk, neon lights, reflections in water, ultrarealistic, high contrast, vibrant",
    ))
    .negative_prompt(black_box("blurry,out of focus"))
    .samples(black_box(1))
    .scheduler(black_box(Scheduler::DpmMulti))
    .num_inference_steps(black_box(45))
    .guidance_scale(black_box(7.0))
    .seed(black_box(9_876_543_210))
    .img_width(black_box(1024))
    .img_height(black_box(1024))
    .base64(black_box(false))
}

fn sd1_5_img2img() -> Sd15Img2imgRequest {
    Sd15Img2imgRequest::new(
        black_box("A fantasy landscape, trending on artstation, mystical sky"),
        black_box(ImageInput::verbatim("/sd-img2img-input.jpeg")),
    )
    .samples(black_box(1))
    .negative_prompt(black_box("nude, disfigured, blurry"))
    .scheduler(black_box(Scheduler::Ddim))
    .num_inference_steps(black_box(25))
    .guidance_scale(black_box(10.5))
    .strength(black_box(0.75))
    .seed(black_box(98_877_465_625))
    .img_width(black_box(512))
    .img_height(black_box(512))
    .base64(black_box(false))
}

fn ssd_canny() -> SsdCannyRequest {
    SsdCannyRequest::new(
        black_box("beautiful lady, scandanavian, natural skin, big smile, black hair, dark makeup, wearing a black top, hyperdetailed photography, sharp focus on face, soft light, dark background, head and shoulders portrait, cover, city bokeh background"),
        black_box(ImageInput::url("https://segmind-sd-models.s3.amazonaws.com/outputs/ssd_canny_input.png")),
    )
    .negative_prompt(black_box("low quality, ugly, painting"))
    .samples(black_box(1))
    .scheduler(black_box(Scheduler::UniPc))
    .num_inference_steps(black_box(30))
    .guidance_scale(black_box(7.5))
    .seed(black_box(760_941_192))
    .controlnet_scale(black_box(0.5))
    .base64(black_box(false))
}

fn sd3_med_img2img() -> Sd3MedImg2imgRequest {
    Sd3MedImg2imgRequest::new(
        black_box("photo of a boy holding phone on table,3d pixar style"),
        black_box(ImageInput::url(
            "https://segmind-sd-models.s3.amazonaws.com/display_images/sd3-img2img-ip.jpg",
        )),
    )
    .negative_prompt(black_box("low quality,less details"))
    .num_inference_steps(black_box(20))
    .guidance_scale(black_box(5.0))
    .seed(black_box(698_845))
    .samples(black_box(1))
    .strength(black_box(0.7))
    .sampler(black_box(Sd3MedImg2imgSampler::Dpmpp2m))
    .scheduler(black_box(Sd3MedImg2imgScheduler::SgmUniform))
    .base64(black_box(false))
}

/// Build, validate and serialise: what happens before the first byte is
/// sent. Panics (failing the benchmark) if the example does not validate.
macro_rules! request_benches {
    ($($name:ident),* $(,)?) => {
        /// Build + validate + serialise.
        mod full {
            $(
                #[divan::bench]
                fn $name() -> Vec<u8> {
                    let request = super::$name();
                    if let Err(errors) = request.validate() {
                        panic!("{errors}");
                    }
                    serde_json::to_vec(&request).unwrap_or_else(|error| panic!("{error}"))
                }
            )*
        }

        /// Building with `new` and the setters only.
        mod build {
            $(
                #[divan::bench]
                fn $name() -> impl Sized {
                    super::$name()
                }
            )*
        }

        /// `validate()` only.
        mod validate {
            $(
                #[divan::bench]
                fn $name(bencher: divan::Bencher) {
                    let request = super::$name();
                    bencher.bench_local(|| divan::black_box(&request).validate());
                }
            )*
        }

        /// `serde_json::to_vec` only.
        mod serialize {
            $(
                #[divan::bench]
                fn $name(bencher: divan::Bencher) {
                    let request = super::$name();
                    bencher.bench_local(|| serde_json::to_vec(divan::black_box(&request)));
                }
            )*
        }
    };
}

request_benches!(
    ssd_img2img,
    ssd_1b,
    sd1_5_img2img,
    ssd_canny,
    sd3_med_img2img
);
