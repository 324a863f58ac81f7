"""Pagination strategies and the page objects that paginated methods return."""

from __future__ import annotations

import logging
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Mapping,
)
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, cast

import httpx
import pydantic

from ._exceptions import NoMorePagesError

__all__ = [
    "AsyncPage",
    "AsyncPager",
    "CursorPagination",
    "LinkHeaderPagination",
    "OffsetPagination",
    "PageNumberPagination",
    "PageRequest",
    "PaginationStrategy",
    "SyncPage",
    "extract_field",
]

log = logging.getLogger(__name__)

ModelT = TypeVar("ModelT")
ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class PageRequest:
    """How to fetch the next page: the same request with changed query parameters,
    or (Link headers) another URL.

    Attributes:
        params: query parameters to set, replacing any sent value of the same name.
        remove: query parameters to drop.
        url: an absolute URL that replaces the request URL and its whole query.
    """

    params: Mapping[str, object] = field(default_factory=dict[str, object])
    remove: tuple[str, ...] = ()
    url: str | None = None


class PaginationStrategy(Protocol):
    """Reads a page response and says how to request the next page."""

    @property
    def items_field(self) -> str | None:
        """JSON (alias) name of the list of items; dotted for nesting; ``None`` if
        the body itself is the list."""

    def next_page_request(
        self, *, body: object, response: httpx.Response, item_count: int
    ) -> PageRequest | None:
        """Return how to fetch the page after this one, or ``None`` on the last page.

        ``body`` is the decoded JSON of this page, ``response`` its HTTP response
        (``response.request.url.params`` holds the query that was sent) and
        ``item_count`` the number of items on this page.
        """


def extract_field(data: object, path: str | None) -> Any:
    """Read the value at a dotted JSON-name ``path`` from a model or decoded JSON.

    On a pydantic model each segment matches a field by its alias (or its Python
    name, or an extra field). ``None`` path returns ``data``; a missing field
    returns ``None``.
    """
    if path is None:
        return data
    current: Any = data
    for segment in path.split("."):
        if current is None:
            return None
        if isinstance(current, pydantic.BaseModel):
            current = _model_field(current, segment)
        elif isinstance(current, Mapping):
            current = cast("Mapping[str, Any]", current).get(segment)
        else:
            return None
    return current


def _model_field(model: pydantic.BaseModel, alias: str) -> Any:
    for name, info in type(model).model_fields.items():
        if alias in (name, info.alias, info.validation_alias):
            return getattr(model, name)
    extra = model.model_extra or {}
    return extra.get(alias)


def _sent_int(response: httpx.Response, name: str | None, default: int) -> int:
    if name is None:
        return default
    value = response.request.url.params.get(name)
    try:
        return int(value) if value else default
    except ValueError:
        return default


@dataclass(frozen=True)
class CursorPagination:
    """Cursor pages: ``{items: [...], next: "<cursor>"}`` with ``?after=<cursor>``.

    This is the Versori Connect pattern (query ``first``/``after``/``before``,
    response ``{items, totalCount, next, prev}``). There is a next page when the
    ``next_field`` of the body is a non-empty string different from the cursor just
    sent. ``reset_params`` are dropped when moving forward (a ``before`` cursor
    would contradict ``after``).
    """

    items_field: str = "items"
    next_field: str = "next"
    cursor_param: str = "after"
    reset_params: tuple[str, ...] = ("before",)

    def next_page_request(
        self, *, body: object, response: httpx.Response, item_count: int
    ) -> PageRequest | None:
        """See ``PaginationStrategy.next_page_request``."""
        cursor = extract_field(body, self.next_field)
        if not isinstance(cursor, str) or not cursor:
            return None
        if cursor == response.request.url.params.get(self.cursor_param):
            return None  # the server repeated the cursor: stop rather than loop
        return PageRequest(params={self.cursor_param: cursor}, remove=self.reset_params)


