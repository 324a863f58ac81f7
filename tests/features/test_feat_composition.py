"""Composition: allOf merging, oneOf/anyOf with and without a discriminator, "id or expanded
object" unions and nullability (3.0 ``nullable``, 3.1 type arrays, ``{type: "null"}`` variants)."""

from __future__ import annotations

import datetime
import inspect

import pydantic
import pytest

from features_helpers import Recorder, round_trip, spec

ALLOF = spec(
    "comp_allof",
    """
    openapi: 3.0.3
    info: {title: AllOf, version: "1"}
    paths: {}
    components:
      schemas:
        Base:
          type: object
          required: [id]
          properties:
            id: {type: string}
            size: {type: integer}
            status: {type: string, enum: [new, used, broken]}
            note: {type: string}
            address:
              type: object
              properties:
                city: {type: string}
        Narrow:
          allOf:
            - $ref: '#/components/schemas/Base'
            - type: object
              required: [status]
              properties:
                status: {enum: [new]}
                note: {description: narrowed doc}
                extra: {type: boolean}
        Conflict:
          allOf:
            - $ref: '#/components/schemas/Base'
            - properties:
                size: {type: string}
        Wrapper:
          allOf:
            - $ref: '#/components/schemas/Base'
          description: just a wrapper
        Kind: {type: string, enum: [dog, cat]}
        VariantA: {type: object, required: [a], properties: {a: {type: integer}}}
        VariantB: {type: object, required: [b], properties: {b: {type: string}}}
        Combo:
          allOf:
            - $ref: '#/components/schemas/Base'
            - oneOf: [{$ref: '#/components/schemas/VariantA'}, {$ref: '#/components/schemas/VariantB'}]
        Timestamp: {type: string, format: date-time}
        Tags: {type: array, items: {type: integer}}
        Holder:
          type: object
          required: [owner]
          properties:
            owner:
              nullable: true
              allOf: [{$ref: '#/components/schemas/Base'}]
            wrapped: {$ref: '#/components/schemas/Wrapper'}
            dog: {allOf: [{$ref: '#/components/schemas/Kind'}], const: dog}
            when: {allOf: [{$ref: '#/components/schemas/Timestamp'}, {description: when it was}]}
            kind: {allOf: [{$ref: '#/components/schemas/Kind'}, {description: which kind}]}
            tags: {allOf: [{$ref: '#/components/schemas/Tags'}, {description: the tags}]}
            cat: {allOf: [{$ref: '#/components/schemas/Kind'}, {const: cat}]}
    """,
)


def test_allof_merges_properties_and_required(gen) -> None:
    g = gen(ALLOF)
    assert g.ok, g.describe()
    m = g.models
    data = {
        "id": "1",
        "size": 2,
        "status": "new",
        "note": "n",
        "extra": True,
        "address": {"city": "x"},
    }
    assert round_trip(m.Narrow, data) == data
    with pytest.raises(pydantic.ValidationError):
        m.Narrow.model_validate({"id": "1"})  # 'status' is required by the second member
    with pytest.raises(pydantic.ValidationError):
        m.Narrow.model_validate({"status": "new"})  # 'id' is required by the base
    # a narrowing member without a type keeps the base definition and applies the narrowing
    status = m.Narrow.model_fields["status"].annotation
    assert {s.value for s in status} == {"new"}
    assert m.Narrow.model_fields["note"].annotation == (str | None)
    narrow_src = g.source().split("class Narrow(", 1)[1].split("\nclass ", 1)[0]
    assert '"""narrowed doc"""' in narrow_src  # the narrowing member's description documents it


def test_allof_conflicting_property_types_are_reported(gen) -> None:
    g = gen(ALLOF)
    assert g.diags(pointer="/components/schemas/Conflict/allOf/1/properties/size") or [
        d for d in g.diagnostics if "Conflict" in d.pointer and "size" in d.message
    ], g.describe()


def test_allof_conflicting_property_keeps_the_data(gen) -> None:
    g = gen(ALLOF)
    data = {"id": "1", "size": "large"}
    assert round_trip(g.models.Conflict, data) == data


def test_allof_inherited_inline_classes_are_the_parents(gen) -> None:
    g = gen(ALLOF)
    m = g.models
    base_addr = type(m.Base.model_validate({"id": "1", "address": {}}).address)
    conflict_addr = type(m.Conflict.model_validate({"id": "1", "address": {}}).address)
    assert conflict_addr is base_addr


