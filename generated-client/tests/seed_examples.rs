//! The example request body on each vendor page is real usage: it must
//! deserialise into the generated request type, pass validation and
//! serialise back to the same JSON.

use std::path::Path;

use segmind::AnyRequest;
use serde_json::Value;

/// JSON numbers compared by value: the page writes `"guidance_scale": 7`,
/// an `f64` field sends `7.0`, and both mean the same to the API. A member
/// a page sends as `null` is one not sent, which is how the request reads it.
fn normalise(value: Value) -> Value {
    match value {
        Value::Number(n) => n
            .as_f64()
            .map_or(Value::Number(n), |f| serde_json::json!(f)),
        Value::Array(items) => Value::Array(items.into_iter().map(normalise).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, normalise(v)))
                .collect(),
        ),
        other => other,
    }
}

#[test]
fn every_seed_example_round_trips_and_validates() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed-examples");
    let mut seen = Vec::new();
    for slug in segmind::ENDPOINTS {
        let path = dir.join(format!("{slug}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; add the API page's example request body there",
                path.display()
            )
        });
        let body: Value = serde_json::from_str(&text).expect("fixture is JSON");
        let request = AnyRequest::from_json(slug, body.clone())
            .expect("the slug is known")
            .unwrap_or_else(|e| panic!("{slug}: the page's example does not deserialise: {e}"));
        assert_eq!(request.slug(), *slug);
        if let Err(errors) = request.validate() {
            panic!("{slug}: the page's example fails validation: {errors}");
        }
        let sent = request.to_json().expect("serialises");
        assert_eq!(
            normalise(sent),
            normalise(body),
            "{slug}: the body sent differs from the page's example"
        );
        seen.push(*slug);
    }
    assert!(seen.len() >= 5, "one example per seed page, at least");
}

#[test]
fn seed_values_beyond_32_bits_are_kept_exactly() {
    let request = segmind::Sd15Img2imgRequest::new(
        "a landscape",
        segmind::ImageInput::verbatim("/sd-img2img-input.jpeg"),
    )
    .seed(98_877_465_625);
    let body = serde_json::to_value(&request).unwrap();
    assert_eq!(body["seed"], serde_json::json!(98_877_465_625_i64));
    let largest =
        segmind::SsdImg2imgRequest::new("x", segmind::ImageInput::url("https://example.com/a.png"))
            .seed(999_999_999_999_999);
    assert!(largest.validate().is_ok());
}

#[test]
fn integer_setters_take_any_integer_type_that_fits_and_seeds_stay_i64() {
    let samples: u32 = 2;
    let steps: u8 = 30;
    let request = segmind::Ssd1bRequest::new("x")
        .samples(samples)
        .num_inference_steps(steps)
        .img_height(1024_i16);
    assert_eq!(request.samples, Some(2));
    assert_eq!(request.num_inference_steps, Some(30));
    assert_eq!(request.img_height, Some(1024));
    // A plain literal, and the i64 a range of more than 32 bits needs.
    let request = request.samples(3).seed(98_877_465_625);
    assert_eq!(
        (request.samples, request.seed),
        (Some(3), Some(98_877_465_625))
    );
    let request = request.samples(-1_i64);
    assert!(request.validate().is_err(), "out of range is still caught");
}

#[test]
fn number_setters_take_integers_and_f32_as_well_as_f64() {
    let request = segmind::Ssd1bRequest::new("x").guidance_scale(7);
    assert_eq!(request.guidance_scale, Some(7.0));
    let request = request.guidance_scale(7.5_f32);
    assert_eq!(request.guidance_scale, Some(7.5));
    let steps: u8 = 3;
    assert_eq!(
        segmind::Ssd1bRequest::new("x")
            .guidance_scale(steps)
            .guidance_scale,
        Some(3.0)
    );
}
