"""Pagination strategies and page objects, over httpx.MockTransport."""

from __future__ import annotations

import httpx
import pydantic
import pytest

from rtpkg._auth import ApiKeyAuth
from rtpkg._base_client import AsyncAPIClient, ResponseSpec, SyncAPIClient
from rtpkg._exceptions import NoMorePagesError
from rtpkg._pagination import (
    AsyncPage,
    CursorPagination,
    LinkHeaderPagination,
    OffsetPagination,
    PageNumberPagination,
    SyncPage,
    extract_field,
)
from rtpkg._response import raw_method


class Item(pydantic.BaseModel):
    id: str


class ItemPage(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)
    things: list[Item] = pydantic.Field(alias="items")
    total_count: int = pydantic.Field(alias="totalCount")
    next: str | None = None


PAGES = {
    None: {"items": [{"id": "1"}, {"id": "2"}], "totalCount": 5, "next": "c2"},
    "c2": {"items": [{"id": "3"}, {"id": "4"}], "totalCount": 5, "next": "c3"},
    "c3": {"items": [{"id": "5"}], "totalCount": 5, "next": ""},
}


class CursorApi:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json=PAGES[request.url.params.get("after")])


def list_kwargs() -> dict[str, object]:
    return {
        "query": {"first": 2, "before": "zzz"},
        "responses": {200: ResponseSpec(ItemPage)},
        "pagination": CursorPagination(),
    }


def test_cursor_pages_are_fetched_lazily() -> None:
    api = CursorApi()
    client = SyncAPIClient(
        base_url="https://api.test",
        http_client=httpx.Client(transport=httpx.MockTransport(api)),
    )
    page = client.request("GET", "/items", **list_kwargs())  # type: ignore[arg-type]
    assert isinstance(page, SyncPage)
    assert [i.id for i in page.items] == ["1", "2"]
    assert page.total_count == 5 and page.next == "c2"  # delegated to the model
    assert isinstance(page.model, ItemPage)
    assert page.has_next_page()
    assert len(api.requests) == 1

    seen = []
    for item in page.iter_all():
        seen.append(item.id)
        if item.id == "2":
            assert len(api.requests) == 1  # page 2 not fetched yet
        if item.id == "3":
            assert len(api.requests) == 2
    assert seen == ["1", "2", "3", "4", "5"]
    assert len(api.requests) == 3
    second = api.requests[1].url.params
    assert second["after"] == "c2" and second["first"] == "2" and "before" not in second
    # the rule: iterating the page itself is the same walk over every item of every page
    assert [item.id for item in page] == seen

    last = page.next_page().next_page()
    assert not last.has_next_page()
    with pytest.raises(NoMorePagesError):
        last.next_page()


@pytest.mark.anyio
async def test_async_cursor_pages() -> None:
    api = CursorApi()
    client = AsyncAPIClient(
        base_url="https://api.test",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(api)),
    )
    page = await client.request("GET", "/items", **list_kwargs())  # type: ignore[arg-type]
    assert isinstance(page, AsyncPage)
    assert [i.id for i in page.items] == ["1", "2"]
    assert len(api.requests) == 1
    ids = [item.id async for item in page]
    assert ids == ["1", "2", "3", "4", "5"]
    assert len(api.requests) == 3
    second = await page.next_page()
    assert second.total_count == 5
    with pytest.raises(NoMorePagesError):
        await (await second.next_page()).next_page()


def test_raw_response_of_a_paginated_method() -> None:
    api = CursorApi()
    client = SyncAPIClient(
        base_url="https://api.test",
        http_client=httpx.Client(transport=httpx.MockTransport(api)),
    )

    def list_items() -> SyncPage[ItemPage, Item]:
        return client.request("GET", "/items", **list_kwargs())  # type: ignore[no-any-return, arg-type]

    raw = raw_method(list_items)()
    assert raw.status_code == 200
    page = raw.parse()
    assert isinstance(page, SyncPage)
    assert [i.id for i in page.iter_all()] == ["1", "2", "3", "4", "5"]


def test_cursor_stops_when_the_cursor_repeats() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"items": [{"id": "x"}], "totalCount": 9, "next": "same"})

    client = SyncAPIClient(
        base_url="https://api.test",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    page = client.request("GET", "/i", **list_kwargs())  # type: ignore[arg-type]
    assert [i.id for i in page.iter_all()] == ["x", "x"]


def test_offset_pagination_uses_limit_and_total() -> None:
    data = [{"id": str(n)} for n in range(5)]
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        limit = int(request.url.params["limit"])
        seen.append(str(request.url.params))
        return httpx.Response(200, json={"data": data[offset : offset + limit], "total": 5})

    client = SyncAPIClient(
        base_url="https://api.test",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    page = client.request(
        "GET",
        "/o",
        query={"limit": 2},
        responses={200: ResponseSpec()},
        pagination=OffsetPagination(items_field="data", total_field="total"),
    )
    assert [i["id"] for i in page.iter_all()] == ["0", "1", "2", "3", "4"]
    assert seen == ["limit=2", "limit=2&offset=2", "limit=2&offset=4"]


def test_page_number_pagination_stops_on_short_page() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", 1))
        items = [[1, 2], [3, 4], [5]][page - 1]
        return httpx.Response(200, json={"results": items})

    client = SyncAPIClient(
        base_url="https://api.test",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    page = client.request(
        "GET",
        "/p",
        query={"per_page": 2},
        responses={200: ResponseSpec()},
        pagination=PageNumberPagination(items_field="results", per_page_param="per_page"),
    )
    assert list(page.iter_all()) == [1, 2, 3, 4, 5]


def test_link_header_pagination_and_foreign_origin() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = request.url.params.get("page", "1")
        links = {
            "1": '</v1/things?page=2>; rel="next", </v1/things?page=9>; rel="last"',
            "2": '<https://evil.test/v1/things?page=3>; rel="next"',
        }
        return httpx.Response(200, json=[{"id": page}], headers={"Link": links[page]})

    client = SyncAPIClient(
        base_url="https://api.test/v1",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        auth={"k": ApiKeyAuth("key", "query", "s")},
    )
    page = client.request(
        "GET",
        "/things",
        security=["k"],
        responses={200: ResponseSpec(list[Item])},
        pagination=LinkHeaderPagination(),
    )
    second = page.next_page()
    assert second.response.request.url.params.multi_items() == [
        ("page", "2"),
        ("key", "s"),
    ]
    assert [i.id for i in page.iter_all()] == ["1", "2"]
    assert not second.has_next_page()


def test_extract_field_reads_aliases_and_nesting() -> None:
    model = ItemPage.model_validate({"items": [{"id": "a"}], "totalCount": 1})
    assert extract_field(model, "items") == [Item(id="a")]
    assert extract_field(model, "totalCount") == 1
    assert extract_field({"meta": {"next": "n"}}, "meta.next") == "n"
    assert extract_field({"meta": None}, "meta.next") is None
