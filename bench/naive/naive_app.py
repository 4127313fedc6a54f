"""A deliberately naive Vision Console, the baseline the benchmarks compare the real one with.

The same four pages showing the same data, written the straightforward way: a new client on
every run, no caching, every API call repeated on every rerun, one request at a time, and
charts rebuilt each time. Nothing here is used by the console; only ``bench/`` runs it.

    streamlit run bench/naive/naive_app.py   (with POSTHOG_HOST, POSTHOG_PROJECT_ID and
                                              POSTHOG_PERSONAL_API_KEY set)
"""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Naive Vision Console", layout="wide")
PAGES = [
    st.Page("naive_overview.py", title="Overview", default=True),
    st.Page("naive_scanners.py", title="Scanners"),
    st.Page("naive_observations.py", title="Observations"),
    st.Page("naive_estimate.py", title="Estimate"),
]
st.navigation(PAGES).run()
