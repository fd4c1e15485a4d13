//! The kinds the format gained for today's models (lists, objects, video,
//! audio and file inputs, video/audio/text answers, the queue hint and
//! rules between parameters): a spec using every one is accepted into the
//! model it says, and each misuse is refused naming the file, the place and
//! what was expected.

use codegen::model::{ConstraintRule, Kind, Literal, MediaKind, Returns};
use codegen::SpecSource;

/// A video model using every new kind once.
const EVERY_KIND: &str = "\
slug: clip
path: /clip
title: Clip
description: Makes a video.
returns: video
queue:
  deadline: 900
constraints:
  - exclusive: [image_url, first_frame_url]
  - requires: [last_frame_url, first_frame_url]
  - at_least_one: [prompt, image_url]
params:
  prompt:
    type: string
    description: What happens.
  image_url:
    type: image
    description: A still to animate.
  first_frame_url:
    type: image
    description: The first frame.
  last_frame_url:
    type: image
    description: The last frame.
  reference_videos:
    type: list
    items: video
    max_items: 3
    default: []
    description: Videos to draw on.
  reference_audios:
    type: list
    items: audio
    description: Sounds to draw on.
  durations:
    type: list
    items:
      type: integer
      allowed: [5, 10]
    min_items: 1
    example: [5, 10]
    description: Lengths.
  document:
    type: file
    description: A script.
  palette:
    type: list
    items:
      type: object
      fields:
        hex:
          type: string
          required: true
          description: A colour.
        weight:
          type: number
          min: 0
          max: 1
          description: How much of it.
        mode:
          type: enum
          values: [soft, hard]
          description: How it blends.
    example: [{hex: '#ff0000', weight: 0.5}]
    description: Colours.
";

fn load(text: &str) -> Result<codegen::Model, Vec<String>> {
    codegen::load(&[SpecSource {
        path: "spec/clip.yaml".to_owned(),
        text: text.to_owned(),
    }])
    .map_err(|problems| problems.0.iter().map(ToString::to_string).collect())
}

fn one_error(text: &str, parts: &[&str]) {
    let found = load(text).expect_err("the spec should be refused");
    assert_eq!(found.len(), 1, "expected one problem, got {found:#?}");
    for part in parts {
        assert!(found[0].contains(part), "{:?} lacks {part:?}", found[0]);
    }
}

/// Among the problems (a slip may cause a second, following one), one
/// names every part.
fn some_error(text: &str, parts: &[&str]) {
    let found = load(text).expect_err("the spec should be refused");
    assert!(
        found.iter().any(|m| parts.iter().all(|p| m.contains(p))),
        "no problem names all of {parts:?}: {found:#?}"
    );
}

