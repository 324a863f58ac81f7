"""Per-call options and client copies through a generated client: ``with_options`` (shares the
connection pool), checked per-call options (a misspelt one is a ``TypeError``), idempotency
keys (automatic for an operation that declares ``Idempotency-Key``, the same across retries),
hooks (``on_request``/``on_response``/``on_retry``, sync and async, through retries) and
``<PACKAGE>_LOG`` request logging with secrets masked."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from typing import Any

import httpx
import pytest

from features_helpers import Recorder, spec

OPTIONS = spec(
    "options",
    """
    openapi: 3.1.0
    info: {title: Options, version: "1"}
    security: [{bearer: []}]
    paths:
      /orders:
        post:
          operationId: createOrder
          tags: [orders]
          parameters:
            - {name: Idempotency-Key, in: header, schema: {type: string}}
          responses: {"204": {description: none}}
      /notes:
        post:
          operationId: createNote
          tags: [orders]
          responses: {"204": {description: none}}
        get:
          operationId: listNotes
          tags: [orders]
          parameters:
            - {name: api_key, in: query, schema: {type: string}}
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: object}}}}
    components:
      securitySchemes:
        bearer: {type: http, scheme: bearer}
    """,
)


class Sequence_:
    """A handler answering with ``responses`` in turn (the last one repeated), recording."""

    def __init__(self, *responses: httpx.Response) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        r = self.responses[min(len(self.requests), len(self.responses)) - 1]
        return httpx.Response(r.status_code, headers=r.headers, content=r.content)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        return self(request)


def _busy() -> httpx.Response:
    return httpx.Response(503, headers={"retry-after-ms": "1"})


def _client(g: Any, handler: Any, **kw: Any) -> Any:
    kw.setdefault("max_retries", 2)
    return g.pkg.Client(
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        base_url="http://t",
        token="tok",
        **kw,
    )


def test_a_declared_idempotency_key_is_automatic_and_shared_by_the_retries(gen) -> None:
    g = gen(OPTIONS)
    assert g.ok, g.describe()
    seq = Sequence_(_busy(), _busy(), httpx.Response(204))
    _client(g, seq).orders.create_order()  # a POST is retried: it carries a key
    keys = [r.headers.get("Idempotency-Key") for r in seq.requests]
    assert len(keys) == 3 and keys[0] and len(set(keys)) == 1
    seq2 = Sequence_(httpx.Response(204))
    _client(g, seq2).orders.create_order()
    assert seq2.requests[0].headers["Idempotency-Key"] != keys[0]  # a new key per call
    seq3 = Sequence_(httpx.Response(204))
    _client(g, seq3).orders.create_order(idempotency_key="mine")  # the parameter wins
    assert seq3.requests[0].headers["Idempotency-Key"] == "mine"


def test_a_declared_idempotency_key_is_no_parameter_anywhere(gen) -> None:
    """The declared ``Idempotency-Key`` header is the per-call option ``idempotency_key``, not a
    parameter: the reference lists no such parameter and its example does not pass one, and the
    method's docstring names the option."""
    g = gen(OPTIONS)
    reference = (g.project_dir / "REFERENCE.md").read_text(encoding="utf-8")
    section = reference.split("### `client.orders.create_order`", 1)[1].split("\n### ", 1)[0]
    assert "Idempotency-Key" not in section and "idempotency_key=" not in section, section
    method = g.source("resources/orders.py").split("def create_order", 1)[1].split("def ", 1)[0]
    assert "idempotency_key: the ``Idempotency-Key`` header" in method, method


def test_an_idempotency_key_option_makes_any_post_retryable(gen) -> None:
    g = gen(OPTIONS)
    seq = Sequence_(_busy(), httpx.Response(204))
    with pytest.raises(g.pkg.APIStatusError):
        _client(g, seq).orders.create_note()  # no key: a POST is not resent after a 503
    assert len(seq.requests) == 1 and "Idempotency-Key" not in seq.requests[0].headers
    seq = Sequence_(_busy(), httpx.Response(204))
    _client(g, seq).orders.create_note(idempotency_key="k-1")
    assert [r.headers["Idempotency-Key"] for r in seq.requests] == ["k-1", "k-1"]


