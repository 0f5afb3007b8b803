"""The compiled walks (_walk.pyx) give what their pure-Python twins give.

``pure_python`` switches every module to the pure-Python twins (compiled.pure_python), which is
what an install without the extension runs.
"""

from __future__ import annotations

import operator
import os
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.html import HtmlElement

from broadsheet.extract import ExtractOptions, compiled, extract
from broadsheet.extract import chrome as chrome_mod
from broadsheet.extract import dom as dom_mod
from broadsheet.extract import scoring as scoring_mod
from broadsheet.extract.blocks import build_blocks
from broadsheet.extract.dom import parse
from broadsheet.extract.errors import ExtractError
from broadsheet.extract.scoring import inside

from .compiled_paths import needs_compiled, pure_python
from .conftest import NAMES, load_page
from .story_sentences import STORY_SENTENCES, TEASER_SENTENCES, article_page, story


def test_the_compiled_walks_are_built_unless_switched_off() -> None:
    # An install with a C compiler builds them (setup.py); BROADSHEET_PURE_PYTHON=1 turns them
    # off. A missing extension elsewhere means the install fell back without saying so.
    if os.environ.get("BROADSHEET_PURE_PYTHON"):
        assert compiled.walk is None
    else:
        assert compiled.walk is not None, "build it: pip install -e . (needs a C compiler)"


def test_pure_python_switch_is_read_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_PURE_PYTHON", "1")
    assert compiled.load() is None


def _sorted_by_paths(root: HtmlElement) -> tuple[list[str], list[tuple[str, int]], list[str]]:
    tree = root.getroottree()
    found = chrome_mod._classify(root)
    return (
        [tree.getpath(el) for el in found.by_state],
        [(tree.getpath(el), verdict) for el, verdict in found.by_name],
        [tree.getpath(el) for el in found.stories],
    )


def _both_ways(page: str) -> tuple[Any, Any]:
    fast = _sorted_by_paths(parse(page, ExtractOptions()))
    with pure_python():
        slow = _sorted_by_paths(parse(page, ExtractOptions()))
    return fast, slow


TRICKY_PAGES = [
    # Entities and character references inside attribute values.
    "<div class='share&amp;tools'>a</div><div class='&#115;hare'>b</div><div id='x&lt;y'>c</div>",
    # Non-ASCII values: the compiled split hands them to the Python one.
    "<div class='\u00dcbersicht SHARE'>a</div><div class='social\u3000widget'>b</div>"
    "<div class='most-read\u00a0list'>c</div><div class='\u0130nfo-BOX'>d</div>",
    # Upper-case tokens and whitespace runs that str.split() treats as separators.
    "<div class='  SHARE\t\n Tools '>a</div><div class='newsletter\x1fbox'>b</div>"
    "<div class='Related-Links'>c</div>",
    # A token longer than the compiled split's buffer.
    f"<div class='{'x' * 300}-share {'y' * 140}'>a</div><div class='{'z' * 128}'>b</div>",
    # Valueless and empty attributes, roles, hidden states.
    "<div class>a</div><div id=''>b</div><div role>c</div><div role='NAVIGATION'>d</div>"
    "<div role='presentation' class='share'>e</div><div hidden=''>f</div>"
    "<div aria-hidden='TRUE'>g</div><div aria-hidden='true' class='article-body'>h</div>"
    "<div style='DISPLAY:none'>i</div><div style=''>j</div>"
    "<div style='visibility : hidden'>k</div>",
    # itemprop and story names, nested inside chrome and around it.
    "<div class='sidebar'><div itemprop='articleBody'><p>s</p></div></div>"
    "<div itemprop='ARTICLEBODY' class='share'>t</div><main class='footer'>m</main>"
    "<section class='entry-content'><div class='share'>"
    "<div class='comments'>c</div></div></section>",
    # Dropped tags, their subtrees skipped, and custom elements.
    "<noscript><div class='share'>n</div></noscript><svg><g class='share'></g></svg>"
    "<script>var x = '<div class=share>';</script><style>.share{}</style>"
    "<my-widget class='share'>w</my-widget><template><p class='share'>t</p></template>",
    # Duplicated attribute names: libxml2 keeps the first.
    "<div class='article-body' class='share'>a</div><div id='share' id='story'>b</div>",
    # A namespaced attribute is not class.
    "<div xml:class='share' xlink:href='#'>a</div><svg><use xlink:href='#i' class='icon'/></svg>",
]


