"""Retrying failed observations (current era): one from its detail, or every failed one of the
current filter after a confirmation that states the count and the credit cost first.

A retry spends credits, so it is a write that is never re-sent by the client; the failed row is
deleted and a new one (``triggered_by="retry"``) appears. The bulk retry fetches the failed
rows' ids (one live list request per 100) and sends one retry each, with a progress bar, then
reports what started and what the server refused.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import streamlit as st

from vision_api import Observation, Scanner, VisionAPIError
from vision_console import cache, connection
from vision_console import format as fmt
from vision_console.observations import state
from vision_console.observations.reads import StatsView
from vision_console.render import escape_markdown, show_api_error

MAX_BULK_RETRY = 200
"""Retries one click sends at most (PostHog's bulk scan takes 200 sessions at once too)."""
_OUTCOME = "_observations.retry_outcome"


@dataclass(frozen=True)
class Outcome:
    """What a bulk retry did: how many started, and the refusals grouped by reason."""

    asked: int
    started: int
    refused: dict[str, int] = field(default_factory=dict)

    def sentence(self) -> str:
        text = f"Retried {fmt.count(self.started)} of {fmt.count(self.asked, 'failed observation')}"
        if self.refused:
            reasons = "; ".join(f"{n:,} × {reason}" for reason, n in self.refused.items())
            text += f". Not retried: {reasons}"
        return text + "."


def cost(scanner: Scanner, count: int) -> str:
    """What retrying ``count`` observations may cost: credits and dollars, or unknown."""
    price = scanner.credits_per_observation
    if price is None:
        return "an unknown number of credits (this scanner's price is not reported)"
    return "up to " + fmt.credits_and_money(price * count)


def retry_one(observation: Observation, scanner: Scanner) -> None:
    """The detail's Retry button, on a failed observation."""
    if observation.status != "failed":
        return
    if not st.button(
        "Retry",
        key="observations.retry_one",
        icon=":material/replay:",
        help=f"Scan this session again; costs {cost(scanner, 1)}",
    ):
        return
    try:
        cache.retry_observation(observation.scanner_id, observation.id)
    except (VisionAPIError, PermissionError) as error:
        if isinstance(error, VisionAPIError):
            show_api_error(error, "retry this observation")
        else:
            st.error(str(error), icon=":material/error:")
        return
    st.toast("Retry started: a new observation replaces the failed one.", icon="✅")
    state.show_observation(None)
    st.rerun()


def failed_ids(view: state.View, limit: int) -> list[str]:
    """The failed observations of the current filter, oldest first (a live read)."""
    filters = view.api_filters()
    filters["status"] = ["failed"]
    items = connection.client().observations.fetch_all(
        view.scanner, order_by="created_at", max_items=limit, **filters
    )
    return [item.id for item in items]


def retry_all(scanner: Scanner, view: state.View, expected: int) -> Outcome:
    """Retry every failed observation of the view (up to MAX_BULK_RETRY), with progress."""
    ids = failed_ids(view, min(expected, MAX_BULK_RETRY))
    bar = st.progress(0.0, text=f"Retrying {fmt.count(len(ids), 'observation')}…")
    started, refused = 0, Counter[str]()
    for done, observation_id in enumerate(ids, start=1):
        try:
            cache.retry_observation(scanner.id, observation_id)
            started += 1
        except VisionAPIError as error:
            refused[getattr(error, "detail", None) or type(error).__name__] += 1
        bar.progress(done / max(len(ids), 1), text=f"Retried {done:,} of {len(ids):,}")
    bar.empty()
    return Outcome(len(ids), started, dict(refused))


@st.dialog("Retry failed observations")
def _confirm(scanner: Scanner, view: state.View, count: int) -> None:
    shown = min(count, MAX_BULK_RETRY)
    st.markdown(
        f"Retry **{fmt.count(shown, 'failed observation')}** of the current filter, oldest "
        f"first? This costs **{escape_markdown(cost(scanner, shown))}**."
    )
    if count > MAX_BULK_RETRY:
        st.caption(f"{fmt.count(count)} failed: the oldest {MAX_BULK_RETRY:,} go in this batch.")
    with st.container(horizontal=True):
        go = st.button("Retry them", type="primary", key="observations.retry_all_confirm")
        if st.button("Cancel", key="observations.retry_all_cancel"):
            st.rerun()
    if go:
        try:
            outcome = retry_all(scanner, view, shown)
        except VisionAPIError as error:
            show_api_error(error, "list the failed observations")
            return
        st.session_state[_OUTCOME] = outcome
        st.rerun()


def section(scanner: Scanner, view: state.View, answer: StatsView, current_era: bool) -> None:
    """ "Retry N failed" for the current filter, and the last bulk retry's outcome."""
    outcome = st.session_state.pop(_OUTCOME, None)
    if isinstance(outcome, Outcome):
        icon = ":material/check_circle:" if not outcome.refused else ":material/warning:"
        st.info(escape_markdown(outcome.sentence()), icon=icon)
    failed = answer.stats.status_counts.failed
    if not current_era or failed == 0 or connection.current().read_only:
        return
    if st.button(
        f"Retry {fmt.count(failed, 'failed observation')}",
        key="observations.retry_all",
        icon=":material/replay:",
        help="Scan every failed observation of the current filter again (confirm first)",
    ):
        _confirm(scanner, view, failed)
