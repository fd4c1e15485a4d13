//! The editor schemas in `spec/schema/` match the loader's format, and
//! every spec in `spec/` (and the obstacle course) names and satisfies
//! them.

use std::collections::BTreeSet;
use std::path::Path;

use codegen::schema::{ENUMS_SCHEMA_PATH, SPEC_SCHEMA_PATH};
use codegen::spec::{
    ParamType, Returns, ENDPOINT_KEYS, ENUMS_FILE_KEYS, ENUM_KEYS, ENUM_VALUE_KEYS, ITEM_KEYS,
    PARAM_KEYS, QUEUE_KEYS,
};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn committed(path: &str) -> Value {
    let text = std::fs::read_to_string(root().join(path)).expect("the schema is committed");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// The property names of the object schema at `pointer`.
fn keys(schema: &Value, pointer: &str) -> BTreeSet<String> {
    schema
        .pointer(pointer)
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("no properties at {pointer}"))
        .keys()
        .cloned()
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The `const` values of a string enum's `oneOf`.
fn consts(schema: &Value, pointer: &str) -> BTreeSet<String> {
    schema
        .pointer(pointer)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("no oneOf at {pointer}"))
        .iter()
        .filter_map(|option| option["const"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn schemas_have_the_loaders_keys() {
    let spec = committed(SPEC_SCHEMA_PATH);
    assert_eq!(keys(&spec, "/properties"), set(&ENDPOINT_KEYS));
    assert_eq!(
        keys(&spec, "/definitions/Param/properties"),
        set(&PARAM_KEYS)
    );
    assert_eq!(
        consts(&spec, "/definitions/ParamType/oneOf"),
        set(&ParamType::NAMES)
    );
    assert_eq!(
        consts(&spec, "/definitions/Returns/oneOf"),
        set(&Returns::NAMES)
    );
    assert_eq!(
        keys(&spec, "/definitions/ItemSpec/properties"),
        set(&ITEM_KEYS)
    );
    assert_eq!(
        keys(&spec, "/definitions/Queue/properties"),
        set(&QUEUE_KEYS)
    );
    let enums = committed(ENUMS_SCHEMA_PATH);
    assert_eq!(keys(&enums, "/properties"), set(&ENUMS_FILE_KEYS));
    assert_eq!(
        keys(&enums, "/definitions/SharedEnum/properties"),
        set(&ENUM_KEYS)
    );
    for schema in [&spec, &enums] {
        assert_eq!(
            keys(schema, "/definitions/NamedEnumValue/properties"),
            set(&ENUM_VALUE_KEYS)
        );
    }
}

/// A spec's YAML as JSON, the form a schema validator reads.
fn as_json(text: &str) -> Value {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).expect("the spec is YAML");
    serde_json::to_value(yaml).expect("the spec has string keys")
}

fn validate(dir: &Path, schema_dir: &str) -> usize {
    let spec = jsonschema::validator_for(&committed(SPEC_SCHEMA_PATH)).expect("a valid schema");
    let enums = jsonschema::validator_for(&committed(ENUMS_SCHEMA_PATH)).expect("a valid schema");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).expect("spec folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable spec");
        let is_enums = path.file_name().is_some_and(|n| n == "enums.yaml");
        let (validator, schema) = if is_enums {
            (&enums, "enums.schema.json")
        } else {
            (&spec, "spec.schema.json")
        };
        let first_line = format!("# yaml-language-server: $schema={schema_dir}/{schema}");
        assert_eq!(
            text.lines().next(),
            Some(first_line.as_str()),
            "{}",
            path.display()
        );
        let errors: Vec<String> = validator
            .iter_errors(&as_json(&text))
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{} does not satisfy {schema}: {errors:#?}",
            path.display()
        );
        checked += 1;
    }
    checked
}

#[test]
fn every_spec_names_and_satisfies_its_schema() {
    // The five seed endpoints and enums.yaml at least; models added later too.
    assert!(validate(&root().join("spec"), "./schema") >= 6);
    let obstacles = root().join("codegen/tests/obstacle-course");
    assert!(validate(&obstacles, "../../../spec/schema") >= 6);
}

#[test]
fn the_schema_rejects_what_the_loader_rejects() {
    let spec = jsonschema::validator_for(&committed(SPEC_SCHEMA_PATH)).expect("a valid schema");
    let valid = "slug: a\npath: /a\ntitle: A\ndescription: A.\nreturns: image\nparams:\n  p:\n    type: integer\n    description: P.\n";
    assert!(spec.is_valid(&as_json(valid)));
    for broken in [
        valid.replace("type: integer", "type: int"),
        valid.replace("description: P.", "descripton: P."),
        valid.replace("returns: image", "returns: png"),
        valid.replace("title: A\n", ""),
        valid.replace("path: /a", "path: a"),
        format!("{valid}    min: ten\n"),
    ] {
        assert!(!spec.is_valid(&as_json(&broken)), "accepted:\n{broken}");
    }
}
