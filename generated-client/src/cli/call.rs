//! One call to one endpoint: its subcommand, built from the endpoint's row
//! of the generated table; the flags turned into a JSON body; the body
//! read into the crate's request type and validated by it; then a dry run
//! or the call, and the answer written out.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::builder::PossibleValuesParser;
use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};
use serde_json::{json, Map, Value};

use super::exit::{Exit, Failure};
use super::table::{Answer, EndpointRow, Kind, Param, Request};
use super::{note, print_json, write_stdout, Globals};
use crate::runtime::API_KEY_ENV;
use crate::{AudioInput, FileInput, ImageInput, MediaFile, RequestOptions, VideoInput};

/// The flags every endpoint command has besides its parameters; a parameter
/// whose flag would clash is offered as `--param-<name>` instead.
const OWN_FLAGS: &[&str] = &[
    "output",
    "out-dir",
    "dry-run",
    "help",
    "base-url",
    "api-key",
    "json",
    "max-attempts",
    "field",
    "queue",
    "sync",
    "deadline",
];

/// The id of `--field`: not a wire name, which has no `-`.
const EXTRA_FIELD: &str = "extra-field";

/// The flag of a parameter: its wire name in kebab case.
pub(crate) fn flag(param: &Param) -> String {
    let long = param.wire.replace('_', "-");
    if OWN_FLAGS.contains(&long.as_str()) {
        format!("param-{long}")
    } else {
        long
    }
}

/// The parameter's help line: its description, then what is allowed and
/// the default the server applies when the flag is left out.
fn help(param: &Param) -> String {
    let mut help = param.description.trim().to_owned();
    match param.kind {
        Kind::Media(_) => help.push_str(" [a file, an http(s) URL, or - for stdin]"),
        Kind::List {
            item: Kind::Media(_),
            ..
        } => help.push_str(" [repeat the flag, once per item: a file or an http(s) URL each]"),
        Kind::List { .. } => help.push_str(" [repeat the flag, once per item]"),
        Kind::Object => help.push_str(" [JSON text]"),
        _ => {}
    }
    if let Some(constraint) = param.kind.constraint() {
        help.push_str(&format!(" [allowed: {constraint}]"));
    }
    if let Some(default) = param.default {
        help.push_str(&format!(" [default: {}]", quoted(default)));
    }
    help
}

/// A value as help shows it: quoted when it holds spaces or is empty.
fn quoted(value: &str) -> String {
    if value.is_empty() || value.contains(char::is_whitespace) {
        format!("{value:?}")
    } else {
        value.to_owned()
    }
}

/// The subcommand for one endpoint.
pub(crate) fn command(row: &'static EndpointRow) -> Command {
    let params = row.params.iter().map(|param| {
        let long = flag(param);
        let mut arg = Arg::new(param.wire)
            .long(long.clone())
            .help(help(param))
            .help_heading("Parameters")
            .required(param.required);
        if long != param.wire {
            arg = arg.alias(param.wire);
        }
        match &param.kind {
            Kind::List { item, .. } => value_arg(arg, item).action(ArgAction::Append),
            kind => value_arg(arg, kind),
        }
    });
    let about = format!("{}: {}", row.title, row.description.trim());
    Command::new(row.slug)
        .about(about)
        .after_help(
            "Parameters left out are not sent: the server applies the default shown. \
             Values are checked against the spec before anything is sent.",
        )
        .args(params)
        .arg(
            Arg::new(EXTRA_FIELD)
                .long("field")
                .help_heading("Parameters")
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .help(
                    "Also send NAME with VALUE in the body (repeatable): a parameter the spec \
                     lacks, or a value it does not list. VALUE is JSON when it parses \
                     (`--field tile_size=512`), else text. Sent as given, unchecked; \
                     the server refuses what it does not accept",
                ),
        )
        .args(output_args())
        .args(super::queue::flags(row))
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .help_heading("Output")
                .action(ArgAction::SetTrue)
                .help("Print the JSON body and an equivalent curl command; send nothing"),
        )
}