#[test]
fn every_new_kind_reaches_the_model() {
    let model = load(EVERY_KIND).unwrap();
    let endpoint = &model.endpoints[0];
    assert_eq!(endpoint.returns, Returns::Video);
    assert_eq!(endpoint.queue.unwrap().deadline_secs, Some(900));
    let rules: Vec<(ConstraintRule, Vec<&str>)> = endpoint
        .constraints
        .iter()
        .map(|c| (c.rule, c.params.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        rules,
        [
            (
                ConstraintRule::Exclusive,
                vec!["image_url", "first_frame_url"]
            ),
            (
                ConstraintRule::Requires,
                vec!["last_frame_url", "first_frame_url"]
            ),
            (ConstraintRule::AtLeastOne, vec!["prompt", "image_url"]),
        ]
    );
    let param = |wire: &str| endpoint.params.iter().find(|p| p.wire == wire).unwrap();
    assert_eq!(
        param("reference_videos").kind,
        Kind::List {
            items: Box::new(Kind::Media(MediaKind::Video)),
            min_items: None,
            max_items: Some(3),
        }
    );
    assert_eq!(
        param("reference_videos").default,
        Some(Literal::List(vec![]))
    );
    assert_eq!(param("document").kind, Kind::Media(MediaKind::File));
    assert_eq!(
        param("durations").example,
        Some(Literal::List(vec![
            Literal::Integer(5),
            Literal::Integer(10)
        ]))
    );
    let Kind::List { items, .. } = &param("palette").kind else {
        panic!("palette is a list");
    };
    let Kind::Object(def) = items.as_ref() else {
        panic!("of objects");
    };
    assert_eq!(def.type_name, "ClipPalette");
    let fields: Vec<(&str, bool)> = def
        .fields
        .iter()
        .map(|f| (f.wire.as_str(), f.required))
        .collect();
    assert_eq!(fields, [("hex", true), ("weight", false), ("mode", false)]);
    // The field's enum is the endpoint's, named after the object and field.
    assert!(endpoint
        .local_enums
        .iter()
        .any(|e| e.type_name == "ClipPaletteMode"));
    assert_eq!(endpoint.objects().len(), 1);
}

#[test]
fn a_list_needs_items() {
    one_error(
        &EVERY_KIND.replace("    items: audio\n", ""),
        &[
            "spec/clip.yaml",
            "params.reference_audios",
            "`type: list` needs `items`",
        ],
    );
}

#[test]
fn lists_of_lists_are_refused() {
    one_error(
        &EVERY_KIND.replace("items: audio", "items: list"),
        &["params.reference_audios.items.type", "cannot be lists"],
    );
}

#[test]
fn item_bounds_belong_under_items() {
    one_error(
        &EVERY_KIND.replace("    items: audio\n", "    items: audio\n    max: 3\n"),
        &["params.reference_audios.max", "write it under `items`"],
    );
}

#[test]
fn list_length_bounds_are_ordered_and_checked_against_examples() {
    some_error(
        &EVERY_KIND.replace("max_items: 3", "max_items: 3\n    min_items: 4"),
        &[
            "params.reference_videos.min_items",
            "greater than max_items",
        ],
    );
    one_error(
        &EVERY_KIND.replace(
            "min_items: 1\n    example: [5, 10]",
            "min_items: 3\n    example: [5, 10]",
        ),
        &[
            "params.durations.example",
            "has 2 items, outside the length range 3..=",
        ],
    );
}

#[test]
fn list_items_follow_the_item_rules() {
    one_error(
        &EVERY_KIND.replace("example: [5, 10]", "example: [5, 7]"),
        &[
            "params.durations.example[1]",
            "not one of the allowed values 5, 10",
        ],
    );
}

#[test]
fn object_examples_name_their_fields() {
    one_error(
        &EVERY_KIND.replace("{hex: '#ff0000', weight: 0.5}", "{weight: 0.5}"),
        &[
            "params.palette.example[0]",
            "lacks the required field `hex`",
        ],
    );
    one_error(
        &EVERY_KIND.replace("weight: 0.5}", "wieght: 0.5}"),
        &[
            "params.palette.example[0]",
            "the string \"wieght\"",
            "expected hex, weight, mode",
        ],
    );
}

#[test]
fn object_fields_are_checked_like_parameters() {
    one_error(
        &EVERY_KIND.replace(
            "          min: 0\n          max: 1",
            "          min: 2\n          max: 1",
        ),
        &["params.palette.items.fields.weight.min", "greater than max"],
    );
    some_error(
        &EVERY_KIND.replace(
            "    items:\n      type: object\n      fields:",
            "    items:\n      type: object\n      feilds:",
        ),
        &[
            "params.palette.items.feilds",
            "unknown key",
            "did you mean `fields`?",
        ],
    );
}

#[test]
fn rules_name_known_parameters_in_the_right_number() {
    one_error(
        &EVERY_KIND.replace(
            "exclusive: [image_url, first_frame_url]",
            "exclusive: [image_url, frist_frame_url]",
        ),
        &[
            "constraints[0].exclusive[1]",
            "not a parameter",
            "did you mean `first_frame_url`?",
        ],
    );
    one_error(
        &EVERY_KIND.replace(
            "requires: [last_frame_url, first_frame_url]",
            "requires: [last_frame_url]",
        ),
        &["constraints[1].requires", "exactly two parameters"],
    );
    one_error(
        &EVERY_KIND.replace("  - at_least_one", "  - at_least_once"),
        &[
            "constraints[2].at_least_once",
            "unknown key",
            "did you mean `at_least_one`?",
        ],
    );
}

#[test]
fn a_rule_a_required_parameter_makes_impossible_is_refused() {
    some_error(
        &EVERY_KIND.replace(
            "  image_url:\n    type: image\n",
            "  image_url:\n    type: image\n    required: true\n",
        ),
        &[
            "constraints[0].exclusive[0]",
            "`image_url` is required",
            "could never be sent",
        ],
    );
}

#[test]
fn the_queue_deadline_is_whole_seconds() {
    one_error(
        &EVERY_KIND.replace("deadline: 900", "deadline: 900000"),
        &["queue.deadline", "whole number of seconds from 1 to 86400"],
    );
}

#[test]
fn unknown_answers_and_types_get_a_hint() {
    one_error(
        &EVERY_KIND.replace("returns: video", "returns: vidoe"),
        &[
            "returns",
            "expected one of image, json, video, audio, text",
            "did you mean `video`?",
        ],
    );
    one_error(
        &EVERY_KIND.replace("type: file", "type: flie"),
        &["params.document.type", "did you mean `file`?"],
    );
}
