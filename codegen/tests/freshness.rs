//! The committed generated code must be what `cargo xtask gen` would write
//! now, so that `cargo test` alone catches a spec edited without
//! regenerating (or a hand edit to a generated file).

use std::path::Path;

use codegen::workspace::{self, Mode};

#[test]
fn committed_generated_code_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sources = workspace::read_specs(&root).expect("spec/ is readable");
    let files = codegen::generate(&sources).unwrap_or_else(|problems| panic!("{problems}"));
    let report = workspace::sync(&root, &files, Mode::Check).expect("generated files are readable");
    assert!(
        report.is_clean(),
        "generated code is stale; run `cargo xtask gen` and commit the result.\nchanged: {:?}\nno longer produced: {:?}",
        report.changed,
        report.removed
    );
}

#[test]
fn generation_is_byte_identical_and_order_independent() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sources = workspace::read_specs(&root).expect("spec/ is readable");
    let first = codegen::generate(&sources).expect("valid specs");
    let mut reversed = sources.clone();
    reversed.reverse();
    assert_eq!(first, codegen::generate(&reversed).expect("valid specs"));
    let mut rotated = sources;
    rotated.rotate_left(2);
    assert_eq!(first, codegen::generate(&rotated).expect("valid specs"));
}

#[test]
fn a_broken_region_stops_the_write_with_nothing_changed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sources = workspace::read_specs(&root).expect("spec/ is readable");
    let files = codegen::generate(&sources).expect("valid specs");
    let scratch =
        std::env::temp_dir().join(format!("codegen-broken-region-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(scratch.join("generated-client")).unwrap();
    // The crate manifest lost its generated-features markers.
    std::fs::write(
        scratch.join("generated-client/Cargo.toml"),
        "[package]\nname = \"segmind\"\n",
    )
    .unwrap();

    let error = workspace::sync(&scratch, &files, Mode::Write).unwrap_err();
    assert!(
        error.to_string().contains("generated-client/Cargo.toml"),
        "{error}"
    );
    let mut written = Vec::new();
    for entry in walk(&scratch) {
        written.push(entry.strip_prefix(&scratch).unwrap().display().to_string());
    }
    assert_eq!(
        written,
        ["generated-client/Cargo.toml"],
        "files were written before the error"
    );
    std::fs::remove_dir_all(&scratch).unwrap();
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}
