"""Variants: ``oneOf``/``anyOf`` merged with the object around them (inside ``allOf``, beside
``properties``), unions of several enums, unions whose variants share their top-level shape,
null-only enums, and defaults of every type materialised as typed values.

Each test generates from an inline spec, validates real JSON into the models, and checks what a
request sends."""

from __future__ import annotations

import datetime
import types
import typing

import pydantic
import pytest

from features_helpers import Recorder, round_trip, sent_json, spec

MERGED = spec(
    "variants_merged",
    """
    openapi: 3.0.3
    info: {title: Merged, version: "1"}
    paths:
      /pets:
        post:
          operationId: createPet
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Pet'}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Pet'}
      /items:
        post:
          operationId: createItem
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Item'}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Item'}
    components:
      schemas:
        PetBase:
          type: object
          required: [name, petType]
          properties:
            name: {type: string}
            petType: {type: string}
            born: {type: string, format: date}
        Collar:
          type: object
          properties:
            size: {type: integer}
        Cat:
          type: object
          required: [meows]
          properties:
            petType: {type: string, enum: [cat]}
            meows: {type: integer}
        Dog:
          type: object
          required: [barks]
          properties:
            petType: {type: string, enum: [dog]}
            barks: {type: boolean}
            collar: {$ref: '#/components/schemas/Collar'}
        Pet:
          allOf:
            - $ref: '#/components/schemas/PetBase'
            - oneOf:
                - $ref: '#/components/schemas/Cat'
                - $ref: '#/components/schemas/Dog'
              discriminator:
                propertyName: petType
                mapping:
                  cat: '#/components/schemas/Cat'
                  dog: '#/components/schemas/Dog'
        Item:
          type: object
          required: [name]
          properties:
            name: {type: string}
          anyOf:
            - type: object
              required: [price]
              properties:
                price: {type: number}
                currency: {type: string}
            - type: object
              required: [free]
              properties:
                free: {type: boolean}
                until: {type: string, format: date-time}
    """,
)


def test_oneof_inside_allof_parses_each_variant_typed(gen) -> None:
    g = gen(MERGED)
    assert g.ok, g.describe()
    assert not g.diags(contains="not merged"), g.describe()
    cat_json = {"name": "1", "petType": "cat", "meows": 3, "born": "2020-01-02"}
    rec = Recorder(200, json=cat_json)
    cat = g.client(rec).pets.create_pet(body=cat_json)
    assert cat.meows == 3 and cat.name == "1" and cat.born == datetime.date(2020, 1, 2)
    assert sent_json(rec.last) == cat_json
    dog_json = {"name": "2", "petType": "dog", "barks": True, "collar": {"size": 4}}
    dog = g.client(Recorder(200, json=dog_json)).pets.create_pet(body=dog_json)
    assert dog.barks is True and dog.collar.size == 4 and isinstance(dog.collar, g.models.Collar)
    assert type(dog) is not type(cat)
    # the variant's own fields are typed: a wrong type is refused
    ta = pydantic.TypeAdapter(g.models.Pet)
    with pytest.raises(pydantic.ValidationError):
        ta.validate_python({"name": "1", "petType": "cat", "meows": "many"})
    with pytest.raises(pydantic.ValidationError):
        ta.validate_python({"petType": "cat", "meows": 1})  # the common part's 'name' is required
    assert round_trip(type(dog), dog_json) == dog_json


def test_oneof_inside_allof_sends_the_variant_the_user_built(gen) -> None:
    g = gen(MERGED)
    m = g.models
    variants = {
        cls.__name__: cls
        for cls in _classes(m.Pet)
        if isinstance(cls, type) and issubclass(cls, pydantic.BaseModel)
    }
    cat_cls = next(c for c in variants.values() if "meows" in c.model_fields)
    body = cat_cls(name="9", pet_type="cat", meows=1)
    rec = Recorder(200, json={"name": "9", "petType": "cat", "meows": 1})
    got = g.client(rec).pets.create_pet(body=body)
    assert sent_json(rec.last) == {"name": "9", "petType": "cat", "meows": 1}
    assert type(got) is cat_cls


