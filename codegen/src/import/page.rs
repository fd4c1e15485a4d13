//! Reads the text a browser gives when a model's API page is selected and
//! copied: what the page states, line by line, before anything is decided.
//!
//! Copies differ in where the line breaks fall. A row's name, its
//! `required`/`optional` flag, its type and its description may share one
//! line or take one each, and the values that close a row (its default, its
//! range, its allowed values) may run straight into the next row's name:
//! `falseguidance_scaleoptionalnumber`, `Range: 1 - 25img_height`. Rows are
//! found by their flag and type, and the text before a row's name is read
//! with the grammar of values (`Default:`, `Range: a - b`, `Allowed values
//! (N total):`, quoted strings, numbers, booleans, `+N more`), which tells
//! where the previous row's value ends and the name begins. The example
//! request's keys settle what the grammar cannot (a name starting with a
//! digit after a number).

use std::collections::HashSet;

use super::{sample, ImportError, Layout, PageEndpoint, PageParam, PageValue};

/// The longest name, and the longest value run into a name, considered when
/// splitting a row's first line: bounds the work on pathological input.
const LONGEST_NAME: usize = 200;
const LONGEST_GLUED_VALUE: usize = 64;

const FLAGS: [(&str, bool); 2] = [("required", true), ("optional", false)];
const TYPES: [&str; 8] = [
    "string", "integer", "number", "boolean", "array", "object", "file", "image",
];

/// One piece of a parameter row, in page order.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Text(String),
    DefaultLabel,
    Value(PageValue),
    Range(String, String),
    Min(String),
    Max(String),
    AllowedLabel(Option<usize>),
    More(usize),
    /// `null` printed as a value: the default slot, empty.
    Null,
}

/// A row's first line: its name, flag, type and the text after them.
#[derive(Debug)]
struct Header {
    name: String,
    required: bool,
    ty: Option<String>,
    rest: String,
}

/// Reads a copied API page.
pub fn parse(text: &str) -> Result<PageEndpoint, ImportError> {
    // Browsers copy the spaces of a rendered page as no-break spaces.
    let text = text.replace(['\u{a0}', '\u{202f}'], " ");
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim_end_matches('\r')))
        .collect();
    let last_line = lines.len().max(1);
    let mut non_empty = lines.iter().filter(|(_, l)| !l.trim().is_empty());
    let Some(&(title_line, title)) = non_empty.next() else {
        return Err(ImportError::at(
            1,
            "the text is empty; paste the whole API page (title, code sample and Parameters)",
        ));
    };
    let description = non_empty
        .next()
        .filter(|(_, l)| is_prose(l))
        .map(|(n, l)| (*n, l.trim().to_owned()));
    let heading = params_heading(&lines);
    let before_list = heading.map_or(lines.len(), |(index, _)| index);
    let sample = sample::find(&lines[..before_list]);
    let example = sample.body;
    let sample_url = sample_url(&lines[..before_list]);
    let layout = layout(&lines, heading);
    let advice = QueueAdvice::read(&lines[..before_list]);

    let Some((params_at, attributes)) = heading else {
        let line = lines
            .iter()
            .find(|(_, l)| l.contains("API Endpoint"))
            .map_or(last_line, |(n, _)| *n);
        return Err(ImportError::at(
            line,
            "no \"Parameters\" heading found after \"API Endpoint\" (nor an \"Attributes\" heading); paste the page down to \"Response Type\"",
        ));
    };
    let search_from = lines[..params_at]
        .iter()
        .position(|(_, l)| l.contains("API Endpoint"))
        .unwrap_or(0);
    let url = sample_url
        .or_else(|| endpoint_url(&lines[search_from..=params_at]))
        .or_else(|| v2_url(&lines[..params_at]));
    let Some(url) = url else {
        return Err(ImportError::at(
            lines[params_at].0,
            "no endpoint URL (https://...) found in the code sample or under \"API Endpoint\"",
        ));
    };
    let keys: HashSet<&str> = example.keys().map(String::as_str).collect();
    let (params, returns, labelled) = if attributes {
        let params = attribute_rows(&lines[params_at + 1..], &keys)?;
        (params, response_type(&lines[..params_at]), true)
    } else {
        let (section, returns) = parameter_section(&lines, params_at);
        let params = rows(&section, &keys)?;
        let labelled = section.iter().any(|(_, l)| l.contains("Default:"));
        (params, returns, labelled)
    };
    Ok(PageEndpoint {
        title: (title_line, title.trim().to_owned()),
        description,
        url,
        returns,
        params,
        example,
        uses_default_labels: labelled,
        layout,
        example_source: sample.source,
        queue_wait: advice.wait,
        queue_advice: advice.advised,
        typical_secs: advice.typical,
    })
}

