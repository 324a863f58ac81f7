"""Response selection, body parsing and raw-response wrappers."""

from __future__ import annotations

from typing import Any

import httpx
import pydantic
import pytest

from rtpkg._exceptions import APIResponseValidationError
from rtpkg._response import (
    APIResponse,
    ResponseSpec,
    async_raw_method,
    parse_body,
    select_by_status,
    raw_method,
)


class Thing(pydantic.BaseModel):
    id: str


def response(status: int, content: bytes = b"") -> httpx.Response:
    return httpx.Response(
        status, content=content, request=httpx.Request("GET", "http://api.test/x")
    )


def parsed(response: httpx.Response, spec: ResponseSpec | None) -> Any:
    return parse_body(response, spec)[0]


SPECS: dict[int | str, str] = {200: "exact", "2XX": "range", "default": "default"}


def test_selection_prefers_exact_then_range_then_default() -> None:
    assert select_by_status(SPECS, 200) == "exact"
    assert select_by_status(SPECS, 201) == "range"
    assert select_by_status(SPECS, 404) == "default"
    assert select_by_status({"4xx": "lower"}, 404) == "lower"
    assert select_by_status({200: "x"}, 201) is None
    assert select_by_status(None, 200) is None


def test_json_is_validated_into_the_type() -> None:
    spec = ResponseSpec(Thing)
    assert parsed(response(200, b'{"id": "a", "extra": 1}'), spec) == Thing(id="a")
    assert parsed(response(200, b'[{"id": "a"}]'), ResponseSpec(list[Thing])) == [Thing(id="a")]


def test_kinds() -> None:
    assert parsed(response(204), ResponseSpec(kind="none")) is None
    assert parsed(response(200, b"hi"), ResponseSpec(kind="text")) == "hi"
    assert parsed(response(200, b"\x00\x01"), ResponseSpec(kind="binary")) == (b"\x00\x01")
    assert parsed(response(200, b'{"a": 1}'), None) == {"a": 1}
    assert parsed(response(200), None) is None


def test_body_not_matching_the_schema() -> None:
    with pytest.raises(APIResponseValidationError) as info:
        parsed(response(200, b'{"name": "x"}'), ResponseSpec(Thing))
    assert isinstance(info.value.validation_error, pydantic.ValidationError)
    assert info.value.body == {"name": "x"}
    assert info.value.status_code == 200


def test_body_that_is_not_json() -> None:
    with pytest.raises(APIResponseValidationError, match="not valid JSON"):
        parsed(response(200, b"<html>"), ResponseSpec(Thing))


def test_a_typed_body_is_parsed_from_its_bytes_without_json_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json

    import rtpkg._serialization as ser

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("json.loads was called for a typed body")

    monkeypatch.setattr(ser.json, "loads", refuse)
    value, data = parse_body(response(200, b'{"id": "a"}'), ResponseSpec(Thing))
    assert value == Thing(id="a") and data is value
    monkeypatch.undo()
    assert ser.json.loads is json.loads
    # an untyped body is still decoded (there is no type to parse into)
    assert parsed(response(200, b'{"a": 1}'), None) == {"a": 1}


def test_a_body_pydantic_cannot_read_but_python_can_is_still_parsed() -> None:
    # UTF-16 JSON: RFC 8259 says UTF-8, Python's json reads it anyway, and so does the client
    body = '{"id": "a"}'.encode("utf-16")
    assert parsed(response(200, body), ResponseSpec(Thing)) == Thing(id="a")


def test_unhashable_type_expression_still_validates() -> None:
    class Unhashable:
        __hash__ = None  # type: ignore[assignment]

        def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
            return handler(int)

    assert parsed(response(200, b"5"), ResponseSpec(Unhashable())) == 5


def test_api_response_parses_lazily_once() -> None:
    calls: list[int] = []

    def parser() -> str:
        calls.append(1)
        return "parsed"

    raw = APIResponse(response(200, b"{}"), parser)
    assert calls == []
    assert raw.parse() == "parsed" and raw.parse() == "parsed"
    assert calls == [1]
    assert raw.status_code == 200 and raw.text == "{}" and raw.json() == {}


