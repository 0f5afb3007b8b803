"""Organising a library (issue 13): tags (typed lists, rename, merge, bulk), favourites and
reading progress, through the services, one reader's own rows only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from broadsheet.core import access, services, tagging
from broadsheet.core.errors import InvalidInput, LimitReached, NotFound
from broadsheet.core.models import TAG_MAX_CHARS, TAGS_PER_ITEM_MAX, Item, ItemTag, Tag

pytestmark = pytest.mark.django_db


def _tags(item: Item) -> list[str]:
    return sorted(t.name for t in item.tags.all())


def test_set_tags_replaces_the_list_and_names_are_one_tag_whatever_the_case(
    alice: AbstractBaseUser,
) -> None:
    a = services.save_item(alice, "https://news.example/a")
    b = services.save_item(alice, "https://news.example/b")
    tagging.set_tags(alice, a.pk, ["Climate", "  long   reads ", "climate"])
    assert _tags(a) == ["Climate", "long reads"]
    tagging.set_tags(alice, b.pk, ["CLIMATE", "Energy"])
    assert _tags(b) == ["Climate", "Energy"]  # the existing tag, as first written
    assert access.tags_of(alice).count() == 3
    tagging.set_tags(alice, a.pk, ["energy"])
    assert _tags(a) == ["Energy"]
    tagging.set_tags(alice, a.pk, [])
    assert _tags(a) == []
    assert access.tags_of(alice).count() == 3  # a tag without stories stays until deleted


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("", "can't be empty"),
        ("   \t", "can't be empty"),
        ("a,b", "cannot hold a comma"),
        ("x" * (TAG_MAX_CHARS + 1), f"at most {TAG_MAX_CHARS} characters"),
        (42, "is text"),
        (None, "is text"),
    ],
)
def test_bad_tag_names_are_refused_and_nothing_changes(
    alice: AbstractBaseUser, name: object, says: str
) -> None:
    item = services.save_item(alice, "https://news.example/a")
    tagging.set_tags(alice, item.pk, ["kept"])
    with pytest.raises(InvalidInput, match=says):
        tagging.set_tags(alice, item.pk, ["fine", name])
    assert _tags(item) == ["kept"]


def test_control_characters_go_and_invisible_ones_do_not_make_another_tag(
    alice: AbstractBaseUser,
) -> None:
    item = services.save_item(alice, "https://news.example/a")
    tagging.set_tags(alice, item.pk, ["po\x00li\u200btics\r\nnow", "Politics now"])
    assert [t.name for t in item.tags.all()] == ["poli\u200btics now"]  # as first written
    assert access.tags_of(alice).get().key == "politics now"


def test_a_story_holds_a_limited_number_of_tags(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    tagging.set_tags(alice, item.pk, [f"t{n}" for n in range(TAGS_PER_ITEM_MAX)])
    with pytest.raises(LimitReached):
        tagging.set_tags(alice, item.pk, [f"t{n}" for n in range(TAGS_PER_ITEM_MAX + 1)])
    with pytest.raises(LimitReached):
        tagging.add_tags(alice, [item.pk], ["one more"])
    assert item.tags.count() == TAGS_PER_ITEM_MAX
    assert not access.tags_of(alice).filter(key="one more").exists()  # rolled back whole


def test_bulk_add_and_remove_touch_only_the_readers_stories(
    alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    mine = [services.save_item(alice, f"https://news.example/{n}") for n in range(3)]
    theirs = services.save_item(bob, "https://news.example/0")
    ids = [i.pk for i in mine] + [theirs.pk]
    assert tagging.add_tags(alice, ids, ["Weekend"]) == 3
    assert all(_tags(i) == ["Weekend"] for i in mine)
    assert _tags(theirs) == [] and not access.tags_of(bob).exists()
    assert tagging.remove_tags(alice, ids[:2], ["weekend"]) == 2
    assert [_tags(i) for i in mine] == [[], [], ["Weekend"]]
    with pytest.raises(InvalidInput, match="not a story's id"):
        tagging.add_tags(alice, ["x"], ["a"])


def test_rename_and_rename_into_another_tag_merges(alice: AbstractBaseUser) -> None:
    a = services.save_item(alice, "https://news.example/a")
    b = services.save_item(alice, "https://news.example/b")
    tagging.set_tags(alice, a.pk, ["climate", "COP"])
    tagging.set_tags(alice, b.pk, ["Climate change"])
    cop = access.tags_of(alice).get(key="cop")
    renamed = tagging.rename_tag(alice, cop.pk, "COP29")
    assert renamed.pk == cop.pk and _tags(a) == ["COP29", "climate"]
    change = access.tags_of(alice).get(key="climate change")
    kept = tagging.rename_tag(alice, change.pk, "Climate")
    assert kept.key == "climate" and not Tag.objects.filter(pk=change.pk).exists()
    assert _tags(b) == ["climate"] and _tags(a) == ["COP29", "climate"]
    assert ItemTag.objects.filter(item_id=a.pk).count() == 2  # no double link


def test_merge_many_tags_into_one(alice: AbstractBaseUser) -> None:
    a = services.save_item(alice, "https://news.example/a")
    tagging.set_tags(alice, a.pk, ["ai", "AI news", "machine learning"])
    tags = {t.key: t.pk for t in access.tags_of(alice)}
    into = tagging.merge_tags(alice, [tags["ai news"], tags["machine learning"]], tags["ai"])
    assert into.pk == tags["ai"] and _tags(a) == ["ai"]
    assert access.tags_of(alice).count() == 1


def test_another_readers_tag_is_not_found(alice: AbstractBaseUser, bob: AbstractBaseUser) -> None:
    item = services.save_item(bob, "https://news.example/a")
    tagging.set_tags(bob, item.pk, ["private"])
    tag = access.tags_of(bob).get()
    with pytest.raises(NotFound):
        tagging.rename_tag(alice, tag.pk, "mine")
    with pytest.raises(NotFound):
        tagging.delete_tag(alice, tag.pk)
    with pytest.raises(NotFound):
        tagging.merge_tags(alice, [], tag.pk)
    with pytest.raises(NotFound):
        tagging.set_tags(alice, item.pk, ["x"])
    tagging.delete_tag(bob, tag.pk)
    assert _tags(item) == [] and Item.objects.filter(pk=item.pk).exists()


def test_favorite(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    assert not item.favorite
    services.set_favorite(alice, item.pk, True)
    item.refresh_from_db()
    assert item.favorite and item.favorited_at is not None
    services.set_favorite(alice, item.pk, False)
    item.refresh_from_db()
    assert not item.favorite and item.favorited_at is None


def test_progress_keeps_the_newest_report(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    now = timezone.now()
    services.set_progress(alice, item.pk, 0.42, at=now)
    services.set_progress(alice, item.pk, 0.1, at=now - timedelta(minutes=5))  # stale device
    item.refresh_from_db()
    assert item.progress == pytest.approx(0.42) and item.progress_at == now
    services.set_progress(alice, item.pk, 1)
    item.refresh_from_db()
    assert item.progress == 1.0


@pytest.mark.parametrize("value", [-0.1, 1.01, float("nan"), float("inf"), True, "0.5", None])
def test_progress_outside_zero_to_one_is_refused(alice: AbstractBaseUser, value: object) -> None:
    item = services.save_item(alice, "https://news.example/a")
    with pytest.raises(InvalidInput, match="from 0 to 1"):
        services.set_progress(alice, item.pk, value)  # type: ignore[arg-type]


def test_the_database_holds_the_progress_rule_too(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.filter(pk=item.pk).update(progress=1.5)
