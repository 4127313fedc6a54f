"""Observations explorer: pick a scanner, filter, read its stats charts, page through its
observations, open one, compare scanner versions and export the whole filtered set.

Charts come from the stats endpoint; the table from one list request per filter, sort or page
change (none when nothing changed). Every filter, the sort, the page and the open observation
live in the URL (``observations.state``), so a copied link reproduces the view.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from vision_console import frame, navigation
from vision_console.observations import (
    filters,
    label_panel,
    panels,
    reads,
    retry_panel,
    state,
    table,
    trend_panel,
    whole_set,
)

frame.draw(navigation.OBSERVATIONS)

st.title("Observations")
notice_area = st.container()

# -- the scanner (the view is read from the URL or the remembered view first) ------------------
scanner = panels.scanner_picker()

if scanner is not None:
    # -- its stats (the view settles on them), then the filters (drawn even when the stats
    # failed, so they keep their values)
    stats = panels.stats(scanner)
    view = state.view()
    current_era = reads.current_era()
    filters.bar(scanner, view, stats.stats if stats else None, current_era)
    with st.container():
        retry_panel.last_outcome()

    # -- metrics, charts, the table with the open observation, the whole set. Each section
    # holds one place in the page even when it draws nothing (no failed rows to retry, no
    # ratings), so the sections below it keep their place and the browser updates them in
    # place: a table that moved down one place was built again, ~150 ms a click (issue 14).
    if stats is not None and panels.metric_strip(view, stats):
        for draw_section in (
            partial(panels.charts, scanner, view, stats),
            partial(trend_panel.section, scanner, view, stats),
            partial(label_panel.section, scanner, view, stats),
            partial(retry_panel.section, scanner, view, stats, current_era),
            partial(table.section, scanner, stats),
            partial(whole_set.section, scanner, view, stats),
        ):
            with st.container():
                draw_section()

    # -- what fell back, then the view into the URL ---------------------------------------
    with notice_area:
        state.show_notices()
    state.write_url()
