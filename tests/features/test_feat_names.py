"""Names: properties, parameters and schemas whose names are not Python identifiers, collide after
case conversion, or collide with Python or the generated code; operationIds missing or
duplicated. Renames are deterministic, collision-free, reported (INFO) and keep the JSON name."""

from __future__ import annotations

import datetime
import importlib
import inspect
import shutil
import uuid

import pydantic
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
    # keywords and the models' base class attributes get a trailing '_'; builtins keep their names
    assert names["class"] == "class_" and names["from"] == "from_" and names["type"] == "type"
    assert names["fields"] == "fields" and names["model_config"] == "model_config_"
    assert (names["id"], names["list"], names["self"], names["datetime"]) == ("id", "list", "self", "datetime")
    assert (names["schema"], names["json"], names["copy"], names["model_dump"]) == ("schema_", "json_", "copy_", "model_dump_")
    assert names["modelName"] == "model_name" and names["_id"] == "id_"
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
    assert g.client(rec).items.do_thing(id="a/b", body=obj) is None
    assert sent_json(rec.last) == data
    assert rec.last.url.raw_path == b"/items/a%2Fb"
    # parsed from JSON, every value lands in its own field
    assert g.client(rec).items.do_thing(id="x", body=weird.model_validate(WEIRD_DATA)) is None
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
    # schemas named like what the generated code imports keep their names (the generated code
    # imports those under a private alias); only two spec names that clash get a suffix
    runtime = importlib.import_module(f"{g.package}._models").BaseModel
    assert issubclass(m.Uses, runtime) and issubclass(m.BaseModel, runtime) and m.BaseModel is not runtime
    assert type(u.base) is m.BaseModel and type(u.field) is m.Field and m.Annotated is str
    assert g.pkg.Client.__module__.endswith("._client")
    for schema in ("Acl", "DevicePort"):
        (info,) = g.diags("INFO", pointer=f"/components/schemas/{schema}")
        assert "taken" in info.message
    for schema in ("BaseModel", "Field", "Annotated", "Client"):
        assert not g.diags("INFO", pointer=f"/components/schemas/{schema}"), g.describe()


def test_dotted_schema_names(gen) -> None:
    g = gen(NAMES)
    rec = Recorder(200, json={"kind": "Pod", "apiVersion": "v1"})
    pod = g.client(rec).items.get_items_by_id(id="p")
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
        "id": "in-path", "id_query": 5, "id_header": "in-header", "class_": "k",
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
    """Schemas named like the runtime's own names (ResponseSpec, NotGiven) keep their names: the
    resource modules import the runtime's under a private alias."""
    g = gen(SHADOW)
    m = g.models
    assert not [d for d in g.diags("INFO") if "is taken; using" in d.message], g.describe()
    assert not hasattr(m, "NotGiven2") and not hasattr(m, "ResponseSpec2")
    rec = Recorder(200, json={"a": "x"})
    got = g.client(rec).x.make_x(body=m.NotGiven(b="y"))
    assert sent_json(rec.last) == {"b": "y"}
    assert got.a == "x"
    assert isinstance(got, m.ResponseSpec)
    g.client(rec).x.make_x()  # the body is optional: the runtime's NOT_GIVEN is its default
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


