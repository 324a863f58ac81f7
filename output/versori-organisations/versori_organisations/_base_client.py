"""The sync and async HTTP clients: configuration, building a call, and the send loop.

Everything that does no I/O lives in ``_BaseClient`` and in the modules it uses, so
``SyncAPIClient`` and ``AsyncAPIClient`` only differ in how they send and sleep:
``_request`` (endpoints, a call's parts, its body and each attempt's request), ``_send``
(the retry decisions) and ``_result`` (responses into results, pages and errors).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Mapping, Sequence
from typing import IO, Any, Generic, Self, TypeVar, Unpack, cast

import httpx

from ._auth import ApiKeyAuth, Auth, BasicAuth, BearerAuth, select_auths
from ._constants import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
)
from ._hooks import Hooks, RequestHook, ResponseHook, RetryHook
from ._logging import setup_logging
from ._options import check_options, copy_client, idempotency_header_value, option_changes
from ._pagination import (
    AsyncPage,
    AsyncPager,
    PageRequest,
    PaginationStrategy,
    SyncPage,
)
from ._qs import (
    BodyEncoding,
    cookie_pairs,
    drop_absent,
    encode_header_value,
    encode_path,
    query_pairs,
)
from ._request import (
    Call,
    CallParams,
    Endpoint,
    PagedEndpoint,
    StreamEndpoint,
    fixed_parts,
    prepare_body,
    with_page_request,
)
from ._response import ResponseSpec, take_raw_response_request
from ._result import new_page, to_result
from ._send import Attempts, SharedHttp, transport_error
from ._streamed_response import afinish, finish, reads_in_pieces
from ._streaming import AsyncStream, Stream
from ._types import NOT_GIVEN, NotGiven, RequestOptions, Timeout

__all__ = [
    "ApiKeyAuth",
    "AsyncAPIClient",
    "Auth",
    "BasicAuth",
    "BearerAuth",
    "CallParams",
    "Endpoint",
    "PagedEndpoint",
    "ResponseSpec",
    "StreamEndpoint",
    "SyncAPIClient",
]

_PACKAGE = (__package__ or __name__).split(".")[0]
setup_logging()  # <PACKAGE>_LOG=info|debug

_HttpxClientT = TypeVar("_HttpxClientT", httpx.Client, httpx.AsyncClient)


_T = TypeVar("_T")
_PageT = TypeVar("_PageT")
_ItemT = TypeVar("_ItemT")


def _present(value: object) -> bool:
    return value is not None and not isinstance(value, NotGiven)


def _to_timeout(value: Timeout) -> httpx.Timeout:
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


def _default_user_agent() -> str:
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"{_PACKAGE} (python {python}; httpx {httpx.__version__})"


class _BaseClient(Generic[_HttpxClientT]):
    """Configuration, and the I/O-free steps that read it, shared by the sync and async
    clients: a call's parts (``_prepare``) and its attempts' backoff (``_attempts``); the
    other steps are in ``_request``, ``_send`` and ``_result``."""

    @property
    def _http(self) -> _HttpxClientT:
        return self._shared_http.get()

    #: The httpx client class a client creates when it is not given one.
    _http_class: type[_HttpxClientT]
    #: The security of an operation that declares none of its own (the document's top-level
    #: ``security``: alternatives, each the schemes that must all be sent); a generated client
    #: sets it.
    _default_security: tuple[tuple[str, ...], ...] = ()
    #: The header the configuration names for idempotency keys: every POST/PATCH sends one.
    _idempotency_header: str | None = None

    def __init__(
        self,
        *,
        base_url: str | httpx.URL,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_non_idempotent: bool = False,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: _HttpxClientT | None = None,
        user_agent: str | None = None,
        auth: Mapping[str, Auth] | None = None,
        http_auth: httpx.Auth | None = None,
        on_request: RequestHook | None = None,
        on_response: ResponseHook | None = None,
        on_retry: RetryHook | None = None,
        initial_retry_delay: float = INITIAL_RETRY_DELAY,
        max_retry_delay: float = MAX_RETRY_DELAY,
        max_retry_after: float = MAX_RETRY_AFTER,
    ) -> None:
        url = httpx.URL(base_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError("base_url must be an absolute http(s) URL")
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.base_url = url.copy_with(query=None, fragment=None)
        """The URL every operation path is appended to."""
        if isinstance(timeout, NotGiven):
            self.timeout = (http_client.timeout if http_client else None) or DEFAULT_TIMEOUT
        else:
            self.timeout = _to_timeout(timeout)
        """Default timeout of every request."""
        self.max_retries = max_retries
        """Default number of retries after the first attempt."""
        self.retry_non_idempotent = retry_non_idempotent
        """Whether POST/PATCH are retried on every retryable failure by default."""
        self._default_headers = dict(default_headers or {})
        self._default_query = dict(default_query or {})
        self._user_agent = user_agent or _default_user_agent()
        self._auth = dict(auth or {})
        self._http_auth: httpx.Auth | None = http_auth
        self._hooks = Hooks(on_request, on_response, on_retry)
        self._initial_retry_delay = initial_retry_delay
        self._max_retry_delay = max_retry_delay
        self._max_retry_after = max_retry_after
        self._url_base: httpx.URL | None = None
        self._url_prefix = ""
        self._owns_http = http_client is None
        given, cls, timeout = http_client, self._http_class, self.timeout

        def make() -> _HttpxClientT:  # (refers to no self: no reference cycle)
            return given or cls(timeout=timeout, follow_redirects=True)

        self._shared_http: SharedHttp[_HttpxClientT] = SharedHttp(make)

    def __repr__(self) -> str:
        shown = self.base_url.copy_with(username=None, password=None)
        return f"<{type(self).__name__} base_url={str(shown)!r}>"

    def with_options(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        retry_non_idempotent: bool | None = None,
        default_headers: Mapping[str, str | None] | None = None,
        default_query: Mapping[str, object] | None = None,
        on_request: RequestHook | None = None,
        on_response: ResponseHook | None = None,
        on_retry: RetryHook | None = None,
    ) -> Self:
        """A copy of this client with some defaults changed, sharing its connection pool,
        credentials (and OAuth 2.0 token cache) and ``base_url``. ``default_headers`` and
        ``default_query`` are added to this client's (a ``None`` header value removes one);
        a hook given replaces this client's. Closing the copy leaves the pool open.

        Raises:
            ValueError: ``max_retries`` is negative.
        """
        from ._resource import AsyncAPIResource, SyncAPIResource

        changes = option_changes(
            timeout=NOT_GIVEN if isinstance(timeout, NotGiven) else _to_timeout(timeout),
            max_retries=max_retries,
            retry_non_idempotent=retry_non_idempotent,
            default_headers=(
                {**self._default_headers, **default_headers} if default_headers else None
            ),
            default_query={**self._default_query, **default_query} if default_query else None,
        )
        changes["_hooks"] = self._hooks.merged(on_request, on_response, on_retry)
        return copy_client(self, changes, (SyncAPIResource, AsyncAPIResource))

    # -- building -------------------------------------------------------------

    def _url_for(self, path: str) -> httpx.URL:
        if path.startswith(("http://", "https://")):
            return httpx.URL(path)
        base = self.base_url
        if base is not self._url_base:  # base_url is public: follow a reassignment
            self._url_base, self._url_prefix = base, str(base).rstrip("/")
        return httpx.URL(self._url_prefix + "/" + path.lstrip("/"))

    def _prepare(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        query_styles: Mapping[str, tuple[str, bool] | tuple[str, bool, bool]] | None,
        path_styles: Mapping[str, tuple[str, bool]] | None,
        header_styles: Mapping[str, tuple[str, bool]] | None,
        headers: Mapping[str, object] | None,
        cookies: Mapping[str, object] | None,
        json: object,
        form: Mapping[str, object] | NotGiven,
        multipart: Mapping[str, object] | NotGiven,
        content: bytes | str | IO[bytes] | os.PathLike[str] | NotGiven,
        content_type: str | None,
        encodings: Mapping[str, Mapping[str, BodyEncoding]] | None,
        security: Sequence[Sequence[str]] | None,
        responses: Mapping[int | str, ResponseSpec],
        errors: Mapping[int | str, Any] | None,
        pagination: PaginationStrategy | None,
        options: RequestOptions | None,
        read_streams: bool,
        idempotency_header: str | None = None,
    ) -> Call:
        """Validate and encode one call's inputs. Raises ``ValueError``/``TypeError``
        for invalid input, before any I/O."""
        opts: RequestOptions = options or {}
        check_options(opts)
        url = self._url_for(encode_path(path, path_params or {}, path_styles))
        encoded_query = query_pairs(self._default_query)
        encoded_query += query_pairs(query or {}, query_styles)
        encoded_query += query_pairs(opts.get("extra_query") or {})

        # by lower-case name, as httpx.Headers replaces (a later value wins, in the first's place)
        header_map = {"user-agent": ("User-Agent", self._user_agent)}
        if responses and all(spec.kind in ("json", "sse") for spec in responses.values()):
            accepted = dict.fromkeys(spec.accept for spec in responses.values())
            header_map["accept"] = ("Accept", ", ".join(accepted))
        for name, text in self._default_headers.items():
            header_map[name.lower()] = (name, encode_header_value(name, text))
        exploded = {name for name, (_, explode) in (header_styles or {}).items() if explode}
        for name, param in drop_absent(headers):
            header_map[name.lower()] = (name, encode_header_value(name, param, name in exploded))

        body = prepare_body(
            json=json,
            form=form,
            multipart=multipart,
            content=content,
            content_type=content_type,
            extra_body=opts.get("extra_body"),
            read_streams=read_streams,
            encodings=encodings,
        )
        if body.content_type is not None:
            header_map["content-type"] = ("Content-Type", body.content_type)
        idempotency = idempotency_header_value(
            method,
            declared=idempotency_header,
            configured=self._idempotency_header,
            given=opts.get("idempotency_key"),
            present=header_map,
        )
        if idempotency is not None:  # one key for every attempt of the call
            header_map[idempotency[0].lower()] = idempotency
        extra_headers = tuple(
            (name, None if not _present(value) else encode_header_value(name, value))
            for name, value in (opts.get("extra_headers") or {}).items()
        )

        timeout = opts.get("timeout", NOT_GIVEN)
        max_retries = opts.get("max_retries")
        retry_non_idempotent = opts.get("retry_non_idempotent")
        retries = max_retries if isinstance(max_retries, int) else self.max_retries
        if not body.replayable:
            retries = 0  # a non-seekable stream cannot be sent twice
        return Call(
            method=method.upper(),
            url=url,
            query=tuple(encoded_query),
            headers=tuple(header_map.values()),
            extra_headers=extra_headers,
            cookies=cookie_pairs(cookies),
            auths=select_auths(
                self._default_security if security is None else security, self._auth
            ),
            body=body,
            timeout=(self.timeout if isinstance(timeout, NotGiven) else _to_timeout(timeout)),
            max_retries=max(retries, 0),
            retry_non_idempotent=(
                retry_non_idempotent
                if isinstance(retry_non_idempotent, bool)
                else self.retry_non_idempotent
            ),
            responses=responses,
            errors=errors,
            pagination=pagination,
            idempotency_header=idempotency[0] if idempotency else idempotency_header,
        )

    def _attempts(self, call: Call) -> Attempts:
        """The attempts at sending ``call``, with this client's backoff bounds."""
        return Attempts(
            call,
            initial_delay=self._initial_retry_delay,
            max_delay=self._max_retry_delay,
            max_retry_after=self._max_retry_after,
        )


