"""How values are encoded on the wire, sync and async: a given body with no field set is still
sent, query strings are percent-encoded per RFC 3986 (``allowReserved`` honoured), responses of
a wildcard media type are read by their actual Content-Type, a body typed ``Any`` among several
media types, required parameters (``content``-serialized, with a ``default``), ``None`` only
where the schema allows null, and the Encoding Object of form and multipart bodies."""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

import httpx
import pytest

from features_helpers import Recorder, both, sent_json, spec


def _boundary(request: httpx.Request) -> str:
    ctype = request.headers["Content-Type"]
    match = re.fullmatch(r"multipart/form-data; boundary=([0-9A-Za-z'()+_,./:=?-]{1,70})", ctype)
    assert match, ctype
    return match.group(1)


def _parts(request: httpx.Request) -> list[tuple[str, str | None, bytes]]:
    """``(name, Content-Type or None, content)`` of each part of a multipart request, in order."""
    boundary = _boundary(request).encode()
    out = []
    chunks = request.content.split(b"--" + boundary)
    assert chunks[-1] == b"--\r\n", chunks[-1]
    for chunk in chunks[1:-1]:
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers = dict(
            (k.strip().lower(), v.strip())
            for k, _, v in (line.partition(":") for line in head.decode().split("\r\n"))
        )
        name = re.search(r'name="([^"]*)"', headers["content-disposition"])
        assert name, headers
        out.append((name.group(1), headers.get("content-type"), content.removesuffix(b"\r\n")))
    return out


# --- a given body is always sent ------------------------------------------------------------

EMPTY = spec(
    "wire_empty",
    """
    openapi: 3.1.0
    info: {title: WireEmpty, version: "1"}
    paths:
      /upload:
        post:
          operationId: upload
          tags: [files]
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  properties:
                    file: {type: string, format: binary}
                    title: {type: string}
          responses: {"204": {description: ok}}
      /import:
        post:
          operationId: importFile
          tags: [files]
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  properties:
                    file: {type: string, format: binary}
                    metadata: {$ref: '#/components/schemas/Meta'}
              application/json:
                schema: {$ref: '#/components/schemas/FromUrl'}
          responses: {"204": {description: ok}}
      /maybe:
        post:
          operationId: maybeUpload
          tags: [files]
          requestBody:
            content:
              multipart/form-data:
                schema:
                  type: object
                  properties:
                    title: {type: string}
          responses: {"204": {description: ok}}
      /form:
        post:
          operationId: submit
          tags: [files]
          requestBody:
            required: true
            content:
              application/x-www-form-urlencoded:
                schema:
                  type: object
                  properties:
                    name: {type: string}
          responses: {"204": {description: ok}}
      /json:
        post:
          operationId: post
          tags: [files]
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Meta'}
          responses: {"204": {description: ok}}
    components:
      schemas:
        Meta:
          type: object
          properties:
            name: {type: string}
        FromUrl:
          type: object
          required: [url]
          properties:
            url: {type: string}
    """,
)


def test_a_given_body_with_no_field_set_is_sent(gen) -> None:
    """A body argument that was given is sent even when none of its fields is set: an empty
    multipart form (its closing boundary) with its Content-Type, an empty form-urlencoded body
    with its Content-Type, ``{}`` for JSON (the Versori ``ImportHTTPConnectorVersion`` case)."""
    g = gen(EMPTY)
    assert g.ok, g.describe()
    m = g.models
    rec = Recorder(204)
    both(g, rec, lambda c: c.files.upload(body=m.UploadBody()))
    both(g, rec, lambda c: c.files.import_file(body=m.ImportFileMultipartBody()))
    both(g, rec, lambda c: c.files.maybe_upload(body=m.MaybeUploadBody()))
    for request in rec.requests:
        assert request.content == f"--{_boundary(request)}--\r\n".encode()
        assert request.headers["Content-Length"] == str(len(request.content))
    rec = Recorder(204)
    both(g, rec, lambda c: c.files.submit(body=m.SubmitBody()))
    both(g, rec, lambda c: c.files.post(body=m.Meta()))
    sent = [(r.headers.get("Content-Type"), r.content) for r in rec.requests]
    form = "application/x-www-form-urlencoded"
    assert sent == [(form, b""), (form, b""), ("application/json", b"{}"), ("application/json", b"{}")]


