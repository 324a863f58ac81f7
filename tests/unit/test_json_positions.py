"""generator/json_positions.py: pointer lookups in JSON text agree with composing it as YAML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import load
from generator.json_positions import JsonPositions

KEYS = st.text(alphabet="ab/~ é\"\\", min_size=0, max_size=4)
LEAVES = st.none() | st.booleans() | st.integers(-5, 5) | st.text(alphabet="x\"\\\n é", max_size=4)
DOCS = st.recursive(
    LEAVES,
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(KEYS, kids, max_size=3),
    max_leaves=12,
)


def _paths(node: Any, prefix: list[str]) -> list[list[str]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + [k])
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + [str(i)])
    return out


def _yaml_line_col(path: Path, tokens: list[str]) -> tuple[int, int]:
    pointer = "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens)
    load._json_positions.cache_clear()
    load._compose.cache_clear()
    saved = load._json_positions
    load._json_positions = lambda text: None  # type: ignore[assignment]
    try:
        return load.locate(str(path), pointer)
    finally:
        load._json_positions = saved  # type: ignore[assignment]


@settings(max_examples=60, deadline=None)
@given(doc=st.dictionaries(KEYS, DOCS, min_size=1, max_size=4), indent=st.sampled_from([None, 2]))
def test_every_node_is_found_where_the_yaml_composer_finds_it(
    doc: dict[str, Any], indent: int | None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("json") / "doc.json"
    path.write_text(json.dumps(doc, indent=indent, ensure_ascii=False), encoding="utf-8")
    positions = JsonPositions(path.read_text(encoding="utf-8"))
    for tokens in _paths(doc, [])[:25]:
        assert positions.line_col(tokens) == _yaml_line_col(path, tokens), tokens


@settings(max_examples=60, deadline=None)
@given(
    doc=st.dictionaries(KEYS, DOCS, min_size=1, max_size=4),
    indent=st.sampled_from([None, 1]),
    data=st.data(),
)
def test_lookups_in_any_order_agree_with_a_fresh_walk(
    doc: dict[str, Any], indent: int | None, data: st.DataObject
) -> None:
    """Scans resume where an earlier lookup stopped (and finish a half-scanned container when a
    later lookup skips over it); newline counts come in blocks: neither may change an answer."""
    import generator.json_positions as jp

    text = json.dumps(doc, indent=indent, ensure_ascii=False)
    paths = _paths(doc, []) + [["nope"], [next(iter(doc)), "missing", "x"]]
    order = data.draw(st.permutations(paths))
    shared = JsonPositions(text)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jp, "LINE_BLOCK", 5)
        for tokens in order:
            pos = JsonPositions(text).offset(tokens)
            line = text.count("\n", 0, pos) + 1
            assert shared.line_col(tokens) == (line, pos - (text.rfind("\n", 0, pos) + 1) + 1), tokens


def test_a_missing_member_stops_at_the_deepest_existing_node() -> None:
    text = '{\n  "a": {\n    "b": [10, {"c": 1}]\n  }\n}\n'
    p = JsonPositions(text)
    assert p.line_col(["a", "b", "1", "c"]) == (3, 21)
    assert p.line_col(["a", "b", "7"]) == (3, 10)  # no item 7: the array
    assert p.line_col(["a", "nope", "x"]) == (2, 8)  # no member: the object
    assert p.line_col(["a", "b", "0", "deeper"]) == (3, 11)  # a scalar has no members


def test_locate_uses_it_for_json_files(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text('{"openapi": "3.1.0",\n "paths": {"/x~y": {"get": 1}}}')
    assert load.locate(str(path), "/paths/~1x~0y/get") == (2, 28)
    with pytest.raises(ValueError):
        JsonPositions('{"a" 1}').line_col(["a"])
