"""Behaviour against a real loopback HTTP server with faults, sync and async."""

from __future__ import annotations

import functools
import logging
import time
from pathlib import Path
from typing import Any, cast

import httpx
import pydantic
import pytest
from rt_helpers import FAST_RETRIES, perform
from rt_server import FaultServer, Recorded, Reply, json_reply, parse_multipart

from rtpkg._auth import ApiKeyAuth, BearerAuth
from rtpkg._base_client import AsyncAPIClient, ResponseSpec, SyncAPIClient
from rtpkg._exceptions import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    PreconditionFailedError,
)
from rtpkg._pagination import CursorPagination
from rtpkg._resource import AsyncAPIResource, SyncAPIResource
from rtpkg._response import (
    APIResponse,
    async_raw_method,
    raw_method,
)


class Thing(pydantic.BaseModel):
    id: str


class ThingPage(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)
    items: list[Thing]
    total_count: int = pydantic.Field(alias="totalCount")
    next: str | None = None


class Error(pydantic.BaseModel):
    code: str
    message: str


THING = {200: ResponseSpec(Thing)}


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def live(server_url: str, **extra: Any) -> dict[str, Any]:
    return {"base_url": server_url, "timeout": 5.0, **FAST_RETRIES, **extra}


def test_connection_reset_is_retried_for_get(mode: str, server: FaultServer) -> None:
    server.script = [Reply(reset=True), json_reply({"id": "ok"})]
    assert perform(mode, live(server.url), "GET", "/t", responses=THING) == Thing(id="ok")
    assert len(server.requests) == 2


def test_connection_reset_is_not_retried_for_post(mode: str, server: FaultServer) -> None:
    server.script = [Reply(reset=True), json_reply({"id": "ok"})]
    with pytest.raises(APIConnectionError) as info:
        perform(mode, live(server.url), "POST", "/t", json={"a": 1})
    assert not isinstance(info.value, APITimeoutError)
    assert isinstance(info.value.__cause__, httpx.TransportError)
    assert len(server.requests) == 1


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_connection_refused_is_retried_for_any_method(
    mode: str, method: str, closed_port_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="rtpkg")
    with pytest.raises(APIConnectionError) as info:
        perform(mode, live(closed_port_url), method, "/t")
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    sends = [r for r in caplog.records if r.getMessage().startswith("Sending")]
    assert [r.getMessage()[-12:] for r in sends] == [
        "attempt 1/3)",
        "attempt 2/3)",
        "attempt 3/3)",
    ]


def test_send_and_retry_logs_come_from_the_base_client_logger(
    mode: str, closed_port_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The send loop's records keep the logger name ``<package>._base_client`` (what a user's
    logging configuration names), although the loop's steps live in ``_send``."""
    caplog.set_level(logging.DEBUG, logger="rtpkg")
    with pytest.raises(APIConnectionError):
        perform(mode, live(closed_port_url, max_retries=1), "GET", "/t")
    messages = {r.getMessage().split(" ", 1)[0]: r.name for r in caplog.records}
    assert messages["Sending"] == "rtpkg._base_client"
    assert messages["GET"] == "rtpkg._base_client"  # the retry decisions: "GET <url> -> ..."


def test_slow_response_times_out(mode: str, server: FaultServer) -> None:
    # the server would answer after 3 s; two attempts of 0.2 s (and the backoff between them) end
    # well before that, with room for a busy machine
    server.handler = lambda rec: Reply(delay=3.0, body=b"{}")
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as info:
        perform(mode, live(server.url, timeout=0.2, max_retries=1), "GET", "/slow")
    assert time.monotonic() - started < 2.5
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert len(server.requests) == 2  # one retry


def test_per_call_timeout_overrides_client(mode: str, server: FaultServer) -> None:
    server.handler = lambda rec: Reply(delay=0.5, body=b"{}")
    with pytest.raises(APITimeoutError):
        perform(
            mode,
            live(server.url, timeout=5.0),
            "GET",
            "/slow",
            options={"timeout": 0.1, "max_retries": 0},
        )
    assert len(server.requests) == 1


