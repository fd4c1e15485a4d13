//! What an edit of the specs does to each kind of user: two checked models
//! in, one [`Change`] per difference out, each with a verdict for the Rust
//! crate, for callers over HTTP (and the OpenAPI document) and for the CLI.
//!
//! Pure: no files, no git. `cargo xtask diff` loads the models. Each rule
//! is one small function over an endpoint pair or a parameter pair, listed
//! in `ENDPOINT_RULES` and `PARAM_RULES`; a new kind of fact in the
//! format gets one more function there. The rule table is written out in
//! `spec/README.md`.

use crate::model::{Constraint, ConstraintRule, Endpoint, EnumDef, Kind, Literal, Model, Param};

/// What a change does to one kind of user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// What worked still works and does the same.
    Compatible,
    /// What worked still works, but may now do something else (a default
    /// the server applies changed): not breaking, but worth a changelog line.
    Behaviour,
    /// Something that worked no longer compiles, validates or parses.
    Breaking,
}

impl Impact {
    /// The word used in JSON and in the human listing.
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Compatible => "compatible",
            Impact::Behaviour => "behaviour",
            Impact::Breaking => "breaking",
        }
    }
}

/// The verdicts for the three kinds of user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdicts {
    /// Code using the `segmind` crate: will it compile and do the same?
    pub rust: Impact,
    /// A JSON body sent over HTTP, checked against the OpenAPI document:
    /// will it still be accepted?
    pub http: Impact,
    /// A `segmind` command line: will it still work?
    pub cli: Impact,
}

impl Verdicts {
    /// The same verdict for everyone.
    pub const fn all(impact: Impact) -> Self {
        Self {
            rust: impact,
            http: impact,
            cli: impact,
        }
    }

    /// Breaks the Rust crate only.
    pub const fn rust_only(impact: Impact, others: Impact) -> Self {
        Self {
            rust: impact,
            http: others,
            cli: others,
        }
    }

    /// The worst of the three.
    pub fn worst(&self) -> Impact {
        self.rust.max(self.http).max(self.cli)
    }
}

/// Which keep-a-changelog section a change belongs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// An endpoint, parameter, value or default appeared.
    Added,
    /// Something that existed now behaves or is typed differently.
    Changed,
    /// An endpoint, parameter, value or default is gone.
    Removed,
}

impl Section {
    /// The heading keep-a-changelog uses.
    pub fn heading(self) -> &'static str {
        match self {
            Section::Added => "Added",
            Section::Changed => "Changed",
            Section::Removed => "Removed",
        }
    }
}

/// One difference between two models.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The endpoint's slug.
    pub endpoint: String,
    /// The parameter's wire name (the new one after a rename); `None` for
    /// an endpoint-level change.
    pub param: Option<String>,
    /// The rule that found it (`param-removed`), as listed in spec/README.md.
    pub rule: &'static str,
    /// What changed, as a sentence.
    pub change: String,
    /// What it does to each kind of user.
    pub verdicts: Verdicts,
    /// Where it goes in the changelog.
    pub section: Section,
}

impl Change {
    /// Whether any kind of user breaks.
    pub fn breaking(&self) -> bool {
        self.verdicts.worst() == Impact::Breaking
    }

    /// The change as the JSON object `cargo xtask diff --json` prints.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "endpoint": self.endpoint,
            "param": self.param,
            "rule": self.rule,
            "change": self.change,
            "breaking": self.breaking(),
            "rust": self.verdicts.rust.as_str(),
            "http": self.verdicts.http.as_str(),
            "cli": self.verdicts.cli.as_str(),
            "section": self.section.heading(),
        })
    }
}

/// What a rule reports before the endpoint and parameter are filled in.
struct Finding {
    rule: &'static str,
    change: String,
    verdicts: Verdicts,
    section: Section,
}

fn finding(rule: &'static str, section: Section, verdicts: Verdicts, change: String) -> Finding {
    Finding {
        rule,
        change,
        verdicts,
        section,
    }
}

/// The two models a rule may look into (for the enums a parameter names).
#[derive(Clone, Copy)]
struct Sides<'a> {
    old: &'a Model,
    new: &'a Model,
}

