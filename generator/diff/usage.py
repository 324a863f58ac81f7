"""Where component schemas are used: the directions each is reachable in from the operations
(request, response) and the components that include each through ``allOf``.

Which direction decides what breaks: see "Who sends what" in :mod:`generator.diff`.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..refs import Loc
from .context import REQUEST, RESPONSE
from .facts import mapping_ref
from .operations import each_parameter, each_response, operations_of, param_schema, request_body_of
from .side import Side


def _schema_roots(side: Side) -> Iterator[tuple[str, Loc, Any]]:
    """``(direction, location, schema)`` of every schema an operation sends or receives."""
    for op in operations_of(side):
        for ploc, p in each_parameter(side, op):
            if isinstance(p, dict):
                sloc, s = param_schema(ploc, p)
                yield REQUEST, sloc, s
        body = request_body_of(side, op)
        if body is not None:
            for sloc, s in _media_schemas(*body):
                yield REQUEST, sloc, s
        for _, rloc, resp in each_response(side, op):
            for sloc, s in _media_schemas(rloc, resp):
                yield RESPONSE, sloc, s


def _media_schemas(loc: Loc, holder: Any) -> Iterator[tuple[Loc, Any]]:
    """``(location, schema)`` of each media type in ``holder``'s ``content`` that has a schema."""
    content = holder.get("content") if isinstance(holder, dict) else None
    for mt, media in content.items() if isinstance(content, dict) else ():
        if isinstance(media, dict) and "schema" in media:
            yield loc.child("content", mt, "schema"), media["schema"]


def schema_usage(side: Side) -> dict[str, set[str]]:
    """Component schema name -> the directions it is reachable in from the operations."""
    out: dict[str, set[str]] = {}
    seen: set[tuple[str, str]] = set()
    stack = [(d, loc, s) for d, loc, s in _schema_roots(side)]
    while stack:
        direction, loc, node = stack.pop()
        if (loc.key, direction) in seen:
            continue
        seen.add((loc.key, direction))
        if isinstance(node, list):
            stack.extend((direction, loc.child(i), v) for i, v in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            hop = side.lookup(ref, loc)
            if hop is not None:
                name = side.component(hop[0])
                if name:
                    out.setdefault(name, set()).add(direction)
                stack.append((direction, hop[0], hop[1]))
        for key, value in node.items():
            if key in (
                "properties",
                "patternProperties",
                "$defs",
                "dependentSchemas",
            ) and isinstance(value, dict):
                stack.extend((direction, loc.child(key, k), v) for k, v in value.items())
            elif key in (
                "items",
                "additionalProperties",
                "not",
                "contains",
                "propertyNames",
                "if",
                "then",
                "else",
                "unevaluatedProperties",
                "unevaluatedItems",
                "allOf",
                "oneOf",
                "anyOf",
                "prefixItems",
            ):
                stack.append((direction, loc.child(key), value))
            elif (
                key == "discriminator"
                and isinstance(value, dict)
                and isinstance(value.get("mapping"), dict)
            ):
                for k, target in value["mapping"].items():
                    if isinstance(target, str):
                        ref = mapping_ref(target)
                        stack.append((direction, loc.child(key, "mapping", k), {"$ref": ref}))
    return out


def inheritors_of(side: Side) -> dict[str, list[str]]:
    """Component name -> the components that include it through ``allOf`` (transitively)."""
    direct: dict[str, set[str]] = {}
    for name, schema in side.schemas.items():
        members = schema.get("allOf") if isinstance(schema, dict) else None
        for i, m in enumerate(members if isinstance(members, list) else []):
            if isinstance(m, dict) and isinstance(m.get("$ref"), str):
                hop = side.lookup(
                    m["$ref"], side.root.child("components", "schemas", name, "allOf", i)
                )
                base = side.component(hop[0]) if hop else None
                if base and base != name:
                    direct.setdefault(base, set()).add(name)
    out: dict[str, list[str]] = {}
    for base in direct:
        seen: set[str] = set()
        todo = list(direct[base])
        while todo:
            h = todo.pop()
            if h in seen or h == base:
                continue
            seen.add(h)
            todo.extend(direct.get(h, ()))
        out[base] = sorted(seen)
    return out
