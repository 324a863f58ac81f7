"""The validator's speed-ups (generator/validate_speed.py): the same findings as the library's own
validator, found faster (Schema Objects and units known valid skipped, jsonschema-rs pre-checks,
pathable's protocol check answered by type)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.diagnostics import DiagnosticSink
from generator.validate import validate


class RecordingChecks:
    """A Schema Object meta-schema validator that records each schema checked in Python."""

    def __init__(self, inner: Any, seen: list[Any]) -> None:
        self.inner = inner
        self.seen = seen

    def iter_errors(self, schema: Any) -> Any:
        self.seen.append(schema)
        return self.inner.iter_errors(schema)


def test_schemas_known_valid_are_not_checked_again_and_the_findings_stay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Keys of Schema Objects that passed their meta-schema check (kept across runs in the cache)
    skip that check next time; a schema with any other content is checked, so findings stay."""
    import generator.validate_speed as speed

    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Good": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Bad": {"type": "object", "properties": {"size": {"minimum": "ten"}}},
            }
        },
    }
    real = speed._meta_validator
    checked: list[Any] = []

    def spied(*args: Any) -> Any:
        validator, salt, _ = real(*args)
        # no jsonschema-rs pre-check: the Python check each time
        return RecordingChecks(validator, checked), salt, None

    monkeypatch.setattr(speed, "_meta_validator", spied)
    known: set[str] = set()
    first = DiagnosticSink()
    validate(doc, "3.1", first, known)
    assert len(known) >= 1 and len(checked) >= 2
    findings = sorted((d.pointer, d.message) for d in first.items)
    assert any(p.startswith("/components/schemas/Bad") for p, _ in findings), findings
    checked.clear()
    again = DiagnosticSink()
    validate(doc, "3.1", again, set(known))
    assert sorted((d.pointer, d.message) for d in again.items) == findings
    assert checked == [doc["components"]["schemas"]["Bad"]]  # only the one that did not pass


