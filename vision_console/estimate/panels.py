"""The Estimate page's output panels: numbers, cost curve, 429 countdown, saving, draft hand-off.

Rendering only. Numbers come from ``vision_console.cost`` and decisions from
``vision_console.estimate.decisions``; scanner names and other API text are escaped before any
Markdown-rendering element sees them. The cost curve's spec is kept per set of inputs
(``vision_console.cache.remember``), so an idle rerun draws it without rebuilding it. The budget
calculator is built only while its expander is open; the numbers are one row of metrics, their
secondary figures as notes under them.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Mapping
from typing import Any, Literal

import streamlit as st

from vision_api import Estimate, Scanner, VisionAPIError
from vision_console import cache, cost, cost_charts, models_catalog, navigation, render
from vision_console.estimate import decisions as estimate_view
from vision_console.estimate import inputs as estimate_inputs
from vision_console.observations.charts import chart_spec
from vision_console.scanner_config.form import ScannerForm
from vision_console.scanners import form_panel as scanner_form_view

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
            f"at {cost.format_rate(month.sampling_rate)}",
        )
        _metric(
            "Credits / month",
            f"{month.credits:,}",
            f"≈ {cost.format_dollars(month.dollars)}",
            help=f"≈ {cost.format_dollars(month.dollars)} a month at "
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


def budget_section(
    prefix: str, basis: cost.VolumeBasis, price: int, rate: float
) -> tuple[float | None, cost.BudgetAnswer | None]:
    """ "At most N credits (or $) a month" -> the highest rate that fits, with a button to use it.

    Built only while its expander is open; the label gives the answer to the last budget
    typed, which the curve keeps marking while the calculator is collapsed. Also says how much
    of the monthly quota the other enabled scanners leave to this one.
    Returns the budget in credits and the answer, for the curve to mark.
    """
    amount, unit = estimate_inputs.budget_choice(prefix)
    budget = estimate_inputs.budget_credits(amount, unit)
    answer = None if budget is None else cost.highest_rate_within(basis, budget, price)
    open_key = f"{prefix}:budget_open"
    box = st.expander(
        estimate_view.budget_label(answer, budget),
        expanded=bool(st.session_state.get(open_key)),
        key=open_key,
        on_change="rerun",
        icon=":material/savings:",
    )
    if not box.open:
        return budget, answer
    with box:
        estimate_inputs.budget_inputs(prefix, amount, unit)
        if budget is not None and answer is not None:
            st.markdown(estimate_view.describe_budget(answer, budget, price))
            st.button(
                f"Use {cost.format_rate(answer.sampling_rate)}",
                key=f"{prefix}:use_budget_rate",
                on_click=estimate_inputs.set_rate,
                args=(prefix, answer.sampling_rate),
                disabled=answer.sampling_rate == rate,
            )
        st.caption(estimate_view.describe_quota_room(basis))
    return budget, answer


def cost_curve(
    basis: cost.VolumeBasis,
    price: int,
    rate: float,
    budget: float | None,
    answer: cost.BudgetAnswer | None,
) -> None:
    """The cost across sampling rates, the chosen rate, budget and quota marked.

    The spec is built once per set of inputs and kept in the session: an idle rerun draws
    the kept spec, and only a change of rate, budget, model or estimate builds a new one.
    """
    extra_rates = (rate, *((answer.sampling_rate,) if answer else ()))
    headroom = cost.ERA_S_MONTHLY_QUOTA - basis.other_enabled_monthly

    def build() -> dict[str, Any]:
        curve = cost.cost_curve(basis, price, extra_rates=extra_rates)
        return chart_spec(
            cost_charts.cost_curve_chart(
                curve,
                rate,
                budget_credits=budget,
                quota_headroom=headroom,
                credits_per_observation=price,
            )
        )

    spec = cache.remember("estimate:cost_curve", (basis, price, rate, budget, extra_rates), build)
    st.vega_lite_chart(spec, width="stretch")


def retry_countdown(retry_at: float) -> None:
    """After a 429: count down the Retry-After, then rerun the page, which retries the call."""

    @st.fragment(run_every=1)
    def countdown() -> None:
        left = retry_at - time.monotonic()
        if left <= 0:
            st.rerun()
        st.caption(f"Retrying automatically in {math.ceil(left)} s.")

    countdown()


def save_section(
    scanner: Scanner,
    basis: cost.VolumeBasis,
    month: cost.MonthlyCost,
    query: Mapping[str, Any],
    rate: float,
    model: str,
) -> None:
    """Apply the changed query, rate and model to ``scanner``, after a before/after review."""
    st.subheader("Apply to the scanner")
    changes = estimate_view.save_changes(scanner, query, rate, model)
    review_key = f"estimate:review:{scanner.id}"
    if not changes:
        st.session_state.pop(review_key, None)
        st.caption("These inputs match the saved scanner: nothing to save.")
        return
    labels = {"query": "filters", "sampling_rate": "sampling rate", "model": "model"}
    st.caption("Changed: " + ", ".join(labels[name] for name in changes) + ".")
    if not st.session_state.get(review_key):
        st.button(
            "Review and save…",
            key=f"estimate:save:{scanner.id}",
            icon=":material/save:",
            on_click=lambda: st.session_state.update({review_key: True}),
        )
        return
    with st.container(border=True):
        st.markdown("**Save these changes to** " + render.escape_markdown(scanner.name) + "?")
        table = estimate_view.before_after(
            scanner, basis, month, model, query_changed="query" in changes
        )
        st.table(table)
        confirm, cancel = st.columns(2)
        if cancel.button("Cancel", key=f"estimate:cancel:{scanner.id}", width="stretch"):
            st.session_state.pop(review_key, None)
            st.rerun()
        if confirm.button(
            "Confirm and save",
            key=f"estimate:confirm:{scanner.id}",
            type="primary",
            width="stretch",
        ):
            try:
                cache.update_scanner(scanner.id, **changes)
            except (VisionAPIError, cache.ReadOnlyError) as error:
                render.show_api_error(error, "save the scanner")
                return
            st.session_state.pop(review_key, None)
            st.toast(
                f"Saved: {month.observations:,} observations and {month.credits:,} credits a month."
            )
            st.rerun()


def draft_section(
    query: Mapping[str, Any], rate: float, model: str, month: cost.MonthlyCost
) -> None:
    """Hand the draft's filters, rate and model to the Scanners page's create form."""
    st.subheader("Create a scanner from this draft")
    st.caption(
        f"Opens the create form with these filters, a {cost.format_rate(rate)} sampling rate and "
        f"{render.escape_markdown(models_catalog.model_label(model))} "
        f"(≈ {month.credits:,} credits a month); you add the name, type and prompt."
    )
    if st.button("Create a scanner with these settings", type="primary", icon=":material/add:"):
        open_create_form(estimate_view.draft_form(query, rate, model))


def open_create_form(seed: ScannerForm) -> None:
    """Open the Scanners page's create form seeded with ``seed`` (its own form session)."""
    st.session_state[scanner_form_view.SESSION_KEY] = scanner_form_view.FormSession(
        form_id=f"estimate{uuid.uuid4().hex[:8]}", mode="create", seed=seed
    )
    st.switch_page(navigation.SCANNERS.path)