/// A rule over an endpoint present on both sides.
type EndpointRule = fn(&Endpoint, &Endpoint) -> Vec<Finding>;
/// A rule over a parameter present on both sides (matched by wire name, or
/// by the new one's `renamed_from`).
type ParamRule = fn(Sides<'_>, &Param, &Param) -> Vec<Finding>;

/// Every endpoint-level rule, in the order their findings are listed.
const ENDPOINT_RULES: &[EndpointRule] = &[
    returns_changed,
    path_changed,
    constraints_changed,
    queue_changed,
];

/// Every parameter-level rule, in the order their findings are listed.
const PARAM_RULES: &[ParamRule] = &[
    param_renamed,
    type_changed,
    requiredness_changed,
    default_changed,
    bounds_changed,
    list_length_changed,
    allowed_changed,
    enum_values_changed,
    enum_type_renamed,
];

/// Every change from `old` to `new`, endpoint by endpoint (in slug order),
/// breaking or not; sort with [`breaking_first`] to list the worst first.
pub fn diff(old: &Model, new: &Model) -> Vec<Change> {
    let sides = Sides { old, new };
    let mut changes = Vec::new();
    let mut slugs: Vec<&str> = old
        .endpoints
        .iter()
        .chain(&new.endpoints)
        .map(|e| e.slug.as_str())
        .collect();
    slugs.sort_unstable();
    slugs.dedup();
    for slug in slugs {
        let before = old.endpoints.iter().find(|e| e.slug == slug);
        let after = new.endpoints.iter().find(|e| e.slug == slug);
        match (before, after) {
            (Some(before), Some(after)) => endpoint_changes(sides, before, after, &mut changes),
            (Some(before), None) => changes.push(endpoint_removed(before)),
            (None, Some(after)) => changes.push(endpoint_added(after)),
            (None, None) => {}
        }
    }
    changes
}

/// Breaking changes first, then behaviour changes, then the rest; the
/// order within each group is kept.
pub fn breaking_first(changes: &mut [Change]) {
    changes.sort_by_key(|c| std::cmp::Reverse(c.verdicts.worst()));
}

fn endpoint_added(endpoint: &Endpoint) -> Change {
    Change {
        endpoint: endpoint.slug.clone(),
        param: None,
        rule: "endpoint-added",
        change: format!(
            "new endpoint `{}` ({}, `{}`)",
            endpoint.slug, endpoint.title, endpoint.type_name
        ),
        verdicts: Verdicts::all(Impact::Compatible),
        section: Section::Added,
    }
}

fn endpoint_removed(endpoint: &Endpoint) -> Change {
    Change {
        endpoint: endpoint.slug.clone(),
        param: None,
        rule: "endpoint-removed",
        change: format!(
            "endpoint `{}` removed (with `{}` and the `{}` subcommand)",
            endpoint.slug, endpoint.type_name, endpoint.slug
        ),
        verdicts: Verdicts::all(Impact::Breaking),
        section: Section::Removed,
    }
}

fn endpoint_changes(sides: Sides<'_>, old: &Endpoint, new: &Endpoint, out: &mut Vec<Change>) {
    let mut found: Vec<(Option<String>, Finding)> = Vec::new();
    for rule in ENDPOINT_RULES {
        found.extend(rule(old, new).into_iter().map(|f| (None, f)));
    }
    let old_order = constructor_order(&old.constructor_params());
    let new_order = constructor_order(&new.constructor_params());
    found.extend(
        constructor_reordered("`new()`", &new.params, &old_order, &new_order).map(|f| (None, f)),
    );
    param_list_changes(sides, "", &old.params, &new.params, &mut found);
    out.extend(found.into_iter().map(|(param, f)| Change {
        endpoint: new.slug.clone(),
        param,
        rule: f.rule,
        change: f.change,
        verdicts: f.verdicts,
        section: f.section,
    }));
}

/// The changes between two lists of parameters (an endpoint's, or an
/// object's fields, whose names are prefixed with `prefix`, such as
/// `messages[].`): removed, then matched pairs rule by rule, then added.
fn param_list_changes(
    sides: Sides<'_>,
    prefix: &str,
    old: &[Param],
    new: &[Param],
    out: &mut Vec<(Option<String>, Finding)>,
) {
    let name = |param: &Param| Some(format!("{prefix}{}", param.wire));
    let (pairs, removed, added) = match_params(old, new);
    for param in removed {
        out.push((name(param), param_removed(param)));
    }
    for (before, after) in pairs {
        for rule in PARAM_RULES {
            let found = rule(sides, before, after);
            out.extend(found.into_iter().map(|f| (name(after), f)));
        }
        object_field_changes(
            sides,
            &format!("{prefix}{}", after.wire),
            before,
            after,
            out,
        );
    }
    for param in added {
        out.push((name(param), param_added(param)));
    }
}

/// An object (or a list's object items) is compared field by field, with
/// the same rules as parameters: its struct is `#[non_exhaustive]` and
/// built with `new(required fields)` and setters, like a request.
fn object_field_changes(
    sides: Sides<'_>,
    path: &str,
    old: &Param,
    new: &Param,
    out: &mut Vec<(Option<String>, Finding)>,
) {
    let (Kind::Object(before), Kind::Object(after)) = (element(&old.kind), element(&new.kind))
    else {
        return;
    };
    let path = match new.kind {
        Kind::List { .. } => format!("{path}[]"),
        _ => path.to_owned(),
    };
    let what = format!("`{}::new()`", after.type_name);
    let reordered = constructor_reordered(
        &what,
        &after.fields,
        &constructor_order(&required_fields(before)),
        &constructor_order(&required_fields(after)),
    );
    out.extend(reordered.map(|f| (Some(path.clone()), f)));
    param_list_changes(
        sides,
        &format!("{path}."),
        &before.fields,
        &after.fields,
        out,
    );
}

/// An object's required fields, in the order its `new()` takes them.
fn required_fields(def: &crate::model::ObjectDef) -> Vec<&Param> {
    def.fields.iter().filter(|f| f.required).collect()
}

/// What a list holds, or the kind itself: bounds, allowed values, enums and
/// object fields of a list's items are compared like a single value's.
fn element(kind: &Kind) -> &Kind {
    match kind {
        Kind::List { items, .. } => items,
        other => other,
    }
}

/// The wire names `new()` takes, in order, each with its kind.
fn constructor_order<'a>(required: &[&'a Param]) -> Vec<(&'a str, &'a Kind)> {
    required
        .iter()
        .map(|p| (p.wire.as_str(), &p.kind))
        .collect()
}

