"""Feed and OPML bytes in, entries out (no Django, no HTTP: fetching stays in broadsheet.fetch).

- :func:`parse_feed`: RSS, Atom or JSON Feed bytes -> :class:`Feed` of :class:`Entry`
  (raises :class:`NotAFeed` with the autodiscovered links for a web page, :class:`FeedError`
  otherwise).
- :func:`discover_feeds`: an HTML page -> the :class:`FeedLink` values it names.
- :func:`parse_opml` / :func:`write_opml`: OPML import and export.
- :func:`next_poll_after` and friends: the polling schedule and conditional GET headers.

Every limit is a named constant documented in its module and in ``docs/feeds.md``.
"""

from __future__ import annotations

from .discover import MAX_DISCOVERED_FEEDS, MAX_DISCOVERY_BYTES, FeedLink, discover_feeds
from .errors import FeedError, NotAFeed, OpmlError
from .model import Entry, Feed
from .opml import (
    MAX_CATEGORY_CHARS,
    MAX_OPML_BYTES,
    MAX_OPML_FEEDS,
    MAX_OPML_SKIPPED,
    OpmlFeed,
    OpmlResult,
    OpmlSkipped,
    parse_opml,
    write_opml,
)
from .parse import (
    MAX_ENTRIES,
    MAX_ENTRIES_READ,
    MAX_FEED_BYTES,
    MAX_GUID_CHARS,
    MAX_TTL_SECONDS,
    parse_feed,
)
from .schedule import (
    BASE_INTERVAL,
    FIRST_RETRY,
    JITTER,
    MAX_INTERVAL,
    MAX_RETRY_AFTER,
    MAX_VALIDATOR_CHARS,
    backoff_delay,
    cache_max_age,
    conditional_headers,
    next_poll_after,
    parse_retry_after,
)
from .text import HTML_SCAN_CHARS, MAX_AUTHOR_CHARS, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS
from .urls import MAX_URL_CHARS

__all__ = [
    "BASE_INTERVAL",
    "FIRST_RETRY",
    "HTML_SCAN_CHARS",
    "JITTER",
    "MAX_AUTHOR_CHARS",
    "MAX_CATEGORY_CHARS",
    "MAX_DISCOVERED_FEEDS",
    "MAX_DISCOVERY_BYTES",
    "MAX_ENTRIES",
    "MAX_ENTRIES_READ",
    "MAX_FEED_BYTES",
    "MAX_GUID_CHARS",
    "MAX_INTERVAL",
    "MAX_OPML_BYTES",
    "MAX_OPML_FEEDS",
    "MAX_OPML_SKIPPED",
    "MAX_RETRY_AFTER",
    "MAX_SUMMARY_CHARS",
    "MAX_TITLE_CHARS",
    "MAX_TTL_SECONDS",
    "MAX_URL_CHARS",
    "MAX_VALIDATOR_CHARS",
    "Entry",
    "Feed",
    "FeedError",
    "FeedLink",
    "NotAFeed",
    "OpmlError",
    "OpmlFeed",
    "OpmlResult",
    "OpmlSkipped",
    "backoff_delay",
    "cache_max_age",
    "conditional_headers",
    "discover_feeds",
    "next_poll_after",
    "parse_feed",
    "parse_opml",
    "parse_retry_after",
    "write_opml",
]
