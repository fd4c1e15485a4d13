//! Endpoint methods are added to segmind's `Client` and `Queue` wrappers,
//! which dereference to the runtime's types, so the generator must know
//! every method either already has (`naming::CLIENT_METHODS`) to steer a
//! slug such as `send` or `attempt` away from a clash. This reads both
//! sources and fails when a method was added there but not to the list.

use std::path::Path;

use codegen::naming::CLIENT_METHODS;

/// Names of the methods in every `impl ... Client` or `impl ... Queue`
/// block of `file` (relative to `generated-client/`), nested modules
/// included.
fn client_methods(file: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../generated-client")
        .join(file);
    let source = std::fs::read_to_string(&path).unwrap();
    let syntax = syn::parse_file(&source).unwrap();
    let mut names = Vec::new();
    collect_methods(syntax.items, &mut names);
    names
}

fn collect_methods(items: Vec<syn::Item>, names: &mut Vec<String>) {
    for item in items {
        let block = match item {
            syn::Item::Impl(block) => block,
            syn::Item::Mod(module) => {
                if let Some((_, items)) = module.content {
                    collect_methods(items, names);
                }
                continue;
            }
            _ => continue,
        };
        let syn::Type::Path(self_type) = block.self_ty.as_ref() else {
            continue;
        };
        if self_type
            .path
            .segments
            .last()
            .is_none_or(|s| s.ident != "Client" && s.ident != "Queue")
        {
            continue;
        }
        for inner in block.items {
            if let syn::ImplItem::Fn(method) = inner {
                names.push(method.sig.ident.to_string());
            }
        }
    }
}

/// Every `fn name` in the body of the macro `macro_name` in `file`
/// (relative to `generated-client/`).
fn macro_fns(file: &str, macro_name: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../generated-client")
        .join(file);
    let syntax = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut names = Vec::new();
    for item in syntax.items {
        if let syn::Item::Macro(definition) = item {
            if definition
                .ident
                .as_ref()
                .is_some_and(|name| name == macro_name)
            {
                collect_fns(definition.mac.tokens, &mut names);
            }
        }
    }
    names
}

/// Names of the methods `queue_methods!` writes in `queue.rs` for both
/// queues.
fn queue_methods() -> Vec<String> {
    macro_fns("runtime/src/queue.rs", "queue_methods")
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
    let async_methods = client_methods("runtime/src/client.rs");
    let blocking_methods = client_methods("runtime/src/blocking.rs");
    let owned_futures = client_methods("runtime/src/future.rs");
    // The wrappers segmind's endpoint methods are added to: their own
    // methods, written by `client_constructors!`.
    let mut wrappers = client_methods("src/clients.rs");
    wrappers.extend(macro_fns("src/clients.rs", "client_constructors"));
    // Guards against a parser that silently finds nothing.
    assert!(async_methods.contains(&"send_with".to_owned()));
    assert!(blocking_methods.contains(&"send_with".to_owned()));
    assert!(owned_futures.contains(&"submit_owned".to_owned()));
    assert!(wrappers.contains(&"with_options".to_owned()));
    for name in async_methods
        .iter()
        .chain(&blocking_methods)
        .chain(&owned_futures)
        .chain(&wrappers)
    {
        assert!(
            CLIENT_METHODS.contains(&name.as_str()),
            "`Client::{name}` is not in codegen's naming::CLIENT_METHODS, so an endpoint \
             could be given a method of the same name"
        );
    }
}
