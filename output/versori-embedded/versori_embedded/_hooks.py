"""Client-level hooks: callables the client calls around every attempt of every request.

``on_request(request)`` before each attempt is sent, ``on_response(response)`` when an attempt
gets a response (before it is judged: a retried 503 is seen too), and
``on_retry(attempt, error_or_response, delay)`` when an attempt's outcome is retried:
``attempt`` is the number of the retry about to be made (1 for the first), ``error_or_response``
the ``APIConnectionError``/``APITimeoutError`` or the ``httpx.Response`` that is retried, and
``delay`` the seconds the client waits first. In the async client a hook may be a coroutine
function (it is awaited). What a hook returns is ignored; what it raises ends the call.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable

import httpx

__all__ = ["Hooks", "RequestHook", "ResponseHook", "RetryHook"]

RequestHook = Callable[[httpx.Request], object]
"""Called with each attempt's ``httpx.Request`` before it is sent."""

ResponseHook = Callable[[httpx.Response], object]
"""Called with each ``httpx.Response`` an attempt gets."""

RetryHook = Callable[[int, Exception | httpx.Response, float], object]
"""Called with ``(attempt, error_or_response, delay)`` before a retry."""


def _sync(result: object) -> None:
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if callable(close):
            close()
        raise TypeError("an async hook needs the AsyncClient")


async def _async(result: object) -> None:
    if inspect.isawaitable(result):
        await result


@dataclasses.dataclass(frozen=True)
class Hooks:
    """The hooks of one client (each optional); ``with_options`` makes a copy with some
    replaced (``merged``)."""

    on_request: RequestHook | None = None
    on_response: ResponseHook | None = None
    on_retry: RetryHook | None = None

    def merged(
        self,
        on_request: RequestHook | None = None,
        on_response: ResponseHook | None = None,
        on_retry: RetryHook | None = None,
    ) -> Hooks:
        """These hooks with those given (not ``None``) in their place."""
        return Hooks(
            on_request or self.on_request,
            on_response or self.on_response,
            on_retry or self.on_retry,
        )

    def request(self, request: httpx.Request) -> None:
        """Call ``on_request`` (sync client). Raises ``TypeError`` for an async hook."""
        if self.on_request is not None:
            _sync(self.on_request(request))

    def response(self, response: httpx.Response) -> None:
        """Call ``on_response`` (sync client)."""
        if self.on_response is not None:
            _sync(self.on_response(response))

    def retry(self, attempt: int, outcome: Exception | httpx.Response, delay: float) -> None:
        """Call ``on_retry`` (sync client)."""
        if self.on_retry is not None:
            _sync(self.on_retry(attempt, outcome, delay))

    async def arequest(self, request: httpx.Request) -> None:
        """Call ``on_request`` (async client), awaiting an async hook."""
        if self.on_request is not None:
            await _async(self.on_request(request))

    async def aresponse(self, response: httpx.Response) -> None:
        """Call ``on_response`` (async client), awaiting an async hook."""
        if self.on_response is not None:
            await _async(self.on_response(response))

    async def aretry(self, attempt: int, outcome: Exception | httpx.Response, delay: float) -> None:
        """Call ``on_retry`` (async client), awaiting an async hook."""
        if self.on_retry is not None:
            await _async(self.on_retry(attempt, outcome, delay))
