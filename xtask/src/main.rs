//! `cargo xtask`: the project's automation.
//!
//! - `cargo xtask gen` regenerates the `segmind` crate from `spec/`;
//! - `cargo xtask gen --check` (or `cargo xtask check`) changes nothing and
//!   fails if the committed output is stale;
//! - `cargo xtask scale --count N --out DIR` writes N synthetic specs and a
//!   crate generated from them to DIR, with a floor crate of the same
//!   request types as plain serde structs, for measuring at catalogue scale;
//! - `cargo xtask new <slug>` writes a commented spec skeleton to
//!   `spec/<slug>.yaml`;
//! - `cargo xtask import [FILE|-]` drafts `spec/<slug>.yaml` from a copied
//!   API page (or `--openapi FILE --operation ID`), marking every
//!   contradiction for review; `--update spec/<slug>.yaml` drafts an
//!   existing spec again, keeps what the maintainer settled and shows
//!   what the page changed;
//! - `cargo xtask diff <REV> [--json]` lists what the specs change against
//!   a git revision and whom each change breaks; `--since-release --check`
//!   is the CI guard against a breaking change without a version bump.
//!
//! `gen` also writes the "Unreleased" entries of `CHANGELOG.md`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use codegen::workspace::{self, Mode};

mod diff;
mod floor;
mod git;
mod import;
mod new;
mod release;
mod scale;

/// See xtask/Cargo.toml: rendering many specs is allocation-bound.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Project automation for the spec-driven segmind client"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the segmind crate from the specs in spec/.
    Gen {
        /// Change nothing; exit non-zero and name each stale file.
        #[arg(long)]
        check: bool,
        /// Generate in this workspace instead (a `cargo xtask scale` folder).
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Same as `gen --check`.
    Check,
    /// Write a commented spec skeleton for a new endpoint to spec/SLUG.yaml
    /// (never overwriting a file).
    New {
        /// The endpoint's slug, as in its URL (such as sdxl-inpaint).
        slug: String,
    },
    /// Draft spec/SLUG.yaml from a model's API page as a browser copies it
    /// (from FILE, or stdin), or from an OpenAPI operation. Never overwrites
    /// a spec; every contradiction in the source is a review comment that
    /// `cargo xtask gen` refuses until it is settled and deleted.
    Import {
        /// The copied page; `-` or nothing for stdin.
        file: Option<PathBuf>,
        /// Print the draft instead of writing it.
        #[arg(long)]
        stdout: bool,
        /// Read the operation from this OpenAPI 3.x document (JSON) instead.
        #[arg(long, value_name = "FILE", conflicts_with = "file")]
        openapi: Option<PathBuf>,
        /// The OpenAPI operation: its operationId, its path, or "POST /path".
        #[arg(long, value_name = "ID", requires = "openapi")]
        operation: Option<String>,
        /// Draft this existing spec again from the page: keep what was
        /// settled where the page did not change the fact, print what
        /// changes (and whom it breaks), and write only with --write
        /// (with --stdout, print the updated spec instead).
        #[arg(long, value_name = "SPEC")]
        update: Option<PathBuf>,
        /// With --update: write the updated spec over SPEC.
        #[arg(long, requires = "update", conflicts_with = "stdout")]
        write: bool,
    },
    /// List what the specs in the working tree change against a git
    /// revision, each change with its verdict for Rust, HTTP and CLI users,
    /// breaking first. Exits 0: it is a report, unless asked to fail.
    Diff {
        /// The revision to compare with (a commit, branch or tag).
        #[arg(required_unless_present = "since_release")]
        rev: Option<String>,
        /// Compare with the last release in CHANGELOG.md (tag vX.Y.Z, or
        /// the commit that added its heading).
        #[arg(long, conflicts_with = "rev")]
        since_release: bool,
        /// Print a JSON array of changes instead.
        #[arg(long)]
        json: bool,
        /// Exit non-zero when any change breaks some kind of user.
        #[arg(long)]
        fail_on_breaking: bool,
        /// The CI guard (with --since-release): exit non-zero when a
        /// breaking change has no major version bump (minor before 1.0) in
        /// generated-client/Cargo.toml, naming each change.
        #[arg(long, requires = "since_release")]
        check: bool,
    },
    /// Write N synthetic specs shaped like the real ones to DIR/spec and
    /// generate a crate from them in DIR (spec/ and the committed crate are
    /// left alone).
    Scale {
        /// How many endpoint specs to write.
        #[arg(long)]
        count: usize,
        /// The scratch folder, such as target/scale-200.
        #[arg(long)]
        out: PathBuf,
    },
}

fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    match cli.command {
        Command::Gen { check, root: other } => generate(
            other.as_deref().unwrap_or(&root),
            if check { Mode::Check } else { Mode::Write },
        ),
        Command::Check => generate(&root, Mode::Check),
        Command::New { slug } => new::main(&root, &slug),
        Command::Scale { count, out } => scale::main(&root, count, &out),
        Command::Import {
            file,
            stdout,
            openapi,
            operation,
            update,
            write,
        } => import::main(
            &root,
            import::Options {
                page: file,
                openapi,
                operation,
                stdout,
                update,
                write,
            },
        ),
        Command::Diff {
            rev,
            since_release,
            json,
            fail_on_breaking,
            check,
        } => diff::main(
            &root,
            diff::Options {
                rev,
                since_release,
                json,
                fail_on_breaking,
                check,
            },
        ),
    }
}

fn generate(root: &Path, mode: Mode) -> ExitCode {
    let sources = match workspace::read_specs(root) {
        Ok(sources) => sources,
        Err(error) => {
            eprintln!("error: cannot read the specs: {error}");
            return ExitCode::FAILURE;
        }
    };
    let rendered = codegen::load(&sources).and_then(|model| Ok((codegen::render(&model)?, model)));
    let (mut files, model) = match rendered {
        Ok(done) => done,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            eprintln!("nothing was written");
            return ExitCode::FAILURE;
        }
    };
    files.extend(changelog(root, &model));
    let report = match workspace::sync(root, &files, mode) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: cannot write the generated files: {error}");
            return ExitCode::FAILURE;
        }
    };
    match mode {
        Mode::Write => {
            for path in &report.changed {
                eprintln!("wrote {path}");
            }
            for path in &report.removed {
                eprintln!("removed {path}");
            }
            eprintln!(
                "{} spec file(s), {} generated file(s), {} changed",
                sources.len(),
                files.len(),
                report.changed.len() + report.removed.len()
            );
            ExitCode::SUCCESS
        }
        Mode::Check if report.is_clean() => {
            eprintln!("generated code is up to date ({} files)", files.len());
            ExitCode::SUCCESS
        }
        Mode::Check => {
            for path in &report.changed {
                eprintln!("stale: {path}");
            }
            for path in &report.removed {
                eprintln!("stale: {path} (no spec produces it any more)");
            }
            eprintln!("generated code is stale; run `cargo xtask gen` and commit the result");
            ExitCode::FAILURE
        }
    }
}

/// The changelog's generated "Unreleased" entries, when the workspace has
/// a changelog. Without the history it needs (a copy of the workspace, a
/// shallow clone) it is left alone with a warning, so that generating
/// code never depends on git; `cargo xtask diff --since-release --check`
/// is the step that insists on history.
fn changelog(root: &Path, model: &codegen::Model) -> Option<codegen::GeneratedFile> {
    if !root.join(release::CHANGELOG).is_file() {
        return None;
    }
    match diff::unreleased_entries(root, model) {
        Ok(body) => Some(codegen::render::markdown_region(
            release::CHANGELOG,
            UNRELEASED_REGION,
            body,
        )),
        Err(problem) => {
            eprintln!(
                "warning: {}'s Unreleased entries left as they are: {problem}",
                release::CHANGELOG
            );
            None
        }
    }
}

/// The region of `CHANGELOG.md` that `gen` writes.
const UNRELEASED_REGION: &str = "unreleased";

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch workspace holding `spec/<name>` files and nothing else.
    fn scratch(name: &str, specs: &[(&str, &str)]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-gen-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec")).unwrap();
        for (file, text) in specs {
            std::fs::write(root.join("spec").join(file), text).unwrap();
        }
        root
    }

    fn files_under(dir: &Path) -> Vec<String> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path.display().to_string());
            }
        }
        found.sort();
        found
    }

    #[test]
    fn gen_with_a_wrong_spec_fails_and_writes_nothing() {
        let good = "slug: good\npath: /good\ntitle: Good\ndescription: Fine.\nreturns: image\n";
        let bad = "slug: bad\npath: /bad\ntitle: Bad\ndescription: Broken.\nreturns: imag\n";
        let root = scratch("wrong", &[("good.yaml", good), ("bad.yaml", bad)]);
        let before = files_under(&root);
        assert_eq!(generate(&root, Mode::Write), ExitCode::FAILURE);
        assert_eq!(files_under(&root), before, "a file was written");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn check_fails_on_stale_output_and_changes_nothing() {
        let good = "slug: good\npath: /good\ntitle: Good\ndescription: Fine.\nreturns: image\n";
        let root = scratch("stale", &[("good.yaml", good)]);
        // The crate manifest with its generated-features region, empty.
        std::fs::create_dir_all(root.join("generated-client")).unwrap();
        let manifest =
            std::fs::read_to_string(workspace_root().join("generated-client/Cargo.toml")).unwrap();
        std::fs::write(root.join("generated-client/Cargo.toml"), manifest).unwrap();
        let before = files_under(&root);
        assert_eq!(generate(&root, Mode::Check), ExitCode::FAILURE);
        assert_eq!(files_under(&root), before, "check changed a file");
        assert_eq!(generate(&root, Mode::Write), ExitCode::SUCCESS);
        assert_eq!(generate(&root, Mode::Check), ExitCode::SUCCESS);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