/// Two required parameters that swap places in `new()` (a spec reordered,
/// or a type change that moved one to another group) break code calling
/// it: silently when the swapped arguments have the same type. Parameters
/// added, removed or renamed are reported by their own rules, so only the
/// order of those on both sides counts (an old name is mapped to its new
/// one through `renamed_from`).
fn constructor_reordered(
    what: &str,
    new_params: &[Param],
    old: &[(&str, &Kind)],
    new: &[(&str, &Kind)],
) -> Option<Finding> {
    let current = |wire: &str| -> String {
        new_params
            .iter()
            .find(|p| p.renamed_from.as_deref() == Some(wire))
            .map_or(wire.to_owned(), |p| p.wire.clone())
    };
    let old_names: Vec<String> = old.iter().map(|(wire, _)| current(wire)).collect();
    let kept_old: Vec<&String> = old_names
        .iter()
        .filter(|w| new.iter().any(|(n, _)| n == w))
        .collect();
    let kept_new: Vec<&str> = new
        .iter()
        .map(|(wire, _)| *wire)
        .filter(|w| old_names.iter().any(|o| o == w))
        .collect();
    if kept_old
        .iter()
        .map(|w| w.as_str())
        .eq(kept_new.iter().copied())
    {
        return None;
    }
    let kinds: Vec<String> = new.iter().map(|(_, k)| kind_name(k)).collect();
    let silent = kinds
        .iter()
        .enumerate()
        .any(|(i, k)| kinds[..i].contains(k));
    let shown = |names: Vec<&str>| names.join(", ");
    Some(finding(
        "constructor-reordered",
        Section::Changed,
        Verdicts::rust_only(Impact::Breaking, Impact::Compatible),
        format!(
            "{what} takes ({}) (was ({})){}",
            shown(kept_new.clone()),
            shown(kept_old.iter().map(|w| w.as_str()).collect()),
            if silent {
                ": arguments of the same type swap without a compile error"
            } else {
                ""
            }
        ),
    ))
}

type Matched<'a> = (Vec<(&'a Param, &'a Param)>, Vec<&'a Param>, Vec<&'a Param>);

/// Pairs parameters by wire name, or by a new parameter's `renamed_from`
/// naming an old one that is gone; the rest were removed or added.
fn match_params<'a>(old: &'a [Param], new: &'a [Param]) -> Matched<'a> {
    let mut pairs = Vec::new();
    let mut added = Vec::new();
    let mut matched_old: Vec<&str> = Vec::new();
    for after in new {
        let same = old.iter().find(|p| p.wire == after.wire);
        let renamed = || {
            let from = after.renamed_from.as_deref()?;
            let gone = !new.iter().any(|p| p.wire == from);
            old.iter().find(|p| gone && p.wire == from)
        };
        match same.or_else(renamed) {
            Some(before) => {
                matched_old.push(&before.wire);
                pairs.push((before, after));
            }
            None => added.push(after),
        }
    }
    let removed = old
        .iter()
        .filter(|p| !matched_old.contains(&p.wire.as_str()))
        .collect();
    (pairs, removed, added)
}

