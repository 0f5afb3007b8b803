"""parse_feed on real feeds written here: RSS 2.0, RSS 1.0, Atom 1.0, JSON Feed, and the bad
inputs a feed reader meets (web pages, huge feeds, broken XML, entity bombs, hostile links)."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.feeds import (
    MAX_ENTRIES,
    MAX_ENTRIES_READ,
    MAX_FEED_BYTES,
    MAX_GUID_CHARS,
    MAX_SUMMARY_CHARS,
    MAX_TITLE_CHARS,
    FeedError,
    NotAFeed,
    parse_feed,
)
from broadsheet.feeds.safexml import strip_dtd
from tests.support.fixture_server import serve_fixtures

URL = "https://news.example.org/feeds/main.xml"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

RSS2 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>The Harbour &amp; River Gazette</title>
  <link>/</link>
  <ttl>120</ttl>
  <item>
    <title>Council approves the bridge budget</title>
    <link>https://news.example.org/2025/05/bridge</link>
    <guid isPermaLink="false">gazette-1001</guid>
    <pubDate>Tue, 20 May 2025 09:30:00 +0200</pubDate>
    <dc:creator>Ada Reporter</dc:creator>
    <description>&lt;p&gt;The council &lt;b&gt;voted&lt;/b&gt; 7 to 2.&lt;/p&gt;
      &lt;p&gt;Work starts in June.&lt;/p&gt;&lt;script&gt;track()&lt;/script&gt;</description>
  </item>
  <item>
    <title>Storm closes the coast road</title>
    <link>2025/05/storm?ref=rss</link>
    <guid isPermaLink="false">gazette-1002</guid>
    <pubDate>Wed, 21 May 2025 18:00:00 GMT</pubDate>
    <content:encoded><![CDATA[<div>Crews worked <em>overnight</em>.</div>]]></content:encoded>
  </item>
  <item>
    <title>Museum reopens</title>
    <link>https://news.example.org/2025/05/museum</link>
    <guid isPermaLink="false">gazette-1000</guid>
    <pubDate>Mon, 19 May 2025 07:00:00 GMT</pubDate>
  </item>
</channel>
</rss>
"""

RSS1 = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example.org/">
    <title>RDF Weekly</title>
    <link>https://rdf.example.org/</link>
    <items><rdf:Seq><rdf:li resource="https://rdf.example.org/a"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://rdf.example.org/a">
    <title>Farmers and the water inquiry</title>
    <link>https://rdf.example.org/a</link>
    <description>Plain summary.</description>
    <dc:date>2025-04-02T08:15:00-05:00</dc:date>
    <dc:creator>B. Writer</dc:creator>
  </item>
</rdf:RDF>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example.net/blog/">
  <title type="html">&lt;b&gt;Transit&lt;/b&gt; notes</title>
  <link rel="alternate" href="https://atom.example.net/"/>
  <link rel="self" href="https://atom.example.net/feed.atom"/>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2025-05-02T10:00:00Z</updated>
  <entry>
    <title type="xhtml"
      ><div xmlns="http://www.w3.org/1999/xhtml">Rail <i>strike</i> ends</div></title>
    <link rel="alternate" type="text/html" href="posts/rail-strike"/>
    <link rel="enclosure" href="https://cdn.example.net/strike.mp3"/>
    <id>tag:atom.example.net,2025:1</id>
    <published>2025-05-01T06:00:00+01:00</published>
    <updated>2025-05-02T10:00:00Z</updated>
    <author><name>Cy Columnist</name><email>cy@example.net</email></author>
    <content type="html">&lt;p&gt;Unions and the
      &lt;a href="x"&gt;ministry&lt;/a&gt; agreed.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Timetable changes</title>
    <link href="https://atom.example.net/blog/posts/timetable"/>
    <id>tag:atom.example.net,2025:2</id>
    <updated>2025-04-30T12:00:00Z</updated>
    <summary>New times from Monday.</summary>
  </entry>
