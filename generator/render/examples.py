"""Example values of the API's types as Python source, for the generated docs (REFERENCE.md, the
README): a parameter's or field's value comes from the spec's example where it has one, else from
its type and what the schema says of it (``format``, bounds: ``Field.facts``); a model is built
from its required fields. Examples are laid out by black as the formatters lay out Markdown code.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache
from typing import Any

from ..ir.model import AliasDef, Api, EnumDef, ModelDef, Operation
from .text import py_literal, py_str

__all__ = ["EXAMPLE_CACHE", "ExampleBuilder", "display_hint", "format_examples", "split_top"]

#: Example strings of the string formats (valid for the format; the rest get a word).
_FORMAT_STRINGS = {
    "ulid": "01HV6ZTB1Q5XW0NHA6F3D8GY2K",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "uri": "https://example.com/resource",
    "url": "https://example.com/resource",
    "email": "user@example.com",
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
}
#: Example expressions of the primitive hints (the imports they need are in :data:`_PRIM_IMPORTS`).
_PRIMS = {
    "int": "1",
    "float": "1.5",
    "bool": "True",
    "bytes": 'b"data"',
    "Any": '"value"',
    "object": '"value"',
    "None": "None",
    "datetime.datetime": "datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)",
    "datetime.date": "datetime.date(2024, 1, 1)",
    "datetime.time": "datetime.time(12, 0)",
    "uuid.UUID": 'uuid.UUID("3fa85f64-5717-4562-b3fc-2c963f66afa6")',
    "JsonDecimal": 'decimal.Decimal("1.5")',
    "FileInput": '("report.txt", b"file content", "text/plain")',
    "FileContent": 'b"file content"',
    "FileTypes": '("report.txt", b"file content", "text/plain")',
}
_PRIM_IMPORTS = {"datetime.": "datetime", "uuid.": "uuid", "JsonDecimal": "decimal"}
#: How deep nested models are built (deeper required models are built empty, by ``model_construct``).
_MAX_DEPTH = 10


def split_top(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` where no bracket is open (``A | list[B | C]`` -> two parts)."""
    if sep not in text:
        return [text.strip()] if text.strip() else []
    if "[" not in text and "(" not in text:  # (no bracket: every separator splits)
        return [p for p in (part.strip() for part in text.split(sep)) if p]
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i].strip())
            i += len(sep)
            start = i
            continue
        i += 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _inside(hint: str, head: str) -> list[str]:
    """The arguments of ``head[...]`` in ``hint``."""
    return split_top(hint[len(head) + 1 : -1], ",")


@cache
def display_hint(hint: str) -> str:
    """A type hint as the docs show it: ``Annotated[X, ...]`` (discriminators, aliases) as ``X``."""
    parts = []
    for part in split_top(hint, "|"):
        if part.startswith("Annotated["):
            parts.append(display_hint(_inside(part, "Annotated")[0]))
        elif part.endswith("]") and "[" in part and not part.startswith("Literal["):
            head = part.split("[", 1)[0]
            parts.append(f"{head}[{', '.join(display_hint(a) for a in _inside(part, head))}]")
        else:
            parts.append(part)
    return " | ".join(parts)


