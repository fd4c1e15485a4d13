//! One test per check on the specs: each asserts that the message names the
//! file, the place in it and what was expected.

use codegen::SpecSource;

const VALID: &str = "\
slug: demo
path: /demo
title: Demo
description: A demo endpoint.
returns: image
params:
  prompt:
    type: string
    required: true
    description: Prompt.
  steps:
    type: integer
    default: 5
    min: 1
    max: 10
    description: Steps.
";

const SHARED: &str = "\
enums:
  scheduler:
    description: Schedulers.
    values: [DDIM, Euler a, Euler]
";

fn source(path: &str, text: &str) -> SpecSource {
    SpecSource {
        path: path.to_owned(),
        text: text.to_owned(),
    }
}

/// The rendered diagnostics for a set of files; panics if they were accepted.
fn errors(files: &[(&str, &str)]) -> Vec<String> {
    let sources: Vec<SpecSource> = files
        .iter()
        .map(|(path, text)| source(path, text))
        .collect();
    match codegen::load(&sources) {
        Ok(_) => panic!("expected the specs to be rejected"),
        Err(problems) => problems.0.iter().map(ToString::to_string).collect(),
    }
}

/// The diagnostics for `spec/demo.yaml` with the given text (and the shared enums).
fn demo_errors(text: &str) -> Vec<String> {
    errors(&[("spec/demo.yaml", text), ("spec/enums.yaml", SHARED)])
}

/// The valid spec under another slug (and path).
fn with_slug(slug: &str) -> String {
    VALID
        .replace("slug: demo", &format!("slug: {slug}"))
        .replace("path: /demo", &format!("path: /{slug}"))
}

/// The place each message names (`params.steps.default`), in order.
fn places(found: &[String]) -> Vec<&str> {
    found
        .iter()
        .map(|m| m.split(": ").nth(1).unwrap_or_default())
        .collect()
}

fn assert_one(found: &[String], expected_parts: &[&str]) {
    assert_eq!(
        found.len(),
        1,
        "expected exactly one problem, got {found:#?}"
    );
    for part in expected_parts {
        assert!(
            found[0].contains(part),
            "{:?} does not mention {part:?}",
            found[0]
        );
    }
}

#[test]
fn the_base_spec_is_valid() {
    let model = codegen::load(&[
        source("spec/demo.yaml", VALID),
        source("spec/enums.yaml", SHARED),
    ])
    .unwrap();
    assert_eq!(model.endpoints.len(), 1);
}

#[test]
fn default_outside_range() {
    let found = demo_errors(&VALID.replace("default: 5", "default: 11"));
    assert_one(
        &found,
        &[
            "spec/demo.yaml",
            "params.steps.default",
            "default 11 is outside the range 1..=10",
        ],
    );
}

#[test]
fn default_not_among_allowed_values() {
    let text = VALID.replace(
        "default: 5\n    min: 1\n    max: 10",
        "default: 640\n    allowed: [512, 768]",
    );
    let found = demo_errors(&text);
    assert_one(
        &found,
        &[
            "spec/demo.yaml",
            "params.steps.default",
            "not one of the allowed values 512, 768",
        ],
    );
}

#[test]
fn enum_default_not_among_values() {
    let text = format!("{VALID}  scheduler:\n    type: enum\n    enum: scheduler\n    default: Euler A\n    description: S.\n");
    let found = demo_errors(&text);
    assert_one(
        &found,
        &[
            "spec/demo.yaml",
            "params.scheduler.default",
            "\"Euler A\" is not one of the enum's values",
            "did you mean \"Euler a\"",
        ],
    );
}

#[test]
fn min_greater_than_max() {
    let found = demo_errors(
        &VALID
            .replace("min: 1", "min: 20")
            .replace("default: 5", "default: 15"),
    );
    assert!(
        found
            .iter()
            .any(|m| m
                .contains("spec/demo.yaml:14:5: params.steps.min: min 20 is greater than max 10")),
        "{found:#?}"
    );
}

