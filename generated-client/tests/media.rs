//! Video and audio answers from the mock (feature `mock`), through the
//! synchronous API and the queue, decoded by the client, saved with their
//! extension and read back by a standard media probe (ffprobe) as what
//! their content type says, as long as the request asked.
//!
//! ffprobe comes from Debian's `ffmpeg`, which `.ci/run` installs. Outside
//! CI a machine without it skips the probe (and says so); in CI a missing
//! probe fails the test.

use std::path::Path;
use std::process::Command;

use segmind::mock::MockServer;
use segmind::runtime::{OutputKind, Returns};
use segmind::{AudioResponse, Client, DecodeResponse, MediaFile, RetryPolicy, VideoResponse};
use serde_json::{json, Value};

const KEY: &str = "sk-mock-test-SECRET-media";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry(RetryPolicy::none())
        .build()
        .expect("client builds")
}

/// The vendor page's example body for `slug`.
fn example(slug: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/seed-examples/{slug}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("seed example is JSON")
}

/// The slugs of compiled-in endpoints that answer with `returns`.
fn endpoints(returns: Returns) -> Vec<&'static str> {
    segmind::ENDPOINT_INFO
        .iter()
        .filter(|info| info.returns == returns)
        .map(|info| info.slug)
        .collect()
}

/// What ffprobe says of a file: its container, first stream's codec and
/// duration; `None` (with the reason printed) when there is no ffprobe
/// outside CI.
fn probe(path: &Path) -> Option<(String, String, f64)> {
    let output = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=format_name,duration:stream=codec_name",
        ])
        .args(["-of", "default=noprint_wrappers=1"])
        .arg(path)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(error) if std::env::var_os("CI").is_none() => {
            eprintln!("skipping the media probe: ffprobe cannot run ({error}); install ffmpeg");
            return None;
        }
        Err(error) => panic!("ffprobe is needed in CI (.ci/run installs ffmpeg): {error}"),
    };
    assert!(
        output.status.success(),
        "ffprobe refused {}: {:?}",
        path.display(),
        output
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} in {text}"))
            .to_owned()
    };
    let duration = field("duration").parse().expect("a duration in seconds");
    Some((field("format_name"), field("codec_name"), duration))
}

/// Saves the file, checks its extension and that the probe reads it as
/// what its content type says, as long as `seconds` (when asked).
fn check_file(file: &MediaFile, dir: &Path, name: &str, seconds: Option<f64>) {
    let path = dir.join(format!("{name}.{}", file.extension()));
    file.save(&path).unwrap();
    let (container, codec, expected_extension) = match file.content_type() {
        "video/mp4" => ("mp4", "mjpeg", "mp4"),
        "audio/wav" => ("wav", "pcm_s16le", "wav"),
        other => panic!("{name}: unexpected content type {other}"),
    };
    assert_eq!(file.extension(), expected_extension, "{name}");
    let Some((format, stream, duration)) = probe(&path) else {
        return;
    };
    assert!(
        format.split(',').any(|f| f == container),
        "{name}: {format}"
    );
    assert_eq!(stream, codec, "{name}");
    if let Some(seconds) = seconds {
        assert!(
            (duration - seconds).abs() < 0.2,
            "{name}: {duration} s, asked {seconds} s"
        );
    }
}

/// The length the body asks for, if it names one.
fn asked_seconds(body: &Value) -> Option<f64> {
    ["duration", "duration_seconds"]
        .iter()
        .find_map(|name| match body.get(*name)? {
            Value::Number(n) => n.as_f64(),
            Value::String(text) => text.trim_end_matches('s').parse().ok(),
            _ => None,
        })
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("segmind-media-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The files of a video or audio answer.
trait Files {
    fn files_of(self) -> Vec<MediaFile>;
}

impl Files for VideoResponse {
    fn files_of(self) -> Vec<MediaFile> {
        self.into_files()
    }
}

impl Files for AudioResponse {
    fn files_of(self) -> Vec<MediaFile> {
        self.into_files()
    }
}

/// Sends the page's example for `slug` through v1 and through the queue:
/// the same file either way, each probed.
async fn check_both_ways<O>(client: &Client, slug: &str, dir: &Path)
where
    O: Files + DecodeResponse + OutputKind,
{
    let body = example(slug);
    let seconds = asked_seconds(&body);
    let answer: O = client
        .call(slug, &body)
        .await
        .unwrap_or_else(|e| panic!("{slug}: {e}"));
    let direct = answer.files_of();
    check_file(&direct[0], dir, &format!("{slug}-v1"), seconds);
    let queue = client.queue();
    let job = queue.call::<O>(slug, &body).await.unwrap();
    let queued = queue
        .wait(&job)
        .await
        .unwrap_or_else(|e| panic!("{slug}: {e}"));
    let queued = queued.files_of();
    assert_eq!(
        queued[0].bytes(),
        direct[0].bytes(),
        "{slug}: the same file either way"
    );
    check_file(&queued[0], dir, &format!("{slug}-queued"), seconds);
}

#[tokio::test]
async fn every_video_and_audio_endpoint_answers_a_real_file_through_v1_and_the_queue() {
    let server = MockServer::start().await.unwrap();
    let client = client(&server);
    let dir = scratch("all");
    let videos = endpoints(Returns::Video);
    let sounds = endpoints(Returns::Audio);
    assert!(videos.len() >= 6, "{videos:?}");
    assert!(sounds.len() >= 2, "{sounds:?}");
    for slug in videos {
        check_both_ways::<VideoResponse>(&client, slug, &dir).await;
    }
    for slug in sounds {
        check_both_ways::<AudioResponse>(&client, slug, &dir).await;
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_long_running_models_method_goes_through_the_queue() {
    let server = MockServer::start().await.unwrap();
    let client = client(&server);
    let request = segmind::SvdRequest::new(segmind::ImageInput::url("https://example.com/a.png"));
    let video = client.svd(request).await.unwrap();
    assert_eq!(video.content_type(), "video/mp4");
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|entry| entry.path.clone())
        .collect();
    assert!(
        paths.iter().any(|p| p == "/v2/svd"),
        "submitted to the queue: {paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p == "/v1/svd"),
        "never called synchronously: {paths:?}"
    );
    let dir = scratch("svd");
    let saved = video.save(dir.join("clip.jpg")).unwrap();
    assert_eq!(
        saved,
        [dir.join("clip.mp4")],
        "the extension follows the answer"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_clip_is_as_long_as_the_request_asks() {
    let server = MockServer::start().await.unwrap();
    let client = client(&server);
    let dir = scratch("length");
    // `p-video` is compiled in: the test requires its feature.
    let body = json!({"prompt": "waves", "duration": 10});
    let answer: VideoResponse = client.call("p-video", &body).await.unwrap();
    check_file(answer.first(), &dir, "ten", Some(10.0));
    std::fs::remove_dir_all(&dir).unwrap();
}
