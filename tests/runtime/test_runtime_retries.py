"""Retry policy: which failures are retried and how long to wait."""

from __future__ import annotations

import datetime
import email.utils

import httpx
import pytest

from rtpkg._retries import (
    compute_retry_delay,
    may_resend,
    parse_retry_after,
    retry_reason_for_error,
    retry_reason_for_status,
)

NOW = datetime.datetime(2025, 1, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


def no_jitter() -> float:
    return 0.0


def full_jitter() -> float:
    return 1.0


def test_retry_after_seconds() -> None:
    assert parse_retry_after({"Retry-After": "3"}) == 3.0
    assert compute_retry_delay(0, {"Retry-After": "3"}) == 3.0
    assert compute_retry_delay(0, {"Retry-After": "1.5"}) == 1.5


def test_retry_after_ms_wins_over_seconds() -> None:
    headers = {"retry-after-ms": "250", "Retry-After": "9"}
    assert parse_retry_after(headers) == 0.25
    assert compute_retry_delay(0, headers) == 0.25


def test_retry_after_http_date() -> None:
    later = email.utils.format_datetime(NOW + datetime.timedelta(seconds=20), True)
    assert parse_retry_after({"Retry-After": later}, now=NOW) == 20.0
    real_later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=30)
    header = {"Retry-After": email.utils.format_datetime(real_later, True)}
    assert 28.0 <= compute_retry_delay(0, header) <= 30.0


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "61"},  # over the 60 s ceiling
        {"Retry-After": "0"},
        {"Retry-After": "-5"},
        {"Retry-After": "soon"},
        {"retry-after-ms": "nan-ish"},
        {},
    ],
)
def test_unusable_retry_after_falls_back_to_backoff(headers: dict[str, str]) -> None:
    assert compute_retry_delay(0, headers, rand=no_jitter) == 0.5


def test_ceiling_is_configurable() -> None:
    headers = {"Retry-After": "90"}
    assert compute_retry_delay(0, headers, max_retry_after=120.0) == 90.0


def test_exponential_backoff_with_cap_and_jitter() -> None:
    delays = [compute_retry_delay(n, None, rand=no_jitter) for n in range(7)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert compute_retry_delay(2, None, rand=full_jitter) == 1.5
    for n in range(5):
        assert 0.75 * min(0.5 * 2**n, 8) <= compute_retry_delay(n) <= min(0.5 * 2**n, 8)


def test_idempotency_rules() -> None:
    assert may_resend("GET", {}, False)
    assert may_resend("put", {}, False)
    assert not may_resend("POST", {}, False)
    assert not may_resend("PATCH", {}, False)
    assert may_resend("POST", {}, True)
    assert may_resend("POST", {"idempotency-key": "k1"}, False)


def test_status_reasons() -> None:
    for status in (408, 409, 429, 500, 502, 503, 504):
        assert retry_reason_for_status(status, True) is not None
        assert retry_reason_for_status(status, False) is None
    for status in (400, 401, 404, 412, 422):
        assert retry_reason_for_status(status, True) is None


def test_error_reasons() -> None:
    request = httpx.Request("POST", "http://x")
    connect = httpx.ConnectError("refused", request=request)
    connect_timeout = httpx.ConnectTimeout("slow", request=request)
    read_timeout = httpx.ReadTimeout("slow", request=request)
    reset = httpx.ReadError("reset", request=request)
    assert retry_reason_for_error(connect, False) == "ConnectError"
    assert retry_reason_for_error(connect_timeout, False) == "ConnectTimeout"
    assert retry_reason_for_error(read_timeout, False) is None
    assert retry_reason_for_error(reset, False) is None
    assert retry_reason_for_error(read_timeout, True) == "ReadTimeout"
    assert retry_reason_for_error(reset, True) == "ReadError"
    assert retry_reason_for_error(ValueError("x"), True) is None
