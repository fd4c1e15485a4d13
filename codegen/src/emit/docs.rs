//! Documentation text: what rustdoc and the Markdown reference say about
//! each parameter, worded once for both.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{format_number, Kind, Param};

/// Escapes spec text so that it renders literally as Markdown: no stray
/// code fences (which rustdoc would compile as doctests), HTML tags, links
/// or emphasis.
pub fn escape_markdown(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>#|~&!{}".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// `#[doc]` attributes, one per line, for already-Markdown text.
pub fn doc_attrs(markdown: &str) -> TokenStream {
    let lines = markdown.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// `#![doc]` attributes documenting the enclosing module.
pub fn inner_doc_attrs(markdown: &str) -> TokenStream {
    let lines = markdown.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
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
        Kind::Image => "image (URL or base64)".to_owned(),
        Kind::Boolean => "boolean".to_owned(),
        Kind::Integer { .. } => "integer".to_owned(),
        Kind::Number { .. } => "number".to_owned(),
        Kind::Enum { type_name, .. } => format!("enum {type_name}"),
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
            Some(list) => Some(one_of(list.iter().map(|n| code(&format_number(*n))).collect())),
            None => range(min.map(format_number), max.map(format_number)),
        },
        Kind::Enum { wire_values, .. } => Some(one_of(wire_values.iter().map(|w| code(&format!("{w:?}"))).collect())),
        _ => None,
    }
}

/// The bullet list under a parameter's description in rustdoc.
pub fn param_facts(param: &Param) -> String {
    let mut facts = vec![
        format!("- Wire name: {}", code(&param.wire)),
        format!(
            "- Type: {}, {}",
            type_label(&param.kind),
            if param.required { "required" } else { "optional" }
        ),
    ];
    if let Some(default) = &param.default {
        facts.push(format!(
            "- Default: {} (applied by the server when the parameter is not sent)",
            code(&default.display())
        ));
    }
    if let Some(constraint) = constraint(&param.kind) {
        facts.push(format!("- Allowed: {constraint}"));
    }
    if let Some(example) = &param.example {
        facts.push(format!("- Example: {}", code(&example.display())));
    }
    facts.join("\n")
}
