//! `segmind mcp`: every endpoint as a Model Context Protocol tool, served
//! over stdio with the official Rust SDK (`rmcp`).
//!
//! Nothing here is per model. The tools come from the generated endpoint
//! table, and each tool's input schema is the endpoint's request schema
//! taken from the OpenAPI document the generator writes (`openapi.json`,
//! embedded at build time), with its `$ref`s to shared schemas inlined so
//! a client gets one self-contained schema. A call reads its arguments
//! into the crate's request type and runs the crate's own `validate()`,
//! so a refusal names the parameter and what is allowed before anything is
//! sent; the client's retry policy retries only what cannot have been
//! accepted, so nothing is charged twice.
//!
//! stdout carries the protocol only: notes go to stderr.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    JsonObject, ListToolsResult, PaginatedRequestParams, ProgressNotificationParam, Resource,
    ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, Peer, RoleServer, ServerHandler, ServiceExt};
use serde_json::{json, Map, Value};

use super::call::checked_request;
use super::exit::{Exit, Failure};
use super::queue::collect_job;
use super::table::{self, Answer, EndpointRow};
use super::{note, Globals};
use crate::{Client, Error, MediaFile, RequestOptions, WaitOptions};

/// The OpenAPI document `cargo xtask gen` writes, whose request schemas
/// are the tools' input schemas.
const OPENAPI: &str = include_str!("../../openapi.json");

/// The tool that collects a queued job by its request id.
pub(crate) const JOB_TOOL: &str = "segmind_job";
/// The tool that reports the account's credits.
pub(crate) const CREDITS_TOOL: &str = "segmind_credits";

/// How long a queued job is waited for when its spec names no time.
const DEFAULT_WAIT_SECS: u64 = 600;

/// `segmind mcp`.
pub(crate) fn command() -> Command {
    Command::new("mcp")
        .about("Serve every model as a tool for AI assistants (Model Context Protocol over stdio)")
        .long_about(
            "Serve every model as a tool for AI assistants over the Model Context Protocol, on \
             stdin and stdout. One tool per model, named after its slug, whose input schema is \
             the model's request schema in openapi.json; arguments are checked before anything \
             is sent. Two more tools: `segmind_job` collects a queued job by its request id, \
             `segmind_credits` shows the account's credits. Logs go to stderr; the server ends \
             when its input closes.",
        )
        .arg(
            Arg::new("save-dir")
                .long("save-dir")
                .value_name("DIR")
                .value_hint(clap::ValueHint::DirPath)
                .help(
                    "Where videos and audio (and images, with --save-images) are saved, to be \
                     returned as file:// resource links [default: the folder segmind-mcp in the \
                     system's temporary directory]",
                ),
        )
        .arg(
            Arg::new("save-images")
                .long("save-images")
                .action(ArgAction::SetTrue)
                .help(
                    "Save images to --save-dir and return resource links, for assistants that \
                     cannot show images (by default images come back inline, base64)",
                ),
        )
        .arg(
            Arg::new("deadline")
                .long("deadline")
                .value_name("SECONDS")
                .value_parser(value_parser!(u64).range(1..))
                .help(
                    "How long a queued model is waited for before the tool answers with the \
                     job's request id, to collect with `segmind_job` [default: the time the \
                     model's spec names, else 600]",
                ),
        )
}

/// Runs the server until its input closes.
pub(crate) fn run(globals: &Globals, args: &ArgMatches) -> Result<Exit, Failure> {
    let client = globals.client()?;
    let save_dir = match args.get_one::<String>("save-dir") {
        Some(dir) => absolute(Path::new(dir))?,
        None => std::env::temp_dir().join("segmind-mcp"),
    };
    let server = Server {
        client,
        tools: Arc::new(tools()?),
        save_dir,
        save_images: args.get_flag("save-images"),
        deadline: args.get_one::<u64>("deadline").copied(),
    };
    let count = server.tools.len();
    let runtime = super::runtime()?;
    runtime.block_on(async move {
        let running = server
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|error| Failure::new(Exit::Other, format!("MCP start failed: {error}")))?;
        note(format!("segmind mcp: serving {count} tools on stdio"));
        running
            .waiting()
            .await
            .map_err(|error| Failure::new(Exit::Other, format!("MCP server failed: {error}")))?;
        Ok(Exit::Success)
    })
}

