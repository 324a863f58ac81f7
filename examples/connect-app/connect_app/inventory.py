"""What the application does with the Connect API: list, ensure and remove a connector's
connections. Every function takes the client, so that tests hand it one wired to the kit's mock."""

from __future__ import annotations

from versori_connect import Client, NotFoundError, models


def connection_names(client: Client, organisation_id: str, connector_id: str) -> list[str]:
    """The names of every connection of the connector, across every page, sorted."""
    page = client.connections.list_connector_connections(
        organisation_id=organisation_id, connector_id=connector_id, first=50
    )
    return sorted(summary.name for summary in page.iter_all())


def ensure_connection(
    client: Client, organisation_id: str, connector_id: str, name: str, variables: dict[str, str]
) -> str:
    """The id of the connection named ``name``, created (with ``variables`` and no credentials)
    when the connector has none of that name."""
    page = client.connections.list_connector_connections(
        organisation_id=organisation_id, connector_id=connector_id
    )
    for summary in page.iter_all():
        if summary.name == name:
            return summary.id
    created = client.connections.create_connector_connection(
        organisation_id=organisation_id,
        connector_id=connector_id,
        body=models.ConnectionCreate(
            name=name,
            credentials=models.ConnectionCredentialsCreate(action=[], trigger=[]),
            variables=[models.ConnectionVariable(name=k, value=v) for k, v in sorted(variables.items())],
        ),
    )
    return created.id


def remove_connection(client: Client, organisation_id: str, connector_id: str, connection_id: str) -> bool:
    """Delete the connection; ``False`` when it did not exist (404), ``True`` when it was deleted."""
    try:
        client.connections.delete_connection(
            organisation_id=organisation_id, connector_id=connector_id, connection_id=connection_id
        )
    except NotFoundError:
        return False
    return True
