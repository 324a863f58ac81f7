"""The generated Connect API client, operation by operation, against ``httpx.MockTransport``.

Every operation of ``specs/connect-api-v1.yaml`` is called through the sync and the async client
with values built from the spec's own schemas; the test checks what went on the wire (method, path
with percent-encoded parameters, query, headers, JSON body) against the spec, feeds back a response
built from the response schema and checks the typed result, then checks the typed errors. The
expectations come from the spec, not from the generator's IR: the IR is only used to find the
Python names (resource attribute, method, keyword arguments).

Hand-written scenarios follow: the README example, every credential data shape, the seed example,
forward compatibility (unknown fields, enum values, union variants), multipart imports, optional
parameters and secret masking.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import enum
import inspect
import json
import re
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlparse

import httpx
import pydantic
import pytest

from generator.diagnostics import DiagnosticSink
from generator.load import load_document
from generator.pipeline import Options, build

REPO = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO / "specs" / "connect-api-v1.yaml"
SEED = REPO.parent / "shared" / "seed" / "create-connection.txt"
DOC: dict[str, Any] = load_document(SPEC_PATH, DiagnosticSink()).data
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
TOKEN = "tok-123.secret"
SERVER = urlparse(DOC["servers"][0]["url"])
ERROR_BODY = {
    "code": "not_found",
    "message": "no such thing",
    "fields": [{"field": "id", "message": "unknown"}],
    "details": "try another id",
}
STATUS_ERRORS = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    412: "PreconditionFailedError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
}


# --- values from the spec's schemas --------------------------------------------------------------


def deref(node: Any) -> Any:
    """Follow local ``$ref`` s to the node they point at."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = DOC
        for token in ref[2:].split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def ref_name(schema: Any) -> str | None:
    """``X`` for a ``{"$ref": "#/components/schemas/X"}`` schema."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        return schema["$ref"].rsplit("/", 1)[-1]
    return None


class Examples:
    """JSON values that satisfy the spec's schemas: every property set, one item per array."""

    MAX_DEPTH = 10
    STRING_FORMATS = {
        "date-time": "2024-05-06T07:08:09Z",
        "date": "2024-05-06",
        "uri": "https://example.com/path",
        "ulid": "01HX5ZZKBKACTAV9WEVGEMMVRY",
    }

    def object_view(self, schema: Any) -> tuple[dict[str, Any], list[str]]:
        """Properties and required names of an object schema, ``allOf`` merged (a later member
        narrowing a property with only ``const``/``enum`` is merged over the earlier one)."""
        schema = deref(schema)
        props: dict[str, Any] = {}
        required: list[str] = []
        for member in schema.get("allOf", []):
            p, r = self.object_view(member)
            for k, v in p.items():
                props[k] = self._narrow(props.get(k), v)
            required += r
        for k, v in (schema.get("properties") or {}).items():
            props[k] = self._narrow(props.get(k), v)
        required += schema.get("required") or []
        return props, list(dict.fromkeys(required))

    @staticmethod
    def _narrow(earlier: Any, later: Any) -> Any:
        if earlier is None or not isinstance(later, dict):
            return later
        if any(
            k in later for k in ("type", "$ref", "allOf", "oneOf", "anyOf", "properties", "items")
        ):
            return later
        merged = {**deref(earlier), **later}
        if "const" in later:
            merged.pop("enum", None)
        return merged

    def value(self, schema: Any, depth: int = 0) -> Any:
        schema = deref(schema)
        if not isinstance(schema, dict) or not schema:
            return "anything"
        if "const" in schema:
            return schema["const"]
        if "allOf" in schema or "properties" in schema:
            return self._object(schema, depth)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return self._choice(schema, key, depth)
        if "enum" in schema:
            return next(v for v in schema["enum"] if v is not None)
        typ = schema.get("type")
        if isinstance(typ, list):
            typ = next(t for t in typ if t != "null")
        if typ == "object" or "additionalProperties" in schema:
            addl = schema.get("additionalProperties")
            if addl is False:
                return {}
            if isinstance(addl, dict) and addl:
                return {"key": self.value(addl, depth + 1)}
            return {"team": "core", "tier": 2}
        if typ == "array":
            return (
                [self.value(schema.get("items", {}), depth + 1)] if depth < self.MAX_DEPTH else []
            )
        if typ == "string":
            return self.STRING_FORMATS.get(schema.get("format"), "text")
        if typ == "integer":
            return 3
        if typ == "number":
            return 2.5
        if typ == "boolean":
            return True
        return "anything"

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        props, required = self.object_view(schema)
        names = list(props) if depth < self.MAX_DEPTH else [n for n in props if n in required]
        out = {name: self.value(props[name], depth + 1) for name in names}
        for name in required:  # required but undeclared: the server sends it anyway
            out.setdefault(name, "text")
        return out

    def _choice(self, schema: dict[str, Any], key: str, depth: int) -> Any:
        disc = schema.get("discriminator")
        if isinstance(disc, dict) and disc.get("mapping"):
            tag, ref = next(iter(disc["mapping"].items()))
            out = self.value({"$ref": ref}, depth)
            out[disc["propertyName"]] = tag
            return out
        variants = [v for v in schema[key] if deref(v).get("type") != "null"]
        return self.value(variants[0], depth)


EX = Examples()


