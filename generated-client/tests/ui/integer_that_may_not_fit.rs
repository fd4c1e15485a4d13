// A `usize` or `u64` may not fit an `i64`: convert it, and say what to do
// when it does not.
use segmind::Ssd1bRequest;

fn main() {
    let images: Vec<&str> = vec!["a", "b"];
    let _request = Ssd1bRequest::new("a cat").samples(images.len());
}