#[test]
fn empty_enum_value() {
    let text =
        format!("{VALID}  mode:\n    type: enum\n    values: [fast, '']\n    description: M.\n");
    assert_one(
        &demo_errors(&text),
        &[
            "spec/demo.yaml",
            "params.mode.values[1]",
            "must not be empty",
        ],
    );
}

#[test]
fn duplicated_enum_value() {
    let text = format!(
        "{VALID}  mode:\n    type: enum\n    values: [fast, slow, fast]\n    description: M.\n"
    );
    assert_one(
        &demo_errors(&text),
        &[
            "spec/demo.yaml",
            "params.mode.values[2]",
            "duplicated enum value \"fast\"",
        ],
    );
    let shared = SHARED.replace("Euler]", "Euler, DDIM]");
    let found = errors(&[("spec/demo.yaml", VALID), ("spec/enums.yaml", &shared)]);
    assert_one(
        &found,
        &[
            "spec/enums.yaml",
            "enums.scheduler.values[3]",
            "duplicated enum value \"DDIM\"",
        ],
    );
}

#[test]
fn enum_values_that_collide_as_rust_variants() {
    let text = format!(
        "{VALID}  mode:\n    type: enum\n    values: [Euler a, euler-a]\n    description: M.\n"
    );
    assert_one(
        &demo_errors(&text),
        &[
            "params.mode.values[1]",
            "\"Euler a\" and \"euler-a\" would both become the Rust variant `EulerA`",
            "hint: give one a Rust name of its own: `- {value: \"euler-a\", name: ...}`",
        ],
    );
}

#[test]
fn enum_values_named_in_the_spec() {
    let named = format!(
        "{VALID}  mode:\n    type: enum\n    values: [Euler a, {{value: euler-a, name: EulerALower}}]\n    description: M.\n"
    );
    let model = codegen::load(&[source("spec/demo.yaml", &named)]).unwrap();
    let variants: Vec<(&str, &str)> = model.endpoints[0].local_enums[0]
        .variants
        .iter()
        .map(|v| (v.wire.as_str(), v.ident.as_str()))
        .collect();
    assert_eq!(
        variants,
        [("Euler a", "EulerA"), ("euler-a", "EulerALower")]
    );

    for (bad, place, expected) in [
        (
            "{value: x, name: lower}",
            "values[1].name",
            "must be an UpperCamelCase Rust name",
        ),
        (
            "{value: x, name: Self}",
            "values[1].name",
            "not `Self` or `ALL`",
        ),
        (
            "{value: x, name: ALL}",
            "values[1].name",
            "not `Self` or `ALL`",
        ),
        (
            "{value: x, name: EulerA}",
            "values[1].name",
            "variant name `EulerA` is already the Rust variant of \"Euler a\"",
        ),
        (
            "{value: x, name: \"A-b\"}",
            "values[1].name",
            "must be an UpperCamelCase",
        ),
        (
            "{value: x}",
            "values[1].name",
            "missing required key `name`",
        ),
        (
            "{value: x, name: X, nmae: Y}",
            "values[1].nmae",
            "did you mean `name`?",
        ),
        (
            "[x]",
            "values[1]",
            "must be strings (or {value, name} mappings), found a list",
        ),
    ] {
        let text = format!(
            "{VALID}  mode:\n    type: enum\n    values: [Euler a, {bad}]\n    description: M.\n"
        );
        let found = demo_errors(&text);
        assert_one(&found, &[&format!("params.mode.{place}"), expected]);
    }
}

#[test]
fn unknown_type() {
    let found = demo_errors(&VALID.replace("type: string", "type: strng"));
    assert_one(
        &found,
        &[
            "spec/demo.yaml",
            "params.prompt.type",
            "unknown type `strng`",
            "expected one of string, integer",
            "did you mean `string`?",
        ],
    );
}

