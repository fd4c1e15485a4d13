//! The example request in a page's code sample, in each layout's shape:
//! a Python `data = {...}` or `payload = {...}` body, the v2 SDK's keyword
//! arguments (`segmind.run("slug", prompt="...", steps=25)`), or a
//! JavaScript `const data = {...};`, on one line or many. Values are read as
//! JSON once Python's and JavaScript's literals are put in its words.

use indexmap::IndexMap;
use serde_json::Value;

/// The example request's body: each key's value and line.
pub type Example = IndexMap<String, (Value, usize)>;

/// The longest code sample read, in characters: bounds the work.
const LONGEST_SAMPLE: usize = 400_000;

/// The names a request body is assigned to, in any layout.
const BODY_NAMES: [&str; 6] = ["data", "payload", "body", "json_data", "reqBody", "input"];

/// The example found, where, and what kind of snippet held it.
#[derive(Debug, Default)]
pub struct Sample {
    pub body: Example,
    /// The line and shape (`data = {...}`, `segmind.run(...)`) it came from.
    pub source: Option<(usize, &'static str)>,
}

/// The code as one text without the line numbers the page prints, with the
/// page line of each character's line.
struct Code {
    text: String,
    /// (offset in `text`, page line) at each line's start.
    starts: Vec<(usize, usize)>,
}

impl Code {
    fn new(lines: &[(usize, &str)]) -> Self {
        let mut text = String::new();
        let mut starts = Vec::new();
        let mut expected = 1usize;
        for &(number, line) in lines {
            if text.len() > LONGEST_SAMPLE {
                break;
            }
            starts.push((text.len(), number));
            text.push_str(&without_comments(strip_line_numbers(line, &mut expected)));
            text.push('\n');
        }
        Self { text, starts }
    }

    fn line_of(&self, offset: usize) -> usize {
        let index = self.starts.partition_point(|(start, _)| *start <= offset);
        self.starts
            .get(index.saturating_sub(1))
            .map_or(1, |(_, line)| *line)
    }
}

/// A code line without the line numbers the page prints before it: the
/// numbers the sample is at (`10data = {`, or `1 2 3 ... 23 const axios`
/// when a copy runs them together), nothing else.
fn strip_line_numbers<'a>(line: &'a str, expected: &mut usize) -> &'a str {
    let mut rest = line;
    let mut first = true;
    loop {
        let trimmed = rest.trim_start();
        let digits = trimmed.len()
            - trimmed
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .len();
        let number = trimmed[..digits].parse::<usize>().ok();
        // A copy may lose lines: the first number may skip ahead; numbers
        // run together after it must follow on.
        let follows = number.is_some_and(|n| n == *expected || (first && n > *expected));
        if digits == 0 || !follows {
            return rest;
        }
        *expected = number.unwrap_or(*expected) + 1;
        rest = &trimmed[digits..];
        first = false;
    }
}

/// Finds the example request in the page text before its parameter list.
pub fn find(lines: &[(usize, &str)]) -> Sample {
    let code = Code::new(lines);
    let text = code.text.as_str();
    let mut at = 0;
    while at < text.len() {
        let Some((start, kind, open)) = next_opener(text, at) else {
            break;
        };
        let found = match kind {
            Opener::Body(shape) => balanced(text, open, '{', '}')
                .map(|inner| (object_entries(&code, open + 1, inner), shape)),
            Opener::Run => balanced(text, open, '(', ')')
                .map(|inner| (keyword_entries(&code, open + 1, inner), "segmind.run(...)")),
        };
        if let Some((body, shape)) = found {
            if !body.is_empty() {
                return Sample {
                    body,
                    source: Some((code.line_of(start), shape)),
                };
            }
        }
        at = open + 1;
    }
    Sample::default()
}

