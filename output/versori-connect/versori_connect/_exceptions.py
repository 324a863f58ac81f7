"""The exceptions raised by the client, and the mapping of HTTP statuses to them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import httpx
import pydantic

from ._constants import REQUEST_ID_HEADERS
from ._serialization import decode_json, type_adapter

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APIStreamError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NoMorePagesError",
    "NotFoundError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "make_status_error",
    "use_status_errors",
]

_MAX_MESSAGE_TEXT = 200


class APIError(Exception):
    """Base class of every error raised while calling the API.

    Attributes:
        message: a short human-readable description (also ``str(error)``).
        request: the ``httpx.Request`` that failed (its headers may hold
            credentials: do not log them).
        body: the decoded JSON body of the response when there was one, else ``None``.
    """

    message: str
    request: httpx.Request
    body: object

    def __init__(self, message: str, request: httpx.Request, *, body: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body


class APIConnectionError(APIError):
    """The request could not be sent or no response was received (after retries)."""

    def __init__(self, *, request: httpx.Request, message: str = "Connection error.") -> None:
        super().__init__(message, request)


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool timeout), after retries."""

    def __init__(self, *, request: httpx.Request) -> None:
        super().__init__(request=request, message="Request timed out.")


class APIStreamError(APIError):
    """An event stream failed after it started: the connection broke, the server sent an
    ``error`` event, or an event's data did not match its schema.

    Attributes:
        events_delivered: how many events the stream had given its caller before the failure.
        event: the ``error`` event (a ``ServerSentEvent``) when the server sent one, else ``None``.
    """

    def __init__(
        self,
        message: str,
        request: httpx.Request,
        *,
        events_delivered: int,
        body: object = None,
        event: object = None,
    ) -> None:
        super().__init__(
            f"{message} (after {events_delivered} event"
            f"{'' if events_delivered == 1 else 's'} delivered)",
            request,
            body=body,
        )
        self.events_delivered = events_delivered
        self.event = event


class APIResponseValidationError(APIError):
    """A successful (2xx) response whose body does not match the declared schema.

    Attributes:
        response: the ``httpx.Response`` (already read).
        status_code: its HTTP status.
        validation_error: the ``pydantic.ValidationError``, or the ``ValueError``
            raised when the body was not JSON at all.
    """

    response: httpx.Response
    status_code: int
    validation_error: Exception

    def __init__(
        self,
        *,
        response: httpx.Response,
        body: object,
        validation_error: Exception,
        message: str | None = None,
    ) -> None:
        text = message or (
            f"{response.status_code} response body does not match the declared "
            f"schema: {validation_error}"
        )
        super().__init__(text, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.validation_error = validation_error


class APIStatusError(APIError):
    """The server answered with a 4xx/5xx status (or another undeclared status).

    Attributes:
        response: the ``httpx.Response`` (already read).
        status_code: its HTTP status.
        headers: its headers.
        request_id: the ``x-request-id`` (or ``request-id``) header, else ``None``.
        text: the raw body text (may be HTML, may be empty).
        body: the decoded JSON body, or ``None`` when the body is not JSON.
        error: the body parsed into the operation's declared error model, or
            ``None`` when no model is declared or the body does not fit it.
    """

    response: httpx.Response
    status_code: int
    headers: httpx.Headers
    request_id: str | None
    text: str
    error: Any

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object = None,
        error: Any = None,
    ) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.request_id = request_id_of(response)
        self.text = _safe_text(response)
        self.error = error


class BadRequestError(APIStatusError):
    """HTTP 400 Bad Request."""


class AuthenticationError(APIStatusError):
    """HTTP 401 Unauthorized: missing or invalid credentials."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403 Forbidden: the credentials do not allow this operation."""


class NotFoundError(APIStatusError):
    """HTTP 404 Not Found."""


class ConflictError(APIStatusError):
    """HTTP 409 Conflict."""


class PreconditionFailedError(APIStatusError):
    """HTTP 412 Precondition Failed (for example a stale ``If-Match`` ETag)."""


