//! `segmind batch`: one request per line of a JSONL file, several at a
//! time, with a manifest that makes a rerun resume.
//!
//! The manifest (`manifest.jsonl` in the output folder) gets one JSON line
//! per finished request, appended and flushed as each finishes, so what was
//! paid for is on disk however the run ends. A rerun skips every line the
//! manifest records as done, and a torn last line (a crash mid-write) is
//! ignored. On Ctrl-C or SIGTERM no new request starts, the ones in flight
//! finish and are recorded, and the tool exits 130; a second signal stops
//! it at once.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

use super::call::{checked_request, image_path};
use super::exit::{Exit, Failure};
use super::table::{self, Answer};
use super::{note, print_json, Globals};
use crate::{Client, Error, RequestOptions};

/// The manifest's name in the output folder.
pub(crate) const MANIFEST: &str = "manifest.jsonl";

pub(crate) fn command() -> Command {
    Command::new("batch")
        .about("Run one request per line of a JSONL file, resumably")
        .after_help(
            "Each line is {\"slug\": \"ssd-1b\", \"params\": {...}, \"id\": \"optional-name\"}, \
             params being the JSON body the endpoint takes. Images are written to the output \
             folder named after the id (else line-N), and every finished line is appended to \
             manifest.jsonl there. Rerun the same command after Ctrl-C or a crash: lines the \
             manifest records as done are skipped, as are failures that may have been charged \
             (a timeout, 500, 502, 504) unless --retry-failed; other failures are tried again.",
        )
        .arg(
            Arg::new("file")
                .required(true)
                .value_name("REQUESTS.jsonl")
                .value_hint(clap::ValueHint::FilePath)
                .help("The requests, one JSON object per line"),
        )
        .arg(
            Arg::new("concurrency")
                .long("concurrency")
                .short('j')
                .value_name("N")
                .value_parser(value_parser!(u32).range(1..=1024))
                .default_value("8")
                .help("Requests in flight at once"),
        )
        .arg(
            Arg::new("out-dir")
                .long("out-dir")
                .required(true)
                .value_name("DIR")
                .value_hint(clap::ValueHint::DirPath)
                .help("Where the images and the manifest go"),
        )
        .arg(
            Arg::new("retry-failed")
                .long("retry-failed")
                .action(ArgAction::SetTrue)
                .help("Also retry failed lines that may have been charged"),
        )
}

/// One finished line, as the manifest records it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    /// The line's id, else `line-N`.
    key: String,
    /// Its line number in the requests file, from 1.
    line: usize,
    status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    slug: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    files: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    remaining_credits: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// The kind of failure, as the exit codes name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    /// Whether the failed call may have been charged (it reached the server,
    /// which may have worked on it), so a rerun does not repeat it unasked.
    #[serde(default)]
    may_have_charged: bool,
    /// For a failed call, how many requests it sent or tried; a done line
    /// leaves it out (its answer does not say how many tries it took).
    #[serde(default, skip_serializing_if = "is_zero")]
    attempts: u32,
    elapsed_ms: f64,
}

fn is_zero(attempts: &u32) -> bool {
    *attempts == 0
}

/// Milliseconds to the microsecond, so that a manifest reads `0.068`, not
/// the float noise of `0.06752000000000001`.
fn millis(elapsed: std::time::Duration) -> f64 {
    (elapsed.as_secs_f64() * 1e6).round() / 1e3
}

impl Record {
    /// A line done, until told otherwise.
    fn new(key: String, line: usize) -> Self {
        Self {
            key,
            line,
            status: Status::Done,
            slug: None,
            files: Vec::new(),
            remaining_credits: None,
            error: None,
            kind: None,
            may_have_charged: false,
            attempts: 0,
            elapsed_ms: 0.0,
        }
    }

    fn fail(&mut self, failure: Failure) {
        self.status = Status::Failed;
        self.kind = Some(failure.exit.name().to_owned());
        self.error = Some(failure.message);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Done,
    Failed,
}

/// One line of the requests file.
#[derive(Debug)]
struct Line {
    number: usize,
    key: String,
    /// The slug and the body, or why the line cannot be read.
    job: Result<(String, Value), String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineSpec {
    slug: String,
    #[serde(default)]
    params: Option<Value>,
    #[serde(default)]
    id: Option<String>,
}

fn parse_lines(text: &str) -> Vec<Line> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut lines = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let (key, mut job) = match serde_json::from_str::<LineSpec>(raw) {
            Ok(spec) => {
                let key = spec.id.unwrap_or_else(|| format!("line-{number}"));
                let body = spec.params.unwrap_or_else(|| json!({}));
                (key, Ok((spec.slug, body)))
            }
            Err(error) => (
                format!("line-{number}"),
                Err(format!("line {number} is not a request: {error}")),
            ),
        };
        if let Some(first) = seen.insert(key.clone(), number) {
            job = Err(format!(
                "line {number} reuses the id `{key}` of line {first}"
            ));
        }
        lines.push(Line { number, key, job });
    }
    lines
}

