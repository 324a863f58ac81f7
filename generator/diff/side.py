"""One side of a comparison: a loaded document with its ``$ref`` resolver (from
:mod:`generator.refs`), how its locations are written in a change, and one warning per reference it
cannot resolve.
"""

from __future__ import annotations

import re
from typing import Any

from ..diagnostics import DiagnosticSink, GenerationError
from ..load import Document
from ..refs import Loc, RefError, Resolver
from .facts import as_dict

_COMPONENT_RE = re.compile(r"^/components/schemas/([^/]+)$")


class Side:
    """One loaded document with its resolver; ``label`` is ``old`` or ``new``."""

    def __init__(
        self, doc: Document, label: str, sink: DiagnosticSink, allow_outside: bool
    ) -> None:
        self.doc = doc
        self.label = label
        self.sink = sink
        self.source = str(doc.path)
        self.data: dict[str, Any] = doc.data
        self.resolver = Resolver(
            doc.uri, doc.data, sink, allow_remote=False, allow_outside=allow_outside
        )
        self.root = self.resolver.root()
        comps = as_dict(self.data.get("components"))
        schemas = as_dict(comps.get("schemas"))
        self.schemas: dict[str, Any] = {str(k): v for k, v in schemas.items()}
        self._warned: set[str] = set()
        self._hops: dict[tuple[str, str], tuple[Loc, Any] | None] = {}

    def ptr(self, loc: Loc) -> str:
        """How ``loc`` is written in a change: the pointer, or ``uri#pointer`` in another file."""
        return loc.pointer if loc.uri == self.doc.uri else loc.key

    def component(self, loc: Loc) -> str | None:
        """The name of the component schema at ``loc`` (None when it is not one)."""
        if loc.uri != self.doc.uri:
            return None
        m = _COMPONENT_RE.match(loc.pointer)
        return m.group(1).replace("~1", "/").replace("~0", "~") if m else None

    def lookup(self, ref: Any, at: Loc) -> tuple[Loc, Any] | None:
        """One ``$ref`` hop, or None (with one warning per reference) when it cannot be resolved."""
        key = (str(ref), at.base)
        if key in self._hops:
            return self._hops[key]
        try:
            hop: tuple[Loc, Any] | None = self.resolver.lookup(ref, at)
        except (RefError, GenerationError, RecursionError) as exc:
            self._warn(f"unresolvable $ref '{ref}': {exc}; not compared", at.child("$ref"))
            hop = None
        self._hops[key] = hop
        return hop

    def follow(self, obj: Any, loc: Loc) -> tuple[Loc, Any]:
        """Follow a chain of ``$ref`` objects (path items, parameters, bodies, responses)."""
        seen: set[str] = set()
        while isinstance(obj, dict) and isinstance(obj.get("$ref"), str):
            if loc.key in seen or len(seen) > 64:
                self._warn("$ref cycle; not compared", loc)
                return loc, None
            seen.add(loc.key)
            hop = self.lookup(obj["$ref"], loc)
            if hop is None:
                return loc, None
            loc, obj = hop
        return loc, obj

    def _warn(self, message: str, loc: Loc) -> None:
        key = f"{loc.key} {message}"
        if key not in self._warned:
            self._warned.add(key)
            self.sink.warning(
                message, loc.pointer, source=self.source if loc.uri == self.doc.uri else loc.uri
            )
