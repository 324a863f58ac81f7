"""Fixtures of the contract tests: Stoplight Prism mock servers and the clients under test.

Prism (``@stoplight/prism-cli``, pinned in ``package.json``/``package-lock.json``) serves an OpenAPI
document and checks every request against it: a request that breaks the document gets a 422 (or a
401 for missing credentials) whose ``sl-violations`` header lists the violations.

* ``prism`` (session): the ``node_modules/.bin/prism`` executable. When it is missing, ``npm ci``
  installs it from the lock (so CI needs nothing but node and npm); the contract tests are skipped
  only when node or npm themselves are absent.
* ``prism_servers`` (session): one ``prism mock`` process per spec (the executable itself, not
  ``npx``, so the pid is the server's), started on first use on a free loopback port, polled until
  it answers (30 s deadline), and kept for the session. The xdist workers of a run share them (a
  server costs ~5 s of CPU to start); the worker that started one stops it by its process id
  (terminate, wait, kill) once no live worker uses it.
* ``upstream_clients`` (session): clients generated with ``connect-codegen generate`` from the
  upstream documents in ``../shared/specs/versori`` into the run's temporary folder, on first use
  (skipped with a reason when ``../shared`` is absent).

Each test appends what it sent to a per-worker JSON-lines file (``stats_file``); the terminal
summary adds the per-API numbers up (operations, operations exercised, request-validation errors).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "output"
UPSTREAM_DIR = ROOT.parent / "shared" / "specs" / "versori"
PRISM_BIN = ROOT / "node_modules" / ".bin" / "prism"
PRISM_VERSION = "5.14.2"
START_DEADLINE = 30.0  # seconds for a Prism server to answer after launch (1-3 s usually)
SHARED_SERVER_WAIT = 1800.0  # the most a worker waits at teardown for others using its servers
STATS_FILE = "contract-stats.jsonl"

# The committed clients are imported from output/ (they are not installed in the venv).
for _project in sorted(OUTPUT.glob("versori-*")):
    if str(_project) not in sys.path:
        sys.path.insert(0, str(_project))


# --- Prism installation -----------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the worker that started it dies (Linux ``prctl``), so a
    crashed or killed worker leaves no server behind. A worker that ends normally first waits for
    the other users of its servers (see ``PrismServers.close``)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (``flock``), shared with other processes."""
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _machine_lock(name: str) -> contextlib.AbstractContextManager[None]:
    """A lock shared by every process on the machine (xdist workers and parallel runs)."""
    digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    return _file_lock(Path(tempfile.gettempdir()) / f"connect-codegen-{name}-{digest}.lock")


def _prism_version_ok() -> bool:
    manifest = ROOT / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    try:
        return json.loads(manifest.read_text())["version"] == PRISM_VERSION
    except (OSError, ValueError, KeyError):
        return False


@pytest.fixture(scope="session")
def prism() -> Path:
    """The Prism executable, installed with ``npm ci`` from package-lock.json when missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        pytest.skip("node (and npm) are needed to run Stoplight Prism for the contract tests")
    if PRISM_BIN.exists() and _prism_version_ok():
        return PRISM_BIN
    if npm is None:
        pytest.skip("npm is needed to install Stoplight Prism for the contract tests")
    with _machine_lock("npm-ci"):  # one `npm ci` at a time, however many workers ask
        if not (PRISM_BIN.exists() and _prism_version_ok()):
            proc = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
                stdin=subprocess.DEVNULL,
            )
            if proc.returncode != 0 or not PRISM_BIN.exists():
                pytest.fail(
                    f"`npm ci` could not install Prism (exit {proc.returncode}):\n"
                    f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}",
                    pytrace=False,
                )
    return PRISM_BIN


# --- Prism servers ----------------------------------------------------------------------------
#
# A Prism server costs ~5 s of CPU to start and ~0.1 s more for the first request of each operation
# (it compiles that operation's validators), so the xdist workers of one run share them: the first
# worker that needs a spec starts its server and records it in a state file of the run's shared
# temporary folder; later workers register as users. At teardown each worker unregisters; the
# worker that started a server waits until no live worker still uses it, then stops it by its pid.


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not reaped yet) is not alive
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


@dataclass
class PrismServer:
    """One running ``prism mock`` process, started by this process."""

    spec: Path
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        """Prism serves the paths without the servers' path prefix: clients use this base URL."""
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Terminate the process (by its pid), wait, kill if it does not exit."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