</feed>
"""

JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Loopback JSON",
    "home_page_url": "https://json.example.com/",
    "feed_url": "https://json.example.com/feed.json",
    "items": [
        {
            "id": "2",
            "url": "/posts/2",
            "title": "Second post",
            "content_html": "<p>Hello <b>world</b></p>",
            "date_published": "2025-05-03T10:00:00+02:00",
            "authors": [{"name": "Dee"}],
        },
        {
            "id": 1,
            "url": "https://json.example.com/posts/1",
            "content_text": "A post without a title.\nSecond line.",
            "date_published": "2025-05-01T10:00:00",
        },
        {"id": "3", "title": "No url at all"},
    ],
}


def rss(items: str, *, title: str = "Test feed", head: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{head}<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.org/</link>{items}</channel></rss>"
    ).encode()


def item(guid: str, link: str | None = None, *, title: str = "t", date: str | None = None) -> str:
    parts = [f"<item><title>{title}</title>", f'<guid isPermaLink="false">{guid}</guid>']
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if date is not None:
        parts.append(f"<pubDate>{date}</pubDate>")
    return "".join(parts) + "</item>"


# --- the formats --------------------------------------------------------------------------------


def test_rss2_feed_is_read_newest_first_with_plain_text_and_absolute_links() -> None:
    feed = parse_feed(RSS2.encode(), URL, "application/rss+xml; charset=utf-8", now=NOW)
    assert feed.version == "rss20"
    assert feed.title == "The Harbour & River Gazette"
    assert feed.site_url == "https://news.example.org/"
    assert feed.ttl_seconds == 120 * 60
    assert [e.guid for e in feed.entries] == ["gazette-1002", "gazette-1001", "gazette-1000"]
    storm, bridge, _ = feed.entries
    assert storm.url == "https://news.example.org/feeds/2025/05/storm?ref=rss"
    assert storm.summary_text == "Crews worked overnight."
    assert storm.published == datetime(2025, 5, 21, 18, 0, tzinfo=UTC)
    assert bridge.published == datetime(2025, 5, 20, 7, 30, tzinfo=UTC)
    assert bridge.published.tzinfo is UTC
    assert bridge.summary_text == "The council voted 7 to 2. Work starts in June."
    assert bridge.author == "Ada Reporter"
    assert bridge.title == "Council approves the bridge budget"
    assert feed.entries_found == 3 and feed.warning is None


def test_rss1_rdf_feed() -> None:
    feed = parse_feed(RSS1.encode(), "https://rdf.example.org/index.rdf", None, now=NOW)
    assert feed.version == "rss10"
    assert feed.title == "RDF Weekly"
    (entry,) = feed.entries
    assert entry.url == entry.guid == "https://rdf.example.org/a"
    assert entry.published == datetime(2025, 4, 2, 13, 15, tzinfo=UTC)
    assert entry.author == "B. Writer"
    assert entry.summary_text == "Plain summary."


def test_atom_feed_with_xml_base_html_titles_and_content() -> None:
    feed = parse_feed(ATOM.encode(), "https://atom.example.net/feed.atom", "application/atom+xml")
    assert feed.version == "atom10"
    assert feed.title == "Transit notes"
    assert feed.site_url == "https://atom.example.net/"
    strike, timetable = feed.entries
    assert strike.title == "Rail strike ends"
    assert strike.url == "https://atom.example.net/blog/posts/rail-strike"
    assert strike.guid == "tag:atom.example.net,2025:1"
    assert strike.published == datetime(2025, 5, 1, 5, 0, tzinfo=UTC)  # published, not updated
    assert strike.author == "Cy Columnist"
    assert strike.summary_text == "Unions and the ministry agreed."
    assert timetable.published == datetime(2025, 4, 30, 12, 0, tzinfo=UTC)  # updated as fallback
    assert timetable.summary_text == "New times from Monday."


def test_feedparser_6_does_not_read_json_feed_so_broadsheet_does() -> None:
    body = json.dumps(JSON_FEED).encode()
    alone = feedparser.parse(io.BytesIO(body))
    assert alone.entries == [] and alone.version == ""

    feed = parse_feed(body, "https://json.example.com/feed.json", "application/feed+json", now=NOW)
    assert feed.version == "json11"
    assert feed.title == "Loopback JSON"
    assert feed.site_url == "https://json.example.com/"
    assert feed.entries_found == 3 and feed.skipped_without_link == 1
    second, first = feed.entries
    assert second.url == "https://json.example.com/posts/2"
    assert second.summary_text == "Hello world"
    assert second.author == "Dee"
    assert second.published == datetime(2025, 5, 3, 8, 0, tzinfo=UTC)
    assert first.guid == "1"
    assert first.title == "A post without a title. Second line."  # from the text
    assert first.published == datetime(2025, 5, 1, 10, 0, tzinfo=UTC)  # no zone: UTC


def test_json_feed_1_0_author_and_json_without_content_type() -> None:
    data = {
        "version": "https://jsonfeed.org/version/1",
        "title": "Old JSON",
        "items": [{"id": "a", "url": "https://j.example/a", "author": {"name": "Eve"}}],
    }
    feed = parse_feed(json.dumps(data).encode(), "https://j.example/feed", None, now=NOW)
    assert feed.version == "json1"
    assert feed.entries[0].author == "Eve"
    assert feed.entries[0].title == "https://j.example/a"  # no title, no summary: the url


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"hello": "world"}', "feed_unsupported"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "feed_unreadable"),
        (b"[" * 100_000 + b"]" * 100_000, "feed_unreadable"),
        (b"[1, 2]", "feed_unsupported"),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "feed_unreadable"),
    ],
)
def test_json_that_is_not_a_json_feed(body: bytes, code: str) -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(body, "https://j.example/feed", "application/json")
    assert caught.value.code == code


# --- not a feed -------------------------------------------------------------------------------

PAGE = b"""<!DOCTYPE html>
<html><head><title>Gazette</title>
<link rel="stylesheet" href="/s.css">
<link rel="alternate" type="application/rss+xml" title="Gazette &raquo; Feed" href="/feed/">
<link rel="alternate" type="application/atom+xml" href="https://news.example.org/atom.xml">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
</head><body><p>Front page</p></body></html>"""


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/rss+xml", None])
def test_a_web_page_is_not_a_feed_and_carries_its_feed_links(content_type: str | None) -> None:
    with pytest.raises(NotAFeed) as caught:
        parse_feed(PAGE, "https://news.example.org/", content_type)
    error = caught.value
    assert error.code == "not_a_feed"
    assert [(link.url, link.kind, link.title) for link in error.links] == [
        ("https://news.example.org/feed/", "rss", "Gazette » Feed"),
        ("https://news.example.org/atom.xml", "atom", None),
    ]
    assert "web page" in error.message and "2 feeds" in error.message


def test_a_web_page_without_feed_links() -> None:
    with pytest.raises(NotAFeed) as caught:
        parse_feed(b"<html><body><p>Hello</p></body></html>", "https://x.example/", "text/html")
    assert caught.value.links == ()
    assert "links to no feed" in str(caught.value)


def test_a_page_with_junk_before_its_html_is_still_recognised() -> None:
    body = b"Warning: headers already sent\n" + PAGE
    with pytest.raises(NotAFeed) as caught:
        parse_feed(body, "https://news.example.org/", None)
    assert len(caught.value.links) == 2


def test_a_feed_served_as_text_html_is_still_a_feed() -> None:
    feed = parse_feed(RSS2.encode(), URL, "text/html; charset=utf-8", now=NOW)
    assert len(feed.entries) == 3


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "feed_empty"),
        (b"  \n\t ", "feed_empty"),
        (b'<?xml version="1.0"?><opml version="2.0"><body/></opml>', "feed_unsupported"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "feed_unsupported"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "feed_unreadable"),
        (b"<<<< >>>> not xml at all", "feed_unreadable"),
    ],
)
def test_documents_that_are_not_feeds(body: bytes, code: str) -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(body, URL, None)
    assert caught.value.code == code
    assert caught.value.message  # a sentence for the reader


def test_a_body_over_the_limit_is_refused_before_parsing() -> None:
    body = rss("<item><title>x</title></item>" * (MAX_FEED_BYTES // 29 + 1))
    assert len(body) > MAX_FEED_BYTES
    with pytest.raises(FeedError) as caught:
        parse_feed(body, URL, None)
    assert caught.value.code == "feed_too_large"
    assert "10 MiB" in str(caught.value)


# --- big feeds ------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["newest first", "oldest first"])
def test_a_feed_of_100000_entries_keeps_the_newest_within_the_limit(order: str) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    items = [
        f"<item><link>/{i}</link><pubDate>"
        f"{format_datetime(start + timedelta(minutes=i), usegmt=True)}</pubDate></item>"
        for i in range(100_000)
    ]
    if order == "newest first":
        items.reverse()
    body = rss("\n".join(items))
    assert len(body) <= MAX_FEED_BYTES
    began = time.monotonic()
    feed = parse_feed(body, URL, "application/rss+xml", now=NOW)
    elapsed = time.monotonic() - began
    assert len(feed.entries) == MAX_ENTRIES
    newest = range(99_999, 99_999 - MAX_ENTRIES, -1)
    assert [e.url for e in feed.entries] == [f"https://news.example.org/{i}" for i in newest]
    assert feed.entries_found == 100_000
    assert feed.skipped_over_limit == 100_000 - MAX_ENTRIES
    assert feed.warning is None  # the cut keeps the document well-formed
    # Only MAX_ENTRIES_READ entries went through feedparser (about 0.6 ms each): the whole feed
    # would take a minute. Generous, for a loaded machine.
    assert elapsed < 20, elapsed


def test_entries_between_the_limits_are_all_read_then_the_newest_kept() -> None:
    n = MAX_ENTRIES + 20
    items = "".join(
        item(
            str(i), f"https://e.example/{i}", date=f"{1 + i % 28:02d} Feb 2025 {i % 24:02d}:00 GMT"
        )
        for i in range(n)
    )
    feed = parse_feed(rss(items), URL, None, now=NOW)
    assert n <= MAX_ENTRIES_READ
    assert len(feed.entries) == MAX_ENTRIES and feed.skipped_over_limit == 20
    dates = [e.published for e in feed.entries]
    assert dates == sorted(dates, reverse=True)


# --- broken XML -----------------------------------------------------------------------------


def test_malformed_xml_keeps_what_is_usable_and_says_so() -> None:
    body = rss(
        "<item><title>Fish & chips</title><link>https://e.example/1</link></item>"
        "<item><title>Second <b>bold</title><link>https://e.example/2</link></item>"
    )
    feed = parse_feed(body, URL, None, now=NOW)
    assert [e.url for e in feed.entries] == ["https://e.example/1", "https://e.example/2"]
    assert feed.entries[0].title == "Fish & chips"
    assert feed.warning is not None and "not well-formed" in feed.warning


def test_a_truncated_feed_keeps_the_entries_before_the_cut() -> None:
    body = rss(item("a", "https://e.example/a") + item("b", "https://e.example/b"))
    feed = parse_feed(body[: body.index(b"<guid", body.index(b"/a</link>"))], URL, None)
    assert [e.url for e in feed.entries][:1] == ["https://e.example/a"]
    assert feed.warning is not None


def test_malformed_xml_with_no_entry_is_an_error() -> None:
    with pytest.raises(FeedError) as caught:
        parse_feed(b"<rss><channel><title>Broken & </wrong>", URL, None)
    assert caught.value.code == "feed_unreadable"
    assert "not well-formed" in str(caught.value)


def test_a_document_that_crashes_feedparser_is_an_error_not_a_crash() -> None:
    """feedparser 6 raises ValueError (instead of flagging the feed) when a namespace URI holds
    a Unicode space: expat's "uri localname" pair then splits in three. Found by fuzzing."""
    body = rss(item("a", "https://e.example/a")).replace(
        b'<rss version="2.0"><channel>',
        '<rss version="2.0" xmlns:x="http://ns.example/a\u00a0b"><channel><x:y>1</x:y>'.encode(),
    )
    with pytest.raises(ValueError):
        feedparser.parse(io.BytesIO(body))
    with pytest.raises(FeedError) as caught:
        parse_feed(body, URL, None)
    assert caught.value.code == "feed_unreadable"
    assert isinstance(caught.value.__cause__, ValueError)


