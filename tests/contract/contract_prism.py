"""Stoplight Prism for the contract tests: installation, one server per document, and servers
shared by the xdist workers of a run.

Prism (``@stoplight/prism-cli``, pinned in ``package.json``/``package-lock.json``) serves an OpenAPI
document and checks every request against it: a request that breaks the document gets a 422 (or a
401 for missing credentials) whose ``sl-violations`` header lists the violations.

* :func:`install_prism`: the ``node_modules/.bin/prism`` executable; when it is missing, ``npm ci``
  installs it from the lock (so CI needs nothing but node and npm).
* :func:`start_prism`: one ``prism mock`` process (the executable itself, not ``npx``, so the pid is
  the server's) on a free loopback port, polled until it answers.
* :class:`PrismServers`: servers started on first use and shared by the run's workers (a server
  costs ~5 s of CPU to start); the worker that started one stops it by its process id (terminate,
  wait, kill) once no live worker uses it.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PRISM_BIN = ROOT / "node_modules" / ".bin" / "prism"
PRISM_VERSION = "5.14.2"
START_DEADLINE = 30.0  # seconds for a Prism server to answer after launch (1-3 s usually)
SHARED_SERVER_WAIT = 1800.0  # the most a worker waits at teardown for others using its servers
#: Prism's responses made up from the schemas (``Prefer: dynamic=true``) are the same every run.
PRISM_SEED = "connect-codegen-contract"


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
def file_lock(path: Path) -> Iterator[None]:
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
    return file_lock(Path(tempfile.gettempdir()) / f"connect-codegen-{name}-{digest}.lock")


def _prism_version_ok() -> bool:
    manifest = ROOT / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    try:
        return json.loads(manifest.read_text())["version"] == PRISM_VERSION
    except (OSError, ValueError, KeyError):
        return False


class PrismUnavailable(Exception):
    """Prism cannot run here (no node or npm): the contract tests are skipped with this reason."""


def install_prism() -> Path:
    """The Prism executable, installed with ``npm ci`` from package-lock.json when missing.

    Raises :class:`PrismUnavailable` when node or npm is absent, and :class:`RuntimeError` (with
    npm's output) when ``npm ci`` fails.
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        raise PrismUnavailable("node (and npm) are needed to run Stoplight Prism for the contract tests")
    if PRISM_BIN.exists() and _prism_version_ok():
        return PRISM_BIN
    if npm is None:
        raise PrismUnavailable("npm is needed to install Stoplight Prism for the contract tests")
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
                raise RuntimeError(
                    f"`npm ci` could not install Prism (exit {proc.returncode}):\n"
                    f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
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


class PrismStartError(Exception):
    """Prism exited, or did not answer before the deadline; ``log`` is the end of its output."""

    def __init__(self, message: str, log: str, exited: bool = True) -> None:
        super().__init__(f"{message}:\n{log}")
        self.log = log
        #: False when Prism was still running (loading the document) at the deadline
        self.exited = exited


def start_prism(
    prism: Path,
    spec: Path,
    log_dir: Path,
    *,
    deadline: float = START_DEADLINE,
    extra_args: tuple[str, ...] = (),
) -> PrismServer:
    """Start ``prism mock`` on ``spec`` on a free loopback port and wait until it answers.

    Raises :class:`PrismStartError` (with the end of Prism's log) when it exits or does not answer
    within ``deadline`` seconds.
    """
    last_error = ""
    exited = True
    for _ in range(3):  # a free port can be taken before Prism binds it
        port = _free_port()
        log = log_dir / f"prism-{spec.stem}-{port}.log"
        started = time.monotonic()
        with log.open("wb") as out:
            # The executable itself, not `npx prism`: the pid must be the server's.
            process = subprocess.Popen(
                [
                    str(prism),
                    "mock",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-v",
                    "error",  # logging every request costs Prism ~15% of its CPU time
                    *extra_args,
                    str(spec),
                ],
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        server = PrismServer(spec=spec, port=port, process=process, log=log)
        if _wait_ready(server, started + deadline):
            return server
        exited = server.process.poll() is not None
        server.stop()
        last_error = server.log_tail()
        if "EADDRINUSE" not in last_error:
            break
    raise PrismStartError(f"Prism did not answer within {deadline:.0f} s for {spec}", last_error, exited)


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
        return file_lock(self.shared_dir / f"prism-{key}.lock")

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
        try:
            return start_prism(self.prism, spec, self.log_dir, extra_args=("--seed", PRISM_SEED))
        except PrismStartError as exc:
            pytest.fail(str(exc), pytrace=False)

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


