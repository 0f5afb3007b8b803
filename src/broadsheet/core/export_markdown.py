"""A ZIP of Markdown files, one a story, for notes apps (Obsidian, Logseq) and plain folders.

Each file starts with YAML front matter (title, url, site, byline, dates, tags, rating...:
every string written as a double-quoted scalar, so no title can end the block or inject a key),
then the story's text as Markdown paragraphs (Markdown's special characters escaped, so no
story can smuggle HTML or links into a renderer), then its highlights as `> quote` blocks with
their notes, then the reader's notes.

File names come from the titles: letters, digits and hyphens only, no dots leading, at most
MAX_NAME_CHARS, unique in the archive (case-insensitively), prefixed with the day the story was
saved: no name can climb out of the folder it is unzipped in. The archive is written as a
stream (the ZIP's data descriptors), a story at a time.
"""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from broadsheet.core.export_data import clean_text, highlights_of, iso, notes_of, tag_names
from broadsheet.core.models import Item

MAX_NAME_CHARS = 80
FOLDER = "broadsheet"
_NOT_NAME = re.compile(r"[^\w\s-]+")
_SPACES = re.compile(r"[\s_-]+")
# Windows' reserved device names, whatever the extension.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{n}" for n in range(10)} | {f"lpt{n}" for n in range(10)}
)
# Characters with a meaning in Markdown (CommonMark lets a backslash escape any ASCII
# punctuation); `<` and `&` too, so no raw HTML or entity reaches a renderer.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+!|~&])")
# What makes a line a list item or a heading's underline: "- ", "= ", "1. ", "2) ".
_BULLET = re.compile(r"^(\s*)([-=])", re.MULTILINE)
_NUMBERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)
# A ZIP entry cannot be dated before 1980.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def yaml_string(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML), on one line."""
    text = json.dumps(clean_text(value), ensure_ascii=False)
    # YAML 1.1 readers take these as line breaks.
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\x85")


def _yaml_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    return yaml_string(str(value))


def front_matter(item: Item) -> str:
    fields: dict[str, Any] = {
        "title": item.title or item.url,
        "url": item.url,
        "site_name": item.site_name,
        "byline": item.byline,
        "agency": item.agency,
        "published": iso(item.published),
        "saved_at": iso(item.saved_at),
        "archived": item.archived,
        "archived_at": iso(item.archived_at),
        "favorite": item.favorite,
        "rating": item.rating,
        "progress": item.progress,
        "language": item.language,
        "summary": item.summary,
        "tags": tag_names(item),
    }
    lines = [f"{key}: {_yaml_value(value)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def escape_markdown(text: str) -> str:
    """Text that a Markdown renderer shows as it is: no emphasis, links, headings or HTML."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", clean_text(text))
    escaped = _BULLET.sub(r"\1\\\2", escaped)
    return _NUMBERED.sub(r"\1\\\2", escaped)


def _paragraphs(text: str) -> list[str]:
    return [escape_markdown(" ".join(line.split())) for line in text.splitlines() if line.strip()]


def document(item: Item) -> str:
    """One story's Markdown file."""
    parts = [front_matter(item), f"# {escape_markdown(' '.join((item.title or item.url).split()))}"]
    credit = " · ".join(x for x in (item.byline, item.site_name) if x.strip())
    if credit:
        parts.append(f"*{escape_markdown(' '.join(credit.split()))}*")
    parts.extend(_paragraphs(item.text or item.summary))
    highlights = highlights_of(item)
    if highlights:
        parts.append("## Highlights")
        for h in highlights:
            quote = _paragraphs(h["quote"]) or [""]
            parts.append("\n>\n".join(f"> {line}" for line in quote))
            if h["note"].strip():
                parts.append("Note: " + " ".join(_paragraphs(h["note"])))
    notes = notes_of(item)
    if notes:
        parts.append("## Notes")
        parts.extend("\n".join(_paragraphs(n["text"])) for n in notes if n["text"].strip())
    return "\n\n".join(parts) + "\n"


def safe_name(title: str, fallback: str) -> str:
    """A file name's stem from a title: word characters and hyphens, lower case, bounded; the
    fallback when nothing is left (or the name is one Windows reserves)."""
    text = unicodedata.normalize("NFKC", clean_text(title))
    text = _SPACES.sub("-", _NOT_NAME.sub(" ", text).strip()).strip("-_.").lower()
    text = text[:MAX_NAME_CHARS].rstrip("-_.")
    if not text or text in _RESERVED:
        return fallback
    return text


class Names:
    """Unique names in one archive (compared case-insensitively, as some disks do)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def name(self, item: Item) -> str:
        stem = f"{item.saved_at:%Y-%m-%d}-{safe_name(item.title, f'story-{item.pk}')}"
        candidate, n = stem, 1
        while candidate.casefold() in self._used:
            n += 1
            candidate = f"{stem}-{n}"
        self._used.add(candidate.casefold())
        return f"{FOLDER}/{candidate}.md"


class _Sink:
    """A write-only file for ZipFile that keeps what it was given until it is drained (no
    `tell` or `seek`: ZipFile then writes data descriptors and never goes back)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None

    def drain(self) -> bytes:
        out = b"".join(self._parts)
        self._parts = []
        return out


def chunks(items: Iterable[Item]) -> Iterator[bytes]:
    """The ZIP archive, a story a chunk."""
    sink = _Sink()
    names = Names()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            saved = item.saved_at.timetuple()[:6]
            info = zipfile.ZipInfo(names.name(item), date_time=max(saved, _ZIP_EPOCH))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, document(item).encode("utf-8"))
            yield sink.drain()
    yield sink.drain()
