//! A draft in the spec format, written by hand rather than by a serializer
//! so that each comment sits beside the field it is about.

use serde_json::Value;

use super::ParamType;
use super::{type_name, Comment, Draft, DraftParam, Field, REVIEW_MARKER};

/// Comments are wrapped to this width.
const WIDTH: usize = 79;

/// The draft as spec text. `source` names what it was imported from.
pub fn render(draft: &Draft, source: &str) -> String {
    let mut out = String::new();
    out.push_str("# yaml-language-server: $schema=./schema/spec.schema.json\n");
    let reviews = draft.reviews();
    let header = format!(
        "Source: {source}, drafted by `cargo xtask import`. {}",
        if reviews == 0 {
            "The page contradicts itself nowhere the importer looks; check the draft against it."
                .to_owned()
        } else {
            format!(
                "{reviews} review comment{} below mark{} where the page contradicts itself: settle each, then delete it (`cargo xtask gen` refuses the file until then).",
                if reviews == 1 { "" } else { "s" },
                if reviews == 1 { "s" } else { "" }
            )
        }
    );
    push_wrapped(&mut out, "", "# ", "# ", &header);
    let endpoint = |field: Field| draft.comments.iter().filter(move |c| c.field == field);
    out.push_str(&format!("slug: {}\n", string(&draft.slug)));
    comments(&mut out, "", endpoint(Field::Path));
    out.push_str(&format!("path: {}\n", string(&draft.path)));
    out.push_str(&format!("title: {}\n", string(&draft.title)));
    out.push_str(&format!("description: {}\n", string(&draft.description)));
    comments(&mut out, "", endpoint(Field::Returns));
    out.push_str(&format!("returns: {}\n", draft.returns.name()));
    comments(&mut out, "", endpoint(Field::Queue));
    match draft.queue {
        Some(Some(deadline)) => out.push_str(&format!("queue:\n  deadline: {deadline}\n")),
        Some(None) => out.push_str("queue: {}\n"),
        None => {}
    }
    comments(&mut out, "", endpoint(Field::Params));
    if draft.params.is_empty() {
        out.push_str("params: {}\n");
    } else {
        out.push_str("params:\n");
        for param in &draft.params {
            render_param(&mut out, param);
        }
    }
    comments(&mut out, "", endpoint(Field::Constraints));
    if !draft.exclusive.is_empty() {
        out.push_str("constraints:\n");
        for pair in &draft.exclusive {
            let names: Vec<String> = pair.iter().map(|n| flow_string(n)).collect();
            out.push_str(&format!("  - exclusive: [{}]\n", names.join(", ")));
        }
    }
    out
}

/// The item type of a list: its name alone, or a mapping when the items
/// carry bounds or values.
fn render_items(out: &mut String, indent: &str, param: &DraftParam) {
    let plain = param.min.is_none()
        && param.max.is_none()
        && param.allowed.is_empty()
        && param.ty != ParamType::Enum;
    if plain {
        out.push_str(&format!("{indent}items: {}\n", type_name(param.ty)));
        return;
    }
    out.push_str(&format!("{indent}items:\n"));
    let inner = format!("{indent}  ");
    out.push_str(&format!("{inner}type: {}\n", type_name(param.ty)));
    render_values(out, &inner, param);
}

fn render_param(out: &mut String, param: &DraftParam) {
    let indent = "    ";
    let at = |field: Field| param.comments.iter().filter(move |c| c.field == field);
    out.push_str(&format!("  {}:\n", key(&param.name)));
    comments(out, indent, at(Field::Type));
    if param.list {
        out.push_str(&format!("{indent}type: list\n"));
        comments(out, indent, at(Field::Range));
        comments(out, indent, at(Field::Values));
        render_items(out, indent, param);
    } else {
        out.push_str(&format!("{indent}type: {}\n", type_name(param.ty)));
    }
    if param.required {
        out.push_str(&format!("{indent}required: true\n"));
    }
    comments(out, indent, at(Field::Default));
    if let Some(default) = &param.default {
        out.push_str(&format!("{indent}default: {}\n", value(default)));
    }
    if !param.list {
        render_values(out, indent, param);
    }
    comments(out, indent, at(Field::Description));
    out.push_str(&format!(
        "{indent}description: {}\n",
        string(&param.description)
    ));
    comments(out, indent, at(Field::Example));
    if let Some(example) = &param.example {
        out.push_str(&format!("{indent}example: {}\n", value(example)));
    }
}

