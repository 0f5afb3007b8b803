"""Reading other services' library exports: one module per format behind one registry.

A reader (`Reader`) turns a file into a stream of `Record` (a story to import) and `Invalid`
(a row that cannot be imported, with its line or entry number and why). Readers are pure
parsing: they touch no database and never fetch; `core.importing` writes what they read.
Memory stays flat: a reader yields as it reads and never holds the whole file's rows.

Every format module registers itself with `register` and is imported at the bottom of this
file, so `FORMATS` lists them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO


@dataclass(frozen=True)
class HighlightRecord:
    """A passage the reader marked in the other service, with their note."""

    quote: str
    note: str = ""
    prefix: str = ""
    suffix: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True)
class Record:
    """One story to import. `line` is where it starts in the file (a CSV line, an HTML line, or
    the entry's number in a JSON list), for the report. Dates are timezone-aware (UTC when the
    source gave none). `html` is the article's HTML when the service exported its content, so
    the story needs no fetching; it is sanitised before it is stored."""

    line: int
    url: str
    title: str = ""
    saved_at: datetime | None = None
    tags: tuple[str, ...] = ()
    archived: bool = False
    archived_at: datetime | None = None
    favorite: bool = False
    progress: float | None = None
    published: datetime | None = None
    byline: str = ""
    site_name: str = ""
    language: str = ""
    summary: str = ""
    html: str | None = None
    text: str | None = None
    rating: int | None = None
    notes: tuple[str, ...] = ()
    highlights: tuple[HighlightRecord, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid:
    """A row that was skipped, and why, in words for the reader ("not a web address")."""

    line: int
    reason: str


class UnreadableFile(ValueError):
    """The whole file cannot be read in this format (not a ZIP, no header this format has)."""


Entry = Record | Invalid
# A reader gets the file opened in binary mode (seekable) and its name as given.
Read = Callable[[BinaryIO, str], Iterator[Entry]]
# A sniffer gets the first 64 KiB and the name, and says whether the file looks like its format.
Sniff = Callable[[bytes, str], bool]


@dataclass(frozen=True)
class Reader:
    name: str
    label: str
    read: Read
    sniff: Sniff


_READERS: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    _READERS[reader.name] = reader
    return reader


def reader(name: str) -> Reader:
    """The reader for a format's name; KeyError for one we do not know."""
    return _READERS[name]


def formats() -> tuple[str, ...]:
    return tuple(_READERS)


def detect(head: bytes, name: str) -> Reader | None:
    """The format a file is in, from its first bytes and its name; None when none fits."""
    for candidate in _READERS.values():
        if candidate.sniff(head, name):
            return candidate
    return None


from broadsheet.core.importers import broadsheet_json  # noqa: E402, F401

# The other services' formats; detect() tries them in this order (ZIPs, then CSV headers, then
# HTML and JSON markers: no two of these sniffers accept the same file).
# isort: off
from broadsheet.core.importers import omnivore  # noqa: E402, F401
from broadsheet.core.importers import pocket  # noqa: E402, F401
from broadsheet.core.importers import instapaper  # noqa: E402, F401
from broadsheet.core.importers import readwise  # noqa: E402, F401
from broadsheet.core.importers import netscape  # noqa: E402, F401
from broadsheet.core.importers import wallabag  # noqa: E402, F401
# isort: on
