"""Types: enums, const, formats, additionalProperties, free-form objects, arrays (no items,
prefixItems, nested), defaults, readOnly/writeOnly and deprecated."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid

import pydantic
import pytest

from features_helpers import Recorder, members, round_trip, sent_json, spec

TYPES = spec(
    "types_all",
    """
    openapi: 3.1.0
    info: {title: Types, version: "1"}
    paths:
      /servers:
        post:
          operationId: createServer
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Server'}
          responses:
            "201":
              description: created
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Server'}
      /legacy:
        get:
          operationId: legacyThing
          deprecated: true
          responses:
            "204": {description: gone soon}
    components:
      schemas:
        Color: {type: string, enum: [red, green, blue], default: green}
        Level: {type: integer, enum: [1, 2, 3, -1]}
        Weird:
          type: string
          enum: ["", "a b", "1st", "a-b", "a", "A", "café", "cafe", "+", "-", "class", "name", "value", "mro"]
        MaybeNull: {type: [string, "null"], enum: [on, off, null]}
        Everything:
          type: object
          required: [levelReq]
          properties:
            color: {$ref: '#/components/schemas/Color'}
            colorDefault: {$ref: '#/components/schemas/Color', default: blue}
            level: {$ref: '#/components/schemas/Level'}
            levelReq: {$ref: '#/components/schemas/Level'}
            weird: {$ref: '#/components/schemas/Weird'}
            inlineNull: {type: [string, "null"], enum: [x, null]}
            konst: {const: fixed}
            konstInt: {const: 3}
            date: {type: string, format: date}
            dateTime: {type: string, format: date-time}
            time: {type: string, format: time}
            uuid: {type: string, format: uuid}
            uri: {type: string, format: uri}
            binary: {type: string, format: binary}
            byte: {type: string, format: byte}
            big: {type: integer, format: int64}
            ratio: {type: number, format: double}
            custom: {type: string, format: x-custom-thing}
            addlTrue: {type: object, additionalProperties: true}
            addlSchema: {type: object, additionalProperties: {type: integer}}
            freeForm: {type: object}
            noItems: {type: array}
            tuple: {type: array, prefixItems: [{type: string}, {type: integer}], items: false}
            openTuple: {type: array, prefixItems: [{type: string}, {type: integer}]}
            typedTail: {type: array, prefixItems: [{type: string}], items: {type: boolean}}
            matrix: {type: array, items: {type: array, items: {type: integer}}}
            dStr: {type: string, default: hello}
            dInt: {type: integer, default: 3}
            dNum: {type: number, default: 1}
            dBool: {type: boolean, default: false}
            dNull: {type: [string, "null"], default: null}
            dEnum: {type: string, enum: [x, y], default: y}
            old: {type: string, deprecated: true}
        Nullables:
          type: object
          required: [maybeReq]
          properties:
            maybeReq: {$ref: '#/components/schemas/MaybeNull'}
        Decimals:
          type: object
          properties:
            price: {type: number, format: decimal}
        Defaults:
          type: object
          properties:
            fromTarget: {$ref: '#/components/schemas/Color'}
            dArr: {type: array, items: {type: string}, default: [a]}
            dObj: {type: object, default: {k: v}}
            dDate: {type: string, format: date, default: "2024-01-01"}
        Closed:
          type: object
          additionalProperties: false
          properties:
            a: {type: string}
        TypedExtra:
          type: object
          additionalProperties: {type: integer}
          properties:
            name: {type: string}
        Server:
          type: object
          required: [id, name, secret]
          properties:
            id: {type: string, readOnly: true}
            name: {type: string}
            secret: {type: string, writeOnly: true}
        ServerId: {type: string, readOnly: true}
        Owned:
          type: object
          required: [serverId, name]
          properties:
            serverId: {$ref: '#/components/schemas/ServerId'}
            name: {type: string}
    """,
)


def test_string_and_integer_enums(gen) -> None:
    g = gen(TYPES)
    assert g.ok, g.describe()
    m = g.models
    assert members(m.Color) == {"RED": "red", "GREEN": "green", "BLUE": "blue"}
    assert sorted(members(m.Level).values()) == [-1, 1, 2, 3]
    assert all(isinstance(v, int) for v in members(m.Level).values())
    data = {"levelReq": -1, "level": 2, "color": "red"}
    assert round_trip(m.Everything, data) == data
    assert m.Everything.model_validate(data).level_req is m.Level(-1)


def test_enum_values_that_are_not_identifiers(gen) -> None:
    g = gen(TYPES)
    weird = g.models.Weird
    values = [
        "",
        "a b",
        "1st",
        "a-b",
        "a",
        "A",
        "café",
        "cafe",
        "+",
        "-",
        "class",
        "name",
        "value",
        "mro",
    ]
    assert sorted(members(weird).values()) == sorted(values)  # every value kept, none merged
    names = list(members(weird))
    assert len(set(names)) == len(names) == len(values)
    assert all(n.isidentifier() for n in names)
    # 'a'/'A' and 'café'/'cafe' collide once case-folded / ASCII-folded: still two members
    assert weird("a") is not weird("A") and weird("café") is not weird("cafe")
    for v in values:
        assert round_trip(g.models.Everything, {"levelReq": 1, "weird": v}) == {
            "levelReq": 1,
            "weird": v,
        }


def test_enum_member_names_are_deterministic(gen) -> None:
    g = gen(TYPES)
    names = {v: n for n, v in members(g.models.Weird).items()}
    assert names[""] == "EMPTY"
    assert names["a"] == "A" and names["A"] == "A2"
    assert names["class"] == "CLASS"


def test_unknown_future_enum_values_parse(gen) -> None:
    g = gen(TYPES)
    m = g.models
    data = {"levelReq": 99, "color": "purple", "weird": "brand new"}
    e = m.Everything.model_validate(data)
    assert e.color == "purple" and e.level_req == 99
    assert isinstance(e.color, m.Color)
    assert round_trip(m.Everything, data) == data
    with pytest.raises(pydantic.ValidationError):
        m.Everything.model_validate({"levelReq": "not an int"})


def test_null_in_an_inline_enum(gen) -> None:
    g = gen(TYPES)
    data = {"levelReq": 1, "inlineNull": None}
    assert round_trip(g.models.Everything, data) == data


def test_null_in_a_referenced_enum(gen) -> None:
    g = gen(TYPES)
    data = {"maybeReq": None}
    assert round_trip(g.models.Nullables, data) == data


def test_const(gen) -> None:
    g = gen(TYPES)
    m = g.models
    data = {"levelReq": 1, "konst": "fixed", "konstInt": 3}
    assert round_trip(m.Everything, data) == data
    for bad in ({"konst": "other"}, {"konstInt": 4}):
        with pytest.raises(pydantic.ValidationError):
            m.Everything.model_validate({"levelReq": 1, **bad})


def test_formats(gen) -> None:
    g = gen(TYPES)
    m = g.models
    data = {
        "levelReq": 1,
        "date": "2024-02-29",
        "dateTime": "2024-01-01T10:20:30.123456Z",
        "time": "10:20:30",
        "uuid": "12345678-1234-5678-1234-567812345678",
        "uri": "https://example.com/a?b=c",
        "binary": "aGVsbG8=",
        "byte": "aGVsbG8=",
        "big": 9007199254740993,
        "ratio": 0.5,
        "custom": "anything at all",
    }
    e = m.Everything.model_validate(data)
    assert e.date == datetime.date(2024, 2, 29)
    assert e.date_time == datetime.datetime(
        2024, 1, 1, 10, 20, 30, 123456, tzinfo=datetime.timezone.utc
    )
    assert e.time == datetime.time(10, 20, 30)
    assert e.uuid == uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert e.big == 9007199254740993  # int64 beyond float precision, exact
    assert e.custom == "anything at all"  # unknown format: a plain string
    assert round_trip(m.Everything, data) == data
    with pytest.raises(pydantic.ValidationError):
        m.Everything.model_validate({"levelReq": 1, "date": "not a date"})


def test_decimal_number_stays_a_json_number(gen) -> None:
    g = gen(TYPES)
    m = g.models
    d = m.Decimals.model_validate({"price": 1.5})
    assert isinstance(d.price, decimal.Decimal)
    assert round_trip(m.Decimals, {"price": 1.5}) == {"price": 1.5}


def test_additional_properties(gen) -> None:
    g = gen(TYPES)
    m = g.models
    data = {"levelReq": 1, "addlTrue": {"a": [1, {"b": None}]}, "addlSchema": {"x": 1, "y": 2}}
    assert round_trip(m.Everything, data) == data
    with pytest.raises(pydantic.ValidationError):
        m.Everything.model_validate({"levelReq": 1, "addlSchema": {"x": "not an int"}})
    # additionalProperties: false rejects unknown keys
    assert round_trip(m.Closed, {"a": "x"}) == {"a": "x"}
    with pytest.raises(pydantic.ValidationError):
        m.Closed.model_validate({"a": "x", "b": 1})
    # typed additionalProperties next to properties: extra keys are validated and kept
    t = m.TypedExtra.model_validate({"name": "n", "count": "5"})
    assert t.model_extra == {"count": 5}
    assert round_trip(m.TypedExtra, {"name": "n", "count": 5}) == {"name": "n", "count": 5}
    with pytest.raises(pydantic.ValidationError):
        m.TypedExtra.model_validate({"name": "n", "count": "many"})


def test_free_form_objects_and_models_keep_unknown_fields(gen) -> None:
    g = gen(TYPES)
    data = {"levelReq": 1, "freeForm": {"deep": {"er": [1, "2", None]}}, "unknown": {"k": "v"}}
    assert round_trip(g.models.Everything, data) == data


def test_arrays(gen) -> None:
    g = gen(TYPES)
    m = g.models
    data = {
        "levelReq": 1,
        "noItems": [1, "a", None, {"x": [1]}],
        "tuple": ["a", 1],
        "openTuple": [1, "b", "c", 2],
        "matrix": [[1, 2], [], [3]],
    }
    e = m.Everything.model_validate(data)
    assert e.tuple == ("a", 1)
    assert e.matrix == [[1, 2], [], [3]]
    assert round_trip(m.Everything, data) == data
    with pytest.raises(pydantic.ValidationError):
        m.Everything.model_validate({"levelReq": 1, "tuple": ["a", 1, "extra"]})  # items: false
    with pytest.raises(pydantic.ValidationError):
        m.Everything.model_validate({"levelReq": 1, "matrix": [1, 2]})


def test_prefix_items_with_a_typed_tail(gen) -> None:
    g = gen(TYPES)
    data = {"levelReq": 1, "typedTail": ["a", True, False]}
    assert round_trip(g.models.Everything, data) == data


def test_scalar_defaults(gen) -> None:
    g = gen(TYPES)
    m = g.models
    e = m.Everything(level_req=1)
    assert e.d_str == "hello"
    assert e.d_int == 3 and type(e.d_int) is int
    assert e.d_num == 1.0 and type(e.d_num) is float
    assert e.d_bool is False
    assert e.d_null is None
    assert e.d_enum == "y" and isinstance(e.d_enum, enum_type(m.Everything, "d_enum"))
    assert e.color_default is m.Color.BLUE  # default next to a $ref to an enum (3.1)
    # defaults are not sent back: only what was set
    assert e.model_dump(mode="json", by_alias=True, exclude_unset=True) == {"levelReq": 1}


def enum_type(model, field):
    ann = model.model_fields[field].annotation
    return next(a for a in getattr(ann, "__args__", (ann,)) if a is not type(None))


def test_default_declared_on_the_referenced_enum(gen) -> None:
    g = gen(TYPES)
    assert g.models.Defaults().from_target == "green"


def test_array_object_and_date_defaults(gen) -> None:
    g = gen(TYPES)
    d = g.models.Defaults()
    assert (d.d_arr, d.d_obj, d.d_date) == (["a"], {"k": "v"}, datetime.date(2024, 1, 1))


def test_read_only_and_write_only_required_fields(gen) -> None:
    g = gen(TYPES)
    m = g.models
    # a request (the input class) has no server-assigned 'id'; a response does not need 'secret'
    rec = Recorder(201, json={"id": "srv-1", "name": "web"})
    got = g.client(rec).servers.create_server(body=m.ServerInput(name="web", secret="s3"))
    assert sent_json(rec.last) == {"name": "web", "secret": "s3"}
    assert isinstance(got, m.Server) and got.id == "srv-1" and got.secret is None
    with pytest.raises(pydantic.ValidationError):
        m.Server.model_validate({"id": "x"})  # 'name' is still required
    with pytest.raises(pydantic.ValidationError):
        m.Server.model_validate({"name": "web"})  # so is the read-only 'id', in a response
    with pytest.raises(pydantic.ValidationError):
        m.ServerInput(name="web")  # and the write-only 'secret', in a request
    assert "id" not in m.ServerInput.model_fields
    assert "secret" in m.Server.__secret_fields__  # write-only: masked in repr
    assert "s3" not in repr(m.ServerInput(name="web", secret="s3"))


def test_read_only_on_the_referenced_schema(gen) -> None:
    g = gen(TYPES)
    m = g.models
    # readOnly on the referenced schema counts: required (and typed) in what the server sends
    assert m.Owned.model_fields["server_id"].is_required()
    assert m.Owned.model_validate({"serverId": "s", "name": "x"}).server_id == "s"


def test_deprecated_field_and_operation(gen) -> None:
    g = gen(TYPES)
    m = g.models
    assert round_trip(m.Everything, {"levelReq": 1, "old": "x"}) == {"levelReq": 1, "old": "x"}
    models_src = g.source("models.py")
    line = 'old: Annotated[str | None, Field(deprecated="Everything.old is deprecated")] = None\n'
    assert line in models_src
    after = models_src.split(line, 1)[1]
    assert "Deprecated." in after.split("\n\n", 1)[0]
    assert "Deprecated." in g.pkg.Client(base_url="http://t").legacy.legacy_thing.__doc__
    rec = Recorder(204)
    with pytest.warns(DeprecationWarning, match="legacy_thing"):  # see test_feat_deprecations.py
        assert g.client(rec).legacy.legacy_thing() is None


def test_integer_const_beyond_64_bits_is_an_int() -> None:
    """``const: 18000000000000000000`` cannot be a ``Literal`` (mypy refuses integer literals
    that large): it is typed ``int``."""
    from generator.ir.model import LiteralOf, Prim
    from generator.normalize.literals import literal_type

    assert literal_type([18000000000000000000]) == Prim("int")
    assert literal_type([3]) == LiteralOf(("3",))


DATES = spec(
    "date_or_datetime",
    """
    openapi: 3.1.0
    info: {title: Dates, version: "1"}
    paths: {}
    components:
      schemas:
        When:
          type: object
          properties:
            either:
              anyOf: [{type: string, format: date-time}, {type: string, format: date}]
            dateFirst:
              anyOf: [{type: string, format: date}, {type: string, format: date-time}]
            maybe:
              anyOf: [{type: string, format: date-time}, {type: string, format: date}, {type: "null"}]
    """,
)


def test_a_date_or_date_time_keeps_what_it_was_given(gen) -> None:
    # a date-only string is a date (not the date-time at midnight, sent without an offset, which
    # is no RFC 3339 date-time); a date-time stays one, whichever member the schema lists first
    m = gen(DATES).models
    for value in ("2024-05-06", "2024-05-06T00:00:00Z", "2024-05-06T07:08:09+02:00"):
        data = {"either": value, "dateFirst": value, "maybe": value}
        assert round_trip(m.When, data) == data
        assert m.When.model_validate_json(json.dumps(data)).to_dict() == data
    when = m.When.model_validate({"either": "2024-05-06"})
    assert when.either == datetime.date(2024, 5, 6) and type(when.either) is datetime.date
    assert round_trip(m.When, {"maybe": None}) == {"maybe": None}
    stamp = datetime.datetime(2024, 5, 6, tzinfo=datetime.timezone.utc)
    assert m.When(either=stamp).either == stamp


OBJECT_OR_STRING = spec(
    "object_or_string",
    """
    openapi: 3.1.0
    info: {title: Pets, version: "1"}
    paths:
      /pets:
        get:
          operationId: listPets
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    components:
      schemas:
        Pet:
          type: [object, string]
          required: [id]
          properties:
            id: {type: integer}
    """,
)


def test_a_model_whose_type_also_allows_a_string_accepts_one(gen) -> None:
    # `type: [object, string]` with properties: the class stands for the objects, and a place
    # that refers to it takes a string too (it refused a valid response of strings)
    g = gen(OBJECT_OR_STRING)
    rec = Recorder(200, json=["Lorem", {"id": 1}])
    got = g.client(rec).pets.list_pets()
    assert got[0] == "Lorem"
    assert isinstance(got[1], g.models.Pet) and got[1].id == 1
    with pytest.raises(pydantic.ValidationError):
        g.models.Pet.model_validate({"name": "no id"})


TYPELESS_ITEMS = spec(
    "typeless_items",
    """
    openapi: 3.0.3
    info: {title: Typeless items, version: "1"}
    paths:
      /conversations.open:
        get:
          operationId: openConversation
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema:
                    type: object
                    required: [ok, channel]
                    properties:
                      ok: {type: boolean}
                      channel:
                        items:
                          type: object
                          required: [id]
                          properties:
                            id: {type: string}
      /pins.list:
        get:
          operationId: listPins
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema:
                    items: {$ref: '#/components/schemas/Pin'}
    components:
      schemas:
        Pin:
          type: object
          properties:
            channel: {type: string}
    """,
)


def test_items_without_a_type_accepts_a_value_that_is_not_an_array(gen) -> None:
    """Without ``type``, ``items`` constrains arrays only (JSON Schema): Slack's
    ``conversations.open`` declares ``channel: {items: {...}}`` and answers an object there."""
    g = gen(TYPELESS_ITEMS)
    assert g.ok, g.describe()
    rec = Recorder(200, json={"ok": True, "channel": {"id": "D069C7QFK"}})
    got = g.client(rec).conversations_open.open_conversation()
    assert got.channel == {"id": "D069C7QFK"}
    # an array is still parsed into the items' type
    rec = Recorder(200, json={"ok": True, "channel": [{"id": "C1"}]})
    got = g.client(rec).conversations_open.open_conversation()
    assert [c.id for c in got.channel] == ["C1"]
    # a whole response body declared so
    rec = Recorder(200, json={"items": [{"channel": "C2"}], "ok": True})
    assert g.client(rec).pins_list.list_pins() == {"items": [{"channel": "C2"}], "ok": True}
    rec = Recorder(200, json=[{"channel": "C2"}])
    assert g.client(rec).pins_list.list_pins()[0].channel == "C2"
