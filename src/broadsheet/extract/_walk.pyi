from collections.abc import Callable
from re import Match
from typing import Any

from lxml.html import HtmlElement

def classify(
    root: HtmlElement,
    values: dict[str, int],
    tokens: dict[str, int],
    token_class: Callable[[str], int],
    value_bits: Callable[[str], int],
    verdicts: dict[int, int],
    verdict_of: Callable[[int], int],
    never_drop: frozenset[str],
    drop_tags: frozenset[str],
    chrome_roles: frozenset[str],
    hidden_style: Callable[[str], Match[str] | None],
    article_body: Callable[[str], Match[str] | None],
    strength_mask: int,
    story_flag: int,
    by_state: list[Any],
    by_name: list[tuple[HtmlElement, int]],
    stories: list[HtmlElement],
) -> None: ...