def test_allof_of_one_ref_is_a_wrapper(gen) -> None:
    g = gen(ALLOF)
    m = g.models
    h = m.Holder.model_validate({"owner": {"id": "7"}})
    assert type(h.owner) is m.Base  # no new class for a nullable wrapper of one $ref
    assert m.Holder.model_validate({"owner": None}).owner is None  # nullable: true on the wrapper
    with pytest.raises(pydantic.ValidationError):
        m.Holder.model_validate({})  # still required
    data = {"owner": {"id": "1"}, "wrapped": {"id": "2", "status": "used"}}
    assert round_trip(m.Holder, data) == data
    assert m.Wrapper.__doc__.strip() == "just a wrapper"


def test_allof_with_const(gen) -> None:
    g = gen(ALLOF)
    m = g.models
    assert round_trip(m.Holder, {"owner": None, "dog": "dog"}) == {"owner": None, "dog": "dog"}
    with pytest.raises(pydantic.ValidationError):
        m.Holder.model_validate({"owner": None, "dog": "cat"})


def test_allof_of_a_ref_plus_a_description_keeps_the_referenced_type(gen) -> None:
    g = gen(ALLOF)
    m = g.models
    h = m.Holder.model_validate(
        {"owner": None, "when": "2024-01-01T00:00:00Z", "kind": "cat", "tags": ["1"]}
    )
    assert isinstance(h.when, datetime.datetime)
    assert isinstance(h.kind, m.Kind)
    assert h.tags == [1]


def test_allof_member_const_is_enforced(gen) -> None:
    g = gen(ALLOF)
    with pytest.raises(pydantic.ValidationError):
        g.models.Holder.model_validate({"owner": None, "cat": "dog"})


def test_allof_with_a_oneof_member_keeps_the_data(gen) -> None:
    g = gen(ALLOF)
    data = {"id": "1", "a": 5}
    ta = pydantic.TypeAdapter(g.models.Combo)
    v = ta.validate_python(data)
    assert v.a == 5 and type(v.a) is int  # the variant's field, typed
    assert ta.dump_python(v, mode="json", by_alias=True, exclude_unset=True) == data


def test_allof_with_a_oneof_member_is_typed(gen) -> None:
    g = gen(ALLOF)
    assert not [d for d in g.diagnostics if d.pointer.startswith("/components/schemas/Combo")], g.describe()
    with pytest.raises(pydantic.ValidationError):
        pydantic.TypeAdapter(g.models.Combo).validate_python({"id": "1", "a": "not an int"})


UNIONS = spec(
    "comp_unions",
    """
    openapi: 3.0.3
    info: {title: Unions, version: "1"}
    paths: {}
    components:
      schemas:
        Dog:
          type: object
          required: [petType, bark]
          properties:
            petType: {type: string}
            bark: {type: boolean}
        Cat:
          type: object
          required: [petType]
          properties:
            petType: {type: string}
            meow: {type: integer}
        Explicit:
          oneOf: [{$ref: '#/components/schemas/Dog'}, {$ref: '#/components/schemas/Cat'}]
          discriminator:
            propertyName: petType
            mapping:
              doggo: '#/components/schemas/Dog'
              kitty: Cat
        Implicit:
          oneOf: [{$ref: '#/components/schemas/Dog'}, {$ref: '#/components/schemas/Cat'}]
          discriminator: {propertyName: petType}
        Pet:
          type: object
          required: [kind]
          properties:
            kind: {type: string}
            name: {type: string}
          discriminator:
            propertyName: kind
            mapping:
              lizard: '#/components/schemas/Lizard'
              snake: '#/components/schemas/Snake'
        Lizard:
          allOf:
            - $ref: '#/components/schemas/Pet'
            - type: object
              properties:
                legs: {type: integer}
        Snake:
          allOf:
            - $ref: '#/components/schemas/Pet'
            - type: object
              properties:
                venomous: {type: boolean}
        Reptile:
          oneOf: [{$ref: '#/components/schemas/Lizard'}, {$ref: '#/components/schemas/Snake'}]
        Circle:
          type: object
          required: [shape, radius]
          properties:
            shape: {type: string, enum: [circle]}
            radius: {type: number}
        Square:
          type: object
          required: [shape, side]
          properties:
            shape: {type: string, enum: [square]}
            side: {type: number}
        Shape:
          oneOf: [{$ref: '#/components/schemas/Circle'}, {$ref: '#/components/schemas/Square'}]
          discriminator: {propertyName: shape}
        NoDisc:
          oneOf: [{$ref: '#/components/schemas/Circle'}, {$ref: '#/components/schemas/Square'}]
        AnyPet:
          anyOf: [{$ref: '#/components/schemas/Dog'}, {$ref: '#/components/schemas/Cat'}]
        Customer:
          type: object
          required: [id]
          properties:
            id: {type: string}
            email: {type: string}
        Charge:
          type: object
          required: [customer, maybe]
          properties:
            customer:
              anyOf:
                - {type: string, maxLength: 5000}
                - {$ref: '#/components/schemas/Customer'}
            maybe: {type: string, nullable: true}
            owner: {$ref: '#/components/schemas/Customer'}
            shape: {$ref: '#/components/schemas/Shape'}
            reptile: {$ref: '#/components/schemas/Reptile'}
            pet: {$ref: '#/components/schemas/Pet'}
            nodisc: {$ref: '#/components/schemas/NoDisc'}
            scalar: {oneOf: [{type: string}, {type: integer}, {type: boolean}]}
            nullableRef:
              nullable: true
              allOf: [{$ref: '#/components/schemas/Customer'}]
    """,
)


