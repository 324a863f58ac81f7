"""Model base classes and (de)serialization helpers shared by every generated model.

- :class:`BaseModel`: pydantic v2 model that keeps unknown fields, accepts field names and JSON
  names, builds its validator lazily (fast imports) and masks secret fields in ``repr``.
- :class:`OpenStrEnum` / :class:`OpenIntEnum`: enums whose unknown (future) values parse into a
  pseudo-member instead of failing the whole response.
- :func:`discriminate` and :func:`match_shape`: callable discriminators for ``oneOf``/``anyOf``.
- :func:`dump_sent`: what a model puts on the wire (the fields the caller set, plus the fields
  whose value the schema fixes, listed in each model's ``__always_sent__``).
"""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import uuid
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, cast
from urllib.parse import quote_plus

import pydantic
from pydantic import ConfigDict

from ._bodies import as_body, is_model_class
from ._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    from ._types import FileTypes

    FileInput = FileTypes
else:
    FileInput = Any

__all__ = [
    "BaseModel",
    "DateOrDateTime",
    "FileInput",
    "JsonDecimal",
    "OpenIntEnum",
    "OpenStrEnum",
    "UnknownVariant",
    "as_body",
    "body_kwargs",
    "discriminate",
    "dump_sent",
    "json_param",
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


def _date_or_datetime(value: Any) -> Any:
    """A date-only string (``2024-05-06``) as a ``datetime.date``; anything else unchanged."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


#: The validator of a value that is a date or a date-time (``anyOf`` of both formats): a
#: date-only string is a date. Left to itself pydantic reads ``"2024-05-06"`` given in Python as
#: the date-time at midnight, and sends ``2024-05-06T00:00:00``, which is no RFC 3339 date-time
#: (it lacks the offset) and no date.
DateOrDateTime = pydantic.BeforeValidator(_date_or_datetime)

_MASK = "'**********'"


class BaseModel(pydantic.BaseModel):
    """Base of every generated model.

    Unknown fields are kept (``model_extra``) and sent back unchanged; both the Python field
    names and the JSON names are accepted on input; ``repr`` never shows the fields listed in
    ``__secret_fields__``. A request sends the fields the caller set, plus those listed in
    ``__always_sent__`` (a value the schema fixes: ``const``, a one-value enum, a discriminator's
    default), set or not; a field set to ``None`` is sent as ``null`` only when it is listed in
    ``__nullable__`` (its schema allows null), else left out.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        defer_build=True,
        protected_namespaces=(),
        arbitrary_types_allowed=True,
        hide_input_in_errors=True,
        # JSON bodies are parsed from their bytes (``validate_json``); caching every string
        # value costs a fifth of a large page's parse, and keys alone gain as much
        cache_strings="keys",
    )
    __secret_fields__: ClassVar[frozenset[str]] = frozenset()
    __always_sent__: ClassVar[frozenset[str]] = frozenset()
    #: The fields whose schema allows null: only their ``None`` is sent (see :func:`dump_sent`).
    __nullable__: ClassVar[frozenset[str]] = frozenset()
    #: The schema declares ``additionalProperties``: a body given as a dict may hold keys that
    #: are no field (``_bodies.as_body`` refuses them otherwise).
    __additional_properties__: ClassVar[bool] = False
    #: The deprecated fields: setting one when building a model warns (``DeprecationWarning``);
    #: reading one warns too (``Field(deprecated=...)``); parsing and sending do not.
    __deprecated_fields__: ClassVar[frozenset[str]] = frozenset()

    if not TYPE_CHECKING:  # type checkers keep the signature pydantic gives each model

        def __init__(self, /, **data: Any) -> None:
            super().__init__(**data)
            if not self.__deprecated_fields__:
                return
            for name in sorted(self.__deprecated_fields__ & self.model_fields_set):
                warnings.warn(
                    f"{type(self).__name__}.{name} is deprecated", DeprecationWarning, stacklevel=2
                )

        # pydantic then keeps validating (parsing a response) without calling ``__init__``
        __init__.__pydantic_base_init__ = True

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            if name in self.__secret_fields__ and value is not None:
                yield name, _Masked()
            else:
                yield name, value

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready ``dict`` as sent on the wire: JSON names, the fields that were set and
        the fields the schema fixes (see :func:`dump_sent`)."""
        return dump_sent(self)

    def to_json(self) -> str:
        """The JSON text as sent on the wire (see :meth:`to_dict`)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


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