fn returns_changed(old: &Endpoint, new: &Endpoint) -> Vec<Finding> {
    if old.returns == new.returns {
        return Vec::new();
    }
    vec![finding(
        "returns-changed",
        Section::Changed,
        Verdicts::all(Impact::Breaking),
        format!(
            "returns {} instead of {}",
            returns_name(new),
            returns_name(old)
        ),
    )]
}

fn returns_name(endpoint: &Endpoint) -> String {
    endpoint.returns.name().to_owned()
}

/// A new rule between parameters refuses bodies (and command lines, and
/// requests that compiled) that were accepted; a rule dropped accepts more.
fn constraints_changed(old: &Endpoint, new: &Endpoint) -> Vec<Finding> {
    let before: Vec<Constraint> = old.constraints.iter().map(normalized).collect();
    let after: Vec<Constraint> = new.constraints.iter().map(normalized).collect();
    let added = new
        .constraints
        .iter()
        .filter(|c| !before.contains(&normalized(c)))
        .map(|c| {
            finding(
                "constraint-added",
                Section::Added,
                Verdicts::all(Impact::Breaking),
                format!(
                    "new rule: {}; requests that broke it were accepted before",
                    c.sentence()
                ),
            )
        });
    let removed = old
        .constraints
        .iter()
        .filter(|c| !after.contains(&normalized(c)))
        .map(|c| {
            finding(
                "constraint-removed",
                Section::Removed,
                Verdicts::all(Impact::Compatible),
                format!("rule dropped: {}", c.sentence()),
            )
        });
    added.chain(removed).collect()
}

/// A rule with its parameters in an order that does not matter sorted:
/// `exclusive` and `at_least_one` name sets; `requires` names one parameter
/// and the set it needs.
fn normalized(constraint: &Constraint) -> Constraint {
    let mut params = constraint.params.clone();
    let set = match constraint.rule {
        ConstraintRule::Requires => params.get_mut(1..),
        ConstraintRule::Exclusive | ConstraintRule::AtLeastOne => Some(&mut params[..]),
    };
    if let Some(set) = set {
        set.sort();
    }
    Constraint {
        rule: constraint.rule,
        params,
    }
}

/// The queue hint changes docs and the CLI's choice of queue and deadline,
/// never what is accepted.
fn queue_changed(old: &Endpoint, new: &Endpoint) -> Vec<Finding> {
    let shown = |hint: Option<crate::model::QueueHint>| match hint {
        None => "no queue advice".to_owned(),
        Some(hint) => match hint.deadline_secs {
            Some(secs) => format!("queue advised, deadline {secs} s"),
            None => "queue advised".to_owned(),
        },
    };
    if old.queue == new.queue {
        return Vec::new();
    }
    vec![finding(
        "queue-hint-changed",
        Section::Changed,
        Verdicts {
            rust: Impact::Compatible,
            http: Impact::Compatible,
            cli: Impact::Behaviour,
        },
        format!("{} (was {})", shown(new.queue), shown(old.queue)),
    )]
}

/// The crate and CLI follow the spec's path; a caller over HTTP keeps
/// posting to the old one.
fn path_changed(old: &Endpoint, new: &Endpoint) -> Vec<Finding> {
    if old.path == new.path {
        return Vec::new();
    }
    vec![finding(
        "path-changed",
        Section::Changed,
        Verdicts {
            rust: Impact::Compatible,
            http: Impact::Breaking,
            cli: Impact::Compatible,
        },
        format!("path is `{}` (was `{}`)", new.path, old.path),
    )]
}

/// A new optional parameter is a new setter on a `#[non_exhaustive]`
/// struct and a new flag; a required one is a new argument of `new()`, a
/// key every body must now carry and a flag every command line must give.
fn param_added(param: &Param) -> Finding {
    if param.required {
        finding(
            "param-added-required",
            Section::Added,
            Verdicts::all(Impact::Breaking),
            format!(
                "new required parameter `{}` ({}): `new()` takes it, every body and command line must give it",
                param.wire,
                kind_name(&param.kind)
            ),
        )
    } else {
        finding(
            "param-added-optional",
            Section::Added,
            Verdicts::all(Impact::Compatible),
            format!(
                "new optional parameter `{}` ({})",
                param.wire,
                kind_name(&param.kind)
            ),
        )
    }
}

