//! Reading the specs as they were at a git revision, and what the release
//! baseline needs from history. Each function runs `git` in the workspace
//! and turns its failures into a sentence naming what was asked.

use std::path::Path;
use std::process::Command;

use codegen::workspace::SPEC_DIR;
use codegen::SpecSource;

/// Runs `git -C root ARGS` and returns its standard output, or an error
/// with git's own message.
fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        String::from_utf8(output.stdout)
            .map_err(|_| format!("git {} printed text that is not UTF-8", args.join(" ")))
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(stderr.trim().to_owned())
    }
}

/// Whether `root` is the top of a git checkout (and not a folder inside
/// another one, such as a scratch copy of the workspace under `target/`,
/// whose paths would not match the repository's).
pub fn is_checkout(root: &Path) -> bool {
    let Ok(top) = git(root, &["rev-parse", "--show-toplevel"]) else {
        return false;
    };
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    same(Path::new(top.trim()), root)
}

/// The full hash of the commit `rev` names, or an error naming `rev`.
pub fn commit(root: &Path, rev: &str) -> Result<String, String> {
    if rev.starts_with('-') {
        return Err(format!("`{rev}` is not a git revision"));
    }
    let spec = format!("{rev}^{{commit}}");
    git(root, &["rev-parse", "--verify", "--quiet", &spec])
        .ok()
        .map(|hash| hash.trim().to_owned())
        .filter(|hash| !hash.is_empty())
        .ok_or_else(|| {
            format!(
                "`{rev}` does not name a commit of the repository at {} (a hash, branch or tag; `git log --oneline` lists them)",
                root.display()
            )
        })
}

/// Every spec file in `spec/` at `commit`, with its text, as
/// `workspace::read_specs` reads them from the working tree.
pub fn specs_at(root: &Path, commit: &str) -> Result<Vec<SpecSource>, String> {
    let listing = git(
        root,
        &["ls-tree", "--name-only", commit, &format!("{SPEC_DIR}/")],
    )
    .map_err(|e| format!("cannot list {SPEC_DIR}/ at {}: {e}", short(commit)))?;
    let mut sources = Vec::new();
    for path in listing.lines() {
        if !(path.ends_with(".yaml") || path.ends_with(".yml")) {
            continue;
        }
        let text = git(root, &["show", &format!("{commit}:{path}")])
            .map_err(|e| format!("cannot read {path} at {}: {e}", short(commit)))?;
        sources.push(SpecSource {
            path: path.to_owned(),
            text,
        });
    }
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(sources)
}

/// The newest commit that added or removed the exact text `needle` in
/// `file`, if history has one.
pub fn last_commit_touching(
    root: &Path,
    file: &str,
    needle: &str,
) -> Result<Option<String>, String> {
    let pickaxe = format!("-S{needle}");
    let log = git(root, &["log", "-1", "--format=%H", &pickaxe, "--", file])?;
    Ok(log.lines().next().map(str::to_owned))
}

/// The text of `file` at `commit`, or `None` when it has no such file.
pub fn file_at(root: &Path, commit: &str, file: &str) -> Option<String> {
    git(root, &["show", &format!("{commit}:{file}")]).ok()
}

/// A commit's hash as people quote it.
pub fn short(commit: &str) -> &str {
    commit.get(..10).unwrap_or(commit)
}
