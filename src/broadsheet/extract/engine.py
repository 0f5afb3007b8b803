"""The extraction pipeline: decode, parse, read metadata, drop chrome, score, assemble."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from lxml.html import HtmlElement

from . import compiled, rules
from .article import Article, Block, ExtractOptions, reading_minutes
from .blocks import Candidate, build_blocks, photo_src
from .body import assemble, find_credits
from .captions import wrap_photo_captions
from .chrome import drop_chrome, is_chrome_text
from .compiled import walk as _compiled
from .dom import bounded_text, parse, tag_of, to_text, without_invisible
from .errors import NoArticle
from .metadata import DATE_SEARCH_MAX_CHARS, Metadata, read_metadata, scan_page
from .recipe import with_ingredients
from .render import blocks_html
from .sanitize import sanitize_generated
from .scoring import (
    choose_containers,
    inside,
    lenient_weight,
    media_weight,
    side_box_names,
    thread_names,
    without_side_boxes,
)
from .soup import (
    HEADING_MAX_CHARS,
    LINES_MIN_CHARS,
    close_unclosed,
    holds_blocks,
    is_lines,
    lined_headings,
    long_headings,
)

# libxml2 stops nesting here whatever the options say.
PARSER_MAX_DEPTH = 255


def extract(
    html: str | bytes, *, url: str | None = None, options: ExtractOptions | None = None
) -> Article:
    """Extract the article from a page. Raises a typed ExtractError when there is none."""
    options = options or ExtractOptions()
    text = to_text(html, options)
    root = parse(text, options)
    meta = _metadata(root, url, text)
    candidates = _read(root, text, meta, options, anchors_forgotten=True)
    blocks = _story_blocks(candidates, meta, options)
    body_text = story_text(blocks)
    if len(body_text) < RESCUE_BELOW_CHARS and len(candidates) <= RESCUE_MAX_BLOCKS:
        # No story, or a short one: a caption, a tagline, a metadata strip chosen instead.
        rescued = _rescue(text, meta, options, blocks)
        if rescued is not None:
            blocks = rescued
            body_text = story_text(blocks)
    if len(body_text.strip()) < max(1, options.min_text_chars):
        raise NoArticle()
    words = len(body_text.split()) if _compiled is None else _compiled.word_count(body_text)
    return Article(
        title=meta.title,
        summary=meta.summary,
        byline=meta.byline,
        published=meta.published,
        site_name=meta.site_name,
        language=meta.language,
        canonical_url=meta.canonical_url,
        image=meta.image or next((b.src for b in blocks if b.kind == "figure" and b.src), None),
        blocks=tuple(blocks),
        text=body_text,
        html=sanitize_generated(blocks_html(blocks), base_url=meta.base_url),
        word_count=words,
        reading_minutes=reading_minutes(words),
        credits=find_credits(blocks),
        agency=meta.agency,
    )


def _metadata(root: HtmlElement, url: str | None, text: str) -> Metadata:
    """read_metadata, and the chrome step's first edit made from the same walk of the page: the
    headings' anchor ids forgotten. Before any chrome goes: a recipe's ingredients marked up
    in the page's elements are read with the metadata (recipe.py). The walk's findings go when
    this returns (its element proxies would keep the subtrees that chrome removes alive)."""
    scan = scan_page(root)
    meta = read_metadata(root, url, date_search=len(text) <= DATE_SEARCH_MAX_CHARS, scan=scan)
    _forget_anchor_ids(scan.anchored)
    return meta


def _read(
    root: HtmlElement | None,
    text: str,
    meta: Metadata,
    options: ExtractOptions,
    *,
    weak_names: bool = True,
    repaired: bool = False,
    comment_names: bool = True,
    anchors_forgotten: bool = False,
) -> list[Candidate]:
    """The candidate blocks of a parsed page once its chrome is dropped.

    root: the page parsed; None to parse it here. anchors_forgotten: root's headings' anchor
    ids are gone already (_metadata). repaired: the markup is parsed as a browser reads it
    (soup.py) in place of root, and an element that goes as chrome by its tag alone but holds
    the page stays (a rescue's reading). A heading of HEADING_MAX_CHARS (no heading
    runs that long) is a heading left open that took in the story, read from the repaired
    markup, or running text set in a heading tag, read as a box of text.
    """
    if repaired or root is None:
        root = parse(
            close_unclosed(bounded_text(text, options), options.max_nodes) if repaired else text,
            options,
        )
        anchors_forgotten = False
    _drop_chrome(
        root,
        meta,
        weak_names,
        comment_names,
        keep_swallowing=repaired,
        forget_anchors=not anchors_forgotten,
    )
    candidates = _candidates(root, meta, options)
    headings = [
        c.el for c in candidates if c.block.kind == "heading" and c.chars >= HEADING_MAX_CHARS
    ]
    lined = [
        c.el
        for c in candidates
        if c.block.kind == "heading" and c.chars >= LINES_MIN_CHARS and is_lines(c.el)
    ]
    if not headings and not lined:
        return candidates
    if headings and not repaired and any(holds_blocks(h) for h in headings):
        root = parse(close_unclosed(bounded_text(text, options), options.max_nodes), options)
        _drop_chrome(root, meta, weak_names, comment_names, keep_swallowing=False)
        headings = long_headings(root)
        lined = lined_headings(root)
    for heading in headings:
        # Running text set in a heading tag (and in the long headings nested in it): a box of
        # text, not a heading.
        for long in long_headings(heading):
            long.tag = "div"
    for heading in lined:
        heading.tag = "div"  # lines set in a heading tag for the type size: text, not a title
    return _candidates(root, meta, options)


def _drop_chrome(
    root: HtmlElement,
    meta: Metadata,
    weak_names: bool,
    comment_names: bool,
    *,
    keep_swallowing: bool,
    forget_anchors: bool = True,
) -> None:
    """A reading's chrome step, the same for every tree it parses: comment names forgotten when
    the reading does not trust them, headings' anchor ids forgotten (unless _metadata did it),
    then drop_chrome."""
    if not comment_names:
        _forget_comment_names(root)
    if forget_anchors:
        _forget_anchor_ids(_with_ids(root))
    drop_chrome(root, keep_swallowing=keep_swallowing, weak_names=weak_names, headline=meta.title)


def _forget_comment_names(root: HtmlElement) -> None:
    """Strip the class/id tokens that name comments: a forum thread or a Q&A page sets its
    opening post in the same `comment` boxes as the replies (a broader reading, engine._rescue,
    of a page whose every paragraph sits in one)."""
    for el in root.iter():
        for name in ("class", "id"):
            value = el.get(name)
            if value and "comment" in value.lower():
                kept = [t for t in value.split() if "comment" not in t.lower()]
                el.set(name, " ".join(kept))
                el.set(_COMMENT_NAMED, "")


_SLUG_BREAK = re.compile(r"[^a-z0-9]+")


def _forget_anchor_ids(headings: list[HtmlElement]) -> None:
    """Drop a heading's id that spells its own first words: an anchor for the page's table of
    contents ("nav_nur_die_folie__1" on "Nur die Folie bleibt zurück"), not a name of its role,
    whose "nav" would make a subhead chrome. The heading's words are judged as ever. headings:
    the page's headings that have an id (_with_ids)."""
    for heading in headings:
        anchor = heading.get("id")
        if not anchor:
            continue
        words = _SLUG_BREAK.split(heading.text_content().lower())
        words = [w for w in words if w]
        if len(words) < 2:
            continue
        slug = "-" + "-".join(words[:2]) + "-"
        if slug in "-" + "-".join(_SLUG_BREAK.split(anchor.lower())) + "-":
            del heading.attrib["id"]


