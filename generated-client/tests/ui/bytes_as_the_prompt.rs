// Bytes are an image, not text.
use segmind::Ssd1bRequest;

fn main() {
    let png: Vec<u8> = vec![0x89, b'P', b'N', b'G'];
    let _request = Ssd1bRequest::new(png);
}
