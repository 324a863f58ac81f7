"""Every package generated from this folder's specs: no unused imports in the generated modules
(nothing dropped is imported) and one ``mypy --strict`` run over all of them."""

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


#: Imports every generated module of a kind has whatever the spec says (layout, not content).
BOILERPLATE = frozenset(
    {
        "Field", "TypeAlias", "BaseModel", "NOT_GIVEN", "NotGiven", "RequestOptions", "cast",
        "Unpack", "cached_property", "ResponseSpec", "APIResponse", "AsyncAPIResource",
        "SyncAPIResource", "async_raw_method", "raw_method",
    }
)  # fmt: skip


def _generated_modules(g: Gen) -> list[Path]:
    pkg = g.package_dir
    return [pkg / "models.py"] + sorted(
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
    """Models and resource modules import only what they use: model classes, typing and pydantic
    helpers, runtime helpers, ``datetime``/``uuid``/``decimal`` (fixed template imports aside)."""
    problems = {}
    for g in generated(gen):
        for path in _generated_modules(g):
            unused = [
                n for n in _unused_imports(path.read_text(encoding="utf-8")) if n not in BOILERPLATE
            ]
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
