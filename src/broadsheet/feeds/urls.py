"""Which addresses found in feeds, pages and OPML files are usable: absolute http(s) ones.

``MAX_URL_CHARS`` = 2,048
    a longer address is not used (an entry with only such a link is dropped, an OPML outline
    with one is skipped).

An address is cleaned the way a browser reads an ``href``: leading and trailing spaces and
control characters go, tabs and line breaks anywhere are removed (so ``java\\nscript:`` is
``javascript:``), and inner spaces become ``%20``. It is then resolved against the base (the
feed's or the page's own address) and kept only if its scheme is ``http`` or ``https`` and it
names a host (and a valid port, if any). The old ``feed:`` convention is read as what it wraps:
``feed://host/path`` is ``http://host/path``, ``feed:https://host/path`` is
``https://host/path``. Other schemes (``javascript:``, ``data:``, ``file:``, ``ftp:``,
``mailto:``, ...) and addresses that stay relative are refused, each with a reason
(:func:`why_not_http_url`).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

__all__ = ["MAX_URL_CHARS", "http_url", "why_not_http_url"]

MAX_URL_CHARS = 2048

_STRIP = "".join(chr(c) for c in range(0x21)) + "\x7f"
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def _clean(raw: str) -> str:
    value = _TAB_OR_NEWLINE.sub("", raw.strip(_STRIP))
    value = value.replace(" ", "%20")
    lowered = value.lower()
    if lowered.startswith("feed:"):
        rest = value[5:]
        if rest.lower().startswith(("http://", "https://")):
            value = rest
        elif rest.startswith("//"):
            value = "http:" + rest
    return value


def why_not_http_url(raw: str | None, base: str | None = None) -> tuple[str | None, str]:
    """``(url, "")`` for a usable address, else ``(None, reason)``, the reason fit for readers."""
    if raw is None or not raw.strip(_STRIP):
        return None, "no address"
    value = _clean(raw)
    if _CONTROL.search(value):
        return None, "the address contains control characters"
    scheme = _SCHEME.match(value)
    if scheme is None and base is not None:
        base_url, _ = why_not_http_url(base)
        if base_url is not None:
            try:
                value = urljoin(base_url, value)
            except ValueError:
                return None, "not a valid address"
            scheme = _SCHEME.match(value)
    if scheme is None:
        return None, "a relative address (it does not say which site it is on)"
    name = scheme.group(1).lower()
    if name not in ("http", "https"):
        return None, f"not a web address ({name}: addresses are not followed)"
    if len(value) > MAX_URL_CHARS:
        return None, f"the address is longer than {MAX_URL_CHARS:,} characters"
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises on a port that is not a number in range
    except ValueError:
        return None, "not a valid address"
    if not parts.hostname:
        return None, "the address names no host"
    return name + value[len(name) :], ""


def http_url(raw: str | None, base: str | None = None) -> str | None:
    """``raw`` resolved against ``base`` if that makes a usable http(s) address, else None."""
    return why_not_http_url(raw, base)[0]
