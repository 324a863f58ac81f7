"""Building ``multipart/form-data`` bodies from a mapping of fields."""

from __future__ import annotations

import io
import os
import pathlib
from typing import IO, Mapping, Union

import pydantic

from ._qs import to_param_str
from ._serialization import dump_json
from ._types import NotGiven

__all__ = ["MultipartData", "MultipartFiles", "is_file_content", "to_multipart"]

MultipartData = dict[str, Union[str, list[str]]]
"""Text fields for httpx's ``data=``: name -> value, or a list for repeated fields."""

MultipartFiles = list[
    tuple[str, tuple[Union[str, None], Union[bytes, IO[bytes]], Union[str, None]]]
]
"""File parts for httpx's ``files=``: ``(field, (filename, content, content_type))``."""


def is_file_content(value: object) -> bool:
    """Tell whether ``value`` is file content: bytes, a binary file object or a path."""
    return isinstance(value, (bytes, bytearray, io.IOBase, os.PathLike)) or (
        hasattr(value, "read") and not isinstance(value, (str, pydantic.BaseModel))
    )


def _is_file(value: object) -> bool:
    if isinstance(value, tuple) and len(value) in (2, 3):
        return (value[0] is None or isinstance(value[0], str)) and is_file_content(value[1])
    return is_file_content(value)


def _file_part(field: str, value: object) -> tuple[str | None, bytes | IO[bytes], str | None]:
    filename: str | None
    content_type: str | None = None
    if isinstance(value, tuple):
        filename, content = value[0], value[1]
        if len(value) == 3:
            content_type = value[2]
    else:
        filename, content = None, value
    if isinstance(content, os.PathLike):
        path = pathlib.Path(os.fspath(content))
        if filename is None:
            filename = path.name
        return filename, path.read_bytes(), content_type
    if isinstance(content, (bytes, bytearray)):
        return (filename or field), bytes(content), content_type
    if filename is None:
        name = getattr(content, "name", None)
        filename = os.path.basename(name) if isinstance(name, str) else field
    return filename, content, content_type


def to_multipart(fields: Mapping[str, object]) -> tuple[MultipartData, MultipartFiles]:
    """Split multipart ``fields`` into httpx ``data`` and ``files`` arguments.

    * File values (``bytes``, a binary file object, an ``os.PathLike``, or a
      ``(filename, content[, content_type])`` tuple) become file parts. A path is
      read into memory and its file name used; bytes without a name use the field
      name as file name. The content type defaults to one guessed from the file name.
    * A list of files becomes repeated file parts with the same field name.
    * ``str``, numbers, booleans, enums and dates become text fields.
    * Dicts, lists and pydantic models become JSON parts
      (``Content-Type: application/json``, no file name).
    * ``NOT_GIVEN`` and ``None`` values are dropped.

    Returns:
        ``(data, files)`` to pass as ``httpx`` ``data=`` and ``files=``.

    Raises:
        TypeError: for a list mixing files and other values.
        OSError: when a path cannot be read.
    """
    data: MultipartData = {}
    files: MultipartFiles = []
    for name, value in fields.items():
        if value is None or isinstance(value, NotGiven):
            continue
        if _is_file(value):
            files.append((name, _file_part(name, value)))
        elif isinstance(value, list) and value and any(_is_file(v) for v in value):
            if not all(_is_file(v) for v in value):
                raise TypeError(f"Multipart field `{name}` mixes files and values")
            files.extend((name, _file_part(name, v)) for v in value)
        elif isinstance(value, (dict, list, tuple, pydantic.BaseModel)):
            files.append((name, (None, dump_json(value), "application/json")))
        else:
            data[name] = to_param_str(value)
    return data, files
