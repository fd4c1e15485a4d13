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
            },
        )
        .unwrap_err();
        assert!(error.contains("--operation"), "{error}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
