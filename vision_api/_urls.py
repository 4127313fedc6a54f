"""Parse and normalise the API host URL a person typed, refusing anything ambiguous.

The host URL decides where the API key is sent, so it is parsed strictly and rebuilt from
its parts: scheme and host lower-cased, the host IDNA-encoded with any trailing dot
removed, IP literals in their canonical form, the default port dropped, a trailing `/` or
`/api` removed. Anything a browser and a server could read differently (credentials before
an `@`, spaces or control characters, empty labels, numeric shorthands for IP addresses,
out-of-range ports) is a ConfigurationError naming the `host` setting.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import idna

from ._exceptions import ConfigurationError

DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?")
_HEX_LABEL = re.compile(r"0x[0-9a-f]*")
_MAX_HOST_LENGTH = 253
_MAX_LABEL_LENGTH = 63
_EXAMPLE = "https://us.posthog.com"


@dataclass(frozen=True, slots=True)
class BaseURL:
    """A validated API root: `scheme://host[:port][path]`.

    `host` is ASCII and lower-case (IPv6 without brackets); `port` is always set (the
    scheme's default when the URL had none); `path` is "" or a prefix such as "/posthog".
    """

    scheme: str
    host: str
    port: int
    path: str = ""

    @property
    def is_ip(self) -> bool:
        """True when the host is an IP address literal, not a name."""
        return is_ip_literal(self.host)

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if DEFAULT_PORTS[self.scheme] == self.port else f"{host}:{self.port}"

    @property
    def origin(self) -> str:
        """`scheme://host[:port]`, the unit the host policy allows or refuses."""
        return f"{self.scheme}://{self.netloc}"

    @property
    def url(self) -> str:
        """The normalised URL: origin plus path prefix, without a trailing slash."""
        return self.origin + self.path


def parse_base_url(value: str, *, field: str = "host") -> BaseURL:
    """Parse a host URL such as `https://us.posthog.com/api/` into a BaseURL.

    Raises:
        ConfigurationError: with `field` set, saying what is wrong and what a valid host
            looks like.
    """
    text = str(value).strip()
    shown = _shown(text)
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in text):
        raise _error(f"The host URL {shown} contains spaces or control characters.", field)
    if "?" in text or "#" in text:
        raise _error(f"The host URL {shown} must not have a query or fragment.", field)
    text = text.rstrip("/")
    if text.endswith("/api"):
        text = text[: -len("/api")].rstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError:
        raise _error(f"The host URL {shown} is malformed (check the brackets).", field) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise _error(f"The host must be an http(s) URL such as {_EXAMPLE}, got {shown}.", field)
    if "@" in parts.netloc:
        raise _error(
            "The host URL must not contain credentials (nothing before an @); "
            "pass the API key separately.",
            field,
        )
    if not parts.netloc:
        raise _error(f"The host URL {shown} has no host name.", field)
    raw_host, port = _split_netloc(parts.netloc, scheme, shown, field)
    path = parts.path
    if not path.isascii() or "\\" in path or "%" in path:
        raise _error(f"The host URL {shown} has an unexpected path.", field)
    return BaseURL(scheme, normalize_hostname(raw_host, field=field, shown=shown), port, path)


def normalize_hostname(raw: str, *, field: str = "host", shown: str | None = None) -> str:
    """A host name or IP literal in canonical form: lower-case ASCII, no trailing dot.

    Names are IDNA-encoded (`Bücher.example` -> `xn--bcher-kva.example`); IPv4 must be four
    decimal parts and IPv6 is compressed. A name whose last label is a number is refused,
    since resolvers read `2130706433` or `0x7f.1` as IP addresses (here, 127.0.0.1).
    """
    shown = shown or _shown(raw)
    if raw.startswith("[") and raw.endswith("]"):
        if "%" in raw:
            raise _error(f"The host URL {shown} has an IPv6 zone id, which is not allowed.", field)
        try:
            return str(ipaddress.IPv6Address(raw[1:-1]))
        except ValueError:
            raise _error(f"The host URL {shown} has an invalid IPv6 address.", field) from None
    name = raw.lower()
    if name.endswith("."):
        name = name[:-1]
    if not name:
        raise _error(f"The host URL {shown} has no host name.", field)
    if not name.isascii():
        try:
            name = idna.encode(name, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            raise _error(f"The host name in {shown} is not a valid domain name.", field) from None
    labels = name.split(".")
    if any(not label for label in labels):
        raise _error(f"The host name in {shown} has an empty label (two dots in a row).", field)
    last = labels[-1]
    if last.isdigit() or _HEX_LABEL.fullmatch(last):
        try:
            return str(ipaddress.IPv4Address(name))
        except ValueError:
            raise _error(
                f"The host URL {shown} is not a valid IPv4 address (use four decimal parts, "
                "like 203.0.113.7) or host name.",
                field,
            ) from None
    if len(name) > _MAX_HOST_LENGTH or any(
        len(label) > _MAX_LABEL_LENGTH or not _LABEL.fullmatch(label) for label in labels
    ):
        raise _error(f"The host name in {shown} is not a valid domain name.", field)
    return name


def is_ip_literal(host: str) -> bool:
    """True for a canonical IPv4 or IPv6 address string."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _split_netloc(netloc: str, scheme: str, shown: str, field: str) -> tuple[str, int]:
    """(host, port) from `host`, `host:port`, `[v6]` or `[v6]:port`."""
    if netloc.startswith("["):
        end = netloc.find("]")
        host, rest = netloc[: end + 1], netloc[end + 1 :]
        if rest and not rest.startswith(":"):
            raise _error(f"The host URL {shown} is malformed after the IPv6 address.", field)
        port_text = rest[1:] if rest else None
    elif ":" in netloc:
        host, port_text = netloc.rsplit(":", 1)
    else:
        host, port_text = netloc, None
    if port_text is None:
        return host, DEFAULT_PORTS[scheme]
    if not (port_text.isascii() and port_text.isdigit()) or not 1 <= int(port_text) <= 65535:
        raise _error(
            f"The host URL {shown} has an invalid port; use a number from 1 to 65535.", field
        )
    return host, int(port_text)


def _shown(text: str) -> str:
    """The value quoted for a message, cut short so a pasted essay does not flood the page."""
    return repr(text if len(text) <= 80 else text[:80] + "…")


def _error(message: str, field: str) -> ConfigurationError:
    return ConfigurationError(message, field=field)
