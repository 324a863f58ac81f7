"""Names: properties, parameters and schemas whose names are not Python identifiers, collide after
case conversion, or collide with Python or the generated code; operationIds missing or
duplicated. Renames are deterministic, collision-free, reported (INFO) and keep the JSON name."""

from __future__ import annotations

import inspect
import shutil

import pytest

from features_helpers import Recorder, field_names, produce, round_trip, sent_json, spec

NAMES = spec(
    "names_all",
    """
    openapi: 3.0.3
    info: {title: Names, version: "1"}
    paths:
      /items/{id}:
        parameters:
          - {name: id, in: path, required: true, schema: {type: string}}
        get:
          parameters:
            - {name: id, in: query, schema: {type: integer}}
            - {name: id, in: header, schema: {type: string}}
            - {name: X-Request-ID, in: header, schema: {type: string}}
            - {name: class, in: query, schema: {type: string}}
            - {name: page.size, in: query, schema: {type: integer}}
            - {name: page-size, in: query, schema: {type: integer}}
            - {name: 1st, in: query, schema: {type: string}}
            - {name: timeout, in: query, schema: {type: number}}
            - {name: self, in: query, schema: {type: string}}
            - {name: naïve, in: query, schema: {type: string}}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/io.k8s.api.core.v1.Pod'}
        post:
          operationId: doThing
          requestBody:
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Weird'}
          responses:
            "204": {description: ok}
      /other:
        get:
          operationId: doThing
          responses:
            "204": {description: ok}
        post:
          operationId: do_thing
          responses:
            "204": {description: ok}
    components:
      schemas:
        ACL: {type: object, properties: {a: {type: string}}}
        Acl: {type: object, properties: {b: {type: string}}}
        device_port: {type: object, properties: {c: {type: string}}}
        DevicePort: {type: object, properties: {d: {type: string}}}
        BaseModel: {type: object, properties: {e: {type: string}}}
        Field: {type: object, properties: {f: {type: string}}}
        Client: {type: object, properties: {g: {type: string}}}
        Annotated: {type: string}
        io.k8s.api.core.v1.Pod: {type: object, properties: {kind: {type: string}}}
        io.k8s.api.apps.v1.Pod: {type: object, properties: {kind: {type: string}}}
        Uses:
          type: object
          properties:
            acl: {$ref: '#/components/schemas/ACL'}
            acl2: {$ref: '#/components/schemas/Acl'}
            base: {$ref: '#/components/schemas/BaseModel'}
            field: {$ref: '#/components/schemas/Field'}
            client: {$ref: '#/components/schemas/Client'}
            annotated: {$ref: '#/components/schemas/Annotated'}
            corePod: {$ref: '#/components/schemas/io.k8s.api.core.v1.Pod'}
            appsPod: {$ref: '#/components/schemas/io.k8s.api.apps.v1.Pod'}
        Weird:
          type: object
          properties:
            class: {type: string}
            from: {type: string}
            type: {type: string}
            id: {type: string}
            _id: {type: string}
            list: {type: string}
            fields: {type: string}
            schema: {type: string}
            json: {type: string}
            copy: {type: string}
            model_config: {type: string}
            model_dump: {type: string}
            modelName: {type: string}
            1st: {type: string}
            2fa: {type: boolean}
            x-rate-limit: {type: integer}
            a.b: {type: string}
            first name: {type: string}
            naïve: {type: string}
            名前: {type: string}
            日付: {type: string}
            fooBar: {type: string}
            foo_bar: {type: string}
            foo-bar: {type: string}
            self: {type: string}
            datetime: {type: string}
            _: {type: string}
    """,
)

WEIRD_DATA = {
    "class": "c", "from": "f", "type": "t", "id": "i", "_id": "u", "list": "l", "fields": "fs",
    "schema": "s", "json": "j", "copy": "cp", "model_config": "mc", "model_dump": "md",
    "modelName": "mn", "1st": "first", "2fa": True, "x-rate-limit": 10, "a.b": "dot",
    "first name": "space", "naïve": "accent", "名前": "name", "日付": "date", "fooBar": "1",
    "foo_bar": "2", "foo-bar": "3", "self": "me", "datetime": "dt", "_": "underscore",
}  # fmt: skip


def test_property_names_round_trip_under_their_json_names(gen) -> None:
    g = gen(NAMES)
    assert g.ok, g.describe()
    weird = g.models.Weird
    names = field_names(weird)
    assert set(names) == set(WEIRD_DATA)  # every property is a declared field
    assert all(py.isidentifier() for py in names.values())
    assert len(set(names.values())) == len(names)  # collision-free
    assert round_trip(weird, WEIRD_DATA) == WEIRD_DATA
    assert weird.model_validate(WEIRD_DATA).model_extra == {}  # nothing fell into extra data


