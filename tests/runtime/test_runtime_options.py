"""The runtime's per-call option checks, idempotency keys, hooks, log masking and credential
resolution (``_options``, ``_hooks``, ``_logging``, ``_auth``), outside a generated client."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from rt_helpers import mock_client_kwargs, perform

from rtpkg._auth import ApiKeyAuth, BasicAuth, BearerAuth
from rtpkg._hooks import Hooks
from rtpkg._logging import loggable_body, loggable_headers, loggable_url
from rtpkg._oauth import OAuth2ClientCredentials, OAuth2TokenError
from rtpkg._options import check_options, idempotency_header_value
from rtpkg._types import NOT_GIVEN


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_check_options_names_the_nearest_option() -> None:
    check_options({"timeout": 1.0, "max_retries": 0, "extra_headers": None, "idempotency_key": "k"})
    check_options({"timeout": None, "max_retries": NOT_GIVEN})
    with pytest.raises(TypeError, match="did you mean 'extra_query'"):
        check_options({"extra_querys": {}})
    with pytest.raises(TypeError, match="'timeout' got str"):
        check_options({"timeout": "5"})
    with pytest.raises(TypeError, match="max_retries"):
        check_options({"max_retries": True})
    with pytest.raises(ValueError):
        check_options({"max_retries": -2})


def test_idempotency_header_value() -> None:
    def value(method: str, **kw: object) -> tuple[str, str] | None:
        base: dict[str, object] = {"declared": None, "configured": None, "given": NOT_GIVEN, "present": {}}
        return idempotency_header_value(method, **{**base, **kw})  # type: ignore[arg-type]

    assert value("POST") is None  # nothing declared, nothing given
    assert value("GET", declared="Idempotency-Key") is None  # an idempotent method needs none
    header, key = value("POST", declared="Idempotency-Key") or ("", "")
    assert header == "Idempotency-Key" and len(key) == 36
    assert value("PATCH", configured="X-Key", given="mine") == ("X-Key", "mine")
    assert value("POST", given="mine") == ("Idempotency-Key", "mine")
    assert value("POST", declared="Idempotency-Key", present={"idempotency-key": ("", "")}) is None


def test_hooks_refuse_an_async_hook_in_the_sync_client() -> None:
    async def hook(request: httpx.Request) -> None:
        return None

    with pytest.raises(TypeError, match="async hook"):
        Hooks(on_request=hook).request(httpx.Request("GET", "http://t"))
    asyncio.run(Hooks(on_request=hook).arequest(httpx.Request("GET", "http://t")))  # awaited
    merged = Hooks(on_request=hook).merged(on_retry=print)
    assert merged.on_request is hook and merged.on_retry is print


def test_logs_mask_credentials() -> None:
    url = httpx.URL("https://u:pw@api.test/x?page=2&api_key=k1&sessionId=s1")
    assert loggable_url(url) == "https://api.test/x?page=2&api_key=***&sessionId=***"
    assert loggable_url(httpx.URL("https://api.test/x?q=v1"), frozenset({"q"})) == "https://api.test/x?q=***"
    headers = httpx.Headers({"Authorization": "Bearer t", "Cookie": "a=b", "X-Custom": "c", "Accept": "x"})
    shown = loggable_headers(headers, frozenset({"x-custom"}))
    assert shown == {"authorization": "***", "cookie": "***", "x-custom": "***", "accept": "x"}
    body = loggable_body(b'{"name": "n", "password": "p", "nested": [{"client_secret": "s"}]}')
    assert body == '{"name": "n", "password": "***", "nested": [{"client_secret": "***"}]}'
    assert loggable_body(b"grant_type=client_credentials&client_secret=s") == (
        "grant_type=client_credentials&client_secret=%2A%2A%2A"
    )
    assert loggable_body(b"\xff\xfe") == "<2 bytes>"
    assert loggable_body(None) == "<none>"


def test_debug_logs_show_headers_and_bodies_masked(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="rtpkg")
    kwargs = mock_client_kwargs(mode, lambda r: httpx.Response(200, json={}))
    kwargs["auth"] = {"k": ApiKeyAuth("X-Tenant", "header", "tenant-secret")}
    perform(mode, kwargs, "POST", "/x", json={"pin": "1234", "name": "ok"}, security=[["k"]])
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("rtpkg"))
    assert "'x-tenant': '***'" in text and "tenant-secret" not in text
    assert '"name": "ok"' in text
    assert "POST https://api.test/v1/x -> 200 OK (attempt 1/3, " in text


def test_credentials_resolve_providers() -> None:
    assert BearerAuth(lambda: "t1").secret() == "t1"
    assert asyncio.run(BasicAuth("u", lambda: "p").asecret()) == "p"

    async def provider() -> str:
        return "t2"

    assert asyncio.run(BearerAuth(provider).asecret()) == "t2"
    with pytest.raises(TypeError, match="AsyncClient"):
        BearerAuth(provider).secret()
    with pytest.raises(TypeError, match="must return a str"):
        BearerAuth(lambda: 3).secret()  # type: ignore[arg-type,return-value]


def test_oauth_token_answers() -> None:
    def client(response: httpx.Response) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(lambda r: response))

    auth = OAuth2ClientCredentials("id", "secret", "https://auth.test/token", ["a"], client_auth="post")
    assert auth.secret(client(httpx.Response(200, json={"access_token": "t", "expires_in": "90"}))) == "t"
    with pytest.raises(OAuth2TokenError, match="without an access_token"):
        OAuth2ClientCredentials("id", "s", "https://auth.test/token").secret(client(httpx.Response(200, text="ok")))
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"access_token": "t"})

    post = OAuth2ClientCredentials("i d", "s&1", "token", client_auth="post")
    post.secret(httpx.Client(transport=httpx.MockTransport(record)), httpx.URL("https://api.test/v1/"))
    assert str(seen[0].url) == "https://api.test/v1/token"  # RFC 3986: relative to the server URL
    rooted = OAuth2ClientCredentials("i", "s", "/oauth/token")
    rooted.secret(httpx.Client(transport=httpx.MockTransport(record)), httpx.URL("https://api.test/v1"))
    assert str(seen[1].url) == "https://api.test/oauth/token"
    assert seen[0].content == b"grant_type=client_credentials&client_id=i+d&client_secret=s%261"
    assert "Authorization" not in seen[0].headers
    assert "secret" not in repr(post).replace("client_secret='***'", "")
