//! The naming obstacle course: specs in `tests/obstacle-course/` full of
//! names and text that could break generated code (keywords, punctuation,
//! numeric-looking enum values, a 120-value enum, doc text with `*/`, code
//! fences and HTML, an endpoint without parameters, one whose request type
//! is far larger than the others', as clippy's `large_enum_variant` would
//! flag in `AnyRequest`). Their output is
//! snapshotted, and compiled with warnings denied by rustc, clippy and
//! rustdoc in a scratch copy of the workspace.

mod common;

use codegen::workspace::{self, Mode};
use codegen::{GeneratedFile, SpecSource};

fn sources() -> Vec<SpecSource> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/obstacle-course");
    common::read_specs(&dir, "codegen/tests/obstacle-course")
}

fn generated() -> Vec<GeneratedFile> {
    codegen::generate(&sources()).unwrap_or_else(|problems| panic!("{problems}"))
}

#[test]
fn every_generated_file_matches_its_snapshot() {
    // The editor schemas do not depend on the specs; tests/snapshots.rs has them.
    for file in generated()
        .into_iter()
        .filter(|f| !f.path.starts_with("spec/schema/"))
    {
        let name = file
            .path
            .rsplit('/')
            .next()
            .unwrap_or(&file.path)
            .replace('.', "_");
        insta::assert_snapshot!(name, file.contents);
    }
}

#[test]
fn names_are_escaped_and_disambiguated() {
    let model = codegen::load(&sources()).unwrap_or_else(|problems| panic!("{problems}"));
    let keywords = model
        .endpoints
        .iter()
        .find(|e| e.slug == "keywords")
        .unwrap();
    let fields: Vec<&str> = keywords.params.iter().map(|p| p.field.as_str()).collect();
    for expected in [
        "type_",
        "async_",
        "ref_",
        "self_",
        "crate_",
        "super_",
        "fn_",
        "new_",
        "validate_",
    ] {
        assert!(
            fields.contains(&expected),
            "no field {expected} in {fields:?}"
        );
    }
    let empty = model.endpoints.iter().find(|e| e.slug == "self").unwrap();
    let names = (
        empty.type_name.as_str(),
        empty.module.as_str(),
        empty.method.as_str(),
    );
    assert_eq!(names, ("SelfRequest", "self_", "self_"));
    assert!(empty.params.is_empty());
    // Module names are feature names too, and methods sit beside the
    // clients' own: neither may take a name that is already used.
    let default = model
        .endpoints
        .iter()
        .find(|e| e.slug == "default")
        .unwrap();
    assert_eq!(
        (default.module.as_str(), default.feature.as_str()),
        ("default_endpoint", "default_endpoint")
    );
    let send = model.endpoints.iter().find(|e| e.slug == "send").unwrap();
    assert_eq!(
        (send.method.as_str(), send.type_name.as_str()),
        ("send_endpoint", "SendRequest")
    );
    let shared: Vec<&str> = model
        .shared_enums
        .iter()
        .map(|e| e.type_name.as_str())
        .collect();
    assert_eq!(shared, ["Self_", "Type"]);
    let numeric: Vec<&str> = model.shared_enums[1]
        .variants
        .iter()
        .map(|v| v.ident.as_str())
        .collect();
    assert_eq!(numeric, ["V512", "V15", "V768", "V2", "V025"]);
}

/// Runs one spec (plus the obstacle course's enums) and returns its errors.
fn errors_with(file: &str, text: &str) -> Vec<String> {
    let mut sources: Vec<SpecSource> = sources()
        .into_iter()
        .filter(|s| s.path.ends_with("/enums.yaml"))
        .collect();
    sources.push(SpecSource {
        path: format!("spec/{file}"),
        text: text.to_owned(),
    });
    match codegen::load(&sources) {
        Ok(_) => panic!("expected {file} to be rejected"),
        Err(problems) => problems.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn names_that_collide_after_case_conversion_are_spec_errors() {
    let spec = |params: &str| {
        format!("slug: clash\npath: /clash\ntitle: T\ndescription: D.\nreturns: image\nparams:\n{params}")
    };
    let param = |name: &str| format!("  {name}:\n    type: string\n    description: D.\n");
    for (a, b) in [
        ("self", "Self"),
        ("img-width", "img_width"),
        ("img.width", "IMG WIDTH"),
        ("type", "type_"),
    ] {
        let found = errors_with("clash.yaml", &spec(&(param(a) + &param(b))));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("spec/clash.yaml:10:3: params.")
                && found[0].contains(&format!(
                    "parameters {a:?} and {b:?} would both generate the Rust name"
                )),
            "{found:#?}"
        );
    }
    let values =
        "  mode:\n    type: enum\n    values: [Euler a, euler-a, EULER_A]\n    description: D.\n";
    let found = errors_with("clash.yaml", &spec(values));
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].contains("params.mode.values[1]: enum values \"Euler a\" and \"euler-a\" would both become the Rust variant `EulerA`"), "{found:#?}");
    // A parameter whose enum type would take the request type's name.
    let found = errors_with(
        "clash.yaml",
        &spec("  request:\n    type: enum\n    values: [a]\n    description: D.\n"),
    );
    assert!(
        found.iter().any(|m| m.contains("`ClashRequest`")),
        "{found:#?}"
    );
}

#[test]
fn zero_endpoints_generate_an_index() {
    let files = codegen::generate(&[]).unwrap_or_else(|problems| panic!("{problems}"));
    let index = files
        .iter()
        .find(|f| f.path.ends_with("/mod.rs"))
        .expect("an index");
    assert!(
        index.contents.contains("pub enum AnyRequest {}"),
        "{}",
        index.contents
    );
}

/// The generated code compiles with warnings denied, passes clippy and
/// documents cleanly. Clippy type-checks everything rustc would (a full
/// `cargo build` adds only code generation, and a minute on a cold cache).
/// Dependencies build once into `target/scratch-builds`, so later runs take
/// seconds.
#[test]
fn generated_code_compiles_without_warnings() {
    let scratch = common::copy_workspace("obstacle-course");
    let report =
        workspace::sync(&scratch, &generated(), Mode::Write).expect("scratch copy is writable");
    assert!(
        !report.removed.is_empty(),
        "the real endpoints' files were replaced"
    );
    common::cargo(
        &scratch,
        &[
            "clippy",
            "-p",
            "segmind",
            "--lib",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    );
    common::cargo(
        &scratch,
        &[
            "doc",
            "-p",
            "segmind",
            "--lib",
            "--no-deps",
            "--all-features",
        ],
        &[],
    );
}
