"""One operation call before any I/O: the endpoints generated code declares, the parts of a
call (``Call``, built by ``_BaseClient._prepare``), its encoded body and each attempt's
``httpx.Request``. Shared by the sync and async clients.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import (
    IO,
    Any,
    Generic,
    TypedDict,
    TypeVar,
    cast,
)

import httpx
import pydantic

from ._auth import Auth
from ._files import MultipartFiles, to_multipart
from ._pagination import PageRequest, PaginationStrategy
from ._qs import (
    BodyEncoding,
    encode_cookie_value,
    encode_form,
    join_query,
    query_pairs,
    quote_query,
)
from ._response import ResponseSpec
from ._serialization import dump_json, to_jsonable
from ._types import NotGiven, RequestOptions

__all__ = [
    "Call",
    "CallParams",
    "Endpoint",
    "PagedEndpoint",
    "PreparedBody",
    "StreamEndpoint",
    "build_request",
    "fixed_parts",
    "prepare_body",
    "with_page_request",
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
    query_styles: Mapping[str, tuple[str, bool] | tuple[str, bool, bool]] | None = None
    content_type: str | None = None
    security: Sequence[Sequence[str]] | None = None
    path_styles: Mapping[str, tuple[str, bool]] | None = None
    header_styles: Mapping[str, tuple[str, bool]] | None = None
    encodings: Mapping[str, Mapping[str, BodyEncoding]] | None = None
    #: The idempotency header the operation declares (``Idempotency-Key``): a call sends one
    #: (the caller's, else a new random key, the same for every attempt of the call).
    idempotency_header: str | None = None
    #: The method that returns this operation's event stream, when the JSON body's boolean
    #: ``stream`` property asks for one: a call of this (JSON) endpoint refuses ``stream=True``.
    stream_method: str | None = None


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


@dataclasses.dataclass(frozen=True)
class StreamEndpoint(_Operation, Generic[_T]):
    """An operation that answers with an event stream whose events' data are ``_T``; calls
    return a ``Stream[_T]``/``AsyncStream[_T]`` (:meth:`SyncAPIClient.call_stream`).
    ``sets_stream``: the JSON body's boolean ``stream`` property asks for the stream, and every
    call sets it to true."""

    sets_stream: bool = dataclasses.field(default=False, kw_only=True)


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
    content_type: str | None
    options: RequestOptions


def fixed_parts(endpoint: _Operation, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``endpoint``'s fixed parts as keyword arguments of ``request`` (after method and path),
    with one call's ``params`` (``CallParams``) added; a call's ``content_type`` (the media type
    it chose among several) wins over the endpoint's."""
    parts: dict[str, Any] = {
        "responses": endpoint.responses,
        "errors": endpoint.errors,
        "query_styles": endpoint.query_styles,
        "path_styles": endpoint.path_styles,
        "header_styles": endpoint.header_styles,
        "content_type": endpoint.content_type,
        "security": endpoint.security,
        "encodings": endpoint.encodings,
        "idempotency_header": endpoint.idempotency_header,
    }  # (``stream_method`` and ``sets_stream`` act on the JSON body below)
    parts.update(params or {})
    if isinstance(endpoint, StreamEndpoint) and endpoint.sets_stream:
        parts["json"] = _with_stream_flag(parts.get("json"))
    elif endpoint.stream_method is not None and _stream_flag(parts.get("json")) is True:
        raise ValueError(
            f"stream=True asks for an event stream, which this method does not return: "
            f"call {endpoint.stream_method}() instead"
        )
    return parts


def _stream_field(model: pydantic.BaseModel) -> str | None:
    """The name of the field of ``model`` sent as ``stream``."""
    for name, info in type(model).model_fields.items():
        if (info.alias or name) == "stream":
            return name
    return None


def _stream_flag(body: object) -> object:
    """The ``stream`` property of a JSON ``body`` (a model or a mapping), else ``None``."""
    if isinstance(body, pydantic.BaseModel):
        name = _stream_field(body)
        return getattr(body, name) if name is not None else None
    if isinstance(body, Mapping):
        return cast("Mapping[str, object]", body).get("stream")
    return None


