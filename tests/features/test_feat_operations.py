"""Operations: parameter merging and serialization (style/explode, headers, cookies), request
bodies of every media kind, response ranges / default / no content / text / binary / vendor JSON,
and stable names for inline schemas. Requests go through ``httpx.MockTransport``."""

from __future__ import annotations

import inspect
import re
import shutil

import pytest

from features_helpers import Recorder, produce, sent_json, spec

OPS = spec(
    "ops_all",
    """
    openapi: 3.0.3
    info: {title: Ops, version: "1"}
    paths:
      /items/{itemId}:
        parameters:
          - {name: itemId, in: path, required: true, schema: {type: integer}}
          - {name: verbose, in: query, schema: {type: boolean}}
          - {name: limit, in: query, schema: {type: integer}}
        get:
          operationId: getItem
          parameters:
            - {name: limit, in: query, required: true, schema: {type: string}, description: overridden}
            - {name: tags, in: query, schema: {type: array, items: {type: string}}}
            - {name: ids, in: query, explode: false, schema: {type: array, items: {type: integer}}}
            - name: pipes
              in: query
              style: pipeDelimited
              explode: false
              schema: {type: array, items: {type: string}}
            - name: filter
              in: query
              style: deepObject
              explode: true
              schema: {$ref: '#/components/schemas/Filter'}
            - {name: point, in: query, schema: {$ref: '#/components/schemas/Point'}}
            - {name: X-Trace, in: header, schema: {type: string}}
            - {name: X-Multi, in: header, schema: {type: array, items: {type: integer}}}
            - {name: session, in: cookie, schema: {type: string}}
            - {name: prefs, in: cookie, explode: false, schema: {type: array, items: {type: string}}}
          responses:
            "2XX":
              description: ok
              content:
                application/vnd.acme.item+json:
                  schema:
                    type: object
                    properties:
                      id: {type: integer}
                      tags: {type: array, items: {type: string}}
            "404":
              description: missing
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}
        delete:
          operationId: deleteItem
          responses:
            "204": {description: gone}
      /forms:
        post:
          operationId: postForm
          requestBody:
            required: true
            content:
              application/x-www-form-urlencoded:
                schema:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    count: {type: integer}
                    tags: {type: array, items: {type: string}}
          responses:
            default:
              description: whatever
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Problem'}
      /upload:
        post:
          operationId: upload
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [files]
                  properties:
                    title: {type: string}
                    meta: {type: object, properties: {k: {type: string}}}
                    cover: {type: string, format: binary}
                    files: {type: array, items: {type: string, format: binary}}
          responses:
            "201":
              description: ok
              content:
                text/plain:
                  schema: {type: string}
      /raw:
        put:
          operationId: putRaw
          requestBody:
            required: true
            content:
              application/octet-stream:
                schema: {type: string, format: binary}
          responses:
            "200":
              description: ok
              content:
                application/octet-stream:
                  schema: {type: string, format: binary}
      /text:
        post:
          operationId: postText
          requestBody:
            required: true
            content:
              text/plain:
                schema: {type: string}
          responses:
            "200":
              description: ok
              content:
                text/csv:
                  schema: {type: string}
      /both:
        post:
          operationId: postBoth
          requestBody:
            required: true
            content:
              application/json:
                schema: {$ref: '#/components/schemas/Point'}
              application/x-www-form-urlencoded:
                schema: {$ref: '#/components/schemas/Filter'}
          responses:
            "200":
              description: ok
      /vendor:
        post:
          operationId: postVendor
          requestBody:
            required: true
            content:
              application/vnd.acme.point.v2+json:
                schema: {$ref: '#/components/schemas/Point'}
          responses:
            "200":
              description: ok
              content:
                application/vnd.acme.point.v2+json:
                  schema: {$ref: '#/components/schemas/Point'}
    components:
      schemas:
        Filter:
          type: object
          properties:
            status: {type: string}
            range: {type: object, properties: {min: {type: integer}, max: {type: integer}}}
        Point:
          type: object
          properties:
            x: {type: integer}
            y: {type: integer}
        Problem:
          type: object
          properties:
            title: {type: string}
            status: {type: integer}
    """,
)


