"""URL canonicalisation: two addresses of the same story compare equal after `canonicalize`.

The rules are data (DESIGN.md, "rules as data"): tracking parameters live in the tables below.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from broadsheet.core.errors import InvalidURL

# Query parameters that never change which story a page shows.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "wickedid",
        "rb_clickid",
        "s_cid",
        "ncid",
        "cmpid",
        "ocid",
        "ref_src",
        "ref_url",
        "sr_share",
        "spm",
        "share",
        "smid",
        "cid",
        "at_medium",
        "at_campaign",
        "ito",
        "taid",
    }
)
# Parameter name prefixes that are tracking whatever follows (utm_source, utm_medium, ...).
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "hsa_", "__hs", "ga_")
DEFAULT_PORTS: dict[str, int] = {"http": 80, "https": 443}
ALLOWED_SCHEMES: frozenset[str] = frozenset({"http", "https"})
# The longest address that can be saved: keeps (user, canonical_url) within a PostgreSQL btree
# entry. The one limit: the API's schema, the web form and docs/api.md use this constant.
MAX_URL_LENGTH = 2048
NO_ADDRESS = "Enter the address of a story to save."
TOO_LONG = "That address is too long."

_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_HOST_RE = re.compile(r"^[a-z0-9_.:%-]+$")
# White space (str.isspace's, Unicode's) or a control character: never inside an address.
_SPACE_OR_CONTROL_RE = re.compile(r"[\s\x00-\x1f]")
_STRAY_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ESCAPE_RE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _normalize_escapes(path: str) -> str:
    """RFC 3986 normalisation of percent-escapes, decoding each at most once (so the result is a
    fixed point): a stray "%" becomes "%25", escapes of unreserved characters are decoded, the
    others upper-cased. "%2F" stays encoded: it is not the same path as "/"."""

    def one(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    return _ESCAPE_RE.sub(one, _STRAY_PERCENT_RE.sub("%25", path))


def is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def normalize_input(raw: str) -> str:
    """What the reader typed, as an absolute http(s) URL, or InvalidURL saying why."""
    url = raw.strip()
    if not url:
        raise InvalidURL(NO_ADDRESS)
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(TOO_LONG)
    if _SPACE_OR_CONTROL_RE.search(url):
        raise InvalidURL("That is not a web address.")
    if url.startswith("//"):
        url = "https:" + url
    elif not _SCHEME_RE.match(url) or (
        ":" in url.split("/", 1)[0] and url.split(":", 1)[1][:1].isdigit()
    ):
        # "example.com/story" or "example.com:8080/story": assume https, as browsers do.
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:  # an unbalanced "[" of an IPv6 literal
        raise InvalidURL("That is not a web address.") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise InvalidURL("Only http and https addresses can be saved.")
    try:
        port = parts.port
    except ValueError:
        raise InvalidURL("That address has an invalid port.") from None
    host = parts.hostname or ""
    if not host or host.startswith(".") or ".." in host:
        raise InvalidURL("That is not a web address.")
    if port == 0:
        raise InvalidURL("That address has an invalid port.")
    return url


def canonicalize(raw: str, *, normalized: bool = False) -> str:
    """The comparison key of an address: scheme and host lower-case, default port, fragment and
    tracking parameters dropped, remaining query sorted, path percent-encoding normalised.
    `normalized`: `raw` is already `normalize_input`'s answer (an import's 100,000 addresses
    are not checked twice)."""
    url = raw if normalized else normalize_input(raw)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise InvalidURL("That address has an invalid host name.") from None
    if not _HOST_RE.match(host):
        raise InvalidURL("That address has an invalid host name.")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or port == DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = _normalize_escapes(quote(parts.path or "/", safe="/:@!$&'()*+,;=-._~%"))
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)
    ]
    query.sort()
    key = urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))
    if len(key) > MAX_URL_LENGTH:  # percent-encoding can lengthen an address
        raise InvalidURL(TOO_LONG)
    return key


def site_host(url: str) -> str:
    """The site part of an address for filtering and ordering by site: the host name lower-cased,
    without a trailing dot or a leading "www."; "" when the address has none."""
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host.removeprefix("www.")[:255]


def address_hash(url: str) -> str:
    """wallabag's hash of an address (its UrlHasher): SHA-1 of the address with its %-escapes
    decoded, in hex. Its apps ask "do you have this story?" by it (`Item.url_hash`)."""
    return hashlib.sha1(unquote(url).encode("utf-8"), usedforsecurity=False).hexdigest()