def test_stray_control_characters_do_not_break_strict_parsing() -> None:
    body = rss(item("a", "https://e.example/a", title="Bell\x07 and\x0b tab"))
    feed = parse_feed(body, URL, None)
    assert feed.warning is None
    assert feed.entries[0].title == "Bell and tab"


# --- entity bombs, external entities and local files -------------------------------------------


def _lol_entities(levels: int = 9) -> list[str]:
    out = ['<!ENTITY lol "lol">']
    for i in range(1, levels + 1):
        ref = "&lol;" if i == 1 else f"&lol{i - 1};"
        out.append(f'<!ENTITY lol{i} "{ref * 10}">')
    return out


def _bomb(separator: str) -> bytes:
    dtd = separator.join(_lol_entities())
    return (
        f'<?xml version="1.0"?>{separator}<!DOCTYPE rss [{separator}{dtd}{separator}]>'
        '<rss version="2.0"><channel><title>T &lol9;</title>'
        "<item><title>A &lol9;</title><link>https://e.example/a</link></item>"
        "</channel></rss>"
    ).encode()


@pytest.mark.parametrize("separator", ["\n", ""], ids=["multi-line", "one-line"])
def test_an_entity_bomb_is_not_expanded(separator: str) -> None:
    began = time.monotonic()
    feed = parse_feed(_bomb(separator), URL, None, now=NOW)
    assert time.monotonic() - began < 2
    assert "lollol" not in feed.title + "".join(e.title + e.summary_text for e in feed.entries)
    assert feed.entries[0].url == "https://e.example/a"