def test_path_item_parameters_overridden_at_operation_level(gen) -> None:
    g = gen(OPS)
    assert g.ok, g.describe()
    sig = inspect.signature(g.pkg.Client(base_url="http://t").items.get_item)
    assert sig.parameters["limit"].default is inspect.Parameter.empty  # now required
    assert "str" in str(sig.parameters["limit"].annotation)  # and a string
    assert "verbose" in sig.parameters  # inherited from the path item
    rec = Recorder(200, json={"id": 1})
    g.client(rec).items.get_item(item_id=42, limit="all", verbose=True)
    assert rec.last.url.path == "/items/42"
    assert sorted(rec.last.url.params.multi_items()) == [("limit", "all"), ("verbose", "true")]


def test_query_styles(gen) -> None:
    g = gen(OPS)
    m = g.models
    rec = Recorder(200, json={})
    g.client(rec).items.get_item(
        item_id=1,
        limit="1",
        tags=["a", "b"],
        ids=[1, 2, 3],
        pipes=["x", "y"],
        filter=m.Filter.model_validate({"status": "on", "range": {"min": 1, "max": 5}}),
        point=m.Point(x=3, y=4),
    )
    q = rec.last.url.params.multi_items()
    assert [v for k, v in q if k == "tags"] == ["a", "b"]  # form, exploded (default)
    assert [v for k, v in q if k == "ids"] == ["1,2,3"]  # form, explode: false
    assert [v for k, v in q if k == "pipes"] == ["x|y"]
    assert ("filter[status]", "on") in q
    assert ("filter[range][min]", "1") in q and ("filter[range][max]", "5") in q
    assert ("x", "3") in q and ("y", "4") in q  # an exploded form object


def test_header_and_cookie_parameters(gen) -> None:
    g = gen(OPS)
    rec = Recorder(200, json={})
    g.client(rec).items.get_item(item_id=1, limit="1", x_trace="t-1", x_multi=[1, 2], session="abc")
    h = rec.last.headers
    assert h["X-Trace"] == "t-1"
    assert h["X-Multi"] == "1,2"
    assert h["Cookie"] == "session=abc"
    g.client(rec).items.get_item(item_id=1, limit="1")
    assert "X-Trace" not in rec.last.headers and "Cookie" not in rec.last.headers  # not given


def test_array_cookie_parameter(gen) -> None:
    g = gen(OPS)
    rec = Recorder(200, json={})
    g.client(rec).items.get_item(item_id=1, limit="1", prefs=["a", "b"])
    assert rec.last.headers["Cookie"] in ("prefs=a,b", "prefs=a%2Cb")


def test_async_client_sends_the_same_request(gen) -> None:
    import asyncio

    import httpx

    g = gen(OPS)
    rec = Recorder(200, json={"id": 3})

    async def go():
        client = g.pkg.AsyncClient(
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(rec)),
            base_url="http://t",
            max_retries=0,
        )
        return await client.items.get_item(item_id=3, limit="x", tags=["a", "b"], x_trace="t")

    got = asyncio.run(go())
    assert got.id == 3
    assert rec.last.url.path == "/items/3"
    assert rec.last.url.params.get_list("tags") == ["a", "b"]
    assert rec.last.headers["X-Trace"] == "t"


def test_form_urlencoded_body(gen) -> None:
    g = gen(OPS)
    m = g.models
    rec = Recorder(200, json={"title": "ok"})
    body = m.PostFormBody(name="a b", count=2, tags=["x", "y"])
    got = g.client(rec).forms.post_form(body=body)
    assert rec.last.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert rec.last.content.decode() == "name=a+b&count=2&tags=x&tags=y"
    assert isinstance(got, m.Problem) and got.title == "ok"  # a 'default'-only response


def test_default_only_response_is_also_the_error_type(gen) -> None:
    g = gen(OPS)
    m = g.models
    rec = Recorder(422, json={"title": "bad", "status": 422})
    with pytest.raises(g.pkg.UnprocessableEntityError) as info:
        g.client(rec).forms.post_form(body=m.PostFormBody(name="x"))
    assert isinstance(info.value.error, m.Problem) and info.value.error.title == "bad"


