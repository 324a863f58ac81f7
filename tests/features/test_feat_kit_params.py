"""The test kit reads the parameters of a request made by a client it did not build (one given
``mock.transport``) back into the caller's Python names, whatever the wire names are: the
kit's parameter table (``MockAPIBase._resource``) carries wire names that differ from the
Python name, percent-encoded where they hold whitespace or ``%``."""

from __future__ import annotations

import importlib

import httpx

from features_helpers import spec

ODD = spec(
    "kit_params",
    """
    openapi: 3.1.0
    info: {title: KitParams, version: "1"}
    paths:
      /items/{item-id}:
        put:
          operationId: putItem
          tags: [items]
          parameters:
            - {name: item-id, in: path, required: true, schema: {type: string}}
            - {name: "filter[a b]", in: query, schema: {type: string}}
            - {name: "100%", in: query, schema: {type: integer}}
            - {name: X-Trace-Id, in: header, schema: {type: string}}
            - {name: plain, in: query, schema: {type: string}}
          requestBody:
            required: true
            content:
              application/json:
                schema: {type: object, properties: {n: {type: integer}}}
          responses: {"204": {description: ok}}
    """,
)


def test_the_table_reads_odd_wire_names_back_into_python_names(gen) -> None:
    g = gen(ODD)
    assert g.ok, g.describe()
    source = g.source("testing.py")
    assert "path:item_id=item-id" in source and "query:filter_a_b=filter[a%20b] query:param_100=100%25" in source, source
    g.pkg  # noqa: B018 - imports the package
    kit = importlib.import_module(f"{g.package}.testing")
    mock = kit.MockAPI()
    mock.items.put_item.returns(None)
    client = g.pkg.Client(base_url="https://elsewhere.test", http_client=httpx.Client(transport=mock.transport))
    client.items.put_item(item_id="i 1", filter_a_b="x y", param_100=7, x_trace_id="t", plain="p", body={"n": 1})
    (call,) = mock.items.put_item.calls
    assert call.kwargs == {
        "item_id": "i 1",
        "filter_a_b": "x y",
        "param_100": "7",
        "x_trace_id": "t",
        "plain": "p",
        "body": {"n": 1},
    }, call.kwargs
