"""Which IP addresses count as public: the check behind `HostPolicy(allow_any_host=True)`.

A shared server that lets viewers type any host must not become a way to reach what only
the server can reach: itself (loopback), its network (private, link-local, carrier-grade
NAT), or the cloud metadata service that hands out its credentials. Addresses are checked
after DNS resolution, and IPv6 forms that embed an IPv4 address (mapped, 6to4, NAT64) are
judged by the IPv4 address inside.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_METADATA = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, DigitalOcean, ...
        ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    }
)
_CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def refusal_reason(address: str) -> str | None:
    """Why `address` is not a public address ("loopback", "private", ...), or None if it is."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "unreadable"
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        inner = refusal_reason(str(embedded))
        if inner is not None:
            return inner
    return _reason(ip)


def _reason(ip: IPAddress) -> str | None:
    if ip in _METADATA:
        return "cloud metadata"
    checks = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _CARRIER_GRADE_NAT, "carrier-grade NAT"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "site-local"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "non-public"),
    )
    for applies, reason in checks:
        if applies:
            return reason
    return None


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (::ffff:a.b.c.d, 2002:…, 64:ff9b::…)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None
