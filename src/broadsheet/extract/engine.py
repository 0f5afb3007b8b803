"""The extraction pipeline: decode, parse, read metadata, drop chrome, score, assemble."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from lxml.html import HtmlElement

from . import compiled
from .article import Article, Block, ExtractOptions, reading_minutes
from .blocks import Candidate, build_blocks
from .body import assemble, find_credits
from .chrome import drop_chrome
from .compiled import walk as _compiled
from .dom import bounded_text, parse, tag_of, to_text
from .errors import NoArticle
from .metadata import DATE_SEARCH_MAX_CHARS, Metadata, read_metadata
from .render import blocks_html
from .sanitize import sanitize_generated
from .scoring import (
    choose_containers,
    inside,
    lenient_weight,
    media_weight,
    without_side_boxes,
)
from .soup import HEADING_MAX_CHARS, close_unclosed, holds_blocks, long_headings

# libxml2 stops nesting here whatever the options say.
PARSER_MAX_DEPTH = 255


def extract(
    html: str | bytes, *, url: str | None = None, options: ExtractOptions | None = None
) -> Article:
    """Extract the article from a page. Raises a typed ExtractError when there is none."""
    options = options or ExtractOptions()
    text = to_text(html, options)
    root = parse(text, options)
    meta = read_metadata(root, url, date_search=len(text) <= DATE_SEARCH_MAX_CHARS)
    candidates = _read(root, text, meta, options)
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


def _read(
    root: HtmlElement | None,
    text: str,
    meta: Metadata,
    options: ExtractOptions,
    *,
    weak_names: bool = True,
    repaired: bool = False,
) -> list[Candidate]:
    """The candidate blocks of a parsed page once its chrome is dropped.

    root: the page parsed; None to parse it here. repaired: the markup is parsed as a browser
    reads it (soup.py) in place of root, and an element that goes as chrome by its tag alone
    but holds the page stays (a rescue's reading). A heading of HEADING_MAX_CHARS (no heading
    runs that long) is a heading left open that took in the story, read from the repaired
    markup, or running text set in a heading tag, read as a box of text.
    """
    if repaired or root is None:
        root = parse(
            close_unclosed(bounded_text(text, options), options.max_nodes) if repaired else text,
            options,
        )
    drop_chrome(root, keep_swallowing=repaired, weak_names=weak_names)
    candidates = _candidates(root, meta, options)
    headings = [
        c.el for c in candidates if c.block.kind == "heading" and c.chars >= HEADING_MAX_CHARS
    ]
    if not headings:
        return candidates
    if not repaired and any(holds_blocks(h) for h in headings):
        root = parse(close_unclosed(bounded_text(text, options), options.max_nodes), options)
        drop_chrome(root, weak_names=weak_names)
        headings = long_headings(root)
    for heading in headings:
        # Running text set in a heading tag (and in the long headings nested in it): a box of
        # text, not a heading.
        for long in long_headings(heading):
            long.tag = "div"
    return _candidates(root, meta, options)


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
    containers = (
        (choose_containers(candidates) if not lenient else [])
        or choose_containers(candidates, lenient_weight)
        or choose_containers(candidates, media_weight)
    )
    if not containers:
        return []
    chosen = without_side_boxes(_with_lead_figures(candidates, containers), containers)
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
        )
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
    if story.strip() and captions <= CAPTIONS_ARE_THE_STORY * len(story):
        return story
    return "\n\n".join(p for p in (b.plain() for b in blocks) if p)


LEAD_FIGURE_LEVELS = 2


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
    lead: list[int] = []
    if scope is not None:
        for i in range(chosen_ix[0]):
            c = candidates[i]
            if (
                c.block.kind == "figure"
                and (c.block.caption or tag_of(c.el) == "figure")
                and inside(c, [scope])
            ):
                lead.append(i)
    return [candidates[i] for i in lead + chosen_ix]


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
