"""Parameters of an operation (the keyword arguments of its method): added, removed, required or
optional, moved to another location, retyped.

Rules: "Parameters" in :mod:`generator.diff`.
"""

from __future__ import annotations

from typing import Any

from ..ir.names import pascal, py_name, snake
from ..refs import Loc
from .context import REQUEST, Ctx
from .core import ComparerCore
from .operations import Op, each_parameter, param_schema
from .side import Side


class ParametersMixin(ComparerCore):
    """Compares the parameters of two versions of an operation."""

    def _params(self, side: Side, op: Op) -> dict[tuple[str, str], tuple[Loc, dict[str, Any]]]:
        """The parameters callers pass, by ``(location, name)`` (header names lower-cased;
        ``Accept``, ``Content-Type`` and ``Authorization`` left out), each with its location."""
        merged: dict[tuple[str, str], tuple[Loc, dict[str, Any]]] = {}
        for ploc, p in each_parameter(side, op):
            if not isinstance(p, dict) or not isinstance(p.get("name"), str):
                continue
            where = p.get("in")
            if where not in ("path", "query", "header", "cookie"):
                continue
            name = p["name"]
            if where == "header":
                if name.lower() in ("accept", "content-type", "authorization"):
                    continue  # the client sets these itself
                name = name.lower()
            merged[(where, name)] = (ploc, p)
        return merged

    def _parameters(self, o: Op, n: Op, subject: str) -> None:
        """Report the parameter changes between two versions of an operation, and compare the schema
        of each parameter both have (request data)."""
        op_ = self._params(self.old, o)
        np_ = self._params(self.new, n)
        removed = [k for k in op_ if k not in np_]
        added = [k for k in np_ if k not in op_]
        moved: list[tuple[tuple[str, str], tuple[str, str]]] = []
        for rk in list(removed):
            match = next(
                (
                    ak
                    for ak in added
                    if ak[1].lower() == rk[1].lower() and snake(ak[1]) == snake(rk[1])
                ),
                None,
            )
            if match is not None:
                moved.append((rk, match))
                removed.remove(rk)
                added.remove(match)
        for rk in removed:
            loc, p = op_[rk]
            self.add(
                "parameter.removed",
                True,
                f"{n.call}: {rk[0]} parameter '{p['name']}' removed{_arg(p['name'])}",
                subject,
                old=loc,
            )
        for ak in added:
            loc, p = np_[ak]
            req = _required(p, ak[0])
            self.add(
                "parameter.added",
                req,
                f"{n.call}: {'required' if req else 'optional'} {ak[0]} parameter '{p['name']}' added{_arg(p['name'])}",
                subject,
                new=loc,
            )
        common = [(k, k) for k in op_ if k in np_] + moved
        for ok, nk in common:
            oloc, opar = op_[ok]
            nloc, npar = np_[nk]
            name = npar["name"]
            if ok != nk:
                self.add(
                    "parameter.location-changed",
                    False,
                    f"{n.call}: parameter '{name}' moved from {ok[0]} to {nk[0]} (the keyword argument is unchanged)",
                    subject,
                    old=oloc,
                    new=nloc,
                )
            oreq, nreq = _required(opar, ok[0]), _required(npar, nk[0])
            if oreq != nreq:
                self.add(
                    "parameter.required-changed",
                    nreq,
                    f"{n.call}: {nk[0]} parameter '{name}' is now {'required' if nreq else 'optional'}",
                    subject,
                    old=oloc,
                    new=nloc,
                )
            osl, osch = param_schema(oloc, opar)
            nsl, nsch = param_schema(nloc, npar)
            ctx = Ctx(
                subject=subject,
                label=f"{n.call} parameter '{name}'",
                hint=f"{n.label}{pascal(name)}",
                dirs=frozenset({REQUEST}),
                root_kind="parameter.retyped",
            )
            self.schema(osl, osch, nsl, nsch, ctx)


def _required(p: dict[str, Any], where: str) -> bool:
    """Must callers pass the parameter ``p`` found in ``where``? (path parameters always)"""
    return bool(p.get("required")) or where == "path"


def _arg(name: str) -> str:
    py = py_name(snake(name), prefix="param")
    return f" (argument {py}=)" if py != name else ""
