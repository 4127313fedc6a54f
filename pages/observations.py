"""Observations explorer: pick a scanner, filter, read its stats charts, page through its
observations, open one, compare scanner versions and export the whole filtered set.

Charts come from the stats endpoint; the table from one list request per filter, sort or page
change (none when nothing changed). Every filter, the sort, the page and the open observation
live in the URL.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pandas as pd
import streamlit as st

from console import connection
from console import observation_detail as detail
from console import observation_paging as paging
from console import observation_query as oq
from console import observation_records as obs_records
from console import observation_stats as stats_frames
from console import observations_analysis as analysis
from console import observations_panels as panels
from console import observations_state as state
from console.observation_query import Notice, ObservationQuery
from console.render import show_api_error
from vision_api import NotFoundError, Scanner, VisionAPIError


def explore(notice_area: st.delta_generator.DeltaGenerator) -> ObservationQuery | None:
    """Draw the page; returns the view to mirror into the URL (None when there is none)."""
    notices = state.sync_from_url()
    try:
        scanners = state.scanners()
    except VisionAPIError as error:
        show_api_error(error, "load the scanners")
        return None
    if not scanners:
        st.info(
            "No scanners yet. Create one on the Scanners page; its observations will "
            "appear here once it runs.",
            icon=":material/radar:",
        )
        st.page_link("pages/scanners.py", label="Go to Scanners", icon=":material/arrow_forward:")
        return None
    scanner, picked = panels.pick_scanner(scanners)
    query, restricted = oq.restrict_to_scanner_type(state.current_query(), scanner.scanner_type)
    notices += picked + restricted
    try:
        with st.spinner("Loading stats…"):
            stats = state.stats(query)
    except VisionAPIError as error:
        # The filters stay drawn (and so keep their values) while the stats are unavailable.
        panels.filter_bar(scanner, list(query.tags), [query.bucket] if query.bucket else [])
        panels.show_notices(notices)
        show_api_error(error, "load this scanner's observation stats")
        return query
    buckets = stats_frames.histogram_frame(stats)
    labels = list(buckets["bucket"]) if buckets is not None else []
    if query.bucket is not None and query.bucket not in labels:
        notices.append(Notice(oq.P_BUCKET, "no such score bucket in this set; showing all."))
        state.set_fields(bucket=None)
        query = replace(query, bucket=None)
    window = (
        stats_frames.bucket_window(buckets, query.bucket, False)
        if buckets is not None and query.bucket
        else None
    )
    total = window[1] if window else int(stats_frames.status_metrics(stats)["total"] or 0)
    pages = paging.page_count(total, query.page_size)
    if query.page > pages:
        notices.append(
            Notice(oq.P_PAGE, f"page {query.page} is past the end; showing page {pages}.")
        )
        state.set_fields(page=pages)
        query = replace(query, page=pages)
    panels.filter_bar(scanner, stats_frames.available_tags(stats), labels)
    with notice_area:
        panels.show_notices(notices)
    if stats_frames.status_metrics(stats)["total"] == 0 and not query.has_filters():
        st.info(
            "No observations yet. They appear once the scanner runs on its schedule, or "
            "when you apply it to a session from the Scanners page.",
            icon=":material/hourglass_empty:",
        )
        return query
    panels.metric_strip(stats)
    if total == 0:
        st.info("No observations match your filters.", icon=":material/filter_alt_off:")
        return query
    panels.stats_charts(stats, scanner, query)
    return table_and_detail(scanner, query, total, buckets)


def table_and_detail(
    scanner: Scanner, query: ObservationQuery, total: int, buckets: pd.DataFrame | None
) -> ObservationQuery:
    """The paginated table, the open observation, and the whole-set section below them."""
    st.subheader("Observation history")
    plan = paging.plan_page_request(
        total, query.page, query.page_size, query.order_by, buckets, query.bucket
    )
    if plan.order_by != query.order_by:
        st.caption(f"Sorted by score ({oq.sort_label(plan.order_by)}) inside the score bucket.")
    try:
        with st.spinner("Loading observations…"):
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
    rows = window.iloc[plan.start : plan.start + query.page_size]
    size = len(window) if plan.whole_set else total
    pages = paging.page_count(size, query.page_size)
    if query.page > pages:  # fewer rows arrived than the stats counted
        state.set_fields(page=pages)
        query = replace(query, page=pages)
    page_ids = list(rows["id"])
    key = state.table_key(query)
    target = state.pending()
    position = {paging.FIRST: 0, paging.LAST: len(page_ids) - 1}.get(target or "")
    if target in page_ids:
        position = page_ids.index(target)
    if position is not None and page_ids:
        state.select_row(key, position)
        state.clear_pending()
    table = state.memoised(
        "table", (key, plan), lambda: obs_records.table_frame(rows, scanner.scanner_type)
    )
    selected = panels.observation_table(table, scanner, key)
    first = (query.page - 1) * query.page_size
    panels.pagination(query.page, pages, first + 1, first + len(rows), size)
    shown = None
    if selected is not None:
        state.clear_pending()
        shown = result.items[plan.start + selected]
        steps = [
            paging.step_target(
                query.page,
                query.page_size,
                selected,
                size,
                step,
                page_ids,
                list(window["id"]) if plan.whole_set else None,
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
    base = paging.plan_page_request(
        total, 1, query.page_size, query.order_by, buckets, query.bucket
    )
    analysis.render(scanner, query, base, size, window if plan.whole_set else None)
    return replace(query, observation_id=shown.id if shown is not None else None)


st.title("Observations")
notice_area = st.container()
final = explore(notice_area)
if final is not None:
    state.write_url(final)
