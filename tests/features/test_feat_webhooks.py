"""Webhooks (OpenAPI 3.1 ``webhooks``, issue 18): a model for every payload, and
``client.webhooks.unwrap(body, headers=...)`` (sync, no request) parsing a received payload into
the union of the declared webhooks (discriminated where the document allows), an unknown payload
a clear error, and a ``verify`` hook for signatures."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import httpx
import pytest

from features_helpers import Recorder, mypy_snippet, spec

HOOKS = spec(
    "webhooks",
    """
    openapi: 3.1.0
    info: {title: Hooks, version: "1"}
    paths:
      /pets:
        get:
          operationId: listPets
          tags: [pets]
          responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {type: string}}}}}}
    webhooks:
      petAdded:
        post:
          summary: A pet was added.
          requestBody:
            content:
              application/json:
                schema: {$ref: '#/components/schemas/PetAdded'}
          responses: {"200": {description: ok}}
      petRemoved:
        post:
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  required: [event, id]
                  properties:
                    event: {const: pet.removed}
                    id: {type: string}
                    reason: {type: string}
          responses: {"200": {description: ok}}
      ping:
        post:
          responses: {"200": {description: ok}}
    components:
      schemas:
        PetAdded:
          type: object
          required: [event, pet]
          properties:
            event: {const: pet.added}
            pet: {$ref: '#/components/schemas/Pet'}
        Pet:
          type: object
          required: [name]
          properties: {name: {type: string}}
    """,
)

SHAPES = spec(
    "webhooks_shapes",
    """
    openapi: 3.1.0
    info: {title: HookShapes, version: "1"}
    paths: {}
    webhooks:
      orderPaid:
        post:
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  required: [orderId, amount]
                  additionalProperties: false
                  properties: {orderId: {type: string}, amount: {type: integer}}
          responses: {"200": {description: ok}}
    """,
)


def test_every_payload_has_a_model_and_unwrap_parses_into_the_declared_webhook(gen) -> None:
    g = gen(HOOKS)
    assert g.ok, g.describe()
    rec = Recorder()
    client = g.client(rec)
    added = client.webhooks.unwrap(b'{"event": "pet.added", "pet": {"name": "Rex"}}')
    assert isinstance(added, g.models.PetAdded) and added.pet.name == "Rex"
    removed = client.webhooks.unwrap('{"event": "pet.removed", "id": "p1"}')
    assert type(removed).__name__ == "PetRemovedPayload" and removed.id == "p1"
    assert isinstance(removed, g.models.PetRemovedPayload)
    # an already decoded payload, and the async client's (sync) webhooks
    decoded = g.pkg.AsyncClient(base_url="http://t").webhooks.unwrap({"event": "pet.removed", "id": "p2"})
    assert decoded.id == "p2"
    assert rec.requests == []  # no request is made
    # the webhook without a JSON body is reported, not parsed
    assert g.diags("INFO", "webhook 'ping' has no JSON request body", pointer="/webhooks/ping")


def test_the_union_is_discriminated_by_the_const_values(gen) -> None:
    g = gen(HOOKS)
    source = g.source("models.py")
    assert "WebhookEvent: TypeAlias = " in source
    alias = source.split("WebhookEvent: TypeAlias = ", 1)[1].split("\n\n", 1)[0]
    assert "Discriminator(" in alias and "PetAdded" in alias and "PetRemovedPayload" in alias


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"event": "pet.sold", "id": "p1"}', "pet.sold"),
        (b"<html>", "the body is not JSON"),
        (b'{"event": "pet.added"}', "pet: Field required"),
    ],
)
def test_an_unknown_payload_is_a_clear_error(gen, body: bytes, detail: str) -> None:
    g = gen(HOOKS)
    g.pkg  # noqa: B018 - imports it
    hooks = importlib.import_module(f"{g.package}.webhooks")
    with pytest.raises(hooks.UnknownWebhookError) as info:
        hooks.Webhooks().unwrap(body)
    message = str(info.value)
    assert message.startswith("Not a declared webhook (petAdded, petRemoved): "), message
    assert detail in message, message
    assert info.value.body == body and info.value.webhooks == ("petAdded", "petRemoved")


def test_a_payload_of_no_discriminator_is_told_by_its_shape(gen) -> None:
    g = gen(SHAPES)
    g.pkg  # noqa: B018 - imports it
    hooks = importlib.import_module(f"{g.package}.webhooks")
    paid = hooks.Webhooks().unwrap(b'{"orderId": "o1", "amount": 5}')
    assert paid.order_id == "o1" and paid.amount == 5
    with pytest.raises(hooks.UnknownWebhookError, match="orderPaid"):
        hooks.Webhooks().unwrap(b'{"orderId": "o1", "amount": 5, "extra": true}')


def test_the_verify_hook_sees_the_raw_bytes_and_headers_and_may_reject(gen) -> None:
    g = gen(HOOKS)
    g.pkg  # noqa: B018 - imports it
    hooks = importlib.import_module(f"{g.package}.webhooks")
    seen: list[tuple[bytes, str | None]] = []
    body = b'{"event": "pet.removed", "id": "p1"}'

    def verify(raw: bytes, headers: httpx.Headers) -> None:
        seen.append((raw, headers.get("x-signature")))
        if headers.get("X-Signature") != "good":
            raise PermissionError("bad signature")

    webhooks = hooks.Webhooks(verify=verify)
    assert webhooks.unwrap(body, headers={"X-Signature": "good"}).id == "p1"
    with pytest.raises(PermissionError, match="bad signature"):
        webhooks.unwrap(body, headers={"X-Signature": "forged"})
    assert seen == [(body, "good"), (body, "forged")]
    # per call, instead of the instance's; a decoded body cannot be verified
    per_call: list[bytes] = []
    forged = webhooks.unwrap(body, headers={"X-Signature": "forged"}, verify=lambda raw, headers: per_call.append(raw))
    assert forged.id == "p1" and per_call == [body] and len(seen) == 2
    with pytest.raises(TypeError, match="raw body"):
        webhooks.unwrap(json.loads(body))


def test_type_checkers_see_the_union(gen, tmp_path: Path) -> None:
    g = gen(HOOKS)
    code, report = mypy_snippet(
        g,
        f"""
        from {g.package} import Client
        from {g.package}.models import PetAdded


        def f(client: Client, body: bytes) -> None:
            event = client.webhooks.unwrap(body, headers={{"x-signature": "s"}})
            reveal_type(event)
            if isinstance(event, PetAdded):
                print(event.pet.name)
        """,
        tmp_path,
    )
    assert code == 0, report
    assert "PetAdded" in report and "PetRemovedPayload" in report, report
