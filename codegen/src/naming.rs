//! Every Rust name the generator emits is derived here, so that keyword
//! escapes, odd characters and collisions are handled in one place.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be plain identifiers (strict and reserved keywords of
/// every edition, plus the path keywords that cannot even be raw).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Methods every request type has, or has through its derives and the
/// prelude's traits (which a setter of the same name would shadow), and the
/// operator methods clippy expects only on operator traits: a parameter's
/// setter must not take them.
const REQUEST_METHODS: &[&str] = &[
    "new",
    "validate",
    "clone",
    "clone_from",
    "eq",
    "ne",
    "fmt",
    "default",
    "serialize",
    "deserialize",
    "to_owned",
    "to_string",
    "into",
    "try_into",
    "add",
    "sub",
    "mul",
    "div",
    "rem",
    "shl",
    "shr",
    "bitand",
    "bitor",
    "bitxor",
];

/// Names the crate root already exports (the runtime, re-exported crates'
/// types and the generated index); generated types must not take them.
/// `tests/reserved_types.rs` keeps this list complete.
pub const RESERVED_TYPES: &[&str] = &[
    "AnyRequest",
    "ApiError",
    "ApiKey",
    "AudioInput",
    "AudioResponse",
    "Bytes",
    "Checked",
    "Client",
    "ClientBuilder",
    "Credits",
    "DecodeResponse",
    "Error",
    "FileInput",
    "HeaderMap",
    "Image",
    "ImageInput",
    "ImageResponse",
    "Job",
    "JobState",
    "JobStatus",
    "JobUpdate",
    "JsonResponse",
    "MediaFile",
    "Queue",
    "RequestOptions",
    "ResponseMeta",
    "RetryPolicy",
    "SecretString",
    "StatusCode",
    "TextResponse",
    "ValidationErrors",
    "VideoInput",
    "VideoResponse",
    "Violation",
    "WaitOptions",
];

/// Endpoint modules live beside `enums` in `generated/`, and each module
/// name is also a cargo feature: `default` is cargo's own, and `blocking`,
/// `mock`, `cli` and `rustls` are the crate's other features.
const RESERVED_MODULES: &[&str] = &["blocking", "cli", "default", "enums", "mock", "rustls"];

/// Methods the clients and their queues already have (their own, private
/// ones included, and those of the traits they implement); an endpoint's
/// method, which goes on both, must not clash with them.
/// `tests/client_methods.rs` keeps this list complete.
pub const CLIENT_METHODS: &[&str] = &[
    "attempt",
    "builder",
    "call",
    "call_with",
    "clone",
    "clone_from",
    "config",
    "credits",
    "execute",
    "fetch",
    "fmt",
    "from_env",
    "from_parts",
    "job",
    "job_for",
    "new",
    "poll",
    "queue",
    "run",
    "run_queued",
    "run_queued_owned",
    "send",
    "send_owned",
    "send_with",
    "status",
    "submit",
    "submit_owned",
    "submit_with",
    "wait",
    "wait_with",
    "with_options",
];

/// Keeps only ASCII letters and digits, splitting words at everything else,
/// so that `img.width`, `img-width` and `img width` read alike.
fn ascii_words(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

fn escape_keyword(name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// The identifier of a field, method or module: snake case, never a
/// keyword, never starting with a digit. `None` when nothing usable is left.
pub fn snake(text: &str) -> Option<String> {
    let name = ascii_words(text).to_snake_case();
    if name.is_empty() {
        return None;
    }
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{name}")
    } else {
        name
    };
    Some(escape_keyword(name))
}

/// Upper camel case, never starting with a digit (`512` becomes `V512`),
/// but not yet checked against keywords: a name built from several parts
/// (`SelfRequest`) is never one, and escaping a part would make it
/// `Self_Request`, which is not camel case.
fn camel_part(text: &str) -> Option<String> {
    let name = ascii_words(text).to_upper_camel_case();
    if name.is_empty() {
        return None;
    }
    Some(if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else {
        name
    })
}

/// Names a spec may not give a variant: `Self`, and `ALL`, which every
/// generated enum has as an associated constant (a variant of that name
/// would shadow it). Derived names are camel case and never `ALL`.
pub const RESERVED_VARIANT_NAMES: &[&str] = &["Self", "ALL"];

/// Whether a spec-given variant name can be used as it is: an ASCII capital
/// letter, then ASCII letters and digits, and not reserved.
pub fn is_type_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && !RESERVED_VARIANT_NAMES.contains(&name)
}

