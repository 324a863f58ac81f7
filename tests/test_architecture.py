"""The house stays as ARCHITECTURE.md describes it: every module of ``generator/`` is named there,
and no module of ``generator/`` or ``templates/runtime/`` is over 700 lines."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 700
MODULES = sorted(p for p in (ROOT / "generator").rglob("*.py") if p.name != "__init__.py")
RUNTIME = sorted((ROOT / "templates" / "runtime").glob("*.py"))


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(ROOT / "generator")))
def test_architecture_names_every_module(module: Path) -> None:
    """ARCHITECTURE.md's code map names each module by its path under ``generator/``."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    relative = module.relative_to(ROOT / "generator").as_posix()
    assert f"`{relative}`" in text, f"ARCHITECTURE.md does not name generator/{relative}"


@pytest.mark.parametrize("module", MODULES + RUNTIME, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_are_small(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.relative_to(ROOT)} has {lines} lines (at most {MAX_LINES})"


def test_no_folder_named_build_in_the_package() -> None:
    """Packaging tools and ignore templates skip ``build/``: the stage is ``normalize/``."""
    assert not [p for p in (ROOT / "generator").rglob("build") if p.is_dir()]


def test_the_cli_imports_no_stage_module() -> None:
    """The CLI parses arguments, calls the orchestrator (``generator.pipeline``) and prints: it
    imports none of the stages (load, overlay, validate, normalize, render, emit) nor the
    orchestrator's side doors (the up-to-date record, the background validator)."""
    import ast

    stages = {
        "load", "overlay", "validate", "validate_speed", "validator_internals", "normalize",
        "render", "emit", "ir", "refs", "uptodate", "background", "json_positions",
    }  # fmt: skip
    tree = ast.parse((ROOT / "generator" / "cli.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module] if node.module else [alias.name for alias in node.names]
            imported |= {str(name).split(".")[0] for name in names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator."):
            imported.add(str(node.module).split(".")[1])
    assert "pipeline" in imported
    assert not imported & stages, f"the CLI imports stage modules: {sorted(imported & stages)}"