#[test]
fn unknown_key() {
    let found = demo_errors(&VALID.replace("default: 5", "defualt: 5"));
    assert_one(
        &found,
        &[
            "spec/demo.yaml",
            "params.steps.defualt",
            "unknown key `defualt`",
            "did you mean `default`?",
        ],
    );
    let found = demo_errors(&format!("{VALID}version: 2\n"));
    assert_one(
        &found,
        &["spec/demo.yaml:17:1: version: unknown key `version`"],
    );
}

#[test]
fn missing_required_field() {
    let found = demo_errors(&VALID.replace("    description: Steps.\n", ""));
    assert_one(
        &found,
        &[
            "spec/demo.yaml",
            "params.steps.description",
            "missing required key `description`",
        ],
    );
    let found = demo_errors(&VALID.replace("title: Demo\n", ""));
    assert_one(
        &found,
        &["spec/demo.yaml:1:1: title: missing required key `title`"],
    );
}

#[test]
fn parameters_whose_rust_names_collide() {
    let text = format!("{VALID}  Steps:\n    type: integer\n    description: Clash.\n");
    assert_one(
        &demo_errors(&text),
        &[
            "spec/demo.yaml",
            "params.Steps",
            "\"steps\" and \"Steps\" would both generate the Rust name `steps`",
        ],
    );
}

#[test]
fn undefined_shared_enum() {
    let text =
        format!("{VALID}  scheduler:\n    type: enum\n    enum: schedular\n    description: S.\n");
    assert_one(
        &demo_errors(&text),
        &[
            "spec/demo.yaml",
            "params.scheduler.enum",
            "unknown shared enum `schedular`",
            "did you mean `scheduler`?",
        ],
    );
}

#[test]
fn required_parameter_with_default() {
    let found = demo_errors(&VALID.replace("required: true", "required: true\n    default: a cat"));
    assert_one(
        &found,
        &[
            "spec/demo.yaml",
            "params.prompt.default",
            "a required parameter cannot have a default",
        ],
    );
}

#[test]
fn wrong_value_types() {
    let found = demo_errors(
        &VALID
            .replace("max: 10", "max: ten")
            .replace("default: 5", "default: 5.5"),
    );
    assert!(found.iter().any(|m| m.contains("params.steps.max: expected a whole number that fits in 64 bits, found the string \"ten\"")), "{found:#?}");
    assert!(
        found
            .iter()
            .any(|m| m
                .contains("params.steps.default: expected a whole number, found the number 5.5")),
        "{found:#?}"
    );
}

#[test]
fn slug_must_match_file_name() {
    assert_one(
        &errors(&[("spec/other.yaml", VALID)]),
        &[
            "spec/other.yaml:1:1: slug",
            "must equal the file name \"other\"",
        ],
    );
}

#[test]
fn syntax_errors_carry_a_position() {
    let found = errors(&[("spec/demo.yaml", "slug: demo\nparams: [unclosed\n")]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].starts_with("spec/demo.yaml:"), "{}", found[0]);
    assert!(found[0].contains("invalid YAML"), "{}", found[0]);
}

#[test]
fn all_problems_in_all_files_are_reported_at_once_in_a_stable_order() {
    let broken_a = VALID
        .replace("default: 5", "default: 50")
        .replace("type: string", "type: text");
    let broken_b = VALID
        .replace("slug: demo", "slug: other")
        .replace("min: 1", "min: 7");
    let files = [
        ("spec/demo.yaml", broken_a.as_str()),
        ("spec/other.yaml", broken_b.as_str()),
    ];
    let found = errors(&files);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found[0].starts_with("spec/demo.yaml:8:5: params.prompt.type"),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with("spec/demo.yaml:13:5: params.steps.default"),
        "{found:#?}"
    );
    assert!(
        found[2].starts_with("spec/other.yaml:13:5: params.steps.default"),
        "{found:#?}"
    );
    let reversed = [files[1], files[0]];
    assert_eq!(found, errors(&reversed));
}