def _with_stream_flag(body: object) -> object:
    """A JSON ``body`` (a model, a mapping or not given) with its ``stream`` property true."""
    if isinstance(body, pydantic.BaseModel):
        name = _stream_field(body)
        if name is not None:
            return body.model_copy(update={name: True})
    if isinstance(body, Mapping):
        return {**cast("Mapping[str, object]", body), "stream": True}
    if isinstance(body, NotGiven) or body is None:
        return {"stream": True}
    return body


@dataclasses.dataclass(frozen=True)
class PreparedBody:
    """A request body encoded once (``prepare_body``) and sent by every attempt."""

    content: bytes | IO[bytes] | None = None
    files: MultipartFiles | None = None
    content_type: str | None = None
    stream_position: int | None = None  # where to rewind a seekable stream
    replayable: bool = True  # False for a stream that cannot be sent twice


@dataclasses.dataclass(frozen=True)
class Call:
    """Everything needed to (re)send one operation call; built once, before any I/O."""

    method: str
    url: httpx.URL  # without query
    query: tuple[tuple[str, str], ...]  # percent-encoded (name, value) pairs, before credentials
    headers: tuple[tuple[str, str], ...]  # before credentials
    extra_headers: tuple[tuple[str, str | None], ...]  # applied last; None removes
    cookies: tuple[tuple[str, str], ...]
    auths: tuple[Auth, ...]
    body: PreparedBody
    timeout: httpx.Timeout
    max_retries: int
    retry_non_idempotent: bool
    responses: Mapping[int | str, ResponseSpec]
    errors: Mapping[int | str, Any] | None
    pagination: PaginationStrategy | None
    #: The header that carries the call's idempotency key, when it has one.
    idempotency_header: str | None = None


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


def with_page_request(call: Call, page: PageRequest) -> Call:
    """The call that fetches the page described by ``page`` (a URL the server gave keeps its
    query as the server encoded it)."""
    if page.url is not None:
        target = httpx.URL(page.url)
        pairs = [piece.partition("=") for piece in target.query.decode("ascii").split("&") if piece]
        return dataclasses.replace(
            call,
            url=target.copy_with(query=None, fragment=None),
            query=tuple((name, value) for name, _, value in pairs),
        )
    replaced = {quote_query(name) for name in (*page.params, *page.remove)}
    query = [(k, v) for k, v in call.query if k not in replaced]
    query.extend(query_pairs(page.params))
    return dataclasses.replace(call, query=tuple(query))


def _multipart_type(content_type: str | None) -> tuple[str, str]:
    """``(Content-Type, boundary)`` of a multipart body: ``content_type`` (default
    ``multipart/form-data``) with its ``boundary`` parameter, a fresh one when it has none."""
    media = content_type or "multipart/form-data"
    for param in media.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "boundary" and value.strip('"'):
            return media, value.strip('"')
    boundary = os.urandom(16).hex()
    return f"{media.split(';', 1)[0].strip()}; boundary={boundary}", boundary


