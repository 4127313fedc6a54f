"""HostPolicy: deny by default, operator-trusted origins, public-only and pinned `allow_any_host`.

No test needs DNS: resolvers are injected, and where a pinned connection must really connect,
urllib3's create_connection is wrapped to record the address and reach a local stub instead.
"""

from __future__ import annotations

import socket
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from urllib3.util import connection as urllib3_connection

from vision_api import (
    CLOUD_ORIGINS,
    ConfigurationError,
    HostNotAllowedError,
    HostPolicy,
    VisionClient,
)
from vision_api._addresses import refusal_reason

from .conftest import STUB_KEY, Reply, StubAPI

STATS = {"total": 0, "enabled": 0, "by_type": {}}
PUBLIC_IP = "93.184.216.34"
PUBLIC_IPV6 = "2606:2800:220:1:248:1893:25c8:1946"


def no_dns(host: str, port: int) -> Sequence[str]:
    raise AssertionError(f"resolved {host}:{port}, but this step must not use DNS")


def resolving_to(*addresses: str) -> Callable[[str, int], Sequence[str]]:
    return lambda _host, _port: list(addresses)


# Deny by default --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "https://us.posthog.com",
        "https://eu.posthog.com/",
        "https://US.PostHog.com./api/",
        "https://eu.posthog.com:443",
    ],
)
def test_posthog_cloud_is_allowed_by_default(host: str) -> None:
    route = HostPolicy(resolver=no_dns).check(host)
    assert route.url.origin in CLOUD_ORIGINS
    assert route.guard is None  # trusted: no per-connection address check


@pytest.mark.parametrize(
    "host",
    [
        "https://evil.example",
        "https://us.posthog.com.evil.example",
        "https://posthog.com",
        "http://127.0.0.1:8000",
        "http://localhost",
        "https://169.254.169.254",
    ],
)
def test_other_hosts_are_refused_by_default(host: str) -> None:
    with pytest.raises(HostNotAllowedError, match="allowed_hosts") as caught:
        HostPolicy(resolver=no_dns).check(host)
    assert caught.value.field == "host"
    assert isinstance(caught.value, ConfigurationError)
    assert "https://us.posthog.com" in str(caught.value)


@pytest.mark.parametrize("host", ["http://us.posthog.com", "https://us.posthog.com:8443"])
def test_cloud_over_another_scheme_or_port_is_refused_with_the_fix(host: str) -> None:
    with pytest.raises(HostNotAllowedError, match=r"Use https://us\.posthog\.com"):
        HostPolicy().check(host)


def test_cloud_can_be_left_out() -> None:
    policy = HostPolicy(allowed_hosts=["posthog.example.com"], allow_cloud=False)
    assert policy.allowed_origins == ("https://posthog.example.com",)
    with pytest.raises(HostNotAllowedError):
        policy.check("https://us.posthog.com")


# Operator-listed hosts --------------------------------------------------------------------


def test_a_bare_host_name_allows_https_on_443_only() -> None:
    policy = HostPolicy(allowed_hosts=["PostHog.Example.com."], resolver=no_dns)
    assert policy.check("https://posthog.example.com/api").guard is None
    for other in ("http://posthog.example.com", "https://posthog.example.com:8443"):
        with pytest.raises(HostNotAllowedError):
            policy.check(other)


def test_a_full_origin_allows_exactly_that_scheme_host_and_port() -> None:
    policy = HostPolicy(allowed_hosts=["http://posthog.internal:8000"], resolver=no_dns)
    assert policy.check("http://POSTHOG.internal:8000/").url.origin == (
        "http://posthog.internal:8000"
    )
    for other in (
        "https://posthog.internal:8000",
        "http://posthog.internal:8001",
        "http://posthog.internal",
        "http://other.internal:8000",
    ):
        with pytest.raises(HostNotAllowedError):
            policy.check(other)


