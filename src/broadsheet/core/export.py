"""A reader's items out, in every export format: one module for the web, the API and the CLI.

- `csv`: one row per story, the COLUMNS below, for spreadsheets.
- `json`: our own format, complete and re-importable (`core.importers.broadsheet_json`): every
  story with its text, HTML, tags, notes and highlights.
- `html`: a Netscape bookmark file, for browsers and other read-later services
  (`export_bookmarks`).
- `markdown`: a ZIP of one Markdown file per story (`export_markdown`).
- `epub`: an EPUB 3 book, a chapter per story, with its images (`export_epub`).

Every format is written as a stream of chunks (`stream`), so an export of a hundred thousand
stories never sits in memory as one string. Escaping is per format. CSV cells that a
spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
return) get a leading `'`, and every cell is quoted. Control characters other than tab, line
feed and carriage return are dropped from text in every format: no spreadsheet, terminal or XML
parser wants them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

from django.utils import timezone

from broadsheet.core import export_bookmarks, export_epub, export_markdown, images
from broadsheet.core.export_data import (
    BATCH,
    User,
    clean_text,
    highlights_of,
    image_sources,
    iso,
    notes_of,
    stories,
    tag_names,
)
from broadsheet.core.models import Item

__all__ = [
    "COLUMNS",
    "CONTENT_TYPES",
    "FORMATS",
    "FORMULA_STARTS",
    "JSON_FIELDS",
    "NOTE_SEPARATOR",
    "Format",
    "clean_text",
    "csv_cell",
    "export",
    "filename",
    "json_chunks",
    "rows",
    "stream",
    "text_stream",
    "to_csv",
    "to_json",
]

Format = Literal["csv", "json", "html", "markdown", "epub"]
FORMATS: tuple[Format, ...] = ("csv", "json", "html", "markdown", "epub")
TextFormat = Literal["csv", "json", "html"]
TEXT_FORMATS: tuple[TextFormat, ...] = ("csv", "json", "html")
COLUMNS = (
    "id",
    "url",
    "title",
    "site_name",
    "byline",
    "agency",
    "published",
    "saved_at",
    "archived",
    "status",
    "word_count",
    "rating",
    "notes",
)
# The keys of one story in the JSON file: the CSV columns first, then the rest.
JSON_FIELDS = (
    *COLUMNS,
    "archived_at",
    "favorite",
    "favorited_at",
    "progress",
    "language",
    "summary",
    "tags",
    "highlights",
    "text",
    "html",
)
JSON_FORMAT = "broadsheet"
JSON_VERSION = 1
# In a CSV cell, a story's notes follow one another with this between them.
NOTE_SEPARATOR = "\n\n"
CONTENT_TYPES: dict[Format, str] = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "markdown": "application/zip",
    "epub": "application/epub+zip",
}
_EXTENSIONS: dict[Format, str] = {
    "csv": "csv",
    "json": "json",
    "html": "html",
    "markdown": "zip",
    "epub": "epub",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = dict[str, Any]


def rows(user: User) -> Iterator[Row]:
    """The user's items, unread and archived, newest first, as plain values in COLUMNS order."""
    for item in stories(user, with_body=False):
        yield _columns(item)


def _columns(item: Item) -> Row:
    return {
        "id": item.pk,
        "url": clean_text(item.url),
        "title": clean_text(item.title),
        "site_name": clean_text(item.site_name),
        "byline": clean_text(item.byline),
        "agency": clean_text(item.agency),
        "published": iso(item.published),
        "saved_at": item.saved_at.isoformat(),
        "archived": item.archived,
        "status": item.status,
        "word_count": item.word_count,
        "rating": item.rating,
        "notes": notes_of(item),
    }


def story(item: Item) -> Row:
    """One story as the JSON file holds it, in JSON_FIELDS order."""
    return _columns(item) | {
        "archived_at": iso(item.archived_at),
        "favorite": item.favorite,
        "favorited_at": iso(item.favorited_at),
        "progress": item.progress,
        "language": clean_text(item.language),
        "summary": clean_text(item.summary),
        "tags": tag_names(item),
        "highlights": highlights_of(item),
        "text": clean_text(item.text),
        # Our image addresses mean nothing elsewhere: the page's own, for another server to fetch.
        "html": clean_text(images.with_source_urls(item.html, image_sources(item))),
    }


def csv_cell(value: Any) -> str:
    """One CSV cell: text that a spreadsheet would evaluate is made inert with a leading `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = NOTE_SEPARATOR.join(str(note["text"]) for note in value)
    if not isinstance(value, str):
        return str(value)
    text = clean_text(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_chunks(data: Iterable[Row]) -> Iterator[str]:
    """The CSV file, a header then BATCH rows a chunk."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for n, row in enumerate(data, start=1):
        writer.writerow([csv_cell(row.get(c)) for c in COLUMNS])
        if n % BATCH == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def to_csv(data: Iterable[Row]) -> str:
    return "".join(csv_chunks(data))


def json_chunks(data: Iterable[Row]) -> Iterator[str]:
    """Our JSON file: `{"format": "broadsheet", "version": 1, "exported_at": ..., "items":
    [...], "count": n}`, one story a line (the importer reads it back a line at a time)."""
    head = {"format": JSON_FORMAT, "version": JSON_VERSION, "exported_at": iso(timezone.now())}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "items": [\n'
    count = 0
    for row in data:
        line = json.dumps(row, ensure_ascii=False)
        yield (",\n" if count else "") + line
        count += 1
    yield ("\n" if count else "") + f'], "count": {count}}}\n'


def to_json(data: Iterable[Row]) -> str:
    return "".join(json_chunks(data))


def text_stream(user: User, fmt: TextFormat, ids: Sequence[int] | None = None) -> Iterator[str]:
    """A text format (csv, json, html) of the user's stories (all of them, or `ids`, checked
    with `export_data.selected` first), as chunks of text."""
    if fmt == "csv":
        return csv_chunks(_columns(i) for i in stories(user, ids, with_body=False))
    if fmt == "json":
        return json_chunks(story(i) for i in stories(user, ids))
    return export_bookmarks.chunks(stories(user, ids, with_body=False))


def stream(user: User, fmt: Format, ids: Sequence[int] | None = None) -> Iterator[bytes]:
    """Any format of the user's stories as chunks of bytes (UTF-8 for the text formats)."""
    if fmt == "markdown":
        return export_markdown.chunks(stories(user, ids))
    if fmt == "epub":
        return export_epub.chunks(user, ids)
    return (chunk.encode("utf-8") for chunk in text_stream(user, fmt, ids))


def export(user: User, fmt: TextFormat) -> str:
    """All of the user's items (unread and archived) in a text format, as one string (for
    small libraries and tests; the doors stream with `stream`)."""
    return "".join(text_stream(user, fmt))


def filename(fmt: Format) -> str:
    return f"broadsheet-items.{_EXTENSIONS[fmt]}"
