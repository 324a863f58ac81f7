"""The runtime's fault behaviours, exercised through the committed generated Connect client
(``output/versori-connect``), sync and async, against the loopback ``FaultServer``."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest
from rt_server import FaultServer, Recorded, Reply, json_reply, parse_multipart

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "output" / "versori-connect"))

import versori_connect  # noqa: E402
from versori_connect import models as M  # noqa: E402
from versori_connect._exceptions import (  # noqa: E402
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    PreconditionFailedError,
)

TOKEN = "tok-123"
ORG = "o1"
CONNECTOR = "k1"
STAMP = "2024-05-06T07:08:09Z"


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VERSORI_CONNECT_COOKIE", "VERSORI_CONNECT_TOKEN", "VERSORI_CONNECT_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def make_client(mode: str, url: str, **kw: Any) -> Any:
    kw.setdefault("timeout", 5.0)
    cls = versori_connect.Client if mode == "sync" else versori_connect.AsyncClient
    client = cls(base_url=url, token=TOKEN, **kw)
    # The generated constructor does not expose the backoff bounds: keep retries fast.
    client._initial_retry_delay = 0.001
    client._max_retry_delay = 0.01
    return client


def call(mode: str, url: str, op: Callable[[Any], Any], **kw: Any) -> Any:
    """Run ``op(client)`` with a fresh sync or async generated client."""
    if mode == "sync":
        with make_client(mode, url, **kw) as client:
            return op(client)

    async def go() -> Any:
        async with make_client(mode, url, **kw) as client:
            return await op(client)

    return asyncio.run(go())


def summary(n: int) -> dict[str, Any]:
    return {"id": f"c{n}", "name": f"conn{n}", "createdAt": STAMP, "updatedAt": STAMP}


PAGE = {"items": [summary(1)], "totalCount": 1}
LIST_PATH = f"/o/{ORG}/connectors/{CONNECTOR}/connections"


def list_connections(client: Any, **kw: Any) -> Any:
    return client.connections.list_connector_connections(
        organisation_id=ORG, connector_id=CONNECTOR, **kw
    )


def assert_one_page(page: Any) -> None:
    assert isinstance(page.model, M.ConnectorConnectionPage)
    assert [s.id for s in page.model.items] == ["c1"]


# --- connection faults -------------------------------------------------------------------------


def test_connection_reset_once_is_retried(mode: str, server: FaultServer) -> None:
    server.script = [Reply(reset=True), json_reply(PAGE)]
    page = call(mode, server.url, list_connections)
    assert_one_page(page)
    assert len(server.requests) == 2
    assert server.requests[1].headers["authorization"] == f"Bearer {TOKEN}"


def test_persistent_connection_reset_gives_api_connection_error(
    mode: str, server: FaultServer
) -> None:
    server.handler = lambda rec: Reply(reset=True)
    started = time.monotonic()
    with pytest.raises(APIConnectionError) as info:
        call(mode, server.url, list_connections, max_retries=2)
    assert not isinstance(info.value, APITimeoutError)
    assert isinstance(info.value.__cause__, httpx.TransportError)
    assert len(server.requests) == 3
    assert time.monotonic() - started < 3.0


def test_slow_response_times_out(mode: str, server: FaultServer) -> None:
    # the server would answer after 3 s; two attempts of 0.2 s (and the backoff between them) end
    # well before that, with room for a busy machine
    server.handler = lambda rec: Reply(delay=3.0, body=PAGE)
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as info:
        call(mode, server.url, list_connections, timeout=0.2, max_retries=1)
    assert time.monotonic() - started < 2.5
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert len(server.requests) == 2


def test_per_call_timeout_overrides_client(mode: str, server: FaultServer) -> None:
    server.handler = lambda rec: Reply(delay=0.5, body=PAGE)
    with pytest.raises(APITimeoutError):
        call(mode, server.url, lambda c: list_connections(c, timeout=0.1, max_retries=0))
    assert len(server.requests) == 1


# --- retried statuses --------------------------------------------------------------------------


def test_429_honours_retry_after(mode: str, server: FaultServer) -> None:
    server.script = [
        json_reply({"code": "rate", "message": "slow down"}, 429, **{"Retry-After": "1"}),
        json_reply(PAGE),
    ]
    started = time.monotonic()
    assert_one_page(call(mode, server.url, list_connections))
    elapsed = time.monotonic() - started
    assert 0.95 <= elapsed < 5.0
    assert len(server.requests) == 2
    assert server.requests[1].at - server.requests[0].at >= 0.95


def test_503_twice_then_success(mode: str, server: FaultServer) -> None:
    server.script = [Reply(503), Reply(503), json_reply(PAGE)]
    assert_one_page(call(mode, server.url, list_connections))
    assert len(server.requests) == 3
    assert all(r.path == LIST_PATH for r in server.requests)


# --- error bodies ------------------------------------------------------------------------------


def test_html_502_gives_internal_server_error(mode: str, server: FaultServer) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    server.handler = lambda rec: Reply(502, page, headers={"Content-Type": "text/html"})
    with pytest.raises(InternalServerError) as info:
        call(mode, server.url, list_connections)
    assert info.value.status_code == 502
    assert info.value.text == page
    assert info.value.error is None
    assert len(server.requests) == 3


def test_412_parses_the_declared_error_model(mode: str, server: FaultServer) -> None:
    body = {"code": "precondition_failed", "message": "still referenced", "details": "by Order"}
    server.script = [json_reply(body, 412, **{"x-request-id": "req-9"})]

    def op(client: Any) -> Any:
        return client.definitions.delete_definition(
            organisation_id=ORG,
            connector_id=CONNECTOR,
            version="latest",
            definition_name="Product",
            force=False,
        )

    with pytest.raises(PreconditionFailedError) as info:
        call(mode, server.url, op)
    error = info.value.error
    assert type(error) is M.DefinitionDeletePreconditionFailed
    assert (error.code, error.message, error.details) == (
        "precondition_failed",
        "still referenced",
        "by Order",
    )
    assert info.value.status_code == 412
    assert info.value.request_id == "req-9"
    assert len(server.requests) == 1
    rec = server.requests[0]
    assert rec.method == "DELETE"
    assert rec.path == f"/o/{ORG}/connectors/{CONNECTOR}/versions/latest/definitions/Product"
    assert dict(rec.query) == {"force": "false"}


# --- pagination --------------------------------------------------------------------------------


def _pages(rec: Recorded) -> Reply:
    after = dict(rec.query).get("after")
    pages: dict[str | None, dict[str, Any]] = {
        None: {"items": [summary(1), summary(2)], "totalCount": 5, "next": "p2"},
        "p2": {"items": [summary(3), summary(4)], "totalCount": 5, "next": "p3"},
        "p3": {"items": [summary(5)], "totalCount": 5},
    }
    if after not in pages:
        return json_reply({"code": "bad_cursor", "message": str(after)}, 400)
    return json_reply(pages[after])


def test_cursor_pagination_follows_after(mode: str, server: FaultServer) -> None:
    server.handler = _pages

    if mode == "sync":

        def op(client: Any) -> Any:
            return [s.id for s in list_connections(client, first=2).iter_all()]

    else:

        async def op(client: Any) -> Any:  # type: ignore[misc]
            page = await list_connections(client, first=2)
            return [s.id async for s in page]

    assert call(mode, server.url, op) == ["c1", "c2", "c3", "c4", "c5"]
    assert [dict(r.query).get("after") for r in server.requests] == [None, "p2", "p3"]
    assert all(dict(r.query)["first"] == "2" for r in server.requests)
    assert all(r.path == LIST_PATH for r in server.requests)


def test_async_page_iter_all(server: FaultServer) -> None:
    server.handler = _pages

    async def op(client: Any) -> Any:
        page = await list_connections(client)
        return [s.name async for s in page.iter_all()]

    assert call("async", server.url, op) == [f"conn{i}" for i in range(1, 6)]
    assert len(server.requests) == 3


# --- multipart upload --------------------------------------------------------------------------

IMPORT_RESULT = {
    "connector": {
        "id": "k1",
        "organisationId": ORG,
        "name": "conn",
        "public": False,
        "protocol": "http",
        "authSchemeConfigs": [],
        "connections": [],
        "versions": [],
        "createdAt": STAMP,
        "updatedAt": STAMP,
        "baseUrl": "https://api.example.com",
    },
    "definitions": [],
    "actions": [],
    "triggers": [],
    "messages": [{"text": "imported", "severity": "info"}],
}


def test_multipart_import_sends_the_file(mode: str, server: FaultServer) -> None:
    spec_bytes = b"openapi: 3.1.0\ninfo: {title: X, version: '1'}\n\x00\xff\r\n--binary-safe"

    def check(rec: Recorded) -> Reply:
        parts = parse_multipart(rec)
        ok = (
            rec.headers["content-type"].startswith("multipart/form-data; boundary=")
            and set(parts) == {"file", "metadata"}
            and parts["file"] == ("openapi.yaml", "application/yaml", spec_bytes)
            and json.loads(parts["metadata"][2]) == {"format": "openapi"}
        )
        if not ok:
            return json_reply({"code": "bad_upload", "message": repr(parts)}, 422)
        return json_reply(IMPORT_RESULT, 201)

    server.handler = check
    body = M.ImportHTTPConnectorMultipartBody(
        file=("openapi.yaml", spec_bytes, "application/yaml"),
        metadata=M.ImportHTTPConnectorMetadata.model_validate({"format": "openapi"}),
    )
    result = call(
        mode,
        server.url,
        lambda c: c.protocol_http.import_http_connector(organisation_id=ORG, body=body),
    )
    assert type(result) is M.ImportHTTPConnectorResult
    assert type(result.connector) is M.HTTPConnector
    assert result.connector.base_url == "https://api.example.com"
    assert [m.text for m in result.messages] == ["imported"]
    assert len(server.requests) == 1
    rec = server.requests[0]
    assert (rec.method, rec.path) == ("POST", f"/o/{ORG}/protocols/http/import")
    assert spec_bytes in rec.body


# --- raw responses -----------------------------------------------------------------------------


def test_with_raw_response_gives_status_headers_and_parse(mode: str, server: FaultServer) -> None:
    server.handler = lambda rec: json_reply(PAGE, **{"x-request-id": "req-7", "X-Extra": "yes"})

    def op(client: Any) -> Any:
        return client.connections.with_raw_response.list_connector_connections(
            organisation_id=ORG, connector_id=CONNECTOR, first=1
        )

    raw = call(mode, server.url, op)
    assert raw.status_code == 200
    assert raw.headers["x-extra"] == "yes"
    assert raw.headers["x-request-id"] == "req-7"
    parsed = raw.parse()
    assert_one_page(parsed)
    assert len(server.requests) == 1
    assert dict(server.requests[0].query) == {"first": "1"}
