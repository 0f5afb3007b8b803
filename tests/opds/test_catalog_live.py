"""The e-reader catalog against a real `broadsheet run` over HTTP on loopback, as KOReader uses it:
an app password made on the settings page (a real session with its CSRF token), HTTP Basic on
every request, the key in the address, revoking; the feeds parsed with lxml as Atom with the
OPDS links; paging; the EPUB of a story saved from a fixture news page (fetched by the server's
worker from a loopback site, its photos stored by the worker) opened with ebooklib."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import PIL.Image
import pytest
from ebooklib import ITEM_DOCUMENT, ITEM_IMAGE, epub  # type: ignore[import-untyped]
from lxml import etree

from tests.conftest import Site
from tests.e2e.api import Api, WebSession, create_user, password_of
from tests.support.fixture_server import PAGES
from tests.support.live import LiveServer, live_server

pytestmark = pytest.mark.slow

A = "{http://www.w3.org/2005/Atom}"
OS = "{http://a9.com/-/spec/opensearch/1.1/}"
NS = {"a": "http://www.w3.org/2005/Atom"}
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
REL_ACQUISITION = "http://opds-spec.org/acquisition"
REL_THUMBNAIL = "http://opds-spec.org/image/thumbnail"
CHALLENGE = 'Basic realm="Broadsheet"'
PAGE = "local-library-flood"
ORIGIN = "https://www.rivertoncourier.example"
PHOTOS = ("/media/2024/05/library-reopening-1.jpg", "/media/2024/05/library-reopening-2.jpg")
FILLERS = 30  # more than a page (web/opds.py: PAGE_SIZE 25)
KOREADER = "KOReader/2024.11 (https://koreader.rocks/) LuaSocket/3.0"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SECRET = re.compile(r'id="app-password-secret">([^<]+)<')


def _png(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    PIL.Image.new("RGB", (24, 16), color).save(out, format="PNG")
    return out.getvalue()


PHOTO_BYTES = {PHOTOS[0]: _png((200, 40, 40)), PHOTOS[1]: _png((40, 40, 200))}


@dataclass
class Library:
    server: LiveServer
    news: Site
    story_url: str
    story_id: int
    tag_id: int
    secret: str  # alice's app password, made on the settings page
    bob_secret: str
    web: WebSession  # alice's browser session

    def get(self, path: str, auth: tuple[str, str] | None = None, **kw: Any) -> httpx.Response:
        return httpx.get(self.server.url(path), auth=auth, timeout=60, **kw)


def _make_app_password(web: WebSession, label: str) -> str:
    page = web.get("/settings/")
    csrf = _CSRF.search(page.text)
    assert csrf, page.text[:300]
    r = web.client.post(
        "/settings/app-passwords/",
        data={"label": label, "csrfmiddlewaretoken": csrf.group(1)},
        follow_redirects=True,
    )
    assert r.status_code == 200 and r.url.path == "/settings/app-passwords/new/", r.text[:300]
    secret = _SECRET.search(r.text)
    assert secret, r.text[:500]
    return secret.group(1)


def _revoke_app_password(web: WebSession, label: str) -> None:
    page = web.get("/settings/").text
    row = re.search(
        rf"<td>{re.escape(label)}</td>.*?action=\"(/settings/app-passwords/\d+/revoke/)\"",
        page,
        re.S,
    )
    csrf = _CSRF.search(page)
    assert row and csrf, page[:300]
    r = web.client.post(row.group(1), data={"csrfmiddlewaretoken": csrf.group(1)})
    assert r.status_code == 302, r.text[:300]


FILL = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from broadsheet.core.models import Item
user = get_user_model().objects.get(username="alice")
now = timezone.now()
for n in range({n}):
    Item.objects.create(
        user=user, url=f"https://filler.example/{{n}}", canonical_url=f"https://filler.example/{{n}}",
        host="filler.example", status="ready", title=f"Filler {{n:02d}}", byline="Desk",
        text="Filler.", html="<p>Filler.</p>", saved_at=now - timedelta(days=1 + n),
        archived=n % 10 == 9,
    )
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    news = Site()
    html = (PAGES / f"{PAGE}.html").read_text("utf-8").replace(ORIGIN, news.base_url)
    story_url = news.add("/news/local/flooded-library-reopens-volunteers", html)
    for path, content in PHOTO_BYTES.items():
        news.add(path, content, content_type="image/png")
    # Many failures from 127.0.0.1 on purpose below: the address limit must not stop the module.
    env = {"BROADSHEET_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000"}
    try:
        with live_server(tmp_path_factory.mktemp("opds"), extra_env=env) as server:
            token = create_user(server, "alice")
            create_user(server, "bob")
            with Api(server, token) as api:
                r = api.save(story_url)
                assert r.status_code == 201, r.text
                story_id = r.json()["id"]
                (done,) = api.wait_settled([story_id]).values()
                assert done["status"] == "ready", done
                r = api.client.patch(
                    f"/items/{story_id}", json={"tags": ["Floods"], "favorite": True}
                )
                assert r.status_code == 200, r.text
                tag_id = api.client.get("/tags").json()["tags"][0]["id"]
            server.python(FILL.format(n=FILLERS))
            web = WebSession(server, "alice")
            bob_web = WebSession(server, "bob")
            library = Library(
                server=server,
                news=news,
                story_url=story_url,
                story_id=story_id,
                tag_id=tag_id,
                secret=_make_app_password(web, "Kobo"),
                bob_secret=_make_app_password(bob_web, "Kindle"),
                web=web,
            )
            bob_web.close()
            yield library
            web.close()
    finally:
        news.httpd.shutdown()
        news.httpd.server_close()


def _alice(library: Library) -> tuple[str, str]:
    return ("alice", library.secret)


# --- checking a feed ------------------------------------------------------------------------------


def _stamp(text: str | None) -> datetime:
    assert text, "a date is missing"
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _feed(r: httpx.Response, kind: str) -> Any:
    """The feed of a response, checked as Atom (RFC 4287: id, title, updated on the feed and on
    every entry; every link with an href) and as an OPDS catalog of the given kind."""
    assert r.status_code == 200, (r.status_code, r.text[:300])
    assert r.headers["content-type"] == kind
    root = etree.fromstring(r.content)
    assert root.tag == A + "feed"
    for element in (root, *root.iterfind("a:entry", NS)):
        for required in ("id", "title", "updated"):
            assert len(element.findall(A + required)) == 1, (required, element)
            assert (element.findtext(A + required) or "").strip()
        _stamp(element.findtext(A + "updated"))
        for link in element.iterfind("a:link", NS):
            assert link.get("href"), etree.tostring(link)
    assert root.find("a:author/a:name", NS) is not None  # entries inherit the feed's author
    rels = {link.get("rel"): link for link in root.iterfind("a:link", NS)}
    assert rels["self"].get("type") == kind
    assert rels["start"].get("type") == NAVIGATION
    return root


def _links(element: Any, rel: str) -> list[Any]:
    return [link for link in element.iterfind("a:link", NS) if link.get("rel") == rel]


def _href(r: httpx.Response, link: Any) -> str:
    """A link's address resolved against the feed's own, as a client does: a path to GET."""
    target = urljoin(str(r.url), link.get("href"))
    assert urlsplit(target).netloc == urlsplit(str(r.url)).netloc
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _entries(root: Any) -> dict[str, Any]:
    return {entry.findtext(A + "title"): entry for entry in root.iterfind("a:entry", NS)}


# --- signing in -----------------------------------------------------------------------------------


def test_basic_with_an_app_password(library: Library) -> None:
    r = library.get("/opds/", auth=_alice(library))
    root = _feed(r, NAVIGATION)
    entries = _entries(root)
    assert list(entries) == ["Unread", "Archive", "Favourites", "Tags"]
    for title, kind in (("Unread", ACQUISITION), ("Tags", NAVIGATION)):
        (link,) = _links(entries[title], "subsection")
        assert link.get("type") == kind
    assert "1 story" in (entries["Favourites"].findtext(A + "content") or "")
    # The user name's case does not matter; the app password's hyphens and case neither.
    typed = ("Alice", library.secret.upper().replace("-", ""))
    assert library.get("/opds/", auth=typed).status_code == 200


@pytest.mark.parametrize(
    "who", ["nobody", "account password", "other user name", "malformed", "bearer"]
)
def test_refused_without_an_app_password(library: Library, who: str) -> None:
    kwargs: dict[str, Any] = {
        "nobody": {},
        "account password": {"auth": ("alice", password_of("alice"))},
        "other user name": {"auth": ("bob", library.secret)},
        "malformed": {"headers": {"Authorization": "Basic not-base64!"}},
        "bearer": {"headers": {"Authorization": f"Bearer {library.secret}"}},
    }[who]
    for path in ("/opds/", "/opds/unread/", f"/opds/items/{library.story_id}.epub"):
        r = library.get(path, **kwargs)
        assert r.status_code == 401, (who, path)
        assert r.headers["www-authenticate"] == CHALLENGE
        assert b"Flooded" not in r.content


def test_a_revoked_app_password_stops_both_ways(library: Library) -> None:
    secret = _make_app_password(library.web, "Old phone")
    assert library.get("/opds/unread/", auth=("alice", secret)).status_code == 200
    assert library.get(f"/opds/k/{secret}/unread/").status_code == 200
    _revoke_app_password(library.web, "Old phone")
    r = library.get("/opds/unread/", auth=("alice", secret))
    assert r.status_code == 401 and r.headers["www-authenticate"] == CHALLENGE
    assert library.get(f"/opds/k/{secret}/unread/").status_code == 404
    assert library.get(f"/opds/k/{secret}/items/{library.story_id}.epub").status_code == 404
    assert library.get("/opds/unread/", auth=_alice(library)).status_code == 200  # the other


def test_the_key_in_the_address(library: Library) -> None:
    prefix = f"/opds/k/{library.secret}/"
    r = library.get(prefix)
    root = _feed(r, NAVIGATION)
    hrefs = [link.get("href") for link in root.iter(A + "link")]
    assert hrefs and all(h.startswith(prefix) for h in hrefs), hrefs
    unread = library.get(_href(r, _links(_entries(root)["Unread"], "subsection")[0]))
    feed = _feed(unread, ACQUISITION)
    story = _entries(feed)["Flooded Riverton library reopens with books saved by volunteers"]
    (acquire,) = _links(story, REL_ACQUISITION)
    assert acquire.get("href") == f"{prefix}items/{library.story_id}.epub"
    book = library.get(_href(unread, acquire))
    assert book.status_code == 200 and book.headers["content-type"] == "application/epub+zip"
    assert library.get(f"/opds/k/{library.secret[:-4]}zzzz/").status_code == 404
    assert library.get("/opds/k/nothing/").status_code == 404


def test_another_readers_story_is_404(library: Library) -> None:
    bob = ("bob", library.bob_secret)
    epub_path = f"/opds/items/{library.story_id}.epub"
    assert library.get(epub_path, auth=bob).status_code == 404
    assert library.get(f"/opds/tags/{library.tag_id}/", auth=bob).status_code == 404
    assert library.get(f"/opds/k/{library.bob_secret}{epub_path[5:]}").status_code == 404
    missing = library.get("/opds/items/999999.epub", auth=bob)
    assert missing.status_code == 404
    unread = library.get("/opds/unread/", auth=bob)
    assert _entries(_feed(unread, ACQUISITION)) == {}
    assert b"Flooded" not in unread.content and b"Filler" not in unread.content


def test_guessing_is_rate_limited(library: Library) -> None:
    library.server.cli("user", "create", "carol", "--password", password_of("carol"))
    for n in range(5):
        r = library.get("/opds/", auth=("carol", f"wrong-guess-{n}"))
        assert r.status_code == 401
    r = library.get("/opds/", auth=("carol", password_of("carol")))
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


# --- the feeds ------------------------------------------------------------------------------------


def test_lists_page_newest_first(library: Library) -> None:
    r = library.get("/opds/unread/", auth=_alice(library))
    first = _feed(r, ACQUISITION)
    unread_fillers = [n for n in range(FILLERS) if n % 10 != 9]
    total = 1 + len(unread_fillers)
    assert first.findtext(OS + "totalResults") == str(total)
    titles = list(_entries(first))
    assert len(titles) == 25 and titles[0].startswith("Flooded")
    assert not _links(first, "previous")
    pages, seen = [first], titles
    while _links(pages[-1], "next"):
        (link,) = _links(pages[-1], "next")
        assert link.get("type") == ACQUISITION
        r = library.get(_href(r, link), auth=_alice(library))
        pages.append(_feed(r, ACQUISITION))
        assert _links(pages[-1], "previous")
        seen += list(_entries(pages[-1]))
    assert len(pages) == 2
    assert seen[1:] == [f"Filler {n:02d}" for n in unread_fillers]  # newest saved first
    assert library.get("/opds/unread/?page=3", auth=_alice(library)).status_code == 404
    archive = _feed(library.get("/opds/archive/", auth=_alice(library)), ACQUISITION)
    assert list(_entries(archive)) == ["Filler 09", "Filler 19", "Filler 29"]


def test_a_story_entry(library: Library) -> None:
    root = _feed(library.get("/opds/favourites/", auth=_alice(library)), ACQUISITION)
    (story,) = root.iterfind("a:entry", NS)
    assert story.findtext(A + "title") == (
        "Flooded Riverton library reopens with books saved by volunteers"
    )
    assert story.findtext("a:author/a:name", namespaces=NS) == "Marisol Ortega"
    assert _stamp(story.findtext(A + "published")) == datetime.fromisoformat(
        "2024-05-04T07:15:00-05:00"
    )
    assert "Mill Creek flood" in (story.findtext(A + "summary") or "")
    assert [c.get("term") for c in story.iterfind("a:category", NS)] == ["Floods"]
    (acquire,) = _links(story, REL_ACQUISITION)
    assert acquire.get("type") == "application/epub+zip"
    assert acquire.get("href") == f"/opds/items/{library.story_id}.epub"
    (source,) = _links(story, "alternate")
    assert source.get("href") == library.story_url


def test_tags_lead_to_their_stories(library: Library) -> None:
    r = library.get("/opds/tags/", auth=_alice(library))
    (tag,) = _feed(r, NAVIGATION).iterfind("a:entry", NS)
    assert tag.findtext(A + "title") == "Floods"
    (link,) = _links(tag, "subsection")
    assert link.get("type") == ACQUISITION
    tagged = _feed(library.get(_href(r, link), auth=_alice(library)), ACQUISITION)
    assert list(_entries(tagged)) == [
        "Flooded Riverton library reopens with books saved by volunteers"
    ]


def test_a_stored_photo_is_the_thumbnail(library: Library) -> None:
    """The worker stores the story's photos after it is ready; then the entry has a thumbnail,
    served behind the catalog's own sign-in."""
    deadline = time.monotonic() + 30
    while True:
        r = library.get("/opds/favourites/", auth=_alice(library))
        (story,) = _feed(r, ACQUISITION).iterfind("a:entry", NS)
        if _links(story, REL_THUMBNAIL) or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    (thumbnail,) = _links(story, REL_THUMBNAIL)
    path = _href(r, thumbnail)
    picture = library.get(path, auth=_alice(library))
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    assert picture.content in PHOTO_BYTES.values()
    assert library.get(path).status_code == 401
    assert library.get(path, auth=("bob", library.bob_secret)).status_code == 404


