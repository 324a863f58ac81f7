"""Scalar values for the contract sweep: strings that fit a ``format``, a ``pattern`` and
length bounds, numbers within bounds, ULIDs, and the format checks values are validated with."""

from __future__ import annotations

import copy
import hashlib
import re
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import urlsplit

import openapi_schema_validator as osv

from generator.refs import Loc

CROCKFORD32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid_for(seed: str) -> str:
    """A valid ULID (26 Crockford base32 characters, first one 0-7) derived from ``seed``."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:16], "big")
    chars = []
    for _ in range(26):
        chars.append(CROCKFORD32[number & 31])
        number >>= 5
    return "".join(reversed(chars))


FORMAT_VALUES: dict[str, Callable[[str], Any]] = {
    "ulid": ulid_for,
    "date-time": lambda seed: "2024-05-06T07:08:09Z",
    "timestamp": lambda seed: "2024-05-06T07:08:09Z",
    "date": lambda seed: "2024-05-06",
    "time": lambda seed: "07:08:09",
    "duration": lambda seed: "P1D",
    "uuid": lambda seed: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "uri": lambda seed: "https://example.com/contract",
    "url": lambda seed: "https://example.com/contract",
    "uri-reference": lambda seed: "https://example.com/contract",
    "iri": lambda seed: "https://example.com/contract",
    "iri-reference": lambda seed: "https://example.com/contract",
    "uri-template": lambda seed: "https://example.com/{id}",
    "email": lambda seed: "user@example.com",
    "idn-email": lambda seed: "user@example.com",
    "hostname": lambda seed: "example.com",
    "idn-hostname": lambda seed: "example.com",
    "ipv4": lambda seed: "192.0.2.1",
    "ipv6": lambda seed: "2001:db8::1",
    "byte": lambda seed: "Y29udHJhY3Q=",
    "base64": lambda seed: "Y29udHJhY3Q=",
    "password": lambda seed: "s3cret-value",
    "json-pointer": lambda seed: "/a/b",
    "relative-json-pointer": lambda seed: "0/a",
    "regex": lambda seed: "^a+$",
    "decimal": lambda seed: "1.5",
    "int64": lambda seed: "1",
    "int32": lambda seed: "1",
    "double": lambda seed: "1.5",
    "float": lambda seed: "1.5",
}
PATTERN_CANDIDATES = [
    "a:b", "name:asc,id:desc", "abc", "a", "a-b", "a.b", "abc123", "ABC", "1", "a_b", "US", "en",
    "en-US", "+14155550100", "00000000-0000-0000-0000-000000000000",
]  # fmt: skip


def _format_checker(base: Any) -> Any:
    """``base`` (openapi-schema-validator's format checker) with ``uri`` checked as Prism (AJV's
    formats) checks it: an absolute URI, with a scheme. (jsonschema checks ``uri`` only when an
    optional package is installed; the generator's environment does not have it.) Also
    ``duration``, ``json-pointer`` and ``relative-json-pointer``, with AJV's patterns."""
    checker = copy.deepcopy(base)

    @checker.checks("uri", raises=ValueError)
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parsed = urlsplit(value)
        return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parsed.scheme)) and " " not in value

    # the formats AJV checks (ajv-formats' "full" patterns) that openapi-schema-validator does not
    for name, pattern in _AJV_FORMATS.items():
        checker.checks(name)(lambda value, pattern=pattern: not isinstance(value, str) or bool(pattern.fullmatch(value)))
    return checker


_AJV_FORMATS = {
    "duration": re.compile(r"P(?!$)((\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?|(\d+W)?)"),
    "json-pointer": re.compile(r"(?:/(?:[^~/]|~0|~1)*)*"),
    "relative-json-pointer": re.compile(r"(?:0|[1-9][0-9]*)(?:#|(?:/(?:[^~/]|~0|~1)*)*)"),
}


OAS30_FORMATS = _format_checker(osv.oas30_format_checker)
OAS31_FORMATS = _format_checker(osv.oas31_format_checker)


class Unsatisfiable(Exception):
    """No value could be built for a schema (recursion without a way out, contradictions);
    ``loc`` is the schema's location when known."""

    def __init__(self, message: str, loc: Loc | None = None) -> None:
        super().__init__(message)
        self.loc = loc


def string_for(schema: dict[str, Any], seed: str) -> str:
    """A string fitting ``format``, ``pattern`` and the length bounds."""
    fmt = schema.get("format")
    maker = FORMAT_VALUES.get(fmt) if isinstance(fmt, str) else None
    value = maker(seed) if maker else f"sample-{re.sub(r'[^A-Za-z0-9]+', '-', str(seed))}".rstrip("-")
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        try:
            fits = re.search(pattern, value) is not None
        except re.error:
            fits = True
        if not fits:
            value = _from_pattern(pattern, schema)
    low, high = int(schema.get("minLength", 0) or 0), schema.get("maxLength")
    if len(value) < low:
        value = value + "x" * (low - len(value))
    if high is not None and len(value) > int(high):
        value = value[: int(high)]
    return value


def _from_pattern(pattern: str, schema: dict[str, Any]) -> str:
    for candidate in PATTERN_CANDIDATES:
        try:
            if re.search(pattern, candidate):
                return candidate
        except re.error:
            return candidate
    low, high = int(schema.get("minLength", 0) or 0), schema.get("maxLength")
    found = _matching(pattern, low, None if high is None else int(high))
    if found is None:
        raise Unsatisfiable(f"no string matches /{pattern}/")
    return found


@lru_cache(maxsize=None)
def _matching(pattern: str, low: int, high: int | None) -> str | None:
    """A printable string matching ``pattern`` within the length bounds, from hypothesis's regex
    strategy (derandomized, no shrinking: the first example found is good enough), or None."""
    from hypothesis import Phase, find, settings
    from hypothesis import strategies as st

    try:
        return str(
            find(
                st.from_regex(pattern, fullmatch=False),
                lambda s: len(s) >= low and (high is None or len(s) <= high) and s.isprintable(),
                settings=settings(database=None, derandomize=True, max_examples=500, phases=[Phase.generate]),
            )
        )
    except Exception:  # noqa: BLE001 - hypothesis raises several kinds
        return None


def number_for(schema: dict[str, Any], *, integer: bool) -> float:
    """A number within the bounds (both 3.0 boolean and 3.1 numeric exclusive bounds)."""
    value: float = 1 if integer else 1.5
    low, high = schema.get("minimum"), schema.get("maximum")
    ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(low, (int, float)):
        value = max(value, low + (1 if ex_low is True else 0))
    if isinstance(ex_low, (int, float)) and not isinstance(ex_low, bool):
        value = max(value, ex_low + 1)
    if isinstance(high, (int, float)):
        value = min(value, high - (1 if ex_high is True else 0))
    if isinstance(ex_high, (int, float)) and not isinstance(ex_high, bool):
        value = min(value, ex_high - 1)
    step = schema.get("multipleOf")
    if isinstance(step, (int, float)) and step > 0:
        value = step * max(1, round(value / step))
        if isinstance(high, (int, float)) and value > high:
            value = step * (high // step)
    if integer:
        value = int(value)
    return value
