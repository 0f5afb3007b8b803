"""A reader's items out, as CSV or JSON: one function for the web, the API and the CLI.

Escaping is per format. CSV cells that a spreadsheet would run as a formula (starting with `=`,
`+`, `-`, `@`, a tab or a carriage return) get a leading `'`, and every cell is quoted. Control
characters other than tab, line feed and carriage return are dropped from text in every format:
no spreadsheet, terminal or XML parser wants them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch

from broadsheet.core import queries
from broadsheet.core.models import Note

Format = Literal["csv", "json"]
FORMATS: tuple[Format, ...] = ("csv", "json")
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
# In a CSV cell, a story's notes follow one another with this between them.
NOTE_SEPARATOR = "\n\n"
CONTENT_TYPES: dict[Format, str] = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

Row = dict[str, Any]


def clean_text(value: str) -> str:
    """The text without control characters (tab, LF and CR stay)."""
    return _CONTROL.sub("", value)


def rows(user: AbstractBaseUser | AnonymousUser, state: queries.State = "all") -> Iterator[Row]:
    """The user's items, newest first, as plain values in COLUMNS order."""
    items = queries.items(user, state).prefetch_related(
        Prefetch("notes", queryset=Note.objects.order_by("created_at", "id"))
    )
    for item in items.iterator(chunk_size=500):
        yield {
            "id": item.pk,
            "url": clean_text(item.url),
            "title": clean_text(item.title),
            "site_name": clean_text(item.site_name),
            "byline": clean_text(item.byline),
            "agency": clean_text(item.agency),
            "published": item.published.isoformat() if item.published else None,
            "saved_at": item.saved_at.isoformat(),
            "archived": item.archived,
            "status": item.status,
            "word_count": item.word_count,
            "rating": item.rating,
            "notes": [
                {"text": clean_text(n.text), "created_at": n.created_at.isoformat()}
                for n in item.notes.all()
            ],
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


def to_csv(data: Iterable[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in data:
        writer.writerow([csv_cell(row.get(c)) for c in COLUMNS])
    return out.getvalue()


def to_json(data: Iterable[Row]) -> str:
    items = [{c: row.get(c) for c in COLUMNS} for row in data]
    return json.dumps({"items": items, "count": len(items)}, ensure_ascii=False, indent=2) + "\n"


def export(user: AbstractBaseUser | AnonymousUser, fmt: Format) -> str:
    """All of the user's items (unread and archived) in `fmt`."""
    if fmt == "csv":
        return to_csv(rows(user))
    return to_json(rows(user))


def filename(fmt: Format) -> str:
    return f"broadsheet-items.{fmt}"
