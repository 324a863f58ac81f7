"""The test kit (``<package>.testing``) through the generated Connect client: ``MockAPI`` answers
each operation as the test set it up (a model, ``None``, an error with its typed exception, a
sequence for retries, pages, events, a callable of the request, an exception of the transport),
records the calls (keyword arguments as passed, the raw requests), fails loudly on an operation
that was not set up; ``fake`` builds instances valid against the spec's schemas, deterministic
per seed. Sync and async, and a ``unittest.TestCase`` (which pytest runs too).

The floor of the issue runs as written against the committed ``versori_connect`` (in a
subprocess, so that its package name is free); the other tests use the freshly generated client.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import types
import unittest
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pydantic
import pytest
import referencing

from generator.diagnostics import DiagnosticSink
from generator.load import load_document

REPO = Path(__file__).resolve().parents[2]
DOC: dict[str, Any] = load_document(REPO / "specs" / "connect-api-v1.yaml", DiagnosticSink()).data
IDS = {"organisation_id": "o1", "connector_id": "c1", "connection_id": "x1"}

FLOOR = """
from versori_connect.testing import MockAPI, fake
from versori_connect import NotFoundError, models

mock = MockAPI()
client = mock.client()                      # a Client wired to the mock; mock.async_client() likewise
conn = fake(models.Connection, seed=1)      # valid against the schema; same seed, same value
mock.connections.get_connection.returns(conn)
assert client.connections.get_connection(organisation_id="o", connector_id="c", connection_id="x") == conn
mock.connections.delete_connection.raises(404, {"code": "not_found", "message": "no"})  # typed NotFoundError
call = mock.connections.get_connection.calls[0]   # .kwargs as the caller passed them, .request the raw request

assert call.kwargs == {"organisation_id": "o", "connector_id": "c", "connection_id": "x"}, call.kwargs
assert call.request.url.path == "/o/o/connectors/c/connections/x", call.request.url
try:
    client.connections.delete_connection(organisation_id="o", connector_id="c", connection_id="x")
except NotFoundError as exc:
    assert exc.error.code == "not_found", exc.error
else:
    raise AssertionError("no NotFoundError")
