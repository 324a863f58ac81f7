"""The last step of normalization: every class name is decided (``class_names.py``) and written
into the IR in place of its token, and every name the generated code imports that a class now
bears (a schema named ``Tag``, ``Field``, ``Any``...) is written under its private alias
(``_Tag``: the generated module imports ``from pydantic import Tag as _Tag``).

:func:`rename_identifiers` is also what the plan uses to alias, inside one model class, the
names its own fields shadow (a field ``list`` next to an annotation ``list[str]``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Iterable, Mapping

from ..ir.model import AliasDef, Definition, EnumDef, ModelDef, Resource
from .class_names import MODEL_MODULE_NAMES, TOKEN_RE


def rename_identifiers(code: str, mapping: Mapping[str, str]) -> str:
    """``code`` (a Python expression or statement) with every identifier in ``mapping``
    renamed; string literals, attribute names (after ``.``) and keyword arguments (before
    ``=``) are left alone."""
    if not mapping or not any(name in code for name in mapping):
        return code
    return _rewrite(code, mapping.get)


@lru_cache(maxsize=1 << 16)
def identifiers(code: str) -> frozenset[str]:
    """The identifiers ``code`` uses, as :func:`rename_identifiers` sees them (memoized: the
    same annotations recur across a large document's models and operations)."""
    seen: set[str] = set()

    def note(word: str) -> None:
        seen.add(word)

    _rewrite(code, note)
    return frozenset(seen)


def _rewrite(code: str, name_for: Callable[[str], str | None]) -> str:
    out: list[str] = []
    brackets: list[str] = []  # the open brackets around the current place
    i, n = 0, len(code)
    while i < n:
        ch = code[i]
        if ch in "\"'":
            j = i + 1
            while j < n and code[j] != ch:
                j += 2 if code[j] == "\\" else 1
            out.append(code[i : j + 1])
            i = j + 1
            continue
        if ch.isalpha() or ch == "_" or ch.isdigit():
            j = i + 1
            while j < n and (code[j].isalnum() or code[j] == "_"):
                j += 1
            word = code[i:j]
            keyword = brackets[-1:] == ["("] and _before_equals(code, j)
            if not ch.isdigit() and not _attribute(code, i) and not keyword:
                word = name_for(word) or word
            out.append(word)
            i = j
            continue
        if ch in "([{":
            brackets.append(ch)
        elif ch in ")]}" and brackets:
            brackets.pop()
        out.append(ch)
        i += 1
    return "".join(out)


def _attribute(code: str, start: int) -> bool:
    k = start - 1
    while k >= 0 and code[k] == " ":
        k -= 1
    return k >= 0 and code[k] == "."


def _before_equals(code: str, end: int) -> bool:
    """True when an ``=`` (not ``==``) follows: inside a call, a keyword argument's name."""
    k = end
    while k < len(code) and code[k] == " ":
        k += 1
    return code[k : k + 1] == "=" and code[k + 1 : k + 2] != "="


def _union_once(hint: str) -> str:
    """``hint`` with each member of its top-level union once: two responses whose classes turn out
    to be one (``GetBResponse | GetBResponse``) give one return type."""
    if " | " not in hint:
        return hint
    parts, depth, start, quote, escaped = [], 0, 0, "", False
    for i, ch in enumerate(hint):
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and hint.startswith(" | ", i):
            parts.append(hint[start:i])
            start = i + 3
    parts.append(hint[start:])
    return " | ".join(dict.fromkeys(parts))


def finalize_api(
    defs: Iterable[Definition], resources: Iterable[Resource], names: Mapping[str, str]
) -> list[str]:
    """Write the class ``names`` (``{token: name}``) into ``defs`` and the operations of
    ``resources``, and alias the generated code's own names that a class bears; return those
    names (sorted): the generated modules import each as ``_<name>``."""
    defs = list(defs)
    taken = set(names.values())
    shadowed = sorted(taken & MODEL_MODULE_NAMES)
    aliases = {n: "_" + n for n in shadowed}

    def fix(text: str) -> str:
        text = rename_identifiers(text, aliases)
        if "\u2983" in text:
            text = TOKEN_RE.sub(lambda m: names[m.group(0)], text)
        return text

    def fix_set(tokens: set[str]) -> set[str]:
        return {names.get(t, t) for t in tokens}

    for d in defs:
        d.name = names.get(d.name, d.name)
        if isinstance(d, AliasDef):
            d.hint, d.deps = fix(d.hint), fix_set(d.deps)
        elif isinstance(d, ModelDef):
            d.deps = fix_set(d.deps)
            d.extra_hint = fix(d.extra_hint) if d.extra_hint else d.extra_hint
            for f in d.fields:
                f.hint = fix(f.hint)
                f.default = fix(f.default) if f.default else f.default
        elif isinstance(d, EnumDef):
            pass
    for res in resources:
        for op in res.operations:
            op.return_hint = _union_once(fix(op.return_hint))
            op.page_item_hint = fix(op.page_item_hint) if op.page_item_hint else op.page_item_hint
            op.pagination = fix(op.pagination) if op.pagination else op.pagination
            for p in op.params:
                p.hint = fix(p.hint)
                p.default = fix(p.default) if p.default else p.default
            for b in op.bodies:
                b.hint = fix(b.hint)
            for r in (*op.responses, *op.errors, *([op.stream] if op.stream else [])):
                r.hint, r.type_expr = fix(r.hint), fix(r.type_expr)
                r.events = [(name, fix(expr)) for name, expr in r.events]
    return shadowed
