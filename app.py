"""Overview: the whole fleet at a glance — counts by type, creators, every scanner side by side."""

from __future__ import annotations

import streamlit as st

from vision_console import frame, navigation
from vision_console.overview import charts, fleet, fleet_table, metrics
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

result = fleet.fleet(project.scanners)
metrics.month(result)
fleet_table.section(result)
charts.section(result)
