"""Schema building (generator/normalize/: schemas.py and the modules its SchemaBuilder is made of):
composition, unions, nullability, enums, maps.

Each test checks the IR, and where it matters the behaviour of the generated pydantic models.
"""

from __future__ import annotations

import ast
import sys
from typing import Any

import pydantic
import pytest

from generator.diagnostics import Level
from generator.ir.model import AliasDef, EnumDef, ModelDef


def doc(schemas: dict[str, Any], version: str = "3.1.0") -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "Schemas", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "operationId": "getX",
                    "responses": {"204": {"description": "none"}},
                }
            }
        },
        "components": {"schemas": schemas},
    }


def defs_of(api: Any) -> dict[str, Any]:
    return {d.name: d for d in api.definitions}


def norm(expr: str) -> str:
    """A Python expression in a canonical spelling (quote style and spacing do not matter)."""
    return ast.unparse(ast.parse(expr, mode="eval"))


def fields_of(model: ModelDef) -> dict[str, tuple[str, str, bool]]:
    return {f.json_name: (f.py_name, norm(f.hint), f.required) for f in model.fields}


def calls_in(expr: str, func: str) -> list[list[Any]]:
    """The literal arguments of every call to ``func`` inside the expression ``expr``, in the
    order they are written."""
    calls = [
        node
        for node in ast.walk(ast.parse(expr, mode="eval"))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == func
    ]
    calls.sort(key=lambda node: (node.lineno, node.col_offset))
    return [[ast.literal_eval(a) for a in node.args] for node in calls]


def models_of(pkg: Any) -> Any:
    return sys.modules[f"{pkg.__name__}.models"]


PETS: dict[str, Any] = {
    "Kind": {"type": "string", "enum": ["cat", "dog", "bird"]},
    "Base": {
        "type": "object",
        "required": ["id", "kind"],
        "properties": {
            "id": {"type": "string"},
            "kind": {"$ref": "#/components/schemas/Kind"},
            "color": {"type": "string", "enum": ["red", "green"]},
        },
    },
    # narrowing without a type: merged over the base property (const replaces the enum)
    "Cat": {
        "allOf": [
            {"$ref": "#/components/schemas/Base"},
            {
                "type": "object",
                "required": ["lives"],
                "properties": {
                    "kind": {"const": "cat"},
                    "lives": {"type": "integer"},
                    "color": {"const": "red"},
                },
            },
        ]
    },
    # a full redefinition with a type: replaces the base property
    "Dog": {
        "allOf": [
            {"$ref": "#/components/schemas/Base"},
            {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "const": "dog"},
                    "bark": {"type": "boolean"},
                },
            },
        ]
    },
    "Pet": {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {
            "propertyName": "kind",
            "mapping": {"cat": "#/components/schemas/Cat", "dog": "Dog"},
        },
    },
    "Circle": {
        "type": "object",
        "required": ["radius"],
        "properties": {"radius": {"type": "number"}},
    },
    "Square": {"type": "object", "required": ["side"], "properties": {"side": {"type": "number"}}},
    "Shape": {
        "oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Square"}]
    },
    "Scalar": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
}


# --- allOf ---------------------------------------------------------------------------------------


def test_all_of_merges_properties_and_required(build_ir) -> None:
    api, sink = build_ir(doc(PETS))
    assert api is not None, [d.render() for d in sink.items]
    d = defs_of(api)
    assert isinstance(d["Cat"], ModelDef)
    assert fields_of(d["Cat"]) == {
        "id": ("id", "str", True),
        "kind": ("kind", norm("Literal['cat']"), True),
        "color": ("color", norm("Literal['red'] | None"), False),
        "lives": ("lives", "int", True),
    }
    assert [f.json_name for f in d["Dog"].fields] == ["id", "kind", "color", "bark"]  # base first
    assert fields_of(d["Dog"])["kind"] == ("kind", norm("Literal['dog']"), True)
    assert fields_of(d["Dog"])["bark"] == ("bark", "bool | None", False)