/// The parameter list's heading: its index and whether it is the
/// JavaScript layout's "Attributes".
fn params_heading(lines: &[(usize, &str)]) -> Option<(usize, bool)> {
    let search_from = lines
        .iter()
        .position(|(_, l)| l.contains("API Endpoint"))
        .unwrap_or(0);
    let parameters = lines[search_from..]
        .iter()
        .position(|(_, l)| l.contains("Parameters"))
        .map(|i| (i + search_from, false));
    let attributes = lines
        .iter()
        .position(|(_, l)| l.trim() == "Attributes")
        .map(|i| (i, true));
    match (parameters, attributes) {
        (Some(p), Some(a)) => Some(if a.0 < p.0 { a } else { p }),
        (p, a) => p.or(a),
    }
}

/// Which layout the page is in.
fn layout(lines: &[(usize, &str)], heading: Option<(usize, bool)>) -> Layout {
    if heading.is_some_and(|(_, attributes)| attributes) {
        return Layout::JavaScript;
    }
    let v2 = lines.iter().any(|(_, l)| {
        l.contains("POST /v2/") || l.contains("segmind.run(") || l.contains("submit_async(")
    });
    if v2 {
        Layout::SdkV2
    } else {
        Layout::Requests
    }
}

/// What the page says about the queue and how long a call takes.
#[derive(Default)]
struct QueueAdvice {
    wait: Option<(usize, u64)>,
    advised: Option<usize>,
    typical: Option<(usize, f64)>,
}

impl QueueAdvice {
    fn read(lines: &[(usize, &str)]) -> Self {
        let mut advice = Self::default();
        for &(number, line) in lines {
            if advice.wait.is_none() && line.contains(".wait(") {
                let after = line
                    .find("timeout=")
                    .map(|at| &line[at + "timeout=".len()..]);
                let digits: String = after
                    .unwrap_or("")
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .take(9)
                    .collect();
                if let Ok(seconds) = digits.parse() {
                    advice.wait = Some((number, seconds));
                }
            }
            let lower = line.to_ascii_lowercase();
            if advice.advised.is_none() && lower.contains("recommended for long-running") {
                advice.advised = Some(number);
            }
            let trimmed = line.trim();
            if advice.typical.is_none() {
                if let Some(seconds) = trimmed
                    .strip_prefix('~')
                    .and_then(|t| t.strip_suffix('s'))
                    .and_then(|t| t.parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s >= 0.0)
                {
                    advice.typical = Some((number, seconds));
                }
            }
        }
        advice
    }
}

/// A line's number and text.
type Line = (usize, String);

/// The parameter section of the Parameters layouts, from after its heading
/// to "Response Type" (or "Returns:"), either of which may share a line
/// with a value; and what follows "Returns:".
fn parameter_section(lines: &[(usize, &str)], params_at: usize) -> (Vec<Line>, Option<Line>) {
    let mut section: Vec<(usize, String)> = Vec::new();
    let mut returns = None;
    for (index, &(number, line)) in lines.iter().enumerate().skip(params_at) {
        let mut line = line;
        if index == params_at {
            let at = line.find("Parameters").unwrap_or(0);
            line = &line[at + "Parameters".len()..];
        }
        let end = ["Response Type", "Returns:"]
            .iter()
            .filter_map(|marker| line.find(marker))
            .min();
        match end {
            Some(end) => {
                section.push((number, line[..end].to_owned()));
                returns = returns_after(&lines[index..]);
                break;
            }
            None => section.push((number, line.to_owned())),
        }
    }
    (section, returns)
}

