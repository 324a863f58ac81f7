"""Multipart parts (``to_multipart``): files, text, JSON, arrays and the Encoding Object."""

from __future__ import annotations

import enum
import io
import json
from pathlib import Path

import pydantic
import pytest

from rtpkg._files import to_multipart
from rtpkg._types import NOT_GIVEN


class Kind(enum.Enum):
    A = "a"


class Meta(pydantic.BaseModel):
    title: str
    tags: list[str] = []


def test_text_fields_and_dropped_values() -> None:
    parts = to_multipart(
        {"name": "x", "n": 2, "ok": True, "kind": Kind.A, "skip": NOT_GIVEN, "no": None}
    )
    assert parts == [
        ("name", (None, b"x", None)),
        ("n", (None, b"2", None)),
        ("ok", (None, b"true", None)),
        ("kind", (None, b"a", None)),
    ]


def test_bytes_tuple_and_stream_become_file_parts() -> None:
    stream = io.BytesIO(b"stream")
    files = to_multipart(
        {
            "raw": b"\x00\x01",
            "named": ("a.csv", b"x,y", "text/csv"),
            "pair": ("b.bin", b"zz"),
            "stream": stream,
        }
    )
    assert files == [
        ("raw", ("raw", b"\x00\x01", None)),
        ("named", ("a.csv", b"x,y", "text/csv")),
        ("pair", ("b.bin", b"zz", None)),
        ("stream", ("stream", stream, None)),
    ]


def test_path_is_read_with_its_file_name(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"hello")
    files = to_multipart({"file": path, "renamed": ("other.txt", path)})
    assert files == [
        ("file", ("report.txt", b"hello", None)),
        ("renamed", ("other.txt", b"hello", None)),
    ]


def test_named_file_object_uses_its_base_name(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"abc")
    with path.open("rb") as handle:
        files = to_multipart({"f": handle})
        assert files[0][1][0] == "data.bin"


def test_list_of_files_repeats_the_part() -> None:
    files = to_multipart({"files": [b"1", ("two.txt", b"2")]})
    assert [(name, part[0], part[1]) for name, part in files] == [
        ("files", "files", b"1"),
        ("files", "two.txt", b"2"),
    ]


def test_objects_become_json_parts_and_arrays_a_part_per_item() -> None:
    """An object is an ``application/json`` part; an array is a part per item, each with its
    item's content type (OAS 3.1.0 4.8.15 ``contentType``: "for array, the default is defined
    based on the inner type"): text for scalars, JSON for objects and nested arrays."""
    files = to_multipart(
        {"meta": Meta(title="t"), "opts": {"a": 1}, "ids": [1, 2], "rows": [{"a": 1}, [2]]}
    )
    assert [name for name, _ in files] == ["meta", "opts", "ids", "ids", "rows", "rows"]
    meta, opts, id1, id2, row1, row2 = (part for _, part in files)
    assert json.loads(meta[1]) == {"title": "t"}  # only the set fields
    assert meta[0] is None and meta[2] == "application/json"
    assert json.loads(opts[1]) == {"a": 1}
    assert (id1, id2) == ((None, b"1", None), (None, b"2", None))
    assert row1 == (None, b'{"a":1}', "application/json")
    assert row2 == (None, b"[2]", "application/json")


def test_encoding_content_type_and_style() -> None:
    """An Encoding Object's ``contentType`` is the part's Content-Type (a JSON one sends JSON
    text, a list of them its first concrete type); a ``style`` serializes the value like a query
    parameter, one text part per pair, not percent-encoded."""
    encoding = {
        "doc": (None, False, False, "application/xml"),
        "id": (None, False, False, "application/json"),
        "pic": (None, False, False, "image/*, image/png"),
        "tags": ("pipeDelimited", False, False, None),
        "point": ("form", True, False, None),
        "deep": ("deepObject", True, False, None),
    }
    files = to_multipart(
        {
            "doc": "<a b='c'/>",
            "id": "x",
            "pic": b"PNG",
            "tags": ["a b", "c"],
            "point": {"x": 1, "y": "a&b"},
            "deep": {"k": ["1", "2"]},
        },
        encoding,
    )
    assert files == [
        ("doc", (None, b"<a b='c'/>", "application/xml")),
        ("id", (None, b'"x"', "application/json")),
        ("pic", ("pic", b"PNG", "image/png")),
        ("tags", (None, b"a b|c", None)),
        ("x", (None, b"1", None)),
        ("y", (None, b"a&b", None)),
        ("deep[k]", (None, b"1", None)),
        ("deep[k]", (None, b"2", None)),
    ]


def test_mixed_file_list_is_refused() -> None:
    with pytest.raises(TypeError, match="mixes files"):
        to_multipart({"f": [b"x", 3]})
