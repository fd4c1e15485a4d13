//! Endpoint methods are added to the runtime's `Client` types, so the
//! generator must know every method those types already have
//! (`naming::CLIENT_METHODS`) to steer a slug such as `send` or `attempt`
//! away from a clash. This reads the runtime's source and fails when a
//! method was added there but not to the list.

use std::path::Path;

use codegen::naming::CLIENT_METHODS;

/// Names of the methods in every `impl ... Client` block of `file`.
fn client_methods(file: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../generated-client/runtime/src")
        .join(file);
    let source = std::fs::read_to_string(&path).unwrap();
    let syntax = syn::parse_file(&source).unwrap();
    let mut names = Vec::new();
    for item in syntax.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_type) = block.self_ty.as_ref() else {
            continue;
        };
        if self_type
            .path
            .segments
            .last()
            .is_none_or(|s| s.ident != "Client")
        {
            continue;
        }
        for inner in block.items {
            if let syn::ImplItem::Fn(method) = inner {
                names.push(method.sig.ident.to_string());
            }
        }
    }
    names
}

/// Names of the methods `queue_methods!` writes in `queue.rs` for both
/// queues: every `fn name` in the macro's body.
fn queue_methods() -> Vec<String> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/runtime/src/queue.rs");
    let syntax = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut names = Vec::new();
    for item in syntax.items {
        if let syn::Item::Macro(definition) = item {
            if definition
                .ident
                .as_ref()
                .is_some_and(|name| name == "queue_methods")
            {
                collect_fns(definition.mac.tokens, &mut names);
            }
        }
    }
    names
}

fn collect_fns(tokens: proc_macro2::TokenStream, names: &mut Vec<String>) {
    let mut after_fn = false;
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Ident(ident) if after_fn => {
                names.push(ident.to_string());
                after_fn = false;
            }
            proc_macro2::TokenTree::Ident(ident) => after_fn = ident == "fn",
            proc_macro2::TokenTree::Group(group) => {
                after_fn = false;
                collect_fns(group.stream(), names);
            }
            _ => after_fn = false,
        }
    }
}

#[test]
fn every_method_of_the_queues_is_reserved() {
    let methods = queue_methods();
    assert!(methods.contains(&"wait_with".to_owned()), "{methods:?}");
    for name in &methods {
        assert!(
            CLIENT_METHODS.contains(&name.as_str()),
            "`Queue::{name}` is not in codegen's naming::CLIENT_METHODS, so an endpoint \
             could be given a method of the same name"
        );
    }
}

#[test]
fn every_method_of_both_clients_is_reserved() {
    let async_methods = client_methods("client.rs");
    let blocking_methods = client_methods("blocking.rs");
    // Guards against a parser that silently finds nothing.
    assert!(async_methods.contains(&"send_with".to_owned()));
    assert!(blocking_methods.contains(&"send_with".to_owned()));
    for name in async_methods.iter().chain(&blocking_methods) {
        assert!(
            CLIENT_METHODS.contains(&name.as_str()),
            "`Client::{name}` is not in codegen's naming::CLIENT_METHODS, so an endpoint \
             could be given a method of the same name"
        );
    }
}
