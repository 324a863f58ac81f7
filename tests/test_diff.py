"""``connect-codegen diff OLD NEW``: client-level changes between two versions of a spec.

Small inline documents pin down each change kind and its breaking classification (RULES in
``generator/diff/__init__.py``); the published Versori history in ``../shared`` checks real changes
between every consecutive pair of versions.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.diagnostics import DiagnosticSink
from generator.diff import Change, DiffReport, compare_documents, diff_files, load_spec
from generator.diff.render import render

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT.parent / "shared" / "specs" / "versori" / "history"

# --- inline documents ---------------------------------------------------------------------------


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def base() -> dict[str, Any]:
    """A small API: Pet is only received, PetCreate only sent, Shape and Unused used by nothing."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Pets API", "version": "1.0.0", "description": "Pets."},
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "ListPets",
                    "tags": ["pets"],
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                        {
                            "name": "owner",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Pet"},
                                    }
                                }
                            },
                        }
                    },
                },
                "post": {
                    "operationId": "CreatePet",
                    "tags": ["pets"],
                    "requestBody": {"required": True, "content": _json("PetCreate")},
                    "responses": {"201": {"description": "created", "content": _json("Pet")}},
                },
            },
            "/pets/{pet_id}": {
                "parameters": [
                    {"name": "pet_id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {
                    "operationId": "GetPet",
                    "tags": ["pets"],
                    "responses": {
                        "200": {"description": "ok", "content": _json("Pet")},
                        "404": {"description": "missing", "content": _json("Error")},
                    },
                },
                "delete": {
                    "operationId": "DeletePet",
                    "tags": ["pets"],
                    "responses": {"204": {"description": "gone"}},
                },
            },
            "/things": {"get": {"tags": ["things"], "responses": {"204": {"description": "none"}}}},
        },
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {
                        "id": {"type": "string", "readOnly": True},
                        "name": {"type": "string"},
                        "status": {"$ref": "#/components/schemas/Status"},
                        "born": {"type": "string", "format": "date"},
                        "tag": {"type": "string"},
                        "owner": {"$ref": "#/components/schemas/Owner"},
                    },
                },
                "PetCreate": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "kind": {"type": "string", "enum": ["cat", "dog"]},
                        "weight": {"type": "number"},
                        "owner": {"$ref": "#/components/schemas/Owner"},
                    },
                },
                "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Status": {"type": "string", "enum": ["available", "sold"]},
                "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
                "Shape": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/Circle"},
                        {"$ref": "#/components/schemas/Square"},
                    ],
                    "discriminator": {
                        "propertyName": "kind",
                        "mapping": {
                            "circle": "#/components/schemas/Circle",
                            "square": "#/components/schemas/Square",
                        },
                    },
                },
                "Circle": {
                    "type": "object",
                    "properties": {"kind": {"const": "circle"}, "r": {"type": "number"}},
                },
                "Square": {
                    "type": "object",
                    "properties": {"kind": {"const": "square"}, "side": {"type": "number"}},
                },
                "Unused": {"type": "object", "properties": {"a": {"type": "string"}}},
            }
        },
    }


