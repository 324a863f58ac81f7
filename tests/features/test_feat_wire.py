"""What goes over the wire, sync and async: fields whose value the schema fixes are sent unset,
raw responses of operations without a body, the Content-Type of each request media type,
path/header parameter styles (RFC 6570 label, matrix, explode) and security requirements
(every bearer-like scheme served by one ``token``; alternatives of scheme sets)."""

from __future__ import annotations

import base64
import inspect
from typing import Any

import httpx
import pytest

from features_helpers import Recorder, both, sent_json, spec

FIXED = spec(
    "wire_fixed",
    """
    openapi: 3.1.0
    info: {title: WireFixed, version: "1"}
    paths:
      /chat:
        post:
          operationId: chat
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Chat'}
          responses: {"204": {description: ok}}
      /pets:
        post:
          operationId: addPet
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Pet'}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Pet'}
      /pets/form:
        post:
          operationId: addPetForm
          requestBody:
            required: true
            content:
              application/x-www-form-urlencoded:
                schema: {$ref: '#/components/schemas/Cat'}
          responses: {"204": {description: ok}}
      /upload:
        post:
          operationId: upload
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [file]
                  properties:
                    kind: {const: avatar}
                    file: {type: string, format: binary}
          responses: {"204": {description: ok}}
    components:
      schemas:
        Chat:
          type: object
          required: [messages]
          properties:
            messages:
              type: array
              items:
                oneOf:
                  - {$ref: '#/components/schemas/UserMessage'}
                  - {$ref: '#/components/schemas/ToolMessage'}
                discriminator: {propertyName: role}
            object: {const: chat.request}
            temperature: {type: number, default: 1}
        UserMessage:
          type: object
          required: [content]
          properties:
            role: {const: user, default: user}
            content: {type: string}
        ToolMessage:
          type: object
          required: [content]
          properties:
            role: {type: string, enum: [tool]}
            content: {type: string}
        Pet:
          oneOf:
            - {$ref: '#/components/schemas/Cat'}
            - {$ref: '#/components/schemas/Dog'}
          discriminator: {propertyName: petType}
        Cat:
          type: object
          properties:
            petType: {type: string, default: cat}
            name: {type: string}
            nickname: {type: string, default: kitty}
        Dog:
          type: object
          properties:
            petType: {type: string, default: dog}
            barks: {type: boolean}
    """,
)


def test_fixed_value_fields_are_sent_when_the_caller_leaves_them_unset(gen) -> None:
    """``const`` (the FastAPI ``role: {const: user, default: user}`` pattern), a one-value enum,
    in a list of variant models nested in the body: sent though the caller never set them; a plain
    default (``temperature``) is not sent."""
    g = gen(FIXED)
    assert g.ok, g.describe()
    m = g.models
    rec = Recorder(204)
    body = m.Chat(messages=[m.UserMessage(content="hi"), m.ToolMessage(content="42")])
    assert both(g, rec, lambda c: c.chat.chat(body=body)) == [None, None]
    expected = {
        "messages": [{"role": "user", "content": "hi"}, {"role": "tool", "content": "42"}],
        "object": "chat.request",
    }
    assert [sent_json(r) for r in rec.requests] == [expected, expected]
    assert body.to_dict() == expected


def test_a_discriminator_default_selects_the_variant_on_the_wire(gen) -> None:
    """A discriminator property with a default is sent (the server needs it to pick the
    variant), and the default also selects the variant when parsing; other defaults stay
    unsent."""
    g = gen(FIXED)
    m = g.models
    rec = Recorder(200, json={"petType": "cat", "name": "tom"})
    got = both(g, rec, lambda c: c.pets.add_pet(body=m.Cat(name="tom")))
    assert [sent_json(r) for r in rec.requests] == [{"petType": "cat", "name": "tom"}] * 2
    assert all(type(pet) is m.Cat for pet in got)
    both(g, rec, lambda c: c.pets.add_pet(body=m.Dog()))
    assert sent_json(rec.requests[-1]) == {"petType": "dog"}


