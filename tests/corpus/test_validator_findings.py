"""The validator sped up by generator/validate_speed.py finds exactly what openapi-spec-validator finds.

generator.validate_speed builds openapi-spec-validator's validator with crawled ``referencing``
registries and one meta-schema validator per Schema Object dialect (issue 7: half the time on the
Connect API), and skips Schema Objects and document units (path items, operations, responses...)
that passed their check in an earlier run. The set-ups run here, each in a subprocess with the same ``PYTHONHASHSEED`` (the
library picks "the first" error of a schema check from a set of property names, so which of
several bad properties it names depends on the hash seed), over the Versori documents and the
corpus documents the validator rejects (those under 100 KB; ``CONNECT_CODEGEN_CORPUS=all``: every
document of the corpus, about 5 minutes), and every finding must match: pointer and message.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "specs"
CORPUS = SHARED / "corpus"
SCRIPT = Path(__file__).with_name("findings_script.py")

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/specs/corpus is not beside the checkout")


def _documents() -> list[Path]:
    whole = os.environ.get("CONNECT_CODEGEN_CORPUS") == "all"
    with (CORPUS / "manifest.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    docs = [
        CORPUS / r["path"]
        for r in rows
        if whole or (r["validator"] == "invalid" and int(r["bytes"]) < 100_000)
    ]
    return sorted(SHARED.glob("versori/*.yaml")) + sorted(REPO.glob("specs/*.yaml")) + docs


def _findings(mode: str, listing: Path) -> dict[str, list[list[str]]]:
    env = {**os.environ, "PYTHONHASHSEED": "0", "OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND": "jsonschema"}
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), mode, str(listing)],
        capture_output=True,
        text=True,
        env=env,
        timeout=3000,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_the_fast_validator_finds_what_the_library_finds(tmp_path: Path) -> None:
    documents = _documents()
    listing = tmp_path / "documents.txt"
    listing.write_text("\n".join(map(str, documents)), encoding="utf-8")
    ours = _findings("ours", listing)
    library = _findings("library", listing)
    remembered = _findings("remembered", listing)
    assert sorted(ours) == sorted(library) == sorted(remembered)
    assert len(ours) > 250  # the selection really ran
    assert sum(1 for found in library.values() if found) > 200  # and it has findings to compare
    different = {doc: (library[doc], ours[doc]) for doc in library if library[doc] != ours[doc]}
    assert different == {}
    # a second run that skips the Schema Objects and document units known to pass finds the same
    different = {doc: (library[doc], remembered[doc]) for doc in library if library[doc] != remembered[doc]}
    assert different == {}
