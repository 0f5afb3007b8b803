"""Checking and normalising the addresses we are asked to fetch.

Only ``http`` and ``https`` URLs with a real host pass. Hosts are brought to one canonical
spelling before anything else looks at them: lower case, IDNA (punycode) for international
names, IPv6 in compressed form without brackets, and every legacy spelling of an IPv4 address
(``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``) as a dotted quad, the way browsers
read them. The address policy then sees one spelling per address; the connect-time check (see
``transport``) is what actually decides, on the resolved addresses.
"""

from __future__ import annotations

import ipaddress
import re
import string
from urllib.parse import quote, urljoin, urlsplit

import httpx

from .errors import InvalidURL, UnsupportedScheme

__all__ = ["format_host", "normalize_host", "normalize_url", "redirect_target"]

SCHEMES = frozenset({"http", "https"})
_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_NUMBER = re.compile(r"^(?:0[xX][0-9a-fA-F]*|[0-9]+)$")
_FORBIDDEN_HOST_CHARS = frozenset(" \t\r\n#/:<>?@[\\]^|%")
# Characters a server may put raw into a Location header that we percent-encode before parsing.
_LOCATION_SAFE = string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%"


def normalize_url(raw: str) -> httpx.URL:
    """Check ``raw`` and return it as a canonical :class:`httpx.URL` (fragment dropped).

    Raises :class:`InvalidURL` or :class:`UnsupportedScheme`.
    """
    if not isinstance(raw, str) or not raw:
        raise InvalidURL()
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in raw):
        raise InvalidURL()
    try:
        parts = urlsplit(raw)
    except ValueError as exc:
        raise InvalidURL() from exc
    scheme = parts.scheme.lower()
    if not scheme:
        raise InvalidURL()
    if scheme not in SCHEMES:
        raise UnsupportedScheme()
    netloc = parts.netloc
    if not netloc or not raw[len(parts.scheme) + 1 :].startswith("//"):
        raise InvalidURL()
    if "@" in netloc:
        # Credentials in a saved address would be stored and sent around; and
        # ``http://trusted@evil/`` is a classic way to mislead a reader.
        raise InvalidURL()
    host_part, port = _split_port(netloc)
    host = normalize_host(host_part)
    path = parts.path or "/"
    text = f"{scheme}://{format_host(host)}"
    if port is not None:
        text += f":{port}"
    text += path
    if parts.query:
        text += f"?{parts.query}"
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise InvalidURL() from exc
    if url.raw_host.decode("ascii") != host:  # pragma: no cover - defensive, httpx re-parsed it
        raise InvalidURL()
    return url


def redirect_target(current: httpx.URL, location: str) -> httpx.URL:
    """The URL a ``Location`` header points to, checked like any address we are given."""
    location = quote(location.strip(), safe=_LOCATION_SAFE)
    return normalize_url(urljoin(str(current), location))


def format_host(host: str) -> str:
    """A normalised host as it is written in a URL (IPv6 in brackets)."""
    return f"[{host}]" if ":" in host else host


def normalize_host(host: str) -> str:
    """The canonical spelling of a URL host; raises :class:`InvalidURL` if it is not one.

    Accepts ``[v6]`` literals, every IPv4 spelling browsers accept, and DNS names (Unicode
    names are IDNA-encoded).
    """
    if not host:
        raise InvalidURL()
    if host.startswith("["):
        if not host.endswith("]"):
            raise InvalidURL()
        inner = host[1:-1]
        if "%" in inner:  # zone ids have no meaning for a public web address
            raise InvalidURL()
        try:
            return ipaddress.IPv6Address(inner).compressed
        except ValueError as exc:
            raise InvalidURL() from exc
    if any(ch in _FORBIDDEN_HOST_CHARS for ch in host):
        raise InvalidURL()
    if not host.isascii():
        try:
            host = httpx.URL(f"http://{host}/").raw_host.decode("ascii")
        except (httpx.InvalidURL, UnicodeError) as exc:
            raise InvalidURL() from exc
    host = host.lower()
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels = labels[:-1]  # a single trailing dot (fully qualified name) is allowed
    if _NUMBER.match(labels[-1]):
        return str(_parse_legacy_ipv4(labels))
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise InvalidURL()
    return host


def _split_port(netloc: str) -> tuple[str, int | None]:
    if netloc.startswith("["):
        end = netloc.find("]")
        if end < 0:
            raise InvalidURL()
        host, rest = netloc[: end + 1], netloc[end + 1 :]
        if rest and not rest.startswith(":"):
            raise InvalidURL()
        port_text = rest[1:] if rest else ""
    else:
        host, _, port_text = netloc.partition(":")
    if not port_text:
        return host, None
    if not port_text.isdigit() or not port_text.isascii():
        raise InvalidURL()
    port = int(port_text)
    if not 0 < port < 65536:
        raise InvalidURL()
    return host, port


def _parse_legacy_ipv4(labels: list[str]) -> ipaddress.IPv4Address:
    """The WHATWG URL Standard's IPv4 parser: 1-4 parts, each decimal, 0x-hex or 0-octal."""
    if len(labels) > 4:
        raise InvalidURL()
    numbers: list[int] = []
    for label in labels:
        if not label:
            raise InvalidURL()
        try:
            if label[:2] in ("0x", "0X"):
                value = int(label[2:], 16) if len(label) > 2 else 0
            elif len(label) > 1 and label[0] == "0":
                value = int(label[1:], 8)
            else:
                value = int(label, 10)
        except ValueError as exc:
            raise InvalidURL() from exc
        numbers.append(value)
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        raise InvalidURL()
    value = last
    for index, number in enumerate(head):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)
