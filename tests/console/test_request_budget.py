"""The ETA's floor: PostHog's per-key limits (480 a minute, 4,800 an hour) bound long work."""

from __future__ import annotations

import pytest

from vision_console import request_budget


def test_within_the_first_hour_requests_go_at_the_per_minute_rate() -> None:
    assert request_budget.budget_seconds(0) == 0
    assert request_budget.budget_seconds(480) == pytest.approx(60)
    assert request_budget.budget_seconds(4_800) == pytest.approx(600)


def test_beyond_the_hourly_allowance_the_rest_waits_for_the_hour_then_goes_at_80_a_minute() -> None:
    assert request_budget.budget_seconds(4_880) == pytest.approx(3_600 + 60)
    assert request_budget.budget_seconds(10_000) == pytest.approx(3_600 + 5_200 * 0.75)


def test_the_eta_is_the_slower_of_the_measured_pace_and_the_budget() -> None:
    # Measured: 10 requests took 1 s, so 100 more take 10 s; the budget allows 12.5 s.
    assert request_budget.eta_seconds(100, 10, 1.0) == pytest.approx(12.5)
    # Measured slower than the budget: 10 requests took 10 s.
    assert request_budget.eta_seconds(100, 10, 10.0) == pytest.approx(100)
    assert request_budget.eta_seconds(0, 10, 10.0) == 0
