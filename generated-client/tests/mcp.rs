//! `segmind mcp`, the real binary over stdio against the mock on 127.0.0.1,
//! spoken to line by line as JSON-RPC: the tools listed (one per endpoint,
//! each schema equal to the OpenAPI document's request schema), one call
//! of each kind of model, a refusal before sending, a queued wait that runs
//! out and is collected later, credits, the key never shown, and a clean
//! exit when stdin closes. Every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use base64::Engine as _;
use segmind::mock::{MockConfig, MockServer};
use serde_json::{json, Value};

const KEY: &str = "sk-mcp-test-SECRET-91ab";
const WAIT: Duration = Duration::from_secs(60);

/// A running `segmind mcp` and what it has said.
struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    /// Every line read from stdout, notifications included.
    stdout: Vec<String>,
    stderr: Arc<Mutex<Vec<u8>>>,
    next_id: u64,
}

impl Session {
    fn start(server: &MockServer, args: &[&str]) -> Session {
        let mut child = Command::cargo_bin("segmind")
            .expect("the binary is built")
            .arg("mcp")
            .args(args)
            .env("SEGMIND_API_KEY", KEY)
            .env("SEGMIND_BASE_URL", server.base_url())
            .env_remove("RUST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("segmind mcp starts");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut pipe = child.stderr.take().expect("stderr");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        });
        let mut session = Session {
            stdin: child.stdin.take(),
            child,
            lines,
            stdout: Vec::new(),
            stderr,
            next_id: 1,
        };
        let init = session.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "segmind-tests", "version": "1"},
            }),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "segmind", "{init}");
        assert!(
            init["result"]["capabilities"]["tools"].is_object(),
            "{init}"
        );
        session.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        session
    }

    fn send(&mut self, message: Value) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{message}").expect("write to the server");
        stdin.flush().expect("flush");
    }

    /// Sends a request and waits (bounded) for its answer; what else came
    /// meanwhile is kept in `stdout`.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let started = Instant::now();
        loop {
            let left = WAIT
                .checked_sub(started.elapsed())
                .unwrap_or_else(|| panic!("no answer to {method} within {WAIT:?}"));
            let line = match self.lines.recv_timeout(left) {
                Ok(line) => line,
                Err(RecvTimeoutError::Timeout) => panic!("no answer to {method} within {WAIT:?}"),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server closed stdout; stderr: {}", self.stderr_text())
                }
            };
            self.stdout.push(line.clone());
            let message: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("stdout carries a non-JSON line ({e}): {line}"));
            if message["id"] == json!(id) {
                return message;
            }
        }
    }

    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let answer = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        answer
            .get("result")
            .cloned()
            .unwrap_or_else(|| panic!("no result: {answer}"))
    }

    fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Closes stdin and waits (bounded) for a clean exit; checks that the key
    /// never showed on stdout or stderr.
    fn finish(mut self) {
        drop(self.stdin.take());
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if started.elapsed() > Duration::from_secs(20) {
                let _ = self.child.kill();
                panic!("segmind mcp did not end when stdin closed");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "exit {status:?}: {}", self.stderr_text());
        // Whatever was left on stdout is protocol too.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(2)) {
            self.stdout.push(line);
        }
        for line in &self.stdout {
            assert!(!line.contains(KEY), "the key on stdout: {line}");
            assert!(
                serde_json::from_str::<Value>(line).is_ok(),
                "stdout carries only protocol: {line}"
            );
        }
        let stderr = self.stderr_text();
        assert!(!stderr.contains(KEY), "the key on stderr: {stderr}");
    }
}

fn mock_with(config: MockConfig) -> MockServer {
    MockServer::start_blocking_with(config).expect("the mock starts")
}

/// The calls to endpoints the mock received.
fn posts(server: &MockServer) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .filter(|request| request.method == "POST")
        .map(|request| request.path)
        .collect()
}

