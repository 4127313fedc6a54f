"""Unit tests for vision_console.cost: linear scaling of one estimate, money, quota, budget
calculator."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vision_api import Estimate
from vision_console import cost
from vision_console.cost import VolumeBasis


def server_estimate(matched: int, window_days: int, rate: float) -> int:
    """The contract's §6 formula, written out independently of the module under test."""
    return round(matched / window_days * 30 * rate)


def test_observations_scale_like_the_server() -> None:
    basis = VolumeBasis(matched_sessions_in_window=1234, window_days=30)
    assert cost.observations_at(basis, 1.0) == 1234
    assert cost.observations_at(basis, 0.5) == 617
    assert cost.observations_at(basis, 0.0) == 0


def test_short_window_is_extrapolated_to_thirty_days() -> None:
    basis = VolumeBasis(matched_sessions_in_window=70, window_days=7)
    assert cost.observations_at(basis, 1.0) == 300
    assert basis.monthly_sessions == pytest.approx(300)


def test_rounding_is_half_to_even_like_python_on_the_server() -> None:
    # 1 session in a 4-day window: 7.5 sessions a month at 100 %, 2.5 at 1/3 (rounded to even).
    basis = VolumeBasis(matched_sessions_in_window=1, window_days=4)
    assert cost.observations_at(basis, 1.0) == 8
    assert cost.observations_at(basis, 0.2) == 2  # 1.5 -> 2
    assert cost.observations_at(basis, 1 / 3) == server_estimate(1, 4, 1 / 3)


@given(
    matched=st.integers(min_value=0, max_value=2_000_000),
    window=st.integers(min_value=1, max_value=30),
    steps=st.integers(min_value=0, max_value=10_000),
)
def test_any_rate_matches_the_server_formula(matched: int, window: int, steps: int) -> None:
    rate = steps / 10_000
    basis = VolumeBasis(matched_sessions_in_window=matched, window_days=window)
    assert cost.observations_at(basis, rate) == server_estimate(matched, window, rate)


@pytest.mark.parametrize("rate", [-0.01, 1.01])
def test_rates_outside_zero_to_one_are_refused(rate: float) -> None:
    basis = VolumeBasis(matched_sessions_in_window=10, window_days=30)
    with pytest.raises(ValueError, match="sampling rate"):
        cost.observations_at(basis, rate)


def test_basis_rejects_impossible_windows() -> None:
    with pytest.raises(ValueError, match="window_days"):
        VolumeBasis(matched_sessions_in_window=1, window_days=0)
    with pytest.raises(ValueError, match="negative"):
        VolumeBasis(matched_sessions_in_window=-1, window_days=3)


def test_basis_from_an_estimate_treats_null_others_as_zero() -> None:
    estimate = Estimate.from_dict(
        {
            "matched_sessions_in_window": 12,
            "window_days": 6,
            "estimated_observations_per_month": 60,
            "other_enabled_scanners_monthly": None,
            "sampling_rate": 1.0,
        }
    )
    basis = VolumeBasis.from_estimate(estimate)
    assert basis == VolumeBasis(12, 6, 0, None)


def test_basis_keeps_the_newer_credit_weighted_others_total() -> None:
    estimate = Estimate.from_dict(
        {
            "matched_sessions_in_window": 12,
            "window_days": 6,
            "estimated_observations_per_month": 60,
            "other_enabled_scanners_monthly": 40,
            "sampling_rate": None,
            "other_enabled_scanners_monthly_credits": 200,
        }
    )
    assert VolumeBasis.from_estimate(estimate).other_enabled_monthly_credits == 200


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        (0.0, None),
        (0.0001, None),
        (1.0, None),
        (0.00005, "must be 0% (paused) or at least 0.01%"),
        (1.5, "at most 100%"),
        (-0.1, "below 0%"),
        (float("nan"), "at most 100%"),
    ],
)
def test_check_sampling_rate_explains_the_floor(rate: float, message: str | None) -> None:
    problem = cost.check_sampling_rate(rate)
    if message is None:
        assert problem is None
    else:
        assert problem is not None and message in problem


def test_seed_era_counts_the_fleet_in_observations() -> None:
    basis = VolumeBasis(matched_sessions_in_window=300, window_days=30, other_enabled_monthly=700)
    month = cost.monthly_cost(basis, 0.5, credits_per_observation=5, unit="observations")
    assert month.observations == 150
    assert month.credits == 750
    assert month.dollars == pytest.approx(7.50)
    assert (month.others, month.amount, month.total) == (700, 150, 850)
    assert month.share_of_total == pytest.approx(150 / 850)


