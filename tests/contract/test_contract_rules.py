"""More claims behind the contract sweep's classification (see ``test_contract_classify``):
request violations Prism 5.14.2 reports wrongly or that no request can avoid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from contract_classify import DOCUMENT, MOCK
from contract_values import Shape
from contract_violations import RequestContext, request_rejected
from contract_wire import parse_violations
from test_contract_classify import _doc, _serve, _values


def test_a_path_parameter_the_template_does_not_name_is_a_document_defect(prism: Path, tmp_path: Path) -> None:
    """``/pets/{id}`` declaring a required path parameter ``petId``: Prism 5.14.2 demands
    'petid', which no URL of the template can carry; a parameter the template names is not
    excused."""
    param = {"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}
    doc = _doc({}, {"/pets/{id}": {"put": {"parameters": [param], "responses": {"204": {"description": "ok"}}}}})
    server = _serve(prism, tmp_path, doc)
    try:
        response = httpx.put(f"{server.url}/pets/1")
    finally:
        server.stop()
    assert response.status_code == 422, response.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in response.json()["validation"]]
    assert [v["message"] for v in violations] == ["Request path must have required property 'petid'"]
    values = _values(tmp_path, doc)
    pointer = "/paths/~1pets~1{id}/put/parameters/0"
    ctx = RequestContext(None, {}, path_template="/pets/{id}", path_params={"petId": pointer})
    found = request_rejected(values, violations, ctx)
    assert found is not None and (found.verdict, found.reason, found.pointer) == (DOCUMENT, "path-parameter-not-in-template", pointer)
    named = RequestContext(None, {}, path_template="/pets/{petId}", path_params={"petId": pointer})
    assert request_rejected(values, violations, named) is None


def test_prism_reads_an_empty_query_value_as_absent(prism: Path, tmp_path: Path) -> None:
    """``emptyOk=`` for a required string parameter (the empty string is valid): Prism 5.14.2
    reports it missing; a parameter truly left out is not excused."""
    params = [
        {"name": "emptyOk", "in": "query", "required": True, "schema": {"type": "string", "default": ""}},
        {"name": "other", "in": "query", "required": True, "schema": {"type": "string"}},
    ]
    doc = _doc({}, {"/q": {"get": {"parameters": params, "responses": {"204": {"description": "ok"}}}}})
    server = _serve(prism, tmp_path, doc)
    try:
        response = httpx.get(f"{server.url}/q?emptyOk=&other=a")
        left_out = httpx.get(f"{server.url}/q?emptyOk=x")
    finally:
        server.stop()
    assert response.status_code == 422, response.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in response.json()["validation"]]
    assert [v["message"] for v in violations] == ["Request query must have required property 'emptyok'"]
    values = _values(tmp_path, doc)
    ctx = RequestContext(None, {}, sent_query=frozenset({"emptyOk", "other"}), sent_empty_query=frozenset({"emptyOk"}))
    found = request_rejected(values, violations, ctx)
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-empty-query-value")
    absent = [{**v, "location": ["request", *v["location"]]} for v in left_out.json()["validation"]]
    assert request_rejected(values, absent, RequestContext(None, {}, sent_query=frozenset({"emptyOk"}), sent_empty_query=frozenset())) is None


def test_prism_misses_a_free_form_exploded_object_query(prism: Path, tmp_path: Path) -> None:
    """``key1=value1`` for a required object query parameter without ``properties`` (form,
    exploded): Prism 5.14.2 reports it missing; with ``key1`` a declared property it passes."""
    free = {"name": "obj", "in": "query", "required": True, "schema": {"type": ["object", "null"]}}
    props = {**free, "schema": {"type": "object", "properties": {"key1": {"type": "string"}}}}
    paths = {
        "/free": {"get": {"parameters": [free], "responses": {"204": {"description": "ok"}}}},
        "/props": {"get": {"parameters": [props], "responses": {"204": {"description": "ok"}}}},
    }
    doc = _doc({}, paths)
    server = _serve(prism, tmp_path, doc)
    try:
        response = httpx.get(f"{server.url}/free?key1=value1")
        declared = httpx.get(f"{server.url}/props?key1=value1")
    finally:
        server.stop()
    assert declared.status_code == 204
    assert response.status_code == 422, response.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in response.json()["validation"]]
    values = _values(tmp_path, doc)
    loc = values.at("/paths/~1free/get/parameters/0")
    found = request_rejected(values, violations, RequestContext(None, {("query", "obj"): loc}, sent_query=frozenset({"key1"})))
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-free-form-exploded-object")
    # nothing of it sent: not excused
    assert request_rejected(values, violations, RequestContext(None, {("query", "obj"): loc}, sent_query=frozenset())) is None
    typed = values.at("/paths/~1props/get/parameters/0")
    assert request_rejected(values, violations, RequestContext(None, {("query", "obj"): typed}, sent_query=frozenset({"key1"}))) is None


def test_prism_reads_a_composed_object_header_as_text(prism: Path, tmp_path: Path) -> None:
    """``X-P: prop,x`` for a header whose schema is ``oneOf: [object, null]``: Prism 5.14.2 says
    'must be object'; the same header with a plain object schema passes."""
    obj = {"type": "object", "properties": {"prop": {"type": "string"}}}
    composed = {"name": "X-P", "in": "header", "required": True, "schema": {"oneOf": [obj, {"type": "null"}]}}
    plain = {**composed, "schema": obj}
    paths = {
        "/composed": {"get": {"parameters": [composed], "responses": {"204": {"description": "ok"}}}},
        "/plain": {"get": {"parameters": [plain], "responses": {"204": {"description": "ok"}}}},
    }
    doc = _doc({}, paths)
    server = _serve(prism, tmp_path, doc)
    try:
        response = httpx.get(f"{server.url}/composed", headers={"X-P": "prop,x"})
        control = httpx.get(f"{server.url}/plain", headers={"X-P": "prop,x"})
    finally:
        server.stop()
    assert control.status_code == 204, control.text
    assert response.status_code == 422, response.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in response.json()["validation"]]
    assert any(v["message"].endswith("must be object") for v in violations)
    # a warning beside the errors (Prism's "deprecated") is no rejection to explain
    violations.append({"location": ["request", "header", "x-p"], "severity": "Warning", "code": "deprecated", "message": "deprecated"})
    values = _values(tmp_path, doc)
    name = violations[0]["location"][2]
    ctx = RequestContext(None, {("header", name): values.at("/paths/~1composed/get/parameters/0")})
    found = request_rejected(values, violations, ctx)
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-composed-object-parameter")
    plain_ctx = RequestContext(None, {("header", name): values.at("/paths/~1plain/get/parameters/0")})
    assert request_rejected(values, violations, plain_ctx) is None


def test_other_variants_failures_follow_a_readonly_misreading(tmp_path: Path) -> None:
    """A valid body for variant A of a oneOf, whose readOnly required 'bar' Prism demands: Prism
    also lists why variant B fails ('x' missing). Those follow, only for a body our validator
    finds valid (the violations are the ones Prism 5.14.2 reported for hey-api's full.yaml)."""
    a = {"type": "object", "required": ["foo", "bar"], "properties": {"foo": {"type": "string"}, "bar": {"type": "string", "readOnly": True}}}
    b = {"type": "object", "required": ["x"], "properties": {"x": {"type": "string"}}}
    doc = _doc({"A": a, "B": b, "Body": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}})
    values = _values(tmp_path, doc)
    body = values.at("/components/schemas/Body")
    violations = [
        {"location": ["request", "body"], "code": "required", "message": "Request body must have required property 'bar'"},
        {"location": ["request", "body"], "code": "required", "message": "Request body must have required property 'x'"},
        {"location": ["request", "body"], "code": "oneOf", "message": "Request body must match exactly one schema in oneOf"},
    ]
    found = request_rejected(values, violations, RequestContext(body, {}, body_valid=True))
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-readonly-required-in-composition")
    assert request_rejected(values, violations, RequestContext(body, {}, body_valid=False)) is None
    # without the readOnly misreading, a missing property is the client's
    assert request_rejected(values, violations[1:], RequestContext(body, {}, body_valid=True)) is None


