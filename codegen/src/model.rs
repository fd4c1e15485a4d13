//! The checked model: every name resolved, every value typed and in range.
//! Emitters read only this, never the raw YAML.

pub use crate::spec::{ConstraintRule, Returns};

/// Everything the generator emits, in a deterministic order.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Enums shared between endpoints, in `enums.yaml` order.
    pub shared_enums: Vec<EnumDef>,
    /// Endpoints, sorted by slug.
    pub endpoints: Vec<Endpoint>,
    /// The file the shared enums came from, if any.
    pub shared_enums_file: Option<String>,
}

/// An enum and its wire strings.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// The name used in messages (the shared enum's key, or the parameter's wire name).
    pub spec_name: String,
    /// The Rust type name.
    pub type_name: String,
    /// What the choice controls.
    pub description: String,
    /// The variants in spec order.
    pub variants: Vec<Variant>,
}

/// One enum variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The exact string the API expects.
    pub wire: String,
    /// The Rust variant name.
    pub ident: String,
}

/// One endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The spec file it came from (`spec/ssd-1b.yaml`).
    pub source: String,
    /// The API's name (`ssd-1b`).
    pub slug: String,
    /// The path relative to the versioned base URL.
    pub path: String,
    /// A short human title.
    pub title: String,
    /// What the model does.
    pub description: String,
    /// What a success returns.
    pub returns: Returns,
    /// The boolean parameter that, when true, makes an image endpoint answer
    /// with base64 JSON instead of raw bytes (the API's `base64`).
    pub base64_switch: Option<String>,
    /// The module that holds the generated code.
    pub module: String,
    /// The cargo feature that enables it.
    pub feature: String,
    /// The request type's name.
    pub type_name: String,
    /// The client method's name.
    pub method: String,
    /// Parameters in spec order.
    pub params: Vec<Param>,
    /// Enums defined inline by this endpoint's parameters (and by the
    /// fields and items of its objects and lists).
    pub local_enums: Vec<EnumDef>,
    /// The queue hint: the page advises the v2 queue for this model.
    pub queue: Option<QueueHint>,
    /// Rules between parameters that `validate()` checks.
    pub constraints: Vec<Constraint>,
}

/// The page advises the v2 queue (a long-running model), waiting up to a
/// deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueHint {
    /// How long to wait for a queued job, in seconds, when the page says.
    pub deadline_secs: Option<u64>,
}

/// A rule between parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    /// What it says about them.
    pub rule: ConstraintRule,
    /// The wire names of the parameters it names, in spec order.
    pub params: Vec<String>,
}

impl Constraint {
    /// The rule in words, naming its parameters (for docs and messages).
    pub fn sentence(&self) -> String {
        let names: Vec<String> = self.params.iter().map(|p| format!("`{p}`")).collect();
        match self.rule {
            ConstraintRule::Exclusive => {
                format!("at most one of {} may be sent", names.join(", "))
            }
            ConstraintRule::Requires => format!(
                "{} may only be sent together with {}",
                names[0],
                names[1..].join(", ")
            ),
            ConstraintRule::AtLeastOne => {
                format!("at least one of {} must be sent", names.join(", "))
            }
        }
    }
}

impl Endpoint {
    /// The required parameters in the order `new` takes them, one rule for
    /// every endpoint: text first, then images, then the rest, each group
    /// in spec order. So `new(prompt, image)` reads the same everywhere,
    /// whatever order a vendor page lists them in.
    pub fn constructor_params(&self) -> Vec<&Param> {
        let group = |param: &&Param| match param.kind {
            Kind::String => 0,
            Kind::Media(_) => 1,
            _ => 2,
        };
        let mut required: Vec<&Param> = self.params.iter().filter(|p| p.required).collect();
        // Stable: spec order within a group.
        required.sort_by_key(group);
        required
    }

    /// What the model does, by what it takes and answers, for grouping
    /// the reference and `segmind models`.
    pub fn task(&self) -> Task {
        let takes_image = self.params.iter().any(|p| p.kind.holds(MediaKind::Image));
        match self.returns {
            Returns::Video => Task::Video,
            Returns::Audio => Task::Audio,
            Returns::Image if takes_image => Task::ImageFromImage,
            Returns::Image => Task::ImageFromText,
            Returns::Json | Returns::Text => Task::Other,
        }
    }

