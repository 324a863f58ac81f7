"""Sending one call: every I/O-free step of the retry loop, shared by the sync and async
clients, whose loops only resolve credentials, send, call hooks, close, sleep and count.

The loop both clients run (``await`` where the async one does I/O)::

    attempts = Attempts(call, ...)
    while True:
        secrets = [auth.secret(http, base_url) for auth in call.auths]
        request = attempts.start(http, secrets)
        hooks.request(request)
        try:
            response = http.send(request, auth=http_auth)
        except httpx.RequestError as exc:
            delay = attempts.retry_delay(error=exc)
            if delay is None:
                raise transport_error(exc, request) from exc
            outcome = transport_error(exc, request)
        else:
            hooks.response(response)
            if attempts.refresh_credentials(response, secrets):
                response.close()
                continue  # once per call: a 401 to a token that can be renewed
            delay = attempts.retry_delay(response=response)
            if delay is None:
                return response, attempts.retries_taken
            response.close()
            outcome = response
        hooks.retry(attempts.retries_taken + 1, outcome, delay)
        sleep(delay)
        attempts.retries_taken += 1
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import httpx

from ._exceptions import APIConnectionError, APITimeoutError
from ._logging import loggable_body, loggable_headers, loggable_url
from ._request import Call, build_request
from ._retries import (
    compute_retry_delay,
    may_resend,
    retry_reason_for_error,
    retry_reason_for_status,
)

__all__ = ["Attempts", "SharedHttp", "transport_error"]

_H = TypeVar("_H")

# records keep the logger name they had when the loop lived in ``_base_client``
log = logging.getLogger(__name__.rpartition(".")[0] + "._base_client")


class SharedHttp(Generic[_H]):
    """The httpx client of an API client and of its copies (``with_options``), made by ``make``
    on first use: making one loads the CA certificates (tens of milliseconds), which
    constructing an API client does not wait for. One thread makes it; the others wait."""

    def __init__(self, make: Callable[[], _H]) -> None:
        self._make = make
        self._client: _H | None = None
        self._lock = threading.Lock()

    def get(self) -> _H:
        """The httpx client, made now if it was not yet."""
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._make()
                client = self._client
        return client


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
    Logs each attempt (see ``_logging``): its outcome, elapsed time and retry decision at INFO,
    what is sent and received at DEBUG.
    """

    __slots__ = (
        "_initial_delay",
        "_max_delay",
        "_max_retry_after",
        "_refreshed",
        "_request",
        "_secret_names",
        "_shown_url",
        "_started",
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
        self._secret_names: frozenset[str] = frozenset()
        self._started = 0.0
        self._refreshed = False

    def start(
        self, http: httpx.Client | httpx.AsyncClient, secrets: Sequence[str] | None = None
    ) -> httpx.Request:
        """Build this attempt's request (see ``build_request``; ``secrets``: the resolved
        credentials of ``call.auths``) and log it at DEBUG."""
        call = self.call
        request, secret_names = build_request(http, call, secrets)
        # only a log shows the URL (with secret query values masked)
        shown = loggable_url(request.url, secret_names) if log.isEnabledFor(logging.INFO) else ""
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "Sending %s %s (attempt %d/%d)",
                call.method,
                shown,
                self.retries_taken + 1,
                call.max_retries + 1,
            )
            log.debug("Request headers: %s", loggable_headers(request.headers, secret_names))
            body = "<multipart>" if call.body.files is not None else call.body.content
            log.debug("Request body: %s", loggable_body(body))
        self._request, self._shown_url, self._secret_names = request, shown, secret_names
        self._started = time.monotonic()
        return request

    def refresh_credentials(self, response: httpx.Response, secrets: Sequence[str]) -> bool:
        """Whether to send the call once more after ``response``: a 401, the first of this
        call, to a credential that can be renewed (OAuth 2.0 client credentials), which is
        then dropped (``Auth.invalidate``)."""
        if response.status_code != 401 or self._refreshed:
            return False
        renewed = [auth.invalidate(secret) for auth, secret in zip(self.call.auths, secrets)]
        if not any(renewed):
            return False
        self._refreshed = True
        log.info("%s %s -> 401: renewing the credentials", self.call.method, self._shown_url)
        return True

    def retry_delay(
        self,
        *,
        error: Exception | None = None,
        response: httpx.Response | None = None,
    ) -> float | None:
        """Seconds to wait before retrying this attempt's outcome (its transport ``error``
        or its ``response``), or ``None`` when it is final. Logs the outcome at INFO."""
        info = log.isEnabledFor(logging.INFO)
        if error is None and response is not None and response.status_code < 400 and not info:
            return None  # the common case: a success, nothing to decide or log
        call, request, retries_taken = self.call, self._request, self.retries_taken
        assert request is not None, "start() builds the attempt's request first"
        shown_url = self._shown_url
        attempt = f"{retries_taken + 1}/{call.max_retries + 1}"
        elapsed = time.monotonic() - self._started
        resend_ok = may_resend(
            call.method, request.headers, call.retry_non_idempotent, call.idempotency_header
        )
        if error is not None:
            reason = retry_reason_for_error(error, resend_ok)
            outcome = f"{type(error).__name__}: {error}"
        else:
            assert response is not None
            reason = retry_reason_for_status(response.status_code, resend_ok)
            outcome = f"{response.status_code} {response.reason_phrase}".rstrip()
            if log.isEnabledFor(logging.DEBUG):
                shown = loggable_headers(response.headers, self._secret_names)
                log.debug("Response headers: %s", shown)
                try:
                    log.debug("Response body: %s", loggable_body(response.content))
                except httpx.ResponseNotRead:
                    log.debug("Response body: <stream>")
        if reason is None or retries_taken >= call.max_retries:
            log.info(
                "%s %s -> %s (attempt %s, %.3fs)", call.method, shown_url, outcome, attempt, elapsed
            )
            return None
        delay = compute_retry_delay(
            retries_taken,
            response.headers if response is not None else None,
            initial_delay=self._initial_delay,
            max_delay=self._max_delay,
            max_retry_after=self._max_retry_after,
        )
        log.info(
            "%s %s -> %s (attempt %s, %.3fs); retrying in %.2fs",
            call.method,
            shown_url,
            outcome,
            attempt,
            elapsed,
            delay,
        )
        return delay
