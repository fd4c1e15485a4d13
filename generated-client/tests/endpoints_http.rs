//! Each generated client method against a local server on 127.0.0.1: the
//! method, path, `x-api-key` header and the exact JSON body the page's
//! example describes, with unset optional parameters absent.

use std::path::Path;

use segmind::{
    Client, ImageInput, Sd15Img2imgRequest, Sd3MedImg2imgRequest, Ssd1bRequest, SsdCannyRequest,
    SsdImg2imgRequest,
};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-endpoint-test-51c2";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];

fn fixture(slug: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/seed-examples/{slug}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture exists"))
        .expect("fixture is JSON")
}

/// A server that answers `POST /v1/<slug>` with a JPEG only when the key and
/// the body are exactly as expected, and a client pointed at it.
async fn server_expecting(slug: &str, body: Value) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/{slug}")))
        .and(header("x-api-key", KEY))
        .and(header("content-type", "application/json"))
        .and(body_json(body))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "image/jpeg")
                .set_body_bytes(JPEG),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .expect("client builds");
    (server, client)
}

/// Parses a fixture into the request type, as a user loading a saved body would.
fn request<T: serde::de::DeserializeOwned>(slug: &str) -> T {
    serde_json::from_value(fixture(slug)).expect("fixture matches the request type")
}

#[tokio::test]
async fn ssd_img2img_sends_the_pages_example() {
    let (_server, client) = server_expecting("ssd-img2img", fixture("ssd-img2img")).await;
    let response = client
        .ssd_img2img(request::<SsdImg2imgRequest>("ssd-img2img"))
        .await
        .unwrap();
    assert_eq!(response.bytes().as_ref(), JPEG);
}

#[tokio::test]
async fn ssd_1b_sends_the_pages_example() {
    // The page writes `"guidance_scale": 7`; the f64 field sends 7.0, which
    // JSON (and the server) read as the same number.
    let mut expected = fixture("ssd-1b");
    expected["guidance_scale"] = json!(7.0);
    let (_server, client) = server_expecting("ssd-1b", expected).await;
    let response = client
        .ssd_1b(request::<Ssd1bRequest>("ssd-1b"))
        .await
        .unwrap();
    assert_eq!(response.content_type(), "image/jpeg");
}

#[tokio::test]
async fn sd1_5_img2img_sends_the_pages_example() {
    let (_server, client) = server_expecting("sd1.5-img2img", fixture("sd1.5-img2img")).await;
    client
        .sd1_5_img2img(request::<Sd15Img2imgRequest>("sd1.5-img2img"))
        .await
        .unwrap();
}

#[tokio::test]
async fn ssd_canny_sends_the_pages_example() {
    let (_server, client) = server_expecting("ssd-canny", fixture("ssd-canny")).await;
    client
        .ssd_canny(request::<SsdCannyRequest>("ssd-canny"))
        .await
        .unwrap();
}

#[tokio::test]
async fn sd3_med_img2img_sends_the_pages_example() {
    let mut expected = fixture("sd3-med-img2img");
    expected["guidance_scale"] = json!(5.0);
    let (_server, client) = server_expecting("sd3-med-img2img", expected).await;
    client
        .sd3_med_img2img(request::<Sd3MedImg2imgRequest>("sd3-med-img2img"))
        .await
        .unwrap();
}

/// Each endpoint called with only its required parameters sends exactly
/// those: every optional parameter is left for the server's default.
#[tokio::test]
async fn each_endpoint_built_with_new_sends_only_its_required_parameters() {
    const IMAGE: &str = "https://example.com/in.png";
    let image_and_prompt = json!({"image": IMAGE, "prompt": "a castle"});

    let (server, client) = server_expecting("ssd-img2img", image_and_prompt.clone()).await;
    client
        .ssd_img2img(SsdImg2imgRequest::new("a castle", ImageInput::url(IMAGE)))
        .await
        .unwrap();
    server.verify().await;

    let (server, client) = server_expecting("ssd-1b", json!({"prompt": "a castle"})).await;
    client.ssd_1b(Ssd1bRequest::new("a castle")).await.unwrap();
    server.verify().await;

    let (server, client) = server_expecting("sd1.5-img2img", image_and_prompt.clone()).await;
    client
        .sd1_5_img2img(Sd15Img2imgRequest::new("a castle", ImageInput::url(IMAGE)))
        .await
        .unwrap();
    server.verify().await;

    let (server, client) = server_expecting("ssd-canny", image_and_prompt.clone()).await;
    client
        .ssd_canny(SsdCannyRequest::new("a castle", ImageInput::url(IMAGE)))
        .await
        .unwrap();
    server.verify().await;

    let (server, client) = server_expecting("sd3-med-img2img", image_and_prompt).await;
    client
        .sd3_med_img2img(Sd3MedImg2imgRequest::new(
            "a castle",
            ImageInput::url(IMAGE),
        ))
        .await
        .unwrap();
    server.verify().await;
}

#[tokio::test]
async fn only_the_parameters_that_were_set_are_sent() {
    let body =
        json!({"image": "https://example.com/in.png", "prompt": "a castle", "strength": 0.5});
    let (_server, client) = server_expecting("sd1.5-img2img", body).await;
    let request =
        Sd15Img2imgRequest::new("a castle", ImageInput::url("https://example.com/in.png"))
            .strength(0.5);
    client.sd1_5_img2img(&request).await.unwrap();
}

#[tokio::test]
async fn an_invalid_request_is_not_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("{}/v1", server.uri()))
        .build()
        .unwrap();
    let request = SsdCannyRequest::new("x", ImageInput::url("https://example.com/edges.png"))
        .controlnet_scale(7.5)
        .samples(9);
    let error = client.ssd_canny(&request).await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("`controlnet_scale` is 7.5, but must be between 0 and 1 inclusive"),
        "{message}"
    );
    assert!(
        message.contains("`samples` is 9, but must be between 1 and 4 inclusive"),
        "{message}"
    );
}