def write(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def run_diff(tmp_path: Path, old: dict[str, Any], new: dict[str, Any]) -> DiffReport:
    a = write(tmp_path / "old.yaml", old)
    b = write(tmp_path / "new.yaml", new)
    sink = DiagnosticSink()
    report = diff_files(a, b, sink)
    assert not sink.has_errors()
    return report


def one(report: DiffReport, kind: str, contains: str = "") -> Change:
    found = [c for c in report.changes if c.kind == kind and contains in c.message]
    assert (
        len(found) == 1
    ), f"expected one {kind} with {contains!r}, got {found} among {report.changes}"
    return found[0]


def schemas(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["schemas"]


# --- identity and noise -------------------------------------------------------------------------


def test_identical_documents_have_no_changes(tmp_path: Path) -> None:
    report = run_diff(tmp_path, base(), base())
    assert report.changes == []
    assert report.bump == "patch"


def test_prose_titles_examples_and_extensions_are_ignored(tmp_path: Path) -> None:
    new = base()
    new["info"]["description"] = "Completely rewritten."
    new["paths"]["/pets"]["get"]["summary"] = "List them"
    schemas(new)["Pet"]["title"] = "A pet"
    schemas(new)["Pet"]["properties"]["name"]["example"] = "Rex"
    schemas(new)["Pet"]["x-go-type"] = "Pet"
    assert run_diff(tmp_path, base(), new).changes == []


def test_moving_an_inline_enum_into_components_under_its_class_name_is_not_an_addition(
    tmp_path: Path,
) -> None:
    old = base()
    new = base()
    schemas(new)["PetCreateKind"] = schemas(new)["PetCreate"]["properties"]["kind"]
    schemas(new)["PetCreate"]["properties"]["kind"] = {"$ref": "#/components/schemas/PetCreateKind"}
    report = run_diff(tmp_path, old, new)
    c = one(report, "schema.extracted")
    assert not c.breaking and c.new == "/components/schemas/PetCreateKind" and c.old is None
    assert [c.kind for c in report.changes] == ["schema.extracted"]
    assert report.bump == "patch"
    back = run_diff(tmp_path, new, old)
    assert [(c.kind, c.breaking) for c in back.changes] == [("schema.inlined", False)]


# --- operations ---------------------------------------------------------------------------------


def test_operation_removed_is_breaking(tmp_path: Path) -> None:
    new = base()
    del new["paths"]["/pets/{pet_id}"]["delete"]
    c = one(run_diff(tmp_path, base(), new), "operation.removed")
    assert c.breaking
    assert "client.pets.delete_pet()" in c.message and "DeletePet" in c.message
    assert c.old == "/paths/~1pets~1{pet_id}/delete" and c.new is None


def test_operation_added_is_a_minor_change(tmp_path: Path) -> None:
    new = base()
    new["paths"]["/pets/{pet_id}"]["patch"] = {
        "operationId": "UpdatePet",
        "tags": ["pets"],
        "responses": {"204": {"description": "ok"}},
    }
    report = run_diff(tmp_path, base(), new)
    c = one(report, "operation.added")
    assert not c.breaking and c.new == "/paths/~1pets~1{pet_id}/patch" and c.old is None
    assert "client.pets.update_pet()" in c.message
    assert report.bump == "minor"


def test_operation_without_operation_id_is_matched_by_method_and_path(tmp_path: Path) -> None:
    new = base()
    new["paths"]["/things"]["get"]["parameters"] = [
        {"name": "q", "in": "query", "schema": {"type": "string"}}
    ]
    report = run_diff(tmp_path, base(), new)
    assert [(c.kind, c.breaking) for c in report.changes] == [("parameter.added", False)]
    assert report.changes[0].subject == "operation GET /things"
    del new["paths"]["/things"]
    c = one(run_diff(tmp_path, base(), new), "operation.removed")
    assert "GET /things" in c.message and "client.things.get_things()" in c.message


def test_operation_id_renamed_at_the_same_route(tmp_path: Path) -> None:
    new = base()
    new["paths"]["/pets/{pet_id}"]["get"]["operationId"] = "FetchPet"
    c = one(run_diff(tmp_path, base(), new), "operation.renamed")
    assert c.breaking and "client.pets.fetch_pet()" in c.message
    assert c.old == c.new == "/paths/~1pets~1{pet_id}/get"
    new["paths"]["/pets/{pet_id}"]["get"]["operationId"] = "getPet"  # same Python name
    c = one(run_diff(tmp_path, base(), new), "operation.renamed")
    assert not c.breaking and "unchanged" in c.message


def test_operation_moved_to_another_resource_and_path_changed(tmp_path: Path) -> None:
    new = base()
    op = new["paths"]["/pets/{pet_id}"].pop("delete")
    op["tags"] = ["archive"]
    new["paths"]["/archive/{pet_id}"] = {
        "parameters": new["paths"]["/pets/{pet_id}"]["parameters"],
        "delete": op,
    }
    report = run_diff(tmp_path, base(), new)
    moved = one(report, "operation.moved")
    assert moved.breaking and "client.archive.delete_pet()" in moved.message
    path = one(report, "operation.path-changed")
    assert (
        not path.breaking
        and path.old == "/paths/~1pets~1{pet_id}/delete"
        and path.new == "/paths/~1archive~1{pet_id}/delete"
    )


def test_operation_deprecated(tmp_path: Path) -> None:
    new = base()
    new["paths"]["/pets"]["get"]["deprecated"] = True
    report = run_diff(tmp_path, base(), new)
    assert [(c.kind, c.breaking) for c in report.changes] == [("operation.deprecated", False)]
    assert report.bump == "patch"


# --- parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("required", "breaking"), [(True, True), (False, False)], ids=["required", "optional"]
)
def test_parameter_added(tmp_path: Path, required: bool, breaking: bool) -> None:
    new = base()
    new["paths"]["/pets"]["get"]["parameters"].append(
        {"name": "sort-by", "in": "query", "required": required, "schema": {"type": "string"}}
    )
    c = one(run_diff(tmp_path, base(), new), "parameter.added")
    assert c.breaking is breaking
    assert "'sort-by'" in c.message and "sort_by=" in c.message
    assert c.new == "/paths/~1pets/get/parameters/2" and c.old is None


def test_parameter_removed_is_breaking(tmp_path: Path) -> None:
    new = base()
    new["paths"]["/pets"]["get"]["parameters"].pop(0)
    c = one(run_diff(tmp_path, base(), new), "parameter.removed")
    assert c.breaking and "'limit'" in c.message and c.old == "/paths/~1pets/get/parameters/0"


def test_parameter_required_changed(tmp_path: Path) -> None:
    new = base()
    new["paths"]["/pets"]["get"]["parameters"][0]["required"] = True
    new["paths"]["/pets"]["get"]["parameters"][1]["required"] = False
    report = run_diff(tmp_path, base(), new)
    assert one(report, "parameter.required-changed", "'limit' is now required").breaking
    assert not one(report, "parameter.required-changed", "'owner' is now optional").breaking


def test_path_parameters_are_always_required(tmp_path: Path) -> None:
    old = base()
    del old["paths"]["/pets/{pet_id}"]["parameters"][0]["required"]
    assert run_diff(tmp_path, old, base()).changes == []


def test_parameter_retyped(tmp_path: Path) -> None:
    new = base()
    params = new["paths"]["/pets"]["get"]["parameters"]
    params[0]["schema"] = {"type": "number"}  # widened: still accepts every integer
    params[1]["schema"] = {"type": "string", "enum": ["me", "you"]}  # narrowed
    report = run_diff(tmp_path, base(), new)
    widened = one(report, "parameter.retyped", "'limit'")
    assert not widened.breaking and "widened from integer to number" in widened.message
    narrowed = one(report, "parameter.retyped", "'owner'")
    assert narrowed.breaking and "narrowed from string" in narrowed.message
    assert narrowed.old == "/paths/~1pets/get/parameters/1/schema"
    params[0]["schema"] = {"type": "boolean"}
    changed = one(run_diff(tmp_path, base(), new), "parameter.retyped", "'limit'")
    assert changed.breaking and "changed from integer to boolean" in changed.message


def test_parameter_moved_to_another_location(tmp_path: Path) -> None:
    new = base()
    new["paths"]["/pets"]["get"]["parameters"][0]["in"] = "header"
    report = run_diff(tmp_path, base(), new)
    assert [(c.kind, c.breaking) for c in report.changes] == [("parameter.location-changed", False)]


# --- request bodies and responses ---------------------------------------------------------------


def test_request_body_added_removed_and_required(tmp_path: Path) -> None:
    new = base()
    new["paths"]["/pets/{pet_id}"]["delete"]["requestBody"] = {
        "required": True,
        "content": _json("Owner"),
    }
    assert one(run_diff(tmp_path, base(), new), "request-body.added").breaking
    new["paths"]["/pets/{pet_id}"]["delete"]["requestBody"]["required"] = False
    assert not one(run_diff(tmp_path, base(), new), "request-body.added").breaking
    new = base()
    del new["paths"]["/pets"]["post"]["requestBody"]
    c = one(run_diff(tmp_path, base(), new), "request-body.removed")
    assert c.breaking and c.old == "/paths/~1pets/post/requestBody"
    new = base()
    new["paths"]["/pets"]["post"]["requestBody"]["required"] = False
    assert not one(run_diff(tmp_path, base(), new), "request-body.required-changed").breaking
    assert one(run_diff(tmp_path, new, base()), "request-body.required-changed").breaking


def test_request_body_media_types(tmp_path: Path) -> None:
    new = base()
    content = new["paths"]["/pets"]["post"]["requestBody"]["content"]
    content["application/x-www-form-urlencoded"] = content["application/json"]
    report = run_diff(tmp_path, base(), new)
    c = one(report, "request-body.media-type-added")
    assert (
        not c.breaking
        and c.new == "/paths/~1pets/post/requestBody/content/application~1x-www-form-urlencoded"
    )
    back = one(run_diff(tmp_path, new, base()), "request-body.media-type-removed")
    assert back.breaking
    # another JSON media type instead: callers still pass the same body=
    swapped = base()
    content = swapped["paths"]["/pets"]["post"]["requestBody"]["content"]
    content["application/vnd.pets+json"] = content.pop("application/json")
    report = run_diff(tmp_path, base(), swapped)
    assert not one(report, "request-body.media-type-removed").breaking
    assert report.bump == "minor"


def test_error_responses_added_and_removed_are_not_breaking(tmp_path: Path) -> None:
    new = base()
    new["paths"]["/pets/{pet_id}"]["get"]["responses"]["410"] = {"description": "gone"}
    del new["paths"]["/pets/{pet_id}"]["get"]["responses"]["404"]
    report = run_diff(tmp_path, base(), new)
    assert not one(report, "response.added", "410").breaking
    removed = one(report, "response.removed", "404")
    assert not removed.breaking and removed.old == "/paths/~1pets~1{pet_id}/get/responses/404"


def test_success_responses_and_the_return_type(tmp_path: Path) -> None:
    # the only typed body disappears: the return type changes
    new = base()
    new["paths"]["/pets/{pet_id}"]["get"]["responses"]["204"] = {"description": "empty"}
    del new["paths"]["/pets/{pet_id}"]["get"]["responses"]["200"]
    report = run_diff(tmp_path, base(), new)
    assert one(report, "response.removed", "200").breaking
    assert not one(report, "response.added", "204").breaking
    # a method that returned None starts returning data: fine
    new = base()
    new["paths"]["/pets/{pet_id}"]["delete"]["responses"] = {
        "200": {"description": "ok", "content": _json("Pet")}
    }
    report = run_diff(tmp_path, base(), new)
    assert not one(report, "response.removed", "204").breaking
    added = one(report, "response.added", "200")
    assert not added.breaking and "returned None" in added.message
    # a second, different typed body: the return type becomes a union
    new = base()
    new["paths"]["/pets/{pet_id}"]["get"]["responses"]["202"] = {
        "description": "later",
        "content": _json("Error"),
    }
    assert one(run_diff(tmp_path, base(), new), "response.added", "202").breaking


def test_response_media_types(tmp_path: Path) -> None:
    new = base()
    content = new["paths"]["/pets/{pet_id}"]["get"]["responses"]["200"]["content"]
    content["text/plain"] = {"schema": {"type": "string"}}
    report = run_diff(tmp_path, base(), new)
    assert not one(
        report, "response.media-type-added", "text/plain"
    ).breaking  # JSON is still parsed
    del content["application/json"]
    report = run_diff(tmp_path, base(), new)
    c = one(report, "response.media-type-removed", "application/json")
    assert (
        c.breaking
        and c.old == "/paths/~1pets~1{pet_id}/get/responses/200/content/application~1json"
    )


def test_inline_response_schema_is_compared_in_place(tmp_path: Path) -> None:
    old = base()
    old["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
            "next": {"type": "string"},
        },
    }
    new = copy.deepcopy(old)
    del new["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "properties"
    ]["next"]
    c = one(run_diff(tmp_path, old, new), "property.removed")
    assert c.breaking and "client.pets.list_pets() response 200.next" in c.message
    assert (
        c.old == "/paths/~1pets/get/responses/200/content/application~1json/schema/properties/next"
    )


