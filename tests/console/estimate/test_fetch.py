"""Unit tests for vision_console.estimate.fetch: one request per inputs, and 429 handling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vision_api import BadRequestError, Estimate, RateLimitError
from vision_console.estimate import fetch
from vision_console.estimate.fetch import EstimateMemory, EstimateRequest


class Fetcher:
    """Stands in for the cached ``cache.estimate``: counts calls, fails on demand."""

    def __init__(self) -> None:
        self.calls: list[EstimateRequest] = []
        self.failures: list[Exception] = []

    def __call__(self, request: EstimateRequest) -> Estimate:
        self.calls.append(request)
        if self.failures:
            raise self.failures.pop(0)
        return Estimate.from_dict(
            {
                "matched_sessions_in_window": len(self.calls) * 30,
                "window_days": 30,
                "estimated_observations_per_month": len(self.calls) * 30,
                "other_enabled_scanners_monthly": 100,
                "sampling_rate": 1.0,
            }
        )


def at(seconds: float) -> Callable[[], float]:
    """A clock stopped at ``seconds``."""
    return lambda: seconds


def throttled(retry_after: float | None) -> RateLimitError:
    return RateLimitError(429, retry_after=retry_after, detail="Request was throttled.")


def request(
    query: dict[str, Any] | None = None, model: str = "gemini-3-flash-preview"
) -> EstimateRequest:
    return EstimateRequest(query=query or {}, scanner_id=None, model=model)


def test_request_key_ignores_dict_order_but_not_inputs() -> None:
    a = EstimateRequest({"a": 1, "b": 2}, None, "m")
    b = EstimateRequest({"b": 2, "a": 1}, None, "m")
    assert a.key == b.key
    assert a.key != EstimateRequest({"a": 1, "b": 2}, "x", "m").key
    assert a.key != EstimateRequest({"a": 1, "b": 2}, None, "other").key


def test_a_good_estimate_is_remembered() -> None:
    fetcher, memory = Fetcher(), EstimateMemory()
    outcome = fetch.resolve_estimate(request(), fetcher, memory, clock=at(0))
    assert outcome.estimate is not None and not outcome.stale and outcome.requested
    assert memory.last_estimate is outcome.estimate and memory.last_key == request().key
    assert outcome.model == memory.last_model == "gemini-3-flash-preview"


def test_429_keeps_the_last_estimate_stale_and_waits_for_retry_after() -> None:
    fetcher, memory = Fetcher(), EstimateMemory()
    first = fetch.resolve_estimate(request(), fetcher, memory, clock=at(0)).estimate
    fetcher.failures.append(throttled(20))
    other = request({"filter_test_accounts": True})
    outcome = fetch.resolve_estimate(other, fetcher, memory, clock=at(5))
    assert outcome.throttled and outcome.stale and outcome.estimate is first
    assert outcome.retry_at == 25
    # Before Retry-After has passed nothing is sent, whatever the inputs.
    again = fetch.resolve_estimate(other, fetcher, memory, clock=at(24))
    assert len(fetcher.calls) == 2 and not again.requested
    assert again.stale and again.estimate is first and again.throttled
    # The estimate of the previous inputs is still current during the wait.
    back = fetch.resolve_estimate(request(), fetcher, memory, clock=at(24))
    assert back.estimate is first and not back.stale and not back.requested
    # Once it has passed, the next run retries and recovers.
    later = fetch.resolve_estimate(other, fetcher, memory, clock=at(25))
    assert later.requested and not later.stale and later.error is None
    assert memory.retry_at is None and memory.last_key == other.key


def test_429_without_retry_after_waits_a_default_time() -> None:
    fetcher, memory = Fetcher(), EstimateMemory()
    fetcher.failures.append(throttled(None))
    outcome = fetch.resolve_estimate(request(), fetcher, memory, clock=at(100))
    assert outcome.estimate is None and not outcome.stale
    assert outcome.retry_at == 100 + fetch.DEFAULT_RETRY_SECONDS


def test_other_errors_keep_the_last_estimate_and_do_not_block_retries() -> None:
    fetcher, memory = Fetcher(), EstimateMemory()
    first = fetch.resolve_estimate(request(), fetcher, memory, clock=at(0)).estimate
    fetcher.failures.append(
        BadRequestError(400, detail="Recording filter is invalid.", attr="query")
    )
    bad = request({"bogus": 1})
    outcome = fetch.resolve_estimate(bad, fetcher, memory, clock=at(1))
    assert (
        isinstance(outcome.error, BadRequestError) and outcome.stale and outcome.estimate is first
    )
    assert memory.retry_at is None
    assert fetch.resolve_estimate(bad, fetcher, memory, clock=at(2)).requested


def test_retry_after_counts_from_when_the_429_arrived() -> None:
    now = [0.0]

    def slow(_request: EstimateRequest) -> Estimate:
        now[0] += 3.0  # the client waited out its own retries first
        raise throttled(1)

    outcome = fetch.resolve_estimate(request(), slow, EstimateMemory(), clock=lambda: now[0])
    assert outcome.retry_at == 4.0


def test_a_stale_estimate_says_which_model_it_priced() -> None:
    fetcher, memory = Fetcher(), EstimateMemory()
    fetch.resolve_estimate(request(), fetcher, memory, clock=at(0))
    fetcher.failures.append(throttled(20))
    lite = request(model="gemini-3.1-flash-lite-preview")
    outcome = fetch.resolve_estimate(lite, fetcher, memory, clock=at(1))
    assert outcome.stale and outcome.model == "gemini-3-flash-preview"
