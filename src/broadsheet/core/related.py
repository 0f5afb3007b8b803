"""Story vectors kept up, and what they give: related stories under a story ("Recommended:"),
the same story from other sites grouped apart, and the reader's taste for ordering.

Vectors are made in the background (the worker embeds a story when it becomes ready and a feed's
entries when they arrive; `backfill` catches up on older ones) and stored float16 on the row with
the MODEL_VERSION that made them; one made by another version is ignored until made again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from broadsheet.core import access
from broadsheet.core.models import FeedEntry, Item
from broadsheet.similar import embedding, taste

log = logging.getLogger("broadsheet.related")

User = AbstractBaseUser | AnonymousUser
RELATED_MAX = 5
SAME_STORY_MAX = 5
# The candidates looked at: the reader's newest stories and their feeds' newest entries.
CANDIDATE_ITEMS = 2_000
CANDIDATE_ENTRIES = 2_000
ENTRY_WINDOW = timedelta(days=30)
RATED_MAX = 500
# Under a story, a candidate this alike is the same story from another site (a wire copy, a
# rewrite of the same report) and is listed apart. The embedding's own SAME_STORY_COSINE (0.54)
# is drawn for "about the same event" on the SemEval pairs, where two papers' own reports of one
# event count as one story; under a story those are what a reader wants recommended (the
# follow-up, the other paper's angle), so the reader view groups only what is nearly the text.
COPY_COSINE = 0.80


def available() -> bool:
    """Whether the model can be loaded here (its package installed)."""
    try:
        embedding.embedder()
    except embedding.ModelMissingError:
        return False
    return True


def _embed(texts: Sequence[str], titles: Sequence[str]) -> list[bytes] | None:
    try:
        vectors = embedding.embed(list(texts), list(titles))
    except embedding.ModelMissingError:
        log.warning("no story vectors: the model package is not installed")
        return None
    return [embedding.to_bytes(v) for v in vectors]


def embed_item(item: Item) -> bool:
    """Make and keep the story's vector; whether it has one now."""
    if item.vector_version == embedding.MODEL_VERSION:
        return True
    made = _embed([item.text or item.summary], [item.title])
    if made is None:
        return False
    Item.objects.filter(pk=item.pk).update(vector=made[0], vector_version=embedding.MODEL_VERSION)
    return True


def embed_entries(entries: Sequence[FeedEntry]) -> int:
    """Make and keep the vectors of feed entries (their full text when fetched, else their
    summary); how many were made."""
    todo = [e for e in entries if e.vector_version != embedding.MODEL_VERSION]
    if not todo:
        return 0
    made = _embed([e.text or e.summary for e in todo], [e.title for e in todo])
    if made is None:
        return 0
    for entry, vector in zip(todo, made, strict=True):
        FeedEntry.objects.filter(pk=entry.pk).update(
            vector=vector, vector_version=embedding.MODEL_VERSION
        )
    return len(todo)


def backfill(limit: int = 100) -> int:
    """Embed ready stories and entries that have no vector of this model yet (a few at a time,
    by the worker's sweeper; after an upgrade of the model, all of them again)."""
    if not available():
        return 0
    items = list(
        Item.objects.filter(status=Item.Status.READY)
        .exclude(vector_version=embedding.MODEL_VERSION)
        .only("id", "title", "text", "summary", "vector_version")[:limit]
    )
    for item in items:
        embed_item(item)
    entries = list(
        FeedEntry.objects.exclude(vector_version=embedding.MODEL_VERSION).only(
            "id", "title", "text", "summary", "vector_version"
        )[:limit]
    )
    return len(items) + embed_entries(entries)


def _vector(row: Any) -> np.ndarray[Any, np.dtype[np.float32]] | None:
    if row.vector_version != embedding.MODEL_VERSION or not row.vector:
        return None
    try:
        return embedding.from_bytes(bytes(row.vector))
    except ValueError:
        return None


