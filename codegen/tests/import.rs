//! `cargo xtask import`'s library half: the five seed pages (copied into
//! `tests/import-pages/`, three layouts) import to drafts whose facts equal
//! the committed specs' except where a review comment marks a contradiction;
//! the facts are compared through the loader's checked model, not as text.
//! Also: the generator refuses a draft until its review comments are gone,
//! and the OpenAPI route on a small hand-written document.

mod common;

use std::path::Path;

use codegen::import::{self, Draft, Field, SharedEnum};
use codegen::model::{Endpoint, Kind, Literal, Param};
use codegen::SpecSource;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn enums_source() -> SpecSource {
    SpecSource {
        path: "spec/enums.yaml".into(),
        text: read("spec/enums.yaml"),
    }
}

fn shared() -> Vec<SharedEnum> {
    let model = codegen::load(&[enums_source()]).expect("spec/enums.yaml loads");
    import::shared_enums(&model)
}

/// A spec loaded (with the shared enums) into its checked endpoint.
fn endpoint(path: &str, text: &str) -> Endpoint {
    let source = SpecSource {
        path: path.into(),
        text: text.into(),
    };
    let model =
        codegen::load(&[source, enums_source()]).unwrap_or_else(|p| panic!("{path}:\n{p}\n{text}"));
    model.endpoints.into_iter().next().expect("one endpoint")
}

/// Which field of a parameter two checked parameters differ in, if any.
fn differences(draft: &Param, committed: &Param) -> Vec<(Field, String)> {
    let mut found = Vec::new();
    let mut differ = |field: Field, what: &str, a: String, b: String| {
        if a != b {
            found.push((field, format!("{what}: draft {a}, committed {b}")));
        }
    };
    differ(
        Field::Type,
        "required",
        draft.required.to_string(),
        committed.required.to_string(),
    );
    fn kind(of: &Kind) -> String {
        match of {
            Kind::String => "string".to_owned(),
            Kind::Media(media) => media.name().to_owned(),
            Kind::Boolean => "boolean".to_owned(),
            Kind::Integer { .. } => "integer".to_owned(),
            Kind::Number { .. } => "number".to_owned(),
            Kind::Enum { shared, .. } => format!("enum (shared: {shared})"),
            Kind::List { items, .. } => format!("list of {}", kind(items)),
            Kind::Object(def) => format!("object {}", def.type_name),
        }
    }
    differ(
        Field::Type,
        "type",
        kind(&draft.kind),
        kind(&committed.kind),
    );
    let range = |kind: &Kind| match kind {
        Kind::Integer { min, max, .. } => format!("{min:?} - {max:?}"),
        Kind::Number { min, max, .. } => format!("{min:?} - {max:?}"),
        _ => String::new(),
    };
    differ(
        Field::Range,
        "range",
        range(&draft.kind),
        range(&committed.kind),
    );
    let values = |kind: &Kind| match kind {
        Kind::Integer { allowed, .. } => format!("{allowed:?}"),
        Kind::Number { allowed, .. } => format!("{allowed:?}"),
        Kind::Enum {
            type_name,
            wire_values,
            shared: true,
        } => format!("{type_name} {wire_values:?}"),
        Kind::Enum { wire_values, .. } => format!("{wire_values:?}"),
        _ => String::new(),
    };
    differ(
        Field::Values,
        "values",
        values(&draft.kind),
        values(&committed.kind),
    );
    let default =
        |literal: &Option<Literal>| literal.as_ref().map_or("none".to_owned(), Literal::display);
    differ(
        Field::Default,
        "default",
        default(&draft.default),
        default(&committed.default),
    );
    found
}

/// Differences the committed specs make beyond what the pages state, with
/// the reason the spec gives: no importer could find them on the page.
const BEYOND_THE_PAGE: &[(&str, &str, &str)] = &[
    // The spec lists the parameters in the example request's order.
    ("sd1.5-img2img", "", "order"),
    // "At least one image must be asked for": a bound the page lacks.
    ("sd3-med-img2img", "samples", "range"),
];

