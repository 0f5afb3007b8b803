"""Photo captions that reach the body as paragraphs: caption boxes outside any <figure>
(galleries, CMS photo widgets) become caption-only figures, so the running text leaves them out
as it does <figcaption>s; and a gallery's captions repeated as text are recognised."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

from . import compiled, dom, rules
from .article import Block
from .blocks import Candidate
from .chrome import is_chrome_text
from .compiled import walk as _compiled
from .dom import attr_words, normalize_space, tag_of

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
    return _holds_credit(box) or (
        _CAPTION_CREDIT.search(normalize_space(box.text_content())) is not None
    )


def _holds_credit(box: HtmlElement) -> bool:
    """Whether box is, or holds, an element classed as a photo credit."""
    return any(isinstance(el.tag, str) and _is_credit(el) for el in box.iter())


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


# A photo's caption run: at most this many elements holding text after the photo (caption,
# credit, a note), each at most LOOSE_CAPTION_MAX_CHARS long and holding at most
# CAPTION_BOX_MAX_NODES elements (a box of more is a layout block, not a caption), found among
# the photo's next CAPTION_SIBLINGS_SEEN siblings (toggles and empty boxes between them).
CAPTION_RUN_MAX_TEXTS = 3
CAPTION_BOX_MAX_NODES = 30
CAPTION_SIBLINGS_SEEN = 8
# A toggle beside a photo ("close", "View Caption") is a chrome line this short.
TOGGLE_MAX_CHARS = 40
# The wrappers (a link, an image box) climbed from an <img> to the element its caption follows.
PHOTO_WRAPPER_LEVELS = 2
_NOT_CAPTIONS = frozenset({*rules.HEADING_TAGS, *rules.LIST_TAGS, "table", "img", "figure"})


def wrap_photo_captions(
    root: HtmlElement, keeps: Callable[[HtmlElement], bool], spare: list[HtmlElement]
) -> int:
    """Photos followed by their caption and credit as sibling elements, outside any <figure>
    (a gallery's slides, a lead photo: `<img>`, then `<div class="caption">`, then
    `<div class="credit">`), become <figure>s with those siblings in a <figcaption>, so the
    block walk reads them as a figure with its caption and credit, as it reads a <figure>.
    Toggles beside the photo ("close", "View Caption") go. keeps: whether the block walk keeps
    an <img> as a photo (not an icon, a spacer or an image with no usable address). spare:
    the story's containers, which are never moved into a figure.

    Short siblings count as the caption only with a photo credit among them: one of them is
    (or holds) an element classed as a credit, or ends in a credit ("(AP Photo/…)", "Photo:
    …"); the run ends after the last such sibling. Prose after a photo (a story's first
    paragraphs) has no credit, and a box classed "caption" alone is as often a step's text
    (is_loose_caption asks the same). Returns how many photos were wrapped."""
    wrapped = 0
    held: set[HtmlElement] | None = None  # the containers and the elements holding them
    for img in list(root.iter("img")):
        if next(img.iterancestors("figure", "figcaption"), None) is not None:
            continue  # a figure already (the cheapest test first)
        photo = _photo_box(img)
        if photo is None:
            continue
        found = _caption_run(photo)
        if found is None:
            continue
        run, toggles = found
        if not keeps(img):
            continue
        if held is None:
            held = {a for c in spare for a in (c, *c.iterancestors())}
        if photo in held or any(el in held for el in run):
            continue
        parent = photo.getparent()
        if parent is None:
            continue
        for toggle in toggles:
            _remove_keeping_tail(toggle)
        figure = photo.makeelement("figure", {})
        caption = photo.makeelement("figcaption", {})
        parent.insert(parent.index(photo), figure)
        figure.tail, run[-1].tail = run[-1].tail, None
        figure.append(photo)  # the photo's tail is blank (_photo_box), and moves with it
        figure.append(caption)
        for el in run:
            caption.append(el)
        wrapped += 1
    return wrapped


def _photo_box(img: HtmlElement) -> HtmlElement | None:
    """The <img>, or the wrappers holding nothing else (a link, an image box), whose next
    siblings may be its caption; None when text runs on right after it (a picture in a
    sentence)."""
    photo = img
    for _ in range(PHOTO_WRAPPER_LEVELS):
        parent = photo.getparent()
        if (
            parent is None
            or tag_of(parent) in ("figure", "body", "p")
            or len(parent) != 1
            or (parent.text or "").strip()
            or (photo.tail or "").strip()
        ):
            break
        photo = parent
    if (photo.tail or "").strip() or tag_of(photo) == "figure":
        return None
    return photo


def _caption_run(photo: HtmlElement) -> tuple[list[HtmlElement], list[HtmlElement]] | None:
    """The siblings after a photo that hold its caption and credit (ending with the last that
    is marked as one), and the toggles among them; None without such a mark."""
    run: list[HtmlElement] = []
    toggles: list[HtmlElement] = []
    texts = 0
    marked = 0  # len(run) once the last marked sibling was taken
    for i, el in enumerate(photo.itersiblings()):
        if i >= CAPTION_SIBLINGS_SEEN:
            break
        tag = tag_of(el)
        if not tag or tag in rules.DROP_TAGS or tag == "br":
            if (el.tail or "").strip():
                break
            continue
        if tag in _NOT_CAPTIONS or _is_big(el):
            break
        text = _short_text(el)
        if text is None:
            break
        if not text:
            run.append(el)
        elif len(text) <= TOGGLE_MAX_CHARS and is_chrome_text(text):
            toggles.append(el)
        else:
            if texts == CAPTION_RUN_MAX_TEXTS:
                break
            texts += 1
            run.append(el)
            if _marked_caption(el, text):
                marked = len(run)
        if (el.tail or "").strip():  # inline text runs on: not a box of its own
            break
    if not marked:
        return None
    return run[:marked], toggles


def _is_big(el: HtmlElement) -> bool:
    """Whether el holds more than CAPTION_BOX_MAX_NODES elements or a picture of its own."""
    for n, node in enumerate(el.iterdescendants()):
        if n >= CAPTION_BOX_MAX_NODES or node.tag in ("img", "figure", "picture", "video"):
            return True
    return False


def _short_text(el: HtmlElement) -> str | None:
    """el's text, normalised; None when it is longer than a caption."""
    total = 0
    parts: list[str] = []
    for piece in el.itertext():
        total += len(piece)
        if total > 2 * LOOSE_CAPTION_MAX_CHARS:
            return None
        parts.append(piece)
    text = normalize_space(" ".join(parts))
    return text if len(text) <= LOOSE_CAPTION_MAX_CHARS else None


def _marked_caption(el: HtmlElement, text: str) -> bool:
    """A photo credit by its class (el's or an element's inside it) or its shape."""
    return _holds_credit(el) or _CAPTION_CREDIT.search(text) is not None


def _remove_keeping_tail(el: HtmlElement) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    previous = el.getprevious()
    parent.remove(el)
    if tail and tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


@compiled.bind
def _bind_compiled(walk: ModuleType | None) -> None:
    """compiled.use switched the walks: this module follows."""
    global _compiled, normalize_space
    _compiled = walk
    normalize_space = dom.normalize_space