def test_a_body_left_out_is_not_sent(gen) -> None:
    g = gen(EMPTY)
    rec = Recorder(204)
    both(g, rec, lambda c: c.files.maybe_upload())
    assert [(r.headers.get("Content-Type"), r.content) for r in rec.requests] == [(None, b"")] * 2


def test_a_multipart_body_with_fields_keeps_its_boundary_in_the_content_type(gen) -> None:
    g = gen(EMPTY)
    rec = Recorder(204)
    both(g, rec, lambda c: c.files.upload(body=g.models.UploadBody(title="t", file=b"F")))
    for request in rec.requests:
        assert [(n, c) for n, _, c in _parts(request)] == [("file", b"F"), ("title", b"t")]


# --- query strings: RFC 3986 ------------------------------------------------------------------

QUERY = spec(
    "wire_query",
    """
    openapi: 3.1.0
    info: {title: WireQuery, version: "1"}
    paths:
      /search:
        get:
          operationId: search
          parameters:
            - {name: required query, in: query, required: true, schema: {type: string}}
            - {name: tags, in: query, explode: false, schema: {type: array, items: {type: string}}}
            - {name: words, in: query, style: spaceDelimited, explode: false, schema: {type: array, items: {type: string}}}
            - {name: alts, in: query, style: pipeDelimited, explode: false, schema: {type: array, items: {type: string}}}
            - name: f
              in: query
              style: deepObject
              schema: {type: object, properties: {lo: {type: integer}}}
            - {name: next, in: query, allowReserved: true, schema: {type: string}}
            - {name: q, in: query, schema: {type: string}}
          responses: {"204": {description: ok}}
    """,
)


def test_query_strings_are_percent_encoded_per_rfc_3986(gen) -> None:
    """OAS query parameters follow RFC 6570 / RFC 3986: a space is ``%20`` (never ``+``, which
    a strict server reads as a plus sign), in names too; reserved characters are percent-encoded
    unless the parameter says ``allowReserved: true`` (then ``:/?@!$&'()*+,;=`` and
    percent-encoded triples pass unchanged); delimiters are encoded like the path's."""
    g = gen(QUERY)
    assert g.ok, g.describe()
    rec = Recorder(204)
    both(
        g,
        rec,
        lambda c: c.search.search(
            required_query="this always",
            tags=["a b", "c"],
            words=["x", "y"],
            alts=["1", "2"],
            f=g.models.SearchF(lo=5),
            next="https://x.test/a b?c=d%2Fe",
            q="1+1=2 & ü",
            extra_query={"extra key": "a+b"},
        ),
    )
    expected = (
        "required%20query=this%20always&tags=a%20b%2Cc&words=x%20y&alts=1%7C2&f%5Blo%5D=5"
        "&next=https://x.test/a%20b?c=d%2Fe&q=1%2B1%3D2%20%26%20%C3%BC&extra%20key=a%2Bb"
    )
    for request in rec.requests:
        assert request.url.query.decode() == expected
        assert request.url.params["required query"] == "this always"
        assert request.url.params["q"] == "1+1=2 & ü"


NESTED_QUERY = spec(
    "wire_nested_query",
    """
    openapi: 3.0.3
    info: {title: NestedQuery, version: "1"}
    paths:
      /complex:
        get:
          operationId: complexTypes
          tags: [params]
          parameters:
            - name: parameterObject
              in: query
              required: true
              schema:
                type: object
                properties:
                  first:
                    type: object
                    properties:
                      second: {type: object, properties: {third: {type: string}}}
                  n: {type: integer}
            - name: rows
              in: query
              schema: {type: array, items: {type: object, properties: {a: {type: integer}}}}
          responses: {"204": {description: ok}}
    """,
)