/// The latest record of every key in the manifest; lines that do not parse
/// (a torn last line) are passed over.
fn read_manifest(path: &Path) -> Result<HashMap<String, Record>, Failure> {
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => {
            return Err(Failure::new(
                Exit::Other,
                format!("cannot read {}: {error}", path.display()),
            ))
        }
    };
    let mut records = HashMap::new();
    for line in text.lines() {
        if let Ok(record) = serde_json::from_str::<Record>(line) {
            records.insert(record.key.clone(), record);
        }
    }
    Ok(records)
}

/// The manifest, open for appending.
struct Manifest {
    file: Mutex<File>,
    path: PathBuf,
}

impl Manifest {
    fn open(path: &Path) -> Result<Self, Failure> {
        let cannot = |error: std::io::Error| {
            Failure::new(
                Exit::Other,
                format!("cannot open {}: {error}", path.display()),
            )
        };
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(cannot)?;
        // A torn last line must not swallow the next record: end it first.
        let len = file.seek(SeekFrom::End(0)).map_err(cannot)?;
        if len > 0 {
            let mut last = [0u8];
            file.seek(SeekFrom::End(-1)).map_err(cannot)?;
            file.read_exact(&mut last).map_err(cannot)?;
            if last[0] != b'\n' {
                file.write_all(b"\n").map_err(cannot)?;
            }
        }
        Ok(Self {
            file: Mutex::new(file),
            path: path.to_owned(),
        })
    }

    /// Appends one record as one write, then flushes.
    fn append(&self, record: &Record) -> Result<(), String> {
        let mut line = serde_json::to_string(record).map_err(|error| error.to_string())?;
        line.push('\n');
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        file.write_all(line.as_bytes())
            .and_then(|()| file.flush())
            .map_err(|error| format!("cannot append to {}: {error}", self.path.display()))
    }
}

pub(crate) fn run(globals: &Globals, args: &ArgMatches) -> Result<Exit, Failure> {
    let started = Instant::now();
    let file = args
        .get_one::<String>("file")
        .ok_or_else(|| Failure::usage("no requests file given"))?;
    let out_dir = PathBuf::from(
        args.get_one::<String>("out-dir")
            .ok_or_else(|| Failure::usage("no --out-dir given"))?,
    );
    let concurrency = args.get_one::<u32>("concurrency").copied().unwrap_or(8) as usize;
    let retry_failed = args.get_flag("retry-failed");
    let text = std::fs::read_to_string(file)
        .map_err(|error| Failure::new(Exit::Other, format!("cannot read {file}: {error}")))?;
    std::fs::create_dir_all(&out_dir).map_err(|error| {
        Failure::new(
            Exit::Other,
            format!("cannot create {}: {error}", out_dir.display()),
        )
    })?;
    let manifest_path = out_dir.join(MANIFEST);
    let previous = read_manifest(&manifest_path)?;
    let mut summary = Summary::default();
    let mut pending = Vec::new();
    for line in parse_lines(&text) {
        match previous.get(&line.key) {
            Some(record) if record.status == Status::Done => summary.already_done += 1,
            Some(record) if record.may_have_charged && !retry_failed => {
                summary.kept_failed += 1;
            }
            _ => pending.push(line),
        }
    }
    let client = globals.client()?;
    let manifest = Manifest::open(&manifest_path)?;
    let context = Arc::new(Context {
        client,
        out_dir,
        manifest,
    });
    let bar = progress_bar(pending.len(), globals.json);
    let runtime = super::runtime()?;
    let interrupted =
        runtime.block_on(execute(&context, pending, concurrency, &bar, &mut summary))?;
    bar.finish_and_clear();
    summary.interrupted = interrupted;
    summary.elapsed = started.elapsed();
    summary.report(globals.json, &context.manifest.path)?;
    Ok(if interrupted {
        Exit::Interrupted
    } else if summary.failed > 0 {
        Exit::BatchFailed
    } else {
        Exit::Success
    })
}

