//! `cargo xtask import`: a model's API page (or an OpenAPI operation) to a
//! draft spec. The parsing and every decision are `codegen::import`'s; this
//! is only the reading and writing.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::import::{self, SharedEnum};
use codegen::workspace::SPEC_DIR;
use codegen::SpecSource;

use crate::new::write_new;

/// What to import and where the draft goes.
pub struct Options {
    /// The copied page, or `None`/`-` for stdin.
    pub page: Option<PathBuf>,
    /// An OpenAPI document (JSON) to take the operation from instead.
    pub openapi: Option<PathBuf>,
    /// The operation: its operationId or path.
    pub operation: Option<String>,
    /// Print the draft instead of writing `spec/<slug>.yaml`.
    pub stdout: bool,
    /// Draft this existing spec again instead of a new one.
    pub update: Option<PathBuf>,
    /// With `update`: write the result over the spec.
    pub write: bool,
}

pub fn main(root: &Path, options: Options) -> ExitCode {
    match run(root, options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(root: &Path, options: Options) -> Result<(), String> {
    let shared = shared_enums(root);
    let (page, source) = match (&options.openapi, &options.operation) {
        (Some(file), Some(operation)) => {
            let text = read(Some(file))?;
            let page = import::openapi::parse(&text, operation)
                .map_err(|e| format!("{}: {e}", file.display()))?;
            (page, format!("operation {operation} of {}", file.display()))
        }
        (Some(_), None) => {
            return Err("--openapi needs --operation ID (an operationId or path)".into())
        }
        (None, Some(_)) => return Err("--operation needs --openapi FILE".into()),
        (None, None) => {
            let file = options.page.as_deref().filter(|p| *p != Path::new("-"));
            let text = read(file)?;
            let name = file.map_or("the page on stdin".to_owned(), |f| {
                f.file_name().map_or(f.display().to_string(), |n| {
                    n.to_string_lossy().into_owned()
                })
            });
            let page = import::page::parse(&text).map_err(|e| format!("{name}: {e}"))?;
            (page, name)
        }
    };
    let draft = import::resolve(&page, &shared).map_err(|e| format!("{source}: {e}"))?;
    let yaml = import::yaml::render(&draft, &source);
    let summary = format!(
        "{} parameter(s), {} review comment(s)",
        draft.params.len(),
        draft.reviews()
    );
    if let Some(spec) = &options.update {
        let target = match (options.write, options.stdout) {
            (true, _) => Target::Write,
            (false, true) => Target::Stdout,
            (false, false) => Target::Nowhere,
        };
        return update(root, spec, &draft.slug, &yaml, target);
    }
    if options.stdout {
        print!("{yaml}");
        eprintln!("{}: {summary}", draft.slug);
        return Ok(());
    }
    let relative = format!("{SPEC_DIR}/{}.yaml", draft.slug);
    match write_new(&root.join(&relative), &yaml) {
        Ok(()) => {
            eprintln!("wrote {relative}: {summary}");
            if draft.reviews() > 0 {
                eprintln!(
                    "settle each `# {}` comment and delete it; `cargo xtask gen` refuses the file until then",
                    import::REVIEW_MARKER
                );
            }
            Ok(())
        }
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Err(format!(
            "{relative} already exists; the importer never overwrites a spec (use --stdout to compare)"
        )),
        Err(error) => Err(format!("cannot write {relative}: {error}")),
    }
}

/// `--update SPEC`: merges the new draft into the spec (see
/// `codegen::import::update`), prints what that changes and whom it
/// breaks, and writes the result over SPEC only with `--write`.
fn update(root: &Path, spec: &Path, slug: &str, draft: &str, target: Target) -> Result<(), String> {
    let spec_path = if spec.is_file() {
        spec.to_owned()
    } else {
        root.join(spec)
    };
    let shown = format!("{SPEC_DIR}/{slug}.yaml");
    let stem = spec_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    if stem.as_deref() != Some(slug) {
        return Err(format!(
            "the page is for `{slug}` ({shown}), not {}",
            spec.display()
        ));
    }
    let old_text = std::fs::read_to_string(&spec_path)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let enums = shared_enums_source(root);
    let with_enums = |text: &str| {
        let mut sources = vec![SpecSource {
            path: shown.clone(),
            text: text.to_owned(),
        }];
        sources.extend(enums.clone());
        sources
    };
    let old = codegen::load(&with_enums(&old_text)).map_err(|problems| {
        format!(
            "{shown} does not pass the checks, fix it first:
{problems}"
        )
    })?;
    let drafted = codegen::load_ignoring_reviews(&with_enums(draft)).map_err(|problems| {
        format!(
            "the new draft does not pass the checks even with its review comments set aside, so it cannot be merged; compare it by hand (--stdout):
{problems}"
        )
    })?;
    let changes = codegen::diff::diff(&old, &drafted);
    let merged = import::update::merge(&old_text, draft, &changes);
    let mut shown_changes = match codegen::load_ignoring_reviews(&with_enums(&merged)) {
        Ok(model) => codegen::diff::diff(&old, &model),
        Err(problems) => {
            eprintln!("warning: the merged spec does not check yet ({problems}); listing the draft's changes instead");
            changes
        }
    };
    codegen::diff::breaking_first(&mut shown_changes);
    // The report goes where the spec does not.
    let report = |text: &str| match target {
        Target::Stdout => eprint!("{text}"),
        _ => print!("{text}"),
    };
    if merged == old_text {
        report(&format!(
            "{shown} already states what the page does; nothing to write\n"
        ));
        return Ok(());
    }
    report(&format!("what updating {shown} from the page changes:\n"));
    report(&codegen::diff::human_report(&shown_changes));
    let reviews = import::review_comments(&merged).len();
    match target {
        Target::Nowhere => report(&format!(
            "not written ({reviews} review comment(s) to settle in it); run again with --write to update {shown}, or --stdout to see it\n"
        )),
        Target::Stdout => print!("{merged}"),
        Target::Write => {
            std::fs::write(&spec_path, &merged)
                .map_err(|e| format!("cannot write {}: {e}", spec.display()))?;
            report(&format!("wrote {shown}: {reviews} review comment(s) to settle\n"));
        }
    }
    Ok(())
}

/// Where `--update` puts the merged spec.
#[derive(Clone, Copy)]
enum Target {
    /// Nowhere: the change list alone.
    Nowhere,
    /// Standard output.
    Stdout,
    /// Over the spec file.
    Write,
}

/// `spec/enums.yaml` as a source, when there is one.
fn shared_enums_source(root: &Path) -> Vec<SpecSource> {
    let name = codegen::spec::SHARED_ENUMS_FILE;
    std::fs::read_to_string(root.join(SPEC_DIR).join(name))
        .map(|text| SpecSource {
            path: format!("{SPEC_DIR}/{name}"),
            text,
        })
        .into_iter()
        .collect()
}

fn read(file: Option<&Path>) -> Result<String, String> {
    match file {
        Some(file) => std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display())),
        None => {
            let mut text = String::new();
            io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            Ok(text)
        }
    }
}

