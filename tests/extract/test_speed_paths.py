"""The fast paths of issue 4's speed round give the answers of the slower code they replace."""

from __future__ import annotations

import itertools
import re

import pytest
from lxml.html import HtmlElement

from broadsheet.extract import ExtractOptions, rules
from broadsheet.extract import blocks as blocks_mod
from broadsheet.extract import chrome as chrome_mod
from broadsheet.extract import dom as dom_mod
from broadsheet.extract.article import Block
from broadsheet.extract.blocks import Candidate, build_blocks
from broadsheet.extract.body import assemble
from broadsheet.extract.dom import parse

from .story_sentences import STORY_SENTENCES
from .test_speed_chrome import ATTRIBUTE_STRINGS

STORY = " ".join(STORY_SENTENCES[:4])


def _page(body: str) -> HtmlElement:
    return parse(f"<html><head><title>t</title></head><body>{body}</body></html>", ExtractOptions())


# -- literal_alternation -----------------------------------------------------------------------

WORDS = ["ad", "ad-slot", "adslot", "advert", "a.b", "nav-", "-nav", "x", "(", "comment-", "comm"]
TEXTS = [
    "",
    "a",
    "header",
    "ad-sl",
    "my-ad-slot",
    "a.b",
    "axb",
    "top-nav-bar",
    "comment",
    "comments-",
    "c(",
    "COMMENT-",
    "sub-navigation",
]


@pytest.mark.parametrize("words", [WORDS, ["only"], list(rules.BOILERPLATE_SUBSTRINGS)])
def test_literal_alternation_matches_what_the_flat_alternation_matches(words: list[str]) -> None:
    trie = re.compile(chrome_mod.literal_alternation(words))
    flat = re.compile("|".join(re.escape(w) for w in words))
    for text in TEXTS + words + [w[:-1] for w in words] + [w + "!" for w in words]:
        assert (trie.search(text) is None) == (flat.search(text) is None), text
        assert (trie.fullmatch(text) is None) == (flat.fullmatch(text) is None), text


# -- chrome classification ---------------------------------------------------------------------


def test_class_values_judged_one_at_a_time_give_the_joined_strings_verdict() -> None:
    namer = chrome_mod._Namer()
    for a, b in itertools.product(ATTRIBUTE_STRINGS, repeat=2):
        joined = " ".join(v for v in (a, b) if v).lower()
        bits = namer.bits(a) | namer.bits(b)
        verdict = chrome_mod._verdict(bits) if bits else 0
        assert verdict == chrome_mod._Namer._whole(joined), (a, b)


CLASSIFY_PAGE = (
    "<div class='story-body share' id='Main'><p>x</p></div>"
    "<div class='post-7 hentry tag-promotion'><div class='share-tools'>s</div></div>"
    "<div class='widget' role='Navigation'><p class='share'>gone with its box</p></div>"
    "<div style='color: red; DISPLAY : none'><div class='share'>hidden</div></div>"
    "<div aria-hidden='false' class='related-links'>r</div><div aria-hidden='true'>h</div>"
    "<div hidden class='article-body'>h</div><section role='main' class='footer'>f</section>"
    "<div itemprop='ArticleBody'><aside><div class='share'>in aside</div></aside></div>"
    "<noscript><div class='share'>n</div></noscript><svg><g class='share'></g></svg>"
    "<span class='caption share'>c</span><p id='comments-area' class='clearfix'>c</p>"
    "<main class='sidebar'><div class='Rail'>r</div></main><my-box role='menu'>m</my-box>"
)


def test_classify_fast_path_sorts_a_page_as_the_string_path_does() -> None:
    root = _page(CLASSIFY_PAGE)
    fast = chrome_mod._classify(root)
    slow = chrome_mod._classify_by_strings(root)
    assert fast.by_state == slow.by_state
    assert fast.by_name == slow.by_name
    assert fast.stories == slow.stories
    assert len(fast.by_state) >= 8 and fast.by_name and fast.stories


# -- chrome text -------------------------------------------------------------------------------

LINE_TEXTS = [
    "Close",
    "CLOSE GALLERY",
    "Photo 3 of 12",
    "Read more: Why the bridge closed",
    "READ MORE",
    "Next \u00bb",
    "Recommended: " + "x" * 250,
    "More from The Daily Example",
    "data-id=\"x\" onclick='y'",
    "a" * 40,
    "Cl\u0130ck here",  # dotted capital I: the text keeps the regex
    "\u017fponsored",  # long s reads as "s" to IGNORECASE
    "Ne\u212at",  # Kelvin sign reads as "k"
    "\u039f\u0394\u039f\u03a3 close",  # final sigma where lower() looks at the context
    "Caf\u00e9 news",
    "A plain sentence about a city council meeting.",
]


def test_lines_written_in_lower_case_keep_the_lower_case_path_valid() -> None:
    # If a chrome line ever holds an upper-case letter the engine falls back to IGNORECASE.
    assert chrome_mod._LINES_LOWER
    assert chrome_mod._PHRASES_BY_SUBSTRING