def test_all_of_const_over_an_enum_property_behaves(generate_package) -> None:
    m = models_of(generate_package(doc(PETS)))
    cat = m.Cat.model_validate({"id": "1", "kind": "cat", "lives": 9, "color": "red"})
    assert (cat.kind, cat.lives, cat.color) == ("cat", 9, "red")
    with pytest.raises(pydantic.ValidationError):
        m.Cat.model_validate({"id": "1", "kind": "dog", "lives": 9})
    with pytest.raises(pydantic.ValidationError):
        m.Cat.model_validate({"id": "1", "kind": "cat", "lives": 9, "color": "green"})
    assert m.Base.model_validate({"id": "1", "kind": "bird"}).kind is m.Kind.BIRD


def test_all_of_with_a_single_ref_is_the_ref(build_ir) -> None:
    schemas = {
        "A": {"type": "object", "properties": {"x": {"type": "string"}}},
        "B": {
            "type": "object",
            "properties": {
                "a": {"allOf": [{"$ref": "#/components/schemas/A"}], "description": "an A"}
            },
        },
    }
    api, _ = build_ir(doc(schemas))
    assert fields_of(defs_of(api)["B"])["a"] == ("a", "A | None", False)


def test_inline_enum_inherited_through_all_of_is_one_class(build_ir) -> None:
    api, _ = build_ir(doc(PETS))
    d = defs_of(api)
    assert fields_of(d["Dog"])["color"][1] == fields_of(d["Base"])["color"][1] == "BaseColor | None"
    assert "DogColor" not in d


# --- oneOf / anyOf -------------------------------------------------------------------------------


def test_one_of_with_discriminator_mapping(build_ir) -> None:
    api, _ = build_ir(doc(PETS))
    pet = defs_of(api)["Pet"]
    assert isinstance(pet, AliasDef)
    assert calls_in(pet.hint, "discriminate") == [["kind", {"cat": "Cat", "dog": "Dog"}]]
    assert calls_in(pet.hint, "Tag") == [["Cat"], ["Dog"], ["UnknownVariant"]]


def test_discriminated_union_picks_the_variant(generate_package) -> None:
    m = models_of(generate_package(doc(PETS)))
    ta = pydantic.TypeAdapter(m.Pet)
    assert type(ta.validate_python({"id": "1", "kind": "dog", "bark": True})) is m.Dog
    assert type(ta.validate_python({"id": "1", "kind": "cat", "lives": 9})) is m.Cat
    unknown = ta.validate_python({"id": "1", "kind": "fish", "fins": 2})
    assert type(unknown).__name__ == "UnknownVariant"
    assert unknown.model_dump() == {"id": "1", "kind": "fish", "fins": 2}
    # a model instance selects its own class
    assert type(ta.validate_python(m.Dog(id="2", kind="dog"))) is m.Dog


def test_discriminator_without_mapping_uses_const_values(build_ir) -> None:
    schemas = dict(PETS)
    schemas["Pet"] = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind"},
    }
    api, _ = build_ir(doc(schemas))
    assert calls_in(defs_of(api)["Pet"].hint, "discriminate") == [
        ["kind", {"cat": "Cat", "dog": "Dog"}]
    ]


def test_one_of_without_discriminator_matches_the_shape(build_ir, generate_package) -> None:
    api, _ = build_ir(doc(PETS))
    shape = defs_of(api)["Shape"]
    assert calls_in(shape.hint, "match_shape") == [
        [[("Circle", ("radius",), ("radius",), False), ("Square", ("side",), ("side",), False)]]
    ]
    assert not calls_in(shape.hint, "discriminate")
    assert norm(defs_of(api)["Scalar"].hint) == "str | int"
    m = models_of(generate_package(doc(PETS)))
    ta = pydantic.TypeAdapter(m.Shape)
    assert type(ta.validate_python({"side": 2})) is m.Square
    assert type(ta.validate_python({"radius": 1.5})) is m.Circle
    assert pydantic.TypeAdapter(m.Scalar).validate_python(3) == 3


