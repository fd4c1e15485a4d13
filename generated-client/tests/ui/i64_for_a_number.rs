// An `i64` may not fit an `f64` exactly, so a number setter does not take
// one unconverted.
use segmind::Ssd1bRequest;

fn main() {
    let scale: i64 = 7;
    let _request = Ssd1bRequest::new("a cat").guidance_scale(scale);
}
