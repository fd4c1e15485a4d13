//! The spec format as written: YAML read into plain structs, with every
//! structural problem (syntax, unknown or missing keys, wrong value types)
//! collected rather than stopping at the first.
//!
//! Meaning (ranges, defaults, names) is checked later, in `check`.

use indexmap::IndexMap;
use serde_yaml::{Mapping, Value};

use crate::diagnostic::{closest, Diagnostic};
use crate::locate::Positions;

/// The file that holds the enums shared between endpoints.
pub const SHARED_ENUMS_FILE: &str = "enums.yaml";

/// One endpoint, as its spec file states it.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEndpoint {
    /// The API's name for the endpoint (`sd1.5-img2img`); equals the file name.
    pub slug: String,
    /// The request path relative to the versioned base URL (`/sd1.5-img2img`).
    pub path: String,
    /// A short human title.
    pub title: String,
    /// What the model does.
    pub description: String,
    /// What a successful call returns.
    pub returns: Returns,
    /// The request parameters, in the order the file lists them.
    pub params: IndexMap<String, RawParam>,
    /// The queue hint (`queue:`), when the page advises the v2 queue.
    pub queue: Option<RawQueue>,
    /// Rules between parameters (`constraints:`), in file order.
    pub constraints: Vec<RawConstraint>,
    /// False when a top-level field (slug, path, title, description,
    /// returns) was missing or malformed: that is reported already and the
    /// fields above are placeholders, but the parameters can still be
    /// checked, so that one run reports every problem in the file.
    pub complete: bool,
}

/// What a successful call returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    /// Image bytes (or base64 JSON when the request asks for it).
    Image,
    /// A JSON document.
    Json,
    /// A video file.
    Video,
    /// An audio file (speech, music).
    Audio,
    /// Plain text.
    Text,
}

impl Returns {
    /// Every return kind the format accepts, as written in YAML.
    pub const NAMES: [&'static str; 5] = ["image", "json", "video", "audio", "text"];

    /// The name the format writes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Json => "json",
            Self::Video => "video",
            Self::Audio => "audio",
            Self::Text => "text",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .zip([
                Self::Image,
                Self::Json,
                Self::Video,
                Self::Audio,
                Self::Text,
            ])
            .find_map(|(n, kind)| (*n == name).then_some(kind))
    }
}

/// The queue hint as written: `queue: {}` or `queue: {deadline: 900}`.
#[derive(Debug, Clone, PartialEq)]
pub struct RawQueue {
    /// How long, in seconds, a caller should wait for a queued job.
    pub deadline: Option<Value>,
}

/// One rule between parameters, as written under `constraints:`.
#[derive(Debug, Clone, PartialEq)]
pub struct RawConstraint {
    /// Which rule (`exclusive`, `requires`, `at_least_one`).
    pub rule: ConstraintRule,
    /// The parameters it names, in order.
    pub params: Vec<String>,
    /// Where it is in the file (`constraints[0].exclusive`).
    pub path: String,
}

/// The rules a constraint can state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintRule {
    /// At most one of the parameters may be sent.
    Exclusive,
    /// Sending the first needs the second sent too.
    Requires,
    /// One or more of the parameters must be sent.
    AtLeastOne,
}

impl ConstraintRule {
    /// The keys of a constraint, as written in YAML.
    pub const NAMES: [&'static str; 3] = ["exclusive", "requires", "at_least_one"];

    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "exclusive" => Self::Exclusive,
            "requires" => Self::Requires,
            "at_least_one" => Self::AtLeastOne,
            _ => return None,
        })
    }
}

/// The value types a parameter can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// Free text.
    String,
    /// A whole number.
    Integer,
    /// A floating-point number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// An image: a URL or a base64 string.
    Image,
    /// A video: a URL, base64 or a data URL.
    Video,
    /// An audio file: a URL, base64 or a data URL.
    Audio,
    /// Any other file: a URL, base64 or a data URL.
    File,
    /// One of a fixed list of strings.
    Enum,
    /// A JSON array of one kind of item (`items`).
    List,
    /// A JSON object of named fields (`fields`).
    Object,
}