def _adapter(t):
    return pydantic.TypeAdapter(t)


def test_discriminator_with_explicit_mapping_keys_unlike_schema_names(gen) -> None:
    g = gen(UNIONS)
    assert g.ok, g.describe()
    m = g.models
    ta = _adapter(m.Explicit)
    assert type(ta.validate_python({"petType": "doggo", "bark": True})) is m.Dog
    assert type(ta.validate_python({"petType": "kitty"})) is m.Cat
    data = {"petType": "kitty", "meow": 3}
    assert (
        ta.dump_python(ta.validate_python(data), mode="json", by_alias=True, exclude_unset=True)
        == data
    )


def test_discriminator_implicit_schema_names(gen) -> None:
    g = gen(UNIONS)
    m = g.models
    ta = _adapter(m.Implicit)
    assert type(ta.validate_python({"petType": "Dog", "bark": False})) is m.Dog
    assert type(ta.validate_python({"petType": "Cat"})) is m.Cat


def test_discriminator_from_single_value_enums_and_unknown_values_keep_data(gen) -> None:
    g = gen(UNIONS)
    m = g.models
    ta = _adapter(m.Shape)
    assert type(ta.validate_python({"shape": "square", "side": 2})) is m.Square
    assert type(ta.validate_python({"shape": "circle", "radius": 1})) is m.Circle
    future = {"shape": "triangle", "sides": [1, 2, 3]}
    v = ta.validate_python(future)
    assert type(v).__name__ == "UnknownVariant"
    assert v.model_dump(mode="json", by_alias=True, exclude_unset=True) == future
    # inside a model
    data = {"customer": "cus_1", "maybe": None, "shape": future}
    assert round_trip(m.Charge, data) == data


def test_discriminator_inherited_through_allof(gen) -> None:
    g = gen(UNIONS)
    m = g.models
    ta = _adapter(m.Reptile)
    assert type(ta.validate_python({"kind": "snake", "name": "sid"})) is m.Snake
    assert type(ta.validate_python({"kind": "lizard", "name": "liz"})) is m.Lizard


def test_base_schema_with_discriminator_mapping_parses_subtypes(gen) -> None:
    g = gen(UNIONS)
    m = g.models
    c = m.Charge.model_validate(
        {"customer": "c", "maybe": None, "pet": {"kind": "snake", "venomous": True}}
    )
    assert type(c.pet) is m.Snake
    # a value the mapping does not list parses into the base schema, keeping its fields
    other = m.Charge.model_validate({"customer": "c", "maybe": None, "pet": {"kind": "turtle", "shell": 1}})
    assert type(other.pet) is m.Pet and other.pet.model_extra == {"shell": 1}
    assert round_trip(m.Pet, {"kind": "snake", "name": "s"}) == {"kind": "snake", "name": "s"}


def test_base_schema_with_discriminator_keeps_subtype_data(gen) -> None:
    g = gen(UNIONS)
    data = {"customer": "c", "maybe": None, "pet": {"kind": "snake", "venomous": True}}
    assert round_trip(g.models.Charge, data) == data


