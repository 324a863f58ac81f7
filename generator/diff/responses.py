"""The responses of an operation (what its method returns, what raises): success and error responses
added or removed, the media type the client parses, and the schema of a JSON success body.

Rules: "Responses" in :mod:`generator.diff`.
"""

from __future__ import annotations

from typing import Any

from ..normalize.operations import media_kind
from ..refs import Loc
from .context import RESPONSE, Ctx
from .core import ComparerCore
from .facts import as_dict, fingerprint, structural
from .operations import Op, each_response
from .side import Side

#: The order in which the generator picks the media type of a response it parses.
_KIND_ORDER = {"json": 0, "multipart": 1, "form": 2, "binary": 3, "text": 4}


class ResponsesMixin(ComparerCore):
    """Compares the responses of two versions of an operation."""

    def _response_map(self, side: Side, op: Op) -> dict[str, tuple[Loc, dict[str, Any]]]:
        """The responses by status code (upper-cased; ``default`` in lower case), each with its
        location; a response that is not a mapping is an empty one."""
        out = {}
        for code, loc, resp in each_response(side, op):
            key = code.upper() if code.lower() != "default" else "default"
            out[key] = (loc, resp if isinstance(resp, dict) else {})
        return out

    @staticmethod
    def _chosen(resp: dict[str, Any]) -> str | None:
        """The media type the client parses of ``resp`` (by :data:`_KIND_ORDER`); None without
        content."""
        content = as_dict(resp.get("content"))
        if not content:
            return None
        return sorted(content, key=lambda m: _KIND_ORDER.get(media_kind(m), 9))[0]

    def _body_print(self, side: Side, loc: Loc, resp: dict[str, Any]) -> str:
        """An identity of the type a response parses into (comparable across documents)."""
        mt = self._chosen(resp)
        if mt is None:
            return "none"
        kind = media_kind(mt)
        if kind != "json":
            return kind
        media = resp["content"][mt]
        schema = media.get("schema") if isinstance(media, dict) else None
        if (
            isinstance(schema, dict)
            and isinstance(schema.get("$ref"), str)
            and len(structural(schema)) == 1
        ):
            hop = side.lookup(schema["$ref"], loc.child("content", mt, "schema"))
            if hop is not None:
                name = side.component(hop[0])
                if name:
                    return f"json:{name}"
        return "json:" + fingerprint(schema)

    def _responses(self, o: Op, n: Op, subject: str) -> None:
        """Report the response changes between two versions of an operation, and compare the schema
        of each JSON body the method parses in both (response data)."""
        orr, nrr = self._response_map(self.old, o), self._response_map(self.new, n)

        def success(codes: dict[str, Any]) -> set[str]:
            ok = {c for c in codes if c.startswith("2")}
            return ok or ({"default"} if "default" in codes else set())

        o_ok, n_ok = success(orr), success(nrr)
        o_prints = {self._body_print(self.old, *orr[c]) for c in o_ok}
        n_prints = {self._body_print(self.new, *nrr[c]) for c in n_ok}
        for code, (loc, resp) in orr.items():
            if code in nrr:
                continue
            if code in o_ok:
                fp = self._body_print(self.old, loc, resp)
                lost = fp != "none" and fp not in n_prints
                self.add(
                    "response.removed",
                    lost,
                    f"{n.call}: success response {code} removed"
                    + ("; the return type no longer includes its body" if lost else ""),
                    subject,
                    old=loc,
                )
            else:
                self.add(
                    "response.removed",
                    False,
                    f"{n.call}: error response {code} removed",
                    subject,
                    old=loc,
                )
        for code, (loc, resp) in nrr.items():
            if code in orr:
                continue
            if code in n_ok:
                fp = self._body_print(self.new, loc, resp)
                widens = fp not in o_prints and any(p != "none" and p in n_prints for p in o_prints)
                starts = fp != "none" and o_prints <= {"none"}
                widening = (
                    "; the method may now return None"
                    if fp == "none"
                    else "; the return type becomes a union with its body"
                )
                self.add(
                    "response.added",
                    widens,
                    f"{n.call}: success response {code} added"
                    + (widening if widens else "")
                    + ("; the method now returns its body (it returned None)" if starts else ""),
                    subject,
                    new=loc,
                )
            else:
                self.add(
                    "response.added",
                    False,
                    f"{n.call}: error response {code} added",
                    subject,
                    new=loc,
                )
        for code, (oloc, oresp) in orr.items():
            if code not in nrr:
                continue
            nloc, nresp = nrr[code]
            is_ok = code in n_ok
            oc = as_dict(oresp.get("content"))
            nc = as_dict(nresp.get("content"))
            och, nch = self._chosen(oresp), self._chosen(nresp)
            okind = media_kind(och) if och else None
            nkind = media_kind(nch) if nch else None
            for mt in oc:
                if mt not in nc:
                    brk = is_ok and mt == och and okind != nkind
                    self.add(
                        "response.media-type-removed",
                        brk,
                        f"{n.call}: response {code} no longer returns {mt}"
                        + ("; the method parses " + (nch or "no body") + " instead" if brk else ""),
                        subject,
                        old=oloc.child("content", mt),
                    )
            for mt in nc:
                if mt not in oc:
                    brk = is_ok and mt == nch and och is not None and okind != nkind
                    self.add(
                        "response.media-type-added",
                        brk,
                        f"{n.call}: response {code} may now return {mt}"
                        + (f"; the method parses it instead of {och}" if brk else ""),
                        subject,
                        new=nloc.child("content", mt),
                    )
            if och and nch and okind == nkind == "json":
                om, nm = oc[och], nc[nch]
                if (
                    isinstance(om, dict)
                    and isinstance(nm, dict)
                    and "schema" in om
                    and "schema" in nm
                ):
                    ctx = Ctx(
                        subject=subject,
                        label=f"{n.call} response {code}",
                        hint=f"{n.label}Response{code if not code.startswith('2') else ''}",
                        dirs=frozenset({RESPONSE}),
                    )
                    self.schema(
                        oloc.child("content", och, "schema"),
                        om["schema"],
                        nloc.child("content", nch, "schema"),
                        nm["schema"],
                        ctx,
                    )