/// The identifier of a type or variant: upper camel case, never a keyword,
/// never starting with a digit (`512` becomes `V512`).
pub fn camel(text: &str) -> Option<String> {
    camel_part(text).map(escape_keyword)
}

/// The stem of a parameter's associated constants (`GUIDANCE_SCALE`).
pub fn shouty(field: &str) -> String {
    field.trim_end_matches('_').to_shouty_snake_case()
}

/// The field (and setter) name of a parameter.
pub fn field(wire: &str) -> Option<String> {
    let name = snake(wire)?;
    Some(if REQUEST_METHODS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    })
}

/// The module that holds one endpoint's generated code.
pub fn module(slug: &str) -> Option<String> {
    let name = snake(slug)?;
    Some(if RESERVED_MODULES.contains(&name.as_str()) {
        format!("{name}_endpoint")
    } else {
        name
    })
}

/// The cargo feature that switches one endpoint on: the module name, which
/// is always a valid feature name.
pub fn feature(module: &str) -> String {
    module.to_owned()
}

/// The request type of an endpoint (`SsdImg2imgRequest`).
pub fn request_type(slug: &str) -> Option<String> {
    Some(format!("{}Request", camel_part(slug)?))
}

/// The client method that calls an endpoint.
pub fn method(slug: &str) -> Option<String> {
    let name = snake(slug)?;
    Some(if CLIENT_METHODS.contains(&name.as_str()) {
        format!("{name}_endpoint")
    } else {
        name
    })
}

/// The type of an enum used by one endpoint only, prefixed so that it
/// cannot clash with another endpoint's (`Sd3MedImg2imgSampler`).
pub fn local_enum(slug: &str, param: &str) -> Option<String> {
    Some(format!("{}{}", camel_part(slug)?, camel_part(param)?))
}

/// The names of the associated items one parameter adds to its request
/// type, for the collision check: constants and the setter.
pub fn param_members(field: &str) -> Vec<String> {
    let stem = shouty(field);
    vec![
        field.to_owned(),
        format!("DEFAULT_{stem}"),
        format!("{stem}_MIN"),
        format!("{stem}_MAX"),
        format!("{stem}_ALLOWED"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_and_odd_characters() {
        assert_eq!(field("type").as_deref(), Some("type_"));
        assert_eq!(field("self").as_deref(), Some("self_"));
        assert_eq!(field("new").as_deref(), Some("new_"));
        assert_eq!(field("img.width").as_deref(), Some("img_width"));
        assert_eq!(field("2nd pass").as_deref(), Some("n2nd_pass"));
        assert_eq!(field("¿?"), None);
        assert_eq!(camel("self").as_deref(), Some("Self_"));
        assert_eq!(camel("Euler a").as_deref(), Some("EulerA"));
        assert_eq!(camel("DPM2 a Karras").as_deref(), Some("Dpm2AKarras"));
        assert_eq!(camel("512").as_deref(), Some("V512"));
        assert_eq!(module("sd1.5-img2img").as_deref(), Some("sd1_5_img2img"));
        assert_eq!(module("enums").as_deref(), Some("enums_endpoint"));
        assert_eq!(module("default").as_deref(), Some("default_endpoint"));
        assert_eq!(module("blocking").as_deref(), Some("blocking_endpoint"));
        assert_eq!(method("send").as_deref(), Some("send_endpoint"));
        assert_eq!(method("from-env").as_deref(), Some("from_env_endpoint"));
        assert_eq!(method("ssd-1b").as_deref(), Some("ssd_1b"));
        assert_eq!(request_type("ssd-1b").as_deref(), Some("Ssd1bRequest"));
        assert_eq!(request_type("self").as_deref(), Some("SelfRequest"));
        assert_eq!(local_enum("self", "type").as_deref(), Some("SelfType"));
    }
}
