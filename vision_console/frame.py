"""The frame around every page: page config, this viewer's connection, the sidebar.

Every page script starts with ``frame.draw(navigation.<PAGE>)``. In Streamlit's pages-directory mode
each page runs its own file (a deep link is served without ``app.py``), so the frame cannot live in
an entrypoint; it lives here, one call, the same on every page.
"""

from __future__ import annotations

import streamlit as st

from vision_console import cache, connection, navigation, sidebar
from vision_console.connection import Connection

STYLE = """<style>
[data-testid="stMultiSelect"] [data-tag] { max-width: 100%; height: auto; }
[data-testid="stMultiSelect"] [data-tag] span {
  max-width: none; white-space: normal; overflow-wrap: anywhere; text-overflow: clip;
}
</style>"""
"""The console's only style rule: a picked option (an event name, a tag) wraps inside its pill
instead of ending in an ellipsis, down to a 390 px phone (issue 15 item 14)."""


def draw(page: navigation.PageRef) -> Connection:
    """Configure the page, resolve and activate the connection, draw the sidebar.

    Stops the run when no connection is possible (the demo sandbox failed to start and no
    credentials are set): the connect form is then the only thing on the page.
    """
    st.set_page_config(
        page_title=f"{page.title} · Vision Console",
        page_icon="👁️",  # an emoji favicon is drawn locally; a Material one is fetched from Google
        layout="wide",
        initial_sidebar_state="auto",  # collapsed on phones, open on desktops
    )
    st.html(STYLE)
    with st.sidebar:
        navigation.render_links()
    return render_frame()


def render_frame() -> Connection:
    """Connection and sidebar status, without page config and links (AppTest scripts call
    this alone: a script of its own has no pages to link to)."""
    cache.start_run()
    settings, secret_credentials, env_credentials, notices = connection.load_settings()
    try:
        credentials = connection.resolve(secret_credentials, env_credentials, settings.demo_era)
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
