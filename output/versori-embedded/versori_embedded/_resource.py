"""Base classes of the generated resource groups (one per API tag)."""

from __future__ import annotations

from ._base_client import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncAPIResource", "SyncAPIResource"]


class SyncAPIResource:
    """A group of operations bound to a ``SyncAPIClient``.

    Generated resource classes subclass this and call ``self._client.call(...)``.
    """

    _client: SyncAPIClient

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncAPIResource:
    """A group of operations bound to an ``AsyncAPIClient``.

    Generated resource classes subclass this and ``await self._client.call(...)``.
    """

    _client: AsyncAPIClient

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client