/// The content type under the JavaScript layout's "RESPONSE" heading.
fn response_type(lines: &[(usize, &str)]) -> Option<(usize, String)> {
    let at = lines.iter().position(|(_, l)| l.trim() == "RESPONSE")?;
    lines[at + 1..]
        .iter()
        .find(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| (*n, l.trim().to_owned()))
}

/// `url = "https://..."` (Python) or `const url = "https://...";` (JavaScript).
fn sample_url(lines: &[(usize, &str)]) -> Option<(usize, String)> {
    lines.iter().find_map(|&(number, line)| {
        let line = code(line).trim();
        let line = ["const ", "let ", "var "]
            .iter()
            .find_map(|k| line.strip_prefix(k))
            .unwrap_or(line)
            .trim_start();
        (line.starts_with("url") && line.contains('='))
            .then(|| quoted_url(line).map(|u| (number, u)))
            .flatten()
    })
}

/// The v1 URL of a page that names only its v2 call (`POST /v2/<slug>`).
fn v2_url(lines: &[(usize, &str)]) -> Option<(usize, String)> {
    lines.iter().find_map(|&(number, line)| {
        let at = line.find("POST /v2/")?;
        let slug: String = line[at + "POST /v2/".len()..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        (!slug.is_empty()).then(|| (number, format!("https://api.segmind.com/v1/{slug}")))
    })
}

/// A description line, not a price, a timing or the first line of code.
fn is_prose(line: &str) -> bool {
    let line = line.trim();
    !line.starts_with('~') && !line.starts_with(|c: char| c.is_ascii_digit())
}

/// A code line without the line number the page prints before it.
fn code(line: &str) -> &str {
    line.trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit())
}

/// A double-quoted string at the start of `text` (JSON escapes), and the rest.
fn quoted_prefix(text: &str) -> Option<(String, &str)> {
    let body = text.strip_prefix('"')?;
    let mut escaped = false;
    for (index, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => {
                let literal = &text[..index + 2];
                let value =
                    serde_json::from_str(literal).unwrap_or_else(|_| body[..index].to_owned());
                return Some((value, &body[index + 1..]));
            }
            _ => {}
        }
    }
    None
}

fn quoted_url(line: &str) -> Option<String> {
    let start = line.find("\"http")?;
    quoted_prefix(&line[start..]).map(|(url, _)| url)
}

/// The first URL under "API Endpoint", without a heading run into it.
fn endpoint_url(lines: &[(usize, &str)]) -> Option<(usize, String)> {
    lines.iter().find_map(|&(number, line)| {
        let start = line.find("http://").or_else(|| line.find("https://"))?;
        let url: String = line[start..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '"')
            .collect();
        let url = url.strip_suffix("Parameters").unwrap_or(&url).to_owned();
        Some((number, url))
    })
}

/// What follows "Returns:", on its line or the next non-empty one.
fn returns_after(lines: &[(usize, &str)]) -> Option<(usize, String)> {
    let mut rest = lines.iter().skip_while(|(_, l)| !l.contains("Returns:"));
    let &(number, line) = rest.next()?;
    let after = line[line.find("Returns:")? + "Returns:".len()..].trim();
    if !after.is_empty() {
        return Some((number, after.to_owned()));
    }
    rest.find(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| (*n, l.trim().to_owned()))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-.[]".contains(c)
}

