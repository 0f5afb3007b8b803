"""Installable and offline, through Django's test client: the web app manifest and its icons, the
service worker's file and headers, the list of what to keep offline, the offline page, the
logout that clears the site's data, the list's one script, and the worker's quiet copies."""

from __future__ import annotations

import json
import struct
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import resolve

from broadsheet.core import services
from broadsheet.core.models import Item, ItemImage, StoredImage
from broadsheet.web import offline
from tests.web.test_pages import text_of

pytestmark = pytest.mark.django_db

COPY = {"X-Broadsheet-Copy": "offline"}


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _ready(user: AbstractBaseUser, url: str, *, archived: bool = False) -> Item:
    item = services.save_item(user, url)
    Item.objects.filter(pk=item.pk).update(
        status=Item.Status.READY, html="<p>Body</p>", text="Body", archived=archived
    )
    item.refresh_from_db()
    return item


def _image(item: Item, digest: str, position: int = 0) -> None:
    stored, _ = StoredImage.objects.get_or_create(
        digest=digest, defaults={"content_type": "image/png", "name": f"images/{digest}"}
    )
    ItemImage.objects.create(
        item=item, source_url=f"https://img.example/{digest}.png", image=stored, position=position
    )


def test_the_web_app_manifest() -> None:
    r = Client().get("/manifest.webmanifest")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/manifest+json"
    data = json.loads(r.content)
    assert data["name"] == "Broadsheet" and data["short_name"]
    assert data["start_url"] == "/" and data["scope"] == "/"
    assert data["display"] == "standalone"
    # The colours of app.css.
    css = Path(finders.find("broadsheet/app.css")).read_text(encoding="utf-8")  # type: ignore[arg-type]
    assert f"--accent: {data['theme_color']}" in css
    assert f"--bg: {data['background_color']}" in css
    # Icons: PNGs of the sizes they claim, one maskable, all of them files we serve.
    sizes = set()
    for icon in data["icons"]:
        assert icon["src"].startswith("/static/broadsheet/")
        found = finders.find(icon["src"].removeprefix("/static/"))
        assert found, icon["src"]
        if icon["type"] == "image/png":
            width, height = _png_size(Path(found))  # type: ignore[arg-type]
            assert f"{width}x{height}" == icon["sizes"], icon["src"]
            sizes.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    # Share → Broadsheet goes to the share view, by GET, with the three fields.
    target = data["share_target"]
    assert target["method"] == "GET"
    assert resolve(target["action"]).url_name == "share"
    assert target["params"] == {"title": "title", "text": "text", "url": "url"}


def test_every_page_links_the_manifest_and_the_touch_icon(web: Client) -> None:
    for client in (web, Client()):
        body = client.get("/accounts/login/").content.decode()
        assert '<link rel="manifest" href="/manifest.webmanifest">' in body
        assert '<meta name="theme-color" content="#9c2b1e">' in body
        assert finders.find("broadsheet/icon-180.png")
        assert '<link rel="apple-touch-icon" href="/static/broadsheet/icon-180.png">' in body
    assert "manifest-src 'self'" in web.get("/")["Content-Security-Policy"]


def test_the_service_worker_file() -> None:
    r = Client().get("/sw.js")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/javascript")
    assert r["Service-Worker-Allowed"] == "/"
    assert r["Cache-Control"] == "no-cache"
    # The worker may fetch from this origin and do nothing else.
    assert r["Content-Security-Policy"] == "default-src 'none'; connect-src 'self'"
    source = r.content.decode()
    assert "importScripts" not in source and "eval(" not in source
    assert "new Function" not in source
    assert source == offline.SW_FILE.read_text(encoding="utf-8")


def test_the_list_runs_one_script_of_ours_and_other_pages_none(
    web: Client, alice: AbstractBaseUser
) -> None:
    item = _ready(alice, "https://news.example/a")
    listing = web.get("/")
    assert "script-src 'self'" in listing["Content-Security-Policy"]
    assert "unsafe" not in listing["Content-Security-Policy"]
    body = listing.content.decode()
    assert body.count("<script") == 1
    assert '<script src="/static/broadsheet/offline.js" defer></script>' in body
    for path in ("/archive/", "/settings/", "/notes/", "/offline/", "/share/?url=x"):
        r = web.get(path)
        assert "script-src 'none'" in r["Content-Security-Policy"], path
        assert "<script" not in r.content.decode(), path
    # The reader view keeps its own one script, and no other.
    reader = web.get(f"/items/{item.pk}/").content.decode()
    assert "offline.js" not in reader and "reader.js" in reader


