"""Request logging: ``<PACKAGE>_LOG=info|debug`` (the package name in upper case, e.g.
``MY_API_LOG=debug``) sends the client's records to stderr.

At ``info``: each attempt's method, URL (credentials and secret-looking query values masked),
status, elapsed time and retry decision. At ``debug`` also each attempt's request headers and
body, and each response's headers and body, with credentials and secret-looking JSON
properties masked. The records come from the logger
``<package>._base_client``; configure it with ``logging`` as usual instead of the variable.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable
from typing import Any, cast
from urllib.parse import urlencode

import httpx

__all__ = ["MASK", "loggable_body", "loggable_headers", "loggable_url", "setup_logging"]

_PACKAGE = (__package__ or __name__).split(".")[0]
ENV_VAR = f"{_PACKAGE.upper()}_LOG"
MASK = "***"
_MAX_BODY = 2000

SECRET_NAME = re.compile(
    r"key|token|secret|password|passwd|signature|sig$|auth|credential|session|cookie",
    re.IGNORECASE,
)
"""Header, query and JSON property names whose values are never logged."""


def setup_logging() -> None:
    """Honour ``<PACKAGE>_LOG``: ``info`` or ``debug`` gives the package's logger that level
    and a stderr handler (once); anything else leaves logging as the application set it."""
    level = {"info": logging.INFO, "debug": logging.DEBUG}.get(
        os.environ.get(ENV_VAR, "").strip().lower()
    )
    if level is None:
        return
    logger = logging.getLogger(_PACKAGE)
    logger.setLevel(level)
    if not any(getattr(h, "_from_env", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._from_env = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


def _secret(name: str, secret_names: Iterable[str]) -> bool:
    return name.lower() in {n.lower() for n in secret_names} or bool(SECRET_NAME.search(name))


def loggable_url(url: httpx.URL, secret_names: frozenset[str] = frozenset()) -> str:
    """The URL without credentials: userinfo dropped, secret query values masked."""
    params = [(k, MASK if _secret(k, secret_names) else v) for k, v in url.params.multi_items()]
    clean = url.copy_with(username=None, password=None, query=None, fragment=None)
    return f"{clean}?{urlencode(params, safe='*,')}" if params else str(clean)


def loggable_headers(
    headers: httpx.Headers, secret_names: frozenset[str] = frozenset()
) -> dict[str, str]:
    """The headers with the values of credentials and secret-looking names masked."""
    return {name: MASK if _secret(name, secret_names) else value for name, value in headers.items()}


def _mask(data: object) -> object:
    if isinstance(data, dict):
        items = cast("dict[str, object]", data).items()
        return {k: MASK if SECRET_NAME.search(str(k)) else _mask(v) for k, v in items}
    if isinstance(data, list):
        return [_mask(v) for v in cast("list[object]", data)]
    return data


def loggable_body(content: Any) -> str:
    """A body as logged: JSON with secret-looking properties masked, other text as is (both
    cut at 2000 characters), binary content and streams by their size only."""
    if not isinstance(content, (bytes, bytearray)):
        return "<stream>" if content is not None else "<none>"
    raw = bytes(content)
    try:
        text = json.dumps(_mask(json.loads(raw)), ensure_ascii=False)
    except ValueError:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return f"<{len(raw)} bytes>"
        if "=" in text and "&" in text or text.count("=") == 1:
            pairs = httpx.QueryParams(text).multi_items()
            text = urlencode([(k, MASK if SECRET_NAME.search(k) else v) for k, v in pairs])
    return text if len(text) <= _MAX_BODY else text[:_MAX_BODY] + "..."