/// The field and setter go, the OpenAPI document (which allows no other
/// properties) refuses a body carrying it, and the flag is unknown.
fn param_removed(param: &Param) -> Finding {
    finding(
        "param-removed",
        Section::Removed,
        Verdicts::all(Impact::Breaking),
        format!(
            "parameter `{}` removed (field and setter `{}`, flag `--{}`)",
            param.wire,
            param.field,
            param.wire.replace('_', "-")
        ),
    )
}

fn param_renamed(_: Sides<'_>, old: &Param, new: &Param) -> Vec<Finding> {
    if old.wire == new.wire {
        return Vec::new();
    }
    vec![finding(
        "param-renamed",
        Section::Changed,
        Verdicts::all(Impact::Breaking),
        format!(
            "parameter `{}` renamed to `{}` (field `{}` is now `{}`)",
            old.wire, new.wire, old.field, new.field
        ),
    )]
}

/// The type's name in messages.
fn kind_name(kind: &Kind) -> String {
    match kind {
        Kind::String => "string".to_owned(),
        Kind::Media(media) => media.name().to_owned(),
        Kind::Boolean => "boolean".to_owned(),
        Kind::Integer { .. } => "integer".to_owned(),
        Kind::Number { .. } => "number".to_owned(),
        Kind::Enum { type_name, .. } => format!("enum {type_name}"),
        Kind::List { items, .. } => format!("list of {}", kind_name(items)),
        Kind::Object(def) => format!("object {}", def.type_name),
    }
}

/// Whether two kinds are the same type, whatever their constraints: the
/// same medium, lists of the same type, objects of the same Rust type (its
/// fields are compared one by one, by `object_field_changes`).
fn same_type(old: &Kind, new: &Kind) -> bool {
    match (old, new) {
        (Kind::Media(a), Kind::Media(b)) => a == b,
        (Kind::List { items: a, .. }, Kind::List { items: b, .. }) => same_type(a, b),
        (Kind::Object(a), Kind::Object(b)) => a.type_name == b.type_name,
        _ => std::mem::discriminant(old) == std::mem::discriminant(new),
    }
}

/// A change that only the Rust type sees: integer to number (every integer
/// a body or command line carried is a number), and one medium for another
/// (each is a non-empty string on the wire, and a file, URL or `-` on the
/// command line), item by item in lists.
fn wire_compatible(old: &Kind, new: &Kind) -> bool {
    match (old, new) {
        (Kind::Integer { .. }, Kind::Number { .. }) => true,
        (Kind::Media(_), Kind::Media(_)) => true,
        (Kind::List { items: a, .. }, Kind::List { items: b, .. }) => {
            same_type(a, b) || wire_compatible(a, b)
        }
        _ => false,
    }
}

/// Any type change changes the Rust field's type; only some change what
/// the wire and the command line accept (see `wire_compatible`).
fn type_changed(_: Sides<'_>, old: &Param, new: &Param) -> Vec<Finding> {
    if same_type(&old.kind, &new.kind) {
        return Vec::new();
    }
    let others = if wire_compatible(&old.kind, &new.kind) {
        Impact::Compatible
    } else {
        Impact::Breaking
    };
    vec![finding(
        "type-changed",
        Section::Changed,
        Verdicts::rust_only(Impact::Breaking, others),
        format!(
            "type is {} (was {})",
            kind_name(&new.kind),
            kind_name(&old.kind)
        ),
    )]
}

/// Optional to required breaks everyone; required to optional only the
/// crate, whose `new()` loses an argument and whose field becomes an `Option`.
fn requiredness_changed(_: Sides<'_>, old: &Param, new: &Param) -> Vec<Finding> {
    match (old.required, new.required) {
        (false, true) => vec![finding(
            "param-now-required",
            Section::Changed,
            Verdicts::all(Impact::Breaking),
            "now required: `new()` takes it, every body and command line must give it".to_owned(),
        )],
        (true, false) => vec![finding(
            "param-now-optional",
            Section::Changed,
            Verdicts::rust_only(Impact::Breaking, Impact::Compatible),
            "now optional: `new()` no longer takes it and its field is an `Option`".to_owned(),
        )],
        _ => Vec::new(),
    }
}

