"""Dropped constructs: what the generator cannot express it reports (what, why, where), and the
generated package never imports what was dropped (it still imports and works)."""

from __future__ import annotations

import inspect

import pydantic
import pytest

from features_helpers import Recorder, spec

DROPPED = spec(
    "dropped_all",
    """
    openapi: 3.1.0
    info: {title: Dropped, version: "1"}
    paths:
      /a/{m}:
        get:
          operationId: getA
          parameters:
            - name: m
              in: path
              required: true
              style: matrix
              explode: true
              schema: {type: array, items: {type: string}}
            - {name: legacy, in: body, schema: {$ref: '#/components/schemas/OnlyInBody'}}
            - {name: q, in: query, schema: {type: string}}
          security: [{mtls: []}, {digest: []}]
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Mixed'}
    components:
      securitySchemes:
        mtls: {type: mutualTLS}
        digest: {type: http, scheme: digest}
      schemas:
        OnlyInBody: {type: object, properties: {z: {type: string}}}
        Mixed:
          type: object
          properties:
            kind: {type: string}
          oneOf:
            - {type: object, properties: {a: {type: integer}}}
            - {type: object, properties: {b: {type: integer}}}
        Loop:
          type: array
          items: {$ref: '#/components/schemas/Loop'}
        NotString:
          not: {type: string}
        Patterns:
          type: object
          patternProperties:
            "^x-": {type: string}
            "^n-": {type: integer}
    """,
)


def test_unsupported_parameter_location_is_reported_and_left_out(gen) -> None:
    g = gen(DROPPED)
    assert g.ok, g.describe()
    (w,) = g.diags("WARNING", pointer="/paths/~1a~1{m}/get/parameters/1")
    assert "'body'" in w.message and "skipped" in w.message
    legacy_line = next(i for i, t in enumerate(DROPPED.text.splitlines(), 1) if "name: legacy" in t)
    assert w.line == legacy_line
    method = g.pkg.Client(base_url="http://t").a.get_a
    assert "legacy" not in inspect.signature(method).parameters
    # the schema only that parameter used is not imported by the resource module
    resource = g.source("resources/a.py")
    assert "OnlyInBody" not in resource
    rec = Recorder(200, json={"kind": "k"})
    g.client(rec).a.get_a(m=["x"], q="v")
    assert rec.last.url.params["q"] == "v"


def test_unsupported_security_schemes_are_reported(gen) -> None:
    g = gen(DROPPED)
    for key, kind in (("mtls", "mutualTLS"), ("digest", "http")):
        (info,) = g.diags("INFO", pointer=f"/components/securitySchemes/{key}")
        assert "not supported" in info.message and kind in info.message
    # no constructor argument for them, the client still works
    params = inspect.signature(g.pkg.Client).parameters
    assert not [p for p in params if "mtls" in p or "digest" in p]


def test_oneof_next_to_properties_is_merged_and_keeps_the_data(gen) -> None:
    g = gen(DROPPED)
    assert not g.diags(pointer="/components/schemas/Mixed/oneOf"), g.describe()
    data = {"kind": "k", "a": 1}
    ta = pydantic.TypeAdapter(g.models.Mixed)
    v = ta.validate_python(data)
    assert v.kind == "k" and v.a == 1  # the declared property and the variant's, both typed
    assert ta.dump_python(v, mode="json", by_alias=True, exclude_unset=True) == data
    with pytest.raises(pydantic.ValidationError):
        ta.validate_python({"kind": "k", "a": "x", "b": "y"})


def test_alias_recursion_typed_any_is_reported(gen) -> None:
    g = gen(DROPPED)
    assert g.diags(pointer="/components/schemas/Loop"), g.describe()


def test_inexpressible_keywords_are_reported(gen) -> None:
    g = gen(DROPPED)
    assert [d for d in g.diagnostics if d.pointer.startswith("/components/schemas/NotString")]
    assert [d for d in g.diagnostics if d.pointer.startswith("/components/schemas/Patterns")]
    # the values keep the patterns' types (str or int), not Any
    ta = pydantic.TypeAdapter(g.models.Patterns)
    assert ta.validate_python({"x-a": "s", "n-b": 2}) == {"x-a": "s", "n-b": 2}
    with pytest.raises(pydantic.ValidationError):
        ta.validate_python({"x-a": [1]})


def test_path_parameter_style_is_honoured_or_reported(gen) -> None:
    g = gen(DROPPED)
    rec = Recorder(200, json={})
    g.client(rec).a.get_a(m=["x", "y"])
    reported = [
        d for d in g.diagnostics if d.pointer.startswith("/paths/~1a~1{m}/get/parameters/0")
    ]
    assert reported or rec.last.url.path == "/a/;m=x;m=y"
