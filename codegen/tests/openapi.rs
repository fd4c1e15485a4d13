//! The committed OpenAPI document, read back by a third-party OpenAPI 3.1
//! library (`oas3`) and compared with `spec/` through the generator's own
//! loader: every operation, every request schema and every parameter's type,
//! format, bounds, allowed values, default, example and description.

use std::collections::BTreeMap;
use std::path::Path;

use codegen::model::{Endpoint, Kind, Model, Param, Returns};
use codegen::SpecSource;
use oas3::spec::{
    ObjectOrReference, ObjectSchema, Operation, Schema, SchemaType as Type,
    SchemaTypeSet as TypeSet,
};
use serde_json::{json, Value};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn model() -> Model {
    let sources = codegen::workspace::read_specs(root()).expect("spec/ is readable");
    codegen::load(&sources).unwrap_or_else(|problems| panic!("{problems}"))
}

fn document_text() -> String {
    std::fs::read_to_string(root().join(codegen::emit::OPENAPI_PATH))
        .expect("the OpenAPI document is committed")
}

fn document() -> oas3::Spec {
    oas3::from_json(document_text()).expect("oas3 reads the document")
}

/// Every operation by `METHOD path`.
fn operations(spec: &oas3::Spec) -> BTreeMap<String, Operation> {
    spec.operations()
        .map(|(path, method, operation)| (format!("{method} {path}"), operation.clone()))
        .collect()
}

fn object(schema: &Schema, spec: &oas3::Spec) -> ObjectSchema {
    match schema.resolve(spec).expect("the reference resolves") {
        Schema::Object(boxed) => match *boxed {
            ObjectOrReference::Object(object) => object,
            ObjectOrReference::Ref { ref_path, .. } => panic!("{ref_path} resolved to a reference"),
        },
        Schema::Boolean(_) => panic!("expected an object schema"),
    }
}

fn number(value: Option<&serde_json::Number>) -> Option<f64> {
    value.map(|n| n.as_f64().expect("a finite bound"))
}

/// JSON numbers by value: the document writes `7` for a number default of 7.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn single_type(schema: &ObjectSchema) -> Type {
    match &schema.schema_type {
        Some(TypeSet::Single(ty)) => *ty,
        other => panic!("expected one type, found {other:?}"),
    }
}

/// A property's schema without the `null` an optional parameter also
/// takes, and whether it took it: a type list loses `"null"`, an `enum`
/// its `null`, and `anyOf` a reference and `null` becomes the reference
/// with the property's annotations beside it.
fn without_null(raw: &Value) -> (Value, bool) {
    let mut schema = raw.clone();
    let null = json!({"type": "null"});
    let mut nullable = false;
    if let Some(choices) = schema.get("anyOf").and_then(Value::as_array).cloned() {
        if choices.len() == 2 && choices[1] == null {
            let map = schema.as_object_mut().unwrap();
            map.remove("anyOf");
            map.extend(choices[0].as_object().unwrap().clone());
            nullable = true;
        }
    }
    if let Some(types) = schema.get("type").and_then(Value::as_array).cloned() {
        assert!(types.contains(&json!("null")), "a type list only adds null");
        let rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
        assert_eq!(rest.len(), 1, "one type beside null");
        schema["type"] = rest[0].clone();
        nullable = true;
    }
    if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut) {
        let before = values.len();
        values.retain(|v| !v.is_null());
        assert_eq!(
            before != values.len(),
            nullable,
            "null in the enum as in the type"
        );
    }
    (schema, nullable)
}