def _field(model: pydantic.BaseModel, name: str) -> Any:
    """A field's value, read without the warning a deprecated field gives on attribute access."""
    values = vars(model)
    return values[name] if name in values else getattr(model, name)


def _get(value: Any, key: str) -> Any:
    if isinstance(value, Mapping):
        return cast("Mapping[str, Any]", value).get(key)
    if isinstance(value, pydantic.BaseModel):
        for name, info in type(value).model_fields.items():
            if info.alias == key or name == key:
                return _field(value, name)
        return (value.model_extra or {}).get(key)
    return None


def discriminate(
    prop: str,
    mapping: Mapping[str, str],
    fallback: Sequence[tuple[str, Sequence[str], Sequence[str], bool, bool]] = (),
) -> Callable[[Any], str]:
    """A pydantic callable discriminator: read ``prop`` and map its value to a variant tag.

    A value whose ``prop`` holds a value the mapping does not know is a variant this client does
    not know yet (a newer server): it selects ``"UnknownVariant"`` (data kept, nothing fails). A
    value without ``prop`` selects the variant of ``fallback`` it fits best, as
    :func:`match_shape` would (``(tag, required JSON names, all JSON names, closed, tag fixed)``
    per variant, in the spec's order; a variant that requires ``prop``, ``tag fixed``, is not
    chosen), else ``"UnknownVariant"``. Model instances select their own class.
    """
    classes = set(mapping.values())
    shapes = [(t, set(r), set(a), c, f) for t, r, a, c, f in fallback]

    def select(value: Any) -> str:
        if isinstance(value, pydantic.BaseModel) and type(value).__name__ in classes:
            return type(value).__name__
        tag = _get(value, prop)
        if isinstance(tag, enum.Enum):
            tag = tag.value
        if tag is not None:
            return mapping.get(str(tag), "UnknownVariant")
        if isinstance(value, pydantic.BaseModel):
            value = value.model_dump(by_alias=True, exclude_unset=True)
        if not isinstance(value, Mapping) or not shapes:
            return "UnknownVariant"
        keys = set(cast("Mapping[str, Any]", value))
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
            value = dump_sent(value)
        if objects and isinstance(value, Mapping):
            keys = set(cast("Mapping[str, Any]", value))
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


def dump_sent(model: pydantic.BaseModel) -> dict[str, Any]:
    """What ``model`` puts on the wire, as JSON-ready data by alias: the fields the caller set,
    and the fields of its ``__always_sent__`` (set or not, ``None`` excepted), in nested models,
    lists and dicts of models too. A field set to ``None`` is left out unless its model lists it
    in ``__nullable__`` (its schema allows null; a model without ``__nullable__``, not a
    generated one, sends every ``None``). Fields keep their declared order, unknown fields
    follow."""
    data = model.model_dump(mode="json", by_alias=True, exclude_unset=True)
    out = _with_fixed(model, data)
    return cast("dict[str, Any]", out) if isinstance(out, dict) else data


