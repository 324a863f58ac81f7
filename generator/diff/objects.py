"""The properties of object schemas (the fields of model classes), with ``allOf`` merged: added,
removed, required or optional, and each property's schema; a property inherited through ``allOf``
is reported once, at the component that declares it.

Rules: "Schemas" in :mod:`generator.diff` (properties).
"""

from __future__ import annotations

from typing import Any

from ..ir.names import pascal
from ..refs import Loc
from .context import REQUEST, RESPONSE, Ctx, ObjView, View
from .core import ComparerCore
from .facts import class_name
from .side import Side


class ObjectsMixin(ComparerCore):
    """Compares the properties of two object schemas."""

    def _obj_view(
        self,
        side: Side,
        loc: Loc,
        schema: Any,
        origin: str = "",
        depth: int = 0,
        out: ObjView | None = None,
    ) -> ObjView:
        """``schema`` with the properties and ``required`` of its ``allOf`` members merged into
        ``out``, each property with the outermost component it is inherited from (``origin``)."""
        out = out if out is not None else ObjView()
        if not isinstance(schema, dict) or depth > 32:
            return out
        for i, member in enumerate(schema.get("allOf") or []):
            mloc, m_origin = loc.child("allOf", i), origin
            if isinstance(member, dict) and isinstance(member.get("$ref"), str):
                mloc, member = side.follow(member, mloc)
                if member is None:
                    continue
                name = side.component(mloc) or mloc.key
                if not origin:
                    m_origin = name
                    out.includes.add(name)
            self._obj_view(side, mloc, member, m_origin, depth + 1, out)
        props = schema.get("properties")
        if isinstance(props, dict):
            for pname, ps in props.items():
                pname = str(pname)
                ploc = loc.child("properties", pname)
                earlier = out.props.get(pname)
                if (
                    earlier is not None
                    and isinstance(ps, dict)
                    and not any(
                        k in ps
                        for k in ("type", "$ref", "allOf", "oneOf", "anyOf", "properties", "items")
                    )
                    and isinstance(earlier[1], dict)
                ):
                    eloc, es = side.follow(earlier[1], earlier[0])
                    if isinstance(es, dict):
                        merged = {**es, **ps}
                        if "const" in ps or "enum" in ps:
                            merged.pop("enum" if "const" in ps else "const", None)
                        ps = merged
                out.props[pname] = (ploc, ps, origin)
        for r in schema.get("required") or []:
            if isinstance(r, str):
                out.required.setdefault(r, set()).add(origin)
        return out

    def _object(self, ov: View, nv: View, ctx: Ctx) -> None:
        """Report the property changes between two object schemas, and compare the schema of each
        property both have (``readOnly`` ones as response data, ``writeOnly`` ones as request
        data)."""
        old = self._obj_view(self.old, ov.loc, ov.schema)
        new = self._obj_view(self.new, nv.loc, nv.schema)
        names = list(old.props) + [p for p in new.props if p not in old.props]
        for name in names:
            o = old.props.get(name)
            n = new.props.get(name)
            flags = (n or o)[1]  # type: ignore[index]
            dirs = ctx.dirs
            if isinstance(flags, dict) and flags.get("readOnly") is True:
                dirs = frozenset({RESPONSE})
            elif isinstance(flags, dict) and flags.get("writeOnly") is True:
                dirs = frozenset({REQUEST})
            pctx = ctx.child(f"{ctx.label}.{name}", f"{ctx.hint}{pascal(name) or 'Field'}", dirs)
            also = self._also(ctx.component)
            if o is not None and n is None:
                if o[2] and o[2] in new.includes:
                    continue
                self.add(
                    "property.removed",
                    True,
                    f"{pctx.label}: property removed (the attribute and the keyword argument disappear; {pctx.note}){also}",
                    pctx,
                    old=o[0],
                )
                continue
            if n is not None and o is None:
                if n[2] and n[2] in old.includes:
                    continue
                req = name in new.required and pctx.dirs != frozenset({RESPONSE})
                self.add(
                    "property.added",
                    req and pctx.request,
                    f"{pctx.label}: {'required' if name in new.required else 'optional'} property added ({pctx.note}){also}",
                    pctx,
                    new=n[0],
                )
                continue
            assert o is not None and n is not None
            if not (o[2] and o[2] == n[2]):
                self.schema(o[0], o[1], n[0], n[1], pctx)
            oreq, nreq = name in old.required, name in new.required
            if oreq != nreq:
                origins = new.required[name] if nreq else old.required[name]
                if all(x and x in old.includes and x in new.includes for x in origins):
                    continue  # reported at the component that declares it
                brk = pctx.request if nreq else pctx.response
                self.add(
                    "property.required-changed",
                    brk,
                    f"{pctx.label}: now {'required' if nreq else 'optional'} ({pctx.note}){also}",
                    pctx,
                    old=o[0],
                    new=n[0],
                )

    def _also(self, component: str) -> str:
        """`` (inherited by A, B)`` for a property of ``component`` that other models include."""
        heirs = self.inheritors.get(component) if component else None
        if not heirs:
            return ""
        shown = ", ".join(class_name(h) for h in heirs[:5])
        more = f" and {len(heirs) - 5} more" if len(heirs) > 5 else ""
        return f" (inherited by {shown}{more})"
