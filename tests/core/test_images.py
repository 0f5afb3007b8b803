"""Story images from our own origin (core.images): real image bytes on a loopback server, saved
through core.services and stored by the real tasks; hostile files refused, placeholders left."""

from __future__ import annotations

import io
import json
import re
import socket
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.storage import default_storage

from broadsheet import cli
from broadsheet.core import access, export, export_epub, images, newsletter, services
from broadsheet.core.importing import import_file
from broadsheet.core.models import Item, ItemImage, StoredImage
from broadsheet.extract import sanitize_html
from tests.conftest import Site, story_text
from tests.support.images import (
    HTML_AS_PNG,
    SVG,
    bomb_png,
    noise_png,
    picture,
    story_page,
)

PNG = picture("PNG", (64, 48))
JPEG = picture("JPEG", (80, 60), (20, 90, 200))
LEAD = picture("JPEG", (120, 90), (10, 160, 60))
OVERSIZE = noise_png((200, 200))  # about 120 kB, over the 50 kB cap set below


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """The default storage in a fresh directory, and small caps to test against."""
    settings.MEDIA_ROOT = str(tmp_path / "files")
    settings.BROADSHEET_IMAGE_MAX_BYTES = 50_000
    settings.BROADSHEET_IMAGE_MAX_PIXELS = 1_000_000
    return tmp_path / "files"


@pytest.fixture
def story(site: Site) -> Callable[[str], tuple[str, dict[str, str]]]:
    """A story page on the loopback site with every kind of image; returns its address and
    the address of each image by kind."""

    def make(name: str) -> tuple[str, dict[str, str]]:
        files = {
            "png": (f"/{name}/photo.png", "image/png", PNG),
            "jpeg": (f"/{name}/photo.jpg", "image/jpeg", JPEG),
            "svg": (f"/{name}/drawing.svg", "image/svg+xml", SVG),
            "fake": (f"/{name}/fake.png", "image/png", HTML_AS_PNG),
            "bomb": (f"/{name}/bomb.png", "image/png", bomb_png()),
            "big": (f"/{name}/big.png", "image/png", OVERSIZE),
            "gone": (f"/{name}/gone.png", "image/png", b""),
            "lead": (f"/{name}/lead.jpg", "image/jpeg", LEAD),
        }
        urls = {}
        for kind, (path, ctype, body) in files.items():
            if kind == "gone":
                urls[kind] = site.base_url + path  # not served: 404
            else:
                urls[kind] = site.add(path, body, content_type=ctype)
        figures = [(urls[k], f"Caption of the {k} picture.") for k in files if k != "lead"]
        page = story_page(
            f"The {name} story", story_text(len(name), 400), figures, lead=urls["lead"]
        )
        return site.add(f"/{name}/story", page), urls

    return make


def _srcs(html: str) -> list[str]:
    return re.findall(r'<img[^>]* src="([^"]*)"', html)


@pytest.mark.django_db(transaction=True)
def test_a_saved_story_ends_with_every_image_from_our_origin(
    alice: AbstractBaseUser,
    media: Path,
    allow_loopback: None,
    story: Callable[[str], tuple[str, dict[str, str]]],
    site: Site,
    run_tasks: Callable[[], int],
) -> None:
    url, urls = story("e2e")
    item = services.save_item(alice, url)
    run_tasks()
    item = Item.objects.get(pk=item.pk)
    assert item.status == "ready", item.error

    rows = {row.source_url: row for row in ItemImage.objects.filter(item=item)}
    stored = {u for u, r in rows.items() if r.image_id}
    assert stored == {urls["png"], urls["jpeg"], urls["lead"]}
    codes = {k: rows[urls[k]].error.split(":")[0] for k in ("svg", "fake", "bomb", "big", "gone")}
    assert codes == {
        "svg": "svg_refused",
        "fake": "not_an_image",
        "bomb": "too_many_pixels",
        "big": "too_large",
        "gone": "http_status",
    }
    assert rows[urls["lead"]].position == 0
    assert rows[urls["png"]].position < rows[urls["jpeg"]].position

    # Every <img> is ours; the five refused ones are quiet placeholders, their captions kept.
    srcs = _srcs(item.html)
    assert len(srcs) == 2
    assert all(re.fullmatch(rf"/images/{item.pk}/[0-9a-f]{{64}}", s) for s in srcs)
    assert item.html.count('<span class="img-missing"></span>') == 5
    assert "Caption of the svg picture." in item.html
    assert "127.0.0.1" not in "".join(srcs)
    # ... and it still passes the sanitiser unchanged, with or without the page's base.
    assert sanitize_html(item.html) == item.html
    assert sanitize_html(item.html, base_url=item.final_url) == item.html

    # The bytes are stored under their digest, as they were served.
    png_row = rows[urls["png"]].image
    assert png_row is not None
    assert png_row.name == f"images/{png_row.digest[:2]}/{png_row.digest[2:4]}/{png_row.digest}.png"
    assert (png_row.content_type, png_row.width, png_row.height) == ("image/png", 64, 48)
    with default_storage.open(png_row.name, "rb") as fh:
        assert fh.read() == PNG
    assert (media / png_row.name).is_file()

    lead = rows[urls["lead"]].image
    assert lead is not None
    assert images.thumbnail_url(item) == f"/images/{item.pk}/{lead.digest}"

    # Running again fetches nothing (idempotent) and changes nothing.
    hits = dict(site.hits)
    html = item.html
    again = images.store_item_images(item.pk)
    assert again.stored == 0 and site.hits == hits
    assert Item.objects.get(pk=item.pk).html == html