def test_union_without_discriminator_picks_the_matching_variant(gen) -> None:
    g = gen(UNIONS)
    m = g.models
    ta = _adapter(m.NoDisc)
    assert type(ta.validate_python({"shape": "square", "side": 1})) is m.Square
    assert type(ta.validate_python({"shape": "circle", "radius": 1})) is m.Circle
    any_pet = _adapter(m.AnyPet)
    assert type(any_pet.validate_python({"petType": "x", "meow": 1})) is m.Cat
    assert type(any_pet.validate_python({"petType": "x", "bark": True})) is m.Dog


def test_union_without_discriminator_keeps_extra_fields(gen) -> None:
    g = gen(UNIONS)
    m = g.models
    data = {"shape": "circle", "radius": 1.5, "color": "red", "nested": {"a": [1]}}
    v = _adapter(m.NoDisc).validate_python(data)
    assert type(v) is m.Circle
    assert v.model_dump(mode="json", by_alias=True, exclude_unset=True) == data
    both = {"petType": "x", "bark": True, "meow": 2}
    assert round_trip(m.Charge, {"customer": "c", "maybe": None, "nodisc": data}) == {
        "customer": "c",
        "maybe": None,
        "nodisc": data,
    }
    v2 = _adapter(m.AnyPet).validate_python(both)
    assert v2.model_dump(mode="json", by_alias=True, exclude_unset=True) == both


def test_scalar_union_keeps_the_json_type(gen) -> None:
    g = gen(UNIONS)
    for value in ("1", 1, True, "true"):
        data = {"customer": "c", "maybe": None, "scalar": value}
        out = round_trip(g.models.Charge, data)
        assert out == data and type(out["scalar"]) is type(value)


def test_id_or_expanded_object(gen) -> None:
    g = gen(UNIONS)
    m = g.models
    c = m.Charge.model_validate({"customer": "cus_123", "maybe": None})
    assert c.customer == "cus_123"
    expanded = {"customer": {"id": "cus_123", "email": "a@b.c", "livemode": False}, "maybe": "x"}
    c2 = m.Charge.model_validate(expanded)
    assert type(c2.customer) is m.Customer and c2.customer.email == "a@b.c"
    assert round_trip(m.Charge, expanded) == expanded


def test_30_nullable(gen) -> None:
    g = gen(UNIONS)
    m = g.models
    assert m.Charge.model_validate({"customer": "c", "maybe": None}).maybe is None
    with pytest.raises(pydantic.ValidationError):
        m.Charge.model_validate({"customer": "c"})  # nullable but still required
    with pytest.raises(pydantic.ValidationError):
        m.Charge.model_validate({"customer": None, "maybe": None})  # not nullable
    assert round_trip(m.Charge, {"customer": "c", "maybe": None, "nullableRef": None}) == {
        "customer": "c",
        "maybe": None,
        "nullableRef": None,
    }


UNIONS31 = spec(
    "comp_unions_31",
    """
    openapi: 3.1.0
    info: {title: Unions31, version: "1"}
    paths: {}
    components:
      schemas:
        Dog:
          type: object
          required: [kind]
          properties:
            kind: {const: dog}
            bark: {type: boolean}
        Cat:
          type: object
          required: [kind]
          properties:
            kind: {const: cat}
            meow: {type: integer}
        Pet:
          oneOf:
            - {$ref: '#/components/schemas/Dog'}
            - {$ref: '#/components/schemas/Cat'}
            - {type: 'null'}
          discriminator: {propertyName: kind}
        Holder:
          type: object
          required: [pet, name, count, either]
          properties:
            pet: {$ref: '#/components/schemas/Pet'}
            name: {type: [string, 'null']}
            count: {type: [integer, string]}
            either:
              oneOf: [{$ref: '#/components/schemas/Dog'}, {type: 'null'}]
            opt: {anyOf: [{type: string}, {type: 'null'}]}
    """,
)


def test_31_const_discriminator_values_and_null_variants(gen) -> None:
    g = gen(UNIONS31)
    assert g.ok, g.describe()
    m = g.models
    base = {"name": None, "count": 1, "either": None}
    h = m.Holder.model_validate({**base, "pet": {"kind": "cat", "meow": 1}})
    assert type(h.pet) is m.Cat
    assert type(m.Holder.model_validate({**base, "pet": {"kind": "dog"}}).pet) is m.Dog
    assert m.Holder.model_validate({**base, "pet": None}).pet is None
    with pytest.raises(pydantic.ValidationError):
        m.Holder.model_validate({"name": None, "count": 1, "either": None})  # pet required
    for data in (
        {**base, "pet": None},
        {**base, "pet": {"kind": "dog", "bark": True}, "either": {"kind": "dog"}},
        {"pet": None, "name": "n", "count": "7", "either": None, "opt": None},
    ):
        assert round_trip(m.Holder, data) == data


