"""generator/background.py: the validator's child process started before the document is loaded
(``start_validation_early``) validates the document the parent hands over, or answers from the
cache, and never hangs the parent."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from generator import load
from generator.background import start_validation_early
from generator.diagnostics import DiagnosticSink, GenerationError

DOC = """\
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      parameters: [{name: x, in: nowhere}]
      responses: {"200": {description: ok}}
"""


def _spec(tmp_path: Path) -> tuple[Path, str]:
    spec = tmp_path / "doc.yaml"
    spec.write_text(DOC, encoding="utf-8")
    return spec, hashlib.sha256(spec.read_bytes()).hexdigest()


def _refuse_to_load(path: Path, sink: DiagnosticSink) -> Any:
    raise AssertionError("the child parsed the document itself")


def test_the_early_child_validates_the_document_it_is_handed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, digest = _spec(tmp_path)
    data = load.load_document(spec, DiagnosticSink()).data
    monkeypatch.setattr(load, "load_document", _refuse_to_load)  # inherited by the forked child
    pending = start_validation_early(spec, digest, tmp_path / "cache")
    assert pending is not None
    pending.provide(data, "3.0")
    found = pending.wait()
    assert [d.pointer for d in found] == ["/paths/~1a/get/parameters/0"]
    assert found[0].message.startswith("invalid OpenAPI")
    cached = json.loads(pending.cache_file.read_text(encoding="utf-8"))  # type: ignore[union-attr]
    assert [c[2] for c in cached] == ["/paths/~1a/get/parameters/0"]

    # the same bytes again: the child answers from the cache, without the document
    again = start_validation_early(spec, digest, tmp_path / "cache")
    assert again is not None
    assert [d.pointer for d in again.wait()] == ["/paths/~1a/get/parameters/0"]
    again.provide(data, "3.0")  # too late and not needed: no error, no hang
    again.process.join(5)
    assert not again.process.is_alive()


def test_an_early_child_that_is_not_needed_is_stopped(tmp_path: Path) -> None:
    spec, digest = _spec(tmp_path)
    pending = start_validation_early(spec, digest, None)
    assert pending is not None
    pending.cancel()
    assert not pending.process.is_alive()
    assert pending.inbox is None


def test_a_document_that_cannot_be_handed_over_is_loaded_by_the_child(tmp_path: Path) -> None:
    spec, digest = _spec(tmp_path)
    pending = start_validation_early(spec, digest, None)
    assert pending is not None
    pending.provide({"unpicklable": lambda: None}, "3.0")
    assert [d.pointer for d in pending.wait()] == ["/paths/~1a/get/parameters/0"]


def test_a_document_the_parent_cannot_load_ends_the_child_quietly(tmp_path: Path) -> None:
    spec = tmp_path / "broken.yaml"
    spec.write_text("openapi: [", encoding="utf-8")
    with pytest.raises(GenerationError):
        load.load_document(spec, DiagnosticSink())
    pending = start_validation_early(spec, hashlib.sha256(spec.read_bytes()).hexdigest(), None)
    assert pending is not None
    pending.cancel()  # what build() does when the document does not load
    pending.process.join(5)
    assert not pending.process.is_alive()


def test_shown_diagnostics_are_located_before_waiting_for_the_validator(tmp_path: Path) -> None:
    """``finish_validation`` locates what will be shown while the validator may still run; what
    will not be shown is located only when asked for."""
    from generator.diagnostics import Level
    from generator.pipeline import finish_validation

    spec, _ = _spec(tmp_path)
    calls: list[str] = []

    def locate(source: str, pointer: str) -> tuple[int, int]:
        calls.append(pointer)
        return load.locate(source, pointer)

    sink = DiagnosticSink(locate=locate, default_source=str(spec), shown_from=Level.WARNING)
    sink.warning("shown", "/paths/~1a/get")
    sink.info("not shown", "/paths/~1a")
    seen_at_wait: list[int] = []

    class Pending:
        def wait(self) -> list[Any]:
            seen_at_wait.extend(d.line for d in sink.items)
            return []

    timings: dict[str, float] = {}
    finish_validation(Pending(), sink, timings)  # type: ignore[arg-type]
    assert calls == ["/paths/~1a/get"] and "locate" in timings
    assert seen_at_wait == [6, 0]  # the warning's node (line 6), found before waiting; the info not looked up