def test_fixed_fields_in_form_and_multipart_bodies(gen) -> None:
    g = gen(FIXED)
    m = g.models
    rec = Recorder(204)
    both(g, rec, lambda c: c.pets.add_pet_form(body=m.Cat(name="tom")))
    assert [r.content for r in rec.requests] == [b"petType=cat&name=tom"] * 2
    rec = Recorder(204)
    both(g, rec, lambda c: c.upload.upload(body=m.UploadBody(file=b"PNG")))
    for request in rec.requests:
        parts = request.content.decode("latin-1")
        assert 'name="kind"' in parts and "avatar" in parts


def test_the_always_sent_decision_is_the_generators(gen) -> None:
    """Which fields are always sent is decided in the IR and written into each model."""
    m = gen(FIXED).models
    assert m.UserMessage.__always_sent__ == {"role"}
    assert m.ToolMessage.__always_sent__ == {"role"}
    assert m.Chat.__always_sent__ == {"object"}  # not the plain default `temperature`
    assert m.Cat.__always_sent__ == {"pet_type"}  # not `nickname`


RAW = spec(
    "wire_raw",
    """
    openapi: 3.0.3
    info: {title: WireRaw, version: "1"}
    paths:
      /items/{itemId}:
        parameters:
          - {name: itemId, in: path, required: true, schema: {type: integer}}
        delete:
          operationId: deleteItem
          responses:
            "204": {description: gone}
        post:
          operationId: touchItem
          responses:
            "200": {description: no declared content}
        get:
          operationId: getItem
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {type: object, properties: {id: {type: integer}}}
    """,
)


@pytest.mark.parametrize("status,method", [(204, "delete_item"), (200, "touch_item")])
def test_raw_response_of_an_operation_without_a_body(gen, status: int, method: str) -> None:
    g = gen(RAW)
    assert g.ok, g.describe()
    rec = Recorder(status)
    got = both(g, rec, lambda c: getattr(c.items.with_raw_response, method)(item_id=7))
    for raw in got:
        assert isinstance(raw, g.pkg._response.APIResponse)
        assert raw.status_code == status
        assert raw.parse() is None
    assert [r.url.path for r in rec.requests] == ["/items/7"] * 2


def test_raw_response_of_an_operation_with_a_body(gen) -> None:
    g = gen(RAW)
    rec = Recorder(200, json={"id": 7})
    for raw in both(g, rec, lambda c: c.items.with_raw_response.get_item(item_id=7)):
        assert raw.parse().id == 7 and raw.headers["content-type"] == "application/json"


MEDIA = spec(
    "wire_media",
    """
    openapi: 3.0.3
    info: {title: WireMedia, version: "1"}
    paths:
      /pet:
        put:
          operationId: updatePet
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Pet'}
              application/xml:
                schema: {$ref: '#/components/schemas/Pet'}
          responses: {"204": {description: ok}}
      /note:
        post:
          operationId: addNote
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Note'}
              application/x-www-form-urlencoded:
                schema: {$ref: '#/components/schemas/Note'}
              text/plain:
                schema: {type: string}
          responses: {"204": {description: ok}}
      /image:
        put:
          operationId: putImage
          requestBody:
            required: true
            content:
              image/png:
                schema: {type: string, format: binary}
              image/jpeg:
                schema: {type: string, format: binary}
          responses: {"204": {description: ok}}
    components:
      schemas:
        Pet:
          type: object
          required: [name]
          properties:
            name: {type: string}
        Note:
          type: object
          properties:
            text: {type: string}
    """,
)


