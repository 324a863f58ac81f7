"""Where things are: the templates (``generator/templates`` in an installed wheel, ``templates/``
beside ``generator/`` in a source checkout) and the cache folder, and how cache files are written."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

_HERE = Path(__file__).resolve().parent


def templates_dir() -> Path:
    """The folder holding the Jinja templates and ``runtime/``."""
    installed = _HERE / "templates"
    if installed.is_dir():
        return installed
    return _HERE.parent / "templates"


def uri_path(path: str) -> str:
    """The local file path of a ``file:`` URI's path component (what ``urllib.request.url2pathname``
    returns, without importing ``urllib.request``, which loads ``http.client`` and ``email``)."""
    if os.name == "nt":  # pragma: no cover - Windows
        from nturl2path import url2pathname

        return str(url2pathname(path))
    return unquote(path)


def default_cache_dir() -> Path | None:
    """``$CONNECT_CODEGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/connect-codegen``, else
    ``~/.cache/connect-codegen``; ``None`` when the variable is set to an empty string."""
    env = os.environ.get("CONNECT_CODEGEN_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "connect-codegen"


def write_cache_file(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` in the cache folder atomically (a temporary file beside it, then
    ``os.replace``), creating its folder; failures are ignored: it is only a cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(text, encoding=encoding)
        os.replace(tmp, path)
    except OSError:
        pass
