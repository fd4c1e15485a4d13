//! Snapshots of everything generated from the real specs in `spec/`.
//! A change to the generator or a spec shows up here as a reviewable diff.

use std::path::Path;

fn generated() -> Vec<codegen::GeneratedFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sources = codegen::workspace::read_specs(&root).expect("spec/ is readable");
    codegen::generate(&sources)
        .unwrap_or_else(|problems| panic!("the committed specs are invalid:\n{problems}"))
}

#[test]
fn every_generated_file_matches_its_snapshot() {
    let files = generated();
    assert!(
        files.len() >= 8,
        "expected the index, enums, reference and five endpoints"
    );
    // The OpenAPI document is committed where users find it, and the
    // freshness test compares it byte for byte; a snapshot would be a copy.
    for file in files
        .into_iter()
        .filter(|f| f.path != codegen::emit::OPENAPI_PATH)
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
