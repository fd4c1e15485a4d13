//! The spec-driven generator behind the `segmind` crate.
//!
//! The pipeline, each stage a pure function and file I/O left to `xtask`:
//!
//! 1. [`spec`] reads YAML into raw structs, collecting structural problems;
//! 2. [`check`] lowers them into the typed [`model`], collecting semantic ones;
//! 3. [`emit`] turns the model into token streams, Markdown and the
//!    OpenAPI document;
//! 4. [`render`](mod@render) formats them into files with a "generated" header.
//!
//! [`generate`] runs all four over a set of spec files.

pub mod check;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod import;
pub mod locate;
pub mod model;
pub mod naming;
pub mod render;
pub mod schema;
pub mod spec;
pub mod synthetic;
pub mod workspace;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use model::Model;
pub use render::GeneratedFile;

/// Where the generated Rust modules go, relative to the workspace root.
pub const GENERATED_DIR: &str = "generated-client/src/generated";
/// Where the generated Markdown reference goes.
pub const REFERENCE_PATH: &str = "generated-client/API.md";
/// The crate's manifest, whose `[features]` table holds a generated region.
pub const MANIFEST_PATH: &str = "generated-client/Cargo.toml";
/// The name of that region: the lines between `# @generated features begin`
/// and `# @generated features end`.
pub const FEATURES_REGION: &str = "features";

/// One spec file's name and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecSource {
    /// The path shown in messages and headers, such as `spec/ssd-1b.yaml`.
    pub path: String,
    /// The YAML text.
    pub text: String,
}

/// Parses and checks every spec. The order of `sources` does not matter.
pub fn load(sources: &[SpecSource]) -> Result<Model, Diagnostics> {
    load_with(sources, true)
}

/// [`load`], except that unsettled `IMPORT-REVIEW` comments are let
/// through: for comparing a fresh draft's facts with a spec's
/// (`cargo xtask import --update`), never for generating code.
pub fn load_ignoring_reviews(sources: &[SpecSource]) -> Result<Model, Diagnostics> {
    load_with(sources, false)
}

fn load_with(sources: &[SpecSource], refuse_reviews: bool) -> Result<Model, Diagnostics> {
    let mut sources: Vec<&SpecSource> = sources.iter().collect();
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    let mut problems = Vec::new();
    let mut shared = None;
    let mut shared_broken = false;
    let mut endpoints = Vec::new();
    for source in &sources {
        if refuse_reviews {
            unsettled_reviews(source, &mut problems);
        }
        let name = source.path.rsplit('/').next().unwrap_or(&source.path);
        let Some(stem) = name.strip_suffix(".yaml") else {
            problems.push(Diagnostic::new(
                &source.path,
                "",
                "spec files must end in .yaml",
            ));
            continue;
        };
        if name == spec::SHARED_ENUMS_FILE {
            match spec::parse_shared_enums(&source.path, &source.text, &mut problems) {
                Some(enums) => shared = Some((source.path.clone(), enums)),
                None => shared_broken = true,
            }
        } else if let Some(spec) = spec::parse_endpoint(&source.path, &source.text, &mut problems) {
            endpoints.push(check::RawEndpointFile {
                file: source.path.clone(),
                stem: stem.to_owned(),
                spec,
            });
        }
    }
    let model = check::check(shared, shared_broken, endpoints, &mut problems);
    if problems.is_empty() {
        Ok(model)
    } else {
        locate(&sources, &mut problems);
        Err(Diagnostics::sorted(problems))
    }
}

/// A draft from `cargo xtask import` marks each contradiction it found with
/// a review comment; the spec is not used until every one is settled.
fn unsettled_reviews(source: &SpecSource, problems: &mut Vec<Diagnostic>) {
    for (line, column, comment) in import::review_comments(&source.text) {
        let mut problem = Diagnostic::new(
            &source.path,
            "",
            format!(
                "an import review comment is still here ({comment:?}); settle what it says in the spec, then delete the comment"
            ),
        );
        problem.location = Some((line, column));
        problems.push(problem);
    }
}

