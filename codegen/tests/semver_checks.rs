//! Cross-checks the Rust verdicts of `codegen::diff` with cargo-semver-checks
//! on the generated crate: for each case, a spec before and after one edit,
//! the crate generated from each, and `cargo semver-checks` asked whether
//! the second breaks users of the first.
//!
//! The two answer different questions. semver-checks reads the public API
//! (rustdoc JSON): items, signatures, arity. The diff also knows what the
//! API does: a narrower range makes `validate()` refuse what passed, and two
//! `String` arguments of `new()` that swap places still compile. Each case
//! says whether the two are expected to agree, and why not; the test fails
//! when that expectation stops being true, in either direction.
//!
//! Ignored by default for its cost (it documents two copies of the crate
//! per case); skipped, saying so, when `cargo semver-checks` is not
//! installed. `SEMVER_CASES=all` (or a comma-separated list of case names)
//! runs more than the default two.

mod common;

use std::path::Path;
use std::process::Command;

use codegen::diff::{diff, Impact};
use codegen::workspace::{self, Mode};
use codegen::SpecSource;

/// The spec every case edits, added to the catalogue as one more endpoint.
const BASE: &str = r#"
slug: semver-demo
path: /semver-demo
title: Semver demo
description: A model to cross-check the diff's verdicts with.
returns: image
params:
  prompt:
    type: string
    required: true
    description: Prompt.
  negative:
    type: string
    required: true
    description: What to avoid.
  steps:
    type: integer
    default: 25
    min: 1
    max: 50
    description: Steps.
  sampler:
    type: enum
    values: [euler, ddim]
    description: Sampler.
"#;

/// The file it is written to in each scratch workspace.
const FILE: &str = "spec/semver-demo.yaml";

struct Case {
    name: &'static str,
    from: &'static str,
    to: &'static str,
    /// `None` when both should agree; otherwise why they do not.
    disagreement: Option<&'static str>,
}

const CASES: &[Case] = &[
    Case {
        name: "bound-dropped",
        from: "    max: 50\n",
        to: "",
        disagreement: None,
    },
    Case {
        name: "constructor-reordered",
        from: "  prompt:\n    type: string\n    required: true\n    description: Prompt.\n  negative:\n    type: string\n    required: true\n    description: What to avoid.\n",
        to: "  negative:\n    type: string\n    required: true\n    description: What to avoid.\n  prompt:\n    type: string\n    required: true\n    description: Prompt.\n",
        disagreement: Some("new(prompt, negative) becomes new(negative, prompt): same arity and types, so the API looks unchanged, but calls silently swap"),
    },
    Case {
        name: "param-now-optional",
        from: "    required: true\n    description: What to avoid.\n",
        to: "    description: What to avoid.\n",
        disagreement: None,
    },
    Case {
        name: "enum-values-added",
        from: "[euler, ddim]",
        to: "[euler, ddim, lms]",
        disagreement: None,
    },
    Case {
        name: "param-added-optional",
        from: "  sampler:\n",
        to: "  seed:\n    type: integer\n    description: Seed.\n  sampler:\n",
        disagreement: None,
    },
    Case {
        name: "default-changed",
        from: "default: 25",
        to: "default: 30",
        disagreement: None,
    },
    Case {
        name: "bounds-narrowed",
        from: "max: 50",
        to: "max: 40",
        disagreement: Some("only the value of STEPS_MAX changes; validate() refusing 41..=50 is behaviour, which rustdoc JSON does not show"),
    },
    Case {
        name: "integer-to-number",
        from: "  steps:\n    type: integer\n",
        to: "  steps:\n    type: number\n",
        disagreement: Some("a field, setter argument and constants change type (i64 to f64); cargo-semver-checks has no lint for a changed type"),
    },
];