/// How one value of `kind` is read from the command line.
fn value_arg(arg: Arg, kind: &Kind) -> Arg {
    match kind {
        Kind::String => arg.value_name("TEXT"),
        Kind::Media(_) => arg
            .value_name("PATH|URL|-")
            .value_hint(clap::ValueHint::FilePath),
        Kind::Boolean => arg
            .value_name("BOOL")
            .value_parser(value_parser!(bool))
            .num_args(0..=1)
            .require_equals(false)
            .default_missing_value("true"),
        Kind::Integer { .. } => arg
            .value_name("INT")
            .value_parser(whole_number)
            .allow_negative_numbers(true),
        Kind::Number { .. } => arg
            .value_name("NUMBER")
            .value_parser(value_parser!(f64))
            .allow_negative_numbers(true),
        Kind::Enum(values) => arg
            .value_name("VALUE")
            .value_parser(PossibleValuesParser::new(values.iter().copied())),
        // A list's items are read one flag each; an object is JSON text.
        Kind::List { .. } | Kind::Object => {
            arg.value_name("JSON").value_parser(value_parser!(String))
        }
    }
}

/// `-o` and `--out-dir`, shared by the endpoint commands and `job`.
pub(crate) fn output_args() -> [Arg; 2] {
    [
        Arg::new("output")
            .short('o')
            .long("output")
            .help_heading("Output")
            .value_name("FILE|-")
            .value_hint(clap::ValueHint::FilePath)
            .conflicts_with("out-dir")
            .help(
                "Where to write the answer (an image, a video, audio or text): its extension \
                 is the one the content type calls for; further files get -2, -3, ...; `-` \
                 writes the first to stdout",
            ),
        Arg::new("out-dir")
            .long("out-dir")
            .help_heading("Output")
            .value_name("DIR")
            .value_hint(clap::ValueHint::DirPath)
            .help("Write the answer's files to this folder, named after the endpoint"),
    ]
}

/// Reads a media parameter (`medium` is the spec's `image`, `video`,
/// `audio` or `file`) into its wire string: `-` from stdin (once),
/// `http(s)://` as a URL, anything else as a file, encoded as the crate's
/// input type for that medium encodes it.
fn media_input(medium: &str, value: &str, stdin_taken: &mut bool) -> Result<String, Failure> {
    if value == "-" {
        if std::mem::replace(stdin_taken, true) {
            return Err(Failure::usage(
                "only one input file can be read from stdin (`-`)",
            ));
        }
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|error| Failure::new(Exit::Other, format!("cannot read stdin: {error}")))?;
        return Ok(ImageInput::from_bytes(bytes).as_str().to_owned());
    }
    if value.starts_with("https://") || value.starts_with("http://") {
        return Ok(value.to_owned());
    }
    let read = match medium {
        "image" => ImageInput::from_file(value).map(|input| input.as_str().to_owned()),
        "video" => VideoInput::from_file(value).map(|input| input.as_str().to_owned()),
        "audio" => AudioInput::from_file(value).map(|input| input.as_str().to_owned()),
        _ => FileInput::from_file(value).map(|input| input.as_str().to_owned()),
    };
    read.map_err(|error| Failure::new(Exit::Other, error.to_string()))
}

/// The JSON body the flags describe, parameters in spec order.
fn body(row: &EndpointRow, args: &ArgMatches) -> Result<Value, Failure> {
    let mut body = Map::new();
    let mut stdin_taken = false;
    for param in row.params {
        let value = match &param.kind {
            Kind::List { item, .. } => match args.get_many::<String>(param.wire) {
                Some(_) if matches!(item, Kind::Object) => Some(Value::Array(
                    args.get_many::<String>(param.wire)
                        .into_iter()
                        .flatten()
                        .map(|text| json_value(param, text))
                        .collect::<Result<_, _>>()?,
                )),
                Some(_) => {
                    let mut items = Vec::new();
                    for raw in args.get_raw(param.wire).into_iter().flatten() {
                        let text = raw.to_string_lossy();
                        items.push(item_value(param, item, &text, &mut stdin_taken)?);
                    }
                    Some(Value::Array(items))
                }
                None => None,
            },
            Kind::Object => match args.get_one::<String>(param.wire) {
                Some(text) => Some(json_value(param, text)?),
                None => None,
            },
            Kind::String | Kind::Enum(_) => args.get_one::<String>(param.wire).map(|s| json!(s)),
            Kind::Media(medium) => match args.get_one::<String>(param.wire) {
                Some(value) => Some(json!(media_input(medium, value, &mut stdin_taken)?)),
                None => None,
            },
            Kind::Boolean => args.get_one::<bool>(param.wire).map(|b| json!(b)),
            Kind::Integer { .. } => args.get_one::<i64>(param.wire).map(|n| json!(n)),
            Kind::Number { .. } => args.get_one::<f64>(param.wire).map(|n| json!(n)),
        };
        if let Some(value) = value {
            body.insert(param.wire.to_owned(), value);
        }
    }
    Ok(Value::Object(body))
}

