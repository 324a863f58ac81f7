"""Stage 5: format generated Python with black's in-process API (pinned mode)."""

from __future__ import annotations

import black

#: The one black mode every generated file is formatted with (output must not depend on the
#: machine, so no configuration is read from disk).
MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=100)


class FormatError(Exception):
    """black could not parse a rendered file: a generator or template bug; names the file."""


def format_python(source: str, path: str) -> str:
    """Return ``source`` formatted by black. Raises :class:`FormatError` naming ``path``."""
    try:
        return black.format_str(source, mode=MODE)
    except black.NothingChanged:  # pragma: no cover - format_str does not raise it
        return source
    except Exception as exc:
        raise FormatError(f"{path}: generated code does not parse ({exc})".splitlines()[0]) from None
