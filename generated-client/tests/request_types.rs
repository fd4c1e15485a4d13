//! What an application developer relies on in the generated request types:
//! only what was set is sent, wire names are exact, enums round-trip, and
//! documented defaults are available as constants.

use segmind::{Scheduler, Sd3MedImg2imgSampler, Ssd1bRequest, SsdCannyRequest};
use serde_json::json;

#[test]
fn unset_optional_parameters_are_not_sent() {
    let request = Ssd1bRequest::new("a lighthouse at dawn");
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"prompt": "a lighthouse at dawn"})
    );
}

#[test]
fn setters_send_exact_wire_names_and_values() {
    let request = SsdCannyRequest::new(
        "a portrait",
        segmind::ImageInput::url("https://example.com/edges.png"),
    )
    .controlnet_scale(0.5)
    .scheduler(Scheduler::Dpm2AKarras)
    .seed(760_941_192)
    .base64(true);
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({
            "image": "https://example.com/edges.png",
            "prompt": "a portrait",
            "controlnet_scale": 0.5,
            "scheduler": "DPM2 a Karras",
            "seed": 760_941_192,
            "base64": true,
        })
    );
}

#[test]
fn enum_values_use_the_exact_wire_strings_both_ways() {
    for scheduler in Scheduler::ALL {
        let wire = scheduler.as_str();
        assert_eq!(scheduler.to_string(), wire);
        assert_eq!(wire.parse::<Scheduler>().unwrap(), *scheduler);
        assert_eq!(serde_json::to_value(scheduler).unwrap(), json!(wire));
        assert_eq!(
            serde_json::from_value::<Scheduler>(json!(wire)).unwrap(),
            *scheduler
        );
    }
    assert_eq!(Scheduler::ALL.len(), 12);
    assert_eq!(Scheduler::EulerA.as_str(), "Euler a");
    assert_eq!(Scheduler::Dpm2AKarras.as_str(), "DPM2 a Karras");
    assert_eq!(Scheduler::UniPc.as_str(), "UniPC");
    assert_eq!(Sd3MedImg2imgSampler::Dpmpp2m.as_str(), "dpmpp_2m");
    assert_eq!(Sd3MedImg2imgSampler::ALL.len(), 27);
}

#[test]
fn unknown_enum_strings_are_rejected_with_the_allowed_values() {
    let error = "Euler A".parse::<Scheduler>().unwrap_err().to_string();
    assert!(
        error.contains("`Euler A` is not a valid scheduler"),
        "{error}"
    );
    assert!(error.contains("\"Euler a\""), "{error}");
    let error =
        serde_json::from_value::<Ssd1bRequest>(json!({"prompt": "x", "scheduler": "euler"}))
            .unwrap_err();
    assert!(
        error.to_string().contains("not a valid scheduler"),
        "{error}"
    );
}

#[test]
fn unknown_fields_in_a_json_body_are_rejected() {
    let error =
        serde_json::from_value::<Ssd1bRequest>(json!({"prompt": "x", "guidance": 7})).unwrap_err();
    assert!(
        error.to_string().contains("unknown field `guidance`"),
        "{error}"
    );
}

#[test]
fn documented_defaults_and_bounds_are_constants() {
    assert_eq!(SsdCannyRequest::DEFAULT_SCHEDULER, Scheduler::Dpm2Karras);
    assert_eq!(SsdCannyRequest::DEFAULT_NUM_INFERENCE_STEPS, 30);
    assert_eq!(SsdCannyRequest::CONTROLNET_SCALE_MAX, 1.0);
    assert_eq!(Ssd1bRequest::DEFAULT_NEGATIVE_PROMPT, "blurry,out of focus");
    assert_eq!(segmind::Sd15Img2imgRequest::IMG_WIDTH_ALLOWED, &[512, 768]);
    assert_eq!(
        segmind::Sd3MedImg2imgRequest::DEFAULT_SAMPLER,
        Sd3MedImg2imgSampler::Dpmpp2m
    );
}

#[test]
fn validation_reports_every_violation_with_parameter_value_and_rule() {
    let request = segmind::Sd15Img2imgRequest::new("a castle", segmind::ImageInput::url(""))
        .img_width(640)
        .strength(1.5)
        .guidance_scale(f64::NAN);
    let errors = request.validate().unwrap_err();
    let messages: Vec<String> = errors.violations.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "`image` is empty, but must be non-empty",
            "`guidance_scale` is NaN, but must be a finite number",
            "`strength` is 1.5, but must be between 0.1 and 1 inclusive",
            "`img_width` is 640, but must be one of 512, 768",
        ]
    );
    assert!(errors
        .to_string()
        .starts_with("invalid `sd1.5-img2img` request (4 problems)"));
}

/// The types an application shares between tasks and threads stay `Send`
/// and `Sync`, and errors stay usable behind `Box<dyn Error + Send + Sync>`
/// (anyhow's and most applications' error type): losing either would stop
/// this test from compiling.
#[test]
fn public_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<segmind::Client>();
    send_sync::<segmind::ClientBuilder>();
    send_sync::<segmind::Queue>();
    send_sync::<segmind::Job<segmind::ImageResponse>>();
    send_sync::<segmind::Error>();
    send_sync::<segmind::ValidationErrors>();
    send_sync::<segmind::ImageResponse>();
    send_sync::<segmind::JsonResponse>();
    send_sync::<segmind::ImageInput>();
    send_sync::<segmind::Ssd1bRequest>();
    send_sync::<segmind::AnyRequest>();
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(segmind::Error::from(
        segmind::Ssd1bRequest::new("x")
            .samples(9)
            .validate()
            .unwrap_err(),
    ));
    assert!(boxed.to_string().contains("samples"), "{boxed}");
}
