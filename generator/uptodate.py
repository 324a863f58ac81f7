"""The whole-run shortcut: inputs already generated into an intact output are not generated again.

A run's output is a pure function of the document's bytes (and its overlays' bytes, in order:
:func:`generator.pipeline.inputs_sha256`), the options, and the generator itself
(its code, its templates and the versions of black and the validator). After a successful run the
cache folder keeps a small record under a hash of all of these (``<cache>/runs/<key>.json``): the sha256 of the manifest
written to the project folder, the closing summary and every diagnostic. When the same inputs come again and every file the manifest lists is still exactly
what it says, the run is answered from the record: the document is not parsed, validated,
built, rendered or formatted, and nothing is written.

Documents that ``$ref`` other files are not recorded (their other files would have to be
hashed as well), nor are runs with errors. Deleting the cache folder is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from functools import cache
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, DiagnosticSink, Level
from .emit.write import MANIFEST, WriteReport, read_manifest
from .options import Options, Result, Summary
from .paths import templates_dir, write_cache_file

#: Bump when the record's layout changes.
RECORD_VERSION = 1
#: Distributions whose version can change the output or the diagnostics.
_DISTRIBUTIONS = ("black", "openapi-spec-validator", "jsonschema-rs", "PyYAML", "jsonpath-rfc9535")


def _tree_digest(h: Any, root: Path, suffixes: tuple[str, ...] | None) -> None:
    """Feed every file under ``root`` (sorted relative paths, contents) into ``h``."""
    entries: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in filenames:
            if suffixes is None or name.endswith(suffixes):
                path = Path(dirpath, name)
                entries.append((path.relative_to(root).as_posix(), path))
    for rel, path in sorted(entries):
        h.update(f"{rel}\0".encode())
        h.update(path.read_bytes())
        h.update(b"\0")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _dist_info_versions() -> dict[str, str]:
    """``{normalized name: version}`` of the distributions in ``_DISTRIBUTIONS`` read from the
    names of their ``<name>-<version>.dist-info`` folders on ``sys.path`` (the first one found
    wins, as for imports): the same versions ``importlib.metadata`` gives, without importing it
    and parsing each ``METADATA`` (a tenth of an unchanged regeneration)."""
    wanted = {_normalized(d) for d in _DISTRIBUTIONS}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                dist, _, version = name[: -len(".dist-info")].partition("-")
                key = _normalized(dist)
                if key in wanted and key not in found:
                    found[key] = version
    return found


@cache
def generator_fingerprint() -> str:
    """sha256 over the generator's own source, its built-in templates, the Python minor version and
    the versions of the distributions in ``_DISTRIBUTIONS`` (a few milliseconds)."""
    h = hashlib.sha256(f"connect-codegen run record {RECORD_VERSION} {sys.version_info[:2]}\0".encode())
    found = _dist_info_versions()
    for dist in _DISTRIBUTIONS:
        version = found.get(_normalized(dist))
        if version is None:  # (not installed as a .dist-info folder: ask importlib.metadata)
            from importlib import metadata

            try:
                version = metadata.version(dist)
            except metadata.PackageNotFoundError:
                version = "-"
        h.update(f"{dist}={version}\0".encode())
    _tree_digest(h, Path(__file__).resolve().parent, (".py",))
    _tree_digest(h, templates_dir(), None)
    return h.hexdigest()


def run_key(opts: Options, document_sha256: str) -> str:
    """The record key of generating the document whose inputs have ``document_sha256`` (its bytes
    and its overlays', :func:`generator.pipeline.inputs_sha256`) with ``opts``: sha256 over the
    generator's fingerprint, every option that can change the output or the diagnostics (not
    ``jobs`` or ``use_cache``; the overlays' paths), a user template folder's files, and the
    document's digest."""
    h = hashlib.sha256(generator_fingerprint().encode())
    described = {
        "spec": str(opts.spec),
        "output": str(opts.output.absolute()),
        "package_name": opts.package_name,
        "project_name": opts.project_name,
        "strict": opts.strict,
        "validate": opts.validate,
        "allow_remote_refs": opts.allow_remote_refs,
        "allow_outside_refs": opts.allow_outside_refs,
        "template_dir": opts.template_dir,
        "class_names": opts.class_names,
        "pagination": opts.pagination,
        "version": opts.version,
        "idempotency_header": opts.idempotency_header,
        "overlays": [str(p) for p in opts.overlays],
    }
    h.update(json.dumps(described, sort_keys=True, default=str).encode())
    if opts.template_dir:
        _tree_digest(h, Path(opts.template_dir), None)
    h.update(f"\0document {document_sha256}".encode())
    return h.hexdigest()


def _record_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / "runs" / f"{key}.json"


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _intact(project_dir: Path, manifest_sha: str) -> list[str] | None:
    """The files of ``project_dir``'s manifest when the manifest has hash ``manifest_sha`` and
    every file it lists is unchanged; None otherwise."""
    if _digest(project_dir / MANIFEST) != manifest_sha:
        return None
    files = read_manifest(project_dir)
    for rel, sha in files.items():
        if _digest(project_dir / rel) != sha:
            return None
    return sorted(files)


def reuse(opts: Options, document_sha256: str, cache_dir: Path | None) -> Result | None:
    """The result of an earlier identical run whose output is intact, or None (then generate).

    ``document_sha256`` is the digest of the document's bytes as the caller read them. Never
    raises: any problem reading the record or the output means None.
    """
    if not opts.use_cache or cache_dir is None:
        return None
    start = time.perf_counter()
    try:
        record_path = _record_path(cache_dir, run_key(opts, document_sha256))
        record = json.loads(record_path.read_text(encoding="utf-8"))
        summary = Summary(**record["summary"])
        project_dir = opts.output / summary.project  # as the pipeline names it (the key has output)
        files = _intact(project_dir, str(record["manifest"]))
        if files is None:
            return None
        diagnostics = [
            Diagnostic(Level(level), message, pointer, source, line, col, code)
            for level, message, pointer, source, line, col, code in record["diagnostics"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    sink = DiagnosticSink(locate=_locate, default_source=str(opts.spec))
    sink.items.extend(diagnostics)
    return Result(
        sink=sink,
        project_dir=project_dir,
        report=WriteReport(unchanged=[f for f in files if f != MANIFEST]),
        summary=summary,
        reused=True,
        timings={"reuse": time.perf_counter() - start},
    )


def _locate(source: str, pointer: str) -> tuple[int, int]:
    """:func:`generator.load.locate`, imported when a reused run prints a diagnostic that was not
    located when it was recorded."""
    from .load import locate

    return locate(source, pointer)


def remember(opts: Options, cache_dir: Path | None, result: Result) -> None:
    """Record a successful run of ``opts`` (see the module docstring for what is kept and when).

    Diagnostics are stored as they are: those to be shown are located already
    (:func:`generator.pipeline.generate` locates them before recording), the rest are located if
    a reused run prints them. Failures are ignored: the record is only a cache.
    """
    api = result.api
    if (
        not opts.use_cache
        or cache_dir is None
        or not result.ok
        or result.report is None
        or result.summary is None
        or result.project_dir is None
        or api is None
        or api.document_count != 1
        or not api.document_sha256
    ):
        return
    try:
        manifest_sha = _digest(result.project_dir / MANIFEST)
        if manifest_sha is None:
            return
        record = {
            "manifest": manifest_sha,
            "summary": {
                "project": result.summary.project,
                "operations": result.summary.operations,
                "models": result.summary.models,
                "files": result.summary.files,
            },
            "diagnostics": [
                [int(d.level), d.message, d.pointer, d.source, d.line, d.col, d.code]
                for d in result.sink.items
            ],
        }
        path = _record_path(cache_dir, run_key(opts, api.document_sha256))  # the bytes loaded
        write_cache_file(path, json.dumps(record))
    except (OSError, ValueError):
        pass