def test_429_honours_retry_after(mode: str, server: FaultServer) -> None:
    server.script = [
        json_reply({"message": "slow down"}, 429, **{"Retry-After": "1"}),
        json_reply({"id": "ok"}),
    ]
    started = time.monotonic()
    assert perform(mode, live(server.url), "GET", "/t", responses=THING) == Thing(id="ok")
    elapsed = time.monotonic() - started
    assert 0.95 <= elapsed < 5.0
    assert server.requests[1].at - server.requests[0].at >= 0.95


def test_503_twice_then_success(mode: str, server: FaultServer) -> None:
    server.script = [Reply(503), Reply(503), json_reply({"id": "ok"})]
    assert perform(mode, live(server.url), "GET", "/t", responses=THING) == Thing(id="ok")
    assert len(server.requests) == 3


def test_post_503_is_retried_only_when_opted_in(mode: str, server: FaultServer) -> None:
    server.script = [Reply(503, "busy"), json_reply({"id": "ok"})]
    with pytest.raises(InternalServerError):
        perform(mode, live(server.url), "POST", "/t", json={})
    assert len(server.requests) == 1

    server.script = [Reply(503), json_reply({"id": "ok"})]
    result = perform(
        mode,
        live(server.url),
        "POST",
        "/t",
        json={},
        responses=THING,
        options={"retry_non_idempotent": True},
    )
    assert result == Thing(id="ok")
    assert len(server.requests) == 3


def test_html_502_gives_internal_server_error(mode: str, server: FaultServer) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    server.handler = lambda rec: Reply(502, page, headers={"Content-Type": "text/html"})
    with pytest.raises(InternalServerError) as info:
        perform(mode, live(server.url), "GET", "/t", errors={"default": Error})
    assert info.value.status_code == 502
    assert info.value.text == page
    assert info.value.error is None and info.value.body is None
    assert len(server.requests) == 3


def test_412_parses_the_error_model(mode: str, server: FaultServer) -> None:
    body = {"code": "precondition_failed", "message": "ETag mismatch"}
    server.script = [json_reply(body, 412, **{"x-request-id": "req-9"})]
    with pytest.raises(PreconditionFailedError) as info:
        perform(
            mode,
            live(server.url),
            "PUT",
            "/t/{id}",
            path_params={"id": "a"},
            headers={"If-Match": '"v1"'},
            json={"name": "x"},
            errors={412: Error, "default": dict},
        )
    assert info.value.error == Error(**body)
    assert info.value.request_id == "req-9"
    assert str(info.value) == "412 Precondition Failed: ETag mismatch"
    assert server.requests[0].headers["if-match"] == '"v1"'


def _pages(rec: Recorded) -> Reply:
    after = dict(rec.query).get("after")
    pages = {
        None: {"items": [{"id": "1"}, {"id": "2"}], "totalCount": 5, "next": "p2"},
        "p2": {"items": [{"id": "3"}, {"id": "4"}], "totalCount": 5, "next": "p3"},
        "p3": {"items": [{"id": "5"}], "totalCount": 5},
    }
    return json_reply(pages[after])


PAGINATED: dict[str, Any] = {
    "query": {"first": 2},
    "responses": {200: ResponseSpec(ThingPage)},
    "pagination": CursorPagination(),
}


def test_cursor_pagination_over_three_pages(server: FaultServer) -> None:
    server.handler = _pages
    with SyncAPIClient(**live(server.url)) as client:
        page = client.request("GET", "/things", **PAGINATED)
        iterator = page.iter_all()
        assert [next(iterator).id for _ in range(2)] == ["1", "2"]
        assert len(server.requests) == 1
        assert next(iterator).id == "3"
        assert len(server.requests) == 2
        assert [t.id for t in iterator] == ["4", "5"]
    assert len(server.requests) == 3
    assert [dict(r.query).get("after") for r in server.requests] == [None, "p2", "p3"]
    assert all(dict(r.query)["first"] == "2" for r in server.requests)


@pytest.mark.anyio
async def test_async_cursor_pagination_over_three_pages(server: FaultServer) -> None:
    server.handler = _pages
    async with AsyncAPIClient(**live(server.url)) as client:
        page = await client.request("GET", "/things", **PAGINATED)
        assert page.total_count == 5
        seen = []
        async for thing in page:
            seen.append(thing.id)
            if thing.id == "2":
                assert len(server.requests) == 1
        assert seen == ["1", "2", "3", "4", "5"]
    assert len(server.requests) == 3


