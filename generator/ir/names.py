"""Naming: turn spec names into valid, non-reserved, collision-free Python identifiers.

``snake`` and ``pascal`` are pure; :class:`NameAllocator` keeps one namespace (model classes, the
fields of one class, the parameters of one method) and resolves collisions deterministically,
reporting each rename through a callback.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from functools import lru_cache
from typing import Callable, Iterable

_WORD_SPLIT = [
    (re.compile(r"([A-Z]{2,})([A-Z][a-z])"), r"\1_\2"),  # HTTPConnector -> HTTP_Connector
    (re.compile(r"([a-z0-9])([A-Z])"), r"\1_\2"),  # OAuth2Connection -> OAuth2_Connection
]

PY_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
#: Python's keywords: the only names a field or an argument cannot have (soft keywords such as
#: ``type`` and ``match``, and builtins such as ``id`` and ``next``, can).
KEYWORDS = frozenset(keyword.kwlist)

#: File stems Windows reserves for devices, whatever the extension (``con.py`` cannot be created
#: there): names that become file names (resource modules) must avoid them, case-insensitively.
WINDOWS_DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
    | {f"com{d}" for d in "\u00b9\u00b2\u00b3"}
    | {f"lpt{d}" for d in "\u00b9\u00b2\u00b3"}
)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    text = _ascii(str(text))
    for pattern, repl in _WORD_SPLIT:
        text = pattern.sub(repl, text)
    return tuple(w for w in _NON_WORD.split(text) if w)


_NON_WORD = re.compile(r"[^A-Za-z0-9]+")


def words(text: str) -> list[str]:
    """Split an identifier-ish string into words: camelCase, PascalCase, acronyms, separators.

    Acronyms and digit groups stay whole: ``InitialiseOAuth2Connection`` gives
    ``Initialise OAuth2 Connection``; ``CreateHTTPConnector`` gives ``Create HTTP Connector``.
    """
    return list(_words(str(text)))


@lru_cache(maxsize=65536)
def snake(text: str) -> str:
    """``snake_case`` form of ``text`` (may be empty or start with a digit; see :func:`py_ident`)."""
    return "_".join(w.lower() for w in words(text))


@lru_cache(maxsize=65536)
def pascal(text: str) -> str:
    """``PascalCase`` form of ``text``; words already in capitals keep them (``HTTPConnector``)."""
    return "".join(w[0].upper() + w[1:] for w in words(text))


@lru_cache(maxsize=65536)
def upper_snake(text: str) -> str:
    """``UPPER_SNAKE`` form, for enum members."""
    return "_".join(w.upper() for w in words(text))


def py_ident(name: str, *, prefix: str, reserved: Iterable[str] = ()) -> str:
    """Make ``name`` a valid identifier: prefix when empty or starting with a digit; suffix ``_``
    when it is a keyword, a builtin or in ``reserved``."""
    if not name:
        name = prefix
    elif name[0].isdigit():
        name = f"{prefix}_{name}" if prefix[-1:].islower() else f"{prefix}{name}"
    reserved_set = set(reserved)
    while name in PY_RESERVED or name in reserved_set:
        name += "_"
    return name


def py_name(name: str, *, prefix: str, reserved: Iterable[str] = ()) -> str:
    """Make ``name`` (snake_case already) a field or argument name: prefixed when empty or starting
    with a digit; suffixed ``_`` only when it is a keyword or in ``reserved`` (``class_``, but
    ``id``, ``type``, ``next``). Builtins are not avoided: a field or argument shadows nothing
    the generated code uses (see ``render/plan.py`` for the models' class bodies)."""
    if not name:
        name = prefix
    elif name[0].isdigit():
        name = f"{prefix}_{name}"
    reserved_set = set(reserved)
    while name in KEYWORDS or name in reserved_set:
        name += "_"
    return name


class NameAllocator:
    """One namespace of Python names.

    ``allocate(desired, key)`` returns ``desired`` if it is free, else ``desired2``,
    ``desired3``... The same ``key`` always gets the same name. ``on_rename(key, desired, got)``
    is called for every name that differs from what was asked.
    """

    def __init__(
        self,
        reserved: Iterable[str] = (),
        on_rename: Callable[[str, str, str], None] | None = None,
        casefold: bool = False,
    ) -> None:
        self.reserved = set(reserved)
        self.casefold = casefold
        self.taken: set[str] = set()
        self.by_key: dict[str, str] = {}
        self.on_rename = on_rename

    def _norm(self, name: str) -> str:
        return name.lower() if self.casefold else name

    def allocate(self, desired: str, key: str) -> str:
        """Return a free name for ``key`` close to ``desired`` (which must be an identifier)."""
        if key in self.by_key:
            return self.by_key[key]
        name = desired
        n = 2
        while self._norm(name) in self.taken or name in self.reserved:
            name = f"{desired}{n}" if not desired.endswith("_") else f"{desired}{n}"
            n += 1
        self.taken.add(self._norm(name))
        self.by_key[key] = name
        if name != desired and self.on_rename is not None:
            self.on_rename(key, desired, name)
        return name