#[test]
fn problems_point_at_line_and_column() {
    // A list item is located at the item, a missing key at its mapping.
    let text =
        format!("{VALID}  mode:\n    type: enum\n    values: [fast, '']\n    description: M.\n");
    assert_one(
        &demo_errors(&text),
        &["spec/demo.yaml:19:20: params.mode.values[1]: "],
    );
    let found = demo_errors(&VALID.replace("    description: Steps.\n", ""));
    assert_one(
        &found,
        &["spec/demo.yaml:11:3: params.steps.description: missing required key"],
    );
    // Block lists, flow mappings and parameter names with dots resolve too.
    let text = format!(
        "{VALID}  img.width:\n    type: enum\n    values:\n      - a\n      - a\n    description: W.\n  \
         flow: {{type: integer, default: 0, min: 1, description: F.}}\n"
    );
    let found = demo_errors(&text);
    assert_eq!(
        found,
        [
            "spec/demo.yaml:21:9: params.img.width.values[1]: duplicated enum value \"a\"",
            "spec/demo.yaml:23:25: params.flow.default: default 0 is outside the range 1..=",
        ],
    );
}

#[test]
fn syntax_errors_point_at_line_and_column() {
    let found = errors(&[(
        "spec/demo.yaml",
        "slug: demo\nparams:\n  a: [unclosed\n  b: 1\n",
    )]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].starts_with("spec/demo.yaml:4:"), "{}", found[0]);
    let found = errors(&[("spec/demo.yaml", "slug: demo\nslug: again\n")]);
    assert_eq!(
        found,
        ["spec/demo.yaml:2:1: slug: invalid YAML: duplicate entry with key \"slug\""]
    );
}

#[test]
fn every_problem_in_a_broken_file_has_a_position() {
    let broken = VALID
        .replace("type: string", "type: strng")
        .replace("default: 5", "default: five")
        .replace("title: Demo\n", "")
        .replace("max: 10", "max: 10\n    maximum: 12");
    let found = errors(&[
        ("spec/demo.yaml", &broken),
        (
            "spec/enums.yaml",
            "enums:\n  s: {values: [], description: S.}\n",
        ),
    ]);
    // Every problem, the parameter's included although `title` is missing.
    assert_eq!(
        places(&found),
        [
            "title",
            "params.prompt.type",
            "params.steps.default",
            "params.steps.maximum",
            "enums.s.values",
        ],
        "{found:#?}"
    );
    for message in &found {
        let (file, rest) = message.split_once(".yaml:").expect("a file name");
        let position: Vec<&str> = rest.splitn(3, ':').take(2).collect();
        assert!(
            position
                .iter()
                .all(|n| n.parse::<usize>().is_ok_and(|n| n > 0)),
            "{file}.yaml has no line:column in {message:?}"
        );
    }
}

#[test]
fn near_misses_get_a_hint() {
    let hint = |text: &str, path: &str, expected: &str| {
        let found = demo_errors(text);
        assert!(
            found
                .iter()
                .any(|m| m.contains(path) && m.contains(&format!("(hint: {expected})"))),
            "no problem at {path} with the hint {expected:?} in {found:#?}"
        );
    };
    hint(
        &VALID.replace("max: 10", "maximum: 10"),
        "params.steps.maximum",
        "did you mean `max`?",
    );
    hint(
        &VALID.replace("type: string", "type: text"),
        "params.prompt.type",
        "did you mean `string`?",
    );
    hint(
        &VALID.replace("required: true", "required: \"true\""),
        "params.prompt.required",
        "write true without quotes",
    );
    hint(
        &VALID.replace("max: 10", "max: \"10\""),
        "params.steps.max",
        "write 10 without quotes",
    );
    hint(
        &VALID.replace("default: 5", "default: 5.0"),
        "params.steps.default",
        "write 5",
    );
    hint(
        &VALID.replace("max: 10", "max: 10.0"),
        "params.steps.max",
        "write 10",
    );
    let text = format!("{VALID}  seed:\n    type: string\n    description: S.\n    example: 42\n");
    hint(&text, "params.seed.example", "quote it: \"42\"");
    let text = format!("{VALID}  scheduler:\n    type: enum\n    enum: scheduler\n    default: euler_a\n    description: S.\n");
    hint(
        &text,
        "params.scheduler.default",
        "did you mean \"Euler a\"?",
    );
    // Keys that slipped a level of indentation.
    hint(
        &VALID.replace("    description: Steps.\n", "  description: Steps.\n"),
        "params.description",
        "`description` is a key of a parameter; is it indented one level too little?",
    );
    hint(
        &format!("{VALID}  returns: json\n"),
        "params.returns",
        "`returns` is a key of the endpoint; is it indented one level too deep?",
    );
    hint(
        &format!("{VALID}min: 3\n"),
        "min",
        "`min` is a key of a parameter; indent it under one in `params`",
    );
}

