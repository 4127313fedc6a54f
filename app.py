"""Overview: the whole fleet at a glance — counts by type, the month, every scanner side by side.

A handful of list requests whatever the fleet's size; each scanner's activity (two requests)
only for the page of the table in view, the rest on request (``overview/progressive.py``).
"""

from __future__ import annotations

import streamlit as st

from vision_console import frame, navigation
from vision_console.overview import charts, fleet, fleet_table, metrics, progressive, quota_panel
from vision_console.overview.activity import RECENT_DAYS

frame.draw(navigation.OVERVIEW)

st.title("Overview")
st.caption(
    "Every scanner of this project side by side: what it is set to, what it is expected to "
    f"cost each month, and what it observed over the last {RECENT_DAYS} days."
)

project = fleet.project()
if project is None:
    st.stop()
metrics.types(project)
if not project.scanners:
    fleet.no_scanners_yet()
    st.stop()

metrics.month(fleet.totals(project.scanners))
quota_panel.section(project.quota)
order = fleet.ordered(project.scanners)
page = fleet_table.heading(len(order))
visible = progressive.page_of(order, page)
state = progressive.loaded()
table_area = st.empty()
if state.missing([scanner.id for scanner in visible]):
    with table_area.container():
        fleet_table.draw(None, visible, page, len(order), loading=True)
    progressive.ensure(visible, state)
result = fleet.fleet(project.scanners, state)
with table_area.container():
    fleet_table.draw(result, visible, page, len(order), loading=False)
progressive.rest_section(order, state)
charts.section(result, len(order))
