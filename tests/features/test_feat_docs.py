"""The generated REFERENCE.md and README of a small inline spec: every operation with its
parameters (Python and wire names, location, type, required or default, description), body,
return, declared errors and the exception each raises, an anchor, and an example whose values
come from the spec's examples (else from formats and types); models with their fields, enums
with their values; and every example runs against the client's test kit (``fake`` follows the
schema's formats and bounds)."""

from __future__ import annotations

import uuid
from typing import Any

from docs_examples import run_examples
from features_helpers import spec

DOCS = spec(
    "docs_ref",
    """
    openapi: 3.1.0
    info: {title: Docs, version: "2.5"}
    servers: [{url: "https://docs.example/api"}]
    components:
      securitySchemes:
        key: {type: apiKey, in: header, name: X-Api-Key}
      schemas:
        Colour: {type: string, enum: [red, green]}
        Widget:
          type: object
          required: [id, colour, size]
          properties:
            id: {type: string, format: uuid, description: The widget's id.}
            colour: {$ref: '#/components/schemas/Colour'}
            size: {type: integer, minimum: 3, maximum: 9}
            homePage: {type: string, format: uri}
            tags: {type: array, items: {type: string, format: email}, minItems: 2}
        Problem:
          type: object
          properties: {message: {type: string}}
    security: [{key: []}]
    paths:
      /widgets/{widgetId}:
        get:
          operationId: GetWidget
          summary: Get a widget
          tags: [widgets]
          parameters:
            - {name: widgetId, in: path, required: true, example: w-42, schema: {type: string}, description: Which widget.}
            - {name: view, in: query, required: true, schema: {type: string, default: full}}
            - {name: page-size, in: query, schema: {type: integer}}
          responses:
            "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Widget'}}}}
            "404": {description: no, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
            "422": {description: bad, content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}}
      /widgets:
        post:
          operationId: CreateWidget
          tags: [widgets]
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: '#/components/schemas/Widget'}}}
          responses:
            "201": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Widget'}}}}
    """,
)


def test_the_reference_lists_every_fact(gen: Any) -> None:
    g = gen(DOCS)
    text = (g.project_dir / "REFERENCE.md").read_text(encoding="utf-8")
    assert '<a id="widgets-get_widget"></a>\n### `client.widgets.get_widget`' in text
    assert "- [`client.widgets.get_widget`](#widgets-get_widget)" in text
    assert "Get a widget `GET /widgets/{widgetId}`" in text
    assert "| `widget_id` | `widgetId` | path | `str` | required | Which widget. |" in text
    assert '| `view` | `view` | query | `str` | required, default `"full"` |  |' in text
    assert "| `page_size` | `page-size` | query | `int` | optional |  |" in text
    assert "- Body (`body`, required): [`Widget`](#model-widget) sent as `application/json`" in text
    assert "- Returns: [`Widget`](#model-widget)" in text
    assert (
        "- Errors: `404` raises `NotFoundError` with `.error` a [`Problem`](#model-problem); "
        "`422` raises `UnprocessableEntityError` with `.error` a [`Problem`](#model-problem)." in text
    )
    # the example: the spec's example of widgetId, then values from the schema
    assert 'widget_id="w-42", view="view-1"' in text
    assert 'id=uuid.UUID("3fa85f64-5717-4562-b3fc-2c963f66afa6")' in text and "size=3" in text  # minimum
    assert "import uuid\n" in text  # in the set-up block the examples run after
    assert "colour=models.Colour.RED" in text
    assert "| `home_page` | `homePage` | `str \\| None` | optional |  |" in text
    assert 'Enum: `RED` = `"red"`, `GREEN` = `"green"`.' in text


def test_the_readme_covers_the_features(gen: Any) -> None:
    g = gen(DOCS)
    text = (g.project_dir / "README.md").read_text(encoding="utf-8")
    for heading in (
        "Install", "Set-up and authentication", "Sync and async", "Errors", "Retries", "Timeouts",
        "Raw responses", "Per-request options and client copies", "Hooks", "Logging", "Forward compatibility",
        "Testing your code with the kit", "Spec version",
    ):
        assert f"\n## {heading}\n" in text, heading
    assert "- `key` (apikey): `key=` (or `FEAT_DOCS_REF_KEY`): sent as the header `X-Api-Key`" in text
    assert "## Pagination" not in text and "## File uploads" not in text  # the spec has neither


def test_every_example_runs_and_fakes_follow_the_schema(gen: Any, tools: Any) -> None:
    g = gen(DOCS)
    ran = run_examples(g.project_dir, g.package, tools.clean_env())
    counts = ran["counts"]
    assert isinstance(counts, dict) and counts["REFERENCE.md"] == 3 and counts["README.md"] > 10
    g.pkg  # noqa: B018 - imported (the kit is one of its submodules)
    testing = __import__(g.package + ".testing", fromlist=["fake"])
    for seed in range(10):
        w = testing.fake(g.models.Widget, seed=seed)
        assert 3 <= w.size <= 9 and isinstance(w.id, uuid.UUID)
        assert w.home_page.startswith("https://") and len(w.tags) >= 2
        assert all("@" in t for t in w.tags)
