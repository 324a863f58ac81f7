"""More claims behind the contract sweep's classification (``contract_classify``,
``contract_violations``): AWS path keys with a '#fragment', form arrays, encoded query names,
ignored header parameters, Content-Type response headers, query strings in path keys, Prism's
faker out of memory; and the value builder on annotation-only ``allOf`` parts. Split from
``test_contract_classify.py`` (module size); its helpers are shared."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml
from contract_classify import (
    CLIENT,
    DOCUMENT,
    MOCK,
    faker_stalled,
    fragment_path_key,
    operation_missing,
    prism_crashed,
    routed_to_bare_key,
)
from contract_violations import RequestContext, ignored_header_parameters, request_rejected
from test_contract_classify import _doc, _serve, _values


def test_prism_routes_by_the_whole_path_key_fragment_included(prism: Path, tmp_path: Path) -> None:
    """AWS documents name variants of a path with a '#fragment' (never sent over HTTP) and declare
    the variant's query parameters: Prism 5.14.2 cannot route the request the document describes,
    whether the bare path has no operation (404) or other methods (405)."""
    action = {"name": "Action", "in": "query", "required": True, "schema": {"type": "string", "enum": ["CreateQueue"]}}
    uploads = {"name": "uploads", "in": "query", "required": True, "schema": {"type": "boolean", "enum": [True]}}
    key = {"name": "Key", "in": "path", "required": True, "schema": {"type": "string"}}
    copy = {"name": "copy", "in": "query", "required": True, "schema": {"type": "boolean", "enum": [True]}}
    body = {"required": True, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
    ok = {"responses": {"200": {"description": "ok"}}}
    doc = _doc({}, {
        "/#Action=CreateQueue": {"get": {"parameters": [action], **ok}},
        "/obj/{Key}": {"get": {"parameters": [key], **ok}, "put": {"parameters": [key], "requestBody": body, **ok}},
        "/obj/{Key}#uploads": {"post": {"parameters": [key, uploads], **ok}},
        "/obj/{Key}#copy": {"put": {"parameters": [key, copy], **ok}},
    })  # fmt: skip
    server = _serve(prism, tmp_path, doc)
    try:
        listed = httpx.get(f"{server.url}/?Action=CreateQueue")
        upload = httpx.post(f"{server.url}/obj/k?uploads=true")
        plain = httpx.get(f"{server.url}/obj/k")
        copied = httpx.put(f"{server.url}/obj/k?copy=true")
    finally:
        server.stop()
    assert plain.status_code == 200
    assert listed.status_code == 404 and "NO_PATH_MATCHED_ERROR" in listed.text, listed.text
    assert upload.status_code == 405 and "NO_METHOD_MATCHED_ERROR" in upload.text, upload.text
    found = fragment_path_key("/#Action=CreateQueue", "/", "NO_PATH_MATCHED_ERROR", "/p", listed.text)
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-fragment-path-key")
    found = fragment_path_key("/obj/{Key}#uploads", "/obj/k", "NO_METHOD_MATCHED_ERROR", "/p", upload.text)
    assert found is not None and found.reason == "prism-fragment-path-key"
    # a request to any other path, or a key without a fragment, stays the client's
    assert fragment_path_key("/obj/{Key}#uploads", "/obj/k/extra", "NO_METHOD_MATCHED_ERROR", "/p", "") is None
    assert fragment_path_key("/obj/{Key}#uploads", "/obj/k#uploads", "NO_METHOD_MATCHED_ERROR", "/p", "") is None
    assert fragment_path_key("/obj/{Key}", "/obj/k", "NO_METHOD_MATCHED_ERROR", "/p", "") is None
    assert fragment_path_key("/obj/{Key}#uploads", "/obj/k", "UNPROCESSABLE_ENTITY", "/p", "") is None
    # a variant with the bare path's method is checked as the bare path's operation (S3's
    # UploadPartCopy as PutObject: "Body parameter is required")
    assert copied.status_code == 422 and "Body parameter is required" in copied.text, copied.text
    found = routed_to_bare_key(doc["paths"], "/obj/{Key}#copy", "put", "/obj/k", "/p", copied.text)
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-fragment-path-key")
    assert routed_to_bare_key(doc["paths"], "/obj/{Key}#uploads", "post", "/obj/k", "/p", "") is None
    assert routed_to_bare_key(doc["paths"], "/obj/{Key}#copy", "put", "/other/k", "/p", "") is None


def test_an_annotation_only_allof_part_adds_nothing_to_the_built_value(tmp_path: Path) -> None:
    """AWS documents annotate a reference with ``allOf: [{$ref: List}, {description: ...}]``: the
    built value is the list's (it was the bare placeholder 'value', reported as no test value)."""
    doc = _doc({"List": {"type": "array", "items": {"type": "string"}, "xml": {"wrapped": False}}, "Req": {
        "type": "object", "required": ["ids"],
        "properties": {"ids": {"allOf": [{"$ref": "#/components/schemas/List"}, {"description": "the ids"}]}},
    }})  # fmt: skip
    values = _values(tmp_path, doc)
    loc = values.at("/components/schemas/Req")
    built = values.value(loc)
    assert isinstance(built["ids"], list) and values.valid(loc, built), built