def test_a_misspelt_or_mistyped_option_is_a_type_error(gen) -> None:
    g = gen(OPTIONS)
    seq = Sequence_(httpx.Response(200, json={}))
    client = _client(g, seq)
    with pytest.raises(TypeError, match="'timout'; did you mean 'timeout'"):
        client.orders.list_notes(timout=3)
    with pytest.raises(TypeError, match="extra_header"):
        client.orders.list_notes(extra_header={"X": "1"})
    with pytest.raises(TypeError, match="max_retries"):
        client.orders.list_notes(max_retries="2")
    with pytest.raises(ValueError, match="max_retries"):
        client.orders.list_notes(max_retries=-1)
    assert not seq.requests  # nothing was sent
    client.orders.list_notes(timeout=3, extra_headers={"X": "1"}, extra_query={"q": "v"}, max_retries=0)
    assert seq.requests[0].headers["X"] == "1" and seq.requests[0].url.params["q"] == "v"


def test_with_options_copies_the_client_and_shares_its_pool(gen) -> None:
    g = gen(OPTIONS)
    seq = Sequence_(httpx.Response(200, json={}))
    client = _client(g, seq, default_headers={"X-Team": "a"})
    client.orders.list_notes()
    quick = client.with_options(timeout=1.5, max_retries=0, default_headers={"X-Trace": "t"})
    assert quick._http is client._http
    assert quick.max_retries == 0 and client.max_retries == 2
    assert quick.timeout == httpx.Timeout(1.5) and client.timeout != quick.timeout
    assert quick.orders is not client.orders and quick.orders._client is quick
    quick.orders.list_notes()
    first, second = seq.requests
    assert "X-Trace" not in first.headers
    assert (second.headers["X-Team"], second.headers["X-Trace"]) == ("a", "t")
    assert second.extensions["timeout"]["read"] == 1.5
    quick.close()
    assert not client.is_closed  # the copy leaves the shared pool open
    seq = Sequence_(_busy())
    with pytest.raises(g.pkg.APIStatusError):
        _client(g, seq).with_options(max_retries=0).orders.list_notes()
    assert len(seq.requests) == 1


def test_the_httpx_client_is_made_on_first_use_once_and_shared_by_copies(gen, monkeypatch) -> None:
    """Constructing a client makes no ``httpx.Client`` (that loads the CA certificates); the
    first request makes one, one only when eight threads start at once, and a copy made
    before that uses the same one."""
    import threading

    g = gen(OPTIONS)
    made: list[httpx.Client] = []
    real_init = httpx.Client.__init__

    def counting_init(self: httpx.Client, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        kwargs["transport"] = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(httpx.Client, "__init__", counting_init)
    client = g.pkg.Client(token="t", base_url="http://t", max_retries=0)
    copy = client.with_options(timeout=2)
    assert made == []
    start = threading.Barrier(8)
    done: list[object] = []

    def call() -> None:
        start.wait()
        done.append(copy.orders.list_notes())

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(done) == 8  # (a thread's error is only a warning: count what came back)
    client.orders.list_notes()
    assert len(made) == 1 and client._http is copy._http is made[0]
    client.close()
    assert copy.is_closed and made[0].is_closed


def test_hooks_see_every_attempt_and_retry(gen) -> None:
    g = gen(OPTIONS)
    seq = Sequence_(_busy(), httpx.Response(200, json={}))
    seen: list[Any] = []
    client = _client(
        g,
        seq,
        on_request=lambda r: seen.append(("request", r.method, r.url.path)),
        on_response=lambda r: seen.append(("response", r.status_code)),
        on_retry=lambda attempt, outcome, delay: seen.append(("retry", attempt, outcome.status_code, delay)),
    )
    client.orders.list_notes()
    assert seen == [
        ("request", "GET", "/notes"),
        ("response", 503),
        ("retry", 1, 503, 0.001),
        ("request", "GET", "/notes"),
        ("response", 200),
    ]
    # with_options replaces a hook and keeps the others
    seen.clear()
    later: list[Any] = []
    copy = client.with_options(on_response=lambda r: later.append(r.status_code))
    seq.requests.clear()
    copy.orders.list_notes()
    assert [s[0] for s in seen] == ["request", "retry", "request"] and later == [503, 200]


def test_async_hooks_are_awaited_and_see_connection_errors(gen) -> None:
    g = gen(OPTIONS)
    calls = {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={})

    seen: list[Any] = []

    async def on_request(request: httpx.Request) -> None:
        await asyncio.sleep(0)
        seen.append("request")

    async def on_retry(attempt: int, outcome: Any, delay: float) -> None:
        seen.append(("retry", attempt, type(outcome).__name__))

    async def run() -> None:
        client = g.pkg.AsyncClient(
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(flaky)),
            base_url="http://t",
            token="tok",
            on_request=on_request,
            on_retry=on_retry,
        )
        await client.with_options(max_retries=1).orders.list_notes()

    asyncio.run(run())
    assert seen == ["request", ("retry", 1, "APIConnectionError"), "request"]
    sync = _client(g, Recorder(200, json={}), on_request=on_request)
    with pytest.raises(TypeError, match="async hook"):
        sync.orders.list_notes()