/// The OpenAPI document's request schema of `slug`, with references to
/// shared schemas replaced by the shared schema under the referring
/// keywords, as a self-contained schema must be.
fn document_schema(document: &Value, slug: &str) -> Value {
    let reference = document["paths"][format!("/v1/{slug}")]["post"]["requestBody"]["content"]
        ["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("no request schema for {slug}"));
    let name = reference.trim_start_matches("#/components/schemas/");
    let mut schema = document["components"]["schemas"][name].clone();
    fn resolve(document: &Value, value: &mut Value) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.remove("$ref") {
                    let name = reference.trim_start_matches("#/components/schemas/");
                    let Value::Object(target) = document["components"]["schemas"][name].clone()
                    else {
                        panic!("{reference} leads nowhere");
                    };
                    let own = std::mem::take(map);
                    *map = target;
                    map.extend(own);
                }
                map.values_mut().for_each(|item| resolve(document, item));
            }
            Value::Array(items) => items.iter_mut().for_each(|item| resolve(document, item)),
            _ => {}
        }
    }
    resolve(document, &mut schema);
    schema
}

#[test]
fn every_endpoint_is_a_tool_whose_schema_is_the_openapi_request_schema() {
    let server = mock_with(MockConfig::default());
    let mut session = Session::start(&server, &[]);
    let answer = session.request("tools/list", json!({}));
    let tools = answer["result"]["tools"].as_array().expect("tools").clone();
    assert_eq!(tools.len(), segmind::ENDPOINTS.len() + 2, "{answer}");
    let document: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json")).unwrap(),
    )
    .unwrap();
    let mut references = 0;
    for slug in segmind::ENDPOINTS {
        let tool = tools
            .iter()
            .find(|tool| tool["name"] == *slug)
            .unwrap_or_else(|| panic!("no tool {slug}"));
        let expected = document_schema(&document, slug);
        assert_eq!(tool["inputSchema"], expected, "{slug}");
        assert!(!tool["inputSchema"].to_string().contains("$ref"), "{slug}");
        references += document["components"]["schemas"]
            .as_object()
            .unwrap()
            .values()
            .filter(|schema| schema["x-segmind-spec"] == format!("spec/{slug}.yaml"))
            .map(|schema| schema.to_string().matches("\"$ref\"").count())
            .sum::<usize>();
        let description = document["paths"][format!("/v1/{slug}")]["post"]["description"]
            .as_str()
            .unwrap();
        assert!(
            tool["description"]
                .as_str()
                .unwrap()
                .starts_with(description.trim()),
            "{slug}: {}",
            tool["description"]
        );
    }
    // The shared scheduler enum is inlined where it is referred to.
    assert!(references > 0, "some schema refers to a shared one");
    let ssd = tools.iter().find(|tool| tool["name"] == "ssd-1b").unwrap();
    // An optional parameter may also be `null` (not sent): the enum is then
    // one branch of an `anyOf`.
    let scheduler = &ssd["inputSchema"]["properties"]["scheduler"];
    let inlined = scheduler["anyOf"]
        .as_array()
        .and_then(|branches| branches.iter().find(|branch| branch.get("enum").is_some()))
        .unwrap_or(scheduler);
    assert_eq!(
        inlined["enum"],
        document["components"]["schemas"]["Scheduler"]["enum"]
    );
    assert_eq!(
        ssd["inputSchema"]["properties"]["num_inference_steps"]["minimum"],
        20
    );
    for extra in ["segmind_job", "segmind_credits"] {
        assert!(tools.iter().any(|tool| tool["name"] == extra), "{extra}");
    }
    assert!(posts(&server).is_empty(), "listing sends nothing");
    session.finish();
}

#[test]
fn an_image_model_answers_inline_images_and_a_json_model_answers_text() {
    let server = mock_with(MockConfig::default());
    let mut session = Session::start(&server, &[]);
    let result = session.call("ssd-1b", json!({"prompt": "a lighthouse", "seed": 4}));
    assert_ne!(result["isError"], json!(true), "{result}");
    let image = &result["content"][0];
    assert_eq!(image["type"], "image", "{result}");
    assert_eq!(image["mimeType"], "image/png");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(image["data"].as_str().unwrap())
        .expect("base64");
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
    assert_eq!(posts(&server), ["/v1/ssd-1b"]);

    let result = session.call(
        "llama-v3p1-8b-instruct",
        json!({"messages": [{"role": "user", "content": "What is the capital of France?"}]}),
    );
    assert_ne!(result["isError"], json!(true), "{result}");
    let text = result["content"][0]["text"].as_str().expect("text content");
    let value: Value = serde_json::from_str(text).expect("the JSON answer as text");
    assert!(value.is_object(), "{value}");
    assert_eq!(posts(&server).len(), 2);
    session.finish();
}

