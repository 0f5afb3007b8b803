"""Entries, tags, annotations and exports over Broadsheet's stories (contract §3.4 to §3.15), with
the types the strictest client wants."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from typing import Any

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client

from broadsheet.core import highlighting, oauth, services, tagging
from broadsheet.core.models import Item
from tests.wallabag.conftest import Wallabag

pytestmark = pytest.mark.django_db

STORY = (
    "<h2>Ferry returns</h2><p>The harbour ferry returns on Monday after winter repairs.</p>"
    "<p>Engineers replaced the <em>old</em> engine and the council voted new funding.</p>"
)


def _ready(
    reader: AbstractBaseUser, url: str, *, title: str = "A story", html: str = STORY
) -> Item:
    """A story as if fetched: ready, with its HTML and text."""
    item = services.save_item(reader, url)
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.READY,
        title=title,
        html=html,
        text="The harbour ferry returns on Monday after winter repairs.",
        host="example.org",
        reading_minutes=3,
        byline="Jo Reporter",
        language="en",
    )
    item.refresh_from_db()
    return item


def test_version_and_info_need_no_token_and_are_exact_json() -> None:
    for path in ("/api/version", "/api/version.json"):
        r = Client().get(path)
        assert r.status_code == 200
        assert r["Content-Type"] == "application/json"
        assert r.content == b'"2.6.14"'
    info = Client().get("/api/info").json()
    assert info == {"appname": "wallabag", "version": "2.6.14", "allowed_registration": False}


def test_an_entry_has_every_key_with_the_types_clients_need(
    wb: Wallabag, reader: AbstractBaseUser
) -> None:
    item = _ready(reader, "https://example.org/a%20b?x=1")
    tagging.set_tags(reader, item.pk, ["Harbour news"])
    r = wb.get(f"/api/entries/{item.pk}")
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    assert r.content.startswith(b"{")
    e = r.json()
    keys = (
        "id uid title url hashed_url origin_url given_url hashed_given_url is_archived "
        "archived_at is_starred starred_at content created_at updated_at published_at "
        "published_by annotations mimetype language reading_time domain_name preview_picture "
        "http_status headers user_name user_email user_id tags is_public _links"
    )
    assert set(keys.split()) <= set(e)
    assert e["id"] == item.pk
    assert e["is_archived"] == 0 and type(e["is_archived"]) is int
    assert e["is_starred"] == 0 and type(e["is_starred"]) is int
    assert e["is_public"] is False
    assert e["headers"] is None
    assert e["reading_time"] == 3
    assert e["published_by"] == ["Jo Reporter"]
    assert e["content"] == STORY
    assert e["tags"] == [
        {"id": e["tags"][0]["id"], "label": "Harbour news", "slug": "harbour-news"}
    ]
    assert e["hashed_url"] == hashlib.sha1(b"https://example.org/a b?x=1").hexdigest()
    assert e["user_name"] == "wally" and e["user_email"] == "wally@example.org"
    # wallabag's date format, which Python's fromisoformat (the CLI) and Moshi read.
    assert e["created_at"].endswith("+0000") and len(e["created_at"]) == 24


def test_paths_work_with_and_without_json(wb: Wallabag, reader: AbstractBaseUser) -> None:
    item = _ready(reader, "https://example.org/one")
    for path in (f"/api/entries/{item.pk}", f"/api/entries/{item.pk}.json"):
        assert wb.get(path).json()["id"] == item.pk
    # (A doubled slash, `//api/...`, is tried over real HTTP in test_clients_live: the test
    # client would read it as a host name.)


def test_the_list_pages_and_a_page_past_the_end_is_404(
    wb: Wallabag, reader: AbstractBaseUser
) -> None:
    ids = [_ready(reader, f"https://example.org/{n}").pk for n in range(5)]
    first = wb.get("/api/entries.json", {"perPage": 2, "page": 1}).json()
    assert (first["page"], first["limit"], first["pages"], first["total"]) == (1, 2, 3, 5)
    assert [e["id"] for e in first["_embedded"]["items"]] == ids[::-1][:2]
    assert first["_links"]["next"]["href"].startswith("http://testserver/api/entries.json?")
    assert "page=2" in first["_links"]["next"]["href"]
    assert "previous" not in first["_links"]
    last = wb.get("/api/entries", {"perPage": 2, "page": 3}).json()
    assert [e["id"] for e in last["_embedded"]["items"]] == [ids[0]]
    assert "next" not in last["_links"]
    past = wb.get("/api/entries", {"perPage": 2, "page": 4})
    assert past.status_code == 404 and past["Content-Type"] == "application/json"
    assert past.json()["error"] == "not_found"
    ascending = wb.get("/api/entries", {"order": "asc", "sort": "created"}).json()
    assert [e["id"] for e in ascending["_embedded"]["items"]] == ids


def test_an_empty_library_is_one_page_of_nothing(wb: Wallabag) -> None:
    body = wb.get("/api/entries").json()
    assert (body["page"], body["pages"], body["total"]) == (1, 1, 0)
    assert body["_embedded"]["items"] == []
    assert wb.get("/api/entries", {"page": 2}).status_code == 404


def test_the_cli_s_huge_per_page_is_accepted(wb: Wallabag, reader: AbstractBaseUser) -> None:
    _ready(reader, "https://example.org/one")
    body = wb.get("/api/entries", {"perPage": "9223372036854775807", "detail": "metadata"}).json()
    assert body["total"] == 1 and body["limit"] == 9223372036854775807
    assert body["_embedded"]["items"][0]["content"] is None


@pytest.mark.parametrize(
    "query", [{"order": "sideways"}, {"detail": "some"}, {"sort": "title"}, {"perPage": "0"}]
)
def test_bad_list_parameters_are_400(wb: Wallabag, query: dict[str, str]) -> None:
    r = wb.get("/api/entries", query)
    assert r.status_code == 400 and r.json()["code"] == 400


def test_filters_archive_starred_tags_and_since(wb: Wallabag, reader: AbstractBaseUser) -> None:
    a = _ready(reader, "https://example.org/a")
    b = _ready(reader, "https://example.org/b")
    c = _ready(reader, "https://example.org/c")
    services.set_archived(reader, a.pk, True)
    services.set_favorite(reader, b.pk, True)
    tagging.set_tags(reader, b.pk, ["foo", "bar"])
    tagging.set_tags(reader, c.pk, ["foo"])

    def ids(**query: Any) -> list[int]:
        return sorted(e["id"] for e in wb.get("/api/entries", query).json()["_embedded"]["items"])

    assert ids() == [a.pk, b.pk, c.pk]  # no default filter: archived ones too
    assert ids(archive=1) == [a.pk]
    assert ids(archive=0) == [b.pk, c.pk]
    assert ids(starred=1) == [b.pk]
    assert ids(tags="foo") == [b.pk, c.pk]
    assert ids(tags="foo,bar") == [b.pk]
    assert ids(tags="nothing") == []
    later = int(Item.objects.get(pk=c.pk).updated_at.timestamp()) + 1
    assert ids(since=later) == []


def test_saving_by_form_and_json_with_title_tags_and_flags(
    wb: Wallabag, reader: AbstractBaseUser
) -> None:
    r = wb.form(
        "POST",
        "/api/entries",
        {"url": "https://example.org/new", "title": "Mine", "tags": "x, y", "starred": "1"},
    )
    assert r.status_code == 200  # not 201: the CLI and the apps take only 200
    e = r.json()
    assert e["title"] == "Mine" and e["is_starred"] == 1 and e["is_archived"] == 0
    assert sorted(t["label"] for t in e["tags"]) == ["x", "y"]
    # The iOS app sends nulls for what it does not give.
    ios = wb.json("POST", "/api/entries", {"url": "https://example.org/ios", "title": None})
    assert ios.status_code == 200
    assert ios.json()["title"] == "https://example.org/ios"
    # KOReader sends a JSON body with tags as a string, to the .json path.
    ko = wb.json("POST", "/api/entries.json", {"url": "https://example.org/ko", "tags": ""})
    assert ko.status_code == 200 and ko.content.startswith(b"{")


def test_a_title_given_survives_extraction(
    wb: Wallabag, reader: AbstractBaseUser, site: Any, pipeline: Any, run_tasks: Any
) -> None:
    from tests.conftest import article_html

    url = site.add("/wb/titled", article_html(seed=3))
    e = wb.form("POST", "/api/entries", {"url": url, "title": "My own title"}).json()
    run_tasks()
    item = Item.objects.get(pk=e["id"])
    assert item.status == Item.Status.READY
    assert item.title == "My own title"


def test_saving_a_known_address_answers_the_existing_entry(
    wb: Wallabag, reader: AbstractBaseUser
) -> None:
    item = _ready(reader, "https://example.org/known")
    r = wb.form("POST", "/api/entries", {"url": "https://example.org/known?utm_source=x"})
    assert r.status_code == 200 and r.json()["id"] == item.pk
    assert Item.objects.filter(user=reader).count() == 1


def test_content_given_is_extracted_and_sanitised_without_a_fetch(
    wb: Wallabag, reader: AbstractBaseUser, run_tasks: Any
) -> None:
    page = (
        "<html><head><title>Given</title></head><body><article><h1>Given</h1>"
        + "<p>The council met on Tuesday evening to vote on the harbour budget. " * 8
        + "<script>alert(1)</script><img src=x onerror=alert(2)></p></article></body></html>"
    )
    e = wb.json("POST", "/api/entries", {"url": "http://127.0.0.1:9/never", "content": page})
    assert e.status_code == 200
    run_tasks()
    item = Item.objects.get(pk=e.json()["id"])
    assert item.status == Item.Status.READY
    assert "harbour budget" in item.text
    assert "<script" not in item.html and "onerror" not in item.html


def test_the_save_limit_holds_here_too(wb: Wallabag, reader: AbstractBaseUser) -> None:
    services.set_quota(reader, 1)
    assert wb.form("POST", "/api/entries", {"url": "https://example.org/1"}).status_code == 200
    r = wb.form("POST", "/api/entries", {"url": "https://example.org/2"})
    assert r.status_code == 400
    assert r.json()["error"] == "quota_exceeded"
    assert r.json()["error_description"] == "You reached the limit of 1 saved items."


def test_a_bad_address_is_400(wb: Wallabag) -> None:
    for url in ("", "javascript:alert(1)", "ftp://example.org/x"):
        r = wb.form("POST", "/api/entries", {"url": url})
        assert r.status_code == 400, url


def test_patch_sets_flags_title_and_replaces_tags(wb: Wallabag, reader: AbstractBaseUser) -> None:
    item = _ready(reader, "https://example.org/p")
    tagging.set_tags(reader, item.pk, ["old"])
    e = wb.form(
        "PATCH",
        f"/api/entries/{item.pk}",
        {"archive": "1", "starred": "1", "title": "Renamed", "tags": "a,b"},
    ).json()
    assert (e["is_archived"], e["is_starred"], e["title"]) == (1, 1, "Renamed")
    assert sorted(t["label"] for t in e["tags"]) == ["a", "b"]
    assert e["archived_at"] is not None and e["starred_at"] is not None
    # KOReader and the iOS app send JSON numbers.
    back = wb.json("PATCH", f"/api/entries/{item.pk}.json", {"archive": 0}).json()
    assert back["is_archived"] == 0 and back["is_starred"] == 1
    # An empty title is "not given".
    same = wb.form("PATCH", f"/api/entries/{item.pk}", {"title": ""}).json()
    assert same["title"] == "Renamed"


def test_delete_answers_the_entry_or_its_id_then_404(
    wb: Wallabag, reader: AbstractBaseUser
) -> None:
    a = _ready(reader, "https://example.org/a")
    b = _ready(reader, "https://example.org/b")
    gone = wb.form("DELETE", f"/api/entries/{a.pk}")
    assert gone.status_code == 200 and gone.json()["id"] == a.pk and "title" in gone.json()
    assert wb.form("DELETE", f"/api/entries/{a.pk}").status_code == 404
    just_id = wb.form("DELETE", f"/api/entries/{b.pk}.json?expect=id")
    assert just_id.json() == {"id": b.pk}
    c = _ready(reader, "https://example.org/c")
    assert wb.form("DELETE", f"/api/entries/{c.pk}?expect=nothing").status_code == 400
    # Deleted means in the trash, restorable from the web like any delete.
    assert Item.objects.get(pk=a.pk).deleted_at is not None


def test_another_readers_entry_is_not_found(
    wb: Wallabag, reader: AbstractBaseUser, make_user: Any
) -> None:
    other = make_user("other")
    theirs = _ready(other, "https://example.org/theirs")
    for method in ("GET", "PATCH", "DELETE"):
        r = wb.form(method, f"/api/entries/{theirs.pk}", {"archive": "1"})
        assert r.status_code == 404, method
    assert Item.objects.get(pk=theirs.pk).archived is False
    assert wb.get(f"/api/entries/{theirs.pk}/tags").status_code == 404


def test_exists_in_every_form(wb: Wallabag, reader: AbstractBaseUser) -> None:
    item = _ready(reader, "https://example.org/here")
    here, there = "https://example.org/here", "https://example.org/there"
    assert wb.get("/api/entries/exists", {"url": here}).json() == {"exists": True}
    assert wb.get("/api/entries/exists", {"url": there}).json() == {"exists": False}
    # With return_id an unknown address is null, never false (the CLI reads false as "saved").
    assert wb.get("/api/entries/exists", {"url": here, "return_id": 1}).json() == {
        "exists": item.pk
    }
    assert wb.get("/api/entries/exists", {"url": there, "return_id": 1}).json() == {"exists": None}
    # The same story under a tracking parameter is found too.
    assert wb.get("/api/entries/exists", {"url": here + "?utm_medium=x"}).json()["exists"] is True
    h = hashlib.sha1(here.encode()).hexdigest()
    h2 = hashlib.sha1(there.encode()).hexdigest()
    assert wb.get("/api/entries/exists.json", {"hashed_url": h}).json() == {"exists": True}
    batch = wb.get(f"/api/entries/exists.json?hashed_urls[]={h}&hashed_urls[]={h2}").json()
    assert batch == {h: True, h2: False}
    urls = wb.get("/api/entries/exists", {"urls[]": [here, there], "return_id": 1}).json()
    assert urls == {here: item.pk, there: None}
    assert wb.get("/api/entries/exists").status_code == 403


def test_tags_of_the_reader_and_of_an_entry(wb: Wallabag, reader: AbstractBaseUser) -> None:
    item = _ready(reader, "https://example.org/t")
    r = wb.form("POST", f"/api/entries/{item.pk}/tags", {"tags": "baz,qux"})
    assert r.status_code == 200
    assert sorted(t["label"] for t in r.json()["tags"]) == ["baz", "qux"]
    on = wb.get(f"/api/entries/{item.pk}/tags.json").json()
    assert [t["label"] for t in on] == ["baz", "qux"]
    every = wb.get("/api/tags").json()
    assert {t["label"]: t["nbEntries"] for t in every} == {"baz": 1, "qux": 1}
    baz = next(t for t in on if t["label"] == "baz")
    left = wb.form("DELETE", f"/api/entries/{item.pk}/tags/{baz['id']}").json()
    assert [t["label"] for t in left["tags"]] == ["qux"]


def test_deleting_tags_by_id_and_by_label(wb: Wallabag, reader: AbstractBaseUser) -> None:
    item = _ready(reader, "https://example.org/t")
    tagging.set_tags(reader, item.pk, ["foo", "bar", "baz"])
    tags = {t["label"]: t["id"] for t in wb.get("/api/tags").json()}
    gone = wb.form("DELETE", "/api/tags/label?tags=foo,nothing")
    assert [t["label"] for t in gone.json()] == ["foo"]
    assert wb.form("DELETE", "/api/tags/label?tags=nothing").status_code == 404
    one = wb.form("DELETE", f"/api/tags/{tags['bar']}.json")
    assert one.json()["label"] == "bar"
    assert wb.form("DELETE", f"/api/tags/{tags['bar']}").status_code == 404
    single = wb.form("DELETE", "/api/tag/label?tag=baz").json()
    assert single["label"] == "baz"
    assert wb.get("/api/tags").json() == []


def test_annotations_are_highlights(wb: Wallabag, reader: AbstractBaseUser) -> None:
    item = _ready(reader, "https://example.org/h")
    made = wb.json(
        "POST",
        f"/api/annotations/{item.pk}.json",
        {
            "text": "worth it",
            "quote": "replaced the old engine",
            "ranges": [{"start": "/p[2]", "startOffset": 10, "end": "/p[2]", "endOffset": 30}],
        },
    )
    assert made.status_code == 200
    a = made.json()
    assert a["quote"] == "replaced the old engine" and a["text"] == "worth it"
    assert a["annotator_schema_version"] == "v1.0"
    (span,) = a["ranges"]
    assert span["start"] == "/p[2]" and span["startOffset"] == len("Engineers ")
    listed = wb.get(f"/api/annotations/{item.pk}").json()
    assert listed["total"] == 1 and listed["rows"][0]["id"] == a["id"]
    entry = wb.get(f"/api/entries/{item.pk}").json()
    assert [x["id"] for x in entry["annotations"]] == [a["id"]]
    changed = wb.json("PUT", f"/api/annotations/{a['id']}", {"text": "changed"}).json()
    assert changed["text"] == "changed"
    assert wb.form("DELETE", f"/api/annotations/{a['id']}.json").json()["id"] == a["id"]
    assert wb.get(f"/api/annotations/{item.pk}").json()["total"] == 0
    assert highlighting.highlights_on(reader, item) == []


def test_exports_of_one_entry(wb: Wallabag, reader: AbstractBaseUser) -> None:
    item = _ready(reader, "https://example.org/x", title="Ferry: back")
    j = wb.get(f"/api/entries/{item.pk}/export.json")
    assert j.status_code == 200 and j["Content-Type"] == "application/json"
    assert j["Content-Disposition"] == 'attachment; filename="Ferry back.json"'
    assert json.loads(b"".join(j.streaming_content))
    epub = wb.get(f"/api/entries/{item.pk}/export.epub")
    assert epub["Content-Type"] == "application/epub+zip"
    book = zipfile.ZipFile(io.BytesIO(b"".join(epub.streaming_content)))
    assert "mimetype" in book.namelist()
    assert any(b"harbour ferry returns" in book.read(n) for n in book.namelist())
    txt = wb.get(f"/api/entries/{item.pk}/export.txt")
    assert b"winter repairs" in b"".join(txt.streaming_content)
    xml = b"".join(wb.get(f"/api/entries/{item.pk}/export.xml").streaming_content)
    assert xml.startswith(b"<?xml") and b"<title>Ferry: back</title>" in xml
    assert wb.get(f"/api/entries/{item.pk}/export.mobi").status_code == 404


def test_config_and_a_wrong_method(wb: Wallabag) -> None:
    config = wb.get("/api/config.json").json()
    assert isinstance(config["feed_limit"], int) and isinstance(config["reading_speed"], float)
    r = wb.form("PUT", "/api/entries")
    assert r.status_code == 405 and r["Content-Type"] == "application/json"


def test_an_app_password_works_in_the_password_grant(reader: AbstractBaseUser) -> None:
    from broadsheet.core import app_passwords

    made = oauth.create_client(reader, "e-reader")
    secret = app_passwords.create_app_password(reader, "kobo").secret
    r = Client().post(
        "/oauth/v2/token",
        json.dumps(
            {
                "grant_type": "password",
                "client_id": oauth.public_id(made),
                "client_secret": made.secret,
                "username": "wally",
                "password": secret,
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 200
    token = r.json()["access_token"]
    assert (
        Client().get("/api/entries", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )


def test_images_come_from_broadsheet_signed_for_apps_without_a_session(
    wb: Wallabag, reader: AbstractBaseUser, settings: Any, tmp_path: Any
) -> None:
    import PIL.Image

    from broadsheet.core import images
    from broadsheet.core.models import ItemImage

    settings.MEDIA_ROOT = str(tmp_path)
    out = io.BytesIO()
    PIL.Image.new("RGB", (8, 6), (10, 120, 200)).save(out, format="PNG")
    stored = images.store(images.check(out.getvalue(), max_pixels=1000))
    item = _ready(
        reader,
        "https://example.org/pictured",
        html=f'<p>Text.</p><img src="/images/0/{stored.digest}"><img src="https://tracker.example/x.png">',
    )
    ours = images.image_url(item.pk, stored.digest)
    Item.objects.filter(pk=item.pk).update(
        html=f'<p>Text.</p><img src="{ours}"><img src="https://tracker.example/x.png">'
    )
    ItemImage.objects.create(item=item, source_url="https://example.org/a.png", image=stored)
    e = wb.get(f"/api/entries/{item.pk}").json()
    assert "tracker.example" not in e["content"]  # the story's site never sees the app
    src = re.search(r'src="([^"]+)"', e["content"])
    assert src and src.group(1).startswith(f"http://testserver{ours}?s=")
    assert e["preview_picture"] == src.group(1)
    anonymous = Client().get(src.group(1).removeprefix("http://testserver"))
    assert anonymous.status_code == 200 and anonymous["Content-Type"] == "image/png"
    forged = Client().get(f"{ours}?s=forged")
    assert forged.status_code == 404
    # The app's access token opens the image too (an app that sends it).
    assert wb.get(ours).status_code == 200
    # A story moved to the trash takes its signed images with it.
    services.delete_item(reader, item.pk)
    assert Client().get(src.group(1).removeprefix("http://testserver")).status_code == 404


def test_exists_by_hash_finds_where_the_fetch_ended_and_the_oldest(
    wb: Wallabag, reader: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    """The hashes are kept on the stories (an index probe, not a pass over the library): the
    address as saved and where the fetch ended; the oldest story when two share one; never
    another reader's; an upper-case or malformed hash asked for is answered too."""
    first = _ready(reader, "https://example.org/short")
    Item.objects.filter(pk=first.pk).update(final_url="https://example.org/long%20story")
    first.refresh_from_db()
    first.save()  # as the worker saves a fetched story
    later = _ready(reader, "https://example.org/other")
    later.final_url = "https://example.org/long%20story"  # redirected to the same page
    later.save(update_fields=["final_url"])
    _ready(bob, "https://example.org/bobs")
    saved = hashlib.sha1(b"https://example.org/short").hexdigest()
    ended = hashlib.sha1(b"https://example.org/long story").hexdigest()
    bobs = hashlib.sha1(b"https://example.org/bobs").hexdigest()
    asked = [saved, ended.upper(), bobs, "not-a-hash"]
    query = "&".join(f"hashed_urls[]={h}" for h in asked) + "&return_id=1"
    answer = wb.get(f"/api/entries/exists.json?{query}").json()
    assert answer == {saved: first.pk, ended.upper(): first.pk, bobs: None, "not-a-hash": None}
    assert later.pk > first.pk
    other = hashlib.sha1(b"https://example.org/other").hexdigest()
    assert wb.get("/api/entries/exists", {"hashed_url": other}).json() == {"exists": True}


@pytest.mark.django_db
def test_the_migration_fills_the_hashes_of_older_stories(reader: AbstractBaseUser) -> None:
    from importlib import import_module

    from django.apps import apps

    item = _ready(reader, "https://example.org/old%2Dstory")
    Item.objects.filter(pk=item.pk).update(url_hash=None, final_url_hash=None)
    import_module("broadsheet.core.migrations.0017_wallabag_hashes").fill(apps, None)
    item.refresh_from_db()
    assert item.url_hash == hashlib.sha1(b"https://example.org/old-story").hexdigest()
    assert item.final_url_hash is None
