"""Safe emission of spec text into Python source: docstrings, string literals, comments.

Every string that comes from the spec and ends up in generated source goes through one of these
functions, so no spec text can break out of its literal (``\"\"\"``, backslashes, NUL and other
control characters, Unicode line separators, bidirectional overrides).
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text)


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
        out = out[:-1] + '\\"'
    return out


def py_str(value: str) -> str:
    """A Python string literal for ``value`` (``repr`` with hostile characters escaped)."""
    literal = repr(value)
    return "".join(
        ch if ch.isprintable() and unicodedata.category(ch) not in ("Cf", "Zl", "Zp") else ch.encode("unicode_escape").decode("ascii")
        for ch in literal
    )


def comment(text: str) -> str:
    """One line of text that is safe inside a ``#`` comment."""
    return " ".join(_clean(text).split())
