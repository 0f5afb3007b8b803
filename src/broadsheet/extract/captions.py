"""Photo captions that reach the body as paragraphs: caption boxes outside any <figure>
(galleries, CMS photo widgets) become caption-only figures, so the running text leaves them out
as it does <figcaption>s; and a gallery's captions repeated as text are recognised."""

from __future__ import annotations

import re
from types import ModuleType
from typing import TYPE_CHECKING

from . import compiled, dom, rules
from .article import Block
from .blocks import Candidate
from .compiled import walk as _compiled
from .dom import attr_words, normalize_space

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_CAPTION_CREDIT = re.compile(rules.CAPTION_CREDIT, re.IGNORECASE)


# Longer text in a caption box is prose (a photo essay's paragraphs), not a caption.
LOOSE_CAPTION_MAX_CHARS = 400
# Caption boxes holding more than this share of the body's paragraph text are the story (a
# photo gallery's captions are its text).
LOOSE_CAPTION_MAX_SHARE = 0.25


def as_figures(
    blocks: list[Block], loose: list[tuple[int, bool]], *, include_figures: bool
) -> list[Block]:
    """Photo captions that sit in caption boxes outside any <figure> (galleries, CMS photo
    widgets) become caption-only figures, so the running text leaves them out as it does
    <figcaption>s; unless they are much of the body, as on a gallery page."""
    if not loose:
        return blocks
    total = sum(len(b.text) for b in blocks if b.kind == "paragraph")
    if sum(len(blocks[i].text) for i, _ in loose) > LOOSE_CAPTION_MAX_SHARE * total:
        return blocks
    out: list[Block] = []
    seen: set[str] = set()
    credits = dict(loose)
    for i, block in enumerate(blocks):
        if i not in credits:
            out.append(block)
            continue
        key = normalize_space(block.text).casefold()
        if include_figures and key not in seen:  # galleries print a caption more than once
            seen.add(key)
            if credits[i]:
                out.append(Block("figure", credit=block.text))
            else:
                out.append(Block("figure", caption=block.text))
    return out


def is_loose_caption(c: Candidate, text: str) -> bool:
    """A short paragraph from a photo's caption box: an element classed as a caption (or
    just inside one, or wrapping all of the paragraph's text: a photo box's `<span
    class="caption">` beside its image) that credits a photographer or agency. Without a
    credit, a "caption" box is as often a step's text or an aside that belongs to the story."""
    if len(text) > LOOSE_CAPTION_MAX_CHARS:
        return False
    box = _caption_up(c.el, 3)
    if box is None:
        box = _caption_child(c.el, text)
    return box is not None and _credits_photo(box)


def _caption_up(el: HtmlElement | None, levels: int) -> HtmlElement | None:
    """The outermost of el and its ancestors (levels elements in all) classed as a caption."""
    if _compiled is not None:
        return _compiled.named_up(el, levels, "caption") if el is not None else None
    box = None
    for _ in range(levels):
        if el is None:
            break
        if "caption" in attr_words(el):
            box = el
        el = el.getparent()
    return box


def _caption_child(el: HtmlElement, text: str) -> HtmlElement | None:
    """A child classed as a caption that holds all of an inline run's text."""
    if _compiled is not None:
        children = _compiled.named_children(el, "caption")
    else:
        children = [c for c in el if isinstance(c.tag, str) and "caption" in attr_words(c)]
    if not children:
        return None
    key = normalize_space(text)
    for child in children:
        if normalize_space(child.text_content()) == key:
            return child
    return None


def _credits_photo(box: HtmlElement) -> bool:
    """Whether a caption box holds a photo credit (a credit element or "Photo: …" text)."""
    if any(isinstance(el.tag, str) and _is_credit(el) for el in box.iter()):
        return True
    return _CAPTION_CREDIT.search(normalize_space(box.text_content())) is not None


def _is_credit(el: HtmlElement) -> bool:
    """An element classed as a photo credit ("credit", "photographer", "courtesy", …)."""
    words = attr_words(el)
    return any(h in words for h in rules.CREDIT_HINTS)


def loose_caption_credit(c: Candidate, text: str) -> bool:
    """Whether a loose caption paragraph is the photo's credit rather than its caption."""
    return _is_credit(c.el) or _CAPTION_CREDIT.match(text) is not None


def in_caption(c: Candidate) -> bool:
    """A block from a caption box (galleries repeat their captions as text)."""
    return _caption_up(c.el, 2) is not None


@compiled.bind
def _bind_compiled(walk: ModuleType | None) -> None:
    """compiled.use switched the walks: this module follows."""
    global _compiled, normalize_space
    _compiled = walk
    normalize_space = dom.normalize_space
