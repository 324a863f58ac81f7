"""Credential appliers for the API's security schemes (bearer, basic, API key)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Literal, Protocol

from ._qs import encode_header_value

__all__ = ["ApiKeyAuth", "Auth", "BasicAuth", "BearerAuth", "SecretValue", "select_auths"]

SecretValue = str | Callable[[], str]
"""A credential, or a callable returning the current one (called per request)."""


def _resolve(value: SecretValue) -> str:
    return value() if callable(value) else value


class Auth(Protocol):
    """Something that adds one security scheme's credential to an outgoing request."""

    def apply(
        self,
        headers: MutableMapping[str, str],
        query: list[tuple[str, str]],
        cookies: MutableMapping[str, str],
    ) -> None:
        """Add the credential to ``headers``, ``query`` or ``cookies`` in place."""


class BearerAuth:
    """HTTP bearer authentication: ``Authorization: Bearer <token>``.

    ``token`` may be a callable returning the current token (called once per
    attempt, so rotating tokens work). ``repr`` never shows it.
    """

    def __init__(self, token: SecretValue) -> None:
        self._token = token

    def apply(
        self,
        headers: MutableMapping[str, str],
        query: list[tuple[str, str]],
        cookies: MutableMapping[str, str],
    ) -> None:
        """Set the ``Authorization`` header.

        Raises:
            ValueError: if the token contains CR, LF or NUL.
        """
        token = encode_header_value("Authorization", _resolve(self._token))
        headers["Authorization"] = f"Bearer {token}"

    def __repr__(self) -> str:
        return "BearerAuth(token='***')"


class BasicAuth:
    """HTTP basic authentication: ``Authorization: Basic base64(user:password)``.

    ``repr`` shows the username only.
    """

    def __init__(self, username: str, password: SecretValue) -> None:
        self._username = username
        self._password = password

    def apply(
        self,
        headers: MutableMapping[str, str],
        query: list[tuple[str, str]],
        cookies: MutableMapping[str, str],
    ) -> None:
        """Set the ``Authorization`` header."""
        raw = f"{self._username}:{_resolve(self._password)}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(raw).decode("ascii")

    def __repr__(self) -> str:
        return f"BasicAuth(username={self._username!r}, password='***')"


class ApiKeyAuth:
    """An API key sent in a header, a query parameter or a cookie.

    ``name`` is the header, parameter or cookie name from the security scheme;
    ``location`` its ``in``. ``repr`` never shows the value.
    """

    def __init__(
        self,
        name: str,
        location: Literal["header", "query", "cookie"],
        value: SecretValue,
    ) -> None:
        if location not in ("header", "query", "cookie"):
            raise ValueError(f"Unknown API key location {location!r}")
        self.name = name
        self.location = location
        self._value = value

    def apply(
        self,
        headers: MutableMapping[str, str],
        query: list[tuple[str, str]],
        cookies: MutableMapping[str, str],
    ) -> None:
        """Add the key where the scheme says.

        Raises:
            ValueError: if a header key contains CR, LF or NUL.
        """
        value = _resolve(self._value)
        if self.location == "header":
            headers[self.name] = encode_header_value(self.name, value)
        elif self.location == "query":
            query[:] = [(k, v) for k, v in query if k != self.name]
            query.append((self.name, value))
        else:
            cookies[self.name] = value

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