/// One item of a list flag, read as its kind says (the flag's own parser
/// reads every item as text).
fn item_value(
    param: &Param,
    item: &Kind,
    text: &str,
    stdin_taken: &mut bool,
) -> Result<Value, Failure> {
    let refused = |what: &str| Failure::usage(format!("--{}: `{text}` is not {what}", flag(param)));
    Ok(match item {
        Kind::Media(medium) => json!(media_input(medium, text, stdin_taken)?),
        Kind::Integer { .. } => json!(whole_number(text).map_err(|_| refused("a whole number"))?),
        Kind::Number { .. } => json!(text.parse::<f64>().map_err(|_| refused("a number"))?),
        Kind::Boolean => json!(text.parse::<bool>().map_err(|_| refused("true or false"))?),
        Kind::Enum(values) if !values.contains(&text) => {
            return Err(refused(&format!("one of {}", values.join(", "))))
        }
        Kind::Object | Kind::List { .. } => json_value(param, text)?,
        Kind::String | Kind::Enum(_) => json!(text),
    })
}

/// An integer flag's value: an integer, or a number without a fraction
/// (`2.0`), as a JSON body reads it.
fn whole_number(text: &str) -> Result<i64, String> {
    text.trim()
        .parse::<i64>()
        .ok()
        .or_else(|| {
            text.trim()
                .parse::<f64>()
                .ok()
                .and_then(crate::runtime::as_whole)
        })
        .ok_or_else(|| format!("`{text}` is not a whole number"))
}

/// A flag's JSON text, parsed.
fn json_value(param: &Param, text: &str) -> Result<Value, Failure> {
    serde_json::from_str(text)
        .map_err(|error| Failure::usage(format!("--{}: not valid JSON ({error})", flag(param))))
}

/// `--field NAME=VALUE`s, in the order given: VALUE as JSON when it
/// parses, else as text.
fn extra_fields(args: &ArgMatches) -> Result<Vec<(String, Value)>, Failure> {
    let Some(fields) = args.get_many::<String>(EXTRA_FIELD) else {
        return Ok(Vec::new());
    };
    fields
        .map(|field| match field.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                let value = serde_json::from_str(value).unwrap_or_else(|_| json!(value));
                Ok((name.trim().to_owned(), value))
            }
            _ => Err(Failure::usage(format!(
                "--field: `{field}` is not NAME=VALUE (as in `--field tile_size=512`)"
            ))),
        })
        .collect()
}

/// Reads a body into the endpoint's request type and validates it with the
/// crate's own rules and messages.
pub(crate) fn checked_request(row: &EndpointRow, body: Value) -> Result<Box<dyn Request>, Failure> {
    let request = (row.request)(body).map_err(|error| {
        Failure::new(
            Exit::Validation,
            format!("invalid `{}` request: {error}", row.slug),
        )
    })?;
    request
        .validate()
        .map_err(|errors| Failure::new(Exit::Validation, errors.to_string()))?;
    Ok(request)
}

