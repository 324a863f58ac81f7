"""Where a schema comparison stands: the directions data flows (request, response), the context of
one comparison (:class:`Ctx`), a schema with its wrappers peeled off (:class:`View`) and an object
schema with ``allOf`` merged (:class:`ObjView`).

Which way the data flows decides what breaks: see "Who sends what" in :mod:`generator.diff`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..refs import Loc
from .facts import class_name

REQUEST = "request"
RESPONSE = "response"
BOTH = frozenset({REQUEST, RESPONSE})


@dataclass(frozen=True)
class Ctx:
    """Where a schema comparison is: ``label`` for messages, ``hint`` the class name the generator
    gives an inline model there, ``dirs`` the directions the data flows."""

    subject: str
    label: str
    hint: str
    dirs: frozenset[str]
    root_kind: str | None = None
    depth: int = 0
    component: str = ""  # set at the top of a component schema (its properties are inherited)

    def child(self, label: str, hint: str, dirs: frozenset[str] | None = None) -> "Ctx":
        """The context of a part of this schema (a property, items, a variant) named ``label`` with
        ``hint`` for its inline class; ``dirs`` when the part flows otherwise (``readOnly``,
        ``writeOnly``). One level deeper, and no longer the top of a component or a parameter."""
        return replace(
            self,
            label=label,
            hint=hint,
            dirs=dirs or self.dirs,
            root_kind=None,
            depth=self.depth + 1,
            component="",
        )

    @property
    def request(self) -> bool:
        """Is the data sent in requests (built by the caller)?"""
        return REQUEST in self.dirs

    @property
    def response(self) -> bool:
        """Is the data received in responses (read by the caller)?"""
        return RESPONSE in self.dirs

    @property
    def note(self) -> str:
        """The directions in words, for messages."""
        if self.dirs == frozenset({REQUEST}):
            return "only sent in requests"
        if self.dirs == frozenset({RESPONSE}):
            return "only received in responses"
        return "sent and received"


@dataclass
class View:
    """A schema with wrappers peeled off: ``ref`` is the component it came from (if any),
    ``nullable`` whether a wrapper added ``null``."""

    loc: Loc
    schema: Any
    ref: str | None = None
    nullable: bool = False

    def component_class(self) -> str | None:
        """The class name the generator gives the component ``ref`` names (None when the view did
        not come from a component of the compared document)."""
        return class_name(self.ref) if self.ref and "#" not in self.ref else None


@dataclass
class ObjView:
    """An object schema with ``allOf`` merged: each property with its location, schema and the
    outermost component it was inherited from (``""`` when declared inline)."""

    props: dict[str, tuple[Loc, Any, str]] = field(default_factory=dict)
    required: dict[str, set[str]] = field(default_factory=dict)
    includes: set[str] = field(default_factory=set)
