"""Deprecations through a generated client: a deprecated operation's methods are marked with
``typing_extensions.deprecated`` (type checkers and IDEs strike them through) and warn when
called; a deprecated parameter warns when it is passed; a deprecated property warns when it is
set on a model the caller builds and when it is read (pydantic's ``Field(deprecated=...)``),
not when a response is parsed."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import httpx
import pytest

from features_helpers import Recorder, spec

DEPRECATIONS = spec(
    "deprecations",
    """
    openapi: 3.1.0
    info: {title: Deprecations, version: "1"}
    paths:
      /old:
        get:
          operationId: oldWay
          tags: [things]
          deprecated: true
          responses: {"204": {description: none}}
      /things:
        get:
          operationId: listThings
          tags: [things]
          parameters:
            - {name: legacy_filter, in: query, deprecated: true, schema: {type: string}}
            - {name: q, in: query, schema: {type: string}}
          responses:
            "200":
              description: ok
              content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}
        post:
          operationId: createThing
          tags: [things]
          requestBody:
            content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}
          responses: {"204": {description: none}}
    components:
      schemas:
        Thing:
          type: object
          properties:
            name: {type: string}
            oldName: {type: string, deprecated: true}
    """,
)


def _warnings(action: Any) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
    return [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]


def test_a_deprecated_operation_warns_when_called_and_is_marked(gen) -> None:
    g = gen(DEPRECATIONS)
    assert g.ok, g.describe()
    client = g.client(Recorder(200, json={}))
    (message,) = _warnings(lambda: client.things.old_way())
    assert "old_way" in message and "deprecated" in message
    assert client.things.old_way.__deprecated__ == message  # what type checkers read
    assert _warnings(lambda: client.things.list_things()) == []

    async def run() -> None:
        rec = Recorder(204)
        aclient = g.pkg.AsyncClient(
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(rec)), base_url="http://t"
        )
        await aclient.things.old_way()

    assert len(_warnings(lambda: asyncio.run(run()))) == 1
    source = g.source("resources/things.py")
    assert source.count("@deprecated(") == 2  # the sync and the async method


def test_a_deprecated_parameter_warns_when_passed(gen) -> None:
    g = gen(DEPRECATIONS)
    rec = Recorder(200, json={})
    client = g.client(rec)
    (message,) = _warnings(lambda: client.things.list_things(legacy_filter="x"))
    assert "legacy_filter" in message and "list_things" in message
    assert rec.last.url.params["legacy_filter"] == "x"  # still sent
    assert _warnings(lambda: client.things.list_things(q="y")) == []


def test_a_deprecated_property_warns_when_set_or_read_not_when_parsed(gen) -> None:
    g = gen(DEPRECATIONS)
    Thing = g.models.Thing
    (message,) = _warnings(lambda: Thing(old_name="a"))
    assert "old_name" in message
    assert _warnings(lambda: Thing(name="a")) == []
    parsed: list[Any] = []
    assert _warnings(lambda: parsed.append(Thing.model_validate({"oldName": "b"}))) == []
    assert len(_warnings(lambda: parsed[0].old_name)) == 1
    rec = Recorder(204)
    thing = Thing.model_validate({"name": "n", "oldName": "o"})
    assert _warnings(lambda: g.client(rec).things.create_thing(body=thing)) == []  # sending is not use
    assert rec.last.content == b'{"name":"n","oldName":"o"}'


def test_deprecation_warnings_point_at_the_callers_line(gen) -> None:
    g = gen(DEPRECATIONS)
    client = g.client(Recorder(200, json={}))
    with pytest.warns(DeprecationWarning) as caught:
        client.things.list_things(legacy_filter="x")
    assert caught[0].filename == __file__