pub(crate) fn run(
    globals: &Globals,
    row: &'static EndpointRow,
    args: &ArgMatches,
) -> Result<Exit, Failure> {
    let started = Instant::now();
    let request = checked_request(row, body(row, args)?)?;
    let extra = extra_fields(args)?;
    // The body as the client sends it: the `--field`s over the request's
    // own, in order, as `RequestOptions::body_field` applies them.
    let mut sent_body = request.body();
    if let Some(object) = sent_body.as_object_mut() {
        for (name, value) in &extra {
            object.insert(name.clone(), value.clone());
        }
    }
    if args.get_flag("dry-run") {
        return dry_run(globals, row, &sent_body);
    }
    let seed = sent_body.get("seed").cloned();
    let options = extra
        .into_iter()
        .fold(RequestOptions::new(), |options, (name, value)| {
            options.body_field(name, value)
        });
    check_outputs(globals, args)?;
    let client = globals.client()?;
    let runtime = super::runtime()?;
    let sent = Instant::now();
    let (answer, request_id) = if super::queue::use_queue(row, args) {
        let (answer, id) = runtime.block_on(super::queue::submit_and_wait(
            &client, row.slug, &*request, options, args,
        ))?;
        (answer, Some(id))
    } else {
        let answer = runtime.block_on(request.send(&client, options))?;
        (answer, None)
    };
    let timings = json!({
        "request_ms": sent.elapsed().as_secs_f64() * 1e3,
        "total_ms": started.elapsed().as_secs_f64() * 1e3,
    });
    write_and_report(
        globals,
        row,
        args,
        &answer,
        request_id.as_deref(),
        Some((seed, timings)),
    )
}

/// `--json` and `-o -` both want stdout.
fn check_outputs(globals: &Globals, args: &ArgMatches) -> Result<(), Failure> {
    let output = args.get_one::<String>("output").map(String::as_str);
    if output == Some("-") && globals.json {
        return Err(Failure::usage(
            "`--json` and `-o -` both want stdout; pick one",
        ));
    }
    Ok(())
}

/// Writes an answer as `-o`/`--out-dir` say and reports it: the paths (or
/// JSON) on stdout, or one `--json` document with the files, the seed, the
/// credits left, the request id of a queued job and the timings.
pub(crate) fn write_and_report(
    globals: &Globals,
    row: &EndpointRow,
    args: &ArgMatches,
    answer: &Answer,
    request_id: Option<&str>,
    sent: Option<(Option<Value>, Value)>,
) -> Result<Exit, Failure> {
    check_outputs(globals, args)?;
    let output = args.get_one::<String>("output").map(String::as_str);
    let out_dir = args.get_one::<String>("out-dir").map(Path::new);
    let written = write_answer(row, answer, output, out_dir)?;
    let (seed, timings) = sent.unwrap_or((None, Value::Null));
    if globals.json {
        print_json(&json!({
            "endpoint": row.slug,
            "files": written.files,
            "json": written.json,
            "seed": seed,
            "request_id": request_id,
            "remaining_credits": answer.remaining_credits(),
            "timings": timings,
        }))?;
    } else {
        if let Some(value) = &written.json {
            let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
            text.push('\n');
            write_stdout(text.as_bytes())?;
        }
        for file in &written.files {
            if let Some(path) = file.get("path").and_then(Value::as_str) {
                write_stdout(format!("{path}\n").as_bytes())?;
            }
        }
        if let Some(credits) = answer.remaining_credits() {
            note(format!("{credits} credits left"));
        }
    }
    Ok(Exit::Success)
}

/// What was written: one entry per file, or the JSON answer itself when it
/// went to stdout.
#[derive(Debug, Default)]
pub(crate) struct Written {
    pub files: Vec<Value>,
    pub json: Option<Value>,
}

/// Writes the answer: images to files named after `output` (or the
/// endpoint, in `out_dir`), or the first to stdout for `-`; a JSON answer
/// to the file, or stdout.
pub(crate) fn write_answer(
    row: &EndpointRow,
    answer: &Answer,
    output: Option<&str>,
    out_dir: Option<&Path>,
) -> Result<Written, Failure> {
    let mut written = Written::default();
    match answer {
        Answer::Files(files, _) => {
            if output == Some("-") {
                if files.len() > 1 {
                    note(format!(
                        "warning: {} files came back; only the first goes to stdout",
                        files.len()
                    ));
                }
                if let Some(first) = files.first() {
                    write_stdout(first.bytes())?;
                }
                return Ok(written);
            }
            let stem = match output {
                Some(path) => PathBuf::from(path),
                None => out_dir.unwrap_or(Path::new("")).join(row.slug),
            };
            for (index, file) in files.iter().enumerate() {
                let path = image_path(&stem, index, file);
                save(&path, file.bytes())?;
                written.files.push(json!({
                    "path": path.display().to_string(),
                    "content_type": file.content_type(),
                    "bytes": file.bytes().len(),
                }));
            }
        }
        Answer::Text(response) => match output.filter(|path| *path != "-") {
            Some(path) => {
                save(Path::new(path), response.text().as_bytes())?;
                written.files.push(json!({
                    "path": path,
                    "content_type": "text/plain",
                    "bytes": response.text().len(),
                }));
            }
            None => written.json = Some(Value::from(response.text())),
        },
        Answer::Json(response) => match output.filter(|path| *path != "-") {
            Some(path) => {
                let text = serde_json::to_vec_pretty(response.value()).unwrap_or_default();
                save(Path::new(path), &text)?;
                written.files.push(json!({
                    "path": path,
                    "content_type": "application/json",
                    "bytes": text.len(),
                }));
            }
            None => written.json = Some(response.value().clone()),
        },
    }
    Ok(written)
}

