"""Validation off the critical path: cached by content hash, and run in a forked process while
the IR is built, rendered and formatted. A changed document is validated again, but its Schema
Objects and its units (path items, operations, responses, parameters...) that passed their check
in an earlier run are not checked again (:func:`generator.validate.schema_check_key`).

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

from .diagnostics import Diagnostic, DiagnosticSink, GenerationError, Level


def _validator_version() -> str:
    try:
        return metadata.version("openapi-spec-validator")
    except metadata.PackageNotFoundError:  # pragma: no cover - it is a dependency
        return "unknown"


def cache_key(document_sha256: str) -> str:
    """sha256 over the validator's version and the document's sha256 (the OpenAPI version, and so
    the validator used, follows from the bytes)."""
    return hashlib.sha256(f"validate {_validator_version()}\0{document_sha256}".encode()).hexdigest()


def _to_json(diags: list[Diagnostic]) -> str:
    return json.dumps([[int(d.level), d.message, d.pointer] for d in diags])


def _from_json(text: str, source: str) -> list[Diagnostic]:
    return [Diagnostic(Level(lv), msg, ptr, source) for lv, msg, ptr in json.loads(text)]


#: At most this many keys of valid Schema Objects and units are kept (about 33 bytes each); beyond that the
#: file restarts from the keys one run added.
MAX_VALID_SCHEMAS = 200_000


def _read_keys(path: Path | None) -> set[str]:
    if path is None:
        return set()
    try:
        return set(path.read_text(encoding="ascii").split())
    except (OSError, ValueError):
        return set()


def _write_keys(path: Path, keys: set[str]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text("\n".join(sorted(keys)) + "\n", encoding="ascii")
        os.replace(tmp, path)
    except OSError:
        pass


def _run(data: dict[str, Any], version: str, source: str, schemas_file: Path | None = None) -> list[Diagnostic]:
    """Validate ``data``; Schema Objects and units known to be valid (``schemas_file``: keys of
    those that passed their check before, see :func:`generator.validate.schema_check_key`) are
    not checked again, and the keys of those that pass now are added to the file."""
    from .validate import validate

    sink = DiagnosticSink(default_source=source)
    known = _read_keys(schemas_file)
    valid = set(known)
    validate(data, version, sink, valid)
    if schemas_file is not None and not valid <= known:
        _write_keys(schemas_file, valid if len(valid) <= MAX_VALID_SCHEMAS else valid - known)
    return sink.items


def _child(
    conn: Connection, data: dict[str, Any] | None, version: str, source: str, schemas_file: Path | None
) -> None:
    try:
        if data is None:  # started before the parent loaded the document: load it here
            from .load import load_document
            from .validate import check_version

            own = DiagnosticSink()
            data = load_document(Path(source), own).data
            version = check_version(data, own)
        conn.send(_to_json(_run(data, version, source, schemas_file)))
    except GenerationError:  # the parent reports why the document cannot be read
        conn.send("[]")
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


def start_validation_early(spec: Path, document_sha256: str, cache_dir: Path | None) -> PendingValidation | None:
    """Begin validating the document at ``spec`` (whose bytes have ``document_sha256``) before this
    process has loaded it, or even imported the rest of the pipeline: from the cache, else in a
    forked child that loads the document itself, so that importing the validator (half a second)
    overlaps the parent's own work. None when forking is unavailable.
    :func:`generator.pipeline.build` adopts it when its bytes are the ones it loaded."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return start_validation(None, document_sha256, "", str(spec), cache_dir)


def start_validation(
    data: dict[str, Any] | None,
    document_sha256: str,
    version: str,
    source: str,
    cache_dir: Path | None,
    background: bool = True,
) -> PendingValidation:
    """Begin validating ``data``: from the cache when possible, else in a forked child process
    (``background``) or right away. ``data`` None: the child loads ``source`` itself."""
    key = cache_key(document_sha256)
    cache_file = cache_dir / "validate" / key if cache_dir else None
    schemas_file = cache_dir / "validate" / f"valid-schemas-{_validator_version()}" if cache_dir else None
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
        proc = ctx.Process(target=_child, args=(child, data, version, source, schemas_file), daemon=True)
        proc.start()
        child.close()
        pending.process, pending.conn = proc, parent
        return pending
    if data is None:
        raise ValueError("validating in process needs the loaded document")
    diags = _run(data, version, source, schemas_file)
    pending.result = diags
    pending._store(_to_json(diags))
    return pending
