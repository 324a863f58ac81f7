"""Stage 2 (generator/validate.py): the OpenAPI version check (errors) and the validator (warnings)."""

from __future__ import annotations

from typing import Any

import pytest

from generator.diagnostics import DiagnosticSink, GenerationError, Level
from generator.validate import MAX_REPORTED, check_version, validate


def version_of(data: Any) -> tuple[str, DiagnosticSink]:
    sink = DiagnosticSink()
    return check_version(data, sink), sink


@pytest.mark.parametrize(
    ("declared", "expected"),
    [("3.0.0", "3.0"), ("3.0.3", "3.0"), ("3.1.0", "3.1"), ("3.1.1", "3.1")],
)
def test_supported_versions(declared: str, expected: str) -> None:
    version, sink = version_of({"openapi": declared})
    assert version == expected and sink.items == []


def test_a_newer_3_x_is_read_as_3_1_with_a_warning() -> None:
    version, sink = version_of({"openapi": "3.2.0"})
    assert version == "3.1"
    (w,) = sink.items
    assert w.level == Level.WARNING and w.pointer == "/openapi"


def test_a_numeric_version_is_read_as_text_with_a_warning() -> None:
    data: dict[str, Any] = {"openapi": 3.1}
    version, sink = version_of(data)
    assert version == "3.1" and data["openapi"] == "3.1.0"
    (w,) = sink.items
    assert w.level == Level.WARNING and "written as a number" in w.message


@pytest.mark.parametrize(
    ("data", "pointer", "message"),
    [
        (
            {"swagger": "2.0", "info": {}},
            "/swagger",
            "Swagger/OpenAPI 2.0 documents are not supported",
        ),
        ({"openapi": "2.0"}, "/openapi", "unsupported OpenAPI version '2.0'"),
        ({"openapi": "4.0.0"}, "/openapi", "unsupported OpenAPI version"),
        ({"openapi": True}, "/openapi", "unsupported OpenAPI version"),
        ({"info": {"title": "x"}}, "", "the 'openapi' version field is missing"),
        (["a", "b"], "", "the top level is a list, not an object"),
        ("just text", "", "the top level is a str, not an object"),
        (None, "", "the top level is empty"),
    ],
)
def test_not_openapi_3_is_an_error(data: Any, pointer: str, message: str) -> None:
    sink = DiagnosticSink()
    with pytest.raises(GenerationError):
        check_version(data, sink)
    (err,) = sink.items
    assert err.level == Level.ERROR and err.pointer == pointer and message in err.message


def valid(version: str = "3.1.0", **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": version,
        "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    doc.update(extra)
    return doc


def findings(doc: dict[str, Any]) -> list[Any]:
    sink = DiagnosticSink()
    count = validate(doc, "3.0" if doc["openapi"].startswith("3.0") else "3.1", sink)
    assert all(d.level == Level.WARNING for d in sink.items), "validator findings are warnings"
    assert count >= len([d for d in sink.items if d.message.startswith("invalid OpenAPI")])
    return sink.items


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_valid_document_has_no_findings(version: str) -> None:
    assert findings(valid(version)) == []


def test_map_valued_examples_in_a_3_1_schema_is_one_warning_at_its_pointer() -> None:
    doc = valid(
        components={
            "schemas": {
                "Req": {
                    "type": "object",
                    "properties": {
                        "additionalParams": {
                            "type": "string",
                            "examples": {"two query parameters": "a=b&c=d"},
                        }
                    },
                }
            }
        }
    )
    (w,) = findings(doc)
    assert w.pointer == "/components/schemas/Req/properties/additionalParams/examples"
    assert "is not of type 'array'" in w.message


def test_findings_carry_absolute_pointers() -> None:
    doc = valid("3.0.3")
    doc["paths"]["/a"]["get"]["parameters"] = [{"name": "x", "in": "nowhere"}]
    del doc["info"]
    pointers = {d.pointer for d in findings(doc)}
    assert "/paths/~1a/get/parameters/0" in pointers
    assert "" in pointers  # 'info' is a required property of the root


def test_many_findings_are_capped() -> None:
    doc = valid("3.0.3")
    doc["paths"] = {f"/a{i}": {"get": {"responses": {"200": {}}}} for i in range(MAX_REPORTED + 10)}
    items = findings(doc)
    assert len(items) == MAX_REPORTED + 1
    assert items[-1].message == "10 more validator findings not shown"


def test_validator_findings_do_not_stop_generation(build_ir) -> None:
    doc = valid(
        components={
            "schemas": {
                "Req": {
                    "type": "object",
                    "properties": {"p": {"type": "string", "examples": {"a": "b"}}},
                }
            }
        }
    )
    api, sink = build_ir(doc, validate=True)
    assert api is not None
    assert not sink.has_errors()
    assert [d.pointer for d in sink.items if d.level == Level.WARNING] == [
        "/components/schemas/Req/properties/p/examples"
    ]