/// A type at the start of `text` (`string`, `string (uri)`) and its length.
fn type_at(text: &str) -> Option<(String, usize)> {
    let base = TYPES.iter().find(|t| text.starts_with(**t))?;
    let rest = &text[base.len()..];
    if rest.starts_with("[]") {
        return Some((format!("{base}[]"), base.len() + 2));
    }
    if let Some(format) = rest.strip_prefix(" (") {
        let close = format.find(')')?;
        let inner = &format[..close];
        if !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Some((format!("{base} ({inner})"), base.len() + 2 + close + 1));
        }
    }
    Some(((*base).to_owned(), base.len()))
}

/// Whether a whole line is a type alone (`string (uri)`).
fn is_type_line(line: &str) -> bool {
    let line = line.trim();
    type_at(line).is_some_and(|(_, length)| length == line.len())
}

/// A flag (`required`, `optional`) at the start of `text`.
fn flag_at(text: &str) -> Option<(bool, usize)> {
    FLAGS
        .iter()
        .find(|(flag, _)| text.starts_with(flag))
        .map(|(flag, required)| (*required, flag.len()))
}

/// Joins the lines a row's first line was broken into: a name alone on the
/// line before its flag (`image` / `requiredstring (uri)`), and a type alone
/// on the line after it (`imagerequired` / `string (uri)`).
fn join_broken_headers(section: &[(usize, String)]) -> Vec<(usize, String)> {
    let mut joined: Vec<(usize, String)> = Vec::new();
    let mut index = 0;
    while index < section.len() {
        let (number, line) = &section[index];
        index += 1;
        let trimmed = line.trim_start();
        let opens_with_flag = flag_at(trimmed).is_some_and(|(_, length)| {
            let after = &trimmed[length..];
            after.trim().is_empty() || type_at(after).is_some()
        });
        if opens_with_flag {
            let previous = joined
                .iter_mut()
                .rev()
                .find(|(_, l)| !l.trim().is_empty())
                .filter(|(_, l)| l.ends_with(is_name_char));
            if let Some((_, previous)) = previous {
                previous.push_str(trimmed);
                take_type_line(previous, section, &mut index);
                continue;
            }
        }
        let mut line = line.clone();
        take_type_line(&mut line, section, &mut index);
        joined.push((*number, line));
    }
    joined
}

/// Appends the type on the next non-empty line when `line` ends with a flag.
fn take_type_line(line: &mut String, section: &[(usize, String)], index: &mut usize) {
    if !FLAGS
        .iter()
        .any(|(flag, _)| line.trim_end().ends_with(flag))
    {
        return;
    }
    let mut next = *index;
    while next < section.len() && section[next].1.trim().is_empty() {
        next += 1;
    }
    if let Some((_, type_line)) = section.get(next).filter(|(_, l)| is_type_line(l)) {
        line.truncate(line.trim_end().len());
        line.push_str(type_line.trim());
        *index = next + 1;
    }
}

/// Finds a row's first line in `line`: the text before the name (the
/// previous row's values) and the header.
fn header_in(line: &str, keys: &HashSet<&str>) -> Option<(String, Header)> {
    for (flag_start, _) in line.match_indices(['r', 'o']) {
        let Some((required, flag_length)) = flag_at(&line[flag_start..]) else {
            continue;
        };
        let after = &line[flag_start + flag_length..];
        let ty = type_at(after);
        if ty.is_none() && !after.trim().is_empty() {
            continue;
        }
        let run_start = line[..flag_start]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_name_char(*c))
            .last()
            .map(|(i, _)| i)?;
        let run_start =
            run_start.max(flag_start.saturating_sub(LONGEST_NAME + LONGEST_GLUED_VALUE));
        let starts: Vec<usize> = line[run_start..flag_start]
            .char_indices()
            .map(|(i, _)| i + run_start)
            .filter(|&i| line.is_char_boundary(i))
            .collect();
        let tail_ok = |start: usize| {
            let tail = &line[..start];
            tail.trim().is_empty() || value_tokens(tail).is_some()
        };
        let name_ok = |start: usize| {
            line[start..flag_start].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        };
        // An example key settles it; else the longest run of values.
        let start = starts
            .iter()
            .copied()
            .filter(|&s| flag_start - s <= LONGEST_NAME)
            .find(|&s| keys.contains(&line[s..flag_start]) && tail_ok(s))
            .or_else(|| {
                starts
                    .iter()
                    .copied()
                    .rev()
                    .find(|&s| s - run_start <= LONGEST_GLUED_VALUE && name_ok(s) && tail_ok(s))
            });
        // Without a type, a flag ending a line is a row only when nothing
        // but a name (or values) comes before it.
        let start = match (start, &ty) {
            (Some(start), _) => start,
            (None, Some(_)) => run_start,
            (None, None) => continue,
        };
        let (ty, rest) = match ty {
            Some((ty, length)) => (Some(ty), after[length..].trim().to_owned()),
            None => (None, String::new()),
        };
        return Some((
            line[..start].to_owned(),
            Header {
                name: line[start..flag_start].to_owned(),
                required,
                ty,
                rest,
            },
        ));
    }
    None
}

