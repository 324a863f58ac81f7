"""The claims behind the contract sweep's classification (``contract_classify``).

A failure is a client defect unless a rule says otherwise; each rule is tested here on a small
document: the document rules show the defect in the document (and that the same rule does not
fire on a sound document), the mock rules show Prism behaving as the rule says.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from contract_classify import (
    CLIENT,
    DOCUMENT,
    MOCK,
    REASONS,
    complex_schema,
    prism_crashed,
    provably_empty,
    response_refused,
    unsatisfiable,
    untyped_object,
)
from contract_prism import start_prism
from contract_violations import RequestContext, request_rejected
from contract_values import Shape, Values


def _values(tmp_path: Path, doc: dict[str, Any]) -> Values:
    path = tmp_path / "doc.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return Values(path)


def _doc(schemas: dict[str, Any], paths: dict[str, Any] | None = None, version: str = "3.1.0") -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas},
    }


def test_every_non_client_reason_is_written_down() -> None:
    """The report prints a reason for every document defect and mock limitation it names."""
    for reason, text in REASONS.items():
        assert len(text) > 60, reason


# --- document defects --------------------------------------------------------------------------


def test_example_that_breaks_its_schema_is_a_document_defect(tmp_path: Path) -> None:
    media = {"schema": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}, "example": {"id": "x"}}
    values = _values(tmp_path, _doc({}, {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": media}}}}}}))
    loc = values.at("/paths/~1a/get/responses/200/content/application~1json")
    found = response_refused(values, loc, {"id": "x"}, served_static=True)
    assert found is not None and found.verdict == DOCUMENT and found.reason == "example-breaks-schema"
    assert found.pointer == "/paths/~1a/get/responses/200/content/application~1json/example"
    # Prism's own made-up body that breaks the schema is the mock's doing ...
    made_up = response_refused(values, loc, {"id": "y"}, served_static=False)
    assert made_up is not None and made_up.verdict == MOCK
    # ... and a valid body the client refuses is the client's
    assert response_refused(values, loc, {"id": 1}, served_static=True) is None


def test_object_schema_without_type_accepts_any_value(tmp_path: Path) -> None:
    """``properties`` without ``type`` (here through allOf) accepts null by the letter of JSON
    Schema; such a body is refused by clients that read the schema as an object."""
    schemas = {
        "Untyped": {"allOf": [{"properties": {"a": {"type": "string"}}}, {"properties": {"b": {"type": "string"}}}]},
        "Typed": {"type": "object", "properties": {"a": {"type": "string"}}},
    }
    values = _values(tmp_path, _doc(schemas))
    assert untyped_object(values, values.at("/components/schemas/Untyped"))
    assert values.valid(values.at("/components/schemas/Untyped"), None, write=False)
    assert not untyped_object(values, values.at("/components/schemas/Typed"))


def test_overlapping_oneof_variants_are_a_document_defect(tmp_path: Path) -> None:
    """Two variants whose properties are all optional: every value of one fits the other, so the
    values built for either are refused by ``oneOf`` (the discriminator does not change that)."""
    schemas = {
        "Pet": {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "kind"},
        },
        "Cat": {"type": "object", "properties": {"kind": {"type": "string"}, "hunts": {"type": "boolean"}}},
        "Dog": {"type": "object", "properties": {"kind": {"type": "string"}, "barks": {"type": "boolean"}}},
    }
    values = _values(tmp_path, _doc(schemas))
    loc = values.at("/components/schemas/Pet")
    value = values.value(loc, "body", Shape("full", 0))
    assert values.problems, value
    problem_loc, why = values.problems[0]
    finding = unsatisfiable(values, problem_loc, why)
    assert (finding.verdict, finding.reason) == (DOCUMENT, "oneof-variants-overlap")
    # distinct variants (a const tag) build fine
    schemas["Cat"]["properties"]["kind"] = {"const": "cat"}
    schemas["Dog"]["properties"]["kind"] = {"const": "dog"}
    values = _values(tmp_path, _doc(schemas))
    values.value(values.at("/components/schemas/Pet"), "body", Shape("full", 1))
    assert not values.problems


@pytest.mark.parametrize(
    ("schema", "proof"),
    [
        ({"type": "integer", "minimum": 5, "maximum": 1}, "minimum 5 > maximum 1"),
        ({"type": "string", "minLength": 3, "maxLength": 2}, "minLength 3 > maxLength 2"),
        ({"allOf": [{"type": "string"}, {"type": "integer"}]}, "disjoint types"),
        ({"type": "string", "enum": [1, 2]}, "no member of enum"),
        ({"type": "object", "required": ["a"], "properties": {"a": {"allOf": [{"type": "string"}, {"type": "boolean"}]}}}, "required property 'a'"),
        # Jira's ScreenTypes: requires 'defaultScreen', declares 'default', allows nothing else
        (
            {"type": "object", "required": ["s"], "properties": {"s": {"allOf": [
                {"type": "object", "additionalProperties": False, "required": ["defaultScreen"], "properties": {"default": {"type": "integer"}}},
            ]}}},  # fmt: skip
            "required property 'defaultScreen' is not among the properties",
        ),
        (
            {"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}}] * 2},
            "every oneOf variant is written twice",
        ),
        (
            {"type": "number", "minimum": 10, "maximum": 20, "exclusiveMinimum": True, "exclusiveMaximum": True},
            "a boolean bound (the OAS 3.0 form) in a 3.1 schema",
        ),
    ],
)
def test_provably_empty_schemas(tmp_path: Path, schema: dict[str, Any], proof: str) -> None:
    values = _values(tmp_path, _doc({"S": schema}))
    loc = values.at("/components/schemas/S")
    assert proof in provably_empty(values, loc)
    finding = unsatisfiable(values, loc, "no value")
    assert (finding.verdict, finding.reason) == (DOCUMENT, "unsatisfiable-schema")


def test_a_satisfiable_schema_the_builder_misses_is_ours(tmp_path: Path) -> None:
    """When no proof is found, failing to build a value is the sweep's own (client-side) defect."""
    values = _values(tmp_path, _doc({"S": {"type": "integer", "minimum": 1, "maximum": 5}}))
    finding = unsatisfiable(values, values.at("/components/schemas/S"), "made up")
    assert finding.verdict == CLIENT
    # a oneOf with a twin pair and one other variant accepts the other variant's values
    twins = {"oneOf": [{"type": "string"}, {"type": "string"}, {"type": "integer"}]}
    values = _values(tmp_path, _doc({"T": twins}))
    assert provably_empty(values, values.at("/components/schemas/T")) == ""


