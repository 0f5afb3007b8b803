"""The compiled walks of drop_chrome (after the classification walk) and of scoring give the
pure-Python walks' answers: prose_chars, _reaching, _doomed (_spared, _placed) and _add_up;
and engine._with_ids, the headings whose ids are looked at before it."""

from __future__ import annotations

import random
from collections.abc import Callable

import lxml.etree
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.html import HtmlElement

from broadsheet.extract import ExtractOptions, extract
from broadsheet.extract import chrome as chrome_mod
from broadsheet.extract import engine as engine_mod
from broadsheet.extract import scoring as scoring_mod
from broadsheet.extract.blocks import build_blocks
from broadsheet.extract.dom import parse
from broadsheet.extract.errors import ExtractError

from .compiled_paths import both as _both
from .compiled_paths import needs_compiled
from .compiled_paths import pure_python as _pure
from .conftest import NAMES, load_page

pytestmark = needs_compiled


PROSE = "A sentence of real prose, long enough to count as running text here. "
CJK = "北京市政府今天宣布了一项新的城市交通计划，旨在减少拥堵并改善空气质量。"  # noqa: RUF001
# Python's str.strip() strips these; some are several bytes in UTF-8.
UNICODE_SPACES = "\u00a0\u3000\u2028\u2003\x85\x1c\x1f\u202f"
COMBINING_ACUTE = "\u0301"


def _page(body: str) -> HtmlElement:
    return parse(f"<html><head><title>t</title></head><body>{body}</body></html>", ExtractOptions())


TRICKY_BODIES = [
    "",
    "<div></div><p></p><span> </span>",
    f"<p>{PROSE}</p><p>   {PROSE[:59]}   </p><p>{PROSE[:60]}</p><p>\t{PROSE[:61]}\n</p>",
    f"<p>{CJK}{CJK}</p><p>{CJK[:30]}</p><p> {CJK * 2} </p>",
    # Unicode whitespace at the ends: stripped by Python, several bytes each in UTF-8
    f"<p>\u3000\u3000{CJK * 2}\u3000</p><p>&nbsp;{PROSE}&nbsp;</p><p>\u00a0{'x' * 59}\u00a0</p>",
    f"<p>{UNICODE_SPACES}{'y' * 60}{UNICODE_SPACES}</p><p>{UNICODE_SPACES * 10}</p>",
    f"<p>\u200b{'z' * 59}\u200b</p>",  # zero-width space is not whitespace to Python
    f"<p>\U0001f600{'e' * 58}\U0001f600</p><p>caf\u00e9 {COMBINING_ACUTE * 70}</p>",
    f"<div><!-- {PROSE} --><?pi {PROSE}?><p>{PROSE}<b>{PROSE}</b>{PROSE}</p>{PROSE}</div>",
    f"<p>Tom &amp; Jerry &lt;b&gt; &#x4E2D;&#25991; {PROSE}</p>",
    f"<span class='byline'>{PROSE * 2}<a href='#'>{PROSE * 3}</a></span>",
    f"<a href='#'><span class='byline'>{PROSE * 3}</span></a>",
    f"<b class='share'>{PROSE}<i>{PROSE}</i></b><p>{PROSE}</p>",
    "<div>" * 200 + PROSE * 2 + "</div>" * 200,
    f"<table><tr><td>{PROSE}</td></tr></table><pre>  {PROSE}  </pre>",
]


def _elements(root: HtmlElement) -> list[HtmlElement]:
    return [el for el in root.iter() if isinstance(el.tag, str)]


@pytest.mark.parametrize("body", TRICKY_BODIES)
def test_prose_chars_counts_as_the_xpath_does(body: str) -> None:
    root = _page(body)
    for el in _elements(root):
        fast, slow = _both(lambda el=el: chrome_mod.prose_chars(el))
        assert fast == slow, lxml.etree.tostring(el, encoding="unicode")[:200]


@pytest.mark.parametrize("body", TRICKY_BODIES)
def test_reaching_keeps_the_elements_whose_prose_reaches_the_floor(body: str) -> None:
    root = _page(body)
    els = _elements(root)
    sums = [chrome_mod.prose_chars(el) for el in els]
    for floor in (0.0, 0.5, 59.0, 60.0, 60.5, 2 * len(PROSE), float(max(sums, default=0)), 1e9):
        fast, slow = _both(lambda f=floor: chrome_mod._reaching(els, f))
        assert fast == slow == [el for el, n in zip(els, sums, strict=True) if n >= floor]