def _with_fixed(value: Any, data: Any) -> Any:
    """``data`` (``value`` dumped with ``exclude_unset``) with the always-sent fields of every
    model in ``value`` added and the ``None`` of fields that do not allow null removed."""
    if isinstance(value, pydantic.BaseModel) and isinstance(data, dict):
        dumped = cast("dict[str, object]", data)
        always: frozenset[str] = getattr(type(value), "__always_sent__", frozenset())
        nullable: frozenset[str] | None = getattr(type(value), "__nullable__", None)
        out: dict[str, Any] = {}
        declared: set[str] = set()
        for name, info in type(value).model_fields.items():
            key = info.serialization_alias or info.alias or name
            declared.add(key)
            if key in dumped:
                if dumped[key] is None and nullable is not None and name not in nullable:
                    continue  # the schema does not allow null
                out[key] = _with_fixed(_field(value, name), dumped[key])
            elif name in always:
                item = _field(value, name)
                if item is not None:
                    out[key] = item.value if isinstance(item, enum.Enum) else item
        extra = value.model_extra or {}
        for key, item in dumped.items():
            if key not in declared:
                out[key] = _with_fixed(extra.get(key), item)
        return out
    if isinstance(value, (list, tuple)) and isinstance(data, list):
        values, items = cast("Sequence[object]", value), cast("list[object]", data)
        if len(values) == len(items):
            return [_with_fixed(v, d) for v, d in zip(values, items)]
        return items
    if isinstance(value, Mapping) and isinstance(data, dict):
        mapping, fields = cast("Mapping[object, object]", value), cast("dict[str, object]", data)
        return {k: _with_fixed(mapping.get(k), d) for k, d in fields.items()}
    return data


