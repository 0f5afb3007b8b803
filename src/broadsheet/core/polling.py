"""Feeds, polled: one poll of one subscription, new entries stored and matched against the
reader's topics, and the full text of the entries that need it.

Everything outbound goes through `broadsheet.fetch` (with conditional GET: the feed's ETag and
Last-Modified); parsing is pure (`broadsheet.feeds`). The schedule lives in the database
(`Feed.next_poll_at`): the worker's sweeper claims due feeds in a conditional update
(`claim_due`), so any number of workers share the polling and no feed is polled twice at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from broadsheet import extract, feeds, fetch
from broadsheet.core import following, related
from broadsheet.core.models import ENTRIES_PER_FEED_MAX, Feed, FeedEntry, Topic
from broadsheet.core.processing import fetch_options
from broadsheet.extract.actions import story_link_html

log = logging.getLogger("broadsheet.feeds")

# A claimed feed is the claimant's for this long; after it, a sweep may claim it again.
POLL_LEASE = timedelta(minutes=10)
NOT_A_FEED = "This address is a web page without a feed (no RSS, Atom or JSON feed is linked)."


@dataclass(frozen=True)
class Polled:
    outcome: str  # "new", "unchanged", "moved", "failed", "gone" (unsubscribed meanwhile)
    new_entries: int = 0
    reason: str = ""


def _options(*, discover: bool) -> fetch.FetchOptions:
    base = fetch_options()
    accept = frozenset({"feed", "html"}) if discover else frozenset({"feed"})
    return fetch.FetchOptions(
        allow_private=base.allow_private, deadline=base.deadline, accept=accept
    )


def claim_due(now: datetime | None = None, limit: int = 200) -> list[int]:
    """Feeds due for a poll, each claimed by moving `next_poll_at` on by POLL_LEASE in one
    conditional update (a poll that dies is retried after the lease)."""
    now = now or timezone.now()
    claimed = []
    due = Feed.objects.filter(next_poll_at__lte=now).order_by("next_poll_at")
    for feed_id, at in due.values_list("id", "next_poll_at")[:limit]:
        won = Feed.objects.filter(pk=feed_id, next_poll_at=at).update(next_poll_at=now + POLL_LEASE)
        if won:
            claimed.append(feed_id)
    return claimed


#: What a poll writes back to its feed: only these, by an UPDATE of the row, so a feed the
#: reader unsubscribed from while it was being fetched stays deleted (a full ``save()`` would
#: insert it again).
_STATE = (
    "title",
    "site_url",
    "etag",
    "last_modified",
    "status",
    "error",
    "errors_in_row",
    "next_poll_at",
    "last_polled_at",
)
GONE = Polled("gone", reason="The feed was removed while it was being checked.")


class _Gone(Exception):
    """The feed row was deleted during the poll."""


def _save_state(feed: Feed) -> bool:
    """Write the poll's state to the feed's row; False when the row is gone."""
    fields = {name: getattr(feed, name) for name in _STATE}
    return Feed.objects.filter(pk=feed.pk).update(**fields) > 0


def _failed(feed: Feed, reason: str, *, retry_after: str | None = None) -> Polled:
    now = timezone.now()
    feed.errors_in_row += 1
    feed.error = reason[:500]
    if feed.status == Feed.Status.PENDING:
        feed.status = Feed.Status.FAILED
    wait = feeds.parse_retry_after(retry_after, now) if retry_after else None
    feed.next_poll_at = feeds.next_poll_after(
        now, ok=False, consecutive_errors=feed.errors_in_row, retry_after=wait, key=str(feed.pk)
    )
    feed.last_polled_at = now
    if not _save_state(feed):
        return GONE
    return Polled("failed", reason=reason)


def poll(feed: Feed, *, hops: int = 1) -> Polled:
    """Poll one feed now. A web page given as a feed is followed to the feed it links (once)."""
    discover = feed.status == Feed.Status.PENDING or (not feed.etag and not feed.last_modified)
    headers = feeds.conditional_headers(feed.etag or None, feed.last_modified or None)
    try:
        page = fetch.fetch(feed.url, options=_options(discover=discover), headers=headers)
    except fetch.HTTPStatus as exc:
        return _failed(feed, exc.reason, retry_after=exc.retry_after)
    except fetch.FetchError as exc:
        return _failed(feed, exc.reason)
    now = timezone.now()
    if page.not_modified:
        feed.errors_in_row, feed.error = 0, ""
        feed.status = Feed.Status.OK
        feed.next_poll_at = feeds.next_poll_after(now, ok=True, key=str(feed.pk))
        feed.last_polled_at = now
        return Polled("unchanged") if _save_state(feed) else GONE
    try:
        parsed = feeds.parse_feed(page.content, page.final_url, page.content_type)
    except feeds.NotAFeed as exc:
        return _follow(feed, exc.links, hops=hops)
    except feeds.FeedError as exc:
        return _failed(feed, exc.message)
    try:
        added = store_entries(feed, parsed.entries)
    except _Gone:
        return GONE
    feed.title = feed.title or parsed.title[:300]
    feed.site_url = (parsed.site_url or feed.site_url)[:4096]
    feed.etag = (page.etag or "")[:1024]
    feed.last_modified = (page.last_modified or "")[:1024]
    feed.status, feed.error, feed.errors_in_row = Feed.Status.OK, "", 0
    hint = parsed.ttl_seconds or feeds.cache_max_age(page.cache_control)
    feed.next_poll_at = feeds.next_poll_after(now, ok=True, ttl=hint, key=str(feed.pk))
    feed.last_polled_at = now
    if not _save_state(feed):
        return GONE
    return Polled("new" if added else "unchanged", new_entries=added)


def _follow(feed: Feed, links: Any, *, hops: int) -> Polled:
    if hops <= 0 or not links:
        return _failed(feed, NOT_A_FEED)
    target = links[0].url
    if Feed.objects.filter(user_id=feed.user_id, url=target).exclude(pk=feed.pk).exists():
        return _failed(feed, "You already follow the feed this page links to.")
    feed.url = target
    if not Feed.objects.filter(pk=feed.pk).update(url=target):
        return GONE
    return poll(feed, hops=hops - 1)


def store_entries(feed: Feed, entries: Any) -> int:
    """Add the entries the feed did not have (newest first), match them against the reader's
    topics, and keep at most ENTRIES_PER_FEED_MAX; how many were new."""
    known = set(
        FeedEntry.objects.filter(feed=feed, guid__in=[e.guid for e in entries]).values_list(
            "guid", flat=True
        )
    )
    fresh = [
        FeedEntry(
            feed=feed,
            user_id=feed.user_id,
            guid=e.guid[:600],
            url=e.url[:4096],
            title=e.title[:300],
            summary=e.summary_text,
            author=(e.author or "")[:200],
            published=e.published,
            site_name=(feed.title or "")[:300],
        )
        for e in entries
        if e.guid not in known
    ]
    if not fresh:
        return 0
    try:
        with transaction.atomic():
            FeedEntry.objects.bulk_create(fresh, ignore_conflicts=True)
    except IntegrityError:
        if not Feed.objects.filter(pk=feed.pk).exists():
            raise _Gone from None
        raise
    stored = list(
        FeedEntry.objects.filter(feed=feed, guid__in=[f.guid for f in fresh]).order_by("id")
    )
    related.embed_entries(stored)
    topics = list(Topic.objects.filter(user_id=feed.user_id))
    for entry in stored:
        if match_entry(entry, topics) and entry.text_status == FeedEntry.Text.NONE:
            FeedEntry.objects.filter(pk=entry.pk).update(text_status=FeedEntry.Text.PENDING)
    _prune(feed)
    return len(stored)


def _prune(feed: Feed) -> None:
    keep = FeedEntry.objects.filter(feed=feed).order_by("-arrived_at", "-id")
    cutoff = list(
        keep.values_list("id", flat=True)[ENTRIES_PER_FEED_MAX : ENTRIES_PER_FEED_MAX + 1]
    )
    if cutoff:
        old = FeedEntry.objects.filter(feed=feed, id__lte=cutoff[0], item__isnull=True)
        old.delete()


def match_entry(entry: FeedEntry, topics: list[Topic] | None = None) -> list[Topic]:
    """Match an entry (its full text when there is one, else its title and summary) against
    the reader's topics; the topics it is on."""
    if topics is None:
        topics = list(Topic.objects.filter(user_id=entry.user_id))
    body = entry.text or entry.summary
    return [
        topic
        for topic in topics
        if following.record(topic, following.compiled(topic), entry.title, body, entry=entry)
    ]


