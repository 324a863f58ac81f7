"""Event streams (``text/event-stream`` responses) as typed iterators: ``Stream[T]`` (sync)
and ``AsyncStream[T]`` (async).

A stream is returned as soon as the response's status and headers arrive (an error status
has already raised its typed ``APIStatusError``); iterating it reads the body as it comes and
yields each event's ``data`` validated into ``T`` the moment the event's closing blank line
is read. The connection is closed when the iteration ends, on ``break`` (the loop's iterator
is finalized), on leaving a ``with`` block, on ``close()``, and when the stream is garbage
collected.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, Generic, Self, TypeVar

import httpx
import pydantic

from ._exceptions import APIStreamError
from ._request import Call
from ._response import APIResponse
from ._result import is_success, success_spec
from ._serialization import type_adapter
from ._sse import ServerSentEvent, SSEDecoder

__all__ = [
    "DONE_SENTINEL",
    "AsyncStream",
    "ServerSentEvent",
    "Stream",
    "decode_event",
    "to_stream",
]

T = TypeVar("T")

DONE_SENTINEL = "[DONE]"
"""An event whose data is this text ends the stream (the convention of LLM APIs)."""

#: Tasks closing async streams collected while open (kept referenced until they finish).
_closing: set[asyncio.Task[None]] = set()


def decode_event(
    event: ServerSentEvent,
    item_type: Any,
    event_types: Mapping[str, Any] | None,
    request: httpx.Request,
    delivered: int,
) -> Any:
    """The value of one ``event``: its data as JSON validated into the type of its event name
    (``event_types``), else into ``item_type``; the data text itself when that type is ``str``
    (or ``None``: no schema).

    Raises:
        APIStreamError: an ``error`` event, or data that is not JSON or does not match.
    """
    if event.event == "error" and not (event_types and "error" in event_types):
        raise APIStreamError(
            f"The server sent an error event: {event.data[:200]}",
            request,
            events_delivered=delivered,
            body=_json_or_text(event.data),
            event=event,
        )
    tp = event_types.get(event.event, item_type) if event_types else item_type
    if tp is None or tp is str:
        return event.data
    try:
        return type_adapter(tp).validate_json(event.data)
    except (ValueError, pydantic.ValidationError) as exc:
        raise APIStreamError(
            f"Event {event.event!r} does not match its schema: {exc}",
            request,
            events_delivered=delivered,
            body=_json_or_text(event.data),
            event=event,
        ) from exc


def _json_or_text(data: str) -> object:
    try:
        return json.loads(data)
    except ValueError:
        return data


class _StreamBase(Generic[T]):
    """What ``Stream`` and ``AsyncStream`` share: the response and the count of events given."""

    def __init__(
        self,
        response: httpx.Response,
        *,
        item_type: Any = str,
        event_types: Mapping[str, Any] | None = None,
        done: str | None = DONE_SENTINEL,
    ) -> None:
        self.response = response
        """The ``httpx.Response`` being read (status and headers are available at once)."""
        self.events_delivered = 0
        """How many events this stream has given its caller so far."""
        self._item_type = item_type
        self._event_types = event_types
        self._done = done
        self._started = False

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        return self.response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers."""
        return self.response.headers

    @property
    def is_closed(self) -> bool:
        """Whether the connection has been released."""
        return self.response.is_closed

    def _start(self) -> None:
        if self._started:
            raise RuntimeError("A stream can be iterated only once")
        self._started = True

    def _says_json(self) -> bool:
        """Whether the server answered with JSON instead of an event stream (a server that
        ignored the ``Accept`` header)."""
        media = str(self.response.headers.get("content-type", "")).split(";", 1)[0]
        return media.strip().lower().endswith(("/json", "+json"))

    def _not_a_stream(self, body: bytes) -> APIStreamError:
        """The error of a JSON answer (``body``) where an event stream was asked for."""
        media = str(self.response.headers.get("content-type", "")).split(";", 1)[0].strip()
        return APIStreamError(
            f"The server answered with {media}, not an event stream",
            self.response.request,
            events_delivered=0,
            body=_json_or_text(body.decode("utf-8", errors="replace")),
        )

    def _broken(self, exc: Exception) -> APIStreamError:
        detail = str(exc) or type(exc).__name__
        return APIStreamError(
            f"The event stream broke: {detail}",
            self.response.request,
            events_delivered=self.events_delivered,
        )

    def _value(self, event: ServerSentEvent) -> Any:
        return decode_event(
            event, self._item_type, self._event_types, self.response.request, self.events_delivered
        )

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} [{self.status_code}] events_delivered={self.events_delivered}>"
        )


