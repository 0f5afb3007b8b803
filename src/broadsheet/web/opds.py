"""The reader's library as an OPDS 1.2 catalog, for KOReader and other e-reader apps.

`/opds/` is a navigation feed (Unread, Archive, Favourites, Tags); each list, and each tag, is an
acquisition feed of the reader's ready stories, newest saved first, PAGE_SIZE an page with
`rel="next"` / `rel="previous"` links; each entry links the story's EPUB
(`rel="http://opds-spec.org/acquisition"`, `application/epub+zip`, made by `core.export_epub`)
and, when a copy of its image is stored, a thumbnail served from here.

A catalog client sends a user name and a password on every request and nothing else (no session,
no form): the reader signs in with HTTP Basic, their user name and an app password made on the
settings page (`core.app_passwords`). The account password is refused here, and a request
without good credentials gets 401 with `WWW-Authenticate: Basic realm="Broadsheet"`. A device
that cannot send credentials uses the same catalog under `/opds/k/<app password>/`: the key in
the address is the login, and a bad key is 404. Both count failures with the login rate limit
(429 past it). Every row is loaded through `core.access`.

The XML is built with lxml, element by element: no text of a story is ever pasted into markup.
Links are absolute paths, which a client resolves against the feed's own address (behind a
proxy, under whatever host and scheme the client used).
"""

from __future__ import annotations

import base64
import binascii
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, get_script_prefix, path, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.views.decorators.http import require_safe
from lxml import etree

from broadsheet.core import access, app_passwords, export_epub, images, queries, ratelimit
from broadsheet.core.errors import NotFound, RateLimited
from broadsheet.core.export_data import clean_text
from broadsheet.core.models import Item

ATOM = "http://www.w3.org/2005/Atom"
OPDS = "http://opds-spec.org/2010/catalog"
DC = "http://purl.org/dc/terms/"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
NSMAP = {None: ATOM, "opds": OPDS, "dc": DC, "opensearch": OPENSEARCH}

NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
EPUB = "application/epub+zip"
REL_ACQUISITION = "http://opds-spec.org/acquisition"
REL_IMAGE = "http://opds-spec.org/image"
REL_THUMBNAIL = "http://opds-spec.org/image/thumbnail"
REALM = 'Basic realm="Broadsheet"'
PAGE_SIZE = 25

# What XML 1.0 cannot hold: controls but tab and line ends, lone surrogates, U+FFFE, U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Shelf:
    """One of the lists of the navigation feed."""

    slug: str
    title: str
    about: str
    state: queries.State
    favorite: bool | None = None


SHELVES = {
    "unread": Shelf("unread", "Unread", "Stories you saved and have not archived.", "unread"),
    "archive": Shelf("archive", "Archive", "Stories you have archived.", "archived"),
    "favourites": Shelf("favourites", "Favourites", "Stories you starred.", "all", True),
}


# --- who is asking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalog:
    """The request's reader and the address prefix its links keep (the key, if one was used)."""

    request: HttpRequest
    user: AbstractBaseUser
    key: str | None

    def href(self, name: str, *args: object) -> str:
        if self.key is None:
            return reverse(f"web:opds{'-' + name if name else ''}", args=args)
        return reverse(f"web:opds-key{'-' + name if name else ''}", args=[self.key, *args])

    def id_of(self, name: str, *args: object) -> str:
        """A feed's permanent id: its address without the key (the same for both doors)."""
        return self.request.build_absolute_uri(
            reverse(f"web:opds{'-' + name if name else ''}", args=args)
        )


def _plain(status: int, text: str) -> HttpResponse:
    response = HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


def _challenge() -> HttpResponse:
    response = _plain(401, "Sign in with your user name and an app password.")
    response["WWW-Authenticate"] = REALM
    return response


def _limited(exc: RateLimited) -> HttpResponse:
    response = _plain(429, exc.message)
    response["Retry-After"] = str(exc.retry_after)
    return response


def basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    """The user name and password of an `Authorization: Basic` header (UTF-8, or Latin-1 from
    an old client), or None for no header, another scheme or a malformed one."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded.strip() or len(encoded) > 1024:
        return None
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None


def _reader(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """The view for a reader signed in with HTTP Basic and an app password, or with an app
    password as the key in the address; 401 (Basic), 404 (a bad key) or 429 otherwise."""

    @require_safe
    @wraps(view)
    def wrapped(
        request: HttpRequest, *args: Any, key: str | None = None, **kwargs: Any
    ) -> HttpResponseBase:
        address = ratelimit.client_address(request)
        try:
            if key is not None:
                user = app_passwords.user_for_key(key, address=address)
                if user is None:
                    return _plain(404, "Not found.")
            else:
                credentials = basic_credentials(request)
                if credentials is None:
                    return _challenge()
                user = app_passwords.authenticate_app_password(*credentials, address=address)
                if user is None:
                    return _challenge()
        except RateLimited as exc:
            return _limited(exc)
        try:
            response = view(Catalog(request, user, key), *args, **kwargs)
        except NotFound:
            return _plain(404, "Not found.")
        response["Cache-Control"] = "private, no-store"
        if "Vary" not in response:
            response["Vary"] = "Authorization"
        return response

    return wrapped


# --- building the XML -----------------------------------------------------------------------------


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("", clean_text(value))


def _line(value: str) -> str:
    return " ".join(_xml_text(value).split())


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    namespace, _, local = tag.rpartition(":")
    uri = {"": ATOM, "opds": OPDS, "dc": DC, "opensearch": OPENSEARCH}[namespace]
    element = etree.SubElement(parent, f"{{{uri}}}{local}")
    for name, value in attrs.items():
        element.set(name, _xml_text(value))
    if text is not None:
        element.text = _xml_text(text)
    return element


def _link(parent: etree._Element, rel: str, href: str, kind: str, title: str = "") -> None:
    attrs = {"rel": rel, "href": href, "type": kind}
    if title:
        attrs["title"] = title
    _el(parent, "link", **attrs)


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _feed(catalog: Catalog, *, name: str, args: Sequence[object], title: str, kind: str) -> Any:
    root = etree.Element(f"{{{ATOM}}}feed", nsmap=NSMAP)
    _el(root, "id", catalog.id_of(name, *args))
    _el(root, "title", title)
    _el(root, "updated", _stamp(timezone.now()))
    author = _el(root, "author")
    _el(author, "name", "Broadsheet")
    _link(root, "self", catalog.request.get_full_path(), kind)
    _link(root, "start", catalog.href(""), NAVIGATION, "Broadsheet")
    if name:
        _link(root, "up", catalog.href(""), NAVIGATION, "Broadsheet")
    return root


def _answer(catalog: Catalog, root: Any, kind: str) -> HttpResponse:
    """The feed as Atom; or, to a web browser (one that asks for HTML by name, as an
    e-reader's built-in browser does and catalog apps do not), the same feed as a plain page."""
    if "text/html" in catalog.request.headers.get("Accept", "").lower():
        response = render(catalog.request, "broadsheet/opds_page.html", _page(root))
    else:
        body = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
        response = HttpResponse(body, content_type=kind)
    response["Vary"] = "Accept, Authorization"
    return response


def _page(root: Any) -> dict[str, Any]:
    """What the page of a feed shows, read back from the feed itself (so the two never differ):
    its title, its entries with their links, and the links between pages."""

    def atom(name: str) -> str:
        return "/".join(f"{{{ATOM}}}{part}" for part in name.split("/"))

    def links(element: Any) -> dict[str, str]:
        return {link.get("rel"): link.get("href") for link in element.iterfind(atom("link"))}

    entries = []
    for entry in root.iterfind(atom("entry")):
        found = links(entry)
        about = entry.findtext(atom("summary")) or entry.findtext(atom("content")) or ""
        entries.append(
            {
                "title": entry.findtext(atom("title")) or "",
                "authors": [a.text or "" for a in entry.iterfind(atom("author/name"))],
                "about": about,
                "open": found.get("subsection"),
                "epub": found.get(REL_ACQUISITION),
            }
        )
    around = links(root)
    return {
        "title": root.findtext(atom("title")) or "",
        "entries": entries,
        "start": around.get("start"),
        "previous": around.get("previous"),
        "next": around.get("next"),
    }


def _navigation_entry(
    feed: Any, catalog: Catalog, *, title: str, about: str, href: str, entry_id: str
) -> None:
    entry = _el(feed, "entry")
    _el(entry, "title", title)
    _el(entry, "id", entry_id)
    _el(entry, "updated", _stamp(timezone.now()))
    _el(entry, "content", about, type="text")
    _link(entry, "subsection", href, ACQUISITION, title)


# --- the thumbnails (core.images) -----------------------------------------------------------------


def _thumbnails(catalog: Catalog, items: Sequence[Item]) -> dict[int, str]:
    """Item id -> the address, under this catalog, of the stored thumbnail of each item that has
    one. The one place the catalog learns of stored images (`core.images`): their web address
    needs a browser session, so the catalog serves the same file behind its own sign-in."""
    found: dict[int, str] = {}
    prefix = get_script_prefix().rstrip("/")
    for item_id, web_path in images.thumbnail_urls(items).items():
        try:
            digest = resolve(web_path.removeprefix(prefix)).kwargs["digest"]
        except (Resolver404, KeyError):
            continue
        found[item_id] = catalog.href("image", item_id, digest)
    return found


# --- the feeds ------------------------------------------------------------------------------------


@_reader
def root(catalog: Catalog) -> HttpResponse:
    """The navigation feed: the three lists and the tags."""
    feed = _feed(catalog, name="", args=(), title="Broadsheet", kind=NAVIGATION)
    user = catalog.user
    for shelf in SHELVES.values():
        count = _stories(user, shelf.state, favorite=shelf.favorite).count()
        _navigation_entry(
            feed,
            catalog,
            title=shelf.title,
            about=f"{shelf.about} {count} {'story' if count == 1 else 'stories'}.",
            href=catalog.href(shelf.slug),
            entry_id=catalog.id_of(shelf.slug),
        )
    entry = _el(feed, "entry")
    _el(entry, "title", "Tags")
    _el(entry, "id", catalog.id_of("tags"))
    _el(entry, "updated", _stamp(timezone.now()))
    _el(entry, "content", "Your stories by tag.", type="text")
    _link(entry, "subsection", catalog.href("tags"), NAVIGATION, "Tags")
    return _answer(catalog, feed, NAVIGATION)


@_reader
def tags(catalog: Catalog) -> HttpResponse:
    """A navigation feed of the reader's tags, each leading to its stories."""
    feed = _feed(catalog, name="tags", args=(), title="Tags", kind=NAVIGATION)
    for tag in queries.tag_counts(catalog.user):
        n = tag.stories
        _navigation_entry(
            feed,
            catalog,
            title=tag.name,
            about=f"{n} {'story' if n == 1 else 'stories'}",
            href=catalog.href("tag", tag.id),
            entry_id=catalog.id_of("tag", tag.id),
        )
    return _answer(catalog, feed, NAVIGATION)


def _stories(
    user: AbstractBaseUser,
    state: queries.State,
    *,
    favorite: bool | None = None,
    tag: str | None = None,
) -> QuerySet[Item]:
    """The stories a catalog lists: the reader's ready ones (a story still being fetched, or
    whose fetch failed, would be an empty book), newest saved first."""
    qs = queries.items(user, state, favorite=favorite, tag=tag)
    return qs.filter(status=Item.Status.READY)


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        raise NotFound()
    return int(raw)


def _acquisition(
    catalog: Catalog, stories: QuerySet[Item], *, name: str, args: Sequence[object], title: str
) -> HttpResponse:
    number = _page_number(catalog.request)
    total = stories.count()
    last = max(1, -(-total // PAGE_SIZE))
    if number > last:
        raise NotFound()
    start = (number - 1) * PAGE_SIZE
    items = list(stories.prefetch_related("tags")[start : start + PAGE_SIZE])
    feed = _feed(catalog, name=name, args=args, title=title, kind=ACQUISITION)
    here = catalog.href(name, *args)
    if number > 1:
        _link(feed, "first", here, ACQUISITION)
        _link(feed, "previous", f"{here}?page={number - 1}" if number > 2 else here, ACQUISITION)
    if number < last:
        _link(feed, "next", f"{here}?page={number + 1}", ACQUISITION)
        _link(feed, "last", f"{here}?page={last}", ACQUISITION)
    _el(feed, "opensearch:totalResults", str(total))
    _el(feed, "opensearch:itemsPerPage", str(PAGE_SIZE))
    _el(feed, "opensearch:startIndex", str(start + 1))
    thumbnails = _thumbnails(catalog, items)
    for item in items:
        _entry(feed, catalog, item, thumbnails.get(item.pk))
    return _answer(catalog, feed, ACQUISITION)


def _entry(feed: Any, catalog: Catalog, item: Item, thumbnail: str | None) -> None:
    entry = _el(feed, "entry")
    _el(entry, "title", _line(item.display_title))
    _el(entry, "id", catalog.request.build_absolute_uri(reverse("web:item", args=[item.pk])))
    _el(entry, "updated", _stamp(item.updated_at))
    if item.published is not None:
        _el(entry, "published", _stamp(item.published))
        _el(entry, "dc:issued", item.published.date().isoformat())
    for credit in (item.byline, item.display_agency):
        if _line(credit):
            _el(_el(entry, "author"), "name", _line(credit))
    if item.language.strip():
        _el(entry, "dc:language", export_epub.language_of(item))
    site = _line(item.site_name or item.host)
    if site:
        _el(entry, "dc:publisher", site)
    for tag in item.tags.all():
        _el(entry, "category", term=_line(tag.name), label=_line(tag.name))
    summary = _line(item.summary)
    if summary:
        _el(entry, "summary", summary, type="text")
    minutes = f"{item.reading_minutes} min read · " if item.reading_minutes else ""
    _el(entry, "content", f"{minutes}{site or _line(item.url)}", type="text")
    _link(entry, "alternate", item.url, "text/html", "Source")
    _link(entry, REL_ACQUISITION, catalog.href("epub", item.pk), EPUB, "EPUB")
    if thumbnail is not None:
        _el(entry, "link", rel=REL_IMAGE, href=thumbnail)
        _el(entry, "link", rel=REL_THUMBNAIL, href=thumbnail)


@_reader
def shelf(catalog: Catalog, slug: str) -> HttpResponse:
    """An acquisition feed of one list: unread, archive or favourites."""
    chosen = SHELVES[slug]
    stories = _stories(catalog.user, chosen.state, favorite=chosen.favorite)
    return _acquisition(catalog, stories, name=chosen.slug, args=(), title=chosen.title)


@_reader
def tag(catalog: Catalog, tag_id: int) -> HttpResponse:
    """An acquisition feed of the stories with one of the reader's tags."""
    found = access.tag_for(catalog.user, tag_id)
    stories = _stories(catalog.user, "all", tag=found.name)
    return _acquisition(catalog, stories, name="tag", args=(found.pk,), title=found.name)


# --- the files ------------------------------------------------------------------------------------


@_reader
def epub(catalog: Catalog, item_id: int) -> HttpResponseBase:
    """One story as an EPUB book: its headline, byline, date, source link and images
    (`core.export_epub`). Made in full before the answer starts, so it has a length (an
    e-reader shows the download's progress)."""
    item = access.item_for(catalog.user, item_id)
    out = tempfile.SpooledTemporaryFile(max_size=export_epub.SPOOL_BYTES)  # noqa: SIM115
    try:
        export_epub.write(catalog.user, [item.pk], out, None)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    # FileResponse closes the file when the answer is sent.
    return FileResponse(
        out, as_attachment=True, filename=export_epub.filename(item), content_type=EPUB
    )


@_reader
def image(catalog: Catalog, item_id: int, digest: str) -> HttpResponseBase:
    """A stored image of one of the reader's stories (its thumbnail in the catalog)."""
    stored, handle = images.open_stored(catalog.user, item_id, digest)
    response = FileResponse(handle, content_type=stored.content_type)
    if stored.size:
        response["Content-Length"] = str(stored.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


# --- the addresses --------------------------------------------------------------------------------


def _routes(prefix: str, name: str) -> list[URLPattern]:
    return [
        path(prefix, root, name=name),
        *(
            path(f"{prefix}{slug}/", shelf, {"slug": slug}, name=f"{name}-{slug}")
            for slug in SHELVES
        ),
        path(f"{prefix}tags/", tags, name=f"{name}-tags"),
        path(f"{prefix}tags/<int:tag_id>/", tag, name=f"{name}-tag"),
        path(f"{prefix}items/<int:item_id>.epub", epub, name=f"{name}-epub"),
        path(f"{prefix}images/<int:item_id>/<str:digest>", image, name=f"{name}-image"),
    ]


# Included under "opds/" by web/urls.py: the catalog with HTTP Basic, and the same with the key.
urlpatterns = [*_routes("", "opds"), *_routes("k/<str:key>/", "opds-key")]
