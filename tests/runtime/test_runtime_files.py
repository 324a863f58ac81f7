"""Multipart field splitting (``to_multipart``)."""

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
    data, files = to_multipart(
        {"name": "x", "n": 2, "ok": True, "kind": Kind.A, "skip": NOT_GIVEN, "no": None}
    )
    assert data == {"name": "x", "n": "2", "ok": "true", "kind": "a"}
    assert files == []


def test_bytes_tuple_and_stream_become_file_parts() -> None:
    stream = io.BytesIO(b"stream")
    data, files = to_multipart(
        {
            "raw": b"\x00\x01",
            "named": ("a.csv", b"x,y", "text/csv"),
            "pair": ("b.bin", b"zz"),
            "stream": stream,
        }
    )
    assert data == {}
    assert files == [
        ("raw", ("raw", b"\x00\x01", None)),
        ("named", ("a.csv", b"x,y", "text/csv")),
        ("pair", ("b.bin", b"zz", None)),
        ("stream", ("stream", stream, None)),
    ]


def test_path_is_read_with_its_file_name(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"hello")
    _, files = to_multipart({"file": path, "renamed": ("other.txt", path)})
    assert files == [
        ("file", ("report.txt", b"hello", None)),
        ("renamed", ("other.txt", b"hello", None)),
    ]


def test_named_file_object_uses_its_base_name(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"abc")
    with path.open("rb") as handle:
        _, files = to_multipart({"f": handle})
        assert files[0][1][0] == "data.bin"


def test_list_of_files_repeats_the_part() -> None:
    _, files = to_multipart({"files": [b"1", ("two.txt", b"2")]})
    assert [(name, part[0], part[1]) for name, part in files] == [
        ("files", "files", b"1"),
        ("files", "two.txt", b"2"),
    ]


def test_objects_and_lists_become_json_parts() -> None:
    data, files = to_multipart({"meta": Meta(title="t"), "opts": {"a": 1}, "ids": [1, 2]})
    assert data == {}
    parts = {name: part for name, part in files}
    assert json.loads(parts["meta"][1]) == {"title": "t"}  # only the set fields
    assert parts["meta"][0] is None and parts["meta"][2] == "application/json"
    assert json.loads(parts["opts"][1]) == {"a": 1}
    assert json.loads(parts["ids"][1]) == [1, 2]


def test_mixed_file_list_is_refused() -> None:
    with pytest.raises(TypeError, match="mixes files"):
        to_multipart({"f": [b"x", 3]})
