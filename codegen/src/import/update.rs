//! `cargo xtask import --update`: a spec drafted again from its page,
//! merged with what the maintainer settled.
//!
//! The merge works on blocks of the two texts (a top-level key, or one
//! parameter under `params`, each with the comments above it) and on the
//! changes `codegen::diff` finds between the spec and the new draft:
//!
//! - a block whose facts the page did not change is the spec's, verbatim:
//!   its rewritten description, its example, and the comments that resolve
//!   the page's contradictions stay;
//! - a block where the draft differs from the spec because the page
//!   still contradicts itself there (the draft carries a review comment)
//!   and the spec has a comment (the maintainer settled it) is the spec's
//!   too: the same page drafted again must not undo a settlement;
//! - any other block whose facts differ is the draft's, with an
//!   `IMPORT-REVIEW` comment listing the changes and carrying the spec's
//!   old comments, so the generator refuses it until a maintainer has
//!   checked that the settlement still holds;
//! - parameters the page no longer lists go, new ones come in page order
//!   after the spec's (so that `new()` keeps its argument order), and a
//!   rule between parameters the page adds is appended for review; title,
//!   description and header comments are always the spec's.

use std::collections::BTreeSet;

use super::REVIEW_MARKER;
use crate::diff::Change;

/// One top-level key or one parameter: its name and its lines (the
/// comments and blank lines above it included), each ending in `\n`.
#[derive(Debug, Clone, PartialEq)]
struct Block<'a> {
    key: String,
    lines: Vec<&'a str>,
}

/// The key a line starts at `indent` columns, if it is a key line there.
fn key_at(line: &str, indent: usize) -> Option<String> {
    let rest = line.get(indent..)?;
    if !line[..indent].chars().all(|c| c == ' ') || rest.starts_with([' ', '#', '-']) {
        return None;
    }
    let (key, _) = rest.split_once(':')?;
    let key = key.trim().trim_matches(['"', '\'']);
    (!key.is_empty()).then(|| key.to_owned())
}

/// Splits `lines` into blocks keyed at `indent`; lines before the first key
/// that are not comments or blank are returned first, as the block `""`.
fn blocks<'a>(lines: &[&'a str], indent: usize) -> Vec<Block<'a>> {
    let mut found: Vec<Block<'a>> = Vec::new();
    let mut pending: Vec<&'a str> = Vec::new();
    for &line in lines {
        let trimmed = line.trim_start();
        let leading = line.len() - trimmed.len();
        if let Some(key) = key_at(line, indent) {
            let mut block_lines = std::mem::take(&mut pending);
            block_lines.push(line);
            found.push(Block {
                key,
                lines: block_lines,
            });
        } else if (trimmed.is_empty() || trimmed.starts_with('#')) && leading <= indent {
            // A comment at the block's own indent is about the next key.
            pending.push(line);
        } else if let Some(last) = found.last_mut() {
            last.lines.append(&mut pending);
            last.lines.push(line);
        } else {
            pending.push(line);
        }
    }
    match found.last_mut() {
        Some(last) => last.lines.append(&mut pending),
        None if !pending.is_empty() => found.push(Block {
            key: String::new(),
            lines: pending,
        }),
        None => {}
    }
    found
}

fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// The parameter blocks inside a `params:` block (none for `params: {}`).
fn param_blocks<'a>(params: &Block<'a>) -> Vec<Block<'a>> {
    let key_line = params
        .lines
        .iter()
        .position(|l| key_at(l, 0).as_deref() == Some("params"))
        .unwrap_or(0);
    blocks(&params.lines[key_line + 1..], 2)
}

/// The comment lines of a block, without their indentation.
fn comments<'a>(block: &Block<'a>) -> Vec<&'a str> {
    block
        .lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| l.starts_with('#'))
        .collect()
}

/// Whether the maintainer settled, in `spec`, a contradiction the page
/// still has: the draft marks one there and the spec says why it chose.
fn settled(spec: &Block<'_>, draft: &Block<'_>) -> bool {
    let reviewed = draft.lines.iter().any(|l| l.contains(REVIEW_MARKER));
    reviewed && !comments(spec).is_empty()
}

