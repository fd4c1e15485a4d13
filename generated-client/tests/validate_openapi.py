#!/usr/bin/env python3
"""Checks generated-client/openapi.json with tools from outside the project.

1. openapi-spec-validator validates the whole document as OpenAPI 3.1.
2. Every JSON Schema in it (components, request bodies, responses, headers,
   parameters) is checked against the JSON Schema 2020-12 meta-schema.
3. Every seed example body (tests/fixtures/seed-examples/<slug>.json)
   validates against its endpoint's request schema, and so does the example
   the schema carries (the spec's parameter examples, one body).

Run by .ci/run and by tests/openapi.rs. Prints what it checked; exits
non-zero naming each problem.
"""

import json
import sys
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from openapi_spec_validator import validate

CRATE = Path(__file__).resolve().parent.parent
DOCUMENT = CRATE / "openapi.json"
SEED_EXAMPLES = CRATE / "tests" / "fixtures" / "seed-examples"


def schemas(node, where):
    """Yields (place, schema) for every schema the document holds."""
    if isinstance(node, dict):
        for key, value in node.items():
            place = f"{where}/{key}"
            if key == "schema":
                yield place, value
            elif key == "schemas" and where.endswith("/components"):
                for name, schema in value.items():
                    yield f"{place}/{name}", schema
            else:
                yield from schemas(value, place)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from schemas(value, f"{where}/{index}")


def request_validator(document, schema_name):
    """A 2020-12 validator for one component schema, its $refs resolved
    against the document (unknown top-level keys are ignored by JSON Schema)."""
    root = dict(document)
    root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    root["$ref"] = f"#/components/schemas/{schema_name}"
    return Draft202012Validator(
        root, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def main():
    problems = []
    document = json.loads(DOCUMENT.read_text())

    validate(document)
    print(f"openapi-spec-validator: {DOCUMENT.name} is valid OpenAPI {document['openapi']}")

    checked = 0
    for place, schema in schemas(document, "#"):
        try:
            Draft202012Validator.check_schema(schema)
            checked += 1
        except SchemaError as error:
            problems.append(f"{place}: not a valid 2020-12 schema: {error.message}")
    print(f"meta-schema: {checked} schemas are valid JSON Schema 2020-12")

    bodies = 0
    for path, item in document["paths"].items():
        operation = item.get("post")
        if not path.startswith("/v1/") or operation is None:
            continue
        slug = operation["x-segmind-slug"]
        reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        name = reference.rsplit("/", 1)[1]
        fixture = SEED_EXAMPLES / f"{slug}.json"
        if not fixture.exists():
            problems.append(f"{fixture}: missing (the page's example request body)")
            continue
        # As the page wrote it: a member it sends as null is one not sent,
        # which the document allows for every optional parameter, as the
        # client reads it (see the fixtures' README).
        body = json.loads(fixture.read_text())
        validator = request_validator(document, name)
        for error in validator.iter_errors(body):
            problems.append(f"{fixture.name}: {error.json_path}: {error.message}")
        for index, example in enumerate(document["components"]["schemas"][name]["examples"]):
            for error in validator.iter_errors(example):
                problems.append(f"{name}.examples[{index}]: {error.json_path}: {error.message}")
        bodies += 1
    if bodies == 0:
        problems.append("no request schemas found")
    print(f"seed examples: {bodies} bodies validate against their request schemas")

    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
