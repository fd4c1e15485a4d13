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

use crate::ApiKey;

/// What a redacted key is replaced by.
const MASK: &[u8] = b"***";

/// `text` with every spelling of `secret` replaced by `***`; borrowed when
/// there is none (the usual case, which allocates nothing).
pub(crate) fn redact_bytes<'a>(text: &'a [u8], secret: &str) -> Cow<'a, [u8]> {
    mask(text, secret_spans(text, secret.as_bytes()))
}

/// [`redact_bytes`] for text that was cut short: a spelling of the key that
/// the cut broke off is masked too, so not even a part of it is left at the
/// end.
pub(crate) fn redact_cut_bytes<'a>(text: &'a [u8], secret: &str) -> Cow<'a, [u8]> {
    let mut spans = secret_spans(text, secret.as_bytes());
    let tail_from = spans.last().map_or(0, |span| span.end);
    if let Some(start) = broken_off_prefix(text, tail_from, secret.as_bytes()) {
        spans.push(start..text.len());
    }
    mask(text, spans)
}

fn mask(text: &[u8], spans: Vec<Range<usize>>) -> Cow<'_, [u8]> {
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

/// [`redact_bytes`] for a body kept as [`Bytes`]; `cut` when the body was
/// cut at a limit.
pub(crate) fn redact_body(body: Bytes, key: &ApiKey, cut: bool) -> Bytes {
    let redacted = if cut {
        redact_cut_bytes(&body, key.expose_secret())
    } else {
        redact_bytes(&body, key.expose_secret())
    };
    match redacted {
        Cow::Borrowed(_) => body,
        Cow::Owned(cleaned) => Bytes::from(cleaned),
    }
}

/// [`redact_bytes`] for text: a server's message, or one quoting it.
pub(crate) fn redact_text(text: String, key: &ApiKey) -> String {
    match redact_bytes(text.as_bytes(), key.expose_secret()) {
        Cow::Borrowed(_) => text,
        // Only whole escape sequences are replaced, by ASCII, and keys are
        // visible ASCII, so the result is still UTF-8.
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
/// without overlap. Allocates nothing unless it finds one.
fn secret_spans(text: &[u8], secret: &[u8]) -> Vec<Range<usize>> {
    if secret.is_empty() || text.len() < secret.len() {
        return Vec::new();
    }
    let raw = raw_spans(text, secret);
    // Without escape characters only the raw spelling can occur.
    if !text.iter().any(|byte| matches!(byte, b'\\' | b'%')) {
        return raw;
    }
    let escaped = escaped_spans(text, secret);
    if raw.is_empty() {
        return escaped;
    }
    // A key that itself holds `%` or `\` may show raw and escaped at once.
    let mut all = raw;
    all.extend(escaped);
    all.sort_by_key(|span| span.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(all.len());
    for span in all {
        match merged.last_mut() {
            Some(last) if span.start < last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
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

/// The spellings of `secret` once JSON string escapes and percent-encoding
/// are undone, one level, found by walking the escapes in place.
fn escaped_spans(text: &[u8], secret: &[u8]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut index = 0;
    while index < text.len() {
        match spelled_at(text, index, secret) {
            Spelled::Whole(end) => {
                spans.push(index..end);
                index = end;
            }
            Spelled::BrokenOff | Spelled::No => index += unescape_at(text, index).1,
        }
    }
    spans
}

enum Spelled {
    /// `secret` is spelled from here up to this end.
    Whole(usize),
    /// The text ends after a proper start of `secret`.
    BrokenOff,
    No,
}

fn spelled_at(text: &[u8], start: usize, secret: &[u8]) -> Spelled {
    let mut at = start;
    for &wanted in secret {
        if at >= text.len() {
            return Spelled::BrokenOff;
        }
        let (byte, width) = unescape_at(text, at);
        if byte != wanted {
            return Spelled::No;
        }
        at += width;
    }
    Spelled::Whole(at)
}

/// Where a start of `secret` that runs into the end of `text` begins, at
/// or after `from`, if one does.
fn broken_off_prefix(text: &[u8], from: usize, secret: &[u8]) -> Option<usize> {
    let mut index = from;
    while index < text.len() {
        if let Spelled::BrokenOff = spelled_at(text, index, secret) {
            return Some(index);
        }
        index += unescape_at(text, index).1;
    }
    None
}

/// The byte the sequence at `index` stands for, and how long the sequence
/// is. Escapes of characters outside ASCII become a NUL, which no key can
/// contain (the client refuses keys that are not visible ASCII or spaces).
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
    fn a_key_holding_escape_characters_is_masked_raw_and_escaped() {
        let key = r"sk-%41%42c\d";
        let mask = |text: &str| {
            String::from_utf8(redact_bytes(text.as_bytes(), key).into_owned()).unwrap()
        };
        assert_eq!(mask(r"bad key sk-%41%42c\d!"), "bad key ***!");
        assert_eq!(mask("bad key sk-%2541%2542c%5Cd!"), "bad key ***!");
    }

    #[test]
    fn a_key_broken_off_by_a_cut_is_masked_too() {
        let cut = |text: &str| {
            String::from_utf8(redact_cut_bytes(text.as_bytes(), KEY).into_owned()).unwrap()
        };
        assert_eq!(
            cut(r"error: sk-AB/CD, again sk-AB\/"),
            "error: ***, again ***"
        );
        assert_eq!(cut(r"error: \\u0073k-A"), r"error: \\u0073k-A");
        assert_eq!(cut(r"error: \u0073k-A"), "error: ***");
        assert_eq!(cut(r"error: sk-A"), "error: ***");
        assert_eq!(cut("error: sk-AB/CD done"), "error: *** done");
        // Without the cut, a start of the key is just text.
        assert_eq!(redacted("error: sk-A"), "error: sk-A");
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
