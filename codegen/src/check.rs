//! Lowers the raw specs into the checked model, reporting every semantic
//! problem: bad ranges, defaults that break their own constraints, names
//! that collide once turned into Rust, references to missing enums.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use serde_yaml::Value;

use crate::diagnostic::{closest, Diagnostic};
use crate::model::{
    format_number, Constraint, ConstraintRule, Endpoint, EnumDef, Kind, Literal, MediaKind, Model,
    ObjectDef, Param, QueueHint, Variant,
};
use crate::naming;
use crate::spec::{
    self, describe, join, unquote_hint, ParamType, RawEndpoint, RawEnum, RawParam, RawQueue,
    RawSharedEnums, Returns,
};

/// A parsed endpoint spec with the file it came from.
pub struct RawEndpointFile {
    /// The spec's path as shown in messages.
    pub file: String,
    /// The file name without `.yaml`, which must equal the slug.
    pub stem: String,
    /// The parsed spec.
    pub spec: RawEndpoint,
}

/// Checks everything and builds the model. Problems go to `out`; the model
/// is only meaningful when `out` stayed empty.
///
/// `shared_broken` says that `enums.yaml` exists but could not be read as a
/// whole, so references to its enums are not reported again as unknown
/// (nor, in any case, references to entries that could not be read).
pub fn check(
    shared: Option<(String, RawSharedEnums)>,
    shared_broken: bool,
    endpoints: Vec<RawEndpointFile>,
    out: &mut Vec<Diagnostic>,
) -> Model {
    let shared_enums_file = shared.as_ref().map(|(file, _)| file.clone());
    let shared_enums: IndexMap<String, EnumDef> = match &shared {
        Some((file, raw)) => raw
            .enums
            .iter()
            .filter_map(|(name, raw)| {
                Some((name.clone(), check_shared_enum(file, name, raw, out)?))
            })
            .collect(),
        None => IndexMap::new(),
    };
    let reported = ReportedEnums {
        whole_file: shared_broken,
        names: shared
            .iter()
            .flat_map(|(_, raw)| raw.enums.keys().chain(&raw.unreadable))
            .filter(|name| !shared_enums.contains_key(*name))
            .cloned()
            .collect(),
    };
    let mut checked: Vec<Endpoint> = endpoints
        .iter()
        .filter_map(|raw| check_endpoint(raw, &shared_enums, &reported, out))
        .collect();
    checked.sort_by(|a, b| a.slug.cmp(&b.slug));
    check_global_names(shared_enums_file.as_deref(), &shared_enums, &checked, out);
    Model {
        shared_enums: shared_enums.into_values().collect(),
        endpoints: checked,
        shared_enums_file,
    }
}

/// Shared enums whose problems were reported in `enums.yaml` already (all of
/// them when the file could not be read), so that a reference to one is not
/// reported again as unknown.
struct ReportedEnums {
    whole_file: bool,
    names: BTreeSet<String>,
}

impl ReportedEnums {
    fn contains(&self, name: &str) -> bool {
        self.whole_file || self.names.contains(name)
    }
}

fn check_shared_enum(
    file: &str,
    name: &str,
    raw: &RawEnum,
    out: &mut Vec<Diagnostic>,
) -> Option<EnumDef> {
    let path = join("enums", name);
    let Some(type_name) = naming::camel(name) else {
        out.push(Diagnostic::new(
            file,
            &path,
            "an enum name needs at least one ASCII letter or digit",
        ));
        return None;
    };
    let variants = check_variants(file, &join(&path, "values"), &raw.values, out)?;
    Some(EnumDef {
        spec_name: name.to_owned(),
        type_name,
        description: raw.description.clone(),
        variants,
    })
}

/// Checks enum values: strings, non-empty, distinct, with distinct Rust names.
fn check_variants(
    file: &str,
    path: &str,
    values: &[Value],
    out: &mut Vec<Diagnostic>,
) -> Option<Vec<Variant>> {
    let before = out.len();
    if values.is_empty() {
        out.push(Diagnostic::new(
            file,
            path,
            "an enum needs at least one value",
        ));
    }
    let mut variants: Vec<Variant> = Vec::new();
    let mut by_ident: BTreeMap<String, String> = BTreeMap::new();
    for (index, value) in values.iter().enumerate() {
        let item = format!("{path}[{index}]");
        let Some((wire, name)) = spec::enum_value(file, &item, value, out) else {
            continue;
        };
        if wire.trim().is_empty() {
            out.push(Diagnostic::new(
                file,
                &item,
                "enum values must not be empty",
            ));
            continue;
        }
        if variants.iter().any(|v| v.wire == wire) {
            out.push(Diagnostic::new(
                file,
                &item,
                format!("duplicated enum value {wire:?}"),
            ));
            continue;
        }
        let named = name.is_some();
        let ident = match name {
            Some(name) if naming::is_type_name(&name) => name,
            Some(name) => {
                out.push(Diagnostic::new(
                    file,
                    join(&item, "name"),
                    format!(
                        "variant name {name:?} must be an UpperCamelCase Rust name: an ASCII capital letter, then ASCII letters and digits (not {})",
                        naming::RESERVED_VARIANT_NAMES.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" or ")
                    ),
                ));
                continue;
            }
            None => match naming::camel(&wire) {
                Some(ident) => ident,
                None => {
                    out.push(
                        Diagnostic::new(file, &item, format!("enum value {wire:?} needs at least one ASCII letter or digit to name it in Rust"))
                            .with_hint(Some(format!("give it a name: `- {{value: {wire:?}, name: ...}}`"))),
                    );
                    continue;
                }
            },
        };
        if let Some(other) = by_ident.get(&ident) {
            let diagnostic = if named {
                Diagnostic::new(
                    file,
                    join(&item, "name"),
                    format!("variant name `{ident}` is already the Rust variant of {other:?}; choose another"),
                )
            } else {
                Diagnostic::new(
                    file,
                    &item,
                    format!("enum values {other:?} and {wire:?} would both become the Rust variant `{ident}`"),
                )
                .with_hint(Some(format!(
                    "give one a Rust name of its own: `- {{value: {wire:?}, name: ...}}`"
                )))
            };
            out.push(diagnostic);
            continue;
        }
        by_ident.insert(ident.clone(), wire.clone());
        variants.push(Variant { wire, ident });
    }
    (out.len() == before).then_some(variants)
}

