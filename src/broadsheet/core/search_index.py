"""The full-text index of a reader's stories: title, body, site, tags, notes and highlights.

One table, ``core_itemsearch``, one row per item (``rowid`` is the item's id), in the database's
own full-text engine: an FTS5 virtual table on SQLite, a ``tsvector`` column with a GIN index on
PostgreSQL (migration 0012). Both hold the same words: the text is folded in Python by
``similar.topics.words`` (accents, case, "COP29" as "cop 29") before either engine sees it, so
a query finds the same stories on both databases, whatever their tokenizers and locales.

Each row is its reader's: on SQLite an ``owner`` column holds the owner token (``u<user id>``:
letters and digits are split apart in words, so no word is ever one), which every query
includes, so a search walks the reader's own postings; on PostgreSQL a ``user_id`` column with
an index of each reader's rows newest first does that.

Every write that changes what an item is found by calls ``refresh_on_commit(item_ids)`` inside
its transaction; the rows are rewritten once the transaction commits (a rolled-back write leaves
the index alone). Deleting an item deletes its row (a trigger on SQLite, a cascading foreign key
on PostgreSQL). ``missing`` and the worker's sweeper index what is not indexed yet (rows from
before the index existed).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from django.db import connection, transaction

from broadsheet.core.models import Highlight, Item, ItemTag, Note
from broadsheet.similar.topics import words

log = logging.getLogger("broadsheet.search")

TABLE: Final = "core_itemsearch"
# Per field, at most this many words are indexed (and on PostgreSQL, where a word's position
# stops at 16,383, each field has its own stretch of positions so that a phrase never runs from
# one field into the next). A story longer than MAX_BODY_WORDS is found by its first ones.
MAX_TITLE_WORDS: Final = 200
MAX_SITE_WORDS: Final = 50
MAX_TAG_WORDS: Final = 500
MAX_NOTE_WORDS: Final = 2_000
MAX_BODY_WORDS: Final = 13_000
# Where each field's positions start on PostgreSQL (the gaps keep phrases inside a field).
_STARTS: Final = {"title": 1, "site": 301, "tags": 401, "notes": 1001, "body": 3101}
# PostgreSQL weights: the title counts most, then tags and site, then notes, then the body.
_WEIGHTS: Final = {"title": "A", "site": "B", "tags": "B", "notes": "C", "body": "D"}
FIELDS: Final = ("title", "body", "site", "tags", "notes")
BATCH: Final = 500


def owner_token(user_id: int) -> str:
    return f"u{user_id}"


@dataclass(frozen=True)
class Document:
    """One item as the index holds it: each field its folded words."""

    item_id: int
    user_id: int
    title: tuple[str, ...]
    body: tuple[str, ...]
    site: tuple[str, ...]
    tags: tuple[str, ...]
    notes: tuple[str, ...]

    def field(self, name: str) -> tuple[str, ...]:
        value: tuple[str, ...] = getattr(self, name)
        return value


def _words(texts: Iterable[str], limit: int) -> tuple[str, ...]:
    out: list[str] = []
    for text in texts:
        if text:
            out.extend(words(text))
            if len(out) >= limit:
                break
    return tuple(out[:limit])


def documents(item_ids: Sequence[int]) -> list[Document]:
    """The index documents of these items (of those that exist)."""
    items = Item.objects.filter(pk__in=item_ids).values_list(
        "id", "user_id", "title", "url", "text", "site_name", "host"
    )
    tags: dict[int, list[str]] = defaultdict(list)
    for item_id, name in ItemTag.objects.filter(item_id__in=item_ids).values_list(
        "item_id", "tag__name"
    ):
        tags[item_id].append(name)
    notes: dict[int, list[str]] = defaultdict(list)
    for item_id, text in Note.objects.filter(item_id__in=item_ids).values_list("item_id", "text"):
        notes[item_id].append(text)
    for item_id, quote, note in Highlight.objects.filter(item_id__in=item_ids).values_list(
        "item_id", "quote", "note"
    ):
        notes[item_id].extend((quote, note))
    out = []
    for item_id, user_id, title, url, text, site_name, host in items:
        out.append(
            Document(
                item_id=item_id,
                user_id=user_id,
                # A story not fetched yet is found by its address.
                title=_words([title or url], MAX_TITLE_WORDS),
                body=_words([text], MAX_BODY_WORDS),
                site=_words([site_name, host], MAX_SITE_WORDS),
                tags=_words(sorted(tags[item_id]), MAX_TAG_WORDS),
                notes=_words(notes[item_id], MAX_NOTE_WORDS),
            )
        )
    return out


def tsvector_literal(doc: Document) -> str:
    """The document as PostgreSQL's tsvector input: each word with its positions and weight,
    quoted, so that PostgreSQL's parser (and its locale) never splits or drops a word."""
    positions: dict[str, list[str]] = defaultdict(list)
    for name in FIELDS:
        start, weight = _STARTS[name], _WEIGHTS[name]
        for offset, word in enumerate(doc.field(name)):
            positions[word].append(f"{start + offset}{weight}")
    return " ".join(f"{quote_lexeme(w)}:{','.join(p)}" for w, p in positions.items())


