"""The contract sweep over one OpenAPI document: generate its client, start Prism on the document, and
send every operation's requests through the generated client, judging each.

Run in a subprocess per document (``python tests/contract/contract_sweep.py SPEC --out DIR --prism
BIN``; the JSON result goes to stdout), so that each client is imported into a fresh interpreter
and a crash or a hang is confined to its document. ``test_contract_sweep.py`` runs it over the
corpus and adds the results up.

For every operation, with the sync client (and the async client on every ``ASYNC_EVERY``-th
operation):

1. ``required``: only required parameters, and the body when it is required, built with only its
   required properties (so a model built without an optional ``const``/default field must still
   send what the server needs); Prism answers with its static response (the document's examples);
2. ``full`` (and ``full/1``, ``full/2`` while unions have more variants): every parameter and
   every property that may be sent, the ``k``-th variant of each ``oneOf``/``anyOf`` and enum;
   Prism answers with a response generated from the schemas (``Prefer: dynamic=true``, seeded);
3. ``error:NNN``: each declared error response with a body, asked for with ``Prefer: code=NNN``;
   the client must raise the status's exception class carrying the parsed body.

A request passes when Prism reports no request violation (``sl-violations``), the JSON body on the
wire validates against the request schema and carries every value the test set, and the result
is what the method promises (the declared model, a page of it, ``None``...). Each failure becomes
a :class:`~contract_classify.Finding`, classified by ``contract_classify``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from contract_classify import (  # noqa: E402
    CLIENT,
    DOCUMENT,
    MOCK,
    Finding,
    invalid_media_type,
    media_type_error,
    faker_stalled,
    dotted_path_parameter,
    fragment_path_key,
    operation_missing,
    prism_crashed,
    response_refused,
    routed_to_bare_key,
    routed_to_sibling_variant,
    unknown_tag,
)
from contract_violations import RequestContext, request_rejected  # noqa: E402
from contract_judge import conforms, json_or_none, lost_values, short  # noqa: E402
from contract_prism import PRISM_SEED, PrismServer, PrismStartError, start_prism  # noqa: E402
from contract_operation_doc import OperationDocument  # noqa: E402
from contract_requests import Request, RequestPlanner  # noqa: E402
from contract_values import Unsatisfiable, Values  # noqa: E402
from contract_wire import NO_VIOLATIONS_422, Exchange, Package, Recorder, drive, expected_error_class  # noqa: E402

from generator.diagnostics import GenerationError, Level  # noqa: E402
from generator.ir.model import Api, Operation  # noqa: E402
from generator.refs import Loc  # noqa: E402

ASYNC_EVERY = 5


@dataclass
class OpResult:
    """The outcome of one operation: requests sent and findings (empty when every request passed)."""

    operation: str
    method: str
    path: str
    requests: int = 0
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def exercised(self) -> bool:
        return self.requests > 0

    def verdicts(self) -> set[str]:
        return {f.verdict for f in self.findings}


@dataclass
class DocResult:
    """The outcome of one document."""

    doc: str
    operations: list[OpResult] = field(default_factory=list)
    wall: float = 0.0
    setup: Finding | None = None  # generation, import or Prism failed: no request could be sent
    warnings: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "DocResult":
        data = json.loads(text)
        ops = [
            OpResult(
                o["operation"], o["method"], o["path"], o["requests"],
                [Finding(**f) for f in o["findings"]], o["notes"],
            )
            for o in data["operations"]
        ]  # fmt: skip
        setup = Finding(**data["setup"]) if data.get("setup") else None
        return cls(data["doc"], ops, data["wall"], setup, data.get("warnings", 0))


# --- one request --------------------------------------------------------------------------------


class OperationSweep(OperationDocument):
    """Sends one operation's requests and judges them."""

    def __init__(
        self,
        doc: "DocumentSweep",
        path: str,
        method: str,
        op_loc: Loc,
        raw: dict[str, Any],
        ir: Operation,
        item_loc: Loc | None = None,
    ) -> None:
        self.doc = doc
        self.values = doc.values
        self.path = path
        self.method = method
        self.op_loc = op_loc
        # (the path item: the operation's parent unless the operation was reached through a `$ref`)
        self.item_loc = item_loc or Loc(op_loc.uri, op_loc.pointer.rsplit("/", 1)[0], op_loc.base)
        self.raw = raw
        self.ir = ir
        self.result = OpResult(ir.operation_id or f"{method.upper()} {path}", method, path)
        #: Prism's log when it died answering the last request (it was restarted), else "".
        self.crashed = ""

    # -- sending and judging ---------------------------------------------------------------

    def _client_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"base_url": self.doc.base_url, "max_retries": 0, "timeout": 30.0}
        for scheme in self.doc.api.security:
            kwargs[scheme.param] = f"contract-{scheme.param}"
            if scheme.kind == "basic":
                kwargs["password"] = "contract-password"
        return kwargs

    def send(
        self, request: Request, flavor: str, prefer: str | None, accept: str | None = None
    ) -> tuple[Any, Recorder]:
        """Call the operation with ``request``'s arguments (``Prefer`` and ``Accept`` headers
        added when given); returns the result or the exception raised, and what was exchanged."""
        recorder = Recorder()
        kwargs = dict(request.kwargs)
        headers = {}
        if prefer:
            headers["Prefer"] = prefer
        if accept:
            # Prism serves a `Prefer: code=NNN` response only when Accept allows its media type;
            # the client's Accept names the success media types
            headers["Accept"] = accept
        if headers:
            kwargs["extra_headers"] = headers
        resource, name = self.doc.method_of[(self.path, self.method)]

        def invoke(client: Any) -> Any:
            return getattr(getattr(client, resource), name)(**kwargs)

        result = drive(self.doc.pkg, flavor, self._client_kwargs(), invoke, recorder, pages=2)
        self.result.requests += max(len(recorder.exchanges), len(recorder.sent))
        if isinstance(result, self.doc.pkg.root.APIConnectionError) and self.doc.server_died():
            self.crashed = self.doc.restart_prism()
        return result, recorder

    def run(self, flavors: tuple[str, ...]) -> OpResult:
        """Send every request with each client flavor (``sync``/``async``) and judge it."""
        planner = RequestPlanner(self.values, self.doc.pkg, self.ir, self.op_loc, self.raw)
        requests = planner.requests()
        self.result.findings.extend(planner.findings)
        self.result.notes.extend(planner.notes)
        for flavor in flavors:
            for request in requests:
                self.judge_success(request, flavor)
            self.judge_errors(requests, flavor)
        return self.result

    def _add(self, finding: Finding, request: str, flavor: str) -> None:
        tagged = Finding(finding.verdict, finding.reason, finding.pointer, f"[{request} {flavor}] {finding.evidence}"[:2000])
        if all((f.verdict, f.reason, f.pointer) != (tagged.verdict, tagged.reason, tagged.pointer) for f in self.result.findings):
            self.result.findings.append(tagged)

    def judge_success(self, request: Request, flavor: str) -> None:
        """Send ``request`` and judge the request (Prism's violations, the wire against the
        intended values) and the response (parsed into the promised type)."""
        result, recorder = self.send(request, flavor, request.prefer)
        label = request.label
        if request.prefer and recorder.exchanges and _faker_crashed(recorder.exchanges[0]):
            # Prism's response generator (json-schema-faker) failed on this schema after the
            # request was validated: take the static response instead, which it builds without it
            self.result.notes.append("Prism could not make up a response (json-schema-faker failed); static response used")
            result, recorder = self.send(request, flavor, None)
        if self.crashed:
            invalid = invalid_media_type(self.values, self.op_loc, self.raw)
            crash = prism_crashed(self.op_loc.pointer, self.crashed)
            if invalid and "invalid media type" in self.crashed:
                crash = Finding(DOCUMENT, "invalid-media-type", invalid, self.crashed[-600:])
            self._add(crash, label, flavor)
            self.crashed = ""
            return
        if not recorder.exchanges:
            transport = ("content-encoding", "transfer-encoding", "content-length")
            if recorder.sent and isinstance(result, self.doc.pkg.root.APIConnectionError) and any(
                self._declares_response_header(h) for h in transport
            ):
                self._add(Finding(MOCK, "prism-echoes-content-encoding", self.op_loc.pointer, short(result)), label, flavor)
                return
            informational = None if self._declares_success() else self._informational_code()
            if informational is not None and recorder.sent and isinstance(result, self.doc.pkg.root.APIConnectionError):
                # no 2xx declared: Prism answers the declared 1xx as its final response
                self._informational(informational, result, label, flavor)
                return
            self._add(self._raised(result, recorder), label, flavor)
            return
        first = recorder.exchanges[0]
        finding = self._judge_request(first, request)
        if finding is not None:
            self._add(finding, label, flavor)
            return
        for extra in recorder.exchanges[1:]:  # further pages
            if extra.request_violations:
                self._add(Finding(CLIENT, "next-page-request-rejected", self.op_loc.pointer, extra.describe(extra.request_violations)), label, flavor)
                return
        if first.prism_error == "NO_RESPONSE_RESPONSE_DEFINED" and not self.raw.get("responses"):
            # the request passed Prism's validation (an invalid one gets a 422); the document
            # declares no response, so there is nothing to parse
            self.result.notes.append("no response declared: only the request is judged")
            return
        if first.prism_error:
            self._add(self._prism_error(first), label, flavor)
            return
        if not 200 <= first.status < 300:
            if not self._declares_success():
                self.result.notes.append(f"no 2xx declared; Prism answered {first.status}")
                return
            found = media_type_error(self.values, self.op_loc, self.raw, first.status, first.body, self.op_loc.pointer, first.describe())
            self._add(found or Finding(CLIENT, "unexpected-status", self.op_loc.pointer, first.describe()), label, flavor)
            return
        if isinstance(result, BaseException):
            media_loc = self._response_media(first)
            found = response_refused(self.values, media_loc, json_or_none(first), request.prefer is None)
            self._add(found or Finding(CLIENT, "valid-response-refused", media_loc.pointer if media_loc else "", f"{short(result)} <- {first.body[:300]!r}"), label, flavor)
            return
        problem = self._check_result(result)
        if problem:
            media_loc = self._response_media(first)
            made_up = unknown_tag(self.values, media_loc.child("schema"), json_or_none(first)) if media_loc else None
            if "UnknownVariant" in problem and made_up is not None:
                # the client keeps a variant it does not know as UnknownVariant, by design
                static = request.prefer is None and media_loc is not None and _in_examples(self.values, media_loc, made_up[1])
                verdict, reason = (DOCUMENT, "example-unknown-discriminator-tag") if static else (MOCK, "prism-made-up-discriminator-tag")
                self._add(Finding(verdict, reason, made_up[0], f"tag {made_up[1]!r}: {problem}"), label, flavor)
                return
            self._add(Finding(CLIENT, "wrong-result-type", self.op_loc.pointer, problem), label, flavor)


    def _informational(self, code: str, result: Any, label: str, flavor: str) -> None:
        pointer = self.op_loc.child("responses", code).pointer
        self._add(Finding(MOCK, "prism-informational-final-response", pointer, short(result)), label, flavor)

    def _judge_request(self, exchange: Exchange, request: Request, asked: int | None = None) -> Finding | None:
        """A finding when the request itself is wrong (Prism's violations or our own checks).
        ``asked`` is the status the request asked Prism for (``Prefer: code=``), if any."""
        violations = exchange.request_violations
        request.sent_url = str(exchange.request.url)
        request.sent_content = exchange.request.content
        if violations == [NO_VIOLATIONS_422] and self._answers_declared_422(asked):
            violations = []  # the document's own 422, which Prism answers as it would a 200
        if violations:
            quirk = request_rejected(self.values, violations, self._context(request))
            if quirk is not None:
                return quirk
            routed = routed_to_bare_key(
                self.values.doc.get("paths"), self.path, self.method, self._sent_path(exchange),
                self.op_loc.pointer, exchange.describe(violations),
            )  # fmt: skip
            if routed is not None:
                return routed
            context = self._context(request)
            sibling = routed_to_sibling_variant(
                self.values, self.path, self.method, self._sent_path(exchange), json_or_none(exchange, request=True),
                context.body_valid, self.op_loc.pointer, exchange.describe(violations),
            )  # fmt: skip
            if sibling is not None:
                return sibling
            if request.expected is not None and all(v.get("code") == "oneOf" for v in violations):
                lost = lost_values(request.body_data, json_or_none(exchange, request=True))
                if not lost:
                    return request.expected
                return Finding(CLIENT, "body-lost-values", request.expected.pointer, lost)
            return Finding(CLIENT, "request-rejected", self.op_loc.pointer, exchange.describe(violations) + self._sent_evidence(exchange, request))
        if request.body is not None and request.body.kind == "json" and request.body_loc is not None:
            try:
                sent = json.loads(exchange.request.content) if exchange.request.content else None
            except ValueError:
                return Finding(CLIENT, "body-not-json", request.body_loc.pointer, repr(exchange.request.content[:200]))
            schema_loc = request.body_loc.child("schema")
            if self.values.node(request.body_loc).get("schema") is not None and not self.values.valid(schema_loc, sent):
                return Finding(CLIENT, "sent-invalid-body", schema_loc.pointer, self.values.why_invalid(schema_loc, sent))
            lost = lost_values(request.body_data, sent)
            if lost:
                return Finding(CLIENT, "body-lost-values", schema_loc.pointer, lost)
        return None

    def _answers_declared_422(self, asked: int | None) -> bool:
        """Whether a 422 is the response Prism chose for a valid request: the operation declares
        422 and it was asked for, or no 2xx is declared (Prism, rejecting a request, names the
        violations in ``sl-violations``)."""
        responses = self.raw.get("responses") if isinstance(self.raw.get("responses"), dict) else {}
        return "422" in {str(c) for c in responses} and (asked == 422 or not self._declares_success())

    def _context(self, request: Request) -> RequestContext:
        """What ``contract_classify`` needs to explain Prism's violations of ``request``."""
        params = {}
        for param in self.ir.params:
            uri, _, pointer = param.pointer.partition("#")
            params[(param.location, param.json_name)] = Loc(uri, pointer, uri)
        body = request.body_loc.child("schema") if request.body_loc is not None else None
        security = self.raw.get("security", self.values.doc.get("security"))
        alternatives = [list(r) for r in security if isinstance(r, dict)] if isinstance(security, list) else None
        kind = request.body.kind if request.body is not None else ""
        where = self.op_loc.child("security").pointer if "security" in self.raw else "/security"
        query = httpx.URL(request.sent_url).params.multi_items() if request.sent_url else []
        sent = frozenset(k for k, _ in query)
        empty = frozenset(k for k, v in query if v == "")
        valid = False
        if request.body is not None and request.body.kind == "json" and request.body_loc is not None and request.sent_content is not None:
            try:
                sent_json = json.loads(request.sent_content) if request.sent_content else None
                valid = self.values.node(request.body_loc).get("schema") is not None and self.values.valid(request.body_loc.child("schema"), sent_json)
            except ValueError:
                valid = False
        form: frozenset[str] = frozenset()
        if kind == "form" and request.sent_content:
            form = frozenset(k for k, _ in parse_qsl(request.sent_content.decode("latin-1"), keep_blank_values=True))
        return RequestContext(
            body, params, frozenset(request.multipart_json), kind, alternatives, where, sent, self.path, self._path_params(), empty, valid,
            ignored_headers=self._ignored_headers(), sent_form=form,
        )

    def _sent_evidence(self, exchange: Exchange, request: Request) -> str:
        """What was sent, and whether it is valid by our own validator, for a rejected request."""
        content = exchange.request.content
        text = f" | sent {exchange.request.headers.get('content-type', '-')}: {content[:400]!r}"
        if request.body is not None and request.body.kind == "json" and request.body_loc is not None:
            try:
                sent = json.loads(content) if content else None
            except ValueError:
                return text
            schema_loc = request.body_loc.child("schema")
            why = self.values.why_invalid(schema_loc, sent)
            text += f" | ours: {'valid' if not why else why}"
            lost = lost_values(request.body_data, sent)
            if lost:
                text += f" | lost: {lost}"
        return text

    def _raised(self, result: Any, recorder: Any) -> Finding:
        """The call raised without a response: the client's, unless it timed out while Prism's
        response faker stalled on this very request (its log says so within a minute)."""
        if isinstance(result, self.doc.pkg.root.APITimeoutError) and recorder.sent and self.doc.server is not None:
            sent = recorder.sent[-1]
            for _ in range(60):
                if faker_stalled(self.doc.server.log_tail(100_000), sent.method, sent.url.raw_path.decode().split("?")[0]):
                    return Finding(MOCK, "prism-faker-stalled", self.op_loc.pointer, short(result))
                if self.doc.server_died():
                    break
                time.sleep(1)
        return Finding(CLIENT, "raised-before-send", self.op_loc.pointer, short(result))

    def _sent_path(self, exchange: Exchange) -> str:
        """The request's path below the server URL's own path."""
        return exchange.request.url.path[len(httpx.URL(self.doc.base_url).path.rstrip("/")):]

    def _prism_error(self, exchange: Exchange) -> Finding:
        if exchange.prism_error == "NO_COMPLEX_OBJECT_TEXT" and self._object_as_text():
            return Finding(MOCK, "prism-cannot-serialise-object-as-text", self.op_loc.pointer, exchange.describe())
        if exchange.prism_error == "NO_COMPLEX_OBJECT_TEXT" and self._number_as_text():
            return Finding(MOCK, "prism-cannot-serialise-number-as-text", self.op_loc.pointer, exchange.describe())
        unserialisable = self._unserialisable(exchange)
        if unserialisable:
            pointer = self.op_loc.child("responses", unserialisable[0], "content", unserialisable[1]).pointer
            return Finding(MOCK, "prism-no-serializer", pointer, exchange.describe())
        if exchange.prism_error == "SCHEMA_TOO_COMPLEX" and not exchange.request_violations:
            return Finding(MOCK, "prism-schema-too-complex", self.op_loc.pointer, exchange.describe())
        if exchange.prism_error == "UNKNOWN" and b"Cannot find serializer for" in exchange.body and not exchange.request_violations:
            if self._declares_response_header("content-type"):
                return Finding(MOCK, "prism-content-type-response-header", self.op_loc.pointer, exchange.describe())
        found = fragment_path_key(self.path, self._sent_path(exchange), exchange.prism_error, self.op_loc.pointer, exchange.describe())
        found = found or dotted_path_parameter(self.path, self._sent_path(exchange), exchange.prism_error, self.op_loc.pointer, exchange.describe())
        return found or Finding(CLIENT, f"prism-{exchange.prism_error.lower()}", self.op_loc.pointer, exchange.describe())

    def _unserialisable(self, exchange: Exchange) -> tuple[str, str] | None:
        """``(status, media type)`` of the declared response whose media type Prism says it has
        no serializer for (500 UNKNOWN "Cannot find serializer for M"), the request being valid."""
        if exchange.prism_error != "UNKNOWN" or exchange.request_violations:
            return None
        try:
            title = str(json.loads(exchange.body).get("title", ""))
        except (ValueError, AttributeError):
            return None
        prefix = "Cannot find serializer for "
        if not title.startswith(prefix):
            return None
        responses = self.raw.get("responses") if isinstance(self.raw.get("responses"), dict) else {}
        for code, response in responses.items():
            try:
                _, response = self.values.deref(self.op_loc.child("responses", str(code)))
            except Unsatisfiable:
                continue
            content = response.get("content") if isinstance(response, dict) else None
            if isinstance(content, dict) and title[len(prefix):] in content:
                return str(code), title[len(prefix):]
        return None

    def _check_result(self, result: Any) -> str:
        op, pkg = self.ir, self.doc.pkg
        target_hint = op.return_hint
        if op.pagination:
            for page in (pkg.pagination.SyncPage, pkg.pagination.AsyncPage):
                if isinstance(result, page):
                    result = result.model
                    break
            else:
                return f"expected a page, got {type(result).__name__}"
        try:
            target = pkg.type_of(target_hint)
        except Exception as exc:  # noqa: BLE001
            return f"return hint {target_hint!r} does not evaluate: {exc}"
        return conforms(result, target, pkg, target_hint)

    def judge_errors(self, requests: list[Request], flavor: str) -> None:
        if not requests:
            return
        base = requests[0]
        declared = {str(k) for k in (self.raw.get("responses") or {})} if isinstance(self.raw.get("responses"), dict) else set()
        for case in self.ir.errors:
            if case.kind == "none":
                continue
            key = case.key.strip("'\"")
            if key == "default":
                # a status no declared code or range (4XX) covers: the client answers it with default
                ranges = {d.upper() for d in declared}
                status = next((s for s in (500, 404, 400, 418, 503) if str(s) not in declared and f"{str(s)[0]}XX" not in ranges), None)
            elif key.isdigit():
                status = int(key)
            else:  # 4XX / 5XX
                status = int(key[0]) * 100 + (4 if key[0] == "4" else 0)
            if status is None:
                continue
            label = f"error:{status}"
            result, recorder = self.send(base, flavor, f"code={status}", accept=case.media_type)
            if self.crashed:
                self._add(prism_crashed(self.op_loc.pointer, self.crashed), label, flavor)
                self.crashed = ""
                continue
            if not recorder.exchanges:
                if status < 200 and recorder.sent and isinstance(result, self.doc.pkg.root.APIConnectionError):
                    self._informational(key, result, label, flavor)
                    continue
                self._add(self._raised(result, recorder), label, flavor)
                continue
            first = recorder.exchanges[0]
            if self._judge_request(first, base, asked=status) is not None:
                continue  # already reported by the success requests
            if first.status != status:
                self._add(Finding(MOCK, "prism-prefer-code-unmet", self.op_loc.child("responses", key).pointer, first.describe()), label, flavor)
                continue
            root = self.doc.pkg.root
            if not isinstance(result, root.APIStatusError):
                self._add(Finding(CLIENT, "error-not-raised", self.op_loc.pointer, f"{status}: got {short(result)}"), label, flavor)
                continue
            wanted = expected_error_class(status)
            if type(result).__name__ != wanted or result.status_code != status:
                self._add(Finding(CLIENT, "wrong-error-class", self.op_loc.pointer, f"{status} raised {type(result).__name__}"), label, flavor)
                continue
            if case.kind != "json":
                continue
            try:
                target = self.doc.pkg.type_of(case.type_expr)
            except Exception as exc:  # noqa: BLE001
                self._add(Finding(CLIENT, "error-type-unknown", self.op_loc.pointer, f"{case.type_expr}: {exc}"), label, flavor)
                continue
            problem = conforms(getattr(result, "error", None), target, self.doc.pkg, case.type_expr)
            if problem:
                media_loc = self._response_media(first)
                found = response_refused(self.values, media_loc, json_or_none(first), True)
                self._add(found or Finding(CLIENT, "error-body-not-parsed", media_loc.pointer if media_loc else "", f"{problem} <- {first.body[:300]!r}"), label, flavor)


