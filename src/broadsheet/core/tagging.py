"""Tags: the names a reader gives their stories, and every write to them (core.services' rules:
one transaction each, rows loaded through core.access).

A tag's name is one line of at most TAG_MAX_CHARS characters, without commas (exports and the
bookmark format write tags as a comma-separated list), kept as the reader wrote it; two names
that differ only in case or spacing are one tag (``key``). A story holds at most
TAGS_PER_ITEM_MAX tags. Renaming a tag to the name of another merges the two.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from broadsheet.core import access, search_index
from broadsheet.core.access import User
from broadsheet.core.errors import InvalidInput, LimitReached
from broadsheet.core.models import TAG_MAX_CHARS, TAGS_PER_ITEM_MAX, Item, ItemTag, Tag
from broadsheet.core.text_input import one_line


def tag_key(name: str) -> str:
    """What makes two names one tag: case-folded, spaces collapsed, invisible format characters
    (zero-width spaces and joiners, soft hyphens) ignored, so two tags that look the same are
    one."""
    visible = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
    return " ".join(visible.casefold().split())


def clean_tag(value: object) -> str:
    """A tag's name as stored (``text_input.one_line``, without commas), or InvalidInput."""
    name = one_line(value, "A tag", TAG_MAX_CHARS)
    if "," in name:
        raise InvalidInput(f"A tag cannot hold a comma: “{name}”.")
    return name


def clean_tags(values: Iterable[object]) -> list[str]:
    """Names in the order given, each once (by key)."""
    out: dict[str, str] = {}
    for value in values:
        name = clean_tag(value)
        out.setdefault(tag_key(name), name)
    if len(out) > TAGS_PER_ITEM_MAX:
        raise LimitReached(f"A story holds at most {TAGS_PER_ITEM_MAX} tags.")
    return list(out.values())


def _tags_named(user: User, names: Sequence[str]) -> list[Tag]:
    """The reader's tags of these (clean) names, made when missing, in the order given (the
    caller has loaded one of the reader's rows through core.access, so the reader is real)."""
    keys = [tag_key(n) for n in names]
    have = {t.key: t for t in access.tags_of(user).filter(key__in=keys)}
    owner = user.pk
    assert owner is not None
    missing = [Tag(user_id=owner, name=n, key=k) for n, k in zip(names, keys, strict=True)]
    missing = [t for t in missing if t.key not in have]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        have = {t.key: t for t in access.tags_of(user).filter(key__in=keys)}
    return [have[k] for k in keys]


def tags_by_key(user: User, names: Iterable[str]) -> dict[str, Tag]:
    """The reader's tags of these (clean) names, made when missing, by key: one query to read
    and at most one insert and one more read, however many stories they are for (an import's
    batch). The first spelling of a new key names the tag."""
    wanted: dict[str, str] = {}
    for name in names:
        wanted.setdefault(tag_key(name), name)
    if not wanted:
        return {}
    have = {t.key: t for t in access.tags_of(user).filter(key__in=list(wanted))}
    owner = user.pk
    assert owner is not None
    missing = [Tag(user_id=owner, name=n, key=k) for k, n in wanted.items() if k not in have]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        have = {t.key: t for t in access.tags_of(user).filter(key__in=list(wanted))}
    return have


def _link(items: Iterable[int], tags: Iterable[Tag]) -> None:
    rows = [ItemTag(item_id=i, tag_id=t.pk) for i in items for t in tags]
    ItemTag.objects.bulk_create(rows, ignore_conflicts=True)


def _tagged(tag: Tag) -> list[int]:
    """The ids of the stories that carry the tag (whose index rows change with it)."""
    return list(ItemTag.objects.filter(tag=tag).values_list("item_id", flat=True))