fn absolute(path: &Path) -> Result<PathBuf, Failure> {
    if path.is_absolute() {
        return Ok(path.to_owned());
    }
    std::env::current_dir()
        .map(|dir| dir.join(path))
        .map_err(|error| Failure::new(Exit::Other, format!("no current directory: {error}")))
}

/// The OpenAPI document, parsed.
fn document() -> Result<Value, Failure> {
    serde_json::from_str(OPENAPI)
        .map_err(|error| Failure::new(Exit::Other, format!("openapi.json is not JSON: {error}")))
}

/// The request schema of `slug` in the OpenAPI document, its `$ref`s to
/// shared schemas inlined.
pub(crate) fn request_schema(document: &Value, slug: &str) -> Option<JsonObject> {
    let reference = document
        .get("paths")?
        .get(format!("/v1/{slug}"))?
        .get("post")?
        .get("requestBody")?
        .get("content")?
        .get("application/json")?
        .get("schema")?;
    match inline(document, reference, 0)? {
        Value::Object(schema) => Some(schema),
        _ => None,
    }
}

/// `value` with every `{"$ref": "#/components/schemas/X", ...}` replaced
/// by the schema X with the reference's own keywords over it (their
/// description, default and examples); `None` for a reference that leads
/// nowhere or goes around in circles.
fn inline(document: &Value, value: &Value, depth: usize) -> Option<Value> {
    if depth > 32 {
        return None;
    }
    Some(match value {
        Value::Object(map) => {
            let mut out = Map::new();
            if let Some(reference) = map.get("$ref") {
                let name = reference.as_str()?.strip_prefix("#/components/schemas/")?;
                let target = document.get("components")?.get("schemas")?.get(name)?;
                match inline(document, target, depth + 1)? {
                    Value::Object(target) => out.extend(target),
                    _ => return None,
                }
            }
            for (key, item) in map {
                if key != "$ref" {
                    out.insert(key.clone(), inline(document, item, depth + 1)?);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| inline(document, item, depth + 1))
                .collect::<Option<_>>()?,
        ),
        other => other.clone(),
    })
}

/// Every tool: one per endpoint compiled in, then the job and credits tools.
pub(crate) fn tools() -> Result<Vec<Tool>, Failure> {
    let document = document()?;
    let mut tools = Vec::new();
    for row in crate::generated::cli::COMMANDS {
        let schema = request_schema(&document, row.slug).ok_or_else(|| {
            Failure::new(
                Exit::Other,
                format!("openapi.json has no request schema for `{}`", row.slug),
            )
        })?;
        tools.push(
            Tool::new(row.slug, description(row), schema)
                .with_title(row.title)
                .with_annotations(
                    ToolAnnotations::with_title(row.title)
                        .read_only(false)
                        .destructive(false)
                        .idempotent(false)
                        .open_world(true),
                ),
        );
    }
    let models: Vec<&str> = crate::generated::cli::COMMANDS
        .iter()
        .map(|row| row.slug)
        .collect();
    let job_schema = json!({
        "type": "object",
        "properties": {
            "request_id": {
                "type": "string",
                "minLength": 1,
                "description": "The request id a model's tool answered with when its wait ran out",
            },
            "model": {
                "type": "string",
                "enum": models,
                "description": "The model (tool name) the job was submitted to",
            },
        },
        "required": ["request_id", "model"],
        "additionalProperties": false,
    });
    let Value::Object(job_schema) = job_schema else {
        return Err(Failure::new(Exit::Other, "the job tool's schema"));
    };
    tools.push(
        Tool::new(
            JOB_TOOL,
            "Collect the result of a queued job by its request id and model, waiting for it \
             while it runs. Submits nothing and spends no credits.",
            job_schema,
        )
        .with_title("Collect a queued job")
        .with_annotations(
            ToolAnnotations::with_title("Collect a queued job")
                .read_only(true)
                .idempotent(true)
                .open_world(true),
        ),
    );
    let mut empty = JsonObject::new();
    empty.insert("type".into(), json!("object"));
    empty.insert("properties".into(), json!({}));
    empty.insert("additionalProperties".into(), json!(false));
    tools.push(
        Tool::new(CREDITS_TOOL, "The Segmind account's credits.", empty)
            .with_title("Account credits")
            .with_annotations(
                ToolAnnotations::with_title("Account credits")
                    .read_only(true)
                    .idempotent(true)
                    .open_world(true),
            ),
    );
    Ok(tools)
}

/// A model's tool description: its spec's, then what it returns, the
/// rules between its parameters and whether it runs on the queue.
fn description(row: &EndpointRow) -> String {
    let mut text = row.description.trim().to_owned();
    text.push_str(&format!("\n\nReturns: {}.", row.returns));
    if !row.rules.is_empty() {
        text.push_str("\nRules between parameters: ");
        text.push_str(&row.rules.join("; "));
        text.push('.');
    }
    if row.queued {
        text.push_str(&format!(
            "\nLong-running: runs on the queue; if the wait runs out, the answer holds the \
             request id to collect later with `{JOB_TOOL}`."
        ));
    }
    text
}

/// The server: the client (which holds the key), the tools, and where
/// files go.
#[derive(Clone)]
struct Server {
    client: Client,
    tools: Arc<Vec<Tool>>,
    save_dir: PathBuf,
    save_images: bool,
    deadline: Option<u64>,
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("segmind", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "One tool per Segmind model; arguments are checked against the model's schema \
                 before any credit is spent.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.as_ref().clone()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|tool| tool.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let arguments = Value::Object(request.arguments.unwrap_or_default());
        let progress = context
            .meta
            .get_progress_token()
            .map(|token| Progress::start(context.peer.clone(), token));
        let result = match request.name.as_ref() {
            CREDITS_TOOL => self.credits().await,
            JOB_TOOL => self.job(arguments, progress.as_ref()).await,
            name => match table::find(name) {
                Some(row) => self.model(row, arguments, progress.as_ref()).await,
                None => {
                    return Err(ErrorData::invalid_params(
                        format!("no tool named `{name}`"),
                        None,
                    ))
                }
            },
        };
        Ok(result.unwrap_or_else(refused).into())
    }
}

/// A tool error the assistant reads.
fn refused(message: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message)])
}

