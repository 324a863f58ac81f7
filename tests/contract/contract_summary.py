"""The contract tests' terminal summaries, written by ``tests/conftest.py``'s
``pytest_terminal_summary`` (the one conftest the controlling process of an xdist run loads):

* :func:`prism_summary`: per API of ``test_prism.py``, operations, operations exercised against
  Prism and request-validation errors;
* :func:`sweep_summary`: the contract sweep's ``contract: ...`` line per group, the most frequent
  reasons, and the TSV report.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

STATS_FILE = "contract-stats.jsonl"


def write_summaries(terminalreporter: Any, base: Path) -> None:
    """Both summaries, each only when its tests ran."""
    prism_summary(terminalreporter, base)
    sweep_summary(terminalreporter, base)


def sweep_summary(terminalreporter: Any, base: Path) -> None:
    """The sweep's summary lines and report (``$CONNECT_CODEGEN_CONTRACT_REPORT`` or
    ``contract-report.tsv`` in pytest's temporary folder)."""
    from contract_corpus import report
    from test_contract_sweep import load_results

    results, wall = load_results(base)
    if not results:
        return
    target = os.environ.get("CONNECT_CODEGEN_CONTRACT_REPORT")
    tsv = Path(target) if target else base / "contract-report.tsv"
    terminalreporter.section("contract sweep")
    for line in report(results, wall, tsv).splitlines():
        terminalreporter.write_line(line)


def prism_summary(terminalreporter: Any, base: Path) -> None:
    """Per API of ``test_prism.py``: operations, operations exercised against Prism,
    request-validation errors (called by ``tests/conftest.py``'s terminal summary, which the
    controlling process of an xdist run loads; this conftest it does not)."""
    rows: list[dict[str, Any]] = []
    for path in [base / STATS_FILE, *base.glob(f"*/{STATS_FILE}")]:
        if path.is_file():
            rows.extend(json.loads(line) for line in path.read_text().splitlines() if line)
    if not rows:
        return
    apis: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = apis.setdefault(
            row["api"],
            {
                "operations": row["operations"],
                "exercised": set(),
                "requests": 0,
                "errors": 0,
                "bad_responses": set(),
                "unchecked": set(),
            },
        )
        entry["requests"] += row["requests"]
        entry["errors"] += row["violations"]
        if row["requests"]:
            entry["exercised"].add(row["operation"])
        if row.get("response_violations"):
            entry["bad_responses"].add(row["operation"])
        if row.get("body_unchecked"):
            entry["unchecked"].add(row["operation"])
    write = terminalreporter.write_line
    terminalreporter.section("Prism contract tests")
    write(
        f"{'API':<30} {'operations':>10} {'exercised':>9} {'requests':>8} "
        f"{'request-validation errors':>25}  notes"
    )
    for name in sorted(apis):
        entry = apis[name]
        notes = []
        if entry["bad_responses"]:
            notes.append(
                f"Prism's mock response broke the document: {len(entry['bad_responses'])} ops"
            )
        if entry["unchecked"]:
            notes.append(f"body not validated by Prism: {', '.join(sorted(entry['unchecked']))}")
        write(
            f"{name:<30} {entry['operations']:>10} {len(entry['exercised']):>9} "
            f"{entry['requests']:>8} {entry['errors']:>25}  {'; '.join(notes)}"
        )