def test_property_renames_are_the_documented_ones(gen) -> None:
    names = field_names(gen(NAMES).models.Weird)
    assert names["class"] == "class_" and names["from"] == "from_" and names["type"] == "type_"
    assert names["fields"] == "fields_" and names["model_config"] == "model_config_"
    assert names["x-rate-limit"] == "x_rate_limit" and names["a.b"] == "a_b"
    assert names["first name"] == "first_name" and names["naïve"] == "naive"
    assert names["1st"] == "field_1st"
    # a Python name never equals another property's JSON name; then document order decides
    assert (names["fooBar"], names["foo_bar"], names["foo-bar"]) == (
        "foo_bar_",
        "foo_bar",
        "foo_bar_2",
    )


def test_models_are_built_from_python_names_and_sent_with_json_names(gen) -> None:
    g = gen(NAMES)
    weird = g.models.Weird
    names = field_names(weird)
    # (the python names that equal another property's JSON name are checked separately below)
    data = {k: v for k, v in WEIRD_DATA.items() if names[k] not in WEIRD_DATA}
    obj = weird(**{names[k]: v for k, v in data.items()})
    assert obj.model_dump(mode="json", by_alias=True, exclude_unset=True) == data
    rec = Recorder(204)
    assert g.client(rec).items.do_thing(id_="a/b", body=obj) is None
    assert sent_json(rec.last) == data
    assert rec.last.url.raw_path == b"/items/a%2Fb"
    # parsed from JSON, every value lands in its own field
    assert g.client(rec).items.do_thing(id_="x", body=weird.model_validate(WEIRD_DATA)) is None
    assert sent_json(rec.last) == WEIRD_DATA


def test_python_names_never_equal_another_fields_json_name(gen) -> None:
    g = gen(NAMES)
    weird = g.models.Weird
    names = field_names(weird)
    obj = weird(**{names[k]: v for k, v in WEIRD_DATA.items()})
    assert obj.model_dump(mode="json", by_alias=True, exclude_unset=True) == WEIRD_DATA


def test_property_collisions_are_reported(gen) -> None:
    g = gen(NAMES)
    base = "/components/schemas/Weird/properties/"
    for jname in ("_id", "fooBar", "foo-bar", "名前", "日付", "1st", "2fa", "_"):
        diags = g.diags("INFO", pointer=base + jname)
        assert diags, f"no INFO for {jname!r}:\n{g.describe()}"
        assert jname in diags[0].message
        assert diags[0].line > 0


def test_schema_names_colliding_after_case_conversion_or_with_the_runtime(gen) -> None:
    g = gen(NAMES)
    m = g.models
    data = {
        "acl": {"a": "1"}, "acl2": {"b": "2"}, "base": {"e": "3"}, "field": {"f": "4"},
        "client": {"g": "5"}, "annotated": "6", "corePod": {"kind": "c"}, "appsPod": {"kind": "a"},
    }  # fmt: skip
    u = m.Uses.model_validate(data)
    assert round_trip(m.Uses, data) == data
    classes = {
        type(getattr(u, f))
        for f in ("acl", "acl2", "base", "field", "client", "core_pod", "apps_pod")
    }
    assert len(classes) == 7  # seven schemas, seven classes
    assert type(u.acl).model_fields.keys() == {"a"} and type(u.acl2).model_fields.keys() == {"b"}
    # the runtime's own names still mean the runtime's classes
    assert issubclass(m.Uses, m.BaseModel) and m.BaseModel.__module__.endswith("._models")
    assert g.pkg.Client.__module__.endswith("._client")
    for schema in ("Acl", "DevicePort", "BaseModel", "Field", "Annotated"):
        (info,) = g.diags("INFO", pointer=f"/components/schemas/{schema}")
        assert "taken" in info.message


def test_dotted_schema_names(gen) -> None:
    g = gen(NAMES)
    rec = Recorder(200, json={"kind": "Pod", "apiVersion": "v1"})
    pod = g.client(rec).items.get_items_by_id(id_="p")
    assert type(pod).__name__ == "IoK8sApiCoreV1Pod"
    assert pod.model_dump(by_alias=True, exclude_unset=True) == {"kind": "Pod", "apiVersion": "v1"}


def test_missing_and_duplicate_operation_ids_give_distinct_methods(gen) -> None:
    g = gen(NAMES)
    client = g.pkg.Client(base_url="http://t")
    assert callable(client.items.get_items_by_id)  # no operationId: method + path words
    assert callable(client.items.do_thing)
    rec = Recorder(204)
    c = g.client(rec)
    other = [n for n in dir(c.other) if n.startswith("do_thing")]
    assert sorted(other) == ["do_thing", "do_thing2"]
    c.other.do_thing()
    assert rec.last.method == "GET"
    c.other.do_thing2()
    assert rec.last.method == "POST"


def test_duplicate_operation_ids_are_reported(gen) -> None:
    g = gen(NAMES)
    assert [
        d for d in g.diagnostics if "do_thing" in d.message or "doThing" in d.message
    ], g.describe()


