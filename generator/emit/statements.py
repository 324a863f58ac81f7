"""Format only what black would change in generated code, not whole files (stage 5's fast path).

The templates and the IR write code in black's layout wherever a line fits (tests check that the
committed clients and the corpus subset's clients are black fixpoints). What black still changes
in our output is found line by line, without parsing (:func:`plan`):

- a **long statement**: a line over the line length that is a whole simple statement (brackets
  balanced, none open before it), such as ``return self._client.call(...)``, an ``Endpoint(...)``
  constant, a ``from`` import, a type alias or an annotated field;
- a **long parameter** of an exploded signature (``body: A | B,``) and a **long class header**;
- a **docstring** black would re-indent, trim or close on a line of its own.

A long item of an exploded bracket that black cannot split (a string key and string value) stays
as it is. Any other long line inside a bracket makes :func:`plan` return None: the piece goes to
black whole.

:func:`plan` lays each statement out with :mod:`.layout` (black's rules for these shapes) as it
finds it; :func:`format_statements` splices those lines in and gives black only the statements
the rules do not cover: one small module per piece,
each statement nested at its own depth under marker blocks (``if``; ``class``/``def`` for
docstrings, which black only treats as docstrings first in a block), its lines cut back out of
black's output. black lays out a simple statement from its own tokens and depth alone, so the
result is black's text for the whole piece (``tests/unit/test_format_statements.py`` compares the
two on the Versori documents and GitHub's REST API), for a tenth of black's time on GitHub's.
"""

from __future__ import annotations

import re
from typing import Callable, NamedTuple, Sequence

from .layout import STRINGS, UNSPLITTABLE, fix_docstring, lay_class_header, lay_parameter, lay_statement

_MARK = "_cc_stmt"
#: A long item of an exploded bracket that black cannot split (it leaves it as it is).
_UNSPLITTABLE_ITEM = re.compile(rf"(?:{UNSPLITTABLE.pattern}),")
_MARKER = re.compile(rf"(?:if |class )?{_MARK}_(\d+|end)\b")


class Statement(NamedTuple):
    """Lines ``[start, end)`` of a piece that black would change, at ``depth`` (indent / 4): a
    long simple statement, a docstring (``doc``), a long parameter of a signature or a long class
    header; ``laid``: black's lines for it from :mod:`.layout`, or None when black must give them
    (only ever a statement or a docstring: a parameter or a class header the layout rules do not
    cover sends the piece to black whole)."""

    start: int
    end: int
    depth: int
    doc: bool
    laid: tuple[str, ...] | None


