//! The compile-cost floor: the same request types as the generated crate,
//! as plain serde structs and enums, with no validation, no client, no
//! docs and no constants. `cargo xtask scale` writes it beside the
//! generated crate so that a CI run can compare the two builds in one run
//! (issue 24): whatever the generated crate costs beyond the floor is what
//! its declarations, runtime and client add.
//!
//! Names come from the checked model, so every type and field is named as
//! in the generated crate; media inputs, which the crate holds as its
//! runtime's input types, are plain `String`s here.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{EnumDef, Kind, Model, ObjectDef, Param};

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// What every floor type derives.
fn derives() -> TokenStream {
    quote!(#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)])
}

/// The whole floor crate's `lib.rs`: the shared enums, then per endpoint
/// its request struct, its object types and its local enums.
pub fn floor(model: &Model) -> TokenStream {
    let shared = model.shared_enums.iter().map(floor_enum);
    let endpoints = model.endpoints.iter().map(|endpoint| {
        let request = floor_struct(&endpoint.type_name, &endpoint.params);
        let objects = endpoint
            .objects()
            .into_iter()
            .map(|def: &ObjectDef| floor_struct(&def.type_name, &def.fields));
        let enums = endpoint.local_enums.iter().map(floor_enum);
        quote! {
            #request
            #(#objects)*
            #(#enums)*
        }
    });
    quote! {
        #(#shared)*
        #(#endpoints)*
    }
}

/// A plain struct with one public field per parameter.
fn floor_struct(type_name: &str, params: &[Param]) -> TokenStream {
    let name = ident(type_name);
    let derives = derives();
    let fields = params.iter().map(|param| {
        let field = ident(&param.field);
        let rename = (param.wire != param.field).then(|| {
            let wire = &param.wire;
            quote!(#[serde(rename = #wire)])
        });
        let ty = value_type(&param.kind);
        if param.required {
            quote! {
                #rename
                pub #field: #ty,
            }
        } else {
            quote! {
                #rename
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub #field: Option<#ty>,
            }
        }
    });
    quote! {
        #derives
        pub struct #name {
            #(#fields)*
        }
    }
}

/// A plain enum, each variant renamed to its wire string.
fn floor_enum(def: &EnumDef) -> TokenStream {
    let name = ident(&def.type_name);
    let derives = derives();
    let variants = def.variants.iter().map(|variant| {
        let ident = ident(&variant.ident);
        let wire = &variant.wire;
        quote! {
            #[serde(rename = #wire)]
            #ident,
        }
    });
    quote! {
        #derives
        pub enum #name {
            #(#variants)*
        }
    }
}

/// A parameter's Rust type (without the `Option` of optional ones): the
/// generated crate's, except that media inputs are `String`.
fn value_type(kind: &Kind) -> TokenStream {
    super::endpoint::value_type_with(kind, &|_| quote!(String))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real_model() -> Model {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let specs = crate::workspace::read_specs(&root).expect("spec/ is readable");
        crate::load(&specs).unwrap_or_else(|problems| panic!("{problems}"))
    }

    #[test]
    fn the_floor_of_the_real_specs_has_every_request_type_as_a_plain_struct() {
        let model = real_model();
        let file: syn::File = syn::parse2(floor(&model)).expect("the floor parses");
        let structs: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(item) => Some(item.ident.to_string()),
                _ => None,
            })
            .collect();
        let enums = file
            .items
            .iter()
            .filter(|item| matches!(item, syn::Item::Enum(_)))
            .count();
        let objects: usize = model.endpoints.iter().map(|e| e.objects().len()).sum();
        let local: usize = model.endpoints.iter().map(|e| e.local_enums.len()).sum();
        assert_eq!(structs.len(), model.endpoints.len() + objects);
        assert_eq!(enums, model.shared_enums.len() + local);
        for endpoint in &model.endpoints {
            assert!(
                structs.contains(&endpoint.type_name),
                "{} is missing",
                endpoint.type_name
            );
        }
        // Plain: no macros, no impls, no constants.
        assert!(file
            .items
            .iter()
            .all(|item| matches!(item, syn::Item::Struct(_) | syn::Item::Enum(_))));
        let text = crate::floor_source(&model).expect("the floor formats");
        assert!(!text.contains("define_"), "{text}");
    }

    #[test]
    fn optional_parameters_are_options_and_wire_names_are_kept() {
        let model = real_model();
        let text = crate::floor_source(&model).expect("the floor formats");
        let endpoint = model
            .endpoints
            .iter()
            .find(|e| e.params.iter().any(|p| !p.required))
            .expect("an endpoint with an optional parameter");
        let optional = endpoint.params.iter().find(|p| !p.required).unwrap();
        assert!(
            text.contains(&format!(
                "#[serde(default, skip_serializing_if = \"Option::is_none\")]\n    pub {}: Option<",
                optional.field
            )),
            "{text}"
        );
        for enumeration in &model.shared_enums {
            for variant in &enumeration.variants {
                assert!(text.contains(&format!(
                    "#[serde(rename = {:?})]\n    {},",
                    variant.wire, variant.ident
                )));
            }
        }
    }
}
