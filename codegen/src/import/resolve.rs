//! From what a source states to a draft: every decision the importer makes,
//! and a review comment wherever the source contradicts itself.

use std::collections::HashMap;

use serde_json::Value;

use super::{
    type_name, Comment, Draft, DraftParam, Field, ImportError, PageEndpoint, PageParam, PageValue,
    SharedEnum,
};
use crate::spec::{ParamType, Returns};

/// The versioned base URL that spec paths are relative to.
pub const BASE_URL: &str = "https://api.segmind.com/v1";

/// The longest run of digits split into a default and allowed values
/// (`512512768`); longer runs are read as one number.
const LONGEST_GLUED_DIGITS: usize = 24;

fn review(field: Field, text: impl Into<String>) -> Comment {
    Comment {
        field,
        review: true,
        text: text.into(),
    }
}

fn note(field: Field, text: impl Into<String>) -> Comment {
    Comment {
        field,
        review: false,
        text: text.into(),
    }
}

/// Decides the draft for what `page` states.
pub fn resolve(page: &PageEndpoint, shared: &[SharedEnum]) -> Result<Draft, ImportError> {
    let mut comments = Vec::new();
    let (url_line, url) = (&page.url.0, page.url.1.trim());
    let path = endpoint_path(url, *url_line, &mut comments)?;
    let slug = path.rsplit('/').next().unwrap_or_default().to_owned();
    if slug.is_empty()
        || !slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(ImportError::at(
            *url_line,
            format!(
                "the endpoint URL {url:?} does not end in a slug (ASCII letters, digits, '.', '_', '-')"
            ),
        ));
    }
    let title = title(&page.title.1, &slug);
    let description = match &page.description {
        Some((_, text)) if !text.trim().is_empty() => text.trim().to_owned(),
        _ => {
            comments.push(review(
                Field::Returns,
                "the page has no description under its title; the draft repeats the title: say what the model does",
            ));
            title.clone()
        }
    };

    let mut params: Vec<DraftParam> = Vec::new();
    for row in &page.params {
        if params.iter().any(|p| p.name == row.name) {
            comments.push(review(
                Field::Params,
                format!(
                    "the page lists `{}` twice (again on line {}); the draft keeps the first",
                    row.name, row.line
                ),
            ));
            continue;
        }
        params.push(param(row, page, shared));
    }
    repeated_descriptions(&mut params);
    mirrored_defaults(&mut params, page);
    comments.extend(example_only_keys(&params, page));
    comments.extend(required_order(&params, page));
    let returns = returns(page, &params, &mut comments);
    // Facts without a known line (an OpenAPI document's) carry line 0.
    let unknown_lines = params
        .iter_mut()
        .flat_map(|p| p.comments.iter_mut())
        .chain(comments.iter_mut());
    for comment in unknown_lines {
        comment.text = comment.text.replace(" (line 0)", "");
    }
    Ok(Draft {
        slug,
        path,
        title,
        description,
        returns,
        params,
        comments,
    })
}

/// The path below the versioned base URL.
fn endpoint_path(
    url: &str,
    line: usize,
    comments: &mut Vec<Comment>,
) -> Result<String, ImportError> {
    if let Some(rest) = url.strip_prefix(BASE_URL) {
        if rest.starts_with('/') && rest.len() > 1 {
            return Ok(rest.trim_end_matches('/').to_owned());
        }
    }
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let Some(slash) = after_scheme.find('/') else {
        return Err(ImportError::at(
            line,
            format!("the endpoint URL {url:?} has no path; expected {BASE_URL}/<slug>"),
        ));
    };
    let full = after_scheme[slash..].trim_end_matches('/');
    let path = full
        .strip_prefix("/v1")
        .filter(|p| p.starts_with('/'))
        .unwrap_or(full);
    comments.push(review(
        Field::Path,
        format!(
            "the page's endpoint URL (line {line}) is {url}, not under {BASE_URL}; the draft takes its path {path}"
        ),
    ));
    Ok(path.to_owned())
}

