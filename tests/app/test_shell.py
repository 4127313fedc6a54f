"""The console shell: connection precedence, status, connection test, operator switches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import vision_api._client
from tests.app.conftest import APP, APP_TIMEOUT_SECONDS, AppFactory, make_app


def _texts(elements: Any) -> list[str]:
    return [str(e.value) for e in elements]


def _sidebar_markdown(at: AppTest) -> str:
    return "\n".join(_texts(at.sidebar.markdown) + _texts(at.sidebar.caption))


def test_secrets_connection_shows_project_and_source(app: AppFactory, sandbox: Any) -> None:
    at = app()
    assert not at.exception
    status = _sidebar_markdown(at)
    assert f"Project {sandbox.project_id}" in status
    assert "this deployment's secrets" in status
    assert ":green-badge[PostHog]" in status
    assert not any("Demo sandbox" in str(i.value) for i in at.info)


def test_without_settings_the_demo_sandbox_starts_with_a_banner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISION_CONSOLE_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT_SECONDS).run()
    assert not at.exception
    assert any("Demo sandbox" in str(i.value) for i in at.info)
    assert "the demo sandbox" in _sidebar_markdown(at)


def test_a_malformed_secrets_table_is_ignored_with_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISION_CONSOLE_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT_SECONDS)
    at.secrets["posthog"] = "not a table"
    at.run()
    assert not at.exception
    assert any("not a table" in str(w.value) for w in at.sidebar.warning)
    assert any("Demo sandbox" in str(i.value) for i in at.info)


def test_unusable_secrets_fall_back_with_a_notice_naming_the_problem(sandbox: Any) -> None:
    at = make_app(sandbox, secrets={"host": "ftp://nope", "project_id": "x"})
    assert not at.exception
    assert any("secrets were ignored" in str(w.value) for w in at.sidebar.warning)


def test_environment_is_used_when_there_are_no_secrets(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POSTHOG_HOST", sandbox.base_url)
    monkeypatch.setenv("POSTHOG_PROJECT_ID", str(sandbox.project_id))
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", sandbox.api_key)
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT_SECONDS).run()
    assert not at.exception
    assert "environment variables" in _sidebar_markdown(at)


def _frame(sandbox: Any, **options: Any) -> AppTest:
    return make_app(sandbox, frame_only=True, **options)


def _test_connection(at: AppTest) -> str:
    at.sidebar.button[0].click().run()
    assert not at.exception
    messages = _texts(at.sidebar.success) + _texts(at.sidebar.error)
    assert len(messages) == 1
    return messages[0].replace("\\", "")


def test_connection_test_reports_what_is_connected(sandbox: Any) -> None:
    message = _test_connection(_frame(sandbox))
    assert message.startswith(f"Connected to project {sandbox.project_id}")
    assert "scanners" in message


def test_connection_test_names_a_rejected_key(sandbox: Any) -> None:
    message = _test_connection(_frame(sandbox, api_key="phx_wrong"))
    assert "rejected" in message
    assert "phx_wrong" not in message


def test_connection_test_names_the_missing_scope(sandbox: Any) -> None:
    key = sandbox.add_api_key(scopes=["replay_scanner:read"], project_ids=[sandbox.project_id])
    message = _test_connection(_frame(sandbox, api_key=key))
    assert "session_recording:read" in message


def test_connection_test_explains_a_wrong_project(sandbox: Any) -> None:
    message = _test_connection(_frame(sandbox, secrets={"project_id": 987654}))
    assert "check the project id" in message


def test_connection_test_explains_an_unreachable_host(sandbox: Any) -> None:
    message = _test_connection(_frame(sandbox, secrets={"host": "http://127.0.0.1:9"}))
    assert "unreachable" in message


def test_read_only_is_shown(sandbox: Any) -> None:
    at = make_app(sandbox, secrets={"read_only": True})
    assert ":gray-badge[Read-only]" in _sidebar_markdown(at)


def _origin(sandbox: Any) -> dict[str, Any]:
    """Secrets allowing viewers to connect to the test sandbox (a loopback origin, which the
    default policy refuses)."""
    return {"allowed_hosts": [sandbox.base_url]}


def _connect(at: AppTest, host: str, project: object, key: str) -> AppTest:
    at.sidebar.text_input(key="connect_host").set_value(host)
    at.sidebar.text_input(key="connect_project").set_value(str(project))
    at.sidebar.text_input(key="connect_api_key").set_value(key)
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    return at


def _errors(at: AppTest) -> str:
    return " ".join(_texts(at.sidebar.error)).replace("\\", "").replace("\u2060", "")


def test_sidebar_credentials_take_precedence_and_disconnect_restores(sandbox: Any) -> None:
    at = _connect(
        _frame(sandbox, secrets=_origin(sandbox)),
        sandbox.base_url,
        sandbox.other_project_id,
        sandbox.other_api_key,
    )
    status = _sidebar_markdown(at)
    assert f"Project {sandbox.other_project_id}" in status and "your own key" in status
    assert at.sidebar.text_input(key="connect_api_key").value == ""  # cleared on Connect
    disconnect = next(b for b in at.sidebar.button if b.label == "Disconnect")
    disconnect.click().run()
    assert f"Project {sandbox.project_id}" in _sidebar_markdown(at)
    assert at.sidebar.text_input(key="connect_api_key").value == ""


def test_a_new_connection_is_tested_before_it_replaces_the_current_one(sandbox: Any) -> None:
    """A wrong key leaves the viewer on the working connection, told what to fix; nothing of
    the refused connection is shown as if it were connected."""
    at = _connect(
        _frame(sandbox, secrets=_origin(sandbox)), sandbox.base_url, sandbox.project_id, "phx_no"
    )
    assert "Personal API key: The API key was rejected" in _errors(at)
    status = _sidebar_markdown(at)
    assert "this deployment's secrets" in status and "your own key" not in status
    assert at.sidebar.text_input(key="connect_api_key").value == "phx_no"  # kept to fix


def test_a_valid_key_on_a_wrong_project_is_blamed_on_the_project_id(sandbox: Any) -> None:
    at = _connect(
        _frame(sandbox, secrets=_origin(sandbox)), sandbox.base_url, 987654, sandbox.api_key
    )
    assert "Project id:" in _errors(at)
    assert "scope" not in _errors(at)


def test_sidebar_refuses_a_host_outside_the_policy_before_sending_anything(sandbox: Any) -> None:
    at = _connect(_frame(sandbox), "http://169.254.169.254", 1, "phx_anything")
    assert "Host: This console may connect only to https://us.posthog.com" in _errors(at)
    assert "this deployment's secrets" in _sidebar_markdown(at)
    assert at.sidebar.text_input(key="connect_api_key").value == "phx_anything"


@pytest.mark.parametrize(
    ("host", "key", "field"),
    [
        ("https://us.posthog.com", "Bearer phx_abc", "Personal API key"),
        ("https://us.posthog.com", "phx_€", "Personal API key"),
        ("http://a..b", "phx_abc", "Host"),
        ("http://[::1", "phx_abc", "Host"),
        ("http://host@us.posthog.com", "phx_abc", "Host"),
    ],
)
def test_input_the_client_refuses_is_an_error_on_its_field(
    sandbox: Any, host: str, key: str, field: str
) -> None:
    at = _connect(_frame(sandbox), host, 1, key)
    assert _errors(at).startswith(f"{field}:")
    assert "phx_abc" not in _errors(at)


def test_the_demo_sidebar_does_not_show_the_sandbox_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISION_CONSOLE_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT_SECONDS).run()
    status = _sidebar_markdown(at)
    assert "127.0.0.1" not in status and "localhost" not in status
    assert "Local synthetic data" in status


READS_SCRIPT = """
import streamlit as st
from vision_console import cache
from vision_console.frame import render_frame

