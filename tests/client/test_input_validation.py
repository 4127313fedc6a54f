"""Whatever a person types into the settings, the client answers with a ConfigurationError
naming the setting in `field`, never another exception, and never echoes the key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vision_api import ConfigurationError, VisionClient

KEY = "phx_input_validation_key_0123"
HOST = "https://us.posthog.com"
URL_CHARS = "[]:.@%/?#0123456789abcdefx-"


def _refused(field: str, **overrides: object) -> ConfigurationError:
    options: dict[str, object] = {"base_url": HOST, "project_id": 1, "api_key": KEY}
    options.update(overrides)
    with pytest.raises(ConfigurationError) as caught:
        VisionClient(**options)  # type: ignore[arg-type]
    assert type(caught.value) is ConfigurationError
    assert caught.value.field == field
    return caught.value


# The API key ------------------------------------------------------------------------------


def test_a_pasted_bearer_prefix_is_refused_with_the_fix() -> None:
    error = _refused("api_key", api_key=f"Bearer {KEY}")
    assert "without it" in str(error)
    assert KEY not in str(error)


@pytest.mark.parametrize(
    "key",
    [
        "phx_abc def",
        "phx_abc\tdef",
        "phx_abc\ndef",
        "phx_abc\u00a0def",  # a no-break space from a formatted page
        "phx_abc€def",
        "phx_abc\u200bdef",  # zero-width space
        "phx_abc\x00def",
        "phx_abc\x7fdef",
        "phx_abc\x1bdef",
        "phx_" + "a" * 600,
    ],
)
def test_keys_that_cannot_travel_in_a_header_are_refused(key: str) -> None:
    error = _refused("api_key", api_key=key)
    assert key not in str(error) and key.strip() not in repr(error)


def test_a_key_of_only_spaces_is_missing() -> None:
    assert "POSTHOG_PERSONAL_API_KEY" in str(_refused("api_key", api_key="   "))


# The host ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "http://a..b",
        "http://.example.com",
        "http://example..com/",
        "http://[::1",
        "http://[::1]x",
        "http://[zz::1]",
        "http://[fe80::1%25eth0]",
        "http://",
        "http://.",
        "http://:8000",
        "http://example.com:0",
        "http://example.com:65536",
        "http://example.com:99999999999999999999",
        "http://example.com:-1",
        "http://example.com:port",
        "http://example.com:",
        "http://example.com:８０",
        "http://2130706433",
        "http://0x7f.1",
        "http://127.1",
        "http://1.2.3.999",
        "http://exa mple.com",
        "http://exam\tple.com",
        "http://exam\nple.com",
        "http://%65xample.com",
        "http://-example.com",
        "http://example-.com",
        "http://exa$mple.com",
        "http://" + "a" * 64 + ".com",
        "http://" + "a." * 130 + "com",
        "http://xn--.com",
        "https://example.com/p%2e%2e",
        "ftp://example.com",
        "example.com",
        "//example.com",
        "https:example.com",
    ],
)
def test_malformed_hosts_are_refused_naming_the_host(host: str) -> None:
    _refused("host", base_url=host)


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("HTTPS://US.PostHog.com./", "https://us.posthog.com"),
        ("https://us.posthog.com:443/api", "https://us.posthog.com"),
        ("http://localhost:80", "http://localhost"),
        ("http://[0:0::1]:8000/", "http://[::1]:8000"),
        ("http://LOCALHOST:8000", "http://localhost:8000"),
        ("https://Bücher.example", "https://xn--bcher-kva.example"),
        ("http://posthog_web:8000", "http://posthog_web:8000"),
        ("https://posthog.example.com/prefix/api/", "https://posthog.example.com/prefix"),
    ],
)
def test_hosts_are_normalised(typed: str, normalised: str) -> None:
    assert VisionClient(base_url=typed, project_id=1, api_key=KEY).base_url == normalised


# The project id and limits ----------------------------------------------------------------


@pytest.mark.parametrize("project_id", ["²", "١٢", "1" * 30, "12a", " ", 0, -1, 1.5])
def test_odd_project_ids_are_refused(project_id: object) -> None:
    _refused("project_id", project_id=project_id)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("deadline", 0),
        ("deadline", float("nan")),
        ("deadline", "10"),
        ("max_response_bytes", 0),
        ("max_response_bytes", 1.5),
        ("max_response_bytes", True),
        ("max_retry_wait", -1),
        ("max_retry_wait", float("inf")),
        ("max_retries", -1),
        ("timeout", (1, 0)),
    ],
)
def test_invalid_limits_are_refused_naming_them(option: str, value: object) -> None:
    _refused(option, **{option: value})


def test_limits_are_readable() -> None:
    client = VisionClient(
        base_url=HOST,
        project_id=1,
        api_key=KEY,
        deadline=5,
        max_response_bytes=1000,
        max_retry_wait=0,
    )
    assert (client.deadline, client.max_response_bytes, client.max_retry_wait) == (5.0, 1000, 0.0)


def test_default_limits() -> None:
    client = VisionClient(base_url=HOST, project_id=1, api_key=KEY)
    assert client.deadline == 40.0
    assert client.max_response_bytes == 16 * 1024 * 1024
    assert client.max_retry_wait == 10.0
    assert not client.pinned


# Anything at all --------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    host=st.one_of(
        st.text(max_size=40),
        st.builds(lambda rest: "http://" + rest, st.text(max_size=30)),
        st.builds(
            lambda rest: "https://" + rest,
            st.text(alphabet="[]:.@%/?#0123456789abcdef-", max_size=30),
        ),
    ),
    project_id=st.one_of(st.text(max_size=8), st.integers()),
    key=st.one_of(
        st.text(max_size=30), st.builds(lambda rest: "phx_" + rest, st.text(max_size=26))
    ),
)
def test_any_input_is_accepted_or_a_configuration_error(
    host: str, project_id: object, key: str
) -> None:
    try:
        VisionClient(base_url=host, project_id=project_id, api_key=key)  # type: ignore[arg-type]
    except ConfigurationError as error:
        assert error.field in ("host", "project_id", "api_key")
        secret = key.strip()
        # Only a key shaped like one is checked: a short random key can be a word of the
        # message itself ("post" in "us.posthog.com").
        if secret.startswith("phx_") and secret not in host and secret not in str(project_id):
            assert secret not in str(error)
