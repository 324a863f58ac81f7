"""Webhooks (OpenAPI 3.1 ``webhooks``): a received payload parsed into the typed union of the
webhooks the document declares, with no network. The generated ``webhooks`` module's
``Webhooks.unwrap`` calls :func:`unwrap_event` with that union.

Signature verification is vendor-specific, so it is not guessed: a ``verify`` callable (the
``WebhookVerifier`` protocol) is given the raw body bytes and the headers before anything is
parsed, and rejects the payload by raising.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol

import httpx
import pydantic

from ._models import UnknownVariant
from ._serialization import type_adapter

__all__ = ["UnknownWebhookError", "WebhookVerifier", "unwrap_event"]


class WebhookVerifier(Protocol):
    """Checks a received webhook's signature: ``verify(body, headers)`` with the raw body bytes
    and the request headers (case-insensitive); raises (any exception) to reject it."""

    def __call__(self, body: bytes, headers: httpx.Headers) -> None:
        """Return to accept the payload; raise to reject it."""


class UnknownWebhookError(ValueError):
    """A received payload is none of the webhooks the document declares (or is not JSON).

    Attributes:
        webhooks: the names of the declared webhooks.
        body: the payload as received (bytes), or the mapping given.
    """

    webhooks: tuple[str, ...]
    body: object

    def __init__(self, message: str, webhooks: tuple[str, ...], body: object) -> None:
        super().__init__(message)
        self.webhooks = webhooks
        self.body = body


def unwrap_event(
    event_type: Any,
    webhooks: tuple[str, ...],
    body: bytes | str | Mapping[str, object],
    *,
    headers: Mapping[str, str] | httpx.Headers | None = None,
    verify: WebhookVerifier | None = None,
) -> Any:
    """Parse a received webhook ``body`` into ``event_type`` (the union of the declared
    webhooks' payloads); ``webhooks`` names them, for errors.

    ``body`` is the request body as received (bytes or text), or a mapping already decoded
    (then it cannot be verified). ``verify``, when given, is called first with the raw bytes
    and ``headers``.

    Raises:
        TypeError: ``verify`` is given with a decoded mapping (signatures are over the bytes).
        UnknownWebhookError: the body is not JSON, or fits none of the declared webhooks (an
            unknown discriminator value included).
        Exception: whatever ``verify`` raises to reject the payload.
    """
    if isinstance(body, Mapping):
        if verify is not None:
            raise TypeError("verify needs the raw body bytes, not a decoded mapping")
        raw: bytes | None = None
    else:
        raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        if verify is not None:
            verify(raw, httpx.Headers(headers or {}))
    declared = ", ".join(webhooks)
    try:
        if raw is None:
            value = type_adapter(event_type).validate_python(body)
        else:
            value = type_adapter(event_type).validate_json(raw)
    except pydantic.ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        if first["type"] == "json_invalid":
            detail = "the body is not JSON"
        else:
            where = ".".join(str(p) for p in first["loc"])
            detail = f"{where}: {first['msg']}" if where else str(first["msg"])
        raise UnknownWebhookError(
            f"Not a declared webhook ({declared}): {detail}", webhooks, body
        ) from None
    if isinstance(value, UnknownVariant):
        seen = value.model_dump(mode="json", by_alias=True)
        raise UnknownWebhookError(
            f"Not a declared webhook ({declared}): {json.dumps(seen)[:200]}", webhooks, body
        )
    return value
