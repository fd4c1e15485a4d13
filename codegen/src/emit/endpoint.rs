//! One endpoint's request type: fields, constants, constructor and setters,
//! `validate()`, the `Endpoint` impl and the client methods.

use proc_macro2::{Ident, Literal as Lit, Span, TokenStream};
use quote::quote;

use super::docs::{code, doc_attrs, escape_markdown, inner_doc_attrs, param_facts};
use super::enums::enum_def;
use super::fields::request_fields;
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
        Kind::Enum {
            type_name,
            shared: true,
            ..
        } => {
            let name = ident(type_name);
            quote!(crate::generated::enums::#name)
        }
        Kind::Enum { type_name, .. } => {
            let name = ident(type_name);
            quote!(#name)
        }
    }
}

/// What a constructor or setter accepts: conversions for text and images.
fn argument_type(kind: &Kind) -> TokenStream {
    match kind {
        Kind::String => quote!(impl Into<String>),
        Kind::Image => quote!(impl Into<crate::runtime::ImageInput>),
        other => value_type(other),
    }
}

/// The stored value built from an argument named `value`.
fn converted(kind: &Kind, value: &Ident) -> TokenStream {
    match kind {
        Kind::String | Kind::Image => quote!(#value.into()),
        _ => quote!(#value),
    }
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
    let local_enums = endpoint.local_enums.iter().map(enum_def);
    let request = request_struct(endpoint);
    let constants = constants(endpoint);
    let builders = constructor_and_setters(endpoint);
    let validate = validate(endpoint);
    let endpoint_impl = endpoint_impl(endpoint);
    let client = client_methods(endpoint);
    let fields = request_fields(endpoint);
    let name = ident(&endpoint.type_name);
    let approx =
        looks_like_a_math_constant(endpoint).then(|| quote!(#[allow(clippy::approx_constant)]));
    quote! {
        #module_doc
        use crate::runtime::Check;
        #request
        #approx
        impl #name {
            #constants
            #builders
            #validate
        }
        #endpoint_impl
        #fields
        #client
        #(#local_enums)*
    }
}

/// Whether a number in the spec reads like a `std::f64::consts` value
/// (a default of `3.14`), which clippy's `approx_constant` takes for a
/// mistyped constant. The spec's numbers are the vendor's, so the lint is
/// allowed where it would fire; the test mirrors clippy's own.
fn looks_like_a_math_constant(endpoint: &Endpoint) -> bool {
    use std::f64::consts as c;
    // Each constant with the number of characters a literal needs to match.
    const CONSTANTS: [(f64, usize); 19] = [
        (c::E, 4),
        (c::FRAC_1_PI, 4),
        (c::FRAC_1_SQRT_2, 5),
        (c::FRAC_2_PI, 5),
        (c::FRAC_2_SQRT_PI, 5),
        (c::FRAC_PI_2, 5),
        (c::FRAC_PI_3, 5),
        (c::FRAC_PI_4, 5),
        (c::FRAC_PI_6, 5),
        (c::FRAC_PI_8, 5),
        (c::LN_10, 5),
        (c::LN_2, 5),
        (c::LOG10_E, 5),
        (c::LOG2_E, 5),
        (c::LOG10_2, 5),
        (c::LOG2_10, 5),
        (c::PI, 3),
        (c::SQRT_2, 5),
        (c::TAU, 3),
    ];
    let reads_like = |n: f64| {
        let text = f64_lit(n).to_string();
        CONSTANTS.iter().any(|&(constant, digits)| {
            text.len() > digits
                && (constant.to_string().starts_with(&text)
                    || text == format!("{constant:.*}", text.len() - 2))
        })
    };
    endpoint.params.iter().any(|param| {
        let mut numbers: Vec<f64> = Vec::new();
        if let Kind::Number { min, max, allowed } = &param.kind {
            numbers.extend(min.iter().chain(max.iter()));
            numbers.extend(allowed.iter().flatten());
        }
        if let Some(Literal::Number(n)) = &param.default {
            numbers.push(*n);
        }
        numbers.into_iter().any(reads_like)
    })
}

fn request_struct(endpoint: &Endpoint) -> TokenStream {
    let name = ident(&endpoint.type_name);
    let required: Vec<String> = endpoint
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| code(&p.field))
        .collect();
    let has_base64 = endpoint.params.iter().any(|p| p.wire == "base64");
    let returns = match endpoint.returns {
        Returns::Image if has_base64 => {
            "the generated image (raw bytes, or base64 JSON when `base64` is set)"
        }
        Returns::Image => "the generated image (raw bytes)",
        Returns::Json => "a JSON document",
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
        if required.is_empty() {
            String::new()
        } else {
            format!(" (which takes the required {})", required.join(", "))
        },
        endpoint.source,
    ));
    let derive_default = if endpoint.params.iter().any(|p| p.required) {
        quote!()
    } else {
        quote!(Default,)
    };
    let fields = endpoint.params.iter().map(|param| {
        let field = ident(&param.field);
        let doc = doc_attrs(&format!(
            "{}\n\n{}",
            escape_markdown(&param.description),
            param_facts(param)
        ));
        let ty = value_type(&param.kind);
        if param.required {
            quote!(#doc pub #field: #ty,)
        } else {
            quote!(#doc pub #field: Option<#ty>,)
        }
    });
    quote! {
        #doc
        #[derive(Clone, PartialEq, #derive_default)]
        #[must_use = "a request does nothing until it is sent"]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// Defaults, bounds and allowed lists as associated constants.
fn constants(endpoint: &Endpoint) -> TokenStream {
    let items = endpoint.params.iter().map(|param| {
        let stem = &param.const_stem;
        let wire = code(&param.wire);
        let default = param.default.as_ref().map(|default| {
            let name = ident(&format!("DEFAULT_{stem}"));
            let doc = doc_attrs(&format!(
                "The documented default of {wire}, applied by the server when the parameter is not sent."
            ));
            let (ty, value) = literal(default, &param.kind);
            quote!(#doc pub const #name: #ty = #value;)
        });
        let bounds = match &param.kind {
            Kind::Integer { min, max, allowed } => bound_consts(
                stem,
                &wire,
                quote!(i64),
                min.map(Lit::i64_unsuffixed),
                max.map(Lit::i64_unsuffixed),
                allowed.as_ref().map(|list| list.iter().map(|n| Lit::i64_unsuffixed(*n)).collect()),
            ),
            Kind::Number { min, max, allowed } => bound_consts(
                stem,
                &wire,
                quote!(f64),
                min.map(f64_lit),
                max.map(f64_lit),
                allowed.as_ref().map(|list| list.iter().map(|n| f64_lit(*n)).collect()),
            ),
            _ => quote!(),
        };
        quote!(#default #bounds)
    });
    quote!(#(#items)*)
}

fn bound_consts(
    stem: &str,
    wire: &str,
    ty: TokenStream,
    min: Option<Lit>,
    max: Option<Lit>,
    allowed: Option<Vec<Lit>>,
) -> TokenStream {
    let min = min.map(|min| {
        let name = ident(&format!("{stem}_MIN"));
        let doc = doc_attrs(&format!("The smallest value {wire} accepts (inclusive)."));
        quote!(#doc pub const #name: #ty = #min;)
    });
    let max = max.map(|max| {
        let name = ident(&format!("{stem}_MAX"));
        let doc = doc_attrs(&format!("The largest value {wire} accepts (inclusive)."));
        quote!(#doc pub const #name: #ty = #max;)
    });
    let allowed = allowed.map(|list| {
        let name = ident(&format!("{stem}_ALLOWED"));
        let doc = doc_attrs(&format!("The only values {wire} accepts."));
        quote!(#doc pub const #name: &'static [#ty] = &[#(#list),*];)
    });
    quote!(#min #max #allowed)
}

/// A constant's type and value for a default.
fn literal(value: &Literal, kind: &Kind) -> (TokenStream, TokenStream) {
    match value {
        Literal::String(text) => (quote!(&'static str), quote!(#text)),
        Literal::Integer(n) => {
            let n = Lit::i64_unsuffixed(*n);
            (quote!(i64), quote!(#n))
        }
        Literal::Number(n) => {
            let n = f64_lit(*n);
            (quote!(f64), quote!(#n))
        }
        Literal::Boolean(b) => (quote!(bool), quote!(#b)),
        Literal::Variant { ident: variant, .. } => {
            let ty = value_type(kind);
            let variant = ident(variant);
            (ty.clone(), quote!(#ty::#variant))
        }
    }
}

fn constructor_and_setters(endpoint: &Endpoint) -> TokenStream {
    let required: Vec<&Param> = endpoint.params.iter().filter(|p| p.required).collect();
    let args = required.iter().map(|param| {
        let field = ident(&param.field);
        let ty = argument_type(&param.kind);
        quote!(#field: #ty)
    });
    let inits = endpoint.params.iter().map(|param| {
        let field = ident(&param.field);
        if param.required && matches!(param.kind, Kind::String | Kind::Image) {
            let value = converted(&param.kind, &field);
            quote!(#field: #value,)
        } else if param.required {
            // Shorthand, as `field: field` is a clippy warning.
            quote!(#field,)
        } else {
            quote!(#field: None,)
        }
    });
    let too_many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let listed: Vec<String> = required.iter().map(|p| code(&p.field)).collect();
    let new_doc = doc_attrs(&if listed.is_empty() {
        "A request with every parameter unset, so the server's defaults apply.".to_owned()
    } else {
        format!(
            "A request with the required {} set and every optional parameter unset.",
            listed.join(", ")
        )
    });
    let setters = endpoint.params.iter().map(|param| {
        let field = ident(&param.field);
        let value = ident("value");
        let ty = argument_type(&param.kind);
        let stored = converted(&param.kind, &value);
        let stored = if param.required {
            stored
        } else {
            quote!(Some(#stored))
        };
        let doc = doc_attrs(&format!(
            "Sets {}: {}",
            code(&param.wire),
            escape_markdown(&param.description)
        ));
        quote! {
            #doc
            #[inline]
            pub fn #field(mut self, #value: #ty) -> Self {
                self.#field = #stored;
                self
            }
        }
    });
    quote! {
        #new_doc
        #too_many
        #[inline]
        pub fn new(#(#args),*) -> Self {
            Self { #(#inits)* }
        }
        #(#setters)*
    }
}

/// The rule `validate()` applies to one parameter, naming the constants
/// that hold its bounds or allowed values.
fn check(param: &Param) -> TokenStream {
    let stem = &param.const_stem;
    let bound = |suffix: &str, present: bool| {
        if present {
            let name = ident(&format!("{stem}_{suffix}"));
            quote!(Some(Self::#name))
        } else {
            quote!(None)
        }
    };
    let allowed = ident(&format!("{stem}_ALLOWED"));
    match &param.kind {
        Kind::Integer {
            allowed: Some(_), ..
        } => quote!(Check::IntOneOf(Self::#allowed)),
        Kind::Number {
            allowed: Some(_), ..
        } => quote!(Check::NumberOneOf(Self::#allowed)),
        Kind::Integer { min, max, .. } if min.is_some() || max.is_some() => {
            let (min, max) = (bound("MIN", min.is_some()), bound("MAX", max.is_some()));
            quote!(Check::IntRange(#min, #max))
        }
        // Unbounded numbers are still checked to be finite.
        Kind::Number { min, max, .. } => {
            let (min, max) = (bound("MIN", min.is_some()), bound("MAX", max.is_some()));
            quote!(Check::NumberRange(#min, #max))
        }
        Kind::Image => quote!(Check::NonEmpty),
        _ => quote!(Check::None),
    }
}

/// `validate()` and the table of rules it walks: one entry per parameter,
/// in the order `RequestFields::write` passes them, checked by code in the
/// runtime that exists once for all endpoints.
fn validate(endpoint: &Endpoint) -> TokenStream {
    let slug = &endpoint.slug;
    let checks = endpoint.params.iter().map(|param| {
        let wire = &param.wire;
        let check = check(param);
        quote!((#wire, #check),)
    });
    quote! {
        /// The rule `validate` applies to each parameter, in field order.
        const CHECKS: &'static [(&'static str, Check)] = &[#(#checks)*];

        /// Checks every documented range and allowed value, reporting all
        /// violations at once. The client calls this before sending.
        #[inline]
        pub fn validate(&self) -> Result<(), crate::runtime::ValidationErrors> {
            crate::runtime::validate_request(#slug, self, Self::CHECKS)
        }
    }
}

fn output_type(returns: Returns) -> TokenStream {
    match returns {
        Returns::Image => quote!(crate::ImageResponse),
        Returns::Json => quote!(crate::JsonResponse),
    }
}

fn endpoint_impl(endpoint: &Endpoint) -> TokenStream {
    let name = ident(&endpoint.type_name);
    let slug = &endpoint.slug;
    let path = &endpoint.path;
    let output = output_type(endpoint.returns);
    quote! {
        impl crate::runtime::Endpoint for #name {
            const SLUG: &'static str = #slug;
            const PATH: &'static str = #path;
            type Output = #output;
            #[inline]
            fn validate(&self) -> Result<(), crate::runtime::ValidationErrors> {
                #name::validate(self)
            }
        }
    }
}

fn client_methods(endpoint: &Endpoint) -> TokenStream {
    let name = ident(&endpoint.type_name);
    let method = ident(&endpoint.method);
    let output = output_type(endpoint.returns);
    let summary = format!(
        "Calls {} (`POST {}`): validates `request`, sends it and decodes the answer.",
        escape_markdown(&endpoint.title),
        endpoint.path
    );
    let doc = doc_attrs(&summary);
    // A plain method returning `send`'s future rather than an `async fn`
    // wrapping it: no extra state machine per endpoint to compile.
    let async_doc = doc_attrs(&format!(
        "{summary}

Await the returned future, as with an `async fn`."
    ));
    quote! {
        impl crate::Client {
            #async_doc
            #[inline]
            pub fn #method<'a>(
                &'a self,
                request: &'a #name,
            ) -> impl std::future::Future<Output = Result<#output, crate::Error>> + 'a {
                self.send(request)
            }
        }

        #[cfg(feature = "blocking")]
        impl crate::blocking::Client {
            #doc
            #[inline]
            pub fn #method(&self, request: &#name) -> Result<#output, crate::Error> {
                self.send(request)
            }
        }
    }
}
