# ruff: noqa: E501
"""Bylines that credit an agency (issue 11): the names stay in Article.byline, the agency goes to
Article.agency, and no separator, date or agency trails the names. The pages are written for
these tests, in the shapes news sites use."""

from __future__ import annotations

import re

import pytest

from broadsheet.extract import ExtractOptions, extract
from broadsheet.extract import byline as byline_mod
from broadsheet.extract.byline import agency_name, clean_byline, page_byline, split_credit
from broadsheet.extract.dom import parse

STORY = """<p>The council voted on Tuesday night to keep the swimming pool open through the winter, reversing a decision it made in the spring after a long and heated public meeting.</p>
<p>Residents had collected more than four thousand signatures, and the vote was nine to two in favour of the plan, which the mayor called a victory for the whole town.</p>
<p>The pool will now close only for two weeks in February, when the boiler is due to be replaced and the changing rooms are painted.</p>"""


def _page(header: str, head: str = "") -> str:
    return (
        f"<!doctype html><html><head><title>Pool stays open</title>{head}</head><body>"
        f"<article><h1>Pool stays open</h1>{header}<div class='story-body'>{STORY}</div>"
        "</article></body></html>"
    )


# A story page of the kind the issue describes: a gallery above the body, then the byline with
# two names, the agency and the date after a slash.
GALLERY_PAGE = (
    """<!doctype html><html><head><title>Storm closes the coast road | The Harbour Monitor</title></head>
<body><div class="page"><div class="story">
<h1 class="headline">Storm closes the coast road</h1>
<div class="gallery"><div class="slide"><img src="https://img.example/road.jpg" alt="">
<span class="caption">Waves break over the coast road on Monday.</span><span class="credit">Lena Fisk/AP</span>
<a class="close" href="#">close</a></div></div>
<div class="story-meta"><span class="byline">By <a href="/people/lena-fisk">Lena Fisk</a> and <a href="/people/omar-haddad">Omar Haddad</a>, Associated Press / <time datetime="2013-03-04T10:00:00Z">March 4, 2013</time></span></div>
<div class="story-body">"""
    + STORY
    + """</div></div></div></body></html>"""
)


def test_agency_after_the_names_and_a_slash_goes_to_its_own_field() -> None:
    article = extract(GALLERY_PAGE)
    assert article.byline == "Lena Fisk and Omar Haddad"
    assert article.agency == "Associated Press"


def test_a_job_title_is_no_agency_and_the_slash_does_not_trail() -> None:
    byline = '<p class="byline">By Jane Roe, Staff writer / <time datetime="2013-03-04">March 4, 2013</time></p>'
    article = extract(_page(byline))
    assert (article.byline, article.agency) == ("Jane Roe, Staff writer", "")
    article = extract(_page('<p class="byline">By Matt Roe / <time>March 4</time></p>'))
    assert (article.byline, article.agency) == ("Matt Roe", "")


@pytest.mark.parametrize(
    ("byline", "names", "agency"),
    [
        ("By Jane Roe | AP", "Jane Roe", "AP"),
        ("Jane Roe - dpa", "Jane Roe", "dpa"),
        ("Von Jan Kurz, dpa", "Jan Kurz", "dpa"),
        ("Par Claire Dubois (AFP)", "Claire Dubois", "AFP"),
        ("Por Ana Ruiz — EFE", "Ana Ruiz", "EFE"),
        ("Przez Anna Nowak, PAP", "Anna Nowak", "PAP"),
        ("det/dpa", "det", "dpa"),
        ("By Jane Roe for Reuters", "Jane Roe", "Reuters"),
        ("Analysis by Jane Roe, Reuters", "Jane Roe", "Reuters"),
    ],
)
def test_agencies_after_every_kind_of_separator(byline: str, names: str, agency: str) -> None:
    article = extract(_page(f'<p class="byline">{byline}</p>'))
    assert (article.byline, article.agency) == (names, agency)