def test_a_document_that_is_not_yaml_is_a_document_defect(tmp_path: Path, capsys: Any) -> None:
    """A tab where YAML wants indentation: the generator refuses the document (an ERROR), and the
    sweep reports it as unreadable instead of crashing (Adyen's CheckoutService 68)."""
    import json

    from contract_sweep import main
    from generator.pipeline import Options, run

    spec = tmp_path / "doc.yaml"
    spec.write_text("openapi: 3.1.0\ninfo:\n\ttitle: t\n  version: '1'\npaths: {}\n", encoding="utf-8")
    assert not run(Options(spec=spec, output=tmp_path / "out", validate=False)).ok
    assert main([str(spec), "--out", str(tmp_path / "sweep"), "--prism", "prism"]) == 0
    setup = json.loads(capsys.readouterr().out)["setup"]
    assert (setup["verdict"], setup["reason"]) == (DOCUMENT, "document-unreadable")


def test_a_media_type_with_two_slashes_is_found(tmp_path: Path) -> None:
    """``openapi/python/client`` is no RFC 6838 media type (Prism's parser throws 'invalid media
    type' on it and exits, as it did on openapi-python-client's baseline documents)."""
    from contract_classify import invalid_media_type

    op = {"requestBody": {"content": {"openapi/python/client": {"schema": {"type": "string"}}}},
          "responses": {"200": {"description": "ok", "content": {"application/vnd.a+json; v=1": {}, "*/*": {}}}}}
    values = _values(tmp_path, _doc({}, {"/x": {"post": op}}))
    assert invalid_media_type(values, values.at("/paths/~1x/post"), op) == "/paths/~1x/post/requestBody/content/openapi~1python~1client"
    sound = {"responses": op["responses"]}
    assert invalid_media_type(values, values.at("/paths/~1x/post"), sound) == ""


