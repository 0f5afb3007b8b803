"""core.services: every write of the domain, and the reads it relies on."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django_tasks_db.models import DBTaskResult

from broadsheet.core import access, queries, services
from broadsheet.core.errors import (
    AlreadySaved,
    InvalidInput,
    InvalidURL,
    NotFound,
    NothingToRetry,
    QuotaExceeded,
    SignupClosed,
)
from broadsheet.core.models import ApiToken, Item, PageSnapshot, Profile
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

MakeUser = Callable[..., AbstractBaseUser]


def _fill(user: AbstractBaseUser, n: int, start: int = 0) -> list[Item]:
    return [services.save_item(user, f"https://news.example/story/{i}") for i in range(start, n)]


# --- users ----------------------------------------------------------------------------------------


def test_new_user_gets_the_default_quota(make_user: MakeUser) -> None:
    user = make_user()
    assert Profile.objects.get(user=user).quota == 20
    assert str(queries.counter(user)) == "Saved (0 of 20 items)"


def test_default_quota_follows_the_setting(make_user: MakeUser, settings: Any) -> None:
    settings.BROADSHEET_DEFAULT_QUOTA = 5
    assert queries.quota_of(make_user()) == 5
    settings.BROADSHEET_DEFAULT_QUOTA = None
    assert queries.quota_of(make_user()) is None


def test_admin_is_unlimited_unless_set(make_user: MakeUser) -> None:
    admin = make_user("boss", admin=True)
    assert queries.quota_of(admin) is None
    capped = make_user("capped-boss", admin=True, quota=7)
    assert queries.quota_of(capped) == 7
    assert admin.is_superuser and admin.is_staff


def test_the_counter_shows_the_limit_the_save_enforces(
    make_user: MakeUser, admin_user: AbstractBaseUser
) -> None:
    """Without a profile row (a user loaded from elsewhere), the counter shows the limit a save
    would give the user: the default for a reader, none for an admin."""
    reader = make_user()
    Profile.objects.filter(user__in=[reader, admin_user]).delete()
    assert str(queries.counter(reader)) == "Saved (0 of 20 items)"
    assert str(queries.counter(admin_user)) == "Saved (0 items)"
    services.save_item(reader, "https://news.example/a")
    assert str(queries.counter(reader)) == "Saved (1 of 20 items)"
    services.set_quota(admin_user, 20)
    services.save_item(admin_user, "https://news.example/a")
    assert str(queries.counter(admin_user)) == "Saved (1 of 20 items)"


def test_create_user_validates(make_user: MakeUser) -> None:
    make_user("carol")
    with pytest.raises(InvalidInput, match="taken"):
        services.create_user("CAROL", PASSWORD)
    with pytest.raises(InvalidInput, match="at least 8"):
        services.create_user("dave", "short")
    with pytest.raises(InvalidInput, match="user name is required"):
        services.create_user("   ", PASSWORD)


def test_first_sign_up_is_admin_then_users(settings: Any) -> None:
    settings.BROADSHEET_OPEN_SIGNUP = True
    first = services.sign_up("first", PASSWORD)
    second = services.sign_up("second", PASSWORD)
    assert first.is_superuser and queries.quota_of(first) is None
    assert not second.is_superuser and queries.quota_of(second) == 20


def test_sign_up_closed(settings: Any) -> None:
    settings.BROADSHEET_OPEN_SIGNUP = False
    with pytest.raises(SignupClosed) as exc:
        services.sign_up("someone", PASSWORD)
    assert exc.value.message == "Sign-up is closed on this server."


def test_set_quota(alice: AbstractBaseUser) -> None:
    services.set_quota(alice, 3)
    assert str(queries.counter(alice)) == "Saved (0 of 3 items)"
    services.set_quota(alice, None)
    assert str(queries.counter(alice)) == "Saved (0 items)"
    with pytest.raises(InvalidInput):
        services.set_quota(alice, -1)


@pytest.mark.parametrize(
    ("saved", "limit", "text"),
    [
        (3, 20, "Saved (3 of 20 items)"),
        (3, None, "Saved (3 items)"),
        (0, None, "Saved (0 items)"),
        (1, None, "Saved (1 item)"),
        (20, 20, "Saved (20 of 20 items)"),
    ],
)
def test_counter_text(saved: int, limit: int | None, text: str) -> None:
    assert str(queries.Counter(saved=saved, limit=limit)) == text


# --- saving ---------------------------------------------------------------------------------------


def test_save_stores_pending_item_and_enqueues_after_commit(
    alice: AbstractBaseUser, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        item = services.save_item(alice, "  HTTPS://News.Example/story?utm_source=x#top ")
    assert len(callbacks) == 2  # the fetch enqueued, the story indexed for search
    item.refresh_from_db()
    assert item.status == Item.Status.PENDING
    assert item.url == "HTTPS://News.Example/story?utm_source=x#top"
    assert item.canonical_url == "https://news.example/story"
    assert item.task_token
    task = DBTaskResult.objects.get()
    assert task.status == "READY"
    assert task.args_kwargs["args"] == [item.pk, item.task_token]


def test_save_rejects_invalid_addresses(alice: AbstractBaseUser) -> None:
    for bad in ["", "ftp://example.com/x", "javascript:alert(1)", "file:///etc/passwd", "a b"]:
        with pytest.raises(InvalidURL):
            services.save_item(alice, bad)
    assert not Item.objects.exists()


def test_quota_is_exact_at_the_limit(alice: AbstractBaseUser) -> None:
    services.set_quota(alice, 3)
    _fill(alice, 3)
    assert str(queries.counter(alice)) == "Saved (3 of 3 items)"
    with pytest.raises(QuotaExceeded) as exc:
        services.save_item(alice, "https://news.example/one-too-many")
    assert exc.value.message == "You reached the limit of 3 saved items."
    assert exc.value.code == "quota_exceeded"
    assert Item.objects.filter(user=alice).count() == 3


def test_default_limit_message_is_the_contract(alice: AbstractBaseUser) -> None:
    _fill(alice, 20)
    with pytest.raises(QuotaExceeded) as exc:
        services.save_item(alice, "https://news.example/21")
    assert exc.value.message == "You reached the limit of 20 saved items."


def test_quota_zero_refuses_everything(alice: AbstractBaseUser) -> None:
    services.set_quota(alice, 0)
    with pytest.raises(QuotaExceeded):
        services.save_item(alice, "https://news.example/a")


def test_admin_is_not_limited(admin_user: AbstractBaseUser, settings: Any) -> None:
    settings.BROADSHEET_DEFAULT_QUOTA = 2
    _fill(admin_user, 25)
    assert str(queries.counter(admin_user)) == "Saved (25 items)"


def test_quota_is_per_user(alice: AbstractBaseUser, bob: AbstractBaseUser) -> None:
    services.set_quota(alice, 1)
    services.save_item(alice, "https://news.example/a")
    services.save_item(bob, "https://news.example/a")  # same story, other reader: fine
    services.save_item(bob, "https://news.example/b")
    with pytest.raises(QuotaExceeded):
        services.save_item(alice, "https://news.example/b")


def test_deleting_frees_a_slot_archiving_does_not(alice: AbstractBaseUser) -> None:
    services.set_quota(alice, 2)
    first, second = _fill(alice, 2)
    services.set_archived(alice, first.pk, True)
    with pytest.raises(QuotaExceeded):
        services.save_item(alice, "https://news.example/c")
    services.delete_item(alice, second.pk)
    services.save_item(alice, "https://news.example/c")
    assert str(queries.counter(alice)) == "Saved (2 of 2 items)"


def test_already_saved_names_the_earlier_item(alice: AbstractBaseUser) -> None:
    earlier = services.save_item(alice, "https://news.example/story?id=7")
    for again in [
        "https://news.example/story?id=7",
        "HTTPS://NEWS.example:443/story?id=7&utm_campaign=mail#para",
        "news.example/story?fbclid=xyz&id=7",
    ]:
        with pytest.raises(AlreadySaved) as exc:
            services.save_item(alice, again)
        assert exc.value.item_id == earlier.pk
        assert exc.value.message == "You have already saved this item."
    assert Item.objects.filter(user=alice).count() == 1


def test_already_saved_wins_over_quota(alice: AbstractBaseUser) -> None:
    """At the limit, saving a story again says it was saved before, not that the list is full."""
    services.set_quota(alice, 1)
    item = services.save_item(alice, "https://news.example/a")
    with pytest.raises(AlreadySaved) as exc:
        services.save_item(alice, "https://news.example/a")
    assert exc.value.item_id == item.pk


def test_already_saved_matches_the_pages_own_canonical(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://m.news.example/s/1")
    Item.objects.filter(pk=item.pk).update(page_canonical_url="https://news.example/story/1")
    with pytest.raises(AlreadySaved) as exc:
        services.save_item(alice, "https://news.example/story/1?utm_source=rss")
    assert exc.value.item_id == item.pk


def test_save_with_html_keeps_a_snapshot(alice: AbstractBaseUser) -> None:
    html = "<html><body><article><p>Hello</p></article></body></html>"
    item = services.save_item(alice, "https://news.example/a", html=html)
    snap = PageSnapshot.objects.get(item=item)
    from broadsheet.core.snapshots import decompress

    assert decompress(snap.content).decode() == html
    assert snap.raw_size == len(html.encode())
    assert snap.final_url == "https://news.example/a"


# --- archive, delete, retry -----------------------------------------------------------------------


def test_archive_and_unarchive(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    services.set_archived(alice, item.pk, True)
    item.refresh_from_db()
    assert item.archived and item.archived_at is not None
    assert list(queries.items(alice, "unread")) == []
    assert list(queries.items(alice, "archived")) == [item]
    services.set_archived(alice, item.pk, False)
    item.refresh_from_db()
    assert not item.archived and item.archived_at is None
    assert list(queries.items(alice, "unread")) == [item]


def test_other_users_items_are_not_found(alice: AbstractBaseUser, bob: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/a")
    for action in (
        lambda: access.item_for(bob, item.pk),
        lambda: services.set_archived(bob, item.pk, True),
        lambda: services.delete_item(bob, item.pk),
        lambda: services.retry_item(bob, item.pk),
    ):
        with pytest.raises(NotFound):
            action()
    item.refresh_from_db()
    assert not item.archived
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        access.item_for(AnonymousUser(), item.pk)
    with pytest.raises(NotFound):
        access.item_for(alice, "not-a-number")


def test_retry_only_for_failed(
    alice: AbstractBaseUser, django_capture_on_commit_callbacks: Any
) -> None:
    item = services.save_item(alice, "https://news.example/a", html="<p>kept page</p>")
    with pytest.raises(NothingToRetry) as exc:
        services.retry_item(alice, item.pk)  # pending
    assert exc.value.code == "not_failed"
    Item.objects.filter(pk=item.pk).update(status=Item.Status.READY)
    with pytest.raises(NothingToRetry):
        services.retry_item(alice, item.pk)  # ready

    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.FAILED, error="The site answered 500", error_code="http_status"
    )
    old_token = Item.objects.get(pk=item.pk).task_token
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.retry_item(alice, item.pk)
    assert len(callbacks) == 1
    item.refresh_from_db()
    assert item.status == Item.Status.PENDING
    assert item.error == item.error_code == ""
    assert item.task_token and item.task_token != old_token
    assert not PageSnapshot.objects.filter(item=item).exists()
    assert DBTaskResult.objects.filter(status="READY").count() == 1


# --- API tokens -----------------------------------------------------------------------------------


def test_tokens_are_stored_hashed(alice: AbstractBaseUser) -> None:
    new = services.create_token(alice, " phone ")
    assert new.secret.startswith("bs_") and len(new.secret) > 30
    row = ApiToken.objects.get(pk=new.token.pk)
    assert row.digest == hashlib.sha256(new.secret.encode()).hexdigest()
    assert row.name == "phone"
    assert new.secret.startswith(row.prefix) and len(row.prefix) < len(new.secret) // 2
    stored = [str(v) for v in ApiToken.objects.filter(pk=row.pk).values().get().values()]
    assert new.secret not in stored
    assert access.user_for_token(new.secret) == alice
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_tokens_are_revocable(alice: AbstractBaseUser, bob: AbstractBaseUser) -> None:
    keep = services.create_token(alice)
    gone = services.create_token(alice)
    with pytest.raises(NotFound):
        services.revoke_token(bob, gone.token.pk)
    services.revoke_token(alice, gone.token.pk)
    assert access.user_for_token(gone.secret) is None
    assert access.user_for_token(keep.secret) == alice
    assert services.revoke_all_tokens(alice) == 1
    assert access.user_for_token(keep.secret) is None


@pytest.mark.parametrize("secret", ["", "bs_nope", "x" * 500])
def test_unknown_tokens_authenticate_nobody(alice: AbstractBaseUser, secret: str) -> None:
    services.create_token(alice)
    assert access.user_for_token(secret) is None


def test_inactive_users_token_is_refused(alice: AbstractBaseUser) -> None:
    new = services.create_token(alice)
    alice.is_active = False
    alice.save()
    assert access.user_for_token(new.secret) is None
