"""Attack class 6: the generated client is safe with hostile *values* too.

- path parameters are percent-encoded per segment (``../x``, ``a/b``, ``..``, ``?``, ``#`` stay
  inside their segment);
- header values (parameters, ``extra_headers``, credentials) with CR, LF or NUL are refused before
  anything is sent;
- ``repr``/``str`` of a model never show fields the spec marks ``format: password`` or
  ``writeOnly``, nor the Connect API's credential secrets (checked on the committed
  ``output/versori-connect`` and on small inline specs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hostile_helpers import REPO, Gen, compile_tree, generate, minimal, run_python, write_doc


@pytest.fixture(scope="module")
def client_gen(tmp_path_factory: pytest.TempPathFactory) -> Gen:
    tmp = tmp_path_factory.mktemp("client-safety")
    doc = minimal(
        paths={
            "/items/{id}/sub/{name}": {
                "get": {
                    "operationId": "getItem",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "name",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                        {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                        {"name": "q", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        components={
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
            },
            "schemas": {
                "Pwd": {"type": "string", "format": "password"},
                "Login": {
                    "type": "object",
                    "properties": {
                        "user": {"type": "string"},
                        "pass": {"type": "string", "format": "password"},
                        "otp": {"type": "string", "writeOnly": True},
                        "hint": {"type": ["string", "null"], "format": "password"},
                        "clientSecret": {"type": "string"},
                        "refreshToken": {"type": "string"},
                        "nested": {"$ref": "#/components/schemas/Login"},
                        "many": {"type": "array", "items": {"$ref": "#/components/schemas/Login"}},
                    },
                },
                "RefSecret": {
                    "type": "object",
                    "properties": {"pw": {"$ref": "#/components/schemas/Pwd"}},
                },
            },
        },
        security=[{"bearer": []}, {"key": []}],
    )
    gen = generate(write_doc(tmp / "spec.json", doc), tmp / "out")
    assert gen.code == 0, gen.stderr
    compile_tree(gen.project_dir)
    return gen


def _probe(gen: Gen, code: str, tmp: Path) -> Any:
    cwd = tmp / "cwd"
    cwd.mkdir(exist_ok=True)
    header = f"""
import httpx, json, importlib
pkg = importlib.import_module({gen.package!r})
c = importlib.import_module({gen.package!r} + "._client")
m = importlib.import_module({gen.package!r} + ".models")
sent = []
def handler(request):
    sent.append(request)
    return httpx.Response(200)
def client(**kw):
    return c.Client(base_url="http://api.test/base", http_client=httpx.Client(transport=httpx.MockTransport(handler)), **kw)
"""
    proc = run_python(
        header + code + "\nprint('@@' + json.dumps(result))", cwd=cwd, path=gen.project_dir
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.rsplit("@@", 1)[1])


PATH_VALUES = [
    "../x",
    "a/b",
    "..",
    ".",
    "?q=1#frag",
    "%2e%2e%2f",
    " sp ace",
    "/",
    "\\..\\",
    "\u202e",
]
BAD_HEADER_VALUES = ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\x00b"]

#: One interpreter runs every client probe (imports cost more than the checks).
CLIENT_PROBE = f"""
result = {{"paths": [], "headers": {{}}}}
for v in {PATH_VALUES!r}:
    sent.clear()
    client(token="t").items.get_item(id=v, name=v)
    result["paths"].append(sent[0].url.raw_path.decode("ascii"))