class UnprocessableEntityError(APIStatusError):
    """HTTP 422 Unprocessable Entity: the request body failed validation."""


class RateLimitError(APIStatusError):
    """HTTP 429 Too Many Requests (after the retries allowed were used)."""


class InternalServerError(APIStatusError):
    """Any HTTP 5xx status (after the retries allowed were used)."""


class NoMorePagesError(Exception):
    """``next_page()`` was called on the last page; check ``has_next_page()`` first."""


_STATUS_ERRORS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    412: PreconditionFailedError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


#: The class raised for each status (``"5XX"``: any 5xx), as ``use_status_errors`` left it.
_classes: dict[int | str, type[APIStatusError]] = {k: v for k, v in _STATUS_ERRORS.items()}
_classes["5XX"] = InternalServerError


def use_status_errors(classes: Mapping[int | str, type[APIStatusError]]) -> None:
    """Raise ``classes`` (by status: ``404``, or ``"5XX"`` for any 5xx) instead of this module's
    own: the generated package's ``_errors`` installs, once when imported, the subclasses it
    types with the error schema its document declares for those statuses.

    Raises:
        TypeError: a class is not a subclass of the one it replaces (``except NotFoundError``
            must still catch what is raised), or a status has no class of its own.
    """
    for status, cls in classes.items():
        base = _classes.get(status)
        if base is None or not issubclass(cls, base):
            raise TypeError(f"{cls.__name__} cannot be raised for status {status}")
    _classes.update(classes)


def make_status_error(response: httpx.Response, error_type: Any | None) -> APIStatusError:
    """Build the typed ``APIStatusError`` subclass for a non-success ``response``.

    ``error_type`` is the declared error schema type (a pydantic model or any type
    ``pydantic.TypeAdapter`` accepts), or ``None``. The body is decoded as JSON when
    possible and validated against ``error_type``; a body that is not JSON (an HTML
    502 page) or that does not fit still gives the typed exception, with
    ``.body``/``.error`` set to ``None``. This function never raises.

    The class is the one for ``status`` (``use_status_errors``). The message reads
    ``"412 Precondition Failed: <detail>"`` where ``<detail>`` is the
    body's error message field when it has one, else the first 200 characters of the
    body text.
    """
    status = response.status_code
    try:
        body = decode_json(response)
    except (ValueError, httpx.ResponseNotRead):
        body = None
    error: Any = None
    if error_type is not None and body is not None:
        try:
            error = type_adapter(error_type).validate_python(body)
        except pydantic.ValidationError:
            error = None
    cls = _classes.get(status)
    if cls is None:
        cls = _classes["5XX"] if status >= 500 else APIStatusError
    return cls(_status_message(response, body), response=response, body=body, error=error)


def request_id_of(response: httpx.Response) -> str | None:
    """Return the server's request id from the response headers, or ``None``."""
    for name in REQUEST_ID_HEADERS:
        value = response.headers.get(name)
        if value:
            return str(value)
    return None


def _safe_text(response: httpx.Response) -> str:
    try:
        return response.text
    except (httpx.ResponseNotRead, UnicodeDecodeError, LookupError):
        return ""


def _status_message(response: httpx.Response, body: object) -> str:
    reason = response.reason_phrase or httpx.codes.get_reason_phrase(response.status_code)
    head = f"{response.status_code} {reason}".rstrip()
    detail = _error_detail(body)
    if detail is None:
        detail = " ".join(_safe_text(response).split())[:_MAX_MESSAGE_TEXT]
    return f"{head}: {detail}" if detail else head


def _error_detail(body: object) -> str | None:
    """Find a human-readable message in common error body shapes."""
    if not isinstance(body, Mapping):
        return None
    fields = cast("Mapping[object, object]", body)
    for key in ("message", "error", "detail", "title", "error_description"):
        value = fields.get(key)
        if isinstance(value, str) and value:
            return value[:_MAX_MESSAGE_TEXT]
        if isinstance(value, Mapping):
            nested = cast("Mapping[object, object]", value).get("message")
            if isinstance(nested, str) and nested:
                return nested[:_MAX_MESSAGE_TEXT]
    return None