def wire(value: Any) -> Any:
    """A parsed value back in its JSON form (models by alias, only the fields that were set)."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [wire(v) for v in value]
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    return value


# --- the operations -----------------------------------------------------------------------------


def _build_ir() -> Any:
    sink = DiagnosticSink()
    return build(Options(spec=SPEC_PATH, validate=False), sink, {})


API = _build_ir()


@dataclass
class OpCase:
    """One operation of the spec, and where the generated client has it."""

    operation_id: str
    method: str
    path: str
    spec: dict[str, Any]
    params: dict[tuple[str, str], dict[str, Any]]  # (in, name) -> parameter object
    resource: str | None = None
    py_name: str | None = None
    kwargs: dict[tuple[str, str], str] = field(default_factory=dict)  # (in, name) -> Python name
    body_hints: list[tuple[str, str]] = field(default_factory=list)  # (kind, hint) per body

    def __str__(self) -> str:
        return self.operation_id

    # -- from the spec --

    def success(self) -> tuple[int, Any]:
        """The declared success status and its JSON schema (None when it has no body)."""
        code, resp = next(
            (c, r) for c, r in self.spec["responses"].items() if str(c).startswith("2")
        )
        content = deref(resp).get("content") or {}
        schema = next((m.get("schema") for t, m in content.items() if "json" in t), None)
        return int(code), schema

    def error_schema(self, status: int) -> Any:
        """The schema the spec declares for an error ``status`` (exact, range, default) or None."""
        responses = {str(k): v for k, v in self.spec["responses"].items()}
        for key in (str(status), f"{status // 100}XX", "default"):
            if key in responses:
                content = deref(responses[key]).get("content") or {}
                return next((m.get("schema") for t, m in content.items() if "json" in t), None)
        return None

    def json_body_schema(self) -> Any:
        rb = deref(self.spec.get("requestBody") or {})
        return (rb.get("content") or {}).get("application/json", {}).get("schema")

    def body_required(self) -> bool:
        return bool(deref(self.spec.get("requestBody") or {}).get("required"))


def _cases() -> list[OpCase]:
    ir = {(op.method, op.path): (res.attr, op) for res in API.resources for op in res.operations}
    cases = []
    for path, item in DOC["paths"].items():
        shared = [deref(p) for p in item.get("parameters", [])]
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            params = {(p["in"], p["name"]): p for p in shared}
            params.update({(p["in"], p["name"]): p for p in map(deref, op.get("parameters", []))})
            case = OpCase(op["operationId"], method, path, op, params)
            if (method, path) in ir:
                attr, ir_op = ir[(method, path)]
                case.resource, case.py_name = attr, ir_op.py_name
                case.kwargs = {(p.location, p.json_name): p.py_name for p in ir_op.params}
                case.body_hints = [(b.kind, b.hint) for b in ir_op.bodies]
            cases.append(case)
    return cases


CASES = _cases()
BY_ID = {c.operation_id: c for c in CASES}
ERROR_CASES = [
    (case, int(code))
    for case in CASES
    for code in case.spec["responses"]
    if str(code).isdigit() and int(code) >= 400
]


# --- calling the client -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_ambient_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("VERSORI_"):
            monkeypatch.delenv(name)


class Server:
    """A MockTransport handler: records requests and answers with ``respond(request)``."""

    def __init__(self, respond: Callable[[httpx.Request], httpx.Response]) -> None:
        self.respond = respond
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.respond(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def json_response(
    status: int, data: Any, **headers: str
) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json=data, headers=headers)


def invoke(
    pkg: types.ModuleType,
    mode: str,
    server: Server,
    attr: str,
    name: str,
    kwargs: dict[str, Any],
    **client_kw: Any,
) -> Any:
    """Call ``client.<attr>.<name>(**kwargs)`` on a sync or async client (no retries)."""
    client_kw = {"token": TOKEN, "max_retries": 0, **client_kw}
    if mode == "sync":
        with httpx.Client(transport=httpx.MockTransport(server)) as http:
            client = pkg.Client(http_client=http, **client_kw)
            return getattr(getattr(client, attr), name)(**kwargs)

    async def go() -> Any:
        async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as http:
            client = pkg.AsyncClient(http_client=http, **client_kw)
            method = getattr(getattr(client, attr), name)
            result = method(**kwargs)  # a coroutine, or (a list method) an AsyncPager
            assert inspect.isawaitable(result)
            return await result

    return asyncio.run(go())


def path_value(name: str) -> str:
    """A path parameter value that needs percent-encoding (and would break the path unencoded)."""
    return f"{name} ü/?#%"


def query_value(models: types.ModuleType, param: dict[str, Any]) -> tuple[Any, list[str]]:
    """A Python value for an optional query parameter, and its expected wire strings."""
    schema = deref(param["schema"])
    if schema.get("type") == "array":
        items = schema["items"]
        enum_values = deref(items).get("enum")
        raw = enum_values[:2] if enum_values else [EX.value(items)] * 2
        enum_cls = getattr(models, ref_name(items) or "", None)
        py = [enum_cls(v) for v in raw] if enum_cls is not None else raw
        return py, [str(v) for v in raw]
    if schema.get("type") == "boolean":
        return True, ["true"]
    if schema.get("type") == "integer":
        return 7, ["7"]
    return f"q-{param['name']}", [f"q-{param['name']}"]


def body_for(case: OpCase, models: types.ModuleType) -> tuple[Any, Any] | None:
    """``(model instance, expected JSON)`` for the operation's JSON body, or None."""
    schema = case.json_body_schema()
    if schema is None:
        return None
    data = EX.value(schema)
    (hint,) = [h for k, h in case.body_hints if k == "json"]
    body = pydantic.TypeAdapter(eval(hint, vars(models))).validate_python(data)
    assert wire(body) == data, "the example body does not survive the model"
    return body, data


def expected_path(case: OpCase, values: dict[str, str]) -> str:
    path = re.sub(r"\{([^}]+)\}", lambda m: quote(values[m.group(1)], safe=""), case.path)
    return SERVER.path.rstrip("/") + path