def test_multipart_upload_bytes_reach_the_server(
    mode: str, server: FaultServer, tmp_path: Path
) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"a,b\n1,2\n")
    blob = bytes(range(256))
    server.handler = lambda rec: json_reply({"id": "up"}, 201)
    result = perform(
        mode,
        live(server.url),
        "POST",
        "/upload",
        multipart={
            "file": path,
            "blob": ("blob.bin", blob, "application/octet-stream"),
            "title": "Q1",
            "meta": {"tags": ["x"]},
        },
        responses={201: ResponseSpec(Thing)},
    )
    assert result == Thing(id="up")
    (rec,) = server.requests
    assert rec.headers["content-type"].startswith("multipart/form-data; boundary=")
    parts = parse_multipart(rec)
    assert parts["file"] == ("report.csv", "text/csv", b"a,b\n1,2\n")
    assert parts["blob"] == ("blob.bin", "application/octet-stream", blob)
    assert parts["title"] == (None, None, b"Q1")
    assert parts["meta"] == (None, "application/json", b'{"tags":["x"]}')


class Things(SyncAPIResource):
    def get(self, thing_id: str) -> Thing:
        return cast(
            Thing,
            self._client.request(
                "GET", "/things/{id}", path_params={"id": thing_id}, responses=THING
            ),
        )

    @functools.cached_property
    def with_raw_response(self) -> ThingsWithRawResponse:
        return ThingsWithRawResponse(self)


class ThingsWithRawResponse:
    def __init__(self, things: Things) -> None:
        self.get = raw_method(things.get)


class AsyncThings(AsyncAPIResource):
    async def get(self, thing_id: str) -> Thing:
        return cast(
            Thing,
            await self._client.request(
                "GET", "/things/{id}", path_params={"id": thing_id}, responses=THING
            ),
        )

    @functools.cached_property
    def with_raw_response(self) -> AsyncThingsWithRawResponse:
        return AsyncThingsWithRawResponse(self)


class AsyncThingsWithRawResponse:
    def __init__(self, things: AsyncThings) -> None:
        self.get = async_raw_method(things.get)


def _thing_reply(rec: Recorded) -> Reply:
    return json_reply({"id": rec.path.rsplit("/", 1)[1]}, **{"x-request-id": "r-1"})


def _check_raw(raw: APIResponse[Thing]) -> None:
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "r-1" and raw.request_id == "r-1"
    assert raw.retries_taken == 1
    assert raw.elapsed.total_seconds() >= 0
    assert raw.parse() == Thing(id="a%2Fb")
    assert raw.parse() is raw.parse()


def test_raw_response(server: FaultServer) -> None:
    server.script = [Reply(503)]
    server.handler = _thing_reply
    with SyncAPIClient(**live(server.url)) as client:
        things = Things(client)
        _check_raw(things.with_raw_response.get("a/b"))
        assert things.get("a/b") == Thing(id="a%2Fb")  # flag does not leak


@pytest.mark.anyio
async def test_async_raw_response(server: FaultServer) -> None:
    server.script = [Reply(503)]
    server.handler = _thing_reply
    async with AsyncAPIClient(**live(server.url)) as client:
        things = AsyncThings(client)
        _check_raw(await things.with_raw_response.get("a/b"))
        assert await things.get("a/b") == Thing(id="a%2Fb")


def test_secrets_absent_from_debug_logs_and_repr(
    mode: str, server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.script = [Reply(500)]
    kwargs = live(
        server.url,
        auth={
            "bearerToken": BearerAuth("sk-live-bearer-0001"),
            "cookie": ApiKeyAuth("cookie", "cookie", "ck-live-cookie-0002"),
        },
    )
    perform(mode, kwargs, "GET", "/t", security=[["bearerToken", "cookie"]])
    received = server.requests[-1].headers
    assert received["authorization"] == "Bearer sk-live-bearer-0001"
    assert received["cookie"] == "cookie=ck-live-cookie-0002"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "attempt 2/3" in logged
    assert "sk-live-bearer-0001" not in logged and "ck-live-cookie-0002" not in logged
    client = SyncAPIClient(**kwargs)
    assert repr(client) == f"<SyncAPIClient base_url='{server.url}'>"
    assert "live" not in repr(kwargs["auth"])
    client.close()
