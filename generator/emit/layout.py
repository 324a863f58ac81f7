"""black's layout for the long lines generated code has, computed without black.

black (the pinned version, with our mode) splits a simple statement that is too long at its last
bracket pair: ``head(`` / body / ``)``. A body that fits its own line stays one line unless the
brackets are a collection literal holding commas, which is always exploded; any other body is
exploded at its commas, one item per line with a trailing comma added, and an item still too long
is split the same way at its own last bracket pair (an item with no bracket and no operator, a
literal, is left too long). A ``from`` import is always exploded.

- :func:`lay_statement` applies these rules to the statement shapes the templates write: calls,
  decorators, assignments and ``return`` of calls or of collection literals, ``from`` imports.
- :func:`lay_parameter`: a long parameter of an exploded signature with a union hint, which
  black puts in parentheses (one member per line when it does not fit on one).
- :func:`lay_class_header`: ``class Name(`` / bases / ``):``.
- :func:`fix_docstring`: black's docstring normalization (PEP 257 indentation, trailing spaces,
  closing quotes on a line of their own when they do not fit).

Each returns None for any other shape (a comment, an operator at the top of an item, a magic
trailing comma, a head that does not fit, an exploded subscript...), which black then formats
(:mod:`.statements`). ``tests/unit/test_format_statements.py`` compares them with black on the
generated clients and on random statements of these shapes; black is pinned exactly, so a change
of its rules shows there.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: ``NAME`` or ``a.b.c`` right before an opening bracket: the bracket is a call (or a subscript),
#: not a collection literal.
_CALLEE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*$")
#: The statement heads whose last bracket pair black splits first (no optional parentheses that it
#: would keep instead): ``[return ][await ]`` or an assignment target with an optional annotation.
_HEAD = re.compile(
    r"(?:return |await |return await |@)?[A-Za-z_][A-Za-z0-9_.]*\($"
    r"|[A-Za-z_][A-Za-z0-9_.]*(?:: .+)? = (?:[A-Za-z_][A-Za-z0-9_.]*\(|\{|\[)$"
)
#: An item black cannot split (no bracket, no operator): a literal, or a literal key and value.
_LITERAL = r'(?:"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|-?[0-9]+|True|False|None)'
UNSPLITTABLE = re.compile(rf"{_LITERAL}(?:: {_LITERAL})?")
#: A comma right before a closing bracket (strings blanked first): black's "magic" trailing comma
#: unless it makes a one-item tuple.
_TRAILING_COMMA = re.compile(r",\s*[)\]}]")
_IMPORT = re.compile(r"from [A-Za-z0-9_.]+ import [A-Za-z0-9_, ]+$")


class _Group(NamedTuple):
    """An item of a bracketed list: ``text``; ``open_at`` is the index of its last top-level
    opening bracket when the item ends with that bracket's closing one (else -1)."""

    text: str
    open_at: int


_PAIRS = {"(": ")", "[": "]", "{": "}"}
#: A string literal on one line (double or single quoted, with escapes): blanked out before
#: brackets are counted (generated code has no triple quotes outside docstrings).
STRINGS = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')


def _only_one_tuples(text: str) -> bool:
    """True when every trailing comma of ``text`` closes a one-item tuple ``(x,)`` (which black
    keeps on one line), not a "magic" trailing comma (which makes black explode its brackets)."""
    code = STRINGS.sub('""', text)
    opens: list[tuple[int, int]] = []  # (index of an open bracket, commas at its depth so far)
    for i, ch in enumerate(code):
        if ch in "([{":
            opens.append((i, 0))
        elif ch in ")]}":
            if not opens:
                return False
            start, commas = opens.pop()
            if code[start + 1 : i].rstrip().endswith(","):
                if ch != ")" or commas != 1 or _CALLEE.search(code[:start]):
                    return False
        elif ch == "," and opens:
            opens[-1] = (opens[-1][0], opens[-1][1] + 1)
    return True


