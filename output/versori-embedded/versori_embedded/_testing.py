"""The test kit's mock of the API (the generated ``testing`` module builds it for each client).

A :class:`MockAPIBase` is an ``httpx`` transport that answers each request with what the test
told the operation it reaches (found by method and path template), and records it. Each
operation is an :class:`OperationMock`, addressed like the client's method
(``mock.connections.get_connection``). Clients built by the mock (``mock.client()``,
``mock.async_client()``) also record each call's keyword arguments as the caller passed them.
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import importlib
import inspect
import itertools
import json
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar, cast

import httpx
import pydantic
import pydantic_core

from ._fakes import Facts, fake_value
from ._pagination import (
    AsyncPager,
    CursorPagination,
    LinkHeaderPagination,
    OffsetPagination,
    PageNumberPagination,
    extract_field,
)

__all__ = ["Call", "MockAPIBase", "NotSetUp", "OperationMock", "Reply", "reply"]

#: The base URL of the clients the mock builds.
MOCK_BASE_URL = "https://mock.api.test"
#: The query parameter the mock's ``Link`` pages carry.
_LINK_PAGE = "mock_page"

_O = TypeVar("_O")

_current_call: contextvars.ContextVar[tuple[OperationMock, Call] | None] = contextvars.ContextVar(
    "mock_current_call", default=None
)


class NotSetUp(AssertionError):
    """A request reached an operation the test did not tell what to answer (or no operation)."""


@dataclasses.dataclass
class Call:
    """One call of an operation: ``kwargs`` as the caller passed them (for a client the mock
    built; else the parameters read back from the request, by Python name, as sent) and the
    requests it made (several when it was retried)."""

    operation: str
    kwargs: dict[str, Any]
    requests: list[httpx.Request] = dataclasses.field(default_factory=lambda: [])
    #: When its first request was made, among every call of the process.
    seq: int = 0

    @property
    def request(self) -> httpx.Request:
        """The last request the call made (the raw ``httpx.Request``)."""
        return self.requests[-1]

    def json(self) -> Any:
        """The last request's body decoded as JSON (``None`` when it has none)."""
        content = self.request.content
        return json.loads(content) if content else None


@dataclasses.dataclass(frozen=True)
class Reply:
    """An answer given as HTTP: ``status``, a ``body`` (JSON data or a model, sent as JSON; ``str``
    as text; ``bytes`` as they are; ``None``: no body) and ``headers``."""

    status: int
    body: Any = None
    headers: Mapping[str, str] | None = None


def reply(status: int, body: Any = None, *, headers: Mapping[str, str] | None = None) -> Reply:
    """An answer of ``status`` with ``body`` and ``headers``: a step of ``returns(...)`` (a 503
    before a success, to test retries) or what a callable given to ``returns`` answers."""
    return Reply(status, body, headers)


@dataclasses.dataclass(frozen=True)
class _Events:
    events: tuple[Any, ...]


def to_wire(value: Any) -> Any:
    """JSON data of ``value`` as a server would send it (models by their JSON names)."""
    return pydantic_core.to_jsonable_python(value, by_alias=True)


