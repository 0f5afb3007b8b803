"""The import pages: upload a library export, watch its job (refreshing itself without script
while it runs), read the report; another reader's job is a 404."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from broadsheet.core import access
from broadsheet.core.importers import pocket as _pocket  # noqa: F401  (registers the format)
from broadsheet.core.models import ImportJob

pytestmark = pytest.mark.django_db

POCKET = (
    b"title,url,time_added,tags,status\n"
    b"A story,https://news.example/a,1614834367,climate|rivers,unread\n"
    b"Read one,https://news.example/b,1614834368,,archive\n"
    b"Broken,not an address,1614834369,,unread\n"
)
REFRESH = '<meta http-equiv="refresh" content="2">'


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    return tmp_path / "files"


def _upload(client: Client, data: bytes = POCKET, name: str = "ril_export.csv", **form: str) -> Any:
    return client.post("/import/", {"file": SimpleUploadedFile(name, data), **form})


def _no_inline_code(html: str) -> None:
    assert "<script" not in html
    assert "style=" not in html and "<style" not in html


def test_the_settings_page_links_the_import_page(web: Client) -> None:
    assert 'href="/import/"' in web.get("/settings/").content.decode()


def test_the_import_page_offers_every_format(web: Client) -> None:
    page = web.get("/import/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<option value="" selected>Detect automatically</option>' in html
    assert '<option value="pocket">Pocket' in html
    assert 'enctype="multipart/form-data"' in html
    _no_inline_code(html)


@pytest.mark.django_db(transaction=True)
def test_upload_then_watch_the_job_then_read_the_report(
    alice: AbstractBaseUser, run_tasks: Any
) -> None:
    client = Client()
    client.force_login(alice)
    r = _upload(client)
    job = access.import_jobs_of(alice).get()
    assert r.status_code == 302 and r["Location"] == f"/import/{job.pk}/"
    assert job.status == ImportJob.Status.QUEUED and job.format == "pocket"

    waiting = client.get(r["Location"]).content.decode()
    assert REFRESH in waiting
    assert "Waiting for the worker" in waiting
    assert f'<progress id="job-progress" value="0" max="{len(POCKET)}">' in waiting
    _no_inline_code(waiting)

    # Half-way: the counters move, the page still refreshes itself.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, read_bytes=len(POCKET) // 2, rows=1, imported=1
    )
    running = client.get(r["Location"]).content.decode()
    assert REFRESH in running and "50% of the file read" in running
    assert re.search(r'id="job-imported">1<', running)

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, read_bytes=0)
    run_tasks()
    done = client.get(r["Location"]).content.decode()
    assert REFRESH not in done
    assert "Done." in done
    assert f'value="{len(POCKET)}" max="{len(POCKET)}"' in done
    assert re.search(r'id="job-rows">3<', done) and re.search(r'id="job-imported">2<', done)
    assert re.search(r'id="job-invalid">1<', done)
    assert "Line 4: " in done
    assert access.items_of(alice).count() == 2
    # The import page lists the job.
    assert f'href="/import/{job.pk}/"' in client.get("/import/").content.decode()


def test_the_chosen_format_is_used(web: Client, alice: AbstractBaseUser) -> None:
    r = _upload(web, name="export.txt", format="pocket")
    assert r.status_code == 302
    assert access.import_jobs_of(alice).get().format == "pocket"


def test_an_unknown_format_is_said_on_the_form(web: Client, alice: AbstractBaseUser) -> None:
    r = _upload(web, data=b"\x00\x01 not an export", name="x.bin")
    assert r.status_code == 422
    html = r.content.decode()
    assert "Broadsheet cannot tell which service this file comes from" in html
    assert not access.import_jobs_of(alice).exists()


def test_a_failed_job_says_why(web: Client, alice: AbstractBaseUser) -> None:
    job = ImportJob.objects.create(
        user=alice, format="pocket", status=ImportJob.Status.FAILED, error="Not a Pocket file."
    )
    html = web.get(f"/import/{job.pk}/").content.decode()
    assert "The import failed: Not a Pocket file." in html and REFRESH not in html


def test_the_over_limit_problem_is_listed(web: Client, alice: AbstractBaseUser) -> None:
    message = "You reached the limit of 20 saved items: 1,234 stories were not imported."
    job = ImportJob.objects.create(
        user=alice,
        format="pocket",
        status=ImportJob.Status.DONE,
        over_limit=1234,
        problems=[{"line": 0, "reason": message}],
    )
    html = web.get(f"/import/{job.pk}/").content.decode()
    assert f"<li>{message}</li>" in html


def test_another_readers_job_is_not_found(
    alice: AbstractBaseUser, bob: AbstractBaseUser, web: Client
) -> None:
    theirs = ImportJob.objects.create(user=bob, format="pocket", filename="bobs.csv")
    r = web.get(f"/import/{theirs.pk}/")
    assert r.status_code == 404
    assert "bobs.csv" not in r.content.decode()
    assert web.get("/import/999999/").status_code == 404


def test_a_too_big_upload_gets_a_clear_error(
    web: Client, alice: AbstractBaseUser, settings: Any, media: Path
) -> None:
    settings.BROADSHEET_IMPORT_MAX_BYTES = 100
    r = _upload(web)
    assert r.status_code == 413
    assert "An import file is at most 100 bytes; this one is larger." in r.content.decode()
    # Far over the limit: refused from the request's length, before the file is read.
    r = _upload(web, data=b"x" * 200_000)
    assert r.status_code == 413
    assert "An import file is at most 100 bytes" in r.content.decode()
    assert not access.import_jobs_of(alice).exists()
    assert not media.exists() or not any(media.rglob("*"))


def test_no_file_chosen(web: Client) -> None:
    r = web.post("/import/", {"format": ""})
    assert r.status_code == 400 and "Choose the file to import." in r.content.decode()


def test_anonymous_goes_to_the_login_page() -> None:
    r = Client().get("/import/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
