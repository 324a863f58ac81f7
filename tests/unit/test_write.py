"""Atomic writing (generator/emit/write.py) and the write step of the pipeline."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.emit import write as write_mod
from generator.emit.write import MANIFEST, plan_changes, read_manifest, write_tree

OLD_TIME = 1_000_000_000  # 2001: any rewrite would move the mtime to now


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root`` with its bytes and mtime (ns)."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def age(root: Path) -> None:
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (OLD_TIME, OLD_TIME))


def leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


FILES = {
    "pkg/__init__.py": b"# init\n",
    "pkg/models.py": b"class A: ...\n",
    "pkg/resources/pets.py": b"# pets\n",
    "README.md": b"# readme\n",
}


def test_first_write_creates_the_tree_and_manifest(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    report = write_tree(FILES, target, {"spec_version": "1.2.3"})
    assert sorted(report.written) == sorted(FILES)
    assert report.unchanged == report.removed == []
    for rel, data in FILES.items():
        assert (target / rel).read_bytes() == data
    manifest = json.loads((target / MANIFEST).read_text())
    assert manifest["spec_version"] == "1.2.3"
    assert sorted(manifest["files"]) == sorted(FILES)
    assert read_manifest(target) == manifest["files"]
    assert leftovers(tmp_path, "proj") == []


def test_unchanged_files_keep_their_mtime(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    write_tree(FILES, target)
    age(target)
    before = snapshot(target)
    changed = dict(FILES, **{"pkg/models.py": b"class B: ...\n"})
    report = write_tree(changed, target)
    assert report.written == ["pkg/models.py"]
    assert sorted(report.unchanged) == sorted(set(FILES) - {"pkg/models.py"})
    after = snapshot(target)
    for rel in report.unchanged:
        assert after[rel] == before[rel]
    assert after["pkg/models.py"][0] == b"class B: ...\n"
    assert after["pkg/models.py"][1] != OLD_TIME * 10**9


def test_rewriting_identical_content_touches_nothing(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    write_tree(FILES, target)
    age(target)
    before = snapshot(target)
    report = write_tree(FILES, target)
    assert report.written == [] and report.removed == []
    assert snapshot(target) == before
    assert leftovers(tmp_path, "proj") == []


def test_user_files_are_kept_and_removed_generated_files_deleted(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    write_tree(FILES, target)
    (target / "NOTES.md").write_bytes(b"mine\n")
    (target / "pkg" / "custom.py").write_bytes(b"# mine too\n")
    (target / "pkg" / "__pycache__").mkdir()
    (target / "pkg" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    fewer = {k: v for k, v in FILES.items() if k != "pkg/resources/pets.py"}
    report = write_tree(fewer, target)
    assert report.removed == ["pkg/resources/pets.py"]
    assert sorted(report.kept_user_files) == ["NOTES.md", "pkg/custom.py"]
    assert not (target / "pkg" / "resources" / "pets.py").exists()
    assert (target / "NOTES.md").read_bytes() == b"mine\n"
    assert (target / "pkg" / "custom.py").read_bytes() == b"# mine too\n"
    assert sorted(read_manifest(target)) == sorted(fewer)  # user files never enter the manifest


def test_a_path_leaving_the_target_is_refused_and_the_old_tree_kept(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    write_tree(FILES, target)
    before = snapshot(target)
    with pytest.raises(ValueError, match="outside the output folder"):
        write_tree({**FILES, "../escape.py": b"x"}, target)
    assert snapshot(target) == before
    assert not (tmp_path / "escape.py").exists()
    assert leftovers(tmp_path, "proj") == []


def test_failure_while_building_the_new_tree_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "proj"
    write_tree(FILES, target)
    before = snapshot(target)
    real = Path.write_bytes

    def failing(self: Path, data: bytes) -> int:
        if self.name == "models.py":
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OSError, match="No space left"):
        write_tree({**FILES, "pkg/models.py": b"new\n", "pkg/new.py": b"new\n"}, target)
    monkeypatch.undo()
    assert snapshot(target) == before
    assert leftovers(tmp_path, "proj") == []


@pytest.mark.parametrize("failing_rename", ["old-aside", "new-in"])
def test_failure_while_swapping_keeps_the_old_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing_rename: str
) -> None:
    target = tmp_path / "proj"
    write_tree(FILES, target)
    before = snapshot(target)
    real = os.replace

    def replace(src: object, dst: object) -> None:
        src_name = Path(str(src)).name
        if failing_rename == "old-aside" and Path(str(src)) == target:
            raise OSError(13, "Permission denied")
        if failing_rename == "new-in" and src_name.startswith(".proj.new-"):
            raise OSError(13, "Permission denied")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(write_mod.os, "replace", replace)
    with pytest.raises(OSError, match="Permission denied"):
        write_tree({**FILES, "pkg/models.py": b"changed\n"}, target)
    monkeypatch.undo()
    assert snapshot(target) == before
    assert leftovers(tmp_path, "proj") == []


def test_plan_changes(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    write_tree(FILES, target)
    wanted = {k: v for k, v in FILES.items() if k != "README.md"}
    wanted["pkg/models.py"] = b"changed\n"
    wanted["pkg/added.py"] = b"added\n"
    assert plan_changes(wanted, target) == (["pkg/added.py"], ["pkg/models.py"], ["README.md"])


def test_pipeline_run_keeps_the_old_output_when_the_spec_is_broken(
    tmp_path: Path, write_spec
) -> None:
    from generator import Options, run

    good = write_spec(
        {
            "openapi": "3.1.0",
            "info": {"title": "Pets API", "version": "1"},
            "paths": {
                "/pets": {
                    "get": {
                        "operationId": "listPets",
                        "responses": {"204": {"description": "none"}},
                    }
                }
            },
        },
        "good.yaml",
    )
    out = tmp_path / "out"
    first = run(Options(spec=good, output=out, validate=False))
    assert first.ok and first.project_dir == out / "pets"
    (out / "pets" / "mine.txt").write_text("user file")
    age(out)
    before = snapshot(out)
    bad = write_spec(
        "openapi: 3.1.0\ninfo: {title: Pets API, version: '1'}\npaths:\n  /pets: [\n", "bad.yaml"
    )
    result = run(Options(spec=bad, output=out, validate=False))
    assert not result.ok
    assert snapshot(out) == before
    # generating the same spec again rewrites nothing and keeps the user's file
    again = run(Options(spec=good, output=out, validate=False))
    assert again.ok and again.report is not None and again.report.written == []
    assert snapshot(out) == before


def test_new_render_hashes_reach_the_manifest_without_touching_the_files(tmp_path: Path) -> None:
    """Same generated files, new manifest data (render hashes after a black or mode change):
    the manifest is updated in place, every other file keeps its inode and mtime; otherwise
    later runs could never reuse the formatting of an unchanged render."""
    target = tmp_path / "proj"
    files = {"pkg/a.py": b"A = 1\n", "pkg/b.py": b"B = 2\n"}
    write_tree(files, target, {"renders": {"pkg/a.py": "old"}})
    before = {p: (target / p).stat() for p in files}
    report = write_tree(files, target, {"renders": {"pkg/a.py": "new"}})
    assert not report.written and not report.removed
    assert json.loads((target / MANIFEST).read_text())["renders"] == {"pkg/a.py": "new"}
    for p, st in before.items():
        now = (target / p).stat()
        assert (now.st_ino, now.st_mtime_ns) == (st.st_ino, st.st_mtime_ns), p
    assert sorted(x.name for x in target.iterdir()) == [MANIFEST, "pkg"]  # no staging file left


def test_cache_files_are_written_whole_and_failures_are_ignored(tmp_path: Path) -> None:
    from generator.paths import write_cache_file

    target = tmp_path / "cache" / "sub" / "key"
    write_cache_file(target, "one")
    write_cache_file(target, "two")
    assert target.read_text(encoding="utf-8") == "two"
    assert [p.name for p in target.parent.iterdir()] == ["key"]  # no temporary file left
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    write_cache_file(blocker / "key", "three")  # its folder cannot be made: nothing raised
    assert blocker.read_text(encoding="utf-8") == "x"
