"""Unions (``oneOf`` / ``anyOf``): variants added or removed, and discriminators (property,
mapping).

Rules: "Schemas" in :mod:`generator.diff` (union variants, discriminators).
"""

from __future__ import annotations

from typing import Any

from ..refs import Loc
from .context import Ctx, View
from .core import ComparerCore
from .facts import as_dict, is_null, mapping_ref, show
from .side import Side


class UnionsMixin(ComparerCore):
    """Compares the variants and discriminators of two union schemas."""

    def _variant_list(
        self, side: Side, loc: Loc, s: dict[str, Any]
    ) -> tuple[str, list[tuple[str, Loc, Any]]]:
        """The union keyword of ``s`` (``oneOf``, ``anyOf`` or ``""``) and its variants but
        ``null``, each identified by the component it refers to, else ``#<index>``."""
        key = (
            "oneOf"
            if isinstance(s.get("oneOf"), list)
            else "anyOf" if isinstance(s.get("anyOf"), list) else ""
        )
        if not key:
            return "", []
        out = []
        for i, v in enumerate(s[key]):
            vloc = loc.child(key, i)
            if is_null(v):
                continue
            ident = f"#{i}"
            if isinstance(v, dict) and isinstance(v.get("$ref"), str):
                hop = side.lookup(v["$ref"], vloc)
                if hop is not None:
                    ident = side.component(hop[0]) or hop[0].key
            out.append((ident, vloc, v))
        return key, out

    def _variants(self, ov: View, nv: View, o: dict[str, Any], n: dict[str, Any], ctx: Ctx) -> None:
        """Report the union variants removed or added, and compare inline variants at the same
        index."""
        okey, ovars = self._variant_list(self.old, ov.loc, o)
        nkey, nvars = self._variant_list(self.new, nv.loc, n)
        if not okey and not nkey:
            return
        oids = {v[0]: v for v in ovars}
        nids = {v[0]: v for v in nvars}
        discriminated = isinstance(n.get("discriminator"), dict)
        for ident, vloc, _ in ovars:
            if ident not in nids:
                self.add(
                    "variant.removed",
                    ctx.request,
                    f"{ctx.label}: union variant {_shown(ident)} removed ({ctx.note})",
                    ctx,
                    old=vloc,
                    new=nv.loc,
                )
        for ident, vloc, _ in nvars:
            if ident not in oids:
                brk = ctx.response and not discriminated
                self.add(
                    "variant.added",
                    brk,
                    f"{ctx.label}: union variant {_shown(ident)} added ({ctx.note}"
                    + (
                        "; the union has no discriminator, so the return type widens)"
                        if brk
                        else ")"
                    ),
                    ctx,
                    old=ov.loc,
                    new=vloc,
                )
        for ident, (_, oloc, osch) in oids.items():
            if ident.startswith("#") and ident in nids:
                _, nloc, nsch = nids[ident]
                i = int(ident[1:]) + 1
                self.schema(
                    oloc,
                    osch,
                    nloc,
                    nsch,
                    ctx.child(f"{ctx.label} (variant {i})", f"{ctx.hint}{i}"),
                )

    def _discriminator(
        self, ov: View, nv: View, o: dict[str, Any], n: dict[str, Any], ctx: Ctx
    ) -> None:
        """Report the discriminator changes: its property, and mapping entries removed, pointing
        elsewhere, or added."""
        od, nd = o.get("discriminator"), n.get("discriminator")
        if not isinstance(od, dict) and not isinstance(nd, dict):
            return
        od = od if isinstance(od, dict) else {}
        nd = nd if isinstance(nd, dict) else {}
        oloc, nloc = ov.loc.child("discriminator"), nv.loc.child("discriminator")
        if od.get("propertyName") != nd.get("propertyName") and od and nd:
            self.add(
                "discriminator.property-changed",
                True,
                f"{ctx.label}: discriminator property changed from {od.get('propertyName')!r} to {nd.get('propertyName')!r}",
                ctx,
                old=oloc,
                new=nloc,
            )
        om = as_dict(od.get("mapping"))
        nm = as_dict(nd.get("mapping"))

        def target(ref: Any) -> str:
            return mapping_ref(str(ref)).rsplit("/", 1)[-1]

        for k, v in om.items():
            if k not in nm:
                self.add(
                    "discriminator.mapping-removed",
                    ctx.request,
                    f"{ctx.label}: discriminator value {show(k)} (-> {target(v)}) removed ({ctx.note})",
                    ctx,
                    old=oloc.child("mapping", k),
                    new=nloc,
                )
            elif target(nm[k]) != target(v):
                self.add(
                    "discriminator.mapping-changed",
                    True,
                    f"{ctx.label}: discriminator value {show(k)} now selects {target(nm[k])} (was {target(v)})",
                    ctx,
                    old=oloc.child("mapping", k),
                    new=nloc.child("mapping", k),
                )
        for k, v in nm.items():
            if k not in om:
                self.add(
                    "discriminator.mapping-added",
                    False,
                    f"{ctx.label}: discriminator value {show(k)} (-> {target(v)}) added ({ctx.note})",
                    ctx,
                    old=oloc if od else ov.loc,
                    new=nloc.child("mapping", k),
                )


def _shown(ident: str) -> str:
    """A variant in messages: its component name, or ``variant N`` (1-based) for an inline one."""
    return ident if not ident.startswith("#") else f"variant {int(ident[1:]) + 1}"
