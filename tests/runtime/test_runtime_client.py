"""Request building and response handling of both clients, over httpx.MockTransport."""

from __future__ import annotations

import io
import json
import logging
from typing import Any
import httpx
import pydantic
import pytest
from rt_helpers import mock_client_kwargs, perform

from rtpkg._auth import ApiKeyAuth, BasicAuth, BearerAuth, select_auths
from rtpkg._base_client import AsyncAPIClient, ResponseSpec, SyncAPIClient
from rtpkg._exceptions import (
    APIResponseValidationError,
    ConflictError,
    InternalServerError,
    NotFoundError,
)
from rtpkg._pagination import PageRequest
from rtpkg._request import with_page_request
from rtpkg._types import NOT_GIVEN


class Variable(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)
    name: str
    secret_ref: str | None = pydantic.Field(default=None, alias="secretRef")


class Connection(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)
    id: str
    display_name: str | None = pydantic.Field(default=None, alias="displayName")


class Error(pydantic.BaseModel):
    code: str
    message: str


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Recorder:
    """A MockTransport handler recording requests and answering from a list."""

    def __init__(self, *replies: httpx.Response) -> None:
        self.requests: list[httpx.Request] = []
        self.replies = list(replies)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self.replies:
            return self.replies.pop(0)
        return httpx.Response(200, json={"id": "c1"})


def test_header_names_override_case_insensitively_once(mode: str) -> None:
    rec = Recorder()
    kwargs = mock_client_kwargs(mode, rec)
    kwargs.update(default_headers={"user-agent": "mine/2", "X-Trace": "default"})
    perform(mode, kwargs, "get", "/x", headers={"x-trace": "param", "Content-Type": None})
    (req,) = rec.requests
    assert req.headers.get_list("User-Agent") == ["mine/2"]
    assert req.headers.get_list("X-Trace") == ["param"]
    assert [k.lower() for k, _ in req.headers.raw].count(b"user-agent") == 1


def test_builds_url_query_headers_cookies_and_json_body(mode: str) -> None:
    rec = Recorder()
    kwargs = mock_client_kwargs(mode, rec)
    kwargs.update(
        default_headers={"X-Default": "d", "X-Override": "old"},
        default_query={"v": "1"},
        user_agent="versori-connect/1.0",
    )
    result = perform(
        mode,
        kwargs,
        "post",
        "/organisations/{org_id}/connections/{name}",
        path_params={"org_id": "o/1", "name": ".."},
        query={"first": 20, "after": NOT_GIVEN, "tags": ["a", "b"], "flag": False},
        query_styles={"tags": ("form", False)},
        headers={"X-Override": "new", "X-Absent": None, "X-Skip": NOT_GIVEN},
        cookies={"session_pref": "a b", "gone": None},
        json={"variables": [Variable(name="k")], "skip": NOT_GIVEN, "n": None},
        responses={201: ResponseSpec(Connection)},
        options={
            "extra_headers": {"X-Extra": "e"},
            "extra_query": {"debug": True},
            "extra_body": {"more": 1},
        },
    )
    assert result == Connection(id="c1")
    (req,) = rec.requests
    assert req.method == "POST"
    assert req.url.raw_path == (
        b"/v1/organisations/o%2F1/connections/%2E%2E"
        b"?v=1&first=20&tags=a%2Cb&flag=false&debug=true"
    )
    assert req.headers["user-agent"] == "versori-connect/1.0"
    assert req.headers["x-default"] == "d"
    assert req.headers["x-override"] == "new"
    assert req.headers["x-extra"] == "e"
    assert "x-absent" not in req.headers and "x-skip" not in req.headers
    assert req.headers["cookie"] == "session_pref=a%20b"
    assert req.headers["content-type"] == "application/json"
    assert req.headers["accept"] == "application/json"
    assert json.loads(req.content) == {
        "variables": [{"name": "k"}],
        "n": None,
        "more": 1,
    }


def test_model_body_uses_aliases_and_only_set_fields(mode: str) -> None:
    rec = Recorder()
    perform(
        mode,
        mock_client_kwargs(mode, rec),
        "PUT",
        "/v",
        json=Variable(name="k", secret_ref="s"),
        content_type="application/merge-patch+json",
    )
    assert json.loads(rec.requests[0].content) == {"name": "k", "secretRef": "s"}
    assert rec.requests[0].headers["content-type"] == "application/merge-patch+json"