/// The most parameters one endpoint may have: 1,000 pass clippy with
/// warnings denied in seconds; 5,000 in one request type exhaust the
/// compiler's memory (measured for issue 16).
pub const MAX_PARAMS: usize = 1_000;

fn check_endpoint(
    raw: &RawEndpointFile,
    shared: &IndexMap<String, EnumDef>,
    reported: &ReportedEnums,
    out: &mut Vec<Diagnostic>,
) -> Option<Endpoint> {
    let file = raw.file.as_str();
    let spec = &raw.spec;
    let before = out.len();
    // An incomplete spec's empty slug or path was missing, which is reported
    // already; everything present is still checked.
    let slug_given = spec.complete || !spec.slug.is_empty();
    let path_given = spec.complete || !spec.path.is_empty();
    if slug_given && spec.slug != raw.stem {
        out.push(Diagnostic::new(
            file,
            "slug",
            format!(
                "slug {:?} must equal the file name {:?} (without .yaml)",
                spec.slug, raw.stem
            ),
        ));
    }
    if slug_given
        && (spec.slug.is_empty()
            || !spec
                .slug
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)))
    {
        out.push(Diagnostic::new(
            file,
            "slug",
            format!(
                "slug {:?} may only contain ASCII letters, digits, '.', '_' and '-'",
                spec.slug
            ),
        ));
    }
    if path_given {
        if let Some(problem) = path_problem(&spec.path) {
            out.push(Diagnostic::new(
                file,
                "path",
                format!(
                    "path {:?} {problem}; expected '/' followed by the endpoint's segments, \
                     relative to the versioned base URL (such as /{})",
                    spec.path, raw.stem
                ),
            ));
        }
    }
    // Names come from the slug, or from the file name while it is missing.
    let slug = if slug_given { &spec.slug } else { &raw.stem };
    let names = (
        naming::module(slug),
        naming::request_type(slug),
        naming::method(slug),
    );
    let (Some(module), Some(type_name), Some(method)) = names else {
        if slug_given {
            out.push(Diagnostic::new(
                file,
                "slug",
                "a slug needs at least one ASCII letter or digit",
            ));
        }
        return None;
    };

    if spec.params.len() > MAX_PARAMS {
        out.push(Diagnostic::new(
            file,
            "params",
            format!(
                "{} parameters; at most {MAX_PARAMS} are accepted per endpoint, the most the \
                 generated code is known to compile with (clippy runs out of memory on one \
                 request type of 5,000); split the endpoint or leave rarely used parameters to \
                 `RequestOptions::body_field`",
                spec.params.len()
            ),
        ));
    }
    let mut params = Vec::new();
    let mut local_enums = Vec::new();
    for (wire, param) in &spec.params {
        if let Some((param, local)) = check_param(file, slug, wire, param, shared, reported, out) {
            params.push(param);
            local_enums.extend(local);
        }
    }
    check_member_collisions(file, &params, out);
    check_renames(file, &params, out);
    let queue = spec
        .queue
        .as_ref()
        .and_then(|raw| check_queue(file, raw, out));
    let constraints = check_rules(file, spec, &params, out);
    let base64_switch = base64_switch(file, spec.returns, &params, out);
    (spec.complete && out.len() == before).then(|| Endpoint {
        source: file.to_owned(),
        slug: spec.slug.clone(),
        path: spec.path.clone(),
        title: spec.title.clone(),
        description: spec.description.clone(),
        returns: spec.returns,
        base64_switch,
        feature: naming::feature(&module),
        module,
        type_name,
        method,
        params,
        local_enums,
        queue,
        constraints,
    })
}

/// The longest deadline a queue hint may state: a day. Pages advise
/// minutes; a larger number is a typo for milliseconds.
const MAX_QUEUE_DEADLINE_SECS: u64 = 86_400;

fn check_queue(file: &str, raw: &RawQueue, out: &mut Vec<Diagnostic>) -> Option<QueueHint> {
    let Some(value) = &raw.deadline else {
        return Some(QueueHint {
            deadline_secs: None,
        });
    };
    match value
        .as_u64()
        .filter(|n| (1..=MAX_QUEUE_DEADLINE_SECS).contains(n))
    {
        Some(secs) => Some(QueueHint {
            deadline_secs: Some(secs),
        }),
        None => {
            out.push(
                Diagnostic::new(
                    file,
                    "queue.deadline",
                    format!(
                        "expected a whole number of seconds from 1 to {MAX_QUEUE_DEADLINE_SECS}, found {}",
                        describe(value)
                    ),
                )
                .with_hint(type_hint(value, false, true)),
            );
            None
        }
    }
}

