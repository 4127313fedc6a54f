"""HostPolicy: which API hosts a client may send its key to, for servers shared by many people.

A public dashboard lets a viewer type a host, and the *server* then connects to it. Without
a policy that is a server-side request forgery: a viewer could point it at the server's own
admin ports, its private network or the cloud metadata service. The policy denies by
default:

- PostHog Cloud (`https://us.posthog.com`, `https://eu.posthog.com`) is allowed.
- `allowed_hosts` adds hosts the operator trusts. A bare name (`posthog.example.com`)
  allows https on port 443 only; a full origin (`http://posthog.internal:8000`) allows
  exactly that scheme, host and port. Listed hosts are trusted as they are, so an operator
  can allow a self-hosted PostHog on the LAN, or the local demo sandbox, by origin.
- `allow_any_host=True` lets viewers use any other http(s) host (self-hosted PostHog on the
  internet), but every address its name resolves to must be public, and the connection is
  pinned to the address that was checked, so a DNS answer that changes between the check
  and the connection (DNS rebinding) cannot redirect it.

Anything else raises HostNotAllowedError before a single byte is sent.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ._addresses import refusal_reason
from ._exceptions import ConfigurationError, HostNotAllowedError
from ._urls import BaseURL, parse_base_url

Resolver = Callable[[str, int], Sequence[str]]
"""resolve(host, port) -> the IP addresses a connection to host:port could use."""

CLOUD_ORIGINS = ("https://us.posthog.com", "https://eu.posthog.com")
_Origin = tuple[str, str, int]


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (TCP), in its order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


@dataclass(frozen=True, slots=True)
class Route:
    """Where a client may connect: the checked URL, and whether each connection must be pinned
    to a checked public address (hosts allowed only through `allow_any_host`)."""

    url: BaseURL
    guard: HostPolicy | None


class HostPolicy:
    """Decides which API hosts a VisionClient may connect to. Deny by default.

    Args:
        allowed_hosts: hosts the operator trusts, each a bare name or IP (https, port 443),
            `name:port` (https on that port), or a full origin `scheme://host[:port]`.
        allow_any_host: also allow any other http(s) host whose addresses are all public.
        allow_cloud: allow PostHog Cloud (US and EU) without listing it; on by default.
        resolver: resolve(host, port) -> addresses, for `allow_any_host` checks; tests inject
            one so they need no DNS. Defaults to the system resolver.

    Raises:
        ConfigurationError: (field "allowed_hosts") when an entry is not a valid host.
    """

    __slots__ = ("_allow_any_host", "_allowed", "_resolver")

    def __init__(
        self,
        *,
        allowed_hosts: Iterable[str] = (),
        allow_any_host: bool = False,
        allow_cloud: bool = True,
        resolver: Resolver | None = None,
    ) -> None:
        entries = [allowed_hosts] if isinstance(allowed_hosts, str) else list(allowed_hosts)
        origins = [_entry_origin(entry) for entry in entries if str(entry).strip()]
        if allow_cloud:
            origins = [_entry_origin(origin) for origin in CLOUD_ORIGINS] + origins
        self._allowed: dict[_Origin, str] = {
            (url.scheme, url.host, url.port): url.origin for url in origins
        }
        self._allow_any_host = bool(allow_any_host)
        self._resolver: Resolver = resolver or system_resolver

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """The explicitly allowed origins, normalised, e.g. ("https://us.posthog.com", ...)."""
        return tuple(self._allowed.values())

    @property
    def allow_any_host(self) -> bool:
        return self._allow_any_host

    def __repr__(self) -> str:
        return (
            f"HostPolicy(allowed_origins={list(self.allowed_origins)!r}, "
            f"allow_any_host={self._allow_any_host})"
        )

    def check(self, base_url: str | BaseURL) -> Route:
        """The route for a host URL, or HostNotAllowedError saying what to change.

        Sends nothing and resolves nothing: a name allowed through `allow_any_host` is
        checked again, after DNS, for every connection (see `connect_address`).

        Raises:
            ConfigurationError: (field "host") the URL itself is malformed.
            HostNotAllowedError: the policy refuses the host.
        """
        url = base_url if isinstance(base_url, BaseURL) else parse_base_url(base_url)
        if url.path:
            raise HostNotAllowedError(
                f"Enter the server address only, like {CLOUD_ORIGINS[0]}, without a path "
                f"(got {url.url!r})."
            )
        if (url.scheme, url.host, url.port) in self._allowed:
            return Route(url, guard=None)
        if self._allow_any_host:
            if url.is_ip:
                self._refuse_if_not_public(url.host, url.host)
            return Route(url, guard=self)
        raise HostNotAllowedError(self._not_listed(url))

    def connect_address(self, host: str, port: int) -> str:
        """Resolve `host` and return the address to connect to, once every answer is public.

        Called by the pinned connection for each new socket, so the address checked is the
        address connected to.

        Raises:
            HostNotAllowedError: some address is not public (loopback, private, ...).
            OSError: the name does not resolve.
        """
        addresses = list(self._resolver(host, port))
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} has no addresses")
        for address in addresses:
            self._refuse_if_not_public(host, str(address))
        return str(addresses[0]).split("%", 1)[0]

    def _refuse_if_not_public(self, host: str, address: str) -> None:
        reason = refusal_reason(address)
        if reason is None:
            return
        where = f"{host} is" if host == address else f"{host} resolves to {address}, which is"
        raise HostNotAllowedError(
            f"{where} a {reason} address. This server only connects to public addresses for "
            "hosts it does not list; use the PostHog host's public address, or ask whoever "
            "runs this console to add it to allowed_hosts if it is a trusted internal server."
        )

    def _not_listed(self, url: BaseURL) -> str:
        same_host = [origin for (_, host, _), origin in self._allowed.items() if host == url.host]
        if same_host:
            return (
                f"{url.host} is allowed only as {', '.join(same_host)}; "
                f"{url.origin} uses another scheme or port. Use {same_host[0]}."
            )
        allowed = ", ".join(self.allowed_origins) or "no hosts"
        return (
            f"This console may connect only to {allowed}; {url.origin} is not allowed. "
            "Use one of those, or ask whoever runs this console to add the host to "
            "allowed_hosts."
        )


def _entry_origin(entry: str) -> BaseURL:
    """An allowed_hosts entry as an origin: bare names mean https on port 443."""
    text = str(entry).strip()
    url = parse_base_url(text if "://" in text else f"https://{text}", field="allowed_hosts")
    if url.path:
        raise ConfigurationError(
            f"allowed_hosts entry {text!r} must be a host or an origin, without a path.",
            field="allowed_hosts",
        )
    return url
