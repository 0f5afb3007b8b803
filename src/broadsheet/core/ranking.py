"""What the reader is likely to rate high: the order of the newsletter's parts.

A story's score is how close it is to what the reader rated high, minus how close it is to what
they rated low (`similar.taste.preference`, through `core.related.by_taste`). Without ratings,
newest first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser

from broadsheet.core import access, related
from broadsheet.core.models import FeedEntry, Item

# Ratings of 4 and 5 pull stories like them up; 1 and 2 push them down; 3 says nothing.
NEUTRAL = 3


def _site_taste(user: AbstractBaseUser) -> dict[str, float]:
    """The reader's mean rating of each site's stories, centred on NEUTRAL."""
    sums: dict[str, list[int]] = defaultdict(list)
    rated = access.items_of(user).filter(rating__isnull=False).values_list("site_name", "rating")
    for site, stars in rated:
        if site and stars is not None:
            sums[site].append(stars - NEUTRAL)
    return {site: sum(v) / len(v) for site, v in sums.items()}


def order(user: AbstractBaseUser, items: Sequence[Item]) -> list[Item]:
    """`items`, the ones the reader is likely to rate highest first (`related.by_taste`: like
    what they rated high, unlike what they rated low); newest first without ratings, and among
    stories that have no vector yet, after the others by the site's ratings."""
    if not items:
        return []
    newest = sorted(items, key=lambda i: (i.saved_at, i.pk), reverse=True)
    sites = _site_taste(user)
    if sites:
        newest.sort(key=lambda i: -sites.get(i.site_name, 0.0))
    return related.by_taste(user, newest)


def recommended(user: AbstractBaseUser, *, since: datetime, limit: int) -> list[FeedEntry]:
    """Entries of the reader's feeds that arrived since `since` and are not saved, the ones
    like what they rated high first."""
    fresh = list(
        access.entries_of(user)
        .filter(arrived_at__gt=since, item__isnull=True)
        .select_related("feed")
        .order_by("-arrived_at", "-id")[:500]
    )
    sites = _site_taste(user)
    if sites:
        fresh.sort(key=lambda e: -sites.get(e.site_name or e.feed.title, 0.0))
    return related.by_taste(user, fresh)[:limit]
