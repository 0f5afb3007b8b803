"""The engine's value types: options in, Article (made of Blocks) out."""

from __future__ import annotations

import math
from dataclasses import dataclass
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
    max_text_chars: int = 2_000_000
    """Body text is cut at this many characters."""
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


def reading_minutes(word_count: int) -> int:
    """ceil(words / 230), at least 1 when there is any text."""
    if word_count <= 0:
        return 0
    return max(1, math.ceil(word_count / WORDS_PER_MINUTE))
