"""Streamed responses (``streaming_method``: what ``with_streaming_response`` gives): status and
headers before the body, the body read in pieces, parsed, or written to a file with flat memory
(a 200 MB download from a loopback server)."""

from __future__ import annotations

import asyncio
import gc
import json
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest

from rtpkg._base_client import AsyncAPIClient, Endpoint, StreamEndpoint, SyncAPIClient
from rtpkg._exceptions import NotFoundError
from rtpkg._response import ResponseSpec
from rtpkg._streamed_response import (
    AsyncStreamedAPIResponse,
    StreamedAPIResponse,
    async_streaming_method,
    streaming_method,
)
from rtpkg._streaming import Stream
from sse_server import SlowServer


class Item(pydantic.BaseModel):
    id: int


JSON: Endpoint[Item] = Endpoint("GET", "/item", responses={200: ResponseSpec(Item, "json")})
BINARY: Endpoint[bytes] = Endpoint("GET", "/file", responses={200: ResponseSpec(None, "binary")})
TEXT: Endpoint[str] = Endpoint("GET", "/log", responses={200: ResponseSpec(None, "text")})
EVENTS: StreamEndpoint[Item] = StreamEndpoint(
    "GET", "/events", responses={200: ResponseSpec(Item, "sse")}
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


def test_status_and_headers_come_before_the_body(slow: list[SlowServer]) -> None:
    server = serve(slow, [b'{"id":', b" 7}"], gap=1.0, content_type="application/json")
    with SyncAPIClient(base_url=server.url) as client:
        with streaming_method(client.call)(JSON) as response:
            entered = time.monotonic()
            assert isinstance(response, StreamedAPIResponse)
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/json"
            item = response.parse()
    sent = server.served[0].sent_at
    assert entered < sent[1]  # in hand while the rest of the body was still to come
    assert item == Item(id=7)
    assert response.is_closed


def test_async_status_and_headers_come_before_the_body(slow: list[SlowServer]) -> None:
    server = serve(slow, [b'{"id":', b" 7}"], gap=1.0, content_type="application/json")

    async def go() -> tuple[float, Item]:
        async with AsyncAPIClient(base_url=server.url) as client:
            async with async_streaming_method(client.call)(JSON) as response:
                entered = time.monotonic()
                assert isinstance(response, AsyncStreamedAPIResponse)
                assert response.status_code == 200
                return entered, await response.parse()

    entered, item = asyncio.run(go())
    assert entered < server.served[0].sent_at[1]
    assert item == Item(id=7)


LINES = [b"alpha\nbe", b"ta\r\ngamma\n", b"d\xc3", b"\xa9lta"]


def test_iter_bytes_text_lines(slow: list[SlowServer]) -> None:
    server = serve(slow, LINES, content_type="text/plain; charset=utf-8")
    with SyncAPIClient(base_url=server.url) as client:
        call = streaming_method(client.call)
        with call(BINARY) as response:
            assert b"".join(response.iter_bytes(3)) == b"".join(LINES)
        with call(TEXT) as response:
            assert "".join(response.iter_text()) == "alpha\nbeta\r\ngamma\ndélta"
        with call(TEXT) as response:
            assert list(response.iter_lines()) == ["alpha", "beta", "gamma", "délta"]


def test_async_iter_bytes_text_lines(slow: list[SlowServer]) -> None:
    server = serve(slow, LINES, content_type="text/plain; charset=utf-8")

    async def go() -> tuple[bytes, str, list[str]]:
        async with AsyncAPIClient(base_url=server.url) as client:
            call = async_streaming_method(client.call)
            async with call(BINARY) as response:
                raw = b"".join([c async for c in response.iter_bytes(3)])
            async with call(TEXT) as response:
                text = "".join([t async for t in response.iter_text()])
            async with call(TEXT) as response:
                lines = [line async for line in response.iter_lines()]
            return raw, text, lines

    raw, text, lines = asyncio.run(go())
    assert raw == b"".join(LINES)
    assert text == "alpha\nbeta\r\ngamma\ndélta"
    assert lines == ["alpha", "beta", "gamma", "délta"]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_error_status_raises_on_entering(slow: list[SlowServer], mode: str) -> None:
    server = serve(slow, [b'{"message": "gone"}'], status=404, content_type="application/json")
    with pytest.raises(NotFoundError) as info:
        if mode == "sync":
            with SyncAPIClient(base_url=server.url, max_retries=0) as client:
                with streaming_method(client.call)(JSON):
                    pytest.fail("entered")
        else:

            async def go() -> None:
                async with AsyncAPIClient(base_url=server.url, max_retries=0) as client:
                    async with async_streaming_method(client.call)(JSON):
                        pytest.fail("entered")

            asyncio.run(go())
    assert info.value.body == {"message": "gone"}


def test_parse_of_an_event_stream_gives_the_stream(slow: list[SlowServer]) -> None:
    body = [f"data: {json.dumps({'id': i})}\n\n".encode() for i in range(2)]
    server = serve(slow, body)
    with SyncAPIClient(base_url=server.url) as client:
        with streaming_method(client.call_stream)(EVENTS) as response:
            assert response.headers["content-type"] == "text/event-stream"
            stream = response.parse()
            assert isinstance(stream, Stream)
            assert [i.id for i in stream] == [0, 1]


MB = 1024 * 1024


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_200_mb_download_keeps_memory_flat(
    slow: list[SlowServer], tmp_path: Path, mode: str
) -> None:
    block = bytes(range(256)) * (MB // 256)
    server = serve(slow, [block] * 200, content_type="application/octet-stream")
    target = tmp_path / "download.bin"
    gc.collect()
    tracemalloc.start()
    try:
        if mode == "sync":
            with SyncAPIClient(base_url=server.url) as client:
                with streaming_method(client.call)(BINARY) as response:
                    written = response.write_to_file(target)
        else:

            async def go() -> int:
                async with AsyncAPIClient(base_url=server.url) as client:
                    async with async_streaming_method(client.call)(BINARY) as response:
                        return await response.write_to_file(target)

            written = asyncio.run(go())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"{mode} 200 MB download: traced peak {peak / MB:.2f} MB")
    assert written == 200 * MB
    assert target.stat().st_size == 200 * MB
    with target.open("rb") as f:
        assert f.read(MB) == block
    assert peak < 20 * MB  # the body is streamed to the file, not held (a parse() holds 200 MB)