def test_each_media_type_sends_its_own_content_type(gen) -> None:
    """A body sent with a non-first media type carries that media type's Content-Type."""
    g = gen(MEDIA)
    assert g.ok, g.describe()
    m = g.models
    rec = Recorder(204)
    both(g, rec, lambda c: c.pet.update_pet(body=m.Pet(name="rex")))
    both(g, rec, lambda c: c.pet.update_pet(body="<Pet><name>rex</name></Pet>"))
    both(g, rec, lambda c: c.note.add_note(body="just text"))
    sent = [(r.headers["Content-Type"], r.content) for r in rec.requests]
    assert sent == [
        ("application/json", b'{"name":"rex"}'),
        ("application/json", b'{"name":"rex"}'),
        ("application/xml", b"<Pet><name>rex</name></Pet>"),
        ("application/xml", b"<Pet><name>rex</name></Pet>"),
        ("text/plain", b"just text"),
        ("text/plain", b"just text"),
    ]


def test_the_caller_chooses_among_media_types_sharing_a_model(gen) -> None:
    """JSON and form share ``Note``: JSON by default, the form when the call says so."""
    g = gen(MEDIA)
    m = g.models
    rec = Recorder(204)
    both(g, rec, lambda c: c.note.add_note(body=m.Note(text="a b")))
    form = "application/x-www-form-urlencoded"
    both(g, rec, lambda c: c.note.add_note(body=m.Note(text="a b"), content_type=form))
    both(g, rec, lambda c: c.image.put_image(body=b"JPEG", content_type="image/jpeg"))
    both(g, rec, lambda c: c.image.put_image(body=b"PNG"))
    sent = [(r.headers["Content-Type"], r.content) for r in rec.requests]
    assert sent == [
        ("application/json", b'{"text":"a b"}'),
        ("application/json", b'{"text":"a b"}'),
        (form, b"text=a+b"),
        (form, b"text=a+b"),
        ("image/jpeg", b"JPEG"),
        ("image/jpeg", b"JPEG"),
        ("image/png", b"PNG"),
        ("image/png", b"PNG"),
    ]
    hint = str(inspect.signature(g.pkg.Client(base_url="http://t").note.add_note).parameters["content_type"].annotation)
    assert form in hint and "text/plain" in hint and "application/json" in hint
    with pytest.raises(ValueError, match="image/gif"):
        g.client(rec).image.put_image(body=b"GIF", content_type="image/gif")


STYLES = spec(
    "wire_styles",
    """
    openapi: 3.1.0
    info: {title: WireStyles, version: "1"}
    components:
      schemas:
        Obj:
          type: object
          properties:
            role: {type: string}
            firstName: {type: string}
    paths:
      /label/{p}/{a}/{o}:
        get:
          operationId: label
          parameters:
            - {name: p, in: path, required: true, style: label, schema: {type: integer}}
            - {name: a, in: path, required: true, style: label, schema: {type: array, items: {type: integer}}}
            - {name: o, in: path, required: true, style: label, schema: {$ref: '#/components/schemas/Obj'}}
          responses: {"204": {description: ok}}
        post:
          operationId: labelExploded
          parameters:
            - {name: p, in: path, required: true, style: label, explode: true, schema: {type: integer}}
            - {name: a, in: path, required: true, style: label, explode: true, schema: {type: array, items: {type: integer}}}
            - {name: o, in: path, required: true, style: label, explode: true, schema: {$ref: '#/components/schemas/Obj'}}
          responses: {"204": {description: ok}}
      /matrix/{p}/{a}/{o}:
        get:
          operationId: matrix
          parameters:
            - {name: p, in: path, required: true, style: matrix, schema: {type: integer}}
            - {name: a, in: path, required: true, style: matrix, schema: {type: array, items: {type: integer}}}
            - {name: o, in: path, required: true, style: matrix, schema: {$ref: '#/components/schemas/Obj'}}
          responses: {"204": {description: ok}}
        post:
          operationId: matrixExploded
          parameters:
            - {name: p, in: path, required: true, style: matrix, explode: true, schema: {type: integer}}
            - {name: a, in: path, required: true, style: matrix, explode: true, schema: {type: array, items: {type: integer}}}
            - {name: o, in: path, required: true, style: matrix, explode: true, schema: {$ref: '#/components/schemas/Obj'}}
          responses: {"204": {description: ok}}
      /simple/{a}/{o}:
        post:
          operationId: simpleExploded
          parameters:
            - {name: a, in: path, required: true, explode: true, schema: {type: array, items: {type: string}}}
            - {name: o, in: path, required: true, explode: true, schema: {$ref: '#/components/schemas/Obj'}}
            - {name: X-Obj, in: header, explode: true, schema: {$ref: '#/components/schemas/Obj'}}
            - {name: X-Flat, in: header, schema: {$ref: '#/components/schemas/Obj'}}
          responses: {"204": {description: ok}}
    """,
)


