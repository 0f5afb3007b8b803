from collections.abc import Callable, Collection, Iterable, Iterator
from re import Match
from typing import Any

from lxml.html import HtmlElement

class TokenJudge:
    def __init__(
        self,
        token_class: Callable[[str], int],
        content_words: frozenset[str],
        story_words: frozenset[str],
        words: Collection[str],
        substrings: Collection[str],
        strong: Collection[str],
        suffixes: Collection[str],
        thread_fullmatch: Callable[[str], Match[str] | None],
        post_fullmatch: Callable[[str], Match[str] | None],
        taxonomy_match: Callable[[str], Match[str] | None],
        state_match: Callable[[str], Match[str] | None],
        t_content: int,
        t_story: int,
        t_chrome: int,
        t_strong: int,
        t_post: int,
        taxonomy_shift: int,
        thread_heads: Collection[str] | None = None,
        post_heads: Collection[str] | None = None,
    ) -> None: ...
    def __call__(self, token: str) -> int: ...

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

# drop_chrome after the classification walk, and scoring's walks up the tree.

def prose_chars(el: HtmlElement, least: int) -> int: ...
def prose_reaching(els: list[HtmlElement], least: int, floor: float) -> list[HtmlElement]: ...
def doomed_by_name(
    by_name: list[tuple[HtmlElement, int]],
    root: HtmlElement,
    marks: set[HtmlElement],
    shelters: set[HtmlElement],
    story_floor: float,
    weak_strength: int,
    heading_section: Callable[[HtmlElement], bool],
    slug_min_words: int,
    inline_tags: frozenset[str],
    inline_prose_tags: frozenset[str],
    least: int,
    inline_floor: int,
    embedded_search: Callable[[str], Match[str] | None],
) -> list[HtmlElement]: ...
def remove_keep_tails(els: list[HtmlElement], sub: Callable[[str, str], str]) -> None: ...
def add_up(
    els: list[HtmlElement],
    weights: list[float],
    decay: tuple[float, ...],
    local: dict[HtmlElement, float],
    total: dict[HtmlElement, float],
    side_names: Callable[[str], bool],
    side_levels: int,
    side_share: float,
    aside_names: Callable[[str], bool],
    aside_levels: int,
    aside_share: float,
) -> None: ...
def count_in_ranges(text: str, ranges: tuple[tuple[int, int], ...]) -> int: ...

class ProseWeights:
    def __init__(
        self,
        *,
        link_density_max: float,
        link_penalty: float,
        short_penalty: float,
        prose_min_chars: int,
        short_prose_min_chars: int,
        wide_extra: float,
        wide_ranges: tuple[tuple[int, int], ...],
        sentence_end_search: Callable[[str], Match[str] | None],
    ) -> None: ...
    def __call__(self, candidates: list[Any]) -> list[float]: ...

def scan_metadata(
    root: HtmlElement,
    metas: tuple[list[tuple[str, str]], ...],
    json_ld: list[str],
    canonical: list[str],
    times: list[tuple[str, str, bool, str]],
    headlines: list[HtmlElement],
    max_meta: int,
    max_times: int,
    max_headlines: int,
    recipe_type: str,
    anchored: list[HtmlElement],
) -> tuple[str | None, HtmlElement | None, HtmlElement | None, int, bool]: ...

class AuthorCandidates(Iterator[HtmlElement]):
    def __init__(self, scope: HtmlElement) -> None: ...
    def __next__(self) -> HtmlElement: ...

def claims_byline(
    el: Any,
    skip_tags: frozenset[str],
    page_tags: frozenset[str],
    author_search: Callable[[str], Match[str] | None],
    comment_search: Callable[[str], Match[str] | None],
) -> bool: ...
def name_parts(
    el: Any,
    max_elements: int,
    skip_tags: frozenset[str],
    name_search: Callable[[str], Match[str] | None],
    not_name_search: Callable[[str], Match[str] | None],
) -> list[Any]: ...
def text_of(
    el: HtmlElement, max_chars: int, drop_tags: frozenset[str], run_text: Callable[[str, int], str]
) -> tuple[str, int]: ...
def list_item_texts(
    el: HtmlElement,
    max_chars: int,
    drop_tags: frozenset[str],
    structural: frozenset[str],
    run_text: Callable[[str, int], str],
    paragraph_max: int,
) -> list[tuple[str, int]] | None: ...

class BlockKinds:
    def __init__(
        self,
        *,
        drop_tags: frozenset[str],
        block_tags: frozenset[str],
        structural: frozenset[str],
        handled: frozenset[str],
        heading_tags: frozenset[str],
        list_tags: frozenset[str],
        run_text: Callable[[str, int], str],
        block_type: type,
        block_fields: dict[str, object],
        candidate_type: type,
        item_paragraph_max: int,
    ) -> None: ...

def walk_blocks(
    el: HtmlElement,
    depth: int,
    max_depth: int,
    max_chars: int,
    kinds: BlockKinds,
    out: list[Any],
    image: Callable[[HtmlElement, HtmlElement], None],
    block: Callable[[HtmlElement, str, int], None],
) -> None: ...
def markup_bounds(
    data: bytes, max_tags: int, long_tag_chars: int, max_attributes: int
) -> tuple[int, bool]: ...

# body.assemble: caption boxes, normalize_space, chrome.is_chrome_text's phrases.

def named_up(el: HtmlElement, levels: int, word: str) -> HtmlElement | None: ...
def named_children(el: HtmlElement, word: str) -> list[HtmlElement]: ...
def normalize_space(text: str) -> str: ...

class LiteralSet:
    def __init__(self, words: Iterable[str]) -> None: ...
    def search(self, text: str) -> bool: ...

def within_named_each(
    els: list[HtmlElement | None],
    names: Callable[[str], bool],
    levels: int,
    stop: set[HtmlElement],
) -> list[bool]: ...

# engine.extract: the chosen blocks and the word count.

def indices_within(candidates: list[Any], containers: list[HtmlElement]) -> list[int]: ...
def word_count(text: str) -> int: ...
