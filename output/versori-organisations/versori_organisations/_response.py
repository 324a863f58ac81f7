"""Response specs, body parsing and raw-response access (``with_raw_response``)."""

from __future__ import annotations

import contextvars
import datetime
import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import (
    Any,
    Generic,
    Literal,
    ParamSpec,
    TypeVar,
)

import httpx
import pydantic

from ._exceptions import APIResponseValidationError, request_id_of
from ._serialization import GC_PAUSE_BYTES, decode_json, gc_paused, type_adapter

__all__ = [
    "APIResponse",
    "ResponseSpec",
    "async_raw_method",
    "parse_body",
    "raw_method",
    "select_by_status",
    "take_raw_response_request",
]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

#: Where the client's ``request()`` puts the ``APIResponse`` of a call made through
#: ``raw_method`` (``None`` outside one).
_raw_response_slot: contextvars.ContextVar[list[APIResponse[Any]] | None] = contextvars.ContextVar(
    "raw_response_slot", default=None
)


@dataclass(frozen=True)
class ResponseSpec:
    """What one declared response of an operation contains.

    Attributes:
        type: the schema type to validate a JSON body into (a pydantic model,
            ``list[Model]``, a primitive...). ``None`` returns the decoded JSON as is.
        kind: ``"json"`` (decode and validate), ``"text"`` (return ``str``),
            ``"binary"`` (return ``bytes``), ``"none"`` (return ``None``, e.g. 204) or
            ``"auto"`` (a wildcard media type such as ``*/*``: JSON when the response's
            Content-Type says JSON, else its text, validated into ``type`` when it fits).
            ``"sse"`` is an event stream (``text/event-stream``): the call returns a
            ``Stream``/``AsyncStream`` whose events' data are validated into ``type`` (``str``:
            the data text).
        media_type: the declared media type when it is not ``application/json``
            (e.g. ``application/schema+json``); it is what the ``Accept`` header asks for.
        events: for ``"sse"``, the type of each event name's data where the document types
            events by name (others are validated into ``type``).
    """

    type: Any = None
    kind: Literal["json", "auto", "text", "binary", "none", "sse"] = "json"
    media_type: str | None = None
    events: Mapping[str, Any] | None = None

    @property
    def accept(self) -> str:
        """The media type an ``Accept`` header asks for to get this response."""
        default = "text/event-stream" if self.kind == "sse" else "application/json"
        return self.media_type or default


def select_by_status(specs: Mapping[int | str, T] | None, status: int) -> T | None:
    """Pick the entry of ``specs`` for an HTTP ``status``.

    Keys are ints (``200``), range strings (``"2XX"``, any case) or ``"default"``.
    The exact code wins over its range, which wins over ``"default"``. Returns
    ``None`` when nothing matches.
    """
    if not specs:
        return None
    for key in (status, str(status)):
        if key in specs:
            return specs[key]
    wanted = f"{status // 100}XX"
    for key, value in specs.items():
        if isinstance(key, str) and key.upper() == wanted:
            return value
    return specs.get("default")


def parse_body(response: httpx.Response, spec: ResponseSpec | None) -> tuple[Any, object]:
    """Turn a read success ``response`` into the value its ``spec`` declares, plus
    what pagination reads its fields from: the decoded JSON (``None`` if not JSON), or, for a
    typed JSON body, the parsed value itself (parsed from the bytes in one pass, with
    pydantic's JSON validation: no ``json.loads`` first).

    With no spec, an empty body gives ``None`` and any other body its decoded JSON.
    Bodies of ``GC_PAUSE_BYTES`` or more are parsed within ``gc_paused()``.

    An ``"auto"`` spec (a wildcard media type) reads a JSON Content-Type as JSON and any
    other as text, the declared type when the text fits it (else the text).

    Raises:
        APIResponseValidationError: when a JSON body is not JSON or does not
            validate against ``spec.type``.
    """
    kind = spec.kind if spec is not None else "json"
    if kind == "none":
        return None, None
    if kind == "text":
        return response.text, None
    if kind == "binary":
        return response.content, None
    if kind == "auto" and spec is not None and not _says_json(response):
        return _typed_text(response.text, spec.type), None
    content = response.content
    with gc_paused(len(content) >= GC_PAUSE_BYTES):
        if spec is None or spec.type is None or not content.strip():
            data = _decoded(response)
            if spec is None or spec.type is None:
                return data, data
            return _validated(response, spec.type, data), data
        try:
            # one pass from the bytes (pydantic's JSON parser builds the models directly); the
            # parsed value stands for the body where pagination reads a field of it
            value = type_adapter(spec.type).validate_json(content)
            return value, value
        except pydantic.ValidationError as exc:
            if not _json_invalid(exc):
                raise APIResponseValidationError(
                    response=response, body=_decoded_or_none(response), validation_error=exc
                ) from exc
        # not JSON to pydantic's parser (a UTF-16 body, a number Python reads and pydantic does
        # not): the standard library decides, as it always has
        data = _decoded(response)
        return _validated(response, spec.type, data), data


def _json_invalid(exc: pydantic.ValidationError) -> bool:
    """Whether a validation error says the bytes were not JSON (rather than not the type)."""
    return any(error["type"] == "json_invalid" for error in exc.errors(include_url=False))