/// A parameter's schema says what the spec says, and nothing more.
fn check_param(endpoint: &Endpoint, param: &Param, raw: &Value, spec: &oas3::Spec) {
    let at = format!("{}: `{}`", endpoint.source, param.wire);
    // An optional parameter also takes `null`, a parameter not sent; a
    // required one does not.
    let (stripped, nullable) = without_null(raw);
    assert_eq!(
        nullable, !param.required,
        "{at}: null is allowed when optional"
    );
    let property: Schema = serde_json::from_value(stripped).expect("a schema");
    let property = &property;
    let schema = object(property, spec);
    let floats = |list: &[Value]| list.iter().map(|v| v.as_f64().unwrap()).collect::<Vec<_>>();
    match &param.kind {
        Kind::String => assert_eq!(single_type(&schema), Type::String, "{at}"),
        Kind::Media(media) => {
            assert_eq!(single_type(&schema), Type::String, "{at}");
            assert_eq!(
                schema.min_length,
                Some(1),
                "{at}: an empty input file is refused"
            );
            assert_eq!(
                schema.extensions.get("segmind-type"),
                Some(&json!(media.name())),
                "{at}: the medium is named"
            );
        }
        Kind::List {
            min_items,
            max_items,
            ..
        } => {
            assert_eq!(single_type(&schema), Type::Array, "{at}");
            assert_eq!(schema.min_items, *min_items, "{at}");
            assert_eq!(schema.max_items, *max_items, "{at}");
        }
        Kind::Object(def) => {
            assert_eq!(single_type(&schema), Type::Object, "{at}");
            let names: Vec<&str> = schema.properties.keys().map(String::as_str).collect();
            let fields: Vec<&str> = def.fields.iter().map(|f| f.wire.as_str()).collect();
            assert_eq!(names, fields, "{at}: one property per field");
        }
        Kind::Boolean => assert_eq!(single_type(&schema), Type::Boolean, "{at}"),
        Kind::Integer { min, max, allowed } => {
            assert_eq!(single_type(&schema), Type::Integer, "{at}");
            assert_eq!(schema.format.as_deref(), Some("int64"), "{at}");
            match allowed {
                Some(list) => {
                    let found: Vec<i64> = schema
                        .enum_values
                        .iter()
                        .map(|v| v.as_i64().unwrap())
                        .collect();
                    assert_eq!(&found, list, "{at}");
                }
                // An open bound is stated as the 64-bit one.
                None => {
                    assert_eq!(
                        schema.minimum.as_ref().and_then(|n| n.as_i64()),
                        Some(min.unwrap_or(i64::MIN)),
                        "{at}"
                    );
                    assert_eq!(
                        schema.maximum.as_ref().and_then(|n| n.as_i64()),
                        Some(max.unwrap_or(i64::MAX)),
                        "{at}"
                    );
                }
            }
        }
        Kind::Number { min, max, allowed } => {
            assert_eq!(single_type(&schema), Type::Number, "{at}");
            assert_eq!(schema.format.as_deref(), Some("double"), "{at}");
            match allowed {
                Some(list) => assert_eq!(&floats(&schema.enum_values), list, "{at}"),
                None => {
                    assert_eq!(number(schema.minimum.as_ref()), *min, "{at}");
                    assert_eq!(number(schema.maximum.as_ref()), *max, "{at}");
                }
            }
        }
        Kind::Enum {
            type_name,
            shared,
            wire_values,
        } => {
            let values: Vec<&str> = schema
                .enum_values
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(values, *wire_values, "{at}");
            assert_eq!(single_type(&schema), Type::String, "{at}");
            if *shared {
                // Shared enums are components, referenced from each use.
                let Schema::Object(boxed) = property else {
                    panic!("{at}: not an object")
                };
                let ObjectOrReference::Ref { ref_path, .. } = boxed.as_ref() else {
                    panic!("{at}: a shared enum is referenced, not inlined")
                };
                assert_eq!(
                    ref_path,
                    &format!("#/components/schemas/{type_name}"),
                    "{at}"
                );
            } else {
                assert_eq!(schema.title.as_deref(), Some(type_name.as_str()), "{at}");
            }
        }
    }
    // oas3 keeps only `$ref`, `summary` and `description` of a reference
    // with siblings, so the annotations are read from the JSON itself.
    assert_eq!(raw["description"], json!(param.description), "{at}");
    match &param.default {
        Some(default) => assert!(same_json(&raw["default"], &default.to_json()), "{at}"),
        None => assert!(
            raw.get("default").is_none(),
            "{at}: no default is documented"
        ),
    }
    match &param.example {
        Some(example) => assert!(same_json(&raw["examples"][0], &example.to_json()), "{at}"),
        None => assert!(raw.get("examples").is_none(), "{at}"),
    }
}