class ExampleBuilder:
    """Example expressions of one API's types; ``imports`` collects the modules they use
    (``models`` for the API's classes, ``datetime``...)."""

    def __init__(self, api: Api) -> None:
        self.defs = {d.name: d for d in api.definitions}
        self.imports: set[str] = set()

    def value(self, hint: str, facts: dict[str, Any], name: str, depth: int = 0) -> str:
        """An example of a value of ``hint`` named ``name`` (a field or parameter), following
        ``facts``."""
        parts = [p for p in split_top(hint, "|") if p not in ("None", "NotGiven")]
        hint = parts[0] if parts else "None"
        if "example" in facts and hint in ("str", "int", "float", "bool"):
            example = facts["example"]
            if type(example).__name__ == hint or (hint == "float" and isinstance(example, int)):
                return py_literal(example)
        if hint.startswith("Annotated["):
            return self.value(_inside(hint, "Annotated")[0], facts, name, depth)
        if hint.startswith("Literal["):
            return _inside(hint, "Literal")[0]
        if hint.startswith("list[") or hint.startswith("set[") or hint.startswith("frozenset["):
            head = hint.split("[", 1)[0]
            item = self.value(_inside(hint, head)[0], facts.get("items", {}), name, depth + 1)
            return f"[{item}]"
        if hint.startswith("dict["):
            args = _inside(hint, "dict")
            return "{" + f'"key": {self.value(args[-1], {}, name, depth + 1)}' + "}"
        if hint.startswith("tuple["):
            args = [a for a in _inside(hint, "tuple") if a != "..."]
            return "(" + ", ".join(self.value(a, {}, name, depth + 1) for a in args) + ",)"
        if hint == "str":
            fmt = facts.get("format")
            return py_str(_FORMAT_STRINGS.get(fmt, f"{name}-1") if isinstance(fmt, str) else f"{name}-1")
        if hint in ("int", "float") and isinstance(facts.get("minimum"), (int, float)):
            return repr(int(facts["minimum"]) if hint == "int" else float(facts["minimum"]))
        if hint in _PRIMS:
            for prefix, module in _PRIM_IMPORTS.items():
                if hint.startswith(prefix):
                    self.imports.add(module)
            return _PRIMS[hint]
        d = self.defs.get(hint)
        if isinstance(d, EnumDef) and d.members:
            self.imports.add("models")
            return f"models.{d.name}.{d.members[0].name}"
        if isinstance(d, AliasDef):
            return self.value(d.hint, facts, name, depth + 1) if depth < _MAX_DEPTH else "None"
        if isinstance(d, ModelDef):
            return self.model(d, depth)
        return "None"

    def model(self, d: ModelDef, depth: int = 0, every: bool = False) -> str:
        """``models.X(field=..., ...)`` of ``d``'s required fields (``every``: all of them, for a
        value that must not be empty, such as a path parameter's)."""
        self.imports.add("models")
        if depth >= _MAX_DEPTH:
            return f"models.{d.name}.model_construct()"
        args = [
            f"{f.py_name}={self.value(f.hint, f.facts, f.json_name, depth + 1)}"
            for f in d.fields
            if (f.required or every) and not f.always_sent
        ]
        return f"models.{d.name}({', '.join(args)})"

    def param_value(self, p: Any) -> str:
        """An example of the parameter ``p``; a model in a path with every field (an empty
        object cannot be sent there)."""
        d = self.defs.get(split_top(p.hint, "|")[0])
        for _ in range(8):
            if not isinstance(d, AliasDef):
                break
            d = self.defs.get(split_top(d.hint, "|")[0])
        if p.location == "path" and isinstance(d, ModelDef):
            return self.model(d, every=True)
        return self.value(p.hint, p.facts, p.json_name)

    def call_args(self, op: Operation, with_optional: bool = False) -> list[str]:
        """The keyword arguments of an example call of ``op``: its required parameters, its body
        (required or not: a body is what most calls send) and, ``with_optional``, its optional
        parameters."""
        args = [f"{p.py_name}={self.param_value(p)}" for p in op.params if p.required or with_optional]
        if op.bodies:
            hint = op.bodies[0].hint
            args.append(f"{op.body_arg}={self.value(hint, {}, op.body_arg)}")
        return args


#: The cache of black's output (``emit.format.FormatCache``) that :func:`format_examples` uses
#: during one run; the pipeline sets it around planning (None: no cache).
EXAMPLE_CACHE: ContextVar[Any] = ContextVar("example_cache", default=None)


def format_examples(blocks: list[str]) -> list[str]:
    """``blocks`` of Python source as black lays them out.

    A block whose every line fits the line length is kept as built: the builders lay calls out
    as black does (:func:`.plan.call_text`), and a test checks that black leaves every example of
    the committed clients unchanged. The others are formatted in one black pass (joined with
    marker comments and split again), looked up first in :data:`EXAMPLE_CACHE` by render hash.
    A block black cannot parse is shown as written."""
    from ..emit.format import LINE_LENGTH

    long = [i for i, b in enumerate(blocks) if any(len(line) > LINE_LENGTH for line in b.split("\n"))]
    if not long:
        return list(blocks)
    from ..emit.format import mode, render_hash

    marker = "# connect-codegen example boundary"
    joined = "\n".join(f"{marker}\n{blocks[i]}\n" for i in long)
    cache = EXAMPLE_CACHE.get()
    key = render_hash(joined)
    text = cache.get(key) if cache is not None else None
    if text is None:
        import black

        try:
            text = black.format_str(joined, mode=mode())
        except Exception:  # an example black cannot parse is shown as written
            return list(blocks)
        if cache is not None:
            cache.put(key, text)
    parts = [part.strip("\n") for part in text.split(marker + "\n")[1:]]
    if len(parts) != len(long):
        return list(blocks)
    out = list(blocks)
    for i, part in zip(long, parts):
        out[i] = part
    return out
