"""OpenAPI 3.1 ``webhooks``: the requests the API sends to its users, as models and one union.

Each webhook's operations with a JSON request body give a payload type (a component's class, or
a class named ``<Webhook>Payload`` for an inline schema); the union of every payload is one more
registered schema, a ``oneOf`` of references to the payloads' places in the document, so that it
is told apart like any union (a discriminator declared, inherited or implied by ``const``/``enum``
values; else by shape). The union is named ``WebhookEvent``; the client's ``webhooks.unwrap``
parses a received payload into it (``templates/runtime/_webhooks.py``).
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import DiagnosticSink
from ..ir.model import Webhook
from ..ir.names import pascal
from ..refs import Loc, RefError, Resolver
from . import types as T
from .class_names import TOKEN_RE

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _is_json(media_type: str) -> bool:
    mt = media_type.split(";", 1)[0].strip().lower()
    return mt.endswith("/json") or mt.endswith("+json")


def build_webhooks(data: dict[str, Any], root: Loc, resolver: Resolver, schemas: Any, sink: DiagnosticSink) -> tuple[list[Webhook], str | None]:
    """The document's webhooks (document order, then method order) and the token of their union
    (``None`` when none has a JSON payload). A webhook without one is an INFO diagnostic."""
    hooks = data.get("webhooks")
    if not isinstance(hooks, dict):
        return [], None
    out: list[Webhook] = []
    refs: list[dict[str, str]] = []
    for name, item in hooks.items():
        loc = root.child("webhooks", str(name))
        try:
            loc, item = resolver.follow(item, loc)
        except RefError:
            continue
        if not isinstance(item, dict):
            continue
        found = False
        for method in _METHODS:
            op = item.get(method)
            if not isinstance(op, dict) or op.get("requestBody") is None:
                continue
            try:
                bloc, body = resolver.follow(op["requestBody"], loc.child(method, "requestBody"))
            except RefError:
                continue
            content = body.get("content") if isinstance(body, dict) else None
            if not isinstance(content, dict):
                continue
            media = next((mt for mt in content if _is_json(str(mt))), None)
            if media is None or not isinstance(content[media], dict) or "schema" not in content[media]:
                continue
            sloc = bloc.child("content", media, "schema")
            schema = content[media]["schema"]
            t = schemas.type_of(schema, sloc, f"{pascal(str(name))}Payload")
            doc = str(op.get("summary") or op.get("description") or item.get("summary") or "").strip()
            out.append(Webhook(name=str(name), method=method.upper(), hint=T.hint(t), doc=doc, pointer=sloc.key))
            # the union refers to the payload where it is (a $ref there leads on to its target)
            refs.append({"$ref": (sloc.uri if sloc.uri != root.uri else "") + "#" + sloc.pointer})
            found = True
        if not found:
            sink.info(f"webhook '{name}' has no JSON request body; the client does not parse it", loc.pointer)
    if not refs:
        return out, None
    token = schemas.register(root.child("webhooks"), {"oneOf": refs}, "WebhookEvent")
    return out, token


def finalize_webhooks(webhooks: list[Webhook], token: str | None, names: dict[str, str]) -> str:
    """Write the final class names into the webhooks' hints; return the union's name (or "")."""
    for w in webhooks:
        w.hint = TOKEN_RE.sub(lambda m: names[m.group(0)], w.hint)
    return names.get(token, token) if token is not None else ""
