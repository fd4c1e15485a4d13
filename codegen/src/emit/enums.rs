//! Enums whose variants stand for exact wire strings.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs::{code, doc_attrs, escape_markdown};
use crate::model::EnumDef;

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The enum, its `as_str`/`ALL` and the runtime traits.
pub fn enum_def(def: &EnumDef) -> TokenStream {
    let name = ident(&def.type_name);
    let spec_name = &def.spec_name;
    let doc = doc_attrs(&format!(
        "{}\n\nSerialises to the exact strings the API expects; `Display` and `FromStr` use the same strings.",
        escape_markdown(&def.description)
    ));
    let variants = def.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let doc = doc_attrs(&format!(
            "The wire value {}.",
            code(&format!("{:?}", v.wire))
        ));
        quote!(#doc #variant,)
    });
    let all = def.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        quote!(Self::#variant,)
    });
    let arms = def.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let wire = &v.wire;
        quote!(Self::#variant => #wire,)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// Every variant, in the order the spec lists them.
            pub const ALL: &'static [Self] = &[#(#all)*];

            /// The exact string sent to the API.
            pub const fn as_str(self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }
        }

        impl crate::runtime::WireEnum for #name {
            const NAME: &'static str = #spec_name;
            const ALL: &'static [Self] = Self::ALL;
            #[inline]
            fn as_str(&self) -> &'static str {
                #name::as_str(*self)
            }
        }

        crate::impl_wire_enum_traits!(#name);
    }
}
