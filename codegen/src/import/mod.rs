//! `cargo xtask import`: from a model's API page (or an OpenAPI operation)
//! to a draft spec, every contradiction in the source marked for review.
//!
//! Three pure stages, like the generator's own:
//!
//! 1. [`page::parse`] (or [`openapi::parse`]) reads what the source states
//!    into a [`PageEndpoint`], deciding nothing;
//! 2. [`resolve`] decides the draft: types, defaults, ranges, allowed values,
//!    shared enums, and a review [`Comment`] wherever the source contradicts itself,
//!    saying what it says and what the draft chose;
//! 3. [`yaml::render`] writes the draft in the spec format, each review as a
//!    comment starting with [`REVIEW_MARKER`] at its place, which the
//!    generator refuses until a maintainer has settled it and deleted it.

mod hints;
pub mod openapi;
pub mod page;
mod resolve;
mod sample;
pub mod update;
pub mod yaml;

use std::fmt;

use indexmap::IndexMap;
use serde_json::Value;

pub use resolve::resolve;

/// Starts every review comment in a draft (`# IMPORT-REVIEW: ...`); the
/// generator rejects a spec that still holds one.
pub const REVIEW_MARKER: &str = "IMPORT-REVIEW:";

/// What could not be read, and on which line of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The 1-based line of the input, when the problem has one.
    pub line: Option<usize>,
    /// What was wrong and what was expected.
    pub message: String,
}

impl ImportError {
    /// A problem at `line`.
    pub fn at(line: usize, message: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            message: message.into(),
        }
    }

    /// A problem with the input as a whole.
    pub fn whole(message: impl Into<String>) -> Self {
        Self {
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ImportError {}

/// A value as the source prints it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageValue {
    /// The text, without quotes.
    pub text: String,
    /// Whether it was printed in quotes (so is text, not a number).
    pub quoted: bool,
    /// The line it is on.
    pub line: usize,
}

/// One parameter, as the source states it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageParam {
    /// The wire name.
    pub name: String,
    /// The line the row starts on.
    pub line: usize,
    /// The type as printed (`string (uri)`), if any.
    pub page_type: Option<String>,
    /// Whether the row says `required`.
    pub required: bool,
    /// The description.
    pub description: String,
    /// The default, when the row labels one (`Default: 7.5`).
    pub default: Option<PageValue>,
    /// Whether the row has a `Default:` label.
    pub default_labelled: bool,
    /// Where that label is.
    pub default_label_line: Option<usize>,
    /// Values printed without a label: the allowed values, after the
    /// default on pages that print the default unlabelled first.
    pub listed: Vec<PageValue>,
    /// Inclusive lower bound, and its line.
    pub min: Option<(String, usize)>,
    /// Inclusive upper bound, and its line.
    pub max: Option<(String, usize)>,
    /// The count in "Allowed values (N total)".
    pub total: Option<usize>,
    /// The count in "+N more", and its line: the list is cut short.
    pub more: Option<(usize, usize)>,
    /// Whether the row labels its values `Allowed values` (an enum on the
    /// Attributes layout: `enum:int`, `enum:str`).
    pub enumerated: bool,
    /// The line where the row prints `null` as its default (labelled, or
    /// first in an unlabelled row): it states no default.
    pub null_default: Option<usize>,
}

/// One endpoint, as the source states it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageEndpoint {
    /// The title and its line.
    pub title: (usize, String),
    /// The description and its line.
    pub description: Option<(usize, String)>,
    /// The endpoint URL and its line.
    pub url: (usize, String),
    /// What the source says a call returns ("Image", "Text/JSON"), and its line.
    pub returns: Option<(usize, String)>,
    /// The parameters in source order.
    pub params: Vec<PageParam>,
    /// The example request's body: each key's value and line, in order.
    pub example: IndexMap<String, (Value, usize)>,
    /// Whether rows label their defaults (`Default:`). Where they do not,
    /// a row's first unlabelled value is its default.
    pub uses_default_labels: bool,
    /// Which layout the page is in.
    pub layout: Layout,
    /// Where the example request was found (`None`: the page shows none).
    pub example_source: Option<(usize, &'static str)>,
    /// The deadline, in seconds, the page's sample waits on the v2 queue
    /// (`job.wait(timeout=900`), and its line.
    pub queue_wait: Option<(usize, u64)>,
    /// The line where the page advises the queue for long runs, if it does.
    pub queue_advice: Option<usize>,
    /// The typical run time the page states (`~146.75s`), and its line.
    pub typical_secs: Option<(usize, f64)>,
}

/// The three layouts of a model's page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Layout {
    /// A Python `requests` snippet and a "Parameters" list.
    #[default]
    Requests,
    /// The v2 SDK call (`POST /v2/<slug> · submit + poll`, `segmind.run(...)`
    /// or `payload = {...}`) and a "Parameters" list.
    SdkV2,
    /// A JavaScript axios snippet and an "Attributes" list.
    JavaScript,
}

/// The draft field a review or note sits beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// The endpoint's path.
    Path,
    /// What the endpoint returns.
    Returns,
    /// The parameter list as a whole.
    Params,
    /// A parameter's type.
    Type,
    /// A parameter's default.
    Default,
    /// A parameter's range.
    Range,
    /// A parameter's allowed values, enum values or shared enum.
    Values,
    /// A parameter's description.
    Description,
    /// A parameter's example.
    Example,
    /// The endpoint's queue hint.
    Queue,
    /// The constraints between parameters.
    Constraints,
}

