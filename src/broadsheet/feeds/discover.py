"""Feed autodiscovery: the feeds a web page names in its ``<link rel="alternate">`` elements.

``discover_feeds(html, base_url)`` reads ``<link>`` elements whose ``rel`` has the token
``alternate`` (or ``feed``) and whose ``type`` is a feed type, resolves their ``href`` against
the page's address (or its ``<base href>``), keeps only http(s) addresses, drops repeats and
returns them in the page's order (sites list their main feed first). Links in ``<a>`` elements
and guessed paths such as ``/feed`` are not tried.

Feed types and the ``kind`` each gets:

=====================================  =======
``application/rss+xml``                ``rss``
``application/rdf+xml``                ``rss`` (RSS 1.0)
``application/atom+xml``               ``atom``
``application/feed+json``              ``json`` (JSON Feed)
``application/json`` (only as a feed)  ``json``
=====================================  =======

Limits:

``MAX_DISCOVERY_BYTES`` = 2 MiB
    only the start of a page is read (feed links sit in its head).
``MAX_DISCOVERED_FEEDS`` = 20
    at most this many links are returned.

Titles are one line of plain text of at most ``MAX_TITLE_CHARS`` (300) characters, or None.
The HTML parser reads no network resource.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.etree
import lxml.html

from .text import MAX_TITLE_CHARS, one_line
from .urls import http_url

__all__ = [
    "FEED_TYPES",
    "MAX_DISCOVERED_FEEDS",
    "MAX_DISCOVERY_BYTES",
    "FeedLink",
    "discover_feeds",
]

MAX_DISCOVERY_BYTES = 2 * 1024 * 1024
MAX_DISCOVERED_FEEDS = 20

#: MIME type -> kind of feed.
FEED_TYPES: dict[str, str] = {
    "application/rss+xml": "rss",
    "application/rdf+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "json",
    "application/json": "json",
}


@dataclass(frozen=True)
class FeedLink:
    """A feed a page links to."""

    url: str  #: absolute http(s)
    title: str | None  #: the link's title, one line, or None
    type: str  #: the MIME type as the page gave it, lower-case, without parameters
    kind: str  #: "rss", "atom" or "json"


def _tokens(value: str | None) -> set[str]:
    return set((value or "").lower().split())


def discover_feeds(html: bytes, base_url: str, *, encoding: str | None = None) -> list[FeedLink]:
    """The feeds the page ``html`` (fetched from ``base_url``) links to, in its order.

    ``encoding`` is the page's charset if the caller knows it (e.g. ``Page.charset``); else the
    parser finds it in the page. Never raises for bad HTML: a page it cannot read has no links.
    """
    body = html[:MAX_DISCOVERY_BYTES]
    if not body.strip():
        return []
    try:
        parser = lxml.html.HTMLParser(
            encoding=encoding,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        root = lxml.html.document_fromstring(body, parser=parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, LookupError, ValueError):
        return []
    base = http_url(base_url) or None
    for element in root.iter("base"):
        href = element.get("href")
        if href:
            base = http_url(href, base) or base
            break
    found: list[FeedLink] = []
    seen: set[str] = set()
    for element in root.iter("link"):
        rel = _tokens(element.get("rel"))
        if not rel & {"alternate", "feed"}:
            continue
        mime = (element.get("type") or "").split(";")[0].strip().lower()
        kind = FEED_TYPES.get(mime)
        if kind is None:
            continue
        url = http_url(element.get("href"), base)
        if url is None or url in seen:
            continue
        seen.add(url)
        title = one_line(element.get("title"), MAX_TITLE_CHARS) or None
        found.append(FeedLink(url=url, title=title, type=mime, kind=kind))
        if len(found) >= MAX_DISCOVERED_FEEDS:
            break
    return found
