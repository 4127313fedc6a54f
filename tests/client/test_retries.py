"""Retries under the sandbox's fault injection, counted at the server; sleep is injected."""

from __future__ import annotations

import time
from typing import Any

import pytest

from vision_api import (
    APITimeoutError,
    RateLimitError,
    ServerError,
    VisionClient,
)
from vision_api._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER

from .conftest import DEFAULT_MODEL, MONITOR_CONFIG, SleepRecorder, settled_count, unique_name

STATS = "/scanners/stats"


@pytest.mark.parametrize("failures", [0, 1, 3])
def test_a_burst_of_503_on_a_get_is_absorbed(
    client: VisionClient, sandbox: Any, sleeps: SleepRecorder, failures: int
) -> None:
    sandbox.faults.fail_next(failures, status=503, path_contains=STATS)
    assert client.scanners.stats().total >= 0
    assert settled_count(sandbox, failures + 1, path_contains=STATS) == failures + 1
    assert len(sleeps.waits) == failures
    for attempt, wait in enumerate(sleeps.waits):
        ceiling = INITIAL_RETRY_DELAY * 2**attempt
        assert ceiling / 2 <= wait <= ceiling


@pytest.mark.parametrize("status", [502, 504])
def test_gateway_errors_are_retried(
    client: VisionClient, sandbox: Any, sleeps: SleepRecorder, status: int
) -> None:
    sandbox.faults.fail_next(1, status=status, path_contains=STATS)
    client.scanners.stats()
    assert settled_count(sandbox, 2, path_contains=STATS) == 2


def test_429_waits_as_long_as_retry_after_says(
    client: VisionClient, sandbox: Any, sleeps: SleepRecorder
) -> None:
    sandbox.faults.fail_next(2, status=429, path_contains="/scanners", retry_after=3)
    assert client.scanners.list(limit=1).count >= 0
    assert sleeps.waits == [3.0, 3.0]


def test_retry_after_beyond_the_cap_is_raised_not_waited(
    client: VisionClient, sandbox: Any, sleeps: SleepRecorder
) -> None:
    wait = int(MAX_RETRY_AFTER) + 60
    sandbox.faults.fail_next(1, status=429, path_contains=STATS, retry_after=wait)
    with pytest.raises(RateLimitError) as caught:
        client.scanners.stats()
    assert caught.value.retry_after == wait
    assert sleeps.waits == []
    assert settled_count(sandbox, 1, path_contains=STATS) == 1


def test_a_burst_longer_than_the_budget_raises_the_last_error(
    client: VisionClient, sandbox: Any, sleeps: SleepRecorder
) -> None:
    sandbox.faults.fail_next(10, status=503, path_contains=STATS)
    with pytest.raises(ServerError) as caught:
        client.scanners.stats()
    assert caught.value.status_code == 503
    assert (
        settled_count(sandbox, client.max_retries + 1, path_contains=STATS)
        == client.max_retries + 1
    )


def test_a_500_is_not_retried(client: VisionClient, sandbox: Any) -> None:
    sandbox.faults.fail_next(1, status=500, path_contains=STATS)
    with pytest.raises(ServerError):
        client.scanners.stats()
    assert settled_count(sandbox, 1, path_contains=STATS) == 1


def test_delete_is_retried(client: VisionClient, sandbox: Any) -> None:
    scanner = client.scanners.create(
        name=unique_name(),
        scanner_type="monitor",
        scanner_config=MONITOR_CONFIG,
        model=DEFAULT_MODEL,
    )
    sandbox.faults.fail_next(2, status=503, method="DELETE")
    client.scanners.delete(scanner.id)
    assert settled_count(sandbox, 3, method="DELETE") == 3


def test_estimate_is_retried(client: VisionClient, sandbox: Any) -> None:
    sandbox.faults.fail_next(2, status=503, path_contains="/estimate")
    assert client.scanners.estimate(sampling_rate=0.5).sampling_rate == 0.5
    assert settled_count(sandbox, 3, path_contains="/estimate") == 3


def test_create_under_faults_is_sent_once(client: VisionClient, sandbox: Any) -> None:
    name = unique_name()
    sandbox.faults.fail_next(1, status=503, method="POST", path_contains="/scanners")
    with pytest.raises(ServerError):
        client.scanners.create(
            name=name, scanner_type="monitor", scanner_config=MONITOR_CONFIG, model=DEFAULT_MODEL
        )
    assert settled_count(sandbox, 1, method="POST") == 1


@pytest.mark.parametrize("status", [429, 502, 503])
def test_update_and_observe_are_never_resent(
    client: VisionClient, sandbox: Any, status: int
) -> None:
    scanner = client.scanners.create(
        name=unique_name(),
        scanner_type="monitor",
        scanner_config=MONITOR_CONFIG,
        model=DEFAULT_MODEL,
    )
    sandbox.requests.clear()
    sandbox.faults.fail_next(1, status=status, method="PATCH")
    with pytest.raises((ServerError, RateLimitError)):
        client.scanners.update(scanner.id, description="x")
    sandbox.faults.fail_next(1, status=status, path_contains="/observe")
    with pytest.raises((ServerError, RateLimitError)):
        client.scanners.observe(scanner.id, "any-session")
    assert settled_count(sandbox, 1, method="PATCH") == 1
    assert settled_count(sandbox, 1, path_contains="/observe") == 1


def test_a_create_that_timed_out_is_not_resent(sandbox: Any) -> None:
    """A write the client gave up on may still be acted on by the server: never send it twice."""
    name = unique_name()
    sandbox.requests.clear()
    sandbox.faults.configure(latency_ms=600)
    try:
        with (
            VisionClient(
                base_url=sandbox.base_url,
                project_id=sandbox.project_id,
                api_key=sandbox.api_key,
                timeout=(2.0, 0.2),
                sleep=lambda _s: None,
            ) as impatient,
            pytest.raises(APITimeoutError),
        ):
            impatient.scanners.create(
                name=name,
                scanner_type="monitor",
                scanner_config=MONITOR_CONFIG,
                model=DEFAULT_MODEL,
            )
        # Give a (wrong) retry the time to reach the server before counting.
        time.sleep(0.8)
    finally:
        sandbox.faults.reset()
    assert settled_count(sandbox, 1, method="POST") == 1
    with VisionClient(
        base_url=sandbox.base_url, project_id=sandbox.project_id, api_key=sandbox.api_key
    ) as patient:
        assert patient.scanners.list(search=name).count <= 1


def test_random_faults_do_not_change_what_fetch_all_returns(
    client: VisionClient, sandbox: Any
) -> None:
    scanner = max(
        client.scanners.iter(max_items=100),
        key=lambda s: client.observations.list(s.id, limit=1).count,
    )
    expected = [obs.id for obs in client.observations.iter(scanner.id)]
    sandbox.faults.configure(rate_429=0.1, rate_503=0.15, retry_after=0, seed=7)
    with VisionClient(
        base_url=sandbox.base_url,
        project_id=sandbox.project_id,
        api_key=sandbox.api_key,
        max_retries=8,
        sleep=lambda _s: None,
    ) as resilient:
        got = resilient.observations.fetch_all(scanner.id, page_size=10, max_workers=3)
    assert [obs.id for obs in got] == expected
    assert sandbox.requests.count(path_contains="/observations") > len(expected) // 10
