"""The sync and async HTTP clients: request building, the retry loop, response handling.

Everything that does no I/O lives in ``_BaseClient`` and module functions, so
``SyncAPIClient`` and ``AsyncAPIClient`` only differ in how they send and sleep.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import re
import sys
import time
from pathlib import Path
from typing import (
    IO,
    Any,
    Callable,
    Generic,
    Mapping,
    Self,
    Sequence,
    TypedDict,
    TypeVar,
    Union,
    Unpack,
    cast,
)
from urllib.parse import urlencode

import httpx

from ._auth import ApiKeyAuth, Auth, BasicAuth, BearerAuth
from ._constants import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
)
from ._exceptions import APIConnectionError, APITimeoutError, make_status_error
from ._files import to_multipart
from ._pagination import AsyncPage, PageRequest, PaginationStrategy, SyncPage
from ._qs import (
    drop_absent,
    encode_cookie_value,
    encode_header_value,
    encode_path,
    encode_query,
    to_param_str,
)
from ._response import (
    APIResponse,
    ResponseSpec,
    parse_body,
    select_by_status,
    take_raw_response_request,
)
from ._retries import (
    compute_retry_delay,
    may_resend,
    retry_reason_for_error,
    retry_reason_for_status,
)
from ._serialization import dump_json, to_jsonable
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
    "SyncAPIClient",
]

log = logging.getLogger(__name__)

_PACKAGE = (__package__ or __name__).split(".")[0]
_SECRET_QUERY_NAME = re.compile(
    r"key|token|secret|password|passwd|signature|sig$|auth|credential|session",
    re.IGNORECASE,
)

_HttpxClientT = TypeVar("_HttpxClientT", httpx.Client, httpx.AsyncClient)
_MultipartParts = list[
    tuple[str, tuple[Union[str, None], Union[bytes, IO[bytes]], Union[str, None]]]
]


_T = TypeVar("_T")
_PageT = TypeVar("_PageT")
_ItemT = TypeVar("_ItemT")


@dataclasses.dataclass(frozen=True)
class _Operation:
    """The fixed parts of one API operation (see ``request`` for what each field means)."""

    method: str
    path: str
    responses: Mapping[int | str, ResponseSpec]
    errors: Mapping[int | str, Any] | None = None
    query_styles: Mapping[str, tuple[str, bool]] | None = None
    content_type: str | None = None
    security: Sequence[str] | None = None


@dataclasses.dataclass(frozen=True)
class Endpoint(_Operation, Generic[_T]):
    """An operation, declared once per operation by the generated resource modules and shared by
    their sync and async methods. ``_T`` is what a call returns (it types :meth:`SyncAPIClient.call`).
    """


@dataclasses.dataclass(frozen=True)
class PagedEndpoint(_Operation, Generic[_PageT, _ItemT]):
    """An operation whose response body (a ``_PageT``) is a page of ``_ItemT`` items, read with
    ``pagination``; calls return a ``SyncPage``/``AsyncPage`` (:meth:`SyncAPIClient.call_paged`)."""

    pagination: PaginationStrategy = dataclasses.field(kw_only=True)


class CallParams(TypedDict, total=False):
    """The parts of one call that vary (what a generated method passes besides its endpoint);
    the meaning of each key is that of the same argument of ``request``."""

    path_params: Mapping[str, object]
    query: Mapping[str, object]
    headers: Mapping[str, object]
    cookies: Mapping[str, object]
    json: object
    form: Mapping[str, object] | NotGiven
    multipart: Mapping[str, object] | NotGiven
    content: bytes | str | IO[bytes] | os.PathLike[str] | NotGiven
    options: RequestOptions


def _fixed(endpoint: _Operation) -> dict[str, Any]:
    """``endpoint``'s fixed parts as keyword arguments of ``request`` (after method and path)."""
    return {
        "responses": endpoint.responses,
        "errors": endpoint.errors,
        "query_styles": endpoint.query_styles,
        "content_type": endpoint.content_type,
        "security": endpoint.security,
    }


@dataclasses.dataclass(frozen=True)
class _PreparedBody:
    content: bytes | IO[bytes] | None = None
    files: _MultipartParts | None = None
    content_type: str | None = None
    stream_position: int | None = None  # where to rewind a seekable stream
    replayable: bool = True  # False for a stream that cannot be sent twice


