"""Readwise Reader's CSV export.

Columns, by header name: `Title`, `URL`, `ID`, `Document tags` (a Python-style list,
`['a', 'b']`), `Saved date` (ISO 8601, `2024-05-01 10:11:12+00:00`), `Reading progress` (0 to 1,
or a percentage such as `45%`), `Location` (new, later, shortlist, archive or feed), `Seen`.
"archive" archives the story and "shortlist" makes it a favorite; documents in "feed" are
entries of followed feeds that were never saved, and are skipped with a reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import BinaryIO

from broadsheet.core.importers import (
    Entry,
    Reader,
    Record,
    _fields,
    register,
)
from broadsheet.core.importers._csv import Row, records
from broadsheet.core.importers._fields import BadRow
from broadsheet.core.importers._streams import header_cells, text_stream

_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", re.DOTALL)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def parse_tags(raw: str) -> tuple[str, ...]:
    """`['a', "b's"]` as names, without evaluating anything; a plain `a, b` works too."""
    value = raw.strip()
    if value.startswith("[") and value.endswith("]"):
        found = _QUOTED.findall(value[1:-1])
        if found:
            return _fields.tags(_ESCAPE.sub(r"\1", single or double) for single, double in found)
        value = value[1:-1]
    return _fields.split_tags(value, ",")


def parse_progress(raw: str) -> float | None:
    """0..1, or a percentage ("45%", or a number above 1); None when empty or not a number."""
    value = raw.strip()
    percent = value.endswith("%")
    try:
        number = float(value.removesuffix("%"))
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    if percent or number > 1:
        number /= 100
    return min(max(number, 0.0), 1.0)


def _record(row: Row) -> Record:
    url = _fields.web_address(row.get("url"))
    location = row.get("location").strip().lower()
    if location == "feed":
        raise BadRow("a feed entry that was never saved")
    extra: dict[str, object] = {}
    if row.get("id").strip():
        extra["readwise_id"] = row.get("id").strip()
    if row.get("seen").strip():
        extra["seen"] = _fields.flag(row.get("seen"))
    return Record(
        line=row.line,
        url=url,
        title=row.get("title").strip(),
        saved_at=_fields.iso_time(row.get("saved date")),
        tags=parse_tags(row.get("document tags")),
        archived=location == "archive",
        favorite=location == "shortlist",
        progress=parse_progress(row.get("reading progress")),
        extra=extra,
    )


def read(fileobj: BinaryIO, name: str) -> Iterator[Entry]:
    return records(text_stream(fileobj), "a Readwise Reader CSV export", _record)


def sniff(head: bytes, name: str) -> bool:
    header = header_cells(head)
    return "url" in header and ("document tags" in header or "saved date" in header)


register(Reader(name="readwise", label="Readwise Reader (CSV export)", read=read, sniff=sniff))
