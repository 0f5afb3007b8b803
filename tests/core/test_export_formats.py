"""Every export format (core.export and its modules): what each holds, escaping of hostile
titles, tags and notes, the Markdown ZIP's names and front matter, and the EPUB with its images
fetched from a real HTTP server on 127.0.0.1 through broadsheet.fetch."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
import yaml  # PyYAML, which schemathesis brings: a real YAML reader for the front matter
from django.contrib.auth.models import AbstractBaseUser
from ebooklib import ITEM_DOCUMENT, ITEM_IMAGE, epub  # type: ignore[import-untyped]
from lxml import etree

from broadsheet.core import export, export_epub, export_markdown, services, tagging
from broadsheet.core.models import Highlight, Item
from tests.accounts.conftest import HOSTILE, item_with
from tests.conftest import Site

pytestmark = pytest.mark.django_db

SAVED = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
EVIL = '</title><script>alert(1)</script> "quoted" & co'


def _png(width: int = 1, height: int = 1) -> bytes:
    """A real PNG file of one white pixel row per line."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PNG = _png()


@pytest.fixture(scope="module")
def images() -> Iterator[Site]:
    """Images on a real HTTP server on 127.0.0.1 (the suite's `Site`, one for this module, so
    its hit counts are this module's): what a test adds, 404 for the rest."""
    server = Site()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def _rich(user: AbstractBaseUser, n: int = 1, **fields: Any) -> Item:
    values: dict[str, Any] = {
        "title": f"Harbour story {n}",
        "site_name": "The Harbour Times",
        "byline": "Ann Lee",
        "summary": "The council voted.",
        "text": "First paragraph of the story.\n\nSecond paragraph, with <b>markup</b> & more.",
        "html": "<p>First paragraph of the story.</p><p>Second paragraph.</p>",
        "saved_at": SAVED,
        "language": "en",
    } | fields
    item = item_with(user, n, **values)
    tagging.set_tags(user, item.pk, ["Harbour", "long reads"])
    services.add_note(user, item.pk, "Follow up with the council.")
    Highlight.objects.create(
        user=user, item=item, quote="First paragraph", suffix=" of the", start=0, end=15
    )
    return item


def _bytes(user: AbstractBaseUser, fmt: export.Format, ids: list[int] | None = None) -> bytes:
    return b"".join(export.stream(user, fmt, ids))


# --- JSON -----------------------------------------------------------------------------------------


def test_json_is_complete_and_one_story_a_line(alice: AbstractBaseUser) -> None:
    item = _rich(alice, title=EVIL)
    services.set_favorite(alice, item.pk, True)
    raw = _bytes(alice, "json")
    data = json.loads(raw)
    assert (data["format"], data["version"], data["count"]) == ("broadsheet", 1, 1)
    assert datetime.fromisoformat(data["exported_at"])
    (row,) = data["items"]
    assert list(row) == list(export.JSON_FIELDS)
    assert row["title"] == EVIL and row["favorite"] is True and row["favorited_at"]
    assert row["tags"] == ["Harbour", "long reads"]
    assert [n["text"] for n in row["notes"]] == ["Follow up with the council."]
    assert row["highlights"] == [
        {
            "quote": "First paragraph",
            "prefix": "",
            "suffix": " of the",
            "start": 0,
            "end": 15,
            "note": "",
            "created_at": row["highlights"][0]["created_at"],
        }
    ]
    assert row["html"] == item.html and row["text"] == item.text
    assert row["saved_at"] == SAVED.isoformat()
    lines = raw.decode().splitlines()
    assert len(lines) == 3 and json.loads(lines[1]) == row  # head, the story, the tail


def test_every_format_is_a_stream_of_chunks(alice: AbstractBaseUser) -> None:
    Item.objects.bulk_create(
        Item(
            user=alice,
            url=f"https://news.example/{n}",
            canonical_url=f"https://news.example/{n}",
            title=f"Story {n}",
            status=Item.Status.READY,
        )
        for n in range(export.BATCH + 3)
    )
    for fmt in ("csv", "json", "html", "markdown"):
        chunks = export.stream(alice, fmt)
        assert not isinstance(chunks, bytes | str | list)
        assert len(list(chunks)) >= 2, fmt
    assert json.loads(_bytes(alice, "json"))["count"] == export.BATCH + 3


