"""The values a schema admits: its JSON types (narrowed, widened, changed, nullable), its ``format``
where it changes the Python type, and its enum values.

Rules: "Schemas" in :mod:`generator.diff` (types, formats, enum values).
"""

from __future__ import annotations

from typing import Any

from ..ir.names import py_ident, upper_snake
from ..refs import Loc
from .context import Ctx, View
from .core import ComparerCore
from .facts import class_name, enum_is_class, enum_values, show
from .side import Side

#: Formats that change the Python type of a field (mirrors the generator's type mapping).
_PY_FORMATS = {
    "string": {
        "date-time": "datetime.datetime",
        "date": "datetime.date",
        "time": "datetime.time",
        "uuid": "uuid.UUID",
        "binary": "bytes",
    },
    "number": {"decimal": "decimal.Decimal"},
}
_PY_BASE = {"string": "str", "number": "float"}


class ValuesMixin(ComparerCore):
    """Compares the types, formats and enum values of two schemas."""

    def _types(self, side: Side, view: View) -> frozenset[str] | None:
        types = self._raw_types(side, view.loc, view.schema, 0)
        if types is None:
            return None
        return types | ({"null"} if view.nullable else set())

    def _raw_types(self, side: Side, loc: Loc, s: Any, depth: int) -> frozenset[str] | None:
        if not isinstance(s, dict) or depth > 16:
            return None
        if isinstance(s.get("$ref"), str):
            hop = side.lookup(s["$ref"], loc)
            if hop is None:
                return None
            inner = self._raw_types(side, hop[0], hop[1], depth + 1)
            if inner is not None and s.get("nullable") is True:
                inner = inner | {"null"}
            return inner
        t = s.get("type")
        out: set[str] | None
        if isinstance(t, str):
            out = {t}
        elif isinstance(t, list):
            out = {x for x in t if isinstance(x, str)}
        elif "const" in s:
            out = {_json_type(s["const"])}
        elif isinstance(s.get("enum"), list) and s["enum"]:
            out = {_json_type(v) for v in s["enum"]}
        elif any(k in s for k in ("properties", "additionalProperties", "patternProperties")):
            out = {"object"}
        elif "items" in s or "prefixItems" in s:
            out = {"array"}
        elif isinstance(s.get("oneOf"), list) or isinstance(s.get("anyOf"), list):
            key = "oneOf" if isinstance(s.get("oneOf"), list) else "anyOf"
            out = set()
            for i, v in enumerate(s[key]):
                vt = self._raw_types(side, loc.child(key, i), v, depth + 1)
                if vt is None:
                    return None
                out |= vt
        elif isinstance(s.get("allOf"), list) and s["allOf"]:
            out = None
            for i, m in enumerate(s["allOf"]):
                mt = self._raw_types(side, loc.child("allOf", i), m, depth + 1)
                if mt is not None:
                    out = set(mt) if out is None else (out & mt) or set(mt)
            if out is None:
                return None
        else:
            return None
        if s.get("nullable") is True or (isinstance(s.get("enum"), list) and None in s["enum"]):
            out.add("null")
        return frozenset(out)

    def _type_change(self, ov: View, nv: View, ctx: Ctx, only_null: bool = False) -> str:
        ot: frozenset[str] | None
        nt: frozenset[str] | None
        if only_null:
            if ov.nullable == nv.nullable:
                return "same"
            ot = frozenset({"x", "null"}) if ov.nullable else frozenset({"x"})
            nt = frozenset({"x", "null"}) if nv.nullable else frozenset({"x"})
        else:
            ot, nt = self._types(self.old, ov), self._types(self.new, nv)
        if ot == nt or (_covers(ot, nt) and _covers(nt, ot)):
            return "same"
        if _covers(ot, nt):
            rel, brk = "narrowed", ctx.request
        elif _covers(nt, ot):
            rel, brk = "widened", ctx.response
        else:
            rel, brk = "changed", True
        null_only = ot is not None and nt is not None and (ot ^ nt) == {"null"}
        if null_only:
            what = "is now nullable" if rel == "widened" else "is no longer nullable"
        else:
            what = f"type {rel} from {_show_types(ot)} to {_show_types(nt)}"
        self.add(
            ctx.root_kind or f"type.{rel}",
            brk,
            f"{ctx.label}: {what} ({ctx.note})",
            ctx,
            old=ov.loc,
            new=nv.loc,
        )
        return rel

    def _format(self, ov: View, nv: View, o: dict[str, Any], n: dict[str, Any], ctx: Ctx) -> None:
        for base, table in _PY_FORMATS.items():
            ot, nt = o.get("type"), n.get("type")
            if not (base == ot or (isinstance(ot, list) and base in ot)):
                continue
            if not (base == nt or (isinstance(nt, list) and base in nt)):
                continue
            of, nf = o.get("format"), n.get("format")
            opy = table.get(of, _PY_BASE[base]) if isinstance(of, str) else _PY_BASE[base]
            npy = table.get(nf, _PY_BASE[base]) if isinstance(nf, str) else _PY_BASE[base]
            if opy != npy:
                self.add(
                    "format.changed",
                    True,
                    f"{ctx.label}: format changed from {of or 'none'} to {nf or 'none'}; "
                    f"the Python type is now {npy} (was {opy})",
                    ctx,
                    old=ov.loc,
                    new=nv.loc,
                )

    def _enum(self, ov: View, nv: View, o: dict[str, Any], n: dict[str, Any], ctx: Ctx) -> None:
        oe, ne = enum_values(o), enum_values(n)
        if oe is None and ne is None:
            return
        if oe is not None and ne is None:
            if enum_is_class(oe, o):
                self.add(
                    "enum.dropped",
                    True,
                    f"{ctx.label}: no longer an enum ({ctx.hint if ov.ref is None else class_name(ov.ref)} "
                    f"values {', '.join(show(v) for v in oe)}); the field is a plain value now ({ctx.note})",
                    ctx,
                    old=ov.loc.child("enum"),
                    new=nv.loc,
                )
            return
        if oe is None:
            assert ne is not None
            shown = ", ".join(show(v) for v in ne[:8]) + (", ..." if len(ne) > 8 else "")
            self.add(
                ctx.root_kind or "type.narrowed",
                ctx.request,
                f"{ctx.label}: type narrowed from {_show_types(self._types(self.old, ov))} to the enum [{shown}] ({ctx.note})",
                ctx,
                old=ov.loc,
                new=nv.loc.child("enum" if "enum" in n else "const"),
            )
            return
        assert ne is not None
        was_class, is_class = enum_is_class(oe, o), enum_is_class(ne, n)
        cls = nv.component_class() or ctx.hint
        opos = ov.loc.child("const" if "const" in o else "enum")
        npos = nv.loc.child("const" if "const" in n else "enum")
        for v in oe:
            if not _contains(ne, v):
                brk = ctx.request or was_class
                member = f"; the member {cls}.{_member(v)} disappears" if was_class else ""
                self.add(
                    "enum.value-removed",
                    brk,
                    f"{ctx.label}: enum value {show(v)} removed{member} ({ctx.note})",
                    ctx,
                    old=opos,
                    new=npos,
                )
        for v in ne:
            if not _contains(oe, v):
                member = f" as {cls}.{_member(v)}" if is_class else ""
                self.add(
                    "enum.value-added",
                    False,
                    f"{ctx.label}: enum value {show(v)} added{member} ({ctx.note})",
                    ctx,
                    old=opos,
                    new=npos,
                )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _covers(big: frozenset[str] | None, small: frozenset[str] | None) -> bool:
    if big is None:
        return True
    if small is None:
        return False
    return all(t in big or (t == "integer" and "number" in big) for t in small)


def _show_types(types: frozenset[str] | None) -> str:
    if types is None:
        return "any"
    order = sorted(t for t in types if t != "null") + (["null"] if "null" in types else [])
    return " | ".join(order) or "nothing"


def _same_value(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _contains(values: list[Any], v: Any) -> bool:
    return any(_same_value(v, x) for x in values)


def _member(value: Any) -> str:
    if isinstance(value, str):
        desired = upper_snake(value) or ("EMPTY" if value == "" else "VALUE")
    else:
        desired = f"VALUE_{value}".replace("-", "MINUS_")
    return py_ident(desired, prefix="VALUE_")