/// The JavaScript layout's type names, longest first so that a name's end
/// is not read as a shorter type, and the Parameters layout's name for each.
const ATTRIBUTE_TYPES: [(&str, &str, bool); 17] = [
    ("enum:float", "number", true),
    ("enum:int", "integer", true),
    ("enum:str", "string", true),
    ("boolean", "boolean", false),
    ("integer", "integer", false),
    ("string", "string", false),
    ("number", "number", false),
    ("str[]", "string[]", false),
    ("array", "array", false),
    ("float", "number", false),
    ("image", "image", false),
    ("list", "array", false),
    ("file", "file", false),
    ("bool", "boolean", false),
    ("uri", "string (uri)", false),
    ("int", "integer", false),
    ("str", "string", false),
];

/// An Attributes row's first line (`seedint ( default: 1 )`,
/// `image_urlstr *`, `durationenum:int *`): name, page type, whether
/// enumerated, required, default, and whether it carried a marker.
struct AttributeHeader {
    name: String,
    page_type: &'static str,
    enumerated: bool,
    required: bool,
    default: Option<String>,
    marked: bool,
}

fn attribute_header(line: &str) -> Option<AttributeHeader> {
    let mut rest = line.trim();
    let mut required = false;
    let mut default = None;
    if let Some(head) = rest.strip_suffix('*') {
        required = true;
        rest = head.trim_end();
    } else if let Some(head) = rest.strip_suffix(')') {
        let open = head.rfind('(')?;
        let inner = head[open + 1..].trim();
        default = Some(inner.strip_prefix("default:")?.trim().to_owned());
        rest = head[..open].trim_end();
    }
    let (suffix, page_type, enumerated) = ATTRIBUTE_TYPES
        .iter()
        .find(|(suffix, _, _)| rest.len() > suffix.len() && rest.ends_with(suffix))?;
    let name = &rest[..rest.len() - suffix.len()];
    let name_ok = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    name_ok.then(|| AttributeHeader {
        name: name.to_owned(),
        page_type,
        enumerated: *enumerated,
        required,
        default,
        marked: required || line.trim_end().ends_with(')'),
    })
}

