//! `API.md`: a human reference with one parameter table per endpoint.

use std::fmt::Write as _;

use super::docs::{code, constraint, escape_markdown, type_label, visible};
use crate::model::{Endpoint, Model, Returns, Task};

/// Spec text shown literally on one line, safe inside a table cell.
fn prose(text: &str) -> String {
    visible(&escape_markdown(text.trim()).replace('\n', " "))
}

/// Code spans and generated text safe inside a table cell: no raw control
/// characters, and no `|` that would end the cell.
fn cell(text: &str) -> String {
    visible(text).replace('|', "\\|")
}

/// The whole reference document (without its header).
pub fn reference(model: &Model) -> String {
    let mut doc = String::new();
    // Writing to a String cannot fail; `let _` keeps the code free of unwraps.
    let _ = writeln!(doc, "# Endpoint reference\n");
    let _ = writeln!(
        doc,
        "Every endpoint of the `segmind` crate with its parameters. Optional parameters that \
         are not set are not sent, and the server applies the default shown. Each endpoint \
         is also queued: the queue method submits the same body to `POST /v2/<slug>`, and \
         `Queue::wait` ends with the same output.\n"
    );
    let grouped: Vec<(Task, Vec<&Endpoint>)> = Task::ALL
        .iter()
        .map(|task| {
            let members = model
                .endpoints
                .iter()
                .filter(|e| e.task() == *task)
                .collect();
            (*task, members)
        })
        .filter(|(_, members): &(Task, Vec<&Endpoint>)| !members.is_empty())
        .collect();
    for (index, (task, members)) in grouped.iter().enumerate() {
        // The intro paragraph ends with a blank line; later groups follow a table.
        let gap = if index == 0 { "" } else { "\n" };
        let _ = writeln!(doc, "{gap}### {}\n", task.heading());
        let _ = writeln!(
            doc,
            "| Endpoint | Request type | Client method | Queue method | Returns |"
        );
        let _ = writeln!(doc, "|---|---|---|---|---|");
        for endpoint in members {
            let _ = writeln!(
                doc,
                "| {} | {} | {} | {} | {} |",
                cell(&code(&format!("POST {}", endpoint.path))),
                code(&endpoint.type_name),
                code(&format!("Client::{}", endpoint.method)),
                code(&format!("Queue::{}", endpoint.method)),
                returns(endpoint.returns)
            );
        }
    }
    for endpoint in grouped.iter().flat_map(|(_, members)| members) {
        let _ = writeln!(doc, "\n## {} — {}\n", endpoint.slug, prose(&endpoint.title));
        let _ = writeln!(doc, "{}\n", prose(&endpoint.description));
        let _ = writeln!(
            doc,
            "{} · request type {} · returns {} · spec {}\n",
            code(&format!("POST {}", endpoint.path)),
            code(&endpoint.type_name),
            returns(endpoint.returns),
            code(&endpoint.source)
        );
        if let Some(hint) = endpoint.queue {
            let deadline = hint
                .deadline_secs
                .map(|secs| format!(", waiting up to {secs} s"))
                .unwrap_or_default();
            let _ = writeln!(
                doc,
                "Long-running: the page advises the queue ({}{deadline}).\n",
                code(&format!("Queue::{}", endpoint.method))
            );
        }
        for rule in &endpoint.constraints {
            let _ = writeln!(doc, "- Rule: {}.", rule.sentence());
        }
        if !endpoint.constraints.is_empty() {
            let _ = writeln!(doc);
        }
        let _ = writeln!(
            doc,
            "| Parameter | Type | Required | Default | Allowed | Description |"
        );
        let _ = writeln!(doc, "|---|---|---|---|---|---|");
        for param in &endpoint.params {
            let _ = writeln!(
                doc,
                "| {} | {} | {} | {} | {} | {} |",
                cell(&code(&param.wire)),
                cell(&type_label(&param.kind)),
                if param.required { "yes" } else { "no" },
                param
                    .default
                    .as_ref()
                    .map(|d| cell(&code(&d.display())))
                    .unwrap_or_else(|| "—".to_owned()),
                constraint(&param.kind)
                    .map(|c| cell(&c))
                    .unwrap_or_else(|| "—".to_owned()),
                prose(&param.description)
            );
        }
    }
    if !model.shared_enums.is_empty() {
        let _ = writeln!(doc, "\n## Shared enums\n");
        for def in &model.shared_enums {
            let values: Vec<String> = def
                .variants
                .iter()
                .map(|v| code(&format!("{:?}", v.wire)))
                .collect();
            let _ = writeln!(
                doc,
                "- {}: {} Values: {}.",
                code(&def.type_name),
                prose(&def.description),
                values.join(", ")
            );
        }
    }
    doc
}

fn returns(returns: Returns) -> &'static str {
    match returns {
        Returns::Image => "image",
        Returns::Json => "JSON",
        Returns::Video => "video",
        Returns::Audio => "audio",
        Returns::Text => "text",
    }
}
