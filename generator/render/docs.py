"""IR -> the context of the generated ``REFERENCE.md``: every resource and operation as the client
groups them (the call, each parameter's Python and wire names, location, type, required or
default and description, the body, the return, the declared errors, an anchor, one example), then
every model with its fields and every enum with its values. Every decision is made here; the
template lays the rows out.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Any

from ..ir.model import AliasDef, Api, EnumDef, ModelDef, Operation, Resource
from .errors import STATUS_CLASSES
from .examples import ExampleBuilder, display_hint, format_examples

__all__ = ["ERROR_CLASSES", "error_class", "md_cell", "md_text", "reference_context"]

#: The runtime's error class of each status (``_exceptions._STATUS_ERRORS``; ``errors.STATUS_CLASSES``).
ERROR_CLASSES = {status: name for name, status, _ in STATUS_CLASSES if isinstance(status, int)}


@lru_cache(maxsize=1024)
def error_class(key: str) -> str:
    """The exception a call raises for a response ``key`` (a Python literal: ``404``,
    ``"4XX"``, ``"default"``)."""
    try:
        status = ast.literal_eval(key)
    except (ValueError, SyntaxError):
        return "APIStatusError"
    if isinstance(status, int):
        return ERROR_CLASSES.get(status, "InternalServerError" if status >= 500 else "APIStatusError")
    return "InternalServerError" if str(status).upper() == "5XX" else "APIStatusError"


def md_text(text: str) -> str:
    """Spec prose as a Markdown paragraph: trailing spaces and HTML comments' ``-->`` defused."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines()).replace("-->", "- ->")


def md_cell(text: str) -> str:
    """Text for one Markdown table cell: one line, ``|`` escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str, cell: bool = False) -> str:
    """Inline code of ``text`` (fenced with more backticks than it holds); ``cell``: inside a
    table row, where ``|`` is escaped."""
    ticks = "`" * (max((len(r) for r in text.split("`")[1::2]), default=0) + 1 if "`" in text else 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    body = md_cell(text) if cell else " ".join(text.split())
    return f"{ticks}{pad}{body}{pad}{ticks}"


def _type_link(hint: str, models: set[str]) -> str:
    """A type as inline code, linked to its model's entry when it is one class of the API."""
    return f"[{_code(hint)}](#model-{hint.lower()})" if hint in models else _code(hint)


def _returns(op: Operation, models: set[str]) -> str:
    if op.pagination:
        item = op.page_item_hint or "Any"
        return (
            f"{_code(f'SyncPage[{op.return_hint}, {item}]')} ({_code('AsyncPage')} when awaited): one page "
            f"of {_type_link(item, models)} items; iterate it for the page's items, "
            "`.iter_all()` for every item of every page, `.next_page()` for the next page"
        )
    if op.return_hint == "None":
        return "`None`"
    return _type_link(display_hint(op.return_hint), models)


def _operation(res: Resource, op: Operation, ex: ExampleBuilder, models: set[str]) -> dict[str, Any]:
    params = []
    for p in op.params:
        if p.required:
            need = "required" + (f", default `{md_cell(p.default)}`" if p.default is not None else "")
        else:
            need = "optional"
        params.append(
            {
                "py": _code(p.py_name, cell=True),
                "wire": _code(p.json_name, cell=True),
                "where": p.location,
                "type": _code(display_hint(p.hint), cell=True),
                "need": need,
                "doc": md_cell(p.doc) or "",
            }
        )
    bodies = [
        {
            "type": _type_link(display_hint(b.hint), models),
            "media": ", ".join(_code(mt) for mt in (b.media_types or [b.content_type])),
            "need": "required" if b.required else "optional",
            "doc": md_cell(b.doc),
        }
        for b in op.bodies
    ]
    errors = [
        {"status": _code(e.key.strip('"')), "cls": _code(error_class(e.key)), "type": _type_link(e.hint, models)}
        for e in op.errors
    ]
    doc = op.doc if op.doc and op.doc != op.summary else ""
    return {
        "anchor": f"{res.attr}-{op.py_name}".lower(),
        "title": f"client.{res.attr}.{op.py_name}",
        "summary": md_cell(op.summary or op.operation_id),
        "doc": md_text(doc),
        "http": f"{op.method.upper()} {op.path}",
        "deprecated": op.deprecated,
        "params": params,
        "body_arg": _code(op.body_arg),
        "bodies": bodies,
        "content_type_arg": _code(op.content_type_arg) if op.content_type_arg else "",
        "returns": _returns(op, models),
        "errors": errors,
        "call_args": ex.call_args(op),
        "example": "",
    }


def _model(d: ModelDef) -> dict[str, Any]:
    return {
        "kind": "model",
        "name": d.name,
        "anchor": f"model-{d.name.lower()}",
        "doc": md_text(d.doc),
        "fields": [
            {
                "py": _code(f.py_name, cell=True),
                "wire": _code(f.json_name, cell=True),
                "type": _code(display_hint(f.hint), cell=True),
                "need": "required" if f.required else "optional" + (f", default `{md_cell(f.default)}`" if f.default not in (None, "None") else ""),
                "doc": md_cell(f.doc) + (" Deprecated." if f.deprecated else "") + (" Read-only." if f.read_only else ""),
            }
            for f in d.fields
        ],
    }


def reference_context(api: Api) -> dict[str, Any]:
    """What ``REFERENCE.md.jinja`` lays out for ``api``."""
    models = {d.name for d in api.definitions if isinstance(d, (ModelDef, EnumDef))}
    ex = ExampleBuilder(api)
    resources = []
    for res in api.resources:
        ops = [_operation(res, op, ex, models) for op in res.operations]
        resources.append(
            {
                "attr": res.attr,
                "anchor": f"resource-{res.attr}".lower(),
                "doc": md_text(res.doc or f"Operations tagged `{res.tag or res.attr}`."),
                "ops": ops,
            }
        )
    # the examples: one call per operation, laid out by black in one pass
    from .plan import call_text

    flat = [op for r in resources for op in r["ops"]]
    texts = format_examples([call_text(op["title"], op["call_args"], target="result = ") for op in flat])
    for op, text in zip(flat, texts):
        op["example"] = text
    definitions: list[dict[str, Any]] = []
    for d in api.definitions:
        if isinstance(d, ModelDef):
            definitions.append(_model(d))
        elif isinstance(d, EnumDef):
            definitions.append(
                {
                    "kind": "enum",
                    "name": d.name,
                    "anchor": f"model-{d.name.lower()}",
                    "doc": md_text(d.doc),
                    "members": [{"name": _code(m.name), "value": _code(m.value)} for m in d.members],
                }
            )
        elif isinstance(d, AliasDef):
            definitions.append({"kind": "alias", "name": d.name, "anchor": f"model-{d.name.lower()}", "doc": md_text(d.doc), "hint": _code(display_hint(d.hint))})
    stdlib = "".join(f"import {m}\n" for m in sorted(ex.imports - {"models"}))
    setup = (stdlib + "\n" if stdlib else "") + f"from {api.package} import Client, models\n\nclient = Client()"
    return {
        "resources": resources,
        "definitions": definitions,
        "setup": format_examples([setup])[0],
    }