@needs_compiled
@pytest.mark.parametrize("body", TRICKY_PAGES)
def test_compiled_classify_sorts_tricky_pages_as_python_does(body: str) -> None:
    page = f"<html><head><title>t</title></head><body>{body}</body></html>"
    fast, slow = _both_ways(page)
    assert fast == slow
    assert any(fast)


@needs_compiled
def test_compiled_classify_skips_what_a_hidden_box_holds() -> None:
    # <html> and <body> are never dropped, so their own hidden flags are not read.
    page = "<html hidden><body hidden><div hidden><p class='share'>x</p></div></body></html>"
    fast, slow = _both_ways(page)
    assert fast == slow == (["/html/body/div"], [], [])


@needs_compiled
def test_compiled_classify_survives_deep_nesting() -> None:
    body = "<div class='share'>" * 400 + "x" + "</div>" * 400
    fast, slow = _both_ways(f"<html><body>{body}</body></html>")
    assert fast == slow


# Class tokens the rules judge differently: chrome, strong chrome, story, taxonomy, template.
TOKENS = [
    "share",
    "comments",
    "sidebar",
    "article-body",
    "entry-content",
    "post-12",
    "hentry",
    "tag-footer",
    "category-social-media",
    "clearfix",
    "Related",
    "NAV",
    "caption",
    "promo_rail",
    "x7f3",
    "\u00e9t\u00e9",
    "menu\u00a0bar",
]
TAGS = ["div", "section", "aside", "nav", "p", "span", "ul", "li", "figure", "main", "footer"]


@st.composite
def _element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = []
    if draw(st.booleans()):
        attrs.append(f"class='{' '.join(draw(st.lists(st.sampled_from(TOKENS), max_size=3)))}'")
    if draw(st.booleans()):
        attrs.append(f"id='{draw(st.sampled_from(TOKENS))}'")
    extra = draw(
        st.sampled_from(
            [
                "",
                "role='navigation'",
                "role='main'",
                "hidden",
                "aria-hidden='true'",
                "style='display: none'",
                "itemprop='articleBody'",
            ]
        )
    )
    if extra:
        attrs.append(extra)
    children = "" if depth >= 3 else "".join(draw(st.lists(_element(depth + 1), max_size=3)))
    text = draw(st.sampled_from(["", "word", STORY_SENTENCES[depth % len(STORY_SENTENCES)]]))
    return f"<{tag} {' '.join(attrs)}>{text}{children}</{tag}>tail"


@needs_compiled
@settings(max_examples=150, deadline=None)
@given(st.lists(_element(), min_size=1, max_size=4))
def test_compiled_classify_matches_python_on_generated_pages(elements: list[str]) -> None:
    page = f"<html><head><title>t</title></head><body>{''.join(elements)}</body></html>"
    assert operator.eq(*_both_ways(page))


def _extracted(html: str | bytes, url: str | None = None) -> str:
    try:
        return repr(extract(html, url=url))
    except ExtractError as exc:
        return type(exc).__name__


STORY_PAGES = [
    article_page(story()),
    article_page(
        "<h1>Bridge</h1><div class='share'>Share</div>"
        + story()
        + "<aside class='related'>"
        + "".join(f"<p><a href='/t'>{s}</a></p>" for s in TEASER_SENTENCES)
        + "</aside><div id='comments'><p>First!</p></div>"
    ),
]


@needs_compiled
@pytest.mark.parametrize("name", NAMES)
def test_fixture_pages_extract_the_same_either_way(name: str) -> None:
    html, _ = load_page(name)
    fast = _extracted(html)
    with pure_python():
        slow = _extracted(html)
    assert fast == slow


@needs_compiled
@pytest.mark.parametrize("page", STORY_PAGES)
def test_story_pages_extract_the_same_either_way(page: str) -> None:
    fast = _extracted(page)
    with pure_python():
        slow = _extracted(page)
    assert fast == slow
    assert "The council voted" in fast


# -- parsing bounds ------------------------------------------------------------------------------


def _bounds_by_regex(
    data: bytes, max_tags: int, long_chars: int, max_attrs: int
) -> tuple[int, bool]:
    """What dom's regexes say: where the max_tags-th start tag begins, and whether a long tag
    before it holds more than max_attrs "="."""
    found = dom_mod._start_tags(max_tags).match(data)
    cut = found.end() - 2 if found else -1
    head = data[:cut] if found else data
    long_tag = re.compile(rb"<[a-zA-Z][^<>]{%d,}>" % long_chars)
    return cut, any(tag.count(b"=") > max_attrs for tag in long_tag.findall(head))


