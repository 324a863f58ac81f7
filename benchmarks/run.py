#!/usr/bin/env python3
"""Benchmark connect-codegen against openapi-python-client 0.29.1 (issue 7).

Run by hand, never by CI or the test suite::

    .venv/bin/python benchmarks/run.py            # everything (GitHub REST takes a while)
    .venv/bin/python benchmarks/run.py --quick    # skip GitHub REST

See benchmarks/README.md for what is measured and how; the script rewrites the results section
of that README (between the ``results:start`` / ``results:end`` markers) unless ``--no-readme``.

Every generation runs as a fresh process: wall time from fork to exit, CPU time and the maximum
RSS of the process tree from ``wait4`` (ru_maxrss: the largest single process), and the peak of
the summed PSS of the whole process tree, sampled from /proc every 50 ms (so parallel workers and
OPC's ruff post-hook count too).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OURS_BIN = ROOT / ".venv" / "bin" / "connect-codegen"
OURS_PY = ROOT / ".venv" / "bin" / "python"
OPC_VERSION = "0.29.1"
OPC_VENV = HERE / ".venv-opc"
OPC_BIN = OPC_VENV / "bin" / "openapi-python-client"
OPC_PY = OPC_VENV / "bin" / "python"
README = HERE / "README.md"
RESULTS_DIR = HERE / ".results"
MARK_START = "<!-- results:start -->"
MARK_END = "<!-- results:end -->"

SHARED = ROOT.parent / "shared" / "specs"
SPECS = {
    # key: (label, path)
    "connect": ("Connect API (specs/)", ROOT / "specs" / "connect-api-v1.yaml"),
    "connect-upstream": ("Connect API (upstream copy, shared/specs/versori/)", SHARED / "versori" / "connect-api-v1.yaml"),
    "stripe": ("Stripe", SHARED / "corpus" / "stripe" / "spec3.yaml"),
    "github": ("GitHub REST", SHARED / "corpus" / "github-rest" / "api.github.com.2026-03-10.json"),
}
PAGE_SCHEMA = "ConnectorConnectionPage"
PAGE_ITEMS = 10_000
PAGE_OP_PATH = "/o/{organisation_id}/connectors/{connector_id}/connections"
PAGE_OP_ID = "list_connector_connections"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# --------------------------------------------------------------------------------------------
# running one process and measuring it


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    out.extend(int(x) for x in f.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return out


def _tree(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo.extend(_children(p))
    return seen


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


@dataclass
class Run:
    cmd: list[str]
    rc: int | None = None
    wall: float = 0.0
    cpu: float = 0.0
    maxrss_mb: float = 0.0
    peak_pss_mb: float = 0.0
    timed_out: bool = False
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.rc == 0 and not self.timed_out

    def why(self) -> str:
        if self.timed_out:
            return f"timed out after {self.wall:.0f} s"
        tail = [ln for ln in self.stderr.strip().splitlines() if ln.strip()][-1:] or [""]
        return f"exit {self.rc}: {tail[0][:200]}"


def measure(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 900, sample: bool = True) -> Run:
    """Run ``cmd`` as a fresh process (own session) and measure it; never raises for its failures."""
    run = Run(cmd=[str(c) for c in cmd])
    full_env = dict(os.environ)
    full_env.update(env or {})
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(run.cmd, env=full_env, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
        done = threading.Event()
        peak = [0]

        def sampler() -> None:
            while not done.is_set():
                total = sum(_pss_kb(p) for p in _tree(proc.pid))
                peak[0] = max(peak[0], total)
                done.wait(0.05)

        def killer() -> None:
            if not done.wait(timeout):
                run.timed_out = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)  # the session we started for this run
                except OSError:
                    pass

        threads = [threading.Thread(target=killer, daemon=True)]
        if sample:
            threads.append(threading.Thread(target=sampler, daemon=True))
        for t in threads:
            t.start()
        _, status, ru = os.wait4(proc.pid, 0)
        run.wall = time.perf_counter() - t0
        done.set()
        proc.returncode = os.waitstatus_to_exitcode(status)
        for t in threads:
            t.join()
        run.rc = proc.returncode
        run.cpu = ru.ru_utime + ru.ru_stime
        run.maxrss_mb = ru.ru_maxrss / 1024
        run.peak_pss_mb = peak[0] / 1024
        out.seek(0)
        err.seek(0)
        run.stdout = out.read().decode("utf-8", "replace")
        run.stderr = err.read().decode("utf-8", "replace")
    return run


# --------------------------------------------------------------------------------------------
# set-up


def ensure_opc(skip_install: bool) -> str:
    """Create benchmarks/.venv-opc with openapi-python-client==0.29.1 unless it is there."""
    def version() -> str | None:
        if not OPC_BIN.exists():
            return None
        r = subprocess.run([str(OPC_BIN), "--version"], capture_output=True, text=True, timeout=120)
        m = re.search(r"(\d+\.\d+\.\d+)", r.stdout)
        return m.group(1) if m else None

    have = version()
    has_dateutil = OPC_PY.exists() and subprocess.run([str(OPC_PY), "-c", "import dateutil"], capture_output=True).returncode == 0
    if have == OPC_VERSION and has_dateutil:
        return have
    if skip_install:
        raise BenchError(f"{OPC_BIN} is missing or not {OPC_VERSION} (found {have}); run without --no-install")
    log(f"creating {OPC_VENV} with openapi-python-client=={OPC_VERSION} (from PyPI)")
    if not OPC_PY.exists():
        base = getattr(sys, "_base_executable", None) or sys.executable
        subprocess.run([base, "-m", "venv", str(OPC_VENV)], check=True)
    # python-dateutil: a runtime dependency of the clients OPC generates (in their pyproject.toml),
    # needed here to import and run them.
    subprocess.run(
        [str(OPC_PY), "-m", "pip", "install", "--disable-pip-version-check", "-q", f"openapi-python-client=={OPC_VERSION}", "python-dateutil"],
        check=True,
    )
    have = version()
    if have != OPC_VERSION:
        raise BenchError(f"installed openapi-python-client reports version {have}, expected {OPC_VERSION}")
    return have


def opc_env() -> dict[str, str]:
    # OPC's default post-hooks call `ruff`; a user who installed OPC into a virtual environment
    # has that environment's bin/ on PATH (activated), so ruff is found and the hooks run.
    return {"PATH": f"{OPC_VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"

    return {
        "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": out(["nproc"]),
        "cpu": cpu,
        "python_ours": out([str(OURS_PY), "-c", "import sys; print(sys.version.split()[0])"]),
        "python_opc": out([str(OPC_PY), "-c", "import sys; print(sys.version.split()[0])"]),
        "kernel": platform.release(),
        "mem": out(["sh", "-c", "free -g | awk '/Mem:/ {print $2\" GiB\"}'"]),
        "ours_versions": out([str(OURS_PY), "-c", "import black, pydantic, httpx; print(f'black {black.__version__}, pydantic {pydantic.VERSION}, httpx {httpx.__version__}')"]),
        "opc_versions": out([str(OPC_PY), "-c", "import importlib.metadata as m; print(', '.join(f'{p} {m.version(p)}' for p in ('openapi-python-client', 'ruff', 'attrs', 'httpx')))"]),
        "git": out(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]) + (" (+ uncommitted changes)" if out(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"]) else ""),
    }


#: Where connect-codegen's source is taken from: the working tree, or (default) a copy of it made
#: at the start (set in main()). The installed `connect-codegen` is an editable install whose
#: finder comes after PYTHONPATH, so PYTHONPATH=<copy> runs the copy with the same command.
SNAPSHOT: Path | None = None


def source_fingerprint(root: Path | None = None) -> str:
    """A hash of connect-codegen's source (generator/, templates/) under ``root`` (default: the
    snapshot if there is one, else the working tree); the report flags a change during the run."""
    import hashlib

    root = root or SNAPSHOT or ROOT
    h = hashlib.sha256()
    for top in ("generator", "templates"):
        for p in sorted((root / top).rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".jinja", ".toml", ".json"):
                h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def make_snapshot(dest: Path) -> Path:
    """Copy generator/ and templates/ to ``dest`` and compile them (so no run pays for that)."""
    for top in ("generator", "templates"):
        shutil.copytree(ROOT / top, dest / top, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    subprocess.run([str(OURS_PY), "-m", "compileall", "-q", str(dest)], check=True, timeout=600)
    check = subprocess.run([str(OURS_PY), "-c", "import generator, generator.paths as p; print(generator.__file__); print(p.templates_dir())"],
                           env={**os.environ, "PYTHONPATH": str(dest)}, cwd=dest, capture_output=True, text=True, timeout=120)
    if check.returncode != 0 or not check.stdout.startswith(str(dest)):
        raise BenchError(f"the source snapshot is not the one Python imports: {check.stdout} {check.stderr[-300:]}")
    return dest


def ours_env(cache: Path) -> dict[str, str]:
    env = {"CONNECT_CODEGEN_CACHE_DIR": str(cache)}
    if SNAPSHOT is not None:
        env["PYTHONPATH"] = str(SNAPSHOT)
    return env


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# --------------------------------------------------------------------------------------------
# a spec with one operation changed


def changed_copy(spec: Path, dest_dir: Path) -> tuple[Path, str]:
    """Copy ``spec`` (same file name) with the first operation's summary (or, in a document without
    summaries, its description) prefixed by "Changed "; every other byte stays the same. Returns the
    copy and what changed (checked by parsing both documents)."""
    text = spec.read_text(encoding="utf-8")
    new = None
    for fld in ("summary", "description"):
        if spec.suffix == ".json":
            start = text.index('"paths"')
            m = re.compile(rf'"{fld}":\s*"').search(text, start)
        else:
            pm = re.search(r"(?m)^paths:\s*$", text)
            if not pm:
                raise BenchError(f"{spec}: no top-level paths:")
            m = re.compile(rf"(?m)^(\s+{fld}:[ \t]*)(['\"]?)(?=[^\s|>])").search(text, pm.end())
        if m:
            new = text[: m.end()] + "Changed " + text[m.end():]
            break
    if new is None:
        raise BenchError(f"{spec}: no operation summary or description to change")
    dest_dir.mkdir(parents=True, exist_ok=True)
    out = dest_dir / spec.name
    out.write_text(new, encoding="utf-8")
    code = textwrap.dedent(
        """
        import json, sys, yaml
        def load(p):
            if p.endswith('.json'):
                return json.load(open(p, encoding='utf-8'))
            return yaml.load(open(p, encoding='utf-8'), Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))
        a, b = load(sys.argv[1]), load(sys.argv[2])
        diffs = []
        for path, item in b['paths'].items():
            for method, op in item.items():
                if not isinstance(op, dict):
                    continue
                for fld in ('summary', 'description'):
                    if op.get(fld) != a['paths'][path][method].get(fld):
                        diffs.append(f'{fld} of {method.upper()} {path}')
        print(json.dumps(diffs))
        """
    )
    r = subprocess.run([str(OURS_PY), "-c", code, str(spec), str(out)], capture_output=True, text=True, timeout=600)
    diffs = json.loads(r.stdout or "[]") if r.returncode == 0 else []
    if len(diffs) != 1:
        raise BenchError(f"{spec}: the edited copy should differ in one operation's summary, got {diffs} {r.stderr[-300:]}")
    return out, f'{diffs[0]} prefixed with "Changed "'


# --------------------------------------------------------------------------------------------
# generation


def opc_error(run: Run) -> str:
    """The informative part of OPC's failure output (it ends with a generic "please open an issue")."""
    if run.timed_out:
        return run.why()
    lines = (run.stdout + "\n" + run.stderr).splitlines()
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        if re.match(r"^(error: |[A-Za-z]*Error: |Traceback)", line):
            msg = [line]
            for nxt in lines[i + 1:i + 3]:
                if not nxt.strip() or nxt.startswith(("│", "╰", " ")):
                    break
                msg.append(nxt.strip())
            hook = " (in its ruff post-hook)" if any("ruff failed" in ln for ln in lines) else ""
            return " ".join(msg)[:300] + hook
    return run.why()


