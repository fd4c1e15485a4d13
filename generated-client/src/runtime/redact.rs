//! Keeping the API key out of everything a server's answer puts in front of
//! a user: error bodies and messages, headers, log lines.
//!
//! A server may echo the key as it was sent, but also JSON-escaped (`\u0073k-…`,
//! or `sk-AB\/CD` as PHP writes a `/`) or percent-encoded (in a `Location`).
//! Redaction therefore looks for the key in the text as it would read once
//! those escapes are undone, and replaces the escaped spelling where it
//! stands: `{"error": "bad key \u0073k-1"}` becomes `{"error": "bad key ***"}`,
//! still valid JSON, whose decoded message holds no key either.

use std::borrow::Cow;
use std::ops::Range;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue};

use crate::runtime::ApiKey;

/// What a redacted key is replaced by.
const MASK: &[u8] = b"***";

/// `text` with every spelling of `secret` replaced by `***`; borrowed when
/// there is none (the usual case, which allocates nothing).
pub(crate) fn redact_bytes<'a>(text: &'a [u8], secret: &str) -> Cow<'a, [u8]> {
    let spans = secret_spans(text, secret.as_bytes());
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(text.len());
    let mut written = 0;
    for span in spans {
        out.extend_from_slice(&text[written..span.start]);
        out.extend_from_slice(MASK);
        written = span.end;
    }
    out.extend_from_slice(&text[written..]);
    Cow::Owned(out)
}

/// [`redact_bytes`] for a body kept as [`Bytes`].
pub(crate) fn redact_body(body: Bytes, key: &ApiKey) -> Bytes {
    match redact_bytes(&body, key.expose_secret()) {
        Cow::Borrowed(_) => body,
        Cow::Owned(cleaned) => Bytes::from(cleaned),
    }
}

/// [`redact_bytes`] for text: a server's message, or one quoting it.
pub(crate) fn redact_text(text: String, key: &ApiKey) -> String {
    match redact_bytes(text.as_bytes(), key.expose_secret()) {
        Cow::Borrowed(_) => text,
        // Only whole escape sequences and ASCII keys are replaced, so the
        // result is still UTF-8; the lossy conversion never loses anything.
        Cow::Owned(cleaned) => String::from_utf8_lossy(&cleaned).into_owned(),
    }
}

/// Redacts every response header value that spells the key in any form.
pub(crate) fn redact_headers(headers: &mut HeaderMap, key: &ApiKey) {
    let secret = key.expose_secret();
    for value in headers.values_mut() {
        if let Cow::Owned(cleaned) = redact_bytes(value.as_bytes(), secret) {
            *value = HeaderValue::from_bytes(&cleaned)
                .unwrap_or_else(|_| HeaderValue::from_static("***"));
        }
    }
}

/// Where `secret` is spelled in `text`, raw or escaped, as byte ranges of
/// `text` that start and end on whole escape sequences, in order and
/// without overlap.
fn secret_spans(text: &[u8], secret: &[u8]) -> Vec<Range<usize>> {
    if secret.is_empty() || text.len() < secret.len() {
        return Vec::new();
    }
    // Fast path: no escape characters, so only the raw spelling can occur.
    if !text.iter().any(|byte| matches!(byte, b'\\' | b'%')) {
        return raw_spans(text, secret);
    }
    let unescaped = Unescaped::new(text);
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut index = 0;
    while index + secret.len() <= unescaped.bytes.len() {
        if unescaped.bytes[index..].starts_with(secret) {
            let start = unescaped.starts[index];
            let end = unescaped.ends[index + secret.len() - 1];
            spans.push(start..end);
            index += secret.len();
        } else {
            index += 1;
        }
    }
    spans
}

fn raw_spans(text: &[u8], secret: &[u8]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut index = 0;
    while index + secret.len() <= text.len() {
        if text[index..].starts_with(secret) {
            spans.push(index..index + secret.len());
            index += secret.len();
        } else {
            index += 1;
        }
    }
    spans
}

