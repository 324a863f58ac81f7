"""The contract sweep's own machinery: the value builder (``contract_values``) and the judge's
reading of the generated client's type hints (``contract_wire``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
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


def test_a_return_hint_naming_a_stdlib_module_evaluates_without_models_importing_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A resource module imports ``uuid`` for its own ``-> uuid.UUID``; models.py, where no model
    uses it, does not: the judge reads the hint with the stdlib modules the generator names."""
    from contract_wire import Package

    pkg = tmp_path / "p_hint_only"
    pkg.mkdir()
    for name in ("__init__.py", "models.py", "_models.py"):
        (pkg / name).write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    package = Package("p_hint_only")
    import datetime
    import decimal
    import uuid

    assert package.type_of("uuid.UUID") is uuid.UUID
    assert package.type_of("list[datetime.date] | None") == (list[datetime.date] | None)
    assert package.type_of("decimal.Decimal") is decimal.Decimal

def test_the_builder_reads_request_bodies_made_of_allof_parts_as_linode_writes_them(tmp_path: Path) -> None:
    """Linode's request bodies: ``{allOf: [$ref Domain], required: [domain, type]}`` (the required
    properties are declared only in the part: built from it, an enum member, not a placeholder);
    ``allOf: [$ref Volume, {properties: {size: {readOnly: true}}}]`` (the part that marks ``size``
    read-only wins: it is left out of the request); and a response model's property schema,
    ``readOnly`` as a whole, reused as the body (OpenAPI 3.0: readOnly is relevant only for
    properties, so the body itself may be sent)."""
    domain = {"type": "object", "properties": {"domain": {"type": "string"}, "type": {"type": "string", "enum": ["master", "slave"]}, "id": {"type": "integer", "readOnly": True}}}
    volume = {"type": "object", "properties": {"label": {"type": "string"}, "size": {"type": "integer", "example": 30}}}
    entity = {"type": "object", "readOnly": True, "properties": {"id": {"type": "integer"}, "label": {"type": "string", "readOnly": True}}}
    bodies = {
        "domain": {"allOf": [{"$ref": "#/components/schemas/Domain"}], "required": ["domain", "type"]},
        "volume": {"allOf": [{"$ref": "#/components/schemas/Volume"}, {"type": "object", "properties": {"size": {"readOnly": True}}}]},
        "device": {"allOf": [{"$ref": "#/components/schemas/Entity"}], "required": ["id"], "type": "object"},
    }
    paths = {
        f"/{name}": {"post": {"requestBody": {"content": {"application/json": {"schema": schema}}}, "responses": {"204": {"description": "ok"}}}}
        for name, schema in bodies.items()
    }
    values = _values(tmp_path, _doc({"Domain": domain, "Volume": volume, "Entity": entity}, paths, version="3.0.3"))
    built = {}
    for name in bodies:
        loc = values.at(f"/paths/~1{name}/post/requestBody/content/application~1json/schema")
        for mode in ("required", "full"):
            built[name, mode] = values.value(loc, shape=Shape(mode))
    assert values.problems == []
    assert built["domain", "required"]["type"] in ("master", "slave")
    assert "size" not in built["volume", "full"] and "label" in built["volume", "full"]
    assert built["device", "required"] == {"id": built["device", "required"]["id"]}
    # a read-only property inside the body still may not be written
    device = values.at("/paths/~1device/post/requestBody/content/application~1json/schema")
    assert not values.valid(device, {"id": 1, "label": "x"})


def test_a_query_object_parameter_never_carries_a_member_without_a_form(tmp_path: Path) -> None:
    """hey-api's ``pagination-ref.yaml``: a required query object whose required ``sort`` is
    ``type: [array, null]``. The required-only request built it as ``[]``, which no form query
    can carry (RFC 6570 leaves an empty list out) and the server then misses; the planner sends
    the full value instead. A plain required value stays as built."""
    from contract_requests import RequestPlanner

    bar = {
        "type": "object",
        "required": ["page", "sort"],
        "properties": {"page": {"type": ["integer", "null"]}, "sort": {"type": ["array", "null"], "items": {"type": "string"}}},
    }
    params = [
        {"in": "query", "name": "foo", "required": True, "schema": bar},
        {"in": "query", "name": "plain", "required": True, "schema": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}},
    ]
    values = _values(tmp_path, _doc({}, {"/foo": {"get": {"parameters": params, "responses": {"204": {"description": "ok"}}}}}))
    planner = RequestPlanner(values, None, None, values.at("/paths/~1foo/get"), {})  # type: ignore[arg-type]
    at = values.at("/paths/~1foo/get/parameters")
    required = Shape("required", 0)
    assert values.value(at.child(0, "schema"), "foo", required)["sort"] == []  # what was sent before
    foo = planner._param_value(at.child(0), params[0], required)
    assert foo["sort"] and all(isinstance(s, str) for s in foo["sort"]) and foo["page"] is not None
    assert set(planner._param_value(at.child(1), params[1], required)) == {"a"}
