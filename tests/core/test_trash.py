"""Deleting moves an item to the trash for BROADSHEET_UNDO_WINDOW seconds: gone from every read at
once (lists, counter, export, feed, API, access.item_for) and from the limit, back with its
content on restore, purged for good by the worker's sweeper once the window has passed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from broadsheet.core import access, export, queries, services
from broadsheet.core.errors import AlreadySaved, NotFound, QuotaExceeded
from broadsheet.core.models import Fold, Item, PageSnapshot

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., AbstractBaseUser]


def _ready(user: AbstractBaseUser, url: str, title: str) -> Item:
    """A saved item with its content, as if fetched, and its kept page."""
    item = services.save_item(user, url, html=f"<html><body><p>{title}</p></body></html>")
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.READY, title=title, html=f"<p>{title} body</p>", text=f"{title} body"
    )
    item.refresh_from_db()
    return item


def _age(item: Item, seconds: float) -> None:
    """Pretend the item was deleted `seconds` ago."""
    Item.objects.filter(pk=item.pk).update(deleted_at=timezone.now() - timedelta(seconds=seconds))


def _everything_alice_sees(alice: AbstractBaseUser) -> dict[str, Any]:
    return {
        "unread": [i.pk for i in queries.items(alice, "unread")],
        "all": [i.pk for i in queries.items(alice, "all")],
        "counter": str(queries.counter(alice)),
        "export": [row["id"] for row in json.loads(export.export(alice, "json"))["items"]],
    }


def test_deleted_is_gone_everywhere_and_restore_brings_it_back(alice: AbstractBaseUser) -> None:
    keep = _ready(alice, "https://news.example/keep", "Kept")
    item = _ready(alice, "https://news.example/story", "Harbour ferry returns")
    services.delete_item(alice, item.pk)

    assert _everything_alice_sees(alice) == {
        "unread": [keep.pk],
        "all": [keep.pk],
        "counter": "Saved (1 of 20 items)",
        "export": [keep.pk],
    }
    with pytest.raises(NotFound):
        access.item_for(alice, item.pk)
    with pytest.raises(NotFound):  # deleting twice: the second time there is nothing
        services.delete_item(alice, item.pk)
    for action in (services.set_archived, services.retry_item):
        with pytest.raises(NotFound):
            action(alice, item.pk, *((True,) if action is services.set_archived else ()))  # type: ignore[operator]

    restored = services.restore_item(alice, item.pk)
    assert restored.pk == item.pk and restored.deleted_at is None
    again = access.item_for(alice, item.pk)
    assert (again.title, again.html, again.status) == (
        "Harbour ferry returns",
        "<p>Harbour ferry returns body</p>",
        Item.Status.READY,
    )
    assert PageSnapshot.objects.filter(item=again).exists()
    assert _everything_alice_sees(alice)["counter"] == "Saved (2 of 20 items)"
    # Undo twice (a second tab, a double click): the item is there, nothing changes.
    assert services.restore_item(alice, item.pk).pk == item.pk
    assert _everything_alice_sees(alice)["counter"] == "Saved (2 of 20 items)"


def test_the_trash_does_not_count_against_the_limit(alice: AbstractBaseUser) -> None:
    services.set_quota(alice, 1)
    first = services.save_item(alice, "https://news.example/1")
    with pytest.raises(QuotaExceeded):
        services.save_item(alice, "https://news.example/2")
    services.delete_item(alice, first.pk)
    second = services.save_item(alice, "https://news.example/2")
    # Undo would now go over the limit: refused with the limit's message, the item still in the
    # trash (the reader can delete another and undo, within the window).
    with pytest.raises(QuotaExceeded) as exc:
        services.restore_item(alice, first.pk)
    assert exc.value.message == "You reached the limit of 1 saved items."
    services.delete_item(alice, second.pk)
    assert services.restore_item(alice, first.pk).pk == first.pk


def test_purge_after_the_window_is_for_good(alice: AbstractBaseUser, settings: Any) -> None:
    settings.BROADSHEET_UNDO_WINDOW = 600
    services.set_quota(alice, 1)
    item = _ready(alice, "https://news.example/story", "Gone for good")
    services.delete_item(alice, item.pk)
    assert services.purge_deleted() == 0  # inside the window: kept, for an undo
    assert Item.objects.filter(pk=item.pk).exists()

    _age(item, 601)
    with pytest.raises(NotFound):  # past the window, undo is over even before the purge ran
        services.restore_item(alice, item.pk)
    assert services.purge_deleted() == 1
    assert not Item.objects.filter(pk=item.pk).exists()
    assert not PageSnapshot.objects.filter(item_id=item.pk).exists()
    with pytest.raises(NotFound):
        services.restore_item(alice, item.pk)
    # The slot is free, and the same story can be saved anew.
    assert services.save_item(alice, "https://news.example/story").pk != item.pk
    assert str(queries.counter(alice)) == "Saved (1 of 1 item)"


def test_purge_leaves_live_and_recent_items(
    alice: AbstractBaseUser, bob: AbstractBaseUser, settings: Any
) -> None:
    settings.BROADSHEET_UNDO_WINDOW = 60
    live = services.save_item(alice, "https://news.example/live")
    recent = services.save_item(bob, "https://news.example/recent")
    old = services.save_item(bob, "https://news.example/old")
    services.delete_item(bob, recent.pk)
    services.delete_item(bob, old.pk)
    _age(old, 61)
    assert services.purge_deleted() == 1
    assert set(Item.objects.values_list("pk", flat=True)) == {live.pk, recent.pk}


def test_saving_again_while_in_the_trash_saves_anew(alice: AbstractBaseUser) -> None:
    item = _ready(alice, "https://news.example/story?id=1", "First copy")
    services.delete_item(alice, item.pk)
    # The same story (another spelling of its address): not "already saved", a fresh save.
    again = services.save_item(alice, "https://NEWS.example/story?id=1&utm_source=x")
    assert again.pk != item.pk and again.status == Item.Status.PENDING
    assert not Item.objects.filter(pk=item.pk).exists()  # the trashed copy was purged first
    assert [i.pk for i in queries.items(alice, "all")] == [again.pk]
    with pytest.raises(NotFound):
        services.restore_item(alice, item.pk)
    with pytest.raises(AlreadySaved):
        services.save_item(alice, "https://news.example/story?id=1")


def test_a_trashed_item_is_not_the_story_saved_before(alice: AbstractBaseUser) -> None:
    """Neither its page's own address nor a fold into it make a new save 'already saved'."""
    item = services.save_item(alice, "https://m.news.example/s/1")
    Item.objects.filter(pk=item.pk).update(page_canonical_url="https://news.example/story/1")
    Fold.objects.create(user=alice, old_item_id=10**6, into=item, url="https://news.example/amp/1")
    services.delete_item(alice, item.pk)
    assert access.fold_for(alice, 10**6) is None
    services.save_item(alice, "https://news.example/story/1")
    services.save_item(alice, "https://news.example/amp/1")
    # Restoring the trashed one now would make two copies of one story: refused, pointing at the
    # live one.
    with pytest.raises(AlreadySaved):
        services.restore_item(alice, item.pk)


def test_only_the_owner_restores(alice: AbstractBaseUser, bob: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    services.delete_item(alice, item.pk)
    with pytest.raises(NotFound):
        services.restore_item(bob, item.pk)
    with pytest.raises(NotFound):
        services.restore_item(alice, "not-a-number")
    assert Item.objects.get(pk=item.pk).deleted_at is not None
