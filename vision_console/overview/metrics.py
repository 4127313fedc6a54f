"""The Overview's metric strips: scanners per type and their creators, then the fleet's month.

Types are counted, labelled and ordered by ``vision_console.scanner_types`` (every known type,
zeros kept, then any type a newer server sends, labelled generically and explained by a notice).
The month is the sum of the server's estimates over enabled scanners.
"""

from __future__ import annotations

import streamlit as st

from vision_console import cache, cost, render, scanner_types
from vision_console import format as fmt
from vision_console.overview import frames
from vision_console.overview.fleet import Project


def types(project: Project) -> None:
    """Enabled / total scanners overall and per type, and who created them."""
    stats = project.type_counts
    counts = cache.remember("overview:types", (stats,), lambda: frames.type_counts(stats))
    with st.container(horizontal=True):
        st.metric("Enabled scanners", f"{stats.enabled} / {stats.total}", border=True)
        for count in counts:
            st.metric(
                render.escape_markdown(count.label), f"{count.enabled} / {count.total}", border=True
            )
    for count in counts:
        if not count.known:
            st.info(
                render.escape_markdown(scanner_types.unknown_type_notice(count.kind)),
                icon=":material/help:",
            )
    creators = project.creators
    names = ", ".join(render.escape_markdown(user.display_name) for user in creators)
    st.caption(
        f"**{len(creators)} creators**: {names}" if creators else "No scanner has a creator yet."
    )


def month(totals: dict[str, int | None]) -> None:
    """The fleet's estimated observations and credits a month, and what this billing period
    has used so far (when the API's list says; the quota meter is ``overview/quota_panel``)."""
    est_observations = totals["est_observations"] or 0
    est_credits = totals["est_credits"] or 0
    with st.container(horizontal=True):
        st.metric("Estimated observations / month", fmt.count(est_observations), border=True)
        st.metric(
            "Estimated credits / month",
            fmt.count(est_credits),
            help=f"≈ {fmt.money(cost.dollars_for(est_credits))} a month "
            "(1 credit = $0.01), enabled scanners only.",
            border=True,
        )
        if totals.get("credits_this_month") is not None:
            st.metric(
                "Credits this month",
                fmt.count(totals["credits_this_month"]),
                help=f"{fmt.count(totals.get('observations_this_month'), 'observation')} "
                "succeeded so far in this billing period, across every scanner.",
                border=True,
            )