def test_a_listed_private_origin_is_trusted_without_an_address_check() -> None:
    """The operator's own LAN PostHog or the demo sandbox, allowed by origin."""
    policy = HostPolicy(allowed_hosts=["http://127.0.0.1:8123", "http://10.0.0.7:8000"])
    assert policy.check("http://127.0.0.1:8123").guard is None
    assert policy.check("http://10.0.0.7:8000").guard is None


def test_host_names_are_compared_after_idna_normalisation() -> None:
    policy = HostPolicy(allowed_hosts=["bücher.example"], resolver=no_dns)
    assert policy.allowed_origins[-1] == "https://xn--bcher-kva.example"
    assert policy.check("https://BÜCHER.example.").url.host == "xn--bcher-kva.example"
    assert policy.check("https://xn--bcher-kva.example").guard is None


def test_ip_literals_are_compared_in_canonical_form() -> None:
    policy = HostPolicy(allowed_hosts=["http://[0:0::1]:8000"])
    assert policy.check("http://[::1]:8000").guard is None


def test_a_single_string_is_one_entry_not_its_letters() -> None:
    policy = HostPolicy(allowed_hosts="posthog.example.com", allow_cloud=False)
    assert policy.allowed_origins == ("https://posthog.example.com",)


@pytest.mark.parametrize(
    "entry", ["https://posthog.example.com/some/path", "ftp://x.example", "a..b", "http://[::1"]
)
def test_invalid_allowed_hosts_entries_are_refused_naming_the_setting(entry: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        HostPolicy(allowed_hosts=[entry])
    assert caught.value.field == "allowed_hosts"


# What the policy refuses about the URL itself ---------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "http://evil.example@us.posthog.com",
        "https://us.posthog.com@evil.example",
        "https://user:pw@us.posthog.com",
        "https://@us.posthog.com",
        "https://us.posthog.com\\@evil.example",
    ],
)
def test_userinfo_is_refused(host: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        HostPolicy().check(host)
    assert caught.value.field == "host"


@pytest.mark.parametrize(
    "host",
    [
        "https://us.posthog.com/api/projects/1",
        "https://us.posthog.com/../admin",
        "https://us.posthog.com/x",
        "https://us.posthog.com?next=/",
        "https://us.posthog.com/#frag",
        "https://us.posthog.com/?",
        "file:///etc/passwd",
        "gopher://us.posthog.com",
    ],
)
def test_paths_queries_fragments_and_other_schemes_are_refused(host: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        HostPolicy().check(host)
    assert caught.value.field == "host"


# allow_any_host: public addresses only ----------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "http://127.0.0.1:8000",
        "http://127.1.2.3",
        "http://[::1]:8000",
        "http://10.1.2.3",
        "http://172.16.0.1",
        "http://192.168.1.1",
        "http://169.254.169.254",
        "http://[fd00:ec2::254]",
        "http://[fe80::1]",
        "http://100.64.0.1",
        "http://0.0.0.0",
        "http://[::]",
        "http://224.0.0.1",
        "http://240.0.0.1",
        "http://[::ffff:127.0.0.1]",
        "http://[64:ff9b::a00:1]",
    ],
)
def test_allow_any_host_refuses_non_public_ip_literals_without_dns(host: str) -> None:
    with pytest.raises(HostNotAllowedError, match="address"):
        HostPolicy(allow_any_host=True, resolver=no_dns).check(host)


def test_allow_any_host_accepts_a_name_and_pins_its_connections() -> None:
    policy = HostPolicy(allow_any_host=True, resolver=no_dns)
    route = policy.check("https://posthog.example.org")
    assert route.guard is policy
    assert policy.check(f"https://{PUBLIC_IP}").guard is policy


