"""Print a :class:`DiffReport` as text (terminals, CI logs), JSON (tools) or Markdown (PR comments).

Every format lists the breaking changes first, gives each change's kind, message and JSON
pointers, and ends with (text) or states up front (JSON, Markdown) the counts and the suggested
semantic-version bump.
"""

from __future__ import annotations

import json
from pathlib import Path

from .model import Change, DiffReport

FORMATS = ("text", "json", "markdown")


def _title(report: DiffReport) -> tuple[str, str]:
    def one(path: str, version: str) -> str:
        return Path(path).name + (f" ({version})" if version else "")

    return one(report.old_path, report.old_version), one(report.new_path, report.new_version)


def _where(c: Change) -> str:
    parts = []
    if c.old is not None:
        parts.append(f"old #{c.old}")
    if c.new is not None:
        parts.append(f"new #{c.new}")
    return "  ".join(parts)


def render_text(report: DiffReport) -> str:
    """Plain text: a heading, breaking changes, non-breaking changes, then the summary line."""
    old, new = _title(report)
    lines = [f"{old} -> {new}"]
    if not report.changes:
        lines.append("No client-visible changes.")
    for title, group in (
        ("Breaking changes", report.breaking),
        ("Non-breaking changes", report.non_breaking),
    ):
        if not group:
            continue
        lines.append("")
        lines.append(f"{title} ({len(group)}):")
        for c in group:
            lines.append(f"  [{c.kind}] {c.message}")
            where = _where(c)
            if where:
                lines.append(f"      {where}")
    lines.append("")
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def render_json(report: DiffReport) -> str:
    """A JSON object: ``old``, ``new``, ``summary`` (counts and ``bump``) and ``changes``."""
    body = {
        "old": {"path": report.old_path, "version": report.old_version},
        "new": {"path": report.new_path, "version": report.new_version},
        "summary": {
            "breaking": len(report.breaking),
            "non_breaking": len(report.non_breaking),
            "total": len(report.changes),
            "suggested_bump": report.bump,
            "kinds": report.kinds(),
        },
        "suggested_bump": report.bump,
        "changes": [c.to_json() for c in report.changes],
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _md(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", " ")
    )


def _md_table(changes: list[Change]) -> list[str]:
    rows = ["| Change | Kind | Old | New |", "|---|---|---|---|"]
    for c in changes:
        old = f"`#{c.old}`" if c.old is not None else "-"
        new = f"`#{c.new}`" if c.new is not None else "-"
        rows.append(
            f"| {_md(c.message)} | `{c.kind}` | {old.replace('|', '%7C')} | {new.replace('|', '%7C')} |"
        )
    return rows


def render_markdown(report: DiffReport) -> str:
    """GitHub-flavoured Markdown for a pull-request comment (non-breaking changes folded)."""
    old, new = _title(report)
    lines = [f"### API changes: `{old}` → `{new}`", ""]
    b, n = len(report.breaking), len(report.non_breaking)
    lines.append(f"**Suggested version bump: {report.bump}** ({b} breaking, {n} non-breaking)")
    if not report.changes:
        lines += ["", "No client-visible changes."]
    if report.breaking:
        lines += ["", f"#### Breaking changes ({b})", ""] + _md_table(report.breaking)
    if report.non_breaking:
        lines += ["", "<details>", f"<summary>Non-breaking changes ({n})</summary>", ""]
        lines += _md_table(report.non_breaking)
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def render(report: DiffReport, fmt: str) -> str:
    """Render ``report`` in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return render_json(report)
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "text":
        return render_text(report)
    raise ValueError(f"unknown format {fmt!r}")
