"""Conditional GETs, validators and cache hints, feed content types: fetch() against the loopback
feed server (tests/support/feed_server.py) and the routed server of the fetch tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.utils import format_datetime
from urllib.parse import quote

import pytest

from broadsheet.fetch import (
    ALLOWED_REQUEST_HEADERS,
    MAX_HEADER_CHARS,
    AddressNotAllowed,
    FetchOptions,
    HTTPStatus,
    Timeout,
    UnsupportedContent,
    fetch,
)
from broadsheet.fetch.content import sniff_feed
from broadsheet.fetch.headers import check_request_headers
from tests.support.feed_server import FeedItem, FeedServer, rss_feed, serve_feeds

from .conftest import Reply, RoutedServer

FEED = frozenset({"feed"})
FEED_OR_PAGE = frozenset({"feed", "html"})
JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Loopback News",
        "items": [{"id": "a", "url": "https://example.org/a", "title": "First story"}],
    }
).encode()


@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServer]:
    with serve_feeds() as server:  # one per module: each shutdown waits out a 0.5 s poll
        yield server


@pytest.fixture
def feeds(feed_server: FeedServer) -> FeedServer:
    """The module's feed server with no feeds and nothing asked of it yet."""
    with feed_server.lock:
        feed_server.resources.clear()
        feed_server.hits.clear()
        feed_server.recorded.clear()
    return feed_server


def _port(server: FeedServer) -> int:
    return int(server.base_url.rsplit(":", 1)[1])


def _options(
    server: FeedServer, accept: frozenset[str] = FEED, deadline: float = 20.0
) -> FetchOptions:
    """Loopback allowed for this server's host:port only, as the other fetch tests do it."""
    allow = frozenset({f"127.0.0.1:{_port(server)}"})
    return FetchOptions(allow_private=allow, accept=accept, deadline=deadline)


def _news(server: FeedServer, *guids: str) -> None:
    server.set_rss("news", "Loopback News", [FeedItem(g, f"Story {g}") for g in guids])


# --- 304 Not Modified ------------------------------------------------------------------------


def test_a_plain_fetch_gives_validators_and_is_modified(feeds: FeedServer) -> None:
    _news(feeds, "a")
    page = fetch(feeds.feed_url("news"), options=_options(feeds))
    assert page.status == 200 and not page.not_modified
    assert page.content_type == "application/rss+xml"
    assert b"Story a" in page.content
    resource = feeds.resources["news"]
    assert page.etag == resource.etag
    assert page.last_modified == format_datetime(resource.last_modified, usegmt=True)
    assert page.last_modified.endswith(" GMT")
    assert page.cache_control is None
    assert feeds.requests()[-1].if_none_match is None


def test_if_none_match_gets_the_not_modified_page(feeds: FeedServer) -> None:
    _news(feeds, "a")
    url = feeds.feed_url("news")
    first = fetch(url, options=_options(feeds))
    assert first.etag is not None
    page = fetch(url, options=_options(feeds), headers={"If-None-Match": first.etag})
    assert page.not_modified
    assert page.status == 304
    assert page.content == b"" and page.text == ""
    assert page.content_type == ""
    assert page.url == url and page.final_url == url
    assert page.etag == first.etag  # the server repeats its validators on the 304
    assert page.last_modified == first.last_modified
    assert feeds.requests("/feeds/news")[-1].if_none_match == first.etag


def test_if_modified_since_gets_the_not_modified_page(feeds: FeedServer) -> None:
    _news(feeds, "a")
    url = feeds.feed_url("news")
    first = fetch(url, options=_options(feeds))
    assert first.last_modified is not None
    page = fetch(url, options=_options(feeds), headers={"if-modified-since": first.last_modified})
    assert page.not_modified
    assert feeds.requests()[-1].if_modified_since == first.last_modified


def test_a_changed_feed_comes_back_whole_with_new_validators(feeds: FeedServer) -> None:
    _news(feeds, "a")
    url = feeds.feed_url("news")
    first = fetch(url, options=_options(feeds))
    assert first.etag is not None and first.last_modified is not None
    _news(feeds, "b", "a")
    page = fetch(
        url,
        options=_options(feeds),
        headers={"If-None-Match": first.etag, "If-Modified-Since": first.last_modified},
    )
    assert page.status == 200 and not page.not_modified
    assert b"Story b" in page.content
    assert page.etag is not None and page.etag != first.etag
    assert page.last_modified == format_datetime(feeds.resources["news"].last_modified, usegmt=True)
    assert page.last_modified != first.last_modified


