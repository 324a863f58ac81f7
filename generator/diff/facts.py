"""What a schema says, read the way the diff needs it: without prose and extensions, its enum
values, what the generator makes of it (class names, enum classes), how values show in messages.

Pure functions over the parsed document (dicts, lists, scalars); no ``$ref`` is followed here.
"""

from __future__ import annotations

import json
from typing import Any

from ..ir.names import pascal, py_ident

#: Keywords that document a schema without changing what it accepts.
_ANNOTATIONS = frozenset(
    {
        "description",
        "title",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "default",
        "nullable",
        "summary",
        "$comment",
        "externalDocs",
        "xml",
        "discriminator",
    }
)
#: Keywords that only describe (left out by :func:`facts`).
_PROSE = frozenset(
    {"description", "summary", "title", "example", "examples", "$comment", "externalDocs"}
)
#: Keywords whose object value is keyed by names, not keywords.
_NAME_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
#: Keywords whose value is data, kept verbatim.
_LITERALS = frozenset({"enum", "const", "default", "required", "mapping"})


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def structural(schema: dict[str, Any]) -> set[str]:
    """The keywords of ``schema`` that change what it accepts (no annotations, no ``x-*``)."""
    return {k for k in schema if k not in _ANNOTATIONS and not str(k).startswith("x-")}


def is_null(schema: Any) -> bool:
    """Is ``schema`` just ``{type: null}`` (the ``null`` member of a nullable union)?"""
    return (
        isinstance(schema, dict) and schema.get("type") == "null" and len(structural(schema)) == 1
    )


def mapping_ref(value: str) -> str:
    """The ``$ref`` a discriminator ``mapping`` value stands for: a reference as written, or, for a
    bare schema name, that component schema."""
    return value if ("/" in value or "#" in value) else f"#/components/schemas/{value}"


def enum_values(schema: Any) -> list[Any] | None:
    """The values ``schema`` allows when it is an enum (``const`` is one value; ``null`` is left
    out), else None."""
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return [schema["const"]]
    enum = schema.get("enum")
    if isinstance(enum, list):
        return [v for v in enum if v is not None]
    return None


def enum_is_class(values: list[Any], schema: dict[str, Any]) -> bool:
    """Does the generator make an enum class (rather than a ``Literal``) of these values?"""
    if "const" in schema or not values:
        return False
    return all(isinstance(v, str) for v in values) or all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    )


def show(v: Any) -> str:
    """``v`` as JSON, for messages."""
    return json.dumps(v, ensure_ascii=False)


def facts(node: Any, names: bool = False) -> Any:
    """``node`` without prose, examples and ``x-*`` extensions (names in name maps are kept)."""
    if isinstance(node, list):
        return [facts(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        k = str(k)
        if names:
            out[k] = facts(v)
        elif k.startswith("x-") or k in _PROSE:
            continue
        elif k in _LITERALS:
            out[k] = v
        else:
            out[k] = facts(v, names=k in _NAME_MAPS and isinstance(v, dict))
    return out


def fingerprint(schema: Any) -> str:
    """A string equal for two schemas that differ only in prose and extensions (:func:`facts`)."""
    return json.dumps(facts(schema), sort_keys=True, default=str)


def class_name(name: str) -> str:
    """The class name the generator gives the schema ``name`` (collision suffixes and
    ``class-names`` overrides are not known here)."""
    return py_ident(pascal(name), prefix="Model")
