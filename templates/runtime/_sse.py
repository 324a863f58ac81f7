"""A decoder of server-sent events (``text/event-stream``), following the WHATWG HTML
standard's "Interpreting an event stream" (section 9.2.6).

Bytes are fed in chunks of any size (a chunk may end inside a UTF-8 character, a ``\\r\\n``
or a line); each completed event is returned as soon as its closing blank line arrives.
"""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from dataclasses import dataclass

__all__ = ["SSEDecoder", "ServerSentEvent", "aiter_events", "iter_events"]


@dataclass(frozen=True)
class ServerSentEvent:
    """One dispatched event of an event stream.

    Attributes:
        data: the event's data: its ``data`` lines joined with ``\\n``.
        event: the event type (``"message"`` when the event names none).
        id: the last event ID (the stream's, which persists across events), or ``None`` when
            the stream has set none.
        retry: the reconnection time in milliseconds this event's block set, or ``None``.
    """

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """An incremental event-stream decoder: ``feed(chunk)`` returns the events the chunk
    completes; ``close()`` ends the stream (a partial event at the end is dropped, as the
    standard says).

    Handles ``\\r\\n``, ``\\r`` and ``\\n`` line ends (also split across chunks), a leading
    byte order mark, comments (lines starting with ``:``), fields without a colon, one space
    after the colon stripped, multi-line ``data``, ``id`` (ignored when it contains NUL, and
    kept for the following events) and ``retry`` (ASCII digits only).
    """

    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._started = False
        self._pending_cr = False
        self._data: list[str] = []
        self._event = ""
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode ``chunk`` (bytes of the stream, in order); return the events it completes."""
        return self._lines(self._text.decode(chunk))

    def close(self) -> list[ServerSentEvent]:
        """End the stream. An event not closed by a blank line is discarded, as the standard
        says, so this returns no event; it resets the decoder's partial state."""
        self._text.decode(b"", final=True)
        self._buffer, self._data, self._event, self._retry = "", [], "", None
        return []

    def _lines(self, text: str) -> list[ServerSentEvent]:
        if not self._started and text:
            self._started = True
            text = text.removeprefix("\ufeff")
        if self._pending_cr and text:
            self._pending_cr = False
            text = text.removeprefix("\n")  # the LF of a CRLF split between chunks
        events: list[ServerSentEvent] = []
        buffer = self._buffer + text
        start = 0
        length = len(buffer)
        while True:
            cr = buffer.find("\r", start)
            lf = buffer.find("\n", start)
            if cr < 0 and lf < 0:
                break
            if cr < 0 or (0 <= lf < cr):
                end, after = lf, lf + 1
            elif cr + 1 < length:
                end, after = cr, cr + (2 if buffer[cr + 1] == "\n" else 1)
            else:  # a CR at the end: the next chunk may start with its LF
                end, after = cr, cr + 1
                self._pending_cr = True
            event = self._line(buffer[start:end])
            if event is not None:
                events.append(event)
            start = after
        self._buffer = buffer[start:]
        return events

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._last_id = value
        elif name == "retry" and value and value.isascii() and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        data, event, retry = self._data, self._event, self._retry
        self._data, self._event, self._retry = [], "", None
        if not data:
            return None
        return ServerSentEvent(
            data="\n".join(data), event=event or "message", id=self._last_id, retry=retry
        )


def iter_events(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    """Yield the events of an event stream given as byte ``chunks``, each as soon as the
    chunk that completes it is read."""
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.close()


async def aiter_events(chunks: AsyncIterable[bytes]) -> AsyncIterator[ServerSentEvent]:
    """The async form of :func:`iter_events`."""
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.close():
        yield event
