"""Estimate: what a scanner will cost before it is saved, and the rate that fits a budget.

One estimate request per (filters, scanner, model): observations scale linearly with the
sampling rate, so every rate, the budget calculator and the curve are computed from that one
answer. A 429 keeps the last good estimate on screen, marked stale, until Retry-After passes.
"""

from __future__ import annotations

import time

import streamlit as st

from vision_api import Scanner, VisionAPIError
from vision_console import cache, connection, cost, frame, navigation, render
from vision_console.estimate import decisions as estimate_view
from vision_console.estimate import inputs as estimate_inputs
from vision_console.estimate import panels
from vision_console.estimate.decisions import EstimateMemory, EstimateRequest

frame.draw(navigation.ESTIMATE)

st.title("Estimate")
st.caption(
    "Preview a scanner's monthly volume and cost before saving it. One estimate per set of "
    "filters: observations scale linearly with the sampling rate, so moving it sends no request."
)

try:
    scanners = cache.remember(
        "estimate:scanners", (), lambda: {scanner.id: scanner for scanner in cache.all_scanners()}
    )
except VisionAPIError as error:
    render.show_api_error(error, "load the scanners to start from")
    scanners = {}

source = estimate_inputs.source_picker(scanners)
scanner: Scanner | None = scanners.get(source)
prefix = f"estimate:{source}"

inputs, results = st.columns([2, 3], gap="large")
with inputs:
    model = estimate_inputs.model_picker(
        prefix, scanner.model if scanner else estimate_view.DRAFT_MODEL
    )
    rate = estimate_inputs.rate_inputs(
        prefix, scanner.sampling_rate if scanner else estimate_view.DRAFT_RATE
    )
    query, query_error = estimate_inputs.query_editor(
        prefix, (scanner.query or {}) if scanner else {}
    )
    if query_error:
        st.error(render.escape_markdown(query_error), icon=":material/error:")

memory = st.session_state.setdefault("estimate_memory", EstimateMemory())
outcome = estimate_view.resolve_estimate(
    EstimateRequest(query=query, scanner_id=scanner.id if scanner else None, model=model),
    lambda r: cache.estimate(dict(r.query), scanner_id=r.scanner_id, model=r.model),
    memory,
    time.monotonic,
)


with results:
    if outcome.error is not None:
        render.show_api_error(outcome.error, "estimate this scanner's volume")
    if outcome.retry_at is not None:
        panels.retry_countdown(outcome.retry_at)
    if outcome.estimate is None:
        st.info("No estimate yet: adjust the filters and press Update estimate.")
        st.stop()
    if outcome.stale:
        st.warning(
            "Stale: these numbers are from the last estimate that succeeded, for earlier "
            "inputs. They are replaced as soon as the API answers.",
            icon=":material/history:",
        )
    basis = cost.VolumeBasis.from_estimate(outcome.estimate)
    price = estimate_view.price_for(model, outcome.estimate)
    month = cost.monthly_cost(basis, rate, price)
    panels.show_numbers(outcome.estimate, month)
    budget, answer = panels.budget_section(prefix, basis, price, rate)
    panels.cost_curve(basis, price, rate, budget, answer)

st.divider()
if connection.current().read_only:
    st.info("This console is read-only: estimates only, no saving.", icon=":material/lock:")
elif cost.check_sampling_rate(rate) or query_error:
    st.caption("Correct the inputs above to save them.")
elif scanner is not None:
    panels.save_section(scanner, basis, month, query, rate, model)
else:
    panels.draft_section(query, rate, model, month)
