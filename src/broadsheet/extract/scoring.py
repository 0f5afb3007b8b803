"""Choosing the story's containers.

Every candidate block gets a weight: prose counts for its length, link lists and short
fragments count against. A block's weight is added to the element it came from and to its
ancestors, fading with distance, so the winner is the element whose *own* children hold the
most prose (teaser cards spread over many small boxes lose). Distance counts only branching
levels: a wrapper whose one child is the path up (`<div><section><div>…`) adds no distance,
so a story nested in layers of single-child wrappers is not faded away by its markup. The
winner's siblings join it when they hold prose of their own (stories split over several boxes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

from lxml.html import HtmlElement

from . import compiled, rules
from .blocks import Candidate
from .compiled import walk as _compiled
from .dom import attr_words

_SENTENCE_END = re.compile(r"[.!?…:;\"'”’)。！？」）]\s*$")  # noqa: RUF001
# CJK characters count rules.WIDE_CHAR_WEIGHT times (one carries about a short word).
_WIDE_SCRIPT = re.compile(rules.WIDE_CHARS)
_WIDE_EXTRA = rules.WIDE_CHAR_WEIGHT - 1
_POSITIVE = re.compile("|".join(rules.POSITIVE_HINTS))
_NEGATIVE = re.compile("|".join(re.escape(h) for h in rules.NEGATIVE_HINTS))
_SIDE_BOX = re.compile("|".join(re.escape(h) for h in rules.SIDE_BOX_HINTS))
_GALLERY = re.compile("|".join(re.escape(h) for h in rules.GALLERY_HINTS))
_THREAD_BOX = re.compile(
    "|".join(re.escape(h) for h in rules.SIDE_BOX_HINTS if h not in rules.GALLERY_HINTS)
)
_ASIDE = re.compile(r"(?:^|[-_\s])(?:" + "|".join(rules.ASIDE_WORDS) + r")(?:$|[-_\s])")
_ROW_GROUPS = frozenset({"tbody", "thead", "tfoot"})
_TAXONOMY = re.compile(r"(?:^|[-_])" + rules.TAXONOMY_CLASS)

PROSE_MIN_CHARS = 80
SHORT_PROSE_MIN_CHARS = 30
LINK_DENSITY_MAX = 0.5
LINK_PENALTY = 0.5
SHORT_PENALTY = 10.0
HINT_BONUS = 0.1
# A sibling joins the winner when it holds this share of the winner's score (0.2 let about-me
# boxes and sidebars join once wrappers stopped decaying).
SIBLING_SHARE = 0.35
# A sibling with the winner's own tag and class joins at this share (a story split in boxes).
TWIN_SHARE = 0.1
CLIMB_SHARE = 0.5
# Prose in a gallery or comments box (rules.SIDE_BOX_HINTS on the block's element or up to this
# many levels above it) counts for this share: 0.05 lost a long slideshow caption the story
# kept, 4 levels missed captions nested in slide lists.
SIDE_BOX_SHARE = 0.1
SIDE_BOX_LEVELS = 6
# Galleries holding this share of the page's prose weight, with less than GALLERY_OUTSIDE_MAX
# of it outside them (no story of its own: two short paragraphs at most), are the story's box
# (a site that sets its story's paragraphs in its photo gallery's box): only threads are side
# boxes then. A slideshow of other stories beside a story is outweighed by it no longer.
GALLERY_STORY_SHARE = 0.5
GALLERY_OUTSIDE_MAX = 1000.0
# Prose in a box named as a page's side column or an author's profile (rules.ASIDE_WORDS on the
# block's element or up to this many levels above it) counts for this share: a blog's "About me"
# or disclaimer box outweighed a post of a title and two lines. 0.2 let a sidebar's form labels
# and credits line beat a post of one short line; 0.3 does not.
ASIDE_SHARE = 0.3
ASIDE_LEVELS = 8
# How much a block counts for an ancestor n levels above the element it came from.
DECAY: tuple[float, ...] = (1.0, 1.0, 0.5, 0.25, 0.125, 0.0625, 0.03, 0.015, 0.008, 0.004, 0.002)


def weight(c: Candidate) -> float:
    """What one block says about the element that contains it."""
    kind = c.block.kind
    if kind in ("figure", "heading"):
        return 0.0
    chars: float = c.chars
    if not c.block.text.isascii():
        chars += _WIDE_EXTRA * len(_WIDE_SCRIPT.findall(c.block.text))
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


# weight in C (_walk.pyx), for a list of candidates at once.
_PROSE_WEIGHTS: Any = None  # made by _bind_compiled (end of module), with the walks


def lenient_weight(c: Candidate) -> float:
    """The fallback for pages with no prose block: any text that is not a link list counts."""
    if c.block.kind in ("figure", "heading") or c.link_density > LINK_DENSITY_MAX:
        return 0.0
    return c.chars * (1 - c.link_density)


def media_weight(c: Candidate) -> float:
    """The last fallback, for a picture post with no running text at all: its headings are its
    text. A page of headings alone still has no article (assembly drops trailing headings)."""
    if c.block.kind == "heading" and c.link_density <= LINK_DENSITY_MAX:
        return float(c.chars)
    return lenient_weight(c)


def _hinted(el: HtmlElement, score: float) -> float:
    words = attr_words(el)
    if words and score > 0:
        if _POSITIVE.search(words):
            score *= 1 + HINT_BONUS
        if _NEGATIVE.search(words):
            score *= 1 - HINT_BONUS
    return score


def _best(local: dict[HtmlElement, float]) -> HtmlElement | None:
    """The element with the highest hinted score (the first one on a tie), or None.

    Hints move a score by at most HINT_BONUS either way, so an element whose best case is below
    another's worst case cannot win and is never looked at: on a page of a million paragraphs,
    only the few large sums are.
    """
    worst_of_best = max((s for s in local.values() if s > 0), default=0.0) * (1 - HINT_BONUS)
    reach = worst_of_best / (1 + HINT_BONUS)
    best: HtmlElement | None = None
    best_score = 0.0
    for el, score in local.items():
        if score < reach:
            continue
        score = _hinted(el, score)
        if score > best_score:
            best, best_score = el, score
    return best


def _within_named(
    el: HtmlElement | None,
    names: Callable[[str], bool],
    named: dict[HtmlElement, bool],
    levels: int,
    stop: set[HtmlElement] | frozenset[HtmlElement] = frozenset(),
) -> bool:
    """Whether el or one of its ancestors, at most `levels` up (and below any element of
    `stop`), has a class or id that `names` accepts. `named` memoizes each element's verdict
    on its own class and id (the blocks of a page share their ancestors)."""
    for _ in range(levels):
        if el is None or el in stop:
            return False
        hit = named.get(el)
        if hit is None:
            hit = named[el] = names(attr_words(el))
        if hit:
            return True
        el = el.getparent()
    return False


def _in_side_box(
    el: HtmlElement | None,
    named: dict[HtmlElement, bool],
    stop: set[HtmlElement] | frozenset[HtmlElement] = frozenset(),
    names: Callable[[str], bool] | None = None,
) -> bool:
    """Whether a block sits in a gallery or a comment thread (or what `names` accepts), at most
    SIDE_BOX_LEVELS up (and below any element of `stop`).

    The captions of a long slideshow or a long thread outweigh a short story; counted at a
    fraction they still win a page that is only a gallery (nothing else holds prose).
    """
    return _within_named(el, names or _names_side_box, named, SIDE_BOX_LEVELS, stop)


def _in_aside(el: HtmlElement | None, named: dict[HtmlElement, bool]) -> bool:
    """Whether a block sits in a side column or a profile box, at most ASIDE_LEVELS up.

    Such a box repeats on every page of a site and its prose is about the site, not the page;
    counted at a share it still wins a page with nothing else (a blog's About page in the same
    template has its text in the main column).
    """
    return _within_named(el, _names_aside, named, ASIDE_LEVELS)


def _names_aside(words: str) -> bool:
    """A class/id token naming a side column or a profile (`sidebar`, `left sidebar`,
    `profile-block`, `about`), unless the same token names the content too: a layout wrapper
    around both columns (`content-sidebar-wrap`, `main-sidebar-container`) holds the story.
    `sidebar1` is not the word (some templates call their main column so)."""
    if not words or _ASIDE.search(words) is None:
        return False
    return any(
        _ASIDE.search(token) is not None and _POSITIVE.search(token) is None
        for token in words.split()
    )


def _names_side_box(words: str) -> bool:
    """A class/id naming a gallery or a comment thread; a blog's topic class (`tag-photo-gallery`
    on a post) names what the post is about, not a box."""
    return _names_box(words, _SIDE_BOX)


def _names_thread_box(words: str) -> bool:
    """A class/id naming a comment thread (_names_side_box less the galleries)."""
    return _names_box(words, _THREAD_BOX)


def _names_gallery(words: str) -> bool:
    return _names_box(words, _GALLERY)


def _names_box(words: str, hints: re.Pattern[str]) -> bool:
    if not words or hints.search(words) is None:
        return False
    return any(
        hints.search(token) is not None and _TAXONOMY.search(token) is None
        for token in words.split()
    )


SideNames = Callable[[str], bool]


def side_box_names(candidates: list[Candidate]) -> SideNames:
    """What names a side box on this page: a gallery or a comment thread, or only a thread when
    the blocks in galleries hold GALLERY_STORY_SHARE of the page's prose weight and less than
    GALLERY_OUTSIDE_MAX lies outside them (the story's paragraphs set in the gallery's box,
    beside a calendar table that won instead)."""
    weights = (
        _PROSE_WEIGHTS(candidates)
        if _PROSE_WEIGHTS is not None
        else [weight(c) for c in candidates]
    )
    prose = sum(w for w in weights if w > 0)
    named: dict[HtmlElement, bool] = {}
    outside = 0.0
    runs: dict[HtmlElement | None, float] = {}
    # Heaviest first: on most pages the story's first long paragraphs settle it.
    for w, i in sorted(((w, i) for i, w in enumerate(weights) if w > 0), reverse=True):
        el = candidates[i].el
        if not _within_named(el, _names_gallery, named, SIDE_BOX_LEVELS):
            outside += w
            if outside >= GALLERY_OUTSIDE_MAX:
                return _names_side_box  # a story outside the galleries
        else:
            parent = el.getparent()
            runs[parent] = runs.get(parent, 0.0) + w
    held = prose - outside
    # The gallery's prose is a run of paragraphs in one box (a story), not a caption per slide.
    if (
        prose > 0
        and outside <= (1 - GALLERY_STORY_SHARE) * prose
        and max(runs.values(), default=0.0) >= GALLERY_STORY_SHARE * held
    ):
        return _names_thread_box
    return _names_side_box


def choose_containers(
    candidates: list[Candidate],
    weigh: Callable[[Candidate], float] = weight,
    side_names: SideNames = _names_side_box,
) -> list[HtmlElement]:
    """The story's container and the siblings that continue it; [] when nothing is prose.
    side_names: what names a side box (side_box_names)."""
    local: dict[HtmlElement, float] = {}
    total: dict[HtmlElement, float] = {}
    _add_up(candidates, weigh, local, total, side_names)
    best = _best(local)
    if best is None:
        return []
    # Climb while the parent adds only neutral blocks (headings, figures), or adds prose that
    # sits close enough to keep its own decayed score near the winner's (cards, wrappers).
    # A table's row group is not a box of its own: the table (head, caption and all) is.
    while best.tag in _ROW_GROUPS and best.getparent() is not None:
        best = best.getparent()
    first = local[best]
    winner = best
    parent = best.getparent()
    while parent is not None:
        grows = total.get(parent, 0.0) - total[best]
        if abs(grows) < 1e-6 or (grows > 0 and local.get(parent, 0.0) >= CLIMB_SHARE * first):
            best = parent
            parent = best.getparent()
        else:
            break
    if parent is None:
        return [best]
    rows = _twin_rows(best, total)
    if rows:
        return rows
    # Siblings that hold prose of their own continue the story (split bodies); a sibling built
    # like the winner (same tag, same class) is the same kind of box, a part of the story the
    # page split (around an ad, a pull quote), and needs less prose to join.
    floor = max(SHORT_PENALTY, SIBLING_SHARE * local[best])
    twin_floor = max(SHORT_PENALTY, TWIN_SHARE * local[best])
    tag, cls = best.tag, best.get("class")
    chosen = [
        s
        for s in parent
        if s is best
        or local.get(s, 0.0) >= floor
        or (cls and s.tag == tag and s.get("class") == cls and local.get(s, 0.0) >= twin_floor)
    ]
    if winner is best:
        return chosen
    return _with_cousins(winner, parent, chosen, local, twin_floor)


def _with_cousins(
    winner: HtmlElement,
    parent: HtmlElement,
    chosen: list[HtmlElement],
    local: dict[HtmlElement, float],
    floor: float,
) -> list[HtmlElement]:
    """The chosen boxes plus the winner's cousins: boxes with the winner's own tag and class
    (before the climb) as deep below the chosen boxes' parent as it is, in the parent's other
    children, holding prose (a story the page split over two page rows, its first paragraphs
    in a `div.story-text` of a row above the one holding the rest). In document order."""
    cls = winner.get("class")
    if not cls:
        return chosen
    depth = 0
    el: HtmlElement | None = winner
    while el is not None and el is not parent:
        el = el.getparent()
        depth += 1
    taken = set(chosen)
    found: dict[HtmlElement, list[HtmlElement]] = {}
    for box, score in local.items():
        if box.tag != winner.tag or score < floor or box.get("class") != cls:
            continue
        top: HtmlElement | None = box
        for _ in range(depth - 1):
            top = top.getparent() if top is not None else None
        if top is None or top in taken or top.getparent() is not parent:
            continue
        found.setdefault(top, []).append(box)
    if not found:
        return chosen
    out: list[HtmlElement] = []
    for s in parent:
        if s in taken:
            out.append(s)
        else:
            out.extend(found.get(s, []))
    return out


# How many levels above the winner a row of the story is looked for.
TWIN_ROW_LEVELS = 3
# … and its twins together hold at least this share of its prose.
TWIN_ROW_SHARE = 0.5


def _twin_rows(best: HtmlElement, total: dict[HtmlElement, float]) -> list[HtmlElement]:
    """The rows of a story the page set as a run of boxes of one kind (a recipe's steps, each
    a `div.step` holding a number and a paragraph): when the winner sits in such a box, a few
    levels down, and its twins (same tag, same class) hold more prose than it does, the run
    of twins is the story. [] when there is no such run."""
    row: HtmlElement | None = best.getparent()
    for _ in range(TWIN_ROW_LEVELS):
        if row is None:
            return []
        outer = row.getparent()
        if outer is None or outer.tag in ("body", "html"):
            return []
        cls = row.get("class")
        if cls:
            twins = [s for s in outer if s.tag == row.tag and s.get("class") == cls]
            if len(twins) > 1:
                more = sum(total.get(s, 0.0) for s in twins if s is not row)
                return twins if more >= TWIN_ROW_SHARE * total.get(row, 0.0) > 0 else []
        row = outer
    return []


def _add_up(
    candidates: list[Candidate],
    weigh: Callable[[Candidate], float],
    local: dict[HtmlElement, float],
    total: dict[HtmlElement, float],
    side_names: SideNames = _names_side_box,
) -> None:
    """Each block's weight added to its element and every ancestor: in total whole, in local
    fading with the distance (both keyed in the order the elements are first reached)."""
    if _compiled is not None:
        # The walks up in C: no proxies for the siblings tested on the way, one for each
        # element reached. weight, the usual weigh, is worked out in C too.
        weights = (
            _PROSE_WEIGHTS(candidates)
            if weigh is weight and _PROSE_WEIGHTS is not None
            else [weigh(c) for c in candidates]
        )
        _compiled.add_up(
            [c.el for c in candidates],
            weights,
            DECAY,
            local,
            total,
            side_names,
            SIDE_BOX_LEVELS,
            SIDE_BOX_SHARE,
            _names_aside,
            ASIDE_LEVELS,
            ASIDE_SHARE,
        )
        return
    last = len(DECAY) - 1
    side_named: dict[HtmlElement, bool] = {}
    aside_named: dict[HtmlElement, bool] = {}
    for c in candidates:
        w = weigh(c)
        if w == 0.0:
            continue
        if w > 0 and _in_side_box(c.el, side_named, names=side_names):
            w *= SIDE_BOX_SHARE
        if w > 0 and _in_aside(c.el, aside_named):
            w *= ASIDE_SHARE
        el: HtmlElement | None = c.el
        d = 0
        while el is not None:
            local[el] = local.get(el, 0.0) + w * DECAY[min(d, last)]
            total[el] = total.get(el, 0.0) + w
            parent = el.getparent()
            # A single-child wrapper is the same box as its child: no step of decay.
            # (A sibling test, not len(parent): that walks all the children, every time.)
            if el.getprevious() is not None or el.getnext() is not None:
                d += 1
            el = parent


def without_side_boxes(
    chosen: list[Candidate],
    containers: list[HtmlElement],
    side_names: SideNames = _names_side_box,
) -> list[Candidate]:
    """The chosen blocks less the text of galleries and comment threads inside the containers.

    A side box counts a tenth when choosing, so it seldom wins; but when the story's container
    holds one (a slideshow of other stories under the text, a thread below the post) its blocks
    would come along. A slideshow's text is captions, which the story's text leaves out anyway
    (engine.story_text). The figures stay (the photos belong to the page), and so does
    everything when the side boxes are all the prose there is (a page that is only a gallery).
    """
    stop = set(containers)
    if _compiled is not None:
        # The walks up in C, one memo for all (figures stay: no walk for them).
        sides = _compiled.within_named_each(
            [None if c.block.kind == "figure" else c.el for c in chosen],
            side_names,
            SIDE_BOX_LEVELS,
            stop,
        )
        kept = [c for c, side in zip(chosen, sides, strict=True) if not side]
    else:
        named: dict[HtmlElement, bool] = {}
        kept = [
            c
            for c in chosen
            if c.block.kind == "figure" or not _in_side_box(c.el, named, stop, side_names)
        ]
    if len(kept) == len(chosen) or not any(weight(c) > 0 for c in kept):
        return chosen
    return kept


def inside(c: Candidate, containers: list[HtmlElement]) -> bool:
    el: HtmlElement | None = c.el
    while el is not None:
        for container in containers:
            if el is container:
                return True
        el = el.getparent()
    return False


# An unnamed comment thread: a run of at least THREAD_MIN_ITEMS boxes of one kind (same tag,
# same class, one parent), each holding a `<time>`, an element whose class or id names its
# writer (THREAD_AUTHOR) and no heading but the writer's name, after THREAD_STORY_MIN of prose
# outside the run. The items are marked with this role word; thread_names accepts it.
THREAD_MIN_ITEMS = 3
THREAD_ITEM_LEVELS = 4
THREAD_STORY_MIN = 500.0
THREAD_MARK = "broadsheet-reply"
_THREAD_AUTHOR = re.compile(r"(?:^|[-_\s])(?:author|user|username|nick|poster)(?:$|[-_\s])")


def thread_names(candidates: list[Candidate], side_names: SideNames) -> SideNames:
    """side_names, and also the boxes of a comment thread no class names as such: a run of
    replies, each with its writer and its time (a `li.member` with `a.author` and `<time>`),
    below a story (a short commentary whose readers wrote four times as much)."""
    if not candidates:
        return side_names
    root = candidates[0].el.getroottree().getroot()
    groups: dict[tuple[HtmlElement, str, str], list[HtmlElement]] = {}
    for t in root.iter("time"):
        el = t
        for _ in range(THREAD_ITEM_LEVELS):
            parent = el.getparent()
            if parent is None:
                break
            items = groups.setdefault((parent, el.tag, el.get("class") or ""), [])
            if not items or items[-1] is not el:
                items.append(el)
            el = parent
    marked: list[HtmlElement] = []
    for items in groups.values():
        if len(items) >= THREAD_MIN_ITEMS and all(_is_reply(item) for item in items):
            marked.extend(items)
    if not marked or not _story_before(candidates, set(marked)):
        return side_names
    for item in marked:
        role = item.get("role")
        item.set("role", f"{role} {THREAD_MARK}" if role else THREAD_MARK)
    return lambda words: THREAD_MARK in words or side_names(words)


def _is_reply(item: HtmlElement) -> bool:
    """A reply's box: an element naming its writer, and no heading but one holding or inside
    such an element (a teaser's headline is no writer's name)."""
    writer = False
    for el in item.iterdescendants():
        if not isinstance(el.tag, str):
            continue
        if _THREAD_AUTHOR.search(attr_words(el)):
            writer = True
        elif el.tag in rules.HEADING_TAGS and not _names_writer(el, item):
            return False
    return writer


def _names_writer(heading: HtmlElement, item: HtmlElement) -> bool:
    """Whether a heading holds, or sits below item in, an element naming a writer."""
    for el in heading.iter():
        if isinstance(el.tag, str) and _THREAD_AUTHOR.search(attr_words(el)):
            return True
    for el in heading.iterancestors():
        if el is item:
            return False
        if _THREAD_AUTHOR.search(attr_words(el)):
            return True
    return False


def _story_before(candidates: list[Candidate], items: set[HtmlElement]) -> bool:
    """Whether THREAD_STORY_MIN of prose weight lies outside the thread's items before them."""
    seen = 0.0
    for c in candidates:
        el: HtmlElement | None = c.el
        while el is not None and el not in items:
            el = el.getparent()
        if el is not None:
            return False  # the run's first item: nothing before it is enough
        w = weight(c)
        if w > 0:
            seen += w
            if seen >= THREAD_STORY_MIN:
                return True
    return False


@compiled.bind
def _bind_compiled(walk: ModuleType | None) -> None:
    """compiled.use switched the walks: this module follows."""
    global _compiled, _PROSE_WEIGHTS
    _compiled = walk
    _PROSE_WEIGHTS = (
        None
        if walk is None
        else walk.ProseWeights(
            link_density_max=LINK_DENSITY_MAX,
            link_penalty=LINK_PENALTY,
            short_penalty=SHORT_PENALTY,
            prose_min_chars=PROSE_MIN_CHARS,
            short_prose_min_chars=SHORT_PROSE_MIN_CHARS,
            wide_extra=_WIDE_EXTRA,
            wide_ranges=rules.WIDE_CHAR_RANGES,
            sentence_end_search=_SENTENCE_END.search,
        )
    )
