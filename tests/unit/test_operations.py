"""Operations (generator/normalize/operations.py): grouping, parameters, bodies, responses."""

from __future__ import annotations

import ast
import sys
from typing import Any

import httpx
import pytest

from generator.normalize.operations import media_kind
from generator.ir.model import ModelDef


def ok(code: str = "200", schema: dict[str, Any] | None = None) -> dict[str, Any]:
    resp: dict[str, Any] = {"description": "ok"}
    if schema is not None:
        resp["content"] = {"application/json": {"schema": schema}}
    return {code: resp}


def spec(paths: dict[str, Any], **components: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Ops", "version": "1"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "paths": paths,
    }
    if components:
        out["components"] = components
    return out


def ops_by_name(api: Any) -> dict[str, Any]:
    return {op.py_name: op for res in api.resources for op in res.operations}


def norm(expr: str) -> str:
    return ast.unparse(ast.parse(expr, mode="eval"))


PET = {"type": "object", "properties": {"id": {"type": "string"}}}


def test_tag_grouping_uses_the_first_tag_in_document_order(build_ir) -> None:
    api, _ = build_ir(
        spec(
            {
                "/pets": {
                    "get": {
                        "operationId": "listPets",
                        "tags": ["pets", "store"],
                        "responses": ok(),
                    },
                    "post": {"operationId": "createPet", "tags": ["pets"], "responses": ok("201")},
                },
                "/orders": {
                    "get": {"operationId": "listOrders", "tags": ["store"], "responses": ok()}
                },
                "/pets/{id}": {
                    "get": {"operationId": "getPet", "tags": ["pets"], "responses": ok()}
                },
            },
        )
        | {"tags": [{"name": "pets", "description": "Everything about pets."}, {"name": "store"}]}
    )
    groups = {r.attr: [o.py_name for o in r.operations] for r in api.resources}
    assert groups == {"pets": ["list_pets", "create_pet", "get_pet"], "store": ["list_orders"]}
    pets = next(r for r in api.resources if r.attr == "pets")
    assert (pets.class_name, pets.module, pets.doc) == (
        "PetsResource",
        "pets",
        "Everything about pets.",
    )


def test_untagged_operations_group_by_first_literal_path_segment(build_ir) -> None:
    api, _ = build_ir(
        spec(
            {
                "/widgets": {"get": {"responses": ok()}},
                "/widgets/{id}/parts": {"get": {"responses": ok()}},
                "/{tenant}/gadgets": {"get": {"responses": ok()}},
                "/": {"get": {"responses": ok()}},
                "/{id}": {"delete": {"responses": ok("204")}},
                "/request": {"get": {"responses": ok()}},  # a client attribute: renamed
            }
        )
    )
    groups = {r.attr: [o.py_name for o in r.operations] for r in api.resources}
    assert groups["widgets"] == ["get_widgets", "get_widgets_by_id_parts"]
    assert groups["gadgets"] == ["get_by_tenant_gadgets"]
    assert groups["default"] == ["get", "delete_by_id"]
    assert "request" not in groups and groups["request2"] == ["get_request"]


def test_path_level_parameters_are_shared_and_overridden_per_operation(build_ir) -> None:
    api, _ = build_ir(
        spec(
            {
                "/pets/{id}": {
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "description": "path level",
                            "schema": {"type": "integer"},
                        },
                        {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                    ],
                    "get": {
                        "operationId": "getPet",
                        "parameters": [
                            {
                                "name": "limit",
                                "in": "query",
                                "description": "op level",
                                "schema": {"type": "string"},
                            },
                            {"name": "limit", "in": "header", "schema": {"type": "boolean"}},
                        ],
                        "responses": ok(),
                    },
                    "delete": {"operationId": "deletePet", "responses": ok("204")},
                }
            }
        )
    )
    ops = ops_by_name(api)
    get = {(p.location, p.json_name): p for p in ops["get_pet"].params}
    assert set(get) == {
        ("path", "id"),
        ("query", "limit"),
        ("header", "X-Trace"),
        ("header", "limit"),
    }
    assert (get[("query", "limit")].hint, get[("query", "limit")].doc) == ("str", "op level")
    assert get[("path", "id")].hint == "int" and get[("path", "id")].required
    # the same wire name in two locations: distinct Python names
    assert get[("query", "limit")].py_name != get[("header", "limit")].py_name
    assert get[("header", "X-Trace")].py_name == "x_trace"
    delete = {(p.location, p.json_name): p for p in ops["delete_pet"].params}
    assert (delete[("query", "limit")].hint, delete[("query", "limit")].doc) == (
        "int",
        "path level",
    )
    assert [p.py_name for p in ops["delete_pet"].params][0] == "id"  # required first