def test_two_boxes_of_the_byline_do_not_run_together() -> None:
    """The names and the agency in two block elements: "ERIC ROE</div><div>Associated Press"
    is no "ROEAssociated Press"."""
    byline = (
        '<div class="story-byline"><div class="field-label-hidden">By ANN LEE, BO CHAN and ERIC ROE</div>'
        '<div class="field-byline-title">Associated Press</div></div>'
    )
    article = extract(_page(byline))
    assert (article.byline, article.agency) == ("ANN LEE, BO CHAN and ERIC ROE", "Associated Press")


def test_names_in_links_then_the_agency_and_a_slash() -> None:
    """The same shape with the names as author links, written "A, B" on the page where the
    byline joins them "A and B": the agency is the segment after them, not the whole line."""
    byline = (
        '<div class="story-byline"><span class="byline">By <a href="/a/lf" rel="author">Lena Fisk</a>, '
        '<a href="/a/oh" rel="author">Omar Haddad</a>, Associated Press</span> / '
        '<time datetime="2013-03-04T10:00:00Z">March 4, 2013</time></div>'
    )
    article = extract(_page(byline))
    assert (article.byline, article.agency) == ("Lena Fisk and Omar Haddad", "Associated Press")
    byline = (
        '<p class="byline">By <span class="name">Ann Lee</span>, <span class="name">Bo Ray</span> '
        'and <span class="name">Cy Dee</span>, Reuters / <time>March 4, 2013</time></p>'
    )
    article = extract(_page(byline))
    assert (article.byline, article.agency) == ("Ann Lee, Bo Ray and Cy Dee", "Reuters")


def test_an_agency_on_its_own_line_of_the_author_box() -> None:
    byline = (
        '<div class="author_fmt">By <a rel="author" href="/jane-roe">Jane  Roe, MA</a>'
        "<br/>Health Wire News</div>"
    )
    article = extract(_page(byline))
    assert (article.byline, article.agency) == ("Jane Roe, MA", "Health Wire News")
    spans = '<div class="byline"><span class="byline__name">By Ann Lee</span> <span class="byline__title">Reuters</span></div>'
    assert (extract(_page(spans)).byline, extract(_page(spans)).agency) == ("Ann Lee", "Reuters")


def test_a_post_classed_by_its_author_names_no_agency_by_its_title() -> None:
    """A blog engine's post wrapper ("entry-author-jane_roe") holds the post's title ("The
    Morning Wrap") and text, not an agency."""
    post = (
        '<div class="entry-author-jane_roe entry"><h3 class="entry-header">The Morning Wrap</h3>'
        '<div class="entry-body"><p>Short post.</p></div>'
        '<p class="entry-footer">Posted by <a rel="author" href="/p/jr">Jane Roe</a></p></div>'
    )
    article = extract(_page(post))
    assert (article.byline, article.agency) == ("Jane Roe", "")


def test_a_line_of_tags_in_the_author_box_names_no_agency() -> None:
    box = (
        '<div class="author-block"><a href="/u/hal">Hal</a><br>Posted to News on 10 November 2012'
        "<br>Other stuff like this: dads, daughters, emulators, gender roles, parenting, the Wind Waker"
        "</div>"
    )
    article = extract(_page(box))
    assert (article.byline, article.agency) == ("Hal", "")
    assert split_credit("Jane Roe, the Harbour Team") == ("Jane Roe, the Harbour Team", "")


def test_a_date_on_the_next_line_of_the_author_box_is_left_out() -> None:
    byline = '<div class="author"><p><a href="#">Ian ROE</a><br>October 8, 2012</p></div>'
    assert (
        page_byline(parse(f"<html><body><h1>T</h1>{byline}</body></html>", ExtractOptions()))
        == "Ian ROE"
    )


