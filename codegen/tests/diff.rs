//! One test per rule of `codegen::diff`: a before/after pair of specs and
//! the verdicts the rule must give (rule table: spec/README.md).

use codegen::diff::{breaking_first, diff, Change, Impact, Verdicts};
use codegen::{Model, SpecSource};

const BREAKING: Impact = Impact::Breaking;
const OK: Impact = Impact::Compatible;
const BEHAVIOUR: Impact = Impact::Behaviour;

/// The spec every case edits.
const BASE: &str = r#"
slug: demo
path: /demo
title: Demo
description: A model to diff.
returns: image
params:
  prompt:
    type: string
    required: true
    description: Prompt.
  steps:
    type: integer
    default: 25
    min: 1
    max: 50
    description: Steps.
  width:
    type: integer
    allowed: [512, 768]
    description: Width.
  scale:
    type: number
    min: 0
    max: 1
    description: Scale.
  sampler:
    type: enum
    values: [euler, ddim]
    default: euler
    description: Sampler.
"#;

const ENUMS: &str = "enums:\n  scheduler:\n    description: Scheduler.\n    values: [DDIM, LMS]\n";

fn model(specs: &[(&str, &str)]) -> Model {
    let mut sources: Vec<SpecSource> = specs
        .iter()
        .map(|(name, text)| SpecSource {
            path: format!("spec/{name}.yaml"),
            text: (*text).to_owned(),
        })
        .collect();
    sources.push(SpecSource {
        path: "spec/enums.yaml".into(),
        text: ENUMS.into(),
    });
    codegen::load(&sources).unwrap_or_else(|e| panic!("{e}"))
}

/// The changes from BASE to BASE with `from` replaced by `to` once.
fn edit(from: &str, to: &str) -> Vec<Change> {
    assert!(BASE.contains(from), "the case edits nothing: {from:?}");
    let after = BASE.replacen(from, to, 1);
    diff(&model(&[("demo", BASE)]), &model(&[("demo", &after)]))
}

/// The one change `changes` holds, checked for rule, parameter and verdicts.
fn only(changes: &[Change], rule: &str, param: Option<&str>, verdicts: Verdicts) -> String {
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let change = &changes[0];
    assert_eq!(change.rule, rule, "{change:#?}");
    assert_eq!(change.param.as_deref(), param, "{change:#?}");
    assert_eq!(change.verdicts, verdicts, "{change:#?}");
    assert_eq!(change.breaking(), verdicts.worst() == BREAKING);
    change.change.clone()
}

fn v(rust: Impact, http: Impact, cli: Impact) -> Verdicts {
    Verdicts { rust, http, cli }
}

#[test]
fn no_edit_no_change() {
    assert!(edit("Prompt.", "Prompt.").is_empty());
}

#[test]
fn descriptions_and_examples_are_not_changes() {
    assert!(edit("Prompt.", "What to draw.").is_empty());
    assert!(edit(
        "    description: Steps.",
        "    example: 30\n    description: Steps."
    )
    .is_empty());
}

#[test]
fn endpoint_added_and_removed() {
    let other = BASE
        .replace("slug: demo", "slug: other")
        .replace("path: /demo", "path: /other");
    let one = model(&[("demo", BASE)]);
    let two = model(&[("demo", BASE), ("other", &other)]);
    let added = diff(&one, &two);
    only(&added, "endpoint-added", None, Verdicts::all(OK));
    assert_eq!(added[0].endpoint, "other");
    let removed = diff(&two, &one);
    let text = only(&removed, "endpoint-removed", None, Verdicts::all(BREAKING));
    assert!(text.contains("OtherRequest"), "{text}");
}

#[test]
fn returns_changed_breaks_everyone() {
    only(
        &edit("returns: image", "returns: json"),
        "returns-changed",
        None,
        Verdicts::all(BREAKING),
    );
}

#[test]
fn path_changed_breaks_http_callers_only() {
    only(
        &edit("path: /demo", "path: /demo/v2"),
        "path-changed",
        None,
        v(OK, BREAKING, OK),
    );
}

#[test]
fn optional_param_added_is_compatible() {
    let changes = edit(
        "params:\n",
        "params:\n  seed:\n    type: integer\n    description: Seed.\n",
    );
    only(
        &changes,
        "param-added-optional",
        Some("seed"),
        Verdicts::all(OK),
    );
}

