"""The Jinja2 environment: templates from ``templates/``, ``StrictUndefined``, no autoescape
(we emit Python, whose escaping is done in Python before rendering)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from ..paths import templates_dir
from .text import docstring_body, py_str


@lru_cache(maxsize=4)
def environment(extra_dir: str | None = None) -> jinja2.Environment:
    """A cached environment; ``extra_dir`` (a user template folder) overrides built-in templates."""
    dirs = [str(templates_dir())]
    if extra_dir:
        dirs.insert(0, str(Path(extra_dir)))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(dirs),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    # the only way spec text may enter a template: escaped for its context
    env.filters["docstring"] = docstring_body
    env.filters["pyrepr"] = py_str
    return env


def render(template: str, context: dict[str, object], extra_dir: str | None = None) -> str:
    """Render ``template`` with ``context``. Raises jinja2 errors for template bugs."""
    return environment(extra_dir).get_template(template).render(**context)