def test_feedparser_alone_hands_a_one_line_dtd_to_the_xml_parser() -> None:
    """Why parse_feed strips every DTD itself: feedparser removes only the entity declarations
    that start a line; on one line they reach expat, which expands them (a bomb is stopped only
    by expat's amplification limit, after megabytes of expansion)."""
    one_line = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY co "ACME">]><rss version="2.0"><channel>'
        b"<title>T &co;</title><item><title>A</title><link>https://e.example/a</link></item>"
        b"</channel></rss>"
    )
    assert feedparser.parse(io.BytesIO(one_line)).feed.title == "T ACME"
    assert parse_feed(one_line, URL, None).title != "T ACME"
    # On lines of their own, feedparser keeps only declarations of plain literal text.
    multi = one_line.replace(b"?><!DOCTYPE rss [", b"?>\n<!DOCTYPE rss [\n")
    multi = multi.replace(b'">]>', b'">\n]>\n')
    assert feedparser.parse(io.BytesIO(multi)).feed.title == "T ACME"
    assert "ACME" not in parse_feed(multi, URL, None).title


def test_a_quadratic_blowup_expands_in_feedparser_alone_but_not_in_parse_feed() -> None:
    """Expat's amplification limit only acts past 8 MiB of expansion, so a flat entity used
    many times still grows a 20 KB feed into megabytes when feedparser is used alone."""
    body = (
        '<?xml version="1.0"?><!-- generator --><!DOCTYPE rss [<!ENTITY a "' + "x" * 1000 + '">]>'
        '<rss version="2.0"><channel><title>' + "&a;" * 5000 + "</title>"
        "<item><title>A</title><link>https://e.example/a</link></item></channel></rss>"
    ).encode()
    assert len(body) < 25_000
    assert len(feedparser.parse(io.BytesIO(body)).feed.title) == 5_000_000
    feed = parse_feed(body, URL, None)
    assert "xxxxxxxxxx" not in feed.title and len(feed.title) <= MAX_TITLE_CHARS
    assert feed.entries[0].url == "https://e.example/a"


