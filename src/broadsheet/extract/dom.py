"""Parsing with bounds, and the small DOM questions the other modules ask.

lxml's HTML parser (libxml2) is used: it is fast, recovers from broken markup, and stops
nesting at depth 255 on its own, so hostile nesting cannot blow up later stages.

Elements are ``lxml.html.HtmlElement`` (htmldate and ``text_content()`` need it), but the class is
chosen by a C-level default lookup instead of lxml.html's Python lookup: that one runs a Python
function every time lxml hands an element to Python (hundreds of thousands of times a page),
and walking the tree costs about 40 % less without it. Form controls therefore come back as
plain HtmlElement rather than lxml.html's InputElement & co. — nothing here needs those.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Callable
from types import ModuleType

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from . import compiled
from .article import ExtractOptions
from .compiled import walk as _compiled
from .decode import decode_html
from .errors import EmptyDocument, InputTooLarge, NotHTML

_BINARY_MAGIC: tuple[str, ...] = (
    "%PDF", "\x89PNG", "GIF8", "\xff\xd8\xff", "PK\x03\x04", "\x1f\x8b", "Rar!", "7z\xbc\xaf",
    "OggS", "ID3", "RIFF", "\x00\x00\x01\x00",
)  # fmt: skip
# The same signatures as bytes: checked before decoding, because a decoder turns "\x89PNG" into
# "‰PNG" (and random bytes into plausible text) and the text check then misses it.
_BINARY_MAGIC_BYTES: tuple[bytes, ...] = tuple(m.encode("latin-1") for m in _BINARY_MAGIC)
_TAG = re.compile(r"<(?:[a-zA-Z!?/])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_SNIFF_CHARS = 65536
# What to_text skips before the page's first character, and what str.isspace() is not.
_LEADING_BLANKS = re.compile("[\ufeff \t\r\n\f]*")
_NOT_SPACE = re.compile(r"\S")


def to_text(html: str | bytes, options: ExtractOptions) -> str:
    """Decode and check the input: raises InputTooLarge, EmptyDocument or NotHTML."""
    if len(html) > options.max_input_bytes:
        raise InputTooLarge(
            f"The page is larger than {options.max_input_bytes // (1024 * 1024)} MiB"
            if options.max_input_bytes >= 1024 * 1024
            else f"The page is larger than {options.max_input_bytes} bytes"
        )
    if isinstance(html, bytes):
        if _is_binary(html):
            raise NotHTML()
        text = decode_html(html)
    else:
        text = html
    # The head is text[start:end]: its first 64 K characters, the leading BOM and blanks left
    # out, read in place (no copy of them).
    end = min(len(text), _SNIFF_CHARS)
    leading = _LEADING_BLANKS.match(text, 0, end)
    start = leading.end() if leading else 0
    if start == end or _NOT_SPACE.search(text, start, end) is None:
        raise EmptyDocument()
    if text.startswith(_BINARY_MAGIC, start, end) or text.startswith(("{", "["), start, end):
        raise NotHTML()
    if not _TAG.search(text, start, end):
        raise NotHTML()
    sample = text[start : min(end, start + 4096)]
    # A tag near the start settles it (most pages) before the control characters are counted.
    if not _TAG.search(sample, 0, 1024) and len(_CONTROL.findall(sample)) > 0.3 * len(sample):
        raise NotHTML()
    return text


def _is_binary(data: bytes) -> bool:
    """Raw bytes that start (after a BOM and blank space) with a binary format's signature."""
    head = data[:_SNIFF_CHARS].removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n\f")
    return head.startswith(_BINARY_MAGIC_BYTES)


@functools.lru_cache(maxsize=8)
def _start_tags(count: int) -> re.Pattern[bytes]:
    """Matches the page up to and including the ``<x`` of its count-th start tag.

    Possessive quantifiers: a page with fewer start tags fails in one linear pass (about 10 ms
    a MB) instead of backtracking. ``</``, ``<!``, ``<?`` and a lone ``<`` open no element.
    """
    return re.compile(rb"(?:[^<]*+(?:<(?![a-zA-Z])[^<]*+)*+<[a-zA-Z]){%d}" % count)


def _cut_at_tags(data: bytes, max_tags: int) -> bytes:
    """Cut the page before its max_tags-th start tag, so the tree has fewer than max_tags
    elements (closing tags, comments and stray "<" do not count: a page of a million <br>s is
    cut at max_tags of them). UTF-8 bytes: no multi-byte character holds a "<" byte."""
    # Each start tag takes at least two bytes ("<x"): a shorter page cannot hold max_tags of
    # them, and counting the "<" of a 200 KB page costs 0.05 ms.
    if len(data) < 2 * max_tags or data.count(b"<") < max_tags:
        return data
    found = _start_tags(max_tags).match(data)
    return data[: found.end() - 2] if found else data


LONG_TAG_CHARS = 2000
_LONG_TAG = re.compile(rb"<[a-zA-Z][^<>]{%d,}>" % LONG_TAG_CHARS)
MAX_ATTRIBUTES = 256