SPEC_NAMES = spec(
    "names_follow_the_spec",
    """
    openapi: 3.0.3
    info: {title: Spec names, version: "1"}
    tags:
      - {name: models, description: Operations on models}
      - {name: call}
    paths:
      /conns/{id}:
        get:
          operationId: getConn
          tags: [models]
          parameters:
            - {name: id, in: path, required: true, schema: {type: string}}
            - {name: type, in: query, schema: {type: string}}
            - {name: list, in: query, schema: {type: array, items: {type: string}}}
            - {name: format, in: query, schema: {type: string}}
            - {name: from, in: query, schema: {type: string}}
            - {name: body_kwargs, in: query, schema: {type: string}}
            - {name: retry_non_idempotent, in: query, schema: {type: boolean}}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Conn'}
      /labels:
        post:
          operationId: labelThings
          tags: [call]
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Tag'}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Labelled'}
        get:
          operationId: listLabels
          tags: [call]
          parameters:
            - {name: after, in: query, schema: {type: string}}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/CursorPagination'}
    components:
      schemas:
        Conn:
          type: object
          required: [id]
          properties:
            id: {type: string}
            next: {type: string}
            type: {type: string}
            list: {type: array, items: {type: string}}
            bytes: {type: integer}
            str: {type: string}
            uuid: {type: string, format: uuid}
            datetime: {type: string, format: date-time}
            when: {type: string, format: date, default: "2024-05-01"}
            filter: {type: string}
            input: {type: string}
            hash: {type: string}
            class: {type: string}
            from: {type: string}
            json: {type: string}
            copy: {type: string}
            schema: {type: string}
            dict: {type: string}
            validate: {type: string}
            to_dict: {type: string}
            model_dump: {type: string}
        Tag: {type: object, required: [kind], properties: {kind: {type: string}, name: {type: string}}}
        Field: {type: object, required: [kind], properties: {kind: {type: string}, label: {type: string}}}
        Any: {type: object, properties: {anything: {type: string}}}
        Literal: {type: string, enum: [x, y]}
        BaseModel: {type: object, properties: {base: {type: string}}}
        Mapping: {type: object, additionalProperties: {type: integer}}
        Endpoint: {type: object, properties: {url: {type: string}}}
        NotGiven: {type: object, properties: {why: {type: string}}}
        CursorPagination:
          type: object
          properties:
            items: {type: array, items: {$ref: '#/components/schemas/Tag'}}
            next: {type: string}
        Labelled:
          type: object
          properties:
            label:
              oneOf:
                - {$ref: '#/components/schemas/Tag'}
                - {$ref: '#/components/schemas/Field'}
              discriminator:
                propertyName: kind
                mapping: {tag: '#/components/schemas/Tag', field: '#/components/schemas/Field'}
            anything: {$ref: '#/components/schemas/Any'}
            literal: {$ref: '#/components/schemas/Literal'}
            free: {type: object, additionalProperties: true}
            pick: {type: string, enum: [one], default: one}
            base: {$ref: '#/components/schemas/BaseModel'}
            mapping: {$ref: '#/components/schemas/Mapping'}
            endpoint: {$ref: '#/components/schemas/Endpoint'}
            given: {$ref: '#/components/schemas/NotGiven'}
    """,
)

CONN_DATA = {
    "id": "c1", "next": "c2", "type": "http", "list": ["a"], "bytes": 5, "str": "s",
    "uuid": "12345678-1234-5678-1234-567812345678", "datetime": "2024-01-02T03:04:05Z",
    "filter": "f", "input": "i", "hash": "h", "class": "k", "from": "f2", "json": "j", "copy": "c",
    "schema": "s2", "dict": "d", "validate": "v", "to_dict": "t", "model_dump": "m",
}  # fmt: skip


def test_fields_keep_the_spec_names_unless_python_or_the_model_base_forbids_them(gen) -> None:
    g = gen(SPEC_NAMES)
    assert g.ok, g.describe()
    conn = g.models.Conn
    names = field_names(conn)
    for plain in ("id", "next", "type", "list", "bytes", "str", "uuid", "datetime", "filter", "input", "hash"):
        assert names[plain] == plain, names
    # keywords, and the attributes of the models' base class (pydantic's and the runtime's)
    for renamed in ("class", "from", "json", "copy", "schema", "dict", "validate", "to_dict", "model_dump"):
        assert names[renamed] == renamed + "_", names
    c = conn.model_validate(CONN_DATA)
    assert (c.id, c.next, c.type, c.list, c.bytes, c.str) == ("c1", "c2", "http", ["a"], 5, "s")
    assert c.uuid == uuid.UUID(CONN_DATA["uuid"]) and c.datetime.year == 2024
    assert c.when == datetime.date(2024, 5, 1)
    assert round_trip(conn, CONN_DATA) == CONN_DATA
    assert conn(id="x", list=["b"], datetime="2024-01-02T00:00:00Z").to_dict()["list"] == ["b"]