struct PageReport {
    slug: String,
    params: usize,
    untouched: usize,
    reviews: usize,
}

fn import_page(file: &str) -> (Draft, String) {
    let text = read(&format!("codegen/tests/import-pages/{file}"));
    import::page_to_yaml(&text, file, &shared()).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn compare(file: &str) -> PageReport {
    let (draft, yaml) = import_page(file);
    let imported = endpoint(
        &format!("spec/{}.yaml", draft.slug),
        &common::settled(&yaml),
    );
    let committed = endpoint(
        &format!("spec/{}.yaml", draft.slug),
        &read(&format!("spec/{}.yaml", draft.slug)),
    );
    assert_eq!(
        (imported.path.as_str(), imported.returns),
        (committed.path.as_str(), committed.returns),
        "{file}"
    );
    let beyond = |param: &str, what: &str| {
        BEYOND_THE_PAGE
            .iter()
            .any(|(slug, p, w)| *slug == draft.slug && *p == param && what.starts_with(w))
    };
    let marked = |param: Option<&str>, field: Field| match param {
        None => draft.comments.iter().any(|c| c.review && c.field == field),
        Some(name) => draft
            .params
            .iter()
            .find(|p| p.name == name)
            .is_some_and(|p| p.comments.iter().any(|c| c.review && c.field == field)),
    };
    let mut unmarked = Vec::new();
    let names = |e: &Endpoint| e.params.iter().map(|p| p.wire.clone()).collect::<Vec<_>>();
    let mut sorted = (names(&imported), names(&committed));
    if sorted.0 != sorted.1 && !marked(None, Field::Params) && !beyond("", "order") {
        unmarked.push(format!(
            "order: draft {:?}, committed {:?}",
            sorted.0, sorted.1
        ));
    }
    sorted.0.sort();
    sorted.1.sort();
    assert_eq!(sorted.0, sorted.1, "{file}: the parameter names differ");
    let mut untouched = 0;
    for param in &imported.params {
        let other = committed
            .params
            .iter()
            .find(|p| p.wire == param.wire)
            .unwrap();
        let found = differences(param, other);
        let reviewed = draft
            .params
            .iter()
            .find(|p| p.name == param.wire)
            .is_some_and(|p| p.comments.iter().any(|c| c.review));
        if found.is_empty() && !reviewed {
            untouched += 1;
        }
        for (field, what) in found {
            if !marked(Some(&param.wire), field) && !beyond(&param.wire, &what) {
                unmarked.push(format!("{}: {what}", param.wire));
            }
        }
    }
    assert!(unmarked.is_empty(), "{file}: facts differ from spec/{}.yaml where no review comment says so:\n{unmarked:#?}\n{yaml}", draft.slug);
    PageReport {
        slug: draft.slug.clone(),
        params: imported.params.len(),
        untouched,
        reviews: draft.reviews(),
    }
}

const PAGES: [&str; 5] = [
    "000_8472fb1a02e1559a.txt",
    "001_8bc09d70365c740f.txt",
    "002_89bdf5ee1c449a9b.txt",
    "003_8bceaf35ee666951.txt",
    "004_5b8d15f9c8af9531.txt",
];

#[test]
fn each_seed_page_imports_to_the_committed_facts_except_at_marked_contradictions() {
    let mut total = (0, 0);
    for file in PAGES {
        let report = compare(file);
        eprintln!(
            "{file} -> {}: {} of {} parameters need no edit, {} review comments",
            report.slug, report.untouched, report.params, report.reviews
        );
        total.0 += report.untouched;
        total.1 += report.params;
    }
    eprintln!(
        "all pages: {} of {} parameters need no edit",
        total.0, total.1
    );
    // Measured when the importer was written: a drop is a regression.
    assert!(
        total.0 >= 41,
        "only {} of {} parameters need no edit",
        total.0,
        total.1
    );
}

/// The contradictions the issue names, each found on the seed page that has it.
#[test]
fn the_seed_pages_contradictions_are_marked_where_they_are() {
    let review = |file: &str, param: Option<&str>, field: Field, says: &str| {
        let (draft, _) = import_page(file);
        let comments = match param {
            None => draft.comments.clone(),
            Some(name) => draft
                .params
                .iter()
                .find(|p| p.name == name)
                .unwrap()
                .comments
                .clone(),
        };
        assert!(
            comments
                .iter()
                .any(|c| c.review && c.field == field && c.text.contains(says)),
            "{file} {param:?}: no review of {field:?} saying {says:?} in {comments:#?}"
        );
    };
    review(
        PAGES[0],
        Some("strength"),
        Field::Default,
        "the default 7.5, outside its own range 0 - 0.99",
    );
    review(
        PAGES[0],
        Some("strength"),
        Field::Description,
        "same description as `guidance_scale`",
    );
    review(
        PAGES[1],
        Some("samples"),
        Field::Default,
        "the table's default is 2",
    );
    review(PAGES[1], None, Field::Returns, "\"Returns: Text/JSON\"");
    review(
        PAGES[2],
        Some("image"),
        Field::Example,
        "\"/sd-img2img-input.jpeg\", which is not a URL",
    );
    review(
        PAGES[3],
        Some("controlnet_scale"),
        Field::Default,
        "outside its own range 0 - 1",
    );
    review(
        PAGES[4],
        Some("sampler"),
        Field::Values,
        "then \"+17 more\"",
    );
    review(
        PAGES[4],
        Some("prompt"),
        Field::Default,
        "required parameter",
    );
    // Shared enums are recognised although every page cuts the list short.
    for file in [PAGES[0], PAGES[1], PAGES[2], PAGES[3]] {
        let (draft, yaml) = import_page(file);
        let scheduler = draft.params.iter().find(|p| p.name == "scheduler").unwrap();
        assert_eq!(scheduler.enum_ref.as_deref(), Some("scheduler"), "{file}");
        assert!(yaml.contains("    enum: scheduler\n"), "{yaml}");
    }
}

#[test]
fn contradictions_the_seed_pages_lack_are_marked_too() {
    let page = |rows: &str| {
        format!(
            "Demo\nA demo model that makes images.\n1import requests\n4url = \"https://api.segmind.com/v1/demo\"\n10data = {{\n11 \"mode\": \"b\",\n12 \"steps\": 5,\n13 \"extra\": 1\n14}}\nAPI Endpoint\nParameters\n{rows}Response Type\nReturns: Image\n"
        )
    };
    let rows = "modeoptionalstring\nThe mode.\nDefault: \"a\"\nAllowed values:\n\"a\"\"b\"\"a\"\nstepsoptionalinteger\nSteps.\nDefault: 50\nRange: 1 - 10\n";
    let (draft, yaml) = import::page_to_yaml(&page(rows), "demo", &[]).unwrap();
    let mode = &draft.params[0];
    assert_eq!(mode.values, ["a", "b"]);
    assert!(
        mode.comments
            .iter()
            .any(|c| c.review && c.text.contains("lists \"a\" twice")),
        "{yaml}"
    );
    assert!(
        draft
            .comments
            .iter()
            .any(|c| c.review && c.text.contains("sends `extra`")),
        "{yaml}"
    );
    // The draft with its comments is refused by the generator, naming the
    // file, the line and what to do.
    let source = SpecSource {
        path: "spec/demo.yaml".into(),
        text: yaml.clone(),
    };
    let problems = codegen::load(&[source]).unwrap_err().to_string();
    let first_review = yaml
        .lines()
        .position(|l| l.contains(import::REVIEW_MARKER))
        .unwrap()
        + 1;
    assert!(
        problems.contains(&format!("spec/demo.yaml:{first_review}:"))
            && problems.contains("settle what it says in the spec, then delete the comment"),
        "{problems}"
    );
    // Settled, it loads.
    endpoint("spec/demo.yaml", &common::settled(&yaml));
}

#[test]
fn the_openapi_route_reads_an_operation() {
    let document = r##"{
      "openapi": "3.1.0",
      "info": {"title": "Demo API", "version": "1"},
      "servers": [{"url": "https://api.segmind.com/v1"}],
      "paths": {
        "/demo-model": {
          "post": {
            "operationId": "demoModel",
            "summary": "Demo Model",
            "description": "Turns a prompt into an image.",
            "requestBody": {"content": {"application/json": {
              "schema": {"$ref": "#/components/schemas/DemoModelRequest"},
              "example": {"prompt": "a lighthouse", "steps": 30, "scheduler": "Euler", "image": "not a url"}
            }}},
            "responses": {"200": {"content": {"image/png": {}}}}
          }
        }
      },
      "components": {"schemas": {
        "Scheduler": {"type": "string", "enum": ["DDIM", "DPM Multi", "DPM Single", "Euler a", "Euler", "Heun", "DPM2 a Karras", "DPM2 Karras", "LMS", "PNDM", "DDPM", "UniPC"]},
        "DemoModelRequest": {
          "type": "object",
          "required": ["prompt"],
          "properties": {
            "prompt": {"type": "string", "description": "What to draw."},
            "image": {"type": "string", "format": "uri", "description": "An input image."},
            "steps": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25, "description": "Steps."},
            "strength": {"type": "number", "minimum": 0, "maximum": 1, "default": 7.5, "description": "Strength."},
            "width": {"type": "integer", "enum": [512, 768], "default": 512, "description": "Width."},
            "scheduler": {"allOf": [{"$ref": "#/components/schemas/Scheduler"}], "default": "DDIM", "description": "Scheduler."}
          }
        }
      }}
    }"##;
    let page = import::openapi::parse(document, "demoModel").unwrap();
    assert_eq!(
        page,
        import::openapi::parse(document, "POST /demo-model").unwrap()
    );
    let draft = import::resolve(&page, &shared()).unwrap();
    let yaml = import::yaml::render(&draft, "demo.json");
    let model = endpoint("spec/demo-model.yaml", &common::settled(&yaml));
    assert_eq!(
        (
            model.slug.as_str(),
            model.path.as_str(),
            model.title.as_str()
        ),
        ("demo-model", "/demo-model", "Demo Model")
    );
    let wires: Vec<&str> = model.params.iter().map(|p| p.wire.as_str()).collect();
    assert_eq!(
        wires,
        ["prompt", "image", "steps", "strength", "width", "scheduler"]
    );
    assert!(model.params[0].required);
    assert_eq!(
        model.params[2].kind,
        Kind::Integer {
            min: Some(1),
            max: Some(100),
            allowed: None
        }
    );
    assert_eq!(
        model.params[4].kind,
        Kind::Integer {
            min: None,
            max: None,
            allowed: Some(vec![512, 768])
        }
    );
    assert!(
        matches!(&model.params[5].kind, Kind::Enum { shared: true, .. }),
        "{yaml}"
    );
    let strength = &draft.params[3];
    assert!(
        strength.default.is_none()
            && strength
                .comments
                .iter()
                .any(|c| c.review && c.text.contains("outside its own range")),
        "{yaml}"
    );
    let image = &draft.params[1];
    assert!(
        image
            .comments
            .iter()
            .any(|c| c.review && c.text.contains("not a URL")),
        "{yaml}"
    );
    // No line numbers to give: the comments say none.
    assert!(!yaml.contains("line 0"), "{yaml}");
    let error = import::openapi::parse(document, "nope")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("no operation \"nope\"") && error.contains("demoModel"),
        "{error}"
    );
    let error = import::openapi::parse("{\n  \"openapi\": 3,\n", "x").unwrap_err();
    assert_eq!(error.line, Some(3), "{error}");
}