class OperationMock:
    """One operation of the mock: what it answers (``returns``, ``raises``) and its ``calls``."""

    def __init__(
        self,
        name: str,
        endpoint: Any,
        params: Sequence[tuple[str, str, str]],
        body_arg: str | None,
        facts: Facts,
    ) -> None:
        self.name = name
        """The operation as the client calls it: ``connections.get_connection``."""
        self.endpoint = endpoint
        self.calls: list[Call] = []
        """Every call made so far, in order."""
        self._params = tuple(params)
        self._body_arg = body_arg
        self._facts = facts
        self._script: list[Any] | None = None
        self._repeat = True
        self._pages: list[list[Any]] | None = None
        self._step = 0
        self._pattern, self._literal = _path_pattern(endpoint.path)

    def __repr__(self) -> str:
        return f"<OperationMock {self.name} {self.endpoint.method} {self.endpoint.path}>"

    @property
    def call_count(self) -> int:
        """How many calls were made."""
        return len(self.calls)

    @property
    def is_set_up(self) -> bool:
        """Whether the test told the operation what to answer."""
        return self._script is not None or self._pages is not None

    @property
    def called(self) -> bool:
        """Whether the operation was called."""
        return bool(self.calls)

    def returns(
        self,
        *values: Any,
        pages: Iterable[Iterable[Any]] | None = None,
        events: Iterable[Any] | None = None,
    ) -> OperationMock:
        """Tell the operation what to answer, for every call from now on.

        - ``returns(value)``: every request gets ``value`` (a model, a list, JSON data, ``None``)
          with the operation's success status; a callable is called with each
          ``httpx.Request`` and answers what it returns (a value, a :func:`reply`, an
          ``httpx.Response``); an exception instance (``httpx.ConnectError(...)``) is raised as
          the transport's.
        - ``returns(a, b, c)``: one answer per request, in order (a :func:`reply` of 503 then a
          value tests retries); a request after the last fails with ``NotSetUp``.
        - ``returns(pages=[[item, item], [item]])``: a paginated operation's pages of items, the
          page bodies built around them (other fields faked) and linked as its pagination says.
        - ``returns(events=[e1, e2])``: a ``text/event-stream`` of one ``data:`` event per value.

        Returns the operation, so a test may write ``mock.x.y.returns(v).calls``.
        """
        if pages is not None:
            if values or events is not None:
                raise TypeError("returns() takes values, pages= or events=, one of them")
            if getattr(self.endpoint, "pagination", None) is None:
                raise TypeError(
                    f"{self.name} is not paginated: give returns() the value of its response"
                )
            self._pages, self._script = [list(p) for p in pages], None
        elif events is not None:
            if values:
                raise TypeError("returns() takes values, pages= or events=, one of them")
            self._pages, self._script, self._repeat = None, [_Events(tuple(events))], True
        else:
            if any(isinstance(v, type) for v in values):
                raise TypeError(
                    "returns() takes values, not classes: use fake(models.X) for a valid one"
                )
            self._pages = None
            self._script, self._repeat = (list(values) or [None]), len(values) <= 1
        self._step = 0
        return self

    def raises(
        self, status: int, body: Any = None, *, headers: Mapping[str, str] | None = None
    ) -> OperationMock:
        """Answer every call with the error ``status`` and ``body`` (JSON data or the error model):
        the call raises the client's typed error for it (``NotFoundError`` for 404...)."""
        if status < 400:
            raise ValueError("raises() takes an error status (400 or more)")
        self._pages, self._script, self._repeat, self._step = (
            None,
            [Reply(status, body, headers)],
            True,
            0,
        )
        return self

    def returns_fake(self, seed: int = 0) -> OperationMock:
        """Answer a valid fake of the operation's response (``fake`` of its type; one page of
        fake items for a paginated operation; ``None`` when it returns nothing)."""
        model = self._success_type()
        try:
            value = fake_value(model, seed=seed, facts=self._facts) if model is not None else None
        except TypeError:
            value = None
        strategy = getattr(self.endpoint, "pagination", None)
        if strategy is not None:
            items = extract_field(value, getattr(strategy, "items_field", None))
            page: list[Any] = []
            if isinstance(items, list):
                page.extend(cast("Iterable[Any]", items))
            return self.returns(pages=[page])
        return self.returns(value)

    def reset(self) -> None:
        """Forget what the operation answers and its calls."""
        self.calls.clear()
        self._script, self._pages, self._step = None, None, 0

    # --- serving ---------------------------------------------------------------------------

    def _matches(self, request: httpx.Request) -> dict[str, str] | None:
        if request.method != self.endpoint.method:
            return None
        found = self._pattern.search(request.url.path)
        return found.groupdict() if found else None

    def _record(self, request: httpx.Request, path_values: Mapping[str, str]) -> Call:
        current = _current_call.get()
        if current is not None and current[0] is self:
            call = current[1]  # a call of a client the mock built: its keyword arguments
        else:
            call = Call(self.name, self._read_kwargs(request, path_values))
        if not call.requests:
            call.seq = next(_sequence)
            self.calls.append(call)
        call.requests.append(request)
        return call

    def _read_kwargs(
        self, request: httpx.Request, path_values: Mapping[str, str]
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        for py, wire, where in self._params:
            if where == "path" and _group(wire) in path_values:
                kwargs[py] = path_values[_group(wire)]
            elif where == "query" and wire in request.url.params:
                values = request.url.params.get_list(wire)
                kwargs[py] = values[0] if len(values) == 1 else values
            elif where == "header" and wire in request.headers:
                kwargs[py] = request.headers[wire]
        if self._body_arg and request.content:
            ctype = request.headers.get("content-type", "")
            kwargs[self._body_arg] = (
                json.loads(request.content) if "json" in ctype else request.content
            )
        return kwargs

    def _answer(self, request: httpx.Request) -> httpx.Response:
        if self._pages is not None:
            return self._page(request)
        if self._script is None:
            raise NotSetUp(
                f"{self.name} ({self.endpoint.method} {self.endpoint.path}) was called but the test "
                f"did not set it up: tell the mock what to answer first, with "
                f"mock.{self.name}.returns(value) (fake(...) builds a valid model) or "
                f"mock.{self.name}.raises(status, body)"
            )
        if self._step >= len(self._script):
            raise NotSetUp(
                f"{self.name} was called {self._step + 1} times but returns() was given "
                f"{len(self._script)} answers"
            )
        value = self._script[self._step]
        if not self._repeat:
            self._step += 1
        return self._respond(request, value)

    def _respond(
        self, request: httpx.Request, value: Any, callable_ok: bool = True
    ) -> httpx.Response:
        if isinstance(value, httpx.Response):
            return value
        if isinstance(value, BaseException):
            raise value
        if isinstance(value, Reply):
            return _http(value.status, value.body, value.headers)
        if isinstance(value, _Events):
            text = "".join(f"data: {_sse_data(e)}\n\n" for e in value.events)
            return httpx.Response(200, text=text, headers={"content-type": "text/event-stream"})
        if callable_ok and callable(value) and not isinstance(value, (pydantic.BaseModel, type)):
            return self._respond(
                request, cast("Callable[[httpx.Request], Any]", value)(request), False
            )
        status, kind = self._success()
        if kind == "none" or (value is None and kind != "json"):
            return httpx.Response(status)
        if value is None:  # JSON null (an untyped response, or one the schema lets be null)
            return httpx.Response(
                status, content=b"null", headers={"content-type": "application/json"}
            )
        if kind == "text":
            return httpx.Response(status, text=str(value), headers={"content-type": "text/plain"})
        if kind == "binary":
            data = value if isinstance(value, bytes) else str(value).encode()
            return httpx.Response(
                status, content=data, headers={"content-type": "application/octet-stream"}
            )
        return httpx.Response(status, json=to_wire(value))

    def _success(self) -> tuple[int, str]:
        responses = cast("Mapping[int | str, Any]", self.endpoint.responses)
        for key, spec in responses.items():
            if isinstance(key, int) and 200 <= key < 300:
                return key, spec.kind
        for key, spec in responses.items():
            if key in ("2XX", "2xx", "default"):
                return 200, spec.kind
        return 200, "json"

    def _page(self, request: httpx.Request) -> httpx.Response:
        pages = self._pages or []
        strategy = self.endpoint.pagination
        index = _page_index(strategy, request, pages)
        items = [to_wire(i) for i in (pages[index] if index < len(pages) else [])]
        more = index + 1 < len(pages)
        items_field = getattr(strategy, "items_field", None)
        status, _ = self._success()
        model = self._success_type()
        headers: dict[str, str] = {}
        if items_field is None:
            body: Any = items
        else:
            body = (
                to_wire(fake_value(model, seed=index, facts=self._facts))
                if _is_model(model)
                else {}
            )
            _set_path(body, items_field, items)
            if isinstance(strategy, CursorPagination):
                last = "" if _required(model, strategy.next_field) else None
                _set_path(body, strategy.next_field, f"page-{index + 1}" if more else last)
            if isinstance(strategy, OffsetPagination) and strategy.total_field:
                _set_path(body, strategy.total_field, sum(len(p) for p in pages))
        if isinstance(strategy, LinkHeaderPagination) and more:
            url = request.url.copy_set_param(_LINK_PAGE, str(index + 1))
            headers["link"] = f'<{url}>; rel="next"'
        return _http(status, body, headers)

    def _success_type(self) -> Any:
        responses = cast("Mapping[int | str, Any]", self.endpoint.responses)
        for key, spec in responses.items():
            if isinstance(key, int) and 200 <= key < 300 or key in ("2XX", "default"):
                return spec.type
        return None


def _http(status: int, body: Any, headers: Mapping[str, str] | None) -> httpx.Response:
    if body is None:
        return httpx.Response(status, headers=dict(headers or {}))
    if isinstance(body, bytes):
        return httpx.Response(status, content=body, headers=dict(headers or {}))
    if isinstance(body, str):
        return httpx.Response(
            status, text=body, headers={"content-type": "text/plain", **(headers or {})}
        )
    return httpx.Response(status, json=to_wire(body), headers=dict(headers or {}))


def _sse_data(event: Any) -> str:
    return event if isinstance(event, str) else json.dumps(to_wire(event), separators=(",", ":"))


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, pydantic.BaseModel)


