//! `generated/mod.rs`: declares every endpoint module and re-exports its
//! public types at the crate root.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::Model;

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
        let module = ident(&endpoint.module);
        let types = std::iter::once(&endpoint.type_name)
            .chain(endpoint.local_enums.iter().map(|def| &def.type_name))
            .map(|name| ident(name));
        quote! {
            pub mod #module;
            pub use self::#module::{#(#types),*};
        }
    });
    let slugs = model.endpoints.iter().map(|endpoint| &endpoint.slug);
    quote! {
        #enums
        #(#modules)*

        /// The slug of every endpoint this crate was generated with, sorted.
        pub const ENDPOINTS: &[&str] = &[#(#slugs),*];
    }
}

/// `generated/enums.rs`: the shared enums.
pub fn shared_enums(model: &Model) -> TokenStream {
    let defs = model.shared_enums.iter().map(super::enums::enum_def);
    quote! {
        #![doc = " Enums shared by several endpoints, defined once in `spec/enums.yaml`."]
        #(#defs)*
    }
}
