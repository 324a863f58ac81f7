"""Stage 6: write the generated project atomically, keeping what the generator does not own.

The new tree is assembled in a temporary folder beside the target: unchanged files are
hard-linked from the old tree (so their mtimes stay), user files (anything not listed in the old
manifest) are carried over, and then the folders are swapped with two renames. If anything fails
before the swap, the old tree is untouched. :func:`check_report` says, for ``generate --check``,
what writing would change (and writes nothing).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection

MANIFEST = ".connect-codegen-manifest.json"


@dataclass
class WriteReport:
    """What writing did: counts of files ``written`` (new or changed), ``unchanged``, ``removed``."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_user_files: list[str] = field(default_factory=list)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(target: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of the files the generator wrote last time (empty if none)."""
    try:
        data = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
        files = data.get("files", {})
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


def previous_renders(target: Path) -> dict[str, tuple[str, bytes]]:
    """``{path: (render hash, bytes)}`` for files of the last output that are still exactly as the
    generator wrote them (their hash matches the manifest), so their formatting can be reused."""
    try:
        data = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    renders = data.get("renders") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not isinstance(renders, dict):
        return {}
    out: dict[str, tuple[str, bytes]] = {}
    for rel, rhash in renders.items():
        try:
            content = (target / _safe_rel(str(rel))).read_bytes()
        except (OSError, ValueError):
            continue
        if _digest(content) == files.get(rel):
            out[str(rel)] = (str(rhash), content)
    return out


def manifest_bytes(files: dict[str, bytes], extra: dict[str, object] | None = None) -> bytes:
    """The manifest listing ``files`` with their hashes (sorted, stable)."""
    body = {"generator": "connect-codegen", **(extra or {}), "files": {p: _digest(files[p]) for p in sorted(files)}}
    return (json.dumps(body, indent=1, sort_keys=True) + "\n").encode("utf-8")


#: One component of a path the generator writes: letters, digits, ``_``, ``-`` and dots, but
#: never ``.`` or ``..`` (no separators, drive letters, NUL or other control characters).
_SAFE_PART = re.compile(r"[A-Za-z0-9_.-]+")


def _safe_rel(rel: str) -> Path:
    """``rel`` as a relative path that stays inside the output folder.

    Raises ``ValueError`` for an absolute path, a ``.``/``..`` or empty component, or any
    character outside ``[A-Za-z0-9_.-]`` (a backslash or ``:`` would leave the folder on Windows).
    """
    parts = rel.split("/")
    if not rel or not all(_SAFE_PART.fullmatch(part) and part not in (".", "..") for part in parts):
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    return Path(*parts)


