//! Lists and objects, as users of the catalogue's multi-reference editors
//! and chat models meet them: a list setter takes any iterable of what one
//! item takes, each item is checked and named by its place, objects are
//! generated structs, and JSON bodies read back into the same values.

use segmind::{
    AnyRequest, Flux2ProRequest, ImageInput, LlamaV3p18bInstructMessages,
    LlamaV3p18bInstructRequest,
};
use serde_json::json;

#[test]
fn a_list_setter_takes_any_iterable_of_items() {
    let urls = ["https://example.com/a.png", "https://example.com/b.png"];
    let from_array = Flux2ProRequest::new("a fox").image_urls(urls.map(ImageInput::url));
    let from_iterator =
        Flux2ProRequest::new("a fox").image_urls(urls.iter().map(|u| ImageInput::url(*u)));
    let from_bytes = Flux2ProRequest::new("a fox").image_urls([vec![1_u8, 2, 3]]);
    assert_eq!(from_array, from_iterator);
    assert_eq!(
        serde_json::to_value(&from_array).unwrap(),
        json!({"prompt": "a fox", "image_urls": urls})
    );
    // Bytes are sent as base64, like a single image's.
    assert_eq!(
        serde_json::to_value(&from_bytes).unwrap()["image_urls"],
        json!(["AQID"])
    );
    assert!(from_array.validate().is_ok());
}

#[test]
fn each_item_is_checked_and_named_by_its_place() {
    let request = Flux2ProRequest::new("a fox").image_urls([
        ImageInput::url("https://example.com/a.png"),
        ImageInput::url("ftp://example.com/b.png"),
        ImageInput::base64(""),
    ]);
    let errors = request.validate().unwrap_err();
    let places: Vec<String> = errors
        .violations
        .iter()
        .map(|v| format!("{}{}", v.param, v.at))
        .collect();
    assert_eq!(places, ["image_urls[1]", "image_urls[2]"]);
    let message = errors.to_string();
    assert!(
        message.contains("`image_urls[1]` is \"ftp://example.com/b.png\""),
        "{message}"
    );
}

#[test]
fn a_list_reads_back_from_json_and_a_wrong_item_is_named() {
    let body = json!({"prompt": "a fox", "image_urls": ["https://example.com/a.png"]});
    let request = AnyRequest::from_json("flux-2-pro", body.clone())
        .unwrap()
        .unwrap();
    assert_eq!(request.to_json().unwrap(), body);
    let wrong = json!({"prompt": "a fox", "image_urls": "https://example.com/a.png"});
    let error = AnyRequest::from_json("flux-2-pro", wrong)
        .unwrap()
        .unwrap_err();
    assert!(
        error.to_string().contains("invalid value for `image_urls`"),
        "{error}"
    );
}

#[test]
fn objects_are_structs_sent_as_json_objects() {
    let request = LlamaV3p18bInstructRequest::new([
        LlamaV3p18bInstructMessages::new("system", "Answer briefly."),
        LlamaV3p18bInstructMessages::new("user", "What is the capital of France?"),
    ]);
    let body = serde_json::to_value(&request).unwrap();
    assert_eq!(
        body["messages"],
        json!([
            {"role": "system", "content": "Answer briefly."},
            {"role": "user", "content": "What is the capital of France?"}
        ])
    );
    let back = AnyRequest::from_json("llama-v3p1-8b-instruct", body)
        .unwrap()
        .unwrap();
    assert_eq!(
        back,
        AnyRequest::LlamaV3p18bInstructRequest(request.clone())
    );
    // Debug shows the structure, as the body has it.
    let shown = format!("{request:?}");
    assert!(shown.contains("\"role\": \"system\""), "{shown}");
}

#[test]
fn an_object_missing_a_field_or_with_an_unknown_one_is_refused_by_name() {
    let missing = json!({"messages": [{"role": "user"}]});
    let error = AnyRequest::from_json("llama-v3p1-8b-instruct", missing)
        .unwrap()
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("messages") && error.contains("content"),
        "{error}"
    );
    let unknown = json!({"messages": [{"role": "user", "content": "hi", "name": "x"}]});
    let error = AnyRequest::from_json("llama-v3p1-8b-instruct", unknown)
        .unwrap()
        .unwrap_err()
        .to_string();
    assert!(error.contains("unknown field `name`"), "{error}");
}
