"""Fixtures of the contract tests: Stoplight Prism mock servers and the clients under test.

Prism (``@stoplight/prism-cli``, pinned in ``package.json``/``package-lock.json``) serves an OpenAPI
document and checks every request against it: a request that breaks the document gets a 422 (or a
401 for missing credentials) whose ``sl-violations`` header lists the violations.

* ``prism`` (session): the ``node_modules/.bin/prism`` executable (``contract_prism.install_prism``:
  ``npm ci`` from the lock when missing, so CI needs nothing but node and npm); the contract tests
  are skipped only when node or npm themselves are absent.
* ``prism_servers`` (session): one ``prism mock`` process per spec, started on first use and shared
  by the run's xdist workers (``contract_prism.PrismServers``).
* ``upstream_clients`` (session): clients generated with ``connect-codegen generate`` from the
  upstream documents in ``../shared/specs/versori`` into the run's temporary folder, on first use
  (skipped with a reason when ``../shared`` is absent).

Each test appends what it sent to a per-worker JSON-lines file (``stats_file``); the terminal
summary adds the per-API numbers up (operations, operations exercised, request-validation errors).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest
from contract_prism import PrismServers, PrismUnavailable, file_lock, install_prism

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "output"
UPSTREAM_DIR = ROOT.parent / "shared" / "specs" / "versori"
from contract_summary import STATS_FILE  # noqa: E402

# The committed clients are imported from output/ (they are not installed in the venv).
for _project in sorted(OUTPUT.glob("versori-*")):
    if str(_project) not in sys.path:
        sys.path.insert(0, str(_project))


# --- Prism ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def prism() -> Path:
    """The Prism executable (:func:`install_prism`); skips when node or npm is absent."""
    try:
        return install_prism()
    except PrismUnavailable as exc:
        pytest.skip(str(exc))
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


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
        with file_lock(self.out_dir / f"{package}.lock"):
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


@pytest.fixture(scope="session")
def sweep_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this process appends one JSON line per swept document (``contract_summary``)."""
    from test_contract_sweep import RESULTS_FILE

    return tmp_path_factory.getbasetemp() / RESULTS_FILE
