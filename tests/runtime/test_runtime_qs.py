"""Parameter encoding: query styles, path segments, header and cookie values."""

from __future__ import annotations

import datetime
import enum
import uuid
from decimal import Decimal

import httpx
import pydantic
import pytest

from rtpkg._qs import (
    encode_cookie_value,
    encode_form,
    encode_header_value,
    encode_path,
    encode_query,
    join_query,
    query_pairs,
    quote_query,
    to_param_str,
)
from rtpkg._types import NOT_GIVEN, NotGiven


class Color(enum.Enum):
    RED = "red"


class Filter(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)
    status: str
    created_after: str | None = pydantic.Field(default=None, alias="createdAfter")


def test_not_given_is_a_falsy_singleton() -> None:
    assert not NOT_GIVEN
    assert repr(NOT_GIVEN) == "NOT_GIVEN"
    assert NotGiven() is NOT_GIVEN


def test_scalars_convert_to_wire_strings() -> None:
    when = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    uid = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert to_param_str(True) == "true"
    assert to_param_str(False) == "false"
    assert to_param_str(Color.RED) == "red"
    assert to_param_str(when) == "2024-01-02T03:04:05+00:00"
    assert to_param_str(datetime.date(2024, 1, 2)) == "2024-01-02"
    assert to_param_str(uid) == str(uid)
    assert to_param_str(Decimal("1.50")) == "1.50"
    assert to_param_str(3) == "3"


def test_absent_values_are_dropped() -> None:
    assert encode_query({"a": NOT_GIVEN, "b": None, "c": 1, "d": []}) == [("c", "1")]


def test_form_explode_repeats_arrays_and_flattens_objects() -> None:
    assert encode_query({"id": [1, 2], "o": {"x": 1, "y": "b"}}) == [
        ("id", "1"),
        ("id", "2"),
        ("x", "1"),
        ("y", "b"),
    ]


def test_a_nested_object_is_never_sent_as_a_repr() -> None:
    """An object inside a form-exploded object takes the bracket form; where a style has no
    place for an object (an array item, a non-exploded object's value, a header, a path), its
    JSON text."""
    nested = {"first": {"second": {"third": "x"}}, "n": 1}
    assert encode_query({"parameterObject": nested}) == [("first[second][third]", "x"), ("n", "1")]
    model = Filter(status="on", createdAfter="2024")
    assert encode_query({"o": {"f": model}}) == [("f[status]", "on"), ("f[createdAfter]", "2024")]
    assert encode_query({"o": {"tags": [{"a": 1}]}}) == [("tags", '{"a":1}')]
    assert encode_query({"o": {"first": {"a": 1}}}, {"o": ("form", False)}) == [("o", 'first,{"a":1}')]
    assert encode_query({"ids": [{"a": 1}, model]}) == [("ids", '{"a":1}'), ("ids", '{"status":"on","createdAfter":"2024"}')]
    assert encode_header_value("X-A", {"a": {"b": [1]}}) == 'a,{"b":[1]}'
    assert encode_path("/p/{id}", {"id": {"a": {"b": 1}}}) == "/p/a%2C%7B%22b%22%3A1%7D"
    for pairs in (encode_query({"o": nested}), encode_query({"o": [nested]}, {"o": ("form", False)})):
        assert not any("'" in text for _, text in pairs), pairs


def test_form_without_explode_joins_with_commas() -> None:
    styles = {"id": ("form", False), "o": ("form", False)}
    assert encode_query({"id": [1, 2, 3], "o": {"x": 1, "y": 2}}, styles) == [
        ("id", "1,2,3"),
        ("o", "x,1,y,2"),
    ]


def test_space_and_pipe_delimited() -> None:
    styles = {"s": ("spaceDelimited", False), "p": ("pipeDelimited", False)}
    assert encode_query({"s": ["a", "b"], "p": ["a", "b"]}, styles) == [
        ("s", "a b"),
        ("p", "a|b"),
    ]
    exploded = {"p": ("pipeDelimited", True)}
    assert encode_query({"p": ["a", "b"]}, exploded) == [("p", "a"), ("p", "b")]