def _with_ids(root: HtmlElement) -> list[HtmlElement]:
    """The page's headings that have an id, in document order (a re-parsed reading's tree: the
    first reading has them from metadata.scan_page's walk)."""
    return [h for h in root.iter(*rules.HEADING_TAGS) if "id" in h.attrib]


# Marks the elements whose comment names _forget_comment_names stripped.
_COMMENT_NAMED = "data-broadsheet-comment"


def _in_thread(candidates: list[Candidate], texts: set[str]) -> bool:
    """Whether the blocks of these texts all sit in comment-named boxes: the first reading
    found only the remains of a thread (the replies' vote counts), so the page has no story
    outside it. A blog post whose comments outweigh it sits outside them."""
    seen = False
    for c in candidates:
        if c.block.plain() not in texts:
            continue
        seen = True
        if c.el.get(_COMMENT_NAMED) is None and all(
            a.get(_COMMENT_NAMED) is None for a in c.el.iterancestors()
        ):
            return False
    return seen


def _candidates(root: HtmlElement, meta: Metadata, options: ExtractOptions) -> list[Candidate]:
    body = next(root.iter("body"), None)
    return build_blocks(
        body if body is not None else root,
        base_url=meta.base_url,
        max_depth=min(options.max_depth, PARSER_MAX_DEPTH),
        max_chars=options.max_text_chars,
    )


