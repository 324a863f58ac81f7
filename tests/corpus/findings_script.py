"""Print the validator findings for documents, as JSON: ``{path: [[pointer, message], ...]}``.

Run by test_validator_findings.py as ``python findings_script.py MODE LIST_FILE``:
MODE ``ours`` uses generator.validate as it is; ``remembered`` too, but validates each document
twice with one set of known-valid keys shared by all documents (as the cache file is shared by
runs) and prints the second run's findings; ``library`` turns the speed layer off
(generator/validate_speed.py, as when the internals it relies on changed), so that
openapi-spec-validator's own validator class runs (only ``$ref`` retrieval refused, the Python
jsonschema backend: generator.validate.library_validator_class), i.e. the code before the
validator was sped up. LIST_FILE holds one document path per line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from generator import validate as validate_mod  # noqa: E402
from generator import validate_speed  # noqa: E402
from generator.diagnostics import DiagnosticSink, GenerationError  # noqa: E402
from generator.load import load_document  # noqa: E402


def main() -> None:
    mode, list_file = sys.argv[1], sys.argv[2]
    if mode == "library":
        validate_speed.speedups_usable = lambda: False  # type: ignore[assignment]
    out: dict[str, list[list[str]]] = {}
    known: set[str] | None = set() if mode == "remembered" else None
    for line in Path(list_file).read_text(encoding="utf-8").splitlines():
        sink = DiagnosticSink()
        try:
            doc = load_document(Path(line), sink)
            version = validate_mod.check_version(doc.data, sink)
        except GenerationError:
            continue
        found = DiagnosticSink()
        if known is not None:
            validate_mod.validate(doc.data, version, DiagnosticSink(), known)
        validate_mod.validate(doc.data, version, found, known)
        out[line] = sorted([d.pointer, d.message] for d in found.items)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
