"""Runs every Python example of a generated client's Markdown docs (README.md, REFERENCE.md)
against its own test kit, with no network: the helper of ``tests/test_doc_examples.py`` and of
the corpus test.

In a fresh interpreter (:data:`SCRIPT`, run in the project's folder): a ``MockAPI`` of the
package answers every operation with a valid fake (``fake_all``), and every httpx transport is
routed to it, so a client the example builds itself (``Client(token=...)``) reaches the mock
too. The blocks of one file run in order in one namespace, as a reader runs them; a block that
raises (a ``NameError`` for a name that does not exist, an ``AttributeError`` for a method that
does not) fails, naming the file and the line where the block starts.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

#: A fenced Python block of Markdown: its first line number is found from its offset.
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)

SCRIPT = r"""
import json, re, sys, time
from pathlib import Path

import httpx

BLOCK = re.compile(sys.argv[2], re.DOTALL | re.MULTILINE)
package = sys.argv[1]
testing = __import__(package + ".testing", fromlist=["MockAPI"])
mock = testing.MockAPI()
mock.fake_all(seed=1)

def handle(self, request):
    return mock.transport.handle_request(request)

async def handle_async(self, request):
    return await mock.transport.handle_async_request(request)

httpx.HTTPTransport.handle_request = handle
httpx.AsyncHTTPTransport.handle_async_request = handle_async
counts = {}
started = time.perf_counter()
for name in ("README.md", "REFERENCE.md"):
    path = Path(name)
    if not path.exists():
        continue
    text = path.read_text(encoding="utf-8")
    namespace = {"__name__": "__example__"}
    counts[name] = 0
    for match in BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 2
        code = compile(match.group(1), f"{name}:{line}", "exec")
        exec(code, namespace)
        counts[name] += 1
print(json.dumps({"counts": counts, "seconds": time.perf_counter() - started}))
"""


def run_examples(project: Path, package: str, env: dict[str, str], timeout: float = 600) -> dict[str, object]:
    """Run the examples of the generated project ``project`` (package ``package``); returns
    ``{"counts": {file: examples run}, "seconds": ...}``. Raises ``AssertionError`` with the
    failing example's traceback."""
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, package, BLOCK.pattern],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, f"an example of {project.name} failed:\n{proc.stderr[-4000:]}"
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result
