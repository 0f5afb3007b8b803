"""From the chosen container's candidates to the article's blocks: the last chrome sweep."""

from __future__ import annotations

import re

from . import rules
from .article import Block
from .blocks import Candidate
from .chrome import is_chrome_text
from .dom import attr_words, normalize_space

_BYLINE = re.compile(rules.BYLINE_LINE, re.IGNORECASE)
_DATE = re.compile(rules.DATE_LINE, re.IGNORECASE)
_DEK = re.compile("|".join(rules.DEK_HINTS))
_CREDITS = re.compile(rules.CREDITS_LINE, re.IGNORECASE | re.DOTALL)
_STOP = re.compile(
    r"[\s\[(]*(?:" + "|".join(rules.BODY_STOP_HEADERS) + r")[\s:!|)\]]*", re.IGNORECASE
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


def _same(a: str, b: str) -> bool:
    return normalize_space(a).casefold() == normalize_space(b).casefold()


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
    seen_text: set[str] = set()
    seen_src: set[str] = set()
    seen_captions: set[str] = set()
    prose = 0  # paragraph text kept so far: a stop header ends the body only after the story
    for c in candidates:
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
                seen_captions.add(normalize_space(caption).casefold())
            out.append(Block("figure", src=block.src, alt=block.alt, caption=caption,
                             credit=block.credit))  # fmt: skip
            continue
        text = block.plain()
        if _is_stop_header(block, text, prose):
            break
        if block.kind == "list":
            items = tuple(i for i in block.items if not is_chrome_text(i))
            if not items:
                continue
            block = Block("list", items=items, ordered=block.ordered)
            text = block.plain()
        elif is_chrome_text(text):
            continue
        # An item of a list walked as a container (it holds a nested list) is still a list item.
        if c.link_density > _link_density_max("list" if c.el.tag == "li" else block.kind):
            continue
        key = normalize_space(text).casefold()
        if key in seen_captions or (
            key in seen_text
            and (block.kind != "paragraph" or len(key) < REPEAT_KEEP_CHARS or _in_caption(c))
        ):
            continue
        seen_text.add(key)
        if block.kind == "heading" and title and _same(text, title):
            continue
        if summary and _is_standfirst(c, summary):
            continue
        if block.kind == "paragraph" and len(text) > STOP_HEADER_MAX_CHARS:
            prose += len(text)
        out.append(block)
    _drop_lead_lines(out, title=title, byline=byline)
    while out and out[-1].kind == "heading":
        out.pop()
    return out


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
    return (
        prose_before >= STORY_BEFORE_STOP_CHARS
        and block.kind in ("heading", "paragraph")
        and len(text) <= STOP_HEADER_MAX_CHARS
        and _STOP.fullmatch(text) is not None
    )


def _in_caption(c: Candidate) -> bool:
    """A block from a caption box (galleries repeat their captions as text)."""
    el = c.el
    for _ in range(2):
        if el is None:
            return False
        if "caption" in attr_words(el):
            return True
        el = el.getparent()
    return False


DEK_BOX_MAX_SHARE = 2


def _is_standfirst(c: Candidate, summary: str) -> bool:
    """The dek repeated in the page header: its class says so and it equals the summary."""
    if not _same(c.block.plain(), summary):
        return False
    el = c.el
    for _ in range(3):
        if el is None:
            return False
        if _DEK.search(attr_words(el)):
            # The dek's own box, not a field wrapping the whole body (a CMS "description"
            # field whose first paragraph the page's description repeats).
            return len(normalize_space(el.text_content())) <= DEK_BOX_MAX_SHARE * len(
                c.block.plain()
            )
        el = el.getparent()
    return False


def _is_title_part(text: str, title: str) -> bool:
    """A shorter form of the headline ("The last pilots" for "The last pilots: a year ...")."""
    text = normalize_space(text).casefold()
    return len(text) >= 12 and normalize_space(title).casefold().startswith(text)


def _drop_lead_lines(blocks: list[Block], *, title: str, byline: str) -> None:
    """Bylines, datelines and a repeated title before the first real paragraph."""
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
