"""Fixtures of the feature suite: ``gen(spec)`` generates an inline spec once per test run.

Generation goes through the root conftest's ``once`` (a file lock in a folder every xdist worker
of the run shares), so a spec used by tests on two workers, and by the mypy test, is generated a
single time; each worker keeps its own in-memory memo of the results.
"""

from __future__ import annotations

from typing import Any, Callable

import pytest

from features_helpers import Gen, Spec, gen_from_info, produce


@pytest.fixture(scope="session")
def gen(once: Any) -> Callable[[Spec], Gen]:
    """``gen(spec) -> Gen``: the spec generated (cached for the session, shared by workers)."""
    memo: dict[str, Gen] = {}

    def get(s: Spec) -> Gen:
        if s.key not in memo:
            _, info = once(s.key, lambda folder: produce(s, folder))
            memo[s.key] = gen_from_info(s, info)
        return memo[s.key]

    return get


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: a long test (the single mypy run over all feature packages)"
    )
