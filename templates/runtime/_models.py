"""Model base classes and (de)serialization helpers shared by every generated model.

- :class:`BaseModel`: pydantic v2 model that keeps unknown fields, accepts field names and JSON
  names, builds its validator lazily (fast imports) and masks secret fields in ``repr``.
- :class:`OpenStrEnum` / :class:`OpenIntEnum`: enums whose unknown (future) values parse into a
  pseudo-member instead of failing the whole response.
- :func:`discriminate` and :func:`match_shape`: callable discriminators for ``oneOf``/``anyOf``.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from typing import TYPE_CHECKING, Annotated, Any, Callable, ClassVar, Iterable, Mapping, Sequence

import pydantic
from pydantic import ConfigDict

if TYPE_CHECKING:
    from ._types import FileTypes

    FileInput = FileTypes
else:
    FileInput = Any

__all__ = [
    "BaseModel",
    "FileInput",
    "JsonDecimal",
    "OpenIntEnum",
    "OpenStrEnum",
    "UnknownVariant",
    "body_kwargs",
    "discriminate",
    "match_shape",
    "to_jsonable",
]


def _decimal_json(value: decimal.Decimal) -> int | float:
    """A decimal as a JSON number (an integer when it is one), never a JSON string."""
    if value.is_finite() and value == value.to_integral_value():
        return int(value)
    return float(value)


#: ``number`` with ``format: decimal``: a ``decimal.Decimal`` in Python, a number in JSON.
JsonDecimal = Annotated[
    decimal.Decimal,
    pydantic.PlainSerializer(_decimal_json, return_type=int | float, when_used="json"),
]

_MASK = "'**********'"


class BaseModel(pydantic.BaseModel):
    """Base of every generated model.

    Unknown fields are kept (``model_extra``) and sent back unchanged; both the Python field
    names and the JSON names are accepted on input; ``repr`` never shows the fields listed in
    ``__secret_fields__``.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        defer_build=True,
        protected_namespaces=(),
        arbitrary_types_allowed=True,
        hide_input_in_errors=True,
    )
    __secret_fields__: ClassVar[frozenset[str]] = frozenset()

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            if name in self.__secret_fields__ and value is not None:
                yield name, _Masked()
            else:
                yield name, value

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready ``dict`` as sent on the wire: JSON names, only fields that were set."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    def to_json(self) -> str:
        """The JSON text as sent on the wire (see :meth:`to_dict`)."""
        return self.model_dump_json(by_alias=True, exclude_unset=True)


class _Masked:
    def __repr__(self) -> str:
        return _MASK


class UnknownVariant(BaseModel):
    """A ``oneOf`` member whose discriminator value this client does not know yet (all data kept)."""


class OpenStrEnum(str, enum.Enum):
    """A string enum that accepts values unknown when the client was generated.

    ``Color("purple")`` gives a pseudo-member whose ``value`` is ``"purple"`` (it is not listed
    by iteration); it compares equal to the plain string and serializes unchanged.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    def __str__(self) -> str:
        return str(self.value)


class OpenIntEnum(int, enum.Enum):
    """An integer enum that accepts values unknown when the client was generated."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        member = int.__new__(cls, value)
        member._name_ = f"VALUE_{value}"
        member._value_ = value
        return member


def _get(value: Any, key: str) -> Any:
    if isinstance(value, Mapping):
        return value.get(key)
    if isinstance(value, pydantic.BaseModel):
        for name, info in type(value).model_fields.items():
            if info.alias == key or name == key:
                return getattr(value, name)
        return (value.model_extra or {}).get(key)
    return None


def discriminate(
    prop: str,
    mapping: Mapping[str, str],
    fallback: Sequence[tuple[str, Sequence[str], Sequence[str], bool, bool]] = (),
) -> Callable[[Any], str]:
    """A pydantic callable discriminator: read ``prop`` and map its value to a variant tag.

    A discriminator is a hint (the value must still be valid for its variant): a value whose
    ``prop`` is missing, or holds a value the mapping does not know, selects the variant of
    ``fallback`` it fits best, as :func:`match_shape` would (``(tag, required JSON names, all
    JSON names, closed, tag fixed)`` per variant, in the spec's order; a variant whose ``prop``
    only takes the values the mapping lists, ``tag fixed``, is not chosen for an unknown value).
    A value no variant fits selects ``"UnknownVariant"`` (data kept, nothing fails). Model
    instances select their own class.
    """
    classes = set(mapping.values())
    shapes = [(t, set(r), set(a), c, f) for t, r, a, c, f in fallback]

    def select(value: Any) -> str:
        if isinstance(value, pydantic.BaseModel) and type(value).__name__ in classes:
            return type(value).__name__
        tag = _get(value, prop)
        if isinstance(tag, enum.Enum):
            tag = tag.value
        if tag is not None and str(tag) in mapping:
            return mapping[str(tag)]
        if isinstance(value, pydantic.BaseModel):
            value = value.model_dump(by_alias=True, exclude_unset=True)
        if not isinstance(value, Mapping) or not shapes:
            return "UnknownVariant"
        keys = set(value)
        best: tuple[int, int, str] | None = None
        for index, (name, required, known, closed, fixed) in enumerate(shapes):
            if (fixed and prop in keys) or not required <= keys or (closed and not keys <= known):
                continue
            score = (len(keys & known), -index, name)
            if best is None or score[:2] > best[:2]:
                best = score
        return best[2] if best is not None else "UnknownVariant"

    return select