def _rated(user: User) -> tuple[np.ndarray[Any, np.dtype[np.float32]], list[int]]:
    rows = (
        access.items_of(user)
        .filter(rating__isnull=False, vector_version=embedding.MODEL_VERSION)
        .only("id", "rating", "vector", "vector_version")
        .order_by("-rated_at")[:RATED_MAX]
    )
    vectors, stars = [], []
    for row in rows:
        vec = _vector(row)
        if vec is not None and row.rating is not None:
            vectors.append(vec)
            stars.append(row.rating)
    if not vectors:
        return np.zeros((0, embedding.DIMENSIONS), np.float32), []
    return np.vstack(vectors), stars


@dataclass(frozen=True)
class Suggestion:
    """A story under another: a saved item or a feed's entry."""

    kind: str  # "item" or "entry"
    id: int
    title: str
    site_name: str
    reading_minutes: int
    link: str
    likeness: float


def _suggestion(row: Any, likeness: float) -> Suggestion:
    if isinstance(row, Item):
        return Suggestion(
            "item",
            row.pk,
            row.display_title,
            row.site_name,
            row.reading_minutes,
            reverse("web:item", args=[row.pk]),
            round(likeness, 4),
        )
    return Suggestion(
        "entry",
        row.pk,
        row.display_title,
        row.site_name,
        row.reading_minutes,
        reverse("web:entry", args=[row.pk]),
        round(likeness, 4),
    )


@dataclass(frozen=True)
class Related:
    related: list[Suggestion]
    same_story: list[Suggestion]
    ready: bool  # False while the story has no vector yet


def _candidates(user: User, item: Item) -> list[Any]:
    fields = ("id", "title", "url", "site_name", "reading_minutes", "vector", "vector_version")
    items: QuerySet[Item] = (
        access.items_of(user)
        .filter(status=Item.Status.READY, vector_version=embedding.MODEL_VERSION)
        .exclude(pk=item.pk)
        .only(*fields)
        .order_by("-saved_at")[:CANDIDATE_ITEMS]
    )
    since = timezone.now() - ENTRY_WINDOW
    entries: QuerySet[FeedEntry] = (
        access.entries_of(user)
        .filter(vector_version=embedding.MODEL_VERSION, item__isnull=True, arrived_at__gte=since)
        .only(*fields)
        .order_by("-arrived_at")[:CANDIDATE_ENTRIES]
    )
    return [*items, *entries]


def related_to(user: User, item: Item) -> Related:
    """Up to RELATED_MAX stories like this one from the reader's saved stories and feeds,
    ranked by likeness nudged by the reader's taste; copies of the same story from other sites
    (cosine at or above COPY_COSINE) apart, as "same story"."""
    target = _vector(item)
    if target is None:
        return Related([], [], ready=False)
    pairs = [(r, _vector(r)) for r in _candidates(user, item)]
    known = [(r, v) for r, v in pairs if v is not None]
    if not known:
        return Related([], [], ready=True)
    rows = [r for r, _ in known]
    matrix = np.vstack([v for _, v in known])
    rated, stars = _rated(user)
    likeness, score = taste.related_scores(target, matrix, rated, stars)
    same_line = COPY_COSINE
    order = np.argsort(-score, kind="stable")
    same = [int(i) for i in np.argsort(-likeness, kind="stable") if likeness[i] >= same_line]
    related = [int(i) for i in order if likeness[i] < same_line][:RELATED_MAX]
    return Related(
        related=[_suggestion(rows[i], float(likeness[i])) for i in related],
        same_story=[_suggestion(rows[i], float(likeness[i])) for i in same[:SAME_STORY_MAX]],
        ready=True,
    )


def by_taste(user: User, rows: Sequence[Any]) -> list[Any]:
    """`rows` (items or entries), the ones the reader is likely to rate highest first; rows
    without a vector keep their order after the others. None of this without ratings."""
    rated, stars = _rated(user)
    if not stars:
        return list(rows)
    with_vectors = [(r, _vector(r)) for r in rows]
    known = [(r, v) for r, v in with_vectors if v is not None]
    unknown = [r for r, v in with_vectors if v is None]
    if not known:
        return list(rows)
    scores = taste.preference(np.vstack([v for _, v in known]), rated, stars)
    order = np.argsort(-scores, kind="stable")
    return [known[int(i)][0] for i in order] + unknown