# --- schemas: properties, required, types -------------------------------------------------------


def test_property_added_depends_on_direction(tmp_path: Path) -> None:
    new = base()
    schemas(new)["Pet"]["properties"]["age"] = {"type": "integer"}
    schemas(new)["Pet"]["required"].append("age")
    schemas(new)["PetCreate"]["properties"]["age"] = {"type": "integer"}
    schemas(new)["PetCreate"]["required"].append("age")
    schemas(new)["PetCreate"]["properties"]["nick"] = {"type": "string"}
    report = run_diff(tmp_path, base(), new)
    received = one(report, "property.added", "Pet.age")
    assert not received.breaking and "only received in responses" in received.message
    assert received.new == "/components/schemas/Pet/properties/age" and received.old is None
    sent = one(report, "property.added", "PetCreate.age")
    assert sent.breaking and "required" in sent.message and "only sent in requests" in sent.message
    assert not one(report, "property.added", "PetCreate.nick").breaking


def test_property_removed_is_breaking_both_ways(tmp_path: Path) -> None:
    new = base()
    del schemas(new)["Pet"]["properties"]["tag"]
    del schemas(new)["PetCreate"]["properties"]["weight"]
    report = run_diff(tmp_path, base(), new)
    assert one(report, "property.removed", "Pet.tag").breaking
    c = one(report, "property.removed", "PetCreate.weight")
    assert (
        c.breaking and c.old == "/components/schemas/PetCreate/properties/weight" and c.new is None
    )