def test_the_offline_manifest_lists_the_unread_stories_and_their_images(
    web: Client, alice: AbstractBaseUser, bob: AbstractBaseUser
) -> None:
    first = _ready(alice, "https://news.example/first")
    second = _ready(alice, "https://news.example/second")
    done = _ready(alice, "https://news.example/done", archived=True)
    theirs = _ready(bob, "https://news.example/bobs")
    _image(first, "a" * 64, 0)
    _image(first, "b" * 64, 1)
    _image(done, "c" * 64)
    _image(theirs, "d" * 64)
    ItemImage.objects.create(item=second, source_url="https://img.example/refused.png")

    r = web.get("/offline/manifest.json")
    assert r.status_code == 200
    assert r["Cache-Control"] == "private, no-store"
    data = r.json()
    assert data["pages"] == ["/"]
    stories = {s["url"]: s["images"] for s in data["stories"]}
    assert stories == {
        f"/items/{second.pk}/": [],
        f"/items/{first.pk}/": [f"/images/{first.pk}/{'a' * 64}", f"/images/{first.pk}/{'b' * 64}"],
    }
    assert "/static/broadsheet/app.css" in data["assets"]
    assert "/static/broadsheet/offline.js" in data["assets"]
    assert data["offline_page"] == "/offline/"
    # Every address it lists is one the reader may open.
    for url in [*data["pages"], *stories, *data["assets"], data["offline_page"]]:
        assert web.get(url).status_code == 200, url

    other = Client()
    other.force_login(bob)
    theirs_data = other.get("/offline/manifest.json").json()
    assert [s["url"] for s in theirs_data["stories"]] == [f"/items/{theirs.pk}/"]
    assert theirs_data["reader"] != data["reader"]
    assert str(alice.pk) != data["reader"]


def test_the_offline_manifest_pages_the_list(web: Client, alice: AbstractBaseUser) -> None:
    from broadsheet.core import queries

    services.set_quota(alice, None)
    for n in range(queries.PAGE_SIZE + 1):
        services.save_item(alice, f"https://news.example/{n}")
    data = web.get("/offline/manifest.json").json()
    assert data["pages"] == ["/", "/?page=2"]
    assert len(data["stories"]) == queries.PAGE_SIZE + 1
    assert "Page 2 of 2" in text_of(web.get("/?page=2"))


def test_the_offline_manifest_needs_a_login() -> None:
    r = Client().get("/offline/manifest.json")
    assert r.status_code == 401
    assert r.json() == {"error": {"code": "unauthorized"}}


def test_the_offline_page_names_nobody(web: Client) -> None:
    r = web.get("/offline/")
    assert r.status_code == 200
    assert "You are offline" in text_of(r)
    assert "alice" not in text_of(r)
    assert Client().get("/offline/").content == r.content


def test_logging_out_clears_the_site_data(web: Client) -> None:
    r = web.post("/accounts/logout/")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/"
    assert r["Clear-Site-Data"] == '"cache", "storage"'
    assert web.get("/").status_code == 302  # logged out indeed


def test_the_workers_copy_leaves_the_messages_for_the_reader(
    web: Client, alice: AbstractBaseUser
) -> None:
    """The worker fetches the list in the background, maybe between a save and the page that
    tells the reader about it: its copy shows no message and leaves it for that page."""
    saved = web.post("/save/", {"url": "https://news.example/new", "next": "/"})
    assert saved.status_code == 303
    copy = web.get("/", headers=COPY)
    assert "This item has been saved" not in text_of(copy)
    item = Item.objects.get(user=alice)
    assert web.get(f"/items/{item.pk}/", headers=COPY).status_code == 200
    seen = web.get("/")
    assert "This item has been saved to read later from any device." in text_of(seen)
    assert "This item has been saved" not in text_of(web.get("/"))


def test_a_progress_report_kept_offline_does_not_move_the_reader_back(
    web: Client, alice: AbstractBaseUser
) -> None:
    item = _ready(alice, "https://news.example/long")
    earlier = int(time.time() * 1000) - 60_000
    assert web.post(f"/items/{item.pk}/progress/", {"progress": "0.8"}).status_code == 204
    # Sent later by the worker, reported a minute ago: older than what the server has.
    late = web.post(f"/items/{item.pk}/progress/?at={earlier}", {"progress": "0.2"})
    assert late.status_code == 204
    item.refresh_from_db()
    assert item.progress == pytest.approx(0.8)
    # A report from the future counts as now; a malformed one as now too.
    future = int(time.time() * 1000) + 86_400_000
    assert (
        web.post(f"/items/{item.pk}/progress/?at={future}", {"progress": "0.9"}).status_code == 204
    )
    assert web.post(f"/items/{item.pk}/progress/?at=soon", {"progress": "0.95"}).status_code == 204
    item.refresh_from_db()
    assert item.progress == pytest.approx(0.95)


@pytest.mark.parametrize(
    "path", ["/manifest.webmanifest", "/share/", "/sw.js", "/offline/manifest.json", "/offline/"]
)
def test_the_routes_are_documented(path: str) -> None:
    """Every route of the installed app has a heading of its own in docs/android.md, and is a
    route indeed."""
    docs = Path(__file__).resolve().parents[2] / "docs"
    assert f"### `GET {path}`" in (docs / "android.md").read_text(encoding="utf-8")
    assert resolve(path).namespace == "web"
    for page in ("android.md", "iphone.md"):
        assert f"]({page})" in (docs / "index.md").read_text(encoding="utf-8")
        text = (docs / page).read_text(encoding="utf-8")
        assert "## With the wallabag app" in text
