"""JSON values written as Python: ``Literal[...]`` types from ``const``/``enum`` values, and the
defaults of model fields, built as values of the field's type (enum members by name, scalars,
dates and times, models, lists and dicts of them; mutable ones made afresh for each instance).

A value that does not fit its field's Python type is no default at all (the caller warns).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from ..ir.model import (
    ANY,
    NONE,
    Definition,
    DictOf,
    EnumDef,
    ListOf,
    LiteralOf,
    Named,
    Prim,
    TupleOf,
    TypeExpr,
    UnionOf,
)
from ..render.text import py_literal, py_str


def literal_type(values: list[Any]) -> TypeExpr:
    """``Literal[...]`` of the JSON ``values`` of a ``const`` or an ``enum`` (``None`` dropped;
    ``None`` itself when nothing else is left); ``int`` for an integer beyond 64 bits; ``Any``
    when a value is neither a string, an integer nor a boolean."""
    lits = []
    for v in values:
        if v is None:
            continue
        if isinstance(v, int) and not isinstance(v, bool) and not -(2**63) <= v < 2**63:
            return Prim("int")  # type checkers refuse integer literals this large
        if isinstance(v, (str, int, bool)):
            lits.append(py_literal(v))
        else:
            return ANY
    if not lits:
        return Prim("None")
    return LiteralOf(tuple(dict.fromkeys(lits)))


def fixed_value(t: TypeExpr, definition: Callable[[str], Definition | None]) -> str | None:
    """The Python expression of the only value ``t`` allows: the value of a one-value ``Literal``
    (``const``, ``enum: [x]``) or the member of a one-member enum (by the enum's own class name,
    never an alias of it, which the models module defines last); ``None`` when ``t`` allows more
    (or ``None`` itself). ``definition`` gives the class behind a name (through aliases of it)."""
    if isinstance(t, LiteralOf):
        return t.values[0] if len(t.values) == 1 else None
    if not isinstance(t, Named):
        return None
    d = definition(t.name)
    if isinstance(d, EnumDef) and len(d.members) == 1:
        return f"{d.name}.{d.members[0].name}"
    return None


def _is_literal(v: Any) -> bool:
    return isinstance(v, (str, int, float, bool)) or v is None


def is_json(v: Any, depth: int = 0) -> bool:
    """True for JSON data (scalars, lists, string-keyed dicts) that py_literal can write."""
    if _is_literal(v):
        return True
    if depth > 20:
        return False
    if isinstance(v, list):
        return all(is_json(x, depth + 1) for x in v)
    return isinstance(v, dict) and all(isinstance(k, str) and is_json(x, depth + 1) for k, x in v.items())


@dataclass(frozen=True)
class ModelShape:
    """What a default needs to know of a model class: its fields by JSON name (Python name,
    type, required) and whether it takes other properties (``closed`` when it does not)."""

    fields: dict[str, tuple[str, TypeExpr, bool]]
    closed: bool = False


@dataclass
class Known:
    """The generated types a default may be built from: definitions by name (enum members),
    model shapes and the type expressions of aliases."""

    defs: dict[str, Definition]
    models: dict[str, ModelShape] = field(default_factory=dict)
    aliases: dict[str, TypeExpr] = field(default_factory=dict)
    #: the class a name in a type hint stands for (a schema's use of its class, an alias of a
    #: shared class: see ``ClassNamesMixin.class_of``)
    resolve: Callable[[str], str] = lambda name: name


def field_default(value: Any, t: TypeExpr, known: Known) -> str:
    """The right-hand side of a field of type ``t`` with the JSON default ``value``.

    Immutable values are written as they are (``3``, ``Color.RED``,
    ``datetime.date(2024, 1, 2)``); lists, dicts and models are built afresh for each instance
    (``Field(default_factory=lambda: [Color.RED, Point(x=0)])``), their items typed.
    ``"None"`` when ``value`` does not fit ``t``.
    """
    built = _build(value, t, known, 0)
    if built is None:
        return "None"
    expr, mutable = built
    return f"Field(default_factory=lambda: {expr})" if mutable else expr


_SCALARS: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool}


def _build(value: Any, t: TypeExpr, known: Known, depth: int) -> tuple[str, bool] | None:
    """``(Python expression, mutable)`` building the JSON ``value`` as a value of type ``t``,
    or None when it does not fit."""
    if depth > 32:
        return None
    if t == ANY:
        return (py_literal(value), isinstance(value, (list, dict))) if is_json(value) else None
    if t == NONE:
        return ("None", False) if value is None else None
    if isinstance(t, Prim):
        return _scalar(value, t.name)
    if isinstance(t, LiteralOf):
        return (py_literal(value), False) if _is_literal(value) and py_literal(value) in t.values else None
    if isinstance(t, Named):
        return _named(value, t.name, known, depth)
    if isinstance(t, ListOf):
        if not isinstance(value, list):
            return None
        items = [_build(v, t.item, known, depth + 1) for v in value]
        if any(i is None for i in items):
            return None
        return "[" + ", ".join(i[0] for i in items if i) + "]", True
    if isinstance(t, DictOf):
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            return None
        entries = {k: _build(v, t.value, known, depth + 1) for k, v in value.items()}
        if any(e is None for e in entries.values()):
            return None
        return "{" + ", ".join(f"{py_str(k)}: {e[0]}" for k, e in entries.items() if e) + "}", True
    if isinstance(t, TupleOf):
        if not isinstance(value, list) or len(value) != len(t.items):
            return None
        parts = [_build(v, i, known, depth + 1) for v, i in zip(value, t.items)]
        if any(p is None for p in parts):
            return None
        inner = ", ".join(p[0] for p in parts if p)
        return (f"({inner},)" if len(parts) == 1 else f"({inner})"), any(p[1] for p in parts if p)
    if isinstance(t, UnionOf):
        if value is None:
            return ("None", False) if NONE in t.variants else None
        for v in t.variants:
            if v in (NONE, Named("UnknownVariant")):
                continue
            built = _build(value, v, known, depth + 1)
            if built is not None:
                return built
    return None


def _scalar(value: Any, name: str) -> tuple[str, bool] | None:
    """A default for a primitive (or library) type ``name``: scalars, dates and times, UUIDs,
    decimals."""
    if name in _SCALARS:
        py = _SCALARS[name]
        if isinstance(value, bool) and py is not bool:
            return None
        if isinstance(value, py):
            return py_literal(value), False
        if py is float and isinstance(value, int):
            return py_literal(float(value)), False
        return None
    if not isinstance(value, str):
        if name == "JsonDecimal" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"decimal.Decimal({py_str(repr(value))})", False
        return None
    try:
        if name == "datetime.date":
            d = datetime.date.fromisoformat(value)
            return f"datetime.date({d.year}, {d.month}, {d.day})", False
        if name == "datetime.datetime":
            # the same text pydantic would accept; a date-time keeps its offset (Z -> +00:00)
            datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return f"datetime.datetime.fromisoformat({py_str(value.replace('Z', '+00:00'))})", False
        if name == "datetime.time":
            datetime.time.fromisoformat(value.replace("Z", "+00:00"))
            return f"datetime.time.fromisoformat({py_str(value.replace('Z', '+00:00'))})", False
        if name == "uuid.UUID":
            return f"uuid.UUID({py_str(str(uuid.UUID(value)))})", False
    except ValueError:
        return None
    return None


def _named(value: Any, name: str, known: Known, depth: int) -> tuple[str, bool] | None:
    """A default for a generated class or alias: an enum member, a model built field by field,
    or the aliased type's default."""
    if name not in known.defs and name not in known.aliases and name not in known.models:
        name = known.resolve(name)
    d = known.defs.get(name)
    if isinstance(d, EnumDef):
        if not _is_literal(value):
            return None
        for m in d.members:
            if m.value == py_literal(value):
                return f"{d.name}.{m.name}", False
        return None
    if name in known.aliases:
        return _build(value, known.aliases[name], known, depth + 1)
    shape = known.models.get(name)
    if shape is None or not isinstance(value, dict):
        return None
    args: list[str] = []
    extra: dict[str, Any] = {}
    for jname, v in value.items():
        if not isinstance(jname, str):
            return None
        if jname not in shape.fields:
            if shape.closed or not is_json(v):
                return None
            extra[jname] = v
            continue
        py, ft, _ = shape.fields[jname]
        built = _build(v, ft, known, depth + 1)
        if built is None:
            return None
        args.append(f"{py}={built[0]}")
    if any(req and jname not in value for jname, (_, _, req) in shape.fields.items()):
        return None
    if extra:
        args.append(f"**{py_literal(extra)}")
    return f"{name}({', '.join(args)})", True
