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
    """Per API of ``test_prism.py``: operations, operations exercised against Prism, requests,
    and the operations with a client defect, a document defect or a mock limitation (with the
    reasons of the last two), and notes such as bodies Prism does not validate."""
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
            {"operations": row["operations"], "exercised": set(), "requests": 0, "client": set(),
             "document": {}, "mock": {}, "notes": set()},
        )  # fmt: skip
        entry["requests"] += row["requests"]
        if row["requests"]:
            entry["exercised"].add(row["operation"])
        for verdict, reason in row["findings"]:
            if verdict == "client":
                entry["client"].add(row["operation"])
            else:
                entry[verdict].setdefault(reason, set()).add(row["operation"])
        entry["notes"].update(note.split(":")[0] for note in row["notes"])
    write = terminalreporter.write_line
    terminalreporter.section("Prism contract tests")
    write(f"{'API':<30} {'operations':>10} {'exercised':>9} {'requests':>8} {'client defects':>14}  document defects; mock limitations; notes")
    for name in sorted(apis):
        entry = apis[name]
        details = [f"{reason}: {len(ops)} ops" for kind in ("document", "mock") for reason, ops in sorted(entry[kind].items())]
        details += sorted(entry["notes"])
        write(
            f"{name:<30} {entry['operations']:>10} {len(entry['exercised']):>9} "
            f"{entry['requests']:>8} {len(entry['client']):>14}  {'; '.join(details)}"
        )
