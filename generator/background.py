"""Validation off the critical path: cached by content hash, and run in a forked process while
the IR is built, rendered and formatted.

openapi-spec-validator is the slowest single step on large documents, and its findings only
become warnings in the default (lenient) mode, so nothing has to wait for it until the end.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from dataclasses import dataclass
from importlib import metadata
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, DiagnosticSink, Level


def _validator_version() -> str:
    try:
        return metadata.version("openapi-spec-validator")
    except metadata.PackageNotFoundError:  # pragma: no cover - it is a dependency
        return "unknown"


def cache_key(raw: bytes, version: str) -> str:
    """sha256 over the validator's version, the OpenAPI version and the document bytes."""
    h = hashlib.sha256(f"validate {_validator_version()} {version}\0".encode())
    h.update(raw)
    return h.hexdigest()


def _to_json(diags: list[Diagnostic]) -> str:
    return json.dumps([[int(d.level), d.message, d.pointer] for d in diags])


def _from_json(text: str, source: str) -> list[Diagnostic]:
    return [Diagnostic(Level(lv), msg, ptr, source) for lv, msg, ptr in json.loads(text)]


def _run(data: dict[str, Any], version: str, source: str) -> list[Diagnostic]:
    from .validate import validate

    sink = DiagnosticSink(default_source=source)
    validate(data, version, sink)
    return sink.items


def _child(conn: Connection, data: dict[str, Any], version: str, source: str) -> None:
    try:
        conn.send(_to_json(_run(data, version, source)))
    except BaseException as exc:  # report, never hang the parent
        conn.send(json.dumps([[int(Level.WARNING), f"the validator failed: {type(exc).__name__}", ""]]))
    finally:
        conn.close()


@dataclass
class PendingValidation:
    """A validation that is cached, running in a child process, or already done in process."""

    key: str
    cache_file: Path | None
    source: str
    result: list[Diagnostic] | None = None
    process: Any = None
    conn: Connection | None = None

    def wait(self) -> list[Diagnostic]:
        """The findings (waits for the child process; stores them in the cache)."""
        if self.result is None and self.conn is not None:
            try:
                text = self.conn.recv()
            except EOFError:
                text = json.dumps([[int(Level.WARNING), "the validator process died", ""]])
            self.process.join()
            self.result = _from_json(text, self.source)
            self._store(text)
        return self.result or []

    def cancel(self) -> None:
        """Stop a running child (e.g. when generation failed anyway)."""
        if self.process is not None and self.process.is_alive():
            self.process.kill()
            self.process.join()

    def _store(self, text: str) -> None:
        if self.cache_file is None:
            return
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_file.with_name(f".{self.cache_file.name}.{os.getpid()}")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.cache_file)
        except OSError:
            pass


def start_validation(
    data: dict[str, Any], raw: bytes, version: str, source: str, cache_dir: Path | None, background: bool = True
) -> PendingValidation:
    """Begin validating ``data``: from the cache when possible, else in a forked child process
    (``background``) or right away."""
    key = cache_key(raw, version)
    cache_file = cache_dir / "validate" / key if cache_dir else None
    pending = PendingValidation(key, cache_file, source)
    if cache_file is not None:
        try:
            pending.result = _from_json(cache_file.read_text(encoding="utf-8"), source)
            return pending
        except (OSError, ValueError):
            pass
    if background and "fork" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(child, data, version, source), daemon=True)
        proc.start()
        child.close()
        pending.process, pending.conn = proc, parent
        return pending
    diags = _run(data, version, source)
    pending.result = diags
    pending._store(_to_json(diags))
    return pending
