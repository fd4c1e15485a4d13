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
        // Shared enums are imported from the crate root (see
        // `shared_enum_imports`), so that a default shows in the docs as
        // `Scheduler::DpmMulti`, not as a path.
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
    let imports = shared_enum_imports(endpoint);
    let request = request_declaration(endpoint);
    let local_enums = endpoint.local_enums.iter().map(enum_def);
    quote! {
        #module_doc
        #imports
        #request
        #(#local_enums)*
    }
}

/// `use crate::{...};` for the shared enums the endpoint's parameters use,
/// sorted; nothing when there are none.
fn shared_enum_imports(endpoint: &Endpoint) -> TokenStream {
    let mut names: Vec<&str> = endpoint
        .params
        .iter()
        .filter_map(|param| match &param.kind {
            Kind::Enum {
                type_name,
                shared: true,
                ..
            } => Some(type_name.as_str()),
            _ => None,
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    if names.is_empty() {
        return TokenStream::new();
    }
    let names = names.iter().map(|name| ident(name));
    quote!(use crate::{#(#names),*};)
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
         sent, so the server applies its own default. Generated from `{}`.{}",
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
        example_section(endpoint).unwrap_or_default(),
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
    // The setter of an integer that fits in `i32` takes any integer type.
    let narrow = param.kind.is_narrow_integer().then(|| quote!(, narrow));
    quote! {
        #doc
        #[param(#mode, #wire, #kind #narrow)]
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

/// The request type's `# Example`: the required parameters and up to two
/// optional ones from the spec's examples, checked with `validate()` when
/// the doc test runs, and the call (compiled, not run: it would need a key
/// and cost credits). `None` when a required parameter has no example to
/// show.
fn example_section(endpoint: &Endpoint) -> Option<String> {
    let ty = &endpoint.type_name;
    let mut names = vec![ty.clone()];
    let mut value = |param: &Param| example_code(param, &mut names);
    let args = endpoint
        .constructor_params()
        .into_iter()
        .map(&mut value)
        .collect::<Option<Vec<_>>>()?;
    // Examples that differ from the default first, as they show why one
    // would set the parameter; then enums, which show their type.
    let mut optional: Vec<&Param> = endpoint
        .params
        .iter()
        .filter(|param| !param.required && !matches!(param.kind, Kind::Boolean))
        .filter(|param| param.example.is_some())
        .collect();
    optional.sort_by_key(|param| {
        let is_enum = matches!(param.kind, Kind::Enum { .. });
        (param.example == param.default, !is_enum)
    });
    let setters: Vec<String> = optional
        .into_iter()
        .take(2)
        .filter_map(|param| Some(format!("\n    .{}({})", param.field, value(param)?)))
        .collect();
    names.sort();
    names.dedup();
    let names = match names.as_slice() {
        [one] => one.clone(),
        many => format!("{{{}}}", many.join(", ")),
    };
    let method = &endpoint.method;
    let output = match endpoint.returns {
        Returns::Image => format!(
            "let images = client.{method}(request).await?;\n\
             images.save(\"out\")?; // out.jpg (or .png, as answered), out-2.jpg, ..."
        ),
        Returns::Json => format!(
            "let answer = client.{method}(request).await?;\n\
             println!(\"{{}}\", answer.value());"
        ),
    };
    let code = format!(
        "use segmind::{names};\n\
         let request = {ty}::new({args}){setters};\n\
         request.validate()?; // what the client checks before sending: no call, no cost\n\
         # async fn call(request: {ty}) -> Result<(), segmind::Error> {{\n\
         let client = segmind::Client::from_env()?; // SEGMIND_API_KEY\n\
         {output}\n\
         # Ok(()) }}\n\
         # Ok::<(), segmind::ValidationErrors>(())",
        args = args.join(", "),
        setters = setters.concat(),
    );
    // A fence longer than any run of backticks in the code, which holds
    // the spec's example text.
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    // A heading needs no blank line around it, and 200 endpoints' worth of
    // them count against the generated crate's line budget.
    Some(format!("\n# Example\n{fence}\n{code}\n{fence}"))
}

/// A parameter's example as a Rust expression for its setter or `new`,
/// adding the types it names to `names`.
fn example_code(param: &Param, names: &mut Vec<String>) -> Option<String> {
    let example = param.example.as_ref();
    Some(match (&param.kind, example) {
        (Kind::Image, Some(Literal::String(text))) => {
            names.push("ImageInput".to_owned());
            // An example that is not a URL (a site-relative path) is sent
            // as it is, which has to be said.
            let how = if text.starts_with("https://") || text.starts_with("http://") {
                "url"
            } else {
                "verbatim"
            };
            format!("ImageInput::{how}({text:?})")
        }
        (Kind::Image, None) => {
            names.push("ImageInput".to_owned());
            "ImageInput::url(\"https://example.com/input.png\")".to_owned()
        }
        (_, Some(Literal::String(text))) => format!("{text:?}"),
        (Kind::String, None) => "\"...\"".to_owned(),
        (_, Some(Literal::Integer(n))) => n.to_string(),
        (_, Some(Literal::Number(n))) => format!("{n:?}"),
        (_, Some(Literal::Boolean(b))) => b.to_string(),
        (
            _,
            Some(Literal::Variant {
                type_name,
                ident: variant,
                ..
            }),
        ) => {
            names.push(type_name.clone());
            format!("{type_name}::{variant}")
        }
        _ => return None,
    })
}
