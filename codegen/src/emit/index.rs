//! `generated/mod.rs`: declares every endpoint module and re-exports its
//! public types at the crate root.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Endpoint, Model};

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The index module.
pub fn index(model: &Model) -> TokenStream {
    let enums = (!model.shared_enums.is_empty()).then(|| {
        let names = model.shared_enums.iter().map(|def| ident(&def.type_name));
        quote! {
            pub mod enums;
            pub use self::enums::{#(#names),*};
        }
    });
    let modules = model.endpoints.iter().map(|endpoint| {
        let cfg = cfg(endpoint);
        let module = ident(&endpoint.module);
        let objects = endpoint.objects();
        let types = std::iter::once(&endpoint.type_name)
            .chain(objects.iter().map(|def| &def.type_name))
            .chain(endpoint.local_enums.iter().map(|def| &def.type_name))
            .map(|name| ident(name));
        quote! {
            #cfg
            pub mod #module;
            #cfg
            pub use self::#module::{#(#types),*};
        }
    });
    let any_request = any_request(model);
    quote! {
        #enums
        #[cfg(feature = "cli")]
        pub(crate) mod cli;
        #(#modules)*
        #any_request
    }
}

/// `#[cfg(feature = "...")]` for an endpoint's items.
fn cfg(endpoint: &Endpoint) -> TokenStream {
    let feature = &endpoint.feature;
    quote!(#[cfg(feature = #feature)])
}

/// `generated/enums.rs`: the shared enums.
pub fn shared_enums(model: &Model) -> TokenStream {
    let defs = model.shared_enums.iter().map(super::enums::enum_def);
    quote! {
        #![doc = " Enums shared by several endpoints, defined once in `spec/enums.yaml`."]
        #(#defs)*
    }
}

/// `AnyRequest`: one variant per endpoint, for code that picks the endpoint
/// at run time (a slug and a JSON body from a file or a command line),
/// declared for the runtime's `define_any_request!`, which also writes
/// `ENDPOINTS`.
fn any_request(model: &Model) -> TokenStream {
    let variants = model.endpoints.iter().map(|endpoint| {
        let cfg = cfg(endpoint);
        let ty = ident(&endpoint.type_name);
        let slug = &endpoint.slug;
        quote!(#cfg #ty = #slug,)
    });
    quote! {
        crate::define_any_request! {
            /// A request to any endpoint compiled in, chosen at run time by slug.
            pub enum AnyRequest {
                #(#variants)*
            }
        }
    }
}