    /// Every object type its parameters use (lists' items included), each
    /// before the objects that contain it, so a reader meets a field's type
    /// first.
    pub fn objects(&self) -> Vec<&ObjectDef> {
        let mut found = Vec::new();
        for param in &self.params {
            param.kind.collect_objects(&mut found);
        }
        found
    }
}

/// What a model does, as the reference and the CLI group models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Task {
    /// Images from a prompt alone.
    ImageFromText,
    /// Images from images: editors, multi-reference models, upscalers,
    /// background removal.
    ImageFromImage,
    /// Video, from text or images.
    Video,
    /// Speech and music.
    Audio,
    /// Text and JSON answers.
    Other,
}

impl Task {
    /// Every task, in the order groups are shown.
    pub const ALL: [Task; 5] = [
        Task::ImageFromText,
        Task::ImageFromImage,
        Task::Video,
        Task::Audio,
        Task::Other,
    ];

    /// The group's heading.
    pub fn heading(self) -> &'static str {
        match self {
            Task::ImageFromText => "Images from text",
            Task::ImageFromImage => {
                "Images from images (editing, references, upscaling, background removal)"
            }
            Task::Video => "Video",
            Task::Audio => "Speech and music",
            Task::Other => "Text and JSON",
        }
    }

    /// A short name, for the CLI's JSON (`image-from-text`).
    pub fn name(self) -> &'static str {
        match self {
            Task::ImageFromText => "image-from-text",
            Task::ImageFromImage => "image-from-image",
            Task::Video => "video",
            Task::Audio => "audio",
            Task::Other => "text",
        }
    }
}

/// An object parameter's type: a generated struct of named fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectDef {
    /// The Rust type name.
    pub type_name: String,
    /// Where it is declared, for messages (`params.messages.items`).
    pub spec_path: String,
    /// Its fields, in spec order.
    pub fields: Vec<Param>,
}

/// One request parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The name on the wire.
    pub wire: String,
    /// The Rust field and setter name.
    pub field: String,
    /// The stem of its associated constants.
    pub const_stem: String,
    /// What it does.
    pub description: String,
    /// Whether a request must carry it.
    pub required: bool,
    /// Its type and constraints.
    pub kind: Kind,
    /// The documented server-side default.
    pub default: Option<Literal>,
    /// A typical value.
    pub example: Option<Literal>,
    /// The wire name it had before, when the spec says it was renamed
    /// (`renamed_from`), so that `cargo xtask diff` reports one rename
    /// instead of a removal and an addition.
    pub renamed_from: Option<String>,
}

/// A parameter's Rust type and the constraints `validate()` checks.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Free text.
    String,
    /// An input file: an image, video, audio or other file (a URL or base64).
    Media(MediaKind),
    /// `true` or `false`.
    Boolean,
    /// A whole number, `i64` so that the largest seeds fit.
    Integer {
        /// Inclusive lower bound.
        min: Option<i64>,
        /// Inclusive upper bound.
        max: Option<i64>,
        /// The only values accepted.
        allowed: Option<Vec<i64>>,
    },
    /// A floating-point number.
    Number {
        /// Inclusive lower bound.
        min: Option<f64>,
        /// Inclusive upper bound.
        max: Option<f64>,
        /// The only values accepted.
        allowed: Option<Vec<f64>>,
    },
    /// One of an enum's variants.
    Enum {
        /// The enum's Rust type name.
        type_name: String,
        /// Whether it is defined in `enums.yaml` (else inline in this endpoint).
        shared: bool,
        /// The wire strings, for docs.
        wire_values: Vec<String>,
    },
    /// A JSON array of one kind of item.
    List {
        /// What each item is.
        items: Box<Kind>,
        /// The fewest items accepted (inclusive).
        min_items: Option<u64>,
        /// The most items accepted (inclusive).
        max_items: Option<u64>,
    },
    /// A JSON object with named fields: a generated struct.
    Object(Box<ObjectDef>),
}

