"""Authentication through a generated client: OAuth 2.0 client credentials (token fetched,
cached, renewed before expiry and once after a 401, one fetch for concurrent requests, never
logged), token providers (sync, and async in the async client), API keys in a query and a
cookie, several schemes sent together, and ``auth=`` (an ``httpx.Auth``) for a document that
declares no security scheme."""

from __future__ import annotations

import asyncio
import os
import base64
import logging
import threading
import time
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from features_helpers import Recorder, both, spec

AUTH = spec(
    "auth",
    """
    openapi: 3.1.0
    info: {title: Auth, version: "1"}
    security: [{oauth: ["things:read"]}]
    paths:
      /things:
        get:
          operationId: listThings
          tags: [things]
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        post:
          operationId: writeThing
          tags: [things]
          security: [{oauth: ["things:write"]}]
          responses: {"204": {description: none}}
      /keys:
        get:
          operationId: viaKeys
          tags: [keys]
          security: [{queryKey: [], cookieKey: []}]
          responses: {"204": {description: none}}
      /either:
        get:
          operationId: either
          tags: [keys]
          security: [{headerKey: [], cookieKey: []}, {queryKey: []}]
          responses: {"204": {description: none}}
    components:
      securitySchemes:
        oauth:
          type: oauth2
          flows:
            clientCredentials:
              tokenUrl: /oauth/token
              scopes: {"things:read": read, "things:write": write}
        queryKey: {type: apiKey, in: query, name: api_key}
        cookieKey: {type: apiKey, in: cookie, name: session}
        headerKey: {type: apiKey, in: header, name: X-Key}
    """,
)

NO_SCHEMES = spec(
    "auth_none",
    """
    openapi: 3.0.3
    info: {title: No schemes, version: "1"}
    paths:
      /me:
        get:
          operationId: me
          responses: {"204": {description: none}}
    """,
)

SECRET = "client-secret-XYZ"


