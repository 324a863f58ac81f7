"""Request bodies of operations (stage 3b, a part of :class:`~.operations.OperationBuilder`):
which media types a call can send, the schema and type of each, and the Encoding Objects of form
and multipart bodies.

:func:`media_kind` classifies a media type (json, form, multipart, text, binary); a body's media
types are offered in the order json, multipart, form, binary, text.
"""

from __future__ import annotations

import re
from typing import Any

from ..diagnostics import DiagnosticSink
from ..ir.model import Encoding, Named, RequestBody
from ..ir.names import pascal
from ..refs import Loc, RefError
from . import types as T

__all__ = ["DANGLING", "RequestBodies", "media_kind"]

#: What :meth:`OperationBuilder._follow` gives for a ``$ref`` to nothing (already warned).
DANGLING = object()
_JSON_RE = re.compile(
    r"^application/(?:[\w.+-]+\+)?json(?:;.*)?$|^\*/\*$|^application/problem\+json"
)


def media_kind(media_type: str) -> str:
    """Classify a media type: json | form | multipart | text | binary."""
    mt = media_type.lower().strip()
    if _JSON_RE.match(mt) or mt.endswith("+json") or mt.endswith("/json"):
        return "json"
    if mt.startswith("application/x-www-form-urlencoded"):
        return "form"
    if mt.startswith("multipart/"):
        return "multipart"
    if mt.startswith("text/") or mt in ("application/xml", "application/yaml"):
        return "text"
    return "binary"


_KIND_ORDER = {"json": 0, "multipart": 1, "form": 2, "binary": 3, "text": 4}
#: The styles an Encoding Object may give a form or multipart body property (those of query
#: parameters, OAS 3.1.0 4.8.15).
_BODY_STYLES = ("form", "spaceDelimited", "pipeDelimited", "deepObject")