def test_anyof_beside_properties_parses_each_variant_typed(gen) -> None:
    g = gen(MERGED)
    priced = {"name": "a", "price": 2.5, "currency": "EUR"}
    rec = Recorder(200, json=priced)
    got = g.client(rec).items.create_item(body=priced)
    assert got.name == "a" and got.price == 2.5 and got.currency == "EUR"
    assert sent_json(rec.last) == priced
    free = {"name": "b", "free": True, "until": "2024-01-01T00:00:00Z"}
    got = g.client(Recorder(200, json=free)).items.create_item(body=free)
    assert got.free is True and got.until == datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    ta = pydantic.TypeAdapter(g.models.Item)
    with pytest.raises(pydantic.ValidationError):
        ta.validate_python({"name": "c", "price": "lots"})
    v = ta.validate_python(free)
    assert ta.dump_python(v, mode="json", by_alias=True, exclude_unset=True) == {
        "name": "b", "free": True, "until": "2024-01-01T00:00:00Z"
    }


def _body_type(method: typing.Any) -> typing.Any:
    """The type of a method's ``body`` argument, without ``NotGiven`` (an optional body) and the
    ``TypedDict`` of ``params.py`` a body may also be given as."""
    t = typing.get_type_hints(method, include_extras=True)["body"]
    args = [
        a
        for a in typing.get_args(t)
        if getattr(a, "__name__", "") != "NotGiven" and not getattr(a, "__module__", "").endswith(".params")
    ]
    if typing.get_origin(t) in (typing.Union, types.UnionType) and len(args) < len(typing.get_args(t)):
        return typing.Union[tuple(args)] if len(args) > 1 else args[0]
    return t


def _classes(t: typing.Any) -> list[typing.Any]:
    """The classes a (possibly annotated, nested) union type is made of."""
    args = typing.get_args(t)
    if not args:
        return [t]
    if typing.get_origin(t) is typing.Annotated:
        return _classes(args[0])
    out: list[typing.Any] = []
    for a in args:
        out += _classes(a)
    return out


ENUMS = spec(
    "variants_enums",
    """
    openapi: 3.0.3
    info: {title: Enums, version: "1"}
    paths:
      /tickets:
        post:
          operationId: createTicket
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Ticket'}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Ticket'}
    components:
      schemas:
        StatusEnum: {type: string, enum: [open, closed]}
        BlankEnum: {enum: [""]}
        NullEnum: {enum: [null]}
        PriorityEnum: {type: integer, enum: [1, 2, 3]}
        Ticket:
          type: object
          properties:
            status:
              nullable: true
              oneOf:
                - $ref: '#/components/schemas/StatusEnum'
                - $ref: '#/components/schemas/BlankEnum'
                - $ref: '#/components/schemas/NullEnum'
            resolution:
              oneOf:
                - $ref: '#/components/schemas/BlankEnum'
                - $ref: '#/components/schemas/StatusEnum'
            priority:
              anyOf:
                - $ref: '#/components/schemas/PriorityEnum'
                - $ref: '#/components/schemas/BlankEnum'
    """,
)


def test_union_of_enums_gives_the_member_of_the_declaring_enum(gen) -> None:
    g = gen(ENUMS)
    assert g.ok, g.describe()
    m = g.models
    t = m.Ticket.model_validate({"status": "", "resolution": "closed", "priority": 2})
    assert type(t.status) is m.BlankEnum and t.status is m.BlankEnum("")
    assert type(t.resolution) is m.StatusEnum and t.resolution is m.StatusEnum.CLOSED
    assert type(t.priority) is m.PriorityEnum and t.priority == 2
    t2 = m.Ticket.model_validate({"status": "open", "resolution": "", "priority": ""})
    assert t2.status is m.StatusEnum.OPEN
    assert type(t2.resolution) is m.BlankEnum and type(t2.priority) is m.BlankEnum
    assert m.Ticket.model_validate({"status": None}).status is None
    # a value no enum declares: the open-enum fallback of the first enum that can hold it
    t3 = m.Ticket.model_validate({"status": "pending", "priority": 7})
    assert type(t3.status) is m.StatusEnum and t3.status.value == "pending"
    assert type(t3.priority) is m.PriorityEnum and t3.priority.value == 7


def test_union_of_enums_sends_the_values(gen) -> None:
    g = gen(ENUMS)
    m = g.models
    data = {"status": "", "resolution": "open", "priority": 3}
    rec = Recorder(200, json=data)
    got = g.client(rec).tickets.create_ticket(body=m.Ticket.model_validate(data))
    assert sent_json(rec.last) == data
    assert type(got.status) is m.BlankEnum and got.resolution is m.StatusEnum.OPEN
    body = m.Ticket(status=m.BlankEnum(""), resolution=m.StatusEnum.CLOSED, priority=None)
    g.client(rec).tickets.create_ticket(body=body)
    # priority's schema does not allow null: its None is not sent
    assert sent_json(rec.last) == {"status": "", "resolution": "closed"}
    g.client(rec).tickets.create_ticket(body=m.Ticket(status=None))
    assert sent_json(rec.last) == {"status": None}


