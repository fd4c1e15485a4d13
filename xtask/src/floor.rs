//! The floor crate of a scale fixture: `DIR/floor`, package
//! `segmind-floor`, the generated crate's request types as plain serde
//! structs (see [`codegen::emit::floor`]). `scripts/compile-guard.sh` and
//! `scripts/compile-cost.sh` build it beside the generated crate and report
//! the ratio of the two, which a slower or busier machine changes far less
//! than an absolute time (issue 24).

use std::fs;
use std::path::Path;

/// The floor's folder in the fixture, and so its workspace member entry.
pub const FLOOR_DIR: &str = "floor";

/// The floor's package name.
pub const FLOOR_PACKAGE: &str = "segmind-floor";

/// Writes the floor crate for the checked `model` to `out/floor` and makes
/// it a member of the fixture's workspace (`out/Cargo.toml`, already
/// written).
pub fn write(out: &Path, model: &codegen::Model) -> Result<(), String> {
    let source = codegen::floor_source(model)?;
    let dir = out.join(FLOOR_DIR);
    let io = |e: std::io::Error| format!("cannot write the floor crate: {e}");
    fs::create_dir_all(dir.join("src")).map_err(io)?;
    fs::write(dir.join("Cargo.toml"), manifest()).map_err(io)?;
    fs::write(dir.join("src/lib.rs"), source).map_err(io)?;
    let workspace = out.join("Cargo.toml");
    let text = fs::read_to_string(&workspace).map_err(io)?;
    let text = with_member(&text, FLOOR_DIR).ok_or_else(|| {
        format!(
            "{} has no `members = [` line to add the floor crate to",
            workspace.display()
        )
    })?;
    fs::write(&workspace, text).map_err(io)
}

/// The floor's manifest: serde alone, from the workspace's dependency table
/// (so the same version and features as the generated crate's).
fn manifest() -> String {
    format!(
        "# Written by `cargo xtask scale`: the compile-cost floor (see scripts/compile-guard.sh).\n\
         [package]\n\
         name = \"{FLOOR_PACKAGE}\"\n\
         version = \"0.0.0\"\n\
         edition.workspace = true\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         serde = {{ workspace = true }}\n"
    )
}

/// The workspace manifest with `member` added first to its `members` list
/// (once), wherever that list is written on one line or several.
fn with_member(manifest: &str, member: &str) -> Option<String> {
    let entry = format!("\"{member}\"");
    let mut out = String::with_capacity(manifest.len() + entry.len() + 2);
    let mut done = false;
    for line in manifest.split_inclusive('\n') {
        if !done && line.trim_start().starts_with("members") {
            let open = line.find('[')?;
            done = true;
            if !line.contains(&entry) {
                out.push_str(&line[..=open]);
                out.push_str(&entry);
                let rest = line[open + 1..].trim_start_matches([' ', '\t']);
                if rest.starts_with(['\r', '\n']) {
                    out.push(',');
                } else if !rest.starts_with(']') {
                    out.push_str(", ");
                }
                out.push_str(rest);
                continue;
            }
        }
        out.push_str(line);
    }
    done.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_joins_the_members_once() {
        let one = "[workspace]\nmembers = [\"generated-client\"]\n";
        let added = with_member(one, "floor").unwrap();
        assert_eq!(
            added,
            "[workspace]\nmembers = [\"floor\", \"generated-client\"]\n"
        );
        assert_eq!(with_member(&added, "floor").unwrap(), added);
        let several = "members = [\n    \"generated-client\",\n    \"runtime\",\n]\n";
        assert_eq!(
            with_member(several, "floor").unwrap(),
            "members = [\"floor\",\n    \"generated-client\",\n    \"runtime\",\n]\n"
        );
        assert_eq!(
            with_member("members = []\n", "floor").unwrap(),
            "members = [\"floor\"]\n"
        );
        assert!(with_member("[workspace]\n", "floor").is_none());
    }
}