#[test]
fn a_queued_video_model_reports_progress_and_links_the_saved_mp4() {
    let server = mock_with(
        MockConfig::default().job_timing(Duration::from_millis(100), Duration::from_millis(1500)),
    );
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::start(
        &server,
        &["--save-dir", dir.path().to_str().unwrap(), "--save-images"],
    );
    let answer = session.request(
        "tools/call",
        json!({
            "name": "svd",
            "arguments": {"image": "https://example.com/still.png"},
            "_meta": {"progressToken": "video-1"},
        }),
    );
    let result = &answer["result"];
    assert_ne!(result["isError"], json!(true), "{answer}");
    let link = &result["content"][0];
    assert_eq!(link["type"], "resource_link", "{answer}");
    assert_eq!(link["mimeType"], "video/mp4");
    let uri = link["uri"].as_str().unwrap();
    let path = uri.strip_prefix("file://").expect("a file URI");
    assert!(path.ends_with(".mp4"), "{path}");
    assert!(path.starts_with(dir.path().to_str().unwrap()), "{path}");
    assert!(std::fs::metadata(path).unwrap().len() > 1000);
    assert_eq!(link["size"], std::fs::metadata(path).unwrap().len());
    let request_id = result["structuredContent"]["request_id"].as_str().unwrap();
    let progress: Vec<Value> = session
        .stdout
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["method"] == "notifications/progress")
        .collect();
    assert!(!progress.is_empty(), "progress while it ran");
    assert!(progress
        .iter()
        .all(|note| note["params"]["progressToken"] == "video-1"));
    assert!(
        progress[0]["params"]["message"]
            .as_str()
            .unwrap()
            .contains(request_id),
        "{progress:?}"
    );
    assert_eq!(posts(&server), ["/v2/svd"], "submitted once, to the queue");

    // With --save-images, images are linked files too.
    let result = session.call("ssd-1b", json!({"prompt": "a fox"}));
    assert_eq!(result["content"][0]["type"], "resource_link", "{result}");
    assert_eq!(result["content"][0]["mimeType"], "image/png");
    session.finish();
}