def test_form_and_content_bodies(mode: str) -> None:
    rec = Recorder()
    kwargs = mock_client_kwargs(mode, rec)
    perform(mode, kwargs, "POST", "/f", form={"a": 1, "b": ["x", "y"], "c": NOT_GIVEN})
    assert rec.requests[0].content == b"a=1&b=x&b=y"
    assert rec.requests[0].headers["content-type"] == ("application/x-www-form-urlencoded")
    kwargs = mock_client_kwargs(mode, rec)
    perform(mode, kwargs, "PUT", "/c", content=b"\x00raw")
    assert rec.requests[1].content == b"\x00raw"
    assert rec.requests[1].headers["content-type"] == "application/octet-stream"


def test_empty_bodies_are_sent(mode: str) -> None:
    """A body that is given is sent when empty: an empty form with its Content-Type, a multipart
    body of no part (the closing boundary) with the given media type and a boundary."""
    rec = Recorder()
    perform(mode, mock_client_kwargs(mode, rec), "POST", "/f", form={"a": None})
    perform(mode, mock_client_kwargs(mode, rec), "POST", "/m", multipart={"a": NOT_GIVEN})
    perform(
        mode, mock_client_kwargs(mode, rec), "POST", "/m", multipart={}, content_type="multipart/mixed"
    )
    form, multipart, mixed = rec.requests
    assert (form.headers["content-type"], form.content) == ("application/x-www-form-urlencoded", b"")
    for request, media in ((multipart, "multipart/form-data"), (mixed, "multipart/mixed")):
        ctype = request.headers["content-type"]
        assert ctype.startswith(f"{media}; boundary=")
        assert request.content == f"--{ctype.split('boundary=')[1]}--\r\n".encode()


def test_a_page_url_keeps_the_query_the_server_wrote() -> None:
    """Query pairs are held percent-encoded; the next page at a URL the server gave keeps that
    URL's query as written, a next page by parameters encodes them like the first."""
    http = httpx.Client(transport=httpx.MockTransport(Recorder()))
    client = SyncAPIClient(base_url="http://t/v1", http_client=http)
    first = client._prepare(
        "GET", "/items", path_params=None, query={"q": "a b"}, query_styles=None, path_styles=None,
        header_styles=None, headers=None, cookies=None, json=NOT_GIVEN, form=NOT_GIVEN,
        multipart=NOT_GIVEN, content=NOT_GIVEN, content_type=None, encodings=None, security=None,
        responses={}, errors=None, pagination=None, options=None, read_streams=False,
    )
    assert first.query == (("q", "a%20b"),)
    following = with_page_request(first, PageRequest(url="http://t/v1/items?q=a+b&cursor=x%2By"))
    assert following.query == (("q", "a+b"), ("cursor", "x%2By"))
    assert with_page_request(first, PageRequest(params={"q": "c d"})).query == (("q", "c%20d"),)


def test_only_one_body_is_accepted(mode: str) -> None:
    rec = Recorder()
    with pytest.raises(ValueError, match="only one request body"):
        perform(mode, mock_client_kwargs(mode, rec), "POST", "/x", json={}, form={})
    assert rec.requests == []


def test_empty_path_param_fails_before_io(mode: str) -> None:
    rec = Recorder()
    with pytest.raises(ValueError, match="non-empty value for `org_id`"):
        perform(
            mode,
            mock_client_kwargs(mode, rec),
            "GET",
            "/orgs/{org_id}",
            path_params={"org_id": ""},
        )
    assert rec.requests == []


def test_security_schemes_applied_only_when_named(mode: str) -> None:
    rec = Recorder()
    auth = {
        "bearerToken": BearerAuth("tok-123"),
        "cookie": ApiKeyAuth("cookie", "cookie", "jwt.value"),
        "queryKey": ApiKeyAuth("api_key", "query", "qk"),
        "headerKey": ApiKeyAuth("X-API-Key", "header", "hk"),
    }
    kwargs = mock_client_kwargs(mode, rec)
    kwargs["auth"] = auth
    perform(
        mode,
        kwargs,
        "GET",
        "/a",
        # one requirement of five schemes, one not configured: the four configured are sent
        security=[["bearerToken", "cookie", "queryKey", "headerKey", "unknown"]],
        cookies={"pref": "x"},
    )
    kwargs = mock_client_kwargs(mode, rec)
    kwargs["auth"] = auth
    perform(mode, kwargs, "GET", "/public")
    first, public = rec.requests
    assert first.headers["authorization"] == "Bearer tok-123"
    assert first.headers["x-api-key"] == "hk"
    assert first.headers["cookie"] == "pref=x; cookie=jwt.value"
    assert first.url.params["api_key"] == "qk"
    assert "authorization" not in public.headers
    assert "cookie" not in public.headers and "api_key" not in public.url.params


