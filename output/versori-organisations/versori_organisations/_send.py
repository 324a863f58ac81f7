"""Sending one call: every I/O-free step of the retry loop, shared by the sync and async
clients, whose loops only send, close, sleep and count.

The loop both clients run (``await`` where the async one does I/O)::

    attempts = Attempts(call, ...)
    while True:
        request = attempts.start(http)
        try:
            response = http.send(request)
        except httpx.RequestError as exc:
            delay = attempts.retry_delay(error=exc)
            if delay is None:
                raise transport_error(exc, request) from exc
        else:
            delay = attempts.retry_delay(response=response)
            if delay is None:
                return response, attempts.retries_taken
            response.close()
        sleep(delay)
        attempts.retries_taken += 1
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlencode

import httpx

from ._exceptions import APIConnectionError, APITimeoutError
from ._request import Call, build_request
from ._retries import (
    compute_retry_delay,
    may_resend,
    retry_reason_for_error,
    retry_reason_for_status,
)

__all__ = ["Attempts", "transport_error"]

# records keep the logger name they had when the loop lived in ``_base_client``
log = logging.getLogger(__name__.rpartition(".")[0] + "._base_client")

_SECRET_QUERY_NAME = re.compile(
    r"key|token|secret|password|passwd|signature|sig$|auth|credential|session",
    re.IGNORECASE,
)


def _loggable_url(url: httpx.URL, secret_names: frozenset[str]) -> str:
    """The URL without credentials: userinfo dropped, secret query values masked."""
    params = [
        (k, "***" if k in secret_names or _SECRET_QUERY_NAME.search(k) else v)
        for k, v in url.params.multi_items()
    ]
    clean = url.copy_with(username=None, password=None, query=None, fragment=None)
    return f"{clean}?{urlencode(params, safe='*,')}" if params else str(clean)


def transport_error(exc: httpx.RequestError, request: httpx.Request) -> Exception:
    """The error a call raises when ``exc`` ends it: ``APITimeoutError`` for a timeout,
    else ``APIConnectionError``."""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request=request)
    detail = str(exc)
    message = f"Connection error: {detail}" if detail else "Connection error."
    return APIConnectionError(request=request, message=message)


class Attempts:
    """The attempts at sending one ``call``: each one's request, and whether its outcome is
    retried and after how long (backoff bounds in seconds, see ``compute_retry_delay``).

    ``retries_taken`` counts the retries made so far; the loop advances it after sleeping.
    """

    __slots__ = (
        "_initial_delay",
        "_max_delay",
        "_max_retry_after",
        "_request",
        "_shown_url",
        "call",
        "retries_taken",
    )

    def __init__(
        self, call: Call, *, initial_delay: float, max_delay: float, max_retry_after: float
    ) -> None:
        self.call = call
        self.retries_taken = 0
        self._initial_delay = initial_delay
        self._max_delay = max_delay
        self._max_retry_after = max_retry_after
        self._request: httpx.Request | None = None
        self._shown_url = ""

    def start(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        """Build this attempt's request (see ``build_request``) and log it at DEBUG."""
        call = self.call
        request, secret_names = build_request(http, call)
        # only a DEBUG log shows the URL (with secret query values masked)
        shown = _loggable_url(request.url, secret_names) if log.isEnabledFor(logging.DEBUG) else ""
        log.debug(
            "Sending %s %s (attempt %d/%d)",
            call.method,
            shown,
            self.retries_taken + 1,
            call.max_retries + 1,
        )
        self._request, self._shown_url = request, shown
        return request

    def retry_delay(
        self,
        *,
        error: Exception | None = None,
        response: httpx.Response | None = None,
    ) -> float | None:
        """Seconds to wait before retrying this attempt's outcome (its transport ``error``
        or its ``response``), or ``None`` when it is final. Logs the decision at DEBUG."""
        debug = log.isEnabledFor(logging.DEBUG)
        if error is None and response is not None and response.status_code < 400 and not debug:
            return None  # the common case: a success, nothing to decide or log
        call, request, retries_taken = self.call, self._request, self.retries_taken
        assert request is not None, "start() builds the attempt's request first"
        shown_url = self._shown_url
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
            initial_delay=self._initial_delay,
            max_delay=self._max_delay,
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