/// Text with JSON string escapes and percent-encoding undone, one level,
/// remembering for each resulting byte the span of the original it came
/// from.
struct Unescaped {
    bytes: Vec<u8>,
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl Unescaped {
    fn new(text: &[u8]) -> Self {
        let mut out = Self {
            bytes: Vec::with_capacity(text.len()),
            starts: Vec::with_capacity(text.len()),
            ends: Vec::with_capacity(text.len()),
        };
        let mut index = 0;
        while index < text.len() {
            let (byte, width) = unescape_at(text, index);
            out.bytes.push(byte);
            out.starts.push(index);
            out.ends.push(index + width);
            index += width;
        }
        out
    }
}

/// The byte the sequence at `index` stands for, and how long the sequence
/// is. Escapes of characters outside ASCII become a NUL, which no key can
/// contain (keys must be visible ASCII to travel in a header).
fn unescape_at(text: &[u8], index: usize) -> (u8, usize) {
    let rest = &text[index..];
    match rest {
        [b'\\', b'u', a, b, c, d, ..] => match hex4([*a, *b, *c, *d]) {
            Some(code) => (u8::try_from(code).ok().filter(u8::is_ascii).unwrap_or(0), 6),
            None => (b'\\', 1),
        },
        [b'\\', escaped @ (b'/' | b'\\' | b'"'), ..] => (*escaped, 2),
        [b'%', high, low, ..] => match (hex(*high), hex(*low)) {
            (Some(high), Some(low)) => (high << 4 | low, 3),
            _ => (b'%', 1),
        },
        [byte, ..] => (*byte, 1),
        [] => (0, 1),
    }
}

fn hex4(digits: [u8; 4]) -> Option<u32> {
    digits.iter().try_fold(0_u32, |code, digit| {
        Some(code << 4 | u32::from(hex(*digit)?))
    })
}

fn hex(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-AB/CD";

    fn redacted(text: &str) -> String {
        String::from_utf8(redact_bytes(text.as_bytes(), KEY).into_owned()).unwrap()
    }

    #[test]
    fn raw_and_repeated_keys_are_masked() {
        assert_eq!(
            redacted("key sk-AB/CD is bad: sk-AB/CD"),
            "key *** is bad: ***"
        );
        assert_eq!(redacted("nothing here"), "nothing here");
        assert!(matches!(
            redact_bytes(b"nothing here", KEY),
            Cow::Borrowed(_)
        ));
        assert_eq!(redacted("sk-AB/CDsk-AB/CD"), "******");
    }

    #[test]
    fn json_escaped_keys_are_masked_as_whole_escapes() {
        assert_eq!(
            redacted(r#"{"error":"bad \u0073k-AB\/CD"}"#),
            r#"{"error":"bad ***"}"#
        );
        assert_eq!(redacted(r#""\u0073\u006B\u002DAB\u002fCD""#), r#""***""#);
        assert_eq!(redacted(r#""sk-AB\/CD\/""#), r#""***\/""#);
        // An escape that spells something else is left alone.
        assert_eq!(redacted(r#""\u0073k-AB\/CE""#), r#""\u0073k-AB\/CE""#);
        // A lone backslash or a broken escape is just text.
        assert_eq!(redacted(r"\u12 \ sk-AB/CD"), r"\u12 \ ***");
    }

    #[test]
    fn percent_encoded_keys_are_masked() {
        assert_eq!(
            redacted("https://elsewhere/?k=sk-AB%2FCD&x=1"),
            "https://elsewhere/?k=***&x=1"
        );
        assert_eq!(redacted("%73%6b%2d%41%42%2f%43%44"), "***");
        assert_eq!(redacted("100% sure"), "100% sure");
    }

    #[test]
    fn non_ascii_escapes_never_match() {
        assert_eq!(redacted(r#""\u0173k-AB/CD""#), r#""\u0173k-AB/CD""#);
    }

    #[test]
    fn headers_are_redacted_in_every_spelling() {
        let key = ApiKey::new(KEY);
        let mut headers = HeaderMap::new();
        headers.insert("x-echo", HeaderValue::from_static("sk-AB/CD"));
        headers.insert("location", HeaderValue::from_static("/a?k=sk-AB%2FCD"));
        headers.insert("x-json", HeaderValue::from_static(r"\u0073k-AB\/CD"));
        headers.insert("x-other", HeaderValue::from_static("fine"));
        redact_headers(&mut headers, &key);
        assert_eq!(headers["x-echo"], "***");
        assert_eq!(headers["location"], "/a?k=***");
        assert_eq!(headers["x-json"], "***");
        assert_eq!(headers["x-other"], "fine");
    }
}
