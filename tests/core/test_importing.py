"""Writing a library import (core.importing): what a reader read goes into the reader's list in
whole batches, with its dates, tags and states, folded against the library and within the file,
under the limit; content exported with a story is stored sanitised and never fetched, the rest
is handed out to the fetcher at a bounded rate (core.enqueue.sweep_imported)."""

from __future__ import annotations

import io
import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from broadsheet.core import access, enqueue, importing, search_index, services
from broadsheet.core.errors import ImportFormatUnknown, ImportTooLarge, UnreadableImport
from broadsheet.core.importers import HighlightRecord, Invalid, Record
from broadsheet.core.importers import pocket as _pocket  # noqa: F401  (registers the format)
from broadsheet.core.importing import import_file, import_records
from broadsheet.core.models import Fold, Highlight, ImportJob, Item, Note

pytestmark = pytest.mark.django_db

T0 = datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)


def _unlimited(user: AbstractBaseUser) -> AbstractBaseUser:
    services.set_quota(user, None)
    return user


def _tags(item: Item) -> list[str]:
    return sorted(t.name for t in item.tags.all())


def test_dates_tags_and_states_are_kept(alice: AbstractBaseUser) -> None:
    records = [
        Record(
            line=2,
            url="https://news.example/a",
            title="A  story\nwith lines",
            saved_at=T0,
            tags=("Climate", "rivers", "climate"),
            archived=True,
            archived_at=T0 + timedelta(days=2),
            favorite=True,
            progress=0.4,
            published=T0 - timedelta(days=1),
            byline="Jo Reporter",
            site_name="The Example",
            language="en",
            summary="What happened.",
            rating=4,
            notes=("Follow up",),
            highlights=(HighlightRecord(quote="a quote", note="mine", created_at=T0),),
        ),
        Record(line=3, url="https://www.Other.example/b", saved_at=T0 + timedelta(hours=1)),
    ]
    report = import_records(alice, records)
    assert (report.rows, report.imported, report.existing, report.invalid) == (2, 2, 0, 0)
    a = access.items_of(alice).get(url="https://news.example/a")
    assert a.title == "A story with lines"
    assert a.saved_at == T0
    assert a.archived and a.archived_at == T0 + timedelta(days=2)
    assert a.favorite and a.favorited_at == T0
    assert a.progress == pytest.approx(0.4)
    assert a.rating == 4 and a.rated_at == T0
    assert a.published == T0 - timedelta(days=1)
    assert (a.byline, a.site_name, a.language, a.summary) == (
        "Jo Reporter",
        "The Example",
        "en",
        "What happened.",
    )
    assert a.host == "news.example"
    assert a.status == Item.Status.PENDING and a.task_token == ""
    assert _tags(a) == ["Climate", "rivers"]
    assert [n.text for n in Note.objects.filter(item=a)] == ["Follow up"]
    (h,) = Highlight.objects.filter(item=a)
    assert (h.quote, h.note, h.created_at, h.user_id) == ("a quote", "mine", T0, alice.pk)
    b = access.items_of(alice).get(canonical_url="https://www.other.example/b")
    assert b.host == "other.example" and not b.archived and b.archived_at is None
    assert not b.favorite and b.favorited_at is None


def test_duplicates_in_the_file_and_in_the_library(alice: AbstractBaseUser) -> None:
    _unlimited(alice)
    had = services.save_item(alice, "https://news.example/had")
    records = [
        Record(line=2, url="https://news.example/had?utm_source=pocket", title="again"),
        Record(line=3, url="https://news.example/new", title="first"),
        Record(line=4, url="HTTPS://NEWS.example/new#comments", title="second"),
        Record(line=5, url="https://news.example/new?fbclid=x", title="third"),
    ]
    report = import_records(alice, records)
    assert (report.rows, report.imported, report.existing) == (4, 1, 3)
    assert access.items_of(alice).count() == 2
    assert access.items_of(alice).get(canonical_url="https://news.example/new").title == "first"
    assert access.items_of(alice).get(pk=had.pk).title == ""
    # Across batches too: the file's first occurrence wins.
    again = import_records(alice, [*records, Record(line=6, url="https://x.example/")], batch=1)
    assert (again.imported, again.existing) == (1, 4)


def test_folds_and_the_trash_count_as_a_save_counts_them(alice: AbstractBaseUser) -> None:
    _unlimited(alice)
    kept = services.save_item(alice, "https://news.example/kept")
    Fold.objects.create(
        user=alice, old_item_id=999, into=kept, url="https://news.example/folded-copy"
    )
    trashed = services.save_item(alice, "https://news.example/trashed")
    services.delete_item(alice, trashed.pk)
    records = [
        Record(line=2, url="https://news.example/folded-copy"),
        Record(line=3, url="https://news.example/trashed", title="fresh"),
    ]
    report = import_records(alice, records)
    assert (report.imported, report.existing) == (1, 1)
    fresh = access.items_of(alice).get(canonical_url="https://news.example/trashed")
    assert fresh.pk != trashed.pk and fresh.title == "fresh"
    assert not Item.objects.filter(pk=trashed.pk).exists()