def to_jsonable(value: Any) -> Any:
    """Models -> JSON-ready data by alias, as sent (:func:`dump_sent`); lists and dicts
    recursively."""
    if isinstance(value, pydantic.BaseModel):
        return dump_sent(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {k: to_jsonable(v) for k, v in cast("Mapping[object, object]", value).items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in cast("Sequence[object]", value)]
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    return value


def json_param(value: Any) -> Any:
    """A parameter serialized by its ``content`` as ``application/json``: its compact JSON text
    (a model as sent, :func:`dump_sent`), so an empty object is ``{}`` rather than nothing;
    ``None`` and ``NOT_GIVEN`` are returned as they are (not sent)."""
    if value is None or isinstance(value, NotGiven):
        return value
    return json.dumps(to_jsonable(value), ensure_ascii=False, separators=(",", ":"))


def _form_value(value: Any) -> Any:
    """Like :func:`to_jsonable`, but file inputs (bytes, file objects, paths, tuples) pass as is."""
    if _is_file_input(value):
        return value
    if isinstance(value, list):
        return [_form_value(v) for v in cast("list[object]", value)]
    return to_jsonable(value)


def _form_pieces(items: Sequence[object]) -> str:
    """An ``application/x-www-form-urlencoded`` body of a form whose schema is an array: a
    ``(name, value)`` pair is the field ``name=value`` (form-encoded, a space is ``+``), any
    other item the text of a field already encoded (``a=1``); fields joined with ``&``."""
    pieces: list[str] = []
    for item in items:
        pair = _pair(item)
        if pair is not None:
            pieces.append(f"{quote_plus(_form_text(pair[0]))}={quote_plus(_form_text(pair[1]))}")
        else:
            pieces.append(_form_text(item))
    return "&".join(pieces)


def _pair(item: object) -> tuple[object, object] | None:
    """``item`` as a ``(name, value)`` pair when it is a list or tuple of two, else None."""
    if isinstance(item, (list, tuple)):
        seq = cast("Sequence[object]", item)
        if len(seq) == 2:
            return (seq[0], seq[1])
    return None


def _form_text(value: object) -> str:
    """One form item as text: an enum's value, ``true``/``false``, a number as written, JSON
    text for an object or an array, anything else ``str()``."""
    value = to_jsonable(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _is_file_input(value: object) -> bool:
    """Bytes, a file object, a path, or a ``(filename, content[, content_type])`` tuple."""
    return (
        isinstance(value, (bytes, tuple)) or hasattr(value, "read") or hasattr(value, "__fspath__")
    )


def body_kwargs(
    body: Any,
    kinds: Sequence[tuple[Any, str, str | None]],
    content_type: str | NotGiven = NOT_GIVEN,
) -> dict[str, Any]:
    """Choose how to send ``body``: the keyword arguments for the client's ``request`` (the body
    under its kind's name, and the ``content_type`` of the media type chosen).

    ``kinds`` lists ``(model class or None, kind, media type)`` in preference order, kind being
    json | form | multipart | binary | text; a ``None`` media type leaves the Content-Type to
    the endpoint. The media type ``content_type`` names wins when given; otherwise raw content
    (``bytes``, a file object) takes the first binary entry, and anything else the first entry
    whose class matches ``body`` (``None`` matches anything); a dict given for a model
    (:func:`_bodies.as_body`, validated into it) takes the first entry of a model, a multipart
    one when the dict holds a file. A multipart body's
    Content-Type gets its boundary when sent; a wildcard media type (``*/*``) sends the kind's
    default.

    Raises:
        ValueError: ``content_type`` is none of the media types in ``kinds``.
        RequestBodyError: a dict does not fit the model it is given for.
    """
    if isinstance(content_type, str):
        for cls, kind, media_type in kinds:
            if media_type == content_type:
                return _as_kwargs(
                    as_body(cls, body) if is_model_class(cls) else body, kind, media_type
                )
        known = ", ".join(str(m) for _, _, m in kinds)
        raise ValueError(f"content_type {content_type!r} is not one of the declared ({known})")
    if isinstance(body, (bytes, bytearray)) or hasattr(body, "read"):
        # raw content (bytes, a file object) goes to a binary media type when there is one,
        # never into a JSON or text body
        for _, kind, media_type in kinds:
            if kind == "binary":
                return _as_kwargs(body, kind, media_type)
    if isinstance(body, Mapping) and not isinstance(body, pydantic.BaseModel):
        fields = cast("Mapping[object, object]", body)
        has_file = any(_is_file_input(v) for v in fields.values())
        models = [k for k in kinds if is_model_class(k[0])]
        if models:
            cls, kind, media_type = min(models, key=lambda k: has_file and k[1] != "multipart")
            return _as_kwargs(as_body(cls, fields), kind, media_type)
    for cls, kind, media_type in kinds:
        if cls is None or _is_instance(body, cls):
            return _as_kwargs(body, kind, media_type)
    if kinds:
        return _as_kwargs(body, kinds[0][1], kinds[0][2])
    return _as_kwargs(body, "json", None)


def _is_instance(value: Any, cls: Any) -> bool:
    """``isinstance(value, cls)``, False for what is no class to test against (``typing.Any``,
    a generic alias)."""
    try:
        return isinstance(cls, type) and isinstance(value, cls)
    except TypeError:
        return False


def _as_kwargs(body: Any, kind: str, media_type: str | None) -> dict[str, Any]:
    out = _encoded(body, kind)
    if media_type is not None and "*" not in media_type:
        out["content_type"] = media_type
    return out


def _encoded(body: Any, kind: str) -> dict[str, Any]:
    if kind in ("form", "multipart"):
        if isinstance(body, pydantic.BaseModel):
            fields = type(body).model_fields
            always: frozenset[str] = getattr(type(body), "__always_sent__", frozenset())
            data = {
                (info.alias or name): _form_value(_field(body, name))
                for name, info in fields.items()
                if name in body.model_fields_set
                or (name in always and _field(body, name) is not None)
            }
            data.update({k: _form_value(v) for k, v in (body.model_extra or {}).items()})
            body = data
        elif kind == "multipart" and body is not None and not isinstance(body, (Mapping, NotGiven)):
            # a multipart body whose schema is one value (a file), not an object of parts: sent
            # as one part named 'file' (the generator warns where the document does this)
            body = {"file": body}
        elif kind == "form" and isinstance(body, (str, bytes)):
            # a form body whose schema is one value: the caller's text is the encoded form
            return {"content": body}
        elif kind == "form" and isinstance(body, (list, tuple)):
            # a form body whose schema is an array (hey-api's full.yaml): each item is one
            # field of the encoded form, a `(name, value)` pair or text already encoded
            return {"content": _form_pieces(cast("Sequence[object]", body))}
        return {kind: body}
    if kind in ("binary", "text"):
        return {"content": body}
    return {"json": body}
