//! The types of the generated endpoint table (`generated/cli.rs`), and the
//! one generic function each row points at to read a JSON body into its
//! endpoint's request type. Everything the tool does per endpoint goes
//! through these, so no endpoint has code of its own here.

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

use crate::runtime::{request_from_json, DecodeResponse, Endpoint, OutputKind, RequestFields};
use crate::{
    AudioResponse, Client, Error, ImageResponse, JsonResponse, MediaFile, Queue, RequestOptions,
    TextResponse, ValidationErrors, VideoResponse, WaitOptions,
};

/// One endpoint, as the generator describes it from its spec.
#[derive(Debug)]
pub(crate) struct EndpointRow {
    pub slug: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The spec file, named in `segmind models`.
    pub source: &'static str,
    /// What a success is: `image`, `json`, `video`, `audio` or `text`.
    pub returns: &'static str,
    /// What the model does, the heading `segmind models` groups it under.
    pub task: &'static str,
    /// Whether the page advises the v2 queue (a long-running model).
    pub queued: bool,
    /// How long the page says to wait for a queued job, in seconds.
    pub queue_deadline_secs: Option<u64>,
    /// The rules between parameters, in words, for help.
    pub rules: &'static [&'static str],
    pub params: &'static [Param],
    /// Reads a JSON body into the endpoint's request type.
    pub request: fn(Value) -> Result<Box<dyn Request>, serde_json::Error>,
}

/// One parameter of an endpoint.
#[derive(Debug)]
pub(crate) struct Param {
    /// The name on the wire (`num_inference_steps`).
    pub wire: &'static str,
    pub description: &'static str,
    pub required: bool,
    pub kind: Kind,
    /// The documented server-side default, as typed on a command line (`7`, `DDIM`).
    pub default: Option<&'static str>,
}

/// A parameter's type and documented constraints. Only shown in help: the
/// crate's `validate()` is what enforces them.
// Which kinds are built depends on the endpoints compiled in.
#[allow(dead_code)]
#[derive(Debug)]
pub(crate) enum Kind {
    String,
    /// An input file: `image`, `video`, `audio` or `file`.
    Media(&'static str),
    Boolean,
    Integer {
        min: Option<i64>,
        max: Option<i64>,
        allowed: &'static [i64],
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
        allowed: &'static [f64],
    },
    /// The wire strings, in spec order.
    Enum(&'static [&'static str]),
    /// A JSON array: the flag is given once per item.
    List {
        item: &'static Kind,
        min_items: Option<u64>,
        max_items: Option<u64>,
    },
    /// A JSON object, given as JSON text.
    Object,
}

impl Kind {
    /// The constraint in words (`1 to 25`, `one of 512, 768`), if any.
    pub(crate) fn constraint(&self) -> Option<String> {
        fn range<T: ToString>(min: Option<T>, max: Option<T>) -> Option<String> {
            match (min, max) {
                (Some(min), Some(max)) => {
                    Some(format!("{} to {}", min.to_string(), max.to_string()))
                }
                (Some(min), None) => Some(format!("at least {}", min.to_string())),
                (None, Some(max)) => Some(format!("at most {}", max.to_string())),
                (None, None) => None,
            }
        }
        fn one_of<T: ToString>(values: &[T]) -> String {
            let values: Vec<String> = values.iter().map(ToString::to_string).collect();
            format!("one of {}", values.join(", "))
        }
        match self {
            Kind::Integer { allowed, .. } if !allowed.is_empty() => Some(one_of(allowed)),
            Kind::Integer { min, max, .. } => range(*min, *max),
            Kind::Number { allowed, .. } if !allowed.is_empty() => Some(one_of(allowed)),
            Kind::Number { min, max, .. } => range(*min, *max),
            Kind::List {
                item,
                min_items,
                max_items,
            } => {
                let length = range(*min_items, *max_items).map(|r| format!("{r} items"));
                let each = item.constraint().map(|rule| format!("each {rule}"));
                let parts: Vec<String> = length.into_iter().chain(each).collect();
                (!parts.is_empty()).then(|| parts.join(", "))
            }
            Kind::String | Kind::Media(_) | Kind::Boolean | Kind::Enum(_) | Kind::Object => None,
        }
    }