def set_tags(user: User, item_id: int | str, tags: Iterable[object]) -> Item:
    """Make the story's tags exactly these (an empty list clears them)."""
    names = clean_tags(tags)
    with transaction.atomic():
        item = access.item_for(user, item_id, for_update=True)
        wanted = _tags_named(user, names)
        ItemTag.objects.filter(item_id=item.pk).exclude(tag__in=wanted).delete()
        _link([item.pk], wanted)
        item.save(update_fields=["updated_at"])
        search_index.refresh_on_commit([item.pk])
    return item


def parse_ids(values: Sequence[int | str]) -> list[int]:
    out = []
    for value in values:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            raise InvalidInput(f"“{value}” is not a story's id.") from None
    return out


def add_tags(user: User, item_ids: Sequence[int | str], tags: Iterable[object]) -> int:
    """Add tags to many stories (a bulk action); how many of the reader's stories that was
    (ids of other readers' stories, or of none, are passed over). A story that would hold more
    than TAGS_PER_ITEM_MAX tags refuses the whole action."""
    names = clean_tags(tags)
    with transaction.atomic():
        items = list(
            access.items_of(user).filter(pk__in=parse_ids(item_ids)).values_list("pk", flat=True)
        )
        if not items or not names:
            return len(items)
        _link(items, _tags_named(user, names))
        crowded = (
            ItemTag.objects.filter(item_id__in=items)
            .values("item_id")
            .annotate(n=Count("id"))
            .filter(n__gt=TAGS_PER_ITEM_MAX)
        )
        if crowded.exists():
            raise LimitReached(f"A story holds at most {TAGS_PER_ITEM_MAX} tags.")
        Item.objects.filter(pk__in=items).update(updated_at=timezone.now())
        search_index.refresh_on_commit(items)
    return len(items)


def remove_tags(user: User, item_ids: Sequence[int | str], tags: Iterable[object]) -> int:
    """Take tags off many stories; how many of the reader's stories that was."""
    keys = [tag_key(clean_tag(t)) for t in tags]
    with transaction.atomic():
        items = list(
            access.items_of(user).filter(pk__in=parse_ids(item_ids)).values_list("pk", flat=True)
        )
        gone = access.tags_of(user).filter(key__in=keys)
        ItemTag.objects.filter(item_id__in=items, tag__in=gone).delete()
        Item.objects.filter(pk__in=items).update(updated_at=timezone.now())
        search_index.refresh_on_commit(items)
    return len(items)


def rename_tag(user: User, tag_id: int | str, name: object) -> Tag:
    """Rename a tag. When the reader already has a tag of that name, the two merge: its stories
    take the other tag and this one is gone (the returned tag is the one that stays)."""
    clean = clean_tag(name)
    with transaction.atomic():
        tag = access.tag_for(user, tag_id, for_update=True)
        search_index.refresh_on_commit(_tagged(tag))
        other = access.tags_of(user).filter(key=tag_key(clean)).exclude(pk=tag.pk).first()
        if other is None:
            tag.name, tag.key = clean, tag_key(clean)
            tag.save(update_fields=["name", "key"])
            return tag
        moved = ItemTag.objects.filter(tag=tag).values_list("item_id", flat=True)
        _link(list(moved), [other])
        tag.delete()
        return other


def merge_tags(user: User, tag_ids: Sequence[int | str], into: int | str) -> Tag:
    """Fold several tags into one: their stories take ``into`` and they are gone."""
    with transaction.atomic():
        target = access.tag_for(user, into, for_update=True)
        sources = list(access.tags_of(user).filter(pk__in=parse_ids(tag_ids)).exclude(pk=target.pk))
        search_index.refresh_on_commit(i for t in sources for i in _tagged(t))
        moved = ItemTag.objects.filter(tag__in=sources).values_list("item_id", flat=True)
        _link(list(moved), [target])
        Tag.objects.filter(pk__in=[t.pk for t in sources]).delete()
    return target


def delete_tag(user: User, tag_id: int | str) -> None:
    """Delete a tag; its stories stay, without it."""
    with transaction.atomic():
        tag = access.tag_for(user, tag_id, for_update=True)
        search_index.refresh_on_commit(_tagged(tag))
        tag.delete()