impl ParamType {
    /// Every type name the format accepts, as written in YAML.
    pub const NAMES: [&'static str; 11] = [
        "string", "integer", "number", "boolean", "image", "video", "audio", "file", "enum",
        "list", "object",
    ];

    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "string" => Self::String,
            "integer" => Self::Integer,
            "number" => Self::Number,
            "boolean" => Self::Boolean,
            "image" => Self::Image,
            "video" => Self::Video,
            "audio" => Self::Audio,
            "file" => Self::File,
            "enum" => Self::Enum,
            "list" => Self::List,
            "object" => Self::Object,
            _ => return None,
        })
    }

    /// Whether values of this type are media: a URL or base64.
    pub fn is_media(self) -> bool {
        matches!(self, Self::Image | Self::Video | Self::Audio | Self::File)
    }
}

/// One parameter, as its spec states it. Values whose type depends on the
/// parameter's type stay YAML values until `check`.
#[derive(Debug, Clone, PartialEq)]
pub struct RawParam {
    /// The value type.
    pub ty: ParamType,
    /// Whether a request must carry it.
    pub required: bool,
    /// What the server uses when it is not sent.
    pub default: Option<Value>,
    /// Inclusive lower bound (integer and number).
    pub min: Option<Value>,
    /// Inclusive upper bound (integer and number).
    pub max: Option<Value>,
    /// The only values accepted (integer and number).
    pub allowed: Option<Vec<Value>>,
    /// Inline enum values, for an enum used by this endpoint alone.
    pub values: Option<Vec<Value>>,
    /// The name of a shared enum in `enums.yaml`.
    pub enum_ref: Option<String>,
    /// What the parameter does.
    pub description: String,
    /// A typical value, shown in the docs.
    pub example: Option<Value>,
    /// The wire name this parameter had before a rename.
    pub renamed_from: Option<String>,
    /// A list's item type (`type: list`).
    pub items: Option<Box<RawParam>>,
    /// An object's fields (`type: object`), in file order.
    pub fields: Option<IndexMap<String, RawParam>>,
    /// A list's fewest items (inclusive).
    pub min_items: Option<Value>,
    /// A list's most items (inclusive).
    pub max_items: Option<Value>,
}

/// The keys a list's `items` mapping may have: the item's type and its
/// constraints; whether it is sent, its default and example belong to the
/// list.
pub const ITEM_KEYS: [&str; 8] = [
    "type",
    "min",
    "max",
    "allowed",
    "values",
    "enum",
    "fields",
    "description",
];

/// The keys a parameter may have.
pub const PARAM_KEYS: [&str; 15] = [
    "type",
    "required",
    "default",
    "min",
    "max",
    "allowed",
    "values",
    "enum",
    "description",
    "example",
    "renamed_from",
    "items",
    "fields",
    "min_items",
    "max_items",
];
/// The keys of an endpoint spec.
pub const ENDPOINT_KEYS: [&str; 8] = [
    "slug",
    "path",
    "title",
    "description",
    "returns",
    "params",
    "queue",
    "constraints",
];
/// The keys of the queue hint.
pub const QUEUE_KEYS: [&str; 1] = ["deadline"];
/// The keys of `enums.yaml`.
pub const ENUMS_FILE_KEYS: [&str; 1] = ["enums"];
/// The keys of one shared enum.
pub const ENUM_KEYS: [&str; 2] = ["description", "values"];
/// The keys of an enum value written as a mapping, which gives it a Rust
/// variant name of its own.
pub const ENUM_VALUE_KEYS: [&str; 2] = ["value", "name"];