def test_required_changes_depend_on_direction(tmp_path: Path) -> None:
    new = base()
    schemas(new)["Pet"]["required"] = ["id", "name", "tag"]  # response: now always present
    schemas(new)["PetCreate"]["required"] = ["name", "weight"]  # request: callers must set it
    report = run_diff(tmp_path, base(), new)
    assert not one(report, "property.required-changed", "Pet.tag").breaking
    assert one(report, "property.required-changed", "PetCreate.weight").breaking
    back = run_diff(tmp_path, new, base())
    assert one(back, "property.required-changed", "Pet.tag").breaking  # may now be None
    assert not one(back, "property.required-changed", "PetCreate.weight").breaking


def test_read_only_property_counts_as_response_only(tmp_path: Path) -> None:
    old, new = base(), base()
    schemas(old)["Owner"]["properties"]["created"] = {"type": "string", "readOnly": True}
    schemas(new)["Owner"]["properties"]["created"] = {"type": "string", "readOnly": True}
    schemas(new)["Owner"]["required"] = ["created"]
    c = one(run_diff(tmp_path, old, new), "property.required-changed")
    assert not c.breaking and "only received in responses" in c.message


def test_type_narrowed_and_widened_depend_on_direction(tmp_path: Path) -> None:
    new = base()
    schemas(new)["Pet"]["properties"]["tag"] = {"type": ["string", "null"]}  # response widened
    schemas(new)["PetCreate"]["properties"]["weight"] = {"type": "integer"}  # request narrowed
    report = run_diff(tmp_path, base(), new)
    widened = one(report, "type.widened", "Pet.tag")
    assert widened.breaking and "now nullable" in widened.message
    assert widened.old == widened.new == "/components/schemas/Pet/properties/tag"
    narrowed = one(report, "type.narrowed", "PetCreate.weight")
    assert narrowed.breaking and "from number to integer" in narrowed.message
    back = run_diff(tmp_path, new, base())
    assert not one(back, "type.narrowed", "Pet.tag").breaking
    assert not one(back, "type.widened", "PetCreate.weight").breaking


def test_nullable_wrappers_around_refs(tmp_path: Path) -> None:
    new = base()
    schemas(new)["Pet"]["properties"]["owner"] = {
        "oneOf": [{"$ref": "#/components/schemas/Owner"}, {"type": "null"}]
    }
    c = one(run_diff(tmp_path, base(), new), "type.widened", "Pet.owner")
    assert c.breaking and "now nullable" in c.message
    old = base()
    schemas(old)["Pet"]["properties"]["owner"] = {
        "allOf": [{"$ref": "#/components/schemas/Owner"}],
        "description": "x",
    }
    assert run_diff(tmp_path, old, base()).changes == []


def test_incompatible_type_change_is_breaking(tmp_path: Path) -> None:
    new = base()
    schemas(new)["Pet"]["properties"]["tag"] = {"type": "array", "items": {"type": "string"}}
    c = one(run_diff(tmp_path, base(), new), "type.changed", "Pet.tag")
    assert c.breaking and "from string to array" in c.message


def test_format_that_changes_the_python_type(tmp_path: Path) -> None:
    new = base()
    schemas(new)["Pet"]["properties"]["born"] = {"type": "string"}
    schemas(new)["Pet"]["properties"]["tag"] = {"type": "string", "format": "hostname"}  # still str
    report = run_diff(tmp_path, base(), new)
    c = one(report, "format.changed", "Pet.born")
    assert c.breaking and "datetime.date" in c.message
    assert [x.kind for x in report.changes] == ["format.changed"]


def test_free_form_map_becoming_a_model(tmp_path: Path) -> None:
    old, new = base(), base()
    schemas(old)["Owner"] = {"type": "object"}
    c = one(run_diff(tmp_path, old, new), "type.changed")
    assert c.breaking and "now a model class Owner" in c.message