def test_reserved_header_parameters_are_left_to_the_client(build_ir) -> None:
    params = [
        {"name": n, "in": "header", "schema": {"type": "string"}}
        for n in ("Accept", "Content-Type", "Authorization", "X-Other")
    ]
    api, _ = build_ir(
        spec({"/a": {"get": {"operationId": "a", "parameters": params, "responses": ok()}}})
    )
    assert [p.json_name for p in ops_by_name(api)["a"].params] == ["X-Other"]


def test_integer_response_code_keys_and_error_cases(build_ir) -> None:
    text = """
openapi: 3.0.3
info: {title: Ops, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        200:
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
        404:
          description: missing
          content: {application/json: {schema: {$ref: '#/components/schemas/Err'}}}
        4XX:
          description: client error
          content: {application/json: {schema: {$ref: '#/components/schemas/Err'}}}
        default:
          description: other
          content: {application/json: {schema: {$ref: '#/components/schemas/Err'}}}
components:
  schemas:
    Pet: {type: object, properties: {id: {type: string}}}
    Err: {type: object, properties: {message: {type: string}}}
"""
    api, sink = build_ir(text)
    assert api is not None, [d.render() for d in sink.items]
    op = ops_by_name(api)["get_pet"]
    assert [(r.key, r.kind, r.type_expr) for r in op.responses] == [("200", "json", "Pet")]
    keys = [ast.literal_eval(e.key) for e in op.errors]
    assert keys == [404, "4XX", "default"]
    assert all(e.type_expr == "Err" for e in op.errors)
    assert op.return_hint == "Pet"


def test_204_and_bodiless_responses_return_none(build_ir) -> None:
    api, _ = build_ir(
        spec(
            {
                "/a": {
                    "delete": {"operationId": "del", "responses": {"204": {"description": "gone"}}},
                    "get": {
                        "operationId": "maybe",
                        "responses": ok("200", PET) | {"204": {"description": "empty"}},
                    },
                    "put": {
                        "operationId": "nothing",
                        "responses": {"default": {"description": "whatever"}},
                    },
                }
            }
        )
    )
    ops = ops_by_name(api)
    assert [(r.key, r.kind, r.type_expr) for r in ops["del_"].responses] == [
        ("204", "none", "None")
    ]
    assert ops["del_"].return_hint == "None"  # operationId "del" is a keyword
    assert norm(ops["maybe"].return_hint) == norm("MaybeResponse | None")
    assert ops["nothing"].return_hint == "None"


