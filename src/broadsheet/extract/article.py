"""The engine's value types: options in, Article (made of Blocks) out."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list", "quote", "figure", "preformatted", "table"]

WORDS_PER_MINUTE = 230


@dataclass(frozen=True)
class ExtractOptions:
    """Limits and switches for one extraction. Passed in, never read from the environment."""

    max_input_bytes: int = 10 * 1024 * 1024
    """Larger inputs raise InputTooLarge before parsing."""
    max_depth: int = 512
    """Elements nested deeper are ignored (the parser itself stops at 255)."""
    max_nodes: int = 60_000
    """Elements past this many (document order) are ignored."""
    max_text_chars: int = 500_000
    """Body text is cut at this many characters, at a block boundary (a first block longer than
    that is itself cut). The longest article of the benchmark sets is 121,000 characters and a
    long-form feature some 150,000; past 500,000 a page is a book or an attack, and every later
    stage (normalising, sanitizing, rendering) is linear in it."""
    include_figures: bool = True
    """Keep figures (image, caption, credit) as blocks."""
    include_tables: bool = True
    """Keep data tables as blocks."""
    min_text_chars: int = 1
    """Fewer body characters than this raise NoArticle."""


@dataclass(frozen=True)
class Block:
    """One piece of the article body."""

    kind: BlockKind
    text: str = ""
    level: int | None = None
    items: tuple[str, ...] = ()
    ordered: bool = False
    src: str | None = None
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None

    def plain(self) -> str:
        """The block as plain text, as it appears in Article.text."""
        if self.kind == "list":
            return "\n".join(self.items)
        if self.kind == "figure":
            return "\n".join(p for p in (self.caption, self.credit) if p)
        return self.text


# A paragraph Block's fields, in order, but for its text (the compiled block walk's defaults).
PARAGRAPH_FIELDS: dict[str, object] = {f.name: f.default for f in fields(Block)}
PARAGRAPH_FIELDS["kind"] = "paragraph"


def paragraph_block(text: str) -> Block:
    """``Block("paragraph", text=text)``, four times faster.

    A frozen dataclass's __init__ sets each of the nine fields through object.__setattr__
    (2 µs a block, the largest cost of a page made of many short paragraphs); filling the new
    instance's __dict__ gives the same object: equal, same hash and repr, still frozen.
    """
    block = object.__new__(Block)
    block.__dict__.update(PARAGRAPH_FIELDS, text=text)
    return block


@dataclass(frozen=True)
class Article:
    """What the engine found on a page."""

    title: str = ""
    summary: str = ""
    byline: str = ""
    published: datetime | None = None
    site_name: str = ""
    language: str = ""
    canonical_url: str | None = None
    image: str | None = None
    blocks: tuple[Block, ...] = ()
    text: str = ""
    html: str = ""
    word_count: int = 0
    reading_minutes: int = 0
    credits: str = ""
    agency: str = ""
    """The wire agency or organisation the byline credits after the names ("Reuters" for "By
    Ann Lee, Reuters"), "" when none. When the byline names no person, it is the byline too."""


def reading_minutes(word_count: int) -> int:
    """ceil(words / 230), at least 1 when there is any text."""
    if word_count <= 0:
        return 0
    return max(1, math.ceil(word_count / WORDS_PER_MINUTE))