# --- nullable ------------------------------------------------------------------------------------


NULLABLE_30 = {
    "N": {
        "type": "object",
        "required": ["req"],
        "properties": {
            "req": {"type": "string", "format": "date-time", "nullable": True},
            "a": {"type": "string", "nullable": True},
            "e": {"type": "string", "enum": ["x", "y", None], "nullable": True},
        },
    }
}
NULLABLE_31 = {
    "C": {"type": "object", "properties": {"r": {"type": "number"}}},
    "N": {
        "type": "object",
        "required": ["req"],
        "properties": {
            "req": {"type": ["string", "null"], "format": "date-time"},
            "a": {"type": ["string", "null"]},
            "b": {"oneOf": [{"$ref": "#/components/schemas/C"}, {"type": "null"}]},
            "c": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            "e": {"type": ["string", "null"], "enum": ["x", "y", None]},
        },
    },
}


@pytest.mark.parametrize(("version", "schemas"), [("3.0.3", NULLABLE_30), ("3.1.0", NULLABLE_31)])
def test_nullable_forms(build_ir, version: str, schemas: dict[str, Any]) -> None:
    api, sink = build_ir(doc(schemas, version))
    assert api is not None
    assert not [d for d in sink.items if d.level >= Level.WARNING], [d.render() for d in sink.items]
    f = fields_of(defs_of(api)["N"])
    # required and nullable: must be sent, may be null
    assert f["req"] == ("req", "datetime.datetime | None", True)
    assert f["a"] == ("a", "str | None", False)
    assert f["e"][1] == "NE | None"
    assert [ast.literal_eval(m.value) for m in defs_of(api)["NE"].members] == ["x", "y"]
    if version == "3.1.0":
        assert f["b"] == ("b", "C | None", False)
        assert f["c"] == ("c", "int | None", False)


def test_required_nullable_field_accepts_null_but_not_absence(generate_package) -> None:
    m = models_of(generate_package(doc(NULLABLE_31)))
    assert m.N.model_validate({"req": None}).req is None
    with pytest.raises(pydantic.ValidationError):
        m.N.model_validate({})


def test_nullable_keyword_in_3_1_is_honoured_with_one_warning(build_ir) -> None:
    schemas = {
        "N": {
            "type": "object",
            "properties": {
                "a": {"type": "string", "nullable": True},
                "b": {"type": "integer", "nullable": True},
            },
        }
    }
    api, sink = build_ir(doc(schemas, "3.1.0"))
    assert api is not None
    f = fields_of(defs_of(api)["N"])
    assert f["a"][1] == "str | None" and f["b"][1] == "int | None"
    warnings = [d for d in sink.items if d.level == Level.WARNING]
    assert len(warnings) == 1
    assert warnings[0].pointer == "/components/schemas/N/properties/a/nullable"
    assert "'nullable: true' is not part of OpenAPI 3.1" in warnings[0].message


# --- enums ---------------------------------------------------------------------------------------


ENUMS = {
    "Color": {"type": "string", "enum": ["red", "dark-blue", "A B", "1st", "", "name", "class"]},
    "Level": {"type": "integer", "enum": [1, 2, 10]},
    "Mixed": {"enum": ["a", 1, True]},
    "Holder": {
        "type": "object",
        "properties": {
            "color": {"$ref": "#/components/schemas/Color"},
            "level": {"$ref": "#/components/schemas/Level"},
            "mode": {"type": "string", "enum": ["fast", "slow"], "default": "slow"},
        },
    },
}