def check_parsed(models: types.ModuleType, schema: Any, data: Any, result: Any) -> None:
    """``result`` is ``data`` parsed into the type the spec declares for it."""
    assert wire(result) == data
    name = ref_name(schema)
    if name is not None:
        target = getattr(models, name)
        if isinstance(target, type):
            assert type(result) is target
        else:  # an alias: a union (or a list...) of generated classes
            expected = pydantic.TypeAdapter(target).validate_python(data)
            assert type(result) is type(expected) and result == expected
            assert type(result).__name__ != "UnknownVariant"
    elif deref(schema).get("type") == "array":
        item = ref_name(deref(schema)["items"])
        if item is not None:
            assert all(type(v) is getattr(models, item) for v in result)


def required_kwargs(case: OpCase) -> tuple[dict[str, Any], dict[str, str]]:
    values = {name: path_value(name) for (where, name) in case.params if where == "path"}
    kwargs = {case.kwargs[("path", name)]: v for name, v in values.items()}
    for (where, name), p in case.params.items():
        assert where == "path" or not p.get(
            "required"
        ), "a required non-path parameter: extend the test"
    return kwargs, values


# --- every operation ----------------------------------------------------------------------------


def test_every_operation_of_the_spec_is_a_method_of_both_clients(
    connect_pkg: types.ModuleType,
) -> None:
    assert len(CASES) == 48
    assert len({c.operation_id for c in CASES}) == 48
    missing = [c.operation_id for c in CASES if c.py_name is None]
    assert not missing, f"operations without a generated method: {missing}"
    client = connect_pkg.Client(token=TOKEN)
    aclient = connect_pkg.AsyncClient(token=TOKEN)
    for case in CASES:
        sync = getattr(getattr(client, case.resource), case.py_name)
        asyn = getattr(getattr(aclient, case.resource), case.py_name)
        assert not inspect.iscoroutinefunction(sync)
        # a list method returns an AsyncPager at once (awaited for the first page, or walked
        # with async for); every other async method is a coroutine function
        paged = "Pager[" in str(inspect.signature(asyn).return_annotation)
        assert inspect.iscoroutinefunction(asyn) is not paged
        sig = inspect.signature(sync)
        for key, py in case.kwargs.items():
            param = sig.parameters[py]
            assert param.kind is inspect.Parameter.KEYWORD_ONLY
            required = key[0] == "path" or bool(case.params[key].get("required"))
            assert (param.default is inspect.Parameter.empty) == required, (case, py)
        assert set(inspect.signature(asyn).parameters) == set(sig.parameters)
    client.close()


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_operation_request_and_response(
    connect_pkg: types.ModuleType, connect_models: types.ModuleType, case: OpCase, mode: str
) -> None:
    status, schema = case.success()
    data = EX.value(schema) if schema is not None else None
    server = Server(
        json_response(status, data) if schema is not None else lambda r: httpx.Response(status)
    )

    # 1. every parameter given
    kwargs, values = required_kwargs(case)
    expected_query: list[tuple[str, str]] = []
    for (where, name), p in case.params.items():
        if where == "query":
            py_value, wire_values = query_value(connect_models, p)
            kwargs[case.kwargs[(where, name)]] = py_value
            expected_query += [(name, v) for v in wire_values]
        elif where != "path":
            pytest.fail(f"{where} parameters are not covered by this test")
    body = body_for(case, connect_models)
    if body is not None:
        kwargs["body"] = body[0]
    result = invoke(connect_pkg, mode, server, case.resource, case.py_name, kwargs)

    req = server.last
    assert req.method == case.method.upper()
    assert (req.url.scheme, req.url.host) == (SERVER.scheme, SERVER.hostname)
    assert req.url.raw_path.split(b"?")[0].decode("ascii") == expected_path(case, values)
    assert sorted(req.url.params.multi_items()) == sorted(expected_query)
    assert req.headers["authorization"] == f"Bearer {TOKEN}"
    assert "cookie" not in req.headers  # no session cookie configured
    assert req.headers["user-agent"].startswith("versori-connect/")
    if schema is not None:
        # the JSON media type the operation declares (GetRawSchema: application/schema+json)
        expected_accept = "application/schema+json" if case.operation_id == "GetRawSchema" else "application/json"
        assert req.headers["accept"] == expected_accept
    if body is not None:
        assert req.headers["content-type"] == "application/json"
        assert json.loads(req.content) == body[1]
    else:
        assert req.content == b"" and "content-type" not in req.headers

    if schema is None:
        assert status == 204 and result is None
    elif hasattr(result, "iter_all"):  # a page: the parsed body is .model, this page's items .items
        check_parsed(connect_models, schema, data, result.model)
        items = list(result.items)
        assert len(items) == 1
        assert any(wire(items) == v for v in data.values() if isinstance(v, list))
    else:
        check_parsed(connect_models, schema, data, result)

    # 2. only what is required: optional parameters (and an optional body) are not sent
    kwargs, _ = required_kwargs(case)
    if body is not None and case.body_required():
        kwargs["body"] = body[0]
    invoke(connect_pkg, mode, server, case.resource, case.py_name, kwargs)
    req = server.last
    assert req.url.query == b""
    assert req.url.raw_path.split(b"?")[0].decode("ascii") == expected_path(case, values)
    if body is not None and not case.body_required():
        assert req.content == b"" and "content-type" not in req.headers


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_operation_404_raises_not_found_with_the_parsed_error(
    connect_pkg: types.ModuleType, connect_models: types.ModuleType, case: OpCase, mode: str
) -> None:
    server = Server(json_response(404, ERROR_BODY, **{"x-request-id": "req-42", "x-other": "1"}))
    kwargs, _ = required_kwargs(case)
    body = body_for(case, connect_models)
    if body is not None:
        kwargs["body"] = body[0]
    with pytest.raises(connect_pkg.NotFoundError) as info:
        invoke(connect_pkg, mode, server, case.resource, case.py_name, kwargs)
    exc = info.value
    assert isinstance(exc, connect_pkg.APIStatusError)
    assert exc.status_code == 404
    assert exc.headers["x-other"] == "1" and exc.request_id == "req-42"
    assert exc.body == ERROR_BODY
    assert "no such thing" in str(exc)
    declared = ref_name(case.error_schema(404))
    if declared is None:
        assert exc.error is None  # nothing declared for this status: the body is still there
    else:
        assert type(exc.error) is getattr(connect_models, declared)
        assert wire(exc.error) == ERROR_BODY
    assert len(server.requests) == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(("case", "status"), ERROR_CASES, ids=lambda v: str(v))