#[test]
fn unreadable_pages_are_errors_naming_the_line() {
    let error = import::page::parse("").unwrap_err();
    assert_eq!(error.line, Some(1));
    let error = import::page::parse("Title\nNo parameters here.\n").unwrap_err();
    assert!(
        error.to_string().contains("no \"Parameters\" heading"),
        "{error}"
    );
    let text = "Title\nAbout it.\nAPI Endpoint\nhttps://api.segmind.com/v1/demo\nParameters\nsome stray text\npromptrequiredstringThe prompt.\n";
    let error = import::page::parse(text).unwrap_err();
    assert_eq!(error.line, Some(6), "{error}");
    let text =
        "Title\nAbout it.\nAPI Endpoint\nnothing\nParameters\npromptrequiredstringThe prompt.\n";
    let error = import::page::parse(text).unwrap_err();
    assert!(error.to_string().contains("no endpoint URL"), "{error}");
}

/// Variations the seed pages do not show, together: Windows line ends,
/// no-break spaces, a row broken over three lines, `Range: a to b`,
/// `Min:`/`Max:`, a labelled page with one row whose default is absent,
/// Python's `True` in the example, an integer list after "Allowed values".
#[test]
fn layout_variations_beyond_the_seed_pages() {
    let page = [
        "Demo Model Serverless API",
        "Makes images from text.",
        "1import requests",
        "4url = \"https://api.segmind.com/v1/demo-model\"",
        "10data = {",
        "11  \"prompt\": \"a cat\",",
        "12  \"steps\": 8,",
        "13  \"hires\": True,",
        "14  \"size\": 768",
        "15}",
        "API Endpoint",
        "POST\u{a0}https://api.segmind.com/v1/demo-model",
        "Parameters",
        "prompt",
        "required",
        "string",
        "What to draw.",
        "steps",
        "optional",
        "integer",
        "Steps.",
        "Default:\u{a0}4",
        "Range: 1 to 10",
        "hiresoptionalboolean",
        "Upscale.",
        "strengthoptional",
        "number",
        "Strength.",
        "Min: 0",
        "Max: 0.99",
        "sizeoptionalinteger",
        "Size.",
        "Default: 512",
        "Allowed values (2 total):",
        "512",
        "768",
        "Response Type",
        "Returns: Image",
    ]
    .join("\r\n");
    let (draft, yaml) = import::page_to_yaml(&page, "demo", &[]).unwrap();
    assert_eq!(draft.reviews(), 0, "{yaml}");
    let model = endpoint("spec/demo-model.yaml", &yaml);
    assert_eq!(model.title, "Demo Model");
    let wires: Vec<&str> = model.params.iter().map(|p| p.wire.as_str()).collect();
    assert_eq!(wires, ["prompt", "steps", "hires", "strength", "size"]);
    assert_eq!(
        model.params[1].kind,
        Kind::Integer {
            min: Some(1),
            max: Some(10),
            allowed: None
        }
    );
    assert_eq!(model.params[1].default, Some(Literal::Integer(4)));
    assert_eq!(model.params[2].example, Some(Literal::Boolean(true)));
    assert_eq!(model.params[2].default, None);
    assert_eq!(
        model.params[3].kind,
        Kind::Number {
            min: Some(0.0),
            max: Some(0.99),
            allowed: None
        }
    );
    assert_eq!(
        model.params[4].kind,
        Kind::Integer {
            min: None,
            max: None,
            allowed: Some(vec![512, 768])
        }
    );
}

