//! `cargo xtask diff`: what the specs in the working tree change against a
//! git revision (or the last release), and whom each change breaks. The
//! rules are `codegen::diff`'s; this reads the two sides and reports.

use std::path::Path;
use std::process::ExitCode;

use codegen::diff::{self, Change};
use codegen::{Model, SpecSource};

use crate::git;
use crate::release::{self, Release};

/// What to compare and how to answer.
pub struct Options {
    /// The revision to compare with; `None` with `since_release`.
    pub rev: Option<String>,
    /// Compare with the last release instead.
    pub since_release: bool,
    /// Print a JSON array instead of the listing.
    pub json: bool,
    /// Fail when any change is breaking.
    pub fail_on_breaking: bool,
    /// Fail when a breaking change has no major version bump (the CI guard).
    pub check: bool,
}

pub fn main(root: &Path, options: Options) -> ExitCode {
    match run(root, &options) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The changes from the revision (or release) `options` names to the
/// working tree, breaking first, with what they were compared against.
fn compare(
    root: &Path,
    options: &Options,
) -> Result<(Vec<Change>, String, Option<Release>), String> {
    let (old, label, release) = match (&options.rev, options.since_release) {
        (Some(rev), false) => {
            let commit = git::commit(root, rev)?;
            (model_at(root, &commit, rev)?, rev.clone(), None)
        }
        (None, true) => {
            let release = release::last_release(root)?;
            let old = release_model(root, &release)?;
            (old, release.describe(), Some(release))
        }
        _ => return Err("give a revision to compare with, or --since-release".into()),
    };
    let new = working_tree_model(root)?;
    let mut changes = diff::diff(&old, &new);
    diff::breaking_first(&mut changes);
    Ok((changes, label, release))
}

fn run(root: &Path, options: &Options) -> Result<ExitCode, String> {
    let (changes, label, release) = compare(root, options)?;
    if options.json {
        let array: Vec<_> = changes.iter().map(Change::to_json).collect();
        println!("{:#}", serde_json::Value::Array(array));
    } else {
        println!("spec/ in the working tree against {label}:");
        print!("{}", diff::human_report(&changes));
    }
    let breaking: Vec<&Change> = changes.iter().filter(|c| c.breaking()).collect();
    if options.check {
        let release = release.as_ref().ok_or("--check needs --since-release")?;
        return version_guard(root, release, &breaking);
    }
    if options.fail_on_breaking && !breaking.is_empty() {
        eprintln!("error: {} breaking change(s)", breaking.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// The CI guard: a breaking change since the release needs the crate's
/// version bumped past what the release's users accept (`cargo update`
/// takes 0.1.x to 0.1.y, never to 0.2.0).
fn version_guard(root: &Path, release: &Release, breaking: &[&Change]) -> Result<ExitCode, String> {
    let manifest = std::fs::read_to_string(root.join(release::CRATE_MANIFEST))
        .map_err(|e| format!("cannot read {}: {e}", release::CRATE_MANIFEST))?;
    let current = release::crate_version(&manifest).ok_or_else(|| {
        format!(
            "{} has no `version = \"X.Y.Z\"` under [package]",
            release::CRATE_MANIFEST
        )
    })?;
    if breaking.is_empty() || release.version.allows_breaking(current) {
        eprintln!(
            "version guard: {} breaking change(s) since {}, crate version {current}: fine",
            breaking.len(),
            release.version
        );
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "error: {} breaking change(s) since {} and the crate is still {current}; a breaking change needs version {} or later in {} (or undo it):",
        breaking.len(),
        release.describe(),
        release.version.next_breaking(),
        release::CRATE_MANIFEST
    );
    for change in breaking {
        let param = change
            .param
            .as_deref()
            .map_or(String::new(), |p| format!(" {p}"));
        eprintln!(
            "  {}{param}: {} [{}; {}]",
            change.endpoint,
            change.change,
            change.rule,
            diff::verdict_sentence(&change.verdicts)
        );
    }
    Ok(ExitCode::FAILURE)
}

/// Loads specs, naming where they came from when they do not check.
fn load(sources: &[SpecSource], from: &str) -> Result<Model, String> {
    codegen::load(sources).map_err(|problems| {
        format!(
            "the specs {from} do not pass today's checks, so they cannot be compared:\n{problems}"
        )
    })
}

pub fn working_tree_model(root: &Path) -> Result<Model, String> {
    let sources =
        codegen::workspace::read_specs(root).map_err(|e| format!("cannot read the specs: {e}"))?;
    load(&sources, "in the working tree")
}

fn model_at(root: &Path, commit: &str, rev: &str) -> Result<Model, String> {
    let sources = git::specs_at(root, commit)?;
    load(&sources, &format!("at {rev}"))
}

/// The release's checked model: its commit's specs, or the working tree's
/// while the release is being cut.
pub fn release_model(root: &Path, release: &Release) -> Result<Model, String> {
    match &release.commit {
        Some(commit) => model_at(root, commit, &format!("release {}", release.version)),
        None => working_tree_model(root),
    }
}

/// The generated "Unreleased" entries of `CHANGELOG.md`: the changes from
/// the last release to `current`.
pub fn unreleased_entries(root: &Path, current: &Model) -> Result<String, String> {
    if !git::is_checkout(root) {
        return Err(format!(
            "{} is not the top of a git checkout",
            root.display()
        ));
    }
    let release = release::last_release(root)?;
    let old = release_model(root, &release)?;
    let changes = diff::diff(&old, current);
    Ok(diff::changelog_entries(
        &changes,
        &format!("{}", release.version),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::process::Command;

    const SPEC: &str = "slug: demo\npath: /demo\ntitle: Demo\ndescription: A model.\nreturns: image\nparams:\n  steps:\n    type: integer\n    max: 50\n    description: Steps.\n";
    const CHANGELOG: &str = "# Changelog\n\n## [Unreleased]\n\n<!-- @generated unreleased begin -->\n<!-- @generated unreleased end -->\n\n## [0.1.0] - 2026-12-07\n";
    const MANIFEST: &str = "[package]\nname = \"segmind\"\nversion = \"0.1.0\"\n";

    fn git(root: &Path, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(root)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            status.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    }

    /// A small repository: one spec, a changelog with release 0.1.0 and the
    /// crate's manifest, committed once.
    fn repository(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-diff-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec")).unwrap();
        std::fs::create_dir_all(root.join("generated-client")).unwrap();
        std::fs::write(root.join("spec/demo.yaml"), SPEC).unwrap();
        std::fs::write(root.join(release::CHANGELOG), CHANGELOG).unwrap();
        std::fs::write(root.join(release::CRATE_MANIFEST), MANIFEST).unwrap();
        git(&root, &["init", "-q"]);
        git(&root, &["add", "."]);
        git(&root, &["commit", "-q", "-m", "release 0.1.0"]);
        root
    }

    fn options(rev: Option<&str>) -> Options {
        Options {
            rev: rev.map(str::to_owned),
            since_release: rev.is_none(),
            json: false,
            fail_on_breaking: false,
            check: rev.is_none(),
        }
    }

    #[test]
    fn compares_the_working_tree_with_a_revision_and_the_release() {
        let root = repository("compare");
        let (none, _, _) = compare(&root, &options(Some("HEAD"))).unwrap();
        assert!(none.is_empty(), "{none:#?}");
        std::fs::write(
            root.join("spec/demo.yaml"),
            SPEC.replace("max: 50", "max: 40"),
        )
        .unwrap();
        let (changes, label, _) = compare(&root, &options(Some("HEAD"))).unwrap();
        assert_eq!(label, "HEAD");
        assert_eq!(changes.len(), 1, "{changes:#?}");
        assert_eq!(changes[0].rule, "bounds-narrowed");
        let json = changes[0].to_json();
        for key in [
            "endpoint", "param", "change", "breaking", "rust", "http", "cli",
        ] {
            assert!(json.get(key).is_some(), "{key} missing from {json}");
        }
        let (since, label, release) = compare(&root, &options(None)).unwrap();
        assert_eq!(since, changes);
        assert!(label.starts_with("0.1.0 (commit "), "{label}");
        assert_eq!(
            release.unwrap().commit,
            Some(git::commit(&root, "HEAD").unwrap())
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn the_guard_fails_on_a_breaking_change_until_the_version_is_bumped() {
        let root = repository("guard");
        assert_eq!(run(&root, &options(None)), Ok(ExitCode::SUCCESS));
        // Compatible: a wider range.
        std::fs::write(
            root.join("spec/demo.yaml"),
            SPEC.replace("max: 50", "max: 60"),
        )
        .unwrap();
        assert_eq!(run(&root, &options(None)), Ok(ExitCode::SUCCESS));
        std::fs::write(
            root.join("spec/demo.yaml"),
            SPEC.replace("max: 50", "max: 40"),
        )
        .unwrap();
        assert_eq!(run(&root, &options(None)), Ok(ExitCode::FAILURE));
        let patch = MANIFEST.replace("0.1.0", "0.1.1");
        std::fs::write(root.join(release::CRATE_MANIFEST), patch).unwrap();
        assert_eq!(run(&root, &options(None)), Ok(ExitCode::FAILURE));
        let minor = MANIFEST.replace("0.1.0", "0.2.0");
        std::fs::write(root.join(release::CRATE_MANIFEST), minor).unwrap();
        assert_eq!(run(&root, &options(None)), Ok(ExitCode::SUCCESS));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_bad_revision_is_named() {
        let root = repository("bad-rev");
        let error = compare(&root, &options(Some("no-such-branch"))).unwrap_err();
        assert!(
            error.contains("`no-such-branch` does not name a commit"),
            "{error}"
        );
        let error = compare(&root, &options(Some("--upload-pack=x"))).unwrap_err();
        assert!(error.contains("is not a git revision"), "{error}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn specs_that_no_longer_check_are_named_with_the_revision() {
        let root = repository("old-broken");
        std::fs::write(
            root.join("spec/demo.yaml"),
            SPEC.replace("returns: image", "returns: imag"),
        )
        .unwrap();
        git(&root, &["commit", "-q", "-am", "broken"]);
        std::fs::write(root.join("spec/demo.yaml"), SPEC).unwrap();
        let error = compare(&root, &options(Some("HEAD"))).unwrap_err();
        assert!(error.contains("the specs at HEAD do not pass"), "{error}");
        assert!(error.contains("spec/demo.yaml"), "{error}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn the_changelog_entries_follow_the_release() {
        let root = repository("changelog");
        let current = |root: &Path| working_tree_model(root).unwrap();
        let entries = unreleased_entries(&root, &current(&root)).unwrap();
        assert_eq!(entries, "No changes to the specs since 0.1.0.\n");
        std::fs::write(
            root.join("spec/demo.yaml"),
            SPEC.replace("max: 50", "max: 40"),
        )
        .unwrap();
        let entries = unreleased_entries(&root, &current(&root)).unwrap();
        assert!(
            entries.starts_with("### Changed\n\n- **Breaking** `demo` `steps`: maximum is 40"),
            "{entries}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
