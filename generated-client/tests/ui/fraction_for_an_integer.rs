// An integer parameter takes no fraction.
use segmind::Ssd1bRequest;

fn main() {
    let _request = Ssd1bRequest::new("a cat").num_inference_steps(30.5);
}