/// Reads the JavaScript layout's Attributes list, up to the note on credits
/// that follows it.
fn attribute_rows(
    lines: &[(usize, &str)],
    keys: &HashSet<&str>,
) -> Result<Vec<PageParam>, ImportError> {
    let mut params: Vec<PageParam> = Vec::new();
    let mut description: Vec<String> = Vec::new();
    let mut in_values = false;
    let finish = |params: &mut Vec<PageParam>, description: &mut Vec<String>| {
        if let Some(param) = params.last_mut() {
            param.description = std::mem::take(description).join(" ");
        }
    };
    for &(number, line) in lines {
        let trimmed = line.trim();
        if trimmed.starts_with("To keep track of your credit usage") {
            break;
        }
        if trimmed.is_empty() {
            continue;
        }
        let header = attribute_header(trimmed)
            .filter(|h| !in_values || h.marked || keys.contains(h.name.as_str()));
        if let Some(header) = header {
            finish(&mut params, &mut description);
            in_values = false;
            params.push(PageParam {
                name: header.name,
                line: number,
                page_type: Some(header.page_type.to_owned()),
                required: header.required,
                default_labelled: header.default.is_some(),
                default_label_line: header.default.as_ref().map(|_| number),
                default: header.default.filter(|d| !d.is_empty()).map(|text| {
                    let (text, quoted) = unquoted(&text);
                    PageValue {
                        text,
                        quoted,
                        line: number,
                    }
                }),
                enumerated: header.enumerated,
                ..PageParam::default()
            });
            continue;
        }
        let Some(param) = params.last_mut() else {
            return Err(ImportError::at(
                number,
                "cannot read this line: the Attributes list must start with a parameter's name and type (`seedint ( default: 1 )`, `promptstr *`)",
            ));
        };
        let bound = |label: &str| {
            let rest = trimmed
                .strip_prefix(label)?
                .trim_start()
                .strip_prefix(':')?;
            let (value, after) = number_prefix(rest.trim_start())?;
            after
                .trim_matches([',', ' '])
                .is_empty()
                .then(|| value.to_owned())
        };
        if let Some(value) = bound("min") {
            param.min = Some((value, number));
        } else if let Some(value) = bound("max") {
            param.max = Some((value, number));
        } else if trimmed.starts_with("Allowed values") && trimmed.ends_with(':') {
            in_values = true;
        } else if in_values && trimmed.len() <= LONGEST_GLUED_VALUE {
            let (text, quoted) = unquoted(trimmed);
            param.listed.push(PageValue {
                text,
                quoted,
                line: number,
            });
        } else {
            in_values = false;
            description.push(trimmed.to_owned());
        }
    }
    finish(&mut params, &mut description);
    Ok(params)
}

/// A value without the quotes the page may print around it.
fn unquoted(text: &str) -> (String, bool) {
    match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => (inner.to_owned(), true),
        None => (text.to_owned(), false),
    }
}

/// Reads the rows of the Parameters section.
fn rows(section: &[(usize, String)], keys: &HashSet<&str>) -> Result<Vec<PageParam>, ImportError> {
    let mut params: Vec<PageParam> = Vec::new();
    let mut tokens: Vec<(usize, Token)> = Vec::new();
    let flush = |params: &mut Vec<PageParam>, tokens: &mut Vec<(usize, Token)>| {
        if let Some(param) = params.last_mut() {
            read_row(param, std::mem::take(tokens));
        }
    };
    for (number, line) in join_broken_headers(section) {
        match header_in(&line, keys) {
            Some((before, header)) => {
                push_text(&mut tokens, number, &before);
                if params.is_empty() {
                    if let Some((line, _)) = tokens.first() {
                        return Err(ImportError::at(
                            *line,
                            "cannot read this line: the Parameters section must start with a parameter's name and `required` or `optional`",
                        ));
                    }
                }
                flush(&mut params, &mut tokens);
                params.push(PageParam {
                    name: header.name,
                    line: number,
                    page_type: header.ty,
                    required: header.required,
                    ..PageParam::default()
                });
                push_text(&mut tokens, number, &header.rest);
            }
            None => push_text(&mut tokens, number, &line),
        }
    }
    if params.is_empty() {
        if let Some((line, _)) = tokens.first() {
            return Err(ImportError::at(
                *line,
                "cannot read this line as a parameter: expected its name followed by `required` or `optional` and its type",
            ));
        }
    }
    flush(&mut params, &mut tokens);
    Ok(params)
}

