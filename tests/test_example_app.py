"""The example application (``examples/connect-app``): its pytest and unittest tests pass against
the committed Connect client, and it uses only the client's public API (no ``_private`` import)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "examples" / "connect-app"


def _env(tools: Any) -> dict[str, str]:
    env = tools.clean_env()
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "output" / "versori-connect"), str(APP)])
    return env


def test_the_example_app_tests_pass(tools: Any) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "tests"],
        cwd=APP,
        env=_env(tools),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert re.search(r"\b8 passed\b", proc.stdout), proc.stdout[-2000:]


def test_the_example_app_unittest_runs(tools: Any) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "unittest", "tests.test_inventory_unittest", "-v"],
        cwd=APP,
        env=_env(tools),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0 and "Ran 2 tests" in proc.stderr, proc.stderr[-3000:]


def test_the_example_app_uses_only_the_public_api() -> None:
    private = []
    for path in sorted(APP.rglob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            found = re.match(r"\s*from\s+(versori_connect\S*)\s+import\s+(.*)|\s*import\s+(versori_connect\S*)", line)
            if found:
                names = re.findall(r"[\w.]+", " ".join(g for g in found.groups() if g))
                if any(part.startswith("_") for name in names for part in name.split(".")):
                    private.append(f"{path.relative_to(APP)}: {line.strip()}")
    assert private == []