#[test]
fn required_param_added_breaks_everyone() {
    let changes = edit(
        "params:\n",
        "params:\n  image:\n    type: image\n    required: true\n    description: Input.\n",
    );
    only(
        &changes,
        "param-added-required",
        Some("image"),
        Verdicts::all(BREAKING),
    );
}

#[test]
fn param_removed_breaks_everyone() {
    let changes = edit(
        "  scale:\n    type: number\n    min: 0\n    max: 1\n    description: Scale.\n",
        "",
    );
    let text = only(
        &changes,
        "param-removed",
        Some("scale"),
        Verdicts::all(BREAKING),
    );
    assert!(text.contains("--scale"), "{text}");
}

#[test]
fn unmarked_rename_is_a_removal_and_an_addition() {
    let changes = edit("  scale:\n", "  cfg_scale:\n");
    let rules: Vec<&str> = changes.iter().map(|c| c.rule).collect();
    assert_eq!(
        rules,
        ["param-removed", "param-added-optional"],
        "{changes:#?}"
    );
}

#[test]
fn marked_rename_is_one_change_and_keeps_comparing_the_facts() {
    let changes = edit(
        "  scale:\n    type: number\n    min: 0\n",
        "  cfg_scale:\n    renamed_from: scale\n    type: number\n    min: 0.5\n",
    );
    let rules: Vec<&str> = changes.iter().map(|c| c.rule).collect();
    assert_eq!(rules, ["param-renamed", "bounds-narrowed"], "{changes:#?}");
    assert_eq!(changes[0].param.as_deref(), Some("cfg_scale"));
    assert!(changes[0].breaking());
}

#[test]
fn type_changed_breaks_everyone_but_integer_to_number_only_breaks_rust() {
    let changes = edit("  prompt:\n    type: string", "  prompt:\n    type: image");
    only(
        &changes,
        "type-changed",
        Some("prompt"),
        Verdicts::all(BREAKING),
    );
    let changes = edit("  steps:\n    type: integer", "  steps:\n    type: number");
    only(&changes, "type-changed", Some("steps"), v(BREAKING, OK, OK));
}

#[test]
fn optional_to_required_breaks_everyone() {
    let changes = edit(
        "    min: 0\n    max: 1\n    description: Scale.",
        "    min: 0\n    max: 1\n    required: true\n    description: Scale.",
    );
    only(
        &changes,
        "param-now-required",
        Some("scale"),
        Verdicts::all(BREAKING),
    );
}

#[test]
fn required_to_optional_breaks_only_the_crate() {
    let changes = edit(
        "    required: true\n    description: Prompt.",
        "    description: Prompt.",
    );
    only(
        &changes,
        "param-now-optional",
        Some("prompt"),
        v(BREAKING, OK, OK),
    );
}

#[test]
fn default_added_is_compatible() {
    let changes = edit(
        "    max: 1\n    description: Scale.",
        "    max: 1\n    default: 0.5\n    description: Scale.",
    );
    only(&changes, "default-added", Some("scale"), Verdicts::all(OK));
}

#[test]
fn default_changed_is_a_silent_behaviour_change() {
    let changes = edit("    default: 25", "    default: 30");
    let text = only(
        &changes,
        "default-changed",
        Some("steps"),
        Verdicts::all(BEHAVIOUR),
    );
    assert!(text.contains("30") && text.contains("25"), "{text}");
    assert!(!changes[0].breaking());
}

#[test]
fn default_removed_drops_the_constant() {
    let changes = edit("    default: 25\n", "");
    only(
        &changes,
        "default-removed",
        Some("steps"),
        v(BREAKING, BEHAVIOUR, BEHAVIOUR),
    );
}

#[test]
fn bounds_narrowed_break_everyone() {
    only(
        &edit("    max: 50", "    max: 40"),
        "bounds-narrowed",
        Some("steps"),
        Verdicts::all(BREAKING),
    );
    only(
        &edit("    min: 1\n", "    min: 2\n"),
        "bounds-narrowed",
        Some("steps"),
        Verdicts::all(BREAKING),
    );
    let changes = edit(
        "    allowed: [512, 768]\n",
        "    allowed: [512, 768]\n    max: 768\n",
    );
    only(
        &changes,
        "bounds-narrowed",
        Some("width"),
        Verdicts::all(BREAKING),
    );
}