/// Appends the tokens of one piece of text: values when it reads as values
/// throughout, else description text.
fn push_text(tokens: &mut Vec<(usize, Token)>, line: usize, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if let Some(values) = value_tokens(text) {
        tokens.extend(values.into_iter().map(|t| (line, t)));
    } else if let Some(rest) = text.strip_prefix("Default:") {
        // An unquoted text default: up to a range, if one follows.
        let rest = rest.trim();
        let (value, after) = match rest.find("Range:") {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, ""),
        };
        tokens.push((line, Token::DefaultLabel));
        tokens.push((
            line,
            Token::Value(PageValue {
                text: value.trim().to_owned(),
                quoted: false,
                line,
            }),
        ));
        if let Some(values) = value_tokens(after) {
            tokens.extend(values.into_iter().map(|t| (line, t)));
        }
    } else {
        tokens.push((line, Token::Text(text.to_owned())));
    }
}

/// Splits text made only of values into tokens; `None` if anything else is in it.
fn value_tokens(text: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let (token, after) = value_token(rest)?;
        tokens.push(token);
        rest = after.trim_start();
    }
    Some(tokens)
}

fn value_token(text: &str) -> Option<(Token, &str)> {
    if let Some(rest) = text.strip_prefix("Default:") {
        return Some((Token::DefaultLabel, rest));
    }
    if let Some(rest) = text.strip_prefix("Range:") {
        let (low, rest) = number_prefix(rest.trim_start())?;
        let rest = rest.trim_start();
        let rest = rest
            .strip_prefix('-')
            .or_else(|| rest.strip_prefix("to"))?
            .trim_start();
        let (high, rest) = number_prefix(rest)?;
        return Some((Token::Range(low.to_owned(), high.to_owned()), rest));
    }
    for (label, min) in [
        ("Minimum:", true),
        ("Maximum:", false),
        ("Min:", true),
        ("Max:", false),
    ] {
        if let Some(rest) = text.strip_prefix(label) {
            let (value, rest) = number_prefix(rest.trim_start())?;
            let value = value.to_owned();
            return Some((
                if min {
                    Token::Min(value)
                } else {
                    Token::Max(value)
                },
                rest,
            ));
        }
    }
    if let Some(rest) = text.strip_prefix("Allowed values") {
        let mut rest = rest.trim_start();
        let mut total = None;
        if let Some(inner) = rest.strip_prefix('(') {
            let close = inner.find(')')?;
            let count = inner[..close].trim().strip_suffix("total")?.trim();
            total = Some(count.parse().ok()?);
            rest = inner[close + 1..].trim_start();
        }
        return Some((Token::AllowedLabel(total), rest.strip_prefix(':')?));
    }
    if text.starts_with('"') {
        let (value, rest) = quoted_prefix(text)?;
        return Some((
            Token::Value(PageValue {
                text: value,
                quoted: true,
                line: 0,
            }),
            rest,
        ));
    }
    if let Some(rest) = text.strip_prefix('+') {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            let after = rest[digits..].trim_start();
            if let Some(after) = after.strip_prefix("more") {
                return Some((Token::More(rest[..digits].parse().ok()?), after));
            }
        }
    }
    // `Default: null`, or a compact row's `null` before its values: no
    // default (nothing is sent unless given), not the string "null".
    if let Some(rest) = text.strip_prefix("null") {
        if !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            return Some((Token::Null, rest));
        }
    }
    for word in ["true", "false"] {
        if let Some(rest) = text.strip_prefix(word) {
            return Some((
                Token::Value(PageValue {
                    text: word.to_owned(),
                    quoted: false,
                    line: 0,
                }),
                rest,
            ));
        }
    }
    let (number, rest) = number_prefix(text)?;
    Some((
        Token::Value(PageValue {
            text: number.to_owned(),
            quoted: false,
            line: 0,
        }),
        rest,
    ))
}

/// A decimal number at the start of `text` (`-1`, `0.99`, `1e-3`).
fn number_prefix(text: &str) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    let mut end = usize::from(matches!(bytes.first(), Some(b'-' | b'+')));
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let whole = digits(end);
    if whole == 0 {
        return None;
    }
    end += whole;
    if bytes.get(end) == Some(&b'.') && digits(end + 1) > 0 {
        end += 1 + digits(end + 1);
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(end + 1), Some(b'-' | b'+')));
        let exponent = digits(end + 1 + sign);
        if exponent > 0 {
            end += 1 + sign + exponent;
        }
    }
    Some((&text[..end], &text[end..]))
}