def _story_blocks(
    candidates: list[Candidate], meta: Metadata, options: ExtractOptions, *, lenient: bool = False
) -> list[Block]:
    """The story's blocks among a page's candidate blocks ([] when nothing is chosen).

    lenient: choose by any text that is not a link list from the start (a rescue's reading).
    """
    # No block reads as prose (a short post, a page of fragments): take the element holding
    # the most text that is not a link list rather than give up; with no such text either (a
    # picture post), the headings between the pictures.
    side = thread_names(candidates, side_box_names(candidates))
    containers = (
        (choose_containers(candidates, side_names=side) if not lenient else [])
        or choose_containers(candidates, lenient_weight, side)
        or choose_containers(candidates, media_weight, side)
    )
    if not containers:
        return []
    # Photos with their captions and credits set beside them as sibling boxes become figures
    # once the story is chosen (as captions, the boxes would no longer count as the prose that
    # a slideshow's story is made of): the blocks are read again, the containers stay.
    base = meta.base_url
    root = containers[0].getroottree().getroot()
    if wrap_photo_captions(root, lambda img: photo_src(img, base) is not None, containers):
        candidates = _candidates(root, meta, options)
    chosen = without_side_boxes(_with_lead_figures(candidates, containers), containers, side)
    # A recipe's ingredients set in a box of their own, away from the method, join it.
    chosen = with_ingredients(candidates, chosen, meta.ingredients)
    blocks = assemble(
        chosen,
        title=meta.title,
        byline=meta.byline,
        summary=meta.summary,
        include_figures=options.include_figures,
    )
    if not options.include_tables:
        blocks = [b for b in blocks if b.kind != "table"]
    return _cap(blocks, options.max_text_chars)


# A story shorter than this (or none at all) is checked against broader readings of the page.
RESCUE_BELOW_CHARS = 250
# … on a page of at most this many candidate blocks: each reading walks them all again, and a
# page of tens of thousands of empty paragraphs is no story lost (the benchmark pages have up
# to about 850).
RESCUE_MAX_BLOCKS = 5000


@dataclass(frozen=True)
class _Reading:
    """A broader way to read a page: which chrome goes and how the story is chosen, and how
    much more prose it must find than the first reading to be believed."""

    repaired: bool  # parse the markup as a browser reads it (soup.py), keep what holds the page
    weak_names: bool  # drop the subtrees that a weak chrome word names (as the first reading)
    lenient: bool  # choose by any text that is not a link list, not by prose alone
    gain: float  # new prose: at least this many times the first reading's text …
    least: int  # … and at least this many characters …
    paragraph: int  # … in blocks of at least this many characters each
    keeps_first: bool  # the first reading's paragraphs must all be in it
    # drop and discount what is named as comments; when False, taken only when the first
    # reading's blocks all sat in comment boxes (_in_thread: a forum thread's opening post
    # classed as a comment, as its replies are, leaves only their vote counts)
    comment_names: bool = True


