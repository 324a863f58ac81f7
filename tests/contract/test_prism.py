"""Contract tests of the Versori clients: every operation against Stoplight Prism.

For each API (our three documents in ``specs/`` with the committed clients in ``output/``, and every
upstream document in ``../shared/specs/versori/`` with a client generated from it at session start),
every operation is called through the generated sync ``Client`` and ``AsyncClient`` by the contract
sweep's engine (``contract_sweep.OperationSweep``; its docstring says what is sent and how it is
judged): a required-only request, full requests walking the union variants, and each declared error
response (``Prefer: code=NNN``), which must raise the status's exception class with ``.error``
parsed into the declared model. Operations are enumerated from the document's ``paths``; method
names come from the generator's IR (an operation without a client method fails).

A test fails on any **client defect**; document defects and mock limitations are recorded with their
reasons (``contract_classify.REASONS``) and shown in the terminal summary. Where Prism and the client
disagreed, the OpenAPI Specification 3.1.0 and HTTP decided:

* Prism serves the paths without the servers' path prefix (``/api/connect/v1``), so the clients
  get ``base_url=http://127.0.0.1:PORT``.
* Prism skips request *body* validation for an operation whose request schema contains a
  map-valued ``examples`` (invalid in OpenAPI 3.1, where a Schema Object's ``examples`` is an
  array). The upstream ``InitialiseOAuth2ConnectionRequest`` has one (so do the upstream Embedded
  and Platform documents): there the body is judged by the sweep's own checks (the JSON on the
  wire validates against the schema and carries every value set), and by Prism only against our
  valid ``specs/connect-api-v1.yaml``. :func:`test_prism_skips_bodies_whose_schema_has_map_valued_examples`
  pins the behaviour.
* Multipart object properties: the client sends them as ``application/json`` parts, the Encoding
  Object's default for objects (OAS 3.1.0, 4.8.15); Prism reads every part as a string and reports
  "must be object" (a mock limitation, ``multipart-json-part``).

The upstream Organisations document writes one response code as a YAML integer (``200:``); the
documents are read with the generator's loader, which makes every key a string.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest
from contract_classify import CLIENT, has_map_examples
from contract_sweep import DocumentSweep, OpResult
from contract_scalars import ulid_for
from contract_values import Values
from contract_wire import TLS, parse_violations

from generator.diagnostics import DiagnosticSink
from generator.ir.model import Api
from generator.pipeline import Options, build

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM_DIR = ROOT.parent / "shared" / "specs" / "versori"


@dataclass(frozen=True)
class ApiCase:
    """One OpenAPI document and the client package generated from it."""

    name: str
    spec: Path
    package: str
    upstream: bool  # generated at session start from ../shared, not committed in output/


OUR_APIS = [
    ApiCase("connect", ROOT / "specs" / "connect-api-v1.yaml", "versori_connect", False),
    ApiCase("embedded", ROOT / "specs" / "embedded-api-v1.yaml", "versori_embedded", False),
    ApiCase("organisations", ROOT / "specs" / "organisations-api-v1.yaml", "versori_organisations", False),
]
UPSTREAM_APIS = [
    ApiCase(f"upstream/{path.stem}", path, "contract_upstream_" + re.sub(r"\W", "_", path.stem), True)
    for path in sorted(UPSTREAM_DIR.glob("*.yaml"))
]
ALL_APIS = OUR_APIS + UPSTREAM_APIS


@lru_cache(maxsize=None)
def values_of(spec: Path) -> Values:
    return Values(spec)


@lru_cache(maxsize=None)
def ir_of(spec: Path) -> Api:
    """The generator's IR of ``spec``: the method and resource names the generated client has."""
    return build(Options(spec=spec, validate=False), DiagnosticSink(), {})


def _params() -> list[Any]:
    params = [
        pytest.param(case, path, method, id=f"{case.name}:{raw.get('operationId') or method.upper() + ' ' + path}")
        for case in ALL_APIS
        for path, method, _, raw, _ in values_of(case.spec).operations()
    ]
    if not UPSTREAM_APIS:
        reason = f"the upstream Versori documents are not here ({UPSTREAM_DIR} is absent)"
        params.append(pytest.param(None, "", "", id="upstream", marks=pytest.mark.skip(reason=reason)))
    return params