/// Range, allowed values and enum values, with their comments.
fn render_values(out: &mut String, indent: &str, param: &DraftParam) {
    let at = |field: Field| param.comments.iter().filter(move |c| c.field == field);
    if !param.list {
        comments(out, indent, at(Field::Range));
    }
    if let Some(min) = &param.min {
        out.push_str(&format!("{indent}min: {}\n", value(min)));
    }
    if let Some(max) = &param.max {
        out.push_str(&format!("{indent}max: {}\n", value(max)));
    }
    if !param.list {
        comments(out, indent, at(Field::Values));
    }
    if !param.allowed.is_empty() {
        let items: Vec<String> = param.allowed.iter().map(value).collect();
        out.push_str(&format!("{indent}allowed: [{}]\n", items.join(", ")));
    }
    if let Some(name) = &param.enum_ref {
        out.push_str(&format!("{indent}enum: {}\n", string(name)));
    } else if param.ty == ParamType::Enum {
        out.push_str(&format!("{indent}values:\n"));
        for item in &param.values {
            out.push_str(&format!("{indent}  - {}\n", string(item)));
        }
    }
}

fn comments<'a>(out: &mut String, indent: &str, comments: impl Iterator<Item = &'a Comment>) {
    for comment in comments {
        if comment.review {
            let first = format!("# {REVIEW_MARKER} ");
            push_wrapped(out, indent, &first, "#   ", &comment.text);
        } else {
            push_wrapped(out, indent, "# ", "# ", &comment.text);
        }
    }
}

/// Appends `text` as comment lines of at most [`WIDTH`] columns (a word
/// longer than that gets a line of its own).
fn push_wrapped(out: &mut String, indent: &str, first: &str, rest: &str, text: &str) {
    // YAML allows no control characters, even in comments, and would end a
    // comment at a Unicode line or paragraph separator.
    let text: String = text
        .chars()
        .map(|c| match c {
            '\t' => " ".to_owned(),
            c if forbidden(c) => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect();
    let mut line = format!("{indent}{first}");
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.len() + 1 + word.len() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = format!("{indent}{rest}");
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// A mapping key: plain when YAML reads it back as the same string.
fn key(name: &str) -> String {
    string(name)
}

/// A string scalar: plain when YAML reads it back as the same string on one
/// line, else double-quoted (JSON's escapes are YAML's).
pub fn string(text: &str) -> String {
    let plain = !text.is_empty()
        && text.trim() == text
        && !text.contains(['\n', '\r', '\t'])
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && !text.starts_with(|c: char| "-?:,[]{}#&*!|>%@`'\"".contains(c))
        && serde_yaml::from_str::<serde_yaml::Value>(text).is_ok_and(|v| v.as_str() == Some(text));
    if plain {
        return text.to_owned();
    }
    string_quoted(text)
}

/// A double-quoted string scalar.
fn string_quoted(text: &str) -> String {
    // JSON's escapes are YAML's, but JSON leaves DEL, C1 controls and the
    // Unicode separators raw, which YAML does not allow or reads as breaks.
    let mut quoted = String::with_capacity(text.len() + 2);
    for c in serde_json::to_string(text).unwrap_or_default().chars() {
        if forbidden(c) {
            quoted.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            quoted.push(c);
        }
    }
    quoted
}

/// Characters YAML text may not hold raw.
fn forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// Any value: strings as [`string`], lists and objects in flow style, the
/// rest as JSON (also YAML).
pub fn value(value: &Value) -> String {
    match value {
        Value::String(text) => string(text),
        Value::Array(_) | Value::Object(_) => flow(value),
        other => other.to_string(),
    }
}

/// A value inside a flow collection, where `,`, `[`, `]`, `{` and `}` end
/// a plain scalar.
fn flow(value: &Value) -> String {
    match value {
        Value::String(text) => flow_string(text),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(flow).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{}: {}", flow_string(k), flow(v)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        other => other.to_string(),
    }
}

/// A string scalar safe inside a flow collection.
fn flow_string(text: &str) -> String {
    let written = string(text);
    if !written.starts_with('"') && text.contains([',', '[', ']', '{', '}']) {
        string_quoted(text)
    } else {
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_quoted_only_when_yaml_would_read_them_otherwise() {
        assert_eq!(string("DPM2 Karras"), "DPM2 Karras");
        assert_eq!(string("blurry,out of focus"), "blurry,out of focus");
        assert_eq!(string("false"), "\"false\"");
        assert_eq!(string("512"), "\"512\"");
        assert_eq!(string("a: b"), "\"a: b\"");
        assert_eq!(string("- x"), "\"- x\"");
        assert_eq!(string("eg. 'bad'"), "eg. 'bad'");
        assert_eq!(string("'quoted'"), "\"'quoted'\"");
        assert_eq!(string(""), "\"\"");
        assert_eq!(string("null"), "\"null\"");
        for text in [
            "a \"q\" b",
            "tab\there",
            "#hash",
            "x #y",
            "ü: ä",
            "[x",
            "del\u{7f}",
            "c1\u{85}",
            "ls\u{2028}x",
        ] {
            let written = string(text);
            let read: String = serde_yaml::from_str(&written).unwrap();
            assert_eq!(read, text);
        }
    }
}
