//! Adding a model, proven end to end by following the README's "Adding a
//! model" steps with the real commands in a copy of the workspace: `cargo
//! xtask new` for a skeleton, the sixth spec written over it (a model unlike
//! the five: a mask image, no `base64`, another scheduler default), `cargo
//! xtask gen`, the snapshots accepted, the page's example body added, and
//! the README's test command run on the result, plus a test of the new
//! endpoint's typed request.
//!
//! Ignored by default because it builds a copy of the workspace (minutes on
//! a cold cache); CI runs it with
//! `cargo test -p codegen --test add_a_model -- --ignored`.

mod common;

use std::fs;

const SPEC: &str = include_str!("add-a-model/sdxl-inpaint.yaml");
const EXAMPLE: &str = include_str!("add-a-model/sdxl-inpaint.json");
const TEST: &str = include_str!("add-a-model/sdxl_inpaint_test.rs");

#[test]
#[ignore = "builds a scratch copy of the workspace; run with --ignored"]
fn a_sixth_spec_goes_through_the_readme_steps_and_the_crate_passes_its_tests() {
    let scratch = common::copy_workspace("add-a-model");
    let spec_path = scratch.join("spec/sdxl-inpaint.yaml");

    // 1. A skeleton, then the page copied into it.
    common::cargo(&scratch, &["xtask", "new", "sdxl-inpaint"], &[]);
    let skeleton = fs::read_to_string(&spec_path).expect("the skeleton was written");
    assert!(skeleton.contains("slug: \"sdxl-inpaint\""), "{skeleton}");
    fs::write(&spec_path, SPEC).expect("spec is writable");

    // 2. Generate; a second run finds nothing to change.
    common::cargo(&scratch, &["xtask", "gen"], &[]);
    let module = scratch.join("generated-client/src/generated/sdxl_inpaint.rs");
    let generated = fs::read_to_string(&module).expect("the endpoint's file was written");
    assert!(
        generated.contains("spec/sdxl-inpaint.yaml"),
        "header names the spec"
    );
    let api = fs::read_to_string(scratch.join("generated-client/API.md")).unwrap();
    assert!(api.contains("## sdxl-inpaint"), "API.md has the new table");
    common::cargo(&scratch, &["xtask", "gen", "--check"], &[]);

    // 3. Accept the new snapshot, as the README says.
    common::cargo(
        &scratch,
        &["test", "-p", "codegen", "--test", "snapshots"],
        &[("INSTA_UPDATE", "always")],
    );
    assert!(scratch
        .join("codegen/tests/snapshots/snapshots__sdxl_inpaint_rs.snap")
        .exists());

    // 4. The model's row in the README's Models table, as step 5 says: the
    // editing row gains it, and the count grows by one.
    let readme_path = scratch.join("README.md");
    let readme = fs::read_to_string(&readme_path).expect("README.md");
    let count: usize = readme
        .split_once("\n## Models\n\n")
        .and_then(|(_, section)| section.split_once(" models, "))
        .and_then(|(count, _)| count.parse().ok())
        .expect("the Models section starts with its count");
    let readme = readme
        .replacen(
            &format!("\n{count} models, "),
            &format!("\n{} models, ", count + 1),
            1,
        )
        .replacen(
            "| Images from images: editing and control | ",
            "| Images from images: editing and control | `sdxl-inpaint`, ",
            1,
        );
    fs::write(&readme_path, readme).expect("README.md is writable");

    // 5. The page's example body, then the README's test command. The
    // obstacle course's compile check is skipped: it would build yet
    // another copy of the workspace inside this one, and proves nothing
    // about the new model.
    fs::write(
        scratch.join("generated-client/tests/fixtures/seed-examples/sdxl-inpaint.json"),
        EXAMPLE,
    )
    .expect("fixture is writable");
    fs::write(scratch.join("generated-client/tests/sdxl_inpaint.rs"), TEST)
        .expect("test is writable");
    common::cargo(
        &scratch,
        &[
            "test",
            "--workspace",
            "--all-features",
            // Every failing test binary reported, not only the first.
            "--no-fail-fast",
            "--",
            "--skip",
            "generated_code_compiles_without_warnings",
            // The compile-fail cases use two of the five endpoints only, and
            // would check every dependency again in trybuild's own folder.
            "--skip",
            "mistakes_do_not_compile",
        ],
        &[("INSTA_UPDATE", "no")],
    );
}