fn progress_bar(len: usize, hidden: bool) -> ProgressBar {
    // indicatif draws nothing when stderr is not a terminal.
    let target = if hidden {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    };
    let bar = ProgressBar::with_draw_target(Some(len as u64), target);
    if let Ok(style) = ProgressStyle::with_template(
        "{elapsed_precise} [{wide_bar}] {pos}/{len} {per_sec} ETA {eta} {msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

struct Context {
    client: Client,
    out_dir: PathBuf,
    manifest: Manifest,
}

/// Runs the lines, `concurrency` at a time, until done or a signal; returns
/// whether a signal stopped it.
async fn execute(
    context: &Arc<Context>,
    pending: Vec<Line>,
    concurrency: usize,
    bar: &ProgressBar,
    summary: &mut Summary,
) -> Result<bool, Failure> {
    let mut stopping = watch_signals(bar.clone())?;
    let semaphore = Arc::new(Semaphore::new(concurrency));
    let mut tasks = JoinSet::new();
    let mut interrupted = false;
    for line in pending {
        let permit = tokio::select! {
            biased;
            _ = stopping.wait_for(|stop| *stop) => {
                interrupted = true;
                break;
            }
            permit = Arc::clone(&semaphore).acquire_owned() => permit,
        };
        let Ok(permit) = permit else { break };
        while let Some(finished) = tasks.try_join_next() {
            summary.count(finished, bar);
        }
        let context = Arc::clone(context);
        tasks.spawn(async move {
            let record = process(context, line).await;
            drop(permit);
            record
        });
    }
    while let Some(finished) = tasks.join_next().await {
        summary.count(finished, bar);
    }
    Ok(interrupted || *stopping.borrow())
}

/// Listens for Ctrl-C and SIGTERM: the first stops new requests (the
/// returned flag turns true), the second exits at once.
fn watch_signals(bar: ProgressBar) -> Result<watch::Receiver<bool>, Failure> {
    let (stop, stopping) = watch::channel(false);
    let cannot = |error: std::io::Error| {
        Failure::new(Exit::Other, format!("cannot listen for signals: {error}"))
    };
    #[cfg(unix)]
    let mut signals = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()).map_err(cannot)?,
            signal(SignalKind::terminate()).map_err(cannot)?,
        )
    };
    tokio::spawn(async move {
        for count in 0.. {
            #[cfg(unix)]
            tokio::select! {
                _ = signals.0.recv() => {}
                _ = signals.1.recv() => {}
            }
            #[cfg(not(unix))]
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
            if count == 0 {
                let _ = stop.send(true);
                bar.suspend(|| {
                    note("stopping: no new requests; waiting for those in flight (again to quit now)")
                });
            } else {
                note("stopped at once; rerun to resume (calls in flight may be sent again)");
                std::process::exit(Exit::Interrupted as i32);
            }
        }
    });
    #[cfg(not(unix))]
    let _ = cannot;
    Ok(stopping)
}

/// Runs one line and records it; never fails, as a failure is a record.
async fn process(context: Arc<Context>, line: Line) -> Record {
    let started = Instant::now();
    let (key, number) = (line.key.clone(), line.number);
    let mut record = Record::new(line.key.clone(), line.number);
    record.slug = line.job.as_ref().ok().map(|(slug, _)| slug.clone());
    let files = match attempt(&context, line, &mut record).await {
        Ok(files) => files,
        Err(failure) => {
            record.fail(failure);
            Vec::new()
        }
    };
    // Files and record are written in one trip to the blocking pool: a
    // disk that makes writes wait stalls none of the runtime's few worker
    // threads, and the line counts as finished only once it is recorded.
    let written = tokio::task::spawn_blocking(move || {
        if let Err(failure) = save_all(&files) {
            // The call was paid for: say so, so a rerun does not repeat it unasked.
            record.may_have_charged = true;
            record.files.clear();
            record.fail(failure);
        }
        record.elapsed_ms = millis(started.elapsed());
        let result = context.manifest.append(&record);
        (record, result)
    })
    .await;
    match written {
        Ok((record, result)) => {
            if let Err(message) = result {
                note(format!("error: {message}"));
            }
            record
        }
        Err(error) => {
            note(format!("error: recording a line failed: {error}"));
            let mut record = Record::new(key, number);
            record.fail(Failure::new(Exit::Other, "not recorded"));
            record
        }
    }
}

