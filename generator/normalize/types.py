"""Render IR type expressions to Python type hints, and collect what they need imported."""

from __future__ import annotations

from ..ir.model import DictOf, ListOf, LiteralOf, Named, Prim, TupleOf, TypeExpr, UnionOf


def hint(t: TypeExpr) -> str:
    """The Python annotation for ``t`` (``list[Foo] | None``, ``Annotated[A | B, ...]``)."""
    if isinstance(t, Prim):
        return t.name
    if isinstance(t, Named):
        return t.name
    if isinstance(t, ListOf):
        return f"list[{hint(t.item)}]"
    if isinstance(t, DictOf):
        return f"dict[str, {hint(t.value)}]"
    if isinstance(t, TupleOf):
        return f"tuple[{', '.join(hint(i) for i in t.items)}]" if t.items else "tuple[()]"
    if isinstance(t, LiteralOf):
        return f"Literal[{', '.join(t.values)}]"
    if isinstance(t, UnionOf):
        if t.selector:
            inner = [
                hint(v) if v == Prim("None") else f'Annotated[{hint(v)}, Tag("{tag}")]'
                for v, tag in zip(t.variants, t.tags)
            ]
            return f"Annotated[{' | '.join(inner)}, Discriminator({t.selector})]"
        parts = [hint(v) for v in t.variants if v != Prim("None")]
        dated = _DATE in t.variants and _DATE_TIME in t.variants
        if dated:  # the date-time first: a string that is no date-only string is read as one
            parts.remove(_DATE_TIME.name)
            parts.insert(0, _DATE_TIME.name)
        if any(v == Prim("None") for v in t.variants):
            parts.append("None")
        # a date-only string given in Python is a date, not the date-time at midnight
        return f"Annotated[{' | '.join(parts)}, DateOrDateTime]" if dated else " | ".join(parts)
    raise TypeError(t)  # pragma: no cover - the union of IR types is closed


_DATE = Prim("datetime.date")
_DATE_TIME = Prim("datetime.datetime")


def names_in(t: TypeExpr) -> set[str]:
    """Names of generated definitions that ``t`` refers to."""
    if isinstance(t, Named):
        return {t.name}
    if isinstance(t, ListOf):
        return names_in(t.item)
    if isinstance(t, DictOf):
        return names_in(t.value)
    if isinstance(t, (TupleOf, UnionOf)):
        items = t.items if isinstance(t, TupleOf) else t.variants
        out: set[str] = set()
        for i in items:
            out |= names_in(i)
        return out
    return set()


def union(variants: list[TypeExpr]) -> TypeExpr:
    """A flattened, de-duplicated union (a single variant is returned as is)."""
    flat: list[TypeExpr] = []
    for v in variants:
        items = v.variants if isinstance(v, UnionOf) and not v.selector else (v,)
        for i in items:
            if i not in flat:
                flat.append(i)
    if Prim("Any") in flat:
        return Prim("Any") if Prim("None") not in flat else Prim("Any")
    if len(flat) == 1:
        return flat[0]
    return UnionOf(tuple(flat))


def nullable(t: TypeExpr) -> TypeExpr:
    """``t | None``."""
    if t == Prim("Any") or t == Prim("None"):
        return t
    if isinstance(t, UnionOf) and t.selector:
        return UnionOf((t, Prim("None")))
    return union([t, Prim("None")])


def is_nullable(t: TypeExpr) -> bool:
    """True when ``None`` is a valid value of ``t``."""
    return t in (Prim("Any"), Prim("None")) or (
        isinstance(t, UnionOf) and any(v == Prim("None") for v in t.variants)
    )