def test_field_model_class_changed(tmp_path: Path) -> None:
    new = base()
    schemas(new)["Person"] = copy.deepcopy(schemas(new)["Owner"])
    schemas(new)["PetCreate"]["properties"]["owner"] = {"$ref": "#/components/schemas/Person"}
    report = run_diff(tmp_path, base(), new)
    c = one(report, "type.model-changed", "PetCreate.owner")
    assert c.breaking and "Person (was Owner)" in c.message
    assert c.old == "/components/schemas/Owner" and c.new == "/components/schemas/Person"
    # in response-only data a compatible model is not breaking
    new = base()
    schemas(new)["Person"] = copy.deepcopy(schemas(new)["Owner"])
    schemas(new)["Pet"]["properties"]["owner"] = {"$ref": "#/components/schemas/Person"}
    assert not one(run_diff(tmp_path, base(), new), "type.model-changed", "Pet.owner").breaking


def test_allof_inherited_property_is_reported_once_at_the_base(tmp_path: Path) -> None:
    old = base()
    schemas(old)["Dog"] = {
        "allOf": [
            {"$ref": "#/components/schemas/Pet"},
            {"type": "object", "properties": {"bark": {"type": "boolean"}}},
        ]
    }
    new = copy.deepcopy(old)
    schemas(new)["Pet"]["properties"]["age"] = {"type": "integer"}
    schemas(new)["Dog"]["allOf"][1]["properties"]["wag"] = {"type": "boolean"}
    report = run_diff(tmp_path, old, new)
    base_change = one(report, "property.added", "Pet.age")
    assert "inherited by Dog" in base_change.message
    assert (
        one(report, "property.added", "Dog.wag").new
        == "/components/schemas/Dog/allOf/1/properties/wag"
    )
    assert len(report.changes) == 2


# --- enums, unions, discriminators --------------------------------------------------------------


def test_enum_value_removed_from_request_is_breaking(tmp_path: Path) -> None:
    new = base()
    schemas(new)["PetCreate"]["properties"]["kind"]["enum"] = ["cat"]
    c = one(run_diff(tmp_path, base(), new), "enum.value-removed")
    assert c.breaking and '"dog"' in c.message and "PetCreateKind.DOG" in c.message
    assert c.old == "/components/schemas/PetCreate/properties/kind/enum"


def test_enum_value_added_to_response_is_not_breaking(tmp_path: Path) -> None:
    new = base()
    schemas(new)["Status"]["enum"].append("on-hold")
    report = run_diff(tmp_path, base(), new)
    c = one(report, "enum.value-added")
    assert (
        not c.breaking
        and "Status.ON_HOLD" in c.message
        and "only received in responses" in c.message
    )
    assert c.new == "/components/schemas/Status/enum"
    assert report.bump == "minor"


def test_enum_value_added_to_request_is_not_breaking(tmp_path: Path) -> None:
    new = base()
    schemas(new)["PetCreate"]["properties"]["kind"]["enum"].append("fish")
    assert not one(run_diff(tmp_path, base(), new), "enum.value-added").breaking


def test_enum_value_removed_from_response_breaks_only_enum_classes(tmp_path: Path) -> None:
    new = base()
    schemas(new)["Status"]["enum"] = ["available"]
    c = one(run_diff(tmp_path, base(), new), "enum.value-removed")
    assert c.breaking and "Status.SOLD disappears" in c.message  # code naming the member breaks
    old, new = base(), base()
    schemas(old)["Pet"]["properties"]["flag"] = {"enum": ["x", 1, True]}  # mixed values: a Literal
    schemas(new)["Pet"]["properties"]["flag"] = {"enum": ["x", True]}
    report = run_diff(tmp_path, old, new)
    c = one(report, "enum.value-removed")
    assert not c.breaking and "disappears" not in c.message
    assert [x.kind for x in report.changes] == ["enum.value-removed"]


def test_union_variants_and_discriminator_mapping(tmp_path: Path) -> None:
    new = base()
    schemas(new)["Triangle"] = {"type": "object", "properties": {"kind": {"const": "triangle"}}}
    shape = schemas(new)["Shape"]
    shape["oneOf"].append({"$ref": "#/components/schemas/Triangle"})
    shape["discriminator"]["mapping"]["triangle"] = "#/components/schemas/Triangle"
    report = run_diff(tmp_path, base(), new)
    assert not one(
        report, "variant.added", "Triangle"
    ).breaking  # discriminated: unknown variants parse
    mapping = one(report, "discriminator.mapping-added", '"triangle"')
    assert (
        not mapping.breaking
        and mapping.new == "/components/schemas/Shape/discriminator/mapping/triangle"
    )
    back = run_diff(tmp_path, new, base())
    assert one(back, "variant.removed", "Triangle").breaking  # Shape is unused: judged both ways
    assert one(back, "discriminator.mapping-removed", '"triangle"').breaking
    changed = base()
    schemas(changed)["Shape"]["discriminator"]["mapping"]["square"] = "#/components/schemas/Circle"
    c = one(run_diff(tmp_path, base(), changed), "discriminator.mapping-changed")
    assert c.breaking and "now selects Circle (was Square)" in c.message
    changed = base()
    schemas(changed)["Shape"]["discriminator"]["propertyName"] = "type"
    assert one(run_diff(tmp_path, base(), changed), "discriminator.property-changed").breaking


# --- component schemas --------------------------------------------------------------------------


def test_component_removed_is_breaking_even_when_unused(tmp_path: Path) -> None:
    new = base()
    del schemas(new)["Unused"]
    report = run_diff(tmp_path, base(), new)
    c = one(report, "schema.removed")
    assert c.breaking and "model Unused" in c.message and "importing it fails" in c.message
    assert c.old == "/components/schemas/Unused" and c.new is None
    assert report.bump == "major"


