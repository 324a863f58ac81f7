"""Real public OpenAPI documents (issue 3): ``../shared/specs/corpus`` (see its MANIFEST.md).

For each document (every row of ``manifest.tsv`` with at least one operation or schema), the
CLI runs in a subprocess as a user would run it (``connect-codegen generate SPEC -o OUT``), then:

- no run ends in a Python traceback;
- a document the validator accepts generates (exit 0); a rejected one, or one broken on purpose,
  either generates or exits 1 with an ERROR that names its location (``file:line:col`` and a
  JSON pointer);
- a written package imports, all its submodules included, in a fresh interpreter;
- every Python example of its README.md and REFERENCE.md runs against its test kit
  (``tests/docs_examples.py``);
- the packages in ``MYPY`` are black-clean (formatting is one black pass) and, with every small
  one in a whole-corpus run, pass ``mypy --strict``.

CI runs ``SUBSET``: small documents chosen to cover the constructs issue 3 lists (multi-file refs,
refs leaving the spec's folder, ``$id``/``$anchor``, discriminators, enums, circular schemas,
parameter styles, media types, broken documents). ``CONNECT_CODEGEN_CORPUS=all`` runs every
document instead (``=valid`` / ``=invalid``: by the manifest's verdict; any other value: the
documents whose path contains it). The whole corpus takes about an hour on two cores;
``../shared/tools/corpus-check`` gives the same verdicts with a summary line.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "specs" / "corpus"
ENV = "CONNECT_CODEGEN_CORPUS"

SUBSET = (
    "apis-guru/1password.com_events_1.0.0/openapi.yaml",
    "apis-guru/xkcd.com_1.0.0/openapi.yaml",
    "datamodel-code-generator/allof_required_inherited_external/openapi.yaml",
    "datamodel-code-generator/discriminator_external_mapping/openapi.yaml",
    "datamodel-code-generator/external_ref_mapping/nested/level1.yaml",
    "datamodel-code-generator/external_relative_ref/model_b/module.openapi.yaml",
    "datamodel-code-generator/usable_invalid_dotted_schema_name.yaml",
    "datamodel-code-generator/x_enum_varnames.yaml",
    "hey-api/3.1.x/const-values.yaml",
    "hey-api/3.1.x/discriminator-allof-nested.json",
    "hey-api/3.1.x/discriminator-non-string.yaml",
    "hey-api/3.1.x/enum-names-values.json",
    "hey-api/3.1.x/enum-null.json",
    "hey-api/3.1.x/negative-property-names.json",
    "hey-api/3.1.x/parameter-tuple.json",
    "libopenapi/circular-tests.yaml",
    "libopenapi/yaml-anchor.yaml",
    "oai-spec/examples/v3.0/petstore-expanded.yaml",
    "oai-spec/examples/v3.1/webhook-example.json",
    "openapi-python-client/3.1_specific.openapi.yaml",
    "openapi-python-client/baseline_openapi_3.1.yaml",
    "openapi-python-client/documents_with_errors/bad-status-code.yaml",
    "openapi-python-client/documents_with_errors/circular-body-ref.yaml",
    "openapi-python-client/documents_with_errors/invalid-uuid-defaults.yaml",
    "openapi-python-client/documents_with_errors/missing-body-ref.yaml",
    "openapi-python-client/documents_with_errors/optional-path-param.yaml",
    "openapi-python-client/openapi_3.1_enums.yaml",
    "readme-oas-examples/3.0/discriminators.yaml",
    "readme-oas-examples/3.0/file-uploads.yaml",
    "readme-oas-examples/3.0/parameters-style.yaml",
    "readme-oas-examples/3.0/response-multiple-mediatypes.yaml",
    "readme-oas-examples/3.0/schema-circular.yaml",
    "swagger-parser/3.1.0/dereference/schema/$anchor-internal/root.json",
    "swagger-parser/3.1.0/dereference/schema/$id-uri-enclosing/root.json",
    "swagger-parser/3.1.0/dereference/fullFS/root.json",
    "swagger-parser/3.1.0/issue-1975.yaml",
)

#: Type-checked with ``mypy --strict`` in CI (a whole-corpus run checks every small document).
MYPY = frozenset(
    {
        "openapi-python-client/baseline_openapi_3.1.yaml",
        "openapi-python-client/openapi_3.1_enums.yaml",
        "readme-oas-examples/3.0/discriminators.yaml",
        "readme-oas-examples/3.0/parameters-style.yaml",
        "hey-api/3.1.x/const-values.yaml",
        "libopenapi/circular-tests.yaml",
    }
)


@dataclass(frozen=True)
class Doc:
    """One ``manifest.tsv`` row: the path under the corpus, the validator's verdict, sizes."""

    path: str
    valid: bool
    operations: int
    schemas: int

    @property
    def small(self) -> bool:
        """corpus-check's "small": at most 60 operations and 200 schemas."""
        return self.operations <= 60 and self.schemas <= 200


