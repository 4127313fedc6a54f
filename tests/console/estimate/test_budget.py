"""Unit tests for vision_console.estimate.budget: the calculator's label and sentences."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from vision_api import Estimate
from vision_api.models import Quota
from vision_console import cost
from vision_console import format as fmt
from vision_console.estimate import budget
from vision_console.estimate.quota_view import QuotaView


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


def room_view(room: float | None, unit: str = "credits") -> QuotaView:
    found = Quota(
        unit=unit,  # type: ignore[arg-type]
        limit=10_000,
        used=0,
        remaining=10_000,
        exhausted=False,
        period_start=None,
        period_end=None,
        projected_monthly=0,
    )
    return QuotaView(found, room=room)


def test_quota_room_is_turned_into_the_highest_rate_in_the_quotas_unit() -> None:
    basis = cost.VolumeBasis(matched_sessions_in_window=30_000, window_days=30)
    # 30,000 observations a month at 100%: 15,000 credits of room at 5 each is 10%.
    assert budget.describe_quota_room(basis, room_view(15_000), 5).endswith("at most 10%.")
    # Seed era: the room is in observations, whatever the model's price.
    assert budget.describe_quota_room(basis, room_view(3_000, "observations"), 5).endswith(
        "at most 10%."
    )
    roomy = budget.describe_quota_room(basis, room_view(10**9), 5)
    assert roomy is not None and roomy.startswith("Any rate keeps the quota within")
    full = budget.describe_quota_room(basis, room_view(0), 5)
    assert full is not None and "any rate above 0% goes over it" in full


def test_no_quota_no_room_sentence() -> None:
    basis = cost.VolumeBasis(matched_sessions_in_window=300, window_days=30)
    assert budget.describe_quota_room(basis, QuotaView(None), 5) is None
    assert budget.describe_quota_room(basis, room_view(None), 5) is None


@pytest.mark.parametrize(
    ("amount", "old", "new", "expected"),
    [
        (1_000.0, "credits", "$", 10.0),
        (10.0, "$", "credits", 1_000.0),
        (0.07, "$", "credits", 7.0),
        (None, "credits", "$", None),
        (250.0, "credits", "credits", 250.0),
    ],
)
def test_switching_the_unit_converts_the_amount(
    amount: float | None, old: str, new: str, expected: float | None
) -> None:
    """Issue 15 item 2: 1,000 credits became $1,000 (and "at most 100%") on a unit switch."""
    assert budget.convert_amount(amount, old, new) == expected


def test_budget_sentence_names_the_rate_and_the_paused_cases() -> None:
    basis = cost.VolumeBasis(matched_sessions_in_window=300, window_days=30)
    answer = cost.highest_rate_within(basis, 100, 2)
    sentence = budget.describe_budget(answer, 100, 2)
    assert sentence.startswith("At most 100 credits ($1.00)")
    assert f"**{fmt.sampling_rate(answer.sampling_rate)}**" in sentence
    zero = budget.describe_budget(cost.highest_rate_within(basis, 0, 2), 0, 2)
    assert "must be paused" in zero