# --- one document -------------------------------------------------------------------------------


def _in_examples(values: Values, media_loc: Loc, tag: str) -> bool:
    """Whether the media type's own examples (what Prism serves statically) hold ``tag``."""
    media = values.node(media_loc)
    if not isinstance(media, dict):
        return False
    found = [media.get("example")] + [
        e.get("value") for e in (media.get("examples") or {}).values() if isinstance(e, dict)
    ] if isinstance(media.get("examples"), dict) else [media.get("example")]
    return tag in json.dumps(found, default=str)


def _faker_crashed(exchange: Exchange) -> bool:
    """Whether Prism answered 500 because json-schema-faker threw while making up the response
    (``Prefer: dynamic=true``): its ``UNKNOWN`` error names the library in its stack trace."""
    return exchange.prism_error == "UNKNOWN" and b"json-schema-faker" in exchange.body and not exchange.request_violations


#: Seconds of loading after which a Prism that has not started is Prism's limit, not the sweep's.
SLOW_START = 1200.0


class DocumentSweep:
    """Generates the client of one document, starts Prism and sweeps every operation."""

    def __init__(self, spec: Path, out: Path, prism: Path, package: str, *, prism_deadline: float = 120.0) -> None:
        self.spec = spec.resolve()
        self.out = out
        self.prism = prism
        self.package = package
        self.prism_deadline = prism_deadline
        self.values = Values(self.spec)
        self.api: Api
        self.pkg = Package(package)
        self.server: PrismServer | None = None
        #: Prism's URL (a server shared with other tests has no ``server`` of ours)
        self.base_url = ""
        self.method_of: dict[tuple[str, str], tuple[str, str]] = {}
        self.ir_of: dict[tuple[str, str], Operation] = {}
        self._operations: dict[tuple[str, str], tuple[Loc, dict[str, Any], Loc]] = {}

    @classmethod
    def for_client(cls, spec: Path, package: str, api: Api, base_url: str) -> "DocumentSweep":
        """A sweep of a client already generated and importable (``package``, whose IR is ``api``)
        against a Prism server already serving ``spec`` at ``base_url``."""
        sweep = cls(spec, Path("."), Path("prism"), package)
        sweep._adopt(api)
        sweep.base_url = base_url
        return sweep

    def _adopt(self, api: Api) -> None:
        self.api = api
        for res in api.resources:
            for op in res.operations:
                self.method_of[(op.path, op.method)] = (res.attr, op.py_name)
                self.ir_of[(op.path, op.method)] = op

    def sweep_operation(self, path: str, method: str, flavors: tuple[str, ...]) -> OpResult:
        """Send every request of the operation ``method path`` (a path key of the document) with
        each flavor and judge them."""
        if not self._operations:
            self._operations = {(p, m): (loc, raw, item) for p, m, item, raw, loc in self.values.operations()}
        op_loc, raw, item_loc = self._operations[(path, method)]
        ir = self.ir_of.get((path, method))
        if ir is None:
            op = OpResult(str(raw.get("operationId") or f"{method.upper()} {path}"), method, path)
            op.findings.append(operation_missing(path, op_loc.pointer))
            return op
        return OperationSweep(self, path, method, op_loc, raw, ir, item_loc).run(flavors)

    def _setup(self, result: DocResult) -> bool:
        from generator.pipeline import Options, run

        opts = Options(spec=self.spec, output=self.out, package_name=self.package, validate=False)
        generated = run(opts)
        result.warnings = sum(1 for d in generated.sink.items if d.level >= Level.WARNING)
        if not generated.ok or generated.api is None or generated.project_dir is None:
            errors = [d.render() for d in generated.sink.items if d.level >= Level.ERROR][:5]
            result.setup = Finding(CLIENT, "generation-failed", "", " | ".join(errors)[:2000])
            return False
        self._adopt(generated.api)
        sys.path.insert(0, str(generated.project_dir))
        try:
            importlib.import_module(self.package)
            importlib.import_module(f"{self.package}.models")
        except Exception as exc:  # noqa: BLE001
            result.setup = Finding(CLIENT, "import-failed", "", short(exc))
            return False
        try:
            self._start_prism()
        except PrismStartError as exc:
            if not exc.exited and self.prism_deadline >= SLOW_START:
                # still loading after a generous deadline: Prism's (stoplightio/prism#1479)
                result.setup = Finding(MOCK, "prism-slow-start", "", f"Prism was still loading the document after {self.prism_deadline:.0f} s: {exc.log[-800:]}")
            elif not exc.exited:  # still loading at a short deadline: the sweep's limit, not Prism's
                result.setup = Finding(CLIENT, "prism-start-timeout", "", f"Prism did not answer within {self.prism_deadline:.0f} s: {exc.log[-800:]}")
            elif "MissingPointerError" in exc.log or "EMISSINGPOINTER" in exc.log:
                found = re.search(r'token "[^"]*" in "([^"]+)" does not exist', exc.log)
                result.setup = Finding(DOCUMENT, "dangling-ref", found.group(1) if found else "", exc.log[-1500:])
            else:
                result.setup = Finding(MOCK, "prism-refuses-document", "", exc.log[-1500:])
            return False
        return True

    def _start_prism(self) -> None:
        self.server = start_prism(
            self.prism, self.spec, self.out, deadline=self.prism_deadline, extra_args=("--seed", PRISM_SEED)
        )
        self.base_url = self.server.url

    def server_died(self) -> bool:
        """Whether our Prism has exited (waiting a moment: its socket closes before the process
        ends); a shared server is never ours to judge."""
        if self.server is None:
            return False
        try:
            self.server.process.wait(timeout=3)
        except Exception:  # noqa: BLE001 - still running
            return False
        return True

    def restart_prism(self) -> str:
        """Prism died answering a request: start it again; returns the end of its log (the
        evidence: Prism's own stack trace)."""
        assert self.server is not None
        log = self.server.log_tail(100_000)  # (a faker's trace may precede node's own by far)
        self.server.stop()
        self._start_prism()
        return f"Prism exited: {log}"

    def run(self, *, async_every: int = ASYNC_EVERY, only: set[str] | None = None) -> DocResult:
        start = time.monotonic()
        result = DocResult(str(self.spec))
        operations = list(self.values.operations())
        try:
            if not self._setup(result):
                for path, method, _, raw, _ in operations:
                    result.operations.append(OpResult(raw.get("operationId") or f"{method.upper()} {path}", method, path))
                return result
            try:
                for index, (path, method, item_loc, raw, op_loc) in enumerate(operations):
                    name = raw.get("operationId") or f"{method.upper()} {path}"
                    if only and name not in only:
                        continue
                    ir = self.ir_of.get((path, method))
                    if ir is None:
                        op = OpResult(str(name), method, path)
                        op.findings.append(operation_missing(path, op_loc.pointer))
                        result.operations.append(op)
                        continue
                    flavors = ("sync", "async") if async_every and index % async_every == 0 else ("sync",)
                    sweep = OperationSweep(self, path, method, op_loc, raw, ir, item_loc)
                    try:
                        result.operations.append(sweep.run(flavors))
                    except Exception:  # noqa: BLE001 - a harness error is reported, never hidden
                        sweep.result.findings.append(Finding(CLIENT, "harness-error", op_loc.pointer, traceback.format_exc()[-1500:]))
                        result.operations.append(sweep.result)
            finally:
                if self.server is not None:
                    self.server.stop()
        finally:
            result.wall = time.monotonic() - start
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Contract-sweep one OpenAPI document against Prism.")
    parser.add_argument("spec", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="folder for the generated client and Prism's log")
    parser.add_argument("--prism", type=Path, required=True)
    parser.add_argument("--package", default="contract_sweep_client")
    parser.add_argument("--async-every", type=int, default=ASYNC_EVERY)
    parser.add_argument("--prism-deadline", type=float, default=120.0)
    parser.add_argument("--only", action="append", help="operationIds to sweep, comma-separated or repeated (default all)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        sweep = DocumentSweep(args.spec, args.out, args.prism, args.package, prism_deadline=args.prism_deadline)
    except GenerationError as exc:
        # the document cannot be read at all (not YAML/JSON): the generator refuses it with the
        # same ERROR, and there is nothing to sweep
        unreadable = Finding(DOCUMENT, "document-unreadable", "", str(exc)[:2000])
        sys.stdout.write(DocResult(str(args.spec), setup=unreadable).to_json() + "\n")
        return 0
    only = {name for arg in args.only or () for name in arg.split(",") if name}
    result = sweep.run(async_every=args.async_every, only=only or None)
    sys.stdout.write(result.to_json() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
