"""Deprecation warnings of the generated methods: a deprecated operation's methods are marked
with ``typing_extensions.deprecated`` (it warns at call time, and type checkers and IDEs strike
the method through); a deprecated parameter warns when it is passed (``deprecated_args``)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

from ._types import NotGiven

__all__ = ["deprecated_args"]


def deprecated_args(method: str, given: Mapping[str, object]) -> None:
    """Warn (``DeprecationWarning``, at the caller's line) for each deprecated parameter of
    ``method`` the caller passed: ``given`` maps their names to the values received
    (``NOT_GIVEN`` when left out)."""
    for name, value in given.items():
        if not isinstance(value, NotGiven):
            warnings.warn(
                f"{method}: parameter {name!r} is deprecated", DeprecationWarning, stacklevel=3
            )