print("floor ok")
"""


def test_the_issue_floor_runs_as_written_on_the_committed_client() -> None:
    out = subprocess.run(
        [sys.executable, "-c", FLOOR],
        cwd=REPO / "output" / "versori-connect",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "floor ok"


@pytest.fixture(scope="module")
def kit(connect_pkg: types.ModuleType) -> types.ModuleType:
    import importlib

    return importlib.import_module(connect_pkg.__name__ + ".testing")


@pytest.fixture
def mock(kit: types.ModuleType) -> Any:
    return kit.MockAPI()


def test_returns_a_model_and_records_the_call(kit: Any, mock: Any, connect_models: Any) -> None:
    conn = kit.fake(connect_models.Connection, seed=3)
    mock.connections.get_connection.returns(conn)
    client = mock.client()
    assert client.connections.get_connection(**IDS) == conn
    assert client.connections.get_connection(**IDS, timeout=5) == conn
    calls = mock.connections.get_connection.calls
    assert [c.kwargs for c in calls] == [IDS, {**IDS, "timeout": 5}]
    assert calls[0].request.method == "GET"
    assert calls[0].request.url.path == "/o/o1/connectors/c1/connections/x1"
    assert calls[0].request.headers["authorization"] == "Bearer test-token"
    assert mock.connections.get_connection.call_count == 2 and mock.calls == calls


def test_body_kwargs_are_the_callers_objects(kit: Any, mock: Any, connect_models: Any) -> None:
    body = kit.fake(connect_models.ConnectionCreate, seed=2)
    created = kit.fake(connect_models.Connection, seed=2)
    mock.connections.create_connector_connection.returns(created)
    client = mock.client()
    result = client.connections.create_connector_connection(organisation_id="o1", connector_id="c1", body=body)
    assert result == created
    call = mock.connections.create_connector_connection.calls[0]
    assert call.kwargs["body"] is body
    assert call.json() == body.to_dict()


def test_none_answers_a_204(mock: Any) -> None:
    mock.connections.delete_connection.returns(None)
    assert mock.client().connections.delete_connection(**IDS) is None
    assert mock.connections.delete_connection.calls[0].request.method == "DELETE"


def test_raises_gives_the_typed_error(connect_pkg: Any, mock: Any, connect_models: Any) -> None:
    mock.connections.get_connection.raises(404, {"code": "not_found", "message": "no"})
    mock.connections.delete_connection.raises(412, {"code": "busy", "message": "in use"})
    client = mock.client()
    with pytest.raises(connect_pkg.NotFoundError) as caught:
        client.connections.get_connection(**IDS)
    assert isinstance(caught.value.error, connect_models.Error) and caught.value.error.message == "no"
    with pytest.raises(connect_pkg.PreconditionFailedError):
        client.connections.delete_connection(**IDS)
    with pytest.raises(ValueError):
        mock.connections.get_connection.raises(200)


def test_a_sequence_answers_each_retry(kit: Any, mock: Any, connect_models: Any) -> None:
    conn = kit.fake(connect_models.Connection, seed=4)
    mock.connections.get_connection.returns(kit.reply(503), kit.reply(429, headers={"retry-after": "0"}), conn)
    client = mock.client()
    assert client.connections.get_connection(**IDS) == conn
    (call,) = mock.connections.get_connection.calls  # one call, three attempts
    assert len(call.requests) == 3 and call.kwargs == IDS
    with pytest.raises(kit.NotSetUp, match="called 4 times but returns\\(\\) was given 3 answers"):
        client.connections.get_connection(**IDS)


def test_a_transport_exception_is_raised_as_the_transport_s(connect_pkg: Any, kit: Any, mock: Any) -> None:
    mock.connections.get_connection.returns(httpx.ConnectError("refused"))
    with pytest.raises(connect_pkg.APIConnectionError):
        mock.client(max_retries=1).connections.get_connection(**IDS)
    assert len(mock.connections.get_connection.calls[0].requests) == 2


def test_a_callable_answers_from_the_request(kit: Any, mock: Any, connect_models: Any) -> None:
    def answer(request: httpx.Request) -> Any:
        conn = kit.fake(connect_models.Connection, seed=1)
        return conn.model_copy(update={"name": request.url.path.rsplit("/", 1)[1]})

    mock.connections.get_connection.returns(answer)
    assert mock.client().connections.get_connection(**{**IDS, "connection_id": "abc"}).name == "abc"


def test_an_operation_not_set_up_fails_naming_it(kit: Any, mock: Any) -> None:
    client = mock.client()
    with pytest.raises(kit.NotSetUp) as caught:
        client.connectors.list_connectors(organisation_id="o1")
    message = str(caught.value)
    assert "connectors.list_connectors" in message
    assert "mock.connectors.list_connectors.returns(" in message and ".raises(status, body)" in message
    assert isinstance(caught.value, AssertionError)  # pytest and unittest report it as a failure


def test_pages_are_served_and_linked(kit: Any, mock: Any, connect_models: Any) -> None:
    items = [kit.fake(connect_models.ConnectionSummary, seed=i) for i in range(5)]
    mock.connections.list_connector_connections.returns(pages=[items[:2], items[2:4], items[4:]])
    page = mock.client().connections.list_connector_connections(organisation_id="o1", connector_id="c1")
    assert list(page.items) == items[:2]
    assert list(page) == items  # iterating a page walks every page, from the one it has
    calls = mock.connections.list_connector_connections.calls
    assert [c.request.url.params.get("after") for c in calls] == [None, "page-1", "page-2"]
    assert calls[-1].kwargs == {"organisation_id": "o1", "connector_id": "c1", "after": "page-2"}
    with pytest.raises(TypeError, match="not paginated"):
        mock.connections.get_connection.returns(pages=[[1]])


def test_events_are_a_text_event_stream(mock: Any, connect_models: Any) -> None:
    mock.connections.get_connection.returns(events=[{"a": 1}, "plain"])
    with httpx.Client(transport=mock.transport, base_url="https://x") as http:
        response = http.get("/o/o1/connectors/c1/connections/x1")
    assert response.headers["content-type"] == "text/event-stream"
    assert response.text == 'data: {"a":1}\n\ndata: plain\n\n'


def test_a_client_built_elsewhere_uses_the_transport(connect_pkg: Any, kit: Any, mock: Any, connect_models: Any) -> None:
    conn = kit.fake(connect_models.Connection, seed=5)
    mock.connections.get_connection.returns(conn)
    client = connect_pkg.Client(token="t", base_url="https://api.example/v1", http_client=httpx.Client(transport=mock.transport))
    assert client.connections.get_connection(**IDS) == conn
    assert mock.connections.get_connection.calls[0].kwargs == IDS  # read back from the request


def test_raw_responses_go_through_the_mock(kit: Any, mock: Any, connect_models: Any) -> None:
    conn = kit.fake(connect_models.Connection, seed=6)
    mock.connections.get_connection.returns(conn)
    raw = mock.client().connections.with_raw_response.get_connection(**IDS)
    assert raw.status_code == 200 and raw.parse() == conn
    assert mock.connections.get_connection.calls[0].kwargs == IDS


def test_async_client(connect_pkg: Any, kit: Any, mock: Any, connect_models: Any) -> None:
    conn = kit.fake(connect_models.Connection, seed=7)
    items = [kit.fake(connect_models.ConnectionSummary, seed=i) for i in range(3)]
    mock.connections.get_connection.returns(kit.reply(500), conn)
    mock.connections.list_connector_connections.returns(pages=[items[:2], items[2:]])
    mock.connections.delete_connection.raises(404, {"code": "x", "message": "y"})

    async def run() -> None:
        async with mock.async_client() as client:
            assert await client.connections.get_connection(**IDS) == conn
            page = await client.connections.list_connector_connections(organisation_id="o1", connector_id="c1")
            assert [i async for i in page.iter_all()] == items
            with pytest.raises(connect_pkg.NotFoundError):
                await client.connections.delete_connection(**IDS)

    asyncio.run(run())
    (call,) = mock.connections.get_connection.calls
    assert call.kwargs == IDS and len(call.requests) == 2


def test_async_list_calls_record_the_arguments_as_passed(kit: Any, mock: Any, connect_models: Any) -> None:
    """An async list method sends nothing until its pager is awaited or iterated: the call's
    arguments are still the caller's objects (an ``int`` stays an ``int``), as the sync client's
    are, and each fetch of a first page is a call of its own."""
    items = [kit.fake(connect_models.ConnectionSummary, seed=i) for i in range(2)]
    mock.connections.list_connector_connections.returns(pages=[items])
    args = {"organisation_id": "o1", "connector_id": "c1", "first": 5}

    async def run() -> None:
        async with mock.async_client() as client:
            pager = client.connections.list_connector_connections(**args)
            await pager
            assert [i async for i in pager] == items

    asyncio.run(run())
    mock.client().connections.list_connector_connections(**args)
    calls = mock.connections.list_connector_connections.calls
    assert [c.kwargs for c in calls] == [args, args, args], [c.kwargs for c in calls]


def test_reset_forgets_answers_and_calls(kit: Any, mock: Any) -> None:
    mock.connections.delete_connection.returns(None)
    mock.client().connections.delete_connection(**IDS)
    mock.reset()
    assert mock.connections.delete_connection.calls == []
    with pytest.raises(kit.NotSetUp):
        mock.client().connections.delete_connection(**IDS)


# --- fake ---------------------------------------------------------------------------------------


def _validator(name: str) -> jsonschema.protocols.Validator:
    resource = referencing.Resource.from_contents(DOC, default_specification=referencing.jsonschema.DRAFT202012)
    registry = referencing.Registry().with_resource("urn:doc", resource)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    checker.checks("ulid")(lambda v: not isinstance(v, str) or (len(v) == 26 and v[0] in "01234567"))
    schema = {"$ref": f"urn:doc#/components/schemas/{name}"}
    return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=checker)


def _component_models(models: Any) -> list[str]:
    names = []
    for name in sorted(DOC["components"]["schemas"]):
        cls = getattr(models, name, None)
        if isinstance(cls, type) and issubclass(cls, pydantic.BaseModel):
            names.append(name)
    return names


def test_fakes_are_valid_against_the_schemas(kit: Any, connect_models: Any) -> None:
    names = _component_models(connect_models)
    assert len(names) > 50
    for name in names:
        for seed in (0, 1, 2):
            value = kit.fake(getattr(connect_models, name), seed=seed)
            data = json.loads(json.dumps(pydantic.TypeAdapter(Any).dump_python(value, mode="json", by_alias=True, exclude_none=True)))
            errors = [e.message for e in _validator(name).iter_errors(data)]
            assert not errors, (name, seed, errors, data)


def test_fakes_are_deterministic_per_seed_and_varied(kit: Any, connect_models: Any) -> None:
    a = kit.fake(connect_models.Connection, seed=1)
    assert a == kit.fake(connect_models.Connection, seed=1)
    assert a.model_dump() != kit.fake(connect_models.Connection, seed=2).model_dump()
    assert len(a.id) == 26  # format: ulid
    assert a.created_at.tzinfo is not None  # format: date-time


def test_fake_picks_discriminated_variants_and_enums(kit: Any, connect_models: Any) -> None:
    kinds = {type(kit.fake(connect_models.Credential, seed=s).data).__name__ for s in range(20)}
    assert len(kinds) > 3 and "UnknownVariant" not in kinds
    members = {kit.fake(connect_models.CredentialType, seed=s) for s in range(30)}
    assert members <= set(connect_models.CredentialType) and len(members) > 1


# --- unittest -----------------------------------------------------------------------------------


class KitWithUnittest(unittest.TestCase):
    """The kit in a ``unittest.TestCase`` (pytest runs it; ``python -m unittest`` would too)."""

    pkg: Any = None

    def setUp(self) -> None:
        if self.pkg is None:
            self.skipTest("the generated package is handed over by the fixture below")
        self.kit = sys.modules[self.pkg.__name__ + ".testing"]
        self.mock = self.kit.MockAPI()

    def test_returns_and_calls(self) -> None:
        conn = self.kit.fake(self.pkg.models.Connection, seed=8)
        self.mock.connections.get_connection.returns(conn)
        self.assertEqual(self.mock.client().connections.get_connection(**IDS), conn)
        self.assertEqual(self.mock.connections.get_connection.calls[0].kwargs, IDS)

    def test_not_set_up_is_a_failure(self) -> None:
        with self.assertRaises(AssertionError):
            self.mock.client().connections.get_connection(**IDS)


@pytest.fixture(autouse=True, scope="module")
def _hand_over(kit: types.ModuleType, connect_pkg: types.ModuleType) -> Any:
    KitWithUnittest.pkg = connect_pkg
    yield
    KitWithUnittest.pkg = None


def test_unittest_runner_runs_the_kit(kit: Any, connect_pkg: Any) -> None:
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(KitWithUnittest).run(result)
    assert result.testsRun == 2 and not result.skipped and result.wasSuccessful(), result.failures + result.errors
