"""Feed bytes in, a clean :class:`Feed` out: RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 0.3/1.0 through
feedparser, JSON Feed 1.0/1.1 through :mod:`.jsonfeed`.

``parse_feed(body, url, content_type)`` takes what a fetch gave (the body, the final URL, the
Content-Type header) and never fetches anything: feedparser is only ever handed a stream of
bytes, never a URL, a file name or a ``bytes`` value (which feedparser would try to open as a
file name). The bytes it is handed are decoded by us and carry no DTD (see :mod:`.safexml`).

Limits:

``MAX_FEED_BYTES`` = 10 MiB (as ``FetchOptions.max_bytes``)
    a larger body is refused (``FeedError``, code ``feed_too_large``).
``MAX_ENTRIES_READ`` = 1,000
    in a longer feed only the first 500 and the last 500 entries (in document order) are read,
    so that the newest are among them whichever way the feed is ordered; the rest are counted
    in ``Feed.skipped_over_limit``.
``MAX_ENTRIES`` = 500
    at most this many entries are returned: the newest.
``MAX_GUID_CHARS`` = 500
    a longer guid is replaced by ``"sha256:"`` and the hex SHA-256 of it (stable, unique).
``MAX_TTL_SECONDS`` = 30 days
    a longer ttl hint is cut to this.

Entries: ``url`` is the entry's link resolved against the feed's address (feedparser applies
``xml:base``); an entry without a usable http(s) link is dropped (``skipped_without_link``).
Entries are sorted newest first (undated ones after the dated, in the feed's order), then an
entry whose guid or url was already seen in a newer one is dropped (``skipped_duplicates``).
``published`` is the published date, else the updated date, in UTC; one later than ``now`` is
set to ``now`` (a feed cannot announce the future); a missing or unreadable date is None.
Titles, summaries and authors are one line of plain text within the limits of :mod:`.text`
(a title or summary is read as HTML when the feed says so or when it holds a tag: RSS titles
often carry escaped HTML); an entry without a title gets the start of its summary, else its
url.

Errors (``FeedError`` with a ``code``): ``feed_empty``, ``feed_too_large``, ``not_a_feed``
(``NotAFeed``: the body is an HTML page; ``links`` holds the feeds it names), ``feed_unsupported``
(XML or JSON, but not a feed; an OPML file), ``feed_unreadable`` (not well-formed and nothing
usable in it). A feed that is not well-formed XML but still yields entries is returned, with
``Feed.warning`` saying so.
"""

from __future__ import annotations

import calendar
import io
import re
import time
from datetime import UTC, datetime
from hashlib import sha256
from typing import Any
from urllib.parse import urlsplit

import feedparser

from .discover import discover_feeds
from .errors import FeedError, NotAFeed
from .jsonfeed import looks_like_json, read_json_feed
from .model import Entry, Feed, RawEntry, RawFeed
from .safexml import clean_xml_text, decode_xml, utf8_document
from .text import (
    HTML_SCAN_CHARS,
    MAX_AUTHOR_CHARS,
    MAX_SUMMARY_CHARS,
    MAX_TITLE_CHARS,
    html_to_text,
    one_line,
)
from .urls import http_url

__all__ = [
    "MAX_ENTRIES",
    "MAX_ENTRIES_READ",
    "MAX_FEED_BYTES",
    "MAX_GUID_CHARS",
    "MAX_TTL_SECONDS",
    "parse_feed",
]