/// Turns a row's tokens into what the row states.
fn read_row(param: &mut PageParam, tokens: Vec<(usize, Token)>) {
    let mut description: Vec<String> = Vec::new();
    let mut after_default_label = false;
    for (line, token) in tokens {
        match token {
            Token::Text(text) => description.push(text),
            Token::DefaultLabel => {
                param.default_labelled = true;
                after_default_label = true;
                param.default_label_line = Some(line);
            }
            Token::Value(mut value) => {
                value.line = line;
                if after_default_label && param.default.is_none() {
                    param.default = Some(value);
                } else {
                    param.listed.push(value);
                }
                after_default_label = false;
            }
            Token::Range(low, high) => {
                param.min = Some((low, line));
                param.max = Some((high, line));
            }
            Token::Min(low) => param.min = Some((low, line)),
            Token::Max(high) => param.max = Some((high, line)),
            Token::AllowedLabel(total) => {
                param.total = total;
                after_default_label = false;
            }
            Token::More(count) => param.more = Some((count, line)),
            Token::Null => {
                if param.default.is_none() && (after_default_label || param.listed.is_empty()) {
                    param.null_default = Some(line);
                }
                after_default_label = false;
            }
        }
    }
    param.description = description.join(" ");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(line: &str, keys: &[&str]) -> Option<(String, String)> {
        let keys: HashSet<&str> = keys.iter().copied().collect();
        header_in(line, &keys).map(|(before, h)| (before, h.name))
    }

    #[test]
    fn a_value_run_into_a_name_is_split_by_the_value_grammar() {
        let cases = [
            (
                "falseguidance_scaleoptionalnumberDetermines",
                "false",
                "guidance_scale",
            ),
            (
                "7Range: 1 - 25img_heightoptionalinteger",
                "7Range: 1 - 25",
                "img_height",
            ),
            (
                "512512768img_widthoptionalinteger",
                "512512768",
                "img_width",
            ),
            (
                "\"a\"\"b\"+2 moreseedoptionalinteger",
                "\"a\"\"b\"+2 more",
                "seed",
            ),
            ("-1strengthoptionalnumber", "-1", "strength"),
            ("imagerequiredstring (uri)Input", "", "image"),
            ("\"x, y\"num_stepsoptionalinteger", "\"x, y\"", "num_steps"),
        ];
        for (line, before, name) in cases {
            assert_eq!(
                header(line, &[]),
                Some((before.to_owned(), name.to_owned())),
                "{line}"
            );
        }
        // A name starting with a digit is found through the example's keys.
        assert_eq!(
            header("72nd_passoptionalboolean", &["2nd_pass"]),
            Some(("7".to_owned(), "2nd_pass".to_owned()))
        );
        // Prose that mentions the words is no row.
        assert_eq!(header("This field is required.", &[]), None);
        assert_eq!(header("the value is optional, it says", &[]), None);
    }

    #[test]
    fn values_and_labels() {
        let tokens = value_tokens("Default: 7.5Range: 0 - 0.99").unwrap();
        assert_eq!(tokens.len(), 3);
        assert_eq!(tokens[2], Token::Range("0".into(), "0.99".into()));
        let tokens = value_tokens("Allowed values (12 total):").unwrap();
        assert_eq!(tokens, [Token::AllowedLabel(Some(12))]);
        let tokens = value_tokens("\"DDIM\"\"DPM Multi\"+2 more").unwrap();
        assert_eq!(tokens.len(), 3);
        assert_eq!(tokens[2], Token::More(2));
        assert_eq!(
            value_tokens("Range: -1 - 999999999999999").unwrap().len(),
            1
        );
        assert!(value_tokens("Input Image").is_none());
        assert!(value_tokens("2 images").is_none());
    }
}
