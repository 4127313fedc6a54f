"""The quota meter every page draws from a ``vision_console.quota.Projection``.

A coloured verdict (PostHog's pill: "On track", "Nearing limit", "Limit by …"), the projected
share of the limit at the period's end, a stacked bar (spent, committed backfills, the scanners'
projection, and what the change being considered adds) against a rule at the limit, and the
status line when the meter is amber or red. Numbers only: nothing here comes from free text.
"""

from __future__ import annotations

from typing import Any, Literal

import altair as alt
import pandas as pd
import streamlit as st

from vision_console import cache, quota, render
from vision_console import format as fmt
from vision_console.chart_spec import chart_spec

BadgeColour = Literal["green", "orange", "red", "gray"]

STATUS_COLOURS: dict[quota.Status, BadgeColour] = {
    "safe": "green",
    "warning": "orange",
    "danger": "red",
}
SEGMENT_COLOURS = {
    "Spent": "#4c6ef5",
    "Backfills": "#845ef7",
    "Scanners": "#91a7ff",
    "This change": "#f08c00",
    "Blocked": "#e03131",
}
METER_HEIGHT = 26


def headline(projection: quota.Projection) -> str:
    """``87% by Dec 1, 2026 · 1,234 of 3,000 credits used``: the meter's one-line summary."""
    if not projection.metered:
        projected = quota.amount(projection.monthly_rate, projection.unit)
        return f"{quota.amount(projection.used, projection.unit)} used; about {projected} a month"
    by = f" by {fmt.day(projection.period_end)}" if projection.period_end else ""
    used = fmt.count(projection.used)
    limit = quota.amount(projection.limit, projection.unit)
    return f"{projection.percent_label}{by} · {used} of {limit} used"


def meter_chart(projection: quota.Projection) -> alt.LayerChart:
    """One stacked bar of the segments, on a scale to the limit (or past it), the limit ruled."""
    rows = [
        {
            "part": segment.name,
            "order": index,
            "share": segment.share,
            "amount": quota.amount(segment.amount, projection.unit),
        }
        for index, segment in enumerate(projection.segments)
    ]
    top = max(1.0, sum(segment.share for segment in projection.segments))
    names = [segment.name for segment in projection.segments]
    bars = (
        alt.Chart(pd.DataFrame(rows, columns=["part", "order", "share", "amount"]))
        .mark_bar(height=METER_HEIGHT - 8)
        .encode(
            x=alt.X(
                "share:Q",
                stack="zero",
                scale=alt.Scale(domain=[0, top], nice=False),
                axis=alt.Axis(format="%", title=None, tickCount=4, grid=False),
            ),
            color=alt.Color(
                "part:N",
                scale=alt.Scale(domain=names, range=[SEGMENT_COLOURS[name] for name in names]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("part:N", title="Part"),
                alt.Tooltip("amount:N", title="Amount"),
                alt.Tooltip("share:Q", title="Of the limit", format=".0%"),
            ],
        )
    )
    limit = (
        alt.Chart(pd.DataFrame({"share": [1.0]}))
        .mark_rule(color="#212529", strokeWidth=2)
        .encode(x="share:Q", tooltip=[alt.Tooltip("share:Q", title="Limit", format=".0%")])
    )
    return alt.LayerChart(
        layer=[bars, limit],
        height=METER_HEIGHT,
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )


def _spec(projection: quota.Projection) -> dict[str, Any]:
    return chart_spec(meter_chart(projection))


def draw_meter(projection: quota.Projection, *, title: str = "Quota this period") -> None:
    """The verdict, the summary, the bar and the status line of ``projection``.

    Without a limit only the verdict and what is used and projected are drawn (no bar).
    """
    colour: BadgeColour = STATUS_COLOURS[projection.status] if projection.metered else "gray"
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(f"**{title}**")
        st.badge(projection.pill, color=colour)
    st.caption(headline(projection))
    if not projection.metered:
        return
    spec = cache.remember(f"quota_meter:{title}", (projection,), lambda: _spec(projection))
    st.vega_lite_chart(spec, width="stretch")
    line = projection.status_line
    if line is not None:
        status_note(line, projection.status)


_NOTE_STYLES = {
    "danger": ":red[:material/block: {}]",
    "warning": ":orange[:material/warning: {}]",
}


def status_note(text: str, status: str) -> None:
    """A projection's line in its status colour: red for danger, amber for warning, a plain
    caption when safe. Coloured text rather than an alert box: a projection informs a choice,
    while alerts are kept for what failed or must be fixed (a refused save, an outage)."""
    style = _NOTE_STYLES.get(status)
    if style is None:
        st.caption(text)
    else:
        st.markdown(style.format(render.escape_markdown(text)))