#[test]
fn bounds_widened_are_compatible_unless_a_constant_goes() {
    only(
        &edit("    max: 50", "    max: 60"),
        "bounds-widened",
        Some("steps"),
        Verdicts::all(OK),
    );
    only(
        &edit("    max: 50\n", ""),
        "bounds-widened",
        Some("steps"),
        v(BREAKING, OK, OK),
    );
}

#[test]
fn allowed_values_added_and_removed() {
    let added = edit("[512, 768]", "[512, 768, 1024]");
    let text = only(
        &added,
        "allowed-values-added",
        Some("width"),
        Verdicts::all(OK),
    );
    assert!(text.contains("1024"), "{text}");
    let removed = edit("[512, 768]", "[512]");
    only(
        &removed,
        "allowed-values-removed",
        Some("width"),
        Verdicts::all(BREAKING),
    );
}

#[test]
fn allowed_values_imposed_or_dropped() {
    let imposed = edit("    min: 0\n    max: 1\n", "    allowed: [0, 0.5, 1]\n");
    let rules: Vec<&str> = imposed.iter().map(|c| c.rule).collect();
    assert!(rules.contains(&"allowed-values-imposed"), "{imposed:#?}");
    assert!(imposed
        .iter()
        .all(|c| c.breaking() || c.rule == "bounds-widened"));
    let dropped = edit("    allowed: [512, 768]\n", "");
    only(
        &dropped,
        "allowed-values-dropped",
        Some("width"),
        v(BREAKING, OK, OK),
    );
}

#[test]
fn enum_values_added_compile_because_enums_are_non_exhaustive() {
    // The generated enums are #[non_exhaustive] (runtime::define_wire_enum!),
    // so a `match` outside the crate already needs a wildcard arm.
    let runtime = include_str!("../../generated-client/runtime/src/define.rs");
    let wire_enum = &runtime[runtime.find("macro_rules! define_wire_enum").unwrap()..];
    assert!(wire_enum[..600].contains("#[non_exhaustive]"));
    let changes = edit("[euler, ddim]", "[euler, ddim, lms]");
    only(
        &changes,
        "enum-values-added",
        Some("sampler"),
        Verdicts::all(OK),
    );
}

#[test]
fn enum_values_removed_break_everyone() {
    let changes = edit("[euler, ddim]", "[euler]");
    only(
        &changes,
        "enum-values-removed",
        Some("sampler"),
        Verdicts::all(BREAKING),
    );
}

#[test]
fn enum_variant_renamed_keeps_the_wire_but_breaks_rust() {
    let changes = edit("[euler, ddim]", "[euler, {value: ddim, name: DdimSampler}]");
    only(
        &changes,
        "enum-variant-renamed",
        Some("sampler"),
        v(BREAKING, OK, OK),
    );
}

#[test]
fn enum_moved_to_a_shared_type_breaks_rust() {
    let before = BASE.replace(
        "[euler, ddim]\n    default: euler",
        "[DDIM, LMS]\n    default: LMS",
    );
    let after = BASE.replace(
        "values: [euler, ddim]\n    default: euler",
        "enum: scheduler\n    default: LMS",
    );
    let changes = diff(&model(&[("demo", &before)]), &model(&[("demo", &after)]));
    only(
        &changes,
        "enum-type-renamed",
        Some("sampler"),
        v(BREAKING, OK, OK),
    );
}

#[test]
fn breaking_changes_are_listed_first() {
    let after = BASE
        .replacen(
            "params:\n",
            "params:\n  seed:\n    type: integer\n    description: Seed.\n",
            1,
        )
        .replace("    default: 25", "    default: 30")
        .replace("[euler, ddim]", "[euler]");
    let mut changes = diff(&model(&[("demo", BASE)]), &model(&[("demo", &after)]));
    breaking_first(&mut changes);
    let rules: Vec<&str> = changes.iter().map(|c| c.rule).collect();
    assert_eq!(
        rules,
        [
            "enum-values-removed",
            "default-changed",
            "param-added-optional"
        ]
    );
}

#[test]
fn json_has_the_documented_fields() {
    let changes = edit("[euler, ddim]", "[euler]");
    let json = changes[0].to_json();
    assert_eq!(json["endpoint"], "demo");
    assert_eq!(json["param"], "sampler");
    assert_eq!(json["breaking"], true);
    for user in ["rust", "http", "cli"] {
        assert_eq!(json[user], "breaking", "{json}");
    }
    let endpoint_level = edit("returns: image", "returns: json");
    assert!(endpoint_level[0].to_json()["param"].is_null());
}