# --- mock limitations (Prism's behaviour, shown on Prism itself) -----------------------------------


def _serve(prism: Path, tmp_path: Path, doc: dict[str, Any]) -> Any:
    path = tmp_path / "served.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return start_prism(prism, path, tmp_path)


def test_prism_reads_multipart_json_parts_as_strings(prism: Path, tmp_path: Path) -> None:
    """An object property sent as an ``application/json`` part (OAS 3.1.0 4.8.15's default) is
    reported "must be object" by Prism 5.14.2; the rule accepts exactly those violations."""
    body = {"type": "object", "properties": {"meta": {"type": "object", "properties": {"a": {"type": "string"}}}}}
    doc = _doc({}, {"/up": {"post": {
        "requestBody": {"content": {"multipart/form-data": {"schema": body}}},
        "responses": {"204": {"description": "ok"}},
    }}})  # fmt: skip
    server = _serve(prism, tmp_path, doc)
    try:
        files = {"meta": (None, json.dumps({"a": "x"}), "application/json")}
        response = httpx.post(f"{server.url}/up", files=files)
    finally:
        server.stop()
    assert response.status_code in (400, 422), response.text
    violations = json.loads(response.headers.get("sl-violations") or "[]") or [
        {**v, "location": ["request", *v["location"]]} for v in response.json().get("validation", [])
    ]
    values = _values(tmp_path, doc)
    body = values.at("/paths/~1up/post/requestBody/content/multipart~1form-data/schema")
    found = request_rejected(values, violations, RequestContext(body, {}, frozenset({"meta"})))
    assert found is not None and (found.verdict, found.reason) == (MOCK, "multipart-json-part")
    assert request_rejected(values, violations, RequestContext(body, {}, frozenset())) is None


