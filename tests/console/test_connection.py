"""Connection settings: host normalisation, the viewer host policy (deny by default), field
errors for anything the client refuses, fingerprints that never reveal keys."""

from __future__ import annotations

import pytest

from vision_console.connection import (
    ConnectionSettingsError,
    Credentials,
    Settings,
    fingerprint,
    normalize_host,
    parse_project_id,
    sidebar_credentials,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://us.posthog.com", "https://us.posthog.com"),
        ("https://us.posthog.com/", "https://us.posthog.com"),
        ("https://us.posthog.com/api/", "https://us.posthog.com"),
        ("eu.posthog.com", "https://eu.posthog.com"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
    ],
)
def test_hosts_are_normalised(raw: str, expected: str) -> None:
    assert normalize_host(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "ftp://x.com", "file:///etc/passwd", "https://", "http://a..b", "http://[::1"]
)
def test_unusable_hosts_are_refused_on_the_host_field(raw: str) -> None:
    with pytest.raises(ConnectionSettingsError) as caught:
        normalize_host(raw)
    assert caught.value.field == "host"


@pytest.mark.parametrize(
    "host",
    [
        "http://127.0.0.1:9",  # loopback
        "http://169.254.169.254",  # cloud metadata
        "https://posthog.example.com",  # not listed
        "http://us.posthog.com",  # a listed name over plain http
        "https://us.posthog.com:8443",  # a listed name on another port
        "http://user@us.posthog.com",  # userinfo smuggling another host
    ],
)
def test_by_default_a_viewer_host_must_be_posthog_cloud(host: str) -> None:
    with pytest.raises(ConnectionSettingsError) as caught:
        sidebar_credentials(host, "1", "phx_x", Settings())
    assert caught.value.field == "host"
    assert "phx_x" not in str(caught.value)


def test_cloud_hosts_and_listed_origins_are_accepted() -> None:
    settings = Settings(allowed_hosts=("http://127.0.0.1:8765", "posthog.example.com"))
    ok = sidebar_credentials("https://us.posthog.com/api", "7", " phx_x ", settings)
    assert (ok.host, ok.project_id, ok.api_key, ok.source) == (
        "https://us.posthog.com",
        7,
        "phx_x",
        "sidebar",
    )
    assert sidebar_credentials("eu.posthog.com", "7", "phx_x", settings).host == (
        "https://eu.posthog.com"
    )
    assert sidebar_credentials("http://127.0.0.1:8765", "1", "k", settings).host == (
        "http://127.0.0.1:8765"
    )
    assert sidebar_credentials("posthog.example.com", "1", "k", settings).host == (
        "https://posthog.example.com"
    )
    with pytest.raises(ConnectionSettingsError):  # the listed origin's port only
        sidebar_credentials("http://127.0.0.1:9", "1", "k", settings)


@pytest.mark.parametrize(
    ("key", "field"),
    [("", "api_key"), ("Bearer phx_abc", "api_key"), ("phx_€uro", "api_key"), ("a\tb", "api_key")],
)
def test_a_key_the_client_refuses_is_an_error_on_the_key_field(key: str, field: str) -> None:
    with pytest.raises(ConnectionSettingsError) as caught:
        sidebar_credentials("https://us.posthog.com", "1", key, Settings())
    assert caught.value.field == field
    if key.strip():
        assert key.split()[-1] not in str(caught.value)


@pytest.mark.parametrize("raw", ["abc", "0", "-3", "1.5"])
def test_project_ids_must_be_positive_integers(raw: str) -> None:
    with pytest.raises(ConnectionSettingsError):
        parse_project_id(raw)


def test_fingerprints_separate_credentials_and_hide_the_key() -> None:
    a = fingerprint("https://h", 1, "phx_secret_a")
    assert a == fingerprint("https://h", 1, "phx_secret_a")
    assert a != fingerprint("https://h", 1, "phx_secret_b")
    assert a != fingerprint("https://h", 2, "phx_secret_a")
    assert "secret" not in a


def test_credentials_repr_never_shows_the_key() -> None:
    creds = Credentials("https://h", 1, "phx_very_secret", "env")
    assert "phx_very_secret" not in repr(creds)