#[test]
fn empty_documentation_is_an_error() {
    let found = demo_errors(&VALID.replace("description: Prompt.", "description: ''"));
    assert_one(
        &found,
        &["spec/demo.yaml:10:5: params.prompt.description: `description` must not be empty"],
    );
}

#[test]
fn a_missing_top_level_field_does_not_hide_the_parameters_problems() {
    let found = demo_errors(
        &VALID
            .replace("returns: image\n", "")
            .replace("default: 5", "default: 50"),
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].contains(": returns: missing required key `returns`"),
        "{}",
        found[0]
    );
    assert!(found[1].contains("params.steps.default"), "{}", found[1]);
    assert!(found[1].contains("50"), "{}", found[1]);
}

#[test]
fn a_broken_shared_enum_is_reported_once_not_again_where_it_is_used() {
    let uses_it = VALID.replace(
        "    description: Steps.\n",
        "    description: Steps.\n  scheduler:\n    type: enum\n    enum: scheduler\n    description: S.\n",
    );
    let broken = SHARED.replace("[DDIM, Euler a, Euler]", "[DDIM, DDIM]");
    let found = errors(&[("spec/demo.yaml", &uses_it), ("spec/enums.yaml", &broken)]);
    assert_one(
        &found,
        &["spec/enums.yaml", "enums.scheduler.values[1]", "duplicated"],
    );
}

#[test]
fn slugs_whose_client_methods_collide() {
    // `send` is a client method already, so its endpoint's is `send_endpoint`.
    let found = errors(&[
        ("spec/send.yaml", &with_slug("send")),
        ("spec/send-endpoint.yaml", &with_slug("send-endpoint")),
    ]);
    assert_one(
        &found,
        &[
            "spec/send.yaml",
            "slug",
            "client method `send_endpoint`",
            "send-endpoint.yaml",
        ],
    );
}

/// The remaining rules, one case each: the spec change, the place the
/// message must name and what it must say.
#[test]
fn each_remaining_rule_names_the_place_and_what_was_expected() {
    let with_param = |param: &str| format!("{VALID}{param}");
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "slug characters",
            VALID.replace("slug: demo", "slug: de mo"),
            "spec/demo.yaml:1:1: slug",
            "may only contain ASCII letters, digits",
        ),
        (
            "path format",
            VALID.replace("path: /demo", "path: demo?x=1"),
            "spec/demo.yaml:2:1: path",
            "must start with '/'",
        ),
        (
            "a bound on a string",
            VALID.replace("    description: Prompt.\n", "    description: Prompt.\n    min: 1\n"),
            "params.prompt.min",
            "`min`",
        ),
        (
            "inline values and a shared enum together",
            with_param("  mode:\n    type: enum\n    values: [a, b]\n    enum: scheduler\n    description: M.\n"),
            "params.mode",
            "either inline `values` or a shared `enum` name, not both",
        ),
        (
            "an enum with neither",
            with_param("  mode:\n    type: enum\n    description: M.\n"),
            "params.mode",
            "values",
        ),
        (
            "an empty allowed list",
            with_param("  width:\n    type: integer\n    allowed: []\n    description: W.\n"),
            "params.width.allowed",
            "at least one value",
        ),
        (
            "a duplicated allowed value",
            with_param("  width:\n    type: integer\n    allowed: [512, 512]\n    description: W.\n"),
            "params.width.allowed[1]",
            "duplicated allowed value 512",
        ),
        (
            "an allowed value outside the range",
            with_param("  width:\n    type: integer\n    min: 256\n    max: 768\n    allowed: [512, 1024]\n    description: W.\n"),
            "params.width.allowed[1]",
            "allowed value 1024 is outside the range 256..=768",
        ),
        (
            "an example outside the range",
            VALID.replace("    description: Steps.\n", "    description: Steps.\n    example: 11\n"),
            "params.steps.example",
            "11",
        ),
    ];
    for (rule, text, place, expected) in cases {
        let found = demo_errors(&text);
        assert!(
            found
                .iter()
                .any(|m| m.contains(place) && m.contains(expected)),
            "{rule}: no message naming {place:?} and saying {expected:?} in {found:#?}"
        );
    }
}

