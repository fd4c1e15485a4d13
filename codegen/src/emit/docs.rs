//! Documentation text: what rustdoc and the Markdown reference say about
//! each parameter, worded once for both.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::MediaKind;
use crate::model::{format_number, Kind, Param};

/// Escapes spec text so that it renders literally as Markdown: no stray
/// code fences (which rustdoc would compile as doctests), HTML tags, links
/// or emphasis. Each line's indentation is dropped, as an indented line
/// would be a code block (a doctest too), and a list or heading marker at
/// the start of a line is escaped, so prose stays one paragraph per block.
pub fn escape_markdown(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for (index, line) in text.lines().enumerate() {
        if index > 0 {
            escaped.push('\n');
        }
        let line = line.trim_start();
        let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let mut rest = line.char_indices();
        while let Some((at, c)) = rest.next() {
            // A URL becomes an autolink: rustdoc warns on bare ones.
            if let Some(url) = url_at(line, at) {
                escaped.push('<');
                escaped.push_str(url);
                escaped.push('>');
                let end = at + url.len();
                while rest.clone().next().is_some_and(|(next, _)| next < end) {
                    rest.next();
                }
                continue;
            }
            let list_marker = (at == 0 && (c == '-' || c == '+'))
                || (at == digits && digits > 0 && (c == '.' || c == ')'));
            if list_marker || "\\`*_[]<>#|~&!{}".contains(c) {
                escaped.push('\\');
            }
            escaped.push(c);
        }
    }
    escaped
}

/// The URL starting at byte `at` of `line`, if one does: `http(s)://` and
/// what follows up to a space or a character an autolink cannot hold, less
/// trailing punctuation that belongs to the sentence.
fn url_at(line: &str, at: usize) -> Option<&str> {
    let tail = &line[at..];
    let starts_word = !line[..at].ends_with(|c: char| c.is_alphanumeric());
    let scheme = ["https://", "http://"]
        .into_iter()
        .find(|s| tail.starts_with(s))?;
    let end = tail
        .find(|c: char| c.is_whitespace() || c.is_control() || "<>\"'`\\".contains(c))
        .unwrap_or(tail.len());
    let url = tail[..end].trim_end_matches(|c: char| ".,;:!?)]}*_~".contains(c));
    (starts_word && url.len() > scheme.len()).then_some(url)
}

/// A doc comment line as it may appear in source: rustc rejects a bare
/// carriage return and text-direction controls in comments, and clippy
/// warns on tabs, so control and direction characters become U+FFFD.
fn doc_line(line: &str) -> String {
    if line.is_empty() {
        String::new()
    } else {
        format!(" {}", visible(line))
    }
}

/// `text` with control and text-direction characters replaced by U+FFFD,
/// so that neither source code nor a Markdown table shows them raw.
pub fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// `#[doc]` attributes, one per line, for already-Markdown text.
pub fn doc_attrs(markdown: &str) -> TokenStream {
    let lines = markdown.lines().map(|line| {
        let line = doc_line(line);
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// `#![doc]` attributes documenting the enclosing module.
pub fn inner_doc_attrs(markdown: &str) -> TokenStream {
    let lines = markdown.lines().map(|line| {
        let line = doc_line(line);
        quote!(#![doc = #line])
    });
    quote!(#(#lines)*)
}

/// Inline code in Markdown, safe whatever backticks the text holds.
pub fn code(text: &str) -> String {
    let mut run = 0;
    let mut max_run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        max_run = max_run.max(run);
    }
    let fence = "`".repeat(max_run + 1);
    if max_run > 0 || text.starts_with(' ') || text.ends_with(' ') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// The parameter's type as the docs name it.
pub fn type_label(kind: &Kind) -> String {
    match kind {
        Kind::String => "string".to_owned(),
        Kind::Media(MediaKind::Image) => "image (URL or base64)".to_owned(),
        Kind::Media(media) => format!("{} (URL, base64 or data URL)", media.name()),
        Kind::Boolean => "boolean".to_owned(),
        Kind::Integer { .. } => "integer".to_owned(),
        Kind::Number { .. } => "number".to_owned(),
        Kind::Enum { type_name, .. } => format!("enum {type_name}"),
        Kind::List { items, .. } => format!("list of {}", type_label(items)),
        Kind::Object(def) => format!("object {}", def.type_name),
    }
}

/// The constraint a value must satisfy, in words (`1 to 25`), if any.
pub fn constraint(kind: &Kind) -> Option<String> {
    let range = |min: Option<String>, max: Option<String>| match (min, max) {
        (Some(min), Some(max)) => Some(format!("{min} to {max}")),
        (Some(min), None) => Some(format!("at least {min}")),
        (None, Some(max)) => Some(format!("at most {max}")),
        (None, None) => None,
    };
    let one_of = |values: Vec<String>| format!("one of {}", values.join(", "));
    match kind {
        Kind::Integer { min, max, allowed } => match allowed {
            Some(list) => Some(one_of(list.iter().map(|n| code(&n.to_string())).collect())),
            None => range(min.map(|n| n.to_string()), max.map(|n| n.to_string())),
        },
        Kind::Number { min, max, allowed } => match allowed {
            Some(list) => Some(one_of(
                list.iter().map(|n| code(&format_number(*n))).collect(),
            )),
            None => range(min.map(format_number), max.map(format_number)),
        },
        Kind::Enum { wire_values, .. } => Some(one_of(
            wire_values
                .iter()
                .map(|w| code(&format!("{w:?}")))
                .collect(),
        )),
        Kind::List {
            items,
            min_items,
            max_items,
        } => {
            let length = range(
                min_items.map(|n| n.to_string()),
                max_items.map(|n| n.to_string()),
            )
            .map(|range| format!("{range} items"));
            let each = constraint(items).map(|rule| format!("each {rule}"));
            let parts: Vec<String> = length.into_iter().chain(each).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        _ => None,
    }
}

/// The line of facts under a parameter's description in rustdoc: wire
/// name, type, default, allowed values and example.
pub fn param_facts(param: &Param) -> String {
    let mut facts = vec![
        format!("Wire name {}", code(&param.wire)),
        format!(
            "{}, {}",
            type_label(&param.kind),
            if param.required {
                "required"
            } else {
                "optional"
            }
        ),
    ];
    if let Some(default) = &param.default {
        facts.push(format!(
            "default {} (applied by the server when not sent)",
            code(&default.display())
        ));
    }
    if let Some(constraint) = constraint(&param.kind) {
        facts.push(format!("allowed: {constraint}"));
    }
    if let Some(example) = &param.example {
        facts.push(format!("example: {}", code(&example.display())));
    }
    // No full stop: after a long example, which the browser wraps onto a
    // line of its own, it would stand alone on the next.
    facts.join("; ")
}
