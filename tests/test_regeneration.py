"""The regeneration workflow: ``connect-codegen generate`` run again and again on a project.

Every test works in its own temporary folder (a copy of a spec, a ``pyproject.toml`` there, output
there), never on the repository's ``output/``. The CLI runs in process (``generator.cli.main``)
from the temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ".connect-codegen-manifest.json"
PROJECT = "pets-client"
PACKAGE = "pets_client"


def pets_spec() -> dict[str, Any]:
    """Two tags: ``pets`` (three operations) and ``stores`` (one)."""
    pet = {"$ref": "#/components/schemas/Pet"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Pets API", "version": "2.5.0"},
        "servers": [{"url": "https://pets.example.com/v1"}],
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "ListPets",
                    "tags": ["pets"],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": pet}}
                            },
                        }
                    },
                },
                "post": {
                    "operationId": "CreatePet",
                    "tags": ["pets"],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": pet}},
                    },
                    "responses": {
                        "201": {
                            "description": "created",
                            "content": {"application/json": {"schema": pet}},
                        }
                    },
                },
            },
            "/pets/{pet_id}": {
                "get": {
                    "operationId": "GetPet",
                    "tags": ["pets"],
                    "parameters": [
                        {
                            "name": "pet_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": pet}},
                        }
                    },
                }
            },
            "/stores": {
                "get": {
                    "operationId": "ListStores",
                    "tags": ["stores"],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": {"type": "string"}}
                                }
                            },
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "tag": {"type": "string"},
                    },
                }
            }
        },
    }


def write_spec(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def configure(root: Path, *clients: str) -> Path:
    """Write ``root/pyproject.toml`` with the given ``[[tool.connect-codegen.clients]]`` bodies."""
    text = "[project]\nname = 'consumer'\nversion = '0'\n"
    for body in clients:
        text += "\n[[tool.connect-codegen.clients]]\n" + body.strip() + "\n"
    path = root / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


PETS_CLIENT = f"""
name = "pets"
spec = "specs/pets.yaml"
output = "out"
package-name = "{PACKAGE}"
project-name = "{PROJECT}"
"""


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A consumer repository in a temporary folder: ``specs/pets.yaml``, ``pyproject.toml``
    configuring one client ``pets`` into ``out/pets-client``; the working directory."""
    write_spec(tmp_path / "specs" / "pets.yaml", pets_spec())
    configure(tmp_path, PETS_CLIENT)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONNECT_CODEGEN_DEBUG", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``connect-codegen ARGS`` in process: (exit code, stderr)."""
    capsys.readouterr()
    code = main(list(args))
    return code, capsys.readouterr().err


def stats(root: Path) -> dict[str, tuple[int, int]]:
    """``{relative path: (inode, mtime_ns)}`` of ``root`` itself and everything under it."""
    out = {".": (root.stat().st_ino, root.stat().st_mtime_ns)}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        out[path.relative_to(root).as_posix()] = (st.st_ino, st.st_mtime_ns)
    return out


def contents(root: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def manifest_files(project: Path) -> set[str]:
    return set(json.loads((project / MANIFEST).read_text(encoding="utf-8"))["files"])


SUMMARY = re.compile(r"\((\d+) written, (\d+) unchanged, (\d+) removed\)")


def summary(err: str) -> tuple[int, int, int]:
    m = SUMMARY.search(err)
    assert m, f"no write summary in: {err!r}"
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


# --- (1) nothing changed, nothing rewritten ------------------------------------------------------


def test_regenerating_without_changes_rewrites_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(capsys, "generate")
    assert code == 0, err
    project = workspace / "out" / PROJECT
    written, unchanged, removed = summary(err)
    assert written > 0 and removed == 0
    before, data = stats(project), contents(project)
    code, err = run(capsys, "generate")
    assert code == 0, err
    assert summary(err) == (0, written + unchanged, 0)
    assert stats(project) == before  # same inodes and mtimes: not one file (or folder) rewritten
    assert contents(project) == data
    assert not [
        p.name for p in (workspace / "out").iterdir() if p.name != PROJECT
    ]  # no temp folders left


def test_regenerating_a_real_spec_copy_rewrites_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the smallest committed spec, copied, with the configured client's names (so the generator's
    # format cache is shared with the other tests that generate it)
    spec = ROOT / "specs" / "organisations-api-v1.yaml"
    shutil.copy(spec, tmp_path / spec.name)
    monkeypatch.chdir(tmp_path)
    names = ("--package-name", "versori_organisations", "--project-name", "versori-organisations")
    args = ("generate", spec.name, "-o", "out", *names)
    code, err = run(capsys, *args)
    assert code == 0, err
    project = tmp_path / "out" / "versori-organisations"
    before = stats(project)
    code, err = run(capsys, *args)
    assert code == 0, err
    written, unchanged, removed = summary(err)
    assert (written, removed) == (0, 0) and unchanged == len(manifest_files(project))
    assert stats(project) == before


# --- (1b) the up-to-date shortcut (generator/uptodate.py) --------------------------------------


UP_TO_DATE = "(up to date: already generated from this document, options and generator)"


def diagnostic_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith(("ERROR", "WARNING", "INFO"))]