def test_parameters_keep_the_spec_names_unless_python_or_the_method_forbids_them(gen) -> None:
    g = gen(SPEC_NAMES)
    rec = Recorder(200, json={"id": "c1"})
    client = g.client(rec)
    params = set(inspect.signature(client.models.get_conn).parameters)
    assert {"id", "type", "list", "format", "from_", "options"} <= params, params
    assert "body_kwargs" not in params and "retry_non_idempotent" not in params, params
    kw = {p: True for p in params if p.startswith(("body_kwargs", "retry_non_idempotent"))}
    got = client.models.get_conn(id="c1", type="t", list=["a", "b"], format="f", from_="y", **kw)
    assert got.id == "c1"
    assert rec.last.url.path == "/conns/c1"
    q = rec.last.url.params
    assert (q["type"], q.get_list("list"), q["format"], q["from"]) == ("t", ["a", "b"], "f", "y")
    assert q["body_kwargs"] == "true" and q["retry_non_idempotent"] == "true"


def test_schemas_and_tags_named_like_what_the_generated_code_imports_keep_their_names(gen) -> None:
    g = gen(SPEC_NAMES)
    m = g.models
    assert not [d for d in g.diags("INFO") if "class name" in d.message], g.describe()
    assert m.Mapping == dict[str, int]  # an alias
    for name in ("Tag", "Field", "Any", "Literal", "BaseModel", "Endpoint", "NotGiven", "CursorPagination"):
        assert getattr(m, name).__name__ == name and getattr(m, name).__module__ == m.__name__
        assert not hasattr(m, name + "2")
    assert {"kind", "name"} <= set(m.Tag.model_fields) and {"kind", "label"} <= set(m.Field.model_fields)
    assert issubclass(m.BaseModel, pydantic.BaseModel) and "base" in m.BaseModel.model_fields
    assert m.Literal("x") is m.Literal.X
    # the client: a tag named like the package's models module is that resource; one named like
    # a method of the client (``call``) gets a suffix
    rec = Recorder(200, json={"label": {"kind": "field", "label": "L"}, "anything": {"anything": "a"},
                              "literal": "y", "base": {"base": "b"}, "mapping": {"a": 1},
                              "endpoint": {"url": "u"}, "given": {"why": "w"}})  # fmt: skip
    client = g.client(rec)
    assert type(client.models).__name__ == "ModelsResource" and not hasattr(client, "models2")
    assert callable(client.call) and type(client.call2).__name__ == "CallResource"
    assert g.diags("INFO", contains="resource name 'call' for 'call' is taken; using 'call2'")
    got = client.call2.label_things(body=m.Tag(kind="tag", name="n"))
    assert sent_json(rec.last) == {"kind": "tag", "name": "n"}
    assert isinstance(got, m.Labelled) and isinstance(got.label, m.Field) and got.label.label == "L"
    assert isinstance(got.anything, m.Any) and got.literal is m.Literal.Y and got.pick == "one"
    assert isinstance(got.base, m.BaseModel) and isinstance(got.endpoint, m.Endpoint)
    assert isinstance(got.given, m.NotGiven) and got.mapping == {"a": 1}
    # the resource keeps working: optional bodies still default to the runtime's NOT_GIVEN
    rec.json = {"items": [{"kind": "tag", "name": "a"}], "next": None}
    page = client.call2.list_labels()
    assert [t.name for t in page.iter_all()] == ["a"]
    assert type(page.model).__name__ == "CursorPagination"
    assert inspect.signature(client.call2.list_labels).return_annotation.startswith("SyncPage[CursorPagination, Tag]")