/// Checks `constraints:` against the endpoint's parameters: every name
/// known and named once, enough names for the rule, and no rule that a
/// required parameter makes impossible or empty.
fn check_rules(
    file: &str,
    spec: &RawEndpoint,
    params: &[Param],
    out: &mut Vec<Diagnostic>,
) -> Vec<Constraint> {
    let mut checked = Vec::new();
    for raw in &spec.constraints {
        let before = out.len();
        let wanted = match raw.rule {
            ConstraintRule::Requires => {
                "exactly two parameters: the one sent, then the one it needs"
            }
            _ => "at least two parameters",
        };
        let count_ok = match raw.rule {
            ConstraintRule::Requires => raw.params.len() == 2,
            _ => raw.params.len() >= 2,
        };
        if !count_ok {
            out.push(Diagnostic::new(
                file,
                &raw.path,
                format!(
                    "names {} parameter(s); this rule takes {wanted}",
                    raw.params.len()
                ),
            ));
        }
        for (index, name) in raw.params.iter().enumerate() {
            let at = format!("{}[{index}]", raw.path);
            if raw.params[..index].contains(name) {
                out.push(Diagnostic::new(
                    file,
                    &at,
                    format!("`{name}` is named twice"),
                ));
                continue;
            }
            let Some(param) = params.iter().find(|p| &p.wire == name) else {
                if !spec.params.contains_key(name) {
                    // A parameter that failed its own checks is reported already.
                    let known = params.iter().map(|p| p.wire.as_str());
                    out.push(
                        Diagnostic::new(
                            file,
                            &at,
                            format!("`{name}` is not a parameter of this endpoint"),
                        )
                        .with_hint(closest(name, known).map(|k| format!("did you mean `{k}`?"))),
                    );
                }
                continue;
            };
            let problem = match raw.rule {
                ConstraintRule::Exclusive if param.required => Some(
                    "is required, so the others could never be sent; make it optional or drop the rule",
                ),
                ConstraintRule::AtLeastOne if param.required => {
                    Some("is required, so the rule always holds; drop it")
                }
                ConstraintRule::Requires if param.required && index == 0 => Some(
                    "is required, so what it needs is always needed: make that one required instead",
                ),
                ConstraintRule::Requires if param.required => {
                    Some("is required, so it is always sent; drop the rule")
                }
                _ => None,
            };
            if let Some(problem) = problem {
                out.push(Diagnostic::new(file, &at, format!("`{name}` {problem}")));
            }
        }
        if out.len() == before {
            checked.push(Constraint {
                rule: raw.rule,
                params: raw.params.clone(),
            });
        }
    }
    checked
}

/// The API switches an image endpoint's answer from raw bytes to base64 JSON
/// when the request's `base64` parameter is true; the client's decoding, the
/// mock and the OpenAPI document rely on that name, so on an image endpoint
/// a parameter of that name must be the boolean switch.
fn base64_switch(
    file: &str,
    returns: Returns,
    params: &[Param],
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    let param = params.iter().find(|p| p.wire == BASE64_SWITCH)?;
    if returns != Returns::Image {
        return None;
    }
    if param.kind != Kind::Boolean {
        out.push(Diagnostic::new(
            file,
            format!("params.{BASE64_SWITCH}.type"),
            format!(
                "on an image endpoint `{BASE64_SWITCH}` switches the answer to base64 JSON, \
                 so it must have type boolean"
            ),
        ));
        return None;
    }
    Some(param.wire.clone())
}

/// The wire name of the parameter that asks for base64 JSON.
pub const BASE64_SWITCH: &str = "base64";

/// Two parameters must not produce the same field or associated constant.
fn check_member_collisions(file: &str, params: &[Param], out: &mut Vec<Diagnostic>) {
    check_member_collisions_at(file, "params", params, out);
}

/// The same, for the parameters or fields under `parent`.
fn check_member_collisions_at(
    file: &str,
    parent: &str,
    params: &[Param],
    out: &mut Vec<Diagnostic>,
) {
    let mut owners: BTreeMap<String, &str> = BTreeMap::new();
    for param in params {
        let members = naming::param_members(&param.field);
        // One message per clashing pair is enough: name the first clash.
        let clash = members
            .iter()
            .find_map(|member| Some((member, *owners.get(member)?)));
        if let Some((member, other)) = clash {
            out.push(Diagnostic::new(
                file,
                join(parent, &param.wire),
                format!("parameters {other:?} and {:?} would both generate the Rust name `{member}`; rename one", param.wire),
            ));
            continue;
        }
        for member in members {
            owners.insert(member, &param.wire);
        }
    }
}