def test_multipart_with_arrays_of_files(gen) -> None:
    g = gen(OPS)
    m = g.models
    rec = Recorder(201, content=b"created", headers={"Content-Type": "text/plain"})
    body = m.UploadBody(
        title="holiday",
        meta=m.UploadBodyMeta(k="v"),
        cover=("cover.png", b"PNG", "image/png"),
        files=[("a.txt", b"AAA"), b"BBB"],
    )
    got = g.client(rec).upload.upload(body=body)
    assert got == "created"
    req = rec.last
    ctype = req.headers["Content-Type"]
    assert ctype.startswith("multipart/form-data; boundary=")
    raw = req.content.decode("latin-1")
    parts = raw.split("--" + ctype.split("boundary=")[1])
    by_name: dict[str, list[str]] = {}
    for part in parts:
        mname = re.search(r'name="([^"]+)"', part)
        if mname:
            by_name.setdefault(mname.group(1), []).append(part)
    assert sorted(by_name) == ["cover", "files", "meta", "title"]
    assert len(by_name["files"]) == 2  # one part per file
    assert 'filename="a.txt"' in by_name["files"][0] and "AAA" in by_name["files"][0]
    assert "BBB" in by_name["files"][1]
    assert 'filename="cover.png"' in by_name["cover"][0] and "image/png" in by_name["cover"][0]
    assert '{"k":"v"}' in by_name["meta"][0]
    assert "holiday" in by_name["title"][0]


def test_octet_stream_body_and_binary_response(gen) -> None:
    g = gen(OPS)
    payload = bytes(range(256))
    rec = Recorder(200, content=payload[::-1], headers={"Content-Type": "application/octet-stream"})
    got = g.client(rec).raw.put_raw(body=payload)
    assert rec.last.method == "PUT"
    assert rec.last.headers["Content-Type"] == "application/octet-stream"
    assert rec.last.content == payload
    assert got == payload[::-1] and isinstance(got, bytes)


def test_text_body_and_text_response(gen) -> None:
    g = gen(OPS)
    rec = Recorder(200, content="a,b\n1,2\n".encode(), headers={"Content-Type": "text/csv"})
    got = g.client(rec).text.post_text(body="héllo")
    assert rec.last.headers["Content-Type"].startswith("text/plain")
    assert rec.last.content == "héllo".encode()
    assert got == "a,b\n1,2\n"


def test_one_body_several_media_types(gen) -> None:
    g = gen(OPS)
    m = g.models
    rec = Recorder(200)
    c = g.client(rec)
    assert c.both.post_both(body=m.Point(x=1)) is None
    assert rec.last.headers["Content-Type"] == "application/json"
    assert sent_json(rec.last) == {"x": 1}
    c.both.post_both(body=m.Filter(status="s"))
    assert rec.last.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert rec.last.content == b"status=s"


def test_response_range_and_vendor_json(gen) -> None:
    g = gen(OPS)
    rec = Recorder(
        203,
        json={"id": 9, "tags": ["t"], "more": 1},
        headers={"Content-Type": "application/vnd.acme.item+json"},
    )
    got = g.client(rec).items.get_item(item_id=9, limit="1")
    assert got.id == 9 and got.tags == ["t"]
    assert got.model_dump(by_alias=True, exclude_unset=True) == {"id": 9, "tags": ["t"], "more": 1}


def test_vendor_json_request_body(gen) -> None:
    g = gen(OPS)
    m = g.models
    rec = Recorder(
        200, json={"x": 2, "y": 3}, headers={"Content-Type": "application/vnd.acme.point.v2+json"}
    )
    got = g.client(rec).vendor.post_vendor(body=m.Point(x=1))
    assert sent_json(rec.last) == {"x": 1}
    assert isinstance(got, m.Point) and (got.x, got.y) == (2, 3)


def test_vendor_json_request_body_keeps_its_media_type(gen) -> None:
    g = gen(OPS)
    rec = Recorder(200, json={"x": 2})
    g.client(rec).vendor.post_vendor(body=g.models.Point(x=1))
    assert rec.last.headers["Content-Type"] == "application/vnd.acme.point.v2+json"


def test_error_response_is_typed(gen) -> None:
    g = gen(OPS)
    rec = Recorder(
        404,
        json={"title": "nope", "status": 404},
        headers={"Content-Type": "application/problem+json"},
    )
    with pytest.raises(g.pkg.NotFoundError) as info:
        g.client(rec).items.get_item(item_id=1, limit="1")
    assert info.value.error.title == "nope"


