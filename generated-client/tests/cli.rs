//! The `segmind` binary (feature `cli`) run for real against the mock on
//! 127.0.0.1: every command once, refusal before sending, dry runs equal to
//! what the crate sends, exit codes by kind of failure, and a batch stopped
//! by a signal and resumed with every line sent exactly once.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command as Process, Output, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use assert_cmd::Command;
use base64::Engine as _;
use segmind::mock::{Fault, FaultRule, MockConfig, MockServer, RecordedRequest};
use segmind::{Client, RetryPolicy, Scheduler, Ssd1bRequest};
use serde_json::{json, Value};

const KEY: &str = "sk-cli-test-SECRET-5e0c";

fn mock() -> MockServer {
    mock_with(MockConfig::default())
}

fn mock_with(config: MockConfig) -> MockServer {
    MockServer::start_blocking_with(config).expect("the mock starts")
}

/// The binary, pointed at `server`, with the key in the environment.
fn segmind(server: &MockServer) -> Command {
    let mut command = Command::cargo_bin("segmind").expect("the binary is built");
    command
        .env("SEGMIND_API_KEY", KEY)
        .env("SEGMIND_BASE_URL", server.base_url())
        .env_remove("RUST_LOG");
    command
}

fn stdout_json(output: &Output) -> Value {
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn calls(server: &MockServer) -> Vec<RecordedRequest> {
    server
        .requests()
        .into_iter()
        .filter(|request| request.slug.is_some())
        .collect()
}

#[test]
fn help_lists_every_endpoint_and_the_exit_codes() {
    let server = mock();
    let output = segmind(&server).arg("--help").assert().success();
    let text = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
    for slug in segmind::ENDPOINTS {
        assert!(text.contains(slug), "{slug} missing from:\n{text}");
    }
    for line in [
        "Exit codes:",
        "3    validation",
        "5    credits",
        "8    network",
        "130  interrupted",
    ] {
        assert!(text.contains(line), "`{line}` missing from:\n{text}");
    }
}

#[test]
fn endpoint_help_shows_the_specs_description_range_default_and_values() {
    let server = mock();
    let output = segmind(&server)
        .args(["ssd-1b", "--help"])
        .assert()
        .success();
    // Help is wrapped to the width of a terminal; compare words.
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = words(&String::from_utf8_lossy(&output.get_output().stdout));
    for expected in [
        "--num-inference-steps <INT>",
        "Number of denoising steps; more for intricate textures, fewer for speed. [allowed: 20 to 100] [default: 45]",
        "[allowed: 1 to 25] [default: 7]",
        "[default: \"DPM Multi\"] [possible values: DDIM, \"DPM Multi\"",
        "--prompt <TEXT>",
    ] {
        assert!(text.contains(&words(expected)), "`{expected}` missing from:\n{text}");
    }
    // An enum value outside the spec is a usage error from clap, before any call.
    segmind(&server)
        .args(["ssd-1b", "--prompt", "a", "--scheduler", "DPM++"])
        .assert()
        .code(2);
    assert!(calls(&server).is_empty());
}

#[test]
fn an_out_of_range_value_is_refused_with_the_crates_message_and_nothing_is_sent() {
    let server = mock();
    let expected = Ssd1bRequest::new("a fox")
        .num_inference_steps(5)
        .guidance_scale(30.0)
        .validate()
        .expect_err("out of range")
        .to_string();
    let output = segmind(&server)
        .args(["ssd-1b", "--prompt", "a fox", "--num-inference-steps", "5"])
        .args(["--guidance-scale", "30"])
        .assert()
        .code(3);
    let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    assert_eq!(stderr.trim(), format!("error: {expected}"));
    // The dry run refuses it too.
    segmind(&server)
        .args(["ssd-1b", "--prompt", "a fox", "--samples", "9", "--dry-run"])
        .assert()
        .code(3);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[test]
fn one_call_writes_every_sample_with_the_extension_of_its_content_type() {
    let server = mock();
    let dir = tempfile::tempdir().unwrap();
    let output = segmind(&server)
        .current_dir(dir.path())
        .args([
            "--json",
            "ssd-1b",
            "--prompt",
            "two lighthouses",
            "--samples",
            "2",
        ])
        .args(["--seed", "11", "-o", "out.jpg"])
        .assert()
        .success();
    let result = stdout_json(output.get_output());
    assert_eq!(result["endpoint"], "ssd-1b");
    assert_eq!(result["seed"], 11);
    assert_eq!(result["remaining_credits"], 999.0);
    assert!(result["timings"]["request_ms"]
        .as_f64()
        .is_some_and(|ms| ms > 0.0));
    // The mock answers PNG, so `out.jpg` becomes `out.png`.
    let paths: Vec<&str> = result["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["out.png", "out-2.png"]);
    for path in paths {
        let bytes = std::fs::read(dir.path().join(path)).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{path}");
    }
    assert_eq!(calls(&server).len(), 1);

    // `--out-dir` names files after the endpoint; plain output lists them.
    let output = segmind(&server)
        .current_dir(dir.path())
        .args([
            "ssd-1b",
            "--prompt",
            "a lighthouse",
            "--out-dir",
            "pictures",
        ])
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&output.get_output().stdout).trim(),
        Path::new("pictures")
            .join("ssd-1b.png")
            .display()
            .to_string()
    );

    // `-o -` writes the image itself to stdout.
    let output = segmind(&server)
        .args(["ssd-1b", "--prompt", "a lighthouse", "-o", "-"])
        .assert()
        .success();
    assert!(output.get_output().stdout.starts_with(b"\x89PNG"));
}

#[test]
fn the_dry_run_prints_the_body_the_crate_sends_and_a_curl_without_the_key() {
    let server = mock();
    let output = segmind(&server)
        .args([
            "--json",
            "ssd-1b",
            "--prompt",
            "a quiet harbour",
            "--seed",
            "42",
        ])
        .args([
            "--scheduler",
            "Euler a",
            "--guidance-scale",
            "7.5",
            "--base64",
        ])
        .arg("--dry-run")
        .assert()
        .success();
    let dry = stdout_json(output.get_output());
    assert!(server.requests().is_empty(), "a dry run sends nothing");
    let curl = dry["curl"].as_str().unwrap();
    assert!(
        curl.contains("$SEGMIND_API_KEY") && !curl.contains(KEY),
        "{curl}"
    );
    assert!(
        curl.contains(&format!("{}/ssd-1b", server.base_url())),
        "{curl}"
    );

    // The same request through the crate: the mock records the same body.
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let request = Ssd1bRequest::new("a quiet harbour")
        .seed(42)
        .scheduler(Scheduler::EulerA)
        .guidance_scale(7.5)
        .base64(true);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(client.ssd_1b(&request)).unwrap();
    let sent = calls(&server);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].body.as_ref(), Some(&dry["body"]));

    // And the binary itself sends exactly what its dry run showed.
    segmind(&server)
        .args(["ssd-1b", "--prompt", "a quiet harbour", "--seed", "42"])
        .args([
            "--scheduler",
            "Euler a",
            "--guidance-scale",
            "7.5",
            "--base64",
        ])
        .args(["-o", "-"])
        .assert()
        .success();
    let sent = calls(&server);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].body.as_ref(), Some(&dry["body"]));

    // Plain output: the body, then the curl command.
    let output = segmind(&server)
        .args(["ssd-1b", "--prompt", "a quiet harbour", "--dry-run"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
    let (body, curl) = text.split_once("\n\n").expect("body, blank line, curl");
    assert_eq!(
        serde_json::from_str::<Value>(body).unwrap(),
        json!({"prompt": "a quiet harbour"})
    );
    assert!(curl.starts_with("curl "), "{curl}");
}

#[test]
fn image_parameters_take_a_path_a_url_or_stdin() {
    let server = mock();
    let dir = tempfile::tempdir().unwrap();
    let picture = b"\x89PNG\r\n\x1a\nnot really a picture";
    let path = dir.path().join("input.png");
    std::fs::write(&path, picture).unwrap();
    let encoded = base64::engine::general_purpose::STANDARD.encode(picture);
    let body_for = |image: &str, stdin: Option<&[u8]>| {
        let mut command = segmind(&server);
        command.args([
            "--json",
            "ssd-img2img",
            "--prompt",
            "p",
            "--image",
            image,
            "--dry-run",
        ]);
        if let Some(bytes) = stdin {
            command.write_stdin(bytes.to_vec());
        }
        stdout_json(command.assert().success().get_output())["body"]["image"].clone()
    };
    assert_eq!(body_for(path.to_str().unwrap(), None), encoded);
    assert_eq!(body_for("-", Some(picture)), encoded);
    assert_eq!(
        body_for("https://example.com/cat.png", None),
        "https://example.com/cat.png"
    );
    // A missing file is an error naming it, not a call.
    let output = segmind(&server)
        .args([
            "ssd-img2img",
            "--prompt",
            "p",
            "--image",
            "no-such-file.png",
        ])
        .assert()
        .code(1);
    assert!(String::from_utf8_lossy(&output.get_output().stderr).contains("no-such-file.png"));
    assert!(server.requests().is_empty());
}

#[test]
fn models_lists_every_endpoint_with_its_parameters() {
    let server = mock();
    let output = segmind(&server).arg("models").assert().success();
    let text = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
    for slug in segmind::ENDPOINTS {
        assert!(text.contains(slug), "{slug}");
    }
    assert!(text.contains("--num-inference-steps"), "{text}");
    let output = segmind(&server)
        .args(["models", "--json"])
        .assert()
        .success();
    let models = stdout_json(output.get_output());
    let models = models.as_array().unwrap();
    assert_eq!(models.len(), segmind::ENDPOINTS.len());
    let ssd = models.iter().find(|m| m["slug"] == "ssd-1b").unwrap();
    let steps = ssd["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "num_inference_steps")
        .unwrap();
    assert_eq!(steps["min"], Ssd1bRequest::NUM_INFERENCE_STEPS_MIN);
    assert_eq!(steps["max"], Ssd1bRequest::NUM_INFERENCE_STEPS_MAX);
    assert_eq!(steps["default"], "45");
    assert_eq!(ssd["spec"], "spec/ssd-1b.yaml");
}

#[test]
fn completions_are_generated_for_bash_zsh_and_fish() {
    let server = mock();
    for shell in ["bash", "zsh", "fish"] {
        let output = segmind(&server)
            .args(["completions", shell])
            .assert()
            .success();
        let script = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
        for expected in ["segmind", "ssd-1b", "num-inference-steps", "batch", "Euler"] {
            assert!(script.contains(expected), "{shell}: `{expected}` missing");
        }
    }
    segmind(&server)
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn a_reader_that_stops_early_ends_a_listing_quietly() {
    // `segmind completions zsh | head -1`: the zsh script (over 100 KB) is
    // more than a pipe holds, so the write meets the closed pipe.
    for args in [&["completions", "zsh"][..], &["models"]] {
        let mut child = Process::cargo_bin("segmind")
            .unwrap()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {:?} {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn exit_codes_tell_the_kinds_of_failure_apart() {
    let server = mock_with(MockConfig::default().accept_keys([KEY]));
    let call = |command: &mut Command| {
        command.args(["ssd-1b", "--prompt", "a", "-o", "-", "--max-attempts", "1"]);
    };
    let mut wrong_key = segmind(&server);
    call(wrong_key.env("SEGMIND_API_KEY", "sk-someone-else"));
    wrong_key.assert().code(4);

    let mut no_key = segmind(&server);
    call(no_key.env_remove("SEGMIND_API_KEY"));
    let output = no_key.assert().code(2);
    assert!(String::from_utf8_lossy(&output.get_output().stderr).contains("SEGMIND_API_KEY"));

    server.push_fault(FaultRule::new(
        "ssd-1b",
        1,
        Fault::status(429).with_retry_after(0),
    ));
    let mut limited = segmind(&server);
    call(&mut limited);
    limited.assert().code(6);

    server.push_fault(FaultRule::new("ssd-1b", 1, Fault::status(500)));
    let mut failing = segmind(&server);
    call(&mut failing);
    failing.assert().code(7);

    server.set_credits(KEY, 0.0);
    let mut broke = segmind(&server);
    call(&mut broke);
    broke.assert().code(5);

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", closed.local_addr().unwrap());
    drop(closed);
    let mut unreachable = segmind(&server);
    call(unreachable.env("SEGMIND_BASE_URL", url));
    unreachable.assert().code(8);
}

#[test]
fn a_key_given_as_a_flag_is_warned_about_and_never_printed() {
    let server = mock();
    let secret = "sk-flag-SECRET-77aa";
    let output = segmind(&server)
        .env_remove("SEGMIND_API_KEY")
        .args(["--json", "--api-key", secret, "ssd-1b", "--prompt", "a"])
        .args(["--out-dir"])
        .arg(tempfile::tempdir().unwrap().path())
        .assert()
        .success();
    let output = output.get_output();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("warning: --api-key"), "{stderr}");
    for stream in [&output.stdout, &output.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(secret));
    }
}

/// Writes `count` requests with distinct prompts; the prompt tells the
/// mock's log which line a call was for.
fn write_requests(path: &Path, count: usize) {
    let lines: Vec<String> = (0..count)
        .map(|n| {
            json!({"slug": "ssd-1b", "params": {"prompt": format!("line {n}"), "seed": n}, "id": format!("req-{n}")})
                .to_string()
        })
        .collect();
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn manifest(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("manifest.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// Waits for the child to exit, for at most `limit`.
fn wait_bounded(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the batch did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_batch_stopped_by_a_signal_resumes_and_sends_every_line_exactly_once() {
    let server = mock_with(
        MockConfig::default()
            .latency(Duration::from_millis(15))
            .log_capacity(2000),
    );
    let dir = tempfile::tempdir().unwrap();
    let requests = dir.path().join("requests.jsonl");
    let out = dir.path().join("out");
    write_requests(&requests, 200);
    let inject = || {
        server.push_fault(FaultRule::any(3, Fault::status(429).with_retry_after(0)));
        server.push_fault(FaultRule::any(3, Fault::status(503)));
    };
    let batch = || {
        let mut command = Process::cargo_bin("segmind").unwrap();
        command
            .env("SEGMIND_API_KEY", KEY)
            .env("SEGMIND_BASE_URL", server.base_url())
            .arg("batch")
            .arg(&requests)
            .args(["--concurrency", "8", "--max-attempts", "10", "--out-dir"])
            .arg(&out)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    };

    inject();
    let mut child = batch().spawn().unwrap();
    // Stop it once a quarter of the lines are recorded.
    let deadline = Instant::now() + Duration::from_secs(60);
    while manifest(&out).len() < 50 {
        assert!(Instant::now() < deadline, "the batch made no progress");
        assert!(child.try_wait().unwrap().is_none(), "the batch ended early");
        std::thread::sleep(Duration::from_millis(5));
    }
    let kill = Process::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = wait_bounded(&mut child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(130), "interrupted");
    let first = manifest(&out);
    assert!(first.len() < 200, "stopped before the end: {}", first.len());
    assert!(first.iter().all(|r| r["status"] == "done"), "{first:?}");

    // Resume, with more faults on the way.
    inject();
    let output = batch().arg("--json").output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = stdout_json(&output);
    assert_eq!(
        summary["done"].as_u64().unwrap() as usize,
        200 - first.len()
    );
    assert_eq!(
        summary["skipped_done"].as_u64().unwrap() as usize,
        first.len()
    );
    assert_eq!(summary["failed"], 0);
    assert!(summary["credits_spent"].as_f64().is_some(), "{summary}");

    // The manifest holds each line once, done, with its image on disk.
    let records = manifest(&out);
    assert_eq!(records.len(), 200);
    let mut keys: Vec<&str> = records.iter().map(|r| r["key"].as_str().unwrap()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), 200);
    for record in &records {
        let file = record["files"][0].as_str().unwrap();
        assert!(
            std::fs::read(file).unwrap().starts_with(b"\x89PNG"),
            "{file}"
        );
    }

    // The mock's log: every prompt answered 200 exactly once, and the
    // injected 429s and 503s were met (and retried by the client).
    let log = calls(&server);
    let mut answered: HashMap<String, usize> = HashMap::new();
    for call in log.iter().filter(|call| call.status == Some(200)) {
        let prompt = call.body.as_ref().unwrap()["prompt"]
            .as_str()
            .unwrap()
            .to_owned();
        *answered.entry(prompt).or_default() += 1;
    }
    assert_eq!(answered.len(), 200);
    assert!(answered.values().all(|&n| n == 1), "{answered:?}");
    let statuses = |code| log.iter().filter(|call| call.status == Some(code)).count();
    assert_eq!(statuses(429), 6);
    assert_eq!(statuses(503), 6);

    // A third run has nothing left to do and sends nothing.
    let before = server.requests().len();
    let output = batch().arg("--json").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout_json(&output)["skipped_done"], 200);
    assert_eq!(server.requests().len(), before);
}

#[test]
fn failed_lines_are_recorded_without_stopping_the_batch() {
    let server = mock();
    let dir = tempfile::tempdir().unwrap();
    let requests = dir.path().join("requests.jsonl");
    let lines = [
        json!({"slug": "ssd-1b", "params": {"prompt": "fine"}, "id": "good"}).to_string(),
        json!({"slug": "ssd-1b", "params": {"prompt": "x", "samples": 9}, "id": "too-many"})
            .to_string(),
        "{not json".to_owned(),
        json!({"slug": "no-such-model", "params": {}}).to_string(),
        json!({"slug": "ssd-1b", "params": {"prompt": "also fine"}}).to_string(),
    ];
    std::fs::write(&requests, lines.join("\n")).unwrap();
    let out = dir.path().join("out");
    let output = segmind(&server)
        .args(["--json", "batch"])
        .arg(&requests)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .code(9);
    let summary = stdout_json(output.get_output());
    assert_eq!(
        (summary["done"].as_u64(), summary["failed"].as_u64()),
        (Some(2), Some(3))
    );
    let records: HashMap<String, Value> = manifest(&out)
        .into_iter()
        .map(|r| (r["key"].as_str().unwrap().to_owned(), r))
        .collect();
    let expected = Ssd1bRequest::new("x")
        .samples(9)
        .validate()
        .unwrap_err()
        .to_string();
    assert_eq!(records["too-many"]["error"], expected);
    assert_eq!(records["too-many"]["kind"], "validation");
    assert_eq!(records["line-3"]["status"], "failed");
    assert!(records["line-4"]["error"]
        .as_str()
        .unwrap()
        .contains("no-such-model"));
    assert_eq!(records["line-5"]["status"], "done");
    assert!(out.join("good.png").is_file());
    // Only the two valid lines reached the server.
    assert_eq!(calls(&server).len(), 2);
}

#[test]
fn queue_submits_once_waits_and_writes_what_the_synchronous_call_writes() {
    let server = mock_with(
        MockConfig::default().job_timing(Duration::from_millis(50), Duration::from_millis(100)),
    );
    let dir = tempfile::tempdir().unwrap();
    let sync_out = dir.path().join("sync");
    let queued_out = dir.path().join("queued");
    let args = ["ssd-1b", "--prompt", "a lighthouse", "--seed", "4"];
    segmind(&server)
        .args(args)
        .args(["-o", sync_out.to_str().unwrap()])
        .assert()
        .success();
    let output = segmind(&server)
        .args(args)
        .args(["--queue", "--json", "-o", queued_out.to_str().unwrap()])
        .assert()
        .success();
    let report = stdout_json(output.get_output());
    let request_id = report["request_id"].as_str().unwrap().to_owned();
    let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("segmind job {request_id} --model ssd-1b")),
        "{stderr}"
    );
    let path = report["files"][0]["path"].as_str().unwrap();
    assert_eq!(
        std::fs::read(path).unwrap(),
        std::fs::read(dir.path().join("sync.png")).unwrap()
    );
    let submissions = server
        .requests()
        .into_iter()
        .filter(|request| request.method == "POST" && request.path == "/v2/ssd-1b")
        .count();
    assert_eq!(submissions, 1);
    assert!(
        !stderr.contains(KEY)
            && !String::from_utf8_lossy(&output.get_output().stdout).contains(KEY)
    );
}

#[test]
fn a_queued_wait_past_its_deadline_exits_10_and_job_collects_the_result() {
    let server = mock_with(
        MockConfig::default().job_timing(Duration::from_millis(10), Duration::from_millis(2500)),
    );
    let dir = tempfile::tempdir().unwrap();
    let output = segmind(&server)
        .args([
            "ssd-1b",
            "--prompt",
            "x",
            "--queue",
            "--deadline",
            "1",
            "--json",
        ])
        .assert()
        .code(10);
    let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    let id = stderr
        .split_whitespace()
        .skip_while(|word| *word != "submitted")
        .nth(1)
        .map(|word| word.trim_end_matches(';').to_owned())
        .unwrap_or_else(|| panic!("no request id in: {stderr}"));
    let out = dir.path().join("later");
    segmind(&server)
        .args(["job", &id, "--model", "ssd-1b", "--deadline", "30"])
        .args(["-o", out.to_str().unwrap()])
        .assert()
        .success();
    assert!(dir.path().join("later.png").exists());
    let submissions = server
        .requests()
        .into_iter()
        .filter(|request| request.method == "POST")
        .count();
    assert_eq!(submissions, 1, "collecting a job submits nothing");
}

#[test]
fn credits_shows_the_balance() {
    let server = mock_with(MockConfig::default().credits(42.0).free_credits(2.0));
    let output = segmind(&server)
        .args(["credits", "--json"])
        .assert()
        .success();
    assert_eq!(
        stdout_json(output.get_output()),
        json!({ "credits": 42.0, "free_credits": 2.0 })
    );
    let output = segmind(&server).arg("credits").assert().success();
    assert_eq!(
        String::from_utf8_lossy(&output.get_output().stdout),
        "42 credits (2 free)\n"
    );
}

#[test]
fn video_and_audio_models_take_media_flags_and_write_files_with_their_extension() {
    let server = mock();
    let dir = tempfile_dir("media");
    // A video model called synchronously writes an MP4 named after `-o`.
    let output = segmind(&server)
        .args([
            "p-video",
            "--prompt",
            "waves at dusk",
            "--duration",
            "3",
            "--json",
        ])
        .arg("-o")
        .arg(dir.join("clip.png"))
        .assert()
        .success();
    let report = stdout_json(output.get_output());
    let file = &report["files"][0];
    assert_eq!(file["content_type"], "video/mp4", "{report}");
    let path = file["path"].as_str().unwrap();
    assert!(path.ends_with("clip.mp4"), "{path}");
    assert!(std::fs::metadata(path).unwrap().len() > 1000);

    // A model whose page advises the queue uses it without `--queue`; an
    // audio flag given a path is sent as a data URL naming its type.
    let voice = dir.join("voice.wav");
    std::fs::write(&voice, b"RIFF\x24\0\0\0WAVEfmt ").unwrap();
    let face = dir.join("face.png");
    std::fs::write(&face, b"\x89PNG\r\n\x1a\nrest").unwrap();
    segmind(&server)
        .args(["sadtalker", "--input-audio"])
        .arg(&voice)
        .arg("--input-image")
        .arg(&face)
        .arg("--out-dir")
        .arg(&dir)
        .assert()
        .success();
    let sent = calls(&server);
    let talk = sent.last().unwrap();
    assert_eq!(talk.path, "/v2/sadtalker", "queued by default");
    let body = talk.body.as_ref().unwrap();
    let audio = body["input_audio"].as_str().unwrap();
    assert!(audio.starts_with("data:audio/wav;base64,"), "{audio}");
    assert!(dir.join("sadtalker.mp4").exists());

    // `--sync` calls the synchronous API instead.
    segmind(&server)
        .args([
            "sadtalker",
            "--sync",
            "--input-audio",
            "https://example.com/v.wav",
        ])
        .args(["--input-image", "https://example.com/f.png", "--out-dir"])
        .arg(&dir)
        .assert()
        .success();
    assert_eq!(calls(&server).last().unwrap().path, "/v1/sadtalker");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn exclusive_flags_are_refused_by_name_and_list_flags_repeat() {
    let server = mock();
    let output = segmind(&server)
        .args([
            "seedance-v1-lite-image-to-video",
            "--prompt",
            "a fox",
            "--duration",
            "5",
        ])
        .args([
            "--resolution",
            "720p",
            "--image-url",
            "https://example.com/a.png",
        ])
        .args(["--first-frame-url", "https://example.com/b.png"])
        .assert()
        .code(3);
    let text = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    assert!(
        text.contains("image_url") && text.contains("first_frame_url"),
        "{text}"
    );
    assert!(calls(&server).is_empty(), "nothing was sent");

    let output = segmind(&server)
        .args(["flux-2-flex", "--prompt", "a fox", "--dry-run", "--json"])
        .args(["--image-urls", "https://example.com/1.png"])
        .args(["--image-urls", "https://example.com/2.png"])
        .assert()
        .success();
    let report = stdout_json(output.get_output());
    assert_eq!(
        report["body"]["image_urls"],
        json!(["https://example.com/1.png", "https://example.com/2.png"]),
        "{report}"
    );
}

#[test]
fn field_sends_what_the_spec_lacks_on_either_api_and_in_a_dry_run() {
    let server = mock_with(
        MockConfig::default().job_timing(Duration::from_millis(10), Duration::from_millis(20)),
    );
    let dir = tempfile::tempdir().unwrap();
    let args = ["ssd-1b", "--prompt", "a fox", "--field", "tile_size=512"];
    let extra = [
        "--field",
        "note=a plain word",
        "--field",
        "tags=[\"a\",\"b\"]",
    ];
    let output = segmind(&server)
        .args(args)
        .args(extra)
        .args(["--dry-run", "--json"])
        .assert()
        .success();
    let body = &stdout_json(output.get_output())["body"];
    assert_eq!(body["tile_size"], 512, "{body}");
    assert_eq!(body["note"], "a plain word", "{body}");
    assert_eq!(body["tags"], json!(["a", "b"]), "{body}");
    assert_eq!(body["prompt"], "a fox", "{body}");
    assert!(calls(&server).is_empty(), "a dry run sends nothing");

    // The mock knows only the spec's fields, so on the wire: a field
    // that overrides a typed value, and one the spec lacks, which the
    // mock refuses by name as the API would.
    let known = [
        "ssd-1b", "--prompt", "a fox", "--seed", "7", "--field", "seed=42",
    ];
    for api in [&[][..], &["--queue"]] {
        let output = segmind(&server)
            .args(known)
            .args(["--field", "negative_prompt=no text"])
            .args(api)
            .args(["--json", "-o", dir.path().join("out").to_str().unwrap()])
            .assert()
            .success();
        // The seed reported is the one sent.
        assert_eq!(stdout_json(output.get_output())["seed"], 42, "{api:?}");
    }
    let bodies: Vec<(String, Value)> = server
        .requests()
        .into_iter()
        .filter(|request| request.method == "POST")
        .map(|request| (request.path, request.body.unwrap_or_default()))
        .collect();
    let paths: Vec<&str> = bodies.iter().map(|(path, _)| path.as_str()).collect();
    assert_eq!(paths, ["/v1/ssd-1b", "/v2/ssd-1b"]);
    for (path, body) in &bodies {
        assert_eq!(body["seed"], 42, "{path}: {body}");
        assert_eq!(body["negative_prompt"], "no text", "{path}: {body}");
        assert_eq!(body["prompt"], "a fox", "{path}: {body}");
    }
    let output = segmind(&server).args(args).assert().code(3);
    let text = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    assert!(text.contains("unknown field `tile_size`"), "{text}");

    let output = segmind(&server)
        .args(["ssd-1b", "--prompt", "a fox", "--field", "=5"])
        .assert()
        .code(2);
    let text = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    assert!(text.contains("NAME=VALUE"), "{text}");
}

fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("segmind-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