/// A default is the server's, applied when the parameter is not sent; the
/// crate never sends it, so changing it changes what every request that
/// leaves the parameter unset gets, without an error anywhere: a behaviour
/// change for all. Removing it also removes the crate's `DEFAULT_*` constant.
fn default_changed(_: Sides<'_>, old: &Param, new: &Param) -> Vec<Finding> {
    let shown = |value: &Literal| value.display();
    match (&old.default, &new.default) {
        (None, Some(value)) => vec![finding(
            "default-added",
            Section::Added,
            Verdicts::all(Impact::Compatible),
            format!("documents the default {}", shown(value)),
        )],
        (Some(value), None) => vec![finding(
            "default-removed",
            Section::Removed,
            Verdicts::rust_only(Impact::Breaking, Impact::Behaviour),
            format!(
                "no documented default any more (was {}; the `DEFAULT_*` constant is gone)",
                shown(value)
            ),
        )],
        (Some(before), Some(after)) if before.display() != after.display() => vec![finding(
            "default-changed",
            Section::Changed,
            Verdicts::all(Impact::Behaviour),
            format!(
                "default is {} (was {}): requests that leave it unset behave differently",
                shown(after),
                shown(before)
            ),
        )],
        _ => Vec::new(),
    }
}

/// A numeric kind's bounds as `f64`, for comparing either type alike.
fn bounds(kind: &Kind) -> Option<(Option<f64>, Option<f64>)> {
    match kind {
        // A list's bounds on values are its items'.
        Kind::List { items, .. } => bounds(items),
        Kind::Integer { min, max, .. } => Some((min.map(|n| n as f64), max.map(|n| n as f64))),
        Kind::Number { min, max, .. } => Some((*min, *max)),
        _ => None,
    }
}

/// How a bound moved: a narrower range refuses values (and `validate()`
/// rejects what it passed); a wider one accepts more; a bound dropped
/// also drops the crate's `*_MIN`/`*_MAX` constant.
fn bound_change(
    end: &'static str,
    old: Option<f64>,
    new: Option<f64>,
    narrower: fn(f64, f64) -> bool,
) -> Option<Finding> {
    let show = |b: Option<f64>| b.map_or("none".to_owned(), crate::model::format_number);
    let sentence = format!("{end} is {} (was {})", show(new), show(old));
    match (old, new) {
        (Some(a), Some(b)) if a == b => None,
        (None, None) => None,
        (_, None) => Some(finding(
            "bounds-widened",
            Section::Removed,
            Verdicts::rust_only(Impact::Breaking, Impact::Compatible),
            format!("{sentence}: the constant for it is gone"),
        )),
        (None, Some(_)) => Some(narrowed(sentence)),
        (Some(a), Some(b)) if narrower(a, b) => Some(narrowed(sentence)),
        (Some(_), Some(_)) => Some(finding(
            "bounds-widened",
            Section::Changed,
            Verdicts::all(Impact::Compatible),
            sentence,
        )),
    }
}

fn narrowed(sentence: String) -> Finding {
    finding(
        "bounds-narrowed",
        Section::Changed,
        Verdicts::all(Impact::Breaking),
        format!("{sentence}: values accepted before are refused"),
    )
}