/// A comment in the draft: a contradiction to settle (a review) or a
/// reading to know about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Where it goes.
    pub field: Field,
    /// Whether a maintainer must settle it (written with [`REVIEW_MARKER`]).
    pub review: bool,
    /// What the source says and what the draft chose.
    pub text: String,
}

/// A value type of the spec format (a parameter's, or a list's items).
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
    /// One of a fixed list of strings.
    Enum,
    /// An image: a URL or base64.
    Image,
    /// A video: a URL or base64.
    Video,
    /// An audio file: a URL or base64.
    Audio,
    /// Any other file: a URL or base64.
    File,
}

impl ParamType {
    /// Whether values of this type are media (a URL or base64).
    pub fn is_media(self) -> bool {
        matches!(self, Self::Image | Self::Video | Self::Audio | Self::File)
    }
}

/// What a call returns, as the spec format names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    /// Image bytes (or base64 JSON when asked).
    Image,
    /// A JSON document.
    Json,
    /// A video file.
    Video,
    /// An audio file.
    Audio,
    /// Text.
    Text,
}

impl Returns {
    /// The name the spec format writes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Json => "json",
            Self::Video => "video",
            Self::Audio => "audio",
            Self::Text => "text",
        }
    }
}

/// A parameter of the draft.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftParam {
    /// The wire name.
    pub name: String,
    /// The type; for a list, its items' type (and `min`, `max`, `allowed`,
    /// `values` and `enum_ref` are the items').
    pub ty: ParamType,
    /// Whether the value is a JSON array of `ty`.
    pub list: bool,
    /// Whether every request must carry it.
    pub required: bool,
    /// The server's default.
    pub default: Option<Value>,
    /// Inclusive lower bound.
    pub min: Option<Value>,
    /// Inclusive upper bound.
    pub max: Option<Value>,
    /// The only values accepted (integer and number).
    pub allowed: Vec<Value>,
    /// Inline enum values.
    pub values: Vec<String>,
    /// A shared enum's name.
    pub enum_ref: Option<String>,
    /// What it does.
    pub description: String,
    /// A typical value.
    pub example: Option<Value>,
    /// Comments beside its fields.
    pub comments: Vec<Comment>,
}

/// A draft spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// The slug (and file name).
    pub slug: String,
    /// The path relative to the versioned base URL.
    pub path: String,
    /// A short title.
    pub title: String,
    /// What the model does.
    pub description: String,
    /// What a call returns.
    pub returns: Returns,
    /// Parameters in order.
    pub params: Vec<DraftParam>,
    /// The queue hint: `Some(deadline)` when the page advises the v2 queue
    /// (`None` inside: the default deadline).
    pub queue: Option<Option<u64>>,
    /// Pairs of parameters that cannot be sent together.
    pub exclusive: Vec<[String; 2]>,
    /// Comments on the endpoint's fields.
    pub comments: Vec<Comment>,
}

impl Draft {
    /// Whether the draft uses what the format gained in issue 22 (media
    /// other than image, lists, video/audio/text answers, the queue,
    /// constraints).
    pub fn uses_new_format(&self) -> bool {
        !matches!(self.returns, Returns::Image | Returns::Json)
            || self.queue.is_some()
            || !self.exclusive.is_empty()
            || self
                .params
                .iter()
                .any(|p| p.list || (p.ty.is_media() && p.ty != ParamType::Image))
    }

    /// How many review comments the draft holds.
    pub fn reviews(&self) -> usize {
        let count = |comments: &[Comment]| comments.iter().filter(|c| c.review).count();
        count(&self.comments)
            + self
                .params
                .iter()
                .map(|p| count(&p.comments))
                .sum::<usize>()
    }
}

/// A type's name as the spec format writes it.
fn type_name(ty: ParamType) -> &'static str {
    match ty {
        ParamType::String => "string",
        ParamType::Integer => "integer",
        ParamType::Number => "number",
        ParamType::Boolean => "boolean",
        ParamType::Enum => "enum",
        ParamType::Image => "image",
        ParamType::Video => "video",
        ParamType::Audio => "audio",
        ParamType::File => "file",
    }
}

/// A shared enum the draft may refer to: its name and wire strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedEnum {
    /// The name in `enums.yaml`.
    pub name: String,
    /// The wire strings, in order.
    pub values: Vec<String>,
}

/// The shared enums of a checked model.
pub fn shared_enums(model: &crate::Model) -> Vec<SharedEnum> {
    model
        .shared_enums
        .iter()
        .map(|e| SharedEnum {
            name: e.spec_name.clone(),
            values: e.variants.iter().map(|v| v.wire.clone()).collect(),
        })
        .collect()
}

/// A copied API page to draft spec text: parse, resolve, render.
pub fn page_to_yaml(
    text: &str,
    source: &str,
    shared: &[SharedEnum],
) -> Result<(Draft, String), ImportError> {
    let page = page::parse(text)?;
    let draft = resolve(&page, shared)?;
    let yaml = yaml::render(&draft, source);
    Ok((draft, yaml))
}

/// Where each review comment left in a spec's text is: line, column and
/// the comment. The generator refuses a spec while any remain.
pub fn review_comments(text: &str) -> Vec<(usize, usize, &str)> {
    text.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let hash = line.find('#')?;
            let at = line[hash..].find(REVIEW_MARKER)? + hash;
            line[hash + 1..at]
                .trim()
                .is_empty()
                .then(|| (index + 1, hash + 1, line[at..].trim_end()))
        })
        .collect()
}