def _manifest() -> dict[str, Doc]:
    try:
        with (CORPUS / "manifest.tsv").open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
    except OSError:
        return {}
    docs = {}
    for row in rows:
        ops, schemas = int(row["operations"] or 0), int(row["schemas"] or 0)
        if ops or schemas:
            docs[row["path"]] = Doc(row["path"], row["validator"] == "valid", ops, schemas)
    return docs


def _selected() -> list[str]:
    docs = _manifest()
    choice = os.environ.get(ENV, "")
    if not choice:
        return list(SUBSET)
    if choice == "all":
        return sorted(docs)
    if choice in ("valid", "invalid"):
        return sorted(p for p, d in docs.items() if d.valid == (choice == "valid"))
    return sorted(p for p in docs if choice in p)


MANIFEST = _manifest()
WHOLE = bool(os.environ.get(ENV))
#: ``file:line:col #/pointer`` of an ERROR diagnostic.
LOCATED_ERROR = re.compile(r"^ERROR \S+:\d+:\d+ #\S*: ", re.M)

IMPORT_ALL = """
import importlib, pkgutil, sys
pkg = importlib.import_module(sys.argv[1])
names = [m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def _project(out: Path) -> tuple[Path, str]:
    """The one project folder under ``out`` and the package in it."""
    (project,) = [p for p in out.iterdir() if p.is_dir()]
    (init,) = [p for p in project.glob("*/__init__.py")]
    return project, init.parent.name


def _run(cmd: list[str], cwd: Path, timeout: float, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("path", _selected())
def test_corpus_document(path: str, tmp_path: Path, tools: Any) -> None:
    doc = MANIFEST.get(path)
    if doc is None:
        tools.require_shared("specs", "corpus", *path.split("/"))
        pytest.fail(f"{path} is not a manifest.tsv row with operations or schemas")
    spec = CORPUS / path
    out = tmp_path / "out"
    gen = tools.run_cli("generate", spec, "-o", out, cwd=tmp_path, timeout=900)
    text = gen.stdout + gen.stderr
    assert "Traceback (most recent call last)" not in text, text[-3000:]
    if doc.valid and "/documents_with_errors/" not in path:  # those are broken on purpose
        assert gen.returncode == 0, f"a valid document did not generate:\n{gen.stderr[-3000:]}"
    else:
        assert gen.returncode in (0, 1), gen.stderr[-3000:]
        if gen.returncode == 1:
            assert LOCATED_ERROR.search(gen.stderr), f"no ERROR names a location:\n{gen.stderr[-3000:]}"
            assert not out.exists() or not any(out.iterdir()), "a failed run left files behind"
            return
    project, package = _project(out)
    env = tools.clean_env()
    imp = _run([sys.executable, "-c", IMPORT_ALL, package], project, 300, env)
    assert imp.returncode == 0, f"{package} does not import:\n{imp.stderr[-3000:]}"
    assert int(imp.stdout.split()[-1]) >= 3, imp.stdout  # _client, models, the runtime modules
    # every Python example of its README and REFERENCE runs against its test kit (issue 20)
    from docs_examples import run_examples

    ran = run_examples(project, package, env)
    assert isinstance(ran["counts"], dict) and ran["counts"].get("README.md", 0) > 0, ran
    if path in MYPY:
        # formatting is one black pass (emit/format.py): the result must still be black's fixpoint
        import black

        from generator.emit.format import mode

        unstable = [
            f.relative_to(project).as_posix()
            for f in sorted((project / package).rglob("*.py"))
            if black.format_str(text := f.read_text(encoding="utf-8"), mode=mode()) != text
        ]
        assert unstable == [], f"not black-clean: {unstable}"
    if path in MYPY or (WHOLE and doc.small):
        typed = _run(
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir=/dev/null", "-p", package],
            project,
            600,
            env,
        )
        assert typed.returncode == 0, f"mypy --strict on {package}:\n{typed.stdout[-3000:]}"
