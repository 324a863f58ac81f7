"""OpenAPI Overlays end to end: ``overlays = [...]`` in ``[tool.connect-codegen]`` and
``--overlay FILE`` on ``generate``, ``validate`` and ``diff``, run as the CLI in a subprocess in a
temporary consumer repository.

What is pinned here: overlays take part in the up-to-date record and in ``--check`` (editing one
makes the output stale), an invalid overlay stops the run with located ERRORs and leaves the old
output untouched, validator findings in overlay content point at the overlay, CLI overlays come
after a client's configured ones, and ``diff`` applies them to both documents.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

DIAGNOSTIC = re.compile(
    r"^(?P<level>ERROR|WARNING|INFO) (?P<file>\S+?)(?::(?P<line>\d+):(?P<col>\d+))? #(?P<pointer>\S*): (?P<message>.+)$",
    re.MULTILINE,
)
PROJECT, PACKAGE = "pets-client", "pets_client"

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Pets API", "version": "1.0.0"},
    "servers": [{"url": "https://pets.example.com/v1"}],
    "paths": {
        "/pets/{id}": {
            "get": {
                "operationId": "GetPet",
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

AUTH = """\
overlay: 1.0.0
info: {title: bearer authentication, version: 1.0.0}
actions:
  - target: $.components
    update:
      securitySchemes:
        bearerToken: {type: http, scheme: bearer}
  - target: $
    update:
      security:
        - bearerToken: []
"""


def write(path: Path, content: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A consumer repository: ``specs/pets.yaml``, ``overlays/auth.yaml`` and a ``pyproject.toml``
    configuring the client ``pets`` (into ``out/``) with that overlay."""
    write(tmp_path / "specs" / "pets.yaml", SPEC)
    write(tmp_path / "overlays" / "auth.yaml", AUTH)
    write(
        tmp_path / "pyproject.toml",
        textwrap.dedent(f"""\
            [[tool.connect-codegen.clients]]
            name = "pets"
            spec = "specs/pets.yaml"
            output = "out"
            package-name = "{PACKAGE}"
            project-name = "{PROJECT}"
            overlays = ["overlays/auth.yaml"]
            """),
    )
    return tmp_path


def client_source(repo: Path) -> str:
    return (repo / "out" / PROJECT / PACKAGE / "_client.py").read_text(encoding="utf-8")


def test_configured_overlays_are_applied_and_editing_one_makes_the_output_stale(
    cli, repo: Path
) -> None:
    first = cli("generate", cwd=repo)
    assert first.returncode == 0, first.stderr
    assert 'schemes["bearerToken"] = BearerAuth(token)' in client_source(repo)
    assert "PETS_CLIENT_TOKEN" in client_source(repo)
    again = cli("generate", cwd=repo)
    assert again.returncode == 0 and "up to date: already generated" in again.stderr, again.stderr
    assert cli("generate", "--check", cwd=repo).returncode == 0
    # the overlay changes: the scheme becomes an API key header
    write(
        repo / "overlays" / "auth.yaml",
        AUTH.replace("{type: http, scheme: bearer}", "{type: apiKey, in: header, name: X-Key}"),
    )
    before = snapshot(repo / "out")
    check = cli("generate", "--check", cwd=repo)
    assert check.returncode == 1, check.stderr
    assert f"changed: {PACKAGE}/_client.py" in check.stderr
    assert snapshot(repo / "out") == before  # --check writes nothing
    regenerated = cli("generate", cwd=repo)
    assert (
        regenerated.returncode == 0 and "already generated" not in regenerated.stderr
    ), regenerated.stderr
    assert "BearerAuth(token)" not in client_source(repo) and "X-Key" in client_source(repo)
    assert cli("generate", "--check", cwd=repo).returncode == 0


