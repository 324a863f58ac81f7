"""Per-call options checked (a misspelt or mistyped option is an error, not ignored), the
idempotency key a call sends, and client copies (``with_options``)."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Container, Mapping
from typing import Any, TypeVar

import httpx

from ._constants import IDEMPOTENCY_KEY_HEADER
from ._retries import IDEMPOTENT_METHODS
from ._types import NotGiven, RequestOptions

__all__ = ["OPTION_NAMES", "check_options", "copy_client", "idempotency_header_value"]

OPTION_NAMES = frozenset(RequestOptions.__optional_keys__ | RequestOptions.__required_keys__)
"""The per-call options a method takes (the keys of ``RequestOptions``)."""

_ClientT = TypeVar("_ClientT")


def _absent(value: object) -> bool:
    return value is None or isinstance(value, NotGiven)


def check_options(options: Mapping[str, object]) -> None:
    """Check one call's options: every key one of ``RequestOptions``, every value of its type.

    Raises:
        TypeError: an unknown option (the message names the nearest known one) or a value of
            the wrong type.
        ValueError: a negative ``max_retries``.
    """
    for name, value in options.items():
        if name not in OPTION_NAMES:
            import difflib  # (only for this message: kept off the package's import)

            near = difflib.get_close_matches(name, sorted(OPTION_NAMES), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise TypeError(
                f"got an unexpected keyword argument {name!r}{hint} "
                f"(per-call options: {', '.join(sorted(OPTION_NAMES))})"
            )
        if _absent(value):
            continue
        if name in ("extra_headers", "extra_query", "extra_body"):
            ok = isinstance(value, Mapping)
        elif name == "timeout":
            ok = isinstance(value, (int, float, httpx.Timeout)) and not isinstance(value, bool)
        elif name == "max_retries":
            ok = isinstance(value, int) and not isinstance(value, bool)
            if ok and value < 0:  # type: ignore[operator]
                raise ValueError("max_retries must be >= 0")
        elif name == "retry_non_idempotent":
            ok = isinstance(value, bool)
        else:  # idempotency_key
            ok = isinstance(value, str) and bool(value)
        if not ok:
            raise TypeError(f"option {name!r} got {type(value).__name__} {value!r}")


def idempotency_header_value(
    method: str,
    *,
    declared: str | None,
    configured: str | None,
    given: object,
    present: Container[str],
) -> tuple[str, str] | None:
    """The idempotency ``(header, key)`` one call sends, or ``None``.

    ``declared`` is the header the operation declares, ``configured`` the one the client's
    configuration names for every POST/PATCH, ``given`` the ``idempotency_key`` option and
    ``present`` the lower-case names of the headers the call already has (a key passed as the
    operation's own parameter is kept). A given key is always sent; otherwise a declared or
    configured header gets a random key on calls of non-idempotent methods.
    """
    header = declared or configured or IDEMPOTENCY_KEY_HEADER
    if isinstance(given, str):
        return header, given
    if header.lower() in present:
        return None
    if (declared or configured) and method.upper() not in IDEMPOTENT_METHODS:
        return header, f"{uuid.uuid4()}"
    return None


def copy_client(
    client: _ClientT, changes: Mapping[str, Any], shared_types: tuple[type, ...]
) -> _ClientT:
    """A shallow copy of ``client`` with the attributes ``changes`` replaced: it shares the
    connection pool, credentials and token cache, and does not close the pool (its original
    does). Cached attributes holding a ``shared_types`` instance (the resource groups, bound to
    the original) are left out, so the copy makes its own."""
    new = copy.copy(client)
    state = vars(new)
    for name in [k for k, v in state.items() if isinstance(v, shared_types)]:
        del state[name]
    state.update(changes)
    state["_owns_http"] = False
    return new


def option_changes(
    *,
    timeout: httpx.Timeout | NotGiven,
    max_retries: int | None,
    retry_non_idempotent: bool | None,
    default_headers: Mapping[str, str | None] | None,
    default_query: Mapping[str, object] | None,
) -> dict[str, Any]:
    """The client attributes ``with_options`` replaces, for the options given (``NOT_GIVEN`` or
    ``None``: kept); the merged ``default_headers`` lose the names whose value is ``None``.

    Raises:
        ValueError: ``max_retries`` is negative.
    """
    changes: dict[str, Any] = {}
    if not isinstance(timeout, NotGiven):
        changes["timeout"] = timeout
    if max_retries is not None:
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        changes["max_retries"] = max_retries
    if retry_non_idempotent is not None:
        changes["retry_non_idempotent"] = retry_non_idempotent
    if default_headers is not None:
        changes["_default_headers"] = {k: v for k, v in default_headers.items() if v is not None}
    if default_query is not None:
        changes["_default_query"] = dict(default_query)
    return changes
