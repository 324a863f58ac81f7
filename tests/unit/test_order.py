"""The orders and layouts the generator writes are the ones the tools want: imported names and
``__all__`` as ruff sorts them (I001, RUF022), README calls and imports as black lays them out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import black
import pytest

from generator.emit.format import LINE_LENGTH
from generator.render.order import all_order, from_imports, import_order, straight_imports
from generator.render.plan import call_text, import_text

MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=LINE_LENGTH)
#: Names whose order depends on case, digits, underscores and kind.
NAMES = [
    "Tag10", "Tag2", "tag", "TAG", "T", "t", "_private", "__version__", "NOT_GIVEN", "HMAC",
    "Hmac", "hmac", "X1Y", "x1y", "URLs", "A_B", "a_b", "Ab", "AB2", "AB10", "Ä", "Ölfeld", "zeta",
    "Zeta", "API", "APIError", "ApiError", "api_error", "match_shape", "FileInput", "V2Model",
]  # fmt: skip


def _ruff_fixed(source: str, rules: str) -> str:
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff is not installed: `pip install -e '.[test]'` installs it")
    proc = subprocess.run(
        [str(ruff), "check", "--isolated", "--line-length", "1000", "--select", rules,
         "--fix-only", "--exit-zero", "--stdin-filename", "m.py", "-"],
        input=source, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_imported_names_are_in_isorts_order() -> None:
    statements = from_imports({".x": NAMES})
    source = "\n".join(statements) + "\n"
    assert _ruff_fixed(source, "I001") == source
    assert statements == [f"from .x import {', '.join(import_order(NAMES))}"]


def test_aliased_names_are_imported_on_their_own() -> None:
    groups = {
        "typing": ["TypeAlias", "Annotated as _Annotated", "Any", "ClassVar as _ClassVar"],
        "collections.abc": ["Mapping"],
        "builtins": ["list as _list", "tuple as _tuple"],
    }
    source = "\n".join(straight_imports(["uuid", "datetime as _datetime", "datetime"]))
    source += "\n" + "\n".join(from_imports(groups)) + "\n"
    assert _ruff_fixed(source, "I001") == source
    assert "from typing import Annotated as _Annotated\n" in source


def test_all_is_in_ruffs_order() -> None:
    source = "__all__ = [\n" + "".join(f'    "{n}",\n' for n in all_order(NAMES)) + "]\n"
    assert _ruff_fixed(source, "RUF022") == source


@pytest.mark.parametrize("width", [20, 40, 60, 100])
@pytest.mark.parametrize("count", [0, 1, 3, 8])
@pytest.mark.parametrize("target", ["", "result = "])
def test_calls_are_laid_out_as_black_does(width: int, count: int, target: str) -> None:
    """With the assignment only where its first line fits (else black would parenthesize the
    right-hand side), as the README writes it."""
    args = [f"argument_number_{i}=..." for i in range(count)]
    text = call_text("client.some_resource.some_method", args, width, target)
    mode = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=width)
    assert black.format_str(text + "\n", mode=mode) == text + "\n"
    assert text.startswith(target) or len(target + text.split("\n")[0]) > width


@pytest.mark.parametrize("package", ["short", "a_package_name_long_enough_to_push_the_import_over"])
def test_imports_are_laid_out_as_black_does(package: str) -> None:
    text = import_text(package, ["Client", "AsyncClient", "APIStatusError"])
    assert black.format_str(text + "\n", mode=MODE) == text + "\n"