@pytest.mark.parametrize(
    "method,path",
    [
        ("label", "/label/.5/.3,4,5/.role,admin,firstName,Alex"),
        ("label_exploded", "/label/.5/.3.4.5/.role=admin.firstName=Alex"),
        ("matrix", "/matrix/;p=5/;a=3,4,5/;o=role,admin,firstName,Alex"),
        ("matrix_exploded", "/matrix/;p=5/;a=3;a=4;a=5/;role=admin;firstName=Alex"),
    ],
)
def test_label_and_matrix_path_parameters(gen, method: str, path: str) -> None:
    """OAS 3.1.0 4.8.12.4 (RFC 6570 ``{.x}``, ``{.x*}``, ``{;x}``, ``{;x*}``) for a primitive,
    an array and an object; the list delimiter ``,`` goes percent-encoded (``_qs._PATH_COMMA``)."""
    g = gen(STYLES)
    assert g.ok, g.describe()
    assert not g.diags("WARNING", contains="style"), g.describe()
    rec = Recorder(204)
    obj = g.models.Obj(role="admin", first_name="Alex")
    both(g, rec, lambda c: getattr(c.label if "label" in method else c.matrix, method)(p=5, a=[3, 4, 5], o=obj))
    assert [r.url.raw_path.decode() for r in rec.requests] == [path.replace(",", "%2C")] * 2


def test_exploded_simple_objects_in_paths_and_headers(gen) -> None:
    g = gen(STYLES)
    rec = Recorder(204)
    obj = g.models.Obj(role="a b", first_name="Alex")
    both(g, rec, lambda c: c.simple.simple_exploded(a=["x,y", "z"], o=obj, x_obj=obj, x_flat=obj))
    for request in rec.requests:
        assert request.url.raw_path.decode() == "/simple/x%2Cy%2Cz/role=a%20b%2CfirstName=Alex"
        assert request.headers["X-Obj"] == "role=a b,firstName=Alex"
        assert request.headers["X-Flat"] == "role,a b,firstName,Alex"


SECURITY = spec(
    "wire_security",
    """
    openapi: 3.0.3
    info: {title: WireSecurity, version: "1"}
    paths:
      /bearer: {get: {operationId: viaBearer, security: [{bearer: []}], responses: {"204": {description: ok}}}}
      /jwt: {get: {operationId: viaJwt, security: [{bearerJwt: []}], responses: {"204": {description: ok}}}}
      /oauth: {get: {operationId: viaOauth, security: [{oauth: [write]}], responses: {"204": {description: ok}}}}
      /oidc: {get: {operationId: viaOidc, security: [{oidc: []}], responses: {"204": {description: ok}}}}
      /keys: {get: {operationId: viaKeys, security: [{headerKey: [], queryKey: []}], responses: {"204": {description: ok}}}}
      /either:
        get:
          operationId: either
          security: [{headerKey: [], oauth: []}, {basic: []}]
          responses: {"204": {description: ok}}
      /optional: {get: {operationId: optional, security: [{headerKey: []}, {}], responses: {"204": {description: ok}}}}
      /conflict:
        get:
          operationId: conflict
          security: [{basic: [], oauth: []}, {headerKey: []}]
          responses: {"204": {description: ok}}
    components:
      securitySchemes:
        bearer: {type: http, scheme: bearer}
        bearerJwt: {type: http, scheme: bearer, bearerFormat: JWT}
        oauth:
          type: oauth2
          flows: {clientCredentials: {tokenUrl: 'http://t/token', scopes: {write: w}}}
        oidc: {type: openIdConnect, openIdConnectUrl: 'http://t/.well-known/openid-configuration'}
        headerKey: {type: apiKey, in: header, name: X-Key-A}
        queryKey: {type: apiKey, in: query, name: key_b}
        basic: {type: http, scheme: basic}
    """,
)