for bad in {BAD_HEADER_VALUES!r}:
    cases = {{
        "header param": lambda: client(token="t").items.get_item(id="1", name="2", x_trace=bad),
        "extra_headers": lambda: client(token="t").items.get_item(id="1", name="2", extra_headers={{"X-A": bad}}),
        "bearer token": lambda: client(token=bad).items.get_item(id="1", name="2"),
        "api key": lambda: client(key=bad).items.get_item(id="1", name="2"),
        "default_headers": lambda: c.Client(base_url="http://api.test", token="t", default_headers={{"X-D": bad}},
            http_client=httpx.Client(transport=httpx.MockTransport(handler))).items.get_item(id="1", name="2"),
    }}
    for name, call in cases.items():
        sent.clear()
        try:
            call()
            outcome = "sent" if sent else "no error"
        except ValueError as exc:
            outcome = "refused" if not sent and bad not in str(exc) else f"leaky: {{exc}}"
        except Exception as exc:
            outcome = f"{{type(exc).__name__}}: {{exc}}"
        result["headers"][f"{{name}} {{bad!r}}"] = outcome
sent.clear()
client(token="t").items.get_item(id="1", name="2", session='v; admin=1, x="y"')
result["cookie"] = sent[0].headers.get("cookie")
"""


@pytest.fixture(scope="module")
def client_results(client_gen: Gen, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _probe(client_gen, CLIENT_PROBE, tmp_path_factory.mktemp("client-probe"))


def test_path_parameters_stay_inside_their_segment(client_results: dict[str, Any]) -> None:
    got = client_results["paths"]
    for value, path in zip(PATH_VALUES, got):
        parts = path.split("?")[0].split("/")
        assert parts[:3] == ["", "base", "items"] and parts[4] == "sub" and len(parts) == 6, (
            value,
            path,
        )
        assert parts[3] == parts[5] and parts[3] not in (".", ".."), (value, path)
        assert "/" not in parts[3] and "?" not in parts[3] and "#" not in parts[3]
    assert got[0].startswith("/base/items/..%2Fx/sub/")
    assert got[2] == "/base/items/%2E%2E/sub/%2E%2E"


def test_header_values_with_line_breaks_are_refused(client_results: dict[str, Any]) -> None:
    got = client_results["headers"]
    assert len(got) == 5 * len(BAD_HEADER_VALUES)
    assert {k: v for k, v in got.items() if v != "refused"} == {}


def test_cookie_values_cannot_add_cookies(client_results: dict[str, Any]) -> None:
    got = client_results["cookie"]
    assert (
        got.split("=", 1)[0] == "session" and ";" not in got and "," not in got and '"' not in got
    ), got


SECRETS_PROBE = """
import re
login = m.Login(user="alice", **{"pass": "S3CRET-pass"}, otp="S3CRET-otp", hint="S3CRET-hint", client_secret="S3CRET-cs",
                refresh_token="S3CRET-rt", nested=m.Login(user="bob", **{"pass": "S3CRET-nested"}),
                many=[m.Login(user="carol", otp="S3CRET-many")])
shown = [repr(login), str(login), repr([login]), repr({"k": login}), repr(login.model_copy())]
result = {
    "leaks": sorted(set(re.findall(r"S3CRET-[a-z]+", " ".join(shown)))),
    "users": all(u in shown[0] for u in ("alice", "bob", "carol")),
    "data": login.to_dict()["pass"],
}
"""


def test_password_and_write_only_fields_are_masked(client_gen: Gen, tmp_path: Path) -> None:
    got = _probe(client_gen, SECRETS_PROBE, tmp_path)
    assert got["leaks"] == [], got
    assert got["users"] is True
    assert got["data"] == "S3CRET-pass"  # masked in repr only: still sent as data


def test_password_behind_a_ref_is_masked(client_gen: Gen, tmp_path: Path) -> None:
    got = _probe(client_gen, "result = repr(m.RefSecret(pw='S3CRET-ref'))", tmp_path)
    assert "S3CRET" not in got, got


def test_validation_errors_do_not_echo_secrets(client_gen: Gen, tmp_path: Path) -> None:
    got = _probe(
        client_gen,
        """
try:
    m.Login.model_validate({"user": 5, "pass": "S3CRET-pass", "otp": ["S3CRET-otp"]})
    result = "validated"
except Exception as exc:
    result = str(exc)
