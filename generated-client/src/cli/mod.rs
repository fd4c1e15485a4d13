//! The `segmind` command-line tool (cargo feature `cli`; the binary is
//! `src/bin/segmind.rs`).
//!
//! The per-endpoint subcommands are built at run time from the table the
//! generator writes from the specs (`generated/cli.rs`, read through
//! `table`), so a new spec gets a subcommand, its flags and their help
//! without code here. Requests are built, validated and sent by the crate
//! itself: the tool only turns flags into a JSON body and answers into
//! files.

mod batch;
mod call;
mod exit;
mod mcp;
mod models;
mod queue;
pub(crate) mod table;

use std::io::Write;
use std::process::ExitCode;

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};

use crate::runtime::{API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL};
use crate::{Client, RetryPolicy};
use exit::{Exit, Failure, EXIT_CODES_HELP};

/// Runs the tool on the process's arguments and returns its exit code.
#[doc(hidden)]
pub fn main() -> ExitCode {
    let matches = command().get_matches();
    let globals = Globals::from(&matches);
    match run(&globals, &matches) {
        Ok(exit) => exit.into(),
        Err(failure) => {
            // A closed stderr leaves nothing to report to.
            let _ = writeln!(std::io::stderr(), "error: {}", failure.message);
            failure.exit.into()
        }
    }
}

fn run(globals: &Globals, matches: &ArgMatches) -> Result<Exit, Failure> {
    match matches.subcommand() {
        Some(("batch", args)) => batch::run(globals, args),
        Some(("job", args)) => queue::run_job(globals, args),
        Some(("credits", _)) => queue::run_credits(globals),
        Some(("models", _)) => models::run(globals),
        Some(("mcp", args)) => mcp::run(globals, args),
        Some(("completions", args)) => completions(args),
        Some((slug, args)) => match table::find(slug) {
            Some(row) => call::run(globals, row, args),
            None => Err(Failure::usage(format!("unknown command `{slug}`"))),
        },
        None => Err(Failure::usage("no command given; see `segmind --help`")),
    }
}

/// The whole command tree: the fixed commands and one per endpoint.
pub(crate) fn command() -> Command {
    let endpoints = crate::generated::cli::COMMANDS.iter().map(call::command);
    Command::new("segmind")
        .about("Call Segmind's models (images, video, audio, text) from the command line")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_help(format!(
            "The API key is read from {API_KEY_ENV}; the base URL from --base-url, else \
             {BASE_URL_ENV}, else {DEFAULT_BASE_URL}.\n\n{EXIT_CODES_HELP}"
        ))
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .help_heading("Global options")
                .global(true)
                .value_name("URL")
                .help(format!(
                    "The API's versioned base URL [default: ${BASE_URL_ENV}, else {DEFAULT_BASE_URL}]"
                )),
        )
        .arg(
            Arg::new("api-key")
                .long("api-key")
                .help_heading("Global options")
                .global(true)
                .value_name("KEY")
                .help(format!(
                    "The API key; prefer {API_KEY_ENV}, as a flag shows in the process list and \
                     shell history (a warning is printed)"
                )),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .help_heading("Global options")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print machine-readable JSON results on stdout"),
        )
        .arg(
            Arg::new("max-attempts")
                .long("max-attempts")
                .help_heading("Global options")
                .global(true)
                .value_name("N")
                .value_parser(value_parser!(u32).range(1..))
                .help(
                    "Attempts per call, the first included [default: 3]; only what cannot \
                     have been charged (no connection, 429, 503) is retried",
                ),
        )
        .subcommands(endpoints)
        .subcommand(batch::command())
        .subcommand(queue::job_command())
        .subcommand(queue::credits_command())
        .subcommand(mcp::command())
        .subcommand(
            Command::new("models").about("List the endpoints and their parameters"),
        )
        .subcommand(
            Command::new("completions")
                .about("Print shell completions (bash, zsh, fish, elvish, powershell)")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(value_parser!(clap_complete::Shell)),
                ),
        )
}

fn completions(args: &ArgMatches) -> Result<Exit, Failure> {
    let Some(&shell) = args.get_one::<clap_complete::Shell>("shell") else {
        return Err(Failure::usage("no shell given"));
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command(), "segmind", &mut out);
    write_listing(&out)?;
    Ok(Exit::Success)
}

/// Options every command takes.
#[derive(Debug)]
pub(crate) struct Globals {
    base_url: Option<String>,
    api_key: Option<String>,
    pub(crate) json: bool,
    max_attempts: Option<u32>,
}

impl Globals {
    fn from(matches: &ArgMatches) -> Self {
        Self {
            base_url: matches.get_one::<String>("base-url").cloned(),
            api_key: matches.get_one::<String>("api-key").cloned(),
            json: matches.get_flag("json"),
            max_attempts: matches.get_one::<u32>("max-attempts").copied(),
        }
    }

    /// The base URL a call goes to, for `--dry-run`'s curl command: the
    /// flag, else the environment, else the API's.
    pub(crate) fn base_url(&self) -> String {
        let from_env = || {
            std::env::var(BASE_URL_ENV)
                .ok()
                .filter(|url| !url.trim().is_empty())
        };
        self.base_url
            .clone()
            .or_else(from_env)
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned())
            .trim()
            .trim_end_matches('/')
            .to_owned()
    }

    /// The client, configured from the flags and the environment. Its
    /// default retry policy retries only what cannot have been charged.
    pub(crate) fn client(&self) -> Result<Client, Failure> {
        let mut builder = Client::builder();
        if let Some(key) = &self.api_key {
            // Never echoed, only warned about.
            let _ = writeln!(
                std::io::stderr(),
                "warning: --api-key puts the key in the process list and shell history; \
                 set {API_KEY_ENV} instead"
            );
            builder = builder.api_key(key.as_str());
        }
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url.as_str());
        }
        if let Some(attempts) = self.max_attempts {
            builder = builder.retry(RetryPolicy::default().max_attempts(attempts));
        }
        Ok(builder.build()?)
    }
}

/// A multi-threaded runtime for the calls.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::new(Exit::Other, format!("cannot start the runtime: {error}")))
}

/// Writes to stdout; a reader that went away is not worth a panic.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    write_all_to_stdout(bytes).map_err(stdout_failure)
}

/// Like [`write_stdout`], for a listing a reader may stop reading early
/// (`segmind completions zsh | head`): a closed pipe ends the command
/// quietly, as it ends a Unix filter. An answer written with `-o -` keeps
/// the error: that call was paid for, and its bytes were not all read.
pub(crate) fn write_listing(bytes: &[u8]) -> Result<(), Failure> {
    match write_all_to_stdout(bytes) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(stdout_failure),
    }
}

fn write_all_to_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes).and_then(|()| stdout.flush())
}

fn stdout_failure(error: std::io::Error) -> Failure {
    Failure::new(Exit::Other, format!("cannot write to stdout: {error}"))
}

/// Prints a JSON value on stdout, one document per line.
pub(crate) fn print_json(value: &serde_json::Value) -> Result<(), Failure> {
    let mut text = value.to_string();
    text.push('\n');
    write_stdout(text.as_bytes())
}

/// Writes a line to stderr (progress notes, warnings, summaries).
pub(crate) fn note(message: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr(), "{message}");
}