def _auth(request: httpx.Request) -> tuple[Any, ...]:
    return (
        request.headers.get("Authorization"),
        request.headers.get("X-Key-A"),
        request.url.params.get("key_b"),
    )


def test_one_token_serves_every_bearer_like_scheme(gen) -> None:
    g = gen(SECURITY)
    assert g.ok, g.describe()
    params = inspect.signature(g.pkg.Client).parameters
    assert {"token", "header_key", "query_key", "username", "password"} <= set(params)
    assert not [p for p in params if p.endswith("_credential")]
    for method in ("via_bearer", "via_jwt", "via_oauth", "via_oidc"):
        rec = Recorder(204)
        both(g, rec, lambda c: getattr(getattr(c, method.split("_")[1]), method)(), token="tok")
        assert [_auth(r) for r in rec.requests] == [("Bearer tok", None, None)] * 2, method


def test_security_alternatives_each_a_set_of_schemes(gen) -> None:
    """Every scheme of a requirement is sent; the first requirement the configured credentials
    satisfy wins; ``{}`` makes credentials optional."""
    g = gen(SECURITY)
    basic = "Basic " + base64.b64encode(b"u:p").decode()
    everything = {"token": "tok", "header_key": "A", "query_key": "B", "username": "u", "password": "p"}
    cases = [
        ("keys", "via_keys", everything, (None, "A", "B")),
        ("either", "either", everything, ("Bearer tok", "A", None)),
        ("either", "either", {"token": "tok", "username": "u", "password": "p"}, (basic, None, None)),
        ("optional", "optional", {"header_key": "A"}, (None, "A", None)),
        ("optional", "optional", {}, (None, None, None)),
        # Basic and Bearer together cannot share one Authorization header: the other requirement
        ("conflict", "conflict", everything, (None, "A", None)),
    ]
    for resource, method, creds, expected in cases:
        rec = Recorder(204)
        both(g, rec, lambda c: getattr(getattr(c, resource), method)(), **creds)
        assert [_auth(r) for r in rec.requests] == [expected] * 2, (method, creds)


def test_an_unsatisfiable_security_requirement_is_reported(gen) -> None:
    g = gen(SECURITY)
    (diag,) = g.diags("WARNING", contains="Authorization header")
    assert diag.pointer == "/paths/~1conflict/get/security/0"
    assert "basic, oauth" in diag.message


RAW_OR_JSON = spec(
    "raw_or_json",
    """
    openapi: 3.1.0
    info: {title: Bodies, version: "1"}
    paths:
      /bodies:
        post:
          operationId: postBody
          requestBody:
            content:
              application/json:
                schema: {type: object, properties: {a: {type: string}}}
              multipart/form-data:
                schema: {type: object, properties: {a: {type: string}}}
              application/octet-stream:
                schema: {type: string, format: binary}
          responses:
            "204": {description: none}
    """,
)


def test_bytes_go_to_the_binary_media_type(gen) -> None:
    # bytes were sent as a JSON string under application/json, the first media type listed
    # (json and multipart share a class, so neither tells the body apart by its type)
    g = gen(RAW_OR_JSON)
    rec = Recorder(204)
    g.client(rec).bodies.post_body(body=b"raw\x00bytes")
    assert rec.last.headers["content-type"] == "application/octet-stream"
    assert rec.last.content == b"raw\x00bytes"
    g.client(rec).bodies.post_body(body=b'{"a": "x"}', content_type="application/json")
    assert rec.last.headers["content-type"] == "application/json"  # content_type still wins