def test_operation_declared_error_statuses(
    connect_pkg: types.ModuleType,
    connect_models: types.ModuleType,
    case: OpCase,
    status: int,
    mode: str,
) -> None:
    schema = case.error_schema(status)
    payload = {**EX.value(schema), "message": f"declared {status}"}
    server = Server(json_response(status, payload))
    kwargs, _ = required_kwargs(case)
    body = body_for(case, connect_models)
    if body is not None:
        kwargs["body"] = body[0]
    with pytest.raises(connect_pkg.APIStatusError) as info:
        invoke(connect_pkg, mode, server, case.resource, case.py_name, kwargs)
    exc = info.value
    assert type(exc).__name__ == STATUS_ERRORS[status]
    assert exc.status_code == status
    assert type(exc.error) is getattr(connect_models, ref_name(schema))
    assert wire(exc.error) == payload
    assert f"declared {status}" in str(exc)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_operation_html_502_raises_internal_server_error(
    connect_pkg: types.ModuleType, connect_models: types.ModuleType, case: OpCase, mode: str
) -> None:
    html = "<html><body><h1>502 Bad Gateway</h1>upstream went away</body></html>"
    server = Server(lambda r: httpx.Response(502, text=html, headers={"content-type": "text/html"}))
    kwargs, _ = required_kwargs(case)
    body = body_for(case, connect_models)
    if body is not None:
        kwargs["body"] = body[0]
    with pytest.raises(connect_pkg.InternalServerError) as info:
        invoke(connect_pkg, mode, server, case.resource, case.py_name, kwargs)
    exc = info.value
    assert exc.status_code == 502
    assert exc.text == html
    assert exc.body is None and exc.error is None
    assert "502" in str(exc) and "upstream went away" in str(exc)
    chain = [exc.__cause__, exc.__context__]
    assert not any(isinstance(e, json.JSONDecodeError) for e in chain)
    assert len(server.requests) == 1  # max_retries=0


# --- scenarios ----------------------------------------------------------------------------------

CONNECTION_RESPONSE: dict[str, Any] = {
    "id": "01HXCONN",
    "name": "prod",
    "credentials": {
        "action": [
            {
                "id": "01HXCC",
                "authSchemeConfig": {
                    "id": "asc1",
                    "description": "OAuth",
                    "schemeType": "oauth2",
                    "authorizeUrl": "https://idp.example.com/authorize",
                    "tokenUrl": "https://idp.example.com/token",
                    "scopes": [{"name": "read"}],
                    "defaultScopes": ["read"],
                    "grant": {"grantType": "client_credentials"},
                },
                "credential": {
                    "id": "01HXCRED",
                    "organisationId": "o1",
                    "type": "oauth2-client",
                    "name": "idp client",
                    "data": {
                        "clientId": "cid",
                        "clientSecret": "***",
                        "authorizeUrl": "https://idp.example.com/authorize",
                        "tokenUrl": "https://idp.example.com/token",
                        "scopes": ["read"],
                    },
                    "expiresAt": "2030-01-01T00:00:00Z",
                },
            }
        ]
    },
    "variables": [{"name": "region", "value": "eu"}],
    "createdAt": "2024-05-06T07:08:09Z",
    "updatedAt": "2024-05-06T07:08:09Z",
}


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_readme_create_connection(
    connect_pkg: types.ModuleType, connect_models: types.ModuleType, mode: str
) -> None:
    M = connect_models
    body = M.ConnectionCreate(
        name="prod",
        credentials=M.ConnectionCredentialsCreate(
            action=[
                M.ConnectionCredentialCreate(
                    auth_scheme_config=M.AuthSchemeConfigBasicAuth(
                        id="asc1", description="basic", scheme_type="basic-auth"
                    ),
                    credential=M.CredentialCreate(
                        name="creds",
                        type=M.CredentialType.BASIC_AUTH,
                        data=M.CredentialDataBasicAuth(username="u", password="p"),
                    ),
                )
            ]
        ),
        variables=[M.ConnectionVariable(name="region", value="eu")],
    )
    server = Server(json_response(200, CONNECTION_RESPONSE))
    conn = invoke(
        connect_pkg,
        mode,
        server,
        "connections",
        "create_connector_connection",
        {"organisation_id": "o1", "connector_id": "c1", "body": body},
    )
    req = server.last
    assert req.method == "POST"
    assert req.url.path == SERVER.path + "/o/o1/connectors/c1/connections"
    assert json.loads(req.content) == {
        "name": "prod",
        "credentials": {
            "action": [
                {
                    "authSchemeConfig": {
                        "id": "asc1",
                        "description": "basic",
                        "schemeType": "basic-auth",
                    },
                    "credential": {
                        "name": "creds",
                        "type": "basic-auth",
                        "data": {"username": "u", "password": "p"},
                    },
                }
            ]
        },
        "variables": [{"name": "region", "value": "eu"}],
    }
    assert isinstance(conn, M.Connection)
    cred = conn.credentials.action[0].credential
    assert type(cred.data) is M.CredentialDataOAuth2Client
    assert cred.data.client_id == "cid" and cred.data.scopes == ["read"]
    assert cred.type is M.CredentialType.OAUTH2_CLIENT
    asc = conn.credentials.action[0].auth_scheme_config
    assert type(asc) is M.AuthSchemeConfigOAuth2
    assert type(asc.grant) is M.AuthSchemeConfigOAuth2GrantClientCredentials
    assert conn.created_at.year == 2024 and conn.created_at.tzinfo is not None
    assert wire(conn) == CONNECTION_RESPONSE


