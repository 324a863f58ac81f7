"""Every Python example of the committed clients' README.md and REFERENCE.md runs against the
client's own test kit, with no network (issue 20; the runner is ``tests/docs_examples.py``).

An example that fails, or names something that does not exist, fails the test. Counts and time
per client are printed (``-s``) and checked against the documents: every operation of a client
has its example in REFERENCE.md.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from docs_examples import BLOCK, run_examples

REPO = Path(__file__).resolve().parents[1]
CLIENTS = {
    "versori-connect": "versori_connect",
    "versori-embedded": "versori_embedded",
    "versori-organisations": "versori_organisations",
}


@pytest.mark.parametrize("project", sorted(CLIENTS))
def test_every_example_runs(project: str, tools: Any) -> None:
    folder = REPO / "output" / project
    started = time.perf_counter()
    result = run_examples(folder, CLIENTS[project], tools.clean_env())
    elapsed = time.perf_counter() - started
    counts = result["counts"]
    assert isinstance(counts, dict)
    for name in ("README.md", "REFERENCE.md"):
        blocks = len(BLOCK.findall((folder / name).read_text(encoding="utf-8")))
        assert counts[name] == blocks > 0, (name, counts)
    reference = (folder / "REFERENCE.md").read_text(encoding="utf-8")
    operations = len(re.findall(r'^<a id="[^"]+"></a>\n### `client\.', reference, re.MULTILINE))
    assert counts["REFERENCE.md"] == operations + 1  # and the set-up block
    print(f"{project}: {counts} examples run in {elapsed:.2f} s (examples {result['seconds']:.2f} s)")


def test_an_example_naming_nothing_fails(tmp_path: Path, tools: Any) -> None:
    """The runner fails an example that names a method the client does not have."""
    import shutil

    folder = tmp_path / "versori-connect"
    shutil.copytree(REPO / "output" / "versori-connect", folder)
    readme = folder / "README.md"
    readme.write_text(readme.read_text() + "\n```python\nclient.connections.no_such_method()\n```\n")
    with pytest.raises(AssertionError, match="no_such_method"):
        run_examples(folder, "versori_connect", tools.clean_env())


@pytest.mark.parametrize("project", sorted(CLIENTS))
def test_every_example_is_laid_out_as_black_lays_it_out(project: str) -> None:
    """The generator sends only the examples with a line over the line length through black
    (``render.examples.format_examples``) and keeps the others as built: black must leave every
    example of the docs unchanged."""
    import black

    from generator.emit.format import mode

    folder = REPO / "output" / project
    blocks = [
        m.group(1).strip("\n")
        for name in ("README.md", "REFERENCE.md")
        for m in BLOCK.finditer((folder / name).read_text(encoding="utf-8"))
    ]
    assert len(blocks) > 10
    changed = [b for b in blocks if black.format_str(b, mode=mode()).strip("\n") != b]
    assert not changed, changed[:3]