def test_current_era_counts_the_others_in_credits_and_share_is_of_spend() -> None:
    """Issue 13: today's estimate sends only ``other_enabled_scanners_monthly_credits``; the
    others counted 0 and the share read 100%."""
    estimate = Estimate.from_dict(
        {
            "matched_sessions_in_window": 70,
            "window_days": 7,
            "estimated_observations_per_month": 300,
            "credits_per_observation": 5,
            "estimated_credits_per_month": 1_500,
            "other_enabled_scanners_monthly_credits": 4_500,
            "active_backfill_credits": 200,
            "sampling_rate": 1.0,
        }
    )
    basis = VolumeBasis.from_estimate(estimate)
    month = cost.monthly_cost(basis, 1.0, credits_per_observation=5, unit="credits")
    assert (month.credits, month.others, month.total) == (1_500, 4_500, 6_000)
    assert month.share_of_total == pytest.approx(0.25)
    assert basis.active_backfill_credits == 200


def test_model_price_changes_only_the_credits_not_the_volume() -> None:
    basis = VolumeBasis(matched_sessions_in_window=300, window_days=30)
    flash = cost.monthly_cost(basis, 1.0, credits_per_observation=5)
    lite = cost.monthly_cost(basis, 1.0, credits_per_observation=2)
    assert flash.observations == lite.observations == 300
    assert (flash.credits, lite.credits) == (1500, 600)


def test_paused_scanner_costs_nothing_and_has_no_share() -> None:
    basis = VolumeBasis(matched_sessions_in_window=300, window_days=30)
    month = cost.monthly_cost(basis, 0.0, credits_per_observation=5)
    assert month.paused
    assert (month.observations, month.credits, month.dollars) == (0, 0, 0.0)
    assert month.share_of_total is None


# --- budget calculator ---------------------------------------------------------------------


def test_budget_finds_the_highest_rate_that_fits() -> None:
    basis = VolumeBasis(matched_sessions_in_window=10_000, window_days=30)  # 10,000 a month
    answer = cost.highest_rate_within(basis, budget=1000, unit_cost=5)  # 200 observations
    assert answer.reason == "fits"
    assert answer.sampling_rate == pytest.approx(0.02)
    assert answer.credits == 1000
    one_step_more = cost.monthly_cost(basis, answer.sampling_rate + 0.0001, 5)
    assert one_step_more.credits > 1000


def test_budget_zero_pauses_the_scanner() -> None:
    basis = VolumeBasis(matched_sessions_in_window=10_000, window_days=30)
    answer = cost.highest_rate_within(basis, budget=0, unit_cost=5)
    assert (answer.sampling_rate, answer.credits, answer.reason) == (0.0, 0, "no_budget")


def test_budget_above_the_full_rate_caps_at_one() -> None:
    basis = VolumeBasis(matched_sessions_in_window=300, window_days=30)  # 1,500 credits at 100 %
    answer = cost.highest_rate_within(basis, budget=1_000_000, unit_cost=5)
    assert (answer.sampling_rate, answer.credits, answer.reason) == (1.0, 1500, "full_rate_fits")


def test_budget_exactly_the_full_rate_fits_at_one() -> None:
    basis = VolumeBasis(matched_sessions_in_window=300, window_days=30)
    assert cost.highest_rate_within(basis, budget=1500, unit_cost=5).sampling_rate == 1.0


def test_budget_below_the_floor_cost_pauses_instead_of_going_under_0_0001() -> None:
    # 100 million sessions a month: 0.0001 is still 10,000 observations = 50,000 credits.
    basis = VolumeBasis(matched_sessions_in_window=100_000_000, window_days=30)
    answer = cost.highest_rate_within(basis, budget=49_999, unit_cost=5)
    assert (answer.sampling_rate, answer.reason) == (0.0, "below_floor")
    assert cost.highest_rate_within(basis, budget=50_000, unit_cost=5).sampling_rate == 0.0001


def test_budget_with_no_matching_sessions_allows_the_full_rate() -> None:
    basis = VolumeBasis(matched_sessions_in_window=0, window_days=30)
    answer = cost.highest_rate_within(basis, budget=0, unit_cost=5)
    assert (answer.sampling_rate, answer.credits, answer.reason) == (1.0, 0, "no_sessions")


