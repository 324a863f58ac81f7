"""The three committed Versori clients (``output/``) take a bearer token.

The Connect document declares its ``bearerToken`` scheme; the upstream Embedded and Organisations
documents declare none, and get it from the overlays in ``overlays/`` (configured in
``pyproject.toml``). Each client is imported from ``output/`` in a subprocess (the committed
packages, not fresh ones) and one operation is called, sync and async, through
``httpx.MockTransport``: with ``token=``, with the ``<PACKAGE>_TOKEN`` environment variable, and
with neither (no ``Authorization`` header).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

#: client -> (package, resource attribute, method, keyword arguments)
CALLS = {
    "connect": (
        "versori_connect",
        "actions",
        "get_actions",
        {"organisation_id": "o1", "connector_id": "c1", "version": "v1"},
    ),
    "embedded": ("versori_embedded", "hubs", "list_hubs", {"organisation_id": "o1"}),
    "organisations": (
        "versori_organisations",
        "active_organisation",
        "get_active_organisation",
        {},
    ),
}

SCRIPT = """
import asyncio, json, os, sys
import httpx
package, resource, method, kwargs = json.loads(sys.argv[1])
mod = __import__(package)
seen = []

def handler(request):
    seen.append(request.headers.get("Authorization"))
    return httpx.Response(404, json={"message": "no"})

def call(**kw):
    client = mod.Client(http_client=httpx.Client(transport=httpx.MockTransport(handler)), max_retries=0, **kw)
    try:
        getattr(getattr(client, resource), method)(**kwargs)
    except mod.APIStatusError:
        pass

async def acall(**kw):
    client = mod.AsyncClient(http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)), max_retries=0, **kw)
    try:
        await getattr(getattr(client, resource), method)(**kwargs)
    except mod.APIStatusError:
        pass

call(token="tok-sync")
asyncio.run(acall(token="tok-async"))
call()
os.environ[package.upper() + "_TOKEN"] = "tok-env"
call()
asyncio.run(acall())
print(json.dumps(seen))
"""


@pytest.mark.parametrize("name", sorted(CALLS))
def test_the_committed_client_sends_its_token_as_a_bearer(name: str, tools) -> None:
    package, resource, method, kwargs = CALLS[name]
    project = REPO / "output" / f"versori-{name}"
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps([package, resource, method, kwargs])],
        cwd=project,
        env=tools.clean_env({"PYTHONPATH": str(project)}),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [
        "Bearer tok-sync",
        "Bearer tok-async",
        None,
        "Bearer tok-env",
        "Bearer tok-env",
    ]