def test_with_ids_finds_the_headings_with_an_id_in_document_order() -> None:
    root = _page(
        "<h2 id='a'>One</h2><h3>Two</h3><div><h1 id=''>Three</h1><p id='p'>x</p>"
        "<h6 ID='b'>Four<h4 id='c'>Five</h4></h6></div><hgroup id='g'><h5>Six</h5></hgroup>"
    )
    fast, slow = _both(lambda: engine_mod._with_ids(root))
    assert fast == slow
    assert [h.text for h in fast] == ["One", "Three", "Four", "Five"]


def test_prose_chars_counts_code_points_and_strips_unicode_whitespace() -> None:
    root = _page(f"<p>\u3000{CJK * 2}\u3000</p>")
    assert chrome_mod.prose_chars(root) == len(CJK) * 2


_texts = st.one_of(
    st.sampled_from([PROSE, PROSE[:60], CJK, CJK * 2, " ", "\n  ", UNICODE_SPACES, "&nbsp;"]),
    st.text(
        alphabet=st.sampled_from(f"ab é中\u3000\u00a0\t\n\x1c{UNICODE_SPACES}\U0001f600&;"),
        max_size=90,
    ),
)
_tags = st.sampled_from(["div", "p", "span", "a", "b", "blockquote", "section", "em", "h2", "h4"])
_classes = st.sampled_from(
    ["", "share", "twitter-tweet", "sidebar", "comments", "gallery", "entry-content", "byline"]
)
_ids = st.sampled_from(["", "comments", "how-to-share-it", "über-die-seite-hier", "a_b_c"])


@st.composite
def _fragments(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.integers(0, 4 if depth < 6 else 1))
        if kind <= 1:
            parts.append(draw(_texts))
        elif kind == 2:
            parts.append(f"<!--{draw(_texts)}-->")
        else:  # an element, more often than not
            tag = draw(_tags)
            attrs = f" class='{draw(_classes)}' id='{draw(_ids)}'"
            parts.append(f"<{tag}{attrs}>{draw(_fragments(depth + 1))}</{tag}>")
    return "".join(parts)


@settings(max_examples=150, deadline=None)
@given(_fragments(), st.randoms(use_true_random=False))
def test_compiled_chrome_walks_agree_on_generated_pages(body: str, rnd: random.Random) -> None:
    root = _page(body)
    els = _elements(root)
    marks = {el for el in els if rnd.random() < 0.2}
    shelters = {el for el in els if rnd.random() < 0.2}
    for el in els:
        fast, slow = _both(lambda el=el: chrome_mod.prose_chars(el))
        assert fast == slow
    for floor in (1.0, 60.0, 200.0):
        fast_r, slow_r = _both(lambda f=floor: chrome_mod._reaching(els, f))
        assert fast_r == slow_r
    fast_h, slow_h = _both(lambda: engine_mod._with_ids(root))
    assert fast_h == slow_h
    # _doomed runs _spared, _placed (doomed ancestors included) and prose_chars on each.
    by_name = [(el, rnd.choice((chrome_mod._WEAK, chrome_mod._STRONG_CHROME))) for el in els]
    for floor in (0.0, 1.0, 200.0):
        fast_d, slow_d = _both(
            lambda f=floor: chrome_mod._doomed(by_name, root, marks, shelters, f)
        )
        assert fast_d == slow_d
    _assert_scoring_agrees(root)


SPARED_BODY = (
    f"<p>{PROSE}</p>"
    f"<div class='social-embed share'><blockquote class='Twitter-Tweet'>t</blockquote></div>"
    f"<div class='share'><blockquote class='twitter-tweet'>t</blockquote></div>"
    f"<p>{PROSE}<span class='popup'>word</span> goes on.</p>"
    f"<p><a class='glossary' href='#'>word</a> starts it</p>"
    f"<section id='sharing-with-a-single-developer'><h2>Sharing with a single developer</h2>"
    f"</section><section id='Sharing-With-A-Single-Developer'><h3>sharing with a single"
    f" developer!</h3></section><section id='İstanbul-news-today-x'><h2>İstanbul news today x"
    f"</h2></section><div id='new_post_form'><!-- c --><p>x</p><h4>New post form</h4></div>"
    f"<span class='byline-author'>{PROSE * 2}</span><label class='share'>{PROSE * 2}</label>"
    f"<div class='related'><p>{PROSE}</p></div>"
)


