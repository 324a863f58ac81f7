"""Naming (generator/ir/names.py and its use by the builders): spec names -> Python identifiers."""

from __future__ import annotations

import keyword

import pytest

from generator.diagnostics import Level
from generator.ir.model import ModelDef
from generator.ir.names import NameAllocator, pascal, py_ident, snake, upper_snake, words


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("InitialiseOAuth2Connection", "initialise_oauth2_connection"),
        ("CreateHTTPConnector", "create_http_connector"),
        ("ImportHTTPConnectorVersion", "import_http_connector_version"),
        ("GetProtocolUploadURL", "get_protocol_upload_url"),
        ("CreateBigQueryConnector", "create_big_query_connector"),
        ("listV2Items", "list_v2_items"),
        ("mTLSEnabled", "m_tls_enabled"),
        ("x-rate-limit", "x_rate_limit"),
        ("already_snake", "already_snake"),
        ("ÜberName", "uber_name"),
        ("  spaced  out ", "spaced_out"),
    ],
)
def test_snake_keeps_acronyms_and_digit_groups_whole(name: str, expected: str) -> None:
    assert snake(name) == expected


def test_words_and_other_cases() -> None:
    assert words("InitialiseOAuth2Connection") == ["Initialise", "OAuth2", "Connection"]
    assert words("CreateHTTPConnector") == ["Create", "HTTP", "Connector"]
    assert pascal("foo_bar-baz") == "FooBarBaz"
    assert pascal("HTTPConnector") == "HTTPConnector"
    assert upper_snake("a-b c") == "A_B_C"


@pytest.mark.parametrize("word", ["class", "type", "id", "list", "print", "match", "None", "async"])
def test_keywords_builtins_and_soft_keywords_get_a_trailing_underscore(word: str) -> None:
    assert py_ident(word, prefix="field") == word + "_"


def test_py_ident_prefixes_empty_and_digit_names_and_honours_reserved() -> None:
    assert py_ident("", prefix="param") == "param"
    assert py_ident("2fa", prefix="field") == "field_2fa"
    assert py_ident("foo", prefix="x", reserved={"foo", "foo_"}) == "foo__"
    assert py_ident("model", prefix="x") == "model"
    for name in ("class", "2fa", "", "type"):
        out = py_ident(name, prefix="f")
        assert out.isidentifier() and not keyword.iskeyword(out)


def test_allocator_is_deterministic_and_stable_per_key() -> None:
    renames: list[tuple[str, str, str]] = []
    alloc = NameAllocator(reserved={"self"}, on_rename=lambda *a: renames.append(a))
    assert alloc.allocate("name", "k1") == "name"
    assert alloc.allocate("name", "k2") == "name2"
    assert alloc.allocate("name", "k3") == "name3"
    assert alloc.allocate("name", "k1") == "name"  # same key, same name
    assert alloc.allocate("self", "k4") == "self2"
    assert renames == [("k2", "name", "name2"), ("k3", "name", "name3"), ("k4", "self", "self2")]


def test_allocator_casefold_treats_case_variants_as_collisions() -> None:
    alloc = NameAllocator(casefold=True)
    assert alloc.allocate("FooBar", "a") == "FooBar"
    assert alloc.allocate("Foobar", "b") == "Foobar2"


def _ops_spec() -> dict:
    def op(op_id: str | None) -> dict:
        out: dict = {"responses": {"204": {"description": "done"}}}
        if op_id:
            out["operationId"] = op_id
        return out

    return {
        "openapi": "3.1.0",
        "info": {"title": "Names", "version": "1"},
        "paths": {
            "/o/{org}/oauth": {
                "post": {**op("InitialiseOAuth2Connection"), "tags": ["connections"]}
            },
            "/o/{org}/http": {"post": {**op("CreateHTTPConnector"), "tags": ["connections"]}},
            "/pets/{id}": {"get": op(None), "delete": {**op("delete-pet"), "tags": ["pets"]}},
            "/a": {"get": {**op("listThings"), "tags": ["things"]}},
            "/b": {"get": {**op("list_things"), "tags": ["things"]}},
            "/c": {"get": {**op("class"), "tags": ["misc"]}},
        },
    }


def test_operation_and_resource_names(build_ir) -> None:
    api, sink = build_ir(_ops_spec())
    assert api is not None, [d.render() for d in sink.items]
    names = {r.attr: [o.py_name for o in r.operations] for r in api.resources}
    assert names["connections"] == ["initialise_oauth2_connection", "create_http_connector"]
    assert names["pets"] == [
        "get_pets_by_id",
        "delete_pet",
    ]  # no operationId: <method>_<path words>
    # "listThings" and "list_things" collide: the first in document order keeps the name
    assert names["things"] == ["list_things", "list_things2"]
    assert names["misc"] == ["class_"]
    classes = {r.attr: r.class_name for r in api.resources}
    assert classes["connections"] == "ConnectionsResource"
    assert all(r.module.isidentifier() for r in api.resources)


