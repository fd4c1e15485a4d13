//! Adding a model, proven end to end: a copy of the workspace gets a sixth
//! spec unlike the five (a mask image, no `base64`, another scheduler
//! default), the generator runs there as `cargo xtask gen` would, and the
//! regenerated crate builds and passes a test of the new endpoint.
//!
//! Ignored by default because a cold dependency build takes minutes; CI
//! runs it with `cargo test -p codegen --test add_a_model -- --ignored`.

mod common;

use std::fs;

use codegen::workspace::{self, Mode};

const SPEC: &str = include_str!("add-a-model/sdxl-inpaint.yaml");
const TEST: &str = include_str!("add-a-model/sdxl_inpaint_test.rs");

#[test]
#[ignore = "builds a scratch copy of the workspace; run with --ignored"]
fn a_sixth_spec_generates_a_crate_that_builds_and_passes_its_test() {
    let scratch = common::copy_workspace("add-a-model");
    fs::write(scratch.join("spec/sdxl-inpaint.yaml"), SPEC).expect("spec is writable");

    // What `cargo xtask gen` does, through the same library calls.
    let sources = workspace::read_specs(&scratch).expect("specs are readable");
    assert_eq!(sources.len(), 7);
    let files = codegen::generate(&sources).unwrap_or_else(|problems| panic!("{problems}"));
    let report = workspace::sync(&scratch, &files, Mode::Write).expect("scratch is writable");
    assert!(report.removed.is_empty(), "{report:?}");
    for new in [
        "generated-client/src/generated/sdxl_inpaint.rs",
        "generated-client/API.md",
    ] {
        assert!(
            report.changed.iter().any(|c| c == new),
            "{new} not written: {report:?}"
        );
    }
    let clean = workspace::sync(&scratch, &files, Mode::Check).expect("scratch is readable");
    assert!(clean.is_clean(), "a second run changes nothing");

    fs::write(scratch.join("generated-client/tests/sdxl_inpaint.rs"), TEST)
        .expect("test is writable");
    common::cargo(&scratch, &["build", "-p", "segmind"], &[]);
    common::cargo(
        &scratch,
        &["test", "-p", "segmind", "--test", "sdxl_inpaint"],
        &[],
    );
}