@pytest.mark.django_db(transaction=True)
def test_the_same_image_is_stored_once(
    alice: AbstractBaseUser,
    bob: AbstractBaseUser,
    media: Path,
    allow_loopback: None,
    story: Callable[[str], tuple[str, dict[str, str]]],
    run_tasks: Callable[[], int],
) -> None:
    url, _ = story("dedupe")
    first = services.save_item(alice, url)
    second = services.save_item(bob, url)
    run_tasks()
    assert StoredImage.objects.count() == 3
    for item in (first, second):
        assert ItemImage.objects.filter(item=item, image__isnull=False).count() == 3
    files = [p for p in media.rglob("*") if p.is_file()]
    assert len(files) == 3

    # Orphans: once both stories are gone, the files go too; not while one still uses them.
    Item.objects.filter(pk=first.pk).delete()
    assert images.delete_orphans(older_than=timedelta(0)) == 0
    Item.objects.filter(pk=second.pk).delete()
    assert images.delete_orphans(older_than=timedelta(0)) == 3
    assert StoredImage.objects.count() == 0
    assert [p for p in media.rglob("*") if p.is_file()] == []


@pytest.mark.django_db(transaction=True)
def test_the_per_story_cap_leaves_placeholders(
    alice: AbstractBaseUser,
    media: Path,
    settings: Any,
    allow_loopback: None,
    story: Callable[[str], tuple[str, dict[str, str]]],
    site: Site,
    run_tasks: Callable[[], int],
) -> None:
    settings.BROADSHEET_IMAGES_PER_STORY = 2  # the lead and the first body image
    url, urls = story("capped")
    item = services.save_item(alice, url)
    run_tasks()
    item = Item.objects.get(pk=item.pk)
    stored = ItemImage.objects.filter(item=item, image__isnull=False)
    assert set(stored.values_list("source_url", flat=True)) == {urls["lead"], urls["png"]}
    capped = ItemImage.objects.filter(item=item, image__isnull=True)
    assert capped.count() == 6
    assert {row.error.split(":")[0] for row in capped} == {"story_cap"}
    assert images.needing_images() == []
    assert len(_srcs(item.html)) == 1
    assert item.html.count("img-missing") == 6
    assert site.hits.get("/capped/photo.jpg") is None  # never fetched


@pytest.mark.django_db(transaction=True)
def test_the_story_byte_budget(
    alice: AbstractBaseUser,
    media: Path,
    settings: Any,
    allow_loopback: None,
    story: Callable[[str], tuple[str, dict[str, str]]],
    run_tasks: Callable[[], int],
) -> None:
    settings.BROADSHEET_IMAGES_STORY_MAX_BYTES = len(LEAD) + len(PNG)
    url, urls = story("budget")
    item = services.save_item(alice, url)
    run_tasks()
    rows = {r.source_url: r for r in ItemImage.objects.filter(item=item)}
    assert rows[urls["lead"]].image_id and rows[urls["png"]].image_id
    assert rows[urls["jpeg"]].image_id is None
    assert rows[urls["jpeg"]].error.startswith("story_budget")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.django_db(transaction=True)
def test_a_passing_failure_is_tried_again_then_given_up(
    alice: AbstractBaseUser, media: Path, allow_loopback: None
) -> None:
    away = f"http://127.0.0.1:{_closed_port()}/photo.png"
    item = services.save_item(alice, "https://news.example/away")
    html = f'<p>Words.</p><figure><img src="{away}" alt="x"><figcaption>Cap</figcaption></figure>'
    Item.objects.filter(pk=item.pk).update(status="ready", html=sanitize_html(html))
    first = images.store_item_images(item.pk, final=False)
    assert first.transient == [away]
    assert away in Item.objects.get(pk=item.pk).html  # kept for the next try
    assert item.pk in images.needing_images()
    last = images.store_item_images(item.pk, final=True)
    assert last.failed == 1 and not last.transient
    stored = Item.objects.get(pk=item.pk)
    assert away not in stored.html and "img-missing" in stored.html and "Cap" in stored.html
    assert item.pk not in images.needing_images()


