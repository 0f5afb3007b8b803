"""The full-text index of a reader's stories (title, body, site, tags, notes, highlights).

Every write that changes what an item is found by calls `refresh_on_commit(item_ids)` inside its
transaction; the index rows are rewritten once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction


def refresh(item_ids: Iterable[int]) -> None:
    """Rewrite the index rows of these items (deleted items lose theirs)."""
    # Filled in with the search backends (SQLite FTS5, PostgreSQL tsvector).
    list(item_ids)


def refresh_on_commit(item_ids: Iterable[int]) -> None:
    ids = sorted(set(item_ids))
    if ids:
        transaction.on_commit(lambda: refresh(ids))
