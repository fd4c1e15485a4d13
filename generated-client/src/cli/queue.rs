//! The queued API from the command line: `--queue` on every endpoint
//! command, `segmind job <id>` to collect a job later, and
//! `segmind credits`.

use std::time::Duration;

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use super::call::{output_args, write_and_report};
use super::exit::{Exit, Failure};
use super::table::{self, Answer, EndpointRow, IntoAnswer, Request};
use super::{note, print_json, Globals};
use crate::runtime::OutputKind;
use crate::{
    AudioResponse, Client, ImageResponse, JsonResponse, Queue, RequestOptions, TextResponse,
    VideoResponse, WaitOptions,
};

/// The flags an endpoint command gains for the queue. A model whose page
/// advises the queue (a video model, say) uses it unless `--sync` says
/// otherwise, and waits as long as its spec says.
pub(crate) fn flags(row: &EndpointRow) -> [Arg; 3] {
    let mut deadline = deadline();
    if let Some(seconds) = row.queue_deadline_secs {
        deadline = deadline.default_value(seconds.to_string());
    }
    [
        Arg::new("queue")
            .long("queue")
            .help_heading("Queue")
            .action(ArgAction::SetTrue)
            .conflicts_with("sync")
            .help(if row.queued {
                "Submit to the queued API (/v2) and wait for the result (the default for this \
                 model, whose page advises the queue)"
            } else {
                "Submit to the queued API (/v2) and wait for the result, with a progress line; \
                 a wait that runs out leaves the job running (see `segmind job`)"
            }),
        Arg::new("sync")
            .long("sync")
            .help_heading("Queue")
            .action(ArgAction::SetTrue)
            .help(if row.queued {
                "Call the synchronous API (/v1) instead of the queue this model's page advises"
            } else {
                "Call the synchronous API (/v1), as is the default for this model"
            }),
        deadline,
    ]
}

/// Whether a call goes through the queue: `--queue`, or a model whose page
/// advises it without `--sync`.
pub(crate) fn use_queue(row: &EndpointRow, args: &ArgMatches) -> bool {
    args.get_flag("queue") || (row.queued && !args.get_flag("sync"))
}

fn deadline() -> Arg {
    Arg::new("deadline")
        .long("deadline")
        .help_heading("Queue")
        .value_name("SECONDS")
        .value_parser(value_parser!(u64).range(1..))
        .default_value("600")
        .help("How long to wait for a queued job before giving up (the job goes on)")
}

/// `segmind job <REQUEST_ID> --model <SLUG>`.
pub(crate) fn job_command() -> Command {
    let models: Vec<&'static str> = crate::generated::cli::COMMANDS
        .iter()
        .map(|row| row.slug)
        .collect();
    Command::new("job")
        .about("Wait for a queued job by its request id and save its result")
        .arg(
            Arg::new("request-id")
                .required(true)
                .value_name("REQUEST_ID")
                .help("The id `--queue` printed when it submitted the job"),
        )
        .arg(
            Arg::new("model")
                .long("model")
                .required(true)
                .value_name("SLUG")
                .value_parser(clap::builder::PossibleValuesParser::new(models))
                .help("The endpoint the job was submitted to"),
        )
        .arg(deadline())
        .args(output_args())
}

/// `segmind credits`.
pub(crate) fn credits_command() -> Command {
    Command::new("credits").about("Show the account's credits")
}

/// A progress line on stderr (drawn only on a terminal) and wait options
/// that keep it current.
fn progress(args: &ArgMatches) -> (WaitOptions, ProgressBar) {
    let seconds = args.get_one::<u64>("deadline").copied().unwrap_or(600);
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    let shown = bar.clone();
    let options = WaitOptions::new()
        .deadline(Duration::from_secs(seconds))
        .on_update(move |update| {
            shown.set_message(format!("{} ({} polls)", update.status, update.polls));
        });
    (options, bar)
}

/// Submits `request` to the queue and waits for it; the answer and the
/// job's request id.
pub(crate) async fn submit_and_wait(
    client: &Client,
    slug: &'static str,
    request: &dyn Request,
    send: RequestOptions,
    args: &ArgMatches,
) -> Result<(Answer, String), Failure> {
    let (options, bar) = progress(args);
    let queue = client.queue();
    let mut request_id = String::new();
    let submitted = |id: &str| {
        request_id = id.to_owned();
        bar.suspend(|| {
            note(format!(
                "submitted {id}; if this wait ends early, collect it with \
                 `segmind job {id} --model {slug}`"
            ))
        });
    };
    let answer = request
        .queued(&queue, send, options, Box::new(submitted))
        .await;
    bar.finish_and_clear();
    Ok((answer?, request_id))
}

/// `segmind job`: waits for the job and writes its result like the call
/// that submitted it would have.
pub(crate) fn run_job(globals: &Globals, args: &ArgMatches) -> Result<Exit, Failure> {
    let id = args
        .get_one::<String>("request-id")
        .ok_or_else(|| Failure::usage("no request id given"))?;
    let slug = args
        .get_one::<String>("model")
        .ok_or_else(|| Failure::usage("no --model given"))?;
    let row = table::find(slug).ok_or_else(|| Failure::usage(format!("unknown model `{slug}`")))?;
    let client = globals.client()?;
    let queue = client.queue();
    let runtime = super::runtime()?;
    let (options, bar) = progress(args);
    let answer = runtime.block_on(collect_job(&queue, row, id, options));
    bar.finish_and_clear();
    write_and_report(globals, row, args, &answer?, Some(id), None)
}

/// Waits for the job `id` of the endpoint `row`, as the output type its
/// spec names.
pub(crate) async fn collect_job(
    queue: &Queue,
    row: &EndpointRow,
    id: &str,
    options: WaitOptions,
) -> Result<Answer, crate::Error> {
    match row.returns {
        "image" => collect::<ImageResponse>(queue, row.slug, id, options).await,
        "video" => collect::<VideoResponse>(queue, row.slug, id, options).await,
        "audio" => collect::<AudioResponse>(queue, row.slug, id, options).await,
        "text" => collect::<TextResponse>(queue, row.slug, id, options).await,
        _ => collect::<JsonResponse>(queue, row.slug, id, options).await,
    }
}

/// Waits for the job `id` of `slug`, whose output type is `O`.
async fn collect<O: OutputKind + IntoAnswer>(
    queue: &Queue,
    slug: &str,
    id: &str,
    options: WaitOptions,
) -> Result<Answer, crate::Error> {
    let job = queue.job::<O>(slug, id)?;
    queue
        .wait_with(&job, options)
        .await
        .map(IntoAnswer::into_answer)
}

/// `segmind credits`.
pub(crate) fn run_credits(globals: &Globals) -> Result<Exit, Failure> {
    let client = globals.client()?;
    let credits = super::runtime()?.block_on(client.credits())?;
    if globals.json {
        print_json(&json!({
            "credits": credits.credits,
            "free_credits": credits.free_credits,
        }))?;
    } else {
        super::write_stdout(
            format!(
                "{} credits ({} free)\n",
                credits.credits, credits.free_credits
            )
            .as_bytes(),
        )?;
    }
    Ok(Exit::Success)
}
