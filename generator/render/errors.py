"""The plan of the generated ``_errors.py``: the exception classes a package exports, each status
error typed with the error schema the document declares for its statuses.

The runtime raises one class per status (``_exceptions``: ``NotFoundError`` for 404,
``InternalServerError`` for any 5xx...), whose ``error`` attribute holds the body parsed into the
schema the operation declares for the status (``Any``). When every operation that declares a
schema for a class's statuses declares the same one, the package's class of that name is a
subclass whose ``error`` is typed with it, and the runtime raises it (``use_status_errors``).
"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Any

from ..ir.model import Api, ResponseCase
from ..normalize.finalize import rename_identifiers
from .order import all_order, from_imports
from .text import docstring_body

#: The runtime's status classes: ``(name, the statuses it is raised for, what they mean)``; a
#: range ``(500, 599)`` is a status class's key ``"5XX"``.
STATUS_CLASSES: tuple[tuple[str, int | tuple[int, int], str], ...] = (
    ("BadRequestError", 400, "HTTP 400 Bad Request"),
    ("AuthenticationError", 401, "HTTP 401 Unauthorized"),
    ("PermissionDeniedError", 403, "HTTP 403 Forbidden"),
    ("NotFoundError", 404, "HTTP 404 Not Found"),
    ("ConflictError", 409, "HTTP 409 Conflict"),
    ("PreconditionFailedError", 412, "HTTP 412 Precondition Failed"),
    ("UnprocessableEntityError", 422, "HTTP 422 Unprocessable Entity"),
    ("RateLimitError", 429, "HTTP 429 Too Many Requests"),
    ("InternalServerError", (500, 599), "Any HTTP 5xx status"),
)

#: Every other name the package exports from the runtime's ``_exceptions``.
OTHER_EXCEPTIONS = (
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APIStreamError",
    "APITimeoutError",
)


def _key(case: ResponseCase) -> int | str:
    return _key_of(case.key)


@lru_cache(maxsize=1024)
def _key_of(key: str) -> int | str:
    value = ast.literal_eval(key)
    return value.upper() if isinstance(value, str) and value != "default" else value


def _covering(by_key: dict[int | str, str], status: int) -> str | None:
    """The type expression of the error response an operation declares for ``status`` (its
    errors ``by_key``): its exact code, else its range, else ``default`` (as the runtime
    selects it); ``None`` when none or untyped."""
    for key in (status, f"{status // 100}XX", "default"):
        if key in by_key:
            expr = by_key[key]
            return None if expr in ("None", "Any") else expr
    return None


def _statuses(declared: set[int], which: int | tuple[int, int]) -> list[int]:
    """The statuses a class stands for, as far as the operations can tell them apart: its code,
    or (a range) every code of it they declare plus one they do not."""
    if isinstance(which, int):
        return [which]
    low, high = which
    inside = {k for k in declared if low <= k <= high}
    undeclared = next(s for s in range(low, high + 1) if s not in inside)
    return sorted(inside | {undeclared})


def errors_context(api: Api, banner: str) -> dict[str, Any]:
    """The context of ``_errors.py.jinja``: the typed classes (``name``, ``base`` alias, ``hint``
    of ``error``, ``doc``, the status ``key``), what to import and ``__all__``."""
    # each operation's error responses by status key (once: large documents have thousands)
    errors = [{_key(e): e.type_expr for e in op.errors} for res in api.resources for op in res.operations]
    declared = {k for by_key in errors for k in by_key if isinstance(k, int)}
    # the generated classes are written as ``_models.X``: a schema may bear an exception's name
    qualified = {d.name: f"_models.{d.name}" for d in api.definitions}
    typed = []
    for name, which, meaning in STATUS_CLASSES:
        statuses = _statuses(declared, which)
        exprs = {expr for by_key in errors for s in statuses if (expr := _covering(by_key, s)) is not None}
        if len(exprs) != 1:
            continue
        (expr,) = exprs
        key = f"{which}" if isinstance(which, int) else '"5XX"'
        typed.append(
            {
                "name": name,
                "base": f"_{name}",
                "hint": rename_identifiers(expr, qualified),
                "key": key,
                "doc": docstring_body(f"{meaning}: ``error`` is typed with the one schema the document declares for it."),
                "schema": expr,
                "error_doc": docstring_body(f"The body parsed into `{expr}`, or ``None`` when it does not fit."),
            }
        )
    typed_names = {t["name"] for t in typed}
    plain = [n for n, _, _ in STATUS_CLASSES if n not in typed_names] + list(OTHER_EXCEPTIONS)
    names = [*plain, *(f"{t['name']} as {t['base']}" for t in typed)]
    if typed:
        names.append("use_status_errors")
    return {
        "banner": banner,
        "typed": typed,
        "imports": from_imports({"._exceptions": names}),
        "all": all_order([*plain, *typed_names]),
    }