SHAPES = spec(
    "variants_shapes",
    """
    openapi: 3.0.3
    info: {title: Shapes, version: "1"}
    paths:
      /listings:
        post:
          operationId: createListing
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  oneOf:
                    - title: Andalucia
                      type: object
                      required: [listing_id]
                      properties:
                        listing_id: {type: integer}
                        registration:
                          type: object
                          required: [permit, owner]
                          properties:
                            permit: {type: string}
                            owner: {type: string, enum: [OWNER, MANAGER]}
                    - title: Baltimore
                      type: object
                      required: [listing_id]
                      properties:
                        listing_id: {type: integer}
                        registration:
                          type: object
                          required: [permit, expires]
                          properties:
                            permit: {type: string}
                            expires: {type: string, format: date}
                    - title: Boston
                      type: object
                      required: [listing_id]
                      properties:
                        listing_id: {type: integer}
                        registration:
                          type: object
                          required: [number]
                          properties:
                            number: {type: integer}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Echo'}
    components:
      schemas:
        Echo:
          type: object
          properties:
            listing:
              oneOf:
                - $ref: '#/components/schemas/Flat'
                - $ref: '#/components/schemas/House'
        Flat:
          type: object
          properties:
            rooms: {type: integer}
            floor: {type: integer}
        House:
          type: object
          properties:
            rooms: {type: integer}
            floor: {type: string}
    """,
)


def test_union_of_look_alike_variants_accepts_every_variant(gen) -> None:
    g = gen(SHAPES)
    assert g.ok, g.describe()
    ta = pydantic.TypeAdapter(_body_type(g.pkg.Client(base_url="http://t").listings.create_listing))
    boston = {"listing_id": 1, "registration": {"number": 7}}
    baltimore = {"listing_id": 2, "registration": {"permit": "p", "expires": "2025-01-31"}}
    andalucia = {"listing_id": 3, "registration": {"permit": "p", "owner": "OWNER"}}
    got = {name: ta.validate_python(v) for name, v in (("boston", boston), ("baltimore", baltimore), ("andalucia", andalucia))}
    assert got["boston"].registration.number == 7
    assert got["baltimore"].registration.expires == datetime.date(2025, 1, 31)
    assert got["andalucia"].registration.owner == "OWNER"
    assert len({type(v) for v in got.values()}) == 3
    for value, data in zip(got.values(), (boston, baltimore, andalucia)):
        rec = Recorder(200, json={})
        g.client(rec).listings.create_listing(body=value)
        assert sent_json(rec.last) == data
    with pytest.raises(pydantic.ValidationError):
        ta.validate_python({"listing_id": 4, "registration": {"number": "x"}})


def test_union_of_look_alike_response_variants_keeps_each_typed(gen) -> None:
    g = gen(SHAPES)
    m = g.models
    assert type(m.Echo.model_validate({"listing": {"rooms": 2, "floor": "ground"}}).listing) is m.House
    assert type(m.Echo.model_validate({"listing": {"rooms": 2, "floor": 3}}).listing) is m.Flat
    data = {"listing": {"rooms": 1, "floor": "top"}}
    assert round_trip(m.Echo, data) == data


NULL_ONLY = spec(
    "variants_null_only",
    """
    openapi: 3.1.0
    info: {title: NullOnly, version: "1"}
    paths:
      /things:
        post:
          operationId: postThings
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    onlyNull:
                      type: array
                      items: {$ref: '#/components/schemas/AnEnumWithOnlyNull'}
                    nullType: {$ref: '#/components/schemas/JustNull'}
                    either:
                      anyOf:
                        - $ref: '#/components/schemas/AnEnumWithOnlyNull'
                        - $ref: '#/components/schemas/JustNull'
                    withNull:
                      type: array
                      items: {$ref: '#/components/schemas/AnEnumWithNull'}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Holder'}
    components:
      schemas:
        AnEnumWithOnlyNull:
          enum: [null]
        JustNull: {type: "null"}
        AnEnumWithNull:
          enum: [FIRST, SECOND, null]
        Holder:
          type: object
          required: [value]
          properties:
            value: {$ref: '#/components/schemas/AnEnumWithOnlyNull'}
            values:
              type: array
              items: {$ref: '#/components/schemas/AnEnumWithOnlyNull'}
    """,
)


