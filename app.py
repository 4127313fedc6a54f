"""Vision Console router: page config, connection, sidebar status, then the chosen page.

Runs on every rerun of every page. Pages are registered explicitly (no folder auto-discovery);
they find this viewer's connection and client through ``console.connection``.
"""

from __future__ import annotations

import streamlit as st

from console.frame import render_frame

st.set_page_config(
    page_title="Vision Console",
    page_icon="👁️",  # an emoji favicon is drawn locally; a Material one is fetched from Google
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = {
    "": [
        st.Page(
            "app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True
        ),
        st.Page("app_pages/scanners.py", title="Scanners", icon=":material/radar:"),
        st.Page("app_pages/observations.py", title="Observations", icon=":material/visibility:"),
        st.Page("app_pages/estimate.py", title="Estimate", icon=":material/calculate:"),
    ]
}

navigation = st.navigation(PAGES)

render_frame()
navigation.run()