# --- the EPUB -------------------------------------------------------------------------------------


def test_the_epub_of_a_story(library: Library, tmp_path: Any) -> None:
    r = library.get(f"/opds/items/{library.story_id}.epub", auth=_alice(library))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/epub+zip"
    assert r.headers["content-length"] == str(len(r.content))
    name = "flooded-riverton-library-reopens-with-books-saved-by-volunteers.epub"
    assert r.headers["content-disposition"] == f'attachment; filename="{name}"'
    path = tmp_path / "story.epub"
    path.write_bytes(r.content)
    book = epub.read_epub(str(path))
    title = "Flooded Riverton library reopens with books saved by volunteers"
    assert book.get_metadata("DC", "title")[0][0] == title
    assert book.get_metadata("DC", "creator")[0][0] == "Marisol Ortega"
    assert _stamp(book.get_metadata("DC", "date")[0][0]) == datetime.fromisoformat(
        "2024-05-04T07:15:00-05:00"
    )
    assert book.get_metadata("DC", "source")[0][0] == library.story_url
    (chapter,) = [
        i for i in book.get_items_of_type(ITEM_DOCUMENT) if i.get_name().startswith("story-")
    ]
    root = etree.fromstring(chapter.content)
    x = {"x": "http://www.w3.org/1999/xhtml"}
    assert root.findtext(".//x:h1", namespaces=x) == title
    assert "Marisol Ortega" in "".join(root.find(".//x:p[@class='byline']", x).itertext())
    when = root.find(".//x:p[@class='date']/x:time", x)
    assert when is not None and when.text == "4 May 2024"
    assert _stamp(when.get("datetime")) == datetime.fromisoformat("2024-05-04T07:15:00-05:00")
    assert [a.get("href") for a in root.iterfind(".//x:p[@class='site']/x:a", x)] == [
        library.story_url
    ]
    assert "8,600 were saved" in "".join(root.itertext())
    pictures = {i.get_name(): i.get_content() for i in book.get_items_of_type(ITEM_IMAGE)}
    assert pictures and set(pictures.values()) <= set(PHOTO_BYTES.values())
    srcs = [img.get("src") for img in root.iterfind(".//x:img", x)]
    assert srcs and set(srcs) <= set(pictures)