def test_names_are_the_same_on_every_build(build_ir) -> None:
    first, _ = build_ir(_ops_spec())
    second, _ = build_ir(_ops_spec())
    key = lambda api: [
        (r.attr, r.class_name, [o.py_name for o in r.operations]) for r in api.resources
    ]  # noqa: E731
    assert key(first) == key(second)


def test_field_names_escape_keywords_builtins_and_pydantic_attributes(build_ir) -> None:
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {
                        name: {"type": "string"}
                        for name in (
                            "class",
                            "type",
                            "id",
                            "from",
                            "model_config",
                            "model_dump",
                            "fields",
                            "schema",
                            "json",
                            "validate",
                            "copy",
                            "fooBar",
                            "foo_bar",
                            "2fa",
                            "self",
                            "with space",
                        )
                    },
                }
            }
        },
    }
    api, sink = build_ir(spec)
    assert api is not None
    (model,) = [d for d in api.definitions if isinstance(d, ModelDef)]
    py = {f.json_name: f.py_name for f in model.fields}
    # keywords and the attributes of the models' base class get a trailing '_'; builtins and
    # soft keywords keep the spec's name
    assert py["class"] == "class_"
    assert py["type"] == "type"
    assert py["id"] == "id"
    assert py["from"] == "from_"
    assert py["model_config"] == "model_config_"
    assert py["model_dump"] == "model_dump_"
    assert py["fields"] == "fields"
    assert py["schema"] == "schema_"
    assert py["json"] == "json_"
    assert py["validate"] == "validate_"
    assert py["copy"] == "copy_"
    # "fooBar" and "foo_bar" both want foo_bar: one gets it, the other a distinct name, and no
    # Python name may be another field's JSON name (models accept both names on input)
    assert {py["fooBar"], py["foo_bar"]} & {"foo_bar"} and py["fooBar"] != py["foo_bar"]
    assert all(v == k or v not in py for k, v in py.items())
    assert py["2fa"] == "field_2fa"
    assert py["with space"] == "with_space"
    assert all(v.isidentifier() and not keyword.iskeyword(v) for v in py.values())
    assert len(set(py.values())) == len(py)
    again, _ = build_ir(spec)  # and the same every time
    (model2,) = [d for d in again.definitions if isinstance(d, ModelDef)]
    assert {f.json_name: f.py_name for f in model2.fields} == py


def test_field_collision_renames_are_info_diagnostics(build_ir) -> None:
    props = {"fooBar": {"type": "string"}, "foo_bar": {"type": "string"}}
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Thing": {"type": "object", "properties": props}}},
    }
    api, sink = build_ir(spec)
    (model,) = [d for d in api.definitions if isinstance(d, ModelDef)]
    renamed = [f for f in model.fields if f.py_name != "foo_bar"]
    assert len(renamed) == 1
    infos = [d for d in sink.items if d.level == Level.INFO and renamed[0].py_name in d.message]
    assert [d.pointer for d in infos] == [
        f"/components/schemas/Thing/properties/{renamed[0].json_name}"
    ]


def test_class_name_collisions_are_resolved_in_document_order_with_an_info(build_ir) -> None:
    schemas = {
        "foo_bar": {"type": "object", "properties": {"a": {"type": "string"}}},
        "FooBar": {"type": "object", "properties": {"b": {"type": "string"}}},
        "foo-bar": {"type": "object", "properties": {"c": {"type": "string"}}},
        # named like what models.py imports: they keep their names (models.py aliases its imports)
        "Field": {"type": "object", "properties": {"d": {"type": "string"}}},
        "BaseModel": {"type": "object", "properties": {"e": {"type": "string"}}},
    }
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    for _ in range(2):  # the same names every time
        api, sink = build_ir(spec)
        assert api is not None
        by_pointer = {d.pointer.rsplit("/", 1)[-1]: d.name for d in api.definitions}
        assert by_pointer == {
            "foo_bar": "FooBar",
            "FooBar": "FooBar2",
            "foo-bar": "FooBar3",
            "Field": "Field",
            "BaseModel": "BaseModel",
        }
        assert api.shadowed == ["BaseModel", "Field"]
        infos = [d for d in sink.items if d.level == Level.INFO]
        assert any("'FooBar' is taken; using 'FooBar2'" in d.message for d in infos)