/// The four hand-written pages of video models, one per layout (the v2
/// layout twice: payload and keyword arguments): each keeps its example,
/// drafts its list, its run-together durations and its exclusive pair, and
/// says it returns video; the v2 payload page drafts the queue.
#[test]
fn each_layout_s_video_page_drafts_lists_pairs_and_durations() {
    let cases: [(&str, &[&str]); 4] = [
        (
            "005_requests_video.txt",
            &[
                "returns: video\n",
                "  style_images:\n    type: list\n    items: image\n",
                "    allowed: [4, 8]\n",
                "  - exclusive: [image_url, start_frame_url]\n",
                "  - exclusive: [image_url, end_frame_url]\n",
                "    example: [https://example.com/inputs/style-film.png, https://example.com/inputs/style-dusk.png]\n",
            ],
        ),
        (
            "006_sdk_payload_video.txt",
            &[
                "returns: video\n",
                "queue:\n  deadline: 900\n",
                "  reference_videos:\n    type: list\n    items: video\n",
                "    allowed: [6, 10]\n",
                "  - exclusive: [first_frame_url, reference_images]\n",
                "    example: A lighthouse beam sweeps across rolling fog at night, waves below\n",
            ],
        ),
        (
            "007_javascript_video.txt",
            &[
                "returns: video\n",
                "  motion_images:\n    type: list\n    items: image\n",
                "    allowed: [3, 6]\n",
                "    min: 8\n    max: 60\n",
                "  - exclusive: [image_url, start_image]\n",
                "    example: 11\n",
            ],
        ),
        (
            "008_sdk_run_video.txt",
            &[
                "returns: video\n",
                "  camera_moves:\n    type: list\n    items: string\n",
                "    allowed: [5, 10]\n",
                "    example: [pan_left, zoom_in]\n",
            ],
        ),
    ];
    for (file, expected) in cases {
        let (draft, yaml) = import_page(file);
        for line in expected {
            assert!(yaml.contains(line), "{file}: no {line:?} in\n{yaml}");
        }
        assert!(
            !yaml.contains("shows no example request"),
            "{file}: the example was lost\n{yaml}"
        );
        let untouched = draft
            .params
            .iter()
            .filter(|p| !p.comments.iter().any(|c| c.review))
            .count();
        eprintln!(
            "{file}: {untouched} of {} parameters carry no review comment",
            draft.params.len()
        );
    }
    // A page without any example request says so.
    let text = read("codegen/tests/import-pages/008_sdk_run_video.txt")
        .replace("segmind.run(", "segmind.skip(");
    let (_, yaml) = import::page_to_yaml(&text, "page", &shared()).unwrap();
    assert!(yaml.contains("shows no example request"), "{yaml}");
}

