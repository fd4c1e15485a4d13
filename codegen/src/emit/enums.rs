//! Enums whose variants stand for exact wire strings, declared for the
//! runtime's `define_wire_enum!` (which writes each variant's docs,
//! `ALL`, `as_str` and the traits).

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs::{doc_attrs, escape_markdown};
use crate::model::EnumDef;

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The enum's declaration: one `Variant = "wire string"` line per variant.
pub fn enum_def(def: &EnumDef) -> TokenStream {
    let name = ident(&def.type_name);
    let spec_name = &def.spec_name;
    let doc = doc_attrs(&format!(
        "{}\n\nSerialises to the exact strings the API expects; `Display` and `FromStr` use the same strings.",
        escape_markdown(&def.description)
    ));
    let variants = def.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let wire = &v.wire;
        quote!(#variant = #wire,)
    });
    quote! {
        crate::define_wire_enum! {
            #doc
            #[name(#spec_name)]
            pub enum #name {
                #(#variants)*
            }
        }
    }
}