@pytest.mark.parametrize("separator", ["\n", ""], ids=["multi-line", "one-line"])
def test_external_entities_and_dtds_are_never_loaded(tmp_path, separator: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER-7731")
    with serve_fixtures() as server:
        remote = server.url("/raw?body=REMOTE-MARKER")
        body = (
            f'<?xml version="1.0"?>{separator}<!DOCTYPE rss SYSTEM "{server.url("/dtd")}" ['
            f'{separator}<!ENTITY file SYSTEM "file://{secret}">'
            f'{separator}<!ENTITY net SYSTEM "{remote}">'
            f'{separator}<!ENTITY % param SYSTEM "{server.url("/param")}">{separator}%param;'
            f"{separator}]>"
            '<rss version="2.0"><channel><title>T &file; &net;</title>'
            "<item><title>A &file;</title><description>&net;</description>"
            "<link>https://e.example/a</link></item></channel></rss>"
        ).encode()
        feed = parse_feed(body, URL, None, now=NOW)
        alone = feedparser.parse(io.BytesIO(body))
        assert server.hits == {}  # neither parse_feed nor feedparser asked for anything
    text = feed.title + "".join(e.title + e.summary_text for e in feed.entries)
    assert "SECRET-MARKER" not in text and "REMOTE-MARKER" not in text
    assert "SECRET-MARKER" not in str(alone) and "REMOTE-MARKER" not in str(alone)
    assert feed.entries[0].url == "https://e.example/a"


def test_feedparser_reads_a_local_file_named_by_bytes_but_parse_feed_never_does(tmp_path) -> None:
    """feedparser.parse(b"/some/path") opens that file: a server answering with a path would
    make it read local files. parse_feed hands feedparser a stream, never bytes or a name."""
    local = tmp_path / "local.xml"
    local.write_bytes(rss(item("local", "https://e.example/local", title="LOCAL-FILE")))
    path = str(local).encode()
    assert feedparser.parse(path).entries[0].title == "LOCAL-FILE"
    with pytest.raises(FeedError):
        parse_feed(path, URL, None)


# --- titles, summaries, links, duplicates, dates ----------------------------------------------


def test_enormous_titles_and_summaries_are_cut_to_their_limits() -> None:
    title = "word " * 200_000
    summary = "<p>" + "text " * 200_000 + "</p>"
    body = rss(
        f"<item><title>{title}</title><description>{summary}</description>"
        "<link>https://e.example/a</link></item>",
        title=title,
    )
    feed = parse_feed(body, URL, None)
    entry = feed.entries[0]
    assert len(feed.title) <= MAX_TITLE_CHARS and feed.title.endswith("…")
    assert len(entry.title) <= MAX_TITLE_CHARS and entry.title.endswith("word…")
    assert len(entry.summary_text) <= MAX_SUMMARY_CHARS and entry.summary_text.endswith("…")


def test_titles_with_line_breaks_and_html_become_one_line_of_text() -> None:
    body = rss(
        item(
            "a", "https://e.example/a", title="Line one\r\nline&#x2028;two &lt;i&gt;three&lt;/i&gt;"
        )
        + item("b", "https://e.example/b", title="&lt;script&gt;alert(1)&lt;/script&gt;Safe")
        + item("c", "https://e.example/c", title="a &lt; b &amp;&amp; c &gt; d")
    )
    titles = [e.title for e in parse_feed(body, URL, None).entries]
    assert titles == ["Line one line two three", "Safe", "a < b && c > d"]


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=600))
def test_any_title_comes_out_one_line_and_within_the_limit(title: str) -> None:
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = rss(f"<item><title>{escaped}</title><link>https://e.example/x</link></item>")
    feed = parse_feed(body, URL, None)
    (entry,) = feed.entries
    assert entry.title  # never empty: the url stands in
    assert len(entry.title) <= MAX_TITLE_CHARS
    assert entry.title == entry.title.strip()
    assert not any(c in entry.title for c in "\r\n\t\x0b\x0c\x85\u2028\u2029\x00")
    assert "  " not in entry.title