MAX_FEED_BYTES = 10 * 1024 * 1024
MAX_ENTRIES_READ = 1000
MAX_ENTRIES = 500
MAX_GUID_CHARS = 500
MAX_TTL_SECONDS = 30 * 24 * 3600

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})
_HTML_ROOTS = frozenset({"html", "head", "body"})
# The start of the document: declarations, comments and processing instructions, then the root.
_PROLOG = re.compile(
    r"\A(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*+<([A-Za-z_][\w.:-]*)", re.DOTALL | re.I
)
_HTML_ANYWHERE = re.compile(r"<(?:html|head|body)\b", re.I)
_HTML_DOCTYPE = re.compile(r"\A(?:\s|<\?.*?\?>|<!--.*?-->)*+<!DOCTYPE\s+html", re.DOTALL | re.I)
# Markup in a value that claims to be plain text (RSS titles often carry escaped HTML).
_TAG_LIKE = re.compile(r"<[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|</[A-Za-z][\w:-]*\s*>")
_TTL = re.compile(r"\s*([0-9]{1,9})\s*")
# Where an entry element starts (RSS item, Atom entry, with or without a namespace prefix).
_ENTRY_START = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)(?=[\s/>])")
_SY_PERIODS = {
    "hourly": 3600,
    "daily": 86400,
    "weekly": 7 * 86400,
    "monthly": 30 * 86400,
    "yearly": 365 * 86400,
}


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _root_name(text: str) -> str | None:
    match = _PROLOG.match(text[:65536])
    return match.group(1).rpartition(":")[2].lower() if match else None


def _check_html(body: bytes, text: str, url: str, content_type: str | None) -> None:
    """Raise NotAFeed if the document is a web page."""
    root = _root_name(text)
    if root in _FEED_ROOTS:
        return
    is_html = (
        root in _HTML_ROOTS
        or _HTML_DOCTYPE.match(text[:65536]) is not None
        or (_mime(content_type) in _HTML_TYPES and root != "opml")
    )
    if is_html:
        raise _not_a_feed(body, url)


def _not_a_feed(body: bytes, url: str) -> NotAFeed:
    links = discover_feeds(body, url)
    if links:
        count = "one feed" if len(links) == 1 else f"{len(links)} feeds"
        message = f"This address is a web page, not a feed. The page links to {count}."
    else:
        message = "This address is a web page, not a feed, and the page links to no feed."
    return NotAFeed(message, links)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _get(mapping: Any, key: str, default: Any = None) -> Any:
    """``mapping[key]`` as stored: FeedParserDict.get would map missing keys to others (e.g.
    updated_parsed to published_parsed, with a DeprecationWarning)."""
    return dict.get(mapping, key, default) if isinstance(mapping, dict) else default


def _is_html(detail: Any) -> bool:
    kind = _get(detail, "type") if isinstance(detail, dict) else None
    return isinstance(kind, str) and kind.lower() in ("text/html", "application/xhtml+xml", "html")


