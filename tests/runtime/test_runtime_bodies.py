"""The runtime's dict bodies (``_bodies.as_body``) and webhooks (``_webhooks.unwrap_event``),
tested once here; generated clients use them through ``tests/features``."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import httpx
import pydantic
import pytest

from rtpkg._bodies import RequestBodyError, as_body
from rtpkg._models import BaseModel, UnknownVariant, body_kwargs, discriminate
from rtpkg._types import NOT_GIVEN
from rtpkg._webhooks import UnknownWebhookError, unwrap_event


class Item(BaseModel):
    sku: Annotated[str, pydantic.Field(alias="skuCode")]


class Open(BaseModel):
    __additional_properties__: ClassVar[bool] = True
    note: str | None = None


class Order(BaseModel):
    items: list[Item]
    meta: Open | None = None
    by_key: dict[str, Item] | None = None


def test_a_dict_becomes_the_model_by_json_or_python_names() -> None:
    order = as_body(Order, {"items": [{"skuCode": "a"}, {"sku": "b"}], "meta": {"note": "n", "x": 1}})
    assert isinstance(order, Order)
    assert [i.sku for i in order.items] == ["a", "b"]
    assert order.meta is not None and order.meta.model_extra == {"x": 1}  # declared open


def test_what_is_no_dict_passes_unchanged() -> None:
    model = Order(items=[])
    assert as_body(Order, model) is model
    assert as_body(Order, NOT_GIVEN) is NOT_GIVEN
    assert as_body(Order, b"raw") == b"raw"


def test_every_problem_is_named_by_its_path() -> None:
    with pytest.raises(RequestBodyError) as info:
        as_body(Order, {"items": [{"skuCode": "a", "colour": "red"}], "by_key": {"k": {"sku": "b", "n": 1}}, "top": 1})
    # the model's own extra keys first, then its fields' in declaration order
    assert info.value.problems == ["top: unknown field", "items.0.colour: unknown field", "by_key.k.n: unknown field"]
    with pytest.raises(RequestBodyError, match=r"Invalid request body for Order: items\.0\.skuCode: Field required"):
        as_body(Order, {"items": [{}]})
    assert issubclass(RequestBodyError, ValueError)


def test_body_kwargs_validates_a_dict_and_prefers_multipart_for_a_file() -> None:
    class Upload(BaseModel):
        file: Any = None
        title: str | None = None

    kinds = ((Upload, "json", "application/json"), (Upload, "multipart", "multipart/form-data"))
    sent = body_kwargs({"title": "t"}, kinds)
    assert isinstance(sent["json"], Upload) and sent["content_type"] == "application/json"
    sent = body_kwargs({"file": b"\x00\x01", "title": "t"}, kinds)
    assert sent["multipart"] == {"file": b"\x00\x01", "title": "t"}
    with pytest.raises(RequestBodyError, match="nope: unknown field"):
        body_kwargs({"nope": 1}, kinds)


class Added(BaseModel):
    kind: Literal["added"] = "added"
    id: str


class Removed(BaseModel):
    kind: Literal["removed"] = "removed"
    id: str
    reason: str | None = None


Event = Annotated[
    Annotated[Added, pydantic.Tag("Added")]
    | Annotated[Removed, pydantic.Tag("Removed")]
    | Annotated[UnknownVariant, pydantic.Tag("UnknownVariant")],
    pydantic.Discriminator(discriminate("kind", {"added": "Added", "removed": "Removed"})),
]
NAMES = ("added", "removed")


def test_unwrap_parses_bytes_text_and_mappings_into_the_declared_variant() -> None:
    assert isinstance(unwrap_event(Event, NAMES, b'{"kind": "added", "id": "1"}'), Added)
    assert isinstance(unwrap_event(Event, NAMES, '{"kind": "removed", "id": "2"}'), Removed)
    assert unwrap_event(Event, NAMES, {"kind": "removed", "id": "3"}).id == "3"


def test_unwrap_refuses_an_unknown_variant_non_json_and_a_misfit() -> None:
    with pytest.raises(UnknownWebhookError, match=r"Not a declared webhook \(added, removed\): .*sold"):
        unwrap_event(Event, NAMES, b'{"kind": "sold", "id": "1"}')
    with pytest.raises(UnknownWebhookError, match="the body is not JSON"):
        unwrap_event(Event, NAMES, b"not json")
    with pytest.raises(UnknownWebhookError, match="id: Field required"):
        unwrap_event(Event, NAMES, b'{"kind": "added"}')


def test_verify_runs_first_on_the_raw_bytes() -> None:
    calls: list[tuple[bytes, str | None]] = []

    def verify(body: bytes, headers: httpx.Headers) -> None:
        calls.append((body, headers.get("sig")))
        if headers.get("sig") != "ok":
            raise PermissionError("rejected")

    body = b'{"kind": "added", "id": "1"}'
    assert unwrap_event(Event, NAMES, body, headers={"Sig": "ok"}, verify=verify).id == "1"
    with pytest.raises(PermissionError):
        unwrap_event(Event, NAMES, b"not even json", headers={"Sig": "bad"}, verify=verify)
    assert calls == [(body, "ok"), (b"not even json", "bad")]
    with pytest.raises(TypeError, match="raw body"):
        unwrap_event(Event, NAMES, {"kind": "added", "id": "1"}, verify=verify)
