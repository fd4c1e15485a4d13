//! The second route: one operation of an OpenAPI 3.x document read into
//! what it states, for the same decisions and reviews as a page.
//!
//! The document is read as YAML, of which JSON is a subset: YAML mappings
//! keep their order (the parameters' order), and YAML documents work too.
//! Its facts carry line 0 ("unknown"), which the review comments leave out.

use indexmap::IndexMap;
use serde_yaml::Value;

use super::resolve::BASE_URL;
use super::{ImportError, PageEndpoint, PageParam, PageValue};

const METHODS: [&str; 5] = ["post", "put", "patch", "get", "delete"];
/// How many `$ref`s are followed in a row before giving up (a cycle).
const DEEPEST_REF: usize = 32;

/// Reads the operation `operation` (its `operationId`, its path such as
/// `/ssd-1b`, or `POST /ssd-1b`) from an OpenAPI document.
pub fn parse(json: &str, operation: &str) -> Result<PageEndpoint, ImportError> {
    let document: Value = serde_yaml::from_str(json).map_err(|e| ImportError {
        line: e.location().map(|l| l.line().max(1)),
        message: format!("not a JSON (or YAML) document: {}", strip_location(&e)),
    })?;
    if !document
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3."))
    {
        return Err(ImportError::whole(
            "not an OpenAPI 3.x document: expected a top-level \"openapi\": \"3.x\"",
        ));
    }
    let paths = document
        .get("paths")
        .and_then(Value::as_mapping)
        .ok_or_else(|| ImportError::whole("the document has no \"paths\" object"))?;
    let wanted = operation.trim();
    let mut known = Vec::new();
    let mut found = None;
    for (path, item) in paths {
        let Some(path) = path.as_str() else { continue };
        for method in METHODS {
            let Some(op) = item.get(method).filter(|o| o.is_mapping()) else {
                continue;
            };
            let id = op.get("operationId").and_then(Value::as_str);
            known.push(id.map_or_else(
                || format!("{} {path}", method.to_uppercase()),
                str::to_owned,
            ));
            let spelled = format!("{method} {path}");
            if found.is_none()
                && (id == Some(wanted) || path == wanted || spelled.eq_ignore_ascii_case(wanted))
            {
                found = Some((path, op));
            }
        }
    }
    let Some((path, op)) = found else {
        return Err(ImportError::whole(format!(
            "no operation {wanted:?} in the document; it has: {}",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        )));
    };
    let server = document
        .get("servers")
        .and_then(|s| s.get(0))
        .and_then(|s| s.get("url"))
        .and_then(Value::as_str)
        .unwrap_or(BASE_URL)
        .trim_end_matches('/');
    fn text(value: Option<&Value>) -> Option<&str> {
        value
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }
    let title = text(op.get("summary"))
        .or_else(|| text(document.get("info").and_then(|i| i.get("title"))))
        .unwrap_or_default();
    let description = text(op.get("description")).or_else(|| text(op.get("summary")));
    let body = at(op, &["requestBody", "content", "application/json"])
        .cloned()
        .unwrap_or(Value::Null);
    let schema = resolve_ref(&document, body.get("schema").unwrap_or(&Value::Null))?;
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_sequence)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let body_example = body
        .get("example")
        .or_else(|| {
            body.get("examples")
                .and_then(|e| e.as_mapping()?.values().next()?.get("value"))
        })
        .and_then(Value::as_mapping);
    let mut example = IndexMap::new();
    let mut params = Vec::new();
    let empty = serde_yaml::Mapping::new();
    let properties = schema
        .get("properties")
        .and_then(Value::as_mapping)
        .unwrap_or(&empty);
    for (name, property) in properties {
        let Some(name) = name.as_str() else { continue };
        let property = resolve_ref(&document, property)?;
        let property = single_variant(&document, &property)?;
        if let Some(value) = body_example
            .and_then(|e| e.get(name))
            .or_else(|| property.get("example"))
        {
            if let Ok(value) = serde_json::to_value(value) {
                example.insert(name.to_owned(), (value, 0));
            }
        }
        params.push(param(name, &property, required.contains(&name)));
    }
    let returns = at(op, &["responses", "200", "content"])
        .and_then(Value::as_mapping)
        .and_then(|content| {
            let kinds: Vec<&str> = content.keys().filter_map(Value::as_str).collect();
            if kinds.iter().any(|k| k.starts_with("image/")) {
                Some("Image".to_owned())
            } else {
                kinds.first().map(|k| (*k).to_owned())
            }
        })
        .map(|said| (0, said));
    Ok(PageEndpoint {
        title: (0, title.to_owned()),
        description: description.map(|d| (0, d.to_owned())),
        url: (0, format!("{server}{path}")),
        returns,
        params,
        example_source: (!example.is_empty()).then_some((0, "the request body's example")),
        example,
        uses_default_labels: true,
        ..PageEndpoint::default()
    })
}