def test_prism_exits_on_an_absent_optional_array_header(prism: Path, tmp_path: Path) -> None:
    """The benign crash signature: an optional array header left out makes Prism 5.14.2 exit."""
    doc = _doc({}, {"/h": {"get": {
        "parameters": [{"name": "X-List", "in": "header", "schema": {"type": "array", "items": {"type": "string"}}}],
        "responses": {"204": {"description": "ok"}},
    }}})  # fmt: skip
    server = _serve(prism, tmp_path, doc)
    try:
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{server.url}/h")
        server.process.wait(timeout=10)
        log = server.log_tail()
    finally:
        server.stop()
    found = prism_crashed("/paths/~1h/get", log)
    assert (found.verdict, found.reason) == (MOCK, "prism-crashed")
    # any other crash is charged to the request
    assert prism_crashed("/p", "\n\n/x/node_modules/@stoplight/prism-http/dist/other.js:1\nError: boom").verdict == CLIENT


def test_prism_checks_prefix_items_elements_against_items(prism: Path, tmp_path: Path) -> None:
    """A 3.1 array with ``prefixItems`` and ``items``: a valid ``["prefix", "x", 1]`` is refused by
    Prism 5.14.2 (it applies ``items`` to every element); the rule names exactly those elements."""
    array = {"type": "array", "prefixItems": [{"type": "string"}, {"type": "string"}], "items": {"type": "number"}}
    body = {"type": "object", "properties": {"list": array}}
    doc = _doc({}, {"/p": {"post": {
        "requestBody": {"content": {"application/json": {"schema": body}}},
        "responses": {"204": {"description": "ok"}},
    }}})  # fmt: skip
    values = _values(tmp_path, doc)
    schema = values.at("/paths/~1p/post/requestBody/content/application~1json/schema")
    assert values.valid(schema, {"list": ["prefix", "x", 1]})
    server = _serve(prism, tmp_path, doc)
    try:
        response = httpx.post(f"{server.url}/p", json={"list": ["prefix", "x", 1]})
    finally:
        server.stop()
    assert response.status_code == 422, response.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in response.json()["validation"]]
    found = request_rejected(values, violations, RequestContext(schema, {}))
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-prefixitems")
    # an element beyond the prefix that breaks `items` is not excused
    late = [{"location": ["request", "body", "list", "2"], "code": "type", "message": "must be number"}]
    assert request_rejected(values, late, RequestContext(schema, {})) is None


def test_prism_misses_non_ascii_path_parameter_names(prism: Path, tmp_path: Path) -> None:
    """``/x/{æøå}``: Prism 5.14.2 reports the parameter missing whatever the path holds."""
    doc = _doc({}, {"/x/{æøå}": {"get": {
        "parameters": [{"name": "æøå", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"204": {"description": "ok"}},
    }}})  # fmt: skip
    values = _values(tmp_path, doc)
    server = _serve(prism, tmp_path, doc)
    try:
        response = httpx.get(f"{server.url}/x/value")
    finally:
        server.stop()
    assert response.status_code == 422, response.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in response.json()["validation"]]
    param = values.at("/paths/~1x~1{æøå}/get/parameters/0")
    found = request_rejected(values, violations, RequestContext(None, {("path", "æøå"): param}))
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-non-ascii-path-name")


