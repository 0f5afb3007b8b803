"""OPML import and export: categories, hostile links, limits, entities, and the round trip."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.feeds import (
    MAX_CATEGORY_CHARS,
    MAX_OPML_BYTES,
    MAX_OPML_FEEDS,
    MAX_OPML_SKIPPED,
    MAX_TITLE_CHARS,
    OpmlError,
    OpmlFeed,
    OpmlSkipped,
    parse_opml,
    write_opml,
)
from broadsheet.feeds.text import one_line
from tests.support.fixture_server import serve_fixtures

SUBSCRIPTIONS = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Ada's subscriptions &amp; more</title></head>
  <body>
    <outline text="Local paper" type="rss" xmlUrl="https://gazette.example.org/feed/"
             htmlUrl="https://gazette.example.org/"/>
    <outline text="News">
      <outline text="Science">
        <outline text="Nature News" title="Nature" type="rss" xmlUrl="https://nature.example/rss"/>
        <outline text="Deep">
          <outline text="Deeper" xmlUrl="https://deep.example/atom"/>
        </outline>
      </outline>
      <outline text="Politics feed" type="rss" xmlurl="http://politics.example/rss.xml"/>
    </outline>
    <outline text="Links">
      <outline text="A web page" type="link" url="https://page.example/"/>
    </outline>
    <outline text="Empty category"/>
  </body>
</opml>
"""


def test_feeds_with_nested_categories_as_labels() -> None:
    result = parse_opml(SUBSCRIPTIONS)
    assert result.title == "Ada's subscriptions & more"
    assert result.feeds == (
        OpmlFeed(
            "https://gazette.example.org/feed/", "Local paper", None, "https://gazette.example.org/"
        ),
        OpmlFeed("https://nature.example/rss", "Nature", "News / Science"),
        OpmlFeed("https://deep.example/atom", "Deeper", "News / Science / Deep"),
        OpmlFeed("http://politics.example/rss.xml", "Politics feed", "News"),
    )
    assert result.skipped == (
        OpmlSkipped("A web page", "A link to a page, not a feed: it has no xmlUrl."),
    )


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("javascript:alert(document.cookie)", "javascript: addresses are not followed"),
        ("JavaScript:alert(1)", "javascript: addresses are not followed"),
        ("java&#10;script:alert(1)", "javascript: addresses are not followed"),
        ("data:application/rss+xml;base64,PHJzcy8+", "data: addresses are not followed"),
        ("file:///etc/passwd", "file: addresses are not followed"),
        ("ftp://ftp.example.org/feed.xml", "ftp: addresses are not followed"),
        ("/feeds/relative.xml", "relative address"),
        ("feeds/relative.xml", "relative address"),
        ("http://:80/x", "names no host"),
        ("http://[::1/x", "Not a valid address"),
        ("https://host.example/" + "a" * 3000, "longer than 2,048 characters"),
        ("   ", None),
    ],
)
def test_unusable_links_are_skipped_and_reported(url: str, why: str | None) -> None:
    body = (
        '<opml version="2.0"><body>'
        f'<outline text="Bad one" xmlUrl="{url}"/>'
        '<outline text="Good" xmlUrl="https://good.example/rss"/>'
        "</body></opml>"
    ).encode()
    result = parse_opml(body)
    assert [f.url for f in result.feeds] == ["https://good.example/rss"]
    if why is None:  # an empty xmlUrl: a category with no feeds, nothing to report
        assert result.skipped == ()
    else:
        (skipped,) = result.skipped
        assert skipped.what == "Bad one"
        assert why in skipped.why


def test_feed_scheme_duplicates_and_case_of_attribute_names() -> None:
    body = b"""<opml version="1.1"><body>
      <outline TEXT="Old style" XMLURL="feed://old.example/rss"/>
      <outline text="Wrapped" xmlUrl="feed:https://wrapped.example/rss"/>
      <outline text="Again" xmlUrl="http://old.example/rss"/>
    </body></opml>"""
    result = parse_opml(body)
    assert [(f.url, f.title) for f in result.feeds] == [
        ("http://old.example/rss", "Old style"),
        ("https://wrapped.example/rss", "Wrapped"),
    ]
    assert result.skipped == (OpmlSkipped("Again", "The same feed is listed earlier in the file."),)