enum Opener {
    Body(&'static str),
    Run,
}

/// The next `name = {` (a body) or `segmind.run(` at or after `from`: its
/// start, kind and the offset of its opening bracket.
fn next_opener(text: &str, from: usize) -> Option<(usize, Opener, usize)> {
    let mut best: Option<(usize, Opener, usize)> = None;
    for name in BODY_NAMES {
        let mut search = from;
        while let Some(found) = text.get(search..).and_then(|t| t.find(name)) {
            let start = search + found;
            search = start + name.len();
            let before_ok = text[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'));
            let after = text[search..].trim_start();
            let Some(after) = after.strip_prefix('=') else {
                continue;
            };
            if after.starts_with('=') || !before_ok {
                continue;
            }
            let value = after.trim_start();
            if !value.starts_with('{') {
                continue;
            }
            let open = text.len() - value.len();
            let shape = if text[..start].trim_end().ends_with("const")
                || text[..start].trim_end().ends_with("let")
            {
                "const data = {...}"
            } else if name == "payload" {
                "payload = {...}"
            } else {
                "data = {...}"
            };
            if best.as_ref().is_none_or(|(s, _, _)| start < *s) {
                best = Some((start, Opener::Body(shape), open));
            }
            break;
        }
    }
    if let Some(found) = text.get(from..).and_then(|t| t.find("segmind.run(")) {
        let start = from + found;
        let open = start + "segmind.run".len();
        let commented = text[..start]
            .rsplit('\n')
            .next()
            .is_some_and(|l| l.contains('#'));
        if !commented && best.as_ref().is_none_or(|(s, _, _)| start < *s) {
            best = Some((start, Opener::Run, open));
        }
    }
    best
}

/// The text between the bracket at `open` and its match, skipping strings.
fn balanced(text: &str, open: usize, opening: char, closing: char) -> Option<&str> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (index, c) in text[open..].char_indices() {
        if let Some(q) = quote {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                c if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            c if c == opening || "[{(".contains(c) => depth += 1,
            c if c == closing || "]})".contains(c) => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return (c == closing).then(|| &text[open + 1..open + index]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits at top-level commas (outside strings and brackets): each piece
/// with its offset.
fn top_level_pieces(text: &str) -> Vec<(usize, &str)> {
    let mut pieces = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut start = 0;
    for (index, c) in text.char_indices() {
        if let Some(q) = quote {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                c if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '[' | '{' | '(' => depth += 1,
            ']' | '}' | ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                pieces.push((start, &text[start..index]));
                start = index + 1;
            }
            _ => {}
        }
    }
    pieces.push((start, &text[start..]));
    pieces
}

/// `"key": value` pieces of an object body.
fn object_entries(code: &Code, offset: usize, inner: &str) -> Example {
    let mut body = IndexMap::new();
    for (at, piece) in top_level_pieces(inner) {
        let trimmed = piece.trim_start();
        let lead = piece.len() - trimmed.len();
        let Some((key, rest)) = key_prefix(trimmed) else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        if let Some(value) = literal(value) {
            let line = code.line_of(offset + at + lead);
            body.entry(key).or_insert((value, line));
        }
    }
    body
}

/// `name=value` pieces of a call's arguments (the slug and `**payload`
/// are no keywords and are skipped).
fn keyword_entries(code: &Code, offset: usize, inner: &str) -> Example {
    let mut body = IndexMap::new();
    for (at, piece) in top_level_pieces(inner) {
        let trimmed = piece.trim_start();
        let lead = piece.len() - trimmed.len();
        let name_length = trimmed
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(trimmed.len());
        if name_length == 0 {
            continue;
        }
        let rest = trimmed[name_length..].trim_start();
        let Some(value) = rest.strip_prefix('=').filter(|v| !v.starts_with('=')) else {
            continue;
        };
        if let Some(value) = literal(value) {
            let line = code.line_of(offset + at + lead);
            body.entry(trimmed[..name_length].to_owned())
                .or_insert((value, line));
        }
    }
    body
}

/// A piece without the `# ...` or `// ...` comments on its lines.
fn without_comments(piece: &str) -> String {
    piece
        .lines()
        .map(|line| {
            let mut quote: Option<char> = None;
            let mut escaped = false;
            let bytes: Vec<(usize, char)> = line.char_indices().collect();
            for (i, &(index, c)) in bytes.iter().enumerate() {
                if let Some(q) = quote {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        c if c == q => quote = None,
                        _ => {}
                    }
                    continue;
                }
                match c {
                    '"' | '\'' => quote = Some(c),
                    '#' => return &line[..index],
                    '/' if bytes.get(i + 1).is_some_and(|(_, n)| *n == '/') => {
                        return &line[..index]
                    }
                    _ => {}
                }
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A key at the start of an object entry: double- or single-quoted, or a
/// bare JavaScript identifier.
fn key_prefix(text: &str) -> Option<(String, &str)> {
    if text.starts_with('"') || text.starts_with('\'') {
        let (key, rest) = string_prefix(text)?;
        return Some((key, rest));
    }
    let length = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    (length > 0).then(|| (text[..length].to_owned(), &text[length..]))
}

/// A quoted string at the start of `text` (either quote), and the rest.
fn string_prefix(text: &str) -> Option<(String, &str)> {
    let quote = text.chars().next()?;
    let body = &text[1..];
    let mut escaped = false;
    for (index, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == quote => {
                let raw = &body[..index];
                let value = if quote == '"' {
                    serde_json::from_str(&text[..index + 2]).unwrap_or_else(|_| raw.to_owned())
                } else {
                    raw.replace("\\'", "'")
                };
                return Some((value, &body[index + 1..]));
            }
            _ => {}
        }
    }
    None
}

/// A Python or JavaScript literal read as JSON: `True`, `None`, `null`,
/// single-quoted strings, trailing commas, nested lists and objects.
fn literal(text: &str) -> Option<Value> {
    let json = to_json(text.trim())?;
    serde_json::from_str(&json).ok()
}

fn to_json(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '"' || c == '\'' {
            let (value, after) = string_prefix(rest)?;
            out.push_str(&serde_json::to_string(&value).ok()?);
            rest = after;
            continue;
        }
        if c.is_ascii_alphabetic() {
            let length = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let word = match &rest[..length] {
                "True" | "true" => "true",
                "False" | "false" => "false",
                "None" | "null" | "undefined" => "null",
                _ => return None,
            };
            out.push_str(word);
            rest = &rest[length..];
            continue;
        }
        if c == ',' {
            // A trailing comma before a closing bracket is dropped.
            let after = rest[1..].trim_start();
            if after.starts_with(']') || after.starts_with('}') || after.is_empty() {
                rest = &rest[1..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, &str)> {
        text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect()
    }

    #[test]
    fn each_layout_s_sample_gives_its_body() {
        let python = "1import requests\n10data = {\n11  \"a\": [\n12    \"x\",\n13    \"y\",\n14  ],\n15  \"b\": True,\n16}\n";
        let sample = find(&lines(python));
        assert_eq!(sample.body["a"].0, serde_json::json!(["x", "y"]));
        assert_eq!(sample.body["a"].1, 3);
        assert_eq!(sample.body["b"].0, Value::Bool(true));
        let run = "7result = segmind.run(\n8  \"slug\",\n9  prompt=\"a, b\",  # why\n10  steps=25,\n11  refs=[],\n12)\n";
        let sample = find(&lines(run));
        assert_eq!(sample.source.map(|s| s.1), Some("segmind.run(...)"));
        assert_eq!(sample.body["prompt"].0, Value::from("a, b"));
        assert_eq!(sample.body["steps"], (Value::from(25), 4));
        assert_eq!(sample.body["refs"].0, serde_json::json!([]));
        let js = "1 2 3 4 const axios = require('axios'); const data = { \"n\": 5, \"s\": 'q' }; (async function() {})();\n";
        let sample = find(&lines(js));
        assert_eq!(sample.body["n"].0, Value::from(5));
        assert_eq!(sample.body["s"].0, Value::from("q"));
        assert_eq!(sample.source.map(|s| s.1), Some("const data = {...}"));
        // `**payload` is no keyword: the payload itself is read.
        let both = "result = segmind.run(\"x\", **payload)\npayload = {\"k\": 1}\n";
        assert_eq!(find(&lines(both)).body["k"].0, Value::from(1));
        assert!(find(&lines("nothing here = {")).body.is_empty());
    }
}