LOG_PROBE = """
import httpx
from {package} import Client

def handler(request):
    if len(seen) == 0:
        seen.append(request)
        return httpx.Response(503, headers={{"retry-after-ms": "1"}})
    seen.append(request)
    return httpx.Response(200, json={{"password": "body-secret-3", "ok": True}})

seen = []
client = Client(token="tok-secret-1", base_url="http://t", http_client=httpx.Client(transport=httpx.MockTransport(handler)))
client.orders.list_notes(api_key="query-secret-2", extra_headers={{"X-Trace": "t-1"}})
"""


@pytest.mark.parametrize("level", ["info", "debug"])
def test_package_log_variable_logs_requests_with_secrets_masked(gen, level: str) -> None:
    g = gen(OPTIONS)
    env = {**os.environ, "FEAT_OPTIONS_LOG": level, "PYTHONPATH": str(g.project_dir)}
    probe = textwrap.dedent(LOG_PROBE.format(package=g.package))
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    log = done.stderr
    assert "GET http://t/notes?api_key=*** -> 503 Service Unavailable (attempt 1/3, " in log
    assert "retrying in 0.00s" in log
    assert "GET http://t/notes?api_key=*** -> 200 OK (attempt 2/3, " in log
    for secret in ("tok-secret-1", "query-secret-2"):
        assert secret not in log
    assert "body-secret-3" not in log
    if level == "debug":
        assert "Request headers:" in log and "'x-trace': 't-1'" in log and "'authorization': '***'" in log
        assert 'Response body: {"password": "***", "ok": true}' in log
    else:
        assert "Request headers:" not in log and "t-1" not in log


CONFIGURED_SPEC = """
openapi: 3.1.0
info: {title: Configured, version: "1"}
paths:
  /notes:
    post:
      operationId: createNote
      responses: {"204": {description: none}}
    put:
      operationId: putNote
      responses: {"204": {description: none}}
"""


def test_a_configured_idempotency_header_keys_every_post(tmp_path) -> None:
    """``idempotency-header`` in the client's configuration (``Options.idempotency_header``):
    every POST/PATCH sends a random key in it, the same across the retries of one call."""
    from generator import Options, run

    from features_helpers import import_package

    (tmp_path / "openapi.yaml").write_text(CONFIGURED_SPEC)
    result = run(
        Options(
            spec=tmp_path / "openapi.yaml",
            output=tmp_path / "out",
            package_name="feat_options_configured",
            idempotency_header="X-Request-Key",
            use_cache=False,
        )
    )
    assert result.ok and result.project_dir is not None
    assert '_idempotency_header = "X-Request-Key"' in (result.project_dir / "feat_options_configured" / "_client.py").read_text()
    pkg = import_package(result.project_dir, "feat_options_configured")
    seq = Sequence_(_busy(), httpx.Response(204))
    client = pkg.Client(http_client=httpx.Client(transport=httpx.MockTransport(seq)), base_url="http://t")
    client.notes.create_note()  # untagged: the resource of the first path segment
    keys = [r.headers.get("X-Request-Key") for r in seq.requests]
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
    seq = Sequence_(httpx.Response(204))
    client = pkg.Client(http_client=httpx.Client(transport=httpx.MockTransport(seq)), base_url="http://t")
    client.notes.put_note()
    assert "X-Request-Key" not in seq.requests[0].headers  # PUT is idempotent: no key
