"""Streamed responses (``with_streaming_response``): the status and headers of a call before its
body is read, then the body read piece by piece (``iter_bytes``, ``iter_text``, ``iter_lines``),
written to a file (``write_to_file``) or parsed (``parse``), without holding it in memory.

A generated resource's ``with_streaming_response.<method>(...)`` is a context manager (``async
with`` in the async client) giving a ``StreamedAPIResponse`` (``AsyncStreamedAPIResponse``); the
connection is released when the block ends. An error status raises its typed ``APIStatusError``
when the block is entered, as the method itself would.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import os
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
)
from typing import Any, Generic, ParamSpec, TypeVar

import httpx

from ._exceptions import request_id_of
from ._request import Call
from ._response import _raw_response_slot  # pyright: ignore[reportPrivateUsage]
from ._result import MakePage, is_success, success_spec, to_result
from ._streaming import AsyncStream, Stream, to_stream

__all__ = [
    "AsyncStreamedAPIResponse",
    "StreamedAPIResponse",
    "StreamedSlot",
    "async_streaming_method",
    "streaming_method",
    "to_streamed",
]

P = ParamSpec("P")
R = TypeVar("R")

#: The default size of the pieces ``iter_bytes`` and ``write_to_file`` read (64 KiB).
CHUNK_SIZE = 64 * 1024


class StreamedSlot(list[Any]):
    """Where the client's ``request()`` puts the response of a call made through
    ``streaming_method``: sent with its body unread."""


class _StreamedBase(Generic[R]):
    """What the sync and async streamed responses share: the response, status and headers."""

    def __init__(self, http_response: httpx.Response, *, retries_taken: int = 0) -> None:
        self.http_response = http_response
        """The underlying ``httpx.Response``, its body not read yet."""
        self.retries_taken = retries_taken
        """How many retries were needed before this response (0 = first attempt)."""

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (case-insensitive)."""
        return self.http_response.headers

    @property
    def url(self) -> httpx.URL:
        """The URL that was requested."""
        return self.http_response.request.url

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` (or ``request-id``) response header, if any."""
        return request_id_of(self.http_response)

    @property
    def elapsed(self) -> datetime.timedelta:
        """Time from sending the request to closing the response (once closed)."""
        return self.http_response.elapsed

    @property
    def is_closed(self) -> bool:
        """Whether the connection has been released."""
        return self.http_response.is_closed

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} [{self.status_code} {self.http_response.reason_phrase}] "
            f"{self.http_response.request.method} {self.url.copy_with(query=None, username=None, password=None)}>"
        )


class StreamedAPIResponse(_StreamedBase[R]):
    """A response whose body is read as the caller asks (sync client).

    Read the body once, by one of ``iter_bytes()``, ``iter_text()``, ``iter_lines()``,
    ``write_to_file()`` or ``parse()`` (what the method would have returned).
    """

    def __init__(
        self, http_response: httpx.Response, parser: Callable[[], R], *, retries_taken: int = 0
    ) -> None:
        super().__init__(http_response, retries_taken=retries_taken)
        self._parser = parser

    def iter_bytes(self, chunk_size: int | None = CHUNK_SIZE) -> Iterator[bytes]:
        """Yield the body (decoded from its ``Content-Encoding``) in pieces of ``chunk_size``
        bytes (``None``: as they arrive)."""
        return self.http_response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """Yield the body as text, decoded with the response's charset."""
        return self.http_response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        """Yield the body's lines as text, without their line ends."""
        return self.http_response.iter_lines()

    def write_to_file(self, path: str | os.PathLike[str], chunk_size: int = CHUNK_SIZE) -> int:
        """Write the body to the file at ``path`` (replaced), ``chunk_size`` bytes at a time,
        so that memory stays flat; returns the number of bytes written."""
        written = 0
        with open(path, "wb") as file:
            for chunk in self.http_response.iter_bytes(chunk_size):
                file.write(chunk)
                written += len(chunk)
        return written

    def read(self) -> bytes:
        """Read and return the whole body."""
        return self.http_response.read()

    def parse(self) -> R:
        """Read the body and return what the method would have returned (an event-stream
        method's ``Stream``, which reads it itself).

        Raises:
            APIResponseValidationError: when the body does not match the schema.
        """
        return self._parser()

    def close(self) -> None:
        """Release the connection (idempotent)."""
        self.http_response.close()


class AsyncStreamedAPIResponse(_StreamedBase[R]):
    """A response whose body is read as the caller asks (async client); see
    ``StreamedAPIResponse``. ``parse()``, ``read()``, ``write_to_file()`` and ``close()`` are
    awaited; the ``iter_*`` methods are iterated with ``async for``."""

    def __init__(
        self,
        http_response: httpx.Response,
        parser: Callable[[], Awaitable[R]],
        *,
        retries_taken: int = 0,
    ) -> None:
        super().__init__(http_response, retries_taken=retries_taken)
        self._parser = parser

    def iter_bytes(self, chunk_size: int | None = CHUNK_SIZE) -> AsyncIterator[bytes]:
        """Yield the body in pieces of ``chunk_size`` bytes (``None``: as they arrive)."""
        return self.http_response.aiter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        """Yield the body as text, decoded with the response's charset."""
        return self.http_response.aiter_text(chunk_size)

    def iter_lines(self) -> AsyncIterator[str]:
        """Yield the body's lines as text, without their line ends."""
        return self.http_response.aiter_lines()

    async def write_to_file(
        self, path: str | os.PathLike[str], chunk_size: int = CHUNK_SIZE
    ) -> int:
        """Write the body to the file at ``path`` (replaced), ``chunk_size`` bytes at a time;
        returns the number of bytes written."""
        written = 0
        with open(path, "wb") as file:  # noqa: ASYNC230 - local writes of network-sized pieces
            async for chunk in self.http_response.aiter_bytes(chunk_size):
                file.write(chunk)
                written += len(chunk)
        return written

    async def read(self) -> bytes:
        """Read and return the whole body."""
        return await self.http_response.aread()

    async def parse(self) -> R:
        """Read the body and return what the method would have returned (see
        ``StreamedAPIResponse.parse``)."""
        return await self._parser()

    async def close(self) -> None:
        """Release the connection (idempotent)."""
        await self.http_response.aclose()


def to_streamed(
    call: Call,
    response: httpx.Response,
    retries_taken: int,
    slot: StreamedSlot,
    make_page: MakePage,
    *,
    is_async: bool,
) -> Any:
    """The streamed response of a call made through ``streaming_method`` (also put in ``slot``),
    once its status and headers arrived; an error status (its body already read) raises its
    typed error instead. Its ``parse()`` reads the body and gives the method's result, or for
    an event stream gives the ``Stream``/``AsyncStream``, which reads the body itself."""
    if not is_success(call, response):
        return to_result(call, response, retries_taken, None, make_page)  # raises
    spec = success_spec(call, response.status_code)
    events = spec is not None and spec.kind == "sse"
    stream_class = AsyncStream if is_async else Stream

    def parse() -> Any:
        if events:
            return to_stream(stream_class, call, response, retries_taken, None)
        return to_result(call, response, retries_taken, None, make_page)

    wrapped: Any
    if is_async:

        async def read_and_parse() -> Any:
            if not events:
                await response.aread()
            return parse()

        wrapped = AsyncStreamedAPIResponse(response, read_and_parse, retries_taken=retries_taken)
    else:

        def sync_read_and_parse() -> Any:
            if not events:
                response.read()
            return parse()

        wrapped = StreamedAPIResponse(response, sync_read_and_parse, retries_taken=retries_taken)
    slot.append(wrapped)
    return wrapped


def streaming_method(
    func: Callable[P, R],
) -> Callable[P, contextlib.AbstractContextManager[StreamedAPIResponse[R]]]:
    """Wrap a sync API method so that calling it gives a context manager of its
    ``StreamedAPIResponse``: sent when the block is entered, closed when it ends. The method
    must make exactly one request through the client.

    Raises (entering the block):
        APIStatusError: a subclass per status for an error status.
        TypeError: if the wrapped method made no request through the client.
    """

    @contextlib.contextmanager
    def opened(*args: P.args, **kwargs: P.kwargs) -> Generator[StreamedAPIResponse[R]]:
        slot = StreamedSlot()
        token = _raw_response_slot.set(slot)
        try:
            func(*args, **kwargs)
        finally:
            _raw_response_slot.reset(token)
        if not slot:
            raise TypeError("A streamed method must make exactly one request through the client")
        response: StreamedAPIResponse[R] = slot[0]
        try:
            yield response
        finally:
            response.close()

    return functools.wraps(func)(opened)


def async_streaming_method(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, contextlib.AbstractAsyncContextManager[AsyncStreamedAPIResponse[R]]]:
    """Wrap an async API method so that calling it gives an async context manager of its
    ``AsyncStreamedAPIResponse``; same contract as ``streaming_method``."""

    @contextlib.asynccontextmanager
    async def opened(
        *args: P.args, **kwargs: P.kwargs
    ) -> AsyncGenerator[AsyncStreamedAPIResponse[R]]:
        slot = StreamedSlot()
        token = _raw_response_slot.set(slot)
        try:
            await func(*args, **kwargs)
        finally:
            _raw_response_slot.reset(token)
        if not slot:
            raise TypeError("A streamed method must make exactly one request through the client")
        response: AsyncStreamedAPIResponse[R] = slot[0]
        try:
            yield response
        finally:
            await response.close()

    return functools.wraps(func)(opened)


def reads_in_pieces(raw: object, call: Call) -> bool:
    """Whether the client sends ``call`` asking httpx not to read the body: a call made through
    ``with_streaming_response`` (``raw`` its slot) or one that declares an event stream."""
    return isinstance(raw, StreamedSlot) or any(s.kind == "sse" for s in call.responses.values())


def finish(
    call: Call, response: httpx.Response, retries_taken: int, raw: Any, make_page: MakePage
) -> Any:
    """The result of a sent sync ``call`` (see :meth:`SyncAPIClient.request`): the streamed
    response, the ``Stream`` or the parsed result; a body left unread is read first where the
    result needs it. Raises what ``to_result`` raises."""
    if isinstance(raw, StreamedSlot):
        if not is_success(call, response):
            response.read()
        return to_streamed(call, response, retries_taken, raw, make_page, is_async=False)
    stream = to_stream(Stream, call, response, retries_taken, raw)
    if stream is not None:
        return stream
    response.read()
    return to_result(call, response, retries_taken, raw, make_page)


async def afinish(
    call: Call, response: httpx.Response, retries_taken: int, raw: Any, make_page: MakePage
) -> Any:
    """:func:`finish` for the async client (the body read with ``aread``)."""
    if isinstance(raw, StreamedSlot):
        if not is_success(call, response):
            await response.aread()
        return to_streamed(call, response, retries_taken, raw, make_page, is_async=True)
    stream = to_stream(AsyncStream, call, response, retries_taken, raw)
    if stream is not None:
        return stream
    await response.aread()
    return to_result(call, response, retries_taken, raw, make_page)
