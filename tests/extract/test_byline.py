"""Bylines found in the page: comment threads, form labels, user names and menus are not bylines;
metadata with one tag per author names them all; read_metadata works on plain lxml.etree trees."""

from __future__ import annotations

import lxml.etree
import lxml.html

from broadsheet.extract import ExtractOptions
from broadsheet.extract.byline import clean_byline, page_byline
from broadsheet.extract.dom import parse
from broadsheet.extract.metadata import read_metadata


def byline_of(body: str) -> str:
    return page_byline(parse(f"<html><body>{body}</body></html>", ExtractOptions()))


def test_comment_threads_and_comment_forms_are_not_bylines() -> None:
    body = """<h1>T</h1><p>Story.</p><ol class="commentlist"><li class="comment">
    <div class="comment-author vcard">Jo Commenter</div></li></ol>
    <form id="commentform"><p class="comment-form-author"><label for="author">Name (required)
    </label><input id="author"></p></form>"""
    assert byline_of(body) == ""
    assert byline_of('<h1>T</h1><p class="byline">By Ann Lee</p>' + body) == "Ann Lee"


def test_user_names_and_profile_links_are_not_names() -> None:
    assert byline_of('<h1>T</h1><span class="author">admin</span>') == ""
    menu = """<h1>T</h1><div class="nodebyline">Laura Beck <div class="ui-dropdown">
    <ul><li><a rel="author" href="/p">View Profile</a></li><li>Email</li></ul></div></div>"""
    assert byline_of(menu) == "Laura Beck"


def test_scripts_in_an_author_box_are_not_text() -> None:
    box = (
        '<h1>T</h1><div id="autor-1"><script>(adsbygoogle = window.x || []).push({})</script></div>'
    )
    assert byline_of(box) == ""


def test_author_spelling_must_start_a_word() -> None:
    assert byline_of('<h1>T</h1><li id="httpnewsexamplecomautoreviews">Reviews</li>') == ""
    assert byline_of('<h1>T</h1><span class="autor">Ana Ruiz</span>') == "Ana Ruiz"


def test_a_list_of_many_people_is_not_a_byline() -> None:
    names = "".join(f'<a class="author-name">Person {c}</a>' for c in "ABCDEFG")
    assert byline_of(f'<h1>T</h1><div class="authors">{names}</div>') == ""


def test_credits_for_other_work_are_cut() -> None:
    assert clean_byline("Written by Rob Lee Edited by Ann Ray") == "Rob Lee"
    assert clean_byline("By Kim Park; photographs by Bo Chan") == "Kim Park"


def _tree(html: str) -> lxml.etree._Element:
    return lxml.etree.fromstring(html, lxml.etree.HTMLParser(remove_comments=True))


def test_one_meta_tag_per_author_names_them_all() -> None:
    head = (
        '<meta name="DC.Creator" content="Kooman, F."><meta name="DC.Creator" content="Jong, M.">'
    )
    meta = read_metadata(_tree(f"<html><head>{head}</head><body><p>x</p></body></html>"), None)
    assert meta.byline == "Kooman, F. and Jong, M."


def test_a_url_given_as_site_name_becomes_its_host() -> None:
    head = '<meta property="og:site_name" content="http://www.paper.example/">'
    meta = read_metadata(_tree(f"<html><head>{head}</head><body></body></html>"), None)
    assert meta.site_name == "paper.example"


def test_read_metadata_on_a_plain_lxml_etree_tree() -> None:
    html = """<html lang="en"><head><title>Pool stays open | Crier</title>
    <link rel="canonical" href="/pool"><script type="application/ld+json">
    {"@type": "NewsArticle", "publisher": {"name": "Crier"}}</script></head>
    <body><article><h1>Pool stays open</h1><p class="byline">By <a rel="author">Ann Lee</a></p>
    <p class="date">2021-03-03</p><p>The council voted to keep the pool open.</p></article>
    </body></html>"""
    root = _tree(html)
    assert not isinstance(root, lxml.html.HtmlElement)
    meta = read_metadata(root, "https://crier.example/news/x")
    assert meta.title == "Pool stays open"
    assert meta.byline == "Ann Lee"
    assert meta.site_name == "Crier"
    assert meta.language == "en"
    assert meta.canonical_url == "https://crier.example/pool"
    # No declared date: htmldate reads it from the text, and leaves the caller's tree whole.
    assert meta.published is not None and meta.published.date().isoformat() == "2021-03-03"
    assert root.find(".//article") is not None