#[test]
fn a_refusal_names_the_parameter_and_what_is_allowed_and_sends_nothing() {
    let server = mock_with(MockConfig::default());
    let mut session = Session::start(&server, &[]);
    let expected = segmind::Ssd1bRequest::new("a fox")
        .num_inference_steps(5)
        .validate()
        .expect_err("out of range")
        .to_string();
    let result = session.call(
        "ssd-1b",
        json!({"prompt": "a fox", "num_inference_steps": 5}),
    );
    assert_eq!(result["isError"], true, "{result}");
    let text = result["content"][0]["text"].as_str().unwrap();
    assert_eq!(text, expected);
    assert!(
        text.contains("num_inference_steps") && text.contains("20 and 100"),
        "{text}"
    );
    // A value of the wrong type, a value outside an enum, a missing
    // required parameter, a parameter the model does not have: all refused
    // before sending, by name.
    for (arguments, named) in [
        (
            json!({"prompt": "a fox", "num_inference_steps": "many"}),
            "num_inference_steps",
        ),
        (
            json!({"prompt": "a fox", "scheduler": "DPM++"}),
            "DPM Multi",
        ),
        (json!({"negative_prompt": "x"}), "prompt"),
        (json!({"prompt": "a fox", "steps": 30}), "steps"),
    ] {
        let result = session.call("ssd-1b", arguments.clone());
        assert_eq!(result["isError"], true, "{arguments}: {result}");
        let text = result["content"][0]["text"].as_str().unwrap();
        assert!(text.contains(named), "{arguments}: {text}");
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    // An unknown tool is a protocol error.
    let answer = session.request("tools/call", json!({"name": "nope", "arguments": {}}));
    assert!(answer["error"].is_object(), "{answer}");
    session.finish();
}

#[test]
fn a_wait_that_runs_out_answers_the_request_id_and_the_job_tool_collects_it() {
    let server = mock_with(
        MockConfig::default()
            .job_timing(Duration::from_millis(10), Duration::from_millis(2500))
            .credits(42.0)
            .free_credits(2.0),
    );
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::start(
        &server,
        &[
            "--deadline",
            "1",
            "--save-dir",
            dir.path().to_str().unwrap(),
        ],
    );
    let result = session.call("svd", json!({"image": "https://example.com/still.png"}));
    assert_ne!(result["isError"], json!(true), "{result}");
    assert_eq!(result["structuredContent"]["status"], "pending", "{result}");
    let id = result["structuredContent"]["request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(result["content"][0]["text"].as_str().unwrap().contains(&id));
    // No progress token, no progress notifications.
    assert!(
        !session
            .stdout
            .iter()
            .any(|line| line.contains("notifications/progress")),
        "{:?}",
        session.stdout
    );
    // Collected after it finishes (the mock takes 2.5 s; each wait is 1 s).
    let mut collected = Value::Null;
    for _ in 0..10 {
        collected = session.call("segmind_job", json!({"request_id": id, "model": "svd"}));
        if collected["structuredContent"]["status"] == "completed" {
            break;
        }
    }
    assert_eq!(
        collected["content"][0]["mimeType"], "video/mp4",
        "{collected}"
    );
    assert_eq!(posts(&server), ["/v2/svd"], "collecting submits nothing");
    // One job, one charge: the mock took one credit of the 42.
    let credits = session.call("segmind_credits", json!({}));
    assert_eq!(
        credits["structuredContent"],
        json!({"credits": 41.0, "free_credits": 2.0})
    );
    session.finish();
}

#[test]
fn an_unknown_key_is_an_error_that_does_not_show_the_key() {
    let server = mock_with(MockConfig::default().accept_keys(["another-key"]));
    let mut session = Session::start(&server, &[]);
    let result = session.call("ssd-1b", json!({"prompt": "a fox"}));
    assert_eq!(result["isError"], true, "{result}");
    let text = result["content"][0]["text"].as_str().unwrap();
    assert!(text.starts_with("auth error"), "{text}");
    session.finish();
}

/// Whether python3 with the `mcp` package is there; outside CI a missing
/// one skips the outside-client test with a reason, in CI it fails it.
fn python_with_mcp() -> Option<String> {
    let probe = Command::new("python3")
        .args([
            "-c",
            "import importlib.metadata as m, mcp; print(m.version('mcp'))",
        ])
        .output();
    let reason = match probe {
        Ok(output) if output.status.success() => {
            return Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
        }
        Ok(output) => format!(
            "python3 has no `mcp` package ({})",
            String::from_utf8_lossy(&output.stderr).trim()
        ),
        Err(error) => format!("no python3 ({error})"),
    };
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI installs python3's mcp package (.ci/run), but: {reason}"
    );
    eprintln!("SKIPPED: the official Python MCP client: {reason}; install it with `python3 -m pip install mcp==2.3.0`");
    None
}

#[test]
fn the_official_python_client_lists_the_tools_and_calls_one() {
    let Some(version) = python_with_mcp() else {
        return;
    };
    let server = mock_with(MockConfig::default());
    let binary = assert_cmd::cargo::cargo_bin("segmind");
    let mut child = Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mcp_client.py"))
        .arg(&binary)
        .arg((segmind::ENDPOINTS.len() + 2).to_string())
        .env("SEGMIND_API_KEY", KEY)
        .env("SEGMIND_BASE_URL", server.base_url())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("the Python client did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("its output");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "mcp {version}: {stdout}\n{stderr}");
    let summary: Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    assert_eq!(summary["tools"], segmind::ENDPOINTS.len() + 2);
    assert!(summary["image_bytes"].as_u64().unwrap() > 100, "{summary}");
    assert!(!stdout.contains(KEY) && !stderr.contains(KEY));
    assert_eq!(posts(&server), ["/v1/ssd-1b"], "the refusal sent nothing");
    eprintln!("the official Python MCP client {version}: {summary}");
}
