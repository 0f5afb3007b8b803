"""The background pipeline, for real: save, the django-tasks-db worker, fetch over loopback,
extract, store; failures, folding, stalled leases and re-extraction."""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from broadsheet.core import access, processing, queries, services
from broadsheet.core.enqueue import sweep_stalled
from broadsheet.core.models import Fold, Item, PageSnapshot
from broadsheet.core.snapshots import decompress
from tests.conftest import (
    Site,
    article_html,
    expected_of,
    fixture_pages,
    page_file,
    story_text,
)
from tests.support.fixture_server import FixtureServer, caption_sentences

pytestmark = pytest.mark.django_db(transaction=True)

RunTasks = Callable[[], int]


def _path() -> str:
    return f"/story/{uuid.uuid4().hex[:10]}"


def _task_lines(caplog: pytest.LogCaptureFixture, item: Item | int) -> list[tuple[str, str]]:
    """(level, message) of the operator's log lines about one item."""
    pk = item if isinstance(item, int) else item.pk
    return [
        (r.levelname, r.getMessage())
        for r in caplog.records
        if r.name == "broadsheet.tasks" and r.getMessage().startswith(f"item {pk}:")
    ]


def _assert_failed_cleanly(item: Item, reason: str) -> None:
    """A failed row: the reason, a retry possible, nothing half-written."""
    item.refresh_from_db()
    assert item.status == Item.Status.FAILED, (item.status, item.error)
    assert item.error == reason
    assert item.error_code
    assert item.lease_until is None
    assert item.title == item.html == item.text == ""
    assert item.fetched_at is None
    # The task itself finished normally: a failure of the page is not a crash.
    assert not DBTaskResult.objects.filter(status="FAILED").exists()
    assert not DBTaskResult.objects.filter(status="READY").exists()


# --- a story, end to end --------------------------------------------------------------------------


def test_story_becomes_ready_without_chrome(
    alice: AbstractBaseUser, site: Site, pipeline: FixtureServer, run_tasks: RunTasks
) -> None:
    url = site.add(_path(), article_html(seed=11))
    item = services.save_item(alice, url)
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    # The fetch, then what the ready story adds: its followed topics, its stored images.
    assert run_tasks() == 3
    item.refresh_from_db()
    assert item.status == Item.Status.READY, item.error
    assert item.title == "Harbour ferry returns after winter repairs"
    assert item.byline == "Jo Reporter"
    assert item.agency == ""
    assert item.site_name == "The Daily Example"
    assert item.summary == "The crossing reopens on Monday with a new timetable."
    assert item.published is not None and item.published.year == 2024
    assert item.final_url == url
    assert item.fetched_at is not None and item.lease_until is None
    assert item.word_count > 100 and item.reading_minutes >= 1
    assert item.fingerprint
    body = story_text(11)
    first_sentence = body.split(". ")[0]
    assert first_sentence in item.text
    assert "A new timetable" in item.html
    assert "Photo: Sam Lens" in item.html
    for chrome in ("Sign up for our newsletter", "Recommended:", "All rights reserved", "Sport"):
        assert chrome not in item.text
        assert chrome not in item.html
    assert "<script" not in item.html and "tracker" not in item.html
    # The page is kept, compressed, for re-extraction later.
    snap = PageSnapshot.objects.get(item=item)
    assert len(snap.content) < snap.raw_size
    assert decompress(snap.content).startswith(b"<!doctype html>")
    assert {r.status for r in DBTaskResult.objects.all()} == {"SUCCESSFUL"}


def test_the_agency_a_byline_credits_is_kept_beside_it(
    alice: AbstractBaseUser, site: Site, pipeline: FixtureServer, run_tasks: RunTasks
) -> None:
    """Issue 11: "By Jo Reporter, Reuters" is the byline "Jo Reporter" and the agency "Reuters",
    not a byline with the agency trailing the name."""
    url = site.add(_path(), article_html(seed=12, agency="Reuters"))
    item = services.save_item(alice, url)
    run_tasks()
    item.refresh_from_db()
    assert item.status == Item.Status.READY, item.error
    assert (item.byline, item.agency) == ("Jo Reporter", "Reuters")
    assert item.display_agency == "Reuters"
    item.byline = "Reuters"
    assert item.display_agency == ""  # an agency that is the byline is shown once


