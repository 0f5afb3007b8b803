"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org), which feedparser 6 does not read.

Read: the feed's ``title`` and ``home_page_url``; each item's ``id``, ``url`` (else
``external_url``), ``title``, ``summary`` (else ``content_text``, else ``content_html``),
``date_published`` (else ``date_modified``) and its first author's ``name`` (``authors`` in
1.1, ``author`` in 1.0). Anything else is ignored, and a field of the wrong JSON type counts as
missing. Dates are RFC 3339; one without a time zone is taken as UTC.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from .errors import FeedError
from .model import RawEntry, RawFeed

__all__ = ["JSON_FEED_VERSION_PREFIXES", "looks_like_json", "read_json_feed"]

JSON_FEED_VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")


def looks_like_json(text: str, content_type: str | None) -> bool:
    mime = (content_type or "").split(";")[0].strip().lower()
    return mime in ("application/feed+json", "application/json") or text.lstrip().startswith("{")


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _author(item: dict[str, Any]) -> str | None:
    authors = item.get("authors")
    candidates = list(authors) if isinstance(authors, list) else []
    candidates.append(item.get("author"))
    for author in candidates:
        if isinstance(author, dict) and (name := _str(author.get("name"))):
            return name
    return None


def _entry(item: dict[str, Any]) -> RawEntry:
    summary, summary_is_html = _str(item.get("summary")), False
    if not summary:
        summary = _str(item.get("content_text"))
    if not summary:
        summary, summary_is_html = _str(item.get("content_html")), True
    return RawEntry(
        guid=_str(item.get("id")),
        link=_str(item.get("url")) or _str(item.get("external_url")),
        title=_str(item.get("title")),
        title_is_html=False,
        summary=summary,
        summary_is_html=summary_is_html,
        published=_date(item.get("date_published")) or _date(item.get("date_modified")),
        author=_author(item),
    )


def read_json_feed(text: str, *, max_read: int) -> RawFeed:
    """The JSON Feed in ``text``; at most ``max_read`` items are read (the first and the last
    half). Raises :class:`FeedError` if it is not JSON or not a JSON Feed."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise FeedError(
            "The feed is not valid JSON, so it cannot be read as a JSON Feed.",
            code="feed_unreadable",
        ) from error
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str) or not version.startswith(JSON_FEED_VERSION_PREFIXES):
        raise FeedError(
            "This address gives JSON, but not a JSON Feed, RSS or Atom feed.",
            code="feed_unsupported",
        )
    assert isinstance(data, dict)
    number = version.rstrip("/").rpartition("/")[2].replace(".", "")
    items = data.get("items")
    items = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    found = len(items)
    if found > max_read:
        half = max_read // 2
        items = items[:half] + items[found - (max_read - half) :]
    return RawFeed(
        title=_str(data.get("title")),
        title_is_html=False,
        site_url=_str(data.get("home_page_url")),
        version=f"json{number}" if number.isdigit() else "json",
        entries=[_entry(item) for item in items],
        entries_found=found,
    )