def test_no_content_returns_none(gen) -> None:
    g = gen(OPS)
    rec = Recorder(204)
    assert g.client(rec).items.delete_item(item_id=5) is None
    assert rec.last.method == "DELETE" and rec.last.url.path == "/items/5"


def test_inline_schemas_get_stable_names(gen, tmp_path) -> None:
    g = gen(OPS)
    expected = {"GetItemResponse", "PostFormBody", "UploadBody", "UploadBodyMeta", "FilterRange"}
    assert expected <= set(dir(g.models))

    def classes(folder):
        info = produce(OPS, folder)
        assert info["ok"]
        src = (folder / "out" / "feat-ops-all" / "feat_ops_all" / "models.py").read_text()
        shutil.rmtree(folder)
        return re.findall(r"^class (\w+)", src, re.M), re.findall(r"^(\w+): TypeAlias", src, re.M)

    first = classes(tmp_path / "a")
    assert first == classes(tmp_path / "b")
    assert set(first[0]) == expected | {"Filter", "Point", "Problem"}


def test_octet_stream_body_from_a_path(gen, tmp_path) -> None:
    g = gen(OPS)
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"\x00\x01data")
    rec = Recorder(200, content=b"ok")
    g.client(rec).raw.put_raw(body=blob)
    assert rec.last.content == b"\x00\x01data"


SECURITY = spec(
    "ops_security",
    """
    openapi: 3.1.0
    info: {title: Sec, version: "1"}
    security: [{bearer: []}]
    paths:
      /inherits:
        get:
          operationId: inherits
          responses: {"204": {description: none}}
      /public:
        get:
          operationId: public
          security: []
          responses: {"204": {description: none}}
      /keyed:
        get:
          operationId: keyed
          security: [{apiKey: []}]
          responses: {"204": {description: none}}
    components:
      securitySchemes:
        bearer: {type: http, scheme: bearer}
        apiKey: {type: apiKey, in: header, name: X-Key}
    """,
)


def test_operation_security_overrides_the_document_default(gen) -> None:
    """The document's top-level ``security`` lives once on the client (``_default_security``);
    an operation's own ``security`` (``[]`` included) is passed with the call and wins."""
    import httpx

    g = gen(SECURITY)
    rec = Recorder(204)
    client = g.pkg.Client(
        token="tok",
        api_key="k",
        http_client=httpx.Client(transport=httpx.MockTransport(rec)),
        base_url="http://t",
    )
    sent = {}
    for name in ("inherits", "public", "keyed"):
        getattr(getattr(client, name), name)()  # untagged: one resource per first path segment
        sent[name] = (rec.last.headers.get("Authorization"), rec.last.headers.get("X-Key"))
    assert sent == {"inherits": ("Bearer tok", None), "public": (None, None), "keyed": (None, "k")}
    source = "".join(p.read_text() for p in (g.package_dir / "resources").glob("*.py"))
    assert "security=()" in source and 'security=(("apiKey",),)' in source
    assert source.count("security=") == 2  # the Endpoints of public and keyed (sync and async share them)


BASIC = spec(
    "ops_basic_auth",
    """
    openapi: 3.0.3
    info: {title: Basic, version: "1"}
    security: [{basic: []}]
    paths:
      /me:
        get:
          operationId: me
          responses: {"204": {description: none}}
    components:
      securitySchemes:
        basic: {type: http, scheme: basic}
    """,
)


def test_http_basic_credentials_are_sent(gen) -> None:
    """``username`` and ``password`` reach the Basic scheme (the generated ``_auth`` once used a
    ``password`` it was never given: a NameError at construction, and mypy --strict failed)."""
    import base64

    import httpx

    g = gen(BASIC)
    rec = Recorder(204)
    client = g.pkg.Client(
        username="ann",
        password="s3cret",
        http_client=httpx.Client(transport=httpx.MockTransport(rec)),
        base_url="http://t",
    )
    client.me.me()
    assert rec.last.headers["Authorization"] == "Basic " + base64.b64encode(b"ann:s3cret").decode()