/// A review comment at `indent` saying what the page changed, with the
/// spec's comments on the old version below it.
fn review(indent: &str, what: &str, changes: &[&str], old_comments: &[&str]) -> String {
    let mut out =
        format!("{indent}# {REVIEW_MARKER} the page changed {what} since this spec settled it:\n");
    for change in changes {
        out.push_str(&format!("{indent}#   - {change}\n"));
    }
    if old_comments.is_empty() {
        out.push_str(&format!(
            "{indent}#   check the page's new facts below, then delete this comment.\n"
        ));
    } else {
        out.push_str(&format!(
            "{indent}#   The spec's comments on the old version follow; check they still hold, then delete them and this comment.\n"
        ));
        for comment in old_comments {
            let text = comment.trim_start_matches('#').trim();
            out.push_str(&format!("{indent}#   (was) {text}\n"));
        }
    }
    out
}

/// The head of a change's parameter path: `palette` for `palette[].hex`.
fn param_head(param: &str) -> &str {
    param.split(['.', '[']).next().unwrap_or(param)
}

/// The endpoint-level key a rule is about.
fn endpoint_key(rule: &str) -> Option<&'static str> {
    match rule {
        "returns-changed" => Some("returns"),
        "path-changed" => Some("path"),
        "queue-hint-changed" => Some("queue"),
        "constraint-added" => Some("constraints"),
        _ => None,
    }
}

/// The sentences of `changes` about endpoint key `key` or parameter `param`.
fn sentences(changes: &[Change], wanted: impl Fn(&Change) -> bool) -> Vec<&str> {
    changes
        .iter()
        .filter(|c| wanted(c))
        .map(|c| c.change.as_str())
        .collect()
}

/// The spec's text updated from `draft` (the importer's new draft of the
/// same page), given `changes`, the diff from the spec's model to the
/// draft's. See the module's docs for what is kept and what is taken.
pub fn merge(spec: &str, draft: &str, changes: &[Change]) -> String {
    let spec_lines = lines(spec);
    let draft_lines = lines(draft);
    let spec_blocks = blocks(&spec_lines, 0);
    let draft_blocks = blocks(&draft_lines, 0);
    let draft_block = |key: &str| draft_blocks.iter().find(|b| b.key == key);
    let changed_keys: BTreeSet<&str> = changes
        .iter()
        .filter(|c| c.param.is_none())
        .filter_map(|c| endpoint_key(c.rule))
        .collect();
    let mut out = String::new();
    let mut emitted: BTreeSet<&str> = BTreeSet::new();
    for block in &spec_blocks {
        emitted.insert(&block.key);
        match block.key.as_str() {
            "params" => {
                // A new queue hint goes before the parameters, as drafted.
                if let (false, Some(queue)) = (
                    spec_blocks.iter().any(|b| b.key == "queue"),
                    draft_block("queue"),
                ) {
                    emitted.insert("queue");
                    out.push_str(&review(
                        "",
                        "the queue advice",
                        &sentences(changes, |c| c.rule == "queue-hint-changed"),
                        &[],
                    ));
                    out.extend(queue.lines.iter().copied());
                }
                out.push_str(&merge_params(block, draft_block("params"), changes));
            }
            "constraints" if changed_keys.contains("constraints") => {
                out.extend(block.lines.iter().copied());
                out.push_str(&added_constraints(
                    block,
                    draft_block("constraints"),
                    changes,
                ));
            }
            key if changed_keys.contains(key)
                && !draft_block(key).is_some_and(|new| settled(block, new)) =>
            {
                let what = format!("`{key}`");
                let said = sentences(changes, |c| endpoint_key(c.rule) == Some(key));
                out.push_str(&review("", &what, &said, &comments(block)));
                if let Some(new) = draft_block(key) {
                    out.extend(
                        new.lines
                            .iter()
                            .filter(|l| !l.trim().starts_with('#'))
                            .copied(),
                    );
                }
            }
            _ => out.extend(block.lines.iter().copied()),
        }
    }
    if let (false, Some(new)) = (emitted.contains("constraints"), draft_block("constraints")) {
        let said = sentences(changes, |c| c.rule == "constraint-added");
        out.push_str(&review("", "the rules between parameters", &said, &[]));
        out.extend(new.lines.iter().copied());
    }
    out
}