CREDENTIAL_DATA = [
    ("none", "CredentialDataNone", {}),
    ("string", "CredentialDataString", {"value": "s3cr3t"}),
    ("binary", "CredentialDataBinary", {"valueBase64": "aGVsbG8="}),
    ("basic-auth", "CredentialDataBasicAuth", {"username": "u", "password": "p"}),
    (
        "oauth2-client",
        "CredentialDataOAuth2Client",
        {
            "clientId": "id",
            "clientSecret": "sec",
            "authorizeUrl": "https://idp/authorize",
            "tokenUrl": "https://idp/token",
            "scopes": ["a", "b"],
            "additionalParams": "x=1&y=2",
            "mTLSEnabled": True,
            "mTLSCredentialId": "cert1",
        },
    ),
    (
        "oauth2-client",
        "CredentialDataOAuth2Client",
        {
            "clientId": "id",
            "clientSecret": "sec",
            "authorizeUrl": "",
            "tokenUrl": "https://idp/token",
        },
    ),
    (
        "oauth2-token",
        "CredentialDataOAuth2Token",
        {"scopes": ["read"], "accessToken": "at", "refreshToken": "rt"},
    ),
    ("oauth2-token", "CredentialDataOAuth2Token", {"scopes": []}),
    ("oauth2-code", "CredentialDataOAuth2Code", {"code": "c0de", "state": "st4te"}),
    ("oauth2-password", "CredentialDataOAuth2Password", {"username": "owner", "password": "pw"}),
    (
        "certificate",
        "CredentialDataCertificate",
        {"certificate": "-----BEGIN CERTIFICATE-----", "key": "k", "ca": "ca"},
    ),
]
#: Shapes that are identical in the spec: either class is a correct reading.
SAME_SHAPE = {"CredentialDataBasicAuth", "CredentialDataOAuth2Password"}


@pytest.mark.parametrize(
    ("ctype", "model", "data"),
    CREDENTIAL_DATA,
    ids=[f"{m}-{len(d)}" for _, m, d in CREDENTIAL_DATA],
)
def test_every_credential_data_shape_parses_into_its_model_and_round_trips(
    connect_models: types.ModuleType, ctype: str, model: str, data: dict[str, Any]
) -> None:
    M = connect_models
    cls = getattr(M, model)
    parsed = cls.model_validate(data)
    assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == data
    accepted = SAME_SHAPE if model in SAME_SHAPE else {model}
    credential = {"id": "c1", "organisationId": "o1", "type": ctype, "name": "n", "data": data}
    for container, value in (
        (M.Credential, credential),
        (M.CredentialCreate, {"name": "n", "type": ctype, "data": data}),
    ):
        parsed_container = container.model_validate(value)
        assert type(parsed_container.data).__name__ in accepted, (
            container.__name__,
            type(parsed_container.data),
        )
        assert parsed_container.model_dump(mode="json", by_alias=True, exclude_unset=True) == value
        assert parsed_container.type == ctype


def test_the_seed_none_credential(connect_models: types.ModuleType) -> None:
    M = connect_models
    seed = {"name": "<string>", "type": "none", "data": {}}
    cred = M.CredentialCreate.model_validate(seed)
    assert type(cred.data) is M.CredentialDataNone
    assert cred.type is M.CredentialType.NONE
    assert cred.model_dump(mode="json", by_alias=True, exclude_unset=True) == seed
    assert cred.to_dict() == seed
    with pytest.raises(pydantic.ValidationError):
        M.CredentialDataNone.model_validate({"unexpected": 1})  # additionalProperties: false


def _seed_bodies() -> tuple[Any, Any]:
    if not SEED.is_file():
        pytest.skip(f"{SEED} is absent: this test needs the ../shared checkout (CI provides it)")
    text = SEED.read_text(encoding="utf-8")
    start = text.index("--data '") + len("--data '")
    end = text.index("}'", start) + 1
    request = json.loads(text[start:end])
    response, _ = json.JSONDecoder().raw_decode(text, text.index("\n{", end) + 1)
    return request, response


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_the_seed_example_through_the_client(
    connect_pkg: types.ModuleType, connect_models: types.ModuleType, mode: str
) -> None:
    M = connect_models
    request, response = _seed_bodies()
    body = M.ConnectionCreate.model_validate(request)
    action = body.credentials.action[0]
    assert type(action.credential.data) is M.CredentialDataNone
    # "schemeType": "<string>" is no scheme this client knows: kept as an unknown variant
    assert type(action.auth_scheme_config).__name__ == "UnknownVariant"
    server = Server(json_response(200, response))
    conn = invoke(
        connect_pkg,
        mode,
        server,
        "connections",
        "create_connector_connection",
        {"organisation_id": "o1", "connector_id": "c1", "body": body},
    )
    assert json.loads(server.last.content) == request
    assert type(conn) is M.Connection
    assert type(conn.credentials.action[0].credential.data) is M.CredentialDataNone
    assert type(conn.credentials.trigger[0].credential.data) is M.CredentialDataNone
    assert wire(conn) == response


