"""Vision Console router: page config, connection, sidebar status, then the chosen page.

Runs on every rerun of every page. Pages are registered explicitly (no folder auto-discovery);
they find this viewer's connection and client through ``console.connection``.
"""

from __future__ import annotations

import streamlit as st

from console import connection, sidebar

st.set_page_config(
    page_title="Vision Console",
    page_icon=":material/visibility:",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = {
    "": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/scanners.py", title="Scanners", icon=":material/radar:"),
        st.Page("pages/observations.py", title="Observations", icon=":material/visibility:"),
        st.Page("pages/estimate.py", title="Estimate", icon=":material/calculate:"),
    ]
}

navigation = st.navigation(PAGES)

settings, secret_credentials, env_credentials, notices = connection.load_settings()
try:
    credentials = connection.resolve(settings, secret_credentials, env_credentials)
except Exception as exc:  # the demo sandbox could not start: nothing else can work
    st.error(
        "The demo sandbox could not start "
        f"({type(exc).__name__}). Set POSTHOG_HOST, POSTHOG_PROJECT_ID and "
        "POSTHOG_PERSONAL_API_KEY, or connect from the sidebar.",
        icon=":material/error:",
    )
    sidebar.render_connect_form(settings)
    st.stop()

current = connection.activate(credentials, settings)
sidebar.render(current, settings, notices)
navigation.run()