def test_null_only_enum_types_are_valid_at_run_time(gen) -> None:
    g = gen(NULL_ONLY)
    assert g.ok, g.describe()
    m = g.models
    data = {"value": None, "values": [None, None]}
    assert round_trip(m.Holder, data) == data
    with pytest.raises(pydantic.ValidationError):
        m.Holder.model_validate({"value": "x"})
    body = {"onlyNull": [None], "nullType": None, "either": None, "withNull": ["FIRST", None]}
    rec = Recorder(200, json={"value": None})
    got = g.client(rec).things.post_things(body=body)
    assert got.value is None
    assert sent_json(rec.last) == body
    body_type = _body_type(g.pkg.Client(base_url="http://t").things.post_things)
    built = pydantic.TypeAdapter(body_type).validate_python(body)
    g.client(rec).things.post_things(body=built)
    assert sent_json(rec.last) == body


DEFAULTS = spec(
    "variants_defaults",
    """
    openapi: 3.0.3
    info: {title: Defaults, version: "1"}
    paths:
      /settings:
        post:
          operationId: saveSettings
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Settings'}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Settings'}
    components:
      schemas:
        Color: {type: string, enum: [red, green, blue]}
        Point:
          type: object
          required: [x]
          properties:
            x: {type: integer}
            color: {$ref: '#/components/schemas/Color'}
            at: {type: string, format: date}
        Settings:
          type: object
          properties:
            colors:
              type: array
              items: {$ref: '#/components/schemas/Color'}
              default: [red, blue]
            points:
              type: array
              items: {$ref: '#/components/schemas/Point'}
              default: [{x: 1, color: green, at: "2024-05-06"}]
            origin:
              allOf: [{$ref: '#/components/schemas/Point'}]
              default: {x: 0, color: red}
            byName:
              type: object
              additionalProperties: {$ref: '#/components/schemas/Color'}
              default: {a: blue}
            color:
              allOf: [{$ref: '#/components/schemas/Color'}]
              default: green
            when: {type: string, format: date-time, default: "2024-01-02T03:04:05Z"}
            day: {type: string, format: date, default: "2024-01-02"}
            days:
              type: array
              items: {type: string, format: date}
              default: ["2024-01-02"]
            tags:
              type: array
              items: {type: string}
              default: [a]
    """,
)


def test_defaults_are_typed_values(gen) -> None:
    g = gen(DEFAULTS)
    assert g.ok, g.describe()
    m = g.models
    s = m.Settings.model_validate({})
    assert s.colors == [m.Color.RED, m.Color.BLUE] and all(type(c) is m.Color for c in s.colors)
    (p,) = s.points
    assert type(p) is m.Point and p.x == 1 and p.color is m.Color.GREEN
    assert p.at == datetime.date(2024, 5, 6)
    assert type(s.origin) is m.Point and s.origin.x == 0 and s.origin.color is m.Color.RED
    assert s.by_name == {"a": m.Color.BLUE} and type(s.by_name["a"]) is m.Color
    assert s.color is m.Color.GREEN
    assert s.when == datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    assert s.day == datetime.date(2024, 1, 2)
    assert s.days == [datetime.date(2024, 1, 2)]
    assert s.tags == ["a"]
    assert not [d for d in g.diagnostics if "default" in d.message], g.describe()


def test_mutable_defaults_are_fresh_per_instance(gen) -> None:
    g = gen(DEFAULTS)
    m = g.models
    a, b = m.Settings(), m.Settings()
    a.colors.append(m.Color.GREEN)
    a.points[0].x = 99
    a.origin.x = 5
    a.by_name["b"] = m.Color.RED
    a.tags.append("b")
    assert b.colors == [m.Color.RED, m.Color.BLUE] and b.points[0].x == 1
    assert b.origin.x == 0 and b.by_name == {"a": m.Color.BLUE} and b.tags == ["a"]
    assert m.Settings().points[0] is not m.Settings().points[0]


def test_defaults_are_not_sent(gen) -> None:
    g = gen(DEFAULTS)
    m = g.models
    rec = Recorder(200, json={})
    got = g.client(rec).settings.save_settings(body=m.Settings(tags=["x"]))
    assert sent_json(rec.last) == {"tags": ["x"]}
    assert got.colors == [m.Color.RED, m.Color.BLUE]