def test_unknown_fields_are_kept(connect_models: types.ModuleType) -> None:
    M = connect_models
    data = json.loads(json.dumps(CONNECTION_RESPONSE))
    data["futureField"] = {"nested": [1, 2]}
    data["credentials"]["action"][0]["credential"]["rotation"] = "weekly"
    data["variables"][0]["secret"] = False
    conn = M.Connection.model_validate(data)
    assert conn.model_extra == {"futureField": {"nested": [1, 2]}}
    assert wire(conn) == data
    assert json.loads(conn.to_json()) == data


def test_unknown_enum_values_do_not_fail_parsing(connect_models: types.ModuleType) -> None:
    M = connect_models
    data = json.loads(json.dumps(CONNECTION_RESPONSE))
    cred = data["credentials"]["action"][0]["credential"]
    cred["type"] = "quantum-key"
    cred["usages"] = [
        {
            "connection": {
                "id": "x",
                "name": "n",
                "createdAt": "2024-05-06T07:08:09Z",
                "updatedAt": "2024-05-06T07:08:09Z",
                "connector": {
                    "id": "k",
                    "organisationId": "o1",
                    "name": "grpc thing",
                    "protocol": "grpc",
                    "createdAt": "2024-05-06T07:08:09Z",
                    "updatedAt": "2024-05-06T07:08:09Z",
                },
            }
        }
    ]
    conn = M.Connection.model_validate(data)
    parsed = conn.credentials.action[0].credential
    assert parsed.type == "quantum-key" and parsed.type.value == "quantum-key"
    assert isinstance(parsed.type, M.CredentialType)
    assert parsed.usages[0].connection.connector.protocol == "grpc"
    assert wire(conn) == data
    assert M.MessageSeverity("fatal").value == "fatal"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_draft_connector_version_with_published_at_null_parses(
    connect_pkg: types.ModuleType, connect_models: types.ModuleType, mode: str
) -> None:
    draft = {
        "id": "v1",
        "name": "draft",
        "isLatest": True,
        "isDefault": False,
        "createdAt": "2024-05-06T07:08:09Z",
        "updatedAt": "2024-05-06T07:08:09Z",
        "publishedAt": None,
    }
    server = Server(json_response(200, draft))
    version = invoke(
        connect_pkg,
        mode,
        server,
        "connector_version",
        "get_connector_version",
        {"organisation_id": "o1", "connector_id": "c1", "version": "latest"},
    )
    assert type(version) is connect_models.ConnectorVersion
    assert version.published_at is None and version.is_latest is True
    assert wire(version) == draft
    published = connect_models.ConnectorVersion.model_validate(
        {**draft, "publishedAt": "2024-06-01T00:00:00Z"}
    )
    assert published.published_at is not None and published.published_at.month == 6


def _connector(protocol: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": "k1",
        "organisationId": "o1",
        "name": "conn",
        "public": False,
        "protocol": protocol,
        "authSchemeConfigs": [],
        "connections": [],
        "versions": [],
        "createdAt": "2024-05-06T07:08:09Z",
        "updatedAt": "2024-05-06T07:08:09Z",
        **extra,
    }


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_connector("http", baseUrl="https://api.example.com"), "HTTPConnector"),
        (_connector("bigquery", datasetId="proj.ds"), "BigQueryConnector"),
        (_connector("grpc", endpoint="grpc://x"), "UnknownVariant"),
    ],
    ids=["http", "bigquery", "unknown"],
)
def test_connector_union_picks_the_variant(
    connect_pkg: types.ModuleType,
    connect_models: types.ModuleType,
    data: dict[str, Any],
    expected: str,
    mode: str,
) -> None:
    server = Server(json_response(200, data))
    connector = invoke(
        connect_pkg,
        mode,
        server,
        "connectors",
        "get_connector",
        {"organisation_id": "o1", "connector_id": "k1"},
    )
    assert type(connector).__name__ == expected
    assert wire(connector) == data


AUTH_SCHEME_CONFIGS = [
    ({"id": "a", "description": "d", "schemeType": "none"}, "AuthSchemeConfigNone"),
    (
        {"id": "a", "description": "d", "schemeType": "api-key", "name": "X-Key", "in": "header"},
        "AuthSchemeConfigAPIKey",
    ),
    ({"id": "a", "description": "d", "schemeType": "basic-auth"}, "AuthSchemeConfigBasicAuth"),
    (
        {
            "id": "a",
            "description": "d",
            "schemeType": "oauth2",
            "authorizeUrl": "https://i/a",
            "tokenUrl": "https://i/t",
            "scopes": [],
            "defaultScopes": [],
            "grant": {"grantType": "password", "clientId": "c"},
        },
        "AuthSchemeConfigOAuth2",
    ),
    (
        {
            "id": "a",
            "description": "d",
            "schemeType": "hmac",
            "name": "sig",
            "in": "query",
            "algorithm": "sha256",
            "digestInputs": ["body", "url"],
        },
        "AuthSchemeConfigHMAC",
    ),
    ({"id": "a", "description": "d", "schemeType": "certificate"}, "AuthSchemeConfigCertificate"),
    ({"id": "a", "description": "d", "schemeType": "kerberos", "realm": "R"}, "UnknownVariant"),
]


@pytest.mark.parametrize(
    ("data", "expected"), AUTH_SCHEME_CONFIGS, ids=[e for _, e in AUTH_SCHEME_CONFIGS]
)
def test_auth_scheme_config_union_picks_the_variant(
    connect_models: types.ModuleType, data: dict[str, Any], expected: str
) -> None:
    parsed = pydantic.TypeAdapter(connect_models.AuthSchemeConfig).validate_python(data)
    assert type(parsed).__name__ == expected
    assert wire(parsed) == data
    if expected == "AuthSchemeConfigOAuth2":
        assert type(parsed.grant) is connect_models.AuthSchemeConfigOAuth2GrantPassword


