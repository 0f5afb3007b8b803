"""The compiled steps of drop_chrome after its classification walk (the doomed list, the removals
keeping tails, the running-text and heading tests of _spared, the tag-name table of the walk)
and of engine.extract (the blocks within the containers, the word count) give the pure-Python
answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lxml.etree
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.html import HtmlElement

from broadsheet.extract import ExtractOptions
from broadsheet.extract import chrome as chrome_mod
from broadsheet.extract import engine as engine_mod
from broadsheet.extract.blocks import build_blocks
from broadsheet.extract.compiled import walk
from broadsheet.extract.dom import parse

from .compiled_paths import both as _both
from .compiled_paths import needs_compiled
from .compiled_paths import pure_python as _pure

pytestmark = needs_compiled


PROSE = "A sentence of real prose, long enough to count as running text here. "
CJK = "北京市政府今天宣布了一项新的城市交通计划，旨在减少拥堵并改善空气质量。"  # noqa: RUF001
# What str.split() and str.isspace() take for whitespace, ASCII and not.
UNICODE_SPACES = "\u00a0\u3000\u2028\u2029\u2003\x85\x1c\x1d\x1e\x1f\u202f\u205f\u1680\x0b\x0c"
# Characters lxml refuses in a new text though the parser keeps them (chrome._XML_INCOMPATIBLE).
CONTROLS = "\x01\x02\x08\x0b\x0c\x0e\x1f\ufffe\uffff"


def _page(body: str, comments: bool = False) -> HtmlElement:
    """The page as the engine parses it (no comments, no PIs); with comments, lxml.html's parser
    keeps them (an input the engine does not make, but the functions take any tree)."""
    html = f"<html><head><title>t</title></head><body>{body}</body></html>"
    if comments:
        root: HtmlElement = lxml.html.document_fromstring(html)
        return root
    return parse(html, ExtractOptions())


def _dropped_alike(body: str) -> None:
    """drop_chrome leaves the same tree on both paths, parsed with comments or without."""
    for comments in (False, True):
        fast_root, slow_root = _page(body, comments), _page(body, comments)
        chrome_mod.drop_chrome(fast_root)
        with _pure():
            chrome_mod.drop_chrome(slow_root)
        assert lxml.etree.tostring(fast_root) == lxml.etree.tostring(slow_root)


# -- removals keeping tails ----------------------------------------------------------------------

REMOVAL_BODIES = [
    # control characters in the tail, the previous sibling's tail and the parent's text
    f"<div>a{CONTROLS}b<script>x</script>{CONTROLS}tail<nav>n</nav>\x0c\x1f</div>",
    f"<p>x<style>s</style>\x08</p><p><!-- c -->{CONTROLS}<b>k</b>{CONTROLS}<nav>n</nav>t</p>",
    # clean, whitespace-only, empty and missing tails; a comment or PI as the previous sibling
    "<div><script></script>\n  <nav>n</nav>   <aside>a</aside></div><div><nav>x</nav></div>",
    f"<div>{CJK}<!-- c --><script>s</script>{CJK}<?pi x?><nav>n</nav> \u3000 </div>",
    # an element kept before the removed one: its tail takes the removed one's
    f"<div>x<b>k</b>{CONTROLS}y<script>s</script>{CONTROLS}t<span>z</span>w<style>q</style>v</div>",
    "<div><i>k</i><nav>n</nav>t<em>e</em>\n <aside>a</aside>\n <b>b</b><script>s</script></div>",
    # several removals in a row, so that each one's tail lands on an earlier one's neighbour
    "<div>t<script>1</script>a<script>2</script>b<style>3</style>c<noscript>4</noscript>d</div>",
    # a hidden subtree holding removable elements, and chrome named inside the removed parts
    "<div hidden><script>x</script>in</div>after<div class='sidebar'><p>p</p></div>end",
    f"<div class='share'>{CONTROLS}<span>s</span></div>{CONTROLS}<div class='comments'>c</div>",
]


@pytest.mark.parametrize("body", REMOVAL_BODIES)
def test_removals_keep_the_same_tails(body: str) -> None:
    _dropped_alike(body)


def test_removal_of_the_root_and_of_detached_elements_is_skipped() -> None:
    root = _page("<div id='a'><script>x</script>tail</div>")
    detached = root.get_element_by_id("a")
    detached.getparent().remove(detached)
    for els in ([root], [detached]):
        copies = lxml.etree.tostring(root), lxml.etree.tostring(detached)
        chrome_mod._remove_all(els)
        with _pure():
            chrome_mod._remove_all(els)
        assert (lxml.etree.tostring(root), lxml.etree.tostring(detached)) == copies


@pytest.mark.parametrize("text", ["", " \t\n\r", PROSE, CJK, UNICODE_SPACES, *CONTROLS])
def test_the_control_character_test_matches_the_pattern(text: str) -> None:
    body = f"<div>a{text}<script>x</script>{text}b{text}<nav>n</nav>{text}</div>"
    fast_root, slow_root = _page(body), _page(body)
    chrome_mod._remove_all(chrome_mod._classify(fast_root).by_state)
    with _pure():
        chrome_mod._remove_all(chrome_mod._classify(slow_root).by_state)
    assert lxml.etree.tostring(fast_root) == lxml.etree.tostring(slow_root)


# -- the doomed list, the running-text and heading tests -----------------------------------------

SPARED_BODIES = [
    # a chrome-named inline element inside a sentence: word characters of every kind around it
    "<p>a <span class='popup'>w</span> b</p><p>中<a class='share'>w</a>文</p>",
    "<p>é<span class='popup'>w</span>_</p><p>²<b class='share'>w</b>\u0663</p>",
    "<p>—_<span class='popup'>w</span>\u3000_</p><p>—<b class='share'>w</b>\u00a0</p>",
    f"<p>{UNICODE_SPACES}<span class='popup'>w</span>{UNICODE_SPACES}</p>",
    "<p>-- <span class='popup'>w</span> --</p><p><span class='popup'>w</span> first</p>",
    # the text before it in a comment's tail, in an element's tail, in the parent's text
    "<p><!-- c -->before<span class='popup'>w</span>after</p>",
    "<p><!-- c --><span class='popup'>w</span>after</p><p><b>x</b><i class='share'>w</i>y</p>",
    "<div>x<p class='share'>w</p>y</div><p>x<label class='share'>w</label>y</p>",
    # ids of three words or more, their heading among the first three children or not
    "<section id='how-to-share-it'><h2>How to share it</h2><p>x</p></section>",
    "<section id='how-to-share-it'><!-- a --><!-- b --><h2>How to share it</h2></section>",
    "<section id='how-to-share-it'><p>a</p><p>b</p><p>c</p><h2>How to share it</h2></section>",
    "<section id='how-to-share-it'><p>a</p><b>b</b><h2>How to share it</h2></section>",
    "<section id='how-to-share-it'>text<b>x</b><h6>How to share it</h6></section>",
    "<section id='how-to-share-it'><h7>How to share it</h7><h>x</h><h10>y</h10></section>",
    "<div id='über-die-seite-hier' class='share'><h3>Über die Seite hier</h3></div>",
    "<div id='comments-and-more-here'><h1>Comments and more here</h1><p>x</p></div>",
]


@pytest.mark.parametrize("body", SPARED_BODIES)
@pytest.mark.parametrize("comments", [False, True])
def test_spared_and_doomed_agree(body: str, comments: bool) -> None:
    root = _page(body, comments)
    els = [el for el in root.iter() if isinstance(el.tag, str)]
    for el in els:
        for strength in (chrome_mod._STRONG_CHROME, chrome_mod._WEAK):
            # With no share of text to weigh, an element goes exactly when it is not spared.
            fast, slow = _both(
                lambda el=el, s=strength: chrome_mod._doomed([(el, s)], root, set(), set(), 0.0)
            )
            assert fast == slow, (lxml.etree.tostring(el), strength)
    _dropped_alike(body)


def test_nothing_below_a_doomed_root_is_doomed_again() -> None:
    # drop_chrome never dooms the root, but _doomed answers as the loop it stands for.
    root = _page(f"<div class='share'><p>{PROSE}</p></div><div class='rail'>x</div>")
    by_name = [(el, chrome_mod._WEAK) for el in (root, *root.iter("div"))]
    fast, slow = _both(lambda: chrome_mod._doomed(by_name, root, set(), set(), 10_000.0))
    assert fast == slow == [root]


_texts = st.sampled_from(
    [PROSE, PROSE * 3, CJK, CJK * 4, " ", "\n", "word", "é", "_", UNICODE_SPACES, "x" + CONTROLS]
)
_tags = st.sampled_from(["div", "p", "span", "a", "b", "section", "aside", "em", "h2", "script"])
_classes = st.sampled_from(
    ["", "share", "sidebar", "comments", "related", "entry-content", "byline", "widget", "rail"]
)
_ids = st.sampled_from(["", "comments", "how-to-share-it", "main", "a_b_c", "x"])


@st.composite
def _fragments(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.integers(0, 4 if depth < 6 else 1))
        if kind <= 1:
            parts.append(draw(_texts))
        elif kind == 2:
            parts.append(f"<!--{draw(_texts)}-->")
        else:
            tag = draw(_tags)
            attrs = f" class='{draw(_classes)}' id='{draw(_ids)}'"
            if draw(st.integers(0, 9)) == 0:
                attrs += " itemprop='articleBody'"
            parts.append(f"<{tag}{attrs}>{draw(_fragments(depth + 1))}</{tag}>")
    return "".join(parts)


@settings(max_examples=200, deadline=None)
@given(_fragments())
def test_drop_chrome_agrees_on_generated_pages(body: str) -> None:
    _dropped_alike(body)


# -- the classification walk's tag-name table ---------------------------------------------------


def test_classification_with_more_tag_names_than_the_table_holds() -> None:
    # 300 names fill the table of 256 slots; script, nav and main come after them.
    names = "".join(f"<x-tag{i} class='share'>t</x-tag{i}>" for i in range(300))
    body = names + "<script>s</script><nav>n</nav><main><div class='share'>m</div></main>" + names
    root = _page(body)

    def paths() -> tuple[list[str], list[tuple[str, int]], list[str]]:
        tree = root.getroottree()
        found = chrome_mod._classify(root)
        return (
            [tree.getpath(el) for el in found.by_state],
            [(tree.getpath(el), strength) for el, strength in found.by_name],
            [tree.getpath(el) for el in found.stories],
        )

    fast, slow = _both(paths)
    assert fast == slow
    assert fast[0] == ["/html/head", "/html/body/script", "/html/body/nav"]
    assert len(fast[1]) == 601


def test_classification_of_tags_in_any_case_and_namespace() -> None:
    root = lxml.etree.fromstring(
        "<html xmlns:x='urn:x'><body><SCRIPT>s</SCRIPT><x:script>t</x:script><Nav>n</Nav>"
        "<MAIN><div class='share'>m</div></MAIN><x:div class='share'>d</x:div></body></html>"
    )

    def found() -> tuple[list[Any], list[tuple[Any, int]], list[Any]]:
        sorted_ = chrome_mod._classify(root)
        return sorted_.by_state, sorted_.by_name, sorted_.stories

    fast, slow = _both(found)
    assert fast == slow


# -- engine: the blocks within the containers, the word count ----------------------------------


def _lead_alike(body: str, pick: Callable[[HtmlElement], list[HtmlElement]]) -> None:
    root = _page(body)
    candidates = build_blocks(next(root.iter("body")), base_url=None, max_depth=255)
    containers = pick(root)
    fast, slow = _both(lambda: engine_mod._with_lead_figures(candidates, containers))
    assert fast == slow


def test_blocks_within_containers_agree() -> None:
    body = (
        "<figure><img src='a.jpg'><figcaption>Lead</figcaption></figure>"
        f"<div id='a'><p>{PROSE}</p><div><p>{PROSE}</p></div></div><p>{PROSE}</p>"
        f"<section><p>{PROSE}</p><div id='b'><p>{PROSE}</p><ul><li>x</li></ul></div></section>"
    )

    def by_id(*ids: str) -> Callable[[HtmlElement], list[HtmlElement]]:
        return lambda root: [root.get_element_by_id(i) for i in ids]

    for pick in (by_id("a"), by_id("b"), by_id("a", "b"), by_id("b", "a")):
        _lead_alike(body, pick)
    _lead_alike(body, lambda root: [next(root.iter("body"))])
    _lead_alike(body, lambda root: [next(root.iter("figure"))])


def test_blocks_within_containers_on_deep_and_wide_trees() -> None:
    # Many nodes to remember (the table grows) and long paths up.
    deep = "".join(f"<div id='d{i}'><p>{PROSE}</p>" for i in range(200)) + "</div>" * 200
    wide = "".join(f"<div><div><p>{i} {PROSE}</p></div></div>" for i in range(3000))
    _lead_alike(deep, lambda root: [root.get_element_by_id("d150")])
    _lead_alike(deep + wide, lambda root: [root.get_element_by_id("d3")])
    _lead_alike(wide, lambda root: [next(root.iter("body"))])


_WORDS = ["a", "word", "é", "中文", "\U0001f600", "x_y", "\u0301", "\u200b"]
_SPACES = [" ", "\n", "\t", *UNICODE_SPACES]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS + _SPACES), max_size=40))
def test_word_count_is_the_number_of_split_words(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert walk is not None
    assert walk.word_count(text) == len(text.split())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_word_count_on_any_text(text: str) -> None:
    assert walk is not None
    assert walk.word_count(text) == len(text.split())
