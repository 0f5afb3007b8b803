"""The address policy: which IP addresses a fetch may connect to.

An address is *public* when it is globally routable: ``ipaddress`` calls it global, and it is in
none of the ranges that ``ipaddress`` considers global but that lead back into private networks
or are not unicast (multicast, reserved, site-local, CGNAT, NAT64, 6to4, Teredo, IPv4-mapped
IPv6 whose IPv4 part is not public). Everything else is refused unless the operator allowed it
with ``allow_private`` (all of it, or only for listed ``host`` / ``host:port`` entries).

``check_host`` is called by the connect-time backend (``transport``) with the addresses a host
resolved to; it is never used to vet a URL ahead of time.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import AddressNotAllowed, InvalidURL
from .url import format_host, normalize_host

__all__ = [
    "EXTRA_BLOCKED_NETWORKS",
    "AddressPolicy",
    "IPAddress",
    "check_host",
    "is_public_address",
    "normalize_allow_entry",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Ranges refused on top of ``not ip.is_global`` (some of these count as "global" to ipaddress).
EXTRA_BLOCKED_NETWORKS: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = (
    ipaddress.IPv4Network("100.64.0.0/10"),  # carrier-grade NAT (RFC 6598)
    ipaddress.IPv4Network("192.88.99.0/24"),  # 6to4 relay anycast (deprecated, RFC 7526)
    ipaddress.IPv4Network("224.0.0.0/4"),  # multicast
    ipaddress.IPv4Network("240.0.0.0/4"),  # reserved, incl. broadcast
    ipaddress.IPv4Network("0.0.0.0/8"),  # "this network"
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible (deprecated) and unspecified
    ipaddress.IPv6Network("64:ff9b::/96"),  # NAT64 well-known prefix (RFC 6052)
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # NAT64 local-use prefix (RFC 8215)
    ipaddress.IPv6Network("2002::/16"),  # 6to4 (embeds an arbitrary IPv4 address)
    ipaddress.IPv6Network("2001::/32"),  # Teredo (embeds an arbitrary IPv4 address)
    ipaddress.IPv6Network("fec0::/10"),  # site-local (deprecated)
    ipaddress.IPv6Network("ff00::/8"),  # multicast
)


def is_public_address(ip: IPAddress) -> bool:
    """True if ``ip`` is a globally routable unicast address we may connect to."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped
        if mapped is not None and not is_public_address(mapped):
            return False
        if ip.scope_id:
            return False
    if not ip.is_global:
        return False
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_loopback:
        return False
    if ip.is_link_local or ip.is_private:
        return False
    return not any(ip in net for net in EXTRA_BLOCKED_NETWORKS if net.version == ip.version)


def normalize_allow_entry(entry: str) -> str:
    """``"LocalHost:8000"`` -> ``"localhost:8000"``, ``"[::1]"`` -> ``"::1"``.

    Entries are ``host`` or ``host:port`` (IPv6 in brackets when a port is given). Raises
    ``ValueError`` for anything else.
    """
    text = entry.strip()
    if not text:
        raise ValueError("empty allow_private entry")
    host, port = text, ""
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ValueError(f"bad allow_private entry: {entry!r}")
        host, rest = text[: end + 1], text[end + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise ValueError(f"bad allow_private entry: {entry!r}")
            port = rest[1:]
    elif text.count(":") == 1:
        host, port = text.split(":")
    elif text.count(":") > 1:
        host = f"[{text}]"  # a bare IPv6 address, no port
    try:
        canonical = normalize_host(host)
    except InvalidURL as exc:
        raise ValueError(f"bad allow_private entry: {entry!r}") from exc
    canonical = canonical.rstrip(".")
    if text.count(":") == 1 or (text.startswith("[") and port):
        if not port.isdigit() or not port.isascii() or not 0 < int(port) < 65536:
            raise ValueError(f"bad port in allow_private entry: {entry!r}")
        return f"{format_host(canonical)}:{int(port)}"
    return canonical


@dataclass(frozen=True)
class AddressPolicy:
    """Which non-public addresses are allowed: all (``True``), none (``False``), or the ones a
    listed ``host`` / ``host:port`` resolves to."""

    allow_private: bool | frozenset[str] = False

    @classmethod
    def from_option(cls, value: bool | Iterable[str]) -> AddressPolicy:
        if isinstance(value, bool):
            return cls(value)
        return cls(frozenset(normalize_allow_entry(entry) for entry in value))

    def allows_private(self, host: str, port: int) -> bool:
        """May ``host`` (as it appears in the URL, normalised) on ``port`` be non-public?"""
        if isinstance(self.allow_private, bool):
            return self.allow_private
        key = host.lower().strip("[]").rstrip(".")
        return key in self.allow_private or f"{format_host(key)}:{port}" in self.allow_private


def check_host(host: str, port: int, addresses: Sequence[IPAddress], policy: AddressPolicy) -> None:
    """Refuse unless every address ``host`` resolved to may be connected to.

    One non-public answer among public ones is enough to refuse: an attacker controlling DNS can
    mix answers, and which one the connect would use is not ours to guess.
    """
    if not addresses:
        raise AddressNotAllowed()
    if all(is_public_address(ip) for ip in addresses):
        return
    if not policy.allows_private(host, port):
        raise AddressNotAllowed()
