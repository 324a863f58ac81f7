"""Where the templates are: ``generator/templates`` in an installed wheel, ``templates/`` beside
``generator/`` in a source checkout."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def templates_dir() -> Path:
    """The folder holding the Jinja templates and ``runtime/``."""
    installed = _HERE / "templates"
    if installed.is_dir():
        return installed
    return _HERE.parent / "templates"
