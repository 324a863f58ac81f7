"""Formatting only the statements black would change gives black's output for the whole piece.

``format_piece`` lays out long statements, long signature parameters, long class headers and
docstrings itself (:mod:`generator.emit.layout`) and hands black only what those rules do not
cover; these tests hold its output against black's on real generated code (the three committed
Versori documents, GitHub's REST API when ``../shared`` is present), on random statements of the
shapes the templates write, and on shapes it must give to black.
"""

from __future__ import annotations

import keyword
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.diagnostics import DiagnosticSink
from generator.emit.format import LINE_LENGTH, format_piece, format_python, split_pieces
from generator.emit.layout import fix_docstring, lay_class_header, lay_parameter, lay_statement
from generator.emit.statements import plan
from generator.pipeline import Options, build
from generator.render.env import render
from generator.render.plan import plan as plan_files
from generator.render.text import py_str

REPO = Path(__file__).resolve().parents[2]
GITHUB = REPO.parent / "shared" / "specs" / "corpus" / "github-rest" / "api.github.com.2026-03-10.json"


def _rendered(spec: Path) -> dict[str, str]:
    api = build(Options(spec=spec, validate=False), DiagnosticSink(), {})
    return {
        fp.path: render(fp.template, fp.context)
        for fp in plan_files(api, spec.name)
        if fp.template and fp.path.endswith(".py")
    }


def _fixpoint(text: str, path: str = "t.py") -> str:
    """black's output for ``text`` once black leaves it unchanged (one pass, or a second one
    where the first is not a fixpoint)."""
    once = format_python(text, path)
    return format_python(once, path)


def _check_pieces(rendered: dict[str, str]) -> tuple[int, int]:
    """Assert that every piece formats to black's text; return (pieces, pieces black saw whole)."""
    pieces = whole = 0
    for path, source in sorted(rendered.items()):
        for text, _ in split_pieces(source):
            pieces += 1
            if plan(text.split("\n"), LINE_LENGTH) is None:
                whole += 1
            assert format_piece(text, path) == _fixpoint(text, path), path
    return pieces, whole


@pytest.mark.parametrize("spec", ["connect-api-v1.yaml", "embedded-api-v1.yaml", "organisations-api-v1.yaml"])
def test_generated_pieces_format_as_black_formats_them(spec: str) -> None:
    pieces, whole = _check_pieces(_rendered(REPO / "specs" / spec))
    assert pieces > 10
    assert whole == 0  # every piece of our own documents takes the statement path


@pytest.mark.skipif(not GITHUB.exists(), reason="needs ../shared (GitHub's REST document)")
def test_github_rest_pieces_format_as_black_formats_them() -> None:
    """1,194 operations and 4,977 models: every call, Endpoint, union parameter and docstring
    shape the templates write, at every length GitHub's names reach."""
    pieces, whole = _check_pieces(_rendered(GITHUB))
    assert pieces > 150
    assert whole <= pieces // 20


def _black(text: str) -> str:
    return format_python(text, "t.py")


NAMES = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=40).map(lambda s: "n" + s).filter(lambda s: not keyword.iskeyword(s))
#: String literals as the generator writes them (black's preferred quotes).
STRINGS = st.text("abcdefghij {}/-_'\"\\", max_size=50).map(py_str)