def test_prism_answers_a_declared_1xx_as_the_final_response(prism: Path, tmp_path: Path) -> None:
    """An operation whose only response is 101 (Docker's hijacked streams) or 100: Prism 5.14.2
    sends the informational status as its final answer, which httpx cannot read (a connection
    error, whatever the client); asked for ``code=101`` beside a 200, the same."""
    ok = {"200": {"description": "ok"}}
    doc = _doc({}, {
        "/s101": {"get": {"responses": {"101": {"description": "upgrade"}, "400": {"description": "bad"}}}},
        "/s100": {"get": {"responses": {"100": {"description": "continue"}}}},
        "/both": {"get": {"responses": {"101": {"description": "upgrade"}, **ok}}},
    })
    server = _serve(prism, tmp_path, doc)
    try:
        for path, headers in (("/s101", {}), ("/s100", {}), ("/both", {"Prefer": "code=101"})):
            with pytest.raises((httpx.RemoteProtocolError, httpx.ReadTimeout)):
                httpx.get(f"{server.url}{path}", headers=headers, timeout=5)
        assert httpx.get(f"{server.url}/both").status_code == 200
    finally:
        server.stop()


def test_prism_answers_a_declared_422_without_violations_and_names_them_when_rejecting(prism: Path, tmp_path: Path) -> None:
    """An operation declaring only a 422: Prism 5.14.2 answers that 422 to a valid request with no
    ``sl-violations``; to an invalid one (a required query parameter left out) it answers the
    same 422 naming the violation, which is how the sweep tells the two apart."""
    query = [{"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}]
    doc = _doc({}, {
        "/only422": {"get": {"responses": {"422": {"description": "unprocessable"}}}},
        "/strict": {"get": {"parameters": query, "responses": {"422": {"description": "unprocessable"}}}},
    })
    server = _serve(prism, tmp_path, doc)
    try:
        valid = httpx.get(f"{server.url}/only422")
        invalid = httpx.get(f"{server.url}/strict")
    finally:
        server.stop()
    assert valid.status_code == 422 and "sl-violations" not in valid.headers
    assert invalid.status_code == 422 and "sl-violations" in invalid.headers


def test_a_content_type_parameter_that_leaves_out_the_body_media_type_is_a_document_defect(prism: Path, tmp_path: Path) -> None:
    """Docker's ``/build``: a ``Content-type`` header parameter (OpenAPI: SHALL be ignored) with
    ``enum: [application/x-tar]`` beside an ``application/octet-stream`` body. Prism 5.14.2 checks
    it, so the body sent as its own media type is refused; the rule names the parameter, and
    only when the enum leaves the body's media type out."""
    def op(enum: list[str]) -> dict[str, Any]:
        param = {"name": "Content-type", "in": "header", "schema": {"type": "string", "enum": enum}}
        body = {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
        return {"post": {"parameters": [param], "requestBody": body, "responses": {"204": {"description": "ok"}}}}

    doc = _doc({}, {"/tar": op(["application/x-tar"]), "/octet": op(["application/octet-stream"])})
    values = _values(tmp_path, doc)
    server = _serve(prism, tmp_path, doc)
    try:
        refused = httpx.post(f"{server.url}/tar", content=b"x", headers={"content-type": "application/octet-stream"})
    finally:
        server.stop()
    assert refused.status_code == 422, refused.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in refused.json()["validation"]]
    assert [v["location"] for v in violations] == [["request", "header", "content-type"]]
    for path, expected in (("tar", "content-type-parameter-contradicts-body"), ("octet", None)):
        body = values.at(f"/paths/~1{path}/post/requestBody/content/application~1octet-stream/schema")
        ctx = RequestContext(body, {}, body_kind="binary", ignored_headers={"content-type": values.at(f"/paths/~1{path}/post/parameters/0")})
        found = request_rejected(values, violations, ctx)
        assert (found.reason if found else None) == expected
        if found is not None:
            assert (found.verdict, found.pointer) == (DOCUMENT, "/paths/~1tar/post/parameters/0")



def test_a_conditional_object_is_built_on_its_branch_and_prism_misreads_readonly_there(prism: Path, tmp_path: Path) -> None:
    """``if: {kind: const metric}`` with ``then``/``else`` each requiring a leaf whose required
    ``id`` is readOnly: the builder adds the branch's required property (a valid request value),
    and Prism 5.14.2 reports the readOnly ``id`` left out inside the branch missing, with a
    "must match else" beside it: both excused by the readOnly rule, a missing ``label`` not."""
    leaf = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "readOnly": True}, "label": {"type": "string"}}}
    envelope = {
        "type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}},
        "minProperties": 2, "maxProperties": 2,
        "if": {"required": ["kind"], "properties": {"kind": {"const": "metric"}}},
        "then": {"required": ["metricLeaf"], "properties": {"metricLeaf": {"$ref": "#/components/schemas/Leaf"}}},
        "else": {"required": ["noteLeaf"], "properties": {"noteLeaf": {"$ref": "#/components/schemas/Leaf"}}},
    }  # fmt: skip
    body = {"type": "object", "required": ["payload"], "properties": {"payload": {"$ref": "#/components/schemas/Envelope"}}}
    paths = {"/c": {"post": {"requestBody": {"content": {"application/json": {"schema": body}}}, "responses": {"204": {"description": "ok"}}}}}
    doc = _doc({"Leaf": leaf, "Envelope": envelope}, paths)
    values = _values(tmp_path, doc)
    schema = values.at("/paths/~1c/post/requestBody/content/application~1json/schema")
    for mode in ("required", "full"):
        built = values.value(schema, shape=Shape(mode))
        assert values.problems == [], (mode, built)
    server = _serve(prism, tmp_path, doc)
    try:
        refused = httpx.post(f"{server.url}/c", json={"payload": {"kind": "note", "noteLeaf": {}}})
    finally:
        server.stop()
    assert refused.status_code == 422, refused.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in refused.json()["validation"]]
    assert {v["code"] for v in violations} == {"required", "if"}
    found = request_rejected(values, violations, RequestContext(schema, {}))
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-readonly-required-in-composition")
    label = [{**v, "message": v["message"].replace("'id'", "'label'")} for v in violations]
    assert request_rejected(values, label, RequestContext(schema, {})) is None


