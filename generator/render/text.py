"""Safe emission of spec text into Python source: docstrings, string literals, comments.

Every string that comes from the spec and ends up in generated source goes through one of these
functions, so no spec text can break out of its literal (``\"\"\"``, backslashes, NUL and other
control characters, Unicode line separators, bidirectional overrides).

- :func:`py_str`: a Python string literal (exact round trip).
- :func:`docstring_body`: the inside of a ``\"\"\"`` docstring (prose: line ends become ``\\n``,
  tabs spaces, trailing blanks go; every other character round-trips).
- :func:`comment`: one line of a ``#`` comment (whitespace collapsed).
- :func:`toml_str`: a TOML basic string (``pyproject.toml``).

Whatever is not printable (C0/C1 controls, format characters such as U+202E, separators,
surrogates, unassigned code points) is written as an escape, never raw.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def _escape(ch: str) -> str:
    o = ord(ch)
    if o < 0x100:
        return f"\\x{o:02x}"
    return f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}"


def _clean(text: str) -> str:
    """Line ends become ``\\n``; every character that is not printable (but ``\\n`` and tab)
    becomes a Python escape (``\\x00``, ``\\u202e``...)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text
    return "".join(ch if ch in "\n\t" or ch.isprintable() else _escape(ch) for ch in text)


def docstring_body(text: str) -> str:
    """Text made safe to sit between triple double quotes.

    Backslashes are doubled, ``\"\"\"`` is broken up, control characters become escapes, tabs
    become spaces and trailing whitespace is dropped. The result never ends in a quote.
    """
    text = _clean(text.replace("\\", "\\\\")).replace("\t", "    ")
    text = text.replace('"""', '\\"\\"\\"')
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    out = "\n".join(lines).strip()
    if out.endswith('"'):
        out += " "  # a closing quote must not touch the docstring's own quotes
    return out


#: In the body of a single-quoted ``repr``: an escape (two characters) or a double quote.
_SINGLE_ESCAPES = re.compile(r'\\.|"', re.S)


def _to_double(match: re.Match[str]) -> str:
    """An escape or a double quote of a single-quoted body, as it is written between double
    quotes: ``\\'`` becomes ``'``, ``"`` becomes ``\\"``, other escapes stay."""
    text = match.group()
    return "'" if text == "\\'" else text if text[0] == "\\" else '\\"'


def py_str(value: str) -> str:
    """A Python string literal for ``value`` (``repr`` with hostile characters escaped)."""
    literal = repr(value)
    if literal.startswith("'") and value.count('"') <= value.count("'"):
        # black's preferred quotes: double, unless that needs more backslashes than single
        literal = '"' + _SINGLE_ESCAPES.sub(_to_double, literal[1:-1]) + '"'
    if literal.isascii() and literal.isprintable():
        return literal  # (the common case: nothing to escape)
    return "".join(
        ch if ch.isprintable() and unicodedata.category(ch) not in ("Cf", "Zl", "Zp") else ch.encode("unicode_escape").decode("ascii")
        for ch in literal
    )


def py_str_tuple(values: Iterable[str]) -> str:
    """A tuple literal of strings as black writes it: ``()``, ``("a",)``, ``("a", "b")``."""
    items = [py_str(v) for v in values]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def comment(text: str) -> str:
    """One line of text that is safe inside a ``#`` comment."""
    return " ".join(_clean(text).split())


def toml_str(value: str) -> str:
    """A TOML basic string for ``value`` (quotes and backslashes escaped, everything that is not
    printable as ``\\uXXXX``; unlike ``json.dumps`` it never writes a surrogate pair, which TOML
    rejects)."""
    out = []
    for ch in str(value):
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        else:
            o = ord(ch)
            if 0xD800 <= o <= 0xDFFF:
                o = 0xFFFD  # not a Unicode scalar value: TOML cannot hold it
            out.append(f"\\u{o:04X}" if o < 0x10000 else f"\\U{o:08X}")
    return '"' + "".join(out) + '"'


def py_literal(value: object) -> str:
    """A Python literal for JSON-like data (strings through :func:`py_str`, black's quotes).

    Raises ``TypeError`` for anything that is not str/int/float/bool/None/list/tuple/dict.
    """
    if isinstance(value, str):
        return py_str(value)
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else f'float("{value}")'
    if isinstance(value, (list, tuple)):
        inner = ", ".join(py_literal(v) for v in value)
        if isinstance(value, tuple):
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        return f"[{inner}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"not a JSON-like value: {type(value).__name__}")
