//! The mistakes the types refuse: each file in `tests/ui` must fail to
//! compile, with the error its `.stderr` holds, pointing at the user's own
//! line rather than into the crate's macros. `TRYBUILD=overwrite cargo test
//! --test compile_fail` rewrites the expected errors after a compiler
//! update; read them before committing.

#[test]
fn mistakes_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