def test_a_required_authorization_parameter_openapi_ignores_is_a_document_defect(prism: Path, tmp_path: Path) -> None:
    """readme's schema-circular ``/circular``: a required ``Authorization`` header parameter and no
    security scheme. OpenAPI says to ignore the parameter (the client has no such argument);
    Prism 5.14.2 refuses the request without it. Excused only where no security requirement
    could send the header."""
    param = {"name": "Authorization", "in": "header", "required": True, "schema": {"type": "string"}}
    doc = _doc({}, {"/c": {"put": {"parameters": [param], "responses": {"200": {"description": "ok"}, "400": {"description": "bad"}}}}})
    values = _values(tmp_path, doc)
    server = _serve(prism, tmp_path, doc)
    try:
        refused = httpx.put(f"{server.url}/c")
        sent = httpx.put(f"{server.url}/c", headers={"Authorization": "x"})
    finally:
        server.stop()
    assert (refused.status_code, sent.status_code) == (400, 200), refused.text
    violations = parse_violations(refused.headers.get("sl-violations"))
    assert [v["location"] for v in violations] == [["request", "header"]]
    ignored = {"authorization": values.at("/paths/~1c/put/parameters/0")}
    found = request_rejected(values, violations, RequestContext(None, {}, ignored_headers=ignored))
    assert found is not None and (found.verdict, found.reason, found.pointer) == (DOCUMENT, "ignored-header-parameter-required", "/paths/~1c/put/parameters/0")
    assert request_rejected(values, violations, RequestContext(None, {}, security=[["bearer"]], ignored_headers=ignored)) is None
    assert request_rejected(values, violations, RequestContext(None, {})) is None


