"""The retry policy as a table: which failures are retried, for which calls, how long to wait."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from vision_api._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY
from vision_api._retry import parse_retry_after, retry_delay, should_retry

GET, WRITE = True, False


@pytest.mark.parametrize(
    ("idempotent", "status", "connection_error", "reached", "retry_after", "attempt", "expected"),
    [
        # Safe calls: transient statuses and connection failures are retried.
        (GET, 503, False, True, None, 0, True),
        (GET, 502, False, True, None, 0, True),
        (GET, 504, False, True, None, 0, True),
        (GET, 429, False, True, 2.0, 0, True),
        (GET, None, True, True, None, 0, True),
        (GET, None, True, False, None, 0, True),
        # ... but not other statuses.
        (GET, 500, False, True, None, 0, False),
        (GET, 400, False, True, None, 0, False),
        (GET, 401, False, True, None, 0, False),
        (GET, 402, False, True, None, 0, False),
        (GET, 403, False, True, None, 0, False),
        (GET, 404, False, True, None, 0, False),
        # The budget bounds retries.
        (GET, 503, False, True, None, 2, True),
        (GET, 503, False, True, None, 3, False),
        (GET, None, True, True, None, 3, False),
        # A Retry-After beyond the cap is not waited out.
        (GET, 429, False, True, MAX_RETRY_AFTER, 0, True),
        (GET, 429, False, True, MAX_RETRY_AFTER + 1, 0, False),
        (GET, 503, False, True, 3600.0, 0, False),
        # Writes are never re-sent once they may have reached the server...
        (WRITE, 503, False, True, None, 0, False),
        (WRITE, 429, False, True, 1.0, 0, False),
        (WRITE, 502, False, True, None, 0, False),
        (WRITE, None, True, True, None, 0, False),
        # ... and are retried only when the connection provably never opened.
        (WRITE, None, True, False, None, 0, True),
        (WRITE, None, True, False, None, 3, False),
    ],
)
def test_should_retry_table(
    idempotent: bool,
    status: int | None,
    connection_error: bool,
    reached: bool,
    retry_after: float | None,
    attempt: int,
    expected: bool,
) -> None:
    decision = should_retry(
        attempt=attempt,
        max_retries=3,
        idempotent=idempotent,
        status=status,
        connection_error=connection_error,
        may_have_reached_server=reached,
        retry_after=retry_after,
    )
    assert decision.retry is expected
    assert decision.reason


def test_a_read_timeout_is_not_retried() -> None:
    decision = should_retry(
        attempt=0, max_retries=3, idempotent=True, connection_error=True, read_timeout=True
    )
    assert not decision.retry and "slow" in decision.reason


def test_a_connect_timeout_is_retried() -> None:
    decision = should_retry(
        attempt=0,
        max_retries=3,
        idempotent=True,
        connection_error=True,
        may_have_reached_server=False,
        read_timeout=False,
    )
    assert decision.retry


def test_a_tls_failure_is_not_retried() -> None:
    decision = should_retry(
        attempt=0,
        max_retries=3,
        idempotent=True,
        connection_error=True,
        may_have_reached_server=False,
        tls_error=True,
    )
    assert not decision.retry and "TLS" in decision.reason


def test_a_success_is_never_retried() -> None:
    assert not should_retry(attempt=0, max_retries=3, idempotent=True).retry


@pytest.mark.parametrize("attempt", [0, 1, 2, 3, 4, 10])
def test_backoff_grows_exponentially_within_the_cap(attempt: int) -> None:
    ceiling = min(INITIAL_RETRY_DELAY * 2**attempt, MAX_RETRY_DELAY)
    assert retry_delay(attempt, None, jitter=1.0) == pytest.approx(ceiling)
    assert retry_delay(attempt, None, jitter=0.0) == pytest.approx(ceiling / 2)
    assert ceiling / 2 <= retry_delay(attempt, None, jitter=0.37) <= ceiling


def test_jitter_out_of_range_is_clamped() -> None:
    assert retry_delay(0, None, jitter=7.0) == pytest.approx(INITIAL_RETRY_DELAY)
    assert retry_delay(0, None, jitter=-3.0) == pytest.approx(INITIAL_RETRY_DELAY / 2)


def test_retry_after_wins_over_backoff() -> None:
    assert retry_delay(0, 4.0, jitter=0.5) == 4.0
    assert retry_delay(5, 0.0, jitter=0.5) == 0.0


def test_retry_after_is_capped() -> None:
    assert retry_delay(0, MAX_RETRY_AFTER * 10, jitter=0.5) == MAX_RETRY_AFTER


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after": "-4"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "bad", "retry-after": "2"}, 2.0),
        ({"retry-after": "Wed, 01 Jan 2025 00:00:10 GMT"}, 10.0),
        ({"retry-after": "Tue, 31 Dec 2024 23:59:00 GMT"}, 0.0),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert parse_retry_after(headers, now=now) == expected
