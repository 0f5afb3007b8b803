"""discover_feeds on pages written here: what counts as a feed link, and what does not."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.feeds import (
    MAX_DISCOVERED_FEEDS,
    MAX_DISCOVERY_BYTES,
    MAX_TITLE_CHARS,
    FeedLink,
    discover_feeds,
)

BASE = "https://www.example.org/section/page.html"

WORDPRESS_HEAD = b"""<!DOCTYPE html>
<html lang="en-GB"><head>
<meta charset="UTF-8">
<title>Harbour Gazette</title>
<link rel="stylesheet" href="/wp-content/style.css" type="text/css">
<link rel="alternate" type="application/rss+xml" title="Harbour Gazette &raquo; Feed"
      href="https://www.example.org/feed/">
<link rel="alternate" type="application/rss+xml" title="Harbour Gazette &raquo; Comments Feed"
      href="https://www.example.org/comments/feed/">
<link rel="alternate" type="application/atom+xml" title="Atom" href="../atom.xml">
<link rel="alternate" type="application/feed+json" title="JSON" href="feed.json">
<link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/rss+xml" href="https://www.example.org/feed/">
<link rel="icon" href="/favicon.ico">
</head><body><a href="/rss.xml">RSS</a></body></html>"""


def test_a_typical_head_gives_its_feeds_in_order_resolved_and_without_repeats() -> None:
    assert discover_feeds(WORDPRESS_HEAD, BASE) == [
        FeedLink(
            "https://www.example.org/feed/", "Harbour Gazette » Feed", "application/rss+xml", "rss"
        ),
        FeedLink(
            "https://www.example.org/comments/feed/",
            "Harbour Gazette » Comments Feed",
            "application/rss+xml",
            "rss",
        ),
        FeedLink("https://www.example.org/atom.xml", "Atom", "application/atom+xml", "atom"),
        FeedLink(
            "https://www.example.org/section/feed.json", "JSON", "application/feed+json", "json"
        ),
    ]


def test_base_href_rel_variants_type_parameters_and_case() -> None:
    page = b"""<html><head><base href="https://cdn.example.net/site/">
    <LINK REL="Alternate Feed" TYPE="Application/RSS+XML; charset=utf-8" HREF="rss">
    <link rel="feed" type="application/atom+xml" href="atom">
    <link rel="alternate" type="application/rdf+xml" href="index.rdf">
    <link rel="alternate stylesheet" type="text/css" href="alt.css">
    <link rel="alternate" href="no-type.xml">
    </head></html>"""
    links = discover_feeds(page, BASE)
    assert [(link.url, link.type, link.kind) for link in links] == [
        ("https://cdn.example.net/site/rss", "application/rss+xml", "rss"),
        ("https://cdn.example.net/site/atom", "application/atom+xml", "atom"),
        ("https://cdn.example.net/site/index.rdf", "application/rdf+xml", "rss"),
    ]


def test_only_http_and_https_links_are_kept() -> None:
    hrefs = [
        "javascript:alert(1)",
        " java\tscript:alert(1)",
        "data:application/rss+xml,<rss/>",
        "file:///etc/passwd",
        "ftp://ftp.example.org/feed.xml",
        "mailto:x@example.org",
        "http://:80/nohost",
        "feed://www.example.org/old-style",
        "//cdn.example.net/scheme-relative.xml",
    ]
    page = "<html><head>" + "".join(
        f'<link rel="alternate" type="application/rss+xml" href="{h}">' for h in hrefs
    )
    links = discover_feeds(page.encode(), "http://www.example.org/")
    assert [link.url for link in links] == [
        "http://www.example.org/old-style",
        "http://cdn.example.net/scheme-relative.xml",
    ]


def test_titles_are_one_line_and_cut() -> None:
    page = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="/a" '
        'title="Line one&#10;line&#13;two   three">'
        '<link rel="alternate" type="application/rss+xml" href="/b" title="'
        + "x" * 5000
        + '"><link rel="alternate" type="application/rss+xml" href="/c" title="  ">'
    )
    a, b, c = discover_feeds(page.encode(), BASE)
    assert a.title == "Line one line two three"
    assert b.title is not None and len(b.title) == MAX_TITLE_CHARS and b.title.endswith("…")
    assert c.title is None


def test_the_page_encoding_is_honoured() -> None:
    page = (
        '<html><head><meta charset="windows-1251">'
        '<link rel="alternate" type="application/rss+xml" title="Новости" href="/rss">'
    ).encode("cp1251")
    assert discover_feeds(page, BASE)[0].title == "Новости"
    assert discover_feeds(page, BASE, encoding="cp1251")[0].title == "Новости"


def test_limits_on_links_and_bytes() -> None:
    many = "".join(
        f'<link rel="alternate" type="application/rss+xml" href="/f{i}">' for i in range(100)
    )
    links = discover_feeds(f"<html><head>{many}</head></html>".encode(), BASE)
    assert len(links) == MAX_DISCOVERED_FEEDS
    assert links[-1].url == f"https://www.example.org/f{MAX_DISCOVERED_FEEDS - 1}"

    late = (
        b"<html><head><title>x</title></head><body>"
        + b"<p>filler</p>" * (MAX_DISCOVERY_BYTES // 13 + 1)
        + b'<link rel="alternate" type="application/rss+xml" href="/late"></body></html>'
    )
    assert discover_feeds(late, BASE) == []


def test_garbage_never_raises() -> None:
    for body in [
        b"",
        b"   ",
        b"\x00\xff\xfe garbage",
        b"<<<>>>",
        b"<html><head><link",
        b"%PDF-1.4",
    ]:
        assert discover_feeds(body, BASE) == []
    assert discover_feeds(WORDPRESS_HEAD, BASE, encoding="no-such-codec") == []


def test_an_unusable_base_still_allows_absolute_links() -> None:
    page = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/relative">'
        b'<link rel="alternate" type="application/rss+xml" href="https://abs.example/rss">'
    )
    assert [link.url for link in discover_feeds(page, "not a url")] == ["https://abs.example/rss"]


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=500).map(lambda t: t.encode("utf-8", "replace")))
def test_any_bytes_give_a_list_of_http_links(body: bytes) -> None:
    for link in discover_feeds(WORDPRESS_HEAD[:300] + body, BASE):
        assert link.url.startswith(("http://", "https://"))
