"""Encoding of path, query and header parameters (OpenAPI ``style``/``explode``)."""

from __future__ import annotations

import datetime
import enum
import functools
import re
from collections.abc import Collection, Mapping, Sequence
from typing import cast
from urllib.parse import quote, quote_plus

import pydantic

from ._models import dump_sent
from ._serialization import dump_json
from ._types import NotGiven

__all__ = [
    "PATH_STYLES",
    "QUERY_STYLES",
    "BodyEncoding",
    "content_text",
    "drop_absent",
    "encode_cookie_value",
    "encode_form",
    "encode_header_value",
    "encode_path",
    "encode_query",
    "is_json_media",
    "is_structured",
    "join_query",
    "query_pairs",
    "quote_query",
    "to_param_str",
]

QUERY_STYLES = frozenset({"form", "spaceDelimited", "pipeDelimited", "deepObject"})
"""The OpenAPI ``style`` values accepted for query parameters."""

PATH_STYLES = frozenset({"simple", "label", "matrix"})
"""The OpenAPI ``style`` values accepted for path parameters."""

BodyEncoding = tuple[str | None, bool, bool, str | None]
"""How one property of a form or multipart body is encoded (its OpenAPI Encoding Object):
``(style, explode, allowReserved, contentType)``. ``style`` is ``None`` unless the Encoding
Object gives one of ``style``, ``explode`` or ``allowReserved`` (then the value is serialized
like a query parameter of that style); ``contentType`` is the media type of a value serialized
by content (JSON text for a JSON media type) and, in a multipart body, the part's Content-Type."""

_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_FORBIDDEN_HEADER_CHARS = re.compile(r"[\r\n\x00]")


def to_param_str(value: object) -> str:
    """Convert one scalar parameter value to its wire string.

    ``bool`` -> ``"true"``/``"false"``; enums -> their ``.value``; dates and
    datetimes -> ISO 8601; ``bytes`` -> UTF-8 text; anything else (str, int, float,
    UUID, Decimal) -> ``str(value)``. An object or array where a style has no place for one
    (an object inside an array item, a header's or a path's nested value) is sent as its
    compact JSON text, never as a Python ``repr``.
    """
    if isinstance(value, enum.Enum):
        value = value.value
    if is_structured(value):
        return dump_json(value).decode("utf-8")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def _present(value: object) -> bool:
    return value is not None and not isinstance(value, NotGiven)


def _as_object(value: object) -> Mapping[str, object] | None:
    """Return ``value`` as a mapping when it is an object (a model or a dict)."""
    if isinstance(value, pydantic.BaseModel):
        return dump_sent(value)
    if isinstance(value, Mapping):
        mapping = cast("Mapping[object, object]", value)
        return {str(k): v for k, v in mapping.items() if _present(v)}
    return None


def _as_array(value: object) -> list[object] | None:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = cast("Collection[object]", value)
        return [item for item in items if _present(item)]
    return None


def encode_query(
    params: Mapping[str, object],
    styles: Mapping[str, tuple[str, bool] | tuple[str, bool, bool]] | None = None,
) -> list[tuple[str, str]]:
    """Encode query parameters into ordered ``(name, value)`` pairs of text, before any
    percent-encoding (:func:`query_pairs` applies it).

    ``params`` maps wire names to values; ``styles`` maps a wire name to its OpenAPI
    ``(style, explode)`` (a third item, ``allowReserved``, is ignored here), defaulting to
    ``("form", True)``. Rules:

    * ``NOT_GIVEN`` and ``None`` values are dropped (not sent at all), as are empty
      arrays and objects.
    * form + explode: arrays repeat the key (``a=1&a=2``); objects send each property
      as its own parameter (``x=1&y=2``), a property that is itself an object in the bracket
      form of ``deepObject`` (``x[y][z]=1``), as qs-style servers read it.
    * form, spaceDelimited, pipeDelimited without explode: array items joined with
      ``,``, `` `` or ``|``; objects as ``k1,v1,k2,v2`` (with that delimiter).
    * spaceDelimited/pipeDelimited with explode behave like form + explode.
    * deepObject: ``a[b]=1``, nested objects as ``a[b][c]=1``, arrays repeat the key.

    Raises:
        ValueError: for an unknown style.
    """
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        if not _present(value):
            continue
        style, explode = (styles or {}).get(name, ("form", True))[:2]
        if style not in QUERY_STYLES:
            raise ValueError(f"Unsupported query style {style!r} for `{name}`")
        if style == "deepObject":
            _encode_deep(name, value, pairs)
            continue
        array = _as_array(value)
        obj = None if array is not None else _as_object(value)
        if array is not None:
            items = [to_param_str(item) for item in array]
            if explode:
                pairs.extend((name, item) for item in items)
            elif items:
                pairs.append((name, _DELIMITERS[style].join(items)))
        elif obj is not None:
            if explode:
                pairs.extend(_encode_flat(obj))
            elif obj:
                flat = [to_param_str(part) for kv in obj.items() for part in kv]
                pairs.append((name, _DELIMITERS[style].join(flat)))
        else:
            pairs.append((name, to_param_str(value)))
    return pairs