def test_generated_names_work_in_python(generate_package) -> None:
    spec = _ops_spec()
    spec["components"] = {
        "schemas": {
            "Thing": {
                "type": "object",
                "properties": {"class": {"type": "string"}, "model_config": {"type": "integer"}},
            }
        }
    }
    pkg = generate_package(spec)
    models = __import__(f"{pkg.__name__}.models", fromlist=["Thing"])
    thing = models.Thing.model_validate({"class": "a", "model_config": 3})
    assert (thing.class_, thing.model_config_) == ("a", 3)
    assert thing.model_dump(by_alias=True) == {"class": "a", "model_config": 3}
    client = pkg.Client(base_url="http://localhost")
    assert callable(client.connections.initialise_oauth2_connection)
    assert callable(client.pets.get_pets_by_id)
    assert callable(client.misc.class_)
    assert callable(client.things.list_things2)


def _tag_collision_spec() -> dict:
    ok = {"responses": {"204": {"description": "done"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/a": {"get": {**ok, "operationId": "first", "tags": ["things"]}},
            "/b": {"get": {**ok, "operationId": "second", "tags": ["Things"]}},
        },
    }


def test_resource_name_collisions_follow_document_order(build_ir) -> None:
    api, sink = build_ir(_tag_collision_spec())
    assert api is not None
    ops = {r.attr: [o.py_name for o in r.operations] for r in api.resources}
    assert ops == {"things": ["first"], "things2": ["second"]}


def test_resource_renames_are_info_diagnostics(build_ir) -> None:
    api, sink = build_ir(_tag_collision_spec())
    assert api is not None
    assert sorted(r.attr for r in api.resources) == ["things", "things2"]
    assert any(d.level == Level.INFO and "things2" in d.message for d in sink.items), [
        d.render() for d in sink.items
    ]


def test_reserved_names_are_what_the_runtime_defines(generate_package) -> None:
    """The names a field, an argument or a resource may not take are exactly the attributes the
    generated package's own classes have: the models' base class, the per-call options, the
    clients (so the lists stay true when the runtime changes)."""
    import functools
    import importlib

    from generator.normalize.definitions import MODEL_BASE_ATTRS
    from generator.normalize.operations import CLIENT_RESERVED, METHOD_RESERVED

    pkg = generate_package(_ops_spec())
    base = importlib.import_module(f"{pkg.__name__}._models").BaseModel
    assert MODEL_BASE_ATTRS == {n for n in dir(base) if not n.startswith("_")}
    options = importlib.import_module(f"{pkg.__name__}._types").RequestOptions
    assert set(options.__annotations__) <= METHOD_RESERVED
    resources = {r for r in dir(pkg.Client) if isinstance(getattr(pkg.Client, r), functools.cached_property)}
    for cls in (pkg.Client, pkg.AsyncClient):
        client = cls(base_url="http://localhost")
        public = {n for n in (*dir(cls), *vars(client)) if not n.startswith("_")} - resources
        assert public <= CLIENT_RESERVED, public - CLIENT_RESERVED
    assert CLIENT_RESERVED - {"cached_property"} <= {n for n in dir(pkg.AsyncClient)} | {
        n for n in dir(pkg.Client)
    } | set(vars(pkg.Client(base_url="http://localhost")))


def test_rename_identifiers_leaves_strings_attributes_and_keywords_alone() -> None:
    from generator.normalize.finalize import identifiers, rename_identifiers

    code = 'Annotated[list[Tag] | None, Field(alias="Tag"), Tag("Tag")] = datetime.datetime.now(Tag=1)'
    got = rename_identifiers(code, {"Tag": "_Tag", "datetime": "_datetime", "list": "_list"})
    assert got == 'Annotated[_list[_Tag] | None, Field(alias="Tag"), _Tag("Tag")] = _datetime.datetime.now(Tag=1)'
    assert identifiers(code) == {"Annotated", "list", "Tag", "None", "Field", "datetime"}
    assert identifiers("Any = None") == {"Any", "None"}  # a default, not a keyword argument
    assert rename_identifiers("x2 == 1e5 and 'a\\'Tag'", {"x2": "y", "e5": "z", "Tag": "_"}) == "y == 1e5 and 'a\\'Tag'"


def test_secret_names_are_whole_words() -> None:
    from generator.normalize.definitions import is_secret_name

    for name in ("password", "newPassword", "secret", "client_secret", "api_key", "apiKey", "x-api-key",
                 "APIKey", "access_token", "refreshToken", "token", "privateKey", "passphrase", "idToken"):
        assert is_secret_name(name), name
    for name in ("max_tokens", "input_tokens", "token_count", "tokens", "next_page_token", "token_type",
                 "password_expires_at", "secret_name", "api_key_id", "tokenizer", "keyword", "secretive"):
        assert not is_secret_name(name), name