def test_spared_tests_agree_on_sections_sentences_and_embeds() -> None:
    root = _page(SPARED_BODY)
    els = _elements(root)
    seen = set()
    for el in els:
        for strength in (chrome_mod._STRONG_CHROME, chrome_mod._WEAK):
            # With no share of text to weigh, an element goes exactly when it is not spared.
            fast, slow = _both(
                lambda el=el, s=strength: chrome_mod._doomed([(el, s)], root, set(), set(), 0.0)
            )
            assert fast == slow, (el.tag, el.get("class"), el.get("id"), strength)
            seen.add(not fast)
    assert seen == {True, False}


def test_placed_sees_marks_and_doomed_ancestors_without_their_proxies() -> None:
    root = _page("<div id='a'><div id='b'><div id='c'><p id='d'>x</p></div></div></div>")
    (d,) = root.xpath("//p")
    c = root.get_element_by_id("c")
    marks = {root.get_element_by_id("a")}
    weak, strong = chrome_mod._WEAK, chrome_mod._STRONG_CHROME

    def doomed(*by_name: tuple[HtmlElement, int]) -> tuple[list[HtmlElement], list[HtmlElement]]:
        return _both(lambda: chrome_mod._doomed(list(by_name), root, marks, set(), 1.0))

    # Inside the mark with too little text: it goes.
    assert doomed((d, weak)) == ([d], [d])
    # Below an element already doomed: it goes with it, not on its own.
    assert doomed((c, strong), (d, weak)) == ([c], [c])
    # No longer in the tree: nothing to do.
    detached = root.get_element_by_id("b")
    detached.getparent().remove(detached)
    assert doomed((d, weak)) == ([], [])


SCORING_BODY = (
    f"<div class='content-sidebar-wrap'><article><h1>T</h1><p>{PROSE * 2}</p><p>{PROSE}</p>"
    f"<div class='gallery'><p>{PROSE * 3}</p><figure><img src='a.jpg'></figure></div>"
    f"<p>{CJK * 3}</p><ul><li>{PROSE}</li><li><a href='#'>{PROSE}</a></li></ul></article>"
    f"<aside class='sidebar'><div class='about'><p>{PROSE * 4}</p></div></aside></div>"
    f"<div class='tag-photo-gallery'><div><div><p>{PROSE * 2}</p></div></div></div>"
    f"<!-- c --><div class='comments'><p>{PROSE * 5}</p><p>short</p></div>"
    f"<table><tbody><tr><td>{PROSE * 2}</td></tr></tbody></table>"
)


@pytest.mark.parametrize(
    "body", [SCORING_BODY, *TRICKY_BODIES, f"<div class='Profile-Block'><p>{PROSE}</p></div>"]
)
def test_scoring_walks_agree(body: str) -> None:
    _assert_scoring_agrees(_page(body))


def _assert_scoring_agrees(root: HtmlElement) -> None:
    candidates = build_blocks(root, base_url=None, max_depth=255, max_chars=1_000_000)
    for weigh in (scoring_mod.weight, scoring_mod.lenient_weight, scoring_mod.media_weight):
        sums = []
        for local, total in _both(lambda w=weigh: _added_up(candidates, w)):
            # the same sums, in the same order (the first best wins a tie)
            sums.append((list(local.items()), list(total.items())))
        assert sums[0] == sums[1]
        fast, slow = _both(lambda w=weigh: scoring_mod.choose_containers(candidates, w))
        assert fast == slow
        if fast:
            fast_c, slow_c = _both(lambda c=fast: scoring_mod.without_side_boxes(candidates, c))
            assert fast_c == slow_c


def _added_up(
    candidates: list[scoring_mod.Candidate], weigh: Callable[[scoring_mod.Candidate], float]
) -> tuple[dict[HtmlElement, float], dict[HtmlElement, float]]:
    local: dict[HtmlElement, float] = {}
    total: dict[HtmlElement, float] = {}
    scoring_mod._add_up(candidates, weigh, local, total)
    return local, total


@pytest.mark.parametrize("name", NAMES)
def test_fixture_pages_extract_alike_on_both_paths(name: str) -> None:
    html, _ = load_page(name)

    def run() -> object:
        try:
            return extract(html)
        except ExtractError as exc:
            return type(exc)

    fast, slow = _both(run)
    assert fast == slow


def test_drop_chrome_leaves_the_same_tree_on_both_paths() -> None:
    body = SPARED_BODY + SCORING_BODY + "".join(TRICKY_BODIES)
    fast_root, slow_root = _page(body), _page(body)
    chrome_mod.drop_chrome(fast_root)
    with _pure():
        chrome_mod.drop_chrome(slow_root)
    assert lxml.etree.tostring(fast_root) == lxml.etree.tostring(slow_root)
