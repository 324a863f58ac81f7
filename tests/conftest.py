"""Shared fixtures for the generator's tests (unit stages, the generated Connect client, the
committed output, the upstream documents and the CLI).

Expensive things happen once per test run, even under ``pytest -n 2``: a generated project is
written by whichever xdist worker asks first (under a file lock, in a folder shared by the workers
of this run) and reused by the others. Nothing is written outside pytest's temporary folders.

Test modules cannot import this file by name (other ``conftest.py`` files exist), so helpers are
handed out as fixtures: ``repo_root``, ``shared_dir``, ``write_spec``, ``build_ir``,
``generate_package``, ``import_generated``, ``cli``, ``tools``, ``once``, ``connect_project``,
``configured_project``...
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import types
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
#: CI checks ``../shared`` out beside the repository; tests that need it skip when it is absent.
SHARED = REPO.parent / "shared"
SPECS = REPO / "specs"
CONNECT_SPEC = SPECS / "connect-api-v1.yaml"


# --- plain helpers ------------------------------------------------------------------------------


#: Kept from the environment for subprocesses (set for the session by ``_codegen_cache``).
CACHE_ENV = "CONNECT_CODEGEN_CACHE_DIR"


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for subprocesses: no client credentials, no generator debug switch
    (the session's generator cache folder is kept)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k == CACHE_ENV
        or (not k.startswith(("VERSORI_", "CONNECT_CODEGEN_")) and k != "PYTHONHASHSEED")
    }
    env.update(extra or {})
    return env


def cli_command(*args: object, module: bool = False) -> list[str]:
    """``connect-codegen ARGS`` (the installed script; ``python -m generator`` with ``module``)."""
    script = Path(sys.executable).with_name("connect-codegen")
    if module or not script.exists():
        return [sys.executable, "-m", "generator", *map(str, args)]
    return [str(script), *map(str, args)]


def run_cli(
    *args: object,
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
    module: bool = False,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a subprocess and capture its output (text)."""
    return subprocess.run(
        cli_command(*args, module=module),
        cwd=cwd,
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def require_shared(*parts: str) -> Path:
    """``SHARED/parts``; skips the test when the ``../shared`` checkout (or that file) is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"{path} is absent: this test needs the ../shared checkout beside the repository "
            "(CI provides it)"
        )
    return path


def tree_bytes(root: Path) -> dict[str, bytes]:
    """``{relative posix path: content}`` of every file under ``root`` (caches ignored)."""
    out: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not {"__pycache__", ".mypy_cache", ".ruff_cache"} & set(rel.parts):
            out[rel.as_posix()] = path.read_bytes()
    return out


def unique_package(prefix: str = "gen") -> str:
    """A package name no other test uses (generated packages are imported into one process)."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def import_generated(project_dir: Path, package: str) -> types.ModuleType:
    """Import ``package`` (and its ``models``) from a generated project folder.

    The folder is on ``sys.path`` only while importing (the package's own relative imports do not
    need it afterwards). Importing a package name that is already imported from another folder is
    refused: give every generated package a unique name, or import it in a subprocess.
    """
    project_dir = project_dir.resolve()
    loaded = sys.modules.get(package)
    if loaded is not None:
        origin = Path(loaded.__file__ or "").resolve()
        if project_dir not in origin.parents:
            raise RuntimeError(
                f"'{package}' is already imported from {origin}; generate it under a unique "
                "package name (Options(package_name=...)) or import it in a subprocess"
            )
        return loaded
    sys.path.insert(0, str(project_dir))
    try:
        importlib.invalidate_caches()
        module = importlib.import_module(package)
        importlib.import_module(f"{package}.models")
    finally:
        sys.path.remove(str(project_dir))
    return module


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: every worker does the work itself
        yield
        return
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class Once:
    """Runs ``produce(folder)`` once per test run (across xdist workers) for each ``key``.

    ``produce`` fills ``folder`` and returns JSON-able information, which every later caller gets
    back together with the folder.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, key: str, produce: Callable[[Path], Any]) -> tuple[Path, Any]:
        folder = self.root / f"once-{key}"
        done = self.root / f"once-{key}.json"
        with _file_lock(self.root / f"once-{key}.lock"):
            if done.is_file():
                return folder, json.loads(done.read_text(encoding="utf-8"))
            if folder.exists():
                shutil.rmtree(folder)  # a previous attempt failed half-way
            folder.mkdir(parents=True)
            info = produce(folder)
            done.write_text(json.dumps(info), encoding="utf-8")
            return folder, info


@dataclasses.dataclass(frozen=True)
class Generated:
    """A project generated by a fixture: where it is, its package name and the diagnostics."""

    name: str
    spec: Path
    project_dir: Path
    package: str
    diagnostics: list[str]


# --- session fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout."""
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout (may be absent: see ``require_shared``)."""
    return SHARED


@pytest.fixture(scope="session")
def run_root(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A temporary folder every xdist worker of this run shares (this session's own without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if hasattr(request.config, "workerinput") else base


@pytest.fixture(scope="session", autouse=True)
def _codegen_cache(run_root: Path) -> Iterator[Path]:
    """The generator's format/validation cache lives in this run's temporary folder, not in the
    user's cache: tests start cold and never depend on (or fill) state outside pytest's folders."""
    folder = run_root / "codegen-cache"
    old = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(folder)
    try:
        yield folder
    finally:
        if old is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = old


@pytest.fixture(scope="session")
def once(run_root: Path) -> Once:
    """A :class:`Once` rooted in a folder all xdist workers of this run share."""
    return Once(run_root)


def _generate_configured(once: Once, name: str) -> Generated:
    from generator import Options, run
    from generator.config import load_config

    clients = {c.name: c for c in load_config(REPO / "pyproject.toml")}
    if name not in clients:
        pytest.fail(f"pyproject.toml configures no client named {name!r} (has {sorted(clients)})")
    c = clients[name]

    def produce(folder: Path) -> dict[str, Any]:
        result = run(
            Options(
                spec=c.spec,
                output=folder,
                package_name=c.package_name,
                project_name=c.project_name,
                strict=c.strict,
                template_dir=c.templates,
                class_names=c.class_names,
                pagination=c.pagination,
                version=c.version,
                overlays=c.overlays,
            )
        )
        return {
            "ok": result.ok and result.project_dir is not None,
            "project_dir": str(result.project_dir),
            "package": result.api.package if result.api else "",
            "diagnostics": [d.render() for d in result.sink.resolved()],
        }

    _, info = once(f"configured-{name}", produce)
    if not info["ok"]:
        pytest.fail(
            f"generating the configured client {name!r} failed:\n" + "\n".join(info["diagnostics"])
        )
    return Generated(name, c.spec, Path(info["project_dir"]), info["package"], info["diagnostics"])


@pytest.fixture(scope="session")
def configured_project(once: Once) -> Callable[[str], Generated]:
    """``configured_project(name)``: the configured client ``name`` of ``pyproject.toml``, freshly
    generated (Python API, same options as ``connect-codegen generate``) into a temporary folder."""
    cache: dict[str, Generated] = {}

    def get(name: str) -> Generated:
        if name not in cache:
            cache[name] = _generate_configured(once, name)
        return cache[name]

    return get


@pytest.fixture(scope="session")
def connect_generated(configured_project: Callable[[str], Generated]) -> Generated:
    """The Connect API client generated from ``specs/connect-api-v1.yaml`` (package
    ``versori_connect``), with its diagnostics."""
    return configured_project("connect")


@pytest.fixture(scope="session")
def connect_project(connect_generated: Generated) -> Path:
    """The project folder of the freshly generated Connect client."""
    return connect_generated.project_dir


@pytest.fixture(scope="session")
def connect_client(once: Once) -> Generated:
    """The Connect API client generated for in-process use, under a package name unique to this
    run (``versori_connect_<hex>``): other tests may import the committed ``versori_connect``
    from ``output/`` into the same process. Apart from that name (and what derives from it, such
    as the environment variable prefix) it is the configured Connect client."""
    from generator import Options, run

    def produce(folder: Path) -> dict[str, Any]:
        package = unique_package("versori_connect")
        result = run(
            Options(
                spec=CONNECT_SPEC,
                output=folder,
                package_name=package,
                project_name="versori-connect",
            )
        )
        return {
            "ok": result.ok and result.project_dir is not None,
            "project_dir": str(result.project_dir),
            "package": package,
            "diagnostics": [d.render() for d in result.sink.resolved()],
        }

    _, info = once("connect-client", produce)
    if not info["ok"]:
        pytest.fail("generating the Connect client failed:\n" + "\n".join(info["diagnostics"]))
    return Generated(
        "connect", CONNECT_SPEC, Path(info["project_dir"]), info["package"], info["diagnostics"]
    )


@pytest.fixture(scope="session")
def connect_pkg(connect_client: Generated) -> types.ModuleType:
    """The freshly generated Connect client package (see ``connect_client``), imported."""
    return import_generated(connect_client.project_dir, connect_client.package)


@pytest.fixture(scope="session")
def connect_models(connect_pkg: types.ModuleType) -> types.ModuleType:
    """``versori_connect.models`` of the freshly generated client."""
    return sys.modules[f"{connect_pkg.__name__}.models"]


#: How a user checks a generated project: each tool run in the project's folder with no options
#: (the settings are in the project's ``pyproject.toml``).
CLIENT_TOOLS: dict[str, tuple[str, ...]] = {
    "black": ("black", "--check", "."),
    "ruff-check": ("ruff", "check", "."),
    "ruff-format": ("ruff", "format", "--check", "."),
    "mypy": ("mypy",),
    "pyright": ("pyright",),
}


def _listing(folder: Path) -> list[str]:
    """The files under ``folder`` but ``__pycache__`` (other tests import generated packages)."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if "__pycache__" not in p.relative_to(folder).parts
    )


