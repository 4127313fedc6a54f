"""Estimate: what a scanner will cost before it is saved, and the rate that fits a budget.

One estimate request per (filters, scanner, model, sampling mode): observations scale linearly
with the sampling rate, so every rate, the budget calculator and the curve are computed from that
one answer. The organisation's quota is read from the API and projected with this scanner's
change on it. A 429 keeps the last good estimate on screen, marked stale, until Retry-After passes.
"""

from __future__ import annotations

import streamlit as st

from vision_console import frame, navigation
from vision_console.estimate import budget, charts, inputs, results, save

frame.draw(navigation.ESTIMATE)

st.title("Estimate")
st.caption(
    "Preview a scanner's monthly volume and cost before saving it. One estimate per set of "
    "filters: observations scale linearly with the sampling rate, so moving it sends no request."
)

scanner = inputs.source()
left, right = st.columns([2, 3], gap="large")
with left:
    chosen = inputs.section(scanner)
with right:
    shown = results.numbers(chosen)
    if shown is None:
        st.stop()
    limit = budget.section(chosen, shown)
    charts.cost_curve(chosen, shown, limit)

save.section(chosen, shown)
