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
        let types = std::iter::once(&endpoint.type_name)
            .chain(endpoint.local_enums.iter().map(|def| &def.type_name))
            .map(|name| ident(name));
        quote! {
            #cfg
            pub mod #module;
            #cfg
            pub use self::#module::{#(#types),*};
        }
    });
    let slugs = model.endpoints.iter().map(|endpoint| {
        let cfg = cfg(endpoint);
        let slug = &endpoint.slug;
        quote!(#cfg #slug,)
    });
    let any_request = any_request(model);
    quote! {
        #enums
        #(#modules)*
        #any_request

        /// The slug of every endpoint compiled in (each is a cargo feature,
        /// all on by default), sorted.
        pub const ENDPOINTS: &[&str] = &[#(#slugs)*];
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
/// at run time (a slug and a JSON body from a file or a command line).
///
/// Every variant and match arm carries its endpoint's `cfg`, and the code
/// stays valid (and warning-free) with any set of endpoints, none included.
fn any_request(model: &Model) -> TokenStream {
    let variants = model.endpoints.iter().map(|endpoint| {
        let cfg = cfg(endpoint);
        let ty = ident(&endpoint.type_name);
        let doc = format!(" A `{}` request.", endpoint.slug);
        quote!(#cfg #[doc = #doc] #ty(#ty),)
    });
    let parse_arms = model.endpoints.iter().map(|endpoint| {
        let cfg = cfg(endpoint);
        let ty = ident(&endpoint.type_name);
        let slug = &endpoint.slug;
        quote!(#cfg #slug => Some(crate::runtime::request_from_json(body).map(Self::#ty)),)
    });
    let match_all = |binding: TokenStream, body: &dyn Fn(&Ident) -> TokenStream| {
        let arms = model.endpoints.iter().map(|endpoint| {
            let cfg = cfg(endpoint);
            let ty = ident(&endpoint.type_name);
            let body = body(&ty);
            quote!(#cfg Self::#ty(#binding) => #body,)
        });
        // `*self`, not `self`: a match on a reference to an enum without
        // variants is not exhaustive, one on the enum itself is.
        quote!(match *self { #(#arms)* })
    };
    let slug_match = match_all(
        quote!(_),
        &|ty| quote!(<#ty as crate::runtime::Endpoint>::SLUG),
    );
    let validate_match = match_all(quote!(ref request), &|_| quote!(request.validate()));
    // The methods below are `#[inline]`: their code touches every endpoint,
    // and is then compiled in the crates that call them rather than, for
    // every user, in this one (a fifth of its compile time at 200 endpoints).
    let json_match = match_all(quote!(ref request), &|_| {
        quote!(Ok(crate::runtime::request_to_json(request)))
    });
    quote! {
        /// A request to any endpoint compiled in, chosen at run time by slug.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum AnyRequest {
            #(#variants)*
        }

        impl AnyRequest {
            /// Reads a JSON request body for the endpoint `slug`; `None` when no
            /// endpoint compiled in has that slug. Unknown fields and wrong types
            /// are errors.
            #[inline]
            pub fn from_json(slug: &str, body: serde_json::Value) -> Option<Result<Self, serde_json::Error>> {
                match slug {
                    #(#parse_arms)*
                    _ => {
                        drop(body);
                        None
                    }
                }
            }

            /// The endpoint's slug.
            #[inline]
            pub fn slug(&self) -> &'static str {
                #slug_match
            }

            /// Checks every documented range and allowed value.
            #[inline]
            pub fn validate(&self) -> Result<(), crate::runtime::ValidationErrors> {
                #validate_match
            }

            /// The JSON body that would be sent.
            #[inline]
            pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
                #json_match
            }
        }
    }
}
