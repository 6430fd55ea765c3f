"""Where a webhook may be sent. Only http(s) URLs with a host; and, unless the settings
allow them, no address inside this network: private, loopback, link-local (the cloud's
metadata service), multicast, reserved or unspecified. The check covers every address the
name resolves to, and keeps them: the delivery connects to one of those, so a name
cannot pass the check and then resolve somewhere else (DNS rebinding)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]
MAX_URL_LENGTH = 2048


class DestinationError(ValueError):
    """A URL webhooks may not be sent to, with the reason in plain words."""


@dataclass(frozen=True)
class Destination:
    url: str
    host: str
    port: int
    addresses: tuple[str, ...]  # checked; the delivery connects to one of these


def resolve(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise DestinationError(f"{host} does not resolve") from None
    return sorted({str(entry[4][0]) for entry in found})


def parse_url(url: str) -> tuple[str, str, int]:
    """The scheme, host and port of a webhook URL, or why it cannot be one."""
    if len(url) > MAX_URL_LENGTH:
        raise DestinationError(f"a webhook URL is at most {MAX_URL_LENGTH} characters")
    url = url.strip()
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        raise DestinationError("a webhook URL has no spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise DestinationError("this is not a valid URL") from None
    if parts.scheme not in {"http", "https"}:
        raise DestinationError("a webhook URL starts with https:// (or http://)")
    if not parts.hostname:
        raise DestinationError("a webhook URL names a host")
    if parts.username or parts.password:
        raise DestinationError("a webhook URL carries no user name or password")
    return (
        parts.scheme,
        _ascii_host(parts.hostname),
        port or (443 if parts.scheme == "https" else 80),
    )


def _ascii_host(host: str) -> str:
    """The name as DNS, the Host header and TLS carry it: an internationalised name in its
    xn-- form (an IP literal stays as it is)."""
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise DestinationError(f"{host} is not a valid host name") from None


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries to (mapped, NAT64, 6to4, Teredo, compatible):
    where a gateway would deliver it, so that is what must be public."""
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _internal(address: Address) -> bool:
    """Anything not routable on the public internet (IANA's special-purpose registries:
    private, shared 100.64/10, loopback, link-local, reserved...), multicast, IPv6's old
    site-local range, and IPv6 forms that tunnel to an internal IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.is_site_local:
            return True
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            address = embedded
    return not address.is_global or address.is_multicast


def check(
    url: str,
    allowed: Sequence[Network] = (),
    resolver: Resolver = resolve,
) -> Destination:
    """The URL's destination once every address it resolves to may be reached."""
    _, host, port = parse_url(url)
    addresses = resolver(host, port)
    if not addresses:
        raise DestinationError(f"{host} does not resolve")
    for text in addresses:
        address = ipaddress.ip_address(text)
        if _internal(address) and not any(address in network for network in allowed):
            raise DestinationError(
                f"{host} resolves to {address}, an address inside this network; webhooks "
                "go to public endpoints (WEBHOOK_ALLOWED_NETWORKS lets an admin allow it)"
            )
    return Destination(url=url.strip(), host=host, port=port, addresses=tuple(addresses))


def networks(setting: str) -> list[Network]:
    """WEBHOOK_ALLOWED_NETWORKS: comma-separated CIDRs, e.g. `127.0.0.0/8,::1/128`."""
    try:
        return [ipaddress.ip_network(part.strip()) for part in setting.split(",") if part.strip()]
    except ValueError as exc:
        raise DestinationError(f"WEBHOOK_ALLOWED_NETWORKS: {exc}") from None