class RequestBodies:
    """The request-body part of :class:`~.operations.OperationBuilder` (a mixin: it uses the
    builder's ``schemas``, ``resolver``, ``sink`` and ``_follow``)."""

    schemas: Any
    resolver: Any
    sink: DiagnosticSink

    def _follow(self, obj: Any, loc: Loc, outcome: str) -> tuple[Loc, Any]:
        raise NotImplementedError

    def _bodies(self, loc: Loc, op: dict[str, Any], label: str) -> list[RequestBody]:
        rb = op.get("requestBody")
        if rb is None:
            return []
        bloc, rb = self._follow(rb, loc.child("requestBody"), "typed as Any")
        if rb is DANGLING:
            return [RequestBody("json", "application/json", "Any", False, "", bloc.key)]
        if not isinstance(rb, dict) or not isinstance(rb.get("content"), dict):
            return []
        content = rb["content"]
        kinds = [(media_kind(mt), mt) for mt in content]
        # one body per kind (typed from its first media type); JSON first, then multipart, form,
        # binary, text; a call may send any declared media type of a kind
        chosen: dict[str, list[str]] = {}
        for kind, mt in kinds:
            chosen.setdefault(kind, []).append(mt)
        out: list[RequestBody] = []
        many = len(chosen) > 1
        for kind in sorted(chosen, key=lambda k: _KIND_ORDER[k]):
            mt = chosen[kind][0]
            media = content[mt] if isinstance(content[mt], dict) else {}
            sloc = bloc.child("content", mt, "schema")
            schema = media.get("schema")
            hint_name = f"{label}{pascal(kind) if many else ''}Body"
            if kind == "binary":
                hint = "FileContent"
            elif kind == "text":
                hint = "str"
            elif schema is None:
                hint = "Any" if kind == "json" else "Mapping[str, object]"
            else:
                if kind in ("multipart", "form"):
                    self._check_form_schema(kind, mt, schema, sloc)
                t = self.schemas.request_type(schema, sloc, hint_name)
                if kind == "multipart" and isinstance(t, Named):
                    self.schemas.file_models.add(self.schemas.class_of(t.name))
                hint = T.hint(t)
            encoding = {}
            if kind in ("form", "multipart") and "encoding" in media:
                encoding = self._encoding(
                    media["encoding"], schema, sloc, bloc.child("content", mt, "encoding")
                )
            out.append(
                RequestBody(
                    kind,
                    mt,
                    hint,
                    bool(rb.get("required")),
                    str(rb.get("description") or "").strip(),
                    bloc.key,
                    media_types=chosen[kind],
                    encoding=encoding,
                )
            )
        return out

    def _check_form_schema(self, kind: str, media_type: str, schema: Any, sloc: Loc) -> None:
        """WARNING when a multipart or form-urlencoded body's schema is a single value (a file,
        a string), not an object: form data is a set of named fields. The client runtime sends
        such a multipart value as one part named ``file`` (what these documents' servers expect,
        e.g. Jira's attachments), and such a form value (text or bytes) as the encoded form, an
        array's items as its fields."""
        loc, target = self._follow(schema, sloc, "the body is typed as Any")
        if not isinstance(target, dict) or any(
            k in target for k in ("properties", "allOf", "oneOf", "anyOf")
        ):
            return
        what = target.get("type")
        if isinstance(what, str) and what not in ("object", "null"):
            sent = (
                "as one part named 'file'" if kind == "multipart" else "as the encoded form it is"
            )
            if kind == "form" and what == "array":
                sent = "as the encoded form, each item one field ('name=value' text or a (name, value) pair)"
            self.sink.warning(
                f"a {media_type} body is a set of named fields (an object), but this schema is a "
                f"'{what}': the value is sent {sent}",
                loc.pointer,
                source=self.schemas._src(loc),
            )

    def _encoding(self, encoding: Any, schema: Any, sloc: Loc, loc: Loc) -> dict[str, Encoding]:
        """The Encoding Objects of a form or multipart body (OAS 3.1.0 4.8.15), by property. One
        that names no property of the body, or a ``style`` a body cannot use, is reported
        (WARNING) and left out. ``style``, ``explode`` and ``allowReserved`` apply to both
        media types, as OAS 3.1 says (3.0 gives them to forms only; a 3.0 document writing them
        for a multipart body is taken at its word)."""
        if not isinstance(encoding, dict):
            self.sink.warning("'encoding' must be an object; it is ignored", loc.pointer)
            return {}
        known = self._property_names(schema, sloc, 0)
        out: dict[str, Encoding] = {}
        for name, enc in encoding.items():
            eloc = loc.child(name)
            if not isinstance(enc, dict):
                self.sink.warning(
                    "an Encoding Object must be an object; it is ignored", eloc.pointer
                )
                continue
            if known is not None and name not in known:
                self.sink.warning(
                    f"this Encoding Object names '{name}', which is not a property of the request body; it is ignored",
                    eloc.pointer,
                )
                continue
            style = enc.get("style")
            if style is not None and style not in _BODY_STYLES:
                self.sink.warning(
                    f"encoding style '{style}' cannot serialize a request body property (it is one of "
                    f"{', '.join(_BODY_STYLES)}); it is ignored",
                    eloc.child("style").pointer,
                )
                style = None
            explode = enc.get("explode") if isinstance(enc.get("explode"), bool) else None
            reserved = (
                enc.get("allowReserved") if isinstance(enc.get("allowReserved"), bool) else None
            )
            ctype = enc.get("contentType") if isinstance(enc.get("contentType"), str) else None
            if style is None and explode is None and reserved is None:
                if ctype is not None:
                    out[str(name)] = Encoding(None, content_type=ctype)
                continue
            style = style or "form"
            out[str(name)] = Encoding(
                style, explode if explode is not None else style == "form", bool(reserved), ctype
            )
        return out

    def _property_names(self, schema: Any, loc: Loc, depth: int) -> set[str] | None:
        """The property names of an object schema (through ``$ref`` and ``allOf``), or None when
        they cannot be told (``additionalProperties``, a composition, a bad ``$ref``)."""
        if depth > 16 or not isinstance(schema, dict):
            return None
        if "$ref" in schema:
            try:
                loc, schema = self.resolver.follow(schema, loc)  # (its type reports a bad one)
            except RefError:
                return None
            return self._property_names(schema, loc, depth + 1)
        names = (
            set(schema.get("properties") or {})
            if isinstance(schema.get("properties"), dict)
            else set()
        )
        if (
            schema.get("additionalProperties") not in (None, False)
            or "oneOf" in schema
            or "anyOf" in schema
        ):
            return None
        for i, part in enumerate(
            schema.get("allOf") or [] if isinstance(schema.get("allOf"), list) else []
        ):
            more = self._property_names(part, loc.child("allOf", i), depth + 1)
            if more is None:
                return None
            names |= more
        return {str(n) for n in names}