def test_security_requirements_are_alternatives_of_scheme_sets() -> None:
    """An operation's ``security``: the first requirement whose every scheme is configured is
    sent whole; ``()`` (``{}``) makes credentials optional; else the configured part of the
    first requirement that has one."""
    b, k, q = BearerAuth("t"), ApiKeyAuth("K", "header", "k"), ApiKeyAuth("q", "query", "q")
    configured = {"b": b, "k": k, "q": q}
    assert select_auths([["b", "k"]], configured) == (b, k)  # AND
    assert select_auths([["x"], ["k"], ["b"]], configured) == (k,)  # OR: the first satisfied
    assert select_auths([["x", "b"], ["k", "q"]], configured) == (k, q)
    assert select_auths([["x"], ()], configured) == ()  # optional
    assert select_auths([(), ["q"]], configured) == (q,)  # a credential is sent when configured
    assert select_auths([["x", "b"], ["y"]], configured) == (b,)  # best effort
    assert select_auths(["k", "b"], configured) == (k,)  # a bare name is one alternative
    assert select_auths([], configured) == ()


def test_basic_auth_and_token_callable(mode: str) -> None:
    rec = Recorder(httpx.Response(503), httpx.Response(200, json={}))
    tokens = iter(["t1", "t2"])
    kwargs = mock_client_kwargs(mode, rec)
    kwargs["auth"] = {
        "b": BearerAuth(lambda: next(tokens)),
        "basic": BasicAuth("u", "p"),
    }
    perform(mode, kwargs, "GET", "/x", security=["b"])
    assert [r.headers["authorization"] for r in rec.requests] == [
        "Bearer t1",
        "Bearer t2",
    ]
    kwargs = mock_client_kwargs(mode, rec)
    kwargs["auth"] = {"basic": BasicAuth("u", "p")}
    perform(mode, kwargs, "GET", "/x", security=["basic"])
    assert rec.requests[-1].headers["authorization"] == "Basic dTpw"


def test_timeout_per_client_and_per_call(mode: str) -> None:
    rec = Recorder()
    kwargs = mock_client_kwargs(mode, rec)
    kwargs["timeout"] = 7.0
    perform(mode, kwargs, "GET", "/x")
    kwargs = mock_client_kwargs(mode, rec)
    perform(mode, kwargs, "GET", "/x", options={"timeout": httpx.Timeout(3.0)})
    kwargs = mock_client_kwargs(mode, rec)
    perform(mode, kwargs, "GET", "/x", options={"timeout": None})
    client_level, per_call, unlimited = (r.extensions["timeout"] for r in rec.requests)
    assert client_level["read"] == 7.0
    assert per_call["read"] == 3.0
    assert unlimited["read"] is None


def test_default_timeout_follows_a_given_http_client() -> None:
    http = httpx.Client(timeout=12.0)
    assert SyncAPIClient(base_url="https://a.test", http_client=http).timeout.read == 12.0
    assert SyncAPIClient(base_url="https://a.test").timeout.read == 60.0
    assert SyncAPIClient(base_url="https://a.test").timeout.connect == 5.0


def test_response_selection_and_204(mode: str) -> None:
    rec = Recorder(
        httpx.Response(204),
        httpx.Response(202, json={"id": "a"}),
        httpx.Response(200, text="plain"),
    )
    responses: dict[int | str, ResponseSpec] = {
        204: ResponseSpec(kind="none"),
        "2XX": ResponseSpec(Connection),
    }
    assert perform(mode, mock_client_kwargs(mode, rec), "DELETE", "/x", responses=responses) is None
    assert perform(
        mode, mock_client_kwargs(mode, rec), "GET", "/x", responses=responses
    ) == Connection(id="a")
    text = {"default": ResponseSpec(kind="text")}
    assert perform(mode, mock_client_kwargs(mode, rec), "GET", "/x", responses=text) == "plain"


