"""Tag soup that libxml2 reads differently from a browser, repaired where it hides the story.

libxml2's HTML parser predates HTML5 and closes elements by priority: an end tag may close only
elements of lower or equal priority on its way up the stack. A `<div>` ranks above the elements
libxml2 does not know (`header`, `nav`, `aside`, `section`, …) and above `ul`, `ol`,
`blockquote`, `noscript`; so an unclosed `<div>` inside a `<nav>` makes libxml2 ignore `</nav>`,
and the navigation bar, an `<aside>` or a `<noscript>` then swallows the rest of the page: the
story ends up inside an element that is chrome by its tag, and goes with it. A browser (the
HTML5 tree builder) closes the open `<div>`s when it meets the end tag, and shows the story.

`close_unclosed(text)` rewrites the markup so that libxml2 builds what a browser builds: one
`</div>` before such an end tag for each `<div>` still open inside the element (and before a
list item's start tag for each still open in the item it closes), and a heading's end tag of
another level ending the open heading (`<h2>…</h3>`). It is a scan of the tags with one regular
expression, about as costly as the parse, so the engine runs it only where the story came out
empty or short (the rescue's first reading, engine._rescue) or where a heading of
HEADING_MAX_CHARS holds paragraphs (`long_headings`, `holds_blocks`). On the repaired reading,
an element that is chrome by its tag but still holds the page and its story (a site that sets
its story in an `<aside>`) is read as a plain box (chrome.drop_chrome's keep_swallowing).
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from . import rules

# End tags that close every open <div> up to their own element in HTML5 (the "in body"
# rules for address, article, aside, …, ul; li, dd, dt) but that libxml2 ignores while a <div>
# is open inside them; noscript too (with scripting on, a browser reads its content as text).
CLOSERS: frozenset[str] = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir",
        "dl", "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "main", "menu",
        "nav", "ol", "section", "summary", "ul", "li", "dd", "dt", "noscript",
        "h1", "h2", "h3", "h4", "h5", "h6",
    }
)  # fmt: skip
# Table parts bound the scope of an end tag in both parsers: an end tag never closes through
# them, and no repair is made across them.
_BARRIERS = frozenset({"table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption"})
_TRACKED = CLOSERS | _BARRIERS | {"div"}
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr", "param", "keygen"}
)  # fmt: skip
# Comments, raw-text elements (whose content holds no tags) and tags (possessive: a page of
# "<a" without ">" is scanned once, not once from each "<").
_TOKEN = re.compile(
    r"<!--.*?(?:-->|$)"
    r"|<(script|style|textarea|xmp|iframe|noembed|noframes)\b[^<>]*+>.*?(?:</\1\s*>|$)"
    r"|<(/?)([a-zA-Z][a-zA-Z0-9:-]*+)([^<>]*+)>",
    re.DOTALL | re.IGNORECASE,
)

# libxml2 stops nesting at depth 255: a page that leaves more elements open is not one a repair
# would bring right (and each step would cost as much as the stack is deep).
MAX_OPEN = 256
# A list item's start tag closes the open item of its list (the end tag is optional).
_ITEMS = {"li": ("li",), "dd": ("dd", "dt"), "dt": ("dd", "dt")}
_LISTS = frozenset({"ul", "ol", "dl", "menu", "dir"})


def _close_item(stack: list[str], items: tuple[str, ...]) -> int:
    """Pop the open item a new item's start tag closes; the number of <div>s open inside it."""
    for at in range(len(stack) - 1, -1, -1):
        tag = stack[at]
        if tag in items:
            opened = stack[at + 1 :].count("div")
            del stack[at:]
            return opened
        if tag in _LISTS or tag in _BARRIERS:
            return 0
    return 0


_BLOCKS_IN_HEADING = ("p", "div", "table", "ul", "ol")
# No heading runs this long: one that holds this many characters in paragraphs or boxes took
# in what follows it.
HEADING_MAX_CHARS = 600


