"""How values are encoded on the wire, sync and async: a body typed ``Any`` among several media
types."""

from __future__ import annotations

import inspect
from typing import Any

from features_helpers import Recorder, both, sent_json, spec


# --- a body typed Any among several media types -------------------------------------------

ANY_BODY = spec(
    "wire_any_body",
    """
    openapi: 3.1.0
    info: {title: WireAnyBody, version: "1"}
    components:
      schemas:
        User: {}
    paths:
      /something:
        put:
          requestBody:
            content:
              application/json:
                schema: {$ref: '#/components/schemas/User'}
              application/xml:
                schema: {$ref: '#/components/schemas/User'}
              text/plain: {}
              '*/*': {}
          responses: {"204": {description: ok}}
    """,
)


def test_a_body_typed_any_is_sent_as_its_first_media_type(gen) -> None:
    """``User: {}`` is ``Any``: no class to tell the body's kind by, so JSON (the first media
    type) unless the call names another (oai-spec ``request-body-examples.yaml``)."""
    g = gen(ANY_BODY)
    assert g.ok, g.describe()
    rec = Recorder(204)
    both(g, rec, lambda c: c.something.put_something(body={"name": "x"}))
    both(g, rec, lambda c: c.something.put_something(body="<u/>", content_type="application/xml"))
    both(g, rec, lambda c: c.something.put_something(body="plain", content_type="text/plain"))
    sent = [(r.headers["Content-Type"], r.content) for r in rec.requests]
    assert sent == [
        ("application/json", b'{"name":"x"}'),
        ("application/json", b'{"name":"x"}'),
        ("application/xml", b"<u/>"),
        ("application/xml", b"<u/>"),
        ("text/plain", b"plain"),
        ("text/plain", b"plain"),
    ]