def test_ten_thousand_outlines_import_the_first_thousand_and_report_the_rest() -> None:
    outlines = "".join(
        f'<outline text="Feed {i}" xmlUrl="https://f{i}.example/rss"/>' for i in range(10_000)
    )
    body = f'<opml version="2.0"><body><outline text="All">{outlines}</outline></body></opml>'
    result = parse_opml(body.encode())
    assert len(result.feeds) == MAX_OPML_FEEDS
    assert result.feeds[-1].url == f"https://f{MAX_OPML_FEEDS - 1}.example/rss"
    assert result.skipped == (
        OpmlSkipped(
            "9,000 more feeds",
            "Not imported: one file imports at most 1,000 feeds. "
            "Import the rest from a second file.",
        ),
    )


def test_many_bad_outlines_are_listed_up_to_the_limit_then_counted() -> None:
    bad = "".join(f'<outline text="Bad {i}" xmlUrl="javascript:x({i})"/>' for i in range(500))
    result = parse_opml(f"<opml><body>{bad}</body></opml>".encode())
    assert result.feeds == ()
    assert len(result.skipped) == MAX_OPML_SKIPPED + 1
    assert result.skipped[0].what == "Bad 0"
    assert result.skipped[-1].what == f"{500 - MAX_OPML_SKIPPED} more outlines"


def test_titles_and_categories_are_one_line_and_cut() -> None:
    long = "word " * 1000
    body = (
        f'<opml><body><outline text="{long}"><outline text="Line&#10;one&#13;&#10;two  '
        f'&lt;b&gt;" xmlUrl="https://a.example/rss"/><outline text="{long}" '
        'xmlUrl="https://b.example/rss"/></outline></body></opml>'
    ).encode()
    a, b = parse_opml(body).feeds
    assert a.title == "Line one two <b>"  # an OPML title is text: nothing to strip
    assert a.category is not None and len(a.category) <= MAX_CATEGORY_CHARS
    assert a.category.endswith("…")
    assert b.title is not None and len(b.title) <= MAX_TITLE_CHARS


def test_malformed_opml_is_recovered() -> None:
    body = b"""<opml version="1.0"><body>
      <outline text="Fish & Chips" xmlUrl="https://fish.example/rss?a=1&b=2"/>
      <outline text="Unclosed" xmlUrl="https://unclosed.example/rss">
    </body>"""
    urls = [f.url for f in parse_opml(body).feeds]
    assert "https://unclosed.example/rss" in urls


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "opml_empty"),
        (b"<html><body><p>Not OPML</p></body></html>", "opml_invalid"),
        (b'<rss version="2.0"><channel><title>x</title></channel></rss>', "opml_invalid"),
        (b'<opml version="2.0"><head/></opml>', "opml_invalid"),
        (b"\x89PNG\r\n\x1a\n", "opml_invalid"),
        (b"not xml at all", "opml_invalid"),
    ],
)
def test_files_that_are_not_opml(body: bytes, code: str) -> None:
    with pytest.raises(OpmlError) as caught:
        parse_opml(body)
    assert caught.value.code == code
    assert str(caught.value)


def test_a_file_over_the_size_limit_is_refused() -> None:
    body = b"<opml><body>" + b" " * MAX_OPML_BYTES + b"</body></opml>"
    with pytest.raises(OpmlError) as caught:
        parse_opml(body)
    assert caught.value.code == "opml_too_large"


def test_utf16_opml() -> None:
    body = '<?xml version="1.0" encoding="UTF-16"?><opml><body><outline text="Ünï" xmlUrl="https://u.example/"/></body></opml>'
    assert parse_opml(body.encode("utf-16")).feeds[0].title == "Ünï"


def test_entity_bomb_and_external_entities_in_opml(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER-5150")
    lol = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)
    ]
    with serve_fixtures() as server:
        body = (
            '<?xml version="1.0"?><!DOCTYPE opml ['
            + "".join(lol)
            + f'<!ENTITY file SYSTEM "file://{secret}">'
            + f'<!ENTITY net SYSTEM "{server.url("/raw?body=REMOTE")}">'
            + f'<!ENTITY % p SYSTEM "{server.url("/dtd")}">%p;]>'
            + '<opml version="2.0"><head><title>&lol9; &file; &net;</title></head><body>'
            + '<outline text="A &lol9;" xmlUrl="https://a.example/rss"/>'
            + '<outline text="B &file;&net;" xmlUrl="https://b.example/rss"/>'
            + "</body></opml>"
        ).encode()
        began = time.monotonic()
        result = parse_opml(body)
        assert time.monotonic() - began < 2
        assert server.hits == {}
    assert [f.url for f in result.feeds] == ["https://a.example/rss", "https://b.example/rss"]
    text = repr(result)
    assert "lollol" not in text and "SECRET-MARKER" not in text and "REMOTE" not in text