def warning_pets_spec() -> dict[str, Any]:
    spec = pets_spec()
    spec["components"]["schemas"]["Pet"]["properties"]["tag"]["nullable"] = True  # a WARNING in 3.1
    return spec


def test_an_unchanged_run_is_answered_from_its_record_without_the_pipeline(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_spec(workspace / "specs" / "pets.yaml", warning_pets_spec())
    code, first = run(capsys, "generate", "-v")
    assert code == 0, first
    assert UP_TO_DATE not in first
    project = workspace / "out" / PROJECT
    before, data = stats(project), contents(project)
    import generator.pipeline as pipeline

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pipeline ran")

    monkeypatch.setattr(pipeline, "run", boom)
    monkeypatch.setattr(pipeline, "generate_files", boom)
    code, again = run(capsys, "generate", "-v")
    assert code == 0, again
    assert UP_TO_DATE in again
    # the same diagnostics, located (file:line:col), in the same order
    assert diagnostic_lines(again) == diagnostic_lines(first)
    assert any(line.startswith("WARNING specs/pets.yaml:") for line in diagnostic_lines(again))
    written, unchanged, removed = summary(first)
    assert summary(again) == (0, written + unchanged, 0)
    assert first.splitlines()[-2].split(";")[0] == again.splitlines()[-2].split(";")[0]  # counts
    code, checked = run(capsys, "generate", "--check")
    assert code == 0 and "up to date" in checked
    assert stats(project) == before and contents(project) == data


def test_the_run_key_reads_the_same_versions_as_importlib_metadata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fingerprint reads the versions of black and the validator from their ``.dist-info``
    folder names; they are the versions ``importlib.metadata`` reports, and a version that
    changes (another folder first on ``sys.path``) changes the fingerprint."""
    from importlib import metadata

    from generator import uptodate

    found = uptodate._dist_info_versions()
    for dist in uptodate._DISTRIBUTIONS:
        assert found[uptodate._normalized(dist)] == metadata.version(dist), dist
    before = uptodate.generator_fingerprint()
    (tmp_path / "black-0.0.1.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    uptodate.generator_fingerprint.cache_clear()
    try:
        assert uptodate._dist_info_versions()["black"] == "0.0.1"
        assert uptodate.generator_fingerprint() != before
    finally:
        uptodate.generator_fingerprint.cache_clear()


def test_an_edited_generated_file_is_regenerated_not_trusted(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "generate")[0] == 0
    models = workspace / "out" / PROJECT / PACKAGE / "models.py"
    original = models.read_bytes()
    models.write_text("# edited by hand\n", encoding="utf-8")
    code, err = run(capsys, "generate", "--check")
    assert code == 1 and f"changed: {PACKAGE}/models.py" in err
    code, err = run(capsys, "generate")
    assert code == 0 and UP_TO_DATE not in err
    assert summary(err)[0] == 1
    assert models.read_bytes() == original


@pytest.mark.parametrize(
    "change",
    ["document", "option", "templates"],
)
def test_a_changed_input_is_generated_again(
    workspace: Path, capsys: pytest.CaptureFixture[str], change: str
) -> None:
    templates = workspace / "my-templates"
    templates.mkdir()
    (templates / "unused.j2").write_text("one\n", encoding="utf-8")
    args = ["generate", "specs/pets.yaml", "-o", "out", "--templates", str(templates)]
    assert run(capsys, *args)[0] == 0
    assert UP_TO_DATE in run(capsys, *args)[1]
    if change == "document":
        spec = pets_spec()
        spec["paths"]["/pets"]["get"]["summary"] = "List the pets"
        write_spec(workspace / "specs" / "pets.yaml", spec)
    elif change == "option":
        args += ["--project-name", "pets-client-2"]
    else:
        (templates / "unused.j2").write_text("two\n", encoding="utf-8")
    code, err = run(capsys, *args)
    assert code == 0 and UP_TO_DATE not in err, err
    assert UP_TO_DATE in run(capsys, *args)[1]  # recorded again


def test_a_document_with_references_to_other_files_is_never_answered_from_a_record(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = pets_spec()
    spec["components"]["schemas"]["Pet"] = {"$ref": "pet.yaml"}
    write_spec(workspace / "specs" / "pets.yaml", spec)
    write_spec(workspace / "specs" / "pet.yaml", pets_spec()["components"]["schemas"]["Pet"])
    assert run(capsys, "generate")[0] == 0
    code, err = run(capsys, "generate")
    assert code == 0 and UP_TO_DATE not in err  # pet.yaml could have changed: not hashed
    assert summary(err)[0] == 0


# --- (2) user files survive -----------------------------------------------------------------------


def test_user_files_in_the_project_survive_regeneration(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "generate")[0] == 0
    project = workspace / "out" / PROJECT
    user = {
        "tests/test_mine.py": b"def test_mine():\n    assert True\n",
        "NOTES.md": b"# my notes\n",
        f"{PACKAGE}/extras.py": b"EXTRA = 1\n",
    }
    for rel, data in user.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_bytes(data)
    # a spec change makes the generator write (and swap the folder)...
    spec = pets_spec()
    spec["components"]["schemas"]["Pet"]["properties"]["age"] = {"type": "integer"}
    write_spec(workspace / "specs" / "pets.yaml", spec)
    code, err = run(capsys, "generate")
    assert code == 0, err
    assert summary(err)[0] > 0
    assert "age" in (project / PACKAGE / "models.py").read_text(encoding="utf-8")
    # ...an operation removal makes it delete a file, and a no-op run leaves the tree alone
    del spec["paths"]["/stores"]
    write_spec(workspace / "specs" / "pets.yaml", spec)
    assert run(capsys, "generate")[0] == 0
    assert run(capsys, "generate")[0] == 0
    for rel, data in user.items():
        assert (project / rel).read_bytes() == data, rel
        assert rel not in manifest_files(project)


# --- (3) files the generator no longer writes are deleted -----------------------------------------


def test_removing_the_last_operation_of_a_tag_deletes_its_resource_module(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "generate")[0] == 0
    project = workspace / "out" / PROJECT
    stores = f"{PACKAGE}/resources/stores.py"
    assert (project / stores).is_file() and stores in manifest_files(project)
    spec = pets_spec()
    del spec["paths"]["/stores"]
    write_spec(workspace / "specs" / "pets.yaml", spec)
    code, err = run(capsys, "generate")
    assert code == 0, err
    assert summary(err)[2] == 1
    assert not (project / stores).exists()
    assert stores not in manifest_files(project)
    assert (project / f"{PACKAGE}/resources/pets.py").is_file()
    assert "stores" not in (project / f"{PACKAGE}/resources/__init__.py").read_text(
        encoding="utf-8"
    )
    assert set(manifest_files(project)) == {
        p.relative_to(project).as_posix()
        for p in project.rglob("*")
        if p.is_file() and p.name != MANIFEST
    }


# --- (4) generate --check -------------------------------------------------------------------------


def test_check_passes_when_current_and_writes_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "generate")[0] == 0
    before = stats(workspace)
    code, err = run(capsys, "generate", "--check")
    assert code == 0, err
    assert "up to date" in err
    assert stats(workspace) == before


def test_check_fails_on_a_stale_project_with_a_summary_and_writes_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "generate")[0] == 0
    spec = pets_spec()
    spec["paths"]["/stores"]["get"]["tags"] = ["shops"]  # stores.py goes, shops.py comes
    spec["info"]["version"] = "2.6.0"  # every templated file changes
    write_spec(workspace / "specs" / "pets.yaml", spec)
    before, data = stats(workspace), contents(workspace)
    code, err = run(capsys, "generate", "--check")
    assert code == 1
    m = re.search(r"out of date \((\d+) added, (\d+) changed, (\d+) removed\)", err)
    assert m and (int(m.group(1)), int(m.group(3))) == (1, 1) and int(m.group(2)) > 0, err
    assert f"added:   {PACKAGE}/resources/shops.py" in err
    assert f"removed: {PACKAGE}/resources/stores.py" in err
    assert f"changed: {PACKAGE}/_version.py" in err
    assert '+__version__ = "2.6.0"' in err  # the first lines of each change, as a diff
    assert "connect-codegen generate" in err  # says how to fix it
    assert stats(workspace) == before and contents(workspace) == data


def test_check_without_any_output_yet(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "generate", "--check")
    assert code == 1
    assert re.search(r"out of date \(\d+ added, 0 changed, 0 removed\)", err), err
    assert not (workspace / "out").exists()


def test_check_with_an_explicit_spec(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("specs/pets.yaml", "-o", "explicit", "--package-name", PACKAGE)
    assert run(capsys, "generate", *args)[0] == 0
    assert run(capsys, "generate", *args, "--check")[0] == 0
    (workspace / "explicit" / "pets-client" / PACKAGE / "models.py").write_text(
        "# edited by hand\n", encoding="utf-8"
    )
    code, err = run(capsys, "generate", *args, "--check")
    assert code == 1 and f"changed: {PACKAGE}/models.py" in err


# --- (5) configuration ----------------------------------------------------------------------------


def test_unknown_client_key_names_the_nearest_valid_key(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(workspace, PETS_CLIENT.replace("package-name", "pakage-name"))
    code, err = run(capsys, "generate")
    assert code == 2
    assert "unknown key 'pakage-name'" in err and "did you mean 'package-name'?" in err
    assert "clients[0]" in err
    assert not (workspace / "out").exists()
    code, err = run(capsys, "generate", "--check")
    assert code == 2 and "did you mean 'package-name'?" in err


def test_unknown_top_level_key_names_the_nearest_valid_key(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / "pyproject.toml").write_text(
        '[[tool.connect-codegen.client]]\nspec = "specs/pets.yaml"\n', encoding="utf-8"
    )
    code, err = run(capsys, "generate")
    assert code == 2 and "unknown key 'client'" in err and "did you mean 'clients'?" in err


def test_only_picks_one_configured_client(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(
        workspace,
        PETS_CLIENT,
        'name = "shop"\nspec = "specs/pets.yaml"\noutput = "out"\npackage-name = "shop_client"\n',
    )
    code, err = run(capsys, "generate", "--only", "shop")
    assert code == 0, err
    assert sorted(p.name for p in (workspace / "out").iterdir()) == ["shop-client"]
    code, err = run(capsys, "generate", "--only", "nope")
    assert code == 2 and "no configured client named nope" in err and "pets, shop" in err
    code, err = run(capsys, "generate", "specs/pets.yaml", "--only", "shop")
    assert code == 2
    assert run(capsys, "generate")[0] == 0
    assert sorted(p.name for p in (workspace / "out").iterdir()) == ["pets-client", "shop-client"]


# --- (6) versions -----------------------------------------------------------------------------------


def test_generated_package_exposes_its_version_and_the_spec_version(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(
        workspace,
        PETS_CLIENT,
        'name = "pinned"\nspec = "specs/pets.yaml"\noutput = "out"\npackage-name = "pinned_client"\nversion = "3.0.0rc1"\n',
    )
    code, err = run(capsys, "generate")
    assert code == 0, err
    probe = (
        "import json, pets_client, pinned_client\n"
        "print(json.dumps([pets_client.__version__, pets_client.__spec_version__,\n"
        "                  pinned_client.__version__, pinned_client.__spec_version__,\n"
        "                  '__version__' in pets_client.__all__, '__spec_version__' in pets_client.__all__]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = os.pathsep.join(
        str(workspace / "out" / p) for p in ("pets-client", "pinned-client")
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=workspace,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == ["2.5.0", "2.5.0", "3.0.0rc1", "2.5.0", True, True]
    # the distribution's version is the package's
    assert 'version = "2.5.0"' in (workspace / "out" / "pets-client" / "pyproject.toml").read_text(
        encoding="utf-8"
    )
    assert 'version = "3.0.0rc1"' in (
        workspace / "out" / "pinned-client" / "pyproject.toml"
    ).read_text(encoding="utf-8")


# --- the pre-commit hook ----------------------------------------------------------------------------


def test_pre_commit_hook_runs_generate_check() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "connect-codegen-check")
    assert hook["entry"] == "connect-codegen generate --check"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for changed in (
        "pyproject.toml",
        "sub/pyproject.toml",
        "specs/connect-api-v1.yaml",
        "api.yml",
        "openapi.json",
    ):
        assert files.search(changed), changed
    for unrelated in ("README.md", "generator/cli.py", "notpyproject.toml"):
        assert not files.search(unrelated), unrelated