@dataclass
class PrismServers:
    """Prism servers, one per spec, started on first use and shared by the run's workers."""

    prism: Path
    shared_dir: Path  # the same folder for every xdist worker of this run
    log_dir: Path
    owned: dict[str, PrismServer] = field(default_factory=dict)
    used: dict[str, tuple[int, str]] = field(default_factory=dict)  # key -> (server pid, url)
    me: int = field(default_factory=os.getpid)

    @staticmethod
    def _key(spec: Path) -> str:
        return f"{spec.stem}-{hashlib.sha256(str(spec).encode()).hexdigest()[:10]}"

    def _state_path(self, key: str) -> Path:
        return self.shared_dir / f"prism-{key}.json"

    def _lock(self, key: str) -> contextlib.AbstractContextManager[None]:
        return _file_lock(self.shared_dir / f"prism-{key}.lock")

    def _read(self, key: str) -> dict[str, Any] | None:
        try:
            return dict(json.loads(self._state_path(key).read_text()))
        except (OSError, ValueError):
            return None

    def _write(self, key: str, state: dict[str, Any]) -> None:
        tmp = self._state_path(key).with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        tmp.replace(self._state_path(key))

    def get(self, spec: Path) -> str:
        """The base URL of the server of ``spec``, started now if no worker runs one yet."""
        spec = spec.resolve()
        key = self._key(spec)
        known = self.used.get(key)
        if known is not None and _pid_alive(known[0]):
            return known[1]
        with self._lock(key):
            state = self._read(key)
            if state is None or not _pid_alive(int(state["pid"])):
                server = self._start(spec)
                self.owned[key] = server
                state = {
                    "pid": server.process.pid,
                    "url": server.url,
                    "owner": self.me,
                    "users": [],
                }
            if self.me not in state["users"]:
                state["users"].append(self.me)
            self._write(key, state)
        self.used[key] = (int(state["pid"]), str(state["url"]))
        return str(state["url"])

    def _start(self, spec: Path) -> PrismServer:
        last_error = ""
        for _ in range(3):  # a free port can be taken before Prism binds it
            port = _free_port()
            log = self.log_dir / f"prism-{spec.stem}-{port}.log"
            started = time.monotonic()
            with log.open("wb") as out:
                # The executable itself, not `npx prism`: the pid must be the server's.
                process = subprocess.Popen(
                    [
                        str(self.prism),
                        "mock",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "-v",
                        "error",  # logging every request costs Prism ~15% of its CPU time
                        str(spec),
                    ],
                    cwd=ROOT,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent,
                )
            server = PrismServer(spec=spec, port=port, process=process, log=log)
            if self._wait_ready(server, started + START_DEADLINE):
                return server
            server.stop()
            last_error = server.log_tail()
            if "EADDRINUSE" not in last_error:
                break
        pytest.fail(
            f"Prism did not answer within {START_DEADLINE:.0f} s for {spec}:\n{last_error}",
            pytrace=False,
        )

    @staticmethod
    def _wait_ready(server: PrismServer, deadline: float) -> bool:
        with httpx.Client(timeout=1.0) as http:
            while time.monotonic() < deadline:
                if server.process.poll() is not None:
                    return False
                try:
                    http.get(f"{server.url}/__contract_ping__")
                    return True  # any HTTP answer (Prism says 404 here) means it is serving
                except httpx.TransportError:
                    time.sleep(0.1)
        return False

    def close(self) -> None:
        """Unregister from every server; stop the ones this process started once unused."""
        for key in self.used:
            with self._lock(key):
                state = self._read(key)
                if state is not None and self.me in state["users"]:
                    state["users"].remove(self.me)
                    self._write(key, state)
        self.used.clear()
        deadline = time.monotonic() + SHARED_SERVER_WAIT
        for key, server in self.owned.items():
            while True:
                with self._lock(key):
                    state = self._read(key) or {}
                    users = [u for u in state.get("users", []) if _pid_alive(int(u))]
                    if (
                        not users
                        or time.monotonic() > deadline
                        or server.process.poll() is not None
                    ):
                        server.stop()
                        if state.get("pid") == server.process.pid:
                            self._state_path(key).unlink(missing_ok=True)
                        break
                time.sleep(0.5)  # another worker still sends requests to this server
        self.owned.clear()


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder shared by every xdist worker of this run (a worker's basetemp is ``<run>/gwN``)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def prism_servers(prism: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismServers]:
    servers = PrismServers(
        prism=prism,
        shared_dir=_shared_dir(tmp_path_factory),
        log_dir=tmp_path_factory.mktemp("prism-logs"),
    )
    try:
        yield servers
    finally:
        servers.close()


# --- clients generated from the upstream documents --------------------------------------------


@dataclass
class GeneratedClients:
    """Clients generated from ``../shared/specs/versori/*.yaml`` on first use, once per run (the
    xdist workers share the output folder)."""

    out_dir: Path
    packages: dict[str, str] = field(default_factory=dict)  # spec path -> package name

    def package_for(self, spec: Path, package: str) -> str:
        key = str(spec)
        if key in self.packages:
            return self.packages[key]
        project = self.out_dir / package.replace("_", "-")
        done = self.out_dir / f"{package}.done"
        with _file_lock(self.out_dir / f"{package}.lock"):
            if not done.exists():
                self._generate(spec, package, project)
                done.touch()
        if str(project) not in sys.path:
            sys.path.insert(0, str(project))
        importlib.invalidate_caches()
        self.packages[key] = package
        return package

    def _generate(self, spec: Path, package: str, project: Path) -> None:
        script = Path(sys.executable).with_name("connect-codegen")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "generator"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("VERSORI_")}
        proc = subprocess.run(
            [
                *command,
                "generate",
                str(spec),
                "-o",
                str(self.out_dir),
                "--package-name",
                package,
                "-q",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )
        if proc.returncode != 0 or not (project / package).is_dir():
            pytest.fail(
                f"connect-codegen could not generate a client from {spec} "
                f"(exit {proc.returncode}):\n{proc.stderr[-4000:]}",
                pytrace=False,
            )


@pytest.fixture(scope="session")
def upstream_clients(tmp_path_factory: pytest.TempPathFactory) -> GeneratedClients:
    if not UPSTREAM_DIR.is_dir():
        pytest.skip(f"the upstream Versori documents are not here ({UPSTREAM_DIR} is absent)")
    out_dir = _shared_dir(tmp_path_factory) / "contract-upstream-clients"
    out_dir.mkdir(exist_ok=True)
    return GeneratedClients(out_dir=out_dir)


# --- test order -----------------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep each API's contract tests together (both test functions, in collection order).

    xdist hands tests out in contiguous chunks, so a worker then needs the Prism servers of a few
    APIs only instead of all of them (each server costs ~5 s of CPU to start). Other tests keep
    their places: only the slots the contract tests already hold are reordered.
    """
    slots = []
    for index, item in enumerate(items):
        case = getattr(getattr(item, "callspec", None), "params", {}).get("case")
        if Path(str(item.fspath)).parent == Path(__file__).parent and case is not None:
            slots.append((index, item, str(getattr(case, "name", case))))
    order: dict[str, int] = {}
    for _, _, name in slots:
        order.setdefault(name, len(order))
    ranked = sorted(slots, key=lambda slot: (order[slot[2]], slot[0]))
    for (index, _, _), (_, item, _) in zip(slots, ranked):
        items[index] = item


# --- statistics -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def stats_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this process appends one JSON line per test (see ``pytest_terminal_summary``)."""
    return tmp_path_factory.getbasetemp() / STATS_FILE


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Per API: operations, operations exercised against Prism, request-validation errors.

    Shown when this conftest is loaded by the controlling process (``pytest tests/contract``).
    """
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None:
        return
    try:
        base = factory.getbasetemp()
    except (OSError, ValueError):
        return
    rows: list[dict[str, Any]] = []
    for path in [base / STATS_FILE, *base.glob(f"*/{STATS_FILE}")]:
        if path.is_file():
            rows.extend(json.loads(line) for line in path.read_text().splitlines() if line)
    if not rows:
        return
    apis: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = apis.setdefault(
            row["api"],
            {
                "operations": row["operations"],
                "exercised": set(),
                "requests": 0,
                "errors": 0,
                "bad_responses": set(),
                "unchecked": set(),
            },
        )
        entry["requests"] += row["requests"]
        entry["errors"] += row["violations"]
        if row["requests"]:
            entry["exercised"].add(row["operation"])
        if row.get("response_violations"):
            entry["bad_responses"].add(row["operation"])
        if row.get("body_unchecked"):
            entry["unchecked"].add(row["operation"])
    write = terminalreporter.write_line
    terminalreporter.section("Prism contract tests")
    write(
        f"{'API':<30} {'operations':>10} {'exercised':>9} {'requests':>8} "
        f"{'request-validation errors':>25}  notes"
    )
    for name in sorted(apis):
        entry = apis[name]
        notes = []
        if entry["bad_responses"]:
            notes.append(
                f"Prism's mock response broke the document: {len(entry['bad_responses'])} ops"
            )
        if entry["unchecked"]:
            notes.append(f"body not validated by Prism: {', '.join(sorted(entry['unchecked']))}")
        write(
            f"{name:<30} {entry['operations']:>10} {len(entry['exercised']):>9} "
            f"{entry['requests']:>8} {entry['errors']:>25}  {'; '.join(notes)}"
        )
