"""wallabag v2's JSON export: a list of entries.

Kept from each entry: `url`; `title`; `is_archived` (0/1 or a boolean) and `is_starred`;
`content` (the article's HTML, so the story needs no fetching); `created_at` (the saved date),
`archived_at` and `published_at`; `tags` (names, or objects with a `label`); `annotations`
(each one's `quote` and `text` become a highlight and its note, with its `created_at`);
`published_by` (names, joined with ", " into the byline); `domain_name` (the site name);
`language`. `id`, `reading_time` and `preview_picture` are passed on in `extra`. `updated_at`,
`starred_at`, `mimetype`, `http_status`, `headers` and the user's name and address are not kept.

The file is read entry by entry (`_jsonlist`), never whole.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import BinaryIO

from broadsheet.core.importers import (
    Entry,
    HighlightRecord,
    Invalid,
    Reader,
    Record,
    _fields,
    register,
)
from broadsheet.core.importers._fields import BadRow
from broadsheet.core.importers._jsonlist import JsonList
from broadsheet.core.importers._streams import text_stream

_LIST_OF_OBJECTS = re.compile(rb"^(?:\xef\xbb\xbf)?\s*\[\s*\{")


def _tags(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list):
        return ()
    names = [tag.get("label") if isinstance(tag, dict) else tag for tag in raw]
    return _fields.tags(names)


def _highlights(raw: object) -> tuple[HighlightRecord, ...]:
    if not isinstance(raw, list):
        return ()
    found = []
    for annotation in raw:
        if not isinstance(annotation, dict):
            continue
        quote = _fields.text(annotation.get("quote"))
        if quote:
            found.append(
                HighlightRecord(
                    quote=quote,
                    note=_fields.text(annotation.get("text")),
                    created_at=_fields.optional(_fields.iso_time, annotation.get("created_at")),
                )
            )
    return tuple(found)


def _byline(raw: object) -> str:
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, list):
        return ", ".join(name.strip() for name in raw if isinstance(name, str) and name.strip())
    return ""


def _extra(entry: dict[str, object]) -> dict[str, object]:
    extra: dict[str, object] = {}
    if isinstance(entry.get("id"), int | str):
        extra["wallabag_id"] = entry["id"]
    reading_time = entry.get("reading_time")
    if isinstance(reading_time, int) and not isinstance(reading_time, bool):
        extra["reading_time"] = reading_time
    picture = entry.get("preview_picture")
    if isinstance(picture, str) and picture.strip():
        with contextlib.suppress(BadRow):
            extra["preview_picture"] = _fields.web_address(picture)
    return extra


def _record(index: int, entry: object) -> Record:
    if not isinstance(entry, dict):
        raise BadRow("not a wallabag entry (a JSON object was expected)")
    content = entry.get("content")
    return Record(
        line=index,
        url=_fields.web_address(entry.get("url")),
        title=_fields.text(entry.get("title")),
        saved_at=_fields.iso_time(entry.get("created_at")),
        tags=_tags(entry.get("tags")),
        archived=_fields.flag(entry.get("is_archived")),
        archived_at=_fields.optional(_fields.iso_time, entry.get("archived_at")),
        favorite=_fields.flag(entry.get("is_starred")),
        published=_fields.optional(_fields.iso_time, entry.get("published_at")),
        byline=_byline(entry.get("published_by")),
        site_name=_fields.text(entry.get("domain_name")),
        language=_fields.text(entry.get("language")),
        html=content if isinstance(content, str) and content.strip() else None,
        highlights=_highlights(entry.get("annotations")),
        extra=_extra(entry),
    )


def read(fileobj: BinaryIO, name: str) -> Iterator[Entry]:
    for item in JsonList(text_stream(fileobj), "wallabag export"):
        if isinstance(item, Invalid):
            yield item
            continue
        index, entry = item
        try:
            yield _record(index, entry)
        except BadRow as exc:
            yield Invalid(index, exc.reason)


def sniff(head: bytes, name: str) -> bool:
    if not _LIST_OF_OBJECTS.match(head):
        return False
    return b'"is_archived"' in head or b'"is_starred"' in head


register(Reader(name="wallabag", label="wallabag (JSON export)", read=read, sniff=sniff))