def test_enums_in_the_ir(build_ir) -> None:
    api, _ = build_ir(doc(ENUMS))
    d = defs_of(api)
    assert isinstance(d["Color"], EnumDef) and d["Color"].base == "str"
    assert [(m.name, ast.literal_eval(m.value)) for m in d["Color"].members] == [
        ("RED", "red"),
        ("DARK_BLUE", "dark-blue"),
        ("A_B", "A B"),
        ("VALUE_1ST", "1st"),
        ("EMPTY", ""),
        ("NAME", "name"),
        ("CLASS", "class"),
    ]
    assert isinstance(d["Level"], EnumDef) and d["Level"].base == "int"
    assert [m.name for m in d["Level"].members] == ["VALUE_1", "VALUE_2", "VALUE_10"]
    assert norm(d["Mixed"].hint) == norm("Literal['a', 1, True]")
    holder = {f.json_name: f for f in d["Holder"].fields}
    assert (
        holder["mode"].hint == "HolderMode | None" and holder["mode"].default == "HolderMode.SLOW"
    )


def test_enums_are_open(generate_package) -> None:
    m = models_of(generate_package(doc(ENUMS)))
    assert m.Color("dark-blue") is m.Color.DARK_BLUE
    assert m.Color.DARK_BLUE == "dark-blue"
    h = m.Holder.model_validate({"color": "ultraviolet", "level": 99})
    assert h.color == "ultraviolet" and h.color.value == "ultraviolet"
    assert h.level == 99
    assert h.mode is m.HolderMode.SLOW  # the spec's default
    assert h.model_dump(mode="json", by_alias=True, exclude_unset=True) == {
        "color": "ultraviolet",
        "level": 99,
    }
    with pytest.raises(pydantic.ValidationError):
        m.Holder.model_validate({"mode": 3})


# --- additionalProperties ------------------------------------------------------------------------


MAPS = {
    "Circle": {
        "type": "object",
        "required": ["radius"],
        "properties": {"radius": {"type": "number"}},
    },
    "Open": {"type": "object", "additionalProperties": True},
    "Bare": {"type": "object"},
    "Closed": {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "additionalProperties": False,
    },
    "Empty": {"type": "object", "additionalProperties": False},
    "Typed": {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "additionalProperties": {"type": "integer"},
    },
    "MapOnly": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Circle"}},
    "Default": {"type": "object", "properties": {"a": {"type": "string"}}},
}


def test_additional_properties_in_the_ir(build_ir) -> None:
    api, _ = build_ir(doc(MAPS))
    d = defs_of(api)
    assert norm(d["Open"].hint) == "dict[str, Any]"
    assert norm(d["Bare"].hint) == "dict[str, Any]"
    assert norm(d["MapOnly"].hint) == "dict[str, Circle]"
    assert (d["Closed"].extra, d["Closed"].extra_hint) == ("forbid", None)
    assert (
        isinstance(d["Empty"], ModelDef)
        and d["Empty"].extra == "forbid"
        and d["Empty"].fields == []
    )
    assert (d["Typed"].extra, d["Typed"].extra_hint) == ("allow", "int")
    assert (d["Default"].extra, d["Default"].extra_hint) == ("allow", None)


def test_additional_properties_behave(generate_package) -> None:
    m = models_of(generate_package(doc(MAPS)))
    with pytest.raises(pydantic.ValidationError):
        m.Closed.model_validate({"a": "x", "b": 1})
    with pytest.raises(pydantic.ValidationError):
        m.Empty.model_validate({"x": 1})
    assert m.Empty.model_validate({}).model_dump() == {}
    typed = m.Typed.model_validate({"a": "x", "n": "5"})
    assert typed.model_extra == {"n": 5}
    with pytest.raises(pydantic.ValidationError):
        m.Typed.model_validate({"a": "x", "n": "five"})
    kept = m.Default.model_validate({"a": "x", "future": {"nested": [1]}})
    assert kept.model_dump(by_alias=True) == {"a": "x", "future": {"nested": [1]}}
    circles = pydantic.TypeAdapter(m.MapOnly).validate_python({"c1": {"radius": 1}})
    assert type(circles["c1"]) is m.Circle