def _required(model: Any, alias: str) -> bool:
    if not _is_model(model) or "." in alias:
        return False
    for name, info in cast("type[pydantic.BaseModel]", model).model_fields.items():
        if alias in (name, info.alias):
            return info.is_required()
    return False


def _set_path(body: Any, path: str, value: Any) -> None:
    if not isinstance(body, dict):
        return
    *heads, last = path.split(".")
    node = cast("dict[str, Any]", body)
    for head in heads:
        node = node.setdefault(head, {})
    node[last] = value


def _page_index(strategy: Any, request: httpx.Request, pages: list[list[Any]]) -> int:
    params = request.url.params

    def number(name: str | None, default: int) -> int:
        raw = params.get(name) if name else None
        return int(raw) if raw and raw.lstrip("-").isdigit() else default

    if isinstance(strategy, CursorPagination):
        cursor = params.get(strategy.cursor_param) or ""
        return int(cursor[5:]) if cursor.startswith("page-") and cursor[5:].isdigit() else 0
    if isinstance(strategy, OffsetPagination):
        offset, start = number(strategy.offset_param, 0), 0
        for index, page in enumerate(pages):
            if offset <= start:
                return index
            start += len(page)
        return len(pages)
    if isinstance(strategy, PageNumberPagination):
        return max(0, number(strategy.page_param, strategy.first_page) - strategy.first_page)
    return number(_LINK_PAGE, 0)


