"""An EPUB 3 book of stories (ebooklib), for e-readers: one story, a selection, or the newest
MAX_STORIES of the library.

Each story is a chapter: its title, byline and site, then its HTML, sanitised again (the
allow-list sanitizer, `extract.sanitize_html`) and written as XHTML, with its images inside the
book. Images are fetched only through `broadsheet.fetch` (the safe client: no private
addresses unless the operator allows them, one deadline, a size cap), at most IMAGE_MAX_BYTES
each and BOOK_IMAGE_MAX_BYTES a book, of the types every reader shows (PNG, JPEG, GIF, WebP,
checked by their first bytes); an image that cannot be fetched, or is not one of those, is
dropped from its chapter and the book is made all the same.

The book is written to a temporary file (in memory while it is small) and read back in chunks.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import IO, Any

import lxml.html
from django.utils import timezone
from ebooklib import epub  # type: ignore[import-untyped]
from lxml import etree

from broadsheet import fetch
from broadsheet.core import images as image_store
from broadsheet.core import processing
from broadsheet.core.export_data import User, clean_text, stories
from broadsheet.core.models import Item
from broadsheet.extract import sanitize_html

# The EPUB of a whole library holds its newest this many stories.
MAX_STORIES = 200
IMAGE_MAX_BYTES = 5 * 1024 * 1024
BOOK_IMAGE_MAX_BYTES = 50 * 1024 * 1024
IMAGES_PER_STORY = 50
# One image's fetch may take this long (or the server's BROADSHEET_FETCH_DEADLINE, if shorter);
# after IMAGES_TIME_BUDGET seconds of fetching for one book, the remaining images are dropped.
IMAGE_DEADLINE = 10.0
IMAGES_TIME_BUDGET = 120.0
CHUNK_BYTES = 64 * 1024
# In memory up to this size, then on disk.
SPOOL_BYTES = 8 * 1024 * 1024

# Media type -> (extension, how the file starts).
IMAGE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "image/png": ("png", (b"\x89PNG\r\n\x1a\n",)),
    "image/jpeg": ("jpg", (b"\xff\xd8\xff",)),
    "image/gif": ("gif", (b"GIF87a", b"GIF89a")),
    "image/webp": ("webp", (b"RIFF",)),
}
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
# Attributes the sanitizer keeps for the web that an EPUB reader has no use for.
_DROPPED_ATTRIBUTES = ("referrerpolicy",)


def _image_type(content: bytes) -> str | None:
    """The media type of an image we keep, from its first bytes (whatever the server declared);
    None for anything else (SVG, which may hold scripts, among them)."""
    for media_type, (_ext, magics) in IMAGE_TYPES.items():
        if content.startswith(magics):
            if media_type == "image/webp" and content[8:12] != b"WEBP":
                continue
            return media_type
    return None


@dataclass
class Images:
    """The images of one book: fetched once per address, within the caps."""

    options: fetch.FetchOptions
    added: dict[str, str] = field(default_factory=dict)  # address -> file name in the book
    failed: set[str] = field(default_factory=set)
    total: int = 0
    spent: float = 0.0
    items: list[Any] = field(default_factory=list)

    @classmethod
    def for_server(cls) -> Images:
        base = processing.fetch_options()
        options = fetch.FetchOptions(
            allow_private=base.allow_private,
            deadline=min(base.deadline, IMAGE_DEADLINE),
            max_bytes=IMAGE_MAX_BYTES,
            accept=frozenset({"image"}),
        )
        return cls(options=options)

    def file_for(self, address: str, item: Item | None = None) -> str | None:
        """The image's file name in the book, getting it the first time (`image_bytes`); None
        when it cannot be had (the caller drops the image)."""
        if address in self.added:
            return self.added[address]
        if address in self.failed or self.spent >= IMAGES_TIME_BUDGET:
            return None
        started = time.monotonic()
        try:
            content = image_bytes(item, address, self.options)
        finally:
            self.spent += time.monotonic() - started
        if content is None:
            self.failed.add(address)
            return None
        media_type = _image_type(content)
        if media_type is None or self.total + len(content) > BOOK_IMAGE_MAX_BYTES:
            self.failed.add(address)
            return None
        digest = hashlib.sha256(address.encode("utf-8")).hexdigest()[:16]
        name = f"images/{digest}.{IMAGE_TYPES[media_type][0]}"
        self.items.append(
            epub.EpubImage(
                uid=f"img-{digest}", file_name=name, media_type=media_type, content=content
            )
        )
        self.total += len(content)
        self.added[address] = name
        return name


def image_bytes(item: Item | None, address: str, options: fetch.FetchOptions) -> bytes | None:
    """The bytes of one image of a story (`item`, when known) at `address`, or None when it
    cannot be had. The one place a book gets its images: the stored copy (`core.images`: the
    story's `/images/...` address, or the source address of an image it stored) when there is
    one, else fetched through `broadsheet.fetch` as a fallback (the caller checks what the
    bytes are)."""
    if item is not None:
        stored = image_store.read_stored(item, address)
        if stored is not None:
            return stored[1]
    if not address.startswith(("http://", "https://")):
        return None  # one of our own addresses whose copy is gone: nothing to fetch
    try:
        return fetch.fetch(address, options=options).content
    except fetch.FetchError:
        return None


def _fragment(item: Item) -> lxml.html.HtmlElement:
    """The story's body as an element tree: its sanitised HTML, or its text as paragraphs."""
    html = sanitize_html(clean_text(item.html)) if item.html.strip() else ""
    if not html.strip():
        paragraphs = [" ".join(line.split()) for line in item.text.splitlines() if line.strip()]
        html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return lxml.html.fragment_fromstring(html or "", create_parent="div")


def _with_images(body: lxml.html.HtmlElement, images: Images, item: Item) -> None:
    for n, img in enumerate(list(body.iter("img"))):
        src = img.get("src", "")
        name = images.file_for(src, item) if src and n < IMAGES_PER_STORY else None
        if name is None:
            img.drop_tree()  # keeps the text after it
        else:
            img.set("src", name)
            img.set("alt", img.get("alt", ""))
    for el in body.iter():
        for attr in _DROPPED_ATTRIBUTES:
            el.attrib.pop(attr, None)


def chapter_xhtml(item: Item, images: Images) -> str:
    """The chapter's document: the head of the story (escaped) and its body (sanitised)."""
    title = escape(" ".join(clean_text(item.title or item.url).split()))
    credit = " · ".join(
        escape(" ".join(clean_text(x).split())) for x in (item.byline, item.agency) if x.strip()
    )
    site = escape(" ".join(clean_text(item.site_name or item.host or item.url).split()))
    url = escape(clean_text(item.url), quote=True)
    body = _fragment(item)
    _with_images(body, images, item)
    inner = escape(body.text or "") + "".join(
        etree.tostring(child, method="xml", encoding="unicode") for child in body
    )
    head = f"<h1>{title}</h1>"
    if credit:
        head += f'<p class="byline">{credit}</p>'
    head += _dateline(item)
    head += f'<p class="site"><a href="{url}">{site}</a></p>'
    document = f"<head><title>{title}</title></head><body><article>{head}{inner}</article></body>"
    return f"<html>{document}</html>"


def _dateline(item: Item) -> str:
    """The story's date under its byline: when it was published, or else when it was saved."""
    when = item.published or item.saved_at
    if when is None:
        return ""
    day = timezone.localtime(when) if timezone.is_aware(when) else when
    shown = f"{day.day} {day:%B %Y}"
    label = "" if item.published else "Saved "
    return f'<p class="date"><time datetime="{when.isoformat()}">{label}{shown}</time></p>'


def filename(item: Item) -> str:
    """A file name for the book of one story: its title in lower case ASCII words joined by
    hyphens (at most 80 characters), or ``story-ID`` for a title with no such words."""
    from django.utils.text import slugify

    slug = slugify(clean_text(item.title))[:80].strip("-")
    return f"{slug or f'story-{item.pk}'}.epub"


def language_of(item: Item) -> str:
    lang = item.language.strip()
    return lang if _LANGUAGE.fullmatch(lang) else "en"


def book(items: Sequence[Item], images: Images, *, user_label: str = "") -> Any:
    """The EPUB book of these stories."""
    book = epub.EpubBook()
    now = timezone.now()
    key = ",".join(str(i.pk) for i in items) + f"@{now.isoformat()}"
    book.set_identifier("urn:broadsheet:" + hashlib.sha256(key.encode()).hexdigest()[:32])
    if len(items) == 1:
        only = items[0]
        book.set_title(" ".join(clean_text(only.title or only.url).split()))
        if only.byline.strip():
            book.add_author(" ".join(clean_text(only.byline).split()))
        _story_metadata(book, only)
    else:
        book.set_title(f"Broadsheet: {len(items)} stories")
        if user_label:
            book.add_author(user_label)
    book.set_language(language_of(items[0]) if items else "en")
    chapters = []
    for n, item in enumerate(items, start=1):
        chapter = epub.EpubHtml(
            title=" ".join(clean_text(item.title or item.url).split()),
            file_name=f"story-{n}.xhtml",
            lang=language_of(item),
            uid=f"story-{n}",
        )
        chapter.content = chapter_xhtml(item, images)
        book.add_item(chapter)
        chapters.append(chapter)
    for image in images.items:
        book.add_item(image)
    book.toc = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    return book


def _story_metadata(book: Any, item: Item) -> None:
    """The book of one story says where and when it comes from (Dublin Core): the date it was
    published, its address, its site and its summary."""
    if item.published is not None:
        book.add_metadata("DC", "date", item.published.isoformat())
    book.add_metadata("DC", "source", clean_text(item.url))
    site = " ".join(clean_text(item.site_name or item.host).split())
    if site:
        book.add_metadata("DC", "publisher", site)
    summary = " ".join(clean_text(item.summary).split())
    if summary:
        book.add_metadata("DC", "description", summary)


def write(user: User, ids: Sequence[int] | None, out: IO[bytes], images: Images | None) -> None:
    """Write the EPUB of the user's stories (`ids`, checked first with `export_data.selected`,
    or the newest MAX_STORIES) to `out`."""
    items = list(stories(user, ids, limit=None if ids is not None else MAX_STORIES))
    label = " ".join(clean_text(user.get_username()).split()) if user.is_authenticated else ""
    made = book(items, images or Images.for_server(), user_label=label)
    epub.write_epub(out, made, {"raise_exceptions": True})


def chunks(
    user: User, ids: Sequence[int] | None = None, images: Images | None = None
) -> Iterator[bytes]:
    """The EPUB file, in chunks of CHUNK_BYTES (the book is made before the first chunk)."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
        write(user, ids, out, images)
        out.seek(0)
        while chunk := out.read(CHUNK_BYTES):
            yield chunk
