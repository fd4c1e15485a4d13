// A list parameter takes a list (any iterable) of what one item takes, not
// one string: `image_urls([ImageInput::url(a)])`.
use segmind::Flux2FlexRequest;

fn main() {
    let _request = Flux2FlexRequest::new("a fox").image_urls("https://example.com/a.png");
}