/// One enum value as written: its wire string and, when the spec gives one,
/// its Rust variant name (`{value: "euler", name: EulerLower}`, for values
/// that would otherwise become the same variant). `None` when malformed,
/// which is reported.
pub fn enum_value(
    file: &str,
    path: &str,
    value: &Value,
    out: &mut Vec<Diagnostic>,
) -> Option<(String, Option<String>)> {
    match value {
        Value::String(wire) => Some((wire.clone(), None)),
        Value::Mapping(_) => {
            let fields = Fields::open(file, path, value, &ENUM_VALUE_KEYS, out)?;
            let wire = fields.required_string("value", out);
            let name = fields.required_string("name", out);
            Some((wire?, Some(name?)))
        }
        other => {
            out.push(Diagnostic::new(
                file,
                path,
                format!(
                    "enum values must be strings (or {{value, name}} mappings), found {}; quote it",
                    describe(other)
                ),
            ));
            None
        }
    }
}

/// An enum shared between endpoints, as `enums.yaml` states it.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEnum {
    /// What the choice controls.
    pub description: String,
    /// The wire strings, in order.
    pub values: Vec<Value>,
}

/// Walks a YAML mapping, remembering which keys were used so that the rest
/// can be reported as unknown, with the closest known key as a hint.
struct Fields<'a> {
    file: &'a str,
    path: String,
    map: &'a Mapping,
    known: &'a [&'a str],
}

impl<'a> Fields<'a> {
    /// Reports unknown keys; returns `None` (and reports) if `value` is not a mapping.
    fn open(
        file: &'a str,
        path: &str,
        value: &'a Value,
        known: &'a [&'a str],
        out: &mut Vec<Diagnostic>,
    ) -> Option<Self> {
        let Some(map) = value.as_mapping() else {
            out.push(Diagnostic::new(
                file,
                path,
                format!(
                    "expected a mapping of keys ({}), found {}",
                    known.join(", "),
                    describe(value)
                ),
            ));
            return None;
        };
        for key in map.keys() {
            match key.as_str() {
                Some(name) if known.contains(&name) => {}
                Some(name) => out.push(
                    Diagnostic::new(
                        file,
                        join(path, name),
                        format!("unknown key `{name}`; expected one of {}", known.join(", ")),
                    )
                    .with_hint(key_hint(name, known)),
                ),
                None => out.push(Diagnostic::new(
                    file,
                    path,
                    format!("keys must be strings, found {}", describe(key)),
                )),
            }
        }
        Some(Self {
            file,
            path: path.to_owned(),
            map,
            known,
        })
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        debug_assert!(self.known.contains(&key));
        self.map.get(key)
    }

    fn required(&self, key: &str, out: &mut Vec<Diagnostic>) -> Option<&'a Value> {
        let value = self.get(key);
        if value.is_none() {
            out.push(Diagnostic::new(
                self.file,
                join(&self.path, key),
                format!("missing required key `{key}`"),
            ));
        }
        value
    }

    fn string(
        &self,
        key: &str,
        value: Option<&Value>,
        out: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        match value? {
            Value::String(text) => Some(text.clone()),
            other => {
                out.push(Diagnostic::new(
                    self.file,
                    join(&self.path, key),
                    format!("expected a string, found {}", describe(other)),
                ));
                None
            }
        }
    }

    fn required_string(&self, key: &str, out: &mut Vec<Diagnostic>) -> Option<String> {
        let value = self.required(key, out);
        self.string(key, value, out)
    }

    /// A required string that becomes documentation, so must say something.
    fn required_text(&self, key: &str, out: &mut Vec<Diagnostic>) -> Option<String> {
        let text = self.required_string(key, out)?;
        if text.trim().is_empty() {
            out.push(Diagnostic::new(
                self.file,
                join(&self.path, key),
                format!("`{key}` must not be empty: it becomes the generated documentation"),
            ));
            return None;
        }
        Some(text)
    }

    fn list(&self, key: &str, out: &mut Vec<Diagnostic>) -> Option<Vec<Value>> {
        match self.get(key)? {
            Value::Sequence(items) => Some(items.clone()),
            other => {
                out.push(Diagnostic::new(
                    self.file,
                    join(&self.path, key),
                    format!("expected a list, found {}", describe(other)),
                ));
                None
            }
        }
    }
}