/// The page title without the vendor's " Serverless API" suffix.
fn title(page_title: &str, slug: &str) -> String {
    let mut title = page_title.trim();
    for suffix in [" Serverless API", " API"] {
        title = title.strip_suffix(suffix).unwrap_or(title).trim();
    }
    if title.is_empty() {
        slug.to_owned()
    } else {
        title.to_owned()
    }
}

/// A value as the source prints it, read as `ty`.
fn typed(ty: ParamType, text: &str, quoted: bool) -> Option<Value> {
    match ty {
        ParamType::Boolean => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        ParamType::Integer if !quoted => text.parse::<i64>().ok().map(Value::from),
        ParamType::Number if !quoted => match text.parse::<i64>() {
            Ok(whole) => Some(Value::from(whole)),
            Err(_) => text
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number)),
        },
        ParamType::Integer | ParamType::Number => None,
        ParamType::String | ParamType::Image | ParamType::Enum => {
            Some(Value::String(text.to_owned()))
        }
    }
}

/// Whether a JSON value fits `ty`.
fn fits(ty: ParamType, value: &Value) -> bool {
    match ty {
        ParamType::Boolean => value.is_boolean(),
        ParamType::Integer => value.is_i64(),
        ParamType::Number => value.is_number(),
        ParamType::String | ParamType::Image | ParamType::Enum => value.is_string(),
    }
}

/// How a value is quoted in comments.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => format!("{text:?}"),
        other => other.to_string(),
    }
}

fn as_f64(value: &Value) -> Option<f64> {
    value.as_f64()
}

