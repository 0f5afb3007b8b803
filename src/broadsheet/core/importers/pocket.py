"""Pocket's exports: the CSV file, the ZIP of part_*.csv files, and the older HTML page.

CSV columns, by header name (any order; others ignored): `title`, `url`, `time_added` (Unix
seconds), `tags` (separated by "|"), `status` ("unread" or "archive"). The older header also has
`cursor`, which is ignored. The ZIP holds the same CSV in parts, read in name order. The HTML
page lists stories as `<a href time_added tags>` (tags separated by ",") under the headings
"Unread" and "Read Archive"; those under "Read Archive" are archived.
"""

from __future__ import annotations

import fnmatch
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import BinaryIO, TextIO

from broadsheet.core.importers import (
    Entry,
    Invalid,
    Reader,
    Record,
    UnreadableFile,
    _fields,
    _html,
    _zip,
    limits,
    register,
)
from broadsheet.core.importers._csv import Row, records
from broadsheet.core.importers._fields import BadRow
from broadsheet.core.importers._streams import StreamError, header_cells, is_html, text_stream

PART_PATTERN = "part_*.csv"
_ARCHIVED_STATUSES = frozenset({"archive", "archived"})


def _record(row: Row) -> Record:
    return Record(
        line=row.line,
        url=_fields.web_address(row.get("url")),
        title=row.get("title").strip(),
        saved_at=_fields.unix_time(row.get("time_added")),
        tags=_fields.split_tags(row.get("tags"), "|"),
        archived=row.get("status").strip().lower() in _ARCHIVED_STATUSES,
    )


def _read_csv(text: TextIO) -> Iterator[Entry]:
    return records(text, "a Pocket CSV export", _record, column="url")


def _is_part(name: str) -> bool:
    return fnmatch.fnmatchcase(PurePosixPath(name).name.lower(), PART_PATTERN)


def _read_zip(fileobj: BinaryIO) -> Iterator[Entry]:
    with _zip.open_archive(fileobj, "Pocket") as archive:
        parts = []
        for member in _zip.members(archive):
            if isinstance(member, Invalid):
                yield member
            elif _is_part(member.filename):
                parts.append(member)
        if not parts:
            names = ", ".join(info.filename for info in archive.infolist()[:10]) or "none"
            raise UnreadableFile(f"not a Pocket export: no {PART_PATTERN} in the ZIP ({names})")
        for info in sorted(parts, key=lambda info: info.filename):
            yield from _read_part(archive, info)


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[Entry]:
    member = info.filename
    line = 1
    try:
        text = text_stream(_zip.open_member(archive, info, limits.MAX_MEMBER_BYTES))
        for entry in _read_csv(text):
            line = entry.line
            yield _zip.in_member(member, entry) if isinstance(entry, Invalid) else entry
    except UnreadableFile as exc:
        yield Invalid(1, f"{member}: {exc}")
    except StreamError as exc:
        yield Invalid(line, f"{member}: stopped reading after line {line}: {exc.reason}")


def _read_html(fileobj: BinaryIO) -> Iterator[Entry]:
    archived = False
    for event, element in _html.events(fileobj):
        if event != "end":
            continue
        tag = element.tag.lower()
        if tag == "h1":
            archived = "archive" in _html.words(element).lower()
        elif tag == "a":
            line = element.sourceline or 0
            try:
                yield Record(
                    line=line,
                    url=_fields.web_address(element.get("href")),
                    title=_html.words(element),
                    saved_at=_fields.unix_time(element.get("time_added")),
                    tags=_fields.split_tags(element.get("tags") or "", ","),
                    archived=archived,
                )
            except BadRow as exc:
                yield Invalid(line, exc.reason)


def read(fileobj: BinaryIO, name: str) -> Iterator[Entry]:
    head = fileobj.read(limits.HEAD_BYTES)
    fileobj.seek(0)
    if _zip.looks_like_zip(head):
        yield from _read_zip(fileobj)
    elif is_html(head.decode("utf-8", errors="replace")):
        yield from _read_html(fileobj)
    else:
        yield from _read_csv(text_stream(fileobj))


def sniff(head: bytes, name: str) -> bool:
    if _zip.looks_like_zip(head):
        return any(_is_part(member) for member in _zip.names_in_head(head))
    text = head.decode("utf-8", errors="replace").lower()
    if is_html(text):
        return "<title>pocket export</title>" in text or (
            "<h1>unread</h1>" in text or "<h1>read archive</h1>" in text
        )
    header = header_cells(head)
    return "url" in header and "time_added" in header


register(Reader(name="pocket", label="Pocket (CSV, ZIP or HTML export)", read=read, sniff=sniff))