def _decoded(response: httpx.Response) -> object:
    """The body decoded as JSON (``None`` when empty).

    Raises:
        APIResponseValidationError: the body is not JSON.
    """
    try:
        return decode_json(response)
    except ValueError as exc:
        raise APIResponseValidationError(
            response=response,
            body=None,
            validation_error=exc,
            message=f"{response.status_code} response body is not valid JSON",
        ) from exc


def _decoded_or_none(response: httpx.Response) -> object:
    try:
        return decode_json(response)
    except ValueError:
        return None


def _validated(response: httpx.Response, tp: Any, data: object) -> Any:
    """``data`` (decoded JSON) validated into ``tp``.

    Raises:
        APIResponseValidationError: it does not fit.
    """
    try:
        return type_adapter(tp).validate_python(data)
    except pydantic.ValidationError as exc:
        raise APIResponseValidationError(
            response=response, body=data, validation_error=exc
        ) from exc


def _says_json(response: httpx.Response) -> bool:
    """Whether the response's Content-Type is JSON (``application/json``, ``+json``)."""
    media = str(response.headers.get("content-type", "")).split(";", 1)[0].strip().lower()
    return media.endswith(("/json", "+json"))


def _typed_text(text: str, tp: Any) -> Any:
    """A text body as the declared type ``tp`` when it fits (``"42"`` for an integer), else the
    text itself."""
    if tp is None or tp is str or tp is Any:
        return text
    try:
        return type_adapter(tp).validate_python(text)
    except pydantic.ValidationError:
        return text


class APIResponse(Generic[R]):
    """A received HTTP response plus lazy access to its parsed value.

    Returned by methods wrapped with ``raw_method`` (the
    ``with_raw_response`` accessors). The body has already been read, so the same
    class serves the sync and the async client.
    """

    def __init__(
        self,
        http_response: httpx.Response,
        parser: Callable[[], R],
        *,
        retries_taken: int = 0,
    ) -> None:
        self.http_response = http_response
        """The underlying ``httpx.Response``."""
        self.retries_taken = retries_taken
        """How many retries were needed before this response (0 = first attempt)."""
        self._parser = parser
        self._parsed: list[R] = []

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (case-insensitive)."""
        return self.http_response.headers

    @property
    def request(self) -> httpx.Request:
        """The ``httpx.Request`` that produced this response."""
        return self.http_response.request

    @property
    def url(self) -> httpx.URL:
        """The URL that was requested."""
        return self.http_response.request.url

    @property
    def elapsed(self) -> datetime.timedelta:
        """Time from sending the request to reading the whole response."""
        return self.http_response.elapsed

    @property
    def content(self) -> bytes:
        """The raw body bytes."""
        return self.http_response.content

    @property
    def text(self) -> str:
        """The body decoded as text."""
        return self.http_response.text

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` (or ``request-id``) response header, if any."""
        return request_id_of(self.http_response)

    def json(self) -> Any:
        """The body decoded as JSON, without validation.

        Raises:
            ValueError: if the body is not JSON.
        """
        return decode_json(self.http_response)

    def parse(self) -> R:
        """Return what the method would have returned without raw mode.

        Parsed on the first call and cached (a paginated method gives its page).

        Raises:
            APIResponseValidationError: when the body does not match the schema.
        """
        if not self._parsed:
            self._parsed.append(self._parser())
        return self._parsed[0]

    def __repr__(self) -> str:
        return (
            f"<APIResponse [{self.status_code} {self.http_response.reason_phrase}] "
            f"{self.request.method} {self.url.copy_with(query=None, username=None, password=None)}>"
        )


def take_raw_response_request() -> list[APIResponse[Any]] | None:
    """Return where the current call's ``APIResponse`` goes when it asked for a raw response
    (``None`` when it did not), and clear the request.

    Called once by the client's ``request()`` on entry, so requests made while
    handling the call (token refresh, next pages) are not raw.
    """
    slot = _raw_response_slot.get()
    if slot is not None:
        _raw_response_slot.set(None)
    return slot


def raw_method(func: Callable[P, R]) -> Callable[P, APIResponse[R]]:
    """Wrap a sync API method so that it returns ``APIResponse[R]`` instead of ``R``.

    The wrapper sets a context variable that the client's ``request()`` reads and fills
    with the response; the method must call ``request()`` exactly once, and what the
    method itself returns does not matter (a method typed ``-> None`` returns nothing).
    Status errors are still raised.

    Raises:
        TypeError: if the wrapped method made no request through the client.
    """

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        slot: list[APIResponse[Any]] = []
        token = _raw_response_slot.set(slot)
        try:
            func(*args, **kwargs)
        finally:
            _raw_response_slot.reset(token)
        return _ensure_response(slot)

    return wrapped


def async_raw_method(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[APIResponse[R]]]:
    """Wrap an async API method so that it returns ``APIResponse[R]`` instead of ``R``.

    Same contract as ``raw_method``.
    """

    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        slot: list[APIResponse[Any]] = []
        token = _raw_response_slot.set(slot)
        try:
            await func(*args, **kwargs)
        finally:
            _raw_response_slot.reset(token)
        return _ensure_response(slot)

    return wrapped


def _ensure_response(slot: list[APIResponse[Any]]) -> APIResponse[Any]:
    if not slot:
        raise TypeError("A raw-response method must make exactly one request through the client")
    return slot[0]
