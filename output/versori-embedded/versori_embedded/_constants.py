"""Tunable defaults of the HTTP runtime (timeouts, retries, backoff)."""

from __future__ import annotations

import httpx

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "IDEMPOTENCY_KEY_HEADER",
    "INITIAL_RETRY_DELAY",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "REQUEST_ID_HEADERS",
]

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
"""Default timeout: 60 s for reads/writes/pool, 5 s to connect."""

DEFAULT_MAX_RETRIES = 2
"""Retries after the first attempt, so three attempts in all."""

INITIAL_RETRY_DELAY = 0.5
"""Backoff before the first retry, in seconds; doubles on every further retry."""

MAX_RETRY_DELAY = 8.0
"""Ceiling of the exponential backoff, in seconds."""

MAX_RETRY_AFTER = 60.0
"""A server's ``Retry-After`` is honoured only when it asks for at most this many seconds."""

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
"""A request carrying this header may be retried even when its method is POST/PATCH."""

REQUEST_ID_HEADERS = ("x-request-id", "request-id")
"""Response headers that carry the server's request id, in order of preference."""