def test_same_parameter_name_in_several_locations(gen) -> None:
    g = gen(NAMES)
    rec = Recorder(200, json={"kind": "Pod"})
    params = {
        "id_": "in-path", "id_query": 5, "id_header": "in-header", "class_": "k",
        "page_size": 10, "page_size2": 20, "param_1st": "one", "timeout2": 1.5, "self2": "me",
        "naive": "n", "x_request_id": "rid",
    }  # fmt: skip
    g.client(rec).items.get_items_by_id(**params)
    req = rec.last
    assert req.url.path == "/items/in-path"
    assert sorted(req.url.params.multi_items()) == sorted(
        [("id", "5"), ("class", "k"), ("page.size", "10"), ("page-size", "20"), ("1st", "one"),
         ("timeout", "1.5"), ("self", "me"), ("naïve", "n")]
    )  # fmt: skip
    assert req.headers["id"] == "in-header"
    assert req.headers["X-Request-ID"] == "rid"


def test_parameter_renames_are_reported(gen) -> None:
    g = gen(NAMES)
    infos = [d for d in g.diags("INFO") if "/paths/" in d.pointer]
    for jname in ("page-size", "timeout", "self"):
        assert any(jname in d.message for d in infos), g.describe()


def test_renames_are_deterministic(tmp_path) -> None:
    """Two generations of the same spec (fresh, no cache) write the same code and diagnostics."""
    runs = []
    for i in range(2):
        info = produce(NAMES, tmp_path / f"run{i}")
        pkg = tmp_path / f"run{i}" / "out" / "feat-names-all" / "feat_names_all"
        runs.append(
            (
                {p.relative_to(pkg).as_posix(): p.read_bytes() for p in sorted(pkg.rglob("*.py"))},
                [d[:3] for d in info["diagnostics"]],
            )
        )
        shutil.rmtree(tmp_path / f"run{i}" / "spec")
    assert runs[0] == runs[1]


SHADOW = spec(
    "names_shadow_runtime",
    """
    openapi: 3.0.3
    info: {title: Shadow, version: "1"}
    paths:
      /x:
        post:
          operationId: makeX
          requestBody:
            content:
              application/json:
                schema: {$ref: '#/components/schemas/NotGiven'}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/ResponseSpec'}
    components:
      schemas:
        ResponseSpec: {type: object, properties: {a: {type: string}}}
        NotGiven: {type: object, properties: {b: {type: string}}}
    """,
)


def test_schema_names_that_shadow_resource_module_names(gen) -> None:
    """Schemas named like the runtime's own names (ResponseSpec, NotGiven) are renamed, with an
    INFO diagnostic each, so they never shadow what the resource modules import."""
    g = gen(SHADOW)
    m = g.models
    renames = [d for d in g.diags("INFO") if "is taken; using" in d.message]
    assert {d.pointer for d in renames} >= {"/components/schemas/ResponseSpec", "/components/schemas/NotGiven"}, renames
    assert not hasattr(m, "NotGiven") and not hasattr(m, "ResponseSpec")
    rec = Recorder(200, json={"a": "x"})
    got = g.client(rec).x.make_x(body=m.NotGiven2(b="y"))
    assert sent_json(rec.last) == {"b": "y"}
    assert got.a == "x"
    g.client(rec).x.make_x()  # the body is optional
    assert rec.last.content == b""


BODY_PARAM = spec(
    "names_body_param",
    """
    openapi: 3.0.3
    info: {title: Body param, version: "1"}
    paths:
      /x:
        post:
          operationId: postX
          parameters:
            - {name: body, in: query, schema: {type: string}}
          requestBody:
            content:
              application/json:
                schema: {type: object, properties: {a: {type: string}}}
          responses:
            "204": {description: ok}
    """,
)


def test_parameter_named_body_next_to_a_request_body(gen) -> None:
    g = gen(BODY_PARAM)
    assert g.ok, g.describe()
    rec = Recorder(204)
    g.client(rec).x.post_x(body="q", body2={"a": "x"})
    assert rec.last.url.params["body"] == "q" and sent_json(rec.last) == {"a": "x"}


OPTIONS_PARAM = spec(
    "names_options_param",
    """
    openapi: 3.0.3
    info: {title: Options param, version: "1"}
    paths:
      /x:
        get:
          operationId: getX
          parameters:
            - {name: options, in: query, schema: {type: string}}
          responses:
            "204": {description: ok}
    """,
)


def test_parameter_named_options(gen) -> None:
    g = gen(OPTIONS_PARAM)
    assert g.ok, g.describe()
    rec = Recorder(204)
    method = g.client(rec).x.get_x
    (arg,) = [
        p
        for p in inspect.signature(method).parameters
        if p.startswith("options") and p != "options"
    ]
    method(**{arg: "v"})
    assert rec.last.url.params["options"] == "v"