/// Sends one line; on success, the files to write (their paths already
/// in the record).
async fn attempt(
    context: &Context,
    line: Line,
    record: &mut Record,
) -> Result<Vec<(PathBuf, Bytes)>, Failure> {
    let (slug, body) = line.job.map_err(Failure::usage)?;
    let row = table::find(&slug).ok_or_else(|| {
        Failure::usage(format!("unknown endpoint `{slug}` (see `segmind models`)"))
    })?;
    let request = checked_request(row, body)?;
    let answer = match request.send(&context.client, RequestOptions::new()).await {
        Ok(answer) => answer,
        Err(error) => {
            record.attempts = error.attempts();
            record.may_have_charged = may_have_charged(&error);
            return Err(error.into());
        }
    };
    record.remaining_credits = answer.remaining_credits();
    let stem = context.out_dir.join(file_stem(&record.key));
    let files = match &answer {
        Answer::Files(files, _) => files
            .iter()
            .enumerate()
            .map(|(index, file)| (image_path(&stem, index, file), file.bytes().clone()))
            .collect(),
        Answer::Text(response) => {
            let mut path = stem.into_os_string();
            path.push(".txt");
            vec![(PathBuf::from(path), Bytes::from(response.text().to_owned()))]
        }
        Answer::Json(response) => {
            let mut path = stem.into_os_string();
            path.push(".json");
            let text = serde_json::to_vec_pretty(response.value()).unwrap_or_default();
            vec![(PathBuf::from(path), Bytes::from(text))]
        }
    };
    record.files = files
        .iter()
        .map(|(path, _)| path.display().to_string())
        .collect();
    Ok(files)
}

fn save_all(files: &[(PathBuf, Bytes)]) -> Result<(), Failure> {
    for (path, bytes) in files {
        std::fs::write(path, bytes).map_err(|error| {
            Failure::new(
                Exit::Other,
                format!("cannot write {}: {error}", path.display()),
            )
        })?;
    }
    Ok(())
}

/// Whether a failed call may have cost credits: it reached a server that
/// did not refuse it outright (a timeout, a broken connection, 5xx other
/// than 503, an answer that could not be read).
fn may_have_charged(error: &Error) -> bool {
    let refused = error
        .status()
        .is_some_and(|status| status.is_client_error());
    error.attempts() > 0 && !error.is_safe_to_retry() && !refused
}

/// A key as a file name: anything but letters, digits, `.`, `-` and `_`
/// becomes `_`, so an id cannot reach outside the output folder.
fn file_stem(key: &str) -> String {
    let stem: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    match stem.trim_start_matches('.') {
        "" => "_".to_owned(),
        _ if stem.starts_with('.') => format!("_{stem}"),
        _ => stem,
    }
}

#[derive(Debug, Default)]
struct Summary {
    done: usize,
    failed: usize,
    already_done: usize,
    kept_failed: usize,
    /// The highest and lowest balance answered, and how many calls saw one.
    credits_seen: Option<(f64, f64)>,
    credited_calls: usize,
    interrupted: bool,
    elapsed: Duration,
}

impl Summary {
    fn count(&mut self, finished: Result<Record, tokio::task::JoinError>, bar: &ProgressBar) {
        match &finished {
            Ok(record) if record.status == Status::Done => self.done += 1,
            Ok(_) => self.failed += 1,
            Err(error) => {
                self.failed += 1;
                note(format!("error: a request's task failed: {error}"));
            }
        }
        bar.inc(1);
        if self.failed > 0 {
            bar.set_message(format!("{} failed", self.failed));
        }
        // Only successful calls carry the balance.
        if let Ok(Record {
            remaining_credits: Some(credits),
            ..
        }) = &finished
        {
            self.credited_calls += 1;
            self.credits_seen = Some(match self.credits_seen {
                None => (*credits, *credits),
                Some((high, low)) => (high.max(*credits), low.min(*credits)),
            });
        }
    }

    /// Credits this run spent, from the balances the answers carried: with
    /// n calls at one price, the highest and lowest balance are n - 1
    /// prices apart. `None` with fewer than two answers.
    fn credits_spent(&self) -> Option<f64> {
        let (high, low) = self.credits_seen?;
        let calls = self.credited_calls as f64;
        (self.credited_calls >= 2).then(|| (high - low) * calls / (calls - 1.0))
    }