def test_a_nested_object_in_a_form_exploded_query_object_is_never_a_repr(gen) -> None:
    """hey-api's ``ComplexTypes``: an object inside a form-exploded query object has no form in
    OpenAPI; it is sent in the bracket form (``first[second][third]=x``, as qs-style servers
    and Prism read it), and an object as an array item as its JSON text."""
    g = gen(NESTED_QUERY)
    m = g.models
    rec = Recorder(204)
    value = {"first": {"second": {"third": "x"}}, "n": 1}
    both(g, rec, lambda c: c.params.complex_types(parameter_object=value, rows=[{"a": 1}]))
    for request in rec.requests:
        assert request.url.query.decode() == "first%5Bsecond%5D%5Bthird%5D=x&n=1&rows=%7B%22a%22%3A1%7D"
    model = m.ComplexTypesParameterObject.model_validate(value)
    both(g, rec, lambda c: c.params.complex_types(parameter_object=model))
    assert rec.last.url.params["first[second][third]"] == "x"


ARRAY_FORM = spec(
    "wire_array_form",
    """
    openapi: 3.0.3
    info: {title: ArrayForm, version: "1"}
    paths:
      /login:
        put:
          operationId: putWithFormUrlEncoded
          tags: [login]
          requestBody:
            required: true
            content:
              application/x-www-form-urlencoded:
                schema: {$ref: '#/components/schemas/ArrayWithStrings'}
          responses: {"204": {description: ok}}
    components:
      schemas:
        ArrayWithStrings: {type: array, items: {type: string}, default: [test]}
    """,
)


def test_a_form_body_whose_schema_is_an_array_is_sent(gen) -> None:
    """hey-api's ``putWithFormUrlEncoded``: a form-urlencoded body typed as an array of strings
    raised ``TypeError: 'list' object is not a mapping`` before sending. Each item is a field of
    the form (text already encoded, or a ``(name, value)`` pair), joined with ``&``; the
    generator says so where the schema is."""
    g = gen(ARRAY_FORM)
    warned = g.diags("WARNING", "each item one field", pointer="/components/schemas/ArrayWithStrings")
    assert len(warned) == 1, g.describe()
    rec = Recorder(204)
    both(g, rec, lambda c: c.login.put_with_form_url_encoded(body=["user=ann", "scope=a%20b"]))
    both(g, rec, lambda c: c.login.put_with_form_url_encoded(body=[("user", "ann b"), ("n", 1), "x=y"]))
    sent = [(r.headers["Content-Type"], r.content) for r in rec.requests]
    form = "application/x-www-form-urlencoded"
    assert sent == [(form, b"user=ann&scope=a%20b")] * 2 + [(form, b"user=ann+b&n=1&x=y")] * 2


# --- responses of a wildcard media type -------------------------------------------------------

WILDCARD = spec(
    "wire_wildcard",
    """
    openapi: 3.0.3
    info: {title: WireWildcard, version: "1"}
    paths:
      /text:
        get:
          operationId: anyText
          tags: [w]
          responses:
            "200": {description: ok, content: {'*/*': {schema: {type: string}}}}
      /thing:
        get:
          operationId: anyThing
          tags: [w]
          responses:
            "200": {description: ok, content: {'*/*': {schema: {$ref: '#/components/schemas/Thing'}}}}
      /app:
        get:
          operationId: appThing
          tags: [w]
          responses:
            "200": {description: ok, content: {'application/*': {schema: {$ref: '#/components/schemas/Thing'}}}}
      /count:
        get:
          operationId: anyCount
          tags: [w]
          responses:
            "200": {description: ok, content: {'*/*': {schema: {type: integer}}}}
      /blob:
        get:
          operationId: anyBlob
          tags: [w]
          responses:
            "200": {description: ok, content: {'*/*': {schema: {type: string, format: binary}}}}
      /untyped:
        get:
          operationId: anyUntyped
          tags: [w]
          responses:
            "200": {description: ok, content: {'*/*': {}}}
      /words:
        get:
          operationId: someText
          tags: [w]
          responses:
            "200": {description: ok, content: {'text/*': {schema: {type: string}}}}
    components:
      schemas:
        Thing:
          type: object
          properties:
            id: {type: integer}
    """,
)


def _reply(content: bytes, ctype: str) -> Recorder:
    return Recorder(200, content=content, headers={"Content-Type": ctype})


def _returns(g: Any, method: str) -> str:
    return str(inspect.signature(getattr(g.client(Recorder()).w, method)).return_annotation)