class SyncAPIClient(_BaseClient[httpx.Client]):
    """A synchronous HTTP client for one API, with retries, timeouts and typed errors.

    Args (all keyword-only):
        base_url: absolute http(s) URL that operation paths are appended to.
        timeout: default per-request timeout (seconds, ``httpx.Timeout`` or ``None``
            for no limit); defaults to the ``http_client``'s, else ``DEFAULT_TIMEOUT``.
        max_retries: default retries after the first attempt (``0`` disables them).
        retry_non_idempotent: retry POST/PATCH on every retryable failure, not only
            on connection errors.
        default_headers: headers sent with every request.
        default_query: query parameters sent with every request.
        http_client: an ``httpx.Client`` to use; the caller keeps ownership and
            ``close()`` leaves it open.
        user_agent: the ``User-Agent`` header.
        auth: security scheme name (as in the spec) -> credential applier.
        http_auth: an ``httpx.Auth`` applied to every request (after ``auth``).
        on_request, on_response, on_retry: hooks (see ``_hooks``).
        initial_retry_delay, max_retry_delay: backoff bounds in seconds.
        max_retry_after: the largest ``Retry-After`` (seconds) that is honoured.

    Use as a context manager or call ``close()``.
    """

    _http_class = httpx.Client

    def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        query_styles: Mapping[str, tuple[str, bool] | tuple[str, bool, bool]] | None = None,
        path_styles: Mapping[str, tuple[str, bool]] | None = None,
        header_styles: Mapping[str, tuple[str, bool]] | None = None,
        headers: Mapping[str, object] | None = None,
        cookies: Mapping[str, object] | None = None,
        json: object = NOT_GIVEN,
        form: Mapping[str, object] | NotGiven = NOT_GIVEN,
        multipart: Mapping[str, object] | NotGiven = NOT_GIVEN,
        content: bytes | str | IO[bytes] | os.PathLike[str] | NotGiven = NOT_GIVEN,
        content_type: str | None = None,
        encodings: Mapping[str, Mapping[str, BodyEncoding]] | None = None,
        security: Sequence[Sequence[str]] | None = None,
        responses: Mapping[int | str, ResponseSpec],
        errors: Mapping[int | str, Any] | None = None,
        pagination: PaginationStrategy | None = None,
        options: RequestOptions | None = None,
        idempotency_header: str | None = None,
    ) -> Any:
        """Send one API operation and return its parsed result.

        Args:
            method: HTTP method.
            path: path template relative to ``base_url`` (``/orgs/{org_id}``), or an absolute URL.
            path_params: values for the template's placeholders (wire names).
            query, query_styles: query parameters (wire names) and their OpenAPI
                ``(style, explode)``, or ``(style, explode, allowReserved)``; see
                ``_qs.encode_query``. The query string is percent-encoded per RFC 3986
                (``_qs.query_pairs``: a space is ``%20``).
            path_styles, header_styles: the ``(style, explode)`` of path parameters
                (simple, label, matrix; see ``_qs.encode_path``) and of header parameters
                (simple; an exploded object is ``k=v,k2=v2``), when not ``("simple", False)``.
            headers, cookies: header and cookie parameters; ``None``/``NOT_GIVEN``
                values are not sent.
            json, form, multipart, content: at most one body (JSON data or models,
                urlencoded fields, multipart fields, raw bytes/str/binary stream).
            content_type: the body's media type, its ``Content-Type`` (a multipart body's
                gets its boundary).
            encodings: the Encoding Objects of a form (``"form"``) or multipart
                (``"multipart"``) body's properties, by wire name (``_qs.BodyEncoding``).
            security: the operation's security requirements: alternatives, each the
                names of the schemes that must all be sent; the first whose every scheme
                has a configured credential is applied (see ``_auth.select_auths``;
                ``None``: the client's ``_default_security``, the document's top-level
                ``security``).
            responses: declared success responses by status (``200``, ``"2XX"``,
                ``"default"``).
            errors: declared error schema types by status, used for ``.error``.
            pagination: the strategy when the operation returns a page.
            options: per-call ``RequestOptions`` (checked: ``_options.check_options``).
            idempotency_header: the idempotency header the operation declares.

        Returns:
            The parsed body (model, list, str, bytes, ``None``), a ``SyncPage`` (``pagination``),
            a ``Stream`` for an event stream, an ``APIResponse`` of any through ``raw_method``,
            or a ``StreamedAPIResponse`` (body unread) through ``streaming_method``.

        Raises:
            ValueError, TypeError: invalid input (before any I/O).
            APIStatusError: a subclass per status for a non-success response.
            APITimeoutError, APIConnectionError: transport failure after retries.
            APIResponseValidationError: a success body not matching the schema.
        """
        raw = take_raw_response_request()
        call = self._prepare(
            method,
            path,
            path_params=path_params,
            query=query,
            query_styles=query_styles,
            path_styles=path_styles,
            header_styles=header_styles,
            headers=headers,
            cookies=cookies,
            json=json,
            form=form,
            multipart=multipart,
            content=content,
            content_type=content_type,
            encodings=encodings,
            security=security,
            responses=responses,
            errors=errors,
            pagination=pagination,
            options=options,
            read_streams=False,
            idempotency_header=idempotency_header,
        )
        response, retries_taken = self._send(call, stream=reads_in_pieces(raw, call))
        return finish(call, response, retries_taken, raw, self._make_page)

    def call(self, endpoint: Endpoint[_T], **params: Unpack[CallParams]) -> _T:
        """Send one call of ``endpoint`` (what generated resource methods do): ``request`` with
        the endpoint's fixed parts and this call's ``params``. Returns and raises as ``request``."""
        result = self.request(endpoint.method, endpoint.path, **fixed_parts(endpoint, params))
        return cast(_T, result)

    def call_paged(
        self, endpoint: PagedEndpoint[_PageT, _ItemT], **params: Unpack[CallParams]
    ) -> SyncPage[_PageT, _ItemT]:
        """:meth:`call` for an operation that returns pages: its first page, as a ``SyncPage``."""
        result = self.request(
            endpoint.method,
            endpoint.path,
            **fixed_parts(endpoint, params),
            pagination=endpoint.pagination,
        )
        return cast(SyncPage[_PageT, _ItemT], result)

    def call_stream(
        self, endpoint: StreamEndpoint[_ItemT], **params: Unpack[CallParams]
    ) -> Stream[_ItemT]:
        """:meth:`call` for an operation that answers with an event stream: the ``Stream``,
        returned once the status and headers arrive (an error status raises first)."""
        result = self.request(endpoint.method, endpoint.path, **fixed_parts(endpoint, params))
        return cast(Stream[_ItemT], result)

    def _send(self, call: Call, *, stream: bool = False) -> tuple[httpx.Response, int]:
        """Send ``call`` with its retries; the final response, read unless ``stream``."""
        attempts, hooks, http = self._attempts(call), self._hooks, self._http
        outcome: Exception | httpx.Response
        while True:
            secrets = [auth.secret(http, self.base_url) for auth in call.auths]
            request = attempts.start(http, secrets)
            hooks.request(request)
            try:
                response = http.send(
                    request, stream=stream, auth=self._http_auth or httpx.USE_CLIENT_DEFAULT
                )
            except httpx.RequestError as exc:
                delay = attempts.retry_delay(error=exc)
                outcome = transport_error(exc, request)
                if delay is None:
                    raise outcome from exc
            else:
                hooks.response(response)
                if attempts.refresh_credentials(response, secrets):
                    response.close()
                    continue
                delay = attempts.retry_delay(response=response)
                if delay is None:
                    return response, attempts.retries_taken
                response.close()
                outcome = response
            hooks.retry(attempts.retries_taken + 1, outcome, delay)
            time.sleep(delay)
            attempts.retries_taken += 1

    def _make_page(
        self, call: Call, model: Any, body: object, response: httpx.Response
    ) -> SyncPage[Any, Any]:
        def fetch(page: PageRequest) -> SyncPage[Any, Any]:
            next_call = with_page_request(call, page)
            next_response, retries_taken = self._send(next_call)
            result = to_result(next_call, next_response, retries_taken, None, self._make_page)
            return cast(SyncPage[Any, Any], result)

        return new_page(SyncPage, call, model, body, response, fetch)

    @property
    def is_closed(self) -> bool:
        """Whether the underlying ``httpx.Client`` is closed."""
        return self._http.is_closed

    def close(self) -> None:
        """Close the underlying ``httpx.Client`` unless the caller passed it in."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncAPIClient(_BaseClient[httpx.AsyncClient]):
    """An asynchronous HTTP client for one API; same arguments and behaviour as
    ``SyncAPIClient`` (``http_client`` is an ``httpx.AsyncClient``).

    Binary stream bodies (``content=<file>``) are read into memory before sending.
    Use as an async context manager or call ``await close()``.
    """

    _http_class = httpx.AsyncClient

    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        query_styles: Mapping[str, tuple[str, bool] | tuple[str, bool, bool]] | None = None,
        path_styles: Mapping[str, tuple[str, bool]] | None = None,
        header_styles: Mapping[str, tuple[str, bool]] | None = None,
        headers: Mapping[str, object] | None = None,
        cookies: Mapping[str, object] | None = None,
        json: object = NOT_GIVEN,
        form: Mapping[str, object] | NotGiven = NOT_GIVEN,
        multipart: Mapping[str, object] | NotGiven = NOT_GIVEN,
        content: bytes | str | IO[bytes] | os.PathLike[str] | NotGiven = NOT_GIVEN,
        content_type: str | None = None,
        encodings: Mapping[str, Mapping[str, BodyEncoding]] | None = None,
        security: Sequence[Sequence[str]] | None = None,
        responses: Mapping[int | str, ResponseSpec],
        errors: Mapping[int | str, Any] | None = None,
        pagination: PaginationStrategy | None = None,
        options: RequestOptions | None = None,
        idempotency_header: str | None = None,
    ) -> Any:
        """Send one API operation and return its parsed result.

        Same arguments, result and errors as ``SyncAPIClient.request``; a paginated
        operation returns an ``AsyncPage``.
        """
        raw = take_raw_response_request()
        call = self._prepare(
            method,
            path,
            path_params=path_params,
            query=query,
            query_styles=query_styles,
            path_styles=path_styles,
            header_styles=header_styles,
            headers=headers,
            cookies=cookies,
            json=json,
            form=form,
            multipart=multipart,
            content=content,
            content_type=content_type,
            encodings=encodings,
            security=security,
            responses=responses,
            errors=errors,
            pagination=pagination,
            options=options,
            read_streams=True,
            idempotency_header=idempotency_header,
        )
        response, retries_taken = await self._send(call, stream=reads_in_pieces(raw, call))
        return await afinish(call, response, retries_taken, raw, self._make_page)

    async def call(self, endpoint: Endpoint[_T], **params: Unpack[CallParams]) -> _T:
        """Send one call of ``endpoint``: see :meth:`SyncAPIClient.call`."""
        result = await self.request(endpoint.method, endpoint.path, **fixed_parts(endpoint, params))
        return cast(_T, result)

    def call_paged(
        self, endpoint: PagedEndpoint[_PageT, _ItemT], **params: Unpack[CallParams]
    ) -> AsyncPager[_PageT, _ItemT]:
        """:meth:`call` for an operation that returns pages, not awaited: an ``AsyncPager``,
        which ``await`` turns into the first page (an ``AsyncPage``) and ``async for`` walks
        item by item across every page."""

        async def first_page() -> AsyncPage[_PageT, _ItemT]:
            result = await self.request(
                endpoint.method,
                endpoint.path,
                **fixed_parts(endpoint, params),
                pagination=endpoint.pagination,
            )
            return cast(AsyncPage[_PageT, _ItemT], result)

        return AsyncPager(first_page)

    async def call_stream(
        self, endpoint: StreamEndpoint[_ItemT], **params: Unpack[CallParams]
    ) -> AsyncStream[_ItemT]:
        """:meth:`call` for an event stream: the ``AsyncStream`` (as ``call_stream``)."""
        result = await self.request(endpoint.method, endpoint.path, **fixed_parts(endpoint, params))
        return cast(AsyncStream[_ItemT], result)

    async def _send(self, call: Call, *, stream: bool = False) -> tuple[httpx.Response, int]:
        """Send ``call`` with its retries; the final response, read unless ``stream``."""
        attempts, hooks, http = self._attempts(call), self._hooks, self._http
        outcome: Exception | httpx.Response
        while True:
            secrets = [await auth.asecret(http, self.base_url) for auth in call.auths]
            request = attempts.start(http, secrets)
            await hooks.arequest(request)
            try:
                response = await http.send(
                    request, stream=stream, auth=self._http_auth or httpx.USE_CLIENT_DEFAULT
                )
            except httpx.RequestError as exc:
                delay = attempts.retry_delay(error=exc)
                outcome = transport_error(exc, request)
                if delay is None:
                    raise outcome from exc
            else:
                await hooks.aresponse(response)
                if attempts.refresh_credentials(response, secrets):
                    await response.aclose()
                    continue
                delay = attempts.retry_delay(response=response)
                if delay is None:
                    return response, attempts.retries_taken
                await response.aclose()
                outcome = response
            await hooks.aretry(attempts.retries_taken + 1, outcome, delay)
            await asyncio.sleep(delay)
            attempts.retries_taken += 1

    def _make_page(
        self, call: Call, model: Any, body: object, response: httpx.Response
    ) -> AsyncPage[Any, Any]:
        async def fetch(page: PageRequest) -> AsyncPage[Any, Any]:
            next_call = with_page_request(call, page)
            next_response, retries_taken = await self._send(next_call)
            result = to_result(next_call, next_response, retries_taken, None, self._make_page)
            return cast(AsyncPage[Any, Any], result)

        return new_page(AsyncPage, call, model, body, response, fetch)

    @property
    def is_closed(self) -> bool:
        """Whether the underlying ``httpx.AsyncClient`` is closed."""
        return self._http.is_closed

    async def close(self) -> None:
        """Close the underlying ``httpx.AsyncClient`` unless the caller passed it in."""
        if self._owns_http:
            await self._http.aclose()

    async def aclose(self) -> None:
        """Alias of ``close()``, matching ``httpx.AsyncClient``."""
        await self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
