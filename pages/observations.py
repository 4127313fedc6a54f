"""Observations explorer: pick a scanner, filter, read its stats charts, page through its
observations, open one, compare scanner versions and export the whole filtered set.

Charts come from the stats endpoint; the table from one list request per filter, sort or page
change (none when nothing changed). Every filter, the sort, the page and the open observation
live in the URL.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from vision_api import VisionAPIError
from vision_console import frame, navigation
from vision_console.observations import paging, panels, state, stats_frames
from vision_console.observations import query as oq
from vision_console.observations import table as observations_table
from vision_console.observations.query import Notice, ObservationQuery
from vision_console.render import show_api_error

frame.draw(navigation.OBSERVATIONS)


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
        st.page_link(
            navigation.SCANNERS.path, label="Go to Scanners", icon=":material/arrow_forward:"
        )
        return None
    scanner, picked = panels.pick_scanner(scanners)
    query, restricted = oq.restrict_to_scanner_type(state.current_query(), scanner.scanner_type)
    notices += picked + restricted
    try:
        stats = state.stats(query)
    except VisionAPIError as error:
        # The filters stay drawn (and so keep their values) while the stats are unavailable.
        panels.filter_bar(scanner, query, list(query.tags), [query.bucket] if query.bucket else [])
        panels.show_notices(notices)
        show_api_error(error, "load this scanner's observation stats")
        return query
    summary = state.stats_summary(query, stats)
    buckets, labels = summary.buckets, list(summary.labels)
    if query.bucket is not None and query.bucket not in labels:
        notices.append(Notice(oq.P_BUCKET, "no such score bucket in this set; showing all."))
        state.set_fields(bucket=None)
        query = replace(query, bucket=None)
    window = (
        stats_frames.bucket_window(buckets, query.bucket, False)
        if buckets is not None and query.bucket
        else None
    )
    total = window[1] if window else summary.total
    pages = paging.page_count(total, query.page_size)
    if query.page > pages:
        notices.append(
            Notice(oq.P_PAGE, f"page {query.page} is past the end; showing page {pages}.")
        )
        state.set_fields(page=pages)
        query = replace(query, page=pages)
    panels.filter_bar(scanner, query, summary.tags, labels)
    with notice_area:
        panels.show_notices(notices)
    if summary.total == 0 and not query.has_filters():
        st.info(
            "No observations yet. They appear once the scanner runs on its schedule, or "
            "when you apply it to a session from the Scanners page.",
            icon=":material/hourglass_empty:",
        )
        return query
    panels.metric_strip(stats, query)
    if total == 0:
        st.info("No observations match your filters.", icon=":material/filter_alt_off:")
        return query
    panels.stats_charts(stats, scanner, query)
    return observations_table.render(scanner, query, total, buckets)


st.title("Observations")
notice_area = st.container()
final = explore(notice_area)
if final is not None:
    state.write_url(final)
