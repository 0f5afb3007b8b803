"""Fetch and extract one item: the body of the background task.

Network I/O runs outside transactions. The item's task token fences the work: a task whose token
was replaced (a retry, or a sweep after a crash) cannot write to the item.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from broadsheet import extract, fetch
from broadsheet.core import copies, highlighting, search_index
from broadsheet.core.canonical import canonicalize, normalize_input
from broadsheet.core.errors import FetchFailed, InvalidURL
from broadsheet.core.models import Fold, Item, PageSnapshot
from broadsheet.core.snapshots import compress, decompress

# Failures worth another try later: the site may come back.
TRANSIENT_FETCH_CODES = frozenset({"timeout", "connection_failed", "dns_failure"})
RETRY_BACKOFF = (timedelta(seconds=15), timedelta(minutes=2), timedelta(minutes=10))
MIN_FINGERPRINT_WORDS = 80


class Outcome(StrEnum):
    READY = "ready"
    FAILED = "failed"
    FOLDED = "folded"
    RETRY = "retry"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Retry:
    """A fetch to run again later: the item's new task token, and when."""

    token: str
    at: datetime


@dataclass(frozen=True)
class Failure:
    """Why a fetch failed: the stable code and the reader-facing reason stored on the item."""

    code: str
    reason: str


@dataclass(frozen=True)
class Processed:
    """What one run of the task did, for the task to act on and to log in one line.

    `retry` is set when the outcome is RETRY; `failure` when it is FAILED (and, for a RETRY, the
    transient failure that caused it); `into` when the item was FOLDED into an earlier one;
    `absorbed` when a later copy of the same story was folded into this READY item.

    Processing never enqueues nor logs outcomes: the task layer (`core.tasks`) schedules the
    retry it is told of and logs the line, so the import arrows inside core run one way
    (services -> enqueue -> tasks -> processing).
    """

    outcome: Outcome
    retry: Retry | None = None
    failure: Failure | None = None
    into: int | None = None
    absorbed: int | None = None


def fetch_options() -> fetch.FetchOptions:
    allow = settings.BROADSHEET_FETCH_ALLOW_PRIVATE
    if isinstance(allow, str):  # overridden at run time (tests) with the raw spelling
        allow = fetch.parse_allow_private(allow)
    return fetch.FetchOptions(
        allow_private=allow,
        deadline=float(settings.BROADSHEET_FETCH_DEADLINE),
    )


def fetch_page(url: str) -> fetch.Page:
    """Fetch one address through the safe client with the server's options (for previews)."""
    address = normalize_input(url)
    try:
        return fetch.fetch(address, options=fetch_options())
    except fetch.FetchError as exc:
        raise FetchFailed(exc.code, exc.reason) from exc


def _claim(item_id: int, token: str) -> bool:
    now = timezone.now()
    lease = timedelta(seconds=settings.BROADSHEET_TASK_LEASE)

    claimed = (
        Item.objects.filter(pk=item_id, status=Item.Status.PENDING, task_token=token)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + lease, attempts=F("attempts") + 1)
    )
    return claimed == 1


def _owned(item_id: int, token: str) -> Item | None:
    """The item, locked, if this task still owns it."""
    return (
        Item.objects.select_for_update()
        .filter(pk=item_id, status=Item.Status.PENDING, task_token=token)
        .first()
    )


def fingerprint(text: str) -> str:
    words = re.findall(r"\w+", text.lower())
    if len(words) < MIN_FINGERPRINT_WORDS:
        return ""
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def rotate_token(item: Item) -> str:
    """Give the item a new task token (fencing out any older task) and release its lease.
    Call inside a transaction; the caller enqueues a task with the returned token."""
    item.task_token = str(uuid.uuid4())
    item.lease_until = None
    item.save(update_fields=["task_token", "lease_until", "updated_at"])
    return item.task_token


def process_item(item_id: int, token: str) -> Processed:
    if not _claim(item_id, token):
        return Processed(Outcome.SKIPPED)
    item = Item.objects.get(pk=item_id)
    snapshot = PageSnapshot.objects.filter(item_id=item_id).first()
    if snapshot is None:
        try:
            page = fetch.fetch(item.url, options=fetch_options())
        except fetch.FetchError as exc:
            return _fetch_failed(item_id, token, exc)
        with transaction.atomic():
            if _owned(item_id, token) is None:
                return Processed(Outcome.SKIPPED)
            snapshot, _ = PageSnapshot.objects.update_or_create(
                item_id=item_id,
                defaults={
                    "content": compress(page.content),
                    "charset": page.charset,
                    "content_type": page.content_type,
                    "final_url": page.final_url,
                    "raw_size": len(page.content),
                },
            )
    return _extract_and_store(item_id, token, snapshot)


def _fetch_failed(item_id: int, token: str, exc: fetch.FetchError) -> Processed:
    with transaction.atomic():
        item = _owned(item_id, token)
        if item is None:
            return Processed(Outcome.SKIPPED)
        retries = settings.BROADSHEET_FETCH_RETRIES
        failure = Failure(exc.code, exc.reason)
        if exc.code in TRANSIENT_FETCH_CODES and item.attempts <= retries:
            delay = RETRY_BACKOFF[min(item.attempts - 1, len(RETRY_BACKOFF) - 1)]
            new_token = rotate_token(item)
            return Processed(Outcome.RETRY, Retry(new_token, timezone.now() + delay), failure)
        mark_failed(item, exc.code, exc.reason)
        return Processed(Outcome.FAILED, failure=failure)