/// The hint for an unknown key: a close known one, or where it belongs
/// when it is a key of the level above or below (a common indentation slip).
fn key_hint(name: &str, known: &[&str]) -> Option<String> {
    if let Some(key) = closest(name, known.iter().copied()) {
        return Some(format!("did you mean `{key}`?"));
    }
    if known == ENDPOINT_KEYS && PARAM_KEYS.contains(&name) {
        return Some(format!(
            "`{name}` is a key of a parameter; indent it under one in `params`"
        ));
    }
    if known == PARAM_KEYS && ENDPOINT_KEYS.contains(&name) {
        return Some(format!(
            "`{name}` is a key of the endpoint; is it indented one level too deep?"
        ));
    }
    None
}

/// A hint for a scalar quoted where YAML would otherwise read the type
/// expected: `"10"` where a number belongs, `"true"` where a boolean does.
pub fn unquote_hint(value: &Value) -> Option<String> {
    let Value::String(text) = value else {
        return None;
    };
    let text = text.trim();
    let numeric = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || "+-.eE_".contains(c))
        && text.parse::<f64>().is_ok();
    (numeric || text == "true" || text == "false").then(|| format!("write {text} without quotes"))
}

/// `a.b`, or just `b` at the top level.
pub fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// How a YAML value is named in messages: its kind and, for scalars, itself.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "a mapping".to_owned(),
        Value::Tagged(tagged) => format!("a value tagged {}", tagged.tag),
    }
}

/// Parses YAML text, reporting a syntax error with its position.
fn parse_yaml(file: &str, text: &str, out: &mut Vec<Diagnostic>) -> Option<Value> {
    match serde_yaml::from_str::<Value>(text) {
        Ok(value) => Some(value),
        Err(error) => {
            let mut diagnostic = Diagnostic::new(
                file,
                "",
                format!("invalid YAML: {}", strip_location(&error)),
            );
            diagnostic.location = error.location().map(|l| (l.line(), l.column()));
            if diagnostic.message.contains("duplicate entry") {
                // serde_yaml points at the mapping; point at the repeated key.
                if let Some((path, at)) = Positions::index(text).first_repeated_key() {
                    diagnostic.path = path.to_owned();
                    diagnostic.location = Some(at);
                }
            }
            out.push(diagnostic);
            None
        }
    }
}

/// serde_yaml appends "at line X column Y" to its messages; the diagnostic
/// carries the position itself, so it is dropped from the text.
fn strip_location(error: &serde_yaml::Error) -> String {
    let message = error.to_string();
    match message.find(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message,
    }
}

/// Reads one endpoint spec. `None` when a problem stops it being usable; all
/// problems found are appended to `out` either way.
pub fn parse_endpoint(file: &str, text: &str, out: &mut Vec<Diagnostic>) -> Option<RawEndpoint> {
    let document = parse_yaml(file, text, out)?;
    let fields = Fields::open(file, "", &document, &ENDPOINT_KEYS, out)?;
    let slug = fields.required_string("slug", out);
    let path = fields.required_string("path", out);
    let title = fields.required_text("title", out);
    let description = fields.required_text("description", out);
    let returns = fields.required_string("returns", out).and_then(|name| {
        let returns = Returns::from_name(&name);
        if returns.is_none() {
            out.push(
                Diagnostic::new(
                    file,
                    "returns",
                    format!(
                        "unknown return kind `{name}`; expected one of {}",
                        Returns::NAMES.join(", ")
                    ),
                )
                .with_hint(closest(&name, Returns::NAMES).map(|k| format!("did you mean `{k}`?"))),
            );
        }
        returns
    });
    let queue = fields
        .get("queue")
        .and_then(|value| parse_queue(file, value, out));
    let constraints = fields
        .get("constraints")
        .map(|value| parse_constraints(file, value, out))
        .unwrap_or_default();
    let params = match fields.get("params") {
        None => Some(IndexMap::new()),
        Some(value) => parse_params(file, text, value, out),
    };
    let complete = slug.is_some()
        && path.is_some()
        && title.is_some()
        && description.is_some()
        && returns.is_some();
    Some(RawEndpoint {
        slug: slug.unwrap_or_default(),
        path: path.unwrap_or_default(),
        title: title.unwrap_or_default(),
        description: description.unwrap_or_default(),
        returns: returns.unwrap_or(Returns::Image),
        params: params?,
        queue,
        constraints,
        complete,
    })
}