def _multipart_parts(request: httpx.Request) -> dict[str, tuple[str | None, str | None, bytes]]:
    """``{field: (filename, content type, payload)}`` of a multipart/form-data request."""
    ctype = request.headers["content-type"]
    assert ctype.startswith("multipart/form-data; boundary=")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + request.content
    )
    assert message.is_multipart()
    parts = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        parts[name] = (part.get_filename(), part.get("content-type"), part.get_payload(decode=True))
    return parts


IMPORT_RESULT = {
    "connector": _connector("http", baseUrl="https://api.example.com"),
    "definitions": [],
    "actions": [],
    "triggers": [],
    "messages": [{"text": "imported", "severity": "info"}],
}
IMPORTS = [
    (
        "import_http_connector",
        "/o/o%201/protocols/http/import",
        {"organisation_id": "o 1"},
        "ImportHTTPConnectorMultipartBody",
        "ImportHTTPConnectorMetadata",
        {"format": "openapi"},
        "HTTPConnectorFromURLCreate",
        {"schemaURL": "https://example.com/openapi.yaml", "format": "openapi"},
    ),
    (
        "import_http_connector_version",
        "/o/o1/connector/k%2F1/http/import",
        {"organisation_id": "o1", "connector_id": "k/1"},
        "ImportHTTPConnectorVersionMultipartBody",
        "ImportHTTPConnectorVersionMetadata",
        {"format": "openapi", "version": "2"},
        "HTTPConnectorVersionFromURLCreate",
        {"schemaURL": "https://example.com/v2.yaml", "format": "openapi", "version": "2"},
    ),
]


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    ("method", "path", "params", "body_cls", "meta_cls", "meta", "json_cls", "json_body"),
    IMPORTS,
    ids=[i[0] for i in IMPORTS],
)
def test_multipart_imports_send_the_file(
    connect_pkg: types.ModuleType,
    connect_models: types.ModuleType,
    mode: str,
    method: str,
    path: str,
    params: dict[str, str],
    body_cls: str,
    meta_cls: str,
    meta: dict[str, str],
    json_cls: str,
    json_body: dict[str, str],
) -> None:
    M = connect_models
    spec_bytes = b"openapi: 3.1.0\ninfo: {title: X, version: '1'}\n\x00\xff binary-safe"
    server = Server(json_response(201, IMPORT_RESULT))
    body = getattr(M, body_cls)(
        file=("openapi.yaml", spec_bytes, "application/yaml"),
        metadata=getattr(M, meta_cls).model_validate(meta),
    )
    result = invoke(connect_pkg, mode, server, "protocol_http", method, {**params, "body": body})
    req = server.last
    assert req.method == "POST" and req.url.raw_path.decode() == SERVER.path + path
    parts = _multipart_parts(req)
    assert set(parts) == {"file", "metadata"}
    assert parts["file"] == ("openapi.yaml", "application/yaml", spec_bytes)
    assert parts["metadata"][1] == "application/json" and json.loads(parts["metadata"][2]) == meta
    assert type(result) is M.ImportHTTPConnectorResult and type(result.connector) is M.HTTPConnector
    assert wire(result) == IMPORT_RESULT

    # a bare bytes file (named after its field) and no metadata
    invoke(
        connect_pkg,
        mode,
        server,
        "protocol_http",
        method,
        {**params, "body": getattr(M, body_cls)(file=b"raw bytes")},
    )
    parts = _multipart_parts(server.last)
    assert set(parts) == {"file"} and parts["file"][2] == b"raw bytes"

    # the JSON alternative of the same operation
    invoke(
        connect_pkg,
        mode,
        server,
        "protocol_http",
        method,
        {**params, "body": getattr(M, json_cls).model_validate(json_body)},
    )
    req = server.last
    assert req.headers["content-type"] == "application/json"
    assert json.loads(req.content) == json_body