def test_nested_parameter_values_are_undefined(tmp_path: Path) -> None:
    """A header array of objects: OAS leaves its serialization undefined (document defect); a
    header array of strings is not excused."""
    params = [
        {"name": "objs", "in": "header", "schema": {"type": "array", "items": {"type": "object", "properties": {"a": {"type": "string"}}}}},
        {"name": "strs", "in": "header", "schema": {"type": "array", "items": {"type": "string"}}},
    ]
    values = _values(tmp_path, _doc({}, {"/h": {"get": {"parameters": params, "responses": {"204": {"description": "ok"}}}}}))
    locs = {("header", p["name"]): values.at(f"/paths/~1h/get/parameters/{i}") for i, p in enumerate(params)}
    ctx = RequestContext(None, locs)
    nested = [{"location": ["request", "header", "objs", "0"], "code": "type", "message": "must be object"}]
    flat = [{"location": ["request", "header", "strs", "0"], "code": "type", "message": "must be string"}]
    found = request_rejected(values, nested, ctx)
    assert found is not None and (found.verdict, found.reason) == (DOCUMENT, "parameter-nesting-undefined")
    assert request_rejected(values, flat, ctx) is None


def test_prism_cannot_answer_an_object_as_text(prism: Path, tmp_path: Path) -> None:
    """A ``text/plain`` response whose schema is an object: Prism 5.14.2 answers 500
    ``NO_COMPLEX_OBJECT_TEXT`` instead of a response."""
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    doc = _doc({}, {"/t": {"get": {"responses": {"200": {"description": "ok", "content": {"text/plain": {"schema": schema}}}}}}})
    server = _serve(prism, tmp_path, doc)
    try:
        response = httpx.get(f"{server.url}/t")
    finally:
        server.stop()
    assert response.status_code == 500
    assert response.json()["type"].endswith("#NO_COMPLEX_OBJECT_TEXT")


def test_prism_cannot_answer_a_composed_object_as_text(prism: Path, tmp_path: Path) -> None:
    """The same for a ``*/*`` response whose object schema is an ``allOf`` or a ``oneOf``; the
    sweep's ``complex_schema`` sees through the composition, and not into a plain number."""
    schemas = {
        "Base": {"type": "object", "properties": {"a": {"type": "string"}}},
        "All": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {"b": {"type": "string"}}}]},
        "One": {"oneOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {"c": {"type": "integer"}}}]},
        "Number": {"type": "number"},
    }
    paths = {
        f"/{name.lower()}": {"get": {"responses": {"200": {"description": "ok", "content": {"*/*": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}}}}
        for name in ("All", "One")
    }
    doc = _doc(schemas, paths)
    values = _values(tmp_path, doc)
    assert complex_schema(values, values.at("/components/schemas/All"))
    assert complex_schema(values, values.at("/components/schemas/One"))
    assert not complex_schema(values, values.at("/components/schemas/Number"))
    server = _serve(prism, tmp_path, doc)
    try:
        answers = [httpx.get(f"{server.url}{path}") for path in paths]
    finally:
        server.stop()
    for response in answers:
        assert response.status_code == 500
        assert response.json()["type"].endswith("#NO_COMPLEX_OBJECT_TEXT")


def test_prism_has_no_serializer_for_some_media_types(prism: Path, tmp_path: Path) -> None:
    """A 200 response of ``application/zip`` without a schema, or of ``multipart/mixed``: Prism
    5.14.2 answers 500 "Cannot find serializer for" the media type (and a plain JSON response
    of the same document is served)."""
    mixed = {"type": "object", "properties": {"a": {"type": "string"}}}
    contents = {"zip": {"application/zip": {}}, "mixed": {"multipart/mixed": {"schema": mixed}}, "json": {"application/json": {"schema": mixed}}}
    paths = {f"/{name}": {"get": {"responses": {"200": {"description": "ok", "content": c}}}} for name, c in contents.items()}
    server = _serve(prism, tmp_path, _doc({}, paths))
    try:
        answers = {name: httpx.get(f"{server.url}/{name}") for name in contents}
    finally:
        server.stop()
    assert answers["json"].status_code == 200
    assert answers["zip"].status_code == answers["mixed"].status_code == 500
    assert answers["zip"].json()["title"] == "Cannot find serializer for application/zip"
    assert answers["mixed"].json()["title"] == "Cannot find serializer for multipart/mixed"


def test_prism_reads_one_item_of_a_nullable_array_query_as_a_string(prism: Path, tmp_path: Path) -> None:
    """``ids=a`` for a 3.0 ``nullable: true`` array: Prism 5.14.2 says "must be array,null"; the
    same request for a plain array passes, and so does the nullable one with two items."""
    array = {"type": "array", "items": {"type": "string"}}
    params = [
        {"name": "ids", "in": "query", "schema": {**array, "nullable": True}},
        {"name": "plain", "in": "query", "schema": array},
    ]
    doc = _doc({}, {"/q": {"get": {"parameters": params, "responses": {"204": {"description": "ok"}}}}}, version="3.0.3")
    values = _values(tmp_path, doc)
    server = _serve(prism, tmp_path, doc)
    try:
        nullable = httpx.get(f"{server.url}/q", params={"ids": "a"})
        plain = httpx.get(f"{server.url}/q", params={"plain": "a"})
        two = httpx.get(f"{server.url}/q", params=[("ids", "a"), ("ids", "b")])
    finally:
        server.stop()
    assert (plain.status_code, two.status_code) == (204, 204), (plain.text, two.text)
    assert nullable.status_code == 422, nullable.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in nullable.json()["validation"]]
    ctx = RequestContext(None, {("query", p["name"]): values.at(f"/paths/~1q/get/parameters/{i}") for i, p in enumerate(params)})
    found = request_rejected(values, violations, ctx)
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-nullable-array-query")


