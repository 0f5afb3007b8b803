"""Background tasks. They take ids, reload their rows and are idempotent."""

from __future__ import annotations

import logging

from django_tasks import task

from broadsheet.core.processing import Outcome, fail_item, process_item

log = logging.getLogger("broadsheet.tasks")


@task()
def fetch_item(item_id: int, token: str) -> str:
    """Fetch and extract one saved item. Safe to run twice: the token fences the work."""
    try:
        processed = process_item(item_id, token)
    except Exception:
        # A bug, not a property of the page: record it on the item so the reader sees a reason
        # and a Retry button instead of an item stuck in "pending", then let the task fail loudly.
        log.exception("item %s: processing crashed", item_id)
        fail_item(item_id, token, "crashed", "Something went wrong while processing this page.")
        raise
    if processed.outcome is Outcome.RETRY and processed.retry is not None:
        # The item's transaction has committed with the new token: schedule that token's run.
        fetch_item.using(run_after=processed.retry.at).enqueue(item_id, processed.retry.token)
    return processed.outcome.value