def test_component_renamed_is_one_breaking_change(tmp_path: Path) -> None:
    new = base()
    schemas(new)["Spare"] = schemas(new).pop("Unused")
    report = run_diff(tmp_path, base(), new)
    assert [c.kind for c in report.changes] == ["schema.renamed"]
    c = report.changes[0]
    assert (
        c.breaking
        and c.old == "/components/schemas/Unused"
        and c.new == "/components/schemas/Spare"
    )


def test_component_added_is_minor(tmp_path: Path) -> None:
    new = base()
    schemas(new)["Color"] = {"type": "string", "enum": ["red"]}
    report = run_diff(tmp_path, base(), new)
    c = one(report, "schema.added")
    assert not c.breaking and "new enum Color" in c.message
    assert report.bump == "minor"


def test_refs_into_another_file(tmp_path: Path) -> None:
    old, new = base(), base()
    for doc, name in ((old, "a"), (new, "b")):
        schemas(doc)["Owner"] = {"$ref": f"{name}-common.yaml#/Owner"}
    (tmp_path / "a-common.yaml").write_text(
        "Owner: {type: object, properties: {name: {type: string}}}\n"
    )
    (tmp_path / "b-common.yaml").write_text(
        "Owner: {type: object, properties: {name: {type: integer}}}\n"
    )
    c = one(run_diff(tmp_path, old, new), "type.changed", "name")
    assert c.old is not None and c.old.endswith("a-common.yaml#/Owner/properties/name")
    assert c.new is not None and c.new.endswith("b-common.yaml#/Owner/properties/name")


def test_unresolvable_ref_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    new = base()
    schemas(new)["Pet"]["properties"]["owner"] = {"$ref": "#/components/schemas/Nope"}
    a = write(tmp_path / "old.yaml", base())
    b = write(tmp_path / "new.yaml", new)
    sink = DiagnosticSink()
    diff_files(a, b, sink)
    assert any("Nope" in d.message for d in sink.items) and not sink.has_errors()


# --- output formats and the command line --------------------------------------------------------


@pytest.fixture
def breaking_pair(tmp_path: Path) -> tuple[Path, Path]:
    new = base()
    del new["paths"]["/pets/{pet_id}"]["delete"]
    schemas(new)["Status"]["enum"].append("on|hold")
    return write(tmp_path / "old.yaml", base()), write(tmp_path / "new.yaml", new)