# --- KOReader -------------------------------------------------------------------------------------


def test_koreader_browses_and_downloads(library: Library) -> None:
    """Replays KOReader's OPDS browser: plain GETs with Basic auth and its user agent, from the
    catalog address the reader typed, following each `href` resolved against the feed it came
    from: navigation entries (`subsection` links of a catalog type), `next` pages, then the
    acquisition link of a story."""
    client = httpx.Client(auth=_alice(library), headers={"User-Agent": KOREADER}, timeout=60)
    start = library.server.url("/opds/")
    queue, seen, acquisitions = [start], set(), []
    with client:
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
            assert "profile=opds-catalog" in r.headers["content-type"]
            root = etree.fromstring(r.content)
            for entry in root.iterfind("a:entry", NS):
                for link in entry.iterfind("a:link", NS):
                    kind, rel = link.get("type") or "", link.get("rel") or ""
                    target = urljoin(url, link.get("href"))
                    if "profile=opds-catalog" in kind:
                        queue.append(target)
                    elif rel.startswith(REL_ACQUISITION):
                        acquisitions.append((entry.findtext(A + "title"), kind, target))
            queue += [urljoin(url, link.get("href")) for link in _links(root, "next")]
        paths = {urlsplit(u)._replace(scheme="", netloc="").geturl() for u in seen}
        assert {
            *("/opds/", "/opds/unread/", "/opds/unread/?page=2", "/opds/archive/"),
            *("/opds/favourites/", "/opds/tags/", f"/opds/tags/{library.tag_id}/"),
        } <= paths
        assert {kind for _t, kind, _u in acquisitions} == {"application/epub+zip"}
        titles = [t for t, _k, _u in acquisitions]
        assert titles.count("Flooded Riverton library reopens with books saved by volunteers") == 3
        _title, _kind, target = acquisitions[0]
        book = client.get(target)
        assert book.status_code == 200 and book.content[:2] == b"PK"
        assert book.headers["content-type"] == "application/epub+zip"


