// A string is not an image: a local path would be sent as text.
use segmind::SsdCannyRequest;

fn main() {
    let _request = SsdCannyRequest::new("a portrait", "photos/edges.png");
}