def test_entries_without_a_usable_link_are_dropped_and_relative_ones_resolved() -> None:
    body = rss(
        item("rel", "../archive/1?x=1#top")
        + item("abs", "HTTPS://e.example/2")
        + item("none")
        + item("js", "javascript:alert(document.cookie)")
        + item("js-split", "java\nscript:alert(1)")
        + item("data", "data:text/html,hi")
        + item("ftp", "ftp://files.example/x")
        + item("mail", "mailto:a@b.example")
        + item("nohost", "http://:80/path")
        + item("long", "https://e.example/" + "a" * 3000)
    )
    feed = parse_feed(body, URL, None)
    assert [(e.guid, e.url) for e in feed.entries] == [
        ("rel", "https://news.example.org/archive/1?x=1#top"),
        ("abs", "https://e.example/2"),
    ]
    assert feed.skipped_without_link == 8 and feed.entries_found == 10


def test_duplicates_by_guid_or_by_link_keep_the_newest() -> None:
    body = rss(
        item("same", "https://e.example/old", title="Old", date="01 Mar 2025 10:00 GMT")
        + item("same", "https://e.example/new", title="New", date="02 Mar 2025 10:00 GMT")
        + item("x", "https://e.example/page", title="X1", date="03 Mar 2025 10:00 GMT")
        + item("y", "https://e.example/page", title="X2", date="04 Mar 2025 10:00 GMT")
    )
    feed = parse_feed(body, URL, None, now=NOW)
    assert [e.title for e in feed.entries] == ["X2", "New"]
    assert feed.skipped_duplicates == 2


