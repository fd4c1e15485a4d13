// A path string is not audio (nor a video): say what it is, with
// `AudioInput::from_file` or `AudioInput::url`, so a local file is never
// sent to the API as if it were a URL.
use segmind::{ImageInput, SadtalkerRequest};

fn main() {
    let _request = SadtalkerRequest::new("recordings/voice.wav", ImageInput::url("https://example.com/face.png"));
}