def long_headings(root: HtmlElement) -> list[HtmlElement]:
    """The headings holding HEADING_MAX_CHARS of text or more: no heading runs that long.

    Either the parse of a heading left open (`<h2>…</h3>`) took in what follows (the heading
    then holds paragraphs or boxes: `holds_blocks`), or the page sets its running text in a
    heading tag for the type size (a 2000s shop page's `<h5>`). Headings are few, and a
    heading's text is measured whole only when it has children."""
    found = []
    for heading in root.iter(*rules.HEADING_TAGS):
        if len(heading):
            if len(heading.text_content()) >= HEADING_MAX_CHARS:
                found.append(heading)
        elif heading.text is not None and len(heading.text) >= HEADING_MAX_CHARS:
            found.append(heading)
    return found


# A heading of this many lines (line breaks inside) and characters is a block of lines set in a
# heading tag for the type size (a magazine's credits list, "Director: …<br>Editor: …"), not
# a title: a title broken over two or three lines is shorter.
LINES_MIN_BREAKS = 3
LINES_MIN_CHARS = 150


def is_lines(heading: HtmlElement) -> bool:
    """Whether a heading holds LINES_MIN_BREAKS line breaks (its text is measured by the
    caller: LINES_MIN_CHARS, under HEADING_MAX_CHARS)."""
    return any(n >= LINES_MIN_BREAKS for n, _ in enumerate(heading.iter("br"), 1))


def lined_headings(root: HtmlElement) -> list[HtmlElement]:
    """The headings of root that are blocks of lines (is_lines, LINES_MIN_CHARS of text, under
    HEADING_MAX_CHARS: a longer one is a long heading)."""
    return [
        h
        for h in root.iter(*rules.HEADING_TAGS)
        if is_lines(h) and LINES_MIN_CHARS <= len(h.text_content()) < HEADING_MAX_CHARS
    ]


def holds_blocks(heading: HtmlElement) -> bool:
    """Whether a heading holds paragraphs or boxes (what a heading left open takes in)."""
    return next(heading.iter(*_BLOCKS_IN_HEADING), None) is not None


def close_unclosed(text: str, max_tags: int = 60_000) -> str:
    """The markup with `</div>`s inserted before end tags that HTML5 lets close open divs and
    libxml2 does not (see the module's docstring); the text itself unchanged when none is.
    Only the first max_tags tags are read (the parser keeps no more, dom.parse)."""
    stack: list[str] = []
    out: list[str] = []
    done = 0
    for count, found in enumerate(_TOKEN.finditer(text)):
        if count >= max_tags:
            break
        name = found.group(3)
        if name is None:
            continue  # a comment or a raw-text element
        tag = name.lower()
        if tag not in _TRACKED:
            continue
        if not found.group(2):
            opened = _close_item(stack, _ITEMS[tag]) if tag in _ITEMS else 0
            if opened:
                out.append(text[done : found.start()])
                out.append("</div>" * opened)
                done = found.start()
            if tag not in _VOID and not found.group(4).endswith("/"):
                stack.append(tag)
                if len(stack) > MAX_OPEN:
                    return text  # deeper than libxml2 nests: not a page to repair
            continue
        if tag not in stack:
            if tag not in rules.HEADING_TAGS:
                continue  # a stray end tag: both parsers ignore it
            # Any heading's end tag closes the open heading in HTML5 (`<h2>…</h3>`); libxml2
            # ignores it, and the heading takes in the story that follows.
            heading = next((t for t in reversed(stack) if t in rules.HEADING_TAGS), None)
            if heading is None:
                continue
            at = len(stack) - 1 - stack[::-1].index(heading)
            if _BARRIERS.intersection(stack[at + 1 :]):
                continue
            out.append(text[done : found.start()])
            out.append("</div>" * stack[at + 1 :].count("div") + f"</{heading}>")
            done = found.end()
            del stack[at:]
            continue
        at = len(stack) - 1 - stack[::-1].index(tag)
        above = stack[at + 1 :]
        if tag == "div" or tag in _BARRIERS:
            if not _BARRIERS.intersection(above):
                del stack[at:]
            continue
        if _BARRIERS.intersection(above):
            continue
        opened = above.count("div")
        if opened:
            out.append(text[done : found.start()])
            out.append("</div>" * opened)
            done = found.start()
        del stack[at:]
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)
