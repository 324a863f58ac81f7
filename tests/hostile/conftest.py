"""Fixtures of the hostile-input suite (helpers live in ``hostile_helpers``)."""

from __future__ import annotations

from typing import Iterator

import pytest


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """In-process runs use a cache folder of this test session, never ``~/.cache``, and no debug
    switch leaks in from the caller's environment."""
    cache = tmp_path_factory.getbasetemp() / "hostile-cache"
    monkeypatch.setenv("CONNECT_CODEGEN_CACHE_DIR", str(cache))
    monkeypatch.delenv("CONNECT_CODEGEN_DEBUG", raising=False)
    yield