def _items(inner: str) -> list[_Group] | None:
    """The comma-separated items of ``inner`` (a bracket's content), or None when it has a string
    this scanner does not read, a comment, or a trailing comma."""
    items: list[_Group] = []
    depth = 0
    start = 0
    last_open = -1
    i = 0
    n = len(inner)
    while i < n:
        ch = inner[i]
        if ch == '"' or ch == "'":
            j = i + 1
            while j < n and inner[j] != ch:
                j += 2 if inner[j] == "\\" else 1
            if j >= n:
                return None
            i = j + 1
            continue
        if ch == "#":
            return None
        if ch in "([{":
            if depth == 0:
                last_open = i
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(_item(inner[start:i], last_open - start))
            start = i + 1
            while start < n and inner[start] == " ":
                start += 1
            last_open = -1
        i += 1
    if depth:
        return None
    rest = inner[start:]
    if not rest.strip():
        return None if items else []  # a trailing comma: black's magic comma, not ours to lay out
    items.append(_item(rest, last_open - start))
    return items


def _item(text: str, open_at: int) -> _Group:
    if open_at >= 0 and text and text[-1] in ")]}" and text[open_at] in _PAIRS and _PAIRS[text[open_at]] == text[-1]:
        # the item ends with the bracket opened at open_at only if nothing at depth 0 follows it
        depth = 0
        for k in range(open_at, len(text)):
            c = text[k]
            if c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
                if depth == 0 and k != len(text) - 1:
                    return _Group(text, -1)
        return _Group(text, open_at)
    return _Group(text, -1)


def _lay(indent: str, item: _Group, suffix: str, length: int, out: list[str]) -> bool:
    """Append black's lines for ``item`` at ``indent`` followed by ``suffix``; False when its
    layout is outside these rules."""
    line = indent + item.text + suffix
    if len(line) <= length:
        out.append(line)
        return True
    if item.open_at < 0:
        if UNSPLITTABLE.fullmatch(item.text):
            out.append(line)  # black leaves it too long: nothing to split at
            return True
        return False
    head = item.text[: item.open_at + 1]
    if len(indent) + len(head) > length:
        return False
    inner = item.text[item.open_at + 1 : -1]
    items = _items(inner)
    if not items:
        return False
    collection = _CALLEE.search(head[:-1]) is None
    inner_indent = indent + "    "
    out.append(indent + head)
    body = ", ".join(i.text for i in items)
    if len(items) == 1:
        if not _lay(inner_indent, items[0], "", length, out):
            return False
    elif not collection and len(inner_indent) + len(body) <= length:
        out.append(inner_indent + body)
    else:
        if head[-1] == "[" and not collection:
            return False  # an exploded subscript: black's trailing-comma rules differ there
        for i in items:
            if not _lay(inner_indent, i, ",", length, out):
                return False
    out.append(indent + item.text[-1] + suffix)
    return True


def lay_statement(line: str, length: int) -> list[str] | None:
    """black's lines for ``line``, a simple statement longer than ``length`` (with its
    indentation), or None when its shape is not one these rules cover."""
    stripped = line.lstrip(" ")
    indent = line[: len(line) - len(stripped)]
    if _IMPORT.match(stripped):
        module, _, names = stripped.partition(" import ")
        parts = [p.strip() for p in names.split(",")]
        if not all(parts) or len(indent) + len(module) + 10 > length:
            return None
        return [f"{indent}{module} import ("] + [f"{indent}    {p}," for p in parts] + [f"{indent})"]
    if _TRAILING_COMMA.search(STRINGS.sub('""', stripped)) and not _only_one_tuples(stripped):
        return None
    items = _items(stripped)
    if items is None or len(items) != 1 or items[0].open_at < 0:
        return None
    group = items[0]
    if not _HEAD.match(group.text[: group.open_at + 1]):
        return None
    out: list[str] = []
    if not _lay(indent, group, "", length, out) or len(out) < 3:
        return None
    return out


