"""From the chosen container's candidates to the article's blocks: the last chrome sweep."""

from __future__ import annotations

import re
from types import ModuleType
from typing import TYPE_CHECKING

from . import compiled, dom, rules
from .article import Block
from .blocks import Candidate
from .byline import names_of_line
from .captions import as_figures, in_caption, is_loose_caption, loose_caption_credit
from .chrome import is_chrome_text
from .dom import attr_words, normalize_space, without_invisible

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_BYLINE = re.compile(rules.BYLINE_LINE, re.IGNORECASE)
_DATE = re.compile(rules.DATE_LINE, re.IGNORECASE)
_DEK = re.compile("|".join(rules.DEK_HINTS))
_CREDITS = re.compile(rules.CREDITS_LINE, re.IGNORECASE | re.DOTALL)
_STOP = re.compile(
    r"[\s\[(]*(?:" + "|".join(rules.BODY_STOP_HEADERS) + r")[\s:!|)\].…]*", re.IGNORECASE
)
_END = re.compile(
    r"[\s\[(]*(?:" + "|".join(rules.BODY_END_HEADERS) + r")[\s:!|)\].…]*", re.IGNORECASE
)

BLOCK_LINK_DENSITY_MAX = 0.5
# A list inside the story may be mostly links while its items also say something (release
# notes: "Bug 123: the map crashes, fixed by …"); a list of nothing but links is recirculation
# (0.5 for lists too lost those notes on readability and dragnet; keeping every list lost
# scrapinghub's in-story "related" lists).
LIST_LINK_DENSITY_MAX = 0.9
LEAD_SCAN_BLOCKS = 6
LEAD_MAX_CHARS = 160
# A repeated short block is chrome or a pull quote; a repeated long paragraph is the text.
REPEAT_KEEP_CHARS = 200


def _key(text: str) -> str:
    """What two texts that read the same share: spaces, case and soft hyphens aside."""
    key = normalize_space(text).casefold()
    return key if key.isascii() else without_invisible(key)


def _same(a: str, b: str) -> bool:
    return _key(a) == _key(b)


def assemble(
    candidates: list[Candidate],
    *,
    title: str,
    byline: str,
    summary: str = "",
    include_figures: bool = True,
) -> list[Block]:
    """Drop chrome, link lists, repeated blocks and the title/byline lines from the body."""
    out: list[Block] = []
    seen_text: dict[str, object] = {}  # a kept block's text: the element holding it
    seen_src: set[str] = set()
    seen_captions: set[str] = set()
    prose = 0  # paragraph text kept so far: a stop header ends the body only after the story
    # where paragraphs from photo caption boxes went in out, and whether each is the credit
    loose_captions: list[tuple[int, bool]] = []
    story_parent = None  # where the last paragraph of prose sat: a box inside the story's flow
    recurring = False  # the last block kept was a repeated label of the story's structure
    # The keys _same compares, for the title and summary worked out once, not once per block.
    title_key = _key(title)
    summary_key = _key(summary)
    for at, c in enumerate(candidates):
        block = c.block
        if block.kind == "figure":
            if not include_figures:
                continue
            if block.src and block.src in seen_src:
                continue
            caption = block.caption if block.caption and not is_chrome_text(block.caption) else None
            if not (block.src or caption):
                continue
            if block.src:
                seen_src.add(block.src)
            if caption:
                seen_captions.add(_key(caption))
            out.append(Block("figure", src=block.src, alt=block.alt, caption=caption,
                             credit=block.credit))  # fmt: skip
            continue
        text = block.plain()
        if _is_stop_header(block, text, prose) or _heads_teasers(candidates, at, text, prose):
            if _story_resumes(candidates, at + 1, story_parent):
                continue  # a "Related stories" box set inside the story, which goes on after it
            break
        if block.kind == "list":
            items = tuple(i for i in block.items if not is_chrome_text(i))
            if not items or _is_teaser_list(items, c.link_density):
                continue
            block = Block("list", items=items, ordered=block.ordered)
            text = block.plain()
        elif is_chrome_text(text):
            continue
        # An item of a list walked as a container (it holds a nested list) is still a list item.
        if c.link_density > _link_density_max(
            "list" if c.el.tag == "li" else block.kind
        ) and not _links_in_story(candidates, at, prose, story_parent):
            continue
        key = _key(text)
        repeat = key in seen_text
        if key in seen_captions or (
            repeat
            and not _recurs_in_story(c, seen_text[key], story_parent, after_label=recurring)
            and (block.kind != "paragraph" or len(key) < REPEAT_KEEP_CHARS or in_caption(c))
        ):
            continue
        recurring = repeat and len(key) < REPEAT_KEEP_CHARS
        seen_text.setdefault(key, c.el.getparent())
        if block.kind == "heading" and title and key == title_key:
            continue
        if summary and _is_standfirst(c, key if block is c.block else None, summary_key):
            continue
        if block.kind == "paragraph" and len(text) > STOP_HEADER_MAX_CHARS:
            prose += len(text)
            story_parent = c.el.getparent()
        if block.kind == "paragraph" and is_loose_caption(c, text):
            loose_captions.append((len(out), loose_caption_credit(c, text)))
        out.append(block)
    out = as_figures(out, loose_captions, include_figures=include_figures)
    _drop_lead_lines(out, title=title, byline=byline)
    _drop_trailing_rail(out)
    while out and out[-1].kind == "heading":
        out.pop()
    return out


