"""The command line: exit codes, diagnostics, and never touching the output on failure."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

DIAGNOSTIC = re.compile(
    r"^(?P<level>ERROR|WARNING|INFO) (?P<file>\S+?)(?::(?P<line>\d+):(?P<col>\d+))? #(?P<pointer>\S*): (?P<message>.+)$"
)

GOOD = {
    "openapi": "3.1.0",
    "info": {"title": "T", "version": "1.0.0"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/pets/{id}": {
            "get": {
                "operationId": "getPet",
                "tags": ["pets"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {"Pet": {"type": "object", "properties": {"id": {"type": "string"}}}}
    },
}

BROKEN_YAML = 'openapi: 3.1.0\ninfo:\n  title: T\n  version: "1" extra"\npaths: {}\n'
BROKEN_JSON = '{"openapi": "3.1.0",\n "info": {"title": "T" "version": "1"},\n "paths": {}}\n'
DANGLING_REF = {
    **GOOD,
    "paths": {
        "/pets": {
            "get": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}
                        },
                    }
                }
            }
        }
    },
}

#: name -> (file name, content or None for "no such file", expected line (0: none), pointer, text)
BAD_INPUTS: dict[str, tuple[str, Any, int, str | None, str]] = {
    "missing-file": ("absent.yaml", None, 0, "", "file not found"),
    "broken-yaml": ("spec.yaml", BROKEN_YAML, 4, "", "YAML syntax error"),
    "broken-json": ("spec.json", BROKEN_JSON, 2, "", "syntax error"),
    "swagger-2": (
        "spec.yaml",
        "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n",
        1,
        "/swagger",
        "Swagger/OpenAPI 2.0",
    ),
    "a-list": ("spec.yaml", "- openapi: 3.1.0\n- paths: {}\n", 1, "", "the top level is a list"),
    "empty": ("spec.yaml", "", 0, "", "the top level is empty"),
    "not-utf8": (
        "spec.yaml",
        b"openapi: 3.1.0\ninfo: {title: caf\xe9}\n",
        2,
        "",
        "not valid UTF-8",
    ),
    "a-number": ("spec.yaml", "42\n", 0, "", "not an OpenAPI document: the top level is"),
}


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def existing_output(out: Path) -> dict[str, tuple[bytes, int]]:
    """An OUTDIR with a project in it (named as the bad specs' title would name it) and a user file."""
    project = out / "t"
    (project / "t").mkdir(parents=True)
    (project / "t" / "__init__.py").write_text("# generated earlier\n")
    (project / "README.md").write_text("earlier\n")
    (project / ".connect-codegen-manifest.json").write_text(
        '{"files": {"README.md": "x", "t/__init__.py": "y"}}\n'
    )
    (out / "notes.txt").write_text("mine\n")
    for p in out.rglob("*"):
        os.utime(p, (1_000_000_000, 1_000_000_000))
    return snapshot(out)


def write(tmp_path: Path, name: str, content: Any) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, dict):
        path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path


def assert_diagnostics_only(stderr: str) -> list[re.Match[str]]:
    lines = [line for line in stderr.splitlines() if line.strip()]
    matches = [DIAGNOSTIC.match(line) for line in lines]
    assert all(
        matches
    ), f"lines not in the `SEVERITY file:line:col #pointer: message` shape:\n{stderr}"
    return matches  # type: ignore[return-value]