def test_prism_splits_form_arrays_only_where_encoding_names_them(prism: Path, tmp_path: Path) -> None:
    """An array property of a urlencoded body (Twilio's `StatusCallbackEvent`) is 'must be array'
    for Prism 5.14.2 whatever is sent, unless the media type's `encoding` names it."""
    props = {"Issue": {"type": "array", "items": {"type": "string"}}, "Tags": {"type": "array", "items": {"type": "string"}}}
    media = {"schema": {"type": "object", "properties": props}, "encoding": {"Tags": {"style": "form", "explode": True}}}
    doc = _doc({}, {"/f": {"post": {
        "requestBody": {"content": {"application/x-www-form-urlencoded": media}},
        "responses": {"204": {"description": "ok"}},
    }}})  # fmt: skip
    server = _serve(prism, tmp_path, doc)
    form = {"content-type": "application/x-www-form-urlencoded"}
    try:
        sent = {body: httpx.post(f"{server.url}/f", content=body, headers=form) for body in ("Issue=a&Issue=b", "Issue=a,b", "Issue=a")}
        named = httpx.post(f"{server.url}/f", content="Tags=a&Tags=b", headers=form)
    finally:
        server.stop()
    assert named.status_code == 204, named.text
    values = _values(tmp_path, doc)
    body = values.at("/paths/~1f/post/requestBody/content/application~1x-www-form-urlencoded/schema")
    for text, response in sent.items():
        assert response.status_code == 422, (text, response.text)
        violations = [{**v, "location": ["request", *v["location"]]} for v in response.json()["validation"]]
        assert [v["location"] for v in violations] == [["request", "body", "Issue"]]
        found = request_rejected(values, violations, RequestContext(body, {}, body_kind="form"))
        assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-form-array-without-encoding")
    # the same violation on a property `encoding` names is the client's
    tags = [{**violations[0], "location": ["request", "body", "Tags"], "message": "Request body property Tags must be array"}]
    assert request_rejected(values, tags, RequestContext(body, {}, body_kind="form")) is None


def test_prism_names_an_encoded_query_name_in_lower_case(prism: Path, tmp_path: Path) -> None:
    """Apple's required `filter[regionCode]`: Prism 5.14.2 finds it only under its doubly encoded
    name, and reports it missing as `filter%5bregioncode%5d` (lower-cased) however it is sent."""
    param = {"name": "filter[regionCode]", "in": "query", "required": True, "schema": {"type": "string"}}
    doc = _doc({}, {"/q": {"get": {"parameters": [param], "responses": {"204": {"description": "ok"}}}}})
    server = _serve(prism, tmp_path, doc)
    try:
        encoded = httpx.get(f"{server.url}/q?filter%5BregionCode%5D=x")
        double = httpx.get(f"{server.url}/q?filter%255BregionCode%255D=x")
    finally:
        server.stop()
    assert double.status_code == 204 and encoded.status_code == 422, encoded.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in encoded.json()["validation"]]
    assert "filter%5bregioncode%5d" in violations[0]["message"]
    values = _values(tmp_path, doc)
    found = request_rejected(values, violations, RequestContext(None, {}, sent_query=frozenset({"filter[regionCode]"})))
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-encoded-query-name")
    assert request_rejected(values, violations, RequestContext(None, {}, sent_query=frozenset({"filter[other]"}))) is None