class Stream(_StreamBase[T]):
    """The events of a ``text/event-stream`` response, read as they arrive (sync client).

    ``for item in stream`` yields each event's data as a ``T``; ``stream.events()`` yields
    each ``ServerSentEvent`` (``event``, ``data``, ``id``, ``retry``) unparsed. An event whose
    data is ``[DONE]`` ends the stream. A stream is read once; use it as a context manager (or
    call ``close()``) to release the connection when not reading to the end.

    Raises (while iterating):
        APIStreamError: the connection broke, the server sent an ``error`` event, or an event
            did not match its schema; ``events_delivered`` says how many events came before.
    """

    def events(self) -> Iterator[ServerSentEvent]:
        """Yield every event of the stream as it arrives, unparsed (an ``error`` event too);
        the ``[DONE]`` event ends it. Closes the connection when done or abandoned."""
        for event in self._events():
            self.events_delivered += 1
            yield event

    def __iter__(self) -> Iterator[T]:
        """Yield each event's data as a ``T``, as it arrives."""
        for event in self._events():
            value = self._value(event)
            self.events_delivered += 1
            yield value

    def _events(self) -> Iterator[ServerSentEvent]:
        self._start()
        decoder = SSEDecoder()
        try:
            if self._says_json():
                raise self._not_a_stream(self.response.read())
            chunks = self.response.iter_bytes()
            while True:
                try:
                    chunk = next(chunks)
                except StopIteration:
                    break
                except httpx.HTTPError as exc:
                    raise self._broken(exc) from exc
                for event in decoder.feed(chunk):
                    if self._done is not None and event.data == self._done:
                        return
                    yield event
        finally:
            self.close()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        if "response" in self.__dict__ and not self.response.is_closed:
            self.response.close()


class AsyncStream(_StreamBase[T]):
    """The events of a ``text/event-stream`` response, read as they arrive (async client).

    Like ``Stream``: ``async for item in stream``, ``stream.events()``, ``async with stream``,
    ``await stream.close()``; raises ``APIStreamError`` the same way.
    """

    async def events(self) -> AsyncIterator[ServerSentEvent]:
        """Yield every event of the stream as it arrives, unparsed; see ``Stream.events``."""
        async for event in self._events():
            self.events_delivered += 1
            yield event

    async def __aiter__(self) -> AsyncIterator[T]:
        """Yield each event's data as a ``T``, as it arrives."""
        async for event in self._events():
            value = self._value(event)
            self.events_delivered += 1
            yield value

    async def _events(self) -> AsyncIterator[ServerSentEvent]:
        self._start()
        decoder = SSEDecoder()
        try:
            if self._says_json():
                raise self._not_a_stream(await self.response.aread())
            chunks = self.response.aiter_bytes()
            while True:
                try:
                    chunk = await anext(chunks)
                except StopAsyncIteration:
                    break
                except httpx.HTTPError as exc:
                    raise self._broken(exc) from exc
                for event in decoder.feed(chunk):
                    if self._done is not None and event.data == self._done:
                        return
                    yield event
        finally:
            await self.close()

    async def close(self) -> None:
        """Close the connection (idempotent)."""
        await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def __del__(self) -> None:
        if "response" not in self.__dict__ or self.response.is_closed:
            return
        try:
            task = asyncio.get_running_loop().create_task(self.response.aclose())
        except RuntimeError:  # no running loop: the connection goes with its pool
            return
        _closing.add(task)
        task.add_done_callback(_closing.discard)


def to_stream(
    stream_class: type[Stream[Any] | AsyncStream[Any]],
    call: Call,
    response: httpx.Response,
    retries_taken: int,
    raw: list[APIResponse[Any]] | None,
) -> Any:
    """The ``stream_class`` stream of a success ``response`` (status and headers read, body
    not) declared as an event stream, or ``None`` for any other response (which the caller
    reads and turns into its result or error). For a raw call (``raw``), the ``APIResponse``
    whose ``parse()`` gives the stream, also put in ``raw``."""
    if not is_success(call, response):
        return None
    spec = success_spec(call, response.status_code)
    if spec is None or spec.kind != "sse":
        return None
    stream = stream_class(response, item_type=spec.type, event_types=spec.events)
    if raw is not None:
        wrapped = APIResponse(response, lambda: stream, retries_taken=retries_taken)
        raw.append(wrapped)
        return wrapped
    return stream