#[test]
fn slugs_whose_modules_collide_across_files() {
    let found = errors(&[
        ("spec/a-b.yaml", &with_slug("a-b")),
        ("spec/a_b.yaml", &with_slug("a_b")),
    ]);
    assert!(
        found
            .iter()
            .any(|m| m.contains("generates the module `a_b`") && m.contains("a-b.yaml")),
        "{found:#?}"
    );
}

#[test]
fn a_missing_top_level_field_does_not_hide_the_other_fields_problems() {
    let text = VALID
        .replace("title: Demo\n", "")
        .replace("path: /demo", "path: demo")
        + "  img-width:\n    type: integer\n    description: W.\n  img_width:\n    type: integer\n    description: W.\n";
    let found = demo_errors(&text);
    assert_eq!(
        places(&found),
        ["title", "path", "params.img_width"],
        "{found:#?}"
    );
}

#[test]
fn an_unreadable_shared_enum_does_not_hide_a_misspelt_reference_to_another() {
    let shared = format!("{SHARED}  sampler:\n    values: [a, b]\n");
    let uses = VALID.replace(
        "    description: Steps.\n",
        "    description: Steps.\n  scheduler:\n    type: enum\n    enum: shceduler\n    description: S.\n  sampler:\n    type: enum\n    enum: sampler\n    description: S.\n",
    );
    let found = errors(&[("spec/demo.yaml", &uses), ("spec/enums.yaml", &shared)]);
    // The broken `sampler` once, where it is defined; the typo where it is.
    assert_eq!(
        places(&found),
        ["params.scheduler.enum", "enums.sampler.description"],
        "{found:#?}"
    );
    assert!(
        found[0].contains("did you mean `scheduler`?"),
        "{}",
        found[0]
    );
}

/// A path is joined to the versioned base URL: one that climbs out of it,
/// or carries a query or fragment, would call another URL than the spec says.
#[test]
fn paths_that_leave_the_versioned_base_are_errors() {
    for (path, expected) in [
        ("/../admin", "'..' segment"),
        ("/demo/..", "'..' segment"),
        ("/./demo", "'.' or '..' segment"),
        ("/%2E%2e/admin", "'..' segment"),
        ("//evil.example/demo", "empty segment ('//')"),
        ("/demo//x", "empty segment ('//')"),
        ("/demo?x=1", "'?' or '#'"),
        ("/demo#top", "'?' or '#'"),
        ("demo", "must start with '/'"),
        ("/de mo", "space"),
    ] {
        let found = demo_errors(&VALID.replace("path: /demo", &format!("path: {path:?}")));
        assert_one(
            &found,
            &["spec/demo.yaml:2:1: path: ", expected, "(such as /demo)"],
        );
        assert!(found[0].contains(&format!("{path:?}")), "{found:#?}");
    }
    // Dots inside a segment are ordinary characters.
    for path in ["/sd1.5-img2img", "/v.2/x", "/demo/"] {
        let text = VALID.replace("path: /demo", &format!("path: {path}"));
        codegen::load(&[source("spec/demo.yaml", &text)])
            .unwrap_or_else(|problems| panic!("{path}: {problems}"));
    }
}