def _trim_attributes(data: bytes) -> bytes:
    """Cut tags with absurd numbers of attributes: libxml2 is quadratic in them.

    The page is copied only when a tag is cut: pages of a MB often hold thousands of "=" (in
    URLs and scripts) and a few long tags, and a needless copy is most of their parse peak.
    """
    if data.count(b"=") < 20 * MAX_ATTRIBUTES:
        return data
    if not any(tag.count(b"=") > MAX_ATTRIBUTES for tag in _LONG_TAG.findall(data)):
        return data

    def trim(found: re.Match[bytes]) -> bytes:
        tag = found.group(0)
        if tag.count(b"=") <= MAX_ATTRIBUTES:
            return tag
        pos = -1
        for _ in range(MAX_ATTRIBUTES):
            pos = tag.find(b"=", pos + 1)
        cut = max(tag.rfind(b" ", 0, pos), tag.find(b" "))
        return tag[:cut] + b">"

    return _LONG_TAG.sub(trim, data)


def _bounded(data: bytes, max_tags: int) -> bytes:
    """_trim_attributes(_cut_at_tags(data, max_tags))."""
    if _compiled is None or max_tags < 1:
        return _trim_attributes(_cut_at_tags(data, max_tags))
    # One C pass finds the cut and whether any tag is long enough to need trimming (rare: then
    # _trim_attributes decides as before).
    cut, long_tags = _compiled.markup_bounds(data, max_tags, LONG_TAG_CHARS, MAX_ATTRIBUTES)
    if cut >= 0:
        data = data[:cut]
    return _trim_attributes(data) if long_tags else data


def _html_parser() -> lxml.etree.HTMLParser:
    """A libxml2 HTML parser whose elements are HtmlElement, looked up in C."""
    # collect_ids=False: nothing looks elements up by id, and the id table costs time and memory.
    parser = lxml.etree.HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        recover=True,
        collect_ids=False,
    )
    parser.set_element_class_lookup(
        lxml.etree.ElementDefaultClassLookup(
            element=HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


def parse(text: str, options: ExtractOptions) -> HtmlElement:
    """Parse a document; the tree has at most about options.max_nodes elements."""
    # The checks run on the UTF-8 bytes lxml is given anyway: counting and searching bytes
    # costs half what it does on a str holding any character past U+00FF.
    data = _bounded(text.encode("utf-8", errors="replace"), options.max_nodes)
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")
    try:
        root = lxml.html.document_fromstring(data, parser=_html_parser())
    except (lxml.etree.ParserError, ValueError) as exc:
        raise EmptyDocument() from exc
    if root is None:
        raise EmptyDocument()
    _rehome_after_body(root)
    return root


def _rehome_after_body(root: HtmlElement) -> None:
    """Move what libxml2 set after the <body> back into it, as a browser does.

    A stray `</body>` mid-page (a template that pastes a whole document, or a fragment ending in
    one, into a table cell) makes libxml2 close the body there and hang the rest of the page on
    `<html>` beside it, where nothing looks for the story; a browser reads such an end tag and
    goes on filling the body.
    """
    body = root.find("body")
    if body is None:
        return
    after = body.getnext()
    if after is None:
        return
    tail = body.tail
    if tail and tail.strip():
        last = body[-1] if len(body) else None
        if last is None:
            body.text = (body.text or "") + tail
        else:
            last.tail = (last.tail or "") + tail
    body.tail = None
    while after is not None:
        following = after.getnext()
        body.append(after)
        after = following


def bounded_text(text: str, options: ExtractOptions) -> str:
    """The part of the page that parse() reads (cut before its max_nodes-th start tag, absurd
    attribute lists trimmed): what a rewrite of the markup needs to scan, and no more."""
    data = text.encode("utf-8", errors="replace")
    bounded = _bounded(data, options.max_nodes)
    return text if bounded is data else bounded.decode("utf-8", errors="replace")


def tag_of(el: object) -> str:
    """The lower-case tag name, or "" for comments and processing instructions."""
    tag = getattr(el, "tag", None)
    return tag.lower() if isinstance(tag, str) else ""


def attr_words(el: HtmlElement) -> str:
    """class, id and role of an element, lower-cased and space-joined."""
    get = el.get
    cls, ident, role = get("class"), get("id"), get("role")
    if not ident and not role:  # most elements: a class or nothing
        return cls.lower() if cls else ""
    return " ".join(v for v in (cls, ident, role) if v).lower()


def _normalize_space(text: str) -> str:
    return " ".join(text.split())


# Characters a browser never draws: the soft hyphen (a line-break hint, "Magda&shy;lener"), the
# zero-width space, the word joiner and a stray byte-order mark. Plain text keeps none of them: a
# search for "Magdalener" must find the word, and they are not part of what the reader reads.
# The joiners that shape scripts and emoji (U+200C, U+200D) are letters' business and stay.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")


def without_invisible(text: str) -> str:
    """text without the characters a browser never draws (_INVISIBLE). Most texts hold none:
    four substring tests say so ten times faster than one search of the character class."""
    if text.isascii() or not (
        "\u00ad" in text or "\u200b" in text or "\u2060" in text or "\ufeff" in text
    ):
        return text
    return _INVISIBLE.sub("", text)


# Most text handed here is normalised already (block texts, short labels): the compiled twin
# sees that in one pass over the characters instead of making a str of every word. Bound, not
# called through a switch (that would cost more than it saves on short texts): _bind_compiled
# rebinds it, here and in every module that imports it, when the walks are switched.
normalize_space: Callable[[str], str] = _normalize_space


@compiled.bind
def _bind_compiled(walk: ModuleType | None) -> None:
    """compiled.use switched the walks: this module follows."""
    global _compiled, normalize_space
    _compiled = walk
    normalize_space = _normalize_space if walk is None else walk.normalize_space