@st.composite
def _values(draw: st.DrawFn, depth: int = 0) -> str:
    kinds = ["name", "string", "number"] + (["call", "dict", "list", "tuple"] if depth < 3 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "name":
        return draw(NAMES)
    if kind == "string":
        return draw(STRINGS)
    if kind == "number":
        return str(draw(st.integers(0, 999)))
    items = draw(st.lists(_values(depth + 1), min_size=1, max_size=5))
    if kind == "call":
        kws = draw(st.lists(NAMES, min_size=len(items), max_size=len(items)))
        args = [f"{k}={v}" if draw(st.booleans()) else v for k, v in zip(kws, items)]
        return f"{draw(NAMES)}({', '.join(args)})"
    if kind == "dict":
        keys = draw(st.lists(STRINGS, min_size=len(items), max_size=len(items)))
        return "{" + ", ".join(f"{k}: {v}" for k, v in zip(keys, items)) + "}"
    if kind == "tuple":
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    return "[" + ", ".join(items) + "]"


@st.composite
def _statements(draw: st.DrawFn) -> tuple[int, str]:
    depth = draw(st.integers(0, 3))
    call = f"{draw(NAMES)}.{draw(NAMES)}({', '.join(draw(st.lists(_values(), min_size=1, max_size=6)))})"
    head = draw(
        st.sampled_from(["return ", "return await ", "", "self.x = ", "CONST: Endpoint[list[Model]] = ", "x = "])
    )
    if head.startswith("CONST"):
        depth = 0
    return depth, head + call


@settings(max_examples=300, deadline=None)
@given(_statements())
def test_laid_out_statements_are_blacks(case: tuple[int, str]) -> None:
    depth, statement = case
    indent = "    " * depth
    laid = lay_statement(indent + statement, LINE_LENGTH)
    if laid is None:
        return  # a shape the rules leave to black
    wrapper = "".join("    " * level + "if x:\n" for level in range(depth))
    expected = _black(wrapper + indent + statement + "\n")
    assert wrapper + "\n".join(laid) + "\n" == expected


def test_the_rules_cover_the_common_shapes() -> None:
    """Not a vacuous property: the shapes the templates write are laid out, not left to black."""
    long = "a_rather_long_operation_name_for_the_test_of_layout"
    assert lay_statement(f"        return self._client.call(_{long.upper()}, path_params={{'a': a}}, options=options)", 100)
    assert lay_statement(f'_X: Endpoint[{long}] = Endpoint("GET", "/p", responses={{200: ResponseSpec({long}, "json")}})', 100)
    assert lay_statement(f"        self.{long} = raw_method(resource.{long})", 100)
    assert lay_statement(f"from ..models import {long}, {long}2, {long}3", 100)


@pytest.mark.parametrize(
    "line",
    [
        "        return self._client.call(aaaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, cccccccccccccccccccc,)",
        "        x = f(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa) + g(bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb)",
        "        x = f(aaaaaaaaaaaaaaaaaaaaa)  # cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
        "        x[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa] = bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        "        yield ffffffffffffffffffff(aaaaaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb)",
    ],
)
def test_shapes_outside_the_rules_go_to_black(line: str) -> None:
    """A magic trailing comma, an operator between calls, a comment, a subscript target, a
    ``yield``: lay_statement declines, and format_piece still gives black's text."""
    assert lay_statement(line, LINE_LENGTH) is None
    source = f"class A:\n    def f(self):\n{line}\n"
    assert format_piece(source, "t.py") == _black(source)


def test_docstrings_are_normalized_as_black_does() -> None:
    cases = [
        ['    """First line.', "", "       indented more", "      less", '    """'],
        ['    """First   ', "    " + "x" * 95 + '"""'],
        ['    """Only the first line.', "   ", '    """'],
        ['"""Module docstring.', "", "Text." + '"""'],
    ]
    for lines in cases:
        wrapper = "" if not lines[0].startswith(" ") else "class A:\n"
        source = wrapper + "\n".join(lines) + "\n"
        laid = fix_docstring(lines, LINE_LENGTH)
        assert laid is not None
        assert wrapper + "\n".join(laid) + "\n" == _black(source)
    assert fix_docstring(['    """Starts with a quote', '    x"""'], LINE_LENGTH) is not None
    assert fix_docstring(['    """"Quoted" first', '    x"""'], LINE_LENGTH) is None  # black pads it


def test_a_docstring_ending_in_a_quote_is_given_in_blacks_fixpoint() -> None:
    """black's one pass pads the final quote with a space and then moves the closing quotes
    past it, leaving a trailing space that its next pass removes: the layout writes the
    fixpoint, so the generated file passes ``black --check``."""
    lines = ['    """First.', "", '    see "' + "x" * 90 + '." """']  # as docstring_body ends it
    source = "class A:\n" + "\n".join(lines) + "\n"
    once = _black(source)
    assert once != _black(once)  # black's one pass alone is not a fixpoint here
    laid = fix_docstring(lines, LINE_LENGTH)
    assert laid is not None
    assert "class A:\n" + "\n".join(laid) + "\n" == _fixpoint(source)
    assert format_piece(source, "t.py") == _fixpoint(source)


def test_parameters_and_class_headers_are_laid_out_as_black_does() -> None:
    members = ["AVeryLongModelNameForTheRequestBodyOfThisOperation", "_params.AVeryLongModelNameForTheRequestBody"]
    for hint, default in [(" | ".join(members), ""), (" | ".join(members * 2), " = NOT_GIVEN")]:
        line = f"        body: {hint}{default},"
        laid = lay_parameter(line, LINE_LENGTH)
        assert laid is not None
        source = f"class A:\n    def f(\n        self,\n{line}\n    ) -> None:\n        pass\n"
        expected = f"class A:\n    def f(\n        self,\n" + "\n".join(laid) + "\n    ) -> None:\n        pass\n"
        assert _black(source) == expected
    header = "class " + "A" * 90 + "(OpenStrEnum):"
    laid = lay_class_header(header, LINE_LENGTH)
    assert laid is not None
    assert _black(header + "\n    X = 1\n") == "\n".join(laid) + "\n    X = 1\n"


def test_a_piece_with_a_long_line_inside_a_bracket_goes_to_black_whole() -> None:
    source = "x = [\n    " + " + ".join(["aaaaaaaaaaaaaaaa"] * 8) + ",\n]\n"
    assert plan(source.split("\n"), LINE_LENGTH) is None
    assert format_piece(source, "t.py") == _black(source)