def test_future_dates_become_now_and_missing_dates_sort_last() -> None:
    body = rss(
        item("undated-1", "https://e.example/u1")
        + item("future", "https://e.example/f", date="01 Jan 2199 00:00 GMT")
        + item("past", "https://e.example/p", date="01 Jan 2024 00:00 GMT")
        + item("undated-2", "https://e.example/u2")
        + item("garbage", "https://e.example/g", date="the day after tomorrow")
    )
    feed = parse_feed(body, URL, None, now=NOW)
    assert [e.guid for e in feed.entries] == ["future", "past", "undated-1", "undated-2", "garbage"]
    assert feed.entries[0].published == NOW
    assert [e.published for e in feed.entries[2:]] == [None, None, None]


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError):
        parse_feed(RSS2.encode(), URL, None, now=datetime(2025, 1, 1))


def test_a_long_guid_is_replaced_by_its_hash_and_a_missing_one_by_the_link() -> None:
    long_guid = "g" * (MAX_GUID_CHARS + 1)
    body = rss(
        item(long_guid, "https://e.example/a") + "<item><link>https://e.example/b</link></item>"
    )
    a, b = parse_feed(body, URL, None).entries
    assert a.guid.startswith("sha256:") and len(a.guid) == 7 + 64
    assert a.guid == parse_feed(body, URL, None).entries[0].guid  # stable
    assert b.guid == "https://e.example/b"


def test_polling_hints_from_ttl_and_syndication_module() -> None:
    sy = (
        '<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>'
        "<title>s</title><sy:updatePeriod>daily</sy:updatePeriod>"
        "<sy:updateFrequency>4</sy:updateFrequency>"
        "<item><link>https://e.example/a</link></item></channel></rss>"
    )
    assert parse_feed(sy.encode(), URL, None).ttl_seconds == 6 * 3600
    huge = rss(item("a", "https://e.example/a")).replace(
        b"<title>", b"<ttl>99999999</ttl><title>", 1
    )
    assert parse_feed(huge, URL, None).ttl_seconds == 30 * 24 * 3600
    silly = rss(item("a", "https://e.example/a")).replace(
        b"<title>", b"<ttl>" + b"9" * 5000 + b"</ttl><title>", 1
    )
    assert parse_feed(silly, URL, None).ttl_seconds is None


# --- character encodings ------------------------------------------------------------------------


def _encoded_feed(encoding: str, title: str) -> bytes:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>{title}</title><item><title>{title}</title>"
        "<link>https://e.example/a</link></item></channel></rss>"
    )
    return text.encode(encoding)


@pytest.mark.parametrize(
    ("encoding", "title", "content_type"),
    [
        ("iso-8859-1", "Café crème", None),
        ("windows-1251", "Новости дня", "application/rss+xml"),
        ("utf-16", "Ünïcödé ☃", None),
        ("shift_jis", "ニュース", None),
    ],
)
def test_declared_encodings_are_decoded(
    encoding: str, title: str, content_type: str | None
) -> None:
    feed = parse_feed(_encoded_feed(encoding, title), URL, content_type)
    assert feed.title == title
    assert feed.entries[0].title == title


def test_the_http_charset_wins_over_the_declaration() -> None:
    body = _encoded_feed("utf-8", "Café").replace(b"utf-8", b"iso-8859-1", 1)
    assert parse_feed(body, URL, "text/xml; charset=utf-8").title == "Café"