""",
        tmp_path,
    )
    assert "S3CRET" not in got, got


def test_literal_hash_in_a_path_template_does_not_swallow_parameters(tmp_path: Path) -> None:
    """A '#' or '?' in a spec path would move the rest of the path (path parameters included)
    into the fragment or query: normalize/operations.py skips such a path with a WARNING naming it
    (a '#' is only a variant's name at the very end, ``/things#byName``, which is never sent), and
    the runtime's encode_path() percent-encodes literal template text in any case."""
    doc = minimal(
        paths={
            "/a#b/{id}": {
                "get": {
                    "operationId": "getA",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    )
    gen = generate(write_doc(tmp_path / "spec.json", doc), tmp_path / "out")
    assert gen.code == 0, gen.stderr
    assert "#/paths/~1a#b~1{id}: a '#' in a path only names a variant of it at its end" in gen.stderr
    got = _probe(
        gen,
        "from hostile._qs import encode_path\n"
        "result = [encode_path('/a#b/{id}?x', {'id': 'S#G'}), hasattr(client(), 'a_b')]",
        tmp_path,
    )
    assert got == ["/a%23b/S%23G%3Fx", False], got


# --- the Connect API client -----------------------------------------------------------------------

CONNECT_PROBE = r"""
import re, typing
import pydantic
m = importlib.import_module("versori_connect.models")
NOT_SECRET = {"username", "clientId", "authorizeUrl", "tokenUrl", "additionalParams", "mTLSCredentialId",
              "scopes", "mTLSEnabled", "type", "name", "id", "organisationId", "description"}
# names that are secrets as a whole word (``max_tokens`` or ``additionalTokenParams`` are not)
SECRET_NAME = re.compile(r"(?i)((^|[^a-z])password|secret|api_?key|private_?key|access_?token|refresh_?token|^token)$")
checked, leaks, masked = [], [], []
for name, cls in sorted(vars(m).items()):
    if not (isinstance(cls, type) and issubclass(cls, pydantic.BaseModel) and cls.__module__ == m.__name__):
        continue
    for field, info in cls.model_fields.items():
        json_name = info.alias or field
        credential_data = name.startswith("CredentialData") and json_name not in NOT_SECRET
        if not (credential_data or SECRET_NAME.search(json_name)):
            continue
        sentinel = f"S3CRET-{name}-{json_name}"
        obj = cls.model_construct(**{field: sentinel})
        shown = repr(obj) + str(obj) + repr([obj])
        checked.append(f"{name}.{json_name}")
        (leaks if sentinel in shown else masked).append(f"{name}.{json_name}")
# a credential wrapped in the models that carry it
wrapped = m.Credential.model_construct(id="c", data=m.CredentialDataOAuth2Client.model_construct(
    client_id="cid", client_secret="S3CRET-wrapped", authorize_url="https://a", token_url="https://t"))
if "S3CRET-wrapped" in repr(wrapped):
    leaks.append("Credential.data.clientSecret")
result = {"checked": checked, "leaks": leaks}
"""


def test_connect_client_masks_credential_secrets(tmp_path: Path) -> None:
    project = REPO / "output" / "versori-connect"
    if not (project / "versori_connect" / "models.py").is_file():
        pytest.skip("output/versori-connect is not generated")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    code = "import json, importlib\n" + CONNECT_PROBE + "\nprint('@@' + json.dumps(result))"
    proc = run_python(code, cwd=cwd, path=project)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.rsplit("@@", 1)[1])
    assert got["leaks"] == [], got["leaks"]
    must = {
        "CredentialDataString.value", "CredentialDataBinary.valueBase64", "CredentialDataBasicAuth.password",
        "CredentialDataOAuth2Client.clientSecret", "CredentialDataOAuth2Token.accessToken",
        "CredentialDataOAuth2Token.refreshToken", "CredentialDataOAuth2Code.code",
        "CredentialDataOAuth2Password.password", "CredentialDataCertificate.key",
    }  # fmt: skip
    assert must <= set(got["checked"]), sorted(must - set(got["checked"]))