def test_check_reads_the_bytes_not_the_label() -> None:
    for fmt, media_type in (
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("GIF", "image/gif"),
        ("WEBP", "image/webp"),
        ("AVIF", "image/avif"),
    ):
        checked = images.check(picture(fmt, (30, 20)), max_pixels=10_000)
        assert (checked.media_type, checked.width, checked.height) == (media_type, 30, 20)
    refusals = {
        "svg": SVG,
        "html": HTML_AS_PNG,
        "bmp": picture("BMP", (4, 4)),
        "truncated": PNG[: len(PNG) // 2],
        "empty": b"",
    }
    for name, content in refusals.items():
        with pytest.raises(images.Refused) as refused:
            images.check(content, max_pixels=10_000)
        assert refused.value.code in {"not_an_image", "broken_image", "empty"}, name


def test_the_pixel_cap_is_read_before_decoding() -> None:
    with pytest.raises(images.Refused) as bomb:
        images.check(bomb_png(), max_pixels=40_000_000)
    assert bomb.value.code == "too_many_pixels"
    with pytest.raises(images.Refused) as modest:  # under Pillow's own limit, over ours
        images.check(bomb_png(5000, 5000), max_pixels=1_000_000)
    assert modest.value.code == "too_many_pixels"


def test_collect_takes_the_lead_then_the_body_once_each() -> None:
    item = Item(
        image="https://a.example/lead.jpg",
        html=(
            '<p><img src="https://a.example/1.png" alt=""></p>'
            '<img srcset="https://a.example/s.png 320w, https://a.example/l.png 1200w" alt="">'
            '<picture><source srcset="https://a.example/p1.webp 1x, https://a.example/p2.webp 2x">'
            '<img alt=""></picture>'
            '<img src="https://a.example/lead.jpg" alt="">'
            '<img src="/images/4/' + "a" * 64 + '" alt="">'
        ),
    )
    assert images.collect(item) == [
        "https://a.example/lead.jpg",
        "https://a.example/1.png",
        "https://a.example/l.png",
        "https://a.example/p2.webp",
    ]


def test_rewrite_drops_an_image_path_the_page_wrote_itself() -> None:
    digest = "b" * 64
    html = sanitize_html(
        f'<p>One <img src="/images/9/{digest}" alt="x"> two <img src="/images/5/{digest}" alt="y">'
        ' three <img src="https://a.example/1.png" alt="z"></p>'
    )
    out = images.rewrite(html, 5, {"https://a.example/1.png": "c" * 64, "x": digest})
    assert _srcs(out) == [f"/images/5/{digest}", f"/images/5/{'c' * 64}"]
    assert out.count("img-missing") == 1 and "One" in out and "two" in out


def test_local_only_hides_what_is_not_stored_yet() -> None:
    html = sanitize_html(
        '<figure><img src="https://a.example/1.png" alt="a>b"><figcaption>C</figcaption></figure>'
        f'<img src="/images/3/{"d" * 64}" alt="">'
    )
    out = images.local_only(html)
    assert "a.example" not in out and f"/images/3/{'d' * 64}" in out and "<figcaption>C" in out


@pytest.mark.django_db(transaction=True)
def test_backfill_stores_the_images_of_older_stories(
    alice: AbstractBaseUser,
    media: Path,
    allow_loopback: None,
    site: Site,
    capsys: pytest.CaptureFixture[str],
) -> None:
    photo = site.add("/old/photo.png", PNG, content_type="image/png")
    item = services.save_item(alice, "https://news.example/older")
    html = sanitize_html(f'<p>Older.</p><img src="{photo}" alt="">')
    Item.objects.filter(pk=item.pk).update(status="ready", html=html)
    assert images.needing_images() == [item.pk]

    assert cli.main(["images", "--backfill", "--orphans"]) == 0
    out = capsys.readouterr().out
    assert "Stored the images of 1 story(ies): 1 stored" in out
    assert "Deleted 0 stored image(s)" in out
    assert _srcs(Item.objects.get(pk=item.pk).html)[0].startswith(f"/images/{item.pk}/")
    assert images.needing_images() == []
    assert cli.main(["images"]) == 2


@pytest.mark.django_db(transaction=True)
def test_the_epub_takes_images_from_the_store(
    alice: AbstractBaseUser,
    media: Path,
    allow_loopback: None,
    site: Site,
) -> None:
    photo = site.add("/book/photo.png", PNG, content_type="image/png")
    item = services.save_item(alice, "https://news.example/book")
    html = sanitize_html(f'<p>Booked.</p><img src="{photo}" alt="">')
    Item.objects.filter(pk=item.pk).update(status="ready", html=html, title="Booked")
    images.store_item_images(item.pk)
    hits = site.hits.get("/book/photo.png")
    book = b"".join(export_epub.chunks(alice, [item.pk]))
    assert site.hits.get("/book/photo.png") == hits  # not fetched again: read from the store
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        pictures = [n for n in z.namelist() if n.endswith(".png")]
        assert len(pictures) == 1 and z.read(pictures[0]) == PNG


@pytest.mark.django_db
def test_the_newsletter_carries_no_image(alice: AbstractBaseUser, settings: Any) -> None:
    """Mail is read by other clients, which would fetch an image from the story's site (or fail
    on our login): the newsletter has none."""
    item = services.save_item(alice, "https://news.example/mail")
    digest = "e" * 64
    Item.objects.filter(pk=item.pk).update(
        status="ready", title="Mailed", html=f'<p>Words.</p><img src="/images/{item.pk}/{digest}">'
    )
    message = newsletter.render(alice, newsletter.compose(alice))
    assert "Mailed" in message.html
    assert "<img" not in message.html and "/images/" not in message.text


@pytest.mark.django_db(transaction=True)
def test_an_image_on_a_private_address_is_never_fetched(
    alice: AbstractBaseUser, media: Path, settings: Any, site: Site
) -> None:
    """The story's site may name an image on the server's own network: the safe client refuses
    it as it refuses such a page (only the story's own loopback port is allowed here)."""
    inside = Site()
    try:
        secret = inside.add("/metadata.png", PNG, content_type="image/png")
        settings.BROADSHEET_FETCH_ALLOW_PRIVATE = f"127.0.0.1:{site.base_url.rsplit(':', 1)[1]}"
        item = services.save_item(alice, "https://news.example/ssrf")
        html = sanitize_html(f'<p>Look.</p><img src="{secret}" alt="">')
        Item.objects.filter(pk=item.pk).update(status="ready", html=html)
        done = images.store_item_images(item.pk)
        assert done.failed == 1 and inside.hits == {}
        row = ItemImage.objects.get(item=item)
        assert row.image is None and row.error.startswith("address_not_allowed")
        assert "img-missing" in Item.objects.get(pk=item.pk).html
    finally:
        inside.httpd.shutdown()
        inside.httpd.server_close()


@pytest.mark.django_db(transaction=True)
def test_the_json_export_gives_back_the_pages_image_addresses(
    alice: AbstractBaseUser,
    bob: AbstractBaseUser,
    media: Path,
    allow_loopback: None,
    story: Callable[[str], tuple[str, dict[str, str]]],
    run_tasks: Callable[[], int],
) -> None:
    """Our /images/ addresses mean nothing on another server: the JSON export writes the page's
    own addresses back, so a Broadsheet that imports the file fetches and stores the images
    itself (the move keeps them)."""
    url, urls = story("moving")
    item = services.save_item(alice, url)
    run_tasks()
    item = Item.objects.get(pk=item.pk)
    assert len(_srcs(item.html)) == 2
    exported = export.export(alice, "json")
    (row,) = json.loads(exported)["items"]
    assert sorted(_srcs(row["html"])) == sorted([urls["png"], urls["jpeg"]])
    assert "/images/" not in row["html"]

    report = import_file(bob, io.BytesIO(exported.encode()), "broadsheet-items.json")
    assert report.imported == 1
    moved = access.items_of(bob).get()
    assert moved.status == "ready"
    assert images.collect(moved)[-2:] == [urls["png"], urls["jpeg"]]
    images.store_item_images(moved.pk)
    moved.refresh_from_db()
    srcs = _srcs(moved.html)
    assert len(srcs) == 2
    assert all(re.fullmatch(rf"/images/{moved.pk}/[0-9a-f]{{64}}", s) for s in srcs)


def test_an_image_whose_source_is_unknown_keeps_our_address() -> None:
    digest = "a" * 64
    html = f'<p><img src="/images/7/{digest}" alt=""><img src="/images/7/{"b" * 64}"></p>'
    out = images.with_source_urls(html, {digest: 'https://p.example/a.png?x=1&y="2"'})
    assert out == (
        '<p><img src="https://p.example/a.png?x=1&amp;y=&quot;2&quot;" alt="">'
        f'<img src="/images/7/{"b" * 64}"></p>'
    )