class TokenServer:
    """A token endpoint (``POST /oauth/token``, answering ``tok-1``, ``tok-2``...) and an API
    that accepts the tokens in ``valid`` (all by default), as one MockTransport handler."""

    def __init__(self, expires_in: int | None = 3600, valid: set[str] | None = None) -> None:
        self.expires_in = expires_in
        self.valid = valid
        self.token_requests: list[httpx.Request] = []
        self.api_requests: list[httpx.Request] = []
        #: Seconds the token endpoint takes (so that concurrent requests overlap the fetch).
        self.delay = 0.0
        self._lock = threading.Lock()

    def _token(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.token_requests.append(request)
            n = len(self.token_requests)
        if self.delay:
            time.sleep(self.delay)
        body: dict[str, Any] = {"access_token": f"tok-{n}", "token_type": "Bearer"}
        if self.expires_in is not None:
            body["expires_in"] = self.expires_in
        return httpx.Response(200, json=body)

    def _api(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.api_requests.append(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.valid is not None and token not in self.valid:
            return httpx.Response(401, json={"error": "expired"})
        if request.method == "POST":
            return httpx.Response(204)
        return httpx.Response(200, json={"token": token})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        if request.url.path == "/oauth/token":
            return self._token(request)
        return self._api(request)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        if request.url.path == "/oauth/token":
            await asyncio.sleep(0.05)  # let the other tasks queue up behind the fetch
            return self._token(request)
        return self._api(request)


def _sync(g: Any, server: TokenServer, **kw: Any) -> Any:
    kw.setdefault("client_id", "app")
    kw.setdefault("client_secret", SECRET)
    return g.pkg.Client(
        http_client=httpx.Client(transport=httpx.MockTransport(server)),
        base_url="http://t",
        max_retries=0,
        **kw,
    )


def _async(g: Any, server: TokenServer, **kw: Any) -> Any:
    kw.setdefault("client_id", "app")
    kw.setdefault("client_secret", SECRET)
    return g.pkg.AsyncClient(
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(server.handle_async)),
        base_url="http://t",
        max_retries=0,
        **kw,
    )


def test_client_credentials_fetch_one_token_with_the_declared_scopes(gen) -> None:
    g = gen(AUTH)
    assert g.ok, g.describe()
    server = TokenServer()
    client = _sync(g, server)
    assert client.things.list_things() == {"token": "tok-1"}
    client.things.write_thing()
    assert client.things.list_things() == {"token": "tok-1"}  # cached
    (fetch,) = server.token_requests
    assert fetch.method == "POST" and str(fetch.url) == "http://t/oauth/token"
    form = parse_qs(fetch.content.decode())
    # the scopes every requirement of the document asks of the scheme, in order
    assert form == {"grant_type": ["client_credentials"], "scope": ["things:read things:write"]}
    assert fetch.headers["Authorization"] == "Basic " + base64.b64encode(f"app:{SECRET}".encode()).decode()
    assert [r.headers["Authorization"] for r in server.api_requests] == ["Bearer tok-1"] * 3


def test_client_credentials_in_the_async_client(gen) -> None:
    g = gen(AUTH)
    server = TokenServer()

    async def run() -> list[Any]:
        client = _async(g, server)
        return [await client.things.list_things(), await client.things.list_things()]

    assert asyncio.run(run()) == [{"token": "tok-1"}] * 2
    assert len(server.token_requests) == 1


def test_client_credentials_come_from_the_environment(gen, monkeypatch: pytest.MonkeyPatch) -> None:
    g = gen(AUTH)
    monkeypatch.setenv("FEAT_AUTH_CLIENT_ID", "env-app")
    monkeypatch.setenv("FEAT_AUTH_CLIENT_SECRET", "env-secret")
    server = TokenServer()
    client = g.pkg.Client(
        http_client=httpx.Client(transport=httpx.MockTransport(server)), base_url="http://t"
    )
    client.things.list_things()
    expected = "Basic " + base64.b64encode(b"env-app:env-secret").decode()
    assert server.token_requests[0].headers["Authorization"] == expected


def test_a_token_is_renewed_before_it_expires(gen) -> None:
    g = gen(AUTH)
    server = TokenServer(expires_in=600)
    client = _sync(g, server)
    oauth = client._auth["oauth"]
    now = [1000.0]
    oauth._clock = lambda: now[0]
    client.things.list_things()
    now[0] += 539  # 600 s minus the 60 s leeway, less one
    client.things.list_things()
    assert len(server.token_requests) == 1
    now[0] += 2  # within the leeway: renewed before the server would refuse it
    assert client.things.list_things() == {"token": "tok-2"}
    assert len(server.token_requests) == 2


def test_a_401_renews_the_token_once(gen) -> None:
    g = gen(AUTH)
    server = TokenServer(valid={"tok-2"})  # tok-1 is refused (revoked early)
    client = _sync(g, server)
    assert client.things.list_things() == {"token": "tok-2"}
    assert [r.headers["Authorization"] for r in server.api_requests] == ["Bearer tok-1", "Bearer tok-2"]

    server = TokenServer(valid=set())  # every token refused: one renewal, then the error
    client = _sync(g, server)
    with pytest.raises(g.pkg.AuthenticationError):
        client.things.list_things()
    assert len(server.api_requests) == 2 and len(server.token_requests) == 2


def test_a_401_to_a_static_token_is_not_resent(gen) -> None:
    g = gen(AUTH)
    server = TokenServer(valid=set())
    client = _sync(g, server, token="static", client_id=None, client_secret=None)
    with pytest.raises(g.pkg.AuthenticationError):
        client.things.list_things()
    assert len(server.api_requests) == 1 and not server.token_requests


def test_concurrent_threads_share_one_token_fetch(gen) -> None:
    g = gen(AUTH)
    server = TokenServer()
    server.delay = 0.3  # the other threads arrive while the first one fetches
    client = _sync(g, server)
    results: list[Any] = []
    start = threading.Barrier(8)

    def call() -> None:
        start.wait(5)
        results.append(client.things.list_things())

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == [{"token": "tok-1"}] * 8
    assert len(server.token_requests) == 1


def test_concurrent_tasks_share_one_token_fetch(gen) -> None:
    g = gen(AUTH)
    server = TokenServer()

    async def run() -> list[Any]:
        client = _async(g, server)
        return list(await asyncio.gather(*(client.things.list_things() for _ in range(8))))

    assert asyncio.run(run()) == [{"token": "tok-1"}] * 8
    assert len(server.token_requests) == 1


def test_the_secret_and_the_token_are_never_logged_or_shown(gen, caplog: pytest.LogCaptureFixture) -> None:
    g = gen(AUTH)
    caplog.set_level(logging.DEBUG)
    server = TokenServer(valid={"tok-2"})
    client = _sync(g, server)
    client.things.list_things()
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(g.package))
    assert "Fetched an OAuth 2.0 token" in ours and "401" in ours
    shown = ours + repr(client) + repr(client._auth)
    for secret in (SECRET, "tok-1", "tok-2", base64.b64encode(f"app:{SECRET}".encode()).decode()):
        assert secret not in shown
    assert "client_id='app'" in repr(client._auth["oauth"])


def test_a_failed_token_fetch_raises_the_token_endpoints_error(gen) -> None:
    g = gen(AUTH)

    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client"})

    client = _sync(g, refuse)  # type: ignore[arg-type]
    with pytest.raises(g.pkg.AuthenticationError) as info:
        client.things.list_things()
    assert info.value.request.url.path == "/oauth/token"


def test_a_token_provider_is_called_per_request(gen) -> None:
    g = gen(AUTH)
    tokens = iter(["p1", "p2", "p3", "p4"])
    rec = Recorder(200, json={})
    both(g, rec, lambda c: c.things.list_things(), token=lambda: next(tokens))
    assert [r.headers["Authorization"] for r in rec.requests] == ["Bearer p1", "Bearer p2"]

    async def provider() -> str:
        return "async-token"

    async def run() -> Any:
        client = g.pkg.AsyncClient(
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(rec)),
            base_url="http://t",
            token=provider,
        )
        return await client.things.list_things()

    asyncio.run(run())
    assert rec.last.headers["Authorization"] == "Bearer async-token"
    sync = g.client(rec, token=provider)
    with pytest.raises(TypeError, match="AsyncClient"):
        sync.things.list_things()


