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

import re

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from .article import ExtractOptions
from .decode import decode_html
from .errors import EmptyDocument, InputTooLarge, NotHTML

_BINARY_MAGIC: tuple[str, ...] = (
    "%PDF", "\x89PNG", "GIF8", "\xff\xd8\xff", "PK\x03\x04", "\x1f\x8b", "Rar!", "7z\xbc\xaf",
    "OggS", "ID3", "RIFF", "\x00\x00\x01\x00",
)  # fmt: skip
_TAG = re.compile(r"<(?:[a-zA-Z!?/])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_SNIFF_CHARS = 65536


def to_text(html: str | bytes, options: ExtractOptions) -> str:
    """Decode and check the input: raises InputTooLarge, EmptyDocument or NotHTML."""
    if len(html) > options.max_input_bytes:
        raise InputTooLarge(
            f"The page is larger than {options.max_input_bytes // (1024 * 1024)} MiB"
            if options.max_input_bytes >= 1024 * 1024
            else f"The page is larger than {options.max_input_bytes} bytes"
        )
    text = decode_html(html) if isinstance(html, bytes) else html
    head = text[:_SNIFF_CHARS].lstrip("\ufeff \t\r\n\f")
    if not head.strip():
        raise EmptyDocument()
    if head.startswith(_BINARY_MAGIC) or head.startswith(("{", "[")):
        raise NotHTML()
    if not _TAG.search(head):
        raise NotHTML()
    sample = head[:4096]
    if len(_CONTROL.findall(sample)) > 0.3 * len(sample) and not _TAG.search(sample[:1024]):
        raise NotHTML()
    return text


def _cut_at_tags(text: str, max_tags: int) -> str:
    """Cut the text before its max_tags-th tag so the parser never builds a huge tree."""
    if text.count("<") <= max_tags:
        return text
    pos = 0
    for _ in range(max_tags):
        pos = text.find("<", pos) + 1
        if pos == 0:
            return text
    return text[: pos - 1]


_LONG_TAG = re.compile(r"<[a-zA-Z][^<>]{2000,}>")
MAX_ATTRIBUTES = 256


def _trim_attributes(text: str) -> str:
    """Cut tags with absurd numbers of attributes: libxml2 is quadratic in them."""
    if text.count("=") < 20 * MAX_ATTRIBUTES:
        return text

    def trim(found: re.Match[str]) -> str:
        tag = found.group(0)
        if tag.count("=") <= MAX_ATTRIBUTES:
            return tag
        pos = -1
        for _ in range(MAX_ATTRIBUTES):
            pos = tag.find("=", pos + 1)
        cut = max(tag.rfind(" ", 0, pos), tag.find(" "))
        return tag[:cut] + ">"

    return _LONG_TAG.sub(trim, text)


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
    text = _trim_attributes(_cut_at_tags(text, options.max_nodes * 2))
    if "\x00" in text:
        text = text.replace("\x00", "")
    data = text.encode("utf-8", errors="replace")
    try:
        root = lxml.html.document_fromstring(data, parser=_html_parser())
    except (lxml.etree.ParserError, ValueError) as exc:
        raise EmptyDocument() from exc
    if root is None:
        raise EmptyDocument()
    return root


def tag_of(el: object) -> str:
    """The lower-case tag name, or "" for comments and processing instructions."""
    tag = getattr(el, "tag", None)
    return tag.lower() if isinstance(tag, str) else ""


def attr_words(el: HtmlElement) -> str:
    """class, id and role of an element, lower-cased and space-joined."""
    get = el.get
    return " ".join(v for v in (get("class"), get("id"), get("role")) if v).lower()


def normalize_space(text: str) -> str:
    return " ".join(text.split())
