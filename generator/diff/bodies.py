"""The request body of an operation (``body=``): added, removed, required or optional, its media
types, and the schema sent for each kind of body.

Rules: "Request bodies" in :mod:`generator.diff`.
"""

from __future__ import annotations

from ..ir.names import pascal
from ..normalize.operations import media_kind
from .context import REQUEST, Ctx
from .core import ComparerCore
from .facts import as_dict
from .operations import Op, request_body_of


class RequestBodyMixin(ComparerCore):
    """Compares the request bodies of two versions of an operation."""

    def _request_body(self, o: Op, n: Op, subject: str) -> None:
        """Report the request-body changes between two versions of an operation, and compare the
        schema sent for each kind of body both versions send."""
        ob, nb = request_body_of(self.old, o), request_body_of(self.new, n)
        if ob is None and nb is None:
            return
        if ob is None:
            assert nb is not None
            req = nb[1].get("required") is True
            self.add(
                "request-body.added",
                req,
                f"{n.call}: {'required' if req else 'optional'} request body added (body=)",
                subject,
                new=nb[0],
            )
            return
        if nb is None:
            self.add(
                "request-body.removed",
                True,
                f"{n.call}: request body removed (body= is no longer accepted)",
                subject,
                old=ob[0],
            )
            return
        (oloc, orb), (nloc, nrb) = ob, nb
        oreq, nreq = orb.get("required") is True, nrb.get("required") is True
        if oreq != nreq:
            self.add(
                "request-body.required-changed",
                nreq,
                f"{n.call}: request body is now {'required' if nreq else 'optional'}",
                subject,
                old=oloc,
                new=nloc,
            )
        oc = as_dict(orb.get("content"))
        nc = as_dict(nrb.get("content"))
        # the generator sends one body per kind (JSON, multipart, form, binary, text): the first
        # media type of each kind in document order
        okinds: dict[str, str] = {}
        nkinds: dict[str, str] = {}
        for mt in oc:
            okinds.setdefault(media_kind(mt), mt)
        for mt in nc:
            nkinds.setdefault(media_kind(mt), mt)
        for mt in oc:
            if mt not in nc:
                kind = media_kind(mt)
                gone = kind not in nkinds
                self.add(
                    "request-body.media-type-removed",
                    gone,
                    f"{n.call}: request body no longer accepts {mt}"
                    + (
                        f" (no {kind} body can be sent)"
                        if gone
                        else f" ({nkinds[kind]} is sent instead)"
                    ),
                    subject,
                    old=oloc.child("content", mt),
                )
        for mt in nc:
            if mt not in oc:
                self.add(
                    "request-body.media-type-added",
                    False,
                    f"{n.call}: request body now also accepts {mt}",
                    subject,
                    new=nloc.child("content", mt),
                )
        for kind, omt in okinds.items():
            nmt = nkinds.get(kind)
            if nmt is None:
                continue
            om, nm = oc[omt], nc[nmt]
            if (
                not (isinstance(om, dict) and isinstance(nm, dict))
                or "schema" not in om
                or "schema" not in nm
            ):
                continue
            ctx = Ctx(
                subject=subject,
                label=f"{n.call} body" + (f" ({kind})" if len(nkinds) > 1 else ""),
                hint=f"{n.label}{pascal(kind) if len(nkinds) > 1 else ''}Body",
                dirs=frozenset({REQUEST}),
            )
            self.schema(
                oloc.child("content", omt, "schema"),
                om["schema"],
                nloc.child("content", nmt, "schema"),
                nm["schema"],
                ctx,
            )