# First, for no story or a short one: the markup as a browser reads it. Tag soup can nest the
# page in an element that is chrome by its tag (an unclosed <div> in a <nav>, soup.py); the
# story then comes out empty or as the few lines before it.
_SOUP_READING = _Reading(
    repaired=True,
    weak_names=True,
    lenient=False,
    gain=2.0,
    least=150,
    paragraph=0,
    keeps_first=False,
)
# Then, for a short story: the lenient choice (a story of short paragraphs and fragments, all
# of which the prose weight counts against), then trusting no weak chrome name (a story box
# named `field--label-hidden`, a label's state, not the box's), which needs more evidence.
_SHORT_READINGS = (
    _SOUP_READING,
    _Reading(
        repaired=False,
        weak_names=True,
        lenient=True,
        gain=2.0,
        least=300,
        paragraph=80,
        keeps_first=True,
    ),
    _Reading(
        repaired=False,
        weak_names=False,
        lenient=False,
        gain=3.0,
        least=1000,
        paragraph=80,
        keeps_first=False,
    ),
    _Reading(
        repaired=False,
        weak_names=True,
        lenient=False,
        gain=3.0,
        least=1000,
        paragraph=80,
        keeps_first=False,
        comment_names=False,
    ),
)
# For no story at all, after the soup reading: the page's text that is not chrome by tag,
# state or a sure name, nor a link list, when it is more than a line or two (a picture post's
# newsletter box is not its story: the page still has no article then).
_EMPTY_READINGS = (
    _SOUP_READING,
    _Reading(
        repaired=False,
        weak_names=False,
        lenient=True,
        gain=0.0,
        least=150,
        paragraph=0,
        keeps_first=False,
    ),
)


def _rescue(
    text: str, meta: Metadata, options: ExtractOptions, found: list[Block]
) -> list[Block] | None:
    """A broader reading's blocks, when the first reading found no story or a short one and the
    broader one finds much more prose (trafilatura compares its result with a baseline
    extraction in the same spirit). None when no reading does.

    A page loses its story whole when the story is set in short fragments (a recipe, a photo
    post), sits in a box whose class carries a chrome word, or is a layout the choice misreads;
    the first reading then answers with a caption, a tagline or nothing. A page whose story
    really is short (a post of one line under a blog's sidebar) gains from a broader reading
    only fragments and the sidebar's "About me", which the gate keeps out: what the broader
    reading adds must be paragraphs of prose, several times what was found.
    """
    readings = _SHORT_READINGS if found else _EMPTY_READINGS
    first = [b.plain() for b in found if b.kind != "figure"]
    found_chars = sum(len(t) for t in first)
    known = set(first)
    for reading in readings:
        candidates = _read(
            None,
            text,
            meta,
            options,
            weak_names=reading.weak_names,
            repaired=reading.repaired,
            comment_names=reading.comment_names,
        )
        if not reading.comment_names and not _in_thread(candidates, known):
            continue
        blocks = _story_blocks(candidates, meta, options, lenient=reading.lenient)
        texts = {b.plain() for b in blocks if b.kind != "figure"}
        added = sum(len(t) for t in texts if len(t) >= reading.paragraph and t not in known)
        if added < max(reading.gain * found_chars, reading.least):
            continue
        if reading.keeps_first and not known <= texts:
            continue
        return blocks
    return None


# Captions holding more than this many times the running text are the story (a slideshow).
CAPTIONS_ARE_THE_STORY = 2


