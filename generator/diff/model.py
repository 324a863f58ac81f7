"""The values a spec comparison produces: one :class:`Change` per client-visible difference,
collected in a :class:`DiffReport` that also suggests the semantic-version bump of the client.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Change kinds that *add* something to the client (a method, a model, a field, an enum member...).
#: A release whose changes are all non-breaking needs a minor bump when one of them is an addition,
#: and a patch bump otherwise.
ADDITIVE_KINDS = frozenset(
    {
        "operation.added",
        "parameter.added",
        "request-body.added",
        "request-body.media-type-added",
        "response.added",
        "response.media-type-added",
        "schema.added",
        "property.added",
        "enum.value-added",
        "variant.added",
        "discriminator.mapping-added",
    }
)

BUMPS = ("patch", "minor", "major")


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a document, as a client user feels it.

    ``kind`` is a stable dotted identifier (``property.removed``); ``breaking`` says whether code
    written against a client generated from the old document can fail with one generated from the
    new one; ``subject`` names what changed (``operation CreateHub``, ``schema Hub``), for grouping;
    ``old``/``new`` are JSON pointers (``/components/schemas/Hub/properties/name``) on each side,
    ``None`` on the side where the thing does not exist. Locations in another file than the compared
    document are written ``file-uri#pointer``.
    """

    kind: str
    breaking: bool
    message: str
    subject: str = ""
    old: str | None = None
    new: str | None = None

    @property
    def additive(self) -> bool:
        """True when the change adds something to the client."""
        return self.kind in ADDITIVE_KINDS

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (``old_pointer``/``new_pointer`` spelled out)."""
        d = asdict(self)
        return {
            "kind": d["kind"],
            "breaking": d["breaking"],
            "message": d["message"],
            "subject": d["subject"],
            "old_pointer": d["old"],
            "new_pointer": d["new"],
        }


@dataclass
class DiffReport:
    """Every change between the document at ``old_path`` and the one at ``new_path``."""

    old_path: str
    new_path: str
    old_version: str = ""
    new_version: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def breaking(self) -> list[Change]:
        """The breaking changes, in report order."""
        return [c for c in self.changes if c.breaking]

    @property
    def non_breaking(self) -> list[Change]:
        """The non-breaking changes, in report order."""
        return [c for c in self.changes if not c.breaking]

    @property
    def bump(self) -> str:
        """The suggested semantic-version bump of the client: ``major`` when anything breaks,
        ``minor`` when something was added, else ``patch``."""
        if any(c.breaking for c in self.changes):
            return "major"
        if any(c.additive for c in self.changes):
            return "minor"
        return "patch"

    def kinds(self) -> dict[str, int]:
        """How many changes of each kind (sorted by kind)."""
        out: dict[str, int] = {}
        for c in self.changes:
            out[c.kind] = out.get(c.kind, 0) + 1
        return dict(sorted(out.items()))

    def summary(self) -> str:
        """One line: counts and the suggested bump."""
        b, n = len(self.breaking), len(self.non_breaking)
        return (
            f"{b} breaking change{'s' if b != 1 else ''}, {n} non-breaking change{'s' if n != 1 else ''}; "
            f"suggested version bump: {self.bump}"
        )
