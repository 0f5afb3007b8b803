"""The export doors: the settings page's links, the reader view's EPUB link, the web files
(streamed), and GET /api/v1/export with every format and `ids`; nobody reads another reader's
stories through them."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.http import StreamingHttpResponse
from django.test import Client

from tests.accounts.conftest import item_with
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

FILES = {
    "/export/items.json": ("application/json; charset=utf-8", "broadsheet-items.json"),
    "/export/items.csv": ("text/csv; charset=utf-8", "broadsheet-items.csv"),
    "/export/bookmarks.html": ("text/html; charset=utf-8", "broadsheet-items.html"),
    "/export/items.zip": ("application/zip", "broadsheet-items.zip"),
    "/export/items.epub": ("application/epub+zip", "broadsheet-items.epub"),
}


@pytest.fixture
def stories(alice: AbstractBaseUser, bob: AbstractBaseUser) -> dict[str, Any]:
    return {
        "mine": item_with(alice, 1, title="Mine", html="<p>Mine.</p>", text="Mine."),
        "theirs": item_with(bob, 2, title="Bob's secret", html="<p>Secret.</p>"),
    }


def test_the_settings_page_links_every_format(web: Client) -> None:
    page = web.get("/settings/").content.decode()
    for path in FILES:
        assert f'href="{path}"' in page, path


def test_the_reader_view_links_its_epub(web: Client, stories: dict[str, Any]) -> None:
    mine = stories["mine"]
    page = web.get(f"/items/{mine.pk}/").content.decode()
    assert f'href="/items/{mine.pk}/epub/"' in page


@pytest.mark.parametrize("path", FILES)
def test_web_files_are_streamed_and_hold_only_mine(
    web: Client, stories: dict[str, Any], path: str
) -> None:
    r = web.get(path)
    assert r.status_code == 200 and isinstance(r, StreamingHttpResponse)
    ctype, name = FILES[path]
    assert r["Content-Type"] == ctype
    assert r["Content-Disposition"] == f'attachment; filename="{name}"'
    assert r["Cache-Control"] == "private, no-store"
    raw = r.getvalue()
    if path.endswith((".zip", ".epub")):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"".join(archive.read(n) for n in archive.namelist())
    assert b"Mine" in raw and b"Bob's secret" not in raw and b"Secret." not in raw


def test_one_story_as_epub(web: Client, stories: dict[str, Any]) -> None:
    mine, theirs = stories["mine"], stories["theirs"]
    r = web.get(f"/items/{mine.pk}/epub/")
    assert r.status_code == 200 and r["Content-Type"] == "application/epub+zip"
    assert r["Content-Disposition"] == f'attachment; filename="broadsheet-story-{mine.pk}.epub"'
    with zipfile.ZipFile(io.BytesIO(r.getvalue())) as book:
        assert book.read("mimetype") == b"application/epub+zip"
        assert b"Mine." in book.read("EPUB/story-1.xhtml")
    assert web.get(f"/items/{theirs.pk}/epub/").status_code == 404
    assert web.get("/items/999999/epub/").status_code == 404


def test_the_web_files_need_login() -> None:
    for path in [*FILES, "/items/1/epub/"]:
        r = Client().get(path)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/"), path


# --- the API --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "ctype"),
    [
        ("html", "text/html; charset=utf-8"),
        ("markdown", "application/zip"),
        ("epub", "application/epub+zip"),
    ],
)
def test_api_export_formats(
    api: ApiClient, web: Client, stories: dict[str, Any], fmt: str, ctype: str
) -> None:
    r = api.get("/api/v1/export", format=fmt)
    assert r.status_code == 200 and r["Content-Type"] == ctype
    assert isinstance(r, StreamingHttpResponse)
    if fmt == "html":
        assert r.getvalue() == web.get("/export/bookmarks.html").getvalue()


def test_api_export_of_selected_ids(api: ApiClient, alice: AbstractBaseUser) -> None:
    a = item_with(alice, 1, title="A")
    b = item_with(alice, 2, title="B")
    item_with(alice, 3, title="C")
    r = api.get("/api/v1/export", format="json", ids=f"{b.pk},{a.pk},{b.pk}")
    assert [i["title"] for i in json.loads(r.getvalue())["items"]] == ["B", "A"]
    r = api.get("/api/v1/export", format="epub", ids=str(a.pk))
    with zipfile.ZipFile(io.BytesIO(r.getvalue())) as book:
        assert [n for n in book.namelist() if n.startswith("EPUB/story-")] == ["EPUB/story-1.xhtml"]


def test_api_export_refuses_other_readers_and_bad_ids(
    api: ApiClient, stories: dict[str, Any]
) -> None:
    theirs = stories["theirs"]
    r = api.get("/api/v1/export", format="epub", ids=f"{stories['mine'].pk},{theirs.pk}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    for bad in ("", "1,,2", "a", "1;2", ",".join(["1"] * 201)):
        r = api.get("/api/v1/export", ids=bad)
        assert r.status_code == 422, bad
        assert r.json()["error"]["code"] == "invalid_input"


def test_the_schema_lists_the_export_answers() -> None:
    doc = Client().get("/api/v1/openapi.json").json()
    op = doc["paths"]["/api/v1/export"]["get"]
    assert {"200", "404", "422"} <= set(op["responses"])
    assert op["responses"]["404"]["content"]["application/json"]
    params = {p["name"]: p for p in op["parameters"]}
    assert params["format"]["schema"]["enum"] == ["csv", "json", "html", "markdown", "epub"]
    assert "ids" in params
    schemas = doc["components"]["schemas"]
    assert {"tags", "highlights", "html", "text", "favorite"} <= set(
        schemas["ExportRow"]["properties"]
    )