def test_an_empty_library(alice: AbstractBaseUser) -> None:
    data = json.loads(_bytes(alice, "json"))
    assert (data["items"], data["count"]) == ([], 0)
    assert b"<DL><p>" in _bytes(alice, "html")
    assert zipfile.ZipFile(io.BytesIO(_bytes(alice, "markdown"))).namelist() == []


def test_only_the_readers_own_stories(alice: AbstractBaseUser, bob: AbstractBaseUser) -> None:
    mine = _rich(alice, 1, title="Mine")
    theirs = _rich(bob, 2, title="Bob's secret")
    for fmt in export.FORMATS:
        assert b"Bob's secret" not in _bytes(alice, fmt), fmt
    from broadsheet.core import export_data
    from broadsheet.core.errors import NotFound

    with pytest.raises(NotFound):
        export_data.selected(alice, [mine.pk, theirs.pk])


# --- Netscape bookmarks ---------------------------------------------------------------------------


class _Bookmarks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []
        self.titles: list[str] = []
        self.descriptions: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs))
            self.titles.append("")
            self._in = "a"
        elif tag == "dd":
            self.descriptions.append("")
            self._in = "dd"
        elif tag in ("dt", "dl"):
            self._in = None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "a":
            self.titles[-1] += data
        elif self._in == "dd":
            self.descriptions[-1] += data.strip()


def test_netscape_bookmarks(alice: AbstractBaseUser) -> None:
    unread = _rich(alice, 1, title=EVIL)
    tagging.set_tags(alice, unread.pk, ['Tom & "Jerry"', "<b>bold</b>"])
    archived = item_with(alice, 2, title="Read already", archived=True, saved_at=SAVED)
    text = _bytes(alice, "html").decode()
    assert text.startswith("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n")
    assert "<script>" not in text and "<b>" not in text
    parsed = _Bookmarks()
    parsed.feed(text)
    by_url = dict(zip((link["href"] for link in parsed.links), parsed.links, strict=True))
    first = by_url[unread.url]
    assert first["add_date"] == str(int(SAVED.timestamp()))
    assert first["toread"] == "1"
    assert sorted((first["tags"] or "").split(",")) == ["<b>bold</b>", 'Tom & "Jerry"']
    assert EVIL in parsed.titles
    assert by_url[archived.url].get("toread") == "0"  # archived, said explicitly
    assert parsed.descriptions[0] == "The council voted. · Follow up with the council."


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_titles_stay_text_in_the_bookmarks(alice: AbstractBaseUser, hostile: str) -> None:
    item_with(alice, 1, title=hostile, summary=hostile, saved_at=SAVED)
    parsed = _Bookmarks()
    parsed.feed(_bytes(alice, "html").decode())
    assert len(parsed.links) == 1
    assert parsed.titles == [" ".join(hostile.split())]


# --- Markdown -------------------------------------------------------------------------------------