def quote_lexeme(word: str) -> str:
    """A word as a quoted tsvector/tsquery lexeme."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


# The first key of the advisory locks that serialise refreshes of one item on PostgreSQL.
LOCK_CLASS: Final = 0x5EA2C4


def refresh(item_ids: Iterable[int]) -> None:
    """Rewrite the index rows of these items; an item that no longer exists loses its row."""
    ids = sorted(set(item_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            lock(chunk)
            _write(chunk)


def lock(ids: Sequence[int]) -> None:
    """Hold these items' index rows until the transaction ends (PostgreSQL; SQLite's write lock
    already serialises writers). Two requests changing one story at once (a tag removed while
    the worker stores the extracted text) both refresh its row after they commit: without the
    lock the second one's DELETE misses the row the first one has just inserted and its INSERT
    fails on the key. Under the lock the second one reads the story after the first has written,
    so the row it leaves is the newer one. Taken in id order, so two refreshes never deadlock."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for item_id in sorted(ids):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, item_id & 0x7FFFFFFF]
            )


def _write(ids: Sequence[int]) -> None:
    """Delete the rows, then read the stories and write them again. The stories are read after
    the DELETE, which waits for any other writer of these rows, so they are read as it left them."""
    marks = ",".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", list(ids))  # noqa: S608
    insert(documents(ids))


def insert(docs: Sequence[Document]) -> None:
    """Write these documents' rows (the caller has deleted any they had; on PostgreSQL a row
    another writer has put back meanwhile is replaced)."""
    if not docs:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, user_id, document) "  # noqa: S608
                "VALUES (%s, %s, CAST(%s AS tsvector)) ON CONFLICT (rowid) DO UPDATE "
                "SET user_id = EXCLUDED.user_id, document = EXCLUDED.document",
                [(d.item_id, d.user_id, tsvector_literal(d)) for d in docs],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, owner, title, body, site, tags, notes) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        d.item_id,
                        owner_token(d.user_id),
                        *(" ".join(d.field(name)) for name in FIELDS),
                    )
                    for d in docs
                ],
            )


def refresh_on_commit(item_ids: Iterable[int]) -> None:
    """Refresh these items' rows once the current transaction commits."""
    ids = sorted(set(item_ids))
    if ids:
        transaction.on_commit(lambda: refresh(ids))


def missing(limit: int = BATCH) -> list[int]:
    """Items that have no index row yet (the oldest first)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM core_item WHERE id NOT IN "  # noqa: S608
            f"(SELECT rowid FROM {TABLE}) ORDER BY id LIMIT %s",
            [limit],
        )
        return [row[0] for row in cursor.fetchall()]


# Once a sweep finds nothing to index, the next looks again only after this many seconds (the
# look is a scan of every item; new items are indexed as they are written).
QUIET_SECONDS: Final = 3600.0
_quiet_until = 0.0


def sweep(limit: int = 2_000) -> int:
    """Index up to ``limit`` items that are not indexed yet; how many."""
    global _quiet_until
    if time.monotonic() < _quiet_until:
        return 0
    ids = missing(limit)
    if ids:
        refresh(ids)
        log.info("search: indexed %d stories that were not indexed yet", len(ids))
    else:
        _quiet_until = time.monotonic() + QUIET_SECONDS
    return len(ids)
