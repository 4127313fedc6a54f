"""The Estimate page's quota: this scanner's proposed month replaces what it counts for today."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from vision_api import Scanner
from vision_api.models import Quota
from vision_console import cost
from vision_console.estimate import quota_view

NOW = datetime(2026, 6, 16, tzinfo=UTC)


def credit_quota() -> Quota:
    return Quota(
        unit="credits",
        limit=10_000,
        used=2_000,
        remaining=8_000,
        exhausted=False,
        period_start=datetime(2026, 6, 1, tzinfo=UTC),
        period_end=datetime(2026, 7, 1, tzinfo=UTC),
        projected_monthly=6_000,
        scanners_monthly_credits=6_000,
        backfills_committed_credits=0,
    )


def month(credits_per_observation: int = 5, unit: cost.Unit = "credits") -> cost.MonthlyCost:
    basis = cost.VolumeBasis(matched_sessions_in_window=70, window_days=7)  # 300 a month
    return cost.monthly_cost(basis, 1.0, credits_per_observation, unit)


def test_a_draft_adds_its_whole_month(make_scanner: Callable[..., Scanner]) -> None:
    view = quota_view.build(credit_quota(), None, month(), NOW)
    assert (view.proposed, view.stored, view.delta) == (1_500, 0, 1_500)
    assert view.projection is not None and view.projection.delta_monthly == 1_500
    assert quota_view.describe_change(view, None) == (
        "This new scanner adds +1,500 credits a month to the projection."
    )


def test_an_enabled_scanner_replaces_what_it_counts_for(
    make_scanner: Callable[..., Scanner],
) -> None:
    scanner = make_scanner(enabled=True, estimated_monthly_credits=2_000)
    view = quota_view.build(credit_quota(), scanner, month(), NOW)
    assert view.delta == -500
    assert "by −500 credits a month (it counts for 2,000 credits)" in (
        quota_view.describe_change(view, scanner)
    )
    assert view.room == pytest.approx(16_000 - 4_000)


def test_a_disabled_scanner_counts_for_nothing_yet(make_scanner: Callable[..., Scanner]) -> None:
    scanner = make_scanner(enabled=False, estimated_monthly_credits=2_000)
    view = quota_view.build(credit_quota(), scanner, month(), NOW)
    assert view.delta == 1_500
    assert quota_view.describe_change(view, scanner).startswith("Enabling this scanner")


def test_a_seed_quota_counts_observations(make_scanner: Callable[..., Scanner]) -> None:
    seed = Quota(
        unit="observations",
        limit=3_000,
        used=600,
        remaining=2_400,
        exhausted=False,
        period_start=None,
        period_end=None,
        projected_monthly=1_000,
    )
    scanner = make_scanner(enabled=True, estimated_monthly_observations=100)
    view = quota_view.build(seed, scanner, month(unit="observations"), NOW)
    assert (view.proposed, view.stored, view.delta) == (300, 100, 200)


def test_no_quota_no_projection() -> None:
    view = quota_view.build(None, None, month(), NOW)
    assert view.projection is None and view.room is None
