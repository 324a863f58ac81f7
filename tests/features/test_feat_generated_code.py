"""Every package generated from this folder's specs: no unused imports in the generated modules
(nothing dropped is imported), one ``mypy --strict`` run over all of them, one ``ruff check`` and
``ruff format --check`` run over all of them (each with its own project's settings), and a few
projects checked with every tool as their users run them (in the folder, with no options)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from features_helpers import SPECS, Gen, Spec

HERE = Path(__file__).resolve().parent


def all_specs() -> list[Spec]:
    """Every spec of every test module of this folder (imported here if pytest did not)."""
    loaded = {Path(getattr(m, "__file__", "") or "").resolve() for m in list(sys.modules.values())}
    for path in sorted(HERE.glob("test_feat_*.py")):
        if path.resolve() in loaded:
            continue
        try:
            importlib.import_module(path.stem)
        except ImportError:
            module_spec = importlib.util.spec_from_file_location(f"_features_{path.stem}", path)
            assert module_spec and module_spec.loader
            module_spec.loader.exec_module(importlib.util.module_from_spec(module_spec))
    return sorted(SPECS.values(), key=lambda s: s.name)


def generated(gen) -> list[Gen]:
    return [g for g in (gen(s) for s in all_specs()) if g.ok]


def test_every_expected_spec_generates(gen) -> None:
    """Specs that must not generate are marked; every other one generates (or a test xfails on it)."""
    failing = sorted(s.name for s in all_specs() if not gen(s).ok)
    expected = sorted(s.name for s in all_specs() if not s.generates)
    assert failing == expected


def _generated_modules(g: Gen) -> list[Path]:
    pkg = g.package_dir
    return [pkg / "models.py", pkg / "_client.py"] + sorted(
        p for p in (pkg / "resources").glob("*.py") if p.name != "__init__.py"
    )


def _unused_imports(source: str) -> list[str]:
    tree = ast.parse(source)
    imported: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            for alias in node.names:
                imported[alias.asname or alias.name] = node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imported[(alias.asname or alias.name).split(".")[0]] = node.lineno
    used: set[str] = set()
    all_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            used |= set(re.findall(r"[A-Za-z_]\w*", node.value))  # string annotations, cast("X")
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            all_names |= {e.value for e in ast.walk(node.value) if isinstance(e, ast.Constant)}
    return sorted(n for n in imported if n not in used and n not in all_names)


def test_generated_modules_import_nothing_unused(gen) -> None:
    """Models, client and resource modules import only what they use: model classes, typing and
    pydantic helpers, runtime helpers, credential classes, ``datetime``/``uuid``/``decimal``."""
    problems = {}
    for g in generated(gen):
        for path in _generated_modules(g):
            unused = _unused_imports(path.read_text(encoding="utf-8"))
            if unused:
                problems[f"{g.spec.name}:{path.relative_to(g.package_dir)}"] = unused
    assert not problems, problems


#: mypy errors caused by generator bugs that have their own (xfail) tests: (spec, pattern).
KNOWN_MYPY_ERRORS = {
    "typed_extra_ignore": ("types_all", r'models\.py:\d+: error: Unused "type: ignore" comment'),
    "file_content_body": (
        "ops_all",
        r'resources/raw\.py:\d+: error: Argument "content" to "request"',
    ),
    # test_feat_names.py::test_schema_names_that_shadow_resource_module_names
    "shadowed_runtime_names": ("names_shadow_runtime", r"resources/x\.py:\d+: error: "),
}


@pytest.fixture(scope="session")
def mypy_report(gen, once) -> dict:
    """One ``mypy --strict`` run over every feature package (shared by the xdist workers)."""
    gens = generated(gen)
    key = "feat-mypy-" + "-".join(sorted(g.spec.key.rsplit("-", 1)[1] for g in gens))[:80]

    def produce(folder: Path) -> dict:
        config = folder / "mypy.ini"
        config.write_text("[mypy]\n", encoding="utf-8")  # no configuration from the repository
        proc = subprocess.run(
            [
                sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                "--cache-dir", str(folder / "mypy-cache"), "--config-file", str(config),
                *[str(g.package_dir) for g in gens],
            ],
            cwd=folder, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        return {
            "returncode": proc.returncode,
            "report": proc.stdout + proc.stderr,
            "expected_files": sum(len(list(g.package_dir.rglob("*.py"))) for g in gens),
            "packages": {g.spec.name: str(g.package_dir) for g in gens},
        }

    return once(key, produce)[1]


def _errors(report: dict) -> list[str]:
    return [line for line in report["report"].splitlines() if ": error: " in line]


def _known(line: str, report: dict) -> str | None:
    for bug, (name, pattern) in KNOWN_MYPY_ERRORS.items():
        folder = report["packages"].get(name)
        if folder and line.startswith(folder) and re.search(pattern, line):
            return bug
    return None


@pytest.mark.slow
def test_generated_packages_pass_mypy_strict(mypy_report: dict) -> None:
    """Every feature package passes ``mypy --strict`` (one run), but for the known bugs below."""
    assert len(mypy_report["packages"]) >= 10
    report = mypy_report["report"]
    unexpected = [line for line in _errors(mypy_report) if _known(line, mypy_report) is None]
    assert not unexpected, report
    assert mypy_report["returncode"] in (0, 1), report  # 2: mypy itself failed
    checked = re.search(
        r"(?:no issues found|errors? in \d+ files?) \(?(?:checked |in )(\d+) source files?", report
    )
    assert checked and int(checked.group(1)) == mypy_report["expected_files"], report


@pytest.mark.slow
def test_mypy_typed_additional_properties(mypy_report: dict) -> None:
    assert not [l for l in _errors(mypy_report) if _known(l, mypy_report) == "typed_extra_ignore"]


@pytest.mark.slow
def test_mypy_binary_body(mypy_report: dict) -> None:
    assert not [l for l in _errors(mypy_report) if _known(l, mypy_report) == "file_content_body"]


def _ruff(client_tools, gen, *args: str) -> subprocess.CompletedProcess[str]:
    """``ruff ARGS`` over every feature project: each file by its own project's settings."""
    ruff = client_tools.executable("ruff-check")
    projects = [str(g.package_dir.parent) for g in generated(gen)]
    assert len(projects) >= 10
    return subprocess.run(
        [ruff, *args, *projects],
        env=client_tools.env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_generated_projects_pass_ruff_check(client_tools, gen) -> None:
    """ruff's default rules with the settings each project declares: imports sorted as isort
    sorts them, none unused, ``__all__`` sorted, ``X | Y`` unions, ``collections.abc`` types."""
    proc = _ruff(client_tools, gen, "check", "--output-format", "concise")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_generated_projects_pass_ruff_format(client_tools, gen) -> None:
    """ruff's formatter agrees with black (the generator's formatter) on every file, the
    README's Python examples included."""
    proc = _ruff(client_tools, gen, "format", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


#: Projects checked with every tool, each run in the project's folder with no options.
TOOL_PROJECTS = ("types_all", "ops_all", "names_shadow_runtime")


@pytest.mark.slow
@pytest.mark.parametrize("tool", ("black", "ruff-check", "ruff-format", "mypy", "pyright"))
@pytest.mark.parametrize("name", TOOL_PROJECTS)
def test_project_passes_its_tools_as_a_user_runs_them(client_tools, gen, name: str, tool: str) -> None:
    """The generated ``pyproject.toml`` declares what the project was formatted and checked with
    (line length, target Python, mypy and pyright strict), so each tool passes with no options."""
    (g,) = [g for g in generated(gen) if g.spec.name == name]
    client_tools.check(g.package_dir.parent, tool)
