"""Shared reads: the counter, the lists."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact

from broadsheet.core import access
from broadsheet.core.canonical import site_host
from broadsheet.core.models import FeedEntry, Fold, Item, ItemTag, Profile, Topic
from broadsheet.core.tagging import tag_key
from broadsheet.similar.topics import QueryError, format_term, parse_query

State = Literal["unread", "archived", "all"]
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Counter:
    saved: int
    limit: int | None

    def __str__(self) -> str:
        noun = "item" if (self.limit if self.limit is not None else self.saved) == 1 else "items"
        if self.limit is None:
            return f"Saved ({self.saved} {noun})"
        return f"Saved ({self.saved} of {self.limit} {noun})"


def default_quota(user: AbstractBaseUser | AnonymousUser) -> int | None:
    """The limit a user gets when none was set: none for an admin, else BROADSHEET_DEFAULT_QUOTA."""
    return None if getattr(user, "is_superuser", False) else settings.BROADSHEET_DEFAULT_QUOTA


def quota_of(user: AbstractBaseUser | AnonymousUser) -> int | None:
    """The user's saved-item limit (None: unlimited). An admin given a limit has it, like anyone;
    without a profile row yet, the one the first save will give (core.services)."""
    if not user.is_authenticated or user.pk is None:
        return None
    found = list(Profile.objects.filter(user_id=user.pk).values_list("quota", flat=True)[:1])
    return found[0] if found else default_quota(user)


def profile_of(user: AbstractBaseUser | AnonymousUser) -> Profile:
    """The user's profile as stored, or the one they would get (not saved) when there is none."""
    found = Profile.objects.filter(user_id=user.pk).first() if user.is_authenticated else None
    return found or Profile(user_id=user.pk or 0, quota=default_quota(user))


def counter(user: AbstractBaseUser | AnonymousUser) -> Counter:
    return Counter(saved=access.items_of(user).count(), limit=quota_of(user))


#: The orders a list can take: newest saved first (the default), oldest saved first, newest
#: published first (undated stories last), shortest read first, and by site name.
Sort = Literal["saved", "oldest", "published", "reading_time", "site"]
ORDER: dict[str, tuple[Any, ...]] = {
    "saved": ("-saved_at", "-id"),
    "oldest": ("saved_at", "id"),
    "published": (F("published").desc(nulls_last=True), "-saved_at", "-id"),
    "reading_time": ("reading_minutes", "-saved_at", "-id"),
    "site": (Lower("site_name"), "-saved_at", "-id"),
}


def from_site(site: str) -> Q:
    """Stories from this site (a host name or an address) or any host under it:
    "bbc.co.uk" is www.bbc.co.uk and news.bbc.co.uk, not bbc.co.uk.example."""
    host = site_host(site if "//" in site else f"//{site.strip()}") or site.strip().lower()
    return Q(host=host) | Q(host__endswith="." + host)


def flag(field: str, value: bool) -> Exact[bool]:
    """``field = value`` for a boolean column, written as an equality. (Django writes
    ``archived=False`` as ``NOT archived``, which no index on the column serves: SQLite then
    reads every one of the reader's rows to count or page a list.)"""
    return Exact(F(field), Value(value))


def items(
    user: AbstractBaseUser | AnonymousUser,
    state: State = "unread",
    *,
    with_body: bool = False,
    tag: str | None = None,
    favorite: bool | None = None,
    site: str | None = None,
    sort: Sort = "saved",
) -> QuerySet[Item]:
    """A reader's list: one state, optionally one tag (by name, whatever its case) and starred
    or not, in one of the ``Sort`` orders. Without ``with_body`` the story's text and HTML are
    not loaded."""
    qs = access.items_of(user)
    if not with_body:
        qs = qs.defer("text", "html")
    if state == "unread":
        qs = qs.filter(flag("archived", False))
    elif state == "archived":
        qs = qs.filter(flag("archived", True))
    if tag is not None:
        # The tag's stories first (the (tag, item) index), then those of them in the list: a
        # join would let the database walk the whole list in order and probe each story's tags.
        tagged = ItemTag.objects.filter(tag__in=access.tags_of(user).filter(key=tag_key(tag)))
        qs = qs.filter(pk__in=tagged.values("item_id"))
    if favorite is not None:
        qs = qs.filter(flag("favorite", favorite))
    if site is not None:
        qs = qs.filter(from_site(site))
    return qs.order_by(*ORDER[sort])