#: The RFC 3986 reserved characters a query value keeps unencoded when its parameter says
#: ``allowReserved: true``: the sub-delimiters, ``:``, ``@``, ``/`` and ``?``. ``#``, ``[`` and
#: ``]`` cannot appear in a query at all (RFC 3986 3.4), so they are percent-encoded still.
_RESERVED_IN_QUERY = "!$&'()*+,;=:@/?"
_PCT_TRIPLE = re.compile(r"(%[0-9A-Fa-f]{2})")


def quote_query(text: str, allow_reserved: bool = False) -> str:
    """``text`` percent-encoded as a query name or value (RFC 3986, RFC 6570 form expansion):
    every character but the unreserved ones (``A-Z a-z 0-9 - . _ ~``), so a space is ``%20``,
    never the ``+`` of HTML forms. With ``allow_reserved`` (OpenAPI ``allowReserved``, RFC 6570
    reserved expansion) the reserved characters allowed in a query and percent-encoded triples
    pass unchanged."""
    if not allow_reserved:
        return quote(text, safe="")
    return "".join(
        piece if _PCT_TRIPLE.fullmatch(piece) else quote(piece, safe=_RESERVED_IN_QUERY)
        for piece in _PCT_TRIPLE.split(text)
    )


def query_pairs(
    params: Mapping[str, object],
    styles: Mapping[str, tuple[str, bool] | tuple[str, bool, bool]] | None = None,
) -> list[tuple[str, str]]:
    """Query parameters as percent-encoded ``(name, value)`` pairs, ready for
    :func:`join_query`: :func:`encode_query`'s pairs through :func:`quote_query`; a parameter
    whose ``styles`` entry is ``(style, explode, True)`` allows reserved characters in its
    values. A delimiter a style puts between items (``,``, `` ``, ``|``) is percent-encoded like
    the path's (``_PATH_COMMA``): servers read it alike once they decode the value.

    Raises:
        ValueError: for an unknown style.
    """
    out: list[tuple[str, str]] = []
    for name, value in params.items():
        style = (styles or {}).get(name)
        reserved = style is not None and len(style) > 2 and bool(style[2])
        for key, text in encode_query({name: value}, {name: style} if style else None):
            out.append((quote_query(key), quote_query(text, reserved)))
    return out


def join_query(pairs: Sequence[tuple[str, str]]) -> str:
    """Percent-encoded ``(name, value)`` pairs as a query string (without ``?``)."""
    return "&".join(f"{name}={value}" for name, value in pairs)


def is_json_media(media_type: str) -> bool:
    """Whether ``media_type`` is JSON (``application/json``, ``*/*+json``, ``*/json``)."""
    mt = media_type.split(";", 1)[0].strip().lower()
    return mt.endswith(("/json", "+json"))


def is_structured(value: object) -> bool:
    """Whether ``value`` is an object or an array (a model, a mapping, a list or a tuple)."""
    return isinstance(value, (Mapping, list, tuple, pydantic.BaseModel))


def content_text(value: object, media_type: str) -> str:
    """``value`` serialized by content: JSON text for a JSON ``media_type``, objects and arrays
    (which have no other text form), else its parameter string (``to_param_str``)."""
    if is_json_media(media_type) or is_structured(value):
        return dump_json(value).decode("utf-8")
    return to_param_str(value)


def encode_form(
    fields: Mapping[str, object], encoding: Mapping[str, BodyEncoding] | None = None
) -> bytes:
    """An ``application/x-www-form-urlencoded`` body of ``fields`` (wire names to JSON-ready
    values), each field by its ``encoding`` (OAS 3.1.0 4.8.15, Encoding Object):

    * a ``style`` (``form``, ``spaceDelimited``, ``pipeDelimited``, ``deepObject``) with
      ``explode`` and ``allowReserved``: serialized like a query parameter of that style
      (:func:`encode_query`; an exploded object sends its properties) and percent-encoded per
      RFC 3986 (:func:`quote_query`, a space is ``%20``);
    * a ``contentType`` only: the value's text in that media type (:func:`content_text`);
    * no Encoding Object: style ``form``, exploded (arrays repeat the name, objects send their
      properties).

    Values without a style are encoded by the form rules (WHATWG URL, a space is ``+``).
    ``None`` and ``NOT_GIVEN`` values are left out.

    Raises:
        ValueError: for an unknown style.
    """
    pieces: list[str] = []
    for name, value in fields.items():
        if not _present(value):
            continue
        style, explode, reserved, media = (encoding or {}).get(name) or (None, True, False, None)
        if style is not None:
            pairs = encode_query({name: value}, {name: (style, explode)})
            pieces += [f"{quote_query(k)}={quote_query(v, reserved)}" for k, v in pairs]
            continue
        if media is not None:
            pairs = [(name, content_text(value, media))]
        else:
            pairs = encode_query({name: value})
        pieces += [f"{quote_plus(k, safe='')}={quote_plus(v, safe='')}" for k, v in pairs]
    return "&".join(pieces).encode("ascii")


