"""Stage 1 (generator/load.py): YAML/JSON into plain data with JSON meaning, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import DiagnosticSink, GenerationError, Level
from generator.load import load_document, locate, parse_text


def parse(text: str) -> object:
    return parse_text(text, "spec.yaml", DiagnosticSink())


def parse_error(text: str, source: str = "spec.yaml") -> list:
    sink = DiagnosticSink()
    with pytest.raises(GenerationError):
        parse_text(text, source, sink)
    errors = [d for d in sink.items if d.level == Level.ERROR]
    assert len(errors) == 1, [d.render() for d in sink.items]
    return errors


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        ("2024-01-01", "2024-01-01"),  # YAML 1.1 would give a date
        ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),  # ... or a datetime
        ("25:00", "25:00"),  # ... or the sexagesimal int 1500
        ("1:30:00", "1:30:00"),
        ("yes", "yes"),  # ... or True
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("=", "="),  # ... or a "value" tag that PyYAML cannot construct
        ("1_000", "1_000"),  # ... or 1000
        ("0b101", "0b101"),
        ("true", True),
        ("False", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("12", 12),
        ("-3", -3),
        ("012", 12),  # decimal in YAML 1.2, octal 10 in 1.1
        ("0o17", 15),
        ("0x1F", 31),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("'2024-01-01'", "2024-01-01"),
        ('"yes"', "yes"),
    ],
)
def test_yaml_scalars_follow_yaml_1_2_core_schema(scalar: str, expected: object) -> None:
    value = parse(f"key: {scalar}\n")
    assert value == {"key": expected}
    assert type(value["key"]) is type(expected)  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "expected"), [("", None), ("# only a comment\n", None), ("42\n", 42)]
)
def test_scalar_documents_load(text: str, expected: object) -> None:
    assert parse(text) == expected


def test_special_floats() -> None:
    data = parse("a: .inf\nb: -.Inf\nc: .nan\n")
    assert data["a"] == float("inf") and data["b"] == float("-inf")  # type: ignore[index]
    assert data["c"] != data["c"]  # type: ignore[index]  # NaN


def test_non_string_mapping_keys_become_their_json_text() -> None:
    data = parse(
        "responses:\n  200: ok\n  404: missing\n  2XX: range\n  default: other\ntrue: t\nnull: n\n1.5: f\n"
    )
    assert data == {
        "responses": {"200": "ok", "404": "missing", "2XX": "range", "default": "other"},
        "true": "t",
        "null": "n",
        "1.5": "f",
    }
    assert all(type(k) is str for k in data["responses"])  # type: ignore[index]


def test_integer_response_codes_reach_the_ir_as_strings(build_ir) -> None:
    text = (
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses:\n        200: {description: ok}\n        404: {description: gone}\n"
    )
    api, sink = build_ir(text)
    assert api is not None, [d.render() for d in sink.items]
    op = api.resources[0].operations[0]
    assert [r.key for r in op.responses] == ["200"]
    assert [e.key for e in op.errors] == ["404"]


def test_json_documents_load_as_json() -> None:
    assert parse('{"openapi": "3.1.0", "x": [1, 2.5, true, null, "2024-01-01"]}') == {
        "openapi": "3.1.0",
        "x": [1, 2.5, True, None, "2024-01-01"],
    }


def test_merge_keys_and_aliases() -> None:
    data = parse("base: &b {type: string, x: 1}\nother:\n  <<: *b\n  x: 2\n")
    assert data["other"] == {"type": "string", "x": 2}  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('openapi: 3.1.0\ninfo:\n  title: T\n  version: "1" extra"\npaths: {}\n', 4),
        ("a: 1\nb: [1, 2\nc: 3\n", 3),
        ("a:\n  b: 1\n c: 2\n", 3),
        ("openapi: 3.1.0\npaths:\n\t/a: {}\n", 3),
    ],
)
def test_yaml_syntax_errors_name_the_line(text: str, line: int) -> None:
    (err,) = parse_error(text)
    assert err.line == line
    assert err.col >= 1
    assert err.message.startswith("YAML syntax error")
    assert err.render().startswith(f"ERROR spec.yaml:{line}:{err.col} #: ")


def test_broken_json_reports_a_line_too() -> None:
    (err,) = parse_error(
        '{"openapi": "3.1.0",\n "info": {"title": "x" "version": "1"},\n "paths": {}}\n'
    )
    assert err.line == 2


def test_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    (err,) = parse_error("\n".join(lines) + "\n")
    assert "alias" in err.message


def test_load_document_missing_file(tmp_path: Path) -> None:
    sink = DiagnosticSink()
    with pytest.raises(GenerationError):
        load_document(tmp_path / "nope.yaml", sink)
    (err,) = sink.items
    assert err.level == Level.ERROR and err.message == "file not found"
    assert err.source == str(tmp_path / "nope.yaml")


def test_load_document_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"openapi: 3.1.0\ninfo:\n  title: caf\xe9\n")
    sink = DiagnosticSink()
    with pytest.raises(GenerationError):
        load_document(path, sink)
    (err,) = sink.items
    assert "UTF-8" in err.message and err.line == 3


def test_load_document_accepts_a_bom_and_gives_a_file_uri(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffopenapi: 3.1.0\n".encode("utf-8"))
    doc = load_document(path, DiagnosticSink())
    assert doc.data == {"openapi": "3.1.0"}
    assert doc.uri == path.resolve().as_uri()


def test_locate_finds_the_line_of_a_pointer(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        "openapi: 3.1.0\n"
        "paths:\n"
        "  /pets/{id}:\n"
        "    get:\n"
        "      responses:\n"
        "        200:\n"
        "          description: ok\n"
        "components:\n"
        "  schemas:\n"
        "    a~b/c:\n"
        "      type: string\n",
        encoding="utf-8",
    )
    assert locate(str(path), "/paths/~1pets~1{id}/get/responses/200/description") == (7, 24)
    assert locate(str(path), "/components/schemas/a~0b~1c/type") == (11, 13)
    # a pointer that goes deeper than the document stops at the deepest node that exists (the
    # value of `get`, a mapping starting on the line below it)
    assert locate(str(path), "/paths/~1pets~1{id}/get/nothing/here") == (5, 7)


def test_locating_reuses_the_parse_and_follows_an_edited_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import load

    path = tmp_path / "doc.yaml"
    path.write_text("a:\n  b: 1\n", encoding="utf-8")
    load_document(path, DiagnosticSink())
    composed: list[str] = []
    real = load._compose
    monkeypatch.setattr(load, "_compose", lambda text: composed.append(text) or real(text))
    assert locate(str(path), "/a/b") == (2, 6)
    assert composed == []  # the node tree of the parse was used
    path.write_text("x: 0\na:\n  b: 1\n", encoding="utf-8")  # same file, new text
    assert locate(str(path), "/a/b") == (3, 6)
    assert len(composed) == 1