/// The shared enums a draft may refer to; none (with a warning) when
/// `spec/enums.yaml` is missing or broken.
fn shared_enums(root: &Path) -> Vec<SharedEnum> {
    let path = root.join(SPEC_DIR).join(codegen::spec::SHARED_ENUMS_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    let source = SpecSource {
        path: format!("{SPEC_DIR}/{}", codegen::spec::SHARED_ENUMS_FILE),
        text,
    };
    match codegen::load(&[source]) {
        Ok(model) => import::shared_enums(&model),
        Err(problems) => {
            eprintln!("warning: shared enums not used, spec/enums.yaml has problems:\n{problems}");
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = include_str!("../../codegen/tests/import-pages/001_8bc09d70365c740f.txt");

    fn scratch(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-import-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join(SPEC_DIR)).unwrap();
        std::fs::copy(
            crate::workspace_root().join("spec/enums.yaml"),
            root.join("spec/enums.yaml"),
        )
        .unwrap();
        root
    }

    fn options(page: &Path) -> Options {
        Options {
            page: Some(page.to_owned()),
            openapi: None,
            operation: None,
            stdout: false,
            update: None,
            write: false,
        }
    }

    #[test]
    fn writes_the_draft_once_and_never_over_a_spec() {
        let root = scratch("write");
        let page = root.join("page.txt");
        std::fs::write(&page, PAGE).unwrap();
        run(&root, options(&page)).expect("the first import writes");
        let written = std::fs::read_to_string(root.join("spec/ssd-1b.yaml")).unwrap();
        assert!(written.contains("    enum: scheduler\n"), "{written}");
        assert!(
            written.contains(codegen::import::REVIEW_MARKER),
            "{written}"
        );
        let error = run(&root, options(&page)).unwrap_err();
        assert!(error.contains("spec/ssd-1b.yaml already exists"), "{error}");
        assert_eq!(
            std::fs::read_to_string(root.join("spec/ssd-1b.yaml")).unwrap(),
            written,
            "the existing spec was changed"
        );
        // The generator refuses the draft, naming the file and line.
        let sources = codegen::workspace::read_specs(&root).unwrap();
        let problems = codegen::load(&sources).unwrap_err().to_string();
        assert!(
            problems.contains("spec/ssd-1b.yaml:") && problems.contains("import review comment"),
            "{problems}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_unreadable_page_is_an_error_naming_file_and_line() {
        let root = scratch("bad");
        let page = root.join("page.txt");
        std::fs::write(&page, "Title\nAPI Endpoint\nhttps://api.segmind.com/v1/x\nParameters\nstray\nxrequiredstring\n").unwrap();
        let error = run(&root, options(&page)).unwrap_err();
        assert!(
            error.starts_with("page.txt: line 5: cannot read this line"),
            "{error}"
        );
        assert!(
            std::fs::read_dir(root.join(SPEC_DIR)).unwrap().count() == 1,
            "a draft was written"
        );
        let error = run(
            &root,
            Options {
                page: None,
                openapi: Some(page.clone()),
                operation: None,
                stdout: true,
                update: None,
                write: false,
            },
        )
        .unwrap_err();
        assert!(error.contains("--operation"), "{error}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    fn update_options(page: &Path, spec: &Path, write: bool) -> Options {
        Options {
            update: Some(spec.to_owned()),
            write,
            ..options(page)
        }
    }

    #[test]
    fn update_keeps_what_was_settled_and_writes_only_when_asked() {
        let root = scratch("update");
        let spec = root.join("spec/ssd-1b.yaml");
        let settled =
            std::fs::read_to_string(crate::workspace_root().join("spec/ssd-1b.yaml")).unwrap();
        std::fs::write(&spec, &settled).unwrap();
        // The same page: the maintainer's settlement of `samples` (default
        // 1 where the table says 2) and rewritten descriptions stay.
        let page = root.join("page.txt");
        std::fs::write(&page, PAGE).unwrap();
        run(&root, update_options(&page, &spec, true)).unwrap();
        assert_eq!(std::fs::read_to_string(&spec).unwrap(), settled);
        // The page moves a bound: nothing is written without --write ...
        let moved = PAGE.replace("Range: 1 - 25img", "Range: 1 - 20img");
        assert_ne!(moved, PAGE);
        std::fs::write(&page, moved).unwrap();
        run(&root, update_options(&page, &spec, false)).unwrap();
        assert_eq!(std::fs::read_to_string(&spec).unwrap(), settled);
        // ... and with it, only that fact changes, marked for review.
        run(&root, update_options(&page, &spec, true)).unwrap();
        let updated = std::fs::read_to_string(&spec).unwrap();
        assert!(updated.contains("    max: 20\n"), "{updated}");
        assert!(updated.contains("maximum is 20 (was 25)"), "{updated}");
        assert_eq!(
            codegen::import::review_comments(&updated).len(),
            1,
            "{updated}"
        );
        assert!(updated.contains("    default: 1\n"), "{updated}");
        assert!(
            updated.contains("a silent\n    # default of 2 would double the cost"),
            "{updated}"
        );
        let kept_lines = settled
            .lines()
            .filter(|l| updated.lines().any(|u| u == *l))
            .count();
        assert_eq!(
            kept_lines,
            settled.lines().count() - 1,
            "only `max: 25` went"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn update_refuses_a_page_for_another_spec() {
        let root = scratch("update-other");
        let page = root.join("page.txt");
        std::fs::write(&page, PAGE).unwrap();
        let other = root.join("spec/esrgan.yaml");
        std::fs::write(&other, "x").unwrap();
        let error = run(&root, update_options(&page, &other, true)).unwrap_err();
        assert!(error.contains("the page is for `ssd-1b`"), "{error}");
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "x");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