@dataclass(frozen=True)
class OffsetPagination:
    """Offset pages: ``?offset=N&limit=M``.

    The next offset is the offset sent plus the items received. The last page is
    one with no items, fewer items than the ``limit`` sent, or (when
    ``total_field`` names the total count in the body) the one reaching the total.
    """

    items_field: str | None = "items"
    offset_param: str = "offset"
    limit_param: str | None = "limit"
    total_field: str | None = None

    def next_page_request(
        self, *, body: object, response: httpx.Response, item_count: int
    ) -> PageRequest | None:
        """See ``PaginationStrategy.next_page_request``."""
        if item_count == 0:
            return None
        offset = _sent_int(response, self.offset_param, 0)
        limit = _sent_int(response, self.limit_param, 0)
        if limit and item_count < limit:
            return None
        total = extract_field(body, self.total_field) if self.total_field else None
        if isinstance(total, int) and offset + item_count >= total:
            return None
        return PageRequest(params={self.offset_param: offset + item_count})


@dataclass(frozen=True)
class PageNumberPagination:
    """Numbered pages: ``?page=N`` (first page 1 unless ``first_page`` says).

    The last page is one with no items, or with fewer items than the
    ``per_page_param`` value sent. Without a page size, one empty page is fetched
    to detect the end.
    """

    items_field: str | None = "items"
    page_param: str = "page"
    per_page_param: str | None = None
    first_page: int = 1

    def next_page_request(
        self, *, body: object, response: httpx.Response, item_count: int
    ) -> PageRequest | None:
        """See ``PaginationStrategy.next_page_request``."""
        if item_count == 0:
            return None
        per_page = _sent_int(response, self.per_page_param, 0)
        if per_page and item_count < per_page:
            return None
        page = _sent_int(response, self.page_param, self.first_page)
        return PageRequest(params={self.page_param: page + 1})


@dataclass(frozen=True)
class LinkHeaderPagination:
    """RFC 8288 pages: ``Link: <https://api/x?page=2>; rel="next"``.

    ``items_field=None`` means the body itself is the list of items. A relative
    link is resolved against the request URL. A link to another origin (scheme,
    host or port) is not followed, so credentials never leave the API's host: it
    is logged as a warning and treated as the last page.
    """

    items_field: str | None = None

    def next_page_request(
        self, *, body: object, response: httpx.Response, item_count: int
    ) -> PageRequest | None:
        """See ``PaginationStrategy.next_page_request``."""
        link = response.links.get("next", {}).get("url")
        if not link:
            return None
        current = response.request.url
        target = current.join(link)
        if (target.scheme, target.host, target.port) != (
            current.scheme,
            current.host,
            current.port,
        ):
            log.warning(
                "Not following a next-page link to another origin: %s://%s",
                target.scheme,
                target.host,
            )
            return None
        if target == current:
            return None
        return PageRequest(url=str(target))


class _PageBase(Generic[ModelT, ItemT]):
    """State and read-only behaviour shared by ``SyncPage`` and ``AsyncPage``."""

    model: ModelT
    """The parsed response model of this page."""
    items: list[ItemT]
    """The parsed items of this page."""
    response: httpx.Response
    """The HTTP response of this page."""

    def __init__(
        self,
        *,
        model: ModelT,
        body: object,
        response: httpx.Response,
        strategy: PaginationStrategy,
    ) -> None:
        self.model = model
        self.response = response
        self._strategy = strategy
        found = extract_field(model, strategy.items_field)
        self.items = list(found) if found is not None else []
        self._next = strategy.next_page_request(
            body=body, response=response, item_count=len(self.items)
        )

    def has_next_page(self) -> bool:
        """Tell whether another page follows this one (no request is made)."""
        return self._next is not None

    def next_page_request(self) -> PageRequest | None:
        """How the next page will be requested, or ``None`` on the last page."""
        return self._next

    def _require_next(self) -> PageRequest:
        if self._next is None:
            raise NoMorePagesError("This is the last page; check has_next_page()")
        return self._next

    def __getattr__(self, name: str) -> Any:
        """Delegate unknown attributes to the response model (``page.total_count``)."""
        if name.startswith("_") or "model" not in self.__dict__:
            raise AttributeError(name)
        return getattr(self.__dict__["model"], name)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} items={len(self.items)} has_next_page={self.has_next_page()}>"
        )