@pytest.fixture
def sweep_for(request: pytest.FixtureRequest, prism_servers: Any) -> Callable[[ApiCase], DocumentSweep]:
    """The sweep engine of an API, over its Prism server (its client generated first when upstream)."""

    def get(case: ApiCase) -> DocumentSweep:
        if case.upstream:
            request.getfixturevalue("upstream_clients").package_for(case.spec, case.package)
        return _sweep(case, str(prism_servers.get(case.spec)))

    return get


@lru_cache(maxsize=None)
def _sweep(case: ApiCase, url: str) -> DocumentSweep:
    return DocumentSweep.for_client(case.spec, case.package, ir_of(case.spec), url)


def _record(stats_file: Path, case: ApiCase, flavor: str, result: OpResult) -> None:
    row = {
        "api": case.name,
        "operations": sum(1 for _ in values_of(case.spec).operations()),
        "operation": result.operation,
        "flavor": flavor,
        "requests": result.requests,
        "findings": [[f.verdict, f.reason] for f in result.findings],
        "notes": result.notes,
    }
    with stats_file.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")


#: Client defects these tests found and that are not fixed yet: the tests are expected to fail,
#: strictly, so they turn red once the defect is fixed and the entry must go.
OPEN_DEFECTS: dict[str, str] = {}


def _marked(params: list[Any]) -> list[Any]:
    marked = []
    for param in params:
        name = param.id.split(":", 1)[-1]
        if name in OPEN_DEFECTS:
            mark = pytest.mark.xfail(strict=True, reason=OPEN_DEFECTS[name])
            param = pytest.param(*param.values, id=param.id, marks=[*param.marks, mark])
        marked.append(param)
    return marked


@pytest.mark.parametrize("flavor", ["sync", "async"])
@pytest.mark.parametrize(("case", "path", "method"), _marked(_params()))
def test_operation(
    case: ApiCase,
    path: str,
    method: str,
    flavor: str,
    sweep_for: Callable[[ApiCase], DocumentSweep],
    stats_file: Path,
) -> None:
    """Every request of the operation passes Prism's validation and our own checks of the wire,
    every declared response parses into the declared type, every declared error raises its typed
    exception, with no client defect."""
    result = sweep_for(case).sweep_operation(path, method, (flavor,))
    _record(stats_file, case, flavor, result)
    defects = [f"{f.reason} at {f.pointer}: {f.evidence[:1500]}" for f in result.findings if f.verdict == CLIENT]
    assert not defects, "\n".join(defects)
    assert result.requests > 0 or result.findings, "no request was sent and no reason was given"


def test_prism_skips_bodies_whose_schema_has_map_valued_examples(
    sweep_for: Callable[[ApiCase], DocumentSweep],
) -> None:
    """Pins the Prism quirk the module docstring describes, so the gap stays visible.

    The upstream InitialiseOAuth2ConnectionRequest has ``examples`` written as a map (OpenAPI 3.1
    wants an array there); Prism 5.14.2 then validates no request body of that operation at all.
    Our copy (``specs/connect-api-v1.yaml``) writes ``examples`` as an array, so Prism does check
    the body there: the same invalid body is refused by ours and accepted by upstream's.
    """
    ours = next(c for c in OUR_APIS if c.name == "connect")
    upstream = next((c for c in UPSTREAM_APIS if c.spec.name == "connect-api-v1.yaml"), None)
    if upstream is None:
        pytest.skip(f"the upstream Versori documents are not here ({UPSTREAM_DIR} is absent)")
    path = "/o/{organisation_id}/connectors/{connector_id}/oauth2/initialise"
    statuses = {}
    for case in (ours, upstream):
        values = values_of(case.spec)
        body_loc, _ = values.deref(values.at(f"/paths/{path.replace('/', '~1')}/post/requestBody"))
        assert has_map_examples(values, body_loc.child("content", "application/json", "schema")) is (case is upstream)
        url = sweep_for(case).base_url + path.format(organisation_id=ulid_for("o"), connector_id=ulid_for("c"))
        response = httpx.post(url, json={}, headers={"Authorization": "Bearer contract"}, verify=TLS)
        statuses[case.name] = (response.status_code, parse_violations(response.headers.get("sl-violations")))
    status, violations = statuses[ours.name]
    assert status == 422 and any("required" in v.get("message", "") for v in violations), statuses
    status, violations = statuses[upstream.name]
    assert 200 <= status < 300 and not violations, statuses
