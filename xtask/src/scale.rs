//! `cargo xtask scale --count N --out DIR`: a scale fixture for measuring the
//! generator and the generated crate at catalogue size.
//!
//! Writes N synthetic specs shaped like the real ones (see
//! [`codegen::synthetic`]) to `DIR/spec`, and a workspace in `DIR` whose one
//! member, `DIR/generated-client`, is a copy of the real crate (manifest and
//! hand-written `src/`, without tests, benches or examples) with its
//! generated files produced from those specs. Nothing under the real `spec/`
//! or the committed output is touched.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::workspace::{self, Mode, SPEC_DIR};
use codegen::{GENERATED_DIR, MANIFEST_PATH};

/// The crate's folder, relative to a workspace root.
const CRATE_DIR: &str = "generated-client";

/// The runtime crate's folder, relative to a workspace root.
const RUNTIME_DIR: &str = "generated-client/runtime";

/// What `scale` produced.
pub struct Summary {
    /// The synthetic endpoint specs written.
    pub specs: usize,
    /// The generated files (Rust, Markdown and the manifest's feature list).
    pub files: usize,
    /// Lines of generated Rust.
    pub rust_lines: usize,
}

/// `cargo xtask scale`: builds the fixture and says what it wrote.
pub fn main(root: &Path, count: usize, out: &Path) -> ExitCode {
    match run(root, count, out) {
        Ok(summary) => {
            eprintln!(
                "wrote {} synthetic spec(s) to {}, and {} generated file(s) ({} lines of Rust) to {}",
                summary.specs,
                out.join(SPEC_DIR).display(),
                summary.files,
                summary.rust_lines,
                out.join(CRATE_DIR).display()
            );
            eprintln!(
                "build it with: cargo build --manifest-path {}",
                out.join("Cargo.toml").display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the fixture in `out` from the real workspace at `root`.
pub fn run(root: &Path, count: usize, out: &Path) -> Result<Summary, String> {
    refuse_real_workspace(root, out)?;
    fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;

    let real = workspace::read_specs(root).map_err(|e| format!("cannot read the specs: {e}"))?;
    let specs = codegen::synthetic::synthesize(&real, count)?;

    write_specs(out, &specs).map_err(|e| format!("cannot write the synthetic specs: {e}"))?;
    copy_crate(root, out).map_err(|e| format!("cannot copy the crate: {e}"))?;
    write_workspace(root, out).map_err(|e| format!("cannot write the workspace: {e}"))?;

    // One checked model for both: the generated crate and its floor.
    let model = codegen::load(&specs).map_err(|diagnostics| diagnostics.to_string())?;
    let files = codegen::render(&model).map_err(|diagnostics| diagnostics.to_string())?;
    workspace::sync(out, &files, Mode::Write)
        .map_err(|e| format!("cannot write the generated files: {e}"))?;
    crate::floor::write(out, &model)?;
    let rust_lines = files
        .iter()
        .filter(|file| file.path.starts_with(GENERATED_DIR) && file.path.ends_with(".rs"))
        .map(|file| file.contents.lines().count())
        .sum();
    Ok(Summary {
        specs: count,
        files: files.len(),
        rust_lines,
    })
}

/// `out` must be outside the real workspace or under its `target/`: the
/// fixture writes a `Cargo.toml`, `spec/` and a crate there, which would
/// overwrite the workspace's own files anywhere else inside it.
fn refuse_real_workspace(root: &Path, out: &Path) -> Result<(), String> {
    let resolve = |path: &Path| {
        path.canonicalize()
            .or_else(|_| std::path::absolute(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let out = resolve(out);
    let root = resolve(root);
    if out.starts_with(&root) && !out.starts_with(root.join("target")) {
        return Err(format!(
            "{} is inside the workspace, whose files the fixture would overwrite; \
             choose a scratch folder under target/ (such as target/scale) or outside the repository",
            out.display()
        ));
    }
    Ok(())
}

/// Replaces every spec in `out/spec` with `specs`.
fn write_specs(out: &Path, specs: &[codegen::SpecSource]) -> io::Result<()> {
    let dir = out.join(SPEC_DIR);
    if dir.is_dir() {
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            if path
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
            {
                fs::remove_file(path)?;
            }
        }
    }
    fs::create_dir_all(&dir)?;
    for spec in specs {
        fs::write(out.join(&spec.path), &spec.text)?;
    }
    Ok(())
}

/// Copies the crate's manifest (without what only its tests, benches and
/// examples need) and its hand-written sources, and the runtime crate it
/// depends on by path likewise.
fn copy_crate(root: &Path, out: &Path) -> io::Result<()> {
    copy_runtime(root, out)?;
    let from = root.join(CRATE_DIR);
    let to = out.join(CRATE_DIR);
    let src = to.join("src");
    if src.is_dir() {
        fs::remove_dir_all(&src)?;
    }
    fs::create_dir_all(&to)?;
    let manifest = fs::read_to_string(root.join(MANIFEST_PATH))?;
    fs::write(out.join(MANIFEST_PATH), library_manifest(&manifest))?;
    let generated = root.join(GENERATED_DIR);
    copy_tree(&from.join("src"), &src, Some(&generated))?;
    let build_script = from.join("build.rs");
    if build_script.is_file() {
        fs::copy(build_script, to.join("build.rs"))?;
    }
    Ok(())
}

/// Copies the runtime crate: its library manifest and sources.
fn copy_runtime(root: &Path, out: &Path) -> io::Result<()> {
    let from = root.join(RUNTIME_DIR);
    let to = out.join(RUNTIME_DIR);
    let src = to.join("src");
    if src.is_dir() {
        fs::remove_dir_all(&src)?;
    }
    fs::create_dir_all(&to)?;
    let manifest = fs::read_to_string(from.join("Cargo.toml"))?;
    fs::write(to.join("Cargo.toml"), library_manifest(&manifest))?;
    copy_tree(&from.join("src"), &src, None)
}

/// Copies `from` into `to` recursively, leaving out the folder `skip`, if
/// one is given.
fn copy_tree(from: &Path, to: &Path, skip: Option<&Path>) -> io::Result<()> {
    fs::create_dir_all(to)?;
    let mut entries: Vec<PathBuf> = fs::read_dir(from)?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    entries.sort();
    for path in entries {
        let Some(name) = path.file_name() else {
            continue;
        };
        if Some(path.as_path()) == skip {
            continue;
        }
        if path.is_dir() {
            copy_tree(&path, &to.join(name), skip)?;
        } else {
            fs::copy(&path, to.join(name))?;
        }
    }
    Ok(())
}

/// The manifest without the tables that name files or crates the copy does
/// not have: dev-dependencies (the real crate's tests use `codegen` by path)
/// and explicit test, bench and example targets.
fn library_manifest(manifest: &str) -> String {
    let mut kept = String::with_capacity(manifest.len());
    let mut dropping = false;
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            let table = trimmed
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or_default()
                .trim();
            dropping = table == "dev-dependencies"
                || table.ends_with(".dev-dependencies")
                || matches!(table, "test" | "bench" | "example");
        }
        if !dropping {
            kept.push_str(line);
        }
    }
    kept
}

/// The real workspace manifest with only the copied crate as member, and
/// the real lock file so that dependency versions (and so their builds in a
/// shared target folder) are the same.
fn write_workspace(root: &Path, out: &Path) -> io::Result<()> {
    let manifest = fs::read_to_string(root.join("Cargo.toml"))?;
    fs::write(out.join("Cargo.toml"), workspace_manifest(&manifest))?;
    let lock = root.join("Cargo.lock");
    if lock.is_file() {
        fs::copy(lock, out.join("Cargo.lock"))?;
    }
    Ok(())
}

/// The workspace manifest for the copy: the same package defaults and
/// workspace dependencies, the copied crate as the only member, and none of
/// the `[profile]` tables, which tune the generator's own build (a user's
/// workspace would not have them, and cargo warns about overrides of
/// packages the copy does not use).
fn workspace_manifest(manifest: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    let mut in_members = false;
    let mut in_profile = false;
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if in_members {
            in_members = !line.contains(']');
            continue;
        }
        if trimmed.starts_with('[') {
            in_profile = trimmed.starts_with("[profile");
            if in_profile {
                // The comments just above a profile table belong to it.
                while lines
                    .last()
                    .is_some_and(|last| last.trim_start().starts_with('#'))
                {
                    lines.pop();
                }
            }
        }
        if in_profile {
            continue;
        }
        if trimmed.starts_with("members") {
            lines.push("members = [\"generated-client\", \"generated-client/runtime\"]\n");
            in_members = !line.contains(']');
            continue;
        }
        lines.push(line);
    }
    let mut text = lines.concat();
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_is_written_only_outside_the_workspace_or_under_target() {
        let root = Path::new("/nonexistent/segmind-workspace");
        for inside in ["", "codegen", "spec", "generated-client/src", "scratch"] {
            let error = refuse_real_workspace(root, &root.join(inside)).unwrap_err();
            assert!(error.contains("target/scale"), "{error}");
        }
        assert!(refuse_real_workspace(root, &root.join("target/scale")).is_ok());
        assert!(refuse_real_workspace(root, Path::new("/nonexistent/elsewhere")).is_ok());
    }

    #[test]
    fn the_workspace_manifest_has_the_crate_and_its_runtime_and_no_profiles() {
        let manifest = "[workspace]\nmembers = [\n    \"codegen\",\n    \"generated-client\",\n]\n\n\
                        [workspace.dependencies]\nserde = \"1\"\n\n# Tuning.\n[profile.dev.package.syn]\nopt-level = 3\n";
        assert_eq!(
            workspace_manifest(manifest),
            "[workspace]\nmembers = [\"generated-client\", \"generated-client/runtime\"]\n\n[workspace.dependencies]\nserde = \"1\"\n"
        );
    }

    #[test]
    fn the_copied_manifest_keeps_the_library_tables_only() {
        let manifest = "[package]\nname = \"segmind\"\n\n[dependencies]\nserde = \"1\"\n\n[features]\nblocking = []\n\n\
                        [dev-dependencies]\ncodegen = { path = \"../codegen\" }\n\n[[bench]]\nname = \"x\"\nharness = false\n";
        assert_eq!(
            library_manifest(manifest),
            "[package]\nname = \"segmind\"\n\n[dependencies]\nserde = \"1\"\n\n[features]\nblocking = []\n\n"
        );
    }
}
