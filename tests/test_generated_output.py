"""The committed ``output/`` and the quality of what the generator writes.

* ``output/`` holds exactly what the generator produces today for every configured client;
* the generated packages are black-clean (the generator's pinned mode) and pass ``mypy --strict``;
* the output does not depend on the hash seed (no set/dict-order leaks).

The clients are generated once per test run into temporary folders (see ``configured_project``).
"""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path
from typing import Callable

import black
import pytest

from generator.emit import format as fmt

CONFIGURED = ("connect", "embedded", "organisations")
#: The generator's formatting mode, spelled out independently (line length 100, Python 3.11).
MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=100)


def tree(root: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not {"__pycache__", ".mypy_cache", ".ruff_cache"} & set(rel.parts):
            out[rel.as_posix()] = path.read_bytes()
    return out


def describe_differences(
    fresh: dict[str, bytes], committed: dict[str, bytes], limit: int = 40
) -> str:
    lines = []
    for rel in sorted(fresh.keys() - committed.keys()):
        lines.append(f"missing from output/: {rel}")
    for rel in sorted(committed.keys() - fresh.keys()):
        lines.append(f"not generated any more: {rel}")
    for rel in sorted(k for k in fresh.keys() & committed.keys() if fresh[k] != committed[k]):
        lines.append(f"changed: {rel}")
        if rel.endswith("manifest.json"):
            continue  # hashes of the files listed here
        diff = difflib.unified_diff(
            committed[rel].decode("utf-8", "replace").splitlines(),
            fresh[rel].decode("utf-8", "replace").splitlines(),
            "output/" + rel,
            "fresh/" + rel,
            lineterm="",
            n=1,
        )
        lines += ["    " + d for d in list(diff)[:limit]]
    return "\n".join(lines)


@pytest.mark.parametrize("name", CONFIGURED)
def test_output_is_up_to_date(configured_project: Callable, repo_root: Path, name: str) -> None:
    generated = configured_project(name)
    committed_dir = repo_root / "output" / generated.project_dir.name
    assert committed_dir.is_dir(), f"{committed_dir} is missing: run `connect-codegen generate`"
    fresh, committed = tree(generated.project_dir), tree(committed_dir)
    assert len(fresh) > 20
    if fresh != committed:
        pytest.fail(
            f"output/{generated.project_dir.name} is stale; run `connect-codegen generate --only {name}`:\n"
            + describe_differences(fresh, committed),
            pytrace=False,
        )


def test_the_generator_formats_with_the_pinned_mode() -> None:
    assert fmt.mode() == MODE


@pytest.mark.parametrize("name", CONFIGURED)
def test_generated_python_is_black_clean(configured_project: Callable, name: str) -> None:
    project = configured_project(name).project_dir
    files = sorted(p for p in project.rglob("*.py") if "__pycache__" not in p.parts)
    assert len(files) > 20
    dirty = []
    for path in files:
        source = path.read_text(encoding="utf-8")
        if black.format_str(source, mode=MODE) != source:
            dirty.append(path.relative_to(project).as_posix())
    assert not dirty, f"not black-clean (line length 100, py311): {dirty}"


def test_generated_packages_pass_mypy_strict(configured_project: Callable, tmp_path: Path) -> None:
    """One mypy run over the three freshly generated packages (each is checked exactly once)."""
    packages = [configured_project(name) for name in CONFIGURED]
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\n", encoding="utf-8")  # no configuration from the repository
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "--config-file",
            str(config),
            *[str(g.project_dir / g.package) for g in packages],
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report
    assert "Success: no issues found" in report
    checked = int(report.split("no issues found in ")[1].split()[0])
    expected = sum(len(list((g.project_dir / g.package).rglob("*.py"))) for g in packages)
    assert checked == expected  # every module was seen


def test_output_does_not_depend_on_the_hash_seed(
    connect_generated, tools, tmp_path: Path, repo_root: Path
) -> None:
    """Two CLI runs under different PYTHONHASHSEED values (concurrently) write byte-identical
    trees, identical to the in-process generation too."""
    procs = {}
    for seed in ("1", "4242"):
        out = tmp_path / f"seed-{seed}"
        procs[seed] = (
            out,
            subprocess.Popen(
                tools.cli_command(
                    "generate",
                    connect_generated.spec,
                    "-o",
                    out,
                    "--package-name",
                    "versori_connect",
                    "--project-name",
                    "versori-connect",
                    "-q",
                ),
                cwd=repo_root,
                env=tools.clean_env({"PYTHONHASHSEED": seed}),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
    trees = {}
    for seed, (out, proc) in procs.items():
        stdout, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, stderr
        trees[seed] = tree(out / "versori-connect")
    assert len(trees["1"]) > 20
    if trees["1"] != trees["4242"]:
        pytest.fail(
            "PYTHONHASHSEED changes the output:\n"
            + describe_differences(trees["4242"], trees["1"]),
            pytrace=False,
        )
    in_process = tree(connect_generated.project_dir)
    if trees["1"] != in_process:
        pytest.fail(
            "the CLI and the Python API disagree:\n" + describe_differences(trees["1"], in_process),
            pytrace=False,
        )
