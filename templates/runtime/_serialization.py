"""JSON conversion helpers: outgoing values to JSON data, incoming bodies to types."""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import threading
import typing
from collections.abc import Generator, Mapping
from typing import Any, cast

import httpx
import pydantic
import pydantic_core

from ._models import dump_sent
from ._types import NotGiven

__all__ = ["GC_PAUSE_BYTES", "decode_json", "dump_json", "gc_paused", "to_jsonable", "type_adapter"]


def to_jsonable(value: object) -> object:
    """Convert ``value`` into plain JSON data (dict, list, str, int, float, bool, None).

    Pydantic models are dumped as they are sent (``_models.dump_sent``): by alias, the
    fields the caller set plus those whose value the schema fixes (``__always_sent__``);
    a field the caller left at a plain default is not sent. Mappings and sequences are converted
    recursively; ``NOT_GIVEN`` entries are dropped from them. Dates, UUIDs, decimals
    and enums become their JSON form.

    Raises:
        TypeError: if ``value`` holds something with no JSON form.
    """
    if isinstance(value, pydantic.BaseModel):
        return dump_sent(value)
    if isinstance(value, Mapping):
        mapping = cast("Mapping[object, object]", value)
        return {
            str(key): to_jsonable(item)
            for key, item in mapping.items()
            if not isinstance(item, NotGiven)
        }
    if isinstance(value, (list, tuple)):
        items = cast("list[object] | tuple[object, ...]", value)
        return [to_jsonable(item) for item in items if not isinstance(item, NotGiven)]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    try:
        return pydantic_core.to_jsonable_python(value)
    except pydantic_core.PydanticSerializationError as exc:
        raise TypeError(f"Cannot send a {type(value).__name__} as JSON") from exc


def dump_json(value: object) -> bytes:
    """Serialize ``value`` (after ``to_jsonable``) to compact UTF-8 JSON bytes.

    Raises:
        TypeError: if ``value`` has no JSON form.
        ValueError: for NaN or infinite floats, which JSON cannot carry.
    """
    data = to_jsonable(value)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )


def decode_json(response: httpx.Response) -> object:
    """Decode the body of a read ``response`` as JSON.

    Returns ``None`` for an empty body.

    Raises:
        ValueError: if the body is not valid JSON (``json.JSONDecodeError`` and
            ``UnicodeDecodeError`` are both ``ValueError`` subclasses), or nests
            deeper than the interpreter's recursion limit.
    """
    content = response.content
    if not content.strip():
        return None
    try:
        return json.loads(content)
    except RecursionError:
        raise ValueError("the JSON body nests too deeply to decode") from None


#: Bodies of this many bytes or more are parsed with the garbage collector paused.
GC_PAUSE_BYTES = 64 * 1024

_gc_lock = threading.Lock()
_gc_holders = 0
_gc_resume = False


@contextlib.contextmanager
def gc_paused(active: bool = True) -> Generator[None, None, None]:
    """Pause the cyclic garbage collector while a large body becomes objects.

    A 10,000-item page makes tens of thousands of new objects, none in a cycle; every
    700 of them start a collection that rescans older objects: two thirds of the parse
    time. Resumed when the last pause (in any thread) ends, if it was enabled before.
    """
    global _gc_holders, _gc_resume
    if not active:
        yield
        return
    with _gc_lock:
        if _gc_holders == 0:
            _gc_resume = gc.isenabled()
            gc.disable()
        _gc_holders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_resume:
                gc.enable()


def _build_models(tp: Any, seen: set[type]) -> None:
    """Build the validators of the models ``tp`` refers to (through its fields, unions, lists...),
    innermost first. The models defer building until first use (fast imports); an adapter made
    over models not built yet validates with a schema of its own that is slower (a tenth of a
    large page's parse) than the one it reuses from built models."""
    if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel):
        if tp in seen:
            return
        seen.add(tp)
        for field in tp.model_fields.values():
            _build_models(field.annotation, seen)
        tp.model_rebuild()
        return
    for arg in typing.get_args(tp):
        _build_models(arg, seen)


@functools.lru_cache(maxsize=512)
def _cached_adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    _build_models(tp, set())
    return pydantic.TypeAdapter(tp)


def type_adapter(tp: Any) -> pydantic.TypeAdapter[Any]:
    """Return a ``pydantic.TypeAdapter`` for ``tp``, cached per type object.

    Unhashable type expressions are supported but not cached.
    """
    try:
        hash(tp)
    except TypeError:
        return pydantic.TypeAdapter(tp)
    return _cached_adapter(tp)
