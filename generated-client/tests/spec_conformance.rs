//! Walks every spec in `spec/` and checks the generated validators against
//! it: each bound just below, at and just above, each allowed value, and
//! each enum value's wire string. A new spec is covered without new code.

use std::path::Path;

use codegen::model::{ConstraintRule, Endpoint, Kind, Literal, Param};
use segmind::AnyRequest;
use serde_json::{json, Map, Value};

fn model() -> codegen::Model {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sources = codegen::workspace::read_specs(&root).expect("spec/ is readable");
    codegen::load(&sources).unwrap_or_else(|problems| panic!("{problems}"))
}

fn example_json(literal: &Literal) -> Value {
    literal.to_json()
}

/// The example of the parameter `wire` (or `"x"` without one).
fn example_of(endpoint: &Endpoint, wire: &str) -> Value {
    endpoint
        .params
        .iter()
        .find(|p| p.wire == wire)
        .and_then(|p| p.example.as_ref())
        .map(example_json)
        .unwrap_or_else(|| json!("x"))
}

/// A body with every required parameter set to its example, and the first
/// of each "at least one of" group.
fn base_body(endpoint: &Endpoint) -> Map<String, Value> {
    let mut body: Map<String, Value> = endpoint
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| (p.wire.clone(), example_of(endpoint, &p.wire)))
        .collect();
    for constraint in &endpoint.constraints {
        if constraint.rule == ConstraintRule::AtLeastOne
            && !constraint.params.iter().any(|p| body.contains_key(p))
        {
            let first = &constraint.params[0];
            body.insert(first.clone(), example_of(endpoint, first));
        }
    }
    body
}

/// Validates `base` with `param` set to `value`, and the rules between
/// parameters kept (what `param` needs is sent, what it excludes is not);
/// `Err` carries the messages.
fn validate_with(endpoint: &Endpoint, param: &Param, value: Value) -> Result<(), String> {
    let mut body = base_body(endpoint);
    for constraint in &endpoint.constraints {
        if !constraint.params.contains(&param.wire) {
            continue;
        }
        match constraint.rule {
            ConstraintRule::Exclusive => {
                for other in constraint.params.iter().filter(|p| **p != param.wire) {
                    body.remove(other);
                }
            }
            ConstraintRule::Requires if constraint.params[0] == param.wire => {
                for needed in &constraint.params[1..] {
                    body.insert(needed.clone(), example_of(endpoint, needed));
                }
            }
            _ => {}
        }
    }
    body.insert(param.wire.clone(), value.clone());
    let request = AnyRequest::from_json(&endpoint.slug, Value::Object(body))
        .expect("every spec has a generated type")
        .unwrap_or_else(|e| {
            panic!(
                "{}.{} = {value}: does not deserialise: {e}",
                endpoint.slug, param.wire
            )
        });
    request.validate().map_err(|errors| errors.to_string())
}

fn expect_ok(endpoint: &Endpoint, param: &Param, value: Value) {
    if let Err(message) = validate_with(endpoint, param, value.clone()) {
        panic!(
            "{}.{} = {value} should pass: {message}",
            endpoint.slug, param.wire
        );
    }
}

fn expect_rejected(endpoint: &Endpoint, param: &Param, value: Value, rule: &str) {
    match validate_with(endpoint, param, value.clone()) {
        Ok(()) => panic!(
            "{}.{} = {value} should be rejected",
            endpoint.slug, param.wire
        ),
        Err(message) => {
            let wire = format!("`{}`", param.wire);
            assert!(message.contains(&wire), "{message:?} does not name {wire}");
            assert!(
                message.contains(rule),
                "{message:?} does not state {rule:?}"
            );
        }
    }
}

fn range_rule(min: Option<String>, max: Option<String>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("between {min} and {max} inclusive"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => String::new(),
    }
}

#[test]
fn integer_bounds_and_allowed_values() {
    let mut checked = 0;
    for endpoint in model().endpoints {
        for param in &endpoint.params {
            let Kind::Integer { min, max, allowed } = &param.kind else {
                continue;
            };
            if let Some(allowed) = allowed {
                for value in allowed {
                    expect_ok(&endpoint, param, json!(value));
                }
                let outside = allowed.iter().max().map_or(0, |m| m + 1);
                expect_rejected(&endpoint, param, json!(outside), "must be one of");
                checked += 1;
                continue;
            }
            let rule = range_rule(min.map(|n| n.to_string()), max.map(|n| n.to_string()));
            if let Some(min) = min {
                expect_rejected(&endpoint, param, json!(min - 1), &rule);
                expect_ok(&endpoint, param, json!(min));
                expect_ok(&endpoint, param, json!(min + 1));
                checked += 1;
            }
            if let Some(max) = max {
                expect_ok(&endpoint, param, json!(max - 1));
                expect_ok(&endpoint, param, json!(max));
                expect_rejected(&endpoint, param, json!(max + 1), &rule);
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 20,
        "only {checked} integer constraints were exercised"
    );
}

#[test]
fn number_bounds() {
    let mut checked = 0;
    for endpoint in model().endpoints {
        for param in &endpoint.params {
            let Kind::Number { min, max, .. } = &param.kind else {
                continue;
            };
            let rule = range_rule(min.map(|n| n.to_string()), max.map(|n| n.to_string()));
            let step = |bound: f64| 1e-6 * bound.abs().max(1.0);
            if let Some(min) = *min {
                expect_rejected(&endpoint, param, json!(min - step(min)), &rule);
                expect_ok(&endpoint, param, json!(min));
                expect_ok(&endpoint, param, json!(min + step(min)));
                checked += 1;
            }
            if let Some(max) = *max {
                expect_ok(&endpoint, param, json!(max - step(max)));
                expect_ok(&endpoint, param, json!(max));
                expect_rejected(&endpoint, param, json!(max + step(max)), &rule);
                checked += 1;
            }
        }
    }
    assert!(checked >= 14, "only {checked} number bounds were exercised");
}

#[test]
fn every_enum_value_round_trips_through_its_wire_string() {
    let mut checked = 0;
    for endpoint in model().endpoints {
        for param in &endpoint.params {
            let Kind::Enum { wire_values, .. } = &param.kind else {
                continue;
            };
            for wire in wire_values {
                expect_ok(&endpoint, param, json!(wire));
                let mut body = base_body(&endpoint);
                body.insert(param.wire.clone(), json!(wire));
                let request = AnyRequest::from_json(&endpoint.slug, Value::Object(body))
                    .unwrap()
                    .unwrap();
                assert_eq!(request.to_json().unwrap()[&param.wire], json!(wire));
                checked += 1;
            }
            let bogus = AnyRequest::from_json(&endpoint.slug, {
                let mut body = base_body(&endpoint);
                body.insert(param.wire.clone(), json!("not-a-real-value"));
                Value::Object(body)
            })
            .unwrap();
            assert!(
                bogus.is_err(),
                "{}.{} accepted an unknown value",
                endpoint.slug,
                param.wire
            );
        }
    }
    // At least the seed specs' values: 12 schedulers on four endpoints, 27
    // samplers and 6 schedulers on sd3 (a model added later adds more).
    assert!(checked >= 12 * 4 + 27 + 6, "only {checked} enum values");
}

#[test]
fn every_documented_default_passes_validation() {
    for endpoint in model().endpoints {
        for param in &endpoint.params {
            if let Some(default) = &param.default {
                expect_ok(&endpoint, param, example_json(default));
            }
        }
    }
}