/// `stem` with the extension the file's content type calls for, and
/// `-2`, `-3`, ... for samples after the first: `out.jpg`, `out-2.jpg`,
/// `clip.mp4`.
pub(crate) fn image_path(stem: &Path, index: usize, image: &MediaFile) -> PathBuf {
    let mut name = stem
        .file_name()
        .map(|name| Path::new(name).with_extension(""))
        .unwrap_or_default()
        .into_os_string();
    // A slug such as `sd1.5-img2img` is all stem.
    if stem.extension().is_some_and(|ext| !is_image_extension(ext)) {
        name = stem.file_name().unwrap_or_default().to_owned();
    }
    if index > 0 {
        name.push(format!("-{}", index + 1));
    }
    name.push(".");
    name.push(image.extension());
    stem.with_file_name(name)
}

fn is_image_extension(ext: &std::ffi::OsStr) -> bool {
    let ext = ext.to_string_lossy().to_ascii_lowercase();
    [
        "jpg", "jpeg", "png", "webp", "gif", "bin", "json", "mp4", "webm", "mov", "mkv", "avi",
        "wav", "mp3", "ogg", "flac", "aac", "m4a", "txt",
    ]
    .contains(&ext.as_str())
}

/// Writes a file, creating its folder.
pub(crate) fn save(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let cannot = |error: std::io::Error| {
        Failure::new(
            Exit::Other,
            format!("cannot write {}: {error}", path.display()),
        )
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(cannot)?;
    }
    std::fs::write(path, bytes).map_err(cannot)
}

/// Prints the body that would be sent and a curl command that sends it,
/// with the key left to the shell's environment.
fn dry_run(globals: &Globals, row: &EndpointRow, body: &Value) -> Result<Exit, Failure> {
    let url = format!("{}/{}", globals.base_url(), row.slug);
    let curl = format!(
        "curl -sS -X POST {} -H \"x-api-key: ${API_KEY_ENV}\" -H 'content-type: application/json' \
         --data-binary {} -o {}",
        shell_quote(&url),
        shell_quote(&body.to_string()),
        shell_quote(&format!("{}.out", row.slug)),
    );
    if globals.json {
        print_json(&json!({ "endpoint": row.slug, "url": url, "body": body, "curl": curl }))?;
    } else {
        let pretty = serde_json::to_string_pretty(&body).unwrap_or_default();
        write_stdout(format!("{pretty}\n\n{curl}\n").as_bytes())?;
    }
    Ok(Exit::Success)
}

/// Single-quotes a word for a POSIX shell.
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_numbered_and_take_the_content_types_extension() {
        let png = MediaFile::new(vec![1u8], "image/png");
        let jpeg = MediaFile::new(vec![1u8], "image/jpeg");
        assert_eq!(
            image_path(Path::new("out.jpg"), 0, &png),
            Path::new("out.png")
        );
        assert_eq!(
            image_path(Path::new("out.jpg"), 0, &jpeg),
            Path::new("out.jpg")
        );
        assert_eq!(
            image_path(Path::new("a/out"), 2, &jpeg),
            Path::new("a/out-3.jpg")
        );
        assert_eq!(
            image_path(Path::new("d/sd1.5-img2img"), 1, &png),
            Path::new("d/sd1.5-img2img-2.png")
        );
    }

    #[test]
    fn words_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
