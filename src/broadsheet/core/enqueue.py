"""Putting fetches on the task queue: the one place outside the task itself that enqueues.

Inside core the arrows run one way, kept by an import-linter contract:
`services -> enqueue -> tasks -> processing`. Services call `fetch_on_commit` and `requeue`;
the worker's sweeper calls `sweep_stalled`; the task reschedules its own retries.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from broadsheet.core import newsletter, polling
from broadsheet.core.models import Feed, FeedEntry, Item, Topic
from broadsheet.core.processing import fail_item, rotate_token
from broadsheet.core.tasks import entry_text, fetch_item, poll_feed, rematch_topic, send_digest

log = logging.getLogger("broadsheet.tasks")

STALLED = ("stalled", "Fetching this page stopped several times.")


def fetch_on_commit(item: Item, *, run_after: datetime | None = None) -> None:
    """Enqueue the item's fetch once the current transaction commits (never for a rolled-back
    save), with the item's current task token."""
    item_id, token = item.pk, item.task_token

    def enqueue() -> None:
        task = fetch_item.using(run_after=run_after) if run_after else fetch_item
        task.enqueue(item_id, token)

    transaction.on_commit(enqueue)


def rematch_on_commit(topic: Topic) -> None:
    """Once the topic is written, let the worker find the reader's stories on it."""
    topic_id = topic.pk
    transaction.on_commit(lambda: rematch_topic.enqueue(topic_id))


def requeue(item: Item, *, run_after: datetime | None = None) -> None:
    """Give the item a new task token and enqueue its fetch. Call inside a transaction."""
    rotate_token(item)
    fetch_on_commit(item, run_after=run_after)


def sweep_stalled() -> int:
    """Enqueue again the fetch of every pending item whose task died holding its lease (a worker
    killed mid-fetch) or that never got a task. Returns how many were enqueued."""
    current = timezone.now()
    lease = timedelta(seconds=settings.BROADSHEET_TASK_LEASE)
    stalled = Item.objects.filter(status=Item.Status.PENDING).filter(
        Q(lease_until__lt=current) | Q(task_token="", saved_at__lt=current - lease)
    )
    count = 0
    for item_id in stalled.values_list("id", flat=True)[:500]:
        with transaction.atomic():
            item = (
                Item.objects.select_for_update()
                .filter(pk=item_id, status=Item.Status.PENDING)
                .filter(Q(lease_until__lt=current) | Q(task_token=""))
                .first()
            )
            if item is None:
                continue
            if item.attempts > settings.BROADSHEET_FETCH_RETRIES + 1:
                if fail_item(item.pk, None, *STALLED):
                    log.warning("item %s: failed, %s: %s", item_id, *STALLED)
                continue
            log.warning("item %s: its fetch stalled; enqueueing it again", item_id)
            requeue(item)
            count += 1
    return count


def sweep_digests() -> int:
    """Give every reader whose newsletter is due a send task of its own; how many."""
    claimed = newsletter.claim_due()
    for user_id in claimed:
        send_digest.enqueue(user_id)
    return len(claimed)


def poll_on_commit(feed: Feed) -> None:
    """Once the subscription is written, poll it."""
    feed_id = feed.pk
    transaction.on_commit(lambda: poll_feed.enqueue(feed_id))


def entry_text_on_commit(entry: FeedEntry) -> None:
    entry_id = entry.pk
    transaction.on_commit(lambda: entry_text.enqueue(entry_id))


def sweep_feeds() -> int:
    """Give every feed that is due a poll task of its own; how many."""
    claimed = polling.claim_due()
    for feed_id in claimed:
        poll_feed.enqueue(feed_id)
    return len(claimed)