@dataclasses.dataclass(frozen=True)
class _Call:
    """Everything needed to (re)send one operation call; built once, before any I/O."""

    method: str
    url: httpx.URL  # without query
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]  # before credentials
    extra_headers: tuple[tuple[str, str | None], ...]  # applied last; None removes
    cookies: tuple[tuple[str, str], ...]
    auths: tuple[Auth, ...]
    body: _PreparedBody
    timeout: httpx.Timeout
    max_retries: int
    retry_non_idempotent: bool
    responses: Mapping[int | str, ResponseSpec]
    errors: Mapping[int | str, Any] | None
    pagination: PaginationStrategy | None


def _present(value: object) -> bool:
    return value is not None and not isinstance(value, NotGiven)


def _rewind_position(stream: object) -> int | None:
    """The position to seek back to before resending ``stream``, or ``None`` when
    it cannot be rewound."""
    seekable = getattr(stream, "seekable", None)
    try:
        if callable(seekable) and seekable():
            return int(cast(IO[bytes], stream).tell())
    except (OSError, ValueError):
        pass
    return None


def _to_timeout(value: Timeout) -> httpx.Timeout:
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


def _default_user_agent() -> str:
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"{_PACKAGE} (python {python}; httpx {httpx.__version__})"


def _loggable_url(url: httpx.URL, secret_names: frozenset[str]) -> str:
    """The URL without credentials: userinfo dropped, secret query values masked."""
    params = [
        (k, "***" if k in secret_names or _SECRET_QUERY_NAME.search(k) else v)
        for k, v in url.params.multi_items()
    ]
    clean = url.copy_with(username=None, password=None, query=None, fragment=None)
    return f"{clean}?{urlencode(params, safe='*,')}" if params else str(clean)


def _with_page_request(call: _Call, page: PageRequest) -> _Call:
    """The call that fetches the page described by ``page``."""
    if page.url is not None:
        target = httpx.URL(page.url)
        return dataclasses.replace(
            call,
            url=target.copy_with(query=None, fragment=None),
            query=tuple(target.params.multi_items()),
        )
    replaced = set(page.params) | set(page.remove)
    query = [(k, v) for k, v in call.query if k not in replaced]
    query.extend(encode_query(page.params))
    return dataclasses.replace(call, query=tuple(query))


def _transport_error(exc: httpx.RequestError, request: httpx.Request) -> Exception:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request=request)
    detail = str(exc)
    message = f"Connection error: {detail}" if detail else "Connection error."
    return APIConnectionError(request=request, message=message)