/// Follows `$ref`s within the document.
fn resolve_ref(document: &Value, schema: &Value) -> Result<Value, ImportError> {
    let mut schema = schema.clone();
    for _ in 0..DEEPEST_REF {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            return Ok(schema);
        };
        let pointer = reference.strip_prefix('#').ok_or_else(|| {
            ImportError::whole(format!(
                "the reference {reference:?} points outside the document"
            ))
        })?;
        let keys: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|k| k.replace("~1", "/").replace("~0", "~"))
            .collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        schema = at(document, &keys).cloned().ok_or_else(|| {
            ImportError::whole(format!("the reference {reference:?} points at nothing"))
        })?;
    }
    Err(ImportError::whole("`$ref`s refer to each other in a cycle"))
}

/// `allOf: [X]`, or `anyOf`/`oneOf` of X and null, read as X (its own keys
/// such as `description` and `default` kept over X's).
fn single_variant(document: &Value, schema: &Value) -> Result<Value, ImportError> {
    for key in ["allOf", "anyOf", "oneOf"] {
        let Some(variants) = schema.get(key).and_then(Value::as_sequence) else {
            continue;
        };
        let real: Vec<&Value> = variants
            .iter()
            .filter(|v| v.get("type").and_then(Value::as_str) != Some("null"))
            .collect();
        if let [only] = real.as_slice() {
            let mut merged = resolve_ref(document, only)?;
            if let (Some(target), Some(own)) = (merged.as_mapping_mut(), schema.as_mapping()) {
                for (k, v) in own.iter().filter(|(k, _)| k.as_str() != Some(key)) {
                    target.insert(k.clone(), v.clone());
                }
            }
            return Ok(merged);
        }
    }
    Ok(schema.clone())
}

fn page_value(value: &Value) -> PageValue {
    match value {
        Value::String(text) => PageValue {
            text: text.clone(),
            quoted: true,
            line: 0,
        },
        other => PageValue {
            text: serde_json::to_value(other).map_or_else(|_| String::new(), |v| v.to_string()),
            quoted: false,
            line: 0,
        },
    }
}

fn param(name: &str, schema: &Value, required: bool) -> PageParam {
    let ty = match schema.get("type") {
        Some(Value::String(ty)) => Some(ty.clone()),
        Some(Value::Sequence(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .map(str::to_owned),
        _ => schema.get("enum").map(|_| "string".to_owned()),
    };
    let page_type = ty.map(|ty| match schema.get("format").and_then(Value::as_str) {
        Some(format) => format!("{ty} ({format})"),
        None => ty,
    });
    let bound = |key: &str| {
        schema
            .get(key)
            .filter(|v| v.is_number())
            .map(|v| (page_value(v).text, 0))
    };
    let default = schema
        .get("default")
        .filter(|v| !v.is_null())
        .map(page_value);
    PageParam {
        name: name.to_owned(),
        line: 0,
        page_type,
        required,
        description: schema
            .get("description")
            .or_else(|| schema.get("title"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_owned(),
        default_labelled: default.is_some(),
        default,
        default_label_line: None,
        enumerated: false,
        listed: schema
            .get("enum")
            .and_then(Value::as_sequence)
            .map(|values| {
                values
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(page_value)
                    .collect()
            })
            .unwrap_or_default(),
        min: bound("minimum"),
        max: bound("maximum"),
        total: None,
        more: None,
        null_default: None,
    }
}

/// The value at a path of mapping keys.
fn at<'a>(value: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(value, |value, key| value.get(*key))
}

/// serde_yaml's message without the "at line X column Y" the error carries.
fn strip_location(error: &serde_yaml::Error) -> String {
    let message = error.to_string();
    match message.find(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message,
    }
}
