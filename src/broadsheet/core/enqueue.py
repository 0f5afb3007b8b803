"""Putting fetches on the task queue: the one place outside the task itself that enqueues.

Inside core the arrows run one way, kept by an import-linter contract:
`services -> enqueue -> tasks -> processing`. Services call `fetch_on_commit` and `requeue`;
the worker's sweeper calls `sweep_stalled`, `sweep_imported` and `sweep_stuck_imports`; the
task reschedules its own retries.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from broadsheet.core import images, importing, newsletter, polling
from broadsheet.core.models import Feed, FeedEntry, ImportJob, Item, Topic
from broadsheet.core.processing import fail_item, rotate_token
from broadsheet.core.tasks import (
    entry_text,
    fetch_item,
    poll_feed,
    rematch_topic,
    run_import,
    send_digest,
    store_images,
)

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
    killed mid-fetch). Returns how many were enqueued. The items that never got a task (an
    import's) are `sweep_imported`'s, at its polite rate."""
    current = timezone.now()
    stalled = Item.objects.filter(status=Item.Status.PENDING, lease_until__lt=current)
    count = 0
    for item_id in stalled.values_list("id", flat=True)[:500]:
        with transaction.atomic():
            item = (
                Item.objects.select_for_update()
                .filter(pk=item_id, status=Item.Status.PENDING, lease_until__lt=current)
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


# One minute's hand-out of imported stories gives a site at most this many of its fetches, and
# reads this many candidates a fetch to find other sites to take in turn.
IMPORT_FETCHES_PER_HOST = 3
_IMPORT_CANDIDATES = 20
_MINUTE = timedelta(minutes=1)


def sweep_imported() -> int:
    """Hand out the fetches of imported stories (pending, never given a task: core.importing
    stores them so) a minute's worth at a time: BROADSHEET_IMPORT_FETCH_RATE of them, their
    tasks' start times spread over the minute, sites taken in turn and at most
    IMPORT_FETCHES_PER_HOST of one site. The next minute's only once the last ones have started,
    so the queue holds a minute of them at most however large the import, and a slow worker
    slows the hand-out down. Returns how many were handed out."""
    rate = settings.BROADSHEET_IMPORT_FETCH_RATE
    if rate <= 0:
        return 0
    current = timezone.now()
    lease = timedelta(seconds=settings.BROADSHEET_TASK_LEASE)
    waiting = (
        Item.objects.filter(status=Item.Status.PENDING, lease_until__isnull=True, attempts=0)
        .filter(updated_at__gte=current - lease - _MINUTE)
        .exclude(task_token="")
    )
    if waiting.exists():
        return 0
    untasked = Item.objects.filter(
        status=Item.Status.PENDING, task_token="", lease_until__isnull=True, deleted_at__isnull=True
    )
    candidates = untasked.order_by("-saved_at", "-id").values_list("id", "host")
    by_host: dict[str, list[int]] = {}
    for item_id, host in candidates[: rate * _IMPORT_CANDIDATES]:
        by_host.setdefault(host, []).append(item_id)
    picked: list[int] = []
    for turn in range(IMPORT_FETCHES_PER_HOST):
        picked += [ids[turn] for ids in by_host.values() if turn < len(ids)]
    picked = picked[:rate]
    spacing = _MINUTE / rate
    count = 0
    with transaction.atomic():
        for slot, item_id in enumerate(picked):
            token = str(uuid.uuid4())
            # Only if still untasked (another worker's sweep, a save of the same item).
            if not untasked.filter(pk=item_id).update(task_token=token, updated_at=current):
                continue
            _fetch_later(item_id, token, current + slot * spacing)
            count += 1
    if count:
        log.info("handed out %d imported stories to fetch over the next minute", count)
    return count


def _fetch_later(item_id: int, token: str, run_after: datetime) -> None:
    def enqueue() -> None:
        fetch_item.using(run_after=run_after).enqueue(item_id, token)

    transaction.on_commit(enqueue)


def import_on_commit(job: ImportJob) -> None:
    """Once the import's job is written, let the worker run it."""
    job_id = job.pk
    transaction.on_commit(lambda: run_import.enqueue(job_id))


def sweep_stuck_imports() -> int:
    """Start again each import whose run died (a worker stopped during it: no counters written
    for importing.IMPORT_STALE_AFTER), or fail it after importing.IMPORT_ATTEMPTS runs. What the
    dead run added stays: the new run counts those stories as already there. How many were
    started again."""
    count = 0
    for job in importing.stuck_jobs(timezone.now()):
        with transaction.atomic():
            if importing.restart_or_give_up(job):
                import_on_commit(job)
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


# The images sweep runs at most this often (it reads the ready stories' HTML), and hands out at
# most this many stories a pass.
IMAGES_SWEEP_EVERY = timedelta(minutes=10)
IMAGES_SWEEP_BATCH = 50
_images_swept_at: list[datetime] = []


def sweep_images(*, force: bool = False) -> int:
    """Store the images of ready stories that have none stored yet (saved before Broadsheet
    stored images, or whose task died): one final images task each, IMAGES_SWEEP_BATCH a pass,
    every IMAGES_SWEEP_EVERY. Then delete the stored images no story uses. How many stories
    were handed out."""
    current = timezone.now()
    if not force and _images_swept_at and current - _images_swept_at[-1] < IMAGES_SWEEP_EVERY:
        return 0
    _images_swept_at[:] = [current]
    count = 0
    for item_id in images.needing_images(IMAGES_SWEEP_BATCH):
        store_images.enqueue(item_id, True)
        count += 1
    if count:
        log.info("handed out %d stories to store their images", count)
    deleted = images.delete_orphans()
    if deleted:
        log.info("deleted %d stored images no story uses", deleted)
    return count