def story_text(blocks: list[Block]) -> str:
    """Article.text: the running text, without photo captions and credits.

    A caption read without its photo is a stray line in the middle of the story, and reading
    time and word count are about the story; captions stay in the blocks, the HTML and every
    rendering. A page that is only photos keeps its captions as its text, and so does a
    slideshow whose captions hold more than twice the running text (an intro, then twenty
    photos each described in a caption: the captions are what the page says).
    """
    story = "\n\n".join(p for p in (b.plain() for b in blocks if b.kind != "figure") if p)
    captions = sum(len(b.caption) for b in blocks if b.kind == "figure" and b.caption)
    if not (story.strip() and captions <= CAPTIONS_ARE_THE_STORY * len(story)):
        story = "\n\n".join(p for p in (b.plain() for b in blocks) if p)
    # Soft hyphens and zero-width spaces stay in the blocks and the HTML (a narrow screen may
    # break a long German word there); plain text is for reading, searching and counting.
    return without_invisible(story)


LEAD_FIGURE_LEVELS = 2
# How far back from the story's first block a run of lead photos is looked for.
LEAD_RUN_MAX_BLOCKS = 40


def _with_lead_figures(
    candidates: list[Candidate], containers: list[HtmlElement]
) -> list[Candidate]:
    """The containers' blocks plus the lead figure that sits just above them in the page."""
    if _compiled is not None:
        # The same walks up in C, memoised by node: no proxy for the ancestors.
        chosen_ix: list[int] = _compiled.indices_within(candidates, containers)
    else:
        within = _within(containers)
        chosen_ix = [i for i, c in enumerate(candidates) if within(c.el)]
    if not chosen_ix:
        return []
    scope: HtmlElement | None = containers[0]
    for _ in range(LEAD_FIGURE_LEVELS):
        if scope is not None:
            scope = scope.getparent()
    lead: set[int] = set()
    if scope is not None:
        for i in range(chosen_ix[0]):
            c = candidates[i]
            if _is_lead_figure(c) and inside(c, [scope]):
                lead.add(i)
    # Further up the page, the photos right above the story with nothing but chrome and
    # headings between (a gallery in the page's top row, the body deep in the main column).
    i = chosen_ix[0] - 1
    while i >= 0 and chosen_ix[0] - i <= LEAD_RUN_MAX_BLOCKS:
        c = candidates[i]
        if _is_lead_figure(c):
            lead.add(i)
        elif c.block.kind != "heading" and not is_chrome_text(c.block.plain()):
            break
        i -= 1
    return [candidates[i] for i in sorted(lead)] + [candidates[i] for i in chosen_ix]


def _is_lead_figure(c: Candidate) -> bool:
    """A photo that says what it shows: captioned, or set in a <figure>."""
    return c.block.kind == "figure" and bool(c.block.caption or tag_of(c.el) == "figure")


def _within(containers: list[HtmlElement]) -> Callable[[HtmlElement], bool]:
    """Whether an element is one of the containers or inside one (scoring.inside's answer),
    memoised along each path up: blocks share parents, and a page of 60,000 sibling paragraphs
    then costs one walk to the root instead of 60,000."""
    known: dict[HtmlElement, bool] = dict.fromkeys(containers, True)

    def within(el: HtmlElement) -> bool:
        path: list[HtmlElement] = []
        node: HtmlElement | None = el
        found = False
        while node is not None:
            hit = known.get(node)
            if hit is not None:
                found = hit
                break
            path.append(node)
            node = node.getparent()
        for seen in path:
            known[seen] = found
        return found

    return within


def _cap(blocks: list[Block], max_chars: int) -> list[Block]:
    total = 0
    for i, block in enumerate(blocks):
        total += len(block.plain()) + 2
        if total > max_chars:
            return blocks[:i] if i else [_truncated(block, max_chars)]
    return blocks


def _truncated(block: Block, max_chars: int) -> Block:
    return Block("paragraph", text=block.plain()[:max_chars])


@compiled.bind
def _bind_compiled(walk: ModuleType | None) -> None:
    """compiled.use switched the walks: this module follows."""
    global _compiled
    _compiled = walk
