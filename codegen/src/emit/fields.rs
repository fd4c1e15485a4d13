//! A request type's `RequestFields` impl: its parameters' wire names for
//! the runtime's shared `Serialize`, `Deserialize` and `Debug` code, which
//! replaces a serde derive (and its per-type expansion) on every request.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::Endpoint;

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The `RequestFields` impl and the traits implemented through it.
pub fn request_fields(endpoint: &Endpoint) -> TokenStream {
    let name = ident(&endpoint.type_name);
    let out = ident(if endpoint.params.is_empty() {
        "_out"
    } else {
        "out"
    });
    let fields = ident(if endpoint.params.is_empty() {
        "_fields"
    } else {
        "fields"
    });
    let writes = endpoint.params.iter().map(|param| {
        let field = ident(&param.field);
        let wire = &param.wire;
        quote!(#out.field(#wire, &self.#field);)
    });
    let reads = endpoint.params.iter().map(|param| {
        let field = ident(&param.field);
        let wire = &param.wire;
        if param.required {
            quote!(#field: #fields.required(#wire)?,)
        } else {
            quote!(#field: #fields.optional(#wire)?,)
        }
    });
    quote! {
        impl crate::runtime::RequestFields for #name {
            #[inline]
            fn write(&self, #out: &mut crate::runtime::FieldWriter<'_>) {
                #(#writes)*
            }
            #[inline]
            fn read(#fields: &mut crate::runtime::FieldReader) -> Result<Self, serde_json::Error> {
                Ok(Self { #(#reads)* })
            }
        }
        crate::impl_request_traits!(#name);
    }
}
