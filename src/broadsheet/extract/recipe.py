"""A recipe's ingredients: the list a page declares (schema.org Recipe) kept with the method.

Recipe pages set the ingredient list in a box of its own, away from the method: a side column,
a box with a serving-size form, a table per part of the dish. The story choice then picks the
method (the prose) and the reader who saves the recipe finds no ingredients. A page that
declares a schema.org Recipe says which strings its ingredients are (JSON-LD
`recipeIngredient`, or microdata `itemprop=recipeIngredient` / `ingredients`); when the chosen
body holds fewer than half of them as lines of their own, the smallest box of the page holding
most of them as lines joins the body where it stands in the page, with the heading right above
it ("Zutaten", "Ingredients"). Only the page's visible blocks are added, never the declared
strings themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from lxml.html import HtmlElement

from .blocks import Candidate
from .scoring import inside

# The body holds the ingredients when it has at least this share of them as lines.
HELD_SHARE = 0.5
# A box holds the ingredients when its lines are at least this share of them, and this share
# of all those the page's other blocks hold (a list in parts, a table per part of the dish:
# the box is the element around all of them, not the first part).
BOX_SHARE = 0.5
BOX_OF_ALL = 0.9
# An ingredient's words must be at least this share of those found on a line …
WORD_SHARE = 0.6
# … and the line no longer than this many times the ingredient's words, plus LINE_SLACK: a
# sentence of the method that names "Zucker" is no ingredient line.
LINE_TIMES = 2
LINE_SLACK = 3
# The box's heading may stand above it over this many short lines of this many characters.
HEADING_GAP_BLOCKS = 2
HEADING_GAP_CHARS = 40
# How far up from its heaviest line the box is looked for.
BOX_MAX_LEVELS = 6

_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    """A line's words, lower-cased, without numbers: quantities are written "½", "0.5", "1/2"
    and units are split from them in many ways; the ingredient's words are what it is."""
    return [w for w in _WORD.findall(text.lower()) if not w.isnumeric()]


def ingredient_keys(ingredients: Iterable[str]) -> list[frozenset[str]]:
    """The words of each declared ingredient (those with none left out)."""
    keys = []
    for raw in ingredients:  # read_metadata keeps at most 100 (a page's list is some 5 to 40)
        words = frozenset(_words(raw))
        if words:
            keys.append(words)
    return keys


def _lines(c: Candidate) -> list[str]:
    block = c.block
    if block.kind == "list":
        return list(block.items)
    if block.kind == "figure":
        return []
    return block.plain().split("\n")


def _matches(keys: Sequence[frozenset[str]], lines: Iterable[str]) -> set[int]:
    """Which ingredients (their indices) these lines are: a line holding most of an
    ingredient's words and little else."""
    found: set[int] = set()
    for line in lines:
        words = _words(line)
        if not words:
            continue
        present = set(words)
        for i, key in enumerate(keys):
            if i in found or len(words) > LINE_TIMES * len(key) + LINE_SLACK:
                continue
            if len(key & present) >= WORD_SHARE * len(key):
                found.add(i)
    return found


def with_ingredients(
    candidates: list[Candidate], chosen: list[Candidate], ingredients: Sequence[str]
) -> list[Candidate]:
    """chosen, and the box of the page's declared ingredients in its place in the page when
    the chosen blocks do not hold them (module docstring)."""
    if not ingredients or not chosen:
        return chosen
    keys = ingredient_keys(ingredients)
    if not keys:
        return chosen
    held = _matches(keys, (line for c in chosen for line in _lines(c)))
    if len(held) >= HELD_SHARE * len(keys):
        return chosen
    taken = {id(c) for c in chosen}
    lines: dict[int, set[int]] = {}
    for i, c in enumerate(candidates):
        if id(c) not in taken:
            hit = _matches(keys, _lines(c))
            if hit:
                lines[i] = hit
    if not lines:
        return chosen
    box = _box(candidates, lines, len(keys), chosen)
    if box is None:
        return chosen
    added = [i for i, c in enumerate(candidates) if id(c) not in taken and inside(c, [box])]
    if not added:
        return chosen
    heading = _heading_before(candidates, added[0], taken)
    if heading is not None:
        added.insert(0, heading)
    order = {id(c): i for i, c in enumerate(candidates)}
    merged = chosen + [candidates[i] for i in added]
    return sorted(merged, key=lambda c: order.get(id(c), -1))


def _heading_before(candidates: list[Candidate], first: int, taken: set[int]) -> int | None:
    """The heading right above the box ("Zutaten", "Ingredients"), over at most
    HEADING_GAP_BLOCKS short lines (a serving-size form's label); None when there is none."""
    for i in range(first - 1, max(-1, first - 2 - HEADING_GAP_BLOCKS), -1):
        c = candidates[i]
        if id(c) in taken:
            return None
        if c.block.kind == "heading":
            return i
        if c.block.kind == "figure" or len(c.block.plain()) > HEADING_GAP_CHARS:
            return None
    return None


def _box(
    candidates: list[Candidate],
    lines: dict[int, set[int]],
    total: int,
    chosen: list[Candidate],
) -> HtmlElement | None:
    """The smallest element around the heaviest ingredient block whose blocks are at least
    BOX_SHARE of the ingredients and BOX_OF_ALL of those shown outside the chosen blocks,
    holding none of the chosen blocks; None when there is none."""
    start = max(lines, key=lambda i: len(lines[i]))
    shown: set[int] = set().union(*lines.values())
    least = max(BOX_SHARE * total, BOX_OF_ALL * len(shown))
    box: HtmlElement | None = candidates[start].el
    for _ in range(BOX_MAX_LEVELS + 1):
        if box is None or any(inside(c, [box]) for c in chosen):
            return None
        covered: set[int] = set()
        for i, hit in lines.items():
            if inside(candidates[i], [box]):
                covered |= hit
        if len(covered) >= least:
            return box
        box = box.getparent()
    return None
