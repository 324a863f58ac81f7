"""The entry points: load two documents (:func:`load_spec`, :func:`diff_files`) and compare them
(:func:`compare_documents`) with :class:`Comparer`, which pairs their operations, compares each pair
and then the component schemas.

Rules: :mod:`generator.diff`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..diagnostics import DiagnosticSink, GenerationError
from ..load import Document, load_document
from .bodies import RequestBodyMixin
from .components import ComponentsMixin
from .facts import as_dict
from .model import Change, DiffReport
from .operations import Op, match_operations, operations_of
from .parameters import ParametersMixin
from .responses import ResponsesMixin
from .schemas import SchemasMixin
from .side import Side


class Comparer(ComponentsMixin, ParametersMixin, RequestBodyMixin, ResponsesMixin, SchemasMixin):
    """Compares two loaded documents; :meth:`run` returns the changes in report order."""

    def run(self) -> list[Change]:
        """All the changes, in report order: each operation of the old document (removed, or its
        changes against its pair), the added operations, then the component schemas: those on one
        side only (:meth:`_component_lifecycle`) before the changes inside the others."""
        old_ops, new_ops = operations_of(self.old), operations_of(self.new)
        pairs, removed, added = match_operations(old_ops, new_ops)
        removed_ids = {id(o) for o in removed}
        pair_of = {id(o): n for o, n in pairs}
        for o in old_ops:
            if id(o) in removed_ids:
                self.add(
                    "operation.removed",
                    True,
                    f"{o.call}: operation {o.key} removed ({o.route})",
                    f"operation {o.key}",
                    old=o.loc,
                )
            elif id(o) in pair_of:
                self._operation(o, pair_of[id(o)])
        for n in added:
            self.add(
                "operation.added",
                False,
                f"{n.call}: operation {n.key} added ({n.route})",
                f"operation {n.key}",
                new=n.loc,
            )
        schema_changes_at = len(self.changes)
        for name, schema in self.old.schemas.items():
            if name in self.new.schemas:
                self._component(name)
        lifecycle = self._component_lifecycle()
        self.changes[schema_changes_at:schema_changes_at] = lifecycle
        return self.changes

    def _operation(self, o: Op, n: Op) -> None:
        """Report the changes between two versions of one operation: its name, resource, route and
        deprecation, then its parameters, request body and responses."""
        subject = f"operation {n.key}"
        if o.op_id != n.op_id and o.op_id and n.op_id:
            same = o.py_name == n.py_name
            self.add(
                "operation.renamed",
                not same,
                f"{o.call}: operationId {o.op_id} renamed to {n.op_id}"
                + (
                    " (the Python method name is unchanged)"
                    if same
                    else f"; the method is now {n.call}"
                ),
                subject,
                old=o.loc,
                new=n.loc,
            )
        elif o.py_name != n.py_name:
            self.add(
                "operation.renamed",
                True,
                f"{o.call}: the method is now {n.call} ({o.key} -> {n.key})",
                subject,
                old=o.loc,
                new=n.loc,
            )
        if o.attr != n.attr:
            self.add(
                "operation.moved",
                True,
                f"{o.call}: moved to {n.call} (its first tag changed from '{o.tag}' to '{n.tag}')",
                subject,
                old=o.loc,
                new=n.loc,
            )
        if o.route != n.route:
            self.add(
                "operation.path-changed",
                False,
                f"{n.call}: now calls {n.route} (was {o.route}); the client hides the URL",
                subject,
                old=o.loc,
                new=n.loc,
            )
        if n.data.get("deprecated") is True and o.data.get("deprecated") is not True:
            self.add(
                "operation.deprecated",
                False,
                f"{n.call}: operation {n.key} is now deprecated",
                subject,
                old=o.loc,
                new=n.loc,
            )
        self._parameters(o, n, subject)
        self._request_body(o, n, subject)
        self._responses(o, n, subject)


def load_spec(
    path: Path, sink: DiagnosticSink, change: Callable[[Document], object] | None = None
) -> Document:
    """Load ``path``, ``change`` it (overlays) and check it looks like an OpenAPI document.

    Raises :class:`GenerationError` (with an ERROR in ``sink``) when it cannot be used.
    """
    doc = load_document(path, sink)
    if change is not None:
        change(doc)
    if not isinstance(doc.data, dict) or not isinstance(
        doc.data.get("openapi", doc.data.get("swagger")), str
    ):
        sink.error(
            "not an OpenAPI document (expected a mapping with an 'openapi' version)",
            source=str(path),
        )
        raise GenerationError("not openapi")
    return doc


def compare_documents(
    old: Document,
    new: Document,
    sink: DiagnosticSink | None = None,
    *,
    allow_outside_refs: bool = False,
) -> DiffReport:
    """Compare two loaded documents."""
    sink = sink if sink is not None else DiagnosticSink()
    a = Side(old, "old", sink, allow_outside_refs)
    b = Side(new, "new", sink, allow_outside_refs)
    changes = Comparer(a, b).run()

    def version(doc: Document) -> str:
        info = as_dict(doc.data.get("info"))
        return str(info.get("version") or "")

    return DiffReport(str(old.path), str(new.path), version(old), version(new), changes)


def diff_files(
    old: Path,
    new: Path,
    sink: DiagnosticSink,
    *,
    allow_outside_refs: bool = False,
    overlays: tuple[Path, ...] = (),
) -> DiffReport:
    """Load and compare two documents, each with ``overlays`` applied in order
    (:mod:`generator.overlay`; their ``extends`` is not compared with either document). Raises
    :class:`GenerationError` when either cannot be loaded or an overlay cannot be applied (the
    diagnostics are in ``sink``)."""
    from ..overlay import apply_overlays, load_overlays

    checked = load_overlays(overlays, sink) if overlays else []
    errors = 0
    docs: list[Document] = []
    for path in (old, new):
        try:
            docs.append(load_spec(path, sink, lambda doc: apply_overlays(doc, checked, sink, check_extends=False)))
        except GenerationError:
            errors += 1
    if errors:
        raise GenerationError("cannot load the documents")
    return compare_documents(docs[0], docs[1], sink, allow_outside_refs=allow_outside_refs)
