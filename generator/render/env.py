"""The Jinja2 environment: templates from ``templates/``, ``StrictUndefined``, no autoescape
(we emit Python, whose escaping is done in Python before rendering)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from ..emit.format import PIECE_BREAK
from ..paths import templates_dir
from .text import docstring_body, py_str


@lru_cache(maxsize=4)
def environment(extra_dir: str | None = None, cache_dir: str | None = None) -> jinja2.Environment:
    """A cached environment; ``extra_dir`` (a user template folder) overrides built-in templates.

    With ``cache_dir``, compiled templates are kept in ``<cache_dir>/jinja`` (Jinja's own bytecode
    cache, keyed by each template's source): compiling the templates is a fifth of a small run.
    """
    dirs = [str(templates_dir())]
    if extra_dir:
        dirs.insert(0, str(Path(extra_dir)))
    bytecode_cache = None
    if cache_dir:
        try:
            (Path(cache_dir) / "jinja").mkdir(parents=True, exist_ok=True)
            bytecode_cache = jinja2.FileSystemBytecodeCache(str(Path(cache_dir) / "jinja"))
        except OSError:
            bytecode_cache = None  # only a cache
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(dirs),
        bytecode_cache=bytecode_cache,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    # the only way spec text may enter a template: escaped for its context
    env.filters["docstring"] = docstring_body
    env.filters["pyrepr"] = py_str
    # between two methods of a class: where the formatter may cut a large file into pieces
    env.globals["piece_break"] = PIECE_BREAK
    return env


def render(
    template: str, context: dict[str, object], extra_dir: str | None = None, cache_dir: str | None = None
) -> str:
    """Render ``template`` with ``context``. Raises jinja2 errors for template bugs."""
    return environment(extra_dir, cache_dir).get_template(template).render(**context)
