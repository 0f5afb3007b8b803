"""Choosing the story's container.

Every candidate block gets a weight: prose counts for its length, link lists and short
fragments count against. Weights add up along each block's ancestors; the element with the
largest total is the story's container (a maximum-subtree search, linear in blocks x depth).
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from . import rules
from .blocks import Candidate
from .dom import attr_words

_SENTENCE_END = re.compile(r"[.!?…:;\"'”’)]\s*$")
_POSITIVE = re.compile("|".join(rules.POSITIVE_HINTS))
_NEGATIVE = re.compile("|".join(re.escape(h) for h in rules.NEGATIVE_HINTS))

PROSE_MIN_CHARS = 80
SHORT_PROSE_MIN_CHARS = 30
LINK_DENSITY_MAX = 0.5
LINK_PENALTY = 0.5
SHORT_PENALTY = 10.0
HINT_BONUS = 0.05


def weight(c: Candidate) -> float:
    """What one block says about the element that contains it."""
    kind = c.block.kind
    if kind in ("figure", "heading"):
        return 0.0
    chars = c.chars
    density = c.link_density
    if density > LINK_DENSITY_MAX:
        return -LINK_PENALTY * chars
    if kind == "list":
        return chars * (1 - density) * 0.5 if chars > 200 else -SHORT_PENALTY * (1 + density)
    if chars >= PROSE_MIN_CHARS or (
        chars >= SHORT_PROSE_MIN_CHARS and _SENTENCE_END.search(c.block.text) is not None
    ):
        return chars * (1 - density)
    return -SHORT_PENALTY


def choose_container(candidates: list[Candidate]) -> HtmlElement | None:
    """The element whose blocks weigh most, or None when nothing weighs anything."""
    scores: dict[HtmlElement, float] = {}
    for c in candidates:
        w = weight(c)
        if w == 0.0:
            continue
        el: HtmlElement | None = c.el
        while el is not None:
            scores[el] = scores.get(el, 0.0) + w
            el = el.getparent()
    if not scores:
        return None
    best: HtmlElement | None = None
    best_score = 0.0
    for el, score in scores.items():
        if score <= 0:
            continue
        words = attr_words(el)
        if words:
            if _POSITIVE.search(words):
                score *= 1 + HINT_BONUS
            if _NEGATIVE.search(words):
                score *= 1 - HINT_BONUS
        if score > best_score:
            best, best_score = el, score
    if best is None:
        return None
    # Climb while the parent only adds neutral blocks (headings, figures) next to the story.
    parent = best.getparent()
    while parent is not None and scores.get(parent, 0.0) >= scores[best] - 1e-6:
        best = parent
        parent = best.getparent()
    return best


def inside(c: Candidate, container: HtmlElement) -> bool:
    el: HtmlElement | None = c.el
    while el is not None:
        if el is container:
            return True
        el = el.getparent()
    return False