def test_a_wildcard_response_is_read_by_its_content_type(gen) -> None:
    """``*/*``/``application/*``: JSON when the response says JSON (typed by the schema), text
    otherwise (typed by the schema when the text fits it, e.g. an integer); the return type says
    both (``Thing | str``)."""
    g = gen(WILDCARD)
    assert g.ok, g.describe()
    m = g.models
    cases = [
        ("any_text", b"hello", "text/plain", "hello"),
        ("any_text", b'"hello"', "application/json", "hello"),
        ("any_thing", b'{"id": 1}', "application/json", m.Thing(id=1)),
        ("any_thing", b"plain words", "text/plain; charset=utf-8", "plain words"),
        ("app_thing", b'{"id": 2}', "application/vnd.thing+json", m.Thing(id=2)),
        ("app_thing", b"<thing/>", "application/xml", "<thing/>"),
        ("any_count", b"42", "text/plain", 42),
        ("any_count", b"42", "application/json", 42),
        ("any_count", b"many", "text/plain", "many"),
        ("any_blob", b"\x00\xff", "image/png", b"\x00\xff"),
        ("any_untyped", b'{"a": [1]}', "application/json", {"a": [1]}),
        ("any_untyped", b"a,b", "text/csv", "a,b"),
        ("some_text", b"words", "text/markdown", "words"),
    ]
    for method, content, ctype, expected in cases:
        got = both(g, _reply(content, ctype), lambda c: getattr(c.w, method)())
        assert got == [expected, expected], (method, ctype)
        assert all(type(v) is type(expected) for v in got), (method, ctype, got)
    assert _returns(g, "any_text") == "str"
    assert _returns(g, "any_thing") == "Thing | str"
    assert _returns(g, "app_thing") == "Thing | str"
    assert _returns(g, "any_count") == "int | str"
    assert _returns(g, "any_blob") == "bytes"
    assert _returns(g, "any_untyped") == "Any"


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


# --- required parameters are always sent -----------------------------------------------------

REQUIRED = spec(
    "wire_required",
    """
    openapi: 3.0.3
    info: {title: WireRequired, version: "1"}
    paths:
      /users:
        get:
          operationId: listUsers
          parameters:
            - {name: status, in: query, required: true, schema: {type: string}}
            - name: filter
              in: query
              required: true
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      name: {type: string}
            - {name: limit, in: query, required: true, schema: {type: integer, default: 20}}
            - {name: order, in: query, required: true, schema: {type: string, enum: [asc, desc], default: asc}}
            - {name: X-Mode, in: header, required: true, schema: {type: string, default: fast}}
            - name: meta
              in: query
              content:
                application/json:
                  schema: {type: object, properties: {a: {type: integer}}}
          responses: {"204": {description: ok}}
    """,
)


def test_required_parameters_are_always_sent(gen) -> None:
    """A required parameter with a ``default`` may be left out of the call, and its default is
    sent; a parameter serialized by ``content`` (``application/json``) is sent as JSON text, so a
    required empty object is ``{}``, not nothing (datamodel-code-generator
    ``default_values_parameters.yaml``)."""
    g = gen(REQUIRED)
    assert g.ok, g.describe()
    m = g.models
    rec = Recorder(204)
    both(g, rec, lambda c: c.users.list_users(status="on", filter=m.ListUsersFilter()))
    both(
        g,
        rec,
        lambda c: c.users.list_users(
            status="on", filter=m.ListUsersFilter(name="a b"), limit=5, order="desc", x_mode="slow",
            meta=m.ListUsersMeta(a=1),
        ),
    )
    sent = [(r.url.query.decode(), r.headers["X-Mode"]) for r in rec.requests]
    assert sent == [
        ("status=on&filter=%7B%7D&limit=20&order=asc", "fast"),
        ("status=on&filter=%7B%7D&limit=20&order=asc", "fast"),
        ("status=on&filter=%7B%22name%22%3A%22a%20b%22%7D&limit=5&order=desc&meta=%7B%22a%22%3A1%7D", "slow"),
        ("status=on&filter=%7B%22name%22%3A%22a%20b%22%7D&limit=5&order=desc&meta=%7B%22a%22%3A1%7D", "slow"),
    ]
    params = inspect.signature(g.client(rec).users.list_users).parameters
    assert params["limit"].default == 20 and params["x_mode"].default == "fast"
    assert params["status"].default is inspect.Parameter.empty


# --- None is sent only where the schema allows null -----------------------------------------