def test_text_output(breaking_pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = breaking_pair
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "old.yaml (1.0.0) -> new.yaml (1.0.0)"
    assert "Breaking changes (1):" in lines and "Non-breaking changes (1):" in lines
    assert any(line.startswith("  [operation.removed] client.pets.delete_pet()") for line in lines)
    assert "      old #/paths/~1pets~1{pet_id}/delete" in lines
    assert lines[-1] == "1 breaking change, 1 non-breaking change; suggested version bump: major"


def test_json_output(breaking_pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = breaking_pair
    assert main(["diff", str(old), str(new), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["suggested_bump"] == "major"
    assert data["summary"] == {
        "breaking": 1, "non_breaking": 1, "total": 2, "suggested_bump": "major",
        "kinds": {"enum.value-added": 1, "operation.removed": 1},
    }  # fmt: skip
    assert data["old"] == {"path": str(old), "version": "1.0.0"}
    removed = next(c for c in data["changes"] if c["kind"] == "operation.removed")
    assert removed == {
        "kind": "operation.removed",
        "breaking": True,
        "message": removed["message"],
        "subject": "operation DeletePet",
        "old_pointer": "/paths/~1pets~1{pet_id}/delete",
        "new_pointer": None,
    }


def test_markdown_output(
    breaking_pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = breaking_pair
    assert main(["diff", str(old), str(new), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### API changes: `old.yaml (1.0.0)` → `new.yaml (1.0.0)`")
    assert "**Suggested version bump: major** (1 breaking, 1 non-breaking)" in out
    assert (
        "#### Breaking changes (1)" in out and "<summary>Non-breaking changes (1)</summary>" in out
    )
    row = next(line for line in out.splitlines() if "enum.value-added" in line)
    assert '"on\\|hold"' in row  # pipes in messages do not break the table
    assert row.count(" | ") == 3


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_every_format_gives_the_bump_even_without_changes(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write(tmp_path / "a.yaml", base())
    assert main(["diff", str(a), str(a), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "patch" in out
    assert (
        render(
            compare_documents(load_spec(a, DiagnosticSink()), load_spec(a, DiagnosticSink())), fmt
        )
        == out
    )


def test_fail_on(
    tmp_path: Path, breaking_pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = breaking_pair
    assert main(["diff", str(old), str(new), "--fail-on", "breaking"]) == 1
    assert "1 breaking change(s)" in capsys.readouterr().err
    additive = base()
    schemas(additive)["Color"] = {"type": "string", "enum": ["red"]}
    a = write(tmp_path / "additive.yaml", additive)
    assert main(["diff", str(old), str(a), "--fail-on", "breaking"]) == 0
    assert main(["diff", str(old), str(a), "--fail-on", "any"]) == 1
    assert main(["diff", str(old), str(old), "--fail-on", "any"]) == 0
    assert main(["diff", str(old), str(new), "--fail-on", "none"]) == 0


def test_load_errors_exit_1_with_a_diagnostic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path / "good.yaml", base())
    assert main(["diff", str(tmp_path / "missing.yaml"), str(good)]) == 1
    err = capsys.readouterr().err
    assert f"ERROR {tmp_path / 'missing.yaml'}" in err and "file not found" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 3.1.0\npaths: {\n  /x: [\n", encoding="utf-8")
    assert main(["diff", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"ERROR {bad}:" in err and "YAML syntax error" in err
    notapi = tmp_path / "list.yaml"
    notapi.write_text("- 1\n- 2\n", encoding="utf-8")
    assert main(["diff", str(notapi), str(good)]) == 1
    assert "not an OpenAPI document" in capsys.readouterr().err
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["diff"],
        ["diff", "a.yaml"],
        ["diff", "a.yaml", "b.yaml", "--format", "html"],
        ["diff", "a.yaml", "b.yaml", "--fail-on", "some"],
    ],
    ids=["no-args", "one-arg", "bad-format", "bad-fail-on"],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


# --- the published history ----------------------------------------------------------------------

needs_history = pytest.mark.skipif(
    not HISTORY.is_dir(),
    reason=f"{HISTORY} is absent: the published spec history lives in ../shared, outside this repository",
)


def _pairs() -> list[tuple[str, str]]:
    if not HISTORY.is_dir():
        return []
    out = []
    for api in ("connect-api", "embedded-api", "organisations-api"):
        files = sorted(p.name for p in HISTORY.glob(f"{api}-v*.yaml"))
        out += list(zip(files, files[1:]))
    return out


@lru_cache(maxsize=None)
def _doc(name: str):  # type: ignore[no-untyped-def]
    return load_spec(HISTORY / name, DiagnosticSink())


@lru_cache(maxsize=None)
def history(old: str, new: str) -> DiffReport:
    sink = DiagnosticSink()
    report = compare_documents(_doc(old), _doc(new), sink)
    assert not sink.has_errors()
    return report


def _find(report: DiffReport, kind: str, contains: str) -> Change:
    return one(report, kind, contains)


@needs_history
def test_history_has_every_consecutive_pair() -> None:
    assert len(_pairs()) == 8


@needs_history
@pytest.mark.parametrize(("old", "new"), _pairs() or [("-", "-")])
def test_history_pair_renders_in_every_format(old: str, new: str) -> None:
    report = history(old, new)
    text = render(report, "text")
    assert text.rstrip().splitlines()[-1] == report.summary()
    data = json.loads(render(report, "json"))
    assert data["summary"]["breaking"] == len(report.breaking)
    assert data["suggested_bump"] == report.bump
    assert f"Suggested version bump: {report.bump}" in render(report, "markdown")
    assert all(c.old is not None or c.new is not None for c in report.changes)


@needs_history
def test_history_connect_v1_1_to_v1_2() -> None:
    report = history("connect-api-v1.1.2024-09-13.yaml", "connect-api-v1.2.2024-10-10.yaml")
    removed = {
        c.old.rsplit("/", 1)[-1] for c in report.changes if c.kind == "schema.removed" and c.old
    }
    assert removed == {
        "ContentType", "CredentialJWTBearer", "CredentialSummary", "CredentialsPage",
        "ConnectionCredentialDelete", "AuthSchemeConfigOAuth2GrantType",
        "AuthSchemeConfigGoogleServiceAccount", "DefinitionsDeletePreconditionFailed", "InitAuthSchemeRedirect",
    }  # fmt: skip
    assert all(c.breaking for c in report.changes if c.kind == "schema.removed")
    category = _find(report, "enum.value-added", '"Business Operations"')
    assert not category.breaking and category.new == "/components/schemas/Category/enum"
    # the inline `in` enums became components under the class names they already had
    extracted = {
        c.new.rsplit("/", 1)[-1] for c in report.changes if c.kind == "schema.extracted" and c.new
    }
    assert extracted == {
        "ActionHTTPParameterIn",
        "TriggerHTTPParameterIn",
        "AuthSchemeConfigAPIKeyIn",
        "AuthSchemeConfigHMACIn",
    }
    assert not any(c.kind.startswith(("operation.", "parameter.", "type.")) for c in report.changes)
    assert (len(report.breaking), len(report.non_breaking), report.bump) == (9, 5, "major")


@needs_history
def test_history_connect_v1_2_to_v1_3_only_rewraps_prose() -> None:
    report = history("connect-api-v1.2.2024-10-10.yaml", "connect-api-v1.3.2025-08-29.yaml")
    assert report.changes == [] and report.bump == "patch"


@needs_history
def test_history_embedded_v1_1_to_v1_2_only_adds_titles() -> None:
    report = history("embedded-api-v1.1.2024-10-10.yaml", "embedded-api-v1.2.2024-10-31.yaml")
    assert report.changes == [] and report.bump == "patch"


@needs_history
def test_history_embedded_v1_2_to_v1_3() -> None:
    report = history("embedded-api-v1.2.2024-10-31.yaml", "embedded-api-v1.3.2024-11-05.yaml")
    added = {c.subject for c in report.changes if c.kind == "operation.added"}
    assert added == {
        "operation DeleteHub", "operation UpdateHubDetails", "operation DeleteEndUser",
        "operation GetIntegration", "operation UpdateDynamicVariablesInternal",
    }  # fmt: skip
    # UpdateDynamicVariables moved from the Internal tag and its old route to /activations/{activation_id}
    moved = _find(report, "operation.moved", "update_dynamic_variables")
    assert moved.breaking and "client.activations.update_dynamic_variables()" in moved.message
    assert moved.old == "/paths/~1integrations~1{integration_id}~1users~1{user_id}~1variables/put"
    assert moved.new == "/paths/~1activations~1{activation_id}~1variables/put"
    assert _find(report, "parameter.added", "'activation_id'").breaking
    assert _find(report, "parameter.removed", "'integration_id'").breaking
    body = _find(report, "type.changed", "update_dynamic_variables() body")
    assert body.breaking and "UpdateDynamicVariablesBody" in body.message
    # variablesScheme was renamed variablesSchema in five models: removed (breaking) + added
    scheme = [
        c
        for c in report.changes
        if c.kind == "property.removed" and c.message.split(":")[0].endswith(".variablesScheme")
    ]
    assert len(scheme) == 5 and all(c.breaking for c in scheme)
    assert (
        len(
            [
                c
                for c in report.changes
                if c.kind == "property.added" and ".variablesSchema:" in c.message
            ]
        )
        == 5
    )
    # Hub is only ever received: a new required field does not break callers
    hub = _find(report, "property.added", "Hub.isDefault")
    assert not hub.breaking and hub.new == "/components/schemas/Hub/properties/isDefault"
    # CredentialDataOAuth2Token is also sent (CredentialCreate): refreshToken becoming required breaks
    token = _find(report, "property.required-changed", "CredentialDataOAuth2Token.refreshToken")
    assert token.breaking
    assert {c.old for c in report.changes if c.kind == "schema.removed"} == {
        "/components/schemas/ActivationVariable", "/components/schemas/ActivationVariables",
    }  # fmt: skip
    assert _find(report, "schema.added", "HubUpdate").new == "/components/schemas/HubUpdate"
    assert report.bump == "major"


@needs_history
def test_history_embedded_v1_3_to_v1_4_only_rewraps_prose() -> None:
    report = history("embedded-api-v1.3.2024-11-05.yaml", "embedded-api-v1.4.2025-08-29.yaml")
    assert report.changes == [] and report.bump == "patch"


@needs_history
def test_history_organisations_v1_1_to_v1_2_declares_an_implied_required() -> None:
    # v1.2 adds `required: true` to the path parameter `slug`: path parameters always are required
    old, new = "organisations-api-v1.1.2024-09-13.yaml", "organisations-api-v1.2.2024-10-25.yaml"
    assert (
        "required"
        not in _doc(old).data["paths"]["/slug/{slug}/availability"]["get"]["parameters"][0]
    )
    assert (
        _doc(new).data["paths"]["/slug/{slug}/availability"]["get"]["parameters"][0]["required"]
        is True
    )
    report = history(old, new)
    assert report.changes == [] and report.bump == "patch"


@needs_history
def test_history_organisations_v1_2_to_v1_3_adds_signing_keys() -> None:
    report = history(
        "organisations-api-v1.2.2024-10-25.yaml", "organisations-api-v1.3.2024-11-01.yaml"
    )
    ops = {c.subject: c for c in report.changes if c.kind == "operation.added"}
    assert set(ops) == {
        "operation GetPublicKey",
        "operation ListSigningKeys",
        "operation CreateSigningKey",
        "operation DeleteSigningKey",
    }
    assert "client.signing_keys.create_signing_key()" in ops["operation CreateSigningKey"].message
    assert ops["operation GetPublicKey"].new == "/paths/~1keys~1{id}/get"
    assert {c.new for c in report.changes if c.kind == "schema.added"} == {
        "/components/schemas/PublicKey", "/components/schemas/CreatePublicKey",
        "/components/schemas/SigningKeySet", "/components/schemas/SigningKeysListResponse",
    }  # fmt: skip
    assert (len(report.breaking), len(report.non_breaking), report.bump) == (0, 8, "minor")


@needs_history
def test_history_organisations_v1_3_to_v1_4_only_rewraps_prose() -> None:
    report = history(
        "organisations-api-v1.3.2024-11-01.yaml", "organisations-api-v1.4.2025-08-29.yaml"
    )
    assert report.changes == [] and report.bump == "patch"


@needs_history
def test_history_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    old = HISTORY / "organisations-api-v1.2.2024-10-25.yaml"
    new = HISTORY / "organisations-api-v1.3.2024-11-01.yaml"
    assert main(["diff", str(old), str(new), "--fail-on", "breaking"]) == 0
    out = capsys.readouterr().out
    assert (
        out.splitlines()[-1]
        == "0 breaking changes, 8 non-breaking changes; suggested version bump: minor"
    )
    assert main(["diff", str(old), str(new), "--fail-on", "any"]) == 1


def test_an_operation_written_as_a_ref_to_another_file_is_compared(tmp_path: Path) -> None:
    """DigitalOcean's layout: ``paths./keys.post: {$ref: ops/create.yml}``; a change inside the
    operation's own file is seen."""

    def doc(required: bool) -> dict[str, Any]:
        return {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/keys": {"post": {"$ref": f"ops-{required}/create.yml"}}},
        }

    for required in (False, True):
        op = {
            "operationId": "keys_create",
            "requestBody": {
                "required": required,
                "content": {"application/json": {"schema": {"$ref": "key.yml"}}},
            },
            "responses": {"204": {"description": "ok"}},
        }
        (tmp_path / f"ops-{required}").mkdir()
        write(tmp_path / f"ops-{required}" / "create.yml", op)
        write(tmp_path / f"ops-{required}" / "key.yml", {"type": "object", "properties": {"name": {"type": "string"}}})
    c = one(run_diff(tmp_path, doc(False), doc(True)), "request-body.required-changed")
    assert "keys_create" in c.message and "now required" in c.message
