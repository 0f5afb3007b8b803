"""The fast paths of parsing, chrome dropping and block building give the slow paths' answers."""

from __future__ import annotations

import lxml.etree
import pytest
from lxml.html import HtmlElement

from broadsheet.extract import ExtractOptions, extract, rules
from broadsheet.extract import chrome as chrome_mod
from broadsheet.extract.blocks import build_blocks
from broadsheet.extract.chrome import drop_chrome, is_boilerplate_attrs, is_chrome_text
from broadsheet.extract.dom import parse

PROSE = "A sentence of real prose, long enough to count as running text. " * 4


def _strength_slow(words: str) -> int:
    return chrome_mod._Namer._whole(words)


ATTRIBUTE_STRINGS = [
    "",
    "share",
    "share-tools",
    "article-body share",
    "story-body sidebar",
    "site-footer",
    "comment-list",
    "comments__list",
    "ad",
    "ad-slot main",
    "related-links x7f3",
    "newsletter\x1fbox",  # an unusual whitespace character between tokens
    "social\u3000widget",
    "--share__",
    "_",
    "caption share",
    "promo rail",
    "ARTICLE",
    "most-read\u00a0list",
    "disqus_thread",
    "share-\tbuttons",
    "post-12 post type-post hentry category-social-media tag-promotion",
    "entry-category-social_media entry-type-post",
    "category-social-media",
    "tag-footer hentry",
    "tag-footer",
    "comments-area clearfix",
    "dsq-comment-body",
    "single-article-content nav-single",
    "skip-to-main-content",
    "td-post-content widget",
    "figcaption share",
]


def test_slow_namer_agrees_with_is_boilerplate_attrs() -> None:
    for words in ATTRIBUTE_STRINGS:
        assert bool(_strength_slow(words) & chrome_mod._STRENGTH) == is_boilerplate_attrs(words)


@pytest.mark.parametrize("words", ATTRIBUTE_STRINGS)
def test_token_memo_classifies_as_the_whole_string(words: str) -> None:
    assert chrome_mod._TOKENWISE
    assert chrome_mod._Namer().strength(words) == _strength_slow(words)


@pytest.mark.parametrize(
    "text",
    [
        "Click here to subscribe",
        "CLICK HERE TO SUBSCRIBE today",
        "Cl\u0130ck here to subscribe",  # re folds the dotted capital I onto "i"
        "Share this \u017ftory",  # and the long s onto "s"
        "Privacy Polic\u212a",  # no: the Kelvin sign folds onto "k", not "y"
        "caf\u00e9 \u2014 follow us on the web",
        "A plain sentence about a city council meeting.",
    ],
)
def test_phrase_substring_test_matches_the_regex(text: str) -> None:
    expected = chrome_mod._CHROME_PHRASE.search(text) is not None
    assert chrome_mod._has_chrome_phrase(text) is expected


def test_long_prose_is_not_normalised_whole_and_stays_prose() -> None:
    assert not is_chrome_text(PROSE * 100 + " all rights reserved")
    assert is_chrome_text("  <div class=x>" + PROSE * 100)


def test_long_text_that_is_mostly_spaces_still_gets_the_word_tests() -> None:
    # 5 000 characters, but only "Share this article" once spaces are normalised.
    assert is_chrome_text("Share" + " " * 5000 + "this article")


def _page(body: str) -> HtmlElement:
    return parse(f"<html><head><title>t</title></head><body>{body}</body></html>", ExtractOptions())


def _text(root: HtmlElement) -> str:
    body = next(root.iter("body"))
    return " ".join("".join(body.itertext()).split())


def test_parse_uses_html_elements_without_the_python_class_lookup() -> None:
    root = _page("<form><input name=q><select><option>a</select></form><p>x</p>")
    assert isinstance(root, HtmlElement)
    # lxml.html's own lookup would give InputElement / SelectElement here.
    assert {type(el) for el in root.iter()} == {HtmlElement}
    assert root.text_content().endswith("x")


def test_drop_chrome_keeps_tails_of_dropped_subtrees_and_nested_chrome() -> None:
    root = _page(
        "<div class='story'><p>Before<script>x()</script> after</p>"
        "<div hidden>gone<p>also gone</p></div>tail kept"
        "<div class='share'><div class='newsletter'>n</div><nav>m</nav></div>end"
        f"<p>{PROSE}</p></div>"
    )
    drop_chrome(root)
    text = _text(root)
    assert text.startswith("Before aftertail keptendA sentence")
    assert "gone" not in text and "n" not in text.split()


def test_chrome_named_wrapper_holding_the_story_is_kept_but_its_chrome_goes() -> None:
    root = _page(
        f"<div class='rail'><p>{PROSE}</p><div class='share'>Share</div></div>"
        "<div class='footer'>" + f"<p>{PROSE}</p>" + "</div>"
    )
    drop_chrome(root)
    text = _text(root)
    assert text.count("A sentence") == 4  # the rail's paragraph; the footer goes whatever it holds
    assert "Share" not in text


def test_drop_chrome_ignores_tags_in_other_cases_only_as_before() -> None:
    root = _page("<my-widget role='navigation'>menu</my-widget><p>kept</p>")
    drop_chrome(root)
    assert _text(root) == "kept"


def test_leaf_paragraphs_and_links_build_the_same_blocks() -> None:
    root = _page(
        "<p>  One\n two  </p><p><a href='/x'>Linked  text</a></p><p></p><ul><li>a b</li></ul>"
    )
    drop_chrome(root)
    out = build_blocks(next(root.iter("body")), base_url=None, max_depth=255)
    assert [(c.block.kind, c.block.plain(), c.link_chars) for c in out] == [
        ("paragraph", "One two", 0),
        ("paragraph", "Linked text", 11),
        ("list", "a b", 0),
    ]


def test_rules_keep_the_token_wise_shortcut_valid() -> None:
    # If a pattern ever spans whitespace the engine falls back to whole strings (slower).
    patterns = (*rules.BOILERPLATE_SUBSTRINGS, *rules.STRONG_BOILERPLATE)
    assert not any(ch.isspace() for p in patterns for ch in p)


def test_long_texts_xpath_counts_like_itertext() -> None:
    root = _page(f"<div><p>{PROSE}<b>short</b>{'x ' * 40}</p><p>\u00a0{PROSE}\u00a0</p></div>")
    slow = 0
    for text in root.itertext():
        n = len(text.strip())
        if n >= chrome_mod.PROSE_NODE_CHARS:
            slow += n
    assert chrome_mod.prose_chars(root) == slow
    assert isinstance(chrome_mod._LONG_TEXTS, lxml.etree.XPath)


def test_the_token_memo_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each page brings tokens of its own; the memo shared by pages is emptied past its cap, so
    # a long run of new sites does not grow it (its bits are judged again, the same).
    monkeypatch.setattr(chrome_mod, "_TOKEN_MEMO_MAX", 60)
    chrome_mod._TOKEN_BITS.clear()
    sizes = []
    for page in range(8):
        boxes = "".join(
            f"<div class='site{page}-box{i} widget'><p>{'Words of a story here. ' * 8}</p></div>"
            for i in range(40)
        )
        extract(f"<html><body><article>{boxes}</article></body></html>")
        sizes.append(len(chrome_mod._TOKEN_BITS))
    assert max(sizes) <= 60 + 45  # the cap and one page's tokens
    assert chrome_mod._TOKEN_BITS.get("widget") == chrome_mod._token_class("widget")