NULLS = spec(
    "wire_nulls",
    """
    openapi: 3.1.0
    info: {title: WireNulls, version: "1"}
    paths:
      /things:
        post:
          operationId: addThing
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Thing'}
          responses: {"204": {description: ok}}
    components:
      schemas:
        Thing:
          type: object
          required: [id, also]
          properties:
            id: {type: string}
            also: {type: [string, "null"]}
            name: {type: string}
            note: {type: [string, "null"]}
            ref: {$ref: '#/components/schemas/MaybeText'}
            box: {$ref: '#/components/schemas/Box'}
            anything: {}
            child: {$ref: '#/components/schemas/Child'}
            children:
              type: array
              items: {$ref: '#/components/schemas/Child'}
        MaybeText:
          type: [string, "null"]
        Box:
          type: [object, "null"]
          properties:
            n: {type: integer}
        Child:
          type: object
          properties:
            label: {type: string}
            extra: {type: [integer, "null"]}
    """,
)

NULLS30 = spec(
    "wire_nulls30",
    """
    openapi: 3.0.3
    info: {title: WireNulls30, version: "1"}
    paths:
      /things:
        post:
          operationId: addThing
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    name: {type: string}
                    note: {type: string, nullable: true}
          responses: {"204": {description: ok}}
    """,
)


def test_none_is_sent_only_where_the_schema_allows_null(gen) -> None:
    """A field the caller set to ``None`` is left out when its schema does not allow null (the
    model still accepts ``None`` for an optional field), and sent as ``null`` when it does
    (3.1 type lists, a ``$ref`` to a nullable schema or a nullable object's class, an untyped
    schema, 3.0 ``nullable``), in nested models and lists of them too."""
    g = gen(NULLS)
    assert g.ok, g.describe()
    m = g.models
    body = m.Thing(
        id="1", also=None, name=None, note=None, ref=None, box=None, anything=None,
        child=m.Child(label=None, extra=None), children=[m.Child(label=None), m.Child(extra=None)],
    )
    expected = {
        "id": "1", "also": None, "note": None, "ref": None, "box": None, "anything": None,
        "child": {"extra": None}, "children": [{}, {"extra": None}],
    }
    assert body.to_dict() == expected
    rec = Recorder(204)
    both(g, rec, lambda c: c.things.add_thing(body=body))
    assert [sent_json(r) for r in rec.requests] == [expected, expected]
    g30 = gen(NULLS30)
    assert g30.ok, g30.describe()
    rec = Recorder(204)
    body30 = g30.models.AddThingBody(name=None, note=None)
    both(g30, rec, lambda c: c.things.add_thing(body=body30))
    assert [sent_json(r) for r in rec.requests] == [{"note": None}] * 2


# --- the Encoding Object ----------------------------------------------------------------------

ENCODING = spec(
    "wire_encoding",
    """
    openapi: 3.1.0
    info: {title: WireEncoding, version: "1"}
    paths:
      /form:
        post:
          operationId: sendForm
          tags: [enc]
          requestBody:
            required: true
            content:
              application/x-www-form-urlencoded:
                schema: {$ref: '#/components/schemas/FormBody'}
                encoding:
                  tags: {style: form, explode: false}
                  ids: {style: form, explode: true}
                  words: {style: spaceDelimited}
                  pipes: {style: pipeDelimited, explode: false}
                  point: {style: form}
                  flat: {style: form, explode: false}
                  deep: {style: deepObject, explode: true}
                  link: {allowReserved: true}
                  meta: {contentType: application/json}
          responses: {"204": {description: ok}}
      /parts:
        post:
          operationId: sendParts
          tags: [enc]
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema: {$ref: '#/components/schemas/PartsBody'}
                encoding:
                  tags: {style: form, explode: false}
                  ids: {style: form, explode: true}
                  pipes: {style: pipeDelimited}
                  point: {style: form}
                  deep: {style: deepObject, explode: true}
                  doc: {contentType: application/xml}
                  pic: {contentType: 'image/png, image/jpeg'}
          responses: {"204": {description: ok}}
    components:
      schemas:
        Point:
          type: object
          properties:
            x: {type: integer}
            y: {type: string}
        Other:
          type: object
          properties:
            k: {type: string}
        FormBody:
          type: object
          properties:
            tags: {type: array, items: {type: string}}
            ids: {type: array, items: {type: integer}}
            words: {type: array, items: {type: string}}
            pipes: {type: array, items: {type: string}}
            point: {$ref: '#/components/schemas/Point'}
            flat: {$ref: '#/components/schemas/Other'}
            deep: {$ref: '#/components/schemas/Point'}
            link: {type: string}
            meta: {$ref: '#/components/schemas/Other'}
            plain: {type: string}
            list: {type: array, items: {type: string}}
        PartsBody:
          type: object
          properties:
            tags: {type: array, items: {type: string}}
            ids: {type: array, items: {type: integer}}
            pipes: {type: array, items: {type: string}}
            point: {$ref: '#/components/schemas/Point'}
            deep: {$ref: '#/components/schemas/Point'}
            doc: {type: string}
            pic: {type: string, format: binary}
            list: {type: array, items: {type: string}}
            nums: {type: array, items: {type: integer}}
            obj: {$ref: '#/components/schemas/Other'}
            plain: {type: string}
    """,
)


