"""The test kit's runtime (``_testing.py``): pages served for every pagination style (cursor,
offset, page number, Link header) so that the runtime's own iterators walk them; answers by
response kind (JSON, text, binary, none, JSON strings and null); routing by the most specific
path template; the order of ``MockAPIBase.calls``. The generated mock on top of it is tested
through the Connect client (``tests/client/test_testing_kit.py``)."""

from __future__ import annotations

import sys
import types
from typing import Any

import httpx
import pytest

from rtpkg._base_client import Endpoint, PagedEndpoint, ResponseSpec, SyncAPIClient
from rtpkg._models import BaseModel
from rtpkg._pagination import (
    CursorPagination,
    LinkHeaderPagination,
    OffsetPagination,
    PageNumberPagination,
)
from rtpkg._testing import MockAPIBase, NotSetUp, _recording, reply


class Item(BaseModel):
    id: int


class Page(BaseModel):
    items: list[Item] | None = None
    next: str | None = None
    total: int = 0


ENDPOINTS: dict[str, Any] = {
    "CURSOR": PagedEndpoint("GET", "/cursor", responses={200: ResponseSpec(Page)}, pagination=CursorPagination()),
    "OFFSET": PagedEndpoint(
        "GET", "/offset", responses={200: ResponseSpec(Page)}, pagination=OffsetPagination(total_field="total")
    ),
    "NUMBER": PagedEndpoint(
        "GET", "/number", responses={200: ResponseSpec(Page)}, pagination=PageNumberPagination(per_page_param="size")
    ),
    "LINK": PagedEndpoint(
        "GET", "/link", responses={200: ResponseSpec(list[Item])}, pagination=LinkHeaderPagination()
    ),
    "TEXT": Endpoint("GET", "/things/text", responses={200: ResponseSpec(str, "text")}),
    "BYTES": Endpoint("GET", "/things/bytes", responses={200: ResponseSpec(bytes, "binary")}),
    "NONE": Endpoint("DELETE", "/things/{id}", responses={204: ResponseSpec(None, "none")}),
    "ONE": Endpoint("GET", "/things/{id}", responses={200: ResponseSpec(str)}),
    "ANY": Endpoint("GET", "/any", responses={"default": ResponseSpec(None)}),
    # two variants of one path (a spec's '/same#a' and '/same#b'): the same wire path
    "SAME_A": Endpoint("GET", "/same", responses={200: ResponseSpec(str)}),
    "SAME_B": Endpoint("GET", "/same", responses={200: ResponseSpec(str)}),
}
resources = types.ModuleType("rtpkg.resources")
resources.__path__ = []
module = types.ModuleType("rtpkg.resources.things")
for key, value in ENDPOINTS.items():
    setattr(module, "_" + key, value)
sys.modules.setdefault("rtpkg.resources", resources)
sys.modules["rtpkg.resources.things"] = module


class Mock(MockAPIBase):
    def __init__(self) -> None:
        super().__init__()
        self.ops = {key.lower(): self._add(f"things.{key.lower()}", "things", "_" + key, (), None) for key in ENDPOINTS}


Mock.__module__ = "rtpkg.testing"  # the mock finds ``resources`` beside its own module


@pytest.fixture
def mock() -> Mock:
    return Mock()


def client(mock: Mock) -> SyncAPIClient:
    return SyncAPIClient(base_url="https://api.test/v1", http_client=httpx.Client(transport=mock.transport))


PAGES = [[Item(id=1), Item(id=2)], [Item(id=3), Item(id=4)], [Item(id=5)]]


@pytest.mark.parametrize("key", ["cursor", "offset", "number", "link"])
def test_every_pagination_style_walks_the_pages(mock: Mock, key: str) -> None:
    mock.ops[key].returns(pages=PAGES)
    query = {"size": 2} if key == "number" else {"limit": 2} if key == "offset" else {}
    page = client(mock).call_paged(ENDPOINTS[key.upper()], query=query)
    assert [i.id for i in page.iter_all()] == [1, 2, 3, 4, 5]
    assert mock.ops[key].call_count == 3  # (the last page is short: no request after it)


def test_answers_by_response_kind(mock: Mock) -> None:
    c = client(mock)
    mock.ops["text"].returns("hello")
    mock.ops["bytes"].returns(b"\x00\x01")
    mock.ops["none"].returns()
    mock.ops["one"].returns("a JSON string")
    mock.ops["any"].returns(None)
    assert c.call(ENDPOINTS["TEXT"]) == "hello"
    assert c.call(ENDPOINTS["BYTES"]) == b"\x00\x01"
    assert c.call(ENDPOINTS["NONE"], path_params={"id": "x"}) is None
    assert c.call(ENDPOINTS["ONE"], path_params={"id": "x"}) == "a JSON string"
    assert c.call(ENDPOINTS["ANY"]) is None
    # /things/text is the literal path, not /things/{id}
    assert mock.ops["one"].call_count == 1 and mock.ops["text"].call_count == 1
    assert [c.operation for c in mock.calls] == ["things.text", "things.bytes", "things.none", "things.one", "things.any"]


def test_a_request_no_operation_matches_fails(mock: Mock) -> None:
    with pytest.raises(NotSetUp, match="no operation of the API is GET /v1/elsewhere"):
        client(mock).request("GET", "/elsewhere", responses={200: ResponseSpec(None)})


def test_a_reply_with_headers_and_a_text_body(mock: Mock) -> None:
    mock.ops["one"].returns(lambda request: reply(200, '"quoted"', headers={"x-id": request.url.path}))
    with httpx.Client(transport=mock.transport) as http:
        response = http.get("https://h/things/7")
    assert response.headers["x-id"] == "/things/7" and response.text == '"quoted"'


def test_returns_refuses_a_class(mock: Mock) -> None:
    with pytest.raises(TypeError, match="fake"):
        mock.ops["one"].returns(Item)


def test_variants_of_one_path_answer_the_operation_called(mock: Mock) -> None:
    mock.ops["same_a"].returns("from a")
    mock.ops["same_b"].returns("from b")
    c = client(mock)

    def call_b(**kwargs: Any) -> Any:
        return c.call(ENDPOINTS["SAME_B"])

    assert _recording(mock.ops["same_b"], call_b, False)(flag=1) == "from b"
    assert mock.ops["same_b"].calls[0].kwargs == {"flag": 1} and not mock.ops["same_a"].called