    fn report(&self, json: bool, manifest: &Path) -> Result<(), Failure> {
        let remaining = self.credits_seen.map(|(_, low)| low);
        if json {
            return print_json(&json!({
                "done": self.done,
                "failed": self.failed,
                "skipped_done": self.already_done,
                "skipped_failed": self.kept_failed,
                "interrupted": self.interrupted,
                "credits_spent": self.credits_spent(),
                "remaining_credits": remaining,
                "elapsed_ms": millis(self.elapsed),
                "manifest": manifest.display().to_string(),
            }));
        }
        let mut text = format!(
            "{} done, {} failed in {:.1} s",
            self.done,
            self.failed,
            self.elapsed.as_secs_f64()
        );
        if self.already_done > 0 {
            text.push_str(&format!("; {} already done", self.already_done));
        }
        if self.kept_failed > 0 {
            text.push_str(&format!(
                "; {} failed earlier and may have been charged (--retry-failed to retry)",
                self.kept_failed
            ));
        }
        if let Some(spent) = self.credits_spent() {
            text.push_str(&format!("; about {spent} credits spent"));
        }
        if let Some(remaining) = remaining {
            text.push_str(&format!(", {remaining} left"));
        }
        if self.interrupted {
            text.push_str("; interrupted: rerun the same command to resume");
        }
        note(format!("{text}\nmanifest: {}", manifest.display()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_done_line_records_no_attempt_count_and_times_read_cleanly() {
        let mut record = Record::new("a".to_owned(), 1);
        record.elapsed_ms = millis(std::time::Duration::from_nanos(67_520));
        let line = serde_json::to_value(&record).unwrap();
        assert_eq!(line.get("attempts"), None, "{line}");
        assert_eq!(line["elapsed_ms"], serde_json::json!(0.068));
        record.attempts = 3;
        record.fail(Failure::new(Exit::Network, "no connection"));
        let line = serde_json::to_value(&record).unwrap();
        assert_eq!(line["attempts"], 3);
        // A manifest written before still reads, with or without the field.
        let back: Record = serde_json::from_value(line).unwrap();
        assert_eq!(back.attempts, 3);
    }

    #[test]
    fn ids_become_safe_file_names() {
        assert_eq!(file_stem("cat-01"), "cat-01");
        assert_eq!(file_stem("../etc/passwd"), "_.._etc_passwd");
        assert_eq!(file_stem(".."), "_");
        assert_eq!(file_stem("a b/c"), "a_b_c");
    }

    #[test]
    fn bad_and_duplicate_lines_are_failures_of_their_own() {
        let lines = parse_lines(
            "{\"slug\":\"ssd-1b\",\"params\":{\"prompt\":\"a\"},\"id\":\"x\"}\n\n\
             not json\n{\"slug\":\"ssd-1b\",\"id\":\"x\"}\n{\"slug\":\"ssd-1b\"}\n",
        );
        let keys: Vec<&str> = lines.iter().map(|line| line.key.as_str()).collect();
        assert_eq!(keys, ["x", "line-3", "x", "line-5"]);
        assert!(lines[0].job.is_ok());
        assert!(lines[1].job.as_ref().is_err_and(|e| e.contains("line 3")));
        assert!(lines[2]
            .job
            .as_ref()
            .is_err_and(|e| e.contains("reuses the id `x`")));
        assert!(lines[3].job.is_ok());
    }

    #[test]
    fn a_torn_manifest_line_is_ignored_and_ended_before_appending() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST);
        std::fs::write(
            &path,
            "{\"key\":\"a\",\"line\":1,\"status\":\"done\",\"elapsed_ms\":1}\n{\"key\":\"b\",\"li",
        )
        .unwrap();
        let records = read_manifest(&path).unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records["a"].status, Status::Done);
        let manifest = Manifest::open(&path).unwrap();
        let mut record = records["a"].clone();
        record.key = "c".into();
        manifest.append(&record).unwrap();
        let records = read_manifest(&path).unwrap();
        assert!(records.contains_key("c"), "{records:?}");
    }

    #[test]
    fn spending_is_read_from_the_balances() {
        let mut summary = Summary {
            credits_seen: Some((99.0, 96.0)),
            credited_calls: 4,
            ..Summary::default()
        };
        assert_eq!(summary.credits_spent(), Some(4.0));
        summary.credited_calls = 1;
        assert_eq!(summary.credits_spent(), None);
    }
}