def test_prism_checks_a_content_type_header_parameter_oas_ignores(prism: Path, tmp_path: Path) -> None:
    """Spotify declares a required `Content-Type` header parameter beside an optional body: OAS
    says it SHALL be ignored, Prism 5.14.2 reports it missing from a request without a body."""
    header = {"name": "Content-Type", "in": "header", "required": True, "schema": {"type": "string"}}
    body = {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}}
    doc = _doc({}, {"/p": {"put": {"parameters": [header], "requestBody": body, "responses": {"204": {"description": "ok"}}}}})
    server = _serve(prism, tmp_path, doc)
    try:
        bare = httpx.put(f"{server.url}/p")
        with_body = httpx.put(f"{server.url}/p", json={})
    finally:
        server.stop()
    assert with_body.status_code == 204, with_body.text
    assert bare.status_code == 422, bare.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in bare.json()["validation"]]
    values = _values(tmp_path, doc)
    ignored = ignored_header_parameters(values, [values.at("/paths/~1p/put/parameters/0")])
    assert set(ignored) == {"content-type"}
    found = request_rejected(values, violations, RequestContext(None, {}, ignored_headers=ignored))
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-checks-ignored-header-parameter")
    assert request_rejected(values, violations, RequestContext(None, {})) is None


def test_prism_cannot_answer_a_declared_content_type_response_header(prism: Path, tmp_path: Path) -> None:
    """Bitbucket's snippet file: a 200 with a `Content-Type` header and no content. Prism 5.14.2
    answers 500 'Cannot find serializer for string' to a plain GET (and 200 without the header)."""
    headers = {"Content-Type": {"schema": {"type": "string"}}}
    doc = _doc({}, {
        "/file": {"get": {"responses": {"200": {"description": "ok", "headers": headers}}}},
        "/plain": {"get": {"responses": {"200": {"description": "ok"}}}},
    })  # fmt: skip
    server = _serve(prism, tmp_path, doc)
    try:
        file = httpx.get(f"{server.url}/file")
        plain = httpx.get(f"{server.url}/plain")
    finally:
        server.stop()
    assert plain.status_code == 200, plain.text
    assert file.status_code == 500 and "Cannot find serializer for string" in file.text, file.text


def test_a_query_string_in_a_path_key_is_a_document_defect(tmp_path: Path) -> None:
    """Discourse's `/top.json?period={flag}` (with `flag` declared `in: path`): the generator skips
    the key with a warning; only such a key makes a missing operation the document's."""
    from generator.pipeline import Options, run

    flag = {"name": "flag", "in": "path", "required": True, "schema": {"type": "string"}}
    doc = _doc({}, {
        "/top.json?period={flag}": {"get": {"parameters": [flag], "responses": {"204": {"description": "ok"}}}},
        "/latest.json": {"get": {"responses": {"204": {"description": "ok"}}}},
    })  # fmt: skip
    spec = tmp_path / "doc.yaml"
    spec.write_text(yaml.safe_dump(doc), encoding="utf-8")
    result = run(Options(spec=spec, output=tmp_path / "out", package_name="p_query_key", validate=False))
    warned = [d for d in result.sink.items if d.pointer.startswith("/paths/~1top.json?period={flag}")]
    assert warned and all(d.level.name == "WARNING" for d in warned), result.sink.items
    assert result.api is not None and len([o for r in result.api.resources for o in r.operations]) == 1
    found = operation_missing("/top.json?period={flag}", "/paths/~1top.json?period={flag}/get")
    assert (found.verdict, found.reason) == (DOCUMENT, "query-in-path-key")
    assert operation_missing("/latest.json", "/paths/~1latest.json/get").verdict == CLIENT


def test_prism_out_of_memory_in_its_faker_is_a_mock_limitation() -> None:
    """Bitbucket's refs: Prism's json-schema-faker recurses through ref -> commit -> repository ->
    branch until node's heap is gone (the log of a real sweep, shortened). Without the faker in the
    log, an out-of-memory crash stays the client's."""
    log = (
        "[5:10:34 AM] › [HTTP SERVER] get /repositories/w/r/refs ✖  error     Request terminated with error: "
        "Error: RangeError: Maximum call stack size exceeded\n"
        "    at traverse (/x/node_modules/json-schema-faker/dist/main.cjs:2397:37)\n"
        "<--- JS stacktrace --->\n\n"
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n"
        " 1: 0xb78db3 node::OOMErrorHandler(char const*, v8::OOMDetails const&) [node]\n"
    )
    found = prism_crashed("/paths/~1refs/get", log)
    assert (found.verdict, found.reason) == (MOCK, "prism-crashed")
    alone = log.replace("json-schema-faker/dist/main.cjs", "prism-http/dist/validator.js")
    assert prism_crashed("/paths/~1refs/get", alone).verdict == CLIENT