class ClientTools:
    """Runs :data:`CLIENT_TOOLS` (the ``test`` extra's pinned versions, from this interpreter's
    folder) in a generated project's folder. The environment keeps their caches out of the
    project (``RUFF_CACHE_DIR``, ``MYPY_CACHE_DIR``, ``BLACK_CACHE_DIR``), puts this interpreter
    first on ``PATH`` (pyright finds httpx and pydantic through it) and silences the ``pyright``
    package's check for a newer release."""

    def __init__(self, once: Once, cache_root: Path) -> None:
        self._once = once
        self._cache_root = cache_root

    def env(self, project_dir: Path | None = None) -> dict[str, str]:
        """The tools' environment; their caches in a folder of their own for ``project_dir``."""
        bin_dir = str(Path(sys.executable).parent)
        caches = self._cache_root / uuid.uuid5(uuid.NAMESPACE_URL, str(project_dir)).hex[:12]
        return clean_env(
            {
                "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
                "RUFF_CACHE_DIR": str(caches / "ruff"),
                "MYPY_CACHE_DIR": str(caches / "mypy"),
                "BLACK_CACHE_DIR": str(caches / "black"),
                "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1",
                "NO_COLOR": "1",
            }
        )

    def executable(self, tool: str) -> str:
        """The tool's script beside this interpreter; skips the test when it is not installed."""
        script = Path(sys.executable).with_name(CLIENT_TOOLS[tool][0])
        if not script.exists():
            pytest.skip(f"{script.name} is not installed: `pip install -e '.[test]'` installs it")
        if tool == "pyright":
            self._pyright_ready(script)
        return str(script)

    def _pyright_ready(self, script: Path) -> None:
        """The ``pyright`` package fetches its node program from the npm registry on first use
        (once per run here, so that two workers do not install it at the same time); a machine
        where that cannot happen skips the test, saying why."""

        def produce(folder: Path) -> dict[str, Any]:
            try:
                proc = subprocess.run(
                    [str(script), "--version"],
                    env=self.env(),
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                return {"ok": False, "report": str(exc)}
            return {"ok": proc.returncode == 0, "report": proc.stdout + proc.stderr}

        _, info = self._once("pyright-ready", produce)
        if not info["ok"]:
            pytest.skip(
                "pyright cannot run here: the pyright package needs node (or nodeenv) and the npm "
                "registry to fetch its node program:\n" + info["report"][-2000:]
            )

    def check(self, project_dir: Path, tool: str) -> None:
        """Fail unless ``tool`` passes in ``project_dir`` having checked every Python file of it
        (a tool that finds no file, or another project's settings excluding them, passes
        vacuously), and leaves no file behind; the tool's report is the failure message."""
        python = [
            p
            for p in project_dir.rglob("*.py")
            if not {"__pycache__", ".mypy_cache"} & set(p.relative_to(project_dir).parts)
        ]
        before = _listing(project_dir)
        proc = self.run(project_dir, tool)
        report = f"`{' '.join(CLIENT_TOOLS[tool])}` in {project_dir}:\n{proc.stdout}{proc.stderr}"
        assert proc.returncode == 0, report
        seen = {
            "black": rf"\b{len(python)} files? would be left unchanged",
            # and the Markdown files (README.md, REFERENCE.md): their Python blocks
            "ruff-format": rf"\b{len(python) + len(list(project_dir.glob('*.md')))} files? already formatted",
            "mypy": rf"no issues found in {len(python)} source files?",
            "pyright": r"\b0 errors",
        }.get(tool)
        assert seen is None or re.search(seen, report), f"not every file was checked: {report}"
        assert "No Python files" not in report, report
        assert _listing(project_dir) == before, f"{report}\nleft files in {project_dir}"

    def run(self, project_dir: Path, tool: str) -> subprocess.CompletedProcess[str]:
        """``tool`` (a key of :data:`CLIENT_TOOLS`) run in ``project_dir`` as a user runs it."""
        command = [self.executable(tool), *CLIENT_TOOLS[tool][1:]]
        return subprocess.run(
            command,
            cwd=project_dir,
            env=self.env(project_dir),
            capture_output=True,
            text=True,
            timeout=900,
        )


@pytest.fixture(scope="session")
def client_tools(once: Once, run_root: Path) -> ClientTools:
    """Runs black, ruff, mypy and pyright in a generated project's folder with no options
    (:class:`ClientTools`)."""
    return ClientTools(once, run_root / "client-tool-caches")


# --- per-test helpers ---------------------------------------------------------------------------


@pytest.fixture(name="import_generated")
def import_generated_fixture() -> Callable[[Path, str], types.ModuleType]:
    """The :func:`import_generated` helper."""
    return import_generated


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``cli(*args, cwd=..., env=..., module=False)``: run the CLI in a subprocess."""
    return run_cli


@pytest.fixture(scope="session")
def tools() -> types.SimpleNamespace:
    """The plain helpers of this file for test modules (which cannot import it): ``cli_command``,
    ``clean_env``, ``run_cli``, ``require_shared``, ``tree_bytes``, ``import_generated``,
    ``unique_package``."""
    return types.SimpleNamespace(
        cli_command=cli_command,
        clean_env=clean_env,
        run_cli=run_cli,
        require_shared=require_shared,
        tree_bytes=tree_bytes,
        import_generated=import_generated,
        unique_package=unique_package,
    )


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    """``write_spec(data, name="openapi.yaml")``: write a dict (as YAML, or JSON for ``.json``)
    or verbatim text to ``tmp_path/name`` and return the path."""

    def write(data: Any, name: str = "openapi.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, (bytes, str)):
            text = data
        elif name.endswith(".json"):
            text = json.dumps(data, indent=2)
        else:
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def build_ir(write_spec: Callable[..., Path]) -> Callable[..., tuple[Any, Any]]:
    """``build_ir(spec, validate=False, **options) -> (api | None, sink)``: run the pipeline up to
    the IR for a dict (written to a temp file) or a path. ``api`` is None when the build failed."""
    from generator import pipeline
    from generator.diagnostics import DiagnosticSink, GenerationError
    from generator.load import locate

    def do(spec: Any, *, validate: bool = False, **options: Any) -> tuple[Any, Any]:
        path = spec if isinstance(spec, Path) else write_spec(spec)
        opts = pipeline.Options(spec=path, validate=validate, **options)
        sink = DiagnosticSink(locate=locate, default_source=str(path))
        try:
            api = pipeline.build(opts, sink, {})
        except GenerationError:
            api = None
        finally:
            # validation may run in the background: wait for its findings like the CLI does
            collect = getattr(pipeline, "collect_validation", None)
            if collect is not None:
                collect(sink, {})
        return api, sink

    return do


@pytest.fixture
def generate_package(
    tmp_path: Path, write_spec: Callable[..., Path]
) -> Callable[..., types.ModuleType]:
    """``generate_package(spec, **options) -> package``: generate a dict or path into a temp folder
    under a unique package name and import it (``package.models`` is imported too). Fails the test
    with the diagnostics when generation fails."""
    from generator import Options, run

    def do(spec: Any, **options: Any) -> types.ModuleType:
        path = spec if isinstance(spec, Path) else write_spec(spec)
        package = unique_package()
        result = run(
            Options(
                spec=path, output=tmp_path / "out", package_name=package, validate=False, **options
            )
        )
        if not result.ok or result.project_dir is None:
            pytest.fail(
                "generation failed:\n" + "\n".join(d.render() for d in result.sink.resolved())
            )
        return import_generated(result.project_dir, package)

    return do


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """The contract tests' summaries (``tests/contract``): the Prism tests of the Versori clients
    and the contract sweep's ``contract: ...`` lines with its TSV report. Here, not in
    ``tests/contract/conftest.py``: the controlling process of an xdist run loads only this
    conftest."""
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None:
        return
    try:
        base = factory.getbasetemp()
    except (OSError, ValueError):
        return
    contract = Path(__file__).parent / "contract"
    if str(contract) not in sys.path:
        sys.path.insert(0, str(contract))
    from contract_summary import write_summaries

    write_summaries(terminalreporter, base)
