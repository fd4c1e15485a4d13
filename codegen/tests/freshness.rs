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
