"""Building ``multipart/form-data`` bodies from a mapping of fields (and their Encoding
Objects)."""

from __future__ import annotations

import io
import os
import pathlib
from collections.abc import Mapping
from typing import IO, cast

import pydantic

from ._qs import BodyEncoding, encode_query, is_json_media, to_param_str
from ._serialization import dump_json
from ._types import NotGiven

__all__ = ["MultipartFiles", "is_file_content", "to_multipart"]

MultipartFiles = list[tuple[str, tuple[str | None, bytes | IO[bytes], str | None]]]
"""The parts of a multipart body, as httpx's ``files=``: ``(field, (filename, content,
content_type))``; a text part has no file name."""


def is_file_content(value: object) -> bool:
    """Tell whether ``value`` is file content: bytes, a binary file object or a path."""
    return isinstance(value, (bytes, bytearray, io.IOBase, os.PathLike)) or (
        hasattr(value, "read") and not isinstance(value, (str, pydantic.BaseModel))
    )


def _file_tuple(value: object) -> tuple[object, ...] | None:
    """``value`` as a ``(filename, content[, content_type])`` tuple, if it is one."""
    if isinstance(value, tuple):
        items = cast("tuple[object, ...]", value)
        if len(items) in (2, 3) and (items[0] is None or isinstance(items[0], str)):
            return items
    return None


def _is_file(value: object) -> bool:
    parts = _file_tuple(value)
    return is_file_content(value if parts is None else parts[1])


def _file_part(field: str, value: object) -> tuple[str | None, bytes | IO[bytes], str | None]:
    filename: str | None = None
    content_type: str | None = None
    content = value
    parts = _file_tuple(value)
    if parts is not None:
        filename = cast("str | None", parts[0])
        content = parts[1]
        if len(parts) == 3:
            content_type = cast("str | None", parts[2])
    if isinstance(content, os.PathLike):
        path = pathlib.Path(os.fspath(cast("os.PathLike[str]", content)))
        if filename is None:
            filename = path.name
        return filename, path.read_bytes(), content_type
    if isinstance(content, (bytes, bytearray)):
        return (filename or field), bytes(content), content_type
    if filename is None:
        name = getattr(content, "name", None)
        filename = os.path.basename(name) if isinstance(name, str) else field
    return filename, cast("IO[bytes]", content), content_type


def _declared_type(content_type: str | None) -> str | None:
    """The Content-Type an Encoding Object's ``contentType`` gives a part: its first media
    type that is not a wildcard (``image/png, image/*`` gives ``image/png``), else ``None``."""
    for item in (content_type or "").split(","):
        item = item.strip()
        if item and "*" not in item:
            return item
    return None


def _part(
    field: str, value: object, content_type: str | None
) -> tuple[str | None, bytes | IO[bytes], str | None]:
    """One part of ``value``: a file, a JSON part (objects, arrays, and any value whose
    declared ``content_type`` is JSON) or a text part (its ``to_param_str``)."""
    declared = _declared_type(content_type)
    if _is_file(value):
        filename, content, own_type = _file_part(field, value)
        return filename, content, own_type or declared
    if _is_json_part(value) or (declared is not None and is_json_media(declared)):
        json_type = declared if declared is not None and is_json_media(declared) else None
        return None, dump_json(value), json_type or "application/json"
    return None, to_param_str(value).encode("utf-8"), declared


def _list_items(value: object) -> list[object] | None:
    """The items of ``value`` when it is a list (one part each)."""
    return cast("list[object]", value) if isinstance(value, list) else None


def _is_json_part(value: object) -> bool:
    """Objects and arrays are sent as JSON parts."""
    return isinstance(value, (dict, list, tuple, pydantic.BaseModel))


def to_multipart(
    fields: Mapping[str, object], encoding: Mapping[str, BodyEncoding] | None = None
) -> MultipartFiles:
    """The parts of a ``multipart/form-data`` body of ``fields``, in order, as httpx ``files=``
    entries ``(field, (filename, content, content_type))``.

    Each field by its ``encoding`` (OAS 3.1.0 4.8.15, Encoding Object; see ``_qs.BodyEncoding``):

    * with a ``style``: serialized like a query parameter of that style, one text part per
      pair (an exploded array repeats its name, an exploded object sends a part per property,
      ``deepObject`` names them ``field[key]``), never percent-encoded (OAS 3.1.2 4.8.15.1.2);
    * else by content, a part per value and a part per item of an array (the items' content
      types, OAS 4.8.15 ``contentType``): file values (``bytes``, a binary file object, an
      ``os.PathLike``, or a ``(filename, content[, content_type])`` tuple) are file parts (a
      path is read and its file name used, bytes are named after the field; the content type
      is the tuple's, else the declared one, else guessed from the file name); objects, nested
      arrays and values declared JSON are ``application/json`` parts; other values are text
      parts (``str``, numbers, booleans, enums, dates), with the declared ``contentType`` when
      there is one.

    ``NOT_GIVEN`` and ``None`` values are dropped.

    Raises:
        TypeError: for a list mixing files and other values.
        OSError: when a path cannot be read.
    """
    parts: MultipartFiles = []
    for name, value in fields.items():
        if value is None or isinstance(value, NotGiven):
            continue
        style, explode, _, content_type = (encoding or {}).get(name) or (None, False, False, None)
        listed = _list_items(value)
        items = [value] if listed is None else listed
        files = listed is not None and any(_is_file(v) for v in listed)
        if files and not all(_is_file(v) for v in items):
            raise TypeError(f"Multipart field `{name}` mixes files and values")
        if style is not None and not files and not _is_file(value):
            for key, text in encode_query({name: value}, {name: (style, explode)}):
                parts.append((key, (None, text.encode("utf-8"), None)))
            continue
        parts.extend((name, _part(name, item, content_type)) for item in items if item is not None)
    return parts
