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
    assert parse_body(response(200, b'{"id": "a", "extra": 1}'), spec) == Thing(id="a")
    assert parse_body(response(200, b'[{"id": "a"}]'), ResponseSpec(list[Thing])) == [Thing(id="a")]


def test_kinds() -> None:
    assert parse_body(response(204), ResponseSpec(kind="none")) is None
    assert parse_body(response(200, b"hi"), ResponseSpec(kind="text")) == "hi"
    assert parse_body(response(200, b"\x00\x01"), ResponseSpec(kind="binary")) == (b"\x00\x01")
    assert parse_body(response(200, b'{"a": 1}'), None) == {"a": 1}
    assert parse_body(response(200), None) is None


def test_body_not_matching_the_schema() -> None:
    with pytest.raises(APIResponseValidationError) as info:
        parse_body(response(200, b'{"name": "x"}'), ResponseSpec(Thing))
    assert isinstance(info.value.validation_error, pydantic.ValidationError)
    assert info.value.body == {"name": "x"}
    assert info.value.status_code == 200


def test_body_that_is_not_json() -> None:
    with pytest.raises(APIResponseValidationError, match="not valid JSON"):
        parse_body(response(200, b"<html>"), ResponseSpec(Thing))


def test_unhashable_type_expression_still_validates() -> None:
    class Unhashable:
        __hash__ = None  # type: ignore[assignment]

        def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
            return handler(int)

    assert parse_body(response(200, b"5"), ResponseSpec(Unhashable())) == 5


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