fn parse_params(
    file: &str,
    text: &str,
    value: &Value,
    out: &mut Vec<Diagnostic>,
) -> Option<IndexMap<String, RawParam>> {
    let Some(map) = value.as_mapping() else {
        out.push(Diagnostic::new(
            file,
            "params",
            format!(
                "expected a mapping from parameter name to its description, found {}",
                describe(value)
            ),
        ));
        return None;
    };
    // Parameters that parsed are kept even when others did not, so that the
    // checks can still report their problems in the same run.
    let mut params = IndexMap::new();
    for (index, (key, value)) in map.iter().enumerate() {
        let Some(name) = key.as_str() else {
            // Such a key names no path to locate, so its place comes from
            // its position among the mapping's keys.
            let positions = Positions::index(text);
            let written = positions.nth_key("params", index);
            let mut diagnostic = Diagnostic::new(
                file,
                "params",
                format!("parameter names must be strings, found {}", describe(key)),
            )
            .with_hint(
                written
                    .and_then(|(name, _)| name)
                    .map(|name| format!("quote it: \"{name}\"")),
            );
            diagnostic.location = written.map(|(_, at)| at);
            out.push(diagnostic);
            continue;
        };
        let path = join("params", name);
        if !value.is_mapping() && (PARAM_KEYS.contains(&name) || ENDPOINT_KEYS.contains(&name)) {
            // `default: 5` directly under `params` is almost always a key
            // that lost its indentation (or, for endpoint keys, gained some).
            let level = if PARAM_KEYS.contains(&name) {
                "a key of a parameter; is it indented one level too little?"
            } else {
                "a key of the endpoint; is it indented one level too deep?"
            };
            out.push(
                Diagnostic::new(
                    file,
                    &path,
                    format!(
                        "expected parameter `{name}` to be a mapping of keys, found {}",
                        describe(value)
                    ),
                )
                .with_hint(Some(format!("`{name}` is {level}"))),
            );
            continue;
        }
        if let Some(param) = parse_param(file, &path, value, out) {
            params.insert(name.to_owned(), param);
        }
    }
    Some(params)
}

fn parse_param(
    file: &str,
    path: &str,
    value: &Value,
    out: &mut Vec<Diagnostic>,
) -> Option<RawParam> {
    let fields = Fields::open(file, path, value, &PARAM_KEYS, out)?;
    let ty = parse_type(&fields, out);
    let required = match fields.get("required") {
        None => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        Some(other) => {
            out.push(
                Diagnostic::new(
                    file,
                    join(path, "required"),
                    format!("expected true or false, found {}", describe(other)),
                )
                .with_hint(unquote_hint(other)),
            );
            None
        }
    };
    let description = fields.required_text("description", out);
    let renamed_from = fields.string("renamed_from", fields.get("renamed_from"), out);
    let shape = parse_shape(&fields, out);
    Some(RawParam {
        required: required?,
        default: fields.get("default").cloned(),
        description: description?,
        example: fields.get("example").cloned(),
        renamed_from,
        min_items: fields.get("min_items").cloned(),
        max_items: fields.get("max_items").cloned(),
        ..shape?.with_type(ty?)
    })
}

