"""Feeds (issue 12), end to end against a real feed server on loopback: subscribing by a feed's
or a site's address, conditional polling with ETag/304, backing off on errors, entries that are
not saved items until saved, entries on a followed topic fetched in full, OPML in and out."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.utils import timezone

from broadsheet.core import polling, queries, services
from broadsheet.core.errors import AlreadySubscribed, InvalidInput, InvalidOpml, InvalidURL
from broadsheet.core.models import Feed, FeedEntry, Item, TopicMatch
from tests.conftest import ApiClient
from tests.support.feed_server import FeedItem, FeedServer, serve_feeds

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def feed_server(settings: Any) -> Iterator[FeedServer]:
    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = "true"
    settings.BROADSHEET_FETCH_RETRIES = 0
    settings.BROADSHEET_FETCH_DEADLINE = 3
    with serve_feeds() as server:
        yield server


def _poll(feed: Feed) -> polling.Polled:
    feed.refresh_from_db()
    return polling.poll(feed)


def test_subscribe_poll_conditionally_and_store_new_entries(
    feed_server: FeedServer, alice: AbstractBaseUser
) -> None:
    feed_server.set_rss("news", "Loopback News", [FeedItem("a", "First story")])
    feed = services.subscribe(alice, feed_server.feed_url("news"))
    assert feed.status == "pending"
    assert _poll(feed).new_entries == 1
    feed.refresh_from_db()
    assert feed.status == "ok" and feed.title == "Loopback News" and feed.etag
    assert feed.next_poll_at is not None and feed.next_poll_at > timezone.now()
    assert _poll(feed).outcome == "unchanged"  # 304
    assert feed_server.requests("/feeds/news")[-1].if_none_match == feed.etag
    feed_server.set_rss(
        "news", "Loopback News", [FeedItem("b", "Second story"), FeedItem("a", "First story")]
    )
    assert _poll(feed).new_entries == 1
    titles = [e.title for e in FeedEntry.objects.filter(feed=feed)]
    assert titles == ["Second story", "First story"]
    assert queries.counter(alice).saved == 0  # entries are not saved items


def test_subscribe_by_a_sites_address_finds_its_feed(
    feed_server: FeedServer, alice: AbstractBaseUser
) -> None:
    feed_server.set_atom("world", "World Desk", [FeedItem("w1", "A world story")])
    feed = services.subscribe(alice, feed_server.url("/site"))
    assert _poll(feed).new_entries == 1
    feed.refresh_from_db()
    assert feed.url == feed_server.feed_url("world") and feed.given_url.endswith("/site")


def test_a_page_without_a_feed_is_a_clear_failure(
    feed_server: FeedServer, alice: AbstractBaseUser
) -> None:
    feed_server.set_html("plain", "<html><head><title>No feed</title></head><body>Hi</body></html>")
    feed = services.subscribe(alice, feed_server.url("/html/plain"))
    assert _poll(feed).outcome == "failed"
    feed.refresh_from_db()
    assert feed.status == "failed" and feed.error == polling.NOT_A_FEED


def test_errors_back_off_and_retry_after_is_honoured(
    feed_server: FeedServer, alice: AbstractBaseUser
) -> None:
    feed = services.subscribe(alice, feed_server.url("/status/429?retry_after=7200"))
    before = timezone.now()
    assert _poll(feed).outcome == "failed"
    feed.refresh_from_db()
    assert feed.errors_in_row == 1 and feed.next_poll_at is not None
    assert feed.next_poll_at >= before + timedelta(seconds=7200)
    broken = services.subscribe(alice, feed_server.url("/status/500"))
    waits = []
    for _ in range(3):
        _poll(broken)
        broken.refresh_from_db()
        waits.append(broken.next_poll_at - broken.last_polled_at)  # type: ignore[operator]
    assert waits[0] < waits[1] < waits[2]  # doubling


def test_a_redirect_to_a_private_address_is_refused(
    feed_server: FeedServer, alice: AbstractBaseUser, settings: Any
) -> None:
    settings.BROADSHEET_FETCH_ALLOW_PRIVATE = f"127.0.0.1:{feed_server.url('/').split(':')[2][:-1]}"
    feed = services.subscribe(
        alice, feed_server.url("/redirect?to=http://169.254.169.254/latest/meta-data/")
    )
    assert _poll(feed).outcome == "failed"
    feed.refresh_from_db()
    assert feed.status == "failed" and feed.error


def test_a_slow_feed_gives_up(
    feed_server: FeedServer, alice: AbstractBaseUser, settings: Any
) -> None:
    settings.BROADSHEET_FETCH_DEADLINE = 1
    feed_server.set_rss("slow", "Slow", [FeedItem("s", "Slow story")])
    feed = services.subscribe(alice, feed_server.url("/slow/5/feeds/slow"))
    assert _poll(feed).outcome == "failed"


@pytest.mark.parametrize(("wait", "deadline"), [(1, 5), (3, 1)], ids=["answered", "timed-out"])
def test_a_feed_removed_while_it_is_being_checked_stays_removed(
    feed_server: FeedServer, alice: AbstractBaseUser, settings: Any, wait: int, deadline: int
) -> None:
    # The reader unsubscribes while the worker waits for the feed's server: the poll's write
    # back must not bring the feed (or its entries) back, whether the fetch succeeds or fails.
    settings.BROADSHEET_FETCH_DEADLINE = deadline
    feed_server.set_rss("late", "Late", [FeedItem("l1", "Late story")])
    feed = services.subscribe(alice, feed_server.url(f"/slow/{wait}/feeds/late"))
    feed.refresh_from_db()
    outcome: list[polling.Polled] = []
    poller = threading.Thread(target=lambda: outcome.append(polling.poll(feed)))
    poller.start()
    feed_server.wait_for_hit(f"/slow/{wait}/feeds/late")
    services.unsubscribe(alice, feed.pk)
    poller.join(timeout=30)
    assert outcome == [polling.GONE]
    assert not Feed.objects.filter(pk=feed.pk).exists()
    assert not FeedEntry.objects.filter(user=alice).exists()


def test_a_feed_of_100000_entries_is_refused_and_a_long_one_cut(
    feed_server: FeedServer, alice: AbstractBaseUser
) -> None:
    items = [FeedItem(f"g{n}", f"Story {n}") for n in range(100_000)]
    feed_server.set_rss("huge", "Huge", items)  # over the 10 MiB a fetch may read
    feed = services.subscribe(alice, feed_server.feed_url("huge"))
    assert _poll(feed).outcome == "failed"
    feed.refresh_from_db()
    assert feed.status == "failed" and "10 MiB" in feed.error, feed.error
    assert not FeedEntry.objects.filter(feed=feed).exists()
    feed_server.set_rss("long", "Long", [FeedItem(f"l{n}", f"Story {n}") for n in range(5_000)])
    long = services.subscribe(alice, feed_server.feed_url("long"))
    assert _poll(long).new_entries == 500  # broadsheet.feeds.MAX_ENTRIES, the newest
    assert FeedEntry.objects.filter(feed=long, guid__endswith="l0").exists()


def test_subscribing_twice_and_bad_addresses(alice: AbstractBaseUser) -> None:
    services.subscribe(alice, "https://news.example/feed.xml")
    with pytest.raises(AlreadySubscribed):
        services.subscribe(alice, "https://news.example/feed.xml")
    with pytest.raises(InvalidURL):
        services.subscribe(alice, "javascript:alert(1)")
    with pytest.raises(InvalidInput):
        services.subscribe(alice, 5)
    assert Feed.objects.count() == 1


def test_entries_on_a_followed_topic_are_fetched_in_full(
    feed_server: FeedServer, alice: AbstractBaseUser, run_tasks: Callable[[], int]
) -> None:
    page = (
        "<html><head><title>Dam opens</title></head><body><article><h1>The river dam opens</h1>"
        + "".join(
            f"<p>The dam on the river opened on Monday after {n} years of work, engineers said, "
            "and the valley's farmers will get water all summer for the first time.</p>"
            for n in range(6)
        )
        + "</article></body></html>"
    )
    feed_server.set_html("dam", page)
    services.create_topic(alice, "Dams", "dam, river")
    feed_server.set_rss(
        "local",
        "Local",
        [
            FeedItem("d", "The river dam opens", link=feed_server.url("/html/dam")),
            FeedItem("x", "Library hours change", summary="The library opens later."),
        ],
    )
    services.subscribe(alice, feed_server.feed_url("local"))
    run_tasks()  # the first poll, then the text of the entry on the topic
    on_topic = FeedEntry.objects.get(guid__endswith="d")
    assert on_topic.text_status == "ready" and "farmers" in on_topic.text
    assert TopicMatch.objects.filter(entry=on_topic).exists()
    other = FeedEntry.objects.get(guid__endswith="x")
    assert other.text_status == "none"  # not on a topic, not opened: not fetched


def test_opening_and_saving_an_entry(
    feed_server: FeedServer, alice: AbstractBaseUser, run_tasks: Callable[[], int]
) -> None:
    feed_server.set_rss("news", "Loopback News", [FeedItem("a", "First story")])
    services.subscribe(alice, feed_server.feed_url("news"))
    run_tasks()
    entry = FeedEntry.objects.get()
    web = Client()
    web.force_login(alice)
    page = web.get(f"/entries/{entry.pk}/")
    assert page.status_code == 200 and b"First story" in page.content
    assert FeedEntry.objects.get().text_status == "pending"  # opening asks for the story
    r = web.post(f"/entries/{entry.pk}/save/")
    item = Item.objects.get(user=alice)
    assert r.status_code == 302 and r["Location"] == f"/items/{item.pk}/"
    assert FeedEntry.objects.get().item_id == item.pk
    assert queries.counter(alice).saved == 1


def test_opml_import_export_round_trip_and_hostile_files(alice: AbstractBaseUser) -> None:
    opml = b"""<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
      <outline text="News"><outline type="rss" text="Loopback &amp; Co" xmlUrl="https://a.example/feed"/>
      <outline type="rss" text="Evil" xmlUrl="javascript:alert(1)"/></outline>
      <outline type="rss" text="Other" xmlUrl="https://b.example/rss"/></body></opml>"""
    result = services.import_opml(alice, opml)
    assert sorted(f.url for f in result.added) == [
        "https://a.example/feed",
        "https://b.example/rss",
    ]
    assert result.skipped and "javascript" in result.skipped[0][1]
    feed = Feed.objects.get(url="https://a.example/feed")
    assert feed.title == "Loopback & Co" and feed.category == "News"
    again = services.import_opml(alice, opml)
    assert again.already == 2 and not again.added
    exported = services.export_opml(alice)
    assert b"https://a.example/feed" in exported and b"Loopback &amp; Co" in exported
    many = (
        b'<?xml version="1.0"?><opml version="2.0"><body>'
        + b"".join(
            b'<outline type="rss" xmlUrl="https://c.example/%d"/>' % n for n in range(10_000)
        )
        + b"</body></opml>"
    )
    big = services.import_opml(alice, many)
    assert len(big.added) + big.already <= 1_000 and big.skipped
    with pytest.raises(InvalidOpml):
        services.import_opml(alice, b"<html><body>not opml</body></html>")


def test_feeds_api(api: ApiClient, alice: AbstractBaseUser) -> None:
    r = api.post("/api/v1/feeds", {"url": "https://news.example/feed.xml", "category": "News"})
    assert r.status_code == 201, r.content
    feed = r.json()
    assert feed["status"] == "pending" and feed["category"] == "News"
    r = api.post("/api/v1/feeds", {"url": "https://news.example/feed.xml"})
    assert r.status_code == 409 and r.json()["error"]["feed_id"] == feed["id"]
    assert api.get("/api/v1/feeds").json()["count"] == 1
    r = api.patch(f"/api/v1/feeds/{feed['id']}", {"title": "My news"})
    assert r.json()["title"] == "My news"
    assert api.post(f"/api/v1/feeds/{feed['id']}/poll").status_code == 202
    entry = FeedEntry.objects.create(
        feed_id=feed["id"], user=alice, guid="g", url="https://news.example/a", title="A"
    )
    assert api.get("/api/v1/entries").json()["entries"][0]["id"] == entry.pk
    assert api.get(f"/api/v1/entries/{entry.pk}").json()["text_status"] == "pending"
    r = api.post(f"/api/v1/entries/{entry.pk}/save")
    assert r.status_code == 201 and r.json()["url"] == "https://news.example/a"
    r = api.post(
        "/api/v1/opml",
        {"opml": "<opml><body><outline xmlUrl='https://z.example/f'/></body></opml>"},
    )
    assert r.status_code == 200 and len(r.json()["added"]) == 1
    export = api.get("/api/v1/opml")
    assert export.status_code == 200 and b"https://z.example/f" in export.content
    assert api.delete(f"/api/v1/feeds/{feed['id']}").status_code == 204


@pytest.mark.parametrize("text", ["\x1f", "a\x0bb", "\ufffe", "\uffff", "<&>"])
def test_the_opml_export_holds_only_what_xml_can(alice: AbstractBaseUser, text: str) -> None:
    feed = services.subscribe(alice, "https://a.example/feed", category="ok")
    Feed.objects.filter(pk=feed.pk).update(category=text, title=text, site_url="javascript:x")
    exported = services.export_opml(alice)
    assert b"https://a.example/feed" in exported and b"javascript" not in exported
