"""What a schema says about valid values beyond its Python type (``format``, ``pattern``, bounds,
lengths) and the example it gives, kept on fields and parameters for the generated test kit's
fakes and the generated reference's examples (``Field.facts``, ``Parameter.facts``).

Facts are plain JSON data: the schema's own keywords, never interpreted here.
"""

from __future__ import annotations

from typing import Any, Callable

from ..refs import Loc, RefError

__all__ = ["FACT_KEYS", "schema_facts"]

#: The keywords kept (JSON Schema validation keywords on strings, numbers and arrays).
FACT_KEYS = (
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
)

_SCALARS = (str, int, float, bool, type(None))


def _jsonable(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` is plain JSON data (what a Python literal can hold), not too deep."""
    if depth > 8:
        return False
    if isinstance(value, _SCALARS):
        return not isinstance(value, float) or value == value and value not in (float("inf"), float("-inf"))
    if isinstance(value, list):
        return all(_jsonable(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _jsonable(v, depth + 1) for k, v in value.items())
    return False


def _example(node: dict[str, Any]) -> tuple[bool, Any]:
    """``(found, value)`` of a schema's or parameter's example: ``example``, else the first of
    ``examples`` (a schema's list, or a parameter's map of Example Objects' ``value``)."""
    if "example" in node and _jsonable(node["example"]):
        return True, node["example"]
    examples = node.get("examples")
    if isinstance(examples, list) and examples and _jsonable(examples[0]):
        return True, examples[0]
    if isinstance(examples, dict):
        for item in examples.values():
            if isinstance(item, dict) and "value" in item and _jsonable(item["value"]):
                return True, item["value"]
    return False, None


def schema_facts(
    schema: Any,
    loc: Loc,
    follow: Callable[[dict[str, Any], Loc], tuple[Loc, Any]],
    holder: dict[str, Any] | None = None,
    depth: int = 0,
) -> dict[str, Any]:
    """The facts of ``schema`` (followed through ``$ref`` with ``follow``, silently: a broken
    reference has its own diagnostic), in :data:`FACT_KEYS` order, then an array's ``items`` facts, then ``example``; ``holder``
    (a Parameter Object) gives an example first. Empty when there are none."""
    out: dict[str, Any] = {}
    found, example = _example(holder) if isinstance(holder, dict) else (False, None)
    for _ in range(16):
        if not isinstance(schema, dict):
            break
        for key in FACT_KEYS:
            if key not in out and key in schema and isinstance(schema[key], _SCALARS):
                out[key] = schema[key]
        if not found:
            found, example = _example(schema)
        items = schema.get("items")
        if "items" not in out and isinstance(items, dict) and depth < 4:
            inner = schema_facts(items, loc.child("items"), follow, depth=depth + 1)
            if inner:
                out["items"] = inner
        if "$ref" not in schema:
            break
        try:
            loc, schema = follow(schema, loc)
        except RefError:
            break
    if found:
        out["example"] = example
    return out
