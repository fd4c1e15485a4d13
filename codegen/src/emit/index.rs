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
    let any_request = any_request(model);
    quote! {
        #enums
        #(#modules)*
        #any_request

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

/// `AnyRequest`: one variant per endpoint, for code that picks the endpoint
/// at run time (a slug and a JSON body from a file or a command line).
fn any_request(model: &Model) -> TokenStream {
    let variants = model.endpoints.iter().map(|endpoint| {
        let ty = ident(&endpoint.type_name);
        let doc = format!(" A `{}` request.", endpoint.slug);
        quote!(#[doc = #doc] #ty(#ty),)
    });
    let parse_arms = model.endpoints.iter().map(|endpoint| {
        let ty = ident(&endpoint.type_name);
        let slug = &endpoint.slug;
        quote!(#slug => serde_json::from_value(body).map(Self::#ty),)
    });
    let match_all = |body: TokenStream| {
        let arms = model.endpoints.iter().map(|endpoint| {
            let ty = ident(&endpoint.type_name);
            quote!(Self::#ty(request) => #body,)
        });
        quote!(match self { #(#arms)* })
    };
    let slug_match = match_all(quote!(endpoint_slug(request)));
    let validate_match = match_all(quote!(request.validate()));
    let json_match = match_all(quote!(serde_json::to_value(request)));
    quote! {
        /// A request to any endpoint, chosen at run time by slug.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum AnyRequest {
            #(#variants)*
        }

        fn endpoint_slug<E: crate::runtime::Endpoint>(_: &E) -> &'static str {
            E::SLUG
        }

        impl AnyRequest {
            /// Reads a JSON request body for the endpoint `slug`; `None` when no
            /// endpoint has that slug. Unknown fields and wrong types are errors.
            pub fn from_json(slug: &str, body: serde_json::Value) -> Option<Result<Self, serde_json::Error>> {
                Some(match slug {
                    #(#parse_arms)*
                    _ => return None,
                })
            }

            /// The endpoint's slug.
            pub fn slug(&self) -> &'static str {
                #slug_match
            }

            /// Checks every documented range and allowed value.
            pub fn validate(&self) -> Result<(), crate::runtime::ValidationErrors> {
                #validate_match
            }

            /// The JSON body that would be sent.
            pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
                #json_match
            }
        }
    }
}
