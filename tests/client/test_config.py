"""Client configuration: arguments, environment fallback, host normalization, key secrecy."""

from __future__ import annotations

import logging
import pickle

import pytest

from vision_api import ConfigurationError, VisionClient

from .conftest import Reply, StubAPI

KEY = "phx_config_test_key_abcdef"
STATS = {"total": 0, "enabled": 0, "by_type": {}}


def test_arguments_configure_the_client() -> None:
    client = VisionClient(base_url="https://eu.posthog.com", project_id=42, api_key=KEY)
    assert client.base_url == "https://eu.posthog.com"
    assert client.project_id == 42


def test_environment_fills_missing_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTHOG_HOST", "https://us.posthog.com/")
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "7")
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", KEY)
    client = VisionClient()
    assert (client.base_url, client.project_id) == ("https://us.posthog.com", 7)


def test_arguments_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTHOG_HOST", "https://us.posthog.com")
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "7")
    client = VisionClient(base_url="http://localhost:8000", project_id=3, api_key=KEY)
    assert (client.base_url, client.project_id) == ("http://localhost:8000", 3)


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("base_url", "POSTHOG_HOST"),
        ("project_id", "POSTHOG_PROJECT_ID"),
        ("api_key", "POSTHOG_PERSONAL_API_KEY"),
    ],
)
def test_missing_setting_fails_at_construction_naming_it(missing: str, named: str) -> None:
    settings: dict[str, object] = {
        "base_url": "https://us.posthog.com",
        "project_id": 1,
        "api_key": KEY,
    }
    settings[missing] = None
    with pytest.raises(ConfigurationError, match=named) as caught:
        VisionClient(**settings)  # type: ignore[arg-type]
    assert missing in str(caught.value)


@pytest.mark.parametrize(
    "host",
    [
        "https://us.posthog.com",
        "https://us.posthog.com/",
        "https://us.posthog.com/api",
        "https://us.posthog.com/api/",
        "  https://us.posthog.com//  ",
    ],
)
def test_host_forms_normalize_to_the_root(host: str) -> None:
    assert (
        VisionClient(base_url=host, project_id=1, api_key=KEY).base_url == "https://us.posthog.com"
    )


@pytest.mark.parametrize(
    "host",
    [
        "ftp://us.posthog.com",
        "us.posthog.com",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://",
    ],
)
def test_non_http_hosts_are_refused(host: str) -> None:
    with pytest.raises(ConfigurationError, match="host"):
        VisionClient(base_url=host, project_id=1, api_key=KEY)


def test_credentials_in_the_host_url_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="credentials"):
        VisionClient(base_url="https://user:pw@us.posthog.com", project_id=1, api_key=KEY)


@pytest.mark.parametrize("project_id", ["abc", "0", "-3", "1.5", True])
def test_project_id_must_be_a_positive_integer(project_id: object) -> None:
    with pytest.raises(ConfigurationError, match="project_id"):
        VisionClient(base_url="https://us.posthog.com", project_id=project_id, api_key=KEY)  # type: ignore[arg-type]


def test_project_id_accepts_digit_strings() -> None:
    assert VisionClient(base_url="https://x.test", project_id=" 12 ", api_key=KEY).project_id == 12


@pytest.mark.parametrize("timeout", [0, -1, (1.0, 0), float("inf"), (1, 2, 3), "5"])
def test_invalid_timeouts_are_refused(timeout: object) -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        VisionClient(base_url="https://x.test", project_id=1, api_key=KEY, timeout=timeout)  # type: ignore[arg-type]


def test_a_single_timeout_applies_to_connect_and_read() -> None:
    client = VisionClient(base_url="https://x.test", project_id=1, api_key=KEY, timeout=2)
    assert client.timeout == (2.0, 2.0)


def test_negative_max_retries_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="max_retries"):
        VisionClient(base_url="https://x.test", project_id=1, api_key=KEY, max_retries=-1)


def test_a_key_with_whitespace_inside_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="API key"):
        VisionClient(base_url="https://x.test", project_id=1, api_key="phx_a\nInjected: 1")


def test_key_appears_in_no_repr_or_str() -> None:
    client = VisionClient(base_url="https://x.test", project_id=1, api_key=KEY)
    shown = [repr(client), str(client), repr(client._settings), str(client._settings.api_key)]
    assert not any(KEY in text for text in shown)


def test_client_refuses_to_be_pickled() -> None:
    client = VisionClient(base_url="https://x.test", project_id=1, api_key=KEY)
    with pytest.raises(TypeError, match="API key"):
        pickle.dumps(client)


def test_context_manager_closes_pooled_connections(stub_api: StubAPI) -> None:
    stub_api.reply("/scanners/stats/", Reply(200, STATS))
    with stub_api.client() as client:
        client.scanners.stats()
        adapter = client._session.get_adapter(stub_api.base_url)
        assert adapter.poolmanager.pools  # type: ignore[attr-defined]
    assert not adapter.poolmanager.pools  # type: ignore[attr-defined]


def test_misconfiguration_error_never_echoes_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConfigurationError) as caught:
        VisionClient(base_url="gopher://x", project_id=1, api_key=KEY)
    assert KEY not in str(caught.value)
    assert KEY not in caplog.text


def test_copy_has_the_same_settings_and_its_own_session() -> None:
    original = VisionClient(base_url="https://h.example", project_id=3, api_key="phx_secret_copy")
    twin = original.copy()
    try:
        assert twin is not original
        assert (twin.base_url, twin.project_id, twin.timeout, twin.max_retries) == (
            original.base_url,
            original.project_id,
            original.timeout,
            original.max_retries,
        )
        assert twin._session is not original._session
        assert "phx_secret_copy" not in repr(twin)
    finally:
        twin.close()
        original.close()