def test_form_bodies_follow_their_encoding_object(gen) -> None:
    """``application/x-www-form-urlencoded`` with an Encoding Object (OAS 3.1.0 4.8.15): style
    form (exploded by default: arrays repeat their name, objects send their properties),
    spaceDelimited, pipeDelimited, deepObject, explode, allowReserved; ``contentType`` alone
    sends the value in that media type (JSON text). Style-based values are percent-encoded per
    RFC 3986 (``%20``), their delimiters like the query's; fields without an Encoding Object
    keep the form-urlencoded rules (``+`` for a space)."""
    g = gen(ENCODING)
    assert g.ok, g.describe()
    m = g.models
    body = m.FormBody(
        tags=["a b", "c"], ids=[1, 2], words=["x", "y"], pipes=["1", "2"],
        point=m.Point(x=1, y="a b"), flat=m.Other(k="v w"), deep=m.Point(x=3, y="z"),
        link="https://x.test/p?q=1&r=a b", meta=m.Other(k="v"), plain="a b", list=["l1", "l2"],
    )
    rec = Recorder(204)
    both(g, rec, lambda c: c.enc.send_form(body=body))
    expected = (
        "tags=a%20b%2Cc&ids=1&ids=2&words=x%20y&pipes=1%7C2&x=1&y=a%20b&flat=k%2Cv%20w"
        "&deep%5Bx%5D=3&deep%5By%5D=z&link=https://x.test/p?q=1&r=a%20b"
        "&meta=%7B%22k%22%3A%22v%22%7D&plain=a+b&list=l1&list=l2"
    )
    for request in rec.requests:
        assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert request.content.decode() == expected


def test_multipart_parts_follow_their_encoding_object(gen) -> None:
    """``multipart/form-data``: a part per array item (the items' default content type) and a
    JSON part per object when no Encoding Object says otherwise; ``style``/``explode`` as for
    forms but never percent-encoded (OAS 3.1.2 4.8.15.1.2); ``contentType`` is the part's
    Content-Type (the first of a list for a file)."""
    g = gen(ENCODING)
    m = g.models
    body = m.PartsBody(
        tags=["a b", "c"], ids=[1, 2], pipes=["1", "2"], point=m.Point(x=1, y="a b"),
        deep=m.Point(x=3, y="z"), doc="<d/>", pic=b"PNG", list=["l1", "l2"], nums=[7, 8],
        obj=m.Other(k="v"), plain="a b",
    )
    rec = Recorder(204)
    both(g, rec, lambda c: c.enc.send_parts(body=body))
    for request in rec.requests:
        parts = _parts(request)
        assert parts == [
            ("tags", None, b"a b,c"),
            ("ids", None, b"1"),
            ("ids", None, b"2"),
            ("pipes", None, b"1|2"),
            ("x", None, b"1"),
            ("y", None, b"a b"),
            ("deep[x]", None, b"3"),
            ("deep[y]", None, b"z"),
            ("doc", "application/xml", b"<d/>"),
            ("pic", "image/png", b"PNG"),
            ("list", None, b"l1"),
            ("list", None, b"l2"),
            ("nums", None, b"7"),
            ("nums", None, b"8"),
            ("obj", "application/json", b'{"k":"v"}'),
            ("plain", None, b"a b"),
        ], parts
    assert json.loads(_parts(rec.requests[0])[14][2]) == {"k": "v"}