/// The draft's rules that the spec lacks, each for review, as list items
/// to append to the spec's `constraints` block.
fn added_constraints(spec: &Block<'_>, draft: Option<&Block<'_>>, changes: &[Change]) -> String {
    let Some(draft) = draft else {
        return String::new();
    };
    let mut out = String::new();
    let said = sentences(changes, |c| c.rule == "constraint-added");
    let new_items: Vec<&str> = draft
        .lines
        .iter()
        .copied()
        .filter(|l| l.trim_start().starts_with("- "))
        .filter(|l| !spec.lines.iter().any(|s| s.trim() == l.trim()))
        .collect();
    if !new_items.is_empty() {
        out.push_str(&review("  ", "the rules between parameters", &said, &[]));
        out.extend(new_items);
    }
    out
}

/// The `params` block: the spec's parameters in the spec's order (each
/// merged field by field with the draft's), then the page's new ones.
fn merge_params(spec: &Block<'_>, draft: Option<&Block<'_>>, changes: &[Change]) -> String {
    let spec_params = param_blocks(spec);
    let draft_params = draft.map(param_blocks).unwrap_or_default();
    if draft_params.is_empty() && spec_params.is_empty() {
        return spec.lines.concat();
    }
    // The spec's comments above `params:` stay; `params: {}` opens up.
    let mut out: String = spec
        .lines
        .iter()
        .take_while(|l| key_at(l, 0).as_deref() != Some("params"))
        .copied()
        .collect();
    out.push_str("params:\n");
    for block in &spec_params {
        // A parameter the page no longer lists goes; the diff names it.
        if let Some(new) = draft_params.iter().find(|d| d.key == block.key) {
            out.push_str(&merge_param(block, new, changes));
        }
    }
    for block in &draft_params {
        if !spec_params.iter().any(|s| s.key == block.key) {
            out.extend(block.lines.iter().copied());
        }
    }
    out
}

/// The fields of a parameter a rule is about (`items` and `fields` hold
/// a list's or an object's own). A change inside an object's field or a
/// list's item is about all of `items` or `fields`.
fn fields_of(change: &Change) -> &'static [&'static str] {
    if change
        .param
        .as_deref()
        .is_some_and(|p| p.contains(['.', '[']))
    {
        return &["items", "fields"];
    }
    match change.rule {
        "type-changed" => &[
            "type",
            "items",
            "fields",
            "values",
            "enum",
            "allowed",
            "min",
            "max",
            "min_items",
            "max_items",
        ],
        "param-now-required" | "param-now-optional" => &["required", "default"],
        "default-added" | "default-changed" | "default-removed" => &["default"],
        "bounds-narrowed" | "bounds-widened" => &["min", "max", "min_items", "max_items", "items"],
        "allowed-values-imposed"
        | "allowed-values-dropped"
        | "allowed-values-added"
        | "allowed-values-removed" => &["allowed", "items"],
        "enum-values-added"
        | "enum-values-removed"
        | "enum-variant-renamed"
        | "enum-type-renamed" => &["values", "enum", "items"],
        _ => &[],
    }
}

