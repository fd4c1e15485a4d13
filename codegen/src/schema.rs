//! JSON Schemas of the spec format, for YAML editors: every spec names
//! `spec/schema/spec.schema.json` on its first line, so keys complete and
//! typos are underlined while typing. `cargo xtask gen` writes them.
//!
//! The schemas are derived with schemars from mirror types of the format
//! below, documented as the format is. The loader in `spec` stays the
//! authority (it also checks what a schema cannot say, such as a default
//! within its range); a test keeps the key lists of both the same.

// The mirror types are never built, only described.
#![allow(dead_code)]

use std::collections::BTreeMap;

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::Value;

use crate::render::GeneratedFile;

/// Where the endpoint spec schema is written, relative to the workspace root.
pub const SPEC_SCHEMA_PATH: &str = "spec/schema/spec.schema.json";
/// Where the shared enums schema is written.
pub const ENUMS_SCHEMA_PATH: &str = "spec/schema/enums.schema.json";

/// One endpoint of the API, in `spec/<slug>.yaml`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, title = "Endpoint spec")]
struct EndpointSpec {
    /// The API's name for the endpoint (`sd1.5-img2img`); must equal the file name without `.yaml`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9._-]+$"))]
    slug: String,
    /// The request path relative to the versioned base URL (`/sd1.5-img2img`).
    #[schemars(regex(pattern = r"^/[^\s?#]*$"))]
    path: String,
    /// A short human title, used in docs.
    #[schemars(length(min = 1))]
    title: String,
    /// What the model does; becomes the module and type docs (Markdown is escaped).
    #[schemars(length(min = 1))]
    description: String,
    /// What a successful call returns.
    returns: Returns,
    /// The request parameters by wire name, in the order the docs and constructor use.
    params: Option<BTreeMap<String, Param>>,
    /// The page advises the v2 queue (a long-running model): `{}` or `{deadline: <seconds>}`.
    queue: Option<Queue>,
    /// Rules between parameters, each one key naming top-level parameters.
    constraints: Option<Vec<Constraint>>,
}

/// The queue hint.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Queue {
    /// How long to wait for a queued job, in seconds.
    #[schemars(range(min = 1, max = 86400))]
    deadline: Option<u64>,
}