@pytest.mark.parametrize("command", ["generate", "validate"])
@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_exits_1_with_located_diagnostics_and_leaves_the_output_alone(
    cli, tmp_path: Path, case: str, command: str
) -> None:
    name, content, line, pointer, text = BAD_INPUTS[case]
    spec = write(tmp_path, name, content) if content is not None else tmp_path / name
    out = tmp_path / "out"
    before = existing_output(out)
    args = ["generate", spec, "-o", out] if command == "generate" else ["validate", spec]
    proc = cli(*args, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    diags = assert_diagnostics_only(proc.stderr)
    errors = [d for d in diags if d.group("level") == "ERROR"]
    assert errors, proc.stderr
    first = errors[0]
    assert first.group("file") == str(spec)
    assert text in first.group("message"), proc.stderr
    if line:
        assert first.group("line") == str(line), proc.stderr
    if pointer is not None:
        assert first.group("pointer") == pointer, proc.stderr
    assert snapshot(out) == before  # byte for byte, mtimes too
    assert {p.name for p in tmp_path.iterdir()} <= {spec.name, "out"}  # nothing else was created


def test_a_dangling_ref_is_a_located_warning_and_strict_refuses_it(cli, tmp_path: Path) -> None:
    """A ``$ref`` to nothing is a defect confined to where it is written: WARNING at the ``$ref``
    (with its line), the client generated; ``--strict`` makes it an error and leaves the output
    alone."""
    pointer = "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref"
    spec = write(tmp_path, "spec.yaml", yaml.safe_dump(DANGLING_REF))
    out = tmp_path / "out"
    for args in (["generate", spec, "-o", out], ["validate", spec]):
        proc = cli(*args, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        # (the summary line of a generation is not a diagnostic)
        diags = assert_diagnostics_only(
            "\n".join(ln for ln in proc.stderr.splitlines() if ln.startswith(("INFO", "WARNING", "ERROR")))
        )
        (ours,) = [d for d in diags if d.group("pointer") == pointer]
        assert ours.group("level") == "WARNING" and "#/components/schemas/Nope" in ours.group("message")
        assert ours.group("file") == str(spec) and int(ours.group("line")) > 0
    assert (out / "t" / "t" / "models.py").is_file()
    before = existing_output(tmp_path / "out2")
    proc = cli("generate", spec, "-o", tmp_path / "out2", "--strict", cwd=tmp_path)
    assert proc.returncode == 1 and pointer in proc.stderr, proc.stderr
    assert snapshot(tmp_path / "out2") == before


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["frobnicate"],
        ["generate", "--bogus"],
        ["validate"],
        ["generate", "SPEC", "--only", "connect"],
        ["generate", "--only", "no-such-client"],
        ["generate", "--config", "CONFIG"],
    ],
    ids=[
        "no-command",
        "unknown-command",
        "unknown-option",
        "validate-without-spec",
        "only-with-spec",
        "unknown-client",
        "bad-config",
    ],
)
def test_usage_errors_exit_2(cli, tmp_path: Path, repo_root: Path, args: list[str]) -> None:
    spec = write(tmp_path, "spec.yaml", GOOD)
    config = tmp_path / "pyproject.toml"
    config.write_text(
        '[[tool.connect-codegen.clients]]\nname = "x"\nspec = "spec.yaml"\npackage_name = "x"\n'
    )
    args = [str(spec) if a == "SPEC" else str(config) if a == "CONFIG" else a for a in args]
    proc = cli(*args, cwd=repo_root if "--only" in args else tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stderr.strip()
    if "no-such-client" in args:
        assert "connect" in proc.stderr  # names the configured clients
    if args[-2:] == ["--config", str(config)]:
        assert (
            "package_name" in proc.stderr and "package-name" in proc.stderr
        )  # the nearest valid key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pyproject.toml", "spec.yaml"]


def test_validate_writes_nothing(cli, tmp_path: Path) -> None:
    spec = write(tmp_path, "spec.yaml", GOOD)
    before = snapshot(tmp_path)
    proc = cli("validate", spec, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""
    assert snapshot(tmp_path) == before


def test_validate_reports_validator_findings_as_warnings(cli, tmp_path: Path) -> None:
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["components"]["schemas"]["Pet"]["properties"]["id"]["examples"] = {"one": "a"}
    spec = write(tmp_path, "spec.yaml", doc)
    proc = cli("validate", spec, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (w,) = assert_diagnostics_only(proc.stderr)
    assert w.group("level") == "WARNING"
    assert w.group("pointer") == "/components/schemas/Pet/properties/id/examples"
    assert int(w.group("line")) > 0
    strict = cli("validate", "--strict", spec, cwd=tmp_path)
    assert strict.returncode == 1


def test_python_dash_m_generator(cli, tmp_path: Path) -> None:
    helped = cli("--help", module=True, cwd=tmp_path)
    assert helped.returncode == 0 and "generate" in helped.stdout and "validate" in helped.stdout
    spec = write(tmp_path, "spec.yaml", GOOD)
    proc = cli("generate", spec, "-o", tmp_path / "out", module=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "t" / "t" / "models.py").is_file()
    assert (tmp_path / "out" / "t" / "t" / "resources" / "pets.py").is_file()


def test_check_reports_a_stale_output_and_writes_nothing(cli, tmp_path: Path) -> None:
    spec = write(tmp_path, "spec.yaml", GOOD)
    out = tmp_path / "out"
    first = cli("generate", spec, "-o", out, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    fresh = cli("generate", spec, "-o", out, "--check", cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert "up to date" in fresh.stderr

    models = out / "t" / "t" / "models.py"
    models.write_text(models.read_text() + "\n# edited by hand\n")
    (out / "t" / "t" / "py.typed").unlink()
    before = snapshot(out)
    stale = cli("generate", spec, "-o", out, "--check", cwd=tmp_path)
    assert stale.returncode == 1
    assert "Traceback" not in stale.stderr
    assert "out of date (1 added, 1 changed, 0 removed)" in stale.stderr
    assert "changed: t/models.py" in stale.stderr and "added:   t/py.typed" in stale.stderr
    assert "-# edited by hand" in stale.stderr  # the start of a diff
    assert "connect-codegen generate" in stale.stderr  # how to fix it
    assert snapshot(out) == before


def test_strict_turns_warnings_into_exit_1(cli, tmp_path: Path) -> None:
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["components"]["schemas"]["Pet"]["properties"]["id"]["nullable"] = True  # not 3.1
    spec = write(tmp_path, "spec.yaml", doc)
    lenient = cli("generate", spec, "-o", tmp_path / "a", cwd=tmp_path)
    assert lenient.returncode == 0 and "WARNING" in lenient.stderr
    strict = cli("generate", spec, "-o", tmp_path / "b", "--strict", cwd=tmp_path)
    assert strict.returncode == 1
    assert not (tmp_path / "b").exists()
    assert_diagnostics_only(strict.stderr)


#: Run in a fresh interpreter: the CLI with ``os.fork`` watched; prints, as JSON, the exit code and
#: the modules this process had imported when it first forked (the validator's child process).
FORK_WATCH = """
import json, os, sys
at_fork = []
fork = os.fork
def watched():
    if not at_fork:
        at_fork.append(sorted(sys.modules))
    return fork()
os.fork = watched
from generator.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "at_fork": at_fork[0] if at_fork else None}))
"""

#: The stages and their heavy imports: the validator's process is forked before any of them.
STAGES = (
    "black", "jinja2", "yaml", "generator.load", "generator.validate", "generator.refs",
    "generator.ir", "generator.normalize", "generator.render", "generator.emit.format",
)  # fmt: skip


def test_the_validator_is_forked_before_any_stage_is_imported(tools, tmp_path: Path) -> None:
    spec = write(tmp_path, "spec.yaml", GOOD)
    proc = subprocess.run(
        [sys.executable, "-c", FORK_WATCH, "generate", str(spec), "-o", str(tmp_path / "out")],
        cwd=tmp_path,
        env=tools.clean_env({"CONNECT_CODEGEN_CACHE_DIR": str(tmp_path / "cache")}),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    watched = json.loads(proc.stdout.splitlines()[-1])
    assert watched["code"] == 0, proc.stderr
    assert watched["at_fork"] is not None, "the validator's process was not forked"
    submodules = tuple(s + "." for s in STAGES)
    imported = [m for m in watched["at_fork"] if m in STAGES or m.startswith(submodules)]
    assert imported == []
    assert "generator.background" in watched["at_fork"]  # (the fork watched is the early one)
