"""The Overview's charts: estimated monthly cost by scanner, and observations over time.

Pure Altair builders over ``vision_console.overview.frames`` output, and ``section``, which draws
the specs the fleet result already holds (built once per data generation, never on a rerun).
Every mark carries a tooltip; scanner types keep the registry's colours and order everywhere
(``vision_console.scanner_types``), and a type this console does not know is drawn in the
generic grey.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import altair as alt
import streamlit as st

from vision_console import chart_spec, cost, render, scanner_types
from vision_console import format as fmt
from vision_console.overview.activity import RECENT_DAYS, RECENT_OBSERVATIONS_CAP

if TYPE_CHECKING:
    import pandas as pd

    from vision_console.overview.fleet import Fleet

BAR_ROW_HEIGHT = 24
OVER_TIME_HEIGHT = 220
_COUNT_FORMAT = ",.0f"
# Width follows the container; height is the plotting area alone (Streamlit's default "fit"
# would squeeze the plot to make room for titles, legends and axes).
_AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")


def section(fleet: Fleet, total: int) -> None:
    """Cost beside daily activity, one row; a note where there is nothing to draw.

    The cost chart covers every scanner (from the list); the daily chart only the ``active``
    ones whose activity is loaded, and says so when that is fewer than ``total``.
    """
    with st.container(horizontal=True):
        if fleet.cost_spec is None:
            st.info("No enabled scanner has an estimate yet.", icon=":material/payments:")
        else:
            chart_spec.draw(fleet.cost_spec, width="stretch")
        partial = (
            f"Of the {fmt.count(fleet.active)} of {fmt.count(total)} scanners whose activity "
            "is loaded."
            if fleet.active < total
            else ""
        )
        if fleet.daily_spec is None:
            st.info(
                f"No observations in the last {RECENT_DAYS} days. {partial}".strip(),
                icon=":material/timeline:",
            )
            return
        with st.container():
            chart_spec.draw(fleet.daily_spec, width="stretch")
            if partial:
                st.caption(partial)
            if fleet.capped_names:
                st.caption(
                    f"Counts only the newest {fmt.count(RECENT_OBSERVATIONS_CAP)} observations "
                    "of: " + render.escape_markdown(", ".join(fleet.capped_names))
                )


def type_scale(kinds: Iterable[str]) -> alt.Scale:
    """Type labels to their colours: the registry's types first, in order, then any new ones."""
    ordered = [
        *scanner_types.KNOWN_TYPES,
        *sorted(set(kinds) - set(scanner_types.KNOWN_TYPES)),
    ]
    colours = {scanner_types.label(kind): scanner_types.facts(kind).color for kind in ordered}
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def monthly_cost_by_scanner_chart(costs: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of estimated credits per month per enabled scanner, coloured by type.

    ``costs`` is ``vision_console.overview.frames.monthly_cost_frame`` output (most expensive
    first); the legend names the types by their labels, in the registry's order and colours.
    """
    total = int(costs["est_credits"].sum()) if not costs.empty else 0
    chart: alt.Chart = (
        alt.Chart(costs)
        .mark_bar()
        .encode(
            x=alt.X(
                "est_credits:Q",
                title="Estimated credits / month",
                axis=alt.Axis(format=_COUNT_FORMAT),
            ),
            y=alt.Y("name:N", title=None, sort=list(costs["name"])),
            color=alt.Color("type:N", title="Type", scale=type_scale(costs["scanner_type"])),
            tooltip=[
                alt.Tooltip("name:N", title="Scanner"),
                alt.Tooltip("type:N", title="Type"),
                alt.Tooltip(
                    "est_observations:Q", title="Observations / month", format=_COUNT_FORMAT
                ),
                alt.Tooltip("est_credits:Q", title="Credits / month", format=_COUNT_FORMAT),
                alt.Tooltip("est_dollars:Q", title="$ / month", format="$,.2f"),
                alt.Tooltip("share:Q", title="Share of fleet", format=".0%"),
            ],
        )
        .properties(
            height=max(BAR_ROW_HEIGHT, BAR_ROW_HEIGHT * len(costs)),
            autosize=_AUTOSIZE,
            title=alt.TitleParams(
                "Estimated monthly cost by scanner",
                subtitle=(
                    f"{total:,} credits ({fmt.money(cost.dollars_for(total))}) a month"
                    " across enabled scanners"
                ),
                anchor="start",
            ),
        )
    )
    return chart


def observations_over_time_chart(daily: pd.DataFrame, days: int) -> alt.Chart:
    """Stacked daily observations across scanners over the last ``days`` days.

    ``daily`` is ``vision_console.overview.frames.daily_observations`` output.
    """
    chart: alt.Chart = (
        alt.Chart(daily)
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(date):T", title=None, axis=alt.Axis(format="%b %d")),
            y=alt.Y("sum(observations):Q", title="Observations", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("scanner:N", title="Scanner"),
            tooltip=[
                alt.Tooltip("yearmonthdate(date):T", title="Day"),
                alt.Tooltip("scanner:N", title="Scanner"),
                alt.Tooltip("sum(observations):Q", title="Observations"),
            ],
        )
        .properties(
            height=OVER_TIME_HEIGHT,
            autosize=_AUTOSIZE,
            title=alt.TitleParams(
                "Observations over time, across all scanners",
                subtitle=f"Last {days} days, by day (UTC)",
                anchor="start",
            ),
        )
    )
    return chart