#[test]
fn renamed_from_is_checked() {
    let load = |text: &str| {
        codegen::load(&[SpecSource {
            path: "spec/demo.yaml".into(),
            text: text.into(),
        }])
        .unwrap_err()
        .to_string()
    };
    let own = load(&BASE.replace(
        "    description: Steps.",
        "    renamed_from: scale\n    description: Steps.",
    ));
    assert!(
        own.contains("params.steps.renamed_from") && own.contains("still has"),
        "{own}"
    );
    let twice = BASE
        .replace(
            "    description: Steps.",
            "    renamed_from: old\n    description: Steps.",
        )
        .replace(
            "    description: Width.",
            "    renamed_from: old\n    description: Width.",
        );
    let twice = load(&twice);
    assert!(twice.contains("both say `renamed_from: old`"), "{twice}");
    let typed = load(&BASE.replace(
        "    description: Steps.",
        "    renamed_from: 3\n    description: Steps.",
    ));
    assert!(
        typed.contains("params.steps.renamed_from") && typed.contains("expected a string"),
        "{typed}"
    );
}

/// A spec using the format's second round: lists, objects, media other
/// than images, constraints and the queue hint.
const RICH: &str = r#"
slug: clip
path: /clip
title: Clip
description: A video model to diff.
returns: video
queue:
  deadline: 600
constraints:
  - exclusive: [first_frame, video]
params:
  prompt:
    type: string
    required: true
    description: Prompt.
  negative:
    type: string
    required: true
    description: What to avoid.
  first_frame:
    type: image
    description: First frame.
  video:
    type: video
    description: A clip to extend.
  references:
    type: list
    items: image
    max_items: 4
    description: References.
  styles:
    type: list
    items:
      type: enum
      values: [anime, photo]
    description: Styles.
  palette:
    type: list
    items:
      type: object
      fields:
        hex:
          type: string
          required: true
          description: Colour.
        weight:
          type: number
          min: 0
          max: 1
          description: Weight.
    description: Colours.
"#;

/// The changes from RICH to RICH with `from` replaced by `to` once.
fn edit_rich(from: &str, to: &str) -> Vec<Change> {
    assert!(RICH.contains(from), "the case edits nothing: {from:?}");
    let after = RICH.replacen(from, to, 1);
    diff(&model(&[("clip", RICH)]), &model(&[("clip", &after)]))
}

#[test]
fn returns_video_to_audio_breaks_everyone() {
    only(
        &edit_rich("returns: video", "returns: audio"),
        "returns-changed",
        None,
        Verdicts::all(BREAKING),
    );
}

#[test]
fn constraint_added_breaks_everyone_and_removed_is_compatible() {
    let rule = "  - exclusive: [first_frame, video]\n";
    let added = edit_rich(
        rule,
        &format!("{rule}  - requires: [references, first_frame]\n"),
    );
    let text = only(&added, "constraint-added", None, Verdicts::all(BREAKING));
    assert!(text.contains("`references`"), "{text}");
    let removed = edit_rich("constraints:\n  - exclusive: [first_frame, video]\n", "");
    only(&removed, "constraint-removed", None, Verdicts::all(OK));
}

#[test]
fn a_set_rule_named_in_another_order_is_no_change() {
    assert!(edit_rich(
        "exclusive: [first_frame, video]",
        "exclusive: [video, first_frame]"
    )
    .is_empty());
}

#[test]
fn queue_hint_changes_only_what_the_cli_does() {
    let moved = edit_rich("deadline: 600", "deadline: 900");
    let text = only(&moved, "queue-hint-changed", None, v(OK, OK, BEHAVIOUR));
    assert!(text.contains("900") && text.contains("600"), "{text}");
    only(
        &edit_rich("queue:\n  deadline: 600\n", ""),
        "queue-hint-changed",
        None,
        v(OK, OK, BEHAVIOUR),
    );
}

#[test]
fn list_length_narrowed_breaks_everyone_and_widened_does_not() {
    only(
        &edit_rich("max_items: 4", "max_items: 2"),
        "bounds-narrowed",
        Some("references"),
        Verdicts::all(BREAKING),
    );
    only(
        &edit_rich("max_items: 4", "max_items: 8"),
        "bounds-widened",
        Some("references"),
        Verdicts::all(OK),
    );
    only(
        &edit_rich("    max_items: 4\n", "    max_items: 4\n    min_items: 1\n"),
        "bounds-narrowed",
        Some("references"),
        Verdicts::all(BREAKING),
    );
}

