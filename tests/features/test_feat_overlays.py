"""OpenAPI Overlays: the client is generated from the document with its overlays applied, in
order, and diagnostics about what an overlay wrote point at the overlay file.

The upstream document declares no security scheme (like the Versori Embedded and Organisations
documents); the first overlay adds Versori's bearer scheme, so the client takes ``token=`` and
sends ``Authorization: Bearer``. The second removes an internal operation and a parameter, adds a
header parameter and a property with a misspelt type and a ``$ref`` to nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from features_helpers import Recorder, spec

UPSTREAM = """
openapi: 3.1.0
info: {title: Hubs, version: "1"}
paths:
  /hubs/{hub_id}:
    get:
      operationId: GetHub
      parameters:
        - {name: hub_id, in: path, required: true, schema: {type: string}}
        - {name: legacy, in: query, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Hub'}
  /internal/reindex:
    post:
      operationId: Reindex
      responses:
        "204": {description: done}
components:
  schemas:
    Hub:
      type: object
      required: [id]
      properties:
        id: {type: string}
"""

AUTH = """
overlay: 1.0.0
info: {title: bearer authentication, version: 1.0.0}
extends: openapi.yaml
actions:
  - target: $.components
    update:
      securitySchemes:
        bearerToken: {type: http, scheme: bearer}
  - target: $
    update:
      security:
        - bearerToken: []
"""

FIXES = """
overlay: 1.0.0
info: {title: fixes, version: 1.0.0}
actions:
  - target: $.paths['/internal/reindex']
    remove: true
  - target: $.paths.*.get.parameters[?@.name == 'legacy']
    remove: true
  - target: $.paths.*.get.parameters
    update: {name: X-Trace, in: header, schema: {type: string}}
  - target: $.components.schemas.Hub.properties
    update:
      name: {type: string}
      size:
        type: integr
      owner:
        $ref: '#/components/schemas/Owner'
  - target: $.paths['/nowhere']
    remove: true
"""

HUBS = spec(
    "overlays",
    UPSTREAM,
    files={"auth.yaml": AUTH, "fixes.yaml": FIXES},
    overlays=("auth.yaml", "fixes.yaml"),
)
HUB = {"id": "h1", "name": "main"}


@pytest.fixture
def no_env_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FEAT_OVERLAYS_TOKEN", raising=False)


def test_the_client_takes_the_token_an_overlay_declares(gen, no_env_token: None) -> None:
    g = gen(HUBS)
    rec = Recorder(json=HUB)
    hub = g.client(rec, token="tok-1").hubs.get_hub(hub_id="h1")
    assert rec.last.headers["Authorization"] == "Bearer tok-1"
    assert hub.name == "main"
    g.client(rec).hubs.get_hub(hub_id="h1")
    assert "Authorization" not in rec.last.headers


def test_the_token_defaults_to_the_environment(gen, monkeypatch: pytest.MonkeyPatch) -> None:
    g = gen(HUBS)
    monkeypatch.setenv("FEAT_OVERLAYS_TOKEN", "from-env")
    rec = Recorder(json=HUB)
    g.client(rec).hubs.get_hub(hub_id="h1")
    assert rec.last.headers["Authorization"] == "Bearer from-env"


def test_what_overlays_remove_is_gone_and_what_they_add_is_there(gen, no_env_token: None) -> None:
    g = gen(HUBS)
    client = g.client(Recorder(json=HUB), token="t")
    assert not hasattr(client, "internal")  # the removed path's resource
    params = g.pkg.resources.hubs.HubsResource.get_hub.__code__.co_varnames
    assert "legacy" not in params and "x_trace" in params
    rec = Recorder(json=HUB)
    g.client(rec, token="t").hubs.get_hub(hub_id="h1", x_trace="abc")
    assert rec.last.headers["X-Trace"] == "abc"
    assert "legacy" not in str(rec.last.url)
    assert set(g.models.Hub.model_fields) == {"id", "name", "size", "owner"}
    assert "with the overlays auth.yaml, fixes.yaml" in g.source("_client.py").splitlines()[0]


def test_diagnostics_in_overlay_content_point_at_the_overlay_file(gen) -> None:
    g = gen(HUBS)
    fixes = str(g.spec_path.parent / "fixes.yaml")
    [typo] = g.diags("WARNING", "unknown type 'integr'")
    assert (typo.source, typo.pointer, typo.line) == (
        fixes,
        "/actions/3/update/size/type",
        14,
    ), g.describe()
    [dangling] = g.diags("WARNING", "#/components/schemas/Owner")
    assert (dangling.source, dangling.pointer, dangling.line) == (
        fixes,
        "/actions/3/update/owner/$ref",
        16,
    ), g.describe()
    [nothing] = g.diags("WARNING", "matches nothing")
    assert (nothing.source, nothing.pointer, nothing.line) == (fixes, "/actions/4/target", 17)
    assert "action 4 (target $.paths['/nowhere'])" in nothing.message
    assert all(Path(d.source).name != "openapi.yaml" for d in g.diags("WARNING")), g.describe()
