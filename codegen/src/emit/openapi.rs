//! `openapi.json`: the API as an OpenAPI 3.1 document, so that other
//! ecosystems' tools (client generators, gateways, contract testers,
//! documentation viewers) can use what the specs know.
//!
//! Request bodies come from the checked model, one schema per endpoint, and
//! say exactly what the generated `validate()` checks. The rest of the API
//! (the v2 queue, the credits endpoint, the error answers, the production
//! server) is the same for every model; it is described here once, as the
//! runtime and the mock implement it, and tests in the `segmind` crate
//! compare those facts with the runtime's own constants.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use crate::model::{
    ConstraintRule, Endpoint, EnumDef, Kind, Literal, Model, ObjectDef, Param, Returns,
};

/// Where the document is written, relative to the workspace root.
pub const OPENAPI_PATH: &str = "generated-client/openapi.json";

/// The production server; the paths carry the API version (`/v1`, `/v2`).
pub const PRODUCTION_SERVER: &str = "https://api.segmind.com";

/// The header that carries the API key.
pub const API_KEY_HEADER: &str = "x-api-key";

/// The header a successful call carries with the credits left.
pub const REMAINING_CREDITS_HEADER: &str = "x-remaining-credits";

/// The document's version, kept equal to the `segmind` crate's (a test in
/// that crate checks it).
pub const DOCUMENT_VERSION: &str = "0.1.0";

/// One error status the API documents: its code, the name the API pages give
/// it under "Common Error Codes", and the pages' description.
struct ErrorStatus {
    code: u16,
    name: &'static str,
    description: &'static str,
}

/// The pages' "Common Error Codes", in the order they list them, with the
/// codes the runtime maps them to; 503 is not on the pages, but the client
/// expects it (and retries it) and the mock can serve it.
const ERROR_STATUSES: &[ErrorStatus] = &[
    status(400, "Bad Request", "Invalid parameters or request format"),
    status(401, "Unauthorized", "Missing or invalid API key"),
    status(403, "Forbidden", "Insufficient permissions"),
    status(404, "Not Found", "Model or endpoint not found"),
    status(
        406,
        "Insufficient Credits",
        "Not enough credits to process request",
    ),
    status(429, "Rate Limited", "Too many requests"),
    status(500, "Server Error", "Internal server error"),
    status(502, "Bad Gateway", "Service temporarily unavailable"),
    status(
        503,
        "Service Unavailable",
        "Not on the API pages: the server refuses requests for now; the client retries it like 429",
    ),
    status(504, "Timeout", "Request timed out"),
];

const fn status(code: u16, name: &'static str, description: &'static str) -> ErrorStatus {
    ErrorStatus {
        code,
        name,
        description,
    }
}

/// Statuses that may carry `Retry-After`.
const RETRY_AFTER_STATUSES: [u16; 2] = [429, 503];

// Names of the schemas every endpoint shares. Generated type names are
// UpperCamelCase letters and digits only, so names with a `.` can never
// clash with a request type or an enum taken from the specs.
const ERROR_SCHEMA: &str = "api.Error";
const BASE64_SCHEMA: &str = "v1.Base64Images";
const CREDITS_SCHEMA: &str = "v1.Credits";
const QUEUED_SCHEMA: &str = "v2.QueuedJob";
const STATE_SCHEMA: &str = "v2.JobState";
const METRICS_SCHEMA: &str = "v2.Metrics";
const STATUS_SCHEMA: &str = "v2.JobStatus";
const RESULT_SCHEMA: &str = "v2.JobResult";
const FAILED_SCHEMA: &str = "v2.FailedJob";
const REMAINING_HEADER_COMPONENT: &str = "RemainingCredits";
const RETRY_AFTER_COMPONENT: &str = "RetryAfter";
const FAILED_RESPONSE: &str = "FailedJob";
const SECURITY_SCHEME: &str = "apiKey";

/// A JSON value whose objects keep the order they were built in:
/// serde_json's own map sorts its keys, which would scatter a request's
/// parameters and put `openapi` after `components`.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
enum Json {
    Object(IndexMap<String, Json>),
    Array(Vec<Json>),
    Scalar(Value),
}