def test_error_statuses_raise_typed_errors(mode: str) -> None:
    rec = Recorder(
        httpx.Response(404, json={"code": "nf", "message": "no such connection"}),
        httpx.Response(409, json={"unexpected": True}),
    )
    errors = {"4XX": Error}
    with pytest.raises(NotFoundError) as info:
        perform(mode, mock_client_kwargs(mode, rec), "GET", "/x", errors=errors)
    assert info.value.error == Error(code="nf", message="no such connection")
    assert str(info.value) == "404 Not Found: no such connection"
    with pytest.raises(ConflictError) as conflict:
        perform(
            mode,
            mock_client_kwargs(mode, rec),
            "GET",
            "/x",
            errors=errors,
            options={"max_retries": 0},
        )
    assert conflict.value.error is None and conflict.value.body == {"unexpected": True}


def test_success_body_not_matching_schema(mode: str) -> None:
    rec = Recorder(httpx.Response(200, json={"nope": 1}))
    with pytest.raises(APIResponseValidationError):
        perform(
            mode,
            mock_client_kwargs(mode, rec),
            "GET",
            "/x",
            responses={200: ResponseSpec(Connection)},
        )


def test_retries_on_503_then_gives_up(mode: str) -> None:
    rec = Recorder(*[httpx.Response(503, text="busy") for _ in range(5)])
    with pytest.raises(InternalServerError) as info:
        perform(mode, mock_client_kwargs(mode, rec), "GET", "/x")
    assert len(rec.requests) == 3  # default: 2 retries
    assert info.value.text == "busy"
    rec = Recorder(*[httpx.Response(503) for _ in range(5)])
    with pytest.raises(InternalServerError):
        perform(mode, mock_client_kwargs(mode, rec), "GET", "/x", options={"max_retries": 4})
    assert len(rec.requests) == 5


def test_post_retry_rules(mode: str) -> None:
    rec = Recorder(httpx.Response(503), httpx.Response(200, json={}))
    with pytest.raises(InternalServerError):
        perform(mode, mock_client_kwargs(mode, rec), "POST", "/x")
    assert len(rec.requests) == 1

    rec = Recorder(httpx.Response(503), httpx.Response(200, json={}))
    perform(
        mode,
        mock_client_kwargs(mode, rec),
        "POST",
        "/x",
        headers={"Idempotency-Key": "k1"},
    )
    assert [r.headers["idempotency-key"] for r in rec.requests] == ["k1", "k1"]

    rec = Recorder(httpx.Response(429), httpx.Response(200, json={}))
    kwargs = mock_client_kwargs(mode, rec)
    perform(mode, kwargs, "PATCH", "/x", options={"retry_non_idempotent": True})
    assert len(rec.requests) == 2

    rec = Recorder(httpx.Response(500), httpx.Response(200, json={}))
    kwargs = mock_client_kwargs(mode, rec)
    kwargs["retry_non_idempotent"] = True
    perform(mode, kwargs, "POST", "/x")
    assert len(rec.requests) == 2


def test_secrets_stay_out_of_repr_and_logs(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    rec = Recorder(httpx.Response(503), httpx.Response(200, json={}))
    kwargs = mock_client_kwargs(mode, rec)
    kwargs["auth"] = {
        "b": BearerAuth("bearer-secret-1"),
        "q": ApiKeyAuth("api_key", "query", "query-secret-2"),
        "c": ApiKeyAuth("session", "cookie", "cookie-secret-3"),
    }
    kwargs["base_url"] = "https://user:pw-secret-4@api.test/v1"
    perform(
        mode,
        kwargs,
        "GET",
        "/x",
        security=["b", "q", "c"],
        query={"access_token": "tok-secret-5", "page": 2},
    )
    everything = "\n".join(r.getMessage() for r in caplog.records)
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("rtpkg"))
    assert "attempt 1/3" in ours and "attempt 2/3" in ours and "retrying in" in ours
    assert "page=2" in ours
    for secret in ("query-secret-2", "pw-secret-4", "tok-secret-5"):
        # httpx itself logs full URLs (with query strings) at INFO: not ours to fix.
        assert secret not in ours
    for secret in ("bearer-secret-1", "cookie-secret-3"):
        assert secret not in everything
    client = SyncAPIClient(**{**kwargs, "http_client": None})
    shown = repr(client) + repr(kwargs["auth"])
    assert "https://api.test/v1" in shown
    for secret in (
        "bearer-secret-1",
        "query-secret-2",
        "cookie-secret-3",
        "pw-secret-4",
    ):
        assert secret not in shown
    client.close()


