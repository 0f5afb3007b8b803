"""Our own JSON export (`core.export`, format "json") read back: a library moved from one
Broadsheet to another, or restored, loses nothing.

The file is `{"format": "broadsheet", "version": 1, "exported_at": ..., "items": [...],
"count": n}`. As Broadsheet writes it, the head is one line and every story one line after it:
such a file is read a line at a time, whatever its size (a story's line may hold at most
MAX_LINE_BYTES). Any other layout of the same JSON (re-indented by a tool, edited by hand) is
parsed whole, up to MAX_FILE_BYTES; a larger one is refused (`UnreadableFile`).

Entries are numbered from 1 in the order of the list; an entry that cannot be imported is an
`Invalid` with its number and the reason. What `Record` has no field for travels in its
`extra`: "agency", "status", "word_count", "favorited_at" (a datetime), "note_dates" (one
datetime or None per note, in the order of `notes`) and "highlight_offsets" (one (start, end)
pair per highlight, in the order of `highlights`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO

from broadsheet.core.importers import (
    Entry,
    HighlightRecord,
    Invalid,
    Reader,
    Record,
    UnreadableFile,
    register,
)

FORMAT = "broadsheet"
VERSIONS = frozenset({1})
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_LINE_BYTES = 64 * 1024 * 1024
_HEAD = re.compile(rb'\s*\{\s*"format"\s*:\s*"broadsheet"')
_STREAMED_HEAD = re.compile(r'\{"format": "broadsheet", .*"items": \[')
_STREAMED_TAIL = re.compile(r'\], "count": \d+\}\s*')
_TEXT_FIELDS = ("title", "byline", "site_name", "language", "summary")


class _Bad(ValueError):
    """An entry's field that cannot be imported; the message is for the reader."""


def sniff(head: bytes, name: str) -> bool:
    del name
    return bool(_HEAD.match(head.removeprefix(b"\xef\xbb\xbf")))


