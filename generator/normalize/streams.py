"""Event-stream responses (``text/event-stream``): what each event's data is typed as, whether the
operation offers JSON too, and the request body's ``stream`` flag.

An operation whose success response is an event stream returns a ``Stream[T]``; ``T`` comes from
the media type's OpenAPI 3.2 ``itemSchema``, else its ``schema`` (the ``items`` of an array
schema: the stream's items), else ``str`` (each event's data text). Events are typed by name
where the document says so: a ``oneOf`` whose variants fix ``event`` (``const`` or a one-value
``enum``) and give ``data`` a schema (its ``contentSchema`` when the data is JSON text), as the
OpenAPI 3.2 examples do; or a ``oneOf`` whose ``discriminator`` is ``event``, each mapped schema
the data of that event.
"""

from __future__ import annotations

from typing import Any

from ..ir.model import ANY, ModelDef, Prim, RequestBody, ResponseCase, TypeExpr, UnionOf
from ..ir.names import pascal
from ..refs import Loc
from ..render.text import py_str
from . import types as T

__all__ = ["StreamResponses", "is_event_stream"]


def is_event_stream(media_type: str) -> bool:
    """Whether ``media_type`` is ``text/event-stream`` (parameters ignored)."""
    return media_type.split(";", 1)[0].strip().lower() == "text/event-stream"


def _expr(t: TypeExpr) -> str:
    return "str" if t == Prim("str") else T.hint(t)


class StreamResponses:
    """The event-stream part of :class:`~.operations.OperationBuilder` (a mixin: it uses the
    builder's ``schemas`` and ``_follow``)."""

    schemas: Any

    def _follow(self, obj: Any, loc: Loc, outcome: str) -> tuple[Loc, Any]:
        raise NotImplementedError

    def _event_stream(
        self, loc: Loc, op: dict[str, Any], label: str
    ) -> tuple[ResponseCase | None, dict[str, Any], bool]:
        """The first success response's event stream of the operation ``op`` at ``loc``, ``op``
        without it (what the rest of the builder reads), and whether the operation offers
        another success body (JSON...) beside the stream: ``(None, op, False)`` without one."""
        responses = op.get("responses")
        if not isinstance(responses, dict):
            return None, op, False
        for code, resp in responses.items():
            if not str(code).startswith("2"):
                continue
            rloc, resp = self._follow(resp, loc.child("responses", str(code)), "typed as Any")
            content = resp.get("content") if isinstance(resp, dict) else None
            if not isinstance(content, dict):
                continue
            mt = next((m for m in content if isinstance(m, str) and is_event_stream(m)), None)
            if mt is None:
                continue
            media = content[mt] if isinstance(content[mt], dict) else {}
            key = str(code) if str(code).isdigit() else py_str(str(code).upper())
            case = self._stream_case(key, mt, media, rloc.child("content", mt), label)
            rest = [m for m in content if m != mt]
            # a response of the stream alone is left out of the rest; one that offers another
            # media type too is left as it is (its $ref and location intact): the builder reads
            # the body it prefers (JSON, binary... before text) and never the stream's
            others = {c: r for c, r in responses.items() if c != code or rest}
            both = bool(rest) or any(str(c).startswith("2") and c != code for c in responses)
            return case, {**op, "responses": others}, both
        return None, op, False

    def _stream_case(
        self, key: str, media_type: str, media: dict[str, Any], mloc: Loc, label: str
    ) -> ResponseCase:
        """The ``sse`` response of one ``text/event-stream`` media type object."""
        if "itemSchema" in media:
            schema, sloc = media["itemSchema"], mloc.child("itemSchema")
        elif "schema" in media:
            schema, sloc = media["schema"], mloc.child("schema")
            floc, found = self._follow(schema, sloc, "typed as Any")
            if isinstance(found, dict) and found.get("type") == "array" and "items" in found:
                schema, sloc = found["items"], floc.child("items")
        else:
            return ResponseCase(key, "sse", "str", "str", media_type)
        name = f"{label}Event"
        events = self._named_events(schema, sloc, name)
        if events:
            types = list(dict.fromkeys(t for _, t in events))
            t: TypeExpr = types[0] if len(types) == 1 else UnionOf(tuple(types))
            pairs = [(event, _expr(tp)) for event, tp in events]
        else:
            t, pairs = self.schemas.type_of(schema, sloc, name), []
            if t == ANY:
                t = Prim("str") if schema in (None, {}, True) else ANY
        return ResponseCase(key, "sse", _expr(t), T.hint(t), media_type, events=pairs)

    def _named_events(self, schema: Any, loc: Loc, name: str) -> list[tuple[str, TypeExpr]]:
        """``[(event name, its data's type)]`` where ``schema`` types events by name, else ``[]``."""
        floc, found = self._follow(schema, loc, "typed as Any")
        if not isinstance(found, dict):
            return []
        disc = found.get("discriminator")
        if isinstance(disc, dict) and disc.get("propertyName") == "event":
            mapping = disc.get("mapping")
            if isinstance(mapping, dict) and mapping:
                mloc = floc.child("discriminator", "mapping")
                return [
                    (str(event), self.schemas.type_of({"$ref": ref}, mloc.child(str(event)), name))
                    for event, ref in mapping.items()
                    if isinstance(ref, str)
                ]
        variants = found.get("oneOf") or found.get("anyOf")
        if not isinstance(variants, list) or not variants:
            return []
        out: list[tuple[str, TypeExpr]] = []
        key = "oneOf" if found.get("oneOf") else "anyOf"
        for i, variant in enumerate(variants):
            vloc, v = self._follow(variant, floc.child(key, i), "typed as Any")
            props = v.get("properties") if isinstance(v, dict) else None
            event = props.get("event") if isinstance(props, dict) else None
            if not isinstance(event, dict) or "data" not in props:
                return []
            fixed = event.get("const", (event.get("enum") or [None, None])[0])
            if not isinstance(fixed, str) or len(event.get("enum") or [fixed]) != 1:
                return []
            dloc, data = self._follow(props["data"], vloc.child("properties", "data"), "typed as Any")
            if isinstance(data, dict) and "contentSchema" in data:
                data, dloc = data["contentSchema"], dloc.child("contentSchema")
            out.append((fixed, self.schemas.type_of(data, dloc, f"{name}{pascal(fixed)}")))
        return out

    def _stream_flag(self, bodies: list[RequestBody]) -> bool:
        """Whether the JSON request body is a model with a boolean ``stream`` property."""
        for body in bodies:
            if body.kind != "json":
                continue
            model = self.schemas.definition(body.hint)
            if isinstance(model, ModelDef):
                return any(
                    f.json_name == "stream" and f.hint.removesuffix(" | None") == "bool"
                    for f in model.fields
                )
        return False