@pytest.mark.parametrize(
    ("addresses", "reason"),
    [
        (["127.0.0.1"], "loopback"),
        (["10.0.0.8"], "private"),
        (["169.254.169.254"], "cloud metadata"),
        (["::1"], "loopback"),
        (["fd00:ec2::254"], "cloud metadata"),
        (["fe80::1%eth0"], "link-local"),
        (["100.64.12.1"], "carrier-grade NAT"),
        ([PUBLIC_IP, "192.168.0.4"], "private"),  # every address must be public
        (["::ffff:10.0.0.1"], "private"),
        (["2002:a9fe:a9fe::1"], "cloud metadata"),  # 6to4 around 169.254.169.254
    ],
)
def test_connect_address_refuses_names_resolving_to_non_public_addresses(
    addresses: list[str], reason: str
) -> None:
    policy = HostPolicy(allow_any_host=True, resolver=resolving_to(*addresses))
    with pytest.raises(HostNotAllowedError, match=f"a {reason} address") as caught:
        policy.connect_address("sneaky.example.org", 443)
    assert "sneaky.example.org resolves to" in str(caught.value)
    assert caught.value.field == "host"


def test_connect_address_returns_the_checked_public_address() -> None:
    seen: list[tuple[str, int]] = []

    def resolver(host: str, port: int) -> list[str]:
        seen.append((host, port))
        return [PUBLIC_IPV6, PUBLIC_IP]

    policy = HostPolicy(allow_any_host=True, resolver=resolver)
    assert policy.connect_address("posthog.example.org", 8443) == PUBLIC_IPV6
    assert seen == [("posthog.example.org", 8443)]


def test_a_name_without_addresses_is_a_resolution_error() -> None:
    policy = HostPolicy(allow_any_host=True, resolver=resolving_to())
    with pytest.raises(socket.gaierror):
        policy.connect_address("nothing.example.org", 443)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("8.8.8.8", None),
        (PUBLIC_IPV6, None),
        ("127.0.0.1", "loopback"),
        ("10.255.255.255", "private"),
        ("172.31.0.1", "private"),
        ("192.168.0.1", "private"),
        ("169.254.0.1", "link-local"),
        ("169.254.169.254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("100.127.255.255", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("239.1.1.1", "multicast"),
        ("ff02::1", "multicast"),
        ("fc00::1", "private"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("64:ff9b::7f00:1", "loopback"),
        ("not an address", "unreadable"),
    ],
)
def test_refusal_reason_table(address: str, reason: str | None) -> None:
    assert refusal_reason(address) == reason


@pytest.mark.parametrize(
    "address",
    ["255.255.255.255", "198.18.0.1", "192.0.2.1", "203.0.113.9", "fec0::1", "2001:db8::1"],
)
def test_special_purpose_addresses_are_refused(address: str) -> None:
    """Broadcast, benchmarking, documentation, site-local: which label each gets varies with
    the Python version's tables, but none is public."""
    assert refusal_reason(address) is not None


# Through the client -----------------------------------------------------------------------


def test_the_client_refuses_a_disallowed_host_before_sending(stub_api: StubAPI) -> None:
    with pytest.raises(HostNotAllowedError) as caught:
        VisionClient(
            base_url=stub_api.base_url, project_id=1, api_key=STUB_KEY, host_policy=HostPolicy()
        )
    assert stub_api.seen == []
    assert STUB_KEY not in "".join(traceback.format_exception(caught.value))


