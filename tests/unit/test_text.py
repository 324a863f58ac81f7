"""Spec text in generated source (generator/render/text.py): nothing can break out of a literal."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
from pathlib import Path

import pytest

from generator.render.text import comment, docstring_body, py_str

HOSTILE = [
    "plain text",
    'He said """hi""" and left',
    '"""; import os; os.system("echo pwned"); """',
    "back\\slash \\n \\x00 \\u1234 \\N{BULLET}",
    'ends with a quote"',
    "ends with a backslash\\",
    '"""""""',
    "'''single''' quotes'",
    "nul\x00 bell\x07 esc\x1b del\x7f c1\x85\x9b",
    "line\u2028separator\u2029paragraph",
    "bidi \u202eevil\u202c isolate \u2066x\u2069",
    "bom\ufeff zero\u200bwidth",
    "crlf\r\nline\rmac",
    "tab\there",
    "trailing   \nspaces  ",
    "\n\nleading blank lines",
    "emoji 😀 é ü 中文",
    "lone surrogate \ud800",
    "{braces} %s {{jinja}} {% raw %}",
]

#: Characters that must never appear raw in generated source.
DANGEROUS = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def prose(text: str) -> str:
    """What a docstring may turn ``text`` into: line ends unified, tabs expanded, blanks trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_docstring_body_cannot_escape_and_keeps_the_text(text: str) -> None:
    body = docstring_body(text)
    assert not DANGEROUS.search(body), repr(body)
    source = f'def f():\n    """{body}"""\n    return 1\n'
    tree = ast.parse(source)
    (func,) = tree.body
    assert isinstance(func, ast.FunctionDef) and len(func.body) == 2
    doc = ast.get_docstring(func, clean=False)
    assert doc is not None
    assert doc.rstrip() == prose(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_py_str_round_trips_exactly(text: str) -> None:
    literal = py_str(text)
    assert not DANGEROUS.search(literal), repr(literal)
    tree = ast.parse(literal, mode="eval")
    assert isinstance(tree.body, ast.Constant)
    assert tree.body.value == text


@pytest.mark.parametrize("text", HOSTILE)
def test_comment_is_one_safe_line(text: str) -> None:
    line = comment(text)
    assert "\n" not in line and "\r" not in line
    assert not DANGEROUS.search(line), repr(line)
    assert ast.parse(f"x = 1  # {line}\n").body[0].lineno == 1


def test_hostile_spec_text_in_a_generated_package(generate_package, tmp_path: Path) -> None:
    evil = 'Evil """ desc \\ with\x00nul and \u202ebidi\r\nnext line ends with "'
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "Evil API", "version": "1", "description": evil},
        "tags": [{"name": "things", "description": evil}],
        "paths": {
            "/things/{thing_id}": {
                "get": {
                    "operationId": "getThing",
                    "tags": ["things"],
                    "summary": evil,
                    "description": evil,
                    "parameters": [
                        {
                            "name": "thing_id",
                            "in": "path",
                            "required": True,
                            "description": evil,
                            "schema": {"type": "string"},
                        },
                        {"name": 'q"uote', "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {
                            "description": evil,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "description": evil,
                    "properties": {
                        'we"ird\\key': {"type": "string", "description": evil},
                        "mode": {
                            "type": "string",
                            "enum": ['a"b', "c\\d", "e'f", "\u202e"],
                            "description": evil,
                        },
                    },
                }
            }
        },
    }
    pkg = generate_package(spec)
    models = sys.modules[f"{pkg.__name__}.models"]
    assert prose(evil) in inspect.cleandoc(models.Thing.__doc__ or "")
    thing = models.Thing.model_validate({'we"ird\\key': "v", "mode": "c\\d"})
    assert thing.model_dump(by_alias=True, exclude_none=True) == {
        'we"ird\\key': "v",
        "mode": "c\\d",
    }
    assert {m.value for m in models.ThingMode} == {'a"b', "c\\d", "e'f", "\u202e"}
    resource = importlib.import_module(f"{pkg.__name__}.resources.things")
    assert prose(evil) in inspect.cleandoc(resource.ThingsResource.get_thing.__doc__ or "")
    for path in Path(pkg.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not DANGEROUS.search(text), f"{path.name} holds a raw control/bidi character"
        ast.parse(text)


def test_spec_text_cannot_make_a_piece_break() -> None:
    """The formatter cuts files at lines holding only PIECE_BREAK: no spec text may produce one."""
    from generator.emit.format import PIECE_BREAK

    text = "before\n" + PIECE_BREAK + "after \x1f"
    for rendered in (docstring_body(text), py_str(text), comment(text)):
        assert PIECE_BREAK[0] not in rendered, rendered
