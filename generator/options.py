"""What a run is asked to do (:class:`Options`) and what it produced (:class:`Result`).

Kept apart from :mod:`generator.pipeline` so that the CLI and the up-to-date check
(:mod:`generator.uptodate`) can use them without importing the pipeline's stages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diagnostics import DiagnosticSink, Level

if TYPE_CHECKING:
    from .emit.write import WriteReport
    from .ir.model import Api


@dataclass
class Options:
    """What to generate: the spec, where to, names, and how strict to be."""

    spec: Path
    output: Path = Path("output")
    package_name: str | None = None
    project_name: str | None = None
    strict: bool = False
    validate: bool = True
    allow_remote_refs: bool = False
    allow_outside_refs: bool = False
    template_dir: str | None = None
    use_cache: bool = True
    jobs: int | None = None
    class_names: dict[str, str] = field(default_factory=dict)
    pagination: dict[str, Any] = field(default_factory=dict)
    version: str | None = None
    #: The header every POST/PATCH of the client sends an idempotency key in (a random key
    #: when the call gives none; the same for its retries), besides operations that declare one.
    idempotency_header: str | None = None
    #: OpenAPI Overlays applied, in order, to the document before it is validated and generated
    #: (generator.overlay).
    overlays: tuple[Path, ...] = ()
    #: The level from which the caller shows diagnostics; they are located while the validator
    #: finishes. None: located only when rendered.
    shown_from: Level | None = None


@dataclass(frozen=True)
class Summary:
    """What the closing line of a run reports: the project's name and its counts of operations,
    models (definitions) and files (the manifest included)."""

    project: str
    operations: int
    models: int
    files: int


@dataclass
class Result:
    """The outcome: generated ``files`` (relative to the project folder), diagnostics, timings."""

    sink: DiagnosticSink
    api: Api | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    project_dir: Path | None = None
    report: WriteReport | None = None
    timings: dict[str, float] = field(default_factory=dict)
    render_hashes: dict[str, str] = field(default_factory=dict)
    #: Files of ``files`` already compiled without error (by the formatting workers).
    compiled: set[str] = field(default_factory=set)
    summary: Summary | None = None
    #: True when nothing ran: the output was already that of these inputs (generator.uptodate).
    reused: bool = False
    #: ``generate --check``: how ``project_dir`` differs from ``files`` ("" when it is up to date;
    #: generator.emit.write.check_report).
    stale_report: str = ""

    @property
    def ok(self) -> bool:
        """True when there are no errors."""
        return not self.sink.has_errors()
