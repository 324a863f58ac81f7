"""The orders a linter expects of generated names, so that ``ruff check`` (its default rules,
with the settings the generated ``pyproject.toml`` declares) passes on every generated project.

- :func:`import_order`: the names of one ``from X import a, b`` statement, as isort sorts them
  (ruff ``I001``, isort's defaults: ``order-by-type``, case-insensitive).
- :func:`straight_imports`, :func:`from_imports`: the statements of one section (isort's
  order, aliased names in statements of their own).
- :func:`module_order_key`: the order of the modules of ``from`` imports (``.resources.a``
  before ``.resources.b``).
- :func:`all_order`: the entries of ``__all__`` (ruff ``RUF022``, its "isort-style" sort).

Both group names by kind first: constants (``NOT_GIVEN``, ``HMAC``: no lower-case letter, longer
than one character), then classes (``Client``: a leading capital), then everything else; within a
group names are in natural order (``Tag2`` before ``Tag10``).
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

_DIGITS = re.compile(r"(\d+)")


def _kind(name: str) -> int:
    """0 for a constant, 1 for a class, 2 for anything else (as ruff infers it from the case;
    its length is in UTF-8 bytes)."""
    if len(name.encode()) > 1 and any(c.isupper() for c in name) and not any(c.islower() for c in name):
        return 0
    return 1 if name[:1].isupper() else 2


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order: runs of digits compare as numbers (before letters and ``_``, as their
    characters do), the rest by code point."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(text) if part
    )


def _member_key(entry: str) -> tuple[object, ...]:
    name, _, alias = entry.partition(" as ")
    return (_kind(name), _natural(name.lower()), _natural(name), alias)


def import_order(names: Iterable[str]) -> list[str]:
    """``names`` (each ``name`` or ``name as alias``) in the order isort writes them in one
    ``from`` import: by kind, then case-insensitively, then by case, then by alias."""
    return sorted(names, key=_member_key)


def straight_imports(modules: Iterable[str]) -> list[str]:
    """``import m`` statements (``m`` or ``m as alias``) of one section, in isort's order."""
    return [f"import {m}" for m in sorted(modules, key=_member_key_of_module)]


def _member_key_of_module(entry: str) -> tuple[object, ...]:
    module, _, alias = entry.partition(" as ")
    return (*module_order_key(module), alias)


def from_imports(groups: Mapping[str, Iterable[str]]) -> list[str]:
    """The ``from`` statements of one section importing ``groups`` (module, as written with
    its leading dots -> names, each ``name`` or ``name as alias``), as isort writes them with
    ruff's defaults: a module's plain names in one statement, each aliased name in a statement
    of its own (``combine-as-imports`` is off); statements by module (the furthest relative
    ones first), then by their first name."""
    statements: list[tuple[tuple[object, ...], str]] = []
    for module, names in groups.items():
        entries = list(names)
        plain = import_order(n for n in entries if " as " not in n)
        parts = [[n] for n in entries if " as " in n] + ([plain] if plain else [])
        bare = module.lstrip(".")
        for part in parts:
            key = (-(len(module) - len(bare)), *module_order_key(bare), _member_key(part[0]))
            statements.append((key, f"from {module} import {', '.join(part)}"))
    return [text for _, text in sorted(statements)]


def module_order_key(module: str) -> tuple[object, ...]:
    """The key isort sorts the modules of ``from`` imports of one section and depth by:
    case-insensitive natural order, then by case."""
    return (_natural(module.lower()), _natural(module))


def all_order(names: Iterable[str]) -> list[str]:
    """``names`` in the order ruff's ``RUF022`` wants ``__all__`` in: by kind, then naturally
    (case-sensitively)."""
    return sorted(names, key=lambda name: (_kind(name), _natural(name)))