def _date(entry: dict[str, Any], key: str) -> datetime | None:
    value = entry.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _Bad(f"{key} is not a date")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _Bad(f"{key} is not a date: {value[:40]!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _text(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Bad(f"{key} is not text")
    return value


def _optional_text(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Bad(f"{key} is not text")
    return value


def _flag(entry: dict[str, Any], key: str) -> bool:
    value = entry.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _Bad(f"{key} is not true or false")
    return value


def _offset(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Bad(f"{what} is not a position in the text")
    return int(value)


def _list(entry: dict[str, Any], key: str) -> list[Any]:
    value = entry.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Bad(f"{key} is not a list")
    return value


def record(entry: Any, number: int) -> Record:
    """One entry of the list as a Record; `_Bad` when it cannot be imported."""
    if not isinstance(entry, dict):
        raise _Bad("not a story (an object with a url)")
    url = entry.get("url")
    if not isinstance(url, str) or not url.strip():
        raise _Bad("no web address")
    if not re.match(r"https?://", url.strip(), re.IGNORECASE):
        raise _Bad("not a web address")
    tags = _list(entry, "tags")
    if not all(isinstance(t, str) for t in tags):
        raise _Bad("tags is not a list of names")
    progress = entry.get("progress")
    if progress is not None and (
        isinstance(progress, bool)
        or not isinstance(progress, int | float)
        or not 0.0 <= progress <= 1.0
    ):
        raise _Bad("progress is not a share between 0 and 1")
    rating = entry.get("rating")
    if rating is not None and (
        isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5
    ):
        raise _Bad("rating is not 1 to 5 stars")
    notes: list[str] = []
    note_dates: list[datetime | None] = []
    for note in _list(entry, "notes"):
        if isinstance(note, str):
            note = {"text": note}
        if not isinstance(note, dict):
            raise _Bad("a note is not text")
        notes.append(_text(note, "text"))
        note_dates.append(_date(note, "created_at"))
    highlights: list[HighlightRecord] = []
    offsets: list[tuple[int | None, int | None]] = []
    for h in _list(entry, "highlights"):
        if not isinstance(h, dict) or not _text(h, "quote").strip():
            raise _Bad("a highlight has no quote")
        highlights.append(
            HighlightRecord(
                quote=_text(h, "quote"),
                note=_text(h, "note"),
                prefix=_text(h, "prefix"),
                suffix=_text(h, "suffix"),
                created_at=_date(h, "created_at"),
            )
        )
        offsets.append((_offset(h.get("start"), "start"), _offset(h.get("end"), "end")))
    word_count = entry.get("word_count")
    extra: dict[str, object] = {
        "agency": _text(entry, "agency"),
        "status": _text(entry, "status"),
        "note_dates": tuple(note_dates),
        "highlight_offsets": tuple(offsets),
    }
    favorited_at = _date(entry, "favorited_at")
    if favorited_at is not None:
        extra["favorited_at"] = favorited_at
    if isinstance(word_count, int) and not isinstance(word_count, bool):
        extra["word_count"] = word_count
    texts = {key: _text(entry, key) for key in _TEXT_FIELDS}
    return Record(
        line=number,
        url=url.strip(),
        saved_at=_date(entry, "saved_at"),
        tags=tuple(tags),
        archived=_flag(entry, "archived"),
        archived_at=_date(entry, "archived_at"),
        favorite=_flag(entry, "favorite"),
        progress=float(progress) if progress is not None else None,
        published=_date(entry, "published"),
        html=_optional_text(entry, "html") or None,
        text=_optional_text(entry, "text") or None,
        rating=rating,
        notes=tuple(notes),
        highlights=tuple(highlights),
        extra=extra,
        **texts,
    )


def _entry(raw: Any, number: int) -> Entry:
    try:
        return record(raw, number)
    except _Bad as exc:
        return Invalid(line=number, reason=str(exc))


def _check_head(data: Any) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UnreadableFile('This is not a Broadsheet export (no "format": "broadsheet").')
    if data.get("version") not in VERSIONS:
        raise UnreadableFile(
            f"This Broadsheet export is of version {data.get('version')!r}, which this server "
            "cannot read."
        )


def _streamed(fileobj: BinaryIO, head: str) -> Iterator[Entry]:
    """A file as `core.export` writes it: the head line, one story a line, the tail line."""
    try:
        fields = json.loads(head.strip()[: -len('"items": [')].rstrip().rstrip(",") + "}")
    except ValueError:
        raise UnreadableFile("This file's first line is not valid JSON.") from None
    _check_head(fields)
    number = 0
    while True:
        raw = fileobj.readline(MAX_LINE_BYTES + 1)
        if not raw:
            yield Invalid(line=number + 1, reason="the file ends before its list of stories does")
            return
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            number += 1
            yield Invalid(line=number, reason="this story is too large to import")
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                raw = fileobj.readline(MAX_LINE_BYTES)
            continue
        line = raw.decode("utf-8", errors="replace").strip()
        if not line:
            continue
        if _STREAMED_TAIL.fullmatch(line):
            return
        number += 1
        try:
            data = json.loads(line.removesuffix(","))
        except ValueError:
            yield Invalid(line=number, reason="not valid JSON")
            continue
        yield _entry(data, number)


def read(fileobj: BinaryIO, name: str) -> Iterator[Entry]:
    del name
    first = fileobj.readline(MAX_LINE_BYTES)
    text = first.decode("utf-8", errors="replace").removeprefix("\ufeff")
    if _STREAMED_HEAD.fullmatch(text.strip()):
        yield from _streamed(fileobj, text)
        return
    fileobj.seek(0)
    raw = fileobj.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise UnreadableFile(
            f"This file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB and not laid out "
            "as Broadsheet writes its exports (one story a line), so it cannot be read."
        )
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise UnreadableFile("This file is not valid JSON.") from None
    _check_head(data)
    items = data.get("items")
    if not isinstance(items, list):
        raise UnreadableFile('This Broadsheet export has no list of "items".')
    for number, raw_entry in enumerate(items, start=1):
        yield _entry(raw_entry, number)


READER = register(Reader(name="json", label="Broadsheet (JSON export)", read=read, sniff=sniff))