def _encode_flat(obj: Mapping[str, object]) -> list[tuple[str, str]]:
    """An exploded form object's properties as parameters of their own: arrays repeat the
    name, a nested object takes the bracket form (``first[second]=x``; OpenAPI defines no form
    for it, and the text of a ``repr`` is no form at all)."""
    pairs: list[tuple[str, str]] = []
    for key, value in obj.items():
        if not _present(value):
            continue
        array = _as_array(value)
        if array is not None:
            pairs.extend((key, to_param_str(item)) for item in array)
        elif _as_object(value) is not None:
            _encode_deep(key, value, pairs)
        else:
            pairs.append((key, to_param_str(value)))
    return pairs


def _encode_deep(prefix: str, value: object, pairs: list[tuple[str, str]]) -> None:
    obj = _as_object(value)
    if obj is not None:
        for key, item in obj.items():
            if _present(item):
                _encode_deep(f"{prefix}[{key}]", item, pairs)
        return
    array = _as_array(value)
    if array is not None:
        for item in array:
            _encode_deep(prefix, item, pairs)
        return
    pairs.append((prefix, to_param_str(value)))


#: The characters ``quote(safe="")`` leaves as they are.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]+")


def _segment_text(text: str) -> str:
    """One value of a path parameter, percent-encoded (``quote(safe="")``); a value made only
    of dots is encoded as ``%2E`` so it cannot climb the path."""
    if _UNRESERVED.fullmatch(text) and text.strip("."):
        return text  # (the common case: nothing to encode)
    encoded = quote(text, safe="")
    if encoded.strip(".") == "":
        # "." and ".." would be removed by URL normalisation; keep them a segment.
        encoded = encoded.replace(".", "%2E")
    return encoded


#: The list delimiter of path expansions. RFC 6570 writes it as a literal ``,``; it is sent
#: percent-encoded, which servers read the same once they decode the segment (as frameworks
#: do before splitting it), while a literal one makes some routers (Prism's URI-template
#: matcher among them) split the segment into a list themselves.
_PATH_COMMA = "%2C"


def _path_segment(name: str, value: object, style: str = "simple", explode: bool = False) -> str:
    """The expansion of one path parameter (RFC 6570 ``{x}``, ``{.x}``, ``{;x}``, with ``*``
    when ``explode``): values percent-encoded, the style's ``.``, ``;`` and ``=`` literal and
    its ``,`` as ``%2C``."""
    if style == "simple" and type(value) is str and value:
        return _segment_text(value)  # (the common case: one string)
    if not _present(value):
        raise ValueError(f"Expected a non-empty value for `{name}`")
    if style not in PATH_STYLES:
        raise ValueError(f"Unsupported path style {style!r} for `{name}`")
    array = _as_array(value)
    obj = None if array is not None else _as_object(value)
    texts: list[str]
    pairs: list[tuple[str, str]] | None = None
    if array is not None:
        texts = [_segment_text(to_param_str(item)) for item in array]
    elif obj is not None:
        pairs = [
            (_segment_text(str(k)), _segment_text(to_param_str(v)))
            for k, v in obj.items()
            if _present(v)
        ]
        texts = [part for kv in pairs for part in kv]
    else:
        text = to_param_str(value)
        texts = [_segment_text(text)] if text else []
    if not texts:
        raise ValueError(f"Expected a non-empty value for `{name}`")
    key = _segment_text(name)
    if explode and pairs is not None:
        lead, sep = {"simple": ("", _PATH_COMMA), "label": (".", "."), "matrix": (";", ";")}[style]
        return lead + sep.join(f"{k}={v}" for k, v in pairs)
    if explode and array is not None and style == "label":
        return "." + ".".join(texts)
    if explode and array is not None and style == "matrix":
        return "".join(f";{key}={text}" for text in texts)
    return {"simple": "", "label": ".", "matrix": f";{key}="}[style] + _PATH_COMMA.join(texts)