def test_the_limit_holds_and_says_how_many_were_left_out(alice: AbstractBaseUser) -> None:
    services.set_quota(alice, 5)
    services.save_item(alice, "https://news.example/0")
    records = [Record(line=i + 2, url=f"https://news.example/{i}") for i in range(12)]
    report = import_records(alice, records, batch=4)
    assert access.items_of(alice).count() == 5
    assert (report.imported, report.existing, report.over_limit) == (4, 1, 7)
    assert report.rows == report.imported + report.existing + report.over_limit + report.invalid
    limit = [p for p in report.problems if "limit" in p.reason]
    assert [p.reason for p in limit] == [
        "You reached the limit of 5 saved items: 7 stories were not imported."
    ]


def test_invalid_rows_are_reported_with_their_line(alice: AbstractBaseUser) -> None:
    entries: list[Record | Invalid] = [
        Record(line=2, url="https://news.example/ok"),
        Invalid(line=3, reason="no address"),
        Record(line=4, url="ftp://files.example/x"),
        Record(line=5, url="not an address at all"),
    ]
    report = import_records(alice, entries)
    assert (report.rows, report.imported, report.invalid) == (4, 1, 3)
    assert [p.line for p in report.problems] == [3, 4, 5]
    assert report.problems[0].reason == "no address"
    assert "http" in report.problems[1].reason


def test_problems_are_counted_all_but_kept_to_a_few_hundred(alice: AbstractBaseUser) -> None:
    entries = [Invalid(line=i, reason="bad") for i in range(importing.MAX_PROBLEMS + 20)]
    report = import_records(alice, entries, batch=100)
    assert report.invalid == importing.MAX_PROBLEMS + 20
    assert len(report.problems) == importing.MAX_PROBLEMS


@pytest.mark.django_db(transaction=True)
def test_content_is_stored_sanitised_and_not_fetched(alice: AbstractBaseUser) -> None:
    html = (
        "<h1>Title</h1><p onclick='steal()'>The ferry returns on Monday.</p>"
        "<script>alert(1)</script><p>Second <b>paragraph</b> here.</p>"
        "<img src='x' onerror='steal()'><a href='javascript:steal()'>link</a>"
    )
    records = [
        Record(line=2, url="https://news.example/full", html=html),
        Record(line=3, url="https://news.example/text", text="One line.\n\nAnother line here."),
    ]
    import_records(alice, records)
    full = access.items_of(alice).get(url="https://news.example/full")
    assert full.status == Item.Status.READY
    for bad in ("<script", "alert(1)", "onclick", "onerror", "javascript:"):
        assert bad not in full.html
    assert "The ferry returns on Monday." in full.html
    assert full.text.split("\n\n")[:3] == [
        "Title",
        "The ferry returns on Monday.",
        "Second paragraph here.",
    ]
    assert full.word_count == len(full.text.split()) and full.reading_minutes == 1
    text = access.items_of(alice).get(url="https://news.example/text")
    assert text.status == Item.Status.READY
    assert text.text == "One line.\n\nAnother line here."
    assert text.html == "<p>One line.</p><p>Another line here.</p>"
    assert DBTaskResult.objects.count() == 0  # nothing to fetch
    assert enqueue.sweep_imported() == 0


@pytest.mark.django_db(transaction=True)
def test_pending_rows_are_handed_out_at_the_bounded_rate(
    alice: AbstractBaseUser, settings: Any
) -> None:
    _unlimited(alice)
    settings.BROADSHEET_IMPORT_FETCH_RATE = 10
    hosts = ["a.example", "b.example", "c.example", "d.example"]
    records = [
        Record(line=i + 2, url=f"https://{hosts[i % 4]}/{i}", saved_at=T0 - timedelta(days=i))
        for i in range(60)
    ]
    report = import_records(alice, records, batch=25)
    assert report.imported == 60
    assert DBTaskResult.objects.count() == 0  # the import itself enqueues nothing
    assert enqueue.sweep_stalled() == 0  # and the stalled-fetch sweep leaves them alone

    assert enqueue.sweep_imported() == 10
    handed = list(access.items_of(alice).exclude(task_token="").order_by("pk"))
    assert len(handed) == 10
    per_host = Counter(i.host for i in handed)
    assert max(per_host.values()) <= enqueue.IMPORT_FETCHES_PER_HOST
    assert set(per_host) == set(hosts)
    tasks = list(DBTaskResult.objects.order_by("run_after"))
    assert len(tasks) == 10
    # The first at once, the others spread over the minute, one every 6 seconds.
    starts = sorted(t.run_after for t in tasks if t.run_after is not None)
    gaps = {round((b - a).total_seconds()) for a, b in itertools.pairwise(starts)}
    assert gaps == {6}

    # The next minute's only once these have started.
    assert enqueue.sweep_imported() == 0
    Item.objects.filter(pk__in=[i.pk for i in handed]).update(attempts=1)
    assert enqueue.sweep_imported() == 10
    assert DBTaskResult.objects.count() == 20

    settings.BROADSHEET_IMPORT_FETCH_RATE = 0
    Item.objects.exclude(task_token="").update(attempts=1)
    assert enqueue.sweep_imported() == 0


