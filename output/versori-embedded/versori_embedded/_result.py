"""Turning a call's final response into its result: the typed status error, the parsed body,
a page, or the raw ``APIResponse`` wrapping either. Shared by the sync and async clients.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from ._exceptions import make_status_error
from ._pagination import AsyncPage, PageRequest, SyncPage
from ._request import Call
from ._response import APIResponse, ResponseSpec, parse_body, select_by_status

__all__ = ["MakePage", "is_success", "new_page", "success_spec", "to_result"]

_PageT = TypeVar("_PageT", SyncPage[Any, Any], AsyncPage[Any, Any])

MakePage = Callable[[Call, Any, object, httpx.Response], Any]
"""Makes the page of a paginated call from ``(call, parsed body, decoded JSON, response)``."""


def success_spec(call: Call, status: int) -> ResponseSpec | None:
    """The declared response a success ``status`` is parsed with: the one declared for it
    (``select_by_status``), else the only declared 2xx response, else ``None``."""
    spec = select_by_status(call.responses, status)
    if spec is None:
        declared = [
            s for key, s in call.responses.items() if isinstance(key, int) and 200 <= key < 300
        ]
        if len(declared) == 1:
            spec = declared[0]
    return spec


def is_success(call: Call, response: httpx.Response) -> bool:
    """Whether ``response`` is a success: any 2xx, or a 1xx/3xx the operation declares."""
    status = response.status_code
    return 200 <= status < 300 or (status < 400 and status in call.responses)


def to_result(
    call: Call,
    response: httpx.Response,
    retries_taken: int,
    raw: list[APIResponse[Any]] | None,
    make_page: MakePage,
) -> Any:
    """Raise the typed status error, or return the parsed value; for a raw call (``raw``, the
    slot ``take_raw_response_request`` gave) the ``APIResponse`` wrapping it, also put in
    ``raw`` (where ``raw_method`` takes it, whatever the generated method returns)."""
    if not is_success(call, response):
        raise make_status_error(response, select_by_status(call.errors, response.status_code))

    def parse() -> Any:
        value, data = parse_body(response, success_spec(call, response.status_code))
        if call.pagination is None:
            return value
        return make_page(call, value, data, response)

    if raw is not None:
        wrapped = APIResponse(response, parse, retries_taken=retries_taken)
        raw.append(wrapped)
        return wrapped
    return parse()


def new_page(
    page_class: type[_PageT],
    call: Call,
    model: Any,
    body: object,
    response: httpx.Response,
    fetch: Callable[[PageRequest], Any],
) -> _PageT:
    """The ``SyncPage``/``AsyncPage`` of a paginated ``call``'s ``response`` (its parsed
    ``model`` and decoded JSON ``body``), which fetches the next page with ``fetch``."""
    assert call.pagination is not None
    return page_class(
        model=model,
        body=body,
        response=response,
        strategy=call.pagination,
        fetch=fetch,
    )
