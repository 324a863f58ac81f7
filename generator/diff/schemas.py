"""The comparison of two schemas: wrappers peeled off (``$ref``, single ``allOf``,
``oneOf: [X, null]``), the model class each becomes, then their structure: values (:mod:`.values`),
properties (:mod:`.objects`), items and map values, union variants and discriminators
(:mod:`.unions`).

Rules: "Schemas" in :mod:`generator.diff`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..refs import Loc
from .context import Ctx, View
from .facts import class_name, enum_is_class, enum_values, is_null, structural
from .objects import ObjectsMixin
from .side import Side
from .unions import UnionsMixin
from .values import ValuesMixin


class SchemasMixin(ValuesMixin, ObjectsMixin, UnionsMixin):
    """Compares two schemas (:meth:`schema`), wherever they are found."""

    def _unwrap(self, side: Side, loc: Loc, schema: Any) -> View:
        """Peel ``$ref``, single-member ``allOf`` and ``oneOf: [X, null]`` wrappers."""
        view = View(loc, schema)
        first_component: str | None = None
        for _ in range(64):
            s = view.schema
            if not isinstance(s, dict):
                return view
            if s.get("nullable") is True:
                view.nullable = True
            if isinstance(s.get("type"), list) and "null" in s["type"] and "$ref" in s:
                view.nullable = True
            if isinstance(s.get("$ref"), str) and structural(s) <= {"$ref", "type"}:
                hop = side.lookup(s["$ref"], view.loc)
                if hop is None:
                    view.schema = None
                    return view
                view.loc, view.schema = hop
                first_component = first_component or side.component(hop[0])
                view.ref = first_component or hop[0].key
                continue
            one = s.get("allOf")
            if isinstance(one, list) and len(one) == 1 and structural(s) == {"allOf"}:
                view.loc, view.schema = view.loc.child("allOf", 0), one[0]
                continue
            for key in ("oneOf", "anyOf"):
                variants = s.get(key)
                if isinstance(variants, list) and structural(s) == {key}:
                    real = [(i, v) for i, v in enumerate(variants) if not is_null(v)]
                    if len(real) == 1 and len(real) < len(variants):
                        view.nullable = True
                        view.loc, view.schema = view.loc.child(key, real[0][0]), real[0][1]
                        break
            else:
                return view
        return view

    def _makes_class(self, side: Side, view: View) -> bool:
        s = view.schema
        if not isinstance(s, dict):
            return False
        values = enum_values(s)
        if values is not None and "const" not in s:
            return enum_is_class(values, s)
        if s.get("allOf"):
            return True
        props = s.get("properties")
        return isinstance(props, dict) and bool(props) and not (s.get("oneOf") or s.get("anyOf"))

    def _class_of(self, side: Side, view: View, hint: str) -> str | None:
        if not self._makes_class(side, view):
            return None
        if view.ref is not None:
            return view.component_class()
        return class_name(hint)

    def schema(self, oloc: Loc, o: Any, nloc: Loc, n: Any, ctx: Ctx) -> None:
        """Compare the schema ``o`` (old side) with ``n`` (new side) at ``ctx``."""
        if ctx.depth > 40:
            return
        key = (oloc.key, nloc.key, ctx.dirs)
        if key in self._seen:
            return
        self._seen.add(key)
        ov = self._unwrap(self.old, oloc, o)
        nv = self._unwrap(self.new, nloc, n)
        if ov.schema is None or nv.schema is None:
            return  # an unresolvable reference (already warned about)
        if ov.ref is not None and ov.ref == nv.ref:
            self._type_change(ov, nv, ctx, only_null=True)
            return
        ocls = self._class_of(self.old, ov, ctx.hint)
        ncls = self._class_of(self.new, nv, ctx.hint)
        if ov.ref is None and nv.ref is not None and ncls is not None and ncls == ocls:
            self.extracted.add(nv.ref)
        if ov.ref is not None and nv.ref is None and ocls is not None and ocls == ncls:
            self.inlined.add(ov.ref)
        if ocls and ncls and ocls != ncls:
            self._model_changed(ov, nv, ocls, ncls, ctx)
            return
        # inline models inside a component are named after it (two aliases of different names:
        # their contents are compared)
        ncomp = nv.component_class()
        if ncomp is not None:
            ctx = replace(ctx, hint=ncomp)
        self._structure(ov, nv, ctx)

    def _model_changed(self, ov: View, nv: View, ocls: str, ncls: str, ctx: Ctx) -> None:
        saved, self.changes = self.changes, []
        self._structure(ov, nv, replace(ctx, hint=ncls))
        inner, self.changes = self.changes, saved
        breaking = ctx.request or any(c.breaking for c in inner)
        why = (
            "an instance of the old class is not accepted"
            if ctx.request
            else ("the new model is incompatible" if breaking else "the contents are compatible")
        )
        self.add(
            "type.model-changed",
            breaking,
            f"{ctx.label}: model class is now {ncls} (was {ocls}); {why} ({ctx.note})",
            ctx,
            old=ov.loc,
            new=nv.loc,
        )
        self.changes.extend(inner)

    def _structure(self, ov: View, nv: View, ctx: Ctx) -> None:
        o = ov.schema if isinstance(ov.schema, dict) else {}
        n = nv.schema if isinstance(nv.schema, dict) else {}
        implied = (
            enum_values(o) is not None
            and enum_values(n) is not None
            and "type" not in o
            and "type" not in n
        )
        rel = "same" if implied else self._type_change(ov, nv, ctx)  # enum changes say it better
        if rel == "changed":
            return
        if self._shape_changed(ov, nv, ctx):
            return
        self._format(ov, nv, o, n, ctx)
        self._enum(ov, nv, o, n, ctx)
        if self._is_object(o) or self._is_object(n):
            self._object(ov, nv, ctx)
        for key, suffix, hint in (("items", "[]", "Item"), ("additionalProperties", "{}", "Value")):
            oi, ni = o.get(key), n.get(key)
            if (
                isinstance(oi, dict)
                and isinstance(ni, dict)
                and (key == "items" or not (o.get("properties") or n.get("properties")))
            ):
                self.schema(
                    ov.loc.child(key),
                    oi,
                    nv.loc.child(key),
                    ni,
                    ctx.child(ctx.label + suffix, ctx.hint + hint),
                )
        self._variants(ov, nv, o, n, ctx)
        self._discriminator(ov, nv, o, n, ctx)

    def _shape_changed(self, ov: View, nv: View, ctx: Ctx) -> bool:
        """An object that turned from a free-form map (``dict[str, ...]``) into a model class, or
        back: the Python type changes kind, whichever way the data flows."""
        ot, nt = self._types(self.old, ov), self._types(self.new, nv)
        if ot is None or nt is None or "object" not in ot or "object" not in nt:
            return False
        if enum_values(ov.schema) is not None or enum_values(nv.schema) is not None:
            return False
        o_model = self._is_object(ov.schema) if isinstance(ov.schema, dict) else False
        n_model = self._is_object(nv.schema) if isinstance(nv.schema, dict) else False
        if o_model == n_model:
            return False
        if (
            (ov.schema or {}).get("oneOf")
            or (ov.schema or {}).get("anyOf")
            or (nv.schema or {}).get("oneOf")
            or (nv.schema or {}).get("anyOf")
        ):
            return False
        ocls = ov.component_class() or ctx.hint
        ncls = nv.component_class() or ctx.hint
        what = (
            f"is now a model class {ncls} instead of a free-form map"
            if n_model
            else f"is now a free-form map instead of the model class {ocls}"
        )
        self.add(
            "type.changed", True, f"{ctx.label}: {what} ({ctx.note})", ctx, old=ov.loc, new=nv.loc
        )
        return True

    @staticmethod
    def _is_object(s: dict[str, Any]) -> bool:
        return bool(s.get("properties")) or bool(s.get("allOf"))