def test_a_title_naming_a_standard_module_does_not_shadow_it() -> None:
    """A spec titled "datetime" (datamodel-code-generator's corpus document) would give a package
    ``datetime`` that shadows the standard library's: it becomes ``datetime_client``."""
    from generator.normalize.api import default_names

    assert default_names("datetime") == ("datetime-client", "datetime_client")
    assert default_names("HTTPX API") == ("httpx-client", "httpx_client")
    assert default_names("Versori Connect API") == ("versori-connect", "versori_connect")


FRAGMENTS = spec(
    "path_fragments",
    """
    openapi: 3.1.0
    info: {title: Fragments, version: "1"}
    paths:
      /things/{thingId}:
        get:
          operationId: getThing
          parameters:
            - {name: thingId, in: path, required: true, schema: {type: string}}
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: object, properties: {key: {type: string}}}}}}
      /things/{thingId}#byName:
        get:
          operationId: getThingByName
          parameters:
            - {name: thingId, in: path, required: true, schema: {type: string}}
            - {name: name, in: query, required: true, schema: {type: string}}
          responses:
            "200": {description: ok, content: {application/json: {schema: {type: object, properties: {name: {type: string}}}}}}
      /cookies:
        get:
          parameters:
            - {name: flavour, in: cookie, schema: {type: string}}
          responses:
            "204": {description: ok}
      /cookies#formExploded:
        get:
          parameters:
            - {name: flavours, in: cookie, explode: true, schema: {type: array, items: {type: string}}}
          responses:
            "204": {description: ok}
      /search?q=1:
        get:
          operationId: searchWithQuery
          responses:
            "204": {description: ok}
    """,
)


def test_path_keys_with_a_fragment_are_distinct_operations_sent_without_it(gen) -> None:
    """``/things/{thingId}#byName`` describes a variant of ``/things/{thingId}``: its own method,
    the request goes to ``/things/{thingId}``. A key with a query stays refused (a WARNING)."""
    g = gen(FRAGMENTS)
    assert g.ok, g.describe()
    assert not g.diags(pointer="/paths/~1things~1{thingId}#byName"), g.describe()
    rec = Recorder(200, json={"name": "n"})
    client = g.client(rec)
    assert client.things.get_thing_by_name(thing_id="7", name="n").name == "n"
    assert rec.last.url.raw_path == b"/things/7?name=n" and "#" not in str(rec.last.url)
    rec.json = {"key": "7"}
    assert client.things.get_thing(thing_id="7").key == "7"
    assert rec.last.url.raw_path == b"/things/7"
    # without an operationId the fragment's words name the method; both are in one resource
    rec.status, rec.json = 204, None
    client.cookies.get_cookies_form_exploded(flavours=["a", "b"])
    assert rec.last.url.raw_path == b"/cookies" and rec.last.headers["cookie"]
    client.cookies.get_cookies(flavour="x")
    assert rec.last.url.raw_path == b"/cookies" and rec.last.headers["cookie"] == "flavour=x"
    assert [d.level for d in g.diags(pointer="/paths/~1search?q=1")] == ["WARNING"]
    assert not hasattr(client, "search")


UNDECLARED_PATH_PARAMETER = spec(
    "undeclared_path_parameter",
    """
    openapi: 3.1.0
    info: {title: Undeclared, version: "1"}
    paths:
      /certificates/{certificate_id}:
        get:
          operationId: getCertificate
          parameters:
            - {name: certificate_id, in: path, required: true, schema: {type: string}}
          responses:
            "204": {description: ok}
        delete:
          operationId: deleteCertificate
          responses:
            "204": {description: ok}
    """,
)


def test_a_path_template_expression_no_parameter_declares_is_a_required_argument(gen) -> None:
    """``/certificates/{certificate_id}`` whose ``delete`` declares no ``certificate_id`` (the
    OpenAI document does this): the method takes ``certificate_id`` as a required string, with a
    WARNING at the operation, instead of always failing with an empty path segment."""
    import inspect

    g = gen(UNDECLARED_PATH_PARAMETER)
    assert g.ok, g.describe()
    warned = g.diags(pointer="/paths/~1certificates~1{certificate_id}/delete")
    assert [d.level for d in warned] == ["WARNING"] and "certificate_id" in warned[0].message
    rec = Recorder(204)
    client = g.client(rec)
    client.certificates.delete_certificate(certificate_id="cert_abc")
    assert rec.last.method == "DELETE" and rec.last.url.raw_path == b"/certificates/cert_abc"
    parameter = inspect.signature(client.certificates.delete_certificate).parameters["certificate_id"]
    assert parameter.default is inspect.Parameter.empty and parameter.annotation in (str, "str")


