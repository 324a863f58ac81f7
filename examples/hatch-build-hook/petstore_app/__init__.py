"""The example's own code, using the client generated at build time (``petstore_client``)."""

from __future__ import annotations

from petstore_client import Client


def pet_names(client: Client, limit: int = 10) -> list[str]:
    """The names of the first ``limit`` pets."""
    return [pet.name for pet in client.pets.list_pets(limit=limit)]
