"""Pure retry policy: when to retry and how long to wait (shared by both clients)."""

from __future__ import annotations

import datetime
import email.utils
import random
from collections.abc import Callable, Mapping

import httpx

from ._constants import (
    IDEMPOTENCY_KEY_HEADER,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
)

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRYABLE_STATUSES",
    "compute_retry_delay",
    "may_resend",
    "parse_retry_after",
    "retry_reason_for_error",
    "retry_reason_for_status",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
"""Methods whose requests may be sent twice without a second effect."""

RETRYABLE_STATUSES = frozenset({408, 409, 429})
"""Statuses retried besides every 5xx."""

# The request surely never reached the server: retrying is safe for any method.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The request may have been received: retrying is safe only when idempotent.
_MAYBE_SENT_ERRORS = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


def may_resend(
    method: str,
    headers: Mapping[str, str] | httpx.Headers,
    retry_non_idempotent: bool,
    idempotency_header: str | None = None,
) -> bool:
    """Tell whether a request may be resent after it possibly reached the server.

    True for idempotent methods, when ``retry_non_idempotent`` is set, or when the
    request carries an ``Idempotency-Key`` header (or the ``idempotency_header`` the API
    declares).
    """
    if method.upper() in IDEMPOTENT_METHODS or retry_non_idempotent:
        return True
    found = httpx.Headers(headers)
    return IDEMPOTENCY_KEY_HEADER in found or bool(
        idempotency_header and idempotency_header in found
    )


def retry_reason_for_error(exc: Exception, resend_ok: bool) -> str | None:
    """Return why a transport error is worth retrying, or ``None`` if it is not.

    Connect errors and connect/pool timeouts are always retryable (nothing was
    sent); read/write timeouts, resets and protocol errors only when ``resend_ok``.
    """
    if isinstance(exc, _NOT_SENT_ERRORS):
        return type(exc).__name__
    if resend_ok and isinstance(exc, _MAYBE_SENT_ERRORS):
        return type(exc).__name__
    return None


def retry_reason_for_status(status: int, resend_ok: bool) -> str | None:
    """Return why an HTTP status is worth retrying (408, 409, 429, 5xx), or ``None``.

    Only when ``resend_ok``: the server received the request.
    """
    if resend_ok and (status in RETRYABLE_STATUSES or status >= 500):
        return f"HTTP {status}"
    return None


def parse_retry_after(
    headers: Mapping[str, str] | httpx.Headers,
    now: datetime.datetime | None = None,
) -> float | None:
    """Read the server's requested wait in seconds, or ``None`` when absent/invalid.

    Looks at ``retry-after-ms`` (milliseconds), then ``Retry-After`` as seconds, then
    ``Retry-After`` as an HTTP date (relative to ``now``, default the current UTC
    time). The result may be zero or negative; the caller applies the limits.
    """
    found = httpx.Headers(headers)
    ms = found.get("retry-after-ms")
    if ms is not None:
        try:
            return float(ms) / 1000.0
        except ValueError:
            pass
    value = found.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    current = now or datetime.datetime.now(datetime.UTC)
    return (when - current).total_seconds()


def compute_retry_delay(
    retries_taken: int,
    headers: Mapping[str, str] | httpx.Headers | None = None,
    *,
    initial_delay: float = INITIAL_RETRY_DELAY,
    max_delay: float = MAX_RETRY_DELAY,
    max_retry_after: float = MAX_RETRY_AFTER,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before the next attempt.

    A ``Retry-After``/``retry-after-ms`` in ``(0, max_retry_after]`` seconds is used
    as is. Otherwise exponential backoff: ``initial_delay * 2**retries_taken``
    capped at ``max_delay``, reduced by up to 25% of random jitter so that clients
    do not retry in lock step.
    """
    if headers is not None:
        requested = parse_retry_after(headers)
        if requested is not None and 0 < requested <= max_retry_after:
            return requested
    backoff = min(initial_delay * (2.0 ** max(retries_taken, 0)), max_delay)
    return backoff * (1.0 - 0.25 * rand())