impl Json {
    /// An empty object, to fill with [`Json::with`].
    fn object() -> Self {
        Json::Object(IndexMap::new())
    }

    /// The object with `key` set to `value`.
    fn with(mut self, key: &str, value: impl Into<Json>) -> Self {
        if let Json::Object(map) = &mut self {
            map.insert(key.to_owned(), value.into());
        }
        self
    }

    /// The object with `key` set, when there is a value.
    fn with_some(self, key: &str, value: Option<impl Into<Json>>) -> Self {
        match value {
            Some(value) => self.with(key, value),
            None => self,
        }
    }

    /// The object with every entry of `other` (an object) added.
    fn merged(mut self, other: Json) -> Self {
        if let (Json::Object(map), Json::Object(more)) = (&mut self, other) {
            map.extend(more);
        }
        self
    }

    /// A `$ref` to a component of the given kind (`schemas`, `responses`, ...).
    fn reference(kind: &str, name: &str) -> Self {
        Json::object().with("$ref", format!("#/components/{kind}/{name}"))
    }

    fn schema_ref(name: &str) -> Self {
        Json::reference("schemas", name)
    }
}

impl From<&str> for Json {
    fn from(text: &str) -> Self {
        Json::Scalar(Value::from(text))
    }
}

impl From<String> for Json {
    fn from(text: String) -> Self {
        Json::Scalar(Value::from(text))
    }
}

impl From<bool> for Json {
    fn from(value: bool) -> Self {
        Json::Scalar(Value::from(value))
    }
}

impl From<i64> for Json {
    fn from(value: i64) -> Self {
        Json::Scalar(Value::from(value))
    }
}

impl From<f64> for Json {
    /// A whole number is written as the spec author wrote it (`7`, not
    /// `7.0`); JSON Schema compares numbers by value, so both mean the same.
    fn from(value: f64) -> Self {
        if value.fract() == 0.0 && value.abs() < 9.0e15 {
            Json::Scalar(Value::from(value as i64))
        } else {
            Json::Scalar(Value::from(value))
        }
    }
}

impl<T: Into<Json>> From<Vec<T>> for Json {
    fn from(items: Vec<T>) -> Self {
        Json::Array(items.into_iter().map(Into::into).collect())
    }
}

impl From<&Literal> for Json {
    fn from(literal: &Literal) -> Self {
        match literal {
            // Written as the spec author wrote it (see `From<f64>`).
            Literal::Number(n) => (*n).into(),
            other => Json::Scalar(other.to_json()),
        }
    }
}

/// The whole document as pretty-printed JSON, ending in a newline; or, when
/// two operations would get the same `operationId` (a slug whose method ends
/// in `_queued`, or one named like the shared operations), the spec file to
/// blame and why.
pub fn openapi(model: &Model) -> Result<String, (String, String)> {
    check_operation_ids(model)?;
    let document = document(model);
    // Serialising strings, numbers and maps with string keys cannot fail.
    let text = serde_json::to_string_pretty(&document).unwrap_or_default();
    Ok(format!("{text}\n"))
}

/// The operation ids of the shared operations.
const SHARED_OPERATIONS: [&str; 3] = [
    "get_user_credits",
    "get_request_status",
    "get_request_result",
];

fn queued_id(endpoint: &Endpoint) -> String {
    format!("{}_queued", endpoint.method)
}

