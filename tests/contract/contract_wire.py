"""What went over the wire in a contract test: the requests a generated client sent, Prism's answers
and the violations Prism reported, and the calls that produce them (sync or async).

Prism reports two kinds of violations in its ``sl-violations`` header: ``location[0] == "request"``
(the request broke the document: the answer is 422, the operation's declared 400, or 401 for
credentials) and ``"response"`` (the response Prism made up breaks the document, e.g. an invalid
``example``: the status stays 2xx). Prism's own errors come as ``application/problem+json`` whose
``type`` ends in a code such as ``NO_PATH_MATCHED_ERROR`` or ``NOT_ACCEPTABLE``.
"""

from __future__ import annotations

import asyncio
import datetime
import decimal
import importlib
import json
import re
import ssl
import typing
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

import httpx

# One TLS context for every httpx client: building one per client costs ~50 ms (CA bundle).
TLS = ssl.create_default_context()


# What a 422 that names no violation (no ``sl-violations``, not Prism's own error) counts as.
NO_VIOLATIONS_422: dict[str, Any] = {"message": "422 without sl-violations"}


def parse_violations(header: str | None) -> list[dict[str, Any]]:
    """The violations of an ``sl-violations`` header.

    Prism cuts a header longer than ~8 KiB and prefixes it with "Too many violations! ", leaving
    truncated JSON: then each violation is known by its ``location`` head only.
    """
    if not header:
        return []
    try:
        found = json.loads(header)
        return found if isinstance(found, list) else [found]
    except ValueError:
        heads = re.findall(r'"location":\["(request|response)"', header)
        return [{"location": [head], "message": "(cut by Prism)"} for head in heads] or [
            {"message": header[:500]}
        ]


@dataclass
class Exchange:
    """One request a client sent and the response Prism gave it."""

    request: httpx.Request
    status: int
    headers: httpx.Headers
    body: bytes
    violations: list[dict[str, Any]]

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def url(self) -> str:
        return str(self.request.url)

    @property
    def request_violations(self) -> list[dict[str, Any]]:
        """Violations of the request: from ``sl-violations``, or, when the operation declares no
        response for an invalid request, from the ``validation`` list of Prism's own 422 answer
        (``UNPROCESSABLE_ENTITY``, which sends no ``sl-violations``)."""
        found = [
            v
            for v in self.violations
            if (v.get("location") or ["request"])[0] != "response" and v.get("severity", "Error") == "Error"
        ]  # Prism's warnings (e.g. a security scheme it does not check) are not violations
        if not found and self.prism_error == "UNPROCESSABLE_ENTITY":
            try:
                listed = json.loads(self.body).get("validation") or []
            except (ValueError, AttributeError):
                listed = []
            found = [
                {**v, "location": ["request", *(v.get("location") or [])]} for v in listed if isinstance(v, dict)
            ] or [{"message": "422 UNPROCESSABLE_ENTITY without a validation list"}]
        if self.status == 422 and not found and not self.prism_error:
            found = [NO_VIOLATIONS_422]
        return found

    @property
    def response_violations(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if (v.get("location") or [""])[0] == "response"]

    @property
    def prism_error(self) -> str:
        """The code of a Prism error answer (``NO_PATH_MATCHED_ERROR``...), else ""."""
        if "problem+json" not in self.headers.get("content-type", ""):
            return ""
        try:
            kind = json.loads(self.body).get("type", "")
        except (ValueError, AttributeError):
            return ""
        return kind.rsplit("#", 1)[-1] if "stoplight.io/prism/errors" in str(kind) else ""

    def json_body(self) -> Any:
        return json.loads(self.body) if self.body else None

    def describe(self, violations: list[dict[str, Any]] | None = None) -> str:
        shown = self.violations if violations is None else violations
        extra = f" [{self.prism_error}: {self.body[:300]!r}]" if self.prism_error else ""
        return f"{self.method} {self.url} -> {self.status}: {json.dumps(shown)[:1500]}{extra}"


@dataclass
class Recorder:
    """Every request sent and response received by one call (httpx event hooks)."""

    exchanges: list[Exchange] = field(default_factory=list)
    sent: list[httpx.Request] = field(default_factory=list)

    def on_request(self, request: httpx.Request) -> None:
        request.read()  # multipart bodies are streams: keep the bytes for the checks
        self.sent.append(request)

    async def on_request_async(self, request: httpx.Request) -> None:
        await request.aread()
        self.sent.append(request)

    def on_response(self, response: httpx.Response) -> None:
        body = response.read()
        self._add(response, body)

    async def on_response_async(self, response: httpx.Response) -> None:
        body = await response.aread()
        self._add(response, body)

    def _add(self, response: httpx.Response, body: bytes) -> None:
        self.exchanges.append(
            Exchange(
                request=response.request,
                status=response.status_code,
                headers=response.headers,
                body=body,
                violations=parse_violations(response.headers.get("sl-violations")),
            )
        )

    def request_violations(self, since: int = 0) -> list[str]:
        return [e.describe(e.request_violations) for e in self.exchanges[since:] if e.request_violations]

    def response_violations(self, since: int = 0) -> list[str]:
        return [e.describe(e.response_violations) for e in self.exchanges[since:] if e.response_violations]