def test_cache_control_is_passed_on(feeds: FeedServer) -> None:
    body = rss_feed("T", [FeedItem("a", "A")], base_url=feeds.base_url)
    feeds.set_feed("news", body, cache_control="public, max-age=600")
    url = feeds.feed_url("news")
    page = fetch(url, options=_options(feeds))
    assert page.cache_control == "public, max-age=600"
    assert page.etag is not None
    again = fetch(url, options=_options(feeds), headers={"If-None-Match": page.etag})
    assert again.not_modified and again.cache_control == "public, max-age=600"


def test_a_304_nobody_asked_for_is_an_error(server: RoutedServer) -> None:
    server.routes["/"] = Reply(status=304, headers=[("ETag", '"x"')], body=b"")
    with pytest.raises(HTTPStatus) as info:
        fetch(server.url(), options=server.allow)
    assert info.value.status == 304
    assert str(info.value) == "The site answered 304"
    # ... while the same answer to a conditional request is the not-modified page.
    page = fetch(server.url(), options=server.allow, headers={"If-None-Match": '"x"'})
    assert page.not_modified and page.etag == '"x"'


def test_headers_are_sent_again_on_every_redirect_hop(feeds: FeedServer) -> None:
    _news(feeds, "a")
    etag = feeds.resources["news"].etag
    hop = feeds.url("/redirect?status=301&to=" + quote("/feeds/news"))
    start = feeds.url("/redirect?to=" + quote(hop))
    page = fetch(start, options=_options(feeds), headers={"If-None-Match": etag})
    assert page.not_modified
    assert page.url == start and page.final_url == feeds.feed_url("news")
    sent = feeds.requests()
    assert [r.path for r in sent] == ["/redirect", "/redirect", "/feeds/news"]
    assert all(r.if_none_match == etag for r in sent)
    # The caller's headers are added; the fetch's own are not replaced.
    assert all(r.user_agent is not None and r.user_agent.startswith("Broadsheet/") for r in sent)


def test_the_limits_still_hold_for_a_conditional_fetch(feeds: FeedServer) -> None:
    _news(feeds, "a")
    etag = feeds.resources["news"].etag
    with pytest.raises(Timeout):
        fetch(
            feeds.url("/slow/2/feeds/news"),
            options=_options(feeds, deadline=0.5),
            headers={"If-None-Match": etag},
        )


# --- the redirect guard is unchanged ----------------------------------------------------------


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:{port}/feeds/news",
        "http://2130706433/feeds/news",
        "http://0x7f000001:{other}/feeds/news",
        "http://10.0.0.1/feeds/news",
        "http://[::1]:{port}/feeds/news",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(feeds: FeedServer, location: str) -> None:
    """Loopback is allowed for 127.0.0.1:<port> only; headers do not open anything else."""
    _news(feeds, "a")
    etag = feeds.resources["news"].etag
    target = location.format(port=_port(feeds), other=_port(feeds) + 1)
    with pytest.raises(AddressNotAllowed):
        fetch(
            feeds.url("/redirect?to=" + quote(target, safe="")),
            options=_options(feeds),
            headers={"If-None-Match": etag},
        )
    assert feeds.count("/feeds/news") == 0


def test_a_redirect_to_another_loopback_server_is_refused(feeds: FeedServer) -> None:
    with serve_feeds() as other:
        _news(other, "a")
        with pytest.raises(AddressNotAllowed):
            fetch(
                feeds.url("/redirect?to=" + quote(other.feed_url("news"), safe="")),
                options=_options(feeds),
                headers={"If-None-Match": '"anything"'},
            )
        assert other.requests() == []


# --- the header allow-list ---------------------------------------------------------------------


def test_the_allow_list() -> None:
    assert frozenset({"If-None-Match", "If-Modified-Since"}) == ALLOWED_REQUEST_HEADERS
    assert MAX_HEADER_CHARS == 1024


@pytest.mark.parametrize(
    "name",
    [
        "Host",
        "Cookie",
        "Authorization",
        "Proxy-Authorization",
        "User-Agent",
        "Accept",
        "Accept-Encoding",
        "Content-Length",
        "Transfer-Encoding",
        "Connection",
        "Range",
        "X-Forwarded-For",
        "If-None-Match\r\nX-Injected",
        "If-None-Match ",
        "",
    ],
)
def test_headers_outside_the_allow_list_are_refused(feeds: FeedServer, name: str) -> None:
    _news(feeds, "a")
    with pytest.raises(ValueError, match="may not be set"):
        fetch(feeds.feed_url("news"), options=_options(feeds), headers={name: "x"})
    assert feeds.requests() == []  # refused before anything was sent