/// A list's length bounds move like a number's: narrower refuses lists
/// that passed.
fn list_length_changed(_: Sides<'_>, old: &Param, new: &Param) -> Vec<Finding> {
    let (
        Kind::List {
            min_items: old_min,
            max_items: old_max,
            ..
        },
        Kind::List {
            min_items: new_min,
            max_items: new_max,
            ..
        },
    ) = (&old.kind, &new.kind)
    else {
        return Vec::new();
    };
    let count = |n: &Option<u64>| n.map(|n| n as f64);
    [
        bound_change("fewest items", count(old_min), count(new_min), |a, b| b > a),
        bound_change("most items", count(old_max), count(new_max), |a, b| b < a),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn bounds_changed(_: Sides<'_>, old: &Param, new: &Param) -> Vec<Finding> {
    let (Some((old_min, old_max)), Some((new_min, new_max))) =
        (bounds(&old.kind), bounds(&new.kind))
    else {
        return Vec::new();
    };
    [
        bound_change("minimum", old_min, new_min, |a, b| b > a),
        bound_change("maximum", old_max, new_max, |a, b| b < a),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A numeric kind's allowed values, as text for comparing either type alike.
fn allowed(kind: &Kind) -> Option<Vec<String>> {
    match kind {
        Kind::List { items, .. } => allowed(items),
        Kind::Integer { allowed, .. } => allowed
            .as_ref()
            .map(|list| list.iter().map(i64::to_string).collect()),
        Kind::Number { allowed, .. } => allowed.as_ref().map(|list| {
            list.iter()
                .map(|n| crate::model::format_number(*n))
                .collect()
        }),
        _ => None,
    }
}

/// The items of `a` missing from `b`.
fn missing<'a>(a: &'a [String], b: &[String]) -> Vec<&'a str> {
    a.iter()
        .filter(|x| !b.contains(x))
        .map(String::as_str)
        .collect()
}

fn listed(items: &[&str]) -> String {
    items.join(", ")
}

/// A value no longer allowed is refused everywhere; a new one is accepted
/// by everyone. A list newly imposed refuses everything else; a list
/// dropped accepts more, but removes the crate's `*_ALLOWED` constant.
fn allowed_changed(_: Sides<'_>, old: &Param, new: &Param) -> Vec<Finding> {
    if !same_type(&old.kind, &new.kind) {
        return Vec::new();
    }
    match (allowed(&old.kind), allowed(&new.kind)) {
        (None, Some(list)) => vec![finding(
            "allowed-values-imposed",
            Section::Changed,
            Verdicts::all(Impact::Breaking),
            format!("only {} are allowed now", list.join(", ")),
        )],
        (Some(list), None) => vec![finding(
            "allowed-values-dropped",
            Section::Changed,
            Verdicts::rust_only(Impact::Breaking, Impact::Compatible),
            format!(
                "no longer limited to {} (the `*_ALLOWED` constant is gone)",
                list.join(", ")
            ),
        )],
        (Some(before), Some(after)) => value_set_change(
            ("allowed-values-removed", "allowed-values-added"),
            "allowed value",
            &before,
            &after,
            Impact::Compatible,
        ),
        (None, None) => Vec::new(),
    }
}

/// Values added and removed from a list of accepted values: removed ones
/// break everyone, added ones `added_rust` for the crate.
fn value_set_change(
    (removed_rule, added_rule): (&'static str, &'static str),
    noun: &str,
    before: &[String],
    after: &[String],
    added_rust: Impact,
) -> Vec<Finding> {
    let mut found = Vec::new();
    let removed = missing(before, after);
    if !removed.is_empty() {
        found.push(finding(
            removed_rule,
            Section::Removed,
            Verdicts::all(Impact::Breaking),
            format!("{noun}(s) removed: {}", listed(&removed)),
        ));
    }
    let added = missing(after, before);
    if !added.is_empty() {
        found.push(finding(
            added_rule,
            Section::Added,
            Verdicts::rust_only(added_rust, Impact::Compatible),
            format!("new {noun}(s): {}", listed(&added)),
        ));
    }
    found
}

/// The enum a parameter's kind names, looked up in its model.
fn enum_def<'a>(model: &'a Model, kind: &Kind) -> Option<&'a EnumDef> {
    let Kind::Enum { type_name, .. } = kind else {
        return None;
    };
    model
        .shared_enums
        .iter()
        .chain(model.endpoints.iter().flat_map(|e| &e.local_enums))
        .find(|def| &def.type_name == type_name)
}

/// Every generated enum is `#[non_exhaustive]`, so a `match` on one already
/// has a wildcard arm: a new variant compiles. A removed one is refused by
/// the server and no longer names a variant. A value whose wire string
/// stays but whose Rust variant is renamed breaks the crate alone.
fn enum_values_changed(sides: Sides<'_>, old: &Param, new: &Param) -> Vec<Finding> {
    let (
        Kind::Enum {
            wire_values: before,
            ..
        },
        Kind::Enum {
            wire_values: after, ..
        },
    ) = (element(&old.kind), element(&new.kind))
    else {
        return Vec::new();
    };
    let mut found = value_set_change(
        ("enum-values-removed", "enum-values-added"),
        "enum value",
        before,
        after,
        Impact::Compatible,
    );
    if let (Some(a), Some(b)) = (
        enum_def(sides.old, element(&old.kind)),
        enum_def(sides.new, element(&new.kind)),
    ) {
        let renamed: Vec<String> = a
            .variants
            .iter()
            .filter_map(|va| {
                let vb = b.variants.iter().find(|vb| vb.wire == va.wire)?;
                (vb.ident != va.ident).then(|| format!("{} is now {}", va.ident, vb.ident))
            })
            .collect();
        if !renamed.is_empty() {
            found.push(finding(
                "enum-variant-renamed",
                Section::Changed,
                Verdicts::rust_only(Impact::Breaking, Impact::Compatible),
                format!(
                    "Rust variant(s) renamed, wire strings kept: {}",
                    renamed.join(", ")
                ),
            ));
        }
    }
    found
}

/// A new Rust type for the same choice (an inline enum moved to
/// `enums.yaml`, or a shared enum renamed) breaks code that names it.
fn enum_type_renamed(_: Sides<'_>, old: &Param, new: &Param) -> Vec<Finding> {
    match (element(&old.kind), element(&new.kind)) {
        (Kind::Enum { type_name: a, .. }, Kind::Enum { type_name: b, .. }) if a != b => {
            vec![finding(
                "enum-type-renamed",
                Section::Changed,
                Verdicts::rust_only(Impact::Breaking, Impact::Compatible),
                format!("its Rust enum is `{b}` (was `{a}`)"),
            )]
        }
        _ => Vec::new(),
    }
}