def sent_json(request: httpx.Request) -> Any:
    content = request.content
    return json.loads(content) if content else None


def multipart_parts(request: httpx.Request) -> dict[str, tuple[dict[str, str], bytes]]:
    """The parts of a sent multipart request by field name: ``(headers, content)``."""
    match = re.search(r"boundary=\"?([^\";]+)", request.headers.get("content-type", ""))
    assert match, f"not a multipart request: {request.headers.get('content-type')}"
    parts: dict[str, tuple[dict[str, str], bytes]] = {}
    for chunk in request.content.split(b"--" + match.group(1).encode())[1:-1]:
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = {}
        for line in head.decode().split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        name = re.search(r'name="([^"]*)"', headers.get("content-disposition", ""))
        assert name, f"a part without a name: {headers}"
        parts[name.group(1)] = (headers, content)
    return parts


EXPECTED_ERRORS = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    412: "PreconditionFailedError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
}


def expected_error_class(status: int) -> str:
    """The exception class name a generated client raises for ``status``."""
    if status in EXPECTED_ERRORS:
        return EXPECTED_ERRORS[status]
    return "InternalServerError" if status >= 500 else "APIStatusError"


@dataclass
class Package:
    """The imported client package of one API."""

    name: str

    @cached_property
    def root(self) -> Any:
        return importlib.import_module(self.name)

    @cached_property
    def models(self) -> Any:
        return importlib.import_module(f"{self.name}.models")

    @cached_property
    def pagination(self) -> Any:
        return importlib.import_module(f"{self.name}._pagination")

    def type_of(self, hint: str) -> Any:
        """The Python object a type hint of the generated code names (e.g. ``list[Pet] | None``)."""
        namespace: dict[str, Any] = {name: getattr(typing, name) for name in ("Any", "Literal", "Optional", "Union")}
        # The stdlib modules the generator's hints name (``uuid.UUID``...), which models.py imports
        # only when a model uses them, while a resource module's return hint may need them alone.
        namespace.update({mod.__name__: mod for mod in (datetime, decimal, uuid)})
        namespace.update(vars(self.models))
        namespace.setdefault("FileInput", getattr(importlib.import_module(f"{self.name}._models"), "FileInput", Any))
        return eval(hint, namespace)  # noqa: S307 - hints are the generator's own output


MAX_PAGES = 3


def drive(
    pkg: Package,
    flavor: str,
    client_kwargs: dict[str, Any],
    invoke: Callable[[Any], Any],
    recorder: Recorder,
    *,
    pages: int = MAX_PAGES,
    timeout: float = 30.0,
) -> Any:
    """Build a ``Client`` (``flavor`` sync) or ``AsyncClient`` over an httpx client whose hooks feed
    ``recorder``, call ``invoke(client)`` (which returns the method's result, or for async its
    awaitable) and return the result or the exception raised. A page result is followed for up
    to ``pages`` pages (every request recorded)."""
    if flavor == "sync":
        hooks: dict[str, list[Callable[..., Any]]] = {
            "request": [recorder.on_request],
            "response": [recorder.on_response],
        }
        with httpx.Client(event_hooks=hooks, timeout=timeout, verify=TLS) as http:
            client = pkg.root.Client(http_client=http, **client_kwargs)
            try:
                result = invoke(client)
                if pages > 1 and isinstance(result, pkg.pagination.SyncPage):
                    for number, _ in enumerate(result.iter_pages(), 1):
                        if number >= pages:
                            break
                return result
            except Exception as exc:  # noqa: BLE001 - the caller judges it
                return exc

    async def run() -> Any:
        hooks: dict[str, list[Callable[..., Any]]] = {
            "request": [recorder.on_request_async],
            "response": [recorder.on_response_async],
        }
        async with httpx.AsyncClient(event_hooks=hooks, timeout=timeout, verify=TLS) as http:
            client = pkg.root.AsyncClient(http_client=http, **client_kwargs)
            try:
                result = await invoke(client)
                if pages > 1 and isinstance(result, pkg.pagination.AsyncPage):
                    number = 0
                    async for _ in result.iter_pages():
                        number += 1
                        if number >= pages:
                            break
                return result
            except Exception as exc:  # noqa: BLE001 - the caller judges it
                return exc

    return asyncio.run(run())