/// A list's item type: a type name (`items: image`), or a mapping of the
/// type and its constraints.
fn parse_item(
    file: &str,
    path: &str,
    value: &Value,
    out: &mut Vec<Diagnostic>,
) -> Option<RawParam> {
    if let Value::String(name) = value {
        let ty = type_from_name(file, path, name, out)?;
        return Some(RawParam::plain(ty));
    }
    let fields = Fields::open(file, path, value, &ITEM_KEYS, out)?;
    let ty = parse_type(&fields, out);
    let description = fields.string("description", fields.get("description"), out);
    let shape = parse_shape(&fields, out)?;
    Some(RawParam {
        description: description.unwrap_or_default(),
        ..shape.with_type(ty?)
    })
}

/// The `type` key of a parameter or list item.
fn parse_type(fields: &Fields<'_>, out: &mut Vec<Diagnostic>) -> Option<ParamType> {
    let name = fields.required_string("type", out)?;
    type_from_name(fields.file, &fields.path, &name, out)
}

fn type_from_name(
    file: &str,
    path: &str,
    name: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<ParamType> {
    let ty = ParamType::from_name(name);
    if ty.is_none() {
        out.push(
            Diagnostic::new(
                file,
                join(path, "type"),
                format!(
                    "unknown type `{name}`; expected one of {}",
                    ParamType::NAMES.join(", ")
                ),
            )
            .with_hint(closest(name, ParamType::NAMES).map(|k| format!("did you mean `{k}`?"))),
        );
    }
    ty
}

/// The keys that give a value its shape, shared by parameters and list
/// items: bounds, allowed and enum values, a list's items, an object's
/// fields. `None` when one of them could not be read at all.
fn parse_shape(fields: &Fields<'_>, out: &mut Vec<Diagnostic>) -> Option<RawParam> {
    let file = fields.file;
    let enum_ref = fields.string("enum", fields.get("enum"), out);
    let allowed = fields.list("allowed", out);
    let values = fields.list("values", out);
    let items = match fields.map.get("items") {
        None => None,
        Some(value) => Some(Box::new(parse_item(
            file,
            &join(&fields.path, "items"),
            value,
            out,
        )?)),
    };
    let object_fields = match fields.get("fields") {
        None => None,
        Some(value) => Some(parse_fields(
            file,
            &join(&fields.path, "fields"),
            value,
            out,
        )?),
    };
    Some(RawParam {
        min: fields.get("min").cloned(),
        max: fields.get("max").cloned(),
        allowed,
        values,
        enum_ref,
        items,
        fields: object_fields,
        ..RawParam::plain(ParamType::String)
    })
}

/// An object's `fields`: a mapping from wire name to a parameter spec.
fn parse_fields(
    file: &str,
    path: &str,
    value: &Value,
    out: &mut Vec<Diagnostic>,
) -> Option<IndexMap<String, RawParam>> {
    let Some(map) = value.as_mapping() else {
        out.push(Diagnostic::new(
            file,
            path,
            format!(
                "expected a mapping from field name to its description, found {}",
                describe(value)
            ),
        ));
        return None;
    };
    let mut fields = IndexMap::new();
    for (key, value) in map {
        let Some(name) = key.as_str() else {
            out.push(Diagnostic::new(
                file,
                path,
                format!("field names must be strings, found {}", describe(key)),
            ));
            continue;
        };
        if let Some(field) = parse_param(file, &join(path, name), value, out) {
            fields.insert(name.to_owned(), field);
        }
    }
    Some(fields)
}

impl RawParam {
    /// A parameter of type `ty` with nothing else said about it.
    fn plain(ty: ParamType) -> Self {
        Self {
            ty,
            required: false,
            default: None,
            min: None,
            max: None,
            allowed: None,
            values: None,
            enum_ref: None,
            description: String::new(),
            example: None,
            renamed_from: None,
            items: None,
            fields: None,
            min_items: None,
            max_items: None,
        }
    }

    fn with_type(self, ty: ParamType) -> Self {
        Self { ty, ..self }
    }
}

/// `queue: {}` or `queue: {deadline: 900}`.
fn parse_queue(file: &str, value: &Value, out: &mut Vec<Diagnostic>) -> Option<RawQueue> {
    let fields = Fields::open(file, "queue", value, &QUEUE_KEYS, out)?;
    Some(RawQueue {
        deadline: fields.get("deadline").cloned(),
    })
}

/// `constraints:`, a list of one-key mappings from a rule to the
/// parameters it names. Unreadable entries are reported and skipped.
fn parse_constraints(file: &str, value: &Value, out: &mut Vec<Diagnostic>) -> Vec<RawConstraint> {
    let Some(entries) = value.as_sequence() else {
        out.push(Diagnostic::new(
            file,
            "constraints",
            format!(
                "expected a list of rules such as `- exclusive: [a, b]`, found {}",
                describe(value)
            ),
        ));
        return Vec::new();
    };
    let mut constraints = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let at = format!("constraints[{index}]");
        let Some(fields) = Fields::open(file, &at, entry, &ConstraintRule::NAMES, out) else {
            continue;
        };
        if fields.map.len() != 1 {
            out.push(Diagnostic::new(
                file,
                &at,
                format!(
                    "each constraint is one rule ({}) naming its parameters, as in `- exclusive: [a, b]`",
                    ConstraintRule::NAMES.join(", ")
                ),
            ));
            continue;
        }
        for (key, names) in fields.map {
            let Some(rule) = key.as_str().and_then(ConstraintRule::from_name) else {
                continue; // reported by `Fields::open`
            };
            let path = join(&at, key.as_str().unwrap_or_default());
            let params: Option<Vec<String>> = names
                .as_sequence()
                .and_then(|list| list.iter().map(|v| v.as_str().map(str::to_owned)).collect());
            match params {
                Some(params) => constraints.push(RawConstraint { rule, params, path }),
                None => out.push(Diagnostic::new(
                    file,
                    &path,
                    format!(
                        "expected a list of parameter names, found {}",
                        describe(names)
                    ),
                )),
            }
        }
    }
    constraints
}

