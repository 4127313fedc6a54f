"""Retrying failed observations (current era): one from its detail, or every failed one of the
current filter after an inline confirmation that states the count and the credit cost first.

A retry spends credits, so it is a write that is never re-sent by the client. The server
deletes the failed row and scans the session again; the new observation (``triggered_by``
"retry") is found by its session. So a retry from the detail opens the session's new
observation, or, when the scan has not made one yet, closes the detail and says where it will
appear: the detail never stays on the deleted row, nor slides to a neighbour.

The bulk retry fetches the failed rows' ids (one live list request per 100) and sends one retry
each, with a progress bar, then reports what started and what the server refused. Its
confirmation is a step on the page, not a dialog, so the progress and the outcome stay in view.
"""

from __future__ import annotations

import time
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
_CONFIRM = "_observations.retry_confirm"
"""The view (scanner and filters) whose bulk retry is being confirmed; another view closes it."""
_ONE = "_observations.retry_one"
"""What the last retry from the detail did, for the table's next run: ``OneOutcome``."""
NEW_ROW_PAUSES: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0)
"""Pauses before each look-up of a retried session's new observation (seconds)."""


@dataclass(frozen=True)
class Outcome:
    """What a bulk retry did: how many started, and the refusals grouped by reason."""

    asked: int
    started: int
    refused: dict[str, int] = field(default_factory=dict)

    def sentence(self) -> str:
        parts = [
            f"Retried {fmt.count(self.started)} of {fmt.count(self.asked, 'failed observation')}"
        ]
        if self.refused:
            parts.append(
                "Not retried: "
                + "; ".join(
                    f"{fmt.count(n)} × {reason.rstrip('.')}" for reason, n in self.refused.items()
                )
            )
        if self.started:
            parts.append("Their new observations appear as the scans start")
        return ". ".join(parts) + "."


@dataclass(frozen=True)
class OneOutcome:
    """A retry from the detail: the failed row it replaced, and the new row when one exists."""

    observation_id: str
    session_id: str
    new_id: str | None = None


def cost(scanner: Scanner, count: int) -> str:
    """What retrying ``count`` observations may cost: credits and dollars, or unknown."""
    price = scanner.credits_per_observation
    if price is None:
        return "an unknown number of credits (this scanner's price is not reported)"
    return "up to " + fmt.credits_and_money(price * count)


# -- one, from the detail ----------------------------------------------------------------------


def retry_one(observation: Observation, scanner: Scanner) -> None:
    """The detail's Retry button, on a failed observation. The retry and the look-up of the
    session's new observation run here; the table applies the result on the next run
    (``after_retry``), before it draws, since the selected row no longer exists."""
    if observation.status != "failed":
        return
    if not st.button(
        "Retry",
        key="observations.retry_one",
        icon=":material/replay:",
        help=f"Scan this session again; costs {cost(scanner, 1)}",
    ):
        return
    with st.spinner("Starting the retry…"):
        try:
            cache.retry_observation(observation.scanner_id, observation.id)
        except (VisionAPIError, PermissionError) as error:
            _show_error(error)
            return
        new_id = _new_observation(observation)
    st.session_state[_ONE] = OneOutcome(observation.id, observation.session_id, new_id)
    st.rerun()


def _new_observation(retried: Observation) -> str | None:
    """The session's observation that replaced ``retried``, once the scan has made one: a few
    live reads over about two seconds (the server creates it when the scan starts)."""
    for pause in NEW_ROW_PAUSES:
        time.sleep(pause)
        try:
            found = cache.live_observations_of(retried.scanner_id, [retried.session_id])
        except VisionAPIError:
            return None
        fresh = [item for item in found if item.id != retried.id]
        if fresh:
            return fresh[0].id
    return None