def test_a_timeout_while_prism_fakes_a_response_is_a_mock_limitation() -> None:
    """Bitbucket's refs: the client times out while Prism's json-schema-faker recurses through the
    response schema; Prism's log (of a real sweep, shortened) then ends that request with the
    faker's stack overflow. Only a faker trace under that very request excuses the timeout."""
    log = (
        "[5:13:34 AM] › [HTTP SERVER] get /__contract_ping__ ✖  error     Request terminated with error: NO_PATH_MATCHED_ERROR\n"
        "[5:14:11 AM] › [HTTP SERVER] get /repositories/w/r/refs ✖  error     Request terminated with error: "
        "Error: RangeError: Maximum call stack size exceeded\n"
        "    at prepareStackTraceCallback (node:internal/errors:145:29)\n"
        "    at traverse (/x/node_modules/json-schema-faker/dist/main.cjs:2397:37)\n"
        "[5:14:12 AM] ›     [VALIDATOR] ✖  error     Violation: response.body.values.0.target.hash\n"
    )
    assert faker_stalled(log, "GET", "/repositories/w/r/refs")
    assert not faker_stalled(log, "GET", "/repositories/w/r/refs/branches")
    assert not faker_stalled(log, "POST", "/repositories/w/r/refs")
    other = log.replace("json-schema-faker/dist/main.cjs", "prism-http/dist/router.js")
    assert not faker_stalled(other, "GET", "/repositories/w/r/refs")


LINODE_LABEL = "^[a-zA-Z]((?!--|__|..)[a-zA-Z0-9-_.])+$"


def test_linodes_firewall_label_pattern_matches_no_string_of_its_minimum_length(tmp_path: Path) -> None:
    """Linode's ``createFirewalls`` requires ``label`` with ``minLength: 3`` and the pattern
    ``^[a-zA-Z]((?!--|__|..)[a-zA-Z0-9-_.])+$``, whose unescaped ``..`` (meant as ``\\.\\.``) is
    any two characters: only 2-character labels match. ECMAScript's own RegExp (node) confirms
    the proof of ``pattern_too_short`` exhaustively over one character of every class the
    pattern tells apart (letter, digit, '-', '_', '.', other, line terminator) up to 6
    characters; the body is then a document defect, and the intended pattern is not."""
    import json
    import shutil
    import subprocess

    from contract_classify import pattern_too_short, unsatisfiable

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = """
    const re = new RegExp(process.argv[1]); const alphabet = ["a", "Z", "0", "-", "_", ".", " ", "\\n"];
    const counts = {}; let level = [""];
    for (let n = 1; n <= 6; n++) {
      level = level.flatMap(s => alphabet.map(c => s + c));
      counts[n] = level.filter(s => re.test(s)).length;
    }
    console.log(JSON.stringify(counts));
    """
    out = subprocess.run([node, "-e", script, LINODE_LABEL], capture_output=True, text=True, check=True).stdout
    counts = {int(n): c for n, c in json.loads(out).items()}
    assert counts[2] > 0 and all(counts[n] == 0 for n in (1, 3, 4, 5, 6)), counts
    assert "no string of more than 2 characters" in pattern_too_short({"pattern": LINODE_LABEL, "minLength": 3})
    assert pattern_too_short({"pattern": LINODE_LABEL, "minLength": 2}) == ""
    assert pattern_too_short({"pattern": LINODE_LABEL.replace("..", "\\.\\."), "minLength": 3}) == ""
    firewall = {"type": "object", "properties": {"label": {"type": "string", "minLength": 3, "maxLength": 32, "pattern": LINODE_LABEL}}}
    body = {"allOf": [{"$ref": "#/components/schemas/Firewall"}], "required": ["label"]}
    values = _values(tmp_path, _doc({"Firewall": firewall, "Body": body}))
    found = unsatisfiable(values, values.at("/components/schemas/Body"), "$.label: 'USx' does not match")
    assert (found.verdict, found.reason) == (DOCUMENT, "unsatisfiable-schema"), found
    assert "required property 'label' (of allOf part 0)" in found.evidence