# After this much prose, a heading followed to the end only by short blocks heads a box of
# teasers (another story's headline, a photo, a label), not a section of the story.
RAIL_STORY_CHARS = 600
RAIL_BLOCK_MAX_CHARS = 80
RAIL_SENTENCE_MIN_CHARS = 30
_SENTENCE_END = re.compile(r"[.!?…。！？]\s*$")  # noqa: RUF001


def _drop_trailing_rail(out: list[Block]) -> None:
    prose = 0
    for i, block in enumerate(out):
        if block.kind == "heading" and prose >= RAIL_STORY_CHARS:
            rest = out[i + 1 :]
            if len(rest) >= 2 and all(_rail_item(b) for b in rest):
                del out[i:]
                return
        if block.kind == "paragraph":
            prose += len(block.plain())


def _rail_item(block: Block) -> bool:
    """A block a box of teasers is made of: a photo, a headline, a label; not a sentence (the
    story's numbered steps and a chart's note end theirs)."""
    if block.kind in ("figure", "heading"):
        return True
    text = block.plain()
    return len(text) < RAIL_BLOCK_MAX_CHARS and not (
        len(text) >= RAIL_SENTENCE_MIN_CHARS and _SENTENCE_END.search(text) is not None
    )


# A list of this many items or more, most of them cut short with an ellipsis, is a list of
# teasers (headline link + the first words of each story: a news ticker, a "latest" rail).
TEASER_LIST_MIN_ITEMS = 3
TEASER_LIST_CUT_SHARE = 2 / 3
# Each teaser leads with its headline as a link: several words of link text in every item (a
# table of contents linking one word of each item, "Security: …", is the page's own index).
TEASER_LIST_MIN_LINK_DENSITY = 0.15
_CUT_SHORT = re.compile(r"(?:\.\.\.|…)[\s\])»]*$")


def _is_teaser_list(items: tuple[str, ...], link_density: float) -> bool:
    """Whether a list is a rail of story teasers: linked headlines, most items ending in an
    ellipsis where a summary was cut. A story's own list items are not truncated excerpts."""
    if len(items) < TEASER_LIST_MIN_ITEMS or link_density < TEASER_LIST_MIN_LINK_DENSITY:
        return False
    cut = sum(1 for item in items if _CUT_SHORT.search(item) is not None)
    return cut >= TEASER_LIST_CUT_SHARE * len(items)


def _recurs_in_story(
    c: Candidate, first_parent: object, story_parent: object, *, after_label: bool
) -> bool:
    """A repeated subhead, or a short line right after one, set among the story's own
    paragraphs where it was set the first time too: a structured text's recurring labels
    ("Meal 1" / "Eat every 2-3 hours" in each plan of a meal plan). A promo line printed
    above and below the story repeats with no subhead before it; pull quotes and captions
    repeat in boxes of their own."""
    parent = c.el.getparent()
    if parent is None or parent is not story_parent or parent is not first_parent:
        return False
    return c.block.kind == "heading" or (c.block.kind == "paragraph" and after_label)


def _links_in_story(
    candidates: list[Candidate], at: int, prose: int, story_parent: HtmlElement | None
) -> bool:
    """Whether a link-dense heading or paragraph is the story's own: a section heading that
    links to its subject, a sentence whose clauses are links. Only once the story has begun."""
    kind = candidates[at].block.kind
    if kind == "heading":
        return prose > 0 and _heads_section(candidates, at)
    if kind == "paragraph":
        return story_parent is not None and _sentence_amid_story(candidates, at, story_parent)
    return False


