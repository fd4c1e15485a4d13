//! Tools nobody here wrote, against the `segmind-mock` binary started with
//! one accepted key on a free loopback port: schemathesis fuzzes every
//! operation of `openapi.json` with every check (so the document and the
//! mock must agree on every body), and the vendor's own Python SDK
//! (`tests/vendor_sdk.py`) makes its v1, v2 and error-path calls.
//!
//! Both need Python packages that `.ci/run` installs (pinned there). Outside
//! CI, a missing tool skips its test with the reason written to the
//! terminal (not captured, so it shows); with `CI` set, it fails.

#![cfg(feature = "mock")]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// The one key the mock accepts: a test value, not a secret.
const KEY: &str = "outside-tools-test-key";

/// schemathesis's fixed seed and time budget.
const SEED: &str = "20251";
const SECONDS: &str = "60";

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The mock binary, stopped (by its own handle) when dropped.
struct Mock {
    child: Child,
    origin: String,
}

impl Mock {
    fn start() -> Mock {
        let mut child = Command::new(env!("CARGO_BIN_EXE_segmind-mock"))
            .args(["--port", "0", "--key", KEY, "--credits", "1000000000000"])
            // Jobs finish quickly, so the SDK's waits stay short.
            .args(["--queued", "100ms", "--processing", "200ms"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the mock binary starts");
        let stdout = child.stdout.take().expect("piped stdout");
        // The first line names the address: `segmind-mock listening on http://127.0.0.1:PORT`.
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line);
        let origin = line
            .split_whitespace()
            .find(|word| word.starts_with("http://127.0.0.1:"))
            .map(str::to_owned);
        match (read, origin) {
            (Ok(_), Some(origin)) => Mock { child, origin },
            (read, _) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the mock did not print its address: {read:?} {line:?}");
            }
        }
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether the tool can run here. Outside CI a missing one is a skip,
/// said on the terminal; in CI it is a failure.
fn available(test: &str, probe: &[&str], install: &str) -> bool {
    let required = std::env::var_os("CI").is_some();
    let why = match Command::new("python3").args(probe).output() {
        Ok(output) if output.status.success() => return true,
        Ok(output) => String::from_utf8_lossy(&output.stderr)
            .lines()
            .last()
            .unwrap_or("the probe failed")
            .to_owned(),
        Err(error) => format!("python3 cannot be run ({error})"),
    };
    assert!(!required, "{test}: {why}; CI must run it (`{install}`)");
    // Straight to the terminal: the harness captures `eprintln!` of
    // passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {why}; `{install}` to run it (.ci/run does)"
    );
    false
}

fn report(what: &str, output: &Output) -> String {
    format!(
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_vendor_sdk_works_against_the_mock() {
    let test = "the_vendor_sdk_works_against_the_mock";
    if !available(
        test,
        &["-c", "import segmind, httpx"],
        "pip install segmind==1.3.0",
    ) {
        return;
    }
    let mock = Mock::start();
    let output = Command::new("python3")
        .arg(crate_dir().join("tests/vendor_sdk.py"))
        .env("SEGMIND_MOCK_URL", &mock.origin)
        .env("SEGMIND_API_KEY", KEY)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        report("vendor_sdk.py", &output)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    // Every check ran and passed: no early exit counts as a pass.
    assert!(stdout.contains("0 failure(s)"), "{stdout}");
    assert!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count() >= 20,
        "{stdout}"
    );
}

#[test]
fn schemathesis_finds_the_document_and_the_mock_in_agreement() {
    let test = "schemathesis_finds_the_document_and_the_mock_in_agreement";
    if !available(
        test,
        &["-m", "schemathesis.cli", "--version"],
        "pip install schemathesis==4.32.5",
    ) {
        return;
    }
    let mock = Mock::start();
    let header = format!("x-api-key: {KEY}");
    let document = crate_dir().join("openapi.json");
    let output = Command::new("python3")
        .args(["-m", "schemathesis.cli", "run"])
        .arg(&document)
        .args(["--url", &mock.origin, "--header", &header])
        .args(["--checks", "all", "--seed", SEED, "--max-time", SECONDS])
        .args(["--generation-database", "none", "--no-color"])
        .args(["--request-timeout", "30"])
        // Its own files (a `.schemathesis` folder) go to cargo's scratch
        // space, not into the crate.
        .current_dir(env!("CARGO_TARGET_TMPDIR"))
        .output()
        .expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        report("schemathesis", &output)
    );
    // It tested every operation, every phase passed, and every case
    // generated passed: a run that tested nothing is no agreement.
    let field = |label: &str| {
        stdout
            .lines()
            .find_map(|line| line.trim().strip_prefix(label))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no `{label}` in:\n{stdout}"))
            .to_owned()
    };
    let selected = field("Selected:");
    let (_, total) = selected.split_once('/').expect("Selected: N/M");
    assert_eq!(field("Tested:"), total, "every operation tested:\n{stdout}");
    let cases = field("Test cases:");
    let cases = if cases.is_empty() {
        let at = stdout
            .lines()
            .position(|l| l.trim() == "Test cases:")
            .unwrap();
        stdout
            .lines()
            .nth(at + 1)
            .unwrap_or_default()
            .trim()
            .to_owned()
    } else {
        cases
    };
    let counts: Vec<u64> = cases
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    assert!(
        counts.len() >= 2 && counts[0] == counts[1] && counts[0] >= 1000,
        "`N generated, N passed` with N in the thousands: {cases}\n{stdout}"
    );
    assert!(stdout.contains("No issues found"), "{stdout}");
    let _ = writeln!(
        std::io::stderr(),
        "schemathesis: {total} operations, {cases} (seed {SEED}, {SECONDS} s)"
    );
}