def after_retry(table_key: str, page: int) -> None:
    """After a retry from the detail (called by the table before it draws): clear the deleted
    row's selection and open the session's new observation, or say where it will appear."""
    last = st.session_state.pop(_ONE, None)
    if not isinstance(last, OneOutcome):
        return
    state.close_detail(table_key)
    if last.new_id is not None:
        state.show_observation(last.new_id)
        state.go_to(page, last.new_id)
        st.toast("Retry started: the session's new observation is open.", icon="✅")
        return
    st.info(
        f"Retry started for session {escape_markdown(last.session_id)}: the failed observation "
        "was replaced, and the new one appears in the table once its scan starts.",
        icon=":material/replay:",
    )


def _show_error(error: Exception) -> None:
    if isinstance(error, VisionAPIError):
        show_api_error(error, "retry this observation")
    else:
        st.error(escape_markdown(str(error)), icon=":material/error:")


# -- every failed one of the filter --------------------------------------------------------------


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
        bar.progress(
            done / max(len(ids), 1), text=f"Retried {fmt.count(done)} of {fmt.count(len(ids))}"
        )
    bar.empty()
    return Outcome(len(ids), started, dict(refused))


def _identity(view: state.View) -> str:
    return repr((view.scanner, view.filter_key()))


def _ask(view: state.View) -> None:
    st.session_state[_CONFIRM] = _identity(view)


def _cancel() -> None:
    st.session_state.pop(_CONFIRM, None)


def confirm_text(scanner: Scanner, count: int) -> str:
    """The confirmation's question: how many, oldest first, and what it costs (Markdown)."""
    shown = min(count, MAX_BULK_RETRY)
    return (
        f"Retry **{fmt.count(shown, 'failed observation')}** of the current filter, oldest "
        f"first? This costs **{escape_markdown(cost(scanner, shown))}**."
    )


def _confirm(scanner: Scanner, view: state.View, count: int) -> None:
    """The confirmation step under the button; on "Retry them" the retries run right here."""
    shown = min(count, MAX_BULK_RETRY)
    with st.container(border=True, key="observations.retry_all_box"):
        st.markdown(confirm_text(scanner, count))
        if count > MAX_BULK_RETRY:
            st.caption(
                f"{fmt.count(count, 'failed observation')}: the oldest "
                f"{fmt.count(MAX_BULK_RETRY)} go in this batch."
            )
        with st.container(horizontal=True):
            go = st.button(
                "Retry them",
                type="primary",
                icon=":material/replay:",
                key="observations.retry_all_confirm",
            )
            st.button("Cancel", key="observations.retry_all_cancel", on_click=_cancel)
        if not go:
            return
        try:
            outcome = retry_all(scanner, view, shown)
        except VisionAPIError as error:
            show_api_error(error, "list the failed observations")
            return
    _cancel()
    st.session_state[_OUTCOME] = outcome
    state.close_detail(state.table_key(view))  # the open row may be one of those replaced
    st.rerun()


def last_outcome() -> None:
    """What the last bulk retry did, once; drawn above the metrics, since the retried rows
    are gone until their scans start (the set may even look empty for a moment)."""
    outcome = st.session_state.pop(_OUTCOME, None)
    if isinstance(outcome, Outcome):
        icon = ":material/check_circle:" if not outcome.refused else ":material/warning:"
        st.info(escape_markdown(outcome.sentence()), icon=icon)


def section(scanner: Scanner, view: state.View, answer: StatsView, current_era: bool) -> None:
    """ "Retry N failed" for the current filter, confirmed inline."""
    failed = answer.stats.status_counts.failed
    if not current_era or failed == 0 or connection.current().read_only:
        _cancel()
        return
    asking = st.session_state.get(_CONFIRM) == _identity(view)
    st.button(
        f"Retry {fmt.count(failed, 'failed observation')}",
        key="observations.retry_all",
        icon=":material/replay:",
        help="Scan every failed observation of the current filter again (you confirm first)",
        on_click=_ask,
        args=(view,),
        disabled=asking,
    )
    if asking:
        _confirm(scanner, view, failed)
    else:
        _cancel()