/// `renamed_from` names a wire name that is gone: not empty, not a current
/// parameter's (its own included), and claimed by one parameter only.
fn check_renames(file: &str, params: &[Param], out: &mut Vec<Diagnostic>) {
    let mut claimed: BTreeMap<&str, &str> = BTreeMap::new();
    for param in params {
        let Some(from) = param.renamed_from.as_deref() else {
            continue;
        };
        let path = join(&join("params", &param.wire), "renamed_from");
        let problem = if from.trim().is_empty() {
            Some("`renamed_from` must name the parameter's previous wire name".to_owned())
        } else if params.iter().any(|p| p.wire == from) {
            Some(format!(
                "`renamed_from: {from}` names a parameter this spec still has; it must be the old wire name, now gone"
            ))
        } else {
            claimed.insert(from, &param.wire).map(|other| {
                format!(
                    "parameters {other:?} and {:?} both say `renamed_from: {from}`; only one can be its new name",
                    param.wire
                )
            })
        };
        if let Some(problem) = problem {
            out.push(Diagnostic::new(file, path, problem));
        }
    }
}

/// Which keys a parameter of each type may not use: each belongs to other types.
fn forbidden_keys(ty: ParamType, raw: &RawParam) -> Vec<(&'static str, &'static str)> {
    let numeric = matches!(ty, ParamType::Integer | ParamType::Number);
    let mut keys = Vec::new();
    let mut forbid = |present: bool, key: &'static str, why: &'static str| {
        if present {
            keys.push((key, why));
        }
    };
    let numbers_only = if ty == ParamType::String {
        "applies only to numbers; for a fixed list of strings use `type: enum` with `values`"
    } else if ty == ParamType::List {
        "applies to a list's items: write it under `items`"
    } else {
        "applies only to integer and number parameters"
    };
    let enums_only = if ty == ParamType::List {
        "applies to a list's items: write it under `items`"
    } else {
        "applies only to `type: enum`"
    };
    forbid(!numeric && raw.min.is_some(), "min", numbers_only);
    forbid(!numeric && raw.max.is_some(), "max", numbers_only);
    forbid(!numeric && raw.allowed.is_some(), "allowed", numbers_only);
    forbid(
        ty != ParamType::Enum && raw.values.is_some(),
        "values",
        enums_only,
    );
    forbid(
        ty != ParamType::Enum && raw.enum_ref.is_some(),
        "enum",
        enums_only,
    );
    let lists_only = "applies only to `type: list`";
    forbid(
        ty != ParamType::List && raw.items.is_some(),
        "items",
        lists_only,
    );
    forbid(
        ty != ParamType::List && raw.min_items.is_some(),
        "min_items",
        lists_only,
    );
    forbid(
        ty != ParamType::List && raw.max_items.is_some(),
        "max_items",
        lists_only,
    );
    forbid(
        ty != ParamType::Object && raw.fields.is_some(),
        "fields",
        "applies only to `type: object`",
    );
    keys
}

/// What checking one endpoint's parameters needs to know besides the
/// parameter itself.
struct Scope<'a> {
    file: &'a str,
    slug: &'a str,
    shared: &'a IndexMap<String, EnumDef>,
    reported: &'a ReportedEnums,
}

impl Scope<'_> {
    /// The variants of the enum type `type_name`, shared or local.
    fn variants<'v>(&'v self, locals: &'v [EnumDef], type_name: &str) -> &'v [Variant] {
        self.shared
            .values()
            .chain(locals)
            .find(|def| def.type_name == type_name)
            .map_or(&[], |def| def.variants.as_slice())
    }
}

fn check_param(
    file: &str,
    slug: &str,
    wire: &str,
    raw: &RawParam,
    shared: &IndexMap<String, EnumDef>,
    reported: &ReportedEnums,
    out: &mut Vec<Diagnostic>,
) -> Option<(Param, Vec<EnumDef>)> {
    let scope = Scope {
        file,
        slug,
        shared,
        reported,
    };
    let mut locals = Vec::new();
    let param = check_member(
        &scope,
        &join("params", wire),
        wire,
        wire,
        raw,
        &mut locals,
        out,
    )?;
    Some((param, locals))
}

/// Checks a parameter or an object's field at `path`. `stem` names the
/// types it defines (`messages_role` for the field `role` of `messages`),
/// whose definitions go to `locals`.
fn check_member(
    scope: &Scope<'_>,
    path: &str,
    wire: &str,
    stem: &str,
    raw: &RawParam,
    locals: &mut Vec<EnumDef>,
    out: &mut Vec<Diagnostic>,
) -> Option<Param> {
    let file = scope.file;
    let before = out.len();
    let Some(field) = naming::field(wire) else {
        out.push(Diagnostic::new(
            file,
            path,
            "a parameter name needs at least one ASCII letter or digit",
        ));
        return None;
    };
    let kind = check_kind(scope, path, stem, raw, locals, out)?;
    if raw.required && raw.default.is_some() {
        out.push(Diagnostic::new(
            file,
            join(path, "default"),
            "a required parameter cannot have a default (the caller always sends it); drop `default` or make it optional",
        ));
    }
    let typed = |key: &str, value: &Value, out: &mut Vec<Diagnostic>| {
        literal(scope, locals, &join(path, key), key, value, &kind, out)
    };
    let default = raw
        .default
        .as_ref()
        .and_then(|value| typed("default", value, out));
    let example = raw
        .example
        .as_ref()
        .and_then(|value| typed("example", value, out));
    (out.len() == before).then(|| Param {
        wire: wire.to_owned(),
        const_stem: naming::shouty(&field),
        field,
        description: raw.description.clone(),
        required: raw.required,
        kind,
        default,
        example,
        renamed_from: raw.renamed_from.clone(),
    })
}

