"""The compiled block walk (_walk.walk_blocks and its helpers) gives what blocks.py's
pure-Python walk gives: the same candidates, from the same elements, in the same order."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml.html import HtmlElement

from broadsheet.extract import ExtractOptions, rules

# The C module itself (built by `pip install -e .`; a missing build fails here, at collection).
from broadsheet.extract import _walk as compiled
from broadsheet.extract import blocks as blocks_mod
from broadsheet.extract.dom import parse

MAX_CHARS = ExtractOptions.max_text_chars


def _html_root(body: str) -> HtmlElement:
    page = f"<html><head><title>t</title></head><body>{body}</body></html>"
    return next(parse(page, ExtractOptions()).iter("body"))


def _run(
    make_root: Callable[[], Any],
    module: ModuleType | None,
    monkeypatch: pytest.MonkeyPatch,
    **options: Any,
) -> list[tuple[object, ...]]:
    """build_blocks on a fresh tree (a figure's credit is cut out of its caption) with the
    compiled walks switched on (module) or off (None); each candidate with its element's path."""
    monkeypatch.setattr(blocks_mod, "_compiled", module)
    root = make_root()
    tree = root.getroottree()
    given_options = {"base_url": "https://news.example/a/b.html", "max_depth": 255, **options}
    out = blocks_mod.build_blocks(root, **given_options)
    return [(c.block, tree.getpath(c.el), c.chars, c.link_chars) for c in out]


def _same(make_root: Callable[[], Any], monkeypatch: pytest.MonkeyPatch, **options: Any) -> None:
    pure = _run(make_root, None, monkeypatch, **options)
    fast = _run(make_root, compiled, monkeypatch, **options)
    assert fast == pure


BODIES = [
    # entities in attributes and text, images among inline text
    "<div>Tom &amp; Jerry <img src='/i/a.jpg?x=1&amp;y=2' alt='A &lt;b&gt; &quot;c&quot;'> "
    "after<img data-src='https://cdn.example/p.jpg' width='300'> tail &copy; 2024</div>",
    # non-ASCII, CJK and Unicode whitespace (no-break, ideographic, thin spaces)
    "<div><p>\u6771\u4eac\u3000\u90fd\u5e81\u306e\u767a\u8868\u3002</p>\u00a0\u2009\n"
    "<span>caf\u00e9\u00a0cr\u00e8me</span> <b>\u0161\u0107\u010d</b>\u3000<p> \u00a0 </p></div>",
    # whitespace-only text, empty elements, tails between blocks
    "<div>\n \t<p></p>\n<p> </p><div></div><span></span>\n<p>x</p>  \n<b> </b>\n</div>",
    # nested inline and links, a link inside a link's text, links around blocks
    "<div><a href='/1'>one <b>two <i>three</i></b> four</a> five <em><a href='/2'>six</a>"
    "</em><a href='/3'><p>block link</p> tail</a><span><a href='/4'> x </a></span></div>",
    # line breaks: in runs, in paragraphs, at the start and end, many in a row
    "<div><br>a<br>b<br><br> <br>c<p>p1<br>p2</p><p><br></p><h2>h<br>2</h2><br></div>",
    # comments, processing instructions and dropped tags among the text
    "<div>a<!-- c -->b<?php echo 1 ?>c<script>no</script>d<style>x</style><p>e<!--x-->f"
    "<noscript>n</noscript>g</p><span>s<template>t</template>u</span></div>",
    # headings, lists (with and without blocks in items), quotes, pre, tables, hr
    "<h1>Title</h1><h3><a href='/h'>Linked</a> head</h3><ul><li>one</li><li><a href='/'>two"
    "</a></li><li></li></ul><ol><li><p>block item</p></li><li>x</li></ol><blockquote><p>q1"
    "</p>q2</blockquote><pre>  a\n b<br>c</pre><hr><table><tr><td>a</td><td><a href='/'>b"
    "</a></td></tr><tr><th>c</th><td><p>d</p></td></tr></table>",
    # figures: caption with a credit, credit outside, caption by class, no image
    "<figure><img src='/p.jpg' alt='alt'><figcaption>The bridge <span class='credit'>"
    "(Photo: A. B.)</span> at dusk</figcaption></figure><figure><img src='/q.jpg'><div "
    "class='img-caption'>Cap</div><p itemprop='copyrightHolder'>\u00a9 X</p></figure>"
    "<figure><p>no image</p></figure>",
    # paragraphs: leaf, with inline, with a block inside, with only images, with a deep img
    "<p>leaf</p><p>with <b>bold</b></p><p>before<div>inside</div>after</p>"
    "<p><img src='/x.jpg'></p><p> <span><img src='/y.jpg'><img src='/icon.png'></span></p>"
    "<p><!-- only a comment --></p>",
    # inline elements holding blocks (walked as containers), unknown and custom tags
    "<span>s1<div>d</div>s2</span><font><i><table><tr><td>t</td></tr></table></i></font>"
    "<my-widget>custom <p>para</p></my-widget><article><section>x<p>y</p></section></article>",
    # layout tables, and a data table with a paragraph in one cell
    "<table><tr><td><p>a</p></td></tr><tr><td><p>b</p></td></tr></table>"
    + "<table>"
    + "".join(f"<tr><td><a href='/{i}'>t{i}</a></td><td>n{i}</td></tr>" for i in range(6))
    + "<tr><td>x</td><td><p>long</p><p>note</p></td></tr></table>",
    # list items made of short paragraphs (one list), beside comments, blank text and a text
    # item; and lists whose items are not (text beside a paragraph, an empty paragraph, a long
    # one, a paragraph holding a block, a div): containers
    "<ul><li>\n<p><a href='/1'>Eins</a> </p><!-- c -->\n<p>via <a href='/s'>Quelle</a></p>"
    "</li><li>plain</li><li><p>b<br>r</p><p>\u00e9t\u00e9</p></li></ul>"
    "<ul><li>x<p>y</p></li></ul><ul><li><p>a</p><p></p></li></ul><ol><li><p>"
    + "long " * 50
    + "</p></li></ol><ul><li><p>a<div>b</div></p></li></ul><ul><li><div>d</div></li></ul>",
]


@pytest.mark.parametrize("body", BODIES)
def test_compiled_walk_gives_the_pure_walks_blocks(
    body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same(lambda: _html_root(body), monkeypatch)


@pytest.mark.parametrize("max_chars", [-(10**30), -1, 0, 1, 3, 7, 12, 10**30])
@pytest.mark.parametrize("body", BODIES[:5])
def test_compiled_walk_cuts_text_at_max_chars_as_the_pure_walk_does(
    body: str, max_chars: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same(lambda: _html_root("  " + body), monkeypatch, max_chars=max_chars)


@pytest.mark.parametrize("max_depth", [-(10**30), -1, 0, 1, 2, 3, 5, 10**30])
def test_compiled_walk_stops_at_max_depth_as_the_pure_walk_does(
    max_depth: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "<div>a<div>b<p>c</p><div>d<section><p>e</p><ul><li>f</li></ul></section></div></div>"
    _same(lambda: _html_root(body + "</div>"), monkeypatch, max_depth=max_depth)


def test_compiled_walk_on_a_very_deep_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    # Deeper than the parser nests: the walk and the text flattening both reach the bottom.
    blocks = "".join(f"<div>d{i} " for i in range(300)) + "</div>" * 300
    inline = "<p>" + "".join(f"<span>s{i} " for i in range(300)) + "</span>" * 300 + "</p>"
    _same(lambda: _html_root(blocks + inline), monkeypatch)


def _xml_root(text: str) -> Callable[[], Any]:
    parser = etree.XMLParser(strip_cdata=False, resolve_entities=False)
    return lambda: etree.fromstring(text, parser)


@pytest.mark.parametrize(
    "text",
    [
        # adjacent text nodes (text, CDATA, text) are one .text/.tail to lxml: the link
        # characters of " x" + " " + "y " are counted on the joined text
        "<div><a href='/'> x<![CDATA[ ]]>y </a><p>p<![CDATA[ q ]]></p>t<![CDATA[u]]>v</div>",
        # an entity reference is a child with no tag: skipped, its tail kept
        "<!DOCTYPE div [<!ENTITY e 'EE'>]><div>a&e;b<p>c&e;d</p><a href='/'>l&e;m</a></div>",
        # upper-case names: tag_of lower-cases them, the block-descendant test does not
        "<DIV>x<P>para</P><SPAN>s<P>in span</P></SPAN><A href='/'>link</A><BR/>y</DIV>",
        # namespaced elements: their tag is "{href}name", so none is a p, br or a
        "<div xmlns:h='urn:h'>a<h:p>b</h:p><h:br/>c<h:a>d</h:a><p>e<h:img/></p><p/></div>",
    ],
)
def test_compiled_walk_reads_xml_trees_as_lxml_does(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same(_xml_root(text), monkeypatch)


def test_compiled_text_of_agrees_with_flatten_inline() -> None:
    root = _html_root(BODIES[3] + BODIES[6] + BODIES[9])
    for el in root.iter("*"):
        acc = blocks_mod._Inline(MAX_CHARS)
        blocks_mod._flatten_inline(el, acc, False)
        text = compiled.text_of(el, MAX_CHARS, rules.DROP_TAGS, blocks_mod._run_text)
        assert text == acc.take()


# Every code point str.split() splits at that a tree may hold (lxml refuses \x0b, \x0c and
# \x1c-\x1f), and letters of one, two and four bytes a character.
_TEXT = st.text(
    st.sampled_from(
        list("\t\n\r \x85\xa0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u205f\u3000")
        + list("ab\xe9\u4eac\u2019\U0001f600\u200b")
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(_TEXT, _TEXT)
def test_compiled_text_normalises_spaces_as_str_split_does(text: str, tail: str) -> None:
    p = etree.Element("p")
    p.text = text
    b = etree.SubElement(p, "b")
    b.tail = tail
    assert compiled.text_of(p, MAX_CHARS, rules.DROP_TAGS, blocks_mod._run_text) == (
        " ".join((text + tail).split()),
        0,
    )
    b.text = text
    assert compiled.text_of(b, MAX_CHARS, rules.DROP_TAGS, blocks_mod._run_text) == (
        " ".join(text.split()),
        0,
    )


_PIECES = st.sampled_from(
    [
        "a",
        " ",
        "\n",
        "\u00a0",
        "\u3000",
        "\u6771\u4eac",
        "&amp;",
        "caf\u00e9",
        "<br>",
        "<b>",
        "</b>",
        "<a href='/'>",
        "</a>",
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<span>",
        "</span>",
        "<li>",
        "</li>",
        "<ul>",
        "</ul>",
        "<h2>",
        "</h2>",
        "<img src='/i.jpg'>",
        "<!-- c -->",
        "<script>s</script>",
        "<blockquote>",
        "</blockquote>",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=40), st.integers(min_value=1, max_value=40))
def test_compiled_walk_on_generated_markup(pieces: list[str], max_chars: int) -> None:
    body = "".join(pieces)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same(lambda: _html_root(body), monkeypatch)
        _same(lambda: _html_root(body), monkeypatch, max_chars=max_chars)