/// An error of the client as a tool error, with its kind.
fn failed(error: &Error) -> String {
    format!("{} error: {error}", Exit::of(error).name())
}

impl Server {
    async fn credits(&self) -> Result<CallToolResult, String> {
        let credits = self.client.credits().await.map_err(|e| failed(&e))?;
        let value = json!({ "credits": credits.credits, "free_credits": credits.free_credits });
        let mut result = CallToolResult::success(vec![ContentBlock::text(value.to_string())]);
        result.structured_content = Some(value);
        Ok(result)
    }

    fn wait_options(&self, row: &EndpointRow, progress: Option<&Progress>) -> WaitOptions {
        let seconds = self
            .deadline
            .or(row.queue_deadline_secs)
            .unwrap_or(DEFAULT_WAIT_SECS);
        let mut options = WaitOptions::new().deadline(Duration::from_secs(seconds));
        if let Some(progress) = progress {
            let progress = progress.clone();
            options = options.on_update(move |update| {
                progress.send(format!(
                    "{}: {} after {:.0}s",
                    update.request_id,
                    update.status,
                    update.elapsed.as_secs_f64()
                ));
            });
        }
        options
    }

    async fn model(
        &self,
        row: &'static EndpointRow,
        arguments: Value,
        progress: Option<&Progress>,
    ) -> Result<CallToolResult, String> {
        // The crate's own reading and validation, before anything is sent.
        let request = checked_request(row, arguments).map_err(|failure| failure.message)?;
        if !row.queued {
            let answer = request
                .send(&self.client, RequestOptions::new())
                .await
                .map_err(|e| failed(&e))?;
            return self.answer(row, answer, None);
        }
        let queue = self.client.queue();
        let submitted_id = Arc::new(Mutex::new(None::<String>));
        let keep = Arc::clone(&submitted_id);
        let told = progress.cloned();
        let submitted = Box::new(move |id: &str| {
            if let Ok(mut slot) = keep.lock() {
                *slot = Some(id.to_owned());
            }
            if let Some(progress) = &told {
                progress.send(format!("submitted {id}"));
            }
        });
        let options = self.wait_options(row, progress);
        match request
            .queued(&queue, RequestOptions::new(), options, submitted)
            .await
        {
            Ok(answer) => {
                let id = submitted_id.lock().ok().and_then(|slot| slot.clone());
                self.answer(row, answer, id.as_deref())
            }
            Err(Error::JobDeadline {
                request_id, waited, ..
            }) => Ok(pending(row.slug, &request_id, waited)),
            Err(error) => Err(failed(&error)),
        }
    }