def prepare_body(
    *,
    json: object,
    form: Mapping[str, object] | NotGiven,
    multipart: Mapping[str, object] | NotGiven,
    content: bytes | str | IO[bytes] | os.PathLike[str] | NotGiven,
    content_type: str | None,
    extra_body: Mapping[str, object] | None,
    read_streams: bool,
    encodings: Mapping[str, Mapping[str, BodyEncoding]] | None = None,
) -> PreparedBody:
    """Encode the one body given (``json``, ``form``, ``multipart`` or ``content``, with
    ``extra_body`` merged in); ``read_streams`` reads a binary stream into memory.

    A body that is given is sent even when empty: ``{}``, an empty form, a multipart body of
    no part (its closing boundary), each with its Content-Type. ``encodings`` holds the
    Encoding Objects of the form (``"form"``) and multipart (``"multipart"``) body's
    properties (``_qs.encode_form``, ``_files.to_multipart``). A multipart body's Content-Type
    is ``content_type`` (default ``multipart/form-data``) with the boundary.

    Raises:
        ValueError: more than one body is given.
        TypeError: ``extra_body`` cannot be merged (a raw content body, a JSON body that
            is not an object).
    """
    kinds = {"json": json, "form": form, "multipart": multipart, "content": content}
    given = [name for name, value in kinds.items() if not isinstance(value, NotGiven)]
    if len(given) > 1:
        raise ValueError(f"Pass only one request body, got {', '.join(given)}")
    extra = dict(extra_body or {})

    if not isinstance(form, NotGiven):
        return PreparedBody(
            content=encode_form({**form, **extra}, (encodings or {}).get("form")),
            content_type=content_type or "application/x-www-form-urlencoded",
        )
    if not isinstance(multipart, NotGiven):
        parts = to_multipart({**multipart, **extra}, (encodings or {}).get("multipart"))
        multipart_type, boundary = _multipart_type(content_type)
        if not parts:  # httpx sends no body for no part: the closing boundary alone
            return PreparedBody(
                content=f"--{boundary}--\r\n".encode("ascii"), content_type=multipart_type
            )
        replayable = all(
            isinstance(part[1], bytes) or _rewind_position(part[1]) is not None for _, part in parts
        )
        return PreparedBody(files=parts, content_type=multipart_type, replayable=replayable)
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
        return PreparedBody(
            content=raw,
            content_type=content_type or "application/octet-stream",
            stream_position=position,
            replayable=isinstance(raw, bytes) or position is not None,
        )
    if isinstance(json, NotGiven) and not extra:
        return PreparedBody()
    data_json: object = to_jsonable(json) if not isinstance(json, NotGiven) else {}
    if extra:
        if not isinstance(data_json, dict):
            raise TypeError("extra_body can only be merged into a JSON object body")
        fields = cast("dict[str, object]", data_json)
        data_json = {**fields, **cast("dict[str, object]", to_jsonable(extra))}
    return PreparedBody(
        content=dump_json(data_json),
        content_type=content_type or "application/json",
    )


def build_request(
    http: httpx.Client | httpx.AsyncClient, call: Call, secrets: Sequence[str] | None = None
) -> tuple[httpx.Request, frozenset[str]]:
    """Build one attempt's ``httpx.Request`` with the credentials of ``call.auths`` (their
    values resolved for this attempt, ``secrets``; resolved here when ``None``, sync). Also
    returns the query and header names that carry credentials, for log redaction."""
    headers = httpx.Headers(list(call.headers))
    credentials: list[tuple[str, str]] = []
    cookies: dict[str, str] = dict(call.cookies)
    before = set(headers.keys())
    if secrets is None:
        secrets = [auth.secret() for auth in call.auths]
    for auth, secret in zip(call.auths, secrets, strict=True):
        auth.put(secret, headers, credentials, cookies)
    secret_headers = {name for name in headers if name not in before}
    for name, override in call.extra_headers:
        if override is None:
            headers.pop(name, None)
        else:
            headers[name] = override
    if cookies:
        jar = "; ".join(f"{k}={encode_cookie_value(v)}" for k, v in cookies.items())
        existing = headers.get("Cookie")
        headers["Cookie"] = f"{existing}; {jar}" if existing else jar
    secret_names = frozenset(name for name, _ in credentials) | secret_headers
    query = [*call.query, *((quote_query(k), quote_query(v)) for k, v in credentials)]
    # the query string as encoded (RFC 3986): httpx's ``params`` would write a space as ``+``
    url = call.url.copy_with(query=join_query(query).encode("ascii")) if query else call.url

    body = call.body
    if body.stream_position is not None and not isinstance(body.content, bytes):
        cast(IO[bytes], body.content).seek(body.stream_position)
    request = http.build_request(
        call.method,
        url,
        headers=headers,
        content=body.content,
        files=body.files,
        timeout=call.timeout,
    )
    return request, secret_names
