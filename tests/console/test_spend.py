"""One rule for a scanner's monthly cost (issue 15 item 9), and its spend this period."""

from __future__ import annotations

from typing import Any

from vision_api import Scanner
from vision_console import spend


def scanner(**overrides: Any) -> Scanner:
    data: dict[str, Any] = {
        "id": "7d0c2f0e-1111-4a4a-9b9b-0123456789ab",
        "name": "Checkout",
        "scanner_type": "monitor",
        "scanner_config": {"prompt": "p"},
        "sampling_rate": 0.5,
        "model": "gemini-3-flash-preview",
        "enabled": True,
        "scanner_version": 1,
        "created_at": "2026-10-01T00:00:00Z",
        "estimated_monthly_observations": 448,
        "credits_per_observation": 5,
    }
    data.update(overrides)
    return Scanner.from_dict(data)


def test_an_enabled_scanner_costs_its_estimate() -> None:
    estimate = spend.monthly(scanner())
    assert (estimate.credits, estimate.enable_delta) == (2240, 0)
    assert spend.credits_text(estimate) == "2,240 credits"
    assert spend.observations_text(estimate) == "448"


def test_a_disabled_scanner_costs_zero_with_its_would_be_cost_beside_it() -> None:
    estimate = spend.monthly(scanner(enabled=False, estimated_monthly_credits=298))
    assert (estimate.credits, estimate.if_enabled_credits, estimate.enable_delta) == (0, 298, 298)
    assert spend.credits_text(estimate) == "0 credits (298 if enabled)"
    assert spend.observations_text(estimate) == "0 (448 if enabled)"
    assert spend.enable_delta_text(298) == (
        "Enabling adds about 298 credits ($2.98) a month at its sampling rate."
    )


def test_no_estimate_is_unknown_not_zero() -> None:
    estimate = spend.monthly(scanner(estimated_monthly_observations=None))
    assert estimate.credits is None and spend.credits_text(estimate) == "—"
    disabled = spend.monthly(scanner(enabled=False, estimated_monthly_observations=None))
    assert spend.credits_text(disabled) == "0 credits (disabled)"


def test_period_spend_and_the_scanner_limit() -> None:
    seed = spend.period_spend(scanner())
    assert not seed.reported and spend.limit_text(seed) == "No limit"
    current = spend.period_spend(
        scanner(
            credits_this_month=1200,
            observations_this_month=240,
            credit_limit=5000,
            credits_used_against_limit=1200,
            limit_reached=False,
        )
    )
    assert current.reported and spend.limit_text(current) == "1,200 of 5,000 credits (24%)"
    reached = spend.period_spend(
        scanner(credit_limit=5000, credits_used_against_limit=4998, limit_reached=True)
    )
    assert spend.limit_text(reached) == "Limit reached: 4,998 of 5,000 credits"