def unseen_folds(user: AbstractBaseUser | AnonymousUser) -> list[Fold]:
    if not user.is_authenticated:
        return []
    folds = Fold.objects.filter(user_id=user.pk, seen=False, into__deleted_at__isnull=True)
    return list(folds.select_related("into")[:20])


@dataclass(frozen=True)
class TopicCounts:
    stories: int
    new: int


def topic_items(topic: Topic) -> QuerySet[Item]:
    """The reader's stories on the topic (not in the trash), newest first."""
    return Item.objects.filter(
        topic_matches__topic=topic, user_id=topic.user_id, deleted_at__isnull=True
    ).order_by("-saved_at", "-id")


def topic_entries(topic: Topic) -> QuerySet[FeedEntry]:
    """The entries of the reader's feeds on the topic (not saved yet), newest first."""
    return FeedEntry.objects.filter(
        topic_matches__topic=topic, user_id=topic.user_id, item__isnull=True
    ).order_by("-arrived_at", "-id")


def topic_counts(topic: Topic) -> TopicCounts:
    stories = topic_items(topic)
    entries = topic_entries(topic)
    new = stories.exclude(pk=topic.from_item_id) if topic.from_item_id else stories
    if topic.seen_at is not None:
        new = new.filter(topic_matches__topic=topic, topic_matches__created_at__gt=topic.seen_at)
        entries_new = entries.filter(topic_matches__created_at__gt=topic.seen_at).count()
    else:
        entries_new = entries.count()
    return TopicCounts(stories=stories.count() + entries.count(), new=new.count() + entries_new)


def topic_terms(topic: Topic) -> list[str]:
    """The topic's terms as the reader reads them."""
    try:
        return terms_of(topic.query)
    except QueryError:
        return [topic.query]


def terms_of(query: str) -> list[str]:
    """A query's terms, each as the reader writes it ("-football" for an exclusion)."""
    return [format_term(t.text, exclude=t.exclude) for t in parse_query(query).terms]


@dataclass(frozen=True)
class TagCount:
    id: int
    name: str
    stories: int  # the reader's stories (not in the trash) that carry the tag


def tag_counts(user: AbstractBaseUser | AnonymousUser, tag_id: int | None = None) -> list[TagCount]:
    """The reader's tags by name (or the one ``tag_id``), each with how many stories carry it."""
    tags = access.tags_of(user)
    if tag_id is not None:
        tags = tags.filter(pk=tag_id)
    live = Q(items__deleted_at__isnull=True)
    rows = tags.annotate(n=Count("items", filter=live)).order_by("key", "id")
    return [TagCount(pk, name, n) for pk, name, n in rows.values_list("id", "name", "n")]


_SHA1 = re.compile(r"[0-9a-f]{40}")
_HASHES_A_QUERY = 500


def items_by_address_hash(
    user: AbstractBaseUser | AnonymousUser, hashes: list[str]
) -> dict[str, int]:
    """Which of these wallabag hashes of an address (`canonical.address_hash`, any case) are the
    reader's stories, by the address as saved or where its fetch ended, mapped to the story's id
    (the oldest when two share one): an index probe on `Item.url_hash` and `final_url_hash`,
    however large the library. A malformed hash is simply not found."""
    wanted = sorted({h.lower() for h in hashes if _SHA1.fullmatch(h.lower())})
    found: dict[str, int] = {}
    mine = access.items_of(user)
    for start in range(0, len(wanted), _HASHES_A_QUERY):
        chunk = wanted[start : start + _HASHES_A_QUERY]
        # One query a column, each on its own index (an OR of the two would read every story).
        for column in ("url_hash", "final_url_hash"):
            rows = mine.filter(**{f"{column}__in": chunk}).order_by().values_list(column, "id")
            for key, item_id in rows:
                found[key] = min(item_id, found.get(key, item_id))
    return found
