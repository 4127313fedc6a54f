"""The scanner form's "Cost before saving" box: a month of the draft in credits and dollars, and
what it would do to the quota.

Figures come from ``cost_preview`` (one paced estimate per query, sampling mode and scanner; rate
and model applied locally). While a new estimate waits its turn, the last figures stay, marked as
being for the previous settings, and a countdown reruns the page when the wait is over.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

import streamlit as st

from vision_api import Estimate, Quota, VisionAPIError
from vision_console import cache, quota, quota_meter
from vision_console import format as fmt
from vision_console.render import escape_markdown, explain
from vision_console.scanner_config import cost_preview
from vision_console.scanner_config import form as forms
from vision_console.scanner_config.cost_preview import PreviewMemory, PreviewRequest
from vision_console.scanner_config.form import ScannerForm
from vision_console.scanner_config.form_session import FormSession

MEMORY_KEY = "scanners.form.estimates"
"""This viewer's ``PreviewMemory`` (kept across forms: an estimate outlives one opening)."""


def render(session: FormSession, draft: ScannerForm) -> None:
    """The box, or why it cannot show figures yet (an invalid rate or recordings filter)."""
    with st.container(border=True):
        st.markdown("**Cost before saving**")
        rate, rate_error = forms.sampling_rate_value(draft.sampling_rate)
        query, query_error = forms.build_query(draft)
        if rate_error or rate is None:
            st.caption("Fix the sampling rate to see what this scanner would cost.")
            return
        if query_error:
            st.caption(f"Fix the {forms.QUERY_LABEL.lower()} to see what this scanner would cost.")
            return
        mode = draft.sampling_mode if "sampling_mode" in draft.features else None
        request = PreviewRequest(query, mode, session.scanner_id)
        memory = st.session_state.setdefault(MEMORY_KEY, PreviewMemory())
        preview = cost_preview.resolve(
            request,
            lambda r: cache.estimate(
                dict(r.query), scanner_id=r.scanner_id, sampling_mode=r.sampling_mode
            ),
            memory,
            time.monotonic,
        )
        if preview.error is not None and preview.estimate is None:
            st.warning(
                escape_markdown(explain(preview.error, "estimate the cost").as_text()),
                icon=":material/error:",
            )
        if preview.estimate is not None:
            _figures(session, draft, preview.estimate, rate, stale=not preview.current)
        if preview.wait_until is not None:
            _countdown(preview.wait_until)


def _figures(
    session: FormSession, draft: ScannerForm, estimate: Estimate, rate: float, *, stale: bool
) -> None:
    """The month's observations, credits and dollars, how they were worked out, and the quota."""
    model = draft.model if isinstance(draft.model, str) else draft.kept_model
    found = _quota()
    unit = found.unit if found is not None else "credits"
    enabled = draft.enabled if isinstance(draft.enabled, bool) else True
    figures = cost_preview.month_figures(
        estimate, rate, model, enabled=enabled, unit=unit, original=session.original
    )
    observations, credits, dollars = st.columns(3)
    observations.metric("Observations a month", fmt.count(figures.observations))
    credits.metric("Credits a month", fmt.credits(figures.credits))
    dollars.metric("Cost a month", fmt.money(figures.credits / 100))
    notes = [
        f"{fmt.sampling_rate(rate)} of {fmt.count(estimate.matched_sessions_in_window)} "
        f"matching recordings in the {fmt.last_days(estimate.window_days)}, at "
        f"{fmt.credits(figures.price)} per observation."
    ]
    if not enabled:
        notes.append("Disabled: it scans only on demand, so it adds nothing to the schedule.")
    if stale:
        notes.append("These figures are for your previous settings; updating shortly.")
    st.caption(" ".join(notes))
    if found is not None:
        _quota_line(found, figures)


def _quota() -> Quota | None:
    """The organisation's quota, or None when it cannot be read (the figures still show)."""
    try:
        return cache.quota()
    except VisionAPIError:
        return None


def _quota_line(found: Quota, figures: cost_preview.MonthFigures) -> None:
    """What saving would change in the quota's projection, coloured by PostHog's status."""
    projection = cost_preview.project_quota(found, figures, datetime.now(UTC))
    delta = figures.delta
    change = (
        f"Saving adds {quota.amount(delta, found.unit)} a month to the quota's projection."
        if delta > 0
        else f"Saving frees {quota.amount(-delta, found.unit)} a month of the quota."
        if delta < 0
        else "Saving leaves the quota's projection as it is."
    )
    if not projection.metered:
        st.caption(f"{change} {projection.pill}.")
        return
    end = f" by {fmt.day(projection.period_end)}" if projection.period_end else ""
    text = f"{change} Projected: {projection.percent_label} of the limit{end} · {projection.pill}."
    quota_meter.status_note(text, projection.status)


def _countdown(wait_until: float) -> None:
    """Until a new estimate may be sent: say so, then rerun the page, which sends it."""

    @st.fragment(run_every=1)
    def countdown() -> None:
        left = wait_until - time.monotonic()
        if left <= 0:
            st.rerun()
        st.caption(
            f"New estimate in {math.ceil(left)} s (estimates are paced to stay within "
            "PostHog's limit)."
        )

    countdown()
