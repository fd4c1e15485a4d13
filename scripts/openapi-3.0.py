#!/usr/bin/env python3
"""Rewrites the generated OpenAPI 3.1 document as 3.0.3, for tools that read
only 3.0 (progenitor, through the `openapiv3` crate), so that the compile
cost of their client for the same endpoints can be measured beside ours.

    scripts/openapi-3.0.py generated-client/openapi.json > openapi-3.0.json

Only what the generated document uses is rewritten: `examples` lists in
schemas become one `example`, a `$ref` with sibling keywords becomes an
`allOf` of the reference (3.0 ignores a reference's siblings), `const`
becomes a one-value `enum`, a list of types with "null" (or `anyOf` a
reference and null) becomes `nullable`, numeric exclusive bounds become 3.0's boolean form,
and a rule's "not null" (`not: {type: "null"}`) becomes any value.
Progenitor also takes one success type and one error type per operation,
so a response that may be image bytes or JSON keeps only its JSON form,
and only the first success and the error responses of the first error's
schema are kept.
"""
import json
import sys


def schema_30(node):
    if isinstance(node, list):
        return [schema_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node == {"not": {"type": "null"}}:
        # "Not null", for a member the rules between parameters count as
        # sent: 3.0 has no null type (progenitor panics on one), so the rule
        # keeps only its `required` (present), and a null member counts too.
        return {}
    node = {key: schema_30(value) for key, value in node.items()}
    any_of = node.get("anyOf")
    if isinstance(any_of, list) and {"type": "null"} in any_of:
        # An optional member's `anyOf` a reference and null.
        rest = [choice for choice in any_of if choice != {"type": "null"}]
        del node["anyOf"]
        node["allOf" if len(rest) == 1 else "anyOf"] = rest
        node["nullable"] = True
    if "$ref" in node and len(node) > 1:
        ref = node.pop("$ref")
        node = {"allOf": [{"$ref": ref}], **node}
    if isinstance(node.get("examples"), list) and "type" in node or "allOf" in node and "examples" in node:
        examples = node.pop("examples")
        if examples:
            node["example"] = examples[0]
    if "const" in node:
        node["enum"] = [node.pop("const")]
    if isinstance(node.get("type"), list):
        types = [t for t in node["type"] if t != "null"]
        if len(types) != len(node["type"]):
            node["nullable"] = True
        node["type"] = types[0]
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(bound), (int, float)) and not isinstance(node.get(bound), bool):
            node[limit] = node.pop(bound)
            node[bound] = True
    return node


def one_response_type(doc):
    responses = doc["components"]["responses"]

    def schema_of(response):
        if "$ref" in response:
            response = responses[response["$ref"].rsplit("/", 1)[1]]
        content = response.get("content") or {}
        return json.dumps(content.get("application/json", next(iter(content.values()), None)))

    for item in doc["paths"].values():
        for operation in item.values():
            kept, success, error = {}, None, None
            for status, response in operation.get("responses", {}).items():
                content = response.get("content")
                if content and len(content) > 1:
                    only = "application/json" if "application/json" in content else next(iter(content))
                    response["content"] = {only: content[only]}
                if status.startswith("2"):
                    if success is None:
                        success = status
                        kept[status] = response
                elif error is None or schema_of(response) == error:
                    error = schema_of(response)
                    kept[status] = response
            operation["responses"] = kept


def main():
    doc = json.load(open(sys.argv[1]))
    doc["openapi"] = "3.0.3"
    doc.pop("jsonSchemaDialect", None)
    doc["components"] = schema_30(doc["components"])
    doc["paths"] = schema_30(doc["paths"])
    one_response_type(doc)
    json.dump(doc, sys.stdout, indent=1)


main()