# --- export ---------------------------------------------------------------------------------


def test_write_escapes_everything_and_groups_by_category() -> None:
    feeds = [
        OpmlFeed("https://a.example/rss?x=1&y=2", 'Tom & Jerry\'s "<b>news</b>"', "Cats & Dogs"),
        OpmlFeed("https://b.example/rss", "Line\r\nbreak", None, "https://b.example/"),
        OpmlFeed("https://c.example/rss", None, "Cats & Dogs"),
    ]
    out = write_opml(feeds, 'Export <1> & "2"', created=datetime(2025, 6, 1, 12, tzinfo=UTC))
    text = out.decode("utf-8")
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>")
    assert 'Export &lt;1&gt; &amp; "2"' in text
    assert 'xmlUrl="https://a.example/rss?x=1&amp;y=2"' in text
    assert 'title="Tom &amp; Jerry\'s &quot;&lt;b&gt;news&lt;/b&gt;&quot;"' in text
    assert "<dateCreated>Sun, 01 Jun 2025 12:00:00 +0000</dateCreated>" in text
    assert "\r" not in text and "Line break" in text
    result = parse_opml(out)
    assert result.title == 'Export <1> & "2"'
    assert result.feeds == (
        OpmlFeed("https://b.example/rss", "Line break", None, "https://b.example/"),
        OpmlFeed("https://a.example/rss?x=1&y=2", 'Tom & Jerry\'s "<b>news</b>"', "Cats & Dogs"),
        OpmlFeed("https://c.example/rss", None, "Cats & Dogs"),
    )


def test_write_refuses_an_address_that_is_not_http() -> None:
    with pytest.raises(ValueError):
        write_opml([OpmlFeed("javascript:alert(1)")], "x")
    with pytest.raises(ValueError):
        write_opml([], "x", created=datetime(2025, 1, 1))


_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
_URL_TAIL = st.text(
    st.characters(
        exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), exclude_characters="#\ufffe\uffff"
    ),
    max_size=40,
)


@st.composite
def _feeds(draw: st.DrawFn) -> list[OpmlFeed]:
    n = draw(st.integers(0, 12))
    categories = draw(st.lists(_TEXT, min_size=1, max_size=3))
    out = []
    for i in range(n):
        tail = draw(_URL_TAIL)
        url = f"https://host{i}.example/{tail}"
        title = draw(st.none() | _TEXT)
        category = draw(st.none() | st.sampled_from(categories))
        out.append(OpmlFeed(url, title, category))
    return out


@settings(max_examples=80, deadline=None)
@given(_feeds(), _TEXT)
def test_write_then_parse_round_trips(feeds: list[OpmlFeed], title: str) -> None:
    result = parse_opml(write_opml(feeds, title))

    def normal(feed: OpmlFeed) -> OpmlFeed:
        return OpmlFeed(
            url=feed.url.replace(" ", "%20"),
            title=one_line(feed.title, MAX_TITLE_CHARS) or None,
            category=one_line(feed.category, MAX_CATEGORY_CHARS) or None,
        )

    expected = [normal(f) for f in feeds]
    assert sorted(result.feeds, key=lambda f: f.url) == sorted(expected, key=lambda f: f.url)
    assert result.skipped == ()
    assert result.title == (one_line(title, MAX_TITLE_CHARS) or None)
    for feed in result.feeds:
        for value in (feed.title or "", feed.category or ""):
            assert "\n" not in value and "\r" not in value and value == value.strip()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 1200),
            st.integers(0, 30),
            st.sampled_from([b"<", b">", b"&", b'"', b"<!DOCTYPE o [", b"]>", b"\x00", b"\xff"])
            | st.binary(max_size=8),
        ),
        max_size=8,
    )
)
def test_a_damaged_opml_file_gives_feeds_or_an_opml_error(
    edits: list[tuple[int, int, bytes]],
) -> None:
    body = bytearray(SUBSCRIPTIONS)
    for at, drop, insert in edits:
        at = min(at, len(body))
        body[at : at + drop] = insert
    try:
        result = parse_opml(bytes(body))
    except OpmlError as error:
        assert error.message
    else:
        assert all(f.url.startswith(("http://", "https://")) for f in result.feeds)