/// The kind of a parameter, list item or field, with its own constraints
/// checked.
fn check_kind(
    scope: &Scope<'_>,
    path: &str,
    stem: &str,
    raw: &RawParam,
    locals: &mut Vec<EnumDef>,
    out: &mut Vec<Diagnostic>,
) -> Option<Kind> {
    let file = scope.file;
    for (key, why) in forbidden_keys(raw.ty, raw) {
        out.push(Diagnostic::new(
            file,
            join(path, key),
            format!("`{key}` {why}"),
        ));
    }
    let kind = match raw.ty {
        ParamType::String => Kind::String,
        ParamType::Image => Kind::Media(MediaKind::Image),
        ParamType::Video => Kind::Media(MediaKind::Video),
        ParamType::Audio => Kind::Media(MediaKind::Audio),
        ParamType::File => Kind::Media(MediaKind::File),
        ParamType::Boolean => Kind::Boolean,
        ParamType::Integer => {
            let bound = |key: &str, value: &Option<Value>, out: &mut Vec<Diagnostic>| {
                value
                    .as_ref()
                    .and_then(|v| integer(file, &join(path, key), v, out))
            };
            let min = bound("min", &raw.min, out);
            let max = bound("max", &raw.max, out);
            let allowed = raw.allowed.as_ref().map(|list| {
                list.iter()
                    .enumerate()
                    .filter_map(|(i, v)| integer(file, &format!("{path}.allowed[{i}]"), v, out))
                    .collect::<Vec<_>>()
            });
            Kind::Integer { min, max, allowed }
        }
        ParamType::Number => {
            let bound = |key: &str, value: &Option<Value>, out: &mut Vec<Diagnostic>| {
                value
                    .as_ref()
                    .and_then(|v| number(file, &join(path, key), v, out))
            };
            let min = bound("min", &raw.min, out);
            let max = bound("max", &raw.max, out);
            let allowed = raw.allowed.as_ref().map(|list| {
                list.iter()
                    .enumerate()
                    .filter_map(|(i, v)| number(file, &format!("{path}.allowed[{i}]"), v, out))
                    .collect::<Vec<_>>()
            });
            Kind::Number { min, max, allowed }
        }
        ParamType::Enum => check_enum_kind(scope, path, stem, raw, locals, out)?,
        ParamType::List => check_list_kind(scope, path, stem, raw, locals, out)?,
        ParamType::Object => check_object_kind(scope, path, stem, raw, locals, out)?,
    };
    check_constraints(file, path, &kind, out);
    // Even with a bad bound the kind is returned, so that the default and
    // example are still checked in the same run; the member is refused.
    Some(kind)
}

fn check_enum_kind(
    scope: &Scope<'_>,
    path: &str,
    stem: &str,
    raw: &RawParam,
    locals: &mut Vec<EnumDef>,
    out: &mut Vec<Diagnostic>,
) -> Option<Kind> {
    let file = scope.file;
    match (&raw.values, &raw.enum_ref) {
        (Some(values), None) => {
            let Some(type_name) = naming::local_enum(scope.slug, stem) else {
                out.push(Diagnostic::new(
                    file,
                    path,
                    "a parameter name needs at least one ASCII letter or digit",
                ));
                return None;
            };
            let variants = check_variants(file, &join(path, "values"), values, out)?;
            let wire_values = variants.iter().map(|v| v.wire.clone()).collect();
            locals.push(EnumDef {
                spec_name: stem.to_owned(),
                type_name: type_name.clone(),
                description: raw.description.clone(),
                variants,
            });
            Some(Kind::Enum {
                type_name,
                shared: false,
                wire_values,
            })
        }
        (None, Some(name)) => match scope.shared.get(name) {
            Some(def) => Some(Kind::Enum {
                type_name: def.type_name.clone(),
                shared: true,
                wire_values: def.variants.iter().map(|v| v.wire.clone()).collect(),
            }),
            None if scope.reported.contains(name) => None,
            None => {
                let known: Vec<&str> = scope.shared.keys().map(String::as_str).collect();
                let expected = if known.is_empty() {
                    "no shared enums are defined in spec/enums.yaml".to_owned()
                } else {
                    format!(
                        "expected one of the enums in spec/enums.yaml: {}",
                        known.join(", ")
                    )
                };
                out.push(
                    Diagnostic::new(
                        file,
                        join(path, "enum"),
                        format!("unknown shared enum `{name}`; {expected}"),
                    )
                    .with_hint(closest(name, known).map(|k| format!("did you mean `{k}`?"))),
                );
                None
            }
        },
        (Some(_), Some(_)) => {
            out.push(Diagnostic::new(
                file,
                path,
                "an enum takes either inline `values` or a shared `enum` name, not both",
            ));
            None
        }
        (None, None) => {
            out.push(Diagnostic::new(
                file,
                path,
                "`type: enum` needs its `values` listed, or `enum:` naming a shared enum in spec/enums.yaml",
            ));
            None
        }
    }
}

/// The most items a list bound may state: far above any page's, and small
/// enough that the bound fits every integer type a caller might compare it with.
const MAX_LIST_BOUND: u64 = 100_000;

