"""Instapaper's CSV export.

Columns, by header name: `URL`, `Title`, `Selection`, `Folder`, and in newer exports also
`Timestamp` (Unix seconds) and `Tags` (a JSON list of names, `["a","b"]`). The folder "Archive"
archives the story, "Starred" makes it a favorite, "Unread" does nothing; any other folder's name
becomes a tag. A `Selection` (a passage the reader quoted) becomes one highlight.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import BinaryIO

from broadsheet.core.importers import (
    Entry,
    HighlightRecord,
    Reader,
    Record,
    _fields,
    register,
)
from broadsheet.core.importers._csv import Row, records
from broadsheet.core.importers._streams import header_cells, text_stream

HEADER = ("url", "title", "selection", "folder")
_STATE_FOLDERS = frozenset({"unread", "archive", "starred"})


def parse_tags(raw: str) -> tuple[str, ...]:
    """The Tags cell: a JSON list of names; when it is not valid JSON, the text between the
    brackets split on commas."""
    value = raw.strip()
    if not value:
        return ()
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):
        parsed = None
    if isinstance(parsed, list):
        return _fields.tags(parsed)
    if isinstance(parsed, str):
        return _fields.tags([parsed])
    inner = value.removeprefix("[").removesuffix("]")
    return _fields.tags(part.strip().strip("\"'") for part in inner.split(","))


def _record(row: Row) -> Record:
    url = _fields.web_address(row.get("url"))
    folder = row.get("folder").strip()
    names = list(parse_tags(row.get("tags")))
    if folder and folder.lower() not in _STATE_FOLDERS:
        names.append(folder)
    selection = row.get("selection").strip()
    return Record(
        line=row.line,
        url=url,
        title=row.get("title").strip(),
        saved_at=_fields.unix_time(row.get("timestamp")),
        tags=_fields.tags(names),
        archived=folder.lower() == "archive",
        favorite=folder.lower() == "starred",
        highlights=(HighlightRecord(quote=selection),) if selection else (),
    )


def read(fileobj: BinaryIO, name: str) -> Iterator[Entry]:
    return records(text_stream(fileobj), "an Instapaper CSV export", _record)


def sniff(head: bytes, name: str) -> bool:
    return tuple(header_cells(head)[:4]) == HEADER


register(Reader(name="instapaper", label="Instapaper (CSV export)", read=read, sniff=sniff))