CURSOR_TYPES = spec(
    "cursor_types",
    """
    openapi: 3.0.3
    info: {title: Cursors, version: "1"}
    paths:
      /webhooks/failed:
        get:
          operationId: getFailedWebhooks
          parameters:
            - {name: after, in: query, schema: {type: integer, format: int64}}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/FailedWebhooks'}
      /events:
        get:
          operationId: listEvents
          parameters:
            - {name: after, in: query, schema: {type: string}}
          responses:
            "200":
              description: ok
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/EventPage'}
    components:
      schemas:
        FailedWebhooks:
          type: object
          required: [values]
          properties:
            values: {type: array, items: {type: string}}
            next: {type: string, format: uri, description: The URL of the next page.}
        EventPage:
          type: object
          properties:
            data: {type: array, items: {type: string}}
            next: {type: string}
    """,
)


def test_a_next_field_of_another_type_than_the_cursor_is_no_cursor(gen) -> None:
    """Jira's failed-webhooks page has an integer ``after`` and a ``next`` that is the URL of the
    next page: putting that URL into ``after`` sends a request the server refuses, so the
    operation returns its page as it is; a string ``next`` beside a string ``after`` still pages."""
    g = gen(CURSOR_TYPES)
    assert g.ok, g.describe()
    rec = Recorder(200, json={"values": ["a"], "next": "https://example.test/webhooks/failed?after=1700000000"})
    client = g.client(rec)
    page = client.webhooks.get_failed_webhooks()
    assert type(page).__name__ == "FailedWebhooks", type(page)
    assert page.values == ["a"] and page.next == "https://example.test/webhooks/failed?after=1700000000"
    assert len(rec.requests) == 1
    rec.json = {"data": ["x"], "next": None}
    events = client.events.list_events()
    assert type(events).__name__ != "EventPage" and list(events) == ["x"]


BAD_HEADER_NAME = spec(
    "bad_header_name",
    """
    openapi: 3.1.0
    info: {title: Headers, version: "1"}
    paths:
      /things:
        get:
          operationId: listThings
          parameters:
            - {name: header param, in: header, schema: {type: string}}
            - {name: X-Good, in: header, schema: {type: string}}
          responses:
            "204": {description: none}
    """,
)


def test_a_header_name_no_http_message_can_carry_is_skipped_with_a_warning(gen) -> None:
    # 'header param' is no HTTP token: httpx refused the whole call (APIConnectionError: Illegal
    # header name) whenever it was given; it is skipped, the other header still works
    g = gen(BAD_HEADER_NAME)
    assert g.diags("WARNING", "not a valid header name", "/paths/~1things/get/parameters/0/name")
    rec = Recorder(204)
    g.client(rec).things.list_things(x_good="a")
    assert rec.last.headers["X-Good"] == "a"
    assert "header_param" not in inspect.signature(g.client(rec).things.list_things).parameters


UNDECLARED_PATH_PARAMS = spec(
    "undeclared_path_params",
    """
    openapi: 3.1.0
    info: {title: Alerts, version: "1"}
    paths:
      /apps/{app_id}/alerts/{alert_id}:
        post:
          operationId: postAlert
          responses:
            "204": {description: none}
    """,
)


def test_two_path_expressions_no_parameter_declares_are_two_arguments(gen) -> None:
    # both are made required string arguments (with a warning each); the second was given the
    # first one's name: 'duplicate argument' and nothing generated (DigitalOcean's spec)
    g = gen(UNDECLARED_PATH_PARAMS)
    assert len(g.diags("WARNING", "no path parameter declares it")) == 2
    rec = Recorder(204)
    g.client(rec).apps.post_alert(app_id="a1", alert_id="b2")
    assert rec.last.url.path == "/apps/a1/alerts/b2"
