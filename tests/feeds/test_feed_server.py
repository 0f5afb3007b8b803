"""The feed server of tests/support works as a polling test needs: checked with plain urllib."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from broadsheet.feeds import NotAFeed, parse_feed
from tests.support.feed_server import FeedItem, serve_feeds

HTTP_DATE = "Sun, 01 Jun 2025 13:30:00 GMT"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(_NoRedirect())
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_conditional_get_answers_304_until_the_feed_changes() -> None:
    with serve_feeds() as server:
        server.set_rss("news", "Loopback News", [FeedItem("a", "First")])
        url = server.feed_url("news")

        status, headers, body = get(url)
        assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
        etag, modified = headers["ETag"], headers["Last-Modified"]
        assert [e.title for e in parse_feed(body, url, headers["Content-Type"]).entries] == [
            "First"
        ]

        status, headers, body = get(url, {"If-None-Match": etag})
        assert (status, body) == (304, b"") and headers["ETag"] == etag
        assert get(url, {"If-None-Match": f'W/{etag}, "other"'})[0] == 304
        assert get(url, {"If-None-Match": "*"})[0] == 304
        assert get(url, {"If-None-Match": '"stale"'})[0] == 200
        assert get(url, {"If-Modified-Since": modified})[0] == 304
        assert get(url, {"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"})[0] == 200
        # If-None-Match wins over If-Modified-Since (RFC 9110).
        assert get(url, {"If-None-Match": '"stale"', "If-Modified-Since": modified})[0] == 200

        server.set_rss("news", "Loopback News", [FeedItem("b", "Second"), FeedItem("a", "First")])
        status, headers, body = get(url, {"If-None-Match": etag, "If-Modified-Since": modified})
        assert status == 200 and headers["ETag"] != etag
        assert headers["Last-Modified"] != modified
        assert get(url, {"If-Modified-Since": modified})[0] == 200
        assert len(parse_feed(body, url, None).entries) == 2

        sent = server.requests("/feeds/news")
        assert server.count("/feeds/news") == len(sent) == 10
        assert sent[1].if_none_match == etag and sent[1].if_modified_since is None
        assert sent[6].if_modified_since == "Sat, 01 Jan 2000 00:00:00 GMT"


def test_atom_feeds_and_the_autodiscovery_page() -> None:
    with serve_feeds() as server:
        server.set_rss("rss", "R", [FeedItem("1", "One")])
        server.set_atom(
            "atom", "A", [FeedItem("2", "Two", published=datetime(2025, 1, 2, tzinfo=UTC))]
        )
        status, headers, body = get(server.feed_url("atom"))
        assert status == 200
        feed = parse_feed(body, server.feed_url("atom"), headers["Content-Type"])
        assert feed.version == "atom10" and feed.entries[0].title == "Two"
        assert feed.entries[0].url == server.url("/story/2")

        _, headers, page = get(server.url("/site"))
        with pytest.raises(NotAFeed) as caught:
            parse_feed(page, server.url("/site"), headers["Content-Type"])
        assert [(link.url, link.kind) for link in caught.value.links] == [
            (server.feed_url("rss"), "rss"),
            (server.feed_url("atom"), "atom"),
        ]
        server.set_html("blank", "<html><body>nothing</body></html>")
        assert get(server.url("/html/blank"))[2] == b"<html><body>nothing</body></html>"
        assert get(server.feed_url("never-set"))[0] == 404


def test_errors_retry_after_redirects_and_slowness() -> None:
    with serve_feeds() as server:
        server.set_rss("news", "N", [FeedItem("a", "A")], ttl=90)
        status, headers, _ = get(server.url("/status/429?retry_after=120"))
        assert (status, headers["Retry-After"]) == (429, "120")
        status, headers, _ = get(server.url("/status/500"))
        assert status == 500 and "Retry-After" not in headers
        status, headers, _ = get(server.url("/status/503?retry_after=" + quote(HTTP_DATE)))
        assert (status, headers["Retry-After"]) == (503, HTTP_DATE)

        # The redirect's Location is whatever the test asks for; nothing follows it here.
        status, headers, _ = get(server.url("/redirect?to=http://10.0.0.1/feed.xml"))
        assert (status, headers["Location"]) == (302, "http://10.0.0.1/feed.xml")
        status, headers, _ = get(server.url("/redirect?to=/feeds/news&status=301"))
        assert (status, headers["Location"]) == (301, "/feeds/news")

        began = time.monotonic()
        status, _, body = get(server.url("/slow/0.5/feeds/news"))
        assert status == 200 and time.monotonic() - began >= 0.5
        assert parse_feed(body, server.feed_url("news"), None).ttl_seconds == 90 * 60
        assert server.count("/slow/0.5/feeds/news") == 1