def test_deep_object_nests_brackets() -> None:
    styles = {"filter": ("deepObject", True)}
    value = {"status": "on", "range": {"min": 1}, "tags": ["a", "b"], "skip": None}
    assert encode_query({"filter": value}, styles) == [
        ("filter[status]", "on"),
        ("filter[range][min]", "1"),
        ("filter[tags]", "a"),
        ("filter[tags]", "b"),
    ]


def test_models_are_dumped_by_alias_with_only_set_fields() -> None:
    styles = {"f": ("deepObject", True)}
    model = Filter(status="on", createdAfter="2024")
    assert encode_query({"f": model}, styles) == [
        ("f[status]", "on"),
        ("f[createdAfter]", "2024"),
    ]
    assert encode_query({"f": Filter(status="on")}) == [("status", "on")]


def test_values_convert_inside_query() -> None:
    assert encode_query({"b": True, "c": Color.RED, "l": [False]}) == [
        ("b", "true"),
        ("c", "red"),
        ("l", "false"),
    ]


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="Unsupported query style"):
        encode_query({"a": 1}, {"a": ("matrix", True)})


def test_query_text_is_percent_encoded_per_rfc_3986() -> None:
    """Everything but the unreserved characters is percent-encoded (a space is ``%20``, a
    ``+`` is ``%2B``); ``allowReserved`` keeps the reserved characters a query may hold and
    percent-encoded triples, not ``#``, ``[``, ``]`` or a lone ``%``."""
    assert quote_query("a b+c/d?é~_.-") == "a%20b%2Bc%2Fd%3F%C3%A9~_.-"
    reserved = quote_query("https://x/a b?c=d&e=%2F[#]%zz", allow_reserved=True)
    assert reserved == "https://x/a%20b?c=d&e=%2F%5B%23%5D%25zz"


def test_query_pairs_encode_names_values_and_delimiters() -> None:
    styles = {
        "tags": ("form", False),
        "words": ("spaceDelimited", False),
        "f": ("deepObject", True),
        "next": ("form", True, True),
        "raw": ("form", False, True),
    }
    pairs = query_pairs(
        {
            "a b": "c d",
            "tags": ["x,y", "z"],
            "words": ["p", "q"],
            "f": {"lo": 1},
            "next": "/p?q=1",
            "raw": ["1", "2"],
        },
        styles,
    )
    assert join_query(pairs) == (
        "a%20b=c%20d&tags=x%2Cy%2Cz&words=p%20q&f%5Blo%5D=1&next=/p?q=1&raw=1,2"
    )


def test_form_bodies_by_their_encoding() -> None:
    """No Encoding Object: form rules (``+`` for a space, arrays repeated, objects exploded);
    a style: RFC 3986 and the style; a ``contentType`` alone: the value's JSON text."""
    encoding = {
        "tags": ("pipeDelimited", False, False, None),
        "link": ("form", True, True, None),
        "meta": (None, False, False, "application/json"),
        "id": (None, False, False, "text/plain"),
    }
    body = encode_form(
        {
            "plain": "a b",
            "list": ["1", "2"],
            "obj": {"k": "v w"},
            "tags": ["a b", "c"],
            "link": "http://x/?a=b c",
            "meta": {"k": "v"},
            "id": 7,
            "none": None,
            "skip": NOT_GIVEN,
        },
        encoding,
    )
    assert body == (
        b"plain=a+b&list=1&list=2&k=v+w&tags=a%20b%7Cc&link=http://x/?a=b%20c"
        b"&meta=%7B%22k%22%3A%22v%22%7D&id=7"
    )


def test_path_values_stay_inside_their_segment() -> None:
    template = "/orgs/{org}/files/{name}"
    assert encode_path(template, {"org": "a/b", "name": "../x"}) == ("/orgs/a%2Fb/files/..%2Fx")
    assert encode_path("/x/{id}", {"id": ".."}) == "/x/%2E%2E"
    assert encode_path("/x/{id}", {"id": "a b?c#d%"}) == "/x/a%20b%3Fc%23d%25"
    # the list delimiter goes percent-encoded (see _qs._PATH_COMMA), like a comma in a value
    assert encode_path("/x/{ids}", {"ids": [1, "a,b"]}) == "/x/1%2Ca%2Cb"
    assert encode_path("/x/{flag}", {"flag": True}) == "/x/true"


