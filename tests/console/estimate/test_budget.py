"""Unit tests for vision_console.estimate.budget: the calculator's label and sentences."""

from __future__ import annotations

from collections.abc import Callable

from vision_api import Estimate
from vision_console import cost
from vision_console import format as fmt
from vision_console.estimate import budget


def test_budget_label_says_what_it_does_then_the_last_answer(
    make_estimate: Callable[..., Estimate],
) -> None:
    basis = cost.VolumeBasis.from_estimate(make_estimate(matched=300, window=30))
    assert budget.budget_label(None, None) == (
        "Budget calculator: the highest rate that fits a monthly budget"
    )
    answer = cost.highest_rate_within(basis, 100, 2)
    assert answer.reason == "fits"
    assert budget.budget_label(answer, 100) == (
        "Budget calculator: 100 credits a month · at most "
        f"{fmt.sampling_rate(answer.sampling_rate)}"
    )
    assert budget.budget_label(cost.highest_rate_within(basis, 0, 2), 0).endswith(
        "only 0% (paused) fits"
    )
    full = cost.highest_rate_within(basis, 10**9, 2)
    assert budget.budget_label(full, 10**9).endswith("at most 100%")
    nothing = cost.VolumeBasis.from_estimate(make_estimate(matched=0))
    assert budget.budget_label(cost.highest_rate_within(nothing, 5, 2), 5).endswith(
        "any rate (no recordings match)"
    )


def test_quota_room_says_how_much_the_other_scanners_leave() -> None:
    roomy = cost.VolumeBasis(matched_sessions_in_window=300, window_days=30)
    assert budget.describe_quota_room(roomy).startswith("Any rate stays within")
    busy = cost.VolumeBasis(matched_sessions_in_window=30_000, window_days=30)
    assert budget.describe_quota_room(busy, quota=3_000).endswith("at most 10%.")
    full = cost.VolumeBasis(
        matched_sessions_in_window=300, window_days=30, other_enabled_monthly=3_000
    )
    assert "any rate above 0% goes over it" in budget.describe_quota_room(full)


def test_budget_sentence_names_the_rate_and_the_paused_cases() -> None:
    basis = cost.VolumeBasis(matched_sessions_in_window=300, window_days=30)
    answer = cost.highest_rate_within(basis, 100, 2)
    sentence = budget.describe_budget(answer, 100, 2)
    assert sentence.startswith("At most 100 credits ($1.00)")
    assert f"**{fmt.sampling_rate(answer.sampling_rate)}**" in sentence
    zero = budget.describe_budget(cost.highest_rate_within(basis, 0, 2), 0, 2)
    assert "must be paused" in zero