def test_a_failure_mid_batch_leaves_no_half_batch(
    alice: AbstractBaseUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    _unlimited(alice)
    real = importing._children
    calls = {"n": 0}

    def flaky(*args: Any) -> None:
        calls["n"] += 1
        real(*args)
        if calls["n"] == 2:
            raise RuntimeError("the disk is full")

    monkeypatch.setattr(importing, "_children", flaky)
    records = [
        Record(line=i + 2, url=f"https://news.example/{i}", tags=(f"t{i}",), notes=("n",))
        for i in range(7)
    ]
    with pytest.raises(RuntimeError):
        import_records(alice, records, batch=3)
    urls = sorted(access.items_of(alice).values_list("url", flat=True))
    assert urls == [f"https://news.example/{i}" for i in range(3)]
    assert sorted(access.tags_of(alice).values_list("name", flat=True)) == ["t0", "t1", "t2"]
    assert Note.objects.filter(user=alice).count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_search_index_hears_of_each_batch(
    alice: AbstractBaseUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    refreshed: list[list[int]] = []
    monkeypatch.setattr(search_index, "refresh", lambda ids: refreshed.append(list(ids)))
    records = [Record(line=i + 2, url=f"https://news.example/{i}") for i in range(5)]
    import_records(alice, records, batch=2)
    ids = sorted(access.items_of(alice).values_list("pk", flat=True))
    assert [len(r) for r in refreshed] == [2, 2, 1]
    assert sorted(i for r in refreshed for i in r) == ids


POCKET = (
    b"title,url,time_added,tags,status\n"
    b"A story,https://news.example/a,1614834367,climate|rivers,unread\n"
    b"Read one,https://news.example/b,1614834368,,archive\n"
    b"Broken,not an address,1614834369,,unread\n"
)


def test_import_file_detects_the_format(alice: AbstractBaseUser) -> None:
    progress: list[int] = []
    report = import_file(
        alice, io.BytesIO(POCKET), "ril_export.csv", on_progress=lambda r: progress.append(r.rows)
    )
    assert (report.rows, report.imported, report.invalid) == (3, 2, 1)
    assert report.problems[0].line == 4
    assert progress == [3]
    assert access.items_of(alice).get(url="https://news.example/b").archived
    assert report.read_bytes == len(POCKET)


def test_an_unknown_format_is_a_typed_error(alice: AbstractBaseUser) -> None:
    with pytest.raises(ImportFormatUnknown) as caught:
        import_file(alice, io.BytesIO(b"\x00\x01 nothing we know"), "mystery.bin")
    assert caught.value.code == "unknown_format"
    assert "pocket" in caught.value.message
    with pytest.raises(ImportFormatUnknown) as named:
        import_file(alice, io.BytesIO(POCKET), "x.csv", format="delicious")
    assert "“delicious” is not a format" in named.value.message


def test_an_unreadable_file_is_a_typed_error(alice: AbstractBaseUser) -> None:
    with pytest.raises(UnreadableImport) as caught:
        import_file(alice, io.BytesIO(b"name,link\nx,y\n"), "x.csv", format="pocket")
    assert caught.value.code == "unreadable_file"
    assert "url" in caught.value.message


# --- the background job ---------------------------------------------------------------------------


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    return tmp_path / "files"


@pytest.mark.django_db(transaction=True)
def test_start_import_queues_a_job_the_worker_runs(
    alice: AbstractBaseUser, media: Any, run_tasks: Any
) -> None:
    job = services.start_import(alice, SimpleUploadedFile("ril_export.csv", POCKET))
    assert (job.status, job.format, job.size, job.filename) == (
        ImportJob.Status.QUEUED,
        "pocket",
        len(POCKET),
        "ril_export.csv",
    )
    assert (media / job.upload).is_file()
    run_tasks()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    assert (job.rows, job.imported, job.invalid, job.read_bytes) == (3, 2, 1, len(POCKET))
    assert job.problems == [{"line": 4, "reason": job.problems[0]["reason"]}]
    assert job.upload == "" and not any(media.rglob("*.upload"))
    assert job.started_at is not None and job.finished_at is not None
    # A second delivery of the task does nothing.
    assert importing.run_job(job.pk) == "skipped"
    assert access.items_of(alice).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_job_that_fails_says_why_and_drops_its_upload(
    alice: AbstractBaseUser, media: Any, run_tasks: Any
) -> None:
    job = services.start_import(alice, SimpleUploadedFile("ril.csv", POCKET))
    ImportJob.objects.filter(pk=job.pk).update(format="instapaper-that-is-not")
    run_tasks()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "is not a format Broadsheet imports" in job.error
    assert job.upload == "" and not any(media.rglob("*.upload"))


def _died_running(job: ImportJob, *, attempts: int = 1, minutes_ago: int = 11) -> None:
    """What a run leaves when its worker is stopped mid-file: the job running, its counters
    last written `minutes_ago`."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        run_token="the-dead-run",
        heartbeat_at=timezone.now() - timedelta(minutes=minutes_ago),
        attempts=attempts,
    )


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_died_is_started_again_and_finishes(
    alice: AbstractBaseUser, media: Any, run_tasks: Any
) -> None:
    job = services.start_import(alice, SimpleUploadedFile("ril_export.csv", POCKET))
    # The dead run had written its first story.
    import_records(alice, [Record(line=2, url="https://news.example/a", title="A story")])
    _died_running(job)
    assert enqueue.sweep_stuck_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED and job.run_token == ""
    run_tasks()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    assert (job.rows, job.imported, job.existing, job.invalid) == (3, 1, 1, 1)
    assert job.attempts == 2 and job.upload == ""
    assert access.items_of(alice).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_running_import_that_writes_is_left_alone(alice: AbstractBaseUser, media: Any) -> None:
    job = services.start_import(alice, SimpleUploadedFile("ril_export.csv", POCKET))
    _died_running(job, minutes_ago=1)
    assert enqueue.sweep_stuck_imports() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING and job.run_token == "the-dead-run"


@pytest.mark.django_db(transaction=True)
def test_an_import_stopped_three_times_fails_and_says_so(
    alice: AbstractBaseUser, media: Any
) -> None:
    job = services.start_import(alice, SimpleUploadedFile("ril_export.csv", POCKET))
    _died_running(job, attempts=importing.IMPORT_ATTEMPTS)
    assert enqueue.sweep_stuck_imports() == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error.startswith("The import stopped 3 times")
    assert job.upload == "" and not any(media.rglob("*.upload"))


@pytest.mark.django_db(transaction=True)
def test_a_run_taken_for_dead_stops_at_its_next_batch(
    alice: AbstractBaseUser, media: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run the sweeper gave up on (it was only slow) finds at its next batch that the job is
    another run's: it stops there, and neither ends the job nor deletes its upload."""
    job = services.start_import(alice, SimpleUploadedFile("ril_export.csv", POCKET))
    real = importing.import_file

    def slow_then_superseded(*args: Any, **kwargs: Any) -> importing.ImportReport:
        taken = ImportJob.objects.get(pk=job.pk)
        taken.heartbeat_at = timezone.now() - timedelta(minutes=11)
        ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=taken.heartbeat_at)
        assert importing.restart_or_give_up(taken)
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "import_file", slow_then_superseded)
    assert importing.run_job(job.pk) == "superseded"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED and job.finished_at is None
    assert (media / job.upload).is_file()
    monkeypatch.setattr(importing, "import_file", real)
    assert importing.run_job(job.pk) == "done"


def test_start_import_refuses_what_it_cannot_take(
    alice: AbstractBaseUser, media: Any, settings: Any
) -> None:
    settings.BROADSHEET_IMPORT_MAX_BYTES = 10
    with pytest.raises(ImportTooLarge) as big:
        services.start_import(alice, SimpleUploadedFile("ril.csv", POCKET))
    assert big.value.status == 413 and "at most 10 bytes" in big.value.message
    settings.BROADSHEET_IMPORT_MAX_BYTES = 1 << 30
    with pytest.raises(ImportFormatUnknown):
        services.start_import(alice, SimpleUploadedFile("x.bin", b"\x00\x01\x02"))
    with pytest.raises(UnreadableImport):
        services.start_import(alice, SimpleUploadedFile("x.csv", b""))
    assert not ImportJob.objects.exists()
    assert not media.exists() or not any(media.rglob("*.upload"))
