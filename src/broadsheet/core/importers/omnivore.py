"""Omnivore's export: a ZIP of `metadata_<from>_to_<to>.json` files, `content/<slug>.html` and
`highlights/<slug>.md`.

Kept from each metadata entry: `url`; `title`; `description` (the summary); `author` (the
byline); `state` ("Archived" archives the story; entries in the state "Deleted" are skipped with
a reason); `readingProgress` (0 to 100, kept as 0 to 1); `labels` (names, or objects with a
`name`, as tags); `savedAt`, `publishedAt`. `id`, `slug` and `thumbnail` are passed on in
`extra`; `updatedAt` is not kept. The article's HTML comes from `content/<slug>.html`, and its
highlights from `highlights/<slug>.md`: each `> quote` block is a highlight, and the text after
it, up to the next quote, its note.
"""

from __future__ import annotations

import fnmatch
import json
import math
import re
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import BinaryIO

from broadsheet.core.importers import (
    Entry,
    HighlightRecord,
    Invalid,
    Reader,
    Record,
    UnreadableFile,
    _fields,
    _zip,
    limits,
    register,
)
from broadsheet.core.importers._fields import BadRow
from broadsheet.core.importers._streams import StreamError, decode

METADATA_PATTERN = "metadata_*.json"
_NUMBER = re.compile(r"\d+")
# The link Omnivore puts after a quote, back to the highlight in its reader: `[⤴️](https://...)`.
_BACK_LINK = re.compile(r"\s*\[[^\w\]]*\]\([^)]*\)\s*$")
_SAFE_SLUG = re.compile(r"^[^/\\]+$")


def _is_metadata(name: str) -> bool:
    return fnmatch.fnmatchcase(PurePosixPath(name).name.lower(), METADATA_PATTERN)


def _order(info: zipfile.ZipInfo) -> tuple[int, str]:
    number = _NUMBER.search(PurePosixPath(info.filename).name)
    return (int(number.group()) if number else 0, info.filename)


def parse_highlights(markdown: str) -> tuple[HighlightRecord, ...]:
    """Each `> quote` block (its lines joined), and the text after it as its note."""
    found: list[HighlightRecord] = []
    quote: list[str] = []
    note: list[str] = []

    def flush() -> None:
        text = "\n".join(_BACK_LINK.sub("", line) for line in quote).strip()
        if text:
            found.append(HighlightRecord(quote=text, note="\n".join(note).strip()))

    in_quote = False
    for line in markdown.splitlines():
        if line.startswith(">"):
            if not in_quote and quote:
                flush()
                quote, note = [], []
            quote.append(line[1:].removeprefix(" "))
            in_quote = True
        else:
            in_quote = False
            if quote:
                note.append(line)
    if quote:
        flush()
    return tuple(found)


def _progress(raw: object) -> float | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        return None
    return min(max(float(raw) / 100, 0.0), 1.0)


def _labels(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list):
        return ()
    return _fields.tags(label.get("name") if isinstance(label, dict) else label for label in raw)


class _Archive:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.safe: dict[str, zipfile.ZipInfo] = {}

    def text(self, name: str) -> str | None:
        """A content or highlights member as text; None when it is missing, too large or
        damaged (the story is still imported, and fetched instead)."""
        info = self.safe.get(name)
        if info is None:
            return None
        try:
            return decode(_zip.read_member(self.archive, info, limits.MAX_ARTICLE_BYTES))
        except StreamError:
            return None

    def record(self, base: PurePosixPath, index: int, entry: object) -> Record:
        if not isinstance(entry, dict):
            raise BadRow("not an Omnivore entry (a JSON object was expected)")
        url = _fields.web_address(entry.get("url"))
        state = _fields.text(entry.get("state")).lower()
        if state == "deleted":
            raise BadRow("deleted in Omnivore")
        slug = _fields.text(entry.get("slug"))
        html = highlights = None
        if slug and _SAFE_SLUG.match(slug):
            html = self.text(str(base / "content" / f"{slug}.html"))
            highlights = self.text(str(base / "highlights" / f"{slug}.md"))
        extra: dict[str, object] = {}
        for key, name in (("id", "omnivore_id"), ("slug", "slug"), ("thumbnail", "thumbnail")):
            value = _fields.text(entry.get(key))
            if value:
                extra[name] = value
        return Record(
            line=index,
            url=url,
            title=_fields.text(entry.get("title")),
            saved_at=_fields.iso_time(entry.get("savedAt")),
            tags=_labels(entry.get("labels")),
            archived=state == "archived",
            progress=_progress(entry.get("readingProgress")),
            published=_fields.optional(_fields.iso_time, entry.get("publishedAt")),
            byline=_fields.text(entry.get("author")),
            summary=_fields.text(entry.get("description")),
            html=html if html and html.strip() else None,
            highlights=parse_highlights(highlights) if highlights else (),
            extra=extra,
        )

    def entries(self, info: zipfile.ZipInfo) -> Iterator[Entry]:
        member = info.filename
        try:
            entries = json.loads(
                decode(_zip.read_member(self.archive, info, limits.MAX_METADATA_BYTES))
            )
        except StreamError as exc:
            yield Invalid(1, f"{member}: cannot be read: {exc.reason}")
            return
        except json.JSONDecodeError as exc:
            yield Invalid(1, f"{member}: not valid JSON ({exc})")
            return
        except RecursionError:
            yield Invalid(1, f"{member}: not valid JSON (nested too deeply)")
            return
        if not isinstance(entries, list):
            yield Invalid(1, f"{member}: not a list of entries")
            return
        base = PurePosixPath(member).parent
        for index, entry in enumerate(entries, 1):
            try:
                yield self.record(base, index, entry)
            except BadRow as exc:
                yield Invalid(index, f"{member} entry {index}: {exc.reason}")


def read(fileobj: BinaryIO, name: str) -> Iterator[Entry]:
    with _zip.open_archive(fileobj, "Omnivore") as archive:
        reader = _Archive(archive)
        metadata = []
        for member in _zip.members(archive):
            if isinstance(member, Invalid):
                yield member
                continue
            reader.safe[member.filename] = member
            if _is_metadata(member.filename):
                metadata.append(member)
        if not metadata:
            names = ", ".join(info.filename for info in archive.infolist()[:10]) or "none"
            raise UnreadableFile(
                f"not an Omnivore export: no {METADATA_PATTERN} in the ZIP ({names})"
            )
        for info in sorted(metadata, key=_order):
            yield from reader.entries(info)


def sniff(head: bytes, name: str) -> bool:
    if not _zip.looks_like_zip(head):
        return False
    for member in _zip.names_in_head(head):
        path = PurePosixPath(member)
        if _is_metadata(member):
            return True
        if len(path.parts) >= 2 and (
            (path.parts[-2] == "content" and path.suffix == ".html")
            or (path.parts[-2] == "highlights" and path.suffix == ".md")
        ):
            return True
    return False


register(Reader(name="omnivore", label="Omnivore (ZIP export)", read=read, sniff=sniff))
