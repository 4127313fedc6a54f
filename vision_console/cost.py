"""Cost math for the Estimate and Overview pages: pure functions, no Streamlit, no HTTP.

One estimate response is enough for every sampling rate. The server computes
``round(matched / window_days * 30 * sampling_rate)`` (contract §6), so the number of matched
sessions in the window fixes the whole line: this module redoes that expression, in the same
order and with the same (half-to-even) rounding, for any rate the user picks. Moving a slider
therefore never needs another request.

Money follows the contract's §7: an observation costs a whole number of credits that depends on
the model, and 1 credit = $0.01. The fleet around a scanner is counted in its era's unit: credits
now (the estimate's ``other_enabled_scanners_monthly_credits``), observations in the seed era (its
``other_enabled_scanners_monthly``), so "share" is a share of spend now. The quota itself is read
from the API and projected by ``vision_console.quota``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

import pandas as pd

if TYPE_CHECKING:
    from vision_api import Estimate

DAYS_PER_MONTH = 30
"""The server always projects to a month as 30 days (contract §6)."""

USD_PER_CREDIT = Fraction(1, 100)
"""1 credit = $0.01 (contract §7)."""

MIN_SAMPLING_RATE = 0.0001
"""The smallest non-zero rate a scanner may be saved with; 0 means paused (contract §3.4)."""

RATE_STEPS = 10_000
"""Sampling buckets sessions by a hash with 1/10,000 precision, hence the 0.0001 floor."""

ERA_S_MONTHLY_QUOTA = 3_000
"""Default monthly observation quota per organisation in the seed era (contract §7); the Estimate
page reads the real quota from the API instead."""

RATE_BELOW_ZERO_TEXT = "Sampling rate can't be below 0%."
RATE_ABOVE_FULL_TEXT = "Sampling rate can be at most 100%."
RATE_FLOOR_TEXT = "Sampling rate must be 0% (paused) or at least 0.01%."
"""What is wrong with a rate, said in percent as every rate input reads (the server says it
as a fraction; the scanner form rewords the server's messages to these)."""

Unit = Literal["credits", "observations"]
"""What the fleet and the quota count: credits (current era) or observations (seed era)."""


@dataclass(frozen=True)
class VolumeBasis:
    """What one estimate response says independently of the sampling rate.

    ``other_enabled_monthly`` is the monthly observation load of the organisation's other enabled
    scanners (the scanner being edited excluded), sent by the seed era only;
    ``other_enabled_monthly_credits`` is the current era's credit-weighted figure, and
    ``active_backfill_credits`` its committed backfill credits (both None in the seed era).
    """

    matched_sessions_in_window: int
    window_days: int
    other_enabled_monthly: int = 0
    other_enabled_monthly_credits: int | None = None
    active_backfill_credits: int | None = None

    def __post_init__(self) -> None:
        if self.matched_sessions_in_window < 0:
            raise ValueError("matched_sessions_in_window must not be negative")
        if self.window_days < 1:
            raise ValueError("window_days must be at least 1")

    @classmethod
    def from_estimate(cls, estimate: Estimate) -> VolumeBasis:
        """The basis of one estimate answer.

        Null "others" totals count as 0, as the server does for scanners without an estimate.
        """
        return cls(
            matched_sessions_in_window=estimate.matched_sessions_in_window,
            window_days=estimate.window_days,
            other_enabled_monthly=estimate.other_enabled_scanners_monthly or 0,
            other_enabled_monthly_credits=estimate.other_enabled_scanners_monthly_credits,
            active_backfill_credits=estimate.active_backfill_credits,
        )

    def others(self, unit: Unit) -> int:
        """The other enabled scanners' monthly load in ``unit`` (0 when the answer has none)."""
        if unit == "credits":
            return self.other_enabled_monthly_credits or 0
        return self.other_enabled_monthly

    @property
    def monthly_sessions(self) -> float:
        """Matching sessions per month at a 100 % rate, before rounding."""
        return self.matched_sessions_in_window / self.window_days * DAYS_PER_MONTH


def check_sampling_rate(rate: float) -> str | None:
    """Say why ``rate`` cannot be saved on a scanner, or ``None`` when it can."""
    if math.isnan(rate) or rate > 1:
        return RATE_ABOVE_FULL_TEXT
    if rate < 0:
        return RATE_BELOW_ZERO_TEXT
    if 0 < rate < MIN_SAMPLING_RATE:
        return RATE_FLOOR_TEXT
    return None


def observations_at(basis: VolumeBasis, rate: float) -> int:
    """Estimated observations per month at ``rate``, exactly as the server would report them."""
    if rate < 0 or rate > 1:
        raise ValueError(f"sampling rate must be within [0, 1], got {rate!r}")
    exact = basis.matched_sessions_in_window / basis.window_days * DAYS_PER_MONTH * rate
    return round(exact)


def credits_for(observations: int, credits_per_observation: int) -> int:
    """Credits a month's observations cost at the model's price."""
    return observations * credits_per_observation


def dollars_for(credits: int | float | Fraction) -> float:
    """Dollars for ``credits`` (1 credit = $0.01)."""
    return float(Fraction(credits) * USD_PER_CREDIT)


def credits_from_dollars(dollars: float) -> Fraction:
    """Credits a dollar amount buys, kept exact so $0.07 is 7 credits, not 6.999…"""
    return Fraction(str(dollars)) / USD_PER_CREDIT


@dataclass(frozen=True)
class MonthlyCost:
    """One scanner's projected month at one sampling rate, beside the other enabled scanners.

    ``unit`` is what the fleet is counted in: credits (current era) or observations (seed era);
    ``others`` and ``amount`` are in it, so ``share_of_total`` is a share of spend now.
    """

    sampling_rate: float
    observations: int
    credits: int
    dollars: float
    credits_per_observation: int
    unit: Unit
    others: int
    """The other enabled scanners' monthly load, in ``unit``."""
    share_of_total: float | None
    """This scanner's share of the fleet's month in ``unit`` (0..1), None when all is idle."""

    @property
    def paused(self) -> bool:
        """A rate of exactly 0 pauses the scanner: it produces nothing."""
        return self.sampling_rate == 0

    @property
    def amount(self) -> int:
        """This scanner's month in ``unit``: credits now, observations in the seed era."""
        return self.credits if self.unit == "credits" else self.observations

    @property
    def total(self) -> int:
        """This scanner and the others, in ``unit``."""
        return self.amount + self.others


def monthly_cost(
    basis: VolumeBasis, rate: float, credits_per_observation: int, unit: Unit = "credits"
) -> MonthlyCost:
    """Everything the Estimate page shows for one rate, computed from one estimate response."""
    observations = observations_at(basis, rate)
    credits = credits_for(observations, credits_per_observation)
    others = basis.others(unit)
    mine = credits if unit == "credits" else observations
    total = mine + others
    return MonthlyCost(
        sampling_rate=rate,
        observations=observations,
        credits=credits,
        dollars=dollars_for(credits),
        credits_per_observation=credits_per_observation,
        unit=unit,
        others=others,
        share_of_total=mine / total if total else None,
    )


@dataclass(frozen=True)
class BudgetAnswer:
    """The budget calculator's answer: the highest sampling rate whose month fits the budget."""

    sampling_rate: float
    """0 (paused), or a multiple of 0.0001 between 0.0001 and 1."""
    observations: int
    credits: int
    reason: Literal["fits", "full_rate_fits", "below_floor", "no_budget", "no_sessions"]
    """``fits``: a partial rate was found. ``full_rate_fits``: even 100 % stays within budget.
    ``below_floor``: even the 0.0001 minimum costs more, so the only fitting rate is 0.
    ``no_budget``: the budget is zero (or less). ``no_sessions``: nothing matches, any rate fits."""


def _rate_fits(basis: VolumeBasis, steps: int, unit_cost: int, budget: Fraction) -> bool:
    """Whether ``steps``/10,000 stays within budget, both as shown (rounded) and on average."""
    rate = steps / RATE_STEPS
    shown = observations_at(basis, rate) * unit_cost
    expected = Fraction(basis.matched_sessions_in_window * DAYS_PER_MONTH * steps * unit_cost) / (
        basis.window_days * RATE_STEPS
    )
    return shown <= budget and expected <= budget


def highest_rate_within(
    basis: VolumeBasis, budget: float | Fraction, unit_cost: int
) -> BudgetAnswer:
    """The highest sampling rate whose monthly ``observations * unit_cost`` stays within ``budget``.

    With ``unit_cost`` = credits per observation and ``budget`` in credits this is the "at most N
    credits a month" calculator; with ``unit_cost`` = 1 and ``budget`` = quota headroom it answers
    "how much of the quota is left for this scanner". A rate fits only if both the rounded figure
    the page shows and the unrounded expectation stay within budget, so the answer never displays
    a cost above the budget and is not an artefact of rounding down. Rates are searched on the
    server's 1/10,000 grid; the 0.0001 floor means the answer is 0 (paused) when even the minimum
    costs too much, and 1.0 caps it.
    """
    if unit_cost < 1:
        raise ValueError("unit_cost must be a positive whole number of credits or observations")
    limit = Fraction(budget)
    per_step = Fraction(basis.matched_sessions_in_window * DAYS_PER_MONTH * unit_cost) / (
        basis.window_days * RATE_STEPS
    )
    if per_step == 0:
        full = observations_at(basis, 1.0)
        return BudgetAnswer(1.0, full, full * unit_cost, "no_sessions")
    if limit <= 0:
        return BudgetAnswer(0.0, 0, 0, "no_budget")
    affordable = math.floor(limit / unit_cost)
    shown_bound = math.floor((affordable + Fraction(1, 2)) * unit_cost / per_step)
    steps = min(RATE_STEPS, math.floor(limit / per_step), shown_bound)
    while steps > 0 and not _rate_fits(basis, steps, unit_cost, limit):
        steps -= 1
    if steps == 0:
        return BudgetAnswer(0.0, 0, 0, "below_floor")
    rate = steps / RATE_STEPS
    observations = observations_at(basis, rate)
    reason: Literal["fits", "full_rate_fits"] = "full_rate_fits" if steps == RATE_STEPS else "fits"
    return BudgetAnswer(rate, observations, observations * unit_cost, reason)


CURVE_RATES: tuple[float, ...] = tuple(step / 100 for step in range(101))
"""The rates the cost curve is drawn at: every whole percent from 0 to 100."""


def cost_curve(
    basis: VolumeBasis,
    credits_per_observation: int,
    rates: Sequence[float] = CURVE_RATES,
    extra_rates: Sequence[float] = (),
    unit: Unit = "credits",
) -> pd.DataFrame:
    """One row per sampling rate: observations, credits and dollars per month, and the fleet total.

    ``fleet`` is this scanner plus the other enabled scanners, in ``unit`` (credits now,
    observations in the seed era).

    ``extra_rates`` (the chosen rate, the budget answer) are merged in so the curve passes exactly
    through the points the page marks. Rows are sorted by rate, without duplicates.
    """
    all_rates = sorted({*rates, *extra_rates})
    observations = [observations_at(basis, rate) for rate in all_rates]
    credits = [credits_for(obs, credits_per_observation) for obs in observations]
    return pd.DataFrame(
        {
            "sampling_rate": all_rates,
            "observations": observations,
            "credits": credits,
            "dollars": [dollars_for(value) for value in credits],
            "fleet": [
                (value if unit == "credits" else obs) + basis.others(unit)
                for obs, value in zip(observations, credits, strict=True)
            ],
        }
    )
