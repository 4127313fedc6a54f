"""Rating observations 👍/👎 (labels, current era): in the detail with optional feedback, from
the table's selected row in one click, and the Ratings section (by day, agreement by version
and by verdict or score bucket).

Shown only when the server sends the stats ``labels`` block (today's API); on a seed-era
server these controls are absent. One label per observation, shared by the team; a rating is
a write (``cache.label_observation``), so the table and stats are read fresh afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from vision_api import LabelStats, Observation, Scanner, VisionAPIError
from vision_console import cache
from vision_console import format as fmt
from vision_console.observations import labels, reads, state, stats_charts, table
from vision_console.observations.panels import draw_chart, lazy_section
from vision_console.observations.reads import StatsView
from vision_console.render import show_api_error

MAX_FEEDBACK = 5000
RATED_LIST_LIMIT = 1000
"""Rated rows fetched for agreement by result when the table's request is not the whole set."""


def enabled(answer: StatsView) -> bool:
    """Whether this server rates observations (it sends the stats ``labels`` block)."""
    return answer.stats.labels is not None


def rateable(observation: Observation) -> bool:
    """Whether "did the scanner get this right?" has an answer: only a finished result can be
    right or wrong (a failed, skipped or running scan has none to judge)."""
    return observation.status == "succeeded"


def _save(observation: Observation, is_correct: bool | None, feedback: str = "") -> bool:
    """Rate (or with None, un-rate) one observation; the error explained when it fails."""
    try:
        if is_correct is None:
            cache.unlabel_observation(observation.scanner_id, observation.id)
        else:
            cache.label_observation(
                observation.scanner_id, observation.id, is_correct=is_correct, feedback=feedback
            )
    except (VisionAPIError, PermissionError, ValueError) as error:
        if isinstance(error, VisionAPIError):
            show_api_error(error, "save the rating")
        else:
            st.error(str(error), icon=":material/error:")
        return False
    st.toast("Rating removed" if is_correct is None else "Rating saved", icon="✅")
    return True


def current_rating(observation: Observation) -> None:
    """The observation's rating as it stands, feedback as plain text."""
    label = observation.label
    if label is None:
        st.caption("Not rated yet.")
        return
    st.caption("Rated " + ("👍 right" if label.is_correct else "👎 wrong"))
    if label.feedback:
        st.text(label.feedback)


def detail_rating(observation: Observation) -> None:
    """ "Did the scanner get this right?": 👍 / 👎 with optional feedback, and Remove."""
    st.caption("Did the scanner get this right?")
    current_rating(observation)
    key = f"observations.feedback:{observation.id}"
    if key not in st.session_state:
        st.session_state[key] = observation.label.feedback if observation.label else ""
    feedback = st.text_area(
        "Feedback (optional)",
        key=key,
        max_chars=MAX_FEEDBACK,
        placeholder="What did it get right or wrong, and why?",
        height=90,
    )
    with st.container(horizontal=True):
        up = st.button("👍 Right", key="observations.rate_up")
        down = st.button("👎 Wrong", key="observations.rate_down")
        remove = observation.label is not None and st.button(
            "Remove rating", key="observations.rate_remove", icon=":material/close:"
        )
    choice = True if up else False if down else None
    if (up or down) and _save(observation, choice, feedback.strip()):
        st.rerun()
    if remove and _save(observation, None):
        st.session_state.pop(key, None)
        st.rerun()


def quick_rate(observation: Observation) -> None:
    """One-click 👍/👎 for the table's selected row, beside the rows."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(
            f"Rate the selected row ({labels.rating_text(observation.label) or 'not rated'})"
        )
        up = st.button("👍", key="observations.quick_up", help="The scanner got this right")
        down = st.button("👎", key="observations.quick_down", help="The scanner got this wrong")
    if up or down:
        feedback = observation.label.feedback if observation.label else ""
        if _save(observation, bool(up), feedback):
            st.rerun()


def _rated_items(view: state.View, answer: StatsView) -> Sequence[Observation] | None:
    """The rated observations of the filtered set: from the table's request when it holds the
    whole set (no request), else one list request of rated rows only."""
    request = table.plan(view, answer, 1)
    try:
        if request.whole_set:
            return [item for item in reads.window(view, request).items if item.label]
        filters = view.api_filters()
        extra = {**filters.pop("extra_params", {}), "labeled": "true"}
        page = cache.list_observations(
            view.scanner, limit=RATED_LIST_LIMIT, extra_params=extra, **filters
        )
    except VisionAPIError:
        return None
    return page.items


def section(scanner: Scanner, view: state.View, answer: StatsView) -> None:
    """Ratings of the filtered set: totals, by day, agreement by version and by result, in a
    collapsed section that costs nothing until opened."""
    if answer.stats.labels is None:
        return
    body = lazy_section("Ratings", "ratings", ":material/thumbs_up_down:")
    if body is not None:
        with body:
            _ratings(scanner, view, answer, answer.stats.labels)


def _ratings(scanner: Scanner, view: state.View, answer: StatsView, block: LabelStats) -> None:
    if block.total == 0:
        st.caption("No observation of this set is rated yet: rate one from its detail below.")
        return
    st.caption(
        f"{fmt.count(block.total, 'rated observation')}: {fmt.count(block.up_total)} 👍, "
        f"{fmt.count(block.down_total)} 👎 ({fmt.percent(block.up_total / block.total)} "
        "rated right)"
    )
    has_results = stats_charts.histogram_of(answer.stats) is not None or scanner.scanner_type == (
        "monitor"
    )
    items = _rated_items(view, answer) if has_results else None
    histogram = stats_charts.histogram_of(answer.stats)
    key = (view.scanner, view.filter_key(), view.days, block.total, items is not None)
    built = cache.remember(
        "observations:ratings", key, lambda: labels.specs(block, items, histogram)
    )
    columns = st.columns(3)
    for column, (name, description) in zip(
        columns,
        (
            ("by_day", "Ratings per day scanned"),
            ("by_version", "Share rated right per scanner version"),
            ("by_result", "Share rated right per verdict or score bucket"),
        ),
        strict=True,
    ):
        if name in built:
            with column:
                draw_chart(built[name], f"observations.chart_ratings_{name}", description)