fn check_list_kind(
    scope: &Scope<'_>,
    path: &str,
    stem: &str,
    raw: &RawParam,
    locals: &mut Vec<EnumDef>,
    out: &mut Vec<Diagnostic>,
) -> Option<Kind> {
    let file = scope.file;
    let Some(items) = &raw.items else {
        out.push(
            Diagnostic::new(
                file,
                path,
                "`type: list` needs `items`, the type of each item",
            )
            .with_hint(Some("for a list of image URLs: `items: image`".to_owned())),
        );
        return None;
    };
    let items_path = join(path, "items");
    if items.ty == ParamType::List {
        out.push(Diagnostic::new(
            file,
            join(&items_path, "type"),
            "a list's items cannot be lists themselves; describe the inner list as an object's field",
        ));
        return None;
    }
    let item = check_kind(scope, &items_path, stem, items, locals, out);
    let bound = |key: &str, value: &Option<Value>, out: &mut Vec<Diagnostic>| {
        let value = value.as_ref()?;
        let found = value.as_u64().filter(|n| *n <= MAX_LIST_BOUND);
        if found.is_none() {
            out.push(
                Diagnostic::new(
                    file,
                    join(path, key),
                    format!(
                        "expected a count of items from 0 to {MAX_LIST_BOUND}, found {}",
                        describe(value)
                    ),
                )
                .with_hint(type_hint(value, false, true)),
            );
        }
        found
    };
    let min_items = bound("min_items", &raw.min_items, out);
    let max_items = bound("max_items", &raw.max_items, out);
    if let (Some(lo), Some(hi)) = (min_items, max_items) {
        if lo > hi {
            out.push(Diagnostic::new(
                file,
                join(path, "min_items"),
                format!("min_items {lo} is greater than max_items {hi}"),
            ));
        }
    }
    if max_items == Some(0) {
        out.push(Diagnostic::new(
            file,
            join(path, "max_items"),
            "max_items 0 would refuse every list; leave the parameter out of the spec instead",
        ));
    }
    Some(Kind::List {
        items: Box::new(item?),
        min_items,
        max_items,
    })
}

fn check_object_kind(
    scope: &Scope<'_>,
    path: &str,
    stem: &str,
    raw: &RawParam,
    locals: &mut Vec<EnumDef>,
    out: &mut Vec<Diagnostic>,
) -> Option<Kind> {
    let file = scope.file;
    let fields = match &raw.fields {
        Some(fields) if !fields.is_empty() => fields,
        _ => {
            out.push(Diagnostic::new(
                file,
                path,
                "`type: object` needs `fields`, a mapping from each field's wire name to its spec",
            ));
            return None;
        }
    };
    let Some(type_name) = naming::local_enum(scope.slug, stem) else {
        out.push(Diagnostic::new(
            file,
            path,
            "a parameter name needs at least one ASCII letter or digit",
        ));
        return None;
    };
    let before = out.len();
    let mut members = Vec::new();
    for (wire, field) in fields {
        let field_path = join(&join(path, "fields"), wire);
        let field_stem = format!("{stem}_{wire}");
        if let Some(member) =
            check_member(scope, &field_path, wire, &field_stem, field, locals, out)
        {
            members.push(member);
        }
    }
    check_member_collisions_at(file, &join(path, "fields"), &members, out);
    (out.len() == before).then(|| {
        Kind::Object(Box::new(ObjectDef {
            type_name,
            spec_path: path.to_owned(),
            fields: members,
        }))
    })
}

/// Why a request path cannot be joined to the versioned base URL as it
/// stands, if it cannot: it must stay below that URL (no `.` or `..`
/// segments, no empty segment that a `//` would make) and be a path alone
/// (no query or fragment).
fn path_problem(path: &str) -> Option<&'static str> {
    let Some(rest) = path.strip_prefix('/') else {
        return Some("must start with '/'");
    };
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("contains a space or control character");
    }
    if path.contains(['?', '#']) {
        return Some("contains '?' or '#', which would start a query or fragment");
    }
    if path.contains("//") {
        return Some("has an empty segment ('//')");
    }
    // URL parsers read `%2e` as a dot in a path segment, so it counts as one.
    let dot_segment = |segment: &str| {
        matches!(
            segment.to_ascii_lowercase().replace("%2e", ".").as_str(),
            "." | ".."
        )
    };
    rest.split('/')
        .any(dot_segment)
        .then_some("has a '.' or '..' segment, which would climb out of the base URL")
}

fn integer(file: &str, path: &str, value: &Value, out: &mut Vec<Diagnostic>) -> Option<i64> {
    let found = value.as_i64();
    if found.is_none() {
        out.push(
            Diagnostic::new(
                file,
                path,
                format!(
                    "expected a whole number that fits in 64 bits, found {}",
                    describe(value)
                ),
            )
            .with_hint(type_hint(value, false, true)),
        );
    }
    found
}

fn number(file: &str, path: &str, value: &Value, out: &mut Vec<Diagnostic>) -> Option<f64> {
    let found = value.as_f64().filter(|n| n.is_finite());
    if found.is_none() {
        out.push(
            Diagnostic::new(
                file,
                path,
                format!("expected a finite number, found {}", describe(value)),
            )
            .with_hint(type_hint(value, false, false)),
        );
    }
    found
}