def test_request_bodies_by_media_type(build_ir) -> None:
    multipart_schema = {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary"},
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
            "meta": {"$ref": "#/components/schemas/Meta"},
        },
    }
    api, _ = build_ir(
        spec(
            {
                "/upload": {
                    "post": {
                        "operationId": "upload",
                        "requestBody": {
                            "required": True,
                            "content": {
                                "multipart/form-data": {"schema": multipart_schema},
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/FromUrl"}
                                },
                            },
                        },
                        "responses": ok("201"),
                    }
                },
                "/form": {
                    "post": {
                        "operationId": "form",
                        "requestBody": {
                            "content": {"application/x-www-form-urlencoded": {"schema": PET}}
                        },
                        "responses": ok(),
                    }
                },
                "/raw": {
                    "put": {
                        "operationId": "raw",
                        "requestBody": {
                            "content": {
                                "application/octet-stream": {
                                    "schema": {"type": "string", "format": "binary"}
                                }
                            }
                        },
                        "responses": ok(),
                    }
                },
            },
            schemas={
                "Meta": {"type": "object", "properties": {"format": {"type": "string"}}},
                "FromUrl": {
                    "type": "object",
                    "required": ["url"],
                    "properties": {"url": {"type": "string"}},
                },
            },
        )
    )
    ops = ops_by_name(api)
    bodies = [(b.kind, b.content_type, b.hint, b.required) for b in ops["upload"].bodies]
    assert bodies == [
        ("json", "application/json", "FromUrl", True),
        ("multipart", "multipart/form-data", "UploadMultipartBody", True),
    ]
    model = next(d for d in api.definitions if d.name == "UploadMultipartBody")
    assert isinstance(model, ModelDef)
    assert {f.json_name: f.hint for f in model.fields} == {
        "file": "FileInput",
        "files": "list[FileInput] | None",
        "meta": "Meta | None",
    }
    assert [(b.kind, b.required) for b in ops["form"].bodies] == [("form", False)]
    assert [(b.kind, b.hint) for b in ops["raw"].bodies] == [("binary", "FileContent")]


@pytest.mark.parametrize(
    ("media_type", "kind"),
    [
        ("application/json", "json"),
        ("application/problem+json", "json"),
        ("application/vnd.api+json; charset=utf-8", "json"),
        ("application/schema+json", "json"),
        ("multipart/form-data", "multipart"),
        ("application/x-www-form-urlencoded", "form"),
        ("text/plain", "text"),
        ("application/octet-stream", "binary"),
        ("image/png", "binary"),
    ],
)
def test_media_kinds(media_type: str, kind: str) -> None:
    assert media_kind(media_type) == kind


def test_generated_multipart_operation_sends_files(generate_package) -> None:
    doc = spec(
        {
            "/upload/{id}": {
                "post": {
                    "operationId": "upload",
                    "tags": ["files"],
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "file": {"type": "string", "format": "binary"},
                                        "note": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {"204": {"description": "stored"}},
                }
            }
        }
    )
    pkg = generate_package(doc)
    models = sys.modules[f"{pkg.__name__}.models"]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    client = pkg.Client(http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    body = models.UploadBody(file=("a.txt", b"hello bytes", "text/plain"), note="n1")
    assert client.files.upload(id="x/1", body=body) is None
    (req,) = seen
    assert req.method == "POST" and req.url.raw_path == b"/v1/upload/x%2F1"
    assert req.headers["content-type"].startswith("multipart/form-data; boundary=")
    content = req.read()
    assert b'name="file"; filename="a.txt"' in content and b"hello bytes" in content
    assert b'name="note"' in content and b"n1" in content


def test_a_spec_without_operations_still_generates_a_client(generate_package) -> None:
    doc = spec({}, schemas={"Pet": PET})
    pkg = generate_package(doc)
    models = sys.modules[f"{pkg.__name__}.models"]
    assert models.Pet.model_validate({"id": "1"}).id == "1"
    assert pkg.Client(base_url="http://localhost").base_url == httpx.URL("http://localhost")


def test_a_path_key_with_a_fragment_keeps_it_and_sends_without_it(build_ir) -> None:
    """``Operation.path`` is the spec's key as written (the contract sweep maps operations by it);
    ``wire_path`` is what is sent."""
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/things/{id}#byName": {"get": {"responses": {"204": {"description": "ok"}}}},
            "/things/{id}": {"get": {"responses": {"204": {"description": "ok"}}}},
        },
    }
    api, sink = build_ir(spec)
    assert api is not None, [d.render() for d in sink.items]
    (res,) = api.resources
    ops = {op.path: op for op in res.operations}
    assert ops["/things/{id}#byName"].wire_path == "/things/{id}" == ops["/things/{id}"].wire_path
    assert ops["/things/{id}#byName"].py_name != ops["/things/{id}"].py_name
    assert res.attr == "things"