def test_prism_cannot_answer_a_number_as_text(prism: Path, tmp_path: Path) -> None:
    """hey-api's ``pagination-ref.yaml``: a ``*/*`` (or ``text/plain``) response whose schema is a
    number, an integer or a boolean: Prism 5.14.2 answers 500 ``NO_COMPLEX_OBJECT_TEXT`` as for
    an object, while a string is served; ``non_string_scalar`` names exactly those schemas."""
    from contract_classify import non_string_scalar

    kinds = {"number": {"type": "number"}, "integer": {"type": ["integer", "null"]}, "boolean": {"type": "boolean"}}
    plain = {"string": {"type": "string"}, "object": {"type": "object", "properties": {"a": {"type": "string"}}}}
    paths = {
        f"/{name}/{i}": {"get": {"responses": {"200": {"description": "ok", "content": {mt: {"schema": schema}}}}}}
        for name, schema in {**kinds, **plain}.items()
        for i, mt in enumerate(("*/*", "text/plain"))
    }
    doc = _doc({}, paths)
    values = _values(tmp_path, doc)
    for name in kinds:
        assert non_string_scalar(values, values.at(f"/paths/~1{name}~10/get/responses/200/content/*~1*/schema"))
    for name in plain:
        assert not non_string_scalar(values, values.at(f"/paths/~1{name}~10/get/responses/200/content/*~1*/schema"))
    server = _serve(prism, tmp_path, doc)
    try:
        answers = {path: httpx.get(f"{server.url}{path}") for path in paths}
    finally:
        server.stop()
    for path, response in answers.items():
        if path.startswith("/string"):
            assert response.status_code == 200, (path, response.text)
        else:
            assert response.status_code == 500, (path, response.text)
            assert response.json()["type"].endswith("#NO_COMPLEX_OBJECT_TEXT")