/// The kinds of user a verdict of `impact` applies to, in words
/// ("Rust, HTTP and CLI"), or `None` when it applies to none.
fn users_with(verdicts: &Verdicts, impact: Impact) -> Option<String> {
    let names: Vec<&str> = [
        ("Rust", verdicts.rust),
        ("HTTP", verdicts.http),
        ("CLI", verdicts.cli),
    ]
    .into_iter()
    .filter(|(_, v)| *v == impact)
    .map(|(name, _)| name)
    .collect();
    match names.as_slice() {
        [] => None,
        [one] => Some((*one).to_owned()),
        [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
    }
}

/// Whom a change breaks and whose behaviour it changes, in words:
/// "breaks Rust; behaviour changes for HTTP and CLI".
pub fn verdict_sentence(verdicts: &Verdicts) -> String {
    let parts: Vec<String> = [
        users_with(verdicts, Impact::Breaking).map(|u| format!("breaks {u}")),
        users_with(verdicts, Impact::Behaviour).map(|u| format!("behaviour changes for {u}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "compatible".to_owned()
    } else {
        parts.join("; ")
    }
}

/// Where a change is: `demo` or `demo` `steps`.
fn place(change: &Change) -> String {
    match &change.param {
        Some(param) => format!("`{}` `{param}`", change.endpoint),
        None => format!("`{}`", change.endpoint),
    }
}

/// The listing `cargo xtask diff` prints: breaking changes first, then
/// behaviour changes, then the compatible ones, one line each, grouped by
/// endpoint within each group.
pub fn human_report(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no changes to the specs\n".to_owned();
    }
    let mut out = String::new();
    let groups = [
        (Impact::Breaking, "Breaking"),
        (Impact::Behaviour, "Behaviour changes"),
        (Impact::Compatible, "Compatible"),
    ];
    for (impact, heading) in groups {
        let mut group: Vec<&Change> = changes
            .iter()
            .filter(|c| c.verdicts.worst() == impact)
            .collect();
        if group.is_empty() {
            continue;
        }
        // Stable: the rules' order is kept within an endpoint.
        group.sort_by(|a, b| a.endpoint.cmp(&b.endpoint));
        out.push_str(&format!("{heading} ({}):\n", group.len()));
        let mut endpoint = "";
        for change in group {
            if change.endpoint != endpoint {
                endpoint = &change.endpoint;
                out.push_str(&format!("  {endpoint}\n"));
            }
            let param = change
                .param
                .as_deref()
                .map_or(String::new(), |p| format!("{p}: "));
            out.push_str(&format!(
                "    {param}{} [{}; {}]\n",
                change.change,
                change.rule,
                verdict_sentence(&change.verdicts)
            ));
        }
    }
    let breaking = changes.iter().filter(|c| c.breaking()).count();
    out.push_str(&format!(
        "{} change(s), {breaking} breaking\n",
        changes.len()
    ));
    out
}

/// The body of a changelog's "Unreleased" section in keep-a-changelog's
/// shape (`### Added`, `### Changed`, `### Removed`), breaking entries
/// first in each and marked as such; `since` names the release compared
/// against, for the line written when nothing changed.
pub fn changelog_entries(changes: &[Change], since: &str) -> String {
    if changes.is_empty() {
        return format!("No changes to the specs since {since}.\n");
    }
    let mut out = String::new();
    for section in [Section::Added, Section::Changed, Section::Removed] {
        let mut entries: Vec<&Change> = changes.iter().filter(|c| c.section == section).collect();
        if entries.is_empty() {
            continue;
        }
        entries.sort_by_key(|c| std::cmp::Reverse(c.verdicts.worst()));
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("### {}\n\n", section.heading()));
        for change in entries {
            let mark = match change.verdicts.worst() {
                Impact::Breaking => "**Breaking** ",
                Impact::Behaviour => "**Behaviour** ",
                Impact::Compatible => "",
            };
            let whom = match change.verdicts.worst() {
                Impact::Compatible => String::new(),
                _ => format!(" ({})", verdict_sentence(&change.verdicts)),
            };
            out.push_str(&format!(
                "- {mark}{}: {}{whom}.\n",
                place(change),
                change.change.trim_end_matches('.')
            ));
        }
    }
    out
}
