//! The file-system edge: reading `spec/` and bringing the committed output
//! up to date (or reporting what is stale). Used by `cargo xtask` and by the
//! freshness test, so both judge staleness the same way.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::Path;

use crate::{GeneratedFile, SpecSource, GENERATED_DIR};

/// The folder of spec files, relative to the workspace root.
pub const SPEC_DIR: &str = "spec";

/// Reads every `.yaml` file in `root/spec` (and `.yml`, so that the loader
/// can say it is misnamed), sorted by name. A symbolic link is followed; one
/// whose target is missing, or a name that is not a file, is an error rather
/// than a spec silently left out.
pub fn read_specs(root: &Path) -> io::Result<Vec<SpecSource>> {
    let mut sources = Vec::new();
    for entry in fs::read_dir(root.join(SPEC_DIR))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.ends_with(".yaml") || name.ends_with(".yml")) {
            continue;
        }
        let shown = format!("{SPEC_DIR}/{name}");
        let link = entry.file_type()?.is_symlink();
        // `fs::metadata` follows links, unlike the entry's own file type.
        let metadata = fs::metadata(entry.path()).map_err(|e| {
            let what = if link {
                "a symbolic link whose target cannot be read"
            } else {
                "cannot be read"
            };
            io::Error::new(e.kind(), format!("{shown}: {what}: {e}"))
        })?;
        if !metadata.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{shown}: is not a file{}; a spec must be a YAML file (rename or remove it)",
                    if link {
                        " (a symbolic link to a folder)"
                    } else {
                        " (a folder)"
                    }
                ),
            ));
        }
        let text = fs::read_to_string(entry.path())
            .map_err(|e| io::Error::new(e.kind(), format!("{shown}: {e}")))?;
        sources.push(SpecSource { path: shown, text });
    }
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(sources)
}

/// Whether to write the files or only report what differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write changed files and delete generated files no spec produces any more.
    Write,
    /// Change nothing; report.
    Check,
}

/// What differed between the generated output and the disk.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// Files whose contents differed (or that were missing).
    pub changed: Vec<String>,
    /// Generated files on disk that no spec produces.
    pub removed: Vec<String>,
}

impl SyncReport {
    /// Whether the disk already matched.
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Compares `files` with the disk under `root`; in [`Mode::Write`] writes
/// only the files whose contents changed, so timestamps (and rebuilds) are
/// left alone otherwise. Every file is read and every region spliced before
/// anything is written, so a hand-written file whose region markers are
/// broken stops the run with nothing changed.
pub fn sync(root: &Path, files: &[GeneratedFile], mode: Mode) -> io::Result<SyncReport> {
    let mut report = SyncReport::default();
    let mut writes = Vec::new();
    for file in files {
        let path = root.join(&file.path);
        let current = fs::read_to_string(&path).ok();
        let wanted = match &file.region {
            None => file.contents.clone(),
            Some(region) => {
                // A region lives in a hand-written file, which must exist.
                let current = current.as_deref().ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::NotFound,
                        format!(
                            "{}: cannot read it to update its generated {region} region",
                            file.path
                        ),
                    )
                })?;
                crate::render::splice_file(&file.path, current, region, &file.contents).map_err(
                    |problem| {
                        io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("{}: {problem}", file.path),
                        )
                    },
                )?
            }
        };
        if current.as_deref() != Some(wanted.as_str()) {
            report.changed.push(file.path.clone());
            writes.push((path, wanted));
        }
    }
    if mode == Mode::Write {
        for (path, wanted) in writes {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&path, &wanted)?;
        }
    }
    let produced: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let dir = root.join(GENERATED_DIR);
    if dir.is_dir() {
        let mut leftovers = Vec::new();
        for entry in fs::read_dir(&dir)? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            let relative = format!("{GENERATED_DIR}/{name}");
            if name.ends_with(".rs") && !produced.contains(relative.as_str()) {
                leftovers.push(relative);
            }
        }
        leftovers.sort();
        for relative in leftovers {
            if mode == Mode::Write {
                fs::remove_file(root.join(&relative))?;
            }
            report.removed.push(relative);
        }
    }
    Ok(report)
}
