"""Naive Estimate: one estimate request per run, at the rate the slider shows."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from naive_common import naive_client

client = naive_client()
st.title("Estimate")
scanners = {s.id: s for s in client.scanners.iter()}
source = st.selectbox(
    "Start from", ["", *scanners], key="naive_source",
    format_func=lambda sid: scanners[sid].name if sid else "A new draft",
)  # fmt: skip
rate = st.slider("Sampling rate (%)", 0.0, 100.0, 10.0, step=0.01, key="naive_rate") / 100
with st.form("naive_query"):
    exclude_tests = st.toggle("No test accounts", key="naive_tests")
    min_duration = st.number_input("Min duration (s)", 0.0, key="naive_min_duration")
    st.form_submit_button("Update estimate")
query: dict[str, object] = {"filter_test_accounts": exclude_tests}
if min_duration:
    query["having_predicates"] = [
        {"key": "duration", "type": "recording", "value": min_duration, "operator": "gt"}
    ]
estimate = client.scanners.estimate(query=query, sampling_rate=rate, scanner_id=source or None)
st.metric("Observations / month", f"{estimate.estimated_observations_per_month:,}")
st.metric("Credits / month", f"{estimate.estimated_credits_per_month or 0:,}")
curve = pd.DataFrame(
    {
        "rate": [r / 100 for r in range(0, 101, 5)],
        "observations": [
            estimate.matched_sessions_in_window * (r / 100) * 30 / estimate.window_days
            for r in range(0, 101, 5)
        ],
    }
)
st.altair_chart(alt.Chart(curve).mark_line().encode(x="rate:Q", y="observations:Q"))