class SyncPage(_PageBase[ModelT, ItemT]):
    """One page of a paginated list returned by the sync client.

    The pagination rule: iterating what a list method returns (``for item in page``) walks
    every item of this page and of every following page, fetching each page only when the
    previous one is exhausted (``iter_all()`` is the same). For page-level work,
    ``page.items`` holds this page's parsed items, ``page.model`` the whole parsed response
    (other attributes, ``page.total_count``, ``page.next``, are read from it),
    ``has_next_page()``/``next_page()`` step and ``iter_pages()`` walks the pages.
    """

    def __init__(
        self,
        *,
        model: ModelT,
        body: object,
        response: httpx.Response,
        strategy: PaginationStrategy,
        fetch: Callable[[PageRequest], SyncPage[ModelT, ItemT]],
    ) -> None:
        super().__init__(model=model, body=body, response=response, strategy=strategy)
        self._fetch = fetch

    def next_page(self) -> SyncPage[ModelT, ItemT]:
        """Fetch the next page (one HTTP request, with the client's retries).

        Raises:
            NoMorePagesError: on the last page.
            APIError: any error the request itself can raise.
        """
        return self._fetch(self._require_next())

    def iter_pages(self) -> Iterator[SyncPage[ModelT, ItemT]]:
        """Yield this page, then each following page, fetched lazily."""
        page = self
        yield page
        while page.has_next_page():
            page = page.next_page()
            yield page

    def iter_all(self) -> Iterator[ItemT]:
        """Yield every item of this page and of all following pages, lazily."""
        for page in self.iter_pages():
            yield from page.items

    def __iter__(self) -> Iterator[ItemT]:
        """Every item of this page and of all following pages, lazily (``iter_all()``)."""
        return self.iter_all()


class AsyncPage(_PageBase[ModelT, ItemT]):
    """One page of a paginated list returned by the async client.

    Like ``SyncPage``, with the same rule: ``async for item in page`` walks every item of
    this page and of every following page, fetched lazily; ``page.items`` is this page's.
    """

    def __init__(
        self,
        *,
        model: ModelT,
        body: object,
        response: httpx.Response,
        strategy: PaginationStrategy,
        fetch: Callable[[PageRequest], Awaitable[AsyncPage[ModelT, ItemT]]],
    ) -> None:
        super().__init__(model=model, body=body, response=response, strategy=strategy)
        self._fetch = fetch

    async def next_page(self) -> AsyncPage[ModelT, ItemT]:
        """Fetch the next page (one HTTP request, with the client's retries).

        Raises:
            NoMorePagesError: on the last page.
            APIError: any error the request itself can raise.
        """
        return await self._fetch(self._require_next())

    async def iter_pages(self) -> AsyncIterator[AsyncPage[ModelT, ItemT]]:
        """Yield this page, then each following page, fetched lazily."""
        page = self
        yield page
        while page.has_next_page():
            page = await page.next_page()
            yield page

    async def iter_all(self) -> AsyncIterator[ItemT]:
        """Yield every item of this page and of all following pages, lazily."""
        async for page in self.iter_pages():
            for item in page.items:
                yield item

    def __aiter__(self) -> AsyncIterator[ItemT]:
        """Every item of this page and of all following pages, lazily (``iter_all()``)."""
        return self.iter_all()


class AsyncPager(Awaitable[AsyncPage[ModelT, ItemT]], AsyncIterable[ItemT]):
    """What a list method of the async client returns: ``await`` it for the first page (an
    ``AsyncPage``), or ``async for item in client.x.list_y(...)`` (no ``await``) to walk every
    item of every page, fetched lazily. Each ``await`` or ``async for`` sends the first
    request anew.
    """

    def __init__(self, first_page: Callable[[], Awaitable[AsyncPage[ModelT, ItemT]]]) -> None:
        self._first_page = first_page

    def __await__(self) -> Generator[Any, None, AsyncPage[ModelT, ItemT]]:
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        """Every item of every page, fetching the first page then each next one lazily."""
        page = await self._first_page()
        async for item in page:
            yield item

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: await it for the first page, async for every item>"
