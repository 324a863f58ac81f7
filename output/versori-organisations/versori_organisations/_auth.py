"""Credential appliers for the API's security schemes (bearer, basic, API key), and the choice
of which ones a call sends.

A credential is resolved once per attempt (``Auth.secret`` in the sync client, ``Auth.asecret``
in the async one) and then placed on the request (``Auth.put``): a callable credential (a token
provider) is called per attempt, and an async one is awaited by the async client. OAuth 2.0
client credentials (``_oauth.OAuth2ClientCredentials``) fetch and cache a token the same way.
"""

from __future__ import annotations

import base64
import inspect
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from typing import Literal

import httpx

from ._qs import encode_header_value

__all__ = [
    "ApiKeyAuth",
    "AsyncSecretValue",
    "Auth",
    "BasicAuth",
    "BearerAuth",
    "SecretValue",
    "select_auths",
]

SecretValue = str | Callable[[], str]
"""A credential, or a callable returning the current one (called per request)."""

AsyncSecretValue = str | Callable[[], str | Awaitable[str]]
"""A credential, or a callable returning the current one or an awaitable of it (the async
client awaits it per request)."""


def _checked(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"a credential provider must return a str, not {type(value).__name__}")
    return value


class Auth:
    """Something that adds one security scheme's credential to an outgoing request.

    Subclasses implement :meth:`put`; the value put is what :meth:`secret` (sync client) or
    :meth:`asecret` (async client) resolves, once per attempt.
    """

    _value: AsyncSecretValue = ""

    def secret(self, http: httpx.Client | None = None, base_url: httpx.URL | None = None) -> str:
        """The credential for this attempt: the value, or what the provider returns now.

        Raises:
            TypeError: the provider is async (only ``AsyncClient`` awaits it) or returns no str.
        """
        value = self._value
        if not callable(value):
            return value
        got = value()
        if inspect.isawaitable(got):
            close = getattr(got, "close", None)
            if callable(close):
                close()  # no "coroutine was never awaited" warning
            raise TypeError("an async credential provider needs the AsyncClient")
        return _checked(got)

    async def asecret(
        self, http: httpx.AsyncClient | None = None, base_url: httpx.URL | None = None
    ) -> str:
        """The credential for this attempt (async client): a provider's result is awaited when
        it is awaitable.

        Raises:
            TypeError: the provider returns no str.
        """
        value = self._value
        if not callable(value):
            return value
        got = value()
        if inspect.isawaitable(got):
            got = await got
        return _checked(got)

    def put(
        self,
        secret: str,
        headers: MutableMapping[str, str],
        query: list[tuple[str, str]],
        cookies: MutableMapping[str, str],
    ) -> None:
        """Add the resolved credential ``secret`` to ``headers``, ``query`` or ``cookies``."""
        raise NotImplementedError

    def apply(
        self,
        headers: MutableMapping[str, str],
        query: list[tuple[str, str]],
        cookies: MutableMapping[str, str],
    ) -> None:
        """Resolve the credential (sync) and add it to ``headers``, ``query`` or ``cookies``."""
        self.put(self.secret(), headers, query, cookies)

    def invalidate(self, secret: str) -> bool:
        """Forget ``secret`` after the server answered 401 to it; ``True`` when a new one can be
        obtained (then the call is sent once more). Static credentials return ``False``."""
        return False


class BearerAuth(Auth):
    """HTTP bearer authentication: ``Authorization: Bearer <token>``.

    ``token`` may be a callable returning the current token (called once per
    attempt, so rotating tokens work; the async client also awaits an async one).
    ``repr`` never shows it.
    """

    def __init__(self, token: AsyncSecretValue) -> None:
        self._value = token

    def put(
        self,
        secret: str,
        headers: MutableMapping[str, str],
        query: list[tuple[str, str]],
        cookies: MutableMapping[str, str],
    ) -> None:
        """Set the ``Authorization`` header.

        Raises:
            ValueError: if the token contains CR, LF or NUL.
        """
        headers["Authorization"] = f"Bearer {encode_header_value('Authorization', secret)}"

    def __repr__(self) -> str:
        return "BearerAuth(token='***')"


class BasicAuth(Auth):
    """HTTP basic authentication: ``Authorization: Basic base64(user:password)``.

    ``password`` may be a provider like a bearer token. ``repr`` shows the username only.
    """

    def __init__(self, username: str, password: AsyncSecretValue) -> None:
        self._username = username
        self._value = password

    def put(
        self,
        secret: str,
        headers: MutableMapping[str, str],
        query: list[tuple[str, str]],
        cookies: MutableMapping[str, str],
    ) -> None:
        """Set the ``Authorization`` header."""
        raw = f"{self._username}:{secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(raw).decode("ascii")

    def __repr__(self) -> str:
        return f"BasicAuth(username={self._username!r}, password='***')"


class ApiKeyAuth(Auth):
    """An API key sent in a header, a query parameter or a cookie.

    ``name`` is the header, parameter or cookie name from the security scheme;
    ``location`` its ``in``. ``value`` may be a provider. ``repr`` never shows the value.
    """

    def __init__(
        self,
        name: str,
        location: Literal["header", "query", "cookie"],
        value: AsyncSecretValue,
    ) -> None:
        if location not in ("header", "query", "cookie"):
            raise ValueError(f"Unknown API key location {location!r}")
        self.name = name
        self.location = location
        self._value = value

    def put(
        self,
        secret: str,
        headers: MutableMapping[str, str],
        query: list[tuple[str, str]],
        cookies: MutableMapping[str, str],
    ) -> None:
        """Add the key where the scheme says.

        Raises:
            ValueError: if a header key contains CR, LF or NUL.
        """
        if self.location == "header":
            headers[self.name] = encode_header_value(self.name, secret)
        elif self.location == "query":
            query[:] = [(k, v) for k, v in query if k != self.name]
            query.append((self.name, secret))
        else:
            cookies[self.name] = secret

    def __repr__(self) -> str:
        return f"ApiKeyAuth(name={self.name!r}, location={self.location!r}, value='***')"


def select_auths(
    requirements: Sequence[Sequence[str] | str], configured: Mapping[str, Auth]
) -> tuple[Auth, ...]:
    """The credentials one call sends, for an operation's ``security``.

    ``requirements`` are alternatives (the Security Requirement Objects), each the names of
    the schemes that must all be sent (a bare name is a one-scheme alternative); ``configured``
    maps scheme names to the credentials the client was given. The first alternative whose
    every scheme is configured is sent, all of it; failing that, nothing when an alternative
    is empty (``{}``: credentials are optional); failing that, the configured credentials of
    the first alternative that has any (the server then says what is missing).
    """
    fallback: tuple[Auth, ...] | None = None
    optional = False
    for requirement in requirements:
        names = (requirement,) if isinstance(requirement, str) else tuple(requirement)
        if not names:
            optional = True
            continue
        have = tuple(configured[name] for name in names if name in configured)
        if len(have) == len(names):
            return have
        if have and fallback is None:
            fallback = have
    if optional:
        return ()
    return fallback or ()