def test_prism_routes_no_path_whose_parameter_name_has_a_dot(prism: Path, tmp_path: Path) -> None:
    """hey-api's ``/parameters/{parameter.path.1}/{parameter-path-2}/{PARAMETER-PATH-3}``: a
    dot in an expression's name (valid in RFC 6570 and OpenAPI) makes Prism 5.14.2 answer 404
    NO_PATH_MATCHED_ERROR for any segment, while hyphens, capitals and underscores route; the
    rule excuses a request that fills the template, never one to another path."""
    from contract_classify import dotted_path_parameter

    def op(name: str) -> dict[str, Any]:
        param = {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        return {"get": {"parameters": [param], "responses": {"204": {"description": "ok"}}}}

    names = {"dot": "parameter.path.1", "hyphen": "parameter-path-2", "upper": "PARAMETER-PATH-3", "under": "a_b"}
    server = _serve(prism, tmp_path, _doc({}, {f"/{key}/{{{name}}}": op(name) for key, name in names.items()}))
    try:
        answers = {key: httpx.get(f"{server.url}/{key}/sample") for key in names}
    finally:
        server.stop()
    assert answers["dot"].status_code == 404 and answers["dot"].json()["type"].endswith("#NO_PATH_MATCHED_ERROR")
    assert all(answers[key].status_code == 204 for key in ("hyphen", "upper", "under")), answers
    key = "/dot/{parameter.path.1}/x"
    found = dotted_path_parameter(key, "/dot/sample/x", "NO_PATH_MATCHED_ERROR", "/p", "e")
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-dotted-path-parameter")
    assert dotted_path_parameter(key, "/dot/sample/y", "NO_PATH_MATCHED_ERROR", "/p", "e") is None
    assert dotted_path_parameter("/hyphen/{parameter-path-2}", "/hyphen/s", "NO_PATH_MATCHED_ERROR", "/p", "e") is None


def test_prism_looks_up_a_non_ascii_query_name_by_its_encoded_lower_case_form(prism: Path, tmp_path: Path) -> None:
    """hey-api's required ``nonAsciiParamæøåÆØÅöôêÊ``: sent with its name percent-encoded as
    UTF-8 (RFC 3986, as the client does) or raw, Prism 5.14.2 reports it missing under its encoded,
    lower-cased name (``nonasciiparam%c3%a6...``); only a doubly encoded name reaches it. The
    rule excuses exactly that name when it was sent, not a parameter left out."""
    from contract_violations import RequestContext as Ctx
    from test_contract_classify import _values as values_of

    name = "nonAsciiParamæøåÆØÅöôêÊ"
    param = {"name": name, "in": "query", "required": True, "schema": {"type": "integer"}}
    doc = _doc({}, {"/q": {"post": {"parameters": [param], "responses": {"204": {"description": "ok"}}}}})
    once = httpx.QueryParams({name: "1"})  # httpx percent-encodes the UTF-8 name
    twice = "".join(f"%25{b:02X}" if b > 127 else chr(b) for b in name.encode("utf-8")) + "=1"
    server = _serve(prism, tmp_path, doc)
    try:
        encoded = httpx.post(f"{server.url}/q", params=once)
        double = httpx.post(f"{server.url}/q?{twice}")
    finally:
        server.stop()
    assert encoded.status_code == 422, encoded.text
    assert double.status_code == 204, double.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in encoded.json()["validation"]]
    assert violations[0]["message"] == "Request query must have required property 'nonasciiparam%c3%a6%c3%b8%c3%a5%c3%86%c3%98%c3%85%c3%b6%c3%b4%c3%aa%c3%8a'"
    values = values_of(tmp_path, doc)
    found = request_rejected(values, violations, Ctx(None, {}, sent_query=frozenset({name})))
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-encoded-query-name")
    assert request_rejected(values, violations, Ctx(None, {}, sent_query=frozenset())) is None


