# ruff: noqa: E501
"""Metadata from JSON-LD, Open Graph, meta tags, <title> and <html lang>."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from broadsheet.extract import extract
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