# --- a Kobo's own browser -------------------------------------------------------------------------

KOBO_BROWSER = {
    "User-Agent": "Mozilla/5.0 (Linux; U; Android 2.0; en-us;) AppleWebKit/538.1 (KHTML, like "
    "Gecko) Version/4.0 Mobile Safari/538.1 (Kobo Touch 0384/4.38.21908)",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
}


def test_a_browser_gets_pages_with_download_links(library: Library) -> None:
    """The key-in-path address opened in an e-reader's web browser: the same catalog as plain
    pages (links, no script), down to an EPUB the browser can download."""
    prefix = f"/opds/k/{library.secret}/"
    home = library.get(prefix, headers=KOBO_BROWSER)
    assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
    assert "Accept" in home.headers["vary"]
    assert (
        "<script" not in home.text
        and "script-src 'none'" in home.headers["content-security-policy"]
    )
    page = etree.HTML(home.content)
    shelves = {a.text: a.get("href") for a in page.iterfind(".//a[@class='opds-open']")}
    assert shelves["Unread"] == f"{prefix}unread/"
    unread = library.get(shelves["Unread"], headers=KOBO_BROWSER)
    listing = etree.HTML(unread.content)
    downloads = [a.get("href") for a in listing.iterfind(".//a[@class='opds-epub']")]
    assert len(downloads) == 25 and f"{prefix}items/{library.story_id}.epub" in downloads
    (older,) = {a.get("href") for a in listing.iterfind(".//a[@rel='next']")}
    assert older == f"{prefix}unread/?page=2"
    book = library.get(downloads[0], headers=KOBO_BROWSER)
    assert book.status_code == 200 and book.headers["content-type"] == "application/epub+zip"
    # The catalog apps, which do not ask for HTML, still get Atom at the same address.
    assert library.get(prefix).headers["content-type"] == NAVIGATION
