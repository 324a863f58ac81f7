"""``make_status_error``: status -> class, body decoding, messages."""

from __future__ import annotations

import httpx
import pydantic
import pytest

from rtpkg import _exceptions as exc
from rtpkg._exceptions import make_status_error


class Error(pydantic.BaseModel):
    code: str
    message: str


def response(status: int, content: bytes = b"", **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        content=content,
        headers=headers,
        request=httpx.Request("GET", "http://api.test/x"),
    )


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, exc.BadRequestError),
        (401, exc.AuthenticationError),
        (403, exc.PermissionDeniedError),
        (404, exc.NotFoundError),
        (409, exc.ConflictError),
        (412, exc.PreconditionFailedError),
        (422, exc.UnprocessableEntityError),
        (429, exc.RateLimitError),
        (500, exc.InternalServerError),
        (503, exc.InternalServerError),
        (599, exc.InternalServerError),
        (418, exc.APIStatusError),
    ],
)
def test_status_maps_to_class(status: int, cls: type[exc.APIStatusError]) -> None:
    error = make_status_error(response(status), None)
    assert type(error) is cls
    assert error.status_code == status
    assert isinstance(error, exc.APIError)


def test_json_error_body_is_parsed() -> None:
    body = b'{"code": "stale", "message": "ETag does not match"}'
    error = make_status_error(response(412, body, **{"x-request-id": "req-1"}), Error)
    assert isinstance(error, exc.PreconditionFailedError)
    assert error.error == Error(code="stale", message="ETag does not match")
    assert error.body == {"code": "stale", "message": "ETag does not match"}
    assert error.request_id == "req-1"
    assert error.message == "412 Precondition Failed: ETag does not match"
    assert str(error) == error.message
    assert error.request.url == "http://api.test/x"


def test_json_body_not_matching_the_model() -> None:
    error = make_status_error(response(400, b'{"detail": "bad"}'), Error)
    assert error.error is None
    assert error.body == {"detail": "bad"}
    assert error.message == "400 Bad Request: bad"


def test_html_502_page() -> None:
    html = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    error = make_status_error(response(502, html), Error)
    assert isinstance(error, exc.InternalServerError)
    assert error.text == html.decode()
    assert error.body is None and error.error is None
    assert error.message.startswith("502 Bad Gateway: <html>")
    long = make_status_error(response(500, b"x" * 1000), None)
    assert long.message == "500 Internal Server Error: " + "x" * 200


def test_empty_body() -> None:
    error = make_status_error(response(404), Error)
    assert isinstance(error, exc.NotFoundError)
    assert error.text == "" and error.body is None and error.error is None
    assert error.message == "404 Not Found"
    assert error.request_id is None


def test_nested_error_message_and_request_id_fallback() -> None:
    body = b'{"error": {"message": "slow down"}}'
    error = make_status_error(response(429, body, **{"request-id": "r2"}), None)
    assert error.message == "429 Too Many Requests: slow down"
    assert error.request_id == "r2"


def test_invalid_utf8_body_does_not_raise() -> None:
    error = make_status_error(response(500, b"\xff\xfe\x00bad"), Error)
    assert isinstance(error, exc.InternalServerError)
    assert error.body is None


def test_timeout_is_a_connection_error() -> None:
    request = httpx.Request("GET", "http://api.test")
    error = exc.APITimeoutError(request=request)
    assert isinstance(error, exc.APIConnectionError)
    assert error.message == "Request timed out."


def test_a_body_nested_beyond_the_recursion_limit_still_gives_the_typed_error() -> None:
    deep = b"[" * 100_000
    error = make_status_error(response(500, deep), None)
    assert isinstance(error, exc.InternalServerError)
    assert error.body is None


def test_use_status_errors_raises_the_given_subclass_and_refuses_a_class_that_is_none() -> None:
    import rtpkg._exceptions as exc_mod

    class TypedNotFound(exc_mod.NotFoundError):
        pass

    saved = dict(exc_mod._classes)
    try:
        with pytest.raises(TypeError, match="cannot be raised for status 404"):
            exc_mod.use_status_errors({404: exc_mod.ConflictError})
        with pytest.raises(TypeError, match="status 418"):
            exc_mod.use_status_errors({418: exc_mod.APIStatusError})
        exc_mod.use_status_errors({404: TypedNotFound})
        request = httpx.Request("GET", "http://api.test/x")
        raised = exc_mod.make_status_error(httpx.Response(404, json={}, request=request), None)
        assert type(raised) is TypedNotFound
        other = exc_mod.make_status_error(httpx.Response(409, request=request), None)
        assert type(other) is exc_mod.ConflictError
    finally:
        exc_mod._classes.clear()
        exc_mod._classes.update(saved)
