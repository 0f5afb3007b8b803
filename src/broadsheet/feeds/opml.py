"""OPML subscription lists: ``parse_opml`` (import) and ``write_opml`` (export).

Import reads every ``<outline>`` with an ``xmlUrl`` (any case of the name) as a feed: its
``title`` (else ``text``) attribute as its title, its ``htmlUrl`` as its site, and the titles of
the outlines it sits in, joined with " / ", as its category ("News / Science"). Outlines
without ``xmlUrl`` are categories; one that only has a web address (``url`` or ``htmlUrl``) is
reported as skipped, being a link rather than a feed.

An outline is skipped, and reported in ``OpmlResult.skipped`` as ``(what, why)``, when its
``xmlUrl`` is not an absolute http(s) address (``javascript:``, ``data:``, ``file:``, ``ftp:``,
a relative address, ...: see :mod:`.urls`) or repeats one seen earlier in the file.

Limits:

``MAX_OPML_BYTES`` = 5 MiB
    a larger file is refused (``OpmlError``, code ``opml_too_large``).
``MAX_OPML_FEEDS`` = 1,000
    the feeds after the first 1,000 are not imported; they are reported together as one
    skipped item ("N more feeds") saying so: split the file to import them.
``MAX_OPML_SKIPPED`` = 200
    at most this many skipped outlines are listed one by one; the rest are reported together
    as one more item ("N more outlines").
``MAX_CATEGORY_CHARS`` = 100
    a category label is cut to this (ellipsis included).

Titles are one line of plain text of at most ``MAX_TITLE_CHARS`` (300) characters. The file is
decoded and stripped of any DTD as :mod:`.safexml` says, then read by lxml with entity
resolution, DTD loading and network access off; a file that is not well-formed is read again
in lxml's recovery mode, and only a file with no ``<opml>`` root and ``<body>`` is refused.

Export writes OPML 2.0: the feeds without a category first, then one outline per category
holding its feeds, in the order first seen. ``parse_opml(write_opml(feeds))`` gives the same
feeds (titles and categories normalised as above).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Any, NamedTuple

import lxml.etree

from .errors import OpmlError
from .safexml import clean_xml_text, decode_xml, utf8_document
from .text import MAX_TITLE_CHARS, one_line
from .urls import http_url, why_not_http_url

__all__ = [
    "MAX_CATEGORY_CHARS",
    "MAX_OPML_BYTES",
    "MAX_OPML_FEEDS",
    "MAX_OPML_SKIPPED",
    "OpmlFeed",
    "OpmlResult",
    "OpmlSkipped",
    "parse_opml",
    "write_opml",
]

MAX_OPML_BYTES = 5 * 1024 * 1024
MAX_OPML_FEEDS = 1000
MAX_OPML_SKIPPED = 200
MAX_CATEGORY_CHARS = 100
CATEGORY_SEPARATOR = " / "
# "what" in a skipped item: the outline's title or address, cut to this.
_WHAT_CHARS = 200


@dataclass(frozen=True)
class OpmlFeed:
    url: str  #: absolute http(s)
    title: str | None = None  #: one line, or None if the outline has none
    category: str | None = None  #: the enclosing outlines' titles joined with " / "
    site_url: str | None = None  #: the outline's htmlUrl, if usable


class OpmlSkipped(NamedTuple):
    what: str  #: the outline's title or address (or "N more ...")
    why: str  #: a sentence for the reader


@dataclass(frozen=True)
class OpmlResult:
    feeds: tuple[OpmlFeed, ...]
    skipped: tuple[OpmlSkipped, ...]
    title: str | None = None  #: the file's own title (head/title), if any


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""


def _attr(element: Any, name: str) -> str | None:
    """The attribute ``name``, matched without regard to case (exporters spell xmlUrl many
    ways)."""
    value = element.get(name)
    if value is None:
        for key, candidate in element.attrib.items():
            if isinstance(key, str) and key.rpartition("}")[2].lower() == name.lower():
                return str(candidate)
    return value if isinstance(value, str) else None


def _parse_tree(document: bytes) -> Any:
    options: dict[str, Any] = {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "dtd_validation": False,
        "huge_tree": False,
        "remove_comments": True,
        "remove_pis": True,
    }
    try:
        return lxml.etree.fromstring(document, lxml.etree.XMLParser(**options))
    except lxml.etree.XMLSyntaxError:
        pass
    try:
        return lxml.etree.fromstring(document, lxml.etree.XMLParser(recover=True, **options))
    except lxml.etree.XMLSyntaxError as error:
        raise OpmlError("This file is not OPML: it is not readable as XML.") from error


def _outlines(body: Any) -> Iterator[tuple[Any, tuple[str, ...]]]:
    """Every outline under ``body`` in document order, with the titles of the outlines around
    it. Iterative, so depth costs no recursion."""
    stack: list[tuple[Iterator[Any], tuple[str, ...]]] = [(iter(body), ())]
    while stack:
        children, path = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            continue
        if _local(child.tag) != "outline":
            continue
        yield child, path
        title = one_line(_attr(child, "title") or _attr(child, "text"), MAX_TITLE_CHARS)
        inner = (*path, title) if title and not _attr(child, "xmlUrl") else path
        stack.append((iter(child), inner))


def _category(path: tuple[str, ...]) -> str | None:
    return one_line(CATEGORY_SEPARATOR.join(path), MAX_CATEGORY_CHARS) or None


def parse_opml(body: bytes) -> OpmlResult:
    """The feeds of an OPML file; see the module docstring for what is skipped and the limits.

    Raises :class:`OpmlError` if the file is too large or not OPML at all.
    """
    if len(body) > MAX_OPML_BYTES:
        raise OpmlError(
            f"The file is larger than {MAX_OPML_BYTES // (1024 * 1024)} MiB, "
            "the most Broadsheet imports at once.",
            code="opml_too_large",
        )
    if not body.strip():
        raise OpmlError("The file is empty.", code="opml_empty")
    root = _parse_tree(utf8_document(clean_xml_text(decode_xml(body))))
    if root is None or _local(root.tag) != "opml":
        found = f" (it starts with <{_local(root.tag)}>)" if root is not None else ""
        raise OpmlError(f"This file is not OPML{found}.")
    body_element = next((el for el in root if _local(el.tag) == "body"), None)
    if body_element is None:
        raise OpmlError("This OPML file has no <body>, so it lists no feeds.")
    head = next((el for el in root if _local(el.tag) == "head"), None)
    title_element = (
        next((el for el in head if _local(el.tag) == "title"), None) if head is not None else None
    )
    file_title = (
        one_line(title_element.text, MAX_TITLE_CHARS) or None if title_element is not None else None
    )

    feeds: list[OpmlFeed] = []
    skipped: list[OpmlSkipped] = []
    more_outlines = 0
    more_feeds = 0
    seen: set[str] = set()

    def skip(what: str, why: str) -> None:
        nonlocal more_outlines
        if len(skipped) < MAX_OPML_SKIPPED:
            skipped.append(OpmlSkipped(one_line(what, _WHAT_CHARS) or "(an outline)", why))
        else:
            more_outlines += 1

    for outline, path in _outlines(body_element):
        raw_url = _attr(outline, "xmlUrl")
        title = one_line(_attr(outline, "title") or _attr(outline, "text"), MAX_TITLE_CHARS)
        if raw_url is None or not raw_url.strip():
            link = _attr(outline, "url") or _attr(outline, "htmlUrl")
            if link and len(outline) == 0:
                skip(title or link, "A link to a page, not a feed: it has no xmlUrl.")
            continue
        url, why = why_not_http_url(raw_url)
        if url is None:
            skip(title or raw_url, f"{why[:1].upper()}{why[1:]}.")
            continue
        if url in seen:
            skip(title or url, "The same feed is listed earlier in the file.")
            continue
        seen.add(url)
        if len(feeds) >= MAX_OPML_FEEDS:
            more_feeds += 1
            continue
        feeds.append(
            OpmlFeed(
                url=url,
                title=title or None,
                category=_category(path),
                site_url=http_url(_attr(outline, "htmlUrl")),
            )
        )
    if more_outlines:
        skipped.append(
            OpmlSkipped(
                f"{more_outlines:,} more outlines",
                f"Skipped for the same kinds of reasons; only the first {MAX_OPML_SKIPPED} "
                "are listed.",
            )
        )
    if more_feeds:
        skipped.append(
            OpmlSkipped(
                f"{more_feeds:,} more feeds",
                f"Not imported: one file imports at most {MAX_OPML_FEEDS:,} feeds. "
                "Import the rest from a second file.",
            )
        )
    return OpmlResult(feeds=tuple(feeds), skipped=tuple(skipped), title=file_title)


def write_opml(feeds: Iterable[OpmlFeed], title: str, *, created: datetime | None = None) -> bytes:
    """An OPML 2.0 document (UTF-8) listing ``feeds``, grouped by category.

    Titles and categories are normalised as on import (one line, within their limits); every
    value is escaped by the XML writer. Raises ValueError for a feed whose url is not an
    absolute http(s) address (such a feed could not have been subscribed).
    """
    opml = lxml.etree.Element("opml", version="2.0")
    head = lxml.etree.SubElement(opml, "head")
    lxml.etree.SubElement(head, "title").text = one_line(title, MAX_TITLE_CHARS)
    if created is not None:
        if created.tzinfo is None:
            raise ValueError("created must be an aware datetime")
        lxml.etree.SubElement(head, "dateCreated").text = format_datetime(created)
    body = lxml.etree.SubElement(opml, "body")
    groups: dict[str, Any] = {}
    for feed in feeds:
        url = http_url(feed.url)
        if url is None:
            raise ValueError(f"not an http(s) feed address: {feed.url!r}")
        category = one_line(feed.category, MAX_CATEGORY_CHARS)
        parent = body
        if category:
            parent = groups.get(category)
            if parent is None:
                parent = groups[category] = lxml.etree.SubElement(
                    body, "outline", text=category, title=category
                )
        feed_title = one_line(feed.title, MAX_TITLE_CHARS)
        outline = lxml.etree.SubElement(parent, "outline", type="rss", text=feed_title)
        if feed_title:
            outline.set("title", feed_title)
        outline.set("xmlUrl", url)
        site = http_url(feed.site_url)
        if site is not None:
            outline.set("htmlUrl", site)
    # The uncategorised feeds first: move the category outlines after them.
    for group in groups.values():
        body.remove(group)
        body.append(group)
    return bytes(
        lxml.etree.tostring(opml, xml_declaration=True, encoding="utf-8", pretty_print=True)
    )
