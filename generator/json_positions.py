"""Where a JSON pointer's node starts in a JSON text, without composing the whole document.

Diagnostics carry JSON pointers; on a large JSON document (GitHub's 12 MB description) building
a YAML node tree just to find a few lines costs seconds. :class:`JsonPositions` walks only the
containers on the pointers asked for: each container is scanned once (its members' values are
skipped with the C JSON decoder) and remembered, so many lookups cost about one decode of the
document.
"""

from __future__ import annotations

import json
import re

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class JsonPositions:
    """Pointer -> character offset lookups in one JSON ``text``.

    Raises ``ValueError`` (``json.JSONDecodeError`` included) when the text is not JSON where
    the walk goes; callers fall back to another locator.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._members: dict[int, dict[str, int]] = {}

    def _skip_ws(self, i: int) -> int:
        return _WS.match(self.text, i).end()  # type: ignore[union-attr]  # always matches

    def members(self, start: int) -> dict[str, int]:
        """``{key or index: offset of the value}`` of the object/array starting at ``start``."""
        found = self._members.get(start)
        if found is not None:
            return found
        t = self.text
        out: dict[str, int] = {}
        opener = t[start]
        if opener not in "{[":
            raise ValueError(f"offset {start} is not a container")
        closer = "}" if opener == "{" else "]"
        i = self._skip_ws(start + 1)
        index = 0
        while t[i] != closer:
            if opener == "{":
                key, i = _DECODER.raw_decode(t, i)
                i = self._skip_ws(i)
                if t[i] != ":":
                    raise ValueError(f"expected ':' at offset {i}")
                i = self._skip_ws(i + 1)
                out.setdefault(str(key), i)
            else:
                out[str(index)] = i
                index += 1
            _, i = _DECODER.raw_decode(t, i)
            i = self._skip_ws(i)
            if t[i] == ",":
                i = self._skip_ws(i + 1)
            elif t[i] != closer:
                raise ValueError(f"expected ',' or {closer!r} at offset {i}")
        self._members[start] = out
        return out

    def offset(self, tokens: list[str]) -> int:
        """The offset of the deepest node on the path of (unescaped) pointer ``tokens``."""
        pos = self._skip_ws(0)
        for token in tokens:
            if self.text[pos] not in "{[":
                break
            nxt = self.members(pos).get(token)
            if nxt is None:
                break
            pos = nxt
        return pos

    def line_col(self, tokens: list[str]) -> tuple[int, int]:
        """1-based ``(line, column)`` of :meth:`offset`."""
        pos = self.offset(tokens)
        line_start = self.text.rfind("\n", 0, pos) + 1
        return self.text.count("\n", 0, pos) + 1, pos - line_start + 1
