"""Component schemas (the classes users import from ``models``): each one present on both sides is
compared as a schema; those removed or added are reported as removed, renamed, added, extracted
from an inline schema or inlined.

Rules: "Component schemas" in :mod:`generator.diff`.
"""

from __future__ import annotations

from typing import Any

from .context import BOTH, Ctx
from .core import ComparerCore
from .facts import class_name, enum_is_class, enum_values, fingerprint
from .model import Change


class ComponentsMixin(ComparerCore):
    """Compares the component schemas of two documents."""

    def _component(self, name: str) -> None:
        """Compare the component schema ``name`` of both sides, in the directions it is used (both
        when no operation reaches it)."""
        oloc = self.old.root.child("components", "schemas", name)
        nloc = self.new.root.child("components", "schemas", name)
        dirs = frozenset(self.usage.get(name) or BOTH)
        cls = class_name(name)
        ctx = Ctx(subject=f"schema {name}", label=cls, hint=cls, dirs=dirs, component=name)
        self.schema(oloc, self.old.schemas[name], nloc, self.new.schemas[name], ctx)

    def _component_lifecycle(self) -> list[Change]:
        """The changes of the component schemas on one side only (removed, renamed, inlined, then
        extracted, added), returned rather than recorded: they are reported before the changes
        inside the components on both sides."""
        saved, self.changes = self.changes, []
        removed = [n for n in self.old.schemas if n not in self.new.schemas]
        added = [n for n in self.new.schemas if n not in self.old.schemas]
        by_print: dict[str, list[str]] = {}
        for n in added:  # only models and enums: two plain aliases alike say nothing of a rename
            if n not in self.extracted and _what(self.new.schemas[n]) != "type alias":
                by_print.setdefault(fingerprint(self.new.schemas[n]), []).append(n)
        renamed: dict[str, str] = {}
        for r in removed:
            if r in self.inlined or _what(self.old.schemas[r]) == "type alias":
                continue
            cands = by_print.get(fingerprint(self.old.schemas[r]))
            if cands:
                renamed[r] = cands.pop(0)
        renamed_to = set(renamed.values())
        for r in removed:
            oloc = self.old.root.child("components", "schemas", r)
            if r in renamed:
                a = renamed[r]
                same_class = class_name(r) == class_name(a)
                self.add(
                    "schema.renamed",
                    not same_class,
                    (
                        f"schema {r}: renamed to {a} (model class {class_name(r)} is now {class_name(a)})"
                        if not same_class
                        else f"schema {r}: renamed to {a} (the model class keeps its name)"
                    ),
                    f"schema {r}",
                    old=oloc,
                    new=self.new.root.child("components", "schemas", a),
                )
            elif r in self.inlined:
                self.add(
                    "schema.inlined",
                    False,
                    f"schema {r}: moved inline where it is used; the generated class {class_name(r)} keeps its name",
                    f"schema {r}",
                    old=oloc,
                )
            else:
                self.add(
                    "schema.removed",
                    True,
                    f"schema {r}: removed ({_what(self.old.schemas[r])} {class_name(r)} is no longer generated; importing it fails)",
                    f"schema {r}",
                    old=oloc,
                )
        for a in added:
            if a in renamed_to:
                continue
            nloc = self.new.root.child("components", "schemas", a)
            if a in self.extracted:
                self.add(
                    "schema.extracted",
                    False,
                    f"schema {a}: now a component; the class {class_name(a)} was already generated from an inline schema",
                    f"schema {a}",
                    new=nloc,
                )
            else:
                self.add(
                    "schema.added",
                    False,
                    f"schema {a}: added (new {_what(self.new.schemas[a])} {class_name(a)})",
                    f"schema {a}",
                    new=nloc,
                )
        lifecycle, self.changes = self.changes, saved
        return lifecycle


def _what(schema: Any) -> str:
    """What the generator makes of a component schema: ``model``, ``enum`` or ``type alias``."""
    if not isinstance(schema, dict):
        return "type alias"
    values = enum_values(schema)
    if values is not None and "const" not in schema and enum_is_class(values, schema):
        return "enum"
    if (
        schema.get("properties")
        or schema.get("allOf")
        or schema.get("additionalProperties") is False
    ):
        return "model"
    return "type alias"
