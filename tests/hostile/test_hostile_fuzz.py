"""Attack class 5: errors, not tracebacks.

Hypothesis mutates the Connect API document (``specs/connect-api-v1.yaml``, cut down to one or
two paths and what they reach, see ``hostile_fuzz``) and runs ``generator.cli.main`` in process
on each mutant. Every run must end with exit 0 or 1 and diagnostics, never an uncaught exception
or a "Traceback"; an "internal error" line (``cli.main``'s catch-all) or an ``internal:`` error
(generated code that does not parse) is a FAILURE, reported with its cause (the runs set
``CONNECT_CODEGEN_DEBUG=1``). Exit 1 must leave OUTDIR exactly as it was; exit 0 must give a
package that compiles.

30 examples by default (derandomized, so CI is stable); ``CONNECT_CODEGEN_SLOW=1`` runs 400 with
a random seed.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import traceback
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

import hostile_fuzz as F
from hostile_helpers import compile_tree, generate, minimal, snapshot, write_doc

SLOW = os.environ.get("CONNECT_CODEGEN_SLOW") == "1"
BASE = F.load_connect()


def _has_mistyped_schema_keyword(doc: Any) -> bool:
    """Somewhere, a truthy 'properties' that is not an object or a 'required' that cannot be
    iterated (a number or a boolean)."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            props, required = node.get("properties"), node.get("required")
            if props and not isinstance(props, dict):
                return True
            if required and not isinstance(required, (list, str, dict)):
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _non_list_top_level_tags(doc: Any) -> bool:
    tags = doc.get("tags") if isinstance(doc, dict) else None
    return bool(tags) and not isinstance(tags, (list, str, dict))


#: Internal errors already pinned by an xfail test: (predicate on the document, the generator
#: file of the last traceback frame, the exception type, the test). Remove an entry when its test
#: passes.
KNOWN_INTERNAL = [
    (
        _has_mistyped_schema_keyword,
        "normalize/definitions.py",
        "AttributeError",
        "test_mistyped_schema_keywords_are_diagnostics",
    ),
    (
        _has_mistyped_schema_keyword,
        "normalize/definitions.py",
        "TypeError",
        "test_mistyped_schema_keywords_are_diagnostics",
    ),
    (
        _non_list_top_level_tags,
        "normalize/operations.py",
        "TypeError",
        "test_non_list_tags_are_a_diagnostic",
    ),
]
_FRAME = re.compile(r'File "[^"]*/generator/([^"]+)", line \d+, in (\w+)')
_EXC = re.compile(r"^(\w+(?:Error|Exception)): ", re.M)


def _signature(stderr: str) -> tuple[str, str]:
    """(generator file of the last frame, exception type) of the traceback in ``stderr``."""
    frames = _FRAME.findall(stderr)
    excs = _EXC.findall(stderr)
    return (frames[-1][0] if frames else "?", excs[-1] if excs else "?")


def _baseline(root: Path) -> Path:
    """OUTDIR holding a previous generation (a small valid spec) and a user file."""
    out = root / "out"
    gen = generate(
        write_doc(root / "base.json", minimal()), out, project="fuzzed", package="fuzzed"
    )
    assert gen.code == 0, gen.stderr
    (out / "fuzzed" / "USER_NOTES.txt").write_text("kept\n")
    return out


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _baseline(tmp_path_factory.mktemp("fuzz-baseline"))


def _run(doc: Any, fmt: str, workdir: Path, baseline: Path) -> tuple[int | str, str, Path]:
    out = workdir / "out"
    shutil.copytree(baseline, out, symlinks=True)
    spec = F.write(doc, workdir / f"spec.{fmt}", fmt)
    err = io.StringIO()
    from generator.cli import main

    try:
        with contextlib.redirect_stderr(err):
            code: int | str = main(
                [
                    "generate",
                    str(spec),
                    "-o",
                    str(out),
                    "--project-name",
                    "fuzzed",
                    "--package-name",
                    "fuzzed",
                ]
            )
    except BaseException as exc:  # noqa: BLE001 - the point is that nothing escapes
        code = f"uncaught {type(exc).__name__}"
        err.write(traceback.format_exc())
    return code, err.getvalue(), out