def ours_cmd(spec: Path, out: Path, verbose: bool = False) -> list[str]:
    return [str(OURS_BIN), "generate", str(spec), "-o", str(out)] + (["-v"] if verbose else [])


def opc_cmd(spec: Path, out: Path) -> list[str]:
    return [str(OPC_BIN), "generate", "--path", str(spec), "--output-path", str(out), "--overwrite"]


def py_lines(project: Path) -> dict[str, int]:
    files = lines = nonblank = 0
    for p in project.rglob("*.py"):
        if "__pycache__" in p.parts:
            continue
        text = p.read_text(encoding="utf-8", errors="replace")
        files += 1
        lines += text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        nonblank += sum(1 for ln in text.splitlines() if ln.strip())
    return {"files": files, "lines": lines, "nonblank": nonblank}


def package_dir(project: Path) -> Path | None:
    """The generated package: the folder under ``project`` with an __init__.py."""
    for p in sorted(project.iterdir()) if project.is_dir() else []:
        if p.is_dir() and (p / "__init__.py").exists():
            return p
    return None


@dataclass
class Tool:
    name: str
    runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # phase -> per round


def gen_record(run: Run, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    rec = {"ok": run.ok, "wall": run.wall, "cpu": run.cpu, "maxrss_mb": run.maxrss_mb, "peak_pss_mb": run.peak_pss_mb}
    if not run.ok:
        rec["error"] = run.why()
    rec.update(extra or {})
    return rec


def bench_spec(key: str, spec: Path, rounds: int, work: Path, timeout: float, opc_regen: bool) -> dict[str, Any]:
    """Cold, unchanged-regeneration and changed-regeneration runs of both tools, alternating."""
    label = SPECS[key][0]
    log(f"== {label}: {spec} ({rounds} round(s))")
    base = work / key
    changed, change_desc = changed_copy(spec, base / "changed-spec")
    res: dict[str, Any] = {"spec": str(spec), "label": label, "rounds": rounds, "change": change_desc, "ours": {}, "opc": {}}
    for tool in ("ours", "opc"):
        for phase in ("cold", "same", "changed"):
            res[tool][phase] = []
    last: dict[str, Path] = {}
    for rnd in range(rounds):
        order = ("ours", "opc") if rnd % 2 == 0 else ("opc", "ours")
        rdir = base / f"round{rnd}"
        state: dict[str, dict[str, Path]] = {
            "ours": {"out": rdir / "ours-out", "cache": rdir / "ours-cache"},
            "opc": {"out": rdir / "opc-out" / "client"},
        }
        state["ours"]["cache"].mkdir(parents=True)
        state["opc"]["out"].parent.mkdir(parents=True)
        opc_broken = False
        for phase, spec_path in (("cold", spec), ("same", spec), ("changed", changed)):
            for tool in order:
                st = state[tool]
                if tool == "ours":
                    src = source_fingerprint()
                    run = measure(ours_cmd(spec_path, st["out"], verbose=True), env=ours_env(st["cache"]), cwd=rdir, timeout=timeout)
                    extra: dict[str, Any] = {"stages": _timings(run.stderr), "src": src}
                    m = re.search(r"\((\d+) written, (\d+) unchanged, (\d+) removed\)", run.stderr)
                    if m:
                        extra["written"], extra["unchanged"] = int(m.group(1)), int(m.group(2))
                    rec = gen_record(run, extra)
                else:
                    if opc_broken:
                        res[tool][phase].append({"ok": False, "error": "skipped: OPC's cold run failed"})
                        continue
                    if phase != "cold" and not opc_regen:
                        res[tool][phase].append({"ok": False, "skipped": True, "error": "not run (OPC always regenerates everything)"})
                        continue
                    run = measure(opc_cmd(spec_path, st["out"]), env=opc_env(), cwd=rdir, timeout=timeout)
                    warnings = len(re.findall(r"(?m)^WARNING ", run.stdout + run.stderr))
                    rec = gen_record(run, {"warnings": warnings})
                    if not run.ok:
                        rec["error"] = opc_error(run)
                    if run.ok and package_dir(st["out"]) is None:
                        rec["ok"], rec["error"] = False, "no package generated: " + run.why()
                    if "ruff is not in PATH" in run.stdout + run.stderr:
                        rec["note"] = "ruff post-hook did not run"
                    if phase == "cold" and not rec["ok"]:
                        opc_broken = True
                        (base / f"opc-failure-round{rnd}.log").write_text(run.stdout + "\n" + run.stderr, encoding="utf-8")
                        if "(in its ruff post-hook)" in rec.get("error", ""):
                            log(f"  round {rnd + 1} {phase:7} {tool:4}: FAILED ({rec.get('error')}); again without its post-hooks")
                            # the same run without its post-hooks (how the OPC figures were
                            # taken): the comparison then still has a complete OPC run, marked as such
                            cfg = base / "opc-no-post-hooks.yaml"
                            cfg.write_text("post_hooks: []\n", encoding="utf-8")
                            out2 = rdir / "opc-no-hooks-out" / "client"
                            out2.parent.mkdir(parents=True, exist_ok=True)
                            run2 = measure(opc_cmd(spec_path, out2) + ["--config", str(cfg)], env=opc_env(), cwd=rdir, timeout=timeout)
                            rec2 = gen_record(run2, {"warnings": len(re.findall(r"(?m)^WARNING ", run2.stdout + run2.stderr)),
                                                     "no_hooks": True, "default_error": rec.get("error"), "default_wall": rec.get("wall")})
                            if run2.ok and package_dir(out2) is not None:
                                rec, st["out"] = rec2, out2
                        if not rec["ok"] and package_dir(st["out"]) is not None:
                            # OPC wrote a project before failing (e.g. in its ruff post-hook): keep
                            # it for the rows that can still use it, marked as partial
                            res["opc"]["partial_lines"] = py_lines(st["out"])
                            res.setdefault("partial", {})["opc"] = str(st["out"])
                res[tool][phase].append(rec)
                status = "skipped" if rec.get("skipped") else f"{rec['wall']:.2f} s, CPU {rec['cpu']:.2f} s, maxRSS {rec['maxrss_mb']:.0f} MB, peak PSS {rec['peak_pss_mb']:.0f} MB" if rec.get("ok") else f"FAILED ({rec.get('error')})"
                log(f"  round {rnd + 1} {phase:7} {tool:4}: {status}")
                if tool == "ours" and phase == "cold" and rec["ok"]:
                    project = next((p for p in st["out"].iterdir() if p.is_dir()), None)
                    if project is not None:
                        res["ours"]["lines"] = py_lines(project)
                        last["ours"] = project
                if tool == "opc" and phase == "cold" and rec["ok"]:
                    res["opc"]["lines"] = py_lines(st["out"])
                    last["opc"] = st["out"]
        # keep the last round's cold outputs (for import/parse/request benchmarks); regenerated
        # trees are the same project, so the folders in `last` stay valid
    res["projects"] = {k: str(v) for k, v in last.items()}
    return res


def _timings(stderr: str) -> dict[str, float]:
    m = re.search(r"(?m)^timings: (.*)$", stderr)
    out: dict[str, float] = {}
    if m:
        for part in m.group(1).split(", "):
            name, _, rest = part.partition(" ")
            try:
                out[name] = float(rest.split()[0])
            except (ValueError, IndexError):
                pass
    return out


# --------------------------------------------------------------------------------------------
# import, parse and request benchmarks (each in fresh interpreters)

IMPORT_SNIPPET = r"""
import importlib, json, sys, time
pkg, mode = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
if mode == "models":
    importlib.import_module(pkg + ".models")
    t1 = time.perf_counter()
else:
    m = importlib.import_module(pkg)
    t1 = time.perf_counter()
    m.Client(base_url="http://127.0.0.1:9")
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "total": t2 - t0, "modules": len(sys.modules)}))
"""


def bench_import(spec_key: str, res: dict[str, Any], rounds: int, timeout: float) -> dict[str, Any]:
    projects = res.get("projects", {})
    if "ours" not in projects:
        return {"error": "ours did not generate"}
    ours_proj = Path(projects["ours"])
    ours_pkg = package_dir(ours_proj)
    cases: list[tuple[str, str, Path, Path]] = [("ours_client", str(OURS_PY), ours_proj, ours_pkg), ("ours_models", str(OURS_PY), ours_proj, ours_pkg)]
    out_partial = False
    if "opc" not in projects and "opc" in res.get("partial", {}):
        projects = dict(projects, opc=res["partial"]["opc"])
        out_partial = True
    if "opc" in projects:
        opc_proj = Path(projects["opc"])
        cases += [("opc_models", str(OPC_PY), opc_proj, package_dir(opc_proj)), ("opc_client", str(OPC_PY), opc_proj, package_dir(opc_proj))]
    out: dict[str, Any] = {c[0]: [] for c in cases}
    out["opc_partial"] = out_partial
    log(f"== import benchmark: {SPECS[spec_key][0]}" + (" (OPC: the project its failed run left)" if out_partial else ""))
    for rnd in range(rounds + 1):  # round 0 warms up (writes __pycache__) and is not counted
        seq = cases if rnd % 2 else list(reversed(cases))
        for name, py, proj, pkg in seq:
            mode = name.split("_")[1]
            run = measure([py, "-c", IMPORT_SNIPPET, pkg.name, mode], env={"PYTHONPATH": str(proj)}, cwd=proj, timeout=timeout, sample=False)
            if not run.ok:
                out[name] = {"error": run.why()}
                continue
            if rnd == 0 or not isinstance(out[name], list):
                continue
            data = json.loads(run.stdout.strip().splitlines()[-1])
            data["process_wall"] = run.wall
            data["maxrss_mb"] = run.maxrss_mb
            out[name].append(data)
    for name, vals in out.items():
        if isinstance(vals, list) and vals:
            log(f"  {name}: in-process {statistics.median(v['total'] for v in vals) * 1000:.0f} ms, process {statistics.median(v['process_wall'] for v in vals) * 1000:.0f} ms")
    return out


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise BenchError(f"cannot follow {ref}")
        cur: Any = spec
        for part in ref[2:].split("/"):
            cur = cur[part.replace("~1", "/").replace("~0", "~")]
        node = cur
        seen += 1
        if seen > 50:
            raise BenchError("$ref loop")
    return node


def _ulid(i: int) -> str:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    s = ""
    n = (1_700_000_000_000 << 80) | i
    for _ in range(26):
        s = alphabet[n & 31] + s
        n >>= 5
    return s


def example(spec: dict[str, Any], schema: Any, i: int, name: str = "value", depth: int = 0) -> Any:
    """A JSON value valid for ``schema`` (every property filled in), varied by ``i``."""
    schema = _resolve(spec, schema)
    if depth > 12 or not isinstance(schema, dict):
        return None
    if "allOf" in schema:
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in [schema] + list(schema["allOf"]):
            part = _resolve(spec, part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return example(spec, merged, i, name, depth + 1)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return example(spec, schema[key][0], i, name, depth + 1)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][i % len(schema["enum"])]
    typ = schema.get("type")
    if isinstance(typ, list):
        typ = next((t for t in typ if t != "null"), "null")
    if typ == "object" or "properties" in schema:
        return {k: example(spec, v, i, k, depth + 1) for k, v in schema.get("properties", {}).items()}
    if typ == "array":
        return [example(spec, schema.get("items", {}), i * 2 + j, name, depth + 1) for j in range(2)]
    if typ == "integer":
        return i
    if typ == "number":
        return i + 0.5
    if typ == "boolean":
        return i % 2 == 0
    fmt = schema.get("format")
    if fmt == "date-time":
        t = _dt.datetime(2024, 1, 1, tzinfo=_dt.timezone.utc) + _dt.timedelta(seconds=i * 37)
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    if fmt == "date":
        return (_dt.date(2024, 1, 1) + _dt.timedelta(days=i % 3000)).isoformat()
    if fmt == "ulid":
        return _ulid(i)
    if fmt == "uuid":
        return f"00000000-0000-4000-8000-{i:012d}"
    return f"{name}-{i}"


def build_page(spec_path: Path, n: int, dest: Path) -> Path:
    """Write a ConnectorConnectionPage with ``n`` items, built from the spec's schema."""
    code = textwrap.dedent(
        f"""
        import json, sys, yaml
        sys.path.insert(0, {str(HERE)!r})
        from run import example, _resolve, PAGE_SCHEMA
        spec = yaml.load(open(sys.argv[1], encoding='utf-8'), Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))
        n = int(sys.argv[2])
        schema = spec['components']['schemas'][PAGE_SCHEMA]
        page = example(spec, schema, 0, 'page')
        parts = [_resolve(spec, p) for p in schema.get('allOf', [])] + [schema]
        items_schema = next(p['properties']['items']['items'] for p in parts if 'items' in p.get('properties', {{}}))
        page['items'] = [example(spec, items_schema, i, 'item') for i in range(n)]
        page['totalCount'] = n
        json.dump(page, open(sys.argv[3], 'w'), separators=(',', ':'))
        """
    )
    r = subprocess.run([str(OURS_PY), "-c", code, str(spec_path), str(n), str(dest)], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise BenchError(f"building the {PAGE_SCHEMA} JSON failed: {r.stderr[-500:]}")
    return dest


PARSE_SNIPPET = r"""
import importlib, json, statistics, sys, time
import httpx
tool, pkg, path, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
raw = open(path, "rb").read()
data = json.loads(raw)
M = importlib.import_module(pkg + ".models").ConnectorConnectionPage
if tool == "ours":
    # what the client does: parse_body validates the body's bytes in one pass
    # (_result.to_result); from decoded JSON, TypeAdapter.validate_python
    response_mod = importlib.import_module(pkg + "._response")
    ser = importlib.import_module(pkg + "._serialization")
    spec = response_mod.ResponseSpec(M)
    adapter = ser.type_adapter(M)
    def parse(d):
        with ser.gc_paused():
            return adapter.validate_python(d)
    def parse_bytes(b):
        return response_mod.parse_body(httpx.Response(200, content=b), spec)[0]
else:
    # what its client does: response.json(), then from_dict (api/*/<op>.py _parse_response)
    parse = M.from_dict
    def parse_bytes(b):
        return M.from_dict(httpx.Response(200, content=b).json())
first = parse(data)
n = len(first.items)
kind = type(first.items[0].created_at).__name__
assert len(parse_bytes(raw).items) == n
dict_t, bytes_t = [], []
for _ in range(reps):
    t = time.perf_counter(); x = parse(data); dict_t.append(time.perf_counter() - t)
    del x  # freeing the previous page is not part of parsing the next
    t = time.perf_counter(); x = parse_bytes(raw); bytes_t.append(time.perf_counter() - t)
    del x
print(json.dumps({"dict": statistics.median(dict_t), "bytes": statistics.median(bytes_t), "items": n, "created_at": kind}))
"""


def bench_parse(connect: dict[str, Any], work: Path, rounds: int, reps: int, timeout: float) -> dict[str, Any]:
    projects = connect.get("projects", {})
    spec_path = Path(connect["spec"])
    log(f"== parse benchmark: {PAGE_ITEMS} items of {PAGE_SCHEMA}")
    page = build_page(spec_path, PAGE_ITEMS, work / "page.json")
    out: dict[str, Any] = {"bytes": page.stat().st_size, "reps": reps}
    cases = []
    if "ours" in projects:
        cases.append(("ours", str(OURS_PY), Path(projects["ours"])))
    if "opc" in projects:
        cases.append(("opc", str(OPC_PY), Path(projects["opc"])))
    for name, *_ in cases:
        out[name] = []
    for rnd in range(rounds):
        for name, py, proj in cases if rnd % 2 == 0 else list(reversed(cases)):
            if not isinstance(out[name], list):
                continue
            run = measure([py, "-c", PARSE_SNIPPET, name, package_dir(proj).name, str(page), str(reps)], env={"PYTHONPATH": str(proj)}, cwd=proj, timeout=timeout, sample=False)
            if not run.ok:
                out[name] = {"error": run.why()}
                log(f"  {name}: FAILED {run.why()}")
                continue
            data = json.loads(run.stdout.strip().splitlines()[-1])
            out[name].append(data)
            log(f"  round {rnd + 1} {name}: dict {data['dict'] * 1000:.0f} ms, bytes {data['bytes'] * 1000:.0f} ms ({data['items']} items, createdAt {data['created_at']})")
    return out


SERVER_SNIPPET = r"""
import http.server, os, socket, sys, threading
body = open(sys.argv[1], "rb").read()
lifetime = float(sys.argv[2])
head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)).encode()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    def do_GET(self):
        self.wfile.write(head + body)  # one write: no Nagle / delayed-ACK stall
    def log_message(self, *a):
        pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
threading.Thread(target=srv.serve_forever, daemon=True).start()
threading.Timer(lifetime, lambda: os._exit(0)).start()  # stops by itself
print(srv.server_address[1], flush=True)
sys.stdin.read()  # until the benchmark closes our stdin
os._exit(0)
"""

REQUEST_SNIPPET = r"""
import glob, importlib, json, os, statistics, sys, time
import httpx
tool, pkg, port, n, batches, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
base = f"http://127.0.0.1:{port}"
path = "/o/o1/connectors/c1/connections"
raw = httpx.Client(base_url=base)
def raw_call():
    r = raw.get(path, headers={"Authorization": "Bearer x"})
    r.raise_for_status()
    return r.json()
if tool == "ours":
    m = importlib.import_module(pkg)
    client = m.Client(token="x", base_url=base)
    res = next(getattr(client, a) for a in dir(client) if not a.startswith("_") and hasattr(getattr(client, a), "list_connector_connections"))
    def gen_call():
        return res.list_connector_connections(organisation_id="o1", connector_id="c1")
else:
    m = importlib.import_module(pkg)
    mod_file = glob.glob(os.path.join(os.path.dirname(m.__file__), "api", "*", "list_connector_connections.py"))[0]
    rel = os.path.relpath(mod_file[:-3], os.path.dirname(os.path.dirname(m.__file__))).replace(os.sep, ".")
    op = importlib.import_module(rel)
    client = m.AuthenticatedClient(base_url=base, token="x")
    def gen_call():
        return op.sync(client=client, organisation_id="o1", connector_id="c1")
for _ in range(50):
    raw_call(); result = gen_call()
kind = type(result).__name__
start = time.perf_counter()
times = {"raw": [], "gen": []}
for b in range(batches):
    for name, fn in ((("raw", raw_call), ("gen", gen_call)) if b % 2 == 0 else (("gen", gen_call), ("raw", raw_call))):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        times[name].append((time.perf_counter() - t) / n)
    if time.perf_counter() - start > limit:
        break
# the same calls over httpx.MockTransport answering with the same body: the clients' own work
# (no socket, no server), which the loopback numbers above mix with the server's noise
body = raw.get(path, headers={"Authorization": "Bearer x"}).content
mock = httpx.MockTransport(lambda request: httpx.Response(200, content=body, headers={"Content-Type": "application/json"}))
raw = httpx.Client(base_url=base, transport=mock)
if tool == "ours":
    client = m.Client(token="x", base_url=base, http_client=httpx.Client(transport=mock))
    res = next(getattr(client, a) for a in dir(client) if not a.startswith("_") and hasattr(getattr(client, a), "list_connector_connections"))
else:
    client.set_httpx_client(httpx.Client(base_url=base, transport=mock, headers={"Authorization": "Bearer x"}))
for _ in range(200):
    raw_call(); gen_call()
mock_times = {"raw": [], "gen": []}
for b in range(batches):
    for name, fn in ((("raw", raw_call), ("gen", gen_call)) if b % 2 == 0 else (("gen", gen_call), ("raw", raw_call))):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        mock_times[name].append((time.perf_counter() - t) / n)
print(json.dumps({"raw": statistics.median(times["raw"]), "gen": statistics.median(times["gen"]), "ratios": [g / r for g, r in zip(times["gen"], times["raw"])], "batches": len(times["raw"]), "result": kind,
                  "mock_raw": statistics.median(mock_times["raw"]), "mock_gen": statistics.median(mock_times["gen"]), "mock_ratios": [g / r for g, r in zip(mock_times["gen"], mock_times["raw"])]}))
"""


def bench_requests(connect: dict[str, Any], work: Path, n: int, batches: int, limit: float, timeout: float) -> dict[str, Any]:
    projects = connect.get("projects", {})
    log(f"== per-request benchmark: {n} requests x {batches} batches each way (loopback)")
    body = build_page(Path(connect["spec"]), 3, work / "small-page.json")
    server = subprocess.Popen([str(OURS_PY), "-c", SERVER_SNIPPET, str(body), str(limit * 4 + 120)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)
    out: dict[str, Any] = {"n": n, "body_bytes": body.stat().st_size}
    try:
        port = int(server.stdout.readline().strip())
        for name, py in (("ours", OURS_PY), ("opc", OPC_PY)):
            if name not in projects:
                continue
            proj = Path(projects[name])
            run = measure([str(py), "-c", REQUEST_SNIPPET, name, package_dir(proj).name, str(port), str(n), str(batches), str(limit)], env={"PYTHONPATH": str(proj)}, cwd=proj, timeout=timeout, sample=False)
            if not run.ok:
                out[name] = {"error": run.why()}
                log(f"  {name}: FAILED {run.why()}")
                continue
            out[name] = json.loads(run.stdout.strip().splitlines()[-1])
            d = out[name]
            log(f"  {name}: raw httpx {d['raw'] * 1e6:.0f} us/request, generated {d['gen'] * 1e6:.0f} us/request ({d['result']}), ratio {d['gen'] / d['raw']:.2f}")
    finally:
        try:
            server.stdin.close()
            server.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)  # the server process we started
            server.wait()
    return out


# --------------------------------------------------------------------------------------------
# report


def med(vals: list[float]) -> float | None:
    return statistics.median(vals) if vals else None


def ok_vals(recs: list[dict[str, Any]], key: str) -> list[float]:
    return [r[key] for r in recs if r.get("ok")]


def paired(a: list[dict[str, Any]], b: list[dict[str, Any]], key: str, key_b: str | None = None) -> list[float]:
    key_b = key_b or key
    return [x[key] / y[key_b] for x, y in zip(a, b) if x.get("ok") and y.get("ok") and y[key_b]]


def fmt_s(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.2f} s" if v >= 1 else f"{v * 1000:.0f} ms"


def fmt_ratio(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}x"


def build_report(r: dict[str, Any]) -> str:
    mi = r["machine"]
    lines: list[str] = []
    add = lines.append
    add(f"Run on {mi['date']} ({'--quick, ' if r['args']['quick'] else ''}total {r['elapsed'] / 60:.1f} min).")
    add("")
    add(f"- Machine: `nproc` = {mi['nproc']}, CPU `{mi['cpu']}`, {mi['mem']} RAM, Linux {mi['kernel']}.")
    add(f"- Load average (`uptime`) before: {r['load_before']}; after: {r['load_after']}. "
        "Other work shared the machine, so wall times are noisy: rounds alternate the two tools and "
        "the ratios are taken per round.")
    add(f"- Python {mi['python_ours']} (ours: `.venv`, {mi['ours_versions']}); "
        f"Python {mi['python_opc']} (OPC: `benchmarks/.venv-opc`, {mi['opc_versions']}). connect-codegen at {mi['git']}.")
    add("- Rounds: " + ", ".join(f"{s['label']} {s['rounds']}" for s in r["specs"].values())
        + "; each round runs ours and OPC alternately (cold, then unchanged regeneration, then changed), "
        "the order of the two tools swapping every round; every value is the median over rounds and "
        "\"per round\" lists the ratio of each round.")
    add("- Commands (each a fresh process; wall time = fork to exit; memory = peak of the summed PSS "
        "of the whole process tree, sampled every 50 ms, and in brackets the largest single process's max RSS):")
    add("  - ours, cold: `CONNECT_CODEGEN_CACHE_DIR=<new empty dir> .venv/bin/connect-codegen generate SPEC -o <new dir> -v`" +
        (" with `PYTHONPATH=<copy of generator/ and templates/>`" if r.get("snapshot") else "") + "; "
        "regeneration: the same command again with the same output dir and cache dir. (`-v` only adds printing the "
        "INFO diagnostics (located in the document while the validator runs: GitHub REST has 51, about 0.2 s) and the stage timings used below.)")
    add("  - OPC: `PATH=benchmarks/.venv-opc/bin:$PATH openapi-python-client generate --path SPEC --output-path <dir>/client --overwrite` "
        "(defaults: `meta = poetry`, post-hooks `ruff check . --fix-only` and `ruff format .` run, "
        "which is what a user with OPC installed in an activated virtual environment gets). OPC has no "
        "incremental mode: its \"regeneration\" re-runs everything.")
    add("  - \"one operation changed\": a copy of the spec (same file name) where " + "; ".join(
        f"{s['label']}: {s['change']}" for s in r["specs"].values()) + ".")
    add("")
    add("| # | measurement | spec | ours | OPC | ratio (median) | per round | target | met |")
    add("|---|---|---|---|---|---|---|---|---|")

    def row(num: str, what: str, spec: str, ours: str, opc: str, ratio: float | None, per: list[float], target: str, met: bool | str | None) -> None:
        per_s = ", ".join(f"{p:.2f}" for p in per) if per else "—"
        met_s = met if isinstance(met, str) else ("—" if met is None else ("yes" if met else "**no**"))
        add(f"| {num} | {what} | {spec} | {ours} | {opc} | {fmt_ratio(ratio)} | {per_s} | {target} | {met_s} |")

    def opc_cell(recs: list[dict[str, Any]], key: str, fmt: Callable[[float | None], str]) -> str:
        vals = ok_vals(recs, key)
        if not vals:
            bad = next((x for x in recs if not x.get("ok")), {})
            err = bad.get("error", "not run")
            after = f" after {fmt_s(bad['wall'])}" if bad.get("wall") else ""
            return f"OPC failed{after}: {err}"
        warn = max((x.get("warnings", 0) for x in recs if x.get("ok")), default=0)
        no_hooks = next((x for x in recs if x.get("ok") and x.get("no_hooks")), None)
        hooks = (f", without its post-hooks: with them it fails after {fmt_s(no_hooks.get('default_wall'))}"
                 f" ({no_hooks.get('default_error')})") if no_hooks else ""
        return fmt(med(vals)) + (f" ({warn} warnings{hooks})" if warn else (f" ({hooks[2:]})" if hooks else ""))

    def mem(recs: list[dict[str, Any]]) -> str:
        p, m = med(ok_vals(recs, "peak_pss_mb")), med(ok_vals(recs, "maxrss_mb"))
        return "—" if p is None else f"{p:.0f} MB ({m:.0f})"

    specs = r["specs"]
    order = [k for k in ("connect", "connect-upstream", "stripe", "github") if k in specs]
    targeted = {"connect", "github"}
    # 1/2: cold
    for k in order:
        s = specs[k]
        o, p = s["ours"]["cold"], s["opc"]["cold"]
        per = paired(o, p, "wall")
        ratio = med(per) if per else None
        num = "1" if k == "connect" else ("2" if k == "github" else "(1)")
        tgt = "<= 1.0x" if k in targeted else "(info)"
        row(num, "cold generation, wall", s["label"], fmt_s(med(ok_vals(o, "wall"))) + f" (CPU {fmt_s(med(ok_vals(o, 'cpu')))})",
            opc_cell(p, "wall", fmt_s) + (f" (CPU {fmt_s(med(ok_vals(p, 'cpu')))})" if ok_vals(p, "cpu") else ""),
            ratio, per, tgt, (ratio <= 1.0) if (ratio is not None and k in targeted) else None)
        perm = paired(o, p, "peak_pss_mb")
        rm = med(perm) if perm else None
        failed_mem = next((f"OPC failed; {x['peak_pss_mb']:.0f} MB ({x['maxrss_mb']:.0f}) until then" for x in p if not x.get("ok") and x.get("peak_pss_mb")), None)
        row(num, "cold generation, peak memory", s["label"], mem(o), mem(p) if ok_vals(p, "wall") else (failed_mem or opc_cell(p, "wall", fmt_s)),
            rm, perm, "<= 1.0x" if k == "github" else "(info)", (rm <= 1.0) if (rm is not None and k == "github") else None)
    # 3/4: regeneration vs OPC's cold
    for phase, num, lim, what in (("same", "3", 0.2, "regeneration, unchanged spec"), ("changed", "4", 0.3, "regeneration, one operation changed")):
        for k in order:
            s = specs[k]
            o, p_cold, p_phase = s["ours"][phase], s["opc"]["cold"], s["opc"][phase]
            per = paired(o, p_cold, "wall")
            ratio = med(per) if per else None
            wu = [x for x in o if x.get("ok") and "written" in x]
            note = f", {wu[-1]['written']} files written" if wu else ""
            tgt = f"<= {lim}x OPC cold" if k in targeted else "(info)"
            row(num if k in targeted else f"({num})", what, s["label"], fmt_s(med(ok_vals(o, "wall"))) + note,
                "cold " + opc_cell(p_cold, "wall", fmt_s) + (f"; its regeneration {fmt_s(med(ok_vals(p_phase, 'wall')))}" if ok_vals(p_phase, "wall") else ""),
                ratio, per, tgt, (ratio <= lim) if (ratio is not None and k in targeted) else None)
    # 5: lines
    for k in order:
        s = specs[k]
        lo, lp = s["ours"].get("lines"), s["opc"].get("lines")
        partial = lp is None and s["opc"].get("partial_lines") is not None
        if partial:
            lp = s["opc"]["partial_lines"]
        ratio = lo["lines"] / lp["lines"] if lo and lp and lp["lines"] else None
        ours_s = f"{lo['lines']:,} lines / {lo['files']} files" if lo else "—"
        opc_s = f"{lp['lines']:,} lines / {lp['files']} files" if lp else "OPC failed"
        if partial:
            opc_s = "OPC failed; the project it wrote before failing: " + opc_s
        met5: bool | str | None = None if ratio is None else ratio <= 0.4
        if partial and ratio is not None:
            met5 = "(yes, vs partial)" if ratio <= 0.4 else "(**no**, vs partial)"
        row("5", "generated lines (*.py)", s["label"], ours_s, opc_s, ratio, [], "<= 0.4x", met5)
    # 6: import
    for k, imp in r.get("imports", {}).items():
        label = specs[k]["label"]

        def med_of(name: str, key: str = "total") -> float | None:
            v = imp.get(name)
            return med([x[key] for x in v]) if isinstance(v, list) and v else None

        oc, om = med_of("ours_client"), med_of("opc_models")
        ratio = oc / om if oc and om else None
        per = [a["total"] / b["total"] for a, b in zip(imp.get("ours_client", []), imp.get("opc_models", []))] if isinstance(imp.get("ours_client"), list) and isinstance(imp.get("opc_models"), list) else []
        is_t = k == "github"
        partial = bool(imp.get("opc_partial"))
        opc_s = (f"`import pkg.models` {fmt_s(om)}" if om is not None else ("OPC failed: " + str(imp["opc_models"].get("error")) if isinstance(imp.get("opc_models"), dict) else "OPC failed")) + (f"; `import pkg` + `Client()` {fmt_s(med_of('opc_client'))}" if med_of("opc_client") else "")
        if partial:
            opc_s = "(project left by OPC's failed run) " + opc_s
        met6: bool | str | None = (ratio <= 0.1) if (ratio is not None and is_t) else None
        if partial and isinstance(met6, bool):
            met6 = "(yes, vs partial)" if met6 else "(**no**, vs partial)"
        row("6" if is_t else "(6)", "`import pkg` + `Client()` (in-process)", label,
            f"{fmt_s(oc)}; `import pkg.models` {fmt_s(med_of('ours_models'))}", opc_s, ratio, per,
            "<= 0.1x OPC models import" if is_t else "(info)", met6)
        op, mp = med_of("ours_client", "process_wall"), med_of("opc_models", "process_wall")
        row("6" if is_t else "(6)", "same, whole process incl. interpreter start", label, fmt_s(op), fmt_s(mp) if mp else "—",
            op / mp if op and mp else None, [], "(info)", None)
    # 7: parse
    pr = r.get("parse")
    if pr:
        ours, opc = pr.get("ours"), pr.get("opc")
        # the target row is the one each client runs: from the response body (ours parses the
        # bytes in one pass, issue 18); from decoded JSON is shown for information
        for key, what in (("bytes", "from the response body, as each client does"), ("dict", "from decoded JSON")):
            o = med([x[key] for x in ours]) if isinstance(ours, list) and ours else None
            p = med([x[key] for x in opc]) if isinstance(opc, list) and opc else None
            speed = p / o if o and p else None
            per = [b[key] / a[key] for a, b in zip(ours, opc)] if isinstance(ours, list) and isinstance(opc, list) else []
            opc_s = fmt_s(p) if p is not None else ("OPC failed: " + str(opc.get("error")) if isinstance(opc, dict) else "—")
            row("7" if key == "bytes" else "(7)", f"parse {PAGE_ITEMS:,}-item {PAGE_SCHEMA} ({pr['bytes'] / 1e6:.1f} MB JSON), {what}; ratio = OPC/ours (speed-up)",
                "Connect API", fmt_s(o) + (" (`TypeAdapter.validate_python`, GC paused)" if key == "dict" else " (`parse_body`)"),
                opc_s + (" (`from_dict`)" if key == "dict" else " (`response.json()` + `from_dict`)"), speed, per,
                ">= 1.0x" if key == "bytes" else "(info)", (speed >= 1.0) if (speed is not None and key == "bytes") else None)
    # 8: requests
    rq = r.get("requests")
    if rq:
        for name, label in (("ours", "ours"), ("opc", "OPC")):
            d = rq.get(name)
            if not isinstance(d, dict) or "raw" not in d:
                if name == "ours":
                    row("8", "per-request time vs raw httpx", "Connect API", f"failed: {d}", "—", None, [], "<= 1.3x", False)
                continue
            ratio = d["gen"] / d["raw"]
            row("8" if name == "ours" else "(8)", f"per-request time, {'our' if name == 'ours' else label + chr(39) + 's'} client vs raw `httpx.Client` ({rq['n']} GETs x {d['batches']} batches, {rq['body_bytes']} B JSON, 127.0.0.1)",
                "Connect API", f"{d['gen'] * 1e6:.0f} us ({d['result']})" if name == "ours" else f"raw {d['raw'] * 1e6:.0f} us",
                f"raw {d['raw'] * 1e6:.0f} us" if name == "ours" else f"{d['gen'] * 1e6:.0f} us ({d['result']})",
                ratio, d["ratios"], "<= 1.3x" if name == "ours" else "(info)", (ratio <= 1.3) if name == "ours" else None)
        for name, label in (("ours", "our"), ("opc", "OPC's")):
            d = rq.get(name)
            if isinstance(d, dict) and "mock_raw" in d:
                row("(8)", f"per-request time without the network: {label} client vs raw `httpx.Client`, both on `httpx.MockTransport` answering the same body ({rq['n']} calls x {len(d['mock_ratios'])} batches)",
                    "Connect API", f"{d['mock_gen'] * 1e6:.0f} us", f"raw {d['mock_raw'] * 1e6:.0f} us", d["mock_gen"] / d["mock_raw"], d["mock_ratios"], "(info)", None)
    add("")
    add("Columns for row 8: \"ours\" is the generated client, \"OPC\" raw httpx (and the reverse for OPC's own line); "
        "ratio = generated / raw.")
    # where ours spends its time: the -v stage timings of the measured runs (medians)
    stage_names: list[str] = []
    for s in specs.values():
        for ph in ("cold", "same", "changed"):
            for rec in s["ours"][ph]:
                for n in rec.get("stages", {}):
                    if n not in stage_names:
                        stage_names.append(n)
    if stage_names:
        add("")
        add("Where connect-codegen spends its time: its `-v` stage timings (seconds; `formatted_files` is a count "
            "of files or pieces black formatted), medians over the measured runs. \"other\" = wall time minus the "
            "stages: interpreter start-up, imports, printing, process exit.")
        add("")
        add("| spec | run | wall | CPU | " + " | ".join(stage_names) + " | other |")
        add("|---|---|---|---|" + "---|" * (len(stage_names) + 1))
        for s in specs.values():
            for ph in ("cold", "same", "changed"):
                recs = [x for x in s["ours"][ph] if x.get("ok")]
                if not recs:
                    continue
                st = {n: med([x["stages"][n] for x in recs if n in x.get("stages", {})]) for n in stage_names}
                cells = [("" if st[n] is None else (f"{st[n]:.0f}" if n == "formatted_files" else f"{st[n]:.2f}")) for n in stage_names]
                wall = med([x["wall"] for x in recs])
                staged = sum(v for n, v in st.items() if v is not None and n not in ("formatted_files", "validate_start"))
                add(f"| {s['label']} | {ph} | {wall:.2f} s | {med([x['cpu'] for x in recs]):.2f} s | " + " | ".join(cells) + f" | {wall - staged:.2f} |")
    srcs = [r.get("src_start")] + [x.get("src") for s in specs.values() for ph in ("cold", "same", "changed") for x in s["ours"][ph]] + [r.get("src_end")]
    srcs = [x for x in srcs if x]
    if len(set(srcs)) > 1:
        changed_runs = [f"{s['label']} round {i + 1} {ph}" for s in specs.values() for ph in ("cold", "same", "changed")
                        for i, x in enumerate(s["ours"][ph]) if x.get("src") and x.get("src") != srcs[0]]
        r.setdefault("notes", []).insert(0, "**connect-codegen's source (generator/, templates/) changed while the benchmark ran** "
                                         f"(fingerprints {' -> '.join(dict.fromkeys(srcs))}); runs started after the first change: "
                                         + (", ".join(changed_runs) if changed_runs else "none of the generation runs (only later rows)")
                                         + ". A regeneration right after such a change also re-renders and re-formats what changed.")
    else:
        add("")
        if srcs:
            how = ("a copy of `generator/` and `templates/` made at the start (`PYTHONPATH=<copy>`, same command)"
                   if r.get("snapshot") else "the working tree")
            add(f"connect-codegen ran from {how}; its source was the same for every run (fingerprint {srcs[0]}).")
        if r.get("snapshot") and r.get("live_start") and r.get("live_start") != r.get("live_end"):
            add("The working tree's source changed during the run (other work); the copy measured here did not.")
    if r.get("notes"):
        add("")
        for n in r["notes"]:
            add(f"- {n}")
    return "\n".join(lines) + "\n"


def write_readme(report: str) -> None:
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    block = f"{MARK_START}\n{report}{MARK_END}"
    if MARK_START in text and MARK_END in text:
        a, b = text.index(MARK_START), text.index(MARK_END) + len(MARK_END)
        text = text[:a] + block + text[b:]
    else:
        text = text.rstrip("\n") + "\n\n## Results\n\n" + block + "\n"
    README.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="skip GitHub REST (minutes per run)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds for the Connect API, our copy (default 3)")
    ap.add_argument("--upstream-rounds", type=int, default=1, help="rounds for the upstream copy of the Connect API (default 1)")
    ap.add_argument("--stripe-rounds", type=int, default=1, help="rounds for Stripe (default 1)")
    ap.add_argument("--github-rounds", type=int, default=1, help="rounds for GitHub REST (default 1)")
    ap.add_argument("--opc-regen-large", action="store_true",
                    help="also re-run OPC for the regeneration rows of Stripe and GitHub (by default only the "
                         "Connect API copies: OPC has no incremental mode, so it takes its cold time again)")
    ap.add_argument("--specs", default="connect,connect-upstream,stripe,github", help="comma-separated subset of: " + ", ".join(SPECS))
    ap.add_argument("--timeout", type=float, default=2400, help="seconds before one generation run is killed (default 2400)")
    ap.add_argument("--import-rounds", type=int, default=5)
    ap.add_argument("--parse-rounds", type=int, default=3, help="fresh processes per tool (each parses --parse-reps times)")
    ap.add_argument("--parse-reps", type=int, default=15)
    ap.add_argument("--requests", type=int, default=300, help="requests per batch (default 300)")
    ap.add_argument("--request-batches", type=int, default=10, help="batches per side (default 10)")
    ap.add_argument("--request-limit", type=float, default=120, help="seconds after which no new request batch starts")
    ap.add_argument("--no-install", action="store_true", help="fail instead of creating benchmarks/.venv-opc")
    ap.add_argument("--no-readme", action="store_true", help="print the results instead of writing them into benchmarks/README.md")
    ap.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    ap.add_argument("--live", action="store_true",
                    help="run connect-codegen from the working tree (default: from a copy of generator/ and templates/ made at the start, "
                         "so edits during the run do not change what is measured)")
    ap.add_argument("--report-from", type=Path, metavar="JSON", help="only rebuild the results section from a saved run (benchmarks/.results/last-run.json)")
    args = ap.parse_args(argv)

    if args.report_from:
        report = build_report(json.loads(args.report_from.read_text(encoding="utf-8")))
        if args.no_readme:
            print(report)
        else:
            write_readme(report)
            print(report)
        return 0

    if not OURS_BIN.exists():
        print(f"error: {OURS_BIN} not found; run ./dev.sh first", file=sys.stderr)
        return 2
    if not Path("/proc/self/smaps_rollup").exists():
        print("error: needs Linux /proc (smaps_rollup)", file=sys.stderr)
        return 2
    keys = [k.strip() for k in args.specs.split(",") if k.strip()]
    unknown = [k for k in keys if k not in SPECS]
    if unknown:
        print(f"error: unknown spec(s) {unknown}", file=sys.stderr)
        return 2
    if args.quick:
        keys = [k for k in keys if k != "github"]
    try:
        ensure_opc(args.no_install)
    except (BenchError, subprocess.CalledProcessError) as exc:
        print(f"error: cannot set up openapi-python-client: {exc}", file=sys.stderr)
        return 1

    started = time.time()
    results: dict[str, Any] = {"args": vars(args), "machine": machine_info(), "load_before": loadavg(), "specs": {}, "imports": {}, "notes": []}
    log(f"machine: {results['machine']}; load {results['load_before']}")
    work = Path(tempfile.mkdtemp(prefix="cc-bench-"))
    log(f"work folder: {work}")
    global SNAPSHOT
    results["live_start"] = source_fingerprint(ROOT)
    if not args.live:
        try:
            SNAPSHOT = make_snapshot(work / "src")
        except (BenchError, OSError, subprocess.SubprocessError) as exc:
            print(f"error: cannot snapshot the source: {exc}", file=sys.stderr)
            return 1
        log(f"running connect-codegen from a snapshot of the source: {SNAPSHOT} ({source_fingerprint()})")
    results["snapshot"] = SNAPSHOT is not None
    results["src_start"] = source_fingerprint()
    try:
        for k in keys:
            path = SPECS[k][1]
            if not path.exists():
                results["notes"].append(f"{SPECS[k][0]}: {path} not found, skipped")
                continue
            rounds = {"github": args.github_rounds, "stripe": args.stripe_rounds, "connect-upstream": args.upstream_rounds}.get(k, args.rounds)
            if rounds < 1:
                continue
            try:
                results["specs"][k] = bench_spec(k, path, rounds, work, args.timeout, k.startswith("connect") or args.opc_regen_large)
            except BenchError as exc:
                results["notes"].append(f"{SPECS[k][0]}: {exc}")
                log(f"  {exc}")
        for k in ("github", "connect"):
            if k in results["specs"]:
                results["imports"][k] = bench_import(k, results["specs"][k], args.import_rounds, args.timeout)
        connect = results["specs"].get("connect")
        if connect and "opc" not in connect.get("projects", {}) and "connect-upstream" in results["specs"]:
            # OPC could not generate from our copy: use its client for the upstream copy instead
            up = results["specs"]["connect-upstream"].get("projects", {})
            if "opc" in up:
                connect = dict(connect, projects=dict(connect["projects"], opc=up["opc"]))
                results["notes"].append("OPC failed on specs/connect-api-v1.yaml; rows 7-8 use its client for the upstream copy.")
        if connect:
            try:
                results["parse"] = bench_parse(connect, work, args.parse_rounds, args.parse_reps, args.timeout)
            except BenchError as exc:
                results["notes"].append(f"parse benchmark: {exc}")
            try:
                results["requests"] = bench_requests(connect, work, args.requests, args.request_batches, args.request_limit, args.timeout)
            except (BenchError, ValueError, OSError) as exc:
                results["notes"].append(f"request benchmark: {exc}")
    finally:
        results["src_end"] = source_fingerprint()
        results["live_end"] = source_fingerprint(ROOT)
        results["load_after"] = loadavg()
        results["elapsed"] = time.time() - started
        RESULTS_DIR.mkdir(exist_ok=True)
        (RESULTS_DIR / "last-run.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report = build_report(results)
    if args.no_readme:
        print(report)
    else:
        write_readme(report)
        log(f"results written to {README}")
        print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