def _group(name: str) -> str:
    return "p_" + re.sub(r"\W", lambda m: f"_{ord(m.group()):x}_", name)


def _path_pattern(path: str) -> tuple[re.Pattern[str], int]:
    """A regex matching the end of a request path for the template ``path`` (each ``{name}`` one
    segment), and the count of its literal characters (the more, the more specific)."""
    parts = re.split(r"(\{[^}]*\})", path)
    regex, literal = "", 0
    for part in parts:
        if part.startswith("{") and part.endswith("}"):
            regex += f"(?P<{_group(part[1:-1])}>[^/]*)"
        else:
            regex += re.escape(part)
            literal += len(part)
    return re.compile(regex + "$"), literal


class MockAPIBase:
    """The mock of an API: an ``httpx`` transport (``transport``) answering every operation as the
    test set it up, and clients wired to it (``client()``, ``async_client()``). The generated
    ``MockAPI`` adds one attribute per resource, holding its operations' :class:`OperationMock`."""

    _client_class: Any = None
    _async_client_class: Any = None
    #: Every credential argument of the clients, given a test value by ``client()``.
    _credentials: tuple[str, ...] = ()
    #: What the schema says of each model's fields beyond their types (see ``fake_value``).
    _facts: ClassVar[Facts] = {}

    def __init__(self) -> None:
        self._operations: list[OperationMock] = []
        self.transport = httpx.MockTransport(self._handle)
        """An ``httpx`` transport serving the mock: ``httpx.Client(transport=mock.transport)`` (or
        ``httpx.AsyncClient``) passed as a client's ``http_client`` points it at the mock."""

    def _add(
        self,
        name: str,
        module: str,
        endpoint: str,
        params: Sequence[tuple[str, str, str]],
        body_arg: str | None,
    ) -> OperationMock:
        """The mock of the operation ``name`` (``resource.method``), whose ``Endpoint`` is the
        constant ``endpoint`` of the package's module ``resources.<module>``; ``params`` are its
        parameters as ``(Python name, wire name, location)``."""
        package = type(self).__module__.rpartition(".")[0]
        found = getattr(importlib.import_module(f"{package}.resources.{module}"), endpoint)
        operation = OperationMock(name, found, params, body_arg, self._facts)
        self._operations.append(operation)
        self._operations.sort(key=lambda o: -o._literal)  # pyright: ignore[reportPrivateUsage]
        return operation

    def _resource(self, operations: _O, attr: str, module: str, table: Mapping[str, str]) -> _O:
        """``operations`` (a generated ``...Operations``) given the mock of each operation of the
        client's resource ``attr`` (module ``resources.<module>``). ``table`` maps each method to
        its parameters: space-separated ``location:python_name`` tokens, with ``=wire_name``
        (percent-encoded) when the wire name differs; location ``body`` names the body argument."""
        for method, spec in table.items():
            params: list[tuple[str, str, str]] = []
            body_arg: str | None = None
            for token in spec.split():
                where, _, name = token.partition(":")
                py, _, wire = name.partition("=")
                if where == "body":
                    body_arg = py
                else:
                    params.append((py, urllib.parse.unquote(wire) if wire else py, where))
            mock = self._add(f"{attr}.{method}", module, "_" + method.upper(), params, body_arg)
            setattr(operations, method, mock)
        return operations

    @property
    def calls(self) -> list[Call]:
        """Every call of every operation, in the order their first requests were made."""
        every = [c for o in self._operations for c in o.calls]
        return sorted(every, key=lambda c: c.seq)

    def fake_all(self, seed: int = 0) -> None:
        """Every operation not set up yet answers a valid fake of its response
        (``OperationMock.returns_fake``): for a test that needs the calls to succeed and checks
        what was sent."""
        for operation in self._operations:
            if not operation.is_set_up:
                operation.returns_fake(seed)

    def reset(self) -> None:
        """Forget what every operation answers and every call."""
        for operation in self._operations:
            operation.reset()

    def client(self, **kwargs: Any) -> Any:
        """A ``Client`` wired to the mock (a test credential, no retry delays); ``kwargs`` are the
        ``Client``'s own (``max_retries=0``...)."""
        return self._wire(self._client_class, httpx.Client, kwargs, False)

    def async_client(self, **kwargs: Any) -> Any:
        """An ``AsyncClient`` wired to the mock, as :meth:`client`."""
        return self._wire(self._async_client_class, httpx.AsyncClient, kwargs, True)

    def _wire(self, cls: Any, http_class: Any, kwargs: dict[str, Any], is_async: bool) -> Any:
        for name in self._credentials:
            kwargs.setdefault(name, f"test-{name}")
        kwargs.setdefault("base_url", MOCK_BASE_URL)
        kwargs.setdefault("http_client", http_class(transport=self.transport))
        client = cls(**kwargs)
        client._initial_retry_delay = 0.0
        client._max_retry_delay = 0.0
        client._max_retry_after = 0.0
        for operation in self._operations:
            resource_attr, method = operation.name.split(".", 1)
            resource = getattr(client, resource_attr)
            original = getattr(resource, method)
            setattr(resource, method, _recording(operation, original, is_async))
        return client

    def _handle(self, request: httpx.Request) -> httpx.Response:
        # the operation a kit-built client is calling first: two operations may share a method
        # and path (variants of one path told apart by a '#fragment' of the spec's path key)
        current = _current_call.get()
        calling = [current[0]] if current is not None and current[0] in self._operations else []
        for operation in calling + self._operations:
            values = operation._matches(request)  # pyright: ignore[reportPrivateUsage]
            if values is not None:
                operation._record(request, values)  # pyright: ignore[reportPrivateUsage]
                return operation._answer(request)  # pyright: ignore[reportPrivateUsage]
        raise NotSetUp(f"no operation of the API is {request.method} {request.url.path}")