/// `enums.yaml` as read: the enums that parsed, and the names of those that
/// did not (already reported, so references to them are not reported again).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawSharedEnums {
    /// The enums that parsed, by name, in file order.
    pub enums: IndexMap<String, RawEnum>,
    /// Names of the entries that could not be read.
    pub unreadable: Vec<String>,
}

/// Reads `enums.yaml`: the enums several endpoints share, by name. `None`
/// when the file as a whole cannot be read (then no shared enum is known).
pub fn parse_shared_enums(
    file: &str,
    text: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<RawSharedEnums> {
    let document = parse_yaml(file, text, out)?;
    let fields = Fields::open(file, "", &document, &ENUMS_FILE_KEYS, out)?;
    let map = fields.required("enums", out)?;
    let Some(map) = map.as_mapping() else {
        out.push(Diagnostic::new(
            file,
            "enums",
            format!(
                "expected a mapping from enum name to its values, found {}",
                describe(map)
            ),
        ));
        return None;
    };
    let mut enums = IndexMap::new();
    let mut unreadable = Vec::new();
    // False when an entry has no usable name: a reference to it could be
    // any name, so none is reported as unknown.
    let mut complete = true;
    for (key, value) in map {
        let Some(name) = key.as_str() else {
            out.push(Diagnostic::new(
                file,
                "enums",
                format!("enum names must be strings, found {}", describe(key)),
            ));
            complete = false;
            continue;
        };
        let path = join("enums", name);
        let Some(fields) = Fields::open(file, &path, value, &ENUM_KEYS, out) else {
            unreadable.push(name.to_owned());
            continue;
        };
        let description = fields.required_text("description", out);
        fields.required("values", out);
        let values = fields.list("values", out);
        match (description, values) {
            (Some(description), Some(values)) => {
                enums.insert(
                    name.to_owned(),
                    RawEnum {
                        description,
                        values,
                    },
                );
            }
            _ => unreadable.push(name.to_owned()),
        }
    }
    complete.then_some(RawSharedEnums { enums, unreadable })
}
