"""Valid fake values of the API's types, for tests: :func:`fake_value` (the generated
``testing.fake``).

A fake is built from a type's annotations (models field by field, unions by one of their
variants, enums and literals by one of their values, lists, maps, dates, UUIDs...) and from what
the schema says beyond the type (``format``, ``pattern``, lengths, bounds, ``example``: the
generated ``testing`` module passes them as ``facts``). Every choice is drawn from a
``random.Random(seed)``: the same type and seed give the same value.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import enum
import random
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import pydantic
import pydantic_core

__all__ = ["Facts", "fake_value"]

_T = TypeVar("_T")

#: What the schema says of each model's fields beyond their types: class name -> field's Python
#: name -> ``{"format": "uri", "maxLength": 20, "example": ..., ...}``.
Facts = Mapping[str, Mapping[str, Mapping[str, Any]]]

_WORDS = (
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
)
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
#: Optional fields are filled down to this depth of nested models; below it only required ones.
_OPTIONAL_DEPTH = 3
#: Below this depth lists and maps are empty (recursive schemas end there).
_MAX_DEPTH = 8


def fake_value(tp: type[_T], *, seed: int = 0, facts: Facts | None = None) -> _T:
    """A value of ``tp`` (a model, enum or any type the API uses) that is valid against its
    schema: every required field (and, near the top, the optional ones), formats, enum values,
    the variant of a discriminated union with its tag, nested models; as the client would parse
    it from its JSON (so a mock answering with it gives an equal value). Deterministic per
    ``seed``. Raises ``TypeError`` for a type it cannot build."""
    value = _Faker(random.Random(seed), facts or {}).value(tp, {}, 0)
    # as the client reads it back from the wire: a variant the data cannot tell from another
    # (two models of the same fields) is the one a response would parse into, so a fake a mock
    # answered with equals what the call returns
    wire = pydantic_core.to_jsonable_python(value, by_alias=True)
    return pydantic.TypeAdapter(tp).validate_python(wire)


class _Faker:
    def __init__(self, rng: random.Random, facts: Facts) -> None:
        self.rng = rng
        self.facts = facts

    def value(self, tp: Any, facts: Mapping[str, Any], depth: int) -> Any:
        if "example" in facts and tp in (str, int, float, bool):
            example = facts["example"]
            if type(example) is tp or (tp is float and type(example) is int):
                return example
        if tp is Any:
            return self.word()
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            return self.value(typing.get_args(tp)[0], facts, depth)
        if origin is typing.Union or origin is types.UnionType:
            return self.union(typing.get_args(tp), facts, depth)
        if origin is typing.Literal:
            return self.rng.choice(typing.get_args(tp))
        if origin in (list, tuple, dict, set, frozenset) or tp in (list, dict):
            return self.container(tp, origin or tp, facts, depth)
        if isinstance(tp, type):
            return self.scalar_or_class(cast("type[Any]", tp), facts, depth)
        raise TypeError(f"fake cannot build a value of {tp!r}")

    def union(self, variants: tuple[Any, ...], facts: Mapping[str, Any], depth: int) -> Any:
        def is_unknown(v: Any) -> bool:
            inner = typing.get_args(v)[0] if typing.get_origin(v) is typing.Annotated else v
            return inner is type(None) or getattr(inner, "__name__", "") == "UnknownVariant"

        known = [v for v in variants if not is_unknown(v)]
        # a group of variants the data cannot tell apart (``Annotated[A | B, Tag(...)]``): a
        # value of it is valid under each, which ``oneOf`` forbids; chosen only when alone
        distinct = [v for v in known if not _is_group(v)]
        known = distinct or known
        if not known:
            return None
        chosen = self.rng.choice(known)
        inner = (
            typing.get_args(chosen)[0] if typing.get_origin(chosen) is typing.Annotated else chosen
        )
        if isinstance(inner, type) and issubclass(inner, pydantic.BaseModel):
            # a variant gets its required fields only: an optional field of one may be what
            # another requires, and ``oneOf`` wants the value valid under one variant only
            return self.model(inner, max(depth, _OPTIONAL_DEPTH))
        return self.value(chosen, facts, depth)

    def container(self, tp: Any, origin: Any, facts: Mapping[str, Any], depth: int) -> Any:
        args = typing.get_args(tp)
        low = int(facts.get("minItems", 1 if depth < _MAX_DEPTH else 0))
        high = int(facts.get("maxItems", max(low, 2)))
        count = (
            0
            if depth >= _MAX_DEPTH and low == 0
            else self.rng.randint(low, max(low, min(high, low + 1)))
        )
        if origin is dict:
            value_tp = args[1] if len(args) == 2 else Any
            return {f"{self.word()}_{i}": self.value(value_tp, {}, depth + 1) for i in range(count)}
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return tuple(
                    self.value(args[0], facts.get("items", {}), depth + 1) for _ in range(count)
                )
            return tuple(self.value(a, {}, depth + 1) for a in args)
        item = args[0] if args else Any
        items = [self.value(item, facts.get("items", {}), depth + 1) for _ in range(count)]
        if origin is set:
            return set(items)
        return frozenset(items) if origin is frozenset else items

    def scalar_or_class(self, tp: type[Any], facts: Mapping[str, Any], depth: int) -> Any:
        if issubclass(tp, pydantic.BaseModel):
            return self.model(tp, depth)
        if issubclass(tp, enum.Enum):
            return self.rng.choice(list(tp))
        if tp is bool:
            return self.rng.random() < 0.5
        if tp is int:
            return self.integer(facts)
        if tp is float:
            return float(self.integer(facts, 0, 1000)) + (0.5 if "multipleOf" not in facts else 0.0)
        if issubclass(tp, decimal.Decimal):
            return tp(self.integer(facts))
        if tp is str:
            return self.string(facts)
        if tp is bytes:
            return self.word().encode()
        if tp is datetime.datetime:
            return _EPOCH + datetime.timedelta(seconds=self.rng.randint(0, 10**8))
        if tp is datetime.date:
            return (_EPOCH + datetime.timedelta(days=self.rng.randint(0, 3000))).date()
        if tp is datetime.time:
            return datetime.time(
                self.rng.randint(0, 23), self.rng.randint(0, 59), self.rng.randint(0, 59)
            )
        if tp is uuid.UUID:
            return uuid.UUID(int=self.rng.getrandbits(128), version=4)
        if tp is type(None):
            return None
        if tp is object:
            return self.word()
        raise TypeError(f"fake cannot build a value of {tp!r}")

    def model(self, cls: type[pydantic.BaseModel], depth: int) -> pydantic.BaseModel:
        if not cls.__pydantic_complete__:
            cls.model_rebuild()  # its fields' annotations resolved (forward references)
        own = self.facts.get(cls.__name__, {})
        # the model's own facts (under ""): required names the schema does not declare (kept
        # as extra data), and ``minProperties``
        facts = own.get("", {})
        data: dict[str, Any] = {name: self.word() for name in facts.get("required", ())}
        optional: list[str] = []
        for name, info in cls.model_fields.items():
            if not info.is_required() and (depth >= _OPTIONAL_DEPTH or _is_fixed(info)):
                optional.append(name)
                continue
            data[name] = self.value(info.annotation, own.get(name, {}), depth + 1)
        for name in optional[: max(0, int(facts.get("minProperties", 0)) - len(data))]:
            info = cls.model_fields[name]
            data[name] = self.value(info.annotation, own.get(name, {}), depth + 1)
        return cls.model_validate(data)

    def integer(self, facts: Mapping[str, Any], low: int = 1, high: int = 1000) -> int:
        minimum, maximum = facts.get("minimum"), facts.get("maximum")
        if isinstance(minimum, (int, float)):
            low = int(minimum) + (1 if facts.get("exclusiveMinimum") is True else 0)
        if isinstance(facts.get("exclusiveMinimum"), (int, float)):
            low = int(facts["exclusiveMinimum"]) + 1
        if isinstance(maximum, (int, float)):
            high = int(maximum) - (1 if facts.get("exclusiveMaximum") is True else 0)
        if isinstance(facts.get("exclusiveMaximum"), (int, float)):
            high = int(facts["exclusiveMaximum"]) - 1
        value = self.rng.randint(low, max(low, high))
        step = facts.get("multipleOf")
        if isinstance(step, int) and step > 0:
            value = max(low + (-low) % step, value - value % step)
        return value

    def word(self) -> str:
        return f"{self.rng.choice(_WORDS)}-{self.rng.randint(1, 999)}"

    def string(self, facts: Mapping[str, Any]) -> str:
        fmt = facts.get("format")
        text = _FORMATS[fmt](self) if isinstance(fmt, str) and fmt in _FORMATS else self.word()
        low, high = facts.get("minLength"), facts.get("maxLength")
        if isinstance(low, int) and len(text) < low:
            text += "x" * (low - len(text))
        if isinstance(high, int) and len(text) > high:
            text = text[:high]
        return text


def _is_group(tp: Any) -> bool:
    """``Annotated[A | B, Tag(...)]``: variants of a union grouped under one tag."""
    if typing.get_origin(tp) is not typing.Annotated:
        return False
    inner = typing.get_origin(typing.get_args(tp)[0])
    return inner is typing.Union or inner is types.UnionType


def _is_fixed(info: Any) -> bool:
    """A field whose default the schema fixes (a ``Literal`` with a default): left to it."""
    return typing.get_origin(info.annotation) is typing.Literal and info.default is not None


def _ulid(f: _Faker) -> str:
    return f.rng.choice("01234567") + "".join(f.rng.choice(_CROCKFORD) for _ in range(25))


_FORMATS: dict[str, Callable[[_Faker], str]] = {
    "uri": lambda f: f"https://example.com/{f.word()}",
    "url": lambda f: f"https://example.com/{f.word()}",
    "uri-reference": lambda f: f"/{f.word()}",
    "iri": lambda f: f"https://example.com/{f.word()}",
    "email": lambda f: f"{f.word()}@example.com",
    "idn-email": lambda f: f"{f.word()}@example.com",
    "hostname": lambda f: f"{f.word()}.example.com",
    "ipv4": lambda f: f"192.0.2.{f.rng.randint(1, 254)}",
    "ipv6": lambda f: f"2001:db8::{f.rng.randint(1, 0xFFFF):x}",
    "uuid": lambda f: str(uuid.UUID(int=f.rng.getrandbits(128), version=4)),
    "ulid": _ulid,
    "date-time": lambda f: (
        _EPOCH + datetime.timedelta(seconds=f.rng.randint(0, 10**8))
    ).isoformat(),
    "date": lambda f: (_EPOCH + datetime.timedelta(days=f.rng.randint(0, 3000))).date().isoformat(),
    "time": lambda f: f"{f.rng.randint(0, 23):02d}:{f.rng.randint(0, 59):02d}:00",
    "byte": lambda f: base64.b64encode(f.word().encode()).decode(),
    "password": lambda f: f"secret-{f.rng.randint(1000, 9999)}",
}
