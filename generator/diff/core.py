"""The state one comparison shares: the two sides, the changes found so far, where each component
schema is used, and how a change is recorded (:meth:`ComparerCore.add`).

The comparison itself is split by concern into mixins over this core (:mod:`.parameters`,
:mod:`.bodies`, :mod:`.responses`, :mod:`.schemas` with :mod:`.values`, :mod:`.objects` and
:mod:`.unions`, :mod:`.components`), put together as :class:`.documents.Comparer`.
"""

from __future__ import annotations

from typing import Any

from ..refs import Loc
from .context import Ctx
from .model import Change
from .side import Side
from .usage import inheritors_of, schema_usage


class ComparerCore:
    """The state of one comparison of ``old`` with ``new`` (two :class:`.side.Side`); the mixins
    report through :meth:`add` into ``changes``."""

    def __init__(self, old: Side, new: Side) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        self._seen: set[tuple[str, str, frozenset[str]]] = set()
        self.extracted: set[str] = set()  # new components that were inline models of that name
        self.inlined: set[str] = set()  # old components that became inline models of that name
        self.usage: dict[str, set[str]] = {}
        for side in (old, new):
            for name, dirs in schema_usage(side).items():
                self.usage.setdefault(name, set()).update(dirs)
        self.inheritors = inheritors_of(new)

    def add(
        self,
        kind: str,
        breaking: bool,
        message: str,
        ctx_or_subject: Ctx | str,
        old: Loc | None = None,
        new: Loc | None = None,
    ) -> None:
        """Record one :class:`.model.Change`: ``ctx_or_subject`` gives its subject, ``old`` and
        ``new`` its locations on each side (None where the thing does not exist)."""
        subject = ctx_or_subject.subject if isinstance(ctx_or_subject, Ctx) else ctx_or_subject
        self.changes.append(
            Change(
                kind=kind,
                breaking=bool(breaking),
                message=message,
                subject=subject,
                old=self.old.ptr(old) if old is not None else None,
                new=self.new.ptr(new) if new is not None else None,
            )
        )

    def schema(self, oloc: Loc, o: Any, nloc: Loc, n: Any, ctx: Ctx) -> None:
        """Compare the schema ``o`` (old side) with ``n`` (new side) at ``ctx``; implemented by
        :class:`.schemas.SchemasMixin`, which every comparison that reaches a schema calls."""
        raise NotImplementedError
