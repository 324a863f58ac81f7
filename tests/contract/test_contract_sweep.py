"""The contract sweep: every operation of a document's generated client against Stoplight Prism.

One test per document (``contract_corpus.selected``: the fixed sample by default,
``CONNECT_CODEGEN_CONTRACT=all`` for every corpus document with operations plus the upstream
Versori documents). Each runs ``contract_sweep.py`` in a subprocess (see its docstring for the
requests sent and how they are judged) and fails when any request has a **client defect**;
document defects and mock limitations are reported, each with its reason and JSON pointer.

The terminal summary prints one line per group::

    contract: docs=N ops=M exercised=E client_defects=D document_defects=X mock_limits=L wall=S

the most frequent reasons, and the path of the TSV report (one row per operation:
``$CONNECT_CODEGEN_CONTRACT_REPORT``, else ``contract-report.tsv`` in pytest's temporary folder).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from contract_corpus import Doc, selected, sweep
from contract_sweep import DocResult

SELECTION = os.environ.get("CONNECT_CODEGEN_CONTRACT", "")
RESULTS_FILE = "contract-sweep.jsonl"
DOCS = selected(SELECTION)


def _params() -> list[object]:
    if not DOCS:
        reason = f"no document of {SELECTION!r} is here" if SELECTION else "the corpus is not here (../shared/specs is absent)"
        return [pytest.param(None, id="corpus", marks=pytest.mark.skip(reason=reason))]
    # the largest first, so that the workers finish together
    return [pytest.param(d, id=d.name) for d in sorted(DOCS, key=lambda d: -d.path.stat().st_size)]


@pytest.mark.parametrize("doc", _params())
def test_contract_sweep(doc: Doc, prism: Path, tmp_path: Path, sweep_results: Path) -> None:
    """Every request the generated client sends for ``doc`` passes Prism's validation and every
    declared response parses, except where a document defect or a mock limitation is named."""
    start = time.time()
    result = sweep(doc, tmp_path / "sweep", prism)
    with sweep_results.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps([doc.group, doc.name, start, time.time(), json.loads(result.to_json())]) + "\n")
    defects = [
        f"{op.operation} ({op.method.upper()} {op.path}): {f.reason} at {f.pointer or '-'}\n    {f.evidence[:800]}"
        for op in result.operations
        for f in op.findings
        if f.verdict == "client"
    ]
    if result.setup is not None and result.setup.verdict == "client":
        defects.insert(0, f"{result.setup.reason}: {result.setup.evidence[:1500]}")
    assert not defects, f"{len(defects)} client defect(s) in {doc.name}:\n" + "\n".join(defects[:20])


def load_results(base: Path) -> tuple[list[tuple[str, str, DocResult]], float]:
    """The results recorded under pytest's temporary folder (every worker's), and the wall time
    from the first document's start to the last one's end."""
    rows = []
    for path in [base / RESULTS_FILE, *base.glob(f"*/{RESULTS_FILE}")]:
        if path.is_file():
            rows.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    if not rows:
        return [], 0.0
    wall = max(r[3] for r in rows) - min(r[2] for r in rows)
    return [(group, name, DocResult.from_json(json.dumps(data))) for group, name, _, _, data in rows], wall


def test_the_fixed_sample_is_at_least_25_corpus_documents() -> None:
    """The sample ``./dev.sh test`` sweeps names at least 25 documents, each a validator-valid
    corpus document with operations (a renamed or dropped corpus file would shrink it silently)."""
    from contract_corpus import SAMPLE, corpus_documents

    docs = corpus_documents()
    if not docs:
        pytest.skip("the corpus is not here (../shared/specs is absent)")
    by_name = {d.name: d for d in docs}
    assert len(set(SAMPLE)) >= 25
    missing = [name for name in SAMPLE if name not in by_name or by_name[name].group != "valid"]
    assert not missing, f"sample documents not valid corpus documents with operations: {missing}"


def test_a_large_document_gets_the_slow_start_deadline() -> None:
    """A document of 1 MB or more (Bungie: 1.25 MB) waits for Prism at least ``SLOW_START``, so a
    Prism still loading it is the mock limitation ``prism-slow-start``, not a sweep timeout; smaller
    documents keep 1 s per 2 kB with 120 s at least."""
    from contract_corpus import LARGE_DOCUMENT, prism_deadline
    from contract_sweep import SLOW_START

    assert prism_deadline(10_000) == 120.0
    assert prism_deadline(600_000) == 300.0
    assert prism_deadline(1_251_412) == SLOW_START
    assert prism_deadline(LARGE_DOCUMENT - 1) < SLOW_START <= prism_deadline(LARGE_DOCUMENT)
    assert prism_deadline(5_000_000) == 2_500.0
