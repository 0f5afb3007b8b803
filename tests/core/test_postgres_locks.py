"""The locks that keep the limits true on PostgreSQL, where SQLite's one-writer lock is not there.

On SQLite an IMMEDIATE transaction holds the whole database's write lock, so writers serialise by
themselves; on PostgreSQL the services take explicit locks: the profile's row (`SELECT ... FOR
UPDATE`) before a save counts the items against the limit, and an advisory lock per rate-limit key
before a login attempt counts the failures. These tests hold one of those locks in one connection
and show that a second connection's save or login waits for it, which is what makes "two saves
racing at 19 of 20 give exactly one success" hold across server processes. They run only in the
PostgreSQL pass (`make test` with BROADSHEET_TEST_POSTGRES set).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from broadsheet.core import profiles, ratelimit, search_index, services
from broadsheet.core.errors import QuotaExceeded, RateLimited
from broadsheet.core.models import Item, LoginFailure

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WAIT = 1.0  # how long the second connection is given to (wrongly) get past the lock


def _in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """Run `work` on its own thread (so on its own database connection)."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["result"] = work()
        except BaseException as exc:
            out["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def test_a_save_waits_for_the_profile_row_lock(alice: AbstractBaseUser) -> None:
    services.set_quota(alice, 1)
    with transaction.atomic():
        profile = profiles.locked(alice)  # what a concurrent save holds
        # The other save must wait here, not count the items and insert past the limit.
        thread, out = _in_thread(lambda: services.save_item(alice, "https://news.example/second"))
        thread.join(WAIT)
        assert thread.is_alive(), f"the second save did not wait for the row lock: {out}"
        assert profile.quota == 1
        Item.objects.create(user_id=alice.pk, url="https://news.example/first", canonical_url="a")
    thread.join(10)
    assert not thread.is_alive()
    # It ran after the first save committed, saw the limit reached, and saved nothing.
    assert isinstance(out.get("error"), QuotaExceeded), out
    assert Item.objects.filter(user_id=alice.pk).count() == 1


def test_a_login_attempt_waits_for_the_keys_advisory_lock(settings: Any) -> None:
    settings.BROADSHEET_LOGIN_MAX_FAILURES_PER_ACCOUNT = 1
    keys = ratelimit.login_keys("carol", "203.0.113.9")
    with transaction.atomic():
        services._lock_rate_limit_keys(keys)
        thread, out = _in_thread(lambda: services.begin_login_attempt("carol", "203.0.113.9"))
        thread.join(WAIT)
        assert thread.is_alive(), f"the login attempt did not wait for the advisory lock: {out}"
        # What a concurrent attempt writes while it holds the lock: the account's one failure.
        LoginFailure.objects.create(
            scope=LoginFailure.Scope.ACCOUNT, key=ratelimit.account_key("carol"), at=timezone.now()
        )
    thread.join(10)
    assert not thread.is_alive()
    # It counted after the other attempt committed: the account is at its limit, no password try.
    assert isinstance(out.get("error"), RateLimited), out


def test_other_keys_do_not_wait(settings: Any) -> None:
    """The lock is per key: an attempt on another account and address goes straight through."""
    with transaction.atomic():
        services._lock_rate_limit_keys(ratelimit.login_keys("carol", "203.0.113.9"))
        thread, out = _in_thread(lambda: services.begin_login_attempt("dave", "198.51.100.7"))
        thread.join(10)
        assert not thread.is_alive(), "an attempt on other keys waited for carol's lock"
    assert "result" in out, out


def _indexed(item_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT document::text FROM core_itemsearch WHERE rowid = %s", [item_id])
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def _story(alice: AbstractBaseUser, title: str) -> Item:
    item = Item.objects.create(
        user_id=alice.pk, url="https://news.example/ferry", canonical_url="ferry", title=title
    )
    search_index.refresh([item.pk])
    return item


def test_a_refresh_waits_for_another_refresh_of_the_same_story(alice: AbstractBaseUser) -> None:
    """A tag removed while the worker stores the story: both refresh its index row after they
    commit. The second waits for the first and then indexes the story as it is now."""
    item = _story(alice, "Harbour ferry")
    with transaction.atomic():
        search_index.lock([item.pk])  # what the first refresh holds
        thread, out = _in_thread(lambda: search_index.refresh([item.pk]))
        thread.join(WAIT)
        assert thread.is_alive(), f"the second refresh did not wait for the first: {out}"
        Item.objects.filter(pk=item.pk).update(title="Lighthouse keeper")
        search_index._write([item.pk])
    thread.join(10)
    assert not thread.is_alive()
    assert "error" not in out, out
    assert "'lighthouse'" in _indexed(item.pk)


def test_a_refresh_replaces_a_row_written_while_it_waited(alice: AbstractBaseUser) -> None:
    """A writer that took no lock (an older process during an upgrade) has deleted and written
    the row and not committed: the refresh's DELETE waits for it, then misses the new row; its
    INSERT must replace that row, not fail on the key."""
    item = _story(alice, "Harbour ferry")
    with transaction.atomic():
        Item.objects.filter(pk=item.pk).update(title="Lighthouse keeper")
        search_index._write([item.pk])
        thread, out = _in_thread(lambda: search_index.refresh([item.pk]))
        thread.join(WAIT)
        assert thread.is_alive(), f"the refresh did not wait for the row: {out}"
    thread.join(10)
    assert not thread.is_alive()
    assert "error" not in out, out
    assert "'lighthouse'" in _indexed(item.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_itemsearch WHERE rowid = %s", [item.pk])
        assert cursor.fetchone() == (1,)
