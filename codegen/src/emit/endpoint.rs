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
use crate::model::{Endpoint, Kind, Literal, MediaKind, ObjectDef, Param, Returns};

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Rust type of a parameter's value (without the `Option` of optional ones).
fn value_type(kind: &Kind) -> TokenStream {
    value_type_with(kind, &|media| {
        let name = ident(media.input_type());
        quote!(crate::runtime::#name)
    })
}

/// [`value_type`] with the type each medium is held in chosen by `media`
/// (the floor crate holds them as `String`s).
pub(super) fn value_type_with(
    kind: &Kind,
    media: &dyn Fn(&MediaKind) -> TokenStream,
) -> TokenStream {
    match kind {
        Kind::String => quote!(String),
        Kind::Media(medium) => media(medium),
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
        Kind::List { items, .. } => {
            let item = value_type_with(items, media);
            quote!(Vec<#item>)
        }
        Kind::Object(def) => {
            let name = ident(&def.type_name);
            quote!(#name)
        }
    }
}

/// The kind `define_request!` dispatches on: the spec's type name, and for
/// a list one bracketed group of `list` and its item's kind (`[list image]`).
fn kind_tokens(kind: &Kind) -> TokenStream {
    match kind {
        Kind::List { items, .. } => {
            let item = kind_name(items);
            let narrow = items.is_narrow_integer().then(|| quote!(narrow));
            quote!([list #item #narrow])
        }
        _ => {
            let name = kind_name(kind);
            quote!(#name)
        }
    }
}

/// The kind's name alone.
fn kind_name(kind: &Kind) -> Ident {
    ident(match kind {
        Kind::String => "string",
        Kind::Media(media) => media.name(),
        Kind::Boolean => "boolean",
        Kind::Integer { .. } => "integer",
        Kind::Number { .. } => "number",
        Kind::Enum { .. } => "enum",
        Kind::List { .. } => "list",
        Kind::Object(_) => "object",
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
    let objects = endpoint.objects().into_iter().map(object_declaration);
    let local_enums = endpoint.local_enums.iter().map(enum_def);
    quote! {
        #module_doc
        #imports
        #request
        #(#objects)*
        #(#local_enums)*
    }
}

/// An object parameter's type, declared for `define_object!`.
fn object_declaration(def: &ObjectDef) -> TokenStream {
    let name = ident(&def.type_name);
    let label = &def.type_name;
    let required: Vec<&Param> = def.fields.iter().filter(|f| f.required).collect();
    let listed: Vec<String> = required.iter().map(|p| code(&p.field)).collect();
    let doc = doc_attrs(&format!(
        "{} of the request.\n\nBuild it with [`{}::new`]{}, then set optional fields with the methods of the same name; fields left unset are not sent.",
        object_place(&def.spec_path), def.type_name,
        if listed.is_empty() {
            String::new()
        } else {
            format!(" (which takes the required {})", listed.join(", "))
        },
    ));
    let new_args = constructor_arguments(&required);
    let derive_default = required.is_empty().then(|| quote!(#[derive(Default)]));
    let fields = def.fields.iter().map(field_declaration);
    quote! {
        crate::define_object! {
            #doc
            #[object(#label)]
            #[new(#(#new_args),*)]
            #derive_default
            pub struct #name {
                #(#fields)*
            }
        }
    }
}

/// Where an object goes, in words: `params.messages.items` is "One item
/// of `messages`", `params.style` is "The value of `style`".
fn object_place(spec_path: &str) -> String {
    let path = spec_path.strip_prefix("params.").unwrap_or(spec_path);
    let path = path.replace(".fields.", ".");
    match path.strip_suffix(".items") {
        Some(list) => format!("One item of {}", code(list)),
        None => format!("The value of {}", code(&path)),
    }
}

/// `new`'s arguments: each required parameter's name, kind and type.
fn constructor_arguments(required: &[&Param]) -> Vec<TokenStream> {
    required
        .iter()
        .map(|param| {
            let field = ident(&param.field);
            let kind = kind_tokens(&param.kind);
            let ty = value_type(&param.kind);
            quote!(#field(#kind #ty))
        })
        .collect()
}

/// `#[rules(...)]`, the rules between parameters; nothing when there are none.
fn rules_attribute(endpoint: &Endpoint) -> TokenStream {
    if endpoint.constraints.is_empty() {
        return TokenStream::new();
    }
    let rules = endpoint.constraints.iter().map(|constraint| {
        let rule = ident(match constraint.rule {
            crate::model::ConstraintRule::Exclusive => "exclusive",
            crate::model::ConstraintRule::Requires => "requires",
            crate::model::ConstraintRule::AtLeastOne => "at_least_one",
        });
        let params = &constraint.params;
        quote!(#rule(#(#params),*))
    });
    quote!(#[rules(#(#rules),*)])
}

/// `#[queued(seconds)]` for a model whose page advises the queue: its
/// client method submits and waits that long.
fn queued_attribute(endpoint: &Endpoint) -> TokenStream {
    // Without a deadline on the page, the queue's own default wait
    // (`WaitOptions::default`, the vendor SDK's 600 s), said out loud.
    const DEFAULT_WAIT_SECS: u64 = 600;
    match endpoint.queue {
        Some(hint) => {
            let seconds = hint.deadline_secs.unwrap_or(DEFAULT_WAIT_SECS);
            let seconds = proc_macro2::Literal::u64_unsuffixed(seconds);
            quote!(#[queued(#seconds)])
        }
        None => TokenStream::new(),
    }
}

/// `use crate::{...};` for the shared enums the endpoint's parameters use,
/// sorted; nothing when there are none.
fn shared_enum_imports(endpoint: &Endpoint) -> TokenStream {
    fn shared_enums<'a>(kind: &'a Kind, names: &mut Vec<&'a str>) {
        match kind {
            Kind::Enum {
                type_name,
                shared: true,
                ..
            } => names.push(type_name),
            Kind::List { items, .. } => shared_enums(items, names),
            Kind::Object(def) => {
                for field in &def.fields {
                    shared_enums(&field.kind, names);
                }
            }
            _ => {}
        }
    }
    let mut names: Vec<&str> = Vec::new();
    for param in &endpoint.params {
        shared_enums(&param.kind, &mut names);
    }
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
        (Returns::Video, _) => "the generated video".to_owned(),
        (Returns::Audio, _) => "the generated audio".to_owned(),
        (Returns::Text, _) => "text".to_owned(),
    };
    let rules = endpoint
        .constraints
        .iter()
        .map(|c| format!("\n- {}", c.sentence()))
        .collect::<String>();
    let rules = if rules.is_empty() {
        String::new()
    } else {
        format!("\n\nRules between parameters, checked by `validate()`:\n{rules}")
    };
    let queue = match endpoint.queue {
        Some(hint) => format!(
            "\n\nA long-running model: its page advises the queue, so `client.{}(request)` submits it to the queue and waits for the result{} (`client.send(&request)` calls the synchronous API instead).",
            endpoint.method,
            hint.deadline_secs
                .map(|secs| format!(", waiting up to {secs} s"))
                .unwrap_or_default()
        ),
        None => String::new(),
    };
    let doc = doc_attrs(&format!(
        "Request body for {} (`POST {}`), which returns {returns}.\n\n\
         {}{rules}{queue}\n\n\
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
        Returns::Video => "VideoResponse",
        Returns::Audio => "AudioResponse",
        Returns::Text => "TextResponse",
    });
    let method = ident(&endpoint.method);
    let title = escape_markdown(&endpoint.title);
    let new_args = constructor_arguments(&required);
    let rules = rules_attribute(endpoint);
    let queued = queued_attribute(endpoint);
    let derive_default = required.is_empty().then(|| quote!(#[derive(Default)]));
    let fields = endpoint.params.iter().map(field_declaration);
    quote! {
        crate::define_request! {
            #doc
            #[endpoint(#slug, #path, #output)]
            #[client(#method, #title)]
            #queued
            #rules
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
    let kind = kind_tokens(&param.kind);
    let stem = &param.const_stem;
    let constant = |suffix: &str| ident(&format!("{stem}{suffix}"));
    // Lists, objects and media other than images have no constant for
    // their default: the docs state it.
    let has_constant = matches!(
        param.kind,
        Kind::String
            | Kind::Boolean
            | Kind::Integer { .. }
            | Kind::Number { .. }
            | Kind::Enum { .. }
            | Kind::Media(MediaKind::Image)
    );
    let default = param
        .default
        .as_ref()
        .filter(|_| has_constant)
        .map(|value| {
            let name = ident(&format!("DEFAULT_{stem}"));
            let value = literal(value, &param.kind);
            quote!(#[default(#name = #value)])
        });
    let bounded = match &param.kind {
        Kind::List { items, .. } => items.as_ref(),
        kind => kind,
    };
    let (min, max, allowed) = match bounded {
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
    let (min_items, max_items) = match &param.kind {
        Kind::List {
            min_items,
            max_items,
            ..
        } => (*min_items, *max_items),
        _ => (None, None),
    };
    let min_items = min_items.map(|n| {
        let name = constant("_MIN_ITEMS");
        let n = Lit::usize_unsuffixed(n as usize);
        quote!(#[min_items(#name = #n)])
    });
    let max_items = max_items.map(|n| {
        let name = constant("_MAX_ITEMS");
        let n = Lit::usize_unsuffixed(n as usize);
        quote!(#[max_items(#name = #n)])
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
        #min_items
        #max_items
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
        // Never asked for: lists and objects get no default constant.
        Literal::List(_) | Literal::Object(_) => TokenStream::new(),
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
        Returns::Video => format!(
            "let video = client.{method}(request).await?;\n\
             video.save(\"out\")?; // out.mp4 (or .webm, ...): the extension follows the answer"
        ),
        Returns::Audio => format!(
            "let audio = client.{method}(request).await?;\n\
             audio.save(\"out\")?; // out.wav (or .mp3, ...): the extension follows the answer"
        ),
        Returns::Text => format!(
            "let answer = client.{method}(request).await?;\n\
             println!(\"{{}}\", answer.text());"
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
    example_value(&param.kind, example, names)
}

/// A value of `kind` as a Rust expression: the example when there is one.
fn example_value(
    kind: &Kind,
    example: Option<&Literal>,
    names: &mut Vec<String>,
) -> Option<String> {
    Some(match (kind, example) {
        (Kind::Media(media), Some(Literal::String(text))) => {
            let ty = media.input_type();
            names.push(ty.to_owned());
            // An example that is not a URL (a site-relative path) is sent
            // as it is, which has to be said.
            let how = if text.starts_with("https://") || text.starts_with("http://") {
                "url"
            } else {
                "verbatim"
            };
            format!("{ty}::{how}({text:?})")
        }
        (Kind::Media(media), None) => {
            let ty = media.input_type();
            names.push(ty.to_owned());
            let file = match media {
                MediaKind::Image => "input.png",
                MediaKind::Video => "input.mp4",
                MediaKind::Audio => "input.wav",
                MediaKind::File => "input.bin",
            };
            format!("{ty}::url(\"https://example.com/{file}\")")
        }
        (Kind::List { items, .. }, Some(Literal::List(values))) => {
            let values = values
                .iter()
                .map(|value| example_value(items, Some(value), names))
                .collect::<Option<Vec<_>>>()?;
            format!("[{}]", values.join(", "))
        }
        (
            Kind::List {
                items, min_items, ..
            },
            None,
        ) => {
            let one = example_value(items, None, names)?;
            let count = min_items.unwrap_or(1).max(1) as usize;
            format!("[{}]", vec![one; count].join(", "))
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
