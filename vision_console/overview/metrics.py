"""The Overview's metric strips: scanners per type and their creators, then the fleet's month.

Types are counted, labelled and ordered by ``vision_console.scanner_types`` (every known type,
zeros kept, then any type a newer server sends, labelled generically and explained by a notice).
The month is the sum of the server's estimates over enabled scanners, against the quota.
"""

from __future__ import annotations

import streamlit as st

from vision_console import cache, cost, render, scanner_types
from vision_console import format as fmt
from vision_console.overview import frames
from vision_console.overview.fleet import Fleet, Project


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


def month(fleet: Fleet) -> None:
    """The fleet's estimated observations and credits a month, and its share of the quota."""
    totals = fleet.totals
    quota_share = totals["est_observations"] / cost.ERA_S_MONTHLY_QUOTA
    with st.container(horizontal=True):
        st.metric("Estimated observations / month", f"{totals['est_observations']:,}", border=True)
        st.metric(
            "Estimated credits / month",
            f"{totals['est_credits']:,}",
            help=f"≈ {fmt.money(cost.dollars_for(totals['est_credits']))} a month "
            "(1 credit = $0.01), enabled scanners only.",
            border=True,
        )
        st.metric(
            "Share of the monthly quota",
            f"{quota_share:.0%}",
            help=f"Estimated observations against the API's default quota of "
            f"{cost.ERA_S_MONTHLY_QUOTA:,} observations a month.",
            border=True,
        )
