"""The internals of other libraries that the validator's speed-ups rely on
(generator/validator_internals.py) are there with the shape the speed-ups expect in the versions
``pyproject.toml`` pins; when one is not, the speed-ups turn themselves off with one warning and
validation finds the same (generator/validate_speed.py: ``speedups_usable``)."""

from __future__ import annotations

import importlib
import re
import sys
import tomllib
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

import pytest

from generator.diagnostics import DiagnosticSink
from generator.validate import library_validator_class, validate
from generator.validate_speed import SpeedupsUnavailable, accelerated, speedups_usable
from generator.validator_internals import _INTERNALS, changed_internals

REPO = Path(__file__).resolve().parents[2]


def test_every_internal_the_speed_ups_rely_on_is_as_they_expect() -> None:
    changed = changed_internals()
    assert changed == [], (
        "the validator's speed-ups rely on internals that are missing or changed (adapt "
        "generator/validate_speed.py and generator/validator_internals.py, or keep the pins in "
        "pyproject.toml):\n" + "\n".join(changed)
    )


def test_the_libraries_they_reach_into_are_pinned_exactly_at_the_installed_versions() -> None:
    """An upgrade is a deliberate change of a pin (then the test above says what moved), never a
    range that lets an install pick a version whose internals nobody checked."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins: dict[str, str] = {}
    for requirement in project["dependencies"]:
        found = re.fullmatch(r"([A-Za-z0-9_.-]+)==([A-Za-z0-9_.+-]+)", requirement.strip())
        if found:
            pins[found[1].lower().replace("_", "-")] = found[2]
    libraries = {library for library, _, _ in _INTERNALS}
    assert libraries == {
        "openapi-spec-validator",
        "openapi-schema-validator",
        "jsonschema",
        "referencing",
        "pathable",
        "jsonschema-rs",
    }
    for library in sorted(libraries):
        assert library in pins, f"{library} is not pinned with == in pyproject.toml"
        assert pins[library] == metadata.version(library), (
            f"{library}: pyproject.toml pins {pins[library]}, {metadata.version(library)} is installed"
        )


@pytest.fixture
def fresh_check() -> Iterator[None]:
    """``speedups_usable`` asks again (it answers once per process), before and after the test."""
    speedups_usable.cache_clear()
    yield
    speedups_usable.cache_clear()


def _invalid(version: str) -> dict[str, Any]:
    """A small document with findings of each kind: the OpenAPI meta-schema pass (a numeric
    description), Schema Object checks (a wrong keyword type, a regex Python refuses) and the
    library's own keyword checks (a required property no member defines)."""
    return {
        "openapi": "3.0.3" if version == "3.0" else "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": 5}},
                }
            }
        },
        "components": {
            "schemas": {
                "Good": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Bad": {"type": "object", "properties": {"size": {"minimum": "ten"}}},
                "BadRegex": {"type": "string", "pattern": "(unclosed"},
                "Missing": {"allOf": [{"$ref": "#/components/schemas/Good"}], "required": ["nowhere"]},
            }
        },
    }


def _findings(version: str) -> list[tuple[str, str]]:
    sink = DiagnosticSink()
    validate(_invalid(version), version, sink, set())
    return sorted((d.pointer, d.message) for d in sink.items)


#: Internals that can be taken away without breaking the library's own validator (which already
#: holds what it needs): ``(module, attribute, library)``.
_REMOVABLE = [
    ("openapi_schema_validator._specifications", "REGISTRY", "openapi-schema-validator"),
    ("jsonschema_rs", "Registry", "jsonschema-rs"),
]


@pytest.mark.parametrize(("module", "attribute", "library"), _REMOVABLE)
def test_a_missing_internal_turns_the_speed_ups_off_once_and_the_findings_stay(
    fresh_check: None, monkeypatch: pytest.MonkeyPatch, module: str, attribute: str, library: str
) -> None:
    pytest.importorskip(module.split(".")[0])
    fast: dict[str, list[tuple[str, str]]] = {}
    for version in ("3.0", "3.1"):
        known: set[str] = set()
        with accelerated(library_validator_class(version), _invalid(version), known) as run:
            assert run.validator_class is not library_validator_class(version)  # sped up
        fast[version] = _findings(version)
        assert len(fast[version]) >= 4, fast[version]
    monkeypatch.delattr(importlib.import_module(module), attribute)
    speedups_usable.cache_clear()

    (changed,) = changed_internals()
    assert changed.startswith(f"{library} {metadata.version(library)}: ") and attribute in changed
    with pytest.warns(SpeedupsUnavailable, match=re.escape(changed)):
        assert _findings("3.0") == fast["3.0"]
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        assert _findings("3.1") == fast["3.1"]
        known = {"a key"}
        with accelerated(library_validator_class("3.1"), _invalid("3.1"), known) as run:
            assert run.validator_class is library_validator_class("3.1")  # the library's own
            assert run.nodes > 40
    assert known == {"a key"}  # nothing remembered without the speed-ups
    assert not [w for w in again if issubclass(w.category, SpeedupsUnavailable)]  # warned once


def _change_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    from openapi_spec_validator.validation.keywords import OpenAPIV31SchemaValidator

    monkeypatch.setattr(OpenAPIV31SchemaValidator, "_get_schema_checker", lambda self, schema: None)


def _replace_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    import pathable.accessors

    monkeypatch.setattr(pathable.accessors, "Subscriptable", object)


def _change_format_checker(monkeypatch: pytest.MonkeyPatch) -> None:
    from jsonschema import FormatChecker

    monkeypatch.setattr(FormatChecker, "conforms", lambda self, instance: True)


def _change_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    from referencing import Registry

    monkeypatch.setattr(Registry, "resolver", lambda self: None)


def _forget_visited_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    from openapi_spec_validator.validation.keywords import SchemaValidator

    def call(self: Any, schema: Any) -> None:
        self.visited_schema_ids.remove(id(schema))

    monkeypatch.setattr(SchemaValidator, "__call__", call)


@pytest.mark.parametrize(
    ("change", "library", "named"),
    [
        (_change_signature, "openapi-spec-validator", "_get_schema_checker(self, schema, schema_value)"),
        (_forget_visited_ids, "openapi-spec-validator", "visited_schema_ids"),
        (_replace_protocol, "pathable", "accessors.Subscriptable"),
        (_change_format_checker, "jsonschema", "FormatChecker.conforms(instance, format)"),
        (_change_registry, "referencing", "Registry.resolver(base_uri)"),
    ],
)
def test_a_changed_shape_is_named_with_the_library_and_its_version(
    monkeypatch: pytest.MonkeyPatch, change: Any, library: str, named: str
) -> None:
    """Not only missing names: another signature, a protocol replaced, a list now also removed
    from (which the set-backed list would answer wrongly) are changes too."""
    change(monkeypatch)
    (changed,) = changed_internals()
    assert changed.startswith(f"{library} {metadata.version(library)}: ") and named in changed, changed


def test_the_check_passes_in_a_fresh_interpreter_too() -> None:
    """Before the speed-ups patch anything (the protocol check is replaced on first use)."""
    import subprocess

    script = "from generator.validator_internals import changed_internals; print(changed_internals())"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
