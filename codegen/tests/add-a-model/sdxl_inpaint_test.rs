//! Written into a scratch copy of the workspace by codegen's add_a_model
//! test, after a sixth spec was added and the crate regenerated: the new
//! endpoint is a typed, validated request like the others.

use segmind::{AnyRequest, ImageInput, Scheduler, SdxlInpaintOutputFormat, SdxlInpaintRequest};
use serde_json::json;

#[test]
fn the_new_request_is_typed_validated_and_serialised() {
    let request = SdxlInpaintRequest::new(
        "a red brick wall",
        ImageInput::url("https://example.com/photo.png"),
        ImageInput::url("https://example.com/mask.png"),
    )
    .strength(0.5)
    .scheduler(Scheduler::EulerA)
    .output_format(SdxlInpaintOutputFormat::Webp);
    assert!(request.validate().is_ok());
    let body = json!({
        "image": "https://example.com/photo.png",
        "mask": "https://example.com/mask.png",
        "prompt": "a red brick wall",
        "strength": 0.5,
        "scheduler": "Euler a",
        "output_format": "webp",
    });
    let any = AnyRequest::from_json("sdxl-inpaint", body.clone());
    assert_eq!(
        any.as_ref().map(|r| r.as_ref().ok()),
        Some(Some(&AnyRequest::SdxlInpaintRequest(request.clone())))
    );
    assert_eq!(
        any.and_then(|r| r.ok()).map(|r| r.to_json().ok()),
        Some(Some(body))
    );
}

#[test]
fn the_new_requests_constraints_and_defaults_are_generated() {
    assert_eq!(SdxlInpaintRequest::DEFAULT_SCHEDULER, Scheduler::UniPc);
    assert_eq!(SdxlInpaintRequest::DEFAULT_STRENGTH, 0.85);
    assert_eq!(
        (SdxlInpaintRequest::STEPS_MIN, SdxlInpaintRequest::STEPS_MAX),
        (1, 100)
    );
    let request = SdxlInpaintRequest::new(
        "x",
        ImageInput::url(""),
        ImageInput::url("https://example.com/mask.png"),
    )
        .strength(1.5)
        .steps(0);
    let errors = request
        .validate()
        .expect_err("three violations")
        .to_string();
    for part in ["image", "strength", "steps"] {
        assert!(errors.contains(part), "{errors}");
    }
}
