"""OAuth 2.0 client credentials (RFC 6749 section 4.4): a token fetched from the scheme's
``tokenUrl``, cached, refreshed before it expires and once after a 401.

One fetch serves every concurrent request: threads wait on a lock while one of them fetches
(sync client), tasks on an ``asyncio.Lock`` (async client). Neither the client secret nor the
token is ever logged or shown by ``repr``.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
import time
from collections.abc import Callable, MutableMapping, Sequence
from typing import Any, cast
from urllib.parse import quote

import httpx

from ._auth import AsyncSecretValue, Auth, BearerAuth
from ._exceptions import APIConnectionError, APITimeoutError, make_status_error
from ._serialization import decode_json

__all__ = ["OAuth2ClientCredentials", "OAuth2TokenError"]

log = logging.getLogger(__name__.rpartition(".")[0] + "._base_client")

#: A token is renewed this many seconds before it expires (at most a tenth of its lifetime).
REFRESH_LEEWAY = 60.0


class OAuth2TokenError(Exception):
    """The token endpoint answered without a usable token (a success without ``access_token``)."""


class OAuth2ClientCredentials(Auth):
    """OAuth 2.0 client credentials: ``Authorization: Bearer <token>``, the token fetched from
    ``token_url`` (a relative URL is resolved against the client's ``base_url``, RFC 3986) with the
    ``scopes`` requested, the client authenticated with HTTP Basic (``client_secret_basic``) or,
    with ``client_auth="post"``, in the form body (``client_secret_post``).

    The token is cached and fetched again ``REFRESH_LEEWAY`` seconds (at most a tenth of its
    lifetime) before ``expires_in`` runs out, and once when the API answers 401 to it. A failed
    fetch raises the status error of the token endpoint's answer (``AuthenticationError`` for a
    401...), ``APIConnectionError``/``APITimeoutError`` when it gets no answer, or
    ``OAuth2TokenError`` for an answer without ``access_token``.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: AsyncSecretValue,
        token_url: str,
        scopes: Sequence[str] = (),
        *,
        client_auth: str = "basic",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if client_auth not in ("basic", "post"):
            raise ValueError("client_auth must be 'basic' or 'post'")
        self.client_id = client_id
        self.token_url = token_url
        self.scopes = tuple(scopes)
        self.client_auth = client_auth
        self._value = client_secret  # resolved by Auth.secret / Auth.asecret
        self._clock = clock
        self._token: str | None = None
        self._expires_at: float | None = None
        self._lock = threading.Lock()
        self._async_lock: asyncio.Lock | None = None
        #: How many tokens were fetched (for tests and diagnostics).
        self.fetches = 0

    def __repr__(self) -> str:
        return (
            f"OAuth2ClientCredentials(client_id={self.client_id!r}, token_url={self.token_url!r}, "
            f"scopes={list(self.scopes)!r}, client_secret='***')"
        )

    # -- the cached token -----------------------------------------------------------------

    def _cached(self) -> str | None:
        if self._token is None:
            return None
        if self._expires_at is not None and self._clock() >= self._expires_at:
            return None
        return self._token

    def _store(self, response: httpx.Response) -> str:
        if response.status_code >= 400:
            raise make_status_error(response, None)
        try:
            body = decode_json(response)
        except ValueError:
            body = None
        data = cast("dict[str, Any]", body) if isinstance(body, dict) else {}
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise OAuth2TokenError(
                f"the token endpoint {self.token_url} answered {response.status_code} "
                "without an access_token"
            )
        expires_at: float | None = None
        expires_in = data.get("expires_in")
        if isinstance(expires_in, (int, float, str)) and not isinstance(expires_in, bool):
            try:
                lifetime = float(expires_in)
            except ValueError:
                lifetime = -1.0
            if lifetime > 0:
                expires_at = self._clock() + lifetime - min(REFRESH_LEEWAY, lifetime / 10)
        self._token, self._expires_at = token, expires_at
        self.fetches += 1
        log.info("Fetched an OAuth 2.0 token from %s", self.token_url)
        return token

    def _request(
        self, http: httpx.Client | httpx.AsyncClient, base_url: httpx.URL | None, secret: str
    ) -> httpx.Request:
        # a relative token URL is resolved against the server URL (RFC 3986, as OAS 3.1 says)
        url = httpx.URL(self.token_url)
        if not url.is_absolute_url and base_url is not None:
            url = base_url.join(self.token_url)
        form = [("grant_type", "client_credentials")]
        if self.scopes:
            form.append(("scope", " ".join(self.scopes)))
        headers = {"Accept": "application/json"}
        if self.client_auth == "post":
            form += [("client_id", self.client_id), ("client_secret", secret)]
        else:
            # RFC 6749 2.3.1: the id and secret are form-urlencoded before the Basic scheme
            raw = f"{quote(self.client_id, safe='')}:{quote(secret, safe='')}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode("ascii")
        return http.build_request("POST", url, data=dict(form), headers=headers)

    @staticmethod
    def _failed(exc: httpx.RequestError, request: httpx.Request) -> Exception:
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(request=request)
        return APIConnectionError(request=request, message=f"Token request failed: {exc}")

    # -- Auth -----------------------------------------------------------------------------

    def secret(self, http: httpx.Client | None = None, base_url: httpx.URL | None = None) -> str:
        """The cached token, or a new one fetched with ``http`` (one fetch for all threads)."""
        token = self._cached()
        if token is not None:
            return token
        if http is None:
            raise TypeError("fetching an OAuth 2.0 token needs the client's httpx.Client")
        with self._lock:
            token = self._cached()  # another thread may have fetched it meanwhile
            if token is not None:
                return token
            request = self._request(http, base_url, super().secret())
            try:
                response = http.send(request)  # (read: not streamed)
            except httpx.RequestError as exc:
                raise self._failed(exc, request) from exc
            return self._store(response)

    async def asecret(
        self, http: httpx.AsyncClient | None = None, base_url: httpx.URL | None = None
    ) -> str:
        """The cached token, or a new one fetched with ``http`` (one fetch for all tasks)."""
        token = self._cached()
        if token is not None:
            return token
        if http is None:
            raise TypeError("fetching an OAuth 2.0 token needs the client's httpx.AsyncClient")
        if self._async_lock is None:
            self._async_lock = asyncio.Lock()
        async with self._async_lock:
            token = self._cached()
            if token is not None:
                return token
            request = self._request(http, base_url, await super().asecret())
            try:
                response = await http.send(request)  # (read: not streamed)
            except httpx.RequestError as exc:
                raise self._failed(exc, request) from exc
            return self._store(response)

    def put(
        self,
        secret: str,
        headers: MutableMapping[str, str],
        query: list[tuple[str, str]],
        cookies: MutableMapping[str, str],
    ) -> None:
        """Set ``Authorization: Bearer <token>``."""
        BearerAuth(secret).put(secret, headers, query, cookies)

    def invalidate(self, secret: str) -> bool:
        """Drop the cached token when it is still ``secret`` (requests that failed together
        cause one new fetch); a new token can always be fetched."""
        with self._lock:
            if self._token == secret:
                self._token, self._expires_at = None, None
        return True