def test_the_client_reaches_an_operator_listed_origin(stub_api: StubAPI) -> None:
    stub_api.reply("/scanners/stats/", Reply(200, STATS))
    policy = HostPolicy(allowed_hosts=[stub_api.base_url])
    with stub_api.client(host_policy=policy) as client:
        assert not client.pinned
        assert client.scanners.stats().total == 0


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch, stub_api: StubAPI) -> list[tuple[str, int]]:
    """Records every address urllib3 connects to, and sends the socket to the stub instead."""
    seen: list[tuple[str, int]] = []
    real = urllib3_connection.create_connection

    def recording(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        seen.append(address)
        return real(("127.0.0.1", int(stub_api.base_url.rsplit(":", 1)[1])), *args, **kwargs)

    monkeypatch.setattr(urllib3_connection, "create_connection", recording)
    return seen


def _pinned_client(stub_api: StubAPI, resolver: Callable[[str, int], Sequence[str]]) -> Any:
    port = stub_api.base_url.rsplit(":", 1)[1]
    return VisionClient(
        base_url=f"http://vision.example.test:{port}",
        project_id=1,
        api_key=STUB_KEY,
        host_policy=HostPolicy(allow_any_host=True, resolver=resolver),
        sleep=lambda _s: None,
    )


def test_a_pinned_connection_goes_to_the_checked_address(
    stub_api: StubAPI, connects: list[tuple[str, int]]
) -> None:
    stub_api.reply("/scanners/stats/", Reply(200, STATS))
    port = int(stub_api.base_url.rsplit(":", 1)[1])
    with _pinned_client(stub_api, resolving_to(PUBLIC_IP)) as client:
        assert client.pinned
        assert client.scanners.stats().total == 0
    # The socket went to the address that was checked; the name was never handed to the
    # system resolver (vision.example.test does not exist), and HTTP still names the host.
    assert connects == [(PUBLIC_IP, port)]
    assert stub_api.seen[0].headers["Host"] == f"vision.example.test:{port}"


def test_no_socket_is_opened_for_a_name_resolving_to_a_private_address(
    stub_api: StubAPI, connects: list[tuple[str, int]]
) -> None:
    with (
        _pinned_client(stub_api, resolving_to("127.0.0.1")) as client,
        pytest.raises(HostNotAllowedError, match="loopback") as caught,
    ):
        client.scanners.stats()
    assert connects == []
    assert stub_api.seen == []
    assert STUB_KEY not in "".join(traceback.format_exception(caught.value))


def test_dns_rebinding_is_caught_on_the_next_connection(
    stub_api: StubAPI, connects: list[tuple[str, int]]
) -> None:
    """The stub closes every connection, so each call resolves and checks afresh."""
    answers = iter([[PUBLIC_IP], ["169.254.169.254"]])
    stub_api.reply("/scanners/stats/", Reply(200, STATS))
    with _pinned_client(stub_api, lambda _h, _p: next(answers)) as client:
        assert client.scanners.stats().total == 0
        with pytest.raises(HostNotAllowedError, match="cloud metadata"):
            client.scanners.stats()
    assert len(connects) == 1
    assert len(stub_api.seen) == 1


def test_a_refused_connection_is_not_retried(
    stub_api: StubAPI, connects: list[tuple[str, int]]
) -> None:
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["10.0.0.1"]

    with _pinned_client(stub_api, resolver) as client, pytest.raises(HostNotAllowedError):
        client.scanners.stats()
    assert calls == ["vision.example.test"]


def test_pinned_sessions_ignore_proxies_from_the_environment(
    stub_api: StubAPI, connects: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy would resolve the name itself, out of reach of the address check."""
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    stub_api.reply("/scanners/stats/", Reply(200, STATS))
    with _pinned_client(stub_api, resolving_to(PUBLIC_IP)) as client:
        assert client.scanners.stats().total == 0
    assert connects[0][0] == PUBLIC_IP


def test_copies_and_bulk_workers_stay_pinned(
    stub_api: StubAPI, connects: list[tuple[str, int]]
) -> None:
    page = {"count": 0, "next": None, "previous": None, "results": []}
    stub_api.reply("/observations/", Reply(200, page))
    stub_api.reply("/scanners/stats/", Reply(200, STATS))
    with _pinned_client(stub_api, resolving_to(PUBLIC_IP)) as client:
        twin = client.copy()
        with twin:
            assert twin.pinned
            twin.scanners.stats()
        assert client.observations.fetch_all("s1") == []
    assert [address for address, _ in connects] == [PUBLIC_IP, PUBLIC_IP]


def test_policy_repr_is_safe_and_useful() -> None:
    text = repr(HostPolicy(allowed_hosts=["posthog.example.com"], allow_any_host=True))
    assert "https://posthog.example.com" in text and "allow_any_host=True" in text
