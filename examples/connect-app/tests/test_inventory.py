"""The application's tests with pytest and the client's test kit (``versori_connect.testing``)."""

from __future__ import annotations

import pytest
from connect_app.inventory import connection_names, ensure_connection, remove_connection

from versori_connect import APIStatusError, models
from versori_connect.testing import MockAPI, fake

ORG, CONNECTOR = "01HV6ZTB1Q5XW0NHA6F3D8GY2K", "01HV6ZTB1Q5XW0NHA6F3D8GY2M"


@pytest.fixture
def mock() -> MockAPI:
    return MockAPI()


def summary(name: str, seed: int) -> models.ConnectionSummary:
    return fake(models.ConnectionSummary, seed=seed).model_copy(update={"name": name})


def test_connection_names_walks_every_page(mock: MockAPI) -> None:
    mock.connections.list_connector_connections.returns(
        pages=[[summary("prod", 1), summary("dev", 2)], [summary("staging", 3)]]
    )
    assert connection_names(mock.client(), ORG, CONNECTOR) == ["dev", "prod", "staging"]
    first, second = mock.connections.list_connector_connections.calls
    assert first.kwargs == {"organisation_id": ORG, "connector_id": CONNECTOR, "first": 50}
    assert second.request.url.params["after"]  # the second page was asked for by its cursor


def test_ensure_connection_finds_an_existing_one(mock: MockAPI) -> None:
    existing = summary("prod", 4)
    mock.connections.list_connector_connections.returns(pages=[[summary("dev", 5), existing]])
    assert ensure_connection(mock.client(), ORG, CONNECTOR, "prod", {"region": "eu"}) == existing.id
    assert not mock.connections.create_connector_connection.called


def test_ensure_connection_creates_a_missing_one(mock: MockAPI) -> None:
    created = fake(models.Connection, seed=6)
    mock.connections.list_connector_connections.returns(pages=[[summary("dev", 7)]])
    mock.connections.create_connector_connection.returns(created)
    assert ensure_connection(mock.client(), ORG, CONNECTOR, "prod", {"region": "eu", "tier": "gold"}) == created.id
    (call,) = mock.connections.create_connector_connection.calls
    body = call.kwargs["body"]
    assert isinstance(body, models.ConnectionCreate) and body.name == "prod"
    assert call.json()["variables"] == [{"name": "region", "value": "eu"}, {"name": "tier", "value": "gold"}]


def test_remove_connection(mock: MockAPI) -> None:
    mock.connections.delete_connection.returns(None)
    assert remove_connection(mock.client(), ORG, CONNECTOR, "c1") is True
    mock.connections.delete_connection.raises(404, {"code": "not_found", "message": "gone"})
    assert remove_connection(mock.client(), ORG, CONNECTOR, "c1") is False
    mock.connections.delete_connection.raises(412, {"code": "in_use", "message": "subscribed"})
    with pytest.raises(APIStatusError) as caught:
        remove_connection(mock.client(), ORG, CONNECTOR, "c1")
    assert caught.value.status_code == 412


def test_a_transient_failure_is_retried(mock: MockAPI) -> None:
    from versori_connect.testing import reply

    mock.connections.delete_connection.returns(reply(503), None)
    assert remove_connection(mock.client(), ORG, CONNECTOR, "c1") is True
    assert len(mock.connections.delete_connection.calls[0].requests) == 2


async def _names_async(mock: MockAPI) -> list[str]:
    async with mock.async_client() as client:
        page = await client.connections.list_connector_connections(organisation_id=ORG, connector_id=CONNECTOR)
        return [s.name async for s in page.iter_all()]


def test_the_async_client_sees_the_same_mock(mock: MockAPI) -> None:
    import asyncio

    mock.connections.list_connector_connections.returns(pages=[[summary("a", 8)], [summary("b", 9)]])
    assert asyncio.run(_names_async(mock)) == ["a", "b"]