@pytest.mark.parametrize("name", fixture_pages())
def test_fixture_pages_match_expectations(
    name: str, alice: AbstractBaseUser, pipeline: FixtureServer, run_tasks: RunTasks
) -> None:
    expected = expected_of(name)
    item = services.save_item(alice, pipeline.page(page_file(name).name))
    run_tasks()
    item.refresh_from_db()
    assert item.status == Item.Status.READY, item.error
    for field in ("title", "byline", "site_name", "summary"):
        if expected.get(field) is not None:
            assert getattr(item, field) == expected[field], field
    if expected.get("published"):
        assert item.published == datetime.fromisoformat(expected["published"])
    captions = caption_sentences(name, expected.get("must_contain", []))
    for needle in expected.get("must_contain", []):
        assert needle in (html.unescape(item.html) if needle in captions else item.text)
    for needle in expected.get("must_not_contain", []):
        assert needle not in item.text, needle
        assert needle not in item.html, needle


def test_item_saved_with_html_is_not_fetched(
    alice: AbstractBaseUser, site: Site, pipeline: FixtureServer, run_tasks: RunTasks
) -> None:
    path = _path()
    url = site.base_url + path  # nothing is served there
    item = services.save_item(alice, url, html=article_html(title="Sent by the bookmarklet"))
    run_tasks()
    item.refresh_from_db()
    assert item.status == Item.Status.READY
    assert item.title == "Sent by the bookmarklet"
    assert site.hits.get(path, 0) == 0


def test_tasks_are_idempotent(
    alice: AbstractBaseUser, site: Site, pipeline: FixtureServer, run_tasks: RunTasks
) -> None:
    """Running the same task again (a duplicate delivery) does nothing."""
    path = _path()
    item = services.save_item(alice, site.add(path, article_html(seed=3)))
    run_tasks()
    item.refresh_from_db()
    updated = item.updated_at
    assert processing.process_item(item.pk, item.task_token).outcome is processing.Outcome.SKIPPED
    assert processing.process_item(item.pk, "someone-else").outcome is processing.Outcome.SKIPPED
    item.refresh_from_db()
    assert item.updated_at == updated
    assert site.hits[path] == 1


# --- failures -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ("/status/404", "The site answered 404"),
        ("/status/500", "The site answered 500"),
        ("/type/application/pdf", "The address is not a web page (it is application/pdf)."),
        ("/empty", "The site sent an empty page."),
        ("/giant", "The page is larger than 10 MiB."),
    ],
)
def test_fetch_failures_leave_a_failed_row_with_the_reason(
    route: str,
    reason: str,
    alice: AbstractBaseUser,
    pipeline: FixtureServer,
    run_tasks: RunTasks,
    caplog: pytest.LogCaptureFixture,
) -> None:
    item = services.save_item(alice, pipeline.url(route))
    run_tasks()
    _assert_failed_cleanly(item, reason)
    # One line for the operator, at INFO: the page's failure is the reader's business.
    assert _task_lines(caplog, item) == [
        ("INFO", f"item {item.pk}: failed, {item.error_code}: {reason}")
    ]


def test_slow_page_took_too_long(
    alice: AbstractBaseUser, pipeline: FixtureServer, run_tasks: RunTasks, settings: Any
) -> None:
    settings.BROADSHEET_FETCH_DEADLINE = 1
    item = services.save_item(alice, pipeline.url("/slow/3/none"))
    run_tasks()
    _assert_failed_cleanly(item, "The page took too long.")


