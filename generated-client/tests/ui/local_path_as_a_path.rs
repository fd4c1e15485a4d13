// A path is not an image either: read it with `ImageInput::from_file`.
use std::path::Path;

use segmind::SsdCannyRequest;

fn main() {
    let _request = SsdCannyRequest::new("a portrait", Path::new("photos/edges.png"));
}