def _zip(raw: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def _front_matter(doc: str) -> dict[str, Any]:
    assert doc.startswith("---\n")
    head = doc.split("\n---\n", 1)[0].removeprefix("---\n")
    loaded = yaml.safe_load(head)
    assert isinstance(loaded, dict)
    return loaded


def test_markdown_zip(alice: AbstractBaseUser) -> None:
    item = _rich(alice, 1, title=EVIL, rating=4)
    Highlight.objects.filter(item=item).update(note="Why *this* matters")
    files = _zip(_bytes(alice, "markdown"))
    (name,) = files
    assert name == "broadsheet/2026-03-04-title-script-alert-1-script-quoted-co.md"
    doc = files[name]
    meta = _front_matter(doc)
    assert meta["title"] == EVIL and meta["url"] == item.url
    assert meta["tags"] == ["Harbour", "long reads"] and meta["rating"] == 4
    assert meta["archived"] is False and meta["saved_at"] == SAVED.isoformat()
    body = doc.split("\n---\n", 1)[1]
    assert "<script>" not in body and "<b>" not in body
    assert "\\<b\\>markup\\</b\\> \\& more" in body
    assert "\n> First paragraph\n" in body
    assert "Note: Why \\*this\\* matters" in body
    assert "Follow up with the council." in body


@pytest.mark.parametrize("hostile", [*HOSTILE, "---\nevil: true", "a\nb: c", "#: x", "null"])
def test_front_matter_quotes_every_value(alice: AbstractBaseUser, hostile: str) -> None:
    item_with(alice, 1, title=hostile, byline=hostile, site_name=hostile, saved_at=SAVED)
    (doc,) = _zip(_bytes(alice, "markdown")).values()
    meta = _front_matter(doc)
    assert meta["title"] == hostile and meta["byline"] == hostile
    assert "evil" not in meta


def test_zip_names_are_safe_and_unique(alice: AbstractBaseUser) -> None:
    titles = [
        "../../etc/passwd",
        "/absolute/path",
        "C:\\Windows\\system32",
        "..",
        "",
        "CON",
        "Same title",
        "same TITLE",
        "Same title",
        "x" * 500,
        "Überraschung: Ärger in Köln",
        "\x07\x1b[31m",  # (PostgreSQL text holds no NUL; the extractor drops them anyway)
    ]
    for n, title in enumerate(titles):
        item_with(alice, n, title=title, saved_at=SAVED)
    names = list(_zip(_bytes(alice, "markdown")))
    assert len(names) == len(titles) == len({n.casefold() for n in names})
    for name in names:
        folder, _, file = name.partition("/")
        assert folder == "broadsheet" and file.endswith(".md")
        assert "/" not in file and "\\" not in file and ":" not in file and ".." not in file
        assert not file.startswith(".") and len(file) <= 100
        assert all(c.isalnum() or c in "-." for c in file), file
    assert "broadsheet/2026-03-04-überraschung-ärger-in-köln.md" in names
    assert sum(n.startswith("broadsheet/2026-03-04-same-title") for n in names) == 3


def test_markdown_escaping() -> None:
    escape = export_markdown.escape_markdown
    assert escape("# not a heading") == "\\# not a heading"
    assert escape("- not a list") == "\\- not a list"
    assert escape("1. not a list") == "1\\. not a list"
    assert escape("[link](javascript:x)") == "\\[link\\](javascript:x)"
    assert escape("<img src=x onerror=y>") == "\\<img src=x onerror=y\\>"
    assert export_markdown.yaml_string('a "b"\n\u2028') == '"a \\"b\\"\\n\\u2028"'


# --- EPUB -----------------------------------------------------------------------------------------


def _open_epub(raw: bytes, tmp_path: Any) -> Any:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"
        assert not first.extra  # readers find "mimetype" at byte 38
    assert raw[30:38] == b"mimetype" and raw[38:58] == b"application/epub+zip"
    path = tmp_path / "book.epub"
    path.write_bytes(raw)
    return epub.read_epub(str(path))


def _chapters(book: Any) -> list[Any]:
    return [i for i in book.get_items_of_type(ITEM_DOCUMENT) if i.get_name().startswith("story-")]


def test_epub_of_one_story_with_its_images(
    alice: AbstractBaseUser, images: Site, allow_loopback: None, tmp_path: Any
) -> None:
    good = images.add("/photo.png", PNG, content_type="image/png")
    fake = images.add("/not-really.png", b"<svg onload=alert(1)>", content_type="image/png")
    svg = images.add(
        "/drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml"
    )
    missing = images.base_url + "/gone.png"
    html = (
        f'<p>Before.</p><figure><img src="{good}" alt="A harbour"><figcaption>Caption'
        f'</figcaption></figure><p>Text <img src="{missing}" alt="gone"> after the missing one.'
        f'</p><p><img src="{fake}"><img src="{svg}"><img src="{good}"></p>'
        '<p><a href="https://news.example/next">Next</a> &amp; more</p>'
    )
    item = _rich(alice, 1, title=EVIL, byline="Ann <Lee>", agency="Reuters", html=html)
    raw = _bytes(alice, "epub", [item.pk])
    book = _open_epub(raw, tmp_path)
    assert book.get_metadata("DC", "title")[0][0] == EVIL
    assert book.get_metadata("DC", "creator")[0][0] == "Ann <Lee>"
    (chapter,) = _chapters(book)
    root = etree.fromstring(chapter.content)  # well-formed XML
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    assert root.findtext(".//x:h1", namespaces=ns) == EVIL
    assert root.find(".//x:script", ns) is None
    assert "Ann <Lee> · Reuters" in "".join(root.find(".//x:p", ns).itertext())
    srcs = [img.get("src") for img in root.iterfind(".//x:img", ns)]
    (kept,) = set(srcs)
    assert len(srcs) == 2 and kept.startswith("images/") and kept.endswith(".png")
    assert "after the missing one." in "".join(root.itertext())
    assert "Caption" in "".join(root.itertext())
    assert not any(el.get("referrerpolicy") for el in root.iter())
    (picture,) = list(book.get_items_of_type(ITEM_IMAGE))
    assert picture.get_content() == PNG and picture.get_name() == kept
    assert images.hits["/photo.png"] == 1  # fetched once for both places


def test_epub_images_need_the_fetcher_to_allow_the_address(
    alice: AbstractBaseUser, images: Site, settings: Any, tmp_path: Any
) -> None:
    """The SSRF guard holds for EPUB images: a private address is refused (the image goes),
    and the book is made all the same."""
    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = "false"
    url = images.add("/private.png", PNG, content_type="image/png")
    item = _rich(alice, 1, html=f'<p>Story</p><p><img src="{url}" alt="x"></p>')
    book = _open_epub(_bytes(alice, "epub", [item.pk]), tmp_path)
    assert list(book.get_items_of_type(ITEM_IMAGE)) == []
    assert images.hits.get("/private.png") is None
    assert b"<img" not in _chapters(book)[0].content


def test_epub_image_size_cap(
    alice: AbstractBaseUser,
    images: Site,
    allow_loopback: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    big = images.add("/big.png", _png(200, 200), content_type="image/png")
    small = images.add("/small.png", PNG, content_type="image/png")
    monkeypatch.setattr(export_epub, "IMAGE_MAX_BYTES", len(PNG) + 10)
    item = _rich(alice, 1, html=f'<p>A</p><p><img src="{big}"><img src="{small}"></p>')
    book = _open_epub(_bytes(alice, "epub", [item.pk]), tmp_path)
    (picture,) = list(book.get_items_of_type(ITEM_IMAGE))
    assert picture.get_content() == PNG


def test_epub_of_a_selection_and_of_everything(alice: AbstractBaseUser, tmp_path: Any) -> None:
    first = _rich(alice, 1, title="First", language="fr")
    second = item_with(
        alice, 2, title="Second <story>", html="", text="Only text.\nTwo lines.", saved_at=SAVED
    )
    third = item_with(alice, 3, title="Third", saved_at=SAVED)
    book = _open_epub(_bytes(alice, "epub", [second.pk, first.pk]), tmp_path)
    assert book.get_metadata("DC", "title")[0][0] == "Broadsheet: 2 stories"
    chapters = _chapters(book)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    titles = [etree.fromstring(c.content).findtext(".//x:title", namespaces=ns) for c in chapters]
    assert titles == ["Second <story>", "First"]
    assert [t.title for t in book.toc] == ["Second <story>", "First"]
    assert b"<p>Only text.</p>" in chapters[0].content
    everything = _open_epub(_bytes(alice, "epub"), tmp_path)
    assert len(_chapters(everything)) == 3
    assert third.pk


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_titles_in_the_epub(alice: AbstractBaseUser, hostile: str, tmp_path: Any) -> None:
    item = item_with(
        alice,
        1,
        title=hostile,
        byline=hostile,
        site_name=hostile,
        html=f"<p>{hostile}</p>",
        language='en" onload="x',
    )
    book = _open_epub(_bytes(alice, "epub", [item.pk]), tmp_path)
    (chapter,) = _chapters(book)
    root = etree.fromstring(chapter.content)
    assert root.get("lang") == "en"
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    assert root.findtext(".//x:h1", namespaces=ns) == " ".join(hostile.split())
    assert root.find(".//x:script", ns) is None and root.find(".//x:svg", ns) is None
