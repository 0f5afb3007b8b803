"""Finding a highlight's passage in a story's text again: pure, no database.

A highlight is kept as a W3C Web Annotation style selector: the quoted text, up to
HIGHLIGHT_CONTEXT_CHARS characters before (`prefix`) and after it (`suffix`), and where it was
(`start`, `end`: a hint). All offsets are in Unicode code points (Python's `str` indices, the
W3C TextPositionSelector's unit) of the story's *canonical text*:

    the concatenation, in document order, of every text node of the stored (sanitised) story
    HTML, parsed by an HTML5 parser inside the reader view's `<div class="story-body">`.

That is exactly `textContent` of the story body in the browser, so the reader view's script and
`story_text()` below agree character for character (the script counts code points, not UTF-16
units). `<mark>`s added around highlights do not change it.

`locate()` scores every exact occurrence of the quote by how much of the prefix and suffix
agree with the text around it and by its distance from the position hint, and keeps the best.
When the quote is not there verbatim it tries again with every run of white space counted as
one space (re-extraction often moves line breaks). When that fails too the highlight is
orphaned: the words it marked are no longer in the story.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Past this many occurrences of a quote (a one-word quote in a long text), the rest are not
# scored: the hint and the context have long since told the occurrences apart.
MAX_CANDIDATES = 2_000

_WHITE = re.compile(r"\s+")


@dataclass(frozen=True)
class Selector:
    quote: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Span:
    """Where a quote is: text[start:end]."""

    start: int
    end: int


def parse_story(html: str) -> LexborNode:
    """The story body as the browser builds it: the stored HTML inside a `<div>` of `<body>`
    (the reader view's story-body), parsed by an HTML5 parser. Returns that div."""
    tree = LexborHTMLParser(
        f"<!doctype html><html><head></head><body><div>{html}</div></body></html>"
    )
    body = tree.body
    div = body.child if body is not None else None
    while div is not None and div.tag != "div":
        div = div.next
    if div is None:  # not reached: the parser always builds the body and its div
        raise ValueError("the story could not be parsed")
    return div


def text_nodes(root: LexborNode) -> list[LexborNode]:
    """Every text node under `root`, in document order (no recursion: nesting can be deep)."""
    found: list[LexborNode] = []
    stack: list[LexborNode] = []
    node = root.child
    while node is not None or stack:
        if node is None:
            node = stack.pop().next
            continue
        if node.is_text_node:
            found.append(node)
        elif node.is_element_node and node.child is not None:
            stack.append(node)
            node = node.child
            continue
        node = node.next
    return found


def story_text(html: str) -> str:
    """The canonical text of a story's stored HTML (see the module's docstring)."""
    if not html:
        return ""
    return "".join(n.text_content or "" for n in text_nodes(parse_story(html)))


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _best(text: str, quote: str, prefix: str, suffix: str, hint: int | None) -> int | None:
    """The start of the best-scoring occurrence of `quote` in `text`, or None."""
    best: tuple[float, int] | None = None
    at = text.find(quote)
    seen = 0
    while at != -1 and seen < MAX_CANDIDATES:
        seen += 1
        score = 0.0
        if prefix:
            score += 2.0 * _common_suffix(text[max(0, at - len(prefix)) : at], prefix) / len(prefix)
        if suffix:
            after = text[at + len(quote) : at + len(quote) + len(suffix)]
            score += 2.0 * _common_prefix(after, suffix) / len(suffix)
        if hint is not None:
            score += 1.0 - min(abs(at - hint) / max(len(text), 1), 1.0)
        if best is None or score > best[0]:
            best = (score, at)
        at = text.find(quote, at + 1)
    return None if best is None else best[1]


def _collapsed(text: str) -> tuple[str, list[int]]:
    """`text` with every run of white space as one space, and for each of its characters the
    offset of that character in `text` (plus one entry for the end)."""
    out: list[str] = []
    where: list[int] = []
    last = 0
    for m in _WHITE.finditer(text):
        out.append(text[last : m.start()])
        where.extend(range(last, m.start()))
        out.append(" ")
        where.append(m.start())
        last = m.end()
    out.append(text[last:])
    where.extend(range(last, len(text)))
    where.append(len(text))
    return "".join(out), where


def locate(text: str, selector: Selector) -> Span | None:
    """Where the selector's quote is in `text`, or None when it is no longer there."""
    quote = selector.quote
    if not quote:
        return None
    start, end = selector.start, selector.end
    # Where it was, with the same words around it: nothing to search.
    if start is not None and end is not None and text[start:end] == quote:
        before = text[max(0, start - len(selector.prefix)) : start]
        after = text[end : end + len(selector.suffix)]
        if before.endswith(selector.prefix) and after.startswith(selector.suffix):
            return Span(start, end)
    found = _best(text, quote, selector.prefix, selector.suffix, start)
    if found is not None:
        return Span(found, found + len(quote))
    # The same words with different white space between them.
    squeezed = " ".join(quote.split())
    if not squeezed:
        return None
    flat, where = _collapsed(text)
    hint = None
    if start is not None:
        # The collapsed offset nearest the hint: where[] is sorted.
        hint = bisect_left(where, start)
    prefix = _WHITE.sub(" ", selector.prefix)
    suffix = _WHITE.sub(" ", selector.suffix)
    at = _best(flat, squeezed, prefix, suffix, hint)
    if at is None:
        return None
    return Span(where[at], where[at + len(squeezed) - 1] + 1)


def context(text: str, span: Span, size: int) -> tuple[str, str]:
    """The `size` characters before and after a span: a selector's prefix and suffix."""
    return text[max(0, span.start - size) : span.start], text[span.end : span.end + size]


@dataclass(frozen=True)
class ElementPoint:
    """A place in the story as annotator.js (wallabag's highlighter) writes it: the path of an
    element from the story's root (``/p[2]/em[1]``, counting same-named siblings from 1) and a
    code-point offset into that element's text."""

    path: str
    offset: int


def _path(root: LexborNode, element: LexborNode) -> str:
    steps: list[str] = []
    node: LexborNode | None = element
    while node is not None and node.mem_id != root.mem_id:
        tag = node.tag or ""
        index = 1
        sibling = node.prev
        while sibling is not None:
            if sibling.is_element_node and sibling.tag == tag:
                index += 1
            sibling = sibling.prev
        steps.append(f"{tag}[{index}]")
        node = node.parent
    return "/" + "/".join(reversed(steps))


def element_points(html: str, positions: list[int]) -> list[ElementPoint]:
    """Each position of the canonical text as an element path and an offset in the element's
    text, for clients that speak annotator.js ranges. A position past the end is the end."""
    root = parse_story(html or "")
    nodes = text_nodes(root)
    starts: list[int] = []
    total = 0
    for node in nodes:
        starts.append(total)
        total += len(node.text_content or "")
    points = []
    for position in positions:
        if not nodes:
            points.append(ElementPoint("", 0))
            continue
        at = min(max(position, 0), total)
        i = max(0, bisect_left(starts, at + 1) - 1)
        node = nodes[i]
        parent = node.parent or root
        before = 0
        for other in text_nodes(parent):
            if other.mem_id == node.mem_id:
                break
            before += len(other.text_content or "")
        points.append(ElementPoint(_path(root, parent), before + at - starts[i]))
    return points