_NAMED = {"type": "object", "properties": {"name": {"type": "string"}}}


@pytest.mark.parametrize(
    ("media_type", "content", "kind", "reason", "schema"),
    [
        ("application/xml", b"<Pet><name>doggie</name></Pet>", "text", "prism-non-json-body-as-text", _NAMED),
        # Docker's PluginPull: a JSON array as text/plain
        ("text/plain", b'[{"name": "doggie"}]', "text", "prism-non-json-body-as-text", {"type": "array", "items": _NAMED}),
        # {"name": "doggie"} in CBOR
        ("application/apply-patch+cbor", bytes.fromhex("a1646e616d6566646f67676965"), "binary", "prism-binary-body-as-text", _NAMED),
        # Docker's ContainerCreate: an allOf of an object, as application/octet-stream
        ("application/octet-stream", b'{"name": "doggie"}', "binary", "prism-binary-body-as-text", {"allOf": [_NAMED]}),
    ],
)
def test_prism_checks_a_non_json_body_as_a_string(
    prism: Path, tmp_path: Path, media_type: str, content: bytes, kind: str, reason: str, schema: dict[str, Any]
) -> None:
    """An XML or text/plain (text) or CBOR or octet-stream (binary) body with an object or array
    schema: Prism 5.14.2 refuses a well-formed document with "Request body must be object" (or
    array); the rule excuses exactly that for text and binary bodies, not for JSON ones."""
    doc = _doc({}, {"/x": {"post": {
        "requestBody": {"content": {media_type: {"schema": schema}}},
        "responses": {"204": {"description": "ok"}},
    }}})  # fmt: skip
    values = _values(tmp_path, doc)
    server = _serve(prism, tmp_path, doc)
    try:
        response = httpx.post(f"{server.url}/x", content=content, headers={"Content-Type": media_type})
    finally:
        server.stop()
    assert response.status_code in (400, 422), response.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in response.json()["validation"]]
    body = values.at("/paths/~1x/post/requestBody/content/" + media_type.replace("/", "~1") + "/schema")
    found = request_rejected(values, violations, RequestContext(body, {}, body_kind=kind))
    assert found is not None and (found.verdict, found.reason) == (MOCK, reason)
    assert request_rejected(values, violations, RequestContext(body, {}, body_kind="json")) is None