def entries_needing_text(limit: int = 50) -> list[int]:
    """Entries whose full text was asked for (on a topic, or opened) and not fetched yet."""
    pending = FeedEntry.objects.filter(text_status=FeedEntry.Text.PENDING)
    return list(pending.values_list("id", flat=True)[:limit])


def extract_entry(entry_id: int) -> str:
    """Fetch and extract an entry's story (the reader opened it, or it is on a topic); then
    match it again with its full text and propose its action links to its topics."""
    entry = FeedEntry.objects.filter(pk=entry_id).first()
    if entry is None or entry.text_status == FeedEntry.Text.READY:
        return "skipped"
    try:
        page = fetch.fetch(entry.url, options=fetch_options())
        page_html = page.content.decode(page.charset or "utf-8", errors="replace")
        article = extract.extract(page_html, url=page.final_url)
    except (fetch.FetchError, extract.ExtractError) as exc:
        reason = getattr(exc, "reason", None) or getattr(exc, "message", "") or str(exc)
        FeedEntry.objects.filter(pk=entry_id).update(text_status=FeedEntry.Text.FAILED)
        log.info("entry %s: no text, %s", entry_id, reason)
        return "failed"
    entry.text = article.text
    entry.html = extract.sanitize_html(article.html, base_url=page.final_url)
    entry.site_name = (article.site_name or entry.site_name)[:300]
    entry.reading_minutes = article.reading_minutes
    entry.text_status = FeedEntry.Text.READY
    entry.vector_version = ""  # made again from the full text
    entry.save()
    related.embed_entries([entry])
    for topic in match_entry(entry):
        links = story_link_html(page_html, article.text)
        following.propose_links(topic, links, page.final_url, source=None)
    return "ready"
