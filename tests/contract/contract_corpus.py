"""Which documents the contract sweep covers, and how its results add up (summary line, TSV report).

Groups:

* ``valid``: every corpus document (``../shared/specs/corpus/manifest.tsv``) that
  openapi-spec-validator finds valid and that has operations;
* ``invalid``: every corpus document the validator rejects but that has operations (the sweep runs
  when the generator still generates a client; a failed generation is reported in this group);
* ``versori``: the upstream Versori documents (``../shared/specs/versori/*.yaml``).

``CONNECT_CODEGEN_CONTRACT`` selects what ``test_contract_sweep.py`` runs: unset, the fixed
:data:`SAMPLE` (chosen to cover the constructs: unions and discriminators, multipart, form,
binary and text bodies, parameter styles, security schemes, pagination, 3.0 and 3.1);
``all`` every group; ``valid``, ``invalid`` or ``versori`` one group; ``@FILE`` the documents
FILE names (one corpus-relative path per line); any other value a fragment of the document
paths to run.

Run outside pytest (``python tests/contract/contract_corpus.py [SELECTION] [--jobs N]``) it sweeps
the selection in parallel processes and prints the same summary line and report.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "specs" / "corpus"
VERSORI = SHARED / "specs" / "versori"
sys.path.insert(0, str(HERE))

from contract_classify import CLIENT, DOCUMENT, MOCK, REASONS, Finding  # noqa: E402
from contract_sweep import SLOW_START, DocResult  # noqa: E402

#: The documents ``./dev.sh test`` sweeps (paths relative to the corpus folder).
SAMPLE: list[str] = [
    # small, plain: the smoke documents
    "oai-spec/examples/v3.0/petstore-expanded.yaml",
    "apis-guru/adyen.com_BinLookupService_50/openapi.yaml",
    "apis-guru/1password.com_events_1.0.0/openapi.yaml",
    "readme-oas-examples/3.0/petstore.yaml",
    "oai-learn/v3.1/tictactoe.yaml",
    "readme-oas-examples/3.1/train-travel.yaml",
    # parameters: every style and location, cookies, defaults
    "readme-oas-examples/3.0/parameters-style.yaml",
    "readme-oas-examples/3.1/parameters-style.yaml",
    "readme-oas-examples/3.0/parameters-cookies.yaml",
    "datamodel-code-generator/default_values_parameters.yaml",
    # unions, discriminators, enums, readOnly/writeOnly, 3.1 types
    "readme-oas-examples/3.0/polymorphism.yaml",
    "readme-oas-examples/3.0/discriminators.yaml",
    "hey-api/3.1.x/discriminator-allof-member.yaml",
    "hey-api/3.0.x/discriminator-allof-nested.json",
    "readme-oas-examples/3.0/schema-enums.yaml",
    "openapi-python-client/openapi_3.1_enums.yaml",
    "readme-oas-examples/3.0/schema-visibility.yaml",
    "hey-api/3.1.x/transforms-read-write-unevaluated.yaml",
    "readme-oas-examples/3.1/schema-types.yaml",
    "openapi-python-client/3.1_specific.openapi.yaml",
    # bodies: multipart, form, binary, encodings, several media types, examples
    "readme-oas-examples/3.0/file-uploads.yaml",
    "readme-oas-examples/3.0/form-data.yaml",
    "readme-oas-examples/3.0/schema-encoding-style.yaml",
    "readme-oas-examples/3.0/response-multiple-mediatypes.yaml",
    "oai-spec/tests-3.1/pass/request-body-examples.yaml",
    "hey-api/3.1.x/sse-post.yaml",
    # security schemes, alone and together; nested resources
    "readme-oas-examples/3.0/security.yaml",
    "readme-oas-examples/3.0/security-multiple.yaml",
    "readme-oas-examples/3.1/security.yaml",
    "hey-api/3.0.x/security-http-bearer-duplicate.json",
    "hey-api/3.0.x/sdk-nested-classes.yaml",
]

#: Seconds one document may take (generation, Prism's start and every request).
DOC_TIMEOUT = 3600


@dataclass(frozen=True)
class Doc:
    """One document of the sweep."""

    group: str  # valid | invalid | versori
    path: Path
    operations: int

    @property
    def name(self) -> str:
        try:
            return str(self.path.relative_to(CORPUS))
        except ValueError:
            return f"versori/{self.path.name}"

    @property
    def package(self) -> str:
        slug = re.sub(r"\W+", "_", self.name.lower()).strip("_")[:40]
        return f"sweep_{slug}_{hashlib.sha256(self.name.encode()).hexdigest()[:6]}"


def corpus_documents() -> list[Doc]:
    """Every corpus document with operations, grouped by the validator's verdict, and the upstream
    Versori documents; empty when ``../shared`` is absent."""
    docs: list[Doc] = []
    manifest = CORPUS / "manifest.tsv"
    if manifest.is_file():
        with manifest.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                ops = int(row["operations"] or 0)
                if ops > 0:
                    group = "valid" if row["validator"] == "valid" else "invalid"
                    docs.append(Doc(group, CORPUS / row["path"], ops))
    for path in sorted(VERSORI.glob("*.yaml")):
        docs.append(Doc("versori", path, -1))
    return docs


def selected(selection: str | None) -> list[Doc]:
    """The documents ``selection`` (see the module docstring) names."""
    docs = corpus_documents()
    if not selection:
        by_name = {d.name: d for d in docs}
        return [by_name[name] for name in SAMPLE if name in by_name]
    if selection == "all":
        return docs
    if selection in ("valid", "invalid", "versori"):
        return [d for d in docs if d.group == selection]
    if selection.startswith("@"):  # a file of document names, one per line (e.g. a rerun's)
        names = set(Path(selection[1:]).read_text(encoding="utf-8").split())
        return [d for d in docs if d.name in names]
    return [d for d in docs if selection in d.name]


#: From this size on, a document's Prism start gets the sweep's slow-start deadline at least.
LARGE_DOCUMENT = 1_000_000


def prism_deadline(size: int) -> float:
    """Seconds Prism may take to start on a document of ``size`` bytes.

    Prism parses and compiles the whole document before it answers: 1 s per 2 kB, 120 s at least.
    A document of :data:`LARGE_DOCUMENT` bytes or more gets ``contract_sweep.SLOW_START`` at least,
    so a Prism still loading it at the deadline is the named mock limitation ``prism-slow-start``
    (stoplightio/prism#1479), never the sweep's own ``prism-start-timeout`` (Bungie, 1.25 MB, was
    given 625 s and reported as a client finding).
    """
    deadline = max(120.0, size / 2_000)
    if size >= LARGE_DOCUMENT:
        deadline = max(deadline, SLOW_START)
    return deadline


def sweep(doc: Doc, out: Path, prism: Path, timeout: float = DOC_TIMEOUT) -> DocResult:
    """Run ``contract_sweep.py`` on ``doc`` in a subprocess; a crash or timeout is a finding."""
    out.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, str(HERE / "contract_sweep.py"), str(doc.path),
        "--out", str(out), "--prism", str(prism), "--package", doc.package,
        "--prism-deadline", str(prism_deadline(doc.path.stat().st_size)),
    ]  # fmt: skip
    start = time.monotonic()
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return DocResult(str(doc.path), [], time.monotonic() - start, Finding(CLIENT, "sweep-timeout", "", f"over {timeout:.0f} s"))
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return DocResult(str(doc.path), [], time.monotonic() - start, Finding(CLIENT, "sweep-crashed", "", (proc.stderr or proc.stdout)[-2000:]))
    return DocResult.from_json(lines[-1])


# --- adding up ----------------------------------------------------------------------------------

TSV_COLUMNS = ["group", "document", "operation", "method", "path", "requests", "verdict", "reason", "pointer", "evidence"]


def verdict_of(findings: list[Finding]) -> str:
    """An operation's verdict: its worst finding's class (client > document > mock), or pass."""
    kinds = {f.verdict for f in findings}
    for kind in (CLIENT, DOCUMENT, MOCK):
        if kind in kinds:
            return kind
    return "pass"


def rows(group: str, doc: str, result: DocResult) -> list[list[str]]:
    """The TSV rows of one document: one per operation (a setup failure is one row)."""
    out = []
    if result.setup is not None and not result.operations:
        f = result.setup
        out.append([group, doc, "*", "", "", "0", f.verdict, f.reason, f.pointer, _cell(f.evidence)])
    for op in result.operations:
        findings = list(op.findings) or ([result.setup] if result.setup else [])
        out.append([
            group, doc, op.operation, op.method.upper(), op.path, str(op.requests), verdict_of(findings),
            ";".join(dict.fromkeys(f.reason for f in findings)),
            ";".join(dict.fromkeys(f.pointer for f in findings if f.pointer)),
            _cell(" || ".join(f.evidence for f in findings)),
        ])  # fmt: skip
    return out


def _cell(text: str) -> str:
    return " ".join(str(text).split())[:3000]


@dataclass
class Totals:
    """The numbers of the summary line."""

    docs: int = 0
    ops: int = 0
    exercised: int = 0
    client: int = 0
    document: int = 0
    mock: int = 0

    def add(self, result: DocResult) -> None:
        self.docs += 1
        for op in result.operations:
            self.ops += 1
            self.exercised += op.exercised
            findings = op.findings or ([result.setup] if result.setup else [])
            kinds = {f.verdict for f in findings}
            self.client += CLIENT in kinds
            self.document += DOCUMENT in kinds
            self.mock += MOCK in kinds
        if not result.operations and result.setup is not None:
            kind = result.setup.verdict
            self.client += kind == CLIENT
            self.document += kind == DOCUMENT
            self.mock += kind == MOCK

    def line(self, wall: float) -> str:
        return (
            f"contract: docs={self.docs} ops={self.ops} exercised={self.exercised} "
            f"client_defects={self.client} document_defects={self.document} mock_limits={self.mock} wall={wall:.0f}"
        )


def report(results: list[tuple[str, str, DocResult]], wall: float, tsv: Path | None) -> str:
    """The summary: one line per group (``contract: ...``), the ten most frequent document-defect
    and mock-limit reasons, and the client defects; writes the TSV to ``tsv``."""
    lines = []
    by_group: dict[str, Totals] = {}
    reasons: dict[str, Counter[str]] = {DOCUMENT: Counter(), MOCK: Counter(), CLIENT: Counter()}
    table: list[list[str]] = []
    for group, doc, result in results:
        by_group.setdefault(group, Totals()).add(result)
        table.extend(rows(group, doc, result))
        findings = [f for op in result.operations for f in op.findings]
        if result.setup is not None:
            findings.append(result.setup)
        for f in findings:
            reasons[f.verdict][f.reason] += 1
    for group in ("valid", "invalid", "versori", *sorted(set(by_group) - {"valid", "invalid", "versori"})):
        if group in by_group:
            lines.append(f"[{group}] " + by_group[group].line(wall))
    for kind, title in ((DOCUMENT, "document defects"), (MOCK, "mock limitations"), (CLIENT, "client defects")):
        if reasons[kind]:
            lines.append(f"{title} by reason: " + ", ".join(f"{r}={n}" for r, n in reasons[kind].most_common(10)))
    named = sorted({r for kind in (DOCUMENT, MOCK) for r in reasons[kind]})
    lines += [f"  {r}: {REASONS.get(r, '(no written reason: a rule without one is a defect of the sweep)')}" for r in named]
    if tsv is not None:
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
        writer.writerow(TSV_COLUMNS)
        writer.writerows(sorted(table))
        tsv.write_text(buf.getvalue(), encoding="utf-8")
        lines.append(f"report: {tsv}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sweep corpus documents against Prism (see the module docstring).")
    parser.add_argument("selection", nargs="?", default=os.environ.get("CONNECT_CODEGEN_CONTRACT", ""))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("/tmp/contract-sweep"))
    parser.add_argument("--report", type=Path, default=None, help="TSV report (default OUT/contract-report.tsv)")
    parser.add_argument("--max-bytes", type=int, default=None, help="only documents of at most N bytes")
    parser.add_argument("--min-bytes", type=int, default=None, help="only documents of at least N bytes")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from contract_prism import install_prism

    prism = install_prism()
    docs = [
        d for d in selected(args.selection)
        if (args.max_bytes is None or d.path.stat().st_size <= args.max_bytes)
        and (args.min_bytes is None or d.path.stat().st_size >= args.min_bytes)
    ]  # fmt: skip
    start = time.monotonic()
    results: list[tuple[str, str, DocResult]] = []

    json_path = (args.report or args.out / "contract-report.tsv").with_suffix(".jsonl")
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text("")

    def one(doc: Doc) -> tuple[str, str, DocResult]:
        result = sweep(doc, args.out / doc.package, prism)
        with json_path.open("a", encoding="utf-8") as fh:  # as they finish: a long run can be read early
            fh.write(json.dumps([doc.group, doc.name, json.loads(result.to_json())]) + "\n")
        verdicts = Counter(verdict_of(op.findings or ([result.setup] if result.setup else [])) for op in result.operations)
        setup = f" setup={result.setup.reason}" if result.setup else ""
        print(f"{doc.group} {doc.name}: {dict(verdicts)}{setup} {result.wall:.0f}s", file=sys.stderr, flush=True)
        return doc.group, doc.name, result

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(one, sorted(docs, key=lambda d: -d.path.stat().st_size)))
    print(report(results, time.monotonic() - start, args.report or args.out / "contract-report.tsv"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
