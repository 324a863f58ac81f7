"""The event-stream decoder (``_sse``): the WHATWG examples and rules, and chunks split anywhere."""

from __future__ import annotations

import pytest

from rtpkg._sse import SSEDecoder, ServerSentEvent, iter_events


def decode(text: str | bytes) -> list[ServerSentEvent]:
    raw = text.encode() if isinstance(text, str) else text
    return list(iter_events([raw]))


def test_whatwg_stock_example() -> None:
    # HTML standard 9.2.6: the stock ticker, two events of the same id-less kind
    events = decode("data: YHOO\ndata: +2\ndata: 10\n\n")
    assert events == [ServerSentEvent(data="YHOO\n+2\n10")]


def test_whatwg_comment_and_ids_example() -> None:
    # the second example: a comment, an event with an id, one without (keeps the last id),
    # and an empty id resetting it
    text = (
        ": test stream\n\n"
        "data: first event\nid: 1\n\n"
        "data:second event\nid\n\n"
        "data:  third event\n"
    )
    events = decode(text)
    assert events == [
        ServerSentEvent(data="first event", id="1"),
        ServerSentEvent(data="second event", id=""),
    ]  # the third has no closing blank line: discarded at the end of the stream


def test_whatwg_empty_data_examples() -> None:
    # "data\n\ndata\ndata\n\ndata:" -> an empty event, then one whose data is a newline
    events = decode("data\n\ndata\ndata\n\ndata:")
    assert [e.data for e in events] == ["", "\n"]


def test_whatwg_space_after_colon_example() -> None:
    # "data:test" and "data: test" are the same event; only one space is stripped
    assert [e.data for e in decode("data:test\n\ndata: test\n\ndata:  test\n\n")] == [
        "test",
        "test",
        " test",
    ]


def test_event_type_retry_and_unknown_fields() -> None:
    text = "event: add\nretry: 1500\nfoo: bar\ndata: 1\n\nretry: 2x\ndata: 2\n\n"
    events = decode(text)
    assert events == [
        ServerSentEvent(data="1", event="add", retry=1500),
        ServerSentEvent(data="2", event="message", retry=None),
    ]


def test_id_with_nul_is_ignored_and_id_persists() -> None:
    events = decode("id: 7\ndata: a\n\nid: x\0y\ndata: b\n\ndata: c\n\n")
    assert [e.id for e in events] == ["7", "7", "7"]


def test_block_without_data_dispatches_nothing() -> None:
    assert decode("event: ping\n\n: only a comment\n\nid: 3\n\n") == []


@pytest.mark.parametrize("newline", ["\n", "\r", "\r\n"])
def test_every_line_end(newline: str) -> None:
    text = f"event: e{newline}data: a{newline}data: b{newline}{newline}data: c{newline}{newline}"
    assert decode(text) == [ServerSentEvent(data="a\nb", event="e"), ServerSentEvent(data="c")]


def test_byte_order_mark_is_skipped_once() -> None:
    assert decode("\ufeffdata: a\n\n".encode()) == [ServerSentEvent(data="a")]
    # a BOM later in the stream is part of the field name (an unknown field)
    assert decode("data: a\n\n\ufeffdata: b\n\n") == [ServerSentEvent(data="a")]


def test_field_without_colon() -> None:
    assert decode("data\nevent\n\n") == [ServerSentEvent(data="")]


#: A stream with every construct: BOM, CRLF, CR, comments, multi-line data, UTF-8 text.
MIXED = (
    "\ufeff: hello\r\n"
    'event: greet\r\nid: 1\r\ndata: {"text": "h\u00e9llo \u2603"}\r\n\r\n'
    "data: line one\rdata: line two\r\r"
    "retry: 3000\ndata: \U0001f600\n\n"
).encode()
MIXED_EVENTS = [
    ServerSentEvent(data='{"text": "h\u00e9llo \u2603"}', event="greet", id="1"),
    ServerSentEvent(data="line one\nline two", id="1"),
    ServerSentEvent(data="\U0001f600", id="1", retry=3000),
]


def test_mixed_stream_in_one_chunk() -> None:
    assert decode(MIXED) == MIXED_EVENTS


def test_chunks_split_at_every_byte_offset() -> None:
    for cut in range(len(MIXED) + 1):
        assert list(iter_events([MIXED[:cut], MIXED[cut:]])) == MIXED_EVENTS, cut


def test_chunks_split_at_every_pair_of_offsets() -> None:
    for a in range(len(MIXED) + 1):
        for b in range(a, len(MIXED) + 1):
            chunks = [MIXED[:a], MIXED[a:b], MIXED[b:]]
            assert list(iter_events(chunks)) == MIXED_EVENTS, (a, b)


def test_one_byte_at_a_time_gives_each_event_when_its_blank_line_arrives() -> None:
    decoder = SSEDecoder()
    seen: list[tuple[int, ServerSentEvent]] = []
    for i in range(len(MIXED)):
        for event in decoder.feed(MIXED[i : i + 1]):
            seen.append((i, event))
    assert [e for _, e in seen] == MIXED_EVENTS
    # each event is dispatched on the byte that ends its blank line (a lone CR counts at once)
    ends = [MIXED.index(b"\r\n\r\n") + 2, MIXED.index(b"\r\r") + 1, len(MIXED) - 1]
    assert [i for i, _ in seen] == ends


def test_crlf_split_between_chunks_is_one_line_end() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\n\r") == [ServerSentEvent(data="a")]
    assert decoder.feed(b"\ndata: b\r\n\r\n") == [ServerSentEvent(data="b")]
