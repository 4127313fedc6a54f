"""The explorer's table: one list request per view, pagination, and the open observation with
previous/next through the filtered set.

A small filtered set (up to ``paging.WHOLE_SET_LIMIT`` rows) arrives in one request and is
paged here, so paging and previous/next cost nothing; a larger one is fetched a page at a time.
The open observation is the view's ``obs``: a link or previous/next names it (``state.pending``)
and the table selects its row, or the detail fetches it when it is not on this page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

import pyarrow as pa
import streamlit as st

from vision_api import NotFoundError, Observation, Scanner, VisionAPIError
from vision_console import connection, scanner_types
from vision_console import format as fmt
from vision_console.observations import (
    detail,
    label_panel,
    paging,
    reads,
    retry_panel,
    state,
    stats_charts,
)
from vision_console.observations.reads import StatsView, Window
from vision_console.observations.state import View
from vision_console.render import show_api_error


def plan(view: View, answer: StatsView, page: int) -> paging.PageRequest:
    """The list request behind ``page`` of the view."""
    return paging.plan_page_request(
        answer.stats.status_counts.total,
        page,
        view.size,
        view.sort,
        stats_charts.histogram_of(answer.stats),
        view.bucket,
    )


def section(scanner: Scanner, answer: StatsView) -> None:
    """The paginated table and, below it, the open observation."""
    st.subheader("Observation history")
    _history(scanner, answer)


@st.fragment
def _history(scanner: Scanner, answer: StatsView) -> None:
    """The table, its pager and the open observation, as a fragment: turning a page or opening
    a row reruns only this part, not the charts and metrics above it, which a page change
    leaves as they are (issue 14: click latency). The view is read here, not passed in, so a
    fragment rerun sees the page it was asked for; a filter or sort change outside reruns the
    whole page, and this with it."""
    view = state.view()
    request = plan(view, answer, view.page)
    try:
        rows = reads.window(view, request)
    except VisionAPIError as error:
        show_api_error(error, "load the observations")
        return
    rated = label_panel.enabled(answer)
    page_rows = reads.page_rows(view, request, rows, scanner.scanner_type, rated)
    size = len(rows.records) if request.whole_set else answer.stats.status_counts.total
    pages = paging.page_count(size, view.size)
    if view.page > pages:  # fewer rows arrived than the stats counted
        state.STATE.set(page=pages)
        view = replace(view, page=pages)
    state.settle_table(view)
    key = state.table_key(view)
    retry_panel.after_retry(key, view.page)
    target = state.pending()
    ids = page_rows.ids
    position = {paging.FIRST: 0, paging.LAST: len(ids) - 1}.get(target or "")
    if target in ids:
        position = ids.index(target)
    if position is not None and ids:
        state.select_row(key, position)
        state.clear_pending()
    selected = observation_table(page_rows.table, scanner, key)
    first = (view.page - 1) * view.size
    pagination(view.page, pages, first + 1, first + len(ids), size)
    if rated and selected is not None and not connection.current().read_only:
        chosen = rows.observation_at(request.start + selected)
        if label_panel.rateable(chosen):
            label_panel.quick_rate(chosen)
    actions = partial(_actions, scanner, rated, reads.current_era())
    shown = _detail(scanner, view, rows, request, selected, target, size, key, actions)
    state.show_observation(shown.id if shown is not None else None)
    state.write_url()  # a fragment rerun ends here, not at the page's own write


def _detail(
    scanner: Scanner,
    view: View,
    rows: Window,
    request: paging.PageRequest,
    selected: int | None,
    target: str | None,
    size: int,
    key: str,
    actions: Callable[[Observation], None],
) -> Observation | None:
    """The selected row's observation, or the one a link named that is not on this page."""
    link = connection.current().recording_url
    close = partial(state.close_detail, key)
    if selected is not None:
        state.clear_pending()
        shown = rows.observation_at(request.start + selected)
        page_ids = list(rows.records["id"].iloc[request.start : request.start + view.size])
        whole = list(rows.records["id"]) if request.whole_set else None
        steps = [
            paging.step_target(view.page, view.size, selected, size, step, page_ids, whole)
            for step in (-1, +1)
        ]
        previous, following = ((state.go_to, step) if step else None for step in steps)
        first = (view.page - 1) * view.size
        detail.render(
            shown,
            scanner.scanner_type,
            link(shown.session_id),
            first + selected,
            size,
            previous,
            following,
            close,
            partial(actions, shown),
        )
        return shown
    if not target or target in (paging.FIRST, paging.LAST):
        return None
    try:
        linked = reads.observation(scanner.id, target)
    except NotFoundError:
        st.warning("The linked observation no longer exists.", icon=":material/link_off:")
        state.clear_pending()
        return None
    except VisionAPIError as error:
        show_api_error(error, "load the linked observation")
        return None
    st.caption("The linked observation is not on this page of the table.")
    detail.render(
        linked,
        scanner.scanner_type,
        link(linked.session_id),
        None,
        size,
        None,
        None,
        close,
        partial(actions, linked),
    )
    return linked


