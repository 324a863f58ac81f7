"""``generator.cli.entry``: the console script's exit skips the interpreter's shutdown, so it must
flush what was printed, stop any child process still running, and keep ``main``'s exit code."""

from __future__ import annotations

import multiprocessing
import sys
import time

import pytest

from generator import cli


def _sleep() -> None:
    time.sleep(60)


def test_entry_flushes_stops_children_and_exits_with_mains_code(monkeypatch: pytest.MonkeyPatch) -> None:
    child = multiprocessing.get_context("fork").Process(target=_sleep, daemon=True)
    flushed: list[str] = []

    def main() -> int:
        child.start()  # (starting a process flushes the streams too)
        flushed.clear()
        return 3

    class Stream:
        def __init__(self, name: str) -> None:
            self.name = name

        def flush(self) -> None:
            flushed.append(self.name)

    def fake_exit(code: int) -> None:
        raise SystemExit(code)

    monkeypatch.setattr(cli, "main", main)
    monkeypatch.setattr(cli.os, "_exit", fake_exit)
    monkeypatch.setattr(sys, "stdout", Stream("stdout"))
    monkeypatch.setattr(sys, "stderr", Stream("stderr"))
    with pytest.raises(SystemExit) as exited:
        cli.entry()
    assert exited.value.code == 3
    assert flushed == ["stdout", "stderr"]
    assert not child.is_alive()