/// One rule between parameters.
#[derive(JsonSchema)]
#[schemars(rename_all = "snake_case")]
enum Constraint {
    /// At most one of these may be sent.
    Exclusive(#[schemars(length(min = 2))] Vec<String>),
    /// Sending the first needs the second sent too.
    Requires(#[schemars(length(min = 2, max = 2))] Vec<String>),
    /// One or more of these must be sent.
    AtLeastOne(#[schemars(length(min = 2))] Vec<String>),
}

/// What a successful call returns.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
enum Returns {
    /// Image bytes, or base64 JSON when the request asks for it.
    Image,
    /// A JSON document.
    Json,
    /// A video file.
    Video,
    /// An audio file.
    Audio,
    /// Plain text.
    Text,
}

/// One request parameter, keyed by its wire name.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Param {
    /// The value type.
    #[schemars(rename = "type")]
    ty: ParamType,
    /// Whether every request must carry it (default false).
    required: Option<bool>,
    /// The server's default when the parameter is not sent; not allowed on required parameters.
    default: Option<GivenValue>,
    /// Inclusive lower bound (integer and number).
    min: Option<f64>,
    /// Inclusive upper bound (integer and number).
    max: Option<f64>,
    /// The only values accepted (integer and number).
    #[schemars(length(min = 1))]
    allowed: Option<Vec<f64>>,
    /// The values of an enum used by this endpoint only, in order (type enum): wire strings, or `{value, name}` to name a variant.
    #[schemars(length(min = 1))]
    values: Option<Vec<EnumValue>>,
    /// The name of a shared enum in enums.yaml (type enum).
    #[schemars(rename = "enum")]
    enum_ref: Option<String>,
    /// What the parameter does.
    #[schemars(length(min = 1))]
    description: String,
    /// A typical value, shown in docs.
    example: Option<GivenValue>,
    /// The wire name this parameter had before a rename; `cargo xtask diff` then reports one rename instead of a removal and an addition. Must differ from every parameter's current name.
    #[schemars(length(min = 1))]
    renamed_from: Option<String>,
    /// What each item of a list is (type list): a type name, or a mapping of the type and its constraints.
    items: Option<Item>,
    /// The fewest items a list accepts (inclusive).
    min_items: Option<u64>,
    /// The most items a list accepts (inclusive).
    #[schemars(range(min = 1))]
    max_items: Option<u64>,
    /// An object's fields by wire name (type object), each a parameter spec of its own.
    fields: Option<BTreeMap<String, Param>>,
}

/// A list's items: a type name alone, or its type with constraints.
#[derive(JsonSchema)]
#[schemars(untagged)]
enum Item {
    /// A type name (`image`).
    Type(ParamType),
    /// The type with its constraints.
    Detailed(ItemSpec),
}

/// A list item's type and constraints.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ItemSpec {
    /// The item's type (not list).
    #[schemars(rename = "type")]
    ty: ParamType,
    /// Inclusive lower bound of each item (integer and number).
    min: Option<f64>,
    /// Inclusive upper bound of each item (integer and number).
    max: Option<f64>,
    /// The only values an item may take (integer and number).
    #[schemars(length(min = 1))]
    allowed: Option<Vec<f64>>,
    /// The values of an enum item, in order.
    #[schemars(length(min = 1))]
    values: Option<Vec<EnumValue>>,
    /// The name of a shared enum in enums.yaml.
    #[schemars(rename = "enum")]
    enum_ref: Option<String>,
    /// An object item's fields.
    fields: Option<BTreeMap<String, Param>>,
    /// What an item is, when it needs saying.
    description: Option<String>,
}

/// The value types a parameter can have.
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
enum ParamType {
    /// Free text.
    String,
    /// A whole number (64-bit).
    Integer,
    /// A floating-point number (64-bit).
    Number,
    /// true or false.
    Boolean,
    /// An image: a URL or a base64 string.
    Image,
    /// A video: a URL, base64 or a data URL.
    Video,
    /// An audio file: a URL, base64 or a data URL.
    Audio,
    /// Any other file: a URL, base64 or a data URL.
    File,
    /// One of a fixed list of strings: `values`, or a shared `enum`.
    Enum,
    /// A JSON array of `items`.
    List,
    /// A JSON object of `fields`.
    Object,
}

/// A default or example: its type follows the parameter's (a sequence for
/// a list, a mapping for an object).
#[derive(JsonSchema)]
#[schemars(untagged)]
enum GivenValue {
    Boolean(bool),
    Number(f64),
    String(String),
    List(Vec<serde_json::Value>),
    Object(BTreeMap<String, serde_json::Value>),
}

/// `spec/enums.yaml`: the enums several endpoints share.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, title = "Shared enums")]
struct EnumsFile {
    /// Each shared enum by name; a parameter refers to one with `type: enum` and `enum: <name>`.
    enums: BTreeMap<String, SharedEnum>,
}

/// One shared enum.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct SharedEnum {
    /// What the choice controls.
    #[schemars(length(min = 1))]
    description: String,
    /// The values, in order: wire strings, or `{value, name}` to name a variant.
    #[schemars(length(min = 1))]
    values: Vec<EnumValue>,
}

/// One enum value: its wire string, or a mapping that also names its Rust
/// variant (for values that would otherwise become the same variant).
#[derive(JsonSchema)]
#[schemars(untagged)]
enum EnumValue {
    /// The wire string; the Rust variant is named after it.
    Wire(String),
    /// A wire string with a Rust variant name of its own.
    Named(NamedEnumValue),
}

/// An enum value with a Rust variant name of its own.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct NamedEnumValue {
    /// The wire string, exactly as the API spells it.
    value: String,
    /// The Rust variant name: UpperCamelCase, ASCII letters and digits.
    #[schemars(regex(pattern = r"^[A-Z][A-Za-z0-9]*$"), extend("not" = { "enum": crate::naming::RESERVED_VARIANT_NAMES }))]
    name: String,
}

/// A schema as pretty JSON. Draft 7 is what YAML editors support best.
fn schema_text<T: JsonSchema>() -> String {
    let schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>();
    let mut value = schema.to_value();
    drop_nulls(&mut value);
    // Serialising a JSON value cannot fail; an empty schema would still be valid.
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    format!("{text}\n")
}

/// An optional key is left out, never written `null` (the loader rejects
/// that), so the `null` that schemars allows for `Option` is removed.
fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if let [single] = types.as_slice() {
                    let single = single.clone();
                    map.insert("type".to_owned(), single);
                }
            }
            if let Some(Value::Array(options)) = map.get_mut("anyOf") {
                options.retain(|o| !matches!(o.get("type"), Some(t) if t == "null"));
            }
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// The schema of an endpoint spec.
pub fn endpoint_schema() -> String {
    schema_text::<EndpointSpec>()
}

/// The schema of `enums.yaml`.
pub fn enums_schema() -> String {
    schema_text::<EnumsFile>()
}

/// Both schemas as generated files.
pub fn files() -> Vec<GeneratedFile> {
    [
        (SPEC_SCHEMA_PATH, endpoint_schema()),
        (ENUMS_SCHEMA_PATH, enums_schema()),
    ]
    .into_iter()
    .map(|(path, contents)| GeneratedFile {
        path: path.to_owned(),
        contents,
        region: None,
    })
    .collect()
}