@pytest.mark.parametrize("kind", ["multipart", "form"])
def test_a_form_body_with_a_single_value_schema_is_a_document_defect(prism: Path, tmp_path: Path, kind: str) -> None:
    """``multipart/form-data`` whose schema is a binary string (Jira's ``addAttachment``), or a
    form-urlencoded body whose schema is a string (hey-api's full.yaml): a form is a set of named
    fields, so Prism refuses any such body ('must be string'); with an object schema the same
    violation stays unexplained."""
    media = "multipart/form-data" if kind == "multipart" else "application/x-www-form-urlencoded"
    schema = {"type": "string", "format": "binary"} if kind == "multipart" else {"type": "string"}
    doc = _doc({}, {"/x": {"post": {
        "requestBody": {"content": {media: {"schema": schema}}},
        "responses": {"204": {"description": "ok"}},
    }}})  # fmt: skip
    values = _values(tmp_path, doc)
    server = _serve(prism, tmp_path, doc)
    try:
        if kind == "multipart":
            response = httpx.post(f"{server.url}/x", files={"file": ("a.txt", b"attachment")})
        else:
            response = httpx.post(f"{server.url}/x", content=b"a=1", headers={"Content-Type": media})
    finally:
        server.stop()
    assert response.status_code in (400, 422), response.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in response.json()["validation"]]
    body = values.at("/paths/~1x/post/requestBody/content/" + media.replace("/", "~1") + "/schema")
    found = request_rejected(values, violations, RequestContext(body, {}, body_kind=kind))
    assert found is not None and (found.verdict, found.reason) == (DOCUMENT, f"{kind}-schema-not-object")
    (tmp_path / "o").mkdir()
    other = _values(tmp_path / "o", _doc({"F": {"type": "object"}}))
    assert request_rejected(other, violations, RequestContext(other.at("/components/schemas/F"), {}, body_kind=kind)) is None


def test_basic_and_bearer_together_cannot_be_sent(tmp_path: Path) -> None:
    """A requirement of HTTP Basic and an OAuth2 token at once: both need the Authorization
    header, so the document asks for the impossible; Basic with an API key header is fine."""
    doc = _doc({})
    doc["components"]["securitySchemes"] = {
        "basic": {"type": "http", "scheme": "basic"},
        "oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://x/t", "scopes": {}}}},
        "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
    }
    values = _values(tmp_path, doc)
    unauthorized = [{"location": ["request"], "code": 401, "message": "Invalid security scheme used"}]
    clash = request_rejected(values, unauthorized, RequestContext(security=[["basic", "oauth"]]))
    assert clash is not None and (clash.verdict, clash.reason) == (DOCUMENT, "unsatisfiable-security-requirement")
    assert request_rejected(values, unauthorized, RequestContext(security=[["basic", "key"]])) is None
    assert request_rejected(values, unauthorized, RequestContext(security=[["basic", "oauth"], ["key"]])) is None


def test_prism_checks_an_absent_deep_object_as_empty(prism: Path, tmp_path: Path) -> None:
    """An optional deepObject query parameter with a required property, left out: Prism 5.14.2
    reports the property missing (and accepts the request once the parameter is sent)."""
    sort = {"type": "object", "required": ["by"], "properties": {"by": {"type": "string"}}}
    params = [{"name": "sort", "in": "query", "style": "deepObject", "explode": True, "schema": sort}]
    doc = _doc({}, {"/x": {"get": {"parameters": params, "responses": {"204": {"description": "ok"}}}}})
    values = _values(tmp_path, doc)
    server = _serve(prism, tmp_path, doc)
    try:
        absent = httpx.get(f"{server.url}/x")
        sent = httpx.get(f"{server.url}/x", params={"sort[by]": "name"})
    finally:
        server.stop()
    assert (absent.status_code, sent.status_code) == (422, 204), absent.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in absent.json()["validation"]]
    ctx = RequestContext(None, {("query", "sort"): values.at("/paths/~1x/get/parameters/0")})
    found = request_rejected(values, violations, ctx)
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-absent-deepobject")
    sent_ctx = RequestContext(None, ctx.params, sent_query=frozenset({"sort[by]"}))
    assert request_rejected(values, violations, sent_ctx) is None