/// How to fix a value of the wrong type, where that is plain: quotes to
/// drop or add, or a fraction to drop from a whole number.
fn type_hint(value: &Value, wants_string: bool, wants_integer: bool) -> Option<String> {
    match value {
        Value::Number(_) | Value::Bool(_) if wants_string => Some(format!(
            "quote it: \"{}\"",
            serde_yaml::to_string(value).ok()?.trim()
        )),
        Value::Number(n) if wants_integer => {
            let whole = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e15)?;
            Some(format!("write {whole:.0}"))
        }
        _ => unquote_hint(value),
    }
}

fn check_constraints(file: &str, path: &str, kind: &Kind, out: &mut Vec<Diagnostic>) {
    let (min, max, allowed) = match kind {
        Kind::Integer { min, max, allowed } => (
            min.map(|n| n as f64),
            max.map(|n| n as f64),
            allowed
                .as_ref()
                .map(|list| list.iter().map(|n| *n as f64).collect::<Vec<_>>()),
        ),
        Kind::Number { min, max, allowed } => (*min, *max, allowed.clone()),
        _ => return,
    };
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            out.push(Diagnostic::new(
                file,
                join(path, "min"),
                format!(
                    "min {} is greater than max {}",
                    format_number(lo),
                    format_number(hi)
                ),
            ));
        }
    }
    if let Some(list) = allowed {
        if list.is_empty() {
            out.push(Diagnostic::new(
                file,
                join(path, "allowed"),
                "`allowed` must list at least one value",
            ));
        }
        for (index, value) in list.iter().enumerate() {
            if list[..index].contains(value) {
                out.push(Diagnostic::new(
                    file,
                    format!("{path}.allowed[{index}]"),
                    format!("duplicated allowed value {}", format_number(*value)),
                ));
            } else if min.is_some_and(|lo| *value < lo) || max.is_some_and(|hi| *value > hi) {
                out.push(Diagnostic::new(
                    file,
                    format!("{path}.allowed[{index}]"),
                    format!(
                        "allowed value {} is outside the range {}",
                        format_number(*value),
                        range_text(min, max)
                    ),
                ));
            }
        }
    }
}

fn range_text(min: Option<f64>, max: Option<f64>) -> String {
    let side = |v: Option<f64>| v.map(format_number).unwrap_or_default();
    format!("{}..={}", side(min), side(max))
}

/// Types a default or example against its parameter and checks it against
/// the parameter's own range, allowed values or enum values.
fn literal(
    scope: &Scope<'_>,
    locals: &[EnumDef],
    path: &str,
    what: &str,
    value: &Value,
    kind: &Kind,
    out: &mut Vec<Diagnostic>,
) -> Option<Literal> {
    let file = scope.file;
    let mismatch = |expected: &str| {
        Diagnostic::new(
            file,
            path,
            format!("expected {expected}, found {}", describe(value)),
        )
        .with_hint(type_hint(
            value,
            matches!(kind, Kind::String | Kind::Media(_)),
            matches!(kind, Kind::Integer { .. }),
        ))
    };
    match kind {
        Kind::String | Kind::Media(_) => match value {
            Value::String(text) => Some(Literal::String(text.clone())),
            _ => {
                out.push(mismatch("a string"));
                None
            }
        },
        Kind::Boolean => match value {
            Value::Bool(b) => Some(Literal::Boolean(*b)),
            _ => {
                out.push(mismatch("true or false"));
                None
            }
        },
        Kind::Integer { min, max, allowed } => {
            let Some(n) = value.as_i64() else {
                out.push(mismatch("a whole number"));
                return None;
            };
            let outside = min.is_some_and(|lo| n < lo) || max.is_some_and(|hi| n > hi);
            if outside {
                let range = range_text(min.map(|v| v as f64), max.map(|v| v as f64));
                out.push(Diagnostic::new(
                    file,
                    path,
                    format!("{what} {n} is outside the range {range}"),
                ));
            }
            if let Some(list) = allowed.as_ref().filter(|list| !list.contains(&n)) {
                let list: Vec<String> = list.iter().map(ToString::to_string).collect();
                out.push(Diagnostic::new(
                    file,
                    path,
                    format!(
                        "{what} {n} is not one of the allowed values {}",
                        list.join(", ")
                    ),
                ));
            }
            Some(Literal::Integer(n))
        }
        Kind::Number { min, max, allowed } => {
            let Some(n) = value.as_f64().filter(|n| n.is_finite()) else {
                out.push(mismatch("a number"));
                return None;
            };
            if min.is_some_and(|lo| n < lo) || max.is_some_and(|hi| n > hi) {
                out.push(Diagnostic::new(
                    file,
                    path,
                    format!(
                        "{what} {} is outside the range {}",
                        format_number(n),
                        range_text(*min, *max)
                    ),
                ));
            }
            if let Some(list) = allowed.as_ref().filter(|list| !list.contains(&n)) {
                let list: Vec<String> = list.iter().map(|v| format_number(*v)).collect();
                out.push(Diagnostic::new(
                    file,
                    path,
                    format!(
                        "{what} {} is not one of the allowed values {}",
                        format_number(n),
                        list.join(", ")
                    ),
                ));
            }
            Some(Literal::Number(n))
        }
        Kind::List {
            items,
            min_items,
            max_items,
        } => {
            let Value::Sequence(values) = value else {
                out.push(mismatch("a list"));
                return None;
            };
            let count = values.len() as u64;
            if min_items.is_some_and(|lo| count < lo) || max_items.is_some_and(|hi| count > hi) {
                let side = |v: &Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
                out.push(Diagnostic::new(
                    file,
                    path,
                    format!(
                        "{what} has {count} items, outside the length range {}..={}",
                        side(min_items),
                        side(max_items)
                    ),
                ));
            }
            let before = out.len();
            let items: Vec<Literal> = values
                .iter()
                .enumerate()
                .filter_map(|(index, item)| {
                    let at = format!("{path}[{index}]");
                    literal(scope, locals, &at, what, item, items, out)
                })
                .collect();
            (out.len() == before).then_some(Literal::List(items))
        }
        Kind::Object(def) => {
            let Value::Mapping(map) = value else {
                out.push(mismatch("a mapping of the object's fields"));
                return None;
            };
            let before = out.len();
            for key in map.keys() {
                let known = key
                    .as_str()
                    .is_some_and(|name| def.fields.iter().any(|f| f.wire == name));
                if !known {
                    let names: Vec<&str> = def.fields.iter().map(|f| f.wire.as_str()).collect();
                    out.push(Diagnostic::new(
                        file,
                        path,
                        format!(
                            "{what} has the field {}, which the object does not; expected {}",
                            describe(key),
                            names.join(", ")
                        ),
                    ));
                }
            }
            let mut fields = Vec::new();
            for field in &def.fields {
                let at = join(path, &field.wire);
                match map.get(field.wire.as_str()) {
                    Some(item) => {
                        if let Some(typed) =
                            literal(scope, locals, &at, what, item, &field.kind, out)
                        {
                            fields.push((field.wire.clone(), typed));
                        }
                    }
                    None if field.required => out.push(Diagnostic::new(
                        file,
                        path,
                        format!("{what} lacks the required field `{}`", field.wire),
                    )),
                    None => {}
                }
            }
            (out.len() == before).then_some(Literal::Object(fields))
        }
        Kind::Enum { type_name, .. } => {
            let variants = scope.variants(locals, type_name);
            let Value::String(text) = value else {
                out.push(mismatch("one of the enum's values, as a string"));
                return None;
            };
            match variants.iter().find(|v| &v.wire == text) {
                Some(variant) => Some(Literal::Variant {
                    type_name: type_name.clone(),
                    ident: variant.ident.clone(),
                    wire: variant.wire.clone(),
                }),
                None => {
                    let wires: Vec<&str> = variants.iter().map(|v| v.wire.as_str()).collect();
                    let quoted: Vec<String> = wires.iter().map(|w| format!("{w:?}")).collect();
                    out.push(
                        Diagnostic::new(
                            file,
                            path,
                            format!(
                                "{what} {text:?} is not one of the enum's values: {}",
                                quoted.join(", ")
                            ),
                        )
                        .with_hint(closest(text, wires).map(|w| format!("did you mean {w:?}?"))),
                    );
                    None
                }
            }
        }
    }
}

