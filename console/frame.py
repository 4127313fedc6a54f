"""The frame around every page: resolve this viewer's connection and draw the sidebar.

Kept out of app.py so the frame can be exercised on its own, without any page's requests.
"""

from __future__ import annotations

import streamlit as st

from console import connection, data, sidebar
from console.connection import Connection


def render_frame() -> Connection:
    """Resolve and activate the connection, render the sidebar; stops the run if impossible."""
    data.start_run()
    settings, secret_credentials, env_credentials, notices = connection.load_settings()
    try:
        credentials = connection.resolve(secret_credentials, env_credentials)
    except Exception as exc:  # the demo sandbox could not start: nothing else can work
        st.error(
            "The demo sandbox could not start "
            f"({type(exc).__name__}). Set POSTHOG_HOST, POSTHOG_PROJECT_ID and "
            "POSTHOG_PERSONAL_API_KEY, or connect from the sidebar.",
            icon=":material/error:",
        )
        sidebar.render_connect_form(settings, expanded=True)
        st.stop()
    current = connection.activate(credentials, settings)
    sidebar.render(current, settings, notices)
    return current
