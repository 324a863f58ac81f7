"""The plan of the generated ``params.py``: one ``TypedDict`` per model a request body can hold,
so that a body given as a plain dict is checked by type-checkers like the model it stands for.

Each ``TypedDict`` bears its model's name and has its JSON names as keys (required properties
``Required``); a property whose type is another such model takes that model or its dict
(``_models.Tag | Tag``); other generated types are the models' own (``_models.Color``). The
value types are strings (the functional ``TypedDict`` form: JSON names need not be
identifiers, and a class may refer to one defined after it), and ``Annotated`` metadata is left
out (it only tells pydantic how to validate). At run time the runtime's ``as_body`` validates a
dict into the model before anything is sent.
"""

from __future__ import annotations

from typing import Any

from ..ir.model import Api, ModelDef
from .order import all_order
from .text import docstring_body, py_str

#: The body kinds whose model a dict may stand for.
DICT_KINDS = frozenset({"json", "form", "multipart"})


def body_models(api: Api) -> list[str]:
    """The models a request body can hold, directly or in a property at any depth, in
    definition order: those that get a ``TypedDict``."""
    models = {d.name: d for d in api.definitions if isinstance(d, ModelDef)}
    todo = [
        b.hint for res in api.resources for op in res.operations for b in op.bodies if b.kind in DICT_KINDS and b.hint in models
    ]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        d = models.get(name)
        if d is not None:
            # a property typed by an alias (a union of models) takes the models only: their
            # dicts are still validated at run time, but not typed
            todo += [dep for dep in d.deps if dep in models]
    return [name for name in models if name in seen]


def _split(text: str, sep: str) -> list[str]:
    """``text`` split at each top-level ``sep`` (outside brackets and string literals)."""
    parts, depth, start, quote, i = [], 0, 0, "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
            i = start
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def param_hint(hint: str, typed: set[str], generated: set[str], n: dict[str, str]) -> str:
    """A model field's type hint as a ``TypedDict`` value type: each model of ``typed`` as
    ``_models.X | X``, every other ``generated`` name as ``_models.X``, ``Annotated[T, ...]`` as
    ``T``; ``n``: how the module writes the names it imports (``Annotated``, ``Literal``)."""
    out: list[str] = []
    for part in _split(hint, " | "):
        head, bracket, rest = part.partition("[")
        if bracket and rest.endswith("]") and head.replace(".", "").replace("_", "").isalnum():
            args = _split(rest[:-1], ",")
            if head == n["Annotated"]:
                out.append(param_hint(args[0], typed, generated, n))
            elif head == n["Literal"]:
                out.append(part)
            else:
                inner = ", ".join(param_hint(a, typed, generated, n) for a in args)
                out.append(f"{head}[{inner}]")
        elif part in typed:
            out.append(f"_models.{part} | {part}")
        elif part in generated:
            out.append(f"_models.{part}")
        else:
            out.append(part)
    return " | ".join(dict.fromkeys(out))


def params_context(api: Api, banner: str, n: dict[str, str]) -> dict[str, Any]:
    """The context of ``params.py.jinja``: each ``TypedDict`` (``name``, its ``fields`` as
    ``(JSON name literal, value type literal)``, ``doc``), the names its value types use, and
    ``__all__``."""
    typed = body_models(api)
    typed_set = set(typed)
    generated = {d.name for d in api.definitions}
    defs = {d.name: d for d in api.definitions if isinstance(d, ModelDef)}
    dicts = []
    code: list[str] = []
    for name in typed:
        d = defs[name]
        fields = []
        for f in d.fields:
            value = param_hint(f.hint, typed_set, generated, n)
            value = f"{n['Required']}[{value}]" if f.required else value
            code.append(value)
            fields.append((py_str(f.json_name), py_str(value)))
        dicts.append(
            {
                "name": name,
                "fields": fields,
                "doc": docstring_body(
                    f"A request body's `{name}` as a dict: JSON names as keys (the model also "
                    f"takes its Python names), validated into `models.{name}` before it is sent."
                ),
            }
        )
    return {
        "banner": banner,
        "dicts": dicts,
        "code": code,
        "all": all_order(typed),
    }