def _check_compiles(rel: str, data: bytes) -> None:
    """Refuse to write a ``.py`` file Python cannot compile (a last line of defence: black's parser
    accepts some text that Python's does not, e.g. ``{2\u0660\u0660: ...}``). Only files that are
    new or changed are checked, so an unchanged run costs nothing."""
    try:
        compile(data, rel, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        detail = " ".join(str(exc).split())[:200]
        raise ValueError(f"internal: generated {rel} does not compile ({detail}); nothing was written") from None


def _is_safe_rel(rel: str) -> bool:
    try:
        _safe_rel(rel)
    except ValueError:
        return False
    return True


def plan_changes(files: dict[str, bytes], target: Path) -> tuple[list[str], list[str], list[str]]:
    """``(added, changed, removed)`` relative paths if ``files`` were written to ``target``."""
    old = read_manifest(target)
    added, changed = [], []
    for rel, data in sorted(files.items()):
        path = target / rel
        if not path.is_file():
            added.append(rel)
        elif path.read_bytes() != data:
            changed.append(rel)
    removed = sorted(rel for rel in old if rel not in files and _is_safe_rel(rel) and (target / rel).is_file())
    return added, changed, removed


def check_report(files: dict[str, bytes], project_dir: Path, max_lines: int = 12) -> str:
    """A summary of how ``project_dir`` differs from ``files`` ("" when it is up to date):
    files added, removed and changed, with the first lines of each change as a unified diff."""
    import difflib

    wanted = dict(files)
    added, changed, removed = plan_changes(wanted, project_dir)
    if not (added or changed or removed):
        return ""
    lines = [f"{project_dir}: out of date ({len(added)} added, {len(changed)} changed, {len(removed)} removed)"]
    lines += [f"  added:   {p}" for p in added]
    lines += [f"  removed: {p}" for p in removed]
    for rel in changed:
        lines.append(f"  changed: {rel}")
        old = (project_dir / rel).read_text(encoding="utf-8", errors="replace").splitlines()
        new = wanted[rel].decode("utf-8", errors="replace").splitlines()
        diff = list(difflib.unified_diff(old, new, "old/" + rel, "new/" + rel, lineterm="", n=1))
        lines += ["    " + d for d in diff[:max_lines]]
        if len(diff) > max_lines:
            lines.append(f"    ... {len(diff) - max_lines} more diff lines")
    lines.append("run `connect-codegen generate` to update it")
    return "\n".join(lines)


def write_tree(
    files: dict[str, bytes],
    target: Path,
    extra_manifest: dict[str, object] | None = None,
    compiled: Collection[str] = (),
) -> WriteReport:
    """Replace the generated files under ``target`` with ``files`` ({relative path: bytes}).

    ``compiled`` names files whose exact text was already compiled without error (by the
    formatting workers), so they are not compiled again here.

    Raises ``OSError`` (the old tree intact) when the temporary tree cannot be built, and
    ``ValueError`` for a relative path that would leave ``target`` or a new or changed ``.py`` file
    that does not compile (nothing is written then either).
    """
    files = dict(files)
    for rel in files:
        _safe_rel(rel)  # every path is checked before anything is created
    files[MANIFEST] = manifest_bytes({k: v for k, v in files.items() if k != MANIFEST}, extra_manifest)
    report = WriteReport()
    target = target.resolve() if target.exists() else target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    old_manifest = read_manifest(target) if target.is_dir() else {}
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    try:
        for rel, data in sorted(files.items()):
            dest = tmp / _safe_rel(rel)
            dest.parent.mkdir(parents=True, exist_ok=True)
            old = target / rel
            if old.is_file() and not old.is_symlink() and old.stat().st_size == len(data) and old.read_bytes() == data:
                try:
                    os.link(old, dest)
                except OSError:
                    shutil.copy2(old, dest)
                if rel != MANIFEST:
                    report.unchanged.append(rel)
                continue
            if rel.endswith(".py") and rel not in compiled:
                _check_compiles(rel, data)
            dest.write_bytes(data)
            if rel != MANIFEST:
                report.written.append(rel)
        if target.is_dir():
            for path in sorted(target.rglob("*")):
                rel = path.relative_to(target).as_posix()
                if path.is_dir() or rel in files:
                    continue
                if rel in old_manifest or "__pycache__" in path.parts:
                    if rel in old_manifest:
                        report.removed.append(rel)
                    continue
                dest = tmp / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(path, dest)
                except OSError:
                    shutil.copy2(path, dest)
                report.kept_user_files.append(rel)
        if not target.exists():
            os.replace(tmp, target)
            return report
        if not report.written and not report.removed:
            # nothing generated changed: leave the tree (and every mtime) alone, but keep the
            # manifest's render hashes current (a new black or formatting mode changes them)
            manifest = target / MANIFEST
            if not manifest.is_file() or manifest.read_bytes() != files[MANIFEST]:
                staged = target / f".{MANIFEST}.{os.getpid()}"
                staged.write_bytes(files[MANIFEST])
                os.replace(staged, manifest)
            return report
        backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        backup.rmdir()
        os.replace(target, backup)
        try:
            os.replace(tmp, target)
        except OSError:
            os.replace(backup, target)
            raise
        shutil.rmtree(backup, ignore_errors=True)
        return report
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