def test_raw_wrapper_requires_a_request() -> None:
    wrapped = raw_method(lambda: 1)
    with pytest.raises(TypeError, match="exactly one request"):
        wrapped()


@pytest.mark.anyio
async def test_async_raw_wrapper_requires_a_request() -> None:
    async def method() -> int:
        return 1

    with pytest.raises(TypeError):
        await async_raw_method(method)()


# --- large bodies: the cyclic garbage collector waits while they become objects ---------


class Seen(pydantic.BaseModel):
    """Records, as each item is validated, whether the garbage collector was running."""

    id: str
    gc_on: bool = False

    @pydantic.model_validator(mode="before")
    @classmethod
    def _record(cls, data: Any) -> Any:
        import gc

        return {**data, "gc_on": gc.isenabled()}


def _items_body(n: int) -> bytes:
    import json

    return json.dumps([{"id": f"item-{i:08d}"} for i in range(n)]).encode()


def test_a_large_body_is_parsed_with_the_collector_paused_and_resumed_after() -> None:
    import gc

    from rtpkg._serialization import GC_PAUSE_BYTES

    big = _items_body(GC_PAUSE_BYTES // 10)
    assert len(big) >= GC_PAUSE_BYTES
    assert gc.isenabled()
    value, data = parse_body(response(200, big), ResponseSpec(list[Seen]))
    assert not any(item.gc_on for item in value)
    # a typed body is parsed from its bytes: the value stands for the body pagination reads
    assert data is value and value[0].id == "item-00000000"
    assert gc.isenabled()
    small = parsed(response(200, _items_body(3)), ResponseSpec(list[Seen]))
    assert all(item.gc_on for item in small)


def test_the_collector_is_resumed_after_a_failed_parse_and_left_off_if_it_was_off() -> None:
    import gc

    from rtpkg._serialization import GC_PAUSE_BYTES

    big_invalid = b"[" + b'{"name": "no id"},' * (GC_PAUSE_BYTES // 10) + b'{"name": "x"}]'
    with pytest.raises(APIResponseValidationError):
        parsed(response(200, big_invalid), ResponseSpec(list[Thing]))
    with pytest.raises(APIResponseValidationError):
        parsed(response(200, b"[" * GC_PAUSE_BYTES), ResponseSpec(list[Thing]))
    assert gc.isenabled()
    gc.disable()
    try:
        parsed(response(200, _items_body(GC_PAUSE_BYTES // 10)), ResponseSpec(list[Thing]))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_pauses_resume_the_collector_when_the_last_one_ends() -> None:
    import gc
    import threading

    from rtpkg._serialization import gc_paused

    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with gc_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    with gc_paused():
        thread.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other thread's parse is still running
    release.set()
    thread.join(5)
    assert gc.isenabled()
    with gc_paused(active=False):
        assert gc.isenabled()


def test_an_adapter_builds_the_deferred_models_it_refers_to_first() -> None:
    """``type_adapter`` builds every model the type refers to (innermost first) before making
    the adapter, which then reuses their validators: an adapter made over models whose build was
    deferred validated a 10,000-item page a tenth slower (benchmarks/README.md, row 7)."""
    from rtpkg._models import BaseModel
    from rtpkg._serialization import type_adapter

    class Leaf(BaseModel):
        n: int

    class Mid(BaseModel):
        leaves: list[Leaf] | None = None

    class Top(BaseModel):
        mid: dict[str, Mid]

    assert not Leaf.__pydantic_complete__ and not Mid.__pydantic_complete__  # deferred
    adapter = type_adapter(list[Top] | None)
    assert Leaf.__pydantic_complete__ and Mid.__pydantic_complete__ and Top.__pydantic_complete__
    value = adapter.validate_json(b'[{"mid": {"a": {"leaves": [{"n": 1}]}}}]')
    assert value[0].mid["a"].leaves[0].n == 1