_JSON_KINDS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (dict,),
}


def match_shape(
    shapes: Sequence[tuple[str, Sequence[str], Sequence[str], bool]],
    groups: Mapping[str, str] | None = None,
    enums: Mapping[str, Sequence[Any]] | None = None,
) -> Callable[[Any], str]:
    """A callable discriminator for unions without one: pick the variant the data fits best.

    ``shapes`` lists ``(tag, required JSON names, all JSON names, closed)`` per variant, in the
    spec's order; non-object variants use a JSON type name (or, for an enum, its class name) as
    tag and empty name lists. An object fits a variant when it has every required property (and,
    for a closed one, nothing else); among those, the one that knows the most of its keys wins,
    then the first declared.

    ``groups`` maps the class names of variants the shape cannot tell apart to the tag of their
    group (a plain union of them, where pydantic picks the variant the value is valid for).
    ``enums`` lists the values of each enum variant: a scalar selects the enum that declares it,
    else a plain scalar variant of its JSON type, else the first enum of its type (whose open
    fallback keeps the unknown value).
    """
    groups = dict(groups or {})
    enum_values = {tag: tuple(values) for tag, values in (enums or {}).items()}
    objects = [
        (t, set(r), set(a), c)
        for t, r, a, c in shapes
        if t not in _JSON_KINDS and t not in enum_values
    ]
    by_name = {t for t, _, _, _ in objects}
    declared = {t for t, _, _, _ in shapes}
    kinds = [k for k in _JSON_KINDS if k in declared]  # integer before number

    def select(value: Any) -> str:
        if isinstance(value, pydantic.BaseModel) and type(value).__name__ in by_name:
            return groups.get(type(value).__name__, type(value).__name__)
        if isinstance(value, enum.Enum) and type(value).__name__ in enum_values:
            return type(value).__name__
        if isinstance(value, pydantic.BaseModel):
            value = value.model_dump(by_alias=True, exclude_unset=True)
        if isinstance(value, Mapping) and objects:
            keys = set(value)
            best: tuple[int, int, str] | None = None
            for index, (tag, required, known, closed) in enumerate(objects):
                if not required <= keys or (closed and not keys <= known):
                    continue
                score = (len(keys & known), -index, tag)
                if best is None or score[:2] > best[:2]:
                    best = score
            if best is not None:
                return groups.get(best[2], best[2])
            tag = max(objects, key=lambda o: len(keys & o[2]))[0]
            return groups.get(tag, tag)
        if enum_values:
            raw = value.value if isinstance(value, enum.Enum) else value
            owner = _declaring_enum(raw, enum_values)
            if owner is not None:
                return owner
            for tag in kinds:
                if _is_kind(raw, tag):
                    return tag
            for tag, values in enum_values.items():
                if any(_same_kind(raw, v) for v in values):
                    return tag
        for tag in kinds:
            if _is_kind(value, tag):
                return tag
        return groups.get(shapes[0][0], shapes[0][0])

    return select


def _is_kind(value: Any, kind: str) -> bool:
    """True when ``value`` is of the JSON type ``kind`` (a boolean is no number)."""
    if kind != "boolean" and isinstance(value, bool):
        return False
    return isinstance(value, _JSON_KINDS[kind])


def _same_kind(a: Any, b: Any) -> bool:
    """True when ``a`` and ``b`` are both strings or both integers (not booleans)."""
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str)
    return _is_kind(a, "integer") and _is_kind(b, "integer")


def _declaring_enum(value: Any, enums: Mapping[str, Sequence[Any]]) -> str | None:
    """The first enum (tag) among ``enums`` that lists ``value`` (same JSON type), or None."""
    for tag, values in enums.items():
        if any(_same_kind(value, v) and value == v for v in values):
            return tag
    return None


def to_jsonable(value: Any) -> Any:
    """Models -> JSON-ready data by alias (only set fields); lists and dicts recursively."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    return value


def _form_value(value: Any) -> Any:
    """Like :func:`to_jsonable`, but file inputs (bytes, file objects, paths, tuples) pass as is."""
    if isinstance(value, (bytes, tuple)) or hasattr(value, "read") or hasattr(value, "__fspath__"):
        return value
    if isinstance(value, list):
        return [_form_value(v) for v in value]
    return to_jsonable(value)


def body_kwargs(body: Any, kinds: Sequence[tuple[Any, str]]) -> dict[str, Any]:
    """Choose how to send ``body`` when an operation accepts several media types.

    ``kinds`` lists ``(model class or None, kind)`` in preference order, kind being json | form |
    multipart | binary | text; the first whose class matches ``body`` wins (``None`` matches
    anything). Returns the keyword arguments for the client's ``request``.
    """
    for cls, kind in kinds:
        if cls is None or (isinstance(cls, type) and isinstance(body, cls)):
            return _as_kwargs(body, kind)
    return _as_kwargs(body, kinds[0][1] if kinds else "json")


def _as_kwargs(body: Any, kind: str) -> dict[str, Any]:
    if kind in ("form", "multipart"):
        if isinstance(body, pydantic.BaseModel):
            fields = type(body).model_fields
            data = {
                (info.alias or name): _form_value(getattr(body, name))
                for name, info in fields.items()
                if name in body.model_fields_set
            }
            data.update({k: _form_value(v) for k, v in (body.model_extra or {}).items()})
            body = data
        return {kind: body}
    if kind in ("binary", "text"):
        return {"content": body}
    return {"json": body}