def test_prism_reads_a_form_body_by_its_declared_properties_only(prism: Path, tmp_path: Path) -> None:
    """Box's ``post_oauth2_revoke``: ``PostOAuth2Revoke`` requires ``grant_type`` without declaring
    it. Sent in a form body, Prism 5.14.2 reports it missing; the same JSON body passes, and so
    does the form when the schema declares it. The rule excuses a required field that was sent
    and is not declared, never one left out or declared."""
    undeclared = {"type": "object", "required": ["grant_type"], "properties": {"token": {"type": "string"}}}
    declared = {**undeclared, "properties": {"token": {"type": "string"}, "grant_type": {"type": "string"}}}

    def op(schema: dict[str, Any], media: str) -> dict[str, Any]:
        return {"post": {"requestBody": {"required": True, "content": {media: {"schema": schema}}}, "responses": {"204": {"description": "ok"}}}}

    form = "application/x-www-form-urlencoded"
    doc = _doc({}, {"/u": op(undeclared, form), "/d": op(declared, form), "/j": op(undeclared, "application/json")})
    server = _serve(prism, tmp_path, doc)
    try:
        sent = {p: httpx.post(f"{server.url}{p}", content=b"token=a&grant_type=b", headers={"Content-Type": form}) for p in ("/u", "/d")}
        as_json = httpx.post(f"{server.url}/j", json={"token": "a", "grant_type": "b"})
    finally:
        server.stop()
    assert sent["/d"].status_code == 204 and as_json.status_code == 204, (sent["/d"].text, as_json.text)
    assert sent["/u"].status_code == 422, sent["/u"].text
    violations = [{**v, "location": ["request", *v["location"]]} for v in sent["/u"].json()["validation"]]
    assert [v["message"] for v in violations] == ["Request body must have required property 'grant_type'"]
    values = _values(tmp_path, doc)
    body = values.at("/paths/~1u/post/requestBody/content/application~1x-www-form-urlencoded/schema")
    ctx = RequestContext(body, {}, body_kind="form", sent_form=frozenset({"token", "grant_type"}))
    found = request_rejected(values, violations, ctx)
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-form-undeclared-field")
    assert request_rejected(values, violations, RequestContext(body, {}, body_kind="form", sent_form=frozenset({"token"}))) is None
    declared_loc = values.at("/paths/~1d/post/requestBody/content/application~1x-www-form-urlencoded/schema")
    assert request_rejected(values, violations, RequestContext(declared_loc, {}, body_kind="form", sent_form=ctx.sent_form)) is None


def test_prism_checks_a_fragment_variant_against_another_variant_of_its_path(prism: Path, tmp_path: Path) -> None:
    """Box's ``PUT .../securityClassification-6VMVochwUWo/schema#add`` (and ``#update``): the
    fragment is never sent, no ``PUT`` is declared at the bare path, and Prism 5.14.2 routes the
    request to ``PUT /metadata_templates/{scope}/{template_key}/schema``, checking the body as
    that operation's. The rule excuses a rejected body valid for its own operation and invalid for
    the one whose path matches, not one invalid for its own, nor one sent elsewhere."""
    from contract_classify import routed_to_sibling_variant

    def variant(op: str, value: dict[str, Any]) -> dict[str, Any]:
        schema = {"type": "object", "required": ["op", "value"], "properties": {"op": {"enum": [op]}, "value": value}}
        body = {"required": True, "content": {"application/json": {"schema": schema}}}
        return {"put": {"requestBody": body, "responses": {"204": {"description": "ok"}}}}

    doc = _doc({}, {
        "/t/fixed#add": variant("add", {"type": "object"}),
        "/t/{scope}": variant("set", {"type": "string"}),
        "/t/fixed": {"get": {"responses": {"204": {"description": "ok"}}}},
    })  # fmt: skip
    body = {"op": "add", "value": {"a": 1}}
    server = _serve(prism, tmp_path, doc)
    try:
        response = httpx.put(f"{server.url}/t/fixed", json=body)
    finally:
        server.stop()
    assert response.status_code in (400, 422), response.text
    assert any("op" in str(v["location"]) or "value" in str(v["location"]) for v in response.json()["validation"]), response.text
    values = _values(tmp_path, doc)
    key = "/t/fixed#add"
    found = routed_to_sibling_variant(values, key, "put", "/t/fixed", body, True, "/p", response.text)
    assert found is not None and (found.verdict, found.reason) == (MOCK, "prism-fragment-path-key")
    assert "PUT /t/{scope}" in found.evidence
    assert routed_to_sibling_variant(values, key, "put", "/t/fixed", body, False, "/p", "e") is None
    assert routed_to_sibling_variant(values, key, "put", "/t/other", body, True, "/p", "e") is None


