"""The Overview's fleet table: one page of scanners at a time, most expensive first.

The page in view is what the per-scanner activity is loaded for (``overview/progressive.py``):
``heading`` picks the page, ``draw`` shows it, first from the list alone while its activity
loads (``loading``), then with each scanner's stats.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
import streamlit as st

from vision_api import Scanner
from vision_console import format as fmt
from vision_console import navigation, render
from vision_console.overview import frames, progressive
from vision_console.overview.activity import RECENT_DAYS
from vision_console.overview.fleet import Fleet, observations_link
from vision_console.overview.frames import FLEET_COLUMNS

TABLE_KEY = "overview_fleet"
PAGE_KEY = "overview_fleet_page"
HIDDEN_COLUMNS = ("id", "scanner_type")
"""Kept in the frame (the row's link, the charts' colours), not shown: ``type`` is the label."""
PERIOD_COLUMNS = ("credits_this_month", "observations_this_month")
"""Shown only when the API's scanner list carries them (the credit era)."""


def heading(total: int) -> int:
    """The section's title and the page picker; the page in view (0-based)."""
    st.subheader("Scanners")
    count = progressive.pages(total)
    if count == 1:
        return 0
    number = st.number_input(
        f"Page (of {fmt.count(count)})",
        min_value=1,
        max_value=count,
        step=1,
        key=PAGE_KEY,
        help=f"{progressive.PAGE_SIZE} scanners a page, the highest estimated credits first; "
        "each page's activity loads when you open it.",
    )
    return int(number) - 1


def page_frame(table: pd.DataFrame, scanners: Sequence[Scanner]) -> pd.DataFrame:
    """The rows of ``scanners`` (the page in view), in their order."""
    rows = table.set_index("id", drop=False)
    return rows.loc[[s.id for s in scanners]].reset_index(drop=True)


def draw(
    fleet: Fleet | None, scanners: Sequence[Scanner], page: int, total: int, *, loading: bool
) -> None:
    """The page's table, a warning for its scanners whose activity failed, the row's link.

    ``fleet`` None draws the page from the list alone (its activity is loading).
    """
    first = page * progressive.PAGE_SIZE
    where = (
        f"Scanners {fmt.count(first + 1)}–{fmt.count(first + len(scanners))} of {fmt.count(total)}"
    )
    if fleet is None:
        table = frames.fleet_frame(scanners, {}, {}, observations_link)
    else:
        table = page_frame(fleet.table, scanners)
        _failures(fleet, {s.id for s in scanners})
    st.caption(where + (": loading their activity…" if loading else ""))
    shown = [
        column
        for column in FLEET_COLUMNS
        if column not in HIDDEN_COLUMNS
        and not (column in PERIOD_COLUMNS and table[column].isna().all())
    ]
    grid = pa.Table.from_pandas(table, preserve_index=False)
    if loading:  # drawn again once loaded, in the same run: no widget key here
        st.dataframe(grid, hide_index=True, column_order=shown, column_config=_COLUMNS)
        return
    selection = st.dataframe(
        grid,
        hide_index=True,
        key=TABLE_KEY,
        on_select="rerun",
        selection_mode="single-row",
        column_order=shown,
        column_config=_COLUMNS,
    )
    picked = [row for row in (selection.selection.rows if selection else []) if row < len(table)]
    if picked:
        row = table.iloc[picked[0]]
        st.page_link(
            navigation.OBSERVATIONS.path,
            label=f"Explore the observations of {render.escape_markdown(row['name'])}",
            icon=":material/visibility:",
            query_params={"scanner": row["id"]},
        )
    else:
        st.caption("Select a row to open its observations here, or use the ↗ link for a new tab.")


def _failures(fleet: Fleet, page_ids: set[str]) -> None:
    failed = [name for sid, name in fleet.failed if sid in page_ids]
    if fleet.first_error is None or not failed:
        return
    noun = "scanner" if len(failed) == 1 else "scanners"
    message = render.explain(fleet.first_error, f"load the activity of {len(failed)} {noun}")
    st.warning(
        render.escape_markdown(f"{message.as_text()}\nAffected: {', '.join(failed)}"),
        icon=":material/warning:",
    )


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
    "credits_this_month": st.column_config.NumberColumn(
        "Credits this month",
        format="localized",
        help="Succeeded observations in this billing period, priced by their model (the API's).",
    ),
    "observations_this_month": st.column_config.NumberColumn(
        "Observations this month",
        format="localized",
        help="Succeeded observations in this billing period (the API's count).",
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
