"""Where a JSON pointer's node starts in a JSON text, without composing the whole document.

Diagnostics carry JSON pointers; on a large JSON document (GitHub's 12 MB description) building
a YAML node tree just to find a few lines costs seconds. :class:`JsonPositions` walks only the
containers on the pointers asked for, each only as far as needed (the members passed over are
skipped with the C JSON decoder), and remembers how far it got, so many lookups cost at most one
decode of the document.
"""

from __future__ import annotations

import json
import re

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
#: Newlines are counted per block of this many characters once, so a line number costs one block.
LINE_BLOCK = 1 << 16


class _Container:
    """How far the scan of one object/array has got."""

    __slots__ = ("members", "pos", "index", "in_value", "end")

    def __init__(self, pos: int) -> None:
        self.members: dict[str, int] = {}  # key or index -> offset of its value
        self.pos = pos  # where the scan goes on
        self.index = 0  # the next array index
        self.in_value = False  # ``pos`` is a member's value, not skipped yet
        self.end: int | None = None  # the offset after the closer, once scanned to the end


class JsonPositions:
    """Pointer -> character offset lookups in one JSON ``text``.

    A container on a pointer's path is scanned only as far as the member asked for, and the scan
    resumes there for the next pointer; a member passed over is skipped with the C JSON decoder,
    unless its scan was begun already (then that scan is finished instead). So every part of the
    document is decoded at most once, however many pointers are asked for, and a container on the
    path is never decoded as a whole.

    Raises ``ValueError`` (``json.JSONDecodeError`` included) or ``IndexError`` when the text is not
    JSON where the walk goes; callers fall back to another locator.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._containers: dict[int, _Container] = {}
        self._lines_before: list[int] | None = None

    def _skip_ws(self, i: int) -> int:
        return _WS.match(self.text, i).end()  # type: ignore[union-attr]  # always matches

    def _value_end(self, i: int) -> int:
        """The offset after the value starting at ``i``."""
        if i in self._containers:
            end = self._scan(i, None).end
            assert end is not None
            return end
        return _DECODER.raw_decode(self.text, i)[1]

    def _scan(self, start: int, want: str | None) -> _Container:
        """Scan the object/array at ``start`` until member ``want`` is known (None: to its end)."""
        c = self._containers.get(start)
        t = self.text
        opener = t[start]
        if c is None:
            if opener not in "{[":
                raise ValueError(f"offset {start} is not a container")
            c = self._containers[start] = _Container(self._skip_ws(start + 1))
        closer = "}" if opener == "{" else "]"
        while c.end is None and (want is None or want not in c.members):
            i = c.pos
            if c.in_value:
                i = self._skip_ws(self._value_end(i))
                if t[i] == ",":
                    i = self._skip_ws(i + 1)
                elif t[i] != closer:
                    raise ValueError(f"expected ',' or {closer!r} at offset {i}")
                c.pos, c.in_value = i, False
            elif t[i] == closer:
                c.end = i + 1
            else:
                if opener == "{":
                    key, i = _DECODER.raw_decode(t, i)
                    i = self._skip_ws(i)
                    if t[i] != ":":
                        raise ValueError(f"expected ':' at offset {i}")
                    i = self._skip_ws(i + 1)
                    c.members.setdefault(str(key), i)
                else:
                    c.members[str(c.index)] = i
                    c.index += 1
                c.pos, c.in_value = i, True
        return c

    def members(self, start: int) -> dict[str, int]:
        """``{key or index: offset of the value}`` of the object/array starting at ``start``."""
        return self._scan(start, None).members

    def offset(self, tokens: list[str]) -> int:
        """The offset of the deepest node on the path of (unescaped) pointer ``tokens``."""
        pos = self._skip_ws(0)
        for token in tokens:
            if self.text[pos] not in "{[":
                break
            nxt = self._scan(pos, token).members.get(token)
            if nxt is None:
                break
            pos = nxt
        return pos

    def line_col(self, tokens: list[str]) -> tuple[int, int]:
        """1-based ``(line, column)`` of :meth:`offset`."""
        pos = self.offset(tokens)
        t = self.text
        if self._lines_before is None:
            counts = [0]
            for b in range(0, len(t), LINE_BLOCK):
                counts.append(counts[-1] + t.count("\n", b, b + LINE_BLOCK))
            self._lines_before = counts
        block = pos // LINE_BLOCK
        line = self._lines_before[block] + t.count("\n", block * LINE_BLOCK, pos) + 1
        return line, pos - (t.rfind("\n", 0, pos) + 1) + 1
