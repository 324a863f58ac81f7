"""Helpers to run one request through the sync or the async client alike."""

from __future__ import annotations

import asyncio
from typing import Any, Callable

import httpx

from rtpkg._base_client import AsyncAPIClient, SyncAPIClient

Handler = Callable[[httpx.Request], httpx.Response]

FAST_RETRIES: dict[str, Any] = {"initial_retry_delay": 0.001, "max_retry_delay": 0.01}


def mock_client_kwargs(mode: str, handler: Handler) -> dict[str, Any]:
    """Client arguments that route every request to ``handler``."""
    transport = httpx.MockTransport(handler)
    http: httpx.Client | httpx.AsyncClient
    http = (
        httpx.Client(transport=transport)
        if mode == "sync"
        else httpx.AsyncClient(transport=transport)
    )
    return {"base_url": "https://api.test/v1", "http_client": http, **FAST_RETRIES}


def perform(mode: str, client_kwargs: dict[str, Any], method: str, path: str, **kw: Any) -> Any:
    """Make one request with a fresh sync or async client and return its result."""
    kw.setdefault("responses", {})
    if mode == "sync":
        with SyncAPIClient(**client_kwargs) as client:
            return client.request(method, path, **kw)

    async def go() -> Any:
        async with AsyncAPIClient(**client_kwargs) as client:
            return await client.request(method, path, **kw)

    return asyncio.run(go())