@pytest.mark.parametrize(
    "value",
    [
        '"a"\r\nX-Injected: 1',
        '"a"\nX-Injected: 1',
        '"a"\rX-Injected: 1',
        "\r\n",
        '"a"\x00',
        '"a"\t',
        '"a"\x7f',
        '"café"',
        "x" * (MAX_HEADER_CHARS + 1),
        "",
        " ",
        ' "a"',
        '"a" ',
    ],
    ids=repr,
)
def test_bad_header_values_are_refused(feeds: FeedServer, value: str) -> None:
    _news(feeds, "a")
    with pytest.raises(ValueError, match="bad value"):
        fetch(feeds.feed_url("news"), options=_options(feeds), headers={"If-None-Match": value})
    assert feeds.requests() == []


def test_header_checks_by_themselves() -> None:
    longest = "x" * MAX_HEADER_CHARS
    assert check_request_headers(None) == {}
    assert check_request_headers({"if-none-match": longest, "IF-MODIFIED-SINCE": "Mon"}) == {
        "If-None-Match": longest,
        "If-Modified-Since": "Mon",
    }
    with pytest.raises(ValueError, match="given twice"):
        check_request_headers({"If-None-Match": '"a"', "if-none-match": '"b"'})
    with pytest.raises(TypeError):
        check_request_headers({"If-None-Match": b'"a"'})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([("ETag", "x" * MAX_HEADER_CHARS)], "x" * MAX_HEADER_CHARS),
        ([("ETag", "x" * (MAX_HEADER_CHARS + 1))], None),
        ([("ETag", '"a"'), ("ETag", '"b"')], None),  # which one? neither
        ([("ETag", '"caf\xe9"')], None),
        ([], None),
    ],
    ids=["at-the-cap", "too-long", "twice", "not-ascii", "missing"],
)
def test_validators_must_be_one_clean_line(
    server: RoutedServer, headers: list[tuple[str, str]], expected: str | None
) -> None:
    server.routes["/"] = Reply(headers=[("Content-Type", "text/html"), *headers])
    assert fetch(server.url(), options=server.allow).etag == expected


def test_repeated_cache_control_is_joined(server: RoutedServer) -> None:
    server.routes["/"] = Reply(
        headers=[
            ("Content-Type", "text/html"),
            ("Cache-Control", "max-age=60"),
            ("Cache-Control", "must-revalidate"),
            ("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT"),
        ]
    )
    page = fetch(server.url(), options=server.allow)
    assert page.cache_control == "max-age=60, must-revalidate"
    assert page.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT"


# --- Retry-After --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "retry_after"),
    [(429, "120"), (503, "Wed, 21 Oct 2099 07:28:00 GMT"), (500, None), (429, None)],
)
def test_error_statuses_carry_retry_after(
    feeds: FeedServer, status: int, retry_after: str | None
) -> None:
    query = f"?retry_after={quote(retry_after)}" if retry_after is not None else ""
    with pytest.raises(HTTPStatus) as info:
        fetch(feeds.url(f"/status/{status}{query}"), options=_options(feeds))
    assert info.value.status == status
    assert info.value.retry_after == retry_after
    assert info.value.code == "http_status"
    assert str(info.value) == f"The site answered {status}"


# --- feed content types --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml; charset=utf-8",
    ],
)
def test_xml_feed_types_are_accepted(feeds: FeedServer, content_type: str) -> None:
    body = rss_feed("T", [FeedItem("a", "A")], base_url=feeds.base_url)
    feeds.set_feed("news", body, content_type)
    page = fetch(feeds.feed_url("news"), options=_options(feeds))
    assert page.content == body
    assert page.content_type == content_type.split(";")[0]


@pytest.mark.parametrize("content_type", ["application/feed+json", "application/json"])
def test_json_feed_types_are_accepted(feeds: FeedServer, content_type: str) -> None:
    feeds.set_feed("news", JSON_FEED, content_type)
    page = fetch(feeds.feed_url("news"), options=_options(feeds))
    assert page.content == JSON_FEED
    assert page.content_type == content_type
    assert page.charset == "utf-8"
    # A reader's save (html only) still refuses them.
    with pytest.raises(UnsupportedContent):
        fetch(feeds.feed_url("news"), options=_options(feeds, accept=frozenset({"html"})))


def test_the_accept_header_names_feed_types(feeds: FeedServer) -> None:
    _news(feeds, "a")
    fetch(feeds.feed_url("news"), options=_options(feeds, accept=FEED_OR_PAGE))
    accept = feeds.requests()[-1].headers["accept"]
    for media_type in ("application/rss+xml", "application/atom+xml", "application/feed+json"):
        assert media_type in accept
    assert "text/html" in accept


