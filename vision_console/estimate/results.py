"""The Estimate page's numbers: the estimate for the inputs, scaled to the chosen rate.

One row of bordered metrics, their secondary figures as notes under them; before them, what went
wrong (an API error, a 429 counting down, numbers that are stale). Everything below the numbers
(budget, curve, saving) works from ``Shown``, computed here once per run without a request for
a new rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import streamlit as st

from vision_api import Estimate
from vision_console import cost, models_catalog, render
from vision_console import format as fmt
from vision_console.estimate import fetch
from vision_console.estimate.inputs import Inputs


@dataclass(frozen=True)
class Shown:
    """The estimate on screen and the month it gives at the chosen rate and model."""

    estimate: Estimate
    basis: cost.VolumeBasis
    price: int
    """Credits per observation of the chosen model."""
    month: cost.MonthlyCost


def price_for(model: str, estimate: Estimate | None, estimated_model: str | None) -> int:
    """Credits per observation of ``model``: the estimate's own figure when it priced this model.

    ``estimated_model`` is the model the estimate was made for; a stale estimate of another
    model keeps its volume but not its price.
    """
    reported = estimate.credits_per_observation if estimate and estimated_model == model else None
    return models_catalog.credits_per_observation(model, reported)


def numbers(chosen: Inputs) -> Shown | None:
    """The estimate for ``chosen`` and its metrics; None (with a note why) while there is none."""
    outcome = fetch.current(chosen)
    if outcome.error is not None:
        render.show_api_error(outcome.error, "estimate this scanner's volume")
    if outcome.retry_at is not None:
        fetch.retry_countdown(outcome.retry_at)
    if outcome.estimate is None:
        st.info("No estimate yet: adjust the filters and press Update estimate.")
        return None
    if outcome.stale:
        st.warning(
            "Stale: these numbers are from the last estimate that succeeded, for earlier "
            "inputs. They are replaced as soon as the API answers.",
            icon=":material/history:",
        )
    basis = cost.VolumeBasis.from_estimate(outcome.estimate)
    price = price_for(chosen.model, outcome.estimate, outcome.model)
    month = cost.monthly_cost(basis, chosen.rate, price)
    show_numbers(outcome.estimate, month)
    return Shown(outcome.estimate, basis, price, month)


NoteColour = Literal["off", "green", "orange", "red"]
"""Colours of a metric's note: grey, or the quota's traffic light."""

METRIC_WIDTH = 170
"""Pixels per metric: six fit one row of the results column, and wrap on a narrow screen."""
_QUOTA_COLOURS: dict[str, NoteColour] = {"ok": "green", "warning": "orange", "over": "red"}
_QUOTA_WORDS = {
    "ok": "within the quota",
    "warning": "over 85 % of the quota",
    "over": "projected over the quota",
}


def _metric(
    label: str, value: str, note: str, *, help: str | None = None, colour: NoteColour = "off"
) -> None:
    """A bordered metric with ``note`` in grey (or ``colour``) under it, no arrow."""
    st.metric(
        label,
        value,
        note,
        delta_color=colour,
        delta_arrow="off",
        help=help,
        border=True,
        width=METRIC_WIDTH,
    )


def show_numbers(estimate: Estimate, month: cost.MonthlyCost) -> None:
    """What the endpoint says, scaled to the chosen rate, beside the fleet and the quota.

    One row of bordered metrics (wrapping on narrow screens); each secondary figure sits
    under its metric as a grey note rather than in a caption of its own.
    """
    if month.paused:
        st.error(
            "Sampling is 0 %: the scanner is paused and will not produce any observations.",
            icon=":material/pause_circle:",
        )
    others_credits = estimate.other_enabled_scanners_monthly_credits
    share = "—" if month.share_of_total is None else f"{month.share_of_total:.1%}"
    used = "—" if month.quota_share is None else f"{month.quota_share:.0%}"
    with st.container(horizontal=True):
        _metric(
            "Matching sessions",
            f"{estimate.matched_sessions_in_window:,}",
            f"in the last {estimate.window_days} days",
            help="Recordings matching the filters that a scan would accept; the month ahead "
            f"is projected from these {estimate.window_days} days.",
        )
        _metric(
            "Observations / month",
            f"{month.observations:,}",
            f"at {fmt.sampling_rate(month.sampling_rate)}",
        )
        _metric(
            "Credits / month",
            f"{month.credits:,}",
            f"≈ {fmt.money(month.dollars)}",
            help=f"≈ {fmt.money(month.dollars)} a month at "
            f"{month.credits_per_observation} credits per observation; 1 credit is one cent.",
        )
        _metric(
            "Other scanners",
            f"{month.other_enabled_observations:,}",
            "observations" if others_credits is None else f"{others_credits:,} credits",
            help="Observations (and credits) a month the project's other enabled scanners "
            "are expected to make.",
        )
        _metric(
            "Share",
            share,
            "of all scanners",
            help="This scanner's share of all enabled scanners' observations.",
        )
        quota_colour: NoteColour = "off"
        quota_note = f"{month.total_observations:,} a month"
        quota_help = (
            "This scanner plus the others, against the API's default quota of "
            f"{cost.ERA_S_MONTHLY_QUOTA:,} observations a month"
        )
        if month.quota_status is not None and month.monthly_quota is not None:
            quota_colour = _QUOTA_COLOURS[month.quota_status]
            quota_help += f": {_QUOTA_WORDS[month.quota_status]}"
            quota_note = f"{month.total_observations:,} of {month.monthly_quota:,}"
        _metric(
            "Quota used",
            used,
            quota_note,
            help=quota_help + ".",
            colour=quota_colour,
        )