def test_json_ld_and_meta_authors_with_an_agency() -> None:
    ld = """<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Pool stays open",
    "author": [{"@type": "Person", "name": "By TOM ROE, AP Auto Writer"}]}</script>"""
    article = extract(_page("", ld))
    assert (article.byline, article.agency) == ("TOM ROE", "AP")
    ld = """<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Pool stays open",
    "author": [{"@type": "Person", "name": "Jane Roe"}, {"@type": "Organization", "name": "Reuters"}]}</script>"""
    article = extract(_page("", ld))
    assert (article.byline, article.agency) == ("Jane Roe", "Reuters")
    meta = '<meta name="author" content="Eliot Roe/The Star-Ledger">'
    article = extract(_page("", meta))
    assert (article.byline, article.agency) == ("Eliot Roe", "The Star-Ledger")


def test_a_byline_that_is_only_an_agency_stays_the_byline() -> None:
    article = extract(_page("", '<meta name="author" content="Reuters">'))
    assert (article.byline, article.agency) == ("Reuters", "Reuters")
    # A site crediting itself is no agency.
    article = extract(_page("", '<meta name="author" content="Harbour Monitor News">'))
    assert (article.byline, article.agency) == ("Harbour Monitor News", "")
    article = extract(_page("", '<meta name="author" content="AFP/The Local">'))
    assert (article.byline, article.agency) == ("AFP/The Local", "AFP")


@pytest.mark.parametrize(
    ("byline", "names", "agency"),
    [
        ("Troy Roe, Cleveland.example.com", "Troy Roe", "Cleveland.example.com"),
        ("Amy Roe | NJ Advance Media for NJ.com", "Amy Roe", "NJ Advance Media for NJ.com"),
        ("Jarrett Roe/Statehouse Bureau", "Jarrett Roe", "Statehouse Bureau"),
        ("Evelyn Roe, The Island Star", "Evelyn Roe", "The Island Star"),
        ("Jane Roe, Bloomberg", "Jane Roe", "Bloomberg"),
        ("STEVE ROE, AP National Political Writer", "STEVE ROE", "AP"),
        ("Jane Roe, Associated Press Writer", "Jane Roe", "Associated Press"),
        # not agencies: degrees, a second person, a place, a title, a surname, a line of prose
        ("Brenda Roe, MA", "Brenda Roe, MA", ""),
        ("Stella Kim, Jennifer Roe", "Stella Kim, Jennifer Roe", ""),
        ("Jane Roe, Pittsburgh", "Jane Roe, Pittsburgh", ""),
        ("Jane Roe, Staff Writer", "Jane Roe, Staff Writer", ""),
        ("Michael Bloomberg", "Michael Bloomberg", ""),
        ("Jane Roe, Education reporter BBC News", "Jane Roe, Education reporter BBC News", ""),
        ("Kooman, F. and Jong, Michiel de", "Kooman, F. and Jong, Michiel de", ""),
        ("Frank Roe - http://roe.example/about", "Frank Roe - http://roe.example/about", ""),
        ("Ann Lee (New York)", "Ann Lee (New York)", ""),
    ],
)
def test_split_credit(byline: str, names: str, agency: str) -> None:
    assert split_credit(clean_byline(byline)) == (names, agency)


def test_agency_names() -> None:
    assert agency_name("Reuters Staff") == "Reuters"
    assert (agency_name("dpa"), agency_name("DPA")) == ("dpa", "DPA")
    assert agency_name("Dpa") == ""  # short names only as written or in capitals
    assert agency_name("The") == agency_name("") == agency_name("Staff") == ""


def test_a_lead_line_with_the_byline_and_its_agency_is_not_body_text() -> None:
    head = '<meta name="author" content="Ann Lee, Reuters">'
    article = extract(_page("<p>Ann Lee, Reuters</p>", head))
    assert (article.byline, article.agency) == ("Ann Lee", "Reuters")
    assert not article.text.startswith("Ann Lee")


def test_a_label_alone_on_the_line_above_the_name_is_not_body_text() -> None:
    byline = (
        '<div class="author-box"><span class="article_author">Article by</span><br>'
        '<span class="author_single">Barry Roe</span></div>'
    )
    article = extract(_page(byline))
    assert article.byline == "Barry Roe"
    assert "Article by" not in article.text and "Barry Roe" not in article.text


