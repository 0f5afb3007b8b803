"""The Netscape bookmark file: what browsers export and import, and what most read-later
services (Pocket, Pinboard, linkding, wallabag, Omnivore) read.

One `<DT><A>` a story: HREF, ADD_DATE (the time it was saved, Unix seconds), LAST_MODIFIED
(archived, starred or saved, the latest), TAGS (comma-separated: a tag name never holds a
comma), TOREAD="1" for a story not read yet and TOREAD="0" for an archived one; a `<DD>` under
it with the summary and the notes, on one line. Every value is HTML-escaped (attributes
quoted), control characters dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from html import escape

from broadsheet.core.export_data import BATCH, clean_text, tag_names
from broadsheet.core.models import Item

HEADER = (
    "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n"
    "<!-- This is an automatically generated file.\n"
    "     It will be read and overwritten.\n"
    "     DO NOT EDIT! -->\n"
    '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">\n'
    "<TITLE>Bookmarks</TITLE>\n"
    "<H1>Broadsheet</H1>\n"
    "<DL><p>\n"
)
FOOTER = "</DL><p>\n"


def _text(value: str) -> str:
    """One line of escaped text."""
    return escape(" ".join(clean_text(value).split()), quote=True)


def _seconds(value: datetime) -> str:
    return str(int(value.timestamp()))


def entry(item: Item) -> str:
    """One story's `<DT>` (and `<DD>` when it has a summary or notes)."""
    changed = max(d for d in (item.saved_at, item.archived_at, item.favorited_at) if d)
    attrs = [
        f'HREF="{_text(item.url)}"',
        f'ADD_DATE="{_seconds(item.saved_at)}"',
        f'LAST_MODIFIED="{_seconds(changed)}"',
        'PRIVATE="1"',
    ]
    tags = ",".join(t for t in (" ".join(n.split()) for n in tag_names(item)) if t)
    if tags:
        attrs.append(f'TAGS="{escape(tags, quote=True)}"')
    # Explicit both ways: a reader of this file that takes a missing TOREAD as unread (ours
    # does) still brings an archived story back archived.
    attrs.append('TOREAD="0"' if item.archived else 'TOREAD="1"')
    out = f"<DT><A {' '.join(attrs)}>{_text(item.title or item.url)}</A>\n"
    described = [item.summary, *(n.text for n in item.notes.all())]
    description = " · ".join(d for d in (_text(x) for x in described) if d)
    if description:
        out += f"<DD>{description}\n"
    return out


def chunks(items: Iterable[Item]) -> Iterator[str]:
    """The whole file, BATCH stories a chunk."""
    yield HEADER
    part: list[str] = []
    for item in items:
        part.append(entry(item))
        if len(part) >= BATCH:
            yield "".join(part)
            part = []
    yield "".join(part) + FOOTER