@pytest.mark.parametrize(
    ("content_type", "body", "sniffed"),
    [
        ("text/plain", None, "application/xml"),
        ("text/plain; charset=utf-8", None, "application/xml"),
        ("application/octet-stream", None, "application/xml"),
        ("text/plain", JSON_FEED, "application/feed+json"),
        ("application/octet-stream", JSON_FEED, "application/feed+json"),
        ("text/html", None, "application/xml"),  # a misconfigured server, to a feeds-only caller
    ],
)
def test_a_feed_under_a_generic_type_is_sniffed(
    feeds: FeedServer, content_type: str, body: bytes | None, sniffed: str
) -> None:
    if body is None:
        body = rss_feed("T", [FeedItem("a", "A")], base_url=feeds.base_url)
    feeds.set_feed("news", body, content_type)
    page = fetch(feeds.feed_url("news"), options=_options(feeds))
    assert page.content == body
    assert page.content_type == sniffed
    assert page.headers["content-type"] == content_type  # what the server said is kept


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b"Just some words, no feed here."),
        ("application/octet-stream", b"%PDF-1.7 binary"),
        ("text/plain", b'{"not": "a feed"}'),
        ("text/html", b"<!doctype html><html><body><p>A page</p></body></html>"),
    ],
)
def test_a_generic_type_that_is_no_feed_is_refused(
    feeds: FeedServer, content_type: str, body: bytes
) -> None:
    feeds.set_feed("news", body, content_type)
    with pytest.raises(UnsupportedContent) as info:
        fetch(feeds.feed_url("news"), options=_options(feeds))
    assert str(info.value) == f"The address is not a web page (it is {content_type})."


def test_a_reader_save_does_not_sniff_generic_types(feeds: FeedServer) -> None:
    """Without "feed" in accept, text/plain is refused as before, whatever the body holds."""
    body = rss_feed("T", [FeedItem("a", "A")], base_url=feeds.base_url)
    feeds.set_feed("news", body, "text/plain")
    with pytest.raises(UnsupportedContent):
        fetch(feeds.feed_url("news"), options=_options(feeds, accept=frozenset({"html"})))


def test_a_feed_without_content_type_is_sniffed(server: RoutedServer) -> None:
    body = (
        b'<?xml version="1.0"?><!-- generated --><rss version="2.0"><channel><title>T</title>'
        b"<item><description><![CDATA[<body>html in a feed</body>]]></description></item>"
        b"</channel></rss>"
    )
    server.routes["/"] = Reply(headers=[], body=body)
    options = FetchOptions(allow_private=True, accept=FEED_OR_PAGE)
    assert fetch(server.url(), options=options).content_type == "application/xml"
    server.routes["/"] = Reply(headers=[], body=JSON_FEED)
    assert fetch(server.url(), options=options).content_type == "application/feed+json"


def test_feed_or_page_takes_both(feeds: FeedServer) -> None:
    """Subscribing by a site's address: the feed itself, or the page to find its feeds in."""
    _news(feeds, "a")
    feeds.set_atom("atom", "Loopback Atom", [FeedItem("b", "B")])
    options = _options(feeds, accept=FEED_OR_PAGE)
    site = fetch(feeds.url("/site"), options=options)
    assert site.content_type == "text/html"
    assert b'type="application/rss+xml"' in site.content
    assert fetch(feeds.feed_url("news"), options=options).content_type == "application/rss+xml"
    atom = fetch(feeds.feed_url("atom"), options=options)
    assert atom.content_type == "application/atom+xml"
    feeds.set_feed("plain", JSON_FEED, "text/plain")
    assert fetch(feeds.feed_url("plain"), options=options).content_type == "application/feed+json"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'<?xml version="1.0"?><rss version="2.0">', "application/xml"),
        (
            b'\xef\xbb\xbf\n<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?><feed>',
            "application/xml",
        ),
        (b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">', "application/xml"),
        (b'<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x.dtd"><rss>', "application/xml"),
        (b'<!DOCTYPE rss [<!ENTITY e "a>b">]>\n<rss version="2.0">', "application/xml"),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', "application/xml"),
        (b'<atom:feed xmlns:atom="http://www.w3.org/2005/Atom">', "application/xml"),
        (
            b'{"version": "https:\\/\\/jsonfeed.org\\/version\\/1", "items": []}',
            "application/feed+json",
        ),
        (b'{"items": [], "title": "no version"}', None),
        (b"<feedback>not a feed</feedback>", None),
        (b"<html><body><rss>", None),
        (b"<!-- never closed <rss>", None),
        (b"plain text", None),
    ],
)
def test_sniff_feed(body: bytes, expected: str | None) -> None:
    assert sniff_feed(body) == expected
