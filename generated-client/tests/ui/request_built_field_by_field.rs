// Request types are `#[non_exhaustive]`, so that a parameter added later
// breaks nobody: they are built with `new` and setters.
use segmind::Ssd1bRequest;

fn main() {
    let _request = Ssd1bRequest {
        prompt: "a cat".into(),
        ..Ssd1bRequest::new("")
    };
}