def _struct_to_datetime(value: Any) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _ttl(feed: Any) -> int | None:
    ttl = _TTL.fullmatch(_str(_get(feed, "ttl")) or "")
    if ttl and int(ttl.group(1)) > 0:
        return min(int(ttl.group(1)) * 60, MAX_TTL_SECONDS)
    period = _SY_PERIODS.get((_str(_get(feed, "sy_updateperiod")) or "").strip().lower())
    if period is None:
        return None
    frequency = _TTL.fullmatch(_str(_get(feed, "sy_updatefrequency")) or "")
    per = max(int(frequency.group(1)), 1) if frequency else 1
    return min(max(period // per, 1), MAX_TTL_SECONDS)


def _first_half_and_last(text: str, max_read: int) -> tuple[str, int]:
    """``text`` with the entries beyond the first and last ``max_read / 2`` cut out, and the
    number of entry elements found. A cut keeps the document well-formed when entries are
    siblings, which they are in every feed format."""
    starts = [match.start() for match in _ENTRY_START.finditer(text)]
    if len(starts) <= max_read:
        return text, len(starts)
    half = max_read // 2
    keep_last = max_read - half
    return text[: starts[half]] + text[starts[len(starts) - keep_last] :], len(starts)


def _bozo_reason(result: Any) -> str:
    error = _get(result, "bozo_exception")
    get_message = getattr(error, "getMessage", None)
    reason = get_message() if callable(get_message) else str(error or "")
    return one_line(str(reason), 120) or "not well-formed"


def _read_xml(body: bytes, text: str, url: str, content_type: str | None) -> RawFeed:
    _check_html(body, text, url, content_type)
    text = clean_xml_text(text)
    if _root_name(text) == "opml":
        raise FeedError(
            "This is an OPML subscription list, not a feed: import it as OPML instead.",
            code="feed_unsupported",
        )
    text, starts = _first_half_and_last(text, MAX_ENTRIES_READ)
    try:
        result = feedparser.parse(
            io.BytesIO(utf8_document(text)),
            response_headers={
                "content-type": "application/xml; charset=utf-8",
                "content-location": http_url(url) or "",
            },
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as error:
        # feedparser 6 raises on some malformed documents instead of flagging them (e.g. a
        # namespace URI holding a space: ValueError in its SAX handler). The document is then
        # unusable; the cause stays attached for the logs.
        raise FeedError(
            "The feed could not be read: it is not well-formed XML.", code="feed_unreadable"
        ) from error
    feed = _get(result, "feed") or {}
    entries = list(_get(result, "entries") or [])
    version = _str(_get(result, "version")) or ""
    bozo = bool(_get(result, "bozo"))
    if not entries and not version:
        # Not recognisably a page at the start (text before <html>?), but it may still be one.
        if _HTML_ANYWHERE.search(text[:65536]) and discover_feeds(body, url):
            raise _not_a_feed(body, url)
        if bozo:
            raise FeedError(
                "The feed is not well-formed XML and nothing could be read from it "
                f"({_bozo_reason(result)}).",
                code="feed_unreadable",
            )
        raise FeedError(
            "This address gives a document that is not an RSS, Atom or JSON feed.",
            code="feed_unsupported",
        )
    if bozo and not entries:
        raise FeedError(
            "The feed is not well-formed XML and no entry could be read from it "
            f"({_bozo_reason(result)}).",
            code="feed_unreadable",
        )
    raw = RawFeed(
        title=_str(_get(feed, "title")),
        title_is_html=_is_html(_get(feed, "title_detail")),
        site_url=_str(_get(feed, "link")),
        version=version or "unknown",
        entries=[_raw_entry(entry) for entry in entries],
        entries_found=max(starts, len(entries)),
        ttl_seconds=_ttl(feed),
    )
    if bozo:
        raw.warning = (
            f"The feed is not well-formed XML ({_bozo_reason(result)}); "
            "the entries that could be read were kept."
        )
    return raw


def _raw_entry(entry: Any) -> RawEntry:
    link = _str(_get(entry, "link"))
    if not http_url(link):
        for candidate in _get(entry, "links") or []:
            if not isinstance(candidate, dict):
                continue
            href = _str(_get(candidate, "href"))
            if _get(candidate, "rel", "alternate") == "alternate" and http_url(href):
                link = href
                break
    summary, summary_detail = _str(_get(entry, "summary")), _get(entry, "summary_detail")
    if not summary:
        for content in _get(entry, "content") or []:
            if isinstance(content, dict) and _str(_get(content, "value")):
                summary, summary_detail = content["value"], content
                break
    author_detail = _get(entry, "author_detail")
    author = _str(_get(author_detail, "name")) if isinstance(author_detail, dict) else None
    return RawEntry(
        guid=_str(_get(entry, "id")),
        link=link,
        title=_str(_get(entry, "title")),
        title_is_html=_is_html(_get(entry, "title_detail")),
        summary=summary,
        summary_is_html=_is_html(summary_detail) if summary_detail else True,
        published=_struct_to_datetime(_get(entry, "published_parsed"))
        or _struct_to_datetime(_get(entry, "updated_parsed"))
        or _struct_to_datetime(_get(entry, "created_parsed")),
        author=author or _str(_get(entry, "author")),
    )


def _guid(raw: str | None, url: str) -> str:
    guid = " ".join((raw or "").split())
    if not guid:
        return url
    if len(guid) > MAX_GUID_CHARS:
        return "sha256:" + sha256(guid.encode("utf-8", "surrogatepass")).hexdigest()
    return one_line(guid, MAX_GUID_CHARS)


def _text(value: str | None, is_html: bool, limit: int) -> str:
    """Plain text of a value; one marked as plain text is still read as HTML if it holds a
    tag (feeds escape HTML into "plain" RSS titles, and feedparser only guesses)."""
    if is_html or (value and _TAG_LIKE.search(value[:HTML_SCAN_CHARS])):
        return html_to_text(value, limit)
    return one_line(value, limit)


def _finish(raw: RawFeed, url: str, now: datetime) -> Feed:
    candidates: list[Entry] = []
    without_link = 0
    for item in raw.entries:
        link = http_url(item.link, url)
        if link is None:
            without_link += 1
            continue
        summary = _text(item.summary, item.summary_is_html, MAX_SUMMARY_CHARS)
        title = (
            _text(item.title, item.title_is_html, MAX_TITLE_CHARS)
            or one_line(summary, MAX_TITLE_CHARS)
            or one_line(link, MAX_TITLE_CHARS)
        )
        published = item.published
        if published is not None and published > now:
            published = now
        candidates.append(
            Entry(
                guid=_guid(item.guid, link),
                url=link,
                title=title,
                summary_text=summary,
                published=published,
                author=one_line(item.author, MAX_AUTHOR_CHARS) or None,
            )
        )
    # Newest first; undated entries after the dated ones, in document order (sort is stable).
    candidates.sort(key=lambda e: (e.published is None, -(e.published or now).timestamp()))
    kept: list[Entry] = []
    seen: set[str] = set()
    duplicates = 0
    for entry in candidates:
        if entry.guid in seen or entry.url in seen:
            duplicates += 1
            continue
        seen.update((entry.guid, entry.url))
        kept.append(entry)
    over_limit = max(raw.entries_found - len(raw.entries), 0) + max(len(kept) - MAX_ENTRIES, 0)
    host = urlsplit(url).hostname or url
    return Feed(
        url=url,
        title=_text(raw.title, raw.title_is_html, MAX_TITLE_CHARS)
        or one_line(host, MAX_TITLE_CHARS),
        site_url=http_url(raw.site_url, url),
        version=raw.version,
        entries=tuple(kept[:MAX_ENTRIES]),
        ttl_seconds=raw.ttl_seconds,
        warning=raw.warning,
        entries_found=raw.entries_found,
        skipped_without_link=without_link,
        skipped_duplicates=duplicates,
        skipped_over_limit=over_limit,
    )


def parse_feed(
    body: bytes,
    url: str,
    content_type: str | None = None,
    *,
    now: datetime | None = None,
) -> Feed:
    """Parse the feed ``body`` fetched from ``url`` (the final URL, after redirects) with the
    response's ``content_type`` header. ``now`` (aware; default: the clock) bounds dates.

    Raises :class:`NotAFeed` for a web page (with the feeds it links to) and :class:`FeedError`
    for anything else that is not a usable feed; see the module docstring.
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    if len(body) > MAX_FEED_BYTES:
        raise FeedError(
            f"The feed is larger than {MAX_FEED_BYTES // (1024 * 1024)} MiB, "
            "the most Broadsheet reads.",
            code="feed_too_large",
        )
    if not body.strip():
        raise FeedError("The address gave an empty document, not a feed.", code="feed_empty")
    text = decode_xml(body, content_type)
    if looks_like_json(text, content_type) and not text.lstrip().startswith("<"):
        raw = read_json_feed(text, max_read=MAX_ENTRIES_READ)
    else:
        raw = _read_xml(body, text, url, content_type)
    return _finish(raw, url, now.astimezone(UTC))