def fail_item(item_id: int, token: str | None, code: str, reason: str) -> bool:
    """Mark a pending item failed, if `token` (when given) still owns it; whether it did."""
    with transaction.atomic():
        qs = Item.objects.select_for_update().filter(pk=item_id, status=Item.Status.PENDING)
        if token is not None:
            qs = qs.filter(task_token=token)
        item = qs.first()
        if item is None:
            return False
        mark_failed(item, code, reason)
    return True


def mark_failed(item: Item, code: str, reason: str) -> None:
    """Record the failure on the item (not logged here: the caller logs its outcome once)."""
    item.status = Item.Status.FAILED
    item.error_code = code
    item.error = reason
    item.lease_until = None
    item.save(update_fields=["status", "error_code", "error", "lease_until", "updated_at"])


def _decode(snapshot: PageSnapshot) -> str:
    data = decompress(snapshot.content)
    try:
        return data.decode(snapshot.charset or "utf-8", errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _extract_and_store(item_id: int, token: str, snapshot: PageSnapshot) -> Processed:
    base_url = snapshot.final_url
    try:
        article = extract.extract(_decode(snapshot), url=base_url)
    except extract.ExtractError as exc:
        with transaction.atomic():
            item = _owned(item_id, token)
            if item is None:
                return Processed(Outcome.SKIPPED)
            mark_failed(item, exc.code, exc.message)
        return Processed(Outcome.FAILED, failure=Failure(exc.code, exc.message))
    absorbed = None
    with transaction.atomic():
        item = _owned(item_id, token)
        if item is None:
            return Processed(Outcome.SKIPPED)
        apply_article(item, article, final_url=base_url)
        same = _same_story(item)
        if same is not None and same.pk < item.pk:
            _fold(item, into=same)
            return Processed(Outcome.FOLDED, into=same.pk)
        if same is not None:
            # The reader saved this story earlier under another address that is still pending:
            # keep the earlier item (this one) and fold the later copy into it.
            later = Item.objects.select_for_update().filter(pk=same.pk).first()
            if later is not None:
                absorbed = later.pk
                _fold(later, into=item)
        item.status = Item.Status.READY
        item.lease_until = None
        item.fetched_at = timezone.now()
        item.save()
        copies.record_bands(item)
        search_index.refresh_on_commit([item.pk])
    return Processed(Outcome.READY, absorbed=absorbed)


def apply_article(item: Item, article: extract.Article, *, final_url: str) -> None:
    """Copy what the engine found onto the item (not saved here)."""
    item.final_url = final_url
    page_canonical = ""
    if article.canonical_url:
        try:
            page_canonical = canonicalize(article.canonical_url)
        except InvalidURL:
            page_canonical = ""
    item.page_canonical_url = page_canonical
    if not item.title_given:
        item.title = article.title[:1000]
    item.summary = article.summary
    item.byline = article.byline[:500]
    item.agency = article.agency[:200]
    item.published = article.published
    item.site_name = article.site_name[:300]
    item.language = article.language[:32]
    item.image = (article.image or "")[:4096]
    item.text = article.text
    item.html = extract.sanitize_html(article.html, base_url=final_url)
    item.word_count = article.word_count
    item.reading_minutes = article.reading_minutes
    item.fingerprint = fingerprint(article.text)
    item.near_print = copies.compute(article.text)
    item.error = ""
    item.error_code = ""
    # The text changed: find the reader's highlights in it again (or mark them orphaned).
    highlighting.reanchor(item)


def _fold(old: Item, *, into: Item) -> None:
    """Remove `old`, remembering that it is the story `into` (and so are its own folds)."""
    Fold.objects.filter(into=old).update(into=into)
    Fold.objects.create(user_id=old.user_id, old_item_id=old.pk, into=into, url=old.canonical_url)
    old.delete()


def _same_story(item: Item) -> Item | None:
    """Another item of the same user that is this story under another address. Items in the
    trash take no part: nothing is folded into one, and one is folded into nothing."""
    if item.deleted_at is not None:
        return None
    others = Item.objects.filter(user_id=item.user_id, deleted_at__isnull=True).exclude(pk=item.pk)
    keys = {k for k in (item.page_canonical_url, canonicalize_or_empty(item.final_url)) if k}
    for key in keys:
        match = (
            others.filter(canonical_url=key).first()
            or others.filter(page_canonical_url=key).first()
        )
        if match is not None:
            return match
    if item.fingerprint:
        for identical in others.filter(fingerprint=item.fingerprint)[:5]:
            # One site's stubs (a paywall, a cookie wall) are the same text under different
            # headlines: on one site, the same text is the same story only under its title.
            if not copies.same_site(item, identical) or identical.title == item.title:
                return identical
    return copies.find_copy(item)


def canonicalize_or_empty(url: str) -> str:
    try:
        return canonicalize(url) if url else ""
    except InvalidURL:
        return ""


def reextract(item: Item) -> Outcome:
    """Run the engine again on the kept page (after an engine upgrade)."""
    snapshot = PageSnapshot.objects.filter(item=item).first()
    if snapshot is None:
        return Outcome.SKIPPED
    try:
        article = extract.extract(_decode(snapshot), url=snapshot.final_url)
    except extract.ExtractError as exc:
        with transaction.atomic():
            mark_failed(item, exc.code, exc.message)
        return Outcome.FAILED
    with transaction.atomic():
        apply_article(item, article, final_url=snapshot.final_url)
        item.status = Item.Status.READY
        item.save()
        copies.record_bands(item)
        search_index.refresh_on_commit([item.pk])
    return Outcome.READY