def test_prism_echoes_a_declared_content_encoding(prism: Path, tmp_path: Path) -> None:
    """A declared ``Content-Encoding`` response header: Prism 5.14.2 sends its example (``gzip``)
    over a body it did not compress, which an HTTP client cannot decode."""
    header = {"Content-Encoding": {"schema": {"type": "string", "example": "gzip"}}}
    content = {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}
    doc = _doc({}, {"/e": {"get": {"responses": {"200": {"description": "ok", "headers": header, "content": content}}}}})
    server = _serve(prism, tmp_path, doc)
    try:
        with pytest.raises(httpx.DecodingError):
            httpx.get(f"{server.url}/e")
    finally:
        server.stop()


def test_prism_refuses_a_document_with_a_dangling_ref_in_an_example(prism: Path, tmp_path: Path) -> None:
    """A ``$ref`` to nothing inside an example: Prism's resolver refuses the whole document
    (MissingPointerError), which the sweep reports as the document's defect."""
    from contract_prism import PrismStartError

    content = {"application/json": {"schema": {"type": "object"}, "example": {"a": {"$ref": "#/components/schemas/Nope/example"}}}}
    doc = _doc({}, {"/d": {"get": {"responses": {"200": {"description": "ok", "content": content}}}}})
    with pytest.raises(PrismStartError) as info:
        _serve(prism, tmp_path, doc).stop()
    assert info.value.exited and "MissingPointerError" in info.value.log


