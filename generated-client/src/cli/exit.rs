//! Exit codes by kind of failure, so scripts can tell a refused request
//! from an empty balance or a network outage without parsing messages.

use std::process::ExitCode;

use crate::Error;

/// Why the tool stopped. The numbers are part of its interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    Success = 0,
    /// Anything else: a file that cannot be read or written, an answer that
    /// cannot be decoded.
    Other = 1,
    /// Bad arguments or configuration (clap uses 2 as well).
    Usage = 2,
    /// Refused before sending by the spec's rules, or by the server (400).
    Validation = 3,
    /// The key was missing, unknown or not allowed (401, 403).
    Auth = 4,
    /// The balance cannot pay for the call (406).
    Credits = 5,
    /// Still rate limited (429) once the client's retries ran out.
    RateLimit = 6,
    /// The server failed (5xx, or a status the API does not document).
    Server = 7,
    /// No answer: connection refused or broken, timeout, not HTTP.
    Network = 8,
    /// A batch finished with lines that failed (each is in the manifest).
    BatchFailed = 9,
    Unfinished = 10,
    /// Stopped by Ctrl-C or SIGTERM; a batch resumes where it stopped.
    Interrupted = 130,
}

/// The table `--help` shows after the commands.
pub(crate) const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success
  1    other failure (a file unreadable or unwritable, an undecodable answer,
       a successful answer whose body broke off: it may have been charged)
  2    usage: bad arguments or configuration (no API key, bad base URL)
  3    validation: refused before sending by the spec's rules, or by the server (400)
  4    auth: API key missing, unknown or not allowed (401, 403)
  5    credits: insufficient credits (406)
  6    rate limit: still 429 after the client's retries
  7    server: 5xx, an undocumented status, a failed or expired queued job
  8    network: no connection, connection broken before an answer, timeout, not HTTP
  9    batch: finished, but some lines failed (see the manifest)
  10   a queued job did not finish within --deadline; it goes on: collect it with `segmind job`
  130  interrupted (Ctrl-C or SIGTERM); rerun a batch to resume it";

impl Exit {
    /// The kind of a client error.
    pub(crate) fn of(error: &Error) -> Exit {
        match error {
            Error::Validation(_) | Error::BadRequest(_) => Exit::Validation,
            Error::Unauthorized(_) | Error::Forbidden(_) => Exit::Auth,
            Error::InsufficientCredits(_) => Exit::Credits,
            Error::RateLimited(_) => Exit::RateLimit,
            Error::NotFound(_)
            | Error::Server(_)
            | Error::BadGateway(_)
            | Error::ServiceUnavailable(_)
            | Error::GatewayTimeout(_)
            | Error::OtherStatus(_)
            | Error::JobFailed { .. }
            | Error::JobExpired { .. } => Exit::Server,
            Error::JobDeadline { .. } => Exit::Unfinished,
            Error::Connect { .. }
            | Error::Timeout { .. }
            | Error::Connection { .. }
            | Error::MalformedResponse { .. } => Exit::Network,
            Error::Config { .. } => Exit::Usage,
            _ => Exit::Other,
        }
    }

    /// A short name for the manifest and `--json` output.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Exit::Success => "success",
            Exit::Other => "other",
            Exit::Usage => "usage",
            Exit::Validation => "validation",
            Exit::Auth => "auth",
            Exit::Credits => "credits",
            Exit::RateLimit => "rate_limit",
            Exit::Server => "server",
            Exit::Network => "network",
            Exit::BatchFailed => "batch_failed",
            Exit::Unfinished => "unfinished",
            Exit::Interrupted => "interrupted",
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// A failure with its message, which `main` prints before exiting.
#[derive(Debug)]
pub(crate) struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::new(Exit::of(&error), error.to_string())
    }
}
