"""The compiled metadata walks (_walk.scan_metadata, _walk.AuthorCandidates) give what their
pure-Python twins (metadata._scan, byline._candidates) give, and so do read_metadata and
page_byline on top of them."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import lxml.etree
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.html import HtmlElement

# The C module itself (built by `pip install -e .`; a missing build fails here, at collection).
from broadsheet.extract import (
    ExtractOptions,
    _walk,
)
from broadsheet.extract import byline as byline_mod
from broadsheet.extract import metadata as metadata_mod
from broadsheet.extract.dom import parse, to_text

from .conftest import NAMES, load_page


@contextmanager
def _path(compiled: bool) -> Iterator[None]:
    """Both modules on the compiled walks, or both on the pure-Python ones."""
    saved = metadata_mod._compiled, byline_mod._compiled
    metadata_mod._compiled = byline_mod._compiled = _walk if compiled else None
    try:
        yield
    finally:
        metadata_mod._compiled, byline_mod._compiled = saved


def _scan_fields(scan: metadata_mod.PageScan) -> dict[str, Any]:
    # Elements compare by identity: both scans' lists are alive, so a node has one proxy.
    return {name: getattr(scan, name) for name in metadata_mod.PageScan.__dataclass_fields__}


def _same_everywhere(
    root: HtmlElement, url: str | None = "https://paper.example/a/b", date_search: bool = True
) -> None:
    with _path(compiled=True):
        fast_scan = metadata_mod.scan_page(root)
        fast_candidates = list(byline_mod._candidates(root))
        fast_meta = metadata_mod.read_metadata(root, url, date_search=date_search)
        fast_byline = byline_mod.page_byline(root)
    with _path(compiled=False):
        slow_scan = metadata_mod.scan_page(root)
        slow_candidates = list(byline_mod._candidates(root))
        slow_meta = metadata_mod.read_metadata(root, url, date_search=date_search)
        slow_byline = byline_mod.page_byline(root)
    assert _scan_fields(fast_scan) == _scan_fields(slow_scan)
    assert fast_candidates == slow_candidates
    assert fast_meta == slow_meta
    assert fast_byline == slow_byline
    for scope in [*slow_candidates, *root.iter("body", "div", "header")]:
        with _path(compiled=True):
            fast = list(byline_mod._candidates(scope))
        with _path(compiled=False):
            assert fast == list(byline_mod._candidates(scope))


def _page(head: str, body: str) -> HtmlElement:
    return parse(f"<html><head>{head}</head><body>{body}</body></html>", ExtractOptions())


HEADS = [
    "",
    "<title> Story | Paper </title><meta property='og:title' content='Story'>",
    # entities in attribute values, several keys in one attribute, keys in odd cases
    "<meta name='Author' content='Ann &amp; Bo'><meta property='og:title article:tag'"
    " content='A &lt;b&gt; &#233;t&eacute;'><meta name='DC.Creator' content='Lee'>",
    # a blank content does not hide a later one; a <meta> without content is skipped
    "<meta name='description' content='  '><meta name='description' content=' Real  one '>"
    "<meta name='description'><meta content='orphan'><meta name='author' content>",
    # property beats name; the first of each kind wins; http-equiv and itemprop keys
    "<meta name='og:title' content='by name'><meta property='og:title' content='by property'>"
    "<meta http-equiv='Content-Language' content='de'><meta itemprop='datePublished'"
    " content='2024-03-01'>",
    # non-ASCII and CJK keys and contents
    "<meta name='作者' content='李小龍'><meta name='author' content='Ζωή Παππά'>"
    "<meta property='og:site_name' content='日本経済新聞'><title>見出し — 新聞</title>",
    # JSON-LD with odd type spellings, wrappers, an empty script and a JavaScript one
    '<script type=\' Application/LD+JSON \'>{"@type": "NewsArticle", "headline": "H",'
    ' "author": {"name": "Kim"}, "datePublished": "2024-01-02"}</script>'
    "<script type='application/ld+json'></script><script>var x = '<meta>';</script>"
    '<script type=\'application/ld+json\'><!-- {"@type": "WebPage"} --></script>',
    # canonical links, base elements (a first without href does not count)
    "<link rel='Canonical alternate' href=' /c '><link rel='canonical' href='https://x.example/'>"
    "<link rel='stylesheet' href='s.css'><base target='_top'><base href='https://b.example/d/'>"
    "<base href='https://ignored.example/'>",
    # a <title> outside <head> first, then one inside it
    "<meta charset='utf-8'>",
]

BODIES = [
    "",
    "<h1>Headline</h1><p class='byline'>By Ann Lee, March 3, 2024</p><p>Text</p>",
    # a <title> in the body (svg) before the head's, times with and without marks
    "<svg><title>icon</title></svg><time datetime='2023-05-06'>then</time>"
    "<time class='Publish-date' datetime='2024-02-03T10:00:00+0100'>x</time>"
    "<time pubdate datetime='bad'>y</time><time>no datetime</time><time datetime=''>e</time>",
    # author-like attributes in every spelling the walk looks for, and near misses
    "<div id='Author'>Ann</div><span rel='co-author'>Bo</span><p itemprop='AUTHOR'>no</p>"
    "<i data-class='author'>no</i><b class='autoreviews x'>c</b><em class='writer-x'>d</em>"
    "<div class='&#117;thor'>entity</div><div class='autorin'>Eva</div>"
    "<div class='Byline'>Case</div><div class='rédacteur auteur'>Zoé</div>",
    # nested inline elements, tails and whitespace-only text in an author box
    "<h1> Two <b>words</b> </h1><div class='author-box'><img src='a.png'>"
    "<a rel='author' href='/a'>Ann <b>Lee</b></a> and <span class='name'>Bo Ray</span>"
    "<span class='date'>May 1</span>   </div><div class='author'> \n\t </div>",
    # comment threads and navigation do not give bylines
    "<nav><a class='author' href='/'>Staff</a></nav><ol class='commentlist'><li>"
    "<span class='comment-author'>Troll</span></li></ol><h1>After</h1>"
    "<div class='byline'>Jo Poe</div>",
    # CJK text in an author element, empty elements
    "<h1>地震</h1><div class='author'>記者 山田太郎</div><span class='byline'></span><br><hr>",
    # several <h1>s, more than the scan keeps
    "".join(f"<h1>Head {i}</h1>" for i in range(8)),
    # headings with ids, and elements named like headings that are not (hr, header, h7, h22)
    "<h1 id='top'>A</h1><h2 id=''>B</h2><h3>C</h3><h6 ID='f'>F</h6><hr id='r'><header id='h'>"
    "</header><h7 id='x'>x</h7><h22 id='y'>y</h22><section><h4 id='d'><h5 id='e'>E</h5></h4>"
    "</section>",
    # microdata item types: a recipe's (the second itemtype of an element is not read), and
    # the words in text or in other attributes, which name no type
    "<div itemscope itemtype='https://schema.org/Person'><span itemprop='name'>A</span></div>"
    "<p title='schema.org/Recipe'>schema.org/Recipe</p><div itemtype='x' itemtype="
    "'http://schema.org/Recipe'></div><article itemscope itemtype='http://schema.org/Recipe'>"
    "<li itemprop='recipeIngredient'>2 eggs</li></article>",
]


@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("body", BODIES)
def test_both_paths_agree_on_tricky_pages(head: str, body: str) -> None:
    _same_everywhere(_page(head, body))


@pytest.mark.parametrize("name", NAMES)
def test_both_paths_agree_on_fixture_pages(name: str) -> None:
    html, _ = load_page(name)
    options = ExtractOptions()
    _same_everywhere(parse(to_text(html, options), options))


def test_both_paths_agree_on_a_very_deep_tree() -> None:
    deep = "<div>" * 240 + "<span class='byline'>By Deep Down</span><h1>H</h1>" + "</div>" * 240
    _same_everywhere(_page("<meta name='author' content=''>", deep + "<title>late</title>"))


def test_both_paths_agree_on_many_metas_and_times() -> None:
    metas = "".join(f"<meta name='k{i}' content='v{i}'>" for i in range(2100))
    metas += "<meta name='author' content='Too Late'>"
    times = "".join(f"<time datetime='2020-01-{i % 28 + 1:02d}'>t</time>" for i in range(250))
    root = _page(metas, times)
    _same_everywhere(root)
    assert metadata_mod.read_metadata(root, None).byline == ""  # past the cap


def test_both_paths_agree_on_trees_not_from_the_html_parser() -> None:
    # Built through the API: upper-case and namespaced names, which root.iter("meta") and
    # el.get("content") do not match, and elements with no text at all.
    root = lxml.etree.fromstring(
        "<html xmlns:x='urn:x'><head><META name='author' content='Upper'/>"
        "<x:meta name='author' content='Namespaced'/><meta x:name='author' content='NsAttr'/>"
        "<meta name='author' x:content='NsContent'/><meta name='author' content='Plain'/>"
        "<x:title>ns title</x:title><title><![CDATA[CDATA title]]></title></head>"
        "<body><x:h1>ns</x:h1><H1>upper</H1><div x:class='author'>ns attr</div>"
        "<x:div class='byline'>ns element</x:div><p class='author'/></body></html>"
    )
    _same_everywhere(root)


def test_the_compiled_candidate_test_knows_the_current_pattern() -> None:
    # _walk._author_like spells these strings out: a change here must be made there too.
    assert byline_mod._MAYBE_AUTHOR.pattern == "uthor|utor|yline|riter|uteur"


def test_script_text_stops_at_the_first_element_child() -> None:
    root = lxml.etree.fromstring(
        "<html><head><script type='application/ld+json'>{\"a\": <![CDATA[1]]>}<b/>tail"
        "</script></head><body/></html>"
    )
    with _path(compiled=True):
        fast = metadata_mod.scan_page(root).json_ld
    with _path(compiled=False):
        assert fast == metadata_mod.scan_page(root).json_ld == ['{"a": 1}']


_TAGS = [
    "div", "span", "p", "h1", "meta", "link", "time", "title", "script", "base", "a", "nav", "h2",
    "h6", "hr",
]  # fmt: skip
_ATTRS = [
    "class", "id", "rel", "itemprop", "name", "property", "content", "datetime", "type", "itemtype",
]  # fmt: skip
_VALUES = [
    "", " ", "author", "By-line", "writer", "autor x", "comment-author", "canonical",
    "application/ld+json", "og:title", "2024-01-02", "名前", "a &amp; b", "Ann Lee", "\u00a0",
    "datePublished", "publish", "https://schema.org/Recipe", "schema.org/recipe",
]  # fmt: skip
_TEXTS = ["", " ", "Ann Lee", "By Bo Ray, May 1", "記者", "\n\t", "x &amp; y", "{}"]


@st.composite
def _fragments(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        tag = draw(st.sampled_from(_TAGS))
        attrs = "".join(
            f' {draw(st.sampled_from(_ATTRS))}="{draw(st.sampled_from(_VALUES))}"'
            for _ in range(draw(st.integers(0, 3)))
        )
        inner = draw(_fragments(depth + 1)) if depth < 3 else ""
        text = draw(st.sampled_from(_TEXTS))
        tail = draw(st.sampled_from(_TEXTS))
        parts.append(f"<{tag}{attrs}>{text}{inner}</{tag}>{tail}")
    return "".join(parts)


@settings(max_examples=200, deadline=None)
@given(head=_fragments(), body=_fragments())
def test_both_paths_agree_on_generated_pages(head: str, body: str) -> None:
    # Without htmldate's search (the tricky pages above run it): it is slow and not ours.
    _same_everywhere(_page(head, body), date_search=False)


def test_every_meta_key_read_is_kept() -> None:
    """_meta_tags keeps the keys of _READ_KEYS only: each key read_metadata looks up is one."""
    source = inspect.getsource(metadata_mod)
    read: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id == "meta" and node.func.attr == "get":
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    read.add(first.value)
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == "meta"
            and isinstance(node.slice, ast.Constant)
        ):
            read.add(node.slice.value)
    assert len(read) >= 10
    assert read <= metadata_mod._READ_KEYS