#[test]
fn one_medium_for_another_breaks_only_the_crate() {
    // Each medium is a non-empty string on the wire and a file or URL on
    // the command line; in Rust, `ImageInput` is not `VideoInput`.
    only(
        &edit_rich("    type: video\n", "    type: image\n"),
        "type-changed",
        Some("video"),
        v(BREAKING, OK, OK),
    );
    only(
        &edit_rich("    items: image\n", "    items: file\n"),
        "type-changed",
        Some("references"),
        v(BREAKING, OK, OK),
    );
}

#[test]
fn a_value_becoming_a_list_breaks_everyone() {
    only(
        &edit_rich(
            "  first_frame:\n    type: image\n",
            "  first_frame:\n    type: list\n    items: image\n",
        ),
        "type-changed",
        Some("first_frame"),
        Verdicts::all(BREAKING),
    );
}

#[test]
fn enum_values_of_list_items_are_compared() {
    only(
        &edit_rich("[anime, photo]", "[anime, photo, sketch]"),
        "enum-values-added",
        Some("styles"),
        Verdicts::all(OK),
    );
    only(
        &edit_rich("[anime, photo]", "[anime]"),
        "enum-values-removed",
        Some("styles"),
        Verdicts::all(BREAKING),
    );
}

#[test]
fn object_fields_follow_the_parameter_rules() {
    // Objects are #[non_exhaustive] structs built with new(required) and
    // setters, like requests.
    let optional = edit_rich(
        "        weight:\n",
        "        name:\n          type: string\n          description: Name.\n        weight:\n",
    );
    only(
        &optional,
        "param-added-optional",
        Some("palette[].name"),
        Verdicts::all(OK),
    );
    let required = edit_rich(
        "        weight:\n",
        "        name:\n          type: string\n          required: true\n          description: Name.\n        weight:\n",
    );
    only(
        &required,
        "param-added-required",
        Some("palette[].name"),
        Verdicts::all(BREAKING),
    );
    only(
        &edit_rich("          max: 1\n", "          max: 0.5\n"),
        "bounds-narrowed",
        Some("palette[].weight"),
        Verdicts::all(BREAKING),
    );
    let removed = edit_rich(
        "        weight:\n          type: number\n          min: 0\n          max: 1\n          description: Weight.\n",
        "",
    );
    only(
        &removed,
        "param-removed",
        Some("palette[].weight"),
        Verdicts::all(BREAKING),
    );
}

#[test]
fn swapping_required_parameters_of_one_type_is_a_silent_rust_break() {
    let swapped = RICH.replacen(
        "  prompt:\n    type: string\n    required: true\n    description: Prompt.\n  negative:\n    type: string\n    required: true\n    description: What to avoid.\n",
        "  negative:\n    type: string\n    required: true\n    description: What to avoid.\n  prompt:\n    type: string\n    required: true\n    description: Prompt.\n",
        1,
    );
    assert_ne!(swapped, RICH);
    let changes = diff(&model(&[("clip", RICH)]), &model(&[("clip", &swapped)]));
    let text = only(&changes, "constructor-reordered", None, v(BREAKING, OK, OK));
    assert!(text.contains("without a compile error"), "{text}");
    // Optional parameters reordered change nothing anyone sees.
    let optional = RICH.replacen(
        "  first_frame:\n    type: image\n    description: First frame.\n  video:\n    type: video\n    description: A clip to extend.\n",
        "  video:\n    type: video\n    description: A clip to extend.\n  first_frame:\n    type: image\n    description: First frame.\n",
        1,
    );
    assert_ne!(optional, RICH);
    assert!(diff(&model(&[("clip", RICH)]), &model(&[("clip", &optional)])).is_empty());
}

#[test]
fn a_marked_rename_of_a_required_parameter_is_not_a_reordering() {
    let changes = edit_rich(
        "  negative:\n    type: string\n",
        "  negative_prompt:\n    renamed_from: negative\n    type: string\n",
    );
    only(
        &changes,
        "param-renamed",
        Some("negative_prompt"),
        Verdicts::all(BREAKING),
    );
}