class _BaseClient(Generic[_HttpxClientT]):
    """Configuration and every I/O-free step shared by the sync and async clients."""

    _http: _HttpxClientT
    #: The httpx client class a client creates when it is not given one.
    _http_class: type[_HttpxClientT]
    #: The security schemes of an operation that declares none of its own (the document's
    #: top-level ``security``); a generated client sets it.
    _default_security: tuple[str, ...] = ()

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
        self._initial_retry_delay = initial_retry_delay
        self._max_retry_delay = max_retry_delay
        self._max_retry_after = max_retry_after
        self._url_base: httpx.URL | None = None
        self._url_prefix = ""
        self._owns_http = http_client is None
        self._http = http_client or self._http_class(timeout=self.timeout, follow_redirects=True)

    def __repr__(self) -> str:
        shown = self.base_url.copy_with(username=None, password=None)
        return f"<{type(self).__name__} base_url={str(shown)!r}>"

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
        query_styles: Mapping[str, tuple[str, bool]] | None,
        headers: Mapping[str, object] | None,
        cookies: Mapping[str, object] | None,
        json: object,
        form: Mapping[str, object] | NotGiven,
        multipart: Mapping[str, object] | NotGiven,
        content: bytes | str | IO[bytes] | os.PathLike[str] | NotGiven,
        content_type: str | None,
        security: Sequence[str] | None,
        responses: Mapping[int | str, ResponseSpec],
        errors: Mapping[int | str, Any] | None,
        pagination: PaginationStrategy | None,
        options: RequestOptions | None,
        read_streams: bool,
    ) -> _Call:
        """Validate and encode one call's inputs. Raises ``ValueError``/``TypeError``
        for invalid input, before any I/O."""
        opts: RequestOptions = options or {}
        url = self._url_for(encode_path(path, path_params or {}))
        encoded_query = encode_query(self._default_query)
        encoded_query += encode_query(query or {}, query_styles)
        encoded_query += encode_query(opts.get("extra_query") or {})

        # by lower-case name, as httpx.Headers replaces (a later value wins, in the first's place)
        header_map = {"user-agent": ("User-Agent", self._user_agent)}
        if responses and all(spec.kind == "json" for spec in responses.values()):
            accepted = dict.fromkeys(
                spec.media_type or "application/json" for spec in responses.values()
            )
            header_map["accept"] = ("Accept", ", ".join(accepted))
        for name, text in self._default_headers.items():
            header_map[name.lower()] = (name, encode_header_value(name, text))
        for name, param in drop_absent(headers):
            header_map[name.lower()] = (name, encode_header_value(name, param))

        body = self._prepare_body(
            json=json,
            form=form,
            multipart=multipart,
            content=content,
            content_type=content_type,
            extra_body=opts.get("extra_body"),
            read_streams=read_streams,
        )
        if body.content_type is not None:
            header_map["content-type"] = ("Content-Type", body.content_type)
        extra_headers = tuple(
            (name, None if not _present(value) else encode_header_value(name, value))
            for name, value in (opts.get("extra_headers") or {}).items()
        )
        cookie_pairs = tuple(
            (
                name,
                (
                    ",".join(to_param_str(v) for v in value)
                    if isinstance(value, (list, tuple))
                    else to_param_str(value)
                ),
            )
            for name, value in drop_absent(cookies)
        )

        timeout = opts.get("timeout", NOT_GIVEN)
        max_retries = opts.get("max_retries")
        retry_non_idempotent = opts.get("retry_non_idempotent")
        retries = max_retries if isinstance(max_retries, int) else self.max_retries
        if not body.replayable:
            retries = 0  # a non-seekable stream cannot be sent twice
        return _Call(
            method=method.upper(),
            url=url,
            query=tuple(encoded_query),
            headers=tuple(header_map.values()),
            extra_headers=extra_headers,
            cookies=cookie_pairs,
            auths=tuple(
                self._auth[name]
                for name in (self._default_security if security is None else security)
                if name in self._auth
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
        )

    @staticmethod
    def _prepare_body(
        *,
        json: object,
        form: Mapping[str, object] | NotGiven,
        multipart: Mapping[str, object] | NotGiven,
        content: bytes | str | IO[bytes] | os.PathLike[str] | NotGiven,
        content_type: str | None,
        extra_body: Mapping[str, object] | None,
        read_streams: bool,
    ) -> _PreparedBody:
        kinds = {"json": json, "form": form, "multipart": multipart, "content": content}
        given = [name for name, value in kinds.items() if not isinstance(value, NotGiven)]
        if len(given) > 1:
            raise ValueError(f"Pass only one request body, got {', '.join(given)}")
        extra = dict(extra_body or {})

        if not isinstance(form, NotGiven):
            pairs = encode_query({**form, **extra})
            return _PreparedBody(
                content=urlencode(pairs).encode("ascii"),
                content_type=content_type or "application/x-www-form-urlencoded",
            )
        if not isinstance(multipart, NotGiven):
            data, files = to_multipart({**multipart, **extra})
            parts: _MultipartParts = []
            for name, value in data.items():
                for item in value if isinstance(value, list) else [value]:
                    parts.append((name, (None, item.encode("utf-8"), None)))
            replayable = all(
                isinstance(part[1], bytes) or _rewind_position(part[1]) is not None
                for _, part in files
            )
            return _PreparedBody(files=parts + files, replayable=replayable)
        if not isinstance(content, NotGiven):
            if extra:
                raise TypeError("extra_body cannot be merged into a raw content body")
            raw: bytes | IO[bytes]
            position: int | None = None
            if isinstance(content, os.PathLike):
                raw = Path(content).read_bytes()
            elif isinstance(content, str):
                raw = content.encode("utf-8")
            elif isinstance(content, (bytes, bytearray, memoryview)):
                raw = bytes(content)
            elif read_streams:
                raw = content.read()
            else:
                raw = content
                position = _rewind_position(content)
            return _PreparedBody(
                content=raw,
                content_type=content_type or "application/octet-stream",
                stream_position=position,
                replayable=isinstance(raw, bytes) or position is not None,
            )
        if isinstance(json, NotGiven) and not extra:
            return _PreparedBody()
        data_json = to_jsonable(json) if not isinstance(json, NotGiven) else {}
        if extra:
            if not isinstance(data_json, dict):
                raise TypeError("extra_body can only be merged into a JSON object body")
            data_json = {**data_json, **cast(dict[str, object], to_jsonable(extra))}
        return _PreparedBody(
            content=dump_json(data_json),
            content_type=content_type or "application/json",
        )

    def _build_request(self, call: _Call) -> tuple[httpx.Request, frozenset[str]]:
        """Build one attempt's ``httpx.Request`` (credentials applied now, so token
        callables are re-read on each attempt). Also returns the query names that
        carry credentials, for log redaction."""
        headers = httpx.Headers(list(call.headers))
        query = list(call.query)
        cookies: dict[str, str] = dict(call.cookies)
        for auth in call.auths:
            auth.apply(headers, query, cookies)
        for name, override in call.extra_headers:
            if override is None:
                headers.pop(name, None)
            else:
                headers[name] = override
        if cookies:
            jar = "; ".join(f"{k}={encode_cookie_value(v)}" for k, v in cookies.items())
            existing = headers.get("Cookie")
            headers["Cookie"] = f"{existing}; {jar}" if existing else jar
        secret_names = frozenset(k for k, v in query if (k, v) not in call.query)

        body = call.body
        if body.stream_position is not None and not isinstance(body.content, bytes):
            cast(IO[bytes], body.content).seek(body.stream_position)
        request = self._http.build_request(
            call.method,
            call.url,
            params=tuple(query) or None,  # no empty merge: each one parses the URL again
            headers=headers,
            content=body.content,
            files=body.files,
            timeout=call.timeout,
        )
        return request, secret_names

    # -- retries and responses ------------------------------------------------

    def _retry_delay(
        self,
        call: _Call,
        request: httpx.Request,
        retries_taken: int,
        shown_url: str,
        *,
        error: Exception | None = None,
        response: httpx.Response | None = None,
    ) -> float | None:
        """Seconds to wait before retrying this attempt's outcome, or ``None`` when
        it is final. Logs the decision at DEBUG."""
        debug = log.isEnabledFor(logging.DEBUG)
        if error is None and response is not None and response.status_code < 400 and not debug:
            return None  # the common case: a success, nothing to decide or log
        attempt = f"{retries_taken + 1}/{call.max_retries + 1}"
        resend_ok = may_resend(call.method, request.headers, call.retry_non_idempotent)
        if error is not None:
            reason = retry_reason_for_error(error, resend_ok)
            outcome = f"{type(error).__name__}: {error}"
        else:
            assert response is not None
            reason = retry_reason_for_status(response.status_code, resend_ok)
            outcome = f"{response.status_code} {response.reason_phrase}".rstrip()
        if reason is None or retries_taken >= call.max_retries:
            log.debug("%s %s -> %s (attempt %s)", call.method, shown_url, outcome, attempt)
            return None
        delay = compute_retry_delay(
            retries_taken,
            response.headers if response is not None else None,
            initial_delay=self._initial_retry_delay,
            max_delay=self._max_retry_delay,
            max_retry_after=self._max_retry_after,
        )
        log.debug(
            "%s %s -> %s (attempt %s); retrying in %.2fs",
            call.method,
            shown_url,
            outcome,
            attempt,
            delay,
        )
        return delay

    @staticmethod
    def _success_spec(call: _Call, status: int) -> ResponseSpec | None:
        spec = select_by_status(call.responses, status)
        if spec is None:
            declared = [
                s for key, s in call.responses.items() if isinstance(key, int) and 200 <= key < 300
            ]
            if len(declared) == 1:
                spec = declared[0]
        return spec

    @staticmethod
    def _is_success(call: _Call, response: httpx.Response) -> bool:
        status = response.status_code
        return 200 <= status < 300 or (status < 400 and status in call.responses)

    def _result(
        self,
        call: _Call,
        response: httpx.Response,
        retries_taken: int,
        raw: bool,
        make_page: Callable[[_Call, Any, object, httpx.Response], Any],
    ) -> Any:
        """Raise the typed status error, or return the parsed value (or the raw
        ``APIResponse`` wrapping it)."""
        if not self._is_success(call, response):
            raise make_status_error(response, select_by_status(call.errors, response.status_code))

        def parse() -> Any:
            value, data = parse_body(response, self._success_spec(call, response.status_code))
            if call.pagination is None:
                return value
            return make_page(call, value, data, response)

        if raw:
            return APIResponse(response, parse, retries_taken=retries_taken)
        return parse()


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
        query_styles: Mapping[str, tuple[str, bool]] | None = None,
        headers: Mapping[str, object] | None = None,
        cookies: Mapping[str, object] | None = None,
        json: object = NOT_GIVEN,
        form: Mapping[str, object] | NotGiven = NOT_GIVEN,
        multipart: Mapping[str, object] | NotGiven = NOT_GIVEN,
        content: bytes | str | IO[bytes] | os.PathLike[str] | NotGiven = NOT_GIVEN,
        content_type: str | None = None,
        security: Sequence[str] | None = None,
        responses: Mapping[int | str, ResponseSpec],
        errors: Mapping[int | str, Any] | None = None,
        pagination: PaginationStrategy | None = None,
        options: RequestOptions | None = None,
    ) -> Any:
        """Send one API operation and return its parsed result.

        Args:
            method: HTTP method.
            path: path template relative to ``base_url`` (``/orgs/{org_id}``), or an
                absolute URL.
            path_params: values for the template's placeholders (wire names).
            query, query_styles: query parameters (wire names) and their OpenAPI
                ``(style, explode)``; see ``_qs.encode_query``.
            headers, cookies: header and cookie parameters; ``None``/``NOT_GIVEN``
                values are not sent.
            json, form, multipart, content: at most one body (JSON data or models,
                urlencoded fields, multipart fields, raw bytes/str/binary stream).
            content_type: overrides the body's ``Content-Type``.
            security: names of the security schemes the operation accepts; every
                one with a configured credential is applied (``None``: the client's
                ``_default_security``, the document's top-level ``security``).
            responses: declared success responses by status (``200``, ``"2XX"``,
                ``"default"``).
            errors: declared error schema types by status, used for ``.error``.
            pagination: the strategy when the operation returns a page.
            options: per-call ``RequestOptions``.

        Returns:
            The parsed body (model, list, str, bytes or ``None``), a ``SyncPage`` when
            ``pagination`` is given, or an ``APIResponse`` wrapping either when the
            call goes through ``raw_method``.

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
            headers=headers,
            cookies=cookies,
            json=json,
            form=form,
            multipart=multipart,
            content=content,
            content_type=content_type,
            security=security,
            responses=responses,
            errors=errors,
            pagination=pagination,
            options=options,
            read_streams=False,
        )
        response, retries_taken = self._send(call)
        return self._result(call, response, retries_taken, raw, self._make_page)

    def call(self, endpoint: Endpoint[_T], **params: Unpack[CallParams]) -> _T:
        """Send one call of ``endpoint`` (what generated resource methods do): ``request`` with
        the endpoint's fixed parts and this call's ``params``. Returns and raises as ``request``."""
        result = self.request(endpoint.method, endpoint.path, **_fixed(endpoint), **params)
        return cast(_T, result)

    def call_paged(
        self, endpoint: PagedEndpoint[_PageT, _ItemT], **params: Unpack[CallParams]
    ) -> SyncPage[_PageT, _ItemT]:
        """:meth:`call` for an operation that returns pages: its first page, as a ``SyncPage``."""
        result = self.request(
            endpoint.method,
            endpoint.path,
            **_fixed(endpoint),
            pagination=endpoint.pagination,
            **params,
        )
        return cast(SyncPage[_PageT, _ItemT], result)

    def _send(self, call: _Call) -> tuple[httpx.Response, int]:
        retries_taken = 0
        while True:
            request, secret_names = self._build_request(call)
            # only a DEBUG log shows the URL (with secret query values masked)
            shown = (
                _loggable_url(request.url, secret_names) if log.isEnabledFor(logging.DEBUG) else ""
            )
            log.debug(
                "Sending %s %s (attempt %d/%d)",
                call.method,
                shown,
                retries_taken + 1,
                call.max_retries + 1,
            )
            try:
                response = self._http.send(request)
            except httpx.RequestError as exc:
                delay = self._retry_delay(call, request, retries_taken, shown, error=exc)
                if delay is None:
                    raise _transport_error(exc, request) from exc
            else:
                delay = self._retry_delay(call, request, retries_taken, shown, response=response)
                if delay is None:
                    return response, retries_taken
                response.close()
            time.sleep(delay)
            retries_taken += 1

    def _make_page(
        self, call: _Call, model: Any, body: object, response: httpx.Response
    ) -> SyncPage[Any, Any]:
        def fetch(page: PageRequest) -> SyncPage[Any, Any]:
            next_call = _with_page_request(call, page)
            next_response, retries_taken = self._send(next_call)
            result = self._result(next_call, next_response, retries_taken, False, self._make_page)
            return cast(SyncPage[Any, Any], result)

        assert call.pagination is not None
        return SyncPage(
            model=model,
            body=body,
            response=response,
            strategy=call.pagination,
            fetch=fetch,
        )

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
        query_styles: Mapping[str, tuple[str, bool]] | None = None,
        headers: Mapping[str, object] | None = None,
        cookies: Mapping[str, object] | None = None,
        json: object = NOT_GIVEN,
        form: Mapping[str, object] | NotGiven = NOT_GIVEN,
        multipart: Mapping[str, object] | NotGiven = NOT_GIVEN,
        content: bytes | str | IO[bytes] | os.PathLike[str] | NotGiven = NOT_GIVEN,
        content_type: str | None = None,
        security: Sequence[str] | None = None,
        responses: Mapping[int | str, ResponseSpec],
        errors: Mapping[int | str, Any] | None = None,
        pagination: PaginationStrategy | None = None,
        options: RequestOptions | None = None,
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
            headers=headers,
            cookies=cookies,
            json=json,
            form=form,
            multipart=multipart,
            content=content,
            content_type=content_type,
            security=security,
            responses=responses,
            errors=errors,
            pagination=pagination,
            options=options,
            read_streams=True,
        )
        response, retries_taken = await self._send(call)
        return self._result(call, response, retries_taken, raw, self._make_page)

    async def call(self, endpoint: Endpoint[_T], **params: Unpack[CallParams]) -> _T:
        """Send one call of ``endpoint``: see :meth:`SyncAPIClient.call`."""
        result = await self.request(endpoint.method, endpoint.path, **_fixed(endpoint), **params)
        return cast(_T, result)

    async def call_paged(
        self, endpoint: PagedEndpoint[_PageT, _ItemT], **params: Unpack[CallParams]
    ) -> AsyncPage[_PageT, _ItemT]:
        """:meth:`call` for an operation that returns pages: its first page, as an ``AsyncPage``."""
        result = await self.request(
            endpoint.method,
            endpoint.path,
            **_fixed(endpoint),
            pagination=endpoint.pagination,
            **params,
        )
        return cast(AsyncPage[_PageT, _ItemT], result)

    async def _send(self, call: _Call) -> tuple[httpx.Response, int]:
        retries_taken = 0
        while True:
            request, secret_names = self._build_request(call)
            # only a DEBUG log shows the URL (with secret query values masked)
            shown = (
                _loggable_url(request.url, secret_names) if log.isEnabledFor(logging.DEBUG) else ""
            )
            log.debug(
                "Sending %s %s (attempt %d/%d)",
                call.method,
                shown,
                retries_taken + 1,
                call.max_retries + 1,
            )
            try:
                response = await self._http.send(request)
            except httpx.RequestError as exc:
                delay = self._retry_delay(call, request, retries_taken, shown, error=exc)
                if delay is None:
                    raise _transport_error(exc, request) from exc
            else:
                delay = self._retry_delay(call, request, retries_taken, shown, response=response)
                if delay is None:
                    return response, retries_taken
                await response.aclose()
            await asyncio.sleep(delay)
            retries_taken += 1

    def _make_page(
        self, call: _Call, model: Any, body: object, response: httpx.Response
    ) -> AsyncPage[Any, Any]:
        async def fetch(page: PageRequest) -> AsyncPage[Any, Any]:
            next_call = _with_page_request(call, page)
            next_response, retries_taken = await self._send(next_call)
            result = self._result(next_call, next_response, retries_taken, False, self._make_page)
            return cast(AsyncPage[Any, Any], result)

        assert call.pagination is not None
        return AsyncPage(
            model=model,
            body=body,
            response=response,
            strategy=call.pagination,
            fetch=fetch,
        )

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