OBJ = {"role": "admin", "firstName": "Alex"}


@pytest.mark.parametrize(
    "style,explode,expected",
    [
        ("simple", False, ["5", "3,4,5", "role,admin,firstName,Alex"]),
        ("simple", True, ["5", "3,4,5", "role=admin,firstName=Alex"]),
        ("label", False, [".5", ".3,4,5", ".role,admin,firstName,Alex"]),
        ("label", True, [".5", ".3.4.5", ".role=admin.firstName=Alex"]),
        ("matrix", False, [";id=5", ";id=3,4,5", ";id=role,admin,firstName,Alex"]),
        ("matrix", True, [";id=5", ";id=3;id=4;id=5", ";role=admin;firstName=Alex"]),
    ],
)
def test_path_styles(style: str, explode: bool, expected: list[str]) -> None:
    """OAS 3.1.0 4.8.12.4's table (RFC 6570 ``{id}``, ``{.id}``, ``{;id}`` and their ``*``),
    the list delimiter ``,`` percent-encoded."""
    styles = {"id": (style, explode)}
    got = [encode_path("/{id}", {"id": v}, styles)[1:] for v in (5, [3, 4, 5], OBJ)]
    assert got == [e.replace(",", "%2C") for e in expected]


def test_path_style_values_are_encoded_and_cannot_climb() -> None:
    assert encode_path("/{id}", {"id": "a.b/c"}, {"id": ("label", False)}) == "/.a.b%2Fc"
    assert encode_path("/{id}", {"id": ".."}, {"id": ("label", False)}) == "/.%2E%2E"
    assert encode_path("/{id}", {"id": {"k": "a;b=c"}}, {"id": ("matrix", True)}) == "/;k=a%3Bb%3Dc"
    with pytest.raises(ValueError, match="Unsupported path style"):
        encode_path("/{id}", {"id": 1}, {"id": ("form", False)})


def test_encoded_path_survives_httpx_normalisation() -> None:
    url = httpx.URL("http://h/v1" + encode_path("/x/{id}/y", {"id": "../.."}))
    assert url.raw_path == b"/v1/x/..%2F../y"
    url = httpx.URL("http://h/v1" + encode_path("/x/{id}/y", {"id": ".."}))
    assert url.raw_path == b"/v1/x/%2E%2E/y"


@pytest.mark.parametrize("value", ["", NOT_GIVEN, None, []])
def test_empty_path_value_raises(value: object) -> None:
    with pytest.raises(ValueError, match="Expected a non-empty value for `org_id`"):
        encode_path("/orgs/{org_id}", {"org_id": value})


def test_missing_path_value_raises() -> None:
    with pytest.raises(ValueError, match="`org_id`"):
        encode_path("/orgs/{org_id}", {})


@pytest.mark.parametrize("value", ["a\r\nX-Evil: 1", "a\nb", "a\x00b"])
def test_header_injection_is_refused(value: str) -> None:
    with pytest.raises(ValueError) as info:
        encode_header_value("X-Trace", value)
    assert "X-Trace" in str(info.value)
    assert value not in str(info.value)


def test_header_values_convert() -> None:
    assert encode_header_value("X-A", [1, 2]) == "1,2"
    assert encode_header_value("X-B", True) == "true"
    assert encode_header_value("X-C", {"a": 1}) == "a,1"
    assert encode_header_value("X-D", {"a": 1, "b": "x y"}, explode=True) == "a=1,b=x y"
    with pytest.raises(ValueError):
        encode_header_value("X-Bad\r\n", "v")


def test_cookie_values_are_cookie_octets() -> None:
    assert encode_cookie_value("a b;c,d") == "a%20b%3Bc%2Cd"
    assert encode_cookie_value("eyJ.abc-_=") == "eyJ.abc-_="