#: Numbers the calls in the order their first requests were made (``MockAPIBase.calls``).
_sequence = itertools.count(1)


def _recording(
    operation: OperationMock, method: Callable[..., Any], is_async: bool
) -> Callable[..., Any]:
    """``method`` recording each call's keyword arguments on ``operation``."""
    if is_async and inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def async_wrapper(**kwargs: Any) -> Any:
            token = _current_call.set((operation, Call(operation.name, dict(kwargs))))
            try:
                return await method(**kwargs)
            finally:
                _current_call.reset(token)

        return async_wrapper

    @functools.wraps(method)
    def wrapper(**kwargs: Any) -> Any:
        token = _current_call.set((operation, Call(operation.name, dict(kwargs))))
        try:
            result = method(**kwargs)
        finally:
            _current_call.reset(token)
        if isinstance(result, AsyncPager):
            # an async list method sends nothing until awaited or iterated: the call is current
            # then (a call of its own each time it fetches the first page anew)
            pager: AsyncPager[Any, Any] = result  # pyright: ignore[reportUnknownVariableType]

            async def first_page() -> Any:
                token = _current_call.set((operation, Call(operation.name, dict(kwargs))))
                try:
                    return await pager._first_page()  # pyright: ignore[reportPrivateUsage]
                finally:
                    _current_call.reset(token)

            return AsyncPager(first_page)
        return result

    return wrapper
