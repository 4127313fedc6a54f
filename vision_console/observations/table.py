"""The Observations explorer's table: one list request per view, the open observation with
previous/next through the filtered set, and the whole-set section below.

A small filtered set (up to ``WHOLE_SET_LIMIT`` rows) arrives in one request and is paged here,
so paging and previous/next cost nothing; a larger one is fetched a page at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial

import pandas as pd
import pyarrow as pa
import streamlit as st

from vision_api import NotFoundError, Observation, Scanner, VisionAPIError
from vision_console import connection
from vision_console.observations import analysis, detail, paging, panels, state
from vision_console.observations import query as oq
from vision_console.observations import records as obs_records
from vision_console.observations.query import ObservationQuery
from vision_console.render import show_api_error


def render(
    scanner: Scanner, query: ObservationQuery, total: int, buckets: pd.DataFrame | None
) -> ObservationQuery:
    """The paginated table, the open observation, and the whole-set section below them.

    Returns the view with the open observation's id, for the URL.
    """
    st.subheader("Observation history")
    plan = paging.plan_page_request(
        total, query.page, query.page_size, query.order_by, buckets, query.bucket
    )
    if plan.order_by != query.order_by:
        st.caption(f"Sorted by score ({oq.sort_label(plan.order_by)}) inside the score bucket.")
    try:
        result = state.page(query, plan.order_by, plan.offset, plan.limit)
    except VisionAPIError as error:
        show_api_error(error, "load the observations")
        return query
    link = connection.current().recording_url
    window = state.memoised(
        "window",
        (query.scanner_id, query.filter_key(), plan.order_by, plan.offset, plan.limit),
        lambda: obs_records.observation_records(result.items, link),
    )
    page_rows = state.memoised(
        "page_rows",
        (query.scanner_id, query.filter_key(), plan, query.page_size, scanner.scanner_type),
        lambda: _page_rows(window, plan.start, query.page_size, scanner.scanner_type),
    )
    size = len(window) if plan.whole_set else total
    pages = paging.page_count(size, query.page_size)
    if query.page > pages:  # fewer rows arrived than the stats counted
        state.set_fields(page=pages)
        query = replace(query, page=pages)
    page_ids = page_rows.ids
    key = state.table_key(query)
    target = state.pending()
    position = {paging.FIRST: 0, paging.LAST: len(page_ids) - 1}.get(target or "")
    if target in page_ids:
        position = page_ids.index(target)
    if position is not None and page_ids:
        state.select_row(key, position)
        state.clear_pending()
    selected = panels.observation_table(page_rows.table, scanner, key)
    first = (query.page - 1) * query.page_size
    panels.pagination(query.page, pages, first + 1, first + len(page_ids), size)
    shown = _detail(
        scanner,
        query,
        result.items,
        window if plan.whole_set else None,
        plan.start,
        selected,
        target,
        size,
        key,
    )
    base = paging.plan_page_request(
        total, 1, query.page_size, query.order_by, buckets, query.bucket
    )
    analysis.render(scanner, query, base, size, window if plan.whole_set else None)
    return replace(query, observation_id=shown.id if shown is not None else None)


@dataclass(frozen=True)
class PageRows:
    """One table page, derived once per response: its observation ids and its grid."""

    ids: list[str]
    table: pa.Table


def _page_rows(window: pd.DataFrame, start: int, size: int, scanner_type: str) -> PageRows:
    rows = window.iloc[start : start + size]
    table = pa.Table.from_pandas(obs_records.table_frame(rows, scanner_type), preserve_index=False)
    return PageRows(list(rows["id"]), table)


def _detail(
    scanner: Scanner,
    query: ObservationQuery,
    items: Sequence[Observation],
    whole_set: pd.DataFrame | None,
    start: int,
    selected: int | None,
    target: str | None,
    size: int,
    key: str,
) -> Observation | None:
    """The selected row's observation, or the one a link named that is not on this page."""
    link = connection.current().recording_url
    page_ids = [item.id for item in items[start : start + query.page_size]]
    first = (query.page - 1) * query.page_size
    shown: Observation | None = None
    if selected is not None:
        state.clear_pending()
        shown = items[start + selected]
        steps = [
            paging.step_target(
                query.page,
                query.page_size,
                selected,
                size,
                step,
                page_ids,
                list(whole_set["id"]) if whole_set is not None else None,
            )
            for step in (-1, +1)
        ]
        actions = [(state.go_to, target_step) if target_step else None for target_step in steps]
        detail.render(
            shown,
            scanner.scanner_type,
            link(shown.session_id),
            first + selected,
            size,
            actions[0],
            actions[1],
            partial(state.close_detail, key),
        )
    elif target and target not in (paging.FIRST, paging.LAST):
        try:
            shown = state.observation(scanner.id, target)
        except NotFoundError:
            st.warning("The linked observation no longer exists.", icon=":material/link_off:")
            state.clear_pending()
        except VisionAPIError as error:
            show_api_error(error, "load the linked observation")
        else:
            st.caption("The linked observation is not on this page of the table.")
            detail.render(
                shown,
                scanner.scanner_type,
                link(shown.session_id),
                None,
                size,
                None,
                None,
                partial(state.close_detail, key),
            )
    return shown