def test_31_type_arrays(gen) -> None:
    g = gen(UNIONS31)
    m = g.models
    h = m.Holder.model_validate({"pet": None, "name": None, "count": "12", "either": None})
    assert h.count == "12"  # a string stays a string in an integer|string union
    assert (
        m.Holder.model_validate({"pet": None, "name": "x", "count": 12, "either": None}).count == 12
    )
    with pytest.raises(pydantic.ValidationError):
        m.Holder.model_validate({"pet": None, "name": None, "count": None, "either": None})


INLINE_COPIES = spec(
    "inline_copies",
    """
    openapi: 3.1.0
    info: {title: Copies, version: "1"}
    paths:
      /a:
        get:
          operationId: getA
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {type: object, properties: {x: {type: string}}}
      /b:
        get:
          operationId: getB
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {type: object, properties: {x: {type: string}}}
            "201":
              description: created
              content:
                application/json:
                  schema: {type: object, properties: {x: {type: string}}}
      /c:
        put:
          operationId: putC
          requestBody:
            content:
              application/json:
                schema: {type: object, properties: {x: {type: string}}}
          responses:
            "204": {description: ok}
    components:
      schemas:
        Push:
          type: object
          properties:
            sender: {type: object, properties: {login: {type: string}, kind: {type: string, enum: [User, Bot]}}}
        Pull:
          type: object
          properties:
            sender: {type: object, properties: {login: {type: string}, kind: {type: string, enum: [User, Bot]}}}
            other: {type: object, properties: {login: {type: integer}}}
    """,
)


def test_identical_inline_schemas_share_one_class(gen) -> None:
    """An inline schema written again elsewhere with the same content is one class when the names
    of its uses end alike; the class is named by what they have in common (``PushSender`` and
    ``PullSender`` share ``Sender``, its enum is ``SenderKind``) and each use's name is an alias
    of it (GitHub's webhook payloads repeat whole objects). A schema that differs (``other``:
    login is an integer) keeps its own class."""
    g = gen(INLINE_COPIES)
    m = g.models
    assert m.PullSender is m.PushSender is m.Sender
    assert m.PullOther is not m.Sender
    pull = m.Pull.model_validate({"sender": {"login": "a", "kind": "Bot"}, "other": {"login": 1}})
    assert type(pull.sender) is m.Sender and pull.sender.kind == m.SenderKind.BOT
    assert not hasattr(m, "PushSenderKind") and not hasattr(m, "PullSenderKind")
    assert round_trip(m.Pull, {"sender": {"login": "a", "kind": "Robot"}}) == {
        "sender": {"login": "a", "kind": "Robot"}
    }
    source = g.source("models.py")
    assert source.count("class Sender(") == 1 and "class PushSender(" not in source and "class PullSender(" not in source
    assert "PullSender: TypeAlias = Sender" in source and "PushSender: TypeAlias = Sender" in source
    assert "sender: PushSender | None" in source and "sender: PullSender | None" in source


def test_a_shared_class_is_never_named_after_another_use(gen) -> None:
    """Two operations returning the same inline object share ``GetResponse``; each method's
    signature names its own use (``GetBResponse``). A request body of the same content is its own
    class (a body is not a response); the two responses of one operation are one name."""
    g = gen(INLINE_COPIES)
    m = g.models
    rec = Recorder(200, json={"x": "1"})
    client = g.client(rec)
    got = client.b.get_b()
    assert type(got).__name__ == "GetResponse" and got.x == "1"
    assert type(client.a.get_a()) is m.GetResponse is m.GetAResponse is m.GetBResponse
    assert inspect.signature(client.b.get_b).return_annotation == "GetBResponse"
    assert inspect.signature(client.a.get_a).return_annotation == "GetAResponse"
    assert m.PutCBody is not m.GetResponse and m.PutCBody.__name__ == "PutCBody"
    assert not hasattr(m, "GetBResponse2")
    assert {"GetResponse", "GetAResponse", "GetBResponse", "PutCBody"} <= set(dir(m))
