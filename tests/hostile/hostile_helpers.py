"""Helpers for the hostile-input suite (issue 8): a spec is input from outside, and the code
generated from it runs on every machine that installs the client.

Generation runs in process through ``generator.cli.main`` (stderr captured) unless a test needs a
separate process (resource limits, segfault-prone input). Generated packages are imported in a
subprocess whose working folder is a fresh directory, so a payload like ``touch PWNED`` would
leave a file there that the test can see.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]

#: The shell-injection payload every text test carries; it would create a file named PWNED.
PAYLOAD = '"""; import os; os.system("touch PWNED") #'

#: Hostile strings: each must come out of generation as data, never as code.
HOSTILE = [
    PAYLOAD,
    "'''; import os; os.system('touch PWNED') #",
    '"+__import__("os").system("touch PWNED")+"',
    "a backslash at the end \\",
    "a backslash at a line end \\\nthen the next line",
    "jinja {{ 7 * 7 }} {% for x in range(3) %}x{% endfor %} {# hidden #} {{",
    "a NUL\x00byte",
    "right-to-left \u202e gnp.exe and \u2066isolate\u2069",
    "emoji \U0001f600 \U0001f680 zwj \U0001f469\u200d\U0001f4bb",
    "carriage\rreturn and\r\ncrlf and\nlf",
    "line\u2028separator\u2029paragraph \x85nel \x0bvt \x0cff",
    "escapes that are text: \\N{BULLET} \\x41 \\u0041 \\n",
    "ansi \x1b[31mred\x1b[0m and DEL \x7f",
    "the formatter's piece break on a line of its own\n\x1f\nthen more text",
]


def hostile_env(cache_dir: Path | None = None) -> dict[str, str]:
    """A subprocess environment without credentials or generator switches (cache in ``cache_dir``)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VERSORI_", "CONNECT_CODEGEN_")) and k != "PYTHONHASHSEED"
    }
    env["CONNECT_CODEGEN_CACHE_DIR"] = str(cache_dir) if cache_dir else ""
    return env


@dataclass
class Gen:
    """The outcome of one generation: exit ``code``, ``stderr`` and where the project went."""

    code: int
    stderr: str
    out: Path
    project: str
    package: str

    @property
    def project_dir(self) -> Path:
        return self.out / self.project

    @property
    def package_dir(self) -> Path:
        return self.project_dir / self.package

    def internal_errors(self) -> list[str]:
        return [
            line for line in self.stderr.splitlines() if "internal" in line or "Traceback" in line
        ]


def write_doc(path: Path, data: Any) -> Path:
    """Write ``data`` as JSON (``.json``) or YAML; text and bytes are written verbatim."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    elif isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    elif path.suffix == ".json":
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    else:
        path.write_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=False), encoding="utf-8"
        )
    return path


def generate(
    spec: Path, out: Path, *args: str, project: str = "hostile", package: str = "hostile"
) -> Gen:
    """``connect-codegen generate SPEC -o OUT`` in process; returns its exit code and stderr."""
    from generator.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(
            [
                "generate",
                str(spec),
                "-o",
                str(out),
                "--project-name",
                project,
                "--package-name",
                package,
                *args,
            ]
        )
    return Gen(code, err.getvalue(), out, project, package)


def compile_tree(root: Path) -> list[str]:
    """Compile every ``.py`` under ``root``; returns the files (relative) that were compiled."""
    done = []
    for path in sorted(root.rglob("*.py")):
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        done.append(path.relative_to(root).as_posix())
    return done


def run_python(
    code: str, *, cwd: Path, path: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter with ``path`` on ``sys.path`` and ``cwd`` as its folder."""
    env = hostile_env()
    env["PYTHONPATH"] = str(path)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def import_probe(gen: Gen, probe: str, tmp: Path) -> Any:
    """Import the generated package in a subprocess (cwd: an empty folder), run ``probe`` (which
    must assign a JSON-able ``result``) and return ``result``. Fails when a PWNED file appears."""
    cwd = tmp / "import-cwd"
    cwd.mkdir(exist_ok=True)
    code = (
        f"import json, importlib\npkg = importlib.import_module({gen.package!r})\n"
        + textwrap.dedent(probe)
    )
    code += "\nprint('@@RESULT@@' + json.dumps(result))\n"
    proc = run_python(code, cwd=cwd, path=gen.project_dir)
    assert_no_pwned(tmp, gen.project_dir, cwd)
    assert proc.returncode == 0, f"importing the generated package failed:\n{proc.stderr[-3000:]}"
    marker = proc.stdout.rsplit("@@RESULT@@", 1)
    assert len(marker) == 2, proc.stdout[-2000:]
    return json.loads(marker[1])


def assert_no_pwned(*folders: Path) -> None:
    for folder in folders:
        found = list(folder.rglob("PWNED*")) if folder.exists() else []
        assert not found, f"the spec executed code: {found}"
    assert not Path("PWNED").exists(), "the spec executed code in the test's working folder"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` (and every entry, with ``None``-like marks for folders) with its
    content and mtime, to prove a failed run left it alone."""
    out: dict[str, tuple[bytes, int]] = {}
    if not folder.exists():
        return out
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file():
            out[rel] = (path.read_bytes(), path.stat().st_mtime_ns)
        else:
            out[rel + "/"] = (b"", 0)
    return out


def minimal(**extra: Any) -> dict[str, Any]:
    """A small valid OpenAPI 3.1 document; ``extra`` keys are merged in at the top."""
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Hostile", "version": "1.0.0"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    doc.update(extra)
    return doc


_MEASURE = r"""
import json, os, resource, signal, subprocess, sys, time
limit = int(sys.argv[1])
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
t0 = time.perf_counter()
# its own session: on a timeout the generator and anything it forked (background validation)
# are ended together, by process group
proc = subprocess.Popen(sys.argv[3:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                        preexec_fn=cap, start_new_session=True)
try:
    out, err = proc.communicate(timeout=float(sys.argv[2]))
    code = proc.returncode
except subprocess.TimeoutExpired:
    os.killpg(proc.pid, signal.SIGKILL)
    out, err = proc.communicate()
    code = "timeout"
finally:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # leftovers of the group, if any
    except (ProcessLookupError, PermissionError):
        pass
seconds = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "stderr": err, "seconds": seconds, "peak_mb": usage.ru_maxrss / 1024,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime}))
"""


@dataclass
class Measured:
    """A generation run in its own process: exit ``code`` (or ``"timeout"``), ``stderr``, wall
    ``seconds``, ``peak_mb`` (the largest resident set of the generator or its children) and
    ``cpu_seconds`` (user + system time of the generator and the children it waited for: unlike
    wall time, it does not grow when the machine is busy with other work)."""

    code: int | str
    stderr: str
    seconds: float
    peak_mb: float
    cpu_seconds: float = 0.0


def measured_generate(
    spec: Path, out: Path, *args: str, timeout: float = 60, memory_cap: int = 3 * 1024**3
) -> Measured:
    """Run ``python -m generator generate SPEC -o OUT`` in a child process under an address-space
    cap (a safety net for the test machine) and measure its time and peak memory."""
    cmd = [
        sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out),
        "--project-name", "hostile", "--package-name", "hostile", *args,
    ]  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(memory_cap), str(timeout), *cmd],
        cwd=REPO,
        env=hostile_env(),
        capture_output=True,
        text=True,
        timeout=timeout + 30,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return Measured(data["code"], data["stderr"], data["seconds"], data["peak_mb"], data["cpu_seconds"])
