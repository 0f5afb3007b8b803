"""What every export reads: a reader's stories with their tags, notes and highlights, loaded
through `core.access` / `core.queries` in batches (memory stays flat however large the library),
and the text clean-up every format shares.

The export modules (`core.export` for CSV and JSON, `export_bookmarks`, `export_markdown`,
`export_epub`) build on this one; it imports none of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet

from broadsheet.core import access, queries
from broadsheet.core.models import Highlight, Item, ItemImage, Note, Tag

User = AbstractBaseUser | AnonymousUser

# At most this many stories are asked for by id in one export (the API's `ids`, the CLI's
# `--ids`, the EPUB of a selection).
MAX_IDS = 200
# Rows are read from the database this many at a time.
BATCH = 200

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def clean_text(value: str) -> str:
    """The text without control characters (tab, LF and CR stay)."""
    return _CONTROL.sub("", value)


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _with_children(qs: QuerySet[Item]) -> QuerySet[Item]:
    return qs.prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("key", "id")),
        Prefetch("notes", queryset=Note.objects.order_by("created_at", "id")),
        Prefetch("highlights", queryset=Highlight.objects.order_by("start", "created_at", "id")),
        Prefetch(
            "images",
            queryset=ItemImage.objects.filter(image__isnull=False).select_related("image"),
            to_attr="stored_images",
        ),
    )


def selected(user: User, ids: Sequence[int]) -> list[int]:
    """The ids, each checked to be one of the user's stories (`access.item_for`: another
    reader's id or a missing one raises NotFound), duplicates dropped, in the order given."""
    seen: dict[int, None] = {}
    for item_id in ids:
        seen.setdefault(access.item_for(user, item_id).pk, None)
    return list(seen)


def stories(
    user: User,
    ids: Sequence[int] | None = None,
    *,
    with_body: bool = True,
    limit: int | None = None,
) -> Iterator[Item]:
    """The user's stories, unread and archived, newest saved first (or, with `ids`, those
    stories in the order given: check them first with `selected`), with tags, notes and
    highlights prefetched, read BATCH at a time."""
    if ids is not None:
        wanted = list(ids)
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            found = {
                item.pk: item for item in _with_children(access.items_of(user).filter(pk__in=chunk))
            }
            yield from (found[i] for i in chunk if i in found)
        return
    qs = _with_children(queries.items(user, "all", with_body=with_body))
    if limit is not None:
        qs = qs[:limit]
    yield from qs.iterator(chunk_size=BATCH)


def image_sources(item: Item) -> dict[str, str]:
    """The story's stored images: digest to the address the page gave (prefetched by `stories`)."""
    rows = getattr(item, "stored_images", None)
    if rows is None:
        stored = ItemImage.objects.filter(item=item, image__isnull=False)
        rows = list(stored.select_related("image"))
    return {row.image.digest: row.source_url for row in rows if row.image is not None}


def tag_names(item: Item) -> list[str]:
    return [clean_text(t.name) for t in item.tags.all()]


def notes_of(item: Item) -> list[dict[str, Any]]:
    return [{"text": clean_text(n.text), "created_at": iso(n.created_at)} for n in item.notes.all()]


def highlights_of(item: Item) -> list[dict[str, Any]]:
    return [
        {
            "quote": clean_text(h.quote),
            "prefix": clean_text(h.prefix),
            "suffix": clean_text(h.suffix),
            "start": h.start,
            "end": h.end,
            "note": clean_text(h.note),
            "created_at": iso(h.created_at),
        }
        for h in item.highlights.all()
    ]
