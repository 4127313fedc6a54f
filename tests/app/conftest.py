"""AppTest fixtures: the real console script, connected through secrets to the test sandbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from vision_console import navigation
from vision_console.sidebar import CONNECT_EXPANDER_KEY

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
APP_TIMEOUT_SECONDS = 60

AppFactory = Callable[..., AppTest]


@pytest.fixture(autouse=True)
def _isolated_console(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No developer environment leaks in and no cached read outlives its test (the fresh
    request budget is tests/conftest.py's)."""
    for name in (
        "POSTHOG_HOST",
        "POSTHOG_PROJECT_ID",
        "POSTHOG_PERSONAL_API_KEY",
        "VISION_CONSOLE_READ_ONLY",
        "VISION_CONSOLE_ALLOWED_HOSTS",
    ):
        monkeypatch.delenv(name, raising=False)
    st.cache_data.clear()
    yield
    st.cache_data.clear()


FRAME_SCRIPT = "from vision_console.frame import render_frame\n\nrender_frame()\n"


def make_app(
    sandbox: Any,
    page: str | None = None,
    *,
    query_params: Mapping[str, str] | None = None,
    secrets: Mapping[str, Any] | None = None,
    api_key: str | None = None,
    run: bool = True,
    frame_only: bool = False,
) -> AppTest:
    """The console on ``page`` (e.g. "scanners"), connected to ``sandbox`` through secrets.

    ``secrets`` overrides or extends the ``[posthog]`` table (e.g. ``{"read_only": True}``).
    ``frame_only`` runs just the connection frame and sidebar (connect form open), without
    any page's requests.
    """
    if frame_only:
        at = AppTest.from_string(FRAME_SCRIPT, default_timeout=APP_TIMEOUT_SECONDS)
        at.session_state[CONNECT_EXPANDER_KEY] = True  # the connect form is built only when open
    else:
        at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT_SECONDS)
    table: dict[str, Any] = {
        "host": sandbox.base_url,
        "project_id": sandbox.project_id,
        "personal_api_key": api_key or sandbox.api_key,
    }
    table.update(secrets or {})
    at.secrets["posthog"] = table
    for name, value in (query_params or {}).items():
        at.query_params[name] = value
    if page:
        at.switch_page(navigation.by_name(page).path)
    if run:
        at.run()
    return at


@pytest.fixture
def app(sandbox: Any) -> AppFactory:
    """``app("observations", query_params={...})`` -> a run AppTest on that page."""

    def factory(page: str | None = None, **options: Any) -> AppTest:
        return make_app(sandbox, page, **options)

    return factory
