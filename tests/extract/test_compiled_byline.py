"""The compiled steps of the byline search (_walk.claims_byline, _walk.name_parts) give what
byline._claims_byline's and byline._names_inside's pure-Python twins give."""

from __future__ import annotations

import lxml.etree
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.html import HtmlElement

from broadsheet.extract import ExtractOptions
from broadsheet.extract import byline as byline_mod
from broadsheet.extract.dom import parse

from .compiled_paths import both as _both
from .compiled_paths import needs_compiled

pytestmark = needs_compiled


def _page(body: str) -> HtmlElement:
    return parse(f"<html><head><title>t</title></head><body>{body}</body></html>", ExtractOptions())


def _agree(root: lxml.etree._Element) -> None:
    """Each element's claim and names, and the page's byline, on both paths."""
    for el in root.iter(lxml.etree.Element):
        fast, slow = _both(lambda el=el: byline_mod._claims_byline(el))
        assert fast == slow, lxml.etree.tostring(el)[:200]
        fast_names, slow_names = _both(lambda el=el: byline_mod._names_inside(el))
        assert fast_names == slow_names, lxml.etree.tostring(el)[:200]
    fast_byline, slow_byline = _both(lambda: byline_mod.page_byline(root))
    assert fast_byline == slow_byline
    body, h1 = next(root.iter("body"), None), next(root.iter("h1"), None)
    fast_credit, slow_credit = _both(lambda: byline_mod.credit_in(root, body, h1))
    assert fast_credit == slow_credit


BODIES = [
    # comment threads: the word in every case and place, beside the separators the pattern takes
    "<ol class='CommentList'><li class='author'>A</li></ol><div id='x_comment'>"
    "<span class='byline'>B</span></div><div class='nocomment'><p class='author'>C</p></div>",
    "<div role='comment-form'><b class='author'>D</b></div><div class='a\u00a0comments'>"
    "<i class='author'>E</i></div><div class='Kommentar'><p class='byline'>F</p></div>",
    # rel and itemprop that claim an author or a name; a publisher is no name
    "<div class='author-box'><a rel='Author' href='/a'>Ann Lee</a><span itemprop='NAME'>Bo Ray"
    "</span><span itemprop='publisher name'>Paper</span><i class='fn'>Cy Dee</i>"
    "<i class='fnx name'>Di Eck</i><img class='author-avatar' src='a.png'></div>",
    # skip tags above and at the candidate, the page tags themselves
    "<nav><div class='author'>Nav Man</div></nav><figure><p class='byline'>Fig</p></figure>"
    "<h2 class='author'>Head</h2><label class='author'>Lab</label><div class='byline'>Jo</div>",
    # names in non-ASCII classes, whose lower case is not ASCII's
    "<div class='AUTHOR-ÜBER'><span class='NAME-ß'>Zoé Ÿ</span></div>"
    "<div class='İnfo author'><span class='KAuthor'>K Name</span></div>",
    # an author box of more than 300 elements, the name past them
    "<div class='author'>" + "<i>x</i>" * 310 + "<span class='name'>Late Name</span></div>",
    # comments and PIs among the descendants count toward the 300 (lxml.html keeps them)
    "<div class='author'>" + "<!-- c -->" * 299 + "<span class='name'>Edge Name</span></div>",
    "<div class='author'>" + "<!-- c -->" * 300 + "<span class='name'>Past Name</span></div>",
    "<div class='author'>" + "<?pi x?>" * 300 + "<span class='name'>Past Name</span></div>",
    # an agency after the names, on a line of its own, in a box with a heading (no agency)
    "<h1>T</h1><p class='byline'>By Ann Lee and Bo Ray, Associated Press / <time>May 1</time></p>",
    "<h1>T</h1><div class='byline'><div class='name'>By Ann Lee</div><div>Reuters</div></div>",
    "<div class='entry-author-x'><h3>The Daily Wrap</h3><a rel='author'>Ann Lee</a></div>",
]


@pytest.mark.parametrize("body", BODIES)
def test_byline_steps_agree(body: str) -> None:
    _agree(_page(body))
    _agree(lxml.html.document_fromstring(f"<html><body>{body}</body></html>"))


def test_byline_steps_agree_on_namespaced_trees() -> None:
    root = lxml.etree.fromstring(
        "<html xmlns:x='urn:x'><body><x:nav><p class='author'>A</p></x:nav>"
        "<x:div class='comment-list'><p class='author'>B</p></x:div>"
        "<div x:class='comments'><p class='author' x:rel='author'>C</p></div>"
        "<div class='author'><x:span class='name'>Ns Name</x:span><NAV class='name'>U</NAV>"
        "</div></body></html>"
    )
    _agree(root)


_TAGS = ["div", "span", "p", "a", "nav", "h1", "section", "li", "time", "b"]
_ATTRS = ["class", "id", "role", "rel", "itemprop"]
_VALUES = [
    "author", "byline", "name", "fn", "comment", "comments-area", "x-comment", "Comment",
    "publisher", "author-photo", "writer", "autor", "", "news", "名前", "author date",
]  # fmt: skip
_TEXTS = [
    "", " ", "Ann Lee", "By Bo Ray, May 1", "記者 山田", "\n", "x & y", "2024", "Reuters", ", AP /",
]  # fmt: skip


@st.composite
def _fragments(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        tag = draw(st.sampled_from(_TAGS))
        attrs = "".join(
            f" {draw(st.sampled_from(_ATTRS))}='{draw(st.sampled_from(_VALUES))}'"
            for _ in range(draw(st.integers(0, 2)))
        )
        inner = draw(_fragments(depth + 1)) if depth < 4 else ""
        parts.append(f"<{tag}{attrs}>{draw(st.sampled_from(_TEXTS))}{inner}</{tag}>")
        if draw(st.booleans()):
            parts.append("<!-- c -->")
    return "".join(parts)


@settings(max_examples=200, deadline=None)
@given(_fragments())
def test_byline_steps_agree_on_generated_pages(body: str) -> None:
    _agree(_page(body))