@needs_compiled
@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from([b"<", b">", b"=", b"a", b"Z", b"1", b" ", b"/", b"!", b"\xc3\xa9", b"<p"]),
        max_size=80,
    ),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=6),
    st.integers(min_value=0, max_value=3),
)
def test_markup_bounds_agree_with_the_regexes(
    parts: list[bytes], max_tags: int, long_chars: int, max_attrs: int
) -> None:
    data = b"".join(parts)
    assert compiled.walk is not None
    assert compiled.walk.markup_bounds(data, max_tags, long_chars, max_attrs) == _bounds_by_regex(
        data, max_tags, long_chars, max_attrs
    )


BOUNDED_PAGES = [
    b"<html><body>" + b"<br>" * 70_000 + b"</body></html>",
    b"<html><body><div " + b" ".join(b"a%d=1" % i for i in range(6000)) + b">x</div></body></html>",
    b"<html><body><div "
    + b" ".join(b"a%d=1" % i for i in range(300))
    + b">x</div>"
    + b"<a href='?q=1'>" * 3000
    + b"</body></html>",
    b"<html><body><div " + b"x" * 3000 + b"<p>unclosed</p></body></html>",
    b"<p>" * 10 + b"< p>" * 5 + b"<!-- <p> -->" + b"</p>",
    b"",
    b"no tags at all",
]


@needs_compiled
@pytest.mark.parametrize("data", BOUNDED_PAGES)
@pytest.mark.parametrize("max_tags", [1, 5, 60_000])
def test_bounded_page_is_the_one_the_python_checks_give(data: bytes, max_tags: int) -> None:
    fast = dom_mod._bounded(data, max_tags)
    with pure_python():
        slow = dom_mod._bounded(data, max_tags)
    assert fast == slow


@needs_compiled
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"x<a" + b"=" * 4 + b">", (-1, True)),  # a run of exactly long_chars
        (b"x<a" + b"=" * 3 + b">", (-1, False)),  # one short
        (b"<a" + b"=" * 4 + b"<b>", (-1, False)),  # the run ends at "<", not ">"
        (b"<a" + b"=" * 4, (-1, False)),  # and never ends
        (b"<a>" + b"<i" + b"=" * 9 + b">", (-1, True)),
        (b"<a>" * 2 + b"<i" + b"=" * 9 + b">", (6, False)),  # cut at the long tag
        (b"<a" + b"=" * 9 + b"><b><c>", (15, True)),
        (b"<1><a><b>< c><d>", (13, False)),  # "<1", "< c" open no element
    ],
)
def test_markup_bounds_at_their_edges(data: bytes, expected: tuple[int, bool]) -> None:
    assert compiled.walk is not None
    assert compiled.walk.markup_bounds(data, 3, 4, 3) == expected
    assert _bounds_by_regex(data, 3, 4, 3) == expected


# -- side boxes ----------------------------------------------------------------------------------

SIDE_BOX_PAGES = [
    article_page(
        story()
        + "<div class='gallery'><p>"
        + " ".join(TEASER_SENTENCES)
        + "</p><figure><img src='/a.jpg'><figcaption>A bridge</figcaption></figure></div>"
        + "<div class='row'><div class='comment-thread'><p>"
        + STORY_SENTENCES[0]
        + "</p></div></div>"
    ),
    article_page(
        "<div class='slideshow'>"
        + story(TEASER_SENTENCES)
        + "</div>"
        + "<div class='Gallery\u00e9'>"
        + story(STORY_SENTENCES[:2])
        + "</div>"
    ),
]


@needs_compiled
@pytest.mark.parametrize("page", SIDE_BOX_PAGES)
def test_side_boxes_leave_the_same_blocks_either_way(page: str) -> None:
    def kept() -> list[str]:
        root = parse(page, ExtractOptions())
        chrome_mod.drop_chrome(root)
        candidates = build_blocks(root, base_url=None, max_depth=255)
        containers = scoring_mod.choose_containers(candidates)
        chosen = [c for c in candidates if inside(c, containers)]
        return [c.block.plain() for c in scoring_mod.without_side_boxes(chosen, containers)]

    fast = kept()
    with pure_python():
        slow = kept()
    assert fast == slow
    assert fast