def _actions(scanner: Scanner, rated: bool, current_era: bool, shown: Observation) -> None:
    """What the server lets a person do with one observation: rate its result, or retry it
    if it failed (a rating it already has is shown either way)."""
    read_only = connection.current().read_only
    if rated and label_panel.rateable(shown) and not read_only:
        label_panel.detail_rating(shown)
    elif rated and (read_only or shown.label is not None):
        label_panel.current_rating(shown)
    if current_era and not read_only:
        retry_panel.retry_one(shown, scanner)


def _column_config(scanner: Scanner) -> dict[str, Any]:
    """The grid's columns; the result column is the scanner type's (its ``result_column``)."""
    facts = scanner_types.facts(scanner.scanner_type)
    heading = facts.result_label
    result: Any
    match facts.result_column:
        case "score":
            scale = scanner.scanner_config.get("scale")
            low, high = (scale.get("min"), scale.get("max")) if isinstance(scale, dict) else (0, 0)
            if isinstance(low, int | float) and isinstance(high, int | float) and high > low:
                result = st.column_config.ProgressColumn(
                    stats_charts.score_label(scanner) or heading,
                    min_value=float(low),
                    max_value=float(high),
                    format="%.1f",
                )
            else:
                result = st.column_config.NumberColumn(heading, format="%.2f")
        case "all_tags":
            result = st.column_config.ListColumn(heading)
        case _:
            result = st.column_config.TextColumn(heading)
    when = partial(st.column_config.DatetimeColumn, format="YYYY-MM-DD HH:mm:ss", timezone="UTC")
    return {
        "Status": st.column_config.TextColumn("Status"),
        "Result": result,
        "Reason": st.column_config.TextColumn("Reason", help="Why it failed or was skipped"),
        "Session": st.column_config.TextColumn("Session"),
        "Recording": st.column_config.LinkColumn(
            "Recording", display_text="Open ↗", help="The session recording in PostHog"
        ),
        "Triggered by": st.column_config.TextColumn("Triggered by"),
        "Version": st.column_config.NumberColumn(
            "Version", format="v%d", help="Scanner version at scan time"
        ),
        "Confidence": st.column_config.ProgressColumn(
            "Confidence", min_value=0.0, max_value=1.0, format="percent"
        ),
        "Started": when("Started"),
        "Completed": when("Completed"),
        "Duration (s)": st.column_config.NumberColumn("Duration", format="%.1f s"),
        "Rating": st.column_config.TextColumn(
            "Rating", help="👍 the scanner got it right, 👎 wrong (rated by your team)"
        ),
    }


def column_order(names: list[str]) -> list[str]:
    """The grid's columns in order: a rating sits beside the result it judges (the grid is
    wide, so a last column would start out of view)."""
    if "Rating" not in names or "Result" not in names:
        return names
    rest = [name for name in names if name != "Rating"]
    at = rest.index("Result") + 1
    return [*rest[:at], "Rating", *rest[at:]]


def observation_table(table: pa.Table, scanner: Scanner, key: str) -> int | None:
    """The page's rows (an Arrow table, converted once per page, not on every rerun); returns
    the position of the selected row, if any."""
    event = st.dataframe(
        table,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        column_order=column_order(table.column_names),
        column_config=_column_config(scanner),
        width="stretch",
        placeholder="—",
    )
    rows = list(event.selection.rows) if event is not None else []
    return rows[0] if rows and 0 <= rows[0] < table.num_rows else None


def pagination(page: int, pages: int, first_row: int, last_row: int, total: int) -> None:
    """Rows shown, previous/next page buttons and a page number box, in one row."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(
            f"Rows {fmt.count(first_row)}–{fmt.count(last_row)} of {fmt.count(total)} · "
            f"page {fmt.count(page)} of {fmt.count(pages)}"
        )
        st.button(
            "Previous page",
            icon=":material/chevron_left:",
            key="observations.previous_page",
            disabled=page <= 1,
            on_click=state.go_to,
            args=(page - 1,),
        )
        st.button(
            "Next page",
            icon=":material/chevron_right:",
            key="observations.next_page",
            disabled=page >= pages,
            on_click=state.go_to,
            args=(page + 1,),
        )
        st.number_input(
            "Page",
            min_value=1,
            max_value=pages,
            step=1,
            key=state.STATE.key("page"),
            label_visibility="collapsed",
            width=140,
        )