# A paragraph of the story may be mostly links when its own words still make a sentence around
# them ("…, who <a>blocked a friend of mine for …</a>, is, in a single word, disgusting.");
# a paragraph of nothing but links, or a list set with line breaks, is not.
AMID_STORY_LINK_DENSITY_MAX = 0.9
AMID_STORY_PLAIN_CHARS = 60


def _sentence_amid_story(candidates: list[Candidate], at: int, story_parent: HtmlElement) -> bool:
    """A link-dense paragraph set between paragraphs of prose: the next block is prose in the
    same parent, and the one before is prose too (or the paragraph sits where the story's last
    paragraph did). Teasers and link rails sit in boxes of their own, after the story."""
    c = candidates[at]
    if (
        at == 0
        or c.link_density > AMID_STORY_LINK_DENSITY_MAX
        or c.chars - c.link_chars < AMID_STORY_PLAIN_CHARS
        or "\n" in c.block.text
    ):
        return False
    parent = c.el.getparent()
    if parent is not story_parent and not _is_prose(candidates[at - 1]):
        return False
    after = candidates[at + 1] if at + 1 < len(candidates) else None
    return after is not None and after.el.getparent() is parent and _is_prose(after)


def _is_prose(c: Candidate) -> bool:
    return (
        c.block.kind == "paragraph"
        and c.link_density <= BLOCK_LINK_DENSITY_MAX
        and c.chars > STOP_HEADER_MAX_CHARS
    )


# Prose a linked heading's own section must hold for the heading to be the story's: a teaser's
# summary is a sentence or two.
LINKED_HEADING_SECTION_CHARS = 300


def _heads_section(candidates: list[Candidate], at: int) -> bool:
    """Whether a heading that is a link ("“Thumper” ($20)" linking to the game, a section title
    linking back to the contents) heads a section of the story: the prose after it, up to the
    next heading and inside the heading's own parent, is longer than a teaser's summary. A
    "Follow us" box's heading has no prose of its own in its box; a teaser's has a line or two."""
    box = candidates[at].el.getparent()
    if box is None:
        return False
    prose = 0
    for c in candidates[at + 1 :]:
        if c.block.kind == "heading" or not any(a is box for a in c.el.iterancestors()):
            break
        if c.block.kind in ("paragraph", "list") and c.link_density <= BLOCK_LINK_DENSITY_MAX:
            prose += len(c.block.plain())
            if prose >= LINKED_HEADING_SECTION_CHARS:
                return True
    return False


def _link_density_max(kind: str) -> float:
    if kind == "preformatted":
        return float("inf")  # code is often all links (API references), and it is the text
    return LIST_LINK_DENSITY_MAX if kind == "list" else BLOCK_LINK_DENSITY_MAX


STOP_HEADER_MAX_CHARS = 60
# Prose the body must hold before a stop header can end it (a header above the story is a
# mislabelled kicker, not the end).
STORY_BEFORE_STOP_CHARS = 600


def _is_stop_header(block: Block, text: str, prose_before: int) -> bool:
    """A recirculation or comments header ("Related", "Leave a reply") after the story."""
    if block.kind not in ("heading", "paragraph") or len(text) > STOP_HEADER_MAX_CHARS:
        return False
    if prose_before >= STORY_BEFORE_STOP_CHARS and _STOP.fullmatch(text) is not None:
        return True
    return prose_before > 0 and _END.fullmatch(text) is not None


# A heading after the story heads a rail of teasers, whatever its words or language ("Você pode
# gostar..."), when TEASER_RUN_CUT of the first TEASER_RUN paragraphs of prose after it, within
# TEASER_LOOKAHEAD blocks, are cut short with an ellipsis (each teaser's headline, share links and
# date come between them).
TEASER_RUN = 3
TEASER_RUN_CUT = 2
TEASER_LOOKAHEAD = 9