def test_an_invalid_overlay_stops_the_run_and_leaves_the_output_alone(cli, repo: Path) -> None:
    assert cli("generate", cwd=repo).returncode == 0
    before = snapshot(repo / "out")
    write(repo / "overlays" / "auth.yaml", AUTH.replace("  - target: $\n", "  - target: $.[\n"))
    proc = cli("generate", cwd=repo)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    errors = [m for m in DIAGNOSTIC.finditer(proc.stderr) if m.group("level") == "ERROR"]
    assert [(Path(m.group("file")).name, m.group("line"), m.group("pointer")) for m in errors] == [
        ("auth.yaml", "8", "/actions/1/target")
    ], proc.stderr
    assert "is not an RFC 9535 JSONPath query" in errors[0].group("message")
    assert snapshot(repo / "out") == before
    assert cli("generate", "--check", cwd=repo).returncode == 1


def test_cli_overlays_come_after_the_configured_ones(cli, repo: Path) -> None:
    write(
        repo / "extra.yaml",
        "overlay: 1.0.0\ninfo: {title: no auth, version: '1'}\nactions:\n"
        "  - target: $.components.securitySchemes.bearerToken\n    remove: true\n"
        "  - target: $.security\n    remove: true\n",
    )
    proc = cli("generate", "--only", "pets", "--overlay", "extra.yaml", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert "token:" not in client_source(repo)  # no credential argument (the bearer scheme is gone)
    assert "with the overlays auth.yaml, extra.yaml" in client_source(repo).splitlines()[0]


def test_validate_with_an_overlay_locates_validator_findings_in_the_overlay(
    cli, repo: Path
) -> None:
    spec = repo / "specs" / "pets.yaml"
    assert cli("validate", spec, cwd=repo).stderr == ""
    overlay = write(
        repo / "bad-example.yaml",
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
        "  - target: $.components.schemas.Pet.properties.id\n    update:\n      examples: {one: a}\n",
    )
    proc = cli("validate", spec, "--overlay", overlay, cwd=repo)
    assert proc.returncode == 0, proc.stderr
    [finding] = list(DIAGNOSTIC.finditer(proc.stderr))
    assert finding.group("level") == "WARNING" and "invalid OpenAPI" in finding.group(
        "message"
    ), proc.stderr
    assert (finding.group("file"), finding.group("line"), finding.group("pointer")) == (
        str(overlay),
        "6",
        "/actions/0/update/examples",
    )
    assert cli("validate", spec, "--overlay", overlay, "--strict", cwd=repo).returncode == 1


def test_diff_applies_the_overlays_to_both_documents(cli, repo: Path) -> None:
    old = repo / "specs" / "pets.yaml"
    newer = dict(
        SPEC,
        paths={
            **SPEC["paths"],
            "/internal": {
                "post": {"operationId": "Reindex", "responses": {"204": {"description": "done"}}}
            },
        },
    )
    new = write(repo / "specs" / "pets-next.yaml", newer)
    plain = cli("diff", old, new, "--format", "json", cwd=repo)
    assert plain.returncode == 0 and "Reindex" in plain.stdout, plain.stderr
    hide = write(
        repo / "hide.yaml",
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/internal']\n    remove: true\n",
    )
    overlaid = cli(
        "diff", old, new, "--overlay", hide, "--format", "json", "--fail-on", "any", cwd=repo
    )
    assert overlaid.returncode == 0, overlaid.stdout + overlaid.stderr
    assert "Reindex" not in overlaid.stdout
    # the old document has no /internal: a warning about that side, none about the new one
    assert re.findall(r"matches nothing in (\S+);", overlaid.stderr) == [
        "pets.yaml"
    ], overlaid.stderr


def test_overlays_must_be_an_array_of_paths(cli, repo: Path) -> None:
    text = (repo / "pyproject.toml").read_text(encoding="utf-8")
    write(
        repo / "pyproject.toml",
        text.replace('overlays = ["overlays/auth.yaml"]', 'overlays = "overlays/auth.yaml"'),
    )
    proc = cli("generate", cwd=repo)
    assert proc.returncode == 2 and "'overlays' must be an array of paths" in proc.stderr