def test_multipart_file_from_a_path_and_a_file_object(
    connect_pkg: types.ModuleType, connect_models: types.ModuleType, tmp_path: Path
) -> None:
    M = connect_models
    source = tmp_path / "collection.json"
    source.write_bytes(b'{"info": {}}')
    server = Server(json_response(201, IMPORT_RESULT))
    invoke(
        connect_pkg,
        "sync",
        server,
        "protocol_http",
        "import_http_connector",
        {"organisation_id": "o1", "body": M.ImportHTTPConnectorMultipartBody(file=source)},
    )
    assert _multipart_parts(server.last)["file"][0::2] == ("collection.json", b'{"info": {}}')
    with source.open("rb") as fh:
        invoke(
            connect_pkg,
            "sync",
            server,
            "protocol_http",
            "import_http_connector",
            {"organisation_id": "o1", "body": M.ImportHTTPConnectorMultipartBody(file=fh)},
        )
    assert _multipart_parts(server.last)["file"][0::2] == ("collection.json", b'{"info": {}}')


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_optional_parameters_not_given_are_not_sent(
    connect_pkg: types.ModuleType, connect_models: types.ModuleType, mode: str
) -> None:
    page = {"totalCount": 0, "connectors": []}
    server = Server(json_response(200, page))
    invoke(connect_pkg, mode, server, "connectors", "list_connectors", {"organisation_id": "o1"})
    assert server.last.url.query == b""
    invoke(
        connect_pkg,
        mode,
        server,
        "connectors",
        "list_connectors",
        {"organisation_id": "o1", "first": 5, "name": "sales"},
    )
    assert server.last.url.params.multi_items() == [("first", "5"), ("name", "sales")]
    invoke(
        connect_pkg,
        mode,
        server,
        "connectors",
        "list_connectors",
        {"organisation_id": "o1", "categories": [connect_models.Category("ERP"), "AI/LLMs"]},
    )
    assert server.last.url.params.get_list("categories") == ["ERP", "AI/LLMs"]
    # an optional body left out sends no body at all
    server = Server(json_response(200, {"url": "https://idp.example.com/authorize?x=1"}))
    out = invoke(
        connect_pkg,
        mode,
        server,
        "connections",
        "initialise_oauth2_connection",
        {"organisation_id": "o1", "connector_id": "c1"},
    )
    assert server.last.content == b"" and "content-type" not in server.last.headers
    assert out.url == "https://idp.example.com/authorize?x=1"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_pagination_rule_walks_every_item_of_every_page(
    connect_pkg: types.ModuleType, mode: str
) -> None:
    """The README's pagination rule on a 3-page list: ``for`` over what the sync list method
    returns, and ``async for`` over the async list method's call (no ``await``), see every item
    of every page, fetching the pages lazily; ``await`` gives the first page, whose ``items``,
    ``has_next_page()`` and ``iter_pages()`` work page by page."""

    def summary(i: int) -> dict[str, Any]:
        return {
            "id": f"c{i}",
            "name": f"conn {i}",
            "createdAt": "2024-05-06T07:08:09Z",
            "updatedAt": "2024-05-06T07:08:09Z",
        }

    pages = {
        None: {"totalCount": 5, "next": "cur2", "items": [summary(1), summary(2)]},
        "cur2": {"totalCount": 5, "next": "cur3", "items": [summary(3), summary(4)]},
        "cur3": {"totalCount": 5, "items": [summary(5)]},
    }
    server = Server(lambda r: httpx.Response(200, json=pages[r.url.params.get("after")]))
    everyone = [f"conn {i}" for i in range(1, 6)]
    if mode == "sync":
        with httpx.Client(transport=httpx.MockTransport(server)) as http:
            client = connect_pkg.Client(token=TOKEN, http_client=http)
            names = []
            for s in client.connections.list_connector_connections(
                organisation_id="o1", connector_id="c1"
            ):
                names.append(s.name)
                # lazily: the next page is fetched only when this one is used up
                assert len(server.requests) == (len(names) + 1) // 2
            assert names == everyone
            first = client.connections.list_connector_connections(
                organisation_id="o1", connector_id="c1"
            )
            assert [s.name for s in first.items] == everyone[:2] and first.has_next_page()
            assert [len(p.items) for p in first.iter_pages()] == [2, 2, 1]
    else:

        async def go() -> None:
            async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as http:
                client = connect_pkg.AsyncClient(token=TOKEN, http_client=http)
                names = []
                async for s in client.connections.list_connector_connections(
                    organisation_id="o1", connector_id="c1"
                ):
                    names.append(s.name)
                    assert len(server.requests) == (len(names) + 1) // 2
                assert names == everyone
                first = await client.connections.list_connector_connections(
                    organisation_id="o1", connector_id="c1"
                )
                assert isinstance(first, connect_pkg._pagination.AsyncPage)
                assert [s.name for s in first.items] == everyone[:2] and first.has_next_page()
                assert [len(p.items) async for p in first.iter_pages()] == [2, 2, 1]
                assert [s.name async for s in first] == everyone

        asyncio.run(go())
    assert [r.url.params.get("after") for r in server.requests][:3] == [None, "cur2", "cur3"]


def test_secrets_are_masked_in_repr(
    connect_pkg: types.ModuleType, connect_models: types.ModuleType
) -> None:
    M = connect_models
    basic = M.CredentialDataBasicAuth(username="alice", password="hunter2")
    assert "alice" in repr(basic) and "hunter2" not in repr(basic) and "**" in repr(basic)
    assert (
        basic.password == "hunter2" and basic.to_dict()["password"] == "hunter2"
    )  # only repr hides it
    for cls, data, secrets in [
        (M.CredentialDataString, {"value": "v-secret"}, ["v-secret"]),
        (
            M.CredentialDataOAuth2Token,
            {"scopes": ["s"], "accessToken": "at-secret", "refreshToken": "rt-secret"},
            ["at-secret", "rt-secret"],
        ),
        (
            M.CredentialDataOAuth2Client,
            {"clientId": "cid", "clientSecret": "cs-secret", "authorizeUrl": "", "tokenUrl": "t"},
            ["cs-secret"],
        ),
        (
            M.CredentialDataCertificate,
            {"certificate": "cert-secret", "key": "key-secret", "ca": "ca-secret"},
            ["key-secret"],
        ),
    ]:
        text = repr(cls.model_validate(data))
        assert not any(s in text for s in secrets), text
    nested = M.Connection.model_validate(
        {
            **CONNECTION_RESPONSE,
            "credentials": {
                "action": [
                    {
                        **CONNECTION_RESPONSE["credentials"]["action"][0],
                        "credential": {
                            **CONNECTION_RESPONSE["credentials"]["action"][0]["credential"],
                            "data": {"username": "alice", "password": "hunter2"},
                        },
                    }
                ]
            },
        }
    )
    assert "hunter2" not in repr(nested) and "hunter2" not in str(nested)
    client = connect_pkg.Client(token=TOKEN)
    assert TOKEN not in repr(client)
    client.close()


def test_token_url_is_not_masked(connect_models: types.ModuleType) -> None:
    data = connect_models.CredentialDataOAuth2Client(
        client_id="cid", client_secret="s", authorize_url="https://a", token_url="https://idp/token"
    )
    assert "https://idp/token" in repr(data)
