"""Diagnostics: values that describe a problem in the input, collected and printed once.

A diagnostic names where the problem is (the spec file, its line and column when known, and the
RFC 6901 JSON pointer into the document) and what it is. Stages never print; they add diagnostics
to a :class:`DiagnosticSink`, and the CLI renders them one per line as
``SEVERITY file:line:col json-pointer: message``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import urlparse

from .paths import uri_path


class Level(enum.IntEnum):
    """Severity of a diagnostic; the worst level decides the exit code."""

    INFO = 10
    WARNING = 20
    ERROR = 30


@dataclass(frozen=True)
class Diagnostic:
    """One finding about the input.

    ``pointer`` is an escaped JSON pointer (``/paths/~1pets/get``) into the document ``source``
    (a file path); ``line``/``col`` are 1-based and 0 when unknown.
    """

    level: Level
    message: str
    pointer: str = ""
    source: str = ""
    line: int = 0
    col: int = 0
    code: str = ""

    def render(self) -> str:
        """Return the one-line form ``SEVERITY file:line:col pointer: message``."""
        where = self.source or "<input>"
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        ptr = f" #{self.pointer}" if self.pointer or self.source else ""
        return _printable(f"{self.level.name} {where}{ptr}: {self.message}")


def _printable(text: str) -> str:
    """Escape anything a terminal would interpret (ANSI sequences, control characters)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def escape_pointer_token(token: str | int) -> str:
    """Escape one JSON pointer reference token (RFC 6901: ``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def join_pointer(base: str, *tokens: str | int) -> str:
    """Append reference tokens to a JSON pointer, escaping each one."""
    return base + "".join("/" + escape_pointer_token(t) for t in tokens)


#: A JSON pointer as a chain of ``(parent chain, token)`` pairs, ``()`` for the root: a walk over
#: a whole document extends it in constant time per node and spells it out
#: (:func:`chain_pointer`) only where one is needed.
PointerChain = tuple[Any, ...]


def chain_pointer(chain: PointerChain) -> str:
    """The JSON pointer text of ``chain`` (escaped, ``""`` for the root)."""
    tokens: list[str | int] = []
    while chain:
        chain, token = chain
        tokens.append(token)
    return join_pointer("", *reversed(tokens))


@dataclass
class DiagnosticSink:
    """Collects diagnostics from all stages.

    ``locate`` maps ``(source, pointer)`` to ``(line, col)``; it is called only when a
    diagnostic is rendered, so line numbers cost nothing on a clean run.
    """

    items: list[Diagnostic] = field(default_factory=list)
    locate: Callable[[str, str], tuple[int, int]] | None = None
    default_source: str = ""
    #: Findings still being computed elsewhere (a background validation); see pipeline.
    pending: Any = None
    #: The level from which diagnostics will be shown (None: not known). Those are located while
    #: a background validation is still running (see ``pipeline.finish_validation``).
    shown_from: Level | None = None
    #: Documents changed by overlays, by source: a function from a JSON pointer into the changed
    #: document to the file and pointer that wrote what is there
    #: (:meth:`generator.overlay.Provenance.origin`). A diagnostic of such a document is moved
    #: there as it is added.
    origins: dict[str, Callable[[str], tuple[str, str]]] = field(default_factory=dict)

    def add(
        self, level: Level, message: str, pointer: str = "", *, source: str = "", code: str = ""
    ) -> None:
        """Record a diagnostic at ``pointer`` of ``source`` (default: the root document); a
        ``file:`` URI (a referenced document) is shown, and located, as its path."""
        if source.startswith("file:"):
            source = uri_path(urlparse(source).path)
        self.items.append(
            self._placed(Diagnostic(level, message, pointer, source or self.default_source, code=code))
        )

    def _placed(self, d: Diagnostic) -> Diagnostic:
        """``d`` moved to the file and pointer that wrote its node (see ``origins``)."""
        origin = self.origins.get(d.source)
        if origin is None:
            return d
        source, pointer = origin(d.pointer)
        if source == d.source and pointer == d.pointer:
            return d
        return Diagnostic(d.level, d.message, pointer, source, 0, 0, d.code)

    def info(self, message: str, pointer: str = "", **kw: str) -> None:
        """Record an INFO diagnostic (e.g. a rename)."""
        self.add(Level.INFO, message, pointer, **kw)

    def warning(self, message: str, pointer: str = "", **kw: str) -> None:
        """Record a WARNING: generation goes on unless ``--strict``."""
        self.add(Level.WARNING, message, pointer, **kw)

    def error(self, message: str, pointer: str = "", **kw: str) -> None:
        """Record an ERROR: generation stops after the current stage."""
        self.add(Level.ERROR, message, pointer, **kw)

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        """Add diagnostics made elsewhere (e.g. by a worker process)."""
        self.items.extend(map(self._placed, diags) if self.origins else diags)

    @property
    def worst(self) -> Level | None:
        """The most severe level recorded, or None when there is nothing."""
        return max((d.level for d in self.items), default=None)

    def has_errors(self) -> bool:
        """True when any ERROR was recorded."""
        return any(d.level >= Level.ERROR for d in self.items)

    def resolved(self, min_level: Level = Level.INFO) -> list[Diagnostic]:
        """Diagnostics at ``min_level`` or worse, with line/col filled in (lines are looked up
        only for these: on a large document that is a second parse), sorted by level (worst
        first), source, pointer."""
        out = []
        seen = set()
        for i, d in enumerate(self.items):
            if d.level < min_level:
                continue
            key = (d.level, d.message, d.pointer, d.source)
            if key in seen:
                continue
            seen.add(key)
            if self.locate is not None and d.source and not d.line:
                try:
                    line, col = self.locate(d.source, d.pointer)
                except Exception:  # a location is a nicety; never fail on it
                    line, col = 0, 0
                d = Diagnostic(d.level, d.message, d.pointer, d.source, line, col, d.code)
                self.items[i] = d  # located once, however often it is asked for
            out.append(d)
        return sorted(out, key=lambda d: (-d.level, d.source, d.pointer, d.message))


class GenerationError(Exception):
    """Raised by a stage when it cannot go on; the diagnostics are already in the sink."""