    async fn job(
        &self,
        arguments: Value,
        progress: Option<&Progress>,
    ) -> Result<CallToolResult, String> {
        let id = arguments
            .get("request_id")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .ok_or("request_id: required, a non-empty string")?;
        let slug = arguments
            .get("model")
            .and_then(Value::as_str)
            .ok_or("model: required, the model's tool name")?;
        let row = table::find(slug).ok_or_else(|| format!("model: no model named `{slug}`"))?;
        let options = self.wait_options(row, progress);
        let queue = self.client.queue();
        match collect_job(&queue, row, id, options).await {
            Ok(answer) => self.answer(row, answer, Some(id)),
            Err(Error::JobDeadline {
                request_id, waited, ..
            }) => Ok(pending(row.slug, &request_id, waited)),
            Err(error) => Err(failed(&error)),
        }
    }

    /// An answer as content: images inline (or saved), video and audio
    /// saved and linked, JSON and text as text.
    fn answer(
        &self,
        row: &EndpointRow,
        answer: Answer,
        request_id: Option<&str>,
    ) -> Result<CallToolResult, String> {
        let mut content = Vec::new();
        let mut files = Vec::new();
        let credits = answer.remaining_credits();
        match answer {
            Answer::Files(media, _) => {
                for (index, file) in media.iter().enumerate() {
                    if file.content_type().starts_with("image/") && !self.save_images {
                        content.push(ContentBlock::image(
                            base64::engine::general_purpose::STANDARD.encode(file.bytes()),
                            file.content_type(),
                        ));
                        files.push(json!({
                            "content_type": file.content_type(),
                            "bytes": file.bytes().len(),
                        }));
                        continue;
                    }
                    let path = self.save(row.slug, request_id, index, file)?;
                    let uri = file_uri(&path);
                    let name = path
                        .file_name()
                        .map(|name| name.to_string_lossy().into_owned())
                        .unwrap_or_else(|| row.slug.to_owned());
                    content.push(ContentBlock::resource_link(
                        Resource::new(uri.clone(), name)
                            .with_mime_type(file.content_type())
                            .with_size(file.bytes().len() as u64),
                    ));
                    files.push(json!({
                        "path": path.display().to_string(),
                        "uri": uri,
                        "content_type": file.content_type(),
                        "bytes": file.bytes().len(),
                    }));
                }
            }
            Answer::Json(response) => {
                let text = serde_json::to_string_pretty(response.value()).unwrap_or_default();
                content.push(ContentBlock::text(text));
            }
            Answer::Text(response) => content.push(ContentBlock::text(response.text())),
        }
        let mut result = CallToolResult::success(content);
        result.structured_content = Some(json!({
            "model": row.slug,
            "status": "completed",
            "request_id": request_id,
            "files": files,
            "remaining_credits": credits,
        }));
        Ok(result)
    }