@pytest.mark.parametrize("text", LINE_TEXTS)
def test_chrome_line_test_on_lower_case_text_matches_the_case_insensitive_regex(text: str) -> None:
    foldable = chrome_mod._FOLDS_ONTO_ASCII.search(text) is None
    lower = text.lower() if foldable else None
    expected = chrome_mod._CHROME_LINE.fullmatch(text) is not None
    assert chrome_mod._is_chrome_line(text, lower) is expected
    assert chrome_mod._has_chrome_phrase(text, lower) is (
        chrome_mod._CHROME_PHRASE.search(text) is not None
    )


# -- blocks ------------------------------------------------------------------------------------


def test_block_descendant_test_agrees_with_lxmls_tag_matcher() -> None:
    root = _page(
        "<div><a href='/x'><span>x</span><em>y<b>z</b></em></a><span><p>p</p></span>"
        "<font><i><table><tr><td>t</td></tr></table></i></font><b></b></div>"
    )
    for el in root.iter():
        expected = next(el.iterdescendants(*blocks_mod._STRUCTURAL), None) is not None
        assert blocks_mod._has_block_descendant(el) is expected


def _kinds(body: str, max_chars: int = ExtractOptions.max_text_chars) -> list[tuple[str, str, int]]:
    root = _page(body)
    out = build_blocks(next(root.iter("body")), base_url=None, max_depth=255, max_chars=max_chars)
    return [(c.block.kind, c.block.plain(), c.link_chars) for c in out]


def test_blank_tails_between_blocks_give_no_block_and_inline_text_still_does() -> None:
    body = (
        "<div>\n  <p>One</p>\n  <p>Two</p>\n \t<img src='http://x.example/a.jpg' width=300>"
        "\n <b>Bold</b> and <a href='/l'>a link</a>\n<p>Three</p>\u00a0\n</div>"
    )
    assert _kinds(body) == [
        ("paragraph", "One", 0),
        ("paragraph", "Two", 0),
        ("figure", "", 0),
        ("paragraph", "Bold and a link", 6),
        ("paragraph", "Three", 0),
    ]
    # A tail that is only a <br> is not blank: the line break still starts no paragraph.
    assert _kinds("<div><p>A</p><br>\n<p>B</p></div>") == [
        ("paragraph", "A", 0),
        ("paragraph", "B", 0),
    ]


def test_inline_text_is_cut_at_max_chars_before_spaces_are_normalised() -> None:
    assert _kinds("<div>  <b>abc</b> def<p>P</p></div>", max_chars=7) == [
        ("paragraph", "abc d", 0),
        ("paragraph", "P", 0),
    ]


# -- parsing bounds ----------------------------------------------------------------------------


def test_a_page_too_short_to_hold_max_tags_start_tags_is_not_searched() -> None:
    stray = b"<" * 150 + b"<p>x"  # many "<", few start tags
    assert dom_mod._cut_at_tags(stray, 100) == stray
    tags = b"<p>" * 120
    assert dom_mod._cut_at_tags(tags, 100) == b"<p>" * 99


# -- assembling --------------------------------------------------------------------------------


def _assembled(block: Block, el_class: str, title: str = "", summary: str = "") -> bool:
    """Whether assemble keeps block (from an element of class el_class) before a story."""
    root = _page(f"<div class='{el_class}'>x</div><p>{STORY}</p>")
    el, story_el = next(root.iter("div")), next(root.iter("p"))
    story = Block("paragraph", text=STORY)
    candidates = [
        Candidate(block, el, len(block.plain()), 0),
        Candidate(story, story_el, len(STORY), 0),
    ]
    out = assemble(candidates, title=title, byline="", summary=summary)
    assert out[-1] == story
    return len(out) == 2


SUMMARY = "Buses return to the river crossing."


@pytest.mark.parametrize(
    ("block", "el_class", "kept"),
    [
        (Block("heading", text="the bridge  REOPENS", level=2), "x", False),
        (Block("heading", text="The bridge reopens today", level=2), "x", True),
        (Block("paragraph", text=" Buses return  to the RIVER crossing. "), "article-dek", False),
        (Block("paragraph", text=SUMMARY), "article-body", True),
        (Block("paragraph", text=SUMMARY + " Again."), "dek", True),
        (Block("list", items=(SUMMARY,)), "standfirst", False),
        (Block("list", items=(SUMMARY,)), "items", True),
        # A list loses its chrome items, but the dek test reads the list as the page gave it.
        (Block("list", items=("Advertisement", SUMMARY)), "standfirst", True),
        (Block("list", items=("Buses return to the", "river crossing.")), "dek", False),
    ],
)
def test_title_heading_and_summary_dek_are_compared_by_their_normalised_text(
    block: Block, el_class: str, kept: bool
) -> None:
    title = "The  Bridge Reopens"
    assert _assembled(block, el_class, title=title, summary=SUMMARY) is kept
