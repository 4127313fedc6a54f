"""Connection settings: host normalisation, allow-lists, fingerprints that never reveal keys."""

from __future__ import annotations

import pytest

from vision_console.connection import (
    ConnectionSettingsError,
    Credentials,
    Settings,
    fingerprint,
    host_allowed,
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


@pytest.mark.parametrize("raw", ["", "ftp://x.com", "file:///etc/passwd", "https://"])
def test_unusable_hosts_are_refused_on_the_host_field(raw: str) -> None:
    with pytest.raises(ConnectionSettingsError) as caught:
        normalize_host(raw)
    assert caught.value.field == "host"


def test_allow_list_matches_host_names_only() -> None:
    allowed = ("us.posthog.com", "https://eu.posthog.com")
    assert host_allowed("https://us.posthog.com", allowed)
    assert host_allowed("https://eu.posthog.com", allowed)
    assert not host_allowed("https://us.posthog.com.evil.example", allowed)
    assert not host_allowed("http://169.254.169.254", allowed)
    assert host_allowed("http://anything.example", ())


def test_sidebar_refuses_hosts_outside_the_allow_list() -> None:
    settings = Settings(allowed_hosts=("us.posthog.com",))
    with pytest.raises(ConnectionSettingsError) as caught:
        sidebar_credentials("http://127.0.0.1:9", "1", "phx_x", settings)
    assert caught.value.field == "host"
    ok = sidebar_credentials("https://us.posthog.com/api", "7", " phx_x ", settings)
    assert (ok.host, ok.project_id, ok.api_key, ok.source) == (
        "https://us.posthog.com",
        7,
        "phx_x",
        "sidebar",
    )


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