/// A default printed as `null` (labelled, `Default: null`, or first in a
/// compact row, `null"a""b"`) means nothing is sent unless given: no default,
/// not the string "null", and not text appended to the description; the
/// compact row's values after it stay its allowed values.
#[test]
fn a_null_default_is_no_default_in_either_layout() {
    let spaced = [
        "Null Demo Serverless API",
        "Turns a prompt into a picture.",
        "4url = \"https://api.segmind.com/v1/null-demo\"",
        "10data = {",
        "11  \"prompt\": \"a kite\"",
        "12}",
        "API Endpoint",
        "POST https://api.segmind.com/v1/null-demo",
        "Parameters",
        "promptrequired",
        "string",
        "What happens.",
        "start_imageoptional",
        "string (uri)",
        "Image to start from.",
        "Default: null",
        "seedoptional",
        "integer",
        "Seed.",
        "Default: null",
        "Response Type",
        "Returns: Image",
    ]
    .join("\n");
    let (draft, yaml) = import::page_to_yaml(&spaced, "null-demo", &[]).unwrap();
    assert_eq!(draft.reviews(), 0, "{yaml}");
    assert!(!yaml.contains("default: \"null\""), "{yaml}");
    let model = endpoint("spec/null-demo.yaml", &yaml);
    assert!(model.params.iter().all(|p| p.default.is_none()), "{yaml}");

    let compact = [
        "Null Demo",
        "Turns a prompt into a picture.",
        "4url = \"https://api.segmind.com/v1/null-demo\"",
        "10data = {",
        "11 \"prompt\": \"a kite\",",
        "12 \"ratio\": \"1:1\"",
        "13}",
        "API Endpoint",
        "https://api.segmind.com/v1/null-demoParameters",
        "promptrequiredstringWhat happens.",
        "ratiooptionalstringFrame shape.",
        "null\"1:1\"\"4:3\"seedoptionalintegerSeed.",
        "nullResponse Type",
        "Returns: Image",
    ]
    .join("\n");
    let (draft, yaml) = import::page_to_yaml(&compact, "null-demo", &[]).unwrap();
    assert_eq!(draft.reviews(), 0, "{yaml}");
    let model = endpoint("spec/null-demo.yaml", &yaml);
    assert!(model.params.iter().all(|p| p.default.is_none()), "{yaml}");
    assert!(yaml.contains("- 1:1\n      - 4:3\n"), "{yaml}");
    assert_eq!(model.params[2].description, "Seed.", "{yaml}");
}