render_frame()
for read in (cache.creators, cache.scanner_stats, cache.all_scanners):
    try:
        read()
    except Exception as exc:
        st.text(f"{type(exc).__name__}: {exc}")
"""


def test_after_one_unreachable_read_the_rest_of_the_run_fails_fast(sandbox: Any) -> None:
    at = AppTest.from_string(READS_SCRIPT, default_timeout=APP_TIMEOUT_SECONDS)
    at.secrets["posthog"] = {
        "host": "http://127.0.0.1:9",
        "project_id": 1,
        "personal_api_key": sandbox.api_key,
    }
    at.run()
    first_run = [str(t.value) for t in at.text]
    assert len(first_run) == 3
    assert "Skipped" not in first_run[0]
    assert all("Skipped: the API was unreachable earlier in this run" in m for m in first_run[1:])
    at.run()
    assert "Skipped" not in str(at.text[0].value), "a new run tries the API again"


def test_clearing_caches_never_starts_a_second_demo_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st

    monkeypatch.setenv("VISION_CONSOLE_DATA_DIR", str(tmp_path))
    at = AppTest.from_string(
        "from vision_console.frame import render_frame\n\nrender_frame()\n",
        default_timeout=APP_TIMEOUT_SECONDS,
    ).run()
    before = _sidebar_markdown(at)
    st.cache_resource.clear()
    st.cache_data.clear()
    at.run()
    assert not at.exception
    assert _sidebar_markdown(at) == before


def test_the_connect_form_is_built_only_while_its_expander_is_open(sandbox: Any) -> None:
    at = make_app(sandbox)
    assert not at.sidebar.text_input, "a closed expander costs no widgets on every run"
    at.session_state["connect_expander"] = True
    at.run()
    labels = [t.label for t in at.sidebar.text_input]
    assert labels == ["Host", "Project id", "Personal API key"]


BUDGET_SCRIPT = """
import streamlit as st
import vision_api._client
from vision_console import cache, connection
from vision_console.frame import render_frame

render_frame()
client = connection.client()
budget = vision_api._client.SHARED_BUDGETS.key_budget(client._settings.base.origin, "{key}")
while client.pacer.status().wait_seconds == 0:
    budget.record()  # other viewers of this key have spent the minute's budget
cache._tell_of_budget_wait()  # what every read does before it calls the API
cache._tell_of_budget_wait()  # a second read of the same run
st.text("drawn")
"""


def test_a_read_that_must_wait_for_the_shared_budget_says_so_once_a_run(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: the pacer keeps every viewer of a key under PostHog's 480 a minute; a viewer
    whose read has to wait is told why, and not once per read."""
    from vision_api import PacerLimits, RequestBudgets

    budgets = RequestBudgets(PacerLimits(per_minute=1000, per_hour=10_000))
    monkeypatch.setattr(vision_api._client, "SHARED_BUDGETS", budgets)
    at = AppTest.from_string(
        BUDGET_SCRIPT.replace("{key}", sandbox.api_key), default_timeout=APP_TIMEOUT_SECONDS
    )
    at.secrets["posthog"] = {
        "host": sandbox.base_url,
        "project_id": sandbox.project_id,
        "personal_api_key": sandbox.api_key,
    }
    at.run()
    assert not at.exception
    toasts = [str(toast.value) for toast in at.toast]
    assert len(toasts) == 1
    assert toasts[0].startswith("Waiting about ")
    assert "request budget, shared by everyone using this key" in toasts[0]