BAD_ENCODING = spec(
    "wire_bad_encoding",
    """
    openapi: 3.1.0
    info: {title: WireBadEncoding, version: "1"}
    paths:
      /form:
        post:
          operationId: sendForm
          requestBody:
            content:
              application/x-www-form-urlencoded:
                schema:
                  type: object
                  properties:
                    a: {type: array, items: {type: string}}
                encoding:
                  nope: {style: form}
                  a: {style: matrix}
          responses: {"204": {description: ok}}
    """,
)


def test_an_encoding_the_client_cannot_apply_is_reported(gen) -> None:
    """An Encoding Object naming no property of the body, or with a style a body cannot use,
    is a WARNING at its pointer; the property is then sent with the defaults."""
    g = gen(BAD_ENCODING)
    assert g.ok, g.describe()
    base = "/paths/~1form/post/requestBody/content/application~1x-www-form-urlencoded/encoding"
    (nope,) = g.diags("WARNING", pointer=f"{base}/nope")
    assert "not a property" in nope.message
    (style,) = g.diags("WARNING", pointer=f"{base}/a/style")
    assert "matrix" in style.message
    rec = Recorder(204)
    both(g, rec, lambda c: c.form.send_form(body=g.models.SendFormBody(a=["1", "2"])))
    assert [r.content for r in rec.requests] == [b"a=1&a=2"] * 2


MULTIPART_SINGLE_FILE = spec(
    "multipart_single_file",
    """
    openapi: 3.0.1
    info: {title: Attachments, version: "1"}
    paths:
      /issues/{key}/attachments:
        post:
          operationId: addAttachment
          parameters:
            - {name: key, in: path, required: true, schema: {type: string}}
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema: {type: string, format: binary}
          responses:
            "204": {description: ok}
    """,
)


def test_a_multipart_body_whose_schema_is_one_file_is_sent_as_a_file_part(gen) -> None:
    """Jira's ``addAttachment`` declares ``multipart/form-data`` with a binary string schema, not an
    object of parts: the call sent nothing and raised ``TypeError`` ('bytes' object is not a
    mapping). Now: a WARNING at the schema, and the file goes out as one part named ``file``."""
    g = gen(MULTIPART_SINGLE_FILE)
    assert g.ok, g.describe()
    pointer = "/paths/~1issues~1{key}~1attachments/post/requestBody/content/multipart~1form-data/schema"
    assert [d.level for d in g.diags(pointer=pointer)] == ["WARNING"], g.describe()
    rec = Recorder(204)
    g.client(rec).issues.add_attachment(key="PRJ-1", body=b"\x00log line\n")
    sent = rec.last
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'Content-Disposition: form-data; name="file"' in sent.content
    assert b"\x00log line\n" in sent.content


FORM_SINGLE_VALUE = spec(
    "form_single_value",
    """
    openapi: 3.0.1
    info: {title: Forms, version: "1"}
    paths:
      /submit:
        post:
          operationId: submitForm
          requestBody:
            required: true
            content:
              application/x-www-form-urlencoded:
                schema: {type: string}
          responses:
            "204": {description: ok}
    """,
)


def test_a_form_body_whose_schema_is_one_value_is_sent_as_the_given_form_text(gen) -> None:
    """``application/x-www-form-urlencoded`` with a string schema (hey-api's full.yaml): the call
    raised ``TypeError`` before sending. Now: a WARNING at the schema, and the caller's text is
    sent as the encoded form, unchanged."""
    g = gen(FORM_SINGLE_VALUE)
    assert g.ok, g.describe()
    pointer = "/paths/~1submit/post/requestBody/content/application~1x-www-form-urlencoded/schema"
    assert [d.level for d in g.diags(pointer=pointer)] == ["WARNING"], g.describe()
    rec = Recorder(204)
    g.client(rec).submit.submit_form(body="a=1&b=two%20words")
    assert rec.last.headers["content-type"] == "application/x-www-form-urlencoded"
    assert rec.last.content == b"a=1&b=two%20words"
