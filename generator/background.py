"""Validation off the critical path: cached by content hash, and run in a forked process while
the IR is built, rendered and formatted. A changed document is validated again, but its Schema
Objects and its units (path items, operations, responses, parameters...) that passed their check
in an earlier run are not checked again (:func:`generator.validate_speed.schema_check_key`).

openapi-spec-validator is the slowest single step on large documents, and its findings only
become warnings in the default (lenient) mode, so nothing has to wait for it until the end.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import threading
from dataclasses import dataclass
from functools import cached_property
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, DiagnosticSink, GenerationError, Level
from .paths import write_cache_file


def _validator_version() -> str:
    from importlib import metadata  # not before the validator's process is forked

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


def _run(data: dict[str, Any], version: str, source: str, schemas_file: Path | None = None) -> list[Diagnostic]:
    """Validate ``data``; Schema Objects and units known to be valid (``schemas_file``: keys of
    those that passed their check before, see :func:`generator.validate_speed.schema_check_key`) are
    not checked again, and the keys of those that pass now are added to the file."""
    from .validate import validate

    sink = DiagnosticSink(default_source=source)
    known = _read_keys(schemas_file)
    valid = set(known)
    validate(data, version, sink, valid)
    if schemas_file is not None and not valid <= known:
        kept = valid if len(valid) <= MAX_VALID_SCHEMAS else valid - known
        write_cache_file(schemas_file, "\n".join(sorted(kept)) + "\n", encoding="ascii")
    return sink.items


def _child(
    conn: Connection,
    data: dict[str, Any] | None,
    version: str,
    source: str,
    schemas_file: Path | None,
    overlays: tuple[Path, ...] = (),
) -> None:
    try:
        if data is None:  # started before the parent loaded the document: load it here
            from .load import load_document
            from .validate import check_version

            own = DiagnosticSink()
            doc = load_document(Path(source), own)
            if overlays:  # the document the parent validates is the overlaid one
                from .overlay import overlay_document

                overlay_document(doc, overlays, own)
            data = doc.data
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

    document_sha256: str
    cache_dir: Path | None
    source: str
    result: list[Diagnostic] | None = None
    process: Any = None
    conn: Connection | None = None
    #: an early child's inbox: it waits there for the document this process loads
    inbox: Connection | None = None

    @cached_property
    def key(self) -> str:
        """The cache key of this validation (:func:`cache_key`)."""
        return cache_key(self.document_sha256)

    @property
    def cache_file(self) -> Path | None:
        """Where the findings are cached (None without a cache folder)."""
        return self.cache_dir / "validate" / self.key if self.cache_dir is not None else None

    def cached(self) -> str | None:
        """The cached findings (JSON text), or None."""
        if self.cache_file is None:
            return None
        try:
            text = self.cache_file.read_text(encoding="utf-8")
            json.loads(text)
        except (OSError, ValueError):
            return None
        return text

    def provide(self, data: Any, version: str) -> None:
        """Hand the document loaded here to an early child (which then need not parse it again).

        Pickled here, sent from a thread: the child may still be importing the validator, and a
        document larger than the pipe's buffer would block this process until it reads. A
        document that cannot be pickled is loaded by the child itself."""
        inbox, self.inbox = self.inbox, None
        if inbox is None:
            return
        try:  # here, not in the thread: this process goes on to use (and may change) ``data``
            payload = ForkingPickler.dumps((data, version))
        except Exception:  # (pickle raises several kinds) the child loads it itself
            payload = ForkingPickler.dumps(None)

        def send() -> None:
            try:
                inbox.send_bytes(payload)
            except OSError:  # the child has ended (findings from the cache) or was stopped
                pass
            finally:
                inbox.close()

        threading.Thread(target=send, name="send-document-to-validator", daemon=True).start()

    def wait(self) -> list[Diagnostic]:
        """The findings (waits for the child process; stores them in the cache)."""
        if self.result is None and self.conn is not None:
            try:
                text = self.conn.recv()
            except EOFError:
                text = json.dumps([[int(Level.WARNING), "the validator process died", ""]])
            self.process.join()
            self.result = _from_json(text, self.source)
            if text != self.cached():  # (an early child may have answered from the cache)
                self._store(text)
        return self.result or []

    def cancel(self) -> None:
        """Stop a running child (e.g. when generation failed anyway)."""
        if self.process is not None and self.process.is_alive():
            self.process.kill()
            self.process.join()
        if self.inbox is not None:
            self.inbox.close()
            self.inbox = None

    def _store(self, text: str) -> None:
        if self.cache_file is not None:
            write_cache_file(self.cache_file, text)


def _schemas_file(cache_dir: Path | None) -> Path | None:
    return cache_dir / "validate" / f"valid-schemas-{_validator_version()}" if cache_dir is not None else None


def _early_child(
    conn: Connection,
    inbox: Connection,
    source: str,
    document_sha256: str,
    cache_dir: Path | None,
    overlays: tuple[Path, ...],
) -> None:
    cached = PendingValidation(document_sha256, cache_dir, source).cached()
    if cached is not None:
        conn.send(cached)
        conn.close()
        return
    try:  # the imports first: they take longer than the parent's loading of the document
        from . import validate

        validate.import_validator()
        message = inbox.recv()
    except EOFError:  # the parent stopped needing it (or failed to load the document)
        conn.close()
        return
    except BaseException:  # the child reports its own failure below
        message = None
    finally:
        inbox.close()
    data, version = message if message is not None else (None, "")
    _child(conn, data, version, source, _schemas_file(cache_dir), overlays)


def start_validation_early(
    spec: Path, document_sha256: str, cache_dir: Path | None, overlays: tuple[Path, ...] = ()
) -> PendingValidation | None:
    """Begin validating the document at ``spec`` with its ``overlays`` applied (whose inputs have
    the digest ``document_sha256``, :func:`generator.pipeline.inputs_sha256`) before this
    process has loaded it, or even imported the rest of the pipeline: in a forked child that takes
    the findings from the cache, else imports the validator (half a second, overlapping this
    process's work) and then validates the document this process loads and hands over
    (:meth:`PendingValidation.provide`). None when forking is unavailable.
    :func:`generator.pipeline.build` adopts it when its bytes are the ones it loaded;
    :meth:`PendingValidation.cancel` stops it when it is not needed after all."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    pending = PendingValidation(document_sha256, cache_dir, str(spec))
    inbox, pending.inbox = multiprocessing.get_context("fork").Pipe(duplex=False)
    _fork(pending, _early_child, inbox, str(spec), document_sha256, cache_dir, overlays)
    inbox.close()
    return pending


def _fork(pending: PendingValidation, target: Any, *args: Any) -> None:
    """Run ``target(conn, *args)`` in a forked child whose findings ``pending`` waits for."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(child, *args), daemon=True)
    proc.start()
    child.close()
    pending.process, pending.conn = proc, parent


def start_validation(
    data: dict[str, Any] | None,
    document_sha256: str,
    version: str,
    source: str,
    cache_dir: Path | None,
    background: bool = True,
) -> PendingValidation:
    """Begin validating ``data``: from the cache when possible, else in a forked child process
    (``background``) or right away."""
    pending = PendingValidation(document_sha256, cache_dir, source)
    cached = pending.cached()
    if cached is not None:
        pending.result = _from_json(cached, source)
        return pending
    if background and "fork" in multiprocessing.get_all_start_methods():
        _fork(pending, _child, data, version, source, _schemas_file(cache_dir))
        return pending
    if data is None:
        raise ValueError("validating in process needs the loaded document")
    diags = _run(data, version, source, _schemas_file(cache_dir))
    pending.result = diags
    pending._store(_to_json(diags))
    return pending