/// The cases this run covers: `SEMVER_CASES`, or two by default (one where
/// the tools should agree, one where they should not).
fn selected() -> Vec<&'static Case> {
    let wanted = std::env::var("SEMVER_CASES")
        .unwrap_or_else(|_| "bound-dropped,constructor-reordered".to_owned());
    CASES
        .iter()
        .filter(|c| wanted == "all" || wanted.split(',').any(|w| w.trim() == c.name))
        .collect()
}

fn installed() -> bool {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    Command::new(cargo)
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Writes `spec` as the demo endpoint into the scratch workspace at
/// `root` and regenerates its crate there.
fn generate(root: &Path, spec: &str) {
    std::fs::write(root.join(FILE), spec).expect("the spec is writable");
    let sources = workspace::read_specs(root).expect("spec/ is readable");
    let files = codegen::generate(&sources).unwrap_or_else(|p| panic!("{p}"));
    workspace::sync(root, &files, Mode::Write).expect("the crate is writable");
}

/// Whether cargo-semver-checks finds that the crate at `after` breaks
/// users of the one at `before` (with only the demo endpoint's feature on,
/// to keep the builds small), and its report.
fn semver_checks_breaking(before: &Path, after: &Path) -> (bool, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        // `--package`: the workspace says `publish = false`, and semver-checks
        // skips unpublished crates (silently, exit 0) unless one is named.
        .args([
            "semver-checks",
            "check-release",
            "--package",
            "segmind",
            "--manifest-path",
        ])
        .arg(after.join("generated-client/Cargo.toml"))
        .arg("--baseline-root")
        .arg(before.join("generated-client"))
        .args([
            "--release-type",
            "patch",
            "--only-explicit-features",
            "--features",
            "semver_demo",
        ])
        .env(
            "CARGO_TARGET_DIR",
            common::workspace_root().join("target/semver-checks"),
        )
        .output()
        .expect("cargo semver-checks runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        report.contains("Checking") || report.contains("Checked"),
        "cargo semver-checks did not get to compare:\n{report}"
    );
    (!output.status.success(), report)
}

fn model(text: &str) -> codegen::Model {
    let sources = [SpecSource {
        path: FILE.to_owned(),
        text: text.to_owned(),
    }];
    codegen::load(&sources).unwrap_or_else(|p| panic!("{p}"))
}

#[test]
#[ignore = "documents the generated crate twice per case with cargo-semver-checks; run with --ignored"]
fn rust_verdicts_agree_with_cargo_semver_checks() {
    if !installed() {
        eprintln!("skipped: `cargo semver-checks` is not installed (cargo install cargo-semver-checks --locked)");
        return;
    }
    let before = common::copy_workspace("semver-before");
    let after = common::copy_workspace("semver-after");
    generate(&before, BASE);
    let mut surprises = Vec::new();
    for case in selected() {
        assert!(
            BASE.contains(case.from),
            "{}: the case edits nothing",
            case.name
        );
        let edited = BASE.replacen(case.from, case.to, 1);
        let changes = diff(&model(BASE), &model(&edited));
        assert!(
            !changes.is_empty(),
            "{}: the diff sees no change",
            case.name
        );
        let ours = changes.iter().any(|c| c.verdicts.rust == Impact::Breaking);
        generate(&after, &edited);
        let (theirs, report) = semver_checks_breaking(&before, &after);
        let agree = ours == theirs;
        eprintln!(
            "{}: diff says Rust {}, cargo-semver-checks says {}{}",
            case.name,
            if ours { "breaking" } else { "not breaking" },
            if theirs { "breaking" } else { "not breaking" },
            match (agree, case.disagreement) {
                (true, _) => String::new(),
                (false, Some(why)) => format!(" (expected: {why})"),
                (false, None) => " (UNEXPECTED)".to_owned(),
            }
        );
        if agree == case.disagreement.is_some() {
            surprises.push(format!(
                "{}: ours {ours}, theirs {theirs}\n{report}",
                case.name
            ));
        }
    }
    assert!(surprises.is_empty(), "{}", surprises.join("\n\n"));
}