def test_api_keys_in_a_query_and_a_cookie_are_sent_together(gen) -> None:
    g = gen(AUTH)
    rec = Recorder(204)
    both(g, rec, lambda c: c.keys.via_keys(), query_key="q-1", cookie_key="c-1")
    for request in rec.requests:
        assert request.url.params["api_key"] == "q-1"
        assert request.headers["Cookie"] == "session=c-1"
        assert "Authorization" not in request.headers


def test_security_alternatives_pick_the_first_complete_set(gen) -> None:
    g = gen(AUTH)
    rec = Recorder(204)
    # headerKey AND cookieKey, else queryKey
    both(g, rec, lambda c: c.keys.either(), header_key="h", cookie_key="c", query_key="q")
    for request in rec.requests:
        assert (request.headers.get("X-Key"), request.headers.get("Cookie"), request.url.params.get("api_key")) == (
            "h",
            "session=c",
            None,
        )
    rec = Recorder(204)
    both(g, rec, lambda c: c.keys.either(), header_key="h", query_key="q")  # the first set is incomplete
    for request in rec.requests:
        assert (request.headers.get("X-Key"), request.headers.get("Cookie"), request.url.params.get("api_key")) == (
            None,
            None,
            "q",
        )


def test_auth_takes_an_httpx_auth_for_a_document_without_schemes(gen) -> None:
    g = gen(NO_SCHEMES)
    assert g.ok, g.describe()

    class Signed(httpx.Auth):
        def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
            request.headers["X-Signature"] = "sig-" + request.url.path
            yield request

    rec = Recorder(204)
    both(g, rec, lambda c: c.me.me(), auth=Signed())
    assert [r.headers["X-Signature"] for r in rec.requests] == ["sig-/me"] * 2
    assert "auth: An ``httpx.Auth``" in g.source("_client.py")


USAGE = """
from collections.abc import Awaitable

import httpx

from feat_auth import AsyncClient, Client


def current_token() -> str:
    return "t"


async def fetch_token() -> str:
    return "t"


def sync_usage() -> None:
    Client(token=current_token)
    Client(token="t", query_key=lambda: "k")
    Client(client_id="app", client_secret=current_token)
    client = Client(token="t", on_retry=lambda attempt, outcome, delay: None)
    client.with_options(timeout=1.0, max_retries=0, default_headers={"X": "1"})


def async_usage() -> Awaitable[object]:
    client = AsyncClient(token=fetch_token, cookie_key=current_token)
    return client.things.list_things(timeout=2.0)
"""

WRONG_USAGE = """
from feat_auth import Client


async def fetch_token() -> str:
    return "t"


Client(token=fetch_token)  # only the AsyncClient awaits a provider
"""


def test_type_checkers_accept_providers_and_refuse_an_async_one_in_the_sync_client(gen, tmp_path) -> None:
    import subprocess
    import sys

    g = gen(AUTH)
    results = {}
    for name, text in (("usage", USAGE), ("wrong_usage", WRONG_USAGE)):
        (tmp_path / f"{name}.py").write_text(text)
        results[name] = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / ".mypy_cache"), f"{name}.py"],
            cwd=tmp_path,
            env={**os.environ, "MYPYPATH": str(g.project_dir)},
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert results["usage"].returncode == 0, results["usage"].stdout
    assert results["wrong_usage"].returncode == 1
    assert 'Argument "token" to "Client" has incompatible type' in results["wrong_usage"].stdout
