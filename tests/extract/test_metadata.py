# ruff: noqa: E501
"""Metadata from JSON-LD, Open Graph, meta tags, <title> and <html lang>."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from broadsheet.extract import ExtractOptions, extract
from broadsheet.extract.byline import clean_byline, page_byline
from broadsheet.extract.dom import parse
from broadsheet.extract.metadata import parse_date, strip_site_suffix

BODY = """<article>
<p>The council voted on Tuesday night to keep the swimming pool open through the winter, reversing a decision made in the spring.</p>
<p>Residents had collected more than four thousand signatures, and the vote was nine to two in favour of the plan.</p>
</article>"""


def page(head: str, *, lang: str = "") -> str:
    attr = f' lang="{lang}"' if lang else ""
    return f"<!doctype html><html{attr}><head>{head}</head><body>{BODY}</body></html>"


def test_json_ld_wins() -> None:
    head = """<title>Pool stays open | Town Crier</title>
    <meta property="og:title" content="OG title">
    <script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
     "headline":"Council keeps the pool open","author":[{"@type":"Person","name":"By Ann Lee"},
     {"@type":"Person","name":"Bo Chan"}],"datePublished":"2024-01-09T18:30:00-05:00",
     "publisher":{"@type":"Organization","name":"Town Crier"}}</script>"""
    article = extract(page(head))
    assert article.title == "Council keeps the pool open"
    assert article.byline == "Ann Lee and Bo Chan"
    assert article.site_name == "Town Crier"
    assert article.published == datetime(2024, 1, 9, 18, 30, tzinfo=timezone(timedelta(hours=-5)))


def test_json_ld_graph_and_broken_json() -> None:
    head = """<script type="application/ld+json">{not json</script>
    <script type="application/ld+json">{"@graph":[{"@type":"WebSite","name":"Site"},
     {"@type":["NewsArticle"],"headline":"From the graph","author":"Kim Park",
      "datePublished":"2023-05-01"}]}</script>"""
    article = extract(page(head))
    assert article.title == "From the graph"
    assert article.byline == "Kim Park"
    assert article.published == datetime(2023, 5, 1)


def test_open_graph_and_meta_tags() -> None:
    head = """<title>Pool stays open - Town Crier</title>
    <meta property="og:site_name" content="Town Crier">
    <meta name="author" content="Jo Smith">
    <meta name="description" content="The council changed its mind.">
    <meta property="article:published_time" content="2024-02-03T10:00:00Z">
    <meta property="og:url" content="/news/pool">
    <meta property="og:image" content="/img/pool.jpg">"""
    article = extract(page(head, lang="en-GB"), url="https://towncrier.example/x?y=1")
    assert article.title == "Pool stays open"
    assert article.byline == "Jo Smith"
    assert article.summary == "The council changed its mind."
    assert article.published == datetime(2024, 2, 3, 10, 0, tzinfo=UTC)
    assert article.language == "en-GB"
    assert article.canonical_url == "https://towncrier.example/news/pool"
    assert article.image == "https://towncrier.example/img/pool.jpg"


def test_rel_canonical_beats_og_url() -> None:
    head = """<link rel="canonical" href="https://a.example/canonical">
    <meta property="og:url" content="https://a.example/og">"""
    assert extract(page(head)).canonical_url == "https://a.example/canonical"


def test_unsafe_canonical_is_ignored() -> None:
    head = """<link rel="canonical" href="javascript:alert(1)">"""
    assert extract(page(head), url="https://a.example/p").canonical_url is None


def test_title_suffix_is_stripped() -> None:
    assert strip_site_suffix("Story about things | Site", "Site") == "Story about things"
    assert strip_site_suffix("A long story headline here - Daily Paper", "") == (
        "A long story headline here"
    )
    assert strip_site_suffix("No separator here", "Site") == "No separator here"
    assert strip_site_suffix("Site | Story about many things", "Site") == "Story about many things"


def test_title_without_metadata_comes_from_title_tag() -> None:
    assert extract(page("<title>Pool will stay open all winter | Crier</title>")).title == (
        "Pool will stay open all winter"
    )


def test_parse_date_forms() -> None:
    assert parse_date("2024-03-12T14:05:00Z") == datetime(2024, 3, 12, 14, 5, tzinfo=UTC)
    assert parse_date("2019-11-19T10:00:00.000+0000") == datetime(2019, 11, 19, 10, 0, tzinfo=UTC)
    assert parse_date("2024-03-12") == datetime(2024, 3, 12)
    assert parse_date("2024-03-12 garbage") == datetime(2024, 3, 12)
    assert parse_date("yesterday") is None
    assert parse_date("1066-10-14") is None
    assert parse_date("") is None


def test_date_from_time_element() -> None:
    body_time = '<time datetime="2022-07-01T08:00:00+02:00">1 July</time>'
    html = f"<html><body>{body_time}{BODY}</body></html>"
    published = extract(html).published
    assert published is not None and published.isoformat() == "2022-07-01T08:00:00+02:00"


def test_no_metadata_at_all() -> None:
    article = extract(f"<html><body>{BODY}</body></html>")
    assert article.title == ""
    assert article.byline == ""
    assert article.canonical_url is None
    assert article.text.startswith("The council voted")


def body_page(head: str, body: str) -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}{BODY}</body></html>"


def test_json_ld_inside_cdata_is_read() -> None:
    head = """<script type="application/ld+json">//<![CDATA[
    {"@type":"NewsArticle","headline":"Wrapped headline","datePublished":"2021-04-02"}
    //]]></script>"""
    article = extract(page(head))
    assert article.title == "Wrapped headline"
    assert article.published == datetime(2021, 4, 2)


def test_json_ld_name_wins_over_a_generic_headline() -> None:
    head = """<title>Pool stays open all winter - Town Wiki</title>
    <script type="application/ld+json">{"@type":"Article","name":"Pool stays open all winter",
     "headline":"Town list article"}</script>"""
    assert extract(page(head)).title == "Pool stays open all winter"
    # ... but a name that is only the site's does not replace the headline.
    head = """<title>Council keeps the pool open - Crier</title>
    <script type="application/ld+json">{"@type":"NewsArticle","name":"Crier",
     "headline":"Council keeps the pool open"}</script>"""
    assert extract(page(head)).title == "Council keeps the pool open"


def test_declared_title_is_kept_as_written() -> None:
    head = """<title>Pool stays open (photos) | Crier</title>
    <meta property="og:title" content="Pool stays open | Crier">"""
    html = body_page(head, "<h1>Pool stays open</h1>")
    assert extract(html).title == "Pool stays open | Crier"


def test_title_element_is_cut_to_the_headline() -> None:
    head = "<title>Evolve: shared history \u2014 Tools for Mercurial \u2014 Docs</title>"
    html = body_page(head, "<h1>Evolve: shared history\u00b6</h1>")
    assert extract(html).title == "Evolve: shared history"
    # A separator that belongs to the headline stays when the <h1> says so.
    head = "<title>Rocket - the story of a dog</title>"
    html = body_page(head, "<h1>Rocket - the story of a dog</h1>")
    assert extract(html).title == "Rocket - the story of a dog"


def test_title_element_is_cut_by_the_site_name() -> None:
    assert strip_site_suffix("Pool stays open | Town Crier", "Town Crier", ["Other"]) == (
        "Pool stays open"
    )
    # The headline may sit between a section and the site; a colon is not a separator.
    assert strip_site_suffix("News | Pool: open | Crier", "", ["Pool: open"]) == "Pool: open"


def test_meta_keys_may_be_space_separated_and_property_beats_name() -> None:
    head = """<title>Element</title>
    <meta name="dc.title" content="Name title">
    <meta property="x:title dc:title" content="Property title">
    <meta property="dc:creator twitter:site_name" content="Creator Name">
    <meta name="author" content="Second choice">"""
    article = extract(page(head))
    assert article.title == "Property title"
    assert article.byline == "Creator Name"


def test_empty_meta_content_does_not_hide_a_later_tag() -> None:
    head = """<meta property="og:title" content="">
    <meta name="twitter:title" content="The real title">"""
    assert extract(page(head)).title == "The real title"


def test_site_name_prefers_json_ld_publisher_then_open_graph_then_host() -> None:
    head = """<meta property="og:site_name" content="Crier - News you need">
    <script type="application/ld+json">{"@type":"NewsArticle","headline":"H",
     "publisher":{"@type":"Organization","name":"Crier"}}</script>"""
    assert extract(page(head)).site_name == "Crier"
    og = '<meta property="og:site_name" content="Town Crier">'
    assert extract(page(og)).site_name == "Town Crier"
    assert extract(page(""), url="https://www.crier.example/a").site_name == "crier.example"


def byline_of(body: str) -> str:
    return page_byline(parse(f"<html><body>{body}</body></html>", ExtractOptions()))


def test_clean_byline() -> None:
    assert clean_byline("  By\n  Ann Lee ") == "Ann Lee"
    assert clean_byline("By Nathan Hale March 25, 2015") == "Nathan Hale"
    assert clean_byline("Par Sophie Martin") == "Sophie Martin"
    assert clean_byline("by Kim Park | Updated 3 hours ago") == "Kim Park"
    assert clean_byline("Ann Lee \u2014") == "Ann Lee"


def test_page_byline_from_author_elements() -> None:
    assert byline_of('<h1>T</h1><p>By <a rel="author" href="/a">Ann Lee</a></p>') == "Ann Lee"
    assert byline_of('<h1>T</h1><div class="ArticleByline">By Bo Chan, May 3, 2024</div>') == (
        "Bo Chan"
    )
    assert byline_of('<h1>T</h1><span itemprop="author">Kim Park</span>') == "Kim Park"


def test_page_byline_prefers_the_names_inside_an_author_box() -> None:
    box = """<h1>T</h1><div class="author-info">
      <span class="author-thumb"><img alt="x" src="a.png"></span>
      <span class="source-name">Tech Weekly</span>
      <a class="author-name" href="/ann">Ann Lee</a><span class="author-date">2 days ago</span>
      <a class="author-name" href="/bo">Bo Chan</a><button>Follow</button></div>"""
    assert byline_of(box) == "Ann Lee and Bo Chan"


def test_page_byline_after_the_headline_beats_one_before_it() -> None:
    body = """<aside><span class="byline">Sidebar Writer</span></aside>
    <article><h1>Headline</h1><p class="byline">By Story Writer</p></article>"""
    assert byline_of(body) == "Story Writer"
    # Without one after the headline, the earlier one is used.
    assert byline_of('<span class="byline">Only Writer</span><h1>Headline</h1>') == ("Only Writer")


def test_page_byline_skips_dates_labels_and_navigation() -> None:
    body = """<nav><a class="author-link" href="/authors">Meet Our Writers</a></nav><h1>T</h1>
    <div class="author-details">Last Updated: January 7, 2025</div>
    <div class="author">Authors</div>"""
    assert byline_of(body) == ""


def test_page_byline_is_used_only_without_metadata() -> None:
    html = body_page(
        '<meta name="author" content="Meta Author">', '<h1>T</h1><p class="byline">Page</p>'
    )
    assert extract(html).byline == "Meta Author"
    html = body_page("", '<h1>T</h1><p class="byline">By Page Author</p>')
    assert extract(html).byline == "Page Author"


def test_marked_publication_time_beats_an_earlier_time() -> None:
    body = """<time datetime="2020-01-01T00:00:00Z">sidebar</time>
    <h1>T</h1><time itemprop="datePublished" datetime="2022-07-01T08:00:00+02:00">1 July</time>"""
    published = extract(body_page("", body)).published
    assert published is not None and published.isoformat() == "2022-07-01T08:00:00+02:00"