fn check_request_body(endpoint: &Endpoint, operation: &Operation, spec: &oas3::Spec, raw: &Value) {
    let body = operation
        .request_body(spec)
        .expect("the body resolves")
        .expect("every endpoint takes a body");
    assert_eq!(body.required, Some(true), "{}", endpoint.source);
    let schema = body.content["application/json"]
        .schema(spec)
        .expect("resolves")
        .expect("has a schema");
    let schema = object(&schema, spec);
    assert_eq!(schema.title.as_deref(), Some(endpoint.type_name.as_str()));
    assert_eq!(single_type(&schema), Type::Object);
    let wires: Vec<&str> = endpoint.params.iter().map(|p| p.wire.as_str()).collect();
    let properties: Vec<&str> = schema.properties.keys().map(String::as_str).collect();
    assert_eq!(
        properties, wires,
        "{}: parameters in spec order",
        endpoint.source
    );
    let required: Vec<&str> = endpoint
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.wire.as_str())
        .collect();
    assert_eq!(schema.required, required, "{}", endpoint.source);
    assert_eq!(
        schema.additional_properties,
        Some(Schema::Boolean(oas3::spec::BooleanSchema(false))),
        "{}: unknown fields are refused, as the request types refuse them",
        endpoint.source
    );
    let raw_properties = &raw["components"]["schemas"][&endpoint.type_name]["properties"];
    for param in &endpoint.params {
        assert!(schema.properties.contains_key(&param.wire));
        check_param(endpoint, param, &raw_properties[&param.wire], spec);
    }
}

#[test]
fn every_operation_and_schema_matches_the_specs() {
    let model = model();
    let spec = document();
    let raw: Value = serde_json::from_str(&document_text()).unwrap();
    assert_eq!(spec.openapi, "3.1.0");
    let operations = operations(&spec);
    for endpoint in &model.endpoints {
        let sync = &operations[&format!("POST /v1{}", endpoint.path)];
        let queued = &operations[&format!("POST /v2{}", endpoint.path)];
        assert_eq!(sync.operation_id.as_deref(), Some(endpoint.method.as_str()));
        assert_eq!(
            queued.operation_id,
            Some(format!("{}_queued", endpoint.method))
        );
        for operation in [sync, queued] {
            assert_eq!(operation.summary.as_deref(), Some(endpoint.title.as_str()));
            assert_eq!(operation.extensions["segmind-spec"], json!(endpoint.source));
            assert_eq!(
                operation.extensions.get("segmind-base64-switch"),
                endpoint.base64_switch.as_ref().map(|s| json!(s)).as_ref(),
                "{}: the base64 switch is named",
                endpoint.source
            );
            check_request_body(endpoint, operation, &spec, &raw);
        }
        let answer = &sync.responses(&spec)["200"];
        let media: Vec<&str> = answer.content.keys().map(String::as_str).collect();
        match endpoint.returns {
            Returns::Image => assert_eq!(media, ["image/jpeg", "image/png", "application/json"]),
            Returns::Json => assert_eq!(media, ["application/json"]),
            Returns::Video => assert_eq!(media, ["video/*"]),
            Returns::Audio => assert_eq!(media, ["audio/*"]),
            Returns::Text => assert_eq!(media, ["text/plain"]),
        }
        assert!(answer.headers.contains_key("x-remaining-credits"));
        let submitted = &queued.responses(&spec)["200"].content["application/json"];
        let submitted = object(&submitted.schema(&spec).unwrap().unwrap(), &spec);
        for field in ["request_id", "status_url", "response_url"] {
            assert!(submitted.required.iter().any(|r| r == field), "{field}");
        }
    }
    for shared in [
        "GET /v1/get-user-credits",
        "GET /v2/requests/{request_id}/status",
        "GET /v2/requests/{request_id}",
    ] {
        assert!(operations.contains_key(shared), "{shared} is described");
    }
    assert_eq!(
        operations.len(),
        2 * model.endpoints.len() + 3,
        "no operation the specs do not describe: {:?}",
        operations.keys()
    );
    for def in &model.shared_enums {
        let schema = &spec.components.as_ref().unwrap().schemas[&def.type_name];
        let values: Vec<Value> = def.variants.iter().map(|v| json!(v.wire)).collect();
        let schema = object(schema, &spec);
        assert_eq!(schema.enum_values, values, "shared enum {}", def.spec_name);
    }
    let schemes = &spec.components.as_ref().unwrap().security_schemes;
    let scheme = serde_json::to_value(&schemes["apiKey"]).unwrap();
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["in"], "header");
    assert_eq!(scheme["name"], "x-api-key");
}

#[test]
fn the_queue_and_credits_shapes_are_described() {
    let spec = document();
    let operations = operations(&spec);
    let status = &operations["GET /v2/requests/{request_id}/status"];
    let responses = status.responses(&spec);
    let failed = &responses["422"].content["application/json"];
    let failed = object(&failed.schema(&spec).unwrap().unwrap(), &spec);
    assert_eq!(failed.required, ["status", "error"]);
    let ok = &responses["200"].content["application/json"];
    let ok = object(&ok.schema(&spec).unwrap().unwrap(), &spec);
    let state = object(&ok.properties["status"], &spec);
    assert_eq!(
        state.enum_values,
        [
            json!("QUEUED"),
            json!("PROCESSING"),
            json!("COMPLETED"),
            json!("FAILED")
        ]
    );
    let credits = &operations["GET /v1/get-user-credits"].responses(&spec)["200"];
    let credits = object(
        &credits.content["application/json"]
            .schema(&spec)
            .unwrap()
            .unwrap(),
        &spec,
    );
    assert_eq!(credits.required, ["credits", "free-credits"]);
    let limited = &status.responses(&spec)["429"];
    assert!(limited.headers.contains_key("Retry-After"));
}

