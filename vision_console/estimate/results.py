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
from vision_console import cost, models_catalog, quota, render
from vision_console import format as fmt
from vision_console.estimate import fetch, quota_view
from vision_console.estimate.inputs import Inputs
from vision_console.estimate.quota_view import QuotaView


@dataclass(frozen=True)
class Shown:
    """The estimate on screen, the month it gives at the chosen inputs, and the quota around it."""

    estimate: Estimate
    basis: cost.VolumeBasis
    price: int
    """Credits per observation of the chosen model."""
    month: cost.MonthlyCost
    quota: QuotaView


def price_for(model: str, estimate: Estimate | None, estimated_model: str | None) -> int:
    """Credits per observation of ``model``: the estimate's own figure when it priced this model.

    ``estimated_model`` is the model the estimate was made for; a stale estimate of another
    model keeps its volume but not its price.
    """
    reported = estimate.credits_per_observation if estimate and estimated_model == model else None
    return models_catalog.credits_per_observation(model, reported)


def unit_of(chosen: Inputs) -> cost.Unit:
    """What the fleet is counted in: credits now, observations in the seed era."""
    return "credits" if chosen.era == "current" else "observations"


def numbers(chosen: Inputs) -> Shown | None:
    """The estimate for ``chosen`` and its metrics; None (with a note why) while there is none.

    After a 429 the last figures stay on screen (marked stale when they are for other inputs)
    while the countdown runs.
    """
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
    month = cost.monthly_cost(basis, chosen.rate, price, unit_of(chosen))
    view = quota_view.current(chosen.scanner, month)
    show_numbers(outcome.estimate, month, view)
    quota_view.section(view, chosen.scanner)
    return Shown(outcome.estimate, basis, price, month, view)


NoteColour = Literal["off", "green", "orange", "red"]
"""Colours of a metric's note: grey, or the quota's traffic light."""

METRIC_WIDTH = 170
"""Pixels per metric: six fit one row of the results column, and wrap on a narrow screen."""
STATUS_COLOURS: dict[quota.Status, NoteColour] = {
    "safe": "green",
    "warning": "orange",
    "danger": "red",
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


def show_numbers(estimate: Estimate, month: cost.MonthlyCost, view: QuotaView) -> None:
    """What the endpoint says, scaled to the chosen rate, beside the fleet and the quota.

    One row of bordered metrics (wrapping on narrow screens); each secondary figure sits
    under its metric as a grey note rather than in a caption of its own. The fleet is counted
    in the era's unit: credits now (share of spend), observations in the seed era.
    """
    if month.paused:
        st.error(
            "Sampling is 0%: the scanner is paused and will not produce any observations.",
            icon=":material/pause_circle:",
        )
    window = fmt.last_days(estimate.window_days)
    spend = month.unit == "credits"
    with st.container(horizontal=True):
        _metric(
            "Matching sessions",
            fmt.count(estimate.matched_sessions_in_window),
            f"in the {window}",
            help="Recordings matching the filters that a scan would accept; the month ahead "
            f"is projected from the {window}.",
        )
        _metric(
            "Observations / month",
            fmt.count(month.observations),
            f"at {fmt.sampling_rate(month.sampling_rate)}",
        )
        _metric(
            "Credits / month",
            fmt.count(month.credits),
            f"≈ {fmt.money(month.dollars)}",
            help=f"≈ {fmt.money(month.dollars)} a month at "
            f"{fmt.credits(month.credits_per_observation)} per observation; 1 credit is one cent.",
        )
        _metric(
            "Other scanners",
            fmt.count(month.others),
            month.unit,
            help=f"What the organisation's other enabled scanners are expected to "
            f"{'spend, in credits' if spend else 'make, in observations'} a month.",
        )
        _metric(
            "Share",
            fmt.percent(month.share_of_total),
            "of spend" if spend else "of observations",
            help=f"This scanner's share of all enabled scanners' "
            f"{'spend (credits)' if spend else 'observations'} a month.",
        )
        _quota_metric(view)


def _quota_metric(view: QuotaView) -> None:
    """The projected share of the quota at the period's end, in the traffic light's colour."""
    projection = view.projection
    if projection is None:
        _metric("Quota", fmt.MISSING, "unavailable" if view.error else "not read")
        return
    if not projection.metered:
        _metric("Quota", projection.pill, f"{quota.amount(projection.used, projection.unit)} used")
        return
    limit = quota.amount(projection.limit, projection.unit)
    _metric(
        "Quota",
        projection.percent_label,
        projection.pill,
        help="The organisation's usage projected to the end of the period with this scanner "
        f"at these settings, against its limit of {limit}.",
        colour=STATUS_COLOURS[projection.status],
    )
