"""From a pruned DOM to a flat list of candidate blocks, each knowing where it came from."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from . import compiled, dom, rules
from .article import PARAGRAPH_FIELDS, Block, ExtractOptions, paragraph_block
from .chrome import is_chrome_text
from .compiled import walk as _compiled
from .dom import normalize_space, tag_of
from .sanitize import join_url

_BR = "\x00"  # stands for <br> until lines are split
_CREDIT_IN_CAPTION = re.compile(rules.CAPTION_CREDIT, re.IGNORECASE)
_STRUCTURAL = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "ul", "ol", "table",
               "blockquote", "section", "article", "pre", "dl")  # fmt: skip
_LAYOUT_MARKERS = (*(t for t in _STRUCTURAL if t not in ("section", "article")), "br")
_LAZY_SRC_ATTRS = ("data-src", "data-original", "data-lazy-src", "data-url", "data-hi-res-src")
# A URL's scheme as a browser reads it, once spaces and control characters (which it ignores
# inside a URL: "java\tscript:") are gone.
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]+")
_ICON_SRC = re.compile(r"(?:^|[/_.-])(?:logo|icon|sprite|spacer|pixel|blank|avatar|badge)", re.I)


@dataclass(frozen=True)
class Candidate:
    """A block plus what scoring needs: the element it came from and its link text."""

    block: Block
    el: HtmlElement
    chars: int
    link_chars: int

    @property
    def link_density(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


def _candidate(block: Block, el: HtmlElement, chars: int, link_chars: int) -> Candidate:
    """``Candidate(block, el, chars, link_chars)`` without the frozen dataclass's __init__ (see
    article.paragraph_block): one is made for every block of the page."""
    candidate = object.__new__(Candidate)
    candidate.__dict__.update(block=block, el=el, chars=chars, link_chars=link_chars)
    return candidate


class _Inline:
    """Accumulates inline text (parts) and how much of it sits inside links (link_chars: the
    stripped length of each part added inside a link). The walkers append to parts directly.

    Text past max_chars is cut before its spaces are normalised: the body is cut at that length
    anyway, and splitting a 10 MB text node into words costs more than the rest of the page.
    """

    __slots__ = ("link_chars", "max_chars", "parts")

    def __init__(self, max_chars: int) -> None:
        self.parts: list[str] = []
        self.link_chars = 0
        self.max_chars = max_chars

    def take(self) -> tuple[str, int]:
        parts = self.parts
        if not parts:  # most calls: nothing was added since the last block
            return "", 0
        raw = "".join(parts) if len(parts) > 1 else parts[0]
        links = self.link_chars
        self.parts = []
        self.link_chars = 0
        return _run_text(raw, self.max_chars), links


def _run_text(raw: str, max_chars: int) -> str:
    """A run of inline text as a block's text: cut at max_chars, spaces normalised, each
    <br> a line break."""
    if len(raw) > max_chars:
        raw = raw[:max_chars]
    if _BR not in raw:
        return " ".join(raw.split())
    lines = (normalize_space(line) for line in raw.split(_BR))
    return "\n".join(line for line in lines if line)


# A list item made only of short paragraphs (a link roundup's <li><p>headline</p><p>via
# source</p></li>) is an item of the list, its paragraphs joined on one line: walked as a
# container, the list fell apart into link lines, none of them prose. A longer paragraph in an
# item is prose of its own, and the list a container as before.
ITEM_PARAGRAPH_MAX_CHARS = 200
_STRUCTURAL_TAGS = frozenset(_STRUCTURAL)
_PRE_TAGS = ("pre", "listing", "xmp", "plaintext")
# The tags BlockBuilder._block does more with than walk them as containers. The compiled walk
# does paragraphs, headings, lists and <hr> as _block does, and hands blocks of the others
# back to it; it walks blocks of every other tag itself.
_OWN_BLOCKS = frozenset(
    {*rules.HEADING_TAGS, "p", *rules.LIST_TAGS, "blockquote", "figure", *_PRE_TAGS, "table", "hr"}
)


@functools.cache
def _kinds(walk: ModuleType) -> Any:
    """What the compiled block walk takes from here, made once (the walk runs for every
    container); per module, as tests switch the compiled walks on and off."""
    return walk.BlockKinds(
        drop_tags=rules.DROP_TAGS,
        block_tags=rules.BLOCK_TAGS,
        structural=_STRUCTURAL_TAGS,
        handled=_OWN_BLOCKS,
        heading_tags=rules.HEADING_TAGS,
        list_tags=rules.LIST_TAGS,
        run_text=_run_text,
        block_type=Block,
        block_fields=PARAGRAPH_FIELDS,
        candidate_type=Candidate,
        item_paragraph_max=ITEM_PARAGRAPH_MAX_CHARS,
    )


def _has_block_descendant(el: HtmlElement) -> bool:
    if len(el) == 0:
        return False
    # A Python loop, not el.iterdescendants(*_STRUCTURAL): lxml builds a matcher for the 17
    # tag names on every call (~2 µs), while the elements asked about are inline ones (a, span,
    # em) with a few descendants, and the loop stops at the first block (no generator: any()
    # costs more than the search on such small subtrees).
    for descendant in el.iterdescendants():  # noqa: SIM110
        if descendant.tag in _STRUCTURAL_TAGS:
            return True
    return False


def is_link(a: HtmlElement) -> bool:
    """Whether an <a> is a link: one with an href, or a bare <a> a script makes one. An <a>
    with a name or an id and no href is where a link lands (<a name="q3">A listener asks:
    …</a>, a 2000s page's section marks), and its words are the page's own."""
    get = a.get
    return get("href") is not None or (get("name") is None and get("id") is None)


def _flatten_inline(el: HtmlElement, acc: _Inline, in_link: bool) -> None:
    """Text of an inline subtree (links counted), <br> kept as a line break."""
    in_link = in_link or (tag_of(el) == "a" and is_link(el))
    parts = acc.parts  # take() is not called while flattening: the list stays acc's
    text = el.text
    if text:
        parts.append(text)
        if in_link:
            acc.link_chars += len(text.strip())
    for child in el:
        tag = child.tag
        tag = tag.lower() if isinstance(tag, str) else ""  # tag_of, inlined: the hot loop
        if tag == "br":
            parts.append(_BR)
        elif tag and tag not in rules.DROP_TAGS:
            _flatten_inline(child, acc, in_link)
        text = child.tail
        if text:
            parts.append(text)
            if in_link:
                acc.link_chars += len(text.strip())


def _pre_text(el: HtmlElement, parts: list[str]) -> None:
    """Preformatted text as it shows: its spaces kept, and a <br> (code highlighters end each
    line with one) a line break, so the last word of a line does not run into the next."""
    if el.text:
        parts.append(el.text)
    for child in el:
        tag = tag_of(child)
        if tag == "br":
            parts.append("\n")
        elif tag:  # not a comment or processing instruction
            _pre_text(child, parts)
        if child.tail:
            parts.append(child.tail)


def _text_of(el: HtmlElement, max_chars: int) -> tuple[str, int]:
    if _compiled is not None:
        # _flatten_inline's walk in C (_walk.pyx): no Python object for the elements inside.
        text: tuple[str, int] = _compiled.text_of(el, max_chars, rules.DROP_TAGS, _run_text)
        return text
    if len(el) == 0 and tag_of(el) != "a":
        # A leaf (most paragraphs, list items and cells): _flatten_inline would add just its text.
        raw = el.text
        if not raw:
            return "", 0
        if _BR not in raw and len(raw) <= max_chars:
            return " ".join(raw.split()), 0
    acc = _Inline(max_chars)
    _flatten_inline(el, acc, False)
    return acc.take()


def _list_item_texts(el: HtmlElement, max_chars: int) -> list[tuple[str, int]] | None:
    """_text_of each <li> of a list, or None when there is none or one holds a block other
    than short paragraphs (_item_paragraphs)."""
    if _compiled is not None:
        # In C (_walk.pyx): no Python object for the items and what they hold.
        found: list[tuple[str, int]] | None = _compiled.list_item_texts(
            el, max_chars, rules.DROP_TAGS, _STRUCTURAL_TAGS, _run_text, ITEM_PARAGRAPH_MAX_CHARS
        )
        return found
    items = [c for c in el if tag_of(c) == "li"]
    if not items:
        return None
    texts: list[tuple[str, int]] = []
    for li in items:
        if not _has_block_descendant(li):
            texts.append(_text_of(li, max_chars))
            continue
        paragraphs = _item_paragraphs(li, max_chars)
        if paragraphs is None:
            return None
        texts.append(paragraphs)
    return texts


def _item_paragraphs(li: HtmlElement, max_chars: int) -> tuple[str, int] | None:
    """The text of a list item made only of short paragraphs (nothing but blank text beside
    <p> children holding no block, each of 1 to ITEM_PARAGRAPH_MAX_CHARS), its paragraphs
    joined with a space; None for any other item."""
    if li.text and not li.text.isspace():
        return None
    parts: list[str] = []
    links = 0
    for child in li:
        if not isinstance(child.tag, str):  # a comment
            pass
        elif tag_of(child) != "p" or _has_block_descendant(child):
            return None
        else:
            text, p_links = _text_of(child, max_chars)
            if not text or len(text) > ITEM_PARAGRAPH_MAX_CHARS:
                return None  # an empty one holds a picture: the walk finds it
            parts.append(text)
            links += p_links
        if child.tail and not child.tail.isspace():
            return None
    return _run_text(" ".join(parts), max_chars), links


def image_src(img: HtmlElement, base: str | None) -> str | None:
    """The best URL of an <img>, made absolute; lazy-loading attributes count.

    Only an http(s) URL is taken, or, when there is no base to resolve against, a relative one
    (of a saved page, it names a file beside it); never a data:, javascript: or other scheme.
    """
    candidates: list[str | None] = [img.get("src")] + [img.get(a) for a in _LAZY_SRC_ATTRS]
    srcset = img.get("srcset") or img.get("data-srcset")
    if srcset:
        first = srcset.strip().split(",")[0].strip().split(" ")[0]
        candidates.append(first)
    for raw in candidates:
        if not raw:
            continue
        raw = raw.strip()
        if not raw or raw.lower().startswith(("data:", "javascript:", "about:")):
            continue
        url = join_url(base, raw)
        if _usable_src(url, base):
            return url
    return None


def _usable_src(url: str, base: str | None) -> bool:
    """An http(s) URL with a host (not the "//:0" placeholder of a lazy-loaded image), or, with
    no base to resolve against, a relative reference (of a saved page, a file beside it)."""
    if url.startswith(("http://", "https://")):
        return _has_host(url)
    if base:
        return False
    bare = _CONTROL_OR_SPACE.sub("", url)
    if bare.startswith("//"):
        return _has_host("http:" + bare)
    return _SCHEME.match(bare) is None


def _has_host(url: str) -> bool:
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:  # an unbalanced "[" of an IPv6 literal
        return False


def photo_src(img: HtmlElement, base: str | None) -> str | None:
    """The URL of an <img> the body keeps as a photo; None for a tiny image (a spacer, a
    tracking pixel), an icon or logo, or one with no usable address."""
    if _is_tiny(img):
        return None
    src = image_src(img, base)
    if not src or _ICON_SRC.search(src.rsplit("?", 1)[0].rsplit("/", 1)[-1]):
        return None
    return src


def _is_tiny(img: HtmlElement) -> bool:
    for attr in ("width", "height"):
        value = (img.get(attr) or "").strip().rstrip("px")
        if value.isdigit() and int(value) < rules.MIN_FIGURE_SIDE:
            return True
    return False


class BlockBuilder:
    """Walks containers and emits Candidates in document order."""

    def __init__(self, *, base_url: str | None, max_depth: int, max_chars: int) -> None:
        self.base_url = base_url
        self.max_depth = max_depth
        self.max_chars = max_chars
        self.out: list[Candidate] = []

    # -- emitting ---------------------------------------------------------------------------

    def _emit(self, block: Block, el: HtmlElement, link_chars: int) -> None:
        chars = len(block.plain())
        self.out.append(_candidate(block, el, chars, min(link_chars, chars)))

    def _emit_text(self, text: str, links: int, el: HtmlElement) -> None:
        if text:
            chars = len(text)  # a paragraph's plain() is its text
            self.out.append(_candidate(paragraph_block(text), el, chars, min(links, chars)))

    # -- walking ----------------------------------------------------------------------------

    def walk(self, el: HtmlElement, depth: int = 0) -> None:
        """Emit the blocks inside a container element."""
        if depth > self.max_depth:
            return
        if _compiled is not None:
            # The same walk in C (_walk.pyx), on into the plain containers, paragraphs, headings
            # and lists inside, whose Candidates it makes as _emit does: only pictures come back
            # here, to _image, and the other blocks of _OWN_BLOCKS to _block.
            _compiled.walk_blocks(
                el,
                depth,
                self.max_depth,
                self.max_chars,
                _kinds(_compiled),
                self.out,
                self._image,
                self._block,
            )
            return
        acc = _Inline(self.max_chars)
        parts = acc.parts  # text outside links: no link characters to count
        text = el.text
        if text:
            parts.append(text)
        drop_tags, block_tags = rules.DROP_TAGS, rules.BLOCK_TAGS
        for child in el:
            tag = child.tag
            tag = tag.lower() if isinstance(tag, str) else ""  # tag_of, inlined: the hot loop
            if not tag or tag in drop_tags:
                pass
            elif tag == "br":
                parts.append(_BR)
            elif tag == "img":
                if parts:
                    parts = self._flush(acc, el)
                self._image(child, el)
            elif tag in block_tags or _has_block_descendant(child):
                if parts:  # most blocks follow blocks: no inline text to flush
                    parts = self._flush(acc, el)
                if tag != "p" or not self._leaf_paragraph(child, depth + 1):
                    self._block(child, tag, depth + 1)
            else:
                _flatten_inline(child, acc, False)
            tail = child.tail
            if tail:
                parts.append(tail)
        if parts:
            self._flush(acc, el)

    def _flush(self, acc: _Inline, el: HtmlElement) -> list[str]:
        """Emit the inline text gathered so far as a paragraph of el; acc's new parts list."""
        parts = acc.parts
        if len(parts) == 1 and parts[0].isspace():
            # The blank tail of the block before (the commonest case), which take() would turn
            # into no text: whitespace counts no link characters, so acc.link_chars is 0.
            parts.clear()
            return parts
        text, links = acc.take()
        self._emit_text(text, links, el)
        return acc.parts

    def _leaf_paragraph(self, el: HtmlElement, depth: int) -> bool:
        """A <p> with no child elements and plain text, the commonest block, emitted without
        the general path; False (nothing done) for any other."""
        if len(el) or depth > self.max_depth:
            return False
        raw = el.text
        if not raw or _BR in raw or len(raw) > self.max_chars:
            return False
        self._emit_text(" ".join(raw.split()), 0, el)
        return True

    def _block(self, el: HtmlElement, tag: str, depth: int) -> None:
        if depth > self.max_depth:
            return
        if tag in rules.HEADING_TAGS:
            text, links = _text_of(el, self.max_chars)
            if text:
                level = max(2, int(tag[1]))
                self._emit(Block("heading", text=text.replace("\n", " "), level=level), el, links)
        elif tag == "p":
            self._paragraph(el, depth)
        elif tag in rules.LIST_TAGS:
            self._list(el, tag, depth)
        elif tag == "blockquote":
            self._quote(el, depth)
        elif tag == "figure":
            self._figure(el, depth)
        elif tag in _PRE_TAGS:
            self._pre(el)
        elif tag == "table":
            self._table(el, depth)
        elif tag == "hr":
            return
        else:
            self.walk(el, depth)

    def _paragraph(self, el: HtmlElement, depth: int) -> None:
        """A <p>: its text, or the blocks inside it, or its pictures when it has no text."""
        if self._leaf_paragraph(el, depth):
            return
        if _has_block_descendant(el):
            self.walk(el, depth)
            return
        text, links = _text_of(el, self.max_chars)
        if text:
            self._emit_text(text, links, el)
        else:
            for img in el.iter("img"):
                self._image(img, el)

    def _list(self, el: HtmlElement, tag: str, depth: int) -> None:
        items = _list_item_texts(el, self.max_chars)
        if items is None:
            for child in el:
                ctag = tag_of(child)
                if ctag and ctag not in rules.DROP_TAGS:
                    self.walk(child, depth + 1)
            return
        texts: list[str] = []
        links = 0
        for text, li_links in items:
            if text:
                texts.append(text.replace("\n", " "))
                links += li_links
        if texts:
            self._emit(Block("list", items=tuple(texts), ordered=tag == "ol"), el, links)

    def _quote(self, el: HtmlElement, depth: int) -> None:
        inner = BlockBuilder(
            base_url=self.base_url, max_depth=self.max_depth, max_chars=self.max_chars
        )
        inner.walk(el, depth)
        parts = [c for c in inner.out if c.block.kind != "figure"]
        text = "\n".join(c.block.plain() for c in parts if not is_chrome_text(c.block.plain()))
        if text:
            self._emit(Block("quote", text=text), el, sum(c.link_chars for c in parts))

    def _pre(self, el: HtmlElement) -> None:
        parts: list[str] = []
        _pre_text(el, parts)
        text = "".join(parts).strip("\n")
        if text.strip():
            self._emit(Block("preformatted", text=text.rstrip()), el, 0)

    def _table(self, el: HtmlElement, depth: int) -> None:
        # A layout table is walked as a container (rows and cells are block tags, so each cell
        # becomes its own container).
        if _is_layout_table(el):
            self.walk(el, depth)
            return
        rows: list[str] = []
        links = 0
        for tr in el.iter("tr"):
            cells: list[str] = []
            for cell in tr:
                if tag_of(cell) in ("td", "th"):
                    text, cell_links = self._cell_text(cell, depth)
                    cells.append(text)
                    links += cell_links
            if any(cells):
                rows.append(" | ".join(cells))
        if not rows:
            return
        if len(rows) == 1 and rows[0].count(" | ") == 0:
            self._emit(Block("paragraph", text=rows[0]), el, links)
        else:
            self._emit(Block("table", text="\n".join(rows)), el, links)

    def _cell_text(self, cell: HtmlElement, depth: int) -> tuple[str, int]:
        """A data cell's text on one line; a cell holding paragraphs (a long note in one row)
        has them read as blocks and joined with spaces, not run together."""
        if next(cell.iterdescendants(*_LAYOUT_MARKERS), None) is None:
            text, links = _text_of(cell, self.max_chars)
            return text.replace("\n", " "), links
        inner = BlockBuilder(
            base_url=self.base_url, max_depth=self.max_depth, max_chars=self.max_chars
        )
        inner.walk(cell, depth)
        parts = [c for c in inner.out if c.block.kind != "figure"]
        text = " ".join(c.block.plain().replace("\n", " ") for c in parts)
        return text, sum(c.link_chars for c in parts)

    def _image(self, img: HtmlElement, el: HtmlElement) -> None:
        src = photo_src(img, self.base_url)
        if src is None:
            return
        alt = normalize_space(img.get("alt") or "") or None
        self._emit(Block("figure", src=src, alt=alt), el, 0)

    def _figure(self, el: HtmlElement, depth: int) -> None:
        img = next(el.iter("img"), None)
        captions = [c for c in el.iter("figcaption")]
        if not captions:
            captions = [
                c for c in el.iterdescendants() if "caption" in (c.get("class") or "").lower()
            ][:1]
        if img is None and not captions:
            self.walk(el, depth)
            return
        caption, credit = self._caption(captions[0]) if captions else ("", "")
        if not credit:
            for c in el.iterdescendants():
                if c not in captions and _is_credit(c):
                    credit = _strip_credit(_text_of(c, self.max_chars)[0])
                    if credit:
                        break
        src = image_src(img, self.base_url) if img is not None else None
        alt = normalize_space(img.get("alt") or "") or None if img is not None else None
        if not (src or caption or credit):
            return
        block = Block("figure", src=src, alt=alt, caption=caption or None, credit=credit or None)
        self._emit(block, el, 0)

    def _caption(self, cap: HtmlElement) -> tuple[str, str]:
        """Caption text and photo credit, with gallery toggles left out."""
        credit = ""
        for c in cap.iterdescendants():
            if _is_credit(c):
                credit = _strip_credit(_text_of(c, self.max_chars)[0])
                if credit:
                    parent = c.getparent()
                    if parent is not None:
                        tail = c.tail
                        c.tail = None
                        parent.remove(c)
                        if tail:
                            parent.text = (parent.text or "") + tail
                    break
        inner = BlockBuilder(
            base_url=self.base_url, max_depth=self.max_depth, max_chars=self.max_chars
        )
        inner.walk(cap)
        lines = [c.block.plain() for c in inner.out if c.block.kind != "figure"]
        lines = [line for line in lines if not is_chrome_text(line)]
        caption = normalize_space(" ".join(lines))
        if not credit:
            found = _CREDIT_IN_CAPTION.search(caption)
            if found:
                credit = (found.group(1) or found.group(2) or "").strip()
                caption = caption[: found.start()].rstrip()
        return caption, credit


# A data table may hold a paragraph or a line break in a few of its cells (a long note in one
# row of a list of films): with at least DATA_TABLE_MIN_ROWS rows, no table inside it and no
# more than this share of its rows holding blocks, it is still read as a table. Cut into cells,
# its rows lose their link-only first cells (the film's title) as link lists.
DATA_TABLE_MIN_ROWS = 5
DATA_TABLE_BLOCK_ROWS_SHARE = 0.1


def _is_layout_table(el: HtmlElement) -> bool:
    """A table holding paragraphs, lists, line breaks or other tables in many of its rows: a
    page's layout grid, to be walked as containers."""
    if next(el.iterdescendants(*_LAYOUT_MARKERS), None) is None:
        return False
    if next(el.iterdescendants("table"), None) is not None:
        return True
    rows = list(el.iter("tr"))
    if len(rows) < DATA_TABLE_MIN_ROWS:
        return True
    with_blocks = sum(
        1 for tr in rows if next(tr.iterdescendants(*_LAYOUT_MARKERS), None) is not None
    )
    return with_blocks > DATA_TABLE_BLOCK_ROWS_SHARE * len(rows)


def _is_credit(el: HtmlElement) -> bool:
    words = ((el.get("class") or "") + " " + (el.get("itemprop") or "")).lower()
    return any(h in words for h in rules.CREDIT_HINTS)


def _strip_credit(text: str) -> str:
    text = normalize_space(text).strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text


def build_blocks(
    root: HtmlElement,
    *,
    base_url: str | None,
    max_depth: int,
    max_chars: int = ExtractOptions.max_text_chars,
) -> list[Candidate]:
    """The candidate blocks under root, in document order; no block's text is longer than
    max_chars (the article's cap)."""
    builder = BlockBuilder(base_url=base_url, max_depth=max_depth, max_chars=max_chars)
    builder.walk(root)
    return builder.out


def with_text(c: Candidate, text: str) -> Candidate:
    return replace(c, block=replace(c.block, text=text), chars=len(text))


@compiled.bind
def _bind_compiled(walk: ModuleType | None) -> None:
    """compiled.use switched the walks: this module follows."""
    global _compiled, normalize_space
    _compiled = walk
    normalize_space = dom.normalize_space
