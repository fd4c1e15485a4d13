//! Helpers for tests that build generated code in a scratch copy of the
//! workspace, so that "it compiles without warnings" is checked by rustc,
//! clippy and rustdoc themselves.

#![allow(dead_code)] // each test binary uses a different part

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::SpecSource;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen sits in the workspace")
        .to_path_buf()
}

/// Every `.yaml` file directly in `dir`, named `prefix/<file>`, sorted.
pub fn read_specs(dir: &Path, prefix: &str) -> Vec<SpecSource> {
    let mut sources: Vec<SpecSource> = fs::read_dir(dir)
        .expect("spec folder is readable")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .map(|path| SpecSource {
            path: format!("{prefix}/{}", path.file_name().unwrap().to_string_lossy()),
            text: fs::read_to_string(&path).expect("spec is readable"),
        })
        .collect();
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    sources
}

/// What a scratch workspace copies: everything a build needs, not `target/`
/// (the README too: the crate compiles its examples as doctests).
const COPIED: &[&str] = &[
    "Cargo.toml",
    "README.md",
    "Cargo.lock",
    ".cargo",
    "spec",
    "codegen",
    "xtask",
    "generated-client",
];

/// Copies the workspace into a fresh folder under `target/` (so a failed
/// run can be inspected) and returns its root.
pub fn copy_workspace(name: &str) -> PathBuf {
    let root = workspace_root();
    let copy = root.join("target").join("scratch-workspaces").join(name);
    if copy.exists() {
        fs::remove_dir_all(&copy).expect("old scratch copy is removable");
    }
    fs::create_dir_all(&copy).expect("scratch folder is creatable");
    for entry in COPIED {
        let from = root.join(entry);
        if from.exists() {
            copy_tree(&from, &copy.join(entry)).expect("workspace is copyable");
        }
    }
    copy
}

fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    if from.is_dir() {
        fs::create_dir_all(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        fs::copy(from, to).map(|_| ())
    }
}

/// Runs cargo in `dir`, offline, with a target folder shared by every
/// scratch build so dependencies compile once; fails the test with cargo's
/// output if the command fails.
pub fn cargo(dir: &Path, args: &[&str], envs: &[(&str, &str)]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let target = workspace_root().join("target").join("scratch-builds");
    let output = Command::new(cargo)
        .args(args)
        // Offline through the environment, so that aliases (`cargo xtask`)
        // and arguments after `--` are left as they are.
        .env("CARGO_NET_OFFLINE", "true")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        // Warnings in the generated code must fail, wherever they come from.
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings")
        .envs(envs.iter().copied())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo {}` failed in {}:\n{}{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A draft from `cargo xtask import` as a maintainer accepting each of its
/// choices leaves it: every review comment (its first line and the
/// indented lines continuing it) deleted.
pub fn settled(yaml: &str) -> String {
    let marker = format!("# {}", codegen::import::REVIEW_MARKER);
    let mut out = String::new();
    let mut in_review = false;
    for line in yaml.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with(&marker) {
            in_review = true;
            continue;
        }
        if in_review && trimmed.starts_with("#   ") {
            continue;
        }
        in_review = false;
        out.push_str(line);
        out.push('\n');
    }
    out
}