    /// The type's name as `segmind models` shows it.
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Media(name) => name,
            Kind::Boolean => "boolean",
            Kind::Integer { .. } => "integer",
            Kind::Number { .. } => "number",
            Kind::Enum(_) => "enum",
            Kind::List { .. } => "list",
            Kind::Object => "object",
        }
    }
}

/// What a call answered.
#[derive(Debug)]
pub(crate) enum Answer {
    /// Images, a video or audio: files to write, and the credits left.
    Files(Vec<MediaFile>, Option<f64>),
    Json(JsonResponse),
    Text(TextResponse),
}

impl Answer {
    pub(crate) fn remaining_credits(&self) -> Option<f64> {
        match self {
            Answer::Files(_, credits) => *credits,
            Answer::Json(json) => json.remaining_credits(),
            Answer::Text(text) => text.remaining_credits(),
        }
    }
}

/// The kinds of output a generated endpoint has, as one [`Answer`].
pub(crate) trait IntoAnswer {
    fn into_answer(self) -> Answer;
}

/// Responses made of files become [`Answer::Files`].
macro_rules! files_answer {
    ($($ty:ty),*) => {$(
        impl IntoAnswer for $ty {
            fn into_answer(self) -> Answer {
                let credits = self.remaining_credits();
                Answer::Files(self.into_files(), credits)
            }
        }
    )*};
}

files_answer!(ImageResponse, VideoResponse, AudioResponse);

impl IntoAnswer for TextResponse {
    fn into_answer(self) -> Answer {
        Answer::Text(self)
    }
}

impl IntoAnswer for JsonResponse {
    fn into_answer(self) -> Answer {
        Answer::Json(self)
    }
}

/// A future that yields what a call answered.
pub(crate) type Call<'a> = Pin<Box<dyn Future<Output = Result<Answer, Error>> + Send + 'a>>;

/// A typed request of any endpoint, behind one interface.
pub(crate) trait Request: Send + Sync {
    /// The crate's own validation, with its messages.
    fn validate(&self) -> Result<(), ValidationErrors>;
    /// The JSON body the client sends.
    fn body(&self) -> Value;
    /// Sends it through the client (which validates again and retries as
    /// its policy says).
    fn send<'a>(&'a self, client: &'a Client, options: RequestOptions) -> Call<'a>;
    /// Submits to the queue with `options`, tells `submitted` the request
    /// id, then waits.
    fn queued<'a>(
        &'a self,
        queue: &'a Queue,
        options: RequestOptions,
        wait: WaitOptions,
        submitted: Box<dyn FnOnce(&str) + Send + 'a>,
    ) -> Call<'a>;
}

impl<E> Request for E
where
    E: Endpoint + RequestFields + Send + Sync,
    E::Output: DecodeResponse + OutputKind + IntoAnswer + Send,
{
    fn validate(&self) -> Result<(), ValidationErrors> {
        Endpoint::validate(self)
    }

    fn body(&self) -> Value {
        crate::runtime::request_to_json(self)
    }

    fn send<'a>(&'a self, client: &'a Client, options: RequestOptions) -> Call<'a> {
        Box::pin(async move {
            client
                .send_with(self, options)
                .await
                .map(IntoAnswer::into_answer)
        })
    }

    fn queued<'a>(
        &'a self,
        queue: &'a Queue,
        options: RequestOptions,
        wait: WaitOptions,
        submitted: Box<dyn FnOnce(&str) + Send + 'a>,
    ) -> Call<'a> {
        Box::pin(async move {
            let job = queue.submit_with(self, options).await?;
            submitted(job.request_id());
            queue
                .wait_with(&job, wait)
                .await
                .map(IntoAnswer::into_answer)
        })
    }
}

/// Reads a JSON body into `E`; what each generated row points at (none
/// when no endpoint is compiled in).
#[allow(dead_code)]
pub(crate) fn request<E>(body: Value) -> Result<Box<dyn Request>, serde_json::Error>
where
    E: Endpoint + RequestFields + Send + Sync + 'static,
    E::Output: DecodeResponse + OutputKind + IntoAnswer + Send,
{
    Ok(Box::new(request_from_json::<E>(body)?))
}

/// The row for `slug`, if that endpoint is compiled in.
pub(crate) fn find(slug: &str) -> Option<&'static EndpointRow> {
    crate::generated::cli::COMMANDS
        .iter()
        .find(|row| row.slug == slug)
}