def test_timeout_is_retried_later_before_failing(
    alice: AbstractBaseUser,
    pipeline: FixtureServer,
    run_tasks: RunTasks,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A transient failure is enqueued again with a backoff, not failed at once."""
    settings.BROADSHEET_FETCH_DEADLINE = 1
    settings.BROADSHEET_FETCH_RETRIES = 2
    item = services.save_item(alice, pipeline.url("/slow/3/none"))
    old_token = item.task_token
    run_tasks()
    item.refresh_from_db()
    assert item.status == Item.Status.PENDING
    assert item.attempts == 1 and item.task_token != old_token
    later = DBTaskResult.objects.get(status="READY")
    assert later.run_after > timezone.now() + timedelta(seconds=5)
    at = later.run_after.isoformat(timespec="seconds")
    assert _task_lines(caplog, item) == [
        ("INFO", f"item {item.pk}: retry at {at} after timeout: The page took too long.")
    ]
    # The later run carries the new token, so it (and only it) may work on the item.
    assert later.args_kwargs["args"] == [item.pk, item.task_token]


def test_loopback_is_not_allowed_by_default(
    alice: AbstractBaseUser,
    site: Site,
    pipeline: FixtureServer,
    run_tasks: RunTasks,
    settings: Any,
) -> None:
    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = "false"
    path = _path()
    item = services.save_item(alice, site.add(path, article_html()))
    run_tasks()
    _assert_failed_cleanly(item, "The address is not allowed.")
    assert site.hits.get(path, 0) == 0

    # Allowed again, a retry fetches it.
    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = "true"
    services.retry_item(alice, item.pk)
    run_tasks()
    item.refresh_from_db()
    assert item.status == Item.Status.READY
    assert site.hits[path] == 1


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>x</title></head><body></body></html>",
        "<html><body><nav><a href='/'>Home</a></nav></body></html>",
    ],
)
def test_page_without_a_story_fails_with_a_reason(
    html: str, alice: AbstractBaseUser, site: Site, pipeline: FixtureServer, run_tasks: RunTasks
) -> None:
    item = services.save_item(alice, site.add(_path(), html))
    run_tasks()
    item.refresh_from_db()
    assert item.status == Item.Status.FAILED
    assert item.error and item.error_code
    assert item.html == "" and item.lease_until is None


def test_a_crash_is_recorded_on_the_item(
    alice: AbstractBaseUser,
    site: Site,
    pipeline: FixtureServer,
    run_tasks: RunTasks,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def boom(*args: object, **kwargs: object) -> object:
        raise RuntimeError("engine bug")

    monkeypatch.setattr(processing.extract, "extract", boom)
    item = services.save_item(alice, site.add(_path(), article_html()))
    run_tasks()
    item.refresh_from_db()
    assert item.status == Item.Status.FAILED
    assert item.error == "Something went wrong while processing this page."
    assert DBTaskResult.objects.get().status == "FAILED"
    assert _task_lines(caplog, item) == [
        ("ERROR", f"item {item.pk}: crashed; marked failed (crashed)")
    ]
    crash = next(r for r in caplog.records if r.name == "broadsheet.tasks")
    assert crash.exc_info and "engine bug" in str(crash.exc_info[1])  # with its traceback


# --- folding the same story under another address -------------------------------------------------


@pytest.mark.parametrize("how", ["canonical", "og_url"])
def test_second_address_of_a_story_is_folded_into_the_first(
    how: str,
    alice: AbstractBaseUser,
    site: Site,
    pipeline: FixtureServer,
    run_tasks: RunTasks,
) -> None:
    first_url = site.add(_path(), article_html(seed=21))
    first = services.save_item(alice, first_url)
    run_tasks()
    # Another address whose page says it is the first one (an AMP or mobile copy, say).
    marker = {how: first_url + "?utm_source=amp"}
    second_url = site.add(_path(), article_html(seed=22, **marker))
    second = services.save_item(alice, second_url)
    run_tasks()

    assert Item.objects.filter(pk=first.pk).exists()
    assert not Item.objects.filter(pk=second.pk).exists()
    fold = Fold.objects.get()
    assert fold.old_item_id == second.pk and fold.into_id == first.pk
    assert fold.user_id == alice.pk and not fold.seen
    assert str(queries.counter(alice)) == "Saved (1 of 20 items)"
    # The reader is told, and the old id leads to the earlier item.
    assert [f.into_id for f in queries.unseen_folds(alice)] == [first.pk]
    found = access.fold_for(alice, second.pk)
    assert found is not None and found.into_id == first.pk
    # Saving the second address again is "already saved", pointing at the earlier item.
    from broadsheet.core.errors import AlreadySaved

    with pytest.raises(AlreadySaved) as exc:
        services.save_item(alice, second_url)
    assert exc.value.item_id == first.pk


def test_the_earlier_item_is_kept_when_the_later_copy_is_fetched_first(
    alice: AbstractBaseUser, site: Site, pipeline: FixtureServer, run_tasks: RunTasks
) -> None:
    # The reader first saves a share link whose page names the real address as canonical, then,
    # before the first fetch ran, the real address itself. Whichever fetch finishes first, the
    # item saved first stays and the later copy is folded into it.
    real_url = site.add(_path(), article_html(seed=51))
    share_url = site.add(_path(), article_html(seed=52, canonical=real_url))
    first = services.save_item(alice, share_url)
    second = services.save_item(alice, real_url)
    # Fetch the later one first.
    processing.process_item(second.pk, second.task_token)
    second.refresh_from_db()
    assert second.status == Item.Status.READY
    processing.process_item(first.pk, first.task_token)

    assert list(Item.objects.filter(user=alice).values_list("pk", flat=True)) == [first.pk]
    fold = Fold.objects.get()
    assert (fold.old_item_id, fold.into_id) == (second.pk, first.pk)
    assert Item.objects.get(pk=first.pk).status == Item.Status.READY
    run_tasks()  # the queued tasks find nothing left to do
    assert Item.objects.filter(user=alice).count() == 1


def test_same_text_under_another_address_is_folded(
    alice: AbstractBaseUser,
    site: Site,
    pipeline: FixtureServer,
    run_tasks: RunTasks,
    caplog: pytest.LogCaptureFixture,
) -> None:
    page = article_html(seed=31)
    first = services.save_item(alice, site.add(_path(), page))
    second = services.save_item(alice, site.add(_path(), page))
    second_id = second.pk
    run_tasks()
    assert Item.objects.filter(user=alice).count() == 1
    assert Fold.objects.get().into_id == first.pk
    assert not Item.objects.filter(pk=second.pk).exists()
    assert _task_lines(caplog, first) == [("INFO", f"item {first.pk}: ready")]
    assert _task_lines(caplog, second_id) == [
        ("INFO", f"item {second_id}: folded into item {first.pk} (the same story)")
    ]


def test_a_copy_in_the_trash_swallows_no_new_save(
    alice: AbstractBaseUser, site: Site, pipeline: FixtureServer, run_tasks: RunTasks
) -> None:
    """The same story saved again under another address while the first copy is in the trash
    (deleted, undo still possible): the new item stays, nothing is folded into the trashed one,
    whichever fetch runs first."""
    page = article_html(seed=71)
    first = services.save_item(alice, site.add(_path(), page))
    second = services.save_item(alice, site.add(_path(), page))
    services.delete_item(alice, first.pk)
    run_tasks()
    second.refresh_from_db()
    assert second.status == Item.Status.READY
    assert not Fold.objects.exists()
    assert [i.pk for i in queries.items(alice, "all")] == [second.pk]
    # And after a fetch that finished before the delete, the same holds for a later save.
    run_tasks()
    third = services.save_item(alice, site.add(_path(), page))
    services.delete_item(alice, second.pk)
    run_tasks()
    third.refresh_from_db()
    assert third.status == Item.Status.READY and not Fold.objects.exists()


def test_other_readers_copy_is_not_folded(
    alice: AbstractBaseUser,
    bob: AbstractBaseUser,
    site: Site,
    pipeline: FixtureServer,
    run_tasks: RunTasks,
) -> None:
    url = site.add(_path(), article_html(seed=41))
    services.save_item(alice, url)
    services.save_item(bob, url)
    run_tasks()
    assert Item.objects.filter(status=Item.Status.READY).count() == 2
    assert not Fold.objects.exists()


# --- recovery -------------------------------------------------------------------------------------


def test_sweep_re_enqueues_an_item_whose_lease_expired(
    alice: AbstractBaseUser, site: Site, pipeline: FixtureServer, run_tasks: RunTasks
) -> None:
    item = services.save_item(alice, site.add(_path(), article_html(seed=51)))
    # A worker claimed the task and died mid-fetch: its task is RUNNING forever, the item pending
    # with a lease that has now run out.
    DBTaskResult.objects.update(status="RUNNING")
    Item.objects.filter(pk=item.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1), attempts=1
    )
    assert run_tasks() == 0  # nothing else would ever pick it up
    assert sweep_stalled() == 1
    item.refresh_from_db()
    assert item.lease_until is None
    run_tasks()
    item.refresh_from_db()
    assert item.status == Item.Status.READY
    assert sweep_stalled() == 0


def test_sweep_leaves_a_live_lease_alone(alice: AbstractBaseUser, pipeline: FixtureServer) -> None:
    item = services.save_item(alice, "https://news.example/live")
    Item.objects.filter(pk=item.pk).update(lease_until=timezone.now() + timedelta(seconds=60))
    token = Item.objects.get(pk=item.pk).task_token
    assert sweep_stalled() == 0
    assert Item.objects.get(pk=item.pk).task_token == token


def test_sweep_gives_up_after_repeated_stalls(
    alice: AbstractBaseUser,
    pipeline: FixtureServer,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    item = services.save_item(alice, "https://news.example/stalls")
    Item.objects.filter(pk=item.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1),
        attempts=settings.BROADSHEET_FETCH_RETRIES + 2,
    )
    assert sweep_stalled() == 0
    item.refresh_from_db()
    assert item.status == Item.Status.FAILED
    assert item.error == "Fetching this page stopped several times."
    assert _task_lines(caplog, item) == [
        ("WARNING", f"item {item.pk}: failed, stalled: Fetching this page stopped several times.")
    ]


def test_stale_task_cannot_overwrite_after_a_sweep(
    alice: AbstractBaseUser, site: Site, pipeline: FixtureServer
) -> None:
    item = services.save_item(alice, site.add(_path(), article_html(seed=61)))
    old_token = item.task_token
    Item.objects.filter(pk=item.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert sweep_stalled() == 1
    assert processing.process_item(item.pk, old_token).outcome is processing.Outcome.SKIPPED
    assert Item.objects.get(pk=item.pk).status == Item.Status.PENDING


def test_reextract_uses_the_kept_page(
    alice: AbstractBaseUser, site: Site, pipeline: FixtureServer, run_tasks: RunTasks
) -> None:
    path = _path()
    item = services.save_item(alice, site.add(path, article_html(seed=71)))
    run_tasks()
    Item.objects.filter(pk=item.pk).update(title="stale", html="", text="", byline="")
    site.pages.pop(path)  # the site is gone: re-extraction must not need it
    item.refresh_from_db()
    assert processing.reextract(item) is processing.Outcome.READY
    item.refresh_from_db()
    assert item.title == "Harbour ferry returns after winter repairs"
    assert item.byline == "Jo Reporter"
    assert "A new timetable" in item.html
    assert site.hits[path] == 1


def test_reextract_without_a_kept_page_is_skipped(alice: AbstractBaseUser) -> None:
    item = services.save_item(alice, "https://news.example/never-fetched")
    assert processing.reextract(item) is processing.Outcome.SKIPPED
