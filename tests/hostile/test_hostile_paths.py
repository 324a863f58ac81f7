"""Attack class 2: no spec name can make the generator write outside its output folder.

File names come from sanitized identifiers only (``ir/names.py``), and ``emit/write.py``'s
``_safe_rel`` refuses any relative path with a ``.``/``..``/empty component, an absolute path or a
character outside ``[A-Za-z0-9_.-]`` before anything is created.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from generator.emit.write import MANIFEST, _safe_rel, write_tree
from generator.ir.names import WINDOWS_DEVICE_NAMES
from hostile_helpers import compile_tree, generate, import_probe, minimal, write_doc

NASTY = [
    "../../x", "/abs", "con", "a\\b", "..", "nul", "__init__", ".", "", "CON", "aux", "prn",
    "com1", "lpt9", "models", "_client", "../resources", "x/../../y", "C:\\evil", "resources",
    "py.typed", "__pycache__", "~root", "a\x00b", "\u202e", "-rf", "*", "$HOME", "%2e%2e%2f",
]  # fmt: skip
_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def _names_spec() -> dict:
    paths, schemas = {}, {}
    for i, name in enumerate(NASTY):
        key = quote(name.replace("~", "~0").replace("/", "~1"), safe="~")
        schemas[name] = {"type": "object", "properties": {name or "e": {"type": "string"}}}
        paths[f"/p{i}"] = {
            "get": {
                "operationId": name,
                "tags": [name],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{key}"}}
                        },
                    }
                },
            }
        }
    return minimal(
        info={"title": "../../../../tmp/evil-escape", "version": "1"},
        tags=[{"name": n, "description": n} for n in NASTY],
        paths=paths,
        components={"schemas": schemas},
    )


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def test_nasty_names_stay_inside_the_package(tmp_path: Path) -> None:
    spec = write_doc(tmp_path / "spec" / "spec.json", _names_spec())
    before = _files(tmp_path)
    out = tmp_path / "out"
    # default names: the project and package come from the title "../../../../tmp/evil-escape"
    from generator.cli import main
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["generate", str(spec), "-o", str(out)])
    assert code == 0, err.getvalue()
    assert not Path("/tmp/evil-escape").exists()
    (project,) = out.iterdir()
    assert project.name == "tmp-evil-escape"
    created = _files(tmp_path) - before
    assert all(p == "out" or p.startswith("out/") for p in created), sorted(created)
    for rel in _files(project):
        for part in rel.split("/"):
            assert _SAFE_NAME.fullmatch(part) and part not in (".", ".."), rel
    modules = sorted(p.stem for p in (project / "tmp_evil_escape" / "resources").glob("*.py"))
    assert "__init__" in modules and all(m.isidentifier() for m in modules)
    assert len(modules) > 10
    compile_tree(project)


def test_nasty_names_give_an_importable_client(tmp_path: Path) -> None:
    gen = generate(write_doc(tmp_path / "spec.json", _names_spec()), tmp_path / "out")
    assert gen.code == 0, gen.stderr
    got = import_probe(
        gen,
        """
c = importlib.import_module(pkg.__name__ + "._client")
m = importlib.import_module(pkg.__name__ + ".models")
client = c.Client(base_url="http://api.test")
attrs = [a for a in dir(type(client)) if hasattr(getattr(type(client), a), "func")]
result = {"resources": len(attrs), "ok": all(callable(getattr(getattr(client, a), "with_raw_response").__init__) for a in attrs),
          "models": len([v for v in vars(m).values() if isinstance(v, type) and v.__module__ == m.__name__])}
""",
        tmp_path,
    )
    assert got["ok"] and got["resources"] >= 10 and got["models"] == len(NASTY)


@pytest.mark.parametrize(
    "rel",
    [
        "../x",
        "/abs/x.py",
        "a/../../b",
        "a\\..\\b",
        ".",
        "..",
        "",
        "a//b",
        "a/./b",
        "c:x",
        "a/\x00",
        "a/b\n",
        "a/ b",
    ],
)
def test_safe_rel_refuses_escapes(rel: str) -> None:
    with pytest.raises(ValueError, match="outside the output folder"):
        _safe_rel(rel)


def test_write_tree_refuses_before_creating_anything(tmp_path: Path) -> None:
    target = tmp_path / "out" / "proj"
    with pytest.raises(ValueError):
        write_tree({"pkg/ok.py": b"x = 1\n", "../escaped.py": b"boom\n"}, target)
    assert not (tmp_path / "escaped.py").exists()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_hostile_old_manifest_cannot_reach_outside(tmp_path: Path) -> None:
    """The previous output's manifest is read back: paths in it that leave the folder are ignored
    (nothing outside is read as a previous render, reported as removed, or deleted)."""
    out = tmp_path / "out"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    spec = write_doc(tmp_path / "spec.json", minimal())
    project = out / "hostile"
    project.mkdir(parents=True)
    evil = {
        "../../victim.txt": "0" * 64,
        str(victim): "0" * 64,
        "hostile/../../../victim.txt": "0" * 64,
    }
    (project / MANIFEST).write_text(
        json.dumps({"files": evil, "renders": {k: "0" * 64 for k in evil}})
    )
    check = generate(spec, out, "--check")
    assert check.code == 1 and "victim" not in check.stderr, check.stderr
    gen = generate(spec, out)
    assert gen.code == 0, gen.stderr
    assert victim.read_text() == "keep me\n"
    assert "victim" not in (project / MANIFEST).read_text()


def test_resource_modules_avoid_windows_device_names(tmp_path: Path) -> None:
    tags = ["con", "nul", "aux", "prn", "com1", "lpt9", "CON"]
    paths = {
        f"/t{i}": {
            "get": {
                "operationId": f"op{i}",
                "tags": [t],
                "responses": {"200": {"description": "ok"}},
            }
        }
        for i, t in enumerate(tags)
    }
    gen = generate(write_doc(tmp_path / "spec.json", minimal(paths=paths)), tmp_path / "out")
    assert gen.code == 0, gen.stderr
    stems = {p.stem.lower() for p in (gen.package_dir / "resources").glob("*.py")}
    assert not stems & WINDOWS_DEVICE_NAMES, sorted(stems & WINDOWS_DEVICE_NAMES)


def test_write_tree_never_writes_python_that_does_not_compile(tmp_path: Path) -> None:
    """A last line of defence behind black (whose parser accepts e.g. `{2\u0660\u0660: 1}`): a new
    or changed .py file that Python cannot compile stops the write, and the old tree stays."""
    target = tmp_path / "proj"
    write_tree({"pkg/ok.py": b"x = 1\n"}, target)
    before = (target / "pkg" / "ok.py").read_bytes()
    with pytest.raises(ValueError, match="internal: generated pkg/bad.py does not compile"):
        write_tree(
            {"pkg/ok.py": b"x = 2\n", "pkg/bad.py": "x = {2\u0660\u0660: 1}\n".encode()}, target
        )
    assert (target / "pkg" / "ok.py").read_bytes() == before
    assert not (target / "pkg" / "bad.py").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["proj"]