fn source(path: &str, text: &str) -> SpecSource {
    SpecSource {
        path: path.to_owned(),
        text: text.to_owned(),
    }
}

const DEMO: &str = "\
slug: SLUG
path: /SLUG
title: Demo
description: A demo endpoint.
returns: image
params:
  prompt:
    type: string
    required: true
    description: Prompt.
";

#[test]
fn operation_ids_that_would_collide_stop_the_generator() {
    let sources = [
        source("spec/demo.yaml", &DEMO.replace("SLUG", "demo")),
        source(
            "spec/demo-queued.yaml",
            &DEMO.replace("SLUG", "demo-queued"),
        ),
    ];
    let problems = codegen::generate(&sources).unwrap_err().to_string();
    assert!(problems.contains("spec/demo.yaml"), "{problems}");
    assert!(problems.contains("operationId `demo_queued`"), "{problems}");
}

#[test]
fn a_slug_named_like_a_shared_operation_stops_the_generator() {
    let sources = [source(
        "spec/get-user-credits.yaml",
        &DEMO.replace("SLUG", "get-user-credits"),
    )];
    let problems = codegen::generate(&sources).unwrap_err().to_string();
    assert!(
        problems.contains("spec/get-user-credits.yaml"),
        "{problems}"
    );
    assert!(problems.contains("a shared operation"), "{problems}");
}

#[test]
fn an_endpoint_at_a_shared_path_shares_its_path_item() {
    let spec = DEMO
        .replace("slug: SLUG", "slug: balance")
        .replace("path: /SLUG", "path: /get-user-credits");
    let sources = [source("spec/balance.yaml", &spec)];
    let files = codegen::generate(&sources).expect("valid spec");
    let document = files
        .iter()
        .find(|f| f.path == codegen::emit::OPENAPI_PATH)
        .unwrap();
    let spec = oas3::from_json(&document.contents).unwrap();
    let operations = operations(&spec);
    assert!(operations.contains_key("GET /v1/get-user-credits"));
    assert!(operations.contains_key("POST /v1/get-user-credits"));
}

const RULES: &str = "\
slug: rules
path: /rules
title: Rules
description: Rules between parameters.
returns: image
constraints:
  - exclusive: [image_url, first_frame_url]
  - requires: [last_frame_url, first_frame_url]
  - at_least_one: [prompt, image_url]
params:
  prompt:
    type: string
    description: Prompt.
  image_url:
    type: image
    description: A still.
  first_frame_url:
    type: image
    description: The first frame.
  last_frame_url:
    type: image
    description: The last frame.
";

/// The rules between parameters, as JSON Schema, count a `null` member as
/// not sent, as the generated types read it.
#[test]
fn rules_between_parameters_read_null_as_not_sent() {
    let files = codegen::generate(&[source("spec/rules.yaml", RULES)]).expect("valid spec");
    let document = files
        .iter()
        .find(|f| f.path == codegen::emit::OPENAPI_PATH)
        .unwrap();
    let mut root: Value = serde_json::from_str(&document.contents).unwrap();
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["$ref"] = json!("#/components/schemas/RulesRequest");
    let validator = jsonschema::draft202012::new(&root).expect("the schema compiles");
    for (body, valid) in [
        (json!({"prompt": "p"}), true),
        (json!({"image_url": "a"}), true),
        (json!({}), false),
        (json!({"prompt": null, "image_url": null}), false),
        (json!({"image_url": "a", "first_frame_url": "b"}), false),
        (json!({"image_url": "a", "first_frame_url": null}), true),
        (json!({"prompt": "p", "last_frame_url": "l"}), false),
        (
            json!({"prompt": "p", "last_frame_url": "l", "first_frame_url": null}),
            false,
        ),
        (
            json!({"prompt": "p", "last_frame_url": "l", "first_frame_url": "f"}),
            true,
        ),
        (json!({"prompt": "p", "last_frame_url": null}), true),
    ] {
        assert_eq!(validator.is_valid(&body), valid, "{body}");
    }
}
