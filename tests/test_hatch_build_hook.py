"""The hatchling build hook (``generator/hatch_hook.py``), end to end: ``examples/hatch-build-hook``
is built in a fresh virtual environment holding this checkout (installed with pip, not editable)
and hatchling and build from the package index, with the build frontends a user runs
(``python -m build``, ``pip install .``).

The virtual environment is made once per test session (shared by pytest-xdist's workers through a
lock file in the session's temporary folder): a minute or two.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "hatch-build-hook"
#: What a distribution of this checkout is built from.
SOURCES = ("pyproject.toml", "README.md", "generator", "templates")


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with this checkout, hatchling and build installed; its python."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # this session's folder, the same for every worker
    home = shared / "hatch-hook-venv"
    python = home / "venv" / "bin" / "python"
    with open(shared / "hatch-hook-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (home / "ready").exists():
            shutil.rmtree(home, ignore_errors=True)
            src = home / "src"
            src.mkdir(parents=True)
            for name in SOURCES:
                if (ROOT / name).is_dir():
                    shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy2(ROOT / name, src / name)
            made = _run([sys.executable, "-m", "venv", str(home / "venv")], cwd=home)
            assert made.returncode == 0, made.stderr
            pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
            installed = _run([*pip, str(src), "hatchling", "build"], cwd=home)
            assert installed.returncode == 0, installed.stdout + installed.stderr
            (home / "ready").touch()
    return python


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the example project."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "petstore-app"))


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "CONNECT_CODEGEN_CACHE_DIR": str(cache), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def test_build_generates_the_client_into_the_wheel_and_its_inputs_into_the_sdist(
    venv: Path, project: Path, tmp_path: Path
) -> None:
    """``python -m build`` makes the sdist, then the wheel from the unpacked sdist: the sdist holds
    the spec and its overlay (no generated code), the wheel the generated package beside the
    project's own."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**_env(tmp_path / "cache"), "TMPDIR": str(temporary)}
    built = _run([str(venv), "-m", "build", "--no-isolation"], cwd=project, env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "connect-codegen: openapi/petstore.yaml -> petstore_client (generated)" in built.stdout + built.stderr
    # the wheel was built from the unpacked sdist: generated into a temporary folder, since removed
    assert not (tmp_path / "cache" / "builds").exists()
    assert not list(temporary.rglob("connect-codegen-build-*"))
    (sdist,) = (project / "dist").glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames()}
    assert {"openapi/petstore.yaml", "openapi/bearer-auth.yaml", "petstore_app/__init__.py"} <= names
    assert not [n for n in names if n.startswith("petstore_client")]
    (wheel,) = (project / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert {"petstore_app/__init__.py", "petstore_client/__init__.py", "petstore_client/resources/pets.py"} <= names
    assert "petstore_client/py.typed" in names


def test_pip_install_builds_a_client_that_works(venv: Path, project: Path, tmp_path: Path) -> None:
    """``pip install .`` (hatchling already in the environment): the installed client calls the
    API through a mock transport, with the overlay's bearer token, from the project's own code."""
    installed = _run(
        [str(venv), "-m", "pip", "install", "-q", "--no-build-isolation", str(project)],
        cwd=tmp_path,
        env=_env(tmp_path / "cache"),
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    script = """
import httpx, petstore_client, petstore_app
seen = []
def handler(request):
    seen.append(request)
    return httpx.Response(200, json=[{"id": "1", "name": "Rex"}, {"id": "2", "name": "Tom", "tag": "cat"}])
client = petstore_client.Client(token="t0k", http_client=httpx.Client(transport=httpx.MockTransport(handler)))
print(petstore_app.pet_names(client, limit=2))
print(seen[0].url, seen[0].headers["authorization"])
print(petstore_client.__file__)
"""
    ran = _run([str(venv), "-c", script], cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    names, request, location = ran.stdout.splitlines()
    assert names == "['Rex', 'Tom']"
    assert request == "https://petstore.example.com/v1/pets?limit=2 Bearer t0k"
    assert "site-packages" in location


def test_repeated_build_is_answered_from_the_generators_cache(venv: Path, project: Path, tmp_path: Path) -> None:
    """The second wheel build of the same project with the same cache folder generates nothing:
    the run's record (generator.uptodate) answers it, and the wheel holds the same files."""
    env = _env(tmp_path / "cache")
    outputs, contents = [], []
    for _ in range(2):
        built = _run([str(venv), "-m", "build", "--wheel", "--no-isolation"], cwd=project, env=env)
        assert built.returncode == 0, built.stdout + built.stderr
        outputs.append(built.stdout + built.stderr)
        (wheel,) = (project / "dist").glob("*.whl")
        with zipfile.ZipFile(wheel) as zf:
            contents.append({n: zf.read(n) for n in zf.namelist() if n.startswith("petstore_client/")})
    assert "-> petstore_client (generated)" in outputs[0]
    assert "-> petstore_client (up to date, from the generator's cache)" in outputs[1]
    assert contents[0] == contents[1] and "petstore_client/_client.py" in contents[0]
    assert list((tmp_path / "cache" / "runs").glob("*.json"))


def test_a_spec_error_fails_the_build_with_the_diagnostic(venv: Path, project: Path, tmp_path: Path) -> None:
    """An ERROR in the spec stops the build: the diagnostic is shown as the CLI prints it (file,
    line, column, pointer), without a traceback, and no wheel is made."""
    spec = project / "openapi" / "petstore.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("  title: Petstore API\n", "  title: [Petstore\n"), encoding="utf-8")
    built = _run([str(venv), "-m", "build", "--wheel", "--no-isolation"], cwd=project, env=_env(tmp_path / "cache"))
    out = built.stdout + built.stderr
    assert built.returncode != 0, out
    assert "ERROR openapi/petstore.yaml:4:10 #: YAML syntax error" in out, out
    assert "ERROR openapi/petstore.yaml: the client was not generated (see above)" in out
    assert "Traceback" not in out
    assert not list((project / "dist").glob("*.whl"))


def test_an_unknown_hook_option_fails_the_build_naming_the_nearest_key(venv: Path, project: Path, tmp_path: Path) -> None:
    """A misspelt key of ``[tool.hatch.build.hooks.connect-codegen]`` is an error naming it and
    the key meant."""
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace("package-name =", "package_name ="), encoding="utf-8")
    built = _run([str(venv), "-m", "build", "--wheel", "--no-isolation"], cwd=project, env=_env(tmp_path / "cache"))
    out = built.stdout + built.stderr
    assert built.returncode != 0, out
    assert "unknown key 'package_name'; did you mean 'package-name'?" in out
    assert "Traceback" not in out
