"""JSON values written as Python: ``Literal[...]`` types from ``const``/``enum`` values, and the
defaults of model fields (enum members by name, scalars, dates, lists and dicts of scalars).

A value that does not fit its field's Python type is no default at all (the caller warns).
"""

from __future__ import annotations

import datetime
from typing import Any, Callable

from ..ir.model import ANY, Definition, DictOf, EnumDef, ListOf, LiteralOf, Named, Prim, TypeExpr, UnionOf
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


def default_expr(value: Any, t: TypeExpr, definition: Callable[[str], Definition | None]) -> str:
    """A Python default for a field of type ``t`` (enum members by name, else a literal).

    ``value`` is JSON data (see :func:`is_json`); ``definition`` gives the definition built so
    far behind a name (an enum's members by value). ``"None"`` when ``value`` does not fit ``t``.
    """
    inner = t.variants[0] if isinstance(t, UnionOf) and not t.selector else t
    if isinstance(inner, Named):
        d = definition(inner.name)
        if isinstance(d, EnumDef):
            for m in d.members:
                if m.value == py_literal(value):
                    return f"{d.name}.{m.name}"
        return "None"
    if isinstance(inner, Prim) and inner.name in ("str", "int", "float", "bool"):
        py = {"str": str, "int": int, "float": float, "bool": bool}[inner.name]
        if isinstance(value, py) and not (py is int and isinstance(value, bool)):
            return py_literal(value)
        if py is float and isinstance(value, int) and not isinstance(value, bool):
            return py_literal(float(value))
        return "None"
    if isinstance(inner, LiteralOf) and py_literal(value) in inner.values:
        return py_literal(value)
    if isinstance(inner, Prim) and inner.name in ("datetime.date", "datetime.datetime") and isinstance(value, str):
        # the same text pydantic would accept; a date-time keeps its offset (Z -> +00:00)
        try:
            if inner.name == "datetime.date":
                d = datetime.date.fromisoformat(value)
                return f"datetime.date({d.year}, {d.month}, {d.day})"
            datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return "None"
        return f"datetime.datetime.fromisoformat({py_str(value.replace('Z', '+00:00'))})"
    if _fits_plain(value, inner):
        # lists and dicts of JSON scalars: pydantic copies a mutable default for each instance
        return py_literal(value)
    return "None"


def _fits_plain(value: Any, t: TypeExpr) -> bool:
    """True when ``value`` (JSON data) is already an instance of ``t`` without any conversion:
    ``list[str]``, ``dict[str, int]``, ``Any``... (never models, enums, dates)."""
    if t == ANY:
        return True
    if isinstance(t, Prim):
        py = {"str": str, "int": int, "float": float, "bool": bool}.get(t.name)
        return py is not None and isinstance(value, py) and not (py is not bool and isinstance(value, bool))
    if isinstance(t, ListOf):
        return isinstance(value, list) and all(_fits_plain(v, t.item) for v in value)
    if isinstance(t, DictOf):
        return isinstance(value, dict) and all(isinstance(k, str) and _fits_plain(v, t.value) for k, v in value.items())
    if isinstance(t, UnionOf) and not t.selector:
        return any(_fits_plain(value, v) for v in t.variants)
    return False
