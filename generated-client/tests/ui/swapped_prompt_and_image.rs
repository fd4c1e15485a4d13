// Text comes first in every `new`: an image where the prompt goes, and a
// prompt where the image goes, do not compile.
use segmind::{ImageInput, SsdCannyRequest};

fn main() {
    let image = ImageInput::url("https://example.com/edges.png");
    let _request = SsdCannyRequest::new(image, "a portrait");
}
