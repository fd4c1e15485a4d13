//! `generated/cli.rs`: what the `segmind` command-line tool (cargo feature
//! `cli`) builds one subcommand per endpoint from. Each endpoint is a row
//! of plain data (slug, title, description, and per parameter its wire
//! name, help, kind, bounds, allowed values and default) plus the function
//! that reads a JSON body into the endpoint's request type, so a new spec
//! gets a subcommand without hand-written code. The rows are read by the
//! hand-written `cli::table` module, which defines their types.

use proc_macro2::{Literal as Lit, TokenStream};
use quote::{format_ident, quote};

use crate::model::{format_number, Endpoint, Kind, Literal, Model, Param};

/// The whole file.
pub fn cli_table(model: &Model) -> TokenStream {
    let rows = model.endpoints.iter().map(endpoint_row);
    let tasks = crate::model::Task::ALL.iter().map(|task| task.heading());
    quote! {
        #![doc = " One row per endpoint for the `segmind` command-line tool, in slug order."]
        // The spec's numbers are the vendor's: a bound of 3.14 is not a
        // mistyped `PI`.
        #![allow(clippy::approx_constant)]
        // Unused when no endpoint is compiled in.
        #[allow(unused_imports)]
        use crate::cli::table::{EndpointRow, Kind, Param};
        /// Every endpoint compiled in, sorted by slug.
        pub(crate) const COMMANDS: &[EndpointRow] = &[#(#rows)*];
        /// What the models do, in the order `segmind models` groups them.
        pub(crate) const TASKS: &[&str] = &[#(#tasks),*];
    }
}

fn endpoint_row(endpoint: &Endpoint) -> TokenStream {
    let feature = &endpoint.feature;
    let slug = &endpoint.slug;
    let title = &endpoint.title;
    let description = &endpoint.description;
    let source = &endpoint.source;
    let returns = endpoint.returns.name();
    let task = endpoint.task().heading();
    let queued = endpoint.queue.is_some();
    let deadline = match endpoint.queue.and_then(|hint| hint.deadline_secs) {
        Some(secs) => {
            let secs = Lit::u64_unsuffixed(secs);
            quote!(Some(#secs))
        }
        None => quote!(None),
    };
    let rules = endpoint.constraints.iter().map(|c| c.sentence());
    let ty = format_ident!("{}", endpoint.type_name);
    let params = endpoint.params.iter().map(param_row);
    quote! {
        #[cfg(feature = #feature)]
        EndpointRow {
            slug: #slug,
            title: #title,
            description: #description,
            source: #source,
            returns: #returns,
            task: #task,
            queued: #queued,
            queue_deadline_secs: #deadline,
            rules: &[#(#rules),*],
            params: &[#(#params)*],
            request: crate::cli::table::request::<crate::#ty>,
        },
    }
}

fn param_row(param: &Param) -> TokenStream {
    let wire = &param.wire;
    let description = &param.description;
    let required = param.required;
    let kind = kind_row(&param.kind);
    let default = match &param.default {
        Some(value) => {
            let text = default_text(value);
            quote!(Some(#text))
        }
        None => quote!(None),
    };
    quote! {
        Param {
            wire: #wire,
            description: #description,
            required: #required,
            kind: #kind,
            default: #default,
        },
    }
}

fn kind_row(kind: &Kind) -> TokenStream {
    fn option<T>(value: Option<T>, lit: impl Fn(T) -> Lit) -> TokenStream {
        match value {
            Some(value) => {
                let value = lit(value);
                quote!(Some(#value))
            }
            None => quote!(None),
        }
    }
    match kind {
        Kind::String => quote!(Kind::String),
        Kind::Media(media) => {
            let name = media.name();
            quote!(Kind::Media(#name))
        }
        Kind::Boolean => quote!(Kind::Boolean),
        Kind::Integer { min, max, allowed } => {
            let min = option(*min, Lit::i64_unsuffixed);
            let max = option(*max, Lit::i64_unsuffixed);
            let allowed = allowed.iter().flatten().map(|n| Lit::i64_unsuffixed(*n));
            quote!(Kind::Integer { min: #min, max: #max, allowed: &[#(#allowed),*] })
        }
        Kind::Number { min, max, allowed } => {
            let min = option(*min, Lit::f64_unsuffixed);
            let max = option(*max, Lit::f64_unsuffixed);
            let allowed = allowed.iter().flatten().map(|n| Lit::f64_unsuffixed(*n));
            quote!(Kind::Number { min: #min, max: #max, allowed: &[#(#allowed),*] })
        }
        Kind::Enum { wire_values, .. } => quote!(Kind::Enum(&[#(#wire_values),*])),
        Kind::List {
            items,
            min_items,
            max_items,
        } => {
            let item = kind_row(items);
            let min = option(*min_items, Lit::u64_unsuffixed);
            let max = option(*max_items, Lit::u64_unsuffixed);
            quote!(Kind::List { item: &#item, min_items: #min, max_items: #max })
        }
        Kind::Object(_) => quote!(Kind::Object),
    }
}

/// A default as it is typed on a command line: text without quotes.
fn default_text(value: &Literal) -> String {
    match value {
        Literal::String(text) => text.clone(),
        Literal::Integer(n) => n.to_string(),
        Literal::Number(n) => format_number(*n),
        Literal::Boolean(b) => b.to_string(),
        Literal::Variant { wire, .. } => wire.clone(),
        // Lists and objects are typed as JSON on a command line.
        Literal::List(_) | Literal::Object(_) => value.to_json().to_string(),
    }
}
