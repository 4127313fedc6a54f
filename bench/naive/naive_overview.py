"""Naive Overview: counts, creators and every scanner with its stats, fetched one by one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import altair as alt
import pandas as pd
import streamlit as st
from naive_common import naive_client

DAYS = 14


client = naive_client()
st.title("Overview")
counts = client.scanners.stats()
creators = client.scanners.creators()
scanners = list(client.scanners.iter())
st.metric("Enabled scanners", f"{counts.enabled} / {counts.total}")
st.caption(", ".join(user.display_name for user in creators))

rows, daily = [], []
since = datetime.now(UTC) - timedelta(days=DAYS)
for scanner in scanners:
    stats = client.observations.stats(scanner.id, recent_days=DAYS)
    limit = min(1000, stats.coverage.recent_sessions + 1)
    recent = client.observations.list(scanner.id, order_by="-created_at", limit=limit).items
    rows.append(
        {
            "id": scanner.id,
            "name": scanner.name,
            "scanner_type": scanner.scanner_type,
            "enabled": scanner.enabled,
            "est_credits": (scanner.estimated_monthly_credits or 0) if scanner.enabled else 0,
            "observations_recent": stats.coverage.recent_sessions,
            "observations_total": stats.status_counts.total,
            "success_rate": stats.status_counts.success_rate,
            "last_observation": recent[0].created_at if recent else None,
        }
    )
    daily += [
        {"day": obs.created_at.date().isoformat(), "scanner": scanner.name}
        for obs in recent
        if obs.created_at >= since
    ]
fleet = pd.DataFrame(rows)
st.metric("Estimated credits / month", f"{int(fleet['est_credits'].sum()):,}")
picked = st.dataframe(fleet, key="naive_fleet", on_select="rerun", selection_mode="single-row")
if picked and picked.selection.rows:
    st.write("Selected:", fleet.iloc[picked.selection.rows[0]]["name"])
left, right = st.columns(2)
left.altair_chart(
    alt.Chart(fleet).mark_bar().encode(x="est_credits:Q", y="name:N", color="scanner_type:N")
)
if daily:
    by_day = alt.Chart(pd.DataFrame(daily)).mark_bar()
    right.altair_chart(by_day.encode(x="day:T", y="count():Q", color="scanner:N"))
