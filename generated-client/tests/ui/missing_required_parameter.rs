// Required parameters are the arguments of `new`: leaving one out does not
// compile.
use segmind::SsdCannyRequest;

fn main() {
    let _request = SsdCannyRequest::new("a portrait");
}