def _statement(start: int, end: int, indent: int, doc: bool, laid: list[str] | None) -> Statement:
    return Statement(start, end, indent // 4, doc, tuple(laid) if laid is not None else None)


def _docstring_end(lines: list[str], i: int, body: str) -> int | None:
    """Index of the line that closes the docstring opened on line ``i`` (``body`` is that line
    after the opening quotes), or None when it is not closed at the end of a line."""
    if '"""' in body:
        return i if body.rstrip().endswith('"""') and body.count('"""') == 1 else None
    for j in range(i + 1, len(lines)):
        if '"""' in lines[j]:
            return j if lines[j].rstrip().endswith('"""') and lines[j].count('"""') == 1 else None
    return None


def _simple_docstring(text: str) -> bool:
    """True for a one-line docstring black leaves alone (no padding or trimming to do)."""
    return bool(text) and text == text.strip() and text[0] != '"' and text[-1] not in '"\\'


def plan(lines: list[str], line_length: int) -> list[Statement] | None:
    """The statements of ``lines`` (one piece of generated source, lines without their ends) that
    black would change, or None when the piece must be formatted whole.

    Raises nothing: anything unexpected (a tab, triple quotes in code, indentation that is not a
    multiple of four, an unbalanced bracket) returns None.
    """
    found: list[Statement] = []
    depth_open = 0  # brackets open at the start of the current line
    previous: str | None = None  # the last line of code before this one (comments stripped)
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if "\t" in line:
            return None
        if depth_open == 0 and stripped.startswith('"""'):
            end = _docstring_end(lines, i, stripped[3:])
            if end is None or indent % 4:
                return None
            # black formats a string statement as a docstring only first in a module (no code
            # before it: then it is the first statement found here too) or first in a block;
            # elsewhere (the docstring of an attribute) it leaves the string as it is
            if previous is None or previous.endswith(":"):
                if end > i or not _simple_docstring(stripped[3:].rstrip()[:-3]):
                    fixed = fix_docstring(lines[i : end + 1], line_length)
                    found.append(_statement(i, end + 1, indent, True, fixed))
            previous = '"""'
            i = end + 1
            continue
        if "'''" in line or '"""' in line:
            return None
        code = STRINGS.sub('""', line)
        if "#" in code:
            code = code[: code.index("#")]
        opens = code.count("(") + code.count("[") + code.count("{")
        closes = code.count(")") + code.count("]") + code.count("}")
        if len(line) > line_length and not stripped.startswith("#"):
            tail = code.rstrip()
            laid: list[str] | None = None
            if depth_open and opens == closes == 0 and _UNSPLITTABLE_ITEM.fullmatch(stripped):
                pass  # an item black cannot split: it stays as it is
            elif depth_open and opens == closes and (laid := lay_parameter(line, line_length)):
                found.append(_statement(i, i + 1, indent, False, laid))
            elif not depth_open and stripped.startswith("class ") and (laid := lay_class_header(line, line_length)):
                found.append(_statement(i, i + 1, indent, False, laid))
            elif (
                depth_open
                or opens != closes
                or indent % 4
                or tail.endswith((":", ",", "\\"))
                or stripped.startswith(("def ", "class ", "async def "))
                or ((laid := lay_statement(line, line_length)) is None and stripped.startswith("@"))
            ):
                return None
            else:
                found.append(_statement(i, i + 1, indent, False, laid))
        depth_open += opens - closes
        if depth_open < 0:
            return None
        if stripped and not stripped.startswith("#"):
            previous = code.rstrip()
        i += 1
    return found if depth_open == 0 else None


def _wrap(statement: list[str], depth: int, doc: bool, index: int) -> list[str]:
    """``statement`` nested at ``depth`` under marker blocks; the first line names ``index``."""
    if depth == 0:
        return [f"{_MARK}_{index} = 0", *statement]
    if doc:
        head = [f"class {_MARK}_{index}:"] + ["    " * level + "def _():" for level in range(1, depth)]
    else:
        head = [f"if {_MARK}_{index}:"] + ["    " * level + f"if {_MARK}:" for level in range(1, depth)]
    return head + statement


def format_statements(
    lines: list[str], statements: list[Statement], format_str: Callable[[str], str]
) -> list[str]:
    """``lines`` with every statement of ``statements`` replaced by black's layout of it: its
    ``laid`` lines, else ``format_str``'s (black's one-pass formatting of a module; it raises what
    black raises), called once for all the statements without laid lines.
    """
    laid: list[Sequence[str] | None] = [st.laid for st in statements]
    rest = [k for k, out in enumerate(laid) if out is None]
    if rest:
        for k, out in zip(rest, _black_statements(lines, [statements[k] for k in rest], format_str)):
            laid[k] = out
    result: list[str] = []
    at = 0
    for st, formatted in zip(statements, laid):
        result.extend(lines[at : st.start])
        result.extend(formatted or ())
        at = st.end
    result.extend(lines[at:])
    return result


def _black_statements(
    lines: list[str], statements: list[Statement], format_str: Callable[[str], str]
) -> list[list[str]]:
    """black's lines for each of ``statements``, from one module holding them all, each nested at
    its depth under marker blocks. A docstring of the module itself (depth 0) goes first, as black
    only treats the first statement of a module as its docstring."""
    module: list[str] = []
    for index, st in enumerate(statements):
        body = lines[st.start : st.end]
        if st.depth == 0 and st.doc:
            if index:
                raise ValueError("a module docstring after other statements")
            module.extend([*body, f"{_MARK}_end = 0"])
        else:
            module.extend(_wrap(body, st.depth, st.doc, index))
    out = format_str("\n".join(module) + "\n").split("\n")
    # cut black's output at the marker lines: statement k is what follows marker k (its wrapper
    # lines skipped) up to the next marker, without the blank lines black put between blocks
    pieces: list[list[str]] = [[] for _ in statements]
    current: int | None = 0 if statements[0].depth == 0 and statements[0].doc else None
    skip = 0
    for line in out:
        marker = _MARKER.match(line)
        if marker is not None:
            current = None if marker.group(1) == "end" else int(marker.group(1))
            skip = 0 if current is None else max(statements[current].depth - 1, 0)
            continue
        if current is None:
            if line:
                raise ValueError(f"unexpected line between formatted statements: {line!r}")
            continue
        if skip:
            skip -= 1
            continue
        pieces[current].append(line)
    for formatted in pieces:
        while formatted and not formatted[-1]:
            formatted.pop()
        while formatted and not formatted[0]:
            del formatted[0]
        if not formatted:
            raise ValueError("a statement was lost")
    return pieces
