//! What a parameter's name, description and example URL say about the
//! kind of media it takes, and what a page's words say about a model's
//! answer: hints, with whether they settle the question.

use super::ParamType;

/// Words that name each media kind, matched at the start of a word
/// (`images`, `frames`, `videos`).
const MEDIA_WORDS: [(ParamType, &[&str]); 3] = [
    (
        ParamType::Image,
        &["image", "img", "photo", "picture", "frame", "mask", "logo"],
    ),
    (ParamType::Video, &["video", "clip", "footage", "movie"]),
    (
        ParamType::Audio,
        &[
            "audio", "sound", "music", "song", "speech", "voice", "mp3", "wav",
        ],
    ),
];

/// File extensions of each media kind, as a URL's path ends.
const EXTENSIONS: [(ParamType, &[&str]); 3] = [
    (
        ParamType::Image,
        &[".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tiff"],
    ),
    (ParamType::Video, &[".mp4", ".mov", ".webm", ".mkv", ".avi"]),
    (
        ParamType::Audio,
        &[".mp3", ".wav", ".flac", ".ogg", ".m4a", ".aac"],
    ),
];

/// The media kinds `text`'s words name, in the order first named.
pub fn kinds_named(text: &str) -> Vec<ParamType> {
    let lower = text.to_ascii_lowercase();
    let mut found: Vec<(usize, ParamType)> = Vec::new();
    for (kind, words) in MEDIA_WORDS {
        let first = lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .enumerate()
            .filter(|(_, word)| words.iter().any(|w| word.starts_with(w)))
            .map(|(index, _)| index)
            .next();
        if let Some(index) = first {
            found.push((index, kind));
        }
    }
    found.sort_by_key(|(index, _)| *index);
    found.into_iter().map(|(_, kind)| kind).collect()
}

/// The media kind a URL's file extension names.
pub fn kind_of_url(url: &str) -> Option<ParamType> {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    EXTENSIONS
        .iter()
        .find(|(_, extensions)| extensions.iter().any(|e| path.ends_with(e)))
        .map(|(kind, _)| *kind)
}

/// Whether a string is a URL (http or https).
pub fn is_url(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

/// Whether a URL parameter is a plain link rather than media it uploads
/// (a webhook).
pub fn is_plain_link(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["webhook", "callback"].iter().any(|w| lower.contains(w))
}

/// The media kind a parameter takes, and why the draft is unsure of it
/// (`None`: the name, or the example URL, settles it).
pub fn media_kind(name: &str, description: &str, urls: &[&str]) -> (ParamType, Option<String>) {
    let by_name = kinds_named(name);
    let by_url: Vec<ParamType> = urls.iter().filter_map(|u| kind_of_url(u)).collect();
    let by_description = kinds_named(description);
    let names = |kinds: &[ParamType]| {
        kinds
            .iter()
            .map(|k| super::type_name(*k))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    if let [kind] = by_name[..] {
        if let Some(other) = by_url.iter().find(|k| **k != kind) {
            return (
                kind,
                Some(format!(
                    "its name says {}, but the example URL's extension says {}",
                    super::type_name(kind),
                    super::type_name(*other)
                )),
            );
        }
        return (kind, None);
    }
    if let Some(&kind) = by_url.first() {
        if by_url.iter().all(|k| *k == kind) && (by_name.is_empty() || by_name.contains(&kind)) {
            return (kind, None);
        }
    }
    if let [kind] = by_description[..] {
        if by_name.is_empty() {
            return (kind, None);
        }
    }
    let candidates = if by_name.is_empty() {
        by_description
    } else {
        by_name
    };
    match candidates.first() {
        Some(&kind) => (
            kind,
            Some(format!(
                "its name and description speak of {}",
                names(&candidates)
            )),
        ),
        None => (
            ParamType::File,
            Some(
                "neither its name, its description nor an example URL says which media it takes"
                    .into(),
            ),
        ),
    }
}

/// The answer a page's words (a title, a description) say a model gives:
/// video, audio or neither.
pub fn answer_named(text: &str) -> Option<super::Returns> {
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
        .collect();
    let any = |list: &[&str]| words.iter().any(|w| list.iter().any(|l| w.starts_with(l)));
    if any(&["video", "i2v", "t2v", "text-to-video", "image-to-video"]) {
        Some(super::Returns::Video)
    } else if any(&["tts", "text-to-speech", "speech", "music", "song", "audio"]) {
        Some(super::Returns::Audio)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_urls_settle_the_media_kind() {
        assert_eq!(
            media_kind("image_url", "for video generation", &[]),
            (ParamType::Image, None)
        );
        assert_eq!(media_kind("first_frame_url", "", &[]).0, ParamType::Image);
        assert_eq!(media_kind("reference_videos", "", &[]).0, ParamType::Video);
        assert_eq!(media_kind("reference_audios", "", &[]).0, ParamType::Audio);
        assert_eq!(
            media_kind("input", "", &["https://x/a.mp4"]),
            (ParamType::Video, None)
        );
        assert_eq!(
            media_kind("input", "The song to extend", &[]),
            (ParamType::Audio, None)
        );
        let (kind, unsure) = media_kind("source", "an image or a video", &[]);
        assert_eq!(kind, ParamType::Image);
        assert!(unsure.is_some());
        let (kind, unsure) = media_kind("source", "the input", &[]);
        assert_eq!(kind, ParamType::File);
        assert!(unsure.is_some());
        assert!(media_kind("image", "", &["https://x/a.mp3"]).1.is_some());
    }
}