_KEYS_SCRIPT = """
import json, sys
from generator import validate_speed as speed
from generator.diagnostics import DiagnosticSink
from generator.validate import validate
speed._meta_schema_valid_fast = lambda data, library_class: False  # the units' keys are wanted
doc, version = json.loads(sys.stdin.read())
known = set()
validate(doc, version, DiagnosticSink(), known)
print(json.dumps(sorted(known)))
"""


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_known_valid_keys_are_the_same_in_every_process(version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The keys are kept in a file for later runs, so they must not depend on the process (its
    hash seed, its memory addresses): another interpreter finds the same keys for the same
    document, for its units and for its Schema Objects (whose check uses a format checker)."""
    import json
    import os
    import subprocess
    import sys

    doc: dict[str, Any] = {
        "openapi": "3.0.3" if version == "3.0" else "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {"Thing": {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}}}
        },
    }
    runs = []
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", _KEYS_SCRIPT],
            input=json.dumps([doc, version]),
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        runs.append(json.loads(out))
    import generator.validate_speed as speed

    monkeypatch.setattr(speed, "_meta_schema_valid_fast", lambda data, library_class: False)
    here: set[str] = set()
    validate(doc, version, DiagnosticSink(), here)
    assert len(here) >= 4  # path item, operation, ... and the Schema Objects
    assert runs[0] == runs[1] == sorted(here)


def test_schema_objects_jsonschema_rs_finds_valid_skip_the_python_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a plain-JSON document, a Schema Object that jsonschema-rs finds valid against its
    dialect's meta-schema (with the Python format checks: an invalid regex in ``pattern`` is
    refused by both) is not checked in Python; one it refuses gets the Python check's finding, the
    same as without jsonschema-rs; a document that is not plain JSON gets no pre-check."""
    pytest.importorskip("jsonschema_rs")
    import datetime
    from functools import cache

    import generator.validate_speed as speed

    def doc(version: str) -> dict[str, Any]:
        return {
            "openapi": version,
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {
                "schemas": {
                    "Good": {"type": "object", "properties": {"name": {"type": "string", "pattern": "^a+$"}}},
                    "BadRegex": {"type": "string", "pattern": "(unclosed"},
                    "Bad": {"type": "object", "properties": {"size": {"minimum": "ten"}}},
                }
            },
        }

    real = speed._meta_validator
    python_checked: list[Any] = []
    built = real.__wrapped__  # type: ignore[attr-defined]

    def spied(*args: Any) -> Any:
        validator, salt, twin = built(*args)
        return RecordingChecks(validator, python_checked), salt, twin

    for version, short in (("3.0.3", "3.0"), ("3.1.0", "3.1")):
        expected = sorted((d.pointer, d.message) for d in findings_of(doc(version), short, rs=False))
        assert {p.split("/")[3] for p, _ in expected} == {"Bad", "BadRegex"}, expected
        monkeypatch.setattr(speed, "_meta_validator", cache(spied))
        python_checked.clear()
        got = sorted((d.pointer, d.message) for d in findings_of(doc(version), short, rs=True))
        assert got == expected
        schemas = doc(version)["components"]["schemas"]
        assert sorted(map(repr, python_checked)) == sorted([repr(schemas["Bad"]), repr(schemas["BadRegex"])])
        python_checked.clear()
        odd = doc(version)
        odd["components"]["schemas"]["Good"]["description"] = datetime.date(2024, 1, 1)  # a YAML date
        findings_of(odd, short, rs=True)
        assert len(python_checked) == 3  # not plain JSON: every Schema Object checked in Python
        monkeypatch.setattr(speed, "_meta_validator", real)


def findings_of(doc: dict[str, Any], version: str, *, rs: bool) -> list[Any]:
    """The findings of validating ``doc``, with or without jsonschema-rs's Schema Object pre-check."""
    import generator.validate_speed as speed

    real = speed._rs_twin
    speed._meta_validator.cache_clear()
    if not rs:
        speed._rs_twin = lambda validator: None  # type: ignore[assignment]
    try:
        sink = DiagnosticSink()
        validate(doc, version, sink, set())
        return list(sink.items)
    finally:
        speed._rs_twin = real  # type: ignore[assignment]
        speed._meta_validator.cache_clear()


def test_the_subscriptable_check_answers_as_the_protocol_does() -> None:
    """pathable's ``Subscriptable`` check answers from the type for built-in values and asks the
    protocol for anything else: the same answers either way."""
    import pathable.accessors
    from pathable.protocols import Subscriptable

    from generator.validate import library_validator_class
    from generator.validate_speed import _fast_class

    _fast_class(library_validator_class("3.1"))
    fast = pathable.accessors.Subscriptable
    assert fast is not Subscriptable  # answered by type now

    class Mapping:
        def __contains__(self, key: object) -> bool:
            return False

        def __getitem__(self, key: object) -> object:
            raise KeyError(key)

        def __len__(self) -> int:
            return 0

    class Blocked(Mapping):
        __getitem__ = None  # type: ignore[assignment]

    values: list[Any] = [{}, {"a": 1}, [], [1], (), "", "text", b"", 0, 1.5, True, None, Mapping(), Blocked(), object()]
    for value in values * 2:
        assert isinstance(value, fast) == isinstance(value, Subscriptable), value
    assert [isinstance(v, fast) for v in ({}, [], "x", 1, None, Mapping(), Blocked())] == [True, True, True, False, False, True, False]


def test_the_survey_counts_nodes_and_tells_plain_json() -> None:
    from generator.validate_speed import _survey

    assert _survey({"a": [1, 2.5, 8.0, "x", True, None, {"b": {}}]}) == (12, True)
    for odd in ({1: "int key"}, {"a": float("nan")}, {"a": float("inf")}, {"a": 2**60}, {"a": (1, 2)}, {"a": b"x"}):
        assert not _survey(odd)[1], odd
    import datetime

    assert not _survey({"a": [datetime.date(2024, 1, 1)]})[1]  # a YAML timestamp
    cyclic: list[Any] = []
    cyclic.append(cyclic)  # YAML aliases can build one; the walk stops at its cap
    nodes, plain = _survey({"a": cyclic}, cap=1000)
    assert nodes == 1000 and not plain


def test_a_document_jsonschema_rs_finds_valid_skips_the_python_meta_schema_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pre-check decides only whether the Python pass over the OpenAPI meta-schema runs: a valid
    document skips it (same findings: none from that pass), an invalid one gets it, with its
    messages and pointers."""
    pytest.importorskip("jsonschema_rs")
    import generator.validate_speed as speed

    calls: list[Any] = []
    real = speed._fast_class

    def spy(library_class: type, skip_meta_schema: bool = False) -> type:
        calls.append(skip_meta_schema)
        return real(library_class, skip_meta_schema)

    monkeypatch.setattr(speed, "_fast_class", spy)
    good: dict[str, Any] = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    sink = DiagnosticSink()
    assert validate(good, "3.0", sink) == 0 and calls == [True]
    bad = {**good, "paths": {"/a": {"get": {"responses": {"200": {"description": 5}}}}}}
    sink = DiagnosticSink()
    assert validate(bad, "3.0", sink) >= 1 and calls == [True, False]
    assert any(d.pointer.startswith("/paths/~1a/get/responses/200") for d in sink.items), sink.items


def _schema_checks_in_use() -> dict[str, tuple[Any, str, Any]]:
    """The (validator, salt, jsonschema-rs twin) a validation run uses for the Schema Objects of an
    OpenAPI 3.0 and of a 3.1 document."""
    import generator.validate_speed as speed

    found: dict[str, tuple[Any, str, Any]] = {}
    real = speed._check_schema
    for version, short in (("3.0.3", "3.0"), ("3.1.0", "3.1")):

        def spy(validator: Any, salt: str, twin: Any, schema: Any, short: str = short) -> None:
            found.setdefault(short, (validator, salt, twin))
            real(validator, salt, twin, schema)

        speed._check_schema = spy  # type: ignore[assignment]
        try:
            doc = {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": {}}
            doc["components"] = {"schemas": {"A": {"type": "string"}}}
            validate(doc, short, DiagnosticSink(), set())
        finally:
            speed._check_schema = real  # type: ignore[assignment]
    return found


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=8),
    # regexes Python and jsonschema-rs disagree on, references, type names
    st.sampled_from(["(unclosed", "^a+$", "[", "(?P<x>a)", "(?<x>a)", "\\p{L}", "a{2,1}", "#/x", "string", "object"]),
)
_KEYWORDS = st.sampled_from(
    ["type", "pattern", "format", "minimum", "exclusiveMinimum", "multipleOf", "maxLength", "items",
     "properties", "required", "enum", "nullable", "allOf", "oneOf", "not", "additionalProperties",
     "default", "example", "examples", "discriminator", "$ref", "readOnly", "x-ext", "description",
     "const", "patternProperties", "uniqueItems", "minItems", "xml", "externalDocs", "prefixItems",
     "$defs", "$schema", "$id", "$anchor", "dependentRequired"]
)  # fmt: skip
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(_KEYWORDS, st.text(max_size=5)), inner, max_size=5)
    ),
    max_leaves=25,
)


@pytest.fixture(scope="module")
def schema_checks() -> dict[str, tuple[Any, str, Any]]:
    pytest.importorskip("jsonschema_rs")
    return _schema_checks_in_use()


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(schema=st.dictionaries(_KEYWORDS, _JSON, max_size=6), version=st.sampled_from(["3.0", "3.1"]))
@example(schema={"pattern": "\\p{L}"}, version="3.0")  # an ECMA regex Python does not compile
@example(schema={"properties": {"a": {"pattern": "(?<x>a)"}}}, version="3.1")
def test_jsonschema_rs_never_passes_a_schema_the_python_check_refuses(
    schema_checks: dict[str, tuple[Any, str, Any]], schema: dict[str, Any], version: str
) -> None:
    """The pre-check may only skip checks that would find nothing: on random Schema Objects
    (wrong types, regexes that only one engine accepts, nested keywords), jsonschema-rs never
    passes one the Python check refuses (that would lose a finding; a refusal where Python passes
    only costs time: 2,000 such examples had none either way)."""
    from generator.validate_speed import _survey

    validator, _, twin = schema_checks[version]
    assert twin is not None
    if not _survey(schema)[1]:
        return
    if twin.is_valid(schema):
        assert next(iter(validator.iter_errors(schema)), None) is None, schema
