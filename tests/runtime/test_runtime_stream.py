"""Event streams through the client (``Stream``/``AsyncStream``) against a loopback server that
sends events slowly: each event reaches the caller as it is sent, ``break`` closes the
connection, a broken stream raises ``APIStreamError``."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pydantic
import pytest

from rtpkg._base_client import AsyncAPIClient, StreamEndpoint, SyncAPIClient
from rtpkg._exceptions import APIStreamError, BadRequestError
from rtpkg._response import ResponseSpec
from rtpkg._streaming import AsyncStream, Stream
from rtpkg._sse import ServerSentEvent
from sse_server import SlowServer


class Delta(pydantic.BaseModel):
    index: int
    text: str


def sse(data: object, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data)}\n\n".encode()


THREE = [sse({"index": i, "text": f"t{i}"}) for i in range(3)]
ENDPOINT: StreamEndpoint[Delta] = StreamEndpoint(
    "POST", "/stream", responses={200: ResponseSpec(Delta, "sse")}
)


@pytest.fixture
def slow() -> Iterator[list[SlowServer]]:
    servers: list[SlowServer] = []
    yield servers
    for s in servers:
        s.close()


def serve(servers: list[SlowServer], parts: list[bytes], **kw: Any) -> SlowServer:
    server = SlowServer(parts, **kw)
    servers.append(server)
    return server


def test_sync_events_arrive_as_sent(slow: list[SlowServer]) -> None:
    server = serve(slow, THREE, gap=1.0)
    received: list[tuple[float, Delta]] = []
    with SyncAPIClient(base_url=server.url) as client:
        with client.call_stream(ENDPOINT, json={"stream": True}) as stream:
            assert isinstance(stream, Stream)
            assert stream.status_code == 200
            for item in stream:
                received.append((time.monotonic(), item))
    served = server.served[0]
    assert b"accept: text/event-stream" in served.request_head.lower()
    assert [d.index for _, d in received] == [0, 1, 2]
    assert all(isinstance(d, Delta) for _, d in received)
    lags = [got - sent for (got, _), sent in zip(received, served.sent_at)]
    print(f"sync first-event latency: {lags[0] * 1000:.1f} ms; all: {lags}")
    # each event was in hand before the next one left the server (1 s later): not buffered
    assert all(received[i][0] < served.sent_at[i + 1] for i in range(2)), (received, served.sent_at)


def test_async_events_arrive_as_sent(slow: list[SlowServer]) -> None:
    server = serve(slow, THREE, gap=1.0)
    received: list[tuple[float, Delta]] = []

    async def go() -> None:
        async with AsyncAPIClient(base_url=server.url) as client:
            stream = await client.call_stream(ENDPOINT, json={})
            assert isinstance(stream, AsyncStream)
            async with stream:
                async for item in stream:
                    received.append((time.monotonic(), item))

    asyncio.run(go())
    served = server.served[0]
    lags = [got - sent for (got, _), sent in zip(received, served.sent_at)]
    print(f"async first-event latency: {lags[0] * 1000:.1f} ms; all: {lags}")
    assert [d.index for _, d in received] == [0, 1, 2]
    assert all(received[i][0] < served.sent_at[i + 1] for i in range(2)), (received, served.sent_at)


def test_sync_break_closes_the_connection(slow: list[SlowServer]) -> None:
    server = serve(slow, THREE, gap=1.0)
    with SyncAPIClient(base_url=server.url) as client:
        stream = client.call_stream(ENDPOINT)
        for item in stream:
            assert item.index == 0
            break
        assert stream.is_closed
        assert server.served[0].finished.wait(3)
    closed = server.served[0].client_closed_at
    assert closed is not None
    assert len(server.served[0].sent_at) == 1  # the second event was never sent


def test_async_break_closes_the_connection(slow: list[SlowServer]) -> None:
    server = serve(slow, THREE, gap=1.0)

    async def go() -> None:
        async with AsyncAPIClient(base_url=server.url) as client:
            stream = await client.call_stream(ENDPOINT)
            async for item in stream:
                assert item.index == 0
                break
            for _ in range(50):  # the loop finalizes the abandoned iterator soon after
                if stream.is_closed:
                    break
                await asyncio.sleep(0.01)
            assert stream.is_closed

    asyncio.run(go())
    assert server.served[0].finished.wait(3)
    closed = server.served[0].client_closed_at
    assert closed is not None
    assert len(server.served[0].sent_at) == 1


def test_garbage_collected_stream_closes_the_connection(slow: list[SlowServer]) -> None:
    server = serve(slow, THREE, gap=1.0)
    with SyncAPIClient(base_url=server.url) as client:
        stream = client.call_stream(ENDPOINT)
        response = stream.response
        del stream
        gc.collect()
        assert response.is_closed
        assert server.served[0].finished.wait(3)
    assert server.served[0].client_closed_at is not None


def test_garbage_collected_async_stream_closes_the_connection(slow: list[SlowServer]) -> None:
    server = serve(slow, THREE, gap=1.0)

    async def go() -> httpx.Response:
        async with AsyncAPIClient(base_url=server.url) as client:
            stream = await client.call_stream(ENDPOINT)
            response = stream.response
            del stream
            gc.collect()
            for _ in range(50):  # the close is scheduled on the running loop
                if response.is_closed:
                    break
                await asyncio.sleep(0.01)
            return response

    assert asyncio.run(go()).is_closed
    assert server.served[0].finished.wait(3)
    assert server.served[0].client_closed_at is not None


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_mid_stream_disconnect_raises_with_events_delivered(
    slow: list[SlowServer], mode: str
) -> None:
    server = serve(slow, THREE[:2], gap=0.05, cut=True)
    got: list[Delta] = []
    with pytest.raises(APIStreamError) as info:
        if mode == "sync":
            with SyncAPIClient(base_url=server.url, max_retries=0) as client:
                for item in client.call_stream(ENDPOINT):
                    got.append(item)
        else:

            async def go() -> None:
                async with AsyncAPIClient(base_url=server.url, max_retries=0) as client:
                    async for item in await client.call_stream(ENDPOINT):
                        got.append(item)

            asyncio.run(go())
    assert [d.index for d in got] == [0, 1]
    assert info.value.events_delivered == 2
    assert "after 2 events delivered" in str(info.value)
    assert "broke" in str(info.value)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_error_status_raises_before_iteration(slow: list[SlowServer], mode: str) -> None:
    server = serve(slow, [b'{"message": "bad"}'], status=400, content_type="application/json")
    with pytest.raises(BadRequestError) as info:
        if mode == "sync":
            with SyncAPIClient(base_url=server.url, max_retries=0) as client:
                client.call_stream(ENDPOINT)
        else:

            async def go() -> None:
                async with AsyncAPIClient(base_url=server.url, max_retries=0) as client:
                    await client.call_stream(ENDPOINT)

            asyncio.run(go())
    assert info.value.body == {"message": "bad"}


def mock_stream(body: bytes, spec: ResponseSpec) -> Stream[Any]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    client = SyncAPIClient(
        base_url="https://api.test",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    endpoint: StreamEndpoint[Any] = StreamEndpoint("GET", "/s", responses={200: spec})
    return client.call_stream(endpoint)


def test_done_sentinel_ends_the_stream() -> None:
    body = sse({"index": 0, "text": "a"}) + b"data: [DONE]\n\n" + sse({"index": 1, "text": "b"})
    stream = mock_stream(body, ResponseSpec(Delta, "sse"))
    assert [d.index for d in stream] == [0]
    assert stream.events_delivered == 1
    assert stream.is_closed


def test_error_event_raises_with_its_data() -> None:
    body = sse({"index": 0, "text": "a"}) + sse({"message": "overloaded"}, event="error")
    stream = mock_stream(body, ResponseSpec(Delta, "sse"))
    got = []
    with pytest.raises(APIStreamError) as info:
        for d in stream:
            got.append(d)
    assert len(got) == 1
    assert info.value.events_delivered == 1
    assert info.value.body == {"message": "overloaded"}
    assert isinstance(info.value.event, ServerSentEvent)


def test_event_that_does_not_match_raises() -> None:
    stream = mock_stream(sse({"index": "x"}), ResponseSpec(Delta, "sse"))
    with pytest.raises(APIStreamError, match="does not match its schema"):
        list(stream)


def test_untyped_stream_yields_the_data_text() -> None:
    stream = mock_stream(b"data: hello\ndata: world\n\n", ResponseSpec(str, "sse"))
    assert list(stream) == ["hello\nworld"]


class Start(pydantic.BaseModel):
    id: str


class Stop(pydantic.BaseModel):
    reason: str


def test_events_typed_by_name_and_event_level_access() -> None:
    body = (
        sse({"id": "a"}, event="start")
        + sse({"index": 0, "text": "x"})
        + sse({"reason": "end"}, event="stop")
    )
    spec = ResponseSpec(Start | Stop | Delta, "sse", events={"start": Start, "stop": Stop})
    assert [type(v) for v in mock_stream(body, spec)] == [Start, Delta, Stop]
    events = list(mock_stream(body, spec).events())
    assert [(e.event, json.loads(e.data)) for e in events] == [
        ("start", {"id": "a"}),
        ("message", {"index": 0, "text": "x"}),
        ("stop", {"reason": "end"}),
    ]


def test_a_stream_is_read_once() -> None:
    stream = mock_stream(sse({"index": 0, "text": "a"}), ResponseSpec(Delta, "sse"))
    list(stream)
    with pytest.raises(RuntimeError, match="only once"):
        list(stream)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_json_answer_instead_of_a_stream_raises(mode: str) -> None:
    """A server that ignores ``Accept: text/event-stream`` and answers JSON: a clear error
    carrying the body, not an empty stream."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"text": "whole"})

    spec = ResponseSpec(Delta, "sse")
    endpoint: StreamEndpoint[Any] = StreamEndpoint("GET", "/s", responses={200: spec})
    with pytest.raises(APIStreamError, match="answered with application/json") as info:
        if mode == "sync":
            http = httpx.Client(transport=httpx.MockTransport(handler))
            with SyncAPIClient(base_url="https://api.test", http_client=http) as client:
                list(client.call_stream(endpoint))
        else:

            async def go() -> None:
                http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
                async with AsyncAPIClient(base_url="https://api.test", http_client=http) as c:
                    async for _ in await c.call_stream(endpoint):
                        pass

            asyncio.run(go())
    assert info.value.body == {"text": "whole"}
    assert info.value.events_delivered == 0
