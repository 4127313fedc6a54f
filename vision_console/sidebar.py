"""The sidebar frame every page shares: connection status, connect form, test connection."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from vision_console import cache, connection
from vision_console import format as fmt
from vision_console.connection import Connection, ConnectionSettingsError, Settings
from vision_console.render import escape_markdown

_SOURCE_LABELS = {
    "sidebar": "your own key",
    "secrets": "this deployment's secrets",
    "env": "environment variables",
    "demo": "the demo sandbox",
}
_FORM_ERROR_KEY = "_connect_form_error"
_CLEAR_KEY_FIELD = "_connect_clear_key"
API_KEY_FIELD = "connect_api_key"
_CHECK_RESULT_KEY = "_connection_check_result"


def render(current: Connection, settings: Settings, notices: Sequence[str]) -> None:
    """Status of the active connection, then the controls to change or test it."""
    if current.is_demo:
        st.info(
            "**Demo sandbox**: local synthetic data, nothing reaches PostHog. "
            "Connect your own project from the sidebar.",
            icon=":material/science:",
        )
    with st.sidebar:
        st.markdown("### :material/visibility: Vision Console")
        badge = ":orange-badge[Demo sandbox]" if current.is_demo else ":green-badge[PostHog]"
        read_only = " :gray-badge[Read-only]" if current.read_only else ""
        st.markdown(f"{badge}{read_only}")
        where = (
            "Local synthetic data"  # the sandbox's local port is nobody's business
            if current.is_demo
            else f"Project {current.project_id} · {escape_markdown(current.host)}"
        )
        st.caption(f"{where}  \nConnected through {_SOURCE_LABELS[current.source]}.")
        _era_and_budget()
        for notice in notices:
            st.warning(escape_markdown(notice), icon=":material/warning:")
        if st.button("Test connection", icon=":material/network_check:", width="stretch"):
            result = connection.check_connection(
                connection.client(), current.host, current.project_id
            )
            st.session_state[_CHECK_RESULT_KEY] = (current.fingerprint, result)
        held = st.session_state.get(_CHECK_RESULT_KEY)
        if held and held[0] == current.fingerprint:
            result = held[1]
            show = st.success if result.ok else st.error
            show(escape_markdown(result.message))
        if current.source == "sidebar" and st.button(
            "Disconnect", icon=":material/logout:", width="stretch"
        ):
            connection.disconnect()
            st.session_state[_CLEAR_KEY_FIELD] = True
            st.rerun()
    render_connect_form(settings)


def _era_and_budget() -> None:
    """Which era the server speaks (what the pages can offer), and the shared request budget
    once it is half used, so a viewer knows why a page may wait."""
    era = cache.known_era()
    if era is None:
        return  # not detected yet: the sidebar sends no request of its own
    unit = "credits" if era == "current" else "observations"
    st.caption(f"API: {era} era · quota in {unit}")
    status = connection.client().pacer.status()
    if status.waiting or status.used_last_minute * 2 >= status.limit_per_minute:
        st.caption(
            f"Request budget: {fmt.count(status.used_last_minute)} of "
            f"{fmt.count(status.limit_per_minute)} this minute, shared by everyone using "
            "this key."
        )


CONNECT_EXPANDER_KEY = "connect_expander"


def render_connect_form(settings: Settings, *, expanded: bool = False) -> None:
    """Let a viewer use their own host, project and key, kept in their session only.

    The form is built only while its expander is open: closed, it costs no widgets on the
    runs of every page.
    """
    box = st.sidebar.expander(
        "Connect to PostHog",
        expanded=expanded,
        icon=":material/key:",
        key=CONNECT_EXPANDER_KEY,
        on_change="rerun",
    )
    if not box.open:
        return
    if st.session_state.pop(_CLEAR_KEY_FIELD, False):
        st.session_state.pop(API_KEY_FIELD, None)  # before the widget exists: it starts empty
    error = st.session_state.get(_FORM_ERROR_KEY)
    field, message = error if isinstance(error, tuple) else (None, None)
    with box, st.form("connect_form", border=False):
        host = st.text_input("Host", value=settings.default_host, key="connect_host")
        _field_error(field, message, "host")
        default_project = str(settings.default_project_id or "")
        project = st.text_input("Project id", value=default_project, key="connect_project")
        _field_error(field, message, "project_id")
        api_key = st.text_input(
            "Personal API key",
            type="password",
            key=API_KEY_FIELD,
            help="Needs replay_scanner:read/write and session_recording:read. "
            "Kept in this browser session only; never stored or logged.",
        )
        _field_error(field, message, "api_key")
        if st.form_submit_button("Connect", icon=":material/login:", width="stretch"):
            _connect(host, project, api_key, settings)


def _field_error(field: str | None, message: str | None, name: str) -> None:
    """The last Connect's error, under the field it is about."""
    if field == name and message:
        st.error(escape_markdown(f"{_FIELD_LABELS[name]}: {message}"), icon=":material/error:")


def _connect(host: str, project: str, api_key: str, settings: Settings) -> None:
    """Validate, then test the new connection before it replaces the current one: a key that
    does not work leaves the viewer where they were, with the reason under its field."""
    try:
        credentials = connection.sidebar_credentials(host, project, api_key, settings)
    except ConnectionSettingsError as exc:
        st.session_state[_FORM_ERROR_KEY] = (exc.field, str(exc))
        st.rerun()
    with st.spinner("Testing the connection…"):
        candidate = connection.new_client(credentials, settings)
        try:
            result = connection.check_connection(
                candidate, credentials.host, credentials.project_id
            )
        finally:
            candidate.close()
    if not result.ok:
        st.session_state[_FORM_ERROR_KEY] = (result.field or "host", result.message)
        st.rerun()
    st.session_state.pop(_FORM_ERROR_KEY, None)
    st.session_state[connection.SIDEBAR_CREDENTIALS_KEY] = credentials
    st.session_state[_CLEAR_KEY_FIELD] = True
    st.rerun()


_FIELD_LABELS = {"host": "Host", "project_id": "Project id", "api_key": "Personal API key"}