def _check(
    doc: Any, log: list[str], code: int | str, stderr: str, out: Path, before: dict[str, Any]
) -> str | None:
    """The problem with one run, or None."""
    if code not in (0, 1):
        return f"exit {code}"
    bad = (
        "Traceback" in stderr
        or "internal error" in stderr
        or re.search(r"^ERROR .*: internal: ", stderr, re.M)
    )
    if bad:
        where, exc = _signature(stderr)
        for predicate, file, exc_type, test in KNOWN_INTERNAL:
            if predicate(doc) and (where, exc) == (file, exc_type):
                note(f"known issue pinned by {test}")
                return None
        return f"internal error ({exc} in generator/{where})"
    if code == 1:
        if not re.search(r"^ERROR ", stderr, re.M):
            return "exit 1 without an ERROR diagnostic"
        if snapshot(out) != before:
            return "exit 1 but OUTDIR changed"
    else:
        compile_tree(out / "fuzzed")
        if (out / "fuzzed" / "USER_NOTES.txt").read_text() != "kept\n":
            return "a user file was lost"
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".fuzzed.")]
    if leftovers:
        return f"temporary folders left behind: {leftovers}"
    return None


@settings(
    max_examples=400 if SLOW else 30,
    deadline=None,
    derandomize=not SLOW,
    database=None,
    # no shrinking: every example is a whole generation; the mutation log says what was done
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_mutated_connect_documents_give_diagnostics_not_tracebacks(
    data: st.DataObject,
    baseline: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc, log = data.draw(F.mutated_connect(BASE), label="mutant")
    known = F.known_issue(doc)
    if known:
        note(f"skipped: {known}")
        return
    fmt = data.draw(st.sampled_from(["yaml", "json"]), label="format")
    note("mutations: " + "; ".join(log))
    monkeypatch.setenv("CONNECT_CODEGEN_DEBUG", "1")
    workdir = tmp_path_factory.mktemp("fuzz")
    before = snapshot(baseline)
    code, stderr, out = _run(doc, fmt, workdir, baseline)
    problem = _check(doc, log, code, stderr, out, before)
    if problem is None:
        shutil.rmtree(workdir, ignore_errors=True)
    assert (
        problem is None
    ), f"{problem}\nmutations: {log}\nspec: {workdir}\n--- stderr ---\n{stderr[-6000:]}"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ({"properties": "date-time"}, {"properties": [1, 2]}),
        ({"properties": {"x": {"type": "string"}}, "required": 10**30}, {"required": True}),
    ],
    ids=["properties", "required"],
)
def test_mistyped_schema_keywords_are_diagnostics(
    a: dict[str, Any], b: dict[str, Any], tmp_path: Path
) -> None:
    ref = {"$ref": "#/components/schemas/A"}
    doc = minimal(
        paths={
            "/x": {
                "get": {
                    "operationId": "g",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"oneOf": [ref, {"$ref": "#/components/schemas/B"}]}
                                }
                            },
                        }
                    },
                }
            }
        },
        components={"schemas": {"A": {"type": "object", **a}, "B": {"type": "object", **b}}},
    )
    gen = generate(write_doc(tmp_path / "spec.json", doc), tmp_path / "out")
    assert gen.code in (0, 1) and not gen.internal_errors(), gen.stderr


def test_non_list_tags_are_a_diagnostic(tmp_path: Path) -> None:
    gen = generate(write_doc(tmp_path / "spec.json", minimal(tags=True)), tmp_path / "out")
    assert gen.code in (0, 1) and not gen.internal_errors(), gen.stderr
