"""Netscape bookmark files (`<!DOCTYPE NETSCAPE-Bookmark-file-1>`): what browsers, Pinboard,
linkding, Raindrop and others export.

Each `<DT><A HREF ADD_DATE TAGS TOREAD>Title</A>` is a story. `ADD_DATE` is Unix seconds (values
too large for seconds are read as milliseconds or microseconds, which some tools write); `TAGS`
are separated by commas; the names of the `<H3>` folders a bookmark sits in become tags too,
except the browser's toolbar folder (`PERSONAL_TOOLBAR_FOLDER="true"`). The `<DD>` text after a
bookmark becomes a note. `TOREAD="1"` means unread, and so does a bookmark without TOREAD
(browsers never write it); an explicit `TOREAD="0"` archives the story. `PRIVATE` is ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from broadsheet.core.importers import (
    Entry,
    Invalid,
    Reader,
    Record,
    UnreadableFile,
    _fields,
    _html,
    limits,
    register,
)
from broadsheet.core.importers._fields import BadRow

DOCTYPE = "netscape-bookmark-file"
# ADD_DATE values above these are milliseconds, then microseconds, not seconds.
_MILLISECONDS_FROM = 100_000_000_000
_MICROSECONDS_FROM = 100_000_000_000_000
# Where one item ends in markup that forgot to close it.
_ITEM_TAGS = frozenset({"dt", "dl", "a", "h3", "dd"})


@dataclass
class _Bookmark:
    line: int
    href: str | None
    title: str
    add_date: str | None
    tags: str
    toread: str | None
    folders: tuple[str, ...]
    note: str = ""


def add_date(raw: str | None) -> datetime | None:
    value = (raw or "").strip()
    if value.isascii() and value.isdigit():
        number = int(value)
        if number >= _MICROSECONDS_FROM:
            return _fields.unix_time(number / 1_000_000)
        if number >= _MILLISECONDS_FROM:
            return _fields.unix_time(number / 1000)
    return _fields.unix_time(value)


def _entry(bookmark: _Bookmark) -> Entry:
    try:
        return Record(
            line=bookmark.line,
            url=_fields.web_address(bookmark.href),
            title=bookmark.title,
            saved_at=add_date(bookmark.add_date),
            tags=_fields.tags([*bookmark.tags.split(","), *bookmark.folders]),
            archived=(bookmark.toread or "").strip() == "0",
            notes=(bookmark.note,) if bookmark.note else (),
        )
    except BadRow as exc:
        return Invalid(bookmark.line, exc.reason)


def read(fileobj: BinaryIO, name: str) -> Iterator[Entry]:
    head = fileobj.read(limits.HEAD_BYTES).decode("utf-8", errors="replace").lower()
    fileobj.seek(0)
    if DOCTYPE not in head and "<dl" not in head:
        raise UnreadableFile(
            "not a bookmarks file: it has no NETSCAPE-Bookmark-file-1 doctype and no <DL> list"
        )
    folders: list[str] = []
    folder_name = ""  # the last <H3>, waiting for its <DL>
    open_h3: _html.Element | None = None
    # Open <A> elements and their bookmarks; a bookmark is taken from its <A> early (with the
    # text so far) when sloppy markup leaves the <A> open around the next item.
    open_links: list[tuple[_html.Element, _Bookmark]] = []
    taken: set[int] = set()
    pending: _Bookmark | None = None  # the last bookmark, waiting for a <DD>
    for event, element in _html.events(fileobj):
        tag = element.tag.lower()
        if event == "start":
            if tag in _ITEM_TAGS:
                if pending is not None and tag != "dd":
                    yield _entry(pending)
                    pending = None
                if open_links and id(open_links[-1][1]) not in taken:
                    link, bookmark = open_links[-1]
                    bookmark.title = " ".join((link.text or "").split())
                    taken.add(id(bookmark))
                    if pending is not None:
                        yield _entry(pending)
                    pending = bookmark
            if tag == "dl":
                if open_h3 is not None:
                    folder_name = _folder_name(open_h3, own_text_only=True)
                    open_h3 = None
                folders.append(folder_name)
                folder_name = ""
            elif tag == "h3":
                open_h3 = element
            elif tag == "a":
                open_links.append((element, _bookmark(element, folders)))
            continue
        if tag == "h3":
            if open_h3 is element:
                folder_name = _folder_name(element, own_text_only=False)
            open_h3 = None
        elif tag == "a":
            if open_links:
                _, bookmark = open_links.pop()
                if id(bookmark) in taken:
                    taken.discard(id(bookmark))
                else:
                    bookmark.title = _html.words(element)
                    if pending is not None:
                        yield _entry(pending)
                    pending = bookmark
        elif tag == "dd" and pending is not None:
            pending.note = _html.words(element)
            yield _entry(pending)
            pending = None
        elif tag == "dl":
            if pending is not None:
                yield _entry(pending)
                pending = None
            if folders:
                folders.pop()
    if pending is not None:
        yield _entry(pending)


def _bookmark(element: _html.Element, folders: list[str]) -> _Bookmark:
    return _Bookmark(
        line=element.sourceline or 0,
        href=element.get("href"),
        title="",
        add_date=element.get("add_date"),
        tags=element.get("tags") or "",
        toread=element.get("toread"),
        folders=tuple(name for name in folders if name),
    )


def _folder_name(element: _html.Element, *, own_text_only: bool) -> str:
    if (element.get("personal_toolbar_folder") or "").lower() == "true":
        return ""
    return " ".join((element.text or "").split()) if own_text_only else _html.words(element)


def sniff(head: bytes, name: str) -> bool:
    return DOCTYPE in head[:4096].decode("utf-8", errors="replace").lower()


register(Reader(name="netscape", label="Bookmarks file (Netscape HTML)", read=read, sniff=sniff))
