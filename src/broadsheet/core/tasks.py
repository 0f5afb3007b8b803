"""Background tasks. They take ids, reload their rows and are idempotent.

Each run logs one line for the operator (logger `broadsheet.tasks`): the item, its outcome and,
for a failure, the code and the reason. A page's own failure (a 404, no article) is the reader's
business, shown on the item: INFO, like a retry (with when). A crash is an ERROR with its
traceback. django-tasks' own per-task lines are filtered out (core.logfilters).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from broadsheet.core import following, images, importing, newsletter, polling, related
from broadsheet.core.models import Feed, Item, Topic
from broadsheet.core.processing import Outcome, Processed, fail_item, process_item

log = logging.getLogger("broadsheet.tasks")

CRASHED = ("crashed", "Something went wrong while processing this page.")


@task()
def fetch_item(item_id: int, token: str) -> str:
    """Fetch and extract one saved item. Safe to run twice: the token fences the work."""
    try:
        processed = process_item(item_id, token)
    except Exception:
        # A bug, not a property of the page: record it on the item so the reader sees a reason
        # and a Retry button instead of an item stuck in "pending", then let the task fail loudly.
        log.exception("item %s: crashed; marked failed (%s)", item_id, CRASHED[0])
        fail_item(item_id, token, *CRASHED)
        raise
    if processed.outcome is Outcome.RETRY and processed.retry is not None:
        # The item's transaction has committed with the new token: schedule that token's run.
        fetch_item.using(run_after=processed.retry.at).enqueue(item_id, processed.retry.token)
    log_outcome(item_id, processed)
    if processed.outcome is Outcome.READY:
        enrich_item.enqueue(item_id)
        store_images.enqueue(item_id)
    return processed.outcome.value


# A story's images that failed for a reason that may pass are tried once more after this long.
IMAGES_RETRY_AFTER = timedelta(minutes=2)


@task()
def store_images(item_id: int, final: bool = False) -> str:
    """Fetch and store a ready story's images and point its HTML at them (core.images). Safe to
    run twice: what is stored is not fetched again. Images that failed for a passing reason
    (a timeout) get one more run, the final one, after IMAGES_RETRY_AFTER."""
    stored = images.store_item_images(item_id, final=final)
    if stored.transient and not final:
        store_images.using(run_after=timezone.now() + IMAGES_RETRY_AFTER).enqueue(item_id, True)
    if not stored.skipped:
        log.info("images of item %s: %s", item_id, stored.summary)
    return stored.summary


@task()
def enrich_item(item_id: int) -> str:
    """What a ready story adds to the reader's library: the followed topics it is on (and the
    action links it proposes to them). Safe to run twice."""
    item = Item.objects.filter(pk=item_id).first()
    if item is None:
        return "gone"
    on = following.match_item(item)
    if on:
        log.info("item %s: on %d followed topic(s)", item_id, len(on))
    related.embed_item(item)
    return "done"


@task()
def rematch_topic(topic_id: int) -> int:
    """Find the reader's stories on a topic that was made or whose query changed."""
    topic = Topic.objects.filter(pk=topic_id).first()
    if topic is None:
        return 0
    count = following.rematch_topic(topic)
    log.info("topic %s: %d stories on it", topic_id, count)
    return count


def log_outcome(item_id: int, processed: Processed) -> None:
    """The operator's one line about one run of the task."""
    outcome, failure = processed.outcome, processed.failure
    if outcome is Outcome.FAILED and failure is not None:
        log.info("item %s: failed, %s: %s", item_id, failure.code, failure.reason)
    elif outcome is Outcome.RETRY and processed.retry is not None:
        why = f" after {failure.code}: {failure.reason}" if failure is not None else ""
        at = processed.retry.at.isoformat(timespec="seconds")
        log.info("item %s: retry at %s%s", item_id, at, why)
    elif outcome is Outcome.FOLDED:
        log.info("item %s: folded into item %s (the same story)", item_id, processed.into)
    elif outcome is Outcome.READY and processed.absorbed is not None:
        log.info(
            "item %s: ready; item %s, the same story, folded into it", item_id, processed.absorbed
        )
    elif outcome is Outcome.SKIPPED:
        log.info("item %s: skipped (done already, or a newer task owns it)", item_id)
    else:
        log.info("item %s: %s", item_id, outcome.value)


@task()
def send_digest(user_id: int) -> int:
    """Send one reader's newsletter (claimed as due by the sweeper). A failure (the SMTP server
    away or hanging past BROADSHEET_SMTP_TIMEOUT) is logged; the next one comes at its time."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    try:
        count = newsletter.send(user)
    except newsletter.NoAddress:
        log.info("user %s: newsletter due but no e-mail address", user_id)
        return 0
    except OSError as exc:  # smtplib's errors and socket timeouts are OSErrors
        log.warning("user %s: newsletter not sent: %s", user_id, exc)
        return 0
    log.info("user %s: newsletter sent with %d stories", user_id, count)
    return count


@task()
def poll_feed(feed_id: int) -> str:
    """Poll one feed (claimed by the sweeper, or just subscribed)."""
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return "gone"
    polled = polling.poll(feed)
    if polled.outcome == "failed":
        log.info("feed %s: failed: %s", feed_id, polled.reason)
    else:
        log.info("feed %s: %s, %d new entries", feed_id, polled.outcome, polled.new_entries)
    for entry_id in polling.entries_needing_text():
        entry_text.enqueue(entry_id)
    return polled.outcome


@task()
def entry_text(entry_id: int) -> str:
    """Fetch and extract one feed entry's story."""
    return polling.extract_entry(entry_id)


@task()
def run_import(job_id: int) -> str:
    """Run one uploaded library import (core.importing.run_job). Safe to run twice: a job that
    is already running or finished is skipped."""
    return importing.run_job(job_id)
