"""Naive Observations: scanner, stats charts and one page of the table, fetched every run."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from naive_common import naive_client

client = naive_client()
st.title("Observations")
scanners = {s.id: s for s in client.scanners.iter()}
wanted = st.query_params.get("scanner")
ids = list(scanners)
scanner_id = st.selectbox(
    "Scanner", ids, index=ids.index(wanted) if wanted in ids else 0,
    format_func=lambda sid: scanners[sid].name, key="naive_scanner",
)  # fmt: skip
status = st.multiselect(
    "Status", ["pending", "running", "succeeded", "failed", "ineligible"], key="naive_status"
)
sort = st.selectbox("Sort by", ["-created_at", "created_at"], key="naive_obs_sort")
size = 50
page = st.session_state.setdefault("naive_obs_page", 1)
stats = client.observations.stats(scanner_id, status=status or None)
counts = stats.status_counts
st.metric("Observations", f"{counts.total:,}")
by_status = pd.DataFrame(
    {
        "status": ["succeeded", "failed", "ineligible", "in flight"],
        "count": [counts.succeeded, counts.failed, counts.ineligible, counts.in_flight],
    }
)
st.altair_chart(alt.Chart(by_status).mark_bar().encode(x="count:Q", y="status:N"))
histogram = stats.scorer.histogram if stats.scorer else None
if histogram is not None:
    buckets = pd.DataFrame({"bucket": histogram.labels, "count": histogram.counts})
    st.altair_chart(alt.Chart(buckets).mark_bar().encode(x="bucket:N", y="count:Q"))
result = client.observations.list(
    scanner_id, status=status or None, order_by=sort, limit=size, offset=(page - 1) * size
)
table = pd.DataFrame(
    [
        {"Created": o.created_at, "Status": o.status, "Session": o.session_id, "Score": o.score}
        for o in result.items
    ]
)
event = st.dataframe(table, key="naive_obs_table", on_select="rerun", selection_mode="single-row")
st.button(
    "Next",
    key="naive_obs_next",
    on_click=st.session_state.update,
    args=({"naive_obs_page": page + 1},),
)
if event and event.selection.rows:
    shown = result.items[event.selection.rows[0]]
    st.text(shown.reasoning or shown.error_message or "")
