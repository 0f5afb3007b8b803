"""Plain, one-line, bounded text out of whatever a feed puts in a title, a summary or a name.

Limits (characters, the ellipsis included):

``MAX_TITLE_CHARS`` = 300
    a feed's, an entry's, a discovered link's or an OPML outline's title.
``MAX_SUMMARY_CHARS`` = 500
    an entry's plain-text summary.
``MAX_AUTHOR_CHARS`` = 200
    an entry's author.
``HTML_SCAN_CHARS`` = 65,536
    at most this much of an HTML fragment is parsed to make its plain text (the rest is not
    read: no summary needs more).

Text is normalised the same way everywhere: every run of whitespace (CR, LF, tabs, Unicode line
and paragraph separators) becomes one space, control characters, lone surrogates and the two
non-characters U+FFFE/U+FFFF are dropped (so the text is always valid in XML and encodable as
UTF-8), leading and trailing space goes, and text longer than its limit is cut at a word
boundary where one is near and ends with "…".
"""

from __future__ import annotations

import html as html_lib
import re

import lxml.etree
import lxml.html

__all__ = [
    "ELLIPSIS",
    "HTML_SCAN_CHARS",
    "MAX_AUTHOR_CHARS",
    "MAX_SUMMARY_CHARS",
    "MAX_TITLE_CHARS",
    "cut",
    "html_to_text",
    "one_line",
]

MAX_TITLE_CHARS = 300
MAX_SUMMARY_CHARS = 500
MAX_AUTHOR_CHARS = 200
HTML_SCAN_CHARS = 65_536
ELLIPSIS = "…"

# Everything that is neither whitespace (str.split handles those) nor allowed in XML 1.0 text,
# plus C1 controls, lone surrogates and U+FFFE/U+FFFF.
_UNWANTED = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# A cut looks back this far (a fraction of the limit) for a space to end on.
_WORD_BOUNDARY_SLACK = 0.3

# Elements whose text is never reader-facing.
_SKIP = frozenset(
    {"script", "style", "noscript", "template", "head", "iframe", "object", "svg", "math"}
)
# Elements that separate words: their edges become spaces.
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "img",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
_TAG = re.compile(r"<[^>]*>?")


def cut(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else its start ending in "…" (within limit).

    The cut is made at the last space in the final 30% of the allowed length, if there is one.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS)]
    space = head.rfind(" ")
    if space >= len(head) * (1 - _WORD_BOUNDARY_SLACK):
        head = head[:space]
    return head.rstrip() + ELLIPSIS


def one_line(value: str | None, limit: int) -> str:
    """``value`` as one line of plain text of at most ``limit`` characters ("" for None)."""
    if not value:
        return ""
    return cut(" ".join(_UNWANTED.sub("", value).split()), limit)


def html_to_text(fragment: str | None, limit: int) -> str:
    """The reader-visible text of an HTML fragment, as :func:`one_line` makes it.

    Scripts, styles and the like are dropped with their content, entities are decoded, block
    elements and ``<br>`` separate words. Only the first ``HTML_SCAN_CHARS`` characters are
    parsed; the parser reads no network resource and no DTD.
    """
    if not fragment:
        return ""
    fragment = _UNWANTED.sub("", fragment[:HTML_SCAN_CHARS])
    if "<" not in fragment and "&" not in fragment:
        return one_line(fragment, limit)
    parser = lxml.html.HTMLParser(
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        default_doctype=False,
    )
    try:
        root = lxml.html.fromstring(fragment, parser=parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        # Nothing parseable (e.g. only a comment): fall back to dropping anything tag-like.
        return one_line(html_lib.unescape(_TAG.sub(" ", fragment)), limit)
    if root is None:
        return ""
    parts: list[str] = []
    walk = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, element in walk:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.rpartition("}")[2].lower()
        if event == "start":
            if tag in _SKIP:
                # Neither its text nor anything inside it is read; its tail is, at "end".
                walk.skip_subtree()
                continue
            if tag in _BLOCKS:
                parts.append(" ")
            parts.append(element.text or "")
        else:
            if tag in _BLOCKS:
                parts.append(" ")
            if element is not root:
                parts.append(element.tail or "")
    return one_line("".join(parts), limit)