def test_two_exploded_query_objects_sharing_a_property_are_a_document_defect(prism: Path, tmp_path: Path) -> None:
    """openapi-python-client's ``/defaults``: ``model_prop`` and ``required_model_prop`` are both
    ``ModelWithUnionProperty`` (form, exploded), so both send ``a_property``; the query
    ``a_property=x&a_property=x`` gives each parameter both values, and Prism 5.14.2 refuses it,
    as any server must be unable to tell them apart. One such parameter alone passes, and a
    property only one parameter declares is not excused."""
    model = {"type": "object", "properties": {"a_property": {"type": "string"}, "own": {"type": "string"}}}
    params = [{"name": n, "in": "query", "required": True, "schema": model} for n in ("model_prop", "required_model_prop")]
    other = {"type": "object", "properties": {"b": {"type": "string"}}}
    doc = _doc({}, {
        "/two": {"get": {"parameters": params, "responses": {"204": {"description": "ok"}}}},
        "/one": {"get": {"parameters": [params[0]], "responses": {"204": {"description": "ok"}}}},
        "/mixed": {"get": {"parameters": [params[0], {"name": "o", "in": "query", "schema": other}], "responses": {"204": {"description": "ok"}}}},
    })  # fmt: skip
    server = _serve(prism, tmp_path, doc)
    try:
        two = httpx.get(f"{server.url}/two?a_property=x&a_property=x")
        one = httpx.get(f"{server.url}/one?a_property=x")
    finally:
        server.stop()
    assert one.status_code == 204, one.text
    assert two.status_code == 422, two.text
    violations = [{**v, "location": ["request", *v["location"]]} for v in two.json()["validation"]]
    assert {tuple(v["location"][2:]) for v in violations} == {("model_prop", "a_property"), ("required_model_prop", "a_property")}, violations
    values = _values(tmp_path, doc)
    at = "/paths/~1two/get/parameters/"
    ctx = RequestContext(None, {("query", p["name"]): values.at(at + str(i)) for i, p in enumerate(params)})
    found = request_rejected(values, violations, ctx)
    assert found is not None and (found.verdict, found.reason) == (DOCUMENT, "exploded-objects-share-property")
    mixed = RequestContext(None, {("query", "model_prop"): values.at("/paths/~1mixed/get/parameters/0"), ("query", "o"): values.at("/paths/~1mixed/get/parameters/1")})
    assert request_rejected(values, violations[:1], mixed) is None


def test_prism_fails_on_a_body_of_an_invalid_media_type(prism: Path, tmp_path: Path) -> None:
    """openapi-python-client's ``content_type_override``: the body's media type
    ``openapi/python/client`` is no RFC 6838 ``type/subtype``; Prism 5.14.2's validator throws
    "invalid media type" and answers a bare 500 ``internal_server_error`` to a request carrying
    it (a document defect at that media type); an operation with valid media types is not excused."""
    from contract_classify import media_type_error

    media = "openapi/python/client"
    doc = _doc({}, {"/c": {"post": {
        "requestBody": {"content": {media: {"schema": {"type": "string"}}}},
        "responses": {"200": {"description": "ok", "content": {media: {"schema": {"type": "string"}}}}},
    }}, "/ok": {"post": {
        "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}},
        "responses": {"200": {"description": "ok"}},
    }}})  # fmt: skip
    server = _serve(prism, tmp_path, doc)
    try:
        response = httpx.post(f"{server.url}/c", content=b"x", headers={"Content-Type": media})
    finally:
        server.stop()
    assert response.status_code == 500 and b'"internal_server_error"' in response.content, response.text
    values = _values(tmp_path, doc)
    raw = doc["paths"]["/c"]["post"]
    op_loc = values.at("/paths/~1c/post")
    found = media_type_error(values, op_loc, raw, 500, response.content, "/p", "e")
    assert found is not None and (found.verdict, found.reason, found.pointer) == (DOCUMENT, "invalid-media-type", "/paths/~1c/post/requestBody/content/openapi~1python~1client")
    fine = doc["paths"]["/ok"]["post"]
    assert media_type_error(values, values.at("/paths/~1ok/post"), fine, 500, response.content, "/p", "e") is None
