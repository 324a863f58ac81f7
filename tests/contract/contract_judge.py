"""Judging what a generated client did: values lost on the wire, results of the promised type."""

from __future__ import annotations

import json
import typing
from typing import Any

import pydantic
from contract_wire import Exchange, Package


def short(value: Any) -> str:
    if isinstance(value, BaseException):
        text = " ".join(str(value).split())
        return f"{type(value).__name__}: {text}"[:600]
    return repr(value)[:600]


def json_or_none(exchange: Exchange, request: bool = False) -> Any:
    """The JSON of the response (or with ``request``, of the request) body, else its text."""
    content = exchange.request.content if request else exchange.body
    try:
        return json.loads(content) if content else None
    except ValueError:
        return content.decode("utf-8", "replace")


def lost_values(intended: Any, sent: Any, where: str = "$") -> str:
    """Where ``sent`` lacks or changed a value of ``intended`` ("" when every value arrived)."""
    if isinstance(intended, dict):
        if not isinstance(sent, dict):
            return f"{where}: sent {type(sent).__name__}, not an object"
        for key, value in intended.items():
            if key not in sent:
                return f"{where}.{key}: not sent"
            inner = lost_values(value, sent[key], f"{where}.{key}")
            if inner:
                return inner
        return ""
    if isinstance(intended, list):
        if not isinstance(sent, list) or len(sent) != len(intended):
            return f"{where}: sent {sent!r:.100}, wanted {intended!r:.100}"
        for i, (a, b) in enumerate(zip(intended, sent)):
            inner = lost_values(a, b, f"{where}[{i}]")
            if inner:
                return inner
        return ""
    if isinstance(intended, float) and isinstance(sent, (int, float)) and float(sent) == intended:
        return ""
    if isinstance(intended, str) and isinstance(sent, str) and _same_instant(intended, sent):
        return ""  # a date-time written another way (".000Z" and "Z", "+00:00"...)
    if isinstance(intended, str) and isinstance(sent, str) and _same_uuid(intended, sent):
        return ""  # a UUID in the other case: RFC 4122 section 3 reads it case-insensitively
    if intended != sent or type(intended) is bool and type(sent) is not bool:
        return f"{where}: sent {sent!r:.100}, wanted {intended!r:.100}"
    return ""


def conforms(value: Any, target: Any, pkg: Package, where: str) -> str:
    """"" when ``value`` is what the type ``target`` promises, else why not."""
    origin = typing.get_origin(target)
    if target is Any:
        return ""
    if target is None or target is type(None):
        return "" if value is None else f"{where}: expected None, got {type(value).__name__}"
    if isinstance(target, type) and origin is None:
        if isinstance(value, target):
            return ""
        return f"{where}: expected {target.__name__}, got {type(value).__name__}"
    if origin is list:
        if not isinstance(value, list):
            return f"{where}: expected a list, got {type(value).__name__}"
        for item in value:
            inner = conforms(item, typing.get_args(target)[0], pkg, f"{where}[]")
            if inner:
                return inner
        return ""
    if origin is dict:
        return "" if isinstance(value, dict) else f"{where}: expected a dict, got {type(value).__name__}"
    try:
        pydantic.TypeAdapter(target).validate_python(value)
    except Exception as exc:  # noqa: BLE001
        return f"{where}: {short(exc)}"
    unknown = getattr(pkg.models, "UnknownVariant", None)
    if unknown is not None and isinstance(value, unknown):
        return f"{where}: a known variant parsed as UnknownVariant"
    return ""


def _same_uuid(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are the same UUID in the canonical 8-4-4-4-12 form, differing in
    case only (RFC 4122 section 3: case-insensitive on input, written in lower case on output)."""
    import uuid

    if len(a) != 36 or a.lower() != b.lower():
        return False
    try:
        return uuid.UUID(a) == uuid.UUID(b)
    except ValueError:
        return False


def _same_instant(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are the same RFC 3339 date-time (or date, or time) written
    differently."""
    import datetime

    if a == b:
        return True
    for parse in (datetime.datetime.fromisoformat, datetime.date.fromisoformat, datetime.time.fromisoformat):
        try:
            return parse(a.replace("Z", "+00:00")) == parse(b.replace("Z", "+00:00"))
        except ValueError:
            continue
    return False