def fix_docstring(lines: list[str], length: int) -> list[str] | None:
    """black's form of a multi-line docstring: ``lines`` from the one with the opening quotes to
    the one with the closing quotes (each without its line end). None when it is not one black
    formats this way (escaped line ends, a quote at the start, a backslash at the end).

    A docstring ending in a quote whose closing quotes move to a line of their own is given in
    the form black's second pass gives it (black's one pass leaves a trailing space there, which
    is not a fixpoint): the output is black-clean."""
    first = lines[0]
    stripped = first.lstrip(" ")
    indent = first[: len(first) - len(stripped)]
    if not stripped.startswith('"""') or not lines[-1].endswith('"""'):
        return None
    text = "\n".join([stripped[3:], *lines[1:]])[:-3]
    if re.search(r"\\\s*\n", text) or "\t" in text or "\r" in text:
        return None
    parts = text.split("\n")
    if len(parts) < 2:
        return None
    depth = min((len(p) - len(p.lstrip()) for p in parts[1:] if p.strip()), default=None)
    trimmed = [parts[0].strip()]
    if depth is not None:
        last = len(parts) - 2
        for k, part in enumerate(parts[1:]):
            rest = part[depth:].rstrip()
            trimmed.append(indent + rest if rest or k == last else "")
    doc = "\n".join(trimmed)
    if not doc or doc[0] == '"' or doc[-1] == "\\":
        return None
    padded = doc[-1] == '"'
    if padded:
        doc += " "  # a quote must not touch the closing quotes
    out = (indent + '"""' + doc).split("\n")
    last_length = len(doc.splitlines()[-1]) if not doc.endswith("\n") else 0
    if len(out) > 1 and last_length + 3 > length and len(indent) + 3 <= length and text[-1:] != "\n":
        if padded:
            # black's one pass keeps the padding as a trailing space once the closing quotes
            # are on their own line, and its next pass strips it: its fixpoint is written
            out[-1] = out[-1][:-1]
        out.append(indent + '"""')
    else:
        out[-1] += '"""'
    return out


#: A parameter of a signature on its own line: ``name: hint[ = default],``.
_PARAMETER = re.compile(r"( +)([A-Za-z_][A-Za-z0-9_]*): (.+?)((?: = [^=]+)?),$")


def lay_parameter(line: str, length: int) -> list[str] | None:
    """black's lines for ``line``, a long parameter of an exploded signature whose hint is a
    union: the hint in parentheses on its own line, or one member per line (``| member``) when it
    does not fit there. None for any other shape."""
    match = _PARAMETER.fullmatch(line)
    if match is None:
        return None
    indent, name, hint, default = match.groups()
    members = _split_union(hint)
    if members is None or len(members) < 2 or "=" in STRINGS.sub('""', hint):
        return None
    inner = indent + "    "
    head = f"{indent}{name}: ("
    tail = f"{indent}){default},"
    if len(head) > length or len(tail) > length:
        return None
    if len(inner) + len(hint) <= length:
        return [head, inner + hint, tail]
    body = [inner + members[0]] + [f"{inner}| {m}" for m in members[1:]]
    if any(len(b) > length for b in body):
        return None
    return [head, *body, tail]


def _split_union(hint: str) -> list[str] | None:
    """The members of ``hint`` split at its top-level `` | ``; None if it has strings."""
    if '"' in hint or "'" in hint:
        return None
    members: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(hint):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "|" and depth == 0:
            members.append(hint[start:i].strip())
            start = i + 1
    members.append(hint[start:].strip())
    return members if all(members) and depth == 0 else None


_CLASS = re.compile(r"( *)(class [A-Za-z_][A-Za-z0-9_]*\()(.+)\):")


def lay_class_header(line: str, length: int) -> list[str] | None:
    """black's lines for a long ``class Name(Bases):`` line: the bases on a line of their own
    when they fit there. None for any other shape."""
    match = _CLASS.fullmatch(line)
    if match is None:
        return None
    indent, head, bases = match.groups()
    if len(indent) + len(head) > length or len(indent) + 4 + len(bases) > length:
        return None
    if any(c in bases for c in "()[]{}#\"'=") or bases.rstrip().endswith(","):
        return None
    return [indent + head, indent + "    " + bases, indent + "):"]
