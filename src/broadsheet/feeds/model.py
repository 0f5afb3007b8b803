"""What parsing a feed gives: a :class:`Feed` of :class:`Entry` values (and the raw forms that
the XML and JSON readers hand to the common clean-up in ``parse``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["Entry", "Feed", "RawEntry", "RawFeed"]


@dataclass(frozen=True)
class Entry:
    """One entry of a feed, cleaned: every field is bounded, one-line plain text."""

    guid: str  #: the feed's id for it (RSS guid, Atom id, JSON id), else its url
    url: str  #: absolute http(s)
    title: str  #: never empty: the title, else the start of the summary, else the url
    summary_text: str  #: plain text, may be ""
    published: datetime | None  #: aware, UTC, never later than the parse's ``now``
    author: str | None


@dataclass(frozen=True)
class Feed:
    """A parsed feed. ``entries`` are newest first (undated ones last, in the feed's order)."""

    url: str  #: the address it was fetched from (what relative links are resolved against)
    title: str  #: never empty: the title, else the host name of ``url``
    site_url: str | None  #: the site the feed belongs to, absolute http(s), if it says
    version: str  #: "rss20", "rss10", "rss091u", "atom10", "atom03", "json1", ...
    entries: tuple[Entry, ...]
    #: the feed's own hint of how often to poll it, in seconds (RSS ttl, sy:updatePeriod)
    ttl_seconds: int | None = None
    #: set when the XML was not well-formed and only what could be read was kept
    warning: str | None = None
    entries_found: int = 0  #: entries in the document
    skipped_without_link: int = 0  #: entries with no usable http(s) link
    skipped_duplicates: int = 0  #: entries with the guid or url of a newer one
    skipped_over_limit: int = 0  #: entries beyond the limits (MAX_ENTRIES, MAX_ENTRIES_READ)


@dataclass
class RawEntry:
    guid: str | None
    link: str | None
    title: str | None
    title_is_html: bool
    summary: str | None
    summary_is_html: bool
    published: datetime | None
    author: str | None


@dataclass
class RawFeed:
    title: str | None
    title_is_html: bool
    site_url: str | None
    version: str
    entries: list[RawEntry] = field(default_factory=list)
    entries_found: int = 0
    ttl_seconds: int | None = None
    warning: str | None = None