/// The kinds of input file the API takes, each a URL or base64 on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// A picture.
    Image,
    /// A video clip.
    Video,
    /// Speech, music or other sound.
    Audio,
    /// Any other file.
    File,
}

impl MediaKind {
    /// The spec format's name for it (`image`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Video => "video",
            Self::Audio => "audio",
            Self::File => "file",
        }
    }

    /// The runtime type that holds one (`ImageInput`).
    pub fn input_type(self) -> &'static str {
        match self {
            Self::Image => "ImageInput",
            Self::Video => "VideoInput",
            Self::Audio => "AudioInput",
            Self::File => "FileInput",
        }
    }
}

impl Kind {
    /// Whether a value of this kind holds an input of the medium `media`
    /// (itself, as a list's items, or in an object's field).
    pub fn holds(&self, media: MediaKind) -> bool {
        match self {
            Kind::Media(kind) => *kind == media,
            Kind::List { items, .. } => items.holds(media),
            Kind::Object(def) => def.fields.iter().any(|f| f.kind.holds(media)),
            _ => false,
        }
    }

    fn collect_objects<'a>(&'a self, found: &mut Vec<&'a ObjectDef>) {
        match self {
            Kind::List { items, .. } => items.collect_objects(found),
            Kind::Object(def) => {
                for field in &def.fields {
                    field.kind.collect_objects(found);
                }
                found.push(def);
            }
            _ => {}
        }
    }

    /// Whether this is an integer whose every accepted value fits in an
    /// `i32`: its setter can then take any integer type, since a literal
    /// falling back to `i32` loses nothing. Unbounded integers and wide
    /// ranges (seeds) do not.
    pub fn is_narrow_integer(&self) -> bool {
        let fits = |n: &i64| i32::try_from(*n).is_ok();
        match self {
            Kind::Integer {
                allowed: Some(list),
                ..
            } => list.iter().all(fits),
            Kind::Integer {
                min: Some(min),
                max: Some(max),
                allowed: None,
            } => fits(min) && fits(max),
            _ => false,
        }
    }
}

/// A typed default or example value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// Text.
    String(String),
    /// A whole number.
    Integer(i64),
    /// A floating-point number.
    Number(f64),
    /// A boolean.
    Boolean(bool),
    /// An enum variant.
    Variant {
        /// The enum's type name.
        type_name: String,
        /// The variant's identifier.
        ident: String,
        /// Its wire string.
        wire: String,
    },
    /// A list's items.
    List(Vec<Literal>),
    /// An object's fields, by wire name, in spec order.
    Object(Vec<(String, Literal)>),
}

impl Literal {
    /// The value as the request body carries it.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Literal::String(text) => text.as_str().into(),
            Literal::Integer(n) => (*n).into(),
            Literal::Number(n) => (*n).into(),
            Literal::Boolean(b) => (*b).into(),
            Literal::Variant { wire, .. } => wire.as_str().into(),
            Literal::List(items) => items.iter().map(Literal::to_json).collect(),
            Literal::Object(fields) => fields
                .iter()
                .map(|(name, value)| (name.clone(), value.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }

    /// The value as JSON would show it, for docs.
    pub fn display(&self) -> String {
        match self {
            Literal::String(text) => format!("{text:?}"),
            Literal::Integer(n) => n.to_string(),
            Literal::Number(n) => format_number(*n),
            Literal::Boolean(b) => b.to_string(),
            Literal::Variant { wire, .. } => format!("{wire:?}"),
            Literal::List(items) => {
                let items: Vec<String> = items.iter().map(Literal::display).collect();
                format!("[{}]", items.join(", "))
            }
            Literal::Object(fields) => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|(name, value)| format!("{name:?}: {}", value.display()))
                    .collect();
                format!("{{{}}}", fields.join(", "))
            }
        }
    }
}

/// Prints a float the way the spec author wrote it (`7.5`, `1`), not `1.0`.
pub fn format_number(value: f64) -> String {
    value.to_string()
}
