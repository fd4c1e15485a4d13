//! Generated types are exported from the `segmind` crate root beside the
//! runtime's, so the generator must know every type name the root already
//! exports (`naming::RESERVED_TYPES`) to refuse a spec whose type would
//! clash. This reads `lib.rs` and fails when an export was added there but
//! not to the list.

use std::path::Path;

use codegen::naming::RESERVED_TYPES;

/// Every upper-case name a `pub use` item of `lib.rs` brings in (renames
/// count by their new name; globs are the generated code itself).
fn exported_types() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src/lib.rs");
    let syntax = syn::parse_file(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut names = Vec::new();
    for item in syntax.items {
        if let syn::Item::Use(item) = item {
            if matches!(item.vis, syn::Visibility::Public(_)) {
                collect(&item.tree, &mut names);
            }
        }
    }
    names
}

fn collect(tree: &syn::UseTree, names: &mut Vec<String>) {
    let mut push = |ident: &syn::Ident| {
        let name = ident.to_string();
        if name.starts_with(|c: char| c.is_ascii_uppercase()) {
            names.push(name);
        }
    };
    match tree {
        syn::UseTree::Path(path) => collect(&path.tree, names),
        syn::UseTree::Name(name) => push(&name.ident),
        syn::UseTree::Rename(rename) => push(&rename.rename),
        syn::UseTree::Group(group) => group.items.iter().for_each(|tree| collect(tree, names)),
        syn::UseTree::Glob(_) => {}
    }
}

#[test]
fn every_type_the_crate_root_exports_is_reserved() {
    let exported = exported_types();
    // Guards against a parser that silently finds nothing.
    assert!(exported.contains(&"Client".to_owned()), "{exported:?}");
    for name in &exported {
        assert!(
            RESERVED_TYPES.contains(&name.as_str()),
            "`segmind::{name}` is not in codegen's naming::RESERVED_TYPES, so a spec could \
             generate a type of the same name"
        );
    }
}
