"""Background tasks. They take ids, reload their rows and are idempotent."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from broadsheet.core.models import Item
from broadsheet.core.processing import mark_failed, process_item

log = logging.getLogger("broadsheet.tasks")


@task()
def fetch_item(item_id: int, token: str) -> str:
    """Fetch and extract one saved item. Safe to run twice: the token fences the work."""
    try:
        return process_item(item_id, token).value
    except Exception:
        # A bug, not a property of the page: record it on the item so the reader sees a reason
        # and a Retry button instead of an item stuck in "pending", then let the task fail loudly.
        log.exception("item %s: processing crashed", item_id)
        fail_item(item_id, token, "crashed", "Something went wrong while processing this page.")
        raise


def fail_item(item_id: int, token: str | None, code: str, reason: str) -> None:
    with transaction.atomic():
        qs = Item.objects.select_for_update().filter(pk=item_id, status=Item.Status.PENDING)
        if token is not None:
            qs = qs.filter(task_token=token)
        item = qs.first()
        if item is not None:
            mark_failed(item, code, reason)


def sweep_stalled() -> int:
    """Enqueue again the fetch of every pending item whose task died holding its lease (a worker
    killed mid-fetch) or that never got a task. Returns how many were enqueued."""
    from broadsheet.core import services

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
                fail_item(item.pk, None, "stalled", "Fetching this page stopped several times.")
                continue
            log.warning("item %s: its fetch stalled; enqueueing it again", item_id)
            services.requeue(item)
            count += 1
    return count