/// YAML reads `123:` as a number, which is no parameter name; the message
/// points at that key's own line, not at `params`.
#[test]
fn a_numeric_parameter_key_is_reported_at_its_line() {
    let text = format!("{VALID}  123:\n    type: string\n    description: Numeric.\n  true:\n    type: string\n    description: Boolean.\n");
    let found = demo_errors(&text);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with(
            "spec/demo.yaml:17:3: params: parameter names must be strings, found the number 123"
        ),
        "{found:#?}"
    );
    assert!(found[0].contains("(hint: quote it: \"123\")"), "{found:#?}");
    assert!(
        found[1].starts_with(
            "spec/demo.yaml:20:3: params: parameter names must be strings, found the boolean true"
        ),
        "{found:#?}"
    );
}

/// A spec that is a symbolic link is read through the link; a link to
/// nothing, or a folder named like a spec, stops the run with its name
/// instead of being left out without a word.
#[cfg(unix)]
#[test]
fn a_spec_that_is_a_symbolic_link_is_followed_or_refused_by_name() {
    use std::os::unix::fs::symlink;
    let root = std::env::temp_dir().join(format!("codegen-symlinks-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let spec = root.join("spec");
    std::fs::create_dir_all(&spec).unwrap();
    std::fs::write(root.join("demo.txt"), VALID).unwrap();
    symlink(root.join("demo.txt"), spec.join("demo.yaml")).unwrap();
    let sources = codegen::workspace::read_specs(&root).expect("the link is followed");
    assert_eq!(sources, [source("spec/demo.yaml", VALID)]);
    codegen::load(&sources).expect("the linked spec is valid");

    symlink(root.join("missing.txt"), spec.join("gone.yaml")).unwrap();
    let error = codegen::workspace::read_specs(&root)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("spec/gone.yaml: a symbolic link whose target cannot be read"),
        "{error}"
    );
    std::fs::remove_file(spec.join("gone.yaml")).unwrap();

    std::fs::create_dir(root.join("folder")).unwrap();
    symlink(root.join("folder"), spec.join("folder.yaml")).unwrap();
    let error = codegen::workspace::read_specs(&root)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("spec/folder.yaml: is not a file (a symbolic link to a folder)"),
        "{error}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn base64_on_an_image_endpoint_must_be_the_boolean_switch() {
    let found = demo_errors(&format!(
        "{VALID}  base64:\n    type: string\n    description: Encoding.\n"
    ));
    assert_one(
        &found,
        &[
            "spec/demo.yaml:",
            "params.base64.type",
            "switches the answer to base64 JSON",
            "boolean",
        ],
    );
}

#[test]
fn the_base64_switch_is_in_the_model() {
    let spec = format!("{VALID}  base64:\n    type: boolean\n    description: Encode.\n");
    let sources = [source("spec/demo.yaml", &spec)];
    let model = codegen::load(&sources).unwrap_or_else(|problems| panic!("{problems}"));
    assert_eq!(model.endpoints[0].base64_switch.as_deref(), Some("base64"));
    let json_endpoint = spec.replace("returns: image", "returns: json");
    let sources = [source("spec/demo.yaml", &json_endpoint)];
    let model = codegen::load(&sources).unwrap_or_else(|problems| panic!("{problems}"));
    assert_eq!(
        model.endpoints[0].base64_switch, None,
        "JSON answers have no switch"
    );
}

#[test]
fn an_endpoint_with_more_parameters_than_the_compiler_manages_is_an_error() {
    let many: String = (0..=codegen::check::MAX_PARAMS)
        .map(|n| format!("  p{n}:\n    type: string\n    description: Text {n}.\n"))
        .collect();
    let found = demo_errors(&format!("{VALID}{many}"));
    assert_one(
        &found,
        &[
            "spec/demo.yaml:",
            "params",
            "at most 1000 are accepted",
            "body_field",
        ],
    );
}