def encode_path(
    template: str,
    params: Mapping[str, object],
    styles: Mapping[str, tuple[str, bool]] | None = None,
) -> str:
    """Substitute ``{name}`` placeholders of a path template with encoded values.

    ``styles`` maps a parameter name to its OpenAPI ``(style, explode)``, defaulting to
    ``("simple", False)``; OAS 3.1.0 4.8.12.4 (RFC 6570) for each, e.g. for ``5``, ``[3, 4]``
    and ``{"a": 1, "b": 2}`` (``,`` written ``%2C``, see ``_PATH_COMMA``):

    * simple: ``5``, ``3,4``, ``a,1,b,2``; exploded object ``a=1,b=2``.
    * label: ``.5``, ``.3,4``, ``.a,1,b,2``; exploded ``.3.4``, ``.a=1.b=2``.
    * matrix (``id``): ``;id=5``, ``;id=3,4``, ``;id=a,1,b,2``; exploded ``;id=3;id=4``,
      ``;a=1;b=2``.

    Each value (item, key) is percent-encoded (``quote(safe="")``), so ``../x`` becomes
    ``..%2Fx`` and ``a/b`` becomes ``a%2Fb``; a value made only of dots is encoded as ``%2E``
    so it cannot climb the path. Call this before any I/O.

    Raises:
        ValueError: ``"Expected a non-empty value for `name`"`` when a value is
            missing, ``NOT_GIVEN``, ``None``, an empty string or an empty array/object;
            an unknown style.
    """

    parts = _template_parts(template)
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        style, explode = (styles or {}).get(parts[i], ("simple", False))
        out.append(_path_segment(parts[i], params.get(parts[i]), style, explode))
        out.append(parts[i + 1])
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def _template_parts(template: str) -> tuple[str, ...]:
    """``(literal, name, literal, ..., literal)``: a path template split at its placeholders,
    the literal text percent-encoded where a URL would read it otherwise (``#``, ``?``, spaces,
    non-ASCII); ``/``, ``:``, sub-delimiters and existing ``%`` escapes are kept."""
    parts = _PLACEHOLDER.split(template)
    for i in range(0, len(parts), 2):
        parts[i] = quote(parts[i], safe="/:@!$&'()*+,;=-._~%")
    return tuple(parts)


def encode_header_value(name: str, value: object, explode: bool = False) -> str:
    """Convert a header parameter value to a string that is safe to send.

    Scalars use ``to_param_str``; arrays are joined with ``,`` and objects as
    ``k1,v1,k2,v2`` (OpenAPI ``simple`` style), or ``k1=v1,k2=v2`` when ``explode``.

    Raises:
        ValueError: when the name or the value contains CR, LF or NUL (header
            injection); the message names the header, never the value.
    """
    if _FORBIDDEN_HEADER_CHARS.search(name):
        raise ValueError(f"Invalid character in header name {name!r}")
    array = _as_array(value)
    obj = None if array is not None else _as_object(value)
    if array is not None:
        text = ",".join(to_param_str(item) for item in array)
    elif obj is not None and explode:
        text = ",".join(f"{k}={to_param_str(v)}" for k, v in obj.items() if _present(v))
    elif obj is not None:
        text = ",".join(to_param_str(part) for kv in obj.items() if _present(kv[1]) for part in kv)
    else:
        text = to_param_str(value)
    if _FORBIDDEN_HEADER_CHARS.search(text):
        raise ValueError(f"Invalid CR, LF or NUL character in the value of `{name}`")
    return text


def encode_cookie_value(value: object) -> str:
    """Convert a cookie value to a ``cookie-octet`` string (RFC 6265).

    Characters outside the cookie-octet set (space, ``"``, ``,``, ``;``, ``\\``,
    ``%`` and non-ASCII) are percent-encoded.
    """
    return quote(to_param_str(value), safe="!#$&'()*+-./:<=>?@[]^_`{|}~")


def drop_absent(values: Mapping[str, object] | None) -> Sequence[tuple[str, object]]:
    """Return the ``(name, value)`` items of ``values`` that are not ``None``/``NOT_GIVEN``."""
    if not values:
        return ()
    return [(k, v) for k, v in values.items() if _present(v)]


def cookie_pairs(cookies: Mapping[str, object] | None) -> tuple[tuple[str, str], ...]:
    """The ``(name, value)`` pairs of the cookie parameters given (absent ones left out); an array
    is its items' texts joined by commas (style ``form``, the only style of a cookie)."""
    return tuple(
        (
            name,
            (
                ",".join(to_param_str(v) for v in cast("Sequence[object]", value))
                if isinstance(value, (list, tuple))
                else to_param_str(value)
            ),
        )
        for name, value in drop_absent(cookies)
    )
