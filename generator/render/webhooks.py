"""The plan of the generated ``webhooks.py`` (OpenAPI 3.1 ``webhooks``): the ``Webhooks`` class
whose ``unwrap`` parses a received payload into the union of the declared webhooks' payloads
(``Api.webhook_event``), and the client attribute that gives it (``webhooks``, unless a resource
bears that name)."""

from __future__ import annotations

from typing import Any

from ..ir.model import Api
from .text import docstring_body, py_str_tuple


def webhooks_attr(api: Api) -> str:
    """The client attribute of the webhooks (``""`` when the document declares none with a JSON
    payload)."""
    if not api.webhook_event:
        return ""
    taken = {r.attr for r in api.resources}
    return "webhooks" if "webhooks" not in taken else "webhook_events"


def webhooks_context(api: Api, banner: str) -> dict[str, Any]:
    """The context of ``webhooks.py.jinja``: the union's name, the webhooks' names (a tuple
    literal, for errors) and a docstring listing each webhook and its payload class."""
    lines = [
        f"- ``{docstring_body(w.name)}`` ({w.method}): :class:`models.{w.hint}`"
        + (f": {' '.join(docstring_body(w.doc).split())}" if w.doc else "")
        for w in api.webhooks
    ]
    names = list(dict.fromkeys(w.name for w in api.webhooks))
    return {
        "banner": banner,
        "event": api.webhook_event,
        "names": py_str_tuple(names),
        "listing": "\n".join(lines),
    }