def test_utf7_is_never_used_to_decode_markup() -> None:
    """Under UTF-7, '+ADw-' is '<': a declared utf-7 would turn text into a DOCTYPE."""
    body = (
        b'<?xml version="1.0" encoding="utf-7"?><rss version="2.0"><channel>'
        b"<title>+ADw-!DOCTYPE x+AD4-</title><item><title>a</title>"
        b"<link>https://e.example/a</link></item></channel></rss>"
    )
    feed = parse_feed(body, URL, "application/rss+xml; charset=utf-7")
    assert feed.title == "+ADw-!DOCTYPE x+AD4-"


_DTD_PIECES = (
    *("<!DOCTYPE", "<!doctype", "<!DOC", "TYPE", "<!ENTITY", "<!ENT", "ITY", "<!", "<", "!"),
    *("[", "]", ">", " ", '"', "'", "x", "%p;", "&a;", "<rss>", "\n", "]>", "-->"),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DTD_PIECES), max_size=60))
def test_no_dtd_survives_the_clean_up(pieces: list[str]) -> None:
    cleaned = strip_dtd("".join(pieces)).lower()
    assert "<!doctype" not in cleaned and "<!entity" not in cleaned


def test_the_clean_up_is_linear_on_hostile_input() -> None:
    for hostile in [
        "<!DOCTYPE x [" * 300_000,
        "<!DOC<!ENTITY>TYPE" * 300_000,
        "<!ENTITY" * 500_000,
    ]:
        began = time.monotonic()
        strip_dtd(hostile)
        assert time.monotonic() - began < 5


_NASTY = (
    *(b"<", b">", b"&", b"&amp;", b"<!DOCTYPE x [", b"]>", b"<!ENTITY a 'b'>", b"\x00"),
    *(b"\xff\xfe", b"\xef\xbb\xbf", b"<![CDATA[", b"]]>", b"<item>", b"</item>", b"<entry>"),
    *(b"<link>", b"javascript:", b"\r\n", b'"', b"<html>", b"{", b"\xc2\xa0", b"\xe1"),
)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([RSS2, RSS1, ATOM, json.dumps(JSON_FEED)]),
    st.lists(
        st.tuples(st.integers(0, 4000), st.integers(0, 40), st.sampled_from(_NASTY) | st.binary()),
        max_size=8,
    ),
    st.sampled_from([None, "text/html", "application/json", "application/rss+xml; charset=utf-16"]),
)
def test_a_damaged_feed_gives_a_feed_or_a_feed_error_never_anything_else(
    seed: str, edits: list[tuple[int, int, bytes]], content_type: str | None
) -> None:
    body = bytearray(seed.encode())
    for at, drop, insert in edits:
        at = min(at, len(body))
        body[at : at + drop] = insert
    try:
        feed = parse_feed(bytes(body), URL, content_type, now=NOW)
    except FeedError as error:
        assert error.message
    else:
        for entry in feed.entries:
            assert entry.url.startswith(("http://", "https://"))
            assert len(entry.title) <= MAX_TITLE_CHARS and "\n" not in entry.title
            assert entry.published is None or entry.published <= NOW


def _documented_value(name: str, value: object) -> str:
    if isinstance(value, timedelta):
        hours, rest = divmod(int(value.total_seconds()), 3600)
        if rest:
            return f"{rest // 60} minutes"
        return "1 hour" if hours == 1 else f"{hours} hours"
    if name.endswith("_BYTES") and isinstance(value, int):
        return f"{value // (1024 * 1024)} MiB"
    if name.endswith("_SECONDS") and isinstance(value, int):
        return f"{value // 86400} days"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def test_every_limit_is_in_the_manual_with_its_value() -> None:
    import broadsheet.feeds as feeds

    manual = (Path(__file__).resolve().parents[2] / "docs" / "feeds.md").read_text("utf-8")
    constants = [name for name in feeds.__all__ if name.isupper()]
    assert len(constants) >= 20
    for name in constants:
        row = f"| `{name}` | {_documented_value(name, getattr(feeds, name))} |"
        assert row in manual, f"docs/feeds.md does not list {row}"
