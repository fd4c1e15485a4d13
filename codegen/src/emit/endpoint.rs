//! One endpoint's file: its request type declared for the runtime's
//! `define_request!`, which expands it into the struct, constants,
//! constructor, setters, `validate()`, the `Endpoint` impl and the client
//! methods; and the enums only this endpoint uses.
//!
//! Each parameter becomes a documented field marked with its wire name,
//! kind, default and bounds: everything that differs between endpoints,
//! and nothing that does not.

use proc_macro2::{Ident, Literal as Lit, Span, TokenStream};
use quote::quote;

use super::docs::{code, doc_attrs, escape_markdown, inner_doc_attrs, param_facts};
use super::enums::enum_def;
use crate::model::{Endpoint, Kind, Literal, Param, Returns};

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Rust type of a parameter's value (without the `Option` of optional ones).
fn value_type(kind: &Kind) -> TokenStream {
    match kind {
        Kind::String => quote!(String),
        Kind::Image => quote!(crate::runtime::ImageInput),
        Kind::Boolean => quote!(bool),
        Kind::Integer { .. } => quote!(i64),
        Kind::Number { .. } => quote!(f64),
        // Shared enums are re-exported at the crate root.
        Kind::Enum {
            type_name,
            shared: true,
            ..
        } => {
            let name = ident(type_name);
            quote!(crate::#name)
        }
        Kind::Enum { type_name, .. } => {
            let name = ident(type_name);
            quote!(#name)
        }
    }
}

/// The kind `define_request!` dispatches on: the spec's type name.
fn kind_name(kind: &Kind) -> Ident {
    ident(match kind {
        Kind::String => "string",
        Kind::Image => "image",
        Kind::Boolean => "boolean",
        Kind::Integer { .. } => "integer",
        Kind::Number { .. } => "number",
        Kind::Enum { .. } => "enum",
    })
}

fn f64_lit(value: f64) -> Lit {
    Lit::f64_unsuffixed(value)
}

/// The whole file for one endpoint.
pub fn endpoint_file(endpoint: &Endpoint) -> TokenStream {
    let module_doc = inner_doc_attrs(&format!(
        "{}: `POST {}`.\n\n{}\n\nCompiled in with the cargo feature `{}` (on by default).",
        escape_markdown(&endpoint.title),
        endpoint.path,
        escape_markdown(&endpoint.description),
        endpoint.feature
    ));
    let request = request_declaration(endpoint);
    let local_enums = endpoint.local_enums.iter().map(enum_def);
    quote! {
        #module_doc
        #request
        #(#local_enums)*
    }
}

fn request_declaration(endpoint: &Endpoint) -> TokenStream {
    let name = ident(&endpoint.type_name);
    let required = endpoint.constructor_params();
    let listed: Vec<String> = required.iter().map(|p| code(&p.field)).collect();
    let returns = match (endpoint.returns, &endpoint.base64_switch) {
        (Returns::Image, Some(switch)) => {
            format!("the generated image (raw bytes, or base64 JSON when `{switch}` is set)")
        }
        (Returns::Image, None) => "the generated image (raw bytes)".to_owned(),
        (Returns::Json, _) => "a JSON document".to_owned(),
    };
    let doc = doc_attrs(&format!(
        "Request body for {} (`POST {}`), which returns {returns}.\n\n\
         {}\n\n\
         Build it with [`{}::new`]{}, then set optional parameters with the \
         methods of the same name. Optional parameters left unset are not \
         sent, so the server applies its own default. Generated from `{}`.",
        escape_markdown(&endpoint.title),
        endpoint.path,
        escape_markdown(&endpoint.description),
        endpoint.type_name,
        if listed.is_empty() {
            String::new()
        } else {
            format!(" (which takes the required {})", listed.join(", "))
        },
        endpoint.source,
    ));
    let slug = &endpoint.slug;
    let path = &endpoint.path;
    let output = ident(match endpoint.returns {
        Returns::Image => "ImageResponse",
        Returns::Json => "JsonResponse",
    });
    let method = ident(&endpoint.method);
    let title = escape_markdown(&endpoint.title);
    let new_args = required.iter().map(|param| {
        let field = ident(&param.field);
        let kind = kind_name(&param.kind);
        let ty = value_type(&param.kind);
        quote!(#field(#kind #ty))
    });
    let derive_default = required.is_empty().then(|| quote!(#[derive(Default)]));
    let fields = endpoint.params.iter().map(field_declaration);
    quote! {
        crate::define_request! {
            #doc
            #[endpoint(#slug, #path, #output)]
            #[client(#method, #title)]
            #[new(#(#new_args),*)]
            #derive_default
            pub struct #name {
                #(#fields)*
            }
        }
    }
}

/// One field: its docs, then its wire name and kind, default, bounds or
/// allowed values, each with the name of the constant that holds it.
fn field_declaration(param: &Param) -> TokenStream {
    let doc = doc_attrs(&format!(
        "{}\n\n{}",
        escape_markdown(&param.description),
        param_facts(param)
    ));
    let mode = ident(if param.required {
        "required"
    } else {
        "optional"
    });
    let wire = &param.wire;
    let kind = kind_name(&param.kind);
    let stem = &param.const_stem;
    let constant = |suffix: &str| ident(&format!("{stem}{suffix}"));
    let default = param.default.as_ref().map(|value| {
        let name = ident(&format!("DEFAULT_{stem}"));
        let value = literal(value, &param.kind);
        quote!(#[default(#name = #value)])
    });
    let (min, max, allowed) = match &param.kind {
        Kind::Integer { min, max, allowed } => (
            min.map(Lit::i64_unsuffixed),
            max.map(Lit::i64_unsuffixed),
            allowed.as_ref().map(|list| {
                list.iter()
                    .map(|n| Lit::i64_unsuffixed(*n))
                    .collect::<Vec<_>>()
            }),
        ),
        Kind::Number { min, max, allowed } => (
            min.map(f64_lit),
            max.map(f64_lit),
            allowed
                .as_ref()
                .map(|list| list.iter().map(|n| f64_lit(*n)).collect()),
        ),
        _ => (None, None, None),
    };
    let min = min.map(|min| {
        let name = constant("_MIN");
        quote!(#[min(#name = #min)])
    });
    let max = max.map(|max| {
        let name = constant("_MAX");
        quote!(#[max(#name = #max)])
    });
    let allowed = allowed.map(|list| {
        let name = constant("_ALLOWED");
        quote!(#[one_of(#name = [#(#list),*])])
    });
    let field = ident(&param.field);
    let ty = value_type(&param.kind);
    quote! {
        #doc
        #[param(#mode, #wire, #kind)]
        #default
        #min
        #max
        #allowed
        pub #field: #ty,
    }
}

/// A default's value as a constant's initialiser.
fn literal(value: &Literal, kind: &Kind) -> TokenStream {
    match value {
        Literal::String(text) => quote!(#text),
        Literal::Integer(n) => {
            let n = Lit::i64_unsuffixed(*n);
            quote!(#n)
        }
        Literal::Number(n) => {
            let n = f64_lit(*n);
            quote!(#n)
        }
        Literal::Boolean(b) => quote!(#b),
        Literal::Variant { ident: variant, .. } => {
            let ty = value_type(kind);
            let variant = ident(variant);
            quote!(#ty::#variant)
        }
    }
}