/// Type, module and method names must be unique across the whole crate,
/// because everything is re-exported from its root.
fn check_global_names(
    shared_file: Option<&str>,
    shared: &IndexMap<String, EnumDef>,
    endpoints: &[Endpoint],
    out: &mut Vec<Diagnostic>,
) {
    // The crate root already exports these hand-written items; a generated
    // type of the same name would be shadowed by them.
    let mut types: BTreeMap<String, (String, String)> = naming::RESERVED_TYPES
        .iter()
        .map(|name| {
            (
                name.to_string(),
                (
                    "the segmind runtime".to_owned(),
                    "a hand-written type".to_owned(),
                ),
            )
        })
        .collect();
    let mut claim = |name: &str, file: &str, path: String, out: &mut Vec<Diagnostic>| {
        match types.get(name) {
        Some((other_file, other_path)) => out.push(Diagnostic::new(
            file,
            &path,
            format!("generates the Rust type `{name}`, which {other_file} ({other_path}) also generates; rename one"),
        )),
        None => {
            types.insert(name.to_owned(), (file.to_owned(), path));
        }
    }
    };
    if let Some(file) = shared_file {
        for (name, def) in shared {
            claim(&def.type_name, file, join("enums", name), out);
        }
    }
    for endpoint in endpoints {
        claim(
            &endpoint.type_name,
            &endpoint.source,
            "slug".to_owned(),
            out,
        );
        for def in &endpoint.local_enums {
            claim(
                &def.type_name,
                &endpoint.source,
                join("params", &def.spec_name),
                out,
            );
        }
        for def in endpoint.objects() {
            claim(&def.type_name, &endpoint.source, def.spec_path.clone(), out);
        }
    }
    let mut modules: BTreeMap<&str, &str> = BTreeMap::new();
    let mut methods: BTreeMap<&str, &str> = BTreeMap::new();
    for endpoint in endpoints {
        if let Some(other) = modules.insert(&endpoint.module, &endpoint.source) {
            out.push(Diagnostic::new(
                &endpoint.source,
                "slug",
                format!(
                    "slug {:?} generates the module `{}`, as {other} does; rename one",
                    endpoint.slug, endpoint.module
                ),
            ));
        } else if let Some(other) = methods.insert(&endpoint.method, &endpoint.source) {
            out.push(Diagnostic::new(
                &endpoint.source,
                "slug",
                format!(
                    "slug {:?} generates the client method `{}`, as {other} does; rename one",
                    endpoint.slug, endpoint.method
                ),
            ));
        }
    }
}