fn check_operation_ids(model: &Model) -> Result<(), (String, String)> {
    let mut owners: IndexMap<String, String> = SHARED_OPERATIONS
        .iter()
        .map(|id| (id.to_string(), "a shared operation".to_owned()))
        .collect();
    for endpoint in &model.endpoints {
        for id in [endpoint.method.clone(), queued_id(endpoint)] {
            if let Some(other) = owners.insert(id.clone(), endpoint.source.clone()) {
                return Err((
                    endpoint.source.clone(),
                    format!(
                        "slug {:?} gives the OpenAPI operationId `{id}`, which {other} also has; rename one",
                        endpoint.slug
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn document(model: &Model) -> Json {
    Json::object()
        .with("openapi", "3.1.0")
        .with(
            "x-generated",
            "@generated by `cargo xtask gen` from spec/*.yaml. Do not edit by hand: change the spec and run `cargo xtask gen`.",
        )
        .with("jsonSchemaDialect", "https://json-schema.org/draft/2020-12/schema")
        .with("info", info())
        .with(
            "servers",
            vec![Json::object().with("url", PRODUCTION_SERVER).with(
                "description",
                "Production. The synchronous API is under /v1 and the queue under /v2; \
                 for another server (a staging one, or the segmind-mock binary) keep the \
                 same paths under its origin.",
            )],
        )
        .with(
            "security",
            vec![Json::object().with(SECURITY_SCHEME, Vec::<Json>::new())],
        )
        .with("tags", tags())
        .with("paths", paths(model))
        .with("components", components(model))
}

fn info() -> Json {
    Json::object()
        .with("title", "Segmind image-generation API")
        .with("version", DOCUMENT_VERSION)
        .with(
            "description",
            "The Segmind endpoints that the segmind-rs specs describe, generated from them. \
             Each request schema states the parameters, types, ranges, allowed values and \
             defaults of its spec in `spec/` (named by `x-segmind-spec`), exactly as the \
             generated Rust client's `validate()` checks them. Where a vendor page \
             contradicts itself, the spec file says in a comment which reading it \
             followed and why.\n\n\
             Every endpoint can be called synchronously (`POST /v1/<slug>`, which answers \
             with the image) or through the queue (`POST /v2/<slug>`, then poll the \
             `status_url` and fetch the `response_url` it returns). Optional parameters \
             that are not sent take the server's default, shown as `default`.",
        )
        .with(
            "license",
            Json::object()
                .with("name", "MIT OR Apache-2.0")
                .with("identifier", "MIT OR Apache-2.0"),
        )
}

fn tags() -> Json {
    vec![
        Json::object()
            .with("name", "v1")
            .with("description", "Synchronous calls: the answer is the image."),
        Json::object().with("name", "v2").with(
            "description",
            "The queue: submit, poll the status, fetch the result. Polls and fetches are \
             idempotent GETs, so a slow model never forces a second paid submission.",
        ),
        Json::object()
            .with("name", "account")
            .with("description", "The account's credits."),
    ]
    .into()
}

fn paths(model: &Model) -> Json {
    let mut operations: Vec<(String, &str, Json)> = Vec::new();
    for endpoint in &model.endpoints {
        let path = format!("/v1{}", endpoint.path);
        operations.push((path, "post", sync_operation(endpoint)));
    }
    operations.push(("/v1/get-user-credits".into(), "get", credits_operation()));
    for endpoint in &model.endpoints {
        let path = format!("/v2{}", endpoint.path);
        operations.push((path, "post", queued_operation(endpoint)));
    }
    let status = "/v2/requests/{request_id}/status".into();
    operations.push((status, "get", status_operation()));
    operations.push((
        "/v2/requests/{request_id}".into(),
        "get",
        result_operation(),
    ));
    // Merged per path: an endpoint whose path is a shared GET's (say
    // `/get-user-credits`) shares that path item with it, each by method.
    let mut paths: IndexMap<String, Json> = IndexMap::new();
    for (path, method, operation) in operations {
        let item = paths.entry(path).or_insert_with(Json::object);
        *item = std::mem::replace(item, Json::object()).with(method, operation);
    }
    Json::Object(paths)
}

/// An operation's answers by status code, in code order: its own
/// (`answers`) and the error answers every operation may get, where
/// `not_found` replaces the 404 description when it means something specific.
fn responses(answers: Vec<(u16, Json)>, not_found: Option<&str>) -> Json {
    let mut all = answers;
    for status in ERROR_STATUSES {
        let mut reference = Json::reference("responses", &response_name(status));
        if status.code == 404 {
            reference = reference.with_some("description", not_found);
        }
        all.push((status.code, reference));
    }
    all.sort_by_key(|(code, _)| *code);
    all.into_iter().fold(Json::object(), |out, (code, answer)| {
        out.with(&code.to_string(), answer)
    })
}

/// A status's component name: its page name in UpperCamelCase.
fn response_name(status: &ErrorStatus) -> String {
    status.name.split_whitespace().collect()
}

fn request_body(endpoint: &Endpoint) -> Json {
    Json::object().with("required", true).with(
        "content",
        Json::object().with(
            "application/json",
            Json::object().with("schema", Json::schema_ref(&endpoint.type_name)),
        ),
    )
}

/// The common part of an endpoint's two operations.
fn endpoint_operation(
    endpoint: &Endpoint,
    operation_id: String,
    tag: &str,
    description: String,
) -> Json {
    Json::object()
        .with("operationId", operation_id)
        .with("tags", vec![tag])
        .with("summary", endpoint.title.as_str())
        .with("description", description)
        .with("x-segmind-spec", endpoint.source.as_str())
        .with("x-segmind-slug", endpoint.slug.as_str())
        .with_some("x-segmind-base64-switch", endpoint.base64_switch.as_deref())
        .with_some("x-segmind-queue", endpoint.queue.map(queue_hint))
        .with("requestBody", request_body(endpoint))
}

/// The page advises the queue: a long-running model, and how long to wait.
fn queue_hint(hint: crate::model::QueueHint) -> Json {
    Json::object()
        .with(
            "description",
            "A long-running model: its page advises the v2 queue rather than a synchronous call.",
        )
        .with_some("deadlineSeconds", hint.deadline_secs.map(|n| n as i64))
}

fn remaining_credits_header() -> Json {
    Json::object().with(
        REMAINING_CREDITS_HEADER,
        Json::reference("headers", REMAINING_HEADER_COMPONENT),
    )
}

fn sync_operation(endpoint: &Endpoint) -> Json {
    let (description, content) = match endpoint.returns {
        Returns::Image => {
            let base64 = match &endpoint.base64_switch {
                Some(switch) => format!(
                    "raw image bytes, or, when `{switch}` is true, the image base64-encoded in JSON"
                ),
                None => "raw image bytes".to_owned(),
            };
            (
                format!("The generated image: {base64}."),
                Json::object()
                    .with("image/jpeg", Json::object())
                    .with("image/png", Json::object())
                    .with(
                        "application/json",
                        Json::object().with("schema", Json::schema_ref(BASE64_SCHEMA)),
                    ),
            )
        }
        Returns::Json => (
            "The model's JSON answer.".to_owned(),
            Json::object().with(
                "application/json",
                Json::object().with("schema", Json::object()),
            ),
        ),
        // The type ranges say what the answer is without promising a
        // container the vendor does not name (the mock answers AVI and WAV).
        Returns::Video => (
            "The generated video's bytes.".to_owned(),
            Json::object().with("video/*", Json::object()),
        ),
        Returns::Audio => (
            "The generated audio's bytes.".to_owned(),
            Json::object().with("audio/*", Json::object()),
        ),
        Returns::Text => (
            "The model's text answer.".to_owned(),
            Json::object().with(
                "text/plain",
                Json::object().with("schema", Json::object().with("type", "string")),
            ),
        ),
    };
    let ok = Json::object()
        .with("description", description)
        .with("headers", remaining_credits_header())
        .with("content", content);
    endpoint_operation(
        endpoint,
        endpoint.method.clone(),
        "v1",
        endpoint.description.clone(),
    )
    .with("responses", responses(vec![(200, ok)], None))
}

fn queued_operation(endpoint: &Endpoint) -> Json {
    let ok = Json::object()
        .with(
            "description",
            "Accepted into the queue: poll `status_url`, then fetch `response_url`.",
        )
        .with("headers", remaining_credits_header())
        .with("content", json_content(QUEUED_SCHEMA));
    let output = match endpoint.returns {
        Returns::Image => "the image's URL (or a list of URLs, one per sample)",
        Returns::Json => "the model's JSON answer",
        Returns::Video => "the video's URL",
        Returns::Audio => "the audio's URL",
        Returns::Text => "the model's text",
    };
    let description = format!(
        "{}\n\nQueued: the answer names the job; its result's `output` is {output}.",
        endpoint.description
    );
    endpoint_operation(
        endpoint,
        format!("{}_queued", endpoint.method),
        "v2",
        description,
    )
    .with("responses", responses(vec![(200, ok)], None))
}

fn json_content(schema: &str) -> Json {
    Json::object().with(
        "application/json",
        Json::object().with("schema", Json::schema_ref(schema)),
    )
}

fn request_id_parameter() -> Json {
    vec![Json::object()
        .with("name", "request_id")
        .with("in", "path")
        .with("required", true)
        .with("description", "The `request_id` the submission returned.")
        .with("schema", Json::object().with("type", "string"))]
    .into()
}

/// A status or result poll: the job's own answer, or its failure.
fn job_operation(
    operation_id: &str,
    summary: &str,
    description: &str,
    ok: Json,
    not_found: &str,
) -> Json {
    let failed = Json::reference("responses", FAILED_RESPONSE);
    Json::object()
        .with("operationId", operation_id)
        .with("tags", vec!["v2"])
        .with("summary", summary)
        .with("description", description)
        .with("parameters", request_id_parameter())
        .with(
            "responses",
            responses(vec![(200, ok), (422, failed)], Some(not_found)),
        )
}

fn status_operation() -> Json {
    job_operation(
        "get_request_status",
        "A queued job's status",
        "Idempotent: poll it (the official SDK polls every second, for up to 600 s) until \
         the status is COMPLETED or FAILED.",
        Json::object()
            .with(
                "description",
                "The job's status. A body whose `status` is FAILED is a failed job, whatever the HTTP status.",
            )
            .with("content", json_content(STATUS_SCHEMA)),
        "No such request for this API key.",
    )
}

fn result_operation() -> Json {
    job_operation(
        "get_request_result",
        "A queued job's result",
        "Results expire about an hour after the job completes.",
        Json::object()
            .with("description", "The job's result.")
            .with("content", json_content(RESULT_SCHEMA)),
        "No such request for this API key, or its result has expired.",
    )
}

fn credits_operation() -> Json {
    Json::object()
        .with("operationId", "get_user_credits")
        .with("tags", vec!["account"])
        .with("summary", "The account's credit balance")
        .with(
            "responses",
            responses(
                vec![(
                    200,
                    Json::object()
                        .with("description", "The balance.")
                        .with("content", json_content(CREDITS_SCHEMA)),
                )],
                None,
            ),
        )
}

fn components(model: &Model) -> Json {
    let mut schemas = Json::object();
    for def in &model.shared_enums {
        schemas = schemas.with(&def.type_name, enum_schema(def));
    }
    for endpoint in &model.endpoints {
        schemas = schemas.with(&endpoint.type_name, request_schema(endpoint));
    }
    for (name, schema) in shared_schemas() {
        schemas = schemas.with(name, schema);
    }
    let mut responses = Json::object();
    for status in ERROR_STATUSES {
        let mut response = Json::object()
            .with(
                "description",
                format!("{}: {}.", status.name, status.description),
            )
            .with("content", json_content(ERROR_SCHEMA));
        if RETRY_AFTER_STATUSES.contains(&status.code) {
            response = response.with(
                "headers",
                Json::object().with(
                    "Retry-After",
                    Json::reference("headers", RETRY_AFTER_COMPONENT),
                ),
            );
        }
        responses = responses.with(&response_name(status), response);
    }
    responses = responses.with(
        FAILED_RESPONSE,
        Json::object()
            .with(
                "description",
                "The job failed: the queue serves a FAILED job with 422 and its error.",
            )
            .with("content", json_content(FAILED_SCHEMA)),
    );
    Json::object()
        .with("schemas", schemas)
        .with("responses", responses)
        .with("headers", header_components())
        .with(
            "securitySchemes",
            Json::object().with(
                SECURITY_SCHEME,
                Json::object()
                    .with("type", "apiKey")
                    .with("in", "header")
                    .with("name", API_KEY_HEADER)
                    .with("description", "The account's API key."),
            ),
        )
}

fn header_components() -> Json {
    Json::object()
        .with(
            REMAINING_HEADER_COMPONENT,
            Json::object()
                .with(
                    "description",
                    "The credits left on the account after this call.",
                )
                .with("schema", Json::object().with("type", "number")),
        )
        .with(
            RETRY_AFTER_COMPONENT,
            Json::object()
                .with(
                    "description",
                    "How long to wait before trying again: seconds, or an HTTP date.",
                )
                .with("schema", Json::object().with("type", "string")),
        )
}

fn enum_schema(def: &EnumDef) -> Json {
    let values: Vec<&str> = def.variants.iter().map(|v| v.wire.as_str()).collect();
    Json::object()
        .with("description", def.description.as_str())
        .with("title", def.type_name.as_str())
        .with("type", "string")
        .with("enum", values)
}

/// An endpoint's request body. Unknown fields are refused, as the generated
/// request types refuse them when reading a body; the Rust client can still
/// send one with `RequestOptions::body_field`.
fn request_schema(endpoint: &Endpoint) -> Json {
    let all_of = constraint_schemas(endpoint);
    let mut properties = Json::object();
    for param in &endpoint.params {
        properties = properties.with(&param.wire, property(endpoint, param));
    }
    let required: Vec<&str> = endpoint
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.wire.as_str())
        .collect();
    let mut example = Json::object();
    for param in &endpoint.params {
        if let Some(value) = &param.example {
            example = example.with(&param.wire, value);
        }
    }
    Json::object()
        .with("title", endpoint.type_name.as_str())
        .with(
            "description",
            format!(
                "The request body of {} (`{}`).",
                endpoint.title, endpoint.slug
            ),
        )
        .with("x-segmind-spec", endpoint.source.as_str())
        .with("type", "object")
        .with("properties", properties)
        .with("required", required)
        .with("additionalProperties", false)
        .with_some("allOf", (!all_of.is_empty()).then_some(all_of))
        .with("examples", vec![example])
}

/// One parameter's schema: exactly what `validate()` checks of it.
fn property(endpoint: &Endpoint, param: &Param) -> Json {
    let mut schema = member_schema(param);
    if endpoint.base64_switch.as_deref() == Some(param.wire.as_str()) {
        schema = schema.with(
            "x-segmind-switches-response",
            "true: the answer is the image base64-encoded in JSON (v1.Base64Images) instead of raw bytes",
        );
    }
    schema
}

/// A parameter's or an object field's schema: its description, its kind's
/// schema (which also takes `null` when the member is optional), default
/// and example.
fn member_schema(param: &Param) -> Json {
    let kind = kind_schema(&param.kind);
    let kind = if param.required { kind } else { nullable(kind) };
    Json::object()
        .with("description", param.description.as_str())
        .merged(kind)
        .with_some("default", param.default.as_ref())
        .with_some(
            "examples",
            param
                .example
                .as_ref()
                .map(|example| vec![Json::from(example)]),
        )
}

/// The schema of an optional member: its kind's, or `null`. A null member
/// is one not sent, for the generated types (and so `validate()`, the mock
/// and the CLI's batch lines) as most servers read it; spec/README.md says
/// why. A `type` gains `"null"` (and an `enum`, the value `null`); a
/// reference becomes `anyOf` the reference and `null`.
fn nullable(schema: Json) -> Json {
    let Json::Object(mut map) = schema else {
        return schema;
    };
    if map.contains_key("$ref") {
        return Json::object().with(
            "anyOf",
            vec![Json::Object(map), Json::object().with("type", "null")],
        );
    }
    if let Some(Json::Scalar(Value::String(ty))) = map.get("type").cloned() {
        map.insert("type".to_owned(), vec![ty.as_str(), "null"].into());
    }
    if let Some(Json::Array(values)) = map.get_mut("enum") {
        values.push(Json::Scalar(Value::Null));
    }
    Json::Object(map)
}

/// The schema of a value of `kind`, as `validate()` checks it.
fn kind_schema(kind: &Kind) -> Json {
    match kind {
        Kind::Enum {
            type_name,
            shared: true,
            ..
        } => Json::schema_ref(type_name),
        Kind::Enum {
            type_name,
            shared: false,
            wire_values,
        } => Json::object()
            .with("title", type_name.as_str())
            .with("type", "string")
            .with(
                "enum",
                wire_values.iter().map(String::as_str).collect::<Vec<_>>(),
            ),
        Kind::String => Json::object().with("type", "string"),
        // A URL, a base64 string, a data URL or (as one page's example
        // shows) a site-relative path: only emptiness is refused.
        Kind::Media(media) => Json::object()
            .with("type", "string")
            .with("minLength", 1_i64)
            .with("x-segmind-type", media.name()),
        Kind::Boolean => Json::object().with("type", "boolean"),
        // With a list of allowed values, `validate()` checks only the list.
        // A bound the spec leaves open is the 64-bit one, stated: JSON
        // Schema's `integer` has no limit (and `format` asserts nothing),
        // while the client holds an `i64`.
        Kind::Integer { min, max, allowed } => {
            let schema = Json::object()
                .with("type", "integer")
                .with("format", "int64");
            match allowed {
                Some(list) => schema.with("enum", list.clone()),
                None => schema
                    .with("minimum", min.unwrap_or(i64::MIN))
                    .with("maximum", max.unwrap_or(i64::MAX)),
            }
        }
        Kind::Number { min, max, allowed } => {
            let schema = Json::object()
                .with("type", "number")
                .with("format", "double");
            match allowed {
                Some(list) => schema.with("enum", list.clone()),
                None => schema.with_some("minimum", *min).with_some("maximum", *max),
            }
        }
        Kind::List {
            items,
            min_items,
            max_items,
        } => Json::object()
            .with("type", "array")
            .with("items", kind_schema(items))
            .with_some("minItems", min_items.map(|n| n as i64))
            .with_some("maxItems", max_items.map(|n| n as i64)),
        Kind::Object(def) => object_schema(def),
    }
}

/// An object type's schema: its fields, which are required, nothing else.
fn object_schema(def: &ObjectDef) -> Json {
    let mut properties = Json::object();
    for field in &def.fields {
        properties = properties.with(&field.wire, member_schema(field));
    }
    let required: Vec<&str> = def
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.wire.as_str())
        .collect();
    Json::object()
        .with("title", def.type_name.as_str())
        .with("type", "object")
        .with("properties", properties)
        .with("required", required)
        .with("additionalProperties", false)
}

/// The rules between parameters, in JSON Schema, where "sent" means
/// present and not `null` (a null member is one not sent): `not` both of
/// an exclusive pair, `if` one `then` the other for a parameter that needs
/// another, `anyOf` for at least one of several.
fn constraint_schemas(endpoint: &Endpoint) -> Vec<Json> {
    let mut all_of = Vec::new();
    for constraint in &endpoint.constraints {
        match constraint.rule {
            ConstraintRule::Exclusive => {
                for (index, first) in constraint.params.iter().enumerate() {
                    for second in &constraint.params[index + 1..] {
                        all_of.push(
                            Json::object()
                                .with(
                                    "description",
                                    format!("`{first}` and `{second}` cannot be sent together."),
                                )
                                .with("not", sent(&[first, second])),
                        );
                    }
                }
            }
            ConstraintRule::Requires => {
                let (first, needs) = (&constraint.params[0], &constraint.params[1..]);
                let needs: Vec<&String> = needs.iter().collect();
                all_of.push(
                    Json::object()
                        .with(
                            "description",
                            format!("{}.", capitalised(&constraint.sentence())),
                        )
                        .with("if", sent(&[first]))
                        .with("then", sent(&needs)),
                );
            }
            ConstraintRule::AtLeastOne => {
                let choices: Vec<Json> =
                    constraint.params.iter().map(|name| sent(&[name])).collect();
                all_of.push(
                    Json::object()
                        .with(
                            "description",
                            format!("{}.", capitalised(&constraint.sentence())),
                        )
                        .with("anyOf", choices),
                );
            }
        }
    }
    all_of
}

/// The schema of a body that sends every one of `names`: each present and
/// not `null`.
fn sent(names: &[&String]) -> Json {
    let not_null = || Json::object().with("not", Json::object().with("type", "null"));
    let properties = names
        .iter()
        .fold(Json::object(), |schema, name| schema.with(name, not_null()));
    Json::object()
        .with(
            "required",
            names.iter().map(|name| name.as_str()).collect::<Vec<_>>(),
        )
        .with("properties", properties)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The schemas of the answers every endpoint shares.
fn shared_schemas() -> Vec<(&'static str, Json)> {
    let string = || Json::object().with("type", "string");
    let url = || string().with("format", "uri");
    let base64 = || string().with("contentEncoding", "base64");
    vec![
        (
            ERROR_SCHEMA,
            Json::object()
                .with("description", "An error answer; `error` says what went wrong.")
                .with("type", "object")
                .with("properties", Json::object().with("error", string()))
                .with("required", vec!["error"]),
        ),
        (
            BASE64_SCHEMA,
            Json::object()
                .with(
                    "description",
                    "The generated image base64-encoded: one string, or an array with one per sample.",
                )
                .with("type", "object")
                .with(
                    "properties",
                    Json::object().with(
                        "image",
                        Json::object().with(
                            "oneOf",
                            vec![
                                base64(),
                                Json::object()
                                    .with("type", "array")
                                    .with("items", base64())
                                    .with("minItems", 1_i64),
                            ],
                        ),
                    ),
                )
                .with("required", vec!["image"]),
        ),
        (
            CREDITS_SCHEMA,
            Json::object()
                .with("description", "The account's balance.")
                .with("type", "object")
                .with(
                    "properties",
                    Json::object()
                        .with("credits", Json::object().with("type", "number"))
                        .with("free-credits", Json::object().with("type", "number")),
                )
                .with("required", vec!["credits", "free-credits"]),
        ),
        (
            QUEUED_SCHEMA,
            Json::object()
                .with(
                    "description",
                    "A job accepted into the queue. An answer without `request_id`, \
                     `status_url` or `response_url` is an error, not a job to poll.",
                )
                .with("type", "object")
                .with(
                    "properties",
                    Json::object()
                        .with("request_id", string())
                        .with("status", Json::object().with("const", "QUEUED"))
                        .with("poll_url", url().with("description", "The same as `status_url`."))
                        .with("status_url", url())
                        .with("response_url", url()),
                )
                .with("required", vec!["request_id", "status_url", "response_url"]),
        ),
        (
            STATE_SCHEMA,
            Json::object()
                .with("description", "Where a queued job is; COMPLETED and FAILED are final.")
                .with("type", "string")
                .with("enum", vec!["QUEUED", "PROCESSING", "COMPLETED", "FAILED"]),
        ),
        (
            METRICS_SCHEMA,
            Json::object().with("type", "object").with(
                "properties",
                Json::object().with(
                    "inference_time",
                    Json::object()
                        .with("type", "number")
                        .with("description", "Seconds spent generating so far."),
                ),
            ),
        ),
        (
            STATUS_SCHEMA,
            Json::object()
                .with("type", "object")
                .with(
                    "properties",
                    Json::object()
                        .with("status", Json::schema_ref(STATE_SCHEMA))
                        .with("request_id", string())
                        .with("metrics", Json::schema_ref(METRICS_SCHEMA))
                        .with("error", string().with("description", "Why a FAILED job failed.")),
                )
                .with("required", vec!["status"]),
        ),
        (
            RESULT_SCHEMA,
            Json::object()
                .with("type", "object")
                .with(
                    "properties",
                    Json::object()
                        .with("status", Json::schema_ref(STATE_SCHEMA))
                        .with("metrics", Json::schema_ref(METRICS_SCHEMA))
                        .with(
                            "output",
                            Json::object().with(
                                "description",
                                "When COMPLETED: for image models the image's URL (or a list \
                                 of URLs, one per sample); for JSON models the answer.",
                            ),
                        ),
                )
                .with("required", vec!["status"]),
        ),
        (
            FAILED_SCHEMA,
            Json::object()
                .with("type", "object")
                .with(
                    "properties",
                    Json::object()
                        .with("status", Json::object().with("const", "FAILED"))
                        .with("error", string()),
                )
                .with("required", vec!["status", "error"]),
        ),
    ]
}
