"""Shared type aliases, the ``NOT_GIVEN`` sentinel and per-call request options."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, Literal, TypedDict, final

import httpx

__all__ = [
    "NOT_GIVEN",
    "Body",
    "FileContent",
    "FileTypes",
    "Headers",
    "NotGiven",
    "Query",
    "RequestOptions",
    "Timeout",
]


@final
class NotGiven:
    """Marks an argument the caller did not pass, as distinct from an explicit ``None``.

    Use the module-level ``NOT_GIVEN`` instance; the class is falsy and compares by
    identity. Values that are ``NOT_GIVEN`` are never sent: they are dropped from
    query strings, headers, cookies, JSON objects and multipart forms.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __copy__(self) -> NotGiven:
        return self

    def __deepcopy__(self, memo: object) -> NotGiven:
        return self

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
"""The single ``NotGiven`` instance used as the default of optional parameters."""

Headers = Mapping[str, str]
"""Extra HTTP headers: header name -> value."""

Query = Mapping[str, object]
"""Query parameters: wire name -> value (encoded by ``_qs.encode_query``)."""

Body = Mapping[str, object]
"""A JSON object body, or extra keys merged into one."""

Timeout = float | httpx.Timeout | None
"""Seconds (one float for every phase), an ``httpx.Timeout``, or ``None`` for no limit."""

FileContent = bytes | IO[bytes] | os.PathLike[str]
"""File bytes, an open binary file object, or a path to read."""

FileTypes = (
    FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]
)
"""A file part: content, ``(filename, content)`` or ``(filename, content, content_type)``."""


class RequestOptions(TypedDict, total=False):
    """Per-call options that override the client's defaults for one request.

    Every key is optional. ``None`` or ``NOT_GIVEN`` for a key means "use the
    client default", except ``timeout`` where ``None`` means "no timeout".

    Keys:
        extra_headers: headers added last, overriding every other header.
        extra_query: query parameters added after the operation's own.
        extra_body: keys merged into a JSON object, form or multipart body
            (sent as a JSON object when the operation has no body).
        timeout: seconds, an ``httpx.Timeout``, or ``None`` for no limit.
        max_retries: retries after the first attempt (``0`` disables retries).
        retry_non_idempotent: allow retrying POST/PATCH on any retryable
            failure, not only on connection errors.
        idempotency_key: the call's idempotency key, sent in the ``Idempotency-Key``
            header (or the one the API declares) by every attempt; a POST/PATCH that
            carries one is retried like an idempotent request. Operations that declare
            the header get a random key when none is given.

    A key that is not one of these is a ``TypeError`` (see ``_options.check_options``).
    """

    extra_headers: Headers | None
    extra_query: Query | None
    extra_body: Body | None
    timeout: Timeout | NotGiven
    max_retries: int | NotGiven | None
    retry_non_idempotent: bool | NotGiven | None
    idempotency_key: str | NotGiven | None