/// One parameter present on both sides: the spec's block, with each field
/// the page changed taken from the draft (unless the maintainer settled a
/// contradiction the page still has there), and a review comment listing
/// what was taken and the spec's comments it replaced.
fn merge_param(spec: &Block<'_>, draft: &Block<'_>, changes: &[Change]) -> String {
    let (spec_head, spec_fields) = split_param(spec);
    let (_, draft_fields) = split_param(draft);
    let commented = !comments(spec).is_empty();
    let draft_field = |key: &str| draft_fields.iter().find(|f| f.key == key);
    // A field the draft marks for review, in a parameter the spec comments
    // on, was settled by the maintainer: the page's facts there are old news.
    let settled = |key: &str| {
        commented
            && draft_field(key).is_some_and(|f| f.lines.iter().any(|l| l.contains(REVIEW_MARKER)))
    };
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    let mut said: Vec<&str> = Vec::new();
    for change in changes.iter().filter(|c| {
        c.param.as_deref().map(param_head) == Some(spec.key.as_str())
            && !c.rule.starts_with("param-added")
            && c.rule != "param-renamed"
    }) {
        let fields: Vec<&str> = fields_of(change)
            .iter()
            .copied()
            .filter(|f| !settled(f))
            .collect();
        let present = fields
            .iter()
            .any(|f| draft_field(f).is_some() || spec_fields.iter().any(|s| s.key == *f));
        if present {
            taken.extend(fields);
            said.push(&change.change);
        }
    }
    let mut out: String = spec_head.concat();
    if said.is_empty() {
        spec_fields
            .iter()
            .for_each(|f| out.extend(f.lines.iter().copied()));
        return out;
    }
    let replaced: Vec<&str> = spec_fields
        .iter()
        .filter(|f| taken.contains(f.key.as_str()))
        .flat_map(|f| comments(f))
        .collect();
    out.push_str(&review(
        "    ",
        &format!("`{}`", spec.key),
        &said,
        &replaced,
    ));
    let mut pending_new: Vec<&Block<'_>> = draft_fields
        .iter()
        .filter(|f| taken.contains(f.key.as_str()) && !spec_fields.iter().any(|s| s.key == f.key))
        .collect();
    for field in &spec_fields {
        // New fields go before the description, where the importer puts them.
        if field.key == "description" {
            pending_new
                .drain(..)
                .for_each(|f| out.push_str(&fact_lines(f)));
        }
        if !taken.contains(field.key.as_str()) {
            out.extend(field.lines.iter().copied());
        } else if let Some(new) = draft_field(&field.key) {
            out.push_str(&fact_lines(new));
        }
    }
    pending_new
        .into_iter()
        .for_each(|f| out.push_str(&fact_lines(f)));
    out
}

/// A field's lines without its comments (the draft's review comments are
/// replaced by the merge's own).
fn fact_lines(field: &Block<'_>) -> String {
    field
        .lines
        .iter()
        .copied()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect()
}

/// A parameter block's head (comments above it and its key line) and its
/// fields, each a block keyed at four columns.
fn split_param<'a>(block: &Block<'a>) -> (Vec<&'a str>, Vec<Block<'a>>) {
    let at = block
        .lines
        .iter()
        .position(|l| key_at(l, 2).is_some())
        .map_or(block.lines.len(), |i| i + 1);
    (block.lines[..at].to_vec(), blocks(&block.lines[at..], 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_the_comments_above_each_key() {
        let text = "# head\nslug: a\n# why\nreturns: image\nparams:\n  # about p\n  p:\n    # inner\n    type: string\n  q:\n    type: image\n";
        let top = blocks(&lines(text), 0);
        let keys: Vec<&str> = top.iter().map(|b| b.key.as_str()).collect();
        assert_eq!(keys, ["slug", "returns", "params"]);
        assert_eq!(top[1].lines, ["# why\n", "returns: image\n"]);
        let params = param_blocks(&top[2]);
        assert_eq!(params[0].key, "p");
        assert_eq!(
            params[0].lines,
            [
                "  # about p\n",
                "  p:\n",
                "    # inner\n",
                "    type: string\n"
            ]
        );
        assert_eq!(params[1].lines, ["  q:\n", "    type: image\n"]);
    }

    #[test]
    fn a_spec_without_parameters_takes_the_pages_new_ones_and_keeps_its_comments() {
        let spec = "slug: a\n# none yet\nparams: {}\n";
        let draft = "slug: a\nparams:\n  p:\n    type: string\n    description: P.\n";
        assert_eq!(
            merge(spec, draft, &[]),
            "slug: a\n# none yet\nparams:\n  p:\n    type: string\n    description: P.\n"
        );
    }
}
