"""HTML exports read as a stream of parser events, with flat memory.

The file is decoded by our own rules (`_streams.text_stream`: UTF-8, else a guessed encoding,
bad bytes replaced, line endings made "\\n") and fed to lxml's HTML pull parser a chunk at a
time, huge_tree off. A run of text longer than `limits.MAX_HTML_RUN_CHARS` is cut first:
libxml2 would otherwise stop at it and silently drop the rest of the document (lines after a
cut run may then be numbered a little early). Each element is released (its content and the
siblings before it dropped) once its end event has been handled, unless it sits inside an
element whose text a reader still needs (`TEXT_TAGS`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from lxml import etree

from broadsheet.core.importers import limits
from broadsheet.core.importers._streams import text_stream

# lxml's elements are untyped; what the readers use of them.
Element = Any
# Elements whose whole text the readers read at their end: their descendants are kept until then.
TEXT_TAGS = frozenset({"a", "h1", "h3", "dd", "title"})


def events(fileobj: BinaryIO) -> Iterator[tuple[str, Element]]:
    """("start" | "end", element) for every element of the document, in order. Comments and
    processing instructions are left out; a document libxml2 gives up on simply ends."""
    parser = etree.HTMLPullParser(events=("start", "end"), huge_tree=False, no_network=True)
    text = text_stream(fileobj, newline=None)
    inside = 0  # how many TEXT_TAGS elements are open
    cutter = _RunCutter()
    while True:
        chunk = text.read(limits.CHUNK_CHARS)
        try:
            if chunk:
                parser.feed(cutter.cut(chunk.replace("\0", "")))
            else:
                parser.close()
        except (etree.XMLSyntaxError, etree.ParserError):
            chunk = ""
        for event, element in parser.read_events():
            if not isinstance(element.tag, str):
                continue
            text_tag = element.tag.lower() in TEXT_TAGS
            if event == "start":
                inside += text_tag
            yield event, element
            if event == "end":
                inside -= text_tag
                if inside <= 0:
                    inside = 0
                    release(element)
        if not chunk:
            return


class _RunCutter:
    """Cuts every stretch between two "<" to `limits.MAX_HTML_RUN_CHARS` characters."""

    def __init__(self) -> None:
        self._run = 0

    def cut(self, chunk: str) -> str:
        cap = limits.MAX_HTML_RUN_CHARS
        if self._run + len(chunk) <= cap and "<" not in chunk:
            self._run += len(chunk)
            return chunk
        pieces = chunk.split("<")
        kept = []
        for number, piece in enumerate(pieces):
            if number:
                self._run = 0
                piece = "<" + piece
            room = max(cap - self._run, 0)
            kept.append(piece[:room])
            self._run += len(piece)
        return "".join(kept)


def release(element: Element) -> None:
    """Drop an element's content and the siblings before it: they have been handled."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def words(element: Element) -> str:
    """An element's text, white space collapsed."""
    return " ".join("".join(element.itertext()).split())
