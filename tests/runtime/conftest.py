"""Fixtures for the tests of the static runtime in templates/runtime/.

The runtime is copied into a temporary package named ``rtpkg`` (with an empty
``__init__.py``) so its relative imports work exactly as in a generated client.
"""

from __future__ import annotations

import atexit
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rt_server import FaultServer  # noqa: E402

RUNTIME_DIR = Path(__file__).resolve().parents[2] / "templates" / "runtime"

_pkg_root = Path(tempfile.mkdtemp(prefix="rtpkg-"))
atexit.register(shutil.rmtree, _pkg_root, ignore_errors=True)
_pkg = _pkg_root / "rtpkg"
_pkg.mkdir()
for source in RUNTIME_DIR.glob("*.py"):
    shutil.copy(source, _pkg / source.name)
(_pkg / "__init__.py").write_text('"""Runtime under test."""\n')
sys.path.insert(0, str(_pkg_root))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def server() -> Iterator[FaultServer]:
    srv = FaultServer()
    try:
        yield srv
    finally:
        srv.close()


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL on which nothing listens (connection refused)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"
