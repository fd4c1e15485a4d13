//! `segmind models`: every endpoint compiled in, with its parameters.

use serde_json::{json, Value};

use super::call::flag;
use super::exit::{Exit, Failure};
use super::table::{EndpointRow, Kind};
use super::{print_json, write_listing, Globals};

pub(crate) fn run(globals: &Globals) -> Result<Exit, Failure> {
    let rows = crate::generated::cli::COMMANDS;
    if globals.json {
        print_json(&Value::Array(rows.iter().map(row_json).collect()))?;
    } else {
        // Grouped by what the models do, in slug order within a group.
        let mut groups = Vec::new();
        for task in crate::generated::cli::TASKS {
            let members: Vec<String> = rows
                .iter()
                .filter(|row| row.task == *task)
                .map(row_text)
                .collect();
            if !members.is_empty() {
                groups.push(format!("== {task} ==\n\n{}", members.join("\n")));
            }
        }
        let text = groups.join("\n");
        write_listing(text.as_bytes())?;
    }
    Ok(Exit::Success)
}

fn values(kind: &Kind) -> Vec<Value> {
    match kind {
        Kind::Enum(values) => values.iter().map(|v| json!(v)).collect(),
        Kind::Integer { allowed, .. } => allowed.iter().map(|v| json!(v)).collect(),
        Kind::Number { allowed, .. } => allowed.iter().map(|v| json!(v)).collect(),
        Kind::List { item, .. } => values(item),
        Kind::String | Kind::Media(_) | Kind::Boolean | Kind::Object => Vec::new(),
    }
}

fn row_json(row: &EndpointRow) -> Value {
    let params: Vec<Value> = row
        .params
        .iter()
        .map(|param| {
            let (min, max) = match param.kind {
                Kind::Integer { min, max, .. } => (min.map(|n| json!(n)), max.map(|n| json!(n))),
                Kind::Number { min, max, .. } => (min.map(|n| json!(n)), max.map(|n| json!(n))),
                _ => (None, None),
            };
            json!({
                "name": param.wire,
                "flag": format!("--{}", flag(param)),
                "type": param.kind.label(),
                "required": param.required,
                "description": param.description,
                "default": param.default,
                "min": min,
                "max": max,
                "values": values(&param.kind),
            })
        })
        .collect();
    json!({
        "slug": row.slug,
        "title": row.title,
        "description": row.description,
        "returns": row.returns,
        "task": row.task,
        "queue": row.queued.then(|| json!({"deadline_secs": row.queue_deadline_secs})),
        "rules": row.rules,
        "spec": row.source,
        "params": params,
    })
}

fn row_text(row: &EndpointRow) -> String {
    let mut text = format!(
        "{}  {}\n  {}\n",
        row.slug,
        row.title,
        row.description.trim()
    );
    for param in row.params {
        let mut facts = vec![param.kind.label().to_owned()];
        if param.required {
            facts.push("required".to_owned());
        }
        if let Some(constraint) = param.kind.constraint() {
            facts.push(constraint);
        }
        if let Kind::Enum(values) = param.kind {
            facts.push(format!("one of: {}", values.join(", ")));
        }
        if let Some(default) = param.default {
            facts.push(format!("default {default}"));
        }
        text.push_str(&format!("    --{:<22} {}\n", flag(param), facts.join("; ")));
    }
    text
}