def _heads_teasers(candidates: list[Candidate], at: int, text: str, prose_before: int) -> bool:
    """A short heading after the story followed by excerpts cut short with an ellipsis: the
    first words of other stories (what _is_teaser_list sees in a list, set as paragraphs). A
    short paragraph over them is a speaker's line or a name heading their post."""
    if (
        candidates[at].block.kind != "heading"
        or len(text) > STOP_HEADER_MAX_CHARS
        or prose_before < STORY_BEFORE_STOP_CHARS
    ):
        return False
    excerpts = [
        c.block.text
        for c in candidates[at + 1 : at + 1 + TEASER_LOOKAHEAD]
        if c.block.kind == "paragraph"
        and c.link_density <= BLOCK_LINK_DENSITY_MAX
        and len(c.block.text) > STOP_HEADER_MAX_CHARS
    ][:TEASER_RUN]
    cut = sum(1 for excerpt in excerpts if _CUT_SHORT.search(excerpt) is not None)
    return cut >= TEASER_RUN_CUT


# How many blocks after a stop header are looked at for the story going on.
RESUME_LOOKAHEAD = 4


def _story_resumes(candidates: list[Candidate], start: int, story_parent: object) -> bool:
    """Whether the story goes on after a stop header and its box of links: prose follows in
    the element that held the story's last paragraph. News pages set "Related stories" lists
    between paragraphs; recirculation after the story sits elsewhere in the page, and teasers
    with summaries (prose after the header, with no box of links first) end the story."""
    if story_parent is None:
        return False
    links = False
    for c in candidates[start : start + RESUME_LOOKAHEAD]:
        block = c.block
        if block.kind == "heading":
            return False
        if c.link_density > BLOCK_LINK_DENSITY_MAX:
            links = True
        elif block.kind == "paragraph" and len(block.text) > STOP_HEADER_MAX_CHARS:
            return links and c.el.getparent() is story_parent
    return False


# A box holding this many times the dek's text holds more than the dek: the story's body.
DEK_BOX_MAX_RATIO = 2


def _is_standfirst(c: Candidate, key: str | None, summary_key: str) -> bool:
    """The dek repeated in the page header: its box's class says so and it equals the summary.

    The box must hold little besides the dek: the first paragraph of a story often equals the
    page's description, and a body wrapper's class may name a summary too (Drupal's body field
    is "field-type-text-with-summary"). key and summary_key: the block's plain text (None: not
    worked out yet) and the summary as _same compares them.
    """
    if key is None:
        key = _key(c.block.plain())
    if key != summary_key:
        return False
    most = DEK_BOX_MAX_RATIO * len(normalize_space(c.block.plain()))
    el = c.el
    for _ in range(3):
        if el is None or len(normalize_space(el.text_content())) > most:
            return False
        if _DEK.search(attr_words(el)):
            return True
        el = el.getparent()
    return False


def _is_title_part(text: str, title: str) -> bool:
    """A shorter form of the headline ("The last pilots" for "The last pilots: a year ...")."""
    text = _key(text)
    return len(text) >= 12 and _key(title).startswith(text)


def _drop_lead_lines(blocks: list[Block], *, title: str, byline: str) -> None:
    """Bylines, datelines and a repeated title before the first real paragraph. A block that is
    the byline once cleaned is the byline too: with its agency ("Ann Lee, Reuters"), its label on
    a line of its own ("Article by" / "Ann Lee"), a date after it."""
    i = 0
    scanned = 0
    while i < len(blocks) and scanned < LEAD_SCAN_BLOCKS:
        block = blocks[i]
        scanned += 1
        text = block.plain()
        if block.kind not in ("paragraph", "heading") or len(text) > LEAD_MAX_CHARS:
            if block.kind == "figure":
                i += 1
                continue
            break
        first = text.split("\n")[0]
        if (
            (title and _same(text, title))
            or (block.kind == "heading" and title and _is_title_part(text, title))
            or _BYLINE.match(first)
            or (byline and _same(first, byline))
            or (byline and _same(names_of_line(text), byline))
            or _DATE.match(first)
        ):
            del blocks[i]
            continue
        i += 1


def find_credits(blocks: list[Block]) -> str:
    """The reporting credits line, e.g. "(Additional reporting by X; Editing by Y)"."""
    for block in reversed(blocks):
        if block.kind != "paragraph":
            continue
        for line in reversed(block.text.split("\n")):
            line = line.strip()
            if len(line) <= 500 and _CREDITS.match(line):
                return line
    return ""


@compiled.bind
def _bind_compiled(walk: ModuleType | None) -> None:
    """compiled.use switched the walks: this module follows."""
    global normalize_space
    normalize_space = dom.normalize_space