fn same(a: &Value, b: &Value) -> bool {
    match (as_f64(a), as_f64(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Where a value breaks the range, if it does.
fn outside(value: &Value, min: &Option<Value>, max: &Option<Value>) -> bool {
    let Some(v) = as_f64(value) else { return false };
    min.as_ref().and_then(as_f64).is_some_and(|m| v < m)
        || max.as_ref().and_then(as_f64).is_some_and(|m| v > m)
}

fn range_text(min: &Option<Value>, max: &Option<Value>) -> String {
    let bound = |b: &Option<Value>| b.as_ref().map_or("…".to_owned(), Value::to_string);
    format!("{} - {}", bound(min), bound(max))
}

/// The draft of one row.
fn param(row: &PageParam, page: &PageEndpoint, shared: &[SharedEnum]) -> DraftParam {
    let mut comments = Vec::new();
    let page_type = row.page_type.as_deref().unwrap_or("").trim();
    let (base, format) = match page_type.split_once(" (") {
        Some((base, format)) => (base, Some(format.trim_end_matches(')'))),
        None => (page_type, None),
    };
    let mut listed = row.listed.clone();
    let mut default = row.default.clone();
    // Pages without `Default:` labels print the default first, then the
    // allowed values.
    let unlabelled_slot = !page.uses_default_labels && !row.default_labelled;
    if unlabelled_slot && default.is_none() && !listed.is_empty() {
        default = Some(listed.remove(0));
    }
    let mentions_image = |text: &str| text.to_ascii_lowercase().contains("image");
    let ty = match base {
        "boolean" => ParamType::Boolean,
        "integer" => ParamType::Integer,
        "number" => ParamType::Number,
        "image" => ParamType::Image,
        "string" | "file"
            if format.is_some_and(|f| f != "date" && f != "date-time")
                && (mentions_image(&row.name) || mentions_image(&row.description)) =>
        {
            ParamType::Image
        }
        "string" if !listed.is_empty() => ParamType::Enum,
        "string" => ParamType::String,
        other => {
            comments.push(review(
                Field::Type,
                if other.is_empty() {
                    "the page gives no type; the draft uses string".to_owned()
                } else {
                    format!(
                        "the page gives the type `{page_type}`, which the spec format has no type for; the draft uses string"
                    )
                },
            ));
            ParamType::String
        }
    };
    // The spec format requires `base64` to be the boolean that switches an
    // image model's answer to base64 JSON.
    let ty = if row.name == "base64" && ty != ParamType::Boolean {
        comments.push(review(
            Field::Type,
            format!(
                "the page gives `base64` the type `{page_type}`; the draft uses boolean, as the \
                 switch between raw image bytes and base64 JSON must be"
            ),
        ));
        ParamType::Boolean
    } else {
        ty
    };
    let uri = format == Some("uri");

    // "512512768": digits run together, the default then the allowed values.
    if ty == ParamType::Integer && listed.is_empty() && row.min.is_none() && row.max.is_none() {
        if let Some(value) = default.clone().filter(|_| unlabelled_slot) {
            let example = page.example.get(&row.name).and_then(|(v, _)| v.as_i64());
            if let Some((first, rest, ambiguous)) = split_glued(&value.text, example) {
                let text = format!(
                    "the page prints {:?} (line {}): read as the default {first}, then the allowed value{} {}",
                    value.text,
                    value.line,
                    if rest.len() == 1 { "" } else { "s" },
                    rest.join(", ")
                );
                comments.push(if ambiguous {
                    review(
                        Field::Default,
                        format!("{text}; other readings are possible, check them"),
                    )
                } else {
                    note(Field::Default, text)
                });
                let line = value.line;
                default = Some(PageValue {
                    text: first,
                    quoted: false,
                    line,
                });
                listed = rest
                    .into_iter()
                    .map(|text| PageValue {
                        text,
                        quoted: false,
                        line,
                    })
                    .collect();
            }
        }
    }

    let mut draft_default = default.as_ref().and_then(|value| {
        let typed = typed(ty, &value.text, value.quoted);
        if typed.is_none() {
            comments.push(review(
                Field::Default,
                format!(
                    "the page gives the default {:?} (line {}), which is not {} value; the draft states none",
                    value.text,
                    value.line,
                    article(ty)
                ),
            ));
        }
        typed
    });
    if let (Some(line), None) = (row.default_label_line, &default) {
        comments.push(review(
            Field::Default,
            format!("the page prints \"Default:\" (line {line}) with no value after it; the draft states none"),
        ));
    }

    // The range.
    let bound = |bound: &Option<(String, usize)>, comments: &mut Vec<Comment>| {
        let (text, line) = bound.as_ref()?;
        let value =
            typed(ty, text, false).filter(|_| matches!(ty, ParamType::Integer | ParamType::Number));
        if value.is_none() {
            comments.push(review(
                Field::Range,
                format!("the page gives the bound {text} (line {line}), which does not fit {} parameter; the draft leaves it out", article(ty)),
            ));
        }
        value
    };
    let mut min = bound(&row.min, &mut comments);
    let mut max = bound(&row.max, &mut comments);
    if let (Some(low), Some(high)) = (min.as_ref().and_then(as_f64), max.as_ref().and_then(as_f64))
    {
        if low > high {
            comments.push(review(
                Field::Range,
                format!(
                    "the page's range {} has its bounds the wrong way round; the draft states none",
                    range_text(&min, &max)
                ),
            ));
            min = None;
            max = None;
        }
    }

    // Allowed values (numbers) and enum values.
    let mut allowed = Vec::new();
    let mut values: Vec<String> = Vec::new();
    let mut enum_ref = None;
    let mut seen_twice = Vec::new();
    match ty {
        ParamType::Integer | ParamType::Number => {
            for value in &listed {
                match typed(ty, &value.text, value.quoted) {
                    Some(v) if allowed.iter().any(|a| same(a, &v)) => seen_twice.push(value.text.clone()),
                    Some(v) if outside(&v, &min, &max) => comments.push(review(
                        Field::Values,
                        format!("the page lists {} (line {}) as allowed, outside its own range {}; the draft leaves it out", value.text, value.line, range_text(&min, &max)),
                    )),
                    Some(v) => allowed.push(v),
                    None => comments.push(review(
                        Field::Values,
                        format!("the page lists {:?} (line {}) among the values of {} parameter; the draft leaves it out", value.text, value.line, article(ty)),
                    )),
                }
            }
        }
        ParamType::Enum => {
            for value in &listed {
                if values.contains(&value.text) {
                    seen_twice.push(value.text.clone());
                } else {
                    values.push(value.text.clone());
                }
            }
        }
        _ => {}
    }
    if !seen_twice.is_empty() {
        comments.push(review(
            Field::Values,
            format!(
                "the page lists {} twice; the draft keeps each once",
                seen_twice
                    .iter()
                    .map(|v| format!("{v:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let more = row.more;
    let cut_short = more.is_some()
        || row
            .total
            .is_some_and(|total| total > values.len().max(allowed.len()));
    let example = page.example.get(&row.name).cloned();
    if ty == ParamType::Enum {
        let default_text = draft_default.as_ref().and_then(Value::as_str);
        if let Some(found) = shared_match(
            &values,
            default_text,
            more.map(|(n, _)| n),
            row.total,
            shared,
        ) {
            comments.push(note(
                Field::Values,
                format!(
                    "the page lists {} value{}{}: spec/enums.yaml's `{}`",
                    values.len(),
                    if values.len() == 1 { "" } else { "s" },
                    more.map_or(String::new(), |(n, _)| format!(" and \"+{n} more\"")),
                    found.name
                ),
            ));
            enum_ref = Some(found.name.clone());
            values.clear();
        } else {
            let missing_default = default_text.filter(|d| !values.iter().any(|v| v == d));
            if cut_short {
                let missing = match (more, row.total) {
                    (Some((n, line)), _) => format!("then \"+{n} more\" (line {line})"),
                    (None, Some(total)) => format!("of {total} in all"),
                    (None, None) => String::new(),
                };
                comments.push(review(
                    Field::Values,
                    format!(
                        "the page lists {} values, {missing}, and no shared enum in spec/enums.yaml matches them; the draft has only the values the page shows{}: add the missing ones before use",
                        values.len(),
                        missing_default.map_or(String::new(), |d| format!(", and the default {d:?} at the end"))
                    ),
                ));
            } else if let Some(text) = missing_default {
                comments.push(review(
                    Field::Values,
                    format!("the default {text:?} is not among the values the page lists; the draft adds it at the end"),
                ));
            }
            if let Some(text) = missing_default {
                values.push(text.to_owned());
            }
            if let Some((Value::String(text), line)) = &example {
                if !values.contains(text) {
                    comments.push(review(
                        Field::Values,
                        format!("the example request (line {line}) sends {text:?}, which the page does not list; the draft adds it at the end"),
                    ));
                    values.push(text.clone());
                }
            }
        }
    }

    // The example, from the page's own request body.
    let mut draft_example = match example {
        Some((value, line)) if fits(ty, &value) => Some((value, line)),
        Some((value, line)) => {
            comments.push(review(
                Field::Example,
                format!("the example request (line {line}) sends {}, which is not {} value; the draft has no example", shown(&value), article(ty)),
            ));
            None
        }
        None => None,
    };

    // Contradictions between the row's own facts.
    if row.required {
        if let Some(value) = draft_default.take() {
            let kept = if draft_example.is_none() {
                draft_example = Some((value.clone(), row.line));
                " and keeps it as the example"
            } else {
                ""
            };
            comments.push(review(
                Field::Default,
                format!(
                    "the page prints {} as the default of this required parameter; a required parameter has no default, so the draft states none{kept}",
                    shown(&value)
                ),
            ));
        }
    }
    if let Some(value) = draft_default.clone() {
        if outside(&value, &min, &max) {
            comments.push(review(
                Field::Default,
                format!(
                    "the page gives the default {}, outside its own range {}; the draft states no default (an unset parameter is not sent, so the server's own applies)",
                    shown(&value),
                    range_text(&min, &max)
                ),
            ));
            draft_default = None;
        } else if !allowed.is_empty() && !allowed.iter().any(|a| same(a, &value)) {
            comments.push(review(
                Field::Default,
                format!("the page gives the default {}, which is not among its allowed values; the draft states no default", shown(&value)),
            ));
            draft_default = None;
        } else if let Some(name) = &enum_ref {
            let listed = shared
                .iter()
                .find(|e| &e.name == name)
                .is_some_and(|e| e.values.iter().any(|v| Some(v.as_str()) == value.as_str()));
            if !listed {
                draft_default = None;
            }
        }
    }
    if let Some((value, line)) = draft_example.clone() {
        let breaks = if outside(&value, &min, &max) {
            Some(format!("outside the range {}", range_text(&min, &max)))
        } else if !allowed.is_empty() && !allowed.iter().any(|a| same(a, &value)) {
            Some("not among the allowed values".to_owned())
        } else if let Some(name) = &enum_ref {
            let listed = shared
                .iter()
                .find(|e| &e.name == name)
                .is_some_and(|e| e.values.iter().any(|v| Some(v.as_str()) == value.as_str()));
            (!listed).then(|| format!("not a value of spec/enums.yaml's `{name}`"))
        } else {
            None
        };
        if let Some(breaks) = breaks {
            comments.push(review(
                Field::Example,
                format!("the example request (line {line}) sends {}, {breaks}; the draft has no example", shown(&value)),
            ));
            draft_example = None;
        } else if uri
            && value
                .as_str()
                .is_some_and(|text| !(text.starts_with("https://") || text.starts_with("http://")))
        {
            comments.push(review(
                Field::Example,
                format!(
                    "the page types this `{page_type}`, but the example request (line {line}) sends {}, which is not a URL; the draft keeps it as the example",
                    shown(&value)
                ),
            ));
        }
    }
    let mut description = row.description.trim().to_owned();
    if description.is_empty() {
        comments.push(review(
            Field::Description,
            "the page gives no description; write what the parameter does",
        ));
        description = format!("The `{}` parameter.", row.name);
    }
    DraftParam {
        name: row.name.clone(),
        ty,
        required: row.required,
        default: draft_default,
        min,
        max,
        allowed,
        values,
        enum_ref,
        description,
        example: draft_example.map(|(value, _)| value),
        comments,
    }
}

/// "an integer", "a string", for messages.
fn article(ty: ParamType) -> String {
    let name = type_name(ty);
    let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name}")
}

/// Reads digits run together as a default followed by ascending allowed
/// values that include it (`512512768` → 512; 512, 768). `None` when no such
/// reading exists, or when the example is the whole number. The flag is set
/// when more than one reading exists.
fn split_glued(text: &str, example: Option<i64>) -> Option<(String, Vec<String>, bool)> {
    if text.len() < 2
        || text.len() > LONGEST_GLUED_DIGITS
        || !text.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    if example.is_some_and(|e| e.to_string() == text) {
        return None;
    }
    let mut readings: Vec<Vec<&str>> = Vec::new();
    let mut stack: Vec<(usize, Vec<&str>)> = vec![(0, Vec::new())];
    while let Some((at, parts)) = stack.pop() {
        if at == text.len() {
            if parts.len() >= 2 && parts[1..].contains(&parts[0]) {
                readings.push(parts);
            }
            continue;
        }
        for end in at + 1..=text.len() {
            let part = &text[at..end];
            if part.len() > 1 && part.starts_with('0') {
                break;
            }
            // After the default, values ascend: each longer or larger.
            let ascending = parts.len() < 2 || {
                let last = parts[parts.len() - 1];
                (part.len(), part) > (last.len(), last)
            };
            if ascending {
                let mut next = parts.clone();
                next.push(part);
                stack.push((end, next));
            }
        }
        if readings.len() > 16 {
            break;
        }
    }
    if let Some(example) = example {
        let example = example.to_string();
        if readings.iter().any(|r| r[1..].contains(&example.as_str())) {
            readings.retain(|r| r[1..].contains(&example.as_str()));
        }
    }
    readings.sort_by_key(Vec::len);
    // The shortest reading wins; another as short leaves it open.
    let ambiguous = readings.len() > 1 && readings[1].len() == readings[0].len();
    let best = readings.into_iter().next()?;
    Some((
        best[0].to_owned(),
        best[1..].iter().map(|s| (*s).to_owned()).collect(),
        ambiguous,
    ))
}

/// The shared enum that `listed` (plus the default) is, or is the start of
/// where the page cuts the list short.
fn shared_match<'a>(
    listed: &[String],
    default: Option<&str>,
    more: Option<usize>,
    total: Option<usize>,
    shared: &'a [SharedEnum],
) -> Option<&'a SharedEnum> {
    shared.iter().find(|candidate| {
        let position = |value: &str| candidate.values.iter().position(|v| v == value);
        let positions: Option<Vec<usize>> = listed.iter().map(|v| position(v)).collect();
        let Some(positions) = positions else {
            return false;
        };
        let in_order = positions.windows(2).all(|w| w[0] < w[1]);
        let default_ok = default.is_none_or(|d| position(d).is_some());
        let size = candidate.values.len();
        let count_ok = match (more, total) {
            (None, None) => listed.len() == size,
            (more, total) => {
                more.is_none_or(|n| listed.len() + n == size) && total.is_none_or(|t| t == size)
            }
        };
        !listed.is_empty() && in_order && default_ok && count_ok
    })
}

/// Descriptions the page gives two parameters.
fn repeated_descriptions(params: &mut [DraftParam]) {
    let key = |text: &str| text.trim().trim_end_matches('.').to_lowercase();
    let mut by_text: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, param) in params.iter().enumerate() {
        by_text
            .entry(key(&param.description))
            .or_default()
            .push(index);
    }
    for indexes in by_text.values().filter(|i| i.len() > 1) {
        for &index in indexes {
            let others: Vec<String> = indexes
                .iter()
                .filter(|&&i| i != index)
                .map(|&i| format!("`{}`", params[i].name))
                .collect();
            params[index].comments.push(review(
                Field::Description,
                format!(
                    "the page gives this parameter the same description as {}; the draft keeps it: say what this one does",
                    others.join(", ")
                ),
            ));
        }
    }
}

/// Where the example request sends every documented default but a few, a
/// default that differs from it is suspect: one of the two is wrong. Where
/// the example differs from many defaults it is real usage, and differing
/// is no contradiction.
fn mirrored_defaults(params: &mut [DraftParam], page: &PageEndpoint) {
    let pairs: Vec<(usize, Value, usize)> = params
        .iter()
        .enumerate()
        .filter_map(|(index, p)| {
            let default = p.default.as_ref()?;
            let (example, line) = page.example.get(&p.name)?;
            (!same(default, example)).then(|| (index, example.clone(), *line))
        })
        .collect();
    let compared = params
        .iter()
        .filter(|p| p.default.is_some() && page.example.contains_key(&p.name))
        .count();
    if pairs.is_empty() || compared < 3 || pairs.len() * 5 > compared {
        return;
    }
    for (index, example, line) in pairs {
        let param = &mut params[index];
        let default = param.default.as_ref().map(shown).unwrap_or_default();
        param.comments.push(review(
            Field::Default,
            format!(
                "the table's default is {default}, but the example request (line {line}), which sends the documented default of {} other parameters, sends {}; the draft keeps the table's default",
                compared - 1,
                shown(&example)
            ),
        ));
    }
}

/// Keys the example request sends that the table does not list.
fn example_only_keys(params: &[DraftParam], page: &PageEndpoint) -> Vec<Comment> {
    page.example
        .iter()
        .filter(|(key, _)| !params.iter().any(|p| &p.name == *key))
        .map(|(key, (_, line))| {
            review(
                Field::Params,
                format!("the example request (line {line}) sends `{key}`, which the Parameters table does not list; the draft leaves it out"),
            )
        })
        .collect()
}

/// The required parameters become the constructor's arguments, in order: a
/// page whose example sends them in another order than its table lists them
/// leaves that order open.
fn required_order(params: &[DraftParam], page: &PageEndpoint) -> Option<Comment> {
    let table: Vec<&str> = params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name.as_str())
        .collect();
    let example: Vec<&str> = page
        .example
        .keys()
        .map(String::as_str)
        .filter(|k| table.contains(k))
        .collect();
    (example.len() == table.len() && example != table).then(|| {
        review(
            Field::Params,
            format!(
                "the table lists the required parameters as {}, the example request sends them as {}; the draft follows the table, which fixes the order of the constructor's arguments",
                table.join(", "),
                example.join(", ")
            ),
        )
    })
}

/// What a call returns, and a review where the page says text on an image model.
fn returns(page: &PageEndpoint, params: &[DraftParam], comments: &mut Vec<Comment>) -> Returns {
    let mentions_image = |text: &str| text.to_ascii_lowercase().contains("image");
    let image_model = mentions_image(&page.title.1)
        || page
            .description
            .as_ref()
            .is_some_and(|(_, d)| mentions_image(d))
        || params
            .iter()
            .any(|p| p.ty == ParamType::Image || mentions_image(&p.description));
    let Some((line, said)) = &page.returns else {
        comments.push(review(
            Field::Returns,
            format!(
                "the page does not say what a call returns; the draft says {}",
                if image_model { "image" } else { "json" }
            ),
        ));
        return if image_model {
            Returns::Image
        } else {
            Returns::Json
        };
    };
    let lower = said.to_ascii_lowercase();
    if lower.contains("image") {
        Returns::Image
    } else if lower.contains("json") || lower.contains("text") {
        if image_model {
            comments.push(review(
                Field::Returns,
                format!(
                    "the page says \"Returns: {said}\" (line {line}), but the model makes images (its title, description or parameters say so); the draft says image, the image bytes (or base64 JSON when asked)"
                ),
            ));
            Returns::Image
        } else {
            Returns::Json
        }
    } else {
        comments.push(review(
            Field::Returns,
            format!("the page says \"Returns: {said}\" (line {line}), which is neither an image nor JSON; the draft says image"),
        ));
        Returns::Image
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_run_together_are_read_as_a_default_and_its_list() {
        let split = |text: &str, example| split_glued(text, example);
        assert_eq!(
            split("512512768", Some(512)),
            Some(("512".into(), vec!["512".into(), "768".into()], false))
        );
        assert_eq!(
            split("10241024", None),
            Some(("1024".into(), vec!["1024".into()], false))
        );
        assert_eq!(split("698845", Some(698845)), None);
        assert_eq!(split("698845", None), None);
        assert_eq!(split("1", None), None);
        assert_eq!(split("-1", None), None);
        // Long runs are bounded, not explored.
        assert_eq!(split(&"1".repeat(200), None), None);
        assert!(split(&"1".repeat(24), None).is_some());
    }

    #[test]
    fn a_shared_enum_matches_a_list_the_page_cuts_short() {
        let shared = [SharedEnum {
            name: "scheduler".into(),
            values: ["a", "b", "c", "d"].map(String::from).to_vec(),
        }];
        let listed = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let found = |l: &[&str], d, more, total| {
            shared_match(&listed(l), d, more, total, &shared).map(|e| e.name.as_str())
        };
        assert_eq!(
            found(&["a", "b"], Some("c"), Some(2), None),
            Some("scheduler")
        );
        assert_eq!(
            found(&["a", "b"], None, Some(2), Some(4)),
            Some("scheduler")
        );
        assert_eq!(
            found(&["a", "b", "c", "d"], None, None, None),
            Some("scheduler")
        );
        assert_eq!(found(&["a", "b"], None, Some(3), None), None);
        assert_eq!(found(&["b", "a"], None, Some(2), None), None);
        assert_eq!(found(&["a", "x"], None, Some(2), None), None);
        assert_eq!(found(&["a", "b"], Some("z"), Some(2), None), None);
        assert_eq!(found(&["a", "b", "c"], None, None, None), None);
    }
}