def test_given_http_client_is_not_closed() -> None:
    http = httpx.Client()
    with SyncAPIClient(base_url="https://a.test", http_client=http) as client:
        pass
    assert not http.is_closed and client.is_closed is False
    own = SyncAPIClient(base_url="https://a.test")
    own.close()
    assert own.is_closed
    http.close()


@pytest.mark.anyio
async def test_async_client_closes_its_own_http_client() -> None:
    http = httpx.AsyncClient()
    async with AsyncAPIClient(base_url="https://a.test", http_client=http):
        pass
    assert not http.is_closed
    await http.aclose()
    async with AsyncAPIClient(base_url="https://a.test") as own:
        pass
    assert own.is_closed


def test_constructor_validation() -> None:
    with pytest.raises(ValueError, match="absolute"):
        SyncAPIClient(base_url="/relative")
    with pytest.raises(ValueError, match="max_retries"):
        SyncAPIClient(base_url="https://a.test", max_retries=-1)


def test_extra_body_rules(mode: str) -> None:
    rec = Recorder()
    perform(
        mode,
        mock_client_kwargs(mode, rec),
        "POST",
        "/x",
        options={"extra_body": {"a": 1}},
    )
    assert json.loads(rec.requests[0].content) == {"a": 1}
    with pytest.raises(TypeError):
        perform(
            mode,
            mock_client_kwargs(mode, rec),
            "POST",
            "/x",
            json=[1],
            options={"extra_body": {"a": 1}},
        )


class OneShotStream(io.RawIOBase):
    """A readable, non-seekable stream (like a pipe or a socket)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = min(len(buffer), len(self._data))
        buffer[:size] = self._data[:size]
        self._data = self._data[size:]
        return size


def test_seekable_stream_is_rewound_between_attempts() -> None:
    rec = Recorder(httpx.Response(503), httpx.Response(200, json={}))
    stream = io.BytesIO(b"xxpayload")
    stream.seek(2)
    perform("sync", mock_client_kwargs("sync", rec), "PUT", "/blob", content=stream)
    assert [r.content for r in rec.requests] == [b"payload", b"payload"]


def test_non_seekable_stream_is_sent_once() -> None:
    rec = Recorder(httpx.Response(503), httpx.Response(200, json={}))
    with pytest.raises(InternalServerError):
        perform("sync", mock_client_kwargs("sync", rec), "PUT", "/b", content=OneShotStream(b"abc"))
    assert [r.content for r in rec.requests] == [b"abc"]


def test_async_client_reads_stream_bodies() -> None:
    rec = Recorder(httpx.Response(503), httpx.Response(200, json={}))
    stream = OneShotStream(b"abc")
    perform("async", mock_client_kwargs("async", rec), "PUT", "/b", content=stream)
    assert [r.content for r in rec.requests] == [b"abc", b"abc"]


def test_extra_headers_override_and_remove(mode: str) -> None:
    rec = Recorder()
    kwargs = mock_client_kwargs(mode, rec)
    kwargs.update(default_headers={"X-Team": "a", "X-Drop": "d"}, auth={"b": BearerAuth("t")})
    perform(
        mode,
        kwargs,
        "GET",
        "/x",
        security=["b"],
        options={"extra_headers": {"X-Team": "b", "X-Drop": None, "Authorization": "Bearer o"}},
    )
    headers = rec.requests[0].headers
    assert headers["x-team"] == "b" and "x-drop" not in headers
    assert headers["authorization"] == "Bearer o"
    with pytest.raises(ValueError, match="X-Bad"):
        perform(mode, kwargs, "GET", "/x", options={"extra_headers": {"X-Bad": "a\r\nb"}})


def test_absolute_operation_url_and_base_url_path(mode: str) -> None:
    rec = Recorder()
    kwargs = mock_client_kwargs(mode, rec)
    kwargs["base_url"] = "https://api.test/api/v1/"
    perform(mode, kwargs, "GET", "things/{id}", path_params={"id": 7})
    kwargs = mock_client_kwargs(mode, rec)
    perform(mode, kwargs, "GET", "https://upload.test/files/{id}", path_params={"id": "a b"})
    assert str(rec.requests[0].url) == "https://api.test/api/v1/things/7"
    assert str(rec.requests[1].url) == "https://upload.test/files/a%20b"