    /// Saves one file under a name no other call takes.
    fn save(
        &self,
        slug: &str,
        request_id: Option<&str>,
        index: usize,
        file: &MediaFile,
    ) -> Result<PathBuf, String> {
        static CALLS: AtomicU64 = AtomicU64::new(0);
        let call = CALLS.fetch_add(1, Ordering::Relaxed);
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|since| since.as_millis())
            .unwrap_or_default();
        let tag = match request_id {
            Some(id) => id
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<String>(),
            None => format!("{stamp}-{}-{call}", std::process::id()),
        };
        let suffix = if index > 0 {
            format!("-{}", index + 1)
        } else {
            String::new()
        };
        let path = self
            .save_dir
            .join(format!("{slug}-{tag}{suffix}.{}", file.extension()));
        std::fs::create_dir_all(&self.save_dir)
            .and_then(|()| std::fs::write(&path, file.bytes()))
            .map_err(|error| format!("cannot save {}: {error}", path.display()))?;
        Ok(path)
    }
}

/// The answer when a queued job outlives the wait: not an error, the job
/// goes on; the request id collects it.
fn pending(slug: &str, request_id: &str, waited: Duration) -> CallToolResult {
    let text = format!(
        "The job is still running after {:.0}s; nothing more is charged by waiting. Collect it \
         with the `{JOB_TOOL}` tool: {{\"request_id\": \"{request_id}\", \"model\": \"{slug}\"}}.",
        waited.as_secs_f64()
    );
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(json!({
        "model": slug,
        "status": "pending",
        "request_id": request_id,
    }));
    result
}

/// A `file://` URI for an absolute path, with what a URI cannot hold
/// percent-encoded.
fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                uri.push(byte as char)
            }
            other => uri.push_str(&format!("%{other:02X}")),
        }
    }
    uri
}

/// Progress notifications for one call, when the client sent a token:
/// queue updates go through a channel to a task that sends them in order.
#[derive(Clone)]
struct Progress {
    sender: tokio::sync::mpsc::UnboundedSender<String>,
}

impl Progress {
    fn start(peer: Peer<RoleServer>, token: rmcp::model::ProgressToken) -> Self {
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<String>();
        tokio::spawn(async move {
            let mut step = 0.0;
            while let Some(message) = receiver.recv().await {
                step += 1.0;
                let mut param = ProgressNotificationParam::new(token.clone(), step);
                param.message = Some(message);
                // A client that went away needs no more progress.
                if peer.notify_progress(param).await.is_err() {
                    break;
                }
            }
        });
        Self { sender }
    }

    fn send(&self, message: String) {
        // The call outlives its progress task only when the client left.
        let _ = self.sender.send(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_encode_what_a_uri_cannot_hold() {
        assert_eq!(
            file_uri(Path::new("/tmp/a b/x%.mp4")),
            "file:///tmp/a%20b/x%25.mp4"
        );
    }

    #[test]
    fn references_are_inlined_with_their_own_keywords_over_the_target() {
        let document = json!({
            "components": {"schemas": {"E": {"type": "string", "enum": ["a"], "description": "shared"}}},
        });
        let schema =
            json!({"properties": {"e": {"$ref": "#/components/schemas/E", "description": "own"}}});
        assert_eq!(
            inline(&document, &schema, 0),
            Some(
                json!({"properties": {"e": {"type": "string", "enum": ["a"], "description": "own"}}})
            )
        );
        let circular =
            json!({"components": {"schemas": {"L": {"$ref": "#/components/schemas/L"}}}});
        assert_eq!(
            inline(&circular, &json!({"$ref": "#/components/schemas/L"}), 0),
            None
        );
        assert_eq!(
            inline(&document, &json!({"$ref": "#/components/schemas/Nope"}), 0),
            None
        );
    }
}