def test_cheaper_model_buys_a_proportionally_higher_rate() -> None:
    basis = VolumeBasis(matched_sessions_in_window=10_000, window_days=30)
    flash = cost.highest_rate_within(basis, budget=1000, unit_cost=5)
    lite = cost.highest_rate_within(basis, budget=1000, unit_cost=2)
    assert flash.sampling_rate == pytest.approx(0.02)
    assert lite.sampling_rate == pytest.approx(0.05)


def test_budget_in_dollars_is_exact() -> None:
    assert cost.credits_from_dollars(0.07) == 7
    assert cost.credits_from_dollars(12.5) == 1250
    basis = VolumeBasis(matched_sessions_in_window=10_000, window_days=30)
    answer = cost.highest_rate_within(basis, cost.credits_from_dollars(10.0), unit_cost=5)
    assert answer.sampling_rate == pytest.approx(0.02)


def test_budget_never_shows_a_rounded_up_cost_above_the_budget() -> None:
    # 7.5 sessions a month: at most rates the rounded count exceeds the unrounded one.
    basis = VolumeBasis(matched_sessions_in_window=1, window_days=4)
    answer = cost.highest_rate_within(basis, budget=10, unit_cost=5)  # at most 2 observations
    assert answer.credits <= 10
    assert cost.observations_at(basis, answer.sampling_rate) * 5 <= 10
    assert basis.monthly_sessions * answer.sampling_rate * 5 <= 10


@given(
    matched=st.integers(min_value=0, max_value=5_000_000),
    window=st.integers(min_value=1, max_value=30),
    budget=st.integers(min_value=0, max_value=10_000_000),
    unit_cost=st.sampled_from([1, 2, 5, 15]),
)
def test_budget_answer_fits_and_the_next_step_does_not(
    matched: int, window: int, budget: int, unit_cost: int
) -> None:
    basis = VolumeBasis(matched_sessions_in_window=matched, window_days=window)
    answer = cost.highest_rate_within(basis, budget, unit_cost)
    assert answer.sampling_rate == 0 or answer.sampling_rate >= cost.MIN_SAMPLING_RATE
    assert answer.sampling_rate <= 1.0
    assert cost.check_sampling_rate(answer.sampling_rate) is None
    if matched == 0:
        return
    shown = cost.observations_at(basis, answer.sampling_rate) * unit_cost
    assert shown == answer.credits <= budget
    steps = round(answer.sampling_rate * 10_000)
    assert Fraction(matched * 30 * unit_cost * steps, window * 10_000) <= budget
    if answer.sampling_rate < 1.0:
        next_rate = (round(answer.sampling_rate * 10_000) + 1) / 10_000
        next_shown = cost.observations_at(basis, next_rate) * unit_cost
        next_expected = basis.monthly_sessions * next_rate * unit_cost
        assert next_shown > budget or next_expected > budget


def test_budget_doubles_as_quota_headroom() -> None:
    basis = VolumeBasis(
        matched_sessions_in_window=6_000, window_days=30, other_enabled_monthly=2_000
    )
    answer = cost.highest_rate_within(basis, budget=3_000 - 2_000, unit_cost=1)
    assert answer.observations == 1000
    assert answer.sampling_rate == pytest.approx(1000 / 6000, abs=1e-4)


def test_unit_cost_must_be_positive() -> None:
    basis = VolumeBasis(matched_sessions_in_window=1, window_days=1)
    with pytest.raises(ValueError, match="unit_cost"):
        cost.highest_rate_within(basis, 10, unit_cost=0)


# --- curve and formatting ------------------------------------------------------------------


def test_curve_passes_through_the_marked_rates() -> None:
    basis = VolumeBasis(matched_sessions_in_window=300, window_days=30, other_enabled_monthly=50)
    curve = cost.cost_curve(basis, credits_per_observation=5, extra_rates=[0.1234, 0.5])
    assert list(curve.columns) == [
        "sampling_rate",
        "observations",
        "credits",
        "dollars",
        "fleet",
    ]
    assert curve["sampling_rate"].is_monotonic_increasing
    assert curve["sampling_rate"].is_unique
    assert len(curve) == 102
    row = curve.loc[curve["sampling_rate"] == 0.1234].iloc[0]
    assert row["observations"] == cost.observations_at(basis, 0.1234) == 37
    assert row["credits"] == 185
    assert row["dollars"] == pytest.approx(1.85)
    assert row["fleet"] == 185  # credits: this scanner's 185, the others' credits unknown (0)
    seed = cost.cost_curve(basis, 5, extra_rates=[0.1234], unit="observations")
    assert seed.loc[seed["sampling_rate"] == 0.1234].iloc[0]["fleet"] == 87
    assert curve.iloc[-1]["observations"] == 300
