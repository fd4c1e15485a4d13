//! From what a source states to a draft: every decision the importer makes,
//! and a review comment wherever the source contradicts itself.

use std::collections::HashMap;

use serde_json::Value;

use super::hints;
use super::{
    type_name, Comment, Draft, DraftParam, Field, ImportError, PageEndpoint, PageParam, PageValue,
    ParamType, Returns, SharedEnum,
};

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
    let exclusive = exclusive_pairs(&mut params, page, &mut comments);
    comments.extend(example_only_keys(&params, page));
    comments.extend(required_order(&params, page));
    comments.extend(no_example(page));
    let returns = returns(page, &params, &mut comments);
    let queue = queue(page, returns, &mut comments);
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
        queue,
        exclusive,
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
        _ => Some(Value::String(text.to_owned())),
    }
}

/// Whether a JSON value fits `ty`.
fn fits(ty: ParamType, value: &Value) -> bool {
    match ty {
        ParamType::Boolean => value.is_boolean(),
        ParamType::Integer => value.is_i64(),
        ParamType::Number => value.is_number(),
        _ => value.is_string(),
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
    if unlabelled_slot && default.is_none() && row.null_default.is_none() && !listed.is_empty() {
        default = Some(listed.remove(0));
    }
    if let Some(line) = row.null_default {
        comments.push(note(
            Field::Default,
            format!(
                "the page prints the default as null (line {line}): nothing is sent unless given; the draft states none"
            ),
        ));
    }
    let example = page.example.get(&row.name).cloned();
    let (ty, list) = decide_type(
        row,
        (page_type, base, format),
        &listed,
        example.as_ref().map(|(v, _)| v),
        &mut comments,
    );
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
    if row.enumerated && listed.is_empty() {
        comments.push(review(
            Field::Values,
            format!(
                "the page types this `{page_type}` as an enum, but the copy lists none of its values; the draft keeps it open ({}): add the values",
                type_name(ty)
            ),
        ));
    }

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

    // "510" after "Allowed values": ascending values run together.
    if ty == ParamType::Integer && row.min.is_none() && row.max.is_none() {
        if let [value] = &listed[..] {
            let known: Vec<i64> = default
                .iter()
                .filter_map(|d| d.text.parse().ok())
                .chain(example.as_ref().and_then(|(v, _)| v.as_i64()))
                .collect();
            if let Some((values, comment)) = run_together(value, &known) {
                comments.push(comment);
                listed = values;
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
    if let (Some(line), None, None) = (row.default_label_line, &default, row.null_default) {
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
            if let Some((Value::String(text), line)) = example.as_ref().filter(|_| !list) {
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
    let fits_param = |value: &Value| match value {
        Value::Array(items) if list => items.iter().all(|item| fits(ty, item)),
        _ => !list && fits(ty, value),
    };
    let mut draft_example = match example {
        Some((value, line)) if fits_param(&value) => Some((value, line)),
        Some((value, line)) => {
            comments.push(review(
                Field::Example,
                format!("the example request (line {line}) sends {}, which is not {}; the draft has no example", shown(&value), if list { format!("a list of {}", type_name(ty)) } else { format!("{} value", article(ty)) }),
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
    if let Some((value, line)) = draft_example.clone().filter(|_| !list) {
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
        } else if ty.is_media()
            && value
                .as_str()
                .is_some_and(|text| !(hints::is_url(text) || text.starts_with("data:")))
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
        list,
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

/// What a call returns, and a review where the page's answer contradicts
/// what the model makes (its title, description or parameters).
fn returns(page: &PageEndpoint, params: &[DraftParam], comments: &mut Vec<Comment>) -> Returns {
    let mentions_image = |text: &str| text.to_ascii_lowercase().contains("image");
    let about = format!(
        "{} {}",
        page.title.1,
        page.description.as_ref().map_or("", |(_, d)| d.as_str())
    );
    let image_model = mentions_image(&about)
        || params
            .iter()
            .any(|p| p.ty == ParamType::Image || mentions_image(&p.description));
    let made = hints::answer_named(&about);
    let guess = made.unwrap_or(if image_model {
        Returns::Image
    } else {
        Returns::Json
    });
    let Some((line, said)) = &page.returns else {
        comments.push(review(
            Field::Returns,
            format!(
                "the page does not say what a call returns; the draft says {}",
                guess.name()
            ),
        ));
        return guess;
    };
    let lower = said.to_ascii_lowercase();
    let stated = if lower.contains("video") {
        Some(Returns::Video)
    } else if lower.contains("audio") {
        Some(Returns::Audio)
    } else if lower.contains("image") {
        Some(Returns::Image)
    } else {
        None
    };
    match stated {
        Some(Returns::Image) if made.is_some() => {
            let made = made.unwrap_or(Returns::Image);
            comments.push(review(
                Field::Returns,
                format!(
                    "the page says a call returns \"{said}\" (line {line}), but the model makes {} (its title or description says so); the draft says {}",
                    made.name(),
                    made.name()
                ),
            ));
            made
        }
        Some(stated) => stated,
        None if lower.contains("json") || lower.contains("text") => {
            if image_model || made.is_some() {
                comments.push(review(
                    Field::Returns,
                    format!(
                        "the page says \"Returns: {said}\" (line {line}), but the model makes {} (its title, description or parameters say so); the draft says {}{}",
                        if made.is_some() { guess.name() } else { "images" },
                        guess.name(),
                        if guess == Returns::Image { ", the image bytes (or base64 JSON when asked)" } else { "" }
                    ),
                ));
                guess
            } else if lower.contains("json") {
                Returns::Json
            } else {
                Returns::Text
            }
        }
        None => {
            comments.push(review(
                Field::Returns,
                format!(
                    "the page says \"Returns: {said}\" (line {line}), which is no image, video, audio, text or JSON; the draft says {}",
                    guess.name()
                ),
            ));
            guess
        }
    }
}

/// The draft type of a row, and whether it is a list of that type.
fn decide_type(
    row: &PageParam,
    (page_type, base, format): (&str, &str, Option<&str>),
    listed: &[PageValue],
    example: Option<&Value>,
    comments: &mut Vec<Comment>,
) -> (ParamType, bool) {
    let media = |urls: &[&str], comments: &mut Vec<Comment>| {
        let (kind, unsure) = hints::media_kind(&row.name, &row.description, urls);
        if let Some(why) = unsure {
            comments.push(review(
                Field::Type,
                format!(
                    "the page types this `{page_type}`: {why}; the draft says {}",
                    type_name(kind)
                ),
            ));
        }
        kind
    };
    let url_format = format.is_some_and(|f| f != "date" && f != "date-time");
    let scalar = |base: &str| match base {
        "boolean" => Some(ParamType::Boolean),
        "integer" => Some(ParamType::Integer),
        "number" => Some(ParamType::Number),
        _ => None,
    };
    if let Some(item) = base.strip_suffix("[]").or((base == "array").then_some("")) {
        return (
            list_items(row, page_type, item, listed, example, comments, media),
            true,
        );
    }
    if let Some(ty) = scalar(base) {
        return (ty, false);
    }
    let ty = match base {
        "image" => ParamType::Image,
        "uri" | "file" => media(&example_urls(example), comments),
        "string" if url_format && hints::is_plain_link(&row.name) => ParamType::String,
        "string" if url_format => media(&example_urls(example), comments),
        "string" if !listed.is_empty() => ParamType::Enum,
        "string" => linked_media(row, example, comments).unwrap_or(ParamType::String),
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
    (ty, false)
}

/// A `string` whose name names one media kind and whose example is a URL
/// (the Attributes layout types every URL `str`): that media, with a note.
fn linked_media(
    row: &PageParam,
    example: Option<&Value>,
    comments: &mut Vec<Comment>,
) -> Option<ParamType> {
    if hints::is_plain_link(&row.name) {
        return None;
    }
    let [kind] = hints::kinds_named(&row.name)[..] else {
        return None;
    };
    let Some(url) = example.and_then(Value::as_str).filter(|t| hints::is_url(t)) else {
        // No example URL: the description must name the same media, and
        // the draft is a guess.
        if example.is_some() || hints::kinds_named(&row.description) != [kind] {
            return None;
        }
        comments.push(review(
            Field::Type,
            format!(
                "the page types this a string, but its name and description speak of {} and the page sends no example; the draft says {}: check it takes a URL or base64",
                type_name(kind),
                type_name(kind)
            ),
        ));
        return Some(kind);
    };
    if hints::kind_of_url(url).is_some_and(|k| k != kind) {
        return None;
    }
    comments.push(note(
        Field::Type,
        format!(
            "the page types this a string, but its name says {} and the example sends a URL; the draft says {}",
            type_name(kind),
            type_name(kind)
        ),
    ));
    Some(kind)
}

/// The URLs an example holds (itself, or a list's items).
fn example_urls(example: Option<&Value>) -> Vec<&str> {
    match example {
        Some(Value::String(text)) if hints::is_url(text) => vec![text.as_str()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| hints::is_url(t))
            .collect(),
        _ => Vec::new(),
    }
}

/// A list's item type: what the page names (`string[]`), else what the
/// example's items are, else what the name says.
fn list_items(
    row: &PageParam,
    page_type: &str,
    item: &str,
    listed: &[PageValue],
    example: Option<&Value>,
    comments: &mut Vec<Comment>,
    media: impl Fn(&[&str], &mut Vec<Comment>) -> ParamType,
) -> ParamType {
    let items: &[Value] = match example {
        Some(Value::Array(items)) => items,
        _ => &[],
    };
    let all = |test: fn(&Value) -> bool| !items.is_empty() && items.iter().all(test);
    let named_media = !hints::kinds_named(&row.name).is_empty();
    match item {
        "integer" => return ParamType::Integer,
        "number" => return ParamType::Number,
        "boolean" => return ParamType::Boolean,
        "image" => return ParamType::Image,
        _ => {}
    }
    if all(|v| v.as_str().is_some_and(hints::is_url)) || (items.is_empty() && named_media) {
        return media(&example_urls(example), comments);
    }
    if all(Value::is_i64) {
        return ParamType::Integer;
    }
    if all(Value::is_number) {
        return ParamType::Number;
    }
    if all(Value::is_boolean) {
        return ParamType::Boolean;
    }
    if items.iter().any(|v| v.is_object() || v.is_array()) {
        comments.push(review(
            Field::Type,
            format!(
                "the example sends a list of objects or lists for this `{page_type}`; the draft says a list of strings: describe the items (`items: {{type: object, fields: ...}}`)"
            ),
        ));
        return ParamType::String;
    }
    if item.is_empty() && items.is_empty() {
        comments.push(review(
            Field::Type,
            format!("the page types this `{page_type}` without saying what its items are, and the example shows none; the draft says a list of strings"),
        ));
    }
    if listed.is_empty() {
        ParamType::String
    } else {
        ParamType::Enum
    }
}

/// Reads digits the page runs together after "Allowed values" (`510`) as
/// the ascending values they are, where the default and the example settle
/// the reading; the values and a comment saying how it was read.
fn run_together(value: &PageValue, known: &[i64]) -> Option<(Vec<PageValue>, Comment)> {
    let text = value.text.as_str();
    if value.quoted
        || text.len() < 2
        || text.len() > LONGEST_GLUED_DIGITS
        || !text.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut readings: Vec<Vec<&str>> = Vec::new();
    let mut stack: Vec<(usize, Vec<&str>)> = vec![(0, Vec::new())];
    while let Some((at, parts)) = stack.pop() {
        if at == text.len() {
            readings.push(parts);
            if readings.len() > 64 {
                break;
            }
            continue;
        }
        for end in at + 1..=text.len() {
            let part = &text[at..end];
            if part.len() > 1 && part.starts_with('0') {
                break;
            }
            let ascending = parts
                .last()
                .is_none_or(|last| (part.len(), part) > (last.len(), *last));
            if ascending {
                let mut next = parts.clone();
                next.push(part);
                stack.push((end, next));
            }
        }
    }
    let has = |reading: &Vec<&str>, n: i64| reading.iter().any(|p| p.parse::<i64>() == Ok(n));
    readings.retain(|r| known.iter().all(|&n| has(r, n)));
    readings.sort_by_key(|r| std::cmp::Reverse(r.len()));
    let settled = readings.len() == 1;
    let best = readings.first()?.clone();
    if best.len() == 1 && settled {
        return None;
    }
    let shown = best.join(", ");
    let text_shown = format!(
        "the page prints the allowed values as {text:?} (line {}), run together; the draft reads them as {shown}",
        value.line
    );
    let comment = if settled {
        note(
            Field::Values,
            format!("{text_shown}, the only reading that holds the default and the example"),
        )
    } else {
        review(
            Field::Values,
            format!(
                "{text_shown}, but the default and the example do not settle it: check the values"
            ),
        )
    };
    let values = best
        .into_iter()
        .map(|part| PageValue {
            text: part.to_owned(),
            quoted: false,
            line: value.line,
        })
        .collect();
    Some((values, comment))
}

/// The words that say two parameters cannot be sent together.
const EXCLUSIVE_PHRASES: [&str; 5] = [
    "cannot be used together with",
    "can't be used together with",
    "cannot be combined with",
    "cannot be used with",
    "mutually exclusive with",
];

/// "Cannot be used together with X or Y" sentences, as pairs of
/// parameters that exclude each other, each with a review comment. A
/// required parameter in a pair is made optional (the format's rule), with
/// a review saying so.
fn exclusive_pairs(
    params: &mut [DraftParam],
    page: &PageEndpoint,
    comments: &mut Vec<Comment>,
) -> Vec<[String; 2]> {
    let mut pairs: Vec<[String; 2]> = Vec::new();
    let names: Vec<String> = params.iter().map(|p| p.name.clone()).collect();
    let position = |name: &str| names.iter().position(|n| n == name);
    for param in params.iter() {
        let lower = param.description.to_ascii_lowercase();
        let Some((at, phrase)) = EXCLUSIVE_PHRASES
            .iter()
            .filter_map(|p| lower.find(p).map(|at| (at, *p)))
            .min()
        else {
            continue;
        };
        let said = &param.description[at + phrase.len()..];
        let said = said.split(['.', ';', '(']).next().unwrap_or("");
        let words: Vec<String> = said
            .split([',', '/', ' '])
            .map(|w| {
                w.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .to_owned()
            })
            .filter(|w| {
                !w.is_empty()
                    && ![
                        "or",
                        "and",
                        "nor",
                        "either",
                        "the",
                        "parameter",
                        "parameters",
                    ]
                    .contains(&w.as_str())
            })
            .collect();
        let known: Vec<&String> = words.iter().filter(|w| position(w).is_some()).collect();
        let unknown: Vec<&String> = words
            .iter()
            .filter(|w| w.contains('_') && position(w).is_none())
            .collect();
        let this = param.name.clone();
        let line = page
            .params
            .iter()
            .find(|r| r.name == this)
            .map_or(0, |r| r.line);
        let mut drafted = Vec::new();
        for other in known {
            if *other == this {
                continue;
            }
            let mut pair = [this.clone(), other.clone()];
            pair.sort_by_key(|n| position(n));
            if !pairs.contains(&pair) {
                pairs.push(pair.clone());
            }
            drafted.push(format!("[{}]", pair.join(", ")));
        }
        if drafted.is_empty() && unknown.is_empty() {
            continue;
        }
        let mut text = format!(
            "the page says `{this}` {phrase}{said} (line {line}); the draft has exclusive: {}",
            if drafted.is_empty() {
                "none".to_owned()
            } else {
                drafted.join(", ")
            }
        );
        if !unknown.is_empty() {
            text.push_str(&format!(
                "; the table lists no {}",
                unknown
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        text.push_str(": check the sentence says what these pairs do");
        comments.push(review(Field::Constraints, text));
    }
    for param in params.iter_mut() {
        let in_pair = pairs.iter().any(|p| p.contains(&param.name));
        if in_pair && param.required {
            param.required = false;
            let others: Vec<String> = pairs
                .iter()
                .filter(|p| p.contains(&param.name))
                .flat_map(|p| p.iter().filter(|n| **n != param.name).cloned())
                .collect();
            param.comments.push(review(
                Field::Type,
                format!(
                    "the page marks this required, but it cannot be sent together with {}; a required parameter cannot be exclusive, so the draft makes it optional: say when it must be sent (`at_least_one`)",
                    others.join(", ")
                ),
            ));
        }
    }
    pairs
}

/// A review when the page shows no example request.
fn no_example(page: &PageEndpoint) -> Option<Comment> {
    page.example.is_empty().then(|| {
        review(
            Field::Params,
            "the page shows no example request (no `data = {...}`, `payload = {...}`, `segmind.run(...)` or `const data = {...}` was found); the draft has no examples: give the required parameters one each",
        )
    })
}

/// The default a synchronous wait lasts, which the page's SDK names too.
const SYNC_DEADLINE: u64 = 600;

/// The queue hint: drafted where the page advises the v2 queue for long
/// runs or waits longer than a synchronous call; a review either way.
fn queue(
    page: &PageEndpoint,
    returns: Returns,
    comments: &mut Vec<Comment>,
) -> Option<Option<u64>> {
    let advised = page.queue_advice;
    match page.queue_wait {
        Some((line, seconds)) if seconds > SYNC_DEADLINE || advised.is_some() => {
            let why = match advised {
                Some(advice) => {
                    format!(" and advises the queue for long-running models (line {advice})")
                }
                None => String::new(),
            };
            comments.push(review(
                Field::Queue,
                format!(
                    "the page's sample waits up to {seconds} s on the v2 queue (line {line}){why}; the draft sets the queue with that deadline: say `only: true` if the model is served only through /v2"
                ),
            ));
            return Some(Some(seconds));
        }
        _ => {}
    }
    let long = page
        .typical_secs
        .filter(|(_, s)| *s >= (SYNC_DEADLINE / 2) as f64);
    if long.is_some() || returns == Returns::Video {
        let why = match long {
            Some((line, seconds)) => {
                format!("the page says a call takes about {seconds} s (line {line})")
            }
            None => "the model returns video".to_owned(),
        };
        comments.push(review(
            Field::Queue,
            format!("{why}, but the page advises no queue; the draft sets none: add `queue:` (with a `deadline:`) if calls outlast a synchronous wait"),
        ));
    }
    None
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
