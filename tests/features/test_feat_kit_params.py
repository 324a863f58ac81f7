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


CLASH = spec(
    "kit_clash",
    """
    openapi: 3.1.0
    info: {title: KitClash, version: "1"}
    paths:
      /calls/{id}:
        get:
          operationId: getCall
          tags: [calls]
          parameters:
            - {name: id, in: path, required: true, schema: {type: string}}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {type: object, properties: {id: {type: string}}, required: [id]}
    """,
)


def test_the_readme_addresses_a_resource_named_like_a_mock_attribute_as_the_kit_does(gen) -> None:
    """A tag ``calls`` is the client's ``client.calls`` but the mock's ``mock.calls_`` (the mock's
    own ``calls`` lists every recorded call): the README's test example uses ``mock.calls_``."""
    g = gen(CLASH)
    assert g.ok, g.describe()
    readme = (g.project_dir / "README.md").read_text(encoding="utf-8")
    assert "mock.calls_.get_call." in readme and "mock.calls.get_call" not in readme, readme
    assert "self.calls_ = self._resource(" in g.source("testing.py")
