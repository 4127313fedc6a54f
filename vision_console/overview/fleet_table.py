"""The Overview's fleet table: every scanner side by side, a row opening its observations.

Draws the frame the fleet result holds (``overview/frames.py`` builds it), converted to Arrow once,
so a rerun only redraws it. A scanner whose activity failed keeps its row, with empty cells, under
a warning naming it. Selecting a row offers a link to that scanner's observations; the ↗ column
opens them in a new tab.
"""

from __future__ import annotations

import streamlit as st

from vision_console import navigation, render
from vision_console.overview.activity import RECENT_DAYS
from vision_console.overview.fleet import Fleet
from vision_console.overview.frames import FLEET_COLUMNS

TABLE_KEY = "overview_fleet"
HIDDEN_COLUMNS = ("id", "scanner_type")
"""Kept in the frame (the row's link, the charts' colours), not shown: ``type`` is the label."""


def section(fleet: Fleet) -> None:
    """The table, a warning for the scanners whose activity failed, and the selected row's link."""
    st.subheader("Scanners")
    if fleet.first_error is not None:
        failed = fleet.failed_names
        noun = "scanner" if len(failed) == 1 else "scanners"
        message = render.explain(fleet.first_error, f"load the activity of {len(failed)} {noun}")
        st.warning(
            render.escape_markdown(f"{message.as_text()}\nAffected: {', '.join(failed)}"),
            icon=":material/warning:",
        )
    selection = st.dataframe(
        fleet.arrow_table,
        hide_index=True,
        key=TABLE_KEY,
        on_select="rerun",
        selection_mode="single-row",
        column_order=[column for column in FLEET_COLUMNS if column not in HIDDEN_COLUMNS],
        column_config=_COLUMNS,
    )
    picked = selection.selection.rows if selection else []
    if picked:
        row = fleet.table.iloc[picked[0]]
        st.page_link(
            navigation.OBSERVATIONS.path,
            label=f"Explore the observations of {render.escape_markdown(row['name'])}",
            icon=":material/visibility:",
            query_params={"scanner": row["id"]},
        )
    else:
        st.caption("Select a row to open its observations here, or use the ↗ link for a new tab.")


_COLUMNS = {
    "name": st.column_config.TextColumn("Scanner", pinned=True),
    "type": st.column_config.TextColumn("Type"),
    "enabled": st.column_config.CheckboxColumn("Enabled"),
    "sampling_rate": st.column_config.NumberColumn("Sampling", format="percent"),
    "model": st.column_config.TextColumn("Model"),
    "est_observations": st.column_config.NumberColumn(
        "Est. observations / month",
        format="localized",
        help="The server's estimate; disabled scanners have no schedule, so 0.",
    ),
    "est_credits": st.column_config.NumberColumn(
        "Est. credits / month", format="localized", help="Observations × the model's price."
    ),
    "observations_recent": st.column_config.NumberColumn(
        f"Observations, {RECENT_DAYS} d", help=f"Sessions observed in the last {RECENT_DAYS} days."
    ),
    "observations_total": st.column_config.NumberColumn("Observations, all"),
    "success_rate": st.column_config.NumberColumn(
        "Success rate",
        format="%d%%",
        help="Succeeded / (succeeded + failed) over the scanner's observations.",
    ),
    "last_observation": st.column_config.DatetimeColumn("Last observation", format="distance"),
    "observations_link": st.column_config.LinkColumn(
        "Explore",
        display_text="Observations ↗",
        help="Opens the Observations page filtered to this scanner, in a new tab.",
    ),
}
"""How each shown column is headed and formatted."""