def test_unknown_discriminator_tags_are_found_where_they_are(tmp_path: Path) -> None:
    """The tag the sweep blames on Prism (or on an example) is one no mapping or variant name
    covers, found at any depth; a mapped tag or a variant's name is not."""
    from contract_classify import unknown_tag

    schemas = {
        "Pet": {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}},
        },
        "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}},
        "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}},
        "Owner": {"type": "object", "properties": {"pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}},
    }
    values = _values(tmp_path, _doc(schemas))
    owner = values.at("/components/schemas/Owner")
    assert unknown_tag(values, owner, {"pets": [{"kind": "cat"}, {"kind": "Dog"}]}) is None
    assert unknown_tag(values, owner, {"pets": [{"kind": "cat"}, {"kind": "string"}]}) == (
        "/components/schemas/Pet/discriminator",
        "string",
    )


def test_a_discriminator_inherited_through_allof_covers_a_oneof_of_children(tmp_path: Path) -> None:
    """A ``oneOf`` without a discriminator whose variants all inherit one through ``allOf`` (the
    OAS 3.0 parent-schema pattern) is read with the parent's discriminator, blamed at its pointer."""
    from contract_classify import unknown_tag

    vehicle = {
        "type": "object",
        "required": ["$type"],
        "properties": {"$type": {"type": "string"}},
        "discriminator": {"propertyName": "$type", "mapping": {"Car": "#/components/schemas/Car"}},
    }
    schemas = {
        "Vehicle": vehicle,
        "Car": {"allOf": [{"$ref": "#/components/schemas/Vehicle"}, {"type": "object", "properties": {"model": {"type": "string"}}}]},
        "Volvo": {"allOf": [{"$ref": "#/components/schemas/Car"}, {"type": "object", "properties": {"belts": {"type": "integer"}}}]},
        "Any": {"oneOf": [{"$ref": "#/components/schemas/Car"}, {"$ref": "#/components/schemas/Volvo"}]},
        "Plain": {"oneOf": [{"$ref": "#/components/schemas/Vehicle"}, {"type": "string"}]},
    }
    values = _values(tmp_path, _doc(schemas))
    anyone = values.at("/components/schemas/Any")
    assert unknown_tag(values, anyone, {"$type": "Car"}) is None
    assert unknown_tag(values, anyone, {"$type": "Volvo"}) is None  # a variant's schema name
    assert unknown_tag(values, anyone, {"$type": "string"}) == ("/components/schemas/Vehicle/discriminator", "string")
    # a variant that inherits nothing: no discriminator covers the oneOf
    assert unknown_tag(values, values.at("/components/schemas/Plain"), {"$type": "string"}) is None


def test_three_prism_request_checks_no_request_can_pass(prism: Path, tmp_path: Path) -> None:
    """On one Prism 5.14.2: a required readOnly property left out inside ``oneOf`` is reported
    missing (not when the schema is referenced directly); a non-exploded multipart array ``a,b``
    fails the form-urlencoded reserved-character check; a query name with a space is found only
    under its encoded form (``a%2520b``). Each is excused by its rule, and only then."""
    dog = {"type": "object", "required": ["name", "id"], "properties": {"name": {"type": "string"}, "id": {"type": "string", "readOnly": True}}}
    doc = _doc({"Dog": dog}, {
        "/direct": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dog"}}}}, "responses": {"204": {"description": "ok"}}}},
        "/wrapped": {"post": {"requestBody": {"content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/Dog"}]}}}}, "responses": {"204": {"description": "ok"}}}},
        "/form": {"post": {"requestBody": {"content": {"multipart/form-data": {
            "schema": {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}}}},
            "encoding": {"tags": {"style": "form", "explode": False}},
        }}}, "responses": {"204": {"description": "ok"}}}},
        "/q": {"get": {"parameters": [{"name": "a b", "in": "query", "required": True, "schema": {"type": "string"}}], "responses": {"204": {"description": "ok"}}}},
    })  # fmt: skip
    values = _values(tmp_path, doc)
    server = _serve(prism, tmp_path, doc)
    try:
        direct = httpx.post(f"{server.url}/direct", json={"name": "x"})
        wrapped = httpx.post(f"{server.url}/wrapped", json={"name": "x"})
        form = httpx.post(f"{server.url}/form", files={"tags": (None, "a,b")})
        spaced = httpx.get(f"{server.url}/q?a%20b=1")
        double = httpx.get(f"{server.url}/q?a%2520b=1")
    finally:
        server.stop()
    assert (direct.status_code, double.status_code) == (204, 204)

    def violations(response: httpx.Response) -> list[dict[str, Any]]:
        assert response.status_code == 422, response.text
        return [{**v, "location": ["request", *v["location"]]} for v in response.json()["validation"]]

    wrapped_schema = values.at("/paths/~1wrapped/post/requestBody/content/application~1json/schema")
    found = request_rejected(values, violations(wrapped), RequestContext(wrapped_schema, {}))
    assert found is not None and found.reason == "prism-readonly-required-in-composition"
    form_schema = values.at("/paths/~1form/post/requestBody/content/multipart~1form-data/schema")
    found = request_rejected(values, violations(form), RequestContext(form_schema, {}, body_kind="multipart"))
    assert found is not None and found.reason == "prism-reserved-characters-multipart"
    assert request_rejected(values, violations(form), RequestContext(form_schema, {}, body_kind="form")) is None
    found = request_rejected(values, violations(spaced), RequestContext(None, {}, sent_query=frozenset({"a b"})))
    assert found is not None and found.reason == "prism-encoded-query-name"
    assert request_rejected(values, violations(spaced), RequestContext(None, {}, sent_query=frozenset())) is None


def test_a_oneof_of_string_and_integer_parameter_is_ambiguous_on_the_wire(prism: Path, tmp_path: Path) -> None:
    """``/w/{id}`` with ``oneOf: [integer, string]``: ``/w/1`` fits both, and Prism refuses it
    with a oneOf violation (the document's defect); a string-only parameter is not excused."""
    params = [{"name": "id", "in": "path", "required": True, "schema": {"oneOf": [{"type": "integer"}, {"type": "string"}]}}]
    doc = _doc({}, {"/w/{id}": {"get": {"parameters": params, "responses": {"204": {"description": "ok"}}}}})
    values = _values(tmp_path, doc)
    server = _serve(prism, tmp_path, doc)
    try:
        number = httpx.get(f"{server.url}/w/1")
        text = httpx.get(f"{server.url}/w/abc")
    finally:
        server.stop()
    assert (number.status_code, text.status_code) == (422, 204), number.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in number.json()["validation"]]
    ctx = RequestContext(None, {("path", "id"): values.at("/paths/~1w~1{id}/get/parameters/0")})
    found = request_rejected(values, violations, ctx)
    assert found is not None and (found.verdict, found.reason) == (DOCUMENT, "parameter-oneof-overlap")