def test_a_headline_cut_at_a_date_is_no_byline_line() -> None:
    """Only a label and an agency come off a lead line before it is compared with the byline."""
    from broadsheet.extract.byline import names_of_line

    assert names_of_line("Article by\nAnn Lee") == "Ann Lee"
    assert names_of_line("Von Jan Kurz, dpa") == "Jan Kurz"
    assert names_of_line("Review underway, targeting May 14 launch") != "Review underway"


# Interface text and prose in author boxes (issue 11's second point: bylines we got wrong).
@pytest.mark.parametrize(
    ("box", "byline"),
    [
        # a blog's author line with links to the author's site and other articles
        (
            '<p class="author">Tara Roe | <a href="/w">Website</a> | <a href="/a">Other Articles</a></p>',
            "Tara Roe",
        ),
        (
            '<div class="author">Idris Roe <a href="/bio">Click here to view more information about the author.</a></div>',
            "Idris Roe",
        ),
        # a social network's button beside the name, named like a name part
        (
            '<div class="byline"><span class="author-name">Joel Roe</span><span class="author-name">Add to circle</span></div>',
            "Joel Roe",
        ),
        ('<div class="author">View all posts by Daniel Roe</div>', "Daniel Roe"),
        ('<div class="author"><a href="/staff">View Staff Page</a></div>', ""),
        ('<div class="author"><a href="/c">View Comments</a></div>', ""),
        # an about-the-author box names the author; "About me" names nobody
        ('<div class="author"><h4>About Becky</h4><p>View all posts by Becky</p></div>', "Becky"),
        ('<div class="author-bio"><h4>About Steven Roe</h4></div>', "Steven Roe"),
        ('<div class="author-bio"><h4>About Me</h4></div>', ""),
        ('<div class="author-bio">About author admin</div>', ""),
        ('<div class="author">Contribute to Harbour magazine</div>', ""),
        ('<p class="byline">Article by</p>', ""),
        ('<p class="byline">Von</p><p class="author-name">Robert Roe</p>', "Robert Roe"),
        # a dek classed as a byline, before the author's own box
        (
            '<div class="article-byline">Now that you have bought a telescope, here are some ideas about what to start observing.</div>'
            '<div class="article-author">Michael E. Roe</div>',
            "Michael E. Roe",
        ),
        (
            '<div class="byline">Authorizing... Thanks for your patience, we will be done shortly.</div>',
            "",
        ),
        ('<div class="byline">Perry Roe Jr.</div>', "Perry Roe Jr."),
    ],
)
def test_interface_text_and_prose_are_not_names(box: str, byline: str) -> None:
    assert (
        page_byline(parse(f"<html><body><h1>T</h1>{box}</body></html>", ExtractOptions())) == byline
    )


def test_for_an_organisation_in_capitals() -> None:
    assert split_credit("Glen Roe And Brendan Roe For The Harbour On Sunday") == (
        "Glen Roe And Brendan Roe",
        "The Harbour On Sunday",
    )


@pytest.mark.parametrize(
    ("names", "line"),
    [
        ("Ann Lee", "By ANN LEE, Reuters"),
        ("ann lee", "Ann Lee and Ann Lee"),
        ("Ann Lee", "Bo Ray"),
        ("A.B. (x)", "by a.b. (X) AP"),  # regex characters in the names are literal
        ("Zoë Ünal", "Von ZOË ÜNAL, dpa"),  # not ASCII: the regex, as before
        ("Kevin", "\u212aevin, AFP"),  # the Kelvin sign folds onto k for re, not for lower()
        ("İpek Şahin", "i̇pek şahin / AA"),
    ],
)
def test_names_are_found_in_a_line_as_the_regex_finds_them(names: str, line: str) -> None:
    found = re.search(re.escape(names), line, re.IGNORECASE)
    assert byline_mod._end_of(names, line) == (None if found is None else found.end())