/// Gives each diagnostic that has no position yet the line and column of its
/// path, or of the nearest parent path the file has. Only files with
/// problems are indexed, so a clean run pays nothing for positions.
fn locate(sources: &[&SpecSource], problems: &mut [Diagnostic]) {
    let mut indexes: std::collections::HashMap<&str, locate::Positions> = Default::default();
    for problem in problems.iter_mut() {
        // An empty path is about the whole file (its name, say), not a place in it.
        if problem.location.is_some() || problem.path.is_empty() {
            continue;
        }
        let Some(source) = sources.iter().find(|s| s.path == problem.file) else {
            continue;
        };
        let positions = indexes
            .entry(&source.path)
            .or_insert_with(|| locate::Positions::index(&source.text));
        problem.location = positions.find(&problem.path);
    }
}

/// Emits and renders every generated file for a checked model, sorted by path.
pub fn render(model: &Model) -> Result<Vec<GeneratedFile>, Diagnostics> {
    let internal =
        |file: &str, message: String| Diagnostics(vec![Diagnostic::new(file, "", message)]);
    // Formatting dominates the generator's time and each file is
    // independent, so the Rust files are rendered on every core.
    let mut jobs = vec![None];
    jobs.extend(model.endpoints.iter().map(Some));
    let rendered = render::parallel_map(&jobs, |job| match job {
        None => {
            let path = format!("{GENERATED_DIR}/mod.rs");
            render::rust_file(&path, "spec/*.yaml", emit::index(model))
                .map_err(|e| internal("spec", e))
        }
        Some(endpoint) => {
            let path = format!("{GENERATED_DIR}/{}.rs", endpoint.module);
            render::rust_file(&path, &endpoint.source, emit::endpoint_file(endpoint))
                .map_err(|e| internal(&endpoint.source, e))
        }
    });
    let mut files = rendered.into_iter().collect::<Result<Vec<_>, _>>()?;
    let path = format!("{GENERATED_DIR}/cli.rs");
    files.push(
        render::rust_file(&path, "spec/*.yaml", emit::cli_table(model))
            .map_err(|e| internal("spec", e))?,
    );
    if let Some(source) = &model.shared_enums_file {
        let path = format!("{GENERATED_DIR}/enums.rs");
        files.push(
            render::rust_file(&path, source, emit::shared_enums(model))
                .map_err(|e| internal(source, e))?,
        );
    }
    files.push(render::markdown_file(
        REFERENCE_PATH,
        "spec/*.yaml",
        emit::reference(model),
    ));
    files.push(GeneratedFile {
        path: emit::OPENAPI_PATH.to_owned(),
        contents: emit::openapi(model).map_err(|(file, problem)| internal(&file, problem))?,
        region: None,
    });
    files.push(render::toml_region(
        MANIFEST_PATH,
        FEATURES_REGION,
        emit::features(model),
    ));
    // The editor schemas do not depend on the specs, but are kept fresh
    // (and checked) with everything else the generator writes.
    files.extend(schema::files());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The compile-cost floor's `lib.rs` (see [`emit::floor`]): the same
/// request types as plain serde structs, formatted. `cargo xtask scale`
/// writes it beside the generated crate; it is never committed.
pub fn floor_source(model: &Model) -> Result<String, String> {
    let file: syn::File = syn::parse2(emit::floor(model))
        .map_err(|error| format!("internal error: the floor crate did not parse: {error}"))?;
    Ok(format!(
        "// @generated by `cargo xtask scale`: the generated crate's request types as\n\
         // plain serde structs, the floor its compile cost is measured against.\n\n{}",
        prettyplease::unparse(&file)
    ))
}

/// Loads, checks, emits and renders: the whole generator as one function.
pub fn generate(sources: &[SpecSource]) -> Result<Vec<GeneratedFile>, Diagnostics> {
    render(&load(sources)?)
}
